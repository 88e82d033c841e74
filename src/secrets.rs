//! Hard-coded keys: literals that are a vendor's key by where they stand (a legacy URL's key
//! segment or `key` parameter, a name such as `VOISO_API_KEY`, the Bearer value next to a vendor
//! call) or by shape (a catalog key format). Placeholders, example values, repeated filler and
//! values read from the environment are not keys. Every hit is masked wherever it is shown.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::Catalog;
use crate::extract::Value;
use crate::extract::url::classify_value;
use crate::source::{SourceFile, Span};

/// Why a literal is taken for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// The key position of a legacy URL, or the vendor's key parameter.
    KeyPosition,
    /// Assigned to a name that says it is the vendor's key.
    Name,
    /// Sent as `Authorization: Bearer` next to a vendor call.
    Bearer,
    /// Matches one of the vendor's key formats.
    Format,
}

/// A literal key: its span (the value only), the vendor (index into the catalog) and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub span: Span,
    pub vendor: usize,
    pub evidence: Evidence,
}

static BEARER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?-u:\b)Bearer\s+([A-Za-z0-9._~+/=-]{16,})").unwrap());

/// Lines around a vendor call in which a Bearer literal is taken for that vendor's key.
const BEARER_WINDOW: usize = 10;

/// The per-run matcher over every vendor's key names.
#[derive(Debug)]
pub struct Secrets {
    /// `<name with a vendor word and key/token/secret> <sep>`; group 1 is the name.
    assign: Option<Regex>,
}

impl Secrets {
    #[must_use]
    pub fn new(catalog: &Catalog) -> Self {
        let words: Vec<String> =
            catalog.vendors.iter().flat_map(|v| v.secret_names.iter().map(|w| regex::escape(w))).collect();
        let assign = (!words.is_empty()).then(|| {
            let w = words.join("|");
            Regex::new(&format!(
                r#"(?i)([A-Za-z0-9_.-]*(?:{w})[A-Za-z0-9_.-]*?(?:key|token|secret)[A-Za-z0-9_]*)\\?["']?\s*(?::=|=>|:|=)\s*"#
            ))
            .unwrap()
        });
        Self { assign }
    }

    /// Every key literal in the file. `named[v]`: the file names vendor `v` (its formats apply);
    /// `url_keys` are the literals the matcher found in key positions of vendor calls; `calls`
    /// the lines of vendor calls, per vendor.
    #[must_use]
    pub fn find(
        &self,
        catalog: &Catalog,
        file: &SourceFile,
        named: &[bool],
        url_keys: &[(Span, usize)],
        calls: &[(usize, usize)],
    ) -> Vec<Hit> {
        let text = file.text.as_str();
        let mut hits: Vec<Hit> = url_keys
            .iter()
            .filter(|(s, _)| is_plausible_key(file.slice(*s)))
            .map(|&(span, vendor)| Hit { span, vendor, evidence: Evidence::KeyPosition })
            .collect();
        if let Some(assign) = &self.assign {
            for c in assign.captures_iter(text) {
                let name = c.get(1).unwrap().as_str().to_ascii_lowercase();
                let Some(vendor) = catalog.vendors.iter().position(|v| v.secret_names.iter().any(|w| name.contains(w)))
                else {
                    continue;
                };
                let Some((Value::Literal(v), span)) = read_literal(text, c.get(0).unwrap().end()) else { continue };
                if is_plausible_key(&v) {
                    hits.push(Hit { span, vendor, evidence: Evidence::Name });
                }
            }
        }
        if !calls.is_empty() {
            for c in BEARER.captures_iter(text) {
                let m = c.get(1).unwrap();
                let line = file.position(m.start()).line;
                // calls are in file order: look at the two around this line only
                let k = calls.partition_point(|(l, _)| *l < line);
                let near = [k.checked_sub(1), Some(k)]
                    .into_iter()
                    .flatten()
                    .filter_map(|i| calls.get(i))
                    .filter(|(l, _)| l.abs_diff(line) <= BEARER_WINDOW)
                    .min_by_key(|(l, _)| l.abs_diff(line));
                if let Some(&(_, vendor)) = near
                    && is_plausible_key(m.as_str())
                {
                    hits.push(Hit { span: Span::new(m.start(), m.end()), vendor, evidence: Evidence::Bearer });
                }
            }
        }
        for (vi, v) in catalog.vendors.iter().enumerate() {
            for f in v.key_formats.iter().filter(|f| f.anywhere || named[vi]) {
                for m in f.regex.find_iter(text) {
                    if is_plausible_key(m.as_str()) {
                        hits.push(Hit { span: Span::new(m.start(), m.end()), vendor: vi, evidence: Evidence::Format });
                    }
                }
            }
        }
        // one hit per literal: the strongest evidence wins (the order above), overlaps collapse
        hits.sort_by_key(|h| (h.span.start, h.evidence as u8));
        let mut out: Vec<Hit> = Vec::with_capacity(hits.len());
        for h in hits {
            match out.last() {
                Some(last) if h.span.start < last.span.end => {}
                _ => out.push(h),
            }
        }
        out
    }
}

