//! The trusted-keys list per manufacturer, and the signature verification results stored
//! with ingested SBOMs and received share bundles (tables of `0006_registry.sql`).
//!
//! The cryptography lives in `medsbom-sign`; this module stores key ids, public keys (base64
//! Ed25519) and verdicts.

use crate::db::{Param, Row};
use crate::{RegistryDb, RegistryError};

/// A trusted public key of a manufacturer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// Manufacturer name.
    pub manufacturer: String,
    /// Key id (hex SHA-256 of the raw key, 16 bytes).
    pub key_id: String,
    /// The key's name.
    pub name: String,
    /// The Ed25519 public key, base64 of the raw 32 bytes.
    pub public_key: String,
    /// When it was added.
    pub added_at: String,
    /// Who added it.
    pub added_by: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// Verification status stored with a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStatus {
    /// Valid and by a trusted key of the document's manufacturer.
    Verified,
    /// Valid, but the key is not trusted for the manufacturer.
    Untrusted,
    /// The signature does not match the document.
    Invalid,
}

impl SignatureStatus {
    /// `verified`, `untrusted` or `invalid`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureStatus::Verified => "verified",
            SignatureStatus::Untrusted => "untrusted",
            SignatureStatus::Invalid => "invalid",
        }
    }
}

/// A signature verification to store with an SBOM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureRecord<'a> {
    /// The stored SBOM.
    pub sbom_id: i64,
    /// The key the signature names.
    pub key_id: &'a str,
    /// `detached` or `dsse`.
    pub kind: &'a str,
    /// The verdict.
    pub status: SignatureStatus,
    /// Why (which key, which manufacturer, what failed).
    pub detail: &'a str,
    /// The signature file's exact bytes.
    pub signature: &'a [u8],
    /// Who verified (user name).
    pub verified_by: &'a str,
}

/// A stored signature verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSignature {
    /// The SBOM.
    pub sbom_id: i64,
    /// Key id.
    pub key_id: String,
    /// `detached` or `dsse`.
    pub kind: String,
    /// `verified`, `untrusted` or `invalid`.
    pub status: String,
    /// Why.
    pub detail: String,
    /// When.
    pub verified_at: String,
}

/// A received share bundle to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceivedBundle<'a> {
    /// The SBOM it brought, as stored.
    pub sbom_id: i64,
    /// SHA-256 of the bundle file.
    pub bundle_sha256: &'a str,
    /// The signer's key id.
    pub key_id: &'a str,
    /// `Verified` or `Untrusted`.
    pub status: SignatureStatus,
    /// When the sender made it.
    pub created: &'a str,
    /// The VEX document, when the bundle had one.
    pub vex: Option<&'a [u8]>,
    /// The lifecycle notice, when the bundle had one.
    pub notice: Option<&'a [u8]>,
    /// Who received it.
    pub received_by: &'a str,
}

fn trusted_key(row: &Row) -> Result<TrustedKey, RegistryError> {
    Ok(TrustedKey {
        manufacturer: row.text(0)?,
        key_id: row.text(1)?,
        name: row.text(2)?,
        public_key: row.text(3)?,
        added_at: row.text(4)?,
        added_by: row.text(5)?,
        revoked_at: row.opt_text(6)?,
    })
}

const KEY_COLUMNS: &str = "o.name, k.key_id, k.name, k.public_key, k.added_at, k.added_by, \
    k.revoked_at FROM trusted_keys k JOIN organizations o ON o.id = k.organization_id";

/// Adds a public key to a manufacturer's trusted keys (creating the manufacturer when
/// new). Trusting a revoked key again reinstates it.
pub async fn trust_key(
    db: &RegistryDb,
    manufacturer: &str,
    key_id: &str,
    name: &str,
    public_key: &str,
    added_by: &str,
) -> Result<TrustedKey, RegistryError> {
    let context = "trusting a key";
    let manufacturer = manufacturer.trim();
    if manufacturer.is_empty() {
        return Err(RegistryError::Invalid {
            what: "manufacturer",
            value: manufacturer.to_owned(),
            reason: "it is empty".to_owned(),
        });
    }
    let mut tx = db.db.begin(context).await?;
    tx.execute(
        context,
        "INSERT INTO organizations (kind, name) VALUES ('manufacturer', $1) \
         ON CONFLICT (kind, name, namespace) DO NOTHING",
        &[Param::text(manufacturer)],
    )
    .await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT id FROM organizations WHERE kind = 'manufacturer' AND name = $1 \
             AND namespace = 0",
            &[Param::text(manufacturer)],
        )
        .await?;
    let organization_id = rows
        .first()
        .ok_or_else(|| RegistryError::Shape("the manufacturer just written is missing".to_owned()))?
        .int(0)?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT public_key FROM trusted_keys WHERE organization_id = $1 AND key_id = $2",
            &[Param::int(organization_id), Param::text(key_id)],
        )
        .await?;
    match rows.first() {
        Some(row) => {
            if row.text(0)? != public_key {
                return Err(RegistryError::Exists(format!(
                    "{manufacturer} already trusts another key with id {key_id}"
                )));
            }
            tx.execute(
                context,
                "UPDATE trusted_keys SET revoked_at = NULL WHERE organization_id = $1 AND key_id = $2",
                &[Param::int(organization_id), Param::text(key_id)],
            )
            .await?;
        }
        None => {
            tx.execute(
                context,
                "INSERT INTO trusted_keys (organization_id, key_id, name, public_key, added_by) \
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    Param::int(organization_id),
                    Param::text(key_id),
                    Param::text(name),
                    Param::text(public_key),
                    Param::text(added_by),
                ],
            )
            .await?;
        }
    }
    let sql = format!("SELECT {KEY_COLUMNS} WHERE k.organization_id = $1 AND k.key_id = $2");
    let rows = tx
        .fetch_all(
            context,
            &sql,
            &[Param::int(organization_id), Param::text(key_id)],
        )
        .await?;
    let res = trusted_key(
        rows.first()
            .ok_or_else(|| RegistryError::Shape("the key just written is missing".to_owned()))?,
    )?;
    tx.commit(context).await?;
    Ok(res)
}

