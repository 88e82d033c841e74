//! `path:line:col: rule message`, one finding per line (editors and grep), then file errors.

use std::io::{self, Write};

use super::{Emitter, Report};

pub struct Concise;

impl Emitter for Concise {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        for f in r.findings {
            write!(out, "{}:{}:{}: {} {}", f.path, f.start.line, f.start.column, f.rule, f.message)?;
            match &f.commit {
                Some(c) => writeln!(out, " (commit {}, {})", &c.sha[..c.sha.len().min(12)], c.date)?,
                None => writeln!(out)?,
            }
        }
        for e in &r.scan.errors {
            writeln!(out, "{}: scopeshift: {}", e.path, e.message)?;
        }
        for e in r.stale_baseline {
            writeln!(out, "{}: scopeshift: stale baseline entry {} {}", e.path, e.rule, e.fingerprint)?;
        }
        Ok(())
    }
}
