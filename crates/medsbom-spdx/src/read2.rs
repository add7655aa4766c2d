//! SPDX 2.x document (as read from JSON, YAML or tag-value) → normalized model.
//!
//! One conversion serves the three serializations, so the same document gives the same model
//! whichever form it ships in. Locations are JSON pointers for JSON and YAML, and lines for
//! tag-value.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use medsbom_model::{
    Component, ComponentExtraFields, ComponentType, DOCUMENT_REF, Diagnostic, ExternalRef, Hash,
    Identifier, License, Location, Milestone, ParseError, Parsed, Party, PartyKind, Property,
    Relationship, RelationshipKind, Sbom, SbomFormat, Support, SwidRef, normalize_hash_algorithm,
};

use crate::agent::{self, Creator};
use crate::convention;
use crate::spdx2::{Annotation, Checksum, Document, File, Package, Snippet};
use crate::unique::UniqueNames;

/// Which serialization the document came from: decides how locations are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// JSON or YAML: JSON pointers.
    Json,
    /// Tag-value: line numbers.
    TagValue,
}

/// A relationship as the document writes it, borrowed from wherever it was read.
pub(crate) struct RelationshipText<'t> {
    /// `spdxElementId`.
    pub(crate) from: &'t str,
    /// `relationshipType`.
    pub(crate) kind: &'t str,
    /// `relatedSpdxElement`.
    pub(crate) to: &'t str,
    /// `comment`.
    pub(crate) comment: Option<&'t str>,
    /// 1-based line in a tag-value document.
    pub(crate) line: Option<u64>,
}

/// An annotation's type and comment: what the model keeps of it.
pub(crate) struct AnnotationText<'t> {
    /// `annotationType`.
    pub(crate) annotation_type: Option<&'t str>,
    /// `comment` (empty when missing).
    pub(crate) comment: &'t str,
}

impl<'t> From<&'t Annotation> for AnnotationText<'t> {
    fn from(annotation: &'t Annotation) -> AnnotationText<'t> {
        AnnotationText {
            annotation_type: annotation.annotation_type.as_deref(),
            comment: annotation.comment.as_deref().unwrap_or(""),
        }
    }
}

/// Converts a deserialized SPDX 2 document. Fails only when the input is not an SPDX 2
/// document at all (neither `spdxVersion` nor `SPDXID`).
pub(crate) fn convert(
    doc: Document,
    syntax: Syntax,
    diagnostics: Vec<Diagnostic>,
) -> Result<Parsed, ParseError> {
    let n_elements = doc.packages.len() + doc.files.len() + doc.snippets.len();
    Converter::new(syntax, diagnostics, n_elements).finish(doc)
}

/// Converts an SPDX 2 document piece by piece: packages, files and snippets as they come (the
/// JSON reader hands them over while it reads, so the document never exists twice), then the
/// rest of the document in [`Converter::finish`]. Elements must come in the order packages,
/// files, snippets; each kind is numbered from 0 in its own array.
pub(crate) struct Converter {
    syntax: Syntax,
    components: Vec<Component>,
    /// Diagnostics of parsing (tag-value), reported first.
    parse_diagnostics: Vec<Diagnostic>,
    /// Diagnostics of the elements, reported after the document's own.
    diagnostics: Vec<Diagnostic>,
    ids: IdRegistry,
    /// Index in `components` and `hasFiles` of each package that lists files.
    has_files: Vec<(usize, Vec<String>)>,
    n_packages: usize,
    n_files: usize,
    n_snippets: usize,
}

impl Converter {
    /// A converter for about `n_elements` elements, after the diagnostics of parsing.
    pub(crate) fn new(
        syntax: Syntax,
        diagnostics: Vec<Diagnostic>,
        n_elements: usize,
    ) -> Converter {
        Converter {
            syntax,
            components: Vec::with_capacity(n_elements),
            parse_diagnostics: diagnostics,
            diagnostics: Vec::new(),
            ids: IdRegistry::with_capacity(n_elements),
            has_files: Vec::new(),
            n_packages: 0,
            n_files: 0,
            n_snippets: 0,
        }
    }

