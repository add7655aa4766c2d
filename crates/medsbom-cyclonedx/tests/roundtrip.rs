//! Round trips over the corpus: read → write (1.6 JSON and XML) → read keeps what the model
//! holds, and the JSON output validates against the official 1.6 schema.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use medsbom_model::{Component, ComponentType, RelationshipKind, Sbom};

/// What must survive a round trip, per component.
#[derive(Debug, PartialEq)]
struct ComponentView {
    bom_ref: String,
    kind: String,
    name: String,
    version: Option<String>,
    purl: Option<String>,
    cpes: Vec<String>,
    hashes: Vec<(String, String)>,
    licenses: Vec<String>,
    license_concluded: Option<String>,
    supplier: Option<String>,
    parent: Option<String>,
    support: String,
}

/// The type as CycloneDX 1.6 can write it (SPDX-only and unknown types are mapped, with a
/// warning, by the writers).
fn kind_as_written(kind: &ComponentType) -> &str {
    match kind {
        ComponentType::Source | ComponentType::Archive => "file",
        ComponentType::Install => "application",
        ComponentType::Other(other) if other != "service" => "library",
        other => other.as_str(),
    }
}

fn component_view(component: &Component) -> ComponentView {
    let support = &component.support;
    ComponentView {
        bom_ref: component.bom_ref.clone(),
        kind: kind_as_written(&component.kind).to_owned(),
        name: component.name.clone(),
        version: component.version.clone(),
        purl: component.purl.clone(),
        cpes: component.cpes.clone(),
        hashes: component
            .hashes
            .iter()
            .map(|h| (h.algorithm.clone(), h.value.clone()))
            .collect(),
        licenses: component
            .licenses
            .iter()
            .map(|l| l.text().to_owned())
            .collect(),
        license_concluded: component.extra.license_concluded.clone(),
        supplier: component.supplier.as_ref().map(|s| s.name.clone()),
        parent: component.extra.parent.clone(),
        support: format!(
            "{:?} {:?} {:?} {:?}",
            support.level,
            support.level_text,
            support.end_of_support.as_ref().map(|m| (&m.text, m.date)),
            support
                .milestones
                .iter()
                .map(|m| (&m.name, &m.text))
                .collect::<Vec<_>>()
        ),
    }
}

/// The normalized projection compared before and after a round trip.
#[derive(Debug, PartialEq)]
struct View {
    roots: Vec<String>,
    components: Vec<ComponentView>,
    relationships: BTreeSet<(String, String, String)>,
    vulnerabilities: Vec<(String, usize, Option<String>)>,
    compositions: Vec<(String, Vec<String>)>,
    tools: Vec<(Option<String>, String, Option<String>)>,
    authors: Vec<String>,
}

fn view(sbom: &Sbom) -> View {
    let mut components: Vec<ComponentView> = sbom.components.iter().map(component_view).collect();
    components.sort_by(|a, b| a.bom_ref.cmp(&b.bom_ref));
    View {
        roots: sbom.roots.clone(),
        components,
        relationships: sbom
            .relationships
            .iter()
            .map(|r| {
                let kind = match &r.kind {
                    RelationshipKind::DependsOn => "dependsOn".to_owned(),
                    RelationshipKind::Contains => "contains".to_owned(),
                    RelationshipKind::Provides => "provides".to_owned(),
                    other => format!("{other:?}"),
                };
                (r.from.clone(), r.to.clone(), kind)
            })
            .collect(),
        vulnerabilities: sbom
            .vulnerabilities
            .iter()
            .map(|v| {
                (
                    v.id.clone(),
                    v.affects.len(),
                    v.analysis.as_ref().and_then(|a| a.state.clone()),
                )
            })
            .collect(),
        compositions: sbom
            .compositions
            .iter()
            .map(|c| (c.aggregate.clone(), c.assemblies.clone()))
            .collect(),
        tools: sbom
            .tools
            .iter()
            .map(|t| (t.vendor.clone(), t.name.clone(), t.version.clone()))
            .collect(),
        authors: sbom.authors.iter().map(|a| a.name.clone()).collect(),
    }
}

fn schema_validator() -> Option<jsonschema::Validator> {
    let dir = medsbom_testkit::corpus_path("schemas/cyclonedx")?;
    let load = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("schema file is readable");
        serde_json::from_str(&text).expect("schema file is json")
    };
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            load("spdx.schema.json"),
        )
        .expect("spdx schema registers")
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            load("jsf-0.82.schema.json"),
        )
        .expect("jsf schema registers")
        .prepare()
        .expect("registry prepares");
    let validator = jsonschema::options()
        .with_registry(&registry)
        .offline()
        .build(&load("bom-1.6.schema.json"))
        .expect("bom 1.6 schema compiles");
    Some(validator)
}

