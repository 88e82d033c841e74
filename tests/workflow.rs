//! Team workflow, end to end through the binary: the config file, inline suppression, the
//! baseline, manifest drift, `--staged` in a repository made by the test, and vendor packs.

use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// Run the binary in `dir`; (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scopeshift")).args(args).current_dir(dir).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// `check --format json` → (exit code, findings as (path, line, rule), whole document).
fn check(dir: &Path, extra: &[&str]) -> (i32, Vec<(String, u64, String)>, Value) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (code, f, v)
}

fn tree() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    // canonical, so output paths are relative even where /tmp is a symlink
    let real = d.path().canonicalize().unwrap();
    assert_eq!(real, d.path(), "tempdir is not canonical");
    d
}

const CDR: &str = "requests.get(f\"https://cc.voiso.com/api/v2/cdr?key={KEY}\")\n";
const SMS: &str = "requests.post(f\"https://cc.voiso.com/api/v1/{KEY}/sendsms\", json=b)\n";

#[test]
fn config_file_is_discovered_and_flags_override_it() {
    let d = tree();
    write(d.path(), "scopeshift.toml", "exclude = [\"vendor\"]\nselect = [\"key-in-path\"]\nformat = \"concise\"\n");
    write(d.path(), "app/a.py", &format!("{CDR}{SMS}"));
    write(d.path(), "vendor/lib.py", SMS);
    // from a subdirectory: the config upward applies (concise format, only key-in-path, vendor/ excluded)
    let (code, out, _) = run(&d.path().join("app"), &["check", "."]);
    assert_eq!(code, 1);
    assert_eq!(out.trim(), "a.py:2:45: key-in-path Voiso key in the URL path of POST /api/v1/{key}/sendsms");
    // flags win
    let (_, found, _) = check(d.path(), &["--select", "key-in-query"]);
    assert_eq!(found, vec![("app/a.py".into(), 1, "key-in-query".into())]);
    // --config FILE instead of discovery
    write(d.path(), "other.toml", "ignore = [\"key-in-query\"]\n");
    let (_, found, _) = check(d.path(), &["--config", "other.toml"]);
    assert_eq!(found.iter().map(|f| f.2.as_str()).collect::<Vec<_>>(), vec!["key-in-path", "key-in-path"]);
}

#[test]
fn bad_config_is_exit_2_with_file_line_and_key() {
    let d = tree();
    write(d.path(), "a.py", CDR);
    for (toml, want) in [
        ("select = [\"key-in-path\"]\nexclde = [\"x\"]\n", "scopeshift.toml:2:1: unknown field `exclde`"),
        ("max-file-size = [1]\n", "scopeshift.toml:1:"),
        ("\nexclude = [\"a/[b\"]\n", "scopeshift.toml:2:"),
        ("format = \"xml\"\n", "unknown format `xml`"),
        ("select = [\"no-such-rule\"]\n", "unknown rule `no-such-rule`"),
    ] {
        write(d.path(), "scopeshift.toml", toml);
        let (code, out, err) = run(d.path(), &["check"]);
        assert_eq!(code, 2, "{toml}: {out}{err}");
        assert!(err.contains(want), "{toml}: {err}");
    }
}

