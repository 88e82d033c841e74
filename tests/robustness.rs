//! Issue 8: the bad-input suite and the security tests. The built binary runs over trees built in
//! a temporary directory, always with a time limit (a hang fails the test instead of stalling
//! it). Each bad-input case checks that the scan keeps going, that a real finding elsewhere in the
//! same tree is still found, and that the exit code follows the rules (1 with findings, 2 only for
//! scopeshift's own errors, never a signal).
//!
//! What tests/walk.rs covers (ignore files, binaries, the size cap, Latin-1/UTF-16, symlinks,
//! FIFOs, unreadable files, exit codes, a closed pipe) is not repeated here.

// Skipped tests say why on stderr.
#![allow(clippy::print_stderr)]

mod common;

use common::{tree, write_file};

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_scopeshift");

/// The real finding every bad-input tree also holds: `key-in-path` on line 1 of `real.py`.
const REAL: &str = "requests.post(\"https://cc-ams03.voiso.com/api/v1/abc123/click2call?agent=1&number=2\")\n";
/// A legacy call with the key in the query string.
const QUERY_CALL: &str = "requests.get(\"https://cc.voiso.com/api/v2/cdr?key=abc\")";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", cut(&self.stdout), self.stderr))
    }
}

fn cut(s: &str) -> String {
    if s.len() <= 4000 {
        return s.to_owned();
    }
    let mut i = 4000;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    format!("{}… ({} bytes in all)", &s[..i], s.len())
}

/// Run `cmd` to completion or kill it after `limit` (a hang is a failure, not a stalled test).
/// A death by signal (a stack overflow is SIGSEGV/SIGABRT) fails the test.
fn run_cmd(mut cmd: Command, limit: Duration) -> Out {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn scopeshift");
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = so.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = se.read_to_end(&mut b);
        b
    });
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let err = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
            panic!("scopeshift did not finish within {limit:?} (killed); stderr:\n{}", cut(&err));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8(t_out.join().unwrap()).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    let code = status.code().unwrap_or_else(|| panic!("killed by a signal: {status:?}\nstderr:\n{}", cut(&stderr)));
    Out { code, stdout, stderr, elapsed }
}

fn run(args: &[&str], dir: &Path, limit: Duration) -> Out {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(dir).env("NO_COLOR", "1");
    run_cmd(cmd, limit)
}

/// `check --format json` in `dir` with a time limit.
fn check(dir: &Path, extra: &[&str], limit: Duration) -> (Out, Value) {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run(&args, dir, limit);
    let json = out.json();
    (out, json)
}

fn findings_in<'a>(json: &'a Value, path: &str) -> Vec<&'a Value> {
    json["findings"].as_array().expect("findings").iter().filter(|f| f["path"] == path).collect()
}

