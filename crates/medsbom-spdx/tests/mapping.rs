//! Field-by-field mapping of SPDX 2 (tag-value and JSON) and SPDX 3 documents to the model.

use medsbom_model::{
    Component, ComponentType, DOCUMENT_REF, Identifier, License, Parsed, PartyKind, Sbom,
    SbomFormat, SupportLevel,
};

fn read_tv(text: &str) -> Parsed {
    match medsbom_spdx::read_tag_value(text.as_bytes()) {
        Ok(parsed) => parsed,
        Err(err) => panic!("{err}"),
    }
}

fn edges(sbom: &Sbom) -> Vec<String> {
    sbom.relationships
        .iter()
        .map(|r| {
            format!(
                "{} {:?} {} ({})",
                r.from,
                r.kind,
                r.to,
                r.original.as_deref().unwrap_or("")
            )
        })
        .collect()
}

const PUMP_TV: &str = "SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: infusion-pump-2.1
DocumentNamespace: https://acme.example/spdx/pump-2.1
Creator: Tool: syft-v0.80.0
Creator: Organization: Acme Medical (psirt@acme.example)
Creator: Person: Jane Doe ()
Created: 2024-05-01T08:00:00Z
Annotator: Tool: acme-sbom
AnnotationDate: 2024-05-01T08:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-DOCUMENT
AnnotationComment: Reviewed for FDA submission

PackageName: pump-firmware
SPDXID: SPDXRef-pump
PackageVersion: 2.1.0
PackageSupplier: Organization: Acme Medical (psirt@acme.example)
PackageOriginator: Person: John Roe (john@acme.example)
PackageDownloadLocation: NOASSERTION
PackageHomePage: https://acme.example/pump
PrimaryPackagePurpose: FIRMWARE
PackageChecksum: SHA256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
PackageLicenseDeclared: LicenseRef-Acme-EULA
PackageLicenseConcluded: NOASSERTION
PackageCopyrightText: NOASSERTION
ReleaseDate: 2024-04-01T00:00:00Z
BuiltDate: 2024-03-30T12:00:00Z
ValidUntilDate: 2034-04-01T00:00:00Z
ExternalRef: PACKAGE-MANAGER purl pkg:generic/acme/pump-firmware@2.1.0
ExternalRef: SECURITY cpe23Type cpe:2.3:o:acme:pump_firmware:2.1.0:*:*:*:*:*:*:*
ExternalRef: SECURITY cpe22Type cpe:/o:acme:pump_firmware:2.1.0
ExternalRef: SECURITY swid acme.example+pump-2.1.0
ExternalRef: PERSISTENT-ID swh swh:1:rel:22ece559cc7cc2364edc5e5593d63ae8bd229f9f
ExternalRef: SECURITY advisory https://acme.example/psirt
ExternalRefComment: <text>Acme PSIRT
advisories</text>
Annotator: Tool: acme-sbom
AnnotationDate: 2024-05-01T08:00:00Z
AnnotationType: OTHER
SPDXREF: SPDXRef-pump
AnnotationComment: Level of Support: Actively maintained

PackageName: openssl
SPDXID: SPDXRef-openssl
PackageVersion: 1.1.1w
PackageSupplier: NOASSERTION
PackageDownloadLocation: https://www.openssl.org/source/openssl-1.1.1w.tar.gz
ExternalRef: PACKAGE_MANAGER maven-central org.openssl:openssl:1.1.1w
Annotator: Tool: acme-sbom
AnnotationDate: 2024-05-01T08:00:00Z
AnnotationType: REVIEW
SPDXREF: SPDXRef-openssl
AnnotationComment: <text>supportLevel=EOL
endOfSupport: 2023-09-11</text>

PackageName: zlib
SPDXID: SPDXRef-zlib
PackageSupplier: Acme
PrimaryPackagePurpose: OTHER

FileName: ./etc/pump.conf
SPDXID: SPDXRef-conf
FileChecksum: SHA1: 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12
LicenseConcluded: NOASSERTION