/// A quoted literal, or a bare one up to whitespace or `,;#`, after an assignment.
fn read_literal(text: &str, at: usize) -> Option<(Value, Span)> {
    let b = text.as_bytes();
    let mut i = at;
    if b.get(i) == Some(&b'\\') {
        i += 1;
    }
    match *b.get(i)? {
        q @ (b'"' | b'\'' | b'`') => {
            let start = i + 1;
            let end = start + text[start..].find(|c: char| c as u32 == u32::from(q) || c == '\n' || c == '\\')?;
            Some((classify_value(&text[start..end]), Span::new(start, end)))
        }
        c if c.is_ascii_alphanumeric() => {
            let end = i + text[i..]
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '#' | ')' | '}' | ']' | '"' | '\''))
                .unwrap_or(text.len() - i);
            let v = &text[i..end];
            // an identifier or call (`os.environ`, `process.env.X`, `getenv(`) is not a literal
            if v.contains('(') || v.contains("env") || v.contains("ENV") {
                return None;
            }
            Some((classify_value(v), Span::new(i, end)))
        }
        _ => None,
    }
}

/// Whether a literal can be a real key: 16+ characters of a token alphabet, letters and digits
/// mixed, and not a placeholder, an example, repeated filler or a UUID.
#[must_use]
pub fn is_plausible_key(s: &str) -> bool {
    if s.len() < 16 || s.len() > 200 {
        return false;
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'~' | b'+' | b'/' | b'=')) {
        return false;
    }
    if !s.bytes().any(|b| b.is_ascii_digit()) || !s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    const EXAMPLES: &[&str] = &[
        "your",
        "example",
        "sample",
        "placeholder",
        "changeme",
        "dummy",
        "redacted",
        "xxxx",
        "insert",
        "replace",
        "here",
    ];
    if EXAMPLES.iter().any(|w| lower.contains(w)) || crate::extract::url::is_placeholder(s) {
        return false;
    }
    if is_filler(s.as_bytes()) || is_uuid(s) {
        return false;
    }
    // a run of one character over half the value is filler too (`a0000000000000000000`)
    let mut best = 0;
    let mut run = 0;
    let mut prev = 0u8;
    for &c in s.as_bytes() {
        run = if c == prev { run + 1 } else { 1 };
        prev = c;
        best = best.max(run);
    }
    best * 2 <= s.len()
}

/// A short unit repeated (`41ad8041ad8041ad80…`, `abcabcabc…`).
fn is_filler(b: &[u8]) -> bool {
    (1..=8).any(|unit| b.len() >= unit * 3 && b.iter().enumerate().all(|(i, c)| *c == b[i % unit]))
}

fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_keys() {
        assert!(is_plausible_key("a204cf426a66db3f2680f211b29978a10ed78fff247ad35f"));
        assert!(is_plausible_key("ZXTf40WQMcQQJHZKGMhHL8av1AvonVHy"));
        for not in [
            "your_api_key_here",
            "YOUR_API_KEY",
            "41ad8041ad8041ad8041ad8041ad80",
            "xxxxxxxxxxxxxxxxxxxxxxxx",
            "changeme-changeme-1",
            "123e4567-e89b-12d3-a456-426614174000",
            "${VOISO_API_KEY}",
            "short1",
            "abcdefghijklmnopqrstuvwx",
            "a0000000000000000000000000",
        ] {
            assert!(!is_plausible_key(not), "{not}");
        }
    }
}
