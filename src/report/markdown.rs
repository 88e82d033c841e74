//! `--format markdown`: GitHub-flavoured Markdown for a pull-request comment or a job summary
//! (`>> $GITHUB_STEP_SUMMARY`): a summary line, a table of findings, the scopes each vendor key
//! needs and, with `--manifest`, the manifest diff as a `diff` block.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Emitter, Report, plural};
use crate::catalog::Severity;
use crate::scopes::ScopeDrift;

pub struct Markdown;

impl Emitter for Markdown {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(render(r).as_bytes())
    }
}

fn render(r: &Report<'_>) -> String {
    let mut s = String::from("## scopeshift\n\n");
    let scanned = plural(r.scan.files_scanned, "file");
    if r.findings.is_empty() {
        let _ = writeln!(s, "No legacy key placement found (scanned {scanned}).");
    } else {
        let mut files: Vec<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
        files.sort_unstable();
        files.dedup();
        let _ = writeln!(
            s,
            "**{}** ({}, {}) in {}; scanned {scanned}.\n",
            plural(r.findings.len(), "finding"),
            plural(r.count(Severity::Error), "error"),
            plural(r.count(Severity::Warning), "warning"),
            plural(files.len(), "file"),
        );
        s.push_str("| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n");
        for f in r.findings {
            let sev = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let _ = writeln!(
                s,
                "| {sev} | {} | {} | {} |",
                code(&f.rule),
                code(&format!("{}:{}", f.path, f.start.line)),
                cell(&f.message)
            );
        }
    }
    scopes_section(&mut s, r);
    if let Some(drift) = r.drift {
        drift_section(&mut s, r, drift);
    }
    if !r.scan.errors.is_empty() {
        s.push_str("\n### Files not scanned\n\n");
        for e in &r.scan.errors {
            let _ = writeln!(s, "- {}: {}", code(&e.path), cell(&e.message));
        }
    }
    if !r.stale_baseline.is_empty() {
        let n = r.stale_baseline.len();
        let _ = writeln!(
            s,
            "\n### Stale baseline entries\n\n{} in the baseline no longer {} any finding; remove {}, or rewrite the \
             baseline with `--write-baseline`.\n",
            if n == 1 { "1 entry".to_owned() } else { format!("{n} entries") },
            if n == 1 { "matches" } else { "match" },
            if n == 1 { "it" } else { "them" },
        );
        for e in r.stale_baseline {
            let _ = writeln!(s, "- {} {} {}", code(&e.path), code(&e.rule), code(&e.fingerprint));
        }
    }
    s
}

fn scopes_section(s: &mut String, r: &Report<'_>) {
    let vendors: Vec<_> = r.scopes.iter().filter(|v| !v.scopes.is_empty() || !v.unmapped.is_empty()).collect();
    if vendors.is_empty() {
        return;
    }
    s.push_str("\n### Scopes needed\n\n");
    for v in vendors {
        let list: Vec<String> = v.scopes.keys().map(|k| code(k)).collect();
        let scopes = if !v.scopes_published {
            "the vendor publishes no scopes".to_owned()
        } else if list.is_empty() {
            "none known".to_owned()
        } else {
            list.join(", ")
        };
        let _ = writeln!(s, "- **{}** ({}): {scopes}", cell(&v.name), code(&v.vendor));
        for u in &v.unmapped {
            let _ = writeln!(
                s,
                "  - no v4 mapping: {} at {}: {}",
                code(&u.call),
                code(&format!("{}:{}", u.path, u.line)),
                cell(&u.reason)
            );
        }
    }
    s.push_str("\nRun `scopeshift scopes` for the manifest with the file:line behind each scope.\n");
}

fn drift_section(s: &mut String, r: &Report<'_>, drift: &[ScopeDrift]) {
    s.push_str("\n### Scope manifest diff\n\n");
    let changed: Vec<&ScopeDrift> = drift.iter().filter(|d| !d.missing.is_empty() || !d.unused.is_empty()).collect();
    if changed.is_empty() {
        s.push_str("The manifest grants exactly the scopes the code needs.\n");
        return;
    }
    s.push_str(
        "`+` a scope the code needs that the manifest lacks (the call gets 403); `-` a granted scope no call needs.\n",
    );
    for d in changed {
        let name = r
            .scopes
            .iter()
            .find(|v| v.vendor == d.vendor)
            .map(|v| v.name.clone())
            .or_else(|| r.catalog.vendor(&d.vendor).map(|v| v.name.clone()))
            .unwrap_or_else(|| d.vendor.clone());
        let _ = writeln!(
            s,
            "\n**{}** ({}): {} to add, {} to remove\n",
            cell(&name),
            code(&d.vendor),
            d.missing.len(),
            d.unused.len()
        );
        let mut lines: Vec<(&str, char)> = d
            .kept
            .iter()
            .map(|k| (k.as_str(), ' '))
            .chain(d.missing.iter().map(|k| (k.as_str(), '+')))
            .chain(d.unused.iter().map(|k| (k.as_str(), '-')))
            .collect();
        lines.sort_unstable();
        lines.dedup();
        s.push_str("```diff\n");
        for (scope, mark) in lines {
            let _ = writeln!(s, "{mark} {}", scope.replace(['\n', '\r'], " "));
        }
        s.push_str("```\n");
    }
}

