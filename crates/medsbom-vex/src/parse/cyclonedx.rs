//! CycloneDX VEX (1.4–1.7, JSON or XML): `vulnerabilities[]` with an `analysis`, read by
//! medsbom-cyclonedx into the model; `affects[].ref` is a `bom-ref` of the same document or
//! a BOM-Link into another one.

use medsbom_model::{Affect, Component, Sbom, Vulnerability};

use crate::VexError;
use crate::model::{
    BomLink, Scope, SkipReason, Skipped, Statement, Status, VexDocument, VexFormat,
    canonical_justification,
};
use crate::parse::non_blank;

pub(super) fn read(name: &str, bytes: &[u8]) -> Result<VexDocument, VexError> {
    let (_, parsed) = medsbom_formats::read(bytes).map_err(|err| VexError::Input {
        name: name.to_owned(),
        reason: err.to_string(),
    })?;
    let mut document = from_sbom(&parsed.sbom);
    // A standalone VEX names what it is about; an entry without an analysis says nothing
    // about exploitability, so it is reported rather than dropped silently.
    for (idx, vulnerability) in parsed.sbom.vulnerabilities.iter().enumerate() {
        if vulnerability
            .analysis
            .as_ref()
            .and_then(|a| a.state.as_ref())
            .is_none()
        {
            document.skipped.push(Skipped {
                location: format!("vulnerabilities[{idx}]"),
                vulnerability_id: non_blank(Some(&vulnerability.id)),
                reason: SkipReason::UnknownStatus("no analysis.state".to_owned()),
            });
        }
    }
    Ok(document)
}

pub(super) fn from_sbom(sbom: &Sbom) -> VexDocument {
    let author = sbom
        .manufacturer
        .as_ref()
        .or(sbom.supplier.as_ref())
        .or_else(|| sbom.authors.first())
        .map(|party| party.name.clone())
        .filter(|name| !name.trim().is_empty());
    let mut document = VexDocument {
        format: VexFormat::CycloneDx,
        spec_version: sbom.spec_version.clone(),
        document_id: sbom.serial_number.clone(),
        document_version: sbom.version.map(|v| v.to_string()),
        author,
        author_role: None,
        authority: None,
        timestamp: sbom.timestamp.clone(),
        statements: Vec::new(),
        skipped: Vec::new(),
    };
    for (idx, vulnerability) in sbom.vulnerabilities.iter().enumerate() {
        let Some(state) = vulnerability
            .analysis
            .as_ref()
            .and_then(|analysis| analysis.state.as_deref())
        else {
            continue;
        };
        let location = format!("vulnerabilities[{idx}]");
        match statement(sbom, vulnerability, state, &location, &mut document.skipped) {
            Ok(Some(statement)) => document.statements.push(statement),
            Ok(None) => {}
            Err(reason) => document.skipped.push(Skipped {
                location,
                vulnerability_id: non_blank(Some(&vulnerability.id)),
                reason,
            }),
        }
    }
    document
}

fn statement(
    sbom: &Sbom,
    vulnerability: &Vulnerability,
    state: &str,
    location: &str,
    skipped: &mut Vec<Skipped>,
) -> Result<Option<Statement>, SkipReason> {
    let Some(status) = Status::from_cyclonedx(state) else {
        return Err(SkipReason::UnknownStatus(format!(
            "analysis.state {state:?} is not a cyclonedx state"
        )));
    };
    let analysis = vulnerability.analysis.clone().unwrap_or_default();
    let mut res = Statement::new(vulnerability.id.trim(), status, state.trim());
    res.aliases = vulnerability
        .aliases
        .iter()
        .filter(|alias| **alias != vulnerability.id)
        .cloned()
        .collect();
    if let Some(justification) = non_blank(analysis.justification.as_deref()) {
        match canonical_justification(&justification) {
            Some(label) => res.justification = Some(label.to_owned()),
            None => {
                return Err(SkipReason::Invalid(format!(
                    "analysis.justification {justification:?} is not a cyclonedx justification"
                )));
            }
        }
        res.justification_original = Some(justification);
    }
    res.responses = analysis.responses.clone();
    res.detail = non_blank(analysis.detail.as_deref());
    res.action_statement = non_blank(vulnerability.recommendation.as_deref());
    res.timestamp = non_blank(analysis.last_updated.as_deref())
        .or_else(|| non_blank(analysis.first_issued.as_deref()))
        .or_else(|| non_blank(vulnerability.updated.as_deref()))
        .or_else(|| non_blank(vulnerability.published.as_deref()))
        .or_else(|| non_blank(sbom.timestamp.as_deref()));
    if vulnerability.affects.is_empty() {
        // No affects: the statement is about the product the document describes.
        if let Some(root) = sbom.root_components().next() {
            res.scopes.push(product_scope(root, None));
            return Ok(Some(res));
        }
        // Neither: the manufacturer speaks about every product of its own.
        let Some(manufacturer) = sbom
            .manufacturer
            .as_ref()
            .or(sbom.supplier.as_ref())
            .and_then(|party| non_blank(Some(&party.name)))
        else {
            return Err(SkipReason::UnknownProduct(
                "no affects[], no metadata.component and no manufacturer to apply the analysis to"
                    .to_owned(),
            ));
        };
        res.scopes.push(Scope {
            manufacturer: Some(manufacturer),
            ..Scope::default()
        });
        return Ok(Some(res));
    }
    for (affect_idx, affect) in vulnerability.affects.iter().enumerate() {
        let affect_location = format!("{location} affects[{affect_idx}]");
        match scopes(sbom, affect, status, &affect_location, skipped) {
            Ok(scopes) => res.scopes.extend(scopes),
            Err(reason) => skipped.push(Skipped {
                location: affect_location,
                vulnerability_id: non_blank(Some(&vulnerability.id)),
                reason,
            }),
        }
    }
    if res.scopes.is_empty() {
        return Ok(None);
    }
    Ok(Some(res))
}

