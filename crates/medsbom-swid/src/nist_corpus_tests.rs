//! Tests on NIST's `swid-tools` test resources (read in place from the shared corpus).
//!
//! The `templates/` and `unit-tests/` files are not SWID tags but Decima templates: a base
//! tag plus edits (`delete`, `insert-child`, `add-attribute`, `modify-attribute` at an XPath).
//! This module applies the small XPath subset they use to build each tag, writes it back to
//! XML, and runs the public [`crate::read_xml`] and [`crate::check_nistir_8060`] on it. Each
//! unit test's `<assertions>` say which rules must fail (error), warn, or pass.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use medsbom_model::Severity;

use crate::dom::{Attribute, Element, XML_NAMESPACE};
use crate::{Authority, SWID_NAMESPACE, check_nistir_8060, read_xml};

const DECIMA_TEMPLATE_NS: &str = "http://csrc.nist.gov/ns/decima/template/1.0";
const DECIMA_TEST_NS: &str = "http://decima.nist.gov/xml/unit-test";

/// NISTIR 8060 rules this crate does not check (see the `nistir` module docs); the unit tests
/// below never expect them to fail.
const SKIPPED_RULES: &[(&str, &str)] = &[
    ("PAT-*", "patch-tag rules need the patched tag"),
    (
        "GEN-22-2, GEN-23-2, GEN-24-2",
        "NIST's own templates use an empty n8060:envVarSuffix and pass",
    ),
    (
        "GEN-1 (full XSD)",
        "only the XSD's structural rules are checked",
    ),
];

/// Unit tests whose tag breaks one more rule than the test asserts, with the extra rule:
/// the `Link` inserted by GEN-11-1 has no `rel`, which the XSD requires (`use="required"`).
const EXTRA_FINDINGS: &[(&str, &str, Severity)] = &[(
    "GEN-11-1-link-invalid-swid-scheme.xml",
    "GEN-1",
    Severity::Error,
)];

fn swid_dir() -> Option<PathBuf> {
    medsbom_testkit::corpus_path("sbom/swid/nist-swid-tools")
}

fn parse_file(path: &Path) -> Element {
    let bytes = std::fs::read(path).unwrap_or_default();
    let roots = crate::dom::parse(&bytes)
        .unwrap_or_else(|err| panic!("{}: not well-formed: {err}", path.display()));
    roots
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{}: no root", path.display()))
}

/// The `<template>` element of a template file or of a unit test.
fn template_of(root: &Element) -> Option<&Element> {
    if root.local_name == "template" {
        return Some(root);
    }
    root.children.iter().find(|c| c.local_name == "template")
}

/// Builds the SWID tag a file stands for: the file itself when it is a tag, else its
/// template applied to its (recursively built) base.
fn resolve(dir: &Path, path: &Path) -> Element {
    let root = parse_file(path);
    let Some(template) = template_of(&root) else {
        return root;
    };
    let base = template
        .attr("template")
        .and_then(|t| t.strip_prefix("classpath:"))
        .unwrap_or_else(|| panic!("{}: template without base", path.display()));
    let mut tag = resolve(dir, &dir.join(base));
    for op in &template.children {
        apply(&mut tag, op, path);
    }
    tag
}

/// One selected node: the child-index path from the root, and an attribute when the XPath
/// ends in `@name`.
type Selected = (Vec<usize>, Option<(Option<String>, String)>);

fn apply(tag: &mut Element, op: &Element, path: &Path) {
    assert_eq!(op.namespace.as_deref(), Some(DECIMA_TEMPLATE_NS));
    let xpath = op.attr("xpath").unwrap_or("");
    let mut selected = select(tag, xpath);
    assert!(
        !selected.is_empty() || op.local_name == "delete",
        "{}: {xpath} selects nothing",
        path.display()
    );
    // Edit the last nodes first so that earlier index paths stay valid.
    selected.sort();
    selected.reverse();
    for (indices, attribute) in selected {
        match (op.local_name.as_str(), attribute) {
            ("delete", None) => {
                let (last, parent) = indices.split_last().expect("not the root");
                node_mut(tag, parent).children.remove(*last);
            }
            ("delete", Some((namespace, local_name))) => node_mut(tag, &indices)
                .attributes
                .retain(|a| !(a.namespace == namespace && a.local_name == local_name)),
            ("modify-attribute", Some((namespace, local_name))) => {
                let value = op.attr("value").unwrap_or("").to_owned();
                let element = node_mut(tag, &indices);
                match element
                    .attributes
                    .iter_mut()
                    .find(|a| a.namespace == namespace && a.local_name == local_name)
                {
                    Some(attribute) => attribute.value = value,
                    None => element.attributes.push(Attribute {
                        namespace,
                        prefix: None,
                        local_name,
                        value,
                    }),
                }
            }
            ("add-attribute", None) => {
                let namespace = op.attr("ns").map(str::to_owned);
                let prefix =
                    (namespace.as_deref() == Some(XML_NAMESPACE)).then(|| "xml".to_owned());
                node_mut(tag, &indices).attributes.push(Attribute {
                    namespace,
                    prefix,
                    local_name: op.attr("name").unwrap_or("").to_owned(),
                    value: op.attr("value").unwrap_or("").to_owned(),
                });
            }
            ("insert-child", None) => {
                let element = node_mut(tag, &indices);
                element.children.extend(op.children.iter().cloned());
            }
            (other, attribute) => panic!(
                "{}: unsupported template operation {other} on {attribute:?}",
                path.display()
            ),
        }
    }
}

