//! Offline readers for vulnerability and end-of-life feeds: bytes in, normalized records out.
//!
//! Supported feeds ([`FeedKind`]): OSV (any ecosystem), NVD CVE API 2.0 pages, CVE JSON 5.x
//! records, the CISA KEV catalog (JSON and CSV), FIRST EPSS CSV, CSAF 2.0 advisories
//! (including CSAF VEX) and endoflife.date product files.
//!
//! [`detect`] picks the feed from the content, and [`read`] streams records into a sink: a
//! JSON Lines file holds thousands of records, and a bad record is reported in the
//! [`ReadSummary`] (with its line and id) while reading goes on. The crate does no I/O except
//! in [`walk`], which turns a path (file, directory, `.zip`, `.gz`) into named byte buffers.
//!
//! ```
//! let line = br#"{"id":"GHSA-xxxx-yyyy-zzzz","modified":"2024-01-02T03:04:05Z",
//! "affected":[{"package":{"ecosystem":"npm","name":"left-pad"},
//! "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.3.0"}]}]}]}"#;
//! let kind = medsbom_feeds::detect("x.json", line);
//! assert_eq!(kind, Some(medsbom_feeds::FeedKind::Osv));
//! let mut ids = Vec::new();
//! let summary = medsbom_feeds::read(medsbom_feeds::FeedKind::Osv, "x.json", line, &mut |record| {
//!     if let medsbom_feeds::Record::Advisory(advisory) = record {
//!         ids.push(advisory.id);
//!     }
//! })
//! .unwrap();
//! assert_eq!(summary.n_records, 1);
//! assert_eq!(ids, ["GHSA-xxxx-yyyy-zzzz"]);
//! ```

#![deny(missing_docs)]

pub mod advisory;
pub mod eol;
pub mod epss;
pub mod kev;
pub mod timestamp;
pub mod walk;

mod csaf;
mod cve5;
mod detect;
mod json;
mod nvd;
mod osv;
mod scoring;

use std::fmt;

use crate::advisory::Advisory;
use crate::eol::EolProduct;
use crate::epss::EpssScore;
use crate::kev::KevEntry;

/// How many record errors (and, separately, warnings) a [`ReadSummary`] keeps; later ones are
/// only counted, so that a garbage file cannot exhaust memory.
pub const MAX_KEPT_ERRORS: usize = 1000;

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// OSV records: one JSON document, a JSON array, or JSON Lines.
    Osv,
    /// An NVD CVE API 2.0 response page.
    NvdCve2,
    /// CVE JSON 5.x records: one document, a JSON array, or JSON Lines.
    Cve5,
    /// The CISA Known Exploited Vulnerabilities catalog, JSON or CSV.
    Kev,
    /// A FIRST EPSS daily scores CSV.
    Epss,
    /// A CSAF 2.0 document (security advisory, VEX, …).
    Csaf,
    /// An endoflife.date product file (Markdown with YAML front matter).
    EndOfLife,
}

impl FeedKind {
    /// A short lowercase name (`osv`, `nvd`, `cve5`, `kev`, `epss`, `csaf`, `endoflife`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Osv => "osv",
            FeedKind::NvdCve2 => "nvd",
            FeedKind::Cve5 => "cve5",
            FeedKind::Kev => "kev",
            FeedKind::Epss => "epss",
            FeedKind::Csaf => "csaf",
            FeedKind::EndOfLife => "endoflife",
        }
    }
}

impl fmt::Display for FeedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record read from a feed.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// A vulnerability advisory (OSV, NVD, CVE 5, CSAF).
    Advisory(Box<Advisory>),
    /// A KEV catalog entry.
    Kev(KevEntry),
    /// An EPSS score.
    Epss(EpssScore),
    /// An endoflife.date product with its release cycles.
    EndOfLife(EolProduct),
}

/// Where in a feed a record sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// A line, counting from 1 (JSON Lines and CSV).
    Line(u64),
    /// An entry of the document's main array, counting from 0 (`vulnerabilities[3]`).
    Entry(usize),
    /// The whole document (a single-record file).
    Document,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(line) => write!(f, "line {line}"),
            Position::Entry(idx) => write!(f, "entry {idx}"),
            Position::Document => f.write_str("document"),
        }
    }
}

