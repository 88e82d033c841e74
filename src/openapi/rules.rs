//! The spec rules: `openapi-key-in-query`, `openapi-key-in-path`, `openapi-legacy-endpoint` (and
//! `unmapped-endpoint` for operations the catalog cannot map), the vendor's own `header_rules`
//! and `body_field_rules` in a spec on its hosts (an apiKey scheme or header parameter, a request
//! body property), plus a [`Usage`] for every operation that matches a catalog endpoint, legacy
//! or v4.

use std::collections::{HashMap, HashSet};

use crate::catalog::{CandSeg, Catalog, EndpointRef, KeyPlacement, Method, Vendor, ids};
use crate::check::{self, Draft, EndpointInfo, Label, Usage};
use crate::secret;
use crate::source::Span;

use super::tree::{Doc, Kind, NodeId};
use super::{Docs, Loc, SpecReport, Version, is_key_name};

/// A server: its host (when the URL has one) and base path segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: Option<String>,
    pub base: Vec<String>,
}

/// Split a server URL (`https://{cluster}.voiso.com/api/v1`, `/api`) into host and base path.
#[must_use]
pub fn parse_server(url: &str) -> Server {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let (host, path) = match url.find("://").map(|i| i + 3).or_else(|| url.starts_with("//").then_some(2)) {
        Some(i) => {
            let rest = &url[i..];
            let end = rest.find('/').unwrap_or(rest.len());
            (Some(rest[..end].to_ascii_lowercase()), &rest[end..])
        }
        None => (None, url),
    };
    let base = path.split('/').filter(|s| !s.is_empty() && *s != ".").map(str::to_owned).collect();
    Server { host, base }
}

/// The servers of a spec: OAS 3 `servers[].url`, Swagger 2 `host` + `basePath`.
#[must_use]
pub fn servers(doc: &Doc, v: Version) -> Vec<Server> {
    let root = doc.root;
    if v == Version::Swagger2 {
        let host = doc.get_str(root, "host").map(str::to_ascii_lowercase);
        let base = doc.get_str(root, "basePath").unwrap_or("");
        let mut s = parse_server(base);
        s.host = host;
        return vec![s];
    }
    let list = doc.get(root, "servers").map(|s| doc.items(s)).unwrap_or_default();
    list.iter().filter_map(|&s| doc.get_str(s, "url")).map(parse_server).collect()
}

/// A server URL segment that carries the key: `{apiKey}` (a variable with a key name, or whose
/// default looks like a key) or a literal key, in an OAS 3 `servers[].url` or the Swagger 2.0
/// `basePath`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerKey {
    /// Index in `servers` (0 for `basePath`).
    pub server: usize,
    /// Index among the URL's base path segments.
    pub index: usize,
    /// The segment as written (`{apiKey}`, or the literal key).
    pub segment: String,
    /// Its bytes in the text (the whole URL scalar when escapes make that uncertain).
    pub span: Span,
    /// The server variable (`apiKey`): its key node in `variables`.
    pub variable: Option<(String, NodeId)>,
    /// The URL (or `basePath`) node.
    pub url: NodeId,
}

/// Server URL segments that carry the key (top-level `servers`, or `basePath`).
#[must_use]
pub fn server_keys(catalog: &Catalog, doc: &Doc, text: &str, v: Version) -> Vec<ServerKey> {
    let root = doc.root;
    let mut nodes: Vec<(usize, NodeId, Option<NodeId>)> = Vec::new();
    if v == Version::Swagger2 {
        nodes.extend(doc.get(root, "basePath").map(|b| (0, b, None)));
    } else {
        for (i, &s) in doc.get(root, "servers").map(|l| doc.items(l)).unwrap_or_default().iter().enumerate() {
            nodes.extend(doc.get(s, "url").map(|u| (i, u, doc.get(s, "variables"))));
        }
    }
    let mut out = Vec::new();
    for (server, url, vars) in nodes {
        let Some(value) = doc.str(url) else { continue };
        let span = doc.node(url).span;
        let raw = text.get(span.range()).unwrap_or("");
        // where the value starts in the raw text: plain, or quoted without escapes
        let shift = if raw == value {
            Some(0)
        } else if raw.len() == value.len() + 2 && &raw[1..raw.len() - 1] == value {
            Some(1)
        } else {
            None
        };
        for (index, (at, seg)) in base_segments(value).into_iter().enumerate() {
            let name = seg.strip_prefix('{').and_then(|x| x.strip_suffix('}'));
            let variable = name.and_then(|n| vars.and_then(|vs| doc.entry(vs, n)).map(|(k, _)| (n.to_owned(), k)));
            let default_is_key = variable
                .as_ref()
                .and_then(|(_, k)| {
                    let vs = vars?;
                    let val = doc.entries(vs).iter().find(|(kk, _)| kk == k)?.1;
                    doc.get_str(val, "default")
                })
                .is_some_and(secret::looks_like_key);
            let is_key = match name {
                Some(n) => is_key_name(catalog, n) || default_is_key,
                None => secret::looks_like_key(seg),
            };
            if !is_key {
                continue;
            }
            let span = shift.map_or(span, |d| Span::new(span.start + d + at, span.start + d + at + seg.len()));
            out.push(ServerKey { server, index, segment: seg.to_owned(), span, variable, url });
        }
    }
    out
}

