//! URL templates as language-aware extraction rebuilds them: a sequence of pieces, each either
//! text copied from the file (a string literal's content) or a hole for a value the code
//! computes (`{api_key}`), each remembering where in the file it came from. A template becomes
//! a [`Candidate`] whose `map` lets a finding point at the exact place of any part of the URL.

use super::{Candidate, Param};
use crate::catalog::Method;
use crate::source::Span;

/// Longest template kept (bytes): a URL is short; anything longer is not one.
pub const MAX_TEMPLATE: usize = 4096;

/// Where a range of a candidate's URL comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PieceMap {
    /// Byte range in `Candidate::url`.
    pub url: Span,
    /// Byte range in the file.
    pub src: Span,
    /// Whether the URL bytes are the file's bytes at `src` (a literal), rather than a value
    /// computed by the expression at `src` (a hole, or a resolved constant).
    pub exact: bool,
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub src: Span,
    pub exact: bool,
    /// A value the code computes (`{name}`), not text.
    pub hole: bool,
}

/// A URL (or any string) as an expression builds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Template {
    pub pieces: Vec<Piece>,
}

impl Template {
    /// Text copied from the file at `src`.
    #[must_use]
    pub fn literal(text: &str, src: Span) -> Self {
        Self { pieces: vec![Piece { text: text.to_owned(), src, exact: true, hole: false }] }
    }

    /// A value computed by the expression at `src`, shown as `{name}`.
    #[must_use]
    pub fn hole(name: &str, src: Span) -> Self {
        Self { pieces: vec![Piece { text: hole_text(name), src, exact: false, hole: true }] }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.pieces.iter().map(|p| p.text.len()).sum()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Append another template (bounded by [`MAX_TEMPLATE`]).
    pub fn push(&mut self, other: Self) {
        if self.len() + other.len() > MAX_TEMPLATE {
            return;
        }
        // an empty piece carries nothing, and code that edits a first or last piece
        // (`join` trimming a slash) relies on pieces having text
        self.pieces.extend(other.pieces.into_iter().filter(|p| !p.text.is_empty()));
    }

    /// The template's text.
    #[must_use]
    pub fn text(&self) -> String {
        self.pieces.iter().map(|p| p.text.as_str()).collect()
    }

    /// The same template, every piece now attributed to `src` (a constant resolved at a use
    /// site: its text is not at the use site).
    #[must_use]
    pub fn relocated(mut self, src: Span) -> Self {
        for p in &mut self.pieces {
            p.src = src;
            p.exact = false;
        }
        self
    }

    /// Whether this looks like an HTTP URL or an API path: a scheme, a path under one of the
    /// `anchors` (`/api/`), or a computed base followed by such a path (`{BASE}/api/v1/…`).
    #[must_use]
    pub fn is_url(&self, anchors: &[String]) -> bool {
        let text = self.text();
        let t = text.trim_start();
        let lower = t.get(..t.len().min(10)).unwrap_or("").to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return true;
        }
        let rest = match self.pieces.first() {
            Some(p) if p.hole => &text[p.text.len()..],
            _ => t,
        };
        anchors.iter().any(|a| rest.starts_with(a.as_str()))
    }

    /// A candidate for this template, located at `span` (the expression in the file).
    #[must_use]
    pub fn into_candidate(self, span: Span, method: Option<Method>, params: Vec<Param>) -> Candidate {
        let url = self.text();
        let mut map = Vec::with_capacity(self.pieces.len());
        let mut at = 0;
        for p in &self.pieces {
            map.push(PieceMap { url: Span::new(at, at + p.text.len()), src: p.src, exact: p.exact });
            at += p.text.len();
        }
        let verbatim = self.pieces.len() == 1 && self.pieces[0].exact && self.pieces[0].src == span;
        let verbatim_len =
            self.pieces.first().filter(|p| p.exact && p.src.start == span.start).map_or(0, |p| p.text.len());
        Candidate { url, span, verbatim, verbatim_len, method, params, map }
    }
}

