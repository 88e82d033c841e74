//! The generic extractor and the checker over arbitrary bytes: `Engine::scan_bytes` (prefilter,
//! binary sniffing, decoding) and `SourceFile::decode` + `Engine::scan_source` (no prefilter, so
//! every input reaches the extractor). Checks the invariants the emitters rely on: spans inside
//! the text and on char boundaries, positions in order, snippets bounded, excerpt labels inside
//! the excerpt; then renders the findings in every format.

#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use scopeshift::check::{self, Finding};
use scopeshift::report::Report;
use scopeshift::scan::ScanResult;
use scopeshift::source::SourceFile;

use common::{CATALOG, ENGINE, render_all};

fn check_finding(file: &SourceFile, f: &Finding) {
    let t = &file.text;
    assert!(f.span.start <= f.span.end && f.span.end <= t.len(), "span {:?} outside text of {}", f.span, t.len());
    assert!(t.is_char_boundary(f.span.start) && t.is_char_boundary(f.span.end), "span not on char boundaries");
    assert!(f.start <= f.end, "start {:?} after end {:?}", f.start, f.end);
    assert!(f.start.line >= 1 && f.start.column >= 1);
    assert!(f.end.line <= file.line_count(), "end line {} past {} lines", f.end.line, file.line_count());
    assert!(f.snippet.chars().count() <= 160, "snippet of {} chars", f.snippet.chars().count());
    let e = &f.excerpt;
    assert!(
        e.first_line >= 1 && e.first_line <= f.start.line,
        "excerpt starts at {} for line {}",
        e.first_line,
        f.start.line
    );
    for l in &e.labels {
        assert!(l.span.start <= l.span.end && l.span.end <= e.text.len(), "label {:?} outside excerpt", l.span);
        assert!(
            e.text.is_char_boundary(l.span.start) && e.text.is_char_boundary(l.span.end),
            "label not on char boundary"
        );
    }
    // excerpt lines are cut to a window: 240 chars plus the two ellipses, and the windows are
    // widened by a quarter each side of the labels
    for line in e.text.lines() {
        let n = line.chars().count();
        let widest = e.labels.iter().map(|l| l.span.len()).max().unwrap_or(0);
        assert!(n <= 242 + widest + 120, "excerpt line of {n} chars");
    }
    assert_eq!(f.fingerprint.len(), 32);
}

fuzz_target!(|data: &[u8]| {
    // the whole per-file pipeline, as the walker calls it
    let _ = ENGINE.scan_bytes("fuzz/input.js", data);

    // the extractor and checker on every input, prefilter bypassed
    let file = SourceFile::decode("fuzz/input.js", data);
    for line in 1..=file.line_count() {
        let s = file.line_span(line);
        assert!(s.start <= s.end && s.end <= file.text.len());
    }
    let r = ENGINE.scan_source(&file);
    for f in &r.findings {
        check_finding(&file, f);
    }
    for u in &r.usages {
        assert!(u.span.end <= file.text.len() && u.line >= 1 && u.line <= file.line_count());
    }

    if r.findings.is_empty() && r.usages.is_empty() {
        return; // nothing to render (the formats target renders empty reports)
    }
    let mut scan = ScanResult { findings: r.findings, usages: r.usages, files_scanned: 1, ..ScanResult::default() };
    check::finalize(&mut scan.findings, &mut scan.usages);
    let findings = std::mem::take(&mut scan.findings);
    let scopes = scopeshift::scopes::infer(&CATALOG, &scan.usages);
    let report = Report {
        catalog: &CATALOG,
        scan: &scan,
        findings: &findings,
        scopes: &scopes,
        stale_baseline: &[],
        drift: None,
    };
    render_all(&report);
});
