//! OpenAPI and Swagger specs: a span-carrying tree of the document ([`tree`]), `$ref`
//! resolution with cycle detection, the spec rules ([`rules`]: `openapi-key-in-query`,
//! `openapi-key-in-path`, `openapi-legacy-endpoint`, and `unmapped-endpoint` for operations the
//! catalog cannot map) and `migrate-spec` ([`migrate`]).
//!
//! A file is a spec by content: a `.yaml`, `.yml` or `.json` file whose top level has
//! `openapi: 3.x` or `swagger: "2.0"`. Everything here returns plain data; bad input becomes a
//! [`FileError`] and never stops the scan.

pub mod migrate;
pub mod rules;
pub mod splice;
pub mod tree;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::check::{Finding, Usage};
use crate::scan::FileError;
use crate::source::SourceFile;
use tree::{Doc, NodeId, line_of};

/// Parameter names that carry an API key, whatever the vendor (compared case-insensitively);
/// each vendor's `key_params` are added to these.
pub const KEY_NAMES: &[&str] = &["key", "api_key", "apikey", "api-key"];

/// Largest file a `$ref` may point at.
const MAX_REF_FILE: u64 = 50 * 1024 * 1024;

/// The spec dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Swagger2,
    Oas30,
    /// 3.1 and later 3.x: a security requirement may list roles for any scheme type.
    Oas31,
}

impl Version {
    #[must_use]
    pub fn is_oas3(self) -> bool {
        self != Self::Swagger2
    }
}

/// Whether a file's bytes pass the scan's prefilter.
pub type LintedAlone<'a> = dyn Fn(&[u8]) -> bool + Sync + 'a;

/// What the scanner needs to follow `$ref`s to other files.
#[derive(Default, Clone, Copy)]
pub struct Context<'a> {
    /// The scanned roots, canonical. A referenced file outside them is reported unresolved;
    /// with none, no file reference is followed.
    pub roots: &'a [PathBuf],
    /// Whether a file's bytes are linted on their own (the prefilter): a referenced file that is
    /// itself a spec and is linted on its own reports its findings there, not twice.
    pub linted_alone: Option<&'a LintedAlone<'a>>,
}

/// The findings, usages and diagnostics of one spec.
#[derive(Debug, Default)]
pub struct SpecReport {
    pub findings: Vec<Finding>,
    pub usages: Vec<Usage>,
    pub errors: Vec<FileError>,
}

/// How a file went through the spec linter.
#[derive(Debug)]
pub enum Outcome {
    /// Not a spec: the generic extractor takes it.
    NotSpec,
    Spec(SpecReport),
    /// It says it is a spec but cannot be read as one: the diagnostic, and the generic
    /// extractor takes it.
    Invalid(FileError),
}

