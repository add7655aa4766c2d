//! Data-driven tests on hand-built documents: every test builds an [`Sbom`], changes one
//! thing and compares a one-line-per-element summary of the report with the expected text.

use medsbom_model::{
    Component, ComponentType, Composition, Hash, Identifier, IsoDate, License, Milestone, Party,
    Relationship, RelationshipKind, Sbom, SbomFormat, SupportLevel, Tool,
};

use crate::{Profile, Report, check};

fn date(text: &str) -> IsoDate {
    IsoDate::parse(text).unwrap_or_else(|| IsoDate::from_days_since_epoch(0))
}

fn edge(from: &str, kind: RelationshipKind, to: &str, original: Option<&str>) -> Relationship {
    Relationship {
        from: from.to_owned(),
        to: to.to_owned(),
        kind,
        original: original.map(str::to_owned),
    }
}

fn component(bom_ref: &str, name: &str, version: &str) -> Component {
    let mut res = Component::new(bom_ref, name);
    res.version = Some(version.to_owned());
    res.supplier = Some(Party::organization("Acme"));
    res.purl = Some(format!("pkg:generic/{name}@{version}"));
    res.hashes.push(Hash {
        algorithm: "SHA-256".to_owned(),
        value: "ab12".to_owned(),
    });
    res.licenses.push(License::Id("MIT".to_owned()));
    res.extra.copyright = Some("Copyright Acme".to_owned());
    res.support.set_level_text("Actively maintained");
    res.support.end_of_support = Some(Milestone::new("endOfSupport", "2030-12-31"));
    res
}

/// A CycloneDX document that passes every profile: a device with two libraries.
fn cdx() -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.timestamp = Some("2025-01-02T03:04:05Z".to_owned());
    sbom.authors.push(Party::person("Jane Doe"));
    sbom.tools.push(Tool {
        name: "builder".to_owned(),
        ..Tool::default()
    });
    sbom.lifecycles.push("build".to_owned());
    sbom.compositions.push(Composition {
        aggregate: "complete".to_owned(),
        ..Composition::default()
    });
    let mut device = component("pump", "pump-fw", "4.2");
    device.kind = ComponentType::Firmware;
    sbom.roots.push("pump".to_owned());
    sbom.components = vec![
        device,
        component("zlib", "zlib", "1.3.1"),
        component("ssl", "openssl", "3.0.13"),
    ];
    sbom.relationships = vec![
        edge("pump", RelationshipKind::DependsOn, "zlib", None),
        edge("pump", RelationshipKind::DependsOn, "ssl", None),
    ];
    sbom
}

/// An SPDX 2.3 document that passes `ntia-2021`: the document describes a package that
/// contains a library and a file.
fn spdx() -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::Spdx, "SPDX-2.3");
    sbom.timestamp = Some("2025-01-02T03:04:05Z".to_owned());
    sbom.tools.push(Tool {
        name: "builder".to_owned(),
        ..Tool::default()
    });
    sbom.data_license = Some("CC0-1.0".to_owned());
    sbom.serial_number = Some("https://example.com/spdx/pump-1".to_owned());
    let mut file = Component::new("SPDXRef-File", "./src/main.c");
    file.kind = ComponentType::File;
    file.hashes.push(Hash {
        algorithm: "SHA-1".to_owned(),
        value: "cd34".to_owned(),
    });
    sbom.components = vec![
        component("SPDXRef-Pump", "pump-fw", "4.2"),
        component("SPDXRef-Zlib", "zlib", "1.3.1"),
        file,
    ];
    for package in &mut sbom.components {
        package.extra.license_concluded = Some("MIT".to_owned());
        package.extra.copyright = Some("Copyright Acme".to_owned());
    }
    sbom.roots.push("SPDXRef-Pump".to_owned());
    sbom.relationships = vec![
        edge(
            "SPDXRef-DOCUMENT",
            RelationshipKind::Describes,
            "SPDXRef-Pump",
            Some("DESCRIBES"),
        ),
        edge(
            "SPDXRef-Pump",
            RelationshipKind::Contains,
            "SPDXRef-Zlib",
            Some("CONTAINS"),
        ),
        edge(
            "SPDXRef-Pump",
            RelationshipKind::Contains,
            "SPDXRef-File",
            Some("CONTAINS"),
        ),
    ];
    sbom
}

