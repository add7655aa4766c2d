//! Key pairs and their files.
//!
//! Private key file (JSON): `{"type": "medsbom-private-key", "version": 1, "name", "key_id",
//! "public": <public key>, "encrypted": <base64 age scrypt ciphertext>}`; the ciphertext
//! holds `{"ed25519_seed": <base64>, "x25519": "AGE-SECRET-KEY-1…"}`.
//! Public key file (JSON): `{"type": "medsbom-public-key", "version": 1, "name", "key_id",
//! "ed25519": <base64 raw 32 bytes>, "x25519": "age1…"}`.

use std::str::FromStr as _;

use age::secrecy::{ExposeSecret as _, SecretString};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::SignError;

/// The scrypt work factor (N = 2^16, 64 MiB) protecting private key files: fixed, so a key
/// file opens in the same time everywhere, instead of age's per-machine calibration.
const SCRYPT_LOG_N: u8 = 16;
/// The largest work factor accepted when opening a key file (a hostile file cannot make
/// us spend more).
const SCRYPT_MAX_LOG_N: u8 = 20;

const PRIVATE_TYPE: &str = "medsbom-private-key";
const PUBLIC_TYPE: &str = "medsbom-public-key";

/// The key id of an Ed25519 public key: hex SHA-256 of its 32 raw bytes, first 16 bytes.
#[must_use]
pub fn key_id(ed25519: &VerifyingKey) -> String {
    let digest = Sha256::digest(ed25519.as_bytes());
    hex::encode(&digest[..16])
}

/// A private key: Ed25519 for signing, X25519 (age) for receiving bundles.
pub struct KeyPair {
    name: String,
    signing: SigningKey,
    x25519: age::x25519::Identity,
}

/// The public half of a [`KeyPair`], as shared with others and kept in trusted-key lists.
#[derive(Clone)]
pub struct PublicKey {
    /// The key's name (who it belongs to, what it is for).
    pub name: String,
    /// Ed25519 verifying key.
    pub ed25519: VerifyingKey,
    /// X25519 recipient for bundles, when known (a key registered from a signature alone has
    /// none).
    pub x25519: Option<age::x25519::Recipient>,
}

#[derive(Serialize, Deserialize)]
struct PublicFile {
    #[serde(rename = "type")]
    kind: String,
    version: u32,
    name: String,
    key_id: String,
    ed25519: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x25519: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct PrivateFile {
    #[serde(rename = "type")]
    kind: String,
    version: u32,
    name: String,
    key_id: String,
    public: PublicFile,
    encrypted: String,
}

#[derive(Serialize, Deserialize)]
struct Secrets {
    ed25519_seed: String,
    x25519: String,
}

impl KeyPair {
    /// A new random key pair named `name`.
    pub fn generate(name: &str) -> Result<KeyPair, SignError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|err| SignError::Random(err.to_string()))?;
        Ok(KeyPair {
            name: name.to_owned(),
            signing: SigningKey::from_bytes(&seed),
            x25519: age::x25519::Identity::generate(),
        })
    }

    /// The key's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key id (see [`key_id`]).
    #[must_use]
    pub fn key_id(&self) -> String {
        key_id(&self.signing.verifying_key())
    }

    /// The Ed25519 signing key.
    #[must_use]
    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    /// The X25519 identity that opens bundles sent to this key.
    #[must_use]
    pub fn x25519(&self) -> &age::x25519::Identity {
        &self.x25519
    }

    /// The public half.
    #[must_use]
    pub fn public(&self) -> PublicKey {
        PublicKey {
            name: self.name.clone(),
            ed25519: self.signing.verifying_key(),
            x25519: Some(self.x25519.to_public()),
        }
    }

    /// The private key file, encrypted with `passphrase`.
    pub fn to_private_file(&self, passphrase: &str) -> Result<Vec<u8>, SignError> {
        let secrets = Secrets {
            ed25519_seed: BASE64.encode(self.signing.to_bytes()),
            x25519: self.x25519.to_string().expose_secret().to_owned(),
        };
        let plaintext = serde_json::to_vec(&secrets).map_err(|source| SignError::Json {
            what: "private key",
            source,
        })?;
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
        recipient.set_work_factor(SCRYPT_LOG_N);
        let ciphertext =
            age::encrypt(&recipient, &plaintext).map_err(|err| SignError::Encrypt {
                what: "the private key",
                reason: err.to_string(),
            })?;
        let file = PrivateFile {
            kind: PRIVATE_TYPE.to_owned(),
            version: 1,
            name: self.name.clone(),
            key_id: self.key_id(),
            public: self.public().file(),
            encrypted: BASE64.encode(ciphertext),
        };
        to_pretty(&file, "private key file")
    }

    /// Opens a private key file with `passphrase`.
    pub fn from_private_file(bytes: &[u8], passphrase: &str) -> Result<KeyPair, SignError> {
        let what = "private key file";
        let file: PrivateFile =
            serde_json::from_slice(bytes).map_err(|source| SignError::Json { what, source })?;
        if file.kind != PRIVATE_TYPE {
            return Err(malformed(
                what,
                format!("type is {:?}, expected {PRIVATE_TYPE:?}", file.kind),
            ));
        }
        let ciphertext = BASE64
            .decode(file.encrypted.as_bytes())
            .map_err(|err| malformed(what, format!("encrypted: {err}")))?;
        let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
        identity.set_max_work_factor(SCRYPT_MAX_LOG_N);
        let plaintext =
            age::decrypt(&identity, &ciphertext).map_err(|_| SignError::Passphrase {
                name: file.name.clone(),
            })?;
        let secrets: Secrets = serde_json::from_slice(&plaintext)
            .map_err(|source| SignError::Json { what, source })?;
        let seed: [u8; 32] = BASE64
            .decode(secrets.ed25519_seed.as_bytes())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| malformed(what, "ed25519_seed is not 32 base64 bytes".to_owned()))?;
        let x25519 = age::x25519::Identity::from_str(&secrets.x25519)
            .map_err(|err| malformed(what, format!("x25519: {err}")))?;
        let res = KeyPair {
            name: file.name,
            signing: SigningKey::from_bytes(&seed),
            x25519,
        };
        if res.key_id() != file.key_id {
            return Err(malformed(
                what,
                format!(
                    "key_id {} does not match the key ({})",
                    file.key_id,
                    res.key_id()
                ),
            ));
        }
        Ok(res)
    }
}

