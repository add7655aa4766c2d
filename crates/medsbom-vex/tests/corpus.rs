//! Every VEX example of the corpus reads, and the statuses it gives the products it names
//! are the ones its README describes (CISA VEX use cases, OpenVEX and CSAF VEX examples).
//!
//! Statuses are asked through [`medsbom_vex::resolve`], as a finding of that product version
//! would be, so scopes (local refs, BOM-Links, version ranges, purls) are checked too.

use std::path::Path;

use medsbom_vex::VexDocument;
use medsbom_vex::model::{Authority, SkipReason, Status, VexFormat};
use medsbom_vex::resolve::{Candidate, ComponentIdentity, FindingContext, resolve};

fn read(relative: &str) -> Option<VexDocument> {
    let path = medsbom_testkit::corpus_path(relative)?;
    let bytes = std::fs::read(&path).expect("corpus file is readable");
    Some(medsbom_vex::parse::parse(relative, &bytes).expect("vex document reads"))
}

fn candidates(document: &VexDocument) -> Vec<Candidate> {
    document
        .statements
        .iter()
        .enumerate()
        .map(|(idx, statement)| Candidate {
            id: i64::try_from(idx).expect("small index"),
            vulnerability_ids: statement.identifiers().map(str::to_owned).collect(),
            status: statement.status,
            justification: statement.justification.clone(),
            detail: statement.detail.clone(),
            stated_at: statement.timestamp.clone(),
            authority: Authority::Manufacturer,
            author: document.author.clone(),
            source: "test".to_owned(),
            scopes: statement.scopes.clone(),
        })
        .collect()
}

/// A finding for the product itself (its root component), optionally inside the BOM with
/// `serial` whose root has `root_ref`.
fn product_finding(product: &str, version: &str, vulnerability: &str) -> FindingContext {
    FindingContext {
        manufacturer: None,
        product: product.to_owned(),
        product_version: version.to_owned(),
        component: ComponentIdentity::default(),
        root: Some(ComponentIdentity {
            version: Some(version.to_owned()),
            ..ComponentIdentity::default()
        }),
        bom_serials: Vec::new(),
        vulnerability_ids: vec![vulnerability.to_owned()],
    }
}

fn linked_finding(
    serial: &str,
    root_ref: &str,
    version: &str,
    vulnerability: &str,
) -> FindingContext {
    let mut finding = product_finding("linked product", version, vulnerability);
    finding.bom_serials = vec![serial.to_owned()];
    if let Some(root) = finding.root.as_mut() {
        root.bom_refs = vec![root_ref.to_owned()];
    }
    finding
}

fn status(document: &VexDocument, finding: &FindingContext) -> Option<Status> {
    resolve(&candidates(document), finding).map(|resolution| resolution.winner.status)
}

/// (product, version, vulnerability, expected status) for product-named documents.
fn check_products(relative: &str, expect: &[(&str, &str, &str, Option<Status>)]) {
    let Some(document) = read(relative) else {
        return;
    };
    for (product, version, vulnerability, expected) in expect {
        let finding = product_finding(product, version, vulnerability);
        assert_eq!(
            status(&document, &finding),
            *expected,
            "{relative}: {product} {version} {vulnerability}"
        );
    }
}

const LOG4SHELL: &str = "CVE-2021-44228";

#[test]
fn cisa_use_case_1_single_status_each() {
    let dir = "sbom/cyclonedx-bom-examples/VEX/CISA-Use-Cases/Case-1";
    check_products(
        &format!("{dir}/vex-affected.json"),
        &[("DEF", "1.0", LOG4SHELL, Some(Status::Affected))],
    );
    check_products(
        &format!("{dir}/vex-fixed.json"),
        &[
            ("DEF", "1.1", LOG4SHELL, Some(Status::Fixed)),
            ("DEF", "1.0", LOG4SHELL, None),
        ],
    );
    check_products(
        &format!("{dir}/vex-not_affected.json"),
        &[
            ("ABC", "4.2", LOG4SHELL, Some(Status::NotAffected)),
            ("ABC", "4.2", "CVE-2021-45046", None),
            ("XYZ", "4.2", LOG4SHELL, None),
        ],
    );
    check_products(
        &format!("{dir}/vex-under_investigation.json"),
        &[("GHI", "17.4", LOG4SHELL, Some(Status::UnderInvestigation))],
    );
}