    /// Makes room for about `n` elements, when memory allows.
    pub(crate) fn try_reserve(&mut self, n: usize) {
        if self.components.try_reserve_exact(n).is_ok() {
            self.ids.names.reserve(n);
        }
    }

    /// Sets the diagnostics of parsing, which are reported first (tag-value parses while it
    /// converts, so they are known only at the end).
    pub(crate) fn set_parse_diagnostics(&mut self, diagnostics: Vec<Diagnostic>) {
        self.parse_diagnostics = diagnostics;
    }

    /// Records that the file `file_id` belongs to the package converted as component
    /// `package_idx` (tag-value: files follow their package), as a `hasFiles` entry would.
    /// Calls must come in package order.
    pub(crate) fn add_package_file(&mut self, package_idx: usize, file_id: String) {
        match self.has_files.last_mut() {
            Some((idx, files)) if *idx == package_idx => files.push(file_id),
            _ => self.has_files.push((package_idx, vec![file_id])),
        }
    }

    /// Adds annotations to the converted element at `idx`, as if they had been part of it:
    /// properties, support data and, for packages, medsbom's own annotations.
    pub(crate) fn annotate<'t>(
        &mut self,
        idx: usize,
        annotations: impl ExactSizeIterator<Item = AnnotationText<'t>>,
    ) {
        let is_package = idx < self.n_packages;
        let Some(component) = self.components.get_mut(idx) else {
            return;
        };
        if is_package {
            annotate_package(component, annotations);
        } else {
            annotate_element(component, annotations);
        }
    }

    /// Converts the next package.
    pub(crate) fn package(&mut self, package: Package) {
        let idx = self.n_packages;
        self.n_packages += 1;
        let location = element_location(self.syntax, "packages", idx, package.line);
        let (mut component, has_files) =
            package_component(package, &location, &mut self.diagnostics);
        component.bom_ref = self.ids.register(
            component.bom_ref,
            "package",
            idx,
            &location,
            &mut self.diagnostics,
        );
        if !has_files.is_empty() {
            self.has_files.push((self.components.len(), has_files));
        }
        self.components.push(component);
    }

    /// Converts the next file.
    pub(crate) fn file(&mut self, file: File) {
        let idx = self.n_files;
        self.n_files += 1;
        let location = element_location(self.syntax, "files", idx, file.line);
        let mut component = file_component(file);
        component.bom_ref = self.ids.register(
            component.bom_ref,
            "file",
            idx,
            &location,
            &mut self.diagnostics,
        );
        self.components.push(component);
    }

    /// Converts the next snippet.
    pub(crate) fn snippet(&mut self, snippet: Snippet) {
        let idx = self.n_snippets;
        self.n_snippets += 1;
        let location = element_location(self.syntax, "snippets", idx, snippet.line);
        let mut component = snippet_component(snippet);
        component.bom_ref = self.ids.register(
            component.bom_ref,
            "snippet",
            idx,
            &location,
            &mut self.diagnostics,
        );
        self.components.push(component);
    }

    /// Converts the rest of the document: its own fields, the packages, files and snippets
    /// still in it (after those already converted) and the relationships.
    pub(crate) fn finish(self, mut doc: Document) -> Result<Parsed, ParseError> {
        let relationships = std::mem::take(&mut doc.relationships);
        let n_relationships = relationships.len();
        self.finish_with(doc, n_relationships, |visit| {
            // Each relationship of the document is dropped once converted.
            for relationship in relationships {
                visit(RelationshipText {
                    from: &relationship.spdx_element_id,
                    kind: &relationship.relationship_type,
                    to: &relationship.related_spdx_element,
                    comment: relationship.comment.as_deref(),
                    line: relationship.line,
                });
            }
        })
    }

    /// [`Converter::finish`] with the `n_relationships` relationships handed over by
    /// `relationships`, which calls its argument once per relationship in document order
    /// (`doc.relationships` is not read).
    pub(crate) fn finish_with(
        mut self,
        doc: Document,
        n_relationships: usize,
        relationships: impl FnOnce(&mut dyn FnMut(RelationshipText<'_>)),
    ) -> Result<Parsed, ParseError> {
        let syntax = self.syntax;
        let mut diagnostics = std::mem::take(&mut self.parse_diagnostics);
        if doc.spdx_version.is_none() && doc.spdx_id.is_none() {
            return Err(ParseError::new(
                Location::Document,
                "not an spdx 2 document: spdxVersion and SPDXID are both missing",
            ));
        }
        let doc_location = |pointer: &str| match syntax {
            Syntax::Json => Location::Pointer(pointer.to_owned()),
            Syntax::TagValue => Location::Document,
        };
        let spec_version = doc.spdx_version.as_deref().unwrap_or("").trim().to_owned();
        let mut sbom = Sbom::new(SbomFormat::Spdx, &spec_version);
        match doc.spdx_version.as_deref() {
            None => diagnostics.push(Diagnostic::error(
                doc_location("/spdxVersion"),
                "spdxVersion is missing",
            )),
            Some(version) if !version.trim().starts_with("SPDX-2.") => {
                diagnostics.push(Diagnostic::warning(
                    doc_location("/spdxVersion"),
                    format!("unexpected spdxVersion {:?}; read as spdx 2", clip(version)),
                ));
            }
            Some(_) => {}
        }
        if let Some(spdx_id) = doc.spdx_id.as_deref()
            && spdx_id != DOCUMENT_REF
        {
            diagnostics.push(Diagnostic::warning(
                doc_location("/SPDXID"),
                format!(
                    "document SPDXID is {:?}, expected SPDXRef-DOCUMENT",
                    clip(spdx_id)
                ),
            ));
        }
        sbom.serial_number = doc.document_namespace;
        sbom.name = doc.name;
        sbom.data_license = doc.data_license;
        match doc.creation_info {
            Some(info) => {
                sbom.timestamp = info.created;
                for (idx, creator) in info.creators.iter().enumerate() {
                    if !agent::is_well_formed_agent(creator) {
                        diagnostics.push(Diagnostic::warning(
                            doc_location(&format!("/creationInfo/creators/{idx}")),
                            format!(
                                "creator {:?} has no Person:, Organization: or Tool: prefix",
                                clip(creator)
                            ),
                        ));
                    }
                    match agent::parse_creator(creator) {
                        Creator::Tool(tool) => sbom.tools.push(tool),
                        Creator::Party(party) => sbom.authors.push(party),
                    }
                }
            }
            None => diagnostics.push(Diagnostic::error(
                doc_location("/creationInfo"),
                "creationInfo is missing",
            )),
        }
        for annotation in &doc.annotations {
            let comment = annotation.comment.as_deref().unwrap_or("");
            sbom.properties.push(convention::annotation_property(
                annotation.annotation_type.as_deref(),
                comment,
            ));
        }

        let n_buffered = doc.packages.len() + doc.files.len() + doc.snippets.len();
        self.components.reserve_exact(n_buffered);
        self.ids.names.reserve(n_buffered);
        for package in doc.packages {
            self.package(package);
        }
        for file in doc.files {
            self.file(file);
        }
        for snippet in doc.snippets {
            self.snippet(snippet);
        }
        // The parsing diagnostics and the document's own come before the elements'.
        diagnostics.append(&mut self.diagnostics);
        let ids = self.ids;
        sbom.components = self.components;
        let mut set = RelationshipSet::default();
        let n_has_files: usize = self.has_files.iter().map(|(_, files)| files.len()).sum();
        set.reserve(doc.document_describes.len() + n_has_files + n_relationships);
        for described in &doc.document_describes {
            set.push(DOCUMENT_REF, "DESCRIBES", described);
        }
        for (idx, has_files) in &self.has_files {
            if let Some(component) = sbom.components.get(*idx) {
                for file in has_files {
                    set.push(&component.bom_ref, "CONTAINS", file);
                }
            }
        }

        let mut idx = 0;
        relationships(&mut |relationship| {
            let location = element_location(syntax, "relationships", idx, relationship.line);
            idx += 1;
            let from = relationship.from.trim();
            let to = relationship.to.trim();
            let kind = relationship.kind.trim();
            if from.is_empty() || to.is_empty() || kind.is_empty() {
                diagnostics.push(Diagnostic::error(
                    location,
                    "relationship lacks spdxElementId, relationshipType or relatedSpdxElement",
                ));
                return;
            }
            for endpoint in [from, to] {
                if !ids.contains(endpoint) && !is_outside_reference(endpoint) {
                    diagnostics.push(Diagnostic::warning(
                        location.clone(),
                        format!(
                            "relationship {kind} refers to {:?}, which is not an element of the document",
                            clip(endpoint)
                        ),
                    ));
                }
            }
            // medsbom writes a type SPDX 2.3 lacks (CycloneDX `provides`, SPDX 3 `trainedOn`) as
            // OTHER with the type in the comment; read it back as that type.
            match relationship.comment.map(str::trim) {
                Some(comment) if kind == "OTHER" && is_type_name(comment) => {
                    set.push_custom(from, kind, comment, to);
                }
                _ => set.push(from, kind, to),
            }
        });
        for described in &doc.document_describes {
            if !ids.contains(described) && !is_outside_reference(described) {
                diagnostics.push(Diagnostic::warning(
                    doc_location("/documentDescribes"),
                    format!(
                        "documentDescribes names {:?}, which is not an element of the document",
                        clip(described)
                    ),
                ));
            }
        }

        sbom.relationships = set.items;
        let mut seen_roots = HashSet::new();
        for relationship in &sbom.relationships {
            if relationship.kind == RelationshipKind::Describes
                && relationship.from == DOCUMENT_REF
                && seen_roots.insert(relationship.to.clone())
            {
                sbom.roots.push(relationship.to.clone());
            }
        }
        Ok(Parsed { sbom, diagnostics })
    }
}

/// A pointer for JSON/YAML elements, the line for tag-value ones.
fn element_location(syntax: Syntax, collection: &str, idx: usize, line: Option<u64>) -> Location {
    match (syntax, line) {
        (Syntax::TagValue, Some(line)) => Location::Line(line),
        (Syntax::TagValue, None) => Location::Document,
        (Syntax::Json, _) => Location::Pointer(format!("/{collection}/{idx}")),
    }
}

/// `NONE`, `NOASSERTION`, the document itself and `DocumentRef-…:` references to other
/// documents are legitimate relationship ends that are not components.
pub(crate) fn is_outside_reference(endpoint: &str) -> bool {
    endpoint == DOCUMENT_REF
        || is_none_or_noassertion(endpoint)
        || (endpoint.starts_with("DocumentRef-") && endpoint.contains(':'))
}

pub(crate) fn is_none_or_noassertion(text: &str) -> bool {
    let text = text.trim();
    text.eq_ignore_ascii_case("NONE") || text.eq_ignore_ascii_case("NOASSERTION")
}

/// Shortens text quoted in a message so that a hostile value cannot blow up the output.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 80;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text.get(..end).unwrap_or_default())
}

