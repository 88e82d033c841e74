//! Files as the scanner sees them: decoded text, byte spans and a line index that turns a byte
//! offset into a 1-based line and a 1-based column counted in Unicode scalar values.

use std::ops::Range;

/// A byte range into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    #[must_use]
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
    #[must_use]
    pub fn len(self) -> usize {
        self.end - self.start
    }
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.end == self.start
    }
    #[must_use]
    pub fn offset(self, by: usize) -> Self {
        Self::new(self.start + by, self.end + by)
    }
}

/// A 1-based position: line, and column in Unicode scalar values (SARIF `unicodeCodePoints`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// How the bytes of a file were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// Not valid UTF-8: invalid sequences were replaced by U+FFFD, line numbers are unchanged.
    Lossy,
    Utf16Le,
    Utf16Be,
}

/// A decoded file: its display path (relative to the current directory, `/`-separated), its
/// text and its line index.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    pub encoding: Encoding,
    lines: Vec<usize>,
    /// All ASCII: a column is a byte difference (no char counting on long lines).
    ascii: bool,
}

impl SourceFile {
    #[must_use]
    pub fn new(path: impl Into<String>, text: String, encoding: Encoding) -> Self {
        let lines = line_starts(&text);
        let ascii = text.is_ascii();
        Self { path: path.into(), text, encoding, lines, ascii }
    }

    /// Decode raw bytes: a UTF-16 byte-order mark selects UTF-16, a UTF-8 BOM is dropped, and
    /// anything that is not valid UTF-8 is decoded lossily so the scan still goes on.
    #[must_use]
    pub fn decode(path: impl Into<String>, bytes: &[u8]) -> Self {
        let (text, encoding) = decode(bytes);
        Self::new(path, text, encoding)
    }

    /// 1-based line and column (in chars) of a byte offset.
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line = self.lines.partition_point(|&s| s <= offset).max(1);
        let start = self.lines[line - 1];
        let column = if self.ascii {
            offset - start
        } else {
            self.text.get(start..offset).map_or(offset - start, |s| s.chars().count())
        } + 1;
        Position { line, column }
    }

    /// Byte range of the 1-based line `line`, without its line terminator.
    #[must_use]
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.lines[line - 1];
        let mut end = self.lines.get(line).copied().unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    #[must_use]
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    #[must_use]
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let mut v = Vec::with_capacity(text.len() / 40 + 1);
    v.push(0);
    v.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    v
}

fn decode(bytes: &[u8]) -> (String, Encoding) {
    match bytes {
        [0xFF, 0xFE, rest @ ..] => (utf16(rest, u16::from_le_bytes), Encoding::Utf16Le),
        [0xFE, 0xFF, rest @ ..] => (utf16(rest, u16::from_be_bytes), Encoding::Utf16Be),
        _ => {
            let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            match std::str::from_utf8(bytes) {
                Ok(s) => (s.to_owned(), Encoding::Utf8),
                Err(_) => (String::from_utf8_lossy(bytes).into_owned(), Encoding::Lossy),
            }
        }
    }
}

fn utf16(bytes: &[u8], f: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|c| f([c[0], c[1]]));
    char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_lines() {
        let f = SourceFile::new("a", "ab\nçé x\r\nlast".into(), Encoding::Utf8);
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        let x = f.text.find('x').unwrap();
        assert_eq!(f.position(x), Position { line: 2, column: 4 });
        assert_eq!(f.slice(f.line_span(2)), "çé x");
        assert_eq!(f.slice(f.line_span(3)), "last");
        assert_eq!(f.line_count(), 3);
    }

    #[test]
    fn decodes_utf16_and_lossy() {
        let mut b = vec![0xFF, 0xFE];
        for u in "a\nkey".encode_utf16() {
            b.extend(u.to_le_bytes());
        }
        let f = SourceFile::decode("x", &b);
        assert_eq!((f.text.as_str(), f.encoding), ("a\nkey", Encoding::Utf16Le));
        let f = SourceFile::decode("x", b"caf\xe9\nkey=1");
        assert_eq!(f.encoding, Encoding::Lossy);
        assert_eq!(f.position(f.text.find("key").unwrap()).line, 2);
        let f = SourceFile::decode("x", b"\xEF\xBB\xBFhi");
        assert_eq!(f.text, "hi");
    }
}