#[test]
fn cisa_use_cases_2_to_6() {
    let dir = "sbom/cyclonedx-bom-examples/VEX/CISA-Use-Cases";
    let ripple20: Vec<String> = (11896..=11914).map(|n| format!("CVE-2020-{n}")).collect();
    if let Some(document) = read(&format!("{dir}/Case-2/vex.json")) {
        for id in &ripple20 {
            let finding = product_finding("ABC", "4.2", id);
            assert_eq!(
                status(&document, &finding),
                Some(Status::NotAffected),
                "{id}"
            );
        }
    }
    if let Some(document) = read(&format!("{dir}/Case-3/vex.json")) {
        let count = |wanted: Status| {
            ripple20
                .iter()
                .filter(|id| status(&document, &product_finding("GHI", "17.4", id)) == Some(wanted))
                .count()
        };
        assert_eq!(count(Status::UnderInvestigation), 5);
        assert_eq!(count(Status::NotAffected), 6);
        assert_eq!(count(Status::Affected), 5);
        assert_eq!(count(Status::Fixed), 3);
        assert_eq!(
            status(&document, &product_finding("GHI", "17.4", "CVE-2020-11898")),
            Some(Status::Affected)
        );
    }
    check_products(
        &format!("{dir}/Case-4/vex.json"),
        &[
            ("ABC", "2.4", LOG4SHELL, Some(Status::Affected)),
            ("ABC", "2.6", LOG4SHELL, Some(Status::Affected)),
            ("ABC", "3.0", LOG4SHELL, Some(Status::Affected)),
            ("ABC", "4.1", LOG4SHELL, Some(Status::Affected)),
            ("ABC", "2.5", LOG4SHELL, None),
            ("ABC", "4.2", LOG4SHELL, None),
        ],
    );
    check_products(
        &format!("{dir}/Case-5/vex.json"),
        &[
            ("XYZ", "1.0", LOG4SHELL, Some(Status::UnderInvestigation)),
            ("XYZ", "99", LOG4SHELL, Some(Status::UnderInvestigation)),
        ],
    );
    check_products(
        &format!("{dir}/Case-6/vex.json"),
        &[
            ("ABC", "1.0", LOG4SHELL, Some(Status::NotAffected)),
            ("ABC", "2.3", LOG4SHELL, Some(Status::NotAffected)),
            ("ABC", "2.4", LOG4SHELL, Some(Status::Affected)),
            ("ABC", "2.5", LOG4SHELL, Some(Status::NotAffected)),
            ("ABC", "2.6", LOG4SHELL, Some(Status::Affected)),
            ("ABC", "2.8", LOG4SHELL, Some(Status::NotAffected)),
            ("ABC", "3.5", LOG4SHELL, Some(Status::Affected)),
            ("ABC", "4.2", LOG4SHELL, Some(Status::NotAffected)),
            ("ABC", "5.0", LOG4SHELL, None),
        ],
    );
}

const ABC_SERIAL: &str = "cbb2cd68-2857-43b8-a10b-e8c03d277d18";
const JKL_SERIAL: &str = "e4c3eedc-4978-470c-ad02-6ffff63738ff";

#[test]
fn cisa_use_cases_7_and_8_use_bom_links() {
    let dir = "sbom/cyclonedx-bom-examples/VEX/CISA-Use-Cases";
    let abc = |version: &str, id: &str| linked_finding(ABC_SERIAL, "product-ABC", version, id);
    let jkl = |version: &str, id: &str| linked_finding(JKL_SERIAL, "product-JKL", version, id);
    if let Some(document) = read(&format!("{dir}/Case-7/vex.json")) {
        assert!(document.skipped.is_empty(), "{:?}", document.skipped);
        for (finding, expected) in [
            (abc("2.4", LOG4SHELL), Some(Status::Affected)),
            (abc("2.5", LOG4SHELL), Some(Status::NotAffected)),
            (abc("4.0", LOG4SHELL), Some(Status::Affected)),
            (abc("4.2", LOG4SHELL), Some(Status::NotAffected)),
            (jkl("4.4", LOG4SHELL), Some(Status::NotAffected)),
            (jkl("4.7", LOG4SHELL), Some(Status::Affected)),
            (jkl("5.1", LOG4SHELL), Some(Status::Fixed)),
            (jkl("6.0", LOG4SHELL), None),
            // The BOM-Link names another BOM: nothing applies without its serial.
            (product_finding("ABC", "2.4", LOG4SHELL), None),
        ] {
            assert_eq!(status(&document, &finding), expected, "{finding:?}");
        }
    }
    if let Some(document) = read(&format!("{dir}/Case-8/vex.json")) {
        for (finding, expected) in [
            (abc("2.6", "CVE-2021-45105"), Some(Status::Affected)),
            (abc("2.7", "CVE-2021-45105"), Some(Status::NotAffected)),
            (jkl("5.1", "CVE-2021-45105"), Some(Status::Affected)),
            (jkl("5.2", LOG4SHELL), Some(Status::Fixed)),
            // JKL 5.2 is both not_affected and resolved for CVE-2021-45105 in this
            // document: a contradiction, reported and left out.
            (jkl("5.2", "CVE-2021-45105"), None),
        ] {
            assert_eq!(status(&document, &finding), expected, "{finding:?}");
        }
        let contradictions: Vec<_> = document
            .skipped
            .iter()
            .filter(|s| matches!(s.reason, SkipReason::Contradiction(_)))
            .collect();
        assert_eq!(contradictions.len(), 2, "{:?}", document.skipped);
        assert!(
            contradictions
                .iter()
                .all(|s| s.vulnerability_id.as_deref() == Some("CVE-2021-45105"))
        );
    }
}

