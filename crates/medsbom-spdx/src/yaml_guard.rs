//! A pre-scan of YAML bytes that refuses the two inputs `serde_norway` (libyaml) cannot bound:
//!
//! - **aliases** (`*name`): `serde_norway` limits how often it follows aliases (so nested
//!   "billion laughs" fail), but not the bytes it copies: one 10 kB anchored string aliased
//!   10,000 times in a 50 kB document becomes 100 MB of strings. SPDX tools never write
//!   anchors, so any alias is refused;
//! - **deep flow nesting** (`[[[[…`): libyaml's scanner is quadratic in the nesting depth
//!   (10,000 levels take seconds), long before serde's recursion limit applies.
//!
//! The scan follows YAML's tokenization just enough to find node starts (after a line's
//! indentation, `- `, `? `, `: `, `[`, `{`, `,`, an anchor or a tag) and to skip quoted
//! scalars, block scalars and comments; a `*` is an alias only at a node start. It is linear
//! in the input.

use medsbom_model::{Location, ParseError};

/// Deeper flow collections are refused (serde's own recursion limit is 128 as well).
pub(crate) const MAX_FLOW_DEPTH: usize = 128;

/// Ok when the document has no alias and no flow nesting deeper than [`MAX_FLOW_DEPTH`].
pub(crate) fn check(bytes: &[u8]) -> Result<(), ParseError> {
    let mut scan = Scan {
        bytes,
        idx: 0,
        line: 1,
        line_start: 0,
    };
    let mut depth: usize = 0;
    let mut at_node_start = true;
    while let Some(byte) = scan.peek(0) {
        match byte {
            b'\n' => {
                scan.newline();
                at_node_start = true;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                scan.idx += 1;
                continue;
            }
            b'#' if scan.idx == scan.line_start || is_blank(scan.peek_back()) => {
                scan.skip_to_line_end();
                continue;
            }
            _ => {}
        }
        if at_node_start {
            match byte {
                b'\'' => {
                    scan.skip_single_quoted();
                    at_node_start = false;
                    continue;
                }
                b'"' => {
                    scan.skip_double_quoted();
                    at_node_start = false;
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(ParseError::new(
                            scan.location(),
                            format!(
                                "invalid spdx yaml: flow collections nested deeper than {MAX_FLOW_DEPTH} levels"
                            ),
                        ));
                    }
                    scan.idx += 1;
                    continue;
                }
                b'*' => {
                    if let Some(name) = scan.alias_name() {
                        return Err(ParseError::new(
                            scan.location(),
                            format!(
                                "invalid spdx yaml: aliases are not supported (found *{}): their expansion is unbounded",
                                String::from_utf8_lossy(name)
                            ),
                        ));
                    }
                }
                b'&' | b'!' => {
                    // An anchor or a tag: the node itself follows.
                    while scan.peek(0).is_some_and(|b| !is_blank(Some(b))) {
                        scan.idx += 1;
                    }
                    continue;
                }
                b'-' | b'?' if is_blank(scan.peek(1)) => {
                    scan.idx += 1;
                    continue;
                }
                b'|' | b'>' => {
                    scan.skip_block_scalar();
                    at_node_start = true;
                    continue;
                }
                _ => {}
            }
        }
        at_node_start = match byte {
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                false
            }
            b',' => depth > 0,
            b':' => is_blank(scan.peek(1)) || depth > 0,
            _ => false,
        };
        scan.idx += 1;
    }
    Ok(())
}

