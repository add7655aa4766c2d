//! CycloneDX JSON reader (spec versions 1.2–1.7).
//!
//! The document is deserialized into private serde structs that mirror the schema (lenient about
//! omitted fields, exact about types), then converted to the model by hand. When `metadata`
//! comes before `components` (as producers write it), each component is converted as soon as
//! it is parsed, so the whole tree of serde structs never exists next to the model; conversion
//! errors found that way are reported only after the whole document parsed, so the outcome
//! is the same as parsing everything first (see [`BomSeed`]). Objects the model
//! has no field for (evidence, pedigree, …) are captured as raw JSON and kept as extensions.
//! On a syntax or type error the document is parsed a second time with path tracking, so the
//! error carries a JSON pointer without slowing down the common case.

use std::borrow::Cow;
use std::fmt::Write as _;

use medsbom_model::{
    Affect, AffectedVersion, Analysis, ComponentExtraFields, Composition, Diagnostic, ExternalRef,
    Hash, Identifier, License, Location, ParseError, Parsed, Party, Property, Rating, Relationship,
    RelationshipKind, Sbom, SbomFormat, SwidRef, Tool, Vulnerability, normalize_hash_algorithm,
};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
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
    /// Borrowed from the input when it has no escapes (always, in practice), which also tells
    /// where in the input the component is.
    #[serde(borrow, deserialize_with = "borrowed_text")]
    #[serde(rename = "type")]
    kind: Option<Cow<'a, str>>,
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

