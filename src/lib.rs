//! scopeshift: find legacy API-key placement and infer the minimal scoped-key set.
//!
//! ```text
//! files ─walk─▶ SourceFile ─prefilter─▶ (skip) | extract ─▶ Candidate ─match catalog─▶ Finding
//!                                                                         └─▶ Usage ─▶ ScopeSet ─▶ Report
//! ```
//!
//! [`walk`] → [`source`] → [`prefilter`] → [`extract`] → [`check`] → [`scopes`] → [`report`];
//! [`scan`] drives the pipeline in parallel, [`catalog`] holds the vendor data and rules loaded
//! from `rules/`. Everything before [`report`] returns plain data.

pub mod baseline;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod drift;
pub mod extract;
pub mod git;
pub mod openapi;
pub mod prefilter;
pub mod report;
pub mod scan;
pub mod scopes;
pub mod secret;
pub mod secrets;
pub mod source;
pub mod suppress;
pub mod walk;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use baseline::{Baseline, Entry};
use catalog::{Catalog, RuleFileError};
use check::Finding;
use cli::{CheckArgs, Cli, Command, ScanArgs};
use config::{ConfigError, Settings};
use report::Report;
use scan::{Engine, ScanOptions, ScanResult};
use scopes::{ScopeDrift, VendorScopes};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: nothing found.
    Clean,
    /// 1: findings.
    Findings,
}

impl ExitStatus {
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Clean => 0,
            Self::Findings => 1,
        }
    }
}

/// scopeshift's own errors: exit 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("bad rule file {0}")]
    Rules(#[from] RuleFileError),
    #[error("bad config {0}")]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io { context: String, source: io::Error },
}

impl Error {
    /// A closed pipe on stdout (`scopeshift check | head`) is not an error.
    #[must_use]
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Self::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

fn io_err(context: impl Into<String>) -> impl FnOnce(io::Error) -> Error {
    let context = context.into();
    move |source| Error::Io { context, source }
}

/// Everything a check found, after suppression, baseline and rule selection: plain data.
#[derive(Debug)]
pub struct Outcome {
    pub scan: ScanResult,
    /// The findings to report, sorted.
    pub findings: Vec<Finding>,
    /// Every finding before the baseline and `--select`/`--ignore` (for `--write-baseline`).
    pub all_findings: Vec<Finding>,
    pub scopes: Vec<VendorScopes>,
    pub stale_baseline: Vec<Entry>,
    pub drift: Option<Vec<ScopeDrift>>,
}

/// What to check and how: resolved from the config file and the flags.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub settings: Settings,
    pub paths: Vec<PathBuf>,
    pub no_ignore: bool,
    /// `--follow-symlinks`.
    pub follow_links: bool,
    pub threads: usize,
    pub staged: bool,
    /// Also scan the git history (`Some(all_refs)`).
    pub history: Option<bool>,
    pub inline_allow: bool,
}

/// The built-in catalog plus the vendor packs named by `--rules` / the config's `rules`.
pub fn load_catalog(extra: &[PathBuf]) -> Result<Catalog, Error> {
    let cwd = std::env::current_dir().ok();
    let mut files: Vec<(String, String)> = Vec::new();
    for p in extra {
        let shown = walk::display_path(p, cwd.as_deref());
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(io_err(format!("cannot read rules directory {shown}")))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            found.sort();
            for f in found {
                let text =
                    std::fs::read_to_string(&f).map_err(io_err(format!("cannot read rule file {}", f.display())))?;
                files.push((walk::display_path(&f, cwd.as_deref()), text));
            }
        } else {
            let text = std::fs::read_to_string(p).map_err(io_err(format!("cannot read rule file {shown}")))?;
            files.push((shown, text));
        }
    }
    let extra: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    Ok(Catalog::with_packs(&extra)?)
}

