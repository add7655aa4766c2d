-- medsbom store, schema version 6 (SQLite): the manufacturer side, owned by the
-- medsbom-registry crate. The PostgreSQL schema in ../postgres/0006_registry.sql has the
-- same tables, columns and indexes.
--
-- Timestamps are ISO 8601 text in UTC as in 0001; dates are YYYY-MM-DD text.

-- The component registry of a product version (one row per product version that the
-- manufacturer maintains here). serial_number is the version's SBOM serial number
-- (urn:uuid:…); revision counts the changes to the version's components and is the BOM
-- version of a generated SBOM; revised_at is the time of the last change (the generated
-- SBOM's timestamp, so the same revision always gives the same bytes). based_on_id is the
-- product version this one was copied from. kind, supplier, support_* and eos_* describe the
-- device itself (the SBOM's root component).
CREATE TABLE registry_versions (
    product_version_id INTEGER PRIMARY KEY REFERENCES product_versions (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    serial_number TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 1,
    revised_at TEXT NOT NULL,
    based_on_id INTEGER REFERENCES product_versions (id),
    kind TEXT NOT NULL,
    supplier TEXT NOT NULL,
    author TEXT NOT NULL,
    description TEXT,
    purl TEXT,
    cpe TEXT,
    support_level TEXT,
    support_text TEXT,
    eos_text TEXT,
    eos_date TEXT
);

-- Components of a product version. identity is the merge key (the canonical purl, else
-- the CPE 2.3 name, else "name:<supplier>/<name>@<version>", lowercase). Multi-valued
-- fields are newline-separated: cpes; hashes as "ALG:hex"; licenses as "id:…", "name:…" or
-- "expression:…"; depends_on holds identities of direct dependencies. support_source is
-- 'supplier' (as the imported SBOM said) or 'manual' (edited here; kept on re-import).
-- composition is the known-unknowns statement for the component's own dependencies
-- (CycloneDX composition aggregate). source names what the row came from: 'manual', or the
-- label of an import (re-importing the same label replaces what it brought).
CREATE TABLE registry_components (
    id INTEGER PRIMARY KEY,
    product_version_id INTEGER NOT NULL REFERENCES product_versions (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    identity TEXT NOT NULL,
    bom_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    supplier TEXT,
    group_name TEXT,
    name TEXT NOT NULL,
    version TEXT,
    description TEXT,
    purl TEXT,
    cpes TEXT,
    hashes TEXT,
    licenses TEXT,
    copyright TEXT,
    support_level TEXT,
    support_text TEXT,
    eos_text TEXT,
    eos_date TEXT,
    support_source TEXT,
    composition TEXT NOT NULL DEFAULT 'unknown',
    depends_on TEXT,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (product_version_id, identity),
    UNIQUE (product_version_id, bom_ref)
);
CREATE INDEX registry_components_source ON registry_components (product_version_id, source);

-- Public keys a manufacturer's SBOMs may be signed with (the trusted-keys list). key_id is
-- the hex SHA-256 of the raw Ed25519 public key, truncated to 16 bytes; public_key is the
-- base64 raw key. A revoked key no longer verifies new documents.
CREATE TABLE trusted_keys (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    key_id TEXT NOT NULL,
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    added_by TEXT NOT NULL,
    revoked_at TEXT,
    UNIQUE (organization_id, key_id)
);
CREATE INDEX trusted_keys_key_id ON trusted_keys (key_id);

-- The result of verifying a stored SBOM's signature on ingest or receive: status is
-- 'verified' (valid and by a trusted key of the manufacturer), 'untrusted' (valid, but the
-- key is not trusted for that manufacturer) or 'invalid' (the signature does not match);
-- the last two are only stored when the user asked to keep untrusted documents.
-- kind is 'detached' or 'dsse'; signature holds the signature file's exact bytes.
CREATE TABLE sbom_signatures (
    id INTEGER PRIMARY KEY,
    sbom_id INTEGER NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    key_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verified', 'untrusted', 'invalid')),
    detail TEXT NOT NULL,
    signature BLOB NOT NULL,
    verified_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    verified_by TEXT NOT NULL
);
CREATE INDEX sbom_signatures_sbom ON sbom_signatures (sbom_id);

-- Confidential share bundles received (medsbom receive): which SBOM they brought, the
-- signer's key, and the VEX and lifecycle notice that came with it (exact bytes).
CREATE TABLE received_bundles (
    id INTEGER PRIMARY KEY,
    sbom_id INTEGER NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    bundle_sha256 TEXT NOT NULL,
    key_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verified', 'untrusted')),
    created TEXT NOT NULL,
    vex BLOB,
    notice BLOB,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    received_by TEXT NOT NULL
);
CREATE INDEX received_bundles_sbom ON received_bundles (sbom_id);
