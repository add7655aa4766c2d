//! Normalized model → SPDX 2.3, as JSON or tag-value.
//!
//! Both writers first build the serde document of [`crate::spdx2`] ([`to_spdx2`]), so they
//! carry the same data; tag-value is then printed by hand. Whatever SPDX 2.3 cannot hold is
//! reported in [`Written::warnings`], one line per kind of datum (the first few components
//! named, then a count).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use medsbom_model::{
    Component, ComponentType, DOCUMENT_REF, IsoDate, License, Milestone, Relationship,
    RelationshipKind, Sbom, Support, Written,
};

use crate::agent;
use crate::convention::{
    self, ANNOTATION_PROPERTY_PREFIX, COMPONENT_TYPE_KEY, END_OF_SUPPORT_KEY, ORIGINATOR_KEY,
};
use crate::read2::{classify_relationship, is_none_or_noassertion};
use crate::spdx2::{
    Annotation, Checksum, CreationInfo, Document, ExternalRef, ExtractedLicensingInfo, File,
    Package, Relationship as SpdxRelationship,
};
use crate::unique::UniqueNames;

/// The host of the namespaces medsbom invents (`.invalid` is reserved and never resolves).
pub(crate) const NAMESPACE_BASE: &str = "https://medsbom.invalid/spdx/";

/// How many components a warning names before it only counts.
const NAMED_PER_WARNING: usize = 3;

/// The SPDX 2.3 relationship types (schema enumeration).
const RELATIONSHIP_TYPES: &[&str] = &[
    "AMENDS",
    "ANCESTOR_OF",
    "BUILD_DEPENDENCY_OF",
    "BUILD_TOOL_OF",
    "CONTAINED_BY",
    "CONTAINS",
    "COPY_OF",
    "DATA_FILE_OF",
    "DEPENDENCY_MANIFEST_OF",
    "DEPENDENCY_OF",
    "DEPENDS_ON",
    "DESCENDANT_OF",
    "DESCRIBED_BY",
    "DESCRIBES",
    "DEV_DEPENDENCY_OF",
    "DEV_TOOL_OF",
    "DISTRIBUTION_ARTIFACT",
    "DOCUMENTATION_OF",
    "DYNAMIC_LINK",
    "EXAMPLE_OF",
    "EXPANDED_FROM_ARCHIVE",
    "FILE_ADDED",
    "FILE_DELETED",
    "FILE_MODIFIED",
    "GENERATED_FROM",
    "GENERATES",
    "HAS_PREREQUISITE",
    "METAFILE_OF",
    "OPTIONAL_COMPONENT_OF",
    "OPTIONAL_DEPENDENCY_OF",
    "OTHER",
    "PACKAGE_OF",
    "PATCH_APPLIED",
    "PATCH_FOR",
    "PREREQUISITE_FOR",
    "PROVIDED_DEPENDENCY_OF",
    "REQUIREMENT_DESCRIPTION_FOR",
    "RUNTIME_DEPENDENCY_OF",
    "SPECIFICATION_FOR",
    "STATIC_LINK",
    "TEST_CASE_OF",
    "TEST_DEPENDENCY_OF",
    "TEST_OF",
    "TEST_TOOL_OF",
    "VARIANT_OF",
];

pub(crate) fn write_json(sbom: &Sbom) -> Written {
    let (doc, warnings) = to_spdx2(sbom);
    let bytes = match serde_json::to_vec_pretty(&doc) {
        Ok(bytes) => bytes,
        Err(err) => {
            // Serializing plain structs of strings cannot fail; keep the reason if it does.
            debug_assert!(false, "spdx json serialization failed: {err}");
            return Written {
                bytes: Vec::new(),
                warnings: vec![format!("spdx json serialization failed: {err}")],
            };
        }
    };
    Written { bytes, warnings }
}

pub(crate) fn write_tag_value(sbom: &Sbom) -> Written {
    let (doc, mut warnings) = to_spdx2(sbom);
    let mut out = TagValueWriter {
        res: String::with_capacity(256 + sbom.components.len() * 512),
        n_text_escapes: 0,
    };
    out.document(&doc);
    if out.n_text_escapes > 0 {
        warnings.push(format!(
            "{} values contained </text>, written as </ text> (tag-value cannot hold it)",
            out.n_text_escapes
        ));
    }
    Written {
        bytes: out.res.into_bytes(),
        warnings,
    }
}

/// Collects "cannot hold" findings per kind of datum.
#[derive(Default)]
struct Warnings {
    by_kind: BTreeMap<&'static str, (Vec<String>, usize)>,
    lines: Vec<String>,
}

impl Warnings {
    /// One more component with a datum SPDX 2.3 cannot hold.
    fn component(&mut self, what: &'static str, bom_ref: &str) {
        let (named, n) = self.by_kind.entry(what).or_default();
        if named.len() < NAMED_PER_WARNING {
            named.push(bom_ref.to_owned());
        }
        *n += 1;
    }

    fn line(&mut self, line: String) {
        self.lines.push(line);
    }

