//! End-to-end tests of the walk: the built `scopeshift` binary is run over small trees built in a
//! temporary directory (with that directory as the current directory, so reported paths are
//! relative), always with `--format json` unless a test is about another format.
//!
//! Covered: ignore files, hidden files and `.git`, binary and oversized files, non-UTF-8
//! encodings, symlinks, FIFOs, unreadable files, output stability across thread counts, path
//! display, exit codes and `--select`/`--ignore`, and a closed stdout pipe.

// Skipped tests say why on stderr.
#![allow(clippy::print_stderr)]

mod common;

use common::{tree, write_file};

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_scopeshift");

/// A legacy v1 call with the key in the URL path: `key-in-path`.
const PATH_CALL: &str = "requests.post(\"https://cc-ams03.voiso.com/api/v1/abc123/click2call?agent=1&number=2\")\n";
/// A legacy v2 call with the key in the query string: `key-in-query`.
const QUERY_CALL: &str = "requests.get(\"https://cc.voiso.com/api/v2/cdr?key=abc\")\n";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// What one run of the binary produced. `json` is `Value::Null` when stdout is empty.
struct Out {
    code: i32,
    stdout: String,
    json: Value,
    stderr: String,
}

/// Run the binary with `args` in `dir` and parse stdout as JSON when there is any.
fn run(args: &[&str], dir: &Path) -> Out {
    let out = Command::new(BIN).args(args).current_dir(dir).output().expect("run scopeshift");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}"))
    };
    let code = out.status.code().unwrap_or_else(|| panic!("killed by a signal: {:?}\nstderr:\n{stderr}", out.status));
    Out { code, stdout, json, stderr }
}

/// `scopeshift check --format json <args>` in `dir`.
fn check(args: &[&str], dir: &Path) -> Out {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    run(&all, dir)
}

/// The findings as sorted `(path, rule, line)` triples.
fn findings(json: &Value) -> Vec<(String, String, u64)> {
    let mut v: Vec<_> = json["findings"]
        .as_array()
        .expect("`findings` is an array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("finding path").to_owned(),
                f["rule"].as_str().expect("finding rule").to_owned(),
                f["line"].as_u64().expect("finding line"),
            )
        })
        .collect();
    v.sort();
    v
}

/// The distinct paths that have findings, sorted.
fn finding_paths(json: &Value) -> Vec<String> {
    let mut v: Vec<String> = findings(json).into_iter().map(|(p, _, _)| p).collect();
    v.dedup();
    v
}

/// The `errors` array as `(path, message)` pairs.
fn errors(json: &Value) -> Vec<(String, String)> {
    json["errors"]
        .as_array()
        .expect("`errors` is an array")
        .iter()
        .map(|e| {
            (
                e["path"].as_str().expect("error path").to_owned(),
                e["message"].as_str().expect("error message").to_owned(),
            )
        })
        .collect()
}

