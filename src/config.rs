//! `scopeshift.toml` / `.scopeshift.toml`: discovered upward from the current directory, or
//! given with `--config FILE`. Raw serde types with unknown keys denied, then resolved into
//! [`Settings`] with command-line flags applied last. Every setting remembers where it came from
//! (`scopeshift config` prints it).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::report::Format;
use crate::scan::DEFAULT_MAX_FILE_SIZE;

/// Names the config file may have, in the order they are looked for in each directory.
pub const FILE_NAMES: &[&str] = &["scopeshift.toml", ".scopeshift.toml"];

/// A config file that cannot be used: exit 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct ConfigError {
    pub file: String,
    pub line: Option<(usize, usize)>,
    pub message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    exclude: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    rules: Option<Vec<String>>,
    manifest: Option<String>,
    baseline: Option<String>,
    format: Option<Spanned<String>>,
    max_file_size: Option<Spanned<SizeValue>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum SizeValue {
    Bytes(u64),
    Text(String),
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(String),
    Flag,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::File(p) => f.write_str(p),
            Self::Flag => f.write_str("command line"),
        }
    }
}

/// The settings in effect.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The config file used, if any (as given or found).
    pub file: Option<PathBuf>,
    /// Directory the exclude globs and relative paths are resolved from.
    pub root: PathBuf,
    pub exclude: Vec<String>,
    pub extend_exclude: Vec<String>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub rules: Vec<PathBuf>,
    pub manifest: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub format: Format,
    pub max_file_size: u64,
    pub origin: BTreeMap<&'static str, Origin>,
}

impl Settings {
    /// Defaults, rooted at `cwd`.
    #[must_use]
    pub fn defaults(cwd: &Path) -> Self {
        let origin = KEYS.iter().map(|k| (*k, Origin::Default)).collect();
        Self {
            file: None,
            root: cwd.to_owned(),
            exclude: Vec::new(),
            extend_exclude: Vec::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            rules: Vec::new(),
            manifest: None,
            baseline: None,
            format: Format::Human,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            origin,
        }
    }

    /// Find the config (`explicit`, or the first file upward from `cwd`) and apply it.
    pub fn load(cwd: &Path, explicit: Option<&Path>) -> Result<Self, ConfigError> {
        let file = match explicit {
            Some(p) => Some(p.to_owned()),
            None => discover(cwd),
        };
        let mut s = Self::defaults(cwd);
        if let Some(file) = file {
            s.apply_file(cwd, &file)?;
        }
        Ok(s)
    }

