//! CycloneDX JSON reader (spec versions 1.2–1.7).
//!
//! The document is deserialized into private serde structs that mirror the schema (lenient about
//! omitted fields, exact about types), then converted to the model by hand. Objects the model
//! has no field for (evidence, pedigree, …) are captured as raw JSON and kept as extensions.
//! On a syntax or type error the document is parsed a second time with path tracking, so the
//! error carries a JSON pointer without slowing down the common case.

use std::fmt::Write as _;

use medsbom_model::{
    Affect, AffectedVersion, Analysis, Composition, Diagnostic, ExternalRef, Hash, Identifier,
    License, Location, ParseError, Parsed, Party, Property, Rating, Relationship, RelationshipKind,
    Sbom, SbomFormat, SwidRef, Tool, Vulnerability, normalize_hash_algorithm,
};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::read::{
    self, DOCUMENT_NAME_PROPERTY, ReadLicense, Refs, SERVICE_TYPE, finish_component,
};

type Raw<'a> = Option<&'a RawValue>;

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonBom<'a> {
    #[serde(rename = "bomFormat")]
    bom_format: Option<String>,
    #[serde(rename = "specVersion")]
    spec_version: Option<String>,
    #[serde(rename = "serialNumber")]
    serial_number: Option<String>,
    version: Option<u64>,
    #[serde(borrow)]
    metadata: Option<JsonMetadata<'a>>,
    #[serde(borrow)]
    components: Vec<JsonComponent<'a>>,
    #[serde(borrow)]
    services: Vec<JsonService<'a>>,
    dependencies: Vec<JsonDependency>,
    compositions: Vec<JsonComposition>,
    #[serde(borrow)]
    vulnerabilities: Vec<JsonVulnerability<'a>>,
    properties: Vec<JsonProperty>,
    #[serde(borrow)]
    #[serde(rename = "externalReferences")]
    external_references: Raw<'a>,
    #[serde(borrow)]
    annotations: Raw<'a>,
    #[serde(borrow)]
    formulation: Raw<'a>,
    #[serde(borrow)]
    declarations: Raw<'a>,
    #[serde(borrow)]
    definitions: Raw<'a>,
    #[serde(borrow)]
    citations: Raw<'a>,
    #[serde(borrow)]
    signature: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonMetadata<'a> {
    timestamp: Option<String>,
    lifecycles: Vec<JsonLifecycle>,
    #[serde(borrow)]
    tools: Option<JsonTools<'a>>,
    authors: Vec<JsonContact>,
    #[serde(borrow)]
    component: Option<JsonComponent<'a>>,
    manufacture: Option<JsonEntity>,
    manufacturer: Option<JsonEntity>,
    supplier: Option<JsonEntity>,
    licenses: Vec<JsonLicenseChoice>,
    properties: Vec<JsonProperty>,
    #[serde(borrow)]
    #[serde(rename = "distributionConstraints")]
    distribution_constraints: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonLifecycle {
    phase: Option<String>,
    name: Option<String>,
}

/// `metadata.tools`: the legacy array of tools (≤ 1.4) or the 1.5+ object form.
enum JsonTools<'a> {
    Legacy(Vec<JsonLegacyTool>),
    Objects(JsonToolObjects<'a>),
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonTools<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonTools<'a>, D::Error> {
        struct ToolsVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ToolsVisitor<'a> {
            type Value = JsonTools<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of tools or an object with components and services")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<JsonTools<'a>, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(JsonTools::Legacy)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<JsonTools<'a>, A::Error> {
                JsonToolObjects::deserialize(MapAccessDeserializer::new(map))
                    .map(JsonTools::Objects)
            }
        }
        deserializer.deserialize_any(ToolsVisitor(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonLegacyTool {
    vendor: Option<String>,
    name: Option<String>,
    version: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonToolObjects<'a> {
    #[serde(borrow)]
    components: Vec<JsonComponent<'a>>,
    #[serde(borrow)]
    services: Vec<JsonService<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonEntity {
    name: Option<String>,
    url: Vec<String>,
    contact: Vec<JsonContact>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonContact {
    name: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonComponent<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    supplier: Option<JsonEntity>,
    manufacturer: Option<JsonEntity>,
    authors: Vec<JsonContact>,
    author: Option<String>,
    publisher: Option<String>,
    group: Option<String>,
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    scope: Option<String>,
    hashes: Vec<JsonHash>,
    licenses: Vec<JsonLicenseChoice>,
    copyright: Option<String>,
    cpe: Option<String>,
    purl: Option<String>,
    #[serde(rename = "omniborId")]
    omnibor_id: Vec<String>,
    swhid: Vec<String>,
    swid: Option<JsonSwid>,
    #[serde(rename = "externalReferences")]
    external_references: Vec<JsonExternalRef>,
    properties: Vec<JsonProperty>,
    /// Nested components stay raw here and are read one by one, so nesting costs heap
    /// rather than call stack.
    #[serde(borrow)]
    components: Vec<&'a RawValue>,
    #[serde(borrow)]
    #[serde(rename = "mime-type")]
    mime_type: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "versionRange")]
    version_range: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "isExternal")]
    is_external: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "patentAssertions")]
    patent_assertions: Raw<'a>,
    #[serde(borrow)]
    modified: Raw<'a>,
    #[serde(borrow)]
    pedigree: Raw<'a>,
    #[serde(borrow)]
    evidence: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "releaseNotes")]
    release_notes: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "modelCard")]
    model_card: Raw<'a>,
    #[serde(borrow)]
    data: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "cryptoProperties")]
    crypto_properties: Raw<'a>,
    #[serde(borrow)]
    tags: Raw<'a>,
    #[serde(borrow)]
    signature: Raw<'a>,
}

