//! CSAF 2.0 VEX: read by medsbom-feeds (product tree, product status, flags, threats,
//! remediations), then one statement per (vulnerability, product). For `csaf_vex`
//! documents the profile's rules are checked per product (a `known_not_affected` product
//! needs a flag or an impact threat, a `known_affected` one a remediation).

use medsbom_feeds::advisory::{Advisory, AffectedPackage, CsafContext, CsafProduct};
use medsbom_feeds::{FeedKind, Record};
use std::collections::HashMap;

use medsbom_versions::vers::VersionRange;
use serde::Deserialize;

use crate::VexError;
use crate::model::{
    Authority, JUSTIFICATIONS, Scope, SkipReason, Skipped, Statement, Status, VexDocument,
    VexFormat,
};
use crate::parse::non_blank;

#[derive(Deserialize)]
struct Envelope {
    document: EnvelopeDocument,
    product_tree: Option<serde_json::Value>,
}

/// The product name and version (or version range) of each product id defined in the
/// branches: what a relationship's `relates_to_product_reference` names. (medsbom-feeds
/// resolves the products a status names; the platform of a relationship it does not.)
#[derive(Debug, Clone, Default)]
struct Platform {
    product_name: Option<String>,
    product_version: Option<String>,
    is_range: bool,
}

fn platforms(tree: Option<&serde_json::Value>) -> HashMap<String, Platform> {
    fn walk(
        branches: &serde_json::Value,
        current: &Platform,
        depth: usize,
        res: &mut HashMap<String, Platform>,
    ) {
        let Some(branches) = branches.as_array() else {
            return;
        };
        if 64 < depth {
            return;
        }
        for branch in branches {
            let mut here = current.clone();
            let name = branch
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned);
            match branch.get("category").and_then(|c| c.as_str()) {
                Some("product_name") => here.product_name = name,
                Some("product_version") => {
                    here.product_version = name;
                    here.is_range = false;
                }
                Some("product_version_range") => {
                    here.product_version = name;
                    here.is_range = true;
                }
                _ => {}
            }
            if let Some(id) = branch
                .get("product")
                .and_then(|p| p.get("product_id"))
                .and_then(|id| id.as_str())
            {
                res.insert(id.to_owned(), here.clone());
            }
            if let Some(children) = branch.get("branches") {
                walk(children, &here, depth + 1, res);
            }
        }
    }
    let mut res = HashMap::new();
    if let Some(branches) = tree.and_then(|tree| tree.get("branches")) {
        walk(branches, &Platform::default(), 0, &mut res);
    }
    res
}

#[derive(Deserialize)]
struct EnvelopeDocument {
    csaf_version: Option<String>,
    publisher: Option<EnvelopePublisher>,
    tracking: Option<EnvelopeTracking>,
}