/// The tree's real finding is there, and the run exited 1 (findings, not a tool error).
fn assert_real_found(out: &Out, json: &Value) {
    assert_eq!(out.code, 1, "findings exit 1; stderr:\n{}", cut(&out.stderr));
    let real = findings_in(json, "real.py");
    assert!(
        real.iter().any(|f| f["rule"] == "key-in-path" && f["line"] == 1),
        "the real finding in real.py is missing: {}",
        cut(&json["findings"].to_string())
    );
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// (rule, line, column, end line, end column) of each finding in `path`.
fn positions(json: &Value, path: &str) -> Vec<(String, u64, u64, u64, u64)> {
    let mut v: Vec<_> = findings_in(json, path)
        .iter()
        .map(|f| {
            let n = |k: &str| f[k].as_u64().unwrap_or_else(|| panic!("{k} missing in {f}"));
            (f["rule"].as_str().unwrap().to_owned(), n("line"), n("column"), n("end_line"), n("end_column"))
        })
        .collect();
    v.sort();
    v
}

const LIMIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Bad inputs
// ---------------------------------------------------------------------------------------------

/// CRLF line endings, a UTF-8 BOM and tab indentation give the same lines and columns as the plain
/// LF file (a column counts characters: a tab is one, the BOM none), and no `\r` in a snippet.
#[test]
fn crlf_bom_and_tabs_keep_lines_and_columns() {
    let (_d, root) = tree();
    let lf = format!("# header\n\n  {QUERY_CALL}\n  x = 1\n");
    write_file(&root, "lf.py", &lf);
    write_file(&root, "crlf.py", lf.replace('\n', "\r\n"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(lf.as_bytes());
    write_file(&root, "bom.py", bom);
    write_file(&root, "tabs.py", lf.replace("  ", "\t\t"));
    write_file(&root, "real.py", REAL);

    let (out, json) = check(&root, &[], LIMIT);
    assert_real_found(&out, &json);
    let want = positions(&json, "lf.py");
    assert!(!want.is_empty() && want.iter().all(|p| p.1 == 3 && p.2 == 49), "lf.py: {want:?}");
    for name in ["crlf.py", "bom.py", "tabs.py"] {
        assert_eq!(positions(&json, name), want, "{name} positions differ from the LF file");
    }
    for f in json["findings"].as_array().unwrap() {
        let s = f["snippet"].as_str().unwrap();
        assert!(!s.contains('\r') && !s.contains('\u{feff}'), "snippet with CR or BOM: {s:?}");
    }
    // the human excerpt shows no stray carriage return either
    let human = run(&["check"], &root, LIMIT);
    assert_eq!(human.code, 1);
    assert!(!human.stdout.contains('\r'), "human output holds a carriage return");
}

/// A 20 MB minified bundle on one line with a legacy call near its end: found, the snippet is cut
/// to a sane width, and no line of the human output is huge.
#[test]
fn minified_bundle_on_one_line() {
    let (_d, root) = tree();
    let chunk = "var a=function(b){return b.map(function(c){return c+1})};";
    let mut s = String::with_capacity(21 << 20);
    while s.len() < 20 << 20 {
        s.push_str(chunk);
    }
    s.push_str("fetch(\"https://cc.voiso.com/api/v1/\"+k+\"/balance\").then(function(r){return r.json()});");
    s.push_str(&chunk.repeat(20));
    write_file(&root, "dist/bundle.min.js", &s);
    write_file(&root, "real.py", REAL);

    let (out, json) = check(&root, &[], LIMIT);
    assert_real_found(&out, &json);
    let found = findings_in(&json, "dist/bundle.min.js");
    assert!(found.iter().any(|f| f["rule"] == "key-in-path"), "bundle finding missing: {found:?}");
    for f in &found {
        assert_eq!(f["line"], 1);
        assert!(f["column"].as_u64().unwrap() > 20 << 20, "column counts the whole line: {f}");
        let n = f["snippet"].as_str().unwrap().chars().count();
        assert!(n <= 200, "snippet of {n} chars");
    }
    let human = run(&["check"], &root, LIMIT);
    assert_eq!(human.code, 1);
    let longest = human.stdout.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 400, "a human output line of {longest} chars");
    assert!(human.stdout.len() < 64 * 1024, "human output of {} bytes for 2 findings", human.stdout.len());
}

/// A very long URL (80 KB of path) is reported, but no output line carries all of it: the
/// message and the human report stay readable. Currently fails: the unmatched call's path goes
/// into the message whole (src/check.rs `path_display`), giving a 240 KB human line.
#[test]
fn a_huge_url_does_not_make_a_huge_line() {
    let (_d, root) = tree();
    write_file(&root, "long.js", format!("fetch(\"https://cc.voiso.com/api/v1/{}x\")\n", "abc/".repeat(20_000)));
    write_file(&root, "real.py", REAL);
    let (out, json) = check(&root, &[], LIMIT);
    assert_real_found(&out, &json);
    assert!(!findings_in(&json, "long.js").is_empty(), "the long URL is a vendor call and is reported");
    for f in findings_in(&json, "long.js") {
        let n = f["message"].as_str().unwrap().chars().count();
        assert!(n <= 1000, "a message of {n} chars");
    }
    let human = run(&["check"], &root, LIMIT);
    let longest = human.stdout.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(longest <= 400, "a human output line of {longest} chars");
}

/// Many legacy calls on one minified line (a 2 MB bundle with 40,000 URLs): the extractor must
/// stay linear. Currently fails: each URL rescans its whole line (src/extract/generic.rs
/// `method`: `ltext.contains("curl")` and `FIELD_METHOD` over the line; `curl_params`;
/// `SourceFile::position` counts chars from the line start), about 30 s in release.
#[test]
fn many_calls_on_one_line_stay_linear() {
    let (_d, root) = tree();
    let call = "fetch(\"https://example.com/api/x/y\");";
    write_file(&root, "app.min.js", format!("/* voiso */{}", call.repeat(40_000)));
    write_file(&root, "real.py", REAL);
    // generous for a debug build: linear work on 2 MB is well under a second (killed at 20 s)
    let (out, json) = check(&root, &[], Duration::from_secs(20));
    assert_real_found(&out, &json);
    assert!(out.elapsed < Duration::from_secs(10), "2 MB took {:?}", out.elapsed);
}

/// A minified JSON document (a Postman export, an API dump) with 20,000 `"key":` fields and calls
/// on one line: linear too. Currently fails (about 60 s in release): each field rescans the
/// candidates and the line (src/extract/generic.rs `attach_fields`: `out.iter().any` per field,
/// `file.position`, the nearest-line search over every URL, `QUERY_WORD` over the text from the
/// line start), and every finding counts chars from the line start (src/check.rs `finish`,
/// `excerpt`). On one line every field also attaches to the first call.
#[test]
fn many_key_fields_on_one_line_stay_linear() {
    let (_d, root) = tree();
    let items: Vec<String> =
        (0..20_000).map(|i| format!("{{\"key\": k{i}, \"url\": \"https://cc.voiso.com/api/v2/cdr\"}}")).collect();
    write_file(&root, "dump.json", format!("[{}]", items.join(",")));
    write_file(&root, "real.py", REAL);
    let (out, json) = check(&root, &[], Duration::from_secs(20));
    assert_real_found(&out, &json);
    assert!(out.elapsed < Duration::from_secs(10), "1 MB took {:?}", out.elapsed);
}

/// A file that starts as text and turns binary after the sniffed prefix: skipped and counted as
/// binary, or scanned, but never an error and never stopping the scan.
#[test]
fn text_that_turns_binary() {
    let (_d, root) = tree();
    let mut b = Vec::new();
    b.extend_from_slice(format!("{QUERY_CALL}\n").as_bytes());
    while b.len() < 16 * 1024 {
        b.extend_from_slice(b"// plain text padding, nothing to see here\n");
    }
    b.extend_from_slice(&[0, 1, 2, 3, 0xFF, 0xFE, 0, 0, 0x7F]);
    b.extend((0..8192u32).map(|i| (i % 251) as u8));
    write_file(&root, "mixed.js", &b);
    write_file(&root, "real.py", REAL);

    let (out, json) = check(&root, &[], LIMIT);
    assert_real_found(&out, &json);
    let skipped = json["summary"]["files_skipped"].as_u64().unwrap();
    let found = !findings_in(&json, "mixed.js").is_empty();
    assert!(
        found ^ (skipped == 1),
        "mixed.js is either scanned (found: {found}) or skipped as binary (skipped: {skipped})"
    );
    assert!(json["errors"].as_array().unwrap().is_empty(), "not an error: {}", json["errors"]);
}

/// Unterminated strings (a URL and a body value whose quotes never close, at end of file).
#[test]
fn unterminated_strings() {
    let (_d, root) = tree();
    write_file(&root, "a.js", "fetch(\"https://cc.voiso.com/api/v1/abc123/balance");
    write_file(
        &root,
        "b.py",
        "payload = {\"key\": \"abc\nrequests.post(\"https://cc.voiso.com/api/v3/messages/whatsapp\", json=payload",
    );
    write_file(&root, "c.sh", "curl -d 'key=abc https://cc.voiso.com/api/v1/sendsms");
    write_file(&root, "d.js", "const u = `https://${cluster}.voiso.com/api/v1/${key}/balance");
    write_file(&root, "real.py", REAL);
    let (out, json) = check(&root, &[], LIMIT);
    assert_real_found(&out, &json);
    assert!(findings_in(&json, "a.js").iter().any(|f| f["rule"] == "key-in-path"), "a.js: {}", json["findings"]);
    assert!(!findings_in(&json, "d.js").is_empty(), "d.js: {}", json["findings"]);
    // each broken source file is named once, as parsed by the generic extractor instead
    let errors = json["errors"].as_array().unwrap();
    let mut named: Vec<&str> = errors.iter().map(|e| e["path"].as_str().unwrap()).collect();
    named.sort_unstable();
    assert_eq!(named, ["a.js", "b.py", "c.sh", "d.js"], "{errors:?}");
    assert!(errors.iter().all(|e| e["message"].as_str().unwrap().contains("scanned with the generic extractor")));
}

/// 10,000 concatenations in one expression: bounded time, and the call at its head is found.
#[test]
fn ten_thousand_concatenations() {
    let (_d, root) = tree();
    let mut s = String::from("url = \"https://cc.voiso.com/api/v1/\" + key + \"/balance\"");
    for i in 0..10_000 {
        s.push_str(&format!(" + \"/p{i}\" + v{i}"));
    }
    s.push_str(";\n");
    write_file(&root, "concat.js", &s);
    let mut php = String::from("$u = 'https://cc.voiso.com/api/v2/cdr?key=' . $k");
    for i in 0..10_000 {
        php.push_str(&format!(" . '&a{i}=' . $v{i}"));
    }
    write_file(&root, "concat.php", php + ";\n");
    write_file(&root, "real.py", REAL);
    let (out, json) = check(&root, &[], Duration::from_secs(30));
    assert_real_found(&out, &json);
    assert!(!findings_in(&json, "concat.js").is_empty(), "concat.js: {}", cut(&json["findings"].to_string()));
    assert!(!findings_in(&json, "concat.php").is_empty(), "concat.php: {}", cut(&json["findings"].to_string()));
}

/// Deeply nested template literals, f-strings, braces, brackets and parentheses around a legacy
/// call: no stack overflow (a signal fails `run_cmd`), bounded time.
#[test]
fn deep_nesting_does_not_overflow() {
    let (_d, root) = tree();
    let n = 100_000;
    let call = "https://cc.voiso.com/api/v1/${key}/balance";
    write_file(&root, "template.js", format!("const u = {}`{call}`{};\n", "`${".repeat(n), "}`".repeat(n)));
    write_file(&root, "fstring.py", format!("u = {}\"{call}\"{}\n", "f\"{".repeat(n), "}\"".repeat(n)));
    write_file(&root, "braces.json", format!("{}\"{call}\"{}\n", "{\"a\":".repeat(n), "}".repeat(n)));
    write_file(&root, "brackets.js", format!("{}\"{call}\"{}\n", "[(".repeat(n), ")]".repeat(n)));
    // nested placeholders inside the URL itself
    write_file(
        &root,
        "url.js",
        format!("fetch(\"https://cc.voiso.com/api/v1/{}key{}/balance\")\n", "{".repeat(n), "}".repeat(n)),
    );
    write_file(&root, "real.py", REAL);
    let (out, json) = check(&root, &[], Duration::from_secs(30));
    assert_real_found(&out, &json);
    // a parser may give up on such nesting (the file is then scanned generically), and a debug
    // build on a loaded machine may reach the per-file time budget: both are named, nothing else
    let errors = json["errors"].as_array().unwrap();
    assert!(
        errors.iter().all(|e| {
            let m = e["message"].as_str().unwrap();
            m.contains("scanned with the generic extractor") || m.contains("pathological input")
        }),
        "{errors:?}"
    );
}

/// Malformed YAML and JSON: the generic extractor still finds the legacy calls inside them.
#[test]
fn malformed_yaml_and_json() {
    let (_d, root) = tree();
    write_file(
        &root,
        "broken.yaml",
        "openapi: 3.0.0\nservers: [ { url: \"https://cc.voiso.com/api/v1/abc123/click2call?agent=1\n  - : : [\n\t- {{{\n",
    );
    write_file(&root, "broken.json", "{\"url\": \"https://cc.voiso.com/api/v2/cdr?key=abc\", \"x\": [1, 2, {\"y\": ");
    write_file(&root, "api.yml", "paths:\n  /api/v1/{key}/balance:\n    get: {\n  bad: [\n");
    write_file(&root, "real.py", REAL);
    let (out, json) = check(&root, &[], LIMIT);
    assert_real_found(&out, &json);
    assert!(findings_in(&json, "broken.yaml").iter().any(|f| f["rule"] == "key-in-path"), "{}", json["findings"]);
    assert!(findings_in(&json, "broken.json").iter().any(|f| f["rule"] == "key-in-query"), "{}", json["findings"]);
}

/// A Unix socket in the tree is not a file to read: skipped silently, the scan goes on.
#[test]
fn socket_in_the_tree() {
    let (_d, root) = tree();
    write_file(&root, "real.py", REAL);
    fs::create_dir_all(root.join("run")).unwrap();
    let sock = root.join("run/app.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind a Unix socket");
    assert!(fs::symlink_metadata(&sock).is_ok());
    let (out, json) = check(&root, &[], Duration::from_secs(20));
    assert_real_found(&out, &json);
    assert!(findings_in(&json, "run/app.sock").is_empty());
    assert_eq!(json["summary"]["files_scanned"], 1, "only real.py is a file: {}", json["summary"]);
}

/// A directory without read permission: named in `errors`, the scan goes on. Root reads
/// everything, so as root the check runs as `nobody` through `setpriv` when it can, or is skipped
/// with a message.
#[test]
fn unreadable_directory() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, root) = tree();
    write_file(&root, "real.py", REAL);
    write_file(&root, "locked/secret.py", REAL);
    let mut cmd = Command::new(BIN);
    if is_root() {
        let probe = Command::new("setpriv").args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"]).status();
        if !probe.is_ok_and(|s| s.success()) {
            eprintln!("skipped: running as root and cannot drop to an unprivileged user (setpriv)");
            return;
        }
        // nobody must reach the tree and the binary
        let mut p = root.clone();
        loop {
            if let Ok(m) = fs::metadata(&p) {
                let mode = m.permissions().mode();
                if mode & 0o005 != 0o005 {
                    fs::set_permissions(&p, fs::Permissions::from_mode(mode | 0o005)).unwrap();
                }
            }
            if !p.pop() {
                break;
            }
        }
        fs::set_permissions(root.join("real.py"), fs::Permissions::from_mode(0o644)).unwrap();
        cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
    }
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    cmd.args(["check", "--format", "json"]).current_dir(&root);
    let out = run_cmd(cmd, LIMIT);
    fs::set_permissions(root.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    if out.code == 126 || out.stderr.contains("Permission denied") && out.stdout.is_empty() {
        eprintln!("skipped: the unprivileged user cannot run the binary: {}", out.stderr);
        return;
    }
    let json = out.json();
    assert_real_found(&out, &json);
    let errors = json["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["path"].as_str().unwrap_or("").starts_with("locked")),
        "the unreadable directory is named in errors: {errors:?}"
    );
    assert!(findings_in(&json, "locked/secret.py").is_empty());
}

/// Hostile files handed to the loaders (`--config`, `--rules`, `--manifest`, `--baseline`):
/// 100,000 levels of nesting and a YAML alias bomb are exit-2 errors naming the file, fast, with
/// no stack overflow and no memory blow-up.
#[test]
fn hostile_config_rules_manifest_and_baseline() {
    let (_d, root) = tree();
    write_file(&root, "src/real.py", REAL);
    let n = 100_000;
    write_file(&root, "in/deep.toml", format!("exclude = {}{}\n", "[".repeat(n), "]".repeat(n)));
    write_file(&root, "in/deep-table.toml", format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)));
    write_file(&root, "in/deep.json", format!("{}{}", "[".repeat(n), "]".repeat(n)));
    write_file(
        &root,
        "in/deep-object.json",
        format!("{{\"version\": 1, \"findings\": {}{}}}", "{\"a\":".repeat(n), "}".repeat(n)),
    );
    write_file(&root, "in/deep.yaml", format!("version: 1\nvendors: {}{}\n", "[".repeat(n), "]".repeat(n)));
    let block: String = (0..20_000).map(|i| format!("{}- \n", " ".repeat(i))).collect();
    write_file(&root, "in/deep-block.yaml", format!("version: 1\nvendors:\n{block}"));
    let mut lol = String::from("version: 1\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        lol.push_str(&format!("x{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 9].join(", ")));
    }
    write_file(&root, "in/lol-manifest.yaml", format!("{lol}vendors: {{v: {{scopes: *a9}}}}\n"));
    let vendor = "id: bomb\nname: Bomb\nhosts: [bomb.example]\napi_prefixes: [/api/]\nkey_params: [key]\nauth: x\n";
    write_file(&root, "in/lol-rules.yaml", format!("{}{vendor}prefilter: *a9\n", lol.replace("version: 1\n", "")));
    write_file(&root, "in/deep-rules.yaml", format!("{vendor}prefilter: {}{}\n", "[".repeat(n), "]".repeat(n)));

    let cases: &[(&str, &str)] = &[
        ("--config", "in/deep.toml"),
        ("--config", "in/deep-table.toml"),
        ("--baseline", "in/deep.json"),
        ("--baseline", "in/deep-object.json"),
        ("--manifest", "in/deep.yaml"),
        ("--manifest", "in/deep-block.yaml"),
        ("--manifest", "in/lol-manifest.yaml"),
        ("--rules", "in/lol-rules.yaml"),
        ("--rules", "in/deep-rules.yaml"),
    ];
    for (flag, file) in cases {
        let out = run(&["check", "--format", "json", flag, file, "src"], &root, Duration::from_secs(20));
        assert_eq!(out.code, 2, "{flag} {file}: a tool error, exit 2; stderr:\n{}", cut(&out.stderr));
        assert!(out.stderr.contains(file), "{flag} {file}: the error names the file:\n{}", cut(&out.stderr));
        assert!(out.stderr.len() < 4096, "{flag} {file}: an error of {} bytes", out.stderr.len());
        assert!(out.elapsed < Duration::from_secs(10), "{flag} {file}: took {:?}", out.elapsed);
    }
}

