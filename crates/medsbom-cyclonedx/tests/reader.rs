//! What the readers make of real documents (exact counts, the medical-device case study) and
//! of small hand-written ones in both syntaxes.

mod common;

use medsbom_model::{
    ComponentType, License, Location, Parsed, RelationshipKind, Severity, SupportLevel,
};

fn read_corpus(relative: &str) -> Option<Parsed> {
    let path = medsbom_testkit::corpus_path(relative)?;
    let bytes = std::fs::read(&path).expect("corpus file is readable");
    let syntax = common::syntax_of(&path).expect("json or xml file");
    Some(common::read(&bytes, syntax).expect("corpus file parses"))
}

fn count_kind(parsed: &Parsed, kind: &RelationshipKind) -> usize {
    parsed
        .sbom
        .relationships
        .iter()
        .filter(|r| &r.kind == kind)
        .count()
}

#[test]
fn case_study_keeps_support_values() {
    let Some(extended) = read_corpus("sbom/medical-device/case-study/extended.sbom.json") else {
        return;
    };
    let sbom = &extended.sbom;
    assert_eq!(sbom.spec_version, "1.4");
    assert_eq!(
        sbom.components.len(),
        66,
        "65 components and the device itself"
    );
    assert_eq!(sbom.roots.len(), 1);
    let root = sbom.root_components().next().expect("root component");
    assert_eq!(root.kind, ComponentType::Device);
    assert_eq!(
        root.extra.authors.first().map(|a| a.name.as_str()),
        Some("REDACTED")
    );

    let unifi = sbom
        .components
        .iter()
        .find(|c| c.name == "UniFi Network Application")
        .expect("UniFi Network Application is listed");
    assert_eq!(unifi.support.level, Some(SupportLevel::ActivelyMaintained));
    assert_eq!(
        unifi.support.level_text.as_deref(),
        Some("Actively maintained")
    );
    let eos = unifi
        .support
        .end_of_support
        .as_ref()
        .expect("end of support");
    assert_eq!(eos.text, "Until hardware support ends");
    assert_eq!(eos.date, None);
    assert_eq!(
        unifi.cpe(),
        Some("cpe:2.3:a:ubiquiti:unifi_network_application:8.3.32:*:*:*:*:*:*:*")
    );
    assert_eq!(unifi.licenses, [License::Name("Ubiquiti".to_owned())]);
    assert_eq!(unifi.properties.len(), 2, "properties are kept verbatim");

    let n_inactive = sbom
        .components
        .iter()
        .filter(|c| c.support.level_text.as_deref() == Some("Inactive"))
        .count();
    assert_eq!(n_inactive, 7);
    let n_deprecated = sbom
        .components
        .iter()
        .filter(|c| c.support.level == Some(SupportLevel::NoLongerMaintained))
        .count();
    assert_eq!(n_deprecated, 2, "\"Deprecated\" means no longer maintained");

    let Some(narrow) = read_corpus("sbom/medical-device/case-study/narrow.sbom.json") else {
        return;
    };
    assert_eq!(narrow.sbom.components.len(), 56);
    let qualcomm = narrow
        .sbom
        .components
        .iter()
        .find(|c| c.name == "Qualcomm Atheros QCA9563")
        .expect("the SoC is listed");
    assert_eq!(qualcomm.kind, ComponentType::Device);
    assert_eq!(qualcomm.version.as_deref(), Some(""));
    assert_eq!(
        qualcomm
            .support
            .end_of_support
            .as_ref()
            .map(|m| m.text.as_str()),
        Some("Until hardware support ends")
    );
    // Every component has a dependency entry without dependsOn: no edges, no warnings.
    assert_eq!(narrow.sbom.relationships.len(), 0);
    assert!(narrow.diagnostics.is_empty(), "{:#?}", narrow.diagnostics);
}

