//! A span-carrying YAML/JSON tree over saphyr's event parser: one loader for YAML and JSON, a
//! byte span on every key and value, nodes in one arena (no recursive drop, aliases shared, not
//! cloned), a nesting limit, duplicate keys reported.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use crate::source::Span;

/// Index of a node in [`Doc::nodes`].
pub type NodeId = usize;

/// Deepest nesting accepted; deeper input is a diagnostic, not a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

#[derive(Debug, Clone)]
pub enum Kind {
    /// The decoded value (quotes and escapes resolved).
    Scalar {
        value: String,
        style: Style,
    },
    Seq(Vec<NodeId>),
    /// Entries in document order; a duplicate key keeps both entries (lookups take the last).
    Map(Vec<(NodeId, NodeId)>),
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Byte span in the text (a quoted scalar's span includes its quotes).
    pub span: Span,
    pub kind: Kind,
}

/// A loaded document.
#[derive(Debug, Clone)]
pub struct Doc {
    pub nodes: Vec<Node>,
    pub root: NodeId,
}

/// Something wrong in the input, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// A document and the problems that did not stop its loading (duplicate keys).
#[derive(Debug)]
pub struct Loaded {
    pub doc: Doc,
    pub warnings: Vec<Problem>,
}

impl Doc {
    #[must_use]
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// The scalar value of a node.
    #[must_use]
    pub fn str(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    #[must_use]
    pub fn entries(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match &self.nodes[id].kind {
            Kind::Map(m) => m,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    #[must_use]
    pub fn items(&self, id: NodeId) -> &[NodeId] {
        match &self.nodes[id].kind {
            Kind::Seq(s) => s,
            _ => &[],
        }
    }

    #[must_use]
    pub fn is_map(&self, id: NodeId) -> bool {
        matches!(self.nodes[id].kind, Kind::Map(_))
    }

    /// The last entry of a mapping whose key is `key`: (key node, value node).
    #[must_use]
    pub fn entry(&self, map: NodeId, key: &str) -> Option<(NodeId, NodeId)> {
        self.entries(map).iter().rev().find(|(k, _)| self.str(*k) == Some(key)).copied()
    }

    /// The value under `key` in a mapping.
    #[must_use]
    pub fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        self.entry(map, key).map(|(_, v)| v)
    }

    /// The scalar under `key` in a mapping.
    #[must_use]
    pub fn get_str(&self, map: NodeId, key: &str) -> Option<&str> {
        self.get(map, key).and_then(|v| self.str(v))
    }

    /// Follow a JSON pointer (`/components/parameters/Key`, RFC 6901 escapes) from the root.
    #[must_use]
    pub fn pointer(&self, ptr: &str) -> Option<NodeId> {
        let mut at = self.root;
        if ptr.is_empty() {
            return Some(at);
        }
        for raw in ptr.strip_prefix('/')?.split('/') {
            let seg = percent_decode(raw).replace("~1", "/").replace("~0", "~");
            at = match &self.nodes[at].kind {
                Kind::Map(_) => self.get(at, &seg)?,
                Kind::Seq(s) => *s.get(seg.parse::<usize>().ok()?)?,
                Kind::Scalar { .. } => return None,
            };
        }
        Some(at)
    }
}

/// `%7B` → `{` in a JSON pointer taken from a URI fragment.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// saphyr markers count chars; spans here are bytes. ASCII text maps one to one; otherwise a
/// checkpoint every 64 chars bounds the walk.
struct CharIndex<'t> {
    text: &'t str,
    checkpoints: Option<Vec<usize>>,
}

impl<'t> CharIndex<'t> {
    fn new(text: &'t str) -> Self {
        let checkpoints = (!text.is_ascii())
            .then(|| text.char_indices().enumerate().filter(|(i, _)| i % 64 == 0).map(|(_, (b, _))| b).collect());
        Self { text, checkpoints }
    }

