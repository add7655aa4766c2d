//! Quality findings: what a reviewer should act on beyond pass/fail.
//!
//! Document-level findings come first (root, graph coverage), then each component's findings
//! in document order.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::ops::Range;

use medsbom_model::{Component, DOCUMENT_REF, IsoDate, RelationshipKind, SupportLevel};
use medsbom_versions::cpe::Cpe;
use medsbom_versions::purl::Purl;

use crate::rules::{has_end_of_support, has_support_level};
use crate::scope::{Scope, component_ref, display_name};
use crate::{Finding, Profile, Severity};

/// The findings that do not depend on the profile (identifiers, duplicates, reachability),
/// computed once per document and shared by the reports of every profile checked.
pub(crate) struct SharedFindings {
    /// Document-level findings (root, graph coverage).
    document: Vec<Finding>,
    /// Every in-scope component's findings, in document order.
    components: Vec<Finding>,
    /// The part of `components` of each in-scope component, by position in `in_scope`.
    ranges: Vec<Range<usize>>,
}

/// Computes the profile-independent findings of the document.
pub(crate) fn shared(scope: &Scope<'_>) -> SharedFindings {
    let mut document = Vec::new();
    let reachable = reachability(scope, &mut document);
    let mut first_seen: HashMap<String, usize> = HashMap::with_capacity(scope.in_scope.len());
    let mut components = Vec::new();
    let mut ranges = Vec::with_capacity(scope.in_scope.len());
    for idx in &scope.in_scope {
        let start = components.len();
        let Some(component) = scope.sbom.components.get(*idx) else {
            ranges.push(start..start);
            continue;
        };
        let reference = component_ref(component);
        let purl = identifiers(component, &reference, &mut components);
        duplicate(
            scope,
            *idx,
            purl,
            &reference,
            &mut first_seen,
            &mut components,
        );
        if let Some(reachable) = &reachable
            && !reachable.get(*idx).copied().unwrap_or(true)
        {
            components.push(Finding {
                id: "unreachable_component",
                severity: Severity::Warning,
                component: Some(reference.clone()),
                message: format!(
                    "{} is not reachable from the root component through dependency or containment relationships",
                    display_name(component)
                ),
            });
        }
        ranges.push(start..components.len());
    }
    SharedFindings {
        document,
        components,
        ranges,
    }
}

/// Appends every quality finding of the document under `profile` to `res`: the shared ones
/// and each component's support findings, in document order.
pub(crate) fn collect(
    scope: &Scope<'_>,
    shared: &SharedFindings,
    profile: Profile,
    as_of: Option<IsoDate>,
    res: &mut Vec<Finding>,
) {
    res.reserve(shared.document.len() + shared.components.len());
    res.extend_from_slice(&shared.document);
    for (position, idx) in scope.in_scope.iter().enumerate() {
        if let Some(range) = shared.ranges.get(position) {
            res.extend_from_slice(&shared.components[range.clone()]);
        }
        let Some(component) = scope.sbom.components.get(*idx) else {
            continue;
        };
        if has_support_findings(component, profile) {
            support(component, &component_ref(component), profile, as_of, res);
        }
    }
}

/// Whether [`support`] can say anything about the component (saves building its reference
/// for the common case of a maintained component with support data).
fn has_support_findings(component: &Component, profile: Profile) -> bool {
    profile.wants_support_data()
        || component.support.end_of_support.is_some()
        || matches!(
            component.support.level,
            Some(SupportLevel::Abandoned | SupportLevel::NoLongerMaintained)
        )
}

