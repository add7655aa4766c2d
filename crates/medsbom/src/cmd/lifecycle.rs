//! `medsbom lifecycle`: product-version lifecycle after IMDRF N70 — EOL/EOS dates (`set`),
//! alerts (`alerts`), the timeline report (`report`), risk acceptance at end of support
//! (`accept`) and the manufacturer's EOL/EOS notice (`notice`).
//!
//! Every subcommand takes `--as-of DATE` (default: today) so that results can be
//! reproduced. `alerts` exits with status 1 when it reports at least one alert.

use medsbom_lifecycle::{
    AcceptanceSubject, Alert, AlertConfig, AnnouncedDate, ComponentEnd, Decision, LifecycleDates,
    LifecycleDb, LifecycleUpdate, NewAcceptance, Notice, NoticeTexts, Portfolio, ProductVersionKey,
    Span, Stage, StagePeriod, TimelineReport,
};
use medsbom_model::IsoDate;
use serde_json::{Value, json};

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom lifecycle`.
#[derive(clap::Args)]
pub struct LifecycleArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: LifecycleCommand,
}

/// The `medsbom lifecycle` subcommands.
#[derive(clap::Subcommand)]
pub enum LifecycleCommand {
    /// Record release, end-of-life and end-of-support dates of a product version.
    Set(SetArgs),
    /// List lifecycle alerts: unplanned legacy, component EOS ahead, short notices, transfer
    /// windows, unsupported assets, expired acceptances (exit status 1 when there are any).
    Alerts(AlertsArgs),
    /// The timeline report: stages over time per product version and asset group.
    Report(ReportArgs),
    /// Record the decision at end of support for an asset or a product version: accept the
    /// risk with compensating controls, or plan replacement.
    Accept(AcceptArgs),
    /// The EOL/EOS notice a manufacturer sends to its customers.
    Notice(NoticeArgs),
}

/// Arguments of `medsbom lifecycle set`.
#[derive(clap::Args)]
pub struct SetArgs {
    /// Product (device model) name, as stored.
    pub product: String,
    /// Product version, as stored.
    pub version: String,
    /// Manufacturer, when several have a product of this name.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// Release (general availability) date.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub release: Option<IsoDate>,
    /// End-of-life date: no longer sold, Limited Support begins.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub eol: Option<IsoDate>,
    /// End-of-support date: all support ends, End of Support begins.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub eos: Option<IsoDate>,
    /// When the dates given here were announced.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub announced: Option<IsoDate>,
    /// Where the dates given here come from.
    #[arg(long, value_enum, default_value = "manual")]
    pub source: SourceArg,
    /// An upgrade path for the notice (a version or a sentence); repeat for several.
    #[arg(long = "upgrade-to", value_name = "VERSION")]
    pub upgrade_to: Vec<String>,
    /// What support continues after end of life (for the notice).
    #[arg(long, value_name = "TEXT")]
    pub support_after_eol: Option<String>,
    /// What support continues after end of support (for the notice).
    #[arg(long, value_name = "TEXT")]
    pub support_after_eos: Option<String>,
    /// The day the shown stage is computed for [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ShortFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--source` of `medsbom lifecycle set`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    /// The manufacturer's announcement.
    ManufacturerNotice,
    /// An SBOM.
    Sbom,
    /// Entered by hand.
    Manual,
}

/// `--format` of `set` and `accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ShortFormat {
    /// Readable text (not a stable contract).
    Table,
    /// One JSON object (a stable contract).
    Json,
}

