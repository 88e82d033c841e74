//! URL templates: split a URL as written (with placeholders such as `{key}`, `${KEY}`, `<key>`,
//! `:key`, `%s`, `#{key}`, `{{api_key}}`) into host, path segments and query parameters, keeping
//! the offset of every piece so a finding can point at the exact segment.

use super::{Param, ParamLocation, Value};
use crate::source::Span;

/// One piece of a URL, with its byte range inside the URL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub at: Span,
    pub placeholder: bool,
}

/// A parsed URL template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTemplate {
    /// `None` for a host-less path; a placeholder host (`{BASE}`) is `Some` with `placeholder`.
    pub host: Option<Piece>,
    pub segments: Vec<Piece>,
    /// Query parameters, with spans relative to the URL text.
    pub query: Vec<Param>,
}

impl UrlTemplate {
    #[must_use]
    pub fn parse(url: &str) -> Self {
        let (mut host, mut rest_at) = (None, 0);
        if let Some(i) = url.find("://").filter(|&i| url[..i].bytes().all(|b| b.is_ascii_alphabetic())) {
            let start = i + 3;
            let end = find_top(url, start, &['/', '?']).unwrap_or(url.len());
            let text = &url[start..end];
            host = Some(Piece { text: text.to_owned(), at: Span::new(start, end), placeholder: is_placeholder(text) });
            rest_at = end;
        } else if !url.starts_with('/') {
            // `{BASE}/api/...`, `$HOST/api/...`, `cc.voiso.com/api/...`
            if let Some(end) = find_top(url, 0, &['/']) {
                let text = &url[..end];
                host = Some(Piece { text: text.to_owned(), at: Span::new(0, end), placeholder: is_placeholder(text) });
                rest_at = end;
            }
        }
        let path_end = find_top(url, rest_at, &['?']).unwrap_or(url.len());
        let path_end = fragment_start(url, rest_at, path_end);
        let mut segments = Vec::new();
        let mut at = rest_at;
        for part in split_top(&url[rest_at..path_end], '/') {
            let start = at;
            at += part.len() + 1;
            if part.is_empty() {
                continue;
            }
            segments.push(Piece {
                text: part.to_owned(),
                at: Span::new(start, start + part.len()),
                placeholder: is_placeholder(part),
            });
        }
        let mut query = Vec::new();
        if path_end < url.len() && url.as_bytes()[path_end] == b'?' {
            let qs_start = path_end + 1;
            let qs_end = fragment_start(url, qs_start, url.len());
            let mut at = qs_start;
            for part in split_top(&url[qs_start..qs_end], '&') {
                let start = at;
                at += part.len() + 1;
                let part_trim = part.strip_prefix("amp;").unwrap_or(part);
                let skip = part.len() - part_trim.len();
                let Some(eq) = part_trim.find('=') else { continue };
                let name = &part_trim[..eq];
                let value = &part_trim[eq + 1..];
                let vstart = start + skip + eq + 1;
                query.push(Param {
                    name: name.to_owned(),
                    location: ParamLocation::Query,
                    value: classify_value(value),
                    span: Span::new(start + skip, start + part.len()),
                    value_span: Span::new(vstart, vstart + value.len()),
                });
            }
        }
        Self { host, segments, query }
    }
}

/// Literal, placeholder or expression, for a value written inline (query string or quoted).
#[must_use]
pub fn classify_value(v: &str) -> Value {
    if v.is_empty() || is_placeholder(v) || v.contains("${") || v.contains("{{") || v.contains("#{") {
        Value::Placeholder(v.to_owned())
    } else if v.starts_with('{') || v.starts_with('$') || v.starts_with('%') {
        Value::Expr(v.to_owned())
    } else {
        Value::Literal(v.to_owned())
    }
}

