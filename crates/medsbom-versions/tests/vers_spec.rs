//! The vers-spec range suites, read from the shared corpus: canonical parsing
//! (`vers_canonical_parse_test.json`), validation (`*_range_validate_test.json`), containment
//! (`*_range_containment_test.json`) and native range conversion (`*_range_from_native_test.json`).

use std::path::{Path, PathBuf};

use medsbom_versions::vers::{Comparator, VersionRange};
use serde_json::Value;

/// Native range syntaxes we do not convert, and why.
const UNSUPPORTED_NATIVE_SCHEMES: &[(&str, &str)] = &[
    (
        "conan",
        "Conan ranges are not accepted by the matcher or the CLI yet",
    ),
    (
        "nginx",
        "nginx advisories' ranges are prose (\"0.8.40+\") read by hand, not an ecosystem syntax",
    ),
    (
        "openssl",
        "OpenSSL advisory lists are prose, not an ecosystem syntax",
    ),
];

/// Cases we deliberately do not pass: (file, input), why.
const KNOWN_FAILURES: &[((&str, &str), &str)] = &[
    (
        ("vers_canonical_parse_test.json", "vers:npm/1.0%252F0"),
        "the case is about decoding %25 exactly once (which we do: the version is \"1.0%2F0\"), \
         but we also validate every version with its scheme at parse time and \"1.0%2F0\" is \
         not an npm version; a range whose versions cannot be ordered is of no use to matching",
    ),
    (
        (
            "npm_range_from_native_test.json",
            ">= 0.2.0 <= 0.9.6 || ~0.8.0-pre",
        ),
        "expects ~0.8.0-pre to become >=0.8.0-pre|<0.8.0|>=0.8.0|<0.8.1, an artefact of the \
         generator; node-semver defines ~0.8.0-pre as >=0.8.0-pre <0.9.0-0, which we produce",
    ),
];

fn load(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn suite_files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    medsbom_testkit::files_below(dir, &|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(suffix))
    })
}

fn comparator_symbol(comparator: Comparator) -> &'static str {
    match comparator {
        Comparator::Equal => "=",
        other => other.as_str(),
    }
}

fn run_case(case: &Value) -> Result<(), String> {
    let expected = &case["expected_output"];
    let expected_failure = case["expected_failure"].as_bool().unwrap_or(false);
    match case["test_type"].as_str().unwrap_or_default() {
        "parse" => {
            let input = case["input"].as_str().unwrap_or_default();
            match (VersionRange::parse(input), expected_failure) {
                (Err(_), true) => Ok(()),
                (Ok(range), true) => Err(format!("parsed as {range} but should fail")),
                (Err(err), false) => Err(err.to_string()),
                (Ok(range), false) => {
                    let constraints: Vec<(String, String)> = range
                        .constraints()
                        .iter()
                        .map(|c| {
                            (
                                comparator_symbol(c.comparator).to_owned(),
                                c.version.clone(),
                            )
                        })
                        .collect();
                    let want: Vec<(String, String)> = expected["version_constraints"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|pair| {
                            (
                                pair[0].as_str().unwrap_or_default().to_owned(),
                                pair[1].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect();
                    let scheme_ok = Some(range.scheme_name()) == expected["scheme"].as_str();
                    if scheme_ok && constraints == want {
                        return Ok(());
                    }
                    Err(format!(
                        "parsed {} {constraints:?}, expected {expected}",
                        range.scheme_name()
                    ))
                }
            }
        }
        "validate" => {
            let input = case["input"].as_str().unwrap_or_default();
            match VersionRange::parse_lenient(input) {
                Ok(range) if Some(range.to_string().as_str()) == expected.as_str() => Ok(()),
                Ok(range) => Err(format!("normalized to {range}, expected {expected}")),
                Err(err) => Err(err.to_string()),
            }
        }
        "containment" => {
            let input = &case["input"];
            let vers = input["vers"].as_str().unwrap_or_default();
            let version = input["version"].as_str().unwrap_or_default();
            let range = VersionRange::parse_lenient(vers).map_err(|err| err.to_string())?;
            let contained = range.contains(version).map_err(|err| err.to_string())?;
            if Some(contained) == expected.as_bool() {
                return Ok(());
            }
            Err(format!("{version} in {range} is {contained}"))
        }
        "from_native" => {
            let input = &case["input"];
            let scheme = input["scheme"].as_str().unwrap_or_default();
            let native = input["native_range"].as_str().unwrap_or_default();
            match (VersionRange::from_native(scheme, native), expected_failure) {
                (Ok(range), false) if Some(range.to_string().as_str()) == expected.as_str() => {
                    Ok(())
                }
                (Ok(range), false) => Err(format!("converted to {range}, expected {expected}")),
                (Err(_), true) => Ok(()),
                (Ok(range), true) => Err(format!("converted to {range} but should fail")),
                (Err(err), false) => Err(err.to_string()),
            }
        }
        other => Err(format!("unknown test type {other:?}")),
    }
}

fn case_input(case: &Value) -> String {
    match &case["input"] {
        Value::String(input) => input.clone(),
        Value::Object(map) => {
            match (map.get("native_range"), map.get("vers"), map.get("version")) {
                (Some(native), _, _) => native.as_str().unwrap_or_default().to_owned(),
                (None, Some(vers), Some(version)) => {
                    format!(
                        "{} in {}",
                        version.as_str().unwrap_or_default(),
                        vers.as_str().unwrap_or_default()
                    )
                }
                _ => Value::Object(map.clone()).to_string(),
            }
        }
        other => other.to_string(),
    }
}

#[test]
fn vers_range_suites() {
    let Some(dir) = medsbom_testkit::corpus_path("versions/vers-spec/tests") else {
        return;
    };
    let mut files = suite_files(&dir, "_range_validate_test.json");
    files.extend(suite_files(&dir, "_range_containment_test.json"));
    files.extend(suite_files(&dir, "_range_from_native_test.json"));
    files.extend(suite_files(&dir, "_range_from_native_basic_test.json"));
    files.extend(suite_files(&dir, "vers_canonical_parse_test.json"));
    assert!(
        10 <= files.len(),
        "expected at least 10 range suites, found {}",
        files.len()
    );

    let mut n_passed = 0;
    let mut n_skipped = 0;
    let mut per_file: Vec<(String, usize)> = Vec::new();
    let mut failures: Vec<(String, String, String)> = Vec::new();
    for path in &files {
        let file = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
            .to_owned();
        let doc = load(path);
        let mut n_file_passed = 0;
        for case in doc["tests"].as_array().into_iter().flatten() {
            let scheme = case["input"]["scheme"].as_str().unwrap_or_default();
            if UNSUPPORTED_NATIVE_SCHEMES
                .iter()
                .any(|(name, _)| *name == scheme)
            {
                n_skipped += 1;
                continue;
            }
            match run_case(case) {
                Ok(()) => n_file_passed += 1,
                Err(why) => failures.push((file.clone(), case_input(case), why)),
            }
        }
        n_passed += n_file_passed;
        per_file.push((file, n_file_passed));
    }
    eprintln!(
        "vers ranges: {n_passed} passed {per_file:?}, {n_skipped} skipped (unsupported native schemes), {} failed",
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
