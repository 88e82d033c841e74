//! Layout-preserving output for `migrate-spec`: the migrated document written as edits on the
//! original text (replace, insert, delete byte ranges), so YAML comments, blank lines, quoting,
//! flow mappings and the author's indentation survive wherever the migration did not touch them.
//!
//! The migrated document ([`Val`]) is compared with the loaded one ([`Doc`], a span on every
//! node). Collections copied from the original remember their node ([`Val::origin`]), so a path
//! item that moved to its v4 path or a method renamed (`put:` → `patch:`) is found again and only
//! its key is rewritten. Whatever cannot be edited in place (the first entry of a `- key: value`
//! item, a flow collection with comments, a block scalar) is re-rendered as a whole, at its own
//! column, and listed in the notes. The caller reads the result back and compares it with the
//! migrated document; any difference, or a document with aliases, falls back to a full
//! re-render.

use std::cell::RefCell;

use super::migrate::{
    Val, double_quoted, emit_json, emit_yaml_map, emit_yaml_seq, json_scalar, plain_ok, yaml_inline, yaml_scalar,
};
use super::tree::{Doc, Kind, NodeId, Style, line_of};

/// One text edit: `start..end` of the original text becomes `text`.
#[derive(Debug, Clone)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// The edited text, and a note for each part that had to be re-rendered as a whole.
#[derive(Debug)]
pub struct Spliced {
    pub text: String,
    pub notes: Vec<String>,
}

/// Write `target` as edits on `text` (the source of `doc`). `Err` says why the layout cannot be
/// kept (the caller re-renders the whole document).
///
/// # Errors
/// A document with aliases, or a root that cannot be edited in place.
pub fn splice(text: &str, doc: &Doc, target: &Val, json: bool) -> Result<Spliced, String> {
    let mut parents: Vec<Option<NodeId>> = vec![None; doc.nodes.len()];
    for (i, n) in doc.nodes.iter().enumerate() {
        let children: Vec<NodeId> = match &n.kind {
            Kind::Seq(s) => s.clone(),
            Kind::Map(m) => m.iter().flat_map(|&(k, v)| [k, v]).collect(),
            Kind::Scalar { .. } => Vec::new(),
        };
        for c in children {
            if parents[c].is_some() {
                return Err("the document uses YAML aliases".into());
            }
            parents[c] = Some(i);
        }
    }
    let step = indent_step(text, doc);
    let s = Splicer { text, doc, json, parents, step, notes: RefCell::new(Vec::new()) };
    let mut edits = Vec::new();
    if !s.same(doc.root, target) {
        s.collection(doc.root, target, false, &mut edits).map_err(|why| format!("the top level: {why}"))?;
    }
    let out = apply(text, 0, text.len(), &mut edits)?;
    Ok(Spliced { text: out, notes: s.notes.into_inner() })
}

/// The indentation of the first nested mapping under the top level (2 when there is none or it
/// is unusual).
fn indent_step(text: &str, doc: &Doc) -> usize {
    let col = |p: usize| p - text[..p].rfind('\n').map_or(0, |i| i + 1);
    let step = doc.entries(doc.root).iter().find_map(|&(k, v)| {
        let first = doc.entries(v).first()?.0;
        let (kp, cp) = (doc.node(k).span.start, doc.node(first).span.start);
        (text[..cp].rfind('\n') > text[..kp].rfind('\n')).then(|| col(cp).saturating_sub(col(kp)))
    });
    step.filter(|s| (2..=8).contains(s)).unwrap_or(2)
}