    fn finish(mut self) -> Vec<String> {
        for (what, (named, n)) in self.by_kind {
            let names = named
                .iter()
                .map(|r| format!("{r:?}"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = if n > named.len() {
                format!(" and {} more", n - named.len())
            } else {
                String::new()
            };
            self.lines.push(format!(
                "component {names}{more}: {what} not representable in spdx 2.3"
            ));
        }
        self.lines
    }
}

/// Builds the SPDX 2.3 document for `sbom`, with the warnings for what it cannot hold.
pub(crate) fn to_spdx2(sbom: &Sbom) -> (Document, Vec<String>) {
    let mut warnings = Warnings::default();
    let ids = SpdxIds::new(&sbom.components);
    let created = match sbom.timestamp.as_deref().and_then(spdx_datetime) {
        Some(created) => created,
        None => {
            match sbom.timestamp.as_deref() {
                Some(text) => warnings.line(format!(
                    "timestamp {text:?} is not an iso 8601 date-time; wrote the current time"
                )),
                None => warnings.line("no timestamp; wrote the current time".to_owned()),
            }
            medsbom_model::now_rfc3339()
        }
    };

    let mut creators: Vec<String> = sbom.authors.iter().map(agent::format_party).collect();
    creators.retain(|c| c != "NOASSERTION");
    creators.extend(sbom.tools.iter().map(agent::format_tool));
    let own_tool = format!("Tool: medsbom-{}", env!("CARGO_PKG_VERSION"));
    if !creators.contains(&own_tool) {
        creators.push(own_tool.clone());
    }

    let mut doc = Document {
        spdx_id: Some(DOCUMENT_REF.to_owned()),
        spdx_version: Some("SPDX-2.3".to_owned()),
        creation_info: Some(CreationInfo {
            comment: None,
            created: Some(created.clone()),
            creators,
            license_list_version: None,
        }),
        name: Some(document_name(sbom)),
        data_license: Some("CC0-1.0".to_owned()),
        document_namespace: Some(document_namespace(sbom, &mut warnings)),
        ..Document::default()
    };
    if let Some(data_license) = sbom.data_license.as_deref()
        && data_license.trim() != "CC0-1.0"
    {
        warnings.line(format!(
            "data licence {data_license:?} replaced by CC0-1.0, the only one spdx 2.3 allows"
        ));
    }
    let annotation = |comment: String, annotation_type: &str| Annotation {
        annotation_date: Some(created.clone()),
        annotation_type: Some(annotation_type.to_owned()),
        annotator: Some(own_tool.clone()),
        comment: Some(comment),
    };
    for property in &sbom.properties {
        let (annotation_type, comment) = property_comment(&property.name, &property.value);
        doc.annotations.push(annotation(comment, annotation_type));
    }
    document_warnings(sbom, &mut warnings);

    let mut licenses = LicenseRefs::default();
    for (idx, component) in sbom.components.iter().enumerate() {
        let spdx_id = ids.component(idx).to_owned();
        let mut annotations: Vec<Annotation> = Vec::new();
        let (support_comments, valid_until, release, built) = support_fields(&component.support);
        for comment in support_comments {
            annotations.push(annotation(comment, "OTHER"));
        }
        let support_is_set =
            !component.support.is_empty() || !component.support.milestones.is_empty();
        for property in &component.properties {
            let regenerated =
                property.name == COMPONENT_TYPE_KEY || property.name == ORIGINATOR_KEY;
            if regenerated || (support_is_set && is_support_property(&property.name)) {
                // Written from the typed support fields instead.
                continue;
            }
            let (annotation_type, comment) = property_comment(&property.name, &property.value);
            annotations.push(annotation(comment, annotation_type));
        }
        component_warnings(component, &mut warnings);
        let checksums = checksums(component, &mut warnings);
        if component.kind == ComponentType::File && fits_spdx_file(component, &checksums) {
            doc.files.push(File {
                spdx_id: Some(spdx_id),
                annotations,
                checksums,
                comment: component.extra.description.clone(),
                copyright_text: component.extra.copyright.clone(),
                file_name: Some(component.name.clone()),
                license_concluded: component.extra.license_concluded.clone(),
                line: None,
            });
            continue;
        }
        let (purpose, kind_comment) = package_purpose(&component.kind);
        annotations.extend(kind_comment.map(|comment| annotation(comment, "OTHER")));
        for author in component.extra.authors.iter().skip(1) {
            let comment = format!("{ORIGINATOR_KEY}={}", agent::format_party(author));
            annotations.push(annotation(comment, "OTHER"));
        }
        let mut package = Package {
            spdx_id: Some(spdx_id),
            annotations,
            checksums,
            name: Some(component.name.clone()),
            version_info: component.version.clone(),
            supplier: component.supplier.as_ref().map(agent::format_party),
            originator: component.extra.authors.first().map(agent::format_party),
            description: component.extra.description.clone(),
            copyright_text: component.extra.copyright.clone(),
            license_concluded: component.extra.license_concluded.clone(),
            license_declared: licenses.declared(&component.licenses),
            primary_package_purpose: Some(purpose.to_owned()),
            files_analyzed: Some(false),
            valid_until_date: valid_until,
            release_date: release,
            built_date: built,
            download_location: Some("NOASSERTION".to_owned()),
            ..Package::default()
        };
        package.external_refs = external_refs(component, &mut package, &mut warnings);
        doc.packages.push(package);
    }
    doc.has_extracted_licensing_infos = licenses.infos;

    // Relationships: roots first (documentDescribes + DESCRIBES), then the model's edges,
    // then nesting as CONTAINS, without duplicates.
    let mut written: HashSet<(String, String, String, Option<String>)> = HashSet::new();
    let mut push =
        |doc: &mut Document, from: String, kind: String, to: String, comment: Option<String>| {
            if written.insert((from.clone(), kind.clone(), to.clone(), comment.clone())) {
                doc.relationships.push(SpdxRelationship {
                    spdx_element_id: from,
                    relationship_type: kind,
                    related_spdx_element: to,
                    comment,
                    line: None,
                });
            }
        };
    let mut described: HashSet<String> = HashSet::with_capacity(sbom.roots.len());
    for root in &sbom.roots {
        let root_id = ids.reference(root).into_owned();
        if described.insert(root_id.clone()) {
            doc.document_describes.push(root_id.clone());
        }
        push(
            &mut doc,
            DOCUMENT_REF.to_owned(),
            "DESCRIBES".to_owned(),
            root_id,
            None,
        );
    }
    if sbom.roots.is_empty() {
        warnings.line(
            "no root component: the document has no DESCRIBES relationship, which spdx 2.3 requires"
                .to_owned(),
        );
    }
    for relationship in &sbom.relationships {
        let (from, kind, to, comment) = spdx_relationship(relationship, &ids, &mut warnings);
        push(&mut doc, from, kind, to, comment);
    }
    for (idx, component) in sbom.components.iter().enumerate() {
        if let Some(parent) = component.extra.parent.as_deref() {
            let from = ids.reference(parent).into_owned();
            let to = ids.component(idx).to_owned();
            push(&mut doc, from, "CONTAINS".to_owned(), to, None);
        }
    }
    (doc, warnings.finish())
}

/// An SPDX file needs a SHA-1 checksum and has no version, supplier, identifiers, declared
/// licence or support fields; a file component with any of those is written as a package of
/// purpose `FILE` so that nothing is lost.
fn fits_spdx_file(component: &Component, checksums: &[Checksum]) -> bool {
    checksums.iter().any(|c| c.algorithm == "SHA1")
        && component.version.is_none()
        && component.supplier.is_none()
        && component.extra.authors.is_empty()
        && component.purl.is_none()
        && component.cpes.is_empty()
        && component.extra.swid.is_none()
        && component.extra.other_identifiers.is_empty()
        && component.licenses.is_empty()
        && component.extra.external_refs.is_empty()
        && component.support.is_empty()
        && component.support.milestones.is_empty()
}

/// Document-level data SPDX 2.3 has no field for.
fn document_warnings(sbom: &Sbom, warnings: &mut Warnings) {
    if !sbom.compositions.is_empty() {
        warnings.line(format!(
            "{} compositions (completeness statements) not representable in spdx 2.3",
            sbom.compositions.len()
        ));
    }
    if !sbom.vulnerabilities.is_empty() {
        warnings.line(format!(
            "{} vulnerabilities not representable in spdx 2.3 (use a separate vex document)",
            sbom.vulnerabilities.len()
        ));
    }
    if let Some(supplier) = &sbom.supplier {
        warnings.line(format!(
            "document supplier {:?} not representable in spdx 2.3 (set it on the root package)",
            supplier.name
        ));
    }
    if let Some(manufacturer) = &sbom.manufacturer {
        warnings.line(format!(
            "document manufacturer {:?} not representable in spdx 2.3",
            manufacturer.name
        ));
    }
    if !sbom.lifecycles.is_empty() {
        warnings.line(format!(
            "lifecycles {:?} not representable in spdx 2.3",
            sbom.lifecycles
        ));
    }
    if let Some(version) = sbom.version.filter(|v| *v > 1) {
        warnings.line(format!(
            "bom version {version} not representable in spdx 2.3"
        ));
    }
    if !sbom.extensions.is_empty() {
        warnings.line(format!(
            "{} document extensions not representable in spdx 2.3",
            sbom.extensions.len()
        ));
    }
}

fn component_warnings(component: &Component, warnings: &mut Warnings) {
    let bom_ref = &component.bom_ref;
    if component.extra.group.is_some() {
        warnings.component("group", bom_ref);
    }
    if component.extra.scope.is_some() {
        warnings.component("scope", bom_ref);
    }
    if component.extra.publisher.is_some() {
        warnings.component("publisher", bom_ref);
    }
    if component.extra.manufacturer.is_some() {
        warnings.component("manufacturer", bom_ref);
    }
    if !component.extra.extensions.is_empty() {
        warnings.component("extensions", bom_ref);
    }
    if component.name.is_empty() {
        warnings.component("missing name (written empty)", bom_ref);
    }
}

/// The document name: the model's, else the first root's name and version.
fn document_name(sbom: &Sbom) -> String {
    if let Some(name) = sbom.name.as_deref().filter(|n| !n.trim().is_empty()) {
        return name.to_owned();
    }
    match sbom.root_components().next() {
        Some(root) => match root.version.as_deref() {
            Some(version) => format!("{}-{version}", root.name),
            None => root.name.clone(),
        },
        None => "medsbom-document".to_owned(),
    }
}

/// `documentNamespace`: an `http(s)` serial number as is; `urn:uuid:X` →
/// `https://medsbom.invalid/spdx/X`; another serial sanitized under the same base; no serial →
/// a digest of the document's names (stable across runs).
fn document_namespace(sbom: &Sbom, warnings: &mut Warnings) -> String {
    let serial = sbom.serial_number.as_deref().map(str::trim).unwrap_or("");
    if (serial.starts_with("https://") || serial.starts_with("http://"))
        && !serial.contains('#')
        && !serial.contains(char::is_whitespace)
    {
        return serial.to_owned();
    }
    if let Some(uuid) = serial.strip_prefix("urn:uuid:") {
        return format!("{NAMESPACE_BASE}{}", sanitize(uuid, '-'));
    }
    if !serial.is_empty() {
        return format!("{NAMESPACE_BASE}{}", sanitize(serial, '-'));
    }
    // FNV-1a over the names: the same model gives the same namespace.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |text: &str| {
        for byte in text.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(sbom.name.as_deref().unwrap_or(""));
    feed(sbom.timestamp.as_deref().unwrap_or(""));
    for component in &sbom.components {
        feed(&component.bom_ref);
        feed(&component.name);
        feed(component.version.as_deref().unwrap_or(""));
    }
    warnings.line(format!(
        "no serial number; documentNamespace generated as {NAMESPACE_BASE}{hash:016x}"
    ));
    format!("{NAMESPACE_BASE}{hash:016x}")
}

/// Replaces every character outside `[A-Za-z0-9.-]` by `replacement`, collapsing runs.
fn sanitize(text: &str, replacement: char) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        let keep = c.is_ascii_alphanumeric() || c == '.' || c == '-';
        if keep {
            res.push(c);
        } else if !res.ends_with(replacement) {
            res.push(replacement);
        }
    }
    res.trim_matches(replacement).to_owned()
}