fn schema_errors(validator: &jsonschema::Validator, bytes: &[u8]) -> Vec<String> {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(error) => return vec![format!("output is not json: {error}")],
    };
    validator
        .iter_errors(&value)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn file_name(path: &Path) -> String {
    path.to_string_lossy()
        .rsplit("corpus/")
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn corpus_round_trips_through_json_and_xml() {
    let Some(files) = common::corpus_sboms() else {
        return;
    };
    let Some(validator) = schema_validator() else {
        return;
    };
    let mut failures = Vec::new();
    let mut n_checked = 0;
    for (path, syntax) in &files {
        let name = file_name(path);
        let bytes = std::fs::read(path).expect("corpus file is readable");
        let original = match common::read(&bytes, *syntax) {
            Ok(parsed) => parsed.sbom,
            Err(error) => {
                failures.push(format!("{name}: read: {error}"));
                continue;
            }
        };
        let expected = view(&original);

        let json = medsbom_cyclonedx::write_json(&original);
        let errors = schema_errors(&validator, &json.bytes);
        if !errors.is_empty() {
            failures.push(format!(
                "{name}: json output fails the 1.6 schema: {errors:#?}"
            ));
        }
        match medsbom_cyclonedx::read_json(&json.bytes) {
            Ok(again) if view(&again.sbom) == expected => {}
            Ok(again) => failures.push(format!(
                "{name}: json round trip differs: {}",
                first_difference(&expected, &view(&again.sbom))
            )),
            Err(error) => failures.push(format!("{name}: json output does not read: {error}")),
        }

        let xml = medsbom_cyclonedx::write_xml(&original);
        match medsbom_cyclonedx::read_xml(&xml.bytes) {
            Ok(again) if view(&again.sbom) == expected => {}
            Ok(again) => failures.push(format!(
                "{name}: xml round trip differs: {}",
                first_difference(&expected, &view(&again.sbom))
            )),
            Err(error) => failures.push(format!("{name}: xml output does not read: {error}")),
        }
        n_checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
    assert_eq!(n_checked, files.len());
}

fn first_difference(expected: &View, actual: &View) -> String {
    if expected.components.len() != actual.components.len() {
        return format!(
            "{} components, then {}",
            expected.components.len(),
            actual.components.len()
        );
    }
    for (a, b) in expected.components.iter().zip(&actual.components) {
        if a != b {
            return format!("component {a:?} became {b:?}");
        }
    }
    if expected.relationships != actual.relationships {
        let lost: Vec<_> = expected
            .relationships
            .difference(&actual.relationships)
            .take(3)
            .collect();
        let gained: Vec<_> = actual
            .relationships
            .difference(&expected.relationships)
            .take(3)
            .collect();
        return format!("relationships lost {lost:?}, gained {gained:?}");
    }
    format!(
        "roots {:?}/{:?} vulns {:?}/{:?} compositions {:?}/{:?} tools {:?}/{:?} authors {:?}/{:?}",
        expected.roots,
        actual.roots,
        expected.vulnerabilities,
        actual.vulnerabilities,
        expected.compositions,
        actual.compositions,
        expected.tools,
        actual.tools,
        expected.authors,
        actual.authors
    )
}

#[test]
fn spec_suite_documents_written_as_1_6_json_validate() {
    let Some(dir) = medsbom_testkit::corpus_path("parser-tests/cyclonedx-spec-test-resources")
    else {
        return;
    };
    let Some(validator) = schema_validator() else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir, &|p| {
        common::syntax_of(p).is_some()
            && p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("valid-"))
    });
    let mut failures = Vec::new();
    let mut n_checked = 0;
    for path in &files {
        let Some(syntax) = common::syntax_of(path) else {
            continue;
        };
        let bytes = std::fs::read(path).expect("spec file is readable");
        let Ok(parsed) = common::read(&bytes, syntax) else {
            failures.push(format!("{}: does not read", file_name(path)));
            continue;
        };
        let json = medsbom_cyclonedx::write_json(&parsed.sbom);
        let errors = schema_errors(&validator, &json.bytes);
        if !errors.is_empty() {
            failures.push(format!("{}: {errors:#?}", file_name(path)));
        }
        let xml = medsbom_cyclonedx::write_xml(&parsed.sbom);
        if let Err(error) = medsbom_cyclonedx::read_xml(&xml.bytes) {
            failures.push(format!(
                "{}: xml output does not read: {error}",
                file_name(path)
            ));
        }
        n_checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
    assert_eq!(n_checked, 466);
}
