//! CycloneDX XML reader (spec versions 1.0–1.7) over quick-xml events.
//!
//! A small pull parser: each `read_*` function is called after the start tag of its element
//! and consumes events up to the matching end tag. Elements the model has no field for, and
//! elements in foreign namespaces, are kept verbatim (raw XML text) as extensions named by an
//! XPath. DTDs are refused, no entity other than the five predefined ones and character
//! references is expanded, and element nesting is limited.

use std::borrow::Cow;
use std::cell::OnceCell;

use medsbom_model::{
    Affect, AffectedVersion, Analysis, Component, ComponentType, Composition, Diagnostic,
    ExternalRef, Hash, Identifier, License, Location, ParseError, Parsed, Party, Property, Rating,
    Relationship, RelationshipKind, Sbom, SbomFormat, SwidRef, Tool, Vulnerability,
    normalize_hash_algorithm,
};
use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::read::{
    self, DOCUMENT_NAME_PROPERTY, LineIndex, MAX_XML_DEPTH, ReadLicense, Refs, SERVICE_TYPE,
    finish_component,
};

const BOM_NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";
const DEPENDENCY_GRAPH_NAMESPACE: &str = "http://cyclonedx.org/schema/ext/dependency-graph/1.0";

/// The namespace class of an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Namespace {
    /// The CycloneDX BOM namespace (any version), or no namespace at all.
    Bom,
    /// The CycloneDX 1.1 dependency-graph extension.
    DependencyGraph,
    /// Anything else: kept verbatim as an extension.
    Foreign,
}

/// A start tag, with where it is and what namespace it is in.
struct Element<'a> {
    start: BytesStart<'a>,
    namespace: Namespace,
    /// Byte offset of the `<` of the start tag.
    offset: usize,
}

impl Element<'_> {
    fn local_name(&self) -> &str {
        self.start.local_name().into_inner()
    }

    fn qualified_name(&self) -> &str {
        self.start.name().into_inner()
    }

    fn is(&self, local_name: &str) -> bool {
        self.namespace == Namespace::Bom && self.local_name() == local_name
    }
}

/// Components nest in `<components>`, services in `<services>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Component,
    Service,
}

impl ItemKind {
    fn element(self) -> &'static str {
        match self {
            ItemKind::Component => "component",
            ItemKind::Service => "service",
        }
    }

    fn list_element(self) -> &'static str {
        match self {
            ItemKind::Component => "components",
            ItemKind::Service => "services",
        }
    }
}

/// A component or service being read.
struct Item {
    component: Component,
    /// Index of its reserved place in `Sbom::components`.
    slot: usize,
    /// XPath of the element, for extensions.
    path: String,
    offset: usize,
    n_children: usize,
    licenses: Vec<ReadLicense>,
    has_name: bool,
    /// Inside its `<components>` / `<services>` list.
    in_list: bool,
}

enum Next<'a> {
    Child(Element<'a>),
    End,
}

/// The event source: quick-xml with namespaces, depth counting and safe text decoding.
struct Events<'a> {
    reader: NsReader<&'a [u8]>,
    text: &'a str,
    lines: OnceCell<LineIndex<'a>>,
    depth: usize,
}

