//! Reading inventory files: one `check` per case, comparing a plain rendering of what was
//! read (accepted rows with their values, rejected rows with line and reason, warnings).

use medsbom_assets::{InputFormat, Mapping, ParsedInput, parse_input};

/// Renders a parsed file: `ok LINE ID: field=value …`, `rejected LINE ID: reason`,
/// `warning: …`.
fn render(parsed: &ParsedInput) -> String {
    let mut res = String::new();
    for row in &parsed.rows {
        let mut values: Vec<String> = row
            .changes
            .fields
            .iter()
            .map(|(field, value)| format!("{}={}", field.as_str(), value.as_deref().unwrap_or("∅")))
            .collect();
        values.extend(
            row.changes
                .custom_fields
                .iter()
                .map(|(name, value)| format!("custom:{name}={}", value.as_deref().unwrap_or("∅"))),
        );
        res.push_str(&format!(
            "ok {} {}: {}\n",
            row.at,
            row.asset_id.as_deref().unwrap_or("-"),
            values.join(" | ")
        ));
    }
    for rejection in &parsed.rejected {
        res.push_str(&format!(
            "rejected {} {}: {}\n",
            rejection.at,
            rejection.asset_id.as_deref().unwrap_or("-"),
            rejection.reason
        ));
    }
    for warning in &parsed.warnings {
        res.push_str(&format!("warning: {warning}\n"));
    }
    res
}

fn check_with(bytes: &[u8], format: InputFormat, mapping: Option<&str>, expect: &str) {
    let mapping = mapping.map(|text| Mapping::parse(text).expect("mapping"));
    let parsed = parse_input(bytes, format, mapping.as_ref(), "test.csv").expect("parse");
    let actual = render(&parsed);
    assert_eq!(actual.trim(), expect.trim(), "\nactual:\n{actual}");
}

fn check(csv: &str, expect: &str) {
    check_with(csv.as_bytes(), InputFormat::Csv, None, expect);
}

fn check_error(bytes: &[u8], format: InputFormat, expect: &str) {
    let err = parse_input(bytes, format, None, "test.csv").expect_err("an error");
    assert_eq!(err.to_string(), expect);
}

#[test]
fn headers_are_field_names() {
    check(
        "\
Asset ID,Serial,Site,Ward,Criticality,Exposure,IP Address,MAC,Ports
V-1,SN1,North,ICU,Life Sustaining,hospital LAN,10.0.0.1; 10.0.0.2,00-1A-2B-3C-4D-5E,22/tcp ssh;443
",
        "ok line 2 V-1: serial=SN1 | site=North | department=ICU | ip=10.0.0.1, 10.0.0.2 | \
         mac=00:1a:2b:3c:4d:5e | criticality=life-sustaining | exposure=hospital-lan | \
         ports=22/tcp ssh, 443",
    );
}

#[test]
fn unknown_columns_are_custom_fields_and_empty_cells_clear() {
    check(
        "\
asset_id,Room,notes,hostname
A-1,R 12,,n/a
",
        "ok line 2 A-1: hostname=∅ | notes=∅ | custom:Room=R 12",
    );
}

#[test]
fn bad_rows_are_rejected_one_by_one_with_line_numbers() {
    check(
        "\
asset_id,serial,criticality,exposure,ip,ports
A-1,S1,monitoring,segmented,10.1.1.1,104
A-2,S2,very important,segmented,10.1.1.2,
A-3,S3,diagnostic,dmz,10.1.1.999,70000
,,,,,
A-4,S4,diagnostic
,S5,,isolated,,
,,,isolated,,
A-1,S6,,,,
A-7,\"S7
continued\",,,,
A-8,S8,non-clinical,isolated,,
",
        r#"
ok line 2 A-1: serial=S1 | ip=10.1.1.1 | criticality=monitoring | exposure=segmented | ports=104
ok line 7 -: serial=S5 | ip=∅ | criticality=∅ | exposure=isolated | ports=∅
ok line 12 A-8: serial=S8 | ip=∅ | criticality=non-clinical | exposure=isolated | ports=∅
rejected line 3 A-2: criticality "very important" is not one of life-sustaining, therapy-delivering, monitoring, diagnostic, non-clinical
rejected line 4 A-3: exposure "dmz" is not one of internet-reachable, hospital-lan, segmented, isolated; ip "10.1.1.999" is not an IP address; ports "70000" is not a port number (1-65535)
rejected line 6 A-4: has 3 fields, the header has 6; check for a missing or extra delimiter or an unclosed quote
rejected line 8 -: has neither an asset_id nor a serial
rejected line 9 A-1: asset_id "A-1" is already on line 2
rejected line 10 A-7: serial "S7\ncontinued" spans several lines
"#,
    );
}

#[test]
fn an_unclosed_quote_rejects_the_rows_it_swallows() {
    check(
        "\
asset_id,site,notes
A-1,North,\"fine\"
A-2,North,\"broken
A-3,South,ok
A-4,South,ok
",
        r#"
ok line 2 A-1: site=North | notes=fine
rejected line 3 A-2: a quote that is not closed runs over 2 line(s) that look like records of their own; close the quote and import them again
"#,
    );
}

