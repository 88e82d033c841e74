//! Every rule has fixtures that must fire (`tests/fixtures/<rule>/fires/`) and fixtures that
//! must not (`quiet/`); the findings of the firing ones are snapshotted so the exact lines,
//! columns and messages are pinned.

mod common;

use common::*;

use std::fs;
use std::path::{Path, PathBuf};

use scopeshift::catalog::Catalog;
use scopeshift::check::Finding;
use scopeshift::config::Settings;
use scopeshift::{CheckOptions, check_tree};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Fixtures: files, or directories (a small project, with `manifest.yaml` for the scope rules).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

/// Check one fixture the way `scopeshift check` does (suppression, manifest drift included).
fn scan(catalog: &Catalog, path: &Path) -> Vec<Finding> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = path.strip_prefix(root).unwrap().to_path_buf();
    let mut settings = Settings::defaults(root);
    let manifest = path.join("manifest.yaml");
    if manifest.is_file() {
        settings.manifest = Some(manifest);
    }
    let opts = CheckOptions {
        settings,
        paths: vec![rel],
        no_ignore: true,
        follow_links: false,
        threads: 1,
        staged: false,
        history: None,
        inline_allow: true,
    };
    check_tree(catalog, &opts).unwrap().findings
}

#[test]
fn every_rule_fires_on_its_fixtures_and_stays_quiet_on_the_others() {
    let catalog = Catalog::builtin().unwrap();
    let mut failures = Vec::new();
    for rule in catalog.lints.keys() {
        let dir = fixtures().join(rule);
        let (fires, quiet) = (files(&dir.join("fires")), files(&dir.join("quiet")));
        assert!(!fires.is_empty() && !quiet.is_empty(), "rule {rule} needs fixtures in fires/ and quiet/");
        let mut lines = Vec::new();
        for f in &fires {
            let found = scan(&catalog, f);
            if !found.iter().any(|x| &x.rule == rule) {
                failures.push(format!("{rule}: did not fire on {}: {found:#?}", f.display()));
            }
            for x in found.iter().filter(|x| &x.rule == rule) {
                lines.push(format!("{}:{}:{}: {}", x.path, x.start.line, x.start.column, x.message));
            }
        }
        for f in &quiet {
            let found = scan(&catalog, f);
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
    let key = "a204cf426a66db3f2680f211b29978a10ed78fff247ad35f";
    let mut checked = 0;
    for rule in catalog.lints.keys() {
        for f in files(&fixtures().join(rule).join("fires")) {
            for x in scan(&catalog, &f) {
                let all = format!("{} {} {} {} {}", x.message, x.help, x.snippet, x.excerpt.text, x.fingerprint);
                assert!(!all.contains(key), "{}: key in output: {all}", f.display());
                if f.is_file() && fs::read_to_string(&f).unwrap().contains(key) {
                    checked += 1;
                    assert!(x.snippet.contains("****d35f"), "{}", x.snippet);
                }
            }
        }
    }
    assert!(checked > 0, "no fixture holds the literal key any more");
}
