//! The current statements of a product as a VEX document: CycloneDX 1.6 JSON, OpenVEX
//! 0.2.0 or CSAF 2.0 VEX.
//!
//! [`gather`] collects, for each stored version of the product (or the one asked for), the
//! statements that apply to the product itself or to one of its components, and keeps the
//! current one per (vulnerability, version, component): the hospital's own analysis first,
//! then the newest from the most authoritative source. Statements for versions not stored
//! yet are included as written. The writers are plain functions of that list.
//!
//! What a format cannot hold is reported in [`Exported::warnings`]: OpenVEX has no version
//! ranges, so a statement on a range of product versions not stored is left out there; in
//! CycloneDX a component statement of a multi-version export loses its product version.

use std::collections::{BTreeMap, BTreeSet};

use medsbom_versions::purl::{Purl, PurlParts};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::VexError;
use crate::db::Param;
use crate::model::{Authority, Scope, Statement, Status, VexFormat, cyclonedx_justification};
use crate::resolve::{ComponentIdentity, FindingContext, scope_applies};
use crate::service::{
    AnalysisFilter, AnalysisRole, VexDb, VexScope, analysis_scope, list_analyses, load_statements,
    sbom_infos,
};

/// The product an export is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportProduct {
    /// Its manufacturer, when stored.
    pub manufacturer: Option<String>,
    /// Its name.
    pub name: String,
    /// The product version asked for, if any.
    pub version: Option<String>,
    /// Root purls of stored versions (version → purl), used as OpenVEX product ids.
    pub root_purls: BTreeMap<String, String>,
}

/// The statements to export: each has exactly one scope naming the product (and a product
/// version or range when known) and, for a component statement, the component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSet {
    /// The product.
    pub product: ExportProduct,
    /// The statements, sorted by vulnerability, version and component.
    pub statements: Vec<Statement>,
}

/// Who writes the export, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportHeader {
    /// The author (OpenVEX `author`, CSAF publisher, CycloneDX metadata author).
    pub author: String,
    /// Whether the author is the manufacturer (CSAF publisher `vendor`) or not (`user`).
    pub authority: Authority,
    /// When (RFC 3339; the caller's clock).
    pub timestamp: String,
    /// The CSAF publisher namespace URL.
    pub namespace: String,
}

/// A written document and what it could not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The document.
    pub document: Value,
    /// One line per statement left out or approximated.
    pub warnings: Vec<String>,
}

/// One candidate export statement with its ranking.
struct Entry {
    statement: Statement,
    rank: (u8, Option<String>, i64),
}

/// A component of a stored product version.
#[derive(Debug, Clone)]
struct StoredComponent {
    identity: ComponentIdentity,
    name: String,
}

