//! The pipeline for a whole run: walk → read → prefilter → decode → extract → check, in
//! parallel, each file read once; results are collected, then sorted once at the end.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ignore::WalkState;

use crate::catalog::Catalog;
use crate::check::{self, FileReport, Finding, Usage};
use crate::extract::ExtractConfig;
use crate::extract::generic::GenericExtractor;
use crate::prefilter::Prefilter;
use crate::source::SourceFile;
use crate::walk::{self, Skip, WalkOptions};

/// Default `--max-file-size`: large enough for a minified bundle, small enough to bound memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 50 * 1024 * 1024;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub no_ignore: bool,
    pub follow_links: bool,
    pub threads: usize,
    pub max_file_size: u64,
    pub excludes: Option<crate::config::Excludes>,
}

/// A file the scan could not read or skipped with a reason worth naming.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileError {
    pub path: String,
    pub message: String,
}

/// Everything a scan found: plain data, sorted.
#[derive(Debug, Default)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub usages: Vec<Usage>,
    pub errors: Vec<FileError>,
    pub files_scanned: usize,
    pub skipped_binary: usize,
    pub skipped_large: usize,
}

impl ScanResult {
    #[must_use]
    pub fn files_skipped(&self) -> usize {
        self.skipped_binary + self.skipped_large
    }
}

/// The per-run engine: the catalog with its prefilter and extractor, built once, shared by
/// every walker thread.
pub struct Engine<'c> {
    pub catalog: &'c Catalog,
    /// Honour inline `scopeshift: allow(…)` comments (off with `--no-inline-allow`).
    inline_allow: bool,
    prefilter: Prefilter,
    extract_cfg: ExtractConfig,
    /// Built on the first file that passes the prefilter (its regexes are most of the start-up
    /// time, and most runs, a pre-commit hook's above all, have no such file).
    generic: std::sync::OnceLock<GenericExtractor>,
    /// The scanned roots (canonical): OpenAPI `$ref`s to files inside them are followed.
    spec_roots: Vec<PathBuf>,
}

impl<'c> Engine<'c> {
    /// An engine that honours inline allow comments.
    #[must_use]
    pub fn new(catalog: &'c Catalog) -> Self {
        Self::with_inline_allow(catalog, true)
    }

    #[must_use]
    pub fn with_inline_allow(catalog: &'c Catalog, inline_allow: bool) -> Self {
        let mut anchors: Vec<String> =
            catalog.vendors.iter().flat_map(|v| v.api_prefixes.iter().map(|p| format!("/{}/", p.join("/")))).collect();
        anchors.sort();
        anchors.dedup();
        let mut key_names: Vec<String> = catalog
            .vendors
            .iter()
            .flat_map(|v| v.key_params.iter().chain(v.body_field_rules.iter().map(|(f, _)| f)).cloned())
            .collect();
        key_names.sort();
        key_names.dedup();
        let mut header_names: Vec<String> =
            catalog.vendors.iter().flat_map(|v| v.header_rules.iter().map(|(h, _)| h.clone())).collect();
        if catalog.vendors.iter().any(|v| v.bearer_exact) {
            header_names.push("authorization".into());
        }
        header_names.sort();
        header_names.dedup();
        let extract_cfg = ExtractConfig { path_anchors: anchors, key_names, header_names };
        let mut literals = catalog.prefilter_literals();
        if inline_allow {
            literals.push(crate::suppress::MARKER.to_owned());
        }
        Self {
            catalog,
            inline_allow,
            prefilter: Prefilter::new(literals),
            generic: std::sync::OnceLock::new(),
            extract_cfg,
            spec_roots: Vec::new(),
        }
    }

    /// Follow OpenAPI `$ref`s to files under these roots (the scanned paths).
    #[must_use]
    pub fn with_spec_roots(mut self, roots: &[PathBuf]) -> Self {
        self.spec_roots = roots.iter().filter_map(|r| std::fs::canonicalize(r).ok()).collect();
        self
    }

