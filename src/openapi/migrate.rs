//! `scopeshift migrate-spec`: a v4 version of a legacy spec. The apiKey (and legacy bearer)
//! schemes become one HTTP bearer scheme, key parameters go, legacy operations move to their v4
//! path and method (`x-scopeshift-mapping` says how and whether the mapping is documented or
//! inferred), each operation records its v4 scope (`x-scopes`, and in its security requirement
//! on OpenAPI 3.1), and operations with no v4 counterpart are kept and flagged. Same format out
//! as in (YAML or JSON). The migrated document is written as edits on the original text
//! ([`super::splice`]), so comments and formatting survive; a document that cannot be edited
//! safely (aliases) is re-rendered as a whole, and the summary says so.

use std::fmt;
use std::path::Path;

use crate::catalog::{Catalog, KeyPlacement, Seg};

use super::rules::{Matched, Server, match_operation, parse_server, segments, servers};
use super::tree::{self, Doc, Kind, NodeId, Style};
use super::{Version, is_key_name, version};

/// Most nodes a document may expand to (aliases are copied out here), and deepest nesting.
const MAX_NODES: usize = 2_000_000;
const MAX_NEST: usize = 300;

/// The node of the original document a collection was copied from, so the splicer can find
/// it again after the value moved (a renamed path, a renamed method). Ignored by `==`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin(pub Option<NodeId>);

impl PartialEq for Origin {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A mutable copy of the document: scalars keep their style so types and quoting survive.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Scalar(String, Style),
    Seq(Vec<Val>, Origin),
    Map(Vec<(Val, Val)>, Origin),
}

impl Val {
    pub(super) fn map(entries: Vec<(Val, Val)>) -> Self {
        Self::Map(entries, Origin(None))
    }
    pub(super) fn seq(items: Vec<Val>) -> Self {
        Self::Seq(items, Origin(None))
    }
    pub(super) fn origin(&self) -> Option<NodeId> {
        match self {
            Self::Map(_, o) | Self::Seq(_, o) => o.0,
            Self::Scalar(..) => None,
        }
    }
    fn s(text: impl Into<String>) -> Self {
        Self::Scalar(text.into(), Style::Double)
    }
    fn plain(text: impl Into<String>) -> Self {
        Self::Scalar(text.into(), Style::Plain)
    }
    pub(super) fn str(&self) -> Option<&str> {
        if let Self::Scalar(s, _) = self { Some(s) } else { None }
    }
    pub(super) fn entries(&self) -> &[(Val, Val)] {
        if let Self::Map(m, _) = self { m } else { &[] }
    }
    pub(super) fn items(&self) -> &[Val] {
        if let Self::Seq(s, _) = self { s } else { &[] }
    }
    fn get(&self, key: &str) -> Option<&Val> {
        self.entries().iter().rev().find(|(k, _)| k.str() == Some(key)).map(|(_, v)| v)
    }
    fn get_mut(&mut self, key: &str) -> Option<&mut Val> {
        if let Self::Map(m, _) = self {
            m.iter_mut().rev().find(|(k, _)| k.str() == Some(key)).map(|(_, v)| v)
        } else {
            None
        }
    }
    fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Val::str)
    }
    /// Replace the value under `key`, or append the entry.
    fn set(&mut self, key: &str, v: Val) {
        if let Some(slot) = self.get_mut(key) {
            *slot = v;
        } else if let Self::Map(m, _) = self {
            m.push((Val::plain(key), v));
        }
    }
    fn remove(&mut self, key: &str) -> Option<Val> {
        let Self::Map(m, _) = self else { return None };
        let i = m.iter().position(|(k, _)| k.str() == Some(key))?;
        Some(m.remove(i).1)
    }
    /// The mapping under `key`, created when missing.
    fn map_at(&mut self, key: &str) -> &mut Val {
        if !matches!(self.get(key), Some(Val::Map(..))) {
            self.set(key, Val::map(Vec::new()));
        }
        self.get_mut(key).expect("just set")
    }
    fn pointer(&self, ptr: &str) -> Option<&Val> {
        let mut at = self;
        if ptr.is_empty() {
            return Some(at);
        }
        for raw in ptr.strip_prefix('/')?.split('/') {
            let seg = raw.replace("~1", "/").replace("~0", "~");
            at = match at {
                Val::Map(..) => at.get(&seg)?,
                Val::Seq(s, _) => s.get(seg.parse::<usize>().ok()?)?,
                Val::Scalar(..) => return None,
            };
        }
        Some(at)
    }
}

pub(super) fn to_val(doc: &Doc, id: usize, depth: usize, budget: &mut usize) -> Result<Val, String> {
    if depth > MAX_NEST {
        return Err(format!("nesting deeper than {MAX_NEST} levels (after aliases)"));
    }
    *budget = budget.checked_sub(1).ok_or("the document expands to too many nodes (aliases)")?;
    Ok(match &doc.node(id).kind {
        Kind::Scalar { value, style } => Val::Scalar(value.clone(), *style),
        Kind::Seq(items) => Val::Seq(
            items.iter().map(|&i| to_val(doc, i, depth + 1, budget)).collect::<Result<_, _>>()?,
            Origin(Some(id)),
        ),
        Kind::Map(entries) => Val::Map(
            entries
                .iter()
                .map(|&(k, v)| Ok((to_val(doc, k, depth + 1, budget)?, to_val(doc, v, depth + 1, budget)?)))
                .collect::<Result<_, String>>()?,
            Origin(Some(id)),
        ),
    })
}