/// Collects the current statements of `product` (case-insensitive), for one version or all,
/// from the sources and analyses `scope` sees. For an organization's scope the product is
/// one of that organization's own products.
pub async fn gather(
    db: &VexDb,
    product: &str,
    product_version: Option<&str>,
    scope: &VexScope,
) -> Result<ExportSet, VexError> {
    let context = "gathering statements to export";
    let mut tx = db.db.begin_read(context).await?;
    let rows = match scope.organization_id() {
        None => {
            tx.fetch_all(
                context,
                "SELECT pr.id, pr.name, o.name FROM products pr \
                 JOIN organizations o ON o.id = pr.organization_id \
                 WHERE lower(pr.name) = lower($1) ORDER BY pr.id",
                &[Param::text(product)],
            )
            .await?
        }
        Some(organization_id) => {
            tx.fetch_all(
                context,
                "SELECT pr.id, pr.name, o.name FROM products pr \
                 JOIN organizations o ON o.id = pr.organization_id \
                 WHERE lower(pr.name) = lower($1) AND pr.organization_id = $2 ORDER BY pr.id",
                &[Param::text(product), Param::int(organization_id)],
            )
            .await?
        }
    };
    if rows.is_empty() && scope.organization_id().is_some() {
        tx.commit(context).await?;
        return Err(VexError::NotFound(format!(
            "no product {product:?} of this organization"
        )));
    }
    let (product_name, manufacturer, mut versions) = match rows.first() {
        Some(row) => {
            let product_id = row.int(0)?;
            let mut versions = Vec::new();
            for row in tx
                .fetch_all(
                    context,
                    "SELECT version, latest_sbom_id FROM product_versions \
                     WHERE product_id = $1 ORDER BY id",
                    &[Param::int(product_id)],
                )
                .await?
            {
                versions.push((row.text(0)?, row.opt_int(1)?));
            }
            (row.text(1)?, Some(row.text(2)?), versions)
        }
        None => (product.to_owned(), None, Vec::new()),
    };
    if let Some(wanted) = product_version {
        versions.retain(|(version, _)| version == wanted);
    }
    let sbom_ids: Vec<i64> = versions
        .iter()
        .filter_map(|(_, sbom_id)| *sbom_id)
        .collect();
    let mut infos = sbom_infos(&mut tx, &sbom_ids).await?;
    // Per stored version: the SBOM context and its components.
    let mut stored: Vec<(String, FindingContext, Vec<StoredComponent>)> = Vec::new();
    let mut root_purls = BTreeMap::new();
    for (version, sbom_id) in &versions {
        let info = sbom_id
            .and_then(|sbom_id| infos.remove(&sbom_id))
            .unwrap_or_default();
        let mut components = Vec::new();
        if let Some(sbom_id) = info.sbom_id {
            for row in tx
                .fetch_all(
                    context,
                    "SELECT c.bom_ref, coalesce(c.purl, p.purl), coalesce(c.cpe, p.cpe), \
                     c.version, p.key, c.name, c.is_root FROM sbom_components c \
                     JOIN packages p ON p.id = c.package_id WHERE c.sbom_id = $1 \
                     ORDER BY c.idx",
                    &[Param::int(sbom_id)],
                )
                .await?
            {
                if row.int(6)? != 0 {
                    continue;
                }
                components.push(StoredComponent {
                    identity: ComponentIdentity {
                        key: Some(row.text(4)?),
                        purl: row.opt_text(1)?,
                        cpe: row.opt_text(2)?,
                        version: row.opt_text(3)?,
                        bom_refs: vec![row.text(0)?],
                        hashes: Vec::new(),
                    },
                    name: row.text(5)?,
                });
            }
        }
        if let Some(purl) = info.root.as_ref().and_then(|root| root.purl.clone()) {
            root_purls.insert(version.clone(), purl);
        }
        let finding = FindingContext {
            manufacturer: manufacturer.clone(),
            product: product_name.clone(),
            product_version: version.clone(),
            component: info.root.clone().unwrap_or_default(),
            root: info.root.clone(),
            bom_serials: info.serials.clone(),
            vulnerability_ids: Vec::new(),
        };
        stored.push((version.clone(), finding, components));
    }
    tx.commit(context).await?;

    let mut entries: Vec<Entry> = Vec::new();
    for stored_statement in load_statements(db, None, scope).await? {
        let (authority, author) = stored_statement.ranking();
        let author_is_maker = match (&author, &manufacturer) {
            (Some(author), Some(maker)) => author.trim().eq_ignore_ascii_case(maker.trim()),
            _ => false,
        };
        let authority = if author_is_maker {
            Authority::Manufacturer
        } else {
            authority
        };
        let rank = (
            match authority {
                Authority::ThirdParty => 1,
                Authority::Manufacturer => 2,
            },
            stored_statement.stated_at.clone(),
            stored_statement.id,
        );
        for scope in &stored_statement.statement.scopes {
            for statement in expand(
                &stored_statement.statement,
                scope,
                &product_name,
                product_version,
                &stored,
            ) {
                entries.push(Entry {
                    statement,
                    rank: rank.clone(),
                });
            }
        }
    }
    let filter = AnalysisFilter {
        scope: scope.clone(),
        ..AnalysisFilter::default()
    };
    for analysis in list_analyses(db, &filter).await? {
        if !analysis.finding.product.eq_ignore_ascii_case(&product_name) {
            continue;
        }
        let mut statement = Statement::new(
            &analysis.finding.vulnerability_id,
            analysis.state,
            &analysis.state_original,
        );
        statement.justification = analysis.justification.clone();
        statement.justification_original = analysis.justification_original.clone();
        statement.responses = analysis.responses.clone();
        statement.detail = analysis.detail.clone();
        statement.timestamp = Some(analysis.recorded_at.clone());
        let scope = analysis_scope(&analysis.finding);
        let rank = (
            match analysis.role {
                AnalysisRole::Manufacturer => 2,
                AnalysisRole::Provider => 3,
            },
            Some(analysis.recorded_at.clone()),
            -analysis.id,
        );
        let expanded = if analysis.finding.component == "*" {
            let mut scope = scope;
            scope.purl = None;
            expand(&statement, &scope, &product_name, product_version, &stored)
        } else {
            expand(&statement, &scope, &product_name, product_version, &stored)
        };
        for statement in expanded {
            entries.push(Entry {
                statement,
                rank: rank.clone(),
            });
        }
    }
    // The current statement per (vulnerability, version, component).
    let mut best: BTreeMap<(String, String, String), Entry> = BTreeMap::new();
    for entry in entries {
        let scope = entry.statement.scopes.first().cloned().unwrap_or_default();
        let key = (
            entry.statement.vulnerability_id.to_ascii_uppercase(),
            format!(
                "{}|{}",
                scope.product_version.clone().unwrap_or_default(),
                if scope.names_component() {
                    String::new()
                } else {
                    scope.version_range.clone().unwrap_or_default()
                }
            ),
            format!(
                "{}|{}|{}",
                scope.purl.clone().unwrap_or_default(),
                scope.cpe.clone().unwrap_or_default(),
                if scope.names_component() {
                    scope.version_range.clone().unwrap_or_default()
                } else {
                    String::new()
                }
            ),
        );
        match best.get(&key) {
            Some(current) if entry.rank <= current.rank => {}
            _ => {
                best.insert(key, entry);
            }
        }
    }
    if best.is_empty() && manufacturer.is_none() {
        return Err(VexError::NotFound(format!(
            "product {product:?} is not stored and no statement names it"
        )));
    }
    Ok(ExportSet {
        product: ExportProduct {
            manufacturer,
            name: product_name,
            version: product_version.map(str::to_owned),
            root_purls,
        },
        statements: best.into_values().map(|entry| entry.statement).collect(),
    })
}

