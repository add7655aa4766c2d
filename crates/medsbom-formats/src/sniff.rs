//! Recognising the format of a document from its content (never from its file name).

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use crate::decode::wrong_encoding;
use crate::text::trim_start;
use crate::{Detected, Format, FormatError};

/// How much of a document the line-oriented and XML sniffers look at.
const PREFIX_BYTES: usize = 1 << 20;

const CYCLONEDX_XML_NAMESPACE_PREFIX: &str = "http://cyclonedx.org/schema/bom/";
const SWID_NAMESPACE: &str = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
const RDF_NAMESPACE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";

const OLD_SPDX_WRAPPER: &str =
    "SPDX 2.1 JSON/YAML with a top-level \"Document\" key (spdx-tools-python 0.x)";
const OLD_SPDX_HINT: &str = "convert it to SPDX 2.2 or later with current spdx-tools";
const SPDX_XML_HINT: &str = "convert it to SPDX JSON (for example with spdx-tools) and read that";

/// Names the format of `bytes` (already [`decode`](crate::decode)d) from its content: JSON
/// top-level keys, the XML root element and namespace, the tag-value `SPDXVersion:` line or
/// the YAML `spdxVersion:` key. Only a prefix is read, except that the JSON key scan goes on
/// (skipping nested values without parsing them) until it has seen the keys it needs.
pub fn sniff(bytes: &[u8]) -> Result<Detected, FormatError> {
    if let Some(encoding) = wrong_encoding(bytes) {
        return Err(FormatError::Encoding { encoding });
    }
    if bytes.starts_with(b"\x1f\x8b") {
        return Err(FormatError::Unknown {
            reason: "gzip-compressed data (decode it first)".to_owned(),
        });
    }
    let text = trim_start(bytes);
    match text.first() {
        None => Err(FormatError::Unknown {
            reason: "empty document".to_owned(),
        }),
        Some(b'{') => sniff_json(text),
        Some(b'<') => sniff_xml(text),
        Some(_) => sniff_lines(text),
    }
}

/// The top-level keys of a JSON object that decide its format.
#[derive(Debug, Default)]
struct JsonKeys {
    bom_format: Option<String>,
    spec_version: Option<String>,
    spdx_version: Option<String>,
    /// The raw text of `@context` (a string, array or object), cut to a few hundred bytes.
    context: Option<String>,
    has_graph: bool,
    schema: Option<String>,
    /// A top-level `Document` key: the pre-2.2 wrapper of spdx-tools-python 0.x.
    has_document_wrapper: bool,
}

impl JsonKeys {
    fn decided(&self) -> bool {
        (self.bom_format.is_some() && self.spec_version.is_some())
            || self.spdx_version.is_some()
            || self.context.is_some()
    }
}

fn sniff_json(text: &[u8]) -> Result<Detected, FormatError> {
    let keys = scan_json_keys(text);
    if keys.spdx_version.is_some() {
        return Ok(Detected {
            format: Format::SpdxJson,
            spec_version: keys.spdx_version,
        });
    }
    let cyclonedx_schema = keys
        .schema
        .as_deref()
        .is_some_and(|s| s.contains("cyclonedx.org"));
    if keys.bom_format.as_deref() == Some("CycloneDX")
        || (keys.bom_format.is_none() && cyclonedx_schema)
    {
        return Ok(Detected {
            format: Format::CycloneDxJson,
            spec_version: keys.spec_version,
        });
    }
    if let Some(context) = &keys.context {
        if context.contains("spdx.org/rdf/3") || context.contains("spdx") {
            return Ok(Detected {
                format: Format::Spdx3Json,
                spec_version: spdx3_version(context),
            });
        }
        return Err(FormatError::Unknown {
            reason: format!(
                "json-ld document whose @context is not spdx 3 ({})",
                context.chars().take(80).collect::<String>()
            ),
        });
    }
    if keys.has_graph {
        return Ok(Detected {
            format: Format::Spdx3Json,
            spec_version: None,
        });
    }
    if keys.has_document_wrapper {
        return Err(FormatError::Unsupported {
            format: OLD_SPDX_WRAPPER,
            hint: OLD_SPDX_HINT,
        });
    }
    if let Some(bom_format) = keys.bom_format {
        return Err(FormatError::Unknown {
            reason: format!("json with bomFormat \"{bom_format}\" (expected \"CycloneDX\")"),
        });
    }
    Err(FormatError::Unknown {
        reason: "json document without bomFormat, spdxVersion or @context: not a cyclonedx, \
                 spdx 2 or spdx 3 sbom"
            .to_owned(),
    })
}