/// The verdict, each element (`ok`, or `FAIL` with the failing components and the reason),
/// then each finding as `id severity component`.
fn summary(report: &Report) -> String {
    let mut res = String::new();
    res.push_str(if report.conformant {
        "conformant\n"
    } else {
        "not conformant\n"
    });
    for element in &report.elements {
        if element.passed {
            res.push_str(&format!("{} ok\n", element.id));
            continue;
        }
        res.push_str(&format!("{} FAIL", element.id));
        if !element.failing.is_empty() {
            res.push_str(&format!(" [{}]", element.failing.join(", ")));
        }
        if let Some(detail) = &element.detail {
            res.push_str(&format!(": {detail}"));
        }
        res.push('\n');
    }
    for finding in &report.findings {
        res.push_str(&format!(
            "{} {} {}\n",
            finding.severity.as_str(),
            finding.id,
            finding.component.as_deref().unwrap_or("-")
        ));
    }
    res
}

#[track_caller]
fn check_report(sbom: &Sbom, profile: Profile, expect: &str) {
    let report = check(sbom, profile, Some(date("2025-06-01")));
    let actual = summary(&report);
    assert_eq!(actual.trim(), expect.trim(), "\nactual:\n{actual}");
    assert_eq!(
        report.conformant,
        report.elements.iter().all(|e| e.passed),
        "conformant is the conjunction of the elements"
    );
    for element in &report.elements {
        assert_eq!(element.failing_count, element.failing.len());
    }
}

#[test]
fn cyclonedx_conformant_under_ntia() {
    check_report(
        &cdx(),
        Profile::Ntia2021,
        "
conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship ok
author ok
timestamp ok
info dependency_graph_coverage -
",
    );
}

#[test]
fn cyclonedx_conformant_under_every_profile() {
    for profile in Profile::all() {
        let report = check(&cdx(), *profile, Some(date("2025-06-01")));
        assert!(report.conformant, "{profile}:\n{}", summary(&report));
        assert!(
            report.element("document_valid").is_none(),
            "SPDX-only element on CycloneDX"
        );
    }
}

#[test]
fn missing_supplier_lists_the_components() {
    let mut sbom = cdx();
    sbom.components[1].supplier = None;
    sbom.components[2].supplier = Some(Party::organization("NOASSERTION"));
    check_report(
        &sbom,
        Profile::Ntia2021,
        "
not conformant
supplier FAIL [zlib, ssl]: 2 components lack supplier name
component_name ok
component_version ok
unique_identifier ok
dependency_relationship ok
author ok
timestamp ok
info dependency_graph_coverage -
",
    );
}

#[test]
fn manufacturer_counts_as_supplier_on_cyclonedx_only() {
    let mut sbom = cdx();
    sbom.components[1].supplier = None;
    sbom.components[1].extra.manufacturer = Some(Party::organization("zlib project"));
    sbom.components[2].supplier = None;
    sbom.components[2]
        .extra
        .authors
        .push(Party::person("Eric Young"));
    let report = check(&sbom, Profile::Ntia2021, None);
    assert_eq!(
        report.element("supplier").map(|e| e.failing.clone()),
        Some(vec!["ssl".to_owned()])
    );
}

#[test]
fn version_name_and_identifier() {
    let mut sbom = cdx();
    sbom.components[1].version = Some(" ".to_owned());
    sbom.components[2].version = Some("NOASSERTION".to_owned());
    sbom.components[2].name = String::new();
    sbom.components[2].purl = None;
    sbom.components[2].hashes.clear();
    check_report(
        &sbom,
        Profile::Ntia2021,
        "
not conformant
supplier ok
component_name FAIL [ssl]: 1 component lacks component name
component_version FAIL [zlib, ssl]: 2 components lack component version
unique_identifier FAIL [ssl]: 1 component lacks other unique identifiers
dependency_relationship ok
author ok
timestamp ok
info dependency_graph_coverage -
warning no_vulnerability_identifier ssl
",
    );
}