fn summary(json: &Value, field: &str) -> u64 {
    json["summary"][field].as_u64().unwrap_or_else(|| panic!("summary.{field} missing in {json}"))
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// `.gitignore` and `.ignore` apply without a git repository; `--no-ignore` turns both off.
#[test]
fn ignore_files_are_honoured_without_git() {
    let (_d, root) = tree();
    write_file(&root, ".gitignore", "build/\n");
    write_file(&root, ".ignore", "generated/\n");
    write_file(&root, "build/x.py", PATH_CALL);
    write_file(&root, "generated/y.py", PATH_CALL);
    write_file(&root, "src/a.py", PATH_CALL);
    assert!(!root.join(".git").exists());

    let out = check(&[], &root);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert_eq!(finding_paths(&out.json), strings(&["src/a.py"]));

    let out = check(&["--no-ignore"], &root);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert_eq!(finding_paths(&out.json), strings(&["build/x.py", "generated/y.py", "src/a.py"]));
}

/// Dotfiles such as `.env` are scanned; nothing under any `.git/` directory is.
#[test]
fn hidden_files_are_scanned_but_not_dot_git() {
    let (_d, root) = tree();
    write_file(&root, ".env", "VOISO_URL=https://cc.voiso.com/api/v2/cdr?key=abc\n");
    write_file(&root, ".git/config", "[remote]\n  url = https://cc.voiso.com/api/v2/cdr?key=abc\n");
    write_file(&root, "vendor/lib/.git/HEAD", QUERY_CALL);

    for args in [&[][..], &["--no-ignore"][..]] {
        let out = check(args, &root);
        assert_eq!(out.code, 1, "args {args:?}; stderr: {}", out.stderr);
        assert_eq!(findings(&out.json), vec![(".env".to_owned(), "key-in-query".to_owned(), 1)], "args {args:?}");
    }
}

/// NUL bytes make a file binary: skipped, counted in `files_skipped`, not in findings. A NUL
/// past the first 8 KiB sniff is still caught by the full check once the prefilter matches.
#[test]
fn binary_files_are_skipped_and_counted() {
    let (_d, root) = tree();
    write_file(&root, "src/a.py", PATH_CALL);

    let mut early = b"\x7fELF\0\0\0\x01".to_vec();
    early.extend_from_slice(PATH_CALL.as_bytes());
    early.extend_from_slice(&[0u8; 64]);
    write_file(&root, "bin/tool", &early);

    let mut late = PATH_CALL.as_bytes().to_vec();
    while late.len() < 20 * 1024 {
        late.extend_from_slice(b"# just some text padding the file past the sniffed prefix\n");
    }
    late.extend_from_slice(b"\0trailing\n");
    write_file(&root, "data/late_nul.txt", &late);

    let out = check(&[], &root);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "stderr: {}", out.stderr);
    assert_eq!(finding_paths(&out.json), strings(&["src/a.py"]));
    assert_eq!(summary(&out.json, "files_skipped"), 2, "both binary files are counted: {}", out.json["summary"]);
    assert_eq!(summary(&out.json, "files_scanned"), 1);
    // Binary files are counted but not named.
    assert_eq!(errors(&out.json), vec![]);
}

/// `--max-file-size`: a larger file is not scanned, is named in `errors` and counted as skipped.
#[test]
fn max_file_size_skips_and_names_large_files() {
    let (_d, root) = tree();
    let mut big = PATH_CALL.as_bytes().to_vec();
    big.resize(2048, b'#');
    big.push(b'\n');
    write_file(&root, "big.py", &big);
    write_file(&root, "small.py", QUERY_CALL);

    let out = check(&["--max-file-size", "1K"], &root);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert_eq!(findings(&out.json), vec![("small.py".to_owned(), "key-in-query".to_owned(), 1)]);
    let errs = errors(&out.json);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "big.py");
    assert!(errs[0].1.contains("max file size"), "message: {}", errs[0].1);
    assert!(errs[0].1.contains("1 KiB"), "message names the limit: {}", errs[0].1);
    assert_eq!(summary(&out.json, "files_skipped"), 1);

    // Without the cap the same file is reported.
    let out = check(&[], &root);
    assert_eq!(finding_paths(&out.json), strings(&["big.py", "small.py"]));
    assert_eq!(summary(&out.json, "files_skipped"), 0);
}

/// Latin-1 is decoded lossily and UTF-16LE (with BOM) is decoded; line numbers stay right.
#[test]
fn non_utf8_files_are_scanned_with_correct_lines() {
    let (_d, root) = tree();
    let mut latin1 = b"# caf\xe9 cr\xe8me\n# r\xe9sum\xe9 \xa9 2020\n".to_vec();
    latin1.extend_from_slice(PATH_CALL.as_bytes());
    assert!(std::str::from_utf8(&latin1).is_err());
    write_file(&root, "latin1.py", &latin1);

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in format!("# header\n{QUERY_CALL}").encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    write_file(&root, "utf16.py", &utf16);

    let out = check(&[], &root);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert_eq!(
        findings(&out.json),
        vec![
            ("latin1.py".to_owned(), "key-in-path".to_owned(), 3),
            ("utf16.py".to_owned(), "key-in-query".to_owned(), 2)
        ]
    );
    assert_eq!(summary(&out.json, "files_skipped"), 0);
}