#[test]
fn delimiters_and_encodings_are_recognized() {
    check(
        "asset_id;site;department\nA-1;Nord;Intensiv, 2\n",
        "ok line 2 A-1: site=Nord | department=Intensiv, 2",
    );
    check("asset_id\tsite\nA-1\tNorth\n", "ok line 2 A-1: site=North");
    // Excel's UTF-8 with byte-order mark.
    check_with(
        b"\xef\xbb\xbfasset_id,site\nA-1,S\xc3\xbcd\n",
        InputFormat::Csv,
        None,
        "ok line 2 A-1: site=Süd",
    );
    // Windows Latin-1.
    check_with(
        b"asset_id,site\nA-1,S\xfcd\n",
        InputFormat::Csv,
        None,
        "ok line 2 A-1: site=Süd\n\
         warning: the file is not UTF-8; it was read as Latin-1 (ISO 8859-1), check accented names",
    );
    // Excel's "Unicode text": UTF-16 LE with a byte-order mark, tab-separated.
    let utf16: Vec<u8> = "asset_id\tsite\nA-1\tSüd\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(utf16);
    check_with(&bytes, InputFormat::Csv, None, "ok line 2 A-1: site=Süd");
}

#[test]
fn hostile_values_are_rejected_not_panicked_on() {
    let long = "x".repeat(3000);
    check(
        &format!(
            "asset_id,site,notes\nA-1,{long},ok\nA-2,a\u{0}b,ok\nA-3,fine,\"{}\"\n",
            "n".repeat(70_000)
        ),
        r#"
rejected line 2 A-1: site is 3000 characters long (at most 2048)
rejected line 3 A-2: site contains the control character U+0000
rejected line 4 A-3: notes is 70000 characters long (at most 65536)
"#,
    );
}

#[test]
fn mappings_name_the_columns_of_a_cmms_export() {
    let mapping = "\
# CMMS export of 2026-11
Equipment No = asset_id
Serial No. = serial
Model = product
SW Rev = product_version
Location = custom:location
Cost Center = -
";
    check_with(
        b"Equipment No,Serial No.,Model,SW Rev,Location,Cost Center,Ward\nE-1,123,Pump,2.1,R 4,CC9,ICU\n",
        InputFormat::Csv,
        Some(mapping),
        "ok line 2 E-1: serial=123 | product=Pump | product_version=2.1 | department=ICU | custom:location=R 4",
    );
    let json_mapping = r#"{"Equipment No": "asset_id", "Model": "product", "Cost Center": null}"#;
    check_with(
        b"Equipment No,Model,Cost Center\nE-1,Pump,CC9\n",
        InputFormat::Csv,
        Some(json_mapping),
        "ok line 2 E-1: product=Pump",
    );
}

#[test]
fn invalid_mappings_are_errors() {
    let err = Mapping::parse("a = asset_id\nb = colour\n").expect_err("unknown field");
    assert!(
        err.to_string()
            .starts_with("invalid column mapping, line 2: unknown field \"colour\""),
        "{err}"
    );
    let err = Mapping::parse("a = asset_id\nA = serial\n").expect_err("twice");
    assert_eq!(
        err.to_string(),
        "invalid column mapping, line 2: source column \"A\" is mapped twice"
    );
    let err = Mapping::parse("just text\n").expect_err("no =");
    assert_eq!(
        err.to_string(),
        "invalid column mapping, line 1: expected SOURCE = TARGET, found \"just text\""
    );
    assert!(Mapping::parse(r#"{"a": 1}"#).is_err());
}

#[test]
fn files_that_cannot_be_read_at_all_are_errors() {
    check_error(
        b"",
        InputFormat::Csv,
        "cannot read test.csv: the file is empty (no header row)",
    );
    check_error(
        b"name,site\nx,y\n",
        InputFormat::Csv,
        "cannot read test.csv: no asset_id or serial column among [\"name\", \"site\"]; name one in \
         the header or map one with --mapping",
    );
    check_error(
        b"asset_id,Asset-ID\n",
        InputFormat::Csv,
        "cannot read test.csv: columns \"asset_id\" and \"Asset-ID\" both fill asset_id; map one of \
         them elsewhere with --mapping",
    );
    check_error(
        b"[1, 2",
        InputFormat::Json,
        "cannot read test.csv: not valid JSON: EOF while parsing a list at line 1 column 5",
    );
    check_error(
        b"{\"x\": 1}",
        InputFormat::Json,
        "cannot read test.csv: expected an array of assets, or an object with an \"assets\" array",
    );
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(parse_input(deep.as_bytes(), InputFormat::Json, None, "deep.json").is_err());
}

#[test]
fn json_records_are_objects_with_field_keys() {
    check_with(
        br#"{"assets": [
  {"asset_id": "V-1", "ports": [22, "443/tcp"], "default_credentials": true,
   "criticality": "therapy", "custom": {"contract": "C-7", "room": null}},
  {"asset_id": "V-2", "ip": "300.1.1.1"},
  "V-3",
  {"serial": "S-4", "site": null, "Ward": {"x": 1}},
  {"Asset ID": "V-5", "asset_id": "V-6"}
]}"#,
        InputFormat::Json,
        None,
        r#"
ok record 1 V-1: criticality=therapy-delivering | ports=22, 443/tcp | default_credentials=true | custom:contract=C-7 | custom:room=∅
rejected record 2 V-2: ip "300.1.1.1" is not an IP address
rejected record 3 -: is not an object but a text
rejected record 4 -: department: expected a text, found an object
rejected record 5 V-6: keys "Asset ID" and "asset_id" both fill asset_id
"#,
    );
}

#[test]
fn formats_are_told_by_name_or_content() {
    assert_eq!(
        InputFormat::from_file_name("cmms.CSV"),
        Some(InputFormat::Csv)
    );
    assert_eq!(
        InputFormat::from_file_name("inventory.json"),
        Some(InputFormat::Json)
    );
    assert_eq!(InputFormat::from_file_name("inventory.xlsx"), None);
    assert_eq!(InputFormat::sniff(b"\xef\xbb\xbf  [{}]"), InputFormat::Json);
    assert_eq!(InputFormat::sniff(b"asset_id\n"), InputFormat::Csv);
}
