//! `--format json`: the versioned wire format of design.md. These serde types are separate from
//! the internal ones so the schema cannot drift by accident.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, Report};
use crate::catalog::Severity;

pub struct Json;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JFinding<'a>>,
    scopes: BTreeMap<&'a str, Vec<&'a str>>,
    errors: Vec<JError<'a>>,
    /// `--baseline` entries that matched nothing any more (empty without a baseline).
    stale_baseline: &'a [crate::baseline::Entry],
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JFinding<'a> {
    rule: &'a str,
    severity: Severity,
    vendor: Option<&'a str>,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: &'a str,
    endpoint: Option<JEndpoint<'a>>,
    scopes: &'a [String],
    snippet: &'a str,
    fingerprint: &'a str,
    commit: Option<JCommit<'a>>,
}

#[derive(Serialize)]
struct JEndpoint<'a> {
    legacy: Option<&'a str>,
    v4: Option<&'a str>,
    mapping: Option<&'static str>,
}

#[derive(Serialize)]
struct JCommit<'a> {
    sha: &'a str,
    date: &'a str,
}

#[derive(Serialize)]
struct JError<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    files_skipped: usize,
    findings: usize,
    by_severity: BTreeMap<&'static str, usize>,
}

impl Emitter for Json {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let findings = r
            .findings
            .iter()
            .map(|f| JFinding {
                rule: &f.rule,
                severity: f.severity,
                vendor: f.vendor.as_deref(),
                path: &f.path,
                line: f.start.line,
                column: f.start.column,
                end_line: f.end.line,
                end_column: f.end.column,
                message: &f.message,
                help: &f.help,
                endpoint: f.endpoint.as_ref().map(|e| JEndpoint {
                    legacy: e.legacy.as_deref(),
                    v4: e.v4.as_deref(),
                    mapping: e.mapping.map(|m| m.as_str()),
                }),
                scopes: &f.scopes,
                snippet: &f.snippet,
                fingerprint: &f.fingerprint,
                commit: f.commit.as_ref().map(|c| JCommit { sha: &c.sha, date: &c.date }),
            })
            .collect();
        let scopes =
            r.scopes.iter().map(|v| (v.vendor.as_str(), v.scopes.keys().map(String::as_str).collect())).collect();
        let errors = r.scan.errors.iter().map(|e| JError { path: &e.path, message: &e.message }).collect();
        let mut by_severity = BTreeMap::new();
        by_severity.insert("error", r.count(Severity::Error));
        by_severity.insert("warning", r.count(Severity::Warning));
        let doc = Doc {
            version: 1,
            tool: Tool { name: "scopeshift", version: env!("CARGO_PKG_VERSION") },
            findings,
            scopes,
            errors,
            stale_baseline: r.stale_baseline,
            summary: Summary {
                files_scanned: r.scan.files_scanned,
                files_skipped: r.scan.files_skipped(),
                findings: r.findings.len(),
                by_severity,
            },
        };
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
        writeln!(out)
    }
}
