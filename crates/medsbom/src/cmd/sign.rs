//! `medsbom sign FILE --key KEY -o SIG` and `medsbom verify FILE --sig SIG --key PUB`:
//! detached Ed25519 signatures over the exact bytes of a file, or DSSE envelopes holding an
//! in-toto statement (`--dsse`). Also the signature check of `medsbom ingest --sig`.
//!
//! `verify` exits 0 when the signature is valid and 1 when it is not.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use medsbom_registry::trust::{SignatureRecord, SignatureStatus};
use medsbom_sign::Signature;
use serde_json::json;

use crate::cmd::db::DbArgs;
use crate::cmd::keys::{KeyDirArgs, PassphraseArgs, load_private, load_public};
use crate::output::{self, Status};

/// Arguments of `medsbom sign`.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  medsbom sign pump-2.1.cdx.json --key acme-release -o pump-2.1.cdx.json.sig"
)]
pub struct SignArgs {
    /// The file to sign (its exact bytes).
    pub file: PathBuf,
    /// The private key: a key file or a name in the key directory.
    #[arg(long)]
    pub key: String,
    /// Where to write the signature.
    #[arg(short, long, value_name = "SIG")]
    pub output: PathBuf,
    /// Write a DSSE envelope with an in-toto statement instead of a detached signature.
    #[arg(long)]
    pub dsse: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub keys: KeyDirArgs,
}

/// Arguments of `medsbom verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The signed file.
    pub file: PathBuf,
    /// The signature (detached or DSSE envelope).
    #[arg(long, value_name = "SIG")]
    pub sig: PathBuf,
    /// The signer's public key: a file or a name in the key directory.
    #[arg(long, value_name = "PUB")]
    pub key: String,
    #[command(flatten)]
    pub keys: KeyDirArgs,
}

/// The in-toto predicate type and predicate for a file: the SBOM itself when it is JSON.
fn predicate(bytes: &[u8]) -> (String, serde_json::Value) {
    let format = medsbom_formats::sniff(bytes).map(|d| d.format).ok();
    let predicate_type = match format {
        Some(f) if f.sbom_format() == medsbom_model::SbomFormat::CycloneDx => {
            "https://cyclonedx.org/bom"
        }
        Some(f) if f.sbom_format() == medsbom_model::SbomFormat::Spdx => {
            "https://spdx.dev/Document"
        }
        _ => "https://medsbom.invalid/attestation/file/v1",
    };
    let value = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .filter(serde_json::Value::is_object)
        .unwrap_or_else(|| json!({}));
    (predicate_type.to_owned(), value)
}

/// Signs a file.
pub fn run_sign(args: &SignArgs) -> anyhow::Result<Status> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let key = load_private(&args.key, &args.keys, &args.passphrase)?;
    let signature = if args.dsse {
        let (predicate_type, predicate) = predicate(&bytes);
        let name = args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        medsbom_sign::sign_dsse(&key, &name, &bytes, &predicate_type, predicate)?
    } else {
        medsbom_sign::sign_detached(&key, &bytes)
    };
    std::fs::write(&args.output, &signature)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    output::note(&format!(
        "signed {} with {} ({}) -> {}",
        args.file.display(),
        key.name(),
        key.key_id(),
        args.output.display()
    ));
    Ok(Status::Success)
}

/// Verifies a signature: exit 0 valid, 1 invalid.
pub fn run_verify(args: &VerifyArgs) -> anyhow::Result<Status> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let sig_bytes =
        std::fs::read(&args.sig).with_context(|| format!("cannot read {}", args.sig.display()))?;
    let public = load_public(&args.key, &args.keys)?;
    let verdict = Signature::parse(&sig_bytes).and_then(|sig| {
        sig.verify(&bytes, &public)?;
        Ok(sig)
    });
    match verdict {
        Ok(sig) => {
            output::print_json(&json!({
                "file": args.file.display().to_string(),
                "valid": true,
                "kind": sig.kind().as_str(),
                "key_id": sig.key_id(),
                "signer": public.name,
            }))?;
            Ok(Status::Success)
        }
        Err(err) => {
            output::print_json(&json!({
                "file": args.file.display().to_string(),
                "valid": false,
                "error": err.to_string(),
            }))?;
            output::note(&format!("error: {}: {err}", args.file.display()));
            Ok(Status::Finding)
        }
    }
}