/// `{name}` for a computed value: braces and line breaks out of the name, and at most 48 chars,
/// so the URL parser sees one placeholder.
#[must_use]
pub fn hole_text(name: &str) -> String {
    let mut n: String = name
        .chars()
        .filter(|c| !matches!(c, '{' | '}' | '\n' | '\r' | '/' | '?' | '&' | '#'))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .take(48)
        .collect();
    if n.trim().is_empty() {
        n = "expr".into();
    }
    format!("{{{}}}", n.trim())
}

/// A Ruby named reference at the start of `s`: `%<name>s` (with a conversion letter) or
/// `%{name}`; its length and the name.
fn ruby_named(s: &str) -> Option<(usize, &str)> {
    let is_name = |n: &str| !n.is_empty() && n.len() <= 64 && n.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
    let rest = s.strip_prefix('%')?;
    if let Some(r) = rest.strip_prefix('<') {
        let close = r.find('>')?;
        let name = &r[..close];
        // flags and width may sit between the name and the conversion letter (`%<n>05d`)
        let tail = &r.as_bytes()[close + 1..];
        let flags =
            tail.iter().take_while(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'#' | b' ')).count();
        let conv = tail.get(flags)?;
        return (is_name(name) && conv.is_ascii_alphabetic()).then_some((close + 4 + flags, name));
    }
    let r = rest.strip_prefix('{')?;
    let close = r.find('}')?;
    let name = &r[..close];
    is_name(name).then_some((close + 3, name))
}

