//! Language-aware extraction: parse a file (tree-sitter, or syn for Rust), rebuild the URLs the
//! code assembles (concatenation, interpolation, format functions, URL builders, same-file
//! constants and locals), and read the method, parameters and headers from the HTTP call that
//! sends them. The result is the same [`Candidate`]s the generic extractor produces, plus the
//! comment ranges and the expressions it understood, so the generic extractor can skip them
//! (see [`super::generic::GenericExtractor::extract_merged`]).
//!
//! Which node kinds mean what is data per language ([`spec::Spec`]); the evaluator is one.

mod embed;
mod eval;
pub mod rust;
pub mod spec;

use std::cell::RefCell;
use std::collections::HashMap;

use super::{Candidate, Deadline, ExtractConfig};
use crate::source::Span;

/// Files larger than this are left to the generic extractor (a parse tree costs memory in
/// proportion to the file; minified bundles and generated code are rarely hand-written calls).
pub const MAX_PARSE_BYTES: usize = 2 * 1024 * 1024;

/// The languages understood (`Rust` stays last: per-language tables are sized by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Php,
    Java,
    Kotlin,
    Go,
    Ruby,
    CSharp,
    Dart,
    Bash,
    Rust,
}

impl Lang {
    /// The language of a file, by extension (or name, for `Rakefile`/`Gemfile`).
    #[must_use]
    pub fn from_path(path: &str) -> Option<Self> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if matches!(name, "Rakefile" | "Gemfile" | "Guardfile" | "Vagrantfile") {
            return Some(Self::Ruby);
        }
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Self::from_name(&ext)
    }

    /// The language of a file extension or a Markdown fence tag (`py`, `python`, `ts`, `golang`).
    #[must_use]
    pub fn from_name(tag: &str) -> Option<Self> {
        Some(match tag.to_ascii_lowercase().as_str() {
            "py" | "pyw" | "pyi" | "python" | "python3" | "ipython" | "ipython3" => Self::Python,
            "js" | "mjs" | "cjs" | "jsx" | "javascript" | "node" => Self::JavaScript,
            "ts" | "mts" | "cts" | "typescript" => Self::TypeScript,
            "tsx" => Self::Tsx,
            "php" | "phtml" => Self::Php,
            "java" => Self::Java,
            "kt" | "kts" | "kotlin" => Self::Kotlin,
            "go" | "golang" => Self::Go,
            "rb" | "rake" | "gemspec" | "ruby" => Self::Ruby,
            "cs" | "csharp" | "c#" => Self::CSharp,
            "dart" => Self::Dart,
            "sh" | "bash" | "zsh" | "ksh" | "shell" => Self::Bash,
            "rs" | "rust" => Self::Rust,
            _ => return None,
        })
    }

    /// The name shown in diagnostics.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Python => "Python",
            Self::JavaScript => "JavaScript",
            Self::TypeScript => "TypeScript",
            Self::Tsx => "TSX",
            Self::Php => "PHP",
            Self::Java => "Java",
            Self::Kotlin => "Kotlin",
            Self::Go => "Go",
            Self::Ruby => "Ruby",
            Self::CSharp => "C#",
            Self::Dart => "Dart",
            Self::Bash => "shell",
            Self::Rust => "Rust",
        }
    }

    fn grammar(self) -> Option<tree_sitter::Language> {
        Some(match self {
            Self::Python => tree_sitter_python::LANGUAGE.into(),
            Self::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Self::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Self::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Self::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Self::Java => tree_sitter_java::LANGUAGE.into(),
            Self::Kotlin => tree_sitter_kotlin_ng::LANGUAGE.into(),
            Self::Go => tree_sitter_go::LANGUAGE.into(),
            Self::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Self::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Self::Dart => tree_sitter_dart::LANGUAGE.into(),
            Self::Bash => tree_sitter_bash::LANGUAGE.into(),
            Self::Rust => return None,
        })
    }
}

