//! How each [`Element`] is decided, per source format. The rule text lives on [`Element`]'s
//! variants; this file is its implementation.

use std::collections::HashSet;

use medsbom_model::{Component, IsoDate, RelationshipKind, SupportLevel};

use crate::scope::{Flavor, Scope, component_ref, is_blank_or_noassertion, is_generated_ref};
use crate::{Element, ElementResult, Finding, Profile, Severity, spdx};

/// Decides one element; `None` when the element does not apply to this document
/// ([`Element::DocumentValid`] on a document that is not SPDX).
pub(crate) fn evaluate(
    scope: &Scope<'_>,
    profile: Profile,
    element: Element,
    findings: &mut Vec<Finding>,
) -> Option<ElementResult> {
    if element.is_per_component() {
        return Some(per_component(scope, profile, element));
    }
    let verdict = match element {
        Element::DependencyRelationship => dependency_relationship(scope),
        Element::Author => author(scope, profile),
        Element::Timestamp => timestamp(scope, profile),
        Element::DocumentValid => {
            if !scope.flavor.is_spdx() {
                return None;
            }
            return Some(document_valid(scope, element, findings));
        }
        Element::GenerationContext => generation_context(scope),
        Element::ToolName => tool_name(scope),
        Element::MachineReadable => machine_readable(scope),
        Element::KnownUnknowns => known_unknowns(scope),
        // Per-component elements were handled above.
        _ => Ok(()),
    };
    Some(document_level(element, verdict))
}

/// A document-level verdict: `Ok` or the reason it failed.
type Verdict = Result<(), String>;

fn document_level(element: Element, verdict: Verdict) -> ElementResult {
    ElementResult {
        id: element.id(),
        title: element.title(),
        passed: verdict.is_ok(),
        failing: Vec::new(),
        failing_count: 0,
        detail: verdict.err(),
    }
}

fn per_component(scope: &Scope<'_>, profile: Profile, element: Element) -> ElementResult {
    let mut failing = Vec::new();
    // SPDX identifiers are checked on every element, files included, as the reference
    // checker does (a file without SPDXID makes its document fail too).
    if element == Element::UniqueIdentifier && scope.flavor.is_spdx() {
        for component in &scope.sbom.components {
            if !component_passes(scope, profile, element, component) {
                failing.push(component_ref(component));
            }
        }
    } else {
        for component in scope.components() {
            if !component_passes(scope, profile, element, component) {
                failing.push(component_ref(component));
            }
        }
    }
    let failing_count = failing.len();
    let detail = match failing_count {
        0 => None,
        1 => Some(format!("1 component lacks {}", lowercase_title(element))),
        n => Some(format!("{n} components lack {}", lowercase_title(element))),
    };
    ElementResult {
        id: element.id(),
        title: element.title(),
        passed: failing.is_empty(),
        failing,
        failing_count,
        detail,
    }
}

