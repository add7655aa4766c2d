-- medsbom store, schema version 3 (SQLite): lifecycle and legacy devices (IMDRF N70),
-- owned by the medsbom-lifecycle crate. The PostgreSQL schema in
-- ../postgres/0003_lifecycle.sql has the same tables, columns and indexes.
--
-- Dates are ISO 8601 calendar dates (YYYY-MM-DD) as text; timestamps as in 0001.

-- Release, end-of-life (EOL) and end-of-support (EOS) dates of a product version, each
-- with the date it was announced and its source ('manufacturer-notice', 'sbom', 'manual').
-- upgrade_paths is a newline-separated list; support_after_* say what support continues
-- after each date (NULL: the N70 defaults).
CREATE TABLE product_version_lifecycle (
    product_version_id INTEGER PRIMARY KEY REFERENCES product_versions (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    release_date TEXT,
    release_announced TEXT,
    release_source TEXT,
    eol_date TEXT,
    eol_announced TEXT,
    eol_source TEXT,
    eos_date TEXT,
    eos_announced TEXT,
    eos_source TEXT,
    support_after_eol TEXT,
    support_after_eos TEXT,
    upgrade_paths TEXT,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX product_version_lifecycle_eos ON product_version_lifecycle (eos_date);

-- endoflife.date products (one per products/*.md file; name = the file stem), shared by
-- all tenants like packages.
CREATE TABLE eol_products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    category TEXT,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (name)
);

-- Identifiers of an endoflife.date product. kind is 'purl', 'cpe', 'repology' or the key as
-- written; purl_key is the normalized purl without version (the join key to
-- packages.purl_key); cpe_vendor/cpe_product are the CPE's vendor and product.
CREATE TABLE eol_identifiers (
    eol_product_id INTEGER NOT NULL REFERENCES eol_products (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    purl_key TEXT,
    cpe_vendor TEXT,
    cpe_product TEXT,
    PRIMARY KEY (eol_product_id, idx)
);
CREATE INDEX eol_identifiers_purl_key ON eol_identifiers (purl_key) WHERE purl_key IS NOT NULL;
CREATE INDEX eol_identifiers_cpe ON eol_identifiers (cpe_vendor, cpe_product)
    WHERE cpe_vendor IS NOT NULL;

-- Release cycles of an endoflife.date product, in file order (idx). eol, eoas, eoes, lts
-- and discontinued are 'true', 'false', a date, or NULL when the file does not say.
CREATE TABLE eol_releases (
    eol_product_id INTEGER NOT NULL REFERENCES eol_products (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    cycle TEXT NOT NULL,
    label TEXT,
    codename TEXT,
    release_date TEXT,
    eol TEXT,
    eoas TEXT,
    eoes TEXT,
    lts TEXT,
    latest TEXT,
    latest_release_date TEXT,
    discontinued TEXT,
    PRIMARY KEY (eol_product_id, idx)
);
CREATE INDEX eol_releases_cycle ON eol_releases (eol_product_id, cycle);

-- Which endoflife.date product (and release cycle, when the version falls in one) a
-- package is, and why: basis 'purl', 'cpe', 'distro' (the purl's distro qualifier names
-- the operating system release) or 'name' (an operating-system component named like the
-- product).
CREATE TABLE eol_links (
    package_id INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    eol_product_id INTEGER NOT NULL REFERENCES eol_products (id) ON DELETE CASCADE,
    basis TEXT NOT NULL,
    cycle TEXT,
    PRIMARY KEY (package_id, eol_product_id, basis)
);
CREATE INDEX eol_links_product ON eol_links (eol_product_id);

-- The highest packages.id already linked: packages above it are linked on the next run.
CREATE TABLE eol_link_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    max_package_id INTEGER NOT NULL
);

-- The hospital's decision at end of support for an asset or a product version (N70 §7.3):
-- accept the risk with compensating controls, or plan replacement, until a date, with a
-- review date. subject is free text: the asset id (assets.asset_id of the device inventory)
-- for subject_kind 'asset', 'PRODUCT@VERSION' for 'product-version' (product_version_id is
-- then set too). component, when set, limits the decision to one component (its name).
CREATE TABLE risk_acceptances (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER REFERENCES organizations (id),
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('asset', 'product-version')),
    subject TEXT NOT NULL,
    product_version_id INTEGER REFERENCES product_versions (id) ON DELETE CASCADE,
    component TEXT,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'replace')),
    decided_by TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    until_date TEXT NOT NULL,
    review_date TEXT NOT NULL,
    controls TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX risk_acceptances_subject ON risk_acceptances (subject_kind, subject);
CREATE INDEX risk_acceptances_product_version ON risk_acceptances (product_version_id);