#[test]
fn cyclonedx_use_cases() {
    let dir = "sbom/cyclonedx-bom-examples/VEX/Use-Cases";
    let jackson = "CVE-2020-25649";
    check_products(
        &format!("{dir}/Case-1/vex.json"),
        &[("Acme Product", "2.4.0", jackson, Some(Status::NotAffected))],
    );
    check_products(
        &format!("{dir}/Case-2/vex.json"),
        &[("Acme Product", "2.4.0", jackson, Some(Status::Affected))],
    );
    check_products(
        &format!("{dir}/Case-3/vex.json"),
        &[(
            "Acme Product",
            "2.4.0",
            jackson,
            Some(Status::UnderInvestigation),
        )],
    );
    check_products(
        &format!("{dir}/Case-4/vex.json"),
        &[
            ("Acme Product", "2.3.0", jackson, Some(Status::NotAffected)),
            ("Acme Product", "2.5.0", jackson, None),
        ],
    );
    // No affects and no metadata.component: every product of the manufacturer.
    if let Some(document) = read(&format!("{dir}/Case-7/vex.json")) {
        let mut finding = product_finding("Any Device", "9.9", jackson);
        finding.manufacturer = Some("Acme, Inc.".to_owned());
        assert_eq!(status(&document, &finding), Some(Status::NotAffected));
        finding.manufacturer = Some("Other Corp".to_owned());
        assert_eq!(status(&document, &finding), None);
    }
    check_products(
        &format!("{dir}/Case-12/vex.json"),
        &[
            ("Acme Product", "2.2.0", jackson, Some(Status::NotAffected)),
            (
                "Acme Product",
                "2.2.0",
                "CVE-2020-35491",
                Some(Status::Affected),
            ),
            (
                "Acme Product",
                "2.2.0",
                "CVE-2020-14195",
                Some(Status::NotAffected),
            ),
        ],
    );
    if let Some(document) = read(&format!("{dir}/Case-13/vex.json")) {
        let product = |n: u8, serial: &str| {
            linked_finding(serial, &format!("acme-product-{n}"), "1.0", jackson)
        };
        assert_eq!(
            status(
                &document,
                &product(1, "2c385cf7-e1ee-46e9-a51c-13de1ecb380a")
            ),
            Some(Status::NotAffected)
        );
        assert_eq!(
            status(
                &document,
                &product(3, "240b5b0b-917d-4f48-816c-97e1944d8079")
            ),
            Some(Status::Affected)
        );
        assert_eq!(
            status(
                &document,
                &product(3, "2c385cf7-e1ee-46e9-a51c-13de1ecb380a")
            ),
            None
        );
    }
}

#[test]
fn every_cyclonedx_vex_file_reads_and_vex_files_have_statements() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom/cyclonedx-bom-examples/VEX") else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir, &|path: &Path| {
        path.extension().is_some_and(|e| e == "json")
    });
    assert!(30 <= files.len(), "{} files", files.len());
    let mut n_vex = 0;
    for path in files {
        let bytes = std::fs::read(&path).expect("readable");
        let name = path.display().to_string();
        let document = medsbom_vex::parse::parse(&name, &bytes).expect("reads");
        assert_eq!(document.format, VexFormat::CycloneDx);
        let is_vex = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("vex"));
        if is_vex {
            n_vex += 1;
            assert!(!document.statements.is_empty(), "{name}: no statements");
        } else {
            assert!(document.statements.is_empty(), "{name}: a bom without vex");
        }
    }
    assert!(25 <= n_vex, "{n_vex} vex files");
}