/// Unique `bom_ref`s: a missing SPDXID gets a generated one, a duplicate gets a suffix; both
/// are reported.
struct IdRegistry {
    names: UniqueNames,
}

impl IdRegistry {
    fn with_capacity(n: usize) -> IdRegistry {
        IdRegistry {
            names: UniqueNames::with_capacity(n),
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.names.contains(id)
    }

    fn register(
        &mut self,
        id: String,
        what: &str,
        idx: usize,
        location: &Location,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> String {
        let id = if id.trim().is_empty() {
            let generated = format!("SPDXRef-medsbom-{what}-{idx}");
            diagnostics.push(Diagnostic::error(
                location.clone(),
                format!("{what} has no SPDXID; using {generated}"),
            ));
            generated
        } else {
            id
        };
        if self.names.take(&id) {
            return id;
        }
        let renamed = self.names.claim(&id, "-duplicate-");
        diagnostics.push(Diagnostic::warning(
            location.clone(),
            format!(
                "duplicate SPDXID {:?}; this {what} is kept as {:?}",
                clip(&id),
                clip(&renamed)
            ),
        ));
        renamed
    }
}

/// Relationships in document order without duplicates (the same edge written as
/// `documentDescribes` and `DESCRIBES`, or as `hasFiles` and `CONTAINS`, counts once).
///
/// Edges are remembered by a keyed hash of (from, to, kind) pointing at the first edge with
/// that hash, so no key is copied; a hash shared by different edges (practically never, and
/// not provocable with the randomly keyed hasher) falls back to comparing with the edges in
/// `collided`.
#[derive(Default)]
struct RelationshipSet {
    items: Vec<Relationship>,
    hasher: std::hash::RandomState,
    seen: HashMap<u64, usize>,
    collided: Vec<usize>,
}

impl RelationshipSet {
    fn reserve(&mut self, n: usize) {
        self.items.reserve_exact(n);
        self.seen.reserve(n);
    }

    fn push(&mut self, from: &str, spdx_type: &str, to: &str) {
        self.insert(normalize_relationship(from, spdx_type, to));
    }

    /// An `OTHER` relationship whose comment names the type (`provides`, `trainedOn`).
    fn push_custom(&mut self, from: &str, spdx_type: &str, type_name: &str, to: &str) {
        let kind = if type_name.eq_ignore_ascii_case("provides") {
            RelationshipKind::Provides
        } else {
            RelationshipKind::Other(type_name.to_owned())
        };
        self.insert(Relationship {
            from: from.to_owned(),
            to: to.to_owned(),
            kind,
            original: Some(spdx_type.to_owned()),
        });
    }

    fn insert(&mut self, relationship: Relationship) {
        let same = |other: &Relationship| {
            other.from == relationship.from
                && other.to == relationship.to
                && other.kind == relationship.kind
        };
        let hash = self
            .hasher
            .hash_one((&relationship.from, &relationship.to, &relationship.kind));
        let idx = self.items.len();
        match self.seen.get(&hash) {
            None => {
                self.seen.insert(hash, idx);
            }
            Some(&first) => {
                let items = &self.items;
                let duplicate = items.get(first).is_some_and(same)
                    || self
                        .collided
                        .iter()
                        .any(|c| items.get(*c).is_some_and(same));
                if duplicate {
                    return;
                }
                self.collided.push(idx);
            }
        }
        self.items.push(relationship);
    }
}

/// A relationship type name: one word of letters, digits, `_` and `-`.
fn is_type_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// How an SPDX 2 relationship type maps to the model: the kind, and whether `from` and `to`
/// swap so that `from` depends on / contains / describes `to`.
pub(crate) fn classify_relationship(spdx_type: &str) -> (RelationshipKind, bool) {
    match spdx_type {
        "DESCRIBES" => (RelationshipKind::Describes, false),
        "DESCRIBED_BY" => (RelationshipKind::Describes, true),
        "CONTAINS" => (RelationshipKind::Contains, false),
        "CONTAINED_BY" => (RelationshipKind::Contains, true),
        "DEPENDS_ON" | "STATIC_LINK" | "DYNAMIC_LINK" | "HAS_PREREQUISITE" => {
            (RelationshipKind::DependsOn, false)
        }
        "DEPENDENCY_OF" | "PREREQUISITE_FOR" => (RelationshipKind::DependsOn, true),
        other if other.ends_with("_DEPENDENCY_OF") => (RelationshipKind::DependsOn, true),
        other => (RelationshipKind::Other(other.to_owned()), false),
    }
}

/// One SPDX relationship in model orientation; `original` keeps the type as written. An end
/// that is `NONE` or `NOASSERTION` keeps the direction and becomes [`RelationshipKind::Other`].
fn normalize_relationship(from: &str, spdx_type: &str, to: &str) -> Relationship {
    let spdx_type = spdx_type.trim();
    let upper: std::borrow::Cow<'_, str> = if spdx_type.bytes().any(|b| b.is_ascii_lowercase()) {
        std::borrow::Cow::Owned(spdx_type.to_ascii_uppercase())
    } else {
        std::borrow::Cow::Borrowed(spdx_type)
    };
    let (kind, flip) = if is_none_or_noassertion(from) || is_none_or_noassertion(to) {
        (RelationshipKind::Other(upper.clone().into_owned()), false)
    } else {
        classify_relationship(&upper)
    };
    let (from, to) = if flip { (to, from) } else { (from, to) };
    Relationship {
        from: from.to_owned(),
        to: to.to_owned(),
        kind,
        original: Some(spdx_type.to_owned()),
    }
}

/// The component for a package, and the SPDXIDs of its `hasFiles`.
fn package_component(
    mut package: Package,
    location: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Component, Vec<String>) {
    let annotations = std::mem::take(&mut package.annotations);
    let (mut component, has_files) = package_fields(package, location, diagnostics);
    annotate_package(&mut component, annotations.iter().map(AnnotationText::from));
    (component, has_files)
}

/// A package's component from everything but its annotations ([`annotate_package`] adds
/// those), and the SPDXIDs of its `hasFiles`.
fn package_fields(
    package: Package,
    location: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Component, Vec<String>) {
    debug_assert!(
        package.annotations.is_empty(),
        "annotations are added apart"
    );
    let mut component = Component {
        bom_ref: package.spdx_id.unwrap_or_default(),
        name: package.name.unwrap_or_default(),
        version: package.version_info,
        ..Component::default()
    };
    // The less common fields are gathered here and allocated only when one is set.
    let mut extra = ComponentExtraFields {
        description: package.description.or(package.summary),
        license_concluded: package.license_concluded,
        copyright: package.copyright_text,
        ..ComponentExtraFields::default()
    };
    if let Some(purpose) = package.primary_package_purpose.as_deref() {
        component.kind = package_kind(purpose);
    }
    if let Some(supplier) = package.supplier.as_deref() {
        component.supplier = Some(party_or_warn(supplier, "supplier", location, diagnostics));
    }
    if let Some(originator) = package.originator.as_deref() {
        extra.authors.push(party_or_warn(
            originator,
            "originator",
            location,
            diagnostics,
        ));
    }
    component.hashes = hashes(&package.checksums);
    if let Some(declared) = package.license_declared {
        component.licenses = vec![License::Expression(declared)];
    }
    let n_cpes = package
        .external_refs
        .iter()
        .filter(|r| is_cpe_type(r.reference_type.trim()))
        .count();
    component.cpes.reserve_exact(n_cpes);
    for external_ref in package.external_refs {
        add_external_ref(&mut component, &mut extra, external_ref);
    }
    if let Some(url) = package.download_location.filter(|u| is_asserted_url(u)) {
        extra.external_refs.push(ExternalRef {
            kind: "distribution".to_owned(),
            url,
            comment: None,
        });
    }
    if let Some(url) = package.homepage.filter(|u| is_asserted_url(u)) {
        extra.external_refs.push(ExternalRef {
            kind: "website".to_owned(),
            url,
            comment: None,
        });
    }
    component.extra = extra.into();
    if let Some(text) = package.valid_until_date.as_deref() {
        component.support.end_of_support = Some(Milestone::new("endOfSupport", text));
    }
    if let Some(text) = package.release_date.as_deref() {
        component
            .support
            .milestones
            .push(Milestone::new("releaseDate", text));
    }
    if let Some(text) = package.built_date.as_deref() {
        component
            .support
            .milestones
            .push(Milestone::new("builtDate", text));
    }
    (component, package.has_files)
}

/// Adds a package's annotations to its component: properties, support data, and medsbom's own
/// annotations for what SPDX 2.3 has no field for.
fn annotate_package<'t>(
    component: &mut Component,
    annotations: impl ExactSizeIterator<Item = AnnotationText<'t>>,
) {
    read_annotations(
        annotations,
        &mut component.properties,
        &mut component.support,
    );
    for property in &component.properties {
        let is_other = matches!(&component.kind, ComponentType::Other(other) if other.eq_ignore_ascii_case("OTHER"));
        if property.name == convention::COMPONENT_TYPE_KEY && is_other {
            component.kind = ComponentType::parse(&property.value);
        } else if property.name == convention::ORIGINATOR_KEY {
            component
                .extra
                .authors
                .push(agent::parse_party(&property.value));
        }
    }
}

