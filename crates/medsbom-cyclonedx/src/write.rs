//! What the JSON and XML writers share: the model turned into a CycloneDX 1.6 document tree
//! (the "plan"), with every decision about what 1.6 cannot hold made once and reported as a
//! warning. The JSON writer serializes the plan with serde; the XML writer walks it.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use medsbom_model::{
    CDX_MILESTONE_PREFIX, Component, ComponentType, DOCUMENT_REF, License, Party, PartyKind,
    RelationshipKind, SUPPORT_LEVEL_PROPERTY, Sbom, Scope, Vulnerability,
};
use serde::Serialize;

use crate::read::{DOCUMENT_NAME_PROPERTY, EXTRA_CPE_PROPERTY, GENERATED_REF_PREFIX, SERVICE_TYPE};

/// The spec version both writers emit.
pub(crate) const SPEC_VERSION: &str = "1.6";
/// Deepest component nesting the writers emit; deeper components go to the top level.
const MAX_NESTING: usize = 64;

const HASH_ALGORITHMS: &[&str] = &[
    "MD5",
    "SHA-1",
    "SHA-256",
    "SHA-384",
    "SHA-512",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "BLAKE2b-256",
    "BLAKE2b-384",
    "BLAKE2b-512",
    "BLAKE3",
];

const EXTERNAL_REFERENCE_TYPES: &[&str] = &[
    "vcs",
    "issue-tracker",
    "website",
    "advisories",
    "bom",
    "mailing-list",
    "social",
    "chat",
    "documentation",
    "support",
    "source-distribution",
    "distribution",
    "distribution-intake",
    "license",
    "build-meta",
    "build-system",
    "release-notes",
    "security-contact",
    "model-card",
    "log",
    "configuration",
    "evidence",
    "formulation",
    "attestation",
    "threat-model",
    "adversary-model",
    "risk-assessment",
    "vulnerability-assertion",
    "exploitability-statement",
    "pentest-report",
    "static-analysis-report",
    "dynamic-analysis-report",
    "runtime-analysis-report",
    "component-analysis-report",
    "maturity-report",
    "certification-report",
    "codified-infrastructure",
    "quality-metrics",
    "poam",
    "electronic-signature",
    "digital-signature",
    "rfc-9116",
    "other",
];

const LIFECYCLE_PHASES: &[&str] = &[
    "design",
    "pre-build",
    "build",
    "post-build",
    "operations",
    "discovery",
    "decommission",
];

const AGGREGATES: &[&str] = &[
    "complete",
    "incomplete",
    "incomplete_first_party_only",
    "incomplete_first_party_proprietary_only",
    "incomplete_first_party_opensource_only",
    "incomplete_third_party_only",
    "incomplete_third_party_proprietary_only",
    "incomplete_third_party_opensource_only",
    "unknown",
    "not_specified",
];

const SEVERITIES: &[&str] = &[
    "critical", "high", "medium", "low", "info", "none", "unknown",
];
const SCORE_METHODS: &[&str] = &[
    "CVSSv2", "CVSSv3", "CVSSv31", "CVSSv4", "OWASP", "SSVC", "other",
];
const ANALYSIS_STATES: &[&str] = &[
    "resolved",
    "resolved_with_pedigree",
    "exploitable",
    "in_triage",
    "false_positive",
    "not_affected",
];
const JUSTIFICATIONS: &[&str] = &[
    "code_not_present",
    "code_not_reachable",
    "requires_configuration",
    "requires_dependency",
    "requires_environment",
    "protected_by_compiler",
    "protected_at_runtime",
    "protected_at_perimeter",
    "protected_by_mitigating_control",
];
const RESPONSES: &[&str] = &[
    "can_not_fix",
    "will_not_fix",
    "update",
    "rollback",
    "workaround_available",
];
const AFFECTED_STATUSES: &[&str] = &["affected", "unaffected", "unknown"];

fn skip_str(value: &Option<Cow<'_, str>>) -> bool {
    value.is_none()
}

/// The CycloneDX 1.6 document to write.
#[derive(Serialize)]
pub(crate) struct OutBom<'a> {
    #[serde(rename = "$schema")]
    pub(crate) schema: &'static str,
    #[serde(rename = "bomFormat")]
    pub(crate) bom_format: &'static str,
    #[serde(rename = "specVersion")]
    pub(crate) spec_version: &'static str,
    #[serde(rename = "serialNumber")]
    pub(crate) serial_number: String,
    pub(crate) version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) metadata: Option<OutMetadata<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) components: Vec<OutComponent<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) services: Vec<OutService<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) dependencies: Vec<OutDependency<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) compositions: Vec<OutComposition<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) vulnerabilities: Vec<OutVulnerability<'a>>,
}

#[derive(Serialize, Default)]
pub(crate) struct OutMetadata<'a> {
    #[serde(skip_serializing_if = "skip_str")]
    pub(crate) timestamp: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) lifecycles: Vec<OutLifecycle<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tools: Option<OutTools<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) manufacturer: Option<OutEntity<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) authors: Vec<OutContact<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) component: Option<Box<OutComponent<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) supplier: Option<OutEntity<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) licenses: Vec<OutLicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) properties: Vec<OutProperty<'a>>,
}

impl OutMetadata<'_> {
    fn is_empty(&self) -> bool {
        self.timestamp.is_none()
            && self.lifecycles.is_empty()
            && self.tools.is_none()
            && self.manufacturer.is_none()
            && self.authors.is_empty()
            && self.component.is_none()
            && self.supplier.is_none()
            && self.licenses.is_empty()
            && self.properties.is_empty()
    }
}

#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum OutLifecycle<'a> {
    Phase { phase: &'a str },
    Named { name: &'a str },
}

#[derive(Serialize)]
pub(crate) struct OutTools<'a> {
    pub(crate) components: Vec<OutTool<'a>>,
}

#[derive(Serialize)]
pub(crate) struct OutTool<'a> {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) group: Option<&'a str>,
    pub(crate) name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct OutEntity<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) url: Vec<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) contact: Vec<OutContact<'a>>,
}