/// An optional string, borrowed from the input unless it has escapes (serde's `borrow` does
/// not reach into an `Option`).
fn borrowed_text<'de: 'a, 'a, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    struct Text<'a>(#[serde(borrow)] Cow<'a, str>);
    Ok(Option::<Text<'a>>::deserialize(deserializer)?.map(|text| text.0))
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
    let mut convert = Convert {
        text,
        sbom: Sbom::new(SbomFormat::CycloneDx, ""),
        diagnostics: Vec::new(),
        refs: Refs::default(),
        pointer: String::new(),
        streamed: Streamed::default(),
        failed: None,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = BomSeed {
        convert: Some(&mut convert),
    }
    .deserialize(&mut deserializer)
    .and_then(|bom| deserializer.end().map(|()| bom));
    let bom = match parsed {
        Ok(bom) => bom,
        Err(error) => {
            let inner = bom_error_pointer(text);
            return Err(located_error(text, text, "", inner, &error));
        }
    };
    convert.document(bom)?;
    Ok(Parsed {
        sbom: convert.sbom,
        diagnostics: convert.diagnostics,
    })
}

/// The top-level keys of a BOM the reader knows (the rest are skipped).
#[derive(Deserialize, Clone, Copy)]
#[serde(field_identifier)]
enum BomKey {
    #[serde(rename = "bomFormat")]
    BomFormat,
    #[serde(rename = "specVersion")]
    SpecVersion,
    #[serde(rename = "serialNumber")]
    SerialNumber,
    #[serde(rename = "version")]
    Version,
    #[serde(rename = "metadata")]
    Metadata,
    #[serde(rename = "components")]
    Components,
    #[serde(rename = "services")]
    Services,
    #[serde(rename = "dependencies")]
    Dependencies,
    #[serde(rename = "compositions")]
    Compositions,
    #[serde(rename = "vulnerabilities")]
    Vulnerabilities,
    #[serde(rename = "properties")]
    Properties,
    #[serde(rename = "externalReferences")]
    ExternalReferences,
    #[serde(rename = "annotations")]
    Annotations,
    #[serde(rename = "formulation")]
    Formulation,
    #[serde(rename = "declarations")]
    Declarations,
    #[serde(rename = "definitions")]
    Definitions,
    #[serde(rename = "citations")]
    Citations,
    #[serde(rename = "signature")]
    Signature,
    #[serde(other)]
    Other,
}

impl BomKey {
    fn name(self) -> &'static str {
        match self {
            BomKey::BomFormat => "bomFormat",
            BomKey::SpecVersion => "specVersion",
            BomKey::SerialNumber => "serialNumber",
            BomKey::Version => "version",
            BomKey::Metadata => "metadata",
            BomKey::Components => "components",
            BomKey::Services => "services",
            BomKey::Dependencies => "dependencies",
            BomKey::Compositions => "compositions",
            BomKey::Vulnerabilities => "vulnerabilities",
            BomKey::Properties => "properties",
            BomKey::ExternalReferences => "externalReferences",
            BomKey::Annotations => "annotations",
            BomKey::Formulation => "formulation",
            BomKey::Declarations => "declarations",
            BomKey::Definitions => "definitions",
            BomKey::Citations => "citations",
            BomKey::Signature => "signature",
            BomKey::Other => "",
        }
    }
}

/// Reads the top-level object of a BOM. With a converter, `metadata` is converted as soon as
/// it is read and, when it came first (as every common producer writes it), the `components`
/// array is converted element by element while it is read, so the document never exists as
/// a whole tree of serde structs next to the model. Everything else (and the components of a
/// document whose `metadata` comes later) is collected into [`JsonBom`] and converted by
/// [`Convert::document`] in the same order as before, so the result does not depend on the
/// order of the keys. Without a converter (when an error is located a second time), the
/// same shape is read and dropped.
struct BomSeed<'c, 'a> {
    convert: Option<&'c mut Convert<'a>>,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for BomSeed<'_, 'a> {
    type Value = JsonBom<'a>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<JsonBom<'a>, D::Error> {
        deserializer.deserialize_struct("JsonBom", BOM_FIELDS, self)
    }
}

/// The keys of [`JsonBom`], in declaration order (what serde's derive would pass).
const BOM_FIELDS: &[&str] = &[
    "bomFormat",
    "specVersion",
    "serialNumber",
    "version",
    "metadata",
    "components",
    "services",
    "dependencies",
    "compositions",
    "vulnerabilities",
    "properties",
    "externalReferences",
    "annotations",
    "formulation",
    "declarations",
    "definitions",
    "citations",
    "signature",
];

impl<'de: 'a, 'a> Visitor<'de> for BomSeed<'_, 'a> {
    type Value = JsonBom<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("struct JsonBom")
    }

    /// A top-level array is read positionally, as serde's derive does for any struct.
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<JsonBom<'a>, A::Error> {
        JsonBom::deserialize(SeqAccessDeserializer::new(seq))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<JsonBom<'a>, A::Error> {
        let mut bom = JsonBom::default();
        let mut seen = 0_u32;
        while let Some(key) = map.next_key::<BomKey>()? {
            if !matches!(key, BomKey::Other) {
                let bit = 1 << (key as u32);
                if seen & bit != 0 {
                    return Err(serde::de::Error::duplicate_field(key.name()));
                }
                seen |= bit;
            }
            match key {
                BomKey::BomFormat => bom.bom_format = map.next_value()?,
                BomKey::SpecVersion => bom.spec_version = map.next_value()?,
                BomKey::SerialNumber => bom.serial_number = map.next_value()?,
                BomKey::Version => bom.version = map.next_value()?,
                BomKey::Metadata => {
                    let metadata: Option<JsonMetadata<'a>> = map.next_value()?;
                    let components_seen = seen & (1 << (BomKey::Components as u32)) != 0;
                    match (&mut self.convert, metadata) {
                        (Some(convert), Some(metadata)) if !components_seen => {
                            convert.streamed.metadata = true;
                            convert.defer(|convert| convert.metadata(metadata));
                        }
                        (_, metadata) => bom.metadata = metadata,
                    }
                }
                BomKey::Components => {
                    let metadata_seen = seen & (1 << (BomKey::Metadata as u32)) != 0;
                    match &mut self.convert {
                        Some(convert) if metadata_seen => {
                            convert.streamed.components = true;
                            map.next_value_seed(ComponentsSeed { convert })?;
                        }
                        _ => bom.components = map.next_value()?,
                    }
                }
                BomKey::Services => bom.services = map.next_value()?,
                BomKey::Dependencies => bom.dependencies = map.next_value()?,
                BomKey::Compositions => bom.compositions = map.next_value()?,
                BomKey::Vulnerabilities => bom.vulnerabilities = map.next_value()?,
                BomKey::Properties => bom.properties = map.next_value()?,
                BomKey::ExternalReferences => bom.external_references = map.next_value()?,
                BomKey::Annotations => bom.annotations = map.next_value()?,
                BomKey::Formulation => bom.formulation = map.next_value()?,
                BomKey::Declarations => bom.declarations = map.next_value()?,
                BomKey::Definitions => bom.definitions = map.next_value()?,
                BomKey::Citations => bom.citations = map.next_value()?,
                BomKey::Signature => bom.signature = map.next_value()?,
                BomKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(bom)
    }
}

/// After how many components the reader estimates how many follow.
const SIZE_SAMPLE: usize = 16;

/// Converts the top-level `components` array element by element as it is read.
struct ComponentsSeed<'c, 'a> {
    convert: &'c mut Convert<'a>,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for ComponentsSeed<'_, 'a> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for ComponentsSeed<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut idx = 0_usize;
        let mut first_offset = None;
        while let Some(component) = seq.next_element::<JsonComponent<'a>>()? {
            match idx {
                0 => first_offset = self.convert.offset_of(component.kind.as_ref()),
                SIZE_SAMPLE => {
                    let offset = self.convert.offset_of(component.kind.as_ref());
                    if let (Some(first), Some(offset)) = (first_offset, offset) {
                        self.convert.reserve_components(first, offset);
                    }
                }
                _ => {}
            }
            let pointer = format!("/components/{idx}");
            self.convert
                .defer(|convert| convert.components(component, pointer).map(drop));
            idx += 1;
        }
        Ok(())
    }
}