/// `3.0.1` from `https://spdx.org/rdf/3.0.1/spdx-context.jsonld`.
fn spdx3_version(context: &str) -> Option<String> {
    let after = context.split("spdx.org/rdf/").nth(1)?;
    let version: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    (!version.is_empty()).then_some(version)
}

/// Scans the keys of the top-level JSON object, skipping nested values byte by byte, and
/// stops as soon as the format is decided. Malformed JSON ends the scan with what was found.
fn scan_json_keys(text: &[u8]) -> JsonKeys {
    let mut keys = JsonKeys::default();
    let mut scanner = Scanner { text, pos: 0 };
    if !scanner.eat(b'{') {
        return keys;
    }
    loop {
        scanner.skip_ws();
        if scanner.eat(b'}') {
            return keys;
        }
        let Some(key) = scanner.string() else {
            return keys;
        };
        scanner.skip_ws();
        if !scanner.eat(b':') {
            return keys;
        }
        scanner.skip_ws();
        let value_start = scanner.pos;
        match key.as_str() {
            "bomFormat" => keys.bom_format = scanner.string(),
            "specVersion" => keys.spec_version = scanner.string(),
            "spdxVersion" => keys.spdx_version = scanner.string(),
            "$schema" => keys.schema = scanner.string(),
            "@context" => {
                if !scanner.skip_value() {
                    return keys;
                }
                let raw = text.get(value_start..scanner.pos).unwrap_or_default();
                let raw = raw.get(..raw.len().min(512)).unwrap_or_default();
                keys.context = Some(String::from_utf8_lossy(raw).into_owned());
            }
            "Document" => {
                keys.has_document_wrapper = true;
                if !scanner.skip_value() {
                    return keys;
                }
            }
            "@graph" => {
                keys.has_graph = true;
                if !scanner.skip_value() {
                    return keys;
                }
            }
            _ => {
                if !scanner.skip_value() {
                    return keys;
                }
            }
        }
        if keys.decided() {
            return keys;
        }
        // A string-valued key we wanted but whose value was not a string: skip it.
        if scanner.pos == value_start && !scanner.skip_value() {
            return keys;
        }
        scanner.skip_ws();
        if scanner.eat(b',') {
            continue;
        }
        return keys;
    }
}

struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// A JSON string at the current position, unescaped for the simple escapes; `None` (and
    /// no progress) when there is no string here.
    fn string(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.pos + 1;
        let mut idx = start;
        let mut res = Vec::new();
        loop {
            match self.text.get(idx).copied() {
                None => return None,
                Some(b'"') => break,
                Some(b'\\') => {
                    match self.text.get(idx + 1).copied() {
                        Some(b'n') => res.push(b'\n'),
                        Some(b't') => res.push(b'\t'),
                        Some(other) => res.push(other),
                        None => return None,
                    }
                    idx += 2;
                }
                Some(byte) => {
                    res.push(byte);
                    idx += 1;
                }
            }
        }
        self.pos = idx + 1;
        Some(String::from_utf8_lossy(&res).into_owned())
    }

    /// Skips one JSON value (nested objects and arrays included, without recursion); false
    /// when the text ends first. Stops without moving at a `,`, `}` or `]` (an empty value).
    ///
    /// This runs over whole documents when the deciding key comes last (SPDX JSON with
    /// alphabetical keys puts `spdxVersion` after `files` and `packages`), so it jumps:
    /// inside strings to the next quote or backslash with `memchr`, inside containers to the
    /// next quote or bracket.
    fn skip_value(&mut self) -> bool {
        match self.peek() {
            None => false,
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => self.skip_container(),
            Some(b',' | b'}' | b']') => true,
            Some(_) => {
                // A literal or a number: up to the next separator or whitespace.
                self.pos += 1;
                while let Some(byte) = self.peek() {
                    if matches!(byte, b',' | b'}' | b']') || byte.is_ascii_whitespace() {
                        return true;
                    }
                    self.pos += 1;
                }
                false
            }
        }
    }

    /// Skips the string that starts at the current quote; false when the text ends first.
    fn skip_string(&mut self) -> bool {
        self.pos += 1;
        loop {
            let rest = self.text.get(self.pos..).unwrap_or_default();
            let Some(idx) = memchr::memchr2(b'"', b'\\', rest) else {
                self.pos = self.text.len();
                return false;
            };
            if rest.get(idx) == Some(&b'"') {
                self.pos += idx + 1;
                return true;
            }
            // A backslash escapes the next byte, whatever it is.
            self.pos += idx + 2;
        }
    }

    /// Skips the object or array that starts at the current bracket (brackets are counted,
    /// not matched by kind); false when the text ends first.
    fn skip_container(&mut self) -> bool {
        let mut depth = 0_usize;
        loop {
            let rest = self.text.get(self.pos..).unwrap_or_default();
            let Some(idx) = rest
                .iter()
                .position(|b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))
            else {
                self.pos = self.text.len();
                return false;
            };
            self.pos += idx;
            match rest.get(idx) {
                Some(b'"') => {
                    if !self.skip_string() {
                        return false;
                    }
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.pos += 1;
                }
                _ => {
                    depth = depth.saturating_sub(1);
                    self.pos += 1;
                    if depth == 0 {
                        return true;
                    }
                }
            }
        }
    }
}

fn sniff_xml(text: &[u8]) -> Result<Detected, FormatError> {
    let prefix = text.get(..text.len().min(PREFIX_BYTES)).unwrap_or(text);
    let mut reader = NsReader::from_reader(prefix);
    reader.config_mut().check_end_names = false;
    let mut root: Option<(Option<String>, String)> = None;
    loop {
        let (namespace, local_name) = match reader.read_resolved_event() {
            Ok((resolved, Event::Start(start))) | Ok((resolved, Event::Empty(start))) => {
                let namespace = match resolved {
                    ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
                    ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
                };
                (namespace, start.local_name().as_ref().to_owned())
            }
            Ok((_, Event::Eof)) | Err(_) => break,
            Ok(_) => continue,
        };
        // A SWID tag anywhere near the top (a wrapper around installed-software tags).
        if local_name == "SoftwareIdentity"
            && namespace.as_deref().is_none_or(|ns| ns == SWID_NAMESPACE)
        {
            return Ok(Detected {
                format: Format::Swid,
                spec_version: Some("2015".to_owned()),
            });
        }
        if root.is_none() {
            if let Some(detected) = classify_xml_root(namespace.as_deref(), &local_name)? {
                return Ok(detected);
            }
            root = Some((namespace, local_name));
        }
    }
    let reason = match root {
        Some((namespace, local_name)) => format!(
            "xml document with root element <{local_name}>{}: not a cyclonedx bom or swid tag",
            namespace
                .map(|ns| format!(" in namespace {ns}"))
                .unwrap_or_default()
        ),
        None => "xml document without a readable root element".to_owned(),
    };
    Err(FormatError::Unknown { reason })
}