/// The export statements a stored scope yields for the product: one per stored version it
/// covers (for the product, or per component it names), or the scope as written for a
/// version not stored.
fn expand(
    statement: &Statement,
    scope: &Scope,
    product: &str,
    product_version: Option<&str>,
    stored: &[(String, FindingContext, Vec<StoredComponent>)],
) -> Vec<Statement> {
    let mut res = Vec::new();
    let mut matched_any = false;
    let with_scope = |scope: Scope| {
        let mut statement = statement.clone();
        statement.scopes = vec![scope];
        statement
    };
    for (version, finding, components) in stored {
        let product_level = Scope {
            product: Some(product.to_owned()),
            product_version: Some(version.clone()),
            ..Scope::default()
        };
        if !scope.names_component() {
            if scope_applies(scope, finding) {
                matched_any = true;
                res.push(with_scope(product_level));
            }
            continue;
        }
        // A component scope that names the device itself is about the whole product.
        if finding.root.is_some() && scope_applies(scope, finding) {
            matched_any = true;
            res.push(with_scope(product_level));
            continue;
        }
        for component in components {
            let mut finding = finding.clone();
            finding.component = component.identity.clone();
            if !scope_applies(scope, &finding) {
                continue;
            }
            matched_any = true;
            res.push(with_scope(Scope {
                label: Some(component.name.clone()),
                product: Some(product.to_owned()),
                product_version: Some(version.clone()),
                purl: component.identity.purl.clone(),
                cpe: component.identity.cpe.clone(),
                ..Scope::default()
            }));
        }
    }
    let names_product = scope
        .product
        .as_deref()
        .is_some_and(|name| name.trim().eq_ignore_ascii_case(product.trim()));
    if matched_any || !names_product {
        return res;
    }
    // A version not stored (yet): the scope as written.
    let stored_versions: BTreeSet<&str> = stored.iter().map(|(v, _, _)| v.as_str()).collect();
    match (&scope.product_version, product_version) {
        (Some(version), Some(wanted)) if version != wanted => return res,
        (Some(version), _) if stored_versions.contains(version.as_str()) => return res,
        (None, Some(_)) => return res,
        _ => {}
    }
    res.push(with_scope(Scope {
        label: scope.label.clone(),
        product: Some(product.to_owned()),
        product_version: scope.product_version.clone(),
        version_range: scope.version_range.clone(),
        purl: scope.purl.clone(),
        cpe: scope.cpe.clone(),
        ..Scope::default()
    }));
    res
}