#[test]
fn any_typed_identifier_is_a_unique_identifier_on_cyclonedx() {
    let mut sbom = cdx();
    let zlib = &mut sbom.components[1];
    zlib.purl = None;
    zlib.hashes.clear();
    zlib.extra.other_identifiers.push(Identifier {
        kind: "omniborId".to_owned(),
        value: "gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64".to_owned(),
    });
    let report = check(&sbom, Profile::Ntia2021, None);
    assert_eq!(
        report.element("unique_identifier").map(|e| e.passed),
        Some(true)
    );
    let report = check(&sbom, Profile::Cisa2025Draft, None);
    assert_eq!(
        report.element("software_identifier").map(|e| e.passed),
        Some(true)
    );
    assert_eq!(
        report.element("component_hash").map(|e| e.failing.clone()),
        Some(vec!["zlib".to_owned()])
    );
}

#[test]
fn cyclonedx_dependency_relationship() {
    let mut sbom = cdx();
    sbom.relationships.clear();
    check_report(
        &sbom,
        Profile::Ntia2021,
        "
not conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship FAIL: the root component has no dependency relationships to the 2 other components
author ok
timestamp ok
warning dependency_graph_coverage -
warning unreachable_component zlib
warning unreachable_component ssl
",
    );

    sbom.roots.clear();
    check_report(
        &sbom,
        Profile::Ntia2021,
        "
not conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship FAIL: the document names no root component (metadata.component)
author ok
timestamp ok
warning no_root_component -
",
    );

    // A root that is the only component has nothing to relate to.
    let mut single = cdx();
    single.components.truncate(1);
    single.relationships.clear();
    let report = check(&single, Profile::Ntia2021, None);
    assert!(report.conformant, "{}", summary(&report));

    // Nesting (parent) is a containment edge.
    let mut nested = cdx();
    nested.relationships.clear();
    for component in nested.components.iter_mut().skip(1) {
        component.extra.parent = Some("pump".to_owned());
    }
    let report = check(&nested, Profile::Ntia2021, None);
    assert!(report.conformant, "{}", summary(&report));
}

#[test]
fn graph_coverage_follows_transitive_edges() {
    let mut sbom = cdx();
    sbom.relationships = vec![
        edge("pump", RelationshipKind::DependsOn, "ssl", None),
        edge("ssl", RelationshipKind::DependsOn, "zlib", None),
    ];
    let report = check(&sbom, Profile::Ntia2021, None);
    let unreachable: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "unreachable_component")
        .collect();
    assert!(unreachable.is_empty(), "{}", summary(&report));

    sbom.relationships.pop();
    sbom.components.push(component("orphan", "orphan", "1"));
    let report = check(&sbom, Profile::Ntia2021, None);
    let coverage: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "dependency_graph_coverage")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        coverage,
        ["2 of 4 components (50%) are not reachable from the root component"]
    );
}

#[test]
fn author_and_timestamp() {
    let mut sbom = cdx();
    sbom.authors.clear();
    sbom.timestamp = None;
    check_report(
        &sbom,
        Profile::Ntia2021,
        "
not conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship ok
author FAIL: no SBOM author is named (metadata.authors)
timestamp FAIL: the document has no creation timestamp
info dependency_graph_coverage -
",
    );
}

#[test]
fn spdx_conformant_under_ntia() {
    check_report(
        &spdx(),
        Profile::Ntia2021,
        "
conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship ok
author ok
timestamp ok
document_valid ok
info dependency_graph_coverage -
",
    );
}

#[test]
fn spdx_files_are_ignored_by_component_elements() {
    let mut sbom = spdx();
    // The file has no supplier, version or purl: nothing fails.
    let report = check(&sbom, Profile::Ntia2021, None);
    assert_eq!(report.n_components, 2);
    assert!(report.conformant);
    // A package with the same gaps fails.
    sbom.components[2].kind = ComponentType::Library;
    let report = check(&sbom, Profile::Ntia2021, None);
    let failed: Vec<_> = report
        .failed_elements()
        .map(|e| (e.id, e.failing.clone()))
        .collect();
    assert_eq!(
        failed,
        [
            ("supplier", vec!["SPDXRef-File".to_owned()]),
            ("component_version", vec!["SPDXRef-File".to_owned()])
        ]
    );
}

