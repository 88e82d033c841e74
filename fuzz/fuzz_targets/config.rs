//! The config loader: any bytes as `scopeshift.toml` (`Settings::load` on a file, as the CLI
//! reads it), then everything a loaded config feeds: the exclude globs, `scopeshift config`.

#![no_main]

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use scopeshift::config::{self, Settings};

/// One directory per fuzzing process (libFuzzer's fork and jobs modes run several).
static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let d = std::env::temp_dir().join(format!("scopeshift-fuzz-config-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("create the fuzz config directory");
    d
});

fuzz_target!(|data: &[u8]| {
    let file = DIR.join("scopeshift.toml");
    std::fs::write(&file, data).expect("write the config file");
    // explicit `--config FILE`, and discovered from a directory below it
    for explicit in [Some(file.as_path()), None] {
        let Ok(s) = Settings::load(&DIR, explicit) else { continue };
        if let Ok(x) = s.excludes() {
            for p in ["src/a.py", "dist/app.min.js", "node_modules/x/y.js", "./a/b/../c", "", "/abs/path"] {
                let _ = x.is_excluded(Path::new(p), &DIR);
            }
        }
        let mut out = Vec::new();
        config::show(&s, &mut out).expect("writing to a Vec cannot fail");
        assert!(std::str::from_utf8(&out).is_ok(), "scopeshift config printed invalid UTF-8");
    }
});