/// A file's component from everything but its annotations ([`annotate_element`] adds those).
fn file_fields(file: File) -> Component {
    debug_assert!(file.annotations.is_empty(), "annotations are added apart");
    Component {
        bom_ref: file.spdx_id.unwrap_or_default(),
        kind: ComponentType::File,
        name: file.file_name.unwrap_or_default(),
        hashes: hashes(&file.checksums),
        extra: ComponentExtraFields {
            description: file.comment,
            license_concluded: file.license_concluded,
            copyright: file.copyright_text,
            ..ComponentExtraFields::default()
        }
        .into(),
        ..Component::default()
    }
}

fn file_component(mut file: File) -> Component {
    let annotations = std::mem::take(&mut file.annotations);
    let mut component = file_fields(file);
    annotate_element(&mut component, annotations.iter().map(AnnotationText::from));
    component
}

/// A snippet's component from everything but its annotations ([`annotate_element`] adds
/// those).
fn snippet_fields(snippet: Snippet) -> Component {
    debug_assert!(
        snippet.annotations.is_empty(),
        "annotations are added apart"
    );
    Component {
        bom_ref: snippet.spdx_id.unwrap_or_default(),
        kind: ComponentType::File,
        name: snippet.name.unwrap_or_default(),
        extra: ComponentExtraFields {
            license_concluded: snippet.license_concluded,
            copyright: snippet.copyright_text,
            ..ComponentExtraFields::default()
        }
        .into(),
        ..Component::default()
    }
}

