//! The URL template parser: `UrlTemplate::parse`, `is_placeholder`, `classify_value` over any
//! string. Every piece must be the slice of the URL its span says, on char boundaries.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scopeshift::extract::url::{UrlTemplate, classify_value, is_placeholder};

fuzz_target!(|url: &str| {
    let _ = is_placeholder(url);
    let _ = classify_value(url);
    let u = UrlTemplate::parse(url);
    let slice = |s: scopeshift::source::Span, what: &str| -> &str {
        assert!(s.start <= s.end && s.end <= url.len(), "{what} span {s:?} outside {:?}", url);
        url.get(s.range()).unwrap_or_else(|| panic!("{what} span {s:?} not on char boundaries in {url:?}"))
    };
    if let Some(h) = &u.host {
        assert_eq!(slice(h.at, "host"), h.text);
        assert_eq!(h.placeholder, is_placeholder(&h.text));
    }
    let mut last = 0;
    for s in &u.segments {
        assert!(!s.text.is_empty(), "empty segment in {url:?}");
        assert_eq!(slice(s.at, "segment"), s.text);
        assert_eq!(s.placeholder, is_placeholder(&s.text));
        assert!(s.at.start >= last, "segments out of order in {url:?}");
        last = s.at.end;
    }
    for p in &u.query {
        let whole = slice(p.span, "query param");
        let value = slice(p.value_span, "query value");
        assert!(p.span.start <= p.value_span.start && p.value_span.end <= p.span.end, "value outside param");
        assert!(whole.starts_with(&p.name), "param {whole:?} does not start with its name {:?}", p.name);
        assert_eq!(classify_value(value), p.value);
    }
});