#[test]
fn openvex_examples() {
    let dir = "vex/openvex-examples";
    let git = |purl: &str, id: &str| {
        let mut finding = product_finding("wolfi image", "1", id);
        finding.component.purl = Some(purl.to_owned());
        finding
    };
    for file in ["v0.0.1.json", "v0.0.1-noversion.json"] {
        let Some(document) = read(&format!("{dir}/{file}")) else {
            return;
        };
        assert_eq!(document.format, VexFormat::OpenVex);
        assert_eq!(document.spec_version, "0.0.1");
        assert_eq!(document.author.as_deref(), Some("Wolfi J Inkinson"));
        let x86 = git("pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64", "CVE-2023-12345");
        assert_eq!(status(&document, &x86), Some(Status::Fixed));
        let other = git("pkg:apk/wolfi/git@2.40.0-r0?arch=x86_64", "CVE-2023-12345");
        assert_eq!(status(&document, &other), None);
    }
    if let Some(document) = read(&format!("{dir}/v0.2.0.json")) {
        assert_eq!(document.spec_version, "0.2.0");
        let image = "pkg:oci/alpine@sha256%3A124c7d2707904eea7431fffe91522a01e5a861a624ee31d03372cc1d138a3126";
        let mut libssl = git("pkg:apk/alpine/libssl3@3.0.8-r3", "CVE-2023-3446");
        if let Some(root) = libssl.root.as_mut() {
            root.purl = Some(image.to_owned());
        }
        assert_eq!(status(&document, &libssl), Some(Status::NotAffected));
        libssl.vulnerability_ids = vec!["CVE-2023-1255".to_owned()];
        assert_eq!(status(&document, &libssl), Some(Status::Fixed));
        // The same library in another image: the statement names the image.
        if let Some(root) = libssl.root.as_mut() {
            root.purl = Some("pkg:oci/debian@sha256%3A00".to_owned());
        }
        assert_eq!(status(&document, &libssl), None);
    }
    let bash = |id: &str| git("pkg:apk/wolfi/bash@1.0.0", id);
    if let Some(document) = read(&format!("{dir}/v001-1.vex.json")) {
        assert_eq!(
            status(&document, &bash("CVE-1234-5678")),
            Some(Status::UnderInvestigation)
        );
    }
    if let Some(document) = read(&format!("{dir}/v001-2.vex.json")) {
        assert_eq!(
            status(&document, &bash("CVE-1234-5678")),
            Some(Status::Fixed)
        );
    }
    if let Some(document) = read(&format!("{dir}/v020-1.vex.json")) {
        assert_eq!(
            status(&document, &bash("CVE-9876-54321")),
            Some(Status::UnderInvestigation)
        );
    }
    if let Some(document) = read(&format!("{dir}/v020-2.vex.json")) {
        let git_241 = git("pkg:apk/wolfi/git@2.41.0-1", "CVE-1234-5678");
        assert_eq!(
            status(&document, &git_241),
            Some(Status::UnderInvestigation)
        );
    }
    if let Some(document) = read(&format!("{dir}/csaf-pkg/openvex.json")) {
        let x86 = git(
            "pkg:apk/distro/git@2.39.0-r1?arch=x86_64",
            "CVE-2014-123456",
        );
        assert_eq!(status(&document, &x86), Some(Status::Fixed));
    }
    // The early YAML form names no products: both statements are reported, none kept.
    if let Some(document) = read(&format!("{dir}/vex.yaml")) {
        assert_eq!(document.author.as_deref(), Some("Chainguard"));
        assert!(document.statements.is_empty());
        assert_eq!(document.skipped.len(), 2);
        assert!(
            document
                .skipped
                .iter()
                .all(|s| matches!(s.reason, SkipReason::UnknownProduct(_)))
        );
    }
    // CSAF inputs of the OpenVEX converter.
    if let Some(document) = read(&format!("{dir}/csaf.json")) {
        assert_eq!(document.format, VexFormat::Csaf);
        assert_eq!(document.authority, Some(Authority::Manufacturer));
        let homedir = git("pkg:golang/github.com/go-homedir@v1.2.0", "CVE-2009-4487");
        assert_eq!(status(&document, &homedir), Some(Status::NotAffected));
    }
    if let Some(document) = read(&format!("{dir}/csaf-pkg/csaf.json")) {
        // ABC:CSAFPID-0002 is named but not defined in the product tree.
        assert!(document.skipped.iter().any(
            |s| matches!(&s.reason, SkipReason::UnknownProduct(m) if m.contains("ABC:CSAFPID-0002"))
        ));
    }
    if let Some(document) = read(&format!("{dir}/csaf-pkg/rhsa-2020_1358.json")) {
        // Red Hat's relationship products name rpm components without purls: reported,
        // never turned into statements about the whole platform.
        assert!(document.statements.is_empty());
        assert!(!document.skipped.is_empty());
    }
}

