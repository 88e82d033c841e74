//! The generic extractor: works on any text (source in any language, config, `.env`, Markdown,
//! shell, `.http` files, Postman collections, notebooks). It finds URLs and URL templates, the
//! HTTP method written next to them (`POST https://…`, `requests.post(`, `curl -X`, a
//! `"method": "POST"` field), curl data flags, and key fields of bodies or params maps near them.

use std::sync::LazyLock;

use regex::Regex;

use super::url::classify_value;
use super::{Candidate, Deadline, ExtractConfig, Param, ParamLocation, Value};
use crate::catalog::Method;
use crate::source::{SourceFile, Span};

/// How far (bytes) around a URL its method and curl flags are looked for: on a minified line of
/// megabytes, every URL looks at its neighbourhood only, so the work stays linear.
const NEAR: usize = 4096;

/// `region` clipped to `radius` bytes around `at`, on char boundaries.
fn near(text: &str, region: Span, at: Span, radius: usize) -> Span {
    let start = floor(text, region.start.max(at.start.saturating_sub(radius)));
    let end = ceil(text, region.end.min(at.end + radius));
    Span::new(start, end.max(start))
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// File-wide facts for the per-URL lookups.
struct Context {
    /// Offsets of `curl`.
    curls: Vec<usize>,
    /// `"method": "POST"` fields: offset and method.
    method_fields: Vec<(usize, Method)>,
}

impl Context {
    /// Whether `curl` occurs on the URL's logical line, near it.
    fn curl_near(&self, file: &SourceFile, span: Span, line: usize) -> bool {
        let region = near(&file.text, logical_line(file, line), span, NEAR);
        let k = self.curls.partition_point(|at| *at < region.start);
        self.curls.get(k).is_some_and(|at| *at < region.end)
    }
}

/// Index of the candidate a parameter at byte `at` (on `line`) belongs to: the one on the
/// nearest line within the window (a URL above wins a tie), and on the same line the nearest
/// by bytes. Candidates are sorted by position, so this is a few binary searches.
fn nearest(out: &[Candidate], lines: &[usize], line: usize, at: usize) -> Option<usize> {
    let lo = lines.partition_point(|l| *l < line);
    let hi = lines.partition_point(|l| *l <= line);
    if lo < hi {
        // same line: the closest start among out[lo..hi]
        let k = lo + out[lo..hi].partition_point(|c| c.span.start <= at);
        let before = (k > lo).then(|| k - 1);
        let after = (k < hi).then_some(k);
        return [before, after].into_iter().flatten().min_by_key(|&i| out[i].span.start.abs_diff(at));
    }
    let above = (lo > 0).then(|| lo - 1).filter(|&i| line <= lines[i] + WINDOW_BELOW);
    let below = (hi < lines.len()).then_some(hi).filter(|&i| lines[i] <= line + WINDOW_ABOVE);
    match (above, below) {
        (Some(a), Some(b)) => Some(if line - lines[a] <= lines[b] - line { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Add a parameter unless the candidate has it already (found by the language-aware pass).
fn push_param(c: &mut Candidate, p: Param) {
    let dup = c.params.iter().any(|q| {
        q.value_span.start < p.value_span.end.max(p.value_span.start + 1)
            && p.value_span.start < q.value_span.end.max(q.value_span.start + 1)
    });
    if !dup {
        c.params.push(p);
    }
}

/// Whether byte `at` lies in one of `spans` (sorted by start).
fn inside(spans: &[Span], at: usize) -> bool {
    let k = spans.partition_point(|s| s.start <= at);
    spans[..k].iter().rev().take(8).any(|s| at < s.end)
}

/// Whether `span` overlaps one of `spans` (sorted by start; covered expressions do not nest
/// deeply, so a short look back suffices).
fn overlaps(spans: &[Span], span: Span) -> bool {
    let k = spans.partition_point(|s| s.start < span.end);
    spans[..k].iter().rev().take(8).any(|s| span.start < s.end)
}

/// What the language-aware pass knows of a parsed file, for the fields found near URLs.
struct Parsed {
    /// Comments, docstrings, test names, log lines (sorted, disjoint).
    comments: Vec<Span>,
    /// Map literals bound to a name never used: sent by no call (sorted, disjoint).
    structured: Vec<Span>,
    /// Parameters the language-aware pass tied to a call (sorted).
    claimed: Vec<Span>,
    /// Function scopes, by start (outer before inner).
    scopes: Vec<Span>,
    /// The call sending each language-aware candidate, by the candidate's span.
    sent_by: std::collections::HashMap<Span, Span>,
}

impl Parsed {
    /// Whether a field at byte `at` may be attached to the URL at `url`: not documentation, not
    /// an entry the language-aware pass tied to a call (this one or another: a `key` passed to
    /// another host's URL builder), not in a map no call sends, and in the URL's function (or
    /// inside the call that sends the URL: a trailing lambda).
    fn may_attach(&self, at: usize, url: Span) -> bool {
        let in_call = self.sent_by.get(&url).is_some_and(|c| c.start <= at && at < c.end);
        !inside(&self.comments, at)
            && !inside(&self.structured, at)
            && !inside(&self.claimed, at)
            && (in_call || self.scope(at) == self.scope(url.start))
    }

    /// The innermost scope around byte `at`.
    fn scope(&self, at: usize) -> Option<Span> {
        let k = self.scopes.partition_point(|s| s.start <= at);
        self.scopes[..k].iter().rev().take(256).find(|s| at < s.end).copied()
    }
}

/// Spans sorted and merged into disjoint ones.
fn merged(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Whether byte `at` lies inside one of the (sorted) candidates' URLs.
fn inside_url(out: &[Candidate], at: usize) -> bool {
    let k = out.partition_point(|c| c.span.start <= at);
    out[..k].iter().rev().take(4).any(|c| at < c.span.end)
}

/// Lines above and below a URL searched for its method and body fields.
const WINDOW_ABOVE: usize = 3;
const WINDOW_BELOW: usize = 8;

static UPPER_METHOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(GET|POST|PUT|PATCH|DELETE)(?-u:\b)[^\n]{0,40}$").unwrap());
static CALL_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?-u:\b)(get|post|put|patch|delete)(?:Async|_request|Request)?\s*[(!]\s*(?:[A-Za-z_][A-Za-z0-9_.:]*\s*\(\s*)?[fbrus$@]*["'`]?$"#)
        .unwrap()
});
static CURL_X: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?:-X\s*|--request[=\s]\s*)["']?([A-Za-z]+)"#).unwrap());
static CURL_DATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?:^|\s)(?:-d|--data(?:-urlencode|-raw|-binary|-ascii)?|-F|--form)(?:\s+|=)(["']?)([A-Za-z_][\w\[\].-]*)="#,
    )
    .unwrap()
});
/// `-G`, `--get`, and `-G` among combined switches (`-sG`, `-fsSLG`; not `-XGET`, where
/// `GET` is the argument of `-X`).
static CURL_GET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)(?:-[sSfLkvqNi]*G[sSfLkvqNi]*|--get)(?:\s|$)").unwrap());
static FIELD_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\\?["']?(?-u:\b)method\\?["']?\s*[:=]>?\s*\\?["'](GET|POST|PUT|PATCH|DELETE)\\?["']"#).unwrap()
});
/// `" + api_key + "` after a URL string: the operator, the expression, and whether a string follows.
static CONCAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^["']\s*(?:\+|\.\.?|<<)\s*([A-Za-z_$@][A-Za-z0-9_$.]*(?:\[[^\]\n]{0,40}\]|\([^)\n]{0,40}\))?)(?:\s*(?:\+|\.\.?|<<)\s*(["']))?"#)
        .unwrap()
});
static QUERY_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(params|query|searchParams|qs|(?-u:\b)json(?-u:\b)|(?-u:\b)data(?-u:\b)|(?-u:\b)body(?-u:\b)|(?-u:\b)form(?-u:\b))"#).unwrap()
});