// ---------------------------------------------------------------------------------------------
// Security: no secret in any output
// ---------------------------------------------------------------------------------------------

/// A fake 48-hex key, distinct per position (so a leak names its position).
fn fake_key(i: u32) -> String {
    let mut k = String::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ u64::from(i).wrapping_mul(0x2545_f491_4f6c_dd1d);
    while k.len() < 48 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        k.push_str(&format!("{x:016x}"));
    }
    k.truncate(48);
    // letters and digits both, as a real key
    k.replace_range(0..2, "a1");
    k
}

/// Every way a user reads scopeshift's output: each `--format` on stdout and with `-o`, the
/// `scopes` manifest on stdout and with `-o`, and `--write-baseline`. Returns (what, text).
fn every_output(root: &Path, out_dir: &Path) -> Vec<(String, String)> {
    let mut all = Vec::new();
    fn record(all: &mut Vec<(String, String)>, what: String, o: &Out) {
        all.push((format!("{what} stdout"), o.stdout.clone()));
        all.push((format!("{what} stderr"), o.stderr.clone()));
    }
    for format in ["human", "concise", "json", "sarif", "github", "gitlab", "markdown"] {
        let o = run(&["check", "--format", format, "."], root, LIMIT);
        assert_eq!(o.code, 1, "--format {format}: {}", o.stderr);
        record(&mut all, format!("--format {format}"), &o);
        let file = out_dir.join(format!("report.{format}"));
        let o = run(&["check", "--format", format, "-o", file.to_str().unwrap(), "."], root, LIMIT);
        assert_eq!(o.code, 1, "--format {format} -o: {}", o.stderr);
        record(&mut all, format!("--format {format} -o"), &o);
        all.push((format!("--format {format} -o file"), fs::read_to_string(&file).expect("report file")));
    }
    let o = run(&["scopes", "."], root, LIMIT);
    assert_eq!(o.code, 0, "scopes: {}", o.stderr);
    record(&mut all, "scopes".into(), &o);
    let file = out_dir.join("scopes.yaml");
    let o = run(&["scopes", "-o", file.to_str().unwrap(), "."], root, LIMIT);
    record(&mut all, "scopes -o".into(), &o);
    all.push(("scopes -o file".into(), fs::read_to_string(&file).expect("manifest file")));
    let file = out_dir.join("baseline.json");
    let o = run(&["check", "--write-baseline", file.to_str().unwrap(), "."], root, LIMIT);
    assert_eq!(o.code, 0, "--write-baseline: {}", o.stderr);
    record(&mut all, "--write-baseline".into(), &o);
    all.push(("baseline file".into(), fs::read_to_string(&file).expect("baseline file")));
    all
}

