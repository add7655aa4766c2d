//! Signing and confidential sharing for medsbom (IMDRF N73 §5.3: distribute SBOMs securely).
//!
//! - [`KeyPair`]: a manufacturer's or hospital's key: an Ed25519 signing key (ed25519-dalek)
//!   and an X25519 encryption identity (the `age` crate). The private key file is encrypted
//!   with a passphrase (age's scrypt recipient); the [`PublicKey`] file holds both public
//!   halves and the key id (hex SHA-256 of the Ed25519 public key, first 16 bytes).
//! - [`sign_detached`]: a detached Ed25519 signature over the exact bytes of a file;
//!   [`sign_dsse`]: a DSSE envelope holding an in-toto Statement v1 whose subject is the
//!   file's SHA-256. [`Signature::parse`] reads either, and [`Signature::verify`] checks it
//!   against a file and a public key.
//! - [`seal_bundle`]: a confidential share bundle (SBOM, VEX, lifecycle notice) as a DSSE
//!   envelope signed by the sender, encrypted to the recipient's X25519 key with age;
//!   [`open_bundle`] decrypts it with the recipient's key and [`SealedBundle::verify`] checks
//!   the signature. Any changed byte fails: age authenticates the header and every chunk, and
//!   the signature covers the whole manifest.
//!
//! Nothing here does I/O: functions take and return bytes.
//!
//! ```
//! use medsbom_sign::{KeyPair, Signature, sign_detached};
//! let key = KeyPair::generate("acme-release-2026").unwrap();
//! let sbom = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}"#;
//! let sig = sign_detached(&key, sbom);
//! let parsed = Signature::parse(&sig).unwrap();
//! assert!(parsed.verify(sbom, &key.public()).is_ok());
//! assert!(parsed.verify(b"tampered", &key.public()).is_err());
//! ```
#![deny(missing_docs)]

mod bundle;
mod error;
mod keys;
mod signature;

pub use bundle::{BundleFile, SealedBundle, ShareBundle, open_bundle, seal_bundle};
pub use error::SignError;
pub use keys::{KeyPair, PublicKey, key_id};
pub use signature::{
    DSSE_PAYLOAD_TYPE, IN_TOTO_STATEMENT, Signature, SignatureKind, pae, sign_detached, sign_dsse,
};
