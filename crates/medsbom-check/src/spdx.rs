//! The SPDX validity condition of `ntia-conformance-checker`: a document conforms only when
//! spdx-tools' `validate_full_spdx_document` reports nothing.
//!
//! Reproducing spdx-tools exactly is impossible from the normalized model (it has no
//! `filesAnalyzed`, verification codes, extracted licences or external document references),
//! so this implements the rules the model can see and the corpus exercises:
//! - the spec version is `SPDX-2.2` or `SPDX-2.3` (any other version cancels validation);
//! - `dataLicense` is `CC0-1.0`;
//! - `documentNamespace` is an absolute URI without a fragment (`#`);
//! - SPDXIDs have the form `SPDXRef-[A-Za-z0-9.-]+`;
//! - every relationship end is an element of the document, the document itself,
//!   `NONE`/`NOASSERTION` or a `DocumentRef-…:` reference;
//! - unless the document holds one package and nothing else, it `DESCRIBES` some element;
//! - a purl locator has the form `pkg:type/name` (spdx-tools' regular expression);
//! - a file's checksums include a SHA1.
//!
//! Not checked (the model does not carry them): licence references that are not declared,
//! `licenseInfoInFiles` in SPDX 2.2, verification codes versus `filesAnalyzed`, external
//! document references, download locations.

use std::collections::HashSet;

use medsbom_model::{ComponentType, DOCUMENT_REF, RelationshipKind};

use crate::scope::{Flavor, Scope, component_ref};

/// One broken rule, with the component it concerns.
pub(crate) struct Problem {
    pub(crate) component: Option<String>,
    pub(crate) message: String,
}

/// The broken rules, in a stable order; empty for a valid document.
pub(crate) fn validate(scope: &Scope<'_>) -> Vec<Problem> {
    let mut res = Vec::new();
    match scope.flavor {
        Flavor::Spdx2 => validate_spdx2(scope, &mut res),
        Flavor::Spdx3 => validate_spdx3(scope, &mut res),
        Flavor::Other => {}
    }
    res
}

fn document_problem(res: &mut Vec<Problem>, message: String) {
    res.push(Problem {
        component: None,
        message,
    });
}

fn validate_spdx3(scope: &Scope<'_>, res: &mut Vec<Problem>) {
    let version = scope.sbom.spec_version.trim();
    if !version.starts_with("3.0") {
        document_problem(
            res,
            format!(
                "only SPDX version 3.0 is supported, but the document's version is {version:?}"
            ),
        );
    }
}

fn validate_spdx2(scope: &Scope<'_>, res: &mut Vec<Problem>) {
    let sbom = scope.sbom;
    let version = sbom.spec_version.trim();
    if version != "SPDX-2.2" && version != "SPDX-2.3" {
        // spdx-tools cancels the rest of the validation in this case.
        document_problem(
            res,
            format!(
                "only SPDX versions SPDX-2.2 and SPDX-2.3 are supported, but the document's version is {version:?}"
            ),
        );
        return;
    }
    match sbom.data_license.as_deref().map(str::trim) {
        Some("CC0-1.0") => {}
        Some(other) => document_problem(
            res,
            format!("dataLicense must be CC0-1.0, but is {other:?}"),
        ),
        None => document_problem(res, "dataLicense is missing".to_owned()),
    }
    match sbom.serial_number.as_deref().map(str::trim) {
        Some(namespace) if is_uri_without_fragment(namespace) => {}
        Some(namespace) => document_problem(
            res,
            format!(
                "documentNamespace must be an absolute URI without a fragment (#), but is {namespace:?}"
            ),
        ),
        None => document_problem(res, "documentNamespace is missing".to_owned()),
    }

    let mut n_packages = 0_usize;
    for component in &sbom.components {
        if component.kind != ComponentType::File {
            n_packages += 1;
        }
        let bom_ref = component.bom_ref.trim();
        if !is_spdx_id(bom_ref) {
            res.push(Problem {
                component: Some(component_ref(component)),
                message: format!(
                    "SPDXID must have the form SPDXRef-[A-Za-z0-9.-]+, but is {bom_ref:?}"
                ),
            });
        }
        if let Some(purl) = component.purl.as_deref()
            && !looks_like_purl(purl.trim())
        {
            res.push(Problem {
                component: Some(component_ref(component)),
                message: format!("purl locator must have the form pkg:type/name, but is {purl:?}"),
            });
        }
        // Snippets carry no checksums; a file that has checksums must include a SHA1.
        if component.kind == ComponentType::File
            && !component.hashes.is_empty()
            && !component.hashes.iter().any(|h| h.algorithm == "SHA-1")
        {
            res.push(Problem {
                component: Some(component_ref(component)),
                message: "file checksums must include a SHA1 checksum".to_owned(),
            });
        }
    }

    let known: HashSet<&str> = sbom.components.iter().map(|c| c.bom_ref.trim()).collect();
    let mut reported: HashSet<&str> = HashSet::new();
    for relationship in &sbom.relationships {
        for end in [relationship.from.trim(), relationship.to.trim()] {
            if !known.contains(end) && !is_outside_reference(end) && reported.insert(end) {
                document_problem(
                    res,
                    format!(
                        "relationship refers to {end:?}, which is not an element of the document"
                    ),
                );
            }
        }
    }

    let describes_something = sbom
        .relationships
        .iter()
        .any(|r| r.kind == RelationshipKind::Describes && r.from.trim() == DOCUMENT_REF);
    let only_a_single_package = n_packages == 1 && sbom.components.len() == 1;
    if !only_a_single_package && !describes_something {
        document_problem(
            res,
            "there must be at least one SPDXRef-DOCUMENT DESCRIBES relationship unless the document holds a single package and nothing else"
                .to_owned(),
        );
    }
}