SnippetSPDXID: SPDXRef-snippet
SnippetFromFileSPDXID: SPDXRef-conf
SnippetName: calibration table

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-pump
Relationship: SPDXRef-pump DESCRIBED_BY SPDXRef-DOCUMENT
Relationship: SPDXRef-openssl DEPENDENCY_OF SPDXRef-pump
Relationship: SPDXRef-zlib BUILD_DEPENDENCY_OF SPDXRef-openssl
Relationship: SPDXRef-pump STATIC_LINK SPDXRef-zlib
Relationship: SPDXRef-conf CONTAINED_BY SPDXRef-pump
Relationship: SPDXRef-zlib DEPENDS_ON NONE
Relationship: SPDXRef-openssl DEPENDENCY_OF NOASSERTION
Relationship: SPDXRef-conf GENERATED_FROM SPDXRef-zlib
Relationship: SPDXRef-pump OTHER SPDXRef-openssl
RelationshipComment: provides
";

#[test]
fn tag_value_maps_every_field() {
    let parsed = read_tv(PUMP_TV);
    let sbom = &parsed.sbom;
    let warnings: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["warning: line 58: supplier \"Acme\" has no Person: or Organization: prefix"]
    );

    // Document.
    assert_eq!(sbom.spec_version, "SPDX-2.3");
    assert_eq!(
        sbom.serial_number.as_deref(),
        Some("https://acme.example/spdx/pump-2.1")
    );
    assert_eq!(sbom.name.as_deref(), Some("infusion-pump-2.1"));
    assert_eq!(sbom.timestamp.as_deref(), Some("2024-05-01T08:00:00Z"));
    assert_eq!(sbom.data_license.as_deref(), Some("CC0-1.0"));
    let tools: Vec<(&str, Option<&str>)> = sbom
        .tools
        .iter()
        .map(|t| (t.name.as_str(), t.version.as_deref()))
        .collect();
    assert_eq!(tools, [("syft", Some("v0.80.0"))]);
    let authors: Vec<(PartyKind, &str, Option<&str>)> = sbom
        .authors
        .iter()
        .map(|p| (p.kind, p.name.as_str(), p.email.as_deref()))
        .collect();
    assert_eq!(
        authors,
        [
            (
                PartyKind::Organization,
                "Acme Medical",
                Some("psirt@acme.example")
            ),
            (PartyKind::Person, "Jane Doe", None),
        ]
    );
    assert_eq!(sbom.roots, ["SPDXRef-pump"]);
    assert_eq!(sbom.properties.len(), 1);
    assert_eq!(sbom.properties[0].name, "spdx:annotation:OTHER");
    assert_eq!(sbom.properties[0].value, "Reviewed for FDA submission");

    // Components: packages, then files, then snippets.
    let kinds: Vec<(&str, &ComponentType)> = sbom
        .components
        .iter()
        .map(|c| (c.bom_ref.as_str(), &c.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("SPDXRef-pump", &ComponentType::Firmware),
            ("SPDXRef-openssl", &ComponentType::Library),
            ("SPDXRef-zlib", &ComponentType::Other("OTHER".to_owned())),
            ("SPDXRef-conf", &ComponentType::File),
            ("SPDXRef-snippet", &ComponentType::File),
        ]
    );
    let [pump, openssl, zlib, conf, snippet] = [0, 1, 2, 3, 4].map(|idx| &sbom.components[idx]);

    assert_eq!(pump.name, "pump-firmware");
    assert_eq!(pump.version.as_deref(), Some("2.1.0"));
    let supplier = pump
        .supplier
        .as_ref()
        .map(|p| (p.kind, p.name.as_str(), p.email.as_deref()));
    assert_eq!(
        supplier,
        Some((
            PartyKind::Organization,
            "Acme Medical",
            Some("psirt@acme.example")
        ))
    );
    // The originator is an author, never the supplier.
    assert_eq!(pump.extra.authors.len(), 1);
    assert_eq!(pump.extra.authors[0].name, "John Roe");
    assert_eq!(pump.extra.authors[0].kind, PartyKind::Person);
    assert_eq!(
        pump.purl.as_deref(),
        Some("pkg:generic/acme/pump-firmware@2.1.0")
    );
    assert_eq!(
        pump.cpes,
        [
            "cpe:2.3:o:acme:pump_firmware:2.1.0:*:*:*:*:*:*:*",
            "cpe:/o:acme:pump_firmware:2.1.0"
        ]
    );
    assert_eq!(
        pump.extra.swid.as_ref().map(|s| s.tag_id.as_str()),
        Some("acme.example+pump-2.1.0")
    );
    assert_eq!(
        pump.extra.other_identifiers,
        [Identifier {
            kind: "swh".to_owned(),
            value: "swh:1:rel:22ece559cc7cc2364edc5e5593d63ae8bd229f9f".to_owned()
        }]
    );
    let refs: Vec<(&str, &str, Option<&str>)> = pump
        .extra
        .external_refs
        .iter()
        .map(|r| (r.kind.as_str(), r.url.as_str(), r.comment.as_deref()))
        .collect();
    assert_eq!(
        refs,
        [
            (
                "advisory",
                "https://acme.example/psirt",
                Some("Acme PSIRT\nadvisories")
            ),
            ("website", "https://acme.example/pump", None),
        ]
    );
    assert_eq!(pump.hashes.len(), 1);
    assert_eq!(pump.hashes[0].algorithm, "SHA-256");
    assert_eq!(
        pump.licenses,
        [License::Expression("LicenseRef-Acme-EULA".to_owned())]
    );
    assert_eq!(pump.extra.license_concluded.as_deref(), Some("NOASSERTION"));
    assert_eq!(pump.extra.copyright.as_deref(), Some("NOASSERTION"));
    // Support: validUntilDate is the end of support, release and build dates are milestones,
    // the annotation gives the level.
    assert_eq!(pump.support.level, Some(SupportLevel::ActivelyMaintained));
    assert_eq!(
        pump.support.level_text.as_deref(),
        Some("Actively maintained")
    );
    let eos = pump.support.end_of_support.as_ref();
    assert_eq!(eos.map(|m| m.name.as_str()), Some("endOfSupport"));
    assert_eq!(
        eos.and_then(|m| m.date).map(|d| d.to_string()).as_deref(),
        Some("2034-04-01")
    );
    let milestones: Vec<(&str, &str)> = pump
        .support
        .milestones
        .iter()
        .map(|m| (m.name.as_str(), m.text.as_str()))
        .collect();
    assert_eq!(
        milestones,
        [
            ("releaseDate", "2024-04-01T00:00:00Z"),
            ("builtDate", "2024-03-30T12:00:00Z")
        ]
    );
    assert_eq!(pump.properties.len(), 1);
    assert_eq!(pump.properties[0].name, "Level of Support");

    // NOASSERTION is kept as the supplier's name.
    let supplier = openssl
        .supplier
        .as_ref()
        .map(|p| (p.kind, p.name.as_str(), p.is_asserted()));
    assert_eq!(
        supplier,
        Some((PartyKind::Unspecified, "NOASSERTION", false))
    );
    let refs: Vec<(&str, &str)> = openssl
        .extra
        .external_refs
        .iter()
        .map(|r| (r.kind.as_str(), r.url.as_str()))
        .collect();
    assert_eq!(
        refs,
        [(
            "distribution",
            "https://www.openssl.org/source/openssl-1.1.1w.tar.gz"
        )]
    );
    assert_eq!(openssl.extra.other_identifiers[0].kind, "maven-central");
    // A multi-line structured annotation.
    assert_eq!(
        openssl.support.level,
        Some(SupportLevel::NoLongerMaintained)
    );
    assert_eq!(openssl.support.level_text.as_deref(), Some("EOL"));
    let eos = openssl
        .support
        .end_of_support
        .as_ref()
        .map(|m| m.text.as_str());
    assert_eq!(eos, Some("2023-09-11"));
    assert_eq!(openssl.properties[0].name, "spdx:annotation:REVIEW");

    assert_eq!(
        zlib.supplier.as_ref().map(|p| p.kind),
        Some(PartyKind::Unspecified)
    );
    assert_eq!(conf.name, "./etc/pump.conf");
    assert_eq!(conf.hashes[0].algorithm, "SHA-1");
    assert_eq!(snippet.name, "calibration table");

    // Relationships oriented "from depends on / contains / describes to", original kept; the
    // file that follows zlib's package section belongs to it (SPDX 2.3 §5.2.2).
    assert_eq!(
        edges(sbom),
        [
            "SPDXRef-zlib Contains SPDXRef-conf (CONTAINS)",
            "SPDXRef-DOCUMENT Describes SPDXRef-pump (DESCRIBES)",
            "SPDXRef-pump DependsOn SPDXRef-openssl (DEPENDENCY_OF)",
            "SPDXRef-openssl DependsOn SPDXRef-zlib (BUILD_DEPENDENCY_OF)",
            "SPDXRef-pump DependsOn SPDXRef-zlib (STATIC_LINK)",
            "SPDXRef-pump Contains SPDXRef-conf (CONTAINED_BY)",
            "SPDXRef-zlib Other(\"DEPENDS_ON\") NONE (DEPENDS_ON)",
            "SPDXRef-openssl Other(\"DEPENDENCY_OF\") NOASSERTION (DEPENDENCY_OF)",
            "SPDXRef-conf Other(\"GENERATED_FROM\") SPDXRef-zlib (GENERATED_FROM)",
            "SPDXRef-pump Provides SPDXRef-openssl (OTHER)",
        ]
    );
    assert_eq!(sbom.relationships[1].from, DOCUMENT_REF);
}

