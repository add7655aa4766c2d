-- medsbom store, schema version 10 (PostgreSQL): private namespaces for the SBOMs a provider
-- uploads through `medsbom serve`; see ../sqlite/0010_namespaces.sql.
ALTER TABLE organizations ADD COLUMN namespace BIGINT NOT NULL DEFAULT 0;
ALTER TABLE organizations DROP CONSTRAINT organizations_kind_name_key;
ALTER TABLE organizations ADD CONSTRAINT organizations_kind_name_namespace_key
    UNIQUE (kind, name, namespace);

ALTER TABLE sboms ADD COLUMN namespace BIGINT NOT NULL DEFAULT 0;
DROP INDEX sboms_sha256;
CREATE UNIQUE INDEX sboms_sha256 ON sboms (sha256, namespace);

CREATE OR REPLACE FUNCTION assets_link_product_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE assets SET product_version_id = NEW.id
    WHERE product_version_id IS NULL
      AND lower(product) = (SELECT lower(p.name) FROM products p WHERE p.id = NEW.product_id)
      AND lower(product_version) = lower(NEW.version)
      AND (manufacturer IS NULL OR lower(manufacturer) =
          (SELECT lower(o.name) FROM organizations o WHERE o.id = NEW.organization_id))
      AND (SELECT o.namespace FROM organizations o WHERE o.id = NEW.organization_id)
          IN (0, assets.organization_id);
    RETURN NULL;
END;
$$;
