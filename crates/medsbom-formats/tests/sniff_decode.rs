//! Format sniffing on every SBOM of the corpus, and decoding: gzip, gzip bombs, byte-order
//! marks, UTF-16/32.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use medsbom_formats::{Format, FormatError, Limits, decode, read, sniff};

/// What a corpus file is, decided from its path (the sniffer itself never sees the name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Format(Format),
    Unsupported,
    Unknown,
}

/// Path rules, first match wins: a pattern starting with `.` is a suffix, others a substring.
const RULES: &[(&str, Expect)] = &[
    ("nist-swid-tools/templates/primary", Expect::Unknown),
    ("nist-swid-tools/unit-tests/", Expect::Unknown),
    (".swidtag", Expect::Format(Format::Swid)),
    ("minimal-swid.xml", Expect::Format(Format::Swid)),
    (".spdx.rdf.xml", Expect::Unsupported),
    (".spdx.xml", Expect::Unsupported),
    (".spdx", Expect::Format(Format::SpdxTagValue)),
    (".yaml", Expect::Format(Format::SpdxYaml)),
    ("spdx3", Expect::Format(Format::Spdx3Json)),
    (
        "spdx-spec-examples/v3.0/",
        Expect::Format(Format::Spdx3Json),
    ),
    (".spdx.json", Expect::Format(Format::SpdxJson)),
    ("spdx2.", Expect::Format(Format::SpdxJson)),
    (".xml", Expect::Format(Format::CycloneDxXml)),
    (".json", Expect::Format(Format::CycloneDxJson)),
];

fn expected(relative: &str) -> Expect {
    RULES
        .iter()
        .find(|(pattern, _)| match pattern.starts_with('.') {
            true => relative.ends_with(pattern),
            false => relative.contains(pattern),
        })
        .map(|(_, expect)| *expect)
        .unwrap_or(Expect::Unknown)
}

#[test]
fn sniffs_every_corpus_sbom() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom") else {
        return;
    };
    let files = medsbom_testkit::files_below(&dir, &|p: &Path| {
        let name = p.to_string_lossy();
        [".json", ".xml", ".spdx", ".yaml", ".swidtag"]
            .iter()
            .any(|ext| name.ends_with(ext))
    });
    let mut n_per_format = std::collections::BTreeMap::new();
    let mut wrong = Vec::new();
    for path in &files {
        let relative = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(path).unwrap_or_default();
        let got = match sniff(&bytes) {
            Ok(detected) => Expect::Format(detected.format),
            Err(FormatError::Unsupported { .. }) => Expect::Unsupported,
            Err(_) => Expect::Unknown,
        };
        *n_per_format.entry(format!("{got:?}")).or_insert(0) += 1;
        if got != expected(&relative) {
            wrong.push(format!(
                "{relative}: expected {:?}, got {got:?}",
                expected(&relative)
            ));
        }
    }
    eprintln!("sniffed {} corpus files: {n_per_format:?}", files.len());
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(files.len(), 178);
}

#[test]
fn spec_versions_come_from_the_content() {
    let Some(dir) = medsbom_testkit::corpus_path("sbom") else {
        return;
    };
    let check = |relative: &str, format: Format, version: &str| {
        let bytes = std::fs::read(dir.join(relative)).unwrap_or_default();
        let detected = sniff(&bytes).unwrap_or_else(|err| panic!("{relative}: {err}"));
        assert_eq!(
            (detected.format, detected.spec_version.as_deref()),
            (format, Some(version))
        );
    };
    // bomFormat/specVersion come after 2,000 lines of components in the case-study files.
    check(
        "medical-device/case-study/narrow.sbom.json",
        Format::CycloneDxJson,
        "1.4",
    );
    check(
        "osv-scanner-testdata/postgres-stretch.cdx.xml",
        Format::CycloneDxXml,
        "1.4",
    );
    check(
        "spdx-examples/software/example12/spdx2.2/hello-src.spdx.json",
        Format::SpdxJson,
        "SPDX-2.2",
    );
    check(
        "spdx-spec-examples/v2.3/SPDXYAMLExample-2.3.spdx.yaml",
        Format::SpdxYaml,
        "SPDX-2.3",
    );
    check(
        "spdx-spec-examples/v2.2/SPDXTagExample-v2.2.spdx",
        Format::SpdxTagValue,
        "SPDX-2.2",
    );
    check(
        "spdx-spec-examples/v3.0/package_sbom.json",
        Format::Spdx3Json,
        "3.0.1",
    );
    check(
        "swid/nist-swid-tools/other/authoritative.swidtag",
        Format::Swid,
        "2015",
    );
}

