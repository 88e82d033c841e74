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
use crate::extract::template::{Piece, Template, substitute};
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
const QUERY_BUILDERS: &[&str] = &[
    "http_build_query",
    "urlsearchparams",
    "urlencode",
    "encode_www_form",
    "build_query",
    "stringify",
    "encode",
    "add_query_arg",
];
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
    "setqueryparam",
];
/// Setters that add a header: `(name, value)`.
const HEADER_SETTERS: &[&str] = &["header", "addheader", "setheader"];
/// Functions that join a base and paths.
const JOIN_FNS: &[&str] = &["urljoin", "joinpath", "join_path", "join", "resolve", "combine"];
/// How an HTTP client joins its base URL and the relative path of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BaseJoin {
    /// Exactly one slash between them, whatever each side has (httpx merges so, axios
    /// `combineURLs`, HTTParty, resty, dio, got's `prefixUrl`).
    Concat,
    /// RFC 3986 reference resolution: `/cdr` replaces the base's path, `cdr` replaces its last
    /// segment (so `…/api/v2/` + `cdr` is `…/api/v2/cdr`, `…/api/v2` + `cdr` is `…/api/cdr`):
    /// Guzzle's `base_uri`, .NET `HttpClient.BaseAddress`.
    Rfc3986,
    /// RFC 3986 after a slash is added to the base's path (Faraday's `url_prefix`).
    DirRfc3986,
}

/// Options of an HTTP client's constructor that give its base URL (names compared lower-case,
/// without `_`/`-`): `httpx.Client(base_url=…)`, `axios.create({ baseURL })`, dio
/// `BaseOptions(baseUrl: …)`, got `{ prefixUrl }`, Guzzle `new Client(['base_uri' => …])`,
/// .NET `new HttpClient { BaseAddress = new Uri(…) }`, Faraday `Faraday.new(url: …)` (`url`
/// only for a constructor named `new`).
const BASE_URL_OPTIONS: &[(&str, BaseJoin)] = &[
    ("baseurl", BaseJoin::Concat),
    ("prefixurl", BaseJoin::Concat),
    ("baseuri", BaseJoin::Rfc3986),
    ("baseaddress", BaseJoin::Rfc3986),
    ("url", BaseJoin::DirRfc3986),
];
/// Constructors that join otherwise than their option's name says: requests-toolbelt
/// `BaseUrlSession(base_url=…)` joins with `urljoin` (RFC 3986).
const BASE_URL_CONSTRUCTORS: &[(&str, BaseJoin)] = &[("baseurlsession", BaseJoin::Rfc3986)];
/// Calls that set a client's base URL: HTTParty's class-level `base_uri '…'`, resty
/// `SetBaseURL(…)`, Spring `WebClient.builder().baseUrl(…)` (its `DefaultUriBuilderFactory`
/// appends the path).
const BASE_URL_SETTERS: &[(&str, BaseJoin)] =
    &[("base_uri", BaseJoin::Concat), ("setbaseurl", BaseJoin::Concat), ("baseurl", BaseJoin::Concat)];
/// Calls that take the path of a request whose method an earlier call of the chain names
/// (Spring `webClient.get().uri("/cdr")`).
const PATH_SETTERS: &[&str] = &["uri"];

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
    /// Where the binding's statement ends: a use inside it (`this.x = x`) is not of it.
    end: usize,
    /// A member of a class (a field, `this.x = …`, a Go struct literal's field): its class.
    class: Option<String>,
    /// A field declared without a value (`private final String baseUrl;`): the class has the
    /// member, its value is unknown here.
    declared: bool,
    /// An assignment (not a declaration): to a declared field when the name is one (`_base = …`
    /// in a C# constructor).
    assign: bool,
}

/// How a name is referred to: the class it is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ref<'s> {
    /// A bare identifier: a local, a constant, or (implicit `this`) a member.
    Bare,
    /// `this.x`, `self.x`, `@x`, `$this->x`, `self::X`, a Go method's receiver `c.x`.
    Own,
    /// `A.X`, `A::X` for a class `A` of the file.
    Class(&'s str),
    /// `obj.x` of anything else.
    Other,
}

