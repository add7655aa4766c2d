//! Output conventions shared by every command: the `--format` choice, writing results to
//! stdout (quietly on a broken pipe), errors to stderr, and the exit status.

use std::io::{self, Write};
use std::process::ExitCode;

/// What a command ended with; mapped to the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit 0: done, nothing to report.
    Success,
    /// Exit 1: a finding, a failed policy or an invalid input that the command reports.
    Finding,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Success => ExitCode::SUCCESS,
            Status::Finding => ExitCode::from(1),
        }
    }
}

/// `--format` for listing commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A readable table (not a stable contract).
    Table,
    /// JSON (a stable contract).
    Json,
    /// CSV with a header row.
    Csv,
}

/// Writes `text` to stdout; a closed pipe (`medsbom … | head`) ends the process quietly.
pub fn print_stdout(text: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(err) => Err(anyhow::Error::new(err).context("cannot write to standard output")),
    }
}

/// Writes a JSON value to stdout, pretty-printed, with a final newline.
pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    print_stdout(&text)
}

/// Writes a line to stderr (progress, warnings, summaries that are not results).
pub fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Prints an error with its causes and returns exit status 2.
pub fn report_error(err: &anyhow::Error) -> ExitCode {
    let mut message = format!("error: {err}");
    for cause in err.chain().skip(1) {
        message.push_str(&format!("\n  caused by: {cause}"));
    }
    note(&message);
    ExitCode::from(2)
}

/// Renders rows as an aligned text table with a header.
#[must_use]
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (idx, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(idx) {
                *width = (*width).max(cell.chars().count().min(60));
            }
        }
    }
    let mut res = String::new();
    let mut push_row = |cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::new();
        for (idx, cell) in cells.enumerate() {
            let width = widths.get(idx).copied().unwrap_or(0);
            let cell: String = if cell.chars().count() > 60 {
                cell.chars().take(59).chain(['…']).collect()
            } else {
                cell.to_owned()
            };
            line.push_str(&format!("{cell:<width$}  "));
        }
        res.push_str(line.trim_end());
        res.push('\n');
    };
    push_row(&mut header.iter().copied());
    for row in rows {
        push_row(&mut row.iter().map(String::as_str));
    }
    res
}

/// Renders rows as CSV with a header row.
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row)?;
    }
    Ok(String::from_utf8(
        writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?,
    )?)
}