/// True for `SPDXRef-[A-Za-z0-9.-]+`.
pub(crate) fn is_valid_spdx_id(text: &str) -> bool {
    match text.strip_prefix("SPDXRef-") {
        Some(rest) => {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        }
        None => false,
    }
}

/// The stable `bom_ref` → SPDXID mapping: valid SPDXIDs are kept; others become
/// `SPDXRef-<sanitized>`, with `-2`, `-3`, … on a clash. Computed in component order, valid ids
/// first, so the same model always gives the same ids.
struct SpdxIds {
    /// Per component index.
    by_index: Vec<String>,
    /// Per `bom_ref` (the first component with it).
    by_ref: HashMap<String, String>,
}

impl SpdxIds {
    fn new(components: &[Component]) -> SpdxIds {
        let mut used = UniqueNames::with_capacity(components.len() + 1);
        used.take(DOCUMENT_REF);
        let mut by_index: Vec<Option<String>> = vec![None; components.len()];
        for (idx, component) in components.iter().enumerate() {
            if is_valid_spdx_id(&component.bom_ref)
                && used.take(&component.bom_ref)
                && let Some(slot) = by_index.get_mut(idx)
            {
                *slot = Some(component.bom_ref.clone());
            }
        }
        for (idx, component) in components.iter().enumerate() {
            if by_index.get(idx).is_some_and(Option::is_some) {
                continue;
            }
            let base = sanitize(
                component
                    .bom_ref
                    .strip_prefix("SPDXRef-")
                    .unwrap_or(&component.bom_ref),
                '-',
            );
            let base = if base.is_empty() {
                format!("SPDXRef-component-{idx}")
            } else {
                format!("SPDXRef-{base}")
            };
            let id = used.claim(&base, "-");
            if let Some(slot) = by_index.get_mut(idx) {
                *slot = Some(id);
            }
        }
        let by_index: Vec<String> = by_index
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        let mut by_ref = HashMap::with_capacity(components.len());
        for (component, id) in components.iter().zip(&by_index) {
            by_ref
                .entry(component.bom_ref.clone())
                .or_insert_with(|| id.clone());
        }
        SpdxIds { by_index, by_ref }
    }

