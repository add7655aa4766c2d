//! SPDX 2.x tag-value → the normalized model, one pass over the bytes.
//!
//! Lines are `Tag: value`; a value starting with `<text>` runs to the next `</text>`, possibly
//! over several lines; lines starting with `#` are comments. `PackageName:`, `FileName:`,
//! `SnippetSPDXID:` and `LicenseID:` open a new element, and the fields that follow belong to
//! it (`SPDXID:` included). Files that follow a package belong to that package (SPDX 2.3
//! §5.2.2), which is recorded as `hasFiles`. Annotations name their element with `SPDXREF:`
//! and are attached at the end.
//!
//! The document is converted while it is read, so it never exists whole next to the model: a
//! package becomes a component as soon as the next element starts; files and snippets wait in
//! their serde form (small) and are converted after the packages, as the shared conversion
//! orders them ([`Converter`]); annotations and relationships are kept as slices of the input
//! until every element is known. The result is the one the serde document would give.
//!
//! Cost is linear in the input: one UTF-8 check, one scan for line ends, a `match` per tag,
//! and a hash map from SPDXID to element.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use medsbom_model::{DOCUMENT_REF, Diagnostic, Location, ParseError, Parsed};

use crate::read2::{AnnotationText, Converter, RelationshipText, Syntax, clip};
use crate::spdx2::{
    Annotation, Checksum, CreationInfo, Document, ExternalRef, File, Package, Snippet,
};

/// Malformed lines tolerated before the input is declared not to be tag-value at all.
const MAX_MALFORMED_LINES: usize = 1000;