/// Run a check: scan, inline suppression, manifest drift, baseline, rule selection.
pub fn check_tree(catalog: &Catalog, opts: &CheckOptions) -> Result<Outcome, Error> {
    let s = &opts.settings;
    for id in s.select.iter().chain(&s.ignore) {
        if !catalog.lints.contains_key(id) {
            return Err(Error::Usage(format!("unknown rule `{id}` in select/ignore; `scopeshift rules` lists them")));
        }
    }
    let cwd = std::env::current_dir().map_err(io_err("cannot read the current directory"))?;
    let excludes = s.excludes()?;
    let engine = Engine::with_inline_allow(catalog, opts.inline_allow).with_spec_roots(if opts.staged {
        &[]
    } else {
        &opts.paths
    });
    let mut result = if opts.staged {
        staged(&engine, opts, &excludes, &cwd)?
    } else {
        for p in &opts.paths {
            if std::fs::symlink_metadata(p).is_err() {
                return Err(Error::Usage(format!("path `{}` does not exist", p.display())));
            }
        }
        engine.scan(&ScanOptions {
            paths: opts.paths.clone(),
            no_ignore: opts.no_ignore,
            follow_links: opts.follow_links,
            threads: opts.threads,
            max_file_size: s.max_file_size,
            excludes: Some(excludes.clone()),
        })
    };
    if let Some(all_refs) = opts.history {
        let top = git::toplevel(&cwd).map_err(|e| Error::Usage(format!("--history: {e}")))?;
        let blobs = git::history(&top, all_refs).map_err(|e| Error::Usage(e.to_string()))?;
        let blobs = blobs.into_iter().filter(|b| !excludes.is_excluded(&top.join(&b.path), &cwd)).collect();
        let past = engine
            .scan_history(&top, blobs, s.max_file_size, &cwd, opts.threads)
            .map_err(|e| Error::Usage(e.to_string()))?;
        // a finding still in the work tree is reported once, from the work tree
        let known: std::collections::HashSet<String> = result.findings.iter().map(|f| f.fingerprint.clone()).collect();
        result.findings.extend(past.findings.into_iter().filter(|f| !known.contains(&f.fingerprint)));
        result.errors.extend(past.errors);
        check::finalize(&mut result.findings, &mut result.usages);
    }
    let scopes = scopes::infer(catalog, &result.usages);
    let mut drift = None;
    if let Some(m) = &s.manifest {
        let shown = walk::display_path(m, Some(&cwd));
        let text = std::fs::read_to_string(m).map_err(io_err(format!("cannot read manifest {shown}")))?;
        let manifest = drift::parse_manifest(&shown, &text).map_err(Error::Usage)?;
        let d = scopes::drift(&scopes, &manifest);
        let found = drift::findings(catalog, &scopes, &result.usages, &d, &shown, &text, &cwd);
        result.findings.extend(found);
        check::finalize(&mut result.findings, &mut result.usages);
        drift = Some(d);
    }
    let all_findings = result.findings.clone();
    let mut findings = std::mem::take(&mut result.findings);
    let mut stale_baseline = Vec::new();
    if let Some(b) = &s.baseline {
        let shown = walk::display_path(b, Some(&cwd));
        let text = std::fs::read_to_string(b).map_err(io_err(format!("cannot read baseline {shown}")))?;
        let base = Baseline::parse(&text).map_err(|e| Error::Usage(format!("{shown}: {e}")))?;
        stale_baseline = base.apply(&mut findings);
    }
    findings.retain(|f| (s.select.is_empty() || s.select.contains(&f.rule)) && !s.ignore.contains(&f.rule));
    Ok(Outcome { scan: result, findings, all_findings, scopes, stale_baseline, drift })
}

/// `--staged`: the index content of the files changed in the index.
fn staged(
    engine: &Engine<'_>,
    opts: &CheckOptions,
    excludes: &config::Excludes,
    cwd: &Path,
) -> Result<ScanResult, Error> {
    let top = git::toplevel(cwd).map_err(|e| Error::Usage(e.to_string()))?;
    let files = git::staged(&top, opts.settings.max_file_size).map_err(|e| Error::Usage(e.to_string()))?;
    let wanted = |abs: &Path| {
        opts.paths.iter().any(|p| {
            let p = std::path::absolute(cwd.join(p)).unwrap_or_else(|_| cwd.join(p));
            abs.starts_with(p)
        })
    };
    let files: Vec<(String, git::Blob)> = files
        .into_iter()
        .map(|(rel, content)| (top.join(rel), content))
        .filter(|(abs, _)| wanted(abs) && !excludes.is_excluded(abs, cwd))
        .map(|(abs, content)| (walk::display_path(&abs, Some(cwd)), content))
        .collect();
    Ok(engine.scan_blobs(files, opts.settings.max_file_size))
}

/// Run a parsed command line, writing the report to `stdout` (or the `--output` file).
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<ExitStatus, Error> {
    let cwd = std::env::current_dir().map_err(io_err("cannot read the current directory"))?;
    match cli.command {
        Command::Check(args) => {
            let mut settings = settings(&cwd, &args.scan)?;
            apply_check_flags(&mut settings, &args);
            if args.show_config {
                config::show(&settings, stdout).map_err(io_err("writing output"))?;
                return Ok(ExitStatus::Clean);
            }
            let catalog = load_catalog(&settings.rules)?;
            let opts = options(settings, &args.scan);
            let outcome = check_tree(&catalog, &opts)?;
            if let Some(path) = &args.write_baseline {
                let base = Baseline::from_findings(&outcome.all_findings);
                write_to(Some(path), stdout, |w| base.write(w))?;
                return Ok(ExitStatus::Clean);
            }
            let report = Report {
                catalog: &catalog,
                scan: &outcome.scan,
                findings: &outcome.findings,
                scopes: &outcome.scopes,
                stale_baseline: &outcome.stale_baseline,
                drift: outcome.drift.as_deref(),
            };
            let color = args.output.is_none()
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            let emitter = report::emitter(opts.settings.format, color);
            write_to(args.output.as_deref(), stdout, |w| emitter.emit(&report, w))?;
            Ok(if outcome.findings.is_empty() || args.exit_zero { ExitStatus::Clean } else { ExitStatus::Findings })
        }
        Command::Scopes(args) => {
            let settings = settings(&cwd, &args.scan)?;
            let catalog = load_catalog(&settings.rules)?;
            let mut opts = options(settings, &args.scan);
            opts.settings.manifest = None;
            opts.settings.baseline = None;
            let outcome = check_tree(&catalog, &opts)?;
            let report = Report {
                catalog: &catalog,
                scan: &outcome.scan,
                findings: &outcome.findings,
                scopes: &outcome.scopes,
                stale_baseline: &[],
                drift: None,
            };
            write_to(args.output.as_deref(), stdout, |w| report::manifest::Manifest.emit_report(&report, w))?;
            Ok(ExitStatus::Clean)
        }
        Command::Rules { rules } => {
            let mut packs = Settings::load(&cwd, None)?.rules;
            packs.extend(rules);
            let catalog = load_catalog(&packs)?;
            report::rules::list(&catalog, stdout).map_err(io_err("writing output"))?;
            Ok(ExitStatus::Clean)
        }
        Command::Explain { id, rules } => {
            let mut packs = Settings::load(&cwd, None)?.rules;
            packs.extend(rules);
            let catalog = load_catalog(&packs)?;
            if report::rules::explain(&catalog, &id, stdout).map_err(io_err("writing output"))? {
                Ok(ExitStatus::Clean)
            } else {
                Err(Error::Usage(format!("unknown rule `{id}`; `scopeshift rules` lists them")))
            }
        }
        Command::Config { config } => {
            let settings = Settings::load(&cwd, config.as_deref())?;
            config::show(&settings, stdout).map_err(io_err("writing output"))?;
            Ok(ExitStatus::Clean)
        }
        Command::MigrateSpec { spec, output, force } => migrate_spec(&spec, &output, force, stdout),
    }
}

