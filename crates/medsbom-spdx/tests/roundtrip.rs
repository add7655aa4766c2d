//! Writers: read → write → read keeps components, identifiers, relationships and support
//! fields, for every SPDX document of the corpus and for a hand-built device SBOM; the JSON
//! output validates against the SPDX 2.3 schema.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use medsbom_model::{
    Component, ComponentType, Composition, DOCUMENT_REF, Hash, Identifier, License, Milestone,
    Party, PartyKind, Property, Relationship, RelationshipKind, Sbom, SbomFormat, Scope,
    SupportLevel, Tool, Vulnerability,
};

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

/// Every SPDX document of the corpus that we read, with the model it gives.
fn corpus_models() -> Vec<(String, Sbom)> {
    let mut files = Vec::new();
    for dir in [
        "sbom/spdx-examples",
        "sbom/spdx-spec-examples",
        "parser-tests/ntia-conformance-checker-tests",
    ] {
        let Some(path) = medsbom_testkit::corpus_path(dir) else {
            return Vec::new();
        };
        walk(&path, &mut files);
    }
    files.sort();
    let mut res = Vec::new();
    for path in files {
        let name = path.to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap_or_default();
        let parsed = if name.ends_with(".json") {
            medsbom_spdx::read_json(&bytes)
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            medsbom_spdx::read_yaml(&bytes)
        } else if name.ends_with(".spdx") || name.ends_with(".tag") {
            medsbom_spdx::read_tag_value(&bytes)
        } else {
            continue;
        };
        match parsed {
            Ok(parsed) => res.push((name, parsed.sbom)),
            Err(err) => panic!("{name}: {err}"),
        }
    }
    res
}

/// Property names the writer regenerates from the typed support fields.
fn is_support_property(name: &str) -> bool {
    let lower = name.to_ascii_lowercase().replace([' ', '-', '_'], "");
    lower.contains("support")
        || lower.starts_with("cdx:lifecycle:milestone:")
        || lower == "eos"
        || lower.starts_with("medsbom:")
}

/// Asserts two sets are equal, showing only the entries that differ.
fn assert_same(got: &BTreeSet<String>, expect: &BTreeSet<String>, what: &str) {
    let missing: Vec<&String> = expect.difference(got).collect();
    let extra: Vec<&String> = got.difference(expect).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}:\nmissing {missing:#?}\nextra {extra:#?}"
    );
}

/// Everything a round trip must keep, one line per component (ids included when they are
/// valid SPDXIDs, which the writer keeps).
fn fingerprint(sbom: &Sbom, with_ids: bool) -> BTreeSet<String> {
    sbom.components
        .iter()
        .map(|c| {
            let mut hashes: Vec<String> = c
                .hashes
                .iter()
                .map(|h| format!("{}:{}", h.algorithm, h.value))
                .collect();
            hashes.sort();
            let properties: Vec<(&str, &str)> = c
                .properties
                .iter()
                .filter(|p| !is_support_property(&p.name))
                .map(|p| (p.name.as_str(), p.value.as_str()))
                .collect();
            format!(
                "{} {:?} {:?} {:?} purl={:?} cpes={:?} swid={:?} ids={:?} hashes={:?} \
                 supplier={:?} authors={:?} licenses={:?} concluded={:?} copyright={:?} \
                 description={:?} refs={:?} support={:?} properties={:?}",
                if with_ids { c.bom_ref.as_str() } else { "" },
                c.name,
                c.version,
                c.kind,
                c.purl,
                c.cpes,
                c.extra.swid.as_ref().map(|s| &s.tag_id),
                c.extra.other_identifiers,
                hashes,
                c.supplier.as_ref().map(|p| (p.kind, &p.name, &p.email)),
                c.extra
                    .authors
                    .iter()
                    .map(|p| (p.kind, &p.name, &p.email))
                    .collect::<Vec<_>>(),
                c.licenses.iter().map(License::text).collect::<Vec<_>>(),
                c.extra.license_concluded,
                c.extra.copyright,
                c.extra.description,
                c.extra.external_refs,
                c.support,
                properties,
            )
        })
        .collect()
}

/// Relationships other than the document's DESCRIBES (which the writer adds for every root).
fn n_edges(sbom: &Sbom) -> usize {
    sbom.relationships
        .iter()
        .filter(|r| !(r.from == DOCUMENT_REF && r.kind == RelationshipKind::Describes))
        .count()
}