impl<'a> JsonComponent<'a> {
    fn raw_fields(&mut self) -> [(&'static str, Raw<'a>); 13] {
        [
            ("mime-type", self.mime_type.take()),
            ("versionRange", self.version_range.take()),
            ("isExternal", self.is_external.take()),
            ("patentAssertions", self.patent_assertions.take()),
            ("modified", self.modified.take()),
            ("pedigree", self.pedigree.take()),
            ("evidence", self.evidence.take()),
            ("releaseNotes", self.release_notes.take()),
            ("modelCard", self.model_card.take()),
            ("data", self.data.take()),
            ("cryptoProperties", self.crypto_properties.take()),
            ("tags", self.tags.take()),
            ("signature", self.signature.take()),
        ]
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonService<'a> {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    provider: Option<JsonEntity>,
    group: Option<String>,
    name: Option<String>,
    version: Option<String>,
    description: Option<String>,
    licenses: Vec<JsonLicenseChoice>,
    #[serde(rename = "externalReferences")]
    external_references: Vec<JsonExternalRef>,
    properties: Vec<JsonProperty>,
    /// Nested services stay raw, like nested components.
    #[serde(borrow)]
    services: Vec<&'a RawValue>,
    #[serde(borrow)]
    endpoints: Raw<'a>,
    #[serde(borrow)]
    authenticated: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "x-trust-boundary")]
    x_trust_boundary: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "trustZone")]
    trust_zone: Raw<'a>,
    #[serde(borrow)]
    data: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "releaseNotes")]
    release_notes: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "patentAssertions")]
    patent_assertions: Raw<'a>,
    #[serde(borrow)]
    tags: Raw<'a>,
    #[serde(borrow)]
    signature: Raw<'a>,
}

