//! Candidates → findings and usages (pure: no I/O, no printing).
//!
//! Each candidate URL is matched against the vendor catalogs: the host picks the vendor (a
//! host-less path counts when the endpoint is `distinctive` or the file names a vendor host),
//! the path goes through the vendor's segment trie, and the key placement (path segment, query
//! parameter, body field, unscoped Bearer) picks the rules. Every matched call becomes a
//! [`Usage`] for scope inference; a vendor call the catalog cannot map is reported, never dropped.

use sha2::{Digest, Sha256};

use crate::catalog::{
    CandSeg, Catalog, EndpointRef, KeyPlacement, LegacyEndpoint, Mapping, Method, Severity, Vendor, ids,
};
use crate::extract::url::{Piece, UrlTemplate};
use crate::extract::{Candidate, Param, ParamLocation, Value};
use crate::secret;
use crate::source::{Position, SourceFile, Span};

/// The legacy and v4 sides of a matched call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    pub legacy: Option<String>,
    pub v4: Option<String>,
    pub mapping: Option<Mapping>,
}

/// A labelled span shown under the source in the human report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// A few masked source lines around a finding, for the human report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// 1-based line number of the excerpt's first line.
    pub first_line: usize,
    /// Spans relative to `text`.
    pub labels: Vec<Label>,
}

/// Commit that introduced a finding (history scans).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub sha: String,
    pub date: String,
}

/// One reported problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub vendor: Option<String>,
    pub path: String,
    pub span: Span,
    pub start: Position,
    /// Exclusive end (the position just after the region).
    pub end: Position,
    pub message: String,
    pub help: String,
    pub endpoint: Option<EndpointInfo>,
    pub scopes: Vec<String>,
    /// The matched text with secrets masked.
    pub snippet: String,
    /// Hash of rule, path and normalised matched text (a key in it is hashed): no line numbers.
    pub fingerprint: String,
    pub commit: Option<CommitInfo>,
    pub excerpt: Excerpt,
}

/// A vendor call found in the code: what scope it needs on v4, or why none can be said.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Usage {
    pub vendor: String,
    pub path: String,
    pub line: usize,
    /// The call's span in the file (for findings about the call, such as `scope-missing`).
    pub span: Span,
    /// Literal keys inside the call, to mask when the call's line is shown again.
    pub secrets: Vec<Span>,
    /// `GET /api/v1/{key}/balance` (catalog template: never the key itself).
    pub call: String,
    pub v4: Option<String>,
    pub scopes: Vec<String>,
    pub mapping: Option<Mapping>,
    /// Set when the call cannot be mapped: the reason.
    pub unmapped: Option<String>,
}

/// Findings and usages of one file.
#[derive(Debug, Default)]
pub struct FileReport {
    pub findings: Vec<Finding>,
    pub usages: Vec<Usage>,
    /// Diagnostics about the file that did not stop its scan (a broken OpenAPI spec).
    pub errors: Vec<crate::scan::FileError>,
}

/// A finding before positions, excerpt and fingerprint are filled in by [`finish`].
pub struct Draft<'v> {
    pub rule: &'v str,
    pub vendor: Option<&'v Vendor>,
    /// The region reported (line/column/end).
    pub region: Span,
    pub labels: Vec<Label>,
    /// Message and help template variables.
    pub vars: Vec<(&'static str, String)>,
    pub migration: String,
    pub endpoint: Option<EndpointInfo>,
    pub scopes: Vec<String>,
    pub snippet_span: Span,
    /// What the fingerprint hashes besides rule and path: no line numbers, no secrets.
    pub normalised: String,
}

impl<'v> Draft<'v> {
    /// A draft for `rule` at `region`, its snippet and fingerprint taken from the region's text.
    #[must_use]
    pub fn new(rule: &'v str, vendor: Option<&'v Vendor>, file: &SourceFile, region: Span) -> Self {
        let mut vars = Vec::new();
        if let Some(v) = vendor {
            vars.push(("vendor", v.name.clone()));
        }
        Self {
            rule,
            vendor,
            region,
            labels: Vec::new(),
            vars,
            migration: String::new(),
            endpoint: None,
            scopes: Vec::new(),
            snippet_span: region,
            normalised: file.slice(region).to_owned(),
        }
    }
}

/// Match one file's candidates against the catalog.
#[must_use]
pub fn check_file(catalog: &Catalog, file: &SourceFile, candidates: &[Candidate]) -> FileReport {
    check_file_until(catalog, file, candidates, crate::extract::Deadline::none()).0
}