fn node_mut<'a>(root: &'a mut Element, indices: &[usize]) -> &'a mut Element {
    let mut current = root;
    for idx in indices {
        current = &mut current.children[*idx];
    }
    current
}

/// Evaluates the XPath subset of the NIST templates: `/swid:A/swid:B`, `//swid:A`,
/// `[@attr='value']` predicates, and a final `@name` or `@xml:lang` step.
fn select(root: &Element, xpath: &str) -> Vec<Selected> {
    let (descendant, rest) = match xpath.strip_prefix("//") {
        Some(rest) => (true, rest),
        None => (false, xpath.strip_prefix('/').unwrap_or(xpath)),
    };
    let mut steps: Vec<&str> = rest.split('/').collect();
    let attribute = match steps.last() {
        Some(last) if last.starts_with('@') => {
            let name = &last[1..];
            steps.pop();
            Some(match name.split_once(':') {
                Some(("xml", local)) => (Some(XML_NAMESPACE.to_owned()), local.to_owned()),
                Some((prefix, _)) => panic!("unsupported attribute prefix {prefix}"),
                None => (None, name.to_owned()),
            })
        }
        _ => None,
    };
    // Every element with its index path, depth first.
    let mut all: Vec<(Vec<usize>, &Element)> = vec![(Vec::new(), root)];
    let mut idx = 0;
    while let Some((indices, element)) = all.get(idx).cloned() {
        for (child_idx, child) in element.children.iter().enumerate() {
            let mut child_indices = indices.clone();
            child_indices.push(child_idx);
            all.push((child_indices, child));
        }
        idx += 1;
    }
    let mut current: Vec<(Vec<usize>, &Element)> = Vec::new();
    for (step_idx, step) in steps.iter().enumerate() {
        let candidates: Vec<(Vec<usize>, &Element)> = if step_idx == 0 {
            if descendant {
                all.clone()
            } else {
                vec![(Vec::new(), root)]
            }
        } else {
            current
                .iter()
                .flat_map(|(indices, element)| {
                    element.children.iter().enumerate().map(move |(i, child)| {
                        let mut child_indices = indices.clone();
                        child_indices.push(i);
                        (child_indices, child)
                    })
                })
                .collect()
        };
        current = candidates
            .into_iter()
            .filter(|(_, element)| step_matches(element, step))
            .collect();
    }
    current
        .into_iter()
        .filter(|(_, element)| {
            attribute.as_ref().is_none_or(|(namespace, local_name)| {
                element
                    .attributes
                    .iter()
                    .any(|a| &a.namespace == namespace && &a.local_name == local_name)
            })
        })
        .map(|(indices, _)| (indices, attribute.clone()))
        .collect()
}

fn step_matches(element: &Element, step: &str) -> bool {
    let (name, predicate) = match step.split_once('[') {
        Some((name, predicate)) => (name, Some(predicate.trim_end_matches(']'))),
        None => (step, None),
    };
    let local_name = name.strip_prefix("swid:").expect("swid: steps only");
    if element.local_name != local_name || element.namespace.as_deref() != Some(SWID_NAMESPACE) {
        return false;
    }
    let Some(predicate) = predicate else {
        return true;
    };
    let (attribute, value) = predicate
        .strip_prefix('@')
        .and_then(|p| p.split_once('='))
        .expect("[@attr='value'] predicates only");
    element.attr(attribute) == Some(value.trim_matches('\''))
}

