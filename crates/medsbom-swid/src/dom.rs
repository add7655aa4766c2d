//! A small namespace-aware element tree built with quick-xml, with the limits hostile input
//! needs: no DTD, no entity other than the five predefined ones and character references,
//! bounded depth and element count, UTF-8 only.
//!
//! SWID tags are small (a few kilobytes, a few thousand elements for a large payload), so a
//! tree is simpler to query than a stream and costs little.

use std::borrow::Cow;

use medsbom_model::{Location, ParseError};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

/// The deepest element nesting accepted (SWID needs about ten levels; deep directory trees a
/// few dozen).
pub const MAX_DEPTH: usize = 256;
/// The most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 2_000_000;

/// The namespace of the reserved `xml:` prefix.
pub const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// One XML element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// Namespace URI, when the name is bound to one.
    pub namespace: Option<String>,
    /// Local name (`SoftwareIdentity`).
    pub local_name: String,
    /// Attributes in document order (namespace declarations excluded).
    pub attributes: Vec<Attribute>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// The concatenated character data directly inside the element.
    pub text: String,
    /// Byte offset of the `<` of the start tag.
    pub offset: u64,
}

/// One attribute, with its namespace resolved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attribute {
    /// Namespace URI for prefixed attributes (unprefixed attributes have none).
    pub namespace: Option<String>,
    /// The prefix as written, when there is one.
    pub prefix: Option<String>,
    /// Local name.
    pub local_name: String,
    /// The normalized value (entities expanded).
    pub value: String,
}

impl Element {
    /// The value of the unprefixed attribute `local_name`.
    #[must_use]
    pub fn attr(&self, local_name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.namespace.is_none() && a.local_name == local_name)
            .map(|a| a.value.as_str())
    }

    /// The value of the attribute `local_name` in `namespace`.
    #[must_use]
    pub fn attr_ns(&self, namespace: &str, local_name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.namespace.as_deref() == Some(namespace) && a.local_name == local_name)
            .map(|a| a.value.as_str())
    }

    /// Every descendant element (not `self`), depth first in document order.
    #[must_use]
    pub fn descendants(&self) -> Vec<&Element> {
        let mut res = Vec::new();
        let mut stack: Vec<&Element> = self.children.iter().rev().collect();
        while let Some(element) = stack.pop() {
            res.push(element);
            stack.extend(element.children.iter().rev());
        }
        res
    }
}

/// Converts byte offsets into 1-based line and column numbers.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u64>,
}

impl LineIndex {
    /// Indexes the line starts of `bytes`.
    #[must_use]
    pub fn new(bytes: &[u8]) -> LineIndex {
        let mut line_starts = vec![0];
        for (idx, byte) in bytes.iter().enumerate() {
            if *byte == b'\n' {
                line_starts.push(idx as u64 + 1);
            }
        }
        LineIndex { line_starts }
    }

    /// The line and column of a byte offset.
    #[must_use]
    pub fn location(&self, offset: u64) -> Location {
        let line_idx = self
            .line_starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(line_idx).copied().unwrap_or(0);
        Location::LineColumn {
            line: line_idx as u64 + 1,
            column: offset.saturating_sub(line_start) + 1,
        }
    }
}

