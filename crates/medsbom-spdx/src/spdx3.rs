//! SPDX 3.0.x JSON-LD → normalized model, reading the canonical serialization as plain JSON:
//! a `@graph` array of objects typed by `type`, referring to each other by `spdxId` (or `@id`
//! for blank nodes such as `_:creationinfo`). No JSON-LD processing: compact type names
//! (`software_Package`) are expected, as the SPDX 3 serialization spec requires.
//!
//! Components are the software artifacts (`software_Package`, `software_File`,
//! `software_Snippet`, `ai_AIPackage`, `dataset_DatasetPackage`). `hasDeclaredLicense` and
//! `hasConcludedLicense` relationships become licence fields; relationships to agents,
//! licences and other non-artifacts are dropped; the document's own id becomes
//! [`DOCUMENT_REF`].

use std::collections::{HashMap, HashSet};

use medsbom_model::{
    Component, ComponentType, DOCUMENT_REF, Diagnostic, ExternalRef, Hash, Identifier, License,
    Location, Milestone, ParseError, Parsed, Party, PartyKind, Relationship, RelationshipKind,
    Sbom, SbomFormat, Support, SupportLevel, SwidRef, normalize_hash_algorithm,
};
use serde_json::{Map, Value};

use crate::agent;
use crate::convention;
use crate::json_error;
use crate::read2::{clip, is_none_or_noassertion};
use crate::unique::UniqueNames;

const NONE_ELEMENT: &str = "https://spdx.org/rdf/3.0.1/terms/Core/NoneElement";
const NO_ASSERTION_ELEMENT: &str = "https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement";

/// Reads an SPDX 3 JSON-LD document.
pub(crate) fn read(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(err) => return Err(json_error(&err, "spdx 3 json-ld")),
    };
    let Value::Object(mut root) = value else {
        return Err(ParseError::new(
            Location::Pointer(String::new()),
            "spdx 3 json-ld document is not a json object",
        ));
    };
    let (graph, graph_pointer) = match root.remove("@graph") {
        Some(Value::Array(items)) => (items, "/@graph"),
        Some(_) => {
            return Err(ParseError::new(
                Location::Pointer("/@graph".to_owned()),
                "@graph is not an array",
            ));
        }
        // A document of a single element has no @graph.
        None if root.contains_key("type") => (vec![Value::Object(root.clone())], ""),
        None => {
            return Err(ParseError::new(
                Location::Document,
                "not an spdx 3 json-ld document: no @graph",
            ));
        }
    };
    let mut reader = Reader::new(&graph, graph_pointer);
    match root.get("@context") {
        Some(Value::String(context)) if context.contains("spdx.org/rdf/3") => {}
        Some(Value::Array(_)) => {}
        _ => reader.diagnostics.push(Diagnostic::warning(
            Location::Pointer("/@context".to_owned()),
            "no spdx 3 @context; read as spdx 3 anyway",
        )),
    }
    Ok(reader.read())
}

struct Reader<'a> {
    graph: &'a [Value],
    graph_pointer: &'a str,
    /// Element id → index in the graph (first occurrence).
    index: HashMap<&'a str, usize>,
    diagnostics: Vec<Diagnostic>,
}

/// The role an element plays for the model.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Component,
    Document,
    Sbom,
    Other,
}