/// The scopes of one `affects[]` entry: one per version entry (or one for the reference).
fn scopes(
    sbom: &Sbom,
    affect: &Affect,
    status: Status,
    location: &str,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Scope>, SkipReason> {
    let reference = affect.reference.trim();
    if reference.is_empty() {
        return Err(SkipReason::UnknownProduct(
            "affects[].ref is empty".to_owned(),
        ));
    }
    // The scope of the reference itself, and whether an exact version is a product version.
    let (base, is_product) = match BomLink::parse(reference) {
        Some(link) => (
            Scope {
                label: Some(reference.to_owned()),
                bom_link: Some(link),
                ..Scope::default()
            },
            false,
        ),
        None if reference.starts_with("urn:cdx:") => {
            return Err(SkipReason::UnknownProduct(format!(
                "{reference:?} is not a valid bom-link"
            )));
        }
        None => {
            let Some(component) = sbom.component(reference) else {
                return Err(SkipReason::UnknownProduct(format!(
                    "ref {reference:?} names no component of the document"
                )));
            };
            if sbom.roots.iter().any(|root| root == reference) {
                (product_scope(component, Some(reference)), true)
            } else {
                let scope = component_scope(sbom, component, reference);
                if !scope.names_component() {
                    return Err(SkipReason::UnknownProduct(format!(
                        "component {reference:?} has no purl, cpe or hash and the document no serial number"
                    )));
                }
                (scope, false)
            }
        }
    };
    if affect.versions.is_empty() {
        return Ok(vec![base]);
    }
    let mut res = Vec::new();
    for (idx, version) in affect.versions.iter().enumerate() {
        let version_status = version.status.as_deref().map(str::trim);
        let contradiction = match version_status {
            Some("unaffected") => matches!(status, Status::Affected | Status::UnderInvestigation),
            Some("affected") => status == Status::NotAffected,
            _ => false,
        };
        if contradiction {
            skipped.push(Skipped {
                location: format!("{location} versions[{idx}]"),
                vulnerability_id: None,
                reason: SkipReason::Contradiction(format!(
                    "version status {:?} contradicts analysis state {}",
                    version_status.unwrap_or_default(),
                    status.to_cyclonedx()
                )),
            });
            continue;
        }
        let mut scope = base.clone();
        match (
            non_blank(version.version.as_deref()),
            non_blank(version.range.as_deref()),
        ) {
            (Some(exact), _) if is_product => {
                scope.product_version = Some(exact);
                scope.version_range = None;
            }
            (Some(exact), _) => scope.version_range = Some(format!("vers:generic/{exact}")),
            (None, Some(range)) => {
                if !range.starts_with("vers:") {
                    skipped.push(Skipped {
                        location: format!("{location} versions[{idx}]"),
                        vulnerability_id: None,
                        reason: SkipReason::Invalid(format!("range {range:?} is not a vers range")),
                    });
                    continue;
                }
                if is_product {
                    scope.product_version = None;
                }
                scope.version_range = Some(range);
            }
            (None, None) => {}
        }
        res.push(scope);
    }
    Ok(res)
}

fn product_scope(root: &Component, label: Option<&str>) -> Scope {
    Scope {
        label: label.map(str::to_owned),
        product: non_blank(Some(&root.name)),
        product_purl: non_blank(root.purl.as_deref()),
        product_cpe: non_blank(root.cpe()),
        product_version: non_blank(root.version.as_deref()),
        ..Scope::default()
    }
}

fn component_scope(sbom: &Sbom, component: &Component, label: &str) -> Scope {
    let root = sbom.root_components().next();
    let mut scope = Scope {
        label: Some(label.to_owned()),
        product: root.and_then(|root| non_blank(Some(&root.name))),
        product_version: root.and_then(|root| non_blank(root.version.as_deref())),
        purl: non_blank(component.purl.as_deref()),
        cpe: non_blank(component.cpe()),
        hashes: component
            .hashes
            .iter()
            .map(|hash| (hash.algorithm.clone(), hash.value.to_ascii_lowercase()))
            .collect(),
        ..Scope::default()
    };
    if !scope.names_component()
        && let Some(serial) = sbom.serial_number.as_deref()
    {
        // A component known only by its name: the document's own BOM-Link names it.
        scope.bom_link = Some(BomLink {
            serial: crate::model::normalize_serial(serial),
            version: sbom.version.and_then(|v| i64::try_from(v).ok()),
            bom_ref: Some(label.to_owned()),
        });
    }
    scope
}