impl<'a> Events<'a> {
    fn new(text: &'a str) -> Events<'a> {
        let mut reader = NsReader::from_str(text);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        Events {
            reader,
            text,
            lines: OnceCell::new(),
            depth: 0,
        }
    }

    fn location(&self, offset: usize) -> Location {
        self.lines
            .get_or_init(|| LineIndex::new(self.text))
            .location(offset)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(self.location(offset), message)
    }

    fn syntax_error(&self, error: &quick_xml::Error) -> ParseError {
        let offset = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
        self.error(offset, format!("invalid cyclonedx xml: {error}"))
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    /// The next event that matters: start tags (with namespace), end tags, text pieces.
    fn event(&mut self) -> Result<(Event<'a>, Namespace, usize), ParseError> {
        loop {
            let offset = self.position();
            let (resolved, event) = match self.reader.read_resolved_event() {
                Ok(pair) => pair,
                Err(error) => return Err(self.syntax_error(&error)),
            };
            let namespace = match resolved {
                ResolveResult::Bound(ns) if ns.into_inner().starts_with(BOM_NAMESPACE_PREFIX) => {
                    Namespace::Bom
                }
                ResolveResult::Bound(ns) if ns.into_inner() == DEPENDENCY_GRAPH_NAMESPACE => {
                    Namespace::DependencyGraph
                }
                ResolveResult::Unbound => Namespace::Bom,
                _ => Namespace::Foreign,
            };
            match event {
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => continue,
                Event::DocType(_) => return Err(self.error(offset, "dtd not allowed")),
                Event::Start(_) => {
                    self.depth += 1;
                    if MAX_XML_DEPTH < self.depth {
                        return Err(self.error(
                            offset,
                            format!("element nesting deeper than {MAX_XML_DEPTH} levels"),
                        ));
                    }
                    return Ok((event, namespace, offset));
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok((event, namespace, offset));
                }
                Event::Empty(_) => {
                    // Not produced with expand_empty_elements; treat as a start tag defensively.
                    return Err(self.error(offset, "unexpected empty element event"));
                }
                _ => return Ok((event, namespace, offset)),
            }
        }
    }

    /// After a start tag: the next child element, or the end of the current element.
    /// Text between children is ignored.
    fn next_child(&mut self) -> Result<Next<'a>, ParseError> {
        loop {
            let (event, namespace, offset) = self.event()?;
            match event {
                Event::Start(start) => {
                    return Ok(Next::Child(Element {
                        start,
                        namespace,
                        offset,
                    }));
                }
                Event::End(_) => return Ok(Next::End),
                Event::Eof => return Err(self.error(offset, "unexpected end of document")),
                Event::GeneralRef(reference) => {
                    // Validate even ignored references so no custom entity slips through.
                    decode_reference(&reference).map_err(|m| self.error(offset, m))?;
                }
                _ => {}
            }
        }
    }

    /// After a start tag: the element's text (child elements are skipped), with entity and
    /// character references resolved and line ends normalized.
    fn text(&mut self) -> Result<String, ParseError> {
        let mut res = String::new();
        let mut nested = 0usize;
        loop {
            let (event, _, offset) = self.event()?;
            match event {
                Event::Start(_) => nested += 1,
                Event::End(_) if nested == 0 => return Ok(res),
                Event::End(_) => nested -= 1,
                Event::Eof => return Err(self.error(offset, "unexpected end of document")),
                _ if 0 < nested => {}
                Event::Text(text) => res.push_str(&text.xml10_content()),
                Event::CData(cdata) => res.push_str(&cdata.xml10_content()),
                Event::GeneralRef(reference) => {
                    let decoded =
                        decode_reference(&reference).map_err(|m| self.error(offset, m))?;
                    res.push_str(&decoded);
                }
                _ => {}
            }
        }
    }

    /// The text, trimmed, or `None` when blank.
    fn trimmed_text(&mut self) -> Result<Option<String>, ParseError> {
        let text = self.text()?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.len() == text.len() {
            return Ok(Some(text));
        }
        Ok(Some(trimmed.to_owned()))
    }

    /// After a start tag: skips to the matching end tag.
    fn skip(&mut self) -> Result<(), ParseError> {
        let mut nested = 0usize;
        loop {
            let (event, _, offset) = self.event()?;
            match event {
                Event::Start(_) => nested += 1,
                Event::End(_) if nested == 0 => return Ok(()),
                Event::End(_) => nested -= 1,
                Event::Eof => return Err(self.error(offset, "unexpected end of document")),
                Event::GeneralRef(reference) => {
                    decode_reference(&reference).map_err(|m| self.error(offset, m))?;
                }
                _ => {}
            }
        }
    }

    /// After a start tag: skips to the matching end tag and returns the element's XML text.
    fn raw(&mut self, element: &Element<'_>) -> Result<String, ParseError> {
        self.skip()?;
        let end = self.position();
        Ok(self
            .text
            .get(element.offset..end)
            .unwrap_or_default()
            .to_owned())
    }

    /// An attribute value (predefined entities resolved), or `None`.
    fn attribute(&self, element: &Element<'_>, name: &str) -> Result<Option<String>, ParseError> {
        let attribute = match element.start.try_get_attribute(name) {
            Ok(attribute) => attribute,
            Err(error) => {
                return Err(self.error(
                    element.offset,
                    format!("invalid cyclonedx xml: bad attribute: {error}"),
                ));
            }
        };
        let Some(attribute) = attribute else {
            return Ok(None);
        };
        match attribute.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => Ok(Some(value.into_owned())),
            Err(error) => Err(self.error(
                element.offset,
                format!("invalid cyclonedx xml: attribute {name}: {error} (custom entities are not expanded)"),
            )),
        }
    }
}

/// The text of an entity or character reference: only the five predefined entities and
/// character references are expanded.
fn decode_reference(
    reference: &quick_xml::events::BytesRef<'_>,
) -> Result<Cow<'static, str>, String> {
    match reference.resolve_char_ref() {
        Ok(Some(ch)) => return Ok(Cow::Owned(ch.to_string())),
        Ok(None) => {}
        Err(error) => return Err(format!("invalid character reference: {error}")),
    }
    let name: &str = reference;
    match resolve_predefined_entity(name) {
        Some(text) => Ok(Cow::Borrowed(text)),
        None => Err(format!(
            "unknown entity &{name}; (custom entities are not expanded)"
        )),
    }
}

/// Reads a CycloneDX XML document.
pub(crate) fn read(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let text = read::utf8_text(bytes)?;
    let mut reader = Reader {
        events: Events::new(text),
        sbom: Sbom::new(SbomFormat::CycloneDx, ""),
        diagnostics: Vec::new(),
        refs: Refs::default(),
        pending_refs: Vec::new(),
    };
    reader.document()?;
    let Reader {
        events,
        mut sbom,
        mut diagnostics,
        refs,
        pending_refs,
    } = reader;
    for (bom_ref, offset) in pending_refs {
        if !refs.contains(&bom_ref) {
            diagnostics.push(Diagnostic::warning(
                events.location(offset),
                format!("dependency ref \"{bom_ref}\" points to no component or service"),
            ));
        }
    }
    sbom.format = Some(SbomFormat::CycloneDx);
    Ok(Parsed { sbom, diagnostics })
}