    /// Scan one file's bytes. `None` when the prefilter rules it out; `Err(Skip::Binary)` for
    /// binary content.
    pub fn scan_bytes(&self, path: &str, bytes: &[u8]) -> Result<Option<FileReport>, Skip> {
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        if !utf16 {
            if memchr::memchr(0, &bytes[..bytes.len().min(walk::BINARY_SNIFF)]).is_some() {
                return Err(Skip::Binary);
            }
            if !self.prefilter.is_match(bytes) {
                return Ok(None);
            }
            if memchr::memchr(0, bytes).is_some() {
                return Err(Skip::Binary);
            }
        }
        if bytes.starts_with(crate::report::manifest::HEADER.as_bytes()) {
            // a scope manifest written by `scopeshift scopes`: its calls are evidence, not code
            return Ok(None);
        }
        let file = SourceFile::decode(path, bytes);
        #[cfg(debug_assertions)]
        debug_panic(&file.text);
        if utf16 && !self.prefilter.is_match(file.text.as_bytes()) {
            return Ok(None);
        }
        Ok(Some(self.scan_source(&file)))
    }

    /// [`Self::scan_bytes`], with a panic in scopeshift's own code caught: that file is reported
    /// as an internal error and the scan goes on.
    pub fn scan_guarded(&self, path: &str, bytes: &[u8]) -> Result<Option<FileReport>, Guard> {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.scan_bytes(path, bytes))) {
            Ok(r) => r.map_err(Guard::Skip),
            Err(_) => Err(Guard::Panicked),
        }
    }

    /// Extract and check a decoded file (no prefilter).
    #[must_use]
    pub fn scan_source(&self, file: &SourceFile) -> FileReport {
        let linted_alone = |b: &[u8]| self.prefilter.is_match(b);
        let ctx = crate::openapi::Context { roots: &self.spec_roots, linted_alone: Some(&linted_alone) };
        let mut r = match crate::openapi::lint(self.catalog, file, &ctx) {
            crate::openapi::Outcome::Spec(s) => FileReport { findings: s.findings, usages: s.usages, errors: s.errors },
            other => {
                let deadline = crate::extract::Deadline::after(file_time_limit());
                let (lang, parse_error) = if parse_disabled() {
                    (None, None)
                } else {
                    crate::extract::lang::extract_file(file, &self.extract_cfg, deadline)
                };
                let (candidates, late) = self
                    .generic
                    .get_or_init(|| GenericExtractor::new(&self.extract_cfg))
                    .extract_merged(file, &self.extract_cfg, deadline, lang);
                let (mut r, later) = check::check_file_until(self.catalog, file, &candidates, deadline);
                if let Some(message) = parse_error {
                    r.errors.push(FileError { path: file.path.clone(), message });
                }
                if late || later {
                    r.errors.push(FileError {
                        path: file.path.clone(),
                        message: format!(
                            "extraction stopped after {:.1} s (pathological input): results for this file may be incomplete",
                            file_time_limit().as_secs_f64()
                        ),
                    });
                }
                r.errors.extend(if let crate::openapi::Outcome::Invalid(e) = other { Some(e) } else { None });
                r
            }
        };
        if self.inline_allow {
            crate::suppress::apply(self.catalog, file, &mut r.findings);
        }
        r
    }

    /// Walk the paths and scan every file.
    #[must_use]
    pub fn scan(&self, opts: &ScanOptions) -> ScanResult {
        let cwd = std::env::current_dir().ok();
        let walk_opts = WalkOptions {
            paths: opts.paths.clone(),
            no_ignore: opts.no_ignore,
            follow_links: opts.follow_links,
            threads: opts.threads,
            excludes: opts.excludes.clone(),
        };
        let scanned = AtomicUsize::new(0);
        let binary = AtomicUsize::new(0);
        let large = AtomicUsize::new(0);
        let out: Mutex<Local> = Mutex::default();
        walk::walker(&walk_opts).run(|| {
            let mut buf = Vec::with_capacity(64 * 1024);
            let mut local = Collector { local: Local::default(), out: &out };
            let (cwd, scanned, binary, large) = (&cwd, &scanned, &binary, &large);
            Box::new(move |entry| {
                let entry = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        local.local.2.push(walk_error(&err, cwd.as_deref()));
                        return WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                let shown = walk::display_path(entry.path(), cwd.as_deref());
                let l = &mut local.local;
                match walk::read_file(entry.path(), opts.max_file_size, &mut buf) {
                    Err(e) => l.2.push(FileError { path: shown, message: format!("could not read: {e}") }),
                    Ok(Err(Skip::TooLarge(n))) => {
                        large.fetch_add(1, Ordering::Relaxed);
                        l.2.push(FileError {
                            path: shown,
                            message: format!(
                                "skipped: {} is over the max file size of {}",
                                human_size(n),
                                human_size(opts.max_file_size)
                            ),
                        });
                    }
                    Ok(Err(Skip::Binary)) => {
                        binary.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(Err(_)) => {}
                    Ok(Ok(())) => match self.scan_guarded(&shown, &buf) {
                        Err(Guard::Panicked) => l.2.push(internal_error(shown)),
                        Err(Guard::Skip(_)) => {
                            binary.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(r) => {
                            scanned.fetch_add(1, Ordering::Relaxed);
                            if let Some(r) = r {
                                l.0.extend(r.findings);
                                l.1.extend(r.usages);
                                l.2.extend(r.errors);
                            }
                        }
                    },
                }
                if buf.capacity() > 4 * 1024 * 1024 {
                    buf = Vec::with_capacity(64 * 1024);
                }
                WalkState::Continue
            })
        });
        collected(out, scanned, binary, large)
    }
}

impl Engine<'_> {
    /// Scan in-memory files (the staged content of a commit): same pipeline, no walk.
    #[must_use]
    pub fn scan_blobs(&self, files: Vec<(String, crate::git::Blob)>, max_file_size: u64) -> ScanResult {
        let mut r = ScanResult::default();
        for (shown, content) in files {
            match content {
                Err(n) => {
                    r.skipped_large += 1;
                    r.errors.push(FileError {
                        path: shown,
                        message: format!(
                            "skipped: {} is over the max file size of {}",
                            human_size(n),
                            human_size(max_file_size)
                        ),
                    });
                }
                Ok(bytes) => match self.scan_guarded(&shown, &bytes) {
                    Err(Guard::Panicked) => r.errors.push(internal_error(shown)),
                    Err(Guard::Skip(_)) => r.skipped_binary += 1,
                    Ok(found) => {
                        r.files_scanned += 1;
                        if let Some(f) = found {
                            r.findings.extend(f.findings);
                            r.usages.extend(f.usages);
                            r.errors.extend(f.errors);
                        }
                    }
                },
            }
        }
        check::finalize(&mut r.findings, &mut r.usages);
        r.errors.sort();
        r
    }
}