/// Writes `set` in `format`.
#[must_use]
pub fn write(set: &ExportSet, format: VexFormat, header: &ExportHeader) -> Exported {
    match format {
        VexFormat::CycloneDx => to_cyclonedx(set, header),
        VexFormat::OpenVex => to_openvex(set, header),
        VexFormat::Csaf => to_csaf(set, header),
    }
}

/// A UUID-shaped text derived from the content, so the same export gives the same id.
fn content_uuid(set: &ExportSet, salt: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(salt.as_bytes());
    hasher.update(format!("{set:?}").as_bytes());
    let digest = hasher.finalize();
    let mut bytes: Vec<u8> = digest.iter().take(16).copied().collect();
    if let Some(byte) = bytes.get_mut(6) {
        *byte = (*byte & 0x0f) | 0x40;
    }
    if let Some(byte) = bytes.get_mut(8) {
        *byte = (*byte & 0x3f) | 0x80;
    }
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The one scope of an export statement.
fn scope_of(statement: &Statement) -> Scope {
    statement.scopes.first().cloned().unwrap_or_default()
}

/// A component's display name: the label, else the purl's or CPE's name.
fn component_name(scope: &Scope) -> String {
    if let Some(label) = &scope.label
        && !label.starts_with("pkg:")
        && !label.starts_with("cpe:")
        && !label.starts_with("urn:")
    {
        return label.clone();
    }
    if let Some(purl) = scope.purl.as_deref().and_then(|p| Purl::parse(p).ok()) {
        return purl.name().to_owned();
    }
    if let Some(cpe) = &scope.cpe {
        return cpe.split(':').nth(4).unwrap_or(cpe).to_owned();
    }
    "component".to_owned()
}

/// The statement text for a `not_affected` without justification or impact, and an
/// `affected` without action, so that every format's rules are kept.
fn impact_text(statement: &Statement) -> Option<String> {
    statement
        .impact_statement
        .clone()
        .or_else(|| statement.detail.clone())
}

fn action_text(statement: &Statement) -> String {
    statement
        .action_statement
        .clone()
        .or_else(|| statement.detail.clone())
        .unwrap_or_else(|| "No action statement was given by the source.".to_owned())
}

/// CycloneDX 1.6 JSON VEX: the product as `metadata.component`, components named by
/// component statements, one `vulnerabilities[]` entry per statement.
#[must_use]
pub fn to_cyclonedx(set: &ExportSet, header: &ExportHeader) -> Exported {
    let product = &set.product;
    let mut warnings = Vec::new();
    let mut root = json!({
        "type": "device",
        "bom-ref": "product",
        "name": product.name,
    });
    if let Some(version) = &product.version {
        root["version"] = json!(version);
    }
    let mut components: Vec<Value> = Vec::new();
    let mut component_refs: BTreeMap<(Option<String>, Option<String>), String> = BTreeMap::new();
    let mut vulnerabilities = Vec::new();
    let multi_version = product.version.is_none();
    for (idx, statement) in set.statements.iter().enumerate() {
        let scope = scope_of(statement);
        let mut affect = json!({});
        if scope.names_component() {
            let key = (scope.purl.clone(), scope.cpe.clone());
            let bom_ref = match component_refs.get(&key) {
                Some(bom_ref) => bom_ref.clone(),
                None => {
                    let bom_ref = format!("component-{}", component_refs.len() + 1);
                    let mut component = json!({
                        "type": "library",
                        "bom-ref": bom_ref,
                        "name": component_name(&scope),
                    });
                    if let Some(purl) = &scope.purl {
                        component["purl"] = json!(purl);
                        if let Some(version) = Purl::parse(purl)
                            .ok()
                            .and_then(|p| p.version().map(str::to_owned))
                        {
                            component["version"] = json!(version);
                        }
                    }
                    if let Some(cpe) = &scope.cpe {
                        component["cpe"] = json!(cpe);
                    }
                    components.push(component);
                    component_refs.insert(key, bom_ref.clone());
                    bom_ref
                }
            };
            affect["ref"] = json!(bom_ref);
            if let Some(range) = &scope.version_range {
                affect["versions"] = json!([{ "range": range }]);
            }
            if multi_version && scope.product_version.is_some() {
                warnings.push(format!(
                    "{} {}: cyclonedx cannot tie a component statement to product version {}; \
                     export one --product-version to keep it",
                    statement.vulnerability_id,
                    scope.describe(),
                    scope.product_version.as_deref().unwrap_or_default()
                ));
            }
        } else {
            affect["ref"] = json!("product");
            match (&scope.product_version, &scope.version_range) {
                (Some(version), _) => affect["versions"] = json!([{ "version": version }]),
                (None, Some(range)) => affect["versions"] = json!([{ "range": range }]),
                (None, None) => {}
            }
        }
        let state = match Status::from_cyclonedx(&statement.status_original) {
            Some(status) if status == statement.status => statement.status_original.clone(),
            _ => statement.status.to_cyclonedx().to_owned(),
        };
        let mut analysis = json!({ "state": state });
        let justification = statement
            .justification_original
            .as_deref()
            .and_then(cyclonedx_justification)
            .or_else(|| {
                statement
                    .justification
                    .as_deref()
                    .and_then(cyclonedx_justification)
            });
        if let (Some(justification), Status::NotAffected) = (justification, statement.status) {
            analysis["justification"] = json!(justification);
        }
        const RESPONSES: [&str; 5] = [
            "can_not_fix",
            "will_not_fix",
            "update",
            "rollback",
            "workaround_available",
        ];
        let responses: Vec<&str> = statement
            .responses
            .iter()
            .filter_map(|response| match response.as_str() {
                "vendor_fix" => Some("update"),
                "workaround" | "mitigation" => Some("workaround_available"),
                "no_fix_planned" => Some("will_not_fix"),
                "none_available" => Some("can_not_fix"),
                other => RESPONSES.into_iter().find(|r| *r == other),
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !responses.is_empty() {
            analysis["response"] = json!(responses);
        }
        let detail = [
            statement.impact_statement.as_deref(),
            statement.detail.as_deref(),
            statement.action_statement.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n");
        if !detail.is_empty() {
            analysis["detail"] = json!(detail);
        }
        if let Some(timestamp) = statement
            .timestamp
            .as_deref()
            .map(crate::service::normalize_time)
            && medsbom_feeds::timestamp::UtcInstant::parse(&timestamp).is_some()
        {
            analysis["lastUpdated"] = json!(timestamp);
        }
        let mut vulnerability = json!({
            "bom-ref": format!("vulnerability-{}", idx + 1),
            "id": statement.vulnerability_id,
            "analysis": analysis,
            "affects": [affect],
        });
        if let Some(action) = &statement.action_statement
            && statement.status == Status::Affected
        {
            vulnerability["recommendation"] = json!(action);
        }
        vulnerabilities.push(vulnerability);
    }
    let mut metadata = json!({
        "timestamp": header.timestamp,
        "authors": [{ "name": header.author }],
        "component": root,
    });
    if let Some(manufacturer) = &product.manufacturer {
        metadata["manufacturer"] = json!({ "name": manufacturer });
    }
    let mut document = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", content_uuid(set, "cyclonedx")),
        "version": 1,
        "metadata": metadata,
        "vulnerabilities": vulnerabilities,
    });
    if !components.is_empty() {
        document["components"] = json!(components);
    }
    Exported { document, warnings }
}

/// The OpenVEX product id of the product at `version`: its root purl when stored, else
/// `pkg:generic/<product>@<version>` (which [`crate::resolve`] reads back as the product).
fn openvex_product_id(product: &ExportProduct, version: Option<&str>) -> String {
    if let Some(purl) = version.and_then(|v| product.root_purls.get(v)) {
        return purl.clone();
    }
    generic_product_purl(&product.name, version)
}

/// `pkg:generic/<name>@<version>`, percent-encoded as purls are.
#[must_use]
pub fn generic_product_purl(name: &str, version: Option<&str>) -> String {
    let parts = PurlParts {
        ty: "generic",
        namespace: None,
        name,
        version,
        qualifiers: &[],
        subpath: None,
    };
    Purl::from_parts(&parts).map_or_else(
        |_| format!("pkg:generic/{}", name.replace(' ', "%20")),
        |purl| purl.to_string(),
    )
}

/// OpenVEX 0.2.0: one statement per export statement; a component statement names the
/// product with the component as subcomponent.
#[must_use]
pub fn to_openvex(set: &ExportSet, header: &ExportHeader) -> Exported {
    let mut warnings = Vec::new();
    let mut statements = Vec::new();
    for statement in &set.statements {
        let scope = scope_of(statement);
        if scope.product_version.is_none() && scope.version_range.is_some() {
            warnings.push(format!(
                "{} {}: openvex has no version ranges; left out",
                statement.vulnerability_id,
                scope.describe()
            ));
            continue;
        }
        let mut product =
            json!({ "@id": openvex_product_id(&set.product, scope.product_version.as_deref()) });
        if scope.names_component() {
            let mut subcomponent = json!({});
            if let Some(purl) = &scope.purl {
                subcomponent["@id"] = json!(purl);
            }
            if let Some(cpe) = &scope.cpe {
                subcomponent["identifiers"] = json!({ "cpe23": cpe });
            }
            product["subcomponents"] = json!([subcomponent]);
        }
        let mut entry = json!({
            "vulnerability": { "name": statement.vulnerability_id },
            "products": [product],
            "status": statement.status.as_str(),
        });
        if !statement.aliases.is_empty() {
            entry["vulnerability"]["aliases"] = json!(statement.aliases);
        }
        if let Some(timestamp) = statement
            .timestamp
            .as_deref()
            .map(crate::service::normalize_time)
            && medsbom_feeds::timestamp::UtcInstant::parse(&timestamp).is_some()
        {
            entry["timestamp"] = json!(timestamp);
        }
        if let Some(detail) = &statement.detail {
            entry["status_notes"] = json!(detail);
        }
        match statement.status {
            Status::NotAffected => {
                if let Some(justification) = &statement.justification {
                    entry["justification"] = json!(justification);
                }
                match impact_text(statement) {
                    Some(impact) => entry["impact_statement"] = json!(impact),
                    None if statement.justification.is_none() => {
                        entry["impact_statement"] =
                            json!("Not affected according to the source; no reason was given.");
                    }
                    None => {}
                }
            }
            Status::Affected => entry["action_statement"] = json!(action_text(statement)),
            Status::Fixed | Status::UnderInvestigation => {
                if let Some(action) = &statement.action_statement {
                    entry["action_statement"] = json!(action);
                }
            }
        }
        statements.push(entry);
    }
    let document = json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": format!("urn:uuid:{}", content_uuid(set, "openvex")),
        "author": header.author,
        "role": match header.authority {
            Authority::Manufacturer => "manufacturer",
            Authority::ThirdParty => "third party",
        },
        "timestamp": header.timestamp,
        "version": 1,
        "tooling": "medsbom",
        "statements": statements,
    });
    Exported { document, warnings }
}

