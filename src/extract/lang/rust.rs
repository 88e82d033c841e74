//! Rust sources, parsed with syn (proc-macro2 `span-locations` gives every token its byte range).
//!
//! The same semantics as the tree-sitter evaluator ([`super::eval`]), on syn's tree: every
//! string-building expression that no larger one contains (a literal, `+` concatenation,
//! `format!`, `concat!`) is a root, evaluated into a [`Template`]; identifiers resolve to
//! same-file `const`/`static` items and `let` bindings (the last `let` before the use in the
//! same function, else a unique item-level constant) when their value is URL text, otherwise
//! they stay `{name}` holes. URL templates become candidates, with the method and parameters of
//! the HTTP call that uses them, directly or through a variable: `client.get(url)`,
//! `reqwest::get(url)`, `client.request(Method::PUT, url)`, then `.query(&[("key", k)])`,
//! `.form(…)`, `.json(&json!({…}))`, `.header(…)` and `.bearer_auth(k)` along the builder chain.
//!
//! Macro bodies are raw tokens to syn: format-like macros are parsed as comma-separated
//! expressions (`format!("{BASE}/{key}")` inline names included), `json!` objects by hand, and
//! any other body that is not a list of expressions is walked for string literals.
//!
//! proc-macro2 keeps a thread-local map of every source parsed on the thread; it is emptied
//! before and after each file (memory, and 32-bit offsets), and byte ranges are relative to
//! the file they belong to.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr, Lit, LitStr, Macro, Member, Pat, Token};

use super::{Lang, LangOut, ParseFailure};
use crate::catalog::Method;
use crate::extract::template::{Template, hole_text, substitute};
use crate::extract::url::classify_value;
use crate::extract::{ExtractConfig, Param, ParamLocation, Value};
use crate::source::Span;

/// How deep expressions and constant references are followed.
const MAX_DEPTH: u8 = 24;
/// How many arguments of a call are looked at for its URL.
const URL_ARGS: usize = 3;
/// Macros that build a string from a format string and arguments.
const FORMAT_MACROS: &[&str] = &["format", "format_args", "formatcp", "const_format"];
/// Macros that concatenate their arguments.
const CONCAT_MACROS: &[&str] = &["concat", "concatcp", "const_str_concat"];
/// Methods that return their receiver's text (`.to_string()`, `.as_str()`).
const WRAP_METHODS: &[&str] =
    &["to_string", "to_owned", "into", "as_str", "as_ref", "clone", "borrow", "deref", "to_str", "as_string"];
/// Functions that return their one argument as a string or URL (`String::from`, `Url::parse`).
const WRAP_FNS: &[&str] = &["from", "parse", "from_str", "from_static", "try_from", "owned", "borrowed", "new"];

/// Macros whose text arguments are documentation, not URLs sent: printing, logging, panics,
/// assertions and error messages (`assert!(ok, "GET /api/v2/cdr?key= is gone")`). Their other
/// arguments are code (`assert!(client.get(u).send().is_ok())`).
const DOC_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "assert_matches",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "log",
    "event",
    "bail",
    "ensure",
    "anyhow",
];
/// Methods whose text arguments are messages (`.expect("…")`, anyhow's `.context("…")`).
const DOC_METHODS: &[&str] = &["expect", "expect_err", "context", "wrap_err"];

