//! Code embedded in other files: Jupyter notebook code cells and Markdown fenced code blocks go
//! through their language's extractor, and every span is mapped back to the embedding file, so
//! a call in a cell or a README snippet is found (and underlined) as precisely as in a source
//! file.
//!
//! Both work the same way: the code is assembled into an [`Embedded`] (the text a parser sees,
//! and for each of its bytes the bytes of the file it came from), extracted with
//! [`super::extract`], and its [`LangOut`] is mapped through that table.
//!
//! - **Notebooks** (`.ipynb`): the JSON is walked once (outputs, base64 images included, are
//!   skipped over, never decoded) to find the code cells. Each `source` string is decoded with
//!   its escapes (`\n`, `\"`, `\u00e9`, surrogate pairs) while recording where every decoded
//!   byte came from. The code cells in the kernel's language (`metadata.kernelspec.language`,
//!   else `metadata.language_info.name`, else Python) are joined into one program, so a
//!   constant defined in one cell resolves in a later one. IPython syntax that is not Python
//!   (`%magic`, `!shell`, `x = !cmd`, `obj?`) is replaced, byte for byte, by `0` and spaces.
//!   Cell magics select another language for their cell (`%%bash`, `%%javascript`,
//!   `%%writefile client.py`); cells in a language not understood, Markdown and raw cells are
//!   left to the generic extractor. A cell that does not parse is dropped from the program
//!   (with a diagnostic naming the cell and its line in the notebook) and the rest is parsed
//!   again; malformed JSON leaves the whole file to the generic extractor, without a diagnostic.
//! - **Markdown** (`.md`, `.markdown`, `.mdx`, `.qmd`, `.rmd`): fenced blocks (```` ``` ```` and
//!   `~~~`, indented or not) whose info string names a language (`python`, `bash`, `{python}`,
//!   `console` for `$ `-prompted shell sessions). The rest of the file (prose, untagged
//!   blocks, HTML) stays with the generic extractor. Snippets in documentation are often partial
//!   (`...`, elided arguments), so a block that does not parse is not an error: it is simply
//!   left to the generic extractor, like the prose around it.

use super::{Lang, LangOut, MAX_PARSE_BYTES, ParseFailure, extract};
use crate::extract::template::PieceMap;
use crate::extract::{Deadline, ExtractConfig};
use crate::source::{SourceFile, Span};

/// How many failing cells are taken out of a notebook's program one by one (each costs a parse
/// of the whole program) before the remaining cells are parsed one at a time.
const MAX_RETRIES: usize = 4;
/// How deep a notebook's JSON may nest (nbformat needs 6 or so).
const MAX_JSON_DEPTH: usize = 64;

/// What kind of embedding file a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Notebook,
    Markdown,
}

fn kind(path: &str) -> Option<Kind> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "ipynb" => Some(Kind::Notebook),
        "md" | "markdown" | "mdx" | "qmd" | "rmd" => Some(Kind::Markdown),
        _ => None,
    }
}

/// Language-aware extraction of the code embedded in `file`, when it is a notebook or a
/// Markdown file (`None` otherwise): the merged results of its code, and a diagnostic for
/// notebook cells that did not parse.
pub fn extract_file(
    file: &SourceFile,
    cfg: &ExtractConfig,
    deadline: Deadline,
) -> Option<(Option<LangOut>, Option<String>)> {
    Some(match kind(&file.path)? {
        Kind::Notebook => notebook(file, cfg, deadline),
        Kind::Markdown => {
            if file.text.len() > MAX_PARSE_BYTES {
                (None, None)
            } else {
                (markdown(&file.text, cfg, deadline), None)
            }
        }
    })
}

// -------------------------------------------------------------------------------------------
// embedded code and its map

/// Code assembled from pieces of a file: the text a parser sees, and for each of its bytes the
/// range of file bytes it was decoded from (one byte for a verbatim copy, the whole escape
/// sequence for a decoded escape, an empty range for a byte that was inserted).
#[derive(Debug, Default, Clone)]
struct Embedded {
    code: String,
    src: Vec<(usize, usize)>,
}

impl Embedded {
    /// Copy `text`, found at file offset `at`, verbatim.
    fn push_verbatim(&mut self, text: &str, at: usize) {
        self.code.push_str(text);
        self.src.extend((at..at + text.len()).map(|i| (i, i + 1)));
    }

    /// `text` decoded from the file bytes `from..to` (an escape sequence), or inserted
    /// (`from == to`).
    fn push_decoded(&mut self, text: &str, from: usize, to: usize) {
        self.code.push_str(text);
        self.src.extend(std::iter::repeat_n((from, to), text.len()));
    }

    /// Where the byte at `i` (or the end, at `code.len()`) starts in the file.
    fn point(&self, i: usize) -> usize {
        match self.src.get(i) {
            Some(&(s, _)) => s,
            None => self.src.last().map_or(0, |&(_, e)| e),
        }
    }

