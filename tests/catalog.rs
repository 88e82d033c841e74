//! The catalogs under `rules/` are data checked by tests: the built-in files load, every row is
//! consistent, every endpoint is reachable through the matcher, and bad files fail with the
//! file, line and field named.

use std::collections::BTreeSet;

use scopeshift::catalog::{Catalog, KeyPlacement, Seg};
use scopeshift::scan::Engine;
use scopeshift::source::{Encoding, SourceFile};

fn builtin() -> Catalog {
    Catalog::builtin().expect("the built-in rules load")
}

#[test]
fn voiso_catalog_is_complete() {
    let c = builtin();
    let v = c.vendor("voiso").expect("voiso vendor");
    assert_eq!(v.scopes.len(), 21, "the 21 v4 scopes of the API keys article");
    let ids: BTreeSet<&str> = v.legacy.iter().map(|l| l.id.as_str()).collect();
    for i in 1..=26 {
        assert!(ids.contains(format!("L{i}").as_str()), "L{i} missing");
    }
    let v4: BTreeSet<&str> = v.v4.iter().map(|e| e.id.as_str()).collect();
    for i in 1..=15 {
        assert!(v4.contains(format!("V{i}").as_str()), "V{i} missing");
    }
    for i in 1..=17 {
        assert!(v4.iter().any(|id| *id == format!("I{i}") || id.starts_with(&format!("I{i}-"))), "I{i} missing");
    }
    // every scope the v4 rows use is declared, and every declared scope is reachable
    let declared: BTreeSet<&str> = v.scopes.iter().map(|s| s.id.as_str()).collect();
    let used: BTreeSet<&str> = v.v4.iter().filter_map(|e| e.scope.as_deref()).collect();
    assert_eq!(used, declared);
    // every legacy row maps or says why not
    for l in &v.legacy {
        assert!(l.v4.is_empty() == l.unmapped.is_some(), "{}", l.id);
        if l.key == KeyPlacement::Path {
            assert!(l.key_segment.is_some(), "{}", l.id);
        }
    }
}

/// A URL built from each endpoint's template matches that endpoint and yields its scope.
#[test]
fn every_endpoint_is_reachable_through_the_matcher() {
    let c = builtin();
    let engine = Engine::new(&c);
    let v = c.vendor("voiso").unwrap();
    let fill = |segs: &[Seg]| {
        segs.iter()
            .map(|s| match s {
                Seg::Lit(l) => l.clone(),
                Seg::Param(p) if p == "key" => "{api_key}".to_owned(),
                Seg::Param(_) => "42".to_owned(),
            })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut checked = 0;
    for l in &v.legacy {
        let src = format!("curl -X {} https://cc.voiso.com/{}\n", l.method, fill(&l.path.segs));
        let r = engine.scan_source(&SourceFile::new("t.sh", src.clone(), Encoding::Utf8));
        let u = r.usages.first().unwrap_or_else(|| panic!("{}: no usage for {src}", l.id));
        assert_eq!(u.call, l.display(), "{}", l.id);
        assert_eq!(u.scopes, v.legacy_scopes(l), "{}", l.id);
        assert!(!r.findings.is_empty(), "{}: a legacy call is always reported", l.id);
        checked += 1;
    }
    for e in v.v4.iter().filter(|e| e.path.is_some()) {
        let src = format!("curl -X {} https://cc.voiso.com/{}\n", e.method, fill(&e.path.as_ref().unwrap().segs));
        let r = engine.scan_source(&SourceFile::new("t.sh", src.clone(), Encoding::Utf8));
        assert!(r.findings.is_empty(), "{}: a v4 call is not a finding: {:?}", e.id, r.findings);
        assert_eq!(r.usages.len(), 1, "{src}");
        assert_eq!(r.usages[0].scopes, e.scope.iter().cloned().collect::<Vec<_>>(), "{}", e.id);
        checked += 1;
    }
    assert!(checked > 40);
}

#[test]
fn method_picks_between_endpoints_that_share_a_path() {
    let c = builtin();
    let engine = Engine::new(&c);
    let calls = |src: &str| {
        engine
            .scan_source(&SourceFile::new("t.sh", src.to_owned(), Encoding::Utf8))
            .usages
            .into_iter()
            .map(|u| (u.call, u.scopes))
            .collect::<Vec<_>>()
    };
    let put = calls("curl -X PUT https://cc.voiso.com/api/v1/$K/campaigns/7/contacts\n");
    assert_eq!(put[0].0, "PUT /api/v1/{key}/campaigns/{campaign_id}/contacts");
    let post = calls("curl -X POST https://cc.voiso.com/api/v1/$K/campaigns/7/contacts\n");
    assert_eq!(post[0].0, "POST /api/v1/{key}/campaigns/{campaign_id}/contacts");
    let read = calls("curl https://cc.voiso.com/api/v4/tasks/webhooks\n");
    assert_eq!(read[0].1, vec!["tasks.webhooks.read".to_owned()]);
    let manage = calls("curl -X POST https://cc.voiso.com/api/v4/tasks/webhooks -d @hook.json\n");
    assert_eq!(manage[0].1, vec!["tasks.webhooks.manage".to_owned()]);
}

/// A minimal lint file for every rule the checker emits, with `extra` replacing or adding one.
fn lints_with(extra: (&'static str, &'static str)) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = scopeshift::catalog::ids::ALL
        .iter()
        .map(|id| {
            let msg = if *id == "key-in-path" { "\"{vendor} {call}\"" } else { "m" };
            (
                format!("rules/lints/{id}.yaml"),
                format!("id: {id}\ntitle: t\nseverity: error\nmessage: {msg}\nhelp: h\ndocs: {{what: a, why: b, example: c, fix: d}}\n"),
            )
        })
        .filter(|(f, _)| f != extra.0)
        .collect();
    v.push((extra.0.to_owned(), extra.1.to_owned()));
    v
}