#[test]
fn large_json_is_sniffed_from_its_first_keys() {
    // 8 MB of components after the deciding keys: the scan stops at specVersion.
    let mut doc =
        String::from(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": ["#);
    let component = r#"{"type":"library","name":"x","version":"1"},"#;
    doc.push_str(&component.repeat(8 << 20 >> 6));
    doc.push_str("{}]}");
    let detected = sniff(doc.as_bytes()).expect("sniff");
    assert_eq!(detected.format, Format::CycloneDxJson);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

#[test]
fn gzip_input_is_decoded_and_read() {
    let Some(path) =
        medsbom_testkit::corpus_path("sbom/medical-device/case-study/narrow.sbom.json")
    else {
        return;
    };
    let raw = std::fs::read(path).unwrap_or_default();
    let decoded = decode(gzip(&raw), &Limits::default()).expect("decode");
    assert_eq!(decoded, raw);
    let (detected, parsed) = read(&decoded).expect("read");
    assert_eq!(detected.format, Format::CycloneDxJson);
    assert!(!parsed.sbom.components.is_empty());
    // Sniffing the compressed bytes directly says what to do.
    let err = sniff(&gzip(&raw)).expect_err("gzip is not sniffable");
    assert!(err.to_string().contains("decode it first"), "{err}");
}

#[test]
fn gzip_bomb_is_refused() {
    // 64 MiB of zeros compress to about 64 KiB.
    let bomb = gzip(&vec![0_u8; 64 << 20]);
    assert!(bomb.len() < 100_000);
    let limits = Limits {
        max_input_bytes: 1 << 20,
        max_decompressed_bytes: 16 << 20,
    };
    let err = decode(bomb, &limits).expect_err("bomb");
    assert_eq!(
        err,
        FormatError::TooLarge {
            what: "decompressed input",
            size: (16 << 20) + 1,
            limit: 16 << 20
        }
    );
    assert_eq!(
        err.to_string(),
        "decompressed input is over the limit of 16777216 bytes (at least 16777217 bytes)"
    );
    let err = decode(
        vec![b' '; 2048],
        &Limits {
            max_input_bytes: 1024,
            max_decompressed_bytes: 1024,
        },
    )
    .expect_err("too large");
    assert!(matches!(err, FormatError::TooLarge { what: "input", .. }));
}

#[test]
fn truncated_gzip_is_an_error() {
    let mut bytes = gzip(br#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#);
    bytes.truncate(bytes.len() / 2);
    let err = decode(bytes, &Limits::default()).expect_err("truncated");
    assert!(matches!(err, FormatError::Decompress { .. }), "{err}");
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut res = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    res.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    res
}

#[test]
fn wrong_encodings_give_a_clear_error() {
    let json = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6"}"#;
    for bytes in [utf16le(json, true), utf16le(json, false)] {
        let err = decode(bytes.clone(), &Limits::default()).expect_err("utf-16");
        assert_eq!(
            err.to_string(),
            "wrong encoding: utf-16le; convert to utf-8"
        );
        assert_eq!(sniff(&bytes).expect_err("utf-16"), err);
    }
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(json.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    assert_eq!(
        decode(utf16be, &Limits::default()).expect_err("utf-16be"),
        FormatError::Encoding {
            encoding: "utf-16be"
        }
    );
    let utf32le: Vec<u8> = [0xFF, 0xFE, 0, 0]
        .into_iter()
        .chain(json.chars().flat_map(|c| (c as u32).to_le_bytes()))
        .collect();
    assert_eq!(
        decode(utf32le, &Limits::default()).expect_err("utf-32le"),
        FormatError::Encoding {
            encoding: "utf-32le"
        }
    );
    // A UTF-8 byte-order mark is stripped, inside gzip too.
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), json.as_bytes()].concat();
    assert_eq!(
        decode(gzip(&with_bom), &Limits::default()).expect("bom"),
        json.as_bytes()
    );
}
