-- medsbom store, schema version 1 (SQLite). The PostgreSQL schema in
-- ../postgres/0001_initial.sql has the same tables, columns and indexes.
--
-- Timestamps and dates are ISO 8601 text in UTC (sortable as text). Every table a tenant
-- owns carries an organization_id; packages are shared by all tenants (they are the join
-- key for vulnerability matching).

-- Manufacturers (who make devices) and providers (who deploy them).
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('manufacturer', 'provider')),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (kind, name)
);

-- Device models.
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (organization_id, name)
);

-- Released versions of a device model. last_revision counts the SBOM revisions (the row
-- is updated in the ingest transaction, which serializes concurrent revisions);
-- latest_sbom_id is the newest revision.
CREATE TABLE product_versions (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    version TEXT NOT NULL,
    last_revision INTEGER NOT NULL DEFAULT 0,
    latest_sbom_id INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (product_id, version)
);

-- One row per stored SBOM document (one revision of a product version). sha256 is the
-- hex SHA-256 of the exact bytes; its unique index makes a second ingest of the same
-- bytes a no-op even when two ingests race.
CREATE TABLE sboms (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    product_version_id INTEGER NOT NULL REFERENCES product_versions (id),
    revision INTEGER NOT NULL,
    format TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    raw_size INTEGER NOT NULL,
    serial_number TEXT,
    bom_version INTEGER,
    sbom_timestamp TEXT,
    source_name TEXT,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ingested_by TEXT NOT NULL,
    n_components INTEGER NOT NULL,
    n_relationships INTEGER NOT NULL,
    check_results TEXT,
    UNIQUE (product_version_id, revision)
);
CREATE UNIQUE INDEX sboms_sha256 ON sboms (sha256);
-- Searches of the newest revisions join product versions through latest_sbom_id.
CREATE INDEX product_versions_latest ON product_versions (latest_sbom_id);
CREATE INDEX sboms_organization ON sboms (organization_id);

-- The exact bytes of each document, compressed (kept apart so listings stay small).
CREATE TABLE sbom_contents (
    sbom_id INTEGER PRIMARY KEY REFERENCES sboms (id) ON DELETE CASCADE,
    compression TEXT NOT NULL,
    data BLOB NOT NULL
);

-- One row per distinct package identity. key is the identity: the canonical purl
-- ("pkg:…", version included), else the CPE 2.3 name ("cpe:2.3:…"), else
-- "name:<supplier>/<name>@<version>" (lowercase, percent-encoded).
-- purl_key is the purl without version, qualifiers or subpath ("pkg:npm/lodash").
CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('purl', 'cpe', 'name')),
    purl TEXT,
    purl_type TEXT,
    purl_key TEXT,
    name TEXT NOT NULL,
    version TEXT,
    cpe TEXT,
    supplier TEXT
);
CREATE UNIQUE INDEX packages_key ON packages (key);
CREATE INDEX packages_purl_key ON packages (purl_key, version);
CREATE INDEX packages_cpe ON packages (cpe);

-- The document-to-package edges, with the document's own component data. idx is the
-- component's position in the document; purl is the purl as written when it differs
-- from the package's canonical purl (NULL otherwise).
CREATE TABLE sbom_components (
    sbom_id INTEGER NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    organization_id INTEGER NOT NULL,
    package_id INTEGER NOT NULL REFERENCES packages (id),
    bom_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    group_name TEXT,
    name TEXT NOT NULL,
    version TEXT,
    supplier TEXT,
    purl TEXT,
    cpe TEXT,
    parent_idx INTEGER,
    is_root INTEGER NOT NULL,
    support_level TEXT,
    support_text TEXT,
    eos_text TEXT,
    eos_date TEXT,
    PRIMARY KEY (sbom_id, idx)
);
CREATE INDEX sbom_components_package ON sbom_components (package_id);
CREATE INDEX sbom_components_cpe ON sbom_components (cpe) WHERE cpe IS NOT NULL;
CREATE INDEX sbom_components_eos ON sbom_components (eos_date) WHERE eos_date IS NOT NULL;
CREATE INDEX sbom_components_support ON sbom_components (support_level)
    WHERE support_level IS NOT NULL;

-- Typed edges between components of one document. from_idx/to_idx point at
-- sbom_components.idx; when an end is not a component of the document (the document
-- itself, or a dangling reference) the idx is NULL and the *_ref column holds the text.
CREATE TABLE sbom_relationships (
    sbom_id INTEGER NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL,
    from_idx INTEGER,
    to_idx INTEGER,
    from_ref TEXT,
    to_ref TEXT,
    kind TEXT NOT NULL,
    original TEXT
);
CREATE INDEX sbom_relationships_sbom ON sbom_relationships (sbom_id);

-- Support milestones other than end of support (end of life, release date, …).
CREATE TABLE support_milestones (
    sbom_id INTEGER NOT NULL REFERENCES sboms (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL,
    component_idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    text TEXT NOT NULL,
    date TEXT
);
CREATE INDEX support_milestones_sbom ON support_milestones (sbom_id, component_idx);