impl PublicKey {
    /// The key id (see [`key_id`]).
    #[must_use]
    pub fn key_id(&self) -> String {
        key_id(&self.ed25519)
    }

    /// The Ed25519 key as base64 of its 32 raw bytes (as stored in trusted-key lists).
    #[must_use]
    pub fn ed25519_base64(&self) -> String {
        BASE64.encode(self.ed25519.as_bytes())
    }

    /// A public key from the base64 Ed25519 key of a trusted-key list.
    pub fn from_ed25519_base64(name: &str, text: &str) -> Result<PublicKey, SignError> {
        Ok(PublicKey {
            name: name.to_owned(),
            ed25519: ed25519_from_base64("public key", text)?,
            x25519: None,
        })
    }

    fn file(&self) -> PublicFile {
        PublicFile {
            kind: PUBLIC_TYPE.to_owned(),
            version: 1,
            name: self.name.clone(),
            key_id: self.key_id(),
            ed25519: self.ed25519_base64(),
            x25519: self.x25519.as_ref().map(ToString::to_string),
        }
    }

    /// The public key file.
    pub fn to_file(&self) -> Result<Vec<u8>, SignError> {
        to_pretty(&self.file(), "public key file")
    }

    /// Reads a public key file; the public part of a private key file is accepted too.
    pub fn from_file(bytes: &[u8]) -> Result<PublicKey, SignError> {
        let what = "public key file";
        let value: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|source| SignError::Json { what, source })?;
        let value = match value.get("type").and_then(serde_json::Value::as_str) {
            Some(PUBLIC_TYPE) => value,
            Some(PRIVATE_TYPE) => value.get("public").cloned().ok_or_else(|| {
                malformed(what, "the private key file has no public part".to_owned())
            })?,
            other => {
                return Err(malformed(
                    what,
                    format!("type is {other:?}, expected {PUBLIC_TYPE:?}"),
                ));
            }
        };
        let file: PublicFile =
            serde_json::from_value(value).map_err(|source| SignError::Json { what, source })?;
        let ed25519 = ed25519_from_base64(what, &file.ed25519)?;
        if key_id(&ed25519) != file.key_id {
            return Err(malformed(
                what,
                format!(
                    "key_id {} does not match the key ({})",
                    file.key_id,
                    key_id(&ed25519)
                ),
            ));
        }
        let x25519 = match &file.x25519 {
            Some(text) => Some(
                age::x25519::Recipient::from_str(text)
                    .map_err(|err| malformed(what, format!("x25519: {err}")))?,
            ),
            None => None,
        };
        Ok(PublicKey {
            name: file.name,
            ed25519,
            x25519,
        })
    }
}

fn ed25519_from_base64(what: &'static str, text: &str) -> Result<VerifyingKey, SignError> {
    let bytes: [u8; 32] = BASE64
        .decode(text.trim().as_bytes())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| malformed(what, "ed25519 is not 32 base64 bytes".to_owned()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|err| malformed(what, format!("ed25519: not a valid key: {err}")))
}

pub(crate) fn malformed(what: &'static str, reason: String) -> SignError {
    SignError::Malformed { what, reason }
}

pub(crate) fn to_pretty<T: Serialize>(value: &T, what: &'static str) -> Result<Vec<u8>, SignError> {
    let mut res =
        serde_json::to_vec_pretty(value).map_err(|source| SignError::Json { what, source })?;
    res.push(b'\n');
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_file_round_trips_only_with_the_passphrase() {
        let key = KeyPair::generate("acme").unwrap();
        let file = key.to_private_file("correct horse").unwrap();
        let text = String::from_utf8(file.clone()).unwrap();
        assert!(!text.contains(&BASE64.encode(key.signing_key().to_bytes())));
        let opened = KeyPair::from_private_file(&file, "correct horse").unwrap();
        assert_eq!(opened.key_id(), key.key_id());
        assert_eq!(
            opened.x25519().to_public().to_string(),
            key.x25519().to_public().to_string()
        );
        assert!(matches!(
            KeyPair::from_private_file(&file, "wrong"),
            Err(SignError::Passphrase { .. })
        ));
        let public = PublicKey::from_file(&file).unwrap();
        assert_eq!(public.key_id(), key.key_id());
    }

    #[test]
    fn public_key_file_checks_its_key_id() {
        let key = KeyPair::generate("acme").unwrap();
        let file = key.public().to_file().unwrap();
        let public = PublicKey::from_file(&file).unwrap();
        assert_eq!(public.key_id(), key.key_id());
        assert_eq!(public.name, "acme");
        let other = KeyPair::generate("other").unwrap();
        let forged = String::from_utf8(file).unwrap().replace(
            &key.public().ed25519_base64(),
            &other.public().ed25519_base64(),
        );
        assert!(PublicKey::from_file(forged.as_bytes()).is_err());
        assert!(PublicKey::from_file(b"{").is_err());
        assert!(PublicKey::from_file(b"[]").is_err());
    }
}
