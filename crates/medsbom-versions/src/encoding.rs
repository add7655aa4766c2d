//! Percent-encoding as used by purl and vers (RFC 3986 section 2.1, UTF-8, uppercase hex).

use std::borrow::Cow;

/// Why a percent-encoded string could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A `%` not followed by two hexadecimal digits.
    BadTriplet,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl DecodeError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            DecodeError::BadTriplet => "invalid percent-encoding",
            DecodeError::NotUtf8 => "percent-decoded text is not UTF-8",
        }
    }
}

/// Decodes every `%XX` triplet once; `+` is left alone (this is not form encoding).
pub(crate) fn percent_decode(s: &str) -> Result<Cow<'_, str>, DecodeError> {
    if !s.contains('%') {
        return Ok(Cow::Borrowed(s));
    }
    let bytes = s.as_bytes();
    let mut res = Vec::with_capacity(bytes.len());
    let mut idx = 0;
    while idx < bytes.len() {
        let byte = bytes[idx];
        if byte != b'%' {
            res.push(byte);
            idx += 1;
            continue;
        }
        let (Some(high), Some(low)) = (
            bytes.get(idx + 1).copied().and_then(hex_value),
            bytes.get(idx + 2).copied().and_then(hex_value),
        ) else {
            return Err(DecodeError::BadTriplet);
        };
        res.push(high * 16 + low);
        idx += 3;
    }
    match String::from_utf8(res) {
        Ok(decoded) => Ok(Cow::Owned(decoded)),
        Err(_) => Err(DecodeError::NotUtf8),
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `byte` as an uppercase `%XX` triplet.
pub(crate) fn push_triplet(out: &mut String, byte: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
}

/// Appends `s` percent-encoded for a purl component: everything except the alphanumerics,
/// `.-_~` and the colon `:` is encoded (purl-spec "Character encoding").
pub(crate) fn push_purl_encoded(out: &mut String, s: &str) {
    for &byte in s.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(char::from(byte));
        } else {
            push_triplet(out, byte);
        }
    }
}

/// Appends `s` as `/`-separated segments, each purl-encoded.
pub(crate) fn push_purl_segments(out: &mut String, s: &str) {
    for (idx, segment) in s.split('/').enumerate() {
        if 0 < idx {
            out.push('/');
        }
        push_purl_encoded(out, segment);
    }
}
