//! The evaluator: one pass over a tree-sitter tree collects comments, bindings (constants,
//! single-assignment locals), calls and strings; then every string climbs to the largest
//! expression that builds it (concatenation, interpolation, format and URL-builder calls),
//! which is evaluated into a [`Template`]. Templates that are URLs become candidates, with the
//! method, parameters and headers of the HTTP call that sends them (directly, or through a
//! variable). Nothing is executed: identifiers resolve to their single same-file assignment,
//! within a depth and size bound, and anything else stays a `{named}` hole.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::spec::{CONCAT_OPS, Spec};
use super::{Lang, LangOut};
use crate::catalog::Method;
use crate::extract::template::{Template, substitute};
use crate::extract::url::classify_value;
use crate::extract::{Deadline, ExtractConfig, Param, ParamLocation, Value};
use crate::source::Span;

/// How deep expressions and constant references are followed.
const MAX_DEPTH: u8 = 24;
/// Depth left to evaluate a literal used as a name (a map key, a method): Dart wraps a literal
/// in two string nodes, so one level is not enough.
const NAME_DEPTH: u8 = MAX_DEPTH - 4;
/// Parameter lists and type bodies: a `key: Type` there is a declaration, not a field sent.
const PARAMETER_LISTS: &[&str] = &[
    "parameters",
    "lambda_parameters",
    "formal_parameters",
    "parameter_list",
    "function_value_parameters",
    "formal_parameter_list",
    "method_parameters",
    "block_parameters",
    "object_type",
    "interface_body",
    "class_parameters",
];
/// Functions that turn a map into a query string.
const QUERY_BUILDERS: &[&str] =
    &["http_build_query", "urlsearchparams", "urlencode", "encode_www_form", "build_query", "stringify", "encode"];
/// Calls whose string arguments are documentation, not URLs sent: test names, log and print
/// lines, assertion and exception messages. Each entry is `(receiver, function)`: the receiver
/// is compared with the last name of the call's receiver (`self.logger` → `logger`, `_log` →
/// `log`), the function with the called name, both case-insensitively. `*` matches anything (a
/// receiver or none), `-` no receiver; a trailing `*` matches a prefix and a leading `*` a suffix;
/// a suffix written capitalised (`*Exception`) matches class names only (case-sensitive). An
/// HTTP client's methods (`get`, `post`, `request`, `send`, …) must never match.
const DOC_CALLS: &[(&str, &str)] = &[
    // test names: Jest/Mocha/Vitest, RSpec, Dart `test`/`group`, Go subtests
    ("-", "it"),
    ("-", "xit"),
    ("-", "fit"),
    ("-", "test"),
    ("-", "xtest"),
    ("-", "describe"),
    ("rspec", "describe"),
    ("-", "xdescribe"),
    ("-", "fdescribe"),
    ("-", "context"),
    ("-", "xcontext"),
    ("-", "specify"),
    ("-", "scenario"),
    ("-", "group"),
    ("-", "testwidgets"),
    ("it", "only"),
    ("it", "skip"),
    ("it", "todo"),
    ("test", "only"),
    ("test", "skip"),
    ("test", "todo"),
    ("describe", "only"),
    ("describe", "skip"),
    ("t", "run"),
    ("s", "run"),
    ("suite", "run"),
    ("t", "log*"),
    ("t", "error*"),
    ("t", "fatal*"),
    ("t", "skip*"),
    // assertions and test failures
    ("*", "assert*"),
    ("*", "refute*"),
    ("assert", "*"),
    ("*", "fail"),
    ("pytest", "skip"),
    // logging
    ("log", "*"),
    ("*logger", "*"),
    ("logging", "*"),
    ("console", "*"),
    ("slog", "*"),
    ("warnings", "warn"),
    ("-", "warn"),
    ("-", "log"),
    ("-", "error_log"),
    ("-", "trigger_error"),
    // printing
    ("*", "print"),
    ("*", "println"),
    ("*", "printf"),
    ("*", "print_r"),
    ("*", "puts"),
    ("*", "debugprint"),
    ("*", "writeline"),
    ("fmt", "fprint*"),
    // errors and exceptions: messages
    ("-", "raise"),
    ("-", "panic"),
    ("-", "error"),
    ("errors", "new"),
    ("*", "errorf"),
    ("*", "*Exception"),
    ("*", "*Error"),
];

/// Annotations, attributes and decorators that name or parametrise a test, or carry a message:
/// their arguments are documentation or test data (`@DisplayName("…")`,
/// `[Fact(DisplayName = "…")]`, `[InlineData("/api/v1/{key}/balance")]`). Compared with the
/// annotation's last name, case-insensitively. Route and client annotations (`@GET`,
/// `@GetMapping`) are not here: they declare calls.
const DOC_ANNOTATIONS: &[&str] = &[
    "displayname",
    "fact",
    "theory",
    "inlinedata",
    "memberdata",
    "datarow",
    "testcase",
    "testcasesource",
    "description",
    "parametrize",
    "parameterizedtest",
    "valuesource",
    "csvsource",
    "disabled",
    "ignore",
    "skip",
    "deprecated",
    "obsolete",
    "tag",
    "tags",
    "test",
    "testmethod",
];
/// Shell commands that print a heredoc (`cat <<'DOC' … DOC`): its text is documentation unless
/// it is piped on, captured or written to a file.
const HEREDOC_PRINTERS: &[&str] = &["cat", "echo", "printf", "more", "less"];
/// Node kinds of annotations, attributes and decorators.
const ANNOTATION_KINDS: &[&str] = &["annotation", "marker_annotation", "attribute", "decorator"];

/// Whether a call of `name` on `recv` (its last name; `None`: no receiver) is in [`DOC_CALLS`].
fn is_doc_name(recv: Option<&str>, name: &str) -> bool {
    DOC_CALLS.iter().any(|(r, f)| {
        let recv_ok = match (*r, recv) {
            ("*", _) | ("-", None) => true,
            ("-", Some(_)) | (_, None) => false,
            (p, Some(x)) => doc_pattern(p, x),
        };
        recv_ok && doc_pattern(f, name)
    })
}

/// Whether `pat` (a [`DOC_CALLS`] pattern) matches `name`.
fn doc_pattern(pat: &str, name: &str) -> bool {
    if pat == "*" {
        return true;
    }
    if let Some(suffix) = pat.strip_prefix('*') {
        if suffix.starts_with(|c: char| c.is_ascii_uppercase()) {
            return name.ends_with(suffix) && name.starts_with(|c: char| c.is_ascii_uppercase());
        }
        return name.len() >= suffix.len()
            && name.is_char_boundary(name.len() - suffix.len())
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix);
    }
    if let Some(prefix) = pat.strip_suffix('*') {
        return name.len() >= prefix.len()
            && name.is_char_boundary(prefix.len())
            && name[..prefix.len()].eq_ignore_ascii_case(prefix);
    }
    name.eq_ignore_ascii_case(pat)
}

/// How many arguments of a call are looked at for its URL.
const URL_ARGS: usize = 3;

/// Format functions: the first argument (or the string receiver) is a format string.
const FORMAT_FNS: &[&str] = &["format", "sprintf", "formatted", "printf", "fmt", "sprint"];
/// Functions that return their one argument as a URL.
const WRAP_FNS: &[&str] = &[
    "create",
    "parse",
    "uri",
    "url",
    "touri",
    "tostring",
    "valueof",
    "str",
    "string",
    "encodeuri",
    "strval",
    "httpurl",
    "tohttpurl",
    "tohttpurlornull",
    "urlencode_path",
];
/// Calls that end a URL builder chain and return its URL.
const CHAIN_ENDS: &[&str] = &["touristring", "tourl", "touri", "build", "buildandexpand", "encode"];
/// Setters that add a query parameter: `(name, value)`, or `(url, name, value)`.
const QUERY_SETTERS: &[&str] = &[
    "queryparam",
    "addqueryparameter",
    "setqueryparameter",
    "addencodedqueryparameter",
    "appendqueryparameter",
    "parameter",
    "addquerystring",
];
/// Setters that add a header: `(name, value)`.
const HEADER_SETTERS: &[&str] = &["header", "addheader", "setheader"];
/// Functions that join a base and paths.
const JOIN_FNS: &[&str] = &["urljoin", "joinpath", "join_path", "join", "resolve", "combine"];
/// Option names whose value holds query parameters, body fields or headers.
fn option_location(name: &str) -> Option<ParamLocation> {
    Some(match name.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
        "params" | "query" | "searchparams" | "qs" | "queryparams" | "queryparameters" | "querystring" => {
            ParamLocation::Query
        }
        "data" | "json" | "body" | "form" | "formparams" | "formdata" | "multipart" | "files" | "payload" => {
            ParamLocation::Body
        }
        "headers" | "header" | "defaultheaders" => ParamLocation::Header,
        _ => return None,
    })
}

struct Binding<'t> {
    value: Node<'t>,
    scope: usize,
    start: usize,
    /// Bound through a member (`self.base = …`, `this.base`, `@base`): seen from every method.
    member: bool,
}

