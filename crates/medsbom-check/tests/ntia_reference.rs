//! The NTIA conformance-checker test corpus, read in place: every file gets the verdict of the
//! reference checker (`ntia-conformance-checker` 5.0.3, the version `standards.md` §1.4
//! describes; 6.0.0 gives the same verdicts), and every test folder fails the element its
//! name says, in every serialization the readers support.
//!
//! The reference results below were recorded by running the checker on these files
//! (`SbomChecker(path, compliance=…, sbom_spec=…)`): the verdict for `ntia` and `fsct3-min`,
//! and, when spdx-tools could parse the file, the number of packages failing each element.
//! Files spdx-tools could not parse have `elements: None`: the checker says "not conformant"
//! without element results.

use std::collections::BTreeSet;
use std::path::Path;

use medsbom_check::{Profile, Report, check};
use medsbom_model::Sbom;

/// Per-element results of the reference checker (`ntia` mode; licence and copyright from
/// `fsct3-min` mode).
struct Elements {
    supplier: usize,
    name: usize,
    version: usize,
    identifier: usize,
    license: usize,
    copyright: usize,
    describes_package: bool,
    /// Zero spdx-tools validation messages.
    valid: bool,
}

struct Reference {
    file: &'static str,
    ntia: bool,
    fsct3: bool,
    elements: Option<Elements>,
}

/// Files the readers cannot read (or read differently from spdx-tools), with why. Each
/// entry is a reader gap, not a checker decision; the test fails when a listed file starts to
/// work, so the list stays true.
const KNOWN_READER_GAPS: &[(&str, &str)] = &[
    (".rdf", "SPDX RDF/XML is not a supported input format"),
    (".rdf.xml", "SPDX RDF/XML is not a supported input format"),
    (".xml", "SPDX XML is not a supported input format"),
    (
        "missing_component_name/SPDXJsonExample.json",
        "pre-2.2 layout with a top-level \"Document\" key (spdx-tools-python 0.x), refused by the reader",
    ),
    (
        "missing_component_name/SPDXYamlExample.yaml",
        "pre-2.2 layout with a top-level \"Document\" key (spdx-tools-python 0.x), refused by the reader",
    ),
];

/// Element results that differ from the reference checker although the verdict matches, as
/// (file, check, why). `check` is the label the test prints.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "SPDXSBOMExampleTests/SPDXSBOMExampleMissingAuthorName.spdx.yml",
        "document_valid passed",
        UNDECLARED_LICENSE_REF,
    ),
    (
        "SPDXSBOMExampleTests/SPDXSBOMExampleMissingComponentName.spdx.yml",
        "document_valid passed",
        UNDECLARED_LICENSE_REF,
    ),
    (
        "SPDXSBOMExampleTests/SPDXSBOMExampleMissingComponentVersion.spdx.yml",
        "document_valid passed",
        UNDECLARED_LICENSE_REF,
    ),
    (
        "SPDXSBOMExampleTests/SPDXSBOMExampleMissingDependencyRelationships.spdx.yml",
        "document_valid passed",
        UNDECLARED_LICENSE_REF,
    ),
    (
        "SPDXSBOMExampleTests/SPDXSBOMExampleMissingSupplierName.spdx.yml",
        "document_valid passed",
        UNDECLARED_LICENSE_REF,
    ),
    (
        "SPDXSBOMExampleTests/SPDXSBOMExampleMissingUniqueIdentifiers.spdx.yml",
        "document_valid passed",
        UNDECLARED_LICENSE_REF,
    ),
    (
        "SPDXSBOMExampleTests/bom-alpine-3.15.spdx.json",
        "document_valid passed",
        "spdx-tools rejects a packageVerificationCode when filesAnalyzed is false; the model keeps neither",
    ),
    (
        "spdx3/has_no_sbom.json",
        "dependency_relationship passed",
        "the reference wants a /Software/Sbom element whose rootElement is a package; the model keeps the document's root package but not whether an Sbom element led to it",
    ),
    (
        "spdx3/has_no_sbom.json",
        "copyright failing",
        "checker 5.0.3 skips SPDX 3 packages that have no software_copyrightText at all (6.0.0 counts this package, as medsbom does)",
    ),
];

const UNDECLARED_LICENSE_REF: &str = "spdx-tools rejects a LicenseRef- that hasExtractedLicensingInfos does not declare; the model does not keep that list";

fn known_difference(file: &str, what: &str) -> Option<usize> {
    KNOWN_DIFFERENCES
        .iter()
        .position(|(f, w, _)| *f == file && *w == what)
}

fn reader_gap(file: &str) -> Option<&'static str> {
    KNOWN_READER_GAPS
        .iter()
        .find(|(pattern, _)| file.ends_with(pattern) || file == *pattern)
        .map(|(_, why)| *why)
}

fn read(path: &Path) -> Result<Sbom, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match medsbom_formats::read(&bytes) {
        Ok((_, parsed)) => Ok(parsed.sbom),
        Err(err) => Err(format!("{}: {err}", path.display())),
    }
}

fn failing(report: &Report, id: &str) -> Option<usize> {
    report.element(id).map(|e| e.failing_count)
}

fn passed(report: &Report, id: &str) -> Option<bool> {
    report.element(id).map(|e| e.passed)
}