/// Fails with every (key position, output, slice) where a 12-character slice of a key shows.
fn assert_no_key_slice(outputs: &[(String, String)], keys: &[(&str, String)]) {
    let mut leaks = Vec::new();
    for (place, key) in keys {
        let k = key.to_ascii_lowercase();
        for (what, text) in outputs {
            let t = text.to_ascii_lowercase();
            if let Some(w) = (0..=k.len() - 12).map(|i| &k[i..i + 12]).find(|w| t.contains(w)) {
                let at = t.find(w).unwrap();
                let line = text[..at].rsplit('\n').next().unwrap_or("");
                leaks.push(format!("key {place}: {what} shows {w:?} (…{}…)", &line[line.len().saturating_sub(60)..]));
            }
        }
    }
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));
}

/// Fake keys in the places scopeshift reports (URL path segment, `?key=`, JSON body, Postman pair,
/// curl `-d`, `.env`, notebook, hostless path, `params` map): every finding is there, and neither
/// a key nor any 12-character slice of it appears in any output, file or baseline.
#[test]
fn no_key_in_any_output() {
    let (_d, root) = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let k: Vec<String> = (0..10).map(fake_key).collect();
    write_file(&root, "path.py", format!("r = requests.get(\"https://cc.voiso.com/api/v1/{}/balance\")\n", k[0]));
    write_file(&root, "query.js", format!("fetch(\"https://cc.voiso.com/api/v2/cdr?key={}&page=1\")\n", k[1]));
    write_file(
        &root,
        "body.py",
        format!(
            "payload = {{\"key\": \"{}\", \"agent\": 1}}\n\nrequests.post(\"https://cc.voiso.com/api/v3/messages/whatsapp\", json=payload)\n",
            k[2]
        ),
    );
    write_file(
        &root,
        "collection.postman_collection.json",
        format!(
            "{{\"item\": [{{\"request\": {{\"method\": \"GET\", \"url\": {{\"raw\": \"https://cc.voiso.com/api/v2/cdr\",\n  \"query\": [{{\"key\": \"key\", \"value\": \"{}\"}}]}}}}}},\n  {{\"request\": {{\"method\": \"POST\", \"url\": {{\"raw\": \"{{{{base_url}}}}/api/v1/{}/sendsms\"}}}}}}]}}\n",
            k[3], k[4]
        ),
    );
    write_file(&root, ".env", format!("\nVOISO_URL=https://cc.voiso.com/api/v1/{}/agents_status.json\n\n", k[5]));
    write_file(
        &root,
        "notebook.ipynb",
        format!(
            "{{\"cells\": [{{\"cell_type\": \"code\", \"source\": [\"import requests\\n\", \"r = requests.get(f\\\"https://cc.voiso.com/api/v1/{}/balance\\\")\\n\"]}}]}}\n",
            k[6]
        ),
    );
    write_file(&root, "send.sh", format!("curl -X POST https://cc.voiso.com/api/v1/sendsms -d key={} -d to=1\n", k[7]));
    write_file(&root, "hostless.go", format!("// voiso\nu := \"/api/v1/{}/click2call?agent=1\"\n", k[8]));
    write_file(
        &root,
        "params.py",
        format!("requests.get(\"https://cc.voiso.com/api/v2/cdr\",\n  params={{'key': '{}'}})\n", k[9]),
    );

    // every file is reported, so the test looks at real findings
    let (out, json) = check(&root, &[], LIMIT);
    assert_eq!(out.code, 1, "{}", out.stderr);
    for f in [
        "path.py",
        "query.js",
        "body.py",
        "collection.postman_collection.json",
        ".env",
        "notebook.ipynb",
        "send.sh",
        "hostless.go",
        "params.py",
    ] {
        assert!(!findings_in(&json, f).is_empty(), "no finding in {f}: {}", cut(&json["findings"].to_string()));
    }
    let places = [
        "path segment",
        "?key=",
        "JSON body",
        "Postman query pair",
        "Postman path",
        ".env",
        "notebook",
        "curl -d",
        "hostless path",
        "params map",
    ];
    let keys: Vec<(&str, String)> = places.iter().copied().zip(k).collect();
    assert_no_key_slice(&every_output(&root, out_dir.path()), &keys);
}

