//! CSAF 2.0: every example advisory of the OASIS repository (incl. CSAF VEX), product tree
//! resolution, and hand-written edge cases.

mod common;

use std::collections::HashMap;

use medsbom_feeds::FeedKind;
use medsbom_feeds::advisory::{AffectedPackage, CsafProductStatus, CsafStatus, SourceKind};

/// (file, advisories): one per `vulnerabilities[]` entry.
const EXAMPLES: [(&str, usize); 19] = [
    ("bsi-2022-0001.json", 1),
    ("cisco-sa-20180328-smi2.json", 1),
    ("csaf_vex/2022-evd-uc-01-a-001.json", 1),
    ("csaf_vex/2022-evd-uc-01-f-001.json", 1),
    ("csaf_vex/2022-evd-uc-01-na-001.json", 1),
    ("csaf_vex/2022-evd-uc-01-ui-001.json", 1),
    ("csaf_vex/2022-evd-uc-02-na-001.json", 19),
    ("csaf_vex/2022-evd-uc-03-ms-001.json", 19),
    ("csaf_vex/2022-evd-uc-04-001.json", 1),
    ("csaf_vex/2022-evd-uc-05-001.json", 1),
    ("csaf_vex/2022-evd-uc-06-001.json", 1),
    ("csaf_vex/2022-evd-uc-07-001.json", 1),
    ("csaf_vex/2022-evd-uc-08-001.json", 2),
    ("csaf_vex/2022-evd-uc-09-001.json", 2),
    ("csaf_vex/sec-vex-2022-0001.json", 3),
    // An informational advisory: no vulnerabilities, so no advisories.
    ("rhsa-2019_1862.json", 0),
    ("rhsa-2021_5186.json", 2),
    ("rhsa-2021_5217.json", 1),
    ("rhsa-2022_0011.json", 1),
];

fn products(affected: &[AffectedPackage]) -> Vec<&CsafProductStatus> {
    affected
        .iter()
        .filter_map(|affected| match affected {
            AffectedPackage::CsafProduct(product) => Some(product),
            _ => None,
        })
        .collect()
}

#[test]
fn every_csaf_example_reads() {
    let Some(dir) = medsbom_testkit::corpus_path("vex/csaf-2.0-examples/csaf") else {
        return;
    };
    let files = common::read_path(&dir);
    let json_files: Vec<_> = files.iter().filter(|f| f.name.ends_with(".json")).collect();
    assert_eq!(json_files.len(), EXAMPLES.len());
    let mut statuses: HashMap<CsafStatus, usize> = HashMap::new();
    for (name, n_advisories) in EXAMPLES {
        let Some(file) = json_files
            .iter()
            .find(|f| f.name.ends_with(&format!("/{name}")))
        else {
            panic!("{name} missing");
        };
        assert_eq!(file.kind, Some(FeedKind::Csaf), "{name}");
        assert_eq!(file.summary.n_records, n_advisories, "{name}");
        assert!(
            file.summary.errors.is_empty(),
            "{name}: {:?}",
            file.summary.errors
        );
        assert!(
            file.summary.warnings.is_empty(),
            "{name}: {:?}",
            file.summary.warnings
        );
        for advisory in common::advisories(&file.records) {
            assert_eq!(advisory.source.kind, SourceKind::Csaf);
            assert!(
                advisory
                    .modified
                    .as_ref()
                    .and_then(|m| m.instant())
                    .is_some()
            );
            for product in products(&advisory.affected) {
                *statuses.entry(product.status).or_default() += 1;
            }
        }
    }
    let expect = [
        (CsafStatus::KnownAffected, 290),
        (CsafStatus::KnownNotAffected, 54),
        (CsafStatus::Fixed, 27),
        (CsafStatus::UnderInvestigation, 7),
        (CsafStatus::FirstFixed, 1),
        (CsafStatus::Recommended, 1),
    ];
    assert_eq!(statuses, HashMap::from(expect));
}