#[test]
fn csaf_vex_examples() {
    let dir = "vex/csaf-2.0-examples/csaf/csaf_vex";
    check_products(
        &format!("{dir}/2022-evd-uc-01-a-001.json"),
        &[("DEF", "1.0", LOG4SHELL, Some(Status::Affected))],
    );
    check_products(
        &format!("{dir}/2022-evd-uc-01-f-001.json"),
        &[
            ("DEF", "1.1", LOG4SHELL, Some(Status::Fixed)),
            ("DEF", "1.0", LOG4SHELL, None),
        ],
    );
    check_products(
        &format!("{dir}/2022-evd-uc-01-na-001.json"),
        &[
            ("ABC", "4.2", LOG4SHELL, Some(Status::NotAffected)),
            ("ABC", "4.1", LOG4SHELL, None),
        ],
    );
    check_products(
        &format!("{dir}/2022-evd-uc-01-ui-001.json"),
        &[("GHI", "17.4", LOG4SHELL, Some(Status::UnderInvestigation))],
    );
    check_products(
        &format!("{dir}/2022-evd-uc-02-na-001.json"),
        &[("ABC", "4.2", "CVE-2020-11914", Some(Status::NotAffected))],
    );
    check_products(
        &format!("{dir}/2022-evd-uc-03-ms-001.json"),
        &[
            (
                "GHI",
                "17.4",
                "CVE-2020-11896",
                Some(Status::UnderInvestigation),
            ),
            ("GHI", "17.4", "CVE-2020-11898", Some(Status::Affected)),
            ("GHI", "17.4", "CVE-2020-11901", Some(Status::Fixed)),
            ("GHI", "17.4", "CVE-2020-11913", Some(Status::NotAffected)),
        ],
    );
    check_products(
        &format!("{dir}/2022-evd-uc-05-001.json"),
        &[("XYZ", "3.1", LOG4SHELL, Some(Status::UnderInvestigation))],
    );
    for file in [
        "2022-evd-uc-06-001.json",
        "2022-evd-uc-07-001.json",
        "2022-evd-uc-08-001.json",
    ] {
        check_products(
            &format!("{dir}/{file}"),
            &[
                ("ABC", "2.4", LOG4SHELL, Some(Status::Affected)),
                ("ABC", "2.5", LOG4SHELL, Some(Status::NotAffected)),
                ("ABC", "3.3", LOG4SHELL, Some(Status::Affected)),
                ("ABC", "4.2", LOG4SHELL, Some(Status::NotAffected)),
            ],
        );
    }
    check_products(
        &format!("{dir}/2022-evd-uc-08-001.json"),
        &[
            ("JKL", "5.2", LOG4SHELL, Some(Status::Fixed)),
            ("JKL", "4.0", LOG4SHELL, Some(Status::NotAffected)),
            ("JKL", "4.6", LOG4SHELL, Some(Status::Affected)),
        ],
    );
    // A CSAF 2.0 version list rather than a vers range.
    check_products(
        &format!("{dir}/sec-vex-2022-0001.json"),
        &[
            (
                "Secvisogram",
                "1.12.0",
                "CVE-2021-45046",
                Some(Status::NotAffected),
            ),
            ("Secvisogram", "1.15.0", "CVE-2021-45046", None),
        ],
    );
    let Some(dir_path) = medsbom_testkit::corpus_path(dir) else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir_path, &|path: &Path| {
        path.extension().is_some_and(|e| e == "json")
    });
    assert!(12 <= files.len());
    for path in files {
        let bytes = std::fs::read(&path).expect("readable");
        let name = path.display().to_string();
        let document = medsbom_vex::parse::parse(&name, &bytes).expect("reads");
        assert_eq!(document.format, VexFormat::Csaf);
        assert_eq!(document.authority, Some(Authority::Manufacturer), "{name}");
        assert!(!document.statements.is_empty(), "{name}");
        assert!(
            document
                .statements
                .iter()
                .all(|s| s.status != Status::NotAffected
                    || s.justification.is_some()
                    || s.impact_statement.is_some()),
            "{name}"
        );
    }
}
