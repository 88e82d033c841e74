//! Scope manifest drift (`check --manifest FILE`): the scopes the code needs against the scopes
//! the manifest grants. A needed scope that is not granted is a `scope-missing` error at every
//! call that needs it; a granted scope no call needs is a `scope-unused` warning at its line in
//! the manifest.

use std::path::Path;

use crate::catalog::{Catalog, ids};
use crate::check::{Draft, Finding, Label, Usage, finish};
use crate::scopes::{ManifestFile, ScopeDrift, VendorScopes};
use crate::source::{Encoding, SourceFile, Span};

/// Parse a manifest; the error names the file and line.
pub fn parse_manifest(shown: &str, text: &str) -> Result<ManifestFile, String> {
    let m: ManifestFile = serde_saphyr::from_str(text).map_err(|e| {
        let loc = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
        let msg = e.without_snippet().to_string();
        let msg = msg.lines().next().unwrap_or("invalid YAML");
        let msg = msg.rfind(" at line ").map_or(msg, |i| &msg[..i]);
        format!("{shown}{loc}: not a scope manifest: {msg}")
    })?;
    if m.version != 1 {
        return Err(format!("{shown}: manifest version {} is not supported (expected 1)", m.version));
    }
    Ok(m)
}

/// Findings for the drift between what the code needs and what the manifest grants.
#[must_use]
pub fn findings(
    catalog: &Catalog,
    needed: &[VendorScopes],
    usages: &[Usage],
    drift: &[ScopeDrift],
    manifest_path: &str,
    manifest_text: &str,
    cwd: &Path,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let manifest = SourceFile::new(manifest_path, manifest_text.to_owned(), Encoding::Utf8);
    for d in drift {
        let vendor = catalog.vendor(&d.vendor);
        let name = vendor.map_or(d.vendor.as_str(), |v| v.name.as_str());
        for scope in &d.missing {
            let Some(vs) = needed.iter().find(|v| v.vendor == d.vendor) else { continue };
            for ev in vs.scopes.get(scope).into_iter().flatten() {
                let Some(u) = usages
                    .iter()
                    .find(|u| u.vendor == d.vendor && u.path == ev.path && u.line == ev.line && u.call == ev.call)
                else {
                    continue;
                };
                let file = read_source(&u.path, u.line, cwd);
                let span =
                    if file.text.len() >= u.span.end { u.span } else { file.line_span(u.line.min(file.line_count())) };
                let mut draft = Draft::new(ids::SCOPE_MISSING, vendor, &file, span);
                draft.vars.retain(|(k, _)| *k != "vendor");
                draft.vars.push(("vendor", name.to_owned()));
                draft.vars.push(("call", u.call.clone()));
                draft.vars.push(("scope", scope.clone()));
                draft.labels.push(Label { span, text: format!("needs `{scope}`") });
                draft.normalised = format!("{}|{scope}", u.call);
                draft.scopes = vec![scope.clone()];
                out.push(finish(catalog, &file, draft, &u.secrets));
            }
        }
        for scope in &d.unused {
            let span = scope_span(manifest_text, &d.vendor, scope).unwrap_or_default();
            let mut draft = Draft::new(ids::SCOPE_UNUSED, vendor, &manifest, span);
            draft.vars.retain(|(k, _)| *k != "vendor");
            draft.vars.push(("vendor", name.to_owned()));
            draft.vars.push(("scope", scope.clone()));
            draft.labels.push(Label { span, text: "no call needs this scope".into() });
            draft.normalised = format!("{}|{scope}", d.vendor);
            out.push(finish(catalog, &manifest, draft, &[]));
        }
    }
    out
}

/// The file as it is now; if it cannot be read, blank lines up to `line` so positions still
/// point at the call's line.
fn read_source(path: &str, line: usize, cwd: &Path) -> SourceFile {
    match std::fs::read(cwd.join(path)) {
        Ok(bytes) => SourceFile::decode(path, &bytes),
        Err(_) => SourceFile::new(path, "\n".repeat(line.saturating_sub(1)), Encoding::Utf8),
    }
}

/// The span of `scope` inside the vendor's block of the manifest text.
fn scope_span(text: &str, vendor: &str, scope: &str) -> Option<Span> {
    let block = text.find(&format!("{vendor}:")).unwrap_or(0);
    let mut from = block;
    while let Some(i) = text[from..].find(scope) {
        let at = from + i;
        let end = at + scope.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '.' || c == '_'));
        if boundary(before) && boundary(after) {
            return Some(Span::new(at, end));
        }
        from = end;
    }
    None
}
