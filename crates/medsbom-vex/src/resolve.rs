//! Which statement applies to a finding, and which one wins.
//!
//! A finding is one vulnerability of one component of one product version
//! ([`FindingContext`]). A statement applies when it names one of the vulnerability's
//! identifiers and one of its scopes matches ([`scope_applies`]). Among the statements
//! that apply, the winner is the one from the most authoritative source (the manufacturer
//! over a third party), then the newest, then the last imported ([`resolve`]). The
//! hospital's own analysis is recorded separately and, when present, is what the finding
//! shows; the VEX winner stays visible beside it.

use std::cmp::Ordering;

use medsbom_versions::cpe::{Cpe, cpe_matches};
use medsbom_versions::purl::Purl;
use medsbom_versions::vers::VersionRange;

use crate::model::{Authority, Scope, Status};

/// The identity of a component as the store knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComponentIdentity {
    /// The package identity (`packages.key`).
    pub key: Option<String>,
    /// Its purl.
    pub purl: Option<String>,
    /// Its CPE.
    pub cpe: Option<String>,
    /// Its version.
    pub version: Option<String>,
    /// Its `bom-ref`s in the product version's SBOM.
    pub bom_refs: Vec<String>,
    /// Its file hashes (algorithm, hex), when known.
    pub hashes: Vec<(String, String)>,
}

/// Everything about a finding that a statement can name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingContext {
    /// The product's manufacturer.
    pub manufacturer: Option<String>,
    /// The product (device model).
    pub product: String,
    /// The product version.
    pub product_version: String,
    /// The component the finding is about.
    pub component: ComponentIdentity,
    /// The root component of the product version's SBOM (the device itself).
    pub root: Option<ComponentIdentity>,
    /// Serial numbers of the product version's SBOMs ([`crate::model::normalize_serial`]).
    pub bom_serials: Vec<String>,
    /// The vulnerability's identifiers (canonical id and aliases).
    pub vulnerability_ids: Vec<String>,
}

/// A stored statement or analysis as resolution sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The statement's row id (analyses: negative row id).
    pub id: i64,
    /// Its vulnerability identifiers.
    pub vulnerability_ids: Vec<String>,
    /// The status.
    pub status: Status,
    /// The canonical justification.
    pub justification: Option<String>,
    /// Free text: detail, impact statement or action statement.
    pub detail: Option<String>,
    /// When it was stated (UTC RFC 3339, or as written when not a date).
    pub stated_at: Option<String>,
    /// The authority its source claims.
    pub authority: Authority,
    /// Who said it.
    pub author: Option<String>,
    /// Where it comes from, for people (`csaf 2022-EVD-UC-01-NA-001 by Example Company`).
    pub source: String,
    /// What it applies to.
    pub scopes: Vec<Scope>,
}

/// The statement that applies to a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// The winning candidate.
    pub winner: Candidate,
    /// The authority it was ranked with (the source's, or the manufacturer when its author
    /// is the product's manufacturer).
    pub authority: Authority,
    /// Every candidate that applies, winner first.
    pub history: Vec<Candidate>,
}

