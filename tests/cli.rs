//! What users see, snapshotted: every format over a small multi-file project
//! (`tests/fixtures/projects/demo`), the manifest, `rules` and `explain`.

mod common;

use common::*;

#[test]
fn human_format() {
    let (code, out, err) = run(&demo(), &["check"]);
    assert_eq!(code, 1, "{err}");
    assert!(!out.contains('\u{1b}'), "no colour when stdout is not a terminal");
    settings().bind(|| insta::assert_snapshot!("cli_check_human", out));
}

#[test]
fn concise_format() {
    let (code, out, _) = run(&demo(), &["check", "--format", "concise"]);
    assert_eq!(code, 1);
    settings().bind(|| insta::assert_snapshot!("cli_check_concise", out));
}

#[test]
fn json_format() {
    let (code, out, _) = run(&demo(), &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["findings"], v["findings"].as_array().unwrap().len());
    settings().bind(|| insta::assert_snapshot!("cli_check_json", out));
}

#[test]
fn scope_manifest() {
    let (code, out, _) = run(&demo(), &["scopes"]);
    assert_eq!(code, 0);
    settings().bind(|| insta::assert_snapshot!("cli_scopes_manifest", out));
    // -o writes the same manifest to a file
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scopes.yaml");
    let (code, stdout, _) = run(&demo(), &["scopes", "-o", file.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), out);
}

#[test]
fn output_file_and_unwritable_output() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let (code, stdout, _) = run(&demo(), &["check", "--format", "json", "--output", file.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (1, ""));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(!v["findings"].as_array().unwrap().is_empty());
    let (code, _, err) = run(&demo(), &["check", "--output", "/nonexistent-dir/x/report.txt"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot write /nonexistent-dir/x/report.txt"), "{err}");
}

#[test]
fn rules_and_explain() {
    let (code, out, _) = run(&demo(), &["rules"]);
    assert_eq!(code, 0);
    settings().bind(|| insta::assert_snapshot!("cli_rules", out));
    let (code, out, _) = run(&demo(), &["explain", "key-in-path"]);
    assert_eq!(code, 0);
    settings().bind(|| insta::assert_snapshot!("cli_explain_key_in_path", out));
    let (code, _, err) = run(&demo(), &["explain", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `no-such-rule`"), "{err}");
}

#[test]
fn secrets_are_masked_in_every_format() {
    let key = "a204cf426a66db3f2680f211b29978a10ed78fff247ad35f";
    assert!(std::fs::read_to_string(demo().join("web/balance.js")).unwrap().contains(key));
    let formats = ["human", "concise", "json", "sarif", "github", "gitlab", "markdown"];
    let mut runs: Vec<Vec<&str>> = formats.iter().map(|f| vec!["check", "--format", f]).collect();
    runs.push(vec!["scopes"]);
    for args in &runs {
        let (_, out, err) = run(&demo(), args);
        assert!(!out.is_empty(), "{args:?}");
        assert!(!out.contains(key) && !err.contains(key), "{args:?} printed the key");
        assert!(!out.contains(&key[..20]), "{args:?} printed part of the key");
    }
}

/// The human report's `[file:line:col]` header counts Unicode characters like every other format,
/// also on a line with multi-byte text before the key (miette alone would count bytes).
#[test]
fn human_header_column_is_unicode() {
    let (_d, root) = tree();
    write_file(
        &root,
        "naïve_café.py",
        "# résumé\nrequests.get(\"https://cc.voiso.com/api/v2/cdr?é=1&key=\" + k)  # «ключ»\n",
    );
    let (code, json, _) = run(&root, &["check", "--format", "json", "."]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let f = &v["findings"][0];
    assert_eq!(
        (f["rule"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
        (Some("key-in-query"), Some(2), Some(51))
    );
    let (_, human, _) = run(&root, &["check", "--format", "human", "."]);
    assert!(human.contains("[naïve_café.py:2:51]"), "{human}");
}
