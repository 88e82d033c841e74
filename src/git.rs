//! Git through the `git` command line (already on every machine that has a repository; no
//! libgit2 or gix build): the content staged in the index, for pre-commit.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Errors talking to git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("not inside a git repository (--staged scans the index of one)")]
    NotARepo,
    #[error("git {0}: {1}")]
    Failed(String, String),
    #[error("cannot run git: {0}")]
    Spawn(#[from] std::io::Error),
}

/// A staged file's content, or its size when it is over the size cap (not read).
pub type Blob = Result<Vec<u8>, u64>;

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git").args(args).current_dir(dir).stdin(Stdio::null()).output()?;
    if !out.status.success() {
        return Err(GitError::Failed(args.join(" "), String::from_utf8_lossy(&out.stderr).trim().to_owned()));
    }
    Ok(out.stdout)
}

/// The repository's top-level directory.
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    let out =
        Command::new("git").args(["rev-parse", "--show-toplevel"]).current_dir(dir).stdin(Stdio::null()).output()?;
    if !out.status.success() {
        return Err(GitError::NotARepo);
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim_end_matches(['\n', '\r'])))
}

/// The files added, copied, modified or renamed in the index (against HEAD, or every staged
/// file in a repository without commits), with their staged content; a blob larger than
/// `max_size` is not read (`Err(size)`).
pub fn staged(top: &Path, max_size: u64) -> Result<Vec<(PathBuf, Blob)>, GitError> {
    let names = git(top, &["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR", "--no-renames"])?;
    let paths: Vec<&str> =
        names.split(|b| *b == 0).filter(|p| !p.is_empty()).filter_map(|p| std::str::from_utf8(p).ok()).collect();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    // blob ids of the staged versions: `git ls-files -s` prints `<mode> <sha> <stage>\t<path>`
    let mut args = vec!["ls-files", "-s", "-z", "--"];
    args.extend(paths.iter().copied());
    let listing = git(top, &args)?;
    let mut entries = Vec::new();
    for rec in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let rec = String::from_utf8_lossy(rec);
        let Some((meta, path)) = rec.split_once('\t') else { continue };
        let mut it = meta.split(' ');
        let (mode, sha) = (it.next().unwrap_or(""), it.next().unwrap_or(""));
        if mode.starts_with("100") {
            entries.push((PathBuf::from(path), sha.to_owned()));
        }
    }
    read_blobs(top, entries, max_size)
}

/// Contents of blobs through one `git cat-file --batch` process.
fn read_blobs(top: &Path, entries: Vec<(PathBuf, String)>, max_size: u64) -> Result<Vec<(PathBuf, Blob)>, GitError> {
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .current_dir(top)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let shas: Vec<String> = entries.iter().map(|(_, s)| s.clone()).collect();
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        for s in shas {
            writeln!(stdin, "{s}")?;
        }
        Ok(())
    });
    let mut out = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut files = Vec::with_capacity(entries.len());
    let mut header = String::new();
    for (path, _) in entries {
        header.clear();
        out.read_line(&mut header)?;
        // `<sha> blob <size>` or `<sha> missing`
        let size: u64 = header.split_whitespace().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        if header.contains(" missing") {
            continue;
        }
        if size > max_size {
            std::io::copy(&mut (&mut out).take(size + 1), &mut std::io::sink())?;
            files.push((path, Err(size)));
            continue;
        }
        let mut buf = vec![0; usize::try_from(size).unwrap_or(usize::MAX)];
        out.read_exact(&mut buf)?;
        let mut nl = [0u8; 1];
        out.read_exact(&mut nl)?;
        files.push((path, Ok(buf)));
    }
    drop(out);
    let _ = writer.join();
    let _ = child.wait();
    Ok(files)
}
