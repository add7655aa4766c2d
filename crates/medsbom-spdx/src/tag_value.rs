//! SPDX 2.x tag-value → the serde document of [`crate::spdx2`], one pass over the bytes.
//!
//! Lines are `Tag: value`; a value starting with `<text>` runs to the next `</text>`, possibly
//! over several lines; lines starting with `#` are comments. `PackageName:`, `FileName:`,
//! `SnippetSPDXID:` and `LicenseID:` open a new element, and the fields that follow belong to
//! it (`SPDXID:` included). Files that follow a package belong to that package (SPDX 2.3
//! §5.2.2), which is recorded as `hasFiles`. Annotations name their element with `SPDXREF:`
//! and are attached at the end.
//!
//! Cost is linear in the input: one UTF-8 check, one scan for line ends, a `match` per tag,
//! and a hash map from SPDXID to element built once at the end.

use std::collections::HashMap;

use medsbom_model::{DOCUMENT_REF, Diagnostic, Location, ParseError};

use crate::read2::clip;
use crate::spdx2::{
    Annotation, Checksum, CreationInfo, Document, ExternalRef, File, Package, Relationship, Snippet,
};

/// Malformed lines tolerated before the input is declared not to be tag-value at all.
const MAX_MALFORMED_LINES: usize = 1000;

/// Parses tag-value bytes into a document plus the line-level findings.
pub(crate) fn parse(bytes: &[u8]) -> Result<(Document, Vec<Diagnostic>), ParseError> {
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
    let mut parser = Parser::default();
    parser
        .doc
        .packages
        .reserve_exact(count_line_starts(text, "PackageName:"));
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
    Ok(parser.finish())
}