    fn component(&self, idx: usize) -> &str {
        self.by_index
            .get(idx)
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The SPDXID for a reference in a relationship: a component's id, the document, `NONE` /
    /// `NOASSERTION`, an external `DocumentRef-…:`, or the sanitized reference.
    fn reference<'a>(&'a self, reference: &'a str) -> std::borrow::Cow<'a, str> {
        if reference == DOCUMENT_REF {
            return std::borrow::Cow::Borrowed(reference);
        }
        if let Some(id) = self.by_ref.get(reference) {
            return std::borrow::Cow::Borrowed(id);
        }
        if is_none_or_noassertion(reference)
            || (reference.starts_with("DocumentRef-") && reference.contains(':'))
            || is_valid_spdx_id(reference)
        {
            return std::borrow::Cow::Borrowed(reference);
        }
        std::borrow::Cow::Owned(format!("SPDXRef-{}", sanitize(reference, '-')))
    }
}

/// One model relationship as SPDX: the type as originally written when it is an SPDX 2.3
/// type of the same kind (restoring its direction), else the kind's canonical type.
fn spdx_relationship(
    relationship: &Relationship,
    ids: &SpdxIds,
    warnings: &mut Warnings,
) -> (String, String, String, Option<String>) {
    let from = ids.reference(&relationship.from).into_owned();
    let to = ids.reference(&relationship.to).into_owned();
    if let Some(original) = relationship.original.as_deref() {
        let upper = original.trim().to_ascii_uppercase();
        if RELATIONSHIP_TYPES.contains(&upper.as_str()) {
            let (kind, flip) = classify_relationship(&upper);
            let same_kind = kind == relationship.kind
                || relationship.kind == RelationshipKind::Other(original.trim().to_owned())
                || relationship.kind == RelationshipKind::Other(upper.clone());
            if same_kind {
                let flip = flip && !matches!(relationship.kind, RelationshipKind::Other(_));
                return if flip {
                    (to, upper, from, None)
                } else {
                    (from, upper, to, None)
                };
            }
        }
    }
    match &relationship.kind {
        RelationshipKind::DependsOn => (from, "DEPENDS_ON".to_owned(), to, None),
        RelationshipKind::Contains => (from, "CONTAINS".to_owned(), to, None),
        RelationshipKind::Describes => (from, "DESCRIBES".to_owned(), to, None),
        RelationshipKind::Provides => {
            warnings.line(format!(
                "relationship {:?} provides {:?} written as OTHER (spdx 2.3 has no provides)",
                relationship.from, relationship.to
            ));
            (from, "OTHER".to_owned(), to, Some("provides".to_owned()))
        }
        RelationshipKind::Other(other) => {
            let upper = other.trim().to_ascii_uppercase();
            if RELATIONSHIP_TYPES.contains(&upper.as_str()) {
                (from, upper, to, None)
            } else {
                (from, "OTHER".to_owned(), to, Some(other.clone()))
            }
        }
    }
}

/// The annotation for a property: `spdx:annotation:<TYPE>` properties go back to their type
/// and text; any other property becomes an `OTHER` annotation `name=value`.
fn property_comment(name: &str, value: &str) -> (&'static str, String) {
    match name.strip_prefix(ANNOTATION_PROPERTY_PREFIX) {
        Some("REVIEW") => ("REVIEW", value.to_owned()),
        Some(_) => ("OTHER", value.to_owned()),
        None => ("OTHER", format!("{name}={value}")),
    }
}

/// Properties that carry support data (the model's conventions and ours).
fn is_support_property(name: &str) -> bool {
    let squashed = |text: &str| -> String {
        text.chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let name = squashed(name);
    medsbom_model::END_OF_SUPPORT_PROPERTY_NAMES
        .iter()
        .chain(medsbom_model::SUPPORT_LEVEL_PROPERTY_NAMES)
        .chain(&[END_OF_SUPPORT_KEY])
        .any(|known| squashed(known) == name)
        || name.starts_with(&squashed(medsbom_model::CDX_MILESTONE_PREFIX))
}

/// Support → (annotation comments, validUntilDate, releaseDate, builtDate), per
/// `standards.md` §2.1.
fn support_fields(
    support: &Support,
) -> (Vec<String>, Option<String>, Option<String>, Option<String>) {
    let mut comments = Vec::new();
    if let Some(level) = convention::format_level(support) {
        comments.push(level);
    }
    let mut valid_until = None;
    if let Some(eos) = &support.end_of_support {
        let written = eos.date.map(|_| date_field(eos));
        if written.as_deref() != Some(eos.text.as_str()) {
            comments.push(format!("{END_OF_SUPPORT_KEY}={}", eos.text));
        }
        valid_until = written;
    }
    let (mut release, mut built) = (None, None);
    for milestone in &support.milestones {
        let slot = match milestone.name.as_str() {
            "releaseDate" if release.is_none() => Some(&mut release),
            "builtDate" if built.is_none() => Some(&mut built),
            _ => None,
        };
        match (slot, milestone.date) {
            (Some(slot), Some(_)) => {
                let written = date_field(milestone);
                if written != milestone.text {
                    comments.push(format!(
                        "{}{}={}",
                        medsbom_model::CDX_MILESTONE_PREFIX,
                        milestone.name,
                        milestone.text
                    ));
                }
                *slot = Some(written);
            }
            _ => comments.push(format!(
                "{}{}={}",
                medsbom_model::CDX_MILESTONE_PREFIX,
                milestone.name,
                milestone.text
            )),
        }
    }
    (comments, valid_until, release, built)
}

/// A date field value (`YYYY-MM-DDThh:mm:ssZ`): the supplier's text when it already is one,
/// else the date at midnight UTC.
fn date_field(milestone: &Milestone) -> String {
    match spdx_datetime(&milestone.text) {
        Some(datetime) if milestone.date.is_some() => datetime,
        _ => match milestone.date {
            Some(date) => format!("{date}T00:00:00Z"),
            None => milestone.text.clone(),
        },
    }
}

/// ISO 8601 date or date-time → SPDX `YYYY-MM-DDThh:mm:ssZ` in UTC (offsets applied,
/// fractions dropped). `None` when the text is not one.
pub(crate) fn spdx_datetime(text: &str) -> Option<String> {
    let text = text.trim();
    let date = IsoDate::parse(text)?;
    let date_len = text.find(['T', 't', ' ']).unwrap_or(text.len());
    if date_len != 10 {
        return None;
    }
    let rest = text.get(date_len..).unwrap_or_default();
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let rest = rest.get(1..)?;
    let number = |s: &str| -> Option<i64> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let hours = number(rest.get(0..2)?)?;
    if rest.get(2..3)? != ":" {
        return None;
    }
    let minutes = number(rest.get(3..5)?)?;
    let mut tail = rest.get(5..)?;
    let mut seconds = 0;
    if let Some(after) = tail.strip_prefix(':') {
        seconds = number(after.get(0..2)?)?;
        tail = after.get(2..)?;
    }
    if let Some(after) = tail.strip_prefix('.') {
        let n_digits = after.bytes().take_while(u8::is_ascii_digit).count();
        tail = after.get(n_digits..)?;
    }
    let offset_minutes = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match tail.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let body = tail.get(1..)?.replace(':', "");
            let offset_hours = number(body.get(0..2)?)?;
            let offset_mins = if body.len() == 4 {
                number(body.get(2..4)?)?
            } else {
                0
            };
            if body.len() != 2 && body.len() != 4 {
                return None;
            }
            sign * (offset_hours * 60 + offset_mins)
        }
    };
    if hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    let total = date.days_since_epoch() * 86_400 + hours * 3600 + minutes * 60 + seconds.min(59)
        - offset_minutes * 60;
    Some(medsbom_model::format_epoch_seconds(total))
}