/// Apply sorted, non-overlapping edits to `text[start..end]`.
fn apply(text: &str, start: usize, end: usize, edits: &mut [Edit]) -> Result<String, String> {
    // insertions before replacements at the same offset; otherwise the order they were made
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(end - start + 256);
    let mut at = start;
    for e in edits.iter() {
        if e.start < at || e.end > end {
            return Err("two edits overlap".into());
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(&text[at..end]);
    Ok(out)
}

struct Splicer<'a> {
    text: &'a str,
    doc: &'a Doc,
    json: bool,
    parents: Vec<Option<NodeId>>,
    /// The document's indentation step (2 unless the top level says otherwise).
    step: usize,
    notes: RefCell<Vec<String>>,
}

type R = Result<(), String>;

impl Splicer<'_> {
    fn start(&self, id: NodeId) -> usize {
        self.doc.node(id).span.start
    }

    fn line_start(&self, p: usize) -> usize {
        self.text[..p].rfind('\n').map_or(0, |i| i + 1)
    }

    /// After the newline of the line holding `p` (or the end of the text).
    fn line_end(&self, p: usize) -> usize {
        self.text[p..].find('\n').map_or(self.text.len(), |i| p + i + 1)
    }

    fn column(&self, p: usize) -> usize {
        p - self.line_start(p)
    }

    /// Whether only spaces precede `p` on its line.
    fn starts_line(&self, p: usize) -> bool {
        self.text[self.line_start(p)..p].bytes().all(|b| b == b' ')
    }

    /// Indentation of the line holding `p`.
    fn line_indent(&self, p: usize) -> usize {
        let ls = self.line_start(p);
        self.text[ls..].bytes().take_while(|&b| b == b' ').count()
    }

    fn is_flow(&self, id: NodeId) -> bool {
        let b = self.text.as_bytes().get(self.start(id)).copied();
        match self.doc.node(id).kind {
            Kind::Map(_) => b == Some(b'{'),
            Kind::Seq(_) => b == Some(b'['),
            Kind::Scalar { .. } => true,
        }
    }

    /// Where the text of a node ends, trailing blank lines and comments excluded.
    fn content_end(&self, id: NodeId) -> usize {
        let n = self.doc.node(id);
        match &n.kind {
            Kind::Scalar { style: Style::Literal | Style::Folded, .. } => {
                n.span.start + self.text[n.span.range()].trim_end().len()
            }
            Kind::Scalar { .. } => n.span.end,
            _ if self.is_flow(id) => self.flow_end(id),
            Kind::Map(m) => m.last().map_or(n.span.end, |&(k, v)| self.entry_end(k, v)),
            Kind::Seq(s) => s.last().map_or(n.span.end, |&i| self.content_end(i)),
        }
    }

    /// After the closing bracket of a flow collection (its span may run on past it).
    fn flow_end(&self, id: NodeId) -> usize {
        let n = self.doc.node(id);
        let from = match &n.kind {
            Kind::Map(m) => m.last().map_or(n.span.start + 1, |&(k, v)| self.entry_end(k, v)),
            Kind::Seq(s) => s.last().map_or(n.span.start + 1, |&i| self.content_end(i)),
            Kind::Scalar { .. } => return n.span.end,
        };
        let close = if matches!(n.kind, Kind::Map(_)) { '}' } else { ']' };
        self.text[from..].find(close).map_or(n.span.end, |i| from + i + 1)
    }

    fn entry_end(&self, k: NodeId, v: NodeId) -> usize {
        let vs = self.doc.node(v).span;
        if matches!(self.doc.node(v).kind, Kind::Scalar { .. }) && vs.start == vs.end {
            return self.doc.node(k).span.end;
        }
        self.content_end(v).max(self.doc.node(k).span.end)
    }

    /// The `-` of a block sequence item (only spaces before it on its line).
    fn dash(&self, item: NodeId) -> Result<usize, String> {
        let p = self.start(item);
        let before = self.text[self.line_start(p)..p].trim_end_matches(' ');
        if before.ends_with('-') && before[..before.len() - 1].bytes().all(|b| b == b' ') {
            Ok(self.line_start(p) + before.len() - 1)
        } else {
            Err(format!("an unusual sequence item at line {}", line_of(self.text, p)))
        }
    }

    /// Whether the original node reads as the target value (same order, same scalar types).
    fn same(&self, id: NodeId, t: &Val) -> bool {
        match (&self.doc.node(id).kind, t) {
            (Kind::Scalar { value, style }, Val::Scalar(s, st)) => {
                value == s && reads_as_string(value, *style) == reads_as_string(s, *st)
            }
            (Kind::Seq(a), Val::Seq(b, _)) => a.len() == b.len() && a.iter().zip(b).all(|(&x, y)| self.same(x, y)),
            (Kind::Map(a), Val::Map(b, _)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(&(k, v), (tk, tv))| self.same(k, tk) && self.same(v, tv))
            }
            _ => false,
        }
    }

    /// The original node a new collection was built from: the parent of its children's origins.
    fn anchor(&self, t: &Val) -> Option<NodeId> {
        let children: Vec<&Val> = match t {
            Val::Map(m, _) => m.iter().map(|(_, v)| v).collect(),
            Val::Seq(s, _) => s.iter().collect(),
            Val::Scalar(..) => return None,
        };
        children.iter().find_map(|c| c.origin().and_then(|o| self.parents[o]))
    }

    /// Bring node `id` to `t`: edits inside it, or a re-rendering of it as a whole.
    fn update(&self, id: NodeId, t: &Val, in_flow: bool, owner_col: usize, out: &mut Vec<Edit>) -> R {
        if self.same(id, t) {
            return Ok(());
        }
        let mut local = Vec::new();
        match self.collection(id, t, in_flow, &mut local) {
            Ok(()) => {
                out.extend(local);
                Ok(())
            }
            Err(why) => self.replace(id, t, in_flow, owner_col, out, &why),
        }
    }

    fn collection(&self, id: NodeId, t: &Val, in_flow: bool, out: &mut Vec<Edit>) -> R {
        let flow = self.is_flow(id);
        match (&self.doc.node(id).kind, t) {
            (Kind::Map(oe), Val::Map(te, _)) if !oe.is_empty() && !te.is_empty() => {
                if flow {
                    self.flow_map(id, oe, te, out)
                } else if in_flow {
                    Err("a block mapping inside a flow collection".into())
                } else {
                    self.block_map(oe, te, out)
                }
            }
            (Kind::Seq(oi), Val::Seq(ti, _)) if !oi.is_empty() && !ti.is_empty() => {
                if flow {
                    self.flow_seq(id, oi, ti, out)
                } else if in_flow {
                    Err("a block sequence inside a flow collection".into())
                } else {
                    self.block_seq(oi, ti, out)
                }
            }
            _ => Err("its type changed".into()),
        }
    }

    /// Re-render node `id` as `t`, in place.
    fn replace(&self, id: NodeId, t: &Val, in_flow: bool, owner_col: usize, out: &mut Vec<Edit>, why: &str) -> R {
        let n = self.doc.node(id);
        if let Kind::Scalar { style, .. } = n.kind {
            if matches!(style, Style::Literal | Style::Folded) || n.span.start == n.span.end {
                return Err(format!("a block or empty scalar at line {}", line_of(self.text, n.span.start)));
            }
            let text = match t {
                Val::Scalar(s, st) if !self.json && !in_flow => like(s, *st, style, owner_col),
                Val::Scalar(s, st) if !self.json && !s.contains(['\n', ',', '[', ']', '{', '}', '#']) => {
                    like(s, *st, style, owner_col)
                }
                _ => self.inline(t, in_flow, id),
            };
            out.push(Edit { start: n.span.start, end: n.span.end, text });
            return Ok(());
        }
        if self.is_flow(id) {
            out.push(Edit { start: n.span.start, end: self.flow_end(id), text: self.inline(t, in_flow, id) });
            return Ok(());
        }
        if in_flow {
            return Err("a block collection inside a flow collection".into());
        }
        // a block collection: from its first line to the end of its last, at its own column
        let start = match &n.kind {
            Kind::Seq(s) => self.dash(s[0])?,
            _ => n.span.start,
        };
        let end = self.line_end(self.content_end(id));
        let col = self.column(start);
        let text = block_value(t, col, self.step);
        let (a, b) = (line_of(self.text, start), line_of(self.text, end.saturating_sub(1).max(start)));
        self.notes.borrow_mut().push(format!("lines {a}-{b} re-rendered ({why})"));
        out.push(Edit { start, end, text });
        Ok(())
    }

    /// A value written inline where node `id` was: JSON, or a YAML flow collection or scalar.
    fn inline(&self, t: &Val, in_flow: bool, id: NodeId) -> String {
        let n = self.doc.node(id);
        if self.json {
            if self.text[n.span.start..self.content_end(id)].contains('\n') {
                let mut s = String::new();
                emit_json(t, self.line_indent(n.span.start), self.step, &mut s);
                s
            } else {
                compact_json(t)
            }
        } else if in_flow || !matches!(t, Val::Scalar(..)) {
            yaml_flow(t)
        } else {
            yaml_inline(t, self.line_indent(n.span.start))
        }
    }

    fn rename_key(&self, k: NodeId, tk: &Val, in_flow: bool, out: &mut Vec<Edit>) -> R {
        if self.same(k, tk) {
            return Ok(());
        }
        let (Kind::Scalar { style, .. }, Val::Scalar(s, st)) = (&self.doc.node(k).kind, tk) else {
            return Err("a complex key".into());
        };
        if matches!(style, Style::Literal | Style::Folded) {
            return Err("a block scalar key".into());
        }
        let text = if self.json {
            json_scalar(s, Style::Double)
        } else if in_flow {
            flow_scalar(s, *st)
        } else {
            let r = like(s, *st, *style, 0);
            if r.contains('\n') { double_quoted(s) } else { r }
        };
        let sp = self.doc.node(k).span;
        out.push(Edit { start: sp.start, end: sp.end, text });
        Ok(())
    }

    /// Pair target entries with original ones: by the origin of the value (or of its children),
    /// then by key.
    fn match_entries(&self, oe: &[(NodeId, NodeId)], te: &[(Val, Val)]) -> (Vec<Option<usize>>, Vec<bool>) {
        let mut claim: Vec<Option<usize>> = vec![None; te.len()];
        let mut taken = vec![false; oe.len()];
        for (i, (_, tv)) in te.iter().enumerate() {
            if let Some(o) = tv.origin().or_else(|| self.anchor(tv))
                && let Some(j) = (0..oe.len()).find(|&j| !taken[j] && oe[j].1 == o)
            {
                claim[i] = Some(j);
                taken[j] = true;
            }
        }
        for (i, (tk, _)) in te.iter().enumerate() {
            if claim[i].is_some() {
                continue;
            }
            let key = tk.str();
            if let Some(j) = (0..oe.len()).find(|&j| !taken[j] && key.is_some() && self.doc.str(oe[j].0) == key) {
                claim[i] = Some(j);
                taken[j] = true;
            }
        }
        (claim, taken)
    }

    fn block_map(&self, oe: &[(NodeId, NodeId)], te: &[(Val, Val)], out: &mut Vec<Edit>) -> R {
        let col = self.column(self.start(oe[0].0));
        let (claim, taken) = self.match_entries(oe, te);
        let mut paired = vec![false; oe.len()];
        let mut cursor: Option<usize> = None;
        for (i, (tk, tv)) in te.iter().enumerate() {
            if let Some(j) = claim[i] {
                let (k, v) = oe[j];
                self.rename_key(k, tk, false, out)?;
                self.update(v, tv, false, col, out)?;
                cursor = Some(j);
                continue;
            }
            let next = cursor.map_or(0, |c| c + 1);
            let mut entry = String::new();
            emit_yaml_map(&[(tk.clone(), tv.clone())], col, self.step, &mut entry);
            if next < oe.len() && !taken[next] && !paired[next] {
                // the entry that goes, in the same place: written over it
                paired[next] = true;
                let (k, v) = oe[next];
                out.push(self.over(self.start(k), self.entry_end(k, v), &entry[col..]));
                cursor = Some(next);
                continue;
            }
            let at = match cursor {
                Some(c) => self.line_end(self.entry_end(oe[c].0, oe[c].1)),
                None if self.starts_line(self.start(oe[0].0)) => self.line_start(self.start(oe[0].0)),
                None => return Err("an entry before the first one of a `- key: value` item".into()),
            };
            out.push(Edit { start: at, end: at, text: self.at_line_start(at, entry) });
        }
        for (j, &(k, v)) in oe.iter().enumerate() {
            if taken[j] || paired[j] {
                continue;
            }
            let ks = self.start(k);
            if !self.starts_line(ks) {
                return Err("the first entry of a `- key: value` item goes".into());
            }
            out.push(Edit {
                start: self.line_start(ks),
                end: self.line_end(self.entry_end(k, v)),
                text: String::new(),
            });
        }
        Ok(())
    }

    /// Lines written over `start..end` and the rest of its line; a one-line replacement keeps
    /// the comment at the end of the line.
    fn over(&self, start: usize, end: usize, lines: &str) -> Edit {
        match lines.strip_suffix('\n') {
            Some(one) if !one.contains('\n') => Edit { start, end, text: one.to_owned() },
            _ => Edit { start, end: self.line_end(end), text: lines.to_owned() },
        }
    }

    /// Inserted lines at `at`: after a newline even when the text does not end with one.
    fn at_line_start(&self, at: usize, lines: String) -> String {
        if at == self.text.len() && !self.text.is_empty() && !self.text.ends_with('\n') {
            format!("\n{lines}")
        } else {
            lines
        }
    }

    fn block_seq(&self, oi: &[NodeId], ti: &[Val], out: &mut Vec<Edit>) -> R {
        let dash0 = self.dash(oi[0])?;
        let col = self.column(dash0);
        let (claim, taken) = self.match_items(oi, ti)?;
        let mut paired = vec![false; oi.len()];
        let mut cursor: Option<usize> = None;
        for (i, t) in ti.iter().enumerate() {
            if let Some(j) = claim[i] {
                self.update(oi[j], t, false, col, out)?;
                cursor = Some(j);
                continue;
            }
            let next = cursor.map_or(0, |c| c + 1);
            if next < oi.len() && !taken[next] && !paired[next] {
                paired[next] = true;
                let item = oi[next];
                let start = self.start(item);
                out.push(self.over(start, self.content_end(item), &block_value(t, self.column(start), self.step)));
                cursor = Some(next);
                continue;
            }
            let mut lines = String::new();
            emit_yaml_seq(std::slice::from_ref(t), col, self.step, &mut lines);
            let at = match cursor {
                Some(c) => self.line_end(self.content_end(oi[c])),
                None => self.line_start(dash0),
            };
            out.push(Edit { start: at, end: at, text: self.at_line_start(at, lines) });
        }
        for (j, &item) in oi.iter().enumerate() {
            if taken[j] || paired[j] {
                continue;
            }
            let d = self.dash(item)?;
            out.push(Edit {
                start: self.line_start(d),
                end: self.line_end(self.content_end(item)),
                text: String::new(),
            });
        }
        Ok(())
    }

    /// Pair target items with original ones (by origin, then by value), in order.
    fn match_items(&self, oi: &[NodeId], ti: &[Val]) -> Result<(Vec<Option<usize>>, Vec<bool>), String> {
        let mut claim: Vec<Option<usize>> = vec![None; ti.len()];
        let mut taken = vec![false; oi.len()];
        for (i, t) in ti.iter().enumerate() {
            if let Some(o) = t.origin()
                && let Some(j) = (0..oi.len()).find(|&j| !taken[j] && oi[j] == o)
            {
                claim[i] = Some(j);
                taken[j] = true;
            }
        }
        for (i, t) in ti.iter().enumerate() {
            if claim[i].is_none()
                && let Some(j) = (0..oi.len()).find(|&j| !taken[j] && self.same(oi[j], t))
            {
                claim[i] = Some(j);
                taken[j] = true;
            }
        }
        let order: Vec<usize> = claim.iter().flatten().copied().collect();
        if order.windows(2).any(|w| w[0] > w[1]) {
            return Err("the items were reordered".into());
        }
        Ok((claim, taken))
    }

    /// A flow mapping (all of JSON): values edited in place while the entries stay; otherwise
    /// the mapping is written again from its entries, the kept ones as they were (with their own
    /// edits) and the separators of the original.
    fn flow_map(&self, id: NodeId, oe: &[(NodeId, NodeId)], te: &[(Val, Val)], out: &mut Vec<Edit>) -> R {
        let (claim, _) = self.match_entries(oe, te);
        let in_order = claim.iter().enumerate().all(|(i, c)| *c == Some(i));
        if in_order && te.len() == oe.len() {
            for (i, (tk, tv)) in te.iter().enumerate() {
                let (k, v) = oe[i];
                self.rename_key(k, tk, true, out)?;
                self.update(v, tv, true, 0, out)?;
            }
            return Ok(());
        }
        let layout =
            self.flow_layout(id, &oe.iter().map(|&(k, v)| (self.start(k), self.content_end(v))).collect::<Vec<_>>())?;
        let mut pieces = Vec::new();
        for (i, (tk, tv)) in te.iter().enumerate() {
            if let Some(j) = claim[i] {
                let (k, v) = oe[j];
                let mut edits = Vec::new();
                self.rename_key(k, tk, true, &mut edits)?;
                self.update(v, tv, true, 0, &mut edits)?;
                pieces.push(apply(self.text, self.start(k), self.content_end(v), &mut edits)?);
            } else {
                let key = if self.json { json_scalar(tk.str().unwrap_or(""), Style::Double) } else { flow_key(tk) };
                pieces.push(format!("{key}: {}", self.flow_value(tv, &layout)));
            }
        }
        out.push(Edit { start: self.start(id), end: self.flow_end(id), text: layout.join(&pieces, '{', '}') });
        Ok(())
    }

    fn flow_seq(&self, id: NodeId, oi: &[NodeId], ti: &[Val], out: &mut Vec<Edit>) -> R {
        let (claim, _) = self.match_items(oi, ti)?;
        if ti.len() == oi.len() && claim.iter().enumerate().all(|(i, c)| *c == Some(i)) {
            for (i, t) in ti.iter().enumerate() {
                self.update(oi[i], t, true, 0, out)?;
            }
            return Ok(());
        }
        let layout =
            self.flow_layout(id, &oi.iter().map(|&i| (self.start(i), self.content_end(i))).collect::<Vec<_>>())?;
        let mut pieces = Vec::new();
        for (i, t) in ti.iter().enumerate() {
            if let Some(j) = claim[i] {
                let mut edits = Vec::new();
                self.update(oi[j], t, true, 0, &mut edits)?;
                pieces.push(apply(self.text, self.start(oi[j]), self.content_end(oi[j]), &mut edits)?);
            } else {
                pieces.push(self.flow_value(t, &layout));
            }
        }
        out.push(Edit { start: self.start(id), end: self.flow_end(id), text: layout.join(&pieces, '[', ']') });
        Ok(())
    }

    fn flow_value(&self, v: &Val, layout: &FlowLayout) -> String {
        if !self.json {
            return yaml_flow(v);
        }
        if layout.multiline {
            let mut s = String::new();
            emit_json(v, layout.indent, self.step, &mut s);
            s
        } else {
            compact_json(v)
        }
    }

    /// The whitespace of a flow collection with `items` (start, end): before the first, between
    /// two, after the last. Comments or a trailing comma: not edited.
    fn flow_layout(&self, id: NodeId, items: &[(usize, usize)]) -> Result<FlowLayout, String> {
        let sp = self.doc.node(id).span;
        let (open, close) = (sp.start + 1, self.flow_end(id) - 1);
        let bad = || format!("a flow collection with comments at line {}", line_of(self.text, sp.start));
        let blank = |s: &str| s.bytes().all(|b| b.is_ascii_whitespace());
        let (Some(first), Some(last)) = (items.first(), items.last()) else { return Err(bad()) };
        let lead = &self.text[open..first.0];
        let trail = &self.text[last.1..close];
        if !blank(lead) || !blank(trail) {
            return Err(bad());
        }
        let sep = if items.len() >= 2 {
            let s = &self.text[items[0].1..items[1].0];
            if s.trim() != "," {
                return Err(bad());
            }
            s.to_owned()
        } else if lead.contains('\n') {
            format!(",{lead}")
        } else {
            ", ".to_owned()
        };
        let multiline = lead.contains('\n');
        let indent = if multiline { self.column(first.0) } else { self.line_indent(sp.start) };
        Ok(FlowLayout { lead: lead.to_owned(), sep, trail: trail.to_owned(), multiline, indent })
    }
}