/// What `migrate-spec` did, for the summary line and the tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// `GET /api/v2/cdr → GET /api/v4/reporting/cdrs (inferred)`.
    pub rewritten: Vec<String>,
    /// Operations kept where they were, with why.
    pub flagged: Vec<String>,
    /// Security schemes replaced by the bearer scheme.
    pub schemes_replaced: Vec<String>,
    pub params_removed: usize,
    pub bearer_scheme: String,
    /// Key segments taken out of server URLs (or `basePath`).
    pub servers: Vec<String>,
    /// What needs a hand: key parameters or schemes behind a `$ref` to another file.
    pub warnings: Vec<String>,
    /// Parts of the document re-rendered as a whole (their comments and layout are gone).
    pub rerendered: Vec<String>,
    /// Why the whole document was re-rendered instead of edited in place (`None`: edited).
    pub fallback: Option<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} operation(s) moved to v4, {} kept and flagged, {} key parameter(s) removed; security scheme(s) {} replaced by `{}`",
            self.rewritten.len(),
            self.flagged.len(),
            self.params_removed,
            if self.schemes_replaced.is_empty() { "(none)".to_owned() } else { self.schemes_replaced.join(", ") },
            self.bearer_scheme
        )?;
        for r in &self.rewritten {
            writeln!(f, "  moved:   {r}")?;
        }
        for r in &self.flagged {
            writeln!(f, "  flagged: {r}")?;
        }
        for r in &self.servers {
            writeln!(f, "  server:  {r}")?;
        }
        for w in &self.warnings {
            writeln!(f, "  warning: {w}")?;
        }
        if let Some(why) = &self.fallback {
            writeln!(f, "  layout:  re-rendered as a whole, comments and formatting not kept: {why}")?;
        }
        for r in &self.rerendered {
            writeln!(f, "  layout:  {r}")?;
        }
        Ok(())
    }
}

/// The migrated document and what was done.
#[derive(Debug)]
pub struct Migrated {
    pub text: String,
    pub summary: Summary,
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// How the migrated document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Edits on the original text: comments and formatting kept (falls back to `Rerender`
    /// when that cannot be done safely, and says so in the summary).
    Preserve,
    /// The whole document written again from its structure.
    Rerender,
}

/// Migrate a spec's text, keeping its comments and layout.
///
/// # Errors
/// A message naming the line when the text is not valid YAML/JSON or not an OpenAPI 3.x /
/// Swagger 2.0 document.
pub fn migrate(catalog: &Catalog, text: &str) -> Result<Migrated, String> {
    migrate_with(catalog, text, None, Layout::Preserve)
}

