//! What every rule needs to know about a document: its format flavour, which components are
//! in scope, how to name a component in a report, and a `bom_ref` index.

use std::collections::HashMap;

use medsbom_model::{Component, ComponentType, Sbom, SbomFormat};

/// Prefixes of the `bom_ref`s that readers make up for elements that have none (CycloneDX
/// `medsbom-gen-N`, SPDX 2 `SPDXRef-medsbom-<what>-N`, SPDX 3 `_:medsbom-element-N`). Such a
/// reference says nothing about the document, so reports name the component instead and SPDX
/// identifier rules treat it as missing.
const GENERATED_REF_PREFIXES: &[&str] = &["medsbom-gen-", "SPDXRef-medsbom-", "_:medsbom-"];

/// The source format as far as the rules care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// SPDX 2.x: reproduce `ntia-conformance-checker` (packages only, DESCRIBES, validity).
    Spdx2,
    /// SPDX 3.x.
    Spdx3,
    /// CycloneDX, SWID, or a model built by hand.
    Other,
}

impl Flavor {
    pub(crate) fn is_spdx(self) -> bool {
        matches!(self, Flavor::Spdx2 | Flavor::Spdx3)
    }
}

/// A document prepared for checking.
pub(crate) struct Scope<'a> {
    pub(crate) sbom: &'a Sbom,
    pub(crate) flavor: Flavor,
    /// Index of the first component with each `bom_ref`.
    pub(crate) by_ref: HashMap<&'a str, usize>,
    /// Indexes of the components the per-component elements look at.
    pub(crate) in_scope: Vec<usize>,
}

impl<'a> Scope<'a> {
    pub(crate) fn new(sbom: &'a Sbom) -> Scope<'a> {
        let flavor = match sbom.format {
            Some(SbomFormat::Spdx) if sbom.spec_version.trim_start().starts_with('3') => {
                Flavor::Spdx3
            }
            Some(SbomFormat::Spdx) => Flavor::Spdx2,
            Some(SbomFormat::CycloneDx | SbomFormat::Swid) | None => Flavor::Other,
        };
        let mut by_ref = HashMap::with_capacity(sbom.components.len());
        for (idx, component) in sbom.components.iter().enumerate() {
            by_ref.entry(component.bom_ref.as_str()).or_insert(idx);
        }
        let in_scope = sbom
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| !(flavor.is_spdx() && c.kind == ComponentType::File))
            .map(|(idx, _)| idx)
            .collect();
        Scope {
            sbom,
            flavor,
            by_ref,
            in_scope,
        }
    }

    pub(crate) fn n_in_scope(&self) -> usize {
        self.in_scope.len()
    }

    /// The components the per-component elements look at.
    pub(crate) fn components(&self) -> impl Iterator<Item = &'a Component> + '_ {
        self.in_scope
            .iter()
            .filter_map(|idx| self.sbom.components.get(*idx))
    }

    /// The component with this `bom_ref`.
    pub(crate) fn component(&self, bom_ref: &str) -> Option<&'a Component> {
        self.by_ref
            .get(bom_ref)
            .and_then(|idx| self.sbom.components.get(*idx))
    }

    /// True when `bom_ref` names a component in scope (an SPDX package, or any component).
    pub(crate) fn is_in_scope_ref(&self, bom_ref: &str) -> bool {
        self.component(bom_ref)
            .is_some_and(|c| !(self.flavor.is_spdx() && c.kind == ComponentType::File))
    }
}

/// True when a reader made this `bom_ref` up because the document gave none.
pub(crate) fn is_generated_ref(bom_ref: &str) -> bool {
    GENERATED_REF_PREFIXES
        .iter()
        .any(|prefix| bom_ref.starts_with(prefix))
}

/// How reports name a component: its `bom_ref`, or `name@version` when the reference is
/// missing or was made up by the reader.
pub(crate) fn component_ref(component: &Component) -> String {
    let bom_ref = component.bom_ref.trim();
    if !bom_ref.is_empty() && !is_generated_ref(bom_ref) {
        return bom_ref.to_owned();
    }
    display_name(component)
}

/// `name@version`, `name`, or `(unnamed)`.
pub(crate) fn display_name(component: &Component) -> String {
    let name = component.name.trim();
    let name = if name.is_empty() { "(unnamed)" } else { name };
    match component.version.as_deref().map(str::trim) {
        Some(version) if !version.is_empty() => format!("{name}@{version}"),
        _ => name.to_owned(),
    }
}

/// True for blank text and the SPDX "no statement" keyword `NOASSERTION`.
pub(crate) fn is_blank_or_noassertion(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || text.eq_ignore_ascii_case("NOASSERTION")
}
