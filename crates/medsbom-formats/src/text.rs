//! Small text helpers shared by the sniffer and the validators.

use medsbom_model::Location;

/// Converts byte offsets into 1-based line and column numbers.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    line_starts: Vec<u64>,
}

impl LineIndex {
    /// Indexes the line starts of `bytes`.
    pub(crate) fn new(bytes: &[u8]) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, byte)| **byte == b'\n')
                .map(|(idx, _)| idx as u64 + 1),
        );
        LineIndex { line_starts }
    }

    /// The line and column of a byte offset.
    pub(crate) fn location(&self, offset: u64) -> Location {
        let line_idx = self
            .line_starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        Location::LineColumn {
            line: line_idx as u64 + 1,
            column: offset.saturating_sub(line_start) + 1,
        }
    }
}

/// `bytes` without a leading UTF-8 byte-order mark and leading whitespace.
pub(crate) fn trim_start(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}