/// The JSON pointer of the serde error in a whole document: the document is read a second
/// time, without converting, with path tracking (only on this failure path).
fn bom_error_pointer(text: &str) -> String {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
    match (BomSeed { convert: None }).deserialize(tracked) {
        Ok(_) => String::new(),
        Err(_) => pointer_from_path(&track.path()),
    }
}

/// The JSON pointer of the serde error in `part`, read a second time as a `T` with path
/// tracking (only on this failure path).
fn error_pointer<'a, T: Deserialize<'a>>(part: &'a str) -> String {
    let mut deserializer = serde_json::Deserializer::from_str(part);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => String::new(),
        Err(tracked) => pointer_from_path(tracked.path()),
    }
}

/// A parse error with a JSON pointer and the line and column in the whole document.
///
/// `part` is the text that failed to parse: the whole document, or a nested component read
/// on its own (a slice of `text` found at `pointer`); `inner` is the pointer of the error
/// inside `part`.
fn located_error(
    text: &str,
    part: &str,
    pointer: &str,
    inner: String,
    error: &serde_json::Error,
) -> ParseError {
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
    /// What was converted while the document was being read.
    streamed: Streamed,
    /// The first error of a conversion done while the document was being read. It is
    /// reported only once the whole document has parsed, so that a syntax or type error
    /// anywhere in the document wins, as when everything was parsed before converting.
    failed: Option<ParseError>,
}

/// Parts of the document converted while it was being read.
#[derive(Default)]
struct Streamed {
    metadata: bool,
    components: bool,
}

impl<'a> Convert<'a> {
    fn here(&self) -> Location {
        Location::Pointer(self.pointer.clone())
    }

    /// The byte offset in the document of a string borrowed from it.
    fn offset_of(&self, text: Option<&Cow<'a, str>>) -> Option<usize> {
        match text {
            Some(Cow::Borrowed(borrowed)) => {
                (borrowed.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize)
            }
            _ => None,
        }
    }

    /// Reserves room for the components that probably follow, from the bytes the first
    /// [`SIZE_SAMPLE`] components took (`first` and `sample` are the offsets of the first
    /// and the last of them) and the bytes left in the document. Growing a vector of
    /// 50,000 components by doubling copies it again and again and leaves the old blocks
    /// behind, which costs a large share of the peak memory; an estimate too high costs only
    /// address space (pages never touched are never resident).
    fn reserve_components(&mut self, first: usize, sample: usize) {
        // At least 128 bytes each, so that a few tiny components before a large tail cannot
        // reserve more than about 7 bytes of address space per input byte.
        let bytes_per_component = (sample.saturating_sub(first) / SIZE_SAMPLE).max(128);
        let left = self.text.len().saturating_sub(sample) / bytes_per_component;
        // An allocation failure here is not an error: the vector then grows as it goes.
        let _ = self.sbom.components.try_reserve_exact(left + 1);
    }