fn is_blank(byte: Option<u8>) -> bool {
    matches!(byte, None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

struct Scan<'a> {
    bytes: &'a [u8],
    idx: usize,
    line: u64,
    line_start: usize,
}

impl Scan<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.idx + ahead).copied()
    }

    fn peek_back(&self) -> Option<u8> {
        self.idx
            .checked_sub(1)
            .and_then(|idx| self.bytes.get(idx))
            .copied()
    }

    fn location(&self) -> Location {
        Location::LineColumn {
            line: self.line,
            column: (self.idx - self.line_start + 1) as u64,
        }
    }

    fn newline(&mut self) {
        self.idx += 1;
        self.line += 1;
        self.line_start = self.idx;
    }

    fn skip_to_line_end(&mut self) {
        while self.peek(0).is_some_and(|b| b != b'\n') {
            self.idx += 1;
        }
    }

    /// From the opening quote past the closing one (`''` is an escaped quote).
    fn skip_single_quoted(&mut self) {
        self.idx += 1;
        while let Some(byte) = self.peek(0) {
            match byte {
                b'\'' if self.peek(1) == Some(b'\'') => self.idx += 2,
                b'\'' => {
                    self.idx += 1;
                    return;
                }
                b'\n' => self.newline(),
                _ => self.idx += 1,
            }
        }
    }

    /// From the opening quote past the closing one (`\` escapes the next byte).
    fn skip_double_quoted(&mut self) {
        self.idx += 1;
        while let Some(byte) = self.peek(0) {
            match byte {
                b'\\' if self.peek(1) == Some(b'\n') => {
                    self.idx += 1;
                    self.newline();
                }
                b'\\' => self.idx += 2,
                b'"' => {
                    self.idx += 1;
                    return;
                }
                b'\n' => self.newline(),
                _ => self.idx += 1,
            }
        }
    }

    /// A `|` or `>` block scalar: its lines are the following ones indented deeper than the
    /// line that introduces it (blank lines included).
    fn skip_block_scalar(&mut self) {
        let indent = self
            .bytes
            .get(self.line_start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| **b == b' ')
            .count();
        self.skip_to_line_end();
        while self.peek(0) == Some(b'\n') {
            let next_start = self.idx + 1;
            let rest = self.bytes.get(next_start..).unwrap_or_default();
            let next_indent = rest.iter().take_while(|b| **b == b' ').count();
            let blank = matches!(rest.get(next_indent), None | Some(b'\n' | b'\r'));
            if !blank && next_indent <= indent {
                return;
            }
            self.newline();
            self.skip_to_line_end();
        }
    }

    /// At a `*` in node position: the alias name when what follows is what may follow an
    /// alias (end of line, a comment, `:` of a key, or a flow separator). Otherwise the `*`
    /// starts ordinary text (e.g. a wrapped plain scalar) and libyaml reads it as such.
    fn alias_name(&self) -> Option<&[u8]> {
        let start = self.idx + 1;
        let rest = self.bytes.get(start..)?;
        let len = rest
            .iter()
            .take_while(|b| {
                !matches!(
                    b,
                    b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                )
            })
            .count();
        if len == 0 {
            return None;
        }
        let name = rest.get(..len)?;
        let after = rest.get(len..).unwrap_or_default();
        let n_spaces = after
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        match after.get(n_spaces) {
            None | Some(b'\n' | b'\r' | b',' | b']' | b'}' | b':') => Some(name),
            Some(b'#') if n_spaces > 0 => Some(name),
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(yaml: &str) -> Option<String> {
        check(yaml.as_bytes()).err().map(|e| e.to_string())
    }

    #[test]
    fn finds_aliases_in_node_position_only() {
        assert_eq!(
            refused("a: &x hello\nb: *x\n"),
            Some("2:4: invalid spdx yaml: aliases are not supported (found *x): their expansion is unbounded".to_owned())
        );
        assert!(refused("list: [*x, y]\n").is_some());
        assert!(refused("- *x\n").is_some());
        assert!(refused("*x : value\n").is_some());
        assert!(refused("a: b *x\n").is_none());
        assert!(refused("a: '*x'\nb: \"*x\"\n").is_none());
        assert!(refused("a: 'it''s *x'\n").is_none());
        assert!(refused("a: see\n  *important* note\n").is_none());
        assert!(refused("a: 2 * 3\n# *x\nb: c # *x\n").is_none());
        assert!(refused("a: |\n  *x\n  [[[[\nb: c\n").is_none());
        assert!(refused("a: |\n  text\nb: *x\n").is_some());
        assert!(refused("a: \"multi\n  line *x\"\nb: c\n").is_none());
    }

    #[test]
    fn bounds_flow_depth() {
        let deep = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(
            refused(&deep),
            Some(
                "1:132: invalid spdx yaml: flow collections nested deeper than 128 levels"
                    .to_owned()
            )
        );
        let fine = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(refused(&fine).is_none());
        let siblings = "a: [[1], [2]]\n".repeat(500);
        assert!(refused(&siblings).is_none());
        assert!(refused(&"b: x[y\n".repeat(500)).is_none());
    }
}