/// The excerpt shows the lines around a finding: a key assigned on the line above the call (the
/// usual `KEY = "…"` then the call, or `.env`) must be masked there too. Currently fails: context
/// lines are masked only where a span of the call is a secret (src/check.rs `excerpt`), so the
/// human format prints the key in full.
#[test]
fn no_key_on_a_neighbouring_line() {
    let (_d, root) = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let k: Vec<String> = (20..23).map(fake_key).collect();
    write_file(
        &root,
        "client.py",
        format!("VOISO_KEY = \"{}\"\nrequests.get(f\"https://cc.voiso.com/api/v1/{{VOISO_KEY}}/balance\")\n", k[0]),
    );
    write_file(
        &root,
        ".env",
        format!("VOISO_URL=https://cc.voiso.com/api/v2/cdr?key=$VOISO_KEY\nVOISO_KEY={}\n", k[1]),
    );
    write_file(
        &root,
        "app.js",
        format!("const key = '{}';\nfetch(`https://cc.voiso.com/api/v1/${{key}}/balance`)\n", k[2]),
    );
    let keys = vec![
        ("line above (python)", k[0].clone()),
        ("line below (.env)", k[1].clone()),
        ("line above (js)", k[2].clone()),
    ];
    assert_no_key_slice(&every_output(&root, out_dir.path()), &keys);
}