fn from(vendors: &[(&str, &str)], lints: &[(String, String)]) -> Result<Catalog, scopeshift::catalog::RuleFileError> {
    let lints: Vec<(&str, &str)> = lints.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    Catalog::from_sources(vendors, &lints)
}

const VENDOR: &str = "id: acme\nname: Acme\nhosts: [\"*.acme.test\"]\napi_prefixes: [/api/]\nkey_params: [key]\nauth: \"Authorization: Bearer <k>\"\nscopes:\n  - {id: a.read, description: read}\nv4:\n  - {id: V1, method: GET, path: /api/v4/a, scope: a.read, status: documented, purpose: p}\nlegacy:\n  - id: L1\n    family: v1\n    method: GET\n    path: /api/v1/{key}/a\n    key: path\n    key_type: user\n    purpose: p\n    v4: [V1]\n    mapping: inferred\n";

#[test]
fn a_new_vendor_is_a_yaml_file() {
    let c = from(
        &[("rules/vendors/acme.yaml", VENDOR)],
        &lints_with(("rules/lints/unmapped-endpoint.yaml", "id: unmapped-endpoint\ntitle: t\nseverity: warning\nmessage: m\nhelp: h\ndocs: {what: a, why: b, example: c, fix: d}\n")),
    )
    .unwrap();
    let engine = Engine::new(&c);
    let r = engine.scan_source(&SourceFile::new(
        "x.js",
        "get('https://eu.acme.test/api/v1/${k}/a')\n".into(),
        Encoding::Utf8,
    ));
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].message, "Acme GET /api/v1/{key}/a");
    assert_eq!(r.usages[0].scopes, vec!["a.read".to_owned()]);
}

fn load_err(vendor: &str) -> String {
    let lints = lints_with((
        "rules/lints/unmapped-endpoint.yaml",
        "id: unmapped-endpoint\ntitle: t\nseverity: warning\nmessage: m\nhelp: h\ndocs: {what: a, why: b, example: c, fix: d}\n",
    ));
    from(&[("rules/vendors/acme.yaml", vendor)], &lints).unwrap_err().to_string()
}

#[test]
fn bad_rule_files_name_the_file_line_and_field() {
    let e = load_err(&VENDOR.replace("    key_type: user\n", "    key_type: user\n    kye: path\n"));
    assert!(e.starts_with("rules/vendors/acme.yaml:18:5: unknown field `kye`"), "{e}");
    let e = load_err(&VENDOR.replace("scope: a.read, status", "scope: a.write, status"));
    assert!(e.starts_with("rules/vendors/acme.yaml:10:") && e.contains("V1") && e.contains("a.write"), "{e}");
    let e = load_err(&VENDOR.replace("v4: [V1]", "v4: [V9]"));
    assert!(e.starts_with("rules/vendors/acme.yaml:12:") && e.contains("L1") && e.contains("V9"), "{e}");
    let e = load_err(&VENDOR.replace("path: /api/v1/{key}/a", "path: /api/v1/a"));
    assert!(e.contains("{key}"), "{e}");
    let e = load_err(&VENDOR.replace("method: GET\n    path", "method: FETCH\n    path"));
    assert!(e.contains("FETCH"), "{e}");
    let e = load_err(&VENDOR.replace("v4: [V1]\n    mapping: inferred\n", "v4: []\n    mapping: inferred\n"));
    assert!(e.contains("unmapped"), "{e}");
    let e = load_err("id: acme\nname: [unclosed\n");
    assert!(e.starts_with("rules/vendors/acme.yaml"), "{e}");
}

#[test]
fn bad_lint_files_are_rejected() {
    let bad = [
        (
            "rules/lints/unmapped-endpoint.yaml",
            "id: other\ntitle: t\nseverity: warning\nmessage: m\nhelp: h\ndocs: {what: a, why: b, example: c, fix: d}\n",
            "file name",
        ),
        (
            "rules/lints/unmapped-endpoint.yaml",
            "id: unmapped-endpoint\ntitle: t\nseverity: fatal\nmessage: m\nhelp: h\ndocs: {what: a, why: b, example: c, fix: d}\n",
            "severity",
        ),
        (
            "rules/lints/unmapped-endpoint.yaml",
            "id: unmapped-endpoint\ntitle: t\nseverity: warning\nmessage: \"{nope}\"\nhelp: h\ndocs: {what: a, why: b, example: c, fix: d}\n",
            "nope",
        ),
        (
            "rules/lints/unmapped-endpoint.yaml",
            "id: unmapped-endpoint\ntitle: t\nseverity: warning\nmessage: m\nhelp: h\nextra: 1\ndocs: {what: a, why: b, example: c, fix: d}\n",
            "extra",
        ),
    ];
    for (file, text, want) in bad {
        let e = from(&[("rules/vendors/acme.yaml", VENDOR)], &lints_with((file, text))).unwrap_err().to_string();
        assert!(e.contains(want), "{want}: {e}");
    }
    // a rule the checker emits must have its file
    let mut lints = lints_with((
        "rules/lints/x.yaml",
        "id: x\ntitle: t\nseverity: warning\nmessage: m\nhelp: h\ndocs: {what: a, why: b, example: c, fix: d}\n",
    ));
    lints.retain(|(f, _)| !f.ends_with("unmapped-endpoint.yaml"));
    let e = from(&[], &lints).unwrap_err().to_string();
    assert!(e.contains("unmapped-endpoint"), "{e}");
}
