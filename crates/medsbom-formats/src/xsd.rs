//! A small XML Schema (XSD 1.0) subset engine, enough for the structural rules of the
//! CycloneDX XML schemas 1.0–1.7 (and the SPDX licence list `spdx.xsd` they import).
//!
//! No maintained XSD validator exists in pure Rust, so this module interprets the bundled
//! official `.xsd` files itself, with these rules:
//! - the root element is `bom` in the namespace of the version;
//! - every child element is declared by the parent's content model (`xs:sequence`,
//!   `xs:choice`, `xs:element`, `xs:any` wildcards, whose content is then not checked);
//! - required child elements are present (`minOccurs`) and bounded ones not repeated
//!   (`maxOccurs`), with elements in a choice counted as optional;
//! - at most one branch of an exclusive `xs:choice` is used (licence `id` versus `name`,
//!   `license` versus `expression`, `version` versus `versionRange`), and a required choice
//!   has one of its branches;
//! - required attributes are present, attributes are declared (unless `xs:anyAttribute`
//!   allows them), elements of simple type and element-only content hold no stray text;
//! - simple types: enumerations, patterns (XSD regular expressions run with the `regex`
//!   crate; a pattern it cannot translate is skipped), length and numeric range facets,
//!   unions, and the built-in types `boolean`, the integer family, `decimal`, `double`,
//!   `dateTime`, `date`, `time`, `base64Binary`, `hexBinary`;
//! - the `xs:unique` constraint on `bom-ref` (every `bom-ref` in the document differs).
//!
//! Not checked: the order of child elements (deliberately: suppliers reorder them and
//! readers do not care), `xs:key`/`xs:keyref`, XSD 1.1 assertions, `fixed` values, and the
//! content of extension elements from other namespaces.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use medsbom_model::Location;
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use regex::Regex;

use crate::text::LineIndex;
use crate::validate::{ValidationError, schema_file};

const XS_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema";
const XSI_NAMESPACE: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// The deepest element nesting validated.
const MAX_DEPTH: usize = 1024;
/// How many enumeration values an error message lists.
const MAX_LISTED_VALUES: usize = 12;

macro_rules! xsd_rules {
    ($version:literal) => {
        concat!(
            "CycloneDX ",
            $version,
            " XML structural rules of the XSD (subset: root element and namespace, declared \
             child elements, minOccurs/maxOccurs, choice exclusivity, required and known \
             attributes, enumerations such as component type, scope and hash alg, patterns \
             such as hash content lengths and serialNumber, lengths, ranges, built-in types \
             such as xs:dateTime, bom-ref uniqueness; not element order)"
        )
    };
}