    /// The file span a span of `code` came from.
    fn map_span(&self, s: Span) -> Span {
        if s.is_empty() || s.end > self.src.len() {
            let p = self.point(s.start);
            return Span::new(p, p.max(self.point(s.end)));
        }
        let start = self.src[s.start].0;
        Span::new(start, self.src[s.end - 1].1.max(start))
    }

    /// Whether code byte `i` is a verbatim copy of one file byte.
    fn one(&self, i: usize) -> bool {
        self.src[i].1 == self.src[i].0 + 1
    }

    /// Whether code bytes `i` and `i + 1` are verbatim copies of consecutive file bytes.
    fn linked(&self, i: usize) -> bool {
        self.one(i) && self.one(i + 1) && self.src[i].1 == self.src[i + 1].0
    }

    /// Map `out` (spans into `code`) to the file. Literal URL pieces are split where the file
    /// has an escape, so each piece marked exact really is a verbatim slice of the file.
    fn localize(&self, mut out: LangOut) -> LangOut {
        for c in &mut out.candidates {
            let mut map = Vec::with_capacity(c.map.len());
            for m in c.map.drain(..) {
                if m.exact && m.src.len() == m.url.len() && m.src.end <= self.src.len() {
                    self.split(m, &mut map);
                } else {
                    map.push(m);
                }
            }
            c.map = map;
            // the verbatim prefix ends at the first escape
            let mut n = 0;
            while n < c.verbatim_len && c.span.start + n < self.src.len() && self.one(c.span.start + n) {
                if n > 0 && !self.linked(c.span.start + n - 1) {
                    break;
                }
                n += 1;
            }
            c.verbatim = c.verbatim && n == c.url.len();
            c.verbatim_len = n;
        }
        out.shift(&|s| self.map_span(s));
        out.comments.sort_unstable();
        out.covered.sort_unstable();
        out
    }

    /// An exact piece, cut into runs of verbatim bytes (exact) and decoded escapes (not exact:
    /// the URL bytes come from the whole escape sequence).
    fn split(&self, m: PieceMap, out: &mut Vec<PieceMap>) {
        let mut i = m.src.start;
        while i < m.src.end {
            let mut j = i + 1;
            let exact = self.one(i);
            if exact {
                while j < m.src.end && self.linked(j - 1) {
                    j += 1;
                }
            } else {
                while j < m.src.end && self.src[j] == self.src[i] {
                    j += 1;
                }
            }
            let url = Span::new(m.url.start + (i - m.src.start), m.url.start + (j - m.src.start));
            out.push(PieceMap { url, src: Span::new(i, j), exact });
            i = j;
        }
    }
}

/// Extract embedded code and map the results to the file.
fn run(lang: Lang, emb: &Embedded, cfg: &ExtractConfig, deadline: Deadline) -> Result<LangOut, ParseFailure> {
    extract(lang, &emb.code, cfg, deadline).map(|out| emb.localize(out))
}

// -------------------------------------------------------------------------------------------
// Markdown

/// A fenced code block: its info string's first word, and the byte ranges of its content lines
/// (line breaks included, the fence's indentation removed).
#[derive(Debug, PartialEq, Eq)]
struct Fence {
    tag: String,
    lines: Vec<(usize, usize)>,
}

/// The fenced code blocks of a Markdown text (``` and ~~~, indented or not; an unclosed fence
/// runs to the end of the text, as in CommonMark).
fn fences(text: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    // (fence char, fence length, indentation, block)
    let mut open: Option<(u8, usize, usize, Fence)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        let rest = &body[indent..];
        let ch = rest.as_bytes().first().copied().unwrap_or(0);
        let run = rest.bytes().take_while(|&b| b == ch).count();
        let is_fence = (ch == b'`' || ch == b'~') && run >= 3;
        if let Some((c, len, ind, ref mut block)) = open {
            if is_fence && ch == c && run >= len && rest[run..].trim().is_empty() {
                out.push(open.take().unwrap().3);
                continue;
            }
            // remove up to the fence's indentation from each content line
            let strip = line.bytes().take(ind).take_while(|&b| b == b' ' || b == b'\t').count();
            block.lines.push((start + strip, start + line.len()));
            continue;
        }
        if !is_fence {
            continue;
        }
        let info = rest[run..].trim();
        if ch == b'`' && info.contains('`') {
            continue; // inline code (```x```), not a fence
        }
        open = Some((ch, run, indent, Fence { tag: fence_tag(info), lines: Vec::new() }));
    }
    if let Some((.., block)) = open {
        out.push(block);
    }
    out
}

/// The language word of an info string: `python`, `python title="x.py"`, `{python}`,
/// `{.python}`, `{r, echo=FALSE}`, `js:app.js`.
fn fence_tag(info: &str) -> String {
    let info = info.trim_start_matches(['{', '.', ' ']);
    let end = info.find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | ':' | '{')).unwrap_or(info.len());
    info[..end].to_ascii_lowercase()
}

/// How a fence's content is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Code(Lang),
    /// A shell session: the commands after `$ ` prompts (and their `\` continuation lines).
    Console,
}

