//! The YAML shapes of `rules/` exactly as written: serde types with unknown fields denied.
//! [`super::compile`] turns them into validated types.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub docs_url: Option<String>,
    pub hosts: Vec<String>,
    pub api_prefixes: Vec<String>,
    pub key_params: Vec<String>,
    #[serde(default)]
    pub prefilter: Vec<String>,
    pub auth: String,
    /// What to do with a leaked key (the `hardcoded-key` help).
    #[serde(default)]
    pub rotation: Option<String>,
    /// Words that, with `key`/`token`/`secret`, name a variable holding this vendor's key
    /// (`voiso` → `VOISO_API_KEY`, `voiso.api_key`).
    #[serde(default)]
    pub secret_names: Vec<String>,
    /// Shapes of this vendor's keys.
    #[serde(default)]
    pub key_formats: Vec<RawKeyFormat>,
    #[serde(default)]
    pub scopes: Vec<RawScope>,
    #[serde(default)]
    pub v4: Vec<RawV4>,
    #[serde(default)]
    pub legacy: Vec<RawLegacy>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeyFormat {
    pub id: String,
    pub description: String,
    /// A regex for the key itself.
    pub pattern: String,
    /// `vendor-mention`: only in files that name the vendor (shapes other tokens share);
    /// `none`: anywhere (a distinctive prefix, which must then be given in `prefix`).
    pub requires: String,
    /// A literal every key starts with (joins the prefilter).
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    pub id: String,
    #[serde(default)]
    pub domain: Option<String>,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawV4 {
    pub id: String,
    pub method: String,
    pub path: Option<String>,
    #[serde(default)]
    pub path_hint: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
    pub status: String,
    pub purpose: String,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLegacy {
    pub id: String,
    pub family: String,
    pub method: String,
    pub path: String,
    pub key: String,
    pub key_type: String,
    #[serde(default)]
    pub distinctive: bool,
    pub purpose: String,
    #[serde(default)]
    pub sources: Vec<String>,
    pub v4: Vec<String>,
    pub mapping: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub unmapped: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLint {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub message: String,
    pub help: String,
    pub docs: RawDocs,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDocs {
    pub what: String,
    pub why: String,
    pub example: String,
    pub fix: String,
}