pub struct Extraction<'a, 't> {
    lang: Lang,
    spec: &'static Spec,
    code: &'a str,
    cfg: &'a ExtractConfig,
    deadline: Deadline,
    bindings: HashMap<String, Vec<Binding<'t>>>,
    /// Assignments seen by the walk, bound once the scopes are known.
    pending: Vec<(Node<'t>, &'static str, &'static str)>,
    /// Function scopes: (start, end, id), sorted by start (outer before inner).
    scopes: Vec<(usize, usize, usize)>,
    /// The enclosing function scope of each scope (0: file level).
    parents: HashMap<usize, usize>,
    /// Every call of the file (setters on a params variable are looked up here).
    calls: Vec<Node<'t>>,
    /// Setter calls by receiver and scope, built on first use.
    setters: std::cell::OnceCell<HashMap<(String, usize), Vec<Node<'t>>>>,
    /// Templates of bindings already evaluated (each constant is evaluated once).
    memo: std::cell::RefCell<HashMap<usize, Template>>,
    /// Documentation calls (`it("…")`, `log.info("…")`): they send nothing.
    doc_calls: HashSet<usize>,
}

impl<'a, 't> Extraction<'a, 't> {
    pub fn new(lang: Lang, spec: &'static Spec, code: &'a str, cfg: &'a ExtractConfig, deadline: Deadline) -> Self {
        Self {
            lang,
            spec,
            code,
            cfg,
            deadline,
            bindings: HashMap::new(),
            pending: Vec::new(),
            scopes: Vec::new(),
            parents: HashMap::new(),
            calls: Vec::new(),
            memo: std::cell::RefCell::new(HashMap::new()),
            setters: std::cell::OnceCell::new(),
            doc_calls: HashSet::new(),
        }
    }