/// A symlink loop and a dangling symlink do not stop the scan; symlinks are not followed, so a
/// link to a file outside the tree is not reported.
#[test]
fn symlinks_are_not_followed() {
    use std::os::unix::fs::symlink;

    let (_d, root) = tree();
    let (_outside_dir, outside) = tree();
    let outside_file = write_file(&outside, "secret.py", QUERY_CALL);

    write_file(&root, "src/a.py", PATH_CALL);
    fs::create_dir_all(root.join("sub/deeper")).unwrap();
    symlink("..", root.join("sub/deeper/loop")).unwrap();
    symlink("../..", root.join("sub/deeper/loop2")).unwrap();
    symlink("does/not/exist.py", root.join("src/dangling.py")).unwrap();
    symlink(&outside_file, root.join("src/outside.py")).unwrap();
    symlink(&outside, root.join("outside_dir")).unwrap();

    let out = check(&[], &root);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert_eq!(findings(&out.json), vec![("src/a.py".to_owned(), "key-in-path".to_owned(), 1)]);
    assert!(!out.stdout.contains("secret.py"), "the outside file must not appear: {}", out.stdout);
    assert_eq!(summary(&out.json, "files_scanned"), 1);

    // asked for: links are followed (the outside file, twice: by the file and the dir link), the
    // loops are reported in `errors`, the dangling link too, and the scan still ends
    let out = check(&["--follow-symlinks"], &root);
    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    let paths: Vec<String> = findings(&out.json).into_iter().map(|f| f.0).collect();
    assert!(paths.contains(&"src/outside.py".to_owned()), "{paths:?}");
    assert!(paths.contains(&"outside_dir/secret.py".to_owned()), "{paths:?}");
    let errors = out.json["errors"].to_string();
    assert!(errors.contains("symlink loop"), "{errors}");
}

/// A FIFO is not opened (opening it would block until a writer appears).
#[test]
fn fifo_does_not_hang_the_scan() {
    let (_d, root) = tree();
    write_file(&root, "src/a.py", PATH_CALL);
    match Command::new("mkfifo").arg(root.join("src/pipe.py")).status() {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("skipping fifo_does_not_hang_the_scan: mkfifo unavailable ({other:?})");
            return;
        }
    }

    // stdout goes to a file so the child can never block on a full pipe while we poll.
    let (_o, outdir) = tree();
    let out_path = outdir.join("stdout.json");
    let mut child = Command::new(BIN)
        .args(["check", "--format", "json"])
        .current_dir(&root)
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn scopeshift");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("scan did not finish within 20 s with a FIFO in the tree");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(1));
    let json: Value = serde_json::from_str(&fs::read_to_string(&out_path).unwrap()).expect("JSON output");
    assert_eq!(findings(&json), vec![("src/a.py".to_owned(), "key-in-path".to_owned(), 1)]);
}

/// A file that cannot be opened is named in `errors`; the rest of the tree is still scanned.
#[test]
fn unreadable_file_is_reported_and_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;

    if is_root() {
        eprintln!("skipping unreadable_file_is_reported_and_scan_goes_on: running as root, which can read any file");
        return;
    }
    let (_d, root) = tree();
    write_file(&root, "src/a.py", PATH_CALL);
    let locked = write_file(&root, "src/locked.py", QUERY_CALL);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();

    let out = check(&[], &root);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o644)).unwrap();

    assert_eq!(out.code, 1, "stderr: {}", out.stderr);
    assert_eq!(findings(&out.json), vec![("src/a.py".to_owned(), "key-in-path".to_owned(), 1)]);
    let errs = errors(&out.json);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "src/locked.py");
    assert!(errs[0].1.contains("could not read"), "message: {}", errs[0].1);
}

/// The same scan gives byte-identical output whatever the thread count.
#[test]
fn output_is_stable_across_runs_and_threads() {
    let (_d, root) = tree();
    for i in 0..40 {
        let body = match i % 3 {
            0 => format!("# file {i}\n{PATH_CALL}{QUERY_CALL}"),
            1 => format!("# file {i}\n\n{QUERY_CALL}"),
            _ => format!("# file {i}: nothing here\n"),
        };
        write_file(&root, &format!("d{}/sub{}/f{i}.py", i % 5, i % 2), body);
    }
    let mut big = PATH_CALL.repeat(40);
    big.push('\n');
    write_file(&root, "z/big.py", &big);
    write_file(&root, "a/big.py", &big);

    let args: [&[&str]; 2] = [&["-j", "1", "--max-file-size", "2K"], &["--threads", "4", "--max-file-size", "2K"]];
    let first = check(args[0], &root);
    assert_eq!(first.code, 1, "stderr: {}", first.stderr);
    assert_eq!(summary(&first.json, "findings"), 14 * 2 + 13);
    assert_eq!(errors(&first.json).len(), 2);
    for a in args {
        for _ in 0..3 {
            let out = check(a, &root);
            assert_eq!(out.code, 1);
            assert!(out.stdout == first.stdout, "output differs with {a:?}");
        }
    }
}

