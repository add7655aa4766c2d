//! Undoing transport wrapping before sniffing: bounded gzip, byte-order marks, wrong encodings.

use std::io::Read;

use flate2::read::MultiGzDecoder;

use crate::{FormatError, Limits};

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";

/// Decodes raw file bytes into UTF-8 document bytes: gunzips gzip input (refusing to expand
/// past [`Limits::max_decompressed_bytes`], so a gzip bomb is an error), strips a UTF-8
/// byte-order mark, and refuses UTF-16/UTF-32 (with or without a byte-order mark) with
/// "wrong encoding: utf-16le; convert to utf-8".
pub fn decode(bytes: Vec<u8>, limits: &Limits) -> Result<Vec<u8>, FormatError> {
    let size = bytes.len() as u64;
    if limits.max_input_bytes < size {
        return Err(FormatError::TooLarge {
            what: "input",
            size,
            limit: limits.max_input_bytes,
        });
    }
    let mut bytes = if bytes.starts_with(GZIP_MAGIC) {
        gunzip(&bytes, limits.max_decompressed_bytes)?
    } else {
        bytes
    };
    if let Some(encoding) = wrong_encoding(&bytes) {
        return Err(FormatError::Encoding { encoding });
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    Ok(bytes)
}

fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, FormatError> {
    let decoder = MultiGzDecoder::new(bytes);
    // Read one byte past the limit to tell "exactly at the limit" from "over it".
    let mut limited = decoder.take(limit.saturating_add(1));
    let mut res = Vec::new();
    if let Err(err) = limited.read_to_end(&mut res) {
        return Err(FormatError::Decompress {
            offset: res.len() as u64,
            message: err.to_string(),
        });
    }
    let size = res.len() as u64;
    if limit < size {
        return Err(FormatError::TooLarge {
            what: "decompressed input",
            size,
            limit,
        });
    }
    Ok(res)
}

/// The encoding of text that is not UTF-8 but UTF-16 or UTF-32: from a byte-order mark, or
/// from the zero bytes around the first ASCII character of a document without one.
pub(crate) fn wrong_encoding(bytes: &[u8]) -> Option<&'static str> {
    let boms: [(&[u8], &'static str); 4] = [
        (b"\xFF\xFE\x00\x00", "utf-32le"),
        (b"\x00\x00\xFE\xFF", "utf-32be"),
        (b"\xFF\xFE", "utf-16le"),
        (b"\xFE\xFF", "utf-16be"),
    ];
    for (bom, encoding) in boms {
        if bytes.starts_with(bom) {
            return Some(encoding);
        }
    }
    match bytes {
        [0, 0, 0, b, ..] if *b != 0 => Some("utf-32be"),
        [b, 0, 0, 0, ..] if *b != 0 => Some("utf-32le"),
        [0, b, ..] if *b != 0 => Some("utf-16be"),
        [b, 0, ..] if *b != 0 => Some("utf-16le"),
        _ => None,
    }
}
