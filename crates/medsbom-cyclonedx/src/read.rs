//! What the JSON and XML readers share: input decoding, `bom-ref` bookkeeping, spec-version
//! checks and the per-component finishing touches (support data, extra CPEs).

use std::collections::HashSet;

use medsbom_model::{
    Component, ComponentType, Diagnostic, License, Location, ParseError, Party, PartyKind, Scope,
    support_from_properties,
};

/// Prefix of the `bom-ref`s the readers generate for components that have none.
pub(crate) const GENERATED_REF_PREFIX: &str = "medsbom-gen-";
/// Property the writers use for every CPE after the first (CycloneDX has one `cpe` field); the
/// readers turn it back into [`Component::cpes`].
pub(crate) const EXTRA_CPE_PROPERTY: &str = "medsbom:cpe";
/// Property (in `metadata.properties`) the writers use for a document name that differs from
/// the root component's name.
pub(crate) const DOCUMENT_NAME_PROPERTY: &str = "medsbom:documentName";
/// Component type used for CycloneDX services, which the model has no type for.
pub(crate) const SERVICE_TYPE: &str = "service";
/// Deepest element nesting the XML reader accepts.
pub(crate) const MAX_XML_DEPTH: usize = 512;
/// Deepest nesting of components (or services) the JSON reader accepts: what serde_json's
/// recursion limit allowed. Nested components are parsed level by level, so the bound also
/// caps how often a byte is scanned.
pub(crate) const MAX_NESTING: usize = 64;
/// Deepest nesting accepted inside raw JSON kept as an extension (serde_json's own limit).
pub(crate) const MAX_JSON_DEPTH: usize = 128;

/// The text of the document: UTF-8 checked once up front (so later steps can borrow `&str`),
/// with a leading byte-order mark removed.
pub(crate) fn utf8_text(bytes: &[u8]) -> Result<&str, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE") {
        return Err(ParseError::new(
            Location::Offset(0),
            "utf-16 input is not supported; convert the document to utf-8",
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => Err(ParseError::new(
            Location::Offset(error.valid_up_to() as u64),
            format!("invalid utf-8 at byte {}", error.valid_up_to()),
        )),
    }
}

/// Which CycloneDX minor version a document follows, and a warning when it is not one this
/// reader knows (the document is then read as the nearest known version).
pub(crate) fn check_spec_version(
    spec_version: &str,
    location: Location,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let known = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];
    if known.contains(&spec_version) {
        return;
    }
    let nearest = nearest_known_version(spec_version);
    diagnostics.push(Diagnostic::warning(
        location,
        format!("unknown cyclonedx spec version \"{spec_version}\"; read as {nearest}"),
    ));
}

fn nearest_known_version(spec_version: &str) -> &'static str {
    let mut parts = spec_version.trim().split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    match (major, minor) {
        (Some(0), _) => "1.0",
        (Some(1), Some(0)) => "1.0",
        (Some(1), Some(1)) => "1.1",
        (Some(1), Some(2)) => "1.2",
        (Some(1), Some(3)) => "1.3",
        (Some(1), Some(4)) => "1.4",
        (Some(1), Some(5)) => "1.5",
        (Some(1), Some(6)) => "1.6",
        _ => "1.7",
    }
}

/// Hands out `bom-ref`s: keeps the document's when unique, generates one otherwise.
#[derive(Default)]
pub(crate) struct Refs {
    seen: HashSet<String>,
    n_generated: u64,
}

impl Refs {
    /// A set with room for `n` refs, allocated once.
    pub(crate) fn with_capacity(n: usize) -> Refs {
        Refs {
            seen: HashSet::with_capacity(n),
            n_generated: 0,
        }
    }

