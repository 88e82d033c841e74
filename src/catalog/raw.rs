//! The YAML shapes of `rules/` exactly as written: serde types with unknown fields denied.
//! [`super::compile`] turns them into validated types.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
    /// Headers that carry the key in a way the vendor wants changed (`X-API-Key`).
    #[serde(default)]
    pub header_rules: Vec<RawHeaderRule>,
    /// An `Authorization` value that does not start with exactly `Bearer ` is an error.
    #[serde(default)]
    pub bearer_exact: bool,
    /// Body fields that are the legacy pattern (`tenant_id`).
    #[serde(default)]
    pub body_field_rules: Vec<RawBodyFieldRule>,
    /// Why this vendor's legacy rows are legacy (the `legacy-endpoint` message).
    #[serde(default)]
    pub legacy_reason: Option<String>,
    /// The vendor's advice beyond scopes, repeated in the manifest.
    #[serde(default)]
    pub advice: Vec<String>,
    #[serde(default)]
    pub scopes: Vec<RawScope>,
    #[serde(default)]
    pub v4: Vec<RawV4>,
    #[serde(default)]
    pub legacy: Vec<RawLegacy>,
}

/// A user pack that adds rows to a vendor already loaded (`extends: voiso`): every list is
/// appended to the vendor's; ids must stay unique.
#[derive(Debug, Deserialize, Default)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawExtension {
    /// The id of the vendor to extend.
    pub extends: String,
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub api_prefixes: Vec<String>,
    #[serde(default)]
    pub key_params: Vec<String>,
    #[serde(default)]
    pub prefilter: Vec<String>,
    #[serde(default)]
    pub secret_names: Vec<String>,
    #[serde(default)]
    pub key_formats: Vec<RawKeyFormat>,
    #[serde(default)]
    pub header_rules: Vec<RawHeaderRule>,
    #[serde(default)]
    pub body_field_rules: Vec<RawBodyFieldRule>,
    #[serde(default)]
    pub advice: Vec<String>,
    #[serde(default)]
    pub scopes: Vec<RawScope>,
    #[serde(default)]
    pub v4: Vec<RawV4>,
    #[serde(default)]
    pub legacy: Vec<RawLegacy>,
}

impl RawVendor {
    /// Append an extension's rows.
    pub fn extend(&mut self, e: RawExtension) {
        self.hosts.extend(e.hosts);
        self.api_prefixes.extend(e.api_prefixes);
        self.key_params.extend(e.key_params);
        self.prefilter.extend(e.prefilter);
        self.secret_names.extend(e.secret_names);
        self.key_formats.extend(e.key_formats);
        self.header_rules.extend(e.header_rules);
        self.body_field_rules.extend(e.body_field_rules);
        self.advice.extend(e.advice);
        self.scopes.extend(e.scopes);
        self.v4.extend(e.v4);
        self.legacy.extend(e.legacy);
    }
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawHeaderRule {
    pub header: String,
    pub rule: String,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawBodyFieldRule {
    pub field: String,
    pub rule: String,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawScope {
    pub id: String,
    #[serde(default)]
    pub domain: Option<String>,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
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
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawLint {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub message: String,
    pub help: String,
    pub docs: RawDocs,
    /// Only for `key-in-client-code`: what counts as code that runs on the client.
    #[serde(default)]
    pub client_code: Option<RawClientCode>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawClientCode {
    /// Globs (gitignore-style, matched on the path) of client-side files.
    pub globs: Vec<String>,
    /// Globs that are server-side even inside a client directory (`**/pages/api/**`).
    #[serde(default)]
    pub not_globs: Vec<String>,
    /// Env-name prefixes a bundler exposes to the browser (`NEXT_PUBLIC_`).
    pub env_prefixes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RawDocs {
    pub what: String,
    pub why: String,
    pub example: String,
    pub fix: String,
}

#[cfg(test)]
mod tests {
    //! The published JSON Schemas of the rule files (`schemas/*.schema.json`) are generated from
    //! these types; this test fails when they are stale (`UPDATE_SCHEMAS=1 cargo test` rewrites them).
    use std::path::Path;

    fn check<T: schemars::JsonSchema>(file: &str) {
        let schema = schemars::schema_for!(T);
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas").join(file);
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(committed == text, "{file} is stale: run `UPDATE_SCHEMAS=1 cargo test --lib schemas` and commit it");
    }

    #[test]
    fn schemas_are_current() {
        check::<super::RawVendor>("vendor.schema.json");
        check::<super::RawLint>("lint.schema.json");
        check::<super::RawExtension>("extension.schema.json");
    }
}
