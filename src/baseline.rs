//! Baselines: `--write-baseline FILE` records the fingerprints of today's findings (sorted JSON;
//! no line numbers, no timestamps, no secrets: a fingerprint hashes the matched text);
//! `--baseline FILE` hides those findings and lists the entries that match nothing any more.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::check::Finding;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Clone)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

impl Baseline {
    #[must_use]
    pub fn from_findings(findings: &[Finding]) -> Self {
        let set: BTreeSet<Entry> = findings
            .iter()
            .map(|f| Entry { path: f.path.clone(), rule: f.rule.clone(), fingerprint: f.fingerprint.clone() })
            .collect();
        Self { version: 1, findings: set.into_iter().collect() }
    }

    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self).map_err(io::Error::from)?;
        writeln!(out)
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let b: Self = serde_json::from_str(text).map_err(|e| format!("not a scopeshift baseline: {e}"))?;
        if b.version != 1 {
            return Err(format!("baseline version {} is not supported (expected 1)", b.version));
        }
        Ok(b)
    }

    /// Drop the findings the baseline knows; return the entries no finding matched.
    pub fn apply(&self, findings: &mut Vec<Finding>) -> Vec<Entry> {
        let known: BTreeSet<&str> = self.findings.iter().map(|e| e.fingerprint.as_str()).collect();
        let present: BTreeSet<String> = findings.iter().map(|f| f.fingerprint.clone()).collect();
        findings.retain(|f| !known.contains(f.fingerprint.as_str()));
        self.findings.iter().filter(|e| !present.contains(&e.fingerprint)).cloned().collect()
    }
}
