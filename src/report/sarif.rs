//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).
//!
//! One run; `tool.driver.rules` holds every rule of the catalog once, sorted by id, and each
//! result points at its rule by `ruleId` and `ruleIndex`. Locations are relative URIs against
//! `%SRCROOT%` (the current directory, which is the repository root in CI), so the file has no
//! machine path in it and GitHub can map it to the checkout. `partialFingerprints` carries the
//! content fingerprint (rule, path, normalised matched text; no line number), so an alert
//! survives code moving around. The types are plain serde structs, written from the spec.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::{Emitter, Report};
use crate::catalog::{Lint, Severity, ids};
use crate::check::Finding;

pub struct Sarif;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// The key of `partialFingerprints`; bump the version if the fingerprint recipe changes.
const FINGERPRINT_KEY: &str = "scopeshift/v1";
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    results: Vec<SResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: &'static [&'static str],
    /// GitHub's CVSS-like score: 7.0–8.9 shows as High, 4.0–6.9 as Medium. Absent for rules that
    /// are not about security (GitHub then ranks by `level`).
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    locations: [NotificationLocation; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationLocation {
    physical_location: NotificationPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NotificationPhysical {
    artifact_location: ArtifactLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, &'a str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// Extra data per result, for consumers that read property bags (GitHub ignores them).
#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    scopes: &'a [String],
}

impl Emitter for Sarif {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let cwd = std::env::current_dir().ok();
        let rules = rules(r);
        let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, rule)| (rule.id, i)).collect();
        let results = r
            .findings
            .iter()
            .map(|f| SResult {
                rule_id: &f.rule,
                rule_index: index[f.rule.as_str()],
                level: level(f.severity),
                message: Text { text: Cow::Owned(message(f)) },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(&f.path, cwd.as_deref()),
                        region: Region {
                            start_line: f.start.line,
                            start_column: f.start.column,
                            end_line: f.end.line,
                            end_column: f.end.column,
                        },
                    },
                }],
                partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
                properties: ResultProperties { vendor: f.vendor.as_deref(), scopes: &f.scopes },
            })
            .collect();
        let notifications = r
            .scan
            .errors
            .iter()
            .map(|e| Notification {
                level: "warning",
                message: Text { text: Cow::Owned(sentence(&e.message)) },
                locations: [NotificationLocation {
                    physical_location: NotificationPhysical { artifact_location: artifact(&e.path, cwd.as_deref()) },
                }],
            })
            .collect();
        let log = Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "scopeshift",
                        version: env!("CARGO_PKG_VERSION"),
                        semantic_version: env!("CARGO_PKG_VERSION"),
                        information_uri: REPOSITORY,
                        rules,
                    },
                },
                invocations: [Invocation { execution_successful: true, tool_execution_notifications: notifications }],
                results,
                column_kind: "unicodeCodePoints",
            }],
        };
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
        writeln!(out)
    }
}

/// Every catalog rule once, sorted by id; a finding whose rule is not in the catalog (it should
/// not happen) still gets a minimal descriptor so its `ruleIndex` is valid.
fn rules<'a>(r: &Report<'a>) -> Vec<Rule<'a>> {
    let mut rules: BTreeMap<&'a str, Rule<'a>> =
        r.catalog.lints.values().map(|l| (l.id.as_str(), lint_rule(l))).collect();
    for f in r.findings {
        if !rules.contains_key(f.rule.as_str()) {
            rules.insert(
                &f.rule,
                Rule {
                    id: &f.rule,
                    name: pascal_case(&f.rule),
                    short_description: Text { text: Cow::Borrowed(&f.rule) },
                    full_description: None,
                    help: None,
                    help_uri: None,
                    default_configuration: Configuration { level: level(f.severity) },
                    properties: properties(&f.rule, f.severity),
                },
            );
        }
    }
    rules.into_values().collect()
}

