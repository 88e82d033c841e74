//! The command line (clap derive). Flags and names follow design.md.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "scopeshift",
    version,
    about = "Find legacy API-key placement and infer the minimal scoped-key set for the migration",
    long_about = "scopeshift walks a codebase, finds calls that still use legacy vendor API keys (key in the URL \
path, `key` query or body parameters, unscoped legacy endpoints), maps each call to its v4 endpoint and \
infers the minimal v4 scope set, with the file:line that needs each scope.\n\nExit codes: 0 clean, 1 findings, \
2 scopeshift's own error (bad flag, bad path, bad rule file)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint: report every legacy key placement (exit 0 clean, 1 findings, 2 error).
    Check(CheckArgs),
    /// Print the suggested scope manifest (YAML): the scopes each vendor key needs, with evidence.
    Scopes(ScopesArgs),
    /// List every rule: id, severity, vendor, title (built-in, and from the config's or --rules packs).
    Rules {
        /// Load extra packs (a YAML file, or every .yaml in a directory); repeatable.
        #[arg(long, value_name = "FILE|DIR")]
        rules: Vec<PathBuf>,
    },
    /// Print a rule's docs: what it finds, why it matters, an example and the fix.
    Explain {
        /// Rule id, as listed by `scopeshift rules`.
        id: String,
        /// Load extra packs (a YAML file, or every .yaml in a directory); repeatable.
        #[arg(long, value_name = "FILE|DIR")]
        rules: Vec<PathBuf>,
    },
    /// Print the settings in effect and the file each came from.
    Config {
        /// Use this config file instead of discovering `scopeshift.toml` / `.scopeshift.toml`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Write a v4 version of a legacy OpenAPI/Swagger spec (same format: YAML or JSON).
    MigrateSpec {
        /// The spec to migrate (OpenAPI 3.0/3.1 or Swagger 2.0, YAML or JSON).
        spec: PathBuf,
        /// Where to write the migrated spec.
        #[arg(long, short = 'o', value_name = "OUT")]
        output: PathBuf,
        /// Overwrite OUT if it exists.
        #[arg(long)]
        force: bool,
    },
}

/// Options shared by every command that scans.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Also scan files that .gitignore/.ignore exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Follow symbolic links, also out of the scanned paths (not followed by default; loops are reported).
    #[arg(long)]
    pub follow_symlinks: bool,
    /// Skip files larger than this (bytes, or with K, M, G suffix; default 50M); skipped files are named.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Scan the content staged in the git index (for a pre-commit hook), not the work tree.
    #[arg(long, conflicts_with = "history")]
    pub staged: bool,
    /// Also scan every commit reachable from HEAD (each distinct blob once).
    #[arg(long)]
    pub history: bool,
    /// With --history: every branch and tag, not only HEAD.
    #[arg(long, requires = "history")]
    pub all_refs: bool,
    /// Load extra vendor catalogs (a YAML file, or every .yaml in a directory); repeatable.
    #[arg(long, value_name = "FILE|DIR")]
    pub rules: Vec<PathBuf>,
    /// Use this config file instead of discovering `scopeshift.toml` / `.scopeshift.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore inline `scopeshift: allow(…)` comments (CI on untrusted changes).
    #[arg(long)]
    pub no_inline_allow: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Output format [default: human].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub select: Vec<String>,
    /// Do not report these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    pub ignore: Vec<String>,
    /// Exit 0 even when there are findings.
    #[arg(long)]
    pub exit_zero: bool,
    /// Compare the scopes the code needs with this manifest: scope-missing / scope-unused.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Report only findings that are not in this baseline; stale entries are listed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings as a baseline to FILE and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Print the settings in effect (as `scopeshift config`) and exit.
    #[arg(long)]
    pub show_config: bool,
}

#[derive(Debug, Args)]
pub struct ScopesArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Write the manifest to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `1048576`, `512K`, `50M`, `1G` (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let (num, mult) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1u64 << 10),
        Some((i, 'm' | 'M')) => (&s[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    let n: u64 = num.trim().parse().map_err(|_| format!("`{s}` is not a size (examples: 1048576, 512K, 50M, 1G)"))?;
    n.checked_mul(mult).ok_or_else(|| format!("`{s}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10"), Ok(10));
        assert_eq!(parse_size("512K"), Ok(512 * 1024));
        assert_eq!(parse_size("50M"), Ok(50 << 20));
        assert!(parse_size("ten").is_err());
    }
}