#[derive(Serialize)]
pub(crate) struct OutContact<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct OutComponent<'a> {
    #[serde(rename = "type")]
    pub(crate) kind: &'a str,
    #[serde(rename = "bom-ref")]
    pub(crate) bom_ref: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) supplier: Option<OutEntity<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) manufacturer: Option<OutEntity<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) authors: Vec<OutContact<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) publisher: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) group: Option<&'a str>,
    pub(crate) name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) hashes: Vec<OutHash<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) licenses: Vec<OutLicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) copyright: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cpe: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) purl: Option<&'a str>,
    #[serde(rename = "omniborId", skip_serializing_if = "Vec::is_empty")]
    pub(crate) omnibor_id: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) swhid: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) swid: Option<OutSwid<'a>>,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    pub(crate) external_references: Vec<OutExternalRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) components: Vec<OutComponent<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) properties: Vec<OutProperty<'a>>,
}

#[derive(Serialize)]
pub(crate) struct OutService<'a> {
    #[serde(rename = "bom-ref")]
    pub(crate) bom_ref: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) provider: Option<OutEntity<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) group: Option<&'a str>,
    pub(crate) name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) licenses: Vec<OutLicenseChoice<'a>>,
    #[serde(rename = "externalReferences", skip_serializing_if = "Vec::is_empty")]
    pub(crate) external_references: Vec<OutExternalRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) properties: Vec<OutProperty<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) services: Vec<OutService<'a>>,
}

#[derive(Serialize)]
pub(crate) struct OutHash<'a> {
    pub(crate) alg: &'a str,
    pub(crate) content: &'a str,
}

#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum OutLicenseChoice<'a> {
    License {
        license: OutLicense<'a>,
    },
    Expression {
        expression: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        acknowledgement: Option<&'static str>,
    },
}

#[derive(Serialize)]
pub(crate) struct OutLicense<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) acknowledgement: Option<&'static str>,
}

#[derive(Serialize)]
pub(crate) struct OutSwid<'a> {
    #[serde(rename = "tagId")]
    pub(crate) tag_id: &'a str,
    pub(crate) name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<&'a str>,
    #[serde(rename = "tagVersion", skip_serializing_if = "Option::is_none")]
    pub(crate) tag_version: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) patch: Option<bool>,
}

#[derive(Serialize)]
pub(crate) struct OutExternalRef<'a> {
    pub(crate) url: Cow<'a, str>,
    #[serde(skip_serializing_if = "skip_str")]
    pub(crate) comment: Option<Cow<'a, str>>,
    #[serde(rename = "type")]
    pub(crate) kind: &'a str,
}

#[derive(Serialize)]
pub(crate) struct OutProperty<'a> {
    pub(crate) name: Cow<'a, str>,
    pub(crate) value: Cow<'a, str>,
}

#[derive(Serialize)]
pub(crate) struct OutDependency<'a> {
    #[serde(rename = "ref")]
    pub(crate) reference: &'a str,
    #[serde(rename = "dependsOn", skip_serializing_if = "Vec::is_empty")]
    pub(crate) depends_on: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) provides: Vec<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct OutComposition<'a> {
    pub(crate) aggregate: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) assemblies: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) dependencies: Vec<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct OutVulnerability<'a> {
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    pub(crate) bom_ref: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<OutSource<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) references: Vec<OutVulnerabilityReference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) ratings: Vec<OutRating<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) cwes: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) detail: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) recommendation: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) advisories: Vec<OutAdvisory<'a>>,
    #[serde(skip_serializing_if = "skip_str")]
    pub(crate) published: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "skip_str")]
    pub(crate) updated: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) analysis: Option<OutAnalysis<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) affects: Vec<OutAffect<'a>>,
}

#[derive(Serialize, Default)]
pub(crate) struct OutSource<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct OutVulnerabilityReference<'a> {
    pub(crate) id: &'a str,
    pub(crate) source: OutSource<'a>,
}

#[derive(Serialize)]
pub(crate) struct OutRating<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) severity: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) vector: Option<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct OutAdvisory<'a> {
    pub(crate) url: Cow<'a, str>,
}

#[derive(Serialize, Default)]
pub(crate) struct OutAnalysis<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) justification: Option<&'a str>,
    #[serde(rename = "response", skip_serializing_if = "Vec::is_empty")]
    pub(crate) responses: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) detail: Option<&'a str>,
    #[serde(rename = "firstIssued", skip_serializing_if = "skip_str")]
    pub(crate) first_issued: Option<Cow<'a, str>>,
    #[serde(rename = "lastUpdated", skip_serializing_if = "skip_str")]
    pub(crate) last_updated: Option<Cow<'a, str>>,
}

#[derive(Serialize, PartialEq)]
pub(crate) struct OutAffect<'a> {
    #[serde(rename = "ref")]
    pub(crate) reference: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) versions: Vec<OutAffectedVersion<'a>>,
}

#[derive(Serialize, PartialEq)]
pub(crate) struct OutAffectedVersion<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) range: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<&'a str>,
}

/// Warnings grouped by kind, so a document with 50,000 similar components gives one line per
/// kind of loss (with a count and an example), not 50,000 lines.
#[derive(Default)]
struct Warnings {
    order: Vec<String>,
    counts: HashMap<String, (usize, String)>,
}

impl Warnings {
    fn add(&mut self, kind: &str, example: &str) {
        match self.counts.get_mut(kind) {
            Some((count, _)) => *count += 1,
            None => {
                self.order.push(kind.to_owned());
                self.counts.insert(kind.to_owned(), (1, example.to_owned()));
            }
        }
    }

    fn finish(self) -> Vec<String> {
        let mut counts = self.counts;
        self.order
            .into_iter()
            .filter_map(|kind| {
                let (count, example) = counts.remove(&kind)?;
                Some(match count {
                    1 => format!("{kind}: {example}"),
                    n => format!("{kind}: {n} times, e.g. {example}"),
                })
            })
            .collect()
    }
}

/// The document to write and what could not be written.
pub(crate) struct Plan<'a> {
    pub(crate) bom: OutBom<'a>,
    pub(crate) warnings: Vec<String>,
}