#[test]
fn files_after_a_package_belong_to_it() {
    let parsed = read_tv(
        "SPDXVersion: SPDX-2.3
SPDXID: SPDXRef-DOCUMENT
Creator: Tool: t
Created: 2024-01-01T00:00:00Z
FileName: ./before
SPDXID: SPDXRef-before
PackageName: p
SPDXID: SPDXRef-p
FileName: ./after
SPDXID: SPDXRef-after
LicenseID: LicenseRef-x
ExtractedText: <text>SPDXID: SPDXRef-not-an-element</text>
",
    );
    assert_eq!(
        edges(&parsed.sbom),
        ["SPDXRef-p Contains SPDXRef-after (CONTAINS)"]
    );
    assert_eq!(parsed.diagnostics, []);
}

#[test]
fn json_document_describes_and_describes_count_once() {
    let json = r#"{
  "spdxVersion": "SPDX-2.2", "SPDXID": "SPDXRef-DOCUMENT", "name": "d",
  "documentNamespace": "https://example.com/d", "dataLicense": "CC0-1.0",
  "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: t"]},
  "documentDescribes": ["SPDXRef-a"],
  "packages": [
    {"SPDXID": "SPDXRef-a", "name": "a", "hasFiles": ["SPDXRef-f"],
     "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                       "referenceLocator": "pkg:npm/a@1"}]}
  ],
  "files": [{"SPDXID": "SPDXRef-f", "fileName": "./f", "checksums": [
    {"algorithm": "SHA1", "checksumValue": "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"}]}],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-f"}
  ]
}"#;
    let parsed = match medsbom_spdx::read_json(json.as_bytes()) {
        Ok(parsed) => parsed,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(parsed.diagnostics, []);
    assert_eq!(parsed.sbom.roots, ["SPDXRef-a"]);
    assert_eq!(
        edges(&parsed.sbom),
        [
            "SPDXRef-DOCUMENT Describes SPDXRef-a (DESCRIBES)",
            "SPDXRef-a Contains SPDXRef-f (CONTAINS)",
        ]
    );
    assert_eq!(
        parsed.sbom.components[0].purl.as_deref(),
        Some("pkg:npm/a@1")
    );
}