/// Migrate a spec's text. `spec` is where it is on disk, for `$ref`s to other files.
///
/// # Errors
/// As [`migrate`].
#[allow(clippy::too_many_lines)]
pub fn migrate_with(catalog: &Catalog, text: &str, spec: Option<&Path>, layout: Layout) -> Result<Migrated, String> {
    let json = text.trim_start().starts_with('{');
    let kind = if json { "JSON" } else { "YAML" };
    let loaded = tree::load(text).map_err(|p| format!("not valid {kind} at line {}: {}", p.line, p.message))?;
    let doc = loaded.doc;
    let v = match version(&doc) {
        None => return Err("not an OpenAPI/Swagger spec: no top-level `openapi` or `swagger` key".into()),
        Some(Err((_, why))) => return Err(format!("not a supported spec: {why}")),
        Some(Ok(v)) => v,
    };
    let servers_list = servers(&doc, v);
    let lower = text.to_ascii_lowercase();
    let mentioned: Vec<bool> = catalog.hosts_mentioned(&lower);
    let mut budget = MAX_NODES;
    let original = to_val(&doc, doc.root, 0, &mut budget)?;
    let mut root = original.clone();
    let mut sum = Summary::default();

    // 1. security schemes: apiKey and HTTP bearer schemes become one bearer scheme
    let schemes_of = |r: &Val| -> Option<Val> {
        if v == Version::Swagger2 {
            r.get("securityDefinitions").cloned()
        } else {
            r.get("components").and_then(|c| c.get("securitySchemes")).cloned()
        }
    };
    let schemes = schemes_of(&original).unwrap_or(Val::map(Vec::new()));
    let resolve = |x: &Val| -> Val {
        let mut x = x.clone();
        for _ in 0..16 {
            match x.get_str("$ref").and_then(|r| r.strip_prefix('#')).and_then(|p| original.pointer(p)) {
                Some(t) => x = t.clone(),
                None => break,
            }
        }
        x
    };
    let mut kept_names = Vec::new();
    for (k, s) in schemes.entries() {
        let name = k.str().unwrap_or("").to_owned();
        let s = resolve(s);
        let t = s.get_str("type").unwrap_or("");
        let bearer = t == "http" && s.get_str("scheme").is_some_and(|x| x.eq_ignore_ascii_case("bearer"));
        if t == "apiKey" || bearer {
            sum.schemes_replaced.push(name);
        } else {
            kept_names.push(name);
        }
    }
    let bearer = ["bearerAuth", "v4BearerAuth", "scopeshiftBearer"]
        .into_iter()
        .find(|n| !kept_names.iter().any(|k| k == n))
        .unwrap_or("scopeshiftBearer")
        .to_owned();
    sum.bearer_scheme.clone_from(&bearer);
    let vendor_auth = catalog
        .vendors
        .iter()
        .find(|vd| super::rules::hosting(vd, &servers_list) == super::rules::Hosting::Hosted)
        .map_or("Authorization: Bearer <key>".to_owned(), |vd| vd.auth.clone());
    let bearer_def = if v == Version::Swagger2 {
        Val::map(vec![
            (Val::plain("type"), Val::plain("apiKey")),
            (Val::plain("in"), Val::plain("header")),
            (Val::plain("name"), Val::plain("Authorization")),
            (
                Val::plain("description"),
                Val::s(format!("v4 API key with the operation's scopes, sent as `{vendor_auth}`")),
            ),
        ])
    } else {
        Val::map(vec![
            (Val::plain("type"), Val::plain("http")),
            (Val::plain("scheme"), Val::plain("bearer")),
            (
                Val::plain("description"),
                Val::s(format!("v4 API key with the operation's scopes, sent as `{vendor_auth}`")),
            ),
        ])
    };
    {
        let container = if v == Version::Swagger2 {
            root.map_at("securityDefinitions")
        } else {
            root.map_at("components").map_at("securitySchemes")
        };
        for n in &sum.schemes_replaced {
            container.remove(n);
        }
        container.set(&bearer, bearer_def);
    }
    let replaced = sum.schemes_replaced.clone();
    let rewrite_security = |sec: &Val, scopes: &[String]| -> Val {
        let mut alts: Vec<Val> = Vec::new();
        for alt in sec.items() {
            let mut m: Vec<(Val, Val)> = Vec::new();
            for (k, val) in alt.entries() {
                let name = k.str().unwrap_or("");
                let (name, val) = if replaced.iter().any(|r| r == name) {
                    (bearer.as_str(), scope_seq(v, scopes))
                } else {
                    (name, val.clone())
                };
                if !m.iter().any(|(k, _)| k.str() == Some(name)) {
                    m.push((Val::plain(name), val));
                }
            }
            let alt = Val::Map(m, Origin(alt.origin()));
            if !alts.contains(&alt) {
                alts.push(alt);
            }
        }
        Val::seq(alts)
    };
    let global = match original.get("security") {
        Some(sec) => rewrite_security(sec, &[]),
        None => Val::seq(vec![Val::map(vec![(Val::plain(bearer.clone()), Val::seq(Vec::new()))])]),
    };
    root.set("security", global);

    // 2. operations
    let is_key_param = |p: &Val| -> bool {
        let p = resolve(p);
        matches!(p.get_str("in"), Some("query" | "path")) && p.get_str("name").is_some_and(|n| is_key_name(catalog, n))
    };
    let norm_base: Vec<String> = servers_list.first().map(|s| s.base.clone()).unwrap_or_default();
    let ext = external_refs(catalog, &doc, text, v, spec);
    // key segments of the server URLs (`/api/v1/{apiKey}`, a literal key in `basePath`)
    let server_keys = super::rules::server_keys(catalog, &doc, text, v);
    let base_keys: Vec<usize> = server_keys.iter().filter(|k| k.server == 0).map(|k| k.index).collect();
    let mut new_paths: Vec<(Val, Val)> = Vec::new();
    for (pk, item) in original.get("paths").map(Val::entries).unwrap_or_default() {
        let Some(path) = pk.str() else { continue };
        let own = segments(path);
        let full_of = |drop: &[usize]| -> String {
            let segs: Vec<&str> = norm_base
                .iter()
                .map(String::as_str)
                .chain(own.iter().copied())
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, s)| s)
                .collect();
            format!("/{}", segs.join("/"))
        };
        if item.get("$ref").is_some() {
            insert_item(&mut new_paths, &full_of(&[]), item.clone());
            continue;
        }
        let item_params: Vec<Val> = item.get("parameters").map(|p| p.items().to_vec()).unwrap_or_default();
        let meta: Vec<(Val, Val)> = item
            .entries()
            .iter()
            .filter(|(k, _)| k.str().is_none_or(|k| !METHODS.contains(&k) && k != "parameters"))
            .cloned()
            .collect();
        // key segments by name (`{api_key}`), as indices into the full path
        let key_idx: Vec<usize> = own
            .iter()
            .enumerate()
            .filter(|(_, s)| s.starts_with('{') && s.ends_with('}') && is_key_name(catalog, &s[1..s.len() - 1]))
            .map(|(i, _)| i + norm_base.len())
            .chain(base_keys.iter().copied())
            .collect();
        let mut any_op = false;
        for (mk, op) in item.entries() {
            let Some(m) = mk.str().filter(|m| METHODS.contains(m)) else { continue };
            let Some(method) = crate::catalog::Method::parse(m) else { continue };
            any_op = true;
            let matched = match_operation(catalog, &servers_list, &mentioned, path, method);
            let base_len = matched.map_or(norm_base.len(), |(_, b)| b);
            let shift = |i: usize| (i + norm_base.len()).saturating_sub(base_len);
            let mut drop = key_idx.clone();
            if let Some((Matched::Legacy(vd, i), _)) = matched
                && let (KeyPlacement::Path, Some(ks)) = (vd.legacy[i].key, vd.legacy[i].key_segment)
                && !drop.contains(&shift(ks))
            {
                drop.push(shift(ks));
            }
            let full: Vec<String> = segments(&full_of(&[])).into_iter().map(str::to_owned).collect();
            let dropped_names: Vec<String> =
                drop.iter().filter_map(|&i| full.get(i)).map(|s| s.trim_matches(['{', '}']).to_owned()).collect();
            // parameters: path-level pushed down into the operation, key parameters removed
            let mut params: Vec<Val> = Vec::new();
            let op_params: Vec<Val> = op.get("parameters").map(|p| p.items().to_vec()).unwrap_or_default();
            for p in item_params.iter().chain(&op_params) {
                let r = resolve(p);
                let is_dropped_path = r.get_str("in") == Some("path")
                    && r.get_str("name").is_some_and(|n| dropped_names.iter().any(|d| d == n));
                if is_key_param(p) || is_dropped_path {
                    sum.params_removed += 1;
                    continue;
                }
                let id = (r.get_str("name").map(str::to_owned), r.get_str("in").map(str::to_owned));
                params.retain(|q| {
                    let q = resolve(q);
                    id.0.is_none() || (q.get_str("name").map(str::to_owned), q.get_str("in").map(str::to_owned)) != id
                });
                params.push(p.clone());
            }
            let mut op = op.clone();
            // a literal key in the base path is never written out
            let from = format!("{} {}", method, crate::secret::mask_tokens(&full_of(&[])));
            let mut target_method = method;
            let mut target = full_of(&drop);
            let mut scopes: Vec<String> = Vec::new();
            let mut mapping: Vec<(Val, Val)> = Vec::new();
            let mut renames: Vec<(String, String)> = Vec::new();
            match matched {
                Some((Matched::Legacy(vd, i), _)) => {
                    let l = &vd.legacy[i];
                    scopes = vd.legacy_scopes(l);
                    mapping.push((Val::plain("from"), Val::s(&from)));
                    if let Some(reason) = &l.unmapped {
                        mapping.push((Val::plain("status"), Val::plain("unmapped")));
                        mapping.push((Val::plain("reason"), Val::s(reason)));
                        sum.flagged.push(format!("{from}: no v4 counterpart ({reason})"));
                    } else {
                        let e = &vd.v4[l.v4[0]];
                        let targets: Vec<&str> = l.v4.iter().map(|&t| vd.v4[t].id.as_str()).collect();
                        if let Some(p) = &e.path {
                            target = p.text.clone();
                            target_method = e.method;
                            // legacy parameters map to the v4 ones in order
                            let v4_params: Vec<&str> = p
                                .segs
                                .iter()
                                .filter_map(|s| if let Seg::Param(n) = s { Some(n.as_str()) } else { None })
                                .collect();
                            let legacy_pos: Vec<usize> = l
                                .path
                                .segs
                                .iter()
                                .enumerate()
                                .filter(|(_, s)| matches!(s, Seg::Param(n) if n != "key"))
                                .map(|(i, _)| i)
                                .collect();
                            for (pos, new) in legacy_pos.iter().zip(&v4_params) {
                                if let Some(old) = full.get(shift(*pos)) {
                                    renames.push((old.trim_matches(['{', '}']).to_owned(), (*new).to_owned()));
                                }
                            }
                            mapping.push((Val::plain("to"), Val::s(e.display())));
                            mapping.push((Val::plain("status"), Val::plain(l.mapping.as_str())));
                            sum.rewritten.push(format!("{from} → {} ({})", e.display(), l.mapping.as_str()));
                        } else {
                            mapping.push((Val::plain("to"), Val::s(e.display())));
                            mapping.push((Val::plain("status"), Val::plain("v4-path-unknown")));
                            sum.flagged.push(format!("{from}: v4 path not documented ({})", e.display()));
                        }
                        mapping.push((Val::plain("catalog"), Val::s(format!("{} → {}", l.id, targets.join(", ")))));
                        if let Some(n) = &l.note {
                            mapping.push((Val::plain("note"), Val::s(n)));
                        }
                    }
                }
                Some((Matched::V4(vd, i), _)) => scopes = vd.v4[i].scope.iter().cloned().collect(),
                Some((Matched::Unlisted(vd), _)) => {
                    mapping.push((Val::plain("from"), Val::s(&from)));
                    mapping.push((Val::plain("status"), Val::plain("not-in-catalog")));
                    mapping
                        .push((Val::plain("reason"), Val::s(format!("this path is not in the {} catalog", vd.name))));
                    sum.flagged.push(format!("{from}: not in the {} catalog", vd.name));
                }
                None if !drop.is_empty() => {
                    mapping.push((Val::plain("from"), Val::s(&from)));
                    mapping.push((Val::plain("status"), Val::plain("key-removed")));
                    sum.flagged.push(format!("{from}: key removed from the path, no catalog entry"));
                }
                None => {}
            }
            // path parameters follow the target template
            let wanted: Vec<String> = segments(&target)
                .iter()
                .filter(|s| s.starts_with('{') && s.ends_with('}'))
                .map(|s| s[1..s.len() - 1].to_owned())
                .collect();
            let mut fixed: Vec<Val> = Vec::new();
            for p in params {
                let r = resolve(&p);
                if r.get_str("in") == Some("path") {
                    let name = r.get_str("name").unwrap_or("").to_owned();
                    let new = renames.iter().find(|(o, _)| *o == name).map_or(name.clone(), |(_, n)| n.clone());
                    if !wanted.contains(&new) {
                        continue;
                    }
                    if new != name {
                        let mut q = r.clone();
                        q.set("name", Val::plain(new));
                        fixed.push(q);
                        continue;
                    }
                }
                fixed.push(p);
            }
            for w in &wanted {
                let has = fixed.iter().any(|p| {
                    let r = resolve(p);
                    r.get_str("in") == Some("path") && r.get_str("name") == Some(w)
                });
                if !has {
                    let mut p = vec![
                        (Val::plain("name"), Val::plain(w.clone())),
                        (Val::plain("in"), Val::plain("path")),
                        (Val::plain("required"), Val::plain("true")),
                    ];
                    if v == Version::Swagger2 {
                        p.push((Val::plain("type"), Val::plain("string")));
                    } else {
                        p.push((Val::plain("schema"), Val::map(vec![(Val::plain("type"), Val::plain("string"))])));
                    }
                    fixed.push(Val::map(p));
                }
            }
            if fixed.is_empty() {
                op.remove("parameters");
            } else {
                op.set("parameters", Val::seq(fixed));
            }
            if let Some(sec) = op.get("security").cloned() {
                op.set("security", rewrite_security(&sec, if v == Version::Oas31 { &scopes } else { &[] }));
            } else if v == Version::Oas31 && !scopes.is_empty() {
                op.set("security", Val::seq(vec![Val::map(vec![(Val::plain(bearer.clone()), scope_seq(v, &scopes))])]));
            }
            if !scopes.is_empty() {
                op.set("x-scopes", Val::seq(scopes.iter().map(|s| Val::plain(s.clone())).collect()));
            }
            if !mapping.is_empty() {
                op.set("x-scopeshift-mapping", Val::map(mapping));
            }
            let flags: Vec<Val> = ext
                .iter()
                .filter(|e| e.holder.is_some() && (e.holder == op.origin() || e.holder == item.origin()))
                .map(ExternalRef::flag)
                .collect();
            if !flags.is_empty() {
                op.set("x-scopeshift-unresolved", Val::seq(flags));
            }
            let method_key = target_method.as_str().to_ascii_lowercase();
            let slot = item_slot(&mut new_paths, &target, &meta);
            if let Some(existing) = slot.get_mut(&method_key) {
                // two legacy operations on one v4 operation: keep the first, say so
                let m = existing.map_at("x-scopeshift-mapping");
                let merged = m.map_at("merged");
                *merged = Val::seq(merged.items().iter().cloned().chain([Val::s(&from)]).collect());
                sum.flagged.push(format!("{from}: merged into {} {target}", target_method));
            } else {
                slot.set(&method_key, op);
            }
        }
        if !any_op {
            let mut item = item.clone();
            let params: Vec<Val> = item_params.into_iter().filter(|p| !is_key_param(p)).collect();
            if params.is_empty() {
                item.remove("parameters");
            } else {
                item.set("parameters", Val::seq(params));
            }
            insert_item(&mut new_paths, &full_of(&key_idx), item);
        }
    }
    if original.get("paths").is_some() {
        root.set("paths", Val::map(new_paths));
    }
    // `$ref`s to other files: kept, flagged, and a warning each
    let top: Vec<Val> = ext.iter().filter(|e| e.holder.is_none()).map(ExternalRef::flag).collect();
    if !top.is_empty() {
        root.set("x-scopeshift-unresolved", Val::seq(top));
    }
    // one warning per reference, with every operation that uses it
    let mut seen: Vec<&str> = Vec::new();
    for e in &ext {
        if seen.contains(&e.reference.as_str()) {
            continue;
        }
        seen.push(&e.reference);
        let mut all =
            ExternalRef { holder: None, reference: e.reference.clone(), target: e.target.clone(), users: Vec::new() };
        for u in ext.iter().filter(|x| x.reference == e.reference).flat_map(|x| &x.users) {
            if !all.users.contains(u) {
                all.users.push(u.clone());
            }
        }
        sum.warnings.push(all.warning());
    }

    // 3. shared key parameters go; servers lose the base path now in every path
    let shared = if v == Version::Swagger2 {
        root.get_mut("parameters")
    } else {
        root.get_mut("components").and_then(|c| c.get_mut("parameters"))
    };
    if let Some(Val::Map(m, _)) = shared {
        let before = m.len();
        m.retain(|(_, p)| !is_key_param(p));
        sum.params_removed += before - m.len();
    }
    if v != Version::Swagger2
        && let Some(c) = root.get_mut("components")
        && matches!(c.get("parameters"), Some(Val::Map(m, _)) if m.is_empty())
    {
        c.remove("parameters");
    }
    if matches!(root.get("parameters"), Some(Val::Map(m, _)) if m.is_empty()) {
        root.remove("parameters");
    }
    if !norm_base.is_empty() {
        if v == Version::Swagger2 {
            root.set("basePath", Val::plain("/"));
        } else if let Some(Val::Seq(list, _)) = root.get_mut("servers") {
            for s in list {
                if let Some(url) = s.get_str("url").map(str::to_owned) {
                    s.set("url", Val::s(strip_base(&url, &norm_base)));
                }
            }
        }
    }
    // the key segments of the other servers, and the key variables
    for k in &server_keys {
        let shown = crate::secret::mask_tokens(doc.str(k.url).unwrap_or(""));
        let seg = if k.segment.starts_with('{') { k.segment.clone() } else { crate::secret::mask(&k.segment) };
        if v == Version::Swagger2 {
            sum.servers.push(format!("`{seg}` removed from basePath {shown}"));
            continue;
        }
        let Some(Val::Seq(list, _)) = root.get_mut("servers") else { continue };
        let Some(server) = list.get_mut(k.server) else { continue };
        if let Some(url) = server.get_str("url").map(str::to_owned) {
            let cut = url.replacen(&format!("/{}", k.segment), "", 1);
            if cut != url {
                server.set("url", Val::s(cut));
            }
        }
        let mut what = format!("`{seg}` removed from server URL {shown}");
        if let Some((name, _)) = &k.variable
            && server.get_str("url").is_none_or(|u| !u.contains(&k.segment))
            && let Some(vars) = server.get_mut("variables")
        {
            vars.remove(name);
            what.push_str(&format!(", with its variable `{name}`"));
            if vars.entries().is_empty() {
                server.remove("variables");
            }
        }
        sum.servers.push(what);
    }
    let out = match layout {
        Layout::Rerender => render(&root, json),
        Layout::Preserve => match super::splice::splice(text, &doc, &root, json) {
            Ok(sp) if structure(&sp.text).as_ref() == Ok(&canonical(&root)) => {
                sum.rerendered = sp.notes;
                sp.text
            }
            Ok(_) => {
                sum.fallback = Some("the edited text did not read back as the migrated document".into());
                render(&root, json)
            }
            Err(why) => {
                sum.fallback = Some(why);
                render(&root, json)
            }
        },
    };
    Ok(Migrated { text: out, summary: sum })
}