/// What language-aware extraction found in one piece of code.
#[derive(Debug, Default)]
pub struct LangOut {
    pub candidates: Vec<Candidate>,
    /// Comments and docstrings: URLs there are documentation, not calls.
    pub comments: Vec<Span>,
    /// Expressions already turned into candidates: the generic extractor skips URLs inside them.
    pub covered: Vec<Span>,
    /// Declarations (function signatures, struct definitions): a `key: Type` there declares a
    /// key rather than sends one, so the generic extractor attaches no key field from them.
    pub declarations: Vec<Span>,
    /// Map, dict and object literals (and `Map.of(…)`-style calls) bound to a name that is
    /// never used: no call sends them, so the generic extractor attaches none of their entries
    /// to a URL nearby (`const cacheKey = { key: "campaigns", ttl: 60 }` beside a call).
    pub structured: Vec<Span>,
    /// Function bodies and lambdas (and, for embedded code, each block or cell): the generic
    /// extractor attaches a field only to a URL in the same innermost scope.
    pub scopes: Vec<Span>,
    /// The call that sends each candidate (candidate span, call span): a field inside that call
    /// (a trailing lambda, `ktor { parameter(…) }`) belongs to it whatever its scope.
    pub sent_by: Vec<(Span, Span)>,
}

impl LangOut {
    /// Move every span by `by` bytes (code embedded at an offset of a file).
    pub fn shift(&mut self, f: &impl Fn(Span) -> Span) {
        for c in &mut self.candidates {
            c.span = f(c.span);
            for p in &mut c.params {
                p.span = f(p.span);
                p.value_span = f(p.value_span);
            }
            for m in &mut c.map {
                m.src = f(m.src);
            }
        }
        for s in self
            .comments
            .iter_mut()
            .chain(self.covered.iter_mut())
            .chain(self.declarations.iter_mut())
            .chain(self.structured.iter_mut())
            .chain(self.scopes.iter_mut())
        {
            *s = f(*s);
        }
        for (a, b) in &mut self.sent_by {
            *a = f(*a);
            *b = f(*b);
        }
    }

    /// Add another piece's results.
    pub fn extend(&mut self, other: Self) {
        self.candidates.extend(other.candidates);
        self.comments.extend(other.comments);
        self.covered.extend(other.covered);
        self.declarations.extend(other.declarations);
        self.structured.extend(other.structured);
        self.scopes.extend(other.scopes);
        self.sent_by.extend(other.sent_by);
    }
}

/// Why language-aware extraction gave up on a file (it is then scanned by the generic
/// extractor alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub lang: Lang,
    /// 1-based line of the first syntax error in the code given (not the file, for embedded code).
    pub line: usize,
    pub timed_out: bool,
    /// Refused before parsing: nested deeper (or, for its size, more) than hand-written code.
    pub too_nested: bool,
}

/// Language-aware extraction for a whole file: by its extension (a source file), or the code
/// embedded in it (notebook cells, Markdown fenced blocks). `None` when no language applies or
/// the file is too large; a parse failure gives the diagnostic to report, and the file is then
/// left to the generic extractor.
#[must_use]
pub fn extract_file(
    file: &crate::source::SourceFile,
    cfg: &ExtractConfig,
    deadline: Deadline,
) -> (Option<LangOut>, Option<String>) {
    // notebooks and Markdown: the code in them (a notebook's size limit is its code's)
    if let Some(found) = embed::extract_file(file, cfg, deadline) {
        return found;
    }
    if file.text.len() > MAX_PARSE_BYTES {
        return (None, None);
    }
    let Some(lang) = Lang::from_path(&file.path) else { return (None, None) };
    match extract(lang, &file.text, cfg, deadline) {
        Ok(out) => (Some(out), None),
        Err(f) => (None, Some(f.describe())),
    }
}

impl ParseFailure {
    /// The diagnostic for the report's `errors`.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.too_nested {
            format!(
                "too deeply nested for the {} parser (near line {}): scanned with the generic extractor",
                self.lang.name(),
                self.line
            )
        } else if self.timed_out {
            format!("parsing as {} ran out of time: scanned with the generic extractor", self.lang.name())
        } else {
            format!(
                "could not parse as {} (syntax error near line {}): scanned with the generic extractor",
                self.lang.name(),
                self.line
            )
        }
    }
}

thread_local! {
    /// One parser per language per thread, reused for every file.
    static PARSERS: RefCell<HashMap<Lang, tree_sitter::Parser>> = RefCell::new(HashMap::new());
}