/// Turns the model into the CycloneDX 1.6 document tree.
pub(crate) fn plan(sbom: &Sbom) -> Plan<'_> {
    let mut planner = Planner {
        sbom,
        warnings: Warnings::default(),
        index: HashMap::new(),
        out_refs: Vec::with_capacity(sbom.components.len()),
        children: vec![Vec::new(); sbom.components.len()],
        placed: vec![false; sbom.components.len()],
        nested: HashSet::new(),
    };
    planner.assign_refs();
    let bom = planner.bom();
    Plan {
        bom,
        warnings: planner.warnings.finish(),
    }
}

struct Planner<'a> {
    sbom: &'a Sbom,
    warnings: Warnings,
    /// First component index per model `bom_ref`.
    index: HashMap<&'a str, usize>,
    /// The `bom-ref` written for each component (unique, never empty).
    out_refs: Vec<Cow<'a, str>>,
    /// Components nested under each component.
    children: Vec<Vec<usize>>,
    /// Whether a component has been written somewhere.
    placed: Vec<bool>,
    /// (parent, child) model refs written as nesting, so their `Contains` edge is implied.
    nested: HashSet<(&'a str, &'a str)>,
}

impl<'a> Planner<'a> {
    fn assign_refs(&mut self) {
        let sbom = self.sbom;
        let mut used: HashSet<Cow<'a, str>> = HashSet::new();
        let mut n_generated = 0usize;
        for (idx, component) in sbom.components.iter().enumerate() {
            let candidate: &'a str = &component.bom_ref;
            if !candidate.is_empty() && !used.contains(candidate) {
                used.insert(Cow::Borrowed(candidate));
                self.index.insert(candidate, idx);
                self.out_refs.push(Cow::Borrowed(candidate));
                continue;
            }
            let generated = loop {
                n_generated += 1;
                let generated = format!("{GENERATED_REF_PREFIX}w{n_generated}");
                if !used.contains(generated.as_str())
                    && !sbom.components.iter().any(|c| c.bom_ref == generated)
                {
                    break generated;
                }
            };
            if candidate.is_empty() {
                self.warnings.add(
                    "component without bom-ref given a generated one",
                    &generated,
                );
            } else {
                self.warnings.add(
                    "duplicate bom-ref renamed (references resolve to the first)",
                    &format!("{candidate} -> {generated}"),
                );
            }
            used.insert(Cow::Owned(generated.clone()));
            self.out_refs.push(Cow::Owned(generated));
        }
    }

    fn is_service(&self, idx: usize) -> bool {
        self.sbom
            .components
            .get(idx)
            .is_some_and(|c| matches!(&c.kind, ComponentType::Other(k) if k == SERVICE_TYPE))
    }

    fn bom(&mut self) -> OutBom<'a> {
        let sbom = self.sbom;
        // Nesting: a component goes under its parent when the parent exists and is of the
        // same family (components nest in components, services in services).
        let mut top_level = Vec::new();
        for (idx, component) in sbom.components.iter().enumerate() {
            let parent_idx = component
                .extra
                .parent
                .as_deref()
                .and_then(|p| self.index.get(p).copied())
                .filter(|&p| p != idx && self.is_service(p) == self.is_service(idx));
            match (parent_idx, &component.extra.parent) {
                (Some(parent_idx), _) => {
                    if let Some(children) = self.children.get_mut(parent_idx) {
                        children.push(idx);
                    }
                }
                (None, Some(parent)) => {
                    self.warnings.add(
                        "component parent not found or not nestable, written at top level",
                        &format!("{} (parent {parent})", component.bom_ref),
                    );
                    top_level.push(idx);
                }
                (None, None) => top_level.push(idx),
            }
        }

        let root_idx = self.roots();
        let mut metadata = self.metadata();
        if let Some(root_idx) = root_idx {
            self.mark(root_idx);
            metadata.component = Some(Box::new(self.component(root_idx, 0)));
        }
        let mut components = Vec::new();
        let mut services = Vec::new();
        let mut pending: Vec<usize> = top_level;
        loop {
            for idx in std::mem::take(&mut pending) {
                if self.placed.get(idx).copied().unwrap_or(true) {
                    continue;
                }
                self.mark(idx);
                if self.is_service(idx) {
                    services.push(self.service(idx, 0));
                } else {
                    components.push(self.component(idx, 0));
                }
            }
            // Whatever is still unplaced sits in a parent cycle or below the nesting limit.
            let rest: Vec<usize> = (0..sbom.components.len())
                .filter(|&idx| !self.placed.get(idx).copied().unwrap_or(true))
                .collect();
            let Some(&first) = rest.first() else { break };
            if let Some(component) = sbom.components.get(first) {
                self.warnings.add(
                    "component in a parent cycle or nested too deeply, written at top level",
                    &component.bom_ref,
                );
            }
            pending.push(first);
        }

