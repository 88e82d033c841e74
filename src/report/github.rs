//! `--format github`: GitHub Actions workflow commands, one `::error`/`::warning` line per
//! finding, so each shows as an annotation on the pull request's diff.
//!
//! GitHub shows at most 10 annotations per level per step, so errors come first, then warnings,
//! then the files that could not be scanned; each message carries the finding's help (the v4
//! endpoint and scope) after a line break. The last line is a plain summary (not a command), which
//! shows in the job log even when annotations were cut.

use std::io::{self, Write};

use super::{Emitter, Report, plural};
use crate::catalog::Severity;
use crate::check::Finding;

pub struct Github;

/// GitHub's per-step cap for each annotation level.
const ANNOTATION_CAP: usize = 10;

impl Emitter for Github {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for severity in [Severity::Error, Severity::Warning] {
            for f in r.findings.iter().filter(|f| f.severity == severity) {
                annotation(out, f)?;
            }
        }
        for e in &r.scan.errors {
            writeln!(out, "::warning file={},title=scopeshift::{}", property(&e.path), data(&e.message))?;
        }
        writeln!(out, "{}", summary(r))
    }
}

fn annotation(out: &mut dyn Write, f: &Finding) -> io::Result<()> {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = f.message.trim().to_owned();
    let help = f.help.trim();
    if !help.is_empty() {
        message.push('\n');
        message.push_str(help);
    }
    writeln!(
        out,
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        property(&f.path),
        f.start.line,
        f.start.column,
        f.end.line,
        f.end.column,
        property(&f.rule),
        data(&message)
    )
}

/// `scopeshift: 7 findings (5 errors, 2 warnings); scopes needed: voiso: a, b`
fn summary(r: &Report<'_>) -> String {
    let (errors, warnings) = (r.count(Severity::Error), r.count(Severity::Warning));
    let mut s = if r.findings.is_empty() {
        "scopeshift: no legacy key placement found".to_owned()
    } else {
        format!(
            "scopeshift: {} ({}, {})",
            plural(r.findings.len(), "finding"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    };
    let needed: Vec<String> = r
        .scopes
        .iter()
        .filter(|v| v.scopes_published && !v.scopes.is_empty())
        .map(|v| format!("{}: {}", v.vendor, v.scopes.keys().map(String::as_str).collect::<Vec<_>>().join(", ")))
        .collect();
    if !needed.is_empty() {
        s.push_str("; scopes needed: ");
        s.push_str(&needed.join("; "));
    }
    if !r.scan.errors.is_empty() {
        s.push_str(&format!("; {} not scanned", plural(r.scan.errors.len(), "file")));
    }
    if !r.stale_baseline.is_empty() {
        let n = r.stale_baseline.len();
        s.push_str(&if n == 1 {
            "; 1 baseline entry no longer matches".to_owned()
        } else {
            format!("; {n} baseline entries no longer match")
        });
    }
    if errors > ANNOTATION_CAP || warnings + r.scan.errors.len() > ANNOTATION_CAP {
        s.push_str(&format!(
            "; GitHub shows only the first {ANNOTATION_CAP} annotations per level, run `scopeshift check` for all"
        ));
    }
    // one line, whatever the names in it hold; and it must not itself read as a workflow command
    let s = data(&s);
    if s.starts_with("::") { format!(" {s}") } else { s }
}

/// Escape the message part of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`): as data, plus `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    /// Found by the `formats` fuzz campaign: a name holding a newline must not split the summary.
    #[test]
    fn the_summary_is_one_line() {
        assert_eq!(super::data("a\nb"), "a%0Ab");
    }

    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b");
        assert_eq!(property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
    }
}
