//! Language-aware extraction, one test per language: `tests/fixtures/languages/<lang>/fires/`
//! holds code that builds legacy calls, each finding's line marked with an `expect: <rule> …`
//! comment; `quiet/` holds code that must give no finding at all. Every finding must be
//! expected and every expectation found; the fixtures must parse (no fallback to the generic
//! extractor); and what a user sees (line, column, message, the underlined labels) is
//! snapshotted per language.

mod common;

use common::*;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use scopeshift::catalog::Catalog;
use scopeshift::check::Finding;
use scopeshift::config::Settings;
use scopeshift::{CheckOptions, check_tree};

fn dir(lang: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages").join(lang)
}

fn scan(path: &Path) -> scopeshift::Outcome {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rel = path.strip_prefix(root).unwrap().to_path_buf();
    let catalog = Catalog::builtin().unwrap();
    let opts = CheckOptions {
        settings: Settings::defaults(root),
        paths: vec![rel],
        no_ignore: true,
        follow_links: false,
        threads: 1,
        staged: false,
        history: None,
        inline_allow: true,
    };
    check_tree(&catalog, &opts).unwrap()
}

/// `(path, line, rule)` of every `expect: rule …` marker under `dir`.
fn expectations(dir: &Path) -> BTreeSet<(String, usize, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            let text = fs::read_to_string(&p).unwrap();
            for (i, line) in text.lines().enumerate() {
                if let Some(at) = line.find("expect: ") {
                    for rule in line[at + 8..].split_whitespace() {
                        let rule = rule.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
                        if rule.is_empty() || !rule.contains('-') {
                            break;
                        }
                        out.insert((rel.clone(), i + 1, rule.to_owned()));
                    }
                }
            }
        }
    }
    out
}

/// One line per finding: position, rule, message, and each label with its position and text.
fn render(f: &Finding) -> String {
    let mut s = format!("{}:{}:{}: {} {}", f.path, f.start.line, f.start.column, f.rule, f.message);
    let ex = &f.excerpt;
    for l in &ex.labels {
        let before = &ex.text[..l.span.start.min(ex.text.len())];
        let line = ex.first_line + before.matches('\n').count();
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        let under = ex.text.get(l.span.range()).unwrap_or("");
        s.push_str(&format!("\n    {line}:{col} `{under}` {}", l.text));
    }
    s
}

fn check_language(lang: &str) {
    let d = dir(lang);
    let fires = scan(&d.join("fires"));
    let quiet = scan(&d.join("quiet"));
    assert!(fires.scan.errors.is_empty(), "{lang}: fixtures must parse: {:?}", fires.scan.errors);
    assert!(quiet.scan.errors.is_empty(), "{lang}: fixtures must parse: {:?}", quiet.scan.errors);
    let quiet_found: Vec<String> = quiet.findings.iter().map(render).collect();
    assert!(quiet_found.is_empty(), "{lang}: findings in quiet fixtures:\n{}", quiet_found.join("\n"));
    let want = expectations(&d.join("fires"));
    assert!(!want.is_empty(), "{lang}: no `expect:` markers");
    let got: BTreeSet<(String, usize, String)> =
        fires.findings.iter().map(|f| (f.path.clone(), f.start.line, f.rule.clone())).collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{lang}:\nexpected but not found: {missing:#?}\nfound but not expected: {extra:#?}\nall findings:\n{}",
        fires.findings.iter().map(render).collect::<Vec<_>>().join("\n")
    );
    let lines: Vec<String> = fires.findings.iter().map(render).collect();
    settings().bind(|| insta::assert_snapshot!(format!("lang_{lang}"), lines.join("\n")));
}

macro_rules! languages {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_language(stringify!($name));
            }
        )*
    };
}

languages!(python, javascript, typescript, php, ruby, shell, go, java, kotlin, csharp, dart, rust, notebook, markdown);

/// The human report underlines the key where the code builds it: the `{API_KEY}` of an
/// f-string over a constant, the `"key": …` entry of a params map two lines below the URL.
#[test]
fn human_report_underlines_reconstructed_calls() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, _) = run(root, &["check", "tests/fixtures/languages/python/fires/voiso_client.py"]);
    assert_eq!(code, 1, "{out}");
    settings().bind(|| insta::assert_snapshot!("lang_python_human", out));
}