const SPDX3: &str = r#"{
  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
  "@graph": [
    {"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2024-05-01T08:00:00Z",
     "createdBy": ["urn:acme"], "createdUsing": ["urn:tool"]},
    {"type": "Organization", "spdxId": "urn:acme", "creationInfo": "_:ci", "name": "Acme Medical",
     "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "email",
                             "identifier": "psirt@acme.example"}]},
    {"type": "Tool", "spdxId": "urn:tool", "creationInfo": "_:ci", "name": "acme-sbom-3.2"},
    {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci", "name": "pump",
     "rootElement": ["urn:sbom"], "dataLicense": "urn:cc0"},
    {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:cc0", "creationInfo": "_:ci",
     "simplelicensing_licenseExpression": "CC0-1.0"},
    {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:mit", "creationInfo": "_:ci",
     "simplelicensing_licenseExpression": "MIT"},
    {"type": "software_Sbom", "spdxId": "urn:sbom", "creationInfo": "_:ci",
     "rootElement": ["urn:pump"], "software_sbomType": ["build", "deployed"]},
    {"type": "software_Package", "spdxId": "urn:pump", "creationInfo": "_:ci", "name": "pump-firmware",
     "software_packageVersion": "2.1.0", "suppliedBy": "urn:acme",
     "software_primaryPurpose": "firmware",
     "software_packageUrl": "pkg:generic/acme/pump-firmware@2.1.0",
     "externalIdentifier": [
       {"type": "ExternalIdentifier", "externalIdentifierType": "cpe23",
        "identifier": "cpe:2.3:o:acme:pump_firmware:2.1.0:*:*:*:*:*:*:*"},
       {"type": "ExternalIdentifier", "externalIdentifierType": "gitoid",
        "identifier": "gitoid:blob:sha1:261eeb9e9f8b2b4b0d119366dda99c6fd7d35c64"}],
     "verifiedUsing": [{"type": "Hash", "algorithm": "sha256",
        "hashValue": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
        {"type": "PackageVerificationCode", "algorithm": "sha1", "hashValue": "x"}],
     "supportLevel": "limitedSupport", "validUntilTime": "2034-04-01T00:00:00Z",
     "releaseTime": "2024-04-01T00:00:00Z", "builtTime": "2024-03-30T12:00:00Z"},
    {"type": "ai_AIPackage", "spdxId": "urn:model", "creationInfo": "_:ci", "name": "dose-model",
     "supportLevel": ["noSupport"]},
    {"type": "software_File", "spdxId": "urn:conf", "creationInfo": "_:ci", "name": "/etc/pump.conf"},
    {"type": "Relationship", "spdxId": "urn:r1", "creationInfo": "_:ci", "from": "urn:pump",
     "relationshipType": "dependsOn", "to": ["urn:model"]},
    {"type": "Relationship", "spdxId": "urn:r2", "creationInfo": "_:ci", "from": "urn:pump",
     "relationshipType": "contains", "to": ["urn:conf"]},
    {"type": "Relationship", "spdxId": "urn:r3", "creationInfo": "_:ci", "from": "urn:pump",
     "relationshipType": "hasDeclaredLicense", "to": ["urn:mit"]},
    {"type": "Relationship", "spdxId": "urn:r4", "creationInfo": "_:ci", "from": "urn:model",
     "relationshipType": "dependsOn", "to": ["https://spdx.org/rdf/3.0.1/terms/Core/NoneElement"]},
    {"type": "Relationship", "spdxId": "urn:r5", "creationInfo": "_:ci", "from": "urn:pump",
     "relationshipType": "hasStaticLink", "to": ["urn:model"]},
    {"type": "Annotation", "spdxId": "urn:a1", "creationInfo": "_:ci", "subject": "urn:conf",
     "annotationType": "other", "statement": "supportLevel: abandoned"}
  ]
}"#;