/// A literal key in the path of a call built by concatenation whose path is not in the catalog:
/// reported as `unmapped-endpoint`. Currently fails: the call's path is shown unmasked in the
/// message, `endpoint.legacy` and the manifest's `unmapped` (src/check.rs `path_display` masks only
/// verbatim candidates).
#[test]
fn no_key_in_an_unmapped_concatenated_call() {
    let (_d, root) = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let k = fake_key(30);
    write_file(
        &root,
        "concat.js",
        format!("fetch(\"https://cc.voiso.com/api/v1/{k}/unknown_thing?x=\" + x + \"&y=1\")\n"),
    );
    let (out, json) = check(&root, &[], LIMIT);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!findings_in(&json, "concat.js").is_empty());
    assert_no_key_slice(&every_output(&root, out_dir.path()), &[("concatenated unmapped path", k)]);
}

/// An upper-case hex key (`A204CF…`) is a key, not a `YOUR_API_KEY`-style placeholder. Currently
/// fails: `is_placeholder` (src/extract/url.rs) takes any all-caps-and-digits segment for a
/// placeholder, so the segment and the `?key=` value are not masked anywhere.
#[test]
fn no_upper_case_key_in_output() {
    let (_d, root) = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let k0 = fake_key(40).to_ascii_uppercase();
    let k1 = fake_key(41).to_ascii_uppercase();
    write_file(&root, "path.py", format!("requests.get(\"https://cc.voiso.com/api/v1/{k0}/balance\")\n"));
    write_file(&root, "query.py", format!("requests.get(\"https://cc.voiso.com/api/v2/cdr?key={k1}\")\n"));
    let (out, json) = check(&root, &[], LIMIT);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!findings_in(&json, "path.py").is_empty() && !findings_in(&json, "query.py").is_empty());
    assert_no_key_slice(
        &every_output(&root, out_dir.path()),
        &[("upper-case path segment", k0), ("upper-case ?key=", k1)],
    );
}