        let serial_number = serial_number(sbom, &mut self.warnings);
        let version = match sbom.version {
            Some(0) => {
                self.warnings.add("bom version 0 written as 1", "version");
                1
            }
            Some(version) => version,
            None => 1,
        };
        let dependencies = self.dependencies();
        let compositions = self.compositions();
        let vulnerabilities = sbom
            .vulnerabilities
            .iter()
            .map(|v| vulnerability(v, &mut self.warnings))
            .collect();
        if let Some(extension) = sbom.extensions.first() {
            self.warnings.add(
                "document data kept as extensions not written",
                &format!("{} ({} in all)", extension.name, sbom.extensions.len()),
            );
        }
        OutBom {
            schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
            bom_format: "CycloneDX",
            spec_version: SPEC_VERSION,
            serial_number,
            version,
            metadata: if metadata.is_empty() {
                None
            } else {
                Some(metadata)
            },
            components,
            services,
            dependencies,
            compositions,
            vulnerabilities,
        }
    }

    /// Marks a component as written, so no other place writes it again.
    fn mark(&mut self, idx: usize) {
        if let Some(placed) = self.placed.get_mut(idx) {
            *placed = true;
        }
    }

    /// The component that becomes `metadata.component`: the first root that is a component.
    fn roots(&mut self) -> Option<usize> {
        let sbom = self.sbom;
        let mut res = None;
        for root in &sbom.roots {
            match self.index.get(root.as_str()).copied() {
                Some(idx) if res.is_none() && !self.is_service(idx) => {
                    let nested = sbom
                        .components
                        .get(idx)
                        .and_then(|c| c.extra.parent.as_deref())
                        .is_some_and(|p| self.index.contains_key(p));
                    if nested {
                        self.warnings
                            .add("nested root not used as metadata.component", root);
                    } else {
                        res = Some(idx);
                    }
                }
                Some(_) => self.warnings.add(
                    "further root written as a regular component (cyclonedx has one metadata.component)",
                    root,
                ),
                None => self.warnings.add("root not found among components", root),
            }
        }
        res
    }

    fn metadata(&mut self) -> OutMetadata<'a> {
        let sbom = self.sbom;
        let mut res = OutMetadata {
            timestamp: sbom
                .timestamp
                .as_deref()
                .and_then(|t| date_time(t, "metadata timestamp", &mut self.warnings)),
            ..OutMetadata::default()
        };
        for lifecycle in &sbom.lifecycles {
            if LIFECYCLE_PHASES.contains(&lifecycle.as_str()) {
                res.lifecycles
                    .push(OutLifecycle::Phase { phase: lifecycle });
            } else {
                res.lifecycles.push(OutLifecycle::Named { name: lifecycle });
            }
        }
        if !sbom.tools.is_empty() {
            res.tools = Some(OutTools {
                components: sbom
                    .tools
                    .iter()
                    .map(|t| OutTool {
                        kind: "application",
                        group: t.vendor.as_deref(),
                        name: &t.name,
                        version: t.version.as_deref(),
                    })
                    .collect(),
            });
        }
        res.manufacturer = sbom.manufacturer.as_ref().map(entity);
        res.authors = sbom.authors.iter().map(contact).collect();
        res.supplier = sbom.supplier.as_ref().map(entity);
        if let Some(data_license) = sbom.data_license.as_deref() {
            res.licenses.push(OutLicenseChoice::Expression {
                expression: data_license,
                acknowledgement: None,
            });
        }
        res.properties = sbom
            .properties
            .iter()
            .map(|p| OutProperty {
                name: Cow::Borrowed(&p.name),
                value: Cow::Borrowed(&p.value),
            })
            .collect();
        let root_name = sbom.root_components().next().map(|c| c.name.as_str());
        if let Some(name) = sbom.name.as_deref() {
            let already = sbom
                .properties
                .iter()
                .any(|p| p.name == DOCUMENT_NAME_PROPERTY);
            if root_name != Some(name) && !already {
                res.properties.push(OutProperty {
                    name: Cow::Borrowed(DOCUMENT_NAME_PROPERTY),
                    value: Cow::Borrowed(name),
                });
            }
        }
        res
    }

    fn component(&mut self, idx: usize, depth: usize) -> OutComponent<'a> {
        let sbom = self.sbom;
        let Some(component) = sbom.components.get(idx) else {
            debug_assert!(false, "component index out of range");
            return placeholder();
        };
        let kind = match &component.kind {
            ComponentType::Source | ComponentType::Archive => {
                self.warnings.add(
                    "component type not in cyclonedx 1.6, written as \"file\"",
                    component.kind.as_str(),
                );
                "file"
            }
            ComponentType::Install => {
                self.warnings.add(
                    "component type not in cyclonedx 1.6, written as \"application\"",
                    component.kind.as_str(),
                );
                "application"
            }
            ComponentType::Other(other) => {
                self.warnings.add(
                    "component type not in cyclonedx 1.6, written as \"library\"",
                    other,
                );
                "library"
            }
            known => known_type(known),
        };
        let mut properties = Vec::new();
        let mut res = OutComponent {
            kind,
            bom_ref: self.out_ref(idx),
            supplier: component.supplier.as_ref().map(entity),
            manufacturer: component.extra.manufacturer.as_ref().map(entity),
            authors: component.extra.authors.iter().map(contact).collect(),
            publisher: component.extra.publisher.as_deref(),
            group: component.extra.group.as_deref(),
            name: &component.name,
            version: component.version.as_deref(),
            description: component.extra.description.as_deref(),
            scope: component.extra.scope.map(scope),
            hashes: self.hashes(component, &mut properties),
            licenses: self.licenses(component),
            copyright: component.extra.copyright.as_deref(),
            cpe: component.cpe(),
            purl: component.purl.as_deref(),
            omnibor_id: Vec::new(),
            swhid: Vec::new(),
            swid: component.extra.swid.as_ref().map(|s| OutSwid {
                tag_id: &s.tag_id,
                name: s.name.as_deref().unwrap_or(&component.name),
                version: s.version.as_deref(),
                tag_version: s.tag_version,
                patch: s.patch,
            }),
            external_references: self.external_refs(component),
            components: Vec::new(),
            properties: Vec::new(),
        };
        for identifier in &component.extra.other_identifiers {
            match identifier.kind.as_str() {
                "omniborId" | "gitoid" if identifier.value.starts_with("gitoid:") => {
                    res.omnibor_id.push(&identifier.value);
                }
                "swhid" => res.swhid.push(&identifier.value),
                other => {
                    self.warnings.add(
                        "identifier kind not in cyclonedx 1.6, written as a medsbom:identifier property",
                        other,
                    );
                    properties.push(OutProperty {
                        name: Cow::Owned(format!("medsbom:identifier:{other}")),
                        value: Cow::Borrowed(&identifier.value),
                    });
                }
            }
        }
        res.properties = self.properties(component, properties);
        if let Some(extension) = component.extra.extensions.first() {
            self.warnings.add(
                "component data kept as extensions not written",
                &extension.name,
            );
        }
        self.nest_children(idx, depth, &mut res.components);
        res
    }

    fn nest_children(&mut self, idx: usize, depth: usize, out: &mut Vec<OutComponent<'a>>) {
        let children = self.children.get(idx).cloned().unwrap_or_default();
        if MAX_NESTING <= depth + 1 {
            // Deeper children are left unplaced; the top-level sweep writes them.
            return;
        }
        for child in children {
            if self.placed.get(child).copied().unwrap_or(true) {
                continue;
            }
            self.mark(child);
            self.note_nesting(idx, child);
            out.push(self.component(child, depth + 1));
        }
    }

    fn note_nesting(&mut self, parent: usize, child: usize) {
        let sbom = self.sbom;
        if let (Some(parent), Some(child)) =
            (sbom.components.get(parent), sbom.components.get(child))
        {
            self.nested
                .insert((parent.bom_ref.as_str(), child.bom_ref.as_str()));
        }
    }

    fn service(&mut self, idx: usize, depth: usize) -> OutService<'a> {
        let sbom = self.sbom;
        let Some(component) = sbom.components.get(idx) else {
            debug_assert!(false, "service index out of range");
            return OutService {
                bom_ref: Cow::Borrowed(""),
                provider: None,
                group: None,
                name: "",
                version: None,
                description: None,
                licenses: Vec::new(),
                external_references: Vec::new(),
                properties: Vec::new(),
                services: Vec::new(),
            };
        };
        let mut properties = Vec::new();
        let hashes = self.hashes(component, &mut properties);
        if !hashes.is_empty() || !component.cpes.is_empty() || component.purl.is_some() {
            self.warnings.add(
                "service identifiers (hashes, cpe, purl) not representable, dropped",
                &component.bom_ref,
            );
        }
        let mut res = OutService {
            bom_ref: self.out_ref(idx),
            provider: component.supplier.as_ref().map(entity),
            group: component.extra.group.as_deref(),
            name: &component.name,
            version: component.version.as_deref(),
            description: component.extra.description.as_deref(),
            licenses: self.licenses(component),
            external_references: self.external_refs(component),
            properties: Vec::new(),
            services: Vec::new(),
        };
        res.properties = self.properties(component, properties);
        if let Some(extension) = component.extra.extensions.first() {
            self.warnings.add(
                "component data kept as extensions not written",
                &extension.name,
            );
        }
        let children = self.children.get(idx).cloned().unwrap_or_default();
        if depth + 1 < MAX_NESTING {
            for child in children {
                if self.placed.get(child).copied().unwrap_or(true) {
                    continue;
                }
                self.mark(child);
                self.note_nesting(idx, child);
                res.services.push(self.service(child, depth + 1));
            }
        }
        res
    }

    fn out_ref(&self, idx: usize) -> Cow<'a, str> {
        self.out_refs.get(idx).cloned().unwrap_or(Cow::Borrowed(""))
    }

    fn hashes(
        &mut self,
        component: &'a Component,
        properties: &mut Vec<OutProperty<'a>>,
    ) -> Vec<OutHash<'a>> {
        let mut res = Vec::new();
        for hash in &component.hashes {
            if HASH_ALGORITHMS.contains(&hash.algorithm.as_str()) && is_hash_content(&hash.value) {
                res.push(OutHash {
                    alg: &hash.algorithm,
                    content: &hash.value,
                });
                continue;
            }
            self.warnings.add(
                "hash algorithm or value not valid in cyclonedx 1.6, written as a medsbom:hash property",
                &format!("{} {}", hash.algorithm, hash.value),
            );
            properties.push(OutProperty {
                name: Cow::Owned(format!("medsbom:hash:{}", hash.algorithm)),
                value: Cow::Borrowed(&hash.value),
            });
        }
        res
    }

    /// Licences as 1.6 allows them: a list of licence objects, or exactly one expression.
    /// The concluded licence (SPDX `licenseConcluded`) uses the 1.6 `acknowledgement`.
    fn licenses(&mut self, component: &'a Component) -> Vec<OutLicenseChoice<'a>> {
        let concluded = component
            .extra
            .license_concluded
            .as_deref()
            .filter(|c| !c.eq_ignore_ascii_case("NOASSERTION") && !c.trim().is_empty());
        match (component.licenses.as_slice(), concluded) {
            ([], None) => return Vec::new(),
            ([License::Expression(expression)], None) => {
                return vec![OutLicenseChoice::Expression {
                    expression,
                    acknowledgement: None,
                }];
            }
            ([], Some(concluded)) => {
                return vec![OutLicenseChoice::Expression {
                    expression: concluded,
                    acknowledgement: Some("concluded"),
                }];
            }
            _ => {}
        }
        if component
            .licenses
            .iter()
            .any(|l| matches!(l, License::Expression(_)))
        {
            self.warnings.add(
                "licence expression among several licences written as a licence name",
                &component.bom_ref,
            );
        }
        let mut res: Vec<OutLicenseChoice<'a>> = component
            .licenses
            .iter()
            .map(|license| {
                let (id, name) = match license {
                    License::Id(id) => (Some(id.as_str()), None),
                    License::Name(name) | License::Expression(name) => (None, Some(name.as_str())),
                };
                OutLicenseChoice::License {
                    license: OutLicense {
                        id,
                        name,
                        acknowledgement: None,
                    },
                }
            })
            .collect();
        if let Some(concluded) = concluded {
            res.push(OutLicenseChoice::License {
                license: OutLicense {
                    id: None,
                    name: Some(concluded),
                    acknowledgement: Some("concluded"),
                },
            });
        }
        res
    }

    fn external_refs(&mut self, component: &'a Component) -> Vec<OutExternalRef<'a>> {
        component
            .extra.external_refs
            .iter()
            .map(|reference| {
                let url = iri_reference(&reference.url, &mut self.warnings);
                if EXTERNAL_REFERENCE_TYPES.contains(&reference.kind.as_str()) {
                    return OutExternalRef {
                        url,
                        comment: reference.comment.as_deref().map(Cow::Borrowed),
                        kind: &reference.kind,
                    };
                }
                self.warnings.add(
                    "external reference type not in cyclonedx 1.6, written as \"other\" with the type in the comment",
                    &reference.kind,
                );
                let comment = match &reference.comment {
                    Some(comment) => format!("{}: {comment}", reference.kind),
                    None => reference.kind.clone(),
                };
                OutExternalRef {
                    url,
                    comment: Some(Cow::Owned(comment)),
                    kind: "other",
                }
            })
            .collect()
    }

    /// The component's own properties verbatim, then the support data and extra CPEs as
    /// properties unless the component already carries them.
    fn properties(
        &mut self,
        component: &'a Component,
        extra: Vec<OutProperty<'a>>,
    ) -> Vec<OutProperty<'a>> {
        let mut res: Vec<OutProperty<'a>> = component
            .properties
            .iter()
            .map(|p| OutProperty {
                name: Cow::Borrowed(&p.name),
                value: Cow::Borrowed(&p.value),
            })
            .collect();
        let has_name = |res: &[OutProperty<'_>], name: &str| res.iter().any(|p| p.name == name);
        let support = &component.support;
        if let Some(end_of_support) = &support.end_of_support {
            let name = format!("{CDX_MILESTONE_PREFIX}endOfSupport");
            if !has_name(&res, &name) {
                let value = match end_of_support.date {
                    Some(date) => Cow::Owned(date.to_string()),
                    None => Cow::Borrowed(end_of_support.text.as_str()),
                };
                res.push(OutProperty {
                    name: Cow::Owned(name),
                    value,
                });
            }
        }
        for milestone in &support.milestones {
            let name = format!("{CDX_MILESTONE_PREFIX}{}", milestone.name);
            if !has_name(&res, &name) {
                let value = match milestone.date {
                    Some(date) => Cow::Owned(date.to_string()),
                    None => Cow::Borrowed(milestone.text.as_str()),
                };
                res.push(OutProperty {
                    name: Cow::Owned(name),
                    value,
                });
            }
        }
        if let Some(level) = support.level
            && !has_name(&res, SUPPORT_LEVEL_PROPERTY)
        {
            res.push(OutProperty {
                name: Cow::Borrowed(SUPPORT_LEVEL_PROPERTY),
                value: Cow::Borrowed(level.as_str()),
            });
        }
        for cpe in component.cpes.iter().skip(1) {
            let present = res
                .iter()
                .any(|p| p.name == EXTRA_CPE_PROPERTY && p.value == cpe.as_str());
            if !present {
                self.warnings.add(
                    "component with several CPEs: the first is the cpe, the others medsbom:cpe properties",
                    &component.bom_ref,
                );
                res.push(OutProperty {
                    name: Cow::Borrowed(EXTRA_CPE_PROPERTY),
                    value: Cow::Borrowed(cpe),
                });
            }
        }
        res.extend(extra);
        res
    }

    fn dependencies(&mut self) -> Vec<OutDependency<'a>> {
        let sbom = self.sbom;
        let mut res: Vec<OutDependency<'a>> = Vec::new();
        let mut by_ref: HashMap<&'a str, usize> = HashMap::new();
        let mut seen: HashSet<(&'a str, &'a str, bool)> = HashSet::new();
        for relationship in &sbom.relationships {
            let provides = match &relationship.kind {
                RelationshipKind::DependsOn => false,
                RelationshipKind::Provides => true,
                RelationshipKind::Contains => {
                    if self
                        .nested
                        .contains(&(relationship.from.as_str(), relationship.to.as_str()))
                    {
                        continue;
                    }
                    false
                }
                RelationshipKind::Describes => {
                    if relationship.from != DOCUMENT_REF {
                        self.warnings.add(
                            "describes relationship between components not representable, dropped",
                            &format!("{} -> {}", relationship.from, relationship.to),
                        );
                    }
                    continue;
                }
                RelationshipKind::Other(kind) => {
                    self.warnings.add(
                        "relationship type not representable in cyclonedx, dropped",
                        &format!("{} {kind} {}", relationship.from, relationship.to),
                    );
                    continue;
                }
            };
            if relationship.from == DOCUMENT_REF || relationship.to == DOCUMENT_REF {
                self.warnings.add(
                    "relationship with the document itself not representable, dropped",
                    &format!("{} -> {}", relationship.from, relationship.to),
                );
                continue;
            }
            let from: &'a str = &relationship.from;
            let to: &'a str = &relationship.to;
            if from.is_empty() || to.is_empty() || !seen.insert((from, to, provides)) {
                continue;
            }
            let entry_idx = match by_ref.get(from) {
                Some(&entry_idx) => entry_idx,
                None => {
                    res.push(OutDependency {
                        reference: from,
                        depends_on: Vec::new(),
                        provides: Vec::new(),
                    });
                    by_ref.insert(from, res.len() - 1);
                    res.len() - 1
                }
            };
            if let Some(entry) = res.get_mut(entry_idx) {
                if provides {
                    entry.provides.push(to);
                } else {
                    entry.depends_on.push(to);
                }
            }
        }
        res
    }

    fn compositions(&mut self) -> Vec<OutComposition<'a>> {
        let sbom = self.sbom;
        sbom.compositions
            .iter()
            .map(|composition| {
                let aggregate = if AGGREGATES.contains(&composition.aggregate.as_str()) {
                    composition.aggregate.as_str()
                } else {
                    self.warnings.add(
                        "composition aggregate not in cyclonedx 1.6, written as \"unknown\"",
                        &composition.aggregate,
                    );
                    "unknown"
                };
                OutComposition {
                    aggregate,
                    assemblies: unique(&composition.assemblies),
                    dependencies: unique(&composition.dependencies),
                }
            })
            .collect()
    }
}