/// Reads tag-value bytes: the line-level findings come first among the diagnostics.
pub(crate) fn read(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = bytes.get(..err.valid_up_to()).unwrap_or_default();
            let line = 1 + valid.iter().filter(|b| **b == b'\n').count() as u64;
            return Err(ParseError::new(
                Location::Line(line),
                "invalid utf-8 in spdx tag-value document",
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let mut parser = Parser::new(&count_line_starts(text));
    let mut pos = 0;
    let mut line_no: u64 = 0;
    while pos < text.len() {
        line_no += 1;
        let line_start = pos;
        let rest = bytes.get(line_start..).unwrap_or_default();
        // Byte scans: `\n` and `:` are ASCII, so every index found is a char boundary.
        let line_len = find_byte(rest, b'\n').unwrap_or(rest.len());
        let line = text
            .get(line_start..line_start + line_len)
            .unwrap_or_default();
        let start_line = line_no;
        pos = line_start + line_len + 1;
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some(colon) = find_byte(line.as_bytes(), b':') else {
            parser.malformed(
                start_line,
                format!("expected `Tag: value`, found {:?}", clip(trimmed)),
            )?;
            continue;
        };
        let tag = line.get(..colon).unwrap_or_default().trim_ascii();
        let value = line.get(colon + 1..).unwrap_or_default().trim_ascii_start();
        let value = match value.strip_prefix("<text>") {
            None => value.trim_ascii_end(),
            Some(after_open) => {
                // `after_open` is a suffix of `line`; the text may run over several lines.
                let open_offset = line_start + line_len - after_open.len();
                let body = text.get(open_offset..).unwrap_or_default();
                let Some(close) = find_text_close(body.as_bytes()) else {
                    return Err(ParseError::new(
                        Location::Line(start_line),
                        format!("<text> of {} is never closed by </text>", clip(tag)),
                    ));
                };
                let content = body.get(..close).unwrap_or_default();
                let n_newlines = content.bytes().filter(|b| *b == b'\n').count() as u64;
                let after_close = open_offset + close + "</text>".len();
                let tail_rest = bytes.get(after_close..).unwrap_or_default();
                let tail_len = find_byte(tail_rest, b'\n').unwrap_or(tail_rest.len());
                let tail = text
                    .get(after_close..after_close + tail_len)
                    .unwrap_or_default()
                    .trim();
                if !tail.is_empty() {
                    parser.diagnostics.push(Diagnostic::warning(
                        Location::Line(start_line + n_newlines),
                        format!("text after </text> ignored: {:?}", clip(tail)),
                    ));
                }
                pos = after_close + tail_len + 1;
                line_no += n_newlines;
                content
            }
        };
        parser.field(tag, value, start_line)?;
    }
    parser.finish()
}

/// How many lines start an element, an annotation and a relationship (lines inside `<text>`
/// included, indented tags not), so that their lists are allocated once at about their final
/// size: a list grown by doubling keeps up to twice the room it needs.
#[derive(Debug, Default, PartialEq)]
struct Counts {
    elements: usize,
    annotations: usize,
    relationships: usize,
}

fn count_line_starts(text: &str) -> Counts {
    let mut rest = text.as_bytes();
    let mut res = Counts::default();
    loop {
        match rest.first() {
            Some(b'P') if rest.starts_with(b"PackageName:") => res.elements += 1,
            Some(b'F') if rest.starts_with(b"FileName:") => res.elements += 1,
            Some(b'S') if rest.starts_with(b"SnippetSPDXID:") => res.elements += 1,
            Some(b'A') if rest.starts_with(b"Annotator:") => res.annotations += 1,
            Some(b'R') if rest.starts_with(b"Relationship:") => res.relationships += 1,
            Some(b'R') if rest.starts_with(b"Reviewer:") => res.annotations += 1,
            _ => {}
        }
        match find_byte(rest, b'\n') {
            Some(idx) => rest = rest.get(idx + 1..).unwrap_or_default(),
            None => return res,
        }
    }
}

/// The index of the first `needle` in `haystack`, eight bytes at a time: lines are short, so
/// a scan with little set-up per call beats a general `memchr`.
fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let pattern = ONES * u64::from(needle);
    let mut chunks = haystack.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(chunk).unwrap_or_default()) ^ pattern;
        // A byte of `word` is zero where `needle` is; the lowest flagged byte is always a
        // true match (borrows only flag bytes above one).
        let zero_bytes = word.wrapping_sub(ONES) & !word & HIGHS;
        if zero_bytes != 0 {
            return Some(offset + (zero_bytes.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    let remainder = chunks.remainder();
    remainder
        .iter()
        .position(|b| *b == needle)
        .map(|idx| offset + idx)
}

/// The index of the first `</text>` in `bytes`.
fn find_text_close(bytes: &[u8]) -> Option<usize> {
    const CLOSE: &[u8] = b"</text>";
    let mut offset = 0;
    loop {
        let idx = find_byte(bytes.get(offset..)?, b'<')?;
        if bytes.get(offset + idx..)?.starts_with(CLOSE) {
            return Some(offset + idx);
        }
        offset += idx + 1;
    }
}

/// The element that `SPDXID:` and element fields currently apply to, with what was read of
/// it so far.
#[derive(Default)]
#[expect(
    clippy::large_enum_variant,
    reason = "there is one, the element being read"
)]
enum Current<'a> {
    #[default]
    Document,
    Package {
        package: Package,
        /// The SPDXID as written (the last `SPDXID:` line).
        id: Option<&'a str>,
        /// Its index among packages.
        idx: usize,
    },
    File {
        file: File,
        id: Option<&'a str>,
        /// The package the file follows, if any (as an index among packages).
        container: Option<usize>,
    },
    Snippet {
        snippet: Snippet,
        id: &'a str,
    },
    License,
}

/// An element by kind and index among the elements of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Element {
    Package(usize),
    File(usize),
    Snippet(usize),
}

/// An annotation waiting for the end of the document, borrowed from the input.
#[derive(Default)]
struct PendingAnnotation<'a> {
    /// The SPDXID it names (`None` until `SPDXREF:`).
    target: Option<&'a str>,
    annotation_type: Option<&'a str>,
    comment: Option<&'a str>,
    line: u64,
}

/// A relationship waiting for the end of the document: its `A TYPE B` value (checked to have
/// the three words) and comment, borrowed from the input.
struct PendingRelationship<'a> {
    value: &'a str,
    comment: Option<&'a str>,
    line: u64,
}

