//! `validate`, `read` and `write` on small hand-written documents and hostile input.

use medsbom_formats::{
    Format, FormatError, OutputFormat, read, schemas_available, validate, write,
};
use medsbom_model::Location;

fn rules(bytes: &[u8]) -> Vec<String> {
    validate(bytes).errors.into_iter().map(|e| e.rule).collect()
}

const CDX_XML_OK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1">
  <components>
    <component type="firmware" bom-ref="fw">
      <version>4.2.0</version>
      <name>InfuStar firmware</name>
      <hashes><hash alg="SHA-256">9452e85177f69535ca93cbe2df3e8604344d58f729db7fb9e309e80684253111</hash></hashes>
    </component>
  </components>
  <metadata><timestamp>2025-01-31T12:00:00Z</timestamp></metadata>
</bom>
"#;

#[test]
fn cyclonedx_xml_element_order_is_not_checked() {
    if !schemas_available() {
        return;
    }
    // <version> before <name>, <metadata> after <components>: the XSD's sequences, reordered.
    let report = validate(CDX_XML_OK.as_bytes());
    assert!(report.valid, "{:?}", report.errors);
    assert!(
        report
            .rules_checked
            .starts_with("CycloneDX 1.6 XML structural rules of the XSD")
    );
    let detected = report.detected.expect("detected");
    assert_eq!(detected.format, Format::CycloneDxXml);
    assert_eq!(detected.spec_version.as_deref(), Some("1.6"));
}

#[test]
fn cyclonedx_xml_structural_errors_have_locations_and_rules() {
    if !schemas_available() {
        return;
    }
    let check = |from: &str, to: &str, rule: &str, message: &str| {
        let xml = CDX_XML_OK.replace(from, to);
        let report = validate(xml.as_bytes());
        assert!(!report.valid, "{to}");
        let error = report
            .errors
            .iter()
            .find(|e| e.rule == rule)
            .unwrap_or_else(|| panic!("{to}: no {rule} in {:?}", report.errors));
        assert!(error.message.contains(message), "{}", error.message);
        assert!(
            matches!(error.location, Location::LineColumn { .. }),
            "{:?}",
            error.location
        );
    };
    check(
        "type=\"firmware\"",
        "type=\"gadget\"",
        "xsd:attribute-value",
        "\"gadget\" is not one of",
    );
    check(
        "type=\"firmware\" ",
        "",
        "xsd:required-attribute",
        "no required attribute type",
    );
    check(
        "<name>InfuStar firmware</name>",
        "",
        "xsd:min-occurs",
        "no required element <name>",
    );
    check(
        "<version>4.2.0</version>",
        "<version>4.2.0</version><colour>red</colour>",
        "xsd:element",
        "does not allow <colour>",
    );
    check(
        "alg=\"SHA-256\">9452",
        "alg=\"SHA-256\">9452zz",
        "xsd:value",
        "does not match the pattern",
    );
    check(
        "2025-01-31T12:00:00Z",
        "31/01/2025",
        "xsd:value",
        "is not an xs:dateTime",
    );
    check("version=\"1\"", "version=\"0\"", "xsd:attribute-value", "");
    check(
        "bom-ref=\"fw\"",
        "bom-ref=\"\"",
        "xsd:attribute-value",
        "shorter than 1",
    );
    check(
        "<metadata>",
        "<metadata>stray text",
        "xsd:text",
        "only elements",
    );
    check(
        "</component>\n  </components>",
        "</component>\n<component type=\"library\" bom-ref=\"fw\"><name>x</name></component></components>",
        "xsd:unique",
        "duplicate bom-ref \"fw\"",
    );
}

#[test]
fn hostile_xml_is_an_error_not_a_panic() {
    let dtd = r#"<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"><components>&b;</components></bom>"#;
    let report = validate(dtd.as_bytes());
    assert!(!report.valid);
    if schemas_available() {
        assert!(rules(dtd.as_bytes()).contains(&"xml-dtd".to_owned()));
    }
    let deep = format!(
        r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6">{}{}</bom>"#,
        "<components><component type=\"library\"><name>x</name>".repeat(2000),
        "</component></components>".repeat(2000)
    );
    assert!(!validate(deep.as_bytes()).valid);
    let truncated = &CDX_XML_OK.as_bytes()[..200];
    assert!(!validate(truncated).valid);
    let swid_with_dtd = br#"<!DOCTYPE x [<!ENTITY e "e">]><SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" name="&e;" tagId="t"/>"#;
    let report = validate(swid_with_dtd);
    assert!(!report.valid);
    assert!(
        report.errors.iter().any(|e| e.message.contains("dtd")),
        "{:?}",
        report.errors
    );
}