struct Reader<'a> {
    events: Events<'a>,
    sbom: Sbom,
    diagnostics: Vec<Diagnostic>,
    refs: Refs,
    /// Dependency refs to check once every component is known: (ref, byte offset).
    pending_refs: Vec<(String, usize)>,
}

impl<'a> Reader<'a> {
    fn document(&mut self) -> Result<(), ParseError> {
        let root = loop {
            let (event, namespace, offset) = self.events.event()?;
            match event {
                Event::Start(start) => {
                    break Element {
                        start,
                        namespace,
                        offset,
                    };
                }
                Event::Eof => {
                    return Err(ParseError::new(
                        Location::Document,
                        "not a cyclonedx document: no root element",
                    ));
                }
                Event::GeneralRef(_) | Event::CData(_) => {
                    return Err(self.events.error(offset, "content before the root element"));
                }
                _ => {}
            }
        };
        if root.local_name() != "bom" {
            return Err(self.events.error(
                root.offset,
                format!(
                    "not a cyclonedx document: root element is <{}>, not <bom>",
                    root.qualified_name()
                ),
            ));
        }
        self.spec_version(&root)?;
        self.sbom.serial_number = self.events.attribute(&root, "serialNumber")?;
        if let Some(version) = self.events.attribute(&root, "version")? {
            match version.trim().parse::<u64>() {
                Ok(version) => self.sbom.version = Some(version),
                Err(_) => self.diagnostics.push(Diagnostic::warning(
                    self.events.location(root.offset),
                    format!("bom version \"{version}\" is not a number"),
                )),
            }
        }
        let mut n_components = 0usize;
        let mut n_services = 0usize;
        while let Next::Child(child) = self.events.next_child()? {
            if child.namespace == Namespace::DependencyGraph && child.local_name() == "dependencies"
            {
                self.dependencies()?;
                continue;
            }
            if child.namespace != Namespace::Bom {
                self.extension(&child, "/bom", &mut None)?;
                continue;
            }
            match child.local_name() {
                "metadata" => self.metadata()?,
                "components" => {
                    while let Next::Child(item) = self.events.next_child()? {
                        if !item.is("component") {
                            self.extension(&item, "/bom/components", &mut None)?;
                            continue;
                        }
                        n_components += 1;
                        let path = format!("/bom/components/component[{n_components}]");
                        self.component(&item, &path, None)?;
                    }
                }
                "services" => {
                    while let Next::Child(item) = self.events.next_child()? {
                        if !item.is("service") {
                            self.extension(&item, "/bom/services", &mut None)?;
                            continue;
                        }
                        n_services += 1;
                        let path = format!("/bom/services/service[{n_services}]");
                        self.service(&item, &path, None)?;
                    }
                }
                "dependencies" => self.dependencies()?,
                "compositions" => self.compositions()?,
                "properties" => {
                    let properties = self.properties()?;
                    self.sbom.properties.extend(properties);
                }
                "vulnerabilities" => self.vulnerabilities()?,
                _ => self.extension(&child, "/bom", &mut None)?,
            }
        }
        Ok(())
    }

    fn spec_version(&mut self, root: &Element<'_>) -> Result<(), ParseError> {
        let location = self.events.location(root.offset);
        let (resolved, _) = self
            .events
            .reader
            .resolver()
            .resolve_element(root.start.name());
        let namespace = match resolved {
            ResolveResult::Bound(ns) => Some(ns.into_inner().to_owned()),
            _ => None,
        };
        match namespace {
            Some(namespace) => match namespace.strip_prefix(BOM_NAMESPACE_PREFIX) {
                Some(version) => {
                    read::check_spec_version(version, location, &mut self.diagnostics);
                    self.sbom.spec_version = version.to_owned();
                }
                None => {
                    return Err(ParseError::new(
                        location,
                        format!("not a cyclonedx document: bom namespace is \"{namespace}\""),
                    ));
                }
            },
            None => self.diagnostics.push(Diagnostic::error(
                location,
                "the bom element has no cyclonedx namespace",
            )),
        }
        Ok(())
    }

    /// Keeps an element verbatim. With `target` the extension goes to a component, otherwise
    /// to the document.
    fn extension(
        &mut self,
        element: &Element<'_>,
        parent_path: &str,
        target: &mut Option<&mut Vec<Property>>,
    ) -> Result<(), ParseError> {
        let raw = self.events.raw(element)?;
        let property = Property {
            name: format!("{parent_path}/{}", element.qualified_name()),
            value: raw,
        };
        match target {
            Some(extensions) => extensions.push(property),
            None => self.sbom.extensions.push(property),
        }
        Ok(())
    }

