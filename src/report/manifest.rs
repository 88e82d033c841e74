//! The scope manifest (`scopeshift scopes`): YAML, sorted, stable, diffable; the contract is
//! `vendors.<vendor>.scopes`.

use std::io::{self, Write};

use super::{Emitter, Report};
use crate::scopes::Evidence;

pub struct Manifest;

/// The manifest's first line; a file that starts with it is scopeshift output and not scanned.
pub const HEADER: &str = "# Suggested scopes for each vendor key, from the calls found by scopeshift.";

impl Manifest {
    /// Write the manifest for a report.
    pub fn emit_report(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        self.emit(r, out)
    }
}

impl Emitter for Manifest {
    fn emit(&self, r: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{HEADER}")?;
        writeln!(out, "# Grant exactly these; `scopeshift check --manifest FILE` compares the code with this file.")?;
        writeln!(out, "version: 1")?;
        if r.scopes.is_empty() {
            return writeln!(out, "vendors: {{}}");
        }
        writeln!(out, "vendors:")?;
        for v in r.scopes {
            writeln!(out, "  {}:", yaml_str(&v.vendor))?;
            if v.scopes_published {
                if v.scopes.is_empty() {
                    writeln!(out, "    scopes: []")?;
                } else {
                    writeln!(out, "    scopes:")?;
                    for s in v.scopes.keys() {
                        writeln!(out, "      - {}", yaml_str(s))?;
                    }
                    writeln!(out, "    evidence:")?;
                    for (s, evs) in &v.scopes {
                        writeln!(out, "      {}:", yaml_str(s))?;
                        for e in evs {
                            writeln!(out, "        - {}", evidence(e))?;
                        }
                    }
                }
            } else {
                writeln!(out, "    scopes: []")?;
                writeln!(
                    out,
                    "    note: {}",
                    yaml_str(&format!("{} publishes no key scopes: there is no scope set to grant", v.name))
                )?;
                if !v.calls.is_empty() {
                    writeln!(out, "    calls:")?;
                    for e in &v.calls {
                        writeln!(out, "      - {}", evidence(e))?;
                    }
                }
            }
            if !v.advice.is_empty() {
                writeln!(out, "    advice:")?;
                for a in &v.advice {
                    writeln!(out, "      - {}", yaml_str(a))?;
                }
            }
            if !v.unmapped.is_empty() {
                writeln!(out, "    unmapped:")?;
                for u in &v.unmapped {
                    writeln!(
                        out,
                        "      - {{path: {}, line: {}, call: {}, reason: {}}}",
                        yaml_str(&u.path),
                        u.line,
                        yaml_str(&u.call),
                        yaml_str(&u.reason)
                    )?;
                }
            }
        }
        Ok(())
    }
}

fn evidence(e: &Evidence) -> String {
    let mut s = format!("{{path: {}, line: {}, call: {}", yaml_str(&e.path), e.line, yaml_str(&e.call));
    if let Some(v4) = &e.v4 {
        s.push_str(&format!(", v4: {}", yaml_str(v4)));
    }
    if let Some(m) = e.mapping {
        s.push_str(&format!(", mapping: {}", m.as_str()));
    }
    s.push('}');
    s
}

/// A YAML scalar: plain when that is unambiguous, a double-quoted (JSON-compatible) string otherwise.
#[must_use]
pub fn yaml_str(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'))
        && !s.starts_with(['-', '.'])
        && !matches!(s.to_ascii_lowercase().as_str(), "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~")
        && s.parse::<f64>().is_err();
    if plain {
        return s.to_owned();
    }
    // JSON quoting is valid YAML, except that YAML forbids DEL and the C1 controls raw
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted.chars().fold(String::with_capacity(quoted.len()), |mut out, c| {
        if matches!(c, '\u{7f}'..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::yaml_str;

    #[test]
    fn quoting() {
        assert_eq!(yaml_str("web/balance.js"), "web/balance.js");
        assert_eq!(yaml_str("GET /api/v1/{key}/balance"), "\"GET /api/v1/{key}/balance\"");
        assert_eq!(yaml_str("true"), "\"true\"");
        assert_eq!(yaml_str("1.5"), "\"1.5\"");
        assert_eq!(yaml_str("a: b"), "\"a: b\"");
        assert_eq!(yaml_str("a\u{7f}b"), "\"a\\u007fb\"");
    }
}