/// The outcome of checking the signature of a file to ingest.
pub struct IngestSignature {
    /// The manufacturer the signing key is trusted for (the SBOM is filed under it).
    pub manufacturer: Option<String>,
    key_id: String,
    kind: &'static str,
    status: SignatureStatus,
    detail: String,
    signature: Vec<u8>,
}

/// Checks the signature `sig` of the exact bytes `raw` of a file to ingest against the
/// trusted keys: valid and trusted for the manufacturer (when given) → filed under the key's
/// manufacturer; otherwise an error, unless `allow_untrusted` (then stored as untrusted or
/// invalid).
pub async fn check_ingest_signature(
    db: &DbArgs,
    sig: &Path,
    raw: &[u8],
    manufacturer: Option<&str>,
    allow_untrusted: bool,
) -> anyhow::Result<IngestSignature> {
    let signature = std::fs::read(sig).with_context(|| format!("cannot read {}", sig.display()))?;
    let parsed = Signature::parse(&signature).with_context(|| format!("{}", sig.display()))?;
    let registry = medsbom_registry::RegistryDb::open(&db.location()).await?;
    let trusted = medsbom_registry::trust::trusted_by_key_id(&registry, parsed.key_id()).await;
    registry.close().await;
    let trusted: Vec<_> = trusted?
        .into_iter()
        .filter(|k| manufacturer.is_none_or(|m| m == k.manufacturer))
        .collect();
    let mut res = IngestSignature {
        manufacturer: manufacturer.map(str::to_owned),
        key_id: parsed.key_id().to_owned(),
        kind: parsed.kind().as_str(),
        status: SignatureStatus::Untrusted,
        detail: String::new(),
        signature,
    };
    match trusted.as_slice() {
        [] => {
            res.detail = match manufacturer {
                Some(m) => format!("key {} is not a trusted key of {m}", parsed.key_id()),
                None => format!(
                    "key {} is not a trusted key of any manufacturer",
                    parsed.key_id()
                ),
            };
        }
        [key, ..] => {
            let public = medsbom_sign::PublicKey::from_ed25519_base64(&key.name, &key.public_key)?;
            match parsed.verify(raw, &public) {
                Ok(()) if trusted.len() == 1 || manufacturer.is_some() => {
                    res.status = SignatureStatus::Verified;
                    res.manufacturer = Some(key.manufacturer.clone());
                    res.detail = format!(
                        "valid signature by {} ({}), trusted for {}",
                        key.name, key.key_id, key.manufacturer
                    );
                }
                Ok(()) => {
                    res.detail = format!(
                        "key {} is trusted by several manufacturers; choose one with --manufacturer",
                        key.key_id
                    );
                }
                Err(err) => {
                    res.status = SignatureStatus::Invalid;
                    res.detail = err.to_string();
                }
            }
        }
    }
    if res.status != SignatureStatus::Verified && !allow_untrusted {
        anyhow::bail!(
            "signature {} rejected: {} (use --allow-untrusted to store it marked {})",
            sig.display(),
            res.detail,
            res.status.as_str()
        );
    }
    if res.status != SignatureStatus::Verified {
        output::note(&format!(
            "warning: storing with an {} signature: {}",
            res.status.as_str(),
            res.detail
        ));
    }
    Ok(res)
}

/// Stores the signature verdict with the ingested SBOM.
pub async fn record_ingest_signature(
    db: &DbArgs,
    signature: &IngestSignature,
    sbom_id: i64,
    verified_by: &str,
) -> anyhow::Result<()> {
    let registry = medsbom_registry::RegistryDb::open(&db.location()).await?;
    let record = SignatureRecord {
        sbom_id,
        key_id: &signature.key_id,
        kind: signature.kind,
        status: signature.status,
        detail: &signature.detail,
        signature: &signature.signature,
        verified_by,
    };
    let res = medsbom_registry::trust::record_signature(&registry, &record).await;
    registry.close().await;
    Ok(res?)
}