/// Extract the candidates of Rust code. Spans are byte offsets into `code`.
///
/// # Errors
/// When the code does not parse (the line is the first syntax error's).
pub fn extract(code: &str, cfg: &ExtractConfig) -> Result<LangOut, ParseFailure> {
    // the source map holds every file parsed on this thread until invalidated
    proc_macro2::extra::invalidate_current_thread_spans();
    let out = extract_inner(code, cfg);
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

fn fail(line: usize) -> ParseFailure {
    ParseFailure { lang: Lang::Rust, line: line.max(1), timed_out: false, too_nested: false }
}

/// Bytes skipped before the tokens, as `syn::parse_file` does: a BOM, and a `#!` line that is
/// not an inner attribute (its newline stays, so line numbers agree).
fn skipped_prefix(code: &str) -> usize {
    let mut off = 0;
    if code.starts_with('\u{feff}') {
        off = '\u{feff}'.len_utf8();
    }
    let rest = &code[off..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        off += rest.find('\n').unwrap_or(rest.len());
    }
    off
}

fn extract_inner(code: &str, cfg: &ExtractConfig) -> Result<LangOut, ParseFailure> {
    let off = skipped_prefix(code);
    let src = &code[off..];
    let tokens: TokenStream = src.parse().map_err(|e: proc_macro2::LexError| fail(e.span().start().line))?;
    // syn's parser, its tree's drop and the visitors recurse on nesting: a file nested deeper
    // than any hand-written code is left to the generic extractor rather than risk the stack
    if let Some(at) = too_complex(&tokens) {
        return Err(ParseFailure { too_nested: true, ..fail(at.start().line) });
    }
    let file: syn::File = syn::parse2(tokens.clone()).map_err(|e| fail(e.span().start().line))?;

    let mut walker = Walker { off, ..Walker::default() };
    walker.comments = comment_spans(code, off, tokens);
    walker.visit_file(&file);
    let Walker { bindings, roots, calls, mut comments, mut declarations, impls, members, scope_spans, .. } = walker;
    let ev = Eval { code, off, cfg, bindings, impls, members, memo: RefCell::new(HashMap::new()) };

    // which calls use which expression as their URL (directly or through a variable)
    let mut links: HashMap<Span, Vec<usize>> = HashMap::new();
    for (i, call) in calls.iter().enumerate() {
        for arg in call.args.iter().take(URL_ARGS) {
            if let Some(target) = ev.target(arg, call.scope, 0) {
                links.entry(ev.span(target)).or_default().push(i);
            }
        }
    }

    let mut out = LangOut::default();
    let mut seen: HashSet<Span> = HashSet::new();
    let mut emitted: HashSet<(Span, Option<Method>)> = HashSet::new();
    for (root, scope) in &roots {
        let whole = ev.span(root);
        if !seen.insert(whole) {
            continue;
        }
        let t = ev.eval(root, *scope, 0);
        if t.is_empty() || !t.is_url(&cfg.path_anchors) {
            continue;
        }
        out.covered.push(whole);
        let span = ev.candidate_span(root, whole, &t);
        let users: Vec<(&Call, Option<Method>)> = links
            .get(&whole)
            .map(|v| v.iter().map(|&i| (&calls[i], method_of(&calls[i], code, off))).collect())
            .unwrap_or_default();
        // a call that names a method is the HTTP call; others (logging, wrappers) are not
        let with_method = users.iter().any(|(_, m)| m.is_some());
        let users: Vec<_> = users.into_iter().filter(|(_, m)| m.is_some() || !with_method).collect();
        if users.is_empty() {
            out.candidates.push(t.into_candidate(span, None, Vec::new()));
            continue;
        }
        for (call, method) in users {
            if emitted.insert((span, method)) {
                let params = ev.params_of(call);
                out.candidates.push(t.clone().into_candidate(span, method, params));
            }
        }
    }
    comments.sort_unstable();
    comments.dedup();
    out.comments = comments;
    out.covered.sort_unstable();
    declarations.sort_unstable();
    out.declarations = declarations;
    out.scopes = scope_spans;
    Ok(out)
}

/// How deep an expression may be, counted in tokens: each group entered costs [`GROUP_COST`],
/// and each token since the last `,` or `;` in a group one (a chain `a + b + …` nests).
const MAX_COMPLEXITY: usize = 600;
const GROUP_COST: usize = 8;

/// Where the token stream nests deeper than [`MAX_COMPLEXITY`] (walked without recursion).
/// Tokens weighted by their nesting depth, at most (a 100 KB hand-written file is about 10^5).
const MAX_WEIGHTED_TOKENS: usize = 3_000_000;

fn too_complex(tokens: &TokenStream) -> Option<proc_macro2::Span> {
    // (tokens of the group, cost of the group's position, tokens since the last separator)
    let mut stack = vec![(tokens.clone().into_iter(), 0usize, 0usize)];
    // each token weighs its nesting depth: the extractor's work and memory grow with the size
    // of every enclosing expression, so a large file of deeply nested code is refused whole
    let mut weighted = 0usize;
    loop {
        let depth = stack.len();
        let Some((iter, base, run)) = stack.last_mut() else { break };
        let Some(tt) = iter.next() else {
            stack.pop();
            continue;
        };
        weighted += depth;
        if weighted > MAX_WEIGHTED_TOKENS {
            return Some(tt.span());
        }
        *run += 1;
        let cost = *base + *run;
        if cost > MAX_COMPLEXITY {
            return Some(tt.span());
        }
        match tt {
            // `#` starts an attribute (a doc comment is `#[doc = "…"]`): a run of them is no
            // expression
            TokenTree::Punct(p) if matches!(p.as_char(), ',' | ';' | '#') => *run = 0,
            TokenTree::Group(g) => {
                let brace = g.delimiter() == proc_macro2::Delimiter::Brace;
                stack.push((g.stream().into_iter(), cost + GROUP_COST, 0));
                // a `{ … }` ends an item or a block statement: the items of a module or an impl
                // follow one another without separators
                if brace && let Some(parent) = stack.len().checked_sub(2).and_then(|i| stack.get_mut(i)) {
                    parent.2 = 0;
                }
            }
            _ => {}
        }
    }
    None
}

/// Comments: the text between tokens that is not whitespace, and doc comments (which the lexer
/// turns into `#[doc = "…"]` tokens spanning the comment).
fn comment_spans(code: &str, off: usize, tokens: TokenStream) -> Vec<Span> {
    fn flatten(ts: TokenStream, out: &mut Vec<std::ops::Range<usize>>) {
        for tt in ts {
            match tt {
                TokenTree::Group(g) => {
                    out.push(g.span_open().byte_range());
                    flatten(g.stream(), out);
                    out.push(g.span_close().byte_range());
                }
                other => out.push(other.span().byte_range()),
            }
        }
    }
    let mut ranges = Vec::new();
    flatten(tokens, &mut ranges);
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    let mut out = Vec::new();
    let mut last = off;
    for r in ranges {
        let (s, e) = (r.start + off, r.end + off);
        if let Some(text) = code.get(s..e)
            && (text.starts_with("//") || text.starts_with("/*"))
        {
            out.push(Span::new(s, e));
        }
        if s > last
            && let Some(gap) = code.get(last..s)
        {
            let lead = gap.len() - gap.trim_start().len();
            let trail = gap.len() - gap.trim_end().len();
            if lead + trail < gap.len() {
                out.push(Span::new(last + lead, s - trail));
            }
        }
        last = last.max(e);
    }
    if let Some(gap) = code.get(last..) {
        let lead = gap.len() - gap.trim_start().len();
        let trail = gap.len() - gap.trim_end().len();
        if lead + trail < gap.len() {
            out.push(Span::new(last + lead, code.len() - trail));
        }
    }
    out
}

// -------------------------------------------------------------------------------------------
// the walk: bindings, roots and calls

struct Binding {
    value: Expr,
    scope: usize,
    start: usize,
}

/// A call and the method calls chained after it (`client.get(u)` then `.query(…)`, `.send()`).
struct Call {
    /// The method's or function's name (`get`, `request`; `reqwest::get` → `get`).
    name: String,
    args: Vec<Expr>,
    /// Later calls in the same chain: name, arguments, span from the name to the end.
    rest: Vec<(String, Vec<Expr>, proc_macro2::Span)>,
    scope: usize,
}

#[derive(Default)]
struct Walker {
    off: usize,
    bindings: HashMap<String, Vec<Binding>>,
    roots: Vec<(Expr, usize)>,
    calls: Vec<Call>,
    comments: Vec<Span>,
    declarations: Vec<Span>,
    /// Function bodies and closures.
    scope_spans: Vec<Span>,
    /// Whether the expression being visited continues an enclosing string-building one.
    in_expr: bool,
    /// Function bodies around the node being visited (ids; 0 is the file level).
    fns: Vec<usize>,
    next_fn: usize,
    /// Method calls already recorded as part of an enclosing chain.
    chained: HashSet<(usize, usize)>,
    /// `impl` blocks: (start, end, self type), in file offsets.
    impls: Vec<(usize, usize, String)>,
    /// Struct literal fields (`Self { base_url: … }`) by (type, field).
    members: HashMap<(String, String), Vec<Binding>>,
}

impl Walker {
    fn pspan(&self, s: proc_macro2::Span) -> Span {
        let r = s.byte_range();
        Span::new(r.start + self.off, r.end + self.off)
    }

    /// A signature or type definition: `key: Type` there is not a key sent.
    fn declare<T: Spanned>(&mut self, t: &T) {
        let s = self.pspan(t.span());
        self.declarations.push(s);
    }

    fn scope(&self) -> usize {
        self.fns.last().copied().unwrap_or(0)
    }

    fn bind(&mut self, name: String, value: &Expr, start: usize, scope: usize) {
        self.bindings.entry(name).or_default().push(Binding { value: value.clone(), scope, start });
    }

    fn in_fn(&mut self, f: impl FnOnce(&mut Self)) {
        self.next_fn += 1;
        self.fns.push(self.next_fn);
        let saved = std::mem::replace(&mut self.in_expr, false);
        f(self);
        self.in_expr = saved;
        self.fns.pop();
    }

    /// Record a call chain from its outermost call: `a.get(u).query(q).send()` gives `get` with
    /// `query`, `send` after it (and `query` with `send`, …).
    fn record_chain(&mut self, e: &Expr) {
        let key = range_key(e);
        if self.chained.contains(&key) {
            return;
        }
        let mut segs: Vec<&Expr> = Vec::new();
        let mut cur = e;
        for _ in 0..64 {
            match cur {
                Expr::MethodCall(m) => {
                    segs.push(cur);
                    cur = &m.receiver;
                }
                Expr::Call(_) => {
                    segs.push(cur);
                    break;
                }
                Expr::Await(a) => cur = &a.base,
                Expr::Try(t) => cur = &t.expr,
                Expr::Paren(p) => cur = &p.expr,
                _ => break,
            }
        }
        segs.reverse();
        let parts: Vec<(String, Vec<Expr>, proc_macro2::Span)> = segs
            .iter()
            .map(|s| match s {
                Expr::MethodCall(m) => {
                    let span = m.method.span().join(m.paren_token.span.close()).unwrap_or_else(|| m.method.span());
                    (m.method.to_string(), m.args.iter().cloned().collect(), span)
                }
                Expr::Call(c) => (callee_name(&c.func), c.args.iter().cloned().collect(), c.span()),
                _ => (String::new(), Vec::new(), s.span()),
            })
            .collect();
        for (i, s) in segs.iter().enumerate() {
            self.chained.insert(range_key(s));
            let (name, args, _) = parts[i].clone();
            self.calls.push(Call { name, args, rest: parts[i + 1..].to_vec(), scope: self.scope() });
        }
    }

    /// A macro's body: comma-separated expressions (format-like macros, `vec!`, `assert_eq!`),
    /// or, failing that, its string literals one by one.
    fn visit_tokens(&mut self, m: &Macro) {
        let name = macro_name(m);
        if DOC_MACROS.contains(&name.as_str()) {
            // text arguments are documentation; other arguments are code
            match m.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                Ok(args) => {
                    for a in &args {
                        if is_text(a) {
                            self.comments.push(self.pspan(a.span()));
                        } else {
                            self.visit_expr(a);
                        }
                    }
                }
                Err(_) => self.comments.push(self.pspan(m.tokens.span())),
            }
            return;
        }
        if name != "json"
            && let Ok(args) = m.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        {
            for a in &args {
                self.visit_expr(a);
            }
            return;
        }
        let mut todo = vec![m.tokens.clone()];
        while let Some(ts) = todo.pop() {
            for tt in ts {
                match tt {
                    TokenTree::Group(g) => todo.push(g.stream()),
                    TokenTree::Literal(l) => {
                        if let Lit::Str(s) = Lit::new(l)
                            && !self.in_expr
                        {
                            let e = Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: Lit::Str(s) });
                            self.roots.push((e, self.scope()));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

fn range_key<T: Spanned>(t: &T) -> (usize, usize) {
    let r = t.span().byte_range();
    (r.start, r.end)
}

fn macro_name(m: &Macro) -> String {
    m.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default()
}

fn callee_name(f: &Expr) -> String {
    match f {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        Expr::Paren(p) => callee_name(&p.expr),
        _ => String::new(),
    }
}

/// Whether an expression builds a string from its parts (its children continue it).
fn builds(e: &Expr) -> bool {
    match e {
        Expr::Lit(l) => matches!(l.lit, Lit::Str(_)),
        Expr::Binary(b) => matches!(b.op, BinOp::Add(_)),
        Expr::Macro(m) => {
            let n = macro_name(&m.mac);
            FORMAT_MACROS.contains(&n.as_str()) || CONCAT_MACROS.contains(&n.as_str())
        }
        _ => false,
    }
}

/// A string literal or an expression building one (`format!`, `concat!`, `+`).
fn is_text(e: &Expr) -> bool {
    builds(e) && has_str(e, 0)
}

/// Whether a child of `e` continues the expression `e` continues.
fn transparent(e: &Expr) -> bool {
    match e {
        Expr::Paren(_) | Expr::Group(_) | Expr::Reference(_) | Expr::Assign(_) => true,
        Expr::MethodCall(m) => m.args.is_empty() && WRAP_METHODS.contains(&m.method.to_string().as_str()),
        Expr::Call(c) => c.args.len() == 1 && WRAP_FNS.contains(&callee_name(&c.func).to_ascii_lowercase().as_str()),
        _ => false,
    }
}

/// Whether a string literal is among the parts of `e` (bounded).
fn has_str(e: &Expr, depth: u8) -> bool {
    if depth > 8 {
        return false;
    }
    match e {
        Expr::Lit(l) => matches!(l.lit, Lit::Str(_)),
        Expr::Macro(_) => true,
        Expr::Binary(b) => has_str(&b.left, depth + 1) || has_str(&b.right, depth + 1),
        Expr::Paren(p) => has_str(&p.expr, depth + 1),
        Expr::Reference(r) => has_str(&r.expr, depth + 1),
        Expr::MethodCall(m) => has_str(&m.receiver, depth + 1),
        Expr::Call(c) => c.args.iter().take(2).any(|a| has_str(a, depth + 1)),
        _ => false,
    }
}

/// `self`.
fn is_self(e: &Expr) -> bool {
    matches!(e, Expr::Path(p) if p.path.is_ident("self"))
}

/// The name of a type: `VoisoClient`, `crate::a::Client<T>` → `Client`.
fn type_name(t: &syn::Type) -> String {
    match t {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Paren(p) => type_name(&p.elem),
        syn::Type::Group(g) => type_name(&g.elem),
        _ => String::new(),
    }
}

fn pat_name(p: &Pat) -> Option<String> {
    match p {
        Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
        Pat::Type(t) => pat_name(&t.pat),
        _ => None,
    }
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        // `///` and `#[doc = "…"]` are documentation; other attributes are not calls either
        if a.path().is_ident("doc") {
            let s = self.pspan(a.span());
            self.comments.push(s);
        }
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        self.declare(&i.sig);
        self.scope_spans.push(self.pspan(i.block.span()));
        self.in_fn(|w| visit::visit_item_fn(w, i));
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        self.declare(&i.sig);
        self.scope_spans.push(self.pspan(i.block.span()));
        self.in_fn(|w| visit::visit_impl_item_fn(w, i));
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        self.declare(&i.sig);
        self.in_fn(|w| visit::visit_trait_item_fn(w, i));
    }

    fn visit_foreign_item_fn(&mut self, i: &'ast syn::ForeignItemFn) {
        self.declare(&i.sig);
    }

    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.declare(i);
    }

    fn visit_item_enum(&mut self, i: &'ast syn::ItemEnum) {
        self.declare(i);
    }

    fn visit_item_union(&mut self, i: &'ast syn::ItemUnion) {
        self.declare(i);
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        self.scope_spans.push(self.pspan(c.body.span()));
        if let Some(s) = c.inputs_begin.span.join(c.inputs_end.span) {
            self.declarations.push(self.pspan(s));
        }
        visit::visit_expr_closure(self, c);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = type_name(&i.self_ty);
        let s = self.pspan(i.span());
        self.impls.push((s.start, s.end, ty));
        visit::visit_item_impl(self, i);
    }

    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        // `Self { base_url: BASE.to_string(), … }` in `new()`: a member of the type, read by
        // `self.base_url` in its methods
        let start = self.pspan(e.span()).start;
        let ty = match e.path.segments.last() {
            Some(seg) if seg.ident == "Self" => {
                self.impls.iter().rev().find(|(s, en, _)| *s <= start && start < *en).map(|x| x.2.clone())
            }
            Some(seg) => Some(seg.ident.to_string()),
            None => None,
        };
        if let Some(ty) = ty {
            for f in &e.fields {
                if let Member::Named(n) = &f.member {
                    let b = Binding { value: f.expr.clone(), scope: self.scope(), start };
                    self.members.entry((ty.clone(), n.to_string())).or_default().push(b);
                }
            }
        }
        visit::visit_expr_struct(self, e);
    }

    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        let start = i.span().byte_range().start;
        self.bind(i.ident.to_string(), &i.expr, start, self.scope());
        visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        let start = i.span().byte_range().start;
        self.bind(i.ident.to_string(), &i.expr, start, self.scope());
        visit::visit_item_static(self, i);
    }

    fn visit_impl_item_const(&mut self, i: &'ast syn::ImplItemConst) {
        let start = i.span().byte_range().start;
        self.bind(i.ident.to_string(), &i.expr, start, self.scope());
        visit::visit_impl_item_const(self, i);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (Some(name), Some(init)) = (pat_name(&l.pat), &l.init) {
            let start = l.span().byte_range().start;
            self.bind(name, &init.expr, start, self.scope());
        }
        visit::visit_local(self, l);
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        if matches!(e, Expr::MethodCall(_) | Expr::Call(_)) {
            self.record_chain(e);
        }
        if let Expr::MethodCall(m) = e
            && DOC_METHODS.contains(&m.method.to_string().as_str())
            && m.args.iter().all(is_text)
        {
            // `.expect("GET /api/v1/{key}/balance failed")`: a message
            for a in &m.args {
                self.comments.push(self.pspan(a.span()));
            }
            self.visit_expr(&m.receiver);
            return;
        }
        let b = builds(e);
        if b && !self.in_expr && has_str(e, 0) {
            self.roots.push((e.clone(), self.scope()));
        }
        let saved = self.in_expr;
        self.in_expr = b || (saved && transparent(e));
        visit::visit_expr(self, e);
        self.in_expr = saved;
    }

    fn visit_macro(&mut self, m: &'ast Macro) {
        self.visit_tokens(m);
    }
}

// -------------------------------------------------------------------------------------------
// evaluation

struct Eval<'a> {
    code: &'a str,
    off: usize,
    cfg: &'a ExtractConfig,
    bindings: HashMap<String, Vec<Binding>>,
    impls: Vec<(usize, usize, String)>,
    members: HashMap<(String, String), Vec<Binding>>,
    /// Templates of bindings already evaluated (by the value's range).
    memo: RefCell<HashMap<(usize, usize), Template>>,
}