#[derive(Deserialize)]
struct EnvelopePublisher {
    category: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct EnvelopeTracking {
    id: Option<String>,
    version: Option<String>,
    current_release_date: Option<String>,
}

pub(super) fn read(name: &str, bytes: &[u8]) -> Result<VexDocument, VexError> {
    let input_err = |reason: String| VexError::Input {
        name: name.to_owned(),
        reason,
    };
    let envelope: Envelope = serde_json::from_slice(bytes)
        .map_err(|err| input_err(format!("not a csaf document: {err}")))?;
    let mut advisories: Vec<Advisory> = Vec::new();
    let summary = medsbom_feeds::read(FeedKind::Csaf, name, bytes, &mut |record| {
        if let Record::Advisory(advisory) = record {
            advisories.push(*advisory);
        }
    })
    .map_err(|err| input_err(err.to_string()))?;
    let publisher = envelope.document.publisher.as_ref();
    let tracking = envelope.document.tracking.as_ref();
    let author_role = publisher.and_then(|p| non_blank(p.category.as_deref()));
    let mut document = VexDocument {
        format: VexFormat::Csaf,
        spec_version: envelope
            .document
            .csaf_version
            .clone()
            .unwrap_or_else(|| "2.0".to_owned()),
        document_id: tracking.and_then(|t| non_blank(t.id.as_deref())),
        document_version: tracking.and_then(|t| non_blank(t.version.as_deref())),
        author: publisher.and_then(|p| non_blank(p.name.as_deref())),
        authority: author_role.as_deref().map(|role| match role {
            "vendor" => Authority::Manufacturer,
            _ => Authority::ThirdParty,
        }),
        author_role,
        timestamp: tracking.and_then(|t| non_blank(t.current_release_date.as_deref())),
        statements: Vec::new(),
        skipped: Vec::new(),
    };
    for error in &summary.errors {
        document.skipped.push(Skipped {
            location: format!("vulnerabilities {}", error.position),
            vulnerability_id: error.id.clone(),
            reason: SkipReason::Invalid(error.cause.clone()),
        });
    }
    let platforms = platforms(envelope.product_tree.as_ref());
    for advisory in &advisories {
        read_advisory(advisory, &platforms, &mut document);
    }
    Ok(document)
}

fn read_advisory(
    advisory: &Advisory,
    platforms: &HashMap<String, Platform>,
    document: &mut VexDocument,
) {
    let Some(context) = &advisory.csaf else {
        return;
    };
    let is_vex = context.category == "csaf_vex";
    let location = format!("vulnerabilities[{}]", context.vulnerability_index);
    let timestamp = advisory
        .modified
        .as_ref()
        .or(advisory.published.as_ref())
        .map(|t| t.text().to_owned())
        .or_else(|| document.timestamp.clone());
    for affected in &advisory.affected {
        let AffectedPackage::CsafProduct(product_status) = affected else {
            continue;
        };
        let product = &product_status.product;
        let key = product_status.status.as_str();
        let product_location = format!("{location} product {}", product.product_id);
        let skip = |reason: SkipReason| Skipped {
            location: product_location.clone(),
            vulnerability_id: Some(advisory.id.clone()),
            reason,
        };
        let Some(status) = Status::from_csaf(key) else {
            document
                .skipped
                .push(skip(SkipReason::UnknownStatus(format!(
                    "product_status {key} carries no exploitability status"
                ))));
            continue;
        };
        let scope = match scope(product, platforms) {
            Ok(scope) => scope,
            Err(reason) => {
                document.skipped.push(skip(reason));
                continue;
            }
        };
        let mut statement = Statement::new(&advisory.id, status, key);
        statement.aliases = advisory.aliases.clone();
        statement.timestamp = timestamp.clone();
        statement.detail = advisory.details.clone();
        if let Err(reason) = annotate(&mut statement, context, &product.product_id, is_vex) {
            document.skipped.push(skip(reason));
            continue;
        }
        statement.scopes.push(scope);
        document.statements.push(statement);
    }
}

/// Adds the flags, impact threats and remediations naming `product_id`; for `csaf_vex`
/// checks the profile's rules.
fn annotate(
    statement: &mut Statement,
    context: &CsafContext,
    product_id: &str,
    is_vex: bool,
) -> Result<(), SkipReason> {
    let names = |ids: &[String]| ids.iter().any(|id| id == product_id);
    if let Some(flag) = context.flags.iter().find(|flag| names(&flag.product_ids)) {
        if !JUSTIFICATIONS.contains(&flag.label.as_str()) {
            return Err(SkipReason::Invalid(format!(
                "flag label {:?} is not a csaf vex justification",
                flag.label
            )));
        }
        statement.justification = Some(flag.label.clone());
        statement.justification_original = Some(flag.label.clone());
        if let Some(date) = non_blank(flag.date.as_deref()) {
            statement.timestamp = Some(date);
        }
    }
    if let Some(threat) = context
        .threats
        .iter()
        .find(|threat| threat.category == "impact" && names(&threat.product_ids))
    {
        statement.impact_statement = non_blank(Some(&threat.details));
    }
    let remediations: Vec<_> = context
        .remediations
        .iter()
        .filter(|remediation| names(&remediation.product_ids))
        .collect();
    for remediation in &remediations {
        if !statement.responses.contains(&remediation.category) {
            statement.responses.push(remediation.category.clone());
        }
    }
    let actions: Vec<&str> = remediations
        .iter()
        .map(|remediation| remediation.details.trim())
        .filter(|details| !details.is_empty())
        .collect();
    if !actions.is_empty() {
        statement.action_statement = Some(actions.join("\n"));
    }
    if !is_vex {
        return Ok(());
    }
    match statement.status {
        Status::NotAffected
            if statement.justification.is_none() && statement.impact_statement.is_none() =>
        {
            Err(SkipReason::Invalid(
                "known_not_affected without a flag or an impact threat (csaf vex profile)"
                    .to_owned(),
            ))
        }
        Status::Affected if remediations.is_empty() => Err(SkipReason::Invalid(
            "known_affected without a remediation (csaf vex profile)".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// The scope of a product of the tree: its purl or CPE when it has one, else its
/// `product_name` branch (or full name) with its version or version range.
fn scope(
    product: &CsafProduct,
    platforms: &HashMap<String, Platform>,
) -> Result<Scope, SkipReason> {
    let undefined = product.purl.is_none()
        && product.cpe.is_none()
        && product.branch_path.is_empty()
        && product.relationship.is_none()
        && product.name == product.product_id;
    if undefined {
        return Err(SkipReason::UnknownProduct(format!(
            "product id {:?} is not defined in the product tree",
            product.product_id
        )));
    }
    if let Some(relationship) = &product.relationship
        && product.purl.is_none()
    {
        // The reader falls back to the platform's CPE, which would make the statement
        // about the whole platform rather than the component.
        return Err(SkipReason::UnknownProduct(format!(
            "component {:?} of relationship product {:?} has no purl",
            relationship.product_reference, product.product_id
        )));
    }
    let mut scope = Scope {
        label: Some(product.product_id.clone()),
        purl: non_blank(product.purl.as_deref()),
        cpe: non_blank(product.cpe.as_deref()),
        ..Scope::default()
    };
    if scope.names_component() {
        // A component of a product: the product it is part of, when the tree names it.
        if let Some(platform) = product
            .relationship
            .as_ref()
            .and_then(|r| platforms.get(&r.relates_to_product_reference))
            && let Some(name) = non_blank(platform.product_name.as_deref())
        {
            scope.product = Some(name);
            // A range of the platform cannot be told apart from one of the component.
            if let (Some(version), false) = (
                non_blank(platform.product_version.as_deref()),
                platform.is_range,
            ) {
                scope.product_version = Some(version);
            }
        }
        return Ok(scope);
    }
    scope.product =
        non_blank(product.product_name.as_deref()).or_else(|| non_blank(Some(&product.name)));
    match (
        non_blank(product.product_version.as_deref()),
        product.version_is_range,
    ) {
        (Some(version), false) => scope.product_version = Some(version),
        (Some(range), true) if range.starts_with("vers:") => scope.version_range = Some(range),
        (Some(range), true) => {
            // CSAF 2.0 also allows a plain comparison list (`<=1.14.0`).
            let candidate = format!(
                "vers:generic/{}",
                range.replace([' ', ','], "|").replace("||", "|")
            );
            let Ok(vers) = VersionRange::parse(&candidate) else {
                return Err(SkipReason::Invalid(format!(
                    "product_version_range {range:?} is neither a vers range nor a version list"
                )));
            };
            scope.version_range = Some(vers.to_string());
        }
        (None, _) => {}
    }
    Ok(scope)
}