    /// Runs a conversion step during the parse, unless an earlier one failed; keeps the
    /// first failure for [`Convert::document`].
    fn defer(&mut self, step: impl FnOnce(&mut Convert<'a>) -> Result<(), ParseError>) {
        if self.failed.is_some() {
            return;
        }
        if let Err(error) = step(self) {
            self.failed = Some(error);
        }
    }

    fn document(&mut self, mut bom: JsonBom<'a>) -> Result<(), ParseError> {
        let mut header = Vec::new();
        match bom.bom_format.as_deref() {
            Some("CycloneDX") => {}
            Some(other) => {
                return Err(ParseError::new(
                    Location::Pointer("/bomFormat".to_owned()),
                    format!("not a cyclonedx document: bomFormat is \"{other}\""),
                ));
            }
            None if bom.spec_version.is_some() => header.push(Diagnostic::error(
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
                    &mut header,
                );
                self.sbom.spec_version = spec_version;
            }
            None => header.push(Diagnostic::error(
                Location::Pointer(String::new()),
                "specVersion is missing",
            )),
        }
        // The document-level diagnostics come first, before those of anything converted
        // while the document was being read.
        self.diagnostics.splice(0..0, header);
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        self.sbom.serial_number = bom.serial_number.take();
        self.sbom.version = bom.version;

        if let Some(metadata) = bom.metadata.take() {
            debug_assert!(!self.streamed.metadata, "metadata is read once");
            self.metadata(metadata)?;
        }
        for (idx, component) in std::mem::take(&mut bom.components).into_iter().enumerate() {
            debug_assert!(!self.streamed.components, "components are read once");
            self.components(component, format!("/components/{idx}"))?;
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
            let root = self.components(component, "/metadata/component".to_owned())?;
            let bom_ref = self
                .sbom
                .components
                .get(root)
                .map(|c| c.bom_ref.clone())
                .unwrap_or_default();
            self.sbom.roots.push(bom_ref);
            if self.sbom.manufacturer.is_none() {
                self.sbom.manufacturer = self
                    .sbom
                    .components
                    .get(first)
                    .and_then(|c| c.extra.manufacturer.clone());
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
            Err(error) => {
                let inner = error_pointer::<T>(raw.get());
                Err(located_error(self.text, raw.get(), pointer, inner, &error))
            }
        }
    }

    /// Converts a top-level component and everything nested in it (depth first, in document
    /// order); returns the index in [`Sbom::components`] of the first one.
    fn components(
        &mut self,
        mut first: JsonComponent<'a>,
        pointer: String,
    ) -> Result<usize, ParseError> {
        self.pointer = pointer;
        let children = self.component(&mut first, None)?;
        let res = self.sbom.components.len() - 1;
        if children.is_empty() {
            return Ok(res);
        }
        // Nested components stay raw until their turn, so nesting costs heap rather than
        // call stack.
        let mut stack = Vec::new();
        self.push_children(&mut stack, children, res, 1);
        while let Some((raw, pointer, parent, depth)) = stack.pop() {
            if read::MAX_NESTING < depth {
                return Err(ParseError::new(
                    Location::Pointer(pointer),
                    format!(
                        "invalid cyclonedx json: components nested deeper than {} levels",
                        read::MAX_NESTING
                    ),
                ));
            }
            let mut json = self.parse_nested::<JsonComponent<'a>>(raw, &pointer)?;
            self.pointer = pointer;
            let children = self.component(&mut json, Some(&parent))?;
            let converted = self.sbom.components.len() - 1;
            let bom_ref = self
                .sbom
                .components
                .get(converted)
                .map(|c| c.bom_ref.clone())
                .unwrap_or_default();
            self.sbom.relationships.push(Relationship {
                from: parent,
                to: bom_ref,
                kind: RelationshipKind::Contains,
                original: None,
            });
            self.push_children(&mut stack, children, converted, depth + 1);
        }
        Ok(res)
    }

    /// Stacks the nested components of the component at `parent_idx`, the first on top.
    fn push_children(
        &self,
        stack: &mut Vec<(&'a RawValue, String, String, usize)>,
        children: Vec<&'a RawValue>,
        parent_idx: usize,
        depth: usize,
    ) {
        let parent = self
            .sbom
            .components
            .get(parent_idx)
            .map(|c| c.bom_ref.as_str())
            .unwrap_or_default();
        for (idx, child) in children.into_iter().enumerate().rev() {
            let child_pointer = format!("{}/components/{idx}", self.pointer);
            stack.push((child, child_pointer, parent.to_owned(), depth));
        }
    }

    /// Converts one component (pushed onto [`Sbom::components`]); returns its nested
    /// components (raw).
    fn component(
        &mut self,
        json: &mut JsonComponent<'a>,
        parent: Option<&str>,
    ) -> Result<Vec<&'a RawValue>, ParseError> {
        let bom_ref = self.refs.assign(
            json.bom_ref.take(),
            &|| at(&self.pointer, "/bom-ref"),
            &mut self.diagnostics,
        );
        let mut component = medsbom_model::Component {
            bom_ref,
            ..Default::default()
        };
        // The less common fields are gathered here and allocated only when one is set.
        let mut extra = ComponentExtraFields {
            parent: parent.map(str::to_owned),
            ..ComponentExtraFields::default()
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
        extra.manufacturer = json.manufacturer.take().map(entity);
        extra.authors = json
            .authors
            .drain(..)
            .map(|a| read::person(a.name, a.email))
            .collect();
        if let Some(author) = json.author.take() {
            extra.authors.push(Party {
                name: author,
                ..Party::default()
            });
        }
        extra.publisher = json.publisher.take();
        extra.group = json.group.take();
        component.version = json.version.take();
        extra.description = json.description.take();
        if let Some(scope) = json.scope.take() {
            extra.scope = read::scope(
                &scope,
                &|| at(&self.pointer, "/scope"),
                &mut self.diagnostics,
            );
        }
        // Vectors get their exact size: collecting one element into an empty vector
        // reserves room for four, which for 50,000 components is tens of megabytes.
        component.hashes = Vec::with_capacity(json.hashes.len());
        component
            .hashes
            .extend(json.hashes.drain(..).filter_map(hash));
        let mut licenses = Vec::with_capacity(json.licenses.len());
        licenses.extend(json.licenses.drain(..).filter_map(license_choice));
        extra.license_concluded = read::set_licenses(&mut component.licenses, licenses);
        extra.copyright = json.copyright.take();
        if let Some(cpe) = json.cpe.take() {
            component.cpes = vec![cpe];
        }
        component.purl = json.purl.take();
        extra
            .other_identifiers
            .reserve_exact(json.omnibor_id.len() + json.swhid.len());
        extra
            .other_identifiers
            .extend(json.omnibor_id.drain(..).map(|value| Identifier {
                kind: "omniborId".to_owned(),
                value,
            }));
        extra
            .other_identifiers
            .extend(json.swhid.drain(..).map(|value| Identifier {
                kind: "swhid".to_owned(),
                value,
            }));
        extra.swid = json.swid.take().map(|s| SwidRef {
            tag_id: s.tag_id.unwrap_or_default(),
            name: s.name,
            version: s.version,
            tag_version: s.tag_version,
            patch: s.patch,
        });
        extra.external_refs = json
            .external_references
            .drain(..)
            .map(external_ref)
            .collect();
        component.properties = Vec::with_capacity(json.properties.len());
        component
            .properties
            .extend(json.properties.drain(..).filter_map(property));
        let raw_fields = json.raw_fields();
        self.raw_extensions(raw_fields, &mut extra.extensions)?;
        component.extra = extra.into();
        finish_component(&mut component);
        self.sbom.components.push(component);
        Ok(std::mem::take(&mut json.components))
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
            ..Default::default()
        };
        let mut extra = ComponentExtraFields {
            parent: parent.map(str::to_owned),
            ..ComponentExtraFields::default()
        };
        match json.name.take() {
            Some(name) => component.name = name,
            None => self
                .diagnostics
                .push(Diagnostic::error(self.here(), "service has no name")),
        }
        component.supplier = json.provider.take().map(entity);
        extra.group = json.group.take();
        component.version = json.version.take();
        extra.description = json.description.take();
        let licenses = json.licenses.drain(..).filter_map(license_choice).collect();
        extra.license_concluded = read::set_licenses(&mut component.licenses, licenses);
        extra.external_refs = json
            .external_references
            .drain(..)
            .map(external_ref)
            .collect();
        component.properties = json.properties.drain(..).filter_map(property).collect();
        let raw_fields = json.raw_fields();
        self.raw_extensions(raw_fields, &mut extra.extensions)?;
        component.extra = extra.into();
        finish_component(&mut component);
        let bom_ref = component.bom_ref.clone();
        self.sbom.components.push(component);
        Ok((bom_ref, std::mem::take(&mut json.services)))
    }

    fn dependencies(&mut self, dependencies: Vec<JsonDependency>) {
        let n_edges: usize = dependencies
            .iter()
            .map(|d| d.depends_on.len() + d.provides.len())
            .sum();
        self.sbom.relationships.reserve_exact(n_edges);
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
    let alg = json.alg?;
    let value = json.content?;
    // The spellings the schema allows are already normalized: keep the string.
    let algorithm = match alg.as_str() {
        "MD5" | "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512" | "SHA3-256" | "SHA3-384"
        | "SHA3-512" | "BLAKE2b-256" | "BLAKE2b-384" | "BLAKE2b-512" | "BLAKE3" => alg,
        _ => normalize_hash_algorithm(&alg),
    };
    Some(Hash { algorithm, value })
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
