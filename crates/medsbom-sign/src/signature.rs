//! Detached signatures and DSSE/in-toto envelopes.
//!
//! Detached signature file (JSON): `{"type": "medsbom-signature", "version": 1, "algorithm":
//! "Ed25519", "key_id", "signer", "sha256", "size", "signature": <base64>}`; the signature is
//! over the exact bytes of the file.
//!
//! DSSE envelope (<https://github.com/secure-systems-lab/dsse>): `{"payloadType":
//! "application/vnd.in-toto+json", "payload": <base64 in-toto Statement v1>, "signatures":
//! [{"keyid", "sig"}]}`, the signature over the DSSE pre-authentication encoding ([`pae`]).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::Signer as _;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::keys::{malformed, to_pretty};
use crate::{KeyPair, PublicKey, SignError};

/// The DSSE payload type of an in-toto statement.
pub const DSSE_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto Statement v1 type.
pub const IN_TOTO_STATEMENT: &str = "https://in-toto.io/Statement/v1";

const DETACHED_TYPE: &str = "medsbom-signature";

/// The DSSE v1 pre-authentication encoding: `DSSEv1 <len> <type> <len> <payload>`.
#[must_use]
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut res = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    res.extend_from_slice(payload);
    res
}

#[derive(Serialize, Deserialize)]
struct DetachedFile {
    #[serde(rename = "type")]
    kind: String,
    version: u32,
    algorithm: String,
    key_id: String,
    signer: String,
    sha256: String,
    size: u64,
    signature: String,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Envelope {
    #[serde(rename = "payloadType")]
    pub(crate) payload_type: String,
    pub(crate) payload: String,
    pub(crate) signatures: Vec<EnvelopeSignature>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct EnvelopeSignature {
    #[serde(default)]
    pub(crate) keyid: String,
    pub(crate) sig: String,
}

/// Signs the exact `bytes` and returns the detached signature file.
#[must_use]
pub fn sign_detached(key: &KeyPair, bytes: &[u8]) -> Vec<u8> {
    let signature = key.signing_key().sign(bytes);
    let file = DetachedFile {
        kind: DETACHED_TYPE.to_owned(),
        version: 1,
        algorithm: "Ed25519".to_owned(),
        key_id: key.key_id(),
        signer: key.name().to_owned(),
        sha256: hex::encode(Sha256::digest(bytes)),
        size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        signature: BASE64.encode(signature.to_bytes()),
    };
    // Serializing plain strings and numbers cannot fail.
    to_pretty(&file, "signature").unwrap_or_default()
}

/// A DSSE envelope over `payload` of `payload_type`, signed by `key`.
pub(crate) fn envelope(
    key: &KeyPair,
    payload_type: &str,
    payload: &[u8],
) -> Result<Vec<u8>, SignError> {
    let signature = key.signing_key().sign(&pae(payload_type, payload));
    let envelope = Envelope {
        payload_type: payload_type.to_owned(),
        payload: BASE64.encode(payload),
        signatures: vec![EnvelopeSignature {
            keyid: key.key_id(),
            sig: BASE64.encode(signature.to_bytes()),
        }],
    };
    to_pretty(&envelope, "DSSE envelope")
}

/// Signs `bytes` as the subject `subject_name` of an in-toto Statement v1 with the given
/// predicate, wrapped in a DSSE envelope.
pub fn sign_dsse(
    key: &KeyPair,
    subject_name: &str,
    bytes: &[u8],
    predicate_type: &str,
    predicate: Value,
) -> Result<Vec<u8>, SignError> {
    let statement = json!({
        "_type": IN_TOTO_STATEMENT,
        "subject": [{
            "name": subject_name,
            "digest": {"sha256": hex::encode(Sha256::digest(bytes))},
        }],
        "predicateType": predicate_type,
        "predicate": predicate,
    });
    let payload = serde_json::to_vec(&statement).map_err(|source| SignError::Json {
        what: "in-toto statement",
        source,
    })?;
    envelope(key, DSSE_PAYLOAD_TYPE, &payload)
}

/// Which kind of signature file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureKind {
    /// A detached signature over the exact bytes.
    Detached,
    /// A DSSE envelope with an in-toto statement.
    Dsse,
}

impl SignatureKind {
    /// `detached` or `dsse`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureKind::Detached => "detached",
            SignatureKind::Dsse => "dsse",
        }
    }
}