#[test]
fn spdx3_maps_every_field() {
    let parsed = match medsbom_spdx::read_spdx3_json(SPDX3.as_bytes()) {
        Ok(parsed) => parsed,
        Err(err) => panic!("{err}"),
    };
    assert_eq!(parsed.diagnostics, []);
    let sbom = &parsed.sbom;
    assert_eq!(sbom.spec_version, "3.0.1");
    assert_eq!(sbom.serial_number.as_deref(), Some("urn:doc"));
    assert_eq!(sbom.name.as_deref(), Some("pump"));
    assert_eq!(sbom.timestamp.as_deref(), Some("2024-05-01T08:00:00Z"));
    assert_eq!(sbom.data_license.as_deref(), Some("CC0-1.0"));
    assert_eq!(sbom.lifecycles, ["build", "deployed"]);
    assert_eq!(sbom.roots, ["urn:pump"]);
    let author = &sbom.authors[0];
    assert_eq!(
        (author.kind, author.name.as_str(), author.email.as_deref()),
        (
            PartyKind::Organization,
            "Acme Medical",
            Some("psirt@acme.example")
        )
    );
    let tool = &sbom.tools[0];
    assert_eq!(
        (tool.name.as_str(), tool.version.as_deref()),
        ("acme-sbom", Some("3.2"))
    );

    let [pump, model, conf] = [0, 1, 2].map(|idx| &sbom.components[idx]);
    assert_eq!(pump.kind, ComponentType::Firmware);
    assert_eq!(model.kind, ComponentType::MachineLearningModel);
    assert_eq!(conf.kind, ComponentType::File);
    assert_eq!(pump.version.as_deref(), Some("2.1.0"));
    assert_eq!(
        pump.supplier.as_ref().map(|p| p.name.as_str()),
        Some("Acme Medical")
    );
    assert_eq!(
        pump.purl.as_deref(),
        Some("pkg:generic/acme/pump-firmware@2.1.0")
    );
    assert_eq!(
        pump.cpes,
        ["cpe:2.3:o:acme:pump_firmware:2.1.0:*:*:*:*:*:*:*"]
    );
    assert_eq!(pump.extra.other_identifiers[0].kind, "gitoid");
    assert_eq!(pump.hashes.len(), 1);
    assert_eq!(pump.hashes[0].algorithm, "SHA-256");
    assert_eq!(pump.licenses, [License::Expression("MIT".to_owned())]);
    assert_eq!(pump.support.level, Some(SupportLevel::ActivelyMaintained));
    assert_eq!(pump.support.level_text.as_deref(), Some("limitedSupport"));
    let eos = pump.support.end_of_support.as_ref().and_then(|m| m.date);
    assert_eq!(eos.map(|d| d.to_string()).as_deref(), Some("2034-04-01"));
    let milestones: Vec<&str> = pump
        .support
        .milestones
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(milestones, ["releaseDate", "builtDate"]);
    assert_eq!(model.support.level, Some(SupportLevel::NoLongerMaintained));
    assert_eq!(conf.support.level, Some(SupportLevel::Abandoned));
    assert_eq!(conf.properties[0].name, "supportLevel");

    assert_eq!(
        edges(sbom),
        [
            "urn:pump DependsOn urn:model (dependsOn)",
            "urn:pump Contains urn:conf (contains)",
            "urn:model Other(\"dependsOn\") NONE (dependsOn)",
        ]
    );
}

#[test]
fn many_duplicate_ids_stay_linear() {
    let mut text = String::from("SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\n");
    for _ in 0..20_000 {
        text.push_str("PackageName: p\nSPDXID: SPDXRef-same\n");
    }
    let parsed = read_tv(&text);
    assert_eq!(parsed.sbom.components.len(), 20_000);
    assert_eq!(
        parsed.sbom.components.last().map(|c| c.bom_ref.as_str()),
        Some("SPDXRef-same-duplicate-20000")
    );
    // And the writer, for bom-refs that sanitize to the same SPDXID.
    let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.6");
    sbom.components = (0..20_000)
        .map(|_| Component::new("pkg:npm/same@1.0.0", "same"))
        .collect();
    let written = medsbom_spdx::write_tag_value(&sbom);
    let again = read_tv(&String::from_utf8_lossy(&written.bytes));
    assert_eq!(again.sbom.components.len(), 20_000);
    assert!(again.diagnostics.is_empty());
    assert_eq!(
        again.sbom.components.last().map(|c| c.bom_ref.as_str()),
        Some("SPDXRef-pkg-npm-same-1.0.0-20000")
    );
}