    fn metadata(&mut self) -> Result<(), ParseError> {
        let mut document_name = None;
        let mut root_name = None;
        while let Next::Child(child) = self.events.next_child()? {
            if child.namespace != Namespace::Bom {
                self.extension(&child, "/bom/metadata", &mut None)?;
                continue;
            }
            match child.local_name() {
                "timestamp" => self.sbom.timestamp = self.events.trimmed_text()?,
                "lifecycles" => {
                    while let Next::Child(lifecycle) = self.events.next_child()? {
                        if !lifecycle.is("lifecycle") {
                            self.events.skip()?;
                            continue;
                        }
                        let (mut phase, mut name) = (None, None);
                        while let Next::Child(field) = self.events.next_child()? {
                            match field.local_name() {
                                "phase" => phase = self.events.trimmed_text()?,
                                "name" => name = self.events.trimmed_text()?,
                                _ => self.events.skip()?,
                            }
                        }
                        self.sbom.lifecycles.extend(phase.or(name));
                    }
                }
                "tools" => self.tools()?,
                "authors" => {
                    while let Next::Child(author) = self.events.next_child()? {
                        if author.is("author") {
                            let party = self.contact()?;
                            self.sbom.authors.push(party);
                        } else {
                            self.events.skip()?;
                        }
                    }
                }
                "component" => {
                    let bom_ref = self.component(&child, "/bom/metadata/component", None)?;
                    root_name = self.sbom.component(&bom_ref).map(|c| c.name.clone());
                    if self.sbom.manufacturer.is_none() {
                        self.sbom.manufacturer = self
                            .sbom
                            .component(&bom_ref)
                            .and_then(|c| c.manufacturer.clone());
                    }
                    self.sbom.roots.push(bom_ref);
                }
                "manufacturer" => self.sbom.manufacturer = Some(self.entity()?),
                "manufacture" => {
                    let party = self.entity()?;
                    if self.sbom.manufacturer.is_none() {
                        self.sbom.manufacturer = Some(party);
                    }
                }
                "supplier" => self.sbom.supplier = Some(self.entity()?),
                "licenses" => {
                    let licenses: Vec<String> = self
                        .licenses()?
                        .into_iter()
                        .map(|l| l.license.text().to_owned())
                        .collect();
                    self.sbom.data_license = read::join_licenses(&licenses);
                }
                "properties" => {
                    let properties = self.properties()?;
                    if let Some(name) = properties.iter().find(|p| p.name == DOCUMENT_NAME_PROPERTY)
                    {
                        document_name = Some(name.value.clone());
                    }
                    self.sbom.properties.extend(properties);
                }
                _ => self.extension(&child, "/bom/metadata", &mut None)?,
            }
        }
        self.sbom.name = document_name.or(root_name);
        Ok(())
    }

    fn tools(&mut self) -> Result<(), ParseError> {
        while let Next::Child(child) = self.events.next_child()? {
            match child.local_name() {
                "tool" => {
                    let mut tool = Tool::default();
                    while let Next::Child(field) = self.events.next_child()? {
                        match field.local_name() {
                            "vendor" => tool.vendor = self.events.trimmed_text()?,
                            "name" => tool.name = self.events.trimmed_text()?.unwrap_or_default(),
                            "version" => tool.version = self.events.trimmed_text()?,
                            _ => self.events.skip()?,
                        }
                    }
                    self.sbom.tools.push(tool);
                }
                "components" | "services" => {
                    while let Next::Child(_item) = self.events.next_child()? {
                        let tool = self.tool_object()?;
                        self.sbom.tools.push(tool);
                    }
                }
                _ => self.events.skip()?,
            }
        }
        Ok(())
    }

    /// A 1.5+ tool given as a component or service.
    fn tool_object(&mut self) -> Result<Tool, ParseError> {
        let (mut name, mut version, mut group, mut vendor) = (None, None, None, None);
        while let Next::Child(field) = self.events.next_child()? {
            match field.local_name() {
                "name" => name = self.events.trimmed_text()?,
                "version" => version = self.events.trimmed_text()?,
                "group" => group = self.events.trimmed_text()?,
                "publisher" => {
                    let publisher = self.events.trimmed_text()?;
                    vendor = vendor.or(publisher);
                }
                "supplier" | "manufacturer" | "provider" => {
                    let party = self.entity()?;
                    if vendor.is_none() && !party.name.is_empty() {
                        vendor = Some(party.name);
                    }
                }
                _ => self.events.skip()?,
            }
        }
        Ok(Tool {
            vendor: group.or(vendor),
            name: name.unwrap_or_default(),
            version,
        })
    }

    /// An organizationalEntity (supplier, manufacturer, provider).
    fn entity(&mut self) -> Result<Party, ParseError> {
        let (mut name, mut urls, mut email) = (None, Vec::new(), None);
        while let Next::Child(field) = self.events.next_child()? {
            match field.local_name() {
                "name" => name = self.events.trimmed_text()?,
                "url" => urls.extend(self.events.trimmed_text()?),
                "contact" => {
                    let contact = self.contact()?;
                    if email.is_none() {
                        email = contact.email;
                    }
                }
                _ => self.events.skip()?,
            }
        }
        Ok(read::organization(name, urls, email))
    }

    /// An organizationalContact (author, contact).
    fn contact(&mut self) -> Result<Party, ParseError> {
        let (mut name, mut email) = (None, None);
        while let Next::Child(field) = self.events.next_child()? {
            match field.local_name() {
                "name" => name = self.events.trimmed_text()?,
                "email" => email = self.events.trimmed_text()?,
                _ => self.events.skip()?,
            }
        }
        Ok(read::person(name, email))
    }