/// Substitute printf-style (`%s`, `%d`, `%v`, `%(name)s`, Ruby's `%<name>s` and `%{name}`) or
/// brace-style (`{}`, `{0}`, `{name}`) placeholders of a format string with argument templates,
/// positionally or by name. Pieces with no matching argument are left as they are (they are
/// placeholders already).
#[must_use]
pub fn substitute(fmt: &Template, args: &[Template], named: &[(String, Template)]) -> Template {
    let mut out = Template::default();
    let mut next = 0usize;
    for p in &fmt.pieces {
        if p.hole {
            out.pieces.push(p.clone());
            continue;
        }
        let text = &p.text;
        let b = text.as_bytes();
        let mut last = 0;
        let mut i = 0;
        let emit_lit = |out: &mut Template, from: usize, to: usize| {
            if from < to {
                out.pieces.push(Piece {
                    text: text[from..to].to_owned(),
                    src: if p.exact { Span::new(p.src.start + from, p.src.start + to) } else { p.src },
                    exact: p.exact,
                    hole: false,
                });
            }
        };
        while i < b.len() {
            let (len, arg): (usize, Option<Template>) = if b[i] == b'%' && i + 1 < b.len() {
                if b[i + 1] == b'%' {
                    (2, None)
                } else if b[i + 1] == b'(' {
                    match text[i..].find(")s") {
                        Some(close) => {
                            let name = &text[i + 2..i + close];
                            (close + 2, named.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()))
                        }
                        None => (1, None),
                    }
                } else if let Some((len, name)) = ruby_named(&text[i..]) {
                    // Ruby `format("%<base>s/%{key}", base: …, key: …)`
                    (len, named.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()))
                } else {
                    // %s %d %v %q %i %f %x, with optional flags/width (%-10s, %05d)
                    let mut j = i + 1;
                    while j < b.len() && (b[j].is_ascii_digit() || matches!(b[j], b'-' | b'+' | b'.' | b'#' | b' ')) {
                        j += 1;
                    }
                    if j < b.len() && matches!(b[j], b's' | b'd' | b'v' | b'q' | b'i' | b'f' | b'x' | b'@' | b'u') {
                        let a = args.get(next).cloned();
                        next += 1;
                        (j + 1 - i, a)
                    } else {
                        (1, None)
                    }
                }
            } else if b[i] == b'{' {
                match text[i..].find('}') {
                    Some(close) => {
                        let inner = &text[i + 1..i + close];
                        let name = inner.split([':', '!']).next().unwrap_or("");
                        if name.is_empty() {
                            let a = args.get(next).cloned();
                            next += 1;
                            (close + 1, a)
                        } else if let Ok(k) = name.parse::<usize>() {
                            (close + 1, args.get(k).cloned())
                        } else if name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
                            (close + 1, named.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()))
                        } else {
                            (1, None)
                        }
                    }
                    None => (1, None),
                }
            } else {
                (1, None)
            };
            if let Some(a) = arg {
                emit_lit(&mut out, last, i);
                out.push(a);
                last = i + len;
            }
            i += len.max(1);
            while i < b.len() && !text.is_char_boundary(i) {
                i += 1;
            }
        }
        emit_lit(&mut out, last, text.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_map_pieces_back_to_the_file() {
        let mut t = Template::literal("https://cc.voiso.com/api/v1/", Span::new(10, 38));
        t.push(Template::hole("api_key", Span::new(50, 57)));
        t.push(Template::literal("/balance", Span::new(60, 68)));
        let c = t.into_candidate(Span::new(9, 69), None, Vec::new());
        assert_eq!(c.url, "https://cc.voiso.com/api/v1/{api_key}/balance");
        assert!(!c.verbatim);
        // the key segment lands on the expression that computes it
        let seg = Span::new(28, 37);
        assert_eq!(&c.url[seg.range()], "{api_key}");
        assert_eq!(c.locate(seg), Some(Span::new(50, 57)));
        assert_eq!(c.exact(seg), None);
        // a literal segment is exact
        assert_eq!(c.exact(Span::new(38, 45)), Some(Span::new(61, 68)));
    }

    #[test]
    fn printf_and_brace_formats() {
        let f = Template::literal("%s/%s/balance", Span::new(0, 13));
        let out = substitute(
            &f,
            &[
                Template::literal("https://x.voiso.com/api/v1", Span::new(20, 46)),
                Template::hole("key", Span::new(50, 53)),
            ],
            &[],
        );
        assert_eq!(out.text(), "https://x.voiso.com/api/v1/{key}/balance");
        let f = Template::literal("{}/{k}/x?a=%d", Span::new(0, 13));
        let out = substitute(
            &f,
            &[Template::literal("B", Span::new(20, 21))],
            &[("k".into(), Template::hole("key", Span::new(30, 33)))],
        );
        assert_eq!(out.text(), "B/{key}/x?a=%d");
    }

    #[test]
    fn ruby_named_references() {
        let f = Template::literal("%<base>s/%{key}/sendsms %<n>05d %{} %<x", Span::new(0, 40));
        let out = substitute(
            &f,
            &[],
            &[
                ("base".into(), Template::literal("https://x.voiso.com/api/v1", Span::new(50, 76))),
                ("key".into(), Template::hole("api_key", Span::new(80, 87))),
            ],
        );
        // an unknown name stays text, as a malformed reference does
        assert_eq!(out.text(), "https://x.voiso.com/api/v1/{api_key}/sendsms %<n>05d %{} %<x");
    }

    #[test]
    fn urls_and_paths() {
        let anchors = vec!["/api/".to_owned()];
        assert!(Template::literal("https://a.b/c", Span::default()).is_url(&anchors));
        assert!(Template::literal("/api/v1/x", Span::default()).is_url(&anchors));
        let mut t = Template::hole("BASE", Span::default());
        t.push(Template::literal("/api/v2/cdr", Span::default()));
        assert!(t.is_url(&anchors));
        assert!(!Template::literal("hello /api/", Span::default()).is_url(&anchors));
        assert_eq!(hole_text("os.environ[\"K\"]"), "{os.environ[\"K\"]}");
    }
}
