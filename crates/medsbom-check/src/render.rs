//! A self-contained, printable HTML report for readers who do not read JSON: a procurement
//! officer or a regulatory reviewer.
//!
//! The page has no scripts and no external assets (styles are inline), so it can be mailed,
//! archived and printed as it is. For each document: what it is, the verdict per profile, the
//! elements table with the failing components (the first few, with a count), the quality
//! findings, and the support-status picture.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use medsbom_model::{Component, ComponentType, IsoDate, Sbom};

use crate::scope::display_name;
use crate::{Report, Severity, SupportSummary, support_summary};

/// One checked document: where it came from, what it holds, and its reports.
#[derive(Debug, Clone, Copy)]
pub struct HtmlDocument<'a> {
    /// The file name as the user gave it.
    pub file: &'a str,
    /// The format as detected (`cyclonedx-json`, `spdx-tv`, …).
    pub format: &'a str,
    /// The document.
    pub sbom: &'a Sbom,
    /// One report per profile checked.
    pub reports: &'a [Report],
}

/// How to render the page.
#[derive(Debug, Clone)]
pub struct HtmlOptions {
    /// The date the check was made for ("as of"), shown and used for the support picture.
    pub as_of: Option<IsoDate>,
    /// How many failing components to list per element before "and N more".
    pub max_listed: usize,
    /// The program and version that made the page (`medsbom 0.1.0`).
    pub generator: String,
}