/// Component type → `primaryPackagePurpose`. Kinds SPDX 2.3 lacks are `OTHER`, with the
/// kind kept in a `medsbom:componentType=<kind>` annotation (returned) that medsbom reads back.
fn package_purpose(kind: &ComponentType) -> (&'static str, Option<String>) {
    let purpose = match kind {
        ComponentType::Application => "APPLICATION",
        ComponentType::Framework => "FRAMEWORK",
        ComponentType::Library => "LIBRARY",
        ComponentType::Container => "CONTAINER",
        ComponentType::OperatingSystem => "OPERATING_SYSTEM",
        ComponentType::Device => "DEVICE",
        ComponentType::Firmware => "FIRMWARE",
        ComponentType::File => "FILE",
        ComponentType::Source => "SOURCE",
        ComponentType::Archive => "ARCHIVE",
        ComponentType::Install => "INSTALL",
        ComponentType::Other(other) if other.eq_ignore_ascii_case("OTHER") => "OTHER",
        ComponentType::Platform
        | ComponentType::DeviceDriver
        | ComponentType::MachineLearningModel
        | ComponentType::Data
        | ComponentType::CryptographicAsset
        | ComponentType::Other(_) => {
            return (
                "OTHER",
                Some(format!("{COMPONENT_TYPE_KEY}={}", kind.as_str())),
            );
        }
    };
    (purpose, None)
}