    /// Reads a component and its nested components; returns its `bom-ref`.
    fn component(
        &mut self,
        element: &Element<'_>,
        path: &str,
        parent: Option<&str>,
    ) -> Result<String, ParseError> {
        self.items(element, path, parent, ItemKind::Component)
    }

    /// Reads a service (a component of type `service`) and its nested services.
    fn service(
        &mut self,
        element: &Element<'_>,
        path: &str,
        parent: Option<&str>,
    ) -> Result<String, ParseError> {
        self.items(element, path, parent, ItemKind::Service)
    }

    /// Reads a component or service with everything nested in it. Nesting is handled with an
    /// explicit stack, so deep documents cost heap, not call stack.
    fn items(
        &mut self,
        element: &Element<'_>,
        path: &str,
        parent: Option<&str>,
        kind: ItemKind,
    ) -> Result<String, ParseError> {
        let first = self.open_item(element, path.to_owned(), parent, kind)?;
        let mut stack = vec![first];
        loop {
            let Some(top) = stack.last_mut() else {
                debug_assert!(false, "the item stack never empties inside the loop");
                return Ok(String::new());
            };
            if top.in_list {
                match self.events.next_child()? {
                    Next::End => top.in_list = false,
                    Next::Child(child) if child.is(kind.element()) => {
                        top.n_children += 1;
                        let child_path = format!(
                            "{}/{}/{}[{}]",
                            top.path,
                            kind.list_element(),
                            kind.element(),
                            top.n_children
                        );
                        let parent_ref = top.component.bom_ref.clone();
                        let item = self.open_item(&child, child_path, Some(&parent_ref), kind)?;
                        stack.push(item);
                    }
                    Next::Child(child) => {
                        let list_path = format!("{}/{}", top.path, kind.list_element());
                        self.extension(
                            &child,
                            &list_path,
                            &mut Some(&mut top.component.extensions),
                        )?;
                    }
                }
                continue;
            }
            match self.events.next_child()? {
                Next::End => {
                    let Some(item) = stack.pop() else {
                        continue;
                    };
                    let bom_ref = self.close_item(item);
                    match stack.last() {
                        Some(parent) => self.sbom.relationships.push(Relationship {
                            from: parent.component.bom_ref.clone(),
                            to: bom_ref,
                            kind: RelationshipKind::Contains,
                            original: None,
                        }),
                        None => return Ok(bom_ref),
                    }
                }
                Next::Child(child) if child.is(kind.list_element()) => top.in_list = true,
                Next::Child(child) => match kind {
                    ItemKind::Component => self.component_field(top, &child)?,
                    ItemKind::Service => self.service_field(top, &child)?,
                },
            }
        }
    }

    /// Starts a component or service: attributes, `bom-ref`, and a reserved slot so the
    /// parent comes before its children in document order.
    fn open_item(
        &mut self,
        element: &Element<'_>,
        path: String,
        parent: Option<&str>,
        kind: ItemKind,
    ) -> Result<Item, ParseError> {
        let written_ref = self.events.attribute(element, "bom-ref")?;
        let bom_ref = self.refs.assign(
            written_ref,
            &|| self.events.location(element.offset),
            &mut self.diagnostics,
        );
        let mut component = Component {
            bom_ref,
            parent: parent.map(str::to_owned),
            ..Component::default()
        };
        if kind == ItemKind::Service {
            component.kind = ComponentType::Other(SERVICE_TYPE.to_owned());
        } else {
            match self.events.attribute(element, "type")? {
                Some(type_text) => {
                    component.kind = read::component_type(
                        &type_text,
                        &|| self.events.location(element.offset),
                        &mut self.diagnostics,
                    );
                }
                None => self.diagnostics.push(Diagnostic::error(
                    self.events.location(element.offset),
                    "component has no type",
                )),
            }
            if let Some(mime_type) = self.events.attribute(element, "mime-type")? {
                component.extensions.push(Property {
                    name: format!("{path}/@mime-type"),
                    value: mime_type,
                });
            }
        }
        let slot = self.sbom.components.len();
        self.sbom.components.push(Component::default());
        Ok(Item {
            component,
            slot,
            path,
            offset: element.offset,
            n_children: 0,
            licenses: Vec::new(),
            has_name: false,
            in_list: false,
        })
    }

    /// Finishes a component or service and puts it in its reserved slot.
    fn close_item(&mut self, item: Item) -> String {
        let Item {
            mut component,
            slot,
            offset,
            licenses,
            has_name,
            ..
        } = item;
        if !has_name {
            let what = match component.kind {
                ComponentType::Other(_) => "service has no name",
                _ => "component has no name",
            };
            self.diagnostics
                .push(Diagnostic::error(self.events.location(offset), what));
        }
        read::set_licenses(&mut component, licenses);
        finish_component(&mut component);
        let bom_ref = component.bom_ref.clone();
        if let Some(reserved) = self.sbom.components.get_mut(slot) {
            *reserved = component;
        }
        bom_ref
    }