/// The format of an XML root element, `None` when it may be a wrapper (look further).
fn classify_xml_root(
    namespace: Option<&str>,
    local_name: &str,
) -> Result<Option<Detected>, FormatError> {
    if local_name == "bom"
        && let Some(version) =
            namespace.and_then(|ns| ns.strip_prefix(CYCLONEDX_XML_NAMESPACE_PREFIX))
    {
        return Ok(Some(Detected {
            format: Format::CycloneDxXml,
            spec_version: Some(version.trim_end_matches('/').to_owned()),
        }));
    }
    if local_name == "RDF" && namespace == Some(RDF_NAMESPACE) {
        return Err(FormatError::Unsupported {
            format: "SPDX RDF/XML",
            hint: SPDX_XML_HINT,
        });
    }
    if local_name == "Document" || local_name == "SpdxDocument" {
        return Err(FormatError::Unsupported {
            format: "SPDX XML",
            hint: SPDX_XML_HINT,
        });
    }
    if local_name == "bom" {
        return Err(FormatError::Unknown {
            reason: format!(
                "xml <bom> element in namespace {} (expected {CYCLONEDX_XML_NAMESPACE_PREFIX}1.x)",
                namespace.unwrap_or("(none)")
            ),
        });
    }
    Ok(None)
}