impl Eval<'_> {
    fn pspan(&self, s: proc_macro2::Span) -> Span {
        let r = s.byte_range();
        Span::new(r.start + self.off, r.end + self.off)
    }

    fn span<T: Spanned>(&self, t: &T) -> Span {
        self.pspan(t.span())
    }

    fn text(&self, s: Span) -> &str {
        self.code.get(s.range()).unwrap_or("")
    }

    /// The value bound to `name` as seen at byte `at` in function `scope`: the last `let`
    /// before it in that function, else the single item-level one.
    fn lookup(&self, name: &str, at: usize, scope: usize) -> Option<&Binding> {
        let all = self.bindings.get(name)?;
        if scope != 0
            && let Some(b) = all.iter().filter(|b| b.scope == scope && b.start < at).max_by_key(|b| b.start)
        {
            return Some(b);
        }
        let mut top = all.iter().filter(|b| b.scope == 0);
        match (top.next(), top.next()) {
            (Some(b), None) => Some(b),
            _ => None,
        }
    }

    /// The candidate's span for a root: from the text, not the quotes or the macro name, when
    /// the template starts (ends) with text copied from the file there.
    fn candidate_span(&self, root: &Expr, whole: Span, t: &Template) -> Span {
        if let Expr::Lit(_) = root
            && let [one] = t.pieces.as_slice()
            && one.exact
        {
            return one.src;
        }
        let mut span = whole;
        let lead_ok = |from: usize, to: usize| {
            to >= from
                && to - from <= 64
                && self.text(Span::new(from, to)).chars().all(|c| {
                    c.is_alphanumeric() || c.is_whitespace() || matches!(c, '_' | '!' | '(' | '[' | '{' | '"' | '#')
                })
        };
        // the first piece may be a name written inside the format string (`{BASE}`): the
        // candidate then starts there too, as it would at literal text
        if let Some(f) = t.pieces.first().filter(|p| p.src.start >= span.start && p.src.end <= span.end)
            && lead_ok(span.start, f.src.start)
        {
            span.start = f.src.start;
        }
        if let Some(l) = t.pieces.last().filter(|p| p.exact && p.src.end <= span.end && p.src.end >= span.start)
            && span.end - l.src.end <= 4
            && self.text(Span::new(l.src.end, span.end)).chars().all(|c| matches!(c, '"' | '#' | ')' | ']' | '}'))
        {
            span.end = l.src.end;
        }
        span
    }

    /// The expression an argument stands for: itself, or (through references, `.as_str()`,
    /// `Url::parse(…)?` and variables) the expression that built it.
    fn target<'e>(&'e self, arg: &'e Expr, scope: usize, depth: u8) -> Option<&'e Expr> {
        if depth > 8 {
            return None;
        }
        match arg {
            Expr::Reference(r) => self.target(&r.expr, scope, depth + 1),
            Expr::Paren(p) => self.target(&p.expr, scope, depth + 1),
            Expr::Group(g) => self.target(&g.expr, scope, depth + 1),
            Expr::Try(t) => self.target(&t.expr, scope, depth + 1),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.target(&u.expr, scope, depth + 1),
            Expr::MethodCall(m) if m.args.is_empty() && WRAP_METHODS.contains(&m.method.to_string().as_str()) => {
                self.target(&m.receiver, scope, depth + 1)
            }
            Expr::Call(c)
                if c.args.len() == 1 && WRAP_FNS.contains(&callee_name(&c.func).to_ascii_lowercase().as_str()) =>
            {
                self.target(&c.args[0], scope, depth + 1)
            }
            // `Url::parse_with_params(&format!(…), &[("key", k)])`: the URL is the first argument
            Expr::Call(c) if c.args.len() == 2 && callee_name(&c.func) == "parse_with_params" => {
                self.target(&c.args[0], scope, depth + 1)
            }
            // `Url::parse(ORIGIN)?.join(&format!("/api/v1/{}/…", key))?`: the path joined on
            Expr::MethodCall(m) if m.method == "join" && m.args.len() == 1 => self.target(&m.args[0], scope, depth + 1),
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                let at = self.span(arg).start;
                match self.lookup(&name, at, scope) {
                    Some(b) if !contains(self.span(&b.value), self.span(arg)) => {
                        self.target(&b.value, b.scope, depth + 1)
                    }
                    _ => Some(arg),
                }
            }
            _ => Some(arg),
        }
    }

    /// Evaluate an expression into a template.
    fn eval(&self, e: &Expr, scope: usize, depth: u8) -> Template {
        let span = self.span(e);
        if depth >= MAX_DEPTH {
            return Template::hole(self.text(span), span);
        }
        match e {
            Expr::Lit(l) => match &l.lit {
                Lit::Str(s) => self.lit_str(s),
                Lit::Int(_) | Lit::Float(_) => Template::literal(self.text(span), span),
                _ => Template::hole(self.text(span), span),
            },
            Expr::Paren(p) => self.eval(&p.expr, scope, depth + 1),
            Expr::Group(g) => self.eval(&g.expr, scope, depth + 1),
            Expr::Reference(r) => self.eval(&r.expr, scope, depth + 1),
            Expr::Try(t) => self.eval(&t.expr, scope, depth + 1),
            Expr::Binary(b) if matches!(b.op, BinOp::Add(_)) => {
                // a left-deep chain `a + b + c + …` is walked down its spine, not recursed
                let mut rights = vec![&*b.right];
                let mut head = &*b.left;
                while rights.len() < 10_000
                    && let Expr::Binary(h) = head
                    && matches!(h.op, BinOp::Add(_))
                {
                    rights.push(&h.right);
                    head = &h.left;
                }
                let mut t = self.eval(head, scope, depth + 1);
                for r in rights.into_iter().rev() {
                    if t.len() >= crate::extract::template::MAX_TEMPLATE {
                        break;
                    }
                    t.push(self.eval(r, scope, depth + 1));
                }
                t
            }
            Expr::Macro(m) => self.eval_macro(&m.mac, span, scope, depth),
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                if m.args.is_empty() && WRAP_METHODS.contains(&name.as_str()) {
                    return self.eval(&m.receiver, scope, depth + 1);
                }
                if name == "join" && m.args.len() == 1 {
                    let base = self.eval(&m.receiver, scope, depth + 1);
                    if base.text().contains('/') {
                        return join(base, self.eval(&m.args[0], scope, depth + 1));
                    }
                }
                Template::hole(self.text(span), span)
            }
            Expr::Call(c)
                if c.args.len() == 1 && WRAP_FNS.contains(&callee_name(&c.func).to_ascii_lowercase().as_str()) =>
            {
                self.eval(&c.args[0], scope, depth + 1)
            }
            Expr::Path(p) if p.qself.is_none() => {
                let name = p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                self.resolve(&name, span, scope, depth)
            }
            Expr::Field(f) => match &f.member {
                Member::Named(n) if is_self(&f.base) => self.resolve_member(&n.to_string(), span, scope, depth),
                Member::Named(n) => self.resolve(&n.to_string(), span, scope, depth),
                Member::Unnamed(_) => Template::hole(self.text(span), span),
            },
            _ => Template::hole(self.text(span), span),
        }
    }

    /// `self.field` in an `impl T` block: the value the struct literals of `T` give the field
    /// (`Self { base_url: BASE.to_string(), … }`), when they agree; a hole when they do not;
    /// else a same-file binding of that name, as before.
    fn resolve_member(&self, name: &str, span: Span, scope: usize, depth: u8) -> Template {
        let ty = self.impls.iter().rev().find(|(s, e, _)| *s <= span.start && span.end <= *e).map(|x| x.2.as_str());
        let Some(all) = ty.and_then(|t| self.members.get(&(t.to_owned(), name.to_owned()))) else {
            return self.resolve(name, span, scope, depth);
        };
        let first = self.text(self.span(&all[0].value));
        if all.iter().any(|b| self.text(self.span(&b.value)) != first) {
            return Template::hole(self.text(span), span);
        }
        self.resolve_binding(&all[0], span, depth)
    }

    /// A name used at `span`: the value of its binding when that is URL text (a base URL, a
    /// host, a path), else a hole named by the code at `span`.
    fn resolve(&self, name: &str, span: Span, scope: usize, depth: u8) -> Template {
        let Some(b) = self.lookup(name, span.start, scope) else {
            return Template::hole(self.text(span).trim_start_matches(['&', '*']), span);
        };
        self.resolve_binding(b, span, depth)
    }

    fn resolve_binding(&self, b: &Binding, span: Span, depth: u8) -> Template {
        let hole = || Template::hole(self.text(span).trim_start_matches(['&', '*']), span);
        if depth + 4 >= MAX_DEPTH {
            return hole();
        }
        let vspan = self.span(&b.value);
        if contains(vspan, span) {
            return hole(); // `let url = url + "/x"`
        }
        let key = (vspan.start, vspan.end);
        let cached = self.memo.borrow().get(&key).cloned();
        let t = match cached {
            Some(t) => t,
            None => {
                let t = self.eval(&b.value, b.scope, depth + 4);
                self.memo.borrow_mut().insert(key, t.clone());
                t
            }
        };
        // URL text of its own: a value that is only holes stays a hole
        let s: String = t.pieces.iter().filter(|p| !p.hole).map(|p| p.text.as_str()).collect();
        let urlish = s.contains('/')
            || s.contains(':')
            || s.contains('?')
            || s.contains('&')
            || (s.contains('.') && !s.contains(char::is_whitespace) && !crate::secret::looks_like_key(&s));
        if urlish && s.len() <= 2048 { t.relocated(span) } else { hole() }
    }

    /// A string literal: its content, exact when the source text is the value (no escapes).
    fn lit_str(&self, s: &LitStr) -> Template {
        let whole = self.span(s);
        let value = s.value();
        let raw = self.text(whole);
        let hashes = raw.strip_prefix('r').map_or(0, |r| r.bytes().take_while(|b| *b == b'#').count());
        let pre = if raw.starts_with('r') { 2 + hashes } else { 1 };
        if let Some(close) = raw.rfind('"').filter(|c| *c >= pre)
            && raw.get(pre..close) == Some(value.as_str())
        {
            return Template::literal(&value, Span::new(whole.start + pre, whole.start + close));
        }
        let mut t = Template::literal(&value, whole);
        t.pieces[0].exact = false;
        t
    }

    fn eval_macro(&self, m: &Macro, span: Span, scope: usize, depth: u8) -> Template {
        let name = macro_name(m);
        let args = || m.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated).ok();
        if FORMAT_MACROS.contains(&name.as_str())
            && let Some(args) = args()
            && let Some(first) = args.first()
        {
            let fmt = self.eval(first, scope, depth + 1);
            let mut pos = Vec::new();
            let mut named = Vec::new();
            for a in args.iter().skip(1) {
                if let Expr::Assign(x) = a
                    && let Expr::Path(p) = &*x.left
                    && let Some(id) = p.path.get_ident()
                {
                    named.push((id.to_string(), self.eval(&x.right, scope, depth + 1)));
                } else {
                    pos.push(self.eval(a, scope, depth + 1));
                }
            }
            // `{name}` written inline: a variable or constant in scope
            for p in fmt.pieces.iter().filter(|p| !p.hole) {
                for (at, len, ident) in inline_names(&p.text) {
                    if named.iter().any(|(n, _)| n == ident) {
                        continue;
                    }
                    let src = if p.exact { Span::new(p.src.start + at, p.src.start + at + len) } else { p.src };
                    let t = match self.resolve(ident, src, scope, depth + 1) {
                        // the hole is named by the variable, not the `{…}` text it spans
                        t if t.pieces.len() == 1 && t.pieces[0].hole => Template::hole(ident, src),
                        t => t,
                    };
                    named.push((ident.to_owned(), t));
                }
            }
            return substitute(&fmt, &pos, &named);
        }
        if CONCAT_MACROS.contains(&name.as_str())
            && let Some(args) = args()
        {
            let mut t = Template::default();
            for a in &args {
                t.push(self.eval(a, scope, depth + 1));
            }
            return t;
        }
        if matches!(name.as_str(), "env" | "option_env")
            && let Some(args) = args()
            && let Some(Expr::Lit(l)) = args.first()
            && let Lit::Str(s) = &l.lit
        {
            return Template::hole(&s.value(), span);
        }
        Template::hole(self.text(span), span)
    }

    // ---------------------------------------------------------------------------------------
    // parameters

    /// Parameters and headers the builder chain after `call` adds.
    fn params_of(&self, call: &Call) -> Vec<Param> {
        let mut out = Vec::new();
        for a in call.args.iter().take(URL_ARGS) {
            self.url_params(a, call.scope, &mut out, 0);
        }
        for (name, args, at) in &call.rest {
            match (name.as_str(), args.as_slice()) {
                ("query", [a]) => self.collect(a, ParamLocation::Query, call.scope, &mut out, 0),
                ("query" | "query_param", [k, v]) => {
                    out.extend(self.pair(k, v, ParamLocation::Query, call.scope));
                }
                ("form" | "json" | "send_form" | "send_json" | "form_params", [a]) => {
                    self.collect(a, ParamLocation::Body, call.scope, &mut out, 0);
                }
                ("header" | "set" | "insert_header" | "append_header" | "header_append", [k, v]) => {
                    out.extend(self.pair(k, v, ParamLocation::Header, call.scope));
                }
                ("bearer_auth", [v]) => {
                    let vspan = self.span(v);
                    let value = match self.eval(v, call.scope, MAX_DEPTH - 3).pieces.as_slice() {
                        [p] if !p.hole => format!("Bearer {}", p.text),
                        _ => format!("Bearer {}", hole_text(self.text(vspan).trim_start_matches(['&', '*']))),
                    };
                    if self.cfg.header_names.iter().any(|h| h == "authorization") {
                        out.push(Param {
                            name: "authorization".into(),
                            location: ParamLocation::Header,
                            value: classify_value(&value),
                            span: self.pspan(*at),
                            value_span: vspan,
                        });
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The query pairs of the URL an argument stands for: `Url::parse_with_params(u, &[("key",
    /// k)])`, directly or through a variable.
    fn url_params(&self, a: &Expr, scope: usize, out: &mut Vec<Param>, depth: u8) {
        if depth > 6 {
            return;
        }
        match a {
            Expr::Reference(r) => self.url_params(&r.expr, scope, out, depth + 1),
            Expr::Paren(p) => self.url_params(&p.expr, scope, out, depth + 1),
            Expr::Try(t) => self.url_params(&t.expr, scope, out, depth + 1),
            Expr::MethodCall(m) if m.args.is_empty() => self.url_params(&m.receiver, scope, out, depth + 1),
            Expr::Call(c) if callee_name(&c.func) == "parse_with_params" && c.args.len() == 2 => {
                self.collect(&c.args[1], ParamLocation::Query, scope, out, 0);
            }
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                let at = self.span(a);
                if let Some(b) = self.lookup(&name, at.start, scope)
                    && !contains(self.span(&b.value), at)
                {
                    self.url_params(&b.value, b.scope, out, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Key entries of an argument: a list of pairs (`&[("key", k)]`, `vec![…]`), a map built
    /// from one (`HashMap::from([…])`), a struct literal, `json!({…})`, or a variable holding one.
    fn collect(&self, a: &Expr, loc: ParamLocation, scope: usize, out: &mut Vec<Param>, depth: u8) {
        if depth > 6 {
            return;
        }
        match a {
            Expr::Reference(r) => self.collect(&r.expr, loc, scope, out, depth + 1),
            Expr::Paren(p) => self.collect(&p.expr, loc, scope, out, depth + 1),
            Expr::Array(arr) => {
                for x in &arr.elems {
                    self.collect(x, loc, scope, out, depth + 1);
                }
            }
            Expr::Tuple(t) if t.elems.len() == 2 => {
                out.extend(self.pair(&t.elems[0], &t.elems[1], loc, scope));
            }
            Expr::Struct(s) => {
                for f in &s.fields {
                    if let Member::Named(n) = &f.member {
                        let entry = self.span(f);
                        out.extend(self.param(&n.to_string(), entry, &f.expr, loc, scope));
                    }
                }
            }
            Expr::Call(c) => {
                for x in &c.args {
                    self.collect(x, loc, scope, out, depth + 1);
                }
            }
            Expr::MethodCall(m) if m.args.is_empty() => self.collect(&m.receiver, loc, scope, out, depth + 1),
            Expr::Macro(m) if macro_name(&m.mac) == "json" => self.json_params(&m.mac.tokens, loc, scope, out),
            Expr::Macro(m) => {
                if let Ok(items) = m.mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                    for x in &items {
                        self.collect(x, loc, scope, out, depth + 1);
                    }
                }
            }
            Expr::Path(p) if p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                let at = self.span(a);
                if let Some(b) = self.lookup(&name, at.start, scope)
                    && !contains(self.span(&b.value), at)
                {
                    self.collect(&b.value, loc, b.scope, out, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// `("key", value)`, `.query("key", value)`, `.header("Authorization", value)`.
    fn pair(&self, k: &Expr, v: &Expr, loc: ParamLocation, scope: usize) -> Option<Param> {
        let name = match k {
            Expr::Lit(l) => match &l.lit {
                Lit::Str(s) => s.value(),
                _ => return None,
            },
            // `header::AUTHORIZATION`, `X_API_KEY`
            Expr::Path(p) => p.path.segments.last()?.ident.to_string().to_ascii_lowercase().replace('_', "-"),
            _ => return None,
        };
        let entry = cover(self.span(k), self.span(v));
        self.param(&name, entry, v, loc, scope)
    }

    /// A parameter for entry `name: value`, when the name is a key name or (in headers) a
    /// header the vendor packs judge.
    fn param(&self, name: &str, entry: Span, v: &Expr, loc: ParamLocation, scope: usize) -> Option<Param> {
        let lower = name.to_ascii_lowercase();
        let wanted = if loc == ParamLocation::Header {
            self.cfg.header_names.contains(&lower)
        } else {
            self.cfg.key_names.iter().any(|k| k.eq_ignore_ascii_case(name))
        };
        if !wanted {
            return None;
        }
        let vspan = self.span(v);
        let mut inner = v;
        while let Expr::Reference(r) = inner {
            inner = &r.expr;
        }
        let (value, value_span) = match inner {
            Expr::Lit(_) | Expr::Macro(_) | Expr::Binary(_) => {
                // text written in the code (`format!("Bearer {}", k)`): a literal with the
                // computed parts as `{holes}`, so a header's prefix or a hard-coded key is judged
                let t = self.eval(inner, scope, MAX_DEPTH - 3);
                let text = t.text();
                let span = match t.pieces.as_slice() {
                    [one] if one.exact => one.src,
                    _ => vspan,
                };
                match t.pieces.first() {
                    Some(p) if !p.hole => (classify_value(&text), span),
                    _ => (Value::Expr(text), span),
                }
            }
            _ => (Value::Expr(self.text(vspan).chars().take(80).collect()), vspan),
        };
        let name = if loc == ParamLocation::Header { lower } else { name.to_owned() };
        Some(Param { name, location: loc, value, span: entry, value_span })
    }

    /// The top-level `"name": value` entries of a `json!({…})` object.
    fn json_params(&self, tokens: &TokenStream, loc: ParamLocation, scope: usize, out: &mut Vec<Param>) {
        let mut it = tokens.clone().into_iter();
        let Some(TokenTree::Group(g)) = it.next() else { return };
        if g.delimiter() != Delimiter::Brace {
            return;
        }
        let mut entries: Vec<Vec<TokenTree>> = vec![Vec::new()];
        for tt in g.stream() {
            match &tt {
                TokenTree::Punct(p) if p.as_char() == ',' => entries.push(Vec::new()),
                _ => entries.last_mut().map_or((), |e| e.push(tt)),
            }
        }
        for e in entries {
            let [TokenTree::Literal(k), TokenTree::Punct(colon), value @ ..] = e.as_slice() else { continue };
            if colon.as_char() != ':' || value.is_empty() {
                continue;
            }
            let Lit::Str(name) = Lit::new(k.clone()) else { continue };
            let ts: TokenStream = value.iter().cloned().collect();
            let Ok(v) = syn::parse2::<Expr>(ts) else { continue };
            let entry = cover(self.pspan(k.span()), self.span(&v));
            out.extend(self.param(&name.value(), entry, &v, loc, scope));
        }
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn cover(a: Span, b: Span) -> Span {
    Span::new(a.start.min(b.start), a.end.max(b.end))
}

/// `{name}` (`{name:?}`, `{name:>8}`) placeholders of a format string: offset, length, name.
fn inline_names(text: &str) -> Vec<(usize, usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'{' && b.get(i + 1) == Some(&b'{') {
            i += 2;
            continue;
        }
        if b[i] == b'{'
            && let Some(close) = text[i..].find('}')
        {
            let inner = &text[i + 1..i + close];
            let name = inner.split(':').next().unwrap_or("").trim();
            if name.starts_with(|c: char| c.is_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                out.push((i, close + 1, name));
            }
            i += close + 1;
            continue;
        }
        i += 1;
    }
    out
}

/// `base` + `/` + `path`, as `Url::join` resolves a relative path (one slash between).
fn join(mut base: Template, path: Template) -> Template {
    let b = base.text();
    let p = path.text();
    if p.starts_with("http://") || p.starts_with("https://") {
        return path;
    }
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

/// The HTTP method of a call: its name (`post`, `reqwest::get`), or a method argument
/// (`Method::PUT`, `"PUT"`) of `request`/`Request::new`, or `.method(Method::PUT)` in the chain.
fn method_of(call: &Call, code: &str, off: usize) -> Option<Method> {
    let by_name = |n: &str| match n {
        "get" | "post" | "put" | "patch" | "delete" | "head" => Method::parse(n),
        _ => None,
    };
    if let Some(m) = by_name(&call.name) {
        return Some(m);
    }
    let arg_method = |a: &Expr| {
        let r = a.span().byte_range();
        let text = code.get(r.start + off..r.end + off).unwrap_or("").trim().trim_matches('"');
        if text.len() > 40 {
            return None;
        }
        let last = text.rsplit("::").next().unwrap_or(text);
        let last = last.trim_start_matches('&');
        (last.chars().all(|c| c.is_ascii_uppercase()) || text.contains("::")).then(|| Method::parse(last)).flatten()
    };
    if matches!(call.name.as_str(), "request" | "new" | "build_request" | "request_builder")
        && let Some(m) = call.args.iter().find_map(arg_method)
    {
        return Some(m);
    }
    call.rest.iter().find(|(n, args, _)| n == "method" && args.len() == 1).and_then(|(_, args, _)| arg_method(&args[0]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ExtractConfig {
        ExtractConfig {
            path_anchors: vec!["/api/".into()],
            key_names: vec!["key".into()],
            header_names: vec!["authorization".into()],
        }
    }

    fn run(code: &str) -> LangOut {
        extract(code, &cfg()).unwrap()
    }

    #[test]
    fn long_doc_comments_and_many_items_are_not_refused_as_nested() {
        // hand-written code: an impl with many methods, each under a long doc comment (a run of
        // `#[doc = …]` attributes), then a legacy call at the end
        let mut code = String::from("struct C;\nimpl C {\n");
        for i in 0..200 {
            for _ in 0..40 {
                code.push_str("    /// Explains the method at length, with an example and its caveats.\n");
            }
            code.push_str(&format!("    pub fn m{i}(&self, a: u32) -> u32 {{ a + {i} }}\n"));
        }
        code.push_str("    fn f(&self, k: &str) { post(format!(\"https://cc.voiso.com/api/v1/{k}/balance\")); }\n}\n");
        let out = extract(&code, &cfg()).expect("an ordinary file is parsed");
        assert!(out.candidates.iter().any(|c| c.url == "https://cc.voiso.com/api/v1/{k}/balance"));
    }

    #[test]
    fn format_macro_literals_map_to_the_file() {
        let code = "const BASE: &str = \"https://cc.voiso.com/api/v1\";\n\
                    fn f(c: &C, api_key: &str) { c.post(format!(\"{BASE}/{api_key}/click2call\")); }\n";
        let out = run(code);
        let c = out.candidates.iter().find(|c| c.url.contains("click2call")).unwrap();
        assert_eq!(c.url, "https://cc.voiso.com/api/v1/{api_key}/click2call");
        assert_eq!(c.method, Some(Method::Post));
        // the key hole is the `{api_key}` in the format string
        let at = c.url.find("{api_key}").unwrap();
        let src = c.locate(Span::new(at, at + 9)).unwrap();
        assert_eq!(&code[src.range()], "{api_key}");
        // literal text inside the macro is exact
        let at = c.url.find("/click2call").unwrap();
        let src = c.exact(Span::new(at, at + 11)).unwrap();
        assert_eq!(&code[src.range()], "/click2call");
        // the constant on its own is a candidate at its content
        let base = out.candidates.iter().find(|c| c.url == "https://cc.voiso.com/api/v1").unwrap();
        assert_eq!(&code[base.span.range()], "https://cc.voiso.com/api/v1");
    }

    #[test]
    fn positional_format_args_concat_and_variables() {
        let code = r#"
const HOST: &str = "https://cc.voiso.com";
const REPORTS: &str = concat!("https://cc.voiso.com", "/api/v2");
fn f(c: &C, key: &str) {
    let url = format!("{}/{}/balance", HOST.to_owned() + "/api/v1", key);
    c.get(&url).send();
    c.get(format!("{REPORTS}/cdr")).query(&[("key", key), ("page", "1")]).send();
    c.request(Method::PUT, format!("{}/{key}/campaigns/{id}/contacts", REPORTS)).json(&json!({"key": key}));
}
"#;
        let out = run(code);
        let urls: Vec<(&str, Option<Method>)> = out.candidates.iter().map(|c| (c.url.as_str(), c.method)).collect();
        assert!(urls.contains(&("https://cc.voiso.com/api/v1/{key}/balance", Some(Method::Get))), "{urls:?}");
        assert!(urls.contains(&("https://cc.voiso.com/api/v2/cdr", Some(Method::Get))), "{urls:?}");
        assert!(urls.contains(&("https://cc.voiso.com/api/v2/{key}/campaigns/{id}/contacts", Some(Method::Put))));
        let cdr = out.candidates.iter().find(|c| c.url.ends_with("/cdr")).unwrap();
        assert_eq!(cdr.params.len(), 1);
        assert_eq!(cdr.params[0].location, ParamLocation::Query);
        assert_eq!(&code[cdr.params[0].span.range()], "\"key\", key");
        let put = out.candidates.iter().find(|c| c.method == Some(Method::Put)).unwrap();
        assert_eq!(put.params.len(), 1);
        assert_eq!(put.params[0].location, ParamLocation::Body);
        assert_eq!(&code[put.params[0].span.range()], "\"key\": key");
    }

    #[test]
    fn escapes_make_a_literal_inexact() {
        let code =
            "fn f() { let a = \"https://x.voiso.com/api/v1/\\u{6b}ey\"; let b = r#\"https://x.voiso.com/api/v2/\"#; }";
        let out = run(code);
        let a = out.candidates.iter().find(|c| c.url.ends_with("/key")).unwrap();
        assert_eq!(a.url, "https://x.voiso.com/api/v1/key");
        assert_eq!(a.exact(Span::new(0, 5)), None);
        assert_eq!(&code[a.span.range()], "\"https://x.voiso.com/api/v1/\\u{6b}ey\"");
        let b = out.candidates.iter().find(|c| c.url.ends_with("/v2/")).unwrap();
        assert_eq!(&code[b.span.range()], "https://x.voiso.com/api/v2/");
        assert_eq!(b.exact(Span::new(0, 5)).map(|s| &code[s.range()]), Some("https"));
    }

    #[test]
    fn files_in_sequence_get_their_own_offsets() {
        let one = "fn f() { g(\"https://a.voiso.com/api/v1/x\"); }";
        let two = "\n\n  const X: &str = \"https://b.voiso.com/api/v2\";";
        for _ in 0..2 {
            let a = run(one);
            assert_eq!(&one[a.candidates[0].span.range()], "https://a.voiso.com/api/v1/x");
            let b = run(two);
            assert_eq!(&two[b.candidates[0].span.range()], "https://b.voiso.com/api/v2");
        }
    }

    #[test]
    fn comments_and_doc_attributes_are_not_calls() {
        let code = "/// see https://x.voiso.com/api/v1/KEY/balance\n#[doc = \"https://x.voiso.com/api/v2/cdr\"]\n\
                    fn f() {} // https://x.voiso.com/api/v1/k/click2call\n/* /api/v2/cdr?key=1 */\n";
        let out = run(code);
        assert!(out.candidates.is_empty(), "{:?}", out.candidates);
        for needle in
            ["https://x.voiso.com/api/v1/KEY", "https://x.voiso.com/api/v2/cdr", "/api/v1/k/", "/api/v2/cdr?key"]
        {
            let at = code.find(needle).unwrap();
            assert!(out.comments.iter().any(|c| c.start <= at && at < c.end), "{needle}: {:?}", out.comments);
        }
    }

    #[test]
    fn bearer_auth_and_headers() {
        let code = r#"fn f(c: &C, key: &str) {
    c.get("https://x.voiso.com/api/numbers/v1/numbers").bearer_auth(key).send();
    c.get("https://x.voiso.com/api/task/v1/x").header("Authorization", format!("Bearer {}", key));
}"#;
        let out = run(code);
        let n = out.candidates.iter().find(|c| c.url.contains("numbers")).unwrap();
        assert_eq!(n.params[0].name, "authorization");
        assert_eq!(n.params[0].value, Value::Literal("Bearer {key}".into()));
        let t = out.candidates.iter().find(|c| c.url.contains("task")).unwrap();
        assert_eq!(t.params[0].value, Value::Literal("Bearer {key}".into()));
    }

    #[test]
    fn a_syntax_error_is_a_parse_failure_with_its_line() {
        let err = extract("fn ok() {}\n\nfn broken( {\n", &cfg()).unwrap_err();
        assert_eq!(err.lang, Lang::Rust);
        assert!(!err.timed_out);
        assert!(err.line >= 3, "{err:?}");
        let err = extract("fn f() { let s = \"unterminated; }\n", &cfg()).unwrap_err();
        assert_eq!(err.line, 1);
        // and the next file still parses with its own offsets
        let out = run("const A: &str = \"https://x.voiso.com/api/v1\";");
        assert_eq!(out.candidates[0].span, Span::new(17, 43));
    }

    #[test]
    fn deep_nesting_and_long_chains_do_not_overflow() {
        let n = 100_000;
        let deep =
            format!("fn f() {{ let u = {}\"https://x.voiso.com/api/v1/k/balance\"{}; }}", "(".repeat(n), ")".repeat(n));
        let err = extract(&deep, &cfg()).unwrap_err();
        assert_eq!(err.line, 1);
        let mut long = String::from("fn f(key: &str) { let u = String::from(\"https://x.voiso.com/api/v1/\") + key");
        for i in 0..10_000 {
            long.push_str(&format!(" + \"/p{i}\" + v{i}"));
        }
        long.push_str("; c.get(u); }");
        assert!(extract(&long, &cfg()).is_err());
        // near the bound (120 concatenations, 20 levels) on a 2 MiB thread, in a debug build
        let mut ok = String::from("fn f(key: &str) { let u = String::from(\"https://x.voiso.com/api/v1/\") + key");
        for i in 0..120 {
            ok.push_str(&format!(" + \"/p{i}\" + v{i}"));
        }
        ok.push_str(&format!("; c.get({}u{}); }}", "(".repeat(20), ")".repeat(20)));
        let out = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || extract(&ok, &cfg()).map(|o| o.candidates.into_iter().map(|c| c.url).collect::<Vec<_>>()))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert!(out.iter().any(|u| u.starts_with("https://x.voiso.com/api/v1/{key}/p0{v0}/p1{v1}")), "{out:?}");
        // and 60 nested parentheses alone
        let parens = format!(
            "fn f() {{ c.get({}\"https://x.voiso.com/api/v1/k/balance\"{}); }}",
            "(".repeat(60),
            ")".repeat(60)
        );
        let n = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || extract(&parens, &cfg()).map(|o| o.candidates.len()))
            .unwrap()
            .join()
            .unwrap()
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn shebang_and_bom_keep_offsets() {
        let code = "\u{feff}#!/usr/bin/env run-cargo-script\nconst A: &str = \"https://x.voiso.com/api/v1\";";
        let out = run(code);
        assert_eq!(&code[out.candidates[0].span.range()], "https://x.voiso.com/api/v1");
    }
}