/// Renders the HTML page for `documents`.
#[must_use]
pub fn html(documents: &[HtmlDocument<'_>], options: &HtmlOptions) -> String {
    let mut res = String::with_capacity(16 * 1024);
    res.push_str(HEAD);
    res.push_str("<h1>SBOM conformance report</h1>\n<p class=\"meta\">");
    match options.as_of {
        Some(as_of) => {
            let _ = write!(res, "Checked as of {as_of}");
        }
        None => res.push_str("Checked without a reference date"),
    }
    let _ = writeln!(res, " by {}.</p>", escape(&options.generator));

    summary_table(&mut res, documents);
    for (idx, document) in documents.iter().enumerate() {
        document_section(&mut res, idx, document, options);
    }
    res.push_str("</body>\n</html>\n");
    res
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SBOM conformance report</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1b1b1b; margin: 2em auto; max-width: 64em; padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
.meta { color: #555; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; white-space: nowrap; }
.pass { color: #176117; font-weight: bold; }
.fail { color: #a4161a; font-weight: bold; }
.warning { color: #8a5a00; }
.error { color: #a4161a; }
.info { color: #555; }
code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.95em; word-break: break-all; }
.bar { display: flex; height: 1.2em; border: 1px solid #999; margin: 0.3em 0 0.8em; }
.bar div { height: 100%; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.s-ok { background: #4c9a4c; } .s-warn { background: #e0a800; } .s-bad { background: #c0392b; } .s-none { background: #bbb; } .s-other { background: #7aa6c2; }
.legend span { display: inline-block; margin-right: 1.2em; }
.legend i { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-before: always; } h2.first { page-break-before: avoid; } tr { page-break-inside: avoid; } }
</style>
</head>
<body>
"#;

/// Escapes text for HTML element content and attribute values.
fn escape(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => res.push_str("&amp;"),
            '<' => res.push_str("&lt;"),
            '>' => res.push_str("&gt;"),
            '"' => res.push_str("&quot;"),
            '\'' => res.push_str("&#39;"),
            _ => res.push(c),
        }
    }
    res
}

fn verdict(passed: bool, yes: &str, no: &str) -> String {
    if passed {
        format!("<span class=\"pass\">&#10004; {yes}</span>")
    } else {
        format!("<span class=\"fail\">&#10008; {no}</span>")
    }
}

fn summary_table(res: &mut String, documents: &[HtmlDocument<'_>]) {
    res.push_str("<h2 class=\"first\">Summary</h2>\n<table>\n<tr><th>File</th><th>Product</th><th>Format</th><th>Components</th><th>Profile</th><th>Verdict</th><th>Failed elements</th></tr>\n");
    for document in documents {
        let product = product_name(document.sbom);
        for report in document.reports {
            let failed: Vec<&str> = report.failed_elements().map(|e| e.title).collect();
            let _ = writeln!(
                res,
                "<tr><td><code>{}</code></td><td>{}</td><td>{} {}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(document.file),
                escape(&product),
                escape(document.format),
                escape(&document.sbom.spec_version),
                report.n_components,
                escape(report.profile.as_str()),
                verdict(report.conformant, "conforms", "does not conform"),
                escape(&failed.join(", "))
            );
        }
    }
    res.push_str("</table>\n");
}

/// The described product: the first root (that is not a file) with its version, else the
/// document name.
fn product_name(sbom: &Sbom) -> String {
    if let Some(root) = sbom
        .root_components()
        .find(|c| c.kind != ComponentType::File)
    {
        return match root.version.as_deref() {
            Some(version) if !version.trim().is_empty() => format!("{} {}", root.name, version),
            _ => root.name.clone(),
        };
    }
    sbom.name.clone().unwrap_or_default()
}

fn document_section(
    res: &mut String,
    idx: usize,
    document: &HtmlDocument<'_>,
    options: &HtmlOptions,
) {
    let sbom = document.sbom;
    let _ = writeln!(res, "<h2 id=\"doc-{idx}\">{}</h2>", escape(document.file));
    res.push_str("<table>\n");
    let mut row = |label: &str, value: &str| {
        if !value.trim().is_empty() {
            let _ = writeln!(res, "<tr><th>{label}</th><td>{}</td></tr>", escape(value));
        }
    };
    row("Product", &product_name(sbom));
    if let Some(supplier) = sbom
        .root_components()
        .find(|c| c.kind != ComponentType::File)
        .and_then(|c| c.supplier.as_ref().or(c.extra.manufacturer.as_ref()))
        .or(sbom.supplier.as_ref())
        .or(sbom.manufacturer.as_ref())
        .filter(|party| party.is_asserted())
    {
        row("Supplier", &supplier.name);
    }
    row(
        "Format",
        &format!("{} {}", document.format, sbom.spec_version),
    );
    row(
        "Serial number / namespace",
        sbom.serial_number.as_deref().unwrap_or(""),
    );
    row("Created", sbom.timestamp.as_deref().unwrap_or(""));
    let authors: Vec<&str> = sbom.authors.iter().map(|a| a.name.as_str()).collect();
    row("Authors", &authors.join(", "));
    let tools: Vec<String> = sbom
        .tools
        .iter()
        .map(|t| match t.version.as_deref() {
            Some(version) => format!("{} {version}", t.name),
            None => t.name.clone(),
        })
        .collect();
    row("Tools", &tools.join(", "));
    row("Components", &sbom.components.len().to_string());
    res.push_str("</table>\n");

    let by_ref: HashMap<&str, &Component> = sbom
        .components
        .iter()
        .map(|c| (c.bom_ref.as_str(), c))
        .collect();
    for report in document.reports {
        report_section(res, report, &by_ref, options);
    }
    support_section(res, &support_summary(sbom, options.as_of), options);
}

fn report_section(
    res: &mut String,
    report: &Report,
    by_ref: &HashMap<&str, &Component>,
    options: &HtmlOptions,
) {
    let _ = writeln!(
        res,
        "<h3>{} &mdash; {}: {}</h3>",
        escape(report.profile.as_str()),
        escape(report.profile.title()),
        verdict(report.conformant, "conforms", "does not conform")
    );
    res.push_str("<table>\n<tr><th>Element</th><th>Result</th><th>Failing components</th><th>Why</th></tr>\n");
    for element in &report.elements {
        let listed = listed(
            &element.failing,
            element.failing_count,
            by_ref,
            options.max_listed,
        );
        let _ = writeln!(
            res,
            "<tr><td>{}<br><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(element.title),
            escape(element.id),
            verdict(element.passed, "pass", "fail"),
            listed,
            escape(element.detail.as_deref().unwrap_or(""))
        );
    }
    res.push_str("</table>\n");

    if report.findings.is_empty() {
        return;
    }
    // Findings grouped by id, in the order of first appearance.
    let mut order: Vec<&str> = Vec::new();
    let mut groups: BTreeMap<&str, Vec<&crate::Finding>> = BTreeMap::new();
    for finding in &report.findings {
        if !groups.contains_key(finding.id) {
            order.push(finding.id);
        }
        groups.entry(finding.id).or_default().push(finding);
    }
    res.push_str(
        "<table>\n<tr><th>Finding</th><th>Severity</th><th>Count</th><th>Details</th></tr>\n",
    );
    for id in order {
        let Some(findings) = groups.get(id) else {
            continue;
        };
        let severity = findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let mut details = String::new();
        for finding in findings.iter().take(options.max_listed.max(1)) {
            let _ = write!(details, "{}<br>", escape(&finding.message));
        }
        if options.max_listed.max(1) < findings.len() {
            let _ = write!(
                details,
                "<em>and {} more</em>",
                findings.len() - options.max_listed.max(1)
            );
        }
        let _ = writeln!(
            res,
            "<tr><td><code>{}</code></td><td class=\"{}\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            escape(id),
            severity.as_str(),
            severity.as_str(),
            findings.len(),
            details
        );
    }
    res.push_str("</table>\n");
}

/// The first `max_listed` components by name (the reference as a tooltip), then "and N more".
fn listed(
    failing: &[String],
    failing_count: usize,
    by_ref: &HashMap<&str, &Component>,
    max_listed: usize,
) -> String {
    let mut res = String::new();
    for (idx, reference) in failing.iter().take(max_listed).enumerate() {
        if 0 < idx {
            res.push_str(", ");
        }
        match by_ref.get(reference.as_str()) {
            Some(component) => {
                let _ = write!(
                    res,
                    "<span title=\"{}\">{}</span>",
                    escape(reference),
                    escape(&display_name(component))
                );
            }
            None => {
                let _ = write!(res, "<code>{}</code>", escape(reference));
            }
        }
    }
    let n_listed = failing.len().min(max_listed);
    if n_listed < failing_count {
        let _ = write!(
            res,
            "{}<em>and {} more ({} in all)</em>",
            if n_listed == 0 { "" } else { " " },
            failing_count - n_listed,
            failing_count
        );
    }
    res
}

fn support_section(res: &mut String, summary: &SupportSummary, options: &HtmlOptions) {
    res.push_str("<h3>Support status</h3>\n");
    let total = summary.n_components;
    if total == 0 {
        res.push_str("<p>The document lists no components.</p>\n");
        return;
    }
    let _ = writeln!(
        res,
        "<p>Level of support stated by the suppliers of the {total} components (FDA premarket guidance &sect;V.A.4(b)):</p>"
    );
    bar(
        res,
        total,
        &[
            ("s-ok", "actively maintained", summary.n_actively_maintained),
            (
                "s-other",
                "stated in other words",
                summary.n_level_unrecognised,
            ),
            (
                "s-warn",
                "no longer maintained",
                summary.n_no_longer_maintained,
            ),
            ("s-bad", "abandoned", summary.n_abandoned),
            ("s-none", "not stated", summary.n_level_missing),
        ],
    );
    res.push_str("<p>End of support:</p>\n");
    let later_label = if options.as_of.is_some() {
        "more than two years ahead"
    } else {
        "dated"
    };
    bar(
        res,
        total,
        &[
            ("s-ok", later_label, summary.n_eos_later),
            ("s-other", "stated as text", summary.n_eos_text),
            ("s-warn", "within two years", summary.n_eos_within_two_years),
            ("s-bad", "already past", summary.n_eos_past),
            ("s-none", "not stated", summary.n_eos_missing),
        ],
    );
    if summary.attention.is_empty() {
        res.push_str("<p>No component needs attention for its support status.</p>\n");
        return;
    }
    let _ = writeln!(
        res,
        "<p>{} components need attention:</p>\n<table>\n<tr><th>Component</th><th>Level of support</th><th>End of support</th><th>Status</th></tr>",
        summary.attention.len()
    );
    for row in summary.attention.iter().take(options.max_listed.max(1)) {
        let _ = writeln!(
            res,
            "<tr><td title=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.component),
            escape(&row.name),
            escape(&row.level),
            escape(&row.end_of_support),
            escape(&row.status)
        );
    }
    res.push_str("</table>\n");
    let n_more = summary
        .attention
        .len()
        .saturating_sub(options.max_listed.max(1));
    if 0 < n_more {
        let _ = writeln!(res, "<p><em>and {n_more} more</em></p>");
    }
}

/// A stacked bar with a legend giving each part's count.
fn bar(res: &mut String, total: usize, parts: &[(&str, &str, usize)]) {
    res.push_str("<div class=\"bar\">");
    for (class, label, count) in parts {
        if *count == 0 {
            continue;
        }
        let width = count.saturating_mul(10_000) / total.max(1);
        let _ = write!(
            res,
            "<div class=\"{class}\" style=\"width: {}.{:02}%\" title=\"{}: {count}\"></div>",
            width / 100,
            width % 100,
            escape(label)
        );
    }
    res.push_str("</div>\n<p class=\"legend\">");
    for (class, label, count) in parts {
        let _ = write!(
            res,
            "<span><i class=\"{class}\"></i>{}: {count}</span>",
            escape(label)
        );
    }
    res.push_str("</p>\n");
}

#[cfg(test)]
mod tests {
    use medsbom_model::{Component, Milestone, Party, Sbom, SbomFormat};

    use super::*;
    use crate::{Profile, check};

    fn page(max_listed: usize) -> String {
        let mut sbom = Sbom::new(SbomFormat::CycloneDx, "1.4");
        sbom.timestamp = Some("2024-01-01T00:00:00Z".to_owned());
        sbom.authors
            .push(Party::person("<script>alert(1)</script>"));
        let mut root = Component::new("dev", "Infusion <Pump>");
        root.version = Some("2.0".to_owned());
        sbom.roots.push("dev".to_owned());
        let mut lib = Component::new("lib", "libfoo");
        lib.support.end_of_support = Some(Milestone::new("endOfSupport", "2020-01-01"));
        lib.support.set_level_text("Abandoned");
        sbom.components = vec![root, lib];
        let reports = [
            check(&sbom, Profile::FdaPremarket, IsoDate::parse("2025-01-01")),
            check(&sbom, Profile::Ntia2021, IsoDate::parse("2025-01-01")),
        ];
        let documents = [HtmlDocument {
            file: "pump.cdx.json",
            format: "cyclonedx-json",
            sbom: &sbom,
            reports: &reports,
        }];
        html(
            &documents,
            &HtmlOptions {
                as_of: IsoDate::parse("2025-01-01"),
                max_listed,
                generator: "medsbom test".to_owned(),
            },
        )
    }

    #[test]
    fn page_is_self_contained_and_escaped() {
        let page = page(10);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.ends_with("</html>\n"));
        assert!(!page.contains("<script"), "untrusted text must be escaped");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("Infusion &lt;Pump&gt; 2.0"));
        for external in ["src=", "href=", "@import", "url("] {
            assert!(!page.contains(external), "no external assets: {external}");
        }
        assert!(page.contains("fda-premarket"));
        assert!(page.contains("end of support passed on 2020-01-01"));
        assert!(page.contains("already past: 1"));
        assert!(page.contains("abandoned: 1"));
    }

    #[test]
    fn long_lists_are_cut() {
        let page = page(0);
        assert!(page.contains("<em>and 2 more (2 in all)</em>"), "{page}");
    }
}
