//! `medsbom analysis set FINDING --state … [--justification …] [--detail …] [--by NAME]`,
//! `medsbom analysis list` and `medsbom analysis history FINDING`: the hospital's (or the
//! manufacturer's) own decision about a finding, with who and when; earlier decisions stay
//! as history.
//!
//! FINDING is `PRODUCT@VERSION:COMPONENT:VULN-ID`, as the `finding` field of
//! `medsbom vulns --format json` spells it: COMPONENT is the component's purl (without a
//! version for every version of the package), its CPE, its package key (`name:…`) or `*`
//! for every component of the product version; VULN-ID is any identifier of the
//! vulnerability. Example:
//! `"Infusion Pump@2.1:pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1:CVE-2021-44228"`.

use medsbom_vex::service::{
    AnalysisFilter, AnalysisRecord, AnalysisRole, FindingRef, NewAnalysis, VexDb, list_analyses,
    record_analysis,
};
use serde_json::Value;

use crate::cmd::db::{self, DbArgs};
use crate::cmd::vex::current_user;
use crate::output::{self, ListFormat, Status};

/// Arguments of `medsbom analysis`.
#[derive(clap::Args)]
pub struct AnalysisArgs {
    #[command(subcommand)]
    pub command: AnalysisCommand,
}

/// The `analysis` subcommands.
#[derive(clap::Subcommand)]
pub enum AnalysisCommand {
    /// Record a decision about a finding (PRODUCT@VERSION:COMPONENT:VULN-ID).
    Set(AnalysisSetArgs),
    /// The current decisions (the newest per finding and role).
    List(AnalysisListArgs),
    /// Every decision recorded for one finding, newest first.
    History(AnalysisHistoryArgs),
}

/// Who decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// The hospital: its own analysis, shown on its findings.
    Provider,
    /// The manufacturer: ranked like the manufacturer's VEX.
    Manufacturer,
}

/// Arguments of `medsbom analysis set`.
#[derive(clap::Args)]
pub struct AnalysisSetArgs {
    /// The finding: PRODUCT@VERSION:COMPONENT:VULN-ID (COMPONENT a purl, CPE, name: key or *).
    #[arg(value_name = "FINDING")]
    pub finding: String,
    /// not_affected, affected, fixed, under_investigation (or the CycloneDX states
    /// exploitable, in_triage, resolved, false_positive, …).
    #[arg(long, value_name = "STATE")]
    pub state: String,
    /// Why not affected: an OpenVEX/CSAF label (vulnerable_code_not_in_execute_path, …) or
    /// a CycloneDX justification (code_not_reachable, protected_at_perimeter, …).
    #[arg(long, value_name = "J")]
    pub justification: Option<String>,
    /// Free text: the reasoning, the mitigation in place.
    #[arg(long, value_name = "TEXT")]
    pub detail: Option<String>,
    /// A response (repeatable): update, workaround_available, will_not_fix, can_not_fix, rollback.
    #[arg(long = "response", value_name = "R")]
    pub responses: Vec<String>,
    /// Who decides [default: $USER]
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Whose decision it is.
    #[arg(long, value_enum, default_value = "provider")]
    pub role: RoleArg,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom analysis list`.
#[derive(clap::Args)]
pub struct AnalysisListArgs {
    /// Only this product.
    #[arg(long, value_name = "P")]
    pub product: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom analysis history`.
#[derive(clap::Args)]
pub struct AnalysisHistoryArgs {
    /// The finding: PRODUCT@VERSION:COMPONENT:VULN-ID.
    #[arg(value_name = "FINDING")]
    pub finding: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs an `analysis` subcommand.
pub fn run(args: &AnalysisArgs) -> anyhow::Result<Status> {
    match &args.command {
        AnalysisCommand::Set(args) => set(args),
        AnalysisCommand::List(args) => {
            let filter = AnalysisFilter {
                product: args.product.clone(),
                ..AnalysisFilter::default()
            };
            list(&args.db, &filter, args.format)
        }
        AnalysisCommand::History(args) => {
            let filter = AnalysisFilter {
                finding: Some(FindingRef::parse(&args.finding)?),
                history: true,
                ..AnalysisFilter::default()
            };
            list(&args.db, &filter, args.format)
        }
    }
}

fn set(args: &AnalysisSetArgs) -> anyhow::Result<Status> {
    let finding = FindingRef::parse(&args.finding)?;
    let analyst = current_user(args.by.as_deref());
    let recorded_at = medsbom_model::now_rfc3339();
    let role = match args.role {
        RoleArg::Provider => AnalysisRole::Provider,
        RoleArg::Manufacturer => AnalysisRole::Manufacturer,
    };
    let location = args.db.location();
    let id = db::runtime()?.block_on(async {
        let db = VexDb::open(&location).await?;
        let res = record_analysis(
            &db,
            &NewAnalysis {
                finding: &finding,
                role,
                state: &args.state,
                justification: args.justification.as_deref(),
                responses: &args.responses,
                detail: args.detail.as_deref(),
                analyst: &analyst,
                recorded_at: &recorded_at,
                organization_id: None,
            },
        )
        .await;
        db.close().await;
        anyhow::Ok(res?)
    })?;
    output::note(&format!(
        "recorded analysis #{id} of {finding} by {analyst} at {recorded_at}"
    ));
    Ok(Status::Success)
}

fn list(db_args: &DbArgs, filter: &AnalysisFilter, format: ListFormat) -> anyhow::Result<Status> {
    let location = db_args.location();
    let records = db::runtime()?.block_on(async {
        let db = VexDb::open(&location).await?;
        let records = list_analyses(&db, filter).await;
        db.close().await;
        anyhow::Ok(records?)
    })?;
    match format {
        ListFormat::Json => {
            output::print_json(&Value::Array(
                records.iter().map(AnalysisRecord::to_json).collect(),
            ))?;
        }
        ListFormat::Table | ListFormat::Csv => {
            let header = [
                "FINDING",
                "STATE",
                "JUSTIFICATION",
                "ROLE",
                "BY",
                "AT",
                "DETAIL",
            ];
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|r| {
                    vec![
                        r.finding.to_string(),
                        r.state.as_str().to_owned(),
                        r.justification.clone().unwrap_or_default(),
                        r.role.as_str().to_owned(),
                        r.analyst.clone(),
                        r.recorded_at.clone(),
                        r.detail.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let text = if format == ListFormat::Csv {
                output::csv(&header, &rows)?
            } else {
                output::table(&header, &rows)
            };
            output::print_stdout(&text)?;
        }
    }
    Ok(Status::Success)
}
