//! Path templates (`/api/v1/{key}/click2call`) and the segment trie that matches a candidate's
//! path against every endpoint of a vendor at once: the cost of a lookup follows the length of
//! the path, not the number of endpoints.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Lit(String),
    Param(String),
}

/// A parsed catalog path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    pub text: String,
    pub segs: Vec<Seg>,
}

impl PathTemplate {
    /// Parse `/a/{b}/c`: must start with `/`; a `{name}` segment is a parameter.
    pub fn parse(text: &str) -> Result<Self, String> {
        let rest = text.strip_prefix('/').ok_or_else(|| format!("path `{text}` must start with `/`"))?;
        let mut segs = Vec::new();
        for s in rest.split('/') {
            if s.is_empty() {
                return Err(format!("path `{text}` has an empty segment"));
            }
            if let Some(name) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                    return Err(format!("path `{text}`: bad parameter `{s}`"));
                }
                segs.push(Seg::Param(name.to_owned()));
            } else if s.contains(['{', '}', '?', '#', ' ']) {
                return Err(format!("path `{text}`: bad segment `{s}`"));
            } else {
                segs.push(Seg::Lit(s.to_owned()));
            }
        }
        Ok(Self { text: text.to_owned(), segs })
    }

    /// Index of the `{name}` parameter segment.
    #[must_use]
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.segs.iter().position(|s| matches!(s, Seg::Param(p) if p == name))
    }

    /// The longest literal segment: the most selective fragment for the prefilter.
    #[must_use]
    pub fn longest_literal(&self) -> Option<&str> {
        self.segs
            .iter()
            .filter_map(|s| if let Seg::Lit(l) = s { Some(l.as_str()) } else { None })
            .max_by_key(|l| l.len())
    }
}

/// One segment of a candidate path: a literal, or a placeholder the code fills in at run time.
#[derive(Debug, Clone, Copy)]
pub struct CandSeg<'a> {
    pub text: &'a str,
    pub placeholder: bool,
}

#[derive(Debug, Default)]
struct Node<T> {
    lit: HashMap<String, usize>,
    param: Option<usize>,
    ends: Vec<T>,
}

/// A trie over path segments. Literal children are looked up by hash; a parameter child accepts
/// any segment. A lookup returns every endpoint that matches with how many literal segments it
/// matched, so the caller can prefer the most specific one.
#[derive(Debug)]
pub struct PathTrie<T> {
    nodes: Vec<Node<T>>,
}

impl<T: Copy> Default for PathTrie<T> {
    fn default() -> Self {
        Self { nodes: vec![Node { lit: HashMap::new(), param: None, ends: Vec::new() }] }
    }
}

impl<T: Copy> PathTrie<T> {
    pub fn insert(&mut self, segs: &[Seg], value: T) {
        let mut at = 0;
        for seg in segs {
            let next = match seg {
                Seg::Lit(l) => self.nodes[at].lit.get(l).copied(),
                Seg::Param(_) => self.nodes[at].param,
            };
            at = next.unwrap_or_else(|| {
                self.nodes.push(Node { lit: HashMap::new(), param: None, ends: Vec::new() });
                let id = self.nodes.len() - 1;
                match seg {
                    Seg::Lit(l) => {
                        self.nodes[at].lit.insert(l.clone(), id);
                    }
                    Seg::Param(_) => self.nodes[at].param = Some(id),
                }
                id
            });
        }
        self.nodes[at].ends.push(value);
    }

    /// Every value whose template matches `path`, with its count of literal segments.
    #[must_use]
    pub fn lookup(&self, path: &[CandSeg<'_>]) -> Vec<(T, usize)> {
        let mut out = Vec::new();
        let mut stack = vec![(0usize, 0usize, 0usize)];
        while let Some((node, i, lits)) = stack.pop() {
            let n = &self.nodes[node];
            if i == path.len() {
                out.extend(n.ends.iter().map(|v| (*v, lits)));
                continue;
            }
            if let Some(p) = n.param {
                stack.push((p, i + 1, lits));
            }
            if !path[i].placeholder
                && let Some(&c) = n.lit.get(path[i].text)
            {
                stack.push((c, i + 1, lits + 1));
            }
        }
        out
    }

    /// Whether `path` is a proper prefix of some template (a base URL such as `/api/v1`).
    #[must_use]
    pub fn is_prefix(&self, path: &[CandSeg<'_>]) -> bool {
        let mut stack = vec![(0usize, 0usize)];
        while let Some((node, i)) = stack.pop() {
            let n = &self.nodes[node];
            if i == path.len() {
                if !n.lit.is_empty() || n.param.is_some() {
                    return true;
                }
                continue;
            }
            if let Some(p) = n.param {
                stack.push((p, i + 1));
            }
            if !path[i].placeholder
                && let Some(&c) = n.lit.get(path[i].text)
            {
                stack.push((c, i + 1));
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Vec<CandSeg<'_>> {
        p.trim_start_matches('/').split('/').map(|t| CandSeg { text: t, placeholder: t.starts_with('{') }).collect()
    }

    #[test]
    fn parses_templates() {
        let t = PathTemplate::parse("/api/v1/{key}/click2call").unwrap();
        assert_eq!(t.param_index("key"), Some(2));
        assert_eq!(t.longest_literal(), Some("click2call"));
        assert!(PathTemplate::parse("api/v1").is_err());
        assert!(PathTemplate::parse("/api//v1").is_err());
        assert!(PathTemplate::parse("/api/{k-y}").is_err());
    }

    #[test]
    fn trie_prefers_nothing_but_reports_specificity() {
        let mut t = PathTrie::default();
        t.insert(&PathTemplate::parse("/api/v1/{key}/balance").unwrap().segs, 1);
        t.insert(&PathTemplate::parse("/api/v1/campaigns/{id}").unwrap().segs, 2);
        t.insert(&PathTemplate::parse("/api/v1/{key}/campaigns/{id}/contacts").unwrap().segs, 3);
        assert_eq!(t.lookup(&segs("/api/v1/abc/balance")), vec![(1, 3)]);
        assert_eq!(t.lookup(&segs("/api/v1/campaigns/7")), vec![(2, 3)]);
        assert_eq!(t.lookup(&segs("/api/v1/{k}/campaigns/{c}/contacts")), vec![(3, 4)]);
        assert!(t.lookup(&segs("/api/v1/{k}/other")).is_empty());
        assert!(t.is_prefix(&segs("/api/v1")));
        assert!(!t.is_prefix(&segs("/api/v1/abc/balance")));
        // a placeholder never matches a literal segment
        assert!(t.lookup(&segs("/api/v1/{k}/{what}")).is_empty());
    }
}