/// Pushes the identifier findings; returns the component's purl as parsed (`Err` with the
/// trimmed text when it does not parse), `None` without a purl.
fn identifiers<'c>(
    component: &'c Component,
    reference: &str,
    res: &mut Vec<Finding>,
) -> Option<Result<Purl, &'c str>> {
    let purl = component
        .purl
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let cpes: Vec<&str> = component
        .cpes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    if purl.is_none() && cpes.is_empty() {
        res.push(Finding {
            id: "no_vulnerability_identifier",
            severity: Severity::Warning,
            component: Some(reference.to_owned()),
            message: format!(
                "{} has no purl or CPE, so it cannot be matched against vulnerability databases",
                display_name(component)
            ),
        });
    }
    let parsed = purl.map(|text| match Purl::parse(text) {
        Ok(parsed) => Ok(parsed),
        Err(err) => {
            res.push(Finding {
                id: "malformed_purl",
                severity: Severity::Error,
                component: Some(reference.to_owned()),
                message: err.to_string(),
            });
            Err(text)
        }
    });
    for cpe in cpes {
        if let Err(err) = Cpe::parse(cpe) {
            res.push(Finding {
                id: "malformed_cpe",
                severity: Severity::Error,
                component: Some(reference.to_owned()),
                message: err.to_string(),
            });
        }
    }
    parsed
}

/// The identity two listings of the same component share: the canonical purl (`purl` as
/// [`identifiers`] parsed it), else group, name, version and first hash.
fn identity(component: &Component, purl: Option<Result<Purl, &str>>) -> Option<String> {
    if let Some(purl) = purl {
        return Some(match purl {
            Ok(parsed) => parsed.to_string(),
            Err(text) => text.to_owned(),
        });
    }
    let name = component.name.trim();
    if name.is_empty() {
        return None;
    }
    let group = component.extra.group.as_deref().unwrap_or("").trim();
    let version = component.version.as_deref().unwrap_or("").trim();
    let hash = component.hashes.first().map_or("", |h| h.value.trim());
    Some(format!("{group}\u{1f}{name}\u{1f}{version}\u{1f}{hash}"))
}

/// Pushes a finding when the component (at `idx` of the document's components) repeats an
/// earlier one; `first_seen` maps identities to the index of their first listing.
fn duplicate(
    scope: &Scope<'_>,
    idx: usize,
    purl: Option<Result<Purl, &str>>,
    reference: &str,
    first_seen: &mut HashMap<String, usize>,
    res: &mut Vec<Finding>,
) {
    let Some(component) = scope.sbom.components.get(idx) else {
        return;
    };
    let Some(key) = identity(component, purl) else {
        return;
    };
    match first_seen.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(idx);
        }
        Entry::Occupied(entry) => {
            let what = match component.purl.as_deref() {
                Some(purl) if !purl.trim().is_empty() => format!("the same purl {}", purl.trim()),
                _ => "the same name and version".to_owned(),
            };
            res.push(Finding {
                id: "duplicate_component",
                severity: Severity::Warning,
                component: Some(reference.to_owned()),
                message: format!(
                    "{} is listed again: {what} as {}",
                    display_name(component),
                    scope
                        .sbom
                        .components
                        .get(*entry.get())
                        .map(component_ref)
                        .unwrap_or_default()
                ),
            });
        }
    }
}

fn support(
    component: &Component,
    reference: &str,
    profile: Profile,
    as_of: Option<IsoDate>,
    res: &mut Vec<Finding>,
) {
    let name = display_name(component);
    let support = &component.support;
    if let Some(milestone) = &support.end_of_support {
        match (milestone.date, as_of) {
            (Some(date), Some(as_of)) if date < as_of => res.push(Finding {
                id: "end_of_support_past",
                severity: Severity::Warning,
                component: Some(reference.to_owned()),
                message: format!("{name} reached end of support on {date} (checked as of {as_of})"),
            }),
            (None, _) if !milestone.text.trim().is_empty() && !profile.wants_support_data() => {
                res.push(Finding {
                    id: "end_of_support_not_a_date",
                    severity: Severity::Info,
                    component: Some(reference.to_owned()),
                    message: format!(
                        "{name} states its end of support as text, not a date: {:?}",
                        milestone.text.trim()
                    ),
                });
            }
            _ => {}
        }
    }
    if let Some(level @ (SupportLevel::Abandoned | SupportLevel::NoLongerMaintained)) =
        support.level
    {
        let text = support.level_text.as_deref().unwrap_or(level.as_str());
        res.push(Finding {
            id: "unmaintained_component",
            severity: Severity::Warning,
            component: Some(reference.to_owned()),
            message: format!(
                "{name} is {} (level of support: {:?})",
                level.as_str().replace('-', " "),
                text.trim()
            ),
        });
    }
    if profile.wants_support_data() {
        let mut missing: Vec<String> = Vec::new();
        if !has_support_level(component) {
            missing.push(match support.level_text.as_deref().map(str::trim) {
                Some(text) if !text.is_empty() => {
                    format!("no level of support (the SBOM says {text:?})")
                }
                _ => "no level of support".to_owned(),
            });
        }
        if !has_end_of_support(component) {
            missing.push(
                match support.end_of_support.as_ref().map(|m| m.text.trim()) {
                    Some(text) if !text.is_empty() => {
                        format!("no end-of-support date (the SBOM says {text:?})")
                    }
                    _ => "no end-of-support date".to_owned(),
                },
            );
        }
        if !missing.is_empty() {
            res.push(Finding {
                id: "missing_support_data",
                severity: Severity::Warning,
                component: Some(reference.to_owned()),
                message: format!("{name} has {}", missing.join(" and ")),
            });
        }
    }
}