/// `scopeshift migrate-spec SPEC -o OUT [--force]`: exit 2 when OUT exists (without `--force`)
/// or SPEC cannot be read as a spec.
fn migrate_spec(spec: &Path, output: &Path, force: bool, stdout: &mut dyn Write) -> Result<ExitStatus, Error> {
    if output.exists() && !force {
        return Err(Error::Usage(format!("{} exists; use --force to overwrite it", output.display())));
    }
    // the built-in catalog plus the config's packs, as for `check`
    let cwd = std::env::current_dir().map_err(io_err("cannot read the current directory"))?;
    let catalog = load_catalog(&Settings::load(&cwd, None)?.rules)?;
    let bytes = std::fs::read(spec).map_err(io_err(format!("cannot read {}", spec.display())))?;
    let text = source::SourceFile::decode(spec.display().to_string(), &bytes).text;
    let migrated = openapi::migrate::migrate_with(&catalog, &text, Some(spec), openapi::migrate::Layout::Preserve)
        .map_err(|e| Error::Usage(format!("{}: {e}", spec.display())))?;
    std::fs::write(output, migrated.text.as_bytes()).map_err(io_err(format!("cannot write {}", output.display())))?;
    write!(stdout, "wrote {}: {}", output.display(), migrated.summary).map_err(io_err("writing output"))?;
    Ok(ExitStatus::Clean)
}

/// The config file's settings with the scan flags applied on top.
fn settings(cwd: &Path, args: &ScanArgs) -> Result<Settings, Error> {
    let mut s = Settings::load(cwd, args.config.as_deref())?;
    if let Some(n) = args.max_file_size {
        s.max_file_size = n;
        s.flag("max-file-size");
    }
    if !args.rules.is_empty() {
        s.rules.extend(args.rules.iter().cloned());
        s.flag("rules");
    }
    Ok(s)
}

fn apply_check_flags(s: &mut Settings, args: &CheckArgs) {
    if let Some(f) = args.format {
        s.format = f;
        s.flag("format");
    }
    if !args.select.is_empty() {
        s.select.clone_from(&args.select);
        s.flag("select");
    }
    if !args.ignore.is_empty() {
        s.ignore.clone_from(&args.ignore);
        s.flag("ignore");
    }
    if let Some(m) = &args.manifest {
        s.manifest = Some(m.clone());
        s.flag("manifest");
    }
    if let Some(b) = &args.baseline {
        s.baseline = Some(b.clone());
        s.flag("baseline");
    }
    if args.write_baseline.is_some() {
        s.baseline = None;
    }
}

fn options(settings: Settings, args: &ScanArgs) -> CheckOptions {
    CheckOptions {
        settings,
        paths: args.paths.clone(),
        no_ignore: args.no_ignore,
        follow_links: args.follow_symlinks,
        threads: args.threads,
        staged: args.staged,
        history: args.history.then_some(args.all_refs),
        inline_allow: !args.no_inline_allow,
    }
}

fn write_to(
    path: Option<&Path>,
    stdout: &mut dyn Write,
    f: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Error> {
    match path {
        Some(p) => {
            let file = File::create(p).map_err(io_err(format!("cannot write {}", p.display())))?;
            let mut w = BufWriter::new(file);
            f(&mut w).and_then(|()| w.flush()).map_err(io_err(format!("cannot write {}", p.display())))
        }
        // a closed pipe (`scopeshift check | head`) is not an error: the exit code still says
        // whether there were findings
        None => match f(stdout).and_then(|()| stdout.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            r => r.map_err(io_err("writing output")),
        },
    }
}