/// A `$ref` to another file where a key parameter or scheme may be: migrate-spec writes one
/// file, so it keeps the reference and flags it.
#[derive(Debug)]
struct ExternalRef {
    /// The operation or path item whose parameters hold it (`None`: shared definitions and
    /// security schemes, flagged at the top level).
    holder: Option<NodeId>,
    reference: String,
    /// `Ok(what it points at)`, or why it could not be followed.
    target: Result<String, String>,
    users: Vec<String>,
}

impl ExternalRef {
    fn flag(&self) -> Val {
        let reason = match &self.target {
            Ok(what) => format!("{what} in another file: not migrated, since migrate-spec writes one file"),
            Err(why) => format!("not followed ({why}): check it by hand"),
        };
        Val::map(vec![(Val::plain("ref"), Val::s(&self.reference)), (Val::plain("reason"), Val::s(reason))])
    }

    fn warning(&self) -> String {
        let users = if self.users.is_empty() { String::new() } else { format!(" (used by {})", self.users.join(", ")) };
        match &self.target {
            Ok(what) => format!(
                "`{}`{users} is {what} in another file: the reference is kept and flagged (`x-scopeshift-unresolved`); remove it, or migrate that file too",
                self.reference
            ),
            Err(why) => {
                format!("`{}`{users} could not be followed ({why}): kept as it is, check it by hand", self.reference)
            }
        }
    }
}