/// [`check_file`] within a time budget; `true` when it ran out (the candidates checked so far
/// are reported).
#[must_use]
pub fn check_file_until(
    catalog: &Catalog,
    file: &SourceFile,
    candidates: &[Candidate],
    deadline: crate::extract::Deadline,
) -> (FileReport, bool) {
    let lower = file.text.to_ascii_lowercase();
    let mentioned: Vec<bool> = catalog.hosts_mentioned(&lower);
    let mut acc = Acc::default();
    let mut timed_out = false;
    for cand in candidates {
        if deadline.passed() {
            timed_out = true;
            break;
        }
        check_candidate(catalog, file, cand, &mentioned, &mut acc);
    }
    let Acc { mut drafts, mut secrets, usages, url_keys, calls } = acc;
    // a file "names" a vendor when it has any of its prefilter words (host, vendor name, key-name words)
    let named: Vec<bool> = catalog
        .vendors
        .iter()
        .zip(&mentioned)
        .map(|(v, m)| *m || v.prefilter_extra.iter().any(|w| lower.contains(w.as_str())))
        .collect();
    let hits = secrets_matcher(catalog).find(catalog, file, &named, &url_keys, &calls);
    for h in &hits {
        secrets.push(h.span);
        let vendor = &catalog.vendors[h.vendor];
        // the placement finding of a URL whose key is a literal says so: combined advice
        for d in drafts
            .iter_mut()
            .filter(|d| d.labels.iter().any(|l| l.span.start <= h.span.start && h.span.end <= l.span.end))
        {
            d.migration.push_str(" The key is hard-coded here: rotate it (see `hardcoded-key`).");
        }
        let mut d = Draft::new(ids::HARDCODED_KEY, Some(vendor), file, h.span);
        d.labels.push(Label { span: h.span, text: "hard-coded key".into() });
        d.vars.push(("secret", secret::mask(file.slice(h.span))));
        d.migration = vendor.rotation.clone().unwrap_or_else(|| {
            "Rotate it: issue a new key, switch the integration to it (read it from the environment or a secret store), \
             then revoke this one. The key is in the git history too: deleting the line is not enough."
                .to_owned()
        });
        drafts.push(d);
    }
    client_code(catalog, file, &hits, &mut drafts);
    secrets.sort_unstable();
    secrets.dedup();
    let findings = drafts.into_iter().map(|d| finish(catalog, file, d, &secrets)).collect();
    (FileReport { findings, usages, errors: Vec::new() }, timed_out)
}

/// `key-in-client-code`: in a client-side file, every key sent from it and every literal key;
/// anywhere, a literal key behind an env name a bundler exposes (`NEXT_PUBLIC_…`).
fn client_code<'v>(catalog: &'v Catalog, file: &SourceFile, hits: &[crate::secrets::Hit], drafts: &mut Vec<Draft<'v>>) {
    let Some(lint) = catalog.lints.get(ids::KEY_IN_CLIENT_CODE) else { return };
    let Some(client) = &lint.client_code else { return };
    let is_client = client.is_client(&file.path);
    let mut regions: Vec<(Span, Option<&'v Vendor>, String)> = Vec::new();
    for d in drafts.iter().filter(|d| matches!(d.rule, ids::KEY_IN_PATH | ids::KEY_IN_QUERY | ids::KEY_IN_BODY)) {
        let span = d.labels.first().map_or(d.region, |l| l.span);
        let exposed = client.env_prefixes.iter().find(|p| file.slice(span).contains(p.as_str()));
        let why = match (is_client, exposed) {
            (_, Some(p)) => format!("the key comes from a `{p}…` variable, compiled into the client bundle"),
            (true, None) => format!("this file runs on the client and sends the key ({})", d.rule),
            (false, None) => continue,
        };
        regions.push((span, d.vendor, why));
    }
    for h in hits {
        let ls = file.line_span(file.position(h.span.start).line);
        let (a, b) = (
            floor(&file.text, h.span.start.saturating_sub(200).max(ls.start)),
            ceil(&file.text, (h.span.end + 200).min(ls.end)),
        );
        let line = &file.text[a..b];
        let exposed = client.env_prefixes.iter().find(|p| line.contains(p.as_str()));
        let why = match (is_client, exposed) {
            (_, Some(p)) => format!("`{p}…` variables are compiled into the client bundle"),
            (true, None) => "this file runs on the client and holds the key".to_owned(),
            (false, None) => continue,
        };
        regions.push((h.span, Some(&catalog.vendors[h.vendor]), why));
    }
    regions.sort_by_key(|r| r.0);
    regions.dedup_by(|a, b| a.0.start < b.0.end && b.0.start < a.0.end);
    for (span, vendor, why) in regions {
        let mut d = Draft::new(ids::KEY_IN_CLIENT_CODE, vendor, file, span);
        d.labels.push(Label { span, text: "reaches the client".into() });
        d.vars.push(("reason", why));
        if vendor.is_none() {
            d.vars.push(("vendor", "Vendor".into()));
        }
        drafts.push(d);
    }
}

/// What matching one file's candidates accumulates.
#[derive(Default)]
struct Acc<'v> {
    drafts: Vec<Draft<'v>>,
    /// Spans to mask wherever the file's text is shown.
    secrets: Vec<Span>,
    usages: Vec<Usage>,
    /// Literal keys in key positions of vendor calls, with the vendor's index.
    url_keys: Vec<(Span, usize)>,
    /// Lines of vendor calls, with the vendor's index.
    calls: Vec<(usize, usize)>,
}