/// A key inside a path segment (`key=…`, as some hand-built URLs write it) of a call the catalog
/// does not know: the `hardcoded-key` finding masks it, and so must the `unmapped-endpoint`
/// message. Currently fails: the unmatched call's path is shown as written when the segment as a
/// whole is not key-shaped (src/check.rs `path_display`; found by the `no_secret` fuzz target).
#[test]
fn no_key_inside_a_path_segment() {
    let (_d, root) = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let k = fake_key(50);
    write_file(&root, "seg.py", format!("requests.get(\"https://cc.voiso.com/api/v1/key={k}/unknown_thing\")\n"));
    let (out, json) = check(&root, &[], LIMIT);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!findings_in(&json, "seg.py").is_empty());
    assert_no_key_slice(&every_output(&root, out_dir.path()), &[("inside a path segment", k)]);
}

/// An upper-case hex key followed by an upper-case suffix (`?key=<KEY>_PROD`) is still a key.
/// Currently fails: the value is all capitals, digits and `_`, so `is_placeholder`
/// (src/extract/url.rs) takes it for a `YOUR_API_KEY`-style placeholder and the snippet and
/// excerpt show it whole (found by the `no_secret` fuzz target as `?key=<KEY>VOISO_KEY`).
#[test]
fn no_upper_case_key_with_a_suffix() {
    let (_d, root) = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let k = fake_key(60).to_ascii_uppercase();
    write_file(&root, "u.py", format!("requests.get(\"https://cc.voiso.com/api/v2/cdr?key={k}_PROD\")\n"));
    let (out, json) = check(&root, &[], LIMIT);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!findings_in(&json, "u.py").is_empty());
    assert_no_key_slice(&every_output(&root, out_dir.path()), &[("upper case with a suffix", k)]);
}

/// The manifest `scopes` writes is read back by `check --manifest`, whatever characters the
/// calls and paths hold. Currently fails: `yaml_str` (src/report/manifest.rs) quotes with
/// serde_json, which leaves DEL (U+007F) and the C1 controls raw, and YAML forbids them
/// (`m.yaml:8:58: not a scope manifest: unexpected character`; found by `generic_extract`).
#[test]
fn the_manifest_reads_back_with_control_characters() {
    let (_d, root) = tree();
    write_file(&root, "src/a.py", "requests.get(\"https://cc.voiso.com/api/v4/voic\u{7f}e/calls?key=abc\")\n");
    write_file(&root, "src/b\u{7f}\u{85}\u{9b}.py", "requests.get(\"https://cc.voiso.com/api/v2/cdr?key=abc\")\n");
    let out = run(&["scopes", "-o", "m.yaml", "src"], &root, LIMIT);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = run(&["check", "--format", "json", "--manifest", "m.yaml", "src"], &root, LIMIT);
    assert_eq!(out.code, 1, "check --manifest reads the manifest scopes wrote; stderr:\n{}", out.stderr);
}

