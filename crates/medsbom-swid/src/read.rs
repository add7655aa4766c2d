//! Turning SWID tags (one `<SoftwareIdentity>`, or many in a wrapper element or concatenated)
//! into one normalized [`Sbom`], with the XSD's structural rules reported as diagnostics.

use std::collections::{HashMap, HashSet};

use medsbom_model::{
    Component, ComponentType, Diagnostic, ExternalRef, Hash, ParseError, Parsed, Party, Property,
    Relationship, RelationshipKind, Sbom, SbomFormat, SwidRef, Tool, support_from_properties,
};

use crate::dom::{Element, LineIndex, XML_NAMESPACE};
use crate::{SWID_NAMESPACE, SWID_SPEC_VERSION};

/// The `regid` an `Entity` has when the attribute is absent (XSD default).
pub const DEFAULT_REGID: &str = "http://invalid.unavailable";

/// Hash attribute namespaces (XML Encryption / XML Signature algorithm URIs, as NISTIR 8060
/// §4.1 uses them for `File/@hash`) and the CycloneDX algorithm name of each.
pub const HASH_NAMESPACES: &[(&str, &str)] = &[
    ("http://www.w3.org/2001/04/xmlenc#sha256", "SHA-256"),
    ("http://www.w3.org/2001/04/xmlenc#sha512", "SHA-512"),
    ("http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA-384"),
    ("http://www.w3.org/2001/04/xmldsig-more#sha224", "SHA-224"),
    ("http://www.w3.org/2000/09/xmldsig#sha1", "SHA-1"),
    ("http://www.w3.org/2001/04/xmldsig-more#md5", "MD5"),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha3-256",
        "SHA3-256",
    ),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha3-384",
        "SHA3-384",
    ),
    (
        "http://www.w3.org/2007/05/xmldsig-more#sha3-512",
        "SHA3-512",
    ),
];

/// `Meta` attributes whose value can serve as the document timestamp.
const TIMESTAMP_META: &[&str] = &["timestamp", "created", "creationTimestamp", "date"];

/// The SWID tag elements found in the parsed roots: a root `SoftwareIdentity`, or the
/// `SoftwareIdentity` descendants of a wrapper element (not looking inside a tag).
pub(crate) fn find_tags(roots: &[Element]) -> Vec<&Element> {
    let mut res = Vec::new();
    let mut stack: Vec<&Element> = roots.iter().rev().collect();
    while let Some(element) = stack.pop() {
        if element.local_name == "SoftwareIdentity" {
            res.push(element);
        } else {
            stack.extend(element.children.iter().rev());
        }
    }
    res
}

/// True when `child` is the SWID element `local_name` in the same namespace as its tag.
pub(crate) fn is_swid(child: &Element, tag: &Element, local_name: &str) -> bool {
    child.local_name == local_name && child.namespace == tag.namespace
}

/// The role tokens of an `Entity`.
pub(crate) fn roles(entity: &Element) -> Vec<&str> {
    entity
        .attr("role")
        .map(|r| r.split_ascii_whitespace().collect())
        .unwrap_or_default()
}

/// The boolean value of an attribute (`true`/`1`), or `None` when absent or not a boolean.
pub(crate) fn bool_attr(element: &Element, name: &str) -> Option<bool> {
    match element.attr(name)?.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// What kind of tag a `SoftwareIdentity` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagKind {
    Primary,
    Patch,
    Supplemental,
    Corpus,
}

pub(crate) fn tag_kind(tag: &Element) -> TagKind {
    if bool_attr(tag, "patch") == Some(true) {
        return TagKind::Patch;
    }
    if bool_attr(tag, "supplemental") == Some(true) {
        return TagKind::Supplemental;
    }
    if bool_attr(tag, "corpus") == Some(true) {
        return TagKind::Corpus;
    }
    TagKind::Primary
}