impl<'a> JsonService<'a> {
    fn raw_fields(&mut self) -> [(&'static str, Raw<'a>); 9] {
        [
            ("endpoints", self.endpoints.take()),
            ("authenticated", self.authenticated.take()),
            ("x-trust-boundary", self.x_trust_boundary.take()),
            ("trustZone", self.trust_zone.take()),
            ("data", self.data.take()),
            ("releaseNotes", self.release_notes.take()),
            ("patentAssertions", self.patent_assertions.take()),
            ("tags", self.tags.take()),
            ("signature", self.signature.take()),
        ]
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonHash {
    alg: Option<String>,
    content: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonLicenseChoice {
    license: Option<JsonLicense>,
    expression: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonLicense {
    id: Option<String>,
    name: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonSwid {
    #[serde(rename = "tagId")]
    tag_id: Option<String>,
    name: Option<String>,
    version: Option<String>,
    #[serde(rename = "tagVersion")]
    tag_version: Option<u64>,
    patch: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonExternalRef {
    url: Option<String>,
    comment: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonProperty {
    name: Option<String>,
    value: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonDependency {
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(rename = "dependsOn")]
    depends_on: Vec<String>,
    provides: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonComposition {
    aggregate: Option<String>,
    assemblies: Vec<String>,
    dependencies: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonVulnerability<'a> {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    id: Option<String>,
    source: Option<JsonSource>,
    references: Vec<JsonVulnerabilityReference>,
    #[serde(borrow)]
    ratings: Vec<JsonRating<'a>>,
    cwes: Vec<u32>,
    description: Option<String>,
    detail: Option<String>,
    recommendation: Option<String>,
    advisories: Vec<JsonAdvisory>,
    published: Option<String>,
    updated: Option<String>,
    analysis: Option<JsonAnalysis>,
    affects: Vec<JsonAffect>,
    #[serde(borrow)]
    workaround: Raw<'a>,
    #[serde(borrow)]
    #[serde(rename = "proofOfConcept")]
    proof_of_concept: Raw<'a>,
    #[serde(borrow)]
    created: Raw<'a>,
    #[serde(borrow)]
    rejected: Raw<'a>,
    #[serde(borrow)]
    credits: Raw<'a>,
    #[serde(borrow)]
    tools: Raw<'a>,
    #[serde(borrow)]
    properties: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonSource {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonVulnerabilityReference {
    id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonRating<'a> {
    score: Option<f64>,
    severity: Option<String>,
    method: Option<String>,
    vector: Option<String>,
    #[serde(borrow)]
    source: Raw<'a>,
    #[serde(borrow)]
    justification: Raw<'a>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonAdvisory {
    url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonAnalysis {
    state: Option<String>,
    justification: Option<String>,
    response: Vec<String>,
    detail: Option<String>,
    #[serde(rename = "firstIssued")]
    first_issued: Option<String>,
    #[serde(rename = "lastUpdated")]
    last_updated: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonAffect {
    #[serde(rename = "ref")]
    reference: Option<String>,
    versions: Vec<JsonAffectedVersion>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct JsonAffectedVersion {
    version: Option<String>,
    range: Option<String>,
    status: Option<String>,
}

/// Reads a CycloneDX JSON document.
pub(crate) fn read(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let text = read::utf8_text(bytes)?;
    let bom: JsonBom<'_> = match serde_json::from_str(text) {
        Ok(bom) => bom,
        Err(error) => return Err(located_error::<JsonBom<'_>>(text, text, "", &error)),
    };
    let mut convert = Convert {
        text,
        sbom: Sbom::new(SbomFormat::CycloneDx, ""),
        diagnostics: Vec::new(),
        refs: Refs::default(),
        pointer: String::new(),
    };
    convert.document(bom)?;
    Ok(Parsed {
        sbom: convert.sbom,
        diagnostics: convert.diagnostics,
    })
}

/// A parse error with a JSON pointer and the line and column in the whole document.
///
/// `part` is the text that failed to parse as a `T`: the whole document, or a nested
/// component read on its own (a slice of `text` found at `pointer`). The part is parsed a
/// second time with path tracking, only on this failure path, for the pointer.
fn located_error<'a, T: Deserialize<'a>>(
    text: &str,
    part: &'a str,
    pointer: &str,
    error: &serde_json::Error,
) -> ParseError {
    let mut deserializer = serde_json::Deserializer::from_str(part);
    let inner = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => String::new(),
        Err(tracked) => pointer_from_path(tracked.path()),
    };
    let (line, column) = absolute_position(text, part, error.line(), error.column());
    let mut message = error.to_string();
    if let Some(idx) = message.rfind(" at line ") {
        message.truncate(idx);
    }
    let message = format!("invalid cyclonedx json: {message} at line {line} column {column}");
    let pointer = format!("{pointer}{inner}");
    if pointer.is_empty() && inner.is_empty() && line != 0 {
        return ParseError::new(
            Location::LineColumn {
                line: line as u64,
                column: column as u64,
            },
            message,
        );
    }
    ParseError::new(Location::Pointer(pointer), message)
}

/// Turns a line and column inside `part` (a slice of `text`) into ones in `text`.
fn absolute_position(text: &str, part: &str, line: usize, column: usize) -> (usize, usize) {
    let text_range = text.as_bytes().as_ptr_range();
    let part_start = part.as_ptr();
    if !text_range.contains(&part_start) {
        return (line, column);
    }
    let base = part_start as usize - text.as_ptr() as usize;
    let before = text.get(..base).unwrap_or_default();
    let base_line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let base_column = before.len() - before.rfind('\n').map_or(0, |idx| idx + 1) + 1;
    match line {
        0 => (0, 0),
        1 => (base_line, base_column + column - 1),
        _ => (base_line + line - 1, column),
    }
}

fn pointer_from_path(path: &serde_path_to_error::Path) -> String {
    let mut res = String::new();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                let _ = write!(res, "/{index}");
            }
            serde_path_to_error::Segment::Map { key } => {
                res.push('/');
                res.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            serde_path_to_error::Segment::Enum { variant } => {
                res.push('/');
                res.push_str(variant);
            }
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    res
}

/// A component or service still to convert: parsed already (top level) or raw (nested).
enum Pending<'a, T> {
    Parsed(T),
    Raw(&'a RawValue),
}

struct Convert<'a> {
    text: &'a str,
    sbom: Sbom,
    diagnostics: Vec<Diagnostic>,
    refs: Refs,
    /// JSON pointer of the value being converted.
    pointer: String,
}

impl<'a> Convert<'a> {
    fn here(&self) -> Location {
        Location::Pointer(self.pointer.clone())
    }

    fn document(&mut self, mut bom: JsonBom<'a>) -> Result<(), ParseError> {
        match bom.bom_format.as_deref() {
            Some("CycloneDX") => {}
            Some(other) => {
                return Err(ParseError::new(
                    Location::Pointer("/bomFormat".to_owned()),
                    format!("not a cyclonedx document: bomFormat is \"{other}\""),
                ));
            }
            None if bom.spec_version.is_some() => self.diagnostics.push(Diagnostic::error(
                Location::Pointer(String::new()),
                "bomFormat is missing",
            )),
            None => {
                return Err(ParseError::new(
                    Location::Pointer(String::new()),
                    "not a cyclonedx document: bomFormat and specVersion are missing",
                ));
            }
        }
        match bom.spec_version.take() {
            Some(spec_version) => {
                read::check_spec_version(
                    &spec_version,
                    Location::Pointer("/specVersion".to_owned()),
                    &mut self.diagnostics,
                );
                self.sbom.spec_version = spec_version;
            }
            None => self.diagnostics.push(Diagnostic::error(
                Location::Pointer(String::new()),
                "specVersion is missing",
            )),
        }
        self.sbom.serial_number = bom.serial_number.take();
        self.sbom.version = bom.version;

        if let Some(metadata) = bom.metadata.take() {
            self.metadata(metadata)?;
        }
        for (idx, component) in std::mem::take(&mut bom.components).into_iter().enumerate() {
            self.components(
                Pending::Parsed(component),
                format!("/components/{idx}"),
                None,
            )?;
        }
        for (idx, service) in std::mem::take(&mut bom.services).into_iter().enumerate() {
            self.services(Pending::Parsed(service), format!("/services/{idx}"), None)?;
        }
        self.sbom
            .properties
            .extend(bom.properties.drain(..).filter_map(property));
        self.dependencies(std::mem::take(&mut bom.dependencies));
        self.sbom.compositions = bom
            .compositions
            .drain(..)
            .map(|c| Composition {
                aggregate: c.aggregate.unwrap_or_else(|| "not_specified".to_owned()),
                assemblies: c.assemblies,
                dependencies: c.dependencies,
            })
            .collect();
        for (idx, vulnerability) in std::mem::take(&mut bom.vulnerabilities)
            .into_iter()
            .enumerate()
        {
            self.pointer = format!("/vulnerabilities/{idx}");
            self.vulnerability(vulnerability)?;
        }
        self.pointer.clear();
        let raw_fields = [
            ("externalReferences", bom.external_references.take()),
            ("annotations", bom.annotations.take()),
            ("formulation", bom.formulation.take()),
            ("declarations", bom.declarations.take()),
            ("definitions", bom.definitions.take()),
            ("citations", bom.citations.take()),
            ("signature", bom.signature.take()),
        ];
        let mut extensions = std::mem::take(&mut self.sbom.extensions);
        self.raw_extensions(raw_fields, &mut extensions)?;
        self.sbom.extensions = extensions;
        Ok(())
    }

    fn metadata(&mut self, mut metadata: JsonMetadata<'a>) -> Result<(), ParseError> {
        self.sbom.timestamp = metadata.timestamp.take();
        self.sbom.lifecycles = metadata
            .lifecycles
            .drain(..)
            .filter_map(|l| l.phase.or(l.name))
            .collect();
        match metadata.tools.take() {
            Some(JsonTools::Legacy(tools)) => {
                self.sbom.tools.extend(tools.into_iter().map(|t| Tool {
                    vendor: t.vendor,
                    name: t.name.unwrap_or_default(),
                    version: t.version,
                }));
            }
            Some(JsonTools::Objects(objects)) => {
                for component in objects.components {
                    let vendor = component
                        .group
                        .or(component.publisher)
                        .or_else(|| component.supplier.and_then(|s| s.name))
                        .or_else(|| component.manufacturer.and_then(|s| s.name));
                    self.sbom.tools.push(Tool {
                        vendor,
                        name: component.name.unwrap_or_default(),
                        version: component.version,
                    });
                }
                for service in objects.services {
                    let vendor = service.provider.and_then(|p| p.name).or(service.group);
                    self.sbom.tools.push(Tool {
                        vendor,
                        name: service.name.unwrap_or_default(),
                        version: service.version,
                    });
                }
            }
            None => {}
        }
        self.sbom.authors = metadata
            .authors
            .drain(..)
            .map(|a| read::person(a.name, a.email))
            .collect();
        self.sbom.supplier = metadata.supplier.take().map(entity);
        self.sbom.manufacturer = metadata
            .manufacturer
            .take()
            .or(metadata.manufacture.take())
            .map(entity);
        let licenses: Vec<String> = metadata
            .licenses
            .drain(..)
            .filter_map(|l| license_choice(l).map(|l| l.license.text().to_owned()))
            .collect();
        self.sbom.data_license = read::join_licenses(&licenses);
        let properties: Vec<Property> =
            metadata.properties.drain(..).filter_map(property).collect();
        let document_name = properties
            .iter()
            .find(|p| p.name == DOCUMENT_NAME_PROPERTY)
            .map(|p| p.value.clone());
        self.sbom.properties.extend(properties);
        self.sbom.name = document_name;
        if let Some(component) = metadata.component.take() {
            let root_name = component.name.clone();
            let first = self.sbom.components.len();
            let bom_ref = self.components(
                Pending::Parsed(component),
                "/metadata/component".to_owned(),
                None,
            )?;
            self.sbom.roots.push(bom_ref);
            if self.sbom.manufacturer.is_none() {
                self.sbom.manufacturer = self
                    .sbom
                    .components
                    .get(first)
                    .and_then(|c| c.manufacturer.clone());
            }
            if self.sbom.name.is_none() {
                self.sbom.name = root_name;
            }
        }
        self.pointer = "/metadata".to_owned();
        let mut extensions = std::mem::take(&mut self.sbom.extensions);
        self.raw_extensions(
            [(
                "distributionConstraints",
                metadata.distribution_constraints.take(),
            )],
            &mut extensions,
        )?;
        self.sbom.extensions = extensions;
        Ok(())
    }

    /// Parses a nested component or service kept raw, with errors located in the document.
    fn parse_nested<T: Deserialize<'a>>(
        &self,
        raw: &'a RawValue,
        pointer: &str,
    ) -> Result<T, ParseError> {
        match serde_json::from_str::<T>(raw.get()) {
            Ok(parsed) => Ok(parsed),
            Err(error) => Err(located_error::<T>(self.text, raw.get(), pointer, &error)),
        }
    }

    /// Converts a component and everything nested in it (depth first, in document order);
    /// returns the `bom-ref` of the first one.
    fn components(
        &mut self,
        first: Pending<'a, JsonComponent<'a>>,
        pointer: String,
        parent: Option<String>,
    ) -> Result<String, ParseError> {
        let mut stack = vec![(first, pointer, parent, 0usize)];
        let mut res = None;
        while let Some((pending, pointer, parent, depth)) = stack.pop() {
            if read::MAX_NESTING < depth {
                return Err(ParseError::new(
                    Location::Pointer(pointer),
                    format!(
                        "invalid cyclonedx json: components nested deeper than {} levels",
                        read::MAX_NESTING
                    ),
                ));
            }
            let json = match pending {
                Pending::Parsed(json) => json,
                Pending::Raw(raw) => self.parse_nested::<JsonComponent<'a>>(raw, &pointer)?,
            };
            self.pointer = pointer;
            let (bom_ref, children) = self.component(json, parent.as_deref())?;
            if let Some(parent) = parent {
                self.sbom.relationships.push(Relationship {
                    from: parent,
                    to: bom_ref.clone(),
                    kind: RelationshipKind::Contains,
                    original: None,
                });
            }
            for (idx, child) in children.into_iter().enumerate().rev() {
                let child_pointer = format!("{}/components/{idx}", self.pointer);
                stack.push((
                    Pending::Raw(child),
                    child_pointer,
                    Some(bom_ref.clone()),
                    depth + 1,
                ));
            }
            res.get_or_insert(bom_ref);
        }
        Ok(res.unwrap_or_default())
    }

    /// Converts one component; returns its `bom-ref` and its nested components (raw).
    fn component(
        &mut self,
        mut json: JsonComponent<'a>,
        parent: Option<&str>,
    ) -> Result<(String, Vec<&'a RawValue>), ParseError> {
        let bom_ref = self.refs.assign(
            json.bom_ref.take(),
            &|| at(&self.pointer, "/bom-ref"),
            &mut self.diagnostics,
        );
        let mut component = medsbom_model::Component {
            bom_ref,
            parent: parent.map(str::to_owned),
            ..Default::default()
        };
        component.kind = match json.kind.take() {
            Some(kind) => {
                read::component_type(&kind, &|| at(&self.pointer, "/type"), &mut self.diagnostics)
            }
            None => {
                self.diagnostics
                    .push(Diagnostic::error(self.here(), "component has no type"));
                medsbom_model::ComponentType::Library
            }
        };
        match json.name.take() {
            Some(name) => component.name = name,
            None => self
                .diagnostics
                .push(Diagnostic::error(self.here(), "component has no name")),
        }
        component.supplier = json.supplier.take().map(entity);
        component.manufacturer = json.manufacturer.take().map(entity);
        component.authors = json
            .authors
            .drain(..)
            .map(|a| read::person(a.name, a.email))
            .collect();
        if let Some(author) = json.author.take() {
            component.authors.push(Party {
                name: author,
                ..Party::default()
            });
        }
        component.publisher = json.publisher.take();
        component.group = json.group.take();
        component.version = json.version.take();
        component.description = json.description.take();
        if let Some(scope) = json.scope.take() {
            component.scope = read::scope(
                &scope,
                &|| at(&self.pointer, "/scope"),
                &mut self.diagnostics,
            );
        }
        component.hashes = json.hashes.drain(..).filter_map(hash).collect();
        let licenses = json.licenses.drain(..).filter_map(license_choice).collect();
        read::set_licenses(&mut component, licenses);
        component.copyright = json.copyright.take();
        component.cpes.extend(json.cpe.take());
        component.purl = json.purl.take();
        component
            .other_identifiers
            .extend(json.omnibor_id.drain(..).map(|value| Identifier {
                kind: "omniborId".to_owned(),
                value,
            }));
        component
            .other_identifiers
            .extend(json.swhid.drain(..).map(|value| Identifier {
                kind: "swhid".to_owned(),
                value,
            }));
        component.swid = json.swid.take().map(|s| SwidRef {
            tag_id: s.tag_id.unwrap_or_default(),
            name: s.name,
            version: s.version,
            tag_version: s.tag_version,
            patch: s.patch,
        });
        component.external_refs = json
            .external_references
            .drain(..)
            .map(external_ref)
            .collect();
        component.properties = json.properties.drain(..).filter_map(property).collect();
        let raw_fields = json.raw_fields();
        self.raw_extensions(raw_fields, &mut component.extensions)?;
        finish_component(&mut component);
        let bom_ref = component.bom_ref.clone();
        self.sbom.components.push(component);
        Ok((bom_ref, std::mem::take(&mut json.components)))
    }

    /// Converts a service and the services nested in it, like [`Convert::components`].
    fn services(
        &mut self,
        first: Pending<'a, JsonService<'a>>,
        pointer: String,
        parent: Option<String>,
    ) -> Result<String, ParseError> {
        let mut stack = vec![(first, pointer, parent, 0usize)];
        let mut res = None;
        while let Some((pending, pointer, parent, depth)) = stack.pop() {
            if read::MAX_NESTING < depth {
                return Err(ParseError::new(
                    Location::Pointer(pointer),
                    format!(
                        "invalid cyclonedx json: services nested deeper than {} levels",
                        read::MAX_NESTING
                    ),
                ));
            }
            let json = match pending {
                Pending::Parsed(json) => json,
                Pending::Raw(raw) => self.parse_nested::<JsonService<'a>>(raw, &pointer)?,
            };
            self.pointer = pointer;
            let (bom_ref, children) = self.service(json, parent.as_deref())?;
            if let Some(parent) = parent {
                self.sbom.relationships.push(Relationship {
                    from: parent,
                    to: bom_ref.clone(),
                    kind: RelationshipKind::Contains,
                    original: None,
                });
            }
            for (idx, child) in children.into_iter().enumerate().rev() {
                let child_pointer = format!("{}/services/{idx}", self.pointer);
                stack.push((
                    Pending::Raw(child),
                    child_pointer,
                    Some(bom_ref.clone()),
                    depth + 1,
                ));
            }
            res.get_or_insert(bom_ref);
        }
        Ok(res.unwrap_or_default())
    }

    /// Converts one service (a component of type `service`).
    fn service(
        &mut self,
        mut json: JsonService<'a>,
        parent: Option<&str>,
    ) -> Result<(String, Vec<&'a RawValue>), ParseError> {
        let bom_ref = self.refs.assign(
            json.bom_ref.take(),
            &|| at(&self.pointer, "/bom-ref"),
            &mut self.diagnostics,
        );
        let mut component = medsbom_model::Component {
            bom_ref,
            kind: medsbom_model::ComponentType::Other(SERVICE_TYPE.to_owned()),
            parent: parent.map(str::to_owned),
            ..Default::default()
        };
        match json.name.take() {
            Some(name) => component.name = name,
            None => self
                .diagnostics
                .push(Diagnostic::error(self.here(), "service has no name")),
        }
        component.supplier = json.provider.take().map(entity);
        component.group = json.group.take();
        component.version = json.version.take();
        component.description = json.description.take();
        let licenses = json.licenses.drain(..).filter_map(license_choice).collect();
        read::set_licenses(&mut component, licenses);
        component.external_refs = json
            .external_references
            .drain(..)
            .map(external_ref)
            .collect();
        component.properties = json.properties.drain(..).filter_map(property).collect();
        let raw_fields = json.raw_fields();
        self.raw_extensions(raw_fields, &mut component.extensions)?;
        finish_component(&mut component);
        let bom_ref = component.bom_ref.clone();
        self.sbom.components.push(component);
        Ok((bom_ref, std::mem::take(&mut json.services)))
    }

    fn dependencies(&mut self, dependencies: Vec<JsonDependency>) {
        for (idx, dependency) in dependencies.into_iter().enumerate() {
            let Some(from) = dependency.reference else {
                self.diagnostics.push(Diagnostic::error(
                    Location::Pointer(format!("/dependencies/{idx}")),
                    "dependency has no ref",
                ));
                continue;
            };
            self.check_ref(&from, || format!("/dependencies/{idx}/ref"));
            for (to_idx, to) in dependency.depends_on.into_iter().enumerate() {
                self.check_ref(&to, || format!("/dependencies/{idx}/dependsOn/{to_idx}"));
                self.sbom.relationships.push(Relationship {
                    from: from.clone(),
                    to,
                    kind: RelationshipKind::DependsOn,
                    original: Some("dependsOn".to_owned()),
                });
            }
            for (to_idx, to) in dependency.provides.into_iter().enumerate() {
                self.check_ref(&to, || format!("/dependencies/{idx}/provides/{to_idx}"));
                self.sbom.relationships.push(Relationship {
                    from: from.clone(),
                    to,
                    kind: RelationshipKind::Provides,
                    original: Some("provides".to_owned()),
                });
            }
        }
    }

    fn check_ref(&mut self, bom_ref: &str, pointer: impl Fn() -> String) {
        if !self.refs.contains(bom_ref) {
            self.diagnostics.push(Diagnostic::warning(
                Location::Pointer(pointer()),
                format!("dependency ref \"{bom_ref}\" points to no component or service"),
            ));
        }
    }

    fn vulnerability(&mut self, mut json: JsonVulnerability<'a>) -> Result<(), ParseError> {
        let mut res = Vulnerability {
            bom_ref: json.bom_ref.take(),
            ..Vulnerability::default()
        };
        match json.id.take() {
            Some(id) => res.id = id,
            None => self
                .diagnostics
                .push(Diagnostic::warning(self.here(), "vulnerability has no id")),
        }
        if let Some(source) = json.source.take() {
            res.source_name = source.name;
            res.source_url = source.url;
        }
        res.aliases = json.references.drain(..).filter_map(|r| r.id).collect();
        let mut extensions = std::mem::take(&mut self.sbom.extensions);
        for (idx, mut rating) in json.ratings.drain(..).enumerate() {
            let saved = self.pointer.len();
            let _ = write!(self.pointer, "/ratings/{idx}");
            self.raw_extensions(
                [
                    ("source", rating.source.take()),
                    ("justification", rating.justification.take()),
                ],
                &mut extensions,
            )?;
            self.pointer.truncate(saved);
            res.ratings.push(Rating {
                score: rating.score,
                severity: rating.severity,
                method: rating.method,
                vector: rating.vector,
            });
        }
        res.cwes = std::mem::take(&mut json.cwes);
        res.description = json.description.take();
        res.detail = json.detail.take();
        res.recommendation = json.recommendation.take();
        res.advisories = json.advisories.drain(..).filter_map(|a| a.url).collect();
        res.published = json.published.take();
        res.updated = json.updated.take();
        res.analysis = json.analysis.take().map(|a| Analysis {
            state: a.state,
            justification: a.justification,
            responses: a.response,
            detail: a.detail,
            first_issued: a.first_issued,
            last_updated: a.last_updated,
        });
        for (idx, affect) in json.affects.drain(..).enumerate() {
            let Some(reference) = affect.reference else {
                self.diagnostics.push(Diagnostic::warning(
                    at(&self.pointer, &format!("/affects/{idx}")),
                    "affects entry has no ref",
                ));
                continue;
            };
            res.affects.push(Affect {
                reference,
                versions: affect
                    .versions
                    .into_iter()
                    .map(|v| AffectedVersion {
                        version: v.version,
                        range: v.range,
                        status: v.status,
                    })
                    .collect(),
            });
        }
        self.raw_extensions(
            [
                ("workaround", json.workaround.take()),
                ("proofOfConcept", json.proof_of_concept.take()),
                ("created", json.created.take()),
                ("rejected", json.rejected.take()),
                ("credits", json.credits.take()),
                ("tools", json.tools.take()),
                ("properties", json.properties.take()),
            ],
            &mut extensions,
        )?;
        self.sbom.extensions = extensions;
        self.sbom.vulnerabilities.push(res);
        Ok(())
    }

    /// Keeps raw JSON values the model has no field for as (pointer, text) extensions.
    fn raw_extensions<const N: usize>(
        &mut self,
        fields: [(&'static str, Raw<'a>); N],
        extensions: &mut Vec<Property>,
    ) -> Result<(), ParseError> {
        for (key, raw) in fields {
            let Some(raw) = raw else { continue };
            let pointer = format!("{}/{key}", self.pointer);
            if !read::json_depth_ok(raw.get()) {
                return Err(ParseError::new(
                    Location::Pointer(pointer),
                    format!(
                        "invalid cyclonedx json: nesting deeper than {} levels",
                        read::MAX_JSON_DEPTH
                    ),
                ));
            }
            extensions.push(Property {
                name: pointer,
                value: raw.get().to_owned(),
            });
        }
        Ok(())
    }
}

fn at(pointer: &str, suffix: &str) -> Location {
    Location::Pointer(format!("{pointer}{suffix}"))
}

fn entity(json: JsonEntity) -> Party {
    let email = json.contact.into_iter().find_map(|c| c.email);
    read::organization(json.name, json.url, email)
}

fn hash(json: JsonHash) -> Option<Hash> {
    Some(Hash {
        algorithm: normalize_hash_algorithm(&json.alg?),
        value: json.content?,
    })
}

fn license_choice(json: JsonLicenseChoice) -> Option<ReadLicense> {
    if let Some(expression) = json.expression {
        return Some(ReadLicense {
            license: License::Expression(expression),
            concluded: json.acknowledgement.as_deref() == Some("concluded"),
        });
    }
    let license = json.license?;
    let concluded = license.acknowledgement.as_deref() == Some("concluded");
    let license = match (license.id, license.name) {
        (Some(id), _) => License::Id(id),
        (None, Some(name)) => License::Name(name),
        (None, None) => return None,
    };
    Some(ReadLicense { license, concluded })
}

fn external_ref(json: JsonExternalRef) -> ExternalRef {
    ExternalRef {
        kind: json.kind.unwrap_or_else(|| "other".to_owned()),
        url: json.url.unwrap_or_default(),
        comment: json.comment,
    }
}

fn property(json: JsonProperty) -> Option<Property> {
    Some(Property {
        name: json.name?,
        value: json.value.unwrap_or_default(),
    })
}