fn snippet_component(mut snippet: Snippet) -> Component {
    let annotations = std::mem::take(&mut snippet.annotations);
    let mut component = snippet_fields(snippet);
    annotate_element(&mut component, annotations.iter().map(AnnotationText::from));
    component
}

/// Adds a file's or snippet's annotations to its component: properties and support data.
fn annotate_element<'t>(
    component: &mut Component,
    annotations: impl ExactSizeIterator<Item = AnnotationText<'t>>,
) {
    read_annotations(
        annotations,
        &mut component.properties,
        &mut component.support,
    );
}

/// Annotations → properties (verbatim) and support data (structured comments).
fn read_annotations<'t>(
    annotations: impl ExactSizeIterator<Item = AnnotationText<'t>>,
    properties: &mut Vec<Property>,
    support: &mut Support,
) {
    if annotations.len() == 0 {
        return;
    }
    // Exact size: a vector grown from empty by one push reserves room for four.
    properties.reserve_exact(annotations.len());
    let mut lines = Vec::new();
    for annotation in annotations {
        properties.push(convention::annotation_property(
            annotation.annotation_type,
            annotation.comment,
        ));
        convention::structured_lines(annotation.comment, &mut lines);
    }
    convention::apply_support(&lines, support);
}

/// `primaryPackagePurpose` → component type; `OTHER` and unknown values are kept as written.
fn package_kind(purpose: &str) -> ComponentType {
    let purpose = purpose.trim();
    // The SPDX spellings directly; anything else through the model's lenient parser.
    match purpose {
        "LIBRARY" => ComponentType::Library,
        "APPLICATION" => ComponentType::Application,
        "FILE" => ComponentType::File,
        "SOURCE" => ComponentType::Source,
        "CONTAINER" => ComponentType::Container,
        "OPERATING_SYSTEM" => ComponentType::OperatingSystem,
        _ if purpose.eq_ignore_ascii_case("OTHER") => ComponentType::Other(purpose.to_owned()),
        _ => ComponentType::parse(purpose),
    }
}