fn relationships(sbom: &Sbom) -> BTreeSet<String> {
    sbom.relationships
        .iter()
        .map(|r| format!("{} {:?} {}", r.from, r.kind, r.to))
        .collect()
}

fn is_valid_spdx_id(id: &str) -> bool {
    id.strip_prefix("SPDXRef-").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

fn schema_validator() -> Option<jsonschema::Validator> {
    let path = medsbom_testkit::corpus_path("schemas/spdx/spdx-2.3-schema.json")?;
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let schema: serde_json::Value = match serde_json::from_str(&text) {
        Ok(schema) => schema,
        Err(err) => panic!("spdx 2.3 schema: {err}"),
    };
    match jsonschema::validator_for(&schema) {
        Ok(validator) => Some(validator),
        Err(err) => panic!("spdx 2.3 schema does not compile: {err}"),
    }
}

fn assert_schema_valid(validator: &jsonschema::Validator, bytes: &[u8], what: &str) {
    let instance: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(instance) => instance,
        Err(err) => panic!("{what}: written json does not parse: {err}"),
    };
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert_eq!(errors, Vec::<String>::new(), "{what}: schema errors");
}

/// Reads what a writer produced, failing the test with the reason when it does not read.
fn reread(bytes: &[u8], tag_value: bool, what: &str) -> Sbom {
    let parsed = if tag_value {
        medsbom_spdx::read_tag_value(bytes)
    } else {
        medsbom_spdx::read_json(bytes)
    };
    match parsed {
        Ok(parsed) => {
            let errors: Vec<String> = parsed
                .diagnostics
                .iter()
                .filter(|d| d.severity == medsbom_model::Severity::Error)
                .map(ToString::to_string)
                .collect();
            assert_eq!(
                errors,
                Vec::<String>::new(),
                "{what}: errors reading our own output"
            );
            parsed.sbom
        }
        Err(err) => panic!("{what}: our own output does not read: {err}"),
    }
}

#[test]
fn corpus_documents_survive_both_writers() {
    let models = corpus_models();
    let Some(validator) = schema_validator() else {
        return;
    };
    let mut n_checked = 0;
    for (name, sbom) in &models {
        let json = medsbom_spdx::write_json(sbom);
        assert_schema_valid(&validator, &json.bytes, name);
        let tag_value = medsbom_spdx::write_tag_value(sbom);
        let with_ids = sbom.components.iter().all(|c| is_valid_spdx_id(&c.bom_ref));
        for (again, form) in [
            (reread(&json.bytes, false, name), "json"),
            (reread(&tag_value.bytes, true, name), "tag-value"),
        ] {
            let what = format!("{name} via {form}");
            assert_same(
                &fingerprint(&again, with_ids),
                &fingerprint(sbom, with_ids),
                &what,
            );
            assert_eq!(again.components.len(), sbom.components.len(), "{what}");
            assert!(
                again
                    .components
                    .iter()
                    .all(|c| is_valid_spdx_id(&c.bom_ref)),
                "{what}"
            );
            if with_ids {
                assert_same(&relationships(&again), &relationships(sbom), &what);
                assert_eq!(again.roots, sbom.roots, "{what}");
            } else {
                assert_eq!(n_edges(&again), n_edges(sbom), "{what}");
                assert_eq!(again.roots.len(), sbom.roots.len(), "{what}");
            }
            if sbom.name.is_some() {
                assert_eq!(again.name, sbom.name, "{what}");
            }
            // A namespace with `#` is invalid SPDX and is replaced.
            let serial = sbom.serial_number.as_deref().unwrap_or_default();
            if serial.starts_with("http") && !serial.contains('#') {
                assert_eq!(again.serial_number, sbom.serial_number, "{what}");
            }
            let asserted: Vec<&Party> = sbom.authors.iter().filter(|p| p.is_asserted()).collect();
            assert_eq!(again.authors.iter().collect::<Vec<_>>(), asserted, "{what}");
            let tools: Vec<&Tool> = again.tools.iter().filter(|t| t.name != "medsbom").collect();
            assert_eq!(tools, sbom.tools.iter().collect::<Vec<_>>(), "{what}");
        }
        n_checked += 1;
    }
    if !models.is_empty() {
        // 31 JSON, 18 YAML, 34 tag-value and 32 SPDX 3 documents (read_json hands them on).
        assert_eq!(n_checked, 115);
    }
}