/// The key-name matcher, built once per catalog.
fn secrets_matcher(catalog: &Catalog) -> &crate::secrets::Secrets {
    catalog.secrets.get_or_init(|| crate::secrets::Secrets::new(catalog))
}

#[allow(clippy::too_many_lines)]
fn check_candidate<'v>(
    catalog: &'v Catalog,
    file: &SourceFile,
    cand: &Candidate,
    mentioned: &[bool],
    acc: &mut Acc<'v>,
) {
    let Acc { drafts, secrets, usages, url_keys, calls } = acc;
    let url = UrlTemplate::parse(&cand.url);
    // a piece of the URL in the file: exact in the verbatim prefix; past a concatenation, where
    // its text occurs inside the expression (else the whole expression)
    let abs = |at: Span| {
        if !cand.map.is_empty() {
            return cand.locate(at).unwrap_or(cand.span);
        }
        if at.end <= cand.verbatim_len {
            return at.offset(cand.span.start);
        }
        let piece = cand.url.get(at.range()).unwrap_or("");
        let expr = file.slice(cand.span);
        match expr.find(piece).filter(|_| !piece.is_empty()) {
            Some(i) => Span::new(cand.span.start + i, cand.span.start + i + piece.len()),
            None => cand.span,
        }
    };
    let explicit_host = url.host.as_ref().filter(|h| !h.placeholder && h.text.contains('.'));
    let first_secret = secrets.len();
    for (vi, vendor) in catalog.vendors.iter().enumerate() {
        let hosted = match explicit_host {
            Some(h) if vendor.owns_host(&h.text) => true,
            Some(_) => continue,
            None => false,
        };
        let segs = cand_segs(&url.segments);
        if !vendor
            .api_prefixes
            .iter()
            .any(|p| segs.len() >= p.len() && segs.iter().zip(p).all(|(s, p)| !s.placeholder && s.text == p))
        {
            continue;
        }
        let found = best_match(vendor, &segs, cand.method);
        let allowed = match found {
            Some(EndpointRef::Legacy(i)) => hosted || vendor.legacy[i].distinctive || mentioned[vi],
            _ => hosted || mentioned[vi],
        };
        if !allowed {
            continue;
        }
        calls.push((file.position(cand.span.start).line, vi));
        // secrets in this URL: literal key segment, literal key values, and key-shaped literals
        let key_params: Vec<Param> = url
            .query
            .iter()
            .map(|p| Param { span: abs(p.span), value_span: abs(p.value_span), ..p.clone() })
            .chain(cand.params.iter().filter(|p| !fills_path_var(cand, &url, p)).cloned())
            .filter(|p| vendor.key_params.iter().any(|k| k.eq_ignore_ascii_case(&p.name)))
            .collect();
        for p in &key_params {
            if p.value.is_literal() && !p.value_span.is_empty() {
                secrets.push(p.value_span);
                url_keys.push((p.value_span, vi));
            }
        }
        // key-shaped tokens anywhere in the URL's segments and query values (`key=…`, `x=…+…`)
        let pieces = url
            .segments
            .iter()
            .map(|p| (p.at, p.text.as_str()))
            .chain(url.query.iter().map(|q| (q.value_span, cand.url.get(q.value_span.range()).unwrap_or(""))));
        for (at, text) in pieces {
            for (off, token) in secret::key_tokens(text) {
                // where the text is not the file's (a resolved constant) the key is elsewhere:
                // its own line is masked by the excerpt, and the expression here is not a secret
                let piece = Span::new(at.start + off, at.start + off + token.len());
                if cand.map.is_empty() || cand.exact(piece).is_some() {
                    secrets.push(abs(piece));
                }
            }
        }
        if let Some(EndpointRef::Legacy(i)) = found
            && let Some(seg) = vendor.legacy[i].key_segment.and_then(|k| url.segments.get(k))
            && !seg.placeholder
            && (cand.map.is_empty() || cand.exact(seg.at).is_some())
        {
            secrets.push(abs(seg.at));
            if let Some(at) = cand.exact(seg.at) {
                url_keys.push((at, vi));
            }
        }
        let mut mine: Vec<Span> = secrets[first_secret..].to_vec();
        mine.sort_unstable();
        let url_norm = normalise(&file.text, cand.span, &mine);
        let base = |rule: &'v str, region: Span, migration: &str| Draft {
            rule,
            vendor: Some(vendor),
            region,
            labels: Vec::new(),
            vars: vec![("vendor", vendor.name.clone())],
            migration: migration.to_owned(),
            endpoint: None,
            scopes: Vec::new(),
            snippet_span: cand.span,
            normalised: url_norm.clone(),
        };
        vendor_rules(vendor, cand, &url, found, &base, drafts);
        match found {
            Some(EndpointRef::Legacy(i)) => {
                let l = &vendor.legacy[i];
                let call = l.display();
                let scopes = vendor.legacy_scopes(l);
                let v4 = vendor.legacy_v4_display(l);
                let endpoint = EndpointInfo {
                    legacy: Some(call.clone()),
                    v4: v4.clone(),
                    mapping: v4.as_ref().map(|_| l.mapping),
                };
                let migration = legacy_migration(vendor, l, &scopes);
                let mut fired = false;
                if let (KeyPlacement::Path, Some(k)) = (l.key, l.key_segment) {
                    let seg = &url.segments[k];
                    let span = abs(seg.at);
                    let mut d = base(ids::KEY_IN_PATH, span, &migration);
                    d.labels.push(Label { span, text: "the key is a path segment".into() });
                    d.vars.push(("call", call.clone()));
                    d.endpoint = Some(endpoint.clone());
                    d.scopes.clone_from(&scopes);
                    drafts.push(d);
                    fired = true;
                }
                fired |= key_param_drafts(&key_params, cand, &call, &endpoint, &scopes, &migration, &base, drafts);
                if let Some(reason) = &l.unmapped {
                    let mut d = base(ids::UNMAPPED_ENDPOINT, cand.span, &migration);
                    d.labels.push(Label { span: cand.span, text: "no v4 counterpart".into() });
                    d.vars.push(("call", call.clone()));
                    d.vars.push(("reason", reason.clone()));
                    d.endpoint = Some(endpoint.clone());
                    drafts.push(d);
                } else if !fired {
                    let reason = if let Some(r) = &vendor.legacy_reason {
                        r.clone()
                    } else if l.key == KeyPlacement::Bearer {
                        "it takes an unscoped legacy key as Bearer; v4 keys are generated with scopes".to_owned()
                    } else {
                        format!("it takes {}, which is not visible here", l.key.describe())
                    };
                    let mut d = base(ids::LEGACY_ENDPOINT, cand.span, &migration);
                    d.labels.push(Label { span: cand.span, text: format!("legacy {} endpoint", l.family) });
                    d.vars.push(("call", call.clone()));
                    d.vars.push(("reason", reason));
                    d.endpoint = Some(endpoint.clone());
                    d.scopes.clone_from(&scopes);
                    drafts.push(d);
                }
                usages.push(usage(
                    vendor,
                    file,
                    cand,
                    secrets,
                    UsageOf {
                        call,
                        v4,
                        scopes,
                        mapping: (!l.v4.is_empty()).then_some(l.mapping),
                        unmapped: l.unmapped.clone(),
                    },
                ));
            }
            Some(EndpointRef::V4(i)) => {
                let e = &vendor.v4[i];
                let call = e.display();
                let scopes: Vec<String> = e.scope.iter().cloned().collect();
                let endpoint = EndpointInfo { legacy: None, v4: Some(call.clone()), mapping: Some(e.status) };
                let migration = format!(
                    "Send the key only as `{}`{}.",
                    vendor.auth,
                    scope_phrase(&scopes).map(|s| format!("; the key needs {s}")).unwrap_or_default()
                );
                key_param_drafts(&key_params, cand, &call, &endpoint, &scopes, &migration, &base, drafts);
                usages.push(usage(
                    vendor,
                    file,
                    cand,
                    secrets,
                    UsageOf { call: call.clone(), v4: Some(call), scopes, mapping: Some(e.status), unmapped: None },
                ));
            }
            None => {
                let call = truncate(
                    format!(
                        "{} {}",
                        cand.method.map_or("", Method::as_str),
                        path_display(&url.segments, secrets, &abs)
                    )
                    .trim(),
                    VAR_MAX,
                );
                let current = vendor
                    .current_prefixes
                    .iter()
                    .any(|p| segs.len() >= p.len() && segs.iter().zip(p).all(|(s, p)| !s.placeholder && s.text == *p));
                if !hosted && !current {
                    // a host-less path that is not in the catalog: too weak to call it a vendor call
                    continue;
                }
                // a key-like placeholder where the vendor's legacy paths put the key
                // (`/api/v1/{apiKey}/{action}`): the key is in the path whatever the endpoint
                let key_seg = (!current).then(|| legacy_key_segment(vendor, &url.segments)).flatten();
                if let Some(k) = key_seg {
                    let span = abs(url.segments[k].at);
                    let mut d = base(ids::KEY_IN_PATH, span, &vendor.unlisted_help());
                    d.labels.push(Label { span, text: "the key is a path segment".into() });
                    d.vars.push(("call", call.clone()));
                    d.endpoint = Some(EndpointInfo { legacy: Some(call.clone()), v4: None, mapping: None });
                    drafts.push(d);
                }
                if segs.len() >= 2 && vendor.trie.is_prefix(&segs) {
                    // a base URL (`https://cc.voiso.com/api/v1/`): the calls built on it are legacy
                    // (one carrying the key was reported as key-in-path above)
                    if !current && key_seg.is_none() {
                        let mut d = base(
                            ids::LEGACY_ENDPOINT,
                            cand.span,
                            &format!(
                                "Move the calls built on this base URL to the v4 API under `/{}` with `{}`.",
                                vendor.current_prefixes.iter().next().map(|p| p.join("/")).unwrap_or_default(),
                                vendor.auth
                            ),
                        );
                        d.labels.push(Label { span: cand.span, text: "legacy API base URL".into() });
                        d.vars.push(("call", call.clone()));
                        d.vars.push((
                            "reason",
                            "a legacy API base URL; the calls built on it send the legacy key".into(),
                        ));
                        d.endpoint = Some(EndpointInfo { legacy: Some(call), v4: None, mapping: None });
                        drafts.push(d);
                    }
                    return;
                }
                let reason = if current {
                    format!("this path is not in the {} catalog, so its scope is unknown", vendor.name)
                } else {
                    format!("this path is not in the {} catalog", vendor.name)
                };
                let migration = vendor.unlisted_help();
                let endpoint = EndpointInfo {
                    legacy: (!current).then(|| call.clone()),
                    v4: current.then(|| call.clone()),
                    mapping: None,
                };
                key_param_drafts(&key_params, cand, &call, &endpoint, &[], &migration, &base, drafts);
                if !current {
                    let mut d = base(ids::UNMAPPED_ENDPOINT, cand.span, &migration);
                    d.labels.push(Label { span: cand.span, text: "not in the catalog".into() });
                    d.vars.push(("call", call.clone()));
                    d.vars.push(("reason", reason.clone()));
                    d.endpoint = Some(endpoint);
                    drafts.push(d);
                }
                usages.push(usage(
                    vendor,
                    file,
                    cand,
                    secrets,
                    UsageOf { call, v4: None, scopes: Vec::new(), mapping: None, unmapped: Some(reason) },
                ));
            }
        }
        return;
    }
}