fn party_or_warn(
    text: &str,
    field: &str,
    location: &Location,
    diagnostics: &mut Vec<Diagnostic>,
) -> Party {
    let party = agent::parse_party(text);
    if party.kind == PartyKind::Unspecified && party.is_asserted() {
        diagnostics.push(Diagnostic::warning(
            location.clone(),
            format!(
                "{field} {:?} has no Person: or Organization: prefix",
                clip(text)
            ),
        ));
    }
    party
}

fn hashes(checksums: &[Checksum]) -> Vec<Hash> {
    checksums
        .iter()
        .map(|checksum| {
            let algorithm = checksum.algorithm.trim();
            // `checksumAlgorithm_sha1` is the pre-2.2 spelling.
            let algorithm = algorithm
                .strip_prefix("checksumAlgorithm_")
                .unwrap_or(algorithm);
            let algorithm = match algorithm {
                "SHA1" => "SHA-1".to_owned(),
                "SHA256" => "SHA-256".to_owned(),
                "SHA512" => "SHA-512".to_owned(),
                "MD5" => "MD5".to_owned(),
                other => normalize_hash_algorithm(other),
            };
            Hash {
                algorithm,
                value: checksum.checksum_value.trim().to_owned(),
            }
        })
        .collect()
}

fn is_asserted_url(text: &str) -> bool {
    !text.trim().is_empty() && !is_none_or_noassertion(text)
}

