-- medsbom store, schema version 7 (SQLite): accounts, sharing and the audit log of
-- `medsbom serve`. The PostgreSQL file ../postgres/0007_accounts.sql has the same tables,
-- columns and indexes.
--
-- Tenancy: every user belongs to one organization (a manufacturer or a provider). A
-- manufacturer owns its products (products.organization_id); a provider sees the products
-- shared with it (product_shares) and the SBOMs it uploaded itself (sbom_uploads).

-- Users. password_hash is an argon2id PHC string, NULL for token-only accounts.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    username TEXT NOT NULL,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer', 'publisher', 'auditor')),
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX users_username ON users (username);

-- API tokens: only the hex SHA-256 of the token is stored; the token is shown once.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at TEXT,
    revoked_at TEXT
);
CREATE UNIQUE INDEX api_tokens_sha256 ON api_tokens (token_sha256);

-- Browser sessions: the hex SHA-256 of the cookie value, and the CSRF token that every
-- cookie-authenticated write must echo in the X-CSRF-Token header or a csrf form field.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    session_sha256 TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sessions_sha256 ON sessions (session_sha256);

-- Which provider organizations see which products (a manufacturer's share, or the
-- provider's own upload).
CREATE TABLE product_shares (
    product_id INTEGER NOT NULL REFERENCES products (id),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    shared_by TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (product_id, organization_id)
);
CREATE INDEX product_shares_organization ON product_shares (organization_id);

-- Which tenant uploaded which SBOM through the server (an SBOM ingested from the command
-- line has no row and belongs to its manufacturer). A provider's upload is visible to that
-- provider only; a manufacturer sees its own uploads and command-line ingests.
CREATE TABLE sbom_uploads (
    sbom_id INTEGER NOT NULL REFERENCES sboms (id),
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    uploaded_by TEXT NOT NULL,
    PRIMARY KEY (sbom_id, organization_id)
);
CREATE INDEX sbom_uploads_organization ON sbom_uploads (organization_id);

-- Append-only audit log with a hash chain: hash = SHA-256(prev_hash + canonical content).
-- seq is dense (1, 2, …), so a deleted entry leaves a gap as well as a broken chain.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    organization_id INTEGER,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, at);
CREATE INDEX audit_log_object ON audit_log (object, at);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
