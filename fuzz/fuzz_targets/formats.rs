//! Every output format over a random report: findings from scanning generated files (calls from
//! a dictionary of legacy shapes glued with arbitrary text, under arbitrary paths), plus
//! synthetic findings, file errors, stale baseline entries, scopes and drift built with
//! `arbitrary` (keeping only the invariants the core guarantees: rules exist, excerpt labels are
//! inside the excerpt on char boundaries). JSON, SARIF and GitLab must parse as JSON, the manifest
//! as YAML that `check --manifest` reads back (see `common::render_all`).

#![no_main]

mod common;

use std::collections::BTreeMap;
use std::sync::LazyLock;

use arbitrary::{Arbitrary, Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use scopeshift::baseline::Entry;
use scopeshift::catalog::{Mapping, Severity, ids};
use scopeshift::check::{self, CommitInfo, EndpointInfo, Excerpt, Finding, Label};
use scopeshift::report::Report;
use scopeshift::scan::{FileError, ScanResult};
use scopeshift::scopes::{Evidence, ScopeDrift, Unmapped, VendorScopes};
use scopeshift::source::{Position, SourceFile, Span};

use common::{CATALOG, ENGINE, render_all};

const SHAPES: &[&str] = &[
    "requests.post(\"https://cc-ams03.voiso.com/api/v1/a204cf426a66db3f2680f211b29978a10ed78fff247ad35f/click2call?agent=1\")",
    "fetch(`${BASE}/api/v1/${key}/balance`)",
    "requests.get(\"https://cc.voiso.com/api/v2/cdr?key=abc\")",
    "curl -X POST https://cc.voiso.com/api/v1/sendsms -d key=$KEY -d to=1",
    "payload = {\"key\": API_KEY}\nrequests.post(\"https://cc.voiso.com/api/v3/messages/whatsapp\", json=payload)",
    "{\"url\": \"https://cc.voiso.com/api/v2/cdr\", \"query\": [{\"key\": \"key\", \"value\": \"{{k}}\"}]}",
    "fetch(\"https://cc.voiso.com/api/v1/\" + key + \"/agents_status.json\")",
    "GET {{base_url}}/api/v1/{{api_key}}/balance",
    "axios.get('https://cc.voiso.com/api/v2/cdr', { params: { key: apiKey } })",
    "https://cc.voiso.com/api/v4/voice/calls",
    "https://cc.voiso.com/api/v1/",
    "/user_management/v1/users?key=k",
    "# scopeshift: allow(key-in-path) legacy until Q3",
    "# scopeshift: allow(nope)",
    "\n",
    "\r\n",
    "\t",
    "é漢😀",
];

/// A real `VendorScopes`, from scanning one legacy call.
static TEMPLATE: LazyLock<VendorScopes> = LazyLock::new(|| {
    let file = SourceFile::new("t.py", SHAPES[2].to_owned(), scopeshift::source::Encoding::Utf8);
    let r = ENGINE.scan_source(&file);
    scopeshift::scopes::infer(&CATALOG, &r.usages).pop().expect("the template call is a vendor call")
});

fn text(u: &mut Unstructured<'_>) -> Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(0..=6)? {
        if u.arbitrary()? {
            s.push_str(u.choose(SHAPES)?);
        } else {
            s.push_str(&String::arbitrary(u)?);
        }
    }
    Ok(s)
}

fn path(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=5)? {
        0 => "src/app.py".into(),
        1 => "../outside/a.js".into(),
        2 => "/abs/path with space/%20 x.sh".into(),
        3 => "weird:name,with%\n\r\"quotes\"`|*[x](y)".into(),
        4 => String::new(),
        _ => String::arbitrary(u)?,
    })
}

fn pos(u: &mut Unstructured<'_>) -> Result<Position> {
    Ok(Position { line: u.int_in_range(1..=1_000_000)?, column: u.int_in_range(1..=1_000_000)? })
}

fn excerpt(u: &mut Unstructured<'_>) -> Result<Excerpt> {
    let text = text(u)?;
    let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    let mut labels = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        let a = *u.choose(&bounds)?;
        let b = *u.choose(&bounds)?;
        labels.push(Label { span: Span::new(a.min(b), a.max(b)), text: String::arbitrary(u)? });
    }
    let first_line = u.int_in_range(1..=100_000)?;
    Ok(Excerpt { text, first_line, labels })
}

