//! Hostile and broken inputs: every reader answers with an error that says where, or with a
//! usable document plus warnings, and never panics.

use medsbom_model::{Location, ParseError, Parsed, Severity};

const MINIMAL_JSON: &str = r#"{
  "spdxVersion": "SPDX-2.3",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "pump",
  "dataLicense": "CC0-1.0",
  "documentNamespace": "https://example.com/pump",
  "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: x-1"]},
  "packages": [
    {"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "NOASSERTION"}
  ]
}"#;

fn err_of(result: Result<Parsed, ParseError>) -> ParseError {
    match result {
        Ok(parsed) => panic!(
            "expected an error, got {} components",
            parsed.sbom.components.len()
        ),
        Err(err) => err,
    }
}

fn ok_of(result: Result<Parsed, ParseError>) -> Parsed {
    match result {
        Ok(parsed) => parsed,
        Err(err) => panic!("expected a document, got {err}"),
    }
}

fn messages(parsed: &Parsed) -> Vec<String> {
    parsed.diagnostics.iter().map(ToString::to_string).collect()
}

#[test]
fn truncated_json_reports_line_and_column() {
    let cut = &MINIMAL_JSON[..MINIMAL_JSON.len() / 2];
    let err = err_of(medsbom_spdx::read_json(cut.as_bytes()));
    assert!(
        matches!(err.location, Location::LineColumn { line: 5.., .. }),
        "{err}"
    );
    assert!(err.message.starts_with("invalid spdx json: "), "{err}");
    let err = err_of(medsbom_spdx::read_json(b""));
    assert_eq!(err.location, Location::LineColumn { line: 1, column: 1 });
    let err = err_of(medsbom_spdx::read_spdx3_json(b"{\"@graph\": [ {\"type\": "));
    assert!(
        matches!(err.location, Location::LineColumn { line: 1, .. }),
        "{err}"
    );
}