struct Parser<'a> {
    /// The document's own fields (its elements and relationships are kept apart).
    doc: Document,
    converter: Converter,
    /// Findings of parsing, reported before those of converting.
    diagnostics: Vec<Diagnostic>,
    current: Current<'a>,
    n_malformed: usize,
    n_packages: usize,
    /// Files and snippets read so far, converted after every package.
    files: Vec<File>,
    snippets: Vec<Snippet>,
    /// The element each SPDXID names: the first package with it, else the first file, else
    /// the first snippet.
    element_by_id: HashMap<&'a str, Element>,
    annotations: Vec<PendingAnnotation<'a>>,
    relationships: Vec<PendingRelationship<'a>>,
}

impl<'a> Parser<'a> {
    /// A parser with room for what the document probably holds.
    fn new(counts: &Counts) -> Parser<'a> {
        let mut converter = Converter::new(Syntax::TagValue, Vec::new(), 0);
        converter.try_reserve(counts.elements);
        // The counts are at most one per line: a failed reservation only means growing.
        let mut element_by_id = HashMap::new();
        let _ = element_by_id.try_reserve(counts.elements);
        let mut annotations = Vec::new();
        let _ = annotations.try_reserve_exact(counts.annotations);
        let mut relationships = Vec::new();
        let _ = relationships.try_reserve_exact(counts.relationships);
        Parser {
            doc: Document::default(),
            converter,
            diagnostics: Vec::new(),
            current: Current::Document,
            n_malformed: 0,
            n_packages: 0,
            files: Vec::new(),
            snippets: Vec::new(),
            element_by_id,
            annotations,
            relationships,
        }
    }

    fn malformed(&mut self, line: u64, message: String) -> Result<(), ParseError> {
        self.n_malformed += 1;
        if self.n_malformed > MAX_MALFORMED_LINES {
            return Err(ParseError::new(
                Location::Line(line),
                format!(
                    "more than {MAX_MALFORMED_LINES} malformed lines: not an spdx tag-value document"
                ),
            ));
        }
        self.diagnostics
            .push(Diagnostic::error(Location::Line(line), message));
        Ok(())
    }

    fn misplaced(&mut self, tag: &str, line: u64) {
        self.diagnostics.push(Diagnostic::warning(
            Location::Line(line),
            format!("{} outside the element it belongs to; ignored", clip(tag)),
        ));
    }

    fn package(&mut self) -> Option<&mut Package> {
        match &mut self.current {
            Current::Package { package, .. } => Some(package),
            _ => None,
        }
    }

    fn file(&mut self) -> Option<&mut File> {
        match &mut self.current {
            Current::File { file, .. } => Some(file),
            _ => None,
        }
    }

    fn snippet(&mut self) -> Option<&mut Snippet> {
        match &mut self.current {
            Current::Snippet { snippet, .. } => Some(snippet),
            _ => None,
        }
    }

    /// Ends the current element and makes `next` the current one: a package is converted at
    /// once; a file or snippet waits for the packages.
    fn open(&mut self, next: Current<'a>) {
        match std::mem::replace(&mut self.current, next) {
            Current::Package { package, id, idx } => {
                if let Some(id) = id {
                    self.index(id, Element::Package(idx));
                }
                self.converter.package(package);
            }
            Current::File {
                file,
                id,
                container,
            } => {
                let idx = self.files.len();
                if let Some(id) = id {
                    self.index(id, Element::File(idx));
                    if let Some(package_idx) = container {
                        // Packages are converted first, so a package's index is its
                        // component's.
                        self.converter.add_package_file(package_idx, id.to_owned());
                    }
                }
                self.files.push(file);
            }
            Current::Snippet { snippet, id } => {
                self.index(id, Element::Snippet(self.snippets.len()));
                self.snippets.push(snippet);
            }
            Current::Document | Current::License => {}
        }
    }

    /// Records the element an SPDXID names: packages before files before snippets, the
    /// first of each kind.
    fn index(&mut self, id: &'a str, element: Element) {
        match self.element_by_id.entry(id) {
            Entry::Vacant(entry) => {
                entry.insert(element);
            }
            // Elements are indexed in document order, so within a kind the one already there
            // comes first; across kinds the order of `Element`'s variants decides.
            Entry::Occupied(mut entry) => {
                if element < *entry.get() {
                    entry.insert(element);
                }
            }
        }
    }

    fn creation_info(&mut self) -> &mut CreationInfo {
        self.doc
            .creation_info
            .get_or_insert_with(CreationInfo::default)
    }

    fn annotation(&mut self) -> Option<&mut PendingAnnotation<'a>> {
        self.annotations.last_mut()
    }

    fn field(&mut self, tag: &str, value: &'a str, line: u64) -> Result<(), ParseError> {
        match tag {
            // Document creation.
            "SPDXVersion" => self.doc.spdx_version = Some(value.to_owned()),
            "DataLicense" => self.doc.data_license = Some(value.to_owned()),
            "DocumentNamespace" => self.doc.document_namespace = Some(value.to_owned()),
            "DocumentName" => self.doc.name = Some(value.to_owned()),
            "DocumentComment" => self.doc.comment = Some(value.to_owned()),
            "Creator" => self.creation_info().creators.push(value.to_owned()),
            "Created" => self.creation_info().created = Some(value.to_owned()),
            "CreatorComment" => self.creation_info().comment = Some(value.to_owned()),
            "LicenseListVersion" => {
                self.creation_info().license_list_version = Some(value.to_owned());
            }
            "SPDXID" => self.spdx_id(value, line),

            // Packages.
            "PackageName" => {
                let idx = self.n_packages;
                self.n_packages += 1;
                self.open(Current::Package {
                    package: Package {
                        name: Some(value.to_owned()),
                        line: Some(line),
                        ..Package::default()
                    },
                    id: None,
                    idx,
                });
            }
            "PackageVersion"
            | "PackageSupplier"
            | "PackageOriginator"
            | "PackageDownloadLocation"
            | "PackageHomePage"
            | "PackageLicenseConcluded"
            | "PackageLicenseDeclared"
            | "PackageCopyrightText"
            | "PackageDescription"
            | "PackageSummary"
            | "PrimaryPackagePurpose"
            | "ReleaseDate"
            | "BuiltDate"
            | "ValidUntilDate" => {
                let Some(package) = self.package() else {
                    self.misplaced(tag, line);
                    return Ok(());
                };
                let slot = match tag {
                    "PackageVersion" => &mut package.version_info,
                    "PackageSupplier" => &mut package.supplier,
                    "PackageOriginator" => &mut package.originator,
                    "PackageDownloadLocation" => &mut package.download_location,
                    "PackageHomePage" => &mut package.homepage,
                    "PackageLicenseConcluded" => &mut package.license_concluded,
                    "PackageLicenseDeclared" => &mut package.license_declared,
                    "PackageCopyrightText" => &mut package.copyright_text,
                    "PackageDescription" => &mut package.description,
                    "PackageSummary" => &mut package.summary,
                    "PrimaryPackagePurpose" => &mut package.primary_package_purpose,
                    "ReleaseDate" => &mut package.release_date,
                    "BuiltDate" => &mut package.built_date,
                    _ => &mut package.valid_until_date,
                };
                *slot = Some(value.to_owned());
            }
            "FilesAnalyzed" => {
                let parsed = if value.eq_ignore_ascii_case("true") {
                    Some(true)
                } else if value.eq_ignore_ascii_case("false") {
                    Some(false)
                } else {
                    None
                };
                match (self.package(), parsed) {
                    (Some(package), Some(parsed)) => package.files_analyzed = Some(parsed),
                    (Some(_), None) => self.diagnostics.push(Diagnostic::warning(
                        Location::Line(line),
                        format!(
                            "FilesAnalyzed must be true or false, found {:?}",
                            clip(value)
                        ),
                    )),
                    (None, _) => self.misplaced(tag, line),
                }
            }
            "PackageChecksum" => match (self.package().is_some(), parse_checksum(value)) {
                (true, Some(checksum)) => {
                    if let Some(package) = self.package() {
                        push_lean(&mut package.checksums, checksum);
                    }
                }
                (true, None) => self.bad_checksum(value, line)?,
                (false, _) => self.misplaced(tag, line),
            },
            "ExternalRef" => {
                let mut parts = value.split_ascii_whitespace();
                let category = parts.next().unwrap_or_default().to_owned();
                let reference_type = parts.next().unwrap_or_default().to_owned();
                let locator = join_words(parts);
                if locator.is_empty() {
                    return self.malformed(
                        line,
                        format!(
                            "expected `ExternalRef: CATEGORY TYPE LOCATOR`, found {:?}",
                            clip(value)
                        ),
                    );
                }
                match self.package() {
                    Some(package) => push_lean(
                        &mut package.external_refs,
                        ExternalRef {
                            comment: None,
                            reference_category: category,
                            reference_locator: locator,
                            reference_type,
                        },
                    ),
                    None => self.misplaced(tag, line),
                }
            }
            "ExternalRefComment" => match self.package().and_then(|p| p.external_refs.last_mut()) {
                Some(external_ref) => external_ref.comment = Some(value.to_owned()),
                None => self.misplaced(tag, line),
            },

            // Files.
            "FileName" => {
                let container = self.n_packages.checked_sub(1);
                self.open(Current::File {
                    file: File {
                        file_name: Some(value.to_owned()),
                        line: Some(line),
                        ..File::default()
                    },
                    id: None,
                    container,
                });
            }
            "FileChecksum" => match (self.file().is_some(), parse_checksum(value)) {
                (true, Some(checksum)) => {
                    if let Some(file) = self.file() {
                        push_lean(&mut file.checksums, checksum);
                    }
                }
                (true, None) => self.bad_checksum(value, line)?,
                (false, _) => self.misplaced(tag, line),
            },
            "FileCopyrightText" | "FileComment" => match self.file() {
                Some(file) if tag == "FileComment" => file.comment = Some(value.to_owned()),
                Some(file) => file.copyright_text = Some(value.to_owned()),
                None => self.misplaced(tag, line),
            },
            "LicenseConcluded" => match self.file() {
                Some(file) => file.license_concluded = Some(value.to_owned()),
                None => self.misplaced(tag, line),
            },

            // Snippets.
            "SnippetSPDXID" => {
                self.open(Current::Snippet {
                    snippet: Snippet {
                        spdx_id: Some(value.to_owned()),
                        line: Some(line),
                        ..Snippet::default()
                    },
                    id: value,
                });
            }
            "SnippetName"
            | "SnippetFromFileSPDXID"
            | "SnippetLicenseConcluded"
            | "SnippetCopyrightText" => {
                let Some(snippet) = self.snippet() else {
                    self.misplaced(tag, line);
                    return Ok(());
                };
                let slot = match tag {
                    "SnippetName" => &mut snippet.name,
                    "SnippetFromFileSPDXID" => &mut snippet.snippet_from_file,
                    "SnippetLicenseConcluded" => &mut snippet.license_concluded,
                    _ => &mut snippet.copyright_text,
                };
                *slot = Some(value.to_owned());
            }

            // Other licensing information: a new section, not part of any element.
            "LicenseID" => self.open(Current::License),

            // Relationships.
            "Relationship" => {
                // Split again at the end: three words make a relationship.
                if value.split_ascii_whitespace().nth(2).is_none() {
                    return self.malformed(
                        line,
                        format!("expected `Relationship: A TYPE B`, found {:?}", clip(value)),
                    );
                }
                self.relationships.push(PendingRelationship {
                    value,
                    comment: None,
                    line,
                });
            }
            "RelationshipComment" => match self.relationships.last_mut() {
                Some(relationship) => relationship.comment = Some(value),
                None => self.misplaced(tag, line),
            },

            // Annotations (and the SPDX 2.0/2.1 review fields, read as REVIEW annotations of
            // the document).
            "Annotator" | "Reviewer" => {
                let is_review = tag == "Reviewer";
                self.annotations.push(PendingAnnotation {
                    target: is_review.then_some(DOCUMENT_REF),
                    annotation_type: is_review.then_some("REVIEW"),
                    comment: None,
                    line,
                });
            }
            "AnnotationDate" | "AnnotationType" | "AnnotationComment" | "SPDXREF"
            | "ReviewDate" | "ReviewComment" => {
                let Some(annotation) = self.annotation() else {
                    self.misplaced(tag, line);
                    return Ok(());
                };
                // Annotator and date are not part of the model: not kept.
                match tag {
                    "AnnotationDate" | "ReviewDate" => {}
                    "AnnotationType" => annotation.annotation_type = Some(value),
                    "SPDXREF" => annotation.target = Some(value),
                    _ => annotation.comment = Some(value),
                }
            }
            // Every other tag is valid SPDX that the model has no field for.
            _ => {}
        }
        Ok(())
    }

    fn spdx_id(&mut self, value: &'a str, line: u64) {
        match &mut self.current {
            Current::Document => self.doc.spdx_id = Some(value.to_owned()),
            Current::Package { package, id, .. } => {
                package.spdx_id = Some(value.to_owned());
                *id = Some(value);
            }
            Current::File { file, id, .. } => {
                file.spdx_id = Some(value.to_owned());
                *id = Some(value);
            }
            Current::Snippet { .. } | Current::License => self.misplaced("SPDXID", line),
        }
    }

    fn bad_checksum(&mut self, value: &str, line: u64) -> Result<(), ParseError> {
        self.malformed(
            line,
            format!(
                "expected a checksum `ALGORITHM: value`, found {:?}",
                clip(value)
            ),
        )
    }

    /// Converts what is still waiting (the last element, files and snippets), attaches the
    /// annotations to their elements and converts the relationships.
    fn finish(mut self) -> Result<Parsed, ParseError> {
        self.open(Current::Document);
        let n_packages = self.n_packages;
        let n_files = self.files.len();
        let n_snippets = self.snippets.len();
        for file in std::mem::take(&mut self.files) {
            self.converter.file(file);
        }
        for snippet in std::mem::take(&mut self.snippets) {
            self.converter.snippet(snippet);
        }
        // The component each annotation names (`NOT_PLACED` for the document's and the
        // unknown), and whether each component's annotations come one after another (as
        // written, nearly always), so that they can be added without sorting.
        const NOT_PLACED: usize = usize::MAX;
        let n_components = n_packages + n_files + n_snippets;
        let mut placements = Vec::with_capacity(self.annotations.len());
        let mut is_grouped = true;
        let mut is_done = vec![false; n_components];
        let mut last = NOT_PLACED;
        for annotation in &self.annotations {
            let target = annotation.target.map(str::trim);
            let element = match target {
                None | Some(DOCUMENT_REF) => {
                    self.doc.annotations.push(Annotation {
                        annotation_type: annotation.annotation_type.map(str::to_owned),
                        comment: annotation.comment.map(str::to_owned),
                        ..Annotation::default()
                    });
                    None
                }
                Some(id) => match self.element_by_id.get(id) {
                    Some(element) => Some(*element),
                    None => {
                        self.diagnostics.push(Diagnostic::warning(
                            Location::Line(annotation.line),
                            format!(
                                "annotation names {:?}, which is not an element of the document; ignored",
                                clip(target.unwrap_or_default())
                            ),
                        ));
                        None
                    }
                },
            };
            let component = match element {
                Some(Element::Package(idx)) => idx,
                Some(Element::File(idx)) => n_packages + idx,
                Some(Element::Snippet(idx)) => n_packages + n_files + idx,
                None => NOT_PLACED,
            };
            if component != last {
                if let Some(done) = is_done.get_mut(last) {
                    *done = true;
                }
                if let Some(done) = is_done.get(component) {
                    is_grouped &= !done;
                }
                last = component;
            }
            placements.push(component);
        }
        drop(is_done);
        drop(self.element_by_id);
        let text_of = |annotation: &PendingAnnotation<'a>| AnnotationText {
            annotation_type: annotation.annotation_type,
            comment: annotation.comment.unwrap_or(""),
        };
        if is_grouped {
            // Runs of one component in document order.
            let mut start = 0;
            for run in placements.chunk_by(|a, b| a == b) {
                let annotations = self.annotations.get(start..start + run.len());
                start += run.len();
                if let (Some(&component), Some(annotations)) = (run.first(), annotations)
                    && component != NOT_PLACED
                {
                    self.converter
                        .annotate(component, annotations.iter().map(text_of));
                }
            }
        } else {
            // A stable sort keeps each element's annotations in document order.
            let mut order: Vec<usize> = (0..placements.len()).collect();
            let component_of = |idx: &usize| placements.get(*idx).copied().unwrap_or(NOT_PLACED);
            order.sort_by_key(component_of);
            for run in order.chunk_by(|a, b| component_of(a) == component_of(b)) {
                let component = run.first().map_or(NOT_PLACED, component_of);
                if component == NOT_PLACED {
                    continue;
                }
                let texts: Vec<AnnotationText<'_>> = run
                    .iter()
                    .filter_map(|idx| self.annotations.get(*idx))
                    .map(text_of)
                    .collect();
                self.converter.annotate(component, texts.into_iter());
            }
        }
        drop(placements);
        drop(self.annotations);
        self.converter.set_parse_diagnostics(self.diagnostics);
        let relationships = self.relationships;
        self.converter
            .finish_with(self.doc, relationships.len(), |visit| {
                for relationship in relationships {
                    let mut parts = relationship.value.split_ascii_whitespace();
                    visit(RelationshipText {
                        from: parts.next().unwrap_or_default(),
                        kind: parts.next().unwrap_or_default(),
                        to: parts.next().unwrap_or_default(),
                        comment: relationship.comment,
                        line: Some(relationship.line),
                    });
                }
            })
    }
}