/// Finds the candidates of one file.
pub struct GenericExtractor {
    field: Regex,
    /// `"Authorization": v` in a map, `.header("X-API-Key", v)` in a builder.
    header_pair: Option<Regex>,
    /// `-H "Authorization: Bearer …"` (curl) or an `Authorization: …` line (`.http` files).
    header_line: Option<Regex>,
}

impl GenericExtractor {
    #[must_use]
    pub fn new(cfg: &ExtractConfig) -> Self {
        let names = cfg.key_names.iter().map(|n| regex::escape(n)).collect::<Vec<_>>().join("|");
        let names = if names.is_empty() { "key".to_owned() } else { names };
        // "key": v · 'key' => v · \"key\": v (JSON inside a string) · {"key": "key", "value": v}
        // (Postman) · { key: v } (object literal) · q.Set("key", v) / .queryParam("key", v)
        let field = Regex::new(&format!(
            r#"(?:\\?["']({names})\\?["']\s*\]?\s*(?::|=>|=)\s*|[{{,(]\s*({names})\s*:\s|(?-u:\b)([A-Za-z_][A-Za-z0-9_]*)\s*\(\s*["']({names})["']\s*,\s*)"#
        ))
        .unwrap();
        let headers = cfg.header_names.iter().map(|h| regex::escape(h)).collect::<Vec<_>>().join("|");
        let (header_pair, header_line) = if headers.is_empty() {
            (None, None)
        } else {
            (
                // quoted names anywhere; bare names as object keys (`{ Authorization: … }`)
                Some(
                    Regex::new(&format!(
                        r#"(?i)(?:\\?["']({headers})\\?["']\s*(?::|=>|,)|[{{,]\s*({headers})\s*:)\s*"#
                    ))
                    .unwrap(),
                ),
                Some(
                    Regex::new(&format!(r#"(?im)(?:-H\s*|--header\s*|^)(["']?)({headers})\s*:[ \t]*([^"'\r\n]*)"#))
                        .unwrap(),
                ),
            )
        };
        Self { field, header_pair, header_line }
    }

    /// Every URL-like token in the file, with its method and nearby parameters.
    #[must_use]
    pub fn extract(&self, file: &SourceFile, cfg: &ExtractConfig) -> Vec<Candidate> {
        self.extract_until(file, cfg, Deadline::none()).0
    }

    /// [`Self::extract`] within a time budget; `true` when it ran out (partial results).
    #[must_use]
    pub fn extract_until(&self, file: &SourceFile, cfg: &ExtractConfig, deadline: Deadline) -> (Vec<Candidate>, bool) {
        self.extract_merged(file, cfg, deadline, None)
    }

    /// [`Self::extract_until`], merged with what language-aware extraction found: its
    /// candidates replace the URLs it understood, URLs in comments and docstrings are not
    /// calls, and the generic candidates elsewhere (a curl command inside a string, say) stay.
    /// Methods, curl flags, key fields and headers near a URL are then attached to every
    /// candidate alike.
    #[must_use]
    pub fn extract_merged(
        &self,
        file: &SourceFile,
        cfg: &ExtractConfig,
        deadline: Deadline,
        lang: Option<super::lang::LangOut>,
    ) -> (Vec<Candidate>, bool) {
        let text = file.text.as_str();
        let mut spans = url_spans(text, &cfg.path_anchors);
        spans.sort_unstable();
        // file-wide facts found once, then looked up per URL by binary search (linear overall,
        // even with thousands of URLs on one minified line)
        let ctx = Context {
            curls: text.match_indices("curl").map(|(i, _)| i).collect(),
            method_fields: FIELD_METHOD
                .captures_iter(text)
                .filter_map(|c| Some((c.get(0)?.start(), Method::parse(&c[1])?)))
                .collect(),
        };
        spans.dedup();
        if let Some(l) = &lang {
            spans.retain(|s| !inside(&l.comments, s.start) && !overlaps(&l.covered, *s));
        }
        let lines: Vec<usize> = spans.iter().map(|s| file.position(s.start).line).collect();
        let mut out: Vec<Candidate> = spans
            .iter()
            .zip(&lines)
            .take_while(|_| !deadline.passed())
            .map(|(&span, &line)| {
                let (url, whole) = join_concat(text, span).unwrap_or_else(|| (text[span.range()].to_owned(), span));
                Candidate {
                    verbatim: whole == span,
                    verbatim_len: span.len(),
                    url,
                    span: whole,
                    method: self.method(file, span, line, &ctx, true),
                    params: if ctx.curl_near(file, span, line) { curl_params(file, span, line) } else { Vec::new() },
                    map: Vec::new(),
                }
            })
            .collect();
        let mut lines = lines;
        let mut declarations = Vec::new();
        let mut parsed = None;
        if let Some(l) = lang {
            declarations = l.declarations;
            declarations.sort_unstable();
            let mut claimed: Vec<Span> = l.candidates.iter().flat_map(|c| c.params.iter().map(|p| p.span)).collect();
            claimed.sort_unstable();
            let mut scopes = l.scopes;
            scopes.sort_unstable_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
            parsed = Some(Parsed {
                comments: merged(l.comments),
                structured: merged(l.structured),
                claimed,
                scopes,
                sent_by: l.sent_by.into_iter().collect(),
            });
            for mut c in l.candidates {
                let line = file.position(c.span.start).line;
                if c.method.is_none() {
                    // the language extractor read the call: no `"method": …` field of a nearby
                    // call is guessed (`axios.create({ baseURL })` beside a `fetch(…, {method})`)
                    c.method = self.method(file, c.span, line, &ctx, false);
                }
                if ctx.curl_near(file, c.span, line) {
                    for p in curl_params(file, c.span, line) {
                        push_param(&mut c, p);
                    }
                }
                out.push(c);
            }
            out.sort_by_key(|c| (c.span.start, c.span.end));
            lines = out.iter().map(|c| file.position(c.span.start).line).collect();
        }
        self.attach_fields(file, &lines, &mut out, &declarations, parsed.as_ref(), deadline);
        let timed_out = deadline.passed();
        (out, timed_out)
    }

    fn method(&self, file: &SourceFile, span: Span, line: usize, ctx: &Context, fields: bool) -> Option<Method> {
        let text = file.text.as_str();
        let line_start = file.line_span(line).start;
        let before = &text[floor(text, span.start.saturating_sub(256)).max(line_start)..span.start];
        if let Some(c) = CALL_METHOD.captures(before) {
            return Method::parse(&c[1]);
        }
        if let Some(c) = UPPER_METHOD.captures(before) {
            return Method::parse(&c[1]);
        }
        if ctx.curl_near(file, span, line) {
            let ltext = file.slice(near(text, logical_line(file, line), span, NEAR));
            if let Some(c) = CURL_X.captures(ltext) {
                return Method::parse(&c[1]);
            }
            let data = CURL_DATA.is_match(ltext) || ltext.contains("--json");
            return Some(if data && !CURL_GET.is_match(ltext) { Method::Post } else { Method::Get });
        }
        // `"method": "POST"` nearby (fetch options, Postman, HTTP client config): the nearest wins.
        if !fields {
            return None;
        }
        let lo = line.saturating_sub(WINDOW_ABOVE + 3).max(1);
        let hi = (line + WINDOW_BELOW).min(file.line_count());
        let region = near(text, Span::new(file.line_span(lo).start, file.line_span(hi).end), span, NEAR);
        let f = &ctx.method_fields;
        let k = f.partition_point(|(at, _)| *at < span.start);
        [k.checked_sub(1), Some(k)]
            .into_iter()
            .flatten()
            .filter_map(|i| f.get(i))
            .filter(|(at, _)| region.start <= *at && *at < region.end)
            .min_by_key(|(at, _)| at.abs_diff(span.start))
            .map(|(_, m)| *m)
    }

    /// Key fields (`"key": …`) near URLs: each goes to the nearest URL by line, within the window;
    /// not inside `declarations` (sorted), where `key: Type` declares rather than sends a key.
    fn attach_fields(
        &self,
        file: &SourceFile,
        lines: &[usize],
        out: &mut [Candidate],
        declarations: &[Span],
        parsed: Option<&Parsed>,
        deadline: Deadline,
    ) {
        let lines = &lines[..out.len()];
        if out.is_empty() {
            return;
        }
        let text = file.text.as_str();
        for m in self.field.captures_iter(text) {
            if deadline.passed() {
                return;
            }
            let whole = m.get(0).unwrap();
            let Some(name) = m.get(1).or_else(|| m.get(2)).or_else(|| m.get(4)) else { continue };
            let setter = m.get(3).map(|f| f.as_str().to_ascii_lowercase());
            if inside_url(out, whole.start()) {
                continue; // part of a URL's own query string
            }
            if inside(declarations, whole.start()) {
                continue; // `fn f(key: &str)`, `struct Q { key: String }`
            }
            let line = file.position(whole.start()).line;
            let Some(idx) = nearest(out, lines, line, whole.start()) else { continue };
            if parsed.is_some_and(|p| !p.may_attach(whole.start(), out[idx].span)) {
                continue;
            }
            let read = if m.get(1).is_some() {
                read_value(text, whole.end(), name.as_str())
            } else {
                read_one(text, whole.end()).map(|(v, s)| (v, s, Some(name.as_str().to_owned())))
            };
            let Some((value, vspan, real_name)) = read else { continue };
            let Some(real_name) = real_name else { continue };
            // `{ key: v }`, `(key: v)`: from the name, not the brace before it; a setter
            // (`v.Set("key", k)`): from the quoted name, not the method
            let start = if m.get(2).is_some() {
                name.start()
            } else if m.get(4).is_some() {
                name.start().saturating_sub(1)
            } else {
                whole.start()
            };
            let line_start =
                floor(text, file.line_span(line.saturating_sub(2).max(1)).start.max(whole.start().saturating_sub(200)));
            let location = if let Some(f) = setter {
                if ["path", "segment", "urlparam", "uriparam", "routeparam"].iter().any(|w| f.contains(w)) {
                    continue; // `SetPathParams`, `AddUrlSegment`: fills a `{key}` of the path
                }
                // queryParam, addQueryParameter: query; field, form, body: body; set/append
                // (url.Values, searchParams): query, unless inside a form or body being built
                // (ktor `FormDataContent(Parameters.build { append(…) })`); add, put,
                // addParameter: the query of a GET (url.Values, URIBuilder, RestSharp), the body
                // of a POST (a form builder)
                let before = text[line_start..whole.start()].to_ascii_lowercase();
                if f.contains("query") {
                    ParamLocation::Query
                } else if ["form", "body", "field", "entity", "json"].iter().any(|w| f.contains(w)) {
                    ParamLocation::Body
                } else if f.contains("set") || f.contains("append") {
                    // the receiver names it (`formData.append`, `body.set`, `params.append`),
                    // else the nearest form or query word before
                    let recv: String = before
                        .strip_suffix('.')
                        .unwrap_or("")
                        .chars()
                        .rev()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                        .chars()
                        .rev()
                        .collect();
                    let last = |words: &[&str]| words.iter().filter_map(|w| before.rfind(w)).max();
                    let body = last(&["formdata", "formbody", "formurlencoded", "urlencodedform", "setbody", "body("]);
                    if recv.contains("form") || recv.contains("body") {
                        ParamLocation::Body
                    } else if recv.contains("query") || recv.contains("param") || recv.contains("search") {
                        ParamLocation::Query
                    } else if body > last(&["query", "searchparams", "params"]) {
                        ParamLocation::Body
                    } else {
                        ParamLocation::Query
                    }
                } else {
                    match out[idx].method {
                        Some(Method::Get | Method::Delete | Method::Head) => ParamLocation::Query,
                        Some(_) => ParamLocation::Body,
                        None if f.contains("parameter") => ParamLocation::Query,
                        None => ParamLocation::Body,
                    }
                }
            } else {
                QUERY_WORD.captures_iter(&text[line_start..whole.start()]).last().map_or(ParamLocation::Body, |c| {
                    let w = c[1].to_ascii_lowercase();
                    if matches!(w.as_str(), "params" | "query" | "searchparams" | "qs") {
                        ParamLocation::Query
                    } else {
                        ParamLocation::Body
                    }
                })
            };
            push_param(
                &mut out[idx],
                Param { name: real_name, location, value, span: Span::new(start, vspan.end), value_span: vspan },
            );
        }
        self.attach_headers(file, lines, out, parsed, deadline);
    }

    /// Header values near URLs, each to the nearest URL by line, within the window.
    fn attach_headers(
        &self,
        file: &SourceFile,
        lines: &[usize],
        out: &mut [Candidate],
        parsed: Option<&Parsed>,
        deadline: Deadline,
    ) {
        let text = file.text.as_str();

        let mut found: Vec<(usize, Param)> = Vec::new();
        if let Some(re) = &self.header_pair {
            for m in re.captures_iter(text) {
                let whole = m.get(0).unwrap();
                let Some((value, vspan)) = read_one(text, whole.end()) else { continue };
                let Some(name) = m.get(1).or_else(|| m.get(2)) else { continue };
                found.push((
                    whole.start(),
                    Param {
                        name: name.as_str().to_owned(),
                        location: ParamLocation::Header,
                        value,
                        span: Span::new(whole.start(), vspan.end),
                        value_span: vspan,
                    },
                ));
            }
        }
        if let Some(re) = &self.header_line {
            for m in re.captures_iter(text) {
                let (name, v) = (m.get(2).unwrap(), m.get(3).unwrap());
                let value = v.as_str().trim_end();
                let vspan = Span::new(v.start(), v.start() + value.len());
                found.push((
                    name.start(),
                    Param {
                        name: name.as_str().to_owned(),
                        location: ParamLocation::Header,
                        value: Value::Literal(value.to_owned()),
                        span: Span::new(name.start(), vspan.end),
                        value_span: vspan,
                    },
                ));
            }
        }
        found.sort_by_key(|(at, _)| *at);
        for (at, p) in found {
            if deadline.passed() {
                return;
            }
            if inside_url(out, at) {
                continue;
            }
            if let Some(i) = nearest(out, lines, file.position(at).line, at)
                && parsed.is_none_or(|x| x.may_attach(at, out[i].span))
            {
                push_param(&mut out[i], p);
            }
        }
    }
}

/// Reads the value after `"key":`. For a Postman pair `{"key": "key", "value": "…"}` the
/// parameter's name is the first string and its value the second; a Postman pair for another
/// name (`{"key": "agent", …}`) is not a key field (`None` name).
fn read_value(text: &str, at: usize, name: &str) -> Option<(Value, Span, Option<String>)> {
    let (value, span) = read_one(text, at)?;
    let rest = &text[span.end..];
    let after_quote = rest.trim_start_matches(['"', '\'', '\\']);
    let skipped = rest.len() - after_quote.len();
    let trimmed = after_quote.trim_start();
    if let Some(r) = trimmed.strip_prefix(',') {
        let r2 = r.trim_start();
        let pm = ["\"value\"", "\\\"value\\\"", "'value'"].iter().find(|p| r2.starts_with(**p));
        if let Some(p) = pm {
            let pname = match &value {
                Value::Literal(s) | Value::Placeholder(s) | Value::Expr(s) => s.clone(),
            };
            let off = span.end + skipped + (after_quote.len() - trimmed.len()) + 1 + (r.len() - r2.len()) + p.len();
            let colon = text[off..].find(':')? + off + 1;
            let (v, vs) = read_one(text, colon)?;
            return Some((v, vs, (pname.eq_ignore_ascii_case(name)).then_some(pname)));
        }
    }
    Some((value, span, Some(name.to_owned())))
}

/// One value: a quoted string (span inside the quotes) or an expression up to `,` `}` `)` `]` `;`.
fn read_one(text: &str, at: usize) -> Option<(Value, Span)> {
    let b = text.as_bytes();
    let mut i = at;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    let escaped = b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\''));
    if escaped {
        i += 1;
    }
    // string prefixes: f"…" (Python), $"…" and @"…" (C#), r"…", b"…", u"…"
    if matches!(b.get(i), Some(b'f' | b'F' | b'r' | b'b' | b'u' | b'$' | b'@'))
        && matches!(b.get(i + 1), Some(b'"' | b'\''))
    {
        i += 1;
    }
    match b.get(i)? {
        q @ (b'"' | b'\'' | b'`') => {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j] != *q && b[j] != b'\n' {
                if b[j] == b'\\' {
                    if escaped && b.get(j + 1) == Some(q) {
                        break;
                    }
                    j += 1;
                }
                j += 1;
            }
            let j = j.min(b.len());
            let s = &text[start..j];
            Some((classify_value(s), Span::new(start, j)))
        }
        b'\n' | b'\r' => None,
        _ => {
            let start = i;
            let mut j = i;
            let mut depth = 0i32;
            while j < b.len() && b[j] != b'\n' {
                match b[j] {
                    b'(' | b'[' => depth += 1,
                    b')' | b']' if depth > 0 => depth -= 1,
                    b',' | b'}' | b')' | b']' | b';' if depth == 0 => break,
                    // a trailing comment (`# …`, `// …`) is not part of the value
                    b'#' if j > start && b[j - 1] == b' ' => break,
                    b'/' if j > start && b[j - 1] == b' ' && b.get(j + 1) == Some(&b'/') => break,
                    _ => {}
                }
                j += 1;
            }
            let s = text[start..j].trim_end();
            if s.is_empty() {
                return None;
            }
            Some((Value::Expr(s.to_owned()), Span::new(start, start + s.len())))
        }
    }
}

