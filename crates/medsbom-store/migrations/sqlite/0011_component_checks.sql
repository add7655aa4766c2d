-- medsbom store, schema version 11 (SQLite): nothing changes here. PostgreSQL drops the
-- component rows' foreign keys in ../postgres/0011_component_checks.sql (see there); SQLite
-- keeps them. The file exists so that both backends report the same schema version.
SELECT 1;
