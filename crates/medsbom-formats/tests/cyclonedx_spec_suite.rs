//! The CycloneDX specification's own test suite (`valid-*` must validate, `invalid-*` must
//! not), read in place from the shared corpus.

use std::path::{Path, PathBuf};

use medsbom_formats::{Format, validate};

/// Files whose verdict differs from their name, with the reason. Asserted both ways: a file
/// listed here that starts to be classified correctly fails the test, so the list stays true.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[];

/// Spec versions with JSON and XML tests; 1.0 and 1.1 exist in XML only.
const VERSIONS: &[&str] = &["1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

fn suite_files() -> Option<Vec<PathBuf>> {
    let dir = medsbom_testkit::corpus_path("parser-tests/cyclonedx-spec-test-resources")?;
    let mut res = Vec::new();
    for version in VERSIONS {
        res.extend(medsbom_testkit::files_below(
            &dir.join(version),
            &|p: &Path| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                (name.starts_with("valid-") || name.starts_with("invalid-"))
                    && (name.ends_with(".json") || name.ends_with(".xml"))
            },
        ));
    }
    Some(res)
}

#[test]
fn spec_suite_valid_and_invalid_files() {
    let Some(files) = suite_files() else { return };
    if !medsbom_formats::schemas_available() {
        medsbom_testkit::skip("the bundled schemas", "built without MEDSBOM_SCHEMA_DIR");
        return;
    }
    let mut wrong = Vec::new();
    let mut counts = [[0_usize; 2]; 2]; // [json, xml] × [valid, invalid]
    for path in &files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let expect_valid = name.starts_with("valid-");
        let is_xml = name.ends_with(".xml");
        counts[usize::from(is_xml)][usize::from(!expect_valid)] += 1;
        let bytes = std::fs::read(path).unwrap_or_default();
        let report = validate(&bytes);
        let format = report.detected.as_ref().map(|d| d.format);
        if expect_valid {
            let expected_format = if is_xml {
                Format::CycloneDxXml
            } else {
                Format::CycloneDxJson
            };
            assert_eq!(format, Some(expected_format), "{name}");
        }
        let exception = KNOWN_EXCEPTIONS.iter().find(|(file, _)| *file == name);
        let correct = report.valid == expect_valid;
        match (correct, exception) {
            (true, None) => {}
            (false, Some(_)) => {}
            (true, Some((_, why))) => {
                wrong.push(format!("{name}: now correct, remove the exception ({why})"))
            }
            (false, None) => wrong.push(format!(
                "{name}: expected {}, got {} {:?}",
                if expect_valid { "valid" } else { "invalid" },
                if report.valid { "valid" } else { "invalid" },
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
        "cyclonedx spec suite: json {} valid + {} invalid, xml {} valid + {} invalid, {} exceptions",
        counts[0][0],
        counts[0][1],
        counts[1][0],
        counts[1][1],
        KNOWN_EXCEPTIONS.len()
    );
    // Guards against the suite silently shrinking (files moved, filter broken).
    assert_eq!(counts, [[218, 139], [246, 167]], "suite size changed");
    assert!(
        wrong.is_empty(),
        "{} misclassified:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
