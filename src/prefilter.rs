//! The literal prefilter: one Aho-Corasick automaton over every loaded catalog's literals (host
//! fragments, vendor names, the distinctive path fragments). A file without a hit is done after
//! one pass over its bytes, whatever the number of rules and endpoints.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

#[derive(Debug)]
pub struct Prefilter {
    ac: AhoCorasick,
    literals: Vec<String>,
}

impl Prefilter {
    /// Build from literals, matched ASCII-case-insensitively.
    #[must_use]
    pub fn new(literals: Vec<String>) -> Self {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&literals)
            .expect("prefilter literals are plain strings");
        Self { ac, literals }
    }

    /// Whether the bytes may hold a vendor call.
    #[must_use]
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        self.ac.is_match(bytes)
    }

    #[must_use]
    pub fn literals(&self) -> &[String] {
        &self.literals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_literals() {
        let p = Prefilter::new(vec!["voiso".into(), "/click2call".into()]);
        assert!(p.is_match(b"VOISO_API_KEY=1"));
        assert!(p.is_match(b"x = '/api/v1/k/click2call'"));
        assert!(!p.is_match(b"nothing to see"));
    }
}