/// Scanning never writes inside the scanned tree (reports go to stdout unless `-o` says where).
#[test]
fn scanning_does_not_write_in_the_tree() {
    let (_d, root) = tree();
    write_file(&root, "real.py", REAL);
    write_file(&root, "sub/q.py", QUERY_CALL);
    let listing = |root: &Path| {
        let mut v = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                let m = e.metadata().unwrap();
                if m.is_dir() {
                    stack.push(e.path());
                }
                v.push((e.path(), m.len(), m.modified().ok()));
            }
        }
        v.sort();
        v
    };
    let before = listing(&root);
    for format in ["human", "concise", "json", "sarif", "github", "gitlab", "markdown"] {
        assert_eq!(run(&["check", "--format", format], &root, LIMIT).code, 1);
    }
    assert_eq!(run(&["scopes"], &root, LIMIT).code, 0);
    assert_eq!(listing(&root), before, "the scan created or changed files in the tree");
}

// ---------------------------------------------------------------------------------------------
// Security: no network, no unsafe
// ---------------------------------------------------------------------------------------------

/// No HTTP, TLS or socket client crate anywhere in the dependency tree (Cargo.lock holds every
/// dependency of every target and platform, dev-dependencies included).
#[test]
fn no_network_client_in_the_dependency_tree() {
    const CLIENTS: &[&str] = &[
        "reqwest",
        "hyper",
        "hyper-util",
        "hyper-tls",
        "hyper-rustls",
        "ureq",
        "curl",
        "curl-sys",
        "isahc",
        "surf",
        "attohttpc",
        "minreq",
        "http-req",
        "ehttp",
        "awc",
        "actix-web",
        "actix-http",
        "h2",
        "h3",
        "quinn",
        "native-tls",
        "openssl",
        "openssl-sys",
        "rustls",
        "rustls-native-certs",
        "tokio-rustls",
        "tokio-native-tls",
        "webpki",
        "webpki-roots",
        "ring",
        "aws-lc-rs",
        "tungstenite",
        "tokio-tungstenite",
        "websocket",
        "libssh2-sys",
        "ssh2",
        "socket2",
        "mio",
        "tokio",
        "async-std",
        "smol",
        "trust-dns-resolver",
        "hickory-resolver",
        "git2",
        "gix-transport",
        "sentry",
        "opentelemetry-otlp",
        "tonic",
    ];
    let lock = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock")).expect("Cargo.lock");
    let lock: toml::Table = toml::from_str(&lock).expect("Cargo.lock is TOML");
    let packages = lock["package"].as_array().expect("[[package]]");
    let names: Vec<&str> = packages.iter().filter_map(|p| p["name"].as_str()).collect();
    assert!(names.contains(&"scopeshift") && names.contains(&"ignore"), "Cargo.lock lists the tree: {names:?}");
    let found: Vec<&&str> = names.iter().filter(|n| CLIENTS.contains(n)).collect();
    assert!(found.is_empty(), "network-capable crates in the dependency tree: {found:?}");
}

/// The crate forbids unsafe code: `[lints.rust] unsafe_code = "forbid"` in Cargo.toml (or
/// `#![forbid(unsafe_code)]` in both crate roots), and no `unsafe` in the sources.
#[test]
fn unsafe_code_is_forbidden() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = toml::from_str(&fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let lint = manifest.get("lints").and_then(|l| l.get("rust")).and_then(|r| r.get("unsafe_code"));
    let level = lint.and_then(|v| v.as_str().or_else(|| v.get("level").and_then(|l| l.as_str())));
    let attr = |f: &str| fs::read_to_string(root.join(f)).unwrap_or_default().contains("#![forbid(unsafe_code)]");
    assert!(
        level == Some("forbid") || (attr("src/lib.rs") && attr("src/main.rs")),
        "unsafe_code is not forbidden (Cargo.toml [lints.rust] unsafe_code = {lint:?})"
    );
    let mut stack = vec![root.join("src")];
    let mut offenders = Vec::new();
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = fs::read_to_string(&p).unwrap();
                for (i, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or("");
                    if code.contains("unsafe ") || code.contains("unsafe{") || code.contains("allow(unsafe_code)") {
                        offenders.push(format!("{}:{}: {}", p.display(), i + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "unsafe in the sources:\n{}", offenders.join("\n"));
}

/// Found by the `no_secret` fuzz campaign: a key in a query value followed by `+…` (read as an
/// expression, so not masked) and a mixed-case key with only two digits (not taken for a key).
#[test]
fn no_key_in_plus_joined_values_or_low_digit_keys() {
    let (_d, root) = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let k0 = "a1V5uwgK5Prwh59eYGw8XKCcdlKvbv61".to_owned();
    let k1 = "a1ezS0VyGWbLugoejxeuTxGziEmWPgZK".to_owned();
    write_file(&root, "plus.txt", format!("GET https://cc.voiso.com/api/v9/x/y?key={k0}++:/]\n"));
    write_file(&root, "mixed.txt", format!("GET https://cc.voiso.com/api/v1/{k1}/unknown_endpoint\n"));
    let (out, json) = check(&root, &[], LIMIT);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!findings_in(&json, "plus.txt").is_empty() && !findings_in(&json, "mixed.txt").is_empty());
    assert_no_key_slice(
        &every_output(&root, out_dir.path()),
        &[("key before `+`", k0), ("two-digit mixed-case key", k1)],
    );
}
