//! Every rule has fixtures that must fire (`tests/fixtures/<rule>/fires/`) and fixtures that
//! must not (`quiet/`); the findings of the firing ones are snapshotted so the exact lines,
//! columns and messages are pinned.

use std::fs;
use std::path::{Path, PathBuf};

use scopeshift::catalog::Catalog;
use scopeshift::check::Finding;
use scopeshift::scan::Engine;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

fn scan(engine: &Engine<'_>, path: &Path) -> Vec<Finding> {
    let shown = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_string_lossy().replace('\\', "/");
    let bytes = fs::read(path).unwrap();
    let mut r = engine.scan_bytes(&shown, &bytes).expect("fixtures are text").unwrap_or_default();
    scopeshift::check::finalize(&mut r.findings, &mut r.usages);
    r.findings
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn every_rule_fires_on_its_fixtures_and_stays_quiet_on_the_others() {
    let catalog = Catalog::builtin().unwrap();
    let engine = Engine::new(&catalog);
    let mut failures = Vec::new();
    for rule in catalog.lints.keys() {
        let dir = fixtures().join(rule);
        let (fires, quiet) = (files(&dir.join("fires")), files(&dir.join("quiet")));
        assert!(!fires.is_empty() && !quiet.is_empty(), "rule {rule} needs fixtures in fires/ and quiet/");
        let mut lines = Vec::new();
        for f in &fires {
            let found = scan(&engine, f);
            if !found.iter().any(|x| &x.rule == rule) {
                failures.push(format!("{rule}: did not fire on {}: {found:#?}", f.display()));
            }
            for x in found.iter().filter(|x| &x.rule == rule) {
                lines.push(format!("{}:{}:{}: {}", x.path, x.start.line, x.start.column, x.message));
            }
        }
        for f in &quiet {
            let found = scan(&engine, f);
            if let Some(x) = found.iter().find(|x| &x.rule == rule) {
                failures.push(format!("{rule}: fired on quiet fixture {}: {}", f.display(), x.message));
            }
        }
        settings().bind(|| insta::assert_snapshot!(format!("rule_{rule}"), lines.join("\n")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// No output of any fixture holds a literal key from the fixtures in full.
#[test]
fn findings_never_carry_a_key_in_full() {
    let catalog = Catalog::builtin().unwrap();
    let engine = Engine::new(&catalog);
    let key = "a204cf426a66db3f2680f211b29978a10ed78fff247ad35f";
    let mut checked = 0;
    for rule in catalog.lints.keys() {
        for f in files(&fixtures().join(rule).join("fires")) {
            for x in scan(&engine, &f) {
                let all = format!("{} {} {} {} {}", x.message, x.help, x.snippet, x.excerpt.text, x.fingerprint);
                assert!(!all.contains(key), "{}: key in output: {all}", f.display());
                if fs::read_to_string(&f).unwrap().contains(key) {
                    checked += 1;
                    assert!(x.snippet.contains("****d35f"), "{}", x.snippet);
                }
            }
        }
    }
    assert!(checked > 0, "no fixture holds the literal key any more");
}
