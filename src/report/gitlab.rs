//! `--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality`), a JSON
//! array of Code Climate issues, shown in the merge request widget and the diff.
//!
//! Severity: `error` → `major`, `warning` → `minor`. `critical`/`blocker` are left for findings
//! that are exploitable as found (a leaked key); a legacy placement is a defect to fix before the
//! migration, not a live incident. The fingerprint is the content fingerprint (no line number),
//! so GitLab tracks an issue across commits; GitLab needs it unique within a report, so a second
//! finding with the same fingerprint (the same call written twice in one file) gets the hash of
//! the fingerprint and its occurrence number. File errors are not code quality issues and are not
//! listed (they are in every other format).

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Emitter, Report};
use crate::catalog::Severity;

pub struct Gitlab;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

impl Emitter for Gitlab {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let issues: Vec<Issue<'_>> = r
            .findings
            .iter()
            .map(|f| {
                let n = seen.entry(&f.fingerprint).or_default();
                *n += 1;
                Issue {
                    kind: "issue",
                    description: &f.message,
                    check_name: &f.rule,
                    fingerprint: unique(&f.fingerprint, *n),
                    severity: severity(f.severity),
                    categories: ["Security"],
                    location: Location { path: &f.path, lines: Lines { begin: f.start.line, end: f.end.line } },
                }
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::from)?;
        writeln!(out)
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
    }
}

/// The fingerprint for the `n`th (1-based) finding carrying `fp`.
fn unique(fp: &str, n: usize) -> String {
    if n == 1 {
        return fp.to_owned();
    }
    let digest = Sha256::digest(format!("{fp}\0{n}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fingerprints_become_unique() {
        let a = unique("abc", 1);
        let b = unique("abc", 2);
        let c = unique("abc", 3);
        assert_eq!(a, "abc");
        assert!(a != b && b != c && a != c);
        assert_eq!(b.len(), 32);
    }
}
