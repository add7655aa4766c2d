//! The vers-spec version comparison suites (`versions/vers-spec/tests/*_version_cmp_test.json`
//! and `lexicographic-test.json`), read from the shared corpus.

use std::cmp::Ordering;

use medsbom_versions::compare::{Scheme, compare};
use serde_json::Value;

/// vers schemes of the suite that we do not implement, and why. Currently none.
const UNSUPPORTED_SCHEMES: &[(&str, &str)] = &[];

/// Cases we deliberately do not pass: (file, versions joined with " | "), why.
const KNOWN_FAILURES: &[((&str, &str), &str)] = &[];

fn versions(case: &Value) -> Vec<String> {
    case["input"]["versions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|version| version.as_str().unwrap_or_default().to_owned())
        .collect()
}

fn run_case(scheme: Scheme, case: &Value) -> Result<(), String> {
    let input = versions(case);
    match case["test_type"].as_str().unwrap_or_default() {
        "comparison" => {
            let mut sorted = input.clone();
            let mut error = None;
            sorted.sort_by(|a, b| match compare(scheme, a, b) {
                Ok(ordering) => ordering,
                Err(err) => {
                    error = Some(err.to_string());
                    Ordering::Equal
                }
            });
            if let Some(error) = error {
                return Err(error);
            }
            let expected: Vec<&str> = case["expected_output"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            if sorted.len() != expected.len() {
                return Err(format!("sorted {sorted:?}, expected {expected:?}"));
            }
            for (actual, want) in sorted.iter().zip(&expected) {
                if compare(scheme, actual, want).map_err(|err| err.to_string())? != Ordering::Equal
                {
                    return Err(format!("sorted {sorted:?}, expected {expected:?}"));
                }
            }
            Ok(())
        }
        "equality" => {
            let (Some(a), Some(b)) = (input.first(), input.get(1)) else {
                return Err("an equality case needs two versions".to_owned());
            };
            let equal = compare(scheme, a, b).map_err(|err| err.to_string())? == Ordering::Equal;
            if Some(equal) == case["expected_output"].as_bool() {
                return Ok(());
            }
            Err(format!("{a} == {b} is {equal}"))
        }
        other => Err(format!("unknown test type {other:?}")),
    }
}

#[test]
fn vers_version_comparison_suites() {
    let Some(dir) = medsbom_testkit::corpus_path("versions/vers-spec/tests") else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir, &|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| {
                name.ends_with("_version_cmp_test.json") || name == "lexicographic-test.json"
            })
    });
    assert!(
        9 <= files.len(),
        "expected at least 9 comparison suites, found {}",
        files.len()
    );
    let mut n_passed = 0;
    let mut failures: Vec<(String, String, String)> = Vec::new();
    let mut per_scheme: Vec<(String, usize)> = Vec::new();
    for path in &files {
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        for case in doc["tests"].as_array().into_iter().flatten() {
            let scheme_name = case["input"]["input_scheme"].as_str().unwrap_or_default();
            if UNSUPPORTED_SCHEMES
                .iter()
                .any(|(name, _)| *name == scheme_name)
            {
                continue;
            }
            let Some(scheme) = Scheme::from_vers_scheme(scheme_name) else {
                failures.push((
                    file.clone(),
                    scheme_name.to_owned(),
                    "unknown scheme".to_owned(),
                ));
                continue;
            };
            match run_case(scheme, case) {
                Ok(()) => {
                    n_passed += 1;
                    match per_scheme.iter_mut().find(|(name, _)| name == scheme_name) {
                        Some((_, count)) => *count += 1,
                        None => per_scheme.push((scheme_name.to_owned(), 1)),
                    }
                }
                Err(why) => failures.push((file.clone(), versions(case).join(" | "), why)),
            }
        }
    }
    eprintln!(
        "vers version comparison: {n_passed} cases passed {per_scheme:?}, {} failed",
        failures.len()
    );
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(file, input, _)| {
            !KNOWN_FAILURES
                .iter()
                .any(|((f, i), _)| f == file && i == input)
        })
        .map(|(file, input, why)| format!("{file}: {input}: {why}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected failures:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    let now_passing: Vec<String> = KNOWN_FAILURES
        .iter()
        .filter(|((f, i), _)| {
            !failures
                .iter()
                .any(|(file, input, _)| file == f && input == i)
        })
        .map(|((f, i), _)| format!("{f}: {i}"))
        .collect();
    assert!(
        now_passing.is_empty(),
        "known failures now pass, remove them:\n{}",
        now_passing.join("\n")
    );
}
