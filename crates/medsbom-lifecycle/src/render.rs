//! HTML rendering: the timeline report with its SVG chart, and the manufacturer notice.
//! Pages are self-contained (no scripts, no external files) and readable when printed in
//! black and white: every stage has a pattern as well as a colour, and a text label.

use std::fmt::Write as _;

use medsbom_model::IsoDate;

use crate::notice::Notice;
use crate::stage::{AnnouncedDate, Stage};
use crate::timeline::{ComponentEnd, StagePeriod, TimelineReport};

const CHART_WIDTH: i64 = 1000;
const LABEL_WIDTH: i64 = 280;
const ROW_HEIGHT: i64 = 30;
const BAR_HEIGHT: i64 = 18;
const AXIS_HEIGHT: i64 = 34;
const LEGEND_HEIGHT: i64 = 50;

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11pt;color:#111;margin:2em;max-width:64em}\
h1{font-size:18pt;margin-bottom:0.2em}h2{font-size:14pt;margin-top:1.6em;border-bottom:1px solid #888}\
h3{font-size:12pt;margin-bottom:0.3em}\
table{border-collapse:collapse;margin:0.5em 0 1em 0}th,td{border:1px solid #999;padding:0.2em 0.5em;text-align:left;vertical-align:top}\
th{background:#eee}.muted{color:#555}.warn{font-weight:bold}\
svg{max-width:100%;height:auto}\
@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}table,svg{page-break-inside:avoid}@page{size:A4 landscape;margin:12mm}}";

/// The whole timeline report as one HTML page, with the chart.
#[must_use]
pub fn report_html(report: &TimelineReport) -> String {
    let mut res = String::new();
    page_start(&mut res, "Lifecycle report");
    let _ = write!(
        res,
        "<h1>Lifecycle report</h1>\n<p class=\"muted\">As of {} · horizon {} · stages per IMDRF N70 (Development, Support, Limited Support, End of Support)</p>\n",
        report.as_of, report.horizon_end
    );
    res.push_str(&timeline_svg(report));
    res.push_str("\n<h2>Product versions</h2>\n");
    if report.product_versions.is_empty() {
        res.push_str("<p>No product versions are stored.</p>\n");
    }
    for pv in &report.product_versions {
        let _ = write!(
            res,
            "<h3>{} {} <span class=\"muted\">({})</span></h3>\n<p>Stage on {}: <strong>{}</strong> — {}</p>\n",
            esc(&pv.product),
            esc(&pv.version),
            esc(&pv.manufacturer),
            report.as_of,
            pv.current.stage.label(),
            esc(&pv.current.detail)
        );
        res.push_str(
            "<table><tr><th>Milestone</th><th>Date</th><th>Announced</th><th>Source</th></tr>\n",
        );
        for (name, milestone) in [
            ("Release", pv.dates.release),
            ("End of life", pv.dates.eol),
            ("End of support", pv.dates.eos),
        ] {
            milestone_row(&mut res, name, milestone);
        }
        res.push_str("</table>\n<table><tr><th>Stage</th><th>From</th><th>Until</th></tr>\n");
        for period in &pv.periods {
            period_row(&mut res, period);
        }
        res.push_str("</table>\n");
        component_table(&mut res, &pv.component_ends);
    }
    if !report.asset_groups.is_empty() {
        res.push_str("<h2>Asset groups</h2>\n");
    }
    for group in &report.asset_groups {
        let _ = writeln!(res, "<h3>{}</h3>", esc(&group.group));
        res.push_str(
            "<table><tr><th>Asset</th><th>Product</th><th>Version</th><th>Stage</th></tr>\n",
        );
        for asset in &group.assets {
            let _ = writeln!(
                res,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&asset.asset_id),
                esc(&asset.product),
                esc(&asset.version),
                asset.stage.label()
            );
        }
        res.push_str("</table>\n<table><tr><th>Worst stage</th><th>From</th><th>Until</th></tr>\n");
        for period in &group.periods {
            period_row(&mut res, period);
        }
        res.push_str("</table>\n");
    }
    res.push_str("</body>\n</html>\n");
    res
}

