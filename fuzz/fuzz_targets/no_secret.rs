//! No secret in full in any output: files built from a dictionary of places a Voiso key is
//! written (URL path segment, `?key=`, JSON body, Postman pair, curl `-d`, `.env`, notebook,
//! concatenation, the line next to the call), with a key derived from the input (48 hex digits
//! in lower or upper case, or 32 mixed-case alphanumerics) and filler that holds no hex digit.
//! Every format, the manifest and the baseline must hold no 12-character slice of the key.

#![no_main]

mod common;

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use scopeshift::baseline::Baseline;
use scopeshift::check;
use scopeshift::report::Report;
use scopeshift::scan::ScanResult;

use common::{CATALOG, ENGINE, render_all};

/// `{K}` is the key.
const PLACES: &[&str] = &[
    "requests.get(\"https://cc.voiso.com/api/v1/{K}/balance\")",
    "requests.post(f\"https://cc-ams03.voiso.com/api/v1/{K}/click2call?agent=1&number=2\")",
    "VOISO_URL=https://cc.voiso.com/api/v1/{K}/agents_status.json",
    "requests.get(\"https://cc.voiso.com/api/v2/cdr?key={K}&page=2\")",
    "$u = 'https://cc.voiso.com/api/v2/cdr?page=1&key={K}';",
    "payload = {\"key\": \"{K}\", \"agent\": 1}\nrequests.post(\"https://cc.voiso.com/api/v3/messages/whatsapp\", json=payload)",
    "{\"url\": {\"raw\": \"https://cc.voiso.com/api/v2/cdr\", \"query\": [{\"key\": \"key\", \"value\": \"{K}\"}]}}",
    "curl -X POST https://cc.voiso.com/api/v1/sendsms -d key={K} -d to=1",
    "curl -G https://cc.voiso.com/api/v2/cdr --data-urlencode \"key={K}\"",
    "    \"r = requests.get(\\\"https://cc.voiso.com/api/v1/{K}/balance\\\")\\n\",",
    "fetch(\"https://cc.voiso.com/api/v1/{K}/\" + action)",
    "fetch(\"https://cc.voiso.com/api/v2/cdr?key={K}&from=\" + from)",
    "VOISO_KEY = \"{K}\"\nrequests.get(f\"https://cc.voiso.com/api/v1/{VOISO_KEY}/balance\")",
    "axios.get('https://cc.voiso.com/api/v2/cdr', { params: { key: '{K}' } })",
    "u := \"https://cc.voiso.com/api/v2/cdr\"\nq.Set(\"key\", \"{K}\")",
    "GET https://cc.voiso.com/api/v1/{K}/unknown_endpoint",
    "GET https://cc.voiso.com/api/v9/{K}/x?key={K}",
    "VOISO_API_KEY={K}\nVOISO_URL=https://cc.voiso.com/api/v2/cdr",
];

/// Filler: characters that are not hex digits, so the key appears only where it is placed.
const FILLER: &[u8] = b" \n\t\r(){}[];,.=:'\"/+?&#$zZqQ_-xXwWgGhHiIjJ<>@!|\\`~";

/// A random-looking key from a seed (a real key has full entropy: a fuzzed `aaaa…` one would
/// rightly not be taken for a key).
fn key(u: &mut Unstructured<'_>) -> Result<String> {
    const HEX: &[u8] = b"0123456789abcdef";
    const ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let (len, alphabet, upper) = match u.int_in_range(0..=2)? {
        0 => (48, HEX, false),
        1 => (48, HEX, true),
        _ => (32, ALNUM, false),
    };
    let mut x: u64 = u.arbitrary::<u64>()? | 1;
    let mut k = String::new();
    while k.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        k.push(alphabet[(x % alphabet.len() as u64) as usize] as char);
    }
    // a key has letters and digits
    k.replace_range(0..2, "a1");
    Ok(if upper { k.to_ascii_uppercase() } else { k })
}

fn file(u: &mut Unstructured<'_>, k: &str) -> Result<String> {
    let mut s = String::new();
    for _ in 0..u.int_in_range(1..=4)? {
        for _ in 0..u.int_in_range(0..=8)? {
            s.push(*u.choose(FILLER)? as char);
        }
        s.push_str(&u.choose(PLACES)?.replace("{K}", k));
    }
    Ok(s)
}

fn leaks(out: &str, k: &str) -> Option<String> {
    let low = out.to_ascii_lowercase();
    let kl = k.to_ascii_lowercase();
    (0..=kl.len() - 12).map(|i| &kl[i..i + 12]).find(|w| low.contains(w)).map(str::to_owned)
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let k = key(u)?;
    let mut scan = ScanResult::default();
    let mut sources = Vec::new();
    for name in ["app.py", ".env", "collection.json"] {
        let text = file(u, &k)?;
        if let Ok(Some(r)) = ENGINE.scan_bytes(name, text.as_bytes()) {
            scan.findings.extend(r.findings);
            scan.usages.extend(r.usages);
        }
        sources.push(text);
    }
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
    let mut outs = render_all(&report);
    let mut b = Vec::new();
    Baseline::from_findings(&findings).write(&mut b).unwrap();
    outs.push(("baseline", String::from_utf8(b).unwrap()));
    for (name, out) in &outs {
        if let Some(w) = leaks(out, &k) {
            panic!(
                "{name} output holds the slice {w:?} of the key {k}\nsources:\n{}\noutput:\n{out}",
                sources.join("\n---\n")
            );
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