pub(crate) fn read(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let roots = crate::dom::parse(bytes)?;
    let index = LineIndex::new(bytes);
    let tags = find_tags(&roots);
    if tags.is_empty() {
        let root = roots.first().map(|r| r.local_name.as_str()).unwrap_or("");
        return Err(ParseError::new(
            roots
                .first()
                .map(|r| index.location(r.offset))
                .unwrap_or_default(),
            format!(
                "not a swid tag: no <SoftwareIdentity> element (root element is <{root}>, \
                 expected <SoftwareIdentity xmlns=\"{SWID_NAMESPACE}\">)"
            ),
        ));
    }
    let mut diagnostics = Vec::new();
    let mut sbom = Sbom::new(SbomFormat::Swid, SWID_SPEC_VERSION);
    let mut used_refs: HashSet<String> = HashSet::new();
    // bom_ref per tag, in tag order.
    let mut bom_refs: Vec<String> = Vec::new();
    for (idx, tag) in tags.iter().enumerate() {
        diagnostics.extend(structure_diagnostics(tag, &index));
        if !tag
            .children
            .iter()
            .any(|c| is_swid(c, tag, "Entity") && roles(c).contains(&"tagCreator"))
        {
            diagnostics.push(Diagnostic::error(
                index.location(tag.offset),
                "no <Entity> with role tagCreator (iso/iec 19770-2 requires one)",
            ));
        }
        let component = component_from_tag(tag, idx, &index, &mut diagnostics);
        let mut bom_ref = component.bom_ref.clone();
        if used_refs.contains(&bom_ref) {
            diagnostics.push(Diagnostic::warning(
                index.location(tag.offset),
                format!("duplicate tagId \"{bom_ref}\": the later tag is renamed"),
            ));
            let mut n = 2;
            while used_refs.contains(&format!("{bom_ref}#{n}")) {
                n += 1;
            }
            bom_ref = format!("{bom_ref}#{n}");
        }
        used_refs.insert(bom_ref.clone());
        bom_refs.push(bom_ref.clone());
        let mut component = component;
        component.bom_ref = bom_ref;
        sbom.components.push(component);
    }

    // tagId → bom_ref, for links between tags of this document.
    let mut by_tag_id: HashMap<&str, &str> = HashMap::new();
    for (tag, bom_ref) in tags.iter().zip(&bom_refs) {
        if let Some(tag_id) = tag.attr("tagId") {
            by_tag_id.entry(tag_id).or_insert(bom_ref.as_str());
        }
    }
    let mut component_targets: HashSet<String> = HashSet::new();
    let mut relationships = Vec::new();
    let mut external: Vec<(usize, ExternalRef)> = Vec::new();
    for (idx, (tag, bom_ref)) in tags.iter().zip(&bom_refs).enumerate() {
        for link in tag.children.iter().filter(|c| is_swid(c, tag, "Link")) {
            let (Some(href), Some(rel)) = (link.attr("href"), link.attr("rel")) else {
                continue;
            };
            let target = href
                .strip_prefix("swid:")
                .and_then(|tag_id| by_tag_id.get(tag_id.trim()));
            match target {
                Some(target) => {
                    let kind = match rel {
                        "requires" => RelationshipKind::DependsOn,
                        "component" => {
                            component_targets.insert((*target).to_owned());
                            RelationshipKind::Contains
                        }
                        other => RelationshipKind::Other(other.to_owned()),
                    };
                    relationships.push(Relationship {
                        from: bom_ref.clone(),
                        to: (*target).to_owned(),
                        kind,
                        original: Some(rel.to_owned()),
                    });
                }
                None => external.push((
                    idx,
                    ExternalRef {
                        kind: rel.to_owned(),
                        url: href.to_owned(),
                        comment: link.attr("artifact").map(str::to_owned),
                    },
                )),
            }
        }
    }
    for (idx, external_ref) in external {
        if let Some(component) = sbom.components.get_mut(idx) {
            component.extra.external_refs.push(external_ref);
        }
    }
    sbom.relationships = relationships;

    // Roots: primary and corpus tags that no other tag of the file lists as its component.
    let mut roots: Vec<usize> = tags
        .iter()
        .zip(&bom_refs)
        .enumerate()
        .filter(|(_, (tag, bom_ref))| {
            matches!(tag_kind(tag), TagKind::Primary | TagKind::Corpus)
                && !component_targets.contains(bom_ref.as_str())
        })
        .map(|(idx, _)| idx)
        .collect();
    if roots.is_empty() {
        roots.push(0);
    }
    sbom.roots = roots
        .iter()
        .filter_map(|idx| bom_refs.get(*idx).cloned())
        .collect();
    let primary_idx = roots.first().copied().unwrap_or(0);
    if let (Some(primary), Some(component)) =
        (tags.get(primary_idx), sbom.components.get(primary_idx))
    {
        sbom.serial_number = primary.attr("tagId").map(str::to_owned);
        sbom.name = primary.attr("name").map(str::to_owned);
        sbom.version = primary
            .attr("tagVersion")
            .and_then(|v| v.trim().parse().ok());
        sbom.supplier = component.supplier.clone();
        sbom.timestamp = timestamp_of(primary);
    }
    for tag in &tags {
        for tool in meta_elements(tag).filter_map(|meta| meta.attr("generator")) {
            if !sbom.tools.iter().any(|t| t.name == tool) {
                sbom.tools.push(Tool {
                    vendor: None,
                    name: tool.to_owned(),
                    version: None,
                });
            }
        }
    }
    for component in &sbom.components {
        for author in &component.extra.authors {
            if !sbom.authors.iter().any(|a| a.name == author.name) {
                sbom.authors.push(author.clone());
            }
        }
    }
    Ok(Parsed { sbom, diagnostics })
}

