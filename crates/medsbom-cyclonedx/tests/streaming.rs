//! The JSON reader converts `components` while it reads them when `metadata` came first, and
//! collects them otherwise: the result must not depend on the order of the top-level keys.

use medsbom_model::{Location, Parsed};

/// Top-level members of one document, to be joined in any order.
const MEMBERS: &[(&str, &str)] = &[
    ("bomFormat", r#""CycloneDX""#),
    ("specVersion", r#""1.9""#),
    (
        "serialNumber",
        r#""urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79""#,
    ),
    (
        "metadata",
        r#"{"timestamp":"2024-01-01T00:00:00Z","component":{"type":"device","bom-ref":"dup","name":"pump",
            "components":[{"type":"firmware","name":"fw","components":[{"type":"file","name":"blob"}]}]},
            "properties":[{"name":"medsbom:documentName","value":"Pump SBOM"}],
            "distributionConstraints":{"tlp":"AMBER"}}"#,
    ),
    (
        "components",
        r#"[{"type":"library","bom-ref":"dup","name":"a","properties":[{"name":"End-of-Support","value":"2030-01-01"}],
            "evidence":{"identity":[]}},
           {"bom-ref":"b","name":"b"},
           {"type":"widget","name":"c","components":[{"type":"library","bom-ref":"b","name":"c1"}]}]"#,
    ),
    (
        "services",
        r#"[{"bom-ref":"svc","name":"api","services":[{"name":"inner"}]}]"#,
    ),
    (
        "dependencies",
        r#"[{"ref":"dup","dependsOn":["b","ghost"]},{"ref":"svc","provides":["b"]}]"#,
    ),
    ("properties", r#"[{"name":"x","value":"y"}]"#),
    ("annotations", r#"[{"text":"kept"}]"#),
    ("x-unknown", r#"{"a":[1,2,3]}"#),
];

fn document(order: &[usize]) -> String {
    let members: Vec<String> = order
        .iter()
        .map(|&idx| format!("\"{}\":{}", MEMBERS[idx].0, MEMBERS[idx].1))
        .collect();
    format!("{{{}}}", members.join(",\n"))
}

fn read(text: &str) -> Parsed {
    medsbom_cyclonedx::read_json(text.as_bytes()).expect("document is usable")
}

#[test]
fn key_order_does_not_change_the_result() {
    let canonical: Vec<usize> = (0..MEMBERS.len()).collect();
    let expect = read(&document(&canonical));
    // The conversion did happen: nested, renamed, generated and dangling refs are all there.
    let refs: Vec<&str> = expect
        .sbom
        .components
        .iter()
        .map(|c| c.bom_ref.as_str())
        .collect();
    assert_eq!(
        refs,
        [
            "dup",
            "medsbom-gen-1",
            "medsbom-gen-2",
            "medsbom-gen-3",
            "b",
            "medsbom-gen-4",
            "medsbom-gen-5",
            "svc",
            "medsbom-gen-6"
        ]
    );
    assert_eq!(expect.sbom.roots, ["dup"]);
    assert_eq!(expect.sbom.name.as_deref(), Some("Pump SBOM"));
    let messages: Vec<String> = expect.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        messages,
        [
            "warning: /specVersion: unknown cyclonedx spec version \"1.9\"; read as 1.7",
            "warning: /components/0/bom-ref: duplicate bom-ref \"dup\"; this one renamed to \"medsbom-gen-3\"",
            "error: /components/1: component has no type",
            "warning: /components/2/type: unknown component type \"widget\"",
            "warning: /components/2/components/0/bom-ref: duplicate bom-ref \"b\"; this one renamed to \"medsbom-gen-5\"",
            "warning: /dependencies/0/dependsOn/1: dependency ref \"ghost\" points to no component or service",
        ]
    );
    let extensions: Vec<&str> = expect
        .sbom
        .extensions
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(
        extensions,
        ["/metadata/distributionConstraints", "/annotations"]
    );

    let n = MEMBERS.len();
    let reversed: Vec<usize> = (0..n).rev().collect();
    let mut alphabetical = canonical.clone();
    alphabetical.sort_by_key(|&idx| MEMBERS[idx].0);
    let components_first = [4, 0, 1, 2, 3, 5, 6, 7, 8, 9];
    let metadata_last = [0, 1, 2, 4, 5, 6, 7, 8, 9, 3];
    let header_last = [3, 4, 5, 6, 7, 8, 9, 0, 1, 2];
    for order in [
        &reversed[..],
        &alphabetical[..],
        &components_first[..],
        &metadata_last[..],
        &header_last[..],
    ] {
        let got = read(&document(order));
        assert_eq!(got.sbom, expect.sbom, "order {order:?}");
        assert_eq!(got.diagnostics, expect.diagnostics, "order {order:?}");
    }
}

#[test]
fn syntax_and_type_errors_win_over_conversion_errors() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let head = r#""bomFormat":"CycloneDX","specVersion":"1.6","metadata":{}"#;
    let components = format!(r#""components":[{{"type":"library","name":"a","evidence":{deep}}}]"#);
    // Alone, the too-deep extension of the (streamed) component is the error.
    let error = medsbom_cyclonedx::read_json(format!("{{{head},{components}}}").as_bytes())
        .expect_err("too deep");
    assert_eq!(
        error.location,
        Location::Pointer("/components/0/evidence".to_owned())
    );
    // A type error later in the document is reported instead, as when the whole document
    // was parsed before any conversion.
    let error = medsbom_cyclonedx::read_json(
        format!("{{{head},{components},\"version\":\"1\"}}").as_bytes(),
    )
    .expect_err("bad version");
    assert_eq!(error.location, Location::Pointer("/version".to_owned()));
    assert!(error.message.contains("invalid type"), "{error}");
    // So does a wrong bomFormat.
    let error = medsbom_cyclonedx::read_json(
        format!(r#"{{"metadata":{{}},{components},"bomFormat":"SPDX"}}"#).as_bytes(),
    )
    .expect_err("not cyclonedx");
    assert_eq!(error.location, Location::Pointer("/bomFormat".to_owned()));
    // A duplicate key is a type error, whether or not it is a streamed one.
    let error = medsbom_cyclonedx::read_json(
        format!(r#"{{{head},"components":[],"components":[]}}"#).as_bytes(),
    )
    .expect_err("duplicate");
    assert!(
        error.message.contains("duplicate field `components`"),
        "{error}"
    );
}