/// A URL string continued by concatenation on the same line (`"…/api/v1/" + key + "/balance"`,
/// PHP `.`, Lua `..`, C++ `<<`): the joined template with each expression as a `{placeholder}`,
/// and the span of the whole expression.
fn join_concat(text: &str, span: Span) -> Option<(String, Span)> {
    let mut url = text[span.range()].to_owned();
    let mut end = span.end;
    let mut joined = false;
    for _ in 0..16 {
        let Some(c) = CONCAT.captures(&text[end..]) else { break };
        let expr = c.get(1)?.as_str();
        url.push('{');
        url.push_str(expr.trim_start_matches(['$', '@']));
        url.push('}');
        joined = true;
        let whole = c.get(0)?;
        end += whole.end();
        if c.get(2).is_none() {
            break;
        }
        let next = url_end(text, end);
        if next == end {
            break;
        }
        url.push_str(&text[end..next]);
        end = next;
    }
    joined.then_some((url, Span::new(span.start, end)))
}

/// The physical lines joined by trailing `\` continuations around `line`.
fn logical_line(file: &SourceFile, line: usize) -> Span {
    let cont = |l: usize| file.slice(file.line_span(l)).trim_end().ends_with('\\');
    let mut lo = line;
    while lo > 1 && cont(lo - 1) {
        lo -= 1;
    }
    let mut hi = line;
    while hi < file.line_count() && cont(hi) {
        hi += 1;
    }
    Span::new(file.line_span(lo).start, file.line_span(hi).end)
}