/// The vendor's own rules on any call to it: headers it wants changed (`X-API-Key`), an
/// `Authorization` value that is not exactly `Bearer …`, legacy body fields (`tenant_id`).
fn vendor_rules<'v>(
    vendor: &'v Vendor,
    cand: &Candidate,
    url: &UrlTemplate,
    found: Option<EndpointRef>,
    base: &impl Fn(&'v str, Span, &str) -> Draft<'v>,
    drafts: &mut Vec<Draft<'v>>,
) {
    if vendor.header_rules.is_empty() && !vendor.bearer_exact && vendor.body_field_rules.is_empty() {
        return;
    }
    let call = match found {
        Some(EndpointRef::Legacy(i)) => vendor.legacy[i].display(),
        Some(EndpointRef::V4(i)) => vendor.v4[i].display(),
        None => {
            let path: String = url.segments.iter().map(|s| format!("/{}", s.text)).collect();
            format!("{} {path}", cand.method.map_or("", Method::as_str)).trim().to_owned()
        }
    };
    let text_of = |v: &Value| match v {
        Value::Literal(s) | Value::Placeholder(s) | Value::Expr(s) => s.clone(),
    };
    for p in &cand.params {
        let lname = p.name.to_ascii_lowercase();
        let (rule, label, migration) = match p.location {
            ParamLocation::Header => {
                if let Some((_, rule)) = vendor.header_rules.iter().find(|(h, _)| *h == lname) {
                    (
                        rule.as_str(),
                        format!("the key in the `{}` header", p.name),
                        format!("Send it as `{}` instead.", vendor.auth),
                    )
                } else if vendor.bearer_exact && lname == "authorization" {
                    // a variable holding the whole header value cannot be judged here
                    if matches!(p.value, Value::Expr(_)) || text_of(&p.value).starts_with("Bearer ") {
                        continue;
                    }
                    (
                        ids::AUTHORIZATION_NOT_BEARER,
                        "not `Bearer <key>`".to_owned(),
                        format!(
                            "Write it as `{}`: the server's check is case-sensitive and reads nothing else.",
                            vendor.auth
                        ),
                    )
                } else {
                    continue;
                }
            }
            ParamLocation::Body => {
                let Some((_, rule)) = vendor.body_field_rules.iter().find(|(f, _)| *f == p.name) else { continue };
                (
                    rule.as_str(),
                    format!("`{}` in the body", p.name),
                    vendor.legacy_reason.clone().map_or_else(String::new, |r| format!("Remove it: {r}.")),
                )
            }
            ParamLocation::Query => continue,
        };
        let mut d = base(rule, p.span, &migration);
        d.labels.push(Label { span: p.span, text: label });
        d.vars.push(("call", call.clone()));
        d.vars.push(("param", p.name.clone()));
        d.snippet_span = p.span;
        d.normalised = format!("{}|{}", d.normalised, p.name);
        drafts.push(d);
    }
}

