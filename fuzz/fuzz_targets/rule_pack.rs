//! The YAML/JSON loaders of user-supplied files, over any text:
//! - a rule pack (`--rules`): `Catalog::with_packs`; a pack that loads is then used:
//!   an engine is built from it and scans calls written for each of its endpoints (and the
//!   fixtures), and the findings are rendered in every format;
//! - a lint file in place of one of `rules/lints/*.yaml`: `Catalog::from_sources`;
//! - a scope manifest (`check --manifest`): `drift::parse_manifest`;
//! - a baseline (`--baseline`): `Baseline::parse`.

#![no_main]

mod common;

use std::path::Path;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use scopeshift::baseline::Baseline;
use scopeshift::catalog::{Catalog, Seg};
use scopeshift::check;
use scopeshift::report::Report;
use scopeshift::scan::{Engine, ScanResult};
use scopeshift::source::SourceFile;

fn read_dir(rel: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel);
    let mut v: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| Some((format!("{rel}/{}", p.file_name()?.to_str()?), std::fs::read_to_string(&p).ok()?)))
        .collect();
    v.sort();
    v
}

static VENDORS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| read_dir("rules/vendors"));
static LINTS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| read_dir("rules/lints"));
/// Every fixture file, to scan with a catalog that loaded.
static FIXTURES: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                out.push((p.display().to_string(), b));
            }
        }
    }
    out.sort();
    out
});

/// A call for each endpoint of the vendors a pack added: host + path (key and params filled with
/// literals), with the key also as a query parameter.
fn calls(catalog: &Catalog, builtin: usize) -> String {
    let mut s = String::new();
    for v in &catalog.vendors[builtin..] {
        let host = v.hosts.first().cloned().or_else(|| v.host_suffixes.first().map(|h| format!("cc{h}")));
        let host = host.unwrap_or_default();
        let paths = v.legacy.iter().map(|l| &l.path).chain(v.v4.iter().filter_map(|e| e.path.as_ref()));
        for p in paths {
            let mut path = String::new();
            for seg in &p.segs {
                path.push('/');
                match seg {
                    Seg::Lit(l) => path.push_str(l),
                    Seg::Param(n) if n == "key" => path.push_str("a204cf426a66db3f2680f211b29978a10ed78fff247ad35f"),
                    Seg::Param(_) => path.push_str("42"),
                }
            }
            let key = v.key_params.first().map_or("key", String::as_str);
            s.push_str(&format!("requests.post(\"https://{host}{path}?{key}=abc123\")\n"));
            s.push_str(&format!("fetch(`${{BASE}}{path}`, {{ method: 'PUT', body: {{ \"{key}\": k }} }})\n"));
        }
    }
    s
}

fn use_catalog(catalog: &Catalog, builtin: usize) {
    let engine = Engine::new(catalog);
    let mut scan = ScanResult::default();
    let generated = calls(catalog, builtin);
    let mut files: Vec<(&str, &[u8])> = vec![("generated.py", generated.as_bytes())];
    files.extend(FIXTURES.iter().take(200).map(|(p, b)| (p.as_str(), b.as_slice())));
    for (path, bytes) in files {
        if let Ok(Some(r)) = engine.scan_bytes(path, bytes) {
            scan.findings.extend(r.findings);
            scan.usages.extend(r.usages);
        }
        scan.files_scanned += 1;
    }
    // and with the prefilter bypassed
    let r = engine.scan_source(&SourceFile::decode("generated.py", generated.as_bytes()));
    scan.findings.extend(r.findings);
    scan.usages.extend(r.usages);
    check::finalize(&mut scan.findings, &mut scan.usages);
    let findings = std::mem::take(&mut scan.findings);
    let scopes = scopeshift::scopes::infer(catalog, &scan.usages);
    let report =
        Report { catalog, scan: &scan, findings: &findings, scopes: &scopes, stale_baseline: &[], drift: None };
    common::render_all(&report);
}

fuzz_target!(|text: &str| {
    // a vendor pack beside the built-in catalog
    // (a vendor, an `extends:` extension of one, or a rule with a top-level `severity:`)
    if let Ok(catalog) = Catalog::with_packs(&[("fuzz.yaml", text)]) {
        let builtin = common::CATALOG.vendors.len().min(catalog.vendors.len());
        use_catalog(&catalog, builtin);
    }
    // a lint file in place of each built-in one (a bad file is an error, never a panic)
    let vendors: Vec<(&str, &str)> = VENDORS.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    if let Some(i) = text.len().checked_rem(LINTS.len().max(1)) {
        let lints: Vec<(&str, &str)> =
            LINTS.iter().enumerate().map(|(j, (a, b))| (a.as_str(), if j == i { text } else { b.as_str() })).collect();
        if let Ok(c) = Catalog::from_sources(&vendors, &lints) {
            use_catalog(&c, c.vendors.len());
        }
    }
    // the manifest and baseline readers
    if let Ok(m) = scopeshift::drift::parse_manifest("m.yaml", text) {
        assert_eq!(m.version, 1);
    }
    if let Ok(b) = Baseline::parse(text) {
        assert_eq!(b.version, 1);
        let mut out = Vec::new();
        b.write(&mut out).unwrap();
        let again = Baseline::parse(std::str::from_utf8(&out).unwrap()).expect("a written baseline reads back");
        assert_eq!(again.findings, b.findings);
    }
});