/// curl `-d key=…`, `--data-urlencode "key=…"`, `-F key=…`: query with `-G`, body otherwise.
fn curl_params(file: &SourceFile, url: Span, line: usize) -> Vec<Param> {
    let logical = near(&file.text, logical_line(file, line), url, NEAR);
    let ltext = file.slice(logical);
    if !ltext.contains("curl") {
        return Vec::new();
    }
    let location = if CURL_GET.is_match(ltext) { ParamLocation::Query } else { ParamLocation::Body };
    let mut out = Vec::new();
    for c in CURL_DATA.captures_iter(ltext) {
        let name = c.get(2).unwrap();
        let quote = c.get(1).map_or("", |m| m.as_str());
        let vstart = logical.start + name.end() + 1;
        let rest = &ltext[name.end() + 1..];
        let vlen = rest
            .find(|ch: char| if quote.is_empty() { ch.is_whitespace() } else { quote.starts_with(ch) || ch == '\n' })
            .unwrap_or(rest.len());
        let value = &rest[..vlen];
        let start = logical.start + name.start();
        if start < url.end && url.start < vstart + vlen {
            continue;
        }
        out.push(Param {
            name: name.as_str().to_owned(),
            location,
            value: classify_value(value),
            span: Span::new(start, vstart + vlen),
            value_span: Span::new(vstart, vstart + vlen),
        });
    }
    out
}

