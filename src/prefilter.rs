//! The literal prefilter: one Aho-Corasick automaton over every loaded catalog's literals (host
//! fragments, vendor names, the distinctive path fragments). A file without a hit is done after
//! one pass over its bytes, whatever the number of rules and endpoints.
//!
//! Each literal is searched in its common casings (`voiso`, `VOISO`, `Voiso`) rather than with
//! `ascii_case_insensitive`: case-insensitive automata lose the SIMD (Teddy) prefilter and run
//! byte by byte, about 4x slower on a large tree (measured with `bench/run.sh`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

#[derive(Debug)]
pub struct Prefilter {
    ac: AhoCorasick,
    literals: Vec<String>,
}

impl Prefilter {
    /// Build from literals, each matched as written, in lower case, in upper case and capitalized.
    #[must_use]
    pub fn new(literals: Vec<String>) -> Self {
        let mut all: Vec<String> = Vec::with_capacity(literals.len() * 3);
        for l in &literals {
            let lower = l.to_ascii_lowercase();
            let mut cap = lower.clone();
            if let Some(first) = cap.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            all.extend([l.clone(), l.to_ascii_uppercase(), lower, cap]);
        }
        all.sort();
        all.dedup();
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&all)
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
    fn common_casings() {
        let p = Prefilter::new(vec!["voiso".into(), "/click2call".into()]);
        assert!(p.is_match(b"VOISO_API_KEY=1"));
        assert!(p.is_match(b"// Voiso client"));
        assert!(p.is_match(b"https://cc.voiso.com/x"));
        assert!(p.is_match(b"x = '/api/v1/k/click2call'"));
        assert!(!p.is_match(b"nothing to see"));
    }
}