impl Engine<'_> {
    /// Scan every distinct blob of the git history (see [`crate::git::history`]): blobs stream
    /// from one `git cat-file --batch` into worker threads; each finding carries the commit that
    /// introduced its content. Usages are not collected (scopes describe the code as it is).
    pub fn scan_history(
        &self,
        top: &Path,
        blobs: Vec<crate::git::HistoryBlob>,
        max_file_size: u64,
        cwd: &Path,
        threads: usize,
    ) -> Result<ScanResult, crate::git::GitError> {
        let threads = if threads == 0 { std::thread::available_parallelism().map_or(2, |n| n.get()) } else { threads };
        let (tx, rx) = std::sync::mpsc::sync_channel::<(crate::git::HistoryBlob, Vec<u8>)>(64);
        let rx = Mutex::new(rx);
        let out: Mutex<Local> = Mutex::default();
        let (scanned, binary, large) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
        let entries: Vec<(crate::git::HistoryBlob, String)> = blobs.into_iter().map(|b| (b.clone(), b.sha)).collect();
        let streamed = std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    let mut local = Collector { local: Local::default(), out: &out };
                    loop {
                        let next = rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner).recv();
                        let Ok((blob, bytes)) = next else { break };
                        let shown = walk::display_path(&top.join(&blob.path), Some(cwd));
                        match self.scan_guarded(&shown, &bytes) {
                            Err(Guard::Panicked) => local.local.2.push(internal_error(shown)),
                            Err(Guard::Skip(_)) => {
                                binary.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(r) => {
                                scanned.fetch_add(1, Ordering::Relaxed);
                                let Some(r) = r else { continue };
                                let at = format!(" (in commit {})", &blob.commit[..blob.commit.len().min(12)]);
                                for mut e in r.errors {
                                    e.message.push_str(&at);
                                    local.local.2.push(e);
                                }
                                for mut f in r.findings {
                                    f.commit =
                                        Some(check::CommitInfo { sha: blob.commit.clone(), date: blob.date.clone() });
                                    local.local.0.push(f);
                                }
                            }
                        }
                    }
                });
            }
            // git's decompression is the bottleneck: one `cat-file` process per thread, each on
            // an interleaved share of the blobs
            let mut shares: Vec<Vec<(crate::git::HistoryBlob, String)>> = (0..threads).map(|_| Vec::new()).collect();
            for (i, e) in entries.into_iter().enumerate() {
                shares[i % threads].push(e);
            }
            let readers: Vec<_> = shares
                .into_iter()
                .map(|share| {
                    let tx = tx.clone();
                    let large = &large;
                    s.spawn(move || {
                        crate::git::stream_blobs(top, share, max_file_size, |blob, content| match content {
                            Ok(bytes) => {
                                let _ = tx.send((blob, bytes));
                            }
                            Err(_) => {
                                large.fetch_add(1, Ordering::Relaxed);
                            }
                        })
                    })
                })
                .collect();
            drop(tx);
            readers.into_iter().map(|h| h.join().unwrap_or(Ok(()))).collect::<Result<Vec<()>, _>>()
        });
        streamed?;
        Ok(collected(out, scanned, binary, large))
    }
}