#[test]
fn spdx_reproduces_the_reference_checker() {
    // NOASSERTION supplier fails; originator is not a supplier.
    let mut sbom = spdx();
    sbom.components[1].supplier = Some(Party {
        name: "NOASSERTION".to_owned(),
        ..Party::default()
    });
    sbom.components[1]
        .extra
        .authors
        .push(Party::organization("zlib project"));
    let report = check(&sbom, Profile::Ntia2021, None);
    assert_eq!(
        report.element("supplier").map(|e| e.failing.clone()),
        Some(vec!["SPDXRef-Zlib".to_owned()])
    );

    // A NOASSERTION versionInfo passes: spdx-tools keeps it as a literal version string.
    let mut sbom = spdx();
    sbom.components[1].version = Some("NOASSERTION".to_owned());
    assert!(check(&sbom, Profile::Ntia2021, None).conformant);
    // ... but not under the profiles that do not reproduce the checker.
    let report = check(&sbom, Profile::FdaPremarket, None);
    assert_eq!(
        report.element("component_version").map(|e| e.passed),
        Some(false)
    );

    // A tool alone is an author there.
    let sbom = spdx();
    assert!(sbom.authors.is_empty());
    assert_eq!(
        check(&sbom, Profile::Ntia2021, None)
            .element("author")
            .map(|e| e.passed),
        Some(true)
    );
    assert_eq!(
        check(&sbom, Profile::Cisa2025Draft, None)
            .element("author")
            .map(|e| e.passed),
        Some(false)
    );
}

#[test]
fn spdx_dependency_relationship_needs_describes_to_a_package() {
    let mut sbom = spdx();
    sbom.relationships.remove(0);
    sbom.roots.clear();
    check_report(
        &sbom,
        Profile::Ntia2021,
        "
not conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship FAIL: no DESCRIBES relationship (or documentDescribes) names a package
author ok
timestamp ok
document_valid FAIL: there must be at least one SPDXRef-DOCUMENT DESCRIBES relationship unless the document holds a single package and nothing else
error spdx_validation -
warning no_root_component -
",
    );

    // DESCRIBES a file does not count.
    let mut sbom = spdx();
    sbom.relationships[0].to = "SPDXRef-File".to_owned();
    sbom.roots = vec!["SPDXRef-File".to_owned()];
    let report = check(&sbom, Profile::Ntia2021, None);
    assert_eq!(
        report.element("dependency_relationship").map(|e| e.passed),
        Some(false)
    );

    // DESCRIBED_BY (read as DESCRIBES from the document) does not count for the checker.
    let mut sbom = spdx();
    sbom.relationships[0].original = Some("DESCRIBED_BY".to_owned());
    let report = check(&sbom, Profile::Ntia2021, None);
    assert_eq!(
        report.element("dependency_relationship").map(|e| e.passed),
        Some(false)
    );
    assert_eq!(
        report.element("document_valid").map(|e| e.passed),
        Some(true)
    );
}

#[test]
fn spdx_generated_identifiers_count_as_missing() {
    let mut sbom = spdx();
    sbom.components[2].bom_ref = "SPDXRef-medsbom-file-0".to_owned();
    sbom.relationships[2].to = "SPDXRef-medsbom-file-0".to_owned();
    check_report(
        &sbom,
        Profile::Ntia2021,
        "
not conformant
supplier ok
component_name ok
component_version ok
unique_identifier FAIL [./src/main.c]: 1 component lacks other unique identifiers
dependency_relationship ok
author ok
timestamp ok
document_valid ok
info dependency_graph_coverage -
",
    );
}