/// A parsed signature file (not yet verified).
#[derive(Debug, Clone)]
pub struct Signature {
    kind: SignatureKind,
    key_id: String,
    signature: ed25519_dalek::Signature,
    /// Detached: the signed file's SHA-256; DSSE: unused.
    sha256: String,
    /// DSSE: the payload type and payload.
    payload_type: String,
    payload: Vec<u8>,
}

impl Signature {
    /// Reads a detached signature file or a DSSE envelope.
    pub fn parse(bytes: &[u8]) -> Result<Signature, SignError> {
        let what = "signature file";
        let value: Value =
            serde_json::from_slice(bytes).map_err(|source| SignError::Json { what, source })?;
        if value.get("payloadType").is_some() {
            let (payload_type, payload, key_id, signature) = parse_envelope(value)?;
            return Ok(Signature {
                kind: SignatureKind::Dsse,
                key_id,
                signature,
                sha256: String::new(),
                payload_type,
                payload,
            });
        }
        let file: DetachedFile =
            serde_json::from_value(value).map_err(|source| SignError::Json { what, source })?;
        if file.kind != DETACHED_TYPE {
            return Err(malformed(
                what,
                format!("type is {:?}, expected {DETACHED_TYPE:?}", file.kind),
            ));
        }
        if file.algorithm != "Ed25519" {
            return Err(malformed(
                what,
                format!(
                    "algorithm {:?} is not supported (Ed25519 only)",
                    file.algorithm
                ),
            ));
        }
        Ok(Signature {
            kind: SignatureKind::Detached,
            key_id: file.key_id,
            signature: signature_from_base64(&file.signature)?,
            sha256: file.sha256,
            payload_type: String::new(),
            payload: Vec::new(),
        })
    }

    /// Detached or DSSE.
    #[must_use]
    pub fn kind(&self) -> SignatureKind {
        self.kind
    }

    /// The id of the key the signature names.
    #[must_use]
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Checks that the signature is by `key` and covers exactly `bytes`.
    pub fn verify(&self, bytes: &[u8], key: &PublicKey) -> Result<(), SignError> {
        let given = key.key_id();
        if given != self.key_id {
            return Err(SignError::WrongKey {
                signed_by: self.key_id.clone(),
                given,
            });
        }
        let actual = hex::encode(Sha256::digest(bytes));
        match self.kind {
            SignatureKind::Detached => {
                if !self.sha256.eq_ignore_ascii_case(&actual) {
                    return Err(SignError::DigestMismatch {
                        signed: self.sha256.clone(),
                        actual,
                    });
                }
                key.ed25519
                    .verify_strict(bytes, &self.signature)
                    .map_err(|_| SignError::BadSignature { key_id: given })
            }
            SignatureKind::Dsse => {
                key.ed25519
                    .verify_strict(&pae(&self.payload_type, &self.payload), &self.signature)
                    .map_err(|_| SignError::BadSignature {
                        key_id: given.clone(),
                    })?;
                if self.payload_type != DSSE_PAYLOAD_TYPE {
                    return Err(malformed(
                        "DSSE envelope",
                        format!(
                            "payload type {:?} is not an in-toto statement",
                            self.payload_type
                        ),
                    ));
                }
                let statement: Value =
                    serde_json::from_slice(&self.payload).map_err(|source| SignError::Json {
                        what: "in-toto statement",
                        source,
                    })?;
                let digests: Vec<&str> = statement
                    .get("subject")
                    .and_then(Value::as_array)
                    .map(|subjects| {
                        subjects
                            .iter()
                            .filter_map(|s| s.pointer("/digest/sha256").and_then(Value::as_str))
                            .collect()
                    })
                    .unwrap_or_default();
                if digests.iter().any(|d| d.eq_ignore_ascii_case(&actual)) {
                    Ok(())
                } else {
                    Err(SignError::DigestMismatch {
                        signed: digests.join(", "),
                        actual,
                    })
                }
            }
        }
    }
}