/// Whether `scope` covers the finding (its vulnerability is not checked here).
#[must_use]
pub fn scope_applies(scope: &Scope, finding: &FindingContext) -> bool {
    if let Some(manufacturer) = &scope.manufacturer
        && !finding
            .manufacturer
            .as_deref()
            .is_some_and(|other| other.trim().eq_ignore_ascii_case(manufacturer.trim()))
    {
        return false;
    }
    if let Some(product) = &scope.product
        && !product.trim().eq_ignore_ascii_case(finding.product.trim())
    {
        return false;
    }
    if let Some(product_purl) = &scope.product_purl
        && !generic_names_product(product_purl, finding)
        && !finding
            .root
            .as_ref()
            .and_then(|root| root.purl.as_deref())
            .is_some_and(|purl| purl_matches(product_purl, purl))
    {
        return false;
    }
    if let Some(product_cpe) = &scope.product_cpe
        && !finding
            .root
            .as_ref()
            .and_then(|root| root.cpe.as_deref())
            .is_some_and(|cpe| cpe_name_matches(product_cpe, cpe))
    {
        return false;
    }
    if let Some(version) = &scope.product_version
        && version.trim() != finding.product_version.trim()
    {
        return false;
    }
    let subject_version = if scope.names_component() {
        if scope
            .purl
            .as_deref()
            .is_some_and(|purl| generic_names_product(purl, finding))
        {
            Some(finding.product_version.as_str())
        } else if component_matches(scope, &finding.component, &finding.bom_serials, false) {
            finding.component.version.as_deref()
        } else if finding
            .root
            .as_ref()
            .is_some_and(|root| component_matches(scope, root, &finding.bom_serials, true))
        {
            Some(finding.product_version.as_str())
        } else {
            return false;
        }
    } else {
        Some(finding.product_version.as_str())
    };
    match &scope.version_range {
        None => true,
        Some(range) => subject_version.is_some_and(|version| version_in_range(range, version)),
    }
}

/// Whether `purl` is `pkg:generic/<product>[@<product version>]` naming the finding's
/// product (the convention OpenVEX exports use for a device without a purl of its own).
fn generic_names_product(purl: &str, finding: &FindingContext) -> bool {
    let Ok(purl) = Purl::parse(purl.trim()) else {
        return false;
    };
    purl.ty() == "generic"
        && purl.namespace().is_none()
        && purl.name().eq_ignore_ascii_case(finding.product.trim())
        && purl
            .version()
            .is_none_or(|version| version == finding.product_version.trim())
}

/// Whether `range` (a `vers:` range) contains `version`; an unreadable range or version
/// contains nothing.
#[must_use]
pub fn version_in_range(range: &str, version: &str) -> bool {
    let Ok(range) = VersionRange::parse(range).or_else(|_| VersionRange::parse_lenient(range))
    else {
        return false;
    };
    range.contains(version).unwrap_or(false)
}

/// Whether any component identifier of the scope names `component`; `is_root` lets a
/// BOM-Link to a whole BOM name its root.
fn component_matches(
    scope: &Scope,
    component: &ComponentIdentity,
    bom_serials: &[String],
    is_root: bool,
) -> bool {
    if let (Some(pattern), Some(purl)) = (&scope.purl, &component.purl)
        && purl_matches(pattern, purl)
    {
        return true;
    }
    if let Some(pattern) = &scope.purl
        && component.key.as_deref() == Some(pattern.as_str())
    {
        return true;
    }
    if let (Some(pattern), Some(cpe)) = (&scope.cpe, &component.cpe)
        && cpe_name_matches(pattern, cpe)
    {
        return true;
    }
    let hash_hit = scope.hashes.iter().any(|(algorithm, value)| {
        component
            .hashes
            .iter()
            .any(|(other_algorithm, other_value)| {
                hash_algorithm(algorithm) == hash_algorithm(other_algorithm)
                    && value.eq_ignore_ascii_case(other_value)
            })
    });
    if hash_hit {
        return true;
    }
    if let Some(link) = &scope.bom_link
        && bom_serials.contains(&link.serial)
    {
        return match &link.bom_ref {
            None => is_root,
            Some(bom_ref) => component.bom_refs.contains(bom_ref),
        };
    }
    false
}

/// `SHA-256`, `sha256`, `sha-256` → `SHA256`.
fn hash_algorithm(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '-' && *c != '_')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Whether the purl `pattern` names the purl `purl`: the same package, the same version when
/// the pattern has one, and the pattern's qualifiers present in `purl`.
#[must_use]
pub fn purl_matches(pattern: &str, purl: &str) -> bool {
    let (Ok(pattern), Ok(purl)) = (Purl::parse(pattern.trim()), Purl::parse(purl.trim())) else {
        return pattern.trim() == purl.trim();
    };
    if pattern.package_key() != purl.package_key() {
        return false;
    }
    if let Some(version) = pattern.version()
        && purl.version() != Some(version)
    {
        return false;
    }
    pattern
        .qualifiers()
        .iter()
        .all(|(key, value)| purl.qualifier(key) == Some(value.as_str()))
}

