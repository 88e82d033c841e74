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

/// Contents of blobs through one `git cat-file --batch` process, collected.
fn read_blobs(top: &Path, entries: Vec<(PathBuf, String)>, max_size: u64) -> Result<Vec<(PathBuf, Blob)>, GitError> {
    let mut files = Vec::with_capacity(entries.len());
    stream_blobs(top, entries, max_size, |p, b| files.push((p, b)))?;
    Ok(files)
}

/// Contents of blobs through one `git cat-file --batch` process, handed to `each` one at a
/// time (a history can be far larger than memory). A blob over `max_size` is not read.
pub fn stream_blobs<T>(
    top: &Path,
    entries: Vec<(T, String)>,
    max_size: u64,
    mut each: impl FnMut(T, Blob),
) -> Result<(), GitError> {
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
        let mut w = std::io::BufWriter::new(&mut stdin);
        for s in shas {
            writeln!(w, "{s}")?;
        }
        w.flush()
    });
    let mut out = BufReader::with_capacity(1 << 16, child.stdout.take().expect("piped stdout"));
    let mut header = String::new();
    for (item, _) in entries {
        header.clear();
        if out.read_line(&mut header)? == 0 {
            break;
        }
        // `<sha> blob <size>` or `<sha> missing`
        if header.trim_end().ends_with(" missing") {
            continue;
        }
        let size: u64 = header.split_whitespace().nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        if size > max_size {
            std::io::copy(&mut (&mut out).take(size + 1), &mut std::io::sink())?;
            each(item, Err(size));
            continue;
        }
        let mut buf = vec![0; usize::try_from(size).unwrap_or(usize::MAX)];
        out.read_exact(&mut buf)?;
        let mut nl = [0u8; 1];
        out.read_exact(&mut nl)?;
        each(item, Ok(buf));
    }
    drop(out);
    let _ = writer.join();
    let _ = child.wait();
    Ok(())
}

/// A blob of the history, at the commit and path where that content first appeared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryBlob {
    pub sha: String,
    /// Relative to the repository root.
    pub path: PathBuf,
    pub commit: String,
    /// Committer date, ISO 8601.
    pub date: String,
}

/// Every distinct blob added or modified by a commit reachable from HEAD (every ref with
/// `all_refs`), oldest commit first, each once, with the commit that introduced it.
pub fn history(top: &Path, all_refs: bool) -> Result<Vec<HistoryBlob>, GitError> {
    let mut args = vec!["log", "--format=%x00%H %cI", "--raw", "--no-abbrev", "-z", "--no-renames", "--reverse"];
    if all_refs {
        args.push("--all");
    } else {
        args.push("HEAD");
    }
    let raw = git(top, &args)?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let (mut commit, mut date) = (String::new(), String::new());
    let mut tokens = raw.split(|b| *b == 0);
    while let Some(tok) = tokens.next() {
        let tok = String::from_utf8_lossy(tok);
        let tok = tok.trim_start_matches('\n');
        if let Some(meta) = tok.strip_prefix(':') {
            let path = tokens.next().map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()));
            // `<old mode> <new mode> <old sha> <new sha> <status>`
            let f: Vec<&str> = meta.split(' ').collect();
            let (Some(mode), Some(sha), Some(status), Some(path)) = (f.get(1), f.get(3), f.get(4), path) else {
                continue;
            };
            if mode.starts_with("100")
                && matches!(status.chars().next(), Some('A' | 'M' | 'T'))
                && seen.insert(sha.to_string())
            {
                out.push(HistoryBlob { sha: (*sha).to_owned(), path, commit: commit.clone(), date: date.clone() });
            }
        } else if let Some((sha, d)) = tok.split_once(' ')
            && sha.len() >= 40
            && sha.bytes().all(|b| b.is_ascii_hexdigit())
        {
            commit = sha.to_owned();
            date = d.trim().to_owned();
        }
    }
    Ok(out)
}
