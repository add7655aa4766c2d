//! SPDX 2.2/2.3 JSON and YAML documents of the corpus against the official SPDX JSON schemas.

use std::path::Path;

use medsbom_formats::{Format, validate};

/// Corpus documents that do not conform to their SPDX schema, with why (the NTIA checker's
/// test files are incomplete on purpose; some real-world files predate the schema).
/// Asserted both ways: a listed file that validates fails the test.
const KNOWN_BAD: &[(&str, &str)] = &[
    (
        "parser-tests/ntia-conformance-checker-tests/missing_author_name/SPDXJSONExample-v2.3.spdx.json",
        "creationInfo.creators is empty (minItems 1)",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/missing_author_name/SPDXYAMLExample-v2.3.spdx.yaml",
        "creationInfo.creators is null",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/missing_concluded_license/SPDXYAMLExample-v2.3.spdx.yaml",
        "packages[0].licenseConcluded is null",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/missing_timestamp/SPDXYAMLExample-v2.3.spdx.yaml",
        "creationInfo.created is null",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/missing_unique_identifiers/SPDXJSONExample-v2.3.spdx.json",
        "packages without SPDXID",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/missing_unique_identifiers/SPDXYAMLExample-v2.3.spdx.yaml",
        "packages without SPDXID",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/real_world_sboms/spdx_sample_01.json",
        "no creationInfo.created, and more",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/real_world_sboms/spdx_sample_10.json",
        "files without licenseInfoInFiles (required in 2.2)",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/real_world_sboms/spdx_sample_12.json",
        "files without licenseInfoInFiles (required in 2.2)",
    ),
    (
        "parser-tests/ntia-conformance-checker-tests/real_world_sboms/spdx_sample_13.json",
        "files without licenseInfoInFiles (required in 2.2)",
    ),
];

#[test]
fn spdx_json_and_yaml_examples_match_their_schema() {
    let Some(corpus) = medsbom_testkit::corpus_dir() else {
        return;
    };
    if !medsbom_formats::schemas_available() {
        medsbom_testkit::skip("the bundled schemas", "built without MEDSBOM_SCHEMA_DIR");
        return;
    }
    let mut files = Vec::new();
    for sub in ["sbom", "parser-tests/ntia-conformance-checker-tests"] {
        files.extend(medsbom_testkit::files_below(
            &corpus.join(sub),
            &|p: &Path| {
                let name = p.to_string_lossy();
                name.ends_with(".json") || name.ends_with(".yaml")
            },
        ));
    }
    let mut n_checked = [0_usize; 2];
    let mut wrong = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_default();
        let report = validate(&bytes);
        let Some(format) = report.detected.as_ref().map(|d| d.format) else {
            continue;
        };
        if format != Format::SpdxJson && format != Format::SpdxYaml {
            continue;
        }
        n_checked[usize::from(format == Format::SpdxYaml)] += 1;
        let relative = path
            .strip_prefix(&corpus)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        assert!(
            report.rules_checked.starts_with("SPDX 2.2 JSON schema")
                || report.rules_checked.starts_with("SPDX 2.3 JSON schema"),
            "{relative}: {}",
            report.rules_checked
        );
        let known_bad = KNOWN_BAD.iter().find(|(file, _)| *file == relative);
        match (report.valid, known_bad) {
            (true, None) | (false, Some(_)) => {}
            (true, Some((_, why))) => {
                wrong.push(format!(
                    "{relative}: now valid, remove it from KNOWN_BAD ({why})"
                ));
            }
            (false, None) => wrong.push(format!(
                "{relative}: {:?}",
                report
                    .errors
                    .iter()
                    .take(3)
                    .map(|e| format!("{} [{}] {}", e.location, e.rule, e.message))
                    .collect::<Vec<_>>()
            )),
        }
    }
    eprintln!(
        "spdx schema check: {} json, {} yaml, {} known bad",
        n_checked[0],
        n_checked[1],
        KNOWN_BAD.len()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(n_checked, [31, 10]);
}