/// Writes an element tree as XML, declaring the namespaces it needs.
fn write_xml(element: &Element, parent_namespace: Option<&str>, out: &mut String) {
    out.push('<');
    out.push_str(&element.local_name);
    if element.namespace.as_deref() != parent_namespace {
        out.push_str(&format!(
            " xmlns=\"{}\"",
            escape(element.namespace.as_deref().unwrap_or(""))
        ));
    }
    for (idx, attribute) in element.attributes.iter().enumerate() {
        match attribute.namespace.as_deref() {
            None => out.push_str(&format!(" {}=", attribute.local_name)),
            Some(XML_NAMESPACE) => out.push_str(&format!(" xml:{}=", attribute.local_name)),
            Some(namespace) => out.push_str(&format!(
                " xmlns:a{idx}=\"{}\" a{idx}:{}=",
                escape(namespace),
                attribute.local_name
            )),
        }
        out.push_str(&format!("\"{}\"", escape(&attribute.value)));
    }
    out.push('>');
    out.push_str(&escape(&element.text));
    for child in &element.children {
        write_xml(child, element.namespace.as_deref(), out);
    }
    out.push_str(&format!("</{}>", element.local_name));
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn tag_bytes(dir: &Path, path: &Path) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    write_xml(&resolve(dir, path), None, &mut out);
    out.into_bytes()
}

/// Rule → worst severity of the findings.
fn findings_by_rule(bytes: &[u8], authority: Authority) -> BTreeMap<String, Severity> {
    let mut res: BTreeMap<String, Severity> = BTreeMap::new();
    for finding in check_nistir_8060(bytes, authority) {
        let entry = res
            .entry(finding.rule.to_owned())
            .or_insert(finding.severity);
        *entry = (*entry).max(finding.severity);
    }
    res
}

#[test]
fn every_file_reads_as_a_tag_or_is_a_template() {
    let Some(dir) = swid_dir() else { return };
    let files = medsbom_testkit::files_below(&dir, &|p| {
        p.extension().is_some_and(|e| e == "xml" || e == "swidtag")
    });
    assert_eq!(
        files.len(),
        29,
        "nist-swid-tools files (without LICENSE.md)"
    );
    let mut n_tags = 0;
    let mut n_templates = 0;
    for path in &files {
        let raw = std::fs::read(path).unwrap_or_default();
        let root = parse_file(path);
        let bytes = if template_of(&root).is_some() {
            n_templates += 1;
            let err = read_xml(&raw).expect_err("a template is not a swid tag");
            assert!(
                err.message.contains("not a swid tag"),
                "{}: {err}",
                path.display()
            );
            tag_bytes(&dir, path)
        } else {
            n_tags += 1;
            raw
        };
        let parsed = read_xml(&bytes).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let errors: Vec<_> = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.as_str())
            .collect();
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if EXTRA_FINDINGS.iter().any(|(file, _, _)| *file == file_name) {
            assert_eq!(errors, vec!["<Link> has no required attribute rel"]);
        } else {
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
        assert_eq!(parsed.sbom.components.len(), 1, "{}", path.display());
        assert_eq!(parsed.sbom.roots.len(), 1, "{}", path.display());
        assert!(parsed.sbom.serial_number.is_some(), "{}", path.display());
    }
    assert_eq!((n_tags, n_templates), (3, 26));
}