/// A problem with one record: as an error the record was skipped, as a warning it was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// Where the record sits.
    pub position: Position,
    /// The record's id, when it could be read.
    pub id: Option<String>,
    /// What is wrong, lowercase.
    pub cause: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} ({id}): {}", self.position, self.cause),
            None => write!(f, "{}: {}", self.position, self.cause),
        }
    }
}

/// What reading one feed file produced, besides the records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadSummary {
    /// Records passed to the sink.
    pub n_records: usize,
    /// Records skipped because of an error.
    pub n_errors: usize,
    /// The first [`MAX_KEPT_ERRORS`] errors.
    pub errors: Vec<RecordError>,
    /// Records kept despite a finding.
    pub n_warnings: usize,
    /// The first [`MAX_KEPT_ERRORS`] warnings.
    pub warnings: Vec<RecordError>,
    /// The feed's own version, when it states one (KEV `catalogVersion`, EPSS
    /// `model_version`, NVD `version`, CSAF `tracking.version`).
    pub feed_version: Option<String>,
    /// The feed's own date, when it states one (KEV `dateReleased`, EPSS `score_date`, NVD
    /// `timestamp`, CSAF `tracking.current_release_date`).
    pub feed_date: Option<String>,
}

impl ReadSummary {
    fn error(&mut self, position: Position, id: Option<&str>, cause: String) {
        self.n_errors += 1;
        if self.errors.len() < MAX_KEPT_ERRORS {
            self.errors.push(RecordError {
                position,
                id: id.map(str::to_owned),
                cause,
            });
        }
    }

    fn warning(&mut self, position: Position, id: Option<&str>, cause: String) {
        self.n_warnings += 1;
        if self.warnings.len() < MAX_KEPT_ERRORS {
            self.warnings.push(RecordError {
                position,
                id: id.map(str::to_owned),
                cause,
            });
        }
    }
}

/// Why a whole feed file could not be read (a bad single record is a [`RecordError`]).
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The file is not JSON where JSON is required, or its envelope is malformed.
    #[error("{kind} feed {name}: {cause}")]
    Malformed {
        /// The feed kind being read.
        kind: FeedKind,
        /// The file name given to [`read`].
        name: String,
        /// What is wrong, lowercase.
        cause: String,
    },
    /// A file or directory could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A compressed file or archive is corrupt.
    #[error("cannot decompress {name}: {cause}")]
    Archive {
        /// The file (or archive member) name.
        name: String,
        /// What went wrong.
        cause: String,
    },
    /// A file (after decompression) or an archive exceeds the walk limits.
    #[error("{name} exceeds the limit of {limit} {unit}")]
    TooLarge {
        /// The file (or archive member) name.
        name: String,
        /// The limit that was hit.
        limit: u64,
        /// `bytes` or `files`.
        unit: &'static str,
    },
}

/// Which feed `bytes` hold, judged from the content; `name_hint` (a file name) only breaks
/// ties (e.g. a `.md` file with YAML front matter is endoflife.date). `None` when the content
/// is none of the supported feeds.
#[must_use]
pub fn detect(name_hint: &str, bytes: &[u8]) -> Option<FeedKind> {
    detect::detect(name_hint, bytes)
}

/// Reads a whole feed file of the given kind, passing each record to `sink` as soon as it is
/// read.
///
/// `name_hint` is the file name: it names the file in errors and gives an endoflife.date
/// product its name (the file stem). A bad record is reported in the returned
/// [`ReadSummary`] and reading continues; an error is returned only when the file as a whole
/// cannot be read (not JSON, no envelope, …).
pub fn read(
    kind: FeedKind,
    name_hint: &str,
    bytes: &[u8],
    sink: &mut dyn FnMut(Record),
) -> Result<ReadSummary, FeedError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut summary = ReadSummary::default();
    match kind {
        FeedKind::Osv => osv::read(name_hint, bytes, &mut summary, sink)?,
        FeedKind::NvdCve2 => nvd::read(name_hint, bytes, &mut summary, sink)?,
        FeedKind::Cve5 => cve5::read(name_hint, bytes, &mut summary, sink)?,
        FeedKind::Kev => kev::read(name_hint, bytes, &mut summary, sink)?,
        FeedKind::Epss => epss::read(name_hint, bytes, &mut summary, sink)?,
        FeedKind::Csaf => csaf::read(name_hint, bytes, &mut summary, sink)?,
        FeedKind::EndOfLife => eol::read(name_hint, bytes, &mut summary, sink)?,
    }
    Ok(summary)
}