/// Parses `bytes` into the list of its top-level elements (one for a well-formed document;
/// several for concatenated documents, which quick-xml reads one after the other).
pub fn parse(bytes: &[u8]) -> Result<Vec<Element>, ParseError> {
    let index = LineIndex::new(bytes);
    let error_at = |offset: u64, message: String| ParseError::new(index.location(offset), message);
    if let Err(err) = std::str::from_utf8(bytes) {
        return Err(error_at(
            err.valid_up_to() as u64,
            "invalid utf-8 in xml document (only utf-8 is supported)".to_owned(),
        ));
    }
    let mut reader = NsReader::from_reader(bytes);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut roots: Vec<Element> = Vec::new();
    let mut stack: Vec<Element> = Vec::new();
    let mut n_elements = 0_usize;
    let mut version = XmlVersion::Implicit1_0;
    loop {
        let offset = reader.buffer_position();
        let event = match reader.read_resolved_event() {
            Ok((resolved, event)) => (namespace_of(&resolved), event),
            Err(err) => {
                return Err(error_at(
                    reader.error_position(),
                    format!("malformed xml: {err}"),
                ));
            }
        };
        match event {
            (namespace, Event::Start(start)) => {
                n_elements += 1;
                check_limits(n_elements, stack.len() + 1)
                    .map_err(|message| error_at(offset, message))?;
                let element = element_from(&reader, namespace, &start, offset, version)
                    .map_err(|message| error_at(offset, message))?;
                stack.push(element);
            }
            (namespace, Event::Empty(start)) => {
                n_elements += 1;
                check_limits(n_elements, stack.len() + 1)
                    .map_err(|message| error_at(offset, message))?;
                let element = element_from(&reader, namespace, &start, offset, version)
                    .map_err(|message| error_at(offset, message))?;
                attach(&mut stack, &mut roots, element);
            }
            (_, Event::End(_)) => {
                let Some(element) = stack.pop() else {
                    return Err(error_at(offset, "unexpected end tag".to_owned()));
                };
                attach(&mut stack, &mut roots, element);
            }
            (_, Event::Text(text)) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&text.xml_content(version));
                } else if !text.trim().is_empty() {
                    return Err(error_at(offset, "text outside the root element".to_owned()));
                }
            }
            (_, Event::CData(cdata)) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&cdata.xml_content(version));
                }
            }
            (_, Event::GeneralRef(reference)) => {
                let expanded = expand_reference(&reference).map_err(|m| error_at(offset, m))?;
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&expanded);
                }
            }
            (_, Event::DocType(_)) => {
                return Err(error_at(
                    offset,
                    "document type declarations (dtd) are not accepted".to_owned(),
                ));
            }
            (_, Event::Decl(decl)) => {
                if let Ok(declared) = decl.xml_version() {
                    version = declared;
                }
                if let Some(Ok(encoding)) = decl.encoding() {
                    let encoding = encoding.to_ascii_lowercase();
                    if encoding != "utf-8" && encoding != "utf8" && encoding != "us-ascii" {
                        return Err(error_at(
                            offset,
                            format!("xml declared as {encoding}; only utf-8 is supported"),
                        ));
                    }
                }
            }
            (_, Event::Comment(_)) | (_, Event::PI(_)) => {}
            (_, Event::Eof) => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(error_at(
            bytes.len() as u64,
            format!(
                "unexpected end of document: <{}> is not closed",
                open.local_name
            ),
        ));
    }
    if roots.is_empty() {
        return Err(ParseError::new(
            Location::Document,
            "empty xml document: no root element",
        ));
    }
    Ok(roots)
}

fn check_limits(n_elements: usize, depth: usize) -> Result<(), String> {
    if MAX_ELEMENTS < n_elements {
        return Err(format!("more than {MAX_ELEMENTS} elements"));
    }
    if MAX_DEPTH < depth {
        return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
    }
    Ok(())
}

fn attach(stack: &mut [Element], roots: &mut Vec<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => roots.push(element),
    }
}

fn namespace_of(resolved: &ResolveResult<'_>) -> Option<String> {
    match resolved {
        ResolveResult::Bound(namespace) => Some(namespace.0.to_owned()),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

fn element_from(
    reader: &NsReader<&[u8]>,
    namespace: Option<String>,
    start: &BytesStart<'_>,
    offset: u64,
    version: XmlVersion,
) -> Result<Element, String> {
    let name = start.name();
    if let Some(prefix) = name.prefix()
        && namespace.is_none()
    {
        return Err(format!(
            "element <{}> uses the undeclared namespace prefix \"{}\"",
            name.as_ref(),
            prefix.as_ref()
        ));
    }
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|err| format!("malformed attribute: {err}"))?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local_name) = reader.resolver().resolve_attribute(attribute.key);
        let prefix = attribute.key.prefix().map(|p| p.as_ref().to_owned());
        let attribute_namespace = match resolved {
            ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
            ResolveResult::Unbound => None,
            ResolveResult::Unknown(unknown) => {
                return Err(format!(
                    "attribute {} uses the undeclared namespace prefix \"{unknown}\"",
                    attribute.key.as_ref()
                ));
            }
        };
        let value = attribute
            .normalized_value_with(version, 1, expand_predefined)
            .map_err(|err| {
                format!(
                    "attribute {}: unsupported reference: {err}",
                    attribute.key.as_ref()
                )
            })?;
        attributes.push(Attribute {
            namespace: attribute_namespace,
            prefix,
            local_name: local_name.as_ref().to_owned(),
            value: value.into_owned(),
        });
    }
    Ok(Element {
        namespace,
        local_name: start.local_name().as_ref().to_owned(),
        attributes,
        children: Vec::new(),
        text: String::new(),
        offset,
    })
}

fn expand_predefined(entity: &str) -> Option<&'static str> {
    quick_xml::escape::resolve_predefined_entity(entity)
}

fn expand_reference(
    reference: &quick_xml::events::BytesRef<'_>,
) -> Result<Cow<'static, str>, String> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(ch)) => Ok(Cow::Owned(ch.to_string())),
            Ok(None) | Err(_) => Err(format!("invalid character reference &{};", &**reference)),
        };
    }
    match quick_xml::escape::resolve_predefined_entity(reference) {
        Some(text) => Ok(Cow::Borrowed(text)),
        None => Err(format!(
            "unknown entity &{};: only the predefined xml entities are accepted",
            &**reference
        )),
    }
}