fn sniff_lines(text: &[u8]) -> Result<Detected, FormatError> {
    let prefix = text.get(..text.len().min(PREFIX_BYTES)).unwrap_or(text);
    let prefix = String::from_utf8_lossy(prefix);
    let mut document_wrapper = false;
    for line in prefix.lines() {
        if line.trim_end() == "Document:" {
            document_wrapper = true;
        }
        if document_wrapper && line.trim_start().starts_with("spdxVersion:") {
            return Err(FormatError::Unsupported {
                format: OLD_SPDX_WRAPPER,
                hint: OLD_SPDX_HINT,
            });
        }
        if let Some(version) = line.strip_prefix("SPDXVersion:") {
            return Ok(Detected {
                format: Format::SpdxTagValue,
                spec_version: Some(version.trim().to_owned()),
            });
        }
        // A top-level (unindented) YAML key, plain or quoted.
        let yaml_value = line
            .strip_prefix("spdxVersion:")
            .or_else(|| line.strip_prefix("\"spdxVersion\":"))
            .or_else(|| line.strip_prefix("'spdxVersion':"));
        if let Some(version) = yaml_value {
            let version = version.trim().trim_matches(|c| c == '"' || c == '\'');
            return Ok(Detected {
                format: Format::SpdxYaml,
                spec_version: (!version.is_empty()).then(|| version.to_owned()),
            });
        }
    }
    Err(FormatError::Unknown {
        reason: "text without an SPDXVersion: line or spdxVersion: key, not json or xml".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: Result<(Format, Option<&str>), &str>) {
        let got = sniff(text.as_bytes())
            .map(|d| (d.format, d.spec_version))
            .map_err(|e| e.to_string());
        let expect = expect
            .map(|(f, v)| (f, v.map(str::to_owned)))
            .map_err(str::to_owned);
        match (&got, &expect) {
            (Err(got), Err(expect)) => assert!(got.contains(expect.as_str()), "{got}"),
            _ => assert_eq!(got, expect, "{text}"),
        }
    }

    #[test]
    fn json_keys_anywhere_at_top_level() {
        check(
            r#"{"bomFormat":"CycloneDX","specVersion":"1.5"}"#,
            Ok((Format::CycloneDxJson, Some("1.5"))),
        );
        check(
            r#"{"components":[{"name":"x","nested":{"a":[1,2,{"specVersion":"9"}]}}],
                "note":"a \" quote } ]", "n": -1.5e3, "t": true,
                "bomFormat": "CycloneDX", "specVersion": "1.4"}"#,
            Ok((Format::CycloneDxJson, Some("1.4"))),
        );
        check(
            r#"{"files":[{"x":"y"}], "spdxVersion": "SPDX-2.2"}"#,
            Ok((Format::SpdxJson, Some("SPDX-2.2"))),
        );
        check(
            r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#,
            Ok((Format::Spdx3Json, Some("3.0.1"))),
        );
        check(
            r#"{"$schema": "http://cyclonedx.org/schema/bom-1.4.schema.json", "specVersion": "1.4"}"#,
            Ok((Format::CycloneDxJson, Some("1.4"))),
        );
        check(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0"}"#,
            Err("not spdx 3"),
        );
        check(
            r#"{"document": {"category": "csaf_vex"}}"#,
            Err("not a cyclonedx"),
        );
        check(
            r#"{"bomFormat": "CycloneDX", "specVer"#,
            Ok((Format::CycloneDxJson, None)),
        );
        check("{", Err("unknown format"));
        check(
            r#"{"Document": {"name": "x", "spdxVersion": "SPDX-2.1"}}"#,
            Err("unsupported format: SPDX 2.1 JSON/YAML"),
        );
    }

    #[test]
    fn spdx_version_after_a_large_files_array() {
        // Alphabetical keys: `files` and `packages` come before `spdxVersion`. The skipped
        // values hold brackets and quotes inside strings, escaped backslashes at string ends,
        // nested arrays and bare literals, any of which would end a naive skip early.
        let mut text = String::from(r#"{"SPDXID":"SPDXRef-DOCUMENT","files":["#);
        for idx in 0..20_000 {
            if 0 < idx {
                text.push(',');
            }
            text.push_str(&format!(
                r#"{{"SPDXID":"SPDXRef-File-{idx}","fileName":"./a]}}{{[\"b\\\\","checksums":[{{"algorithm":"SHA1","checksumValue":"{idx:040x}"}}],"n":{idx},"ok":true,"x":null,"fileTypes":["SOURCE","{{\"spdxVersion\":\"SPDX-9\"}}"]}}"#
            ));
        }
        text.push_str(r#"], "packages": [ [ [] ], {"k": "}"} ], "spdxVersion": "SPDX-2.3"}"#);
        check(&text, Ok((Format::SpdxJson, Some("SPDX-2.3"))));
        // The same document cut inside the files array: nothing found, no panic.
        let cut = text.get(..text.len() / 2).unwrap_or_default();
        check(cut, Err("json document without bomFormat"));
        // A backslash as the very last byte.
        check(r#"{"files":["\"#, Err("json document without bomFormat"));
    }

    #[test]
    fn xml_roots() {
        check(
            r#"<?xml version="1.0"?><!-- c --><bom xmlns="http://cyclonedx.org/schema/bom/1.6" version="1"/>"#,
            Ok((Format::CycloneDxXml, Some("1.6"))),
        );
        check(
            r#"<c:bom xmlns:c="http://cyclonedx.org/schema/bom/1.2"></c:bom>"#,
            Ok((Format::CycloneDxXml, Some("1.2"))),
        );
        check(
            r#"<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"/>"#,
            Ok((Format::Swid, Some("2015"))),
        );
        check(
            r#"<inventory><s:SoftwareIdentity xmlns:s="http://standards.iso.org/iso/19770/-2/2015/schema.xsd"/></inventory>"#,
            Ok((Format::Swid, Some("2015"))),
        );
        check(
            r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>"#,
            Err("unsupported format: SPDX RDF/XML"),
        );
        check(
            "<Document><spdxVersion>SPDX-2.3</spdxVersion></Document>",
            Err("SPDX XML"),
        );
        check("<html/>", Err("root element <html>"));
    }

    #[test]
    fn line_formats() {
        check(
            "## comment\nSPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n",
            Ok((Format::SpdxTagValue, Some("SPDX-2.2"))),
        );
        check(
            "---\nSPDXID: \"SPDXRef-DOCUMENT\"\nspdxVersion: \"SPDX-2.3\"\n",
            Ok((Format::SpdxYaml, Some("SPDX-2.3"))),
        );
        check("a:\n  spdxVersion: SPDX-2.3\n", Err("unknown format"));
        check("hello", Err("unknown format"));
        check(
            "---\nDocument:\n  name: x\n  spdxVersion: SPDX-2.1\n",
            Err("top-level \"Document\" key"),
        );
        check("", Err("empty document"));
    }
}