/// What a usage says about a call.
struct UsageOf {
    call: String,
    v4: Option<String>,
    scopes: Vec<String>,
    mapping: Option<Mapping>,
    unmapped: Option<String>,
}

/// A usage of `vendor` by the candidate, with the secrets inside it (masked if it is shown again).
fn usage(vendor: &Vendor, file: &SourceFile, cand: &Candidate, secrets: &[Span], of: UsageOf) -> Usage {
    Usage {
        vendor: vendor.id.clone(),
        path: file.path.clone(),
        line: file.position(cand.span.start).line,
        span: cand.span,
        secrets: secrets.iter().filter(|s| cand.span.start <= s.start && s.end <= cand.span.end).copied().collect(),
        call: of.call,
        v4: of.v4,
        scopes: of.scopes,
        mapping: of.mapping,
        unmapped: of.unmapped,
    }
}

/// key-in-query / key-in-body drafts for the key parameters of a call; whether any fired.
#[allow(clippy::too_many_arguments)]
fn key_param_drafts<'v>(
    key_params: &[Param],
    cand: &Candidate,
    call: &str,
    endpoint: &EndpointInfo,
    scopes: &[String],
    migration: &str,
    base: &impl Fn(&'v str, Span, &str) -> Draft<'v>,
    drafts: &mut Vec<Draft<'v>>,
) -> bool {
    let mut fired = false;
    for p in key_params {
        let (rule, what) = match p.location {
            ParamLocation::Query => (ids::KEY_IN_QUERY, "query parameter"),
            ParamLocation::Body => (ids::KEY_IN_BODY, "body field"),
            ParamLocation::Header => continue,
        };
        let inside_url = cand.span.start <= p.span.start && p.span.end <= cand.span.end;
        // the finding is where the key is placed (`key=` inside the URL, or the map entry); the
        // snippet and fingerprint of a key inside the URL stay the URL's
        let mut d = base(rule, p.span, migration);
        d.labels.push(Label { span: p.span, text: format!("the key as the `{}` {what}", p.name) });
        d.vars.push(("call", call.to_owned()));
        d.vars.push(("param", p.name.clone()));
        d.endpoint = Some(endpoint.clone());
        d.scopes = scopes.to_vec();
        if !inside_url {
            d.snippet_span = p.span;
            d.normalised = format!("{}|{}={}", d.normalised, p.name, value_norm(&p.value));
        }
        drafts.push(d);
        fired = true;
    }
    fired
}

