//! Confidential share bundles: the files a manufacturer sends one hospital (SBOM, VEX,
//! lifecycle notice), signed by the manufacturer and encrypted to the hospital.
//!
//! Layers, outside in: an age file (binary, X25519 recipient) whose plaintext is a DSSE
//! envelope (payload type [`BUNDLE_PAYLOAD_TYPE`]) whose payload is the manifest:
//! `{"type": "medsbom-share-bundle", "version": 1, "manufacturer", "product",
//! "product_version", "created", "files": [{"role", "name", "media_type", "sha256",
//! "content": <base64>}]}`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::keys::malformed;
use crate::signature::{envelope, pae, parse_envelope};
use crate::{KeyPair, PublicKey, SignError};

/// The DSSE payload type of a share-bundle manifest.
const BUNDLE_PAYLOAD_TYPE: &str = "application/vnd.medsbom.share-bundle+json";
const BUNDLE_TYPE: &str = "medsbom-share-bundle";

/// One file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    /// `sbom`, `vex` or `notice`.
    pub role: String,
    /// A file name for it.
    pub name: String,
    /// Its media type (`application/vnd.cyclonedx+json`, …).
    pub media_type: String,
    /// The exact bytes.
    pub bytes: Vec<u8>,
}

/// What a bundle holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareBundle {
    /// The manufacturer sending it.
    pub manufacturer: String,
    /// The product.
    pub product: String,
    /// The product version.
    pub product_version: String,
    /// When it was made (ISO 8601).
    pub created: String,
    /// The files, SBOM first.
    pub files: Vec<BundleFile>,
}

impl ShareBundle {
    /// The first file with this role.
    #[must_use]
    pub fn file(&self, role: &str) -> Option<&BundleFile> {
        self.files.iter().find(|f| f.role == role)
    }
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    #[serde(rename = "type")]
    kind: String,
    version: u32,
    manufacturer: String,
    product: String,
    product_version: String,
    created: String,
    files: Vec<ManifestFile>,
}

#[derive(Serialize, Deserialize)]
struct ManifestFile {
    role: String,
    name: String,
    media_type: String,
    sha256: String,
    content: String,
}

/// Signs `bundle` with `signer` and encrypts it to `recipient` (which must carry an X25519
/// key, i.e. come from a public key file).
pub fn seal_bundle(
    bundle: &ShareBundle,
    signer: &KeyPair,
    recipient: &PublicKey,
) -> Result<Vec<u8>, SignError> {
    let Some(x25519) = &recipient.x25519 else {
        return Err(malformed(
            "recipient key",
            format!(
                "{} has no X25519 encryption key; use the recipient's public key file",
                recipient.key_id()
            ),
        ));
    };
    let manifest = Manifest {
        kind: BUNDLE_TYPE.to_owned(),
        version: 1,
        manufacturer: bundle.manufacturer.clone(),
        product: bundle.product.clone(),
        product_version: bundle.product_version.clone(),
        created: bundle.created.clone(),
        files: bundle
            .files
            .iter()
            .map(|f| ManifestFile {
                role: f.role.clone(),
                name: f.name.clone(),
                media_type: f.media_type.clone(),
                sha256: hex::encode(Sha256::digest(&f.bytes)),
                content: BASE64.encode(&f.bytes),
            })
            .collect(),
    };
    let payload = serde_json::to_vec(&manifest).map_err(|source| SignError::Json {
        what: "bundle manifest",
        source,
    })?;
    let signed = envelope(signer, BUNDLE_PAYLOAD_TYPE, &payload)?;
    age::encrypt(x25519, &signed).map_err(|err| SignError::Encrypt {
        what: "the bundle",
        reason: err.to_string(),
    })
}

/// A decrypted bundle whose signature is not checked yet.
#[derive(Debug)]
pub struct SealedBundle {
    key_id: String,
    payload_type: String,
    payload: Vec<u8>,
    signature: ed25519_dalek::Signature,
}

/// Decrypts a bundle with the recipient's key. Fails when the bundle was encrypted to
/// another key or any byte was changed.
pub fn open_bundle(bytes: &[u8], recipient: &KeyPair) -> Result<SealedBundle, SignError> {
    let plaintext = age::decrypt(recipient.x25519(), bytes).map_err(|err| SignError::Decrypt {
        key_id: recipient.key_id(),
        reason: err.to_string(),
    })?;
    let value: serde_json::Value =
        serde_json::from_slice(&plaintext).map_err(|source| SignError::Json {
            what: "bundle envelope",
            source,
        })?;
    let (payload_type, payload, key_id, signature) = parse_envelope(value)?;
    Ok(SealedBundle {
        key_id,
        payload_type,
        payload,
        signature,
    })
}