/// The base path segments of a server URL with their byte offsets (as [`parse_server`] splits it).
fn base_segments(url: &str) -> Vec<(usize, &str)> {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    let start = match url.find("://").map(|i| i + 3).or_else(|| url.starts_with("//").then_some(2)) {
        Some(i) => url[i..end].find('/').map_or(end, |j| i + j),
        None => 0,
    };
    let mut out = Vec::new();
    let mut at = start;
    for seg in url[start..end].split('/') {
        if !seg.is_empty() && seg != "." {
            out.push((at, seg));
        }
        at += seg.len() + 1;
    }
    out
}

/// How a vendor relates to a spec's servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hosting {
    /// A server is on the vendor's hosts.
    Hosted,
    /// The servers name other hosts only.
    Elsewhere,
    /// No server names a host.
    Hostless,
}

#[must_use]
pub fn hosting(vendor: &Vendor, servers: &[Server]) -> Hosting {
    let explicit: Vec<&str> =
        servers.iter().filter_map(|s| s.host.as_deref()).filter(|h| h.contains('.') && !h.ends_with('}')).collect();
    if explicit.iter().any(|h| vendor.owns_host(h)) {
        Hosting::Hosted
    } else if explicit.is_empty() {
        Hosting::Hostless
    } else {
        Hosting::Elsewhere
    }
}