#[test]
fn real_documents_have_the_expected_shape() {
    let Some(dropwizard) =
        read_corpus("sbom/cyclonedx-bom-examples/SBOM/dropwizard-1.3.15/bom.json")
    else {
        return;
    };
    assert_eq!(dropwizard.sbom.components.len(), 168);
    assert_eq!(count_kind(&dropwizard, &RelationshipKind::DependsOn), 170);

    let Some(keycloak) = read_corpus("sbom/cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.json")
    else {
        return;
    };
    assert_eq!(keycloak.sbom.components.len(), 904);
    assert_eq!(count_kind(&keycloak, &RelationshipKind::DependsOn), 994);

    let Some(saas) = read_corpus(
        "sbom/cyclonedx-bom-examples/SaaSBOM/apigateway-microservices-datastores/bom.json",
    ) else {
        return;
    };
    let n_services = saas
        .sbom
        .components
        .iter()
        .filter(|c| c.kind == ComponentType::Other("service".to_owned()))
        .count();
    assert_eq!(n_services, 6, "services become components of type service");

    let Some(postgres) = read_corpus("sbom/osv-scanner-testdata/postgres-stretch.cdx.xml") else {
        return;
    };
    assert_eq!(postgres.sbom.spec_version, "1.4");
    assert_eq!(postgres.sbom.components.len(), 138);
    assert_eq!(postgres.sbom.tools.len(), 1);

    let Some(laravel) = read_corpus("sbom/cyclonedx-bom-examples/SBOM/laravel-7.12.0/bom.1.1.xml")
    else {
        return;
    };
    assert_eq!(laravel.sbom.spec_version, "1.1");
    assert_eq!(laravel.sbom.components.len(), 62);

    let Some(duplicates) = read_corpus("sbom/osv-scanner-testdata/with-duplicates.cdx.xml") else {
        return;
    };
    let duplicate_warnings: Vec<_> = duplicates
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("duplicate bom-ref"))
        .collect();
    assert_eq!(duplicate_warnings.len(), 2, "{:#?}", duplicates.diagnostics);
    assert!(
        duplicate_warnings
            .iter()
            .all(|d| d.severity == Severity::Warning
                && matches!(d.location, Location::LineColumn { .. }))
    );

    let Some(vex) = read_corpus("sbom/cyclonedx-bom-examples/VEX/vex.json") else {
        return;
    };
    assert_eq!(vex.sbom.vulnerabilities.len(), 1);
    let vulnerability = &vex.sbom.vulnerabilities[0];
    assert!(!vulnerability.id.is_empty());
    assert!(!vulnerability.affects.is_empty());
}

const JSON_16: &str = r#"{
"bomFormat": "CycloneDX",
"specVersion": "1.6",
"serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
"version": 2,
"metadata": {
  "timestamp": "2024-05-01T10:00:00Z",
  "lifecycles": [{"phase": "build"}, {"name": "custom", "description": "x"}],
  "tools": {"components": [{"type": "application", "group": "Acme", "name": "scanner", "version": "1.0"}]},
  "authors": [{"name": "Jane", "email": "jane@example.com"}],
  "component": {"type": "device", "bom-ref": "pump", "name": "Infusion pump", "version": "2.1",
    "manufacturer": {"name": "Acme Medical"},
    "components": [{"type": "firmware", "bom-ref": "fw", "name": "pump-fw", "version": "2.1.0"}]},
  "supplier": {"name": "Acme Medical", "url": ["https://acme.example"]},
  "licenses": [{"license": {"id": "CC0-1.0"}}]
},
"components": [
  {"type": "library", "bom-ref": "ssl", "name": "openssl", "version": "3.0.13",
   "supplier": {"name": "OpenSSL Foundation"},
   "authors": [{"name": "Eric"}],
   "purl": "pkg:generic/openssl@3.0.13", "cpe": "cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*",
   "omniborId": ["gitoid:blob:sha1:a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"],
   "swhid": ["swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2"],
   "hashes": [{"alg": "SHA-256", "content": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}],
   "licenses": [{"expression": "Apache-2.0 OR MIT"}],
   "scope": "required",
   "properties": [{"name": "cdx:lifecycle:milestone:endOfSupport", "value": "2028-12-31"},
                  {"name": "Level of Support", "value": "Actively maintained"}],
   "evidence": {"identity": [{"field": "purl", "confidence": 1}]}},
  {"type": "library", "name": "zlib", "version": "1.3",
   "licenses": [{"license": {"id": "Zlib"}}, {"license": {"name": "Custom", "acknowledgement": "concluded"}}]}
],
"dependencies": [
  {"ref": "pump", "dependsOn": ["ssl", "missing"]},
  {"ref": "ssl", "provides": ["fw"]}
],
"compositions": [{"aggregate": "incomplete", "assemblies": ["pump"]}],
"vulnerabilities": [{"bom-ref": "v1", "id": "CVE-2024-0001", "source": {"name": "NVD"},
  "references": [{"id": "GHSA-xxxx", "source": {"name": "GitHub"}}],
  "ratings": [{"score": 7.5, "severity": "high", "method": "CVSSv31", "vector": "AV:N"}],
  "cwes": [79], "advisories": [{"url": "https://example.com/a"}],
  "analysis": {"state": "not_affected", "justification": "code_not_reachable", "response": ["will_not_fix"]},
  "affects": [{"ref": "ssl", "versions": [{"range": "vers:generic/<3.1", "status": "affected"}]}]}]
}"#;

