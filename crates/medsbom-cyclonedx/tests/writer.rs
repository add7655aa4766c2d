//! The writers on hand-built models: support data as properties, what 1.6 cannot hold (with
//! warnings), reproducible output.

use medsbom_model::{
    Component, ComponentType, DOCUMENT_REF, ExternalRef, Hash, Identifier, License, Milestone,
    Property, Relationship, RelationshipKind, Sbom, SbomFormat, SupportLevel,
};

fn property<'a>(component: &'a Component, name: &str) -> Vec<&'a str> {
    component
        .properties
        .iter()
        .filter(|p| p.name == name)
        .map(|p| p.value.as_str())
        .collect()
}

/// An SPDX-like model: a described root, support from `validUntilDate`, several CPEs and
/// things CycloneDX 1.6 has no place for.
fn spdx_like() -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::Spdx, "SPDX-2.3");
    sbom.serial_number = Some("https://example.com/spdx/pump-2.1".to_owned());
    sbom.name = Some("pump-sbom".to_owned());
    sbom.timestamp = Some("2024-05-01T10:00:00Z".to_owned());
    sbom.roots = vec!["SPDXRef-pump".to_owned()];

    let mut pump = Component::new("SPDXRef-pump", "Infusion pump");
    pump.kind = ComponentType::Device;
    pump.version = Some("2.1".to_owned());

    let mut ssl = Component::new("SPDXRef-ssl", "openssl");
    ssl.kind = ComponentType::Source;
    ssl.version = Some("3.0.13".to_owned());
    ssl.cpes = vec![
        "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*".to_owned(),
        "cpe:2.3:a:openssl_project:openssl:3.0.13:*:*:*:*:*:*:*".to_owned(),
    ];
    ssl.hashes = vec![
        Hash {
            algorithm: "SHA-256".to_owned(),
            value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
        },
        Hash {
            algorithm: "SHA-224".to_owned(),
            value: "d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f".to_owned(),
        },
    ];
    ssl.licenses = vec![License::Expression("Apache-2.0".to_owned())];
    ssl.extra.license_concluded = Some("Apache-2.0 OR MIT".to_owned());
    ssl.extra.other_identifiers = vec![Identifier {
        kind: "gitoid".to_owned(),
        value: "gitoid:blob:sha1:a94a8fe5ccb19ba61c4c0873d391e987982fbbd3".to_owned(),
    }];
    ssl.extra.external_refs = vec![ExternalRef {
        kind: "maven-central".to_owned(),
        url: "https://repo1.maven.org/x y".to_owned(),
        comment: None,
    }];
    ssl.support.end_of_support = Some(Milestone::new("endOfSupport", "2028-12-31T00:00:00Z"));
    ssl.support.set_level_text("Actively maintained");
    ssl.support
        .milestones
        .push(Milestone::new("endOfLife", "2029-06-30"));

    sbom.components = vec![pump, ssl];
    sbom.relationships = vec![
        Relationship {
            from: DOCUMENT_REF.to_owned(),
            to: "SPDXRef-pump".to_owned(),
            kind: RelationshipKind::Describes,
            original: Some("DESCRIBES".to_owned()),
        },
        Relationship {
            from: "SPDXRef-pump".to_owned(),
            to: "SPDXRef-ssl".to_owned(),
            kind: RelationshipKind::Contains,
            original: Some("CONTAINS".to_owned()),
        },
        Relationship {
            from: "SPDXRef-ssl".to_owned(),
            to: "SPDXRef-pump".to_owned(),
            kind: RelationshipKind::Other("GENERATED_FROM".to_owned()),
            original: Some("GENERATED_FROM".to_owned()),
        },
    ];
    sbom
}