/// Model hashes → SPDX checksums (algorithms SPDX 2.3 lacks are dropped with a warning).
fn checksums(component: &Component, warnings: &mut Warnings) -> Vec<Checksum> {
    let mut res = Vec::with_capacity(component.hashes.len());
    for hash in &component.hashes {
        let upper = hash.algorithm.trim().to_ascii_uppercase();
        let algorithm = match upper.as_str() {
            "SHA-1" | "SHA1" => "SHA1",
            "SHA-224" | "SHA224" => "SHA224",
            "SHA-256" | "SHA256" => "SHA256",
            "SHA-384" | "SHA384" => "SHA384",
            "SHA-512" | "SHA512" => "SHA512",
            "SHA3-256" => "SHA3-256",
            "SHA3-384" => "SHA3-384",
            "SHA3-512" => "SHA3-512",
            "BLAKE2B-256" => "BLAKE2b-256",
            "BLAKE2B-384" => "BLAKE2b-384",
            "BLAKE2B-512" => "BLAKE2b-512",
            "BLAKE3" => "BLAKE3",
            "MD2" | "MD4" | "MD5" | "MD6" | "ADLER32" => upper.as_str(),
            _ => {
                warnings.component("hash algorithm", &component.bom_ref);
                continue;
            }
        };
        res.push(Checksum {
            algorithm: algorithm.to_owned(),
            checksum_value: hash.value.clone(),
        });
    }
    res
}

/// Licence names that are not SPDX identifiers become `LicenseRef-…` with extracted text.
#[derive(Default)]
struct LicenseRefs {
    infos: Vec<ExtractedLicensingInfo>,
    ids: HashSet<String>,
}

