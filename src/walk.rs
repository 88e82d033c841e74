//! The walk: `ignore`'s parallel walker (honours .gitignore/.ignore unless `--no-ignore`,
//! scans hidden files such as `.env`, never descends into `.git`, does not follow symlinks, so a
//! symlink loop cannot trap it) and reading each file once with the size cap applied first.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::{WalkBuilder, WalkParallel};

/// How to walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub paths: Vec<PathBuf>,
    pub no_ignore: bool,
    /// Follow symbolic links (loops are still detected and reported).
    pub follow_links: bool,
    pub threads: usize,
    /// Config excludes, applied to files and directories (an excluded directory is not entered).
    pub excludes: Option<crate::config::Excludes>,
}

/// Build the parallel walker over every path given (one thread when they are all files, as in a
/// pre-commit or editor run: starting workers would cost more than the scan).
#[must_use]
pub fn walker(opts: &WalkOptions) -> WalkParallel {
    let mut paths = opts.paths.iter();
    let first = paths.next().map_or_else(|| PathBuf::from("."), Clone::clone);
    let mut b = WalkBuilder::new(first);
    for p in paths {
        b.add(p);
    }
    b.standard_filters(!opts.no_ignore)
        .hidden(false)
        .require_git(false)
        .follow_links(opts.follow_links)
        .threads(if opts.paths.iter().all(|p| p.is_file()) { 1 } else { opts.threads });
    let excludes = opts.excludes.clone();
    let cwd = std::env::current_dir().unwrap_or_default();
    b.filter_entry(move |e| {
        e.file_name() != ".git" && !excludes.as_ref().is_some_and(|x| e.depth() > 0 && x.is_excluded(e.path(), &cwd))
    });
    b.build_parallel()
}

/// Why a file was not scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    Binary,
    TooLarge(u64),
    NotAFile,
}

/// How many leading bytes are looked at for a NUL byte (binary detection).
pub const BINARY_SNIFF: usize = 8192;

/// Read a regular file into `buf` (reused across files on one thread), after the size check.
/// Returns `Ok(Err(skip))` for files skipped by policy.
pub fn read_file(path: &Path, max_size: u64, buf: &mut Vec<u8>) -> std::io::Result<Result<(), Skip>> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Err(Skip::NotAFile));
    }
    if meta.len() > max_size {
        return Ok(Err(Skip::TooLarge(meta.len())));
    }
    buf.clear();
    // `take` bounds the read even if the file grew since the size check.
    let mut file = file.take(max_size + 1);
    // the first 8 KiB decide whether the file is binary (a NUL byte, no UTF-16 byte-order mark),
    // as `Engine::scan_bytes` does: then the rest is never read (a tree of `.so`/`.pyc` files
    // costs one small read each, as in ripgrep)
    let head = (&mut file).take(BINARY_SNIFF as u64).read_to_end(buf)?;
    let utf16 = buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]);
    if !utf16 && memchr::memchr(0, &buf[..head]).is_some() {
        return Ok(Err(Skip::Binary));
    }
    file.read_to_end(buf)?;
    if buf.len() as u64 > max_size {
        return Ok(Err(Skip::TooLarge(buf.len() as u64)));
    }
    Ok(Ok(()))
}

/// A path as shown in output: relative to the current directory when under it, `/` separators,
/// no leading `./`.
#[must_use]
pub fn display_path(path: &Path, cwd: Option<&Path>) -> String {
    let rel = match cwd {
        Some(c) if path.is_absolute() => path.strip_prefix(c).unwrap_or(path),
        _ => path,
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(r) = s.strip_prefix("./") {
        s = r;
    }
    if s.is_empty() { ".".to_owned() } else { s.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths() {
        assert_eq!(display_path(Path::new("./src/a.py"), None), "src/a.py");
        assert_eq!(display_path(Path::new("/w/p/src/a.py"), Some(Path::new("/w/p"))), "src/a.py");
        assert_eq!(display_path(Path::new("/elsewhere/a.py"), Some(Path::new("/w/p"))), "/elsewhere/a.py");
    }
}