/// The `$ref`s to other files among the parameters (operation, path item, shared) and the
/// security schemes that point at a key parameter or an apiKey scheme, or cannot be followed.
fn external_refs(catalog: &Catalog, doc: &Doc, text: &str, v: Version, spec: Option<&Path>) -> Vec<ExternalRef> {
    if !text.contains("$ref") {
        return Vec::new();
    }
    let shown = spec.map_or_else(|| "spec".to_owned(), |p| p.display().to_string());
    let file = crate::source::SourceFile::decode(shown, text.as_bytes());
    // followed when inside the current directory or the spec's own directory
    let dir = spec.and_then(Path::parent).map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p });
    let roots: Vec<std::path::PathBuf> = [std::env::current_dir().ok(), dir.map(Path::to_path_buf)]
        .into_iter()
        .flatten()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let roots = if spec.is_some() { roots } else { Vec::new() };
    let ctx = super::Context { roots: &roots, linted_alone: None };
    let mut docs = super::Docs::new(&file, doc.clone(), &ctx);
    // (node, holder, user, is a scheme)
    let mut sites: Vec<(NodeId, Option<NodeId>, Option<String>, bool)> = Vec::new();
    let root = doc.root;
    for &(pk, item) in doc.get(root, "paths").map(|p| doc.entries(p)).unwrap_or_default() {
        let path = doc.str(pk).unwrap_or("?");
        let ops: Vec<(String, NodeId)> = doc
            .entries(item)
            .iter()
            .filter_map(|&(mk, op)| doc.str(mk).filter(|m| METHODS.contains(m)).map(|m| (m.to_ascii_uppercase(), op)))
            .collect();
        for &p in doc.get(item, "parameters").map(|l| doc.items(l)).unwrap_or_default() {
            let user = if ops.is_empty() {
                path.to_owned()
            } else {
                ops.iter().map(|(m, _)| format!("{m} {path}")).collect::<Vec<_>>().join(", ")
            };
            sites.push((p, Some(item), Some(user), false));
        }
        for (m, op) in &ops {
            for &p in doc.get(*op, "parameters").map(|l| doc.items(l)).unwrap_or_default() {
                sites.push((p, Some(*op), Some(format!("{m} {path}")), false));
            }
        }
    }
    let (shared, schemes) = if v == Version::Swagger2 {
        (doc.get(root, "parameters"), doc.get(root, "securityDefinitions"))
    } else {
        let c = doc.get(root, "components");
        (c.and_then(|c| doc.get(c, "parameters")), c.and_then(|c| doc.get(c, "securitySchemes")))
    };
    sites.extend(shared.map(|s| doc.entries(s)).unwrap_or_default().iter().map(|&(_, p)| (p, None, None, false)));
    sites.extend(schemes.map(|s| doc.entries(s)).unwrap_or_default().iter().map(|&(_, p)| (p, None, None, true)));
    let mut out: Vec<ExternalRef> = Vec::new();
    for (node, holder, user, scheme) in sites {
        // local references first, to the first one that names another file
        let mut at = node;
        let mut reference = None;
        for _ in 0..32 {
            let Some(r) = doc.get_str(at, "$ref") else { break };
            match r.strip_prefix('#') {
                Some(ptr) => match doc.pointer(ptr) {
                    Some(next) => at = next,
                    None => break,
                },
                None => {
                    reference = Some(r.to_owned());
                    break;
                }
            }
        }
        let Some(reference) = reference else { continue };
        let before = docs.errors.len();
        let target = match docs.deref((0, at)) {
            Some((i, t)) => {
                let d = docs.doc(i);
                if scheme {
                    if d.get_str(t, "type") != Some("apiKey") {
                        continue;
                    }
                    Ok(format!(
                        "an apiKey scheme (`{}` in {})",
                        d.get_str(t, "name").unwrap_or("?"),
                        d.get_str(t, "in").unwrap_or("?")
                    ))
                } else {
                    let (Some(name), Some(place)) = (d.get_str(t, "name"), d.get_str(t, "in")) else { continue };
                    if !matches!(place, "query" | "path") || !is_key_name(catalog, name) {
                        continue;
                    }
                    Ok(format!("a key parameter (`{name}` in {place})"))
                }
            }
            None => Err(docs.errors.get(before).map_or_else(
                || "it could not be read".to_owned(),
                |e| {
                    let m = e.message.rsplit_once("`: ").map_or(e.message.as_str(), |(_, m)| m);
                    m.replace("the scanned tree", "the current directory and the spec's directory")
                },
            )),
        };
        match out.iter_mut().find(|e| e.reference == reference && e.holder == holder) {
            Some(e) => e.users.extend(user),
            None => out.push(ExternalRef { holder, reference, target, users: user.into_iter().collect() }),
        }
    }
    out
}