fn meta_elements<'a>(tag: &'a Element) -> impl Iterator<Item = &'a Element> + 'a {
    tag.children.iter().filter(move |c| is_swid(c, tag, "Meta"))
}

fn timestamp_of(tag: &Element) -> Option<String> {
    for meta in meta_elements(tag) {
        for attribute in &meta.attributes {
            if attribute.namespace.is_none()
                && TIMESTAMP_META
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(&attribute.local_name))
            {
                return Some(attribute.value.clone());
            }
        }
    }
    // Non-authoritative tags record when the evidence was collected.
    tag.children
        .iter()
        .filter(|c| is_swid(c, tag, "Evidence"))
        .find_map(|evidence| evidence.attr("date"))
        .map(str::to_owned)
}

fn party_of(entity: &Element) -> Party {
    let mut party = Party::organization(entity.attr("name").unwrap_or(""));
    if let Some(regid) = entity.attr("regid")
        && regid != DEFAULT_REGID
        && regid.contains("://")
    {
        party.urls.push(regid.to_owned());
    }
    party
}

fn component_from_tag(
    tag: &Element,
    idx: usize,
    index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Component {
    let tag_id = tag.attr("tagId").unwrap_or("").trim().to_owned();
    let bom_ref = if tag_id.is_empty() {
        format!("swid-tag-{}", idx + 1)
    } else {
        tag_id.clone()
    };
    let mut component = Component::new(&bom_ref, tag.attr("name").unwrap_or(""));
    component.kind = ComponentType::Application;
    component.version = tag.attr("version").map(str::to_owned);
    let tag_version = match tag.attr("tagVersion") {
        Some(text) => match text.trim().parse::<u64>() {
            Ok(value) => Some(value),
            Err(_) => {
                diagnostics.push(Diagnostic::error(
                    index.location(tag.offset),
                    format!("tagVersion \"{text}\" is not a non-negative integer"),
                ));
                None
            }
        },
        None => None,
    };
    component.extra.swid = Some(SwidRef {
        tag_id,
        name: tag.attr("name").map(str::to_owned),
        version: tag.attr("version").map(str::to_owned),
        tag_version,
        patch: Some(tag_kind(tag) == TagKind::Patch),
    });
    if let Some(scheme) = tag.attr("versionScheme") {
        component
            .properties
            .push(Property::new("swid:versionScheme", scheme));
    }
    for flag in ["corpus", "patch", "supplemental"] {
        if bool_attr(tag, flag) == Some(true) {
            component
                .properties
                .push(Property::new(&format!("swid:{flag}"), "true"));
        }
    }

    let entities: Vec<&Element> = tag
        .children
        .iter()
        .filter(|c| is_swid(c, tag, "Entity"))
        .collect();
    for role in ["softwareCreator", "licensor", "distributor"] {
        if let Some(entity) = entities.iter().find(|e| roles(e).contains(&role)) {
            component.supplier = Some(party_of(entity));
            break;
        }
    }
    for entity in entities.iter().filter(|e| roles(e).contains(&"tagCreator")) {
        let party = party_of(entity);
        if !component.extra.authors.iter().any(|a| a.name == party.name) {
            component.extra.authors.push(party);
        }
    }
    for (n, entity) in entities.iter().enumerate() {
        let mut value = String::new();
        for attribute in &entity.attributes {
            if !value.is_empty() {
                value.push(' ');
            }
            value.push_str(&format!("{}=\"{}\"", qualified(attribute), attribute.value));
        }
        component.extra.extensions.push(Property {
            name: format!("/SoftwareIdentity/Entity[{}]", n + 1),
            value,
        });
    }

    for meta in meta_elements(tag) {
        for attribute in &meta.attributes {
            component
                .properties
                .push(Property::new(&qualified(attribute), &attribute.value));
        }
        if component.extra.description.is_none()
            && let Some(description) = meta.attr("description").or_else(|| meta.attr("summary"))
        {
            component.extra.description = Some(description.to_owned());
        }
    }
    support_from_properties(&component.properties, &mut component.support);

    for collection in tag
        .children
        .iter()
        .filter(|c| is_swid(c, tag, "Payload") || is_swid(c, tag, "Evidence"))
    {
        let mut path = vec![collection.local_name.clone()];
        collect_files(
            tag,
            collection,
            &mut path,
            &mut component.hashes,
            &mut component.extra.extensions,
        );
    }
    component
}

fn qualified(attribute: &crate::dom::Attribute) -> String {
    match (&attribute.prefix, attribute.namespace.as_deref()) {
        (_, Some(XML_NAMESPACE)) => format!("xml:{}", attribute.local_name),
        (Some(prefix), _) => format!("{prefix}:{}", attribute.local_name),
        (None, _) => attribute.local_name.clone(),
    }
}

/// Walks a `Payload`/`Evidence` tree: each `File` with hash attributes adds its hashes to the
/// component and one extension (`/SoftwareIdentity/Payload/dir/file` → `SHA-256:…`).
fn collect_files(
    tag: &Element,
    element: &Element,
    path: &mut Vec<String>,
    hashes: &mut Vec<Hash>,
    extensions: &mut Vec<Property>,
) {
    for child in &element.children {
        let name = child.attr("name").unwrap_or("").to_owned();
        if is_swid(child, tag, "Directory") {
            path.push(name);
            collect_files(tag, child, path, hashes, extensions);
            path.pop();
        } else if is_swid(child, tag, "File") {
            let mut file_hashes = Vec::new();
            for attribute in &child.attributes {
                let Some(namespace) = attribute.namespace.as_deref() else {
                    continue;
                };
                if attribute.local_name != "hash" {
                    continue;
                }
                let algorithm = HASH_NAMESPACES
                    .iter()
                    .find(|(ns, _)| *ns == namespace)
                    .map(|(_, alg)| (*alg).to_owned())
                    .unwrap_or_else(|| namespace.to_owned());
                let hash = Hash {
                    algorithm,
                    value: attribute.value.trim().to_owned(),
                };
                file_hashes.push(format!("{}:{}", hash.algorithm, hash.value));
                if !hashes.contains(&hash) {
                    hashes.push(hash);
                }
            }
            if !file_hashes.is_empty() {
                extensions.push(Property {
                    name: format!("/SoftwareIdentity/{}/{name}", path.join("/")),
                    value: file_hashes.join(" "),
                });
            }
        }
    }
}

/// The structural rules of the ISO/IEC 19770-2:2015 XSD, as Error diagnostics: namespace,
/// required attributes of `SoftwareIdentity`, `Entity`, `Link`, `Directory`, `File`,
/// `Process`, `Resource`; booleans; at least one `Entity`; at most one `Payload` and one
/// `Evidence`; no unknown element of the SWID namespace.
pub(crate) fn structure_diagnostics(tag: &Element, index: &LineIndex) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut error = |element: &Element, message: String| {
        diagnostics.push(Diagnostic::error(index.location(element.offset), message));
    };
    if tag.namespace.as_deref() != Some(SWID_NAMESPACE) {
        error(
            tag,
            format!(
                "<SoftwareIdentity> is in namespace \"{}\", not the iso/iec 19770-2:2015 \
                 namespace \"{SWID_NAMESPACE}\"",
                tag.namespace.as_deref().unwrap_or("")
            ),
        );
    }
    for required in ["name", "tagId"] {
        match tag.attr(required) {
            None => error(
                tag,
                format!("<SoftwareIdentity> has no required attribute {required}"),
            ),
            Some(value) if value.trim().is_empty() && required == "tagId" => {
                error(tag, "<SoftwareIdentity> has an empty tagId".to_owned());
            }
            Some(_) => {}
        }
    }
    for flag in ["corpus", "patch", "supplemental"] {
        if let Some(value) = tag.attr(flag)
            && bool_attr(tag, flag).is_none()
        {
            error(
                tag,
                format!("<SoftwareIdentity> attribute {flag}=\"{value}\" is not a boolean"),
            );
        }
    }
    let mut n_entities = 0;
    let mut n_payloads = 0;
    let mut n_evidence = 0;
    for child in &tag.children {
        if child.namespace != tag.namespace {
            // Elements of other namespaces (ds:Signature, extensions) are allowed.
            continue;
        }
        match child.local_name.as_str() {
            "Entity" => {
                n_entities += 1;
                for required in ["name", "role"] {
                    if child.attr(required).is_none() {
                        error(
                            child,
                            format!("<Entity> has no required attribute {required}"),
                        );
                    }
                }
            }
            "Link" => {
                for required in ["href", "rel"] {
                    if child.attr(required).is_none() {
                        error(
                            child,
                            format!("<Link> has no required attribute {required}"),
                        );
                    }
                }
            }
            "Meta" => {}
            "Payload" => {
                n_payloads += 1;
                check_resources(child, tag, &mut error);
            }
            "Evidence" => {
                n_evidence += 1;
                check_resources(child, tag, &mut error);
            }
            other => error(
                child,
                format!("unexpected element <{other}> in <SoftwareIdentity>"),
            ),
        }
    }
    if n_entities == 0 {
        error(
            tag,
            "<SoftwareIdentity> has no <Entity> (at least one is required)".to_owned(),
        );
    }
    if 1 < n_payloads {
        error(tag, "more than one <Payload>".to_owned());
    }
    if 1 < n_evidence {
        error(tag, "more than one <Evidence>".to_owned());
    }
    diagnostics
}

fn check_resources(collection: &Element, tag: &Element, error: &mut impl FnMut(&Element, String)) {
    for child in &collection.children {
        if child.namespace != tag.namespace {
            continue;
        }
        let required = match child.local_name.as_str() {
            "Directory" => {
                check_resources(child, tag, error);
                "name"
            }
            "File" | "Process" => "name",
            "Resource" => "type",
            other => {
                error(
                    child,
                    format!(
                        "unexpected element <{other}> in <{}>",
                        collection.local_name
                    ),
                );
                continue;
            }
        };
        if child.attr(required).is_none() {
            error(
                child,
                format!(
                    "<{}> has no required attribute {required}",
                    child.local_name
                ),
            );
        }
    }
}