/// The per-file time budget for extraction and matching: 10 s, or `SCOPESHIFT_FILE_TIME_LIMIT`
/// seconds (a decimal) from the environment.
fn file_time_limit() -> std::time::Duration {
    static LIMIT: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("SCOPESHIFT_FILE_TIME_LIMIT")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s > 0.0)
            .map_or(std::time::Duration::from_secs(10), std::time::Duration::from_secs_f64)
    })
}

/// `SCOPESHIFT_NO_PARSE=1`: the generic extractor alone (a measuring knob for `bench/`, which
/// times what language-aware extraction costs; not a user option).
fn parse_disabled() -> bool {
    static OFF: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *OFF.get_or_init(|| std::env::var_os("SCOPESHIFT_NO_PARSE").is_some_and(|v| v == "1"))
}

/// Debug builds only: `SCOPESHIFT_DEBUG_PANIC=MARKER` makes the scan panic on a file holding
/// MARKER, quoting the file, so a test can check that the panic hook masks keys and that the scan
/// goes on.
#[cfg(debug_assertions)]
fn debug_panic(text: &str) {
    if let Some(marker) = std::env::var_os("SCOPESHIFT_DEBUG_PANIC")
        && text.contains(marker.to_string_lossy().as_ref())
    {
        panic!("forced panic while scanning: {text}");
    }
}

/// Why a guarded scan produced no report.
#[derive(Debug)]
pub enum Guard {
    Skip(Skip),
    Panicked,
}

fn internal_error(path: String) -> FileError {
    FileError {
        path,
        message: "internal error while scanning this file (a bug in scopeshift: please report it); skipped".into(),
    }
}

type Local = (Vec<Finding>, Vec<Usage>, Vec<FileError>);

/// The threads' collected results as one sorted [`ScanResult`].
fn collected(out: Mutex<Local>, scanned: AtomicUsize, binary: AtomicUsize, large: AtomicUsize) -> ScanResult {
    let (mut findings, mut usages, mut errors) = out.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    check::finalize(&mut findings, &mut usages);
    errors.sort();
    ScanResult {
        findings,
        usages,
        errors,
        files_scanned: scanned.into_inner(),
        skipped_binary: binary.into_inner(),
        skipped_large: large.into_inner(),
    }
}

/// One walker thread's results, moved into the shared vectors once, when the thread's visitor
/// is dropped at the end of the walk (no lock per file).
struct Collector<'a> {
    local: Local,
    out: &'a Mutex<Local>,
}

impl Drop for Collector<'_> {
    fn drop(&mut self) {
        let mut g = self.out.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        g.0.append(&mut self.local.0);
        g.1.append(&mut self.local.1);
        g.2.append(&mut self.local.2);
    }
}

fn walk_error(err: &ignore::Error, cwd: Option<&Path>) -> FileError {
    let mut path = None;
    let mut e = err;
    loop {
        match e {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(walk::display_path(p, cwd));
                e = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => e = err,
            _ => break,
        }
    }
    let message = match e {
        ignore::Error::Loop { child, .. } => {
            path = path.or_else(|| Some(walk::display_path(child, cwd)));
            "symlink loop: not followed".to_owned()
        }
        other => format!("could not read: {other}"),
    };
    FileError { path: path.unwrap_or_else(|| "<walk>".into()), message }
}

/// `1.5 MB`, `50 MB`, `512 B`.
#[must_use]
pub fn human_size(n: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let f = n as f64;
    if n >= 1024 * 1024 {
        format!("{:.1} MiB", f / (1024.0 * 1024.0)).replace(".0 ", " ")
    } else if n >= 1024 {
        format!("{:.1} KiB", f / 1024.0).replace(".0 ", " ")
    } else {
        format!("{n} B")
    }
}
