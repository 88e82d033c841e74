//! The human format: miette's graphical diagnostics (source excerpt with the key labelled, the
//! v4 endpoint and scope in the help), then file errors and a summary.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};

use super::{Emitter, Report, plural};
use crate::catalog::Severity;
use crate::check::Finding;

pub struct Human {
    pub color: bool,
    pub width: usize,
}

impl Emitter for Human {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        let theme = if self.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
        let handler = GraphicalReportHandler::new_themed(theme).with_width(self.width).with_links(false);
        for f in r.findings {
            let mut s = String::new();
            handler.render_report(&mut s, &FindingDiagnostic::new(f)).map_err(io::Error::other)?;
            out.write_all(s.as_bytes())?;
            writeln!(out)?;
        }
        for e in &r.scan.errors {
            writeln!(out, "scopeshift: {}: {}", e.path, e.message)?;
        }
        if !r.stale_baseline.is_empty() {
            writeln!(
                out,
                "{} no longer match any finding (remove them, or rewrite the baseline with --write-baseline):",
                plural(r.stale_baseline.len(), "baseline entry").replace("entrys", "entries")
            )?;
            for e in r.stale_baseline {
                writeln!(out, "  {} {} {}", e.path, e.rule, e.fingerprint)?;
            }
        }
        let (errors, warnings) = (r.count(Severity::Error), r.count(Severity::Warning));
        let mut files: Vec<&str> = r.findings.iter().map(|f| f.path.as_str()).collect();
        files.dedup();
        let s = r.scan;
        let skipped = if s.files_skipped() == 0 {
            String::new()
        } else {
            let mut why = Vec::new();
            if s.skipped_binary > 0 {
                why.push(format!("{} binary", s.skipped_binary));
            }
            if s.skipped_large > 0 {
                why.push(format!("{} too large", s.skipped_large));
            }
            format!(", skipped {} ({})", s.files_skipped(), why.join(", "))
        };
        if r.findings.is_empty() {
            writeln!(out, "No legacy key placement found (scanned {}{skipped}).", plural(s.files_scanned, "file"))?;
        } else {
            writeln!(
                out,
                "Found {} ({}, {}) in {}; scanned {}{skipped}.",
                plural(r.findings.len(), "problem"),
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(files.len(), "file"),
                plural(s.files_scanned, "file"),
            )?;
        }
        for v in r.scopes {
            if v.scopes_published {
                let list: Vec<&str> = v.scopes.keys().map(String::as_str).collect();
                if !list.is_empty() {
                    writeln!(out, "{} key scopes needed: {}", v.name, list.join(", "))?;
                }
            }
            if !v.unmapped.is_empty() {
                writeln!(out, "{} calls with no v4 mapping: {}", v.name, v.unmapped.len())?;
            }
        }
        if r.scopes.iter().any(|v| !v.scopes.is_empty() || !v.unmapped.is_empty()) {
            writeln!(out, "Run `scopeshift scopes` for the manifest with the file:line behind each scope.")?;
        }
        Ok(())
    }
}

/// A finding as a miette diagnostic over its masked excerpt.
struct FindingDiagnostic<'a> {
    f: &'a Finding,
    src: ExcerptSource<'a>,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(f: &'a Finding) -> Self {
        let name = match &f.commit {
            Some(c) => format!("{} (commit {}, {})", f.path, &c.sha[..c.sha.len().min(12)], c.date),
            None => f.path.clone(),
        };
        Self { f, src: ExcerptSource { name, f } }
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, fm: &mut fmt::Formatter<'_>) -> fmt::Result {
        fm.debug_struct("FindingDiagnostic").field("rule", &self.f.rule).finish_non_exhaustive()
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, fm: &mut fmt::Formatter<'_>) -> fmt::Result {
        fm.write_str(&self.f.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.f.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.f.help.is_empty()).then(|| Box::new(&self.f.help) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let labels = self.f.excerpt.labels.iter().enumerate().map(|(i, l)| {
            let text = (!l.text.is_empty()).then(|| l.text.clone());
            let span = SourceSpan::new(l.span.start.into(), l.span.len());
            if i == 0 { LabeledSpan::new_primary_with_span(text, span) } else { LabeledSpan::new_with_span(text, span) }
        });
        Some(Box::new(labels))
    }
}

/// The excerpt as miette source, with the file's real line numbers.
struct ExcerptSource<'a> {
    name: String,
    f: &'a Finding,
}

impl SourceCode for ExcerptSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.f.excerpt.text.read_span(span, before, after)?;
        // miette reads the primary label with no context for the `[file:line:col]` header and
        // counts its column in bytes (and within the excerpt, which may be a window of a long
        // line): the header shows the finding's own position instead, in Unicode columns, as
        // every other format does
        let (line, column) = if before == 0 && after == 0 {
            (self.f.start.line - 1, self.f.start.column.saturating_sub(1))
        } else {
            (inner.line() + self.f.excerpt.first_line - 1, inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}