fn reading(tag: &str) -> Option<Reading> {
    match tag {
        "console" | "shell-session" | "sh-session" | "bash-session" | "terminal" => Some(Reading::Console),
        "py3" => Some(Reading::Code(Lang::Python)),
        "jsx" => Some(Reading::Code(Lang::JavaScript)),
        "curl" => Some(Reading::Code(Lang::Bash)),
        _ => Lang::from_name(tag).map(Reading::Code),
    }
}

/// The code of a fence: its content lines, or a session's commands without their prompts. A
/// shell block whose first command is prompted (`$ curl …`) is read as a session.
fn fence_code(text: &str, fence: &Fence, reading: Reading) -> (Lang, Embedded) {
    let mut emb = Embedded::default();
    let prompted = |&(s, e): &(usize, usize)| text[s..e].starts_with("$ ");
    let console = reading == Reading::Console
        || (reading == Reading::Code(Lang::Bash)
            && fence.lines.iter().find(|&&(s, e)| !text[s..e].trim().is_empty()).is_some_and(prompted));
    if !console {
        let Reading::Code(lang) = reading else { unreachable!() };
        // a PHP snippet in docs usually leaves out `<?php`: without it the whole block is inline
        // HTML to the parser, its code and comments unread
        if lang == Lang::Php
            && !fence.lines.iter().any(|&(s, e)| text[s..e].trim_start().starts_with("<?"))
            && let Some(&(s, _)) = fence.lines.first()
        {
            emb.push_decoded("<?php ", s, s);
        }
        for &(s, e) in &fence.lines {
            emb.push_verbatim(&text[s..e], s);
        }
        return (lang, emb);
    }
    let mut continued = false;
    for &(s, e) in &fence.lines {
        let line = &text[s..e];
        if line.starts_with("$ ") {
            emb.push_verbatim(&text[s + 2..e], s + 2);
        } else if continued {
            emb.push_verbatim(line, s);
        } else {
            continue; // output
        }
        continued = line.trim_end().ends_with('\\');
    }
    (Lang::Bash, emb)
}

/// The code of every fenced block in a language understood; blocks that do not parse are left
/// to the generic extractor (no diagnostic: documentation snippets are often partial).
fn markdown(text: &str, cfg: &ExtractConfig, deadline: Deadline) -> Option<LangOut> {
    let mut out = LangOut::default();
    let mut blocks: Vec<(Lang, Embedded)> = Vec::new();
    for fence in fences(text) {
        let Some(reading) = reading(&fence.tag) else { continue };
        let (lang, emb) = fence_code(text, &fence, reading);
        if !emb.code.trim().is_empty() {
            blocks.push((lang, emb));
        }
    }
    // the blocks of one language are read as one program first, so a constant defined in one
    // block reaches the calls of the next (as notebook cells do); when that does not parse
    // (a partial snippet among them), each block on its own
    let mut langs: Vec<Lang> = blocks.iter().map(|(l, _)| *l).collect();
    langs.sort_unstable();
    langs.dedup();
    for lang in langs {
        let group: Vec<&Embedded> = blocks.iter().filter(|(l, _)| *l == lang).map(|(_, e)| e).collect();
        if group.len() > 1 {
            let mut joined = Embedded::default();
            for e in &group {
                joined.code.push_str(&e.code);
                joined.src.extend_from_slice(&e.src);
                if !e.code.ends_with('\n') {
                    let end = joined.point(joined.code.len());
                    joined.push_decoded("\n", end, end);
                }
            }
            if let Ok(o) = run(lang, &joined, cfg, deadline) {
                out.extend(o);
                // each block is a scope of its own: a field in another block is not its call's
                out.scopes.extend(group.iter().map(|e| e.map_span(Span::new(0, e.code.len()))));
                continue;
            }
        }
        for e in group {
            if deadline.passed() {
                break;
            }
            if let Ok(o) = run(lang, e, cfg, deadline) {
                out.extend(o);
                // one block is one program: a field in another block or in the prose is not its
                out.scopes.push(e.map_span(Span::new(0, e.code.len())));
            }
        }
    }
    out.comments.sort_unstable();
    out.covered.sort_unstable();
    Some(out)
}

// -------------------------------------------------------------------------------------------
// JSON, with the span of every string