/// The whole document written from its structure.
fn render(root: &Val, json: bool) -> String {
    let mut out = String::with_capacity(4096);
    if json {
        emit_json(root, 0, 2, &mut out);
        out.push('\n');
    } else {
        emit_yaml_root(root, &mut out);
    }
    out
}

/// What a YAML/JSON text means, for comparing two renderings: mappings without order, scalars
/// by their resolved type (`1` and `"1"` differ, `a` and `"a"` do not).
///
/// # Errors
/// The text is not valid YAML/JSON.
pub fn structure(text: &str) -> Result<serde_json::Value, String> {
    let doc = tree::load(text).map_err(|p| format!("line {}: {}", p.line, p.message))?.doc;
    Ok(canonical(&to_val(&doc, doc.root, 0, &mut { MAX_NODES })?))
}

fn canonical(v: &Val) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Val::Scalar(s, st) if super::splice::reads_as_string(s, *st) => J::String(s.clone()),
        Val::Scalar(s, _) => match s.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => J::Null,
            "true" | "True" | "TRUE" => J::Bool(true),
            "false" | "False" | "FALSE" => J::Bool(false),
            _ => serde_json::json!({ "\u{0}scalar": s }),
        },
        Val::Seq(items, _) => J::Array(items.iter().map(canonical).collect()),
        Val::Map(m, _) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                let key = k.str().map_or_else(|| format!("{k:?}"), str::to_owned);
                out.insert(key, canonical(v));
            }
            J::Object(out)
        }
    }
}

