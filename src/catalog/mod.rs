//! Vendor catalogs and lint rules, loaded from the YAML under `rules/` (embedded at build time)
//! through the raw serde types in [`raw`], then compiled into the validated types here. A bad
//! file is a tool error that names the file, line and field.

pub mod raw;
pub mod template;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use raw::{RawLegacy, RawLint, RawV4, RawVendor};
pub use template::{CandSeg, PathTemplate, PathTrie, Seg};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// A rule file that could not be loaded: exit 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", location.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct RuleFileError {
    pub file: String,
    pub location: Option<(u64, u64)>,
    pub message: String,
}

impl RuleFileError {
    fn new(file: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), location: None, message: message.into() }
    }

    /// Errors found after parsing start with the row id (`L7: …`): point at that row's line.
    fn locate_in(mut self, text: &str) -> Self {
        if self.location.is_none()
            && let Some(id) = self.message.split(':').next().filter(|id| !id.contains(' '))
        {
            self.location = line_of_id(text, id);
        }
        self
    }
}

/// Line and column of the row `id: ID` (block or flow style) in a YAML text.
fn line_of_id(text: &str, id: &str) -> Option<(u64, u64)> {
    text.lines().enumerate().find_map(|(n, line)| {
        let t = line.trim_start().trim_start_matches(['-', '{', ' ']);
        let v = t.strip_prefix("id:")?.trim_start();
        v.strip_prefix(id)
            .is_some_and(|r| r.is_empty() || r.starts_with([',', ' ', '}', '#']))
            .then(|| (n as u64 + 1, (line.len() - t.len()) as u64 + 1))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_uppercase().as_str() {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PUT" => Self::Put,
            "PATCH" => Self::Patch,
            "DELETE" => Self::Delete,
            "HEAD" => Self::Head,
            "OPTIONS" => Self::Options,
            _ => return None,
        })
    }
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
            Self::Head => "HEAD",
            Self::Options => "OPTIONS",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// Whether a Voiso page shows the correspondence (or the path), or it is inferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mapping {
    Documented,
    Inferred,
}

impl Mapping {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Documented => "documented",
            Self::Inferred => "inferred",
        }
    }
}

/// Where a legacy endpoint takes its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlacement {
    Path,
    Query,
    Body,
    QueryOrBody,
    Bearer,
}

impl KeyPlacement {
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Self::Path => "the key in the URL path",
            Self::Query => "the key as the `key` query parameter",
            Self::Body => "the key as a `key` body field",
            Self::QueryOrBody => "the key as a `key` query parameter or body field",
            Self::Bearer => "an unscoped legacy key as Bearer",
        }
    }
}