#[test]
fn spdx_validity_rules() {
    let mut sbom = spdx();
    sbom.spec_version = "SPDX-2.1".to_owned();
    let report = check(&sbom, Profile::Ntia2021, None);
    let detail = report
        .element("document_valid")
        .and_then(|e| e.detail.clone());
    assert_eq!(
        detail.as_deref(),
        Some(
            "only SPDX versions SPDX-2.2 and SPDX-2.3 are supported, but the document's version is \"SPDX-2.1\""
        )
    );

    let mut sbom = spdx();
    sbom.data_license = Some("MIT".to_owned());
    sbom.serial_number = Some("https://example.com/x#1".to_owned());
    sbom.components[1].purl = Some("a-purl-1".to_owned());
    sbom.components[2].hashes[0].algorithm = "SHA-256".to_owned();
    sbom.relationships.push(edge(
        "SPDXRef-Pump",
        RelationshipKind::DependsOn,
        "SPDXRef-Gone",
        Some("DEPENDS_ON"),
    ));
    sbom.relationships.push(edge(
        "SPDXRef-Pump",
        RelationshipKind::Other("OTHER".to_owned()),
        "NOASSERTION",
        None,
    ));
    let report = check(&sbom, Profile::Ntia2021, None);
    let messages: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "spdx_validation")
        .map(|f| format!("{}: {}", f.component.as_deref().unwrap_or("-"), f.message))
        .collect();
    assert_eq!(
        messages,
        [
            "-: dataLicense must be CC0-1.0, but is \"MIT\"",
            "-: documentNamespace must be an absolute URI without a fragment (#), but is \"https://example.com/x#1\"",
            "SPDXRef-Zlib: purl locator must have the form pkg:type/name, but is \"a-purl-1\"",
            "SPDXRef-File: file checksums must include a SHA1 checksum",
            "-: relationship refers to \"SPDXRef-Gone\", which is not an element of the document",
        ]
    );
    let element = report.element("document_valid");
    assert_eq!(
        element.map(|e| e.failing.clone()),
        Some(vec!["SPDXRef-Zlib".to_owned(), "SPDXRef-File".to_owned()])
    );
    assert!(!report.conformant);
}

#[test]
fn fsct3_needs_license_copyright_and_sbom_type() {
    let mut sbom = spdx();
    sbom.components[1].extra.license_concluded = Some("NOASSERTION".to_owned());
    sbom.components[0].extra.copyright = None;
    check_report(
        &sbom,
        Profile::Fsct3Min,
        "
not conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship ok
author ok
timestamp ok
license FAIL [SPDXRef-Zlib]: 1 component lacks concluded license
copyright FAIL [SPDXRef-Pump]: 1 component lacks copyright notice
generation_context FAIL: SPDX 2 documents cannot state an SBOM type
document_valid ok
info dependency_graph_coverage -
",
    );
    // NONE is a statement.
    let mut sbom = spdx();
    sbom.components[1].extra.license_concluded = Some("NONE".to_owned());
    let report = check(&sbom, Profile::Fsct3Min, None);
    assert_eq!(report.element("license").map(|e| e.passed), Some(true));
}

#[test]
fn cisa_2025_elements() {
    let mut sbom = cdx();
    sbom.tools.clear();
    sbom.lifecycles.clear();
    sbom.timestamp = Some("yesterday".to_owned());
    sbom.components[1].licenses.clear();
    sbom.components[2].hashes.clear();
    sbom.components[2].purl = None;
    sbom.components[2]
        .cpes
        .push("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*".to_owned());
    check_report(
        &sbom,
        Profile::Cisa2025Draft,
        "
not conformant
author ok
supplier ok
component_name ok
component_version ok
software_identifier ok
component_hash FAIL [ssl]: 1 component lacks component hash
license FAIL [zlib]: 1 component lacks license
dependency_relationship ok
tool_name FAIL: no tool that produced the SBOM is named
timestamp FAIL: the timestamp \"yesterday\" is not an ISO 8601 date-time
generation_context FAIL: no lifecycle phase is stated (metadata.lifecycles)
info dependency_graph_coverage -
",
    );
}

#[test]
fn fda_premarket_names_components_without_support_data() {
    let mut sbom = cdx();
    sbom.components[1].support = Default::default();
    sbom.components[2].support.end_of_support = Some(Milestone::new(
        "endOfSupport",
        "Until hardware support ends",
    ));
    sbom.components[2].support.set_level_text("NOASSERTION");
    check_report(
        &sbom,
        Profile::FdaPremarket,
        "
not conformant
supplier ok
component_name ok
component_version ok
unique_identifier ok
dependency_relationship ok
author ok
timestamp ok
support_level FAIL [zlib, ssl]: 2 components lack level of support
end_of_support FAIL [zlib, ssl]: 2 components lack end-of-support date
info dependency_graph_coverage -
warning missing_support_data zlib
warning missing_support_data ssl
",
    );
    let report = check(&sbom, Profile::FdaPremarket, None);
    let messages: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id == "missing_support_data")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "zlib@1.3.1 has no level of support and no end-of-support date",
            "openssl@3.0.13 has no level of support (the SBOM says \"NOASSERTION\") and no end-of-support date (the SBOM says \"Until hardware support ends\")",
        ]
    );
    // Under a profile that does not ask for support data, text is an informational finding.
    let report = check(&sbom, Profile::Ntia2021, None);
    let ids: Vec<_> = report.findings.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        ["dependency_graph_coverage", "end_of_support_not_a_date"]
    );
}

