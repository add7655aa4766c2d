-- medsbom VEX tenancy, schema version 8 (PostgreSQL). The SQLite file
-- ../sqlite/0008_vex_tenancy.sql has the same tables, columns and indexes.
-- Owned by the crate medsbom-vex.
--
-- Who owns a VEX source or an analysis: the organization of `medsbom serve` that uploaded
-- or recorded it, NULL for the command line (global: every organization sees it). An
-- organization reads the global records, its own, and, for a provider, those of the
-- manufacturers that share products with it (product_shares); never another tenant's.

ALTER TABLE vex_sources ADD COLUMN organization_id BIGINT REFERENCES organizations (id);
CREATE INDEX vex_sources_organization ON vex_sources (organization_id);

-- The same document may be imported by several tenants: the bytes are unique per owner
-- (0 standing for the global, command-line owner).
DROP INDEX vex_sources_sha256;
CREATE UNIQUE INDEX vex_sources_sha256 ON vex_sources (sha256, (coalesce(organization_id, 0)));

ALTER TABLE vex_analyses ADD COLUMN organization_id BIGINT REFERENCES organizations (id);
CREATE INDEX vex_analyses_organization ON vex_analyses (organization_id, product);
