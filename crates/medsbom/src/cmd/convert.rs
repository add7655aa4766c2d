//! `medsbom convert FILE --to FORMAT`: rewrite an SBOM in another format.

use std::path::PathBuf;

use anyhow::Context;
use medsbom_formats::OutputFormat;

use crate::output::{self, Status};

/// Arguments of `medsbom convert`.
#[derive(clap::Args)]
pub struct ConvertArgs {
    /// The SBOM file to convert.
    pub file: PathBuf,
    /// Target format: cyclonedx-json, cyclonedx-xml, spdx-json or spdx-tv.
    #[arg(long)]
    pub to: OutputFormat,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
}

/// Converts the file; what the target format cannot hold is reported on stderr.
pub fn run(args: &ConvertArgs) -> anyhow::Result<Status> {
    let loaded = crate::cmd::input::read_sbom(&args.file)?;
    let written = medsbom_formats::write(&loaded.parsed.sbom, args.to);
    for warning in &written.warnings {
        output::note(&format!("warning: {}: {warning}", args.file.display()));
    }
    match &args.output {
        Some(path) => std::fs::write(path, &written.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => output::print_stdout(&String::from_utf8_lossy(&written.bytes))?,
    }
    Ok(Status::Success)
}
