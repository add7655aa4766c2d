//! The `medsbom` command line: flags and wiring only; the work happens in the library crates.
//!
//! Exit status: 0 success, 1 a finding or an invalid input that the command exists to report,
//! 2 a usage or I/O error.

mod cmd;
mod demo_data;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// SBOM, vulnerability and lifecycle management for medical devices (IMDRF N73 / N70).
#[derive(Parser)]
#[command(name = "medsbom", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate SBOM files against their format's schema and rules.
    Validate(cmd::validate::ValidateArgs),
    /// Show what an SBOM file holds: format, counts and components.
    Inspect(cmd::inspect::InspectArgs),
    /// Convert an SBOM to another format.
    Convert(cmd::convert::ConvertArgs),
    /// Check SBOMs against the NTIA, CISA, FDA and IMDRF minimum elements.
    Check(cmd::check::CheckArgs),
    /// Store SBOM files (or every SBOM in a directory) in the portfolio database.
    Ingest(cmd::ingest::IngestArgs),
    /// List the stored products and their versions.
    Products(cmd::products::ProductsArgs),
    /// List the stored SBOM documents.
    Sboms(cmd::sboms::SbomsArgs),
    /// Search components across every stored SBOM.
    Search(cmd::search::SearchArgs),
    /// Compare two product versions (or two files): components added, removed, changed.
    Diff(cmd::diff::DiffArgs),
    /// Make a consistent copy of the database while it is in use.
    Backup(cmd::backup::BackupArgs),
    /// Restore the database from a backup.
    Restore(cmd::backup::RestoreArgs),
    /// Import vulnerability and end-of-life feeds (OSV, NVD, CVE 5, KEV, EPSS, CSAF, endoflife.date).
    Feeds(cmd::feeds::FeedsArgs),
    /// List vulnerability findings of the stored SBOMs (matching new packages first).
    Vulns(cmd::vulns::VulnsArgs),
    /// Match one SBOM file against the imported feeds without storing it.
    ScanSbom(cmd::scan_sbom::ScanSbomArgs),
    /// Product-version lifecycle (IMDRF N70): EOL/EOS dates, alerts, reports, risk acceptance.
    Lifecycle(cmd::lifecycle::LifecycleArgs),
    /// Deployed device inventory: import, list, show, set, retire.
    Assets(cmd::assets::AssetsArgs),
    /// Which deployed devices, where, are affected by a vulnerability or package.
    Impact(cmd::impact::ImpactArgs),
    /// Run the main job end to end on the project's own example device SBOMs.
    Demo(cmd::demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout with exit 0 and usage errors with exit 2.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Validate(args) => cmd::validate::run(&args),
        Command::Inspect(args) => cmd::inspect::run(&args),
        Command::Convert(args) => cmd::convert::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Ingest(args) => cmd::ingest::run(&args),
        Command::Products(args) => cmd::products::run(&args),
        Command::Sboms(args) => cmd::sboms::run(&args),
        Command::Search(args) => cmd::search::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Backup(args) => cmd::backup::run_backup(&args),
        Command::Restore(args) => cmd::backup::run_restore(&args),
        Command::Feeds(args) => cmd::feeds::run(&args),
        Command::Vulns(args) => cmd::vulns::run(&args),
        Command::ScanSbom(args) => cmd::scan_sbom::run(&args),
        Command::Lifecycle(args) => cmd::lifecycle::run(&args),
        Command::Assets(args) => cmd::assets::run(&args),
        Command::Impact(args) => cmd::impact::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) => output::report_error(&err),
    }
}