/// A stand-in for an impossible out-of-range index (never written in practice).
fn placeholder() -> OutComponent<'static> {
    OutComponent {
        kind: "library",
        bom_ref: Cow::Borrowed("medsbom-missing"),
        supplier: None,
        manufacturer: None,
        authors: Vec::new(),
        publisher: None,
        group: None,
        name: "",
        version: None,
        description: None,
        scope: None,
        hashes: Vec::new(),
        licenses: Vec::new(),
        copyright: None,
        cpe: None,
        purl: None,
        omnibor_id: Vec::new(),
        swhid: Vec::new(),
        swid: None,
        external_references: Vec::new(),
        components: Vec::new(),
        properties: Vec::new(),
    }
}

fn unique(refs: &[String]) -> Vec<&str> {
    let mut seen = HashSet::new();
    refs.iter()
        .map(String::as_str)
        .filter(|r| !r.is_empty() && seen.insert(*r))
        .collect()
}

fn known_type(kind: &ComponentType) -> &'static str {
    match kind {
        ComponentType::Application => "application",
        ComponentType::Framework => "framework",
        ComponentType::Library => "library",
        ComponentType::Container => "container",
        ComponentType::Platform => "platform",
        ComponentType::OperatingSystem => "operating-system",
        ComponentType::Device => "device",
        ComponentType::DeviceDriver => "device-driver",
        ComponentType::Firmware => "firmware",
        ComponentType::File => "file",
        ComponentType::MachineLearningModel => "machine-learning-model",
        ComponentType::Data => "data",
        ComponentType::CryptographicAsset => "cryptographic-asset",
        ComponentType::Source
        | ComponentType::Archive
        | ComponentType::Install
        | ComponentType::Other(_) => "library",
    }
}

