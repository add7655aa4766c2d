//! The SWID reader on small hand-written tags: mapping, multi-tag files, hostile input.

use medsbom_model::{Location, Parsed, RelationshipKind, Severity, SupportLevel};
use medsbom_swid::read_xml;

fn read(xml: &str) -> Parsed {
    read_xml(xml.as_bytes()).unwrap_or_else(|err| panic!("{err}\n{xml}"))
}

fn read_err(xml: &[u8]) -> String {
    match read_xml(xml) {
        Ok(parsed) => panic!("expected an error, got {:?}", parsed.sbom),
        Err(err) => err.to_string(),
    }
}

const DEVICE_SET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<SoftwareInventory xmlns:swid="http://standards.iso.org/iso/19770/-2/2015/schema.xsd">
<swid:SoftwareIdentity name="InfuStar firmware" tagId="com.acme.infustar-fw-4.2" tagVersion="3"
    version="4.2.0" versionScheme="semver" xml:lang="en">
  <swid:Entity name="Acme Medical" regid="acme-medical.example" role="tagCreator softwareCreator"/>
  <swid:Meta product="InfuStar" colloquialVersion="4" revision="2" edition="US"
      generator="acme-swidgen" description="Infusion pump firmware"
      End-of-Support="2031-06-30" Level-of-Support="Actively maintained"/>
  <swid:Link rel="component" href="swid:org.openssl.openssl-3.0.13"/>
  <swid:Link rel="requires" href="swid:org.zlib.zlib-1.3"/>
  <swid:Link rel="see-also" href="https://acme-medical.example/infustar"/>
  <swid:Payload xmlns:SHA-256="http://www.w3.org/2001/04/xmlenc#sha256">
    <swid:Directory name="fw"><swid:File name="image.bin" size="10"
      SHA-256:hash="9452e85177f69535ca93cbe2df3e8604344d58f729db7fb9e309e80684253111"/></swid:Directory>
  </swid:Payload>
</swid:SoftwareIdentity>
<swid:SoftwareIdentity name="OpenSSL" tagId="org.openssl.openssl-3.0.13" version="3.0.13">
  <swid:Entity name="Acme Medical" regid="acme-medical.example" role="tagCreator"/>
  <swid:Entity name="OpenSSL Software Foundation" regid="openssl.org" role="softwareCreator"/>
</swid:SoftwareIdentity>
<swid:SoftwareIdentity name="zlib" tagId="org.zlib.zlib-1.3" version="1.3">
  <swid:Entity name="Acme Medical" regid="acme-medical.example" role="tagCreator"/>
  <swid:Entity name="zlib distributor" regid="zlib.example" role="distributor"/>
  <swid:Link rel="requires" href="swid:org.example.not-in-this-file"/>
</swid:SoftwareIdentity>
<swid:SoftwareIdentity name="zlib hotfix" tagId="org.zlib.zlib-1.3-p1" patch="true" version="1.3.1">
  <swid:Entity name="Acme Medical" regid="acme-medical.example" role="tagCreator"/>
  <swid:Link rel="patches" href="swid:org.zlib.zlib-1.3"/>
</swid:SoftwareIdentity>
</SoftwareInventory>
"#;

