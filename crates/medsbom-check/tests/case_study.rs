//! The real medical-device SBOMs of the corpus (spacelab-ccny case study, CycloneDX 1.4)
//! checked under `fda-premarket`: the report must name exactly the components whose support
//! data is missing, as an independent reading of the raw JSON says.
//!
//! These SBOMs carry the FDA data as the properties `Level of Support` and `End-of-Support`,
//! with values such as "Actively maintained", "Unknown", "Until hardware support ends" and
//! "Open source": no end-of-support value is a date.

use std::collections::BTreeSet;
use std::path::Path;

use medsbom_check::{Profile, Report, check, support_summary};
use medsbom_model::{IsoDate, Sbom};
use serde_json::Value;

const FILES: &[&str] = &[
    "sbom/medical-device/case-study/narrow.sbom.json",
    "sbom/medical-device/case-study/extended.sbom.json",
];

fn as_of() -> Option<IsoDate> {
    IsoDate::parse("2025-11-01")
}

fn read(path: &Path) -> (Sbom, Value) {
    let bytes = std::fs::read(path).unwrap_or_default();
    let raw: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    match medsbom_formats::read(&bytes) {
        Ok((_, parsed)) => (parsed.sbom, raw),
        Err(err) => panic!("{}: {err}", path.display()),
    }
}

/// Every component of the raw document (nested ones and `metadata.component` included), as
/// (bom-ref, property name → value).
fn raw_components(raw: &Value) -> Vec<(String, Vec<(String, String)>)> {
    fn walk(components: &Value, res: &mut Vec<(String, Vec<(String, String)>)>) {
        for component in components.as_array().into_iter().flatten() {
            let bom_ref = component["bom-ref"].as_str().unwrap_or("").to_owned();
            let properties = component["properties"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| {
                    (
                        p["name"].as_str().unwrap_or("").to_owned(),
                        p["value"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect();
            res.push((bom_ref, properties));
            walk(&component["components"], res);
        }
    }
    let mut res = Vec::new();
    walk(
        &Value::Array(vec![raw["metadata"]["component"].clone()]),
        &mut res,
    );
    walk(&raw["components"], &mut res);
    res
}

fn property<'a>(properties: &'a [(String, String)], name: &str) -> Option<&'a str> {
    properties
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn failing(report: &Report, id: &str) -> BTreeSet<String> {
    report
        .element(id)
        .map(|e| e.failing.iter().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn fda_premarket_names_the_components_without_support_data() {
    for file in FILES {
        let Some(path) = medsbom_testkit::corpus_path(file) else {
            return;
        };
        let (sbom, raw) = read(&path);
        let report = check(&sbom, Profile::FdaPremarket, as_of());
        assert!(!report.conformant, "{file}");

        let components = raw_components(&raw);
        assert_eq!(report.n_components, components.len(), "{file}");
        let no_level: BTreeSet<String> = components
            .iter()
            .filter(|(_, p)| {
                property(p, "Level of Support")
                    .is_none_or(|v| v.trim().eq_ignore_ascii_case("unknown"))
            })
            .map(|(r, _)| r.clone())
            .collect();
        let no_date: BTreeSet<String> = components
            .iter()
            .filter(|(_, p)| {
                property(p, "End-of-Support")
                    .and_then(IsoDate::parse)
                    .is_none()
            })
            .map(|(r, _)| r.clone())
            .collect();
        assert_eq!(failing(&report, "support_level"), no_level, "{file}");
        assert_eq!(failing(&report, "end_of_support"), no_date, "{file}");
        // No end-of-support value in these SBOMs is a date.
        assert_eq!(no_date.len(), components.len(), "{file}");

        let named: BTreeSet<String> = report
            .findings
            .iter()
            .filter(|f| f.id == "missing_support_data")
            .filter_map(|f| f.component.clone())
            .collect();
        let expected: BTreeSet<String> = no_level.union(&no_date).cloned().collect();
        assert_eq!(named, expected, "{file}");

        // The messages quote what the supplier wrote, so a reviewer sees why.
        let qm = components
            .iter()
            .find(|(_, p)| property(p, "Level of Support") == Some("Unknown"))
            .map(|(r, _)| r.clone())
            .unwrap_or_default();
        let message = report
            .findings
            .iter()
            .find(|f| f.id == "missing_support_data" && f.component.as_deref() == Some(qm.as_str()))
            .map(|f| f.message.clone())
            .unwrap_or_default();
        assert!(
            message.contains(
                "QMScoringAPI@2.0.3562.1 has no level of support (the SBOM says \"Unknown\")"
            ),
            "{message}"
        );

        eprintln!(
            "{file}: {} components; support_level fails for {}, end_of_support for {}",
            components.len(),
            no_level.len(),
            no_date.len()
        );
    }
}

#[test]
fn case_study_findings_and_support_picture() {
    for file in FILES {
        let Some(path) = medsbom_testkit::corpus_path(file) else {
            return;
        };
        let (sbom, raw) = read(&path);
        let report = check(&sbom, Profile::FdaPremarket, as_of());
        let components = raw_components(&raw);

        // "Deprecated" normalizes to no longer maintained: a finding names each one.
        let deprecated: BTreeSet<String> = components
            .iter()
            .filter(|(_, p)| property(p, "Level of Support") == Some("Deprecated"))
            .map(|(r, _)| r.clone())
            .collect();
        let unmaintained: BTreeSet<String> = report
            .findings
            .iter()
            .filter(|f| f.id == "unmaintained_component")
            .filter_map(|f| f.component.clone())
            .collect();
        assert!(!deprecated.is_empty(), "{file}");
        assert!(
            deprecated.is_subset(&unmaintained),
            "{file}: {deprecated:?} ⊄ {unmaintained:?}"
        );

        // No dependency edges leave the root: every other component is unreachable.
        assert_eq!(
            report.element("dependency_relationship").map(|e| e.passed),
            Some(false),
            "{file}"
        );
        let n_unreachable = report
            .findings
            .iter()
            .filter(|f| f.id == "unreachable_component")
            .count();
        assert_eq!(n_unreachable, components.len() - 1, "{file}");

        // Every component has a purl and a CPE, except the (redacted) device itself.
        let root = raw["metadata"]["component"]["bom-ref"]
            .as_str()
            .unwrap_or("");
        let no_identifier: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.id == "no_vulnerability_identifier")
            .filter_map(|f| f.component.as_deref())
            .collect();
        assert_eq!(no_identifier, [root], "{file}");

        let summary = support_summary(&sbom, as_of());
        assert_eq!(summary.n_components, components.len());
        assert_eq!(
            summary.n_eos_past + summary.n_eos_within_two_years + summary.n_eos_later,
            0
        );
        assert_eq!(summary.n_eos_text + summary.n_eos_missing, components.len());
    }
}