    fn byte(&self, char_index: usize) -> usize {
        let Some(cp) = &self.checkpoints else { return char_index.min(self.text.len()) };
        let k = char_index / 64;
        let Some(&start) = cp.get(k) else { return self.text.len() };
        // a block of 64 characters in 64 bytes is ASCII: no walk (most blocks of a spec are)
        if cp.get(k + 1).is_some_and(|&next| next - start == 64) {
            return start + char_index % 64;
        }
        self.text[start..].char_indices().nth(char_index % 64).map_or(self.text.len(), |(b, _)| start + b)
    }
}

struct Frame {
    id: NodeId,
    pending_key: Option<NodeId>,
    /// Scalar keys seen in a mapping, for duplicate detection.
    keys: HashMap<String, NodeId>,
}

/// Load the first document of `text` (YAML or JSON).
///
/// # Errors
/// A [`Problem`] when the text is not valid YAML/JSON, nests deeper than [`MAX_DEPTH`], or uses
/// an alias to an unknown or enclosing anchor.
pub fn load(text: &str) -> Result<Loaded, Problem> {
    let idx = CharIndex::new(text);
    let span = |s: saphyr_parser::Span| Span::new(idx.byte(s.start.index()), idx.byte(s.end.index()));
    let mut nodes: Vec<Node> = Vec::new();
    let mut complete: Vec<bool> = Vec::new();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    let mut warnings = Vec::new();
    let mut started = false;
    for ev in Parser::new_from_str(text) {
        let (ev, sp) = ev.map_err(|e| scan_problem(&e))?;
        let line = sp.start.line();
        let new = match ev {
            Event::DocumentStart(_) => {
                if started {
                    break;
                }
                started = true;
                continue;
            }
            Event::Scalar(v, style, anchor, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::Single,
                    ScalarStyle::DoubleQuoted => Style::Double,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                nodes.push(Node { span: span(sp), kind: Kind::Scalar { value: v.into_owned(), style } });
                complete.push(true);
                let id = nodes.len() - 1;
                if anchor > 0 {
                    anchors.insert(anchor, id);
                }
                id
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let kind =
                    if matches!(ev, Event::SequenceStart(..)) { Kind::Seq(Vec::new()) } else { Kind::Map(Vec::new()) };
                nodes.push(Node { span: span(sp), kind });
                complete.push(false);
                let id = nodes.len() - 1;
                if anchor > 0 {
                    anchors.insert(anchor, id);
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(Problem { line, message: format!("nesting deeper than {MAX_DEPTH} levels") });
                }
                stack.push(Frame { id, pending_key: None, keys: HashMap::new() });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(f) = stack.pop() else { continue };
                let end = span(sp).end.max(nodes[f.id].span.start);
                nodes[f.id].span.end = end;
                complete[f.id] = true;
                f.id
            }
            Event::Alias(a) => match anchors.get(&a) {
                Some(&id) if complete[id] => id,
                Some(_) => {
                    return Err(Problem { line, message: "alias to an enclosing node (a recursive structure)".into() });
                }
                None => return Err(Problem { line, message: "alias to an unknown anchor".into() }),
            },
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
        };
        let Some(top) = stack.last_mut() else {
            root.get_or_insert(new);
            continue;
        };
        match &mut nodes[top.id].kind {
            Kind::Seq(items) => items.push(new),
            Kind::Map(entries) => match top.pending_key.take() {
                None => top.pending_key = Some(new),
                Some(k) => {
                    entries.push((k, new));
                    if let Kind::Scalar { value, .. } = &nodes[k].kind {
                        if let Some(&first) = top.keys.get(value.as_str()) {
                            let first_line = line_of(text, nodes[first].span.start);
                            warnings.push(Problem {
                                line: line_of(text, nodes[k].span.start),
                                message: format!(
                                    "duplicate key `{value}` (first at line {first_line}); the last one is used"
                                ),
                            });
                        } else {
                            top.keys.insert(value.clone(), k);
                        }
                    }
                }
            },
            Kind::Scalar { .. } => {}
        }
    }
    let root = root.ok_or(Problem { line: 1, message: "empty document".into() })?;
    Ok(Loaded { doc: Doc { nodes, root }, warnings })
}

fn scan_problem(e: &ScanError) -> Problem {
    Problem { line: e.marker().line().max(1), message: e.info().to_owned() }
}

/// 1-based line of a byte offset.
#[must_use]
pub fn line_of(text: &str, offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset.min(text.len())]).count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_index_maps_every_character_to_its_byte() {
        // ASCII blocks (the shortcut), blocks with multi-byte characters, and a partial last block
        let mut text = "a".repeat(200);
        text.push_str("é€😀x");
        text.push_str(&"b".repeat(130));
        text.push_str(&"ü".repeat(70));
        let idx = CharIndex::new(&text);
        let want: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
        for (i, &b) in want.iter().enumerate() {
            assert_eq!(idx.byte(i), b, "char {i}");
        }
        assert_eq!(idx.byte(want.len() + 5), text.len());
    }

    #[test]
    fn spans_are_bytes_for_yaml_and_json() {
        let y = "a:\n  é: [x, \"quoted\"]\n  in: query\n";
        let d = load(y).unwrap().doc;
        let a = d.get(d.root, "a").unwrap();
        let (k, v) = d.entry(a, "in").unwrap();
        assert_eq!(&y[d.node(k).span.range()], "in");
        assert_eq!(&y[d.node(v).span.range()], "query");
        let list = d.get(a, "é").unwrap();
        assert_eq!(&y[d.node(d.items(list)[1]).span.range()], "\"quoted\"");
        let j = r#"{"ü": {"in": "query"}}"#;
        let d = load(j).unwrap().doc;
        let v = d.pointer("/ü/in").unwrap();
        assert_eq!(&j[d.node(v).span.range()], "\"query\"");
        assert_eq!(d.str(v), Some("query"));
    }

    #[test]
    fn bad_input_is_a_problem_not_a_panic() {
        assert_eq!(load("a: [1, 2\nb: 3\n").unwrap_err().line, 2);
        let deep = "- ".repeat(MAX_DEPTH + 10) + "x\n";
        assert!(load(&deep).unwrap_err().message.contains("nesting deeper"));
        let deep_flow = "[".repeat(100_000);
        assert!(load(&deep_flow).is_err());
        assert!(load("a: *nope\n").unwrap_err().message.contains("unknown anchor"));
        let d = load("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(d.warnings[0].line, 3);
        assert_eq!(d.doc.get_str(d.doc.root, "a"), Some("3"));
    }

    #[test]
    fn aliases_are_shared_not_cloned() {
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='z' {
            y.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        let d = load(&y).unwrap().doc;
        assert!(d.nodes.len() < 1000);
    }
}