/// Reads a DSSE envelope with exactly one signature: (payload type, payload, key id,
/// signature).
pub(crate) fn parse_envelope(
    value: Value,
) -> Result<(String, Vec<u8>, String, ed25519_dalek::Signature), SignError> {
    let what = "DSSE envelope";
    let envelope: Envelope =
        serde_json::from_value(value).map_err(|source| SignError::Json { what, source })?;
    let payload = BASE64
        .decode(envelope.payload.as_bytes())
        .map_err(|err| malformed(what, format!("payload: {err}")))?;
    let [signature] = envelope.signatures.as_slice() else {
        return Err(malformed(
            what,
            format!(
                "{} signatures; expected exactly one",
                envelope.signatures.len()
            ),
        ));
    };
    Ok((
        envelope.payload_type,
        payload,
        signature.keyid.clone(),
        signature_from_base64(&signature.sig)?,
    ))
}

fn signature_from_base64(text: &str) -> Result<ed25519_dalek::Signature, SignError> {
    let bytes = BASE64
        .decode(text.trim().as_bytes())
        .map_err(|err| malformed("signature", format!("not base64: {err}")))?;
    ed25519_dalek::Signature::from_slice(&bytes)
        .map_err(|_| malformed("signature", format!("{} bytes, expected 64", bytes.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // From the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn detached_signature_detects_every_changed_byte_position_sampled() {
        let key = KeyPair::generate("acme").unwrap();
        let data = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}"#.to_vec();
        let sig = Signature::parse(&sign_detached(&key, &data)).unwrap();
        assert_eq!(sig.kind(), SignatureKind::Detached);
        sig.verify(&data, &key.public()).unwrap();
        for idx in [0, 7, data.len() - 1] {
            let mut tampered = data.clone();
            tampered[idx] ^= 0x01;
            assert!(sig.verify(&tampered, &key.public()).is_err(), "byte {idx}");
        }
        let other = KeyPair::generate("mallory").unwrap();
        assert!(matches!(
            sig.verify(&data, &other.public()),
            Err(SignError::WrongKey { .. })
        ));
    }

    #[test]
    fn forged_detached_signature_with_matching_digest_fails() {
        let key = KeyPair::generate("acme").unwrap();
        let data = b"original".to_vec();
        let forged = b"forged!!".to_vec();
        let text = String::from_utf8(sign_detached(&key, &data)).unwrap();
        let text = text.replace(
            &hex::encode(Sha256::digest(&data)),
            &hex::encode(Sha256::digest(&forged)),
        );
        let sig = Signature::parse(text.as_bytes()).unwrap();
        assert!(matches!(
            sig.verify(&forged, &key.public()),
            Err(SignError::BadSignature { .. })
        ));
    }

    #[test]
    fn dsse_statement_covers_the_file_digest() {
        let key = KeyPair::generate("acme").unwrap();
        let data = br#"{"bomFormat":"CycloneDX"}"#;
        let predicate: Value = serde_json::from_slice(data).unwrap();
        let envelope = sign_dsse(
            &key,
            "x.cdx.json",
            data,
            "https://cyclonedx.org/bom",
            predicate,
        )
        .unwrap();
        let sig = Signature::parse(&envelope).unwrap();
        assert_eq!(sig.kind(), SignatureKind::Dsse);
        sig.verify(data, &key.public()).unwrap();
        assert!(matches!(
            sig.verify(b"{}", &key.public()),
            Err(SignError::DigestMismatch { .. })
        ));
        // Changing the payload breaks the signature.
        let mut value: Value = serde_json::from_slice(&envelope).unwrap();
        let payload = BASE64.decode(value["payload"].as_str().unwrap()).unwrap();
        let changed = String::from_utf8(payload)
            .unwrap()
            .replace("x.cdx.json", "y.cdx.json");
        value["payload"] = Value::String(BASE64.encode(changed));
        let sig = Signature::parse(&serde_json::to_vec(&value).unwrap()).unwrap();
        assert!(matches!(
            sig.verify(data, &key.public()),
            Err(SignError::BadSignature { .. })
        ));
    }
}
