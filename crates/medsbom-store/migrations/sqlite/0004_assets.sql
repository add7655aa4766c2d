-- medsbom device inventory, schema version 4 (SQLite), owned by the crate medsbom-assets.
-- The PostgreSQL schema in ../postgres/0004_assets.sql has the same tables, columns,
-- indexes and trigger.
--
-- One row per deployed device instance of a healthcare provider (IMDRF N70 §7.2 asset
-- inventory). manufacturer, product and product_version are the text the hospital's
-- inventory gives; product_version_id links the asset to the stored SBOMs of that product
-- version. It is resolved at import (same product name and version, case-insensitive, and
-- the same manufacturer when one is given) and, for assets imported before their SBOM,
-- by the trigger below when the product version is first stored.
CREATE TABLE assets (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id),
    asset_id TEXT NOT NULL,
    serial TEXT,
    manufacturer TEXT,
    product TEXT,
    product_version TEXT,
    product_version_id INTEGER REFERENCES product_versions (id) ON DELETE SET NULL,
    site TEXT,
    building TEXT,
    department TEXT,
    zone TEXT,
    ip TEXT,
    mac TEXT,
    hostname TEXT,
    owner TEXT,
    clinical_function TEXT,
    criticality TEXT CHECK (criticality IN ('life-sustaining', 'therapy-delivering',
        'diagnostic', 'monitoring', 'non-clinical')),
    exposure TEXT CHECK (exposure IN ('internet-reachable', 'hospital-lan', 'segmented',
        'isolated')),
    ports TEXT,
    default_credentials TEXT,
    installed_patches TEXT,
    maintenance TEXT,
    lifecycle_stage TEXT,
    notes TEXT,
    custom_fields TEXT,
    retired_at TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (organization_id, asset_id)
);
-- Impact: product version -> assets.
CREATE INDEX assets_product_version ON assets (product_version_id);
-- Listings and grouping by site and ward.
CREATE INDEX assets_location ON assets (organization_id, site, department);
-- Upsert by serial number.
CREATE INDEX assets_serial ON assets (organization_id, serial) WHERE serial IS NOT NULL;
-- Assets waiting for their product version's SBOM.
CREATE INDEX assets_unlinked ON assets (lower(product), lower(product_version))
    WHERE product_version_id IS NULL;

-- Links the waiting assets when a product version is first stored (by any ingest).
CREATE TRIGGER assets_link_product_version AFTER INSERT ON product_versions
BEGIN
    UPDATE assets SET product_version_id = NEW.id
    WHERE product_version_id IS NULL
      AND lower(product) = (SELECT lower(p.name) FROM products p WHERE p.id = NEW.product_id)
      AND lower(product_version) = lower(NEW.version)
      AND (manufacturer IS NULL OR lower(manufacturer) =
          (SELECT lower(o.name) FROM organizations o WHERE o.id = NEW.organization_id));
END;
