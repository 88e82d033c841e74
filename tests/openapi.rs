//! OpenAPI/Swagger specs end to end: `migrate-spec` (snapshot, same format out, refusal to
//! overwrite, re-check clean of key placement), scopes from spec operations, `$ref`s to other
//! files, and bad input that becomes report errors while the scan goes on.

mod common;

use common::*;

use std::path::{Path, PathBuf};

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openapi-specs")
}

fn check_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["check", "--format", "json", "--no-ignore"];
    a.extend_from_slice(args);
    let (code, out, err) = run(dir, &a);
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn rules_of(report: &serde_json::Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
}

const KEY_PLACEMENT: &[&str] =
    &["openapi-key-in-query", "openapi-key-in-path", "key-in-path", "key-in-query", "key-in-body"];

/// Migrate `name` into a temp dir; returns (dir, output path, stdout).
fn migrate(name: &str, out_name: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(out_name);
    let (code, stdout, err) = run(&specs(), &["migrate-spec", name, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    (dir, out, stdout)
}

#[test]
fn migrate_yaml_spec_snapshot_and_recheck() {
    let before = check_json(&specs(), &["legacy-v1.yaml"]);
    let rules = rules_of(&before);
    assert!(rules.iter().any(|r| r == "openapi-key-in-path") && rules.iter().any(|r| r == "openapi-key-in-query"));
    let (dir, out, stdout) = migrate("legacy-v1.yaml", "v4.yaml");
    assert!(stdout.contains("3 operation(s) moved to v4, 3 kept and flagged"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    settings().bind(|| insta::assert_snapshot!("openapi_migrated_legacy_v1_yaml", text));
    // the migrated spec is a spec again, with no key placement left
    let after = check_json(dir.path(), &["v4.yaml"]);
    let left: Vec<String> = rules_of(&after).into_iter().filter(|r| KEY_PLACEMENT.contains(&r.as_str())).collect();
    assert!(left.is_empty(), "{after:#}");
    assert!(after["errors"].as_array().unwrap().is_empty(), "{after:#}");
    // and its v4 operations still give their scopes
    let scopes = &after["scopes"]["voiso"];
    for s in ["campaigns.manage", "campaigns.read"] {
        assert!(scopes.as_array().unwrap().iter().any(|x| x == s), "{scopes}");
    }
}

#[test]
fn migrate_swagger_json_stays_json_and_swagger() {
    let (dir, out, stdout) = migrate("legacy-swagger.json", "v4.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).expect("JSON out");
    assert_eq!(v["swagger"], "2.0");
    assert_eq!(v["basePath"], "/");
    // Swagger 2.0 has no HTTP bearer type: the Authorization header as an apiKey-in-header scheme
    assert_eq!(v["securityDefinitions"]["bearerAuth"]["in"], "header");
    assert_eq!(v["securityDefinitions"]["bearerAuth"]["name"], "Authorization");
    assert!(v["securityDefinitions"].get("ccKey").is_none());
    assert!(v["parameters"].get("Key").is_none() && v["parameters"].get("Page").is_some());
    assert_eq!(v["security"], serde_json::json!([{"bearerAuth": []}]));
    let cdrs = &v["paths"]["/api/v4/reporting/cdrs"]["get"];
    assert_eq!(cdrs["x-scopes"], serde_json::json!(["reporting.cdrs.read"]));
    assert_eq!(cdrs["x-scopeshift-mapping"]["status"], "inferred");
    assert_eq!(cdrs["parameters"], serde_json::json!([{"$ref": "#/parameters/Page"}]));
    assert_eq!(v["paths"]["/api/v4/users"]["get"]["x-scopes"], serde_json::json!(["users.read"]));
    // no v4 counterpart: kept where it was, flagged
    let kept = &v["paths"]["/api/v2/cdr/deleted_agents"]["get"]["x-scopeshift-mapping"];
    assert_eq!(kept["status"], "unmapped", "{v:#}");
    assert!(stdout.contains("flagged: GET /api/v2/cdr/deleted_agents"), "{stdout}");
    let after = check_json(dir.path(), &["v4.json"]);
    assert!(!rules_of(&after).iter().any(|r| KEY_PLACEMENT.contains(&r.as_str())), "{after:#}");
}

#[test]
fn migrate_31_puts_scopes_in_the_security_requirement() {
    let (_dir, out, _) = migrate("legacy-31.yaml", "v4.yaml");
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("  /api/v4/messaging/canned_messages:\n    get:\n      security:\n        - bearerAuth:\n            - messaging.canned_messages.read\n"), "{text}");
    // the legacy webhooks path takes `{id}`; v4 calls it `{webhook_failure_id}`
    assert!(text.contains("/api/v4/tasks/webhook_failures/{webhook_failure_id}/retrigger:"), "{text}");
    // the renamed parameter keeps its flow style
    assert!(text.contains("- {name: webhook_failure_id, in: path, required: true, schema: {type: string}}"), "{text}");
    assert!(!text.contains("userApiKey"), "{text}");
}

#[test]
fn migrate_keeps_comments_and_layout() {
    let (dir, out, stdout) = migrate("commented.yaml", "v4.yaml");
    assert!(!stdout.contains("layout:"), "{stdout}");
    let text = std::fs::read_to_string(&out).unwrap();
    // comments in parts the migration does not touch
    for kept in [
        "# Voiso legacy reporting, as the billing team keeps it.\n# Generated clients read this file: keep the comments.\n",
        "    title: Voiso reporting (legacy)   # shown in the portal\n    version: '2.1'\n",
        "\n\n    # not touched by the migration: a path outside the catalog's API prefixes\n",
        "                '200': {description: up}\n",
    ] {
        assert!(text.contains(kept), "lost {kept:?}:\n{text}");
    }
    // and inside the migrated operation, which moved to its v4 path with its key parameter gone
    let op = "    # CDRs: the nightly export\n    /api/v4/reporting/cdrs:\n        get:\n            # paging: the export reads 500 at a time\n            operationId: listCdrs\n            parameters:\n                - name: page\n                  in: query\n                  schema: {type: integer, minimum: 1}\n            responses:\n                '200':\n                    description: OK   # a list of calls\n            x-scopes:\n                - reporting.cdrs.read\n            x-scopeshift-mapping:\n                from: GET /api/v2/cdr\n";
    assert!(text.contains(op), "{text}");
    assert!(text.contains("    - url: https://cc.voiso.com   # production\n"), "{text}");
    assert!(!text.contains("# the account key") && !text.contains("legacyKey"), "{text}");
    let after = check_json(dir.path(), &["v4.yaml"]);
    assert!(!rules_of(&after).iter().any(|r| KEY_PLACEMENT.contains(&r.as_str())), "{after:#}");
}

/// The edited text means what the old full re-render wrote: same structure, scalar types
/// included, for every spec fixture.
#[test]
fn migrate_edits_mean_the_same_as_a_full_render() {
    use scopeshift::openapi::migrate::{Layout, migrate_with, structure};
    let catalog = scopeshift::catalog::Catalog::builtin().unwrap();
    for name in ["legacy-v1.yaml", "legacy-swagger.json", "legacy-31.yaml", "commented.yaml", "refs/main.yaml"] {
        let path = specs().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let kept = migrate_with(&catalog, &text, Some(&path), Layout::Preserve).unwrap();
        let full = migrate_with(&catalog, &text, Some(&path), Layout::Rerender).unwrap();
        assert_eq!(kept.summary.fallback, None, "{name}");
        assert_ne!(kept.text, full.text, "{name}: not edited in place");
        assert_eq!(structure(&kept.text).unwrap(), structure(&full.text).unwrap(), "{name}:\n{}", kept.text);
        assert_eq!(kept.summary.rewritten, full.summary.rewritten, "{name}");
    }
}

/// What cannot be edited in place is written again, and the summary says so.
#[test]
fn migrate_falls_back_to_a_full_render_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // an alias: editing the anchored node would change every place that uses it
    let aliased = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nservers:\n  - url: https://cc.voiso.com/api/v2\nx-ok: &ok\n  '200': {description: OK}\npaths:\n  /cdr:\n    get:  # CDRs\n      parameters:\n        - {name: key, in: query}\n      responses: *ok\n";
    std::fs::write(dir.path().join("aliased.yaml"), aliased).unwrap();
    let (code, stdout, err) = run(dir.path(), &["migrate-spec", "aliased.yaml", "-o", "v4.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains(
            "layout:  re-rendered as a whole, comments and formatting not kept: the document uses YAML aliases"
        ),
        "{stdout}"
    );
    let text = std::fs::read_to_string(dir.path().join("v4.yaml")).unwrap();
    assert!(!text.contains("# CDRs") && text.contains("/api/v4/reporting/cdrs:"), "{text}");
    // a key parameter written `- $ref: …` goes with its lines; the other items and the comments
    // stay
    let first = "openapi: 3.0.3\ninfo: {title: t, version: '1'}  # kept\nservers:\n  - url: https://cc.voiso.com/api/v2\npaths:\n  /cdr:\n    get:\n      parameters:\n        - in: query\n          name: page\n        - $ref: '#/components/parameters/K'\n      responses: {'200': {description: OK}}\n      x-list:\n        - a: 1\n          b: 2\ncomponents:\n  parameters:\n    K: {name: key, in: query}\n";
    std::fs::write(dir.path().join("first.yaml"), first).unwrap();
    let (code, stdout, err) = run(dir.path(), &["migrate-spec", "first.yaml", "-o", "v4-first.yaml"]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(dir.path().join("v4-first.yaml")).unwrap();
    assert!(!stdout.contains("layout:  re-rendered as a whole"), "{stdout}");
    assert!(text.contains("info: {title: t, version: '1'}  # kept\n"), "{text}");
    assert!(text.contains("        - in: query\n          name: page\n"), "{text}");
}

fn fixture_dir(rule: &str, kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rule).join(kind)
}

/// A key in a server URL (`/api/v1/{apiKey}` with the key as the variable's default, or a
/// literal key in `basePath`) is key-in-path placement: reported at the segment, the key never
/// printed in full, and taken out by migrate-spec with its variable.
#[test]
fn server_url_keys_are_found_masked_and_migrated() {
    let key = "9c4e1f0b7a2d4e6f8b1c3d5e7f9a0b2c";
    let fires = fixture_dir("openapi-key-in-path", "fires");
    let r =
        check_json(&fires, &["oas30-server-variable.yaml", "oas31-server-variable.json", "swagger20-basepath.yaml"]);
    let at: Vec<(String, u64, u64, u64)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "openapi-key-in-path")
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap();
            (f["path"].as_str().unwrap().to_owned(), n("line"), n("column"), n("end_column"))
        })
        .collect();
    assert_eq!(
        at,
        vec![
            ("oas30-server-variable.yaml".to_owned(), 7, 44, 52),
            ("oas31-server-variable.json".to_owned(), 6, 50, 59),
            ("swagger20-basepath.yaml".to_owned(), 4, 19, 51),
        ],
        "{r:#}"
    );
    for format in ["human", "concise", "json", "sarif", "github", "gitlab", "markdown"] {
        let (_, out, err) = run(&fires, &["check", "--no-ignore", "--format", format, "."]);
        assert!(!out.contains(&key[..20]) && !err.contains(&key[..20]), "{format} printed the key:\n{out}");
    }
    let (_, out, _) = run(&fires, &["scopes", "."]);
    assert!(!out.contains(&key[..20]), "{out}");
    let dir = tempfile::tempdir().unwrap();
    for name in ["oas30-server-variable.yaml", "oas31-server-variable.json", "swagger20-basepath.yaml"] {
        let out = dir.path().join(name);
        let (code, stdout, err) = run(&fires, &["migrate-spec", name, "-o", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(!text.contains(&key[..20]) && !stdout.contains(&key[..20]), "{name}:\n{stdout}\n{text}");
        assert!(!text.contains("default:") && !text.contains("\"api_key\""), "{name}:\n{text}");
        assert!(stdout.contains("  server:  `"), "{stdout}");
    }
    let yaml = std::fs::read_to_string(dir.path().join("oas30-server-variable.yaml")).unwrap();
    assert!(yaml.contains("servers:\n  - url: https://cc-ams03.voiso.com\npaths:\n  /api/v1/sendsms:\n"), "{yaml}");
    let after = check_json(dir.path(), &["."]);
    assert!(!rules_of(&after).iter().any(|r| KEY_PLACEMENT.contains(&r.as_str())), "{after:#}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("oas31-server-variable.json")).unwrap()).unwrap();
    assert_eq!(
        v["servers"],
        serde_json::json!([{"url": "https://{cluster}.voiso.com", "variables": {"cluster": {"default": "cc"}}}])
    );
    assert!(v["paths"].get("/api/v4/voice/calls").is_some(), "{v:#}");
}

/// migrate-spec writes one file: a `$ref` to a key parameter in another file is kept, flagged
/// in the output and named in the summary; one it cannot follow is named too.
#[test]
fn migrate_flags_refs_to_key_parameters_in_other_files() {
    let (_dir, out, stdout) = migrate("refs/main.yaml", "v4.yaml");
    assert!(
        stdout.contains("  warning: `shared/params.yaml#/Key` (used by GET /api/v2/cdr) is a key parameter (`key` in query) in another file: the reference is kept and flagged (`x-scopeshift-unresolved`)"),
        "{stdout}"
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("        - $ref: \"shared/params.yaml#/Key\"\n"), "{text}");
    assert!(
        text.contains("      x-scopeshift-unresolved:\n        - ref: shared/params.yaml#/Key\n          reason: \"a key parameter (`key` in query) in another file: not migrated, since migrate-spec writes one file\"\n"),
        "{text}"
    );
    // run from refs/, `../outside.yaml` is outside the directories references are followed in
    let dir = tempfile::tempdir().unwrap();
    let o = dir.path().join("v4.yaml");
    let (code, stdout, err) = run(&specs().join("refs"), &["migrate-spec", "main.yaml", "-o", o.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("  warning: `../outside.yaml#/Key` (used by GET /api/v2/cdr) could not be followed (outside the current directory and the spec's directory, not followed): kept as it is, check it by hand"),
        "{stdout}"
    );
    let v4 = std::fs::read_to_string(&o).unwrap();
    assert!(v4.contains("        - ref: \"../outside.yaml#/Key\"\n          reason: \"not followed (outside"), "{v4}");
    // a spec without references to other files has no warning
    let (_dir, _, stdout) = migrate("legacy-v1.yaml", "v4.yaml");
    assert!(!stdout.contains("warning:"), "{stdout}");
}

#[test]
fn migrate_refuses_to_overwrite_without_force_and_rejects_non_specs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v4.yaml");
    std::fs::write(&out, "keep me\n").unwrap();
    let o = out.to_str().unwrap();
    let (code, _, err) = run(&specs(), &["migrate-spec", "legacy-v1.yaml", "-o", o]);
    assert_eq!(code, 2);
    assert!(err.contains("exists; use --force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me\n");
    let (code, _, err) = run(&specs(), &["migrate-spec", "legacy-v1.yaml", "-o", o, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with("openapi: 3.0.3\n"));
    let fresh = dir.path().join("x.yaml");
    let f = fresh.to_str().unwrap();
    let (code, _, err) = run(&specs(), &["migrate-spec", "bad/broken.yaml", "-o", f]);
    assert_eq!(code, 2);
    assert!(err.contains("not valid YAML at line"), "{err}");
    let (code, _, err) = run(&specs(), &["migrate-spec", "refs/shared/params.yaml", "-o", f]);
    assert_eq!(code, 2);
    assert!(err.contains("not an OpenAPI/Swagger spec"), "{err}");
    let (code, _, _) = run(&specs(), &["migrate-spec", "no-such.yaml", "-o", f]);
    assert_eq!(code, 2);
    assert!(!fresh.exists());
}

#[test]
fn spec_operations_give_scopes_with_file_and_line() {
    let (code, out, _) = run(&specs(), &["scopes", "legacy-v1.yaml"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("{path: legacy-v1.yaml, line: 44, call: \"POST /api/v1/{key}/campaigns/{campaign_id}/contacts\""),
        "{out}"
    );
    assert!(out.contains("- {path: legacy-v1.yaml, line: 35, call: \"GET /api/v1/{key}/agents_status\""), "{out}");
}

#[test]
fn refs_resolve_inside_the_tree_and_are_reported_otherwise() {
    let r = check_json(&specs(), &["refs"]);
    let findings = r["findings"].as_array().unwrap();
    // the shared parameter file is not a spec: its finding is reported there, once, naming the operation
    let shared: Vec<_> = findings.iter().filter(|f| f["path"] == "refs/shared/params.yaml").collect();
    assert_eq!(shared.len(), 1, "{r:#}");
    assert_eq!((shared[0]["rule"].as_str(), shared[0]["line"].as_u64()), (Some("openapi-key-in-query"), Some(4)));
    assert!(shared[0]["message"].as_str().unwrap().contains("used by GET /api/v2/cdr"));
    let errors: Vec<String> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["path"], e["message"].as_str().unwrap()))
        .collect();
    let all = errors.join("\n");
    assert!(
        all.contains(
            "\"refs/main.yaml\": unresolved $ref at line 12: `../outside.yaml#/Key`: outside the scanned tree"
        ),
        "{all}"
    );
    assert!(all.contains("\"refs/main.yaml\": $ref cycle at line 20: #/components/parameters/Pool → #/components/parameters/Loop → #/components/parameters/Pool"), "{all}");
    assert!(
        all.contains("\"refs/main.yaml\": unresolved $ref at line 14: `#/components/parameters/Missing`: no such node"),
        "{all}"
    );
    // scanning the parent directory brings the outside file into the tree
    let r = check_json(&specs(), &["."]);
    let outside: Vec<_> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "outside.yaml")
        .map(|f| f["rule"].clone())
        .collect();
    assert_eq!(outside, vec![serde_json::json!("openapi-key-in-query")], "{r:#}");
}

#[test]
fn bad_specs_become_errors_and_the_scan_goes_on() {
    let r = check_json(&specs(), &["bad"]);
    let errors: Vec<String> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["path"], e["message"].as_str().unwrap()))
        .collect();
    let all = errors.join("\n");
    for want in [
        "\"bad/broken.yaml\": not valid YAML at line 6",
        "\"bad/duplicate.yaml\": duplicate key `in` (first at line 7); the last one is used at line 9",
        "\"bad/deep.json\": not valid JSON at line 1",
        "\"bad/version.yaml\": not an OpenAPI/Swagger spec at line 1: `swagger: 1.2` is not supported",
    ] {
        assert!(all.contains(want), "missing `{want}` in:\n{all}");
    }
    // the alias bomb loads (aliases are shared, not expanded) and is not an error
    assert!(!all.contains("alias-bomb"), "{all}");
    let found: Vec<(String, String)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_owned(), f["rule"].as_str().unwrap().to_owned()))
        .collect();
    assert!(found.contains(&("bad/good.yaml".into(), "openapi-key-in-query".into())), "{found:?}");
    // the duplicate `in` keeps the last value: query
    assert!(found.contains(&("bad/duplicate.yaml".into(), "openapi-key-in-query".into())), "{found:?}");
}