#[test]
fn wrong_types_report_where() {
    let check = |json: &str, line: u64| {
        let err = err_of(medsbom_spdx::read_json(json.as_bytes()));
        match &err.location {
            Location::LineColumn { line: at, .. } => assert_eq!(*at, line, "{err}"),
            other => panic!("{other:?}: {err}"),
        }
    };
    check("[1, 2, 3]", 1);
    check(
        &MINIMAL_JSON.replace(r#""name": "a""#, r#""name": ["a"]"#),
        9,
    );
    check(
        &MINIMAL_JSON.replace(r#""creators": ["Tool: x-1"]"#, r#""creators": "Tool: x-1""#),
        7,
    );
    check(
        &MINIMAL_JSON
            .replace(r#""packages": ["#, r#""packages": {"x": ["#)
            .replace("}\n  ]\n}", "}\n  ]}\n}"),
        8,
    );
    // A JSON object that is not SPDX at all.
    let err = err_of(medsbom_spdx::read_json(
        br#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#,
    ));
    assert_eq!(err.location, Location::Document);
    // SPDX 3: wrong types inside elements are warnings with a pointer.
    let spdx3 = r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
      {"type": "software_Package", "spdxId": "urn:p", "name": 7, "software_packageVersion": ["1"]}
    ]}"#;
    let parsed = ok_of(medsbom_spdx::read_spdx3_json(spdx3.as_bytes()));
    assert_eq!(parsed.sbom.components.len(), 1);
    let found = messages(&parsed);
    assert!(
        found.contains(&"warning: /@graph/0/name: name is not a string; ignored".to_owned()),
        "{found:#?}"
    );
    let err = err_of(medsbom_spdx::read_spdx3_json(
        br#"{"@graph": {"type": "x"}}"#,
    ));
    assert_eq!(err.location, Location::Pointer("/@graph".to_owned()));
    let err = err_of(medsbom_spdx::read_spdx3_json(MINIMAL_JSON.as_bytes()));
    assert_eq!(err.message, "not an spdx 3 json-ld document: no @graph");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // In a field we read, and in one we ignore.
    let known = MINIMAL_JSON.replace(r#""name": "a""#, &format!(r#""name": {nested}"#));
    let err = err_of(medsbom_spdx::read_json(known.as_bytes()));
    assert!(matches!(err.location, Location::LineColumn { .. }), "{err}");
    let unknown = MINIMAL_JSON.replace(
        r#""name": "pump""#,
        &format!(r#""name": "pump", "x": {nested}"#),
    );
    // serde_json skips an unknown value without recursion.
    let parsed = ok_of(medsbom_spdx::read_json(unknown.as_bytes()));
    assert_eq!(parsed.sbom.components.len(), 1);
    let err = err_of(medsbom_spdx::read_spdx3_json(
        format!(r#"{{"@graph": {nested}}}"#).as_bytes(),
    ));
    assert!(err.message.contains("recursion limit exceeded"), "{err}");
    // libyaml is quadratic in flow depth: refused before parsing.
    let yaml = format!("SPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\nname: {nested}\n");
    let err = err_of(medsbom_spdx::read_yaml(yaml.as_bytes()));
    assert_eq!(
        err.location,
        Location::LineColumn {
            line: 3,
            column: 135
        }
    );
    assert_eq!(
        err.message,
        "invalid spdx yaml: flow collections nested deeper than 128 levels"
    );
}

#[test]
fn yaml_alias_bombs_are_refused_before_expansion() {
    let alias_error = |yaml: &str| {
        let err = err_of(medsbom_spdx::read_yaml(yaml.as_bytes()));
        assert!(
            err.message
                .starts_with("invalid spdx yaml: aliases are not supported"),
            "{err}"
        );
        err.location
    };
    // Billion laughs: nine levels of nine-fold expansion (387 million strings).
    let mut laughs =
        String::from("SPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\nx0: &a0 [\"lol\"]\n");
    for level in 1..=9 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        laughs.push_str(&format!("x{level}: &a{level} [{refs}]\n"));
    }
    laughs.push_str("packages: *a9\n");
    assert_eq!(
        alias_error(&laughs),
        Location::LineColumn {
            line: 4,
            column: 10
        }
    );
    // Scalar amplification, which serde_norway's repetition limit does not catch: a 10 kB
    // string aliased 10,000 times would be 100 MB of creators from a 50 kB document.
    let big = "x".repeat(10_000);
    let aliases = vec!["*b"; 10_000].join(", ");
    let amplified = format!(
        "SPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\nname: &b {big}\ncreationInfo:\n  creators: [{aliases}]\n"
    );
    assert_eq!(
        alias_error(&amplified),
        Location::LineColumn {
            line: 5,
            column: 14
        }
    );
    // Through the legacy `Document` wrapper too.
    assert_eq!(
        alias_error("Document:\n  name: &n pump\n  comment: *n\n"),
        Location::LineColumn {
            line: 3,
            column: 12
        }
    );
    // A `*` that is text is not an alias.
    let parsed = ok_of(medsbom_spdx::read_yaml(
        b"SPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\nname: a * b\ncomment: '*x'\n",
    ));
    assert_eq!(parsed.sbom.name.as_deref(), Some("a * b"));
}

#[test]
fn yaml_errors_have_a_position() {
    let err = err_of(medsbom_spdx::read_yaml(
        b"SPDXID: SPDXRef-DOCUMENT\nspdxVersion: [\n",
    ));
    assert!(
        matches!(err.location, Location::LineColumn { .. }),
        "{err:?}"
    );
    let err = err_of(medsbom_spdx::read_yaml(
        b"SPDXID: SPDXRef-DOCUMENT\npackages:\n  - name: [1]\n",
    ));
    assert_eq!(
        err.location,
        Location::LineColumn {
            line: 3,
            column: 11
        },
        "{err}"
    );
    // A plain scalar that YAML would type as a number stays text.
    let parsed = ok_of(medsbom_spdx::read_yaml(
        b"SPDXID: SPDXRef-DOCUMENT\nspdxVersion: SPDX-2.3\npackages:\n  - SPDXID: SPDXRef-a\n    name: a\n    versionInfo: 1.10\n",
    ));
    assert_eq!(parsed.sbom.components[0].version.as_deref(), Some("1.10"));
}

#[test]
fn invalid_utf8_in_tag_value_names_the_line() {
    let mut bytes = b"SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: caf".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28]);
    bytes.extend_from_slice(b"\nSPDXID: SPDXRef-a\n");
    let err = err_of(medsbom_spdx::read_tag_value(&bytes));
    assert_eq!(err.location, Location::Line(3));
    assert_eq!(err.message, "invalid utf-8 in spdx tag-value document");
}

#[test]
fn tag_value_problems_are_findings_with_lines() {
    let text = "SPDXVersion: SPDX-2.3
SPDXID: SPDXRef-DOCUMENT
DocumentNamespace: https://example.com/x
Creator: Tool: x-1
Created: 2024-01-01T00:00:00Z
PackageVersion: 1.0
PackageName: a
SPDXID: SPDXRef-a
this line has no colon
PackageChecksum: SHA1
ExternalRef: SECURITY cpe23Type
PackageName: b
SPDXID: SPDXRef-a
PackageComment: <text>one
two</text> trailing
Relationship: SPDXRef-a DEPENDS_ON SPDXRef-missing
Relationship: SPDXRef-a DEPENDS_ON
";
    let parsed = ok_of(medsbom_spdx::read_tag_value(text.as_bytes()));
    assert_eq!(
        messages(&parsed),
        [
            "warning: line 6: PackageVersion outside the element it belongs to; ignored",
            "error: line 9: expected `Tag: value`, found \"this line has no colon\"",
            "error: line 10: expected a checksum `ALGORITHM: value`, found \"SHA1\"",
            "error: line 11: expected `ExternalRef: CATEGORY TYPE LOCATOR`, found \"SECURITY cpe23Type\"",
            "warning: line 15: text after </text> ignored: \"trailing\"",
            "error: line 17: expected `Relationship: A TYPE B`, found \"SPDXRef-a DEPENDS_ON\"",
            "warning: line 12: duplicate SPDXID \"SPDXRef-a\"; this package is kept as \"SPDXRef-a-duplicate-2\"",
            "warning: line 16: relationship DEPENDS_ON refers to \"SPDXRef-missing\", which is not an element of the document",
        ]
    );
    assert_eq!(parsed.sbom.components.len(), 2);
    assert_eq!(parsed.sbom.relationships.len(), 1);
}

#[test]
fn unterminated_text_and_garbage_are_errors() {
    let err = err_of(medsbom_spdx::read_tag_value(
        b"SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nDocumentComment: <text>never closed\n\n",
    ));
    assert_eq!(err.location, Location::Line(3));
    let garbage = "no colon here\n".repeat(5000);
    let err = err_of(medsbom_spdx::read_tag_value(garbage.as_bytes()));
    assert_eq!(err.location, Location::Line(1001));
    let err = err_of(medsbom_spdx::read_tag_value(b"PackageName: a\n"));
    assert_eq!(err.location, Location::Document);
}

#[test]
fn huge_line_is_read_without_blowing_up_messages() {
    let huge = "x".repeat(8 << 20);
    let text = format!(
        "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\n{huge}\nPackageName: {huge}\nSPDXID: SPDXRef-a\n"
    );
    let parsed = ok_of(medsbom_spdx::read_tag_value(text.as_bytes()));
    assert_eq!(parsed.sbom.components[0].name.len(), huge.len());
    let found = messages(&parsed);
    assert!(found.iter().all(|m| m.len() < 200), "{found:?}");
    assert!(
        found
            .iter()
            .any(|m| m.starts_with("error: line 3: expected `Tag: value`")),
        "{found:?}"
    );
    // The same in JSON: a long string is data, not a problem.
    let json = MINIMAL_JSON.replace(r#""name": "a""#, &format!(r#""name": "{huge}""#));
    let parsed = ok_of(medsbom_spdx::read_json(json.as_bytes()));
    assert_eq!(parsed.sbom.components[0].name.len(), huge.len());
}

#[test]
fn dangling_references_and_duplicates_are_warnings() {
    let json = MINIMAL_JSON.replace(
        r#"{"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "NOASSERTION"}"#,
        r#"{"SPDXID": "SPDXRef-a", "name": "a", "downloadLocation": "NOASSERTION"},
    {"SPDXID": "SPDXRef-a", "name": "a again", "downloadLocation": "NOASSERTION"}
  ],
  "documentDescribes": ["SPDXRef-a", "SPDXRef-gone"],
  "relationships": [
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-nowhere"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NOASSERTION"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "COPY_OF", "relatedSpdxElement": "DocumentRef-other:SPDXRef-x"}"#,
    );
    let parsed = ok_of(medsbom_spdx::read_json(json.as_bytes()));
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
    assert_eq!(
        messages(&parsed),
        [
            "warning: /packages/1: duplicate SPDXID \"SPDXRef-a\"; this package is kept as \"SPDXRef-a-duplicate-2\"",
            "warning: /relationships/0: relationship DEPENDS_ON refers to \"SPDXRef-nowhere\", which is not an element of the document",
            "warning: /documentDescribes: documentDescribes names \"SPDXRef-gone\", which is not an element of the document",
        ]
    );
    let refs: Vec<&str> = parsed
        .sbom
        .components
        .iter()
        .map(|c| c.bom_ref.as_str())
        .collect();
    assert_eq!(refs, ["SPDXRef-a", "SPDXRef-a-duplicate-2"]);
    assert_eq!(parsed.sbom.roots, ["SPDXRef-a", "SPDXRef-gone"]);
    assert_eq!(parsed.sbom.relationships.len(), 5);

    let spdx3 = r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
      {"type": "software_Package", "spdxId": "urn:p", "name": "p"},
      {"type": "software_Package", "spdxId": "urn:p", "name": "p again"},
      {"type": "Relationship", "spdxId": "urn:r", "from": "urn:p", "to": ["urn:gone"], "relationshipType": "dependsOn"}
    ]}"#;
    let parsed = ok_of(medsbom_spdx::read_spdx3_json(spdx3.as_bytes()));
    let found = messages(&parsed);
    assert!(
        found.contains(
            &"warning: /@graph/1: duplicate spdxId \"urn:p\"; the first element is used".to_owned()
        ),
        "{found:#?}"
    );
    assert!(found.contains(&"warning: /@graph/2: relationship refers to \"urn:gone\", which is not in the document".to_owned()), "{found:#?}");
    let refs: Vec<&str> = parsed
        .sbom
        .components
        .iter()
        .map(|c| c.bom_ref.as_str())
        .collect();
    assert_eq!(refs, ["urn:p", "urn:p-duplicate-2"]);
}