/// Extract the candidates of `code` (a whole file, or code embedded in one) written in `lang`.
/// Spans are offsets into `code`.
///
/// # Errors
/// When the code does not parse (syntax errors) or parsing ran past the deadline.
pub fn extract(lang: Lang, code: &str, cfg: &ExtractConfig, deadline: Deadline) -> Result<LangOut, ParseFailure> {
    if lang == Lang::Rust {
        return rust::extract(code, cfg);
    }
    let Some(grammar) = lang.grammar() else {
        return Err(ParseFailure { lang, line: 1, timed_out: false, too_nested: false });
    };
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let parser = parsers.entry(lang).or_insert_with(|| {
            let mut p = tree_sitter::Parser::new();
            // the grammars are built with this tree-sitter (ABI checked by a test)
            let _ = p.set_language(&grammar);
            p
        });
        let bytes = code.as_bytes();
        let mut timed_out = false;
        let mut progress = |_: &tree_sitter::ParseState| {
            if deadline.passed() {
                timed_out = true;
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        };
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
        let tree = parser.parse_with_options(
            &mut |i, _| if i < bytes.len() { &bytes[i..] } else { &[] as &[u8] },
            None,
            Some(options),
        );
        parser.reset();
        let Some(tree) = tree else { return Err(ParseFailure { lang, line: 1, timed_out, too_nested: false }) };
        let root = tree.root_node();
        if root.has_error() {
            return Err(ParseFailure { lang, line: first_error_line(root), timed_out: false, too_nested: false });
        }
        Ok(eval::Extraction::new(lang, spec::spec(lang), code, cfg, deadline).run(root))
    })
}

fn first_error_line(root: tree_sitter::Node<'_>) -> usize {
    let mut cursor = root.walk();
    let mut node = root;
    loop {
        let next = node.children(&mut cursor).find(|c| c.is_error() || c.is_missing() || c.has_error());
        match next {
            Some(c) if c.is_error() || c.is_missing() => return c.start_position().row + 1,
            Some(c) => node = c,
            None => return node.start_position().row + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_into_this_tree_sitter() {
        for lang in [
            Lang::Python,
            Lang::JavaScript,
            Lang::TypeScript,
            Lang::Tsx,
            Lang::Php,
            Lang::Java,
            Lang::Kotlin,
            Lang::Go,
            Lang::Ruby,
            Lang::CSharp,
            Lang::Dart,
            Lang::Bash,
        ] {
            let mut p = tree_sitter::Parser::new();
            p.set_language(&lang.grammar().unwrap()).unwrap_or_else(|e| panic!("{lang:?}: {e}"));
        }
    }

    fn urls(lang: Lang, code: &str) -> Vec<String> {
        let cfg = ExtractConfig {
            path_anchors: vec!["/api/".into()],
            key_names: vec!["key".into()],
            header_names: Vec::new(),
        };
        let out = extract(lang, code, &cfg, Deadline::none()).unwrap();
        out.candidates.into_iter().map(|c| c.url).collect()
    }

    #[test]
    fn members_belong_to_their_class_and_several_values_leave_a_hole() {
        // two classes with a field of the same name: each reads its own
        let code = "class A:\n    def __init__(self):\n        self.base = 'https://a.voiso.com/api/v2'\n\n\
                    class B:\n    def __init__(self):\n        self.base = 'https://b.voiso.com/api/v1'\n    \
                    def f(self):\n        return requests.get(f'{self.base}/{self.key}/balance')\n";
        let u = urls(Lang::Python, code);
        assert!(u.contains(&"https://b.voiso.com/api/v1/{self.key}/balance".to_owned()), "{u:?}");
        // one class setting it to two values: a hole, not a guess
        let code = "class B:\n    def a(self):\n        self.base = 'https://a.voiso.com'\n    \
                    def b(self):\n        self.base = 'https://b.voiso.com'\n    \
                    def f(self):\n        return requests.get(f'{self.base}/api/v1/{self.key}/balance')\n";
        let u = urls(Lang::Python, code);
        assert!(u.contains(&"{self.base}/api/v1/{self.key}/balance".to_owned()), "{u:?}");
        // a key from the environment stays a hole
        let code = "class C { private k = process.env.VOISO_KEY; f() { return axios.get(`https://x.voiso.com/api/v1/${this.k}/balance`); } }";
        let u = urls(Lang::TypeScript, code);
        assert_eq!(u, vec!["https://x.voiso.com/api/v1/{this.k}/balance".to_owned()]);
    }

    #[test]
    fn languages_by_extension_and_fence_tag() {
        assert_eq!(Lang::from_path("a/b.py"), Some(Lang::Python));
        assert_eq!(Lang::from_path("x.TSX"), Some(Lang::Tsx));
        assert_eq!(Lang::from_path("Rakefile"), Some(Lang::Ruby));
        assert_eq!(Lang::from_path("notes.md"), None);
        assert_eq!(Lang::from_name("golang"), Some(Lang::Go));
        assert_eq!(Lang::from_name("c#"), Some(Lang::CSharp));
    }
}