/// Arguments of `medsbom lifecycle alerts`.
#[derive(clap::Args)]
pub struct AlertsArgs {
    /// The day to judge [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// How far ahead component end-of-support dates are announced (`3y`, `18m`, `90d`).
    #[arg(long, value_name = "SPAN", default_value = "3y", value_parser = parse_span)]
    pub horizon: Span,
    /// Only these kinds (repeatable): unplanned_legacy, component_eos_soon,
    /// notice_too_short, transfer_window, asset_unsupported, acceptance_expired,
    /// acceptance_review_due.
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom lifecycle report`.
#[derive(clap::Args)]
pub struct ReportArgs {
    /// The report's first day [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// How far ahead the timeline goes (`5y`, `18m`, `90d`).
    #[arg(long, value_name = "SPAN", default_value = "5y", value_parser = parse_span)]
    pub horizon: Span,
    /// Output format; `html` is a printable page with an SVG timeline.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--format` of `medsbom lifecycle report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Readable tables (not a stable contract).
    Table,
    /// One JSON object (a stable contract).
    Json,
    /// A self-contained HTML page with the timeline chart.
    Html,
}

/// Arguments of `medsbom lifecycle accept`.
#[derive(clap::Args)]
pub struct AcceptArgs {
    /// `ASSET` (one argument: an asset id) or `PRODUCT VERSION` (two arguments).
    #[arg(required = true, num_args = 1..=2, value_name = "ASSET|PRODUCT VERSION")]
    pub subject: Vec<String>,
    /// Manufacturer, when several have a product of this name.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// Limit the decision to one component of the product version (its name).
    #[arg(long)]
    pub component: Option<String>,
    /// Who decides (name and role).
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// Until when the decision holds.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: IsoDate,
    /// The compensating controls (network segmentation, …) or the replacement plan.
    #[arg(long, value_name = "TEXT")]
    pub controls: String,
    /// Accept the risk, or plan replacement.
    #[arg(long, value_enum, default_value = "accept")]
    pub decision: DecisionArg,
    /// When to review the decision [default: the until date].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub review: Option<IsoDate>,
    /// The day of the decision [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ShortFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--decision` of `medsbom lifecycle accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DecisionArg {
    /// Keep it running and accept the risk with compensating controls.
    Accept,
    /// Plan replacement or decommissioning by the until date.
    Replace,
}

/// Arguments of `medsbom lifecycle notice`.
#[derive(clap::Args)]
pub struct NoticeArgs {
    /// Product (device model) name, as stored.
    pub product: String,
    /// Product version, as stored.
    pub version: String,
    /// Manufacturer, when several have a product of this name.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// The notice's date [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: NoticeFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `--format` of `medsbom lifecycle notice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NoticeFormat {
    /// One JSON object (a stable contract).
    Json,
    /// A printable HTML page.
    Html,
}

/// Runs a `medsbom lifecycle` subcommand.
pub fn run(args: &LifecycleArgs) -> anyhow::Result<Status> {
    match &args.command {
        LifecycleCommand::Set(args) => run_set(args),
        LifecycleCommand::Alerts(args) => run_alerts(args),
        LifecycleCommand::Report(args) => run_report(args),
        LifecycleCommand::Accept(args) => run_accept(args),
        LifecycleCommand::Notice(args) => run_notice(args),
    }
}

fn parse_date(text: &str) -> Result<IsoDate, String> {
    let trimmed = text.trim();
    match IsoDate::parse(trimmed) {
        Some(date) if trimmed.len() == 10 => Ok(date),
        _ => Err(format!("{text:?} is not a date; write YYYY-MM-DD")),
    }
}

fn parse_span(text: &str) -> Result<Span, String> {
    Span::parse(text).map_err(|err| err.to_string())
}

fn parse_kind(text: &str) -> Result<String, String> {
    let known = medsbom_lifecycle::AlertKind::ALL;
    match known.iter().find(|kind| kind.as_str() == text.trim()) {
        Some(kind) => Ok(kind.as_str().to_owned()),
        None => Err(format!(
            "unknown alert kind {text:?}; one of {}",
            known
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Opens the store (creating and migrating the database when needed) and the lifecycle
/// connection on the same database, runs `work`, and closes both.
async fn with_db<T>(
    args: &DbArgs,
    work: impl AsyncFnOnce(&LifecycleDb) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let store = db::open(args).await?;
    let location = args.location();
    let lifecycle_db = LifecycleDb::connect(&location).await;
    let res = match lifecycle_db {
        Ok(lifecycle_db) => {
            let res = work(&lifecycle_db).await;
            lifecycle_db.close().await;
            res
        }
        Err(err) => Err(err.into()),
    };
    store.close().await;
    res
}

/// The portfolio with every stored package joined to the endoflife.date data.
async fn portfolio(lifecycle_db: &LifecycleDb) -> anyhow::Result<Portfolio> {
    medsbom_lifecycle::link_new_packages(lifecycle_db).await?;
    Ok(medsbom_lifecycle::load_portfolio(lifecycle_db).await?)
}

fn run_set(args: &SetArgs) -> anyhow::Result<Status> {
    let as_of = args.as_of.unwrap_or_else(medsbom_model::IsoDate::today);
    let nothing = args.release.is_none()
        && args.eol.is_none()
        && args.eos.is_none()
        && args.upgrade_to.is_empty()
        && args.support_after_eol.is_none()
        && args.support_after_eos.is_none();
    if nothing {
        anyhow::bail!(
            "nothing to set for {} {}; give --release, --eol, --eos, --upgrade-to or --support-after-eol/--support-after-eos",
            args.product,
            args.version
        );
    }
    let update = LifecycleUpdate {
        release: args.release,
        eol: args.eol,
        eos: args.eos,
        announced: args.announced,
        source: match args.source {
            SourceArg::ManufacturerNotice => medsbom_lifecycle::DateSource::ManufacturerNotice,
            SourceArg::Sbom => medsbom_lifecycle::DateSource::Sbom,
            SourceArg::Manual => medsbom_lifecycle::DateSource::Manual,
        },
        upgrade_paths: args.upgrade_to.clone(),
        support_after_eol: args.support_after_eol.clone(),
        support_after_eos: args.support_after_eos.clone(),
    };
    let (key, portfolio) = db::runtime()?.block_on(with_db(&args.db, async |lifecycle_db| {
        let key = medsbom_lifecycle::find_product_version(
            lifecycle_db,
            &args.product,
            &args.version,
            args.manufacturer.as_deref(),
        )
        .await?;
        medsbom_lifecycle::set_lifecycle(lifecycle_db, &key, &update).await?;
        let portfolio = portfolio(lifecycle_db).await?;
        anyhow::Ok((key, portfolio))
    }))?;
    let Some(pv) = portfolio.product_version(key.id) else {
        anyhow::bail!(
            "product version {} {} vanished while it was updated",
            key.product,
            key.version
        );
    };
    let assessment = pv.stage_on(&portfolio.acceptances, as_of);
    match args.format {
        ShortFormat::Json => {
            let mut value = dates_json(&pv.dates);
            if let Value::Object(map) = &mut value {
                map.insert("manufacturer".to_owned(), json!(pv.manufacturer));
                map.insert("product".to_owned(), json!(pv.product));
                map.insert("product_version".to_owned(), json!(pv.version));
                map.insert("as_of".to_owned(), json!(as_of.to_string()));
                map.insert("stage".to_owned(), json!(assessment.stage.as_str()));
                map.insert("stage_detail".to_owned(), json!(assessment.detail));
                map.insert("notice".to_owned(), notice_texts_json(&pv.notice));
            }
            output::print_json(&value)?;
        }
        ShortFormat::Table => {
            let mut text = format!(
                "{} {} ({})\n{}  stage on {as_of}: {} — {}\n",
                pv.product,
                pv.version,
                pv.manufacturer,
                dates_text(&pv.dates),
                assessment.stage.label(),
                assessment.detail
            );
            if !pv.notice.upgrade_paths.is_empty() {
                text.push_str(&format!(
                    "  upgrade paths: {}\n",
                    pv.notice.upgrade_paths.join(", ")
                ));
            }
            output::print_stdout(&text)?;
        }
    }
    Ok(Status::Success)
}

fn run_alerts(args: &AlertsArgs) -> anyhow::Result<Status> {
    let as_of = args.as_of.unwrap_or_else(medsbom_model::IsoDate::today);
    let config = AlertConfig {
        as_of,
        horizon_end: args.horizon.after(as_of),
    };
    let portfolio = db::runtime()?.block_on(with_db(&args.db, async |lifecycle_db| {
        portfolio(lifecycle_db).await
    }))?;
    let mut alerts = medsbom_lifecycle::compute_alerts(&portfolio, &config);
    if !args.kind.is_empty() {
        alerts.retain(|alert| args.kind.iter().any(|kind| kind == alert.kind.as_str()));
    }
    const HEADER: [&str; 8] = [
        "KIND",
        "PRODUCT",
        "VERSION",
        "COMPONENT",
        "COMPONENT VERSION",
        "ASSET",
        "DATE",
        "DETAIL",
    ];
    let rows: Vec<Vec<String>> = alerts
        .iter()
        .map(|alert| {
            vec![
                alert.kind.as_str().to_owned(),
                alert.product.clone(),
                alert.product_version.clone(),
                alert.component.clone().unwrap_or_default(),
                alert.component_version.clone().unwrap_or_default(),
                alert.asset.clone().unwrap_or_default(),
                alert.date.map(|d| d.to_string()).unwrap_or_default(),
                alert.detail.clone(),
            ]
        })
        .collect();
    match args.format {
        ListFormat::Json => {
            output::print_json(&Value::Array(alerts.iter().map(alert_json).collect()))?
        }
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
        ListFormat::Table => {
            output::print_stdout(&output::table(&HEADER, &rows))?;
            output::note(&format!(
                "{} on {as_of} (horizon {})",
                plural(alerts.len(), "alert"),
                config.horizon_end
            ));
        }
    }
    Ok(match alerts.is_empty() {
        true => Status::Success,
        false => Status::Finding,
    })
}

fn run_report(args: &ReportArgs) -> anyhow::Result<Status> {
    let as_of = args.as_of.unwrap_or_else(medsbom_model::IsoDate::today);
    let horizon_end = args.horizon.after(as_of);
    let portfolio = db::runtime()?.block_on(with_db(&args.db, async |lifecycle_db| {
        portfolio(lifecycle_db).await
    }))?;
    let report = medsbom_lifecycle::build_report(&portfolio, as_of, horizon_end);
    match args.format {
        ReportFormat::Html => output::print_stdout(&medsbom_lifecycle::report_html(&report))?,
        ReportFormat::Json => output::print_json(&report_json(&report))?,
        ReportFormat::Table => output::print_stdout(&report_text(&report))?,
    }
    Ok(Status::Success)
}

fn run_accept(args: &AcceptArgs) -> anyhow::Result<Status> {
    let as_of = args.as_of.unwrap_or_else(medsbom_model::IsoDate::today);
    let acceptance = db::runtime()?.block_on(with_db(&args.db, async |lifecycle_db| {
        let key: Option<ProductVersionKey> = match args.subject.as_slice() {
            [product, version] => Some(
                medsbom_lifecycle::find_product_version(
                    lifecycle_db,
                    product,
                    version,
                    args.manufacturer.as_deref(),
                )
                .await?,
            ),
            _ => None,
        };
        let subject = match (&key, args.subject.first()) {
            (Some(key), _) => AcceptanceSubject::ProductVersion(key),
            (None, Some(asset)) => AcceptanceSubject::Asset(asset),
            (None, None) => anyhow::bail!("name an asset, or a product and a version"),
        };
        if args.component.is_some() && matches!(subject, AcceptanceSubject::Asset(_)) {
            anyhow::bail!(
                "--component applies to a product version (PRODUCT VERSION), not to an asset"
            );
        }
        let new = NewAcceptance {
            subject,
            component: args.component.as_deref(),
            decision: match args.decision {
                DecisionArg::Accept => Decision::Accept,
                DecisionArg::Replace => Decision::Replace,
            },
            decided_by: &args.by,
            decided_on: as_of,
            until: args.until,
            review: args.review.unwrap_or(args.until),
            controls: &args.controls,
        };
        Ok(medsbom_lifecycle::record_acceptance(lifecycle_db, &new).await?)
    }))?;
    match args.format {
        ShortFormat::Json => output::print_json(&json!({
            "id": acceptance.id,
            "subject_kind": acceptance.subject_kind.as_str(),
            "subject": acceptance.subject,
            "component": acceptance.component,
            "decision": acceptance.decision.as_str(),
            "by": acceptance.decided_by,
            "decided_on": acceptance.decided_on.to_string(),
            "until": acceptance.until.to_string(),
            "review": acceptance.review.to_string(),
            "controls": acceptance.controls,
        }))?,
        ShortFormat::Table => output::print_stdout(&format!(
            "recorded #{}: {} {} for {} {} by {} from {} until {} (review {}): {}\n",
            acceptance.id,
            acceptance.decision.as_str(),
            match &acceptance.component {
                Some(component) => format!("(component {component})"),
                None => String::new(),
            },
            acceptance.subject_kind.as_str(),
            acceptance.subject,
            acceptance.decided_by,
            acceptance.decided_on,
            acceptance.until,
            acceptance.review,
            acceptance.controls
        ))?,
    }
    Ok(Status::Success)
}

fn run_notice(args: &NoticeArgs) -> anyhow::Result<Status> {
    let as_of = args.as_of.unwrap_or_else(medsbom_model::IsoDate::today);
    let (key, portfolio) = db::runtime()?.block_on(with_db(&args.db, async |lifecycle_db| {
        let key = medsbom_lifecycle::find_product_version(
            lifecycle_db,
            &args.product,
            &args.version,
            args.manufacturer.as_deref(),
        )
        .await?;
        anyhow::Ok((key, portfolio(lifecycle_db).await?))
    }))?;
    let Some(notice) = medsbom_lifecycle::build_notice(&portfolio, key.id, as_of) else {
        anyhow::bail!(
            "product version {} {} vanished while the notice was built",
            key.product,
            key.version
        );
    };
    match args.format {
        NoticeFormat::Html => output::print_stdout(&medsbom_lifecycle::notice_html(&notice))?,
        NoticeFormat::Json => output::print_json(&notice_json(&notice))?,
    }
    Ok(Status::Success)
}

fn plural(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

fn date_json(date: Option<IsoDate>) -> Value {
    match date {
        Some(date) => json!(date.to_string()),
        None => Value::Null,
    }
}

fn milestone_json(milestone: Option<AnnouncedDate>) -> Value {
    match milestone {
        Some(m) => json!({
            "date": m.date.to_string(),
            "announced": date_json(m.announced),
            "source": m.source.as_str(),
            "notice_days": m.notice_days(),
        }),
        None => Value::Null,
    }
}

fn dates_json(dates: &LifecycleDates) -> Value {
    json!({
        "release": milestone_json(dates.release),
        "eol": milestone_json(dates.eol),
        "eos": milestone_json(dates.eos),
    })
}

fn notice_texts_json(texts: &NoticeTexts) -> Value {
    json!({
        "support_after_eol": texts.support_after_eol,
        "support_after_eos": texts.support_after_eos,
        "upgrade_paths": texts.upgrade_paths,
    })
}

fn dates_text(dates: &LifecycleDates) -> String {
    let mut res = String::new();
    for (name, milestone) in [
        ("release", dates.release),
        ("end of life", dates.eol),
        ("end of support", dates.eos),
    ] {
        match milestone {
            Some(m) => {
                res.push_str(&format!("  {name}: {}", m.date));
                if let Some(announced) = m.announced {
                    res.push_str(&format!(" (announced {announced})"));
                }
                res.push_str(&format!(" [{}]\n", m.source.as_str()));
            }
            None => res.push_str(&format!("  {name}: not announced\n")),
        }
    }
    res
}

/// The JSON object of one alert (the `alerts --format json` contract).
fn alert_json(alert: &Alert) -> Value {
    json!({
        "kind": alert.kind.as_str(),
        "manufacturer": alert.manufacturer,
        "product": alert.product,
        "product_version": alert.product_version,
        "component": alert.component,
        "component_version": alert.component_version,
        "asset": alert.asset,
        "date": date_json(alert.date),
        "detail": alert.detail,
    })
}

fn period_json(period: &StagePeriod) -> Value {
    json!({
        "stage": period.stage.as_str(),
        "cause": period.cause.as_str(),
        "from": period.start.to_string(),
        "until": date_json(period.end.map(|d| d.add_days(-1))),
    })
}

fn component_end_json(component: &ComponentEnd) -> Value {
    json!({
        "component": component.name,
        "component_version": component.version,
        "date": date_json(component.date),
        "unsupported": component.unsupported,
        "sources": component.sources,
        "packages": component.n_packages,
    })
}

fn report_json(report: &TimelineReport) -> Value {
    let product_versions: Vec<Value> = report
        .product_versions
        .iter()
        .map(|pv| {
            json!({
                "manufacturer": pv.manufacturer,
                "product": pv.product,
                "product_version": pv.version,
                "dates": dates_json(&pv.dates),
                "stage": pv.current.stage.as_str(),
                "stage_cause": pv.current.cause.as_str(),
                "stage_since": date_json(pv.current.since),
                "stage_detail": pv.current.detail,
                "periods": pv.periods.iter().map(period_json).collect::<Vec<_>>(),
                "components": pv.component_ends.iter().map(component_end_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let asset_groups: Vec<Value> = report
        .asset_groups
        .iter()
        .map(|group| {
            json!({
                "group": group.group,
                "assets": group.assets.iter().map(|a| json!({
                    "asset": a.asset_id,
                    "product": a.product,
                    "product_version": a.version,
                    "stage": a.stage.as_str(),
                })).collect::<Vec<_>>(),
                "periods": group.periods.iter().map(period_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "as_of": report.as_of.to_string(),
        "horizon_end": report.horizon_end.to_string(),
        "product_versions": product_versions,
        "asset_groups": asset_groups,
    })
}

fn periods_text(periods: &[StagePeriod]) -> String {
    periods
        .iter()
        .map(|p| match p.end {
            Some(end) => format!("{} until {}", p.stage.label(), end.add_days(-1)),
            None => p.stage.label().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn report_text(report: &TimelineReport) -> String {
    const HEADER: [&str; 6] = [
        "MANUFACTURER",
        "PRODUCT",
        "VERSION",
        "STAGE",
        "EOS",
        "TIMELINE",
    ];
    let rows: Vec<Vec<String>> = report
        .product_versions
        .iter()
        .map(|pv| {
            vec![
                pv.manufacturer.clone(),
                pv.product.clone(),
                pv.version.clone(),
                pv.current.stage.label().to_owned(),
                pv.dates.eos.map(|m| m.date.to_string()).unwrap_or_default(),
                periods_text(&pv.periods),
            ]
        })
        .collect();
    let mut res = format!(
        "Lifecycle from {} to {}\n\n",
        report.as_of, report.horizon_end
    );
    res.push_str(&output::table(&HEADER, &rows));
    const COMPONENT_HEADER: [&str; 6] = [
        "PRODUCT",
        "VERSION",
        "COMPONENT",
        "COMPONENT VERSION",
        "EOS",
        "STATUS",
    ];
    let component_rows: Vec<Vec<String>> = report
        .product_versions
        .iter()
        .flat_map(|pv| {
            pv.component_ends.iter().map(move |c| {
                vec![
                    pv.product.clone(),
                    pv.version.clone(),
                    c.name.clone(),
                    c.version.clone().unwrap_or_default(),
                    c.date
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "unknown".to_owned()),
                    match c.unsupported {
                        true => "out of support".to_owned(),
                        false => "ends within the horizon".to_owned(),
                    },
                ]
            })
        })
        .collect();
    if !component_rows.is_empty() {
        res.push_str("\nComponent end of support\n");
        res.push_str(&output::table(&COMPONENT_HEADER, &component_rows));
    }
    if !report.asset_groups.is_empty() {
        const GROUP_HEADER: [&str; 4] = ["GROUP", "ASSETS", "WORST STAGE NOW", "TIMELINE"];
        let group_rows: Vec<Vec<String>> = report
            .asset_groups
            .iter()
            .map(|g| {
                vec![
                    g.group.clone(),
                    g.assets.len().to_string(),
                    g.periods.first().map_or("", |p| p.stage.label()).to_owned(),
                    periods_text(&g.periods),
                ]
            })
            .collect();
        res.push_str("\nAsset groups\n");
        res.push_str(&output::table(&GROUP_HEADER, &group_rows));
    }
    res
}

fn notice_json(notice: &Notice) -> Value {
    json!({
        "manufacturer": notice.manufacturer,
        "product": notice.product,
        "product_version": notice.version,
        "as_of": notice.as_of.to_string(),
        "dates": dates_json(&notice.dates),
        "stage": notice.stage.stage.as_str(),
        "stage_detail": notice.stage.detail,
        "support_after_eol": notice.support_after_eol,
        "support_after_eos": notice.support_after_eos,
        "upgrade_paths": notice.upgrade_paths.iter().map(|p| json!({
            "version": p.target,
            "stage": p.stage.map(Stage::as_str),
            "eos": date_json(p.eos),
        })).collect::<Vec<_>>(),
        "unsupported_components": notice.unsupported_components.iter().map(component_end_json).collect::<Vec<_>>(),
        "upcoming_component_ends": notice.upcoming_component_ends.iter().map(component_end_json).collect::<Vec<_>>(),
        "warnings": notice.warnings,
    })
}