/// The chart alone: one row per product version and per asset group, stages as patterned
/// bars from the report's date to the horizon, component end-of-support dates as diamonds
/// (hollow when already past), and yearly grid lines.
#[must_use]
pub fn timeline_svg(report: &TimelineReport) -> String {
    let start = report.as_of.days_since_epoch();
    let end = report.horizon_end.days_since_epoch().max(start + 1);
    let plot_left = LABEL_WIDTH + 10;
    let plot_width = CHART_WIDTH - plot_left - 20;
    let x_of = |date: IsoDate| -> i64 {
        let days = (date.days_since_epoch() - start).clamp(0, end - start);
        plot_left + days * plot_width / (end - start)
    };
    let n_rows = report.product_versions.len()
        + report.asset_groups.len()
        + usize::from(!report.asset_groups.is_empty());
    let n_rows = i64::try_from(n_rows).unwrap_or(i64::MAX / 2 / ROW_HEIGHT);
    let height = AXIS_HEIGHT + n_rows * ROW_HEIGHT + LEGEND_HEIGHT;
    let mut res = String::new();
    let _ = write!(
        res,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {CHART_WIDTH} {height}\" width=\"{CHART_WIDTH}\" height=\"{height}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"11\">\n<title>Lifecycle timeline from {} to {}</title>\n",
        report.as_of, report.horizon_end
    );
    res.push_str(
        "<defs>\
<pattern id=\"p-limited\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fdd49e\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#7f3b08\" stroke-width=\"1.5\"/></pattern>\
<pattern id=\"p-eos\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#fc9272\"/><path d=\"M0 0L6 6M6 0L0 6\" stroke=\"#67000d\" stroke-width=\"1.2\"/></pattern>\
<pattern id=\"p-development\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#deebf7\"/><circle cx=\"3\" cy=\"3\" r=\"1\" fill=\"#08519c\"/></pattern>\
</defs>\n",
    );
    // Year grid.
    let mut year = report.as_of.year() + 1;
    while let Some(tick) = IsoDate::from_ymd(year, 1, 1) {
        if report.horizon_end < tick {
            break;
        }
        let x = x_of(tick);
        let _ = writeln!(
            res,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#bbb\" stroke-dasharray=\"2,3\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{year}</text>",
            AXIS_HEIGHT - 8,
            AXIS_HEIGHT + n_rows * ROW_HEIGHT,
            AXIS_HEIGHT - 12
        );
        year += 1;
    }
    let _ = writeln!(
        res,
        "<line x1=\"{plot_left}\" y1=\"{}\" x2=\"{plot_left}\" y2=\"{}\" stroke=\"#000\" stroke-width=\"1.5\"/><text x=\"{plot_left}\" y=\"12\" text-anchor=\"start\">today {}</text>",
        AXIS_HEIGHT - 8,
        AXIS_HEIGHT + n_rows * ROW_HEIGHT,
        report.as_of
    );
    let mut row: i64 = 0;
    for pv in &report.product_versions {
        let y = AXIS_HEIGHT + row * ROW_HEIGHT;
        let label = format!("{} {}", pv.product, pv.version);
        row_label(&mut res, y, &label, &pv.manufacturer);
        bars(&mut res, y, &pv.periods, report, &x_of);
        for component in &pv.component_ends {
            diamond(&mut res, y, component, &x_of);
        }
        row += 1;
    }
    if !report.asset_groups.is_empty() {
        let y = AXIS_HEIGHT + row * ROW_HEIGHT;
        let _ = writeln!(
            res,
            "<text x=\"4\" y=\"{}\" font-weight=\"bold\">Asset groups (worst stage)</text>",
            y + ROW_HEIGHT / 2 + 4
        );
        row += 1;
        for group in &report.asset_groups {
            let y = AXIS_HEIGHT + row * ROW_HEIGHT;
            let detail = super::stage::count_of(group.assets.len(), "asset");
            row_label(&mut res, y, &group.group, &detail);
            bars(&mut res, y, &group.periods, report, &x_of);
            row += 1;
        }
    }
    legend(&mut res, AXIS_HEIGHT + n_rows * ROW_HEIGHT + 14);
    res.push_str("</svg>\n");
    res
}

