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

pub mod catalog;
pub mod check;
pub mod cli;
pub mod extract;
pub mod prefilter;
pub mod report;
pub mod scan;
pub mod scopes;
pub mod secret;
pub mod source;
pub mod walk;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;

use catalog::{Catalog, RuleFileError};
use cli::{CheckArgs, Cli, Command, ScanArgs, ScopesArgs};
use report::Report;
use scan::{Engine, ScanOptions, ScanResult};

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

/// Run a parsed command line, writing the report to `stdout` (or the `--output` file).
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<ExitStatus, Error> {
    let catalog = Catalog::builtin()?;
    match cli.command {
        Command::Check(args) => check(&catalog, &args, stdout),
        Command::Scopes(args) => scopes(&catalog, &args, stdout),
        Command::Rules => {
            report::rules::list(&catalog, stdout).map_err(io_err("writing output"))?;
            Ok(ExitStatus::Clean)
        }
        Command::Explain { id } => {
            if report::rules::explain(&catalog, &id, stdout).map_err(io_err("writing output"))? {
                Ok(ExitStatus::Clean)
            } else {
                Err(Error::Usage(format!("unknown rule `{id}`; `scopeshift rules` lists them")))
            }
        }
    }
}

fn scan(catalog: &Catalog, args: &ScanArgs) -> Result<ScanResult, Error> {
    for p in &args.paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(Error::Usage(format!("path `{}` does not exist", p.display())));
        }
    }
    let engine = Engine::new(catalog);
    Ok(engine.scan(&ScanOptions {
        paths: args.paths.clone(),
        no_ignore: args.no_ignore,
        threads: args.threads,
        max_file_size: args.max_file_size,
    }))
}

fn check(catalog: &Catalog, args: &CheckArgs, stdout: &mut dyn Write) -> Result<ExitStatus, Error> {
    for id in args.select.iter().chain(&args.ignore) {
        if !catalog.lints.contains_key(id) {
            return Err(Error::Usage(format!(
                "unknown rule `{id}` in --select/--ignore; `scopeshift rules` lists them"
            )));
        }
    }
    let result = scan(catalog, &args.scan)?;
    let findings: Vec<_> = result
        .findings
        .iter()
        .filter(|f| args.select.is_empty() || args.select.contains(&f.rule))
        .filter(|f| !args.ignore.contains(&f.rule))
        .cloned()
        .collect();
    let scope_sets = scopes::infer(catalog, &result.usages);
    let report =
        Report { catalog, scan: &result, findings: &findings, scopes: &scope_sets, stale_baseline: &[], drift: None };
    let color = args.output.is_none()
        && io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let emitter = report::emitter(args.format, color);
    write_to(args.output.as_deref(), stdout, |w| emitter.emit(&report, w))?;
    Ok(if findings.is_empty() || args.exit_zero { ExitStatus::Clean } else { ExitStatus::Findings })
}

fn scopes(catalog: &Catalog, args: &ScopesArgs, stdout: &mut dyn Write) -> Result<ExitStatus, Error> {
    let result = scan(catalog, &args.scan)?;
    let scope_sets = scopes::infer(catalog, &result.usages);
    let report = Report {
        catalog,
        scan: &result,
        findings: &result.findings,
        scopes: &scope_sets,
        stale_baseline: &[],
        drift: None,
    };
    write_to(args.output.as_deref(), stdout, |w| report::manifest::Manifest.emit_report(&report, w))?;
    Ok(ExitStatus::Clean)
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