impl SealedBundle {
    /// The id of the key that signed it (look it up among the trusted keys).
    #[must_use]
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Checks the signature with the sender's key and returns the contents.
    pub fn verify(self, sender: &PublicKey) -> Result<ShareBundle, SignError> {
        let what = "bundle manifest";
        let given = sender.key_id();
        if given != self.key_id {
            return Err(SignError::WrongKey {
                signed_by: self.key_id,
                given,
            });
        }
        sender
            .ed25519
            .verify_strict(&pae(&self.payload_type, &self.payload), &self.signature)
            .map_err(|_| SignError::BadSignature {
                key_id: given.clone(),
            })?;
        if self.payload_type != BUNDLE_PAYLOAD_TYPE {
            return Err(malformed(
                what,
                format!("payload type {:?} is not a share bundle", self.payload_type),
            ));
        }
        let manifest: Manifest = serde_json::from_slice(&self.payload)
            .map_err(|source| SignError::Json { what, source })?;
        if manifest.kind != BUNDLE_TYPE {
            return Err(malformed(
                what,
                format!("type is {:?}, expected {BUNDLE_TYPE:?}", manifest.kind),
            ));
        }
        let mut files = Vec::with_capacity(manifest.files.len());
        for file in manifest.files {
            let bytes = BASE64
                .decode(file.content.as_bytes())
                .map_err(|err| malformed(what, format!("{}: content: {err}", file.name)))?;
            let actual = hex::encode(Sha256::digest(&bytes));
            if !actual.eq_ignore_ascii_case(&file.sha256) {
                return Err(SignError::DigestMismatch {
                    signed: file.sha256,
                    actual,
                });
            }
            files.push(BundleFile {
                role: file.role,
                name: file.name,
                media_type: file.media_type,
                bytes,
            });
        }
        Ok(ShareBundle {
            manufacturer: manifest.manufacturer,
            product: manifest.product,
            product_version: manifest.product_version,
            created: manifest.created,
            files,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> ShareBundle {
        ShareBundle {
            manufacturer: "Acme Medical".to_owned(),
            product: "Infusion Pump".to_owned(),
            product_version: "2.1".to_owned(),
            created: "2026-11-23T10:00:00Z".to_owned(),
            files: vec![
                BundleFile {
                    role: "sbom".to_owned(),
                    name: "sbom.cdx.json".to_owned(),
                    media_type: "application/vnd.cyclonedx+json".to_owned(),
                    bytes: br#"{"bomFormat":"CycloneDX"}"#.to_vec(),
                },
                BundleFile {
                    role: "notice".to_owned(),
                    name: "notice.json".to_owned(),
                    media_type: "application/json".to_owned(),
                    bytes: b"{}".to_vec(),
                },
            ],
        }
    }

    #[test]
    fn sealed_bundle_opens_for_the_recipient_only_and_detects_tampering() {
        let manufacturer = KeyPair::generate("acme").unwrap();
        let hospital = KeyPair::generate("st-mary").unwrap();
        let stranger = KeyPair::generate("stranger").unwrap();
        let sealed = seal_bundle(&bundle(), &manufacturer, &hospital.public()).unwrap();

        let opened = open_bundle(&sealed, &hospital).unwrap();
        assert_eq!(opened.key_id(), manufacturer.key_id());
        assert_eq!(opened.verify(&manufacturer.public()).unwrap(), bundle());

        assert!(matches!(
            open_bundle(&sealed, &stranger),
            Err(SignError::Decrypt { .. })
        ));
        // A bundle signed by someone else fails the sender check.
        let opened = open_bundle(&sealed, &hospital).unwrap();
        assert!(opened.verify(&stranger.public()).is_err());

        // Every sampled byte position, header and body, is protected.
        let step = (sealed.len() / 40).max(1);
        for idx in (0..sealed.len()).step_by(step) {
            let mut tampered = sealed.clone();
            tampered[idx] ^= 0x20;
            let res = open_bundle(&tampered, &hospital)
                .and_then(|opened| opened.verify(&manufacturer.public()));
            assert!(res.is_err(), "tampered byte {idx} went unnoticed");
        }
    }

    #[test]
    fn recipient_without_encryption_key_is_refused() {
        let manufacturer = KeyPair::generate("acme").unwrap();
        let hospital = KeyPair::generate("st-mary").unwrap();
        let mut public = hospital.public();
        public.x25519 = None;
        assert!(seal_bundle(&bundle(), &manufacturer, &public).is_err());
    }
}
