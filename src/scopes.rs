//! Usages → the minimal scope set per vendor: the union of the scopes every call needs, each
//! with the file:line evidence, plus the calls that could not be mapped (never dropped).

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Mapping};
use crate::check::Usage;

/// One call that needs a scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub path: String,
    pub line: usize,
    pub call: String,
    pub v4: Option<String>,
    pub mapping: Option<Mapping>,
}

/// A call with no v4 scope to give.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unmapped {
    pub path: String,
    pub line: usize,
    pub call: String,
    pub reason: String,
}

/// The scopes one vendor's key needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorScopes {
    pub vendor: String,
    pub name: String,
    /// False when the vendor publishes no scopes (the manifest says so instead of inventing one).
    pub scopes_published: bool,
    pub scopes: BTreeMap<String, Vec<Evidence>>,
    /// For a vendor without scopes: every call found, so the manifest still shows them.
    pub calls: Vec<Evidence>,
    pub unmapped: Vec<Unmapped>,
    /// The vendor's advice beyond scopes (from the catalog).
    pub advice: Vec<String>,
}

/// Aggregate usages per vendor, sorted by vendor id, scopes and evidence sorted and deduplicated.
#[must_use]
pub fn infer(catalog: &Catalog, usages: &[Usage]) -> Vec<VendorScopes> {
    let mut out: BTreeMap<&str, VendorScopes> = BTreeMap::new();
    for u in usages {
        let Some(v) = catalog.vendor(&u.vendor) else { continue };
        let entry = out.entry(v.id.as_str()).or_insert_with(|| VendorScopes {
            vendor: v.id.clone(),
            name: v.name.clone(),
            scopes_published: v.scopes_published(),
            scopes: BTreeMap::new(),
            calls: Vec::new(),
            unmapped: Vec::new(),
            advice: v.advice.clone(),
        });
        if !entry.scopes_published && u.unmapped.is_none() {
            entry.calls.push(Evidence {
                path: u.path.clone(),
                line: u.line,
                call: u.call.clone(),
                v4: u.v4.clone(),
                mapping: u.mapping,
            });
        }
        if let Some(reason) = &u.unmapped {
            entry.unmapped.push(Unmapped {
                path: u.path.clone(),
                line: u.line,
                call: u.call.clone(),
                reason: reason.clone(),
            });
        }
        for s in &u.scopes {
            entry.scopes.entry(s.clone()).or_default().push(Evidence {
                path: u.path.clone(),
                line: u.line,
                call: u.call.clone(),
                v4: u.v4.clone(),
                mapping: u.mapping,
            });
        }
    }
    let mut out: Vec<VendorScopes> = out.into_values().collect();
    for v in &mut out {
        for ev in v.scopes.values_mut() {
            ev.sort();
            ev.dedup();
        }
        v.unmapped.sort();
        v.unmapped.dedup();
        v.calls.sort();
        v.calls.dedup();
    }
    out
}

/// The difference between the scopes the code needs and a manifest's grant, for one vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeDrift {
    pub vendor: String,
    /// Needed by a call, not granted: the call would get 403 with the new key.
    pub missing: Vec<String>,
    /// Granted, needed by no call: broader than least privilege.
    pub unused: Vec<String>,
    /// Granted and needed.
    pub kept: Vec<String>,
}

/// A scope manifest as read back for `check --manifest` (only `vendors.<v>.scopes` is the
/// contract; evidence and the rest are ignored).
#[derive(Debug, serde::Deserialize)]
pub struct ManifestFile {
    pub version: u32,
    #[serde(default)]
    pub vendors: BTreeMap<String, ManifestVendor>,
}

#[derive(Debug, serde::Deserialize)]
pub struct ManifestVendor {
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// Needed vs granted, per vendor present on either side, sorted.
#[must_use]
pub fn drift(needed: &[VendorScopes], manifest: &ManifestFile) -> Vec<ScopeDrift> {
    let mut vendors: Vec<&str> =
        needed.iter().map(|v| v.vendor.as_str()).chain(manifest.vendors.keys().map(String::as_str)).collect();
    vendors.sort_unstable();
    vendors.dedup();
    vendors
        .into_iter()
        .map(|vendor| {
            let need: Vec<&String> =
                needed.iter().find(|v| v.vendor == vendor).map(|v| v.scopes.keys().collect()).unwrap_or_default();
            let mut granted: Vec<&String> =
                manifest.vendors.get(vendor).map(|m| m.scopes.iter().collect()).unwrap_or_default();
            granted.sort();
            granted.dedup();
            ScopeDrift {
                vendor: vendor.to_owned(),
                missing: need.iter().filter(|s| !granted.contains(s)).map(|s| (*s).clone()).collect(),
                unused: granted.iter().filter(|s| !need.contains(s)).map(|s| (*s).clone()).collect(),
                kept: need.iter().filter(|s| granted.contains(s)).map(|s| (*s).clone()).collect(),
            }
        })
        .collect()
}
