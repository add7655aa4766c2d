//! The official SPDX spec examples ship the same document as JSON, YAML and tag-value: each
//! form must give the same components and relationships.

use std::collections::BTreeSet;

use medsbom_model::{Parsed, Sbom};

/// What must agree across serializations, per component.
fn component_keys(sbom: &Sbom) -> BTreeSet<String> {
    sbom.components
        .iter()
        .map(|c| {
            let mut hashes: Vec<String> =
                c.hashes.iter().map(|h| format!("{}:{}", h.algorithm, h.value)).collect();
            hashes.sort();
            format!(
                "{} name={:?} version={:?} kind={:?} purl={:?} cpes={:?} hashes={:?} supplier={:?} authors={:?} eos={:?}",
                c.bom_ref,
                c.name,
                c.version,
                c.kind,
                c.purl,
                c.cpes,
                hashes,
                c.supplier.as_ref().map(|p| (p.kind, &p.name, &p.email)),
                c.extra.authors.iter().map(|p| (p.kind, &p.name, &p.email)).collect::<Vec<_>>(),
                c.support.end_of_support.as_ref().map(|m| &m.text),
            )
        })
        .collect()
}

fn relationship_keys(sbom: &Sbom) -> BTreeSet<String> {
    sbom.relationships
        .iter()
        .map(|r| format!("{} {:?} {}", r.from, r.kind, r.to))
        .collect()
}

fn read(dir: &std::path::Path, name: &str) -> Parsed {
    let bytes = std::fs::read(dir.join(name)).unwrap_or_default();
    let parsed = if name.ends_with(".json") {
        medsbom_spdx::read_json(&bytes)
    } else if name.ends_with(".yaml") {
        medsbom_spdx::read_yaml(&bytes)
    } else {
        medsbom_spdx::read_tag_value(&bytes)
    };
    match parsed {
        Ok(parsed) => parsed,
        Err(err) => panic!("{name}: {err}"),
    }
}

fn check_same(version_dir: &str, files: [&str; 3], n_components: usize, n_relationships: usize) {
    let Some(dir) = medsbom_testkit::corpus_path(version_dir) else {
        return;
    };
    let [json, yaml, tag_value] = files.map(|f| read(&dir, f));
    let expect_components = component_keys(&json.sbom);
    let expect_relationships = relationship_keys(&json.sbom);
    assert_eq!(
        (expect_components.len(), expect_relationships.len()),
        (n_components, n_relationships)
    );
    for (name, other) in [(files[1], &yaml), (files[2], &tag_value)] {
        let components = component_keys(&other.sbom);
        assert_eq!(
            components
                .symmetric_difference(&expect_components)
                .collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "components of {name} differ from {}",
            files[0]
        );
        let relationships = relationship_keys(&other.sbom);
        assert_eq!(
            relationships
                .symmetric_difference(&expect_relationships)
                .collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "relationships of {name} differ from {}",
            files[0]
        );
        assert_eq!(other.sbom.roots, json.sbom.roots, "roots of {name}");
        assert_eq!(other.sbom.serial_number, json.sbom.serial_number);
        assert_eq!(other.sbom.timestamp, json.sbom.timestamp);
        assert_eq!(other.sbom.authors, json.sbom.authors);
        assert_eq!(other.sbom.tools, json.sbom.tools);
    }
}

#[test]
fn spec_example_v2_3_is_the_same_in_every_serialization() {
    check_same(
        "sbom/spdx-spec-examples/v2.3",
        [
            "SPDXJSONExample-v2.3.spdx.json",
            "SPDXYAMLExample-2.3.spdx.yaml",
            "SPDXTagExample-v2.3.spdx",
        ],
        10,
        13,
    );
}

#[test]
fn spec_example_v2_2_is_the_same_in_every_serialization() {
    check_same(
        "sbom/spdx-spec-examples/v2.2",
        [
            "SPDXJSONExample-v2.2.spdx.json",
            "SPDXYAMLExample-2.2.spdx.yaml",
            "SPDXTagExample-v2.2.spdx",
        ],
        9,
        11,
    );
}