#[test]
fn json_fields_map_to_the_model() {
    let parsed = medsbom_cyclonedx::read_json(JSON_16.as_bytes()).expect("fixture parses");
    check_fixture(&parsed);
    let warnings: Vec<_> = parsed.diagnostics.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        warnings,
        [
            "warning: /dependencies/0/dependsOn/1: dependency ref \"missing\" points to no component or service"
        ]
    );
    let ssl = parsed.sbom.component("ssl").expect("ssl");
    assert_eq!(ssl.extra.extensions.len(), 1);
    assert_eq!(ssl.extra.extensions[0].name, "/components/0/evidence");
    assert!(ssl.extra.extensions[0].value.contains("confidence"));
}

/// The same document in XML (1.6 namespace).
const XML_16: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="2">
<metadata>
  <timestamp>2024-05-01T10:00:00Z</timestamp>
  <lifecycles><lifecycle><phase>build</phase></lifecycle><lifecycle><name>custom</name><description>x</description></lifecycle></lifecycles>
  <tools><components><component type="application"><group>Acme</group><name>scanner</name><version>1.0</version></component></components></tools>
  <authors><author><name>Jane</name><email>jane@example.com</email></author></authors>
  <component type="device" bom-ref="pump"><manufacturer><name>Acme Medical</name></manufacturer><name>Infusion pump</name><version>2.1</version>
    <components><component type="firmware" bom-ref="fw"><name>pump-fw</name><version>2.1.0</version></component></components>
  </component>
  <supplier><name>Acme Medical</name><url>https://acme.example</url></supplier>
  <licenses><license><id>CC0-1.0</id></license></licenses>
</metadata>
<components>
  <component type="library" bom-ref="ssl">
    <supplier><name>OpenSSL Foundation</name></supplier>
    <authors><author><name>Eric</name></author></authors>
    <name>openssl</name><version>3.0.13</version><scope>required</scope>
    <hashes><hash alg="SHA-256">9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08</hash></hashes>
    <licenses><expression>Apache-2.0 OR MIT</expression></licenses>
    <cpe>cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*</cpe>
    <purl>pkg:generic/openssl@3.0.13</purl>
    <omniborId>gitoid:blob:sha1:a94a8fe5ccb19ba61c4c0873d391e987982fbbd3</omniborId>
    <swhid>swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2</swhid>
    <properties>
      <property name="cdx:lifecycle:milestone:endOfSupport">2028-12-31</property>
      <property name="Level of Support">Actively maintained</property>
    </properties>
    <evidence><identity><field>purl</field><confidence>1</confidence></identity></evidence>
  </component>
  <component type="library"><name>zlib</name><version>1.3</version>
    <licenses><license><id>Zlib</id></license><license acknowledgement="concluded"><name>Custom</name></license></licenses>
  </component>
</components>
<dependencies>
  <dependency ref="pump"><dependency ref="ssl"/><dependency ref="missing"/></dependency>
  <dependency ref="ssl"><provides ref="fw"/></dependency>
</dependencies>
<compositions><composition><aggregate>incomplete</aggregate><assemblies><assembly ref="pump"/></assemblies></composition></compositions>
<vulnerabilities><vulnerability bom-ref="v1"><id>CVE-2024-0001</id><source><name>NVD</name></source>
  <references><reference><id>GHSA-xxxx</id><source><name>GitHub</name></source></reference></references>
  <ratings><rating><score>7.5</score><severity>high</severity><method>CVSSv31</method><vector>AV:N</vector></rating></ratings>
  <cwes><cwe>79</cwe></cwes><advisories><advisory><url>https://example.com/a</url></advisory></advisories>
  <analysis><state>not_affected</state><justification>code_not_reachable</justification><responses><response>will_not_fix</response></responses></analysis>
  <affects><target><ref>ssl</ref><versions><version><range>vers:generic/&lt;3.1</range><status>affected</status></version></versions></target></affects>