fn lint_rule(l: &Lint) -> Rule<'_> {
    let (what, why, example, fix) = (l.what.trim(), l.why.trim(), l.example.trim(), l.fix.trim());
    let text = format!("{what}\n\nWhy: {why}\n\nExample:\n{example}\n\nFix: {fix}");
    let markdown = format!("{what}\n\n## Why\n\n{why}\n\n## Example\n\n{example}\n\n## Fix\n\n{fix}");
    Rule {
        id: &l.id,
        name: pascal_case(&l.id),
        short_description: Text { text: Cow::Borrowed(l.title.trim()) },
        full_description: (!what.is_empty()).then(|| Text { text: Cow::Owned(unwrap_prose(what)) }),
        help: Some(Help { text, markdown }),
        help_uri: Some(format!("{REPOSITORY}/blob/main/rules/lints/{}.yaml", l.id)),
        default_configuration: Configuration { level: level(l.severity) },
        properties: properties(&l.id, l.severity),
    }
}

fn properties(id: &str, s: Severity) -> RuleProperties {
    if id == ids::UNUSED_ALLOW {
        // a stale suppression comment: hygiene, not a security finding
        return RuleProperties { tags: &["maintainability"], security_severity: None };
    }
    RuleProperties {
        tags: &["security", "api-keys"],
        // errors put a key where it is logged, send an unscoped key or break a call (missing
        // scope): High; warnings (a legacy or unmapped call, an unused scope) are the same risk
        // with less evidence, or a broader grant than needed: Medium.
        security_severity: Some(match s {
            Severity::Error => "8.0",
            Severity::Warning => "4.0",
        }),
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The finding's message, then its help (the v4 endpoint, header and scope), as full sentences.
/// Never the excerpt: the message and help hold masked text only.
fn message(f: &Finding) -> String {
    let mut s = sentence(&f.message);
    let help = f.help.trim();
    if !help.is_empty() {
        s.push(' ');
        s.push_str(&sentence(help));
    }
    s
}

fn sentence(s: &str) -> String {
    let s = s.trim();
    if s.ends_with(['.', '!', '?']) { s.to_owned() } else { format!("{s}.") }
}

/// Join the hard-wrapped lines of each paragraph (rule docs are wrapped YAML block scalars), so a
/// plain-text viewer wraps them itself; fenced code keeps its lines.
fn unwrap_prose(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut fenced = false;
    for line in s.lines() {
        let fence = line.trim_start().starts_with("```");
        if fenced || fence {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
            fenced ^= fence;
        } else if line.trim().is_empty() {
            while !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push(' ');
            }
            out.push_str(line.trim());
        }
    }
    out.trim_end().to_owned()
}

/// `key-in-path` → `KeyInPath`
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|h| h.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The artifact location of a report path (relative to the current directory, `/` separators).
///
/// - A relative path inside the current directory: a relative URI against `%SRCROOT%`.
/// - An empty path (no file: it should not happen): the relative URI `%3Cunknown%3E`, so the URI
///   is still never empty.
/// - A path outside the current directory (`scopeshift check /elsewhere` or `../other`): made
///   relative when it turns out to be inside the current directory after all (symlinked or
///   non-canonical cwd); otherwise an absolute `file://` URI without `uriBaseId`. GitHub code
///   scanning cannot place such a result in the repository (it rejects absolute URIs unless it
///   knows the checkout path), but other SARIF consumers can open the file, and the result is
///   not dropped. Scan from the repository root to get relative URIs.
fn artifact(path: &str, cwd: Option<&Path>) -> ArtifactLocation {
    if path.is_empty() {
        return ArtifactLocation { uri: "%3Cunknown%3E".to_owned(), uri_base_id: Some(SRCROOT) };
    }
    if !is_absolute(path) && !path.split('/').any(|s| s == "..") {
        return ArtifactLocation { uri: encode(path), uri_base_id: Some(SRCROOT) };
    }
    let abs = match cwd {
        Some(c) if !is_absolute(path) => normalise(&c.join(path)),
        _ => normalise(Path::new(path)),
    };
    if let Some(c) = cwd {
        let roots = [Some(normalise(c)), std::fs::canonicalize(c).ok()];
        let target = [Some(abs.clone()), std::fs::canonicalize(&abs).ok()];
        for root in roots.iter().flatten() {
            for t in target.iter().flatten() {
                if let Ok(rel) = t.strip_prefix(root)
                    && rel.components().next().is_some()
                {
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    return ArtifactLocation { uri: encode(&rel), uri_base_id: Some(SRCROOT) };
                }
            }
        }
    }
    let abs = abs.to_string_lossy().replace('\\', "/");
    let sep = if abs.starts_with('/') { "" } else { "/" };
    ArtifactLocation { uri: format!("file://{sep}{}", encode(&abs)), uri_base_id: None }
}

/// Unix `/x` or Windows `C:/x` (report paths use `/`).
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/')
}