fn scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Required => "required",
        Scope::Optional => "optional",
        Scope::Excluded => "excluded",
    }
}

fn entity(party: &Party) -> OutEntity<'_> {
    let name = Some(party.name.as_str()).filter(|n| !n.is_empty());
    let contact = match (&party.kind, party.email.as_deref()) {
        (PartyKind::Person, email) => vec![OutContact { name, email }],
        (_, Some(email)) => vec![OutContact {
            name: None,
            email: Some(email),
        }],
        (_, None) => Vec::new(),
    };
    OutEntity {
        name,
        url: party.urls.iter().map(|u| iri_reference_quiet(u)).collect(),
        contact,
    }
}

fn contact(party: &Party) -> OutContact<'_> {
    OutContact {
        name: Some(party.name.as_str()).filter(|n| !n.is_empty()),
        email: party.email.as_deref(),
    }
}

/// The URL with the characters an IRI reference cannot hold percent-encoded (spaces, `{}`,
/// `<>`, stray `%`, …), as the 1.6 schema's `iri-reference` format requires.
fn iri_reference<'a>(url: &'a str, warnings: &mut Warnings) -> Cow<'a, str> {
    let res = iri_reference_quiet(url);
    if let Cow::Owned(_) = res {
        warnings.add("url characters not allowed in an iri percent-encoded", url);
    }
    res
}