#[test]
fn support_and_extra_identifiers_survive_as_properties() {
    let sbom = spdx_like();
    for (syntax, written) in [
        ("json", medsbom_cyclonedx::write_json(&sbom)),
        ("xml", medsbom_cyclonedx::write_xml(&sbom)),
    ] {
        let parsed = match syntax {
            "json" => medsbom_cyclonedx::read_json(&written.bytes),
            _ => medsbom_cyclonedx::read_xml(&written.bytes),
        }
        .expect("own output reads");
        assert!(
            parsed.diagnostics.is_empty(),
            "{syntax}: {:#?}",
            parsed.diagnostics
        );
        let again = &parsed.sbom;
        assert_eq!(again.roots, ["SPDXRef-pump"], "{syntax}");
        assert_eq!(again.name.as_deref(), Some("pump-sbom"), "{syntax}");
        let ssl = again.component("SPDXRef-ssl").expect("ssl");
        assert_eq!(ssl.kind, ComponentType::File, "{syntax}");
        assert_eq!(ssl.cpes.len(), 2, "{syntax}");
        assert_eq!(
            property(ssl, "cdx:lifecycle:milestone:endOfSupport"),
            ["2028-12-31"],
            "{syntax}: the end of support is written as an iso date"
        );
        assert_eq!(
            property(ssl, "cdx:lifecycle:milestone:endOfLife"),
            ["2029-06-30"]
        );
        assert_eq!(
            property(ssl, "medsbom:supportLevel"),
            ["actively-maintained"]
        );
        assert_eq!(ssl.support.level, Some(SupportLevel::ActivelyMaintained));
        assert_eq!(
            ssl.support
                .end_of_support
                .as_ref()
                .and_then(|m| m.date)
                .map(|d| d.to_string()),
            Some("2028-12-31".to_owned())
        );
        assert_eq!(
            ssl.hashes.len(),
            1,
            "{syntax}: SHA-224 is not a 1.6 algorithm"
        );
        assert_eq!(
            property(ssl, "medsbom:hash:SHA-224"),
            ["d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"]
        );
        assert_eq!(
            ssl.extra.other_identifiers.len(),
            1,
            "gitoid goes to omniborId"
        );
        assert_eq!(ssl.extra.other_identifiers[0].kind, "omniborId");
        assert_eq!(
            ssl.extra.license_concluded.as_deref(),
            Some("Apache-2.0 OR MIT")
        );
        assert_eq!(ssl.licenses.len(), 1);
        assert_eq!(ssl.extra.external_refs[0].kind, "other");
        assert_eq!(
            ssl.extra.external_refs[0].url,
            "https://repo1.maven.org/x%20y"
        );
        assert_eq!(
            ssl.extra.external_refs[0].comment.as_deref(),
            Some("maven-central")
        );
        assert_eq!(ssl.extra.parent, None);
        let edges: Vec<_> = again
            .relationships
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str(), r.kind.clone()))
            .collect();
        assert_eq!(
            edges,
            [("SPDXRef-pump", "SPDXRef-ssl", RelationshipKind::DependsOn)],
            "{syntax}: a contains edge without nesting becomes a dependency"
        );
    }
    let written = medsbom_cyclonedx::write_json(&sbom);
    let warnings = written.warnings.join("\n");
    for expected in [
        "serial number is not a urn:uuid",
        "component type not in cyclonedx 1.6, written as \"file\": source",
        "hash algorithm or value not valid in cyclonedx 1.6",
        "several CPEs",
        "external reference type not in cyclonedx 1.6",
        "url characters not allowed in an iri percent-encoded",
        "relationship type not representable in cyclonedx, dropped: SPDXRef-ssl GENERATED_FROM SPDXRef-pump",
    ] {
        assert!(
            warnings.contains(expected),
            "missing {expected:?} in:\n{warnings}"
        );
    }
}

#[test]
fn output_is_reproducible_and_serial_numbers_are_stable() {
    let sbom = spdx_like();
    let first = medsbom_cyclonedx::write_json(&sbom);
    let second = medsbom_cyclonedx::write_json(&sbom);
    assert_eq!(first, second);
    assert_eq!(
        medsbom_cyclonedx::write_xml(&sbom),
        medsbom_cyclonedx::write_xml(&sbom)
    );
    let serial = |written: &medsbom_model::Written| {
        let parsed = medsbom_cyclonedx::read_json(&written.bytes).expect("own output reads");
        parsed.sbom.serial_number.unwrap_or_default()
    };
    let derived = serial(&first);
    assert!(derived.starts_with("urn:uuid:"), "{derived}");
    assert_eq!(derived.len(), "urn:uuid:".len() + 36);

    // A urn:uuid serial number is kept (lowercased as the schema requires).
    let mut with_uuid = sbom.clone();
    with_uuid.serial_number = Some("urn:uuid:3E671687-395B-41F5-A30F-A58921A69B79".to_owned());
    assert_eq!(
        serial(&medsbom_cyclonedx::write_json(&with_uuid)),
        "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    );
    // Without any serial number, the uuid comes from the content.
    let mut without = sbom.clone();
    without.serial_number = None;
    let from_content = serial(&medsbom_cyclonedx::write_json(&without));
    assert_eq!(
        from_content,
        serial(&medsbom_cyclonedx::write_json(&without))
    );
    without.components[1].version = Some("3.0.14".to_owned());
    assert_ne!(
        from_content,
        serial(&medsbom_cyclonedx::write_json(&without))
    );
}

#[test]
fn case_study_properties_are_not_duplicated() {
    let json = br#"{"bomFormat":"CycloneDX","specVersion":"1.4","version":1,"components":[
      {"type":"application","bom-ref":"unifi","name":"UniFi Network Application","version":"8.3.32",
       "properties":[{"name":"End-of-Support","value":"Until hardware support ends"},
                     {"name":"Level of Support","value":"Actively maintained"}]},
      {"type":"library","bom-ref":"tax","name":"x",
       "properties":[{"name":"cdx:lifecycle:milestone:endOfSupport","value":"2030-01-01"},
                     {"name":"medsbom:supportLevel","value":"abandoned"}]}]}"#;
    let parsed = medsbom_cyclonedx::read_json(json).expect("fixture reads");
    let once = medsbom_cyclonedx::write_json(&parsed.sbom);
    let again = medsbom_cyclonedx::read_json(&once.bytes).expect("own output reads");
    let unifi = again.sbom.component("unifi").expect("unifi");
    let names: Vec<_> = unifi.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "End-of-Support",
            "Level of Support",
            "cdx:lifecycle:milestone:endOfSupport",
            "medsbom:supportLevel"
        ]
    );
    assert_eq!(
        property(unifi, "cdx:lifecycle:milestone:endOfSupport"),
        ["Until hardware support ends"]
    );
    assert_eq!(
        unifi.support.level_text.as_deref(),
        Some("Actively maintained")
    );
    let tax = again.sbom.component("tax").expect("tax");
    assert_eq!(
        tax.properties.len(),
        2,
        "taxonomy properties are not added twice"
    );
    // Writing the re-read document again changes nothing.
    let twice = medsbom_cyclonedx::write_json(&again.sbom);
    assert_eq!(once.bytes, twice.bytes);
}