/// Whether the spec linter looks at a file with this name.
#[must_use]
pub fn is_spec_name(path: &str) -> bool {
    let lower = path.rsplit(['/', '\\']).next().unwrap_or(path).to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// Whether the text says it is a spec before parsing: a top-level `openapi:`/`swagger:` line
/// (YAML), or an `"openapi"`/`"swagger"` key (JSON).
#[must_use]
pub fn looks_like_spec(text: &str) -> bool {
    let b = text.as_bytes();
    let json = text.trim_start().starts_with('{');
    for word in ["openapi", "swagger"] {
        for at in memchr::memmem::find_iter(b, word.as_bytes()) {
            if json {
                if at > 0 && b[at - 1] == b'"' && b.get(at + word.len()) == Some(&b'"') {
                    return true;
                }
            } else {
                let line_start = at == 0 || b[at - 1] == b'\n';
                let quoted = at > 0 && matches!(b[at - 1], b'"' | b'\'') && (at == 1 || b[at - 2] == b'\n');
                if (line_start || quoted) && text[at + word.len()..].trim_start_matches(['"', '\'']).starts_with(':') {
                    return true;
                }
            }
        }
    }
    false
}

/// The dialect of a loaded document, or why it is not a supported spec (`None`: no
/// `openapi`/`swagger` key at the top level).
fn version(doc: &Doc) -> Option<Result<Version, (NodeId, String)>> {
    if !doc.is_map(doc.root) {
        return None;
    }
    if let Some((k, v)) = doc.entry(doc.root, "openapi") {
        let s = doc.str(v).unwrap_or("");
        return Some(match s.strip_prefix("3.") {
            Some(rest) if rest.starts_with('0') => Ok(Version::Oas30),
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => Ok(Version::Oas31),
            _ => Err((k, format!("`openapi: {s}` is not a supported version (3.0 and 3.1 are)"))),
        });
    }
    let (k, v) = doc.entry(doc.root, "swagger")?;
    let s = doc.str(v).unwrap_or("");
    Some(if s == "2.0" || s == "2" {
        Ok(Version::Swagger2)
    } else {
        Err((k, format!("`swagger: {s}` is not supported (2.0 is)")))
    })
}

/// Lint one file if it is a spec.
#[must_use]
pub fn lint(catalog: &crate::catalog::Catalog, file: &SourceFile, ctx: &Context<'_>) -> Outcome {
    if !is_spec_name(&file.path) || !looks_like_spec(&file.text) {
        return Outcome::NotSpec;
    }
    let kind = if file.text.trim_start().starts_with('{') { "JSON" } else { "YAML" };
    let loaded = match tree::load(&file.text) {
        Ok(l) => l,
        Err(p) => {
            return Outcome::Invalid(FileError {
                path: file.path.clone(),
                message: format!("not valid {kind} at line {}: {}; read as plain text", p.line, p.message),
            });
        }
    };
    let v = match version(&loaded.doc) {
        None => return Outcome::NotSpec,
        Some(Err((at, why))) => {
            let line = line_of(&file.text, loaded.doc.node(at).span.start);
            return Outcome::Invalid(FileError {
                path: file.path.clone(),
                message: format!("not an OpenAPI/Swagger spec at line {line}: {why}; read as plain text"),
            });
        }
        Some(Ok(v)) => v,
    };
    let mut docs = Docs::new(file, loaded.doc, ctx);
    for w in loaded.warnings {
        docs.errors.push(FileError { path: file.path.clone(), message: format!("{} at line {}", w.message, w.line) });
    }
    // hard-coded keys: the same detection as any other file
    let keys = crate::check::check_file(catalog, file, &[]);
    let secrets: Vec<crate::source::Span> = keys.findings.iter().map(|f| f.span).collect();
    let mut report = rules::check(catalog, &mut docs, v, &secrets);
    report.findings.extend(keys.findings);
    report.errors.append(&mut docs.errors);
    report.errors.sort();
    report.errors.dedup();
    Outcome::Spec(report)
}

/// A node in one of the loaded documents: (document index, node).
pub type Loc = (usize, NodeId);

enum FileRef<'a> {
    Borrowed(&'a SourceFile),
    Owned(SourceFile),
}

/// One loaded document: the scanned spec (index 0) or a file a `$ref` points at.
pub struct LoadedDoc<'a> {
    file: FileRef<'a>,
    pub doc: Doc,
    /// Where it is on disk (for relative references).
    fs_path: PathBuf,
    /// A spec that is linted on its own: findings in it are reported by its own scan.
    pub linted_alone: bool,
}

impl LoadedDoc<'_> {
    #[must_use]
    pub fn file(&self) -> &SourceFile {
        match &self.file {
            FileRef::Borrowed(f) => f,
            FileRef::Owned(f) => f,
        }
    }

    fn line(&self, id: NodeId) -> usize {
        self.file().position(self.doc.node(id).span.start).line
    }
}

/// The scanned spec and the files its `$ref`s reach, with the diagnostics met on the way.
pub struct Docs<'a> {
    pub list: Vec<LoadedDoc<'a>>,
    by_path: HashMap<PathBuf, Option<usize>>,
    ctx: Context<'a>,
    pub errors: Vec<FileError>,
    reported: HashSet<Loc>,
}

impl<'a> Docs<'a> {
    fn new(file: &'a SourceFile, doc: Doc, ctx: &Context<'a>) -> Self {
        Self {
            list: vec![LoadedDoc {
                file: FileRef::Borrowed(file),
                doc,
                fs_path: PathBuf::from(&file.path),
                linted_alone: false,
            }],
            by_path: HashMap::new(),
            ctx: *ctx,
            errors: Vec::new(),
            reported: HashSet::new(),
        }
    }

    #[must_use]
    pub fn doc(&self, i: usize) -> &Doc {
        &self.list[i].doc
    }

    fn problem(&mut self, at: Loc, what: &str, detail: String) {
        if self.reported.insert(at) {
            let d = &self.list[at.0];
            let line = d.line(at.1);
            self.errors
                .push(FileError { path: d.file().path.clone(), message: format!("{what} at line {line}: {detail}") });
        }
    }

