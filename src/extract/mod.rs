//! Extraction: turn a file's text into [`Candidate`]s, the vendor-agnostic description of an
//! HTTP call as the code writes it (URL template, method, parameters, spans). The matcher in
//! [`crate::check`] decides which candidates are vendor calls.
//!
//! [`generic`] works on any text. Language-aware extractors plug in beside it and produce the
//! same [`Candidate`]s.

pub mod generic;
pub mod lang;
pub mod template;
pub mod url;

use crate::catalog::Method;
use crate::source::Span;

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    Query,
    Body,
    Header,
}

/// A parameter value as the code writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A literal string: may be a real secret, so it is masked in any output.
    Literal(String),
    /// A template placeholder or example value (`{api_key}`, `YOUR_API_KEY`, `${KEY}`).
    Placeholder(String),
    /// A variable or expression (`api_key`, `os.environ["KEY"]`).
    Expr(String),
}

impl Value {
    #[must_use]
    pub fn is_literal(&self) -> bool {
        matches!(self, Self::Literal(_))
    }
}

/// A parameter sent with a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub location: ParamLocation,
    pub value: Value,
    /// From the name to the end of the value.
    pub span: Span,
    /// The value alone.
    pub value_span: Span,
}

/// An HTTP call as the code writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The URL template as reconstructed (`https://{cluster}.voiso.com/api/v1/{key}/balance`).
    pub url: String,
    /// The span of the URL in the file.
    pub span: Span,
    /// Whether `url` is a verbatim slice of the file at `span` (so offsets inside it are spans).
    pub verbatim: bool,
    /// How many leading bytes of `url` are verbatim at `span.start` (all of it when `verbatim`;
    /// up to the first concatenation otherwise).
    pub verbatim_len: usize,
    pub method: Option<Method>,
    /// Parameters sent beside the URL (curl `-d`, body fields, params maps); query parameters
    /// written inside the URL are parsed by [`url::UrlTemplate`].
    pub params: Vec<Param>,
    /// Where each piece of a reconstructed `url` comes from in the file (language-aware
    /// extraction); empty for the generic extractor, whose `verbatim_len` prefix is exact.
    pub map: Vec<template::PieceMap>,
}

impl Candidate {
    /// The span in the file of the URL bytes `at` (offsets into `url`), when they were copied
    /// verbatim from one place in the file.
    #[must_use]
    pub fn exact(&self, at: Span) -> Option<Span> {
        if self.map.is_empty() {
            return (at.end <= self.verbatim_len).then(|| at.offset(self.span.start));
        }
        self.map
            .iter()
            .find(|m| m.exact && m.url.start <= at.start && at.end <= m.url.end)
            .map(|m| Span::new(m.src.start + (at.start - m.url.start), m.src.start + (at.end - m.url.start)))
    }

    /// The span in the file that produced the URL bytes `at`: exact when they were copied
    /// verbatim; otherwise the expressions they came from (`{api_key}` in an f-string, the
    /// `key` identifier of a concatenation); `None` when the pieces cannot be located.
    #[must_use]
    pub fn locate(&self, at: Span) -> Option<Span> {
        if let Some(s) = self.exact(at) {
            return Some(s);
        }
        // the overlapping part of each piece: clipped for literal text, whole for a hole
        let mut hit = self
            .map
            .iter()
            .filter(|m| m.url.start < at.end.max(at.start + 1) && at.start < m.url.end.max(m.url.start + 1))
            .map(|m| {
                if m.exact {
                    let from = at.start.max(m.url.start) - m.url.start;
                    let to = at.end.min(m.url.end).max(at.start.max(m.url.start)) - m.url.start;
                    Span::new(m.src.start + from, m.src.start + to)
                } else {
                    m.src
                }
            });
        let first = hit.next()?;
        let (mut start, mut end) = (first.start, first.end);
        for s in hit {
            start = start.min(s.start);
            end = end.max(s.end);
        }
        Some(Span::new(start, end))
    }
}

/// What extraction needs from the loaded catalogs.
#[derive(Debug, Clone)]
pub struct ExtractConfig {
    /// Path prefixes that start a host-less URL (`/api/`, `/user_management/`).
    pub path_anchors: Vec<String>,
    /// Parameter names that carry a key (`key`), and body fields vendor rules look for (`tenant_id`).
    pub key_names: Vec<String>,
    /// Header names whose values are extracted (`authorization`, `x-api-key`), lowercase.
    pub header_names: Vec<String>,
}

/// A per-file time budget: extraction and matching stop when it has passed, so one
/// pathological file can never hang a run (the file is reported with partial results).
#[derive(Debug, Clone, Copy, Default)]
pub struct Deadline(Option<std::time::Instant>);

impl Deadline {
    /// No limit.
    #[must_use]
    pub fn none() -> Self {
        Self(None)
    }
    #[must_use]
    pub fn after(d: std::time::Duration) -> Self {
        Self(std::time::Instant::now().checked_add(d))
    }
    #[must_use]
    pub fn passed(self) -> bool {
        self.0.is_some_and(|t| std::time::Instant::now() >= t)
    }
}