/// Spans of URL tokens: every `scheme://…`, and every host-less path that starts with one of
/// the anchors (`/api/`), extended backwards over a host or a placeholder written before it.
fn url_spans(text: &str, anchors: &[String]) -> Vec<Span> {
    let b = text.as_bytes();
    let mut out: Vec<Span> = Vec::new();
    for (i, _) in text.match_indices("://") {
        let mut s = i;
        while s > 0 && b[s - 1].is_ascii_alphabetic() {
            s -= 1;
        }
        let scheme = &text[s..i];
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
            continue;
        }
        let e = url_end(text, i + 3);
        if e > i + 3 {
            out.push(Span::new(s, e));
        }
    }
    let covered = out.clone();
    for a in anchors {
        for (i, _) in text.match_indices(a.as_str()) {
            let k = covered.partition_point(|c| c.start <= i);
            if k > 0 && i < covered[k - 1].end {
                continue;
            }
            let s = url_start_before(text, i);
            let e = url_end(text, i);
            if e > i + a.len() {
                out.push(Span::new(s, e));
            }
        }
    }
    out
}

/// Extend a host-less path backwards over `{BASE}`, `${BASE}`, `{{base}}`, `$BASE`, `%s`, or a
/// bare host (`cc.voiso.com`).
fn url_start_before(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    if i == 0 {
        return 0;
    }
    if b[i - 1] == b'}' {
        let mut depth = 0i32;
        let mut j = i;
        while j > 0 {
            j -= 1;
            match b[j] {
                b'}' => depth += 1,
                b'{' => {
                    depth -= 1;
                    if depth == 0 {
                        while j > 0 && matches!(b[j - 1], b'{' | b'$' | b'#') {
                            j -= 1;
                        }
                        return j;
                    }
                }
                b'\n' => return i,
                _ => {}
            }
            if i - j > 200 {
                return i;
            }
        }
        return i;
    }
    let mut j = i;
    while j > 0 && (b[j - 1].is_ascii_alphanumeric() || matches!(b[j - 1], b'.' | b'-' | b'_' | b':')) {
        j -= 1;
    }
    let word = &text[j..i];
    if j > 0 && b[j - 1] == b'$' {
        return j - 1;
    }
    if j > 0 && b[j - 1] == b'%' && word == "s" {
        return j - 1;
    }
    if word.contains('.') && !word.starts_with('.') { j } else { i }
}