impl LicenseRefs {
    /// `licenseDeclared` for the component's licences (joined with `AND`).
    fn declared(&mut self, licenses: &[License]) -> Option<String> {
        let mut parts: Vec<String> = Vec::with_capacity(licenses.len());
        for license in licenses {
            let text = match license {
                License::Id(id) => id.trim().to_owned(),
                License::Expression(expression) => expression.trim().to_owned(),
                License::Name(name) => {
                    let id = format!("LicenseRef-{}", sanitize(name, '-'));
                    if self.ids.insert(id.clone()) {
                        self.infos.push(ExtractedLicensingInfo {
                            license_id: id.clone(),
                            extracted_text: name.clone(),
                            name: Some(name.clone()),
                        });
                    }
                    id
                }
            };
            if !text.is_empty() {
                parts.push(text);
            }
        }
        match parts.len() {
            0 => None,
            1 => parts.pop(),
            _ => Some(
                parts
                    .iter()
                    .map(|p| {
                        if p.contains(' ') {
                            format!("({p})")
                        } else {
                            p.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" AND "),
            ),
        }
    }
}

/// purl, CPEs, SWID, other identifiers and external references → `externalRefs`; the first
/// `distribution` and `website` references fill `downloadLocation` and `homepage`.
fn external_refs(
    component: &Component,
    package: &mut Package,
    warnings: &mut Warnings,
) -> Vec<ExternalRef> {
    let mut res = Vec::new();
    let mut push =
        |category: &str, reference_type: &str, locator: &str, comment: Option<String>| {
            let locator = locator.trim();
            if locator.is_empty() {
                return;
            }
            res.push(ExternalRef {
                comment,
                reference_category: category.to_owned(),
                reference_locator: locator.replace(char::is_whitespace, "%20"),
                // Tag-value separates the fields by spaces.
                reference_type: reference_type.replace(char::is_whitespace, "-"),
            });
        };
    if let Some(purl) = component.purl.as_deref() {
        push("PACKAGE-MANAGER", "purl", purl, None);
    }
    for cpe in &component.cpes {
        let reference_type = if cpe.starts_with("cpe:/") {
            "cpe22Type"
        } else {
            "cpe23Type"
        };
        push("SECURITY", reference_type, cpe, None);
    }
    if let Some(swid) = &component.extra.swid {
        push("SECURITY", "swid", &swid.tag_id, None);
    }
    for identifier in &component.extra.other_identifiers {
        let (category, reference_type) = match identifier.kind.to_ascii_lowercase().as_str() {
            "swh" | "swhid" => ("PERSISTENT-ID", "swh"),
            "gitoid" | "omniborid" => ("PERSISTENT-ID", "gitoid"),
            "purl" => ("PACKAGE-MANAGER", "purl"),
            "maven-central" | "npm" | "nuget" | "bower" => {
                ("PACKAGE-MANAGER", identifier.kind.as_str())
            }
            // Read back as an identifier (not an external reference) by medsbom.
            _ => ("PERSISTENT-ID", identifier.kind.as_str()),
        };
        push(category, reference_type, &identifier.value, None);
    }
    for external_ref in &component.extra.external_refs {
        match external_ref.kind.as_str() {
            "distribution" if package.download_location.as_deref() == Some("NOASSERTION") => {
                package.download_location = Some(external_ref.url.clone());
            }
            "website" if package.homepage.is_none() => {
                package.homepage = Some(external_ref.url.clone());
            }
            kind => {
                let category = match kind {
                    "advisory" | "fix" | "url" | "securityOther" | "advisories" => "SECURITY",
                    _ => "OTHER",
                };
                let reference_type = if kind.is_empty() { "other" } else { kind };
                push(
                    category,
                    reference_type,
                    &external_ref.url,
                    external_ref.comment.clone(),
                );
            }
        }
    }
    if component
        .extra
        .swid
        .as_ref()
        .is_some_and(|s| s.name.is_some() || s.version.is_some())
    {
        warnings.component(
            "swid name and version (only the tag id is kept)",
            &component.bom_ref,
        );
    }
    res
}

/// Prints the document as tag-value. Files come before packages so that no file is taken to
/// belong to the package it follows (containment is written as explicit relationships).
struct TagValueWriter {
    res: String,
    n_text_escapes: usize,
}

impl TagValueWriter {
    /// `Tag: value` for a one-line value.
    fn line(&mut self, tag: &str, value: &str) {
        if value.contains(['\n', '\r']) || value.trim() != value || value.starts_with("<text>") {
            self.text(tag, value);
            return;
        }
        let _ = writeln!(self.res, "{tag}: {value}");
    }

    fn opt(&mut self, tag: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.line(tag, value);
        }
    }

    /// `Tag: <text>value</text>` (any text but `</text>` itself).
    fn text(&mut self, tag: &str, value: &str) {
        let value = if value.contains("</text>") {
            self.n_text_escapes += 1;
            value.replace("</text>", "</ text>")
        } else {
            value.to_owned()
        };
        let _ = writeln!(self.res, "{tag}: <text>{value}</text>");
    }

    fn annotations(&mut self, spdx_id: &str, annotations: &[Annotation]) {
        for annotation in annotations {
            self.opt("Annotator", annotation.annotator.as_deref());
            self.opt("AnnotationDate", annotation.annotation_date.as_deref());
            self.opt("AnnotationType", annotation.annotation_type.as_deref());
            self.line("SPDXREF", spdx_id);
            self.text(
                "AnnotationComment",
                annotation.comment.as_deref().unwrap_or(""),
            );
        }
    }

    fn checksums(&mut self, tag: &str, checksums: &[Checksum]) {
        for checksum in checksums {
            let _ = writeln!(
                self.res,
                "{tag}: {}: {}",
                checksum.algorithm, checksum.checksum_value
            );
        }
    }

    fn document(&mut self, doc: &Document) {
        self.opt("SPDXVersion", doc.spdx_version.as_deref());
        self.opt("DataLicense", doc.data_license.as_deref());
        self.opt("SPDXID", doc.spdx_id.as_deref());
        self.opt("DocumentName", doc.name.as_deref());
        self.opt("DocumentNamespace", doc.document_namespace.as_deref());
        if let Some(info) = &doc.creation_info {
            for creator in &info.creators {
                self.line("Creator", creator);
            }
            self.opt("Created", info.created.as_deref());
        }
        self.annotations(DOCUMENT_REF, &doc.annotations);
        for file in &doc.files {
            self.res.push('\n');
            self.line("FileName", file.file_name.as_deref().unwrap_or(""));
            self.opt("SPDXID", file.spdx_id.as_deref());
            self.checksums("FileChecksum", &file.checksums);
            self.opt("LicenseConcluded", file.license_concluded.as_deref());
            if let Some(copyright) = file.copyright_text.as_deref() {
                self.text("FileCopyrightText", copyright);
            }
            if let Some(comment) = file.comment.as_deref() {
                self.text("FileComment", comment);
            }
            self.annotations(file.spdx_id.as_deref().unwrap_or(""), &file.annotations);
        }
        for package in &doc.packages {
            self.res.push('\n');
            self.line("PackageName", package.name.as_deref().unwrap_or(""));
            self.opt("SPDXID", package.spdx_id.as_deref());
            self.opt("PackageVersion", package.version_info.as_deref());
            self.opt("PackageSupplier", package.supplier.as_deref());
            self.opt("PackageOriginator", package.originator.as_deref());
            self.opt(
                "PackageDownloadLocation",
                package.download_location.as_deref(),
            );
            if let Some(files_analyzed) = package.files_analyzed {
                self.line(
                    "FilesAnalyzed",
                    if files_analyzed { "true" } else { "false" },
                );
            }
            self.checksums("PackageChecksum", &package.checksums);
            self.opt("PackageHomePage", package.homepage.as_deref());
            self.opt(
                "PrimaryPackagePurpose",
                package.primary_package_purpose.as_deref(),
            );
            self.opt("ReleaseDate", package.release_date.as_deref());
            self.opt("BuiltDate", package.built_date.as_deref());
            self.opt("ValidUntilDate", package.valid_until_date.as_deref());
            self.opt(
                "PackageLicenseConcluded",
                package.license_concluded.as_deref(),
            );
            self.opt(
                "PackageLicenseDeclared",
                package.license_declared.as_deref(),
            );
            if let Some(copyright) = package.copyright_text.as_deref() {
                self.text("PackageCopyrightText", copyright);
            }
            if let Some(description) = package.description.as_deref() {
                self.text("PackageDescription", description);
            }
            for external_ref in &package.external_refs {
                let _ = writeln!(
                    self.res,
                    "ExternalRef: {} {} {}",
                    external_ref.reference_category,
                    external_ref.reference_type,
                    external_ref.reference_locator
                );
                if let Some(comment) = external_ref.comment.as_deref() {
                    self.text("ExternalRefComment", comment);
                }
            }
            self.annotations(
                package.spdx_id.as_deref().unwrap_or(""),
                &package.annotations,
            );
        }
        for info in &doc.has_extracted_licensing_infos {
            self.res.push('\n');
            self.line("LicenseID", &info.license_id);
            self.text("ExtractedText", &info.extracted_text);
            self.opt("LicenseName", info.name.as_deref());
        }
        if !doc.relationships.is_empty() {
            self.res.push('\n');
        }
        for relationship in &doc.relationships {
            let _ = writeln!(
                self.res,
                "Relationship: {} {} {}",
                relationship.spdx_element_id,
                relationship.relationship_type,
                relationship.related_spdx_element
            );
            if let Some(comment) = relationship.comment.as_deref() {
                self.text("RelationshipComment", comment);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_timestamps_to_spdx_form() {
        let check = |text: &str, expect: Option<&str>| {
            assert_eq!(spdx_datetime(text).as_deref(), expect, "{text}");
        };
        check("2010-01-29T18:30:22Z", Some("2010-01-29T18:30:22Z"));
        check("2024-03-01T01:30:00+02:00", Some("2024-02-29T23:30:00Z"));
        check("2024-03-01T10:00:00.123-0130", Some("2024-03-01T11:30:00Z"));
        check("2028-12-31", Some("2028-12-31T00:00:00Z"));
        check("2028-12", None);
        check("Until hardware support ends", None);
        check("2024-01-01T25:00:00Z", None);
    }

    #[test]
    fn generates_valid_stable_spdx_ids() {
        let components = vec![
            Component::new("pkg:npm/left-pad@1.3.0", "left-pad"),
            Component::new("SPDXRef-pkg-npm-left-pad-1.3.0", "taken"),
            Component::new("pkg:npm/left-pad@1.3.0", "duplicate bom-ref"),
            Component::new("SPDXRef-DOCUMENT", "clashes with the document"),
            Component::new("@@@", "nothing left"),
        ];
        let ids = SpdxIds::new(&components);
        let got: Vec<&str> = (0..components.len())
            .map(|idx| ids.component(idx))
            .collect();
        assert_eq!(
            got,
            [
                "SPDXRef-pkg-npm-left-pad-1.3.0-2",
                "SPDXRef-pkg-npm-left-pad-1.3.0",
                "SPDXRef-pkg-npm-left-pad-1.3.0-3",
                "SPDXRef-DOCUMENT-2",
                "SPDXRef-component-4",
            ]
        );
        assert!(got.iter().all(|id| is_valid_spdx_id(id)));
        assert_eq!(
            ids.reference("pkg:npm/left-pad@1.3.0"),
            "SPDXRef-pkg-npm-left-pad-1.3.0-2"
        );
        assert_eq!(ids.reference(DOCUMENT_REF), DOCUMENT_REF);
    }
}