/// Resolve `.` and `..` without touching the file system.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// Percent-encode a path for a URI: unreserved characters, `/` and a few safe sub-delimiters
/// stay; everything else (space, `%`, `#`, `?`, `:`, non-ASCII) becomes `%XX` of its UTF-8 bytes.
/// `:` is encoded so a first segment like `a:b.py` cannot read as a scheme; a Windows drive
/// (`C:/`) keeps its colon.
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let drive = is_absolute(path) && !path.starts_with('/');
    for (i, b) in path.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*')
            || matches!(b, b'+' | b',' | b';' | b'=' | b'@')
            || (b == b':' && drive && i == 1);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_of_rule_ids() {
        assert_eq!(pascal_case("key-in-path"), "KeyInPath");
        assert_eq!(pascal_case("openapi-key-in-query"), "OpenapiKeyInQuery");
        assert_eq!(pascal_case("x"), "X");
    }

    #[test]
    fn uris_are_relative_encoded_and_never_empty() {
        let cwd = Path::new("/w/repo");
        let a = artifact("src/a b#1.py", Some(cwd));
        assert_eq!((a.uri.as_str(), a.uri_base_id), ("src/a%20b%231.py", Some(SRCROOT)));
        assert_eq!(artifact("a:b.py", Some(cwd)).uri, "a%3Ab.py");
        assert_eq!(artifact("é.py", Some(cwd)).uri, "%C3%A9.py");
        let a = artifact("", Some(cwd));
        assert!(!a.uri.is_empty());
        // an absolute path under the cwd becomes relative again
        let a = artifact("/w/repo/sub/../src/x.py", Some(cwd));
        assert_eq!((a.uri.as_str(), a.uri_base_id), ("src/x.py", Some(SRCROOT)));
        // outside the cwd: an absolute file URI, no base
        let a = artifact("/elsewhere/x y.py", Some(cwd));
        assert_eq!((a.uri.as_str(), a.uri_base_id), ("file:///elsewhere/x%20y.py", None));
        let a = artifact("../other/x.py", Some(cwd));
        assert_eq!((a.uri.as_str(), a.uri_base_id), ("file:///w/other/x.py", None));
        let a = artifact("../repo/x.py", Some(cwd));
        assert_eq!((a.uri.as_str(), a.uri_base_id), ("x.py", Some(SRCROOT)));
        assert_eq!(artifact("C:/w/x.py", None).uri, "file:///C:/w/x.py");
    }

    #[test]
    fn prose_is_unwrapped_but_code_is_kept() {
        let s = "Finds calls that\nput the key.\n\nSecond\nparagraph:\n```py\na = 1\nb = 2\n```\nAfter.\n";
        assert_eq!(
            unwrap_prose(s),
            "Finds calls that put the key.\n\nSecond paragraph:\n```py\na = 1\nb = 2\n```\nAfter."
        );
    }

    #[test]
    fn messages_are_sentences() {
        assert_eq!(sentence("a b "), "a b.");
        assert_eq!(sentence("a b."), "a b.");
    }
}
