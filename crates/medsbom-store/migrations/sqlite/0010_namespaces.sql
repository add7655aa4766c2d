-- no-transaction
-- medsbom store, schema version 10 (SQLite): private namespaces for the SBOMs a provider
-- uploads through `medsbom serve`. The PostgreSQL file ../postgres/0010_namespaces.sql makes
-- the same change.
--
-- A manufacturer organization row, with its products, product versions and SBOM revisions,
-- lives in a namespace: 0 is the shared one (command-line ingests, manufacturer tenants'
-- own uploads); any other value is the id of the provider organization whose private copy
-- it is. Two hospitals that upload SBOMs of the same device thus get two product versions,
-- each with its own newest revision, and neither ever reads the other's documents through
-- findings or impact. The same bytes may be stored once per namespace.
--
-- SQLite cannot change a table's UNIQUE constraint in place, so organizations is rebuilt
-- as its documentation prescribes (foreign keys off, new table, copy, drop, rename,
-- foreign_key_check), in one explicit transaction: hence `no-transaction` above.
PRAGMA foreign_keys = OFF;
PRAGMA legacy_alter_table = ON;
BEGIN;
DROP TRIGGER assets_link_product_version;
CREATE TABLE organizations_rebuilt (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('manufacturer', 'provider')),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    namespace INTEGER NOT NULL DEFAULT 0,
    UNIQUE (kind, name, namespace)
);
INSERT INTO organizations_rebuilt (id, kind, name, created_at)
    SELECT id, kind, name, created_at FROM organizations;
DROP TABLE organizations;
ALTER TABLE organizations_rebuilt RENAME TO organizations;

ALTER TABLE sboms ADD COLUMN namespace INTEGER NOT NULL DEFAULT 0;
DROP INDEX sboms_sha256;
CREATE UNIQUE INDEX sboms_sha256 ON sboms (sha256, namespace);

-- As in 0004, and only within the asset owner's namespace or the shared one.
CREATE TRIGGER assets_link_product_version AFTER INSERT ON product_versions
BEGIN
    UPDATE assets SET product_version_id = NEW.id
    WHERE product_version_id IS NULL
      AND lower(product) = (SELECT lower(p.name) FROM products p WHERE p.id = NEW.product_id)
      AND lower(product_version) = lower(NEW.version)
      AND (manufacturer IS NULL OR lower(manufacturer) =
          (SELECT lower(o.name) FROM organizations o WHERE o.id = NEW.organization_id))
      AND (SELECT o.namespace FROM organizations o WHERE o.id = NEW.organization_id)
          IN (0, assets.organization_id);
END;
COMMIT;
PRAGMA legacy_alter_table = OFF;
PRAGMA foreign_keys = ON;
PRAGMA foreign_key_check;
