-- medsbom VEX data, schema version 5 (SQLite). The PostgreSQL schema in
-- ../postgres/0005_vex.sql has the same tables, columns and indexes.
-- Owned by the crate medsbom-vex.
--
-- Statements are kept as their documents said them (nothing here points at findings or
-- product versions): they are matched to findings when findings are read, so a statement
-- for a product version that is not stored yet applies as soon as it is ingested, and no
-- finding is ever deleted or changed. Nothing is updated in place: a newer document or
-- analysis is a new row, and the history stays.

-- One row per imported VEX document (or per ingested SBOM with embedded analyses).
-- authority is the source's standing for resolution; report is the JSON list of the
-- statements that were skipped, with the reasons.
CREATE TABLE vex_sources (
    id INTEGER PRIMARY KEY,
    format TEXT NOT NULL CHECK (format IN ('cyclonedx', 'openvex', 'csaf')),
    spec_version TEXT NOT NULL,
    document_id TEXT,
    document_version TEXT,
    author TEXT,
    author_role TEXT,
    authority TEXT NOT NULL CHECK (authority IN ('manufacturer', 'third_party')),
    issued_at TEXT,
    file TEXT,
    sha256 TEXT NOT NULL,
    n_statements INTEGER NOT NULL,
    n_skipped INTEGER NOT NULL,
    report TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX vex_sources_sha256 ON vex_sources (sha256);

-- The statements: canonical status and justification next to the values as written;
-- responses is a JSON list; stated_at is the UTC instant (RFC 3339, "Z") of the statement's
-- time, stated_at_original the text as written.
CREATE TABLE vex_statements (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES vex_sources (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    vulnerability_id TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('not_affected', 'affected', 'fixed', 'under_investigation')),
    status_original TEXT NOT NULL,
    justification TEXT,
    justification_original TEXT,
    impact_statement TEXT,
    action_statement TEXT,
    responses TEXT NOT NULL,
    detail TEXT,
    stated_at TEXT,
    stated_at_original TEXT,
    UNIQUE (source_id, idx)
);

-- Every identifier of a statement's vulnerability (its id and its aliases), upper case.
CREATE TABLE vex_statement_ids (
    statement_id INTEGER NOT NULL REFERENCES vex_statements (id) ON DELETE CASCADE,
    vulnerability_id TEXT NOT NULL,
    PRIMARY KEY (statement_id, vulnerability_id)
);
CREATE INDEX vex_statement_ids_id ON vex_statement_ids (vulnerability_id);

-- What each statement applies to (see medsbom_vex::model::Scope). hashes is a JSON list of
-- [algorithm, value]; bom_serial is the BOM-Link serial without "urn:uuid:".
CREATE TABLE vex_scopes (
    statement_id INTEGER NOT NULL REFERENCES vex_statements (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    label TEXT,
    manufacturer TEXT,
    product TEXT,
    product_purl TEXT,
    product_cpe TEXT,
    product_version TEXT,
    version_range TEXT,
    purl TEXT,
    cpe TEXT,
    hashes TEXT NOT NULL,
    bom_serial TEXT,
    bom_version INTEGER,
    bom_ref TEXT,
    PRIMARY KEY (statement_id, idx)
);
CREATE INDEX vex_scopes_product ON vex_scopes (product);

-- The hospital's (role provider) or manufacturer's own analysis of one finding: who and
-- when, never updated (the newest row per finding is the current one). component is the
-- package's purl, CPE or package key; vulnerability_id is upper case.
CREATE TABLE vex_analyses (
    id INTEGER PRIMARY KEY,
    product TEXT NOT NULL,
    product_version TEXT NOT NULL,
    component TEXT NOT NULL,
    vulnerability_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('provider', 'manufacturer')),
    state TEXT NOT NULL
        CHECK (state IN ('not_affected', 'affected', 'fixed', 'under_investigation')),
    state_original TEXT NOT NULL,
    justification TEXT,
    justification_original TEXT,
    responses TEXT NOT NULL,
    detail TEXT,
    analyst TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX vex_analyses_vulnerability ON vex_analyses (vulnerability_id, product, product_version);