fn value_norm(v: &Value) -> String {
    match v {
        Value::Literal(s) => format!("<{}>", &hex(&Sha256::digest(s.as_bytes()))[..12]),
        Value::Placeholder(s) | Value::Expr(s) => s.clone(),
    }
}

pub fn legacy_migration(vendor: &Vendor, l: &LegacyEndpoint, scopes: &[String]) -> String {
    let Some(v4) = vendor.legacy_v4_display(l) else {
        return format!(
            "No v4 counterpart: {}.",
            l.unmapped.as_deref().unwrap_or("none documented").trim_end_matches('.')
        );
    };
    let targets: Vec<&str> = l.v4.iter().map(|&i| vendor.v4[i].id.as_str()).collect();
    let mut s = format!(
        "Use {v4} with `{}`{} ({} mapping {} → {}).",
        vendor.auth,
        scope_phrase(scopes).map(|s| format!("; the new key needs {s}")).unwrap_or_default(),
        l.mapping.as_str(),
        l.id,
        targets.join(", ")
    );
    if let Some(n) = &l.note {
        let n = n.trim_end_matches('.');
        let mut chars = n.chars();
        s.push(' ');
        s.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        s.push_str(chars.as_str());
        s.push('.');
    }
    s
}

/// The segment of `segs` that holds the key by the vendor's legacy path layout, when it is a
/// placeholder named like a key (`{apiKey}`, `${VOISO_API_KEY}`, `{this.api_key}`): the literal
/// segments before it must be those of a legacy endpoint that takes the key in its path
/// (`/api/v1/{key}/…`).
fn legacy_key_segment(vendor: &Vendor, segs: &[Piece]) -> Option<usize> {
    vendor.legacy.iter().filter(|l| l.key == KeyPlacement::Path).find_map(|l| {
        let k = l.key_segment?;
        let seg = segs.get(k).filter(|s| s.placeholder && key_like(&s.text))?;
        let before = l.path.segs.get(..k)?;
        let same = before.iter().zip(segs).all(|(c, s)| match c {
            crate::catalog::template::Seg::Lit(t) => !s.placeholder && s.text == *t,
            crate::catalog::template::Seg::Param(_) => true,
        });
        (same && seg.at.end > seg.at.start).then_some(k)
    })
}

/// A placeholder named like a key: `{api_key}`, `${apiKey}`, `{VOISO_API_KEY}`, `{this.key}`.
fn key_like(placeholder: &str) -> bool {
    let name = placeholder.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    ["key", "token", "secret"].iter().any(|w| name.ends_with(w)) || name.contains("apikey")
}

