//! Diagnostics and errors that readers report: where in the document, and what is wrong.
//!
//! The model knows no file names: the caller that read the bytes adds the file to the message.

use std::fmt;

use crate::Sbom;

/// How bad a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The document is still usable, but something is off (dangling reference, duplicate
    /// `bom-ref`, unknown enum value, unparsable date).
    Warning,
    /// A violation of the format's rules; the reader recovered but the document is invalid.
    Error,
}

impl Severity {
    /// `warning` or `error`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Where in a document something was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Location {
    /// The whole document.
    #[default]
    Document,
    /// A JSON pointer (RFC 6901), e.g. `/components/3/purl`.
    Pointer(String),
    /// A 1-based line and column (XML, tag-value, YAML, JSON syntax errors).
    LineColumn {
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
    },
    /// A 1-based line only (tag-value).
    Line(u64),
    /// A byte offset (when neither line nor pointer is known).
    Offset(u64),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Document => f.write_str("document"),
            Location::Pointer(pointer) if pointer.is_empty() => f.write_str("/"),
            Location::Pointer(pointer) => f.write_str(pointer),
            Location::LineColumn { line, column } => write!(f, "{line}:{column}"),
            Location::Line(line) => write!(f, "line {line}"),
            Location::Offset(offset) => write!(f, "byte {offset}"),
        }
    }
}

/// A finding about a document that did not stop the reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// Where.
    pub location: Location,
    /// What, in lowercase words (`duplicate bom-ref "pkg-1"`).
    pub message: String,
}

impl Diagnostic {
    /// A warning at `location`.
    #[must_use]
    pub fn warning(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            location,
            message: message.into(),
        }
    }

    /// An error at `location`.
    #[must_use]
    pub fn error(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.severity.as_str(),
            self.location,
            self.message
        )
    }
}

/// A document that could not be read at all (syntax error, wrong type at a required place,
/// unsupported format or version, limits exceeded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Where the reader stopped.
    pub location: Location,
    /// Why, in lowercase words.
    pub message: String,
}

impl ParseError {
    /// A parse error at `location`.
    #[must_use]
    pub fn new(location: Location, message: impl Into<String>) -> ParseError {
        ParseError {
            location,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A document that was read, with what the reader noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The normalized document.
    pub sbom: Sbom,
    /// Warnings and recovered errors, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A document that was written, with what the target format could not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The serialized document.
    pub bytes: Vec<u8>,
    /// One line per datum that was dropped or approximated (`component "x": swid tag not
    /// representable in SPDX 2.3 tag-value, kept as an external reference`).
    pub warnings: Vec<String>,
}
