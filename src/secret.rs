//! Secrets are never written in full: every output goes through these helpers.

/// `****b6c3`: all but the last 4 characters hidden (a value of 4 characters or fewer is hidden whole).
#[must_use]
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    if n <= 4 {
        return "****".to_owned();
    }
    let tail: String = secret.chars().skip(n - 4).collect();
    format!("****{tail}")
}

/// Same-length masking for source excerpts, so byte offsets into the text stay valid: every
/// character but the last 4 becomes `*` (one per byte; all of them when the value is 8
/// characters or fewer).
#[must_use]
pub fn mask_in_place(secret: &str) -> String {
    let n = secret.chars().count();
    let keep = if n > 8 { 4 } else { 0 };
    let mut out = String::with_capacity(secret.len());
    for (i, c) in secret.chars().enumerate() {
        if i + keep < n {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a literal looks like a real credential rather than a word, an identifier or a
/// placeholder: 16+ characters of `[A-Za-z0-9_.-]` with a run of 16+ letters and digits that mixes
/// both (so `click2call_hangup` and `contact_center.wrapup_codes.read` are not keys, while hex
/// keys, `agl_sk_…` keys and mixed-case tokens are).
#[must_use]
pub fn looks_like_key(s: &str) -> bool {
    s.len() >= 16
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        && !s.contains("..")
        && s.split(['_', '-', '.']).any(|run| {
            run.len() >= 16 && run.bytes().any(|b| b.is_ascii_digit()) && run.bytes().any(|b| b.is_ascii_alphabetic())
        })
}

/// Key-shaped tokens in a text (runs of `[A-Za-z0-9_.-]` that [`looks_like_key`]), with their
/// byte offsets.
#[must_use]
pub fn key_tokens(text: &str) -> Vec<(usize, &str)> {
    let is_tok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !is_tok(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_tok(b[i]) {
            i += 1;
        }
        let t = text[start..i].trim_end_matches(".json");
        if looks_like_key(t) {
            out.push((start, t));
        }
    }
    out
}

/// Mask every key-shaped token in free text (panic messages, error messages that quote input).
#[must_use]
pub fn mask_tokens(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if looks_like_key(token) {
            out.push_str(&mask(token));
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_last_four() {
        assert_eq!(mask("a204cf426a66db3f2680f211b29978a10ed78fff247ad35f"), "****d35f");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask_in_place("0123456789"), "******6789");
        assert_eq!(mask_in_place("short"), "*****");
    }

    #[test]
    fn masks_tokens_in_free_text() {
        let m = mask_tokens(
            "byte index 3 is not a char boundary of `https://x/api/v1/a204cf426a66db3f2680f211b29978a10ed78fff247ad35f/b`",
        );
        assert!(m.contains("****d35f") && !m.contains("a204cf426a66"), "{m}");
    }

    #[test]
    fn key_shapes() {
        assert!(looks_like_key("a204cf426a66db3f2680f211b29978a10ed78fff247ad35f"));
        assert!(!looks_like_key("click2call"));
        assert!(!looks_like_key("agents_status_json_file"));
        assert!(!looks_like_key("click2call_hangup"));
        assert!(!looks_like_key("contact_center.wrapup_codes.read"));
        assert!(looks_like_key("agl_sk_Xy3kQ9vL2mN8pR4tW6zA1bC5dE7fG0hJ"));
        assert!(looks_like_key("a1ezS0VyGWbLugoejxeuTxGziEmWPgZK"));
    }
}
