//! Feed sniffing: which reader a file needs, judged from its first bytes and keys.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::FeedKind;

/// The top-level keys that tell the JSON feeds apart; values are skipped, not kept.
#[derive(Deserialize)]
struct Keys {
    id: Option<IgnoredAny>,
    modified: Option<IgnoredAny>,
    #[serde(rename = "dataType")]
    data_type: Option<String>,
    #[serde(rename = "cveMetadata")]
    cve_metadata: Option<IgnoredAny>,
    format: Option<String>,
    #[serde(rename = "resultsPerPage")]
    results_per_page: Option<IgnoredAny>,
    #[serde(rename = "catalogVersion")]
    catalog_version: Option<IgnoredAny>,
    vulnerabilities: Option<IgnoredAny>,
    document: Option<CsafDocumentKeys>,
}

#[derive(Deserialize)]
struct CsafDocumentKeys {
    csaf_version: Option<IgnoredAny>,
}

pub(crate) fn detect(name_hint: &str, bytes: &[u8]) -> Option<FeedKind> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let content = bytes.get(start..)?;
    match content.first()? {
        b'{' | b'[' => detect_json(content),
        b'-' => detect_front_matter(name_hint, content),
        _ => detect_csv(content),
    }
}

fn detect_json(content: &[u8]) -> Option<FeedKind> {
    // The first value of the file: the document, the first JSON Lines record, or the array
    // whose first element is then looked at.
    let first = match content.first()? {
        b'[' => {
            let mut stream = serde_json::Deserializer::from_slice(content).into_iter::<Vec<Keys>>();
            return match stream.next()?.ok()?.first() {
                Some(keys) => classify(keys),
                None => None,
            };
        }
        _ => {
            let mut stream = serde_json::Deserializer::from_slice(content).into_iter::<Keys>();
            stream.next()?.ok()?
        }
    };
    classify(&first)
}

fn classify(keys: &Keys) -> Option<FeedKind> {
    if keys.data_type.as_deref() == Some("CVE_RECORD") || keys.cve_metadata.is_some() {
        return Some(FeedKind::Cve5);
    }
    if keys.format.as_deref() == Some("NVD_CVE")
        || (keys.results_per_page.is_some() && keys.vulnerabilities.is_some())
    {
        return Some(FeedKind::NvdCve2);
    }
    if keys.catalog_version.is_some() && keys.vulnerabilities.is_some() {
        return Some(FeedKind::Kev);
    }
    if keys
        .document
        .as_ref()
        .is_some_and(|document| document.csaf_version.is_some())
    {
        return Some(FeedKind::Csaf);
    }
    if keys.id.is_some() && keys.modified.is_some() {
        return Some(FeedKind::Osv);
    }
    None
}

fn detect_front_matter(name_hint: &str, content: &[u8]) -> Option<FeedKind> {
    let text = std::str::from_utf8(content.get(..content.len().min(64 * 1024))?).ok()?;
    let mut lines = text.lines();
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut has_releases = false;
    for line in lines {
        if line.trim_end() == "---" {
            break;
        }
        has_releases |= line.starts_with("releases:");
    }
    let is_markdown = name_hint.ends_with(".md") || name_hint.ends_with(".markdown");
    if has_releases || is_markdown && text.contains("\nreleases:") {
        return Some(FeedKind::EndOfLife);
    }
    None
}

fn detect_csv(content: &[u8]) -> Option<FeedKind> {
    let first_line = content.split(|b| *b == b'\n').next()?;
    let first_line = first_line.trim_ascii();
    if first_line.starts_with(b"#model_version:") || first_line.starts_with(b"cve,epss,") {
        return Some(FeedKind::Epss);
    }
    if first_line.starts_with(b"cveID,vendorProject,product,") {
        return Some(FeedKind::Kev);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::detect;
    use crate::FeedKind;

    fn check(name: &str, text: &str, expect: Option<FeedKind>) {
        assert_eq!(detect(name, text.as_bytes()), expect, "{text}");
    }

    #[test]
    fn detects_from_content() {
        check(
            "a.json",
            r#"{"id":"GO-2020-0001","modified":"2023-01-01T00:00:00Z"}"#,
            Some(FeedKind::Osv),
        );
        check(
            "a.json",
            "{\"schema_version\":\"1.6.0\",\n  \"id\": \"X-1\",\n  \"modified\": \"2024-01-01T00:00:00Z\"\n}",
            Some(FeedKind::Osv),
        );
        check(
            "a.json",
            r#"[{"id":"X-1","modified":"2024-01-01T00:00:00Z"}]"#,
            Some(FeedKind::Osv),
        );
        check(
            "x",
            r#"{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{}}"#,
            Some(FeedKind::Cve5),
        );
        check(
            "x",
            r#"{"resultsPerPage":1,"format":"NVD_CVE","vulnerabilities":[]}"#,
            Some(FeedKind::NvdCve2),
        );
        check(
            "x",
            r#"{"title":"CISA","catalogVersion":"2025.08.25","vulnerabilities":[]}"#,
            Some(FeedKind::Kev),
        );
        check(
            "x",
            r#"{"document":{"category":"csaf_vex","csaf_version":"2.0"}}"#,
            Some(FeedKind::Csaf),
        );
        check(
            "x.csv",
            "#model_version:v2023.03.01,score_date:2024-06-01T00:00:00+0000\ncve,epss,percentile\n",
            Some(FeedKind::Epss),
        );
        check(
            "x.csv",
            "cveID,vendorProject,product,vulnerabilityName\n",
            Some(FeedKind::Kev),
        );
        check(
            "python.md",
            "---\ntitle: Python\nreleases:\n  - releaseCycle: \"3.12\"\n---\n",
            Some(FeedKind::EndOfLife),
        );
    }

    #[test]
    fn rejects_other_content() {
        check("README.md", "# Title\n", None);
        check("notes.md", "---\ntitle: x\n---\nbody\n", None);
        check("ghsa.json", r#"{"ghsaId":"GHSA-35c4-f3rq-f9g3"}"#, None);
        check("x.json", "{ not json", None);
        check("x.json", "[]", None);
        check("x", "", None);
        check("x", "\u{feff}", None);
    }
}