    fn text(&self, n: Node<'_>) -> &'a str {
        self.code.get(n.byte_range()).unwrap_or("")
    }

    fn span(n: Node<'_>) -> Span {
        Span::new(n.start_byte(), n.end_byte())
    }

    pub fn run(mut self, root: Node<'t>) -> LangOut {
        let mut out = LangOut::default();
        let mut roots: Vec<Node<'t>> = Vec::new();
        let mut calls: Vec<Node<'t>> = Vec::new();
        // pre-order walk with an explicit stack (deep trees never recurse, and no node asks for
        // its parent, which costs the depth in tree-sitter): each entry carries whether the node
        // continues an enclosing string-building expression
        let mut stack: Vec<(Node<'t>, bool)> = vec![(root, false)];
        let mut children: Vec<Node<'t>> = Vec::new();
        let mut cursor = root.walk();
        let mut visited = 0usize;
        // arguments of documentation calls, skipped like comments
        let mut doc_args: HashSet<usize> = HashSet::new();
        // how often each name is written (a map bound to a name written once is never sent)
        let mut uses: HashMap<&str, usize> = HashMap::new();
        while let Some((node, in_expr)) = stack.pop() {
            visited += 1;
            if visited.is_multiple_of(4096) && self.deadline.passed() {
                break;
            }
            let kind = node.kind();
            if kind.contains("comment") || self.is_docstring(node) || doc_args.contains(&node.id()) {
                out.comments.push(Self::span(node));
                continue;
            }
            if kind.contains("identifier") && self.text(node).starts_with('`') {
                // Kotlin `fun \`GET /api/v2/cdr?key= is gone\`()`: a test's name
                out.comments.push(Self::span(node));
                continue;
            }
            if kind == "heredoc_body" && self.is_doc_heredoc(node) {
                // `cat <<'DOC' … DOC`: text printed for a reader
                out.comments.push(Self::span(node));
                continue;
            }
            if ANNOTATION_KINDS.contains(&kind) && self.is_doc_annotation(node) {
                // `@DisplayName("…")`, `[InlineData("…")]`: a test's name or data
                out.comments.push(Self::span(node));
                continue;
            }
            let doc_call = self.spec.calls.contains(&kind) && self.is_doc_call(node);
            if doc_call {
                // the text arguments of `it("…", fn)`, `log.info(f"…")` are documentation; the
                // other arguments (a test's body) are code
                self.doc_calls.insert(node.id());
                for a in self.args(node) {
                    let v = self.pair(a).map_or(a, |(_, v)| v);
                    if self.is_text(self.unwrap(v)) {
                        doc_args.insert(a.id());
                    }
                }
            }
            if PARAMETER_LISTS.contains(&kind) {
                // `def f(key: str)`, `function f(key: string)`: declares a key, sends none
                out.declarations.push(Self::span(node));
            }
            if self.spec.scopes.contains(&kind) {
                self.scopes.push((node.start_byte(), node.end_byte(), node.id()));
            }
            if self.spec.calls.contains(&kind) {
                calls.push(node);
            }
            if node.named_child_count() == 0 && (self.is_name(node) || kind.contains("identifier")) {
                let t = self.text(node).trim().trim_start_matches(['$', '@']);
                *uses.entry(t).or_insert(0usize) += 1;
            }
            if let Some(&(_, name, value)) = self.spec.assigns.iter().find(|(k, _, _)| *k == kind) {
                self.pending.push((node, name, value));
            }
            if matches!(kind, "assert_statement" | "echo_statement") {
                // Python `assert ok, "msg"`, Java `assert ok : "msg"`: the message is documentation;
                // PHP `echo "…"` prints
                let mut c = node.walk();
                for ch in node.named_children(&mut c) {
                    if self.is_text(self.unwrap(ch)) {
                        doc_args.insert(ch.id());
                    }
                }
            }
            let builds = !doc_call && self.builds_string(node);
            if builds && !in_expr && (self.spec.strings.contains(&kind) || self.contains_string(node)) {
                roots.push(node);
            }
            // does a child continue this node's expression?
            let transparent = matches!(
                kind,
                "argument_list" | "arguments" | "argument" | "value_arguments" | "value_argument" | "call_suffix"
            ) || is_member(kind);
            let child_in_expr = builds || (transparent && in_expr);
            children.clear();
            children.extend(node.children(&mut cursor).filter(|c| c.is_named()));
            for c in children.iter().rev() {
                stack.push((*c, child_in_expr));
            }
        }
        self.scopes.sort_unstable_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
        let mut open: Vec<(usize, usize)> = Vec::new();
        for &(s, e, id) in &self.scopes {
            while open.last().is_some_and(|(end, _)| *end <= s) {
                open.pop();
            }
            self.parents.insert(id, open.last().map_or(0, |(_, p)| *p));
            open.push((e, id));
        }
        for (node, name, value) in std::mem::take(&mut self.pending) {
            self.bind(node, name, value);
        }
        for &call in &calls {
            self.define_call(call);
        }
        // by scope (file level first), then position: `lookup` binary-searches
        for all in self.bindings.values_mut() {
            all.sort_by_key(|b| (b.scope, b.start));
        }
        self.calls.clone_from(&calls);

        // which calls use which expression as their URL (directly or through a variable)
        let mut links: HashMap<usize, Vec<Node<'t>>> = HashMap::new();
        for &call in &calls {
            if self.is_builder(call) || self.doc_calls.contains(&call.id()) {
                continue; // `URI(u)`, `format(…)`: builds the URL, does not send it; `log.info(u)`
            }
            for arg in self.url_args(call) {
                if let Some(target) = self.target(arg, 0) {
                    links.entry(target.id()).or_default().push(call);
                }
            }
        }

        // a local that only feeds a longer URL (`u := host + "/cdr"` then `u + "?" + q.Encode()`)
        // is reported through that URL, not on its own
        let root_ids: HashSet<usize> = roots.iter().map(|r| r.id()).collect();
        let mut consumed: HashSet<usize> = HashSet::new();
        for &r in &roots {
            for name in self.names_in(r) {
                if let Some(n) = self.name_of(name)
                    && let Some(v) = self.lookup(&n, name.start_byte(), self.scope_of(name))
                    && root_ids.contains(&v.id())
                    && self.scope_of(v) != 0
                {
                    consumed.insert(v.id());
                }
            }
        }

        let mut seen: HashSet<usize> = HashSet::new();
        let mut emitted: HashSet<(Span, Option<Method>)> = HashSet::new();
        for root in roots {
            if self.deadline.passed() {
                break;
            }
            if !seen.insert(root.id()) {
                continue;
            }
            let t = self.eval(root, 0);
            // a URL, with text of its own (`"$url"` only repeats a variable's value)
            if !t.is_url(&self.cfg.path_anchors) || !t.pieces.iter().any(|p| p.exact && !p.text.trim().is_empty()) {
                continue;
            }
            out.covered.push(Self::span(root));
            // a string literal's candidate is its content (what the generic extractor sees)
            let span = if self.spec.strings.contains(&root.kind()) {
                let (cs, ce) = self.content_bounds(root);
                Span::new(cs, ce)
            } else {
                // an expression between literals: from the text, not the quotes
                let mut span = Self::span(root);
                let first =
                    t.pieces.first().filter(|p| p.exact && p.src.start >= span.start && p.src.start <= span.start + 4);
                let last = t.pieces.last().filter(|p| p.exact && p.src.end <= span.end && p.src.end + 4 >= span.end);
                if let (Some(f), Some(l)) = (first, last) {
                    span = Span::new(f.src.start, l.src.end.max(f.src.start));
                } else if let Some(f) = first {
                    span.start = f.src.start;
                }
                // a query map or parameter passed to a URL builder (`Uri.https(host, path, {…})`,
                // `AddQueryString(url, "key", k)`) is not URL text: its entries are reported where
                // they are
                if self.spec.calls.contains(&root.kind()) {
                    let args = self.args(root);
                    let url_end = if QUERY_SETTERS.contains(&self.fname(root).to_ascii_lowercase().as_str()) {
                        args.first()
                    } else if let [.., before, last] = args.as_slice()
                        && self.spec.maps.contains(&self.unwrap(*last).kind())
                    {
                        Some(before)
                    } else {
                        None
                    };
                    if let Some(a) = url_end {
                        span.end = span.end.min(a.end_byte()).max(span.start);
                    }
                }
                span
            };
            let mut users: Vec<Node<'t>> = links.get(&root.id()).cloned().unwrap_or_default();
            if users.is_empty()
                && let Some(call) = self.call_of_option(root)
            {
                users.push(call);
            }
            // a query string built inside the URL (`'?' . http_build_query(['key' => $k])`)
            let inline = self.inline_query(root);
            if users.is_empty() {
                if !consumed.contains(&root.id()) {
                    out.candidates.push(t.into_candidate(span, None, inline));
                }
                continue;
            }
            let sends: Vec<(Node<'t>, Option<Method>)> = users.into_iter().map(|c| (c, self.method_of(c))).collect();
            // a call that names no method beside one that does is a wrapper (`URI.create(u)`
            // inside `.uri(…).PUT(…)`), not a second request
            let any_method = sends.iter().any(|(_, m)| m.is_some());
            for (call, method) in sends {
                if any_method && method.is_none() {
                    continue;
                }
                let mut params = self.params_of(call, root, method);
                params.extend(inline.iter().cloned());
                if emitted.insert((span, method)) {
                    out.sent_by.push((span, Self::span(self.chain_top(call))));
                    out.candidates.push(t.clone().into_candidate(span, method, params));
                }
            }
        }
        out.scopes = self.scopes.iter().map(|&(s, e, _)| Span::new(s, e)).collect();
        // maps bound to a name that is never used again (`const cacheKey = { key: "campaigns" }`)
        for (name, all) in &self.bindings {
            if uses.get(name.as_str()).copied().unwrap_or(0) > 1 {
                continue;
            }
            for b in all {
                let v = self.unwrap(b.value);
                if self.spec.maps.contains(&v.kind())
                    || matches!(v.kind(), "dictionary" | "object" | "hash" | "composite_literal")
                    || (self.spec.calls.contains(&v.kind())
                        && matches!(
                            self.fname(v).to_ascii_lowercase().as_str(),
                            "of" | "mapof" | "hashmapof" | "mutablemapof" | "ofentries" | "dict"
                        ))
                {
                    out.structured.push(Self::span(v));
                }
            }
        }
        out.comments.sort_unstable();
        out.covered.sort_unstable();
        out
    }

    // ---------------------------------------------------------------------------------------
    // the walk

    /// A string that is a statement of its own (Python, Ruby): documentation.
    fn is_docstring(&self, n: Node<'_>) -> bool {
        n.kind() == "expression_statement"
            && self.lang == Lang::Python
            && n.named_child_count() == 1
            && n.named_child(0).is_some_and(|c| self.spec.strings.contains(&c.kind()))
    }

    /// A call whose text arguments are documentation ([`DOC_CALLS`]): a test's name, a log
    /// line, a message. Shell commands are not judged here (`printf` builds URLs there).
    fn is_doc_call(&self, call: Node<'t>) -> bool {
        if self.lang == Lang::Bash {
            return false;
        }
        let name = self.fname(call).trim_start_matches('\\');
        if name.is_empty() {
            return false;
        }
        let recv = self.receiver(call).or_else(|| call.child_by_field_name("scope")).map(|r| {
            let t = self.text(r).trim();
            t.rsplit(['.', ':', '>', '\\']).next().unwrap_or(t).trim_matches(['$', '@', '_', '&', '(', ')', ' '])
        });
        is_doc_name(recv, name)
    }

    /// An annotation, attribute or decorator that names or parametrises a test ([`DOC_ANNOTATIONS`]).
    fn is_doc_annotation(&self, n: Node<'_>) -> bool {
        let text = self.text(n).trim_start_matches(['@', '#', '[', ' ']);
        let head = text.split(['(', ']', ' ', '\n']).next().unwrap_or("");
        let name = head.rsplit(['.', ':', '\\']).next().unwrap_or(head);
        DOC_ANNOTATIONS.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// A heredoc printed for a reader (`cat <<'DOC'`, `cat >&2 <<EOF` in a usage function), not
    /// fed to curl (`-d @-`), piped on (`cat <<EOF | curl …`), captured (`$(cat <<EOF …)`) or
    /// written to a file (`cat > body.json <<EOF`).
    fn is_doc_heredoc(&self, body: Node<'t>) -> bool {
        let Some(redirect) = body.parent().filter(|r| r.kind() == "heredoc_redirect") else { return false };
        let Some(stmt) = redirect.parent().filter(|p| p.kind() == "redirected_statement") else { return false };
        let mut c = redirect.walk();
        if redirect.named_children(&mut c).any(|x| !x.kind().starts_with("heredoc_")) {
            return false; // `cat <<EOF | curl … -d @-`, `cat <<EOF && …`
        }
        let Some(cmd) = stmt.child_by_field_name("body").filter(|b| b.kind() == "command") else { return false };
        let name = cmd.child_by_field_name("name").map_or("", |n| self.text(n).trim());
        if !HEREDOC_PRINTERS.contains(&name) {
            return false;
        }
        let mut c = stmt.walk();
        let to_file = stmt.children_by_field_name("redirect", &mut c).any(|r| {
            let dest = r.child_by_field_name("destination").map_or("", |d| self.text(d).trim());
            r.kind() == "file_redirect" && !(dest.bytes().all(|b| b.is_ascii_digit()) || dest.starts_with("/dev/std"))
        });
        if to_file {
            return false;
        }
        let mut p = stmt.parent();
        for _ in 0..4 {
            match p {
                Some(n) if matches!(n.kind(), "pipeline" | "command_substitution" | "process_substitution") => {
                    return false;
                }
                Some(n) => p = n.parent(),
                None => break,
            }
        }
        true
    }

    /// Text: a string literal, or an expression building one (concatenation, interpolation, a
    /// format call).
    fn is_text(&self, n: Node<'_>) -> bool {
        self.spec.strings.contains(&n.kind()) || (self.builds_string(n) && self.contains_string(n))
    }

    /// The innermost function scope around `n` (0: file level).
    fn scope_of(&self, n: Node<'_>) -> usize {
        self.scope_around(n.start_byte(), n.end_byte(), Some(n.id()))
    }

    /// The innermost function scope around a span of text (0: file level).
    fn scope_at(&self, at: Span) -> usize {
        self.scope_around(at.start, at.end, None)
    }

    fn scope_around(&self, s: usize, e: usize, not: Option<usize>) -> usize {
        let k = self.scopes.partition_point(|(start, _, _)| *start <= s);
        self.scopes[..k]
            .iter()
            .rev()
            .take(256)
            .find(|(start, end, id)| *start <= s && e <= *end && Some(*id) != not)
            .map_or(0, |(_, _, id)| *id)
    }

    /// The name a binding is known by: `$base` → `base`, `self.base`/`this.base`/`A::BASE` → `base`/`BASE`.
    fn name_of(&self, n: Node<'t>) -> Option<String> {
        let n = self.unwrap(n);
        let text = self.text(n).trim();
        let last = text.rsplit(['.', ':', '>']).next().unwrap_or(text).trim().trim_start_matches(['$', '@', '&']);
        let ok = !last.is_empty() && last.len() <= 64 && last.chars().all(|c| c.is_alphanumeric() || c == '_');
        ok.then(|| last.to_owned())
    }

    fn bind(&mut self, node: Node<'t>, name_field: &str, value_field: &str) {
        // the first named child, past modifiers (Kotlin `const val X`, `private val x`)
        let name = if name_field.is_empty() {
            let mut c = node.walk();
            node.named_children(&mut c).find(|x| !x.kind().contains("comment") && x.kind() != "modifiers")
        } else {
            node.child_by_field_name(name_field)
        };
        let value = if value_field.is_empty() {
            last_named(node).filter(|v| Some(v.id()) != name.map(|n| n.id()))
        } else {
            node.child_by_field_name(value_field)
        };
        let (Some(name), Some(value)) = (name, value) else { return };
        // `a, b := x, y` (Go) and `a = b = …`: pair names and values when the counts agree
        let names: Vec<Node<'t>> = list_items(name);
        let values: Vec<Node<'t>> = list_items(value);
        let pairs: Vec<(Node<'t>, Node<'t>)> = if names.len() == values.len() {
            names.into_iter().zip(values).collect()
        } else if names.len() == 1 {
            vec![(name, value)]
        } else if self.lang == Lang::Go && values.len() == 1 && self.spec.calls.contains(&values[0].kind()) {
            // `u, err := url.JoinPath(…)`: the first result is the value
            vec![(names[0], values[0])]
        } else {
            return;
        };
        for (n, v) in pairs {
            let n = if n.kind() == "variable_declaration" { first_named(n).unwrap_or(n) } else { n };
            if let Some(key) = self.name_of(n) {
                let t = self.text(n).trim();
                // a field: `self.base`, `@base`, or an assignment that declares nothing (C#
                // `_baseUrl = …` in a constructor) where declarations are written apart
                let member = t.starts_with('@')
                    || t.contains(['.', '>', ':'])
                    || (!matches!(self.lang, Lang::Python | Lang::Ruby | Lang::Php | Lang::Bash)
                        && matches!(node.kind(), "assignment_expression" | "assignment" | "assignment_statement"));
                let b = Binding { value: v, scope: self.scope_of(node), start: node.start_byte(), member };
                self.bindings.entry(key).or_default().push(b);
            }
        }
    }

    /// PHP `define('NAME', value)`.
    fn define_call(&mut self, call: Node<'t>) {
        if self.lang != Lang::Php || !self.fname(call).eq_ignore_ascii_case("define") {
            return;
        }
        let args = self.args(call);
        if let [name, value, ..] = args.as_slice() {
            let name = self.unwrap(*name);
            if self.spec.strings.contains(&name.kind()) {
                let key = self.eval(name, NAME_DEPTH).text();
                let b = Binding { value: *value, scope: 0, start: call.start_byte(), member: false };
                self.bindings.entry(key).or_default().push(b);
            }
        }
    }

    /// The value bound to `name` as seen at byte `at` in scope `scope`: the last assignment
    /// before it in the same function, else in the functions around it (a closure sees them);
    /// else the single one at file level; else a single member assignment (`self.base = …` in a
    /// constructor). A local of another function is never seen: a parameter `body` is not the
    /// `body` map another function builds.
    fn lookup(&self, name: &str, at: usize, scope: usize) -> Option<Node<'t>> {
        // sorted by (scope, start) once the walk is done: each step is a binary search
        let all = self.bindings.get(name)?;
        let mut sc = scope;
        for _ in 0..64 {
            if sc == 0 {
                break;
            }
            let lo = all.partition_point(|b| b.scope < sc);
            let hi = lo + all[lo..].partition_point(|b| b.scope == sc && b.start <= at);
            if hi > lo {
                return Some(all[hi - 1].value);
            }
            sc = self.parents.get(&sc).copied().unwrap_or(0);
        }
        let top = all.partition_point(|b| b.scope == 0);
        if top == 1 {
            return Some(all[0].value);
        }
        (all.len() == 1 && all[0].member).then(|| all[0].value)
    }

    // ---------------------------------------------------------------------------------------
    // calls

    /// The called function's last name: `requests.post` → `post`, `new URL` → `URL`.
    fn fname(&self, call: Node<'_>) -> &'a str {
        let callee = ["function", "name", "method", "constructor", "type"]
            .iter()
            .find_map(|f| call.child_by_field_name(f))
            .or_else(|| first_named(call));
        let Some(callee) = callee else { return "" };
        let text = self.text(callee).trim();
        let text = text.split(['<', '(']).next().unwrap_or(text);
        text.rsplit(['.', ':', '>', ' ']).next().unwrap_or(text).trim_start_matches(['$', '@'])
    }

    /// The receiver of a method call (`"…".format` → the string).
    fn receiver(&self, call: Node<'t>) -> Option<Node<'t>> {
        if let Some(o) = call.child_by_field_name("object").or_else(|| call.child_by_field_name("receiver")) {
            return Some(o);
        }
        let callee = call.child_by_field_name("function").or_else(|| first_named(call))?;
        if callee.named_child_count() >= 2 && callee.id() != call.id() {
            return first_named(callee);
        }
        None
    }

    /// The argument nodes of a call, in order (wrappers kept: pairs and named arguments stay).
    fn args(&self, call: Node<'t>) -> Vec<Node<'t>> {
        if self.lang == Lang::Bash {
            let mut c = call.walk();
            return call.children_by_field_name("argument", &mut c).collect();
        }
        let list = call.child_by_field_name("arguments").or_else(|| {
            let mut c = call.walk();
            call.named_children(&mut c)
                .find(|n| matches!(n.kind(), "argument_list" | "arguments" | "value_arguments" | "call_suffix"))
        });
        let Some(mut list) = list else { return Vec::new() };
        if list.kind() == "call_suffix"
            && let Some(v) = first_named(list).filter(|n| n.kind() == "value_arguments")
        {
            list = v;
        }
        let mut c = list.walk();
        list.named_children(&mut c).filter(|n| !n.kind().contains("comment")).collect()
    }

    /// The arguments that may carry the URL: the first few positional ones, and `url=`/`uri:`.
    fn url_args(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        for (i, a) in self.args(call).into_iter().enumerate() {
            if let Some((k, v)) = self.pair(a) {
                if matches!(
                    k.to_ascii_lowercase().as_str(),
                    "url" | "uri" | "endpoint" | "base_url" | "baseurl" | "href"
                ) {
                    out.push(v);
                }
            } else if i < URL_ARGS {
                out.push(a);
            }
        }
        out
    }

    /// A URL option in an options object passed to a call (`axios({ url: … })`): that call.
    fn call_of_option(&self, root: Node<'t>) -> Option<Node<'t>> {
        let pair = root.parent()?;
        let (k, v) = self.pair(pair)?;
        if v.id() != root.id() || !matches!(k.to_ascii_lowercase().as_str(), "url" | "uri" | "endpoint") {
            return None;
        }
        let mut p = pair.parent();
        for _ in 0..3 {
            let n = p?;
            if self.spec.calls.contains(&n.kind()) {
                return Some(n);
            }
            p = n.parent();
        }
        None
    }

    /// A key/value entry: `(key text, value node)`.
    fn pair(&self, n: Node<'t>) -> Option<(String, Node<'t>)> {
        let kind = n.kind();
        if kind == "shorthand_property_identifier" {
            return Some((self.text(n).to_owned(), n));
        }
        if !self.spec.pairs.contains(&kind) && !matches!(kind, "pair" | "keyword_argument" | "named_argument") {
            return None;
        }
        let key = ["key", "name", "label", "left"]
            .iter()
            .find_map(|f| n.child_by_field_name(f))
            .or_else(|| first_named(n))?;
        let value = ["value", "right"].iter().find_map(|f| n.child_by_field_name(f)).or_else(|| last_named(n))?;
        if key.id() == value.id() {
            return None;
        }
        let mut key = self.unwrap(key);
        // C# `["key"] = k` in a dictionary initializer: the string inside the brackets
        if !self.spec.maps.contains(&kind)
            && self.text(key).starts_with('[')
            && !self.spec.strings.contains(&key.kind())
        {
            let mut inner = key;
            for _ in 0..3 {
                match first_named(inner) {
                    Some(x) if self.spec.strings.contains(&self.unwrap(x).kind()) => {
                        key = self.unwrap(x);
                        break;
                    }
                    Some(x) => inner = x,
                    None => break,
                }
            }
        }
        // a map that is also an entry (C# `{ "key", k }` in a collection initializer): two items,
        // the first a literal
        if self.spec.maps.contains(&kind) && (n.named_child_count() != 2 || !self.spec.strings.contains(&key.kind())) {
            return None;
        }
        let k = if self.spec.strings.contains(&key.kind()) {
            self.eval(key, NAME_DEPTH).text()
        } else {
            self.text(key).trim().trim_matches([':', '"', '\'', '$']).trim_end_matches(':').to_owned()
        };
        (!k.is_empty()).then_some((k, value))
    }

    /// Look through wrappers (parentheses, `await`, argument nodes, one-item lists).
    fn unwrap(&self, mut n: Node<'t>) -> Node<'t> {
        for _ in 0..8 {
            let wrapper = self.spec.wrappers.contains(&n.kind())
                || matches!(n.kind(), "parenthesized_expression" | "argument" | "expression_list" | "literal_element");
            if wrapper && n.named_child_count() == 1 {
                n = n.named_child(0).unwrap_or(n);
            } else if n.kind() == "value_argument" {
                n = last_named(n).unwrap_or(n);
            } else {
                break;
            }
        }
        n
    }

    /// The expression an argument stands for: itself, or the value of the variable it names.
    fn target(&self, arg: Node<'t>, depth: u8) -> Option<Node<'t>> {
        let a = self.unwrap(arg);
        if depth < 4 && self.is_name(a) {
            // `builder.Uri`, `u.AbsoluteUri`: the URL object's own value
            let text = self.text(a);
            if is_member(a.kind())
                && [".Uri", ".AbsoluteUri", ".Url"].iter().any(|s| text.ends_with(s))
                && let Some(obj) = first_named(a)
            {
                return self.target(obj, depth + 1);
            }
            let name = self.name_of(a)?;
            let v = self.lookup(&name, a.start_byte(), self.scope_of(a))?;
            return self.target(v, depth + 1).or(Some(self.unwrap(v)));
        }
        // `"$url"`, `f"{url}"`: a string that only interpolates a variable stands for it
        if depth < 4 && self.spec.strings.contains(&a.kind()) {
            let mut c = a.walk();
            let inner: Vec<Node<'t>> =
                a.named_children(&mut c).filter(|x| !self.spec.string_parts.contains(&x.kind())).collect();
            let (cs, ce) = self.content_bounds(a);
            if let [one] = inner.as_slice()
                && one.start_byte() <= cs + 1
                && one.end_byte() + 1 >= ce
            {
                let name = if self.spec.interpolations.contains(&one.kind()) { first_named(*one) } else { Some(*one) };
                if let Some(name) = name.filter(|n| self.is_name(*n)) {
                    return self.target(name, depth + 1);
                }
            }
        }
        // `fromHttpUrl(u).queryParam(…).toUriString()`: the URL is the chain's first argument
        if depth < 4
            && self.spec.calls.contains(&a.kind())
            && CHAIN_ENDS.contains(&self.fname(a).to_ascii_lowercase().as_str())
        {
            let mut inner = a;
            for _ in 0..16 {
                match self.receiver(inner).map(|r| self.unwrap(r)) {
                    Some(r) if self.spec.calls.contains(&r.kind()) => inner = r,
                    _ => break,
                }
            }
            if inner.id() != a.id()
                && let Some(first) = self.args(inner).into_iter().find(|x| self.pair(*x).is_none())
            {
                return self.target(first, depth + 1);
            }
        }
        // `URI.create(u)`, `Uri.parse(u)`: the URL is the argument
        if depth < 4
            && self.spec.calls.contains(&a.kind())
            && WRAP_FNS.contains(&self.fname(a).to_ascii_lowercase().as_str())
        {
            let args = self.args(a);
            if let [one] = args.as_slice() {
                let inner = self.unwrap(*one);
                if self.is_name(inner) || self.spec.calls.contains(&inner.kind()) {
                    return self.target(inner, depth + 1);
                }
            }
        }
        Some(a)
    }

    /// The identifiers an expression is built from (bounded; not inside calls).
    fn names_in(&self, n: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut todo = vec![n];
        let mut budget = 64;
        while let Some(x) = todo.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            if self.is_name(x) {
                out.push(x);
            } else if !self.spec.calls.contains(&x.kind()) || x.id() == n.id() {
                let mut c = x.walk();
                todo.extend(x.named_children(&mut c));
            }
        }
        out
    }

    fn is_name(&self, n: Node<'_>) -> bool {
        let k = n.kind();
        (k.contains("identifier") && k != "property_identifier" && k != "shorthand_property_identifier")
            || matches!(k, "name" | "constant" | "variable_name" | "variable" | "simple_identifier")
            || is_member(k)
    }

    /// HTTP method of a call: its name (`post`, `PostAsync`, `getForObject`), a method argument
    /// (`"PUT"`, `http.MethodPut`, `:post`), a `method:` option, or a builder call in the same
    /// chain (`….uri(u).GET()`).
    fn method_of(&self, call: Node<'t>) -> Option<Method> {
        if let Some(m) = method_word(self.fname(call)) {
            return Some(m);
        }
        for a in self.args(call) {
            if let Some((k, v)) = self.pair(a) {
                if k.eq_ignore_ascii_case("method") {
                    return Method::parse(self.eval(self.unwrap(v), NAME_DEPTH).text().trim());
                }
                continue;
            }
            let a = self.unwrap(a);
            if self.spec.maps.contains(&a.kind()) {
                let mut c = a.walk();
                for e in a.named_children(&mut c) {
                    if let Some((k, v)) = self.pair(e)
                        && k.eq_ignore_ascii_case("method")
                    {
                        return Method::parse(self.eval(self.unwrap(v), NAME_DEPTH).text().trim());
                    }
                }
                continue;
            }
            let text = self.text(a).trim().trim_matches(['"', '\'', ':']);
            if text.len() <= 40
                && let Some(m) = method_suffix(text)
            {
                return Some(m);
            }
        }
        // the rest of a builder chain: climb while the parent is a call or a member access
        let mut top = call;
        for _ in 0..12 {
            match top.parent() {
                Some(p) if self.spec.calls.contains(&p.kind()) || is_member(p.kind()) || p.kind() == "call_suffix" => {
                    top = p
                }
                _ => break,
            }
        }
        let text = self.text(top);
        let b = text.as_bytes();
        for (i, _) in text.match_indices('.').chain(text.match_indices("->")) {
            let rest = text[i..].trim_start_matches(['.', '-', '>']).trim_start();
            let word: &str = rest.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
            let after = rest[word.len()..].trim_start();
            if after.starts_with('(')
                && let Some(m) = Method::parse(word).filter(|m| !matches!(m, Method::Head | Method::Options))
            {
                let _ = b;
                return Some(m);
            }
        }
        None
    }

    /// `x.Set(…)` / `x.Add(…)` calls by (receiver, scope), in source order.
    fn index_setters(&self) -> HashMap<(String, usize), Vec<Node<'t>>> {
        let mut out: HashMap<(String, usize), Vec<Node<'t>>> = HashMap::new();
        for &c in &self.calls {
            if !matches!(self.fname(c).to_ascii_lowercase().as_str(), "set" | "add") {
                continue;
            }
            if let Some(r) = self.receiver(c).filter(|r| self.is_name(*r)) {
                out.entry((self.text(r).to_owned(), self.scope_of(c))).or_default().push(c);
            }
        }
        out
    }

    /// The outermost call of the chain `call` is part of (`….url(u).post(…)`, ktor
    /// `client.post(u) { … }`).
    fn chain_top(&self, call: Node<'t>) -> Node<'t> {
        let mut top = call;
        for _ in 0..12 {
            match top.parent() {
                Some(p)
                    if self.spec.calls.contains(&p.kind())
                        || is_member(p.kind())
                        || matches!(p.kind(), "call_suffix" | "annotated_lambda") =>
                {
                    top = p
                }
                _ => break,
            }
        }
        top
    }

    /// Key entries of query-string builders called inside a URL expression:
    /// `http_build_query([…])`, `URLSearchParams({…})`, `urlencode({…})`, `URI.encode_www_form(…)`.
    fn inline_query(&self, root: Node<'t>) -> Vec<Param> {
        let mut out = Vec::new();
        let mut todo = vec![root];
        let mut budget = 2048;
        while let Some(n) = todo.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            if self.spec.calls.contains(&n.kind()) {
                let f = self.fname(n).to_ascii_lowercase();
                if QUERY_BUILDERS.contains(&f.as_str()) {
                    for a in self.args(n) {
                        self.collect(a, ParamLocation::Query, true, &mut out, 0);
                    }
                    continue;
                }
            }
            // a query string built above (`qs = new URLSearchParams({…})`, then `url + "?" + qs`)
            if n.id() != root.id()
                && self.is_name(n)
                && let Some(name) = self.name_of(n)
                && let Some(v) = self.lookup(&name, n.start_byte(), self.scope_of(n))
            {
                let v = self.unwrap(v);
                if self.spec.calls.contains(&v.kind())
                    && QUERY_BUILDERS.contains(&self.fname(v).to_ascii_lowercase().as_str())
                {
                    for a in self.args(v) {
                        self.collect(a, ParamLocation::Query, true, &mut out, 0);
                    }
                }
                continue;
            }
            let mut c = n.walk();
            todo.extend(n.named_children(&mut c));
        }
        out
    }

    /// Parameters and headers passed to a call beside its URL.
    fn params_of(&self, call: Node<'t>, url: Node<'t>, method: Option<Method>) -> Vec<Param> {
        let default = match method {
            Some(Method::Get | Method::Delete | Method::Head) => ParamLocation::Query,
            _ => ParamLocation::Body,
        };
        let mut out = Vec::new();
        for a in self.args(call) {
            if self.unwrap(a).id() == url.id() {
                continue;
            }
            self.collect(a, default, false, &mut out, 0);
        }
        // setters on the chain the call is part of (`.url(u).header(…)`, ktor `{ parameter(…) }`)
        let mut top = call;
        for _ in 0..12 {
            match top.parent() {
                Some(p) if self.spec.calls.contains(&p.kind()) || is_member(p.kind()) || p.kind() == "call_suffix" => {
                    top = p
                }
                _ => break,
            }
        }
        self.chain_setters(top, None, &mut out);
        // a params variable whose encoding is part of the URL (`u + "?" + q.Encode()`, Go)
        for enc in self.calls_in(url) {
            if self.fname(enc).eq_ignore_ascii_case("encode")
                && let Some(q) = self.receiver(enc).filter(|r| self.is_name(*r))
            {
                let key = (self.text(q).to_owned(), self.scope_of(q));
                // `q.Set`/`q.Add` calls, indexed once per file by receiver and scope; those before
                // the URL, the nearest 64 (thousands of such URLs in one function stay linear)
                let setters = self.setters.get_or_init(|| self.index_setters());
                if let Some(list) = setters.get(&key) {
                    let hi = list.partition_point(|c| c.start_byte() < enc.start_byte());
                    for &c in &list[hi.saturating_sub(64)..hi] {
                        self.setter_param(c, Some(ParamLocation::Query), &mut out);
                    }
                }
            }
        }
        // a URL builder with a query map (`Uri.https(host, path, {'key': k})`) or a query
        // parameter (`AddQueryString(url, "key", k)`)
        let mut n = url;
        for _ in 0..3 {
            if self.spec.calls.contains(&n.kind()) {
                if self.setter_param(n, None, &mut out) {
                    break;
                }
                let args = self.args(n);
                for a in args.iter().skip(1) {
                    self.collect(*a, ParamLocation::Query, false, &mut out, 0);
                }
                break;
            }
            match first_named(n) {
                Some(c) if self.spec.calls.contains(&c.kind()) => n = c,
                _ => break,
            }
        }
        // the same entry reached twice (through a variable and through the URL builder)
        let mut seen = HashSet::new();
        out.retain(|p| seen.insert((p.name.clone(), p.span)));
        out
    }

    /// Key entries of an argument: a named option (`params=`, `query:`), a map, a variable
    /// holding a map, or a call building one (`URLSearchParams({…})`, `Map.of("key", k)`).
    fn collect(&self, a: Node<'t>, loc: ParamLocation, in_option: bool, out: &mut Vec<Param>, depth: u8) {
        if depth > 4 {
            return;
        }
        if let Some((k, v)) = self.pair(a) {
            if let Some(l) = option_location(&k).filter(|_| !in_option || loc != ParamLocation::Header) {
                self.collect(v, l, true, out, depth + 1);
            } else if let Some(mut p) = self.param(&k, a, v, loc) {
                // C# `["key"] = k`: from the name, not the bracket
                let text = self.text(a);
                if text.starts_with('[')
                    && let Some(q) = text.find(['"', '\''])
                {
                    p.span.start = a.start_byte() + q;
                }
                out.push(p);
            }
            return;
        }
        let a = self.unwrap(a);
        let kind = a.kind();
        if self.spec.maps.contains(&kind) || matches!(kind, "dictionary" | "object" | "hash" | "composite_literal") {
            let body = if kind == "composite_literal" { a.child_by_field_name("body").unwrap_or(a) } else { a };
            let mut c = body.walk();
            let items: Vec<Node<'t>> = body.named_children(&mut c).collect();
            for e in items {
                self.collect(e, loc, in_option, out, depth + 1);
            }
        } else if self.spec.calls.contains(&kind) {
            // a builder chain (`fromHttpUrl(u).queryParam("key", k).toUriString()`)
            self.chain_setters(a, None, out);
            // C# `new Dictionary<…> { { "key", k } }`
            if let Some(init) = a.child_by_field_name("initializer") {
                self.collect(init, loc, in_option, out, depth + 1);
            }
            let args = self.args(a);
            let f = self.fname(a).to_ascii_lowercase();
            if matches!(f.as_str(), "of" | "mapof" | "hashmapof" | "mutablemapof" | "ofentries") {
                // Map.of("key", k, …) / mapOf("key" to k)
                let mut i = 0;
                while i < args.len() {
                    let k = self.unwrap(args[i]);
                    if self.spec.binary.contains(&k.kind()) {
                        if let (Some(l), Some(r)) = (first_named(k), last_named(k)) {
                            let name = self.eval(l, NAME_DEPTH).text();
                            out.extend(self.param(&name, k, r, loc));
                        }
                        i += 1;
                    } else if i + 1 < args.len() && self.spec.strings.contains(&k.kind()) {
                        let name = self.eval(k, NAME_DEPTH).text();
                        out.extend(self.param(&name, k, args[i + 1], loc));
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            } else {
                for x in args {
                    self.collect(x, loc, in_option, out, depth + 1);
                }
            }
        } else if self.is_name(a)
            && let Some(name) = self.name_of(a)
            && let Some(v) = self.lookup(&name, a.start_byte(), self.scope_of(a))
        {
            let v = self.unwrap(v);
            if v.id() != a.id() && !self.spec.strings.contains(&v.kind()) {
                self.collect(v, loc, in_option, out, depth + 1);
            }
        }
    }

    /// The calls inside an expression (bounded).
    fn calls_in(&self, n: Node<'t>) -> Vec<Node<'t>> {
        let mut out = Vec::new();
        let mut todo = vec![n];
        let mut budget = 128;
        while let Some(x) = todo.pop() {
            budget -= 1;
            if budget == 0 {
                break;
            }
            if self.spec.calls.contains(&x.kind()) {
                out.push(x);
            }
            let mut c = x.walk();
            todo.extend(x.named_children(&mut c));
        }
        out
    }

    /// Setter calls down a builder chain from its outermost call (each receiver in turn), and
    /// in a trailing lambda of a chain call (ktor `client.get(u) { parameter("key", k) }`).
    fn chain_setters(&self, top: Node<'t>, loc: Option<ParamLocation>, out: &mut Vec<Param>) {
        let mut n = Some(top);
        for _ in 0..32 {
            let Some(call) = n.filter(|c| self.spec.calls.contains(&c.kind())) else { break };
            self.setter_param(call, loc, out);
            let mut c = call.walk();
            let lambdas: Vec<Node<'t>> =
                call.named_children(&mut c).filter(|x| x.kind() == "annotated_lambda").collect();
            for l in lambdas {
                for stmt in self.calls_in(l) {
                    self.setter_param(stmt, loc, out);
                }
            }
            n = self.receiver(call).or_else(|| first_named(call).filter(|f| self.spec.calls.contains(&f.kind())));
            if let Some(r) = n.filter(|r| !self.spec.calls.contains(&r.kind())) {
                // `a.b().c()`: the receiver of `c` is the member `a.b()` in some grammars
                n = first_named(r).filter(|f| self.spec.calls.contains(&f.kind()));
            }
        }
    }

    /// A setter adding a query parameter or header: `queryParam("key", k)` (Spring),
    /// `addQueryParameter` (OkHttp), `parameter` (ktor), `AddQueryString(url, "key", k)` (C#),
    /// `header(…)`; with `loc`, any two-argument call (`q.Set("key", k)` on Go `url.Values`).
    fn setter_param(&self, call: Node<'t>, loc: Option<ParamLocation>, out: &mut Vec<Param>) -> bool {
        let f = self.fname(call).to_ascii_lowercase();
        let loc = match loc {
            Some(l) => l,
            None if QUERY_SETTERS.contains(&f.as_str()) => ParamLocation::Query,
            None if HEADER_SETTERS.contains(&f.as_str()) => ParamLocation::Header,
            None => return false,
        };
        let args: Vec<Node<'t>> = self.args(call).into_iter().filter(|a| self.pair(*a).is_none()).collect();
        let (k, v) = match (f.as_str(), args.as_slice()) {
            ("addquerystring", [_, k, v]) | (_, [k, v]) if f != "addquerystring" || args.len() == 3 => (*k, *v),
            ("addquerystring", [_, map]) => {
                self.collect(*map, ParamLocation::Query, true, out, 1);
                return true;
            }
            _ => return false,
        };
        let k = self.unwrap(k);
        if !self.spec.strings.contains(&k.kind()) {
            return false;
        }
        let name = self.eval(k, NAME_DEPTH).text();
        if let Some(mut p) = self.param(&name, k, v, loc) {
            p.span = Span::new(k.start_byte(), self.unwrap(v).end_byte());
            out.push(p);
        }
        true
    }

    /// A parameter for entry `name: value`, when the name is a key name or (in headers) a
    /// header the vendor packs judge.
    fn param(&self, name: &str, entry: Node<'t>, value: Node<'t>, loc: ParamLocation) -> Option<Param> {
        let lower = name.to_ascii_lowercase();
        let wanted = if loc == ParamLocation::Header {
            self.cfg.header_names.contains(&lower)
        } else {
            self.cfg.key_names.iter().any(|k| k.eq_ignore_ascii_case(name))
        };
        if !wanted {
            return None;
        }
        let v = self.unwrap(value);
        let (value, value_span) = if v.id() == entry.id() {
            // `{ key }` shorthand
            (Value::Expr(name.to_owned()), Self::span(v))
        } else if self.is_name(v) || !(self.spec.strings.contains(&v.kind()) || self.spec.binary.contains(&v.kind())) {
            (Value::Expr(self.text(v).chars().take(80).collect()), Self::span(v))
        } else {
            // text written in the code (`"Token " + key`, f"Bearer {key}"): a literal, with the
            // computed parts as `{holes}`, so a header's prefix or a hard-coded key is judged
            let t = self.eval(v, MAX_DEPTH - 2);
            let text = t.text();
            let span = match t.pieces.as_slice() {
                [one] if one.exact => one.src,
                _ => Self::span(v),
            };
            match t.pieces.first() {
                Some(p) if !p.hole => (classify_value(&text), span),
                _ => (Value::Expr(text), span),
            }
        };
        Some(Param { name: name.to_owned(), location: loc, value, span: Self::span(entry), value_span })
    }

    // ---------------------------------------------------------------------------------------
    // expressions

    /// Whether this node builds a string from its children: a string (interpolation), a
    /// concatenation, parentheses, or a format / URL-builder call.
    fn builds_string(&self, n: Node<'_>) -> bool {
        let k = n.kind();
        self.spec.strings.contains(&k)
            || self.spec.interpolations.contains(&k)
            || k == "parenthesized_expression"
            || (self.spec.binary.contains(&k)
                && self.concat_op(n).is_some_and(|op| CONCAT_OPS.contains(&op) || op == "%"))
            || (self.spec.calls.contains(&k) && self.is_builder(n))
    }

    /// Whether a string literal is among the first leaves of `n` (a concatenation or call that
    /// starts from, or contains, text): cheap, bounded look down the leftmost branches.
    fn contains_string(&self, n: Node<'_>) -> bool {
        let mut todo = vec![(n, 0u8)];
        let mut budget = 64;
        while let Some((x, d)) = todo.pop() {
            budget -= 1;
            if budget == 0 {
                return false;
            }
            if self.spec.strings.contains(&x.kind()) {
                return true;
            }
            if d < 6 {
                let mut c = x.walk();
                let kids: Vec<Node<'_>> = x.named_children(&mut c).take(4).collect();
                todo.extend(kids.into_iter().rev().map(|k| (k, d + 1)));
            }
        }
        false
    }

    fn is_builder(&self, call: Node<'_>) -> bool {
        let f = self.fname(call).to_ascii_lowercase();
        FORMAT_FNS.contains(&f.as_str())
            || (WRAP_FNS.contains(&f.as_str()) && !self.is_chain_setter(call))
            || f == "addquerystring"
            || f == "uribuilder"
            || JOIN_FNS.contains(&f.as_str())
            || (matches!(f.as_str(), "https" | "http") && self.text(call).starts_with("Uri"))
    }

    /// `Request.Builder().url(u)`, `newBuilder().uri(u)`: a setter on a builder chain takes the
    /// URL the request is sent to; it does not build one (the argument is the URL).
    fn is_chain_setter(&self, call: Node<'_>) -> bool {
        let recv = call.child_by_field_name("object").or_else(|| {
            let callee = call.child_by_field_name("function").or_else(|| first_named(call))?;
            (callee.id() != call.id() && callee.named_child_count() >= 2).then(|| first_named(callee)).flatten()
        });
        let mut c = call.walk();
        let list = call.child_by_field_name("arguments").or_else(|| {
            call.named_children(&mut c).find(|n| matches!(n.kind(), "argument_list" | "arguments" | "value_arguments"))
        });
        recv.is_some_and(|r| self.spec.calls.contains(&r.kind())) && list.is_some_and(|l| l.named_child_count() == 1)
    }

    fn concat_op(&self, n: Node<'_>) -> Option<&'a str> {
        if let Some(op) = n.child_by_field_name("operator") {
            return Some(self.text(op).trim());
        }
        let (l, r) = (first_named(n)?, last_named(n)?);
        self.code.get(l.end_byte()..r.start_byte()).map(str::trim)
    }

    /// Evaluate an expression into a template.
    pub fn eval(&self, n: Node<'t>, depth: u8) -> Template {
        let span = Self::span(n);
        if depth >= MAX_DEPTH {
            return Template::hole(self.text(n), span);
        }
        let kind = n.kind();
        if self.spec.strings.contains(&kind) {
            return self.eval_string(n, depth);
        }
        if self.spec.interpolations.contains(&kind) {
            return self.eval_interp(n, depth);
        }
        if self.spec.binary.contains(&kind)
            && let (Some(l), Some(r), Some(op)) = (first_named(n), last_named(n), self.concat_op(n))
        {
            if CONCAT_OPS.contains(&op) {
                // a left-deep chain `a + b + c + …` is walked down its spine, not recursed
                let mut rights = vec![r];
                let mut head = l;
                while rights.len() < 100_000
                    && head.kind() == kind
                    && self.concat_op(head).is_some_and(|o| CONCAT_OPS.contains(&o))
                    && let (Some(hl), Some(hr)) = (first_named(head), last_named(head))
                {
                    rights.push(hr);
                    head = hl;
                }
                let mut t = self.eval(head, depth + 1);
                for r in rights.into_iter().rev() {
                    if t.len() >= crate::extract::template::MAX_TEMPLATE {
                        break;
                    }
                    t.push(self.eval(r, depth + 1));
                }
                return t;
            }
            if op == "%" && self.spec.strings.contains(&self.unwrap(l).kind()) {
                let fmt = self.eval(l, depth + 1);
                let r = self.unwrap(r);
                let (args, named) = self.format_args(&self.items(r), depth);
                return substitute(&fmt, &args, &named);
            }
            return Template::hole(self.text(n), span);
        }
        if self.spec.calls.contains(&kind) {
            return self.eval_call(n, depth);
        }
        if n.named_child_count() == 1
            && (self.spec.wrappers.contains(&kind) || matches!(kind, "parenthesized_expression" | "argument"))
        {
            return self.eval(n.named_child(0).unwrap_or(n), depth + 1);
        }
        if self.is_name(n) {
            return self.resolve(n, depth);
        }
        if kind.contains("integer") || kind.contains("number") || kind == "int_literal" {
            return Template::literal(self.text(n), span);
        }
        Template::hole(self.text(n), span)
    }

    /// An identifier or member access: the value of its single same-file binding when that is
    /// URL text (a base URL, a host, a path), else a `{name}` hole.
    fn resolve(&self, n: Node<'t>, depth: u8) -> Template {
        let span = Self::span(n);
        let text = self.text(n);
        let hole_name = text.trim_start_matches('$');
        let Some(name) = self.name_of(n) else { return Template::hole(hole_name, span) };
        let Some(v) = self.lookup(&name, n.start_byte(), self.scope_of(n)) else {
            return Template::hole(hole_name, span);
        };
        if v.start_byte() <= n.start_byte() && n.end_byte() <= v.end_byte() {
            return Template::hole(hole_name, span); // `url = url + "/x"`
        }
        let t = self.eval_binding(v, depth);
        let s = t.text();
        let urlish = s.contains('/')
            || s.contains(':')
            || s.contains('?')
            || s.contains('&')
            || (s.contains('.') && !s.contains(char::is_whitespace) && !crate::secret::looks_like_key(&s));
        if urlish && s.len() <= 2048 { t.relocated(span) } else { Template::hole(hole_name, span) }
    }

    /// A binding's value, evaluated once per file (constants are referenced many times).
    fn eval_binding(&self, v: Node<'t>, depth: u8) -> Template {
        if let Some(t) = self.memo.borrow().get(&v.id()) {
            return t.clone();
        }
        let t = self.eval(v, depth.saturating_add(4));
        self.memo.borrow_mut().insert(v.id(), t.clone());
        t
    }

    fn eval_string(&self, n: Node<'t>, depth: u8) -> Template {
        let mut out = Template::default();
        let mut c = n.walk();
        let children: Vec<Node<'t>> = n.named_children(&mut c).collect();
        // adjacent literals (`"a" "b"`), Dart's quote-kind wrapper, shell concatenations
        if children.iter().any(|c| self.spec.strings.contains(&c.kind())) || n.kind() == "concatenation" {
            for ch in children {
                if !ch.kind().contains("comment") {
                    out.push(self.eval(ch, depth + 1));
                }
            }
            return out;
        }
        let (cs, ce) = self.content_bounds(n);
        let mut last = cs;
        for ch in children {
            if self.spec.string_parts.contains(&ch.kind()) || ch.start_byte() < cs || ch.end_byte() > ce {
                continue;
            }
            self.literal(&mut out, last, ch.start_byte(), depth);
            out.push(self.eval_interp(ch, depth + 1));
            last = ch.end_byte();
        }
        self.literal(&mut out, last, ce, depth);
        out
    }

    /// Literal text `from..to`, with Kotlin's `$name` references resolved.
    fn literal(&self, out: &mut Template, from: usize, to: usize, depth: u8) {
        if from >= to {
            return;
        }
        let Some(text) = self.code.get(from..to) else { return };
        if !self.spec.dollar_text || !text.contains('$') {
            out.push(Template::literal(text, Span::new(from, to)));
            return;
        }
        let b = text.as_bytes();
        let mut last = 0;
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'$' && i + 1 < b.len() && (b[i + 1].is_ascii_alphabetic() || b[i + 1] == b'_') {
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                if last < i {
                    out.push(Template::literal(&text[last..i], Span::new(from + last, from + i)));
                }
                let name = &text[i + 1..j];
                let at = Span::new(from + i, from + j);
                out.push(self.resolve_name(name, at, depth));
                last = j;
                i = j;
            } else {
                i += 1;
            }
        }
        if last < b.len() {
            out.push(Template::literal(&text[last..], Span::new(from + last, to)));
        }
    }

    /// A name written in literal text (Kotlin `"$BASE/x"`), resolved like an identifier.
    fn resolve_name(&self, name: &str, at: Span, depth: u8) -> Template {
        let Some(v) = self.lookup(name, at.start, self.scope_at(at)).filter(|_| depth < MAX_DEPTH) else {
            return Template::hole(name, at);
        };
        let t = self.eval_binding(v, depth);
        let s = t.text();
        if s.contains('/') || s.contains(':') || s.contains('.') && !crate::secret::looks_like_key(&s) {
            t.relocated(at)
        } else {
            Template::hole(name, at)
        }
    }

    /// `{expr}`, `${expr}`, `#{expr}`, `$name`: the expression's template; a computed value
    /// becomes a hole spanning the whole interpolation (what a finding underlines).
    fn eval_interp(&self, n: Node<'t>, depth: u8) -> Template {
        let span = Self::span(n);
        let inner = if self.spec.interpolations.contains(&n.kind()) {
            let mut c = n.walk();
            let found = n.named_children(&mut c).find(|x| {
                let k = x.kind();
                !(k.contains("brace") || k.contains("format") || k.contains("conversion") || k.contains("specifier"))
            });
            match found {
                Some(x) => x,
                None => return Template::hole(self.text(n).trim_start_matches('$'), span),
            }
        } else {
            n
        };
        let t = self.eval(inner, depth + 1);
        if t.pieces.len() == 1 && t.pieces[0].hole {
            let name = t.pieces[0].text.trim_start_matches('{').trim_end_matches('}').to_owned();
            return Template::hole(&name, span);
        }
        t.relocated(span)
    }

    /// Byte range of a string's content: without prefixes (`f`, `r`, `b`, `@`, `$`) and quotes.
    fn content_bounds(&self, n: Node<'_>) -> (usize, usize) {
        let (s, e) = (n.start_byte(), n.end_byte());
        let text = self.text(n);
        let prefix = text.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'@' || *b == b'$').count();
        let prefix = if prefix > 3 { 0 } else { prefix };
        let rest = &text[prefix..];
        for q in ["\"\"\"", "'''", "\"", "'", "`"] {
            if rest.starts_with(q) {
                let end = if text.len() >= prefix + 2 * q.len() && text.ends_with(q) { e - q.len() } else { e };
                return (s + prefix + q.len(), end.max(s + prefix + q.len()));
            }
        }
        (s, e)
    }

    fn eval_call(&self, call: Node<'t>, depth: u8) -> Template {
        let span = Self::span(call);
        let f = self.fname(call).to_ascii_lowercase();
        let args = self.args(call);
        let recv = self.receiver(call).map(|r| self.unwrap(r));
        let recv_string = recv.filter(|r| self.spec.strings.contains(&r.kind()));
        if FORMAT_FNS.contains(&f.as_str()) {
            let (fmt, rest) = match recv_string {
                Some(r) => (self.eval(r, depth + 1), &args[..]),
                None if !args.is_empty() => (self.eval(self.unwrap(args[0]), depth + 1), &args[1..]),
                None => return Template::hole(self.text(call), span),
            };
            let (pos, named) = self.format_args(rest, depth);
            return substitute(&fmt, &pos, &named);
        }
        if f == "join"
            && let Some(sep) = recv_string
            && let [list] = args.as_slice()
        {
            let sep = self.eval(sep, depth + 1);
            let items = self.items(self.unwrap(*list));
            let mut t = Template::default();
            for (i, it) in items.into_iter().enumerate() {
                if i > 0 {
                    t.push(sep.clone());
                }
                t.push(self.eval(self.unwrap(it), depth + 1));
            }
            return t;
        }
        let positional: Vec<Node<'t>> = args.iter().copied().filter(|a| self.pair(*a).is_none()).collect();
        if (f == "https" || f == "http") && positional.len() >= 2 {
            let mut t =
                Template::literal(if f == "https" { "https://" } else { "http://" }, Span::new(span.start, span.start));
            t.pieces[0].exact = false;
            t.push(self.eval(self.unwrap(positional[0]), depth + 1));
            t.push(self.eval(self.unwrap(positional[1]), depth + 1));
            return t;
        }
        if matches!(f.as_str(), "url" | "uri") && positional.len() == 2 {
            // new URL(path, base)
            let base = self.eval(self.unwrap(positional[1]), depth + 1);
            return join(base, self.eval(self.unwrap(positional[0]), depth + 1));
        }
        if f == "addquerystring" && !positional.is_empty() {
            // `QueryHelpers.AddQueryString(url, …)`: the URL; its parameters are read by `params_of`
            return self.eval(self.unwrap(positional[0]), depth + 1);
        }
        if f == "uribuilder" {
            // new UriBuilder(url) / new UriBuilder(scheme, host[, port[, path]]) { Path = …, Query = … }
            let ev = |n: Node<'t>| self.eval(self.unwrap(n), depth + 1);
            let mut t = match positional.as_slice() {
                [] => Template::default(),
                [one] => ev(*one),
                [scheme, host, rest @ ..] => {
                    let mut t = ev(*scheme);
                    let mut sep = Template::literal("://", Span::new(span.start, span.start));
                    sep.pieces[0].exact = false;
                    t.push(sep);
                    t.push(ev(*host));
                    if let Some(path) = rest.iter().find(|a| self.spec.strings.contains(&self.unwrap(**a).kind())) {
                        t = join(t, ev(*path));
                    }
                    t
                }
            };
            if let Some(init) = call.child_by_field_name("initializer") {
                let mut c = init.walk();
                let sets: Vec<Node<'t>> = init.named_children(&mut c).collect();
                for a in sets {
                    let (Some(l), Some(r)) = (first_named(a), last_named(a)) else { continue };
                    match self.text(l).trim() {
                        "Path" => t = join(t, ev(r)),
                        "Query" => {
                            let q = ev(r);
                            if !q.text().starts_with('?') {
                                let mut mark = Template::literal("?", Span::new(r.start_byte(), r.start_byte()));
                                mark.pieces[0].exact = false;
                                t.push(mark);
                            }
                            t.push(q);
                        }
                        _ => {}
                    }
                }
            }
            return t;
        }
        if WRAP_FNS.contains(&f.as_str()) && positional.len() == 1 {
            return self.eval(self.unwrap(positional[0]), depth + 1);
        }
        if WRAP_FNS.contains(&f.as_str()) && positional.is_empty() && recv.is_some() {
            // `u.toString()`, `"…".toUri()`
            return self.eval(recv.unwrap_or(call), depth + 1);
        }
        if JOIN_FNS.contains(&f.as_str()) && positional.len() >= 2 {
            let mut t = self.eval(self.unwrap(positional[0]), depth + 1);
            for a in &positional[1..] {
                t = join(t, self.eval(self.unwrap(*a), depth + 1));
            }
            return t;
        }
        Template::hole(self.text(call), span)
    }

    /// Positional and named arguments of a format call.
    fn format_args(&self, args: &[Node<'t>], depth: u8) -> (Vec<Template>, Vec<(String, Template)>) {
        let mut pos = Vec::new();
        let mut named = Vec::new();
        for a in args {
            if let Some((k, v)) = self.pair(*a) {
                named.push((k, self.eval(self.unwrap(v), depth + 1)));
            } else {
                pos.push(self.eval(self.unwrap(*a), depth + 1));
            }
        }
        (pos, named)
    }

    /// The items of a tuple, list or array (or the node itself).
    fn items(&self, n: Node<'t>) -> Vec<Node<'t>> {
        if matches!(n.kind(), "tuple" | "list" | "array" | "array_creation_expression" | "expression_list") {
            let mut c = n.walk();
            return n.named_children(&mut c).filter(|x| !x.kind().contains("comment")).collect();
        }
        if self.spec.maps.contains(&n.kind()) {
            let mut c = n.walk();
            return n.named_children(&mut c).collect();
        }
        vec![n]
    }
}

fn is_member(kind: &str) -> bool {
    matches!(
        kind,
        "attribute"
            | "member_expression"
            | "selector_expression"
            | "member_access_expression"
            | "class_constant_access_expression"
            | "scoped_property_access_expression"
            | "field_access"
            | "navigation_expression"
            | "scope_resolution"
            | "nullsafe_member_access_expression"
    )
}

fn first_named<'t>(n: Node<'t>) -> Option<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c).find(|x| !x.kind().contains("comment"))
}

fn last_named<'t>(n: Node<'t>) -> Option<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c).filter(|x| !x.kind().contains("comment")).last()
}

/// The items of a Go `expression_list` / Python `pattern_list` (or the node alone).
fn list_items(n: Node<'_>) -> Vec<Node<'_>> {
    if matches!(n.kind(), "expression_list" | "pattern_list" | "tuple_pattern") {
        let mut c = n.walk();
        n.named_children(&mut c).collect()
    } else {
        vec![n]
    }
}

/// `base` + `/` + `path`, with exactly one slash between them.
fn join(mut base: Template, path: Template) -> Template {
    let b = base.text();
    let p = path.text();
    match (b.ends_with('/'), p.starts_with('/')) {
        (true, true) => {
            let mut path = path;
            if let Some(first) = path.pieces.iter_mut().find(|x| !x.text.is_empty()).filter(|x| x.text.starts_with('/'))
            {
                first.text.remove(0);
                if first.exact {
                    first.src.start += 1;
                }
            }
            base.push(path);
        }
        (false, false) if !b.is_empty() && !p.is_empty() => {
            let at = base.pieces.last().map_or(Span::default(), |x| Span::new(x.src.end, x.src.end));
            let mut slash = Template::literal("/", at);
            slash.pieces[0].exact = false;
            base.push(slash);
            base.push(path);
        }
        _ => base.push(path),
    }
    base
}

/// The method a function name says: `post`, `PostAsync`, `getForObject`, `post_json`.
fn method_word(name: &str) -> Option<Method> {
    let lower = name.to_ascii_lowercase();
    for (w, m) in [
        ("get", Method::Get),
        ("post", Method::Post),
        ("put", Method::Put),
        ("patch", Method::Patch),
        ("delete", Method::Delete),
    ] {
        if lower == w {
            return Some(m);
        }
        if let Some(rest) = lower.strip_prefix(w) {
            let next = name.as_bytes().get(w.len()).copied().unwrap_or(b'x');
            if (next.is_ascii_uppercase() || next == b'_')
                && [
                    "async",
                    "_async",
                    "forobject",
                    "forentity",
                    "asjsonasync",
                    "asjson",
                    "_json",
                    "json",
                    "forstring",
                    "string",
                    "request",
                    "stringasync",
                    "streamasync",
                    "bytearrayasync",
                ]
                .iter()
                .any(|s| rest.trim_start_matches('_') == s.trim_start_matches('_'))
            {
                return Some(m);
            }
        }
    }
    None
}

/// A method named by an argument: `"PUT"`, `http.MethodPut`, `HttpMethod.Put`, `:post`.
fn method_suffix(text: &str) -> Option<Method> {
    if let Some(m) = Method::parse(text) {
        return Some(m);
    }
    let last = text.rsplit(['.', ':']).next().unwrap_or(text);
    let last = last.strip_prefix("Method").unwrap_or(last);
    if last.len() < text.len() { Method::parse(last) } else { None }
}

#[cfg(test)]
mod tests {
    use super::is_doc_name;

    #[test]
    fn http_calls_are_never_documentation_calls() {
        for (recv, name) in [
            (Some("requests"), "get"),
            (Some("requests"), "post"),
            (Some("session"), "request"),
            (Some("axios"), "get"),
            (None, "axios"),
            (None, "fetch"),
            (Some("http"), "Get"),
            (Some("http"), "NewRequest"),
            (Some("DefaultClient"), "Do"),
            (Some("client"), "GetAsync"),
            (Some("client"), "SendAsync"),
            (Some("Http"), "post"),
            (Some("HTTParty"), "get"),
            (Some("rest"), "postForObject"),
            (Some("ok"), "newCall"),
            (Some("dio"), "get"),
            (Some("http"), "get"),
            (Some("guzzle"), "request"),
            (None, "file_get_contents"),
            (None, "curl_exec"),
            (None, "wp_remote_get"),
            (Some("URI"), "create"),
            (Some("Uri"), "parse"),
            (None, "urljoin"),
            (None, "format"),
            (Some("fmt"), "Sprintf"),
            (Some("String"), "format"),
            (None, "sprintf"),
        ] {
            assert!(!is_doc_name(recv, name), "{recv:?}.{name} is an HTTP or URL-building call");
        }
    }

    #[test]
    fn test_names_logs_and_messages_are_documentation_calls() {
        for (recv, name) in [
            (None, "it"),
            (None, "describe"),
            (Some("it"), "only"),
            (Some("t"), "Run"),
            (Some("t"), "Errorf"),
            (Some("self"), "assertEqual"),
            (Some("Assert"), "True"),
            (Some("logger"), "warning"),
            (Some("_logger"), "LogWarning"),
            (Some("log"), "Printf"),
            (Some("console"), "warn"),
            (Some("Console"), "WriteLine"),
            (None, "print"),
            (None, "puts"),
            (None, "raise"),
            (None, "ValueError"),
            (None, "IllegalStateException"),
            (Some("errors"), "New"),
        ] {
            assert!(is_doc_name(recv, name), "{recv:?}.{name} is a documentation call");
        }
        // a class name ends in `Error`, a method `onError` does not make a message
        assert!(!is_doc_name(Some("client"), "onError"));
    }
}