/// The element a test folder's name says is missing.
fn folder_element(file: &str) -> Option<&'static str> {
    let folder = file.split('/').next().unwrap_or("");
    let name = file.rsplit('/').next().unwrap_or("");
    match folder {
        "missing_author_name" => Some("author"),
        "missing_component_name" => Some("component_name"),
        "missing_component_version" => Some("component_version"),
        "missing_supplier_name" => Some("supplier"),
        "missing_timestamp" => Some("timestamp"),
        "missing_unique_identifiers" => Some("unique_identifier"),
        "missing_dependency_relationships" => Some("dependency_relationship"),
        "spdx3" => match name {
            "missing_supplier_name.json" => Some("supplier"),
            "missing_version.json" => Some("component_version"),
            "missing_unique_identifiers.json" => Some("unique_identifier"),
            _ => None,
        },
        _ => None,
    }
}

include!("ntia_reference/table.rs");

#[test]
fn every_file_gets_the_reference_verdict() {
    let Some(dir) = medsbom_testkit::corpus_path("parser-tests/ntia-conformance-checker-tests")
    else {
        return;
    };
    let mut problems: Vec<String> = Vec::new();
    let mut n_checked = 0;
    let mut gaps_seen: BTreeSet<&str> = BTreeSet::new();
    let mut differences_seen: BTreeSet<usize> = BTreeSet::new();
    for reference in REFERENCE {
        let path = dir.join(reference.file);
        let sbom = match (read(&path), reader_gap(reference.file)) {
            (Ok(_), Some(why)) => {
                problems.push(format!(
                    "{}: listed as a reader gap ({why}) but reads now",
                    reference.file
                ));
                continue;
            }
            (Err(_), Some(_)) => {
                gaps_seen.insert(reference.file);
                continue;
            }
            (Err(err), None) => {
                problems.push(format!("{}: reader error: {err}", reference.file));
                continue;
            }
            (Ok(sbom), None) => sbom,
        };
        n_checked += 1;
        let ntia = check(&sbom, Profile::Ntia2021, None);
        let fsct3 = check(&sbom, Profile::Fsct3Min, None);
        let mut expect = |what: &str, actual: String, expected: String| {
            if actual == expected {
                return;
            }
            match known_difference(reference.file, what) {
                Some(idx) => {
                    differences_seen.insert(idx);
                }
                None => problems.push(format!(
                    "{}: {what}: got {actual}, reference {expected}",
                    reference.file
                )),
            }
        };
        expect(
            "ntia-2021 verdict",
            ntia.conformant.to_string(),
            reference.ntia.to_string(),
        );
        expect(
            "fsct3-min verdict",
            fsct3.conformant.to_string(),
            reference.fsct3.to_string(),
        );
        if let Some(folder_element) = folder_element(reference.file) {
            expect(
                &format!("{folder_element} (the folder's element) passed"),
                format!("{:?}", passed(&ntia, folder_element)),
                "Some(false)".to_owned(),
            );
        }
        let Some(elements) = &reference.elements else {
            continue;
        };
        let counts = [
            ("supplier", elements.supplier),
            ("component_name", elements.name),
            ("component_version", elements.version),
            ("unique_identifier", elements.identifier),
        ];
        for (id, count) in counts {
            expect(
                &format!("{id} failing"),
                format!("{:?}", failing(&ntia, id)),
                format!("{:?}", Some(count)),
            );
        }
        expect(
            "license failing",
            format!("{:?}", failing(&fsct3, "license")),
            format!("{:?}", Some(elements.license)),
        );
        expect(
            "copyright failing",
            format!("{:?}", failing(&fsct3, "copyright")),
            format!("{:?}", Some(elements.copyright)),
        );
        expect(
            "dependency_relationship passed",
            format!("{:?}", passed(&ntia, "dependency_relationship")),
            format!("{:?}", Some(elements.describes_package)),
        );
        expect(
            "author passed",
            format!("{:?}", passed(&ntia, "author")),
            "Some(true)".to_owned(),
        );
        expect(
            "timestamp passed",
            format!("{:?}", passed(&ntia, "timestamp")),
            "Some(true)".to_owned(),
        );
        expect(
            "document_valid passed",
            format!("{:?}", passed(&ntia, "document_valid")),
            format!("{:?}", Some(elements.valid)),
        );
    }
    for (idx, (file, what, _)) in KNOWN_DIFFERENCES.iter().enumerate() {
        if !differences_seen.contains(&idx) {
            problems.push(format!(
                "{file}: {what}: listed as a known difference but now agrees"
            ));
        }
    }
    eprintln!(
        "checked {n_checked} of {} reference files; {} skipped as reader gaps",
        REFERENCE.len(),
        gaps_seen.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_reference_table_covers_every_corpus_file() {
    let Some(dir) = medsbom_testkit::corpus_path("parser-tests/ntia-conformance-checker-tests")
    else {
        return;
    };
    let on_disk: BTreeSet<String> = medsbom_testkit::files_below(&dir, &|path| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        !(name == "LICENSE" || name.ends_with(".md") || name.ends_with(".toml"))
    })
    .iter()
    .filter_map(|path| path.strip_prefix(&dir).ok())
    .map(|path| path.to_string_lossy().replace('\\', "/"))
    .collect();
    let in_table: BTreeSet<String> = REFERENCE.iter().map(|r| r.file.to_owned()).collect();
    assert_eq!(on_disk, in_table);
}