fn iri_reference_quiet(url: &str) -> Cow<'_, str> {
    let bytes = url.as_bytes();
    let is_hex = |idx: usize| bytes.get(idx).is_some_and(u8::is_ascii_hexdigit);
    let needs_encoding = |idx: usize, ch: char| match ch {
        ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => true,
        '%' => !(is_hex(idx + 1) && is_hex(idx + 2)),
        _ => ch.is_control(),
    };
    if !url.char_indices().any(|(idx, ch)| needs_encoding(idx, ch)) {
        return Cow::Borrowed(url);
    }
    let mut res = String::with_capacity(url.len() + 8);
    for (idx, ch) in url.char_indices() {
        if needs_encoding(idx, ch) {
            let mut buffer = [0u8; 4];
            for byte in ch.encode_utf8(&mut buffer).bytes() {
                res.push_str(&format!("%{byte:02X}"));
            }
        } else {
            res.push(ch);
        }
    }
    Cow::Owned(res)
}

fn is_hash_content(value: &str) -> bool {
    matches!(value.len(), 32 | 40 | 64 | 96 | 128) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An RFC 3339 date-time as the schemas require; a plain date gets midnight UTC (with a
/// warning); anything else is dropped with a warning.
fn date_time<'a>(text: &'a str, what: &str, warnings: &mut Warnings) -> Option<Cow<'a, str>> {
    if is_date_time(text) {
        return Some(Cow::Borrowed(text));
    }
    if medsbom_model::IsoDate::parse(text).is_some() && text.len() == 10 {
        warnings.add(&format!("{what} is a date, written as midnight utc"), text);
        return Some(Cow::Owned(format!("{text}T00:00:00Z")));
    }
    warnings.add(
        &format!("{what} is not an rfc 3339 date-time, dropped"),
        text,
    );
    None
}

fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let byte = |idx: usize| bytes.get(idx).copied();
    let date_ok = text
        .get(..10)
        .is_some_and(|d| medsbom_model::IsoDate::parse(d).is_some());
    if !(date_ok
        && matches!(byte(10), Some(b'T' | b't'))
        && digits(11..13)
        && byte(13) == Some(b':')
        && digits(14..16)
        && byte(16) == Some(b':')
        && digits(17..19))
    {
        return false;
    }
    let mut idx = 19;
    if byte(idx) == Some(b'.') {
        idx += 1;
        let start = idx;
        while byte(idx).is_some_and(|b| b.is_ascii_digit()) {
            idx += 1;
        }
        if idx == start {
            return false;
        }
    }
    match byte(idx) {
        Some(b'Z' | b'z') => idx + 1 == bytes.len(),
        Some(b'+' | b'-') => {
            digits(idx + 1..idx + 3)
                && byte(idx + 3) == Some(b':')
                && digits(idx + 4..idx + 6)
                && idx + 6 == bytes.len()
        }
        _ => false,
    }
}

fn enum_value<'a>(
    value: Option<&'a str>,
    allowed: &[&str],
    what: &str,
    warnings: &mut Warnings,
) -> Option<&'a str> {
    let value = value?;
    if allowed.contains(&value) {
        return Some(value);
    }
    warnings.add(&format!("{what} not in cyclonedx 1.6, dropped"), value);
    None
}