struct FlowLayout {
    lead: String,
    sep: String,
    trail: String,
    multiline: bool,
    /// Column of the entries (multi-line) or of the line (one line).
    indent: usize,
}

impl FlowLayout {
    fn join(&self, pieces: &[String], open: char, close: char) -> String {
        if pieces.is_empty() {
            return format!("{open}{close}");
        }
        format!("{open}{}{}{}{close}", self.lead, pieces.join(&self.sep), self.trail)
    }
}

/// A value written after `key: ` or `- ` at column `col`, through the end of its last line.
fn block_value(t: &Val, col: usize, step: usize) -> String {
    let mut s = String::new();
    match t {
        Val::Map(m, _) if !m.is_empty() => {
            emit_yaml_map(m, col, step, &mut s);
            s.split_off(col)
        }
        Val::Seq(items, _) if !items.is_empty() => {
            emit_yaml_seq(items, col, step, &mut s);
            s.split_off(col)
        }
        other => format!("{}\n", yaml_inline(other, col.saturating_sub(2))),
    }
}

/// A scalar in the quoting of the one it replaces, when that reads back the same.
fn like(s: &str, target: Style, original: Style, indent: usize) -> String {
    if s.contains('\n') {
        return yaml_scalar(s, target, indent);
    }
    if target == Style::Plain {
        return yaml_scalar(s, Style::Plain, indent);
    }
    match original {
        Style::Plain if plain_ok(s, false) => s.to_owned(),
        Style::Single if !s.chars().any(char::is_control) => format!("'{}'", s.replace('\'', "''")),
        _ => double_quoted(s),
    }
}