    /// The `bom-ref` for a component or service whose document value is `written`.
    /// A missing one is generated silently; an empty or duplicate one is replaced with a
    /// warning, so every component of the model has a unique `bom_ref`.
    pub(crate) fn assign(
        &mut self,
        written: Option<String>,
        location: &dyn Fn() -> Location,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> String {
        match written {
            None => self.generate(),
            Some(written) if written.is_empty() => {
                let res = self.generate();
                diagnostics.push(Diagnostic::warning(
                    location(),
                    format!("empty bom-ref; replaced with \"{res}\""),
                ));
                res
            }
            Some(written) => {
                if self.seen.insert(written.clone()) {
                    return written;
                }
                let res = self.generate();
                diagnostics.push(Diagnostic::warning(
                    location(),
                    format!("duplicate bom-ref \"{written}\"; this one renamed to \"{res}\""),
                ));
                res
            }
        }
    }

    /// Whether a component or service with this `bom-ref` was seen.
    pub(crate) fn contains(&self, bom_ref: &str) -> bool {
        self.seen.contains(bom_ref)
    }

    fn generate(&mut self) -> String {
        loop {
            self.n_generated += 1;
            let candidate = format!("{GENERATED_REF_PREFIX}{}", self.n_generated);
            if self.seen.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// The model type for a CycloneDX `type` value, with a warning for values outside the spec.
pub(crate) fn component_type(
    text: &str,
    location: &dyn Fn() -> Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> ComponentType {
    match text {
        "application" => ComponentType::Application,
        "framework" => ComponentType::Framework,
        "library" => ComponentType::Library,
        "container" => ComponentType::Container,
        "platform" => ComponentType::Platform,
        "operating-system" => ComponentType::OperatingSystem,
        "device" => ComponentType::Device,
        "device-driver" => ComponentType::DeviceDriver,
        "firmware" => ComponentType::Firmware,
        "file" => ComponentType::File,
        "machine-learning-model" => ComponentType::MachineLearningModel,
        "data" => ComponentType::Data,
        "cryptographic-asset" => ComponentType::CryptographicAsset,
        _ => {
            diagnostics.push(Diagnostic::warning(
                location(),
                format!("unknown component type \"{text}\""),
            ));
            match ComponentType::parse(text) {
                ComponentType::Source | ComponentType::Archive | ComponentType::Install => {
                    ComponentType::Other(text.to_owned())
                }
                other => other,
            }
        }
    }
}

/// The model scope for a CycloneDX `scope` value, with a warning for values outside the spec.
pub(crate) fn scope(
    text: &str,
    location: &dyn Fn() -> Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Scope> {
    match text {
        "required" => Some(Scope::Required),
        "optional" => Some(Scope::Optional),
        "excluded" => Some(Scope::Excluded),
        _ => {
            diagnostics.push(Diagnostic::warning(
                location(),
                format!("unknown component scope \"{text}\""),
            ));
            None
        }
    }
}

/// A licence as read from either syntax, before it is sorted into declared and concluded.
pub(crate) struct ReadLicense {
    pub(crate) license: License,
    pub(crate) concluded: bool,
}

/// Sorts a component's licences: declared ones go into `declared` (its
/// [`Component::licenses`]); the concluded ones (CycloneDX 1.6 `acknowledgement`) are returned
/// as one expression, for its `license_concluded`.
#[must_use]
pub(crate) fn set_licenses(
    declared: &mut Vec<License>,
    licenses: Vec<ReadLicense>,
) -> Option<String> {
    // Exact size: a vector grown from empty by one push reserves room for four.
    declared.reserve_exact(licenses.iter().filter(|l| !l.concluded).count());
    let mut concluded: Vec<String> = Vec::new();
    for read in licenses {
        if read.concluded {
            concluded.push(read.license.text().to_owned());
        } else {
            declared.push(read.license);
        }
    }
    join_licenses(&concluded)
}

/// Several licence texts as one expression (`A AND (B OR C)`), or `None` for none.
pub(crate) fn join_licenses(texts: &[String]) -> Option<String> {
    match texts {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(
            many.iter()
                .map(|t| {
                    if t.contains(' ') {
                        format!("({t})")
                    } else {
                        t.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}

/// A party from a CycloneDX organizationalEntity.
pub(crate) fn organization(
    name: Option<String>,
    urls: Vec<String>,
    email: Option<String>,
) -> Party {
    Party {
        kind: PartyKind::Organization,
        name: name.unwrap_or_default(),
        email,
        urls,
    }
}

/// A party from a CycloneDX organizationalContact.
pub(crate) fn person(name: Option<String>, email: Option<String>) -> Party {
    Party {
        kind: PartyKind::Person,
        name: name.or_else(|| email.clone()).unwrap_or_default(),
        email,
        urls: Vec::new(),
    }
}

/// Last steps for every component: support data from its properties, and CPEs that a
/// medsbom writer moved into properties.
pub(crate) fn finish_component(component: &mut Component) {
    support_from_properties(&component.properties, &mut component.support);
    for property in &component.properties {
        if property.name == EXTRA_CPE_PROPERTY && !component.cpes.contains(&property.value) {
            component.cpes.push(property.value.clone());
        }
    }
}

/// Whether raw JSON kept verbatim stays within the nesting limit serde_json applies to the
/// rest of the document (its raw-value capture does not count depth).
pub(crate) fn json_depth_ok(raw: &str) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for byte in raw.bytes() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if MAX_JSON_DEPTH < depth {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Maps byte offsets to line and column quickly when many diagnostics need them.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text` (one pass).
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(idx, _)| idx + 1),
        );
        LineIndex { text, line_starts }
    }

    /// The location of a byte offset.
    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&offset) {
            Ok(idx) => idx,
            Err(idx) => idx.saturating_sub(1),
        };
        let line_start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |l| l.chars().count())
            + 1;
        Location::LineColumn {
            line: line_idx as u64 + 1,
            column: column as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_finds_lines_and_columns() {
        let text = "ab\ncd\n\nxé";
        let index = LineIndex::new(text);
        let check = |offset: usize, line: u64, column: u64| {
            assert_eq!(
                index.location(offset),
                Location::LineColumn { line, column },
                "{offset}"
            );
        };
        check(0, 1, 1);
        check(3, 2, 1);
        check(5, 2, 3);
        check(6, 3, 1);
        check(7, 4, 1);
        check(10, 4, 3);
    }

    #[test]
    fn depth_check_ignores_brackets_in_strings() {
        let deep = "[".repeat(200);
        assert!(!json_depth_ok(&deep));
        let quoted = format!("\"{deep}\"");
        assert!(json_depth_ok(&quoted));
        assert!(json_depth_ok(r#"{"a":"\"[[[","b":[1]}"#));
    }

    #[test]
    fn refs_are_unique() {
        let mut refs = Refs::default();
        let mut diagnostics = Vec::new();
        let loc = || Location::Document;
        assert_eq!(refs.assign(Some("a".into()), &loc, &mut diagnostics), "a");
        assert_eq!(refs.assign(None, &loc, &mut diagnostics), "medsbom-gen-1");
        assert_eq!(
            refs.assign(Some("a".into()), &loc, &mut diagnostics),
            "medsbom-gen-2"
        );
        assert_eq!(diagnostics.len(), 1);
        assert!(refs.contains("medsbom-gen-2"));
    }
}
