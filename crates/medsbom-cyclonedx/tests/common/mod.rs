//! Helpers shared by the integration tests: finding CycloneDX files in the corpus and reading
//! them with the right reader.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use medsbom_model::{ParseError, Parsed};

/// The syntax of a corpus file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON.
    Json,
    /// XML.
    Xml,
}

/// The syntax of a file from its name, for `.json` and `.xml` files.
pub fn syntax_of(path: &Path) -> Option<Syntax> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => Some(Syntax::Json),
        Some("xml") => Some(Syntax::Xml),
        _ => None,
    }
}

/// Whether the bytes look like a CycloneDX document (a `bomFormat` key, or the CycloneDX
/// namespace), as opposed to another JSON/XML file that happens to sit in the corpus.
pub fn looks_like_cyclonedx(bytes: &[u8], syntax: Syntax) -> bool {
    // Keys may be sorted, so `bomFormat` can sit at the very end of a JSON document.
    let text = String::from_utf8_lossy(bytes);
    match syntax {
        Syntax::Json => text.contains("\"bomFormat\""),
        Syntax::Xml => text.contains("http://cyclonedx.org/schema/bom/"),
    }
}

/// Reads a document with the reader for its syntax.
pub fn read(bytes: &[u8], syntax: Syntax) -> Result<Parsed, ParseError> {
    match syntax {
        Syntax::Json => medsbom_cyclonedx::read_json(bytes),
        Syntax::Xml => medsbom_cyclonedx::read_xml(bytes),
    }
}

/// Every CycloneDX file the corpus tests read: bom-examples (recursively), the osv-scanner
/// `*.cdx.*` files and the medical-device case study. `None` when the corpus is absent.
pub fn corpus_sboms() -> Option<Vec<(PathBuf, Syntax)>> {
    let examples = medsbom_testkit::corpus_path("sbom/cyclonedx-bom-examples")?;
    let osv = medsbom_testkit::corpus_path("sbom/osv-scanner-testdata")?;
    let case_study = medsbom_testkit::corpus_path("sbom/medical-device/case-study")?;
    let mut res = Vec::new();
    let mut add = |paths: Vec<PathBuf>| {
        for path in paths {
            let Some(syntax) = syntax_of(&path) else {
                continue;
            };
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if looks_like_cyclonedx(&bytes, syntax) {
                res.push((path, syntax));
            }
        }
    };
    add(medsbom_testkit::files_below(&examples, &|p| {
        syntax_of(p).is_some()
    }));
    add(medsbom_testkit::files_below(&osv, &|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.contains(".cdx."))
    }));
    add(medsbom_testkit::files_below(&case_study, &|p| {
        syntax_of(p) == Some(Syntax::Json)
    }));
    Some(res)
}