    fn component_field(&mut self, item: &mut Item, child: &Element<'_>) -> Result<(), ParseError> {
        let component = &mut item.component;
        if child.namespace != Namespace::Bom {
            return self.extension(child, &item.path, &mut Some(&mut component.extensions));
        }
        match child.local_name() {
            "supplier" => component.supplier = Some(self.entity()?),
            "manufacturer" => component.manufacturer = Some(self.entity()?),
            "authors" => {
                while let Next::Child(author) = self.events.next_child()? {
                    if author.is("author") {
                        let party = self.contact()?;
                        component.authors.push(party);
                    } else {
                        self.events.skip()?;
                    }
                }
            }
            "author" => {
                if let Some(name) = self.events.trimmed_text()? {
                    component.authors.push(Party {
                        name,
                        ..Party::default()
                    });
                }
            }
            "publisher" => component.publisher = Some(self.events.text()?),
            "group" => component.group = Some(self.events.text()?),
            "name" => {
                component.name = self.events.text()?;
                item.has_name = true;
            }
            "version" => component.version = Some(self.events.text()?),
            "description" => component.description = Some(self.events.text()?),
            "scope" => {
                if let Some(scope) = self.events.trimmed_text()? {
                    component.scope = read::scope(
                        &scope,
                        &|| self.events.location(child.offset),
                        &mut self.diagnostics,
                    );
                }
            }
            "hashes" => component.hashes = self.hashes()?,
            "licenses" => item.licenses = self.licenses()?,
            "copyright" => component.copyright = Some(self.events.text()?),
            "cpe" => component.cpes.extend(self.events.trimmed_text()?),
            "purl" => component.purl = self.events.trimmed_text()?,
            "omniborId" | "swhid" => {
                let kind = child.local_name().to_owned();
                if let Some(value) = self.events.trimmed_text()? {
                    component.other_identifiers.push(Identifier { kind, value });
                }
            }
            "swid" => component.swid = Some(self.swid(child)?),
            "externalReferences" => component.external_refs = self.external_refs()?,
            "properties" => component.properties = self.properties()?,
            _ => self.extension(child, &item.path, &mut Some(&mut component.extensions))?,
        }
        Ok(())
    }

    fn service_field(&mut self, item: &mut Item, child: &Element<'_>) -> Result<(), ParseError> {
        let component = &mut item.component;
        if child.namespace != Namespace::Bom {
            return self.extension(child, &item.path, &mut Some(&mut component.extensions));
        }
        match child.local_name() {
            "provider" => component.supplier = Some(self.entity()?),
            "group" => component.group = Some(self.events.text()?),
            "name" => {
                component.name = self.events.text()?;
                item.has_name = true;
            }
            "version" => component.version = Some(self.events.text()?),
            "description" => component.description = Some(self.events.text()?),
            "licenses" => item.licenses = self.licenses()?,
            "externalReferences" => component.external_refs = self.external_refs()?,
            "properties" => component.properties = self.properties()?,
            _ => self.extension(child, &item.path, &mut Some(&mut component.extensions))?,
        }
        Ok(())
    }

    fn hashes(&mut self) -> Result<Vec<Hash>, ParseError> {
        let mut res = Vec::new();
        while let Next::Child(child) = self.events.next_child()? {
            if !child.is("hash") {
                self.events.skip()?;
                continue;
            }
            let algorithm = self.events.attribute(&child, "alg")?;
            let value = self.events.trimmed_text()?;
            if let (Some(algorithm), Some(value)) = (algorithm, value) {
                res.push(Hash {
                    algorithm: normalize_hash_algorithm(&algorithm),
                    value,
                });
            }
        }
        Ok(res)
    }

    fn licenses(&mut self) -> Result<Vec<ReadLicense>, ParseError> {
        let mut res = Vec::new();
        while let Next::Child(child) = self.events.next_child()? {
            let concluded =
                self.events.attribute(&child, "acknowledgement")?.as_deref() == Some("concluded");
            match child.local_name() {
                "expression" => {
                    if let Some(expression) = self.events.trimmed_text()? {
                        res.push(ReadLicense {
                            license: License::Expression(expression),
                            concluded,
                        });
                    }
                }
                "license" => {
                    let (mut id, mut name) = (None, None);
                    while let Next::Child(field) = self.events.next_child()? {
                        match field.local_name() {
                            "id" => id = self.events.trimmed_text()?,
                            "name" => name = self.events.trimmed_text()?,
                            _ => self.events.skip()?,
                        }
                    }
                    let license = match (id, name) {
                        (Some(id), _) => License::Id(id),
                        (None, Some(name)) => License::Name(name),
                        (None, None) => continue,
                    };
                    res.push(ReadLicense { license, concluded });
                }
                _ => self.events.skip()?,
            }
        }
        Ok(res)
    }