fn finding(u: &mut Unstructured<'_>) -> Result<Finding> {
    let mut rules: Vec<&str> = ids::ALL.to_vec();
    rules.extend(CATALOG.lints.keys().map(String::as_str));
    let (start, end) = (pos(u)?, pos(u)?);
    Ok(Finding {
        rule: (*u.choose(&rules)?).to_owned(),
        severity: if u.arbitrary()? { Severity::Error } else { Severity::Warning },
        vendor: if u.arbitrary()? { Some("voiso".into()) } else { Option::<String>::arbitrary(u)? },
        path: path(u)?,
        span: Span::new(0, 0),
        start: start.min(end),
        end: start.max(end),
        message: text(u)?,
        help: text(u)?,
        endpoint: if u.arbitrary()? {
            Some(EndpointInfo {
                legacy: Option::<String>::arbitrary(u)?,
                v4: Option::<String>::arbitrary(u)?,
                mapping: if u.arbitrary()? { Some(Mapping::Documented) } else { Some(Mapping::Inferred) },
            })
        } else {
            None
        },
        scopes: Vec::<String>::arbitrary(u)?,
        snippet: text(u)?,
        fingerprint: if u.arbitrary()? { "0123456789abcdef0123456789abcdef".into() } else { String::arbitrary(u)? },
        commit: if u.arbitrary()? {
            Some(CommitInfo { sha: String::arbitrary(u)?, date: String::arbitrary(u)? })
        } else {
            None
        },
        excerpt: excerpt(u)?,
    })
}

fn build(u: &mut Unstructured<'_>) -> Result<()> {
    let mut scan = ScanResult::default();
    for _ in 0..u.int_in_range(0..=3)? {
        let p = path(u)?;
        let t = text(u)?;
        let r = ENGINE.scan_source(&SourceFile::new(p, t, scopeshift::source::Encoding::Utf8));
        scan.findings.extend(r.findings);
        scan.usages.extend(r.usages);
    }
    for _ in 0..u.int_in_range(0..=3)? {
        scan.findings.push(finding(u)?);
    }
    for _ in 0..u.int_in_range(0..=3)? {
        scan.errors.push(FileError { path: path(u)?, message: text(u)? });
    }
    scan.files_scanned = u.int_in_range(0..=1_000_000)?;
    scan.skipped_binary = u.int_in_range(0..=1000)?;
    scan.skipped_large = u.int_in_range(0..=1000)?;
    if u.arbitrary()? {
        check::finalize(&mut scan.findings, &mut scan.usages);
    }
    let findings = std::mem::take(&mut scan.findings);
    let mut scopes = scopeshift::scopes::infer(&CATALOG, &scan.usages);
    if u.arbitrary()? {
        let mut evidence = BTreeMap::new();
        for _ in 0..u.int_in_range(0..=3)? {
            let ev = Evidence {
                path: path(u)?,
                line: u.int_in_range(1..=100_000)?,
                call: text(u)?,
                v4: Option::<String>::arbitrary(u)?,
                mapping: if u.arbitrary()? { Some(Mapping::Inferred) } else { None },
            };
            evidence.entry(String::arbitrary(u)?).or_insert_with(Vec::new).push(ev);
        }
        let unmapped = (0..u.int_in_range(0..=2)?)
            .map(|_| Ok(Unmapped { path: path(u)?, line: 1, call: text(u)?, reason: text(u)? }))
            .collect::<Result<Vec<_>>>()?;
        let vendor = if u.arbitrary()? { "voiso".to_owned() } else { String::arbitrary(u)? };
        // vendor ids are unique in a report (`infer` groups by vendor)
        scopes.retain(|v| v.vendor != vendor);
        // from a real one, so fields added later keep their real values
        scopes.push(VendorScopes {
            vendor,
            name: String::arbitrary(u)?,
            scopes_published: u.arbitrary()?,
            scopes: evidence,
            unmapped,
            ..TEMPLATE.clone()
        });
        scopes.sort_by(|a, b| a.vendor.cmp(&b.vendor));
    }
    let stale: Vec<Entry> = (0..u.int_in_range(0..=3)?)
        .map(|_| Ok(Entry { path: path(u)?, rule: String::arbitrary(u)?, fingerprint: String::arbitrary(u)? }))
        .collect::<Result<Vec<_>>>()?;
    let drift: Option<Vec<ScopeDrift>> = if u.arbitrary()? {
        Some(
            (0..u.int_in_range(0..=2)?)
                .map(|_| {
                    Ok(ScopeDrift {
                        vendor: String::arbitrary(u)?,
                        missing: Vec::<String>::arbitrary(u)?,
                        unused: Vec::<String>::arbitrary(u)?,
                        kept: Vec::<String>::arbitrary(u)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        )
    } else {
        None
    };
    let report = Report {
        catalog: &CATALOG,
        scan: &scan,
        findings: &findings,
        scopes: &scopes,
        stale_baseline: &stale,
        drift: drift.as_deref(),
    };
    render_all(&report);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = build(&mut Unstructured::new(data));
});