/// A JSON value; strings are kept as the span of their literal (quotes included) and decoded
/// only when needed, so base64 outputs cost one scan and no copy.
#[derive(Debug)]
enum Json {
    Obj(Vec<(String, Json)>),
    Arr(Vec<Json>),
    Str(Span),
    Other,
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Self::Obj(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn items(&self) -> &[Json] {
        match self {
            Self::Arr(a) => a,
            _ => &[],
        }
    }

    fn string(&self, text: &str) -> Option<String> {
        match self {
            Self::Str(s) => {
                let mut e = Embedded::default();
                decode_string(text, *s, &mut e).then_some(e.code)
            }
            _ => None,
        }
    }
}

/// A small JSON reader (the notebook format needs only the structure and string offsets).
struct Reader<'a> {
    b: &'a [u8],
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.at < self.b.len() && matches!(self.b[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_JSON_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut m = Vec::new();
                self.ws();
                if self.b.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Some(Json::Obj(m));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    let mut k = Embedded::default();
                    if !decode_string(self.text, key, &mut k) {
                        return None;
                    }
                    self.ws();
                    if self.b.get(self.at) != Some(&b':') {
                        return None;
                    }
                    self.at += 1;
                    let v = self.value(depth + 1)?;
                    m.push((k.code, v));
                    self.ws();
                    match self.b.get(self.at)? {
                        b',' => self.at += 1,
                        b'}' => {
                            self.at += 1;
                            return Some(Json::Obj(m));
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut a = Vec::new();
                self.ws();
                if self.b.get(self.at) == Some(&b']') {
                    self.at += 1;
                    return Some(Json::Arr(a));
                }
                loop {
                    a.push(self.value(depth + 1)?);
                    self.ws();
                    match self.b.get(self.at)? {
                        b',' => self.at += 1,
                        b']' => {
                            self.at += 1;
                            return Some(Json::Arr(a));
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(Json::Str),
            _ => {
                let n = self.b[self.at..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
                    .count();
                if n == 0 {
                    return None;
                }
                self.at += n;
                Some(Json::Other)
            }
        }
    }

    /// The span of the string literal at the cursor, quotes included.
    fn string(&mut self) -> Option<Span> {
        if self.b.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at;
        let mut i = start + 1;
        loop {
            // a trailing backslash can step past the end: that string is unterminated
            i += memchr::memchr2(b'"', b'\\', self.b.get(i..)?)?;
            if self.b[i] == b'\\' {
                i += 2;
                continue;
            }
            self.at = i + 1;
            return Some(Span::new(start, i + 1));
        }
    }
}

fn parse_json(text: &str) -> Option<Json> {
    let mut r = Reader { b: text.as_bytes(), text, at: 0 };
    let v = r.value(0)?;
    r.ws();
    (r.at == r.b.len()).then_some(v)
}

/// Decode the JSON string literal at `lit` (quotes included) onto `emb`, recording for every
/// decoded byte the file bytes it came from. `false` on an invalid escape.
fn decode_string(text: &str, lit: Span, emb: &mut Embedded) -> bool {
    let b = text.as_bytes();
    let (mut i, end) = (lit.start + 1, lit.end - 1);
    while i < end {
        let run = memchr::memchr(b'\\', &b[i..end]).unwrap_or(end - i);
        emb.push_verbatim(&text[i..i + run], i);
        i += run;
        if i >= end {
            break;
        }
        let Some(&e) = b.get(i + 1) else { return false };
        let simple = match e {
            b'n' => Some('\n'),
            b't' => Some('\t'),
            b'r' => Some('\r'),
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            _ => None,
        };
        if let Some(c) = simple {
            emb.push_decoded(c.encode_utf8(&mut [0; 4]), i, i + 2);
            i += 2;
            continue;
        }
        if e != b'u' {
            return false;
        }
        let Some(hi) = hex4(text, i + 2) else { return false };
        let (c, len) = if (0xD800..0xDC00).contains(&hi) {
            match (text.get(i + 6..i + 8), hex4(text, i + 8)) {
                (Some("\\u"), Some(lo)) if (0xDC00..0xE000).contains(&lo) => {
                    (char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)), 12)
                }
                _ => (None, 6),
            }
        } else {
            (char::from_u32(hi), 6)
        };
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        emb.push_decoded(c.encode_utf8(&mut [0; 4]), i, i + len);
        i += len;
    }
    true
}

fn hex4(text: &str, at: usize) -> Option<u32> {
    let h = text.get(at..at + 4)?;
    if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

// -------------------------------------------------------------------------------------------
// notebooks

/// A code cell: its language, its code, where it starts in the file, and whether it belongs to
/// the kernel's program (cells run by the kernel share their constants).
struct Cell {
    lang: Lang,
    emb: Embedded,
    at: usize,
    joined: bool,
}

fn notebook(file: &SourceFile, cfg: &ExtractConfig, deadline: Deadline) -> (Option<LangOut>, Option<String>) {
    let text = file.text.as_str();
    let Some(root) = parse_json(text) else { return (None, None) };
    let meta = root.get("metadata");
    let named = |a: &str, b: &str| meta.and_then(|m| m.get(a)).and_then(|m| m.get(b)).and_then(|s| s.string(text));
    let kernel = match named("kernelspec", "language").or_else(|| named("language_info", "name")) {
        Some(name) => Lang::from_name(name.trim()),
        None => Some(Lang::Python),
    };
    // nbformat 4: `cells` with `source`; nbformat 3: `worksheets[].cells` with `input`
    let list: Vec<&Json> = match root.get("cells") {
        Some(c) => c.items().iter().collect(),
        None => root
            .get("worksheets")
            .map(Json::items)
            .unwrap_or_default()
            .iter()
            .flat_map(|w| w.get("cells").map(Json::items).unwrap_or_default())
            .collect(),
    };
    let mut cells = Vec::new();
    let mut size = 0;
    // what the cells printed: a URL there is output (a log line, an error message), not a call
    let mut outputs: Vec<Span> = Vec::new();
    for cell in list {
        if cell.get("cell_type").and_then(|t| t.string(text)).as_deref() != Some("code") {
            continue;
        }
        if let Some(o) = cell.get("outputs") {
            strings_in(o, &mut outputs, 0);
        }
        let Some(source) = cell.get("source").or_else(|| cell.get("input")) else { continue };
        let mut emb = Embedded::default();
        let ok = match source {
            Json::Str(s) => decode_string(text, *s, &mut emb),
            Json::Arr(items) => items.iter().all(|i| matches!(i, Json::Str(s) if decode_string(text, *s, &mut emb))),
            _ => false,
        };
        if !ok || emb.code.trim().is_empty() {
            continue;
        }
        // nbformat 3 names a cell's language
        let own = cell.get("language").and_then(|l| l.string(text)).map(|l| Lang::from_name(&l));
        let Some((lang, joined)) = cell_lang(&mut emb, own.unwrap_or(kernel), kernel) else { continue };
        if lang == Lang::Python {
            blank_magics(&mut emb);
        }
        size += emb.code.len();
        let at = emb.point(0);
        cells.push(Cell { lang, emb, at, joined });
    }
    if size > MAX_PARSE_BYTES {
        return (None, None);
    }

    let mut out = LangOut::default();
    let mut failed: Vec<String> = Vec::new();
    let line = |at: usize| file.position(at).line;
    let mut fail = |cell: &Cell, f: &ParseFailure| {
        failed.push(if f.timed_out {
            format!("parsing the {} cell at line {} ran out of time", f.lang.name(), line(cell.at))
        } else {
            let near = cell.emb.point(line_offset(&cell.emb.code, f.line));
            format!(
                "could not parse the {} cell at line {} (syntax error near line {})",
                f.lang.name(),
                line(cell.at),
                line(near)
            )
        });
    };
    // the kernel's cells as one program; a cell that breaks it is taken out, and the rest parsed
    // again (a few times, then one cell at a time)
    let mut active: Vec<&Cell> = cells.iter().filter(|c| c.joined).collect();
    let mut alone: Vec<&Cell> = cells.iter().filter(|c| !c.joined).collect();
    let mut retries = 0;
    while let Some(lang) = active.first().map(|c| c.lang) {
        if deadline.passed() {
            break;
        }
        let (emb, starts) = join(&active);
        match run(lang, &emb, cfg, deadline) {
            Ok(o) => {
                out.extend(o);
                break;
            }
            Err(f) if f.timed_out => {
                fail(active[0], &f);
                break;
            }
            Err(f) => {
                let off = line_offset(&emb.code, f.line);
                let k = starts.partition_point(|&s| s <= off).saturating_sub(1);
                let cell = active.remove(k);
                // the error is reported from the cell alone when it fails there too; else
                // another cell left something open, and this one is retried alone
                match run(cell.lang, &cell.emb, cfg, deadline) {
                    Ok(_) => alone.push(cell),
                    Err(f) => fail(cell, &f),
                }
                retries += 1;
                if retries >= MAX_RETRIES {
                    alone.append(&mut active);
                }
            }
        }
    }
    alone.sort_by_key(|c| c.at);
    for cell in alone {
        if deadline.passed() {
            break;
        }
        match run(cell.lang, &cell.emb, cfg, deadline) {
            Ok(o) => out.extend(o),
            Err(f) => fail(cell, &f),
        }
    }
    // each cell is a scope of its own for the fields the generic extractor attaches
    out.scopes.extend(cells.iter().map(|c| c.emb.map_span(Span::new(0, c.emb.code.len()))));
    out.candidates.sort_by_key(|c| (c.span.start, c.span.end));
    out.comments.extend(outputs);
    out.comments.sort_unstable();
    out.covered.sort_unstable();
    let diagnostic = match failed.len() {
        0 => None,
        1 => Some(format!("{}: that cell is scanned with the generic extractor", failed[0])),
        n => Some(format!(
            "{} (and {} more cells): those cells are scanned with the generic extractor",
            failed[0],
            n - 1
        )),
    };
    (Some(out), diagnostic)
}

/// The spans of every string in a JSON value.
fn strings_in(j: &Json, out: &mut Vec<Span>, depth: usize) {
    match j {
        Json::Str(s) => out.push(*s),
        Json::Arr(a) if depth < MAX_JSON_DEPTH => a.iter().for_each(|x| strings_in(x, out, depth + 1)),
        Json::Obj(m) if depth < MAX_JSON_DEPTH => m.iter().for_each(|(_, x)| strings_in(x, out, depth + 1)),
        _ => {}
    }
}

/// Cells joined into one program, a line break between them; and where each cell starts in it.
fn join(cells: &[&Cell]) -> (Embedded, Vec<usize>) {
    let mut emb = Embedded::default();
    let mut starts = Vec::with_capacity(cells.len());
    for c in cells {
        starts.push(emb.code.len());
        emb.code.push_str(&c.emb.code);
        emb.src.extend_from_slice(&c.emb.src);
        if !c.emb.code.ends_with('\n') {
            let end = emb.point(emb.code.len());
            emb.push_decoded("\n", end, end);
        }
    }
    (emb, starts)
}

/// The byte offset where 1-based line `line` of `code` starts.
fn line_offset(code: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    code.match_indices('\n').nth(line - 2).map_or(code.len(), |(i, _)| i + 1)
}

/// The language of a code cell, and whether it runs in the kernel's program: a cell magic on
/// its first line (`%%bash`, `%%javascript`, `%%writefile app.py`, `%%time`) is blanked and may
/// name another language. `None` for a cell in a language not understood.
fn cell_lang(emb: &mut Embedded, own: Option<Lang>, kernel: Option<Lang>) -> Option<(Lang, bool)> {
    let code = emb.code.as_str();
    let first = code.len() - code.trim_start().len();
    if kernel != Some(Lang::Python) || !code[first..].starts_with("%%") {
        return own.map(|l| (l, own == kernel));
    }
    let end = code[first..].find('\n').map_or(code.len(), |i| first + i);
    let line = code[first + 2..end].trim();
    let mut words = line.split_whitespace();
    let name = words.next().unwrap_or("");
    let args: Vec<&str> = words.filter(|w| !w.starts_with('-')).collect();
    let picked = match name {
        "time" | "timeit" | "capture" | "prun" | "debug" | "memit" | "tensorflow_version" => Some((Lang::Python, true)),
        "bash" | "sh" => Some((Lang::Bash, false)),
        "script" => args.first().and_then(|a| Lang::from_name(a.rsplit('/').next().unwrap_or(a))).map(|l| (l, false)),
        "javascript" | "js" => Some((Lang::JavaScript, false)),
        "python" | "python3" | "pypy" => Some((Lang::Python, false)),
        "ruby" => Some((Lang::Ruby, false)),
        "writefile" | "file" => args.last().and_then(|p| Lang::from_path(p)).map(|l| (l, false)),
        _ => None,
    };
    blank(emb, first, end);
    picked
}

/// Replace code bytes `from..to` (whole characters) by `0` and spaces: the same length, so the
/// map still holds; `0` keeps an indented block or an assignment valid.
fn blank(emb: &mut Embedded, from: usize, to: usize) {
    if from < to {
        let fill: String = std::iter::once('0').chain(std::iter::repeat_n(' ', to - from - 1)).collect();
        emb.code.replace_range(from..to, &fill);
    }
}

/// IPython syntax in Python cells: `%magic`, `!shell`, `x = !cmd`, `x = %time f()`, `obj?`,
/// `?obj`. A line continuing a bracket (`% (a, b)`) is left alone: a magic's name follows `%`
/// with no space.
fn blank_magics(emb: &mut Embedded) {
    static ASSIGNED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!]").unwrap()
    });
    static HELP: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"^[ \t]*(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})[ \t]*$").unwrap());
    let mut edits = Vec::new();
    let mut at = 0;
    for line in emb.code.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        let rest = &body.as_bytes()[indent..];
        let magic = match rest {
            [b'%', c, ..] => c.is_ascii_alphabetic() || *c == b'%',
            [b'!', c, ..] => *c != b'=',
            _ => false,
        };
        if magic {
            edits.push((start + indent, start + body.len()));
        } else if let Some(m) = ASSIGNED.find(body) {
            edits.push((start + m.end() - 1, start + body.len()));
        } else if HELP.is_match(body) {
            edits.push((start + indent, start + body.len()));
        }
    }
    for (from, to) in edits {
        blank(emb, from, to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ExtractConfig {
        ExtractConfig {
            path_anchors: vec!["/api/".into()],
            key_names: vec!["key".into()],
            header_names: vec!["authorization".into()],
        }
    }

    /// Decode the first JSON string literal of `json`.
    fn decoded(json: &str) -> Embedded {
        let mut r = Reader { b: json.as_bytes(), text: json, at: 0 };
        r.ws();
        let lit = r.string().unwrap();
        let mut e = Embedded::default();
        assert!(decode_string(json, lit, &mut e));
        e
    }

    #[test]
    fn fences_backticks_tildes_and_indented() {
        let md = "text\n```python\nx = 1\n```\n\n  ~~~ bash title=\"a.sh\"\n  echo hi\n    nested\n  ~~~\n\n````js\n```\nin\n````\n";
        let f = fences(md);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].tag, "python");
        assert_eq!(f[0].lines.iter().map(|&(s, e)| &md[s..e]).collect::<String>(), "x = 1\n");
        assert_eq!(f[1].tag, "bash");
        // the fence's indentation is removed, deeper indentation kept
        assert_eq!(f[1].lines.iter().map(|&(s, e)| &md[s..e]).collect::<String>(), "echo hi\n  nested\n");
        // a longer fence holds a shorter one
        assert_eq!(f[2].tag, "js");
        assert_eq!(f[2].lines.iter().map(|&(s, e)| &md[s..e]).collect::<String>(), "```\nin\n");
    }

    #[test]
    fn fence_tags_and_unclosed_fences() {
        assert_eq!(fence_tag("{python}"), "python");
        assert_eq!(fence_tag("{.python .numberLines}"), "python");
        assert_eq!(fence_tag("{r, echo=FALSE}"), "r");
        assert_eq!(fence_tag("Python title=\"x\""), "python");
        assert_eq!(fence_tag("js:app.js"), "js");
        assert!(fences("a ```inline``` b\n").is_empty());
        let f = fences("```sh\ncurl x\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].lines.len(), 1);
    }

    #[test]
    fn console_sessions_keep_commands_only() {
        let md = "```console\n$ curl -X POST \\\n  https://x/api/v1/k/balance\n{\"ok\": true}\n$ echo done\n```\n";
        let f = fences(md);
        let (lang, emb) = fence_code(md, &f[0], reading(&f[0].tag).unwrap());
        assert_eq!(lang, Lang::Bash);
        assert_eq!(emb.code, "curl -X POST \\\n  https://x/api/v1/k/balance\necho done\n");
        // every byte maps to the same byte of the file
        for (i, b) in emb.code.bytes().enumerate() {
            assert_eq!(md.as_bytes()[emb.src[i].0], b);
        }
        // a bash block whose first command has a prompt is a session too
        let md = "```bash\n$ ls\nout\n```\n";
        let f = fences(md);
        assert_eq!(fence_code(md, &f[0], reading("bash").unwrap()).1.code, "ls\n");
    }

    #[test]
    fn string_decoding_maps_every_byte_to_its_escape() {
        // `"a\n\"é\u00e9\ud83d\ude00/"`
        let json = r#""a\n\"é\u00e9\ud83d\ude00\/z""#;
        let e = decoded(json);
        assert_eq!(e.code, "a\n\"éé😀/z");
        let at = |needle: &str| json.find(needle).unwrap();
        assert_eq!(e.src[0], (1, 2)); // a
        assert_eq!(e.src[1], (at(r"\n"), at(r"\n") + 2));
        assert_eq!(e.src[2], (at(r#"\""#), at(r#"\""#) + 2));
        // é written as UTF-8: two bytes, each itself
        assert_eq!(e.src[3], (at("é"), at("é") + 1));
        assert_eq!(e.src[4], (at("é") + 1, at("é") + 2));
        // é as \u00e9: both bytes come from the 6-byte escape
        assert_eq!(e.src[5], (at(r"\u00e9"), at(r"\u00e9") + 6));
        assert_eq!(e.src[6], e.src[5]);
        // a surrogate pair: 4 bytes from 12
        for i in 7..11 {
            assert_eq!(e.src[i], (at(r"\ud83d"), at(r"\ud83d") + 12));
        }
        assert_eq!(e.src[11], (at(r"\/"), at(r"\/") + 2));
        let z = e.code.len() - 1;
        assert_eq!(e.map_span(Span::new(z, z + 1)), Span::new(json.len() - 2, json.len() - 1));
        // spans over escapes cover the whole escape
        assert_eq!(e.map_span(Span::new(1, 3)), Span::new(at(r"\n"), at(r#"\""#) + 2));
        // a lone surrogate is U+FFFD; a bad escape fails
        assert_eq!(decoded(r#""\ud83dx""#).code, "\u{FFFD}x");
        let mut e = Embedded::default();
        assert!(!decode_string(r#""\q""#, Span::new(0, 4), &mut e));
    }

    #[test]
    fn exact_pieces_split_at_escapes() {
        let json = r#""u = \"https://h/api/v1/a\u00e9b\"""#;
        let e = decoded(json);
        let start = e.code.find("https").unwrap();
        let end = e.code.rfind('"').unwrap();
        let mut out = Vec::new();
        let url = Span::new(0, end - start);
        e.split(PieceMap { url, src: Span::new(start, end), exact: true }, &mut out);
        assert_eq!(out.len(), 3, "{out:?}");
        assert!(out[0].exact && !out[1].exact && out[2].exact);
        assert_eq!(&json[e.map_span(out[0].src).range()], "https://h/api/v1/a");
        assert_eq!(&json[e.map_span(out[1].src).range()], r"\u00e9");
        assert_eq!(&json[e.map_span(out[2].src).range()], "b");
    }

    #[test]
    fn magics_are_blanked_in_place() {
        let code = "%pip install requests\n!ls -l\nfiles = !ls\nt = %time f()\nrequests.get?\nx = (a\n     % (b, c))\nif x != 1:\n    %time g()\n";
        let mut e = Embedded::default();
        e.push_verbatim(code, 0);
        blank_magics(&mut e);
        assert_eq!(e.code.len(), code.len());
        assert_eq!(
            e.code,
            "0                    \n0     \nfiles = 0  \nt = 0        \n0            \nx = (a\n     % (b, c))\nif x != 1:\n    0        \n"
        );
        assert!(extract(Lang::Python, &e.code, &cfg(), Deadline::none()).is_ok());
    }

    #[test]
    fn cell_magics_pick_the_language() {
        let lang = |code: &str| {
            let mut e = Embedded::default();
            e.push_verbatim(code, 0);
            let l = cell_lang(&mut e, Some(Lang::Python), Some(Lang::Python));
            (l, e.code)
        };
        assert_eq!(lang("%%bash\ncurl x\n"), (Some((Lang::Bash, false)), "0     \ncurl x\n".into()));
        assert_eq!(lang("%%time\nf()\n").0, Some((Lang::Python, true)));
        assert_eq!(lang("%%writefile app.js\nfetch(u)\n").0, Some((Lang::JavaScript, false)));
        assert_eq!(lang("%%script bash\nls\n").0, Some((Lang::Bash, false)));
        assert_eq!(lang("%%html\n<b>x</b>\n").0, None);
        assert_eq!(lang("x = 1\n").0, Some((Lang::Python, true)));
    }

    #[test]
    fn json_reader_finds_cells_and_rejects_malformed_json() {
        let nb = r#"{"cells": [{"cell_type": "code", "source": ["a = 1\n", "b"], "outputs": [{"data": {"image/png": "iVBOR\"w0"}}]}], "metadata": {}, "nbformat": 4}"#;
        let root = parse_json(nb).unwrap();
        let cells = root.get("cells").unwrap().items();
        assert_eq!(cells[0].get("cell_type").unwrap().string(nb).as_deref(), Some("code"));
        assert_eq!(cells[0].get("source").unwrap().items().len(), 2);
        assert!(parse_json(r#"{"cells": [1, 2}"#).is_none());
        assert!(parse_json(&"[".repeat(10_000)).is_none());
        assert!(parse_json(r#"{"a": "unterminated}"#).is_none());
    }

    fn nb(path: &str, json: &str) -> (Option<LangOut>, Option<String>) {
        let file = SourceFile::new(path, json.to_owned(), crate::source::Encoding::Utf8);
        extract_file(&file, &cfg(), Deadline::none()).unwrap()
    }

    fn urls(out: &LangOut, text: &str) -> Vec<String> {
        out.candidates.iter().map(|c| format!("{} @ {}", c.url, &text[c.span.range()])).collect()
    }

    #[test]
    fn notebook_cells_share_constants_and_bad_cells_are_named() {
        let json = r#"{"cells": [
 {"cell_type": "code", "source": ["B = \"https://h/api/v1\"\n"]},
 {"cell_type": "markdown", "source": ["```python\n", "x = 1\n", "```"]},
 {"cell_type": "code", "source": ["def broken(:\n"]},
 {"cell_type": "code", "source": "get(f\"{B}/{K}/balance\")"}
], "metadata": {"kernelspec": {"language": "python"}}, "nbformat": 4}"#;
        let (out, diag) = nb("a.ipynb", json);
        let out = out.unwrap();
        assert!(
            urls(&out, json).contains(&r#"https://h/api/v1/{K}/balance @ {B}/{K}/balance"#.to_owned()),
            "{:?}",
            urls(&out, json)
        );
        let diag = diag.unwrap();
        assert!(diag.starts_with("could not parse the Python cell at line 4 (syntax error near line 4)"), "{diag}");
    }

    #[test]
    fn notebooks_other_kernels_formats_and_malformed_json() {
        // nbformat 3: worksheets, `input`, a language per cell
        let v3 = r#"{"worksheets": [{"cells": [{"cell_type": "code", "language": "python", "input": ["u = \"https://h/api/v1/k/balance\""]}]}], "metadata": {}, "nbformat": 3}"#;
        assert_eq!(nb("a.ipynb", v3).0.unwrap().candidates.len(), 1);
        // a kernel not understood: nothing parsed, no diagnostic
        let r = r#"{"cells": [{"cell_type": "code", "source": "GET(\"https://h/api/v1/k/balance\")"}], "metadata": {"kernelspec": {"language": "R"}}}"#;
        let (out, diag) = nb("a.ipynb", r);
        assert!(out.unwrap().candidates.is_empty() && diag.is_none());
        // malformed: left to the generic extractor
        assert!(matches!(nb("a.ipynb", r#"{"cells": [{"cell_type": "code", "source": "x""#), (None, None)));
        assert!(matches!(nb("a.ipynb", ""), (None, None)));
        // not an embedding file
        let file = SourceFile::new("a.py", String::new(), crate::source::Encoding::Utf8);
        assert!(extract_file(&file, &cfg(), Deadline::none()).is_none());
    }

    #[test]
    fn markdown_blocks_that_do_not_parse_are_left_alone() {
        let md =
            "See:\n\n```python\nclient = Client(\n    ...\n```\n\n```python\nu = \"https://h/api/v1/k/balance\"\n```\n";
        let (out, diag) = nb("README.md", md);
        let out = out.unwrap();
        assert!(diag.is_none());
        assert_eq!(urls(&out, md), vec!["https://h/api/v1/k/balance @ https://h/api/v1/k/balance".to_owned()]);
    }
}