#[test]
fn spdx3_documents_survive_conversion_to_spdx2() {
    let Some(validator) = schema_validator() else {
        return;
    };
    let mut files = Vec::new();
    for dir in [
        "sbom/spdx-examples",
        "sbom/spdx-spec-examples/v3.0",
        "parser-tests/ntia-conformance-checker-tests/spdx3",
    ] {
        let Some(path) = medsbom_testkit::corpus_path(dir) else {
            return;
        };
        walk(&path, &mut files);
    }
    files.retain(|p| {
        p.extension().is_some_and(|e| e == "json")
            && std::fs::read(p).is_ok_and(|b| b.windows(8).any(|w| w == b"\"@graph\""))
    });
    assert_eq!(files.len(), 32);
    for path in &files {
        let name = path.to_string_lossy();
        let bytes = std::fs::read(path).unwrap_or_default();
        let sbom = match medsbom_spdx::read_spdx3_json(&bytes) {
            Ok(parsed) => parsed.sbom,
            Err(err) => panic!("{name}: {err}"),
        };
        let json = medsbom_spdx::write_json(&sbom);
        assert_schema_valid(&validator, &json.bytes, &name);
        let again = reread(&json.bytes, false, &name);
        assert_same(
            &fingerprint(&again, false),
            &fingerprint(&sbom, false),
            &name,
        );
        assert_eq!(n_edges(&again), n_edges(&sbom), "{name}");
        assert_eq!(again.roots.len(), sbom.roots.len(), "{name}");
    }
}

/// A small infusion-pump SBOM as a CycloneDX reader would give it: bom-refs that are purls,
/// FDA support data, a nested component, and data SPDX 2.3 cannot hold.
fn device_sbom() -> Sbom {
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.serial_number = Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".to_owned());
    sbom.version = Some(3);
    sbom.timestamp = Some("2024-05-01T10:00:00+02:00".to_owned());
    sbom.authors = vec![Party {
        kind: PartyKind::Organization,
        name: "Acme Medical".to_owned(),
        email: Some("psirt@acme-medical.example".to_owned()),
        urls: Vec::new(),
    }];
    sbom.tools = vec![Tool {
        vendor: Some("CycloneDX".to_owned()),
        name: "cyclonedx-maven-plugin".to_owned(),
        version: Some("2.9.1".to_owned()),
    }];
    sbom.lifecycles = vec!["build".to_owned()];
    sbom.compositions = vec![Composition {
        aggregate: "incomplete".to_owned(),
        ..Composition::default()
    }];
    sbom.vulnerabilities = vec![Vulnerability {
        id: "CVE-2024-0727".to_owned(),
        ..Vulnerability::default()
    }];
    sbom.properties = vec![Property::new("acme:deviceClass", "II")];

    let mut pump = Component::new("pkg:generic/acme/infusion-pump@2.1.0", "infusion-pump");
    pump.kind = ComponentType::Firmware;
    pump.version = Some("2.1.0".to_owned());
    pump.supplier = Some(sbom.authors[0].clone());
    pump.purl = Some("pkg:generic/acme/infusion-pump@2.1.0".to_owned());
    pump.cpes = vec![
        "cpe:2.3:o:acme:infusion_pump_firmware:2.1.0:*:*:*:*:*:*:*".to_owned(),
        "cpe:/o:acme:infusion_pump_firmware:2.1.0".to_owned(),
    ];
    pump.hashes = vec![Hash {
        algorithm: "SHA-256".to_owned(),
        value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
    }];
    pump.licenses = vec![License::Name("Acme EULA".to_owned())];
    pump.support.set_level_text("Actively maintained");
    pump.support.end_of_support = Some(Milestone::new(
        "endOfSupport",
        "Until hardware support ends",
    ));
    pump.properties = vec![
        Property::new("Level of Support", "Actively maintained"),
        Property::new("End-of-Support", "Until hardware support ends"),
        Property::new("acme:safetyClass", "C"),
    ];

    let mut openssl = Component::new("pkg:deb/debian/openssl@3.0.13", "openssl");
    openssl.version = Some("3.0.13".to_owned());
    openssl.supplier = Some(Party::organization("OpenSSL Foundation"));
    openssl.purl = Some("pkg:deb/debian/openssl@3.0.13".to_owned());
    openssl.licenses = vec![License::Id("Apache-2.0".to_owned())];
    openssl.extra.group = Some("debian".to_owned());
    openssl.extra.scope = Some(Scope::Required);
    openssl.extra.other_identifiers = vec![Identifier {
        kind: "swh".to_owned(),
        value: "swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2".to_owned(),
    }];
    openssl.support.set_level_text("EOL");
    openssl.support.end_of_support = Some(Milestone::new("endOfSupport", "2026-09-07"));
    openssl.support.milestones = vec![
        Milestone::new("releaseDate", "2024-01-30"),
        Milestone::new("endOfLife", "2026-09-07"),
    ];
    openssl.extra.parent = Some(pump.bom_ref.clone());

    let mut config = Component::new("config.xml", "/etc/pump/config.xml");
    config.kind = ComponentType::File;
    config.hashes = vec![Hash {
        algorithm: "SHA-1".to_owned(),
        value: "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12".to_owned(),
    }];

    sbom.roots = vec![pump.bom_ref.clone()];
    sbom.relationships = vec![
        Relationship {
            from: pump.bom_ref.clone(),
            to: openssl.bom_ref.clone(),
            kind: RelationshipKind::DependsOn,
            original: Some("dependsOn".to_owned()),
        },
        Relationship {
            from: pump.bom_ref.clone(),
            to: config.bom_ref.clone(),
            kind: RelationshipKind::DependsOn,
            original: Some("DEV_DEPENDENCY_OF".to_owned()),
        },
        Relationship {
            from: pump.bom_ref.clone(),
            to: openssl.bom_ref.clone(),
            kind: RelationshipKind::Provides,
            original: Some("provides".to_owned()),
        },
        Relationship {
            from: openssl.bom_ref.clone(),
            to: "NONE".to_owned(),
            kind: RelationshipKind::Other("DEPENDS_ON".to_owned()),
            original: Some("DEPENDS_ON".to_owned()),
        },
    ];
    sbom.components = vec![pump, openssl, config];
    sbom
}