#[test]
fn support_status_findings() {
    let mut sbom = cdx();
    sbom.components[1].support.end_of_support = Some(Milestone::new("endOfSupport", "2024-12-31"));
    sbom.components[2].support.set_level_text("Abandoned");
    sbom.components[0].support.level = Some(SupportLevel::NoLongerMaintained);
    sbom.components[0].support.level_text = None;
    let report = check(&sbom, Profile::Ntia2021, Some(date("2025-06-01")));
    let findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id != "dependency_graph_coverage")
        .map(|f| {
            format!(
                "{} {}: {}",
                f.id,
                f.component.as_deref().unwrap_or("-"),
                f.message
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            "unmaintained_component pump: pump-fw@4.2 is no longer maintained (level of support: \"no-longer-maintained\")",
            "end_of_support_past zlib: zlib@1.3.1 reached end of support on 2024-12-31 (checked as of 2025-06-01)",
            "unmaintained_component ssl: openssl@3.0.13 is abandoned (level of support: \"Abandoned\")",
        ]
    );
    // Without a date to judge by, nothing is "already past".
    let report = check(&sbom, Profile::Ntia2021, None);
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.id != "end_of_support_past")
    );
}

#[test]
fn identifier_findings() {
    let mut sbom = cdx();
    sbom.components[1].purl = Some("pkg:/broken".to_owned());
    sbom.components[2].purl = None;
    sbom.components[2].cpes.push("cpe:2.3:a:openssl".to_owned());
    sbom.components
        .push(component("pump-again", "pump-fw", "4.2"));
    sbom.relationships.push(edge(
        "pump",
        RelationshipKind::DependsOn,
        "pump-again",
        None,
    ));
    let report = check(&sbom, Profile::Ntia2021, None);
    let findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.id != "dependency_graph_coverage")
        .map(|f| {
            format!(
                "{} {} {}",
                f.severity.as_str(),
                f.id,
                f.component.as_deref().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            "error malformed_purl zlib",
            "error malformed_cpe ssl",
            "warning duplicate_component pump-again"
        ]
    );
    let duplicate = report
        .findings
        .iter()
        .find(|f| f.id == "duplicate_component")
        .map(|f| f.message.as_str());
    assert_eq!(
        duplicate,
        Some("pump-fw@4.2 is listed again: the same purl pkg:generic/pump-fw@4.2 as pump")
    );
}

#[test]
fn imdrf_needs_known_unknowns_and_machine_readability() {
    let mut sbom = cdx();
    sbom.compositions.clear();
    sbom.format = None;
    let report = check(&sbom, Profile::ImdrfN73, None);
    let failed: Vec<_> = report.failed_elements().map(|e| e.id).collect();
    assert_eq!(failed, ["machine_readable", "known_unknowns"]);

    // SPDX: a relationship to NOASSERTION states an unknown.
    let mut sbom = spdx();
    assert_eq!(
        check(&sbom, Profile::ImdrfN73, None)
            .element("known_unknowns")
            .map(|e| e.passed),
        Some(false)
    );
    sbom.relationships.push(edge(
        "SPDXRef-Zlib",
        RelationshipKind::Other("CONTAINS".to_owned()),
        "NOASSERTION",
        None,
    ));
    assert_eq!(
        check(&sbom, Profile::ImdrfN73, None)
            .element("known_unknowns")
            .map(|e| e.passed),
        Some(true)
    );
}

#[test]
fn empty_and_hostile_documents_do_not_panic() {
    for profile in Profile::all() {
        let report = check(&Sbom::default(), *profile, None);
        assert!(!report.conformant);
        let mut odd = cdx();
        odd.roots.push("missing".to_owned());
        odd.relationships
            .push(edge("nowhere", RelationshipKind::DependsOn, "pump", None));
        odd.relationships
            .push(edge("pump", RelationshipKind::DependsOn, "pump", None));
        odd.components.push(Component::new("", ""));
        odd.components
            .push(Component::new("pump", "same ref again"));
        let _ = check(&odd, *profile, Some(date("2025-01-01")));
    }
}