#[test]
fn nistir_8060_unit_tests_trigger_their_rule() {
    let Some(dir) = swid_dir() else { return };
    let unit_tests = medsbom_testkit::files_below(&dir.join("unit-tests"), &|p| {
        p.extension().is_some_and(|e| e == "xml")
    });
    assert_eq!(unit_tests.len(), 24);
    let mut n_checked = 0;
    for path in &unit_tests {
        let root = parse_file(path);
        assert_eq!(root.namespace.as_deref(), Some(DECIMA_TEST_NS));
        let assessments = root
            .children
            .iter()
            .find(|c| c.local_name == "assessments")
            .expect("assessments");
        let schematron = assessments
            .children
            .iter()
            .find(|c| c.local_name == "schematron-assessment");
        let bytes = tag_bytes(&dir, path);
        let Some(schematron) = schematron else {
            // Schema-only baseline: only the structural rules apply.
            let findings = check_nistir_8060(&bytes, Authority::Detect);
            assert!(
                !findings.iter().any(|f| f.rule == "GEN-1"),
                "{}: {findings:?}",
                path.display()
            );
            n_checked += 1;
            continue;
        };
        let authority = match schematron.attr("phase") {
            Some(phase) if phase.ends_with(".non-auth") => Authority::NonAuthoritative,
            Some(phase) if phase.ends_with(".auth") => Authority::Authoritative,
            other => panic!("{}: phase {other:?}", path.display()),
        };
        let assertions = root
            .children
            .iter()
            .find(|c| c.local_name == "assertions")
            .expect("assertions");
        let mut expected: BTreeMap<String, Severity> = BTreeMap::new();
        let mut rest_passes = false;
        for assertion in &assertions.children {
            match assertion.local_name.as_str() {
                "assert-derived-requirement" => {
                    let rule = assertion.attr("requirement-id").unwrap_or("").to_owned();
                    let severity = match assertion.attr("result") {
                        Some("FAIL") => Severity::Error,
                        Some("WARNING") => Severity::Warning,
                        other => panic!("{}: result {other:?}", path.display()),
                    };
                    expected.insert(rule, severity);
                }
                "assert-remaining" | "assert-overall" => {
                    assert_eq!(assertion.attr("result"), Some("PASS"));
                    rest_passes = true;
                }
                other => panic!("{}: assertion {other}", path.display()),
            }
        }
        assert!(rest_passes, "{}", path.display());
        let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        for (file, rule, severity) in EXTRA_FINDINGS {
            if *file == file_name {
                expected.insert((*rule).to_owned(), *severity);
            }
        }
        let actual = findings_by_rule(&bytes, authority);
        assert_eq!(
            actual,
            expected,
            "{}: findings differ from the unit test's assertions (skipped rules: \
             {SKIPPED_RULES:?})",
            path.display()
        );
        n_checked += 1;
    }
    assert_eq!(n_checked, 24);
}

#[test]
fn templates_pass_their_own_phase() {
    let Some(dir) = swid_dir() else { return };
    let check = |file: &str, authority: Authority| {
        let bytes = tag_bytes(&dir, &dir.join("templates").join(file));
        assert_eq!(
            findings_by_rule(&bytes, authority),
            BTreeMap::new(),
            "{file}"
        );
        // Detection agrees with the template's intent.
        assert_eq!(
            findings_by_rule(&bytes, Authority::Detect),
            BTreeMap::new(),
            "{file}"
        );
    };
    check("primary-auth-swid.xml", Authority::Authoritative);
    check("primary-non-auth-swid.xml", Authority::NonAuthoritative);
}

#[test]
fn nist_other_tags_map_to_the_model() {
    let Some(dir) = swid_dir() else { return };
    let bytes = std::fs::read(dir.join("other/authoritative.swidtag")).unwrap_or_default();
    let parsed = read_xml(&bytes).expect("authoritative.swidtag");
    let sbom = &parsed.sbom;
    assert_eq!(sbom.spec_version, "2015");
    assert_eq!(
        sbom.serial_number.as_deref(),
        Some("gov.nist.decima-swidval-0.5.0.1")
    );
    assert_eq!(sbom.version, Some(1));
    assert_eq!(sbom.timestamp, None);
    assert_eq!(
        sbom.roots,
        vec!["gov.nist.decima-swidval-0.5.0.1".to_owned()]
    );
    let nist = "National Institute of Standards and Technology";
    assert_eq!(
        sbom.authors
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        vec![nist]
    );
    let component = &sbom.components[0];
    assert_eq!(component.name, "swidval");
    assert_eq!(component.version.as_deref(), Some("0.5.0.1"));
    assert_eq!(
        component.supplier.as_ref().map(|s| s.name.as_str()),
        Some(nist)
    );
    let swid = component.extra.swid.as_ref().expect("swid ref");
    assert_eq!(swid.tag_version, Some(1));
    assert_eq!(swid.patch, Some(false));
    assert_eq!(
        component
            .hashes
            .iter()
            .map(|h| h.algorithm.as_str())
            .collect::<Vec<_>>(),
        vec!["SHA-256", "SHA-512"]
    );
    assert!(
        component
            .properties
            .iter()
            .any(|p| p.name == "swid:versionScheme" && p.value == "multipartnumeric")
    );
    // The non-authoritative variant: no softwareCreator, so no supplier.
    let bytes = std::fs::read(dir.join("other/non-authoritative.swidtag")).unwrap_or_default();
    let parsed = read_xml(&bytes).expect("non-authoritative.swidtag");
    assert_eq!(parsed.sbom.components[0].supplier, None);
    assert_eq!(parsed.sbom.authors.len(), 1);
}