#[test]
fn device_sbom_round_trips_with_support_data() {
    let sbom = device_sbom();
    let json = medsbom_spdx::write_json(&sbom);
    let tag_value = medsbom_spdx::write_tag_value(&sbom);
    assert_eq!(json.warnings, tag_value.warnings);
    let expect_warnings = [
        "lifecycles [\"build\"] not representable in spdx 2.3",
        "bom version 3 not representable in spdx 2.3",
        "1 compositions (completeness statements) not representable in spdx 2.3",
        "1 vulnerabilities not representable in spdx 2.3 (use a separate vex document)",
        "component \"pkg:deb/debian/openssl@3.0.13\": group not representable in spdx 2.3",
        "component \"pkg:deb/debian/openssl@3.0.13\": scope not representable in spdx 2.3",
        "relationship \"pkg:generic/acme/infusion-pump@2.1.0\" provides \"pkg:deb/debian/openssl@3.0.13\" written as OTHER (spdx 2.3 has no provides)",
    ];
    for expect in expect_warnings {
        assert!(
            json.warnings.iter().any(|w| w == expect),
            "missing warning {expect:?} in {:#?}",
            json.warnings
        );
    }
    // Deterministic: the same model gives the same bytes.
    assert_eq!(medsbom_spdx::write_json(&sbom).bytes, json.bytes);
    if let Some(validator) = schema_validator() {
        assert_schema_valid(&validator, &json.bytes, "device sbom");
    }

    let from_json = reread(&json.bytes, false, "device sbom json");
    let from_tag_value = reread(&tag_value.bytes, true, "device sbom tag-value");
    assert_same(
        &fingerprint(&from_json, true),
        &fingerprint(&from_tag_value, true),
        "device",
    );
    assert_eq!(relationships(&from_json), relationships(&from_tag_value));

    let again = from_json;
    assert_eq!(again.spec_version, "SPDX-2.3");
    assert_eq!(
        again.serial_number.as_deref(),
        Some("https://medsbom.invalid/spdx/3e671687-395b-41f5-a30f-a58921a69b79")
    );
    assert_eq!(again.timestamp.as_deref(), Some("2024-05-01T08:00:00Z"));
    assert_eq!(again.name.as_deref(), Some("infusion-pump-2.1.0"));
    assert_eq!(again.authors, sbom.authors);
    assert_eq!(
        again
            .tools
            .iter()
            .map(|t| (t.name.as_str(), t.version.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("CycloneDX cyclonedx-maven-plugin", Some("2.9.1")),
            ("medsbom", Some(env!("CARGO_PKG_VERSION")))
        ]
    );
    assert_eq!(again.properties, [Property::new("acme:deviceClass", "II")]);

    let ids: Vec<&str> = again
        .components
        .iter()
        .map(|c| c.bom_ref.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "SPDXRef-pkg-generic-acme-infusion-pump-2.1.0",
            "SPDXRef-pkg-deb-debian-openssl-3.0.13",
            "SPDXRef-config.xml",
        ]
    );
    let [pump, openssl, config] = [0, 1, 2].map(|idx| &again.components[idx]);
    assert_eq!(again.roots, [pump.bom_ref.as_str()]);

    // Identifiers and the rest of the NTIA fields.
    for (original, read) in sbom.components.iter().zip([pump, openssl, config]) {
        assert_eq!(read.name, original.name);
        assert_eq!(read.version, original.version);
        assert_eq!(read.purl, original.purl);
        assert_eq!(read.cpes, original.cpes);
        assert_eq!(read.hashes, original.hashes);
        assert_eq!(
            read.extra.other_identifiers,
            original.extra.other_identifiers
        );
        assert_eq!(read.supplier, original.supplier);
        assert_eq!(read.kind, original.kind);
        assert_eq!(read.support, original.support, "{}", original.bom_ref);
    }
    assert_eq!(
        pump.licenses,
        [License::Expression("LicenseRef-Acme-EULA".to_owned())]
    );
    assert_eq!(
        openssl.licenses,
        [License::Expression("Apache-2.0".to_owned())]
    );

    // Support: level with the original wording, non-date end of support as text.
    assert_eq!(pump.support.level, Some(SupportLevel::ActivelyMaintained));
    assert_eq!(
        pump.support.level_text.as_deref(),
        Some("Actively maintained")
    );
    let pump_eos = pump
        .support
        .end_of_support
        .as_ref()
        .map(|m| (m.text.as_str(), m.date));
    assert_eq!(pump_eos, Some(("Until hardware support ends", None)));
    assert_eq!(
        openssl.support.level,
        Some(SupportLevel::NoLongerMaintained)
    );
    let openssl_eos = openssl
        .support
        .end_of_support
        .as_ref()
        .and_then(|m| m.date)
        .map(|d| d.to_string());
    assert_eq!(openssl_eos.as_deref(), Some("2026-09-07"));
    // Properties other than the support ones survive.
    assert!(
        pump.properties
            .contains(&Property::new("acme:safetyClass", "C"))
    );

    // Relationships: nesting became CONTAINS, DEV_DEPENDENCY_OF kept its spelling and
    // direction, provides became OTHER, the NONE end was kept.
    let got = relationships(&again);
    let expect: BTreeSet<String> = [
        format!("{DOCUMENT_REF} Describes {}", pump.bom_ref),
        format!("{} DependsOn {}", pump.bom_ref, openssl.bom_ref),
        format!("{} DependsOn {}", pump.bom_ref, config.bom_ref),
        format!("{} Provides {}", pump.bom_ref, openssl.bom_ref),
        format!("{} Other(\"DEPENDS_ON\") NONE", openssl.bom_ref),
        format!("{} Contains {}", pump.bom_ref, openssl.bom_ref),
    ]
    .into_iter()
    .collect();
    assert_eq!(got, expect);
    let dev = again.relationships.iter().find(|r| r.to == config.bom_ref);
    assert_eq!(
        dev.and_then(|r| r.original.as_deref()),
        Some("DEV_DEPENDENCY_OF")
    );
    let text = String::from_utf8_lossy(&tag_value.bytes);
    assert!(text.contains("Relationship: SPDXRef-config.xml DEV_DEPENDENCY_OF SPDXRef-pkg-generic-acme-infusion-pump-2.1.0\n"), "{text}");
    assert!(text.contains("AnnotationComment: <text>medsbom:supportLevel=actively-maintained (original: Actively maintained)</text>\n"), "{text}");
    assert!(
        text.contains("ValidUntilDate: 2026-09-07T00:00:00Z\n"),
        "{text}"
    );
}
