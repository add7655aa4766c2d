//! Every SBOM of the shared corpus that the readers accept is checked under every profile:
//! no panic, and the report's invariants hold (the verdict is the conjunction of the
//! elements, counts match lists, every finding id is documented).

use medsbom_check::{FINDING_IDS, Profile, check, check_many};
use medsbom_model::IsoDate;

#[test]
fn every_readable_corpus_sbom_checks_cleanly() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom") else {
        return;
    };
    let Some(parser_tests) =
        medsbom_testkit::corpus_path("parser-tests/ntia-conformance-checker-tests")
    else {
        return;
    };
    let mut files = medsbom_testkit::files_below(&dir, &|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        [
            ".json", ".xml", ".spdx", ".yaml", ".yml", ".swidtag", ".tag",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
    });
    files.extend(medsbom_testkit::files_below(&parser_tests, &|path| {
        path.extension().is_some_and(|e| e != "md" && e != "toml")
    }));
    let as_of = IsoDate::parse("2025-11-01");
    let mut n_read = 0;
    let mut n_reports = 0;
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok((_, parsed)) = medsbom_formats::read(&bytes) else {
            continue;
        };
        n_read += 1;
        let together = check_many(&parsed.sbom, Profile::all(), as_of);
        assert_eq!(together.len(), Profile::all().len());
        for (profile, shared) in Profile::all().iter().zip(&together) {
            let report = check(&parsed.sbom, *profile, as_of);
            assert_eq!(
                &report,
                shared,
                "{}: check_many differs from check under {profile}",
                path.display()
            );
            n_reports += 1;
            let file = path.display();
            assert_eq!(
                report.conformant,
                report.elements.iter().all(|e| e.passed),
                "{file} {profile}"
            );
            assert!(!report.elements.is_empty(), "{file} {profile}");
            for element in &report.elements {
                assert_eq!(
                    element.failing_count,
                    element.failing.len(),
                    "{file} {profile} {}",
                    element.id
                );
                assert_eq!(
                    element.passed,
                    element.detail.is_none(),
                    "{file} {profile} {}",
                    element.id
                );
            }
            for finding in &report.findings {
                assert!(
                    FINDING_IDS.iter().any(|(id, _)| *id == finding.id),
                    "{file}: {}",
                    finding.id
                );
                assert!(!finding.message.is_empty(), "{file}: {}", finding.id);
            }
        }
    }
    eprintln!(
        "{n_read} of {} corpus files read; {n_reports} reports checked",
        files.len()
    );
    assert!(0 < n_read, "no corpus SBOM could be read");
}