/// The `rules_checked` text of CycloneDX XML validation for a spec version, or `None` for a
/// version without a schema.
#[must_use]
pub(crate) fn cyclonedx_rules_checked(version: &str) -> Option<&'static str> {
    Some(match version {
        "1.0" => xsd_rules!("1.0"),
        "1.1" => xsd_rules!("1.1"),
        "1.2" => xsd_rules!("1.2"),
        "1.3" => xsd_rules!("1.3"),
        "1.4" => xsd_rules!("1.4"),
        "1.5" => xsd_rules!("1.5"),
        "1.6" => xsd_rules!("1.6"),
        "1.7" => xsd_rules!("1.7"),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// The schema documents as trees.

/// One element of an XSD document (only what the compiler needs).
#[derive(Debug, Default)]
struct Node {
    /// Local name in the XSD namespace (`complexType`); other namespaces are dropped.
    name: String,
    /// Unprefixed attributes.
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// A parsed XSD document: its root, target namespace and prefix bindings.
#[derive(Debug)]
struct SchemaDoc {
    root: Node,
    target_namespace: String,
    prefixes: HashMap<String, String>,
    default_namespace: Option<String>,
    qualified_elements: bool,
}

fn parse_schema_doc(bytes: &[u8], file: &str) -> Result<SchemaDoc, String> {
    let mut reader = NsReader::from_reader(bytes);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    let mut prefixes = HashMap::new();
    let mut default_namespace = None;
    loop {
        let event = reader
            .read_resolved_event()
            .map_err(|err| format!("bundled schema {file} is not well-formed: {err}"))?;
        let is_empty = matches!(event.1, Event::Empty(_));
        match event {
            (resolved, Event::Start(start)) | (resolved, Event::Empty(start)) => {
                let is_xs = matches!(resolved, ResolveResult::Bound(ns) if ns.0 == XS_NAMESPACE);
                if stack.is_empty() && root.is_none() {
                    for attribute in start.attributes().flatten() {
                        let key = attribute.key.as_ref().to_owned();
                        let value = attribute.value.to_string();
                        if let Some(prefix) = key.strip_prefix("xmlns:") {
                            prefixes.insert(prefix.to_owned(), value);
                        } else if key == "xmlns" {
                            default_namespace = Some(value);
                        }
                    }
                }
                let mut node = Node {
                    name: if is_xs {
                        start.local_name().as_ref().to_owned()
                    } else {
                        format!("{{other}}{}", start.local_name().as_ref())
                    },
                    ..Node::default()
                };
                for attribute in start.attributes().flatten() {
                    if attribute.key.prefix().is_none() && attribute.key.as_ref() != "xmlns" {
                        let value = attribute
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_else(|_| attribute.value.to_string());
                        node.attributes
                            .push((attribute.key.as_ref().to_owned(), value));
                    }
                }
                if is_empty {
                    attach(&mut stack, &mut root, node);
                } else {
                    stack.push(node);
                }
            }
            (_, Event::End(_)) => {
                if let Some(node) = stack.pop() {
                    attach(&mut stack, &mut root, node);
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    let root = root.ok_or_else(|| format!("bundled schema {file} has no root element"))?;
    let target_namespace = root.attr("targetNamespace").unwrap_or("").to_owned();
    let qualified_elements = root.attr("elementFormDefault") == Some("qualified");
    Ok(SchemaDoc {
        root,
        target_namespace,
        prefixes,
        default_namespace,
        qualified_elements,
    })
}

fn attach(stack: &mut [Node], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => *root = Some(node),
    }
}

impl SchemaDoc {
    /// The (namespace, local name) of a QName written in this document.
    fn resolve_qname(&self, qname: &str) -> (String, String) {
        match qname.split_once(':') {
            Some((prefix, local)) => (
                self.prefixes.get(prefix).cloned().unwrap_or_default(),
                local.to_owned(),
            ),
            None => (
                self.default_namespace.clone().unwrap_or_default(),
                qname.to_owned(),
            ),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The compiled schema.

type TypeId = usize;

/// (namespace, local name).
type QualifiedName = (String, String);

#[derive(Debug)]
enum TypeDef {
    /// Declared but not compiled yet (only during compilation).
    Pending,
    /// `xs:anyType`: any attributes and content.
    AnyType,
    Complex(ComplexType),
    Simple(SimpleType),
}

#[derive(Debug, Default)]
struct ComplexType {
    attributes: Vec<AttributeDecl>,
    any_attribute: Option<NsConstraint>,
    content: Content,
    mixed: bool,
}

#[derive(Debug, Default)]
enum Content {
    #[default]
    Empty,
    /// Text of a simple type (from `xs:simpleContent`).
    Simple(TypeId),
    Elements(Model),
}

/// A content model flattened into slots: order is not checked, counts and choices are.
#[derive(Debug, Default)]
struct Model {
    slots: Vec<Slot>,
    wildcards: Vec<Wildcard>,
    choices: Vec<Choice>,
}

#[derive(Debug)]
struct Slot {
    namespace: String,
    name: String,
    type_id: TypeId,
    min: u64,
    max: Option<u64>,
    /// (choice index, branch index) of every enclosing choice, outermost first.
    choice_path: Vec<(usize, usize)>,
}

#[derive(Debug)]
struct Wildcard {
    namespaces: NsConstraint,
    choice_path: Vec<(usize, usize)>,
}

#[derive(Debug)]
struct Choice {
    /// The choice must be used (minOccurs ≥ 1 all the way up) and no branch may be empty.
    required: bool,
    /// At most one branch may be used (maxOccurs = 1 all the way up).
    exclusive: bool,
    /// Element names per branch, for messages.
    branch_names: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum NsConstraint {
    Any,
    /// Any namespace except the target namespace and no namespace.
    Other(String),
    List(Vec<String>),
}

impl NsConstraint {
    fn allows(&self, namespace: Option<&str>) -> bool {
        match self {
            NsConstraint::Any => true,
            NsConstraint::Other(target) => namespace.is_some_and(|ns| ns != target),
            NsConstraint::List(list) => list.iter().any(|ns| Some(ns.as_str()) == namespace),
        }
    }
}

#[derive(Debug)]
struct AttributeDecl {
    name: String,
    type_id: TypeId,
    required: bool,
}

#[derive(Debug)]
enum SimpleType {
    Builtin(Builtin),
    Restriction(Restriction),
    Union(Vec<TypeId>),
    List(TypeId),
}

#[derive(Debug, Default)]
struct Restriction {
    base: TypeId,
    enumerations: Vec<String>,
    enumeration_set: HashSet<String>,
    /// Alternatives of one `xs:restriction` (XSD ORs patterns of the same step).
    patterns: Vec<Regex>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    min_inclusive: Option<f64>,
    max_inclusive: Option<f64>,
    min_exclusive: Option<f64>,
    max_exclusive: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Builtin {
    /// Whitespace preserved, anything goes.
    String,
    /// Whitespace collapsed, anything goes (token, anyURI, NMTOKEN, language, …).
    Token,
    Boolean,
    Integer,
    NonNegativeInteger,
    PositiveInteger,
    Decimal,
    Double,
    DateTime,
    Date,
    Time,
    Base64Binary,
    HexBinary,
}

/// A global element declaration with the identity constraint of the root.
#[derive(Debug)]
struct RootDecl {
    namespace: String,
    name: String,
    type_id: TypeId,
    /// The attribute an `xs:unique` with selector `.//*` makes unique (`bom-ref`).
    unique_attribute: Option<String>,
}

/// A compiled schema set: the types of the main schema and its imports.
#[derive(Debug)]
pub(crate) struct CompiledSchema {
    types: Vec<TypeDef>,
    root: RootDecl,
}

fn builtin_for(local: &str) -> Option<Builtin> {
    Some(match local {
        "string" => Builtin::String,
        "normalizedString" | "token" | "anyURI" | "NMTOKEN" | "NMTOKENS" | "language" | "Name"
        | "NCName" | "ID" | "IDREF" | "IDREFS" | "QName" | "anySimpleType" | "ENTITY" => {
            Builtin::Token
        }
        "boolean" => Builtin::Boolean,
        "integer" | "int" | "long" | "short" | "byte" | "nonPositiveInteger"
        | "negativeInteger" => Builtin::Integer,
        "nonNegativeInteger" | "unsignedLong" | "unsignedInt" | "unsignedShort"
        | "unsignedByte" => Builtin::NonNegativeInteger,
        "positiveInteger" => Builtin::PositiveInteger,
        "decimal" => Builtin::Decimal,
        "double" | "float" => Builtin::Double,
        "dateTime" => Builtin::DateTime,
        "date" => Builtin::Date,
        "time" => Builtin::Time,
        "base64Binary" => Builtin::Base64Binary,
        "hexBinary" => Builtin::HexBinary,
        _ => return None,
    })
}

/// Compiles schema documents (the first is the main one) into a [`CompiledSchema`].
struct Compiler<'a> {
    docs: &'a [SchemaDoc],
    types: Vec<TypeDef>,
    named_types: HashMap<(String, String), TypeId>,
    named_nodes: HashMap<(String, String), (usize, &'a Node)>,
    attribute_groups: HashMap<(String, String), (usize, &'a Node)>,
    global_elements: HashMap<(String, String), (usize, &'a Node)>,
    builtins: HashMap<Builtin, TypeId>,
    any_type: TypeId,
}

impl<'a> Compiler<'a> {
    fn new(docs: &'a [SchemaDoc]) -> Compiler<'a> {
        let mut compiler = Compiler {
            docs,
            types: vec![TypeDef::AnyType],
            named_types: HashMap::new(),
            named_nodes: HashMap::new(),
            attribute_groups: HashMap::new(),
            global_elements: HashMap::new(),
            builtins: HashMap::new(),
            any_type: 0,
        };
        for (doc_idx, doc) in docs.iter().enumerate() {
            for node in &doc.root.children {
                let Some(name) = node.attr("name") else {
                    continue;
                };
                let key = (doc.target_namespace.clone(), name.to_owned());
                match node.name.as_str() {
                    "complexType" | "simpleType" => {
                        let id = compiler.types.len();
                        compiler.types.push(TypeDef::Pending);
                        compiler.named_types.insert(key.clone(), id);
                        compiler.named_nodes.insert(key, (doc_idx, node));
                    }
                    "attributeGroup" => {
                        compiler.attribute_groups.insert(key, (doc_idx, node));
                    }
                    "element" => {
                        compiler.global_elements.insert(key, (doc_idx, node));
                    }
                    _ => {}
                }
            }
        }
        compiler
    }

    fn builtin(&mut self, builtin: Builtin) -> TypeId {
        if let Some(id) = self.builtins.get(&builtin) {
            return *id;
        }
        let id = self.types.len();
        self.types
            .push(TypeDef::Simple(SimpleType::Builtin(builtin)));
        self.builtins.insert(builtin, id);
        id
    }

    /// The type a QName names: a built-in, or a named type of one of the documents.
    fn type_ref(&mut self, doc_idx: usize, qname: &str) -> Result<TypeId, String> {
        let (namespace, local) = self.doc(doc_idx).resolve_qname(qname);
        if namespace == XS_NAMESPACE {
            if local == "anyType" {
                return Ok(self.any_type);
            }
            return match builtin_for(&local) {
                Some(builtin) => Ok(self.builtin(builtin)),
                None => Err(format!("unsupported built-in type xs:{local}")),
            };
        }
        self.named_types
            .get(&(namespace.clone(), local.clone()))
            .copied()
            .ok_or_else(|| format!("type {{{namespace}}}{local} is not declared"))
    }

    fn doc(&self, doc_idx: usize) -> &'a SchemaDoc {
        let docs = self.docs;
        docs.get(doc_idx).unwrap_or_else(|| &docs[0])
    }

    fn compile_named(&mut self) -> Result<(), String> {
        let nodes: Vec<(QualifiedName, (usize, &'a Node))> = self
            .named_nodes
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        for (key, (doc_idx, node)) in nodes {
            let id = self.named_types.get(&key).copied().unwrap_or(0);
            let def = if node.name == "complexType" {
                TypeDef::Complex(self.complex_type(doc_idx, node)?)
            } else {
                TypeDef::Simple(self.simple_type(doc_idx, node)?)
            };
            if let Some(slot) = self.types.get_mut(id) {
                *slot = def;
            }
        }
        Ok(())
    }

    fn push(&mut self, def: TypeDef) -> TypeId {
        self.types.push(def);
        self.types.len() - 1
    }

    /// The type of an element or attribute declaration: `type="…"` or an inline type.
    fn declared_type(&mut self, doc_idx: usize, node: &'a Node) -> Result<TypeId, String> {
        if let Some(qname) = node.attr("type") {
            return self.type_ref(doc_idx, qname);
        }
        if let Some(inline) = node.children_named("complexType").next() {
            let def = TypeDef::Complex(self.complex_type(doc_idx, inline)?);
            return Ok(self.push(def));
        }
        if let Some(inline) = node.children_named("simpleType").next() {
            let def = TypeDef::Simple(self.simple_type(doc_idx, inline)?);
            return Ok(self.push(def));
        }
        if node.name == "attribute" {
            return Ok(self.builtin(Builtin::Token));
        }
        Ok(self.any_type)
    }

    fn simple_type(&mut self, doc_idx: usize, node: &'a Node) -> Result<SimpleType, String> {
        if let Some(restriction) = node.children_named("restriction").next() {
            return Ok(SimpleType::Restriction(
                self.restriction(doc_idx, restriction)?,
            ));
        }
        if let Some(union) = node.children_named("union").next() {
            let mut members = Vec::new();
            for qname in union.attr("memberTypes").unwrap_or("").split_whitespace() {
                members.push(self.type_ref(doc_idx, qname)?);
            }
            for inline in union.children_named("simpleType") {
                let def = TypeDef::Simple(self.simple_type(doc_idx, inline)?);
                members.push(self.push(def));
            }
            return Ok(SimpleType::Union(members));
        }
        if let Some(list) = node.children_named("list").next() {
            let item = match list.attr("itemType") {
                Some(qname) => self.type_ref(doc_idx, qname)?,
                None => match list.children_named("simpleType").next() {
                    Some(inline) => {
                        let def = TypeDef::Simple(self.simple_type(doc_idx, inline)?);
                        self.push(def)
                    }
                    None => self.builtin(Builtin::Token),
                },
            };
            return Ok(SimpleType::List(item));
        }
        Ok(SimpleType::Builtin(Builtin::String))
    }

    fn restriction(&mut self, doc_idx: usize, node: &'a Node) -> Result<Restriction, String> {
        let base = match node.attr("base") {
            Some(qname) => self.type_ref(doc_idx, qname)?,
            None => match node.children_named("simpleType").next() {
                Some(inline) => {
                    let def = TypeDef::Simple(self.simple_type(doc_idx, inline)?);
                    self.push(def)
                }
                None => self.builtin(Builtin::String),
            },
        };
        let mut res = Restriction {
            base,
            ..Restriction::default()
        };
        let number = |facet: &Node| {
            facet
                .attr("value")
                .and_then(|v| v.trim().parse::<f64>().ok())
        };
        let length = |facet: &Node| {
            facet
                .attr("value")
                .and_then(|v| v.trim().parse::<usize>().ok())
        };
        for facet in &node.children {
            match facet.name.as_str() {
                "enumeration" => {
                    let value = facet.attr("value").unwrap_or("").to_owned();
                    res.enumeration_set.insert(value.clone());
                    res.enumerations.push(value);
                }
                "pattern" => {
                    if let Some(regex) = facet.attr("value").and_then(translate_pattern) {
                        res.patterns.push(regex);
                    }
                }
                "length" => {
                    res.min_length = length(facet);
                    res.max_length = length(facet);
                }
                "minLength" => res.min_length = length(facet),
                "maxLength" => res.max_length = length(facet),
                "minInclusive" => res.min_inclusive = number(facet),
                "maxInclusive" => res.max_inclusive = number(facet),
                "minExclusive" => res.min_exclusive = number(facet),
                "maxExclusive" => res.max_exclusive = number(facet),
                _ => {}
            }
        }
        Ok(res)
    }

    fn complex_type(&mut self, doc_idx: usize, node: &'a Node) -> Result<ComplexType, String> {
        let mut res = ComplexType {
            mixed: node.attr("mixed") == Some("true"),
            ..ComplexType::default()
        };
        let mut model = Model::default();
        let mut has_model = false;
        for child in &node.children {
            match child.name.as_str() {
                "sequence" | "choice" | "all" | "element" | "any" => {
                    has_model = true;
                    self.particle(doc_idx, child, true, false, &[], &mut model)?;
                }
                "simpleContent" => {
                    for derivation in &child.children {
                        if derivation.name != "extension" && derivation.name != "restriction" {
                            continue;
                        }
                        let base = match derivation.attr("base") {
                            Some(qname) => self.type_ref(doc_idx, qname)?,
                            None => self.builtin(Builtin::String),
                        };
                        res.content = Content::Simple(base);
                        self.attributes_of(doc_idx, derivation, &mut res)?;
                    }
                }
                "complexContent" => {
                    for derivation in &child.children {
                        if derivation.name != "extension" && derivation.name != "restriction" {
                            continue;
                        }
                        // Extensions add to the base's particles (restrictions restate them).
                        if derivation.name == "extension"
                            && let Some(qname) = derivation.attr("base")
                            && let Some(base_node) = self.named_node(doc_idx, qname)
                        {
                            let (base_doc, base_node) = base_node;
                            let base = self.complex_type(base_doc, base_node)?;
                            res.attributes.extend(base.attributes);
                            if res.any_attribute.is_none() {
                                res.any_attribute = base.any_attribute;
                            }
                            if let Content::Elements(base_model) = base.content {
                                has_model = true;
                                append_model(&mut model, base_model);
                            }
                        }
                        for particle in &derivation.children {
                            if matches!(
                                particle.name.as_str(),
                                "sequence" | "choice" | "all" | "element" | "any"
                            ) {
                                has_model = true;
                                self.particle(doc_idx, particle, true, false, &[], &mut model)?;
                            }
                        }
                        self.attributes_of(doc_idx, derivation, &mut res)?;
                    }
                }
                _ => {}
            }
        }
        self.attributes_of(doc_idx, node, &mut res)?;
        if has_model {
            res.content = Content::Elements(model);
        }
        Ok(res)
    }

    fn named_node(&self, doc_idx: usize, qname: &str) -> Option<(usize, &'a Node)> {
        let key = self.doc(doc_idx).resolve_qname(qname);
        self.named_nodes.get(&key).copied()
    }

    /// The attributes, attribute groups and attribute wildcard directly under `node`.
    fn attributes_of(
        &mut self,
        doc_idx: usize,
        node: &'a Node,
        res: &mut ComplexType,
    ) -> Result<(), String> {
        for child in &node.children {
            match child.name.as_str() {
                "attribute" => {
                    if child.attr("use") == Some("prohibited") {
                        continue;
                    }
                    let (name, decl_node) = match (child.attr("name"), child.attr("ref")) {
                        (Some(name), _) => (name.to_owned(), child),
                        (None, Some(qname)) => {
                            // `ref="xml:lang"` and friends: allowed, not checked.
                            let (_, local) = self.doc(doc_idx).resolve_qname(qname);
                            (format!("{{ref}}{local}"), child)
                        }
                        (None, None) => continue,
                    };
                    let type_id = self.declared_type(doc_idx, decl_node)?;
                    res.attributes.push(AttributeDecl {
                        name,
                        type_id,
                        required: child.attr("use") == Some("required"),
                    });
                }
                "attributeGroup" => {
                    let Some(qname) = child.attr("ref") else {
                        continue;
                    };
                    let key = self.doc(doc_idx).resolve_qname(qname);
                    let Some((group_doc, group)) = self.attribute_groups.get(&key).copied() else {
                        return Err(format!("attribute group {qname} is not declared"));
                    };
                    self.attributes_of(group_doc, group, res)?;
                }
                "anyAttribute" => {
                    let target = self.doc(doc_idx).target_namespace.clone();
                    res.any_attribute = Some(ns_constraint(child.attr("namespace"), &target));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Flattens a particle into `model`. `required`: every enclosing particle has
    /// minOccurs ≥ 1 and no choice lies between; `repeated`: some enclosing particle may occur
    /// more than once.
    fn particle(
        &mut self,
        doc_idx: usize,
        node: &'a Node,
        required: bool,
        repeated: bool,
        choice_path: &[(usize, usize)],
        model: &mut Model,
    ) -> Result<(), String> {
        let min = occurs(node.attr("minOccurs")).unwrap_or(1);
        let max = match node.attr("maxOccurs") {
            Some("unbounded") => None,
            other => Some(occurs(other).unwrap_or(1)),
        };
        let required = required && 1 <= min;
        let repeated = repeated || max != Some(1);
        match node.name.as_str() {
            "sequence" | "all" => {
                for child in &node.children {
                    self.particle(doc_idx, child, required, repeated, choice_path, model)?;
                }
            }
            "choice" => {
                let choice_idx = model.choices.len();
                model.choices.push(Choice {
                    required,
                    exclusive: !repeated,
                    branch_names: Vec::new(),
                });
                let mut any_branch_empty = false;
                let branches: Vec<&Node> = node
                    .children
                    .iter()
                    .filter(|c| {
                        matches!(
                            c.name.as_str(),
                            "sequence" | "choice" | "all" | "element" | "any"
                        )
                    })
                    .collect();
                for (branch_idx, branch) in branches.iter().enumerate() {
                    let mut path = choice_path.to_vec();
                    path.push((choice_idx, branch_idx));
                    let n_slots = model.slots.len();
                    self.particle(doc_idx, branch, false, repeated, &path, model)?;
                    let names: Vec<String> = model
                        .slots
                        .get(n_slots..)
                        .unwrap_or_default()
                        .iter()
                        .map(|s| s.name.clone())
                        .collect();
                    any_branch_empty |= is_nullable(branch);
                    if let Some(choice) = model.choices.get_mut(choice_idx) {
                        choice.branch_names.push(names);
                    }
                }
                if let Some(choice) = model.choices.get_mut(choice_idx) {
                    choice.required &= !any_branch_empty && !branches.is_empty();
                }
            }
            "element" => {
                let doc = self.doc(doc_idx);
                let (namespace, name, type_id) = match (node.attr("name"), node.attr("ref")) {
                    (Some(name), _) => {
                        let namespace = if doc.qualified_elements {
                            doc.target_namespace.clone()
                        } else {
                            String::new()
                        };
                        (
                            namespace,
                            name.to_owned(),
                            self.declared_type(doc_idx, node)?,
                        )
                    }
                    (None, Some(qname)) => {
                        let key = doc.resolve_qname(qname);
                        let Some((global_doc, global)) = self.global_elements.get(&key).copied()
                        else {
                            return Err(format!("element {qname} is not declared"));
                        };
                        let type_id = self.declared_type(global_doc, global)?;
                        (key.0, key.1, type_id)
                    }
                    (None, None) => return Ok(()),
                };
                model.slots.push(Slot {
                    namespace,
                    name,
                    type_id,
                    min: if required { min } else { 0 },
                    max: if repeated { None } else { max },
                    choice_path: choice_path.to_vec(),
                });
            }
            "any" => {
                let target = self.doc(doc_idx).target_namespace.clone();
                model.wildcards.push(Wildcard {
                    namespaces: ns_constraint(node.attr("namespace"), &target),
                    choice_path: choice_path.to_vec(),
                });
            }
            _ => {}
        }
        Ok(())
    }
}

fn append_model(model: &mut Model, base: Model) {
    let offset = model.choices.len();
    let shift = |path: Vec<(usize, usize)>| -> Vec<(usize, usize)> {
        path.into_iter().map(|(c, b)| (c + offset, b)).collect()
    };
    model.choices.extend(base.choices);
    for slot in base.slots {
        let choice_path = shift(slot.choice_path.clone());
        model.slots.push(Slot {
            choice_path,
            ..slot
        });
    }
    for wildcard in base.wildcards {
        let choice_path = shift(wildcard.choice_path.clone());
        model.wildcards.push(Wildcard {
            choice_path,
            ..wildcard
        });
    }
}

fn occurs(text: Option<&str>) -> Option<u64> {
    text.and_then(|t| t.trim().parse().ok())
}

/// True when a particle can match no element at all.
fn is_nullable(node: &Node) -> bool {
    if occurs(node.attr("minOccurs")) == Some(0) {
        return true;
    }
    let particles = || {
        node.children.iter().filter(|c| {
            matches!(
                c.name.as_str(),
                "sequence" | "choice" | "all" | "element" | "any"
            )
        })
    };
    match node.name.as_str() {
        "sequence" | "all" => particles().all(is_nullable),
        "choice" => particles().any(is_nullable),
        _ => false,
    }
}

fn ns_constraint(text: Option<&str>, target: &str) -> NsConstraint {
    match text.unwrap_or("##any").trim() {
        "##any" => NsConstraint::Any,
        "##other" => NsConstraint::Other(target.to_owned()),
        list => NsConstraint::List(
            list.split_whitespace()
                .map(|ns| match ns {
                    "##targetNamespace" => target.to_owned(),
                    "##local" => String::new(),
                    other => other.to_owned(),
                })
                .collect(),
        ),
    }
}

/// Translates an XSD regular expression (implicitly anchored) into a `regex`; `None` for
/// constructs it does not map (character class subtraction, `\i`, `\c`).
fn translate_pattern(pattern: &str) -> Option<Regex> {
    if has_class_subtraction(pattern) || pattern.contains("\\i") || pattern.contains("\\c") {
        return None;
    }
    Regex::new(&format!("^(?:{pattern})$")).ok()
}

/// True when a character class contains a subtraction (`[a-z-[aeiou]]`).
fn has_class_subtraction(pattern: &str) -> bool {
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '-' if in_class && chars.peek() == Some(&'[') => return true,
            _ => {}
        }
    }
    false
}

/// Compiles the CycloneDX XSD of a version (with `spdx.xsd`).
fn compile_cyclonedx(version: &str) -> Option<Result<CompiledSchema, String>> {
    let file = format!("cyclonedx/bom-{version}.xsd");
    let main = schema_file(&file)?;
    let compile = || -> Result<CompiledSchema, String> {
        let mut docs = vec![parse_schema_doc(main, &file)?];
        if let Some(spdx) = schema_file("cyclonedx/spdx.xsd") {
            docs.push(parse_schema_doc(spdx, "cyclonedx/spdx.xsd")?);
        }
        let mut compiler = Compiler::new(&docs);
        compiler.compile_named()?;
        let target = docs
            .first()
            .map(|d| d.target_namespace.clone())
            .unwrap_or_default();
        let key = (target.clone(), "bom".to_owned());
        let Some((doc_idx, node)) = compiler.global_elements.get(&key).copied() else {
            return Err(format!("{file} declares no <bom> element"));
        };
        let type_id = compiler.declared_type(doc_idx, node)?;
        let unique_attribute = node.children_named("unique").find_map(|unique| {
            let selector = unique.children_named("selector").next()?.attr("xpath")?;
            let field = unique.children_named("field").next()?.attr("xpath")?;
            (selector == ".//*").then(|| field.strip_prefix('@').map(str::to_owned))?
        });
        Ok(CompiledSchema {
            types: compiler.types,
            root: RootDecl {
                namespace: target,
                name: "bom".to_owned(),
                type_id,
                unique_attribute,
            },
        })
    };
    Some(compile())
}

type CompiledCell = OnceLock<Option<Result<CompiledSchema, String>>>;

static CYCLONEDX_SCHEMAS: [CompiledCell; 8] = [
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
];

const CYCLONEDX_XML_VERSIONS: [&str; 8] = ["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

fn cyclonedx_schema(version: &str) -> Option<&'static Result<CompiledSchema, String>> {
    let idx = CYCLONEDX_XML_VERSIONS.iter().position(|v| *v == version)?;
    CYCLONEDX_SCHEMAS
        .get(idx)?
        .get_or_init(|| compile_cyclonedx(version))
        .as_ref()
}

// ---------------------------------------------------------------------------------------------
// Validating a document.

/// Validates CycloneDX XML of `version` against the structural rules of its XSD. Returns no
/// errors when the schema is not bundled (the caller reports that).
pub(crate) fn validate_cyclonedx_xml(bytes: &[u8], version: &str) -> Vec<ValidationError> {
    match cyclonedx_schema(version) {
        None => Vec::new(),
        Some(Err(message)) => vec![ValidationError {
            location: Location::Document,
            rule: "schema".to_owned(),
            message: message.clone(),
        }],
        Some(Ok(schema)) => Validator::new(schema, bytes).run(),
    }
}

#[derive(Debug)]
enum FrameKind {
    Complex(TypeId),
    Simple(TypeId),
    /// Content not validated (wildcard, `xs:anyType`, or an element already reported).
    Skip,
}

#[derive(Debug)]
struct Frame {
    name: String,
    offset: u64,
    kind: FrameKind,
    counts: Vec<u64>,
    /// Per choice: the first branch used and the element that used it.
    choice_used: Vec<Option<(usize, String)>>,
    text: String,
    text_reported: bool,
}

struct Validator<'a> {
    schema: &'a CompiledSchema,
    bytes: &'a [u8],
    index: LineIndex,
    errors: Vec<ValidationError>,
    unique_values: HashSet<String>,
}

impl<'a> Validator<'a> {
    fn new(schema: &'a CompiledSchema, bytes: &'a [u8]) -> Validator<'a> {
        Validator {
            schema,
            bytes,
            index: LineIndex::new(bytes),
            errors: Vec::new(),
            unique_values: HashSet::new(),
        }
    }

    fn error(&mut self, offset: u64, rule: &str, message: String) {
        self.errors.push(ValidationError {
            location: self.index.location(offset),
            rule: rule.to_owned(),
            message,
        });
    }

    fn run(mut self) -> Vec<ValidationError> {
        let mut reader = NsReader::from_reader(self.bytes);
        reader.config_mut().trim_text(false);
        let mut stack: Vec<Frame> = Vec::new();
        let mut seen_root = false;
        loop {
            let offset = reader.buffer_position();
            let event = match reader.read_resolved_event() {
                Ok(event) => event,
                Err(err) => {
                    let at = reader.error_position();
                    self.error(at, "xml-syntax", format!("malformed xml: {err}"));
                    break;
                }
            };
            let is_empty = matches!(event.1, Event::Empty(_));
            match event {
                (resolved, Event::Start(start)) | (resolved, Event::Empty(start)) => {
                    let namespace = match resolved {
                        ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
                        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
                    };
                    let local = start.local_name().as_ref().to_owned();
                    if MAX_DEPTH <= stack.len() {
                        self.error(
                            offset,
                            "xml-depth",
                            format!("elements nested deeper than {MAX_DEPTH} levels"),
                        );
                        break;
                    }
                    let frame = if stack.is_empty() {
                        if seen_root {
                            self.error(
                                offset,
                                "xml-syntax",
                                "more than one root element".to_owned(),
                            );
                            break;
                        }
                        seen_root = true;
                        let root = &self.schema.root;
                        if local != root.name || namespace.as_deref() != Some(&root.namespace) {
                            self.error(
                                offset,
                                "xsd:root",
                                format!(
                                    "root element <{local}> in namespace {} is not <{}> in \
                                     namespace {}",
                                    namespace.as_deref().unwrap_or("(none)"),
                                    root.name,
                                    root.namespace
                                ),
                            );
                            break;
                        }
                        self.start_frame(&reader, &start, local, root.type_id, offset)
                    } else {
                        self.child_frame(&reader, &mut stack, &start, namespace, local, offset)
                    };
                    if is_empty {
                        self.end_frame(frame);
                    } else {
                        stack.push(frame);
                    }
                }
                (_, Event::End(_)) => {
                    if let Some(frame) = stack.pop() {
                        self.end_frame(frame);
                    }
                }
                (_, Event::Text(text)) => {
                    let content = text.xml10_content();
                    self.add_text(&mut stack, &content, offset);
                }
                (_, Event::CData(cdata)) => {
                    let content = cdata.xml10_content();
                    self.add_text(&mut stack, &content, offset);
                }
                (_, Event::GeneralRef(reference)) => {
                    let expanded = if reference.is_char_ref() {
                        reference
                            .resolve_char_ref()
                            .ok()
                            .flatten()
                            .map(|c| c.to_string())
                    } else {
                        quick_xml::escape::resolve_predefined_entity(&reference).map(str::to_owned)
                    };
                    match expanded {
                        Some(text) => self.add_text(&mut stack, &text, offset),
                        None => {
                            self.error(
                                offset,
                                "xml-entity",
                                format!("unknown entity &{};", &*reference),
                            );
                        }
                    }
                }
                (_, Event::DocType(_)) => {
                    self.error(
                        offset,
                        "xml-dtd",
                        "document type declarations (dtd) are not accepted".to_owned(),
                    );
                    break;
                }
                (_, Event::Eof) => {
                    if !seen_root {
                        self.error(offset, "xsd:root", "no root element".to_owned());
                    }
                    break;
                }
                _ => {}
            }
        }
        self.errors
    }

    fn add_text(&mut self, stack: &mut [Frame], text: &str, offset: u64) {
        let Some(frame) = stack.last_mut() else {
            return;
        };
        match frame.kind {
            FrameKind::Simple(_) => frame.text.push_str(text),
            FrameKind::Complex(type_id) => {
                let mixed_or_simple = match self.schema.types.get(type_id) {
                    Some(TypeDef::Complex(complex)) => {
                        complex.mixed || matches!(complex.content, Content::Simple(_))
                    }
                    _ => true,
                };
                if mixed_or_simple {
                    frame.text.push_str(text);
                } else if !frame.text_reported && !text.trim().is_empty() {
                    frame.text_reported = true;
                    let name = frame.name.clone();
                    self.error(
                        offset,
                        "xsd:text",
                        format!("<{name}> may contain only elements, not text"),
                    );
                }
            }
            FrameKind::Skip => {}
        }
    }

    /// The frame of a child element: finds its declaration in the parent's model, counts it,
    /// checks choices.
    fn child_frame(
        &mut self,
        reader: &NsReader<&[u8]>,
        stack: &mut [Frame],
        start: &BytesStart<'_>,
        namespace: Option<String>,
        local: String,
        offset: u64,
    ) -> Frame {
        let skip = |local: String| Frame {
            name: local,
            offset,
            kind: FrameKind::Skip,
            counts: Vec::new(),
            choice_used: Vec::new(),
            text: String::new(),
            text_reported: false,
        };
        let Some(parent) = stack.last_mut() else {
            return skip(local);
        };
        let parent_type = match parent.kind {
            FrameKind::Skip => return skip(local),
            FrameKind::Simple(_) => {
                let parent_name = parent.name.clone();
                self.error(
                    offset,
                    "xsd:element",
                    format!("<{parent_name}> has a simple type and may not contain <{local}>"),
                );
                return skip(local);
            }
            FrameKind::Complex(type_id) => type_id,
        };
        let Some(TypeDef::Complex(complex)) = self.schema.types.get(parent_type) else {
            return skip(local);
        };
        let Content::Elements(model) = &complex.content else {
            let parent_name = parent.name.clone();
            self.error(
                offset,
                "xsd:element",
                format!("<{parent_name}> may not contain elements (found <{local}>)"),
            );
            return skip(local);
        };
        // The same name may appear in several branches of a choice: prefer the slot whose
        // branches agree with the ones already used.
        let matches = |slot: &Slot| {
            slot.name == local && namespace.as_deref().unwrap_or("") == slot.namespace
        };
        let consistent = |slot: &Slot| {
            slot.choice_path.iter().all(|(choice_idx, branch_idx)| {
                match parent.choice_used.get(*choice_idx) {
                    Some(Some((used, _))) => used == branch_idx,
                    _ => true,
                }
            })
        };
        let slot_idx = model
            .slots
            .iter()
            .position(|slot| matches(slot) && consistent(slot))
            .or_else(|| model.slots.iter().position(matches));
        let (choice_path, type_id) = match slot_idx {
            Some(idx) => {
                if parent.counts.len() < model.slots.len() {
                    parent.counts.resize(model.slots.len(), 0);
                }
                if let Some(count) = parent.counts.get_mut(idx) {
                    *count += 1;
                }
                let slot = model.slots.get(idx);
                (
                    slot.map(|s| s.choice_path.clone()).unwrap_or_default(),
                    slot.map(|s| s.type_id),
                )
            }
            None => match model
                .wildcards
                .iter()
                .find(|w| w.namespaces.allows(namespace.as_deref()))
            {
                Some(wildcard) => (wildcard.choice_path.clone(), None),
                None => {
                    let parent_name = parent.name.clone();
                    let ns_note = match namespace.as_deref() {
                        Some(ns) if ns != self.schema.root.namespace => {
                            format!(" (namespace {ns})")
                        }
                        None => " (no namespace)".to_owned(),
                        Some(_) => String::new(),
                    };
                    self.error(
                        offset,
                        "xsd:element",
                        format!("<{parent_name}> does not allow <{local}>{ns_note}"),
                    );
                    return skip(local);
                }
            },
        };
        if parent.choice_used.len() < model.choices.len() {
            parent.choice_used.resize(model.choices.len(), None);
        }
        for (choice_idx, branch_idx) in &choice_path {
            let exclusive = model.choices.get(*choice_idx).is_some_and(|c| c.exclusive);
            match parent.choice_used.get_mut(*choice_idx) {
                Some(used @ None) => *used = Some((*branch_idx, local.clone())),
                Some(Some((used_branch, used_name))) if exclusive && used_branch != branch_idx => {
                    let message = format!(
                        "<{}> may hold <{used_name}> or <{local}>, not both",
                        parent.name
                    );
                    self.errors.push(ValidationError {
                        location: self.index.location(offset),
                        rule: "xsd:choice".to_owned(),
                        message,
                    });
                }
                Some(Some(_)) | None => {}
            }
        }
        match type_id {
            Some(type_id) => self.start_frame(reader, start, local, type_id, offset),
            None => skip(local),
        }
    }

    /// A frame for an element of a known type, after checking its attributes.
    fn start_frame(
        &mut self,
        reader: &NsReader<&[u8]>,
        start: &BytesStart<'_>,
        local: String,
        type_id: TypeId,
        offset: u64,
    ) -> Frame {
        let kind = match self.schema.types.get(type_id) {
            Some(TypeDef::Complex(_)) => FrameKind::Complex(type_id),
            Some(TypeDef::Simple(_)) => FrameKind::Simple(type_id),
            _ => FrameKind::Skip,
        };
        if !matches!(kind, FrameKind::Skip) {
            self.check_attributes(reader, start, &local, type_id, offset);
        }
        Frame {
            name: local,
            offset,
            kind,
            counts: Vec::new(),
            choice_used: Vec::new(),
            text: String::new(),
            text_reported: false,
        }
    }

    fn check_attributes(
        &mut self,
        reader: &NsReader<&[u8]>,
        start: &BytesStart<'_>,
        element: &str,
        type_id: TypeId,
        offset: u64,
    ) {
        let schema = self.schema;
        let complex = match schema.types.get(type_id) {
            Some(TypeDef::Complex(complex)) => Some(complex),
            _ => None,
        };
        let mut seen: Vec<&str> = Vec::new();
        for attribute in start.attributes() {
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(err) => {
                    self.error(offset, "xml-syntax", format!("malformed attribute: {err}"));
                    continue;
                }
            };
            if attribute.key.as_namespace_binding().is_some() {
                continue;
            }
            let (resolved, attribute_local) = reader.resolver().resolve_attribute(attribute.key);
            let attribute_namespace = match resolved {
                ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
                ResolveResult::Unbound => None,
                ResolveResult::Unknown(prefix) => {
                    self.error(
                        offset,
                        "xml-namespace",
                        format!("attribute prefix \"{prefix}\" is not declared"),
                    );
                    continue;
                }
            };
            let name = attribute_local.as_ref().to_owned();
            let value = match attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(value) => value.into_owned(),
                Err(err) => {
                    self.error(
                        offset,
                        "xml-entity",
                        format!("attribute {name} of <{element}>: {err}"),
                    );
                    continue;
                }
            };
            if let Some(namespace) = attribute_namespace.as_deref() {
                if namespace == XSI_NAMESPACE || namespace == XML_NAMESPACE {
                    continue;
                }
                let allowed = complex
                    .and_then(|c| c.any_attribute.as_ref())
                    .is_some_and(|any| any.allows(Some(namespace)));
                if !allowed {
                    self.error(
                        offset,
                        "xsd:attribute",
                        format!("<{element}> does not allow attribute {{{namespace}}}{name}"),
                    );
                }
                continue;
            }
            if schema.root.unique_attribute.as_deref() == Some(name.as_str())
                && !self.unique_values.insert(value.clone())
            {
                self.error(
                    offset,
                    "xsd:unique",
                    format!("duplicate {name} \"{value}\" (every {name} must be unique)"),
                );
            }
            let declared = complex.and_then(|c| c.attributes.iter().find(|a| a.name == name));
            match declared {
                Some(decl) => {
                    seen.push(decl.name.as_str());
                    if let Err(message) = check_simple(schema, decl.type_id, &value) {
                        self.error(
                            offset,
                            "xsd:attribute-value",
                            format!("attribute {name} of <{element}>: {message}"),
                        );
                    }
                }
                None => {
                    let allowed = complex
                        .and_then(|c| c.any_attribute.as_ref())
                        .is_some_and(|any| any.allows(None));
                    if !allowed {
                        self.error(
                            offset,
                            "xsd:attribute",
                            format!("<{element}> does not allow attribute {name}"),
                        );
                    }
                }
            }
        }
        if let Some(complex) = complex {
            for decl in complex.attributes.iter().filter(|a| a.required) {
                if !seen.contains(&decl.name.as_str()) {
                    self.error(
                        offset,
                        "xsd:required-attribute",
                        format!("<{element}> has no required attribute {}", decl.name),
                    );
                }
            }
        }
    }

    fn end_frame(&mut self, frame: Frame) {
        let schema = self.schema;
        match frame.kind {
            FrameKind::Skip => {}
            FrameKind::Simple(type_id) => {
                if let Err(message) = check_simple(schema, type_id, &frame.text) {
                    self.error(
                        frame.offset,
                        "xsd:value",
                        format!("<{}>: {message}", frame.name),
                    );
                }
            }
            FrameKind::Complex(type_id) => {
                let Some(TypeDef::Complex(complex)) = schema.types.get(type_id) else {
                    return;
                };
                match &complex.content {
                    Content::Simple(simple) => {
                        if let Err(message) = check_simple(schema, *simple, &frame.text) {
                            self.error(
                                frame.offset,
                                "xsd:value",
                                format!("<{}>: {message}", frame.name),
                            );
                        }
                    }
                    Content::Elements(model) => self.check_counts(&frame, model),
                    Content::Empty => {
                        if !complex.mixed && !frame.text.trim().is_empty() && !frame.text_reported {
                            self.error(
                                frame.offset,
                                "xsd:text",
                                format!("<{}> must be empty", frame.name),
                            );
                        }
                    }
                }
            }
        }
    }

    fn check_counts(&mut self, frame: &Frame, model: &Model) {
        for (idx, slot) in model.slots.iter().enumerate() {
            let count = frame.counts.get(idx).copied().unwrap_or(0);
            if count < slot.min {
                self.error(
                    frame.offset,
                    "xsd:min-occurs",
                    format!("<{}> has no required element <{}>", frame.name, slot.name),
                );
            }
            if let Some(max) = slot.max
                && max < count
            {
                self.error(
                    frame.offset,
                    "xsd:max-occurs",
                    format!(
                        "<{}> has {count} <{}> elements (at most {max} allowed)",
                        frame.name, slot.name
                    ),
                );
            }
        }
        for (idx, choice) in model.choices.iter().enumerate() {
            let used = frame.choice_used.get(idx).is_some_and(Option::is_some);
            if choice.required && !used {
                let names: Vec<String> = choice
                    .branch_names
                    .iter()
                    .map(|branch| {
                        branch
                            .iter()
                            .map(|n| format!("<{n}>"))
                            .collect::<Vec<_>>()
                            .join("+")
                    })
                    .filter(|n| !n.is_empty())
                    .collect();
                self.error(
                    frame.offset,
                    "xsd:choice",
                    format!("<{}> needs one of: {}", frame.name, names.join(", ")),
                );
            }
        }
    }
}

/// Checks a value against a simple type; the error says why it does not match.
fn check_simple(schema: &CompiledSchema, type_id: TypeId, value: &str) -> Result<(), String> {
    check_simple_depth(schema, type_id, value, 0)
}

fn check_simple_depth(
    schema: &CompiledSchema,
    type_id: TypeId,
    value: &str,
    depth: usize,
) -> Result<(), String> {
    if 64 < depth {
        return Ok(());
    }
    let Some(TypeDef::Simple(simple)) = schema.types.get(type_id) else {
        return Ok(());
    };
    match simple {
        SimpleType::Builtin(builtin) => check_builtin(*builtin, value),
        SimpleType::Union(members) => {
            let mut first_error = None;
            for member in members {
                match check_simple_depth(schema, *member, value, depth + 1) {
                    Ok(()) => return Ok(()),
                    Err(err) => {
                        first_error.get_or_insert(err);
                    }
                }
            }
            Err(first_error
                .unwrap_or_else(|| format!("\"{}\" matches no member type", shorten(value))))
        }
        SimpleType::List(item) => {
            for token in value.split_whitespace() {
                check_simple_depth(schema, *item, token, depth + 1)?;
            }
            Ok(())
        }
        SimpleType::Restriction(restriction) => {
            check_simple_depth(schema, restriction.base, value, depth + 1)?;
            let normalized = if preserves_whitespace(schema, restriction.base, 0) {
                value.to_owned()
            } else {
                collapse(value)
            };
            check_facets(restriction, &normalized)
        }
    }
}

/// True when the type derives from `xs:string` (whitespace kept), false for token-like and
/// non-string types (whitespace collapsed before facets apply).
fn preserves_whitespace(schema: &CompiledSchema, type_id: TypeId, depth: usize) -> bool {
    if 64 < depth {
        return false;
    }
    match schema.types.get(type_id) {
        Some(TypeDef::Simple(SimpleType::Builtin(Builtin::String))) => true,
        Some(TypeDef::Simple(SimpleType::Restriction(r))) => {
            preserves_whitespace(schema, r.base, depth + 1)
        }
        _ => false,
    }
}

fn check_facets(restriction: &Restriction, value: &str) -> Result<(), String> {
    if !restriction.enumerations.is_empty() && !restriction.enumeration_set.contains(value) {
        let mut listed: Vec<&str> = restriction
            .enumerations
            .iter()
            .take(MAX_LISTED_VALUES)
            .map(String::as_str)
            .collect();
        if MAX_LISTED_VALUES < restriction.enumerations.len() {
            listed.push("…");
        }
        return Err(format!(
            "\"{}\" is not one of: {}",
            shorten(value),
            listed.join(", ")
        ));
    }
    if !restriction.patterns.is_empty() && !restriction.patterns.iter().any(|p| p.is_match(value)) {
        return Err(format!(
            "\"{}\" does not match the pattern {}",
            shorten(value),
            restriction
                .patterns
                .first()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default()
        ));
    }
    let n_chars = value.chars().count();
    if let Some(min) = restriction.min_length
        && n_chars < min
    {
        return Err(format!(
            "\"{}\" is shorter than {min} characters",
            shorten(value)
        ));
    }
    if let Some(max) = restriction.max_length
        && max < n_chars
    {
        return Err(format!(
            "\"{}\" is longer than {max} characters",
            shorten(value)
        ));
    }
    let bounds = [
        restriction.min_inclusive,
        restriction.max_inclusive,
        restriction.min_exclusive,
        restriction.max_exclusive,
    ];
    if bounds.iter().any(Option::is_some) {
        let Ok(number) = value.trim().parse::<f64>() else {
            return Err(format!("\"{}\" is not a number", shorten(value)));
        };
        let out_of_range = restriction.min_inclusive.is_some_and(|m| number < m)
            || restriction.max_inclusive.is_some_and(|m| m < number)
            || restriction.min_exclusive.is_some_and(|m| number <= m)
            || restriction.max_exclusive.is_some_and(|m| m <= number);
        if out_of_range {
            return Err(format!("{number} is out of the allowed range"));
        }
    }
    Ok(())
}

fn collapse(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(value: &str) -> String {
    let mut res: String = value.chars().take(60).collect();
    if res.len() < value.len() {
        res.push('…');
    }
    res
}

fn check_builtin(builtin: Builtin, value: &str) -> Result<(), String> {
    let text = value.trim();
    let ok = match builtin {
        Builtin::String | Builtin::Token => true,
        Builtin::Boolean => matches!(text, "true" | "false" | "1" | "0"),
        Builtin::Integer => is_integer(text.strip_prefix(['+', '-']).unwrap_or(text)),
        Builtin::NonNegativeInteger => {
            is_integer(text.strip_prefix('+').unwrap_or(text))
                || text
                    .strip_prefix('-')
                    .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b == b'0'))
        }
        Builtin::PositiveInteger => {
            let digits = text.strip_prefix('+').unwrap_or(text);
            is_integer(digits) && digits.bytes().any(|b| b != b'0')
        }
        Builtin::Decimal => is_decimal(text),
        Builtin::Double => {
            matches!(text, "INF" | "-INF" | "+INF" | "NaN")
                || (!text.is_empty()
                    && text
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
                    && text.parse::<f64>().is_ok())
        }
        Builtin::DateTime => is_date_time(text),
        Builtin::Date => is_date_with_zone(text),
        Builtin::Time => is_time_with_zone(text),
        Builtin::Base64Binary => is_base64(text),
        Builtin::HexBinary => {
            text.len().is_multiple_of(2) && text.bytes().all(|b| b.is_ascii_hexdigit())
        }
    };
    if ok {
        return Ok(());
    }
    let kind = match builtin {
        Builtin::String | Builtin::Token => "a string",
        Builtin::Boolean => "a boolean (true, false, 1, 0)",
        Builtin::Integer => "an integer",
        Builtin::NonNegativeInteger => "a non-negative integer",
        Builtin::PositiveInteger => "a positive integer",
        Builtin::Decimal => "a decimal number",
        Builtin::Double => "a number",
        Builtin::DateTime => "an xs:dateTime (YYYY-MM-DDThh:mm:ss[.s][Z|±hh:mm])",
        Builtin::Date => "an xs:date (YYYY-MM-DD)",
        Builtin::Time => "an xs:time (hh:mm:ss)",
        Builtin::Base64Binary => "base64 data",
        Builtin::HexBinary => "hex data",
    };
    Err(format!("\"{}\" is not {kind}", shorten(value)))
}

fn is_integer(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    (!whole.is_empty() || !fraction.is_empty())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

fn digits(text: &str, n: usize) -> Option<u32> {
    (text.len() == n && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `-?YYYY-MM-DD` (year of four or more digits, no leading zeros beyond four).
fn is_date(text: &str) -> bool {
    let text = text.strip_prefix('-').unwrap_or(text);
    let mut parts = text.rsplitn(3, '-');
    let (Some(day), Some(month), Some(year)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let year_ok = 4 <= year.len()
        && year.bytes().all(|b| b.is_ascii_digit())
        && !(4 < year.len() && year.starts_with('0'));
    year_ok
        && digits(month, 2).is_some_and(|m| (1..=12).contains(&m))
        && digits(day, 2).is_some_and(|d| (1..=31).contains(&d))
}

/// `hh:mm:ss[.s+]`.
fn is_time(text: &str) -> bool {
    let (main, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let mut parts = main.split(':');
    let (Some(hour), Some(minute), Some(second), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(hour), Some(minute), Some(second)) =
        (digits(hour, 2), digits(minute, 2), digits(second, 2))
    else {
        return false;
    };
    let fraction_ok = !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit());
    let midnight = hour == 24 && minute == 0 && second == 0;
    fraction_ok && (midnight || (hour < 24 && minute < 60 && second < 60))
}

/// Splits an optional time zone (`Z`, `+hh:mm`, `-hh:mm`) off the end; `None` when the zone
/// is malformed.
fn split_zone(text: &str) -> Option<(&str, bool)> {
    if let Some(rest) = text.strip_suffix('Z') {
        return Some((rest, true));
    }
    let bytes = text.as_bytes();
    if 6 <= bytes.len() {
        let zone_start = bytes.len() - 6;
        let zone = text.get(zone_start..)?;
        let sign = zone.as_bytes().first().copied();
        if matches!(sign, Some(b'+') | Some(b'-')) && zone.as_bytes().get(3) == Some(&b':') {
            let hours = digits(zone.get(1..3)?, 2)?;
            let minutes = digits(zone.get(4..6)?, 2)?;
            if 14 < hours || 59 < minutes {
                return None;
            }
            return Some((text.get(..zone_start)?, true));
        }
    }
    Some((text, false))
}

fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once('T') else {
        return false;
    };
    let Some((time, _)) = split_zone(time) else {
        return false;
    };
    is_date(date) && is_time(time)
}

fn is_date_with_zone(text: &str) -> bool {
    // A date's zone can be confused with the date's own dashes: try the plain form first.
    is_date(text) || split_zone(text).is_some_and(|(date, has_zone)| has_zone && is_date(date))
}

fn is_time_with_zone(text: &str) -> bool {
    split_zone(text).is_some_and(|(time, _)| is_time(time))
}

fn is_base64(text: &str) -> bool {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    let body_len = compact
        .iter()
        .position(|b| *b == b'=')
        .unwrap_or(compact.len());
    let (body, padding) = compact.split_at(body_len);
    compact.len().is_multiple_of(4)
        && padding.len() <= 2
        && padding.iter().all(|b| *b == b'=')
        && body
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_types() {
        assert!(is_date_time("2024-01-30T12:00:00Z"));
        assert!(is_date_time("2024-01-30T12:00:00.123+01:00"));
        assert!(is_date_time("2024-01-30T12:00:00"));
        assert!(!is_date_time("2024-01-30 12:00:00"));
        assert!(!is_date_time("2024-13-30T12:00:00Z"));
        assert!(!is_date_time("not-a-date"));
        assert!(!is_date_time("2024-01-30T25:00:00Z"));
        assert!(is_date("2024-02-29"));
        assert!(is_date_with_zone("2024-02-29Z"));
        assert!(is_base64("aGVsbG8="));
        assert!(!is_base64("aGVsbG8"));
        assert!(check_builtin(Builtin::PositiveInteger, "1").is_ok());
        assert!(check_builtin(Builtin::PositiveInteger, "0").is_err());
        assert!(check_builtin(Builtin::Integer, "-5").is_ok());
        assert!(check_builtin(Builtin::Boolean, "yes").is_err());
    }

    #[test]
    fn patterns_are_anchored() {
        let regex = translate_pattern("[0-9a-f]{4}").expect("pattern");
        assert!(regex.is_match("00ff"));
        assert!(!regex.is_match("00ff0"));
        assert!(translate_pattern("[a-z-[aeiou]]").is_none());
        let uuid = translate_pattern("urn:uuid:([0-9a-f]{8}-[0-9a-f]{4})|(\\{[0-9a-f]{4}\\})")
            .expect("uuid pattern");
        assert!(uuid.is_match("urn:uuid:0123abcd-0123"));
        assert!(!uuid.is_match("urn:uuid:0123abcd-012"));
    }
}
