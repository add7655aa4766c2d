//! The `medsbom` command line: flags and wiring only; the work happens in the library crates.
//!
//! Exit status: 0 success, 1 a finding or an invalid input that the command exists to report,
//! 2 a usage or I/O error.

mod cmd;
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
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout with exit 0 and usage errors with exit 2.
            let _ = err.print();
            return if err.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let result = match cli.command {
        Command::Validate(args) => cmd::validate::run(&args),
        Command::Inspect(args) => cmd::inspect::run(&args),
        Command::Convert(args) => cmd::convert::run(&args),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) => output::report_error(&err),
    }
}
