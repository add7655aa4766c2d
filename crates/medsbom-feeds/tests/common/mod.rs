//! Shared test helpers: read a corpus path the way `medsbom feeds import` will.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::Path;

use medsbom_feeds::walk::{WalkLimits, walk};
use medsbom_feeds::{FeedKind, ReadSummary, Record, detect, read};

/// Everything read from one file.
pub struct FileRead {
    pub name: String,
    pub kind: Option<FeedKind>,
    pub records: Vec<Record>,
    pub summary: ReadSummary,
}

/// Walks `path`, detects every file's feed kind and reads it; panics on walk errors.
pub fn read_path(path: &Path) -> Vec<FileRead> {
    let mut res = Vec::new();
    walk(path, &WalkLimits::DEFAULT, &mut |file| {
        let file = match file {
            Ok(file) => file,
            Err(err) => panic!("walk failed: {err}"),
        };
        let kind = detect(&file.name, &file.bytes);
        let mut records = Vec::new();
        let summary = match kind {
            Some(kind) => match read(kind, &file.name, &file.bytes, &mut |record| {
                records.push(record)
            }) {
                Ok(summary) => summary,
                Err(err) => panic!("{}: {err}", file.name),
            },
            None => ReadSummary::default(),
        };
        res.push(FileRead {
            name: file.name,
            kind,
            records,
            summary,
        });
    })
    .unwrap_or_else(|err| panic!("walk {}: {err}", path.display()));
    res
}

/// Reads one file that must be of `kind`.
pub fn read_one(path: &Path, kind: FeedKind) -> FileRead {
    let mut files = read_path(path);
    assert_eq!(files.len(), 1, "{}", path.display());
    let file = files.remove(0);
    assert_eq!(file.kind, Some(kind), "{}", file.name);
    file
}

/// Reads bytes of a known kind into records and summary; panics on a whole-file error.
pub fn read_bytes(kind: FeedKind, name: &str, bytes: &[u8]) -> (Vec<Record>, ReadSummary) {
    let mut records = Vec::new();
    let summary = read(kind, name, bytes, &mut |record| records.push(record))
        .unwrap_or_else(|err| panic!("{name}: {err}"));
    (records, summary)
}

/// The advisories among `records`.
pub fn advisories(records: &[Record]) -> Vec<&medsbom_feeds::advisory::Advisory> {
    records
        .iter()
        .filter_map(|record| match record {
            Record::Advisory(advisory) => Some(advisory.as_ref()),
            _ => None,
        })
        .collect()
}
