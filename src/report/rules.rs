//! `scopeshift rules` and `scopeshift explain ID`.

use std::io::{self, Write};

use crate::catalog::Catalog;

/// The rule table: id, severity, vendor, title.
pub fn list(catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    let w = catalog.lints.keys().map(String::len).max().unwrap_or(2).max(2);
    writeln!(out, "{:w$}  {:8}  {:14}  TITLE", "ID", "SEVERITY", "VENDOR")?;
    for l in catalog.lints.values() {
        let from = if l.file.starts_with("rules/") { String::new() } else { format!("  [{}]", l.file) };
        writeln!(
            out,
            "{:w$}  {:8}  {:14}  {}{from}",
            l.id,
            l.severity.as_str(),
            l.vendor.as_deref().unwrap_or("all"),
            l.title
        )?;
    }
    Ok(())
}

/// One rule's docs.
pub fn explain(catalog: &Catalog, id: &str, out: &mut dyn Write) -> io::Result<bool> {
    let Some(l) = catalog.lints.get(id) else { return Ok(false) };
    writeln!(out, "{} ({}): {}", l.id, l.severity.as_str(), l.title)?;
    writeln!(out, "vendor: {}; defined in {}", l.vendor.as_deref().unwrap_or("all"), l.file)?;
    for (head, body) in
        [("What it finds", &l.what), ("Why it matters", &l.why), ("Example", &l.example), ("Fix", &l.fix)]
    {
        writeln!(out, "\n## {head}\n")?;
        writeln!(out, "{}", body.trim_end())?;
    }
    Ok(true)
}