fn scope_seq(v: Version, scopes: &[String]) -> Val {
    if v == Version::Oas31 {
        Val::seq(scopes.iter().map(|s| Val::plain(s.clone())).collect())
    } else {
        Val::seq(Vec::new())
    }
}

/// The server URL without the base path (`https://{cluster}.voiso.com/api/v1` → `https://{cluster}.voiso.com`).
fn strip_base(url: &str, base: &[String]) -> String {
    let s: Server = parse_server(url);
    if s.base != base {
        return url.to_owned();
    }
    let mut out = url.trim_end_matches('/').to_owned();
    for seg in base.iter().rev() {
        if let Some(rest) = out.strip_suffix(seg.as_str()) {
            out = rest.trim_end_matches('/').to_owned();
        }
    }
    if out.is_empty() { "/".into() } else { out }
}

fn insert_item(paths: &mut Vec<(Val, Val)>, path: &str, item: Val) {
    if let Some((_, existing)) = paths.iter_mut().find(|(k, _)| k.str() == Some(path)) {
        if let (Val::Map(a, _), Val::Map(b, _)) = (existing, item) {
            for (k, v) in b {
                if !a.iter().any(|(x, _)| *x == k) {
                    a.push((k, v));
                }
            }
        }
    } else {
        paths.push((Val::plain(path), item));
    }
}

fn item_slot<'p>(paths: &'p mut Vec<(Val, Val)>, path: &str, meta: &[(Val, Val)]) -> &'p mut Val {
    let i = match paths.iter().position(|(k, _)| k.str() == Some(path)) {
        Some(i) => i,
        None => {
            paths.push((Val::plain(path), Val::map(meta.to_vec())));
            paths.len() - 1
        }
    };
    &mut paths[i].1
}

// ---- emitters ----