#[test]
fn config_command_shows_values_and_origins() {
    let d = tree();
    write(d.path(), ".scopeshift.toml", "extend-exclude = [\"dist/**\"]\nmax-file-size = \"2M\"\n");
    let (code, out, _) = run(d.path(), &["config"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("# config file: .scopeshift.toml\n"), "{out}");
    assert!(out.contains("extend-exclude = [\"dist/**\"]  # from: .scopeshift.toml"), "{out}");
    assert!(out.contains("max-file-size = 2097152  # from: .scopeshift.toml"), "{out}");
    assert!(out.contains("select = []  # from: default"), "{out}");
    let (_, out, _) = run(d.path(), &["check", "--show-config", "--format", "json"]);
    assert!(out.contains("format = \"json\"  # from: command line"), "{out}");
}

#[test]
fn inline_allow_hides_a_finding_and_no_inline_allow_ignores_it() {
    let d = tree();
    write(d.path(), "a.py", &format!("# scopeshift: allow(key-in-query) OPS-1: reporting key, rotated\n{CDR}{SMS}"));
    let (code, found, _) = check(d.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(found, vec![("a.py".into(), 3, "key-in-path".into())]);
    let (_, found, _) = check(d.path(), &["--no-inline-allow"]);
    assert_eq!(
        found.iter().map(|f| (f.1, f.2.as_str())).collect::<Vec<_>>(),
        vec![(2, "key-in-query"), (3, "key-in-path")]
    );
    // a directive two lines above does not apply
    write(d.path(), "b.py", &format!("# scopeshift: allow(key-in-query)\n\n{CDR}"));
    let (_, found, _) = check(d.path(), &["b.py"]);
    assert_eq!(found.iter().map(|f| f.2.as_str()).collect::<Vec<_>>(), vec!["unused-allow", "key-in-query"]);
}

#[test]
fn baseline_hides_known_findings_survives_moves_and_lists_stale_entries() {
    let d = tree();
    write(d.path(), "a.py", &format!("{CDR}{SMS}"));
    let (code, out, _) = run(d.path(), &["check", "--write-baseline", "base.json"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let base = fs::read_to_string(d.path().join("base.json")).unwrap();
    assert!(!base.contains("\"line\"") && base.contains("\"fingerprint\""), "{base}");
    let (code, found, _) = check(d.path(), &["--baseline", "base.json"]);
    assert_eq!((code, found.len()), (0, 0));
    // moved down by edits above: still known
    write(d.path(), "a.py", &format!("import os\n\nKEY = os.environ['K']\n{CDR}{SMS}"));
    let (code, found, v) = check(d.path(), &["--baseline", "base.json"]);
    assert_eq!((code, found.len()), (0, 0), "{v}");
    // a new finding fails; the removed one is stale
    write(d.path(), "a.py", &format!("{CDR}requests.get(f\"https://cc.voiso.com/api/v1/{{KEY}}/balance\")\n"));
    let (code, found, v) = check(d.path(), &["--baseline", "base.json"]);
    assert_eq!(code, 1);
    assert_eq!(found, vec![("a.py".into(), 2, "key-in-path".into())]);
    let stale = v["stale_baseline"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["rule"], "key-in-path");
    let (_, out, _) = run(d.path(), &["check", "--baseline", "base.json"]);
    assert!(out.contains("1 baseline entry no longer match"), "{out}");
}

#[test]
fn baseline_never_holds_a_secret() {
    let d = tree();
    let key = "a204cf426a66db3f2680f211b29978a10ed78fff247ad35f";
    write(d.path(), "a.py", &format!("URL = \"https://cc.voiso.com/api/v1/{key}/balance\"\n"));
    run(d.path(), &["check", "--write-baseline", "base.json"]);
    let base = fs::read_to_string(d.path().join("base.json")).unwrap();
    assert!(!base.contains(&key[..12]) && !base.contains(&key[36..]), "{base}");
}

#[test]
fn manifest_drift_reports_missing_and_unused_scopes() {
    let d = tree();
    write(d.path(), "a.py", &format!("{CDR}{SMS}"));
    write(
        d.path(),
        "scopes.yaml",
        "version: 1\nvendors:\n  voiso:\n    scopes:\n      - campaigns.read\n      - reporting.cdrs.read\n",
    );
    let (code, found, v) = check(d.path(), &["--manifest", "scopes.yaml", "--select", "scope-missing,scope-unused"]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        vec![("a.py".into(), 2, "scope-missing".into()), ("scopes.yaml".into(), 5, "scope-unused".into())],
        "{v}"
    );
    // the manifest `scopes` writes is in sync by construction
    let (code, _, _) = run(d.path(), &["scopes", "-o", "scopes.yaml"]);
    assert_eq!(code, 0);
    let (_, found, _) = check(d.path(), &["--manifest", "scopes.yaml", "--select", "scope-missing,scope-unused"]);
    assert!(found.is_empty(), "{found:?}");
    write(d.path(), "bad.yaml", "version: 1\nvendors: [\n");
    let (code, _, err) = run(d.path(), &["check", "--manifest", "bad.yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.yaml"), "{err}");
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn staged_scans_the_index_not_the_work_tree() {
    let d = tree();
    let p = d.path();
    git(p, &["init", "-q"]);
    write(p, "clean.py", "print('hi')\n");
    write(p, "legacy.py", CDR);
    git(p, &["add", "clean.py"]);
    git(p, &["commit", "-q", "-m", "init"]);
    // unstaged legacy file and an unstaged legacy edit: not judged
    write(p, "clean.py", &format!("print('hi')\n{SMS}"));
    let (code, found, _) = check(p, &["--staged"]);
    assert_eq!((code, found.len()), (0, 0));
    // staged: judged, at the staged content's line
    git(p, &["add", "legacy.py"]);
    let (code, found, v) = check(p, &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(found, vec![("legacy.py".into(), 1, "key-in-query".into())]);
    assert_eq!(v["summary"]["files_scanned"], 1);
    // staged a fix, but the work tree still has the legacy call: the index wins
    write(p, "legacy.py", "print('fixed')\n");
    git(p, &["add", "legacy.py"]);
    write(p, "legacy.py", CDR);
    let (code, _, _) = check(p, &["--staged"]);
    assert_eq!(code, 0);
    // from a subdirectory, paths stay relative to the current directory
    write(p, "sub/x.py", SMS);
    git(p, &["add", "sub/x.py"]);
    let (_, found, _) = check(&p.join("sub"), &["--staged"]);
    assert_eq!(found, vec![("x.py".into(), 1, "key-in-path".into())]);
}

#[test]
fn staged_outside_a_repository_is_exit_2() {
    let d = tree();
    let (code, _, err) = run(d.path(), &["check", "--staged"]);
    assert_eq!(code, 2);
    assert!(err.contains("not inside a git repository"), "{err}");
}

const PACK: &str = "id: acme\nname: Acme\nhosts: [\"api.acme.test\"]\napi_prefixes: [/v1/, /v2/]\nkey_params: [token]\nauth: \"Authorization: Bearer <k>\"\nscopes:\n  - {id: calls.read, description: read calls}\nv4:\n  - {id: V1, method: GET, path: /v2/calls, scope: calls.read, status: documented, purpose: list}\nlegacy:\n  - {id: L1, family: v1, method: GET, path: /v1/calls, key: query, key_type: user, purpose: list, v4: [V1], mapping: inferred}\n";

#[test]
fn vendor_packs_load_from_rules_flag_and_config() {
    let d = tree();
    write(d.path(), "packs/acme.yaml", PACK);
    write(d.path(), "a.js", "fetch('https://api.acme.test/v1/calls?token=' + t)\n");
    let (code, found, v) = check(d.path(), &["--rules", "packs"]);
    assert_eq!(code, 1);
    assert_eq!(found, vec![("a.js".into(), 1, "key-in-query".into())]);
    assert_eq!(v["scopes"]["acme"], serde_json::json!(["calls.read"]));
    write(d.path(), "scopeshift.toml", "rules = [\"packs/acme.yaml\"]\n");
    let (_, found, _) = check(d.path(), &[]);
    assert_eq!(found.len(), 1);
    write(d.path(), "packs/acme.yaml", &PACK.replace("key: query", "key: header"));
    let (code, _, err) = run(d.path(), &["check"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad rule file packs/acme.yaml:12:") && err.contains("header"), "{err}");
}

#[test]
fn history_reports_a_key_committed_then_removed() {
    let d = tree();
    let p = d.path();
    git(p, &["init", "-q"]);
    let key = "3f1c9a7e0b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c";
    write(p, "app/settings.py", &format!("VOISO_API_KEY = \"{key}\"\n"));
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "add key"]);
    let added =
        String::from_utf8(Command::new("git").args(["rev-parse", "HEAD"]).current_dir(p).output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_owned();
    write(p, "app/settings.py", "import os\nVOISO_API_KEY = os.environ[\"VOISO_API_KEY\"]\n");
    git(p, &["commit", "-q", "-am", "read it from the environment"]);
    // the work tree is clean now
    let (code, found, _) = check(p, &[]);
    assert_eq!((code, found.len()), (0, 0));
    // the history still holds it: reported with the commit that added it
    let (code, found, v) = check(p, &["--history"]);
    assert_eq!(code, 1);
    assert_eq!(found, vec![("app/settings.py".into(), 1, "hardcoded-key".into())]);
    let f = &v["findings"][0];
    assert_eq!(f["commit"]["sha"], added.as_str());
    assert!(f["commit"]["date"].as_str().unwrap().starts_with("20"));
    let all = serde_json::to_string(&v).unwrap();
    assert!(!all.contains(key) && !all.contains(&key[..20]), "the key leaked");
    // a key still in the work tree is reported once, not again from history
    write(p, "b.py", &format!("voiso_key = '{key}'\n"));
    git(p, &["add", "b.py"]);
    git(p, &["commit", "-q", "-m", "again"]);
    let (_, found, v) = check(p, &["--history"]);
    assert_eq!(found.iter().filter(|f| f.0 == "b.py").count(), 1, "{v}");
    // human output names the commit
    let (_, out, _) = run(p, &["check", "--history", "--format", "concise"]);
    assert!(out.contains(&format!("(commit {}", &added[..12])), "{out}");
    // outside a repository: exit 2
    let e = tree();
    let (code, _, err) = run(e.path(), &["check", "--history"]);
    assert_eq!(code, 2);
    assert!(err.contains("--history"), "{err}");
}

/// A panic inside the scan of one file: that file is an error entry, the rest is still
/// reported, and the panic message (which quotes the file) has the key masked.
#[test]
fn a_panic_in_one_file_is_contained_and_masked() {
    let d = tree();
    let key = "3f1c9a7e0b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c";
    write(d.path(), "boom.py", &format!("# PANIC-HERE\nVOISO_API_KEY = '{key}'\n"));
    write(d.path(), "ok.py", CDR);
    let out = Command::new(env!("CARGO_BIN_EXE_scopeshift"))
        .args(["check", "--format", "json"])
        .env("SCOPESHIFT_DEBUG_PANIC", "PANIC-HERE")
        .current_dir(d.path())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("scopeshift: internal error at") && stderr.contains("forced panic"), "{stderr}");
    assert!(!stderr.contains(key) && !stderr.contains(&key[..16]) && stderr.contains("****3b5c"), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["errors"][0]["path"], "boom.py");
    assert!(v["errors"][0]["message"].as_str().unwrap().contains("internal error"));
    assert_eq!(v["findings"][0]["path"], "ok.py");
}

#[test]
fn packs_extend_a_vendor_and_add_their_own_rules() {
    let d = tree();
    // an extension of the built-in Voiso catalog (the example of rules/README.md)
    write(
        d.path(),
        "packs/our-cluster.yaml",
        "extends: voiso\nhosts: [voiso.internal.example.com]\nlegacy:\n  - {id: X1, family: v1, method: GET, path: \"/api/v1/{key}/recordings\", key: path, key_type: contact-center,\n     purpose: call recordings, v4: [], mapping: inferred, unmapped: \"no v4 recordings endpoint is documented\"}\n",
    );
    // a made-up vendor whose header rule is a lint of the pack
    write(
        d.path(),
        "packs/acme.yaml",
        &PACK.replace("legacy:", "header_rules: [{header: X-Acme-Key, rule: acme-key-header}]\nlegacy:"),
    );
    write(
        d.path(),
        "packs/acme-key-header.yaml",
        "id: acme-key-header\ntitle: Acme key in X-Acme-Key\nseverity: warning\nmessage: \"{vendor} key in the `{param}` header of {call}\"\nhelp: \"{migration}\"\ndocs: {what: a, why: b, example: c, fix: d}\n",
    );
    write(d.path(), "a.py", "requests.get(f\"https://voiso.internal.example.com/api/v1/{KEY}/recordings\")\n");
    write(d.path(), "b.py", "requests.get('https://api.acme.test/v2/calls',\n  headers={'X-Acme-Key': k})\n");
    let (code, found, v) = check(d.path(), &["--rules", "packs"]);
    assert_eq!(code, 1, "{v}");
    let rules: Vec<(&str, &str)> = found.iter().map(|f| (f.0.as_str(), f.2.as_str())).collect();
    assert_eq!(rules, vec![("a.py", "unmapped-endpoint"), ("a.py", "key-in-path"), ("b.py", "acme-key-header")]);
    assert!(v["findings"][0]["message"].as_str().unwrap().contains("no v4 recordings endpoint"), "{v}");
    assert_eq!(v["scopes"]["acme"], serde_json::json!(["calls.read"]));
    // `rules` lists the pack rule with its vendor and file; `explain` prints it
    let (code, out, _) = run(d.path(), &["rules", "--rules", "packs"]);
    assert_eq!(code, 0);
    let line = out.lines().find(|l| l.starts_with("acme-key-header")).unwrap();
    assert!(line.contains("acme") && line.contains("[packs/acme-key-header.yaml]"), "{line}");
    let (code, out, _) = run(d.path(), &["explain", "acme-key-header", "--rules", "packs"]);
    assert_eq!(code, 0);
    assert!(out.contains("defined in packs/acme-key-header.yaml"), "{out}");
    // redefining a vendor or a rule is an error naming the files; an extension's bad row names the extension
    write(d.path(), "twice/voiso.yaml", &PACK.replace("id: acme", "id: voiso"));
    let (code, _, err) = run(d.path(), &["check", "--rules", "twice"]);
    assert_eq!(code, 2);
    assert!(err.contains("vendor id `voiso` is defined twice"), "{err}");
    write(
        d.path(),
        "rule/key-in-path.yaml",
        "id: key-in-path\ntitle: t\nseverity: error\nmessage: m\nhelp: h\ndocs: {what: a, why: b, example: c, fix: d}\n",
    );
    let (code, _, err) = run(d.path(), &["check", "--rules", "rule"]);
    assert_eq!(code, 2);
    assert!(err.contains("already defined in rules/lints/key-in-path.yaml"), "{err}");
    write(
        d.path(),
        "ext/bad.yaml",
        "extends: voiso\nv4:\n  - {id: Z1, method: GET, path: /api/v4/z, scope: no.such.scope, status: inferred, purpose: p}\n",
    );
    let (code, _, err) = run(d.path(), &["check", "--rules", "ext"]);
    assert_eq!(code, 2);
    assert!(err.contains("ext/bad.yaml:3:") && err.contains("no.such.scope"), "{err}");
}

#[test]
fn a_vendor_without_scopes_gets_advice_not_an_invented_scope_set() {
    let d = tree();
    write(
        d.path(),
        "leads.py",
        "requests.post('https://api.voiceaiwrapper.app/api/v2/voice-campaigns/7/leads/bulk', json=leads)\n",
    );
    let (code, out, _) = run(d.path(), &["scopes"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("  voiceaiwrapper:\n    scopes: []\n    note: \"VoiceAIWrapper publishes no key scopes"),
        "{out}"
    );
    assert!(
        out.contains(
            "calls:\n      - {path: leads.py, line: 1, call: \"POST /api/v2/voice-campaigns/{campaign_id}/leads/bulk\""
        ),
        "{out}"
    );
    assert!(out.contains("advice:\n      - \"one key per integration and environment\""), "{out}");
}

/// The per-file time budget: a file whose extraction runs out of time is reported in `errors`
/// with partial results, and the run goes on (a budget of a microsecond runs out on any file).
#[test]
fn a_file_over_the_time_budget_is_reported_not_hung_on() {
    let d = tree();
    write(
        d.path(),
        "app.min.js",
        &format!("/* voiso */{}", "fetch(\"https://cc.voiso.com/api/v2/cdr?key=\"+k);".repeat(5000)),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_scopeshift"))
        .args(["check", "--format", "json", "--exit-zero"])
        .env("SCOPESHIFT_FILE_TIME_LIMIT", "0.000001")
        .current_dir(d.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &v["errors"][0];
    assert_eq!(e["path"], "app.min.js");
    assert!(e["message"].as_str().unwrap().contains("extraction stopped"), "{e}");
    // without the tiny budget, every call is found (a minified bundle is client code, too)
    let (_, found, _) = check(d.path(), &[]);
    assert_eq!(found.iter().filter(|f| f.2 == "key-in-query").count(), 5000);
    assert_eq!(found.iter().filter(|f| f.2 == "key-in-client-code").count(), 5000);
}