/// What an operation is in the catalog.
#[derive(Debug, Clone, Copy)]
pub enum Matched<'v> {
    Legacy(&'v Vendor, usize),
    V4(&'v Vendor, usize),
    /// On a vendor host under the vendor's legacy API prefix, but not in the catalog.
    Unlisted(&'v Vendor),
}

/// Path template segments; a `{param}` segment is a placeholder.
#[must_use]
pub fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn is_placeholder(s: &str) -> bool {
    s.starts_with('{') && s.ends_with('}')
}

/// Match an operation (spec path, method) against the catalogs, with each server base path in
/// front. Returns the match and the number of base segments it used.
#[must_use]
pub fn match_operation<'v>(
    catalog: &'v Catalog,
    servers: &[Server],
    mentioned: &[bool],
    path: &str,
    method: Method,
) -> Option<(Matched<'v>, usize)> {
    let mut bases: Vec<&[String]> = servers.iter().map(|s| s.base.as_slice()).collect();
    bases.push(&[]);
    bases.dedup();
    let own = segments(path);
    for (vi, vendor) in catalog.vendors.iter().enumerate() {
        let host = hosting(vendor, servers);
        if host == Hosting::Elsewhere {
            continue;
        }
        for base in &bases {
            let full: Vec<&str> = base.iter().map(String::as_str).chain(own.iter().copied()).collect();
            let n = full.len();
            let segs: Vec<CandSeg<'_>> = full
                .iter()
                .enumerate()
                .map(|(i, s)| CandSeg {
                    text: if i + 1 == n { s.strip_suffix(".json").unwrap_or(s) } else { s },
                    placeholder: is_placeholder(s),
                })
                .collect();
            let under =
                |p: &Vec<String>| n >= p.len() && segs.iter().zip(p).all(|(s, p)| !s.placeholder && s.text == p);
            if !vendor.api_prefixes.iter().any(under) {
                continue;
            }
            let hosted = host == Hosting::Hosted;
            match check::best_match(vendor, &segs, Some(method)) {
                Some(EndpointRef::Legacy(i)) if hosted || vendor.legacy[i].distinctive => {
                    return Some((Matched::Legacy(vendor, i), base.len()));
                }
                Some(EndpointRef::V4(i)) if hosted || mentioned[vi] => {
                    return Some((Matched::V4(vendor, i), base.len()));
                }
                None if hosted && !vendor.current_prefixes.iter().any(under) => {
                    return Some((Matched::Unlisted(vendor), base.len()));
                }
                _ => {}
            }
        }
    }
    None
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// One operation of the spec.
struct Op {
    /// The path key in the main document.
    path_key: NodeId,
    path: String,
    method: Method,
    /// The method key (`get:`), where operation findings point.
    method_key: Loc,
    op: Loc,
}

impl Op {
    fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A key segment of a path template: the vendor, the operations on it, the legacy endpoint.
type KeySegment<'v> = (Option<&'v Vendor>, Vec<String>, Option<String>);

/// Where the findings of one definition point, and who uses it.
struct Site {
    loc: Loc,
    /// `parameter`, or the component's name.
    label: String,
    users: Vec<String>,
}

/// Run the rules over a loaded spec.
#[allow(clippy::too_many_lines)]
pub fn check(catalog: &Catalog, docs: &mut Docs<'_>, v: Version, extra_secrets: &[Span]) -> SpecReport {
    let main = docs.doc(0).clone();
    let root = main.root;
    let text = &docs.list[0].file().text;
    let lower = text.to_ascii_lowercase();
    let mentioned: Vec<bool> = catalog.hosts_mentioned(&lower);
    let servers = servers(&main, v);
    let spec_vendor = catalog.vendors.iter().find(|vd| hosting(vd, &servers) == Hosting::Hosted);

    // operations
    let mut ops: Vec<Op> = Vec::new();
    let mut path_items: Vec<(NodeId, String, Loc)> = Vec::new();
    if let Some(paths) = main.get(root, "paths") {
        if !main.is_map(paths) && main.str(paths).is_none_or(|s| !s.is_empty()) {
            docs.problem((0, paths), "not a spec", "`paths` is not a mapping".into());
        }
        for &(k, item) in main.entries(paths) {
            let Some(path) = main.str(k).map(str::to_owned) else { continue };
            let Some(item) = docs.deref((0, item)) else { continue };
            path_items.push((k, path.clone(), item));
            let d = docs.doc(item.0);
            for &(mk, op) in d.entries(item.1) {
                let Some(m) = d.str(mk).filter(|m| METHODS.contains(m)).and_then(Method::parse) else { continue };
                ops.push(Op { path_key: k, path: path.clone(), method: m, method_key: (item.0, mk), op: (item.0, op) });
            }
        }
    }

    // parameters: component/global definitions first, then path-item and operation ones
    let mut sites: Vec<Site> = Vec::new();
    let mut site_of: HashMap<Loc, usize> = HashMap::new();
    let mut add_site = |docs: &mut Docs<'_>, at: Loc, label: String, user: Option<String>| {
        let Some(def) = docs.deref(at) else { return };
        let i = *site_of.entry(def).or_insert_with(|| {
            sites.push(Site { loc: def, label, users: Vec::new() });
            sites.len() - 1
        });
        if let Some(u) = user
            && !sites[i].users.contains(&u)
        {
            sites[i].users.push(u);
        }
    };
    let shared = if v == Version::Swagger2 {
        main.get(root, "parameters")
    } else {
        main.get(root, "components").and_then(|c| main.get(c, "parameters"))
    };
    for &(k, p) in shared.map(|s| main.entries(s)).unwrap_or_default() {
        let label = format!("Shared parameter `{}`", main.str(k).unwrap_or("?"));
        add_site(docs, (0, p), label, None);
    }
    let mut pending: Vec<(Loc, Option<String>)> = Vec::new();
    let mut ops_of: HashMap<&str, Vec<String>> = HashMap::new();
    for o in &ops {
        ops_of.entry(o.path.as_str()).or_default().push(o.name());
    }
    for (_, path, item) in &path_items {
        let d = docs.doc(item.0);
        let users = ops_of.get(path.as_str()).cloned().unwrap_or_else(|| vec![path.clone()]);
        for &p in d.get(item.1, "parameters").map(|p| d.items(p)).unwrap_or_default() {
            pending.extend(users.iter().map(|u| ((item.0, p), Some(u.clone()))));
        }
    }
    for o in &ops {
        let d = docs.doc(o.op.0);
        for &p in d.get(o.op.1, "parameters").map(|p| d.items(p)).unwrap_or_default() {
            pending.push(((o.op.0, p), Some(o.name())));
        }
    }
    for (at, user) in pending {
        add_site(docs, at, "A parameter".into(), user);
    }

    let mut out: Vec<(usize, Draft<'_>)> = Vec::new();
    for s in &sites {
        if docs.list[s.loc.0].linted_alone {
            continue;
        }
        let d = docs.doc(s.loc.0);
        let (Some(name), Some((ik, iv))) = (d.get_str(s.loc.1, "name"), d.entry(s.loc.1, "in")) else { continue };
        if d.str(iv) == Some("header")
            && let Some(vendor) = spec_vendor
            && let Some(rule) = header_rule(vendor, name)
            && let Some((_, nv)) = d.entry(s.loc.1, "name")
        {
            let file = docs.list[s.loc.0].file();
            let call = call_list(vendor, &servers, &s.users, || s.label.clone());
            let mut dr = header_draft(vendor, rule, file, d.node(nv).span, name, call);
            dr.normalised = format!("header-param|{}|{name}|{}", s.label, s.users.first().map_or("", String::as_str));
            out.push((s.loc.0, dr));
            continue;
        }
        if d.str(iv) != Some("query") || !is_key_name(catalog, name) {
            continue;
        }
        let file = docs.list[s.loc.0].file();
        let region = Span::new(d.node(ik).span.start, d.node(iv).span.end);
        let mut dr = Draft::new(ids::OPENAPI_KEY_IN_QUERY, spec_vendor, file, region);
        dr.labels.push(Label { span: region, text: "in the URL query string".into() });
        if let Some((_, nv)) = d.entry(s.loc.1, "name") {
            dr.labels.push(Label { span: d.node(nv).span, text: "a key name".into() });
        }
        dr.vars.push(("subject", s.label.clone()));
        dr.vars.push(("param", name.to_owned()));
        dr.vars.push(("used_by", used_by(&s.users)));
        dr.migration = key_migration(spec_vendor, "remove the query parameter");
        dr.normalised = format!("param|{}|{name}|{}", s.label, s.users.first().map_or("", String::as_str));
        out.push((s.loc.0, dr));
    }

    // security schemes
    let schemes_at = if v == Version::Swagger2 {
        main.get(root, "securityDefinitions")
    } else {
        main.get(root, "components").and_then(|c| main.get(c, "securitySchemes"))
    };
    let global_security = main.get(root, "security");
    for &(k, s) in schemes_at.map(|s| main.entries(s)).unwrap_or_default() {
        let Some(name) = main.str(k).map(str::to_owned) else { continue };
        let Some(def) = docs.deref((0, s)) else { continue };
        if docs.list[def.0].linted_alone {
            continue;
        }
        let d = docs.doc(def.0);
        let Some((ik, iv)) = d.entry(def.1, "in") else { continue };
        if d.get_str(def.1, "type") != Some("apiKey") {
            continue;
        }
        let users: Vec<String> = ops
            .iter()
            .filter(|o| {
                let od = &docs.list[o.op.0].doc;
                let (sd, sec) = match od.get(o.op.1, "security") {
                    Some(sec) => (od, Some(sec)),
                    None => (&main, global_security),
                };
                sec.is_some_and(|sec| sd.items(sec).iter().any(|&req| sd.get(req, &name).is_some()))
            })
            .map(Op::name)
            .collect();
        if d.str(iv) == Some("header")
            && let Some(vendor) = spec_vendor
            && let Some((_, nv)) = d.entry(def.1, "name")
            && let Some(header) = d.str(nv)
            && let Some(rule) = header_rule(vendor, header)
        {
            let file = docs.list[def.0].file();
            let call = call_list(vendor, &servers, &users, || format!("security scheme `{name}`"));
            let mut dr = header_draft(vendor, rule, file, d.node(nv).span, header, call);
            dr.normalised = format!("header-scheme|{name}|{header}");
            out.push((def.0, dr));
            continue;
        }
        if d.str(iv) != Some("query") {
            continue;
        }
        let param = d.get_str(def.1, "name").unwrap_or("?").to_owned();
        let file = docs.list[def.0].file();
        let region = Span::new(d.node(ik).span.start, d.node(iv).span.end);
        let mut dr = Draft::new(ids::OPENAPI_KEY_IN_QUERY, spec_vendor, file, region);
        dr.labels.push(Label { span: region, text: "apiKey scheme in the URL query string".into() });
        dr.vars.push(("subject", format!("Security scheme `{name}` (apiKey)")));
        dr.vars.push(("param", param));
        dr.vars.push(("used_by", used_by(&users)));
        dr.migration = key_migration(spec_vendor, "replace the apiKey scheme");
        dr.normalised = format!("scheme|{name}");
        out.push((def.0, dr));
    }

    // request bodies: the vendor's legacy body fields (`body_field_rules`)
    if let Some(vendor) = spec_vendor.filter(|vd| !vd.body_field_rules.is_empty()) {
        // (schema, users): Swagger 2 `in: body` parameters, OAS 3 `requestBody` media types
        let mut bodies: Vec<(Loc, Vec<String>)> = Vec::new();
        for s in &sites {
            let d = docs.doc(s.loc.0);
            if d.get_str(s.loc.1, "in") == Some("body")
                && let Some(schema) = d.get(s.loc.1, "schema")
            {
                bodies.push(((s.loc.0, schema), s.users.clone()));
            }
        }
        for o in &ops {
            let Some(rb) = docs.doc(o.op.0).get(o.op.1, "requestBody") else { continue };
            let Some(rb) = docs.deref((o.op.0, rb)) else { continue };
            let d = docs.doc(rb.0);
            for &(_, media) in d.get(rb.1, "content").map(|c| d.entries(c)).unwrap_or_default() {
                if let Some(schema) = d.get(media, "schema") {
                    bodies.push(((rb.0, schema), vec![o.name()]));
                }
            }
        }
        let mut fields: Vec<(Loc, usize, Vec<String>)> = Vec::new();
        for (schema, users) in bodies {
            let mut found = Vec::new();
            body_fields(docs, schema, &vendor.body_field_rules, &mut HashSet::new(), &mut found);
            for (at, rule) in found {
                let i = fields.iter().position(|f| f.0 == at).unwrap_or_else(|| {
                    fields.push((at, rule, Vec::new()));
                    fields.len() - 1
                });
                for u in &users {
                    if !fields[i].2.contains(u) {
                        fields[i].2.push(u.clone());
                    }
                }
            }
        }
        for (at, rule, users) in fields {
            if docs.list[at.0].linted_alone {
                continue;
            }
            let (field, rule) = &vendor.body_field_rules[rule];
            let file = docs.list[at.0].file();
            let region = docs.doc(at.0).node(at.1).span;
            let mut dr = Draft::new(rule, Some(vendor), file, region);
            dr.labels.push(Label { span: region, text: format!("`{field}` in the request body") });
            dr.vars.push(("call", call_list(vendor, &servers, &users, || "a request body".into())));
            dr.vars.push(("param", field.clone()));
            dr.migration = vendor.legacy_reason.clone().map_or_else(String::new, |r| format!("Remove it: {r}."));
            dr.normalised = format!("body|{field}|{}", users.join(","));
            out.push((at.0, dr));
        }
    }

    // operations: catalog matches, key path segments
    let mut usages = Vec::new();
    let mut key_segments: HashMap<(NodeId, usize), KeySegment<'_>> = HashMap::new();
    for (k, path, _) in &path_items {
        for (i, s) in segments(path).iter().enumerate() {
            if is_placeholder(s) && is_key_name(catalog, &s[1..s.len() - 1]) {
                key_segments.insert((*k, i), (spec_vendor, Vec::new(), None));
            }
        }
    }
    for o in &ops {
        let m = match_operation(catalog, &servers, &mentioned, &o.path, o.method);
        for ((k, _), (_, users, _)) in key_segments.iter_mut() {
            if *k == o.path_key {
                users.push(o.name());
            }
        }
        let Some((m, base_len)) = m else { continue };
        let od = docs.list[o.method_key.0].file();
        let mk = docs.doc(o.method_key.0).node(o.method_key.1).span;
        let line = od.position(mk.start).line;
        let full = format!("/{}", {
            let mut s: Vec<&str> = servers
                .iter()
                .find(|s| s.base.len() == base_len)
                .map_or(Vec::new(), |s| s.base.iter().map(String::as_str).collect());
            s.extend(segments(&o.path));
            s.join("/")
        });
        // a literal key in a server's base path is never shown
        let call = format!("{} {}", o.method, secret::mask_tokens(&full));
        let usage = match m {
            Matched::Legacy(vendor, i) => {
                let l = &vendor.legacy[i];
                if let (KeyPlacement::Path, Some(ks)) = (l.key, l.key_segment)
                    && ks >= base_len
                    && segments(&o.path).get(ks - base_len).is_some_and(|s| is_placeholder(s))
                {
                    let e = key_segments.entry((o.path_key, ks - base_len)).or_insert((Some(vendor), Vec::new(), None));
                    e.0 = Some(vendor);
                    e.2 = Some(l.display());
                    if !e.1.contains(&o.name()) {
                        e.1.push(o.name());
                    }
                }
                let scopes = vendor.legacy_scopes(l);
                let v4 = vendor.legacy_v4_display(l);
                let endpoint =
                    EndpointInfo { legacy: Some(l.display()), v4: v4.clone(), mapping: v4.as_ref().map(|_| l.mapping) };
                let mig = check::legacy_migration(vendor, l, &scopes);
                let rule = if l.unmapped.is_some() { ids::UNMAPPED_ENDPOINT } else { ids::OPENAPI_LEGACY_ENDPOINT };
                if !docs.list[o.method_key.0].linted_alone || o.method_key.0 == 0 {
                    let mut dr = Draft::new(rule, Some(vendor), od, mk);
                    dr.labels.push(Label { span: mk, text: format!("legacy {} endpoint", l.family) });
                    dr.vars.push(("call", call.clone()));
                    dr.vars.push(("v4", v4.clone().unwrap_or_else(|| "none".into())));
                    dr.vars.push(("scope", scope_list(&scopes)));
                    dr.vars.push(("reason", l.unmapped.clone().unwrap_or_default()));
                    dr.migration = mig;
                    dr.endpoint = Some(endpoint);
                    dr.scopes.clone_from(&scopes);
                    dr.normalised = format!("op|{}", o.name());
                    out.push((o.method_key.0, dr));
                }
                Usage {
                    vendor: vendor.id.clone(),
                    path: od.path.clone(),
                    line,
                    span: mk,
                    secrets: Vec::new(),
                    call: l.display(),
                    v4,
                    scopes,
                    mapping: (!l.v4.is_empty()).then_some(l.mapping),
                    unmapped: l.unmapped.clone(),
                }
            }
            Matched::V4(vendor, i) => {
                let e = &vendor.v4[i];
                Usage {
                    vendor: vendor.id.clone(),
                    path: od.path.clone(),
                    line,
                    span: mk,
                    secrets: Vec::new(),
                    call: e.display(),
                    v4: Some(e.display()),
                    scopes: e.scope.iter().cloned().collect(),
                    mapping: Some(e.status),
                    unmapped: None,
                }
            }
            Matched::Unlisted(vendor) => {
                let reason = format!("this path is not in the {} catalog", vendor.name);
                let mut dr = Draft::new(ids::UNMAPPED_ENDPOINT, Some(vendor), od, mk);
                dr.labels.push(Label { span: mk, text: "not in the catalog".into() });
                dr.vars.push(("call", call.clone()));
                dr.vars.push(("reason", reason.clone()));
                dr.migration = vendor.unlisted_help();
                dr.endpoint = Some(EndpointInfo { legacy: Some(call.clone()), v4: None, mapping: None });
                dr.normalised = format!("op|{}", o.name());
                out.push((o.method_key.0, dr));
                Usage {
                    vendor: vendor.id.clone(),
                    path: od.path.clone(),
                    line,
                    span: mk,
                    secrets: Vec::new(),
                    call,
                    v4: None,
                    scopes: Vec::new(),
                    mapping: None,
                    unmapped: Some(reason),
                }
            }
        };
        usages.push(usage);
    }

    // key path segments: one finding per path template
    let mut segs: Vec<_> = key_segments.into_iter().collect();
    segs.sort_by_key(|((k, i), _)| (*k, *i));
    for ((k, i), (vendor, users, legacy)) in segs {
        let path = main.str(k).unwrap_or("");
        let seg = segments(path)[i];
        let file = docs.list[0].file();
        let key_span = main.node(k).span;
        // the segment inside the key's text (a quoted key's span includes its quotes)
        let region = file.slice(key_span).find(seg).map_or(key_span, |at| {
            let start = key_span.start + at;
            Span::new(start, start + seg.len())
        });
        let mut dr = Draft::new(ids::OPENAPI_KEY_IN_PATH, vendor, file, region);
        dr.labels.push(Label { span: region, text: "the key as a path segment".into() });
        dr.vars.push(("call", path.to_owned()));
        dr.vars.push(("param", seg.to_owned()));
        dr.vars.push(("used_by", used_by(&users)));
        dr.migration = match (vendor, &legacy) {
            (Some(v), Some(_)) => format!(
                "Take the key out of the path and send it as `{}`; the operations below map to v4 paths without a key. `scopeshift migrate-spec` rewrites the spec.",
                v.auth
            ),
            _ => key_migration(vendor, "remove the path parameter"),
        };
        dr.normalised = format!("path|{path}|{seg}");
        out.push((0, dr));
    }

    // server URLs (or `basePath`) that carry the key: every operation sends it
    let all_ops: Vec<String> = ops.iter().map(Op::name).collect();
    for sk in server_keys(catalog, &main, &docs.list[0].file().text, v) {
        let file = docs.list[0].file();
        let url = main.str(sk.url).unwrap_or("");
        let (call, fix) = if v == Version::Swagger2 {
            (format!("{} (basePath)", secret::mask_tokens(url)), "remove the segment from `basePath`")
        } else {
            (format!("{} (server URL)", secret::mask_tokens(url)), "remove the segment and its server variable")
        };
        let param = if sk.segment.starts_with('{') { sk.segment.clone() } else { secret::mask(&sk.segment) };
        let mut dr = Draft::new(ids::OPENAPI_KEY_IN_PATH, spec_vendor, file, sk.span);
        dr.labels.push(Label { span: sk.span, text: "the key as a server URL segment".into() });
        if let Some((name, k)) = &sk.variable {
            dr.labels.push(Label { span: main.node(*k).span, text: format!("server variable `{name}`") });
        }
        dr.vars.push(("call", call));
        dr.vars.push(("param", param.clone()));
        dr.vars.push(("used_by", used_by(&all_ops)));
        dr.migration = key_migration(spec_vendor, fix);
        dr.normalised = format!("server|{}|{param}", sk.server);
        out.push((0, dr));
    }

    // spans to mask in excerpts: key-shaped scalars (and path segments) of each document
    let mut report = SpecReport { usages, ..SpecReport::default() };
    let mut by_doc: Vec<Vec<Draft<'_>>> = (0..docs.list.len()).map(|_| Vec::new()).collect();
    for (i, d) in out {
        by_doc[i].push(d);
    }
    for (i, drafts) in by_doc.into_iter().enumerate() {
        if drafts.is_empty() {
            continue;
        }
        let ld = &docs.list[i];
        let mut secrets = key_shaped(&ld.doc, &ld.file().text);
        if i == 0 {
            secrets.extend_from_slice(extra_secrets);
            secrets.sort_unstable();
        }
        report.findings.extend(drafts.into_iter().map(|d| check::finish(catalog, ld.file(), d, &secrets)));
    }
    report
}

/// The rule a vendor's `header_rules` give a header name (case-insensitive), or
/// `authorization-not-bearer` for an `Authorization` apiKey header of a `bearer_exact` vendor.
fn header_rule<'v>(vendor: &'v Vendor, header: &str) -> Option<&'v str> {
    let lower = header.to_ascii_lowercase();
    vendor.header_rules.iter().find(|(h, _)| *h == lower).map(|(_, r)| r.as_str()).or_else(|| {
        // an apiKey scheme named `Authorization` sends the raw key, without `Bearer `
        (vendor.bearer_exact && lower == "authorization").then_some(ids::AUTHORIZATION_NOT_BEARER)
    })
}

