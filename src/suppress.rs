//! Inline suppression: a comment containing `scopeshift: allow(RULE[, RULE…]) reason` on a
//! finding's line or the line above hides that finding. The syntax is found in any comment style
//! (`#`, `//`, `/* */`, `--`, `<!-- -->`, YAML, `.env`) because only the directive text is
//! matched. A directive, or a rule in it, that suppressed nothing is reported as `unused-allow`.

use std::sync::LazyLock;

use regex::Regex;

use crate::catalog::{Catalog, ids};
use crate::check::{Draft, Finding, Label, finish};
use crate::source::{SourceFile, Span};

/// The literal that makes a file worth reading for its directives.
pub const MARKER: &str = "scopeshift:";

static DIRECTIVE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"scopeshift:\s*allow\(([^)\n]*)\)").unwrap());

struct Directive {
    line: usize,
    span: Span,
    rules: Vec<(String, bool)>,
}

/// Hide the findings an inline directive allows; report the directives that allowed nothing.
pub fn apply(catalog: &Catalog, file: &SourceFile, findings: &mut Vec<Finding>) {
    let mut directives: Vec<Directive> = DIRECTIVE
        .captures_iter(&file.text)
        .map(|c| {
            let m = c.get(0).unwrap();
            Directive {
                line: file.position(m.start()).line,
                span: Span::new(m.start(), m.end()),
                rules: c[1]
                    .split(',')
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .map(|r| (r.to_owned(), false))
                    .collect(),
            }
        })
        .collect();
    if directives.is_empty() {
        return;
    }
    findings.retain(|f| {
        let line = f.start.line;
        for d in directives.iter_mut().filter(|d| d.line == line || d.line + 1 == line) {
            if let Some(r) = d.rules.iter_mut().find(|(r, _)| *r == f.rule) {
                r.1 = true;
                return false;
            }
        }
        true
    });
    for d in directives {
        let unused: Vec<&str> = d.rules.iter().filter(|(_, used)| !used).map(|(r, _)| r.as_str()).collect();
        if unused.is_empty() && !d.rules.is_empty() {
            continue;
        }
        let reason = if d.rules.is_empty() {
            "`allow()` names no rule".to_owned()
        } else {
            let list = unused
                .iter()
                .map(
                    |r| if catalog.lints.contains_key(*r) { format!("`{r}`") } else { format!("`{r}` (no such rule)") },
                )
                .collect::<Vec<_>>()
                .join(", ");
            format!("{list} suppressed nothing on this line or the next")
        };
        let mut draft = Draft::new(ids::UNUSED_ALLOW, None, file, d.span);
        draft.labels.push(Label { span: d.span, text: "suppresses nothing".into() });
        draft.vars.push(("reason", reason));
        findings.push(finish(catalog, file, draft, &[]));
    }
}
