//! The literal prefilter: one Aho-Corasick automaton over every loaded catalog's literals (host
//! fragments, vendor names, the distinctive path fragments). A file without a hit is done after
//! one pass over its bytes, whatever the number of rules and endpoints.
//!
//! Matching is ASCII-case-insensitive without `ascii_case_insensitive` (which loses the SIMD
//! Teddy searcher and runs byte by byte, about 3x slower on a large tree) and without case
//! variants of every literal (which pass Teddy's limit of 64 patterns once a few vendors are
//! loaded): the bytes are lowercased in cache-sized chunks and searched for the lowercase
//! literals. Literals that contain another literal are dropped (`voiso.com` goes, `voiso`
//! stays), so the automaton holds about one literal per vendor plus the distinctive paths.

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Bytes lowercased and searched at a time: fits in L1/L2 next to the automaton.
const CHUNK: usize = 32 * 1024;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(CHUNK + 256));
}

#[derive(Debug)]
pub struct Prefilter {
    ac: AhoCorasick,
    literals: Vec<String>,
    /// Longest literal: consecutive chunks overlap by this minus one byte.
    longest: usize,
}

impl Prefilter {
    /// Build from literals, matched ASCII-case-insensitively.
    #[must_use]
    pub fn new(literals: Vec<String>) -> Self {
        let mut lower: Vec<String> =
            literals.iter().map(|l| l.to_ascii_lowercase()).filter(|l| !l.is_empty()).collect();
        lower.sort_by_key(String::len);
        lower.dedup();
        // a literal that contains a shorter one can never be the only hit
        let mut minimal: Vec<String> = Vec::with_capacity(lower.len());
        for l in lower {
            if !minimal.iter().any(|m| l.contains(m.as_str())) {
                minimal.push(l);
            }
        }
        minimal.sort();
        let longest = minimal.iter().map(String::len).max().unwrap_or(1);
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&minimal)
            .expect("prefilter literals are plain strings");
        Self { ac, literals: minimal, longest }
    }

    /// Whether the bytes may hold a vendor call.
    #[must_use]
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        SCRATCH.with(|scratch| {
            let mut buf = scratch.borrow_mut();
            let overlap = self.longest.saturating_sub(1);
            let mut at = 0;
            while at < bytes.len() {
                let start = at.saturating_sub(overlap);
                let end = (at + CHUNK).min(bytes.len());
                buf.clear();
                buf.extend(bytes[start..end].iter().map(u8::to_ascii_lowercase));
                if self.ac.is_match(buf.as_slice()) {
                    return true;
                }
                at = end;
            }
            false
        })
    }

    /// The literals searched (lowercase, minimal).
    #[must_use]
    pub fn literals(&self) -> &[String] {
        &self.literals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_and_minimal() {
        let p = Prefilter::new(vec!["voiso".into(), "voiso.com".into(), "/click2call".into()]);
        assert_eq!(p.literals(), ["/click2call", "voiso"]);
        assert!(p.is_match(b"VOISO_API_KEY=1"));
        assert!(p.is_match(b"// Voiso client"));
        assert!(p.is_match(b"vOiSo"));
        assert!(p.is_match(b"https://cc.voiso.com/x"));
        assert!(p.is_match(b"x = '/api/v1/k/click2call'"));
        assert!(!p.is_match(b"nothing to see"));
    }

    #[test]
    fn finds_a_literal_across_a_chunk_boundary() {
        let p = Prefilter::new(vec!["/click2call".into()]);
        for cut in [CHUNK - 5, CHUNK - 1, CHUNK, CHUNK + 3] {
            let mut b = vec![b'x'; cut];
            b.extend_from_slice(b"/CLICK2CALL");
            b.extend(std::iter::repeat_n(b'y', 100));
            assert!(p.is_match(&b), "cut at {cut}");
        }
        assert!(!p.is_match(&vec![b'x'; 3 * CHUNK]));
    }
}