#[test]
fn device_software_set_becomes_one_sbom() {
    let parsed = read(DEVICE_SET);
    assert_eq!(parsed.diagnostics, Vec::new());
    let sbom = &parsed.sbom;
    assert_eq!(sbom.spec_version, "2015");
    assert_eq!(
        sbom.serial_number.as_deref(),
        Some("com.acme.infustar-fw-4.2")
    );
    assert_eq!(sbom.name.as_deref(), Some("InfuStar firmware"));
    assert_eq!(sbom.version, Some(3));
    assert_eq!(sbom.timestamp, None);
    // zlib is only required (not a component), so it is a root too; the patch tag is not.
    assert_eq!(
        sbom.roots,
        vec![
            "com.acme.infustar-fw-4.2".to_owned(),
            "org.zlib.zlib-1.3".to_owned()
        ]
    );
    assert_eq!(sbom.components.len(), 4);
    assert_eq!(
        sbom.authors
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Acme Medical"]
    );
    assert_eq!(
        sbom.tools
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        vec!["acme-swidgen"]
    );
    assert_eq!(
        sbom.supplier.as_ref().map(|s| s.name.as_str()),
        Some("Acme Medical")
    );

    let firmware = sbom
        .component("com.acme.infustar-fw-4.2")
        .expect("firmware");
    assert_eq!(firmware.version.as_deref(), Some("4.2.0"));
    assert_eq!(
        firmware.extra.description.as_deref(),
        Some("Infusion pump firmware")
    );
    assert_eq!(firmware.hashes.len(), 1);
    assert_eq!(firmware.hashes[0].algorithm, "SHA-256");
    assert_eq!(
        firmware.support.level,
        Some(SupportLevel::ActivelyMaintained)
    );
    assert_eq!(
        firmware
            .support
            .end_of_support
            .as_ref()
            .and_then(|m| m.date)
            .map(|d| d.to_string())
            .as_deref(),
        Some("2031-06-30")
    );
    assert!(
        firmware
            .properties
            .iter()
            .any(|p| p.name == "product" && p.value == "InfuStar")
    );
    assert_eq!(firmware.extra.external_refs.len(), 1);
    assert_eq!(firmware.extra.external_refs[0].kind, "see-also");
    assert!(
        firmware
            .extra
            .extensions
            .iter()
            .any(|e| e.name == "/SoftwareIdentity/Payload/fw/image.bin")
    );

    let openssl = sbom
        .component("org.openssl.openssl-3.0.13")
        .expect("openssl");
    assert_eq!(
        openssl.supplier.as_ref().map(|s| s.name.as_str()),
        Some("OpenSSL Software Foundation")
    );
    let zlib = sbom.component("org.zlib.zlib-1.3").expect("zlib");
    assert_eq!(
        zlib.supplier.as_ref().map(|s| s.name.as_str()),
        Some("zlib distributor")
    );
    // A link to a tag outside the file is an external reference, not a dangling edge.
    assert_eq!(
        zlib.extra.external_refs[0].url,
        "swid:org.example.not-in-this-file"
    );
    let patch = sbom.component("org.zlib.zlib-1.3-p1").expect("patch");
    assert_eq!(patch.extra.swid.as_ref().and_then(|s| s.patch), Some(true));

    let edges: Vec<(&str, &str, &RelationshipKind)> = sbom
        .relationships
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str(), &r.kind))
        .collect();
    assert_eq!(
        edges,
        vec![
            (
                "com.acme.infustar-fw-4.2",
                "org.openssl.openssl-3.0.13",
                &RelationshipKind::Contains
            ),
            (
                "com.acme.infustar-fw-4.2",
                "org.zlib.zlib-1.3",
                &RelationshipKind::DependsOn
            ),
            (
                "org.zlib.zlib-1.3-p1",
                "org.zlib.zlib-1.3",
                &RelationshipKind::Other("patches".to_owned())
            ),
        ]
    );
}

#[test]
fn concatenated_tags_are_one_document() {
    let one = r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" name="a" tagId="a-1"><Entity name="X" regid="x.example" role="tagCreator"/></SoftwareIdentity>"#;
    let two = one.replace("\"a\"", "\"b\"").replace("a-1", "b-1");
    let parsed = read(&format!("{one}\n{two}\n"));
    assert_eq!(parsed.sbom.components.len(), 2);
    assert_eq!(parsed.sbom.roots, vec!["a-1".to_owned(), "b-1".to_owned()]);
    assert_eq!(parsed.sbom.serial_number.as_deref(), Some("a-1"));
}