/// A `header_rules` finding at a header name (an apiKey scheme's or a header parameter's).
fn header_draft<'v>(
    vendor: &'v Vendor,
    rule: &'v str,
    file: &crate::source::SourceFile,
    region: Span,
    header: &str,
    call: String,
) -> Draft<'v> {
    let mut dr = Draft::new(rule, Some(vendor), file, region);
    dr.labels.push(Label { span: region, text: format!("the key in the `{header}` header") });
    dr.vars.push(("call", call));
    dr.vars.push(("param", header.to_owned()));
    dr.migration = format!("Send it as `{}` instead (an HTTP bearer security scheme).", vendor.auth);
    dr
}

/// `{call}` of a vendor-rule finding: the operations (`METHOD /path`, with the base path of the
/// vendor's server in front), or `fallback()` when none is known.
fn call_list(vendor: &Vendor, servers: &[Server], users: &[String], fallback: impl FnOnce() -> String) -> String {
    if users.is_empty() {
        return fallback();
    }
    let base: String = servers
        .iter()
        .find(|s| s.host.as_deref().is_some_and(|h| vendor.owns_host(h)))
        .map_or_else(String::new, |s| s.base.iter().map(|b| format!("/{}", secret::mask_tokens(b))).collect());
    let full = |u: &String| match u.split_once(' ') {
        Some((m, p)) if p.starts_with('/') => format!("{m} {base}{p}"),
        _ if u.starts_with('/') => format!("{base}{u}"),
        _ => u.clone(),
    };
    let shown: Vec<String> = users.iter().take(3).map(full).collect();
    match users.len() {
        1..=3 => shown.join(", "),
        n => format!("{} and {} more", shown.join(", "), n - 3),
    }
}