#[test]
fn json_syntax_and_schema_errors() {
    if !schemas_available() {
        return;
    }
    let report =
        validate(b"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"version\": }");
    assert!(!report.valid);
    let error = report.errors.first().expect("error");
    assert_eq!(error.rule, "json-syntax");
    assert_eq!(
        error.location,
        Location::LineColumn {
            line: 1,
            column: 61
        }
    );

    let report = validate(br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [{"name": "x"}]}"#);
    assert!(!report.valid);
    let error = report.errors.first().expect("error");
    assert_eq!(
        error.location,
        Location::Pointer("/components/0".to_owned())
    );
    assert_eq!(error.rule, "/definitions/component/required");
    assert_eq!(report.rules_checked, "CycloneDX 1.6 JSON schema");

    let report = validate(br#"{"bomFormat": "CycloneDX", "specVersion": "9.9", "version": 1}"#);
    assert!(!report.valid);
    assert_eq!(
        report.errors.first().map(|e| e.rule.as_str()),
        Some("spec-version")
    );
}

#[test]
fn unknown_input_is_reported_as_a_format_error() {
    let report = validate(b"hello world");
    assert!(!report.valid);
    assert_eq!(report.detected, None);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].rule, "format");
    assert_eq!(report.rules_checked, "format detection");
    let err = read(b"hello world").expect_err("unknown");
    assert!(matches!(err, FormatError::Unknown { .. }), "{err}");
}

const TAG_VALUE: &str = "SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: pump
DocumentNamespace: https://acme-medical.example/spdx/pump
Creator: Organization: Acme Medical
Created: 2025-01-31T12:00:00Z

PackageName: openssl
SPDXID: SPDXRef-openssl
PackageVersion: 3.0.13
PackageDownloadLocation: NOASSERTION
PackageComment: <text>multi-line
FileName: this is not a file section
</text>
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-openssl
";

#[test]
fn spdx_tag_value_required_fields() {
    let report = validate(TAG_VALUE.as_bytes());
    assert!(report.valid, "{:?}", report.errors);
    assert!(
        report
            .rules_checked
            .starts_with("SPDX 2.2/2.3 tag-value required fields")
    );

    let broken = TAG_VALUE
        .replace(
            "DocumentNamespace: https://acme-medical.example/spdx/pump\n",
            "",
        )
        .replace("PackageDownloadLocation: NOASSERTION\n", "")
        .replace("DESCRIBES SPDXRef-openssl", "DESCRIBES");
    let report = validate(broken.as_bytes());
    let found: Vec<(String, String, String)> = report
        .errors
        .iter()
        .filter(|e| e.rule.starts_with("spdx-tv:"))
        .map(|e| (e.location.to_string(), e.rule.clone(), e.message.clone()))
        .collect();
    let expect = |line: &str, rule: &str, message: &str| {
        (line.to_owned(), rule.to_owned(), message.to_owned())
    };
    assert_eq!(
        found,
        vec![
            expect(
                "line 1",
                "spdx-tv:required-field",
                "document creation information has no required field DocumentNamespace"
            ),
            expect(
                "line 14",
                "spdx-tv:relationship",
                "relationship \"SPDXRef-DOCUMENT DESCRIBES\" is not \"<SPDXID> <TYPE> <SPDXID>\""
            ),
            expect(
                "line 8",
                "spdx-tv:required-field",
                "package has no required field PackageDownloadLocation"
            ),
        ]
    );
}

#[test]
fn swid_validation_uses_the_reader_structure_rules() {
    let report = validate(
        br#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" tagId="t"><Entity name="A" role="tagCreator"/></SoftwareIdentity>"#,
    );
    assert!(!report.valid);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].rule, "reader");
    assert_eq!(
        report.errors[0].message,
        "<SoftwareIdentity> has no required attribute name"
    );
    assert!(
        report
            .rules_checked
            .starts_with("SWID (ISO/IEC 19770-2:2015) XSD structural rules")
    );
}

#[test]
fn output_formats_parse_and_round_trip_through_sniff() {
    assert_eq!(OutputFormat::NAMES.len(), OutputFormat::ALL.len());
    for (name, format) in OutputFormat::NAMES.iter().zip(OutputFormat::ALL) {
        assert_eq!(name.parse::<OutputFormat>(), Ok(*format));
        assert_eq!(format.to_string(), *name);
    }
    let err = "spdx-yaml"
        .parse::<OutputFormat>()
        .expect_err("not writable");
    assert_eq!(
        err,
        "unknown output format \"spdx-yaml\"; expected one of: cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tv"
    );

    let Some(path) =
        medsbom_testkit::corpus_path("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    let bytes = std::fs::read(path).unwrap_or_default();
    let (_, parsed) = read(&bytes).expect("read");
    for format in OutputFormat::ALL {
        let written = write(&parsed.sbom, *format);
        let (detected, reread) = read(&written.bytes)
            .unwrap_or_else(|err| panic!("{format}: written output does not read back: {err}"));
        assert_eq!(detected.format, format.format(), "{format}");
        assert_eq!(
            reread.sbom.components.len(),
            parsed.sbom.components.len(),
            "{format}"
        );
    }
}

#[test]
fn rules_checked_says_when_schemas_are_missing() {
    let report = validate(br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}"#);
    assert!(report.valid, "{:?}", report.errors);
    let expect = if schemas_available() {
        "CycloneDX 1.6 JSON schema"
    } else {
        medsbom_formats::SCHEMAS_UNAVAILABLE
    };
    assert_eq!(report.rules_checked, expect);
    assert_eq!(
        schemas_available(),
        !medsbom_formats::schema_dir().is_empty()
    );
}