/// `SPDXRef-` followed by at least one letter, digit, `.` or `-`.
fn is_spdx_id(text: &str) -> bool {
    text.strip_prefix("SPDXRef-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    })
}

/// spdx-tools' purl regular expression `^pkg:.+(\/.+)?\/.+(@.+)?(\?.+)?(#.+)?$` comes down
/// to: `pkg:`, at least one character, a `/`, and at least one character after it.
fn looks_like_purl(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("pkg:") else {
        return false;
    };
    rest.char_indices()
        .skip(1)
        .any(|(idx, c)| c == '/' && rest.get(idx + 1..).is_some_and(|after| !after.is_empty()))
}

/// An RFC 3986 absolute URI (a scheme, `:`, something) without a fragment.
fn is_uri_without_fragment(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_ok && !rest.is_empty() && !text.contains('#') && !text.chars().any(char::is_whitespace)
}

/// The document, `NONE`, `NOASSERTION` and `DocumentRef-…:` references are legitimate
/// relationship ends that are not elements.
fn is_outside_reference(end: &str) -> bool {
    end == DOCUMENT_REF
        || end.eq_ignore_ascii_case("NONE")
        || end.eq_ignore_ascii_case("NOASSERTION")
        || (end.starts_with("DocumentRef-") && end.contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spdx_ids() {
        assert!(is_spdx_id("SPDXRef-Package"));
        assert!(is_spdx_id("SPDXRef-a.b-1"));
        assert!(!is_spdx_id("SPDXRef-"));
        assert!(!is_spdx_id("SPDXRef-a_b"));
        assert!(!is_spdx_id("Package"));
    }

    #[test]
    fn purl_locators() {
        assert!(looks_like_purl("pkg:npm/lodash@4.17.21"));
        assert!(looks_like_purl("pkg:maven/org.apache/commons@1"));
        assert!(!looks_like_purl("a-purl-1"));
        assert!(!looks_like_purl("pkg:npm"));
        assert!(!looks_like_purl("pkg:/x"));
        assert!(!looks_like_purl("pkg:npm/"));
    }

    #[test]
    fn namespaces() {
        assert!(is_uri_without_fragment("https://spdx.org/spdxdocs/x-1"));
        assert!(is_uri_without_fragment("urn:uuid:0b9f"));
        assert!(!is_uri_without_fragment(
            "https://spdx.org/spdxdocs/vcpkg#1-d52b"
        ));
        assert!(!is_uri_without_fragment("not a uri"));
        assert!(!is_uri_without_fragment("1http://x"));
    }
}