/// Whether an external reference type is a CPE (`cpe22Type`, `cpe23Type`).
fn is_cpe_type(reference_type: &str) -> bool {
    reference_type.eq_ignore_ascii_case("cpe22Type")
        || reference_type.eq_ignore_ascii_case("cpe23Type")
}

/// External references by type: purl, CPE and SWID to their fields, persistent ids and
/// package-manager coordinates to other identifiers, the rest to external references.
fn add_external_ref(
    component: &mut Component,
    extra: &mut ComponentExtraFields,
    external_ref: crate::spdx2::ExternalRef,
) {
    let reference_type = external_ref.reference_type.trim();
    let locator = external_ref.reference_locator.trim().to_owned();
    let category = external_ref.reference_category.trim();
    let is = |name: &str| reference_type.eq_ignore_ascii_case(name);
    let is_category = |name: &str| {
        category.len() == name.len()
            && category
                .bytes()
                .zip(name.bytes())
                .all(|(a, b)| a.to_ascii_uppercase() == b || (a == b'_' && b == b'-'))
    };
    match () {
        () if is("purl") && component.purl.is_none() => component.purl = Some(locator),
        () if is_cpe_type(reference_type) => component.cpes.push(locator),
        () if is("swid") && extra.swid.is_none() => {
            extra.swid = Some(SwidRef {
                tag_id: locator,
                ..SwidRef::default()
            });
        }
        () if is_category("PERSISTENT-ID")
            || is_category("PACKAGE-MANAGER")
            || ["purl", "swid", "swh", "gitoid"].iter().any(|t| is(t)) =>
        {
            extra.other_identifiers.push(Identifier {
                kind: reference_type.to_owned(),
                value: locator,
            });
        }
        _ => extra.external_refs.push(ExternalRef {
            kind: reference_type.to_owned(),
            url: locator,
            comment: external_ref.comment,
        }),
    }
}