/// The properties of a request body schema named in `rules` (`body_field_rules`): the
/// property keys and the rule indices. Follows `$ref`s, `allOf`/`anyOf`/`oneOf` and array
/// `items`, not nested objects (a nested field is not a body field).
fn body_fields(
    docs: &mut Docs<'_>,
    schema: Loc,
    rules: &[(String, String)],
    seen: &mut HashSet<Loc>,
    out: &mut Vec<(Loc, usize)>,
) {
    let Some(at) = docs.deref(schema) else { return };
    if !seen.insert(at) || seen.len() > 1000 {
        return;
    }
    let d = docs.doc(at.0);
    if !d.is_map(at.1) {
        return;
    }
    for &(k, _) in d.get(at.1, "properties").map(|p| d.entries(p)).unwrap_or_default() {
        if let Some(i) = d.str(k).and_then(|name| rules.iter().position(|(f, _)| f == name)) {
            out.push(((at.0, k), i));
        }
    }
    let mut next: Vec<NodeId> = Vec::new();
    for kw in ["allOf", "anyOf", "oneOf"] {
        next.extend(d.get(at.1, kw).map(|l| d.items(l)).unwrap_or_default());
    }
    next.extend(d.get(at.1, "items"));
    for n in next {
        body_fields(docs, (at.0, n), rules, seen, out);
    }
}

