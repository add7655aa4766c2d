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
use quick_xml::Reader as XmlReader;
use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesEnd, BytesPI, BytesRef, BytesStart, BytesText, Event};
use quick_xml::name::{NamespaceResolver, ResolveResult};

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
    /// Where the local name starts in the qualified name (after the prefix's `:`), found once
    /// because readers compare it several times.
    local_start: usize,
}

impl<'a> Element<'a> {
    fn new(start: BytesStart<'a>, namespace: Namespace, offset: usize) -> Element<'a> {
        // The prefix ends at the first `:`, as in quick-xml's `QName::local_name`.
        let local_start = start
            .name()
            .into_inner()
            .bytes()
            .position(|b| b == b':')
            .map_or(0, |idx| idx + 1);
        Element {
            start,
            namespace,
            offset,
            local_start,
        }
    }

    fn local_name(&self) -> &str {
        let name = self.start.name().into_inner();
        name.get(self.local_start..).unwrap_or(name)
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
///
/// Namespaces are resolved with quick-xml's own resolver, as its `NsReader` does, except that
/// a scope is pushed only for elements whose attributes mention `xmlns` (the only ones that
/// can declare a binding), rather than for every element: the bindings in force, and so every
/// resolution and every namespace error, are the same.
struct Events<'a> {
    source: Source<'a>,
    resolver: NamespaceResolver,
    /// Depths of the open elements that pushed a namespace scope, innermost last.
    scopes: Vec<usize>,
    /// The namespace class of unprefixed elements under the bindings in force, once resolved
    /// (cleared whenever a scope is pushed or popped).
    unprefixed: Option<Namespace>,
    text: &'a str,
    lines: OnceCell<LineIndex<'a>>,
    depth: usize,
}

/// Where events come from: quick-xml, or [`Tokenizer`] for documents it can read.
enum Source<'a> {
    Quick(XmlReader<&'a [u8]>),
    Fast(Tokenizer<'a>),
}

impl<'a> Events<'a> {
    /// Events from quick-xml.
    fn quick(text: &'a str) -> Events<'a> {
        let mut reader = XmlReader::from_str(text);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        // Whitespace before markup (indentation, mostly) produces no event: text is taken
        // from the input by position (see `Events::text`), so nothing is lost.
        config.trim_text_start = true;
        Events::new(text, Source::Quick(reader))
    }

    /// Events from [`Tokenizer`]: the same events, where it can produce them.
    fn fast(text: &'a str) -> Events<'a> {
        Events::new(text, Source::Fast(Tokenizer::new(text)))
    }

    fn new(text: &'a str, source: Source<'a>) -> Events<'a> {
        Events {
            source,
            resolver: NamespaceResolver::default(),
            scopes: Vec::new(),
            unprefixed: None,
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
        let offset = match &self.source {
            Source::Quick(reader) => usize::try_from(reader.error_position()).unwrap_or(usize::MAX),
            Source::Fast(tokenizer) => tokenizer.pos,
        };
        self.error(offset, format!("invalid cyclonedx xml: {error}"))
    }

    fn position(&self) -> usize {
        match &self.source {
            Source::Quick(reader) => {
                usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
            }
            Source::Fast(tokenizer) => tokenizer.pos,
        }
    }

    /// The next event that matters: start tags (with namespace), end tags, text pieces.
    /// Only start tags have their namespace resolved; other events report [`Namespace::Bom`],
    /// which no caller looks at.
    fn event(&mut self) -> Result<(Event<'a>, Namespace, usize), ParseError> {
        loop {
            let res = self.raw_event()?;
            if !matches!(res.0, Event::Comment(_) | Event::PI(_) | Event::Decl(_)) {
                return Ok(res);
            }
        }
    }

    /// The next event, comments and processing instructions included, with the byte offset
    /// where it starts (after the whitespace the reader skips before markup).
    fn raw_event(&mut self) -> Result<(Event<'a>, Namespace, usize), ParseError> {
        let before = self.position();
        let (event, offset) = match &mut self.source {
            Source::Quick(reader) => match reader.read_event() {
                Ok(event) => {
                    // The whitespace the reader skipped, within what it consumed (the end tag
                    // of an expanded empty element consumes nothing).
                    let skipped = self
                        .text
                        .as_bytes()
                        .get(before..self.position())
                        .unwrap_or_default()
                        .iter()
                        .take_while(|b| is_xml_whitespace(**b))
                        .count();
                    (event, before + skipped)
                }
                Err(error) => return Err(self.syntax_error(&error)),
            },
            Source::Fast(tokenizer) => match tokenizer.next() {
                Some(event) => event,
                None => {
                    return Err(ParseError::new(
                        Location::Offset(tokenizer.pos as u64),
                        "beyond the fast tokenizer",
                    ));
                }
            },
        };
        match event {
            Event::DocType(_) => Err(self.error(offset, "dtd not allowed")),
            Event::Start(start) => {
                self.depth += 1;
                if start.attributes_raw().contains("xmlns") {
                    if let Err(error) = self.resolver.push(&start) {
                        return Err(self.syntax_error(&quick_xml::Error::from(error)));
                    }
                    self.scopes.push(self.depth);
                    self.unprefixed = None;
                }
                if MAX_XML_DEPTH < self.depth {
                    return Err(self.error(
                        offset,
                        format!("element nesting deeper than {MAX_XML_DEPTH} levels"),
                    ));
                }
                // An unprefixed name resolves to the default namespace, which changes only
                // with the scopes.
                let is_unprefixed = !start.name().into_inner().contains(':');
                let namespace = match self.unprefixed {
                    Some(namespace) if is_unprefixed => namespace,
                    _ => {
                        let namespace = self.namespace_of(&start);
                        if is_unprefixed {
                            self.unprefixed = Some(namespace);
                        }
                        namespace
                    }
                };
                Ok((Event::Start(start), namespace, offset))
            }
            Event::End(_) => {
                if self.scopes.last() == Some(&self.depth) {
                    self.resolver.pop();
                    self.scopes.pop();
                    self.unprefixed = None;
                }
                self.depth = self.depth.saturating_sub(1);
                Ok((event, Namespace::Bom, offset))
            }
            Event::Empty(_) => {
                // Not produced with expand_empty_elements; treat as a start tag defensively.
                Err(self.error(offset, "unexpected empty element event"))
            }
            _ => Ok((event, Namespace::Bom, offset)),
        }
    }

    fn namespace_of(&self, start: &BytesStart<'_>) -> Namespace {
        let (resolved, _) = self.resolver.resolve_element(start.name());
        match resolved {
            ResolveResult::Bound(ns) if ns.into_inner().starts_with(BOM_NAMESPACE_PREFIX) => {
                Namespace::Bom
            }
            ResolveResult::Bound(ns) if ns.into_inner() == DEPENDENCY_GRAPH_NAMESPACE => {
                Namespace::DependencyGraph
            }
            ResolveResult::Unbound => Namespace::Bom,
            _ => Namespace::Foreign,
        }
    }

    /// After a start tag: the next child element, or the end of the current element.
    /// Text between children is ignored.
    fn next_child(&mut self) -> Result<Next<'a>, ParseError> {
        loop {
            let (event, namespace, offset) = self.event()?;
            match event {
                Event::Start(start) => {
                    return Ok(Next::Child(Element::new(start, namespace, offset)));
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
    /// character references resolved and line ends normalized. The common case, one piece of
    /// text without references or carriage returns, borrows from the input.
    ///
    /// The reader skips whitespace before markup, so the text is taken from the input: each
    /// run between two pieces of markup at this level, from `cursor` to where the markup
    /// starts.
    fn text(&mut self) -> Result<Cow<'a, str>, ParseError> {
        let mut res: Cow<'a, str> = Cow::Borrowed("");
        let mut nested = 0usize;
        let mut cursor = self.position();
        loop {
            let (event, _, offset) = self.raw_event()?;
            if nested == 0 && !matches!(event, Event::Text(_)) {
                let run = self.text.get(cursor..offset).unwrap_or_default();
                if !run.is_empty() {
                    append(&mut res, BytesText::from_escaped(run).xml10_content());
                }
            }
            let piece = match event {
                // Its text is part of the next run.
                Event::Text(_) => continue,
                Event::Start(_) => {
                    nested += 1;
                    continue;
                }
                Event::End(_) if nested == 0 => return Ok(res),
                Event::End(_) => {
                    nested -= 1;
                    cursor = self.position();
                    continue;
                }
                Event::Eof => return Err(self.error(offset, "unexpected end of document")),
                _ if 0 < nested => continue,
                Event::CData(cdata) => cdata.xml10_content(),
                Event::GeneralRef(reference) => {
                    decode_reference(&reference).map_err(|m| self.error(offset, m))?
                }
                _ => {
                    cursor = self.position();
                    continue;
                }
            };
            cursor = self.position();
            append(&mut res, piece);
        }
    }

    /// The element's text as an owned string.
    fn owned_text(&mut self) -> Result<String, ParseError> {
        Ok(self.text()?.into_owned())
    }

    /// The text, trimmed, or `None` when blank.
    fn trimmed_text(&mut self) -> Result<Option<String>, ParseError> {
        let text = self.text()?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.len() == text.len() {
            return Ok(Some(text.into_owned()));
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
        Ok(self.attribute_text(element, name)?.map(Cow::into_owned))
    }

    /// An attribute value, borrowed from the input unless a reference was resolved.
    fn attribute_text<'e>(
        &self,
        element: &'e Element<'_>,
        name: &str,
    ) -> Result<Option<Cow<'e, str>>, ParseError> {
        match element.start.try_get_attribute(name) {
            Ok(Some(attribute)) => self.normalized(element, &attribute, name).map(Some),
            Ok(None) => Ok(None),
            Err(error) => Err(self.bad_attribute(element, &error)),
        }
    }

    /// Several attribute values in one pass over the start tag (the first occurrence of each
    /// name), with the errors [`Events::attribute`] would give when called for each name in
    /// turn: a malformed attribute before a name (or anywhere, for a name that is absent)
    /// is an error, and so is a value with a custom entity.
    fn attributes<'e, const N: usize>(
        &self,
        element: &'e Element<'_>,
        names: [&str; N],
    ) -> Result<[Option<Cow<'e, str>>; N], ParseError> {
        let mut found: [Option<quick_xml::events::attributes::Attribute<'_>>; N] =
            std::array::from_fn(|_| None);
        let mut malformed = None;
        for attribute in element.start.attributes().with_checks(false) {
            let attribute = match attribute {
                Ok(attribute) => attribute,
                Err(error) => {
                    malformed = Some(error);
                    break;
                }
            };
            let key: &str = attribute.key.as_ref();
            if let Some(slot) = names
                .iter()
                .zip(found.iter_mut())
                .find_map(|(name, slot)| (*name == key && slot.is_none()).then_some(slot))
            {
                *slot = Some(attribute);
            }
        }
        let mut res: [Option<Cow<'e, str>>; N] = std::array::from_fn(|_| None);
        for ((name, attribute), value) in names.iter().zip(found).zip(res.iter_mut()) {
            match (attribute, &malformed) {
                (Some(attribute), _) => {
                    *value = Some(self.normalized(element, &attribute, name)?);
                }
                (None, Some(error)) => return Err(self.bad_attribute(element, error)),
                (None, None) => {}
            }
        }
        Ok(res)
    }

    fn normalized<'v>(
        &self,
        element: &Element<'_>,
        attribute: &quick_xml::events::attributes::Attribute<'v>,
        name: &str,
    ) -> Result<Cow<'v, str>, ParseError> {
        match attribute.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => Ok(value),
            Err(error) => Err(self.error(
                element.offset,
                format!("invalid cyclonedx xml: attribute {name}: {error} (custom entities are not expanded)"),
            )),
        }
    }

    fn bad_attribute(
        &self,
        element: &Element<'_>,
        error: &quick_xml::events::attributes::AttrError,
    ) -> ParseError {
        self.error(
            element.offset,
            format!("invalid cyclonedx xml: bad attribute: {error}"),
        )
    }
}

fn is_xml_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// A tokenizer for the common case (elements, attributes, text, references, processing
/// instructions) that gives the events and positions quick-xml gives with the configuration of
/// [`Events::quick`], without text events (text is read by position) and without checking
/// UTF-8 again (the input is a `&str`). It gives up (`None`) on anything else: comments,
/// CDATA, DTDs, and every input quick-xml would reject; the reader then starts over with
/// quick-xml, so results and errors are quick-xml's.
struct Tokenizer<'a> {
    text: &'a str,
    /// The byte offset reached, as quick-xml's `buffer_position`.
    pos: usize,
    /// Names of the open elements, innermost last.
    open: Vec<&'a str>,
    /// The last start tag was self-closing: its end tag comes next.
    empty_end: bool,
}

impl<'a> Tokenizer<'a> {
    fn new(text: &'a str) -> Tokenizer<'a> {
        Tokenizer {
            text,
            pos: 0,
            open: Vec::new(),
            empty_end: false,
        }
    }

    /// The next event other than text, and the offset where it starts.
    fn next(&mut self) -> Option<(Event<'a>, usize)> {
        if self.empty_end {
            self.empty_end = false;
            let name = self.open.pop()?;
            return Some((Event::End(BytesEnd::new(name)), self.pos));
        }
        let bytes = self.text.as_bytes();
        loop {
            let rest = bytes.get(self.pos..)?;
            match rest.iter().position(|b| !is_xml_whitespace(*b)) {
                None => {
                    self.pos = bytes.len();
                    return Some((Event::Eof, self.pos));
                }
                Some(idx) => self.pos += idx,
            }
            match bytes.get(self.pos)? {
                b'<' => return self.markup(),
                b'&' => return self.reference(),
                // Text: read by position.
                _ => match memchr::memchr2(b'<', b'&', bytes.get(self.pos..)?) {
                    Some(idx) => self.pos += idx,
                    None => self.pos = bytes.len(),
                },
            }
        }
    }

    /// At `<`.
    fn markup(&mut self) -> Option<(Event<'a>, usize)> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        match bytes.get(start + 1)? {
            b'!' => None,
            b'?' => {
                // Up to the first `>` after a `?` (`<?>` is an error).
                let end = memchr::memmem::find(bytes.get(start + 1..)?, b"?>")? + start + 2;
                if end - start < 3 {
                    return None;
                }
                self.pos = end + 1;
                let content = self.text.get(start + 2..end - 1)?;
                Some((Event::PI(BytesPI::new(content)), start))
            }
            b'/' => {
                let end = self.tag_end(start)?;
                let content = self.text.get(start + 2..end)?;
                // Trailing whitespace is not part of the name (unless it is all there is).
                let trimmed =
                    content.trim_end_matches(|c: char| c.is_ascii() && is_xml_whitespace(c as u8));
                let name = if trimmed.is_empty() { content } else { trimmed };
                if self.open.pop()? != name {
                    return None;
                }
                self.pos = end + 1;
                Some((Event::End(BytesEnd::new(name)), start))
            }
            _ => {
                let end = self.tag_end(start)?;
                let mut content = self.text.get(start + 1..end)?;
                if let Some(stripped) = content.strip_suffix('/') {
                    content = stripped;
                    self.empty_end = true;
                }
                let name_len = content
                    .bytes()
                    .position(is_xml_whitespace)
                    .unwrap_or(content.len());
                self.open.push(content.get(..name_len)?);
                self.pos = end + 1;
                Some((
                    Event::Start(BytesStart::from_content(content, name_len)),
                    start,
                ))
            }
        }
    }

    /// The `>` that ends the tag starting at `start`, outside quoted values.
    fn tag_end(&self, start: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut quote = None;
        for idx in memchr::memchr3_iter(b'>', b'\'', b'"', bytes.get(start..)?) {
            let byte = *bytes.get(start + idx)?;
            match (quote, byte) {
                (None, b'>') => return Some(start + idx),
                (None, b'\'' | b'"') => quote = Some(byte),
                (Some(open), _) if open == byte => quote = None,
                _ => {}
            }
        }
        None
    }

    /// At `&`: a reference ends at `;` before any `&` or `<`.
    fn reference(&mut self) -> Option<(Event<'a>, usize)> {
        let start = self.pos;
        let bytes = self.text.as_bytes();
        let idx = memchr::memchr3(b';', b'&', b'<', bytes.get(start + 1..)?)?;
        if *bytes.get(start + 1 + idx)? != b';' {
            return None;
        }
        let name = self.text.get(start + 1..start + 1 + idx)?;
        self.pos = start + idx + 2;
        Some((Event::GeneralRef(BytesRef::new(name)), start))
    }
}

/// Gives every list of a finished component a capacity equal to its length: lists read
/// element by element grow by doubling, and the model lives as long as the document does.
fn exact_lists(component: &mut Component) {
    exact(&mut component.cpes);
    exact(&mut component.hashes);
    exact(&mut component.licenses);
    exact(&mut component.properties);
    exact(&mut component.support.milestones);
    for party in component.supplier.iter_mut() {
        exact(&mut party.urls);
    }
    if !component.extra.is_allocated() {
        return;
    }
    let extra = &mut *component.extra;
    exact(&mut extra.authors);
    exact(&mut extra.other_identifiers);
    exact(&mut extra.external_refs);
    exact(&mut extra.extensions);
    for party in extra.manufacturer.iter_mut() {
        exact(&mut party.urls);
    }
}

/// Moves the items into an allocation of exactly their number (`shrink_to_fit` may keep the
/// block: allocators leave a block in place when the new size is close enough).
fn exact<T>(items: &mut Vec<T>) {
    if items.len() == items.capacity() {
        return;
    }
    let mut res = Vec::with_capacity(items.len());
    res.append(items);
    *items = res;
}

/// Adds a piece of an element's text: the first piece is kept as it is (borrowed, usually).
fn append<'a>(res: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if res.is_empty() {
        *res = piece;
    } else {
        res.to_mut().push_str(&piece);
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
    // The fast tokenizer reads the common documents; anything it gives up on, and any
    // error, is read again with quick-xml, whose result (or error) stands.
    match read_with(text, Events::fast(text)) {
        Ok(parsed) => Ok(parsed),
        Err(_) => read_with(text, Events::quick(text)),
    }
}

fn read_with<'a>(text: &'a str, events: Events<'a>) -> Result<Parsed, ParseError> {
    let n_items = count_start_tags(text, "component");
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "");
    sbom.components.reserve_exact(n_items);
    // Each nested `dependency` is an edge (the outer ones, counted too, are not): room for
    // at least the edges, allocated once. Pages never touched cost nothing.
    sbom.relationships
        .reserve_exact(count_start_tags(text, "dependency"));
    let mut reader = Reader {
        events,
        sbom,
        diagnostics: Vec::new(),
        refs: Refs::with_capacity(n_items),
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

/// About the number of `name` elements (any prefix), so that lists are allocated once at
/// their final size: a list that grows by doubling holds up to twice the room it needs, and
/// three times while it moves (and the blocks it leaves behind stay resident a while). Start
/// tags inside comments and CDATA are counted too (the count is at most one per ten bytes of
/// input); services, rarer, are left to [`Reader::reserve_item`]'s modest growth.
fn count_start_tags(text: &str, name: &str) -> usize {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, name)
        .filter(|idx| {
            let before = idx.checked_sub(1).and_then(|i| bytes.get(i));
            let after = bytes.get(idx + name.len());
            matches!(before, Some(b'<' | b':'))
                && matches!(after, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
        })
        .count()
}

struct Reader<'a> {
    events: Events<'a>,
    sbom: Sbom,
    diagnostics: Vec<Diagnostic>,
    refs: Refs,
    /// Dependency refs to check once every component is known (those not known yet when
    /// read): (ref, byte offset).
    pending_refs: Vec<(String, usize)>,
}

impl<'a> Reader<'a> {
    fn document(&mut self) -> Result<(), ParseError> {
        let root = loop {
            let (event, namespace, offset) = self.events.event()?;
            match event {
                Event::Start(start) => {
                    break Element::new(start, namespace, offset);
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
        // Locations are computed only when reported: the line index costs a pass over the
        // document and memory per line.
        let (resolved, _) = self.events.resolver.resolve_element(root.start.name());
        let namespace = match resolved {
            ResolveResult::Bound(ns) => Some(ns.into_inner().to_owned()),
            _ => None,
        };
        match namespace {
            Some(namespace) => match namespace.strip_prefix(BOM_NAMESPACE_PREFIX) {
                Some(version) => {
                    let mut found = Vec::new();
                    read::check_spec_version(version, Location::Document, &mut found);
                    for mut diagnostic in found {
                        diagnostic.location = self.events.location(root.offset);
                        self.diagnostics.push(diagnostic);
                    }
                    self.sbom.spec_version = version.to_owned();
                }
                None => {
                    return Err(ParseError::new(
                        self.events.location(root.offset),
                        format!("not a cyclonedx document: bom namespace is \"{namespace}\""),
                    ));
                }
            },
            None => self.diagnostics.push(Diagnostic::error(
                self.events.location(root.offset),
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
                    let slot = self.component(&child, "/bom/metadata/component", None)?;
                    let Some(root) = self.sbom.components.get(slot) else {
                        continue;
                    };
                    root_name = Some(root.name.clone());
                    if self.sbom.manufacturer.is_none() {
                        self.sbom.manufacturer = root.extra.manufacturer.clone();
                    }
                    self.sbom.roots.push(root.bom_ref.clone());
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

    /// Reads a component and its nested components; returns its index in
    /// `Sbom::components`.
    fn component(
        &mut self,
        element: &Element<'_>,
        path: &str,
        parent: Option<&str>,
    ) -> Result<usize, ParseError> {
        self.items(element, path, parent, ItemKind::Component)
    }

    /// Reads a service (a component of type `service`) and its nested services.
    fn service(
        &mut self,
        element: &Element<'_>,
        path: &str,
        parent: Option<&str>,
    ) -> Result<usize, ParseError> {
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
    ) -> Result<usize, ParseError> {
        let first = self.open_item(element, path.to_owned(), parent, kind)?;
        let mut stack = vec![first];
        loop {
            let Some(top) = stack.last_mut() else {
                debug_assert!(false, "the item stack never empties inside the loop");
                return Ok(self.sbom.components.len().saturating_sub(1));
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
                            &mut Some(&mut top.component.extra.extensions),
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
                    let slot = self.close_item(item);
                    let Some(parent) = stack.last() else {
                        return Ok(slot);
                    };
                    let to = self
                        .sbom
                        .components
                        .get(slot)
                        .map(|c| c.bom_ref.clone())
                        .unwrap_or_default();
                    self.sbom.relationships.push(Relationship {
                        from: parent.component.bom_ref.clone(),
                        to,
                        kind: RelationshipKind::Contains,
                        original: None,
                    });
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
        if kind == ItemKind::Service {
            let written_ref = self.events.attribute(element, "bom-ref")?;
            let bom_ref = self.refs.assign(
                written_ref,
                &|| self.events.location(element.offset),
                &mut self.diagnostics,
            );
            let mut component = Component {
                bom_ref,
                kind: ComponentType::Other(SERVICE_TYPE.to_owned()),
                ..Component::default()
            };
            if let Some(parent) = parent {
                component.extra.parent = Some(parent.to_owned());
            }
            return Ok(self.reserve_item(component, path, element));
        }
        let [written_ref, type_text, mime_type] = self
            .events
            .attributes(element, ["bom-ref", "type", "mime-type"])?;
        let bom_ref = self.refs.assign(
            written_ref.map(Cow::into_owned),
            &|| self.events.location(element.offset),
            &mut self.diagnostics,
        );
        let mut component = Component {
            bom_ref,
            ..Component::default()
        };
        if let Some(parent) = parent {
            component.extra.parent = Some(parent.to_owned());
        }
        match type_text {
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
        if let Some(mime_type) = mime_type {
            component.extra.extensions.push(Property {
                name: format!("{path}/@mime-type"),
                value: mime_type.into_owned(),
            });
        }
        Ok(self.reserve_item(component, path, element))
    }

    /// Reserves the item's slot in `Sbom::components`.
    fn reserve_item(&mut self, component: Component, path: String, element: &Element<'_>) -> Item {
        let slot = self.sbom.components.len();
        if slot == self.sbom.components.capacity() {
            // More items than `count_start_tags` saw (services, unusual prefixes): grow in
            // steps of an eighth rather than doubling a list that is mostly allocated already.
            self.sbom.components.reserve_exact(slot / 8 + 16);
        }
        self.sbom.components.push(Component::default());
        Item {
            component,
            slot,
            path,
            offset: element.offset,
            n_children: 0,
            licenses: Vec::new(),
            has_name: false,
            in_list: false,
        }
    }

    /// Finishes a component or service and puts it in its reserved slot; returns the slot.
    fn close_item(&mut self, item: Item) -> usize {
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
        if let Some(concluded) = read::set_licenses(&mut component.licenses, licenses) {
            component.extra.license_concluded = Some(concluded);
        }
        finish_component(&mut component);
        exact_lists(&mut component);
        if let Some(reserved) = self.sbom.components.get_mut(slot) {
            *reserved = component;
        }
        slot
    }

    fn component_field(&mut self, item: &mut Item, child: &Element<'_>) -> Result<(), ParseError> {
        let component = &mut item.component;
        if child.namespace != Namespace::Bom {
            return self.extension(
                child,
                &item.path,
                &mut Some(&mut component.extra.extensions),
            );
        }
        match child.local_name() {
            "supplier" => component.supplier = Some(self.entity()?),
            "manufacturer" => component.extra.manufacturer = Some(self.entity()?),
            "authors" => {
                while let Next::Child(author) = self.events.next_child()? {
                    if author.is("author") {
                        let party = self.contact()?;
                        component.extra.authors.push(party);
                    } else {
                        self.events.skip()?;
                    }
                }
            }
            "author" => {
                if let Some(name) = self.events.trimmed_text()? {
                    component.extra.authors.push(Party {
                        name,
                        ..Party::default()
                    });
                }
            }
            "publisher" => component.extra.publisher = Some(self.events.owned_text()?),
            "group" => component.extra.group = Some(self.events.owned_text()?),
            "name" => {
                component.name = self.events.owned_text()?;
                item.has_name = true;
            }
            "version" => component.version = Some(self.events.owned_text()?),
            "description" => component.extra.description = Some(self.events.owned_text()?),
            "scope" => {
                if let Some(scope) = self.events.trimmed_text()? {
                    let scope = read::scope(
                        &scope,
                        &|| self.events.location(child.offset),
                        &mut self.diagnostics,
                    );
                    // An unknown scope clears an earlier one (allocating nothing if none).
                    if scope.is_some() || component.extra.scope.is_some() {
                        component.extra.scope = scope;
                    }
                }
            }
            "hashes" => component.hashes = self.hashes()?,
            "licenses" => item.licenses = self.licenses()?,
            "copyright" => component.extra.copyright = Some(self.events.owned_text()?),
            "cpe" => component.cpes.extend(self.events.trimmed_text()?),
            "purl" => component.purl = self.events.trimmed_text()?,
            "omniborId" | "swhid" => {
                let kind = child.local_name().to_owned();
                if let Some(value) = self.events.trimmed_text()? {
                    component
                        .extra
                        .other_identifiers
                        .push(Identifier { kind, value });
                }
            }
            "swid" => component.extra.swid = Some(self.swid(child)?),
            "externalReferences" => component.extra.external_refs = self.external_refs()?,
            "properties" => component.properties = self.properties()?,
            _ => self.extension(
                child,
                &item.path,
                &mut Some(&mut component.extra.extensions),
            )?,
        }
        Ok(())
    }

    fn service_field(&mut self, item: &mut Item, child: &Element<'_>) -> Result<(), ParseError> {
        let component = &mut item.component;
        if child.namespace != Namespace::Bom {
            return self.extension(
                child,
                &item.path,
                &mut Some(&mut component.extra.extensions),
            );
        }
        match child.local_name() {
            "provider" => component.supplier = Some(self.entity()?),
            "group" => component.extra.group = Some(self.events.owned_text()?),
            "name" => {
                component.name = self.events.owned_text()?;
                item.has_name = true;
            }
            "version" => component.version = Some(self.events.owned_text()?),
            "description" => component.extra.description = Some(self.events.owned_text()?),
            "licenses" => item.licenses = self.licenses()?,
            "externalReferences" => component.extra.external_refs = self.external_refs()?,
            "properties" => component.properties = self.properties()?,
            _ => self.extension(
                child,
                &item.path,
                &mut Some(&mut component.extra.extensions),
            )?,
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
            let algorithm = self.events.attribute_text(&child, "alg")?;
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
            let concluded = self
                .events
                .attribute_text(&child, "acknowledgement")?
                .is_some_and(|value| value == "concluded");
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
                    "comment" => reference.comment = Some(self.events.owned_text()?),
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
            let value = self.events.owned_text()?;
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
            // Components are only ever added: a ref known now is known at the end.
            Some(from) if self.refs.contains(from) => {}
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
                    if let Some(to) = to.as_ref().filter(|to| !self.refs.contains(to)) {
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
                "description" => res.description = Some(self.events.owned_text()?),
                "detail" => res.detail = Some(self.events.owned_text()?),
                "recommendation" => res.recommendation = Some(self.events.owned_text()?),
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
                "detail" => res.detail = Some(self.events.owned_text()?),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_start_tags_with_any_prefix() {
        let text = r#"<bom><components><component type="a"><name>component</name></component>
<c:component/><component>x</component><components/><componentx/></components></bom>"#;
        assert_eq!(count_start_tags(text, "component"), 3);
        assert_eq!(count_start_tags("", "component"), 0);
    }

    #[test]
    fn namespace_scopes_end_with_their_element() {
        // The foreign default namespace covers the nested list only; the next component is
        // in the 1.4 namespace of its own declaration, the last one in the root's again.
        let xml = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>
<component type="library" bom-ref="p"><name>p</name><components xmlns="urn:foreign"><component><name>q</name></component></components></component>
<component type="library" bom-ref="r" xmlns="http://cyclonedx.org/schema/bom/1.4"><name>r</name></component>
<component type="library" bom-ref="s"><name>s</name><x:ext xmlns:x="urn:x"/></component>
</components></bom>"#;
        let parsed = read(xml).expect("valid document");
        let refs: Vec<&str> = parsed
            .sbom
            .components
            .iter()
            .map(|c| c.bom_ref.as_str())
            .collect();
        assert_eq!(refs, ["p", "r", "s"]);
        let p = &parsed.sbom.components[0];
        assert_eq!(p.extra.extensions.len(), 1);
        assert_eq!(
            p.extra.extensions[0].name,
            "/bom/components/component[1]/components"
        );
        let s = &parsed.sbom.components[2];
        assert_eq!(
            s.extra.extensions[0].name,
            "/bom/components/component[3]/x:ext"
        );
    }

    #[test]
    fn reserved_namespace_rebinding_is_an_error() {
        let xml = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>
<component type="library" xmlns:xmlns="urn:bad"><name>p</name></component></components></bom>"#;
        let error = read(xml).expect_err("xmlns cannot be rebound");
        assert!(
            error.message.starts_with("invalid cyclonedx xml:"),
            "{error:?}"
        );
    }

    /// The fast tokenizer either gives up or gives what quick-xml gives.
    #[test]
    fn fast_tokenizer_reads_as_quick_xml_does() {
        let documents = [
            // Declaration, attributes with `>` and quotes in values, empty elements with
            // blanks, end tags with trailing blanks, references, CRLF, text before the root.
            "<?xml version=\"1.0\"?>\r\nstray <bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\" version='1'>\r\n<metadata><properties>\
<property name=\"a>b\">x &amp; y &#65;<?pi z?> </property><property name='q\"'  /><property name=\"e\"></property >\
</properties></metadata><components><component type=\"library\" bom-ref=\"a\"><name> a </name></component></components></bom >",
            // Prefixed names and a nested default namespace.
            "<c:bom xmlns:c=\"http://cyclonedx.org/schema/bom/1.5\"><c:components><c:component type=\"library\">\
<c:name>n</c:name><x xmlns=\"urn:x\"><y/></x></c:component></c:components></c:bom>",
            // Things the tokenizer gives up on, or quick-xml rejects.
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><!-- c --><components/></bom>",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><![CDATA[x]]></components></bom>",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components></component></bom>",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><?></components></bom>",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><metadata><timestamp>a &amp b</timestamp></metadata></bom>",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><metadata><timestamp>&bogus;</timestamp></metadata></bom>",
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component type=\"library",
            "< ></ >",
            "</bom>",
            "",
        ];
        for text in documents {
            let quick = read_with(text, Events::quick(text));
            match read_with(text, Events::fast(text)) {
                Ok(fast) => assert_eq!(Ok(fast), quick, "{text}"),
                Err(_) => assert_eq!(read(text.as_bytes()), quick, "{text}"),
            }
        }
        let first = documents[0];
        assert!(
            read_with(first, Events::fast(first)).is_ok(),
            "the common case is read fast"
        );
    }

    #[test]
    fn component_lists_have_exact_capacity() {
        let xml = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>
<component type="library"><name>a</name><hashes><hash alg="SHA-256">00</hash></hashes>
<properties><property name="a">1</property><property name="b">2</property></properties></component>
</components></bom>"#;
        let parsed = read(xml).expect("valid document");
        let component = &parsed.sbom.components[0];
        assert_eq!(component.hashes.capacity(), 1);
        assert_eq!(component.properties.capacity(), 2);
        assert_eq!(parsed.sbom.components.capacity(), 1);
    }
}