/// A 2–3 MB spec loads and lints in well under a second in release; in a debug test build the
/// bound is loose, it only catches quadratic behaviour.
#[test]
fn large_spec_lints_fast() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    std::fs::write(&path, big_spec(3_000)).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 2_000_000, "{size}");
    let t = std::time::Instant::now();
    let r = check_json(dir.path(), &["big.yaml"]);
    let took = t.elapsed();
    assert!(took.as_secs_f64() < 20.0, "{took:?}");
    assert_eq!(r["summary"]["files_scanned"], 1);
    assert!(rules_of(&r).iter().filter(|x| *x == "openapi-key-in-query").count() >= 1);
}

/// A generated OpenAPI 3.0 spec: `n` paths with parameters, schemas and responses (about
/// 850 bytes each), on a Voiso host, with one apiKey-in-query scheme.
pub fn big_spec(n: usize) -> String {
    let mut s = String::from(
        "openapi: 3.0.3\ninfo:\n  title: Voiso big\n  version: \"1\"\nservers:\n  - url: https://cc.voiso.com\nsecurity:\n  - k: []\npaths:\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "  /api/v4/things{i}/{{thing_id}}/items:\n    get:\n      operationId: listThings{i}\n      summary: List the items of thing {i}, with a long description to make the file realistic\n      parameters:\n        - name: thing_id\n          in: path\n          required: true\n          schema: {{type: string, format: uuid}}\n        - name: limit\n          in: query\n          schema: {{type: integer, minimum: 1, maximum: 1000}}\n      responses:\n        \"200\":\n          description: OK\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  items: {{type: array, items: {{$ref: \"#/components/schemas/Item\"}}}}\n                  next_cursor: {{type: string, nullable: true}}\n        \"404\":\n          description: Not found\n"
        ));
    }
    s.push_str("components:\n  schemas:\n    Item:\n      type: object\n      properties:\n        id: {type: string}\n  securitySchemes:\n    k: {type: apiKey, name: key, in: query}\n");
    s
}