/// Spans of scalars (and path segments) that look like keys: masked wherever text is shown.
fn key_shaped(doc: &Doc, text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for n in &doc.nodes {
        let Kind::Scalar { value, .. } = &n.kind else { continue };
        if value.len() < 16 {
            continue;
        }
        let raw = text.get(n.span.range()).unwrap_or("");
        for tok in raw.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))) {
            if secret::looks_like_key(tok) {
                let start = n.span.start + (tok.as_ptr() as usize - raw.as_ptr() as usize);
                out.push(Span::new(start, start + tok.len()));
            }
        }
    }
    out.sort_unstable();
    out
}

fn used_by(users: &[String]) -> String {
    match users.len() {
        0 => String::new(),
        1..=3 => format!(" (used by {})", users.join(", ")),
        n => format!(" (used by {} and {} more)", users[..3].join(", "), n - 3),
    }
}

fn scope_list(scopes: &[String]) -> String {
    if scopes.is_empty() {
        "none documented".into()
    } else {
        scopes.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" and ")
    }
}

fn key_migration(vendor: Option<&Vendor>, what: &str) -> String {
    match vendor {
        Some(v) => format!(
            "Send the key only as `{}` (an HTTP bearer security scheme) and {what}; `scopeshift migrate-spec SPEC -o OUT` writes the v4 version of this spec.",
            v.auth
        ),
        None => {
            format!("Send the key in a header (an HTTP bearer scheme, or an apiKey scheme `in: header`) and {what}.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls() {
        assert_eq!(
            parse_server("https://{cluster}.voiso.com/api/v1"),
            Server { host: Some("{cluster}.voiso.com".into()), base: vec!["api".into(), "v1".into()] }
        );
        assert_eq!(parse_server("/api").host, None);
        assert_eq!(parse_server("//x.example/").base, Vec::<String>::new());
    }
}