/// Reported paths are relative to the current directory, `/`-separated, without `./`.
#[test]
fn paths_are_relative_to_the_current_directory() {
    let (_d, root) = tree();
    write_file(&root, "src/a.py", PATH_CALL);
    let abs_src = root.join("src");
    let abs_root = root.to_str().unwrap().to_owned();

    for arg in [".", "./", "src", "./src", "src/", abs_src.to_str().unwrap(), abs_root.as_str()] {
        let out = check(&[arg], &root);
        assert_eq!(out.code, 1, "arg {arg}; stderr: {}", out.stderr);
        assert_eq!(finding_paths(&out.json), strings(&["src/a.py"]), "arg {arg}");
    }
    // No path argument means `.`.
    let out = check(&[], &root);
    assert_eq!(finding_paths(&out.json), strings(&["src/a.py"]));
    // A single file given directly.
    let out = check(&["src/a.py"], &root);
    assert_eq!(finding_paths(&out.json), strings(&["src/a.py"]));
}

/// 0 clean, 1 findings, 2 usage errors; `--exit-zero`, `--select` and `--ignore`.
#[test]
fn exit_codes_and_rule_selection() {
    let (_c, clean) = tree();
    write_file(&clean, "src/a.py", "print('hello')\nurl = 'https://example.com/api/v1/x/click'\n");
    let out = check(&[], &clean);
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    assert_eq!(out.json["findings"], Value::Array(vec![]));
    assert_eq!(summary(&out.json, "findings"), 0);

    let (_d, root) = tree();
    write_file(&root, "src/a.py", format!("{PATH_CALL}{QUERY_CALL}"));
    let both = vec![
        ("src/a.py".to_owned(), "key-in-path".to_owned(), 1),
        ("src/a.py".to_owned(), "key-in-query".to_owned(), 2),
    ];

    let out = check(&[], &root);
    assert_eq!(out.code, 1);
    assert_eq!(findings(&out.json), both);

    let out = check(&["--exit-zero"], &root);
    assert_eq!(out.code, 0);
    assert_eq!(findings(&out.json), both, "--exit-zero still reports");

    let out = check(&["--select", "key-in-query"], &root);
    assert_eq!(out.code, 1);
    assert_eq!(findings(&out.json), vec![both[1].clone()]);

    let out = check(&["--ignore", "key-in-query"], &root);
    assert_eq!(out.code, 1);
    assert_eq!(findings(&out.json), vec![both[0].clone()]);

    let out = check(&["--ignore", "key-in-query,key-in-path"], &root);
    assert_eq!(out.code, 0, "every finding ignored is clean");
    assert_eq!(findings(&out.json), vec![]);

    let out = check(&["--select", "nope"], &root);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nope"), "stderr: {}", out.stderr);
    assert!(out.stdout.is_empty());

    let out = check(&["does-not-exist"], &root);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("does-not-exist"), "stderr: {}", out.stderr);
    assert!(out.stdout.is_empty());

    let out = check(&["--no-such-flag"], &root);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--no-such-flag"), "stderr: {}", out.stderr);
    assert!(out.stdout.is_empty());
}

/// `scopeshift check | head -1`: a closed stdout ends the run quietly, not with exit 2 or a panic.
#[test]
fn broken_pipe_is_not_an_error() {
    let (_d, root) = tree();
    for i in 0..2000 {
        write_file(&root, &format!("d{:02}/f{i:04}.py", i % 50), PATH_CALL);
    }
    let mut child = Command::new(BIN)
        .args(["check", "--format", "concise"])
        .current_dir(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn scopeshift");
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("read first line");
    // The reader (and the pipe) is dropped here, with ~200 KB still to write.
    assert!(first.starts_with("d00/f0000.py:1:"), "first line: {first:?}");
    assert!(first.contains("key-in-path"), "first line: {first:?}");

    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "status {:?}; stderr: {stderr}", out.status);
}
