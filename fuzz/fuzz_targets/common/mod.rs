//! Shared by the fuzz targets: the built-in catalog and engine (built once per process), and
//! `render_all`, which renders a report in every output format and checks each one parses as
//! what it claims to be.

#![allow(dead_code)]

use std::sync::LazyLock;

use scopeshift::catalog::Catalog;
use scopeshift::report::{self, Emitter, Format, Report};
use scopeshift::scan::Engine;

pub static CATALOG: LazyLock<Catalog> = LazyLock::new(|| Catalog::builtin().expect("built-in catalog loads"));
pub static ENGINE: LazyLock<Engine<'static>> = LazyLock::new(|| Engine::new(&CATALOG));

/// Every `--format`, plus the `scopes` manifest.
pub const FORMATS: &[(&str, Format)] = &[
    ("human", Format::Human),
    ("concise", Format::Concise),
    ("json", Format::Json),
    ("sarif", Format::Sarif),
    ("github", Format::Github),
    ("gitlab", Format::Gitlab),
    ("markdown", Format::Markdown),
];

/// Render `r` in every format (human with and without colour) and the manifest; panic when a
/// machine format does not parse. Returns `(format, output)` pairs.
pub fn render_all(r: &Report<'_>) -> Vec<(&'static str, String)> {
    let mut outs = Vec::new();
    for &(name, format) in FORMATS {
        for color in [false, true] {
            if color && format != Format::Human {
                continue;
            }
            let mut buf = Vec::new();
            report::emitter(format, color).emit(r, &mut buf).expect("emitting into a Vec cannot fail");
            let text = String::from_utf8(buf).unwrap_or_else(|e| panic!("--format {name} wrote invalid UTF-8: {e}"));
            outs.push((name, text));
        }
    }
    let mut buf = Vec::new();
    report::manifest::Manifest.emit(r, &mut buf).expect("emitting into a Vec cannot fail");
    outs.push(("manifest", String::from_utf8(buf).expect("manifest is UTF-8")));

    for (name, text) in &outs {
        match *name {
            "json" => {
                let v: serde_json::Value =
                    serde_json::from_str(text).unwrap_or_else(|e| panic!("--format json is not JSON: {e}\n{text}"));
                assert_eq!(v["version"], 1);
                assert_eq!(v["findings"].as_array().map(Vec::len), Some(r.findings.len()), "json findings count");
                assert_eq!(v["errors"].as_array().map(Vec::len), Some(r.scan.errors.len()), "json errors count");
            }
            "sarif" => {
                let v: serde_json::Value =
                    serde_json::from_str(text).unwrap_or_else(|e| panic!("--format sarif is not JSON: {e}\n{text}"));
                assert_eq!(v["version"], "2.1.0");
                let results = v["runs"][0]["results"].as_array().expect("runs[0].results");
                assert_eq!(results.len(), r.findings.len(), "sarif results count");
                let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().expect("driver.rules");
                for res in results {
                    let i = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
                    assert_eq!(rules[i]["id"], res["ruleId"], "ruleIndex points at ruleId");
                }
            }
            "gitlab" => {
                let v: serde_json::Value =
                    serde_json::from_str(text).unwrap_or_else(|e| panic!("--format gitlab is not JSON: {e}\n{text}"));
                let issues = v.as_array().expect("gitlab report is an array");
                assert_eq!(issues.len(), r.findings.len(), "gitlab issues count");
                let mut fps: Vec<&str> =
                    issues.iter().map(|i| i["fingerprint"].as_str().expect("fingerprint")).collect();
                fps.sort_unstable();
                let n = fps.len();
                fps.dedup();
                assert_eq!(fps.len(), n, "gitlab fingerprints must be unique");
            }
            "manifest" => {
                let v: serde_json::Value =
                    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("the manifest is not YAML: {e}\n{text}"));
                assert_eq!(v["version"], 1, "manifest version\n{text}");
                // and `check --manifest` reads it back with the same scopes
                let m = scopeshift::drift::parse_manifest("m.yaml", text)
                    .unwrap_or_else(|e| panic!("check --manifest cannot read the manifest: {e}\n{text}"));
                for vs in r.scopes {
                    let got =
                        m.vendors.get(&vs.vendor).unwrap_or_else(|| panic!("vendor {:?} lost\n{text}", vs.vendor));
                    if vs.scopes_published {
                        let want: Vec<&String> = vs.scopes.keys().collect();
                        let have: Vec<&String> = got.scopes.iter().collect();
                        assert_eq!(have, want, "manifest scopes round-trip\n{text}");
                    }
                }
            }
            "github" => {
                // one workflow command per finding and error, then the summary: every line but the
                // last is a command, and the last is not
                let lines: Vec<&str> = text.lines().collect();
                assert_eq!(lines.len(), r.findings.len() + r.scan.errors.len() + 1, "github line count\n{text}");
                let (last, cmds) = lines.split_last().expect("summary line");
                assert!(cmds.iter().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")), "{text}");
                assert!(!last.starts_with("::"), "summary reads as a command: {last}");
            }
            _ => {}
        }
    }
    outs
}