/// The manufacturer's notice as one HTML page.
#[must_use]
pub fn notice_html(notice: &Notice) -> String {
    let mut res = String::new();
    let title = format!(
        "End-of-life and end-of-support notice: {} {}",
        notice.product, notice.version
    );
    page_start(&mut res, &title);
    let _ = write!(
        res,
        "<h1>{}</h1>\n<p class=\"muted\">{} · {}</p>\n",
        esc(&title),
        esc(&notice.manufacturer),
        notice.as_of
    );
    let _ = writeln!(
        res,
        "<p>Current stage: <strong>{}</strong> — {}</p>",
        notice.stage.stage.label(),
        esc(&notice.stage.detail)
    );
    res.push_str("<h2>Dates</h2>\n<table><tr><th>Milestone</th><th>Date</th><th>Announced</th><th>Source</th></tr>\n");
    for (name, milestone) in [
        ("Release", notice.dates.release),
        ("End of life (Limited Support begins)", notice.dates.eol),
        ("End of support (End of Support begins)", notice.dates.eos),
    ] {
        milestone_row(&mut res, name, milestone);
    }
    res.push_str("</table>\n");
    for warning in &notice.warnings {
        let _ = writeln!(res, "<p class=\"warn\">Note: {}</p>", esc(warning));
    }
    let _ = write!(
        res,
        "<h2>Support after each date</h2>\n<h3>After end of life</h3>\n<p>{}</p>\n<h3>After end of support</h3>\n<p>{}</p>\n",
        esc(&notice.support_after_eol),
        esc(&notice.support_after_eos)
    );
    res.push_str("<h2>Upgrade paths</h2>\n");
    if notice.upgrade_paths.is_empty() {
        res.push_str("<p>No supported newer version is available; contact the manufacturer about replacement.</p>\n");
    } else {
        res.push_str("<table><tr><th>Upgrade to</th><th>Stage</th><th>End of support</th></tr>\n");
        for path in &notice.upgrade_paths {
            let _ = writeln!(
                res,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&path.target),
                path.stage.map_or("", Stage::label),
                path.eos.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        res.push_str("</table>\n");
    }
    res.push_str("<h2>Components out of support</h2>\n");
    if notice.unsupported_components.is_empty() {
        res.push_str("<p>None known.</p>\n");
    } else {
        component_table(&mut res, &notice.unsupported_components);
    }
    if !notice.upcoming_component_ends.is_empty() {
        res.push_str("<h2>Components whose support ends before the product's</h2>\n");
        component_table(&mut res, &notice.upcoming_component_ends);
    }
    res.push_str("</body>\n</html>\n");
    res
}

fn page_start(res: &mut String, title: &str) {
    let _ = write!(
        res,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    );
}

fn milestone_row(res: &mut String, name: &str, milestone: Option<AnnouncedDate>) {
    match milestone {
        Some(m) => {
            let _ = writeln!(
                res,
                "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                m.date,
                m.announced.map(|d| d.to_string()).unwrap_or_default(),
                m.source.as_str()
            );
        }
        None => {
            let _ = writeln!(
                res,
                "<tr><td>{name}</td><td colspan=\"3\" class=\"muted\">not announced</td></tr>"
            );
        }
    }
}

fn period_row(res: &mut String, period: &StagePeriod) {
    let _ = writeln!(
        res,
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        period.stage.label(),
        period.start,
        period
            .end
            .map(|d| d.add_days(-1).to_string())
            .unwrap_or_else(|| "…".to_owned())
    );
}

fn component_table(res: &mut String, components: &[ComponentEnd]) {
    if components.is_empty() {
        return;
    }
    res.push_str("<table><tr><th>Component</th><th>Version</th><th>End of support</th><th>Status</th><th>Source</th></tr>\n");
    for component in components {
        let mut name = esc(&component.name);
        if 1 < component.n_packages {
            name.push_str(&format!(
                " <span class=\"muted\">({} packages)</span>",
                component.n_packages
            ));
        }
        let _ = writeln!(
            res,
            "<tr><td>{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(component.version.as_deref().unwrap_or("")),
            component
                .date
                .map(|d| d.to_string())
                .unwrap_or_else(|| "unknown".to_owned()),
            if component.unsupported {
                "out of support"
            } else {
                "ends soon"
            },
            esc(&component.sources)
        );
    }
    res.push_str("</table>\n");
}

fn row_label(res: &mut String, y: i64, label: &str, detail: &str) {
    let _ = writeln!(
        res,
        "<text x=\"4\" y=\"{}\"><tspan font-weight=\"bold\">{}</tspan><tspan x=\"4\" dy=\"12\" fill=\"#444\" font-size=\"9\">{}</tspan></text>",
        y + 12,
        esc(&shorten(label, 40)),
        esc(&shorten(detail, 48))
    );
}

fn stage_fill(stage: Stage) -> &'static str {
    match stage {
        Stage::Development => "url(#p-development)",
        Stage::Support => "#c7e9c0",
        Stage::LimitedSupport => "url(#p-limited)",
        Stage::EndOfSupport => "url(#p-eos)",
    }
}

