//! Language-aware extraction over arbitrary code in every language: the first byte picks the
//! file name (so the extension picks the parser, or the notebook / Markdown embedding), the
//! rest is the file. The whole per-file pipeline runs with the prefilter bypassed; spans of
//! findings and usages must stay inside the text and on char boundaries.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use scopeshift::source::SourceFile;

use common::ENGINE;

const PATHS: &[&str] = &[
    "a.py", "a.js", "a.ts", "a.tsx", "a.php", "a.java", "a.kt", "a.go", "a.rb", "a.cs", "a.dart", "a.sh", "a.rs",
    "a.ipynb", "a.md",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, code)) = data.split_first() else { return };
    let path = PATHS[pick as usize % PATHS.len()];
    let file = SourceFile::decode(path, code);
    let r = ENGINE.scan_source(&file);
    let t = &file.text;
    for f in &r.findings {
        assert!(f.span.start <= f.span.end && f.span.end <= t.len(), "span {:?} outside {}", f.span, t.len());
        assert!(t.is_char_boundary(f.span.start) && t.is_char_boundary(f.span.end));
        assert!(f.start <= f.end && f.start.line >= 1 && f.start.column >= 1);
        for l in &f.excerpt.labels {
            assert!(l.span.end <= f.excerpt.text.len() && f.excerpt.text.is_char_boundary(l.span.start));
        }
    }
    for u in &r.usages {
        assert!(u.span.end <= t.len() && u.line >= 1 && u.line <= file.line_count());
    }
});