/// A class of the file: `(start, end, name, receiver)`; for Go, a method with its receiver's
/// type as the class and the receiver's name (`c` of `func (c *Client)`).
type Class = (usize, usize, String, Option<String>);

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
    /// Classes, sorted by start (outer before inner).
    classes: Vec<Class>,
    /// The classes' names, built on first use.
    class_names: std::cell::OnceCell<HashSet<String>>,
    /// Base URLs set as an attribute of a client object (`s.base_url = …`): (object, class around
    /// the assignment, value, join).
    attr_bases: Vec<(String, Option<String>, Node<'t>, BaseJoin)>,
    /// Member bindings seen by the walk (Go struct literal fields, Dart `{this.x = …}`):
    /// `(class, or the one around the name; name node, value node)`.
    pending_members: Vec<(Option<String>, Node<'t>, Node<'t>)>,
    /// Every call of the file (setters on a params variable are looked up here).
    calls: Vec<Node<'t>>,
    /// Setter calls by receiver and scope, built on first use.
    setters: std::cell::OnceCell<HashMap<(String, usize), Vec<Node<'t>>>>,
    /// Templates of bindings already evaluated (each constant is evaluated once).
    memo: std::cell::RefCell<HashMap<usize, Template>>,
    /// Documentation calls (`it("…")`, `log.info("…")`): they send nothing.
    doc_calls: HashSet<usize>,
    /// The grammar's node kinds by id.
    kinds: &'static [&'static str],
    /// Field ids by name, looked up once per file (tree-sitter searches the names with strncmp).
    fields: std::cell::RefCell<HashMap<String, Option<u16>>>,
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
            classes: Vec::new(),
            class_names: std::cell::OnceCell::new(),
            attr_bases: Vec::new(),
            pending_members: Vec::new(),
            calls: Vec::new(),
            memo: std::cell::RefCell::new(HashMap::new()),
            setters: std::cell::OnceCell::new(),
            doc_calls: HashSet::new(),
            kinds: kind_table(lang),
            fields: std::cell::RefCell::new(HashMap::new()),
        }
    }

    /// `self.field(n, name)`, with the field's id looked up once per file.
    fn field<'n>(&self, n: Node<'n>, name: &str) -> Option<Node<'n>> {
        let known = self.fields.borrow().get(name).copied();
        let id = known.unwrap_or_else(|| {
            let id = n.language().field_id_for_name(name).map(std::num::NonZeroU16::get);
            self.fields.borrow_mut().insert(name.to_owned(), id);
            id
        });
        n.child_by_field_id(id?)
    }

    /// A node's kind from the language's table (tree-sitter's `Node::kind` measures and
    /// UTF-8-checks the C string on every call: 9% of a parsed file's extraction).
    fn k<'n>(&self, n: impl AsNode<'n>) -> &'static str {
        let n = n.node();
        self.kinds.get(usize::from(n.kind_id())).copied().unwrap_or("")
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
        // builder calls with no literal: roots when they format a constant (known once bound)
        let mut maybe_roots: Vec<Node<'t>> = Vec::new();
        // Java/Kotlin annotations (Retrofit `@GET("api/v1/{key}/balance")`)
        let mut annotations: Vec<Node<'t>> = Vec::new();
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
            let kind = self.k(node);
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
            let is_call = self.spec.calls.contains(&kind);
            let doc_call = is_call && self.is_doc_call(node);
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
            self.walk_members(node);
            if is_call {
                calls.push(node);
                // `format("%<key>s/…", key: k)`: named arguments fill the template, no call sends them
                let f = self.fname(node);
                if FORMAT_FNS.iter().any(|x| x.eq_ignore_ascii_case(f)) {
                    for a in self.args(node) {
                        if self.pair(a).is_some() {
                            out.structured.push(Self::span(a));
                        }
                    }
                }
            }
            if kind == "annotation" && matches!(self.lang, Lang::Java | Lang::Kotlin) {
                annotations.push(node);
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
            if builds && !in_expr {
                if self.spec.strings.contains(&kind) || self.contains_string(node) {
                    roots.push(node);
                } else if self.spec.calls.contains(&kind) || self.spec.binary.contains(&kind) {
                    maybe_roots.push(node);
                }
            }
            // does a child continue this node's expression?
            // (a C# object initializer `new UriBuilder(…) { Path = "…" }` continues the builder)
            let transparent = matches!(
                kind,
                "argument_list"
                    | "arguments"
                    | "argument"
                    | "value_arguments"
                    | "value_argument"
                    | "call_suffix"
                    | "initializer_expression"
                    | "assignment_expression"
            ) || is_member(kind);
            let child_in_expr = builds || (transparent && in_expr);
            children.clear();
            children.extend(node.children(&mut cursor).filter(|c| c.is_named()));
            for c in children.iter().rev() {
                stack.push((*c, child_in_expr));
            }
        }
        self.scopes.sort_unstable_by_key(|(s, e, _)| (*s, std::cmp::Reverse(*e)));
        self.classes.sort_by_key(|c| (c.0, std::cmp::Reverse(c.1)));
        for (node, name, value) in std::mem::take(&mut self.pending) {
            self.bind(node, name, value);
        }
        for (class, name, value) in std::mem::take(&mut self.pending_members) {
            let Some(key) = self.name_of(name) else { continue };
            let Some(class) = class.or_else(|| self.classes_at(name.start_byte()).into_iter().next()) else {
                continue;
            };
            let b = Binding {
                value,
                scope: 0,
                start: name.start_byte(),
                end: value.end_byte(),
                class: Some(class),
                declared: false,
                assign: false,
            };
            self.bindings.entry(key).or_default().push(b);
        }
        for &call in &calls {
            self.define_call(call);
        }
        // by scope (file level first), then position: `lookup` binary-searches
        for all in self.bindings.values_mut() {
            all.sort_by_key(|b| (b.scope, b.start));
        }
        self.calls.clone_from(&calls);
        if !maybe_roots.is_empty() {
            roots.extend(maybe_roots.into_iter().filter(|n| self.formats_constant(*n) || self.joins_constants(*n)));
            roots.sort_by_key(|n| (n.start_byte(), std::cmp::Reverse(n.end_byte())));
        }

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

        // a relative path sent by a client that has a base URL (`client.get("/cdr/teams")` on
        // `httpx.Client(base_url=…)`): the URL is the two joined
        let based = self.based_paths(&calls);

        // a local that only feeds a longer URL (`u := host + "/cdr"` then `u + "?" + q.Encode()`)
        // is reported through that URL, not on its own
        let root_ids: HashSet<usize> = roots.iter().map(|r| r.id()).collect();
        let mut consumed: HashSet<usize> = HashSet::new();
        for &r in &roots {
            // `"$url"` repeats the variable and is no URL of its own: it consumes nothing
            if self.only_interpolates(r).is_some() {
                continue;
            }
            for name in self.names_in(r) {
                if let Some(n) = self.name_of(name)
                    && let Some(v) = self.lookup(&n, name.start_byte(), self.scope_of(name), self.ref_of(name))
                    && root_ids.contains(&v.id())
                    && self.scope_of(v) != 0
                {
                    consumed.insert(v.id());
                }
            }
        }

        let mut seen: HashSet<usize> = HashSet::new();
        // Retrofit endpoints: their path literal is read there, not again as a root
        for a in annotations {
            if let Some(lit) = self.retrofit(a, &mut out) {
                seen.insert(lit);
            }
        }
        let mut emitted: HashSet<(Span, Option<Method>)> = HashSet::new();
        for root in roots {
            if self.deadline.passed() {
                break;
            }
            if !seen.insert(root.id()) {
                continue;
            }
            let t = match based.get(&root.id()) {
                Some(t) => t.clone(),
                None => self.eval(root, 0),
            };
            // a URL, with text of its own (`"$url"` only repeats a variable's value)
            // (or a value put in here into a template or a concatenation of constants)
            let rs = Self::span(root);
            let own_text = t.pieces.iter().any(|p| p.exact && !p.text.trim().is_empty());
            let built_here = || {
                (self.formats_constant(root)
                    && t.pieces.iter().any(|p| p.hole && rs.start <= p.src.start && p.src.end <= rs.end))
                    || self.joins_constants(root)
            };
            if !t.is_url(&self.cfg.path_anchors) || !(own_text || built_here()) {
                continue;
            }
            out.covered.push(Self::span(root));
            // a string literal's candidate is its content (what the generic extractor sees)
            let span = if self.spec.strings.contains(&self.k(root)) {
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
                if self.spec.calls.contains(&self.k(root)) {
                    let args = self.args(root);
                    let url_end = if QUERY_SETTERS.contains(&self.fname(root).to_ascii_lowercase().as_str()) {
                        args.first()
                    } else if let [.., before, last] = args.as_slice()
                        && self.spec.maps.contains(&self.k(self.unwrap(*last)))
                    {
                        Some(before)
                    } else {
                        None
                    };
                    if let Some(a) = url_end {
                        span.end = span.end.min(a.end_byte()).max(span.start);
                    }
                    // `add_query_arg([…], $url)`: the URL is the last argument
                    if self.fname(root) == "add_query_arg"
                        && let Some(u) = args.last()
                    {
                        span = Span::new(u.start_byte().max(span.start), span.end.max(u.start_byte()));
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
            if users.is_empty() && !own_text && !self.formats_constant(root) {
                continue; // `voisoHost + apiV1` stored, not sent: the constants are reported
            }
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
                if self.spec.maps.contains(&self.k(v))
                    || matches!(self.k(v), "dictionary" | "object" | "hash" | "composite_literal")
                    || (self.spec.calls.contains(&self.k(v))
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

    /// A Retrofit endpoint: `@GET("api/v1/{key}/balance")` (the path relative to the base URL,
    /// usually without a leading slash) on an interface method, whose `@Query("key")` and
    /// `@Field("key")` parameters are the query and body; `@Path("key")` fills the path.
    fn retrofit(&self, a: Node<'t>, out: &mut LangOut) -> Option<usize> {
        let name = self.annotation_name(a);
        let method = Method::parse(name).filter(|_| name.chars().all(|c| c.is_ascii_uppercase()))?;
        let lit = self.annotation_string(a)?;
        let (cs, ce) = self.content_bounds(lit);
        let path = self.eval(lit, NAME_DEPTH);
        let text = path.text();
        if text.contains("://") || text.is_empty() {
            return None; // an absolute URL is read as any string
        }
        let mut t = Template::default();
        if !text.starts_with('/') {
            let mut slash = Template::literal("/", Span::new(cs, cs));
            slash.pieces[0].exact = false;
            t.push(slash);
        }
        t.push(path);
        if !t.is_url(&self.cfg.path_anchors) {
            return None;
        }
        // the parameters of the annotated function
        let mut params = Vec::new();
        let func = a.parent().and_then(|m| m.parent());
        let list = func.and_then(|f| {
            self.field(f, "parameters").or_else(|| {
                let mut c = f.walk();
                f.named_children(&mut c).find(|n| self.k(n) == "function_value_parameters")
            })
        });
        if let Some(list) = list {
            let mut todo = vec![(list, 0u8)];
            let mut budget = 256;
            while let Some((n, d)) = todo.pop() {
                budget -= 1;
                if budget == 0 {
                    break;
                }
                if self.k(n) == "annotation" {
                    let loc = match self.annotation_name(n) {
                        "Query" => ParamLocation::Query,
                        "Field" | "Part" => ParamLocation::Body,
                        _ => continue,
                    };
                    let Some(k) = self.annotation_string(n) else { continue };
                    let pname = self.eval(k, NAME_DEPTH).text();
                    if self.cfg.key_names.iter().any(|x| x.eq_ignore_ascii_case(&pname)) {
                        let span = Self::span(k);
                        params.push(Param {
                            name: pname,
                            location: loc,
                            value: Value::Expr("parameter".into()),
                            span,
                            value_span: span,
                        });
                    }
                    continue;
                }
                if d < 4 {
                    let mut c = n.walk();
                    todo.extend(n.named_children(&mut c).map(|x| (x, d + 1)));
                }
            }
        }
        out.covered.push(Self::span(lit));
        out.candidates.push(t.into_candidate(Span::new(cs, ce), Some(method), params));
        Some(lit.id())
    }

    /// `GET` of `@GET(…)` / `@retrofit2.http.GET(…)`.
    fn annotation_name(&self, a: Node<'_>) -> &'a str {
        let text = self.text(a).trim_start_matches('@');
        let head = text.split(['(', ' ', '\n']).next().unwrap_or("");
        head.rsplit('.').next().unwrap_or(head)
    }

    /// The first string literal among an annotation's arguments (`@GET("…")`, `@GET(value = "…")`).
    fn annotation_string(&self, a: Node<'t>) -> Option<Node<'t>> {
        let mut todo = vec![(a, 0u8)];
        while let Some((n, d)) = todo.pop() {
            if self.spec.strings.contains(&self.k(n)) {
                return Some(n);
            }
            if d < 5 {
                let mut c = n.walk();
                let kids: Vec<Node<'t>> = n.named_children(&mut c).collect();
                todo.extend(kids.into_iter().rev().map(|x| (x, d + 1)));
            }
        }
        None
    }

    // ---------------------------------------------------------------------------------------
    // the walk

    /// A string that is a statement of its own (Python, Ruby): documentation.
    fn is_docstring(&self, n: Node<'_>) -> bool {
        self.k(n) == "expression_statement"
            && self.lang == Lang::Python
            && n.named_child_count() == 1
            && n.named_child(0).is_some_and(|c| self.spec.strings.contains(&self.k(c)))
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
        let recv = self.receiver(call).or_else(|| self.field(call, "scope")).map(|r| {
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
        let Some(redirect) = body.parent().filter(|r| self.k(r) == "heredoc_redirect") else { return false };
        let Some(stmt) = redirect.parent().filter(|p| self.k(p) == "redirected_statement") else { return false };
        let mut c = redirect.walk();
        if redirect.named_children(&mut c).any(|x| !self.k(x).starts_with("heredoc_")) {
            return false; // `cat <<EOF | curl … -d @-`, `cat <<EOF && …`
        }
        let Some(cmd) = self.field(stmt, "body").filter(|b| self.k(b) == "command") else { return false };
        let name = self.field(cmd, "name").map_or("", |n| self.text(n).trim());
        if !HEREDOC_PRINTERS.contains(&name) {
            return false;
        }
        let mut c = stmt.walk();
        let to_file = stmt.children_by_field_name("redirect", &mut c).any(|r| {
            let dest = self.field(r, "destination").map_or("", |d| self.text(d).trim());
            self.k(r) == "file_redirect" && !(dest.bytes().all(|b| b.is_ascii_digit()) || dest.starts_with("/dev/std"))
        });
        if to_file {
            return false;
        }
        let mut p = stmt.parent();
        for _ in 0..4 {
            match p {
                Some(n) if matches!(self.k(n), "pipeline" | "command_substitution" | "process_substitution") => {
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
        self.spec.strings.contains(&self.k(n)) || (self.builds_string(n) && self.contains_string(n))
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
            node.named_children(&mut c).find(|x| !self.k(x).contains("comment") && self.k(x) != "modifiers")
        } else {
            self.field(node, name_field)
        };
        let value = if value_field == "^" {
            first_named(node).filter(|v| Some(v.id()) != name.map(|n| n.id()))
        } else if value_field.is_empty() {
            last_named(node).filter(|v| Some(v.id()) != name.map(|n| n.id()))
        } else {
            self.field(node, value_field)
        };
        let Some(name) = name else { return };
        let Some(value) = value else {
            // a field declared without a value: the class has it, its value is unknown
            if let Some(class) = self.member_class(node, name)
                && let Some(key) = self.name_of(name)
            {
                let b = Binding {
                    value: name,
                    scope: 0,
                    start: node.start_byte(),
                    end: node.end_byte(),
                    class: Some(class),
                    declared: true,
                    assign: false,
                };
                self.bindings.entry(key).or_default().push(b);
            }
            return;
        };
        // `a, b := x, y` (Go) and `a = b = …`: pair names and values when the counts agree
        let names: Vec<Node<'t>> = list_items(name);
        let values: Vec<Node<'t>> = list_items(value);
        let pairs: Vec<(Node<'t>, Node<'t>)> = if names.len() == values.len() {
            names.into_iter().zip(values).collect()
        } else if names.len() == 1 {
            vec![(name, value)]
        } else if self.lang == Lang::Go && values.len() == 1 && self.spec.calls.contains(&self.k(values[0])) {
            // `u, err := url.JoinPath(…)`: the first result is the value
            vec![(names[0], values[0])]
        } else {
            return;
        };
        for (n, v) in pairs {
            let n = if self.k(n) == "variable_declaration" { first_named(n).unwrap_or(n) } else { n };
            if is_member(self.k(self.unwrap(n)))
                && let Some(last) = self.name_of(n)
                && let Some(&(opt, join)) =
                    BASE_URL_OPTIONS.iter().find(|(o, _)| *o == last.to_ascii_lowercase().replace(['_', '-'], ""))
                && opt != "url"
            {
                let text = self.text(self.unwrap(n)).trim();
                let object = text[..text.len().saturating_sub(last.len())].trim_end_matches(['.', '-', '>', ':']);
                let class = self.classes_at(node.start_byte()).into_iter().next();
                self.attr_bases.push((object.to_owned(), class, self.unwrap(v), join));
            }
            if let Some(key) = self.name_of(n) {
                let class = self.member_class(node, n);
                let scope = if class.is_some() { 0 } else { self.scope_of(node) };
                let assign = self.k(node).starts_with("assignment");
                let b = Binding {
                    value: v,
                    scope,
                    start: node.start_byte(),
                    end: node.end_byte(),
                    class,
                    declared: false,
                    assign,
                };
                self.bindings.entry(key).or_default().push(b);
            }
        }
    }

    /// Relative paths sent by clients that have a base URL, joined to it: by the path's node.
    fn based_paths(&self, calls: &[Node<'t>]) -> HashMap<usize, Template> {
        let mut out = HashMap::new();
        // HTTParty: `base_uri '…'` in a class body is the base of the class's `get`/`post`
        let mut class_bases: Vec<(String, Node<'t>, BaseJoin)> = Vec::new();
        if self.lang == Lang::Ruby {
            for &c in calls {
                let f = self.fname(c).to_ascii_lowercase();
                if let Some(&(_, join)) = BASE_URL_SETTERS.iter().find(|(n, _)| *n == f)
                    && self.receiver(c).is_none()
                    && let Some(arg) = self.args(c).into_iter().find(|a| self.pair(*a).is_none())
                    && let Some(class) = self.classes_at(c.start_byte()).into_iter().next()
                {
                    class_bases.push((class, self.unwrap(arg), join));
                }
            }
        }
        for &call in calls {
            // a call named for its method (`get`, `PostAsync`): its first argument is the path;
            // or the path setter after one (`webClient.get().uri("/cdr")`)
            let f = self.fname(call);
            let path_setter = PATH_SETTERS.contains(&f.to_ascii_lowercase().as_str())
                && self
                    .receiver(call)
                    .map(|r| self.unwrap(r))
                    .is_some_and(|r| self.spec.calls.contains(&self.k(r)) && method_word(self.fname(r)).is_some());
            if !path_setter && (self.is_builder(call) || method_word(f).is_none()) {
                continue;
            }
            let Some(path) = self.url_args(call).into_iter().next().map(|a| self.unwrap(a)) else { continue };
            // a path written in the call (`"/cdr/teams"`, `_key + "/click2call"`)
            if !self.builds_string(path) || !(self.spec.strings.contains(&self.k(path)) || self.contains_string(path)) {
                continue;
            }
            let base = self.client_base(call).or_else(|| {
                // Ruby `self.class.get(…)`, `get(…)`, `Api.get(…)` in a class with `base_uri`
                let recv = self.receiver(call).map(|r| self.text(r).trim().to_owned());
                let class = self.classes_at(call.start_byte()).into_iter().next()?;
                let own = recv.as_deref().is_none_or(|r| r == "self.class" || r == "self" || r == class);
                own.then(|| class_bases.iter().find(|(c, _, _)| *c == class).map(|(_, n, j)| (*n, *j))).flatten()
            });
            let Some((base, join)) = base else { continue };
            let rel = self.eval(path, 0);
            let text = rel.text();
            if text.contains("://") || text.starts_with("//") || text.is_empty() {
                continue; // an absolute URL: the base is not used
            }
            // the base's text is not at the call: attributed to the path
            let base = self.eval(base, 0).relocated(Self::span(path));
            if !base.text().contains("://") {
                continue;
            }
            out.insert(path.id(), join_base(base, rel, join));
        }
        out
    }

    /// The base URL of the client a call is made on, and how the client joins paths to it: the
    /// receiver (through variables and members, down a builder chain) is a client constructor
    /// with a base-URL option, or a chain with a base-URL setter.
    fn client_base(&self, call: Node<'t>) -> Option<(Node<'t>, BaseJoin)> {
        let mut r = self.receiver(call).map(|r| self.unwrap(r));
        for _ in 0..8 {
            let n = r?;
            if self.spec.calls.contains(&self.k(n)) {
                if let Some(b) = self.base_option(n) {
                    return Some(b);
                }
                r = self.receiver(n).map(|x| self.unwrap(x));
            } else if self.is_name(n) {
                // `s = requests.Session()` then `s.base_url = …`
                let text = self.text(n).trim();
                let class = self.classes_at(n.start_byte()).into_iter().next();
                if let Some(b) = self.attr_bases.iter().rev().find(|(o, c, _, _)| o == text && *c == class) {
                    return Some((b.2, b.3));
                }
                let v = self.unwrap(self.lookup_node(n)?);
                if v.id() == n.id() {
                    return None;
                }
                r = Some(v);
            } else {
                return None;
            }
        }
        None
    }

    /// A client constructor's base-URL option (or a base-URL setter call): its value node.
    fn base_option(&self, call: Node<'t>) -> Option<(Node<'t>, BaseJoin)> {
        let f = self.fname(call).to_ascii_lowercase();
        if let Some(&(_, join)) = BASE_URL_SETTERS.iter().find(|(n, _)| *n == f) {
            let arg = self.args(call).into_iter().find(|a| self.pair(*a).is_none())?;
            return Some((self.unwrap(arg), join));
        }
        let mut entries: Vec<Node<'t>> = Vec::new();
        let mut args = self.args(call);
        // an options object built by a call (dio `Dio(BaseOptions(baseUrl: …))`)
        let inner: Vec<Node<'t>> = args
            .iter()
            .map(|a| self.unwrap(*a))
            .filter(|a| self.spec.calls.contains(&self.k(a)) && self.fname(*a).to_ascii_lowercase().contains("options"))
            .flat_map(|a| self.args(a))
            .collect();
        args.extend(inner);
        for a in args {
            let u = self.unwrap(a);
            if self.spec.maps.contains(&self.k(u)) || matches!(self.k(u), "object" | "dictionary" | "hash") {
                let mut c = u.walk();
                entries.extend(u.named_children(&mut c));
            } else {
                entries.push(a);
            }
        }
        if let Some(init) = self.field(call, "initializer") {
            let mut c = init.walk();
            entries.extend(init.named_children(&mut c));
        }
        let special = BASE_URL_CONSTRUCTORS.iter().find(|(n, _)| *n == f).map(|(_, j)| *j);
        entries.into_iter().find_map(|e| {
            let (k, v) = self.pair(e)?;
            let k = k.to_ascii_lowercase().replace(['_', '-'], "");
            let &(_, join) = BASE_URL_OPTIONS.iter().find(|(n, _)| *n == k)?;
            (k != "url" || f == "new").then_some((self.unwrap(v), special.unwrap_or(join)))
        })
    }

    /// Classes, and the members the walk binds itself: a Go method's receiver type, Go struct
    /// literal fields (`&Client{baseURL: …}`), Dart field parameters with a default
    /// (`{this.baseUrl = '…'}`).
    fn walk_members(&mut self, node: Node<'t>) {
        let kind = self.k(node);
        if self.spec.classes.contains(&kind) {
            let name = self.field(node, "name").or_else(|| {
                let mut c = node.walk();
                node.named_children(&mut c).find(|x| self.k(x).contains("identifier") || self.k(x) == "constant")
            });
            let name = name.map(|n| self.text(n).trim().to_owned()).unwrap_or_default();
            self.classes.push((node.start_byte(), node.end_byte(), name, None));
        }
        if self.lang != Lang::Go && self.lang != Lang::Dart {
            return;
        }
        match kind {
            "method_declaration" if self.lang == Lang::Go => {
                let Some(recv) = self.field(node, "receiver").and_then(first_named) else { return };
                let (Some(name), Some(ty)) = (self.field(recv, "name"), self.field(recv, "type")) else {
                    return;
                };
                let ty = go_type_name(self.text(ty));
                let name = self.text(name).to_owned();
                self.classes.push((node.start_byte(), node.end_byte(), ty, Some(name)));
            }
            "composite_literal" => {
                let (Some(ty), Some(body)) = (self.field(node, "type"), self.field(node, "body")) else {
                    return;
                };
                let ty = go_type_name(self.text(ty));
                let mut c = body.walk();
                for e in body.named_children(&mut c).filter(|e| e.kind() == "keyed_element") {
                    let key = self.field(e, "key").or_else(|| first_named(e));
                    let value = self.field(e, "value").or_else(|| last_named(e));
                    if let (Some(k), Some(v)) = (key, value)
                        && k.id() != v.id()
                    {
                        self.pending_members.push((Some(ty.clone()), k, self.unwrap(v)));
                    }
                }
            }
            "optional_formal_parameters" => {
                // Dart `{this.baseUrl = '…'}`: the default is a sibling of the parameter
                let mut c = node.walk();
                let mut last: Option<Node<'t>> = None;
                for (i, ch) in node.children(&mut c).enumerate() {
                    if !ch.is_named() {
                        continue;
                    }
                    let field = u32::try_from(i).ok().and_then(|i| node.field_name_for_child(i));
                    if field == Some("default_value") {
                        if let Some(p) = last.take()
                            && let Some(name) = first_named(p).filter(|f| self.k(f) == "field_formal_parameter")
                            && let Some(id) = self.field(name, "name")
                        {
                            self.pending_members.push((None, id, ch));
                        }
                    } else {
                        last = Some(ch);
                    }
                }
            }
            _ => {}
        }
    }

    /// The classes around byte `at`, innermost first.
    fn classes_at(&self, at: usize) -> Vec<String> {
        let k = self.classes.partition_point(|c| c.0 <= at);
        self.classes[..k].iter().rev().take(64).filter(|c| at < c.1).map(|c| c.2.clone()).collect()
    }

    /// The class a binding of `name` (in statement `node`) is a member of: `this.x = …`,
    /// `self.x = …`, `@x = …`, `$this->x = …`, a Go receiver's `c.x = …`; or a declaration in a
    /// class body (not inside one of its methods).
    fn member_class(&self, node: Node<'t>, name: Node<'t>) -> Option<String> {
        let at = node.start_byte();
        let class = self.innermost_class(at, node.end_byte())?;
        if self.ref_of(name) == Ref::Own {
            return Some(class.2.clone());
        }
        if class.3.is_some() {
            return None; // a Go method: its locals are locals
        }
        // constructor parameter properties: TS `constructor(private base = "…")`, PHP 8
        // `__construct(private string $base = '…')`
        if self.k(node) == "property_promotion_parameter" || (self.k(node).ends_with("_parameter") && promoted(node)) {
            return Some(class.2.clone());
        }
        let k = self.scopes.partition_point(|(start, _, _)| *start <= at);
        let in_fn = self.scopes[..k].iter().rev().take(256).any(|(s, e, _)| *s > class.0 && at < *e);
        (!in_fn).then(|| class.2.clone())
    }

    /// How `n` names its binding: bare, through `this`/`self`, through a class of the file.
    fn ref_of(&self, n: Node<'t>) -> Ref<'_> {
        let n = self.unwrap(n);
        let text = self.text(n).trim();
        if self.k(n) == "instance_variable" || (text.starts_with('@') && !text.starts_with("@@")) {
            return Ref::Own;
        }
        if !is_member(self.k(n)) && self.k(n) != "field_access" && !text.contains(['.', '>', ':']) {
            return Ref::Bare;
        }
        let Some(last) = self.name_of(n) else { return Ref::Other };
        let object =
            text[..text.len().saturating_sub(last.len())].trim_end_matches(['.', ':', '-', '>', '?', '$', '!', ' ']);
        match object {
            "this" | "self" | "$this" | "static" | "Self" => Ref::Own,
            o if self.lang == Lang::Go => {
                let recv = self.innermost_class(n.start_byte(), n.end_byte());
                if recv.and_then(|c| c.3.as_deref()) == Some(o) { Ref::Own } else { self.class_ref(o) }
            }
            o => self.class_ref(o),
        }
    }

    fn class_ref(&self, object: &str) -> Ref<'_> {
        let names = self.class_names.get_or_init(|| self.classes.iter().map(|c| c.2.clone()).collect());
        match names.get(object).filter(|n| !n.is_empty()) {
            Some(n) => Ref::Class(n.as_str()),
            None => Ref::Other,
        }
    }

    /// The innermost class around `start..end`.
    fn innermost_class(&self, start: usize, end: usize) -> Option<&Class> {
        let k = self.classes.partition_point(|c| c.0 <= start);
        self.classes[..k].iter().rev().take(256).find(|c| end <= c.1)
    }

    /// The value a name refers to, looked up where it is used (see [`Self::lookup`]).
    fn lookup_node(&self, n: Node<'t>) -> Option<Node<'t>> {
        let name = self.name_of(n)?;
        self.lookup(&name, n.start_byte(), self.scope_of(n), self.ref_of(n))
    }

    /// PHP `define('NAME', value)`; shell `printf -v NAME FORMAT ARGS…` (NAME holds the result).
    fn define_call(&mut self, call: Node<'t>) {
        if self.lang == Lang::Bash && self.fname(call) == "printf" {
            let args = self.args(call);
            if let [flag, name, ..] = args.as_slice()
                && self.text(*flag) == "-v"
            {
                let key = self.text(*name).trim_matches(['"', '\'']).to_owned();
                let b = Binding {
                    value: call,
                    scope: self.scope_of(call),
                    start: call.start_byte(),
                    end: call.end_byte(),
                    class: None,
                    declared: false,
                    assign: true,
                };
                self.bindings.entry(key).or_default().push(b);
            }
            return;
        }
        if self.lang != Lang::Php || !self.fname(call).eq_ignore_ascii_case("define") {
            return;
        }
        let args = self.args(call);
        if let [name, value, ..] = args.as_slice() {
            let name = self.unwrap(*name);
            if self.spec.strings.contains(&self.k(name)) {
                let key = self.eval(name, NAME_DEPTH).text();
                let b = Binding {
                    value: *value,
                    scope: 0,
                    start: call.start_byte(),
                    end: call.end_byte(),
                    class: None,
                    declared: false,
                    assign: false,
                };
                self.bindings.entry(key).or_default().push(b);
            }
        }
    }

    /// The value bound to `name` as seen at byte `at` in scope `scope`: the last assignment
    /// before it in the same function; else a member of the class around it (`this.x`, or a
    /// bare name through the implicit `this`), a hole when the class gives it several values;
    /// else the single one at file level; else the single one. `this.x` never takes another
    /// class's member, unless a single class of the file has one (inherited).
    fn lookup(&self, name: &str, at: usize, scope: usize, how: Ref<'_>) -> Option<Node<'t>> {
        // sorted by (scope, start) once the walk is done: each step is a binary search
        let all = self.bindings.get(name)?;
        if scope != 0 && how != Ref::Own {
            let in_scope = |scope: usize| {
                let lo = all.partition_point(|b| b.scope < scope);
                let hi = lo + all[lo..].partition_point(|b| b.scope == scope && b.start < at);
                // not the statement the use is in (`this.base = base`)
                all[lo..hi].iter().rev().find(|b| b.end <= at || b.class.is_some()).map(|b| b.value)
            };
            if let Some(v) = in_scope(scope) {
                return Some(v);
            }
            // a block or lambda sees the locals of the functions around it
            let k = self.scopes.partition_point(|(start, _, _)| *start <= at);
            for &(start, end, id) in self.scopes[..k].iter().rev().take(256) {
                if id != scope
                    && start <= at
                    && at < end
                    && let Some(v) = in_scope(id)
                {
                    return Some(v);
                }
            }
        }
        let one_value = |mine: &[&Binding<'t>]| -> Option<Node<'t>> {
            let values: Vec<&&Binding<'t>> = mine.iter().filter(|b| !b.declared).collect();
            let first = values.first()?;
            values.iter().all(|b| self.text(b.value) == self.text(first.value)).then_some(first.value)
        };
        // a bare name is a member only where the language reads it so (implicit `this` in Java,
        // Kotlin, C#, Dart; Ruby's lexically scoped constants); never in Python, JS, PHP, Go
        let implicit = match self.lang {
            Lang::Java | Lang::Kotlin | Lang::CSharp | Lang::Dart => true,
            Lang::Ruby => name.starts_with(|c: char| c.is_ascii_uppercase()),
            _ => false,
        };
        let chain = match how {
            Ref::Own => self.classes_at(at),
            Ref::Bare if implicit => self.classes_at(at),
            Ref::Bare => Vec::new(),
            Ref::Class(c) => vec![c.to_owned()],
            Ref::Other => Vec::new(),
        };
        for c in &chain {
            let mine: Vec<&Binding<'t>> = all.iter().filter(|b| b.class.as_deref() == Some(c.as_str())).collect();
            if mine.is_empty() {
                continue;
            }
            if mine.iter().all(|b| b.declared) {
                // a declared field set by a bare assignment in a method (`_base = "…"` in a
                // constructor, implicit `this`)
                let range = self.classes.iter().find(|x| x.2 == *c).map_or((0, 0), |x| (x.0, x.1));
                let set: Vec<&Binding<'t>> = all
                    .iter()
                    .filter(|b| b.class.is_none() && b.assign && b.start >= range.0 && b.end <= range.1)
                    .collect();
                return one_value(&set);
            }
            return one_value(&mine);
        }
        let plain: Vec<&Binding<'t>> = all.iter().filter(|b| b.class.is_none()).collect();
        // past the functions around the use, only a file-level binding: a local of another
        // function is never seen (a parameter `body` is not the `body` map another function builds)
        let file_level = |list: &[&Binding<'t>]| -> Option<Node<'t>> {
            let mut top = list.iter().filter(|b| b.scope == 0);
            let first = top.next()?;
            top.next().is_none().then_some(first.value)
        };
        if how == Ref::Bare && (!implicit || !plain.is_empty()) {
            return file_level(&plain);
        }
        if how == Ref::Other {
            let list: Vec<&Binding<'t>> = all.iter().collect();
            let top = list.iter().filter(|b| b.scope == 0).count();
            if top == 1 {
                return list.iter().find(|b| b.scope == 0).map(|b| b.value);
            }
            return (list.len() == 1).then(|| list[0].value);
        }
        // a member of exactly one other class of the file (inherited), else nothing
        let members: Vec<&Binding<'t>> = all.iter().filter(|b| b.class.is_some()).collect();
        let first = members.first()?.class.as_deref();
        if members.iter().all(|b| b.class.as_deref() == first) { one_value(&members) } else { None }
    }

    // ---------------------------------------------------------------------------------------
    // calls

    /// The called function's last name: `requests.post` → `post`, `new URL` → `URL`.
    fn fname(&self, call: Node<'_>) -> &'a str {
        let callee = ["function", "name", "method", "constructor", "type"]
            .iter()
            .find_map(|f| self.field(call, f))
            .or_else(|| first_named(call));
        let Some(mut callee) = callee else { return "" };
        // `a.b().c`: the member's own name, not a cut of the chain's text
        if is_member(self.k(callee))
            && let Some(f) = ["field", "property", "attribute", "name"].iter().find_map(|f| self.field(callee, f))
        {
            callee = f;
        } else if is_member(self.k(callee))
            && let Some(l) = last_named(callee).filter(|l| self.k(l).contains("identifier") && l.id() != callee.id())
        {
            // a member access without field names (Kotlin's navigation_expression)
            callee = l;
        }
        let text = self.text(callee).trim();
        let text = text.split(['<', '(']).next().unwrap_or(text);
        text.rsplit(['.', ':', '>', ' ']).next().unwrap_or(text).trim_start_matches(['$', '@'])
    }

    /// The receiver of a method call (`"…".format` → the string).
    fn receiver(&self, call: Node<'t>) -> Option<Node<'t>> {
        if let Some(o) = self.field(call, "object").or_else(|| self.field(call, "receiver")) {
            return Some(o);
        }
        let callee = self.field(call, "function").or_else(|| first_named(call))?;
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
        let list = self.field(call, "arguments").or_else(|| {
            let mut c = call.walk();
            call.named_children(&mut c)
                .find(|n| matches!(self.k(n), "argument_list" | "arguments" | "value_arguments" | "call_suffix"))
        });
        let Some(mut list) = list else { return Vec::new() };
        if self.k(list) == "call_suffix"
            && let Some(v) = first_named(list).filter(|n| self.k(n) == "value_arguments")
        {
            list = v;
        }
        let mut c = list.walk();
        list.named_children(&mut c).filter(|n| !self.k(n).contains("comment")).collect()
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
        if v.id() != root.id() || !matches!(k.to_ascii_lowercase().as_str(), "url" | "uri" | "endpoint" | "requesturi")
        {
            return None;
        }
        let mut p = pair.parent();
        for _ in 0..3 {
            let n = p?;
            if self.spec.calls.contains(&self.k(n)) {
                return Some(n);
            }
            p = n.parent();
        }
        None
    }

    /// A key/value entry: `(key text, value node)`.
    fn pair(&self, n: Node<'t>) -> Option<(String, Node<'t>)> {
        let kind = self.k(n);
        if kind == "shorthand_property_identifier" {
            return Some((self.text(n).to_owned(), n));
        }
        if !self.spec.pairs.contains(&kind) && !matches!(kind, "pair" | "keyword_argument" | "named_argument") {
            return None;
        }
        let key = ["key", "name", "label", "left"].iter().find_map(|f| self.field(n, f)).or_else(|| first_named(n))?;
        let value = ["value", "right"].iter().find_map(|f| self.field(n, f)).or_else(|| last_named(n))?;
        if key.id() == value.id() {
            return None;
        }
        let mut key = self.unwrap(key);
        // C# `["key"] = k` in a dictionary initializer: the string inside the brackets
        if !self.spec.maps.contains(&kind)
            && self.text(key).starts_with('[')
            && !self.spec.strings.contains(&self.k(key))
        {
            let mut inner = key;
            for _ in 0..3 {
                match first_named(inner) {
                    Some(x) if self.spec.strings.contains(&self.k(self.unwrap(x))) => {
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
        if self.spec.maps.contains(&kind) && (n.named_child_count() != 2 || !self.spec.strings.contains(&self.k(key))) {
            return None;
        }
        let k = if self.spec.strings.contains(&self.k(key)) {
            self.eval(key, NAME_DEPTH).text()
        } else {
            self.text(key).trim().trim_matches([':', '"', '\'', '$']).trim_end_matches(':').to_owned()
        };
        (!k.is_empty()).then_some((k, value))
    }

    /// Look through wrappers (parentheses, `await`, argument nodes, one-item lists).
    fn unwrap(&self, mut n: Node<'t>) -> Node<'t> {
        for _ in 0..8 {
            let wrapper = self.spec.wrappers.contains(&self.k(n))
                || matches!(self.k(n), "parenthesized_expression" | "argument" | "expression_list" | "literal_element");
            if wrapper && n.named_child_count() == 1 {
                n = n.named_child(0).unwrap_or(n);
            } else if self.k(n) == "value_argument" {
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
            if is_member(self.k(a))
                && [".Uri", ".AbsoluteUri", ".Url"].iter().any(|s| text.ends_with(s))
                && let Some(obj) = first_named(a)
            {
                return self.target(obj, depth + 1);
            }
            let v = self.lookup_node(a)?;
            return self.target(v, depth + 1).or(Some(self.unwrap(v)));
        }
        // `"$url"`, `f"{url}"`: a string that only interpolates a variable stands for it
        if depth < 4
            && let Some(name) = self.only_interpolates(a)
        {
            return self.target(name, depth + 1);
        }
        // `fromHttpUrl(u).queryParam(…).toUriString()`: the URL is the chain's first argument
        if depth < 4
            && self.spec.calls.contains(&self.k(a))
            && CHAIN_ENDS.contains(&self.fname(a).to_ascii_lowercase().as_str())
        {
            let mut inner = a;
            for _ in 0..16 {
                match self.receiver(inner).map(|r| self.unwrap(r)) {
                    Some(r) if self.spec.calls.contains(&self.k(r)) => inner = r,
                    _ => break,
                }
            }
            if inner.id() != a.id()
                && let Some(first) = self.args(inner).into_iter().find(|x| self.pair(*x).is_none())
            {
                return self.target(first, depth + 1);
            }
            // `"…".toHttpUrl().newBuilder().addQueryParameter(…).build()`: the URL the chain starts from
            if inner.id() != a.id() && self.is_builder(inner) {
                return Some(inner);
            }
        }
        // `URI.create(u)`, `Uri.parse(u)`: the URL is the argument
        if depth < 4
            && self.spec.calls.contains(&self.k(a))
            && WRAP_FNS.contains(&self.fname(a).to_ascii_lowercase().as_str())
        {
            let args = self.args(a);
            if let [one] = args.as_slice() {
                let inner = self.unwrap(*one);
                if self.is_name(inner) {
                    return self.target(inner, depth + 1);
                }
                // a call that stands for another URL (`URI.create(Uri.parse(u))`); a format or
                // builder call inside is part of this URL expression
                if self.spec.calls.contains(&self.k(inner)) {
                    let t = self.target(inner, depth + 1);
                    if t.is_some_and(|t| t.id() != inner.id()) {
                        return t;
                    }
                }
            }
        }
        Some(a)
    }

    /// The variable of a string that only interpolates one (`"$url"`, `f"{url}"`, `"${URL}"`).
    fn only_interpolates(&self, a: Node<'t>) -> Option<Node<'t>> {
        if !self.spec.strings.contains(&self.k(a)) {
            return None;
        }
        let mut c = a.walk();
        let inner: Vec<Node<'t>> =
            a.named_children(&mut c).filter(|x| !self.spec.string_parts.contains(&self.k(x))).collect();
        let (cs, ce) = self.content_bounds(a);
        let [one] = inner.as_slice() else { return None };
        if one.start_byte() > cs + 1 || one.end_byte() + 1 < ce {
            return None;
        }
        let name = if self.spec.interpolations.contains(&self.k(one)) { first_named(*one) } else { Some(*one) };
        name.filter(|n| self.is_name(*n))
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
            } else if !self.spec.calls.contains(&self.k(x)) || x.id() == n.id() {
                let mut c = x.walk();
                todo.extend(x.named_children(&mut c));
            }
        }
        out
    }

    fn is_name(&self, n: Node<'_>) -> bool {
        let k = self.k(n);
        (k.contains("identifier") && k != "property_identifier" && k != "shorthand_property_identifier")
            || matches!(
                k,
                "name" | "constant" | "variable_name" | "variable" | "simple_identifier" | "instance_variable"
            )
            || is_member(k)
    }

    /// HTTP method of a call: its name (`post`, `PostAsync`, `getForObject`), a request class
    /// named by it (`Net::HTTP::Put.new`, `new HttpPut(u)`), a method argument (`"PUT"`,
    /// `http.MethodPut`, `:post`, a local holding one), a `method:` option or `Method =`
    /// initializer, a `method = …` in a trailing lambda (ktor), a builder call in the same chain
    /// (`….uri(u).GET()`, `.method("PUT", body)`), or a later `curl_setopt($ch,
    /// CURLOPT_CUSTOMREQUEST, 'PUT')` on the handle the call returns.
    fn method_of(&self, call: Node<'t>) -> Option<Method> {
        let fname = self.fname(call);
        // `HttpUrl.get(u)` (OkHttp), `URL.get(…)`: parses a URL, sends nothing
        let url_type = self.receiver(call).is_some_and(|r| {
            let t = self.text(r).trim();
            matches!(t.rsplit(['.', ':']).next().unwrap_or(t), "HttpUrl" | "URI" | "Uri" | "URL" | "Url")
        });
        if url_type {
            return None;
        }
        if let Some(m) = method_word(fname.strip_prefix("wp_remote_").unwrap_or(fname)) {
            return Some(m);
        }
        // `new HttpPut(u)` (Apache), `Net::HTTP::Put.new(uri)` (Ruby)
        if let Some(m) = fname.strip_prefix("Http").and_then(Method::parse) {
            return Some(m);
        }
        if fname == "new"
            && let Some(r) = self.receiver(call)
            && let Some(m) = self.text(r).rsplit([':', '.']).next().and_then(Method::parse)
        {
            return Some(m);
        }
        for a in self.args(call) {
            if let Some((k, v)) = self.pair(a) {
                if k.eq_ignore_ascii_case("method") {
                    return self.method_value(v);
                }
                continue;
            }
            let a = self.unwrap(a);
            if self.spec.maps.contains(&self.k(a)) {
                let mut c = a.walk();
                let mut entries: Vec<Node<'t>> = a.named_children(&mut c).collect();
                // `{ ...opts, body }`: the entries of the options spread in
                let spread: Vec<Node<'t>> = entries
                    .iter()
                    .filter(|e| self.k(e) == "spread_element")
                    .filter_map(|e| first_named(*e).filter(|n| self.is_name(*n)))
                    .filter_map(|n| self.lookup_node(n).map(|v| self.unwrap(v)))
                    .filter(|v| self.spec.maps.contains(&self.k(v)))
                    .collect();
                for m in spread {
                    let mut c = m.walk();
                    entries.extend(m.named_children(&mut c));
                }
                for e in entries {
                    if let Some((k, v)) = self.pair(e)
                        && k.eq_ignore_ascii_case("method")
                    {
                        return self.method_value(v);
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
            // `method := http.MethodPut` then `http.NewRequest(method, u, …)`
            if self.is_name(a)
                && let Some(v) = self.lookup_node(a)
            {
                let text = self.text(self.unwrap(v)).trim().trim_matches(['"', '\'', ':']);
                if text.len() <= 40
                    && let Some(m) = method_suffix(text)
                {
                    return Some(m);
                }
            }
        }
        // C# `new HttpRequestMessage { Method = HttpMethod.Put, RequestUri = … }`
        if let Some(m) = self.field(call, "initializer").and_then(|i| self.method_assigned(i)) {
            return Some(m);
        }
        // the rest of a builder chain: climb while the parent is a call or a member access
        // (`parent()` costs the depth and the siblings before: each node is asked once)
        let mut top = call;
        let mut chain = vec![call];
        let mut call_parent = None;
        for i in 0..12 {
            let p = top.parent();
            if i == 0 {
                call_parent = p;
            }
            match p {
                Some(p)
                    if self.spec.calls.contains(&self.k(p)) || is_member(self.k(p)) || self.k(p) == "call_suffix" =>
                {
                    top = p;
                    chain.push(p);
                }
                _ => break,
            }
        }
        // ktor `client.request(u) { method = HttpMethod.Put }`: a trailing lambda of the chain
        if self.lang == Lang::Kotlin {
            for n in &chain {
                let mut c = n.walk();
                let lambdas: Vec<Node<'t>> =
                    n.named_children(&mut c).filter(|x| self.k(x) == "annotated_lambda").collect();
                if let Some(m) = lambdas.into_iter().find_map(|l| self.method_assigned(l)) {
                    return Some(m);
                }
            }
        }
        let text = self.text(top);
        for (i, _) in text.match_indices('.').chain(text.match_indices("->")) {
            let rest = text[i..].trim_start_matches(['.', '-', '>']).trim_start();
            let word: &str = rest.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
            let after = rest[word.len()..].trim_start();
            if !after.starts_with('(') {
                continue;
            }
            if let Some(m) = Method::parse(word).filter(|m| !matches!(m, Method::Head | Method::Options)) {
                return Some(m);
            }
            // OkHttp / java.net.http `.method("PUT", body)`
            if word == "method" {
                let arg = after[1..].split([',', ')']).next().unwrap_or("").trim().trim_matches(['"', '\'']);
                if let Some(m) = method_suffix(arg) {
                    return Some(m);
                }
            }
        }
        self.handle_method(call, call_parent)
    }

    /// A method value: `"PUT"`, `:put`, `HttpMethod.Put`.
    fn method_value(&self, v: Node<'t>) -> Option<Method> {
        let v = self.unwrap(v);
        Method::parse(self.eval(v, NAME_DEPTH).text().trim())
            .or_else(|| method_suffix(self.text(v).trim().trim_matches(['"', '\'', ':'])))
    }

    /// `method = HttpMethod.Put` / `Method = HttpMethod.Put` assigned inside `n` (an object
    /// initializer, a trailing lambda): bounded look at its statements.
    fn method_assigned(&self, n: Node<'t>) -> Option<Method> {
        let mut todo = vec![(n, 0u8)];
        let mut budget = 64;
        while let Some((x, d)) = todo.pop() {
            budget -= 1;
            if budget == 0 {
                return None;
            }
            if matches!(self.k(x), "assignment" | "assignment_expression")
                && let (Some(l), Some(r)) = (first_named(x), last_named(x))
                && self.text(l).trim().eq_ignore_ascii_case("method")
            {
                return self.method_value(r);
            }
            // not into nested calls' own lambdas and initializers beyond a few levels
            if d < 4 && !self.spec.calls.contains(&self.k(x)) {
                let mut c = x.walk();
                todo.extend(x.named_children(&mut c).map(|k| (k, d + 1)));
            }
        }
        None
    }

    /// The variable a call's result is assigned to: `$ch = curl_init(…)`, `req, err :=
    /// http.NewRequest(…)` (the first name), `val req = …`.
    fn handle_var(&self, call: Node<'t>, parent: Option<Node<'t>>) -> Option<&'a str> {
        let mut p = parent?;
        if self.k(p) == "expression_list" {
            p = p.parent()?;
        }
        if !self.spec.assigns.iter().any(|(k, _, _)| *k == self.k(p)) {
            return None;
        }
        let var = first_named(p).filter(|v| v.id() != call.id())?;
        let var = list_items(var).into_iter().next()?;
        let text = self.text(var).trim();
        (self.is_name(var) || self.k(var).contains("declaration")).then_some(text)
    }

    /// `$ch = curl_init($url)` then `curl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'PUT')` (or
    /// `curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => 'PUT'])`) in the same function.
    fn handle_method(&self, call: Node<'t>, parent: Option<Node<'t>>) -> Option<Method> {
        if self.lang != Lang::Php {
            return None;
        }
        let var = self.handle_var(call, parent)?;
        let scope = self.scope_of(call);
        let from = self.calls.partition_point(|c| c.start_byte() < call.end_byte());
        for &c in self.calls[from..].iter().take(64) {
            if self.scope_of(c) != scope {
                continue;
            }
            let args = self.args(c);
            if args.first().is_none_or(|a| self.text(self.unwrap(*a)).trim() != var) {
                continue;
            }
            let mut found = None;
            for (i, a) in args.iter().enumerate() {
                let a = self.unwrap(*a);
                if self.text(a).contains("CUSTOMREQUEST") {
                    found = match self.pair(a) {
                        Some((_, v)) => self.method_value(v),
                        None if self.spec.maps.contains(&self.k(a)) => {
                            let mut cur = a.walk();
                            let entries: Vec<Node<'t>> = a.named_children(&mut cur).collect();
                            entries.into_iter().find_map(|e| {
                                let (k, v) = self.pair(e)?;
                                k.contains("CUSTOMREQUEST").then(|| self.method_value(v)).flatten()
                            })
                        }
                        None => args.get(i + 1).and_then(|v| self.method_value(*v)),
                    };
                    break;
                }
            }
            if found.is_some() {
                return found;
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
                    if self.spec.calls.contains(&self.k(p))
                        || is_member(self.k(p))
                        || matches!(self.k(p), "call_suffix" | "annotated_lambda") =>
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
            if self.spec.calls.contains(&self.k(n)) {
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
                && let Some(v) = self.lookup_node(n)
            {
                let v = self.unwrap(v);
                if self.spec.calls.contains(&self.k(v))
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
            // the URL itself, written here or through a variable (`url = format(…)`, then
            // `post(url, …)`: the format's arguments are not the call's parameters)
            if self.unwrap(a).id() == url.id() || self.target(a, 0).is_some_and(|t| t.id() == url.id()) {
                continue;
            }
            self.collect(a, default, false, &mut out, 0);
        }
        // setters on the chain the call is part of (`.url(u).header(…)`, ktor `{ parameter(…) }`)
        let mut top = call;
        for _ in 0..12 {
            match top.parent() {
                Some(p)
                    if self.spec.calls.contains(&self.k(p)) || is_member(self.k(p)) || self.k(p) == "call_suffix" =>
                {
                    top = p
                }
                _ => break,
            }
        }
        self.chain_setters(top, None, &mut out);
        // Go: `req, _ := http.NewRequest(…)`, `q := req.URL.Query()`, `q.Add("key", k)`,
        // `req.URL.RawQuery = q.Encode()`: setters on the request URL's query
        if self.lang == Lang::Go
            && let Some(req) = self.handle_var(call, call.parent())
        {
            let want = format!("{req}.URL.Query()");
            let scope = self.scope_of(call);
            let setters = self.setters.get_or_init(|| self.index_setters());
            let mut lists: Vec<(&String, &Vec<Node<'t>>)> =
                setters.iter().filter(|((_, s), _)| *s == scope).map(|((r, _), l)| (r, l)).collect();
            lists.sort_by_key(|(_, l)| l.first().map(Node::start_byte));
            for (recv, list) in lists {
                let Some(first) = list.iter().find(|c| c.start_byte() > call.end_byte()) else { continue };
                let bound = self
                    .lookup(recv, first.start_byte(), scope, Ref::Bare)
                    .is_some_and(|v| self.text(v).split_whitespace().collect::<String>() == want);
                if bound {
                    for &c in list.iter().filter(|c| c.start_byte() > call.end_byte()).take(64) {
                        self.setter_param(c, Some(ParamLocation::Query), &mut out);
                    }
                }
            }
        }
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
            if self.spec.calls.contains(&self.k(n)) {
                // a format call's arguments fill its holes (`format("%<key>s", key: k)`): no params
                if FORMAT_FNS.contains(&self.fname(n).to_ascii_lowercase().as_str()) {
                    break;
                }
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
                Some(c) if self.spec.calls.contains(&self.k(c)) => n = c,
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
        let kind = self.k(a);
        if loc != ParamLocation::Header
            && self.lang != Lang::Bash
            && (self.spec.strings.contains(&kind) || self.spec.binary.contains(&kind))
        {
            // a form body written out: `"key=" + key + "&agent=" + agent`
            self.form_text(a, loc, out);
            return;
        }
        if kind == "anonymous_object_creation_expression" {
            // C# `new { key = k, agent }`: `name = value` members and shorthand names
            let mut c = a.walk();
            let kids: Vec<Node<'t>> = a.children(&mut c).collect();
            let mut i = 0;
            while i < kids.len() {
                let k = kids[i];
                if k.is_named() && self.is_name(k) {
                    if kids.get(i + 1).is_some_and(|e| self.k(e) == "=")
                        && let Some(v) = kids.get(i + 2)
                    {
                        out.extend(self.param(self.text(k).trim(), k, *v, loc));
                        i += 3;
                        continue;
                    }
                    if let Some(name) = self.name_of(k) {
                        out.extend(self.param(&name, k, k, loc));
                    }
                }
                i += 1;
            }
            return;
        }
        if self.spec.maps.contains(&kind) || matches!(kind, "dictionary" | "object" | "hash" | "composite_literal") {
            let body = if kind == "composite_literal" { self.field(a, "body").unwrap_or(a) } else { a };
            let mut c = body.walk();
            let items: Vec<Node<'t>> = body.named_children(&mut c).collect();
            for e in items {
                self.collect(e, loc, in_option, out, depth + 1);
            }
        } else if kind.contains("array_creation") || matches!(kind, "array" | "list" | "collection_literal") {
            // `new[] { new KeyValuePair<string, string>("key", k), … }`, `List.of(…)` items
            let mut c = a.walk();
            let items: Vec<Node<'t>> = a.named_children(&mut c).collect();
            for e in items {
                self.collect(e, loc, in_option, out, depth + 1);
            }
        } else if self.spec.calls.contains(&kind) {
            // a builder chain (`fromHttpUrl(u).queryParam("key", k).toUriString()`)
            self.chain_setters(a, None, out);
            // C# `new Dictionary<…> { { "key", k } }`
            if let Some(init) = self.field(a, "initializer") {
                self.collect(init, loc, in_option, out, depth + 1);
            }
            let args = self.args(a);
            let f = self.fname(a).to_ascii_lowercase();
            if matches!(
                f.as_str(),
                "of" | "mapof"
                    | "hashmapof"
                    | "mutablemapof"
                    | "ofentries"
                    | "keyvaluepair"
                    | "basicnamevaluepair"
                    | "simpleentry"
                    | "entry"
                    | "pair"
            ) {
                // Map.of("key", k, …) / mapOf("key" to k)
                let mut i = 0;
                while i < args.len() {
                    let k = self.unwrap(args[i]);
                    if self.spec.binary.contains(&self.k(k)) {
                        if let (Some(l), Some(r)) = (first_named(k), last_named(k)) {
                            let name = self.eval(l, NAME_DEPTH).text();
                            out.extend(self.param(&name, k, r, loc));
                        }
                        i += 1;
                    } else if i + 1 < args.len() && self.spec.strings.contains(&self.k(k)) {
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
            && let Some(v) = self.lookup_node(a)
        {
            let v = self.unwrap(v);
            if v.id() != a.id() && !self.spec.strings.contains(&self.k(v)) {
                self.collect(v, loc, in_option, out, depth + 1);
            }
        }
    }

    /// `key=…` pairs of a URL-encoded form written as text (`"key=" + key + "&agent=" + a`),
    /// each at its `key=` when that is written in a literal.
    fn form_text(&self, a: Node<'t>, loc: ParamLocation, out: &mut Vec<Param>) {
        let t = self.eval(a, NAME_DEPTH);
        let text = t.text();
        if text.contains("://") || text.starts_with('/') || !text.contains('=') {
            return;
        }
        let mut at = 0;
        for part in text.split('&') {
            let start = at;
            at += part.len() + 1;
            let Some((name, value)) = part.split_once('=') else { continue };
            if !self.cfg.key_names.iter().any(|k| k.eq_ignore_ascii_case(name.trim())) {
                continue;
            }
            // the piece holding `key=`, and the value's piece
            let mut off = 0;
            let mut src = None;
            let mut vspan = None;
            let vstart = start + name.len() + 1;
            for p in &t.pieces {
                let (ps, pe) = (off, off + p.text.len());
                if src.is_none() && ps <= start && start < pe {
                    src = Some(if p.exact {
                        Span::new(p.src.start + (start - ps), p.src.start + (vstart - ps).min(p.text.len()))
                    } else {
                        p.src
                    });
                }
                if vspan.is_none() && ps <= vstart && vstart < pe {
                    vspan = Some(p.src);
                }
                off = pe;
            }
            let Some(src) = src else { continue };
            let vspan = vspan.unwrap_or(src);
            let value = if value.starts_with('{') {
                Value::Expr(value.trim_matches(['{', '}']).to_owned())
            } else {
                classify_value(value)
            };
            out.push(Param {
                name: name.trim().to_owned(),
                location: loc,
                value,
                span: Span::new(src.start, vspan.end.max(src.end)),
                value_span: vspan,
            });
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
            if self.spec.calls.contains(&self.k(x)) {
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
            let Some(call) = n.filter(|c| self.spec.calls.contains(&self.k(c))) else { break };
            self.setter_param(call, loc, out);
            let mut c = call.walk();
            let lambdas: Vec<Node<'t>> =
                call.named_children(&mut c).filter(|x| self.k(x) == "annotated_lambda").collect();
            for l in lambdas {
                for stmt in self.calls_in(l) {
                    // ktor `setBody(mapOf("key" to k))`: the body
                    if self.fname(stmt) == "setBody"
                        && let [b] = self.args(stmt).as_slice()
                    {
                        self.collect(*b, ParamLocation::Body, true, out, 1);
                        continue;
                    }
                    self.setter_param(stmt, loc, out);
                }
            }
            n = self.receiver(call).or_else(|| first_named(call).filter(|f| self.spec.calls.contains(&self.k(f))));
            if let Some(r) = n.filter(|r| !self.spec.calls.contains(&self.k(r))) {
                // `a.b().c()`: the receiver of `c` is the member `a.b()` in some grammars
                n = first_named(r).filter(|f| self.spec.calls.contains(&self.k(f)));
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
        if !self.spec.strings.contains(&self.k(k)) {
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
        } else if self.is_name(v) || !(self.spec.strings.contains(&self.k(v)) || self.spec.binary.contains(&self.k(v)))
        {
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
        // C# `{ "key", k }` in a collection initializer: from the name, not the brace
        let mut span = Self::span(entry);
        if self.spec.maps.contains(&self.k(entry))
            && let Some(k) = first_named(entry)
        {
            span = Span::new(k.start_byte(), v.end_byte().max(k.start_byte()));
        }
        Some(Param { name: name.to_owned(), location: loc, value, span, value_span })
    }

    // ---------------------------------------------------------------------------------------
    // expressions

    /// Whether this node builds a string from its children: a string (interpolation), a
    /// concatenation, parentheses, or a format / URL-builder call.
    fn builds_string(&self, n: Node<'_>) -> bool {
        let k = self.k(n);
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
            if self.spec.strings.contains(&self.k(x)) {
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

    /// The value a name is bound to in this file (none for a name that is not a variable).
    fn bound(&self, n: Node<'t>) -> Option<Node<'t>> {
        let n = self.unwrap(n);
        if !self.is_name(n) {
            return None;
        }
        self.lookup_node(n)
    }

    /// A format call whose format string is a constant (`String.format(CONTACTS, key, id)`,
    /// `CONTACTS.formatted(key, id)`, `string.Format(Template, key)`): it builds a URL of its
    /// own at the call, though no literal is written there.
    fn formats_constant(&self, mut call: Node<'t>) -> bool {
        // through `URI.create(…)`, `new Uri(…)`
        for _ in 0..3 {
            if !self.spec.calls.contains(&self.k(call)) {
                return false;
            }
            let f = self.fname(call).to_ascii_lowercase();
            if FORMAT_FNS.contains(&f.as_str()) {
                break;
            }
            match self.args(call).as_slice() {
                [one] if WRAP_FNS.contains(&f.as_str()) => call = self.unwrap(*one),
                _ => return false,
            }
        }
        if !FORMAT_FNS.contains(&self.fname(call).to_ascii_lowercase().as_str()) {
            return false;
        }
        let fmt = self.receiver(call).filter(|r| self.bound(*r).is_some()).or_else(|| self.args(call).first().copied());
        fmt.and_then(|f| self.bound(f)).is_some_and(|v| self.contains_string(v))
    }

    /// A concatenation of constants with no literal of its own (`voisoHost + cdrPath`): it
    /// builds a URL at this place, from text bound elsewhere.
    fn joins_constants(&self, n: Node<'t>) -> bool {
        self.spec.binary.contains(&self.k(n)) && self.concat_op(n).is_some_and(|op| CONCAT_OPS.contains(&op)) && {
            // every part a name bound to text (a computed part makes it a wrapper's `BASE + path`)
            let names = self.names_in(n);
            !names.is_empty() && names.into_iter().all(|x| self.bound(x).is_some_and(|v| self.contains_string(v)))
        }
    }

    fn is_builder(&self, call: Node<'_>) -> bool {
        let f = self.fname(call).to_ascii_lowercase();
        FORMAT_FNS.contains(&f.as_str())
            || (WRAP_FNS.contains(&f.as_str()) && !self.is_chain_setter(call))
            || f == "addquerystring"
            || f == "add_query_arg"
            || (f == "plus" && self.lang == Lang::Kotlin)
            || f == "uribuilder"
            || JOIN_FNS.contains(&f.as_str())
            || f == "jointostring"
            || (matches!(f.as_str(), "https" | "http") && self.text(call).starts_with("Uri"))
    }

    /// `Request.Builder().url(u)`, `newBuilder().uri(u)`: a setter on a builder chain takes the
    /// URL the request is sent to; it does not build one (the argument is the URL).
    fn is_chain_setter(&self, call: Node<'_>) -> bool {
        let recv = self.field(call, "object").or_else(|| {
            let callee = self.field(call, "function").or_else(|| first_named(call))?;
            (callee.id() != call.id() && callee.named_child_count() >= 2).then(|| first_named(callee)).flatten()
        });
        let mut c = call.walk();
        let list = self.field(call, "arguments").or_else(|| {
            call.named_children(&mut c).find(|n| matches!(self.k(n), "argument_list" | "arguments" | "value_arguments"))
        });
        // Spring `….get().uri("/x/{key}", key)`: a URI template and its variables
        let template = |l: Node<'_>| {
            PATH_SETTERS.contains(&self.fname(call).to_ascii_lowercase().as_str())
                && first_named(l).is_some_and(|a| {
                    self.spec.strings.contains(&self.k(a))
                        || first_named(a).is_some_and(|x| self.spec.strings.contains(&self.k(x)))
                })
        };
        recv.is_some_and(|r| self.spec.calls.contains(&self.k(r)))
            && list.is_some_and(|l| l.named_child_count() == 1 || template(l))
    }

    fn concat_op(&self, n: Node<'_>) -> Option<&'a str> {
        if let Some(op) = self.field(n, "operator") {
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
        let kind = self.k(n);
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
                    && self.k(head) == kind
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
            if op == "%" && self.spec.strings.contains(&self.k(self.unwrap(l))) {
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
        let Some(v) = self.lookup(&name, n.start_byte(), self.scope_of(n), self.ref_of(n)) else {
            return Template::hole(hole_name, span);
        };
        if v.start_byte() <= n.start_byte() && n.end_byte() <= v.end_byte() {
            return Template::hole(hole_name, span); // `url = url + "/x"`
        }
        let t = self.eval_binding(v, depth);
        // URL text of its own: a value that is only holes (`process.env.KEY`) stays a hole
        let s: String = t.pieces.iter().filter(|p| !p.hole).map(|p| p.text.as_str()).collect();
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
        if children.iter().any(|c| self.spec.strings.contains(&self.k(c))) || self.k(n) == "concatenation" {
            for ch in children {
                if !self.k(ch).contains("comment") {
                    out.push(self.eval(ch, depth + 1));
                }
            }
            return out;
        }
        let (cs, ce) = self.content_bounds(n);
        let mut last = cs;
        for ch in children {
            if self.spec.string_parts.contains(&self.k(ch)) || ch.start_byte() < cs || ch.end_byte() > ce {
                continue;
            }
            // PHP `"{$this->base}/…"`: the braces are the interpolation's, not text
            let b = self.code.as_bytes();
            let braced = self.lang == Lang::Php
                && ch.start_byte() > last
                && b.get(ch.start_byte() - 1) == Some(&b'{')
                && b.get(ch.end_byte()) == Some(&b'}')
                && ch.end_byte() < ce;
            let (from, to) =
                if braced { (ch.start_byte() - 1, ch.end_byte() + 1) } else { (ch.start_byte(), ch.end_byte()) };
            self.literal(&mut out, last, from, depth);
            let t = self.eval_interp(ch, depth + 1);
            // a computed value's hole spans the whole interpolation, braces included
            let t = match t.pieces.as_slice() {
                [one] if braced && one.hole => {
                    Template { pieces: vec![Piece { src: Span::new(from, to), ..one.clone() }] }
                }
                _ => t,
            };
            out.push(t);
            last = to;
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
        let Some(v) = self.lookup(name, at.start, self.scope_at(at), Ref::Bare).filter(|_| depth < MAX_DEPTH) else {
            return Template::hole(name, at);
        };
        let t = self.eval_binding(v, depth);
        let s: String = t.pieces.iter().filter(|p| !p.hole).map(|p| p.text.as_str()).collect();
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
        let inner = if self.spec.interpolations.contains(&self.k(n)) {
            let mut c = n.walk();
            let found = n.named_children(&mut c).find(|x| {
                let k = self.k(x);
                !(k.contains("brace") || k.contains("format") || k.contains("conversion") || k.contains("specifier"))
            });
            match found {
                Some(x) => x,
                None => return Template::hole(self.text(n).trim_start_matches('$'), span),
            }
        } else {
            n
        };
        let mut t = self.eval(inner, depth + 1);
        if t.pieces.len() == 1 && t.pieces[0].hole {
            let name = t.pieces[0].text.trim_start_matches('{').trim_end_matches('}').to_owned();
            return Template::hole(&name, span);
        }
        // a value from elsewhere (a constant's text) is shown at the interpolation; text written
        // inside it (`"$(printf '%s/%s/balance' …)"`, `f"{BASE + '/cdr'}"`) keeps its place
        for p in &mut t.pieces {
            if !(span.start <= p.src.start && p.src.end <= span.end) {
                p.src = span;
                p.exact = false;
            }
        }
        t
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
        let recv_string = recv.filter(|r| self.spec.strings.contains(&self.k(r)));
        if FORMAT_FNS.contains(&f.as_str()) {
            // shell `printf -v NAME FORMAT …`: the format comes after the option
            let args = if self.lang == Lang::Bash && args.first().is_some_and(|a| self.text(*a) == "-v") {
                args.get(2..).map(<[Node<'t>]>::to_vec).unwrap_or_default()
            } else {
                args
            };
            // `"…%s".format(k)`, `CONTACTS.formatted(k, id)`: the receiver is the format string
            let recv_fmt = recv_string.or_else(|| recv.filter(|r| self.bound(*r).is_some()));
            let (fmt, rest) = match recv_fmt {
                Some(r) => (self.eval(r, depth + 1), &args[..]),
                None if !args.is_empty() => (self.eval(self.unwrap(args[0]), depth + 1), &args[1..]),
                None => return Template::hole(self.text(call), span),
            };
            let (pos, named) = self.format_args(rest, depth);
            return substitute(&fmt, &pos, &named);
        }
        if let Some((sep, items)) = self.join_parts(&f, recv, recv_string, &args) {
            let sep = self.eval(sep, depth + 1);
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
        if f == "plus"
            && self.lang == Lang::Kotlin
            && let (Some(r), [arg]) = (recv, positional.as_slice())
        {
            // Kotlin `BASE.plus("/").plus(key)`
            let mut t = self.eval(r, depth + 1);
            t.push(self.eval(self.unwrap(*arg), depth + 1));
            return t;
        }
        if f == "add_query_arg"
            && let Some(url) = positional.last()
        {
            // WordPress `add_query_arg([…], $url)`: the URL; its query map is read by `inline_query`
            return self.eval(self.unwrap(*url), depth + 1);
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
                    if let Some(path) = rest.iter().find(|a| self.spec.strings.contains(&self.k(self.unwrap(**a)))) {
                        t = join(t, ev(*path));
                    }
                    t
                }
            };
            if let Some(init) = self.field(call, "initializer") {
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
    /// A list joined with a separator, in each language's spelling: `"/".join([a, b])`,
    /// `[a, b].join("/")`, `strings.Join([]string{a, b}, "/")`, `String.join("/", a, b)` /
    /// `string.Join("/", list)`, `listOf(a, b).joinToString("/")`: the separator and the items.
    fn join_parts(
        &self,
        f: &str,
        recv: Option<Node<'t>>,
        recv_string: Option<Node<'t>>,
        args: &[Node<'t>],
    ) -> Option<(Node<'t>, Vec<Node<'t>>)> {
        if f != "join" && f != "jointostring" {
            return None;
        }
        let is_str = |n: &Node<'t>| self.spec.strings.contains(&self.k(self.unwrap(*n)));
        let list = |n: Node<'t>| -> Option<Vec<Node<'t>>> {
            let n = self.unwrap(n);
            let items = match self.k(n) {
                "composite_literal" => self.field(n, "body").map(|b| self.items(b)).unwrap_or_default(),
                "implicit_array_creation_expression" | "array_creation_expression" => {
                    let mut c = n.walk();
                    let init = n.named_children(&mut c).find(|x| self.k(x) == "initializer_expression");
                    init.map(|i| self.items(i)).unwrap_or_default()
                }
                k if self.spec.calls.contains(&k)
                    && matches!(
                        self.fname(n).to_ascii_lowercase().as_str(),
                        "listof" | "arrayof" | "mutablelistof" | "of" | "aslist"
                    ) =>
                {
                    self.args(n)
                }
                _ => {
                    let items = self.items(n);
                    if items.len() == 1 && items[0].id() == n.id() {
                        return None;
                    }
                    items
                }
            };
            (!items.is_empty()).then_some(items)
        };
        // Python: the separator is the receiver
        if let (Some(sep), [l]) = (recv_string, args) {
            return Some((sep, list(*l).unwrap_or_else(|| vec![*l])));
        }
        // JS/TS/Ruby/Kotlin: the list is the receiver
        if let (Some(r), [sep]) = (recv, args)
            && is_str(sep)
            && let Some(items) = list(r)
        {
            return Some((self.unwrap(*sep), items));
        }
        // Go: strings.Join(list, sep)
        if let [l, sep] = args
            && is_str(sep)
            && let Some(items) = list(*l)
        {
            return Some((self.unwrap(*sep), items));
        }
        // Java/C#: String.join(sep, a, b, …) or String.join(sep, list)
        if let [sep, rest @ ..] = args
            && is_str(sep)
            && !rest.is_empty()
            && recv.is_some_and(|r| self.text(r).eq_ignore_ascii_case("string"))
        {
            let items = match rest {
                [one] => list(*one).unwrap_or_else(|| vec![*one]),
                many => many.to_vec(),
            };
            return Some((self.unwrap(*sep), items));
        }
        None
    }

    fn items(&self, n: Node<'t>) -> Vec<Node<'t>> {
        if matches!(self.k(n), "tuple" | "list" | "array" | "array_creation_expression" | "expression_list") {
            let mut c = n.walk();
            return n.named_children(&mut c).filter(|x| !self.k(x).contains("comment")).collect();
        }
        if self.spec.maps.contains(&self.k(n)) {
            let mut c = n.walk();
            return n.named_children(&mut c).collect();
        }
        vec![n]
    }
}

/// A node, or a reference to one (iterator closures hand out references).
trait AsNode<'n> {
    fn node(self) -> Node<'n>;
}

impl<'n> AsNode<'n> for Node<'n> {
    fn node(self) -> Node<'n> {
        self
    }
}

impl<'n> AsNode<'n> for &Node<'n> {
    fn node(self) -> Node<'n> {
        *self
    }
}

impl<'n> AsNode<'n> for &&Node<'n> {
    fn node(self) -> Node<'n> {
        **self
    }
}

/// The node kinds of a language's grammar by id, built once per process (the names are leaked:
/// a few hundred short strings per language).
fn kind_table(lang: Lang) -> &'static [&'static str] {
    // one table per language: `Lang::Rust` is the last variant
    const LANGS: usize = Lang::Rust as usize + 1;
    static TABLES: [std::sync::OnceLock<Vec<&'static str>>; LANGS] = [const { std::sync::OnceLock::new() }; LANGS];
    TABLES[lang as usize].get_or_init(|| {
        let Some(g) = lang.grammar() else { return Vec::new() };
        (0..g.node_kind_count())
            .map(|i| {
                let name = u16::try_from(i).ok().and_then(|i| g.node_kind_for_id(i)).unwrap_or("");
                &*Box::leak(name.to_owned().into_boxed_str())
            })
            .collect()
    })
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

/// A TS parameter with an accessibility modifier (`private base = …`): a property.
fn promoted(node: Node<'_>) -> bool {
    let mut c = node.walk();
    node.named_children(&mut c).any(|x| matches!(x.kind(), "accessibility_modifier" | "readonly" | "override_modifier"))
}

/// A Go type's name: `*Client` → `Client`, `pkg.Client[T]` → `Client`.
fn go_type_name(text: &str) -> String {
    let t = text.trim().trim_start_matches(['*', '&']);
    let t = t.split('[').next().unwrap_or(t);
    t.rsplit('.').next().unwrap_or(t).trim().to_owned()
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

/// A client's base URL and a relative path, joined as the client does ([`BaseJoin`]).
fn join_base(base: Template, path: Template, how: BaseJoin) -> Template {
    if how == BaseJoin::Concat {
        return join(base, path);
    }
    let mut base = base;
    let b = base.text();
    let origin_end = b.find("://").map_or(0, |i| b[i + 3..].find('/').map_or(b.len(), |j| i + 3 + j));
    if how == BaseJoin::DirRfc3986 && !b.ends_with('/') {
        let at = base.pieces.last().map_or(Span::default(), |x| Span::new(x.src.end, x.src.end));
        let mut slash = Template::literal("/", at);
        slash.pieces[0].exact = false;
        base.push(slash);
    }
    let b = base.text();
    let keep = if path.text().starts_with('/') {
        origin_end // an absolute path replaces the base's
    } else {
        // a relative one replaces the base's last segment
        b.rfind('/').filter(|i| *i >= origin_end).map_or(b.len(), |i| i + 1)
    };
    let mut cut = truncate(base, keep);
    if !path.text().starts_with('/') && !cut.text().ends_with('/') {
        let at = cut.pieces.last().map_or(Span::default(), |x| Span::new(x.src.end, x.src.end));
        let mut slash = Template::literal("/", at);
        slash.pieces[0].exact = false;
        cut.push(slash);
    }
    cut.push(path);
    cut
}

/// The first `len` bytes of a template's text (a hole is kept whole or dropped).
fn truncate(t: Template, len: usize) -> Template {
    let mut out = Template::default();
    let mut n = 0;
    for mut p in t.pieces {
        if n >= len {
            break;
        }
        let room = len - n;
        if p.text.len() > room {
            if p.hole || !p.text.is_char_boundary(room) {
                break;
            }
            p.text.truncate(room);
            if p.exact {
                p.src.end = p.src.start + room;
            }
        }
        n += p.text.len();
        out.pieces.push(p);
    }
    out
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
    use super::*;

    fn lit(s: &str) -> Template {
        Template::literal(s, Span::new(0, s.len()))
    }

    #[test]
    fn base_urls_join_as_each_client_does() {
        let j = |b: &str, p: &str, how| join_base(lit(b), lit(p), how).text();
        let v2 = "https://cc.voiso.com/api/v2";
        // httpx, axios, HTTParty: one slash between
        assert_eq!(j(v2, "/cdr/teams", BaseJoin::Concat), "https://cc.voiso.com/api/v2/cdr/teams");
        assert_eq!(j(&format!("{v2}/"), "cdr", BaseJoin::Concat), "https://cc.voiso.com/api/v2/cdr");
        // Guzzle, HttpClient.BaseAddress: RFC 3986
        assert_eq!(j(&format!("{v2}/"), "cdr", BaseJoin::Rfc3986), "https://cc.voiso.com/api/v2/cdr");
        assert_eq!(j(v2, "cdr", BaseJoin::Rfc3986), "https://cc.voiso.com/api/cdr");
        assert_eq!(j(&format!("{v2}/"), "/cdr", BaseJoin::Rfc3986), "https://cc.voiso.com/cdr");
        assert_eq!(j("https://cc.voiso.com", "api/v2/cdr", BaseJoin::Rfc3986), "https://cc.voiso.com/api/v2/cdr");
        // Faraday: a slash on the base's path first
        assert_eq!(j(v2, "cdr", BaseJoin::DirRfc3986), "https://cc.voiso.com/api/v2/cdr");
        assert_eq!(j(v2, "/cdr", BaseJoin::DirRfc3986), "https://cc.voiso.com/cdr");
    }

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