#[test]
fn product_tree_resolution() {
    let Some(dir) = medsbom_testkit::corpus_path("vex/csaf-2.0-examples/csaf") else {
        return;
    };

    // Branches: vendor / product_name / product_version, CPE from the helper.
    let bsi = common::read_one(&dir.join("bsi-2022-0001.json"), FeedKind::Csaf);
    let advisory = common::advisories(&bsi.records)[0];
    assert_eq!(advisory.id, "CVE-2022-27193");
    assert_eq!(advisory.source.document.as_deref(), Some("BSI-2022-0001"));
    let resolved: Vec<(CsafStatus, &str, Option<&str>)> = products(&advisory.affected)
        .iter()
        .map(|p| {
            (
                p.status,
                p.product.product_id.as_str(),
                p.product.cpe.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        resolved,
        [
            (
                CsafStatus::FirstFixed,
                "CSAFPID-0006",
                Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2")
            ),
            (
                CsafStatus::Fixed,
                "CSAFPID-0006",
                Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc2")
            ),
            (
                CsafStatus::KnownAffected,
                "CSAFPID-0001",
                Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha")
            ),
            (
                CsafStatus::KnownAffected,
                "CSAFPID-0002",
                Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-dev1")
            ),
            (
                CsafStatus::KnownAffected,
                "CSAFPID-0003",
                Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-dev2")
            ),
            (
                CsafStatus::KnownAffected,
                "CSAFPID-0004",
                Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-dev3")
            ),
            (
                CsafStatus::KnownAffected,
                "CSAFPID-0005",
                Some("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-rc1")
            ),
        ]
    );
    let alpha = &products(&advisory.affected)[2].product;
    assert_eq!(alpha.name, "CSAF Tools CVRF-CSAF-Converter 1.0.0-alpha");
    assert_eq!(alpha.vendor.as_deref(), Some("CSAF Tools"));
    assert_eq!(alpha.product_name.as_deref(), Some("CVRF-CSAF-Converter"));
    assert_eq!(alpha.product_version.as_deref(), Some("1.0.0-alpha"));
    assert!(!alpha.version_is_range);

    // Relationships: the combined product takes the platform's CPE.
    let rhsa = common::read_one(&dir.join("rhsa-2021_5186.json"), FeedKind::Csaf);
    let advisory = common::advisories(&rhsa.records)[0];
    assert_eq!(advisory.id, "CVE-2021-4104");
    assert_eq!(advisory.source.database, "Red Hat Product Security");
    let fixed = products(&advisory.affected)[0];
    assert_eq!(fixed.status, CsafStatus::Fixed);
    assert_eq!(
        fixed.product.product_id,
        "8Base-RHOSE-4.6:openshift4/ose-metering-hive:v4.6.0-202112160147.p0.gf139e12.assembly.stream"
    );
    assert_eq!(
        fixed.product.cpe.as_deref(),
        Some("cpe:/a:redhat:openshift:4.6::el8")
    );
    let relationship = fixed.product.relationship.as_ref();
    assert_eq!(
        relationship.map(|r| (r.category.as_str(), r.relates_to_product_reference.as_str())),
        Some(("default_component_of", "8Base-RHOSE-4.6"))
    );
    let csaf = advisory.csaf.as_ref();
    assert_eq!(
        csaf.map(|c| c.category.as_str()),
        Some("csaf_security_advisory")
    );
    assert_eq!(
        csaf.map(|c| c.remediations[0].category.as_str()),
        Some("vendor_fix")
    );

    // CSAF VEX: a version range branch and a justification flag.
    let vex = common::read_one(&dir.join("csaf_vex/sec-vex-2022-0001.json"), FeedKind::Csaf);
    let ids: Vec<&str> = common::advisories(&vex.records)
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(ids, ["CVE-2021-44228", "CVE-2021-45046", "CVE-2021-45105"]);
    let advisory = common::advisories(&vex.records)[0];
    let not_affected = products(&advisory.affected)[0];
    assert_eq!(not_affected.status, CsafStatus::KnownNotAffected);
    assert_eq!(
        not_affected.product.product_version.as_deref(),
        Some("<=1.14.0")
    );
    assert!(not_affected.product.version_is_range);
    let flags = &advisory
        .csaf
        .as_ref()
        .map(|c| c.flags.clone())
        .unwrap_or_default();
    assert_eq!(flags[0].label, "component_not_present");
    assert_eq!(flags[0].product_ids, ["CSAFPID-0001"]);

    // Scores and ids.
    let cisco = common::read_one(&dir.join("cisco-sa-20180328-smi2.json"), FeedKind::Csaf);
    let advisory = common::advisories(&cisco.records)[0];
    assert_eq!(advisory.id, "CVE-2018-0171");
    assert_eq!(advisory.aliases, ["CSCvg76186"]);
    assert_eq!(advisory.severity[0].base_score, Some(9.8));
    assert_eq!(advisory.severity[0].stated_score, Some(9.8));
    assert_eq!(products(&advisory.affected).len(), 259);
}

#[test]
fn groups_purls_and_unknown_references() {
    let text = r#"{
  "document": {
    "category": "csaf_vex", "csaf_version": "2.0", "title": "t",
    "publisher": {"category": "vendor", "name": "Example", "namespace": "https://example.com"},
    "tracking": {"id": "EX-1", "status": "final", "version": "2",
      "initial_release_date": "2024-01-01T00:00:00Z", "current_release_date": "2024-02-01T00:00:00Z"}
  },
  "product_tree": {
    "branches": [{"category": "vendor", "name": "Example", "branches": [
      {"category": "product_name", "name": "lib", "branches": [
        {"category": "product_version", "name": "1.0", "product": {"product_id": "P1", "name": "lib 1.0",
          "product_identification_helper": {"purl": "pkg:npm/lib@1.0"}}},
        {"category": "product_version", "name": "2.0", "product": {"product_id": "P2", "name": "lib 2.0",
          "product_identification_helper": {"purls": ["pkg:npm/lib@2.0"]}}}
      ]}
    ]}],
    "full_product_names": [{"product_id": "P1", "name": "duplicate"}],
    "product_groups": [{"group_id": "G", "product_ids": ["P1", "P2"]}]
  },
  "vulnerabilities": [
    {"ids": [{"system_name": "x", "text": "EX-VULN-1"}],
     "product_status": {"known_affected": ["P1", "P9"], "made_up": ["P2"]},
     "remediations": [{"category": "vendor_fix", "details": "upgrade", "group_ids": ["G"], "product_ids": ["P1"]}]},
    {"product_status": {"fixed": ["P2"]}},
    {"product_status": {"fixed": "P2"}}
  ]
}"#;
    let (records, summary) = common::read_bytes(FeedKind::Csaf, "ex.json", text.as_bytes());
    let advisories = common::advisories(&records);
    assert_eq!(advisories.len(), 2);
    assert_eq!(advisories[0].id, "EX-VULN-1");
    assert_eq!(advisories[1].id, "EX-1#1");
    let resolved: Vec<(&str, Option<&str>)> = products(&advisories[0].affected)
        .iter()
        .map(|p| (p.product.name.as_str(), p.product.purl.as_deref()))
        .collect();
    assert_eq!(
        resolved,
        [("lib 1.0", Some("pkg:npm/lib@1.0")), ("P9", None)]
    );
    let purl = products(&advisories[1].affected)[0].product.purl.as_deref();
    assert_eq!(purl, Some("pkg:npm/lib@2.0"));
    let remediation = &advisories[0].csaf.as_ref().map(|c| c.remediations.clone());
    assert_eq!(
        remediation.as_ref().map(|r| r[0].product_ids.clone()),
        Some(vec!["P1".to_owned(), "P2".to_owned()])
    );
    assert_eq!(
        advisories[0].published.as_ref().map(|p| p.text()),
        Some("2024-01-01T00:00:00Z")
    );
    assert_eq!(summary.feed_version.as_deref(), Some("2"));
    let warnings: Vec<String> = summary.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "document (EX-1): product tree defines product id \"P1\" more than once; the first is kept",
            "entry 0 (EX-VULN-1): product_status known_affected names product id \"P9\", which the product tree does not define",
            "entry 0 (EX-VULN-1): unknown product_status \"made_up\" ignored",
        ]
    );
    let errors: Vec<String> = summary.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        ["entry 2: invalid type: string \"P2\", expected a sequence at line 1 column 33"]
    );
    let not_csaf =
        medsbom_feeds::read(FeedKind::Csaf, "x.json", br#"{"document":{}}"#, &mut |_| {});
    assert!(not_csaf.is_err());
}
