//! The CI formats (`sarif`, `github`, `gitlab`, `markdown`) over the demo project: snapshotted,
//! and checked for the structural facts their consumers rely on.

mod common;

use common::*;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Run `scopeshift check --format FORMAT` in the demo project; returns stdout (exit code 1).
fn check(format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_scopeshift"))
        .args(["check", "--format", format])
        .current_dir(demo())
        .env_remove("NO_COLOR")
        .output()
        .expect("run scopeshift");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "--format {format}: findings exit 1; stderr: {stderr}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The demo findings as the JSON format reports them: the reference the other formats must match.
fn findings() -> Vec<Value> {
    let v: Value = serde_json::from_str(&check("json")).unwrap();
    let f = v["findings"].as_array().unwrap().clone();
    assert!(f.len() >= 5, "the demo project should have several findings");
    f
}

const DEMO_KEY: &str = "a204cf426a66db3f2680f211b29978a10ed78fff247ad35f";

fn assert_no_secret(format: &str, out: &str) {
    assert!(std::fs::read_to_string(demo().join("web/balance.js")).unwrap().contains(DEMO_KEY));
    assert!(!out.contains(&DEMO_KEY[..20]), "--format {format} printed (part of) the key");
}

#[test]
fn sarif_format() {
    let out = check("sarif");
    assert_no_secret("sarif", &out);
    let log: Value = serde_json::from_str(&out).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], "https://json.schemastore.org/sarif-2.1.0.json");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "scopeshift");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids unique: {ids:?}");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "rules sorted by id: {ids:?}");
    // every rule of the catalog is there, not only the ones that fired
    for id in ["key-in-body", "key-in-path", "key-in-query", "legacy-endpoint", "unmapped-endpoint"] {
        assert!(unique.contains(id), "rule {id} missing from tool.driver.rules");
    }
    for r in rules {
        let id = r["id"].as_str().unwrap();
        for field in ["name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration"] {
            assert!(!r[field].is_null(), "rule {id} lacks {field}");
        }
        assert!(r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()), "{id}: help.text");
        assert!(r["help"]["markdown"].as_str().is_some_and(|t| !t.is_empty()), "{id}: help.markdown");
        assert_eq!(
            r["helpUri"].as_str().unwrap(),
            format!("{}/blob/main/rules/lints/{id}.yaml", env!("CARGO_PKG_REPOSITORY"))
        );
        let tags = r["properties"]["tags"].as_array().unwrap();
        assert!(!tags.is_empty(), "{id}: tags");
        if id != "unused-allow" {
            assert!(tags.contains(&Value::from("security")), "{id}: security tag");
        }
        let level = r["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(level == "error" || level == "warning");
        if level == "error" {
            let s: f64 =
                r["properties"]["security-severity"].as_str().expect("security-severity string").parse().unwrap();
            assert!((7.0..=10.0).contains(&s), "{id}: error rules are High or above, not {s}");
        }
    }

    let results = run["results"].as_array().unwrap();
    let expected = findings();
    assert_eq!(results.len(), expected.len(), "one result per finding");
    for (res, f) in results.iter().zip(&expected) {
        let rule_id = res["ruleId"].as_str().unwrap();
        assert_eq!(rule_id, f["rule"]);
        let index = usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(ids[index], rule_id, "ruleIndex points at the rule with that id");
        assert_eq!(res["level"], f["severity"]);
        assert!(res["message"]["text"].as_str().unwrap().starts_with(f["message"].as_str().unwrap()));
        let locations = res["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1, "exactly one location");
        let phys = &locations[0]["physicalLocation"];
        let uri = phys["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.is_empty(), "uri never empty");
        assert!(!uri.starts_with('/') && !uri.contains(':') && !uri.contains('\\'), "relative uri: {uri}");
        assert_eq!(uri, f["path"]);
        assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let region = &phys["region"];
        assert_eq!(region["startLine"], f["line"]);
        assert_eq!(region["startColumn"], f["column"]);
        assert_eq!(region["endLine"], f["end_line"]);
        assert_eq!(region["endColumn"], f["end_column"]);
        assert_eq!(res["partialFingerprints"]["scopeshift/v1"], f["fingerprint"]);
    }
    settings().bind(|| insta::assert_snapshot!("formats_check_sarif", out));
}

#[test]
fn github_format() {
    let out = check("github");
    assert_no_secret("github", &out);
    let lines: Vec<&str> = out.lines().collect();
    let (summary, commands) = lines.split_last().unwrap();
    assert!(summary.starts_with("scopeshift: ") && !summary.starts_with("::"), "plain summary last: {summary}");
    let expected = findings();
    assert!(summary.contains(&format!("{} findings", expected.len())), "{summary}");
    assert!(summary.contains("scopes needed: voiso: "), "{summary}");
    assert_eq!(commands.len(), expected.len(), "one command per finding");
    let levels: Vec<&str> = commands
        .iter()
        .map(|l| {
            if l.starts_with("::error ") {
                "error"
            } else if l.starts_with("::warning ") {
                "warning"
            } else {
                panic!("not a workflow command: {l}")
            }
        })
        .collect();
    let first_warning = levels.iter().position(|l| *l == "warning").unwrap_or(levels.len());
    assert!(levels[first_warning..].iter().all(|l| *l == "warning"), "errors before warnings: {levels:?}");
    for f in &expected {
        let head = format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            f["severity"].as_str().unwrap(),
            f["path"].as_str().unwrap(),
            f["line"],
            f["column"],
            f["end_line"],
            f["end_column"],
            f["rule"].as_str().unwrap(),
            f["message"].as_str().unwrap(),
        );
        assert!(commands.iter().any(|l| l.starts_with(&head)), "no annotation for {head}");
    }
    // the help follows the message after an escaped line break; nothing else breaks the line
    assert!(commands.iter().all(|l| l.contains("%0A")));
    settings().bind(|| insta::assert_snapshot!("formats_check_github", out));
}