fn element_type(element: &Map<String, Value>) -> &str {
    element
        .get("type")
        .or_else(|| element.get("@type"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn role(element_type: &str) -> Role {
    match element_type {
        "software_Package"
        | "software_File"
        | "software_Snippet"
        | "ai_AIPackage"
        | "dataset_DatasetPackage" => Role::Component,
        "SpdxDocument" => Role::Document,
        "software_Sbom" | "Bom" => Role::Sbom,
        _ => Role::Other,
    }
}

fn element_id(element: &Map<String, Value>) -> Option<&str> {
    element
        .get("spdxId")
        .or_else(|| element.get("@id"))
        .and_then(Value::as_str)
}

impl<'a> Reader<'a> {
    fn new(graph: &'a [Value], graph_pointer: &'a str) -> Reader<'a> {
        let mut reader = Reader {
            graph,
            graph_pointer,
            index: HashMap::with_capacity(graph.len()),
            diagnostics: Vec::new(),
        };
        for (idx, value) in graph.iter().enumerate() {
            let Some(element) = value.as_object() else {
                reader.diagnostics.push(Diagnostic::warning(
                    reader.pointer(idx, ""),
                    "graph entry is not an object; ignored",
                ));
                continue;
            };
            let Some(id) = element_id(element) else {
                continue;
            };
            if reader.index.contains_key(id) {
                reader.diagnostics.push(Diagnostic::warning(
                    reader.pointer(idx, ""),
                    format!("duplicate spdxId {:?}; the first element is used", clip(id)),
                ));
                continue;
            }
            reader.index.insert(id, idx);
        }
        reader
    }

    fn pointer(&self, idx: usize, field: &str) -> Location {
        let field = if field.is_empty() {
            String::new()
        } else {
            format!("/{field}")
        };
        Location::Pointer(format!("{}/{idx}{field}", self.graph_pointer))
    }

    fn get(&self, id: &str) -> Option<&'a Map<String, Value>> {
        self.index
            .get(id)
            .and_then(|idx| self.graph.get(*idx))
            .and_then(Value::as_object)
    }

    /// A string field; a value of another type is reported and ignored.
    fn text(
        &mut self,
        element: &'a Map<String, Value>,
        idx: usize,
        field: &str,
    ) -> Option<&'a str> {
        match element.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text),
            Some(_) => {
                self.diagnostics.push(Diagnostic::warning(
                    self.pointer(idx, field),
                    format!("{field} is not a string; ignored"),
                ));
                None
            }
        }
    }

    /// A list of strings (a single string counts as a list of one).
    fn texts(&mut self, element: &'a Map<String, Value>, idx: usize, field: &str) -> Vec<&'a str> {
        match element.get(field) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(text)) => vec![text.as_str()],
            Some(Value::Array(items)) => {
                let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                if texts.len() != items.len() {
                    self.diagnostics.push(Diagnostic::warning(
                        self.pointer(idx, field),
                        format!("{field} has entries that are not strings; they are ignored"),
                    ));
                }
                texts
            }
            Some(_) => {
                self.diagnostics.push(Diagnostic::warning(
                    self.pointer(idx, field),
                    format!("{field} is not a list of strings; ignored"),
                ));
                Vec::new()
            }
        }
    }

    /// The objects of a list field.
    fn objects(
        &mut self,
        element: &'a Map<String, Value>,
        idx: usize,
        field: &str,
    ) -> Vec<&'a Map<String, Value>> {
        match element.get(field) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(object)) => vec![object],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
            Some(_) => {
                self.diagnostics.push(Diagnostic::warning(
                    self.pointer(idx, field),
                    format!("{field} is not a list of objects; ignored"),
                ));
                Vec::new()
            }
        }
    }

    /// The creation info of an element: inline, or a reference to a `CreationInfo` node.
    fn creation_info(&self, element: &'a Map<String, Value>) -> Option<&'a Map<String, Value>> {
        match element.get("creationInfo")? {
            Value::Object(info) => Some(info),
            Value::String(id) => self.get(id),
            _ => None,
        }
    }

    /// An agent reference as a party (unresolvable references keep the id as the name).
    fn party(&self, id: &str) -> Party {
        let Some(agent) = self.get(id) else {
            return Party {
                kind: PartyKind::Unspecified,
                name: id.to_owned(),
                ..Party::default()
            };
        };
        let kind = match element_type(agent) {
            "Person" => PartyKind::Person,
            "Organization" => PartyKind::Organization,
            _ => PartyKind::Unspecified,
        };
        let name = agent.get("name").and_then(Value::as_str).unwrap_or(id);
        let email = agent
            .get("externalIdentifier")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .find(|x| x.get("externalIdentifierType").and_then(Value::as_str) == Some("email"))
            .and_then(|x| x.get("identifier"))
            .and_then(Value::as_str);
        Party {
            kind,
            name: name.to_owned(),
            email: email.map(str::to_owned),
            urls: Vec::new(),
        }
    }

    /// The licence text of a licence element: its expression, the SPDX licence id of a listed
    /// licence, or its name.
    fn license_text(&self, id: &str) -> String {
        let Some(element) = self.get(id) else {
            return id
                .strip_prefix("https://spdx.org/licenses/")
                .unwrap_or(id)
                .to_owned();
        };
        for field in [
            "simplelicensing_licenseExpression",
            "expandedlicensing_licenseId",
            "name",
        ] {
            if let Some(text) = element.get(field).and_then(Value::as_str) {
                return text.to_owned();
            }
        }
        id.strip_prefix("https://spdx.org/licenses/")
            .unwrap_or(id)
            .to_owned()
    }

    fn read(mut self) -> Parsed {
        let graph = self.graph;
        let mut sbom = Sbom::new(SbomFormat::Spdx, "");
        let document = graph
            .iter()
            .enumerate()
            .filter_map(|(idx, v)| v.as_object().map(|o| (idx, o)))
            .find(|(_, o)| role(element_type(o)) == Role::Document);
        let document_id = document.and_then(|(_, o)| element_id(o));
        self.read_document(&mut sbom, document);

        // Components, in graph order.
        let mut component_idx: HashMap<&str, usize> = HashMap::new();
        let mut used_refs = UniqueNames::with_capacity(graph.len());
        for (idx, value) in graph.iter().enumerate() {
            let Some(element) = value.as_object() else {
                continue;
            };
            if role(element_type(element)) != Role::Component {
                continue;
            }
            let mut component = self.component(element, idx);
            if component.bom_ref.is_empty() {
                component.bom_ref = format!("_:medsbom-element-{idx}");
                self.diagnostics.push(Diagnostic::error(
                    self.pointer(idx, ""),
                    format!("element has no spdxId; using {}", component.bom_ref),
                ));
            }
            if !used_refs.take(&component.bom_ref) {
                // Reported when the index was built; keep the element under a new id.
                component.bom_ref = used_refs.claim(&component.bom_ref, "-duplicate-");
            } else if let Some(id) = element_id(element) {
                component_idx.insert(id, sbom.components.len());
            }
            sbom.components.push(component);
        }

        // Roots: the document's root elements (looking through an Sbom to its roots), every
        // Sbom's roots, and whatever the document `describes`.
        let mut roots: Vec<String> = Vec::new();
        if let Some((idx, element)) = document {
            for root in self.texts(element, idx, "rootElement") {
                // An Sbom root contributes its own roots below.
                if self.get(root).map(|o| role(element_type(o))) != Some(Role::Sbom) {
                    roots.push(root.to_owned());
                }
            }
        }
        for (idx, value) in graph.iter().enumerate() {
            let Some(element) = value.as_object() else {
                continue;
            };
            if role(element_type(element)) != Role::Sbom {
                continue;
            }
            for root in self.texts(element, idx, "rootElement") {
                roots.push(root.to_owned());
            }
            for sbom_type in self.texts(element, idx, "software_sbomType") {
                if !sbom.lifecycles.iter().any(|l| l == sbom_type) {
                    sbom.lifecycles.push(sbom_type.to_owned());
                }
            }
            if sbom.name.is_none() {
                sbom.name = element
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
        }

        // Relationships and annotations.
        let imported: HashSet<&str> = document
            .map(|(_, o)| o)
            .and_then(|o| o.get("import"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| m.get("externalSpdxId").and_then(Value::as_str))
            .collect();
        let mut seen: HashSet<(String, String, RelationshipKind)> = HashSet::new();
        for (idx, value) in graph.iter().enumerate() {
            let Some(element) = value.as_object() else {
                continue;
            };
            match element_type(element) {
                "Relationship" | "LifecycleScopedRelationship" => {}
                "Annotation" => {
                    self.annotation(element, idx, &component_idx, &mut sbom);
                    continue;
                }
                _ => continue,
            }
            let Some(from) = self.text(element, idx, "from") else {
                self.diagnostics.push(Diagnostic::error(
                    self.pointer(idx, "from"),
                    "relationship has no from",
                ));
                continue;
            };
            let Some(relationship_type) = self.text(element, idx, "relationshipType") else {
                self.diagnostics.push(Diagnostic::error(
                    self.pointer(idx, "relationshipType"),
                    "relationship has no relationshipType",
                ));
                continue;
            };
            let targets = self.texts(element, idx, "to");
            if matches!(
                relationship_type,
                "hasDeclaredLicense" | "hasConcludedLicense"
            ) {
                let Some(component) = component_idx
                    .get(from)
                    .and_then(|c| sbom.components.get_mut(*c))
                else {
                    continue;
                };
                for target in targets {
                    let text = self.license_text(target);
                    if relationship_type == "hasDeclaredLicense" {
                        component.licenses.push(License::Expression(text));
                    } else if component.extra.license_concluded.is_none() {
                        component.extra.license_concluded = Some(text);
                    }
                }
                continue;
            }
            let Some(from) = self.endpoint(from, document_id, &component_idx, &imported, idx)
            else {
                continue;
            };
            for target in targets {
                let Some(to) = self.endpoint(target, document_id, &component_idx, &imported, idx)
                else {
                    continue;
                };
                let relationship = normalize_relationship(&from, relationship_type, &to);
                if relationship.kind == RelationshipKind::Describes
                    && relationship.from == DOCUMENT_REF
                {
                    roots.push(relationship.to.clone());
                }
                let key = (
                    relationship.from.clone(),
                    relationship.to.clone(),
                    relationship.kind.clone(),
                );
                if seen.insert(key) {
                    sbom.relationships.push(relationship);
                }
            }
        }

        let mut seen_roots = HashSet::new();
        for root in roots {
            if !component_idx.contains_key(root.as_str()) {
                if !imported.contains(root.as_str()) {
                    self.diagnostics.push(Diagnostic::warning(
                        Location::Document,
                        format!(
                            "root element {:?} is not a software artifact of the document",
                            clip(&root)
                        ),
                    ));
                }
                continue;
            }
            if seen_roots.insert(root.clone()) {
                sbom.roots.push(root);
            }
        }
        Parsed {
            sbom,
            diagnostics: self.diagnostics,
        }
    }

    /// Document-level fields: id, name, creation info (timestamp, authors, tools, spec
    /// version) and data licence.
    fn read_document(
        &mut self,
        sbom: &mut Sbom,
        document: Option<(usize, &'a Map<String, Value>)>,
    ) {
        let graph = self.graph;
        let info = match document {
            Some((_, element)) => self.creation_info(element),
            None => graph
                .iter()
                .filter_map(Value::as_object)
                .find(|o| element_type(o) == "CreationInfo"),
        };
        if let Some((idx, element)) = document {
            sbom.serial_number = element_id(element).map(str::to_owned);
            sbom.name = self.text(element, idx, "name").map(str::to_owned);
            if let Some(license) = self.text(element, idx, "dataLicense") {
                sbom.data_license = Some(self.license_text(license));
            }
        } else {
            self.diagnostics.push(Diagnostic::warning(
                Location::Document,
                "no SpdxDocument element",
            ));
        }
        let Some(info) = info else {
            self.diagnostics.push(Diagnostic::error(
                Location::Document,
                "no creationInfo for the document",
            ));
            sbom.spec_version = "3.0".to_owned();
            return;
        };
        sbom.spec_version = info
            .get("specVersion")
            .and_then(Value::as_str)
            .unwrap_or("3.0")
            .to_owned();
        sbom.timestamp = info
            .get("created")
            .and_then(Value::as_str)
            .map(str::to_owned);
        for agent in info
            .get("createdBy")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            sbom.authors.push(self.party(agent));
        }
        for tool in info
            .get("createdUsing")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let name = self
                .get(tool)
                .and_then(|t| t.get("name"))
                .and_then(Value::as_str)
                .unwrap_or(tool);
            // Tools name themselves `name-1.2` in SPDX 3 as in SPDX 2.
            sbom.tools.push(agent::split_tool(name));
        }
    }

    fn component(&mut self, element: &'a Map<String, Value>, idx: usize) -> Component {
        let element_type = element_type(element);
        let mut component = Component {
            bom_ref: element_id(element).unwrap_or_default().to_owned(),
            name: self
                .text(element, idx, "name")
                .unwrap_or_default()
                .to_owned(),
            ..Component::default()
        };
        component.kind = match element_type {
            "software_File" | "software_Snippet" => ComponentType::File,
            "ai_AIPackage" => ComponentType::MachineLearningModel,
            "dataset_DatasetPackage" => ComponentType::Data,
            _ => match self.text(element, idx, "software_primaryPurpose") {
                Some(purpose) => purpose_kind(purpose),
                None => ComponentType::Library,
            },
        };
        component.version = self
            .text(element, idx, "software_packageVersion")
            .map(str::to_owned);
        if let Some(description) = self
            .text(element, idx, "description")
            .or_else(|| element.get("summary").and_then(Value::as_str))
        {
            component.extra.description = Some(description.to_owned());
        }
        if let Some(copyright) = self.text(element, idx, "software_copyrightText") {
            component.extra.copyright = Some(copyright.to_owned());
        }
        if let Some(supplier) = self.text(element, idx, "suppliedBy") {
            component.supplier = Some(self.party(supplier));
        }
        for originator in self.texts(element, idx, "originatedBy") {
            component.extra.authors.push(self.party(originator));
        }
        if let Some(purl) = self.text(element, idx, "software_packageUrl") {
            component.purl = Some(purl.to_owned());
        }
        for identifier in self.objects(element, idx, "externalIdentifier") {
            let kind = identifier
                .get("externalIdentifierType")
                .and_then(Value::as_str)
                .unwrap_or("other");
            let Some(value) = identifier.get("identifier").and_then(Value::as_str) else {
                continue;
            };
            match kind {
                "cpe22" | "cpe23" => component.cpes.push(value.to_owned()),
                "packageUrl" if component.purl.is_none() => component.purl = Some(value.to_owned()),
                "packageUrl" if component.purl.as_deref() == Some(value) => {}
                "swid" if component.extra.swid.is_none() => {
                    component.extra.swid = Some(SwidRef {
                        tag_id: value.to_owned(),
                        ..SwidRef::default()
                    });
                }
                _ => component.extra.other_identifiers.push(Identifier {
                    kind: kind.to_owned(),
                    value: value.to_owned(),
                }),
            }
        }
        for hash in self.objects(element, idx, "verifiedUsing") {
            if hash.get("type").and_then(Value::as_str) != Some("Hash") {
                continue;
            }
            let (Some(algorithm), Some(value)) = (
                hash.get("algorithm").and_then(Value::as_str),
                hash.get("hashValue").and_then(Value::as_str),
            ) else {
                continue;
            };
            component.hashes.push(Hash {
                algorithm: hash_algorithm(algorithm),
                value: value.to_owned(),
            });
        }
        if let Some(url) = self
            .text(element, idx, "software_downloadLocation")
            .filter(|u| !is_none_or_noassertion(u))
        {
            component.extra.external_refs.push(ExternalRef {
                kind: "distribution".to_owned(),
                url: url.to_owned(),
                comment: None,
            });
        }
        if let Some(url) = self
            .text(element, idx, "software_homePage")
            .filter(|u| !is_none_or_noassertion(u))
        {
            component.extra.external_refs.push(ExternalRef {
                kind: "website".to_owned(),
                url: url.to_owned(),
                comment: None,
            });
        }
        for external_ref in self.objects(element, idx, "externalRef") {
            let kind = external_ref
                .get("externalRefType")
                .and_then(Value::as_str)
                .unwrap_or("other");
            let locators: Vec<&str> = match external_ref.get("locator") {
                Some(Value::String(locator)) => vec![locator],
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            for locator in locators {
                component.extra.external_refs.push(ExternalRef {
                    kind: kind.to_owned(),
                    url: locator.to_owned(),
                    comment: external_ref
                        .get("comment")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                });
            }
        }
        component.support = self.support(element, idx);
        component
    }

    fn support(&mut self, element: &'a Map<String, Value>, idx: usize) -> Support {
        let mut support = Support::default();
        if let Some(level) = self.texts(element, idx, "supportLevel").first() {
            support.level = Some(SupportLevel::normalize(level));
            support.level_text = Some((*level).to_owned());
        }
        if let Some(text) = self.text(element, idx, "validUntilTime") {
            support.end_of_support = Some(Milestone::new("endOfSupport", text));
        }
        if let Some(text) = self.text(element, idx, "releaseTime") {
            support.milestones.push(Milestone::new("releaseDate", text));
        }
        if let Some(text) = self.text(element, idx, "builtTime") {
            support.milestones.push(Milestone::new("builtDate", text));
        }
        support
    }

    /// An `Annotation` element: a property on its subject component, and support data when
    /// the statement is structured.
    fn annotation(
        &mut self,
        element: &'a Map<String, Value>,
        idx: usize,
        component_idx: &HashMap<&str, usize>,
        sbom: &mut Sbom,
    ) {
        let Some(subject) = self.text(element, idx, "subject") else {
            return;
        };
        let statement = self.text(element, idx, "statement").unwrap_or_default();
        let annotation_type = self.text(element, idx, "annotationType");
        let property = convention::annotation_property(annotation_type, statement);
        let Some(component) = component_idx
            .get(subject)
            .and_then(|c| sbom.components.get_mut(*c))
        else {
            sbom.properties.push(property);
            return;
        };
        component.properties.push(property);
        let mut lines = Vec::new();
        convention::structured_lines(statement, &mut lines);
        convention::apply_support(&lines, &mut component.support);
    }

    /// A relationship end as a model reference: a component, the document, `NONE` /
    /// `NOASSERTION`, or an imported element. Ends that are other kinds of elements (agents,
    /// licences, …) give `None`; unknown ends are reported and kept.
    fn endpoint(
        &mut self,
        id: &str,
        document_id: Option<&str>,
        component_idx: &HashMap<&str, usize>,
        imported: &HashSet<&str>,
        idx: usize,
    ) -> Option<String> {
        if Some(id) == document_id {
            return Some(DOCUMENT_REF.to_owned());
        }
        if id == NONE_ELEMENT {
            return Some("NONE".to_owned());
        }
        if id == NO_ASSERTION_ELEMENT {
            return Some("NOASSERTION".to_owned());
        }
        if component_idx.contains_key(id) || imported.contains(id) {
            return Some(id.to_owned());
        }
        if self.index.contains_key(id) {
            return None;
        }
        self.diagnostics.push(Diagnostic::warning(
            self.pointer(idx, ""),
            format!(
                "relationship refers to {:?}, which is not in the document",
                clip(id)
            ),
        ));
        Some(id.to_owned())
    }
}

/// `software_primaryPurpose` → component type; values without a model counterpart are kept.
fn purpose_kind(purpose: &str) -> ComponentType {
    match purpose {
        "model" => ComponentType::MachineLearningModel,
        "operatingSystem" => ComponentType::OperatingSystem,
        "deviceDriver" => ComponentType::DeviceDriver,
        other => ComponentType::parse(other),
    }
}

/// SPDX 3 hash algorithm names (`sha256`, `sha3_256`, `blake2b256`) → CycloneDX spelling.
fn hash_algorithm(algorithm: &str) -> String {
    match algorithm {
        "blake2b256" => "BLAKE2b-256".to_owned(),
        "blake2b384" => "BLAKE2b-384".to_owned(),
        "blake2b512" => "BLAKE2b-512".to_owned(),
        other => normalize_hash_algorithm(other),
    }
}

/// SPDX 3 relationship types → model kinds; every SPDX 3 type reads `from` → `to`.
fn normalize_relationship(from: &str, relationship_type: &str, to: &str) -> Relationship {
    let is_none = |end: &str| end == "NONE" || end == "NOASSERTION";
    let kind = if is_none(from) || is_none(to) {
        RelationshipKind::Other(relationship_type.to_owned())
    } else {
        match relationship_type {
            "describes" => RelationshipKind::Describes,
            "contains" => RelationshipKind::Contains,
            "dependsOn"
            | "hasStaticLink"
            | "hasDynamicLink"
            | "hasOptionalDependency"
            | "hasProvidedDependency"
            | "hasPrerequisite" => RelationshipKind::DependsOn,
            other => RelationshipKind::Other(other.to_owned()),
        }
    };
    Relationship {
        from: from.to_owned(),
        to: to.to_owned(),
        kind,
        original: Some(relationship_type.to_owned()),
    }
}