/// Revokes a trusted key of a manufacturer; false when it was not trusted.
pub async fn revoke_key(
    db: &RegistryDb,
    manufacturer: &str,
    key_id: &str,
    revoked_at: &str,
) -> Result<bool, RegistryError> {
    let context = "revoking a key";
    let mut tx = db.db.begin(context).await?;
    let n = tx
        .execute(
            context,
            "UPDATE trusted_keys SET revoked_at = $3 WHERE key_id = $2 AND revoked_at IS NULL \
             AND organization_id IN (SELECT id FROM organizations \
             WHERE kind = 'manufacturer' AND name = $1 AND namespace = 0)",
            &[
                Param::text(manufacturer),
                Param::text(key_id),
                Param::text(revoked_at),
            ],
        )
        .await?;
    tx.commit(context).await?;
    Ok(n > 0)
}

/// The trusted keys (of one manufacturer when given), revoked ones included.
pub async fn list_trusted(
    db: &RegistryDb,
    manufacturer: Option<&str>,
) -> Result<Vec<TrustedKey>, RegistryError> {
    let context = "listing trusted keys";
    let mut tx = db.db.begin_read(context).await?;
    let sql =
        format!("SELECT {KEY_COLUMNS} WHERE ($1 IS NULL OR o.name = $1) ORDER BY o.name, k.id");
    let rows = tx
        .fetch_all(context, &sql, &[Param::Text(manufacturer)])
        .await?;
    tx.commit(context).await?;
    rows.iter().map(trusted_key).collect()
}

/// The manufacturers that trust `key_id` (revoked keys excluded).
pub async fn trusted_by_key_id(
    db: &RegistryDb,
    key_id: &str,
) -> Result<Vec<TrustedKey>, RegistryError> {
    let context = "looking up a trusted key";
    let mut tx = db.db.begin_read(context).await?;
    let sql = format!(
        "SELECT {KEY_COLUMNS} WHERE k.key_id = $1 AND k.revoked_at IS NULL ORDER BY o.name"
    );
    let rows = tx.fetch_all(context, &sql, &[Param::text(key_id)]).await?;
    tx.commit(context).await?;
    rows.iter().map(trusted_key).collect()
}

/// Stores a signature verification with an SBOM.
pub async fn record_signature(
    db: &RegistryDb,
    record: &SignatureRecord<'_>,
) -> Result<(), RegistryError> {
    let context = "recording a signature verification";
    let mut tx = db.db.begin(context).await?;
    tx.execute(
        context,
        "INSERT INTO sbom_signatures (sbom_id, organization_id, key_id, kind, status, detail, \
         signature, verified_by) \
         SELECT id, organization_id, $2, $3, $4, $5, $6, $7 FROM sboms WHERE id = $1",
        &[
            Param::int(record.sbom_id),
            Param::text(record.key_id),
            Param::text(record.kind),
            Param::text(record.status.as_str()),
            Param::text(record.detail),
            Param::Bytes(Some(record.signature)),
            Param::text(record.verified_by),
        ],
    )
    .await?;
    Ok(tx.commit(context).await?)
}

/// The signature verifications stored with an SBOM, oldest first.
pub async fn signatures_of(
    db: &RegistryDb,
    sbom_id: i64,
) -> Result<Vec<StoredSignature>, RegistryError> {
    let context = "listing signature verifications";
    let mut tx = db.db.begin_read(context).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT sbom_id, key_id, kind, status, detail, verified_at FROM sbom_signatures \
             WHERE sbom_id = $1 ORDER BY id",
            &[Param::int(sbom_id)],
        )
        .await?;
    tx.commit(context).await?;
    rows.iter()
        .map(|row| {
            Ok(StoredSignature {
                sbom_id: row.int(0)?,
                key_id: row.text(1)?,
                kind: row.text(2)?,
                status: row.text(3)?,
                detail: row.text(4)?,
                verified_at: row.text(5)?,
            })
        })
        .collect()
}

/// Records a received share bundle; returns its id.
pub async fn record_bundle(
    db: &RegistryDb,
    bundle: &ReceivedBundle<'_>,
) -> Result<i64, RegistryError> {
    let context = "recording a received bundle";
    let mut tx = db.db.begin(context).await?;
    tx.execute(
        context,
        "INSERT INTO received_bundles (sbom_id, organization_id, bundle_sha256, key_id, status, \
         created, vex, notice, received_by) \
         SELECT id, organization_id, $2, $3, $4, $5, $6, $7, $8 FROM sboms WHERE id = $1",
        &[
            Param::int(bundle.sbom_id),
            Param::text(bundle.bundle_sha256),
            Param::text(bundle.key_id),
            Param::text(bundle.status.as_str()),
            Param::text(bundle.created),
            Param::Bytes(bundle.vex),
            Param::Bytes(bundle.notice),
            Param::text(bundle.received_by),
        ],
    )
    .await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT max(id) FROM received_bundles WHERE sbom_id = $1",
            &[Param::int(bundle.sbom_id)],
        )
        .await?;
    let id = rows
        .first()
        .ok_or_else(|| RegistryError::Shape("the bundle just recorded is missing".to_owned()))?
        .opt_int(0)?
        .ok_or_else(|| RegistryError::NotFound(format!("SBOM #{} not found", bundle.sbom_id)))?;
    tx.commit(context).await?;
    Ok(id)
}