    fn swid(&mut self, element: &Element<'_>) -> Result<SwidRef, ParseError> {
        let tag_version = self
            .events
            .attribute(element, "tagVersion")?
            .and_then(|v| v.trim().parse::<u64>().ok());
        let patch = self
            .events
            .attribute(element, "patch")?
            .and_then(|v| match v.trim() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            });
        let res = SwidRef {
            tag_id: self.events.attribute(element, "tagId")?.unwrap_or_default(),
            name: self.events.attribute(element, "name")?,
            version: self.events.attribute(element, "version")?,
            tag_version,
            patch,
        };
        self.events.skip()?;
        Ok(res)
    }

    fn external_refs(&mut self) -> Result<Vec<ExternalRef>, ParseError> {
        let mut res = Vec::new();
        while let Next::Child(child) = self.events.next_child()? {
            if !child.is("reference") {
                self.events.skip()?;
                continue;
            }
            let mut reference = ExternalRef {
                kind: self
                    .events
                    .attribute(&child, "type")?
                    .unwrap_or_else(|| "other".to_owned()),
                ..ExternalRef::default()
            };
            while let Next::Child(field) = self.events.next_child()? {
                match field.local_name() {
                    "url" => reference.url = self.events.trimmed_text()?.unwrap_or_default(),
                    "comment" => reference.comment = Some(self.events.text()?),
                    _ => self.events.skip()?,
                }
            }
            res.push(reference);
        }
        Ok(res)
    }

    fn properties(&mut self) -> Result<Vec<Property>, ParseError> {
        let mut res = Vec::new();
        while let Next::Child(child) = self.events.next_child()? {
            if !child.is("property") {
                self.events.skip()?;
                continue;
            }
            let name = self.events.attribute(&child, "name")?;
            let value = self.events.text()?;
            if let Some(name) = name {
                res.push(Property { name, value });
            }
        }
        Ok(res)
    }

    /// `<dependencies>`: each `<dependency ref>` lists its dependencies as nested
    /// `<dependency ref>` (and 1.6 `<provides ref>`); the 1.1 extension nests further.
    fn dependencies(&mut self) -> Result<(), ParseError> {
        while let Next::Child(child) = self.events.next_child()? {
            if child.local_name() != "dependency" {
                self.events.skip()?;
                continue;
            }
            self.dependency(&child)?;
        }
        Ok(())
    }

    fn dependency(&mut self, element: &Element<'_>) -> Result<Option<String>, ParseError> {
        let from = self.events.attribute(element, "ref")?;
        match &from {
            Some(from) => self.pending_refs.push((from.clone(), element.offset)),
            None => self.diagnostics.push(Diagnostic::error(
                self.events.location(element.offset),
                "dependency has no ref",
            )),
        }
        while let Next::Child(child) = self.events.next_child()? {
            let (kind, original, to) = match child.local_name() {
                "dependency" => {
                    let to = self.dependency(&child)?;
                    (RelationshipKind::DependsOn, "dependsOn", to)
                }
                "provides" => {
                    let to = self.events.attribute(&child, "ref")?;
                    if let Some(to) = &to {
                        self.pending_refs.push((to.clone(), child.offset));
                    }
                    self.events.skip()?;
                    (RelationshipKind::Provides, "provides", to)
                }
                _ => {
                    self.events.skip()?;
                    continue;
                }
            };
            if let (Some(from), Some(to)) = (&from, to) {
                self.sbom.relationships.push(Relationship {
                    from: from.clone(),
                    to,
                    kind,
                    original: Some(original.to_owned()),
                });
            }
        }
        Ok(from)
    }

    fn compositions(&mut self) -> Result<(), ParseError> {
        while let Next::Child(child) = self.events.next_child()? {
            if !child.is("composition") {
                self.events.skip()?;
                continue;
            }
            let mut composition = Composition::default();
            while let Next::Child(field) = self.events.next_child()? {
                match field.local_name() {
                    "aggregate" => {
                        composition.aggregate = self.events.trimmed_text()?.unwrap_or_default();
                    }
                    "assemblies" => composition.assemblies = self.refs_of("assembly")?,
                    "dependencies" => composition.dependencies = self.refs_of("dependency")?,
                    _ => self.events.skip()?,
                }
            }
            if composition.aggregate.is_empty() {
                composition.aggregate = "not_specified".to_owned();
            }
            self.sbom.compositions.push(composition);
        }
        Ok(())
    }

    /// The `ref` attributes of the `item` children of the current element.
    fn refs_of(&mut self, item: &str) -> Result<Vec<String>, ParseError> {
        let mut res = Vec::new();
        while let Next::Child(child) = self.events.next_child()? {
            if child.local_name() == item {
                res.extend(self.events.attribute(&child, "ref")?);
            }
            self.events.skip()?;
        }
        Ok(res)
    }

    fn vulnerabilities(&mut self) -> Result<(), ParseError> {
        let mut n_vulnerabilities = 0usize;
        while let Next::Child(child) = self.events.next_child()? {
            if !child.is("vulnerability") {
                self.extension(&child, "/bom/vulnerabilities", &mut None)?;
                continue;
            }
            n_vulnerabilities += 1;
            let path = format!("/bom/vulnerabilities/vulnerability[{n_vulnerabilities}]");
            self.vulnerability(&child, &path)?;
        }
        Ok(())
    }

    fn vulnerability(&mut self, element: &Element<'_>, path: &str) -> Result<(), ParseError> {
        let mut res = Vulnerability {
            bom_ref: self.events.attribute(element, "bom-ref")?,
            ..Vulnerability::default()
        };
        while let Next::Child(child) = self.events.next_child()? {
            if child.namespace != Namespace::Bom {
                self.extension(&child, path, &mut None)?;
                continue;
            }
            match child.local_name() {
                "id" => res.id = self.events.trimmed_text()?.unwrap_or_default(),
                "source" => {
                    let (name, url) = self.source()?;
                    res.source_name = name;
                    res.source_url = url;
                }
                "references" => {
                    while let Next::Child(_reference) = self.events.next_child()? {
                        while let Next::Child(field) = self.events.next_child()? {
                            match field.local_name() {
                                "id" => res.aliases.extend(self.events.trimmed_text()?),
                                _ => self.events.skip()?,
                            }
                        }
                    }
                }
                "ratings" => {
                    while let Next::Child(_rating) = self.events.next_child()? {
                        let rating = self.rating()?;
                        res.ratings.push(rating);
                    }
                }
                "cwes" => {
                    while let Next::Child(cwe) = self.events.next_child()? {
                        let text = self.events.trimmed_text()?.unwrap_or_default();
                        match text.parse::<u32>() {
                            Ok(number) => res.cwes.push(number),
                            Err(_) => self.diagnostics.push(Diagnostic::warning(
                                self.events.location(cwe.offset),
                                format!("cwe \"{text}\" is not a number"),
                            )),
                        }
                    }
                }
                "description" => res.description = Some(self.events.text()?),
                "detail" => res.detail = Some(self.events.text()?),
                "recommendation" => res.recommendation = Some(self.events.text()?),
                "advisories" => {
                    while let Next::Child(_advisory) = self.events.next_child()? {
                        while let Next::Child(field) = self.events.next_child()? {
                            match field.local_name() {
                                "url" => res.advisories.extend(self.events.trimmed_text()?),
                                _ => self.events.skip()?,
                            }
                        }
                    }
                }
                "published" => res.published = self.events.trimmed_text()?,
                "updated" => res.updated = self.events.trimmed_text()?,
                "analysis" => res.analysis = Some(self.analysis()?),
                "affects" => {
                    while let Next::Child(target) = self.events.next_child()? {
                        if let Some(affect) = self.affect(&target)? {
                            res.affects.push(affect);
                        }
                    }
                }
                _ => self.extension(&child, path, &mut None)?,
            }
        }
        self.sbom.vulnerabilities.push(res);
        Ok(())
    }

    fn source(&mut self) -> Result<(Option<String>, Option<String>), ParseError> {
        let (mut name, mut url) = (None, None);
        while let Next::Child(field) = self.events.next_child()? {
            match field.local_name() {
                "name" => name = self.events.trimmed_text()?,
                "url" => url = self.events.trimmed_text()?,
                _ => self.events.skip()?,
            }
        }
        Ok((name, url))
    }

    fn rating(&mut self) -> Result<Rating, ParseError> {
        let mut res = Rating::default();
        while let Next::Child(field) = self.events.next_child()? {
            match field.local_name() {
                "score" => {
                    let text = self.events.trimmed_text()?.unwrap_or_default();
                    match text.parse::<f64>() {
                        Ok(score) => res.score = Some(score),
                        Err(_) => self.diagnostics.push(Diagnostic::warning(
                            self.events.location(field.offset),
                            format!("rating score \"{text}\" is not a number"),
                        )),
                    }
                }
                "severity" => res.severity = self.events.trimmed_text()?,
                "method" => res.method = self.events.trimmed_text()?,
                "vector" => res.vector = self.events.trimmed_text()?,
                _ => self.events.skip()?,
            }
        }
        Ok(res)
    }

    fn analysis(&mut self) -> Result<Analysis, ParseError> {
        let mut res = Analysis::default();
        while let Next::Child(field) = self.events.next_child()? {
            match field.local_name() {
                "state" => res.state = self.events.trimmed_text()?,
                "justification" => res.justification = self.events.trimmed_text()?,
                "responses" => {
                    while let Next::Child(_response) = self.events.next_child()? {
                        res.responses.extend(self.events.trimmed_text()?);
                    }
                }
                "detail" => res.detail = Some(self.events.text()?),
                "firstIssued" => res.first_issued = self.events.trimmed_text()?,
                "lastUpdated" => res.last_updated = self.events.trimmed_text()?,
                _ => self.events.skip()?,
            }
        }
        Ok(res)
    }

    fn affect(&mut self, target: &Element<'_>) -> Result<Option<Affect>, ParseError> {
        let mut reference = None;
        let mut versions = Vec::new();
        while let Next::Child(field) = self.events.next_child()? {
            match field.local_name() {
                "ref" => reference = self.events.trimmed_text()?,
                "versions" => {
                    while let Next::Child(_version) = self.events.next_child()? {
                        let mut affected = AffectedVersion::default();
                        while let Next::Child(part) = self.events.next_child()? {
                            match part.local_name() {
                                "version" => affected.version = self.events.trimmed_text()?,
                                "range" => affected.range = self.events.trimmed_text()?,
                                "status" => affected.status = self.events.trimmed_text()?,
                                _ => self.events.skip()?,
                            }
                        }
                        versions.push(affected);
                    }
                }
                _ => self.events.skip()?,
            }
        }
        match reference {
            Some(reference) => Ok(Some(Affect {
                reference,
                versions,
            })),
            None => {
                self.diagnostics.push(Diagnostic::warning(
                    self.events.location(target.offset),
                    "affects target has no ref",
                ));
                Ok(None)
            }
        }
    }
}
