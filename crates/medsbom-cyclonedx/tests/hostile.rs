//! Hostile and broken inputs: each gives a parse error or a diagnostic with a location, never a
//! panic, and never unbounded work.

use medsbom_model::{Location, ParseError, Severity};

fn json_error(input: &[u8]) -> ParseError {
    medsbom_cyclonedx::read_json(input).expect_err("input must be rejected")
}

fn xml_error(input: &[u8]) -> ParseError {
    medsbom_cyclonedx::read_xml(input).expect_err("input must be rejected")
}

#[test]
fn truncated_json_is_an_error_with_a_position() {
    let full = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a"}]}"#;
    for cut in [1, 10, 40, 60, 75, full.len() - 1] {
        let error = json_error(&full[..cut]);
        assert!(
            error.message.starts_with("invalid cyclonedx json"),
            "{error}"
        );
        assert!(error.message.contains("EOF"), "{error}");
        assert_ne!(error.location, Location::Document, "{error}");
    }
    let error = json_error(&full[..75]);
    assert_eq!(
        error.location,
        Location::Pointer("/components/0/type".to_owned())
    );
}

#[test]
fn wrong_types_are_errors_with_a_pointer() {
    let check = |input: &str, pointer: &str| {
        let error = json_error(input.as_bytes());
        assert_eq!(
            error.location,
            Location::Pointer(pointer.to_owned()),
            "{error}"
        );
        assert!(error.message.contains("invalid type"), "{error}");
    };
    check(
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","supplier":"Acme"}]}"#,
        "/components/0/supplier",
    );
    check(
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":"x"}}"#,
        "/metadata/component",
    );
    check(
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":"1"}"#,
        "/version",
    );
    check(
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","hashes":[{"alg":"MD5","content":5}]}]}"#,
        "/components/0/hashes/0/content",
    );
    check(
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"tools":"syft"}}"#,
        "/metadata/tools",
    );
    check(r#"[1, 2]"#, "/0");
}

