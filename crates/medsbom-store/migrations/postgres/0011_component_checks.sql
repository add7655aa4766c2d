-- medsbom store, schema version 11 (PostgreSQL): the component rows' foreign keys go.
--
-- PostgreSQL checks a foreign key with a trigger per inserted row (a look-up of the
-- parent row, locked FOR KEY SHARE); on an ingest of 500 components these two checks took
-- about half of the transaction (EXPLAIN ANALYZE, BENCHMARKS.md). The ingest transaction
-- already guarantees both references: it inserts the SBOM row and every package first,
-- and nothing deletes SBOMs or packages. `Store::check_integrity` verifies them on both
-- backends (SQLite keeps its constraints: its checks are cheap index probes, and dropping
-- them there would mean rebuilding the largest table).
ALTER TABLE sbom_components DROP CONSTRAINT sbom_components_sbom_id_fkey;
ALTER TABLE sbom_components DROP CONSTRAINT sbom_components_package_id_fkey;
