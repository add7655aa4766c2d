//! The CycloneDX specification's own test resources (1.0–1.7 and the dependency-graph
//! extension): every `valid-*` document must read without a parse error; `invalid-*` ones must
//! not panic (schema validity is the formats crate's job, so most of them read fine here).

mod common;

use std::collections::BTreeMap;

#[test]
fn valid_spec_documents_parse_and_invalid_ones_do_not_panic() {
    let Some(dir) = medsbom_testkit::corpus_path("parser-tests/cyclonedx-spec-test-resources")
    else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir, &|p| common::syntax_of(p).is_some());
    let mut failures = Vec::new();
    // (version dir, valid?) -> (files read, files rejected)
    let mut counts: BTreeMap<(String, bool), (usize, usize)> = BTreeMap::new();
    for path in &files {
        let Some(syntax) = common::syntax_of(path) else {
            continue;
        };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let valid = name.starts_with("valid-");
        let version = path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let bytes = std::fs::read(path).expect("spec test file is readable");
        let entry = counts.entry((version.clone(), valid)).or_default();
        match common::read(&bytes, syntax) {
            Ok(_) => entry.0 += 1,
            Err(error) => {
                entry.1 += 1;
                if valid {
                    failures.push(format!("{version}/{name}: {error}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let n_valid: usize = counts
        .iter()
        .filter(|((_, valid), _)| *valid)
        .map(|(_, (read, _))| read)
        .sum();
    let n_invalid_rejected: usize = counts
        .iter()
        .filter(|((_, valid), _)| !*valid)
        .map(|(_, (_, rejected))| rejected)
        .sum();
    let n_invalid: usize = counts
        .iter()
        .filter(|((_, valid), _)| !*valid)
        .map(|(_, (read, rejected))| read + rejected)
        .sum();
    eprintln!(
        "spec suite: {n_valid} valid files read; {n_invalid_rejected} of {n_invalid} invalid files rejected by the reader"
    );
    for ((version, valid), (read, rejected)) in &counts {
        eprintln!(
            "  {version} {}: read {read}, rejected {rejected}",
            if *valid { "valid" } else { "invalid" }
        );
    }
    assert_eq!(n_valid, 466, "number of valid spec files read");
    // Only `invalid-bomformat-*` (one per JSON version): the rest are schema violations
    // (patterns, enums, counts) that schema validation in the formats crate reports.
    assert_eq!(
        n_invalid_rejected, 6,
        "number of invalid spec files the reader rejects"
    );
}