/// Whether a scalar reads as a string (not null, a boolean or a number).
pub(super) fn reads_as_string(s: &str, style: Style) -> bool {
    style != Style::Plain || (!s.is_empty() && (plain_ok(s, false) || !plain_ok(s, true)))
}

/// One-line JSON with `", "` and `": "`.
fn compact_json(v: &Val) -> String {
    match v {
        Val::Scalar(s, st) => json_scalar(s, *st),
        Val::Seq(items, _) => format!("[{}]", items.iter().map(compact_json).collect::<Vec<_>>().join(", ")),
        Val::Map(m, _) => format!(
            "{{{}}}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", json_scalar(k.str().unwrap_or(""), Style::Double), compact_json(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A YAML flow value: `{a: 1, b: [x, y]}`.
pub(super) fn yaml_flow(v: &Val) -> String {
    match v {
        Val::Scalar(s, st) => flow_scalar(s, *st),
        Val::Seq(items, _) => format!("[{}]", items.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")),
        Val::Map(m, _) => format!(
            "{{{}}}",
            m.iter().map(|(k, v)| format!("{}: {}", flow_key(k), yaml_flow(v))).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn flow_key(k: &Val) -> String {
    match k {
        Val::Scalar(s, st) => flow_scalar(s, *st),
        other => yaml_flow(other),
    }
}

/// A scalar inside a flow collection: plain when it reads back the same there.
fn flow_scalar(s: &str, style: Style) -> String {
    let was_plain = style == Style::Plain;
    if was_plain && s.is_empty() {
        return "null".into();
    }
    if !s.contains('\n') && plain_ok(s, was_plain) && !s.contains([',', '[', ']', '{', '}', '#']) {
        return s.to_owned();
    }
    if was_plain && !reads_as_string(s, style) {
        return s.to_owned();
    }
    double_quoted(s)
}

#[cfg(test)]
mod tests {
    use super::super::migrate::{Origin, to_val};
    use super::super::tree::load;
    use super::*;

    /// The target as a fresh value (no origins: it comes from another text).
    fn fresh(v: Val) -> Val {
        match v {
            Val::Scalar(..) => v,
            Val::Seq(s, _) => Val::Seq(s.into_iter().map(fresh).collect(), Origin(None)),
            Val::Map(m, _) => Val::Map(m.into_iter().map(|(k, v)| (fresh(k), fresh(v))).collect(), Origin(None)),
        }
    }

    fn edit(text: &str, target: &str) -> Spliced {
        let doc = load(text).unwrap().doc;
        let t = load(target).unwrap().doc;
        let t = fresh(to_val(&t, t.root, 0, &mut 10_000).unwrap());
        splice(text, &doc, &t, text.trim_start().starts_with('{')).unwrap()
    }

    #[test]
    fn block_entries_and_items_by_line() {
        let s = edit(
            "# top\na: 1  # one\nb:\n  - x  # gone\n  - y\nc: {k: v}\n",
            "a: 2\nb: [y, z]\nc: {k: v, l: w}\nd: new\n",
        );
        assert_eq!(s.text, "# top\na: 2  # one\nb:\n  - y\n  - z\nc: {k: v, l: w}\nd: new\n");
        assert!(s.notes.is_empty());
    }

    #[test]
    fn the_first_entry_of_a_dash_item_rewrites_that_item() {
        let text = "l:\n  - x: 1  # c\n    y: 2\nm: 3  # keep\n";
        let doc = load(text).unwrap().doc;
        // the item itself stays (same origin), its first entry goes
        let mut t = to_val(&doc, doc.root, 0, &mut 100).unwrap();
        let Val::Map(root, _) = &mut t else { panic!() };
        let Val::Seq(items, _) = &mut root[0].1 else { panic!() };
        let Val::Map(item, _) = &mut items[0] else { panic!() };
        item.remove(0);
        let s = splice(text, &doc, &t, false).unwrap();
        assert_eq!(s.text, "l:\n  - y: 2\nm: 3  # keep\n");
        assert_eq!(s.notes, vec!["lines 2-3 re-rendered (the first entry of a `- key: value` item goes)"]);
    }

    #[test]
    fn json_entries_keep_commas_and_indentation() {
        let s = edit(
            "{\n  \"a\": 1,\n  \"b\": [1, 2, 3],\n  \"c\": {\"d\": true}\n}\n",
            "{\"b\": [2, 3], \"c\": {\"d\": true, \"e\": [\"x\"]}, \"f\": {\"g\": null}}",
        );
        assert_eq!(
            s.text,
            "{\n  \"b\": [2, 3],\n  \"c\": {\"d\": true, \"e\": [\"x\"]},\n  \"f\": {\n    \"g\": null\n  }\n}\n"
        );
    }

    #[test]
    fn a_flow_collection_with_comments_is_written_again() {
        let s = edit("a: {x: 1,  # c\n  y: 2}\nb: 1\n", "a: {y: 2}\nb: 1\n");
        assert_eq!(s.text, "a: {y: 2}\nb: 1\n");
    }
}