fn scope_phrase(scopes: &[String]) -> Option<String> {
    (!scopes.is_empty()).then(|| scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" and "))
}

fn cand_segs(pieces: &[Piece]) -> Vec<CandSeg<'_>> {
    let n = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = if i + 1 == n { p.text.strip_suffix(".json").unwrap_or(&p.text) } else { &p.text };
            CandSeg { text, placeholder: p.placeholder }
        })
        .collect()
}

/// A query or body entry that fills a `{name}` or `:name` written in the URL's path (resty
/// `SetPathParams`, RestSharp `AddUrlSegment`, Spring's URI variables map): it is the path
/// segment already reported, not a parameter sent.
fn fills_path_var(cand: &Candidate, url: &UrlTemplate, p: &Param) -> bool {
    p.location != ParamLocation::Header
        && url.segments.iter().any(|s| {
            s.placeholder
                && s.text.trim_start_matches(['{', ':']).trim_end_matches('}').eq_ignore_ascii_case(&p.name)
                // written in a literal or a constant; not a `{name}` hole for a computed value
                && (cand.map.is_empty()
                    || cand.map.iter().any(|m| {
                        (m.exact || m.url.len() > s.at.len()) && m.url.start <= s.at.start && s.at.end <= m.url.end
                    }))
        })
}

