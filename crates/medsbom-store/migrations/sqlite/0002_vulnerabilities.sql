-- medsbom vulnerability data, schema version 2 (SQLite). The PostgreSQL schema in
-- ../postgres/0002_vulnerabilities.sql has the same tables, columns and indexes.
-- Owned by the crate medsbom-vuln.
--
-- Advisories are stored once per source identity (the same CVE from NVD and from CVE 5 is
-- two advisories); vulnerability_ids merges their identifiers (CVE, GHSA, PYSEC, …) into
-- one vulnerability. Findings are per distinct package (packages.id), not per document
-- row; listings join them to sbom_components.

-- One row per imported feed file.
CREATE TABLE feed_imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    file TEXT NOT NULL,
    feed_version TEXT,
    feed_date TEXT,
    n_records INTEGER NOT NULL DEFAULT 0,
    n_new INTEGER NOT NULL DEFAULT 0,
    n_updated INTEGER NOT NULL DEFAULT 0,
    n_unchanged INTEGER NOT NULL DEFAULT 0,
    n_errors INTEGER NOT NULL DEFAULT 0,
    newest_modified TEXT,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX feed_imports_source ON feed_imports (source, imported_at);

-- Advisories. key is the source identity: "osv:<id>", "nvd:<id>", "cve5:<id>",
-- "csaf:<publisher>/<tracking id>:<id>". modified_at is the UTC instant of modified
-- (RFC 3339, "Z"). cvss_* are the highest base scores of each CVSS version (computed
-- from the vectors). data is the zstd-compressed JSON of the rest (details, references,
-- CWEs, every severity). content_sha256 makes a re-import of the same record a no-op.
CREATE TABLE advisories (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    advisory_id TEXT NOT NULL,
    source TEXT NOT NULL,
    database TEXT NOT NULL,
    document TEXT,
    modified TEXT,
    modified_at TEXT,
    published TEXT,
    withdrawn TEXT,
    summary TEXT,
    cvss_v2 REAL,
    cvss_v2_vector TEXT,
    cvss_v3 REAL,
    cvss_v3_vector TEXT,
    cvss_v4 REAL,
    cvss_v4_vector TEXT,
    severity_text TEXT,
    ssvc_exploitation TEXT,
    ssvc_automatable TEXT,
    ssvc_technical_impact TEXT,
    kev_date_added TEXT,
    content_sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    import_id INTEGER REFERENCES feed_imports (id),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX advisories_key ON advisories (key);
CREATE INDEX advisories_advisory_id ON advisories (advisory_id);

-- Identifier edges: each advisory names itself and its aliases.
CREATE TABLE advisory_aliases (
    advisory_row INTEGER NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    advisory_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (advisory_row, alias)
);
CREATE INDEX advisory_aliases_id ON advisory_aliases (advisory_id);
CREATE INDEX advisory_aliases_alias ON advisory_aliases (alias);

-- Every identifier and the canonical identifier of its vulnerability (alias group).
CREATE TABLE vulnerability_ids (
    member TEXT PRIMARY KEY,
    vulnerability_id TEXT NOT NULL
);
CREATE INDEX vulnerability_ids_group ON vulnerability_ids (vulnerability_id);

-- Affected packages (OSV affected[], CSAF products with a purl). ecosystem is the OSV
-- ecosystem ("PyPI", "Debian:12"); name is the lookup form (PEP 503 for PyPI, lowercase
-- where the registry is case-insensitive). ranges and versions are JSON.
CREATE TABLE advisory_packages (
    advisory_row INTEGER NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    package_name TEXT NOT NULL,
    ranges TEXT NOT NULL,
    versions TEXT NOT NULL,
    PRIMARY KEY (advisory_row, idx)
);
CREATE INDEX advisory_packages_key ON advisory_packages (ecosystem, name);

-- Vulnerable CPE match criteria (NVD configurations, CVE 5 cpes[]), unquoted lowercase
-- vendor and product; platforms is the JSON list of the configuration's platform criteria.
CREATE TABLE advisory_cpes (
    advisory_row INTEGER NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    vendor TEXT NOT NULL,
    product TEXT NOT NULL,
    criteria TEXT NOT NULL,
    version_start_including TEXT,
    version_start_excluding TEXT,
    version_end_including TEXT,
    version_end_excluding TEXT,
    platforms TEXT NOT NULL,
    PRIMARY KEY (advisory_row, idx)
);
CREATE INDEX advisory_cpes_product ON advisory_cpes (product, vendor);

-- CISA Known Exploited Vulnerabilities.
CREATE TABLE kev (
    cve_id TEXT PRIMARY KEY,
    vendor_project TEXT NOT NULL,
    product TEXT NOT NULL,
    vulnerability_name TEXT NOT NULL,
    date_added TEXT NOT NULL,
    due_date TEXT NOT NULL,
    required_action TEXT NOT NULL,
    known_ransomware_campaign_use TEXT,
    catalog_version TEXT,
    import_id INTEGER REFERENCES feed_imports (id)
);

-- FIRST EPSS scores with the model version and score date they come from.
CREATE TABLE epss (
    cve_id TEXT PRIMARY KEY,
    epss REAL NOT NULL,
    percentile REAL NOT NULL,
    model_version TEXT,
    score_date TEXT,
    import_id INTEGER REFERENCES feed_imports (id)
);

-- Which packages were matched, under which keys: after a feed import, the packages whose
-- keys appear in changed advisories are matched again; a package without a row here has
-- never been matched.
CREATE TABLE package_match_state (
    package_id INTEGER PRIMARY KEY REFERENCES packages (id) ON DELETE CASCADE,
    ecosystem TEXT,
    name TEXT,
    vendor TEXT,
    product TEXT,
    matched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX package_match_state_key ON package_match_state (ecosystem, name);
CREATE INDEX package_match_state_cpe ON package_match_state (product, vendor);

-- One finding per (package, advisory): the basis (purl, cpe or name), its confidence
-- (3, 2, 1), the identifier and range that matched, the fixed versions (JSON) and the feed.
CREATE TABLE findings (
    package_id INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    advisory_row INTEGER NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    basis TEXT NOT NULL CHECK (basis IN ('purl', 'cpe', 'name')),
    confidence INTEGER NOT NULL,
    identifier TEXT NOT NULL,
    range_text TEXT NOT NULL,
    fixed_versions TEXT NOT NULL,
    feed TEXT NOT NULL,
    matched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (package_id, advisory_row)
);
CREATE INDEX findings_advisory ON findings (advisory_row);