/// Whether the CPE `pattern` matches the CPE `cpe` (NISTIR 7696), or the texts are equal.
fn cpe_name_matches(pattern: &str, cpe: &str) -> bool {
    match (Cpe::parse(pattern.trim()), Cpe::parse(cpe.trim())) {
        (Ok(pattern), Ok(cpe)) => cpe_matches(&pattern, &cpe),
        _ => pattern.trim().eq_ignore_ascii_case(cpe.trim()),
    }
}

/// Whether `candidate` names one of the finding's vulnerability ids and covers the finding.
#[must_use]
pub fn applies(candidate: &Candidate, finding: &FindingContext) -> bool {
    let names_vulnerability = candidate.vulnerability_ids.iter().any(|id| {
        finding
            .vulnerability_ids
            .iter()
            .any(|other| other.eq_ignore_ascii_case(id))
    });
    names_vulnerability
        && candidate
            .scopes
            .iter()
            .any(|scope| scope_applies(scope, finding))
}

/// The authority a candidate is ranked with for this finding: its source's, raised to the
/// manufacturer when its author is the product's manufacturer.
#[must_use]
pub fn authority_for(candidate: &Candidate, finding: &FindingContext) -> Authority {
    let by_manufacturer = match (&candidate.author, &finding.manufacturer) {
        (Some(author), Some(manufacturer)) => {
            author.trim().eq_ignore_ascii_case(manufacturer.trim())
        }
        _ => false,
    };
    if by_manufacturer {
        return Authority::Manufacturer;
    }
    candidate.authority
}

/// The winning statement among `candidates` for the finding, or `None` when none applies:
/// the most authoritative source first, then the newest statement, then the highest id.
/// The result does not depend on the order of `candidates`.
#[must_use]
pub fn resolve(candidates: &[Candidate], finding: &FindingContext) -> Option<Resolution> {
    let mut applicable: Vec<(Authority, &Candidate)> = candidates
        .iter()
        .filter(|candidate| applies(candidate, finding))
        .map(|candidate| (authority_for(candidate, finding), candidate))
        .collect();
    applicable.sort_by(|a, b| rank(b, a));
    let (authority, winner) = applicable.first().copied()?;
    Some(Resolution {
        winner: winner.clone(),
        authority,
        history: applicable.iter().map(|(_, c)| (*c).clone()).collect(),
    })
}