/// The most specific match (most literal segments); among equals, the one whose method matches.
pub fn best_match(vendor: &Vendor, segs: &[CandSeg<'_>], method: Option<Method>) -> Option<EndpointRef> {
    let all = vendor.trie.lookup(segs);
    let top = all.iter().map(|(_, l)| *l).max()?;
    let best: Vec<EndpointRef> = all.iter().filter(|(_, l)| *l == top).map(|(r, _)| *r).collect();
    let method_of = |r: &EndpointRef| match r {
        EndpointRef::Legacy(i) => vendor.legacy[*i].method,
        EndpointRef::V4(i) => vendor.v4[*i].method,
    };
    let order = |r: &EndpointRef| match r {
        EndpointRef::Legacy(i) | EndpointRef::V4(i) => *i,
    };
    let with = |m: Method| best.iter().filter(|r| method_of(r) == m).min_by_key(|r| order(r)).copied();
    // a PATCH to a path the legacy API updates with PUT is that update
    let pick = method.and_then(|m| with(m).or_else(|| (m == Method::Patch).then(|| with(Method::Put)).flatten()));
    pick.or_else(|| best.iter().min_by_key(|r| order(r)).copied())
}

/// The path of an unmatched call with key-shaped literals masked.
fn path_display(segs: &[Piece], secrets: &[Span], abs: &impl Fn(Span) -> Span) -> String {
    let mut out = String::new();
    for s in segs {
        out.push('/');
        if secrets.contains(&abs(s.at)) || secret::looks_like_key(s.text.trim_end_matches(".json")) {
            out.push_str(&secret::mask(&s.text));
        } else {
            out.push_str(&secret::mask_tokens(&s.text));
        }
    }
    out
}

/// The text of `span` with every secret inside replaced by a short hash: stable across moves,
/// never the key itself.
fn normalise(text: &str, span: Span, secrets: &[Span]) -> String {
    replace_secrets(text, span, secrets, |s| format!("<{}>", &hex(&Sha256::digest(s.as_bytes()))[..12]))
}

/// `span` of `text` with every secret that overlaps it replaced by `f(secret)` (a secret cut by
/// the edge of `span` is starred out). `secrets` must be sorted by start; the work is
/// proportional to the secrets near `span`, not to all of the file's.
fn replace_secrets(text: &str, span: Span, secrets: &[Span], f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(span.len());
    let mut at = span.start;
    // secrets are short: one starting up to 512 bytes before `span` may still overlap it
    let from = secrets.partition_point(|s| s.start + 512 < span.start);
    for s in &secrets[from..] {
        if s.start >= span.end {
            break;
        }
        if s.is_empty() || s.end <= span.start || s.start < at && s.end <= at {
            continue;
        }
        let (a, b) = (s.start.max(at), s.end.min(span.end));
        if a >= b {
            continue;
        }
        out.push_str(&text[at..a]);
        if a == s.start && b == s.end {
            out.push_str(&f(&text[a..b]));
        } else {
            out.push_str(&"*".repeat(b - a));
        }
        at = b;
    }
    out.push_str(&text[at..span.end]);
    out
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    b.iter().fold(String::with_capacity(b.len() * 2), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// Longest message variable (a call path), in chars.
const VAR_MAX: usize = 200;
/// Longest snippet, in chars.
const SNIPPET_MAX: usize = 160;
/// A source line longer than this is cut to a window around the finding in the excerpt.
const LINE_MAX: usize = 240;

/// Render a draft into a finding: message and help from the rule's templates, positions,
/// masked snippet and excerpt, fingerprint.
#[must_use]
pub fn finish(catalog: &Catalog, file: &SourceFile, d: Draft<'_>, secrets: &[Span]) -> Finding {
    let lint = catalog.lint(d.rule);
    // a call built from a minified line can be huge: message variables are cut to a sane width
    let cut: Vec<(&str, String)> = d.vars.iter().map(|(k, v)| (*k, truncate(v, VAR_MAX))).collect();
    let mut vars: Vec<(&str, &str)> = cut.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("migration", &d.migration));
    if let Some(v) = d.vendor {
        vars.push(("auth", &v.auth));
    }
    // defence in depth: any key-shaped token that reached a message through a variable is masked
    let message = secret::mask_tokens(&lint.render_message(&vars));
    let help = secret::mask_tokens(&lint.render_help(&vars));
    let snippet = truncate(&replace_secrets(&file.text, d.snippet_span, secrets, secret::mask), SNIPPET_MAX);
    let fp = hex(&Sha256::digest(format!("{}\0{}\0{}", d.rule, file.path, d.normalised).as_bytes()));
    let mut labels = d.labels;
    if labels.is_empty() {
        labels.push(Label { span: d.region, text: String::new() });
    }
    Finding {
        rule: d.rule.to_owned(),
        severity: lint.severity,
        vendor: d.vendor.map(|v| v.id.clone()),
        path: file.path.clone(),
        span: d.region,
        start: file.position(d.region.start),
        end: file.position(d.region.end),
        message,
        help,
        endpoint: d.endpoint,
        scopes: d.scopes,
        snippet,
        fingerprint: fp[..32].to_owned(),
        commit: None,
        excerpt: excerpt(file, d.region, &labels, secrets),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

/// The finding's lines plus one line of context each side, secrets masked in place (same
/// length, so spans stay valid), long lines cut to a window around the labels.
fn excerpt(file: &SourceFile, region: Span, labels: &[Label], secrets: &[Span]) -> Excerpt {
    let first = file.position(region.start).line;
    let last = file.position(region.end.max(region.start)).line;
    let lo = first.saturating_sub(1).max(1);
    let hi = (last + 1).min(file.line_count());
    let raw = file.text.as_str();
    let mut text = String::new();
    let mut out_labels: Vec<Label> = Vec::new();
    for line in lo..=hi {
        let ls = file.line_span(line);
        let in_line: Vec<&Label> =
            labels.iter().filter(|l| l.span.start >= ls.start && l.span.start <= ls.end).collect();
        // the window shown, in file offsets: a long line is cut around its labels
        let (ws, we) = if ls.len() <= LINE_MAX {
            (ls.start, ls.end)
        } else if let (Some(a), Some(b)) =
            (in_line.iter().map(|l| l.span.start).min(), in_line.iter().map(|l| l.span.end).max())
        {
            let a = floor(raw, a.saturating_sub(LINE_MAX / 4).max(ls.start));
            let b = ceil(raw, (b.min(a + LINE_MAX) + LINE_MAX / 4).min(ls.end));
            (a, b)
        } else {
            (ls.start, floor(raw, ls.start + LINE_MAX / 2))
        };
        // same-length masking keeps every offset valid
        let shown = replace_secrets(raw, Span::new(ws, we), secrets, secret::mask_in_place);
        // and any other key-shaped token on a line shown (a key in a constant the call resolves,
        // on the line above it): context lines never show a secret either
        let shown = mask_key_shaped(&shown);
        if line > lo {
            text.push('\n');
        }
        if ws > ls.start {
            text.push('…');
        }
        let base = text.len();
        text.push_str(&shown);
        if we < ls.end {
            text.push('…');
        }
        for l in in_line {
            let s = l.span.start.clamp(ws, we) - ws + base;
            let e = l.span.end.min(ls.end).clamp(ws, we) - ws + base;
            out_labels.push(Label { span: Span::new(s, e.max(s)), text: l.text.clone() });
        }
    }
    Excerpt { text, first_line: lo, labels: out_labels }
}

/// Every key-shaped token masked in place (same length, so offsets hold).
fn mask_key_shaped(text: &str) -> String {
    let tokens = secret::key_tokens(text);
    if tokens.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, tok) in tokens {
        out.push_str(&text[last..at]);
        out.push_str(&secret::mask_in_place(tok));
        last = at + tok.len();
    }
    out.push_str(&text[last..]);
    out
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Sort findings and usages so output never depends on the walk order, and make fingerprints of
/// identical findings in one file distinct (second, third … occurrence).
pub fn finalize(findings: &mut [Finding], usages: &mut [Usage]) {
    findings.sort_by(|a, b| {
        (&a.path, a.start, &a.rule, a.end, &a.message).cmp(&(&b.path, b.start, &b.rule, b.end, &b.message))
    });
    usages.sort();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        if *n > 0 {
            f.fingerprint = hex(&Sha256::digest(format!("{}:{n}", f.fingerprint).as_bytes()))[..32].to_owned();
        }
        *n += 1;
    }
}