#[test]
fn gitlab_format() {
    let out = check("gitlab");
    assert_no_secret("gitlab", &out);
    let issues: Vec<Value> = serde_json::from_str(&out).expect("Code Quality report is a JSON array");
    let expected = findings();
    assert_eq!(issues.len(), expected.len());
    let fingerprints: BTreeSet<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fingerprints.len(), issues.len(), "fingerprints unique");
    for (i, f) in issues.iter().zip(&expected) {
        assert_eq!(i["description"], f["message"]);
        assert_eq!(i["check_name"], f["rule"]);
        assert_eq!(i["location"]["path"], f["path"]);
        assert_eq!(i["location"]["lines"]["begin"], f["line"]);
        let want = if f["severity"] == "error" { "major" } else { "minor" };
        assert_eq!(i["severity"], want);
    }
    settings().bind(|| insta::assert_snapshot!("formats_check_gitlab", out));
}

#[test]
fn markdown_format() {
    let out = check("markdown");
    assert_no_secret("markdown", &out);
    let expected = findings();
    assert!(out.starts_with("## scopeshift\n"), "{out}");
    assert!(out.contains("| Severity | Rule | Location | Message |"), "{out}");
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| error |") || l.starts_with("| warning |")).collect();
    assert_eq!(rows.len(), expected.len(), "a table row per finding");
    let mut by_location: BTreeMap<String, usize> = BTreeMap::new();
    for f in &expected {
        *by_location.entry(format!("`{}:{}`", f["path"].as_str().unwrap(), f["line"])).or_default() += 1;
    }
    for (loc, n) in by_location {
        assert_eq!(rows.iter().filter(|r| r.contains(&loc)).count(), n, "rows at {loc}");
    }
    for row in &rows {
        assert_eq!(row.replace("\\|", "").matches('|').count(), 5, "four cells: {row}");
    }
    assert!(out.contains("### Scopes needed"), "{out}");
    settings().bind(|| insta::assert_snapshot!("formats_check_markdown", out));
}

/// `--manifest`: the markdown diff block, and the drift findings in every CI format.
#[test]
fn manifest_drift_in_ci_formats() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().canonicalize().unwrap();
    std::fs::write(
        dir.join("a.py"),
        "requests.get(f\"https://cc.voiso.com/api/v2/cdr?key={KEY}\")\n\
         requests.post(f\"https://cc.voiso.com/api/v1/{KEY}/sendsms\", json=b)\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("scopes.yaml"),
        "version: 1\nvendors:\n  voiso:\n    scopes:\n      - campaigns.read\n      - reporting.cdrs.read\n",
    )
    .unwrap();
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_scopeshift"))
            .args(["check", "--format", format, "--manifest", "scopes.yaml"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };

    let md = run("markdown");
    assert!(md.contains("### Scope manifest diff"), "{md}");
    assert!(md.contains("```diff\n- campaigns.read\n+ messaging.sms.send\n  reporting.cdrs.read\n```"), "{md}");
    assert!(md.contains("| error | `scope-missing` | `a.py:2` |"), "{md}");
    assert!(md.contains("| warning | `scope-unused` | `scopes.yaml:5` |"), "{md}");
    settings().bind(|| insta::assert_snapshot!("formats_check_markdown_manifest", md));

    let log: Value = serde_json::from_str(&run("sarif")).unwrap();
    let run0 = &log["runs"][0];
    let ids: Vec<&str> =
        run0["tool"]["driver"]["rules"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut fired = BTreeSet::new();
    for res in run0["results"].as_array().unwrap() {
        let id = res["ruleId"].as_str().unwrap();
        assert_eq!(ids[usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap()], id);
        let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri == "a.py" || uri == "scopes.yaml", "{uri}");
        fired.insert(id);
    }
    assert!(fired.contains("scope-missing") && fired.contains("scope-unused"), "{fired:?}");

    let gh = run("github");
    assert!(
        gh.lines().any(|l| l.starts_with("::error file=a.py,line=2,") && l.contains("title=scope-missing::")),
        "{gh}"
    );
    assert!(gh.lines().any(|l| l.starts_with("::warning file=scopes.yaml,line=5,")), "{gh}");

    let issues: Vec<Value> = serde_json::from_str(&run("gitlab")).unwrap();
    let fingerprints: BTreeSet<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(fingerprints.len(), issues.len());
    assert!(issues.iter().any(|i| i["check_name"] == "scope-missing"));
}