    fn apply_file(&mut self, cwd: &Path, file: &Path) -> Result<(), ConfigError> {
        let shown = crate::walk::display_path(file, Some(cwd));
        let text = std::fs::read_to_string(file).map_err(|e| ConfigError {
            file: shown.clone(),
            line: None,
            message: format!("cannot read: {e}"),
        })?;
        let at = |span: std::ops::Range<usize>, message: String| ConfigError {
            file: shown.clone(),
            line: Some(line_col(&text, span.start)),
            message,
        };
        let raw: RawConfig = toml::from_str(&text).map_err(|e| ConfigError {
            file: shown.clone(),
            line: e.span().map(|s| line_col(&text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| cwd.to_owned(), Path::to_path_buf);
        let dir = if dir.is_absolute() { dir } else { cwd.join(dir) };
        let origin = Origin::File(shown.clone());
        let strings = |v: Vec<Spanned<String>>| v.into_iter().map(Spanned::into_inner).collect::<Vec<_>>();
        for (key, globs) in [("exclude", &raw.exclude), ("extend-exclude", &raw.extend_exclude)] {
            for g in globs.iter().flatten() {
                if let Err(e) = glob_for(g.get_ref()) {
                    return Err(at(g.span(), format!("`{key}`: bad glob `{}`: {e}", g.get_ref())));
                }
            }
        }
        let set = |key: &'static str, s: &mut Self| {
            s.origin.insert(key, origin.clone());
        };
        if let Some(v) = raw.exclude {
            self.exclude = strings(v);
            set("exclude", self);
        }
        if let Some(v) = raw.extend_exclude {
            self.extend_exclude = strings(v);
            set("extend-exclude", self);
        }
        if let Some(v) = raw.select {
            self.select = strings(v);
            set("select", self);
        }
        if let Some(v) = raw.ignore {
            self.ignore = strings(v);
            set("ignore", self);
        }
        if let Some(v) = raw.rules {
            self.rules = v.into_iter().map(|p| dir.join(p)).collect();
            set("rules", self);
        }
        if let Some(v) = raw.manifest {
            self.manifest = Some(dir.join(v));
            set("manifest", self);
        }
        if let Some(v) = raw.baseline {
            self.baseline = Some(dir.join(v));
            set("baseline", self);
        }
        if let Some(v) = raw.format {
            self.format = <Format as clap::ValueEnum>::from_str(v.get_ref(), false).map_err(|_| {
                let names: Vec<String> = <Format as clap::ValueEnum>::value_variants()
                    .iter()
                    .filter_map(|f| clap::ValueEnum::to_possible_value(f).map(|p| p.get_name().to_owned()))
                    .collect();
                at(v.span(), format!("`format`: unknown format `{}` (one of {})", v.get_ref(), names.join(", ")))
            })?;
            set("format", self);
        }
        if let Some(v) = raw.max_file_size {
            let span = v.span();
            self.max_file_size = match v.into_inner() {
                SizeValue::Bytes(n) => n,
                SizeValue::Text(t) => {
                    crate::cli::parse_size(&t).map_err(|e| at(span, format!("`max-file-size`: {e}")))?
                }
            };
            set("max-file-size", self);
        }
        self.root = dir;
        self.file = Some(file.to_owned());
        Ok(())
    }

    /// Record that a flag set `key`.
    pub fn flag(&mut self, key: &'static str) {
        self.origin.insert(key, Origin::Flag);
    }

    /// The compiled exclude globs (`exclude` + `extend-exclude`), matched relative to [`Self::root`].
    pub fn excludes(&self) -> Result<Excludes, ConfigError> {
        let mut b = GlobSetBuilder::new();
        for g in self.exclude.iter().chain(&self.extend_exclude) {
            for glob in glob_for(g).map_err(|e| ConfigError {
                file: self.file.as_ref().map_or_else(|| "--exclude".into(), |f| f.display().to_string()),
                line: None,
                message: format!("bad glob `{g}`: {e}"),
            })? {
                b.add(glob);
            }
        }
        let set = b.build().map_err(|e| ConfigError { file: "exclude".into(), line: None, message: e.to_string() })?;
        // scopeshift's own inputs are not scanned: the config, the vendor packs, the baseline
        let files: Vec<PathBuf> = self
            .file
            .iter()
            .chain(&self.rules)
            .chain(&self.baseline)
            .map(|p| std::path::absolute(self.root.join(p)).unwrap_or_else(|_| p.clone()))
            .collect();
        Ok(Excludes {
            set,
            root: self.root.clone(),
            empty: self.exclude.is_empty() && self.extend_exclude.is_empty(),
            files,
        })
    }
}

/// Keys of the config file, in the order `scopeshift config` prints them.
pub const KEYS: &[&str] =
    &["exclude", "extend-exclude", "select", "ignore", "rules", "manifest", "baseline", "format", "max-file-size"];

/// Exclude globs with gitignore-like anchoring: a pattern without `/` matches a file or
/// directory name at any depth (`node_modules`, `*.min.js`); one with `/` is relative to the
/// config file's directory (`dist/**`, `src/legacy/`).
#[derive(Debug, Clone)]
pub struct Excludes {
    set: GlobSet,
    root: PathBuf,
    empty: bool,
    /// Exact files (and directories of vendor packs) never scanned.
    files: Vec<PathBuf>,
}

impl Excludes {
    /// Whether `path` (as walked, relative to the current directory or absolute) is excluded.
    #[must_use]
    pub fn is_excluded(&self, path: &Path, cwd: &Path) -> bool {
        if self.empty && self.files.is_empty() {
            return false;
        }
        let abs = std::path::absolute(cwd.join(path)).unwrap_or_else(|_| cwd.join(path));
        if self.files.iter().any(|f| abs.starts_with(f)) {
            return true;
        }
        let rel = abs.strip_prefix(&self.root).unwrap_or(&abs);
        !self.empty && self.set.is_match(rel)
    }
}

fn glob_for(pattern: &str) -> Result<Vec<globset::Glob>, globset::Error> {
    let p = pattern.trim_start_matches("./").trim_end_matches('/');
    let anchored = p.contains('/');
    let p = p.trim_start_matches('/');
    let base = if anchored { p.to_owned() } else { format!("**/{p}") };
    let build = |s: &str| GlobBuilder::new(s).literal_separator(true).build();
    Ok(vec![build(&base)?, build(&format!("{base}/**"))?])
}

fn discover(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors().flat_map(|d| FILE_NAMES.iter().map(move |n| d.join(n))).find(|p| p.is_file())
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// `scopeshift config`: the settings in effect, TOML-shaped, each with its origin.
pub fn show(s: &Settings, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let cwd = std::env::current_dir().unwrap_or_default();
    match &s.file {
        Some(f) => writeln!(out, "# config file: {}", crate::walk::display_path(f, Some(&cwd)))?,
        None => {
            writeln!(out, "# config file: none found ({} upward from the current directory)", FILE_NAMES.join(" or "))?
        }
    }
    let list = |v: &[String]| format!("[{}]", v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(", "));
    let path = |p: &Option<PathBuf>| {
        p.as_ref()
            .map_or_else(|| "\"\"  # none".to_owned(), |p| format!("{:?}", crate::walk::display_path(p, Some(&cwd))))
    };
    let rules: Vec<String> = s.rules.iter().map(|p| crate::walk::display_path(p, Some(&cwd))).collect();
    let fmt_name =
        <Format as clap::ValueEnum>::to_possible_value(&s.format).map(|p| p.get_name().to_owned()).unwrap_or_default();
    let rows = [
        ("exclude", list(&s.exclude)),
        ("extend-exclude", list(&s.extend_exclude)),
        ("select", list(&s.select)),
        ("ignore", list(&s.ignore)),
        ("rules", list(&rules)),
        ("manifest", path(&s.manifest)),
        ("baseline", path(&s.baseline)),
        ("format", format!("{fmt_name:?}")),
        ("max-file-size", s.max_file_size.to_string()),
    ];
    for (k, v) in rows {
        writeln!(out, "{k} = {v}  # from: {}", s.origin.get(k).unwrap_or(&Origin::Default))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("scopeshift.toml"), text).unwrap();
        Settings::load(dir.path(), None)
    }

    #[test]
    fn reads_every_key() {
        let s = load(
            "exclude = [\"dist/**\"]\nextend-exclude = [\"*.min.js\"]\nselect = [\"key-in-path\"]\nignore = []\n\
             manifest = \"scopes.yaml\"\nbaseline = \"base.json\"\nformat = \"json\"\nmax-file-size = \"1M\"\nrules = []\n",
        )
        .unwrap();
        assert_eq!(s.exclude, vec!["dist/**"]);
        assert_eq!(s.format, Format::Json);
        assert_eq!(s.max_file_size, 1 << 20);
        assert!(s.manifest.unwrap().ends_with("scopes.yaml"));
        assert!(matches!(s.origin["format"], Origin::File(_)));
        assert_eq!(s.origin["ignore"], Origin::File("scopeshift.toml".into()));
        assert_eq!(s.origin["exclude"], Origin::File("scopeshift.toml".into()));
    }

    #[test]
    fn errors_name_line_and_key() {
        let e = load("select = [\"key-in-path\"]\nexlude = [\"x\"]\n").unwrap_err();
        assert_eq!(e.line, Some((2, 1)));
        assert!(e.message.contains("exlude"), "{e}");
        let e = load("max-file-size = true\n").unwrap_err();
        assert_eq!(e.line.map(|l| l.0), Some(1));
        let e = load("format = \"xml\"\n").unwrap_err();
        assert!(e.message.contains("xml"), "{e}");
        let e = load("\n\nexclude = [\"a/[b\"]\n").unwrap_err();
        assert_eq!(e.line.map(|l| l.0), Some(3));
        assert!(e.message.contains("bad glob"), "{e}");
    }

    #[test]
    fn excludes_are_anchored_like_gitignore() {
        let mut s = Settings::defaults(Path::new("/r"));
        s.exclude = vec!["dist/**".into(), "*.min.js".into(), "fixtures".into()];
        let x = s.excludes().unwrap();
        let cwd = Path::new("/r");
        assert!(x.is_excluded(Path::new("dist/a.js"), cwd));
        assert!(x.is_excluded(Path::new("./web/app.min.js"), cwd));
        assert!(x.is_excluded(Path::new("tests/fixtures/x.py"), cwd));
        assert!(x.is_excluded(Path::new("tests/fixtures"), cwd));
        assert!(!x.is_excluded(Path::new("src/dist/a.js"), cwd));
        assert!(!x.is_excluded(Path::new("src/app.js"), cwd));
    }

    #[test]
    fn discovers_upward() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".scopeshift.toml"), "select = [\"key-in-body\"]\n").unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        let s = Settings::load(&dir.path().join("a/b"), None).unwrap();
        assert_eq!(s.select, vec!["key-in-body"]);
        assert_eq!(s.root, dir.path());
    }
}