/// How many lines start with `prefix` (lines inside `<text>` included, so at least the number
/// of elements it opens): lists of elements are allocated once at their final size, where
/// growing by doubling would keep up to twice the room they need.
fn count_line_starts(text: &str, prefix: &str) -> usize {
    let mut rest = text.as_bytes();
    let mut res = 0;
    loop {
        if rest.starts_with(prefix.as_bytes()) {
            res += 1;
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

/// The element that `SPDXID:` and element fields currently apply to.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Current {
    #[default]
    Document,
    Package(usize),
    File(usize),
    Snippet(usize),
    License,
}

#[derive(Default)]
struct Parser {
    doc: Document,
    diagnostics: Vec<Diagnostic>,
    current: Current,
    n_malformed: usize,
    /// For each file, the package it follows (if any).
    file_container: Vec<Option<usize>>,
    /// Annotations with the SPDXID they name (`None` until `SPDXREF:`) and their line.
    annotations: Vec<(Option<String>, Annotation, u64)>,
}

impl Parser {
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
        match self.current {
            Current::Package(idx) => self.doc.packages.get_mut(idx),
            _ => None,
        }
    }

    fn file(&mut self) -> Option<&mut File> {
        match self.current {
            Current::File(idx) => self.doc.files.get_mut(idx),
            _ => None,
        }
    }

    fn snippet(&mut self) -> Option<&mut Snippet> {
        match self.current {
            Current::Snippet(idx) => self.doc.snippets.get_mut(idx),
            _ => None,
        }
    }

    fn creation_info(&mut self) -> &mut CreationInfo {
        self.doc
            .creation_info
            .get_or_insert_with(CreationInfo::default)
    }

    fn annotation(&mut self) -> Option<&mut (Option<String>, Annotation, u64)> {
        self.annotations.last_mut()
    }

    fn field(&mut self, tag: &str, value: &str, line: u64) -> Result<(), ParseError> {
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
                self.doc.packages.push(Package {
                    name: Some(value.to_owned()),
                    line: Some(line),
                    ..Package::default()
                });
                self.current = Current::Package(self.doc.packages.len() - 1);
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
                self.doc.files.push(File {
                    file_name: Some(value.to_owned()),
                    line: Some(line),
                    ..File::default()
                });
                let container =
                    (!self.doc.packages.is_empty()).then(|| self.doc.packages.len() - 1);
                self.file_container.push(container);
                self.current = Current::File(self.doc.files.len() - 1);
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
                self.doc.snippets.push(Snippet {
                    spdx_id: Some(value.to_owned()),
                    line: Some(line),
                    ..Snippet::default()
                });
                self.current = Current::Snippet(self.doc.snippets.len() - 1);
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
            "LicenseID" => self.current = Current::License,

            // Relationships.
            "Relationship" => {
                let mut parts = value.split_ascii_whitespace();
                let (Some(from), Some(kind), Some(to)) = (parts.next(), parts.next(), parts.next())
                else {
                    return self.malformed(
                        line,
                        format!("expected `Relationship: A TYPE B`, found {:?}", clip(value)),
                    );
                };
                self.doc.relationships.push(Relationship {
                    spdx_element_id: from.to_owned(),
                    relationship_type: kind.to_owned(),
                    related_spdx_element: to.to_owned(),
                    comment: None,
                    line: Some(line),
                });
            }
            "RelationshipComment" => match self.doc.relationships.last_mut() {
                Some(relationship) => relationship.comment = Some(value.to_owned()),
                None => self.misplaced(tag, line),
            },

            // Annotations (and the SPDX 2.0/2.1 review fields, read as REVIEW annotations of
            // the document).
            "Annotator" | "Reviewer" => {
                let annotation = Annotation {
                    annotation_type: (tag == "Reviewer").then(|| "REVIEW".to_owned()),
                    ..Annotation::default()
                };
                let target = (tag == "Reviewer").then(|| DOCUMENT_REF.to_owned());
                self.annotations.push((target, annotation, line));
            }
            "AnnotationDate" | "AnnotationType" | "AnnotationComment" | "SPDXREF"
            | "ReviewDate" | "ReviewComment" => {
                let Some((target, annotation, _)) = self.annotation() else {
                    self.misplaced(tag, line);
                    return Ok(());
                };
                // Annotator and date are not part of the model: not kept.
                match tag {
                    "AnnotationDate" | "ReviewDate" => {}
                    "AnnotationType" => annotation.annotation_type = Some(value.to_owned()),
                    "SPDXREF" => *target = Some(value.to_owned()),
                    _ => annotation.comment = Some(value.to_owned()),
                }
            }
            // Every other tag is valid SPDX that the model has no field for.
            _ => {}
        }
        Ok(())
    }

    fn spdx_id(&mut self, value: &str, line: u64) {
        match self.current {
            Current::Document => self.doc.spdx_id = Some(value.to_owned()),
            Current::Package(_) => {
                if let Some(package) = self.package() {
                    package.spdx_id = Some(value.to_owned());
                }
            }
            Current::File(_) => {
                if let Some(file) = self.file() {
                    file.spdx_id = Some(value.to_owned());
                }
            }
            Current::Snippet(_) | Current::License => self.misplaced("SPDXID", line),
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

    /// Attaches annotations to their elements and records which package each file follows.
    fn finish(mut self) -> (Document, Vec<Diagnostic>) {
        let mut element_by_id: HashMap<&str, Current> = HashMap::new();
        for (idx, package) in self.doc.packages.iter().enumerate() {
            if let Some(id) = package.spdx_id.as_deref() {
                element_by_id.entry(id).or_insert(Current::Package(idx));
            }
        }
        for (idx, file) in self.doc.files.iter().enumerate() {
            if let Some(id) = file.spdx_id.as_deref() {
                element_by_id.entry(id).or_insert(Current::File(idx));
            }
        }
        for (idx, snippet) in self.doc.snippets.iter().enumerate() {
            if let Some(id) = snippet.spdx_id.as_deref() {
                element_by_id.entry(id).or_insert(Current::Snippet(idx));
            }
        }
        let mut placements = Vec::with_capacity(self.annotations.len());
        for (target, _, line) in &self.annotations {
            let target = target.as_deref().map(str::trim);
            let placement = match target {
                None | Some(DOCUMENT_REF) => Some(Current::Document),
                Some(id) => element_by_id.get(id).copied(),
            };
            if placement.is_none() {
                self.diagnostics.push(Diagnostic::warning(
                    Location::Line(*line),
                    format!(
                        "annotation names {:?}, which is not an element of the document; ignored",
                        clip(target.unwrap_or_default())
                    ),
                ));
            }
            placements.push(placement);
        }
        let mut has_files: Vec<(usize, String)> = Vec::new();
        for (idx, container) in self.file_container.iter().enumerate() {
            let file_id = self.doc.files.get(idx).and_then(|f| f.spdx_id.clone());
            if let (Some(package_idx), Some(file_id)) = (container, file_id) {
                has_files.push((*package_idx, file_id));
            }
        }
        drop(element_by_id);
        // Each element's list gets its exact size up front: pushing one by one would leave
        // room for four annotations in every element that has one or two.
        let mut n_package = vec![0usize; self.doc.packages.len()];
        let mut n_file = vec![0usize; self.doc.files.len()];
        let mut n_snippet = vec![0usize; self.doc.snippets.len()];
        for placement in &placements {
            let count = match placement {
                Some(Current::Package(idx)) => n_package.get_mut(*idx),
                Some(Current::File(idx)) => n_file.get_mut(*idx),
                Some(Current::Snippet(idx)) => n_snippet.get_mut(*idx),
                _ => None,
            };
            if let Some(count) = count {
                *count += 1;
            }
        }
        for (package, n) in self.doc.packages.iter_mut().zip(n_package) {
            package.annotations.reserve_exact(n);
        }
        for (file, n) in self.doc.files.iter_mut().zip(n_file) {
            file.annotations.reserve_exact(n);
        }
        for (snippet, n) in self.doc.snippets.iter_mut().zip(n_snippet) {
            snippet.annotations.reserve_exact(n);
        }
        for ((_, annotation, _), placement) in self.annotations.into_iter().zip(placements) {
            let list = match placement {
                Some(Current::Document) => Some(&mut self.doc.annotations),
                Some(Current::Package(idx)) => {
                    self.doc.packages.get_mut(idx).map(|p| &mut p.annotations)
                }
                Some(Current::File(idx)) => self.doc.files.get_mut(idx).map(|f| &mut f.annotations),
                Some(Current::Snippet(idx)) => {
                    self.doc.snippets.get_mut(idx).map(|s| &mut s.annotations)
                }
                Some(Current::License) | None => None,
            };
            if let Some(list) = list {
                list.push(annotation);
            }
        }
        for (package_idx, file_id) in has_files {
            if let Some(package) = self.doc.packages.get_mut(package_idx) {
                package.has_files.push(file_id);
            }
        }
        (self.doc, self.diagnostics)
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
        let text =
            "PackageName: a\nSPDXID: x\n PackageName: b\nComment: PackageName: c\nPackageName: d";
        assert_eq!(count_line_starts(text, "PackageName:"), 2);
    }

    #[test]
    fn short_lists_are_allocated_exactly() {
        let text = "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\n\
PackageChecksum: SHA1: 00\nExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1\n\
ExternalRef: SECURITY cpe23Type cpe:2.3:a:x:a:1:*:*:*:*:*:*:*\n\
Annotator: Tool: t\nAnnotationType: OTHER\nSPDXREF: SPDXRef-a\nAnnotationComment: x=1\n";
        let (doc, diagnostics) = parse(text.as_bytes()).expect("valid document");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let package = &doc.packages[0];
        assert_eq!(doc.packages.capacity(), 1);
        assert_eq!(package.checksums.capacity(), 1);
        assert_eq!(package.external_refs.capacity(), 2);
        assert_eq!(package.annotations.capacity(), 1);
        assert_eq!(
            package.external_refs[1].reference_locator,
            "cpe:2.3:a:x:a:1:*:*:*:*:*:*:*"
        );
    }

    #[test]
    fn locators_with_blanks_are_joined_by_single_spaces() {
        let words = "a  b\tc".split_ascii_whitespace();
        assert_eq!(join_words(words), "a b c");
        assert_eq!(join_words("".split_ascii_whitespace()), "");
    }
}