/// Every fixture, cut at every 7th byte and with bytes flipped (a fixed seed): each language's
/// extractor either extracts or reports a parse failure, and never panics or hangs.
#[test]
fn truncated_and_corrupted_sources_never_panic() {
    use scopeshift::extract::lang::{Lang, extract, extract_file};
    use scopeshift::extract::{Deadline, ExtractConfig};
    use scopeshift::source::SourceFile;
    let cfg = ExtractConfig {
        path_anchors: vec!["/api/".into(), "/user_management/".into()],
        key_names: vec!["key".into(), "tenant_id".into()],
        header_names: vec!["authorization".into(), "x-api-key".into()],
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/languages");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut runs = 0;
    for lang_dir in fs::read_dir(&root).unwrap() {
        for kind in ["fires", "quiet"] {
            let Ok(entries) = fs::read_dir(lang_dir.as_ref().unwrap().path().join(kind)) else { continue };
            // fixtures in subdirectories too (`bin/server.dart`)
            let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
            while let Some(d) = files.iter().position(|p| p.is_dir()) {
                let d = files.remove(d);
                files.extend(fs::read_dir(d).unwrap().map(|e| e.unwrap().path()));
            }
            for p in files {
                let path = p.to_string_lossy().into_owned();
                let lang = Lang::from_path(&path);
                let text = fs::read_to_string(&p).unwrap();
                let mut variants: Vec<String> = Vec::new();
                for cut in (0..text.len()).step_by(7).filter(|c| text.is_char_boundary(*c)) {
                    variants.push(text[..cut].to_owned());
                }
                for _ in 0..40 {
                    let mut b = text.clone().into_bytes();
                    for _ in 0..4 {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        let i = (seed as usize) % b.len().max(1);
                        b[i] = b"\"'`{}()[]$#/+.%\\\n"[(seed >> 32) as usize % 17];
                    }
                    variants.push(String::from_utf8_lossy(&b).into_owned());
                }
                for v in &variants {
                    let deadline = Deadline::after(std::time::Duration::from_secs(5));
                    match lang {
                        Some(lang) => drop(extract(lang, v, &cfg, deadline)),
                        // notebooks and Markdown: the embedded code, through the same extractors
                        None => drop(extract_file(&SourceFile::decode(&path, v.as_bytes()), &cfg, deadline)),
                    }
                    runs += 1;
                }
            }
        }
    }
    assert!(runs > 1000, "{runs}");
}

/// A key inside a constant the URL resolves is on a context line of the excerpt, not in the
/// URL: it is masked there too, in every format.
#[test]
fn a_key_in_a_resolved_constant_is_never_printed() {
    let key = "A204CF426A66DB3F2680F211B29978A10ED78FFF247AD35F";
    let (_d, root) = tree();
    write_file(
        &root,
        "leak.py",
        format!(
            "import requests\nKEY_SEG = \"{key}/balance\"\nrequests.get(\"https://cc-ams03.voiso.com/api/v1/\" + KEY_SEG)\n"
        ),
    );
    for format in ["human", "concise", "json", "sarif", "github", "gitlab", "markdown"] {
        let (code, out, err) = run(&root, &["check", "--format", format, "leak.py"]);
        assert_eq!(code, 1, "{format}: {out}{err}");
        assert!(!out.contains(key) && !err.contains(key), "{format} prints the key:\n{out}");
    }
}

/// Empty literals around a join (`"…/".join(concat!("", "/api/…"))`) do not break the slash
/// handling (this panicked once).
#[test]
fn joins_with_empty_pieces() {
    let (_d, root) = tree();
    write_file(
        &root,
        "p.rs",
        "fn f() {\n    let u = format!(\"{}\", \"https://cc-ams03.voiso.com/\".join(concat!(\"\", \"/api/v1/balance\")));\n}\n",
    );
    let (code, out, err) = run(&root, &["check", "--format", "json", "p.rs"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(!out.contains("internal error"), "{out}");
}

/// Rust code nested deep around a large expression would cost syn memory in proportion to
/// depth x size: it is refused before parsing, named, and scanned generically (quickly).
#[test]
fn deeply_nested_large_rust_is_refused_not_exploded() {
    let (_d, root) = tree();
    let depth = 40;
    let items = vec!["1"; 90_000].join(",");
    let code = format!(
        "fn f() {{\n    let u = \"https://cc-ams03.voiso.com/api/v1/abc/balance\";\n    x = {}[{items}]{};\n}}\n",
        "f(".repeat(depth),
        ")".repeat(depth)
    );
    write_file(&root, "deep.rs", code);
    let started = std::time::Instant::now();
    let (code, out, err) = run(&root, &["check", "--format", "json", "deep.rs"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["message"].as_str().unwrap().contains("too deeply nested for the Rust parser")),
        "{errors:?}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "{:?}", started.elapsed());
}
