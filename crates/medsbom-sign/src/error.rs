//! The errors of this crate.

/// Everything that can go wrong while handling keys, signatures and bundles.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    /// A key, signature or bundle file that is not the JSON it should be.
    #[error("{what}: not valid JSON: {source}")]
    Json {
        /// What was being read (`private key file`, `signature`, …).
        what: &'static str,
        /// The parser's message.
        #[source]
        source: serde_json::Error,
    },
    /// A file that parses but does not hold what it should.
    #[error("{what}: {reason}")]
    Malformed {
        /// What was being read.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The passphrase does not open the private key (or the key file was changed).
    #[error("cannot decrypt the private key {name}: wrong passphrase or damaged key file")]
    Passphrase {
        /// The key's name.
        name: String,
    },
    /// age could not encrypt.
    #[error("cannot encrypt {what}: {reason}")]
    Encrypt {
        /// What was being encrypted.
        what: &'static str,
        /// age's message.
        reason: String,
    },
    /// The bundle cannot be decrypted with this key: it was encrypted to someone else, or a
    /// byte of it was changed.
    #[error(
        "cannot open the bundle: it is not encrypted to this key ({key_id}) or it was altered ({reason})"
    )]
    Decrypt {
        /// The key tried.
        key_id: String,
        /// age's message.
        reason: String,
    },
    /// The signature was made with another key than the one given.
    #[error("the signature is by key {signed_by}, not by the given key {given}")]
    WrongKey {
        /// Key id named in the signature.
        signed_by: String,
        /// Key id of the key given.
        given: String,
    },
    /// The signature does not match the bytes (tampered file or forged signature).
    #[error(
        "bad signature by key {key_id}: the signed bytes were changed or the signature is forged"
    )]
    BadSignature {
        /// The key id.
        key_id: String,
    },
    /// A DSSE statement that covers another file.
    #[error("the signed statement covers SHA-256 {signed}, but the file has {actual}")]
    DigestMismatch {
        /// The digest in the statement.
        signed: String,
        /// The file's digest.
        actual: String,
    },
    /// The operating system's random number generator failed.
    #[error("no randomness available: {0}")]
    Random(String),
}