fn rank(a: &(Authority, &Candidate), b: &(Authority, &Candidate)) -> Ordering {
    a.0.cmp(&b.0)
        .then_with(|| a.1.stated_at.cmp(&b.1.stated_at))
        .then_with(|| a.1.id.cmp(&b.1.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BomLink;

    fn finding() -> FindingContext {
        FindingContext {
            manufacturer: Some("Acme Medical".to_owned()),
            product: "Infusion Pump".to_owned(),
            product_version: "2.1".to_owned(),
            component: ComponentIdentity {
                key: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".to_owned()),
                purl: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".to_owned()),
                cpe: None,
                version: Some("2.14.1".to_owned()),
                bom_refs: vec!["log4j".to_owned()],
                hashes: Vec::new(),
            },
            root: Some(ComponentIdentity {
                purl: Some("pkg:generic/acme/infusion-pump@2.1".to_owned()),
                bom_refs: vec!["root".to_owned()],
                version: Some("2.1".to_owned()),
                ..ComponentIdentity::default()
            }),
            bom_serials: vec!["3e671687-395b-41f5-a30f-a58921a69b79".to_owned()],
            vulnerability_ids: vec![
                "CVE-2021-44228".to_owned(),
                "GHSA-jfh8-c2jp-5v3q".to_owned(),
            ],
        }
    }

    fn check(scope: Scope, expect: bool) {
        assert_eq!(scope_applies(&scope, &finding()), expect, "{scope:?}");
    }

    #[test]
    fn scopes_match_products_components_and_links() {
        let product = |name: &str| Scope {
            product: Some(name.to_owned()),
            ..Scope::default()
        };
        check(product("infusion pump"), true);
        check(product("Ventilator"), false);
        check(
            Scope {
                product_version: Some("2.1".to_owned()),
                ..product("Infusion Pump")
            },
            true,
        );
        check(
            Scope {
                product_version: Some("2.0".to_owned()),
                ..product("Infusion Pump")
            },
            false,
        );
        check(
            Scope {
                version_range: Some("vers:generic/>=2.0|<=2.5".to_owned()),
                ..product("Infusion Pump")
            },
            true,
        );
        let purl = |text: &str| Scope {
            purl: Some(text.to_owned()),
            ..Scope::default()
        };
        check(purl("pkg:maven/org.apache.logging.log4j/log4j-core"), true);
        check(
            purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            true,
        );
        check(
            purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.17.0"),
            false,
        );
        check(purl("pkg:generic/acme/infusion-pump@2.1"), true);
        check(
            Scope {
                version_range: Some("vers:maven/<2.15.0".to_owned()),
                ..purl("pkg:maven/org.apache.logging.log4j/log4j-core")
            },
            true,
        );
        let link = |bom_ref: Option<&str>| Scope {
            bom_link: Some(BomLink {
                serial: "3e671687-395b-41f5-a30f-a58921a69b79".to_owned(),
                version: Some(1),
                bom_ref: bom_ref.map(str::to_owned),
            }),
            ..Scope::default()
        };
        check(link(Some("log4j")), true);
        check(link(Some("root")), true);
        check(link(None), true);
        check(link(Some("other")), false);
    }

    fn candidate(id: i64, status: Status, authority: Authority, at: &str) -> Candidate {
        Candidate {
            id,
            vulnerability_ids: vec!["CVE-2021-44228".to_owned()],
            status,
            justification: None,
            detail: None,
            stated_at: Some(at.to_owned()),
            authority,
            author: None,
            source: format!("doc {id}"),
            scopes: vec![Scope {
                product: Some("Infusion Pump".to_owned()),
                ..Scope::default()
            }],
        }
    }

    #[test]
    fn manufacturer_beats_newer_third_party_and_order_does_not_matter() {
        let candidates = vec![
            candidate(
                1,
                Status::NotAffected,
                Authority::Manufacturer,
                "2022-01-01T00:00:00Z",
            ),
            candidate(
                2,
                Status::Affected,
                Authority::ThirdParty,
                "2023-01-01T00:00:00Z",
            ),
            candidate(
                3,
                Status::Fixed,
                Authority::Manufacturer,
                "2022-06-01T00:00:00Z",
            ),
        ];
        let mut reversed = candidates.clone();
        reversed.reverse();
        for list in [candidates, reversed] {
            let resolution = resolve(&list, &finding()).expect("a statement applies");
            assert_eq!(resolution.winner.id, 3);
            assert_eq!(resolution.history.len(), 3);
        }
        // A third party whose author is the manufacturer counts as the manufacturer.
        let mut by_maker = candidate(
            4,
            Status::Affected,
            Authority::ThirdParty,
            "2024-01-01T00:00:00Z",
        );
        by_maker.author = Some("ACME Medical".to_owned());
        let list = vec![
            candidate(
                3,
                Status::Fixed,
                Authority::Manufacturer,
                "2022-06-01T00:00:00Z",
            ),
            by_maker,
        ];
        assert_eq!(resolve(&list, &finding()).map(|r| r.winner.id), Some(4));
        // Another vulnerability does not apply.
        let mut other = candidate(
            5,
            Status::Fixed,
            Authority::Manufacturer,
            "2022-06-01T00:00:00Z",
        );
        other.vulnerability_ids = vec!["CVE-2020-0001".to_owned()];
        assert_eq!(resolve(&[other], &finding()), None);
    }
}