/// Whether a whole segment (or value) is a placeholder rather than a literal.
#[must_use]
pub fn is_placeholder(s: &str) -> bool {
    let wrapped = |o: &str, c: &str| s.len() >= o.len() + c.len() && s.starts_with(o) && s.ends_with(c);
    if wrapped("{", "}") || wrapped("${", "}") || wrapped("#{", "}") || wrapped("<", ">") || wrapped("[", "]") {
        return true;
    }
    if let Some(rest) = s.strip_prefix(':').or_else(|| s.strip_prefix('$')) {
        return !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    }
    if matches!(s, "%s" | "%d" | "%v" | "%@" | "%i" | "?" | "*") || (s.starts_with("%(") && s.ends_with(")s")) {
        return true;
    }
    // YOUR_API_KEY, API_KEY, KEY, XXXX; not an upper-case hex key (`A204CF…`): digits without
    // an underscore make a value, not a name
    let upper = s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.split('_').all(|w| w.len() <= 4 || !w.bytes().any(|b| b.is_ascii_digit()));
    let filler = s.len() >= 4 && s.bytes().all(|b| b == b'x' || b == b'X' || b == b'*' || b == b'.');
    let example = s.to_ascii_lowercase();
    let example =
        ["your_", "your-", "my_api", "insert_", "api_key_here", "changeme", "<"].iter().any(|p| example.contains(p));
    upper || filler || example
}

/// Index of the first of `stops` at brace depth 0, from `from`.
fn find_top(s: &str, from: usize, stops: &[char]) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s[from..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if depth <= 0 && stops.contains(&c) => return Some(from + i),
            _ => {}
        }
    }
    None
}

/// A `#` fragment starts the fragment unless it opens a Ruby `#{}` interpolation.
fn fragment_start(s: &str, from: usize, to: usize) -> usize {
    let b = s.as_bytes();
    let mut depth = 0i32;
    for i in from..to {
        match b[i] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b'#' if depth <= 0 && b.get(i + 1) != Some(&b'{') => return i,
            _ => {}
        }
    }
    to
}

fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            c if c == sep && depth <= 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(u: &UrlTemplate) -> Vec<(&str, bool)> {
        u.segments.iter().map(|p| (p.text.as_str(), p.placeholder)).collect()
    }

    #[test]
    fn parses_host_path_query() {
        let s = "https://cc-ams03.voiso.com/api/v2/cdr?key={user_key}&page=2#top";
        let u = UrlTemplate::parse(s);
        assert_eq!(u.host.as_ref().unwrap().text, "cc-ams03.voiso.com");
        assert_eq!(texts(&u), vec![("api", false), ("v2", false), ("cdr", false)]);
        assert_eq!(u.query.len(), 2);
        assert_eq!(u.query[0].name, "key");
        assert_eq!(u.query[0].value, Value::Placeholder("{user_key}".into()));
        assert_eq!(&s[u.query[0].span.range()], "key={user_key}");
    }

    #[test]
    fn placeholders_in_every_style() {
        for p in ["{key}", "${KEY}", "#{key}", "<key>", ":key", "%s", "$KEY", "{}", "YOUR_API_KEY", "{{api_key}}"] {
            let s = format!("https://{{cluster}}.voiso.com/api/v1/{p}/balance");
            let u = UrlTemplate::parse(&s);
            assert_eq!(texts(&u)[2], (p, true), "{p}");
            assert!(u.host.unwrap().text.ends_with(".voiso.com"));
        }
        for key in ["A204CF426A66DB3F2680F211B29978A1", "A204CF426A66DB3F2680F211B29978A1_PROD"] {
            assert!(!is_placeholder(key), "{key}");
        }
        let u = UrlTemplate::parse("/api/v1/a204cf426a66db3f2680f211b29978a10ed78fff247ad35f/click2call");
        assert!(u.host.is_none());
        assert!(!u.segments[2].placeholder);
    }

    #[test]
    fn placeholder_hosts_and_ruby_interpolation() {
        let u = UrlTemplate::parse("{{base_url}}/api/v1/#{key}/sendsms");
        assert!(u.host.as_ref().unwrap().placeholder);
        assert_eq!(texts(&u)[2], ("#{key}", true));
        let u = UrlTemplate::parse("${VOISO_URL}/api/v2/cdr?key=${KEY}");
        assert!(u.host.unwrap().placeholder);
        assert_eq!(u.query[0].value, Value::Placeholder("${KEY}".into()));
    }
}