/// Which components can be reached from the roots (indexed like `sbom.components`), after
/// pushing the document-level findings; `None` when the document names no root.
fn reachability(scope: &Scope<'_>, res: &mut Vec<Finding>) -> Option<Vec<bool>> {
    let sbom = scope.sbom;
    let n_components = sbom.components.len();
    let mut roots: Vec<usize> = sbom
        .roots
        .iter()
        .filter_map(|r| scope.by_ref.get(r.as_str()).copied())
        .collect();
    for relationship in &sbom.relationships {
        if relationship.kind == RelationshipKind::Describes
            && relationship.from == DOCUMENT_REF
            && let Some(idx) = scope.by_ref.get(relationship.to.as_str())
        {
            roots.push(*idx);
        }
    }
    if roots.is_empty() {
        if n_components != 0 {
            res.push(Finding {
                id: "no_root_component",
                severity: Severity::Warning,
                component: None,
                message: "the document names no root component, so the dependency graph's coverage cannot be judged".to_owned(),
            });
        }
        return None;
    }

    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n_components];
    for relationship in &sbom.relationships {
        if !matches!(
            relationship.kind,
            RelationshipKind::DependsOn
                | RelationshipKind::Contains
                | RelationshipKind::Provides
                | RelationshipKind::Describes
        ) {
            continue;
        }
        let (Some(from), Some(to)) = (
            scope.by_ref.get(relationship.from.as_str()),
            scope.by_ref.get(relationship.to.as_str()),
        ) else {
            continue;
        };
        if let Some(targets) = edges.get_mut(*from) {
            targets.push(*to);
        }
    }
    for (idx, component) in sbom.components.iter().enumerate() {
        if let Some(parent) = component
            .extra
            .parent
            .as_deref()
            .and_then(|p| scope.by_ref.get(p))
            && let Some(targets) = edges.get_mut(*parent)
        {
            targets.push(idx);
        }
    }

    let mut reachable = vec![false; n_components];
    let mut stack = roots;
    while let Some(idx) = stack.pop() {
        match reachable.get_mut(idx) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        if let Some(targets) = edges.get(idx) {
            stack.extend(
                targets
                    .iter()
                    .copied()
                    .filter(|t| !reachable.get(*t).copied().unwrap_or(true)),
            );
        }
    }

    let n_in_scope = scope.in_scope.len();
    let n_reached = scope
        .in_scope
        .iter()
        .filter(|idx| reachable.get(**idx).copied().unwrap_or(false))
        .count();
    let n_unreached = n_in_scope - n_reached;
    let (severity, message) = if n_unreached == 0 {
        (
            Severity::Info,
            format!("all {n_in_scope} components are reachable from the root component"),
        )
    } else {
        (
            Severity::Warning,
            format!(
                "{n_unreached} of {n_in_scope} components ({}%) are not reachable from the root component",
                percent(n_unreached, n_in_scope)
            ),
        )
    };
    res.push(Finding {
        id: "dependency_graph_coverage",
        severity,
        component: None,
        message,
    });
    Some(reachable)
}

/// `part` as a whole percentage of `whole`, rounded down but never to 0 for a non-zero part.
fn percent(part: usize, whole: usize) -> usize {
    if whole == 0 {
        return 0;
    }
    (part.saturating_mul(100) / whole).max(usize::from(part != 0))
}
