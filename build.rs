//! Embeds every YAML file under `rules/vendors/` and `rules/lints/` into the binary, so adding an
//! endpoint, a vendor or a rule is a YAML edit: no Rust file lists them.
use std::{env, fmt::Write as _, fs, path::Path};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for (konst, dir) in [("VENDORS", "rules/vendors"), ("LINTS", "rules/lints")] {
        let dir = root.join(dir);
        println!("cargo::rerun-if-changed={}", dir.display());
        let mut files: Vec<_> =
            fs::read_dir(&dir).map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
        files.sort();
        writeln!(out, "pub static {konst}: &[(&str, &str)] = &[").unwrap();
        let mut twins = Vec::new();
        for f in files {
            println!("cargo::rerun-if-changed={}", f.display());
            let rel = f.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            writeln!(out, "    ({rel:?}, include_str!({:?})),", f.display().to_string()).unwrap();
            // the same document as JSON (what YAML reads, JSON says the same)
            let text = fs::read_to_string(&f).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
            twins.push(serde_json::to_string(&value).unwrap());
        }
        writeln!(out, "];").unwrap();
        writeln!(out, "pub static {konst}_JSON: &[&str] = &[").unwrap();
        for t in twins {
            writeln!(out, "    {t:?},").unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("embedded_rules.rs");
    fs::write(dest, out).unwrap();
}
