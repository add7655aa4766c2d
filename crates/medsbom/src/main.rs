//! The `medsbom` command line: flags and wiring only; the work happens in the library crates.
//!
//! Exit status: 0 success, 1 a finding or an invalid input that the command exists to report,
//! 2 a usage or I/O error.

mod cmd;
mod demo_data;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: the readers, the checker and the matcher make many small allocations, which
/// glibc's allocator served at about a third of the run time (perf, `medsbom-bench check`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// VEX: import CycloneDX/OpenVEX/CSAF statements, export a product's current statements.
    Vex(cmd::vex::VexArgs),
    /// Record and list the own analysis of a finding (state, justification, who, when).
    Analysis(cmd::analysis::AnalysisArgs),
    /// Product-version lifecycle (IMDRF N70): EOL/EOS dates, alerts, reports, risk acceptance.
    Lifecycle(cmd::lifecycle::LifecycleArgs),
    /// Deployed device inventory: import, list, show, set, retire.
    Assets(cmd::assets::AssetsArgs),
    /// Which deployed devices, where, are affected by a vulnerability or package.
    Impact(cmd::impact::ImpactArgs),
    /// Manufacturer side: create products and product versions (component registries).
    Product(cmd::product::ProductArgs),
    /// Manufacturer side: add, import, list, edit and remove a version's components.
    Component(cmd::component::ComponentArgs),
    /// Generate a product version's SBOM from its component registry.
    Generate(cmd::generate::GenerateArgs),
    /// Signing keys: generate, list, export-public, trust, revoke.
    Keys(cmd::keys::KeysArgs),
    /// Sign a file (detached Ed25519 signature or DSSE envelope).
    Sign(cmd::sign::SignArgs),
    /// Verify a file's signature (exit 0 valid, 1 invalid).
    Verify(cmd::sign::VerifyArgs),
    /// Send a product version's SBOM, VEX and notice to one recipient, signed and encrypted.
    Share(cmd::share::ShareArgs),
    /// Open a share bundle: decrypt, verify, ingest.
    Receive(cmd::share::ReceiveArgs),
    /// Serve the REST API, its OpenAPI document and the web UI.
    Serve(cmd::serve::ServeArgs),
    /// Accounts for the server: create-org, create-user, create-token.
    Admin(cmd::admin::AdminArgs),
    /// The hash-chained audit log: verify, list.
    Audit(cmd::audit::AuditArgs),
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
        Command::Vex(args) => cmd::vex::run(&args),
        Command::Analysis(args) => cmd::analysis::run(&args),
        Command::Lifecycle(args) => cmd::lifecycle::run(&args),
        Command::Assets(args) => cmd::assets::run(&args),
        Command::Impact(args) => cmd::impact::run(&args),
        Command::Product(args) => cmd::product::run(&args),
        Command::Component(args) => cmd::component::run(&args),
        Command::Generate(args) => cmd::generate::run(&args),
        Command::Keys(args) => cmd::keys::run(&args),
        Command::Sign(args) => cmd::sign::run_sign(&args),
        Command::Verify(args) => cmd::sign::run_verify(&args),
        Command::Share(args) => cmd::share::run_share(&args),
        Command::Receive(args) => cmd::share::run_receive(&args),
        Command::Serve(args) => cmd::serve::run(&args),
        Command::Admin(args) => cmd::admin::run(&args),
        Command::Audit(args) => cmd::audit::run(&args),
        Command::Demo(args) => cmd::demo::run(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) => output::report_error(&err),
    }
}