#[test]
fn duplicate_tag_ids_are_renamed_with_a_warning() {
    let one = r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" name="a" tagId="a-1"><Entity name="X" role="tagCreator"/></SoftwareIdentity>"#;
    let parsed = read(&format!("<set>{one}{one}</set>"));
    let refs: Vec<&str> = parsed
        .sbom
        .components
        .iter()
        .map(|c| c.bom_ref.as_str())
        .collect();
    assert_eq!(refs, vec!["a-1", "a-1#2"]);
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(parsed.diagnostics[0].severity, Severity::Warning);
}

#[test]
fn structural_rules_are_error_diagnostics() {
    let parsed = read(
        r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" tagVersion="x" patch="maybe">
  <Entity role="softwareCreator"/>
  <Link href="swid:x"/>
  <Payload><File/><Bogus/></Payload>
</SoftwareIdentity>"#,
    );
    let messages: Vec<&str> = parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        messages,
        vec![
            "<SoftwareIdentity> has no required attribute name",
            "<SoftwareIdentity> has no required attribute tagId",
            "<SoftwareIdentity> attribute patch=\"maybe\" is not a boolean",
            "<Entity> has no required attribute name",
            "<Link> has no required attribute rel",
            "<File> has no required attribute name",
            "unexpected element <Bogus> in <Payload>",
            "no <Entity> with role tagCreator (iso/iec 19770-2 requires one)",
            "tagVersion \"x\" is not a non-negative integer",
        ]
    );
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Error)
    );
    assert_eq!(
        parsed.diagnostics[3].location,
        Location::LineColumn { line: 2, column: 3 }
    );
    // A generated bom_ref stands in for the missing tagId.
    assert_eq!(parsed.sbom.components[0].bom_ref, "swid-tag-1");
}

#[test]
fn wrong_namespace_is_an_error_diagnostic() {
    let parsed = read(
        r#"<SoftwareIdentity name="a" tagId="a"><Entity name="X" role="tagCreator"/></SoftwareIdentity>"#,
    );
    assert_eq!(parsed.diagnostics.len(), 1);
    assert!(
        parsed.diagnostics[0]
            .message
            .contains("not the iso/iec 19770-2:2015 namespace")
    );
}

#[test]
fn hostile_and_broken_input_gives_errors() {
    let check = |xml: &[u8], expect: &str| {
        let err = read_err(xml);
        assert!(err.contains(expect), "{err:?} should contain {expect:?}");
    };
    check(
        br#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<SoftwareIdentity name="&lol2;" tagId="x"/>"#,
        "2:1: document type declarations (dtd) are not accepted",
    );
    check(
        br#"<SoftwareIdentity name="a" tagId="x">&ext;</SoftwareIdentity>"#,
        "unknown entity &ext;",
    );
    check(
        br#"<SoftwareIdentity name="&ext;" tagId="x"/>"#,
        "attribute name: unsupported reference",
    );
    check(
        b"<SoftwareIdentity name=\"\xff\" tagId=\"x\"/>",
        "1:25: invalid utf-8",
    );
    check(
        br#"<SoftwareIdentity name="a" tagId="x"><Entity"#,
        "malformed xml",
    );
    check(
        br#"<SoftwareIdentity name="a" tagId="x"><Entity>"#,
        "not closed",
    );
    check(br#"<a></b>"#, "malformed xml");
    check(b"", "no root element");
    check(b"not xml at all", "text outside the root element");
    check(
        br#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>"#,
        "not a swid tag",
    );
    check(
        br#"<?xml version="1.0" encoding="ISO-8859-1"?><SoftwareIdentity/>"#,
        "only utf-8 is supported",
    );
    check(br#"<p:SoftwareIdentity/>"#, "undeclared namespace prefix");
    let deep = format!("{}{}", "<a>".repeat(300), "</a>".repeat(300));
    check(deep.as_bytes(), "nested deeper than 256 levels");
}

#[test]
fn character_references_and_predefined_entities_are_expanded() {
    let parsed = read(
        r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" name="A &amp; B&#x20;&#233;" tagId="t"><Entity name="X" role="tagCreator"/></SoftwareIdentity>"#,
    );
    assert_eq!(parsed.sbom.components[0].name, "A & B é");
}
