//! Reports: the only code that prints. The core hands over plain data ([`Report`]); each output
//! format is one [`Emitter`].

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod manifest;
pub mod markdown;
pub mod rules;
pub mod sarif;

use std::io::{self, Write};

use crate::catalog::{Catalog, Severity};
use crate::check::Finding;
use crate::scan::ScanResult;
use crate::scopes::{ScopeDrift, VendorScopes};

/// Everything an emitter may show.
pub struct Report<'a> {
    pub catalog: &'a Catalog,
    pub scan: &'a ScanResult,
    /// The findings to show (after `--select`/`--ignore`), sorted.
    pub findings: &'a [Finding],
    pub scopes: &'a [VendorScopes],
    /// `--baseline` entries that matched no finding any more, sorted.
    pub stale_baseline: &'a [crate::baseline::Entry],
    /// `--manifest`: per vendor, the needed scopes the manifest lacks and the granted ones no
    /// call needs.
    pub drift: Option<&'a [ScopeDrift]>,
}

impl Report<'_> {
    #[must_use]
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }
}

/// One output format.
pub trait Emitter {
    fn emit(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Gitlab,
    Markdown,
}

/// The emitter for a format. `color` applies to the human format only.
#[must_use]
pub fn emitter(format: Format, color: bool) -> Box<dyn Emitter> {
    match format {
        Format::Human => Box::new(human::Human { color, width: 100 }),
        Format::Concise => Box::new(concise::Concise),
        Format::Json => Box::new(json::Json),
        Format::Sarif => Box::new(sarif::Sarif),
        Format::Github => Box::new(github::Github),
        Format::Gitlab => Box::new(gitlab::Gitlab),
        Format::Markdown => Box::new(markdown::Markdown),
    }
}

/// `3 errors, 1 warning`
#[must_use]
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}