#[test]
fn deep_json_nesting_is_an_error() {
    let depth = 100_000;
    // A document of nested arrays fails at once: a bom is an object.
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let error = json_error(arrays.as_bytes());
    assert_eq!(
        error.location,
        Location::Pointer("/0".to_owned()),
        "{error}"
    );

    let mut objects = String::from(r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":"#);
    for _ in 0..depth {
        objects.push_str(r#"[{"type":"library","name":"x","components":"#);
    }
    objects.push_str("[]");
    for _ in 0..depth {
        objects.push_str("}]");
    }
    objects.push('}');
    let error = json_error(objects.as_bytes());
    assert_eq!(
        error.message,
        "invalid cyclonedx json: components nested deeper than 64 levels"
    );
    // The top-level component is level 0; level 65 is the first one refused.
    let pointer = "/components/0".repeat(66);
    assert_eq!(error.location, Location::Pointer(pointer));

    // Deep nesting inside data kept verbatim (serde_json does not count depth there).
    let evidence = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{{"type":"library","name":"a","evidence":{}{}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let error = json_error(evidence.as_bytes());
    assert_eq!(
        error.location,
        Location::Pointer("/components/0/evidence".to_owned())
    );
    // Deep nesting under an unknown key is skipped without recursion: safe and accepted.
    let unknown = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","x-unknown":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert!(medsbom_cyclonedx::read_json(unknown.as_bytes()).is_ok());
}

#[test]
fn deep_xml_nesting_is_an_error() {
    let depth = 100_000;
    let mut xml = String::from(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>"#);
    for _ in 0..depth {
        xml.push_str(r#"<component type="library"><name>x</name><components>"#);
    }
    for _ in 0..depth {
        xml.push_str("</components></component>");
    }
    xml.push_str("</components></bom>");
    let error = xml_error(xml.as_bytes());
    assert_eq!(error.message, "element nesting deeper than 512 levels");
    assert!(
        matches!(error.location, Location::LineColumn { line: 1, .. }),
        "{error}"
    );

    let elements = format!(
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">{}",
        "<x>".repeat(depth)
    );
    let error = xml_error(elements.as_bytes());
    assert_eq!(error.message, "element nesting deeper than 512 levels");

    // Just inside the limit: 255 nested components read fine.
    let mut xml = String::from(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>"#);
    for _ in 0..254 {
        xml.push_str(r#"<component type="library"><name>x</name><components>"#);
    }
    for _ in 0..254 {
        xml.push_str("</components></component>");
    }
    xml.push_str("</components></bom>");
    let parsed = medsbom_cyclonedx::read_xml(xml.as_bytes()).expect("nesting within the limit");
    assert_eq!(parsed.sbom.components.len(), 254);
    // ...and write back, flattened below the writers' nesting limit.
    let written = medsbom_cyclonedx::write_json(&parsed.sbom);
    let again = medsbom_cyclonedx::read_json(&written.bytes).expect("own output reads");
    assert_eq!(again.sbom.components.len(), 254);
    assert!(
        written
            .warnings
            .iter()
            .any(|w| w.contains("nested too deeply"))
    );
}

#[test]
fn billion_laughs_and_external_entities_are_refused() {
    let laughs = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&lol3;</name></component></components></bom>"#;
    let error = xml_error(laughs);
    assert_eq!(error.message, "dtd not allowed");
    assert_eq!(error.location, Location::LineColumn { line: 2, column: 1 });

    let external = br#"<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&xxe;</name></component></components></bom>"#;
    assert_eq!(xml_error(external).message, "dtd not allowed");

    // An entity used without any declaration is not expanded either.
    let undeclared = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library"><name>&xxe;</name></component></components></bom>"#;
    let error = xml_error(undeclared);
    assert!(error.message.contains("unknown entity &xxe;"), "{error}");
    let in_attribute = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library" bom-ref="&xxe;"><name>a</name></component></components></bom>"#;
    let error = xml_error(in_attribute);
    assert!(
        error.message.contains("custom entities are not expanded"),
        "{error}"
    );

    // Predefined entities and character references are fine.
    let fine = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library" bom-ref="a&amp;b"><name>&lt;x&gt; &#65;&#x42;</name></component></components></bom>"#;
    let parsed = medsbom_cyclonedx::read_xml(fine).expect("predefined entities are fine");
    assert_eq!(parsed.sbom.components[0].name, "<x> AB");
    assert_eq!(parsed.sbom.components[0].bom_ref, "a&b");
}

#[test]
fn invalid_utf8_is_an_error_with_an_offset() {
    let json = b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"x\":\"\xff\"}";
    let error = json_error(json);
    assert_eq!(error.location, Location::Offset(50));
    let xml = b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><x>\xc3\x28</x></bom>";
    let error = xml_error(xml);
    assert_eq!(error.location, Location::Offset(52));
    assert_eq!(error.message, "invalid utf-8 at byte 52");
    let utf16 = b"\xff\xfe<\0b\0o\0m\0";
    assert!(xml_error(utf16).message.contains("utf-16"));
}

#[test]
fn malformed_xml_is_an_error_with_line_and_column() {
    let mismatched = b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n</bom>";
    let error = xml_error(mismatched);
    assert!(
        matches!(error.location, Location::LineColumn { line: 3, .. }),
        "{error}"
    );
    let truncated = b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components><component type=\"library\"><name>a";
    let error = xml_error(truncated);
    assert!(
        matches!(error.location, Location::LineColumn { .. }),
        "{error}"
    );
    assert!(xml_error(b"").message.contains("no root element"));
    assert!(xml_error(b"not xml at all").message.len() > 5);
}

#[test]
fn duplicate_and_dangling_refs_are_warnings_with_locations() {
    let json = br#"{"bomFormat":"CycloneDX","specVersion":"1.6",
"components":[{"type":"library","bom-ref":"a","name":"a"},{"type":"library","bom-ref":"a","name":"a2"},{"type":"library","bom-ref":"","name":"b"}],
"dependencies":[{"ref":"a","dependsOn":["nowhere"]},{"ref":"ghost"}]}"#;
    let parsed = medsbom_cyclonedx::read_json(json).expect("document is usable");
    let found: Vec<_> = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        found,
        [
            "warning: /components/1/bom-ref: duplicate bom-ref \"a\"; this one renamed to \"medsbom-gen-1\"",
            "warning: /components/2/bom-ref: empty bom-ref; replaced with \"medsbom-gen-2\"",
            "warning: /dependencies/0/dependsOn/0: dependency ref \"nowhere\" points to no component or service",
            "warning: /dependencies/1/ref: dependency ref \"ghost\" points to no component or service",
        ]
    );
    let refs: Vec<_> = parsed
        .sbom
        .components
        .iter()
        .map(|c| c.bom_ref.as_str())
        .collect();
    assert_eq!(refs, ["a", "medsbom-gen-1", "medsbom-gen-2"]);

    let xml = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
<components>
<component type="library" bom-ref="a"><name>a</name></component>
<component type="library" bom-ref="a"><name>a2</name></component>
</components>
<dependencies><dependency ref="a"><dependency ref="nowhere"/></dependency></dependencies>
</bom>"#;
    let parsed = medsbom_cyclonedx::read_xml(xml).expect("document is usable");
    let found: Vec<_> = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        found,
        [
            "warning: 4:1: duplicate bom-ref \"a\"; this one renamed to \"medsbom-gen-1\"",
            "warning: 6:35: dependency ref \"nowhere\" points to no component or service",
        ]
    );
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

#[test]
fn missing_required_fields_are_recovered_errors() {
    let json = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"bom-ref":"a"}]}"#;
    let parsed = medsbom_cyclonedx::read_json(json).expect("document is usable");
    let found: Vec<_> = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        found,
        [
            "error: /components/0: component has no type",
            "error: /components/0: component has no name",
        ]
    );
}

#[test]
fn large_strings_are_fine() {
    let big = "x".repeat(5_000_000);
    let json = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{{"type":"library","name":"{big}"}}]}}"#
    );
    let parsed = medsbom_cyclonedx::read_json(json.as_bytes()).expect("large string is fine");
    assert_eq!(parsed.sbom.components[0].name.len(), big.len());
}