fn lowercase_title(element: Element) -> String {
    let title = element.title();
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// True when the profile reproduces `ntia-conformance-checker` on this document, whose SPDX
/// reading differs in details from the plain meaning (a `NOASSERTION` version passes there:
/// spdx-tools keeps `versionInfo` as a literal string).
fn reproduces_reference_checker(scope: &Scope<'_>, profile: Profile) -> bool {
    scope.flavor.is_spdx() && matches!(profile, Profile::Ntia2021 | Profile::Fsct3Min)
}

fn component_passes(
    scope: &Scope<'_>,
    profile: Profile,
    element: Element,
    component: &Component,
) -> bool {
    match element {
        Element::Supplier => has_supplier(scope.flavor, component),
        Element::ComponentName => !component.name.trim().is_empty(),
        Element::ComponentVersion => match component.version.as_deref() {
            None => false,
            Some(version) if reproduces_reference_checker(scope, profile) => {
                !version.trim().is_empty()
            }
            Some(version) => !is_blank_or_noassertion(version),
        },
        Element::UniqueIdentifier => match scope.flavor {
            Flavor::Spdx2 | Flavor::Spdx3 => {
                let bom_ref = component.bom_ref.trim();
                !bom_ref.is_empty() && !is_generated_ref(bom_ref)
            }
            Flavor::Other => has_unique_identifier(component),
        },
        Element::ConcludedLicense => match scope.flavor {
            Flavor::Spdx2 | Flavor::Spdx3 => component
                .extra
                .license_concluded
                .as_deref()
                .is_some_and(|text| !is_blank_or_noassertion(text)),
            Flavor::Other => has_license(component),
        },
        Element::Copyright => component
            .extra
            .copyright
            .as_deref()
            .is_some_and(|text| !is_blank_or_noassertion(text)),
        Element::SoftwareIdentifier => has_software_identifier(component),
        Element::ComponentHash => component
            .hashes
            .iter()
            .any(|h| !h.algorithm.trim().is_empty() && !h.value.trim().is_empty()),
        Element::License => has_license(component),
        Element::SupportLevel => has_support_level(component),
        Element::EndOfSupport => has_end_of_support(component),
        // Document-level elements never reach here.
        _ => true,
    }
}

fn has_supplier(flavor: Flavor, component: &Component) -> bool {
    if component.supplier.as_ref().is_some_and(|p| p.is_asserted()) {
        return true;
    }
    // A CycloneDX 1.6 manufacturer is the supplier of what it made; SPDX has no such field
    // and the reference checker accepts nothing but `supplier`.
    flavor == Flavor::Other
        && component
            .extra
            .manufacturer
            .as_ref()
            .is_some_and(|p| p.is_asserted())
}

fn has_unique_identifier(component: &Component) -> bool {
    component
        .purl
        .as_deref()
        .is_some_and(|p| !p.trim().is_empty())
        || component.cpes.iter().any(|c| !c.trim().is_empty())
        || component
            .extra
            .swid
            .as_ref()
            .is_some_and(|s| !s.tag_id.trim().is_empty())
        || component
            .extra
            .other_identifiers
            .iter()
            .any(|i| !i.value.trim().is_empty())
        || component.hashes.iter().any(|h| !h.value.trim().is_empty())
}

/// purl, CPE, OmniBOR or SWHID: the software identifiers of the CISA 2025 draft.
pub(crate) fn has_software_identifier(component: &Component) -> bool {
    component
        .purl
        .as_deref()
        .is_some_and(|p| !p.trim().is_empty())
        || component.cpes.iter().any(|c| !c.trim().is_empty())
        || component.extra.other_identifiers.iter().any(|identifier| {
            let kind = identifier.kind.to_ascii_lowercase();
            let value = identifier.value.trim();
            !value.is_empty()
                && (kind.contains("omnibor")
                    || kind.contains("gitoid")
                    || kind.contains("swh")
                    || value.starts_with("gitoid:")
                    || value.starts_with("swh:"))
        })
}

fn has_license(component: &Component) -> bool {
    component
        .licenses
        .iter()
        .any(|l| !is_blank_or_noassertion(l.text()))
        || component
            .extra
            .license_concluded
            .as_deref()
            .is_some_and(|text| !is_blank_or_noassertion(text))
}

/// A stated level of support that says something (`NOASSERTION`, "unknown" and blanks don't).
pub(crate) fn has_support_level(component: &Component) -> bool {
    let support = &component.support;
    if matches!(
        support.level,
        Some(
            SupportLevel::ActivelyMaintained
                | SupportLevel::NoLongerMaintained
                | SupportLevel::Abandoned
        )
    ) {
        return true;
    }
    support.level_text.as_deref().is_some_and(|text| {
        let squashed: String = text
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        !matches!(
            squashed.as_str(),
            "" | "noassertion" | "unknown" | "none" | "na" | "tbd"
        )
    })
}

/// An end-of-support date (text such as "until hardware support ends" is not one).
pub(crate) fn has_end_of_support(component: &Component) -> bool {
    component
        .support
        .end_of_support
        .as_ref()
        .is_some_and(|m| m.date.is_some())
}

fn dependency_relationship(scope: &Scope<'_>) -> Verdict {
    let sbom = scope.sbom;
    match scope.flavor {
        Flavor::Spdx2 => {
            // The reference checker looks for a relationship of type DESCRIBES (from any
            // element; `documentDescribes` is read as one) whose target is a package.
            // DESCRIBED_BY does not count there.
            let describes_package = sbom.relationships.iter().any(|r| {
                r.kind == RelationshipKind::Describes
                    && r.original
                        .as_deref()
                        .is_none_or(|o| o.trim().eq_ignore_ascii_case("DESCRIBES"))
                    && scope.is_in_scope_ref(&r.to)
            });
            if describes_package {
                return Ok(());
            }
            Err("no DESCRIBES relationship (or documentDescribes) names a package".to_owned())
        }
        Flavor::Spdx3 => {
            let describes_package = sbom.roots.iter().any(|r| scope.is_in_scope_ref(r))
                || sbom
                    .relationships
                    .iter()
                    .any(|r| r.kind == RelationshipKind::Describes && scope.is_in_scope_ref(&r.to));
            if describes_package {
                return Ok(());
            }
            Err("no root element of the SBOM is a package".to_owned())
        }
        Flavor::Other => {
            let roots: Vec<&str> = sbom
                .roots
                .iter()
                .map(String::as_str)
                .filter(|r| scope.component(r).is_some())
                .collect();
            if roots.is_empty() {
                return Err("the document names no root component (metadata.component)".to_owned());
            }
            let root_has_edge = sbom.relationships.iter().any(|r| {
                matches!(
                    r.kind,
                    RelationshipKind::DependsOn
                        | RelationshipKind::Contains
                        | RelationshipKind::Provides
                ) && roots.contains(&r.from.as_str())
            }) || sbom.components.iter().any(|c| {
                c.extra
                    .parent
                    .as_deref()
                    .is_some_and(|p| roots.contains(&p))
            });
            if root_has_edge {
                return Ok(());
            }
            let n_others = sbom
                .components
                .iter()
                .filter(|c| !roots.contains(&c.bom_ref.as_str()))
                .count();
            if n_others == 0 {
                return Ok(());
            }
            Err(format!(
                "the root component has no dependency relationships to the {n_others} other components"
            ))
        }
    }
}

fn author(scope: &Scope<'_>, profile: Profile) -> Verdict {
    let sbom = scope.sbom;
    let has_party = sbom.authors.iter().any(|p| p.is_asserted());
    let has_creator = sbom.authors.iter().any(|p| !p.name.trim().is_empty());
    let passed = match (scope.flavor, profile) {
        (_, Profile::Cisa2025Draft) => has_party,
        // The reference checker accepts any creator, `Tool:` ones included (an empty
        // `Creator:` line does not parse there).
        (Flavor::Spdx2, _) => has_creator || sbom.tools.iter().any(|t| !t.name.trim().is_empty()),
        (Flavor::Spdx3, _) => has_creator,
        (Flavor::Other, _) => has_party,
    };
    if passed {
        return Ok(());
    }
    match scope.flavor {
        Flavor::Spdx2 if profile != Profile::Cisa2025Draft => {
            Err("creationInfo has no creators".to_owned())
        }
        Flavor::Spdx2 | Flavor::Spdx3 => {
            Err("no person or organization is named as creator".to_owned())
        }
        Flavor::Other => Err("no SBOM author is named (metadata.authors)".to_owned()),
    }
}

fn timestamp(scope: &Scope<'_>, profile: Profile) -> Verdict {
    let Some(text) = scope
        .sbom
        .timestamp
        .as_deref()
        .filter(|t| !t.trim().is_empty())
    else {
        return Err("the document has no creation timestamp".to_owned());
    };
    if profile == Profile::Cisa2025Draft && IsoDate::parse(text).is_none() {
        return Err(format!(
            "the timestamp {text:?} is not an ISO 8601 date-time"
        ));
    }
    Ok(())
}

fn document_valid(
    scope: &Scope<'_>,
    element: Element,
    findings: &mut Vec<Finding>,
) -> ElementResult {
    let problems = spdx::validate(scope);
    let mut failing: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for problem in &problems {
        if let Some(component) = &problem.component
            && seen.insert(component.as_str())
        {
            failing.push(component.clone());
        }
    }
    let detail = match problems.len() {
        0 => None,
        1 => problems.first().map(|p| p.message.clone()),
        n => problems
            .first()
            .map(|p| format!("{} (and {} more problems)", p.message, n - 1)),
    };
    for problem in problems {
        findings.push(Finding {
            id: "spdx_validation",
            severity: Severity::Error,
            component: problem.component,
            message: problem.message,
        });
    }
    ElementResult {
        id: element.id(),
        title: element.title(),
        passed: detail.is_none(),
        failing_count: failing.len(),
        failing,
        detail,
    }
}

fn generation_context(scope: &Scope<'_>) -> Verdict {
    if scope.sbom.lifecycles.iter().any(|l| !l.trim().is_empty()) {
        return Ok(());
    }
    match scope.flavor {
        Flavor::Spdx2 => Err("SPDX 2 documents cannot state an SBOM type".to_owned()),
        Flavor::Spdx3 => Err("no software_sbomType is stated".to_owned()),
        Flavor::Other => Err("no lifecycle phase is stated (metadata.lifecycles)".to_owned()),
    }
}

fn tool_name(scope: &Scope<'_>) -> Verdict {
    if scope.sbom.tools.iter().any(|t| !t.name.trim().is_empty()) {
        return Ok(());
    }
    Err("no tool that produced the SBOM is named".to_owned())
}

fn machine_readable(scope: &Scope<'_>) -> Verdict {
    match scope.sbom.format {
        Some(_) => Ok(()),
        None => Err("the document was not read from CycloneDX, SPDX or SWID".to_owned()),
    }
}

fn known_unknowns(scope: &Scope<'_>) -> Verdict {
    let sbom = scope.sbom;
    let has_composition = sbom
        .compositions
        .iter()
        .any(|c| !c.aggregate.trim().is_empty());
    let has_unknown_edge = sbom.relationships.iter().any(|r| {
        let to = r.to.trim();
        to.eq_ignore_ascii_case("NOASSERTION") || to.eq_ignore_ascii_case("NONE")
    });
    if has_composition || has_unknown_edge {
        return Ok(());
    }
    match scope.flavor {
        Flavor::Spdx2 | Flavor::Spdx3 => Err(
            "no relationship to NOASSERTION or NONE says where the SBOM is incomplete".to_owned(),
        ),
        Flavor::Other => {
            Err("no compositions say where the SBOM is complete or incomplete".to_owned())
        }
    }
}