fn bars(
    res: &mut String,
    y: i64,
    periods: &[StagePeriod],
    report: &TimelineReport,
    x_of: &dyn Fn(IsoDate) -> i64,
) {
    let top = y + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    for period in periods {
        let x1 = x_of(period.start.max(report.as_of));
        let x2 = x_of(
            period
                .end
                .unwrap_or(report.horizon_end)
                .min(report.horizon_end),
        );
        let width = (x2 - x1).max(1);
        let until = period
            .end
            .map(|d| d.add_days(-1).to_string())
            .unwrap_or_else(|| "…".to_owned());
        let _ = write!(
            res,
            "<rect x=\"{x1}\" y=\"{top}\" width=\"{width}\" height=\"{BAR_HEIGHT}\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.8\"><title>{}: {} to {until}</title></rect>",
            stage_fill(period.stage),
            period.stage.label(),
            period.start
        );
        let label = period.stage.label();
        if (label.len() as i64) * 7 + 6 < width {
            let _ = write!(
                res,
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#000\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\">{label}</text>",
                x1 + 4,
                top + BAR_HEIGHT / 2 + 4
            );
        }
        res.push('\n');
    }
}

fn diamond(res: &mut String, y: i64, component: &ComponentEnd, x_of: &dyn Fn(IsoDate) -> i64) {
    let Some(date) = component.date else {
        return;
    };
    let x = x_of(date);
    let cy = y + ROW_HEIGHT - 5;
    let fill = if component.unsupported {
        "#fff"
    } else {
        "#000"
    };
    let name = match &component.version {
        Some(version) => format!("{} {version}", component.name),
        None => component.name.clone(),
    };
    let _ = writeln!(
        res,
        "<path d=\"M{x} {} L{} {cy} L{x} {} L{} {cy} Z\" fill=\"{fill}\" stroke=\"#000\" stroke-width=\"1\"><title>{}: end of support {date}</title></path>",
        cy - 5,
        x + 4,
        cy + 5,
        x - 4,
        esc(&name)
    );
}

fn legend(res: &mut String, y: i64) {
    let mut x = 4;
    for stage in [
        Stage::Development,
        Stage::Support,
        Stage::LimitedSupport,
        Stage::EndOfSupport,
    ] {
        let _ = write!(
            res,
            "<rect x=\"{x}\" y=\"{y}\" width=\"22\" height=\"12\" fill=\"{}\" stroke=\"#333\" stroke-width=\"0.8\"/><text x=\"{}\" y=\"{}\">{}</text>",
            stage_fill(stage),
            x + 28,
            y + 10,
            stage.label()
        );
        x += 40 + i64::try_from(stage.label().len()).unwrap_or(20) * 7;
    }
    let _ = writeln!(
        res,
        "<path d=\"M{} {} l4 6 l-4 6 l-4 -6 Z\" fill=\"#000\"/><text x=\"{}\" y=\"{}\">component end of support</text><path d=\"M{} {} l4 6 l-4 6 l-4 -6 Z\" fill=\"#fff\" stroke=\"#000\"/><text x=\"{}\" y=\"{}\">already past (drawn at today)</text>",
        x + 4,
        y,
        x + 14,
        y + 10,
        x + 190,
        y,
        x + 200,
        y + 10
    );
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut res: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    res.push('…');
    res
}

/// Escapes text for HTML and SVG content and attribute values.
#[must_use]
pub fn esc(text: &str) -> String {
    let mut res = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => res.push_str("&amp;"),
            '<' => res.push_str("&lt;"),
            '>' => res.push_str("&gt;"),
            '"' => res.push_str("&quot;"),
            '\'' => res.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => res.push('\u{fffd}'),
            c => res.push(c),
        }
    }
    res
}