#[test]
fn services_nesting_and_cycles() {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    let mut gateway = Component::new("gw", "api-gateway");
    gateway.kind = ComponentType::Other("service".to_owned());
    let mut auth = Component::new("auth", "auth");
    auth.kind = ComponentType::Other("service".to_owned());
    auth.extra.parent = Some("gw".to_owned());
    // A parent cycle and a dangling parent must not lose components.
    let mut a = Component::new("a", "a");
    a.extra.parent = Some("b".to_owned());
    let mut b = Component::new("b", "b");
    b.extra.parent = Some("a".to_owned());
    let mut orphan = Component::new("orphan", "orphan");
    orphan.extra.parent = Some("nowhere".to_owned());
    let unnamed = Component::new("", "no-ref");
    sbom.components = vec![gateway, auth, a, b, orphan, unnamed];
    sbom.properties = vec![Property::new("team", "devices")];
    let written = medsbom_cyclonedx::write_json(&sbom);
    let parsed = medsbom_cyclonedx::read_json(&written.bytes).expect("own output reads");
    assert_eq!(parsed.sbom.components.len(), 6, "{:#?}", written.warnings);
    assert_eq!(
        parsed
            .sbom
            .component("auth")
            .and_then(|c| c.extra.parent.as_deref()),
        Some("gw")
    );
    assert_eq!(
        parsed.sbom.component("auth").map(|c| c.kind.clone()),
        Some(ComponentType::Other("service".to_owned()))
    );
    assert_eq!(parsed.sbom.properties, [Property::new("team", "devices")]);
    let warnings = written.warnings.join("\n");
    assert!(warnings.contains("parent cycle"), "{warnings}");
    assert!(warnings.contains("component without bom-ref"), "{warnings}");
    assert!(warnings.contains("orphan (parent nowhere)"), "{warnings}");
    let xml = medsbom_cyclonedx::write_xml(&sbom);
    let parsed = medsbom_cyclonedx::read_xml(&xml.bytes).expect("own output reads");
    assert_eq!(parsed.sbom.components.len(), 6);
}

#[test]
fn xml_output_escapes_text_and_attributes() {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    let mut tricky = Component::new("a\"<&>\n", "x < y & \"z\"\u{1}");
    tricky.properties = vec![Property::new("k\t", "line1\nline2\r\n")];
    sbom.components = vec![tricky];
    let written = medsbom_cyclonedx::write_xml(&sbom);
    let parsed = medsbom_cyclonedx::read_xml(&written.bytes).expect("escaped output reads");
    let component = &parsed.sbom.components[0];
    assert_eq!(component.bom_ref, "a\"<&>\n");
    assert_eq!(component.name, "x < y & \"z\"\u{FFFD}");
    assert_eq!(
        component.properties,
        [Property::new("k\t", "line1\nline2\r\n")]
    );
    assert!(
        written
            .warnings
            .iter()
            .any(|w| w.contains("not allowed in xml 1.0")),
        "{:?}",
        written.warnings
    );
}