    /// Follow `$ref` from `at` (repeatedly) to the node it names. `None` (and a diagnostic) for
    /// a cycle, a missing target or a file that cannot be followed.
    pub fn deref(&mut self, mut at: Loc) -> Option<Loc> {
        let mut seen: Vec<(Loc, String)> = Vec::new();
        loop {
            let d = &self.list[at.0].doc;
            let Some((_, rv)) = d.entry(at.1, "$ref") else { return Some(at) };
            let Some(r) = d.str(rv).map(str::to_owned) else {
                self.problem((at.0, rv), "bad $ref", "`$ref` must be a string".into());
                return None;
            };
            if let Some(i) = seen.iter().position(|(l, _)| *l == at) {
                // one report per cycle, wherever it was entered: start at its first node
                let mut cycle = seen.split_off(i);
                let lo = cycle.iter().enumerate().min_by_key(|(_, (l, _))| *l).map_or(0, |(j, _)| j);
                cycle.rotate_left(lo);
                let mut chain: Vec<&str> = cycle.iter().map(|(_, r)| r.as_str()).collect();
                chain.push(&cycle[0].1);
                let first = cycle[0].0;
                let detail = chain.join(" → ");
                let rv = self.list[first.0].doc.get(first.1, "$ref").unwrap_or(first.1);
                self.problem((first.0, rv), "$ref cycle", detail);
                return None;
            }
            seen.push((at, r.clone()));
            let (file_part, ptr) = r.split_once('#').unwrap_or((r.as_str(), ""));
            let target_doc = if file_part.is_empty() {
                at.0
            } else {
                match self.external(at.0, file_part) {
                    Ok(i) => i,
                    Err(why) => {
                        self.problem((at.0, rv), "unresolved $ref", format!("`{r}`: {why}"));
                        return None;
                    }
                }
            };
            let Some(target) = self.list[target_doc].doc.pointer(ptr) else {
                self.problem((at.0, rv), "unresolved $ref", format!("`{r}`: no such node"));
                return None;
            };
            at = (target_doc, target);
        }
    }

    /// Load the file a reference names, relative to the document that names it.
    fn external(&mut self, from: usize, file_part: &str) -> Result<usize, String> {
        if file_part.contains("://") {
            return Err("remote references are not followed".into());
        }
        let base = self.list[from].fs_path.parent().unwrap_or(Path::new(""));
        let joined = normalise(&base.join(file_part));
        let canon = std::fs::canonicalize(&joined).map_err(|_| "no such file".to_owned())?;
        if !self.ctx.roots.iter().any(|r| canon.starts_with(r)) {
            return Err("outside the scanned tree, not followed".into());
        }
        if let Some(done) = self.by_path.get(&canon) {
            return done.ok_or_else(|| "the file could not be read as YAML/JSON".to_owned());
        }
        self.by_path.insert(canon.clone(), None);
        let meta = std::fs::metadata(&canon).map_err(|e| e.to_string())?;
        if meta.len() > MAX_REF_FILE {
            return Err("the file is too large".into());
        }
        let bytes = std::fs::read(&canon).map_err(|e| format!("could not read it: {e}"))?;
        let shown = joined.to_string_lossy().replace('\\', "/");
        let file = SourceFile::decode(shown.clone(), &bytes);
        let loaded =
            tree::load(&file.text).map_err(|p| format!("{shown} is not valid YAML/JSON at line {}", p.line))?;
        let alone = version(&loaded.doc).is_some_and(|v| v.is_ok())
            && is_spec_name(&shown)
            && self.ctx.linted_alone.is_some_and(|f| f(&bytes));
        self.list.push(LoadedDoc { file: FileRef::Owned(file), doc: loaded.doc, fs_path: joined, linted_alone: alone });
        let i = self.list.len() - 1;
        self.by_path.insert(canon, Some(i));
        Ok(i)
    }
}

/// `a/./b/../c` → `a/c` without touching the file system (display paths stay relative).
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Whether a parameter or scheme name is a key name (built-in names or a vendor's `key_params`).
#[must_use]
pub fn is_key_name(catalog: &crate::catalog::Catalog, name: &str) -> bool {
    KEY_NAMES.iter().any(|k| k.eq_ignore_ascii_case(name))
        || catalog.vendors.iter().any(|v| v.key_params.iter().any(|k| k.eq_ignore_ascii_case(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_content() {
        assert!(looks_like_spec("openapi: 3.0.3\ninfo: {}\n"));
        assert!(looks_like_spec("# c\nswagger: \"2.0\"\n"));
        assert!(looks_like_spec("{\n  \"info\": {},\n  \"openapi\": \"3.1.0\"\n}"));
        assert!(!looks_like_spec("name: openapi\nkind: x\n"));
        assert!(!looks_like_spec("  openapi: 3.0.0\n"));
        assert!(is_spec_name("a/b/API.YAML") && is_spec_name("x.json") && !is_spec_name("x.py"));
    }

    #[test]
    fn versions() {
        let v = |s: &str| version(&tree::load(s).unwrap().doc).map(|r| r.map_err(|e| e.1));
        assert_eq!(v("openapi: 3.0.3\n"), Some(Ok(Version::Oas30)));
        assert_eq!(v("openapi: '3.1.0'\n"), Some(Ok(Version::Oas31)));
        assert_eq!(v("swagger: \"2.0\"\n"), Some(Ok(Version::Swagger2)));
        assert!(matches!(v("swagger: \"1.2\"\n"), Some(Err(_))));
        assert_eq!(v("info: {}\n"), None);
    }
}