pub(super) fn emit_json(v: &Val, indent: usize, step: usize, out: &mut String) {
    let pad = |n: usize, out: &mut String| out.extend(std::iter::repeat_n(' ', n));
    match v {
        Val::Scalar(s, style) => out.push_str(&json_scalar(s, *style)),
        Val::Seq(items, _) if items.is_empty() => out.push_str("[]"),
        Val::Map(m, _) if m.is_empty() => out.push_str("{}"),
        Val::Seq(items, _) => {
            out.push_str("[\n");
            for (i, it) in items.iter().enumerate() {
                pad(indent + step, out);
                emit_json(it, indent + step, step, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push(']');
        }
        Val::Map(m, _) => {
            out.push_str("{\n");
            for (i, (k, val)) in m.iter().enumerate() {
                pad(indent + step, out);
                out.push_str(&serde_json::to_string(k.str().unwrap_or("")).unwrap_or_default());
                out.push_str(": ");
                emit_json(val, indent + step, step, out);
                out.push_str(if i + 1 < m.len() { ",\n" } else { "\n" });
            }
            pad(indent, out);
            out.push('}');
        }
    }
}

pub(super) fn json_scalar(s: &str, style: Style) -> String {
    if style == Style::Plain {
        match s {
            "null" | "~" | "" => return "null".into(),
            "true" | "false" => return s.into(),
            _ if s.parse::<serde_json::Number>().is_ok() => return s.into(),
            _ => {}
        }
    }
    serde_json::to_string(s).unwrap_or_default()
}

pub(super) fn emit_yaml_root(v: &Val, out: &mut String) {
    match v {
        Val::Map(m, _) if !m.is_empty() => emit_yaml_map(m, 0, 2, out),
        Val::Seq(s, _) if !s.is_empty() => emit_yaml_seq(s, 0, 2, out),
        other => {
            out.push_str(&yaml_inline(other, 0));
            out.push('\n');
        }
    }
}

pub(super) fn yaml_inline(v: &Val, indent: usize) -> String {
    match v {
        Val::Scalar(s, style) => yaml_scalar(s, *style, indent),
        Val::Seq(..) => "[]".into(),
        Val::Map(..) => "{}".into(),
    }
}

pub(super) fn emit_yaml_map(m: &[(Val, Val)], indent: usize, step: usize, out: &mut String) {
    for (k, val) in m {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str(&yaml_key(k));
        out.push(':');
        emit_yaml_value(val, indent, step, out);
    }
}

/// A value after `key:` or `- `: inline, or on the following lines.
pub(super) fn emit_yaml_value(val: &Val, indent: usize, step: usize, out: &mut String) {
    match val {
        Val::Map(c, _) if !c.is_empty() => {
            out.push('\n');
            emit_yaml_map(c, indent + step, step, out);
        }
        Val::Seq(c, _) if !c.is_empty() => {
            out.push('\n');
            emit_yaml_seq(c, indent + step, step, out);
        }
        other => {
            out.push(' ');
            out.push_str(&yaml_inline(other, indent));
            out.push('\n');
        }
    }
}

pub(super) fn emit_yaml_seq(items: &[Val], indent: usize, step: usize, out: &mut String) {
    for it in items {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push('-');
        match it {
            Val::Map(c, _) if !c.is_empty() => {
                // first entry on the dash's line, the rest under it
                let mut inner = String::new();
                emit_yaml_map(c, indent + 2, step, &mut inner);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            Val::Seq(c, _) if !c.is_empty() => {
                let mut inner = String::new();
                emit_yaml_seq(c, indent + 2, step, &mut inner);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            other => {
                out.push(' ');
                out.push_str(&yaml_inline(other, indent));
                out.push('\n');
            }
        }
    }
}

pub(super) fn yaml_key(k: &Val) -> String {
    match k {
        Val::Scalar(s, style) if !s.contains('\n') => yaml_scalar(s, *style, 0),
        Val::Scalar(s, _) => double_quoted(s),
        other => yaml_inline(other, 0),
    }
}

/// A scalar in block context: plain when it reads back the same, a literal block for multi-line
/// text, double-quoted otherwise.
pub(super) fn yaml_scalar(s: &str, style: Style, indent: usize) -> String {
    if s.contains('\n') {
        if matches!(style, Style::Literal | Style::Folded | Style::Plain | Style::Double | Style::Single)
            && !s.starts_with([' ', '\t'])
            && !s.contains('\r')
            && s.chars().all(|c| !c.is_control() || c == '\n' || c == '\t')
            && !s.trim_end_matches('\n').is_empty()
        {
            let chomp = if !s.ends_with('\n') {
                "-"
            } else if s.ends_with("\n\n") {
                "+"
            } else {
                ""
            };
            let pad: String = " ".repeat(indent + 2);
            let body = s.strip_suffix('\n').unwrap_or(s);
            let mut out = format!("|{chomp}");
            for line in body.split('\n') {
                out.push('\n');
                if !line.is_empty() {
                    out.push_str(&pad);
                    out.push_str(line);
                }
            }
            return out;
        }
        return double_quoted(s);
    }
    if plain_ok(s, style == Style::Plain) {
        return s.to_owned();
    }
    if style == Style::Single && !s.chars().any(char::is_control) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    double_quoted(s)
}

pub(super) fn plain_ok(s: &str, was_plain: bool) -> bool {
    if s.is_empty() || s.trim() != s || s.chars().any(char::is_control) {
        return false;
    }
    if s.starts_with(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`'])
        && !(was_plain && s.starts_with(['-', '?', ':']) && s.len() > 1 && !s[1..].starts_with(' '))
    {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if was_plain {
        return true;
    }
    // a string that would read back as another type keeps its quotes
    let l = s.to_ascii_lowercase();
    !(matches!(l.as_str(), "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off" | "y" | "n")
        || s.parse::<f64>().is_ok()
        || s.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == '+'))
}

pub(super) fn double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(yaml: &str) -> String {
        let d = tree::load(yaml).unwrap().doc;
        let v = to_val(&d, d.root, 0, &mut 1000).unwrap();
        let mut out = String::new();
        emit_yaml_root(&v, &mut out);
        out
    }

    #[test]
    fn yaml_round_trip_keeps_types_and_text() {
        let src = "a: 1\nb: '1'\nc: \"yes\"\nd: plain text\ne:\n  - x\n  - k: v\n    l: [1, 2]\nf: |\n  two\n  lines\ng: {}\n\"200\": ok\n";
        let out = round(src);
        assert_eq!(
            out,
            "a: 1\nb: '1'\nc: \"yes\"\nd: plain text\ne:\n  - x\n  - k: v\n    l:\n      - 1\n      - 2\nf: |\n  two\n  lines\ng: {}\n\"200\": ok\n"
        );
        assert_eq!(round(&out), out);
    }

    #[test]
    fn plain_scalars_that_need_quotes() {
        assert!(!plain_ok("a: b", false));
        assert!(!plain_ok("true", false));
        assert!(!plain_ok("3.0", false));
        assert!(plain_ok("3.0", true));
        assert!(plain_ok("/api/v4/campaigns/{campaign_id}/leads", false));
        assert!(!plain_ok("{x}", false));
    }

    #[test]
    fn strip_base_path() {
        assert_eq!(
            strip_base("https://{cluster}.voiso.com/api/v1", &["api".into(), "v1".into()]),
            "https://{cluster}.voiso.com"
        );
        assert_eq!(strip_base("/api/v1/", &["api".into(), "v1".into()]), "/");
    }
}
