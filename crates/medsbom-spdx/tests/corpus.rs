//! Every SPDX document of the shared corpus reads, in every serialization we support; a
//! summary per file (components, relationships, roots, diagnostics) is compared with
//! `tests/data/corpus-summary.txt` (regenerate with `UPDATE_EXPECT=1` and review the diff).
//! RDF/XML and SPDX XML are out of scope and counted as skipped.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use medsbom_model::{ComponentType, ParseError, Parsed, Severity};

const CORPUS_DIRS: [&str; 3] = [
    "sbom/spdx-examples",
    "sbom/spdx-spec-examples",
    "parser-tests/ntia-conformance-checker-tests",
];

fn walk(dir: &Path, res: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, res);
        } else {
            res.push(path);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Json,
    Yaml,
    TagValue,
    Spdx3,
    SkippedXml,
    NotSpdx,
}

fn kind_of(path: &Path, bytes: &[u8]) -> Kind {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with(".json") {
        let is_ld = bytes.windows(8).any(|w| w == b"\"@graph\"");
        return if is_ld { Kind::Spdx3 } else { Kind::Json };
    }
    if name.ends_with(".yaml") || name.ends_with(".yml") {
        return Kind::Yaml;
    }
    if name.ends_with(".spdx") || name.ends_with(".tag") {
        return Kind::TagValue;
    }
    if name.ends_with(".xml") || name.ends_with(".rdf") {
        return Kind::SkippedXml;
    }
    Kind::NotSpdx
}

fn read(kind: Kind, bytes: &[u8]) -> Option<Result<Parsed, ParseError>> {
    match kind {
        Kind::Json => Some(medsbom_spdx::read_json(bytes)),
        Kind::Yaml => Some(medsbom_spdx::read_yaml(bytes)),
        Kind::TagValue => Some(medsbom_spdx::read_tag_value(bytes)),
        Kind::Spdx3 => Some(medsbom_spdx::read_spdx3_json(bytes)),
        Kind::SkippedXml | Kind::NotSpdx => None,
    }
}

#[test]
fn every_corpus_document_reads() {
    let Some(corpus) = medsbom_testkit::corpus_dir() else {
        return;
    };
    let mut files = Vec::new();
    for dir in CORPUS_DIRS {
        let Some(path) = medsbom_testkit::corpus_path(dir) else {
            return;
        };
        walk(&path, &mut files);
    }
    files.sort();
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut summary = String::new();
    let (mut n_components, mut n_relationships) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap_or_default();
        let kind = kind_of(path, &bytes);
        *counts.entry(kind).or_insert(0) += 1;
        let relative = path.strip_prefix(&corpus).unwrap_or(path).display();
        match read(kind, &bytes) {
            None => {}
            Some(Ok(parsed)) => {
                let sbom = &parsed.sbom;
                let n_files = sbom
                    .components
                    .iter()
                    .filter(|c| c.kind == ComponentType::File)
                    .count();
                let n_errors = parsed
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                let _ = writeln!(
                    summary,
                    "{relative}: {kind:?} {} components ({n_files} files), {} relationships, {} roots, {} errors, {} warnings",
                    sbom.components.len(),
                    sbom.relationships.len(),
                    sbom.roots.len(),
                    n_errors,
                    parsed.diagnostics.len() - n_errors,
                );
                n_components += sbom.components.len();
                n_relationships += sbom.relationships.len();
            }
            Some(Err(err)) => failures.push(format!("{relative}: {err}")),
        }
    }
    assert_eq!(failures, Vec::<String>::new());
    let _ = writeln!(
        summary,
        "total: {n_components} components, {n_relationships} relationships"
    );
    let expect_counts = [
        (Kind::Json, 31),
        (Kind::Yaml, 18),
        (Kind::TagValue, 34),
        (Kind::Spdx3, 32),
        (Kind::SkippedXml, 22),
        (Kind::NotSpdx, 37),
    ];
    assert_eq!(counts.into_iter().collect::<Vec<_>>(), expect_counts);
    check_snapshot("tests/data/corpus-summary.txt", &summary);
}

/// Compares with a snapshot file; `UPDATE_EXPECT=1` rewrites it instead.
fn check_snapshot(relative: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        if let Err(err) = std::fs::write(&path, actual) {
            panic!("{}: {err}", path.display());
        }
        return;
    }
    let expect = std::fs::read_to_string(&path).unwrap_or_default();
    if expect != actual {
        let diff: Vec<String> = expect
            .lines()
            .zip(actual.lines())
            .filter(|(e, a)| e != a)
            .map(|(e, a)| format!("- {e}\n+ {a}"))
            .collect();
        panic!(
            "{} differs (UPDATE_EXPECT=1 to accept):\n{}\n({} lines expected, {} found)",
            path.display(),
            diff.join("\n"),
            expect.lines().count(),
            actual.lines().count()
        );
    }
}
