//! Reading SBOM files from disk: size limits, decompression, format sniffing and parsing, with
//! every error naming the file.

use std::path::Path;

use anyhow::Context;
use medsbom_formats::{Detected, Limits};
use medsbom_model::Parsed;

/// A file that was read and parsed.
pub struct Loaded {
    /// The exact bytes of the file as stored on disk (before decompression).
    pub raw: Vec<u8>,
    /// The format and spec version found in the content.
    pub detected: Detected,
    /// The normalized document and the reader's diagnostics.
    pub parsed: Parsed,
}

/// Reads the bytes of `path` (decompressed when gzip), refusing files over the limits.
pub fn read_bytes(path: &Path) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let limits = Limits::default();
    let metadata =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if metadata.len() > limits.max_input_bytes {
        anyhow::bail!(
            "{}: file is {} bytes, over the limit of {} bytes",
            path.display(),
            metadata.len(),
            limits.max_input_bytes
        );
    }
    let raw = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let decoded = medsbom_formats::decode(raw.clone(), &limits)
        .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
    Ok((raw, decoded))
}

/// Reads and parses an SBOM file; a parse error names the file and the location.
pub fn read_sbom(path: &Path) -> anyhow::Result<Loaded> {
    let (raw, decoded) = read_bytes(path)?;
    let (detected, parsed) = medsbom_formats::read(&decoded)
        .map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))?;
    Ok(Loaded {
        raw,
        detected,
        parsed,
    })
}