fn vulnerability<'a>(
    vulnerability: &'a Vulnerability,
    warnings: &mut Warnings,
) -> OutVulnerability<'a> {
    let source = match (&vulnerability.source_name, &vulnerability.source_url) {
        (None, None) => None,
        (name, url) => Some(OutSource {
            name: name.as_deref(),
            url: url.as_deref(),
        }),
    };
    let ratings = vulnerability
        .ratings
        .iter()
        .map(|rating| {
            let score = match rating.score {
                Some(score) if score.is_finite() => Some(score),
                Some(score) => {
                    warnings.add(
                        "rating score not a finite number, dropped",
                        &score.to_string(),
                    );
                    None
                }
                None => None,
            };
            OutRating {
                score,
                severity: enum_value(
                    rating.severity.as_deref(),
                    SEVERITIES,
                    "rating severity",
                    warnings,
                ),
                method: enum_value(
                    rating.method.as_deref(),
                    SCORE_METHODS,
                    "rating method",
                    warnings,
                ),
                vector: rating.vector.as_deref(),
            }
        })
        .collect();
    let analysis = vulnerability.analysis.as_ref().map(|analysis| OutAnalysis {
        state: enum_value(
            analysis.state.as_deref(),
            ANALYSIS_STATES,
            "analysis state",
            warnings,
        ),
        justification: enum_value(
            analysis.justification.as_deref(),
            JUSTIFICATIONS,
            "analysis justification",
            warnings,
        ),
        responses: analysis
            .responses
            .iter()
            .filter_map(|r| enum_value(Some(r.as_str()), RESPONSES, "analysis response", warnings))
            .collect(),
        detail: analysis.detail.as_deref(),
        first_issued: analysis
            .first_issued
            .as_deref()
            .and_then(|t| date_time(t, "analysis firstIssued", warnings)),
        last_updated: analysis
            .last_updated
            .as_deref()
            .and_then(|t| date_time(t, "analysis lastUpdated", warnings)),
    });
    let mut affects: Vec<OutAffect<'a>> = Vec::new();
    for affect in &vulnerability.affects {
        let versions = affect
            .versions
            .iter()
            .filter_map(|v| {
                let status = enum_value(
                    v.status.as_deref(),
                    AFFECTED_STATUSES,
                    "affected status",
                    warnings,
                );
                match (&v.version, &v.range) {
                    (Some(version), _) => Some(OutAffectedVersion {
                        version: Some(version),
                        range: None,
                        status,
                    }),
                    (None, Some(range)) => Some(OutAffectedVersion {
                        version: None,
                        range: Some(range),
                        status,
                    }),
                    (None, None) => None,
                }
            })
            .collect();
        let out = OutAffect {
            reference: &affect.reference,
            versions,
        };
        if !affects.contains(&out) {
            affects.push(out);
        }
    }
    OutVulnerability {
        bom_ref: vulnerability.bom_ref.as_deref().filter(|r| !r.is_empty()),
        id: Some(vulnerability.id.as_str()).filter(|id| !id.is_empty()),
        source,
        references: vulnerability
            .aliases
            .iter()
            .map(|alias| OutVulnerabilityReference {
                id: alias,
                source: OutSource::default(),
            })
            .collect(),
        ratings,
        cwes: vulnerability.cwes.clone(),
        description: vulnerability.description.as_deref(),
        detail: vulnerability.detail.as_deref(),
        recommendation: vulnerability.recommendation.as_deref(),
        advisories: vulnerability
            .advisories
            .iter()
            .map(|url| OutAdvisory {
                url: iri_reference(url, warnings),
            })
            .collect(),
        published: vulnerability
            .published
            .as_deref()
            .and_then(|t| date_time(t, "vulnerability published", warnings)),
        updated: vulnerability
            .updated
            .as_deref()
            .and_then(|t| date_time(t, "vulnerability updated", warnings)),
        analysis,
        affects,
    }
}

/// The input's serial number when it is a `urn:uuid:`, otherwise a name-based (v5) UUID
/// derived from the input's identifier or from the content, so output is reproducible.
fn serial_number(sbom: &Sbom, warnings: &mut Warnings) -> String {
    if let Some(serial) = sbom.serial_number.as_deref() {
        if let Some(uuid) = serial
            .strip_prefix("urn:uuid:")
            .and_then(|u| uuid::Uuid::try_parse(u).ok())
        {
            return format!("urn:uuid:{}", uuid.hyphenated());
        }
        warnings.add(
            "serial number is not a urn:uuid, a uuid derived from it is written",
            serial,
        );
        let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, serial.as_bytes());
        return format!("urn:uuid:{}", uuid.hyphenated());
    }
    let mut content = Vec::new();
    for part in [
        sbom.spec_version.as_str(),
        sbom.name.as_deref().unwrap_or_default(),
        sbom.timestamp.as_deref().unwrap_or_default(),
    ] {
        content.extend_from_slice(part.as_bytes());
        content.push(0);
    }
    for component in &sbom.components {
        for part in [
            component.bom_ref.as_str(),
            component.name.as_str(),
            component.version.as_deref().unwrap_or_default(),
            component.purl.as_deref().unwrap_or_default(),
        ] {
            content.extend_from_slice(part.as_bytes());
            content.push(0);
        }
    }
    let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &content);
    format!("urn:uuid:{}", uuid.hyphenated())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times() {
        for good in [
            "2020-01-01T00:00:00Z",
            "2025-07-23T20:52:41.344402+00:00",
            "2023-03-02T12:04:22+11:00",
        ] {
            assert!(is_date_time(good), "{good}");
        }
        for bad in [
            "2020-01-01",
            "2020-13-01T00:00:00Z",
            "2020-01-01T00:00:00",
            "2020-01-01T00:00:00.Z",
            "2020-01-01T00:00:00Zx",
            "",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn urls_become_iri_references() {
        assert_eq!(
            iri_reference_quiet("https://github.com/x/${project.artifactId}/issues"),
            "https://github.com/x/$%7Bproject.artifactId%7D/issues"
        );
        assert_eq!(iri_reference_quiet("a b%zz%41"), "a%20b%25zz%41");
        assert!(matches!(
            iri_reference_quiet("https://example.com/ä?q=1#x"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn warnings_are_grouped() {
        let mut warnings = Warnings::default();
        warnings.add("a", "x");
        warnings.add("b", "y");
        warnings.add("a", "z");
        assert_eq!(warnings.finish(), ["a: 2 times, e.g. x", "b: y"]);
    }
}