/// End of a URL token: stops at whitespace, quotes, brackets that are not part of a
/// placeholder, and drops trailing sentence punctuation.
fn url_end(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'{' => match find_close(b, i) {
                Some(j) => i = j + 1,
                None => break,
            },
            b'<' => {
                let j = b[i + 1..].iter().position(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'));
                match j {
                    Some(j) if j > 0 && b[i + 1 + j] == b'>' => i += j + 2,
                    _ => break,
                }
            }
            c if c.is_ascii_whitespace() => break,
            b'"' | b'\'' | b'`' | b'>' | b'(' | b')' | b'[' | b']' | b'}' | b'\\' | b',' | b';' | b'|' | b'^' => break,
            _ => i += 1,
        }
    }
    while i > from && matches!(b[i - 1], b'.' | b':' | b'!' | b'?' | b'*') {
        i -= 1;
    }
    // keep the token on a char boundary
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn find_close(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, &c) in b.iter().enumerate().skip(open).take(200) {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            b'\n' | b'"' | b'\'' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Encoding;

    fn run(src: &str) -> Vec<Candidate> {
        let cfg = ExtractConfig {
            path_anchors: vec!["/api/".into()],
            key_names: vec!["key".into()],
            header_names: vec!["authorization".into(), "x-api-key".into()],
        };
        let f = SourceFile::new("t", src.to_owned(), Encoding::Utf8);
        GenericExtractor::new(&cfg).extract(&f, &cfg)
    }

    #[test]
    fn finds_urls_and_methods() {
        let c = run("requests.post(f\"https://{cluster}.voiso.com/api/v1/{api_key}/click2call\", data=x)\n");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].url, "https://{cluster}.voiso.com/api/v1/{api_key}/click2call");
        assert_eq!(c[0].method, Some(Method::Post));
        let c = run("POST https://cc.voiso.com/api/v1/KEY/sendsms.\n");
        assert_eq!(c[0].url, "https://cc.voiso.com/api/v1/KEY/sendsms");
        assert_eq!(c[0].method, Some(Method::Post));
    }

    #[test]
    fn hostless_paths_take_their_placeholder_host() {
        let c = run("url = `${BASE}/api/v1/${key}/balance`;\nx = '{{base_url}}/api/v2/cdr?key={{api_key}}'\n");
        assert_eq!(c[0].url, "${BASE}/api/v1/${key}/balance");
        assert_eq!(c[1].url, "{{base_url}}/api/v2/cdr?key={{api_key}}");
    }

    #[test]
    fn joins_concatenation() {
        let c = run("fetch(\"https://cc.voiso.com/api/v1/\" + key + \"/agents_status.json\")\n");
        assert_eq!(c[0].url, "https://cc.voiso.com/api/v1/{key}/agents_status.json");
        assert!(!c[0].verbatim);
        let c = run("$u = 'https://cc.voiso.com/api/v2/cdr?key=' . $apiKey;\n");
        assert_eq!(c[0].url, "https://cc.voiso.com/api/v2/cdr?key={apiKey}");
    }

    #[test]
    fn curl_flags() {
        let c = run("curl -G https://cc.voiso.com/api/v2/cdr \\\n  --data-urlencode \"key=$VOISO_KEY\" -d page=2\n");
        assert_eq!(c[0].method, Some(Method::Get));
        let k = &c[0].params[0];
        assert_eq!((k.name.as_str(), k.location), ("key", ParamLocation::Query));
        assert_eq!(k.value, Value::Placeholder("$VOISO_KEY".into()));
        let c = run("curl -X PUT https://cc.voiso.com/api/v1/k/campaigns/1/contacts -d key=abc\n");
        assert_eq!(c[0].method, Some(Method::Put));
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
        // -G among combined short flags
        let c = run("curl -sG https://cc.voiso.com/api/v2/cdr -d \"key=$KEY\"\n");
        assert_eq!(c[0].method, Some(Method::Get));
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
        let c = run("curl -sS https://cc.voiso.com/api/v3/messages/whatsapp -d \"key=$KEY\"\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
        let c = run("curl -XGET https://cc.voiso.com/api/v2/cdr -d \"key=$KEY\"\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
    }

    #[test]
    fn body_and_params_fields() {
        let src = "payload = {\"key\": API_KEY, \"agent\": 1}\nrequests.post(\"https://cc.voiso.com/api/v3/messages/whatsapp\", json=payload)\nrequests.get(\"https://cc.voiso.com/api/v2/cdr\",\n  params={'key': 'a387aaf1f101fcdeadbeef00fe284aaf61'})\n";
        let c = run(src);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].params.len(), 1);
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
        assert_eq!(c[0].params[0].value, Value::Expr("API_KEY".into()));
        assert_eq!(c[1].params[0].location, ParamLocation::Query);
        assert!(c[1].params[0].value.is_literal());
    }

    #[test]
    fn object_literals_and_setters() {
        let c = run("axios.get('https://cc.voiso.com/api/v2/cdr', { params: { key: apiKey, page: 1 } })\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
        assert_eq!(c[0].params[0].value, Value::Expr("apiKey".into()));
        let src = "u := \"https://cc.voiso.com/api/v2/cdr\"\nq.Set(\"key\", apiKey)\n";
        let c = run(src);
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
        // reported at the quoted name, not the method
        assert_eq!(&src[c[0].params[0].span.start..c[0].params[0].span.start + 5], "\"key\"");
        // `add` is the query of a GET, the body of a POST; a path segment setter is no parameter
        let c = run("http.get(\"https://cc.voiso.com/api/v2/cdr\")\nq.Add(\"key\", apiKey)\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
        let c = run("http.post(\"https://cc.voiso.com/api/v3/messages/whatsapp\")\nform.add(\"key\", apiKey)\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
        let c = run("get(\"https://cc.voiso.com/api/v1/{key}/balance\")\n  .AddUrlSegment(\"key\", k)\n");
        assert!(c[0].params.is_empty());
        // set/append: by the receiver
        let c =
            run("fetch(\"https://cc.voiso.com/api/v3/messages/whatsapp\", {body: fd})\nformData.append(\"key\", k)\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
        let c = run("fetch(\"https://cc.voiso.com/api/v2/cdr?\" + params)\nparams.append(\"key\", k)\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
        let c = run("body.put(\"key\", \"k\");\npost(\"https://cc.voiso.com/api/v3/messages/whatsapp\")\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
        // the receiver says where the setter puts it
        let c = run("params.insert(\"key\", k);\nc.get(\"https://cc.voiso.com/api/v2/cdr\").query(&params)\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
        let c = run(
            "URI u = new URIBuilder(\"https://cc.voiso.com/api/v2/cdr\")\n  .addParameter(\"key\", k).build();\nhttp.get(u);\n",
        );
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
        let c = run("formData.append(\"key\", k);\npost(\"https://cc.voiso.com/api/v3/messages/whatsapp\")\n");
        assert_eq!(c[0].params[0].location, ParamLocation::Body);
    }

    #[test]
    fn headers_in_maps_builders_curl_and_http_files() {
        let c = run("requests.get(\"https://api.voxpria.com/api/v1/calls\",\n  headers={\"X-API-Key\": KEY})\n");
        let h = &c[0].params[0];
        assert_eq!(
            (h.name.as_str(), h.location, &h.value),
            ("X-API-Key", ParamLocation::Header, &Value::Expr("KEY".into()))
        );
        let c = run("curl -H \"Authorization: Token $K\" https://api.voxpria.com/api/v1/calls\n");
        assert_eq!(c[0].params[0].value, Value::Literal("Token $K".into()));
        let c = run("GET https://api.voxpria.com/api/v1/calls\nAuthorization: Bearer {{k}}\n");
        assert_eq!(c[0].params[0].value, Value::Literal("Bearer {{k}}".into()));
        let c = run("fetch(\"https://api.voxpria.com/api/v1/calls\", { headers: { Authorization: `bearer ${k}` } })\n");
        assert_eq!(c[0].params[0].value, Value::Placeholder("bearer ${k}".into()));
        let c = run(
            "r = requests.get(\"https://api.voxpria.com/api/v1/calls\", headers={'Authorization': f'Bearer {k}'})\n",
        );
        assert_eq!(c[0].params[0].value, Value::Literal("Bearer {k}".into()));
    }

    #[test]
    fn postman_pairs() {
        let src = r#"{"url": "https://cc.voiso.com/api/v2/cdr", "query": [{"key": "key", "value": "{{voiso_key}}"}, {"key": "page", "value": "1"}]}"#;
        let c = run(src);
        assert_eq!(c[0].params.len(), 1);
        assert_eq!(c[0].params[0].value, Value::Placeholder("{{voiso_key}}".into()));
        assert_eq!(c[0].params[0].location, ParamLocation::Query);
    }
}