/// A key shape from the catalog.
#[derive(Debug, Clone)]
pub struct KeyFormat {
    pub id: String,
    pub description: String,
    pub regex: regex::Regex,
    /// Matches anywhere (a prefixed format), not only in files that name the vendor.
    pub anywhere: bool,
    pub prefix: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Scope {
    pub id: String,
    pub domain: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct V4Endpoint {
    pub id: String,
    pub method: Method,
    pub path: Option<PathTemplate>,
    pub path_hint: Option<String>,
    pub scope: Option<String>,
    pub status: Mapping,
    pub purpose: String,
    pub sources: Vec<String>,
}

impl V4Endpoint {
    /// `POST /api/v4/voice/calls`, or the hint when the path is not documented.
    #[must_use]
    pub fn display(&self) -> String {
        match (&self.path, &self.path_hint) {
            (Some(p), _) => format!("{} {}", self.method, p.text),
            (None, Some(h)) => format!("{} (path not yet documented: {h})", self.method),
            (None, None) => format!("{} (path not yet documented)", self.method),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LegacyEndpoint {
    pub id: String,
    pub family: String,
    pub method: Method,
    pub path: PathTemplate,
    pub key: KeyPlacement,
    /// Index of the `{key}` segment for `key: path`.
    pub key_segment: Option<usize>,
    pub key_type: String,
    pub distinctive: bool,
    pub purpose: String,
    pub sources: Vec<String>,
    /// Indices into the vendor's `v4` list.
    pub v4: Vec<usize>,
    pub mapping: Mapping,
    pub note: Option<String>,
    pub unmapped: Option<String>,
}

impl LegacyEndpoint {
    #[must_use]
    pub fn display(&self) -> String {
        format!("{} {}", self.method, self.path.text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointRef {
    Legacy(usize),
    V4(usize),
}

#[derive(Debug)]
pub struct Vendor {
    pub id: String,
    pub name: String,
    pub docs_url: Option<String>,
    /// Exact hosts and `.suffix` patterns (from `*.suffix`), lowercase.
    pub hosts: Vec<String>,
    pub host_suffixes: Vec<String>,
    pub api_prefixes: Vec<Vec<String>>,
    /// The first two segments of the vendor's current API (`/api/v4`), derived from the v4 rows.
    pub current_prefixes: BTreeSet<Vec<String>>,
    pub key_params: Vec<String>,
    pub auth: String,
    pub rotation: Option<String>,
    /// Lowercase words naming this vendor's key variables (`voiso`).
    pub secret_names: Vec<String>,
    pub key_formats: Vec<KeyFormat>,
    /// `(header name lowercase, rule id)`.
    pub header_rules: Vec<(String, String)>,
    pub bearer_exact: bool,
    /// `(body field, rule id)`.
    pub body_field_rules: Vec<(String, String)>,
    pub legacy_reason: Option<String>,
    pub advice: Vec<String>,
    pub scopes: Vec<Scope>,
    pub v4: Vec<V4Endpoint>,
    pub legacy: Vec<LegacyEndpoint>,
    pub trie: PathTrie<EndpointRef>,
    /// Extra prefilter literals (`voiso`), lowercase.
    pub prefilter_extra: Vec<String>,
    pub file: String,
}

impl Vendor {
    /// Whether `host` (possibly with placeholders in the subdomain) is one of the vendor's.
    #[must_use]
    pub fn owns_host(&self, host: &str) -> bool {
        let h = host.to_ascii_lowercase();
        let h = h.split(':').next().unwrap_or(&h);
        self.hosts.iter().any(|x| x == h) || self.host_suffixes.iter().any(|s| h.ends_with(s.as_str()))
    }

    /// Help for a call on a vendor host whose path the catalog does not list.
    #[must_use]
    pub fn unlisted_help(&self) -> String {
        format!(
            "Check the vendor's v4 reference{} and add the endpoint to {} if it exists.",
            self.docs_url.as_ref().map(|u| format!(" ({u})")).unwrap_or_default(),
            self.file
        )
    }

    #[must_use]
    pub fn scopes_published(&self) -> bool {
        !self.scopes.is_empty()
    }

    /// The scopes a legacy endpoint needs on v4 (union over its v4 targets), sorted.
    #[must_use]
    pub fn legacy_scopes(&self, l: &LegacyEndpoint) -> Vec<String> {
        let set: BTreeSet<&String> = l.v4.iter().filter_map(|&i| self.v4[i].scope.as_ref()).collect();
        set.into_iter().cloned().collect()
    }

    /// `POST /api/v4/campaigns/{campaign_id}/pause | POST /api/v4/...`.
    #[must_use]
    pub fn legacy_v4_display(&self, l: &LegacyEndpoint) -> Option<String> {
        (!l.v4.is_empty()).then(|| l.v4.iter().map(|&i| self.v4[i].display()).collect::<Vec<_>>().join(" | "))
    }
}

/// A lint rule: its docs and message template, from `rules/lints/<id>.yaml`.
#[derive(Debug, Clone)]
pub struct Lint {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub what: String,
    pub why: String,
    pub example: String,
    pub fix: String,
    pub file: String,
    /// The vendor whose pack uses this rule (header and body rules), `None` for every vendor.
    pub vendor: Option<String>,
    pub client_code: Option<ClientCode>,
}

/// What counts as code that runs in a browser or on a phone (`key-in-client-code`).
#[derive(Debug, Clone)]
pub struct ClientCode {
    pub globs: globset::GlobSet,
    pub not_globs: globset::GlobSet,
    pub env_prefixes: Vec<String>,
}

impl ClientCode {
    /// Whether the file at `path` runs on the client.
    #[must_use]
    pub fn is_client(&self, path: &str) -> bool {
        self.globs.is_match(path) && !self.not_globs.is_match(path)
    }
}

/// Variables a lint message template may use.
pub const TEMPLATE_VARS: &[&str] =
    &["vendor", "call", "param", "reason", "migration", "auth", "scope", "secret", "subject", "used_by", "v4"];

impl Lint {
    /// Fill `{vendor}`, `{call}`, ... into the message template.
    #[must_use]
    pub fn render_message(&self, vars: &[(&str, &str)]) -> String {
        render_template(&self.message, vars)
    }
    /// Fill the help template.
    #[must_use]
    pub fn render_help(&self, vars: &[(&str, &str)]) -> String {
        render_template(&self.help, vars)
    }
}

fn render_template(t: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(t.len() + 32);
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}').map(|j| (&after[..j], j)) {
            Some((name, j)) if vars.iter().any(|(k, _)| *k == name) => {
                out.push_str(vars.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v));
                rest = &after[j + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A rule file: its name and YAML text.
pub type Source<'a> = (&'a str, &'a str);

/// Every loaded vendor and rule.
#[derive(Debug)]
pub struct Catalog {
    pub vendors: Vec<Vendor>,
    pub lints: BTreeMap<String, Lint>,
    /// The key-name matcher over every vendor, built on first use.
    pub secrets: std::sync::OnceLock<crate::secrets::Secrets>,
}

/// Rule ids the checker emits; each must have a lint file.
pub mod ids {
    pub const KEY_IN_PATH: &str = "key-in-path";
    pub const KEY_IN_QUERY: &str = "key-in-query";
    pub const KEY_IN_BODY: &str = "key-in-body";
    pub const LEGACY_ENDPOINT: &str = "legacy-endpoint";
    pub const UNMAPPED_ENDPOINT: &str = "unmapped-endpoint";
    pub const UNUSED_ALLOW: &str = "unused-allow";
    pub const HARDCODED_KEY: &str = "hardcoded-key";
    pub const KEY_IN_CLIENT_CODE: &str = "key-in-client-code";
    /// Emitted for vendors with `bearer_exact`; required only when one is loaded.
    pub const AUTHORIZATION_NOT_BEARER: &str = "authorization-not-bearer";
    pub const SCOPE_MISSING: &str = "scope-missing";
    pub const SCOPE_UNUSED: &str = "scope-unused";
    pub const OPENAPI_KEY_IN_QUERY: &str = "openapi-key-in-query";
    pub const OPENAPI_KEY_IN_PATH: &str = "openapi-key-in-path";
    pub const OPENAPI_LEGACY_ENDPOINT: &str = "openapi-legacy-endpoint";
    pub const ALL: &[&str] = &[
        KEY_IN_PATH,
        KEY_IN_QUERY,
        KEY_IN_BODY,
        LEGACY_ENDPOINT,
        UNMAPPED_ENDPOINT,
        HARDCODED_KEY,
        KEY_IN_CLIENT_CODE,
        UNUSED_ALLOW,
        SCOPE_MISSING,
        SCOPE_UNUSED,
        OPENAPI_KEY_IN_QUERY,
        OPENAPI_KEY_IN_PATH,
        OPENAPI_LEGACY_ENDPOINT,
    ];
}

impl Catalog {
    /// The built-in catalog embedded from `rules/`.
    pub fn builtin() -> Result<Self, RuleFileError> {
        Self::from_sources(embedded::VENDORS, embedded::LINTS)
    }

    /// The built-in catalog plus user packs (`--rules`): each file is a vendor, an extension of
    /// a vendor (`extends: ID`), or a rule (it has a top-level `severity:`).
    pub fn with_packs(extra: &[(&str, &str)]) -> Result<Self, RuleFileError> {
        let top = |text: &str, key: &str| text.lines().any(|l| l.starts_with(key));
        let (lints, vendors): (Vec<Source<'_>>, Vec<Source<'_>>) =
            extra.iter().copied().partition(|(_, text)| top(text, "severity:"));
        let vendors: Vec<(&str, &str)> = embedded::VENDORS.iter().copied().chain(vendors).collect();
        let lints: Vec<(&str, &str)> = embedded::LINTS.iter().copied().chain(lints).collect();
        Self::from_sources(&vendors, &lints)
    }

    /// Load from `(file name, YAML text)` pairs.
    pub fn from_sources(vendors: &[(&str, &str)], lints: &[(&str, &str)]) -> Result<Self, RuleFileError> {
        let mut out = Self { vendors: Vec::new(), lints: BTreeMap::new(), secrets: std::sync::OnceLock::new() };
        // raw vendors first, extensions merged into them, then compiled
        let mut raws: Vec<(RawVendor, Vec<(&str, &str)>)> = Vec::new();
        for &(file, text) in vendors {
            if text.lines().any(|l| l.starts_with("extends:")) {
                let ext: raw::RawExtension = parse_yaml(file, text)?;
                let Some((base, sources)) = raws.iter_mut().find(|(r, _)| r.id == ext.extends) else {
                    return Err(RuleFileError::new(
                        file,
                        format!("`extends: {}`: no such vendor is loaded", ext.extends),
                    )
                    .locate_in(text));
                };
                base.extend(ext);
                sources.push((file, text));
                continue;
            }
            let raw: RawVendor = parse_yaml(file, text)?;
            if raws.iter().any(|(o, _)| o.id == raw.id) {
                return Err(RuleFileError::new(
                    file,
                    format!(
                        "vendor id `{}` is defined twice (a pack that adds to it says `extends: {}`)",
                        raw.id, raw.id
                    ),
                ));
            }
            raws.push((raw, vec![(file, text)]));
        }
        for (raw, sources) in raws {
            let (file, _) = sources[0];
            let v = compile_vendor(file, raw).map_err(|e| {
                // point at the file (base or extension) that holds the offending row
                let id = e.message.split(':').next().unwrap_or("").to_owned();
                let holder = sources.iter().rev().find(|(_, t)| line_of_id(t, &id).is_some());
                match holder {
                    Some((f, t)) => RuleFileError { file: (*f).to_owned(), ..e }.locate_in(t),
                    None => e.locate_in(sources[0].1),
                }
            })?;
            out.vendors.push(v);
        }
        for (file, text) in lints {
            let raw: RawLint = parse_yaml(file, text)?;
            let l = compile_lint(file, raw)?;
            if let Some(other) = out.lints.get(&l.id) {
                return Err(RuleFileError::new(
                    file,
                    format!("rule id `{}` is already defined in {}", l.id, other.file),
                ));
            }
            out.lints.insert(l.id.clone(), l);
        }
        for id in ids::ALL {
            if !out.lints.contains_key(*id) {
                return Err(RuleFileError::new("rules/lints", format!("rule `{id}` has no rules/lints/{id}.yaml")));
            }
        }
        // rules named by vendor packs exist, and are listed with their vendor
        for v in &out.vendors {
            for (what, rule) in v.header_rules.iter().chain(&v.body_field_rules) {
                let Some(l) = out.lints.get_mut(rule) else {
                    return Err(RuleFileError::new(
                        &v.file,
                        format!("`{what}` names rule `{rule}`, which has no rules/lints/{rule}.yaml"),
                    ));
                };
                l.vendor = Some(v.id.clone());
            }
        }
        let exact: Vec<String> = out.vendors.iter().filter(|v| v.bearer_exact).map(|v| v.id.clone()).collect();
        if !exact.is_empty() {
            let Some(l) = out.lints.get_mut(ids::AUTHORIZATION_NOT_BEARER) else {
                return Err(RuleFileError::new(
                    "rules/lints",
                    "`bearer_exact` needs rules/lints/authorization-not-bearer.yaml",
                ));
            };
            l.vendor = Some(exact.join(","));
        }
        Ok(out)
    }

    /// Per vendor, whether a lowercased text names one of its hosts.
    #[must_use]
    pub fn hosts_mentioned(&self, lower: &str) -> Vec<bool> {
        self.vendors
            .iter()
            .map(|v| v.hosts.iter().chain(&v.host_suffixes).any(|h| lower.contains(h.trim_start_matches('.'))))
            .collect()
    }

    #[must_use]
    pub fn lint(&self, id: &str) -> &Lint {
        &self.lints[id]
    }

    #[must_use]
    pub fn vendor(&self, id: &str) -> Option<&Vendor> {
        self.vendors.iter().find(|v| v.id == id)
    }

    /// Literals for the prefilter: host fragments, extra vendor literals, and the most selective
    /// literal of each endpoint that counts without a host (`distinctive`).
    #[must_use]
    pub fn prefilter_literals(&self) -> Vec<String> {
        let mut set = BTreeSet::new();
        for v in &self.vendors {
            for h in v.hosts.iter().chain(&v.host_suffixes) {
                set.insert(h.trim_start_matches('.').to_owned());
            }
            set.extend(v.prefilter_extra.iter().cloned());
            for l in v.legacy.iter().filter(|l| l.distinctive) {
                if let Some(lit) = l.path.longest_literal() {
                    set.insert(format!("/{lit}"));
                }
            }
        }
        set.into_iter().collect()
    }
}

/// The JSON twin of a built-in rule file (made by build.rs), found by the identity of its text.
fn json_twin(text: &str) -> Option<&'static str> {
    let find = |files: &'static [(&str, &str)], twins: &'static [&str]| {
        files.iter().position(|(_, t)| std::ptr::eq(*t, text)).and_then(|i| twins.get(i).copied())
    };
    find(embedded::VENDORS, embedded::VENDORS_JSON).or_else(|| find(embedded::LINTS, embedded::LINTS_JSON))
}

fn parse_yaml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, RuleFileError> {
    // a built-in file: its JSON twin reads several times faster; any error is reported from the
    // YAML, with its line and column
    if let Some(json) = json_twin(text)
        && let Ok(v) = serde_json::from_str(json)
    {
        return Ok(v);
    }
    serde_saphyr::from_str(text).map_err(|e| {
        let loc = e.location().map(|l| (l.line(), l.column())).filter(|(l, _)| *l > 0);
        let plain = e.without_snippet().to_string();
        let mut message = plain.lines().next().unwrap_or("invalid YAML").to_owned();
        if let Some(i) = message.rfind(" at line ").filter(|_| loc.is_some()) {
            message.truncate(i);
        }
        RuleFileError { file: file.to_owned(), location: loc, message }
    })
}

fn method(file: &str, id: &str, m: &str) -> Result<Method, RuleFileError> {
    Method::parse(m).ok_or_else(|| RuleFileError::new(file, format!("{id}: unknown method `{m}`")))
}

fn mapping(file: &str, id: &str, field: &str, m: &str) -> Result<Mapping, RuleFileError> {
    match m {
        "documented" => Ok(Mapping::Documented),
        "inferred" => Ok(Mapping::Inferred),
        _ => Err(RuleFileError::new(file, format!("{id}: `{field}` must be documented or inferred, not `{m}`"))),
    }
}

fn compile_vendor(file: &str, raw: RawVendor) -> Result<Vendor, RuleFileError> {
    let err = |m: String| RuleFileError::new(file, m);
    if raw.hosts.is_empty() {
        return Err(err(format!("vendor `{}` has no hosts", raw.id)));
    }
    let (mut hosts, mut host_suffixes) = (Vec::new(), Vec::new());
    for h in &raw.hosts {
        let h = h.to_ascii_lowercase();
        match h.strip_prefix("*.") {
            Some(s) if !s.is_empty() && !s.contains('*') => host_suffixes.push(format!(".{s}")),
            None if !h.is_empty() && !h.contains(['*', '/', ' ']) => hosts.push(h),
            _ => return Err(err(format!("bad host pattern `{h}` (use `host.example` or `*.example`)"))),
        }
    }
    let mut api_prefixes = Vec::new();
    for p in &raw.api_prefixes {
        if !p.starts_with('/') || !p.ends_with('/') || p.len() < 3 {
            return Err(err(format!("api prefix `{p}` must look like `/api/`")));
        }
        api_prefixes.push(p.trim_matches('/').split('/').map(str::to_owned).collect());
    }
    let mut scopes = Vec::new();
    for s in raw.scopes {
        if scopes.iter().any(|o: &Scope| o.id == s.id) {
            return Err(err(format!("scope `{}` is listed twice", s.id)));
        }
        scopes.push(Scope { id: s.id, domain: s.domain, description: s.description });
    }
    let mut seen = HashMap::new();
    let mut v4 = Vec::new();
    for r in raw.v4 {
        let RawV4 { id, method: m, path, path_hint, scope, status, purpose, sources } = r;
        if seen.insert(id.clone(), ()).is_some() {
            return Err(err(format!("endpoint id `{id}` is used twice")));
        }
        let path = path.map(|p| PathTemplate::parse(&p)).transpose().map_err(|e| err(format!("{id}: {e}")))?;
        if let Some(p) = &path
            && !api_prefixes.iter().any(|pre: &Vec<String>| starts_with(&p.segs, pre))
        {
            return Err(err(format!("{id}: path `{}` is under none of the api_prefixes", p.text)));
        }
        if path.is_some() == path_hint.is_some() {
            return Err(err(format!("{id}: give `path`, or `path: null` with a `path_hint`")));
        }
        match (&scope, scopes.is_empty()) {
            (Some(s), false) if !scopes.iter().any(|x| &x.id == s) => {
                return Err(err(format!("{id}: scope `{s}` is not in the vendor's scope list")));
            }
            (None, false) => return Err(err(format!("{id}: needs a `scope` (the vendor publishes scopes)"))),
            (Some(s), true) => return Err(err(format!("{id}: scope `{s}` given but the vendor lists no scopes"))),
            _ => {}
        }
        v4.push(V4Endpoint {
            method: method(file, &id, &m)?,
            status: mapping(file, &id, "status", &status)?,
            id,
            path,
            path_hint,
            scope,
            purpose,
            sources,
        });
    }
    let mut legacy = Vec::new();
    for r in raw.legacy {
        let RawLegacy {
            id,
            family,
            method: m,
            path,
            key,
            key_type,
            distinctive,
            purpose,
            sources,
            v4: targets,
            mapping: map,
            note,
            unmapped,
        } = r;
        if seen.insert(id.clone(), ()).is_some() {
            return Err(err(format!("endpoint id `{id}` is used twice")));
        }
        let path = PathTemplate::parse(&path).map_err(|e| err(format!("{id}: {e}")))?;
        let key = match key.as_str() {
            "path" => KeyPlacement::Path,
            "query" => KeyPlacement::Query,
            "body" => KeyPlacement::Body,
            "query-or-body" => KeyPlacement::QueryOrBody,
            "bearer" => KeyPlacement::Bearer,
            _ => {
                return Err(err(format!(
                    "{id}: `key` must be path, query, body, query-or-body or bearer, not `{key}`"
                )));
            }
        };
        let key_segment = path.param_index("key");
        if key == KeyPlacement::Path && key_segment.is_none() {
            return Err(err(format!("{id}: `key: path` needs a `{{key}}` segment in `{}`", path.text)));
        }
        let mut idx = Vec::new();
        for t in &targets {
            let i = v4
                .iter()
                .position(|e| &e.id == t)
                .ok_or_else(|| err(format!("{id}: maps to unknown v4 endpoint `{t}`")))?;
            idx.push(i);
        }
        if idx.is_empty() != unmapped.is_some() {
            return Err(err(format!(
                "{id}: a legacy endpoint maps to v4 endpoints or says why not in `unmapped`, not both"
            )));
        }
        if !api_prefixes.iter().any(|p: &Vec<String>| starts_with(&path.segs, p)) {
            return Err(err(format!("{id}: path `{}` is under none of the api_prefixes", path.text)));
        }
        legacy.push(LegacyEndpoint {
            method: method(file, &id, &m)?,
            mapping: mapping(file, &id, "mapping", &map)?,
            id,
            family,
            path,
            key,
            key_segment,
            key_type,
            distinctive,
            purpose,
            sources,
            v4: idx,
            note,
            unmapped,
        });
    }
    let mut trie = PathTrie::default();
    let mut current_prefixes = BTreeSet::new();
    for (i, e) in v4.iter().enumerate() {
        if let Some(p) = &e.path {
            trie.insert(&p.segs, EndpointRef::V4(i));
            let head: Vec<String> = p.segs.iter().take(2).filter_map(lit).collect();
            if head.len() == 2 {
                current_prefixes.insert(head);
            }
        }
    }
    for (i, e) in legacy.iter().enumerate() {
        trie.insert(&e.path.segs, EndpointRef::Legacy(i));
    }
    let mut prefilter_extra: Vec<String> = raw.prefilter.iter().map(|s| s.to_ascii_lowercase()).collect();
    prefilter_extra.retain(|s| s.len() >= 3);
    let mut key_formats = Vec::new();
    for f in raw.key_formats {
        let regex = regex::Regex::new(&f.pattern).map_err(|e| err(format!("{}: bad pattern: {e}", f.id)))?;
        let anywhere = match f.requires.as_str() {
            "none" => true,
            "vendor-mention" => false,
            r => return Err(err(format!("{}: `requires` must be none or vendor-mention, not `{r}`", f.id))),
        };
        match (&f.prefix, anywhere) {
            (Some(p), _) if p.len() < 3 => return Err(err(format!("{}: prefix `{p}` is too short", f.id))),
            (Some(p), _) => prefilter_extra.push(p.clone()),
            (None, true) => return Err(err(format!("{}: `requires: none` needs a `prefix` for the prefilter", f.id))),
            (None, false) => {}
        }
        key_formats.push(KeyFormat { id: f.id, description: f.description, regex, anywhere, prefix: f.prefix });
    }
    let secret_names: Vec<String> = raw.secret_names.iter().map(|s| s.to_ascii_lowercase()).collect();
    if secret_names.iter().any(|w| w.len() < 3 || !w.bytes().all(|b| b.is_ascii_alphanumeric())) {
        return Err(err("`secret_names` must be words of 3+ letters or digits".to_owned()));
    }
    prefilter_extra.extend(secret_names.iter().cloned());
    Ok(Vendor {
        id: raw.id,
        name: raw.name,
        docs_url: raw.docs_url,
        hosts,
        host_suffixes,
        api_prefixes,
        current_prefixes,
        key_params: raw.key_params,
        auth: raw.auth,
        rotation: raw.rotation,
        secret_names,
        key_formats,
        header_rules: raw.header_rules.into_iter().map(|h| (h.header.to_ascii_lowercase(), h.rule)).collect(),
        bearer_exact: raw.bearer_exact,
        body_field_rules: raw.body_field_rules.into_iter().map(|b| (b.field, b.rule)).collect(),
        legacy_reason: raw.legacy_reason,
        advice: raw.advice,
        scopes,
        v4,
        legacy,
        trie,
        file: file.to_owned(),
        prefilter_extra,
    })
}

fn lit(s: &Seg) -> Option<String> {
    if let Seg::Lit(l) = s { Some(l.clone()) } else { None }
}

fn starts_with(segs: &[Seg], prefix: &[String]) -> bool {
    segs.len() >= prefix.len() && segs.iter().zip(prefix).all(|(s, p)| matches!(s, Seg::Lit(l) if l == p))
}

fn compile_lint(file: &str, raw: RawLint) -> Result<Lint, RuleFileError> {
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".yaml").trim_end_matches(".yml");
    if raw.id != stem {
        return Err(RuleFileError::new(file, format!("rule id `{}` must match the file name `{stem}`", raw.id)));
    }
    let severity = match raw.severity.as_str() {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        s => return Err(RuleFileError::new(file, format!("severity must be error or warning, not `{s}`"))),
    };
    let client_code = match &raw.client_code {
        None => None,
        Some(c) => {
            let set = |globs: &[String]| {
                let mut b = globset::GlobSetBuilder::new();
                for g in globs {
                    let glob = globset::GlobBuilder::new(g)
                        .build()
                        .map_err(|e| RuleFileError::new(file, format!("client_code: bad glob `{g}`: {e}")))?;
                    b.add(glob);
                }
                b.build().map_err(|e| RuleFileError::new(file, format!("client_code: {e}")))
            };
            Some(ClientCode {
                globs: set(&c.globs)?,
                not_globs: set(&c.not_globs)?,
                env_prefixes: c.env_prefixes.clone(),
            })
        }
    };
    for (field, t) in [("message", &raw.message), ("help", &raw.help)] {
        let mut rest = t.as_str();
        while let Some(i) = rest.find('{') {
            let after = &rest[i + 1..];
            let name = after.split('}').next().unwrap_or("");
            if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') && !TEMPLATE_VARS.contains(&name) {
                return Err(RuleFileError::new(
                    file,
                    format!("{field} uses unknown variable `{{{name}}}`; known: {}", TEMPLATE_VARS.join(", ")),
                ));
            }
            rest = after;
        }
    }
    Ok(Lint {
        id: raw.id,
        title: raw.title,
        severity,
        message: raw.message,
        help: raw.help,
        what: raw.docs.what,
        why: raw.docs.why,
        example: raw.docs.example,
        fix: raw.docs.fix,
        file: file.to_owned(),
        vendor: None,
        client_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_json_twins_read_as_their_yaml() {
        // build.rs embeds each built-in file a second time as JSON, read at start-up instead of
        // the YAML: both must give the same raw catalog, field for field
        for (file, text) in embedded::VENDORS {
            let twin = json_twin(text).expect("every built-in vendor file has a twin");
            let from_yaml: RawVendor = serde_saphyr::from_str(text).unwrap();
            let from_json: RawVendor = serde_json::from_str(twin).unwrap();
            assert_eq!(format!("{from_yaml:?}"), format!("{from_json:?}"), "{file}");
        }
        for (file, text) in embedded::LINTS {
            let twin = json_twin(text).expect("every built-in lint file has a twin");
            let from_yaml: RawLint = serde_saphyr::from_str(text).unwrap();
            let from_json: RawLint = serde_json::from_str(twin).unwrap();
            assert_eq!(format!("{from_yaml:?}"), format!("{from_json:?}"), "{file}");
        }
        // a user's file (not built in) has no twin and is read as YAML
        assert!(json_twin(&String::from(embedded::VENDORS[0].1)).is_none());
    }

    #[test]
    fn template_rendering_leaves_unknown_braces() {
        let s =
            render_template("{vendor} key in {call}", &[("vendor", "Voiso"), ("call", "GET /api/v1/{key}/balance")]);
        assert_eq!(s, "Voiso key in GET /api/v1/{key}/balance");
        assert_eq!(render_template("a {x} b", &[]), "a {x} b");
    }
}