/// CSAF 2.0 VEX: the product tree holds vendor → product name → product version (or
/// version range) products and the components as full product names with relationships
/// `default_component_of`; each vulnerability lists its products by status, with flags or
/// impact threats for `known_not_affected` and remediations for `known_affected` (the VEX
/// profile's rules).
#[must_use]
pub fn to_csaf(set: &ExportSet, header: &ExportHeader) -> Exported {
    let product = &set.product;
    let vendor = product
        .manufacturer
        .clone()
        .unwrap_or_else(|| header.author.clone());
    // Product ids: one per product version (or range / all versions), one per component and
    // one per (component, version) relationship.
    let mut version_ids: BTreeMap<(Option<String>, Option<String>), String> = BTreeMap::new();
    let mut component_ids: BTreeMap<(Option<String>, Option<String>), (String, String)> =
        BTreeMap::new();
    let mut relationship_ids: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut statement_ids: Vec<String> = Vec::new();
    for statement in &set.statements {
        let scope = scope_of(statement);
        let version_key = (
            scope.product_version.clone(),
            if scope.names_component() {
                None
            } else {
                scope.version_range.clone()
            },
        );
        let next = version_ids.len() + 1;
        let version_id = version_ids
            .entry(version_key)
            .or_insert_with(|| format!("CSAFPID-{next:04}"))
            .clone();
        if !scope.names_component() {
            statement_ids.push(version_id);
            continue;
        }
        let component_key = (scope.purl.clone(), scope.cpe.clone());
        let next = component_ids.len() + 1;
        let component_id = component_ids
            .entry(component_key)
            .or_insert_with(|| (format!("CSAFPID-C{next:04}"), component_name(&scope)))
            .0
            .clone();
        let next = relationship_ids.len() + 1;
        let relationship_id = relationship_ids
            .entry((component_id, version_id))
            .or_insert_with(|| format!("CSAFPID-R{next:04}"))
            .clone();
        statement_ids.push(relationship_id);
    }
    // The product tree.
    let mut version_branches = Vec::new();
    let mut all_versions_product = None;
    for ((version, range), id) in &version_ids {
        let label = match (version, range) {
            (Some(version), _) => format!("{} {version}", product.name),
            (None, Some(range)) => format!("{} {range}", product.name),
            (None, None) => product.name.clone(),
        };
        let mut full_product_name = json!({ "product_id": id, "name": label });
        if let Some(purl) = version.as_deref().and_then(|v| product.root_purls.get(v)) {
            full_product_name["product_identification_helper"] = json!({ "purl": purl });
        }
        match (version, range) {
            (Some(version), _) => version_branches.push(json!({
                "category": "product_version",
                "name": version,
                "product": full_product_name,
            })),
            (None, Some(range)) => version_branches.push(json!({
                "category": "product_version_range",
                "name": range,
                "product": full_product_name,
            })),
            (None, None) => all_versions_product = Some(full_product_name),
        }
    }
    let mut product_branch = json!({ "category": "product_name", "name": product.name });
    if !version_branches.is_empty() {
        product_branch["branches"] = json!(version_branches);
    }
    if let Some(full_product_name) = all_versions_product {
        if version_branches.is_empty() {
            product_branch["product"] = full_product_name;
        } else {
            if let Some(branches) = product_branch["branches"].as_array_mut() {
                branches.push(json!({
                    "category": "product_version_range",
                    "name": "vers:all/*",
                    "product": full_product_name,
                }));
            }
        }
    }
    let mut product_tree = json!({
        "branches": [{ "category": "vendor", "name": vendor, "branches": [product_branch] }],
    });
    let mut version_names: BTreeMap<&String, String> = BTreeMap::new();
    for ((version, range), id) in &version_ids {
        let label = match (version, range) {
            (Some(version), _) => format!("{} {version}", product.name),
            (None, Some(range)) => format!("{} {range}", product.name),
            (None, None) => product.name.clone(),
        };
        version_names.insert(id, label);
    }
    if !component_ids.is_empty() {
        let full_product_names: Vec<Value> = component_ids
            .iter()
            .map(|((purl, cpe), (id, name))| {
                let mut helper = json!({});
                if let Some(purl) = purl {
                    helper["purl"] = json!(purl);
                }
                if let Some(cpe) = cpe {
                    helper["cpe"] = json!(cpe);
                }
                json!({ "product_id": id, "name": name, "product_identification_helper": helper })
            })
            .collect();
        product_tree["full_product_names"] = json!(full_product_names);
        let names: BTreeMap<&String, &String> = component_ids
            .values()
            .map(|(id, name)| (id, name))
            .collect();
        let relationships: Vec<Value> = relationship_ids
            .iter()
            .map(|((component_id, version_id), id)| {
                let name = format!(
                    "{} as a component of {}",
                    names.get(component_id).map_or("component", |n| n.as_str()),
                    version_names
                        .get(version_id)
                        .map_or(product.name.as_str(), String::as_str)
                );
                json!({
                    "category": "default_component_of",
                    "full_product_name": { "product_id": id, "name": name },
                    "product_reference": component_id,
                    "relates_to_product_reference": version_id,
                })
            })
            .collect();
        product_tree["relationships"] = json!(relationships);
    }
    // Vulnerabilities: statements grouped by vulnerability id.
    let mut by_vulnerability: BTreeMap<String, Vec<(&Statement, &String)>> = BTreeMap::new();
    for (statement, id) in set.statements.iter().zip(statement_ids.iter()) {
        by_vulnerability
            .entry(statement.vulnerability_id.clone())
            .or_default()
            .push((statement, id));
    }
    let mut vulnerabilities = Vec::new();
    for (vulnerability_id, statements) in &by_vulnerability {
        let mut product_status: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
        let mut flags: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        let mut threats: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        let mut remediations: BTreeMap<(String, String), Vec<&String>> = BTreeMap::new();
        for (statement, id) in statements {
            product_status
                .entry(statement.status.to_csaf())
                .or_default()
                .push(id);
            match statement.status {
                Status::NotAffected => {
                    if let Some(label) = &statement.justification {
                        flags.entry(label.clone()).or_default().push(id);
                    }
                    let impact = impact_text(statement).or_else(|| {
                        statement.justification.is_none().then(|| {
                            "Not affected according to the source; no reason was given.".to_owned()
                        })
                    });
                    if let Some(impact) = impact {
                        threats.entry(impact).or_default().push(id);
                    }
                }
                Status::Affected => {
                    let category = statement
                        .responses
                        .iter()
                        .find_map(|response| csaf_remediation(response))
                        .unwrap_or("none_available");
                    remediations
                        .entry((category.to_owned(), action_text(statement)))
                        .or_default()
                        .push(id);
                }
                Status::Fixed | Status::UnderInvestigation => {
                    if let Some(action) = &statement.action_statement {
                        let category = statement
                            .responses
                            .iter()
                            .find_map(|response| csaf_remediation(response))
                            .unwrap_or("vendor_fix");
                        remediations
                            .entry((category.to_owned(), action.clone()))
                            .or_default()
                            .push(id);
                    }
                }
            }
        }
        let dedup = |ids: &Vec<&String>| -> Vec<String> {
            ids.iter()
                .map(|id| (*id).clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let mut entry = json!({});
        if is_cve(vulnerability_id) {
            entry["cve"] = json!(vulnerability_id);
        } else {
            entry["ids"] = json!([{ "system_name": "medsbom", "text": vulnerability_id }]);
        }
        let status: serde_json::Map<String, Value> = product_status
            .iter()
            .map(|(key, ids)| ((*key).to_owned(), json!(dedup(ids))))
            .collect();
        entry["product_status"] = Value::Object(status);
        if !flags.is_empty() {
            entry["flags"] = json!(
                flags
                    .iter()
                    .map(|(label, ids)| json!({ "label": label, "product_ids": dedup(ids) }))
                    .collect::<Vec<_>>()
            );
        }
        if !threats.is_empty() {
            entry["threats"] = json!(
                threats
                    .iter()
                    .map(|(details, ids)| json!({
                        "category": "impact",
                        "details": details,
                        "product_ids": dedup(ids),
                    }))
                    .collect::<Vec<_>>()
            );
        }
        if !remediations.is_empty() {
            entry["remediations"] = json!(
                remediations
                    .iter()
                    .map(|((category, details), ids)| json!({
                        "category": category,
                        "details": details,
                        "product_ids": dedup(ids),
                    }))
                    .collect::<Vec<_>>()
            );
        }
        vulnerabilities.push(entry);
    }
    let tracking_id = format!(
        "MEDSBOM-VEX-{}",
        content_uuid(set, "csaf").get(..8).unwrap_or("0")
    );
    let document = json!({
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "title": format!("VEX for {}", match &product.version {
                Some(version) => format!("{} {version}", product.name),
                None => product.name.clone(),
            }),
            "publisher": {
                "category": match header.authority {
                    Authority::Manufacturer => "vendor",
                    Authority::ThirdParty => "user",
                },
                "name": header.author,
                "namespace": header.namespace,
            },
            "notes": [{
                "category": "summary",
                "title": "About this document",
                "text": format!(
                    "Exploitability statements for {} as recorded in medsbom.",
                    product.name
                ),
            }],
            "tracking": {
                "id": tracking_id,
                "status": "final",
                "version": "1",
                "initial_release_date": header.timestamp,
                "current_release_date": header.timestamp,
                "revision_history": [{
                    "date": header.timestamp,
                    "number": "1",
                    "summary": "Exported by medsbom.",
                }],
                "generator": { "engine": { "name": "medsbom" } },
            },
        },
        "product_tree": product_tree,
        "vulnerabilities": vulnerabilities,
    });
    Exported {
        document,
        warnings: Vec::new(),
    }
}

/// The CSAF remediation category of a response (CSAF categories pass through).
fn csaf_remediation(response: &str) -> Option<&'static str> {
    let res = match response {
        "update" | "vendor_fix" => "vendor_fix",
        "workaround_available" | "workaround" => "workaround",
        "will_not_fix" | "can_not_fix" | "no_fix_planned" => "no_fix_planned",
        "rollback" | "mitigation" => "mitigation",
        "none_available" => "none_available",
        _ => return None,
    };
    Some(res)
}

fn is_cve(id: &str) -> bool {
    crate::parse::check_vulnerability_id(id).is_ok() && id.starts_with("CVE-")
}