/// Pushes onto a list that usually stays short (checksums, external references) without the
/// room for four items that a first push reserves; longer lists grow as usual.
fn push_lean<T>(list: &mut Vec<T>, item: T) {
    if list.len() == list.capacity() && list.len() < 4 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// Words separated by single spaces (`ExternalRef` locators written with inner blanks).
fn join_words<'a>(mut words: impl Iterator<Item = &'a str>) -> String {
    let mut res = words.next().unwrap_or_default().to_owned();
    for word in words {
        res.push(' ');
        res.push_str(word);
    }
    res
}

/// `SHA1: d6a7…` → algorithm and value.
fn parse_checksum(value: &str) -> Option<Checksum> {
    let (algorithm, digest) = value.split_once(':')?;
    let (algorithm, digest) = (algorithm.trim(), digest.trim());
    if algorithm.is_empty() || digest.is_empty() {
        return None;
    }
    Some(Checksum {
        algorithm: algorithm.to_owned(),
        checksum_value: digest.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bytes_like_a_plain_search() {
        let text = b"abc:defghijklmnop\nqrstuvwxyz:0123456789<//text></text>";
        for len in 0..=text.len() {
            let haystack = &text[..len];
            for needle in [b':', b'\n', b'<', b'z', b'#', 0x80] {
                assert_eq!(
                    find_byte(haystack, needle),
                    haystack.iter().position(|b| *b == needle),
                    "{len} {needle}"
                );
            }
            let expected = std::str::from_utf8(haystack)
                .ok()
                .and_then(|t| t.find("</text>"));
            assert_eq!(find_text_close(haystack), expected, "{len}");
        }
        assert_eq!(find_byte(&[0x01, 0x00, 0x3a, 0x3a], b':'), Some(2));
    }

    #[test]
    fn counts_tags_at_line_starts_only() {
        let text = "PackageName: a\nSPDXID: x\n PackageName: b\nComment: PackageName: c\n\
FileName: f\nSnippetSPDXID: s\nPackageName: d\nRelationship: a DEPENDS_ON d\n\
Annotator: Tool: t\nReviewer: Tool: t\nX: Relationship: a";
        let expected = Counts {
            elements: 4,
            annotations: 2,
            relationships: 1,
        };
        assert_eq!(count_line_starts(text), expected);
    }

    const HEADER: &str = "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n\
DocumentName: d\nDocumentNamespace: https://example.com/d\nCreator: Tool: t\n\
Created: 2024-01-01T00:00:00Z\n";

    #[test]
    fn short_lists_are_allocated_exactly() {
        let text = format!(
            "{HEADER}PackageName: a\nSPDXID: SPDXRef-a\nPackageDownloadLocation: NOASSERTION\n\
PackageChecksum: SHA1: 00\nExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1\n\
ExternalRef: SECURITY cpe23Type cpe:2.3:a:x:a:1:*:*:*:*:*:*:*\n\
Annotator: Tool: t\nAnnotationType: OTHER\nSPDXREF: SPDXRef-a\nAnnotationComment: x=1\n"
        );
        let parsed = read(text.as_bytes()).expect("valid document");
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let component = &parsed.sbom.components[0];
        assert_eq!(parsed.sbom.components.capacity(), 1);
        assert_eq!(component.hashes.capacity(), 1);
        assert_eq!(component.cpes.capacity(), 1);
        assert_eq!(component.properties.capacity(), 1);
        assert_eq!(component.cpes, ["cpe:2.3:a:x:a:1:*:*:*:*:*:*:*"]);
        assert!(!component.extra.is_allocated());
    }

    #[test]
    fn annotations_and_files_find_their_elements_wherever_they_are() {
        // The annotation comes before the elements it names; a file and a package share an
        // SPDXID (the package is the one named); a file follows its package.
        let text = format!(
            "{HEADER}Annotator: Tool: t\nAnnotationType: OTHER\nSPDXREF: SPDXRef-x\n\
AnnotationComment: k=v\n\
FileName: ./early\nSPDXID: SPDXRef-x\n\
PackageName: p\nSPDXID: SPDXRef-x\nPackageDownloadLocation: NOASSERTION\n\
FileName: ./f\nSPDXID: SPDXRef-f\n\
Annotator: Tool: t\nAnnotationType: OTHER\nSPDXREF: SPDXRef-f\nAnnotationComment: a=b\n\
Annotator: Tool: t\nAnnotationType: OTHER\nSPDXREF: SPDXRef-nowhere\nAnnotationComment: c=d\n"
        );
        let parsed = read(text.as_bytes()).expect("valid document");
        let names: Vec<(&str, &str)> = parsed
            .sbom
            .components
            .iter()
            .map(|c| (c.bom_ref.as_str(), c.name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("SPDXRef-x", "p"),
                ("SPDXRef-x-duplicate-2", "./early"),
                ("SPDXRef-f", "./f")
            ]
        );
        let properties = |idx: usize| -> Vec<(&str, &str)> {
            parsed.sbom.components[idx]
                .properties
                .iter()
                .map(|p| (p.name.as_str(), p.value.as_str()))
                .collect()
        };
        assert_eq!(properties(0), [("k", "v")]);
        assert_eq!(properties(1), []);
        assert_eq!(properties(2), [("a", "b")]);
        let contains: Vec<(&str, &str)> = parsed
            .sbom
            .relationships
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        assert_eq!(contains, [("SPDXRef-x", "SPDXRef-f")]);
        let messages: Vec<String> = parsed
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.location, d.message))
            .collect();
        assert_eq!(
            messages,
            [
                "line 23 annotation names \"SPDXRef-nowhere\", which is not an element of the document; ignored",
                "line 12 duplicate SPDXID \"SPDXRef-x\"; this file is kept as \"SPDXRef-x-duplicate-2\"",
            ]
        );
    }

    #[test]
    fn interleaved_annotations_keep_their_order() {
        let annotation = |id: &str, comment: &str| {
            format!(
                "Annotator: Tool: t\nAnnotationType: OTHER\nSPDXREF: {id}\nAnnotationComment: {comment}\n"
            )
        };
        let text = format!(
            "{HEADER}PackageName: p\nSPDXID: SPDXRef-p\nPackageName: q\nSPDXID: SPDXRef-q\n{}{}{}{}{}",
            annotation("SPDXRef-p", "a=1"),
            annotation("SPDXRef-q", "b=2"),
            annotation("SPDXRef-DOCUMENT", "d=0"),
            annotation("SPDXRef-p", "c=3"),
            annotation("SPDXRef-q", "e=4"),
        );
        let parsed = read(text.as_bytes()).expect("valid document");
        let properties = |idx: usize| -> Vec<String> {
            parsed.sbom.components[idx]
                .properties
                .iter()
                .map(|p| format!("{}={}", p.name, p.value))
                .collect()
        };
        assert_eq!(properties(0), ["a=1", "c=3"]);
        assert_eq!(properties(1), ["b=2", "e=4"]);
        assert_eq!(parsed.sbom.properties.len(), 1);
    }

    #[test]
    fn locators_with_blanks_are_joined_by_single_spaces() {
        let words = "a  b\tc".split_ascii_whitespace();
        assert_eq!(join_words(words), "a b c");
        assert_eq!(join_words("".split_ascii_whitespace()), "");
    }
}