/// Text for a table cell or list item: `|` escaped (GFM honours `\|` inside code spans in tables
/// too), line breaks as `<br>`, and `<`/`>`/`&` outside code spans as entities so text like
/// `Bearer <key>` is not taken for HTML.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.trim().chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push('`');
            }
            '|' => out.push_str("\\|"),
            '\r' => {}
            '\n' => {
                // a line break inside a code span would end the table row; close and reopen it
                out.push_str(if in_code { "`<br>`" } else { "<br>" });
            }
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            '&' if !in_code => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    if in_code {
        // an unbalanced backtick: close the span so it does not swallow the rest of the row
        out.push('`');
    }
    out
}

/// A code span around `text` (paths, rule ids, scopes), with a fence longer than any backtick
/// run inside and `|` escaped for tables.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if longest > 0 { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::catalog::Catalog;
    use crate::check::{Excerpt, Finding};
    use crate::scan::{FileError, ScanResult};
    use crate::scopes::{Evidence, VendorScopes};
    use crate::source::{Position, Span};

    fn finding(rule: &str, severity: Severity, path: &str, line: usize, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            vendor: Some("voiso".into()),
            path: path.into(),
            span: Span::new(0, 1),
            start: Position { line, column: 1 },
            end: Position { line, column: 9 },
            message: message.into(),
            help: "help".into(),
            endpoint: None,
            scopes: Vec::new(),
            snippet: String::new(),
            fingerprint: format!("{rule}{line}"),
            commit: None,
            excerpt: Excerpt { text: "SECRET-EXCERPT".into(), first_line: line, labels: Vec::new() },
        }
    }

    fn scopes(list: &[&str]) -> VendorScopes {
        VendorScopes {
            vendor: "voiso".into(),
            name: "Voiso".into(),
            scopes_published: true,
            scopes: list
                .iter()
                .map(|s| {
                    let ev = Evidence { path: "a.py".into(), line: 1, call: "GET /x".into(), v4: None, mapping: None };
                    ((*s).to_owned(), vec![ev])
                })
                .collect::<BTreeMap<_, _>>(),
            calls: Vec::new(),
            unmapped: Vec::new(),
            advice: Vec::new(),
        }
    }

    #[test]
    fn table_summary_scopes_and_manifest_diff() {
        let catalog = Catalog::builtin().unwrap();
        let scan = ScanResult {
            files_scanned: 3,
            errors: vec![FileError { path: "bad.yaml".into(), message: "not valid YAML".into() }],
            ..ScanResult::default()
        };
        let findings = vec![
            finding("key-in-path", Severity::Error, "a|b.py", 3, "key in `GET /a|b` path <x>"),
            finding("legacy-endpoint", Severity::Warning, "c.py", 7, "legacy\ncall"),
        ];
        let scopes = vec![scopes(&["billing.balance.read", "voice.call.manage"])];
        let drift = vec![ScopeDrift {
            vendor: "voiso".into(),
            missing: vec!["voice.call.manage".into()],
            unused: vec!["users.write".into()],
            kept: vec!["billing.balance.read".into()],
        }];
        let report = Report {
            catalog: &catalog,
            scan: &scan,
            findings: &findings,
            scopes: &scopes,
            stale_baseline: &[],
            drift: Some(&drift),
        };
        let md = render(&report);
        assert!(md.contains("**2 findings** (1 error, 1 warning) in 2 files; scanned 3 files."), "{md}");
        assert!(md.contains("| error | `key-in-path` | `a\\|b.py:3` | key in `GET /a\\|b` path &lt;x&gt; |"), "{md}");
        assert!(md.contains("| warning | `legacy-endpoint` | `c.py:7` | legacy<br>call |"), "{md}");
        // every table row has exactly the four cells (unescaped pipes: 5)
        for row in md.lines().filter(|l| l.starts_with("| ")) {
            assert_eq!(row.replace("\\|", "").matches('|').count(), 5, "{row}");
        }
        assert!(md.contains("- **Voiso** (`voiso`): `billing.balance.read`, `voice.call.manage`"), "{md}");
        assert!(md.contains("### Scope manifest diff"), "{md}");
        assert!(md.contains("**Voiso** (`voiso`): 1 to add, 1 to remove"), "{md}");
        assert!(md.contains("```diff\n  billing.balance.read\n- users.write\n+ voice.call.manage\n```\n"), "{md}");
        assert!(md.contains("### Files not scanned\n\n- `bad.yaml`: not valid YAML"), "{md}");
        assert!(!md.contains("SECRET-EXCERPT"));
    }

    #[test]
    fn empty_report_and_clean_manifest() {
        let catalog = Catalog::builtin().unwrap();
        let scan = ScanResult::default();
        let drift = vec![ScopeDrift {
            vendor: "voiso".into(),
            missing: vec![],
            unused: vec![],
            kept: vec!["billing.balance.read".into()],
        }];
        let stale =
            vec![crate::baseline::Entry { path: "a.py".into(), rule: "key-in-path".into(), fingerprint: "abc".into() }];
        let report = Report {
            catalog: &catalog,
            scan: &scan,
            findings: &[],
            scopes: &[],
            stale_baseline: &stale,
            drift: Some(&drift),
        };
        let md = render(&report);
        assert!(md.contains("No legacy key placement found (scanned 0 files)."), "{md}");
        assert!(!md.contains("| Severity |"), "{md}");
        assert!(md.contains("The manifest grants exactly the scopes the code needs."), "{md}");
        assert!(md.contains("1 entry in the baseline no longer matches any finding"), "{md}");
        assert!(md.contains("- `a.py` `key-in-path` `abc`"), "{md}");
    }

    #[test]
    fn cells_and_code_spans() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("`<key>` <key> & x"), "`<key>` &lt;key&gt; &amp; x");
        assert_eq!(cell("open `span"), "open `span`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