</vulnerability></vulnerabilities>
</bom>"#;

#[test]
fn xml_fields_map_to_the_model() {
    let parsed = medsbom_cyclonedx::read_xml(XML_16.as_bytes()).expect("fixture parses");
    check_fixture(&parsed);
    assert_eq!(parsed.diagnostics.len(), 1, "{:#?}", parsed.diagnostics);
    assert_eq!(
        parsed.diagnostics[0].location,
        Location::LineColumn {
            line: 36,
            column: 49
        }
    );
    let ssl = parsed.sbom.component("ssl").expect("ssl");
    assert_eq!(ssl.extra.extensions.len(), 1);
    assert_eq!(
        ssl.extra.extensions[0].name,
        "/bom/components/component[1]/evidence"
    );
    assert!(ssl.extra.extensions[0].value.starts_with("<evidence>"));
    assert!(ssl.extra.extensions[0].value.ends_with("</evidence>"));
}

fn check_fixture(parsed: &Parsed) {
    let sbom = &parsed.sbom;
    assert_eq!(sbom.spec_version, "1.6");
    assert_eq!(sbom.version, Some(2));
    assert_eq!(sbom.timestamp.as_deref(), Some("2024-05-01T10:00:00Z"));
    assert_eq!(sbom.lifecycles, ["build", "custom"]);
    assert_eq!(sbom.tools.len(), 1);
    assert_eq!(sbom.tools[0].vendor.as_deref(), Some("Acme"));
    assert_eq!(sbom.authors[0].email.as_deref(), Some("jane@example.com"));
    assert_eq!(sbom.supplier.as_ref().map(|s| s.urls.len()), Some(1));
    assert_eq!(
        sbom.manufacturer.as_ref().map(|m| m.name.as_str()),
        Some("Acme Medical")
    );
    assert_eq!(sbom.data_license.as_deref(), Some("CC0-1.0"));
    assert_eq!(sbom.name.as_deref(), Some("Infusion pump"));
    assert_eq!(sbom.roots, ["pump"]);
    let names: Vec<_> = sbom.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Infusion pump", "pump-fw", "openssl", "zlib"]);
    assert_eq!(
        sbom.component("fw").and_then(|c| c.extra.parent.as_deref()),
        Some("pump")
    );
    let zlib = &sbom.components[3];
    assert_eq!(zlib.bom_ref, "medsbom-gen-1");
    assert_eq!(zlib.licenses, [License::Id("Zlib".to_owned())]);
    assert_eq!(zlib.extra.license_concluded.as_deref(), Some("Custom"));

    let ssl = sbom.component("ssl").expect("ssl");
    assert_eq!(
        ssl.supplier.as_ref().map(|s| s.name.as_str()),
        Some("OpenSSL Foundation")
    );
    assert_eq!(ssl.extra.authors[0].name, "Eric");
    assert_eq!(ssl.purl.as_deref(), Some("pkg:generic/openssl@3.0.13"));
    assert_eq!(ssl.cpes.len(), 1);
    assert_eq!(ssl.extra.other_identifiers.len(), 2);
    assert_eq!(ssl.hashes[0].algorithm, "SHA-256");
    assert_eq!(
        ssl.licenses,
        [License::Expression("Apache-2.0 OR MIT".to_owned())]
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

    let edges: Vec<_> = sbom
        .relationships
        .iter()
        .map(|r| {
            (
                r.from.as_str(),
                r.to.as_str(),
                r.kind.clone(),
                r.original.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        edges,
        [
            ("pump", "fw", RelationshipKind::Contains, None),
            (
                "pump",
                "ssl",
                RelationshipKind::DependsOn,
                Some("dependsOn")
            ),
            (
                "pump",
                "missing",
                RelationshipKind::DependsOn,
                Some("dependsOn")
            ),
            ("ssl", "fw", RelationshipKind::Provides, Some("provides")),
        ]
    );
    assert_eq!(sbom.compositions[0].aggregate, "incomplete");
    assert_eq!(sbom.compositions[0].assemblies, ["pump"]);

    let vulnerability = &sbom.vulnerabilities[0];
    assert_eq!(vulnerability.id, "CVE-2024-0001");
    assert_eq!(vulnerability.source_name.as_deref(), Some("NVD"));
    assert_eq!(vulnerability.aliases, ["GHSA-xxxx"]);
    assert_eq!(vulnerability.ratings[0].score, Some(7.5));
    assert_eq!(vulnerability.cwes, [79]);
    assert_eq!(vulnerability.advisories, ["https://example.com/a"]);
    let analysis = vulnerability.analysis.as_ref().expect("analysis");
    assert_eq!(analysis.state.as_deref(), Some("not_affected"));
    assert_eq!(analysis.responses, ["will_not_fix"]);
    assert_eq!(vulnerability.affects[0].reference, "ssl");
    assert_eq!(
        vulnerability.affects[0].versions[0].range.as_deref(),
        Some("vers:generic/<3.1")
    );
}

#[test]
fn legacy_tools_and_old_xml_versions() {
    let json = br#"{"bomFormat":"CycloneDX","specVersion":"1.4","version":1,
      "metadata":{"tools":[{"vendor":"CycloneDX","name":"cyclonedx-npm","version":"1.0"}],
                  "manufacture":{"name":"Old Manufacturer"}},
      "components":[{"type":"library","name":"a","author":"Someone"}]}"#;
    let parsed = medsbom_cyclonedx::read_json(json).expect("1.4 document parses");
    assert_eq!(parsed.sbom.tools[0].vendor.as_deref(), Some("CycloneDX"));
    assert_eq!(
        parsed.sbom.manufacturer.as_ref().map(|m| m.name.as_str()),
        Some("Old Manufacturer")
    );
    assert_eq!(parsed.sbom.components[0].extra.authors[0].name, "Someone");

    let xml = br#"<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.1" xmlns:dg="http://cyclonedx.org/schema/ext/dependency-graph/1.0" version="1">
  <components>
    <component type="library" bom-ref="1"><name>a</name><version>1</version><modified>false</modified></component>
    <component type="library" bom-ref="2"><name>b</name><version>1</version></component>
    <component type="library" bom-ref="3"><name>c</name><version>1</version></component>
  </components>
  <dg:dependencies>
    <dg:dependency ref="1"><dg:dependency ref="2"><dg:dependency ref="3"/></dg:dependency></dg:dependency>
  </dg:dependencies>
</bom>"#;
    let parsed = medsbom_cyclonedx::read_xml(xml).expect("1.1 document parses");
    assert_eq!(parsed.sbom.spec_version, "1.1");
    let edges: Vec<_> = parsed
        .sbom
        .relationships
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    assert_eq!(edges, [("2", "3"), ("1", "2")]);
    assert_eq!(
        parsed.sbom.components[0].extra.extensions[0].name,
        "/bom/components/component[1]/modified"
    );
}

#[test]
fn unknown_versions_warn_and_read() {
    let json = br#"{"bomFormat":"CycloneDX","specVersion":"1.9","components":[{"type":"library","name":"a"}]}"#;
    let parsed = medsbom_cyclonedx::read_json(json).expect("unknown version still reads");
    assert_eq!(parsed.sbom.components.len(), 1);
    assert_eq!(
        parsed.diagnostics[0].message,
        "unknown cyclonedx spec version \"1.9\"; read as 1.7"
    );
    let xml = br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.9"><components><component type="library"><name>a</name></component></components></bom>"#;
    let parsed = medsbom_cyclonedx::read_xml(xml).expect("unknown version still reads");
    assert_eq!(parsed.sbom.components.len(), 1);
    assert_eq!(parsed.diagnostics.len(), 1);

    let not_cdx = br#"{"bomFormat":"SPDX","specVersion":"1.4"}"#;
    let error = medsbom_cyclonedx::read_json(not_cdx).expect_err("not cyclonedx");
    assert_eq!(
        error.message,
        "not a cyclonedx document: bomFormat is \"SPDX\""
    );
    let spdx_json = br#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}"#;
    assert!(medsbom_cyclonedx::read_json(spdx_json).is_err());
    let not_bom =
        br#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"/>"#;
    let error = medsbom_cyclonedx::read_xml(not_bom).expect_err("not cyclonedx");
    assert!(
        error.message.starts_with("not a cyclonedx document"),
        "{error}"
    );
}
