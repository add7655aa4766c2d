//! CSAF 2.0 documents (security advisories and CSAF VEX): each `vulnerabilities[]` entry
//! becomes one advisory whose affected list is its `product_status`, resolved through the
//! product tree (branches, full product names, relationships) to names, purls and CPEs.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::advisory::{
    AdvisorySource, AffectedPackage, CsafContext, CsafFlag, CsafProduct, CsafProductStatus,
    CsafRelationship, CsafRemediation, CsafStatus, CsafThreat, Reference, SeverityKind, SourceKind,
};
use crate::json::{non_empty, nullable, salvage_id};
use crate::timestamp::Timestamp;
use crate::{Advisory, FeedError, FeedKind, Position, ReadSummary, Record};

pub(crate) fn read(
    name: &str,
    bytes: &[u8],
    summary: &mut ReadSummary,
    sink: &mut dyn FnMut(Record),
) -> Result<(), FeedError> {
    let csaf: CsafJson<'_> = serde_json::from_slice(bytes).map_err(|err| FeedError::Malformed {
        kind: FeedKind::Csaf,
        name: name.to_owned(),
        cause: format!("not a csaf document: {err}"),
    })?;
    let document = csaf.document;
    summary.feed_version = document.tracking.version.clone();
    summary.feed_date = document.tracking.current_release_date.clone();
    let tree = ProductTree::resolve(csaf.product_tree.as_ref(), &mut |cause| {
        summary.warning(Position::Document, Some(&document.tracking.id), cause);
    });
    for (idx, entry) in csaf.vulnerabilities.iter().enumerate() {
        let position = Position::Entry(idx);
        let mut warnings = Vec::new();
        match read_vulnerability(&document, &tree, idx, entry.get(), &mut warnings) {
            Ok(advisory) => {
                for warning in warnings {
                    summary.warning(position, Some(&advisory.id), warning);
                }
                summary.n_records += 1;
                sink(Record::Advisory(Box::new(advisory)));
            }
            Err(cause) => {
                let id = salvage_id(entry.get().as_bytes(), "/cve");
                summary.error(position, id.as_deref(), cause);
            }
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct CsafJson<'a> {
    document: DocumentJson,
    product_tree: Option<ProductTreeJson>,
    #[serde(default, deserialize_with = "nullable", borrow)]
    vulnerabilities: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct DocumentJson {
    category: String,
    csaf_version: String,
    title: String,
    publisher: PublisherJson,
    tracking: TrackingJson,
}

#[derive(Deserialize)]
struct PublisherJson {
    name: String,
    namespace: Option<String>,
}

#[derive(Deserialize)]
struct TrackingJson {
    id: String,
    status: Option<String>,
    version: Option<String>,
    initial_release_date: Option<String>,
    current_release_date: Option<String>,
}

#[derive(Deserialize)]
struct ProductTreeJson {
    #[serde(default, deserialize_with = "nullable")]
    branches: Vec<BranchJson>,
    #[serde(default, deserialize_with = "nullable")]
    full_product_names: Vec<FullProductNameJson>,
    #[serde(default, deserialize_with = "nullable")]
    relationships: Vec<RelationshipJson>,
    #[serde(default, deserialize_with = "nullable")]
    product_groups: Vec<ProductGroupJson>,
}

#[derive(Deserialize)]
struct BranchJson {
    category: String,
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    branches: Vec<BranchJson>,
    product: Option<FullProductNameJson>,
}

#[derive(Deserialize)]
struct FullProductNameJson {
    product_id: String,
    name: String,
    product_identification_helper: Option<HelperJson>,
}

#[derive(Deserialize)]
struct HelperJson {
    cpe: Option<String>,
    purl: Option<String>,
    /// CSAF 2.1 replaces `purl` with a list.
    #[serde(default, deserialize_with = "nullable")]
    purls: Vec<String>,
}

#[derive(Deserialize)]
struct RelationshipJson {
    category: String,
    product_reference: String,
    relates_to_product_reference: String,
    full_product_name: FullProductNameJson,
}

#[derive(Deserialize)]
struct ProductGroupJson {
    group_id: String,
    #[serde(default, deserialize_with = "nullable")]
    product_ids: Vec<String>,
}

#[derive(Deserialize)]
struct VulnerabilityJson {
    cve: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    ids: Vec<IdJson>,
    title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    notes: Vec<NoteJson>,
    cwe: Option<CweJson>,
    release_date: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    product_status: BTreeMap<String, Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    remediations: Vec<RemediationJson>,
    #[serde(default, deserialize_with = "nullable")]
    threats: Vec<ThreatJson>,
    #[serde(default, deserialize_with = "nullable")]
    flags: Vec<FlagJson>,
    #[serde(default, deserialize_with = "nullable")]
    scores: Vec<ScoreJson>,
    #[serde(default, deserialize_with = "nullable")]
    references: Vec<ReferenceJson>,
}

#[derive(Deserialize)]
struct IdJson {
    text: String,
}

#[derive(Deserialize)]
struct NoteJson {
    category: String,
    text: String,
}

#[derive(Deserialize)]
struct CweJson {
    id: String,
}

#[derive(Deserialize)]
struct RemediationJson {
    category: String,
    details: String,
    date: Option<String>,
    url: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    product_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    group_ids: Vec<String>,
}

#[derive(Deserialize)]
struct ThreatJson {
    category: String,
    details: String,
    date: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    product_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    group_ids: Vec<String>,
}

#[derive(Deserialize)]
struct FlagJson {
    label: String,
    date: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    product_ids: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    group_ids: Vec<String>,
}

#[derive(Deserialize)]
struct ScoreJson {
    cvss_v2: Option<CvssJson>,
    cvss_v3: Option<CvssJson>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CvssJson {
    vector_string: String,
    base_score: Option<f64>,
}

#[derive(Deserialize)]
struct ReferenceJson {
    url: String,
    category: Option<String>,
}

/// The product tree flattened: every product by id, and every group's products.
struct ProductTree {
    products: HashMap<String, CsafProduct>,
    groups: HashMap<String, Vec<String>>,
}

impl ProductTree {
    fn resolve(tree: Option<&ProductTreeJson>, warn: &mut dyn FnMut(String)) -> ProductTree {
        let mut res = ProductTree {
            products: HashMap::new(),
            groups: HashMap::new(),
        };
        let Some(tree) = tree else { return res };
        let mut path = Vec::new();
        for branch in &tree.branches {
            res.add_branch(branch, &mut path, warn);
        }
        for full_product_name in &tree.full_product_names {
            res.add(product(full_product_name, &[]), warn);
        }
        for relationship in &tree.relationships {
            let mut combined = product(&relationship.full_product_name, &[]);
            let component = res.products.get(&relationship.product_reference);
            let platform = res.products.get(&relationship.relates_to_product_reference);
            if combined.purl.is_none() {
                combined.purl = component.and_then(|component| component.purl.clone());
            }
            if combined.cpe.is_none() {
                combined.cpe = component
                    .and_then(|component| component.cpe.clone())
                    .or_else(|| platform.and_then(|platform| platform.cpe.clone()));
            }
            if let Some(component) = component {
                combined.vendor = component.vendor.clone();
                combined.product_name = component.product_name.clone();
                combined.product_version = component.product_version.clone();
                combined.version_is_range = component.version_is_range;
                combined.branch_path = component.branch_path.clone();
            }
            combined.relationship = Some(CsafRelationship {
                category: relationship.category.clone(),
                product_reference: relationship.product_reference.clone(),
                relates_to_product_reference: relationship.relates_to_product_reference.clone(),
            });
            res.add(combined, warn);
        }
        for group in &tree.product_groups {
            res.groups
                .insert(group.group_id.clone(), group.product_ids.clone());
        }
        res
    }

    fn add_branch(
        &mut self,
        branch: &BranchJson,
        path: &mut Vec<(String, String)>,
        warn: &mut dyn FnMut(String),
    ) {
        path.push((branch.category.clone(), branch.name.clone()));
        if let Some(full_product_name) = &branch.product {
            self.add(product(full_product_name, path), warn);
        }
        for child in &branch.branches {
            self.add_branch(child, path, warn);
        }
        path.pop();
    }

    fn add(&mut self, product: CsafProduct, warn: &mut dyn FnMut(String)) {
        if self.products.contains_key(&product.product_id) {
            warn(format!(
                "product tree defines product id {:?} more than once; the first is kept",
                product.product_id
            ));
            return;
        }
        self.products.insert(product.product_id.clone(), product);
    }

    /// The product ids named directly and through groups, each once, in order.
    fn expand(&self, product_ids: &[String], group_ids: &[String]) -> Vec<String> {
        let mut res: Vec<String> = Vec::new();
        let grouped = group_ids
            .iter()
            .filter_map(|group_id| self.groups.get(group_id))
            .flatten();
        for product_id in product_ids.iter().chain(grouped) {
            if !res.contains(product_id) {
                res.push(product_id.clone());
            }
        }
        res
    }
}

fn product(full_product_name: &FullProductNameJson, path: &[(String, String)]) -> CsafProduct {
    let helper = full_product_name.product_identification_helper.as_ref();
    let branch = |category: &str| {
        path.iter()
            .rev()
            .find(|(branch_category, _)| branch_category == category)
            .map(|(_, name)| name.clone())
    };
    let (product_version, version_is_range) = match branch("product_version") {
        Some(version) => (Some(version), false),
        None => (branch("product_version_range"), true),
    };
    CsafProduct {
        product_id: full_product_name.product_id.clone(),
        name: full_product_name.name.clone(),
        purl: helper.and_then(|helper| {
            helper
                .purl
                .clone()
                .or_else(|| helper.purls.first().cloned())
        }),
        cpe: helper.and_then(|helper| helper.cpe.clone()),
        vendor: branch("vendor"),
        product_name: branch("product_name"),
        version_is_range: version_is_range && product_version.is_some(),
        product_version,
        branch_path: path.to_vec(),
        relationship: None,
    }
}

fn read_vulnerability(
    document: &DocumentJson,
    tree: &ProductTree,
    idx: usize,
    text: &str,
    warnings: &mut Vec<String>,
) -> Result<Advisory, String> {
    let vulnerability: VulnerabilityJson =
        serde_json::from_str(text).map_err(|err| err.to_string())?;
    let mut aliases: Vec<String> = vulnerability.ids.iter().map(|id| id.text.clone()).collect();
    let id = match &vulnerability.cve {
        Some(cve) => cve.clone(),
        None if !aliases.is_empty() => aliases.remove(0),
        None => format!("{}#{idx}", document.tracking.id),
    };

    let mut affected = Vec::new();
    for (key, product_ids) in &vulnerability.product_status {
        let Some(status) = CsafStatus::from_key(key) else {
            warnings.push(format!("unknown product_status {key:?} ignored"));
            continue;
        };
        for product_id in product_ids {
            let product = match tree.products.get(product_id) {
                Some(product) => product.clone(),
                None => {
                    warnings.push(format!(
                        "product_status {key} names product id {product_id:?}, which the product tree does not define"
                    ));
                    unknown_product(product_id)
                }
            };
            affected.push(AffectedPackage::CsafProduct(CsafProductStatus {
                product,
                status,
            }));
        }
    }

    let mut severity = Vec::new();
    for score in &vulnerability.scores {
        let cvss_scores = [
            (SeverityKind::CvssV3, &score.cvss_v3),
            (SeverityKind::CvssV2, &score.cvss_v2),
        ];
        for (kind, cvss) in cvss_scores {
            let Some(cvss) = cvss else { continue };
            let already = severity
                .iter()
                .any(|known: &crate::advisory::SeverityScore| known.vector == cvss.vector_string);
            if already {
                continue;
            }
            let (scored, warning) =
                crate::scoring::score(kind, &cvss.vector_string, cvss.base_score, None);
            severity.push(scored);
            warnings.extend(warning);
        }
    }

    let note = |category: &str| {
        vulnerability
            .notes
            .iter()
            .find(|note| note.category == category)
            .map(|note| note.text.clone())
    };
    let details = note("description")
        .or_else(|| note("details"))
        .or_else(|| note("summary"))
        .or_else(|| vulnerability.notes.first().map(|note| note.text.clone()));

    let context = CsafContext {
        category: document.category.clone(),
        csaf_version: document.csaf_version.clone(),
        title: document.title.clone(),
        publisher_name: document.publisher.name.clone(),
        publisher_namespace: document.publisher.namespace.clone(),
        tracking_id: document.tracking.id.clone(),
        tracking_version: document.tracking.version.clone(),
        tracking_status: document.tracking.status.clone(),
        vulnerability_index: idx,
        remediations: vulnerability
            .remediations
            .iter()
            .map(|remediation| CsafRemediation {
                category: remediation.category.clone(),
                details: remediation.details.clone(),
                date: remediation.date.clone(),
                url: remediation.url.clone(),
                product_ids: tree.expand(&remediation.product_ids, &remediation.group_ids),
            })
            .collect(),
        threats: vulnerability
            .threats
            .iter()
            .map(|threat| CsafThreat {
                category: threat.category.clone(),
                details: threat.details.clone(),
                date: threat.date.clone(),
                product_ids: tree.expand(&threat.product_ids, &threat.group_ids),
            })
            .collect(),
        flags: vulnerability
            .flags
            .iter()
            .map(|flag| CsafFlag {
                label: flag.label.clone(),
                date: flag.date.clone(),
                product_ids: tree.expand(&flag.product_ids, &flag.group_ids),
            })
            .collect(),
    };

    let published = vulnerability
        .release_date
        .as_deref()
        .or(document.tracking.initial_release_date.as_deref())
        .map(Timestamp::parse);
    Ok(Advisory {
        id,
        source: AdvisorySource {
            kind: SourceKind::Csaf,
            database: document.publisher.name.clone(),
            document: Some(document.tracking.id.clone()),
        },
        aliases,
        related: Vec::new(),
        summary: non_empty(vulnerability.title),
        details: non_empty(details),
        published,
        modified: document
            .tracking
            .current_release_date
            .as_deref()
            .map(Timestamp::parse),
        withdrawn: None,
        severity,
        cwes: vulnerability.cwe.map(|cwe| cwe.id).into_iter().collect(),
        references: vulnerability
            .references
            .into_iter()
            .map(|reference| Reference {
                url: reference.url,
                tags: reference.category.into_iter().collect(),
            })
            .collect(),
        affected,
        ssvc: Vec::new(),
        known_exploited: None,
        csaf: Some(context),
    })
}

fn unknown_product(product_id: &str) -> CsafProduct {
    CsafProduct {
        product_id: product_id.to_owned(),
        name: product_id.to_owned(),
        purl: None,
        cpe: None,
        vendor: None,
        product_name: None,
        product_version: None,
        version_is_range: false,
        branch_path: Vec::new(),
        relationship: None,
    }
}
