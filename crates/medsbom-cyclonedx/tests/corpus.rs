//! Reads every CycloneDX document of the shared corpus and checks what comes out.

mod common;

use common::Syntax;

#[test]
fn every_corpus_sbom_parses() {
    let Some(files) = common::corpus_sboms() else {
        return;
    };
    let mut failures = Vec::new();
    let (mut n_json, mut n_xml) = (0, 0);
    for (path, syntax) in &files {
        let bytes = std::fs::read(path).expect("corpus file is readable");
        match common::read(&bytes, *syntax) {
            Ok(_) if *syntax == Syntax::Json => n_json += 1,
            Ok(_) => n_xml += 1,
            Err(error) => failures.push(format!("{}: {error}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!((n_json, n_xml), (68, 21), "parsed (json, xml) files");
}
