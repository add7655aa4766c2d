//! Products, versions and their components.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use medsbom_model::{
    Component, ComponentType, Hash, License, Milestone, Party, RelationshipKind, Sbom, Support,
    SupportLevel,
};
use sha2::{Digest as _, Sha256};

use crate::db::{Param, Row, Tx};
use crate::identity::identity;
use crate::{RegistryDb, RegistryError};

/// The composition aggregates a component may state for its own dependencies (CycloneDX
/// 1.6 `aggregate`).
pub(crate) const AGGREGATES: &[&str] = &[
    "complete",
    "incomplete",
    "incomplete_first_party_only",
    "incomplete_first_party_proprietary_only",
    "incomplete_first_party_opensource_only",
    "incomplete_third_party_only",
    "incomplete_third_party_proprietary_only",
    "incomplete_third_party_opensource_only",
    "unknown",
    "not_specified",
];

/// A product of a manufacturer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductInfo {
    /// `products.id`.
    pub product_id: i64,
    /// The manufacturer's organization id.
    pub organization_id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// False when the product existed already.
    pub created: bool,
}

/// A product version that has a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionKey {
    /// `product_versions.id`.
    pub product_version_id: i64,
    /// The manufacturer's organization id.
    pub organization_id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// Version.
    pub version: String,
}

/// How a caller names a product version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionRef<'a> {
    /// The manufacturer, when several have a product of that name.
    pub manufacturer: Option<&'a str>,
    /// Product name.
    pub product: &'a str,
    /// Version.
    pub version: &'a str,
}

impl<'a> VersionRef<'a> {
    /// The reference of a known version.
    #[must_use]
    pub fn of(key: &'a VersionKey) -> VersionRef<'a> {
        VersionRef {
            manufacturer: Some(&key.manufacturer),
            product: &key.product,
            version: &key.version,
        }
    }
}

/// A new product version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion<'a> {
    /// The manufacturer, when several have a product of that name.
    pub manufacturer: Option<&'a str>,
    /// Product name (created with [`create_product`]).
    pub product: &'a str,
    /// The new version.
    pub version: &'a str,
    /// A version of the same product whose components are copied.
    pub from: Option<&'a str>,
    /// The device's own component type (the SBOM root): `device` unless said.
    pub kind: ComponentType,
    /// The SBOM author [default: the manufacturer].
    pub author: Option<&'a str>,
    /// A description of the device.
    pub description: Option<&'a str>,
    /// The device's purl [default: `pkg:generic/<manufacturer>/<product>@<version>`].
    pub purl: Option<&'a str>,
    /// The device's CPE.
    pub cpe: Option<&'a str>,
    /// The device's level of support (as the manufacturer words it).
    pub support_level: Option<&'a str>,
    /// The device's end of support (date or text).
    pub eos: Option<&'a str>,
}

impl<'a> NewVersion<'a> {
    /// A version with nothing but its names.
    #[must_use]
    pub fn new(manufacturer: Option<&'a str>, product: &'a str, version: &'a str) -> Self {
        NewVersion {
            manufacturer,
            product,
            version,
            from: None,
            kind: ComponentType::Device,
            author: None,
            description: None,
            purl: None,
            cpe: None,
            support_level: None,
            eos: None,
        }
    }
}

/// A product version's registry data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// Which version.
    pub key: VersionKey,
    /// The SBOM serial number (`urn:uuid:…`), the same for every revision.
    pub serial_number: String,
    /// The registry revision (the generated SBOM's BOM version).
    pub revision: i64,
    /// When the components last changed (the generated SBOM's timestamp).
    pub revised_at: String,
    /// The version this one was copied from.
    pub based_on: Option<String>,
    /// The device's own component type.
    pub kind: ComponentType,
    /// The device's supplier (the manufacturer).
    pub supplier: String,
    /// The SBOM author.
    pub author: String,
    /// Description of the device.
    pub description: Option<String>,
    /// The device's purl, when given.
    pub purl: Option<String>,
    /// The device's CPE, when given.
    pub cpe: Option<String>,
    /// The device's support level and end of support.
    pub support: Support,
    /// How many components the registry holds.
    pub n_components: i64,
}

/// One component of a product version's registry.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistryComponent {
    /// Row id.
    pub id: i64,
    /// The merge key ([`crate::identity`]).
    pub identity: String,
    /// The component (its `bom_ref` is stable for the identity).
    pub component: Component,
    /// Known-unknowns statement for the component's dependencies (composition aggregate).
    pub composition: String,
    /// Identities of its direct dependencies.
    pub depends_on: Vec<String>,
    /// `manual`, or the label of the import that brought it.
    pub source: String,
    /// `supplier` (as imported) or `manual` (edited here), when support data is present.
    pub support_source: Option<String>,
}

/// Changes to a component; `None` and empty lists leave a field alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComponentEdit {
    /// New type.
    pub kind: Option<ComponentType>,
    /// New supplier.
    pub supplier: Option<String>,
    /// New version (changes the identity).
    pub version: Option<String>,
    /// New purl (changes the identity).
    pub purl: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// CPEs to add.
    pub add_cpes: Vec<String>,
    /// Hashes to add (replacing one of the same algorithm).
    pub add_hashes: Vec<Hash>,
    /// Licences to add.
    pub add_licenses: Vec<License>,
    /// New copyright text.
    pub copyright: Option<String>,
    /// New level of support (marks the support data as edited here).
    pub support_level: Option<String>,
    /// New end of support, a date or text (marks the support data as edited here).
    pub eos: Option<String>,
    /// New composition aggregate.
    pub composition: Option<String>,
    /// Dependencies to add (selectors of other components).
    pub add_depends_on: Vec<String>,
    /// Dependencies to remove (selectors of other components).
    pub remove_depends_on: Vec<String>,
}

/// Options of [`import_sbom`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions<'a> {
    /// The import's label: re-importing with the same label replaces what it brought
    /// (components it no longer lists are removed).
    pub label: &'a str,
    /// Supplier for components the file gives none.
    pub default_supplier: Option<&'a str>,
    /// Level of support for components the file says nothing about.
    pub default_support_level: Option<&'a str>,
    /// End of support for components the file says nothing about.
    pub default_eos: Option<&'a str>,
}

/// What [`import_sbom`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Components in the file (after merging duplicates).
    pub n_in_file: usize,
    /// New components.
    pub added: usize,
    /// Existing components that changed.
    pub updated: usize,
    /// Existing components already up to date.
    pub unchanged: usize,
    /// Components of earlier imports with the same label that the file no longer lists.
    pub removed: usize,
    /// Components whose support data, edited here, was kept over the file's.
    pub manual_support_kept: usize,
    /// The registry revision after the import.
    pub revision: i64,
}

/// The stable `bom_ref` of an identity.
pub(crate) fn bom_ref_for(identity: &str) -> String {
    let digest = Sha256::digest(identity.as_bytes());
    format!("c-{}", hex::encode(&digest[..8]))
}

/// The component as the registry stores it: only the fields it keeps (so that a component
/// read back compares equal to the one written).
fn to_stored(component: &Component) -> Component {
    let mut res = Component::new(&component.bom_ref, &component.name);
    res.kind = component.kind.clone();
    res.supplier = component
        .supplier
        .as_ref()
        .filter(|s| !s.name.trim().is_empty())
        .map(|s| Party::organization(&s.name));
    res.extra.group = non_empty(component.extra.group.as_deref()).map(str::to_owned);
    res.version = non_empty(component.version.as_deref()).map(str::to_owned);
    res.extra.description = non_empty(component.extra.description.as_deref()).map(str::to_owned);
    res.purl = non_empty(component.purl.as_deref()).map(str::to_owned);
    res.cpes = component
        .cpes
        .iter()
        .filter(|c| !c.trim().is_empty() && !c.contains('\n'))
        .cloned()
        .collect();
    res.hashes = component
        .hashes
        .iter()
        .filter(|h| !h.algorithm.contains([':', '\n']) && !h.value.contains('\n'))
        .cloned()
        .collect();
    res.licenses = component
        .licenses
        .iter()
        .filter(|l| !l.text().trim().is_empty() && !l.text().contains('\n'))
        .cloned()
        .collect();
    res.extra.copyright = non_empty(component.extra.copyright.as_deref()).map(str::to_owned);
    let support = &component.support;
    if let Some(text) = &support.level_text {
        res.support.set_level_text(text);
    } else {
        res.support.level = support.level;
    }
    res.support.end_of_support = support
        .end_of_support
        .as_ref()
        .map(|m| Milestone::new("endOfSupport", &m.text));
    res
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Creates the manufacturer (when new) and its product; an existing product is returned
/// with `created: false`.
pub async fn create_product(
    db: &RegistryDb,
    manufacturer: &str,
    product: &str,
) -> Result<ProductInfo, RegistryError> {
    let context = "creating a product";
    let manufacturer = manufacturer.trim();
    let product = product.trim();
    for (what, value) in [("manufacturer", manufacturer), ("product", product)] {
        if value.is_empty() {
            return Err(RegistryError::Invalid {
                what,
                value: value.to_owned(),
                reason: "it is empty".to_owned(),
            });
        }
    }
    let mut tx = db.db.begin(context).await?;
    tx.execute(
        context,
        "INSERT INTO organizations (kind, name) VALUES ('manufacturer', $1) \
         ON CONFLICT (kind, name, namespace) DO NOTHING",
        &[Param::text(manufacturer)],
    )
    .await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT id FROM organizations WHERE kind = 'manufacturer' AND name = $1 \
             AND namespace = 0",
            &[Param::text(manufacturer)],
        )
        .await?;
    let organization_id = first(&rows, context)?.int(0)?;
    let n = tx
        .execute(
            context,
            "INSERT INTO products (organization_id, name) VALUES ($1, $2) \
             ON CONFLICT (organization_id, name) DO NOTHING",
            &[Param::int(organization_id), Param::text(product)],
        )
        .await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT id FROM products WHERE organization_id = $1 AND name = $2",
            &[Param::int(organization_id), Param::text(product)],
        )
        .await?;
    let product_id = first(&rows, context)?.int(0)?;
    tx.commit(context).await?;
    Ok(ProductInfo {
        product_id,
        organization_id,
        manufacturer: manufacturer.to_owned(),
        product: product.to_owned(),
        created: n == 1,
    })
}

fn first<'r>(rows: &'r [Row], context: &str) -> Result<&'r Row, RegistryError> {
    rows.first()
        .ok_or_else(|| RegistryError::Shape(format!("{context}: a row just written is missing")))
}

/// Finds the product `product` (of `manufacturer`, when given): (product id, organization
/// id, manufacturer name).
async fn find_product(
    tx: &mut Tx,
    manufacturer: Option<&str>,
    product: &str,
) -> Result<(i64, i64, String), RegistryError> {
    let context = "looking up a product";
    let rows = tx
        .fetch_all(
            context,
            "SELECT p.id, p.organization_id, o.name FROM products p \
             JOIN organizations o ON o.id = p.organization_id \
             WHERE o.kind = 'manufacturer' AND o.namespace = 0 AND p.name = $1 AND ($2 IS NULL OR o.name = $2) \
             ORDER BY o.name",
            &[Param::text(product), Param::Text(manufacturer)],
        )
        .await?;
    match rows.as_slice() {
        [] => Err(RegistryError::NotFound(format!(
            "product {product:?}{} not found; create it with `medsbom product create`",
            manufacturer
                .map(|m| format!(" of {m:?}"))
                .unwrap_or_default()
        ))),
        [row] => Ok((row.int(0)?, row.int(1)?, row.text(2)?)),
        _ => {
            let mut names = Vec::new();
            for row in &rows {
                names.push(row.text(2)?);
            }
            Err(RegistryError::Invalid {
                what: "product",
                value: product.to_owned(),
                reason: format!(
                    "several manufacturers have it ({}); choose one with --manufacturer",
                    names.join(", ")
                ),
            })
        }
    }
}

/// Adds a product version with an empty registry, or a copy of the registry of `from`.
/// A product version that exists without a registry (ingested SBOMs only) gets one.
pub async fn add_version(
    db: &RegistryDb,
    new: &NewVersion<'_>,
) -> Result<VersionKey, RegistryError> {
    let context = "adding a product version";
    let version = new.version.trim();
    if version.is_empty() {
        return Err(RegistryError::Invalid {
            what: "version",
            value: new.version.to_owned(),
            reason: "it is empty".to_owned(),
        });
    }
    let mut tx = db.db.begin(context).await?;
    let (product_id, organization_id, manufacturer) =
        find_product(&mut tx, new.manufacturer, new.product).await?;
    let from = match new.from {
        Some(from) => {
            let key = VersionRef {
                manufacturer: Some(&manufacturer),
                product: new.product,
                version: from,
            };
            Some(load_version(&mut tx, &key).await?)
        }
        None => None,
    };
    tx.execute(
        context,
        "INSERT INTO product_versions (organization_id, product_id, version) VALUES ($1, $2, $3) \
         ON CONFLICT (product_id, version) DO NOTHING",
        &[
            Param::int(organization_id),
            Param::int(product_id),
            Param::text(version),
        ],
    )
    .await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT pv.id, (SELECT count(*) FROM registry_versions r \
             WHERE r.product_version_id = pv.id) \
             FROM product_versions pv WHERE pv.product_id = $1 AND pv.version = $2",
            &[Param::int(product_id), Param::text(version)],
        )
        .await?;
    let row = first(&rows, context)?;
    let product_version_id = row.int(0)?;
    if row.int(1)? > 0 {
        return Err(RegistryError::Exists(format!(
            "{} {version} of {manufacturer} already has a component registry",
            new.product
        )));
    }
    let author = non_empty(new.author)
        .map(str::to_owned)
        .or_else(|| from.as_ref().map(|f| f.author.clone()))
        .unwrap_or_else(|| manufacturer.clone());
    let description = non_empty(new.description)
        .map(str::to_owned)
        .or_else(|| from.as_ref().and_then(|f| f.description.clone()));
    let mut support = Support::default();
    if let Some(level) = non_empty(new.support_level) {
        support.set_level_text(level);
    } else if let Some(from) = &from {
        support.level = from.support.level;
        support.level_text.clone_from(&from.support.level_text);
    }
    if let Some(eos) = non_empty(new.eos) {
        support.end_of_support = Some(Milestone::new("endOfSupport", eos));
    }
    let serial_number = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let now = medsbom_model::now_rfc3339();
    let eos_text = support.end_of_support.as_ref().map(|m| m.text.clone());
    let eos_date = support
        .end_of_support
        .as_ref()
        .and_then(|m| m.date)
        .map(|d| d.to_string());
    tx.execute(
        context,
        "INSERT INTO registry_versions (product_version_id, organization_id, serial_number, \
         revision, revised_at, based_on_id, kind, supplier, author, description, purl, cpe, \
         support_level, support_text, eos_text, eos_date) \
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        &[
            Param::int(product_version_id),
            Param::int(organization_id),
            Param::text(&serial_number),
            Param::text(&now),
            Param::Int(from.as_ref().map(|f| f.key.product_version_id)),
            Param::text(new.kind.as_str()),
            Param::text(&manufacturer),
            Param::text(&author),
            Param::Text(description.as_deref()),
            Param::Text(non_empty(new.purl)),
            Param::Text(non_empty(new.cpe)),
            Param::Text(support.level.map(SupportLevel::as_str)),
            Param::Text(support.level_text.as_deref()),
            Param::Text(eos_text.as_deref()),
            Param::Text(eos_date.as_deref()),
        ],
    )
    .await?;
    if let Some(from) = &from {
        tx.execute(
            context,
            "INSERT INTO registry_components (product_version_id, organization_id, identity, \
             bom_ref, kind, supplier, group_name, name, version, description, purl, cpes, \
             hashes, licenses, copyright, support_level, support_text, eos_text, eos_date, \
             support_source, composition, depends_on, source) \
             SELECT $1, organization_id, identity, bom_ref, kind, supplier, group_name, name, \
             version, description, purl, cpes, hashes, licenses, copyright, support_level, \
             support_text, eos_text, eos_date, support_source, composition, depends_on, source \
             FROM registry_components WHERE product_version_id = $2",
            &[
                Param::int(product_version_id),
                Param::int(from.key.product_version_id),
            ],
        )
        .await?;
    }
    tx.commit(context).await?;
    Ok(VersionKey {
        product_version_id,
        organization_id,
        manufacturer,
        product: new.product.trim().to_owned(),
        version: version.to_owned(),
    })
}

const VERSION_COLUMNS: &str = "pv.id, pv.organization_id, o.name, p.name, pv.version, \
    r.serial_number, r.revision, r.revised_at, b.version, r.kind, r.supplier, r.author, \
    r.description, r.purl, r.cpe, r.support_level, r.support_text, r.eos_text, \
    (SELECT count(*) FROM registry_components c WHERE c.product_version_id = pv.id), \
    l.eos_date";

const VERSION_FROM: &str = "registry_versions r \
    JOIN product_versions pv ON pv.id = r.product_version_id \
    JOIN products p ON p.id = pv.product_id \
    JOIN organizations o ON o.id = p.organization_id \
    LEFT JOIN product_versions b ON b.id = r.based_on_id \
    LEFT JOIN product_version_lifecycle l ON l.product_version_id = pv.id";

fn version_info(row: &Row) -> Result<VersionInfo, RegistryError> {
    let mut support = Support::default();
    if let Some(text) = row.opt_text(16)? {
        support.set_level_text(&text);
    } else if let Some(level) = row.opt_text(15)? {
        support.level = SupportLevel::from_normalized(&level);
    }
    // The device's end of support: as registered, else the lifecycle's EOS date.
    let eos = row.opt_text(17)?.or(row.opt_text(19)?);
    support.end_of_support = eos.map(|text| Milestone::new("endOfSupport", &text));
    Ok(VersionInfo {
        key: VersionKey {
            product_version_id: row.int(0)?,
            organization_id: row.int(1)?,
            manufacturer: row.text(2)?,
            product: row.text(3)?,
            version: row.text(4)?,
        },
        serial_number: row.text(5)?,
        revision: row.int(6)?,
        revised_at: row.text(7)?,
        based_on: row.opt_text(8)?,
        kind: ComponentType::parse(&row.text(9)?),
        supplier: row.text(10)?,
        author: row.text(11)?,
        description: row.opt_text(12)?,
        purl: row.opt_text(13)?,
        cpe: row.opt_text(14)?,
        support,
        n_components: row.int(18)?,
    })
}

/// Loads a version's registry data inside a transaction.
pub(crate) async fn load_version(
    tx: &mut Tx,
    key: &VersionRef<'_>,
) -> Result<VersionInfo, RegistryError> {
    let context = "looking up a product version";
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} \
         WHERE o.kind = 'manufacturer' AND o.namespace = 0 AND p.name = $1 AND pv.version = $2 \
         AND ($3 IS NULL OR o.name = $3) ORDER BY o.name"
    );
    let rows = tx
        .fetch_all(
            context,
            &sql,
            &[
                Param::text(key.product),
                Param::text(key.version),
                Param::Text(key.manufacturer),
            ],
        )
        .await?;
    match rows.as_slice() {
        [] => Err(RegistryError::NotFound(format!(
            "{} {} has no component registry; add the version with `medsbom product version add`",
            key.product, key.version
        ))),
        [row] => version_info(row),
        _ => Err(RegistryError::Invalid {
            what: "product",
            value: key.product.to_owned(),
            reason: "several manufacturers have it; choose one with --manufacturer".to_owned(),
        }),
    }
}

/// Finds a product version that has a registry.
pub async fn find_version(
    db: &RegistryDb,
    key: &VersionRef<'_>,
) -> Result<VersionInfo, RegistryError> {
    let context = "looking up a product version";
    let mut tx = db.db.begin_read(context).await?;
    let res = load_version(&mut tx, key).await?;
    tx.commit(context).await?;
    Ok(res)
}

/// The registry versions of `product` (of every product when `None`), oldest first.
pub async fn list_versions(
    db: &RegistryDb,
    manufacturer: Option<&str>,
    product: Option<&str>,
) -> Result<Vec<VersionInfo>, RegistryError> {
    let context = "listing product versions";
    let mut tx = db.db.begin_read(context).await?;
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} \
         WHERE ($1 IS NULL OR o.name = $1) AND ($2 IS NULL OR p.name = $2) \
         ORDER BY o.name, p.name, pv.id"
    );
    let rows = tx
        .fetch_all(
            context,
            &sql,
            &[Param::Text(manufacturer), Param::Text(product)],
        )
        .await?;
    tx.commit(context).await?;
    rows.iter().map(version_info).collect()
}

const COMPONENT_COLUMNS: &str = "id, identity, bom_ref, kind, supplier, group_name, name, \
    version, description, purl, cpes, hashes, licenses, copyright, support_level, support_text, \
    eos_text, eos_date, support_source, composition, depends_on, source";

fn lines(text: Option<String>) -> Vec<String> {
    text.map(|t| {
        t.lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn join_lines<'a>(items: impl Iterator<Item = &'a str>) -> Option<String> {
    let res: Vec<&str> = items.filter(|i| !i.trim().is_empty()).collect();
    if res.is_empty() {
        None
    } else {
        Some(res.join("\n"))
    }
}

fn encode_license(license: &License) -> String {
    match license {
        License::Id(text) => format!("id:{text}"),
        License::Name(text) => format!("name:{text}"),
        License::Expression(text) => format!("expression:{text}"),
    }
}

fn decode_license(text: &str) -> License {
    if let Some(rest) = text.strip_prefix("id:") {
        License::Id(rest.to_owned())
    } else if let Some(rest) = text.strip_prefix("expression:") {
        License::Expression(rest.to_owned())
    } else {
        License::Name(text.strip_prefix("name:").unwrap_or(text).to_owned())
    }
}

fn component_row(row: &Row) -> Result<RegistryComponent, RegistryError> {
    let mut component = Component::new(&row.text(2)?, &row.text(6)?);
    component.kind = ComponentType::parse(&row.text(3)?);
    component.supplier = row.opt_text(4)?.map(|s| Party::organization(&s));
    component.extra.group = row.opt_text(5)?;
    component.version = row.opt_text(7)?;
    component.extra.description = row.opt_text(8)?;
    component.purl = row.opt_text(9)?;
    component.cpes = lines(row.opt_text(10)?);
    component.hashes = lines(row.opt_text(11)?)
        .into_iter()
        .filter_map(|line| {
            line.split_once(':').map(|(algorithm, value)| Hash {
                algorithm: algorithm.to_owned(),
                value: value.to_owned(),
            })
        })
        .collect();
    component.licenses = lines(row.opt_text(12)?)
        .iter()
        .map(|l| decode_license(l))
        .collect();
    component.extra.copyright = row.opt_text(13)?;
    if let Some(text) = row.opt_text(15)? {
        component.support.set_level_text(&text);
    } else if let Some(level) = row.opt_text(14)? {
        component.support.level = SupportLevel::from_normalized(&level);
    }
    component.support.end_of_support = row
        .opt_text(16)?
        .map(|text| Milestone::new("endOfSupport", &text));
    Ok(RegistryComponent {
        id: row.int(0)?,
        identity: row.text(1)?,
        component,
        composition: row.text(19)?,
        depends_on: lines(row.opt_text(20)?),
        source: row.text(21)?,
        support_source: row.opt_text(18)?,
    })
}

pub(crate) async fn load_components(
    tx: &mut Tx,
    product_version_id: i64,
) -> Result<Vec<RegistryComponent>, RegistryError> {
    let context = "loading components";
    let sql = format!(
        "SELECT {COMPONENT_COLUMNS} FROM registry_components WHERE product_version_id = $1 \
         ORDER BY id"
    );
    let rows = tx
        .fetch_all(context, &sql, &[Param::int(product_version_id)])
        .await?;
    rows.iter().map(component_row).collect()
}

/// The components of a version, in the order they were added.
pub async fn list_components(
    db: &RegistryDb,
    key: &VersionRef<'_>,
) -> Result<(VersionInfo, Vec<RegistryComponent>), RegistryError> {
    let context = "listing components";
    let mut tx = db.db.begin_read(context).await?;
    let info = load_version(&mut tx, key).await?;
    let components = load_components(&mut tx, info.key.product_version_id).await?;
    tx.commit(context).await?;
    Ok((info, components))
}

/// Writes a component row (insert when `id` is `None`, update otherwise).
async fn write_component(
    tx: &mut Tx,
    key: &VersionKey,
    id: Option<i64>,
    item: &RegistryComponent,
) -> Result<(), RegistryError> {
    let context = "writing a component";
    let c = &item.component;
    let supplier = c.supplier.as_ref().map(|s| s.name.as_str());
    let cpes = join_lines(c.cpes.iter().map(String::as_str));
    let hashes: Vec<String> = c
        .hashes
        .iter()
        .map(|h| format!("{}:{}", h.algorithm, h.value))
        .collect();
    let hashes = join_lines(hashes.iter().map(String::as_str));
    let licenses: Vec<String> = c.licenses.iter().map(encode_license).collect();
    let licenses = join_lines(licenses.iter().map(String::as_str));
    let depends_on = join_lines(item.depends_on.iter().map(String::as_str));
    let eos_text = c.support.end_of_support.as_ref().map(|m| m.text.clone());
    let eos_date = c
        .support
        .end_of_support
        .as_ref()
        .and_then(|m| m.date)
        .map(|d| d.to_string());
    let now = medsbom_model::now_rfc3339();
    let params = [
        Param::int(key.product_version_id),
        Param::int(key.organization_id),
        Param::text(&item.identity),
        Param::text(&c.bom_ref),
        Param::text(c.kind.as_str()),
        Param::Text(supplier),
        Param::Text(c.extra.group.as_deref()),
        Param::text(&c.name),
        Param::Text(c.version.as_deref()),
        Param::Text(c.extra.description.as_deref()),
        Param::Text(c.purl.as_deref()),
        Param::Text(cpes.as_deref()),
        Param::Text(hashes.as_deref()),
        Param::Text(licenses.as_deref()),
        Param::Text(c.extra.copyright.as_deref()),
        Param::Text(c.support.level.map(SupportLevel::as_str)),
        Param::Text(c.support.level_text.as_deref()),
        Param::Text(eos_text.as_deref()),
        Param::Text(eos_date.as_deref()),
        Param::Text(item.support_source.as_deref()),
        Param::text(&item.composition),
        Param::Text(depends_on.as_deref()),
        Param::text(&item.source),
        Param::text(&now),
        Param::Int(id),
    ];
    match id {
        None => {
            tx.execute(
                context,
                "INSERT INTO registry_components (product_version_id, organization_id, \
                 identity, bom_ref, kind, supplier, group_name, name, version, description, \
                 purl, cpes, hashes, licenses, copyright, support_level, support_text, eos_text, \
                 eos_date, support_source, composition, depends_on, source, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $17, $18, $19, $20, $21, $22, $23, $24)",
                &params[..24],
            )
            .await?;
        }
        Some(_) => {
            tx.execute(
                context,
                "UPDATE registry_components SET identity = $3, bom_ref = $4, kind = $5, \
                 supplier = $6, group_name = $7, name = $8, version = $9, description = $10, \
                 purl = $11, cpes = $12, hashes = $13, licenses = $14, copyright = $15, \
                 support_level = $16, support_text = $17, eos_text = $18, eos_date = $19, \
                 support_source = $20, composition = $21, depends_on = $22, source = $23, \
                 updated_at = $24 \
                 WHERE id = $25 AND product_version_id = $1 AND organization_id = $2",
                &params,
            )
            .await?;
        }
    }
    Ok(())
}

async fn bump_revision(tx: &mut Tx, product_version_id: i64) -> Result<i64, RegistryError> {
    let context = "recording a registry revision";
    tx.execute(
        context,
        "UPDATE registry_versions SET revision = revision + 1, revised_at = $2 \
         WHERE product_version_id = $1",
        &[
            Param::int(product_version_id),
            Param::text(&medsbom_model::now_rfc3339()),
        ],
    )
    .await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT revision FROM registry_versions WHERE product_version_id = $1",
            &[Param::int(product_version_id)],
        )
        .await?;
    Ok(first(&rows, context)?.int(0)?)
}

/// Finds the component a selector names: its identity, `bom_ref`, purl as written, CPE,
/// `name@version` or name (case-insensitive).
fn resolve<'c>(
    components: &'c [RegistryComponent],
    selector: &str,
) -> Result<&'c RegistryComponent, RegistryError> {
    let selector_trim = selector.trim();
    let exact: Vec<&RegistryComponent> = components
        .iter()
        .filter(|c| {
            c.identity == selector_trim
                || c.component.bom_ref == selector_trim
                || c.component.purl.as_deref() == Some(selector_trim)
                || c.component.cpes.iter().any(|cpe| cpe == selector_trim)
        })
        .collect();
    let candidates = if exact.is_empty() {
        components
            .iter()
            .filter(|c| {
                let name = c.component.name.trim();
                let with_version = format!(
                    "{name}@{}",
                    c.component.version.as_deref().unwrap_or_default()
                );
                name.eq_ignore_ascii_case(selector_trim)
                    || with_version.eq_ignore_ascii_case(selector_trim)
            })
            .collect()
    } else {
        exact
    };
    match candidates.as_slice() {
        [] => Err(RegistryError::NotFound(format!(
            "no component matches {selector:?}"
        ))),
        [one] => Ok(one),
        _ => Err(RegistryError::Ambiguous {
            selector: selector.to_owned(),
            matches: candidates.iter().map(|c| c.identity.clone()).collect(),
        }),
    }
}

fn check_composition(composition: &str) -> Result<(), RegistryError> {
    if AGGREGATES.contains(&composition) {
        Ok(())
    } else {
        Err(RegistryError::Invalid {
            what: "composition",
            value: composition.to_owned(),
            reason: format!("expected one of {}", AGGREGATES.join(", ")),
        })
    }
}

fn check_component(component: &Component) -> Result<(), RegistryError> {
    if component.name.trim().is_empty() {
        return Err(RegistryError::Invalid {
            what: "component name",
            value: component.name.clone(),
            reason: "it is empty".to_owned(),
        });
    }
    if let Some(purl) = non_empty(component.purl.as_deref())
        && let Err(err) = medsbom_versions::purl::Purl::parse(purl)
    {
        return Err(RegistryError::Invalid {
            what: "purl",
            value: purl.to_owned(),
            reason: err.to_string(),
        });
    }
    for cpe in &component.cpes {
        if let Err(err) = medsbom_versions::cpe::Cpe::parse(cpe.trim()) {
            return Err(RegistryError::Invalid {
                what: "CPE",
                value: cpe.clone(),
                reason: err.to_string(),
            });
        }
    }
    Ok(())
}

/// Adds a component by hand. `depends_on` names existing components (see
/// [`edit_component`] for the selectors); `composition` is its known-unknowns statement.
pub async fn add_component(
    db: &RegistryDb,
    key: &VersionRef<'_>,
    component: &Component,
    composition: &str,
    depends_on: &[String],
) -> Result<RegistryComponent, RegistryError> {
    let context = "adding a component";
    check_component(component)?;
    check_composition(composition)?;
    let mut tx = db.db.begin(context).await?;
    let info = load_version(&mut tx, key).await?;
    let existing = load_components(&mut tx, info.key.product_version_id).await?;
    let identity = identity(component);
    if let Some(found) = existing.iter().find(|c| c.identity == identity) {
        return Err(RegistryError::Exists(format!(
            "{} {} already has {identity} ({}); change it with `medsbom component edit`",
            info.key.product, info.key.version, found.component.name
        )));
    }
    let mut deps = Vec::new();
    for selector in depends_on {
        deps.push(resolve(&existing, selector)?.identity.clone());
    }
    let mut component = to_stored(component);
    component.bom_ref = bom_ref_for(&identity);
    let item = RegistryComponent {
        id: 0,
        support_source: (!component.support.is_empty()).then(|| "manual".to_owned()),
        identity,
        component,
        composition: composition.to_owned(),
        depends_on: deps,
        source: "manual".to_owned(),
    };
    write_component(&mut tx, &info.key, None, &item).await?;
    bump_revision(&mut tx, info.key.product_version_id).await?;
    let stored = load_components(&mut tx, info.key.product_version_id).await?;
    tx.commit(context).await?;
    stored
        .into_iter()
        .find(|c| c.identity == item.identity)
        .ok_or_else(|| RegistryError::Shape("the added component is missing".to_owned()))
}

/// Changes a component named by `selector`: its identity, `bom_ref`, purl, CPE,
/// `name@version` or name.
pub async fn edit_component(
    db: &RegistryDb,
    key: &VersionRef<'_>,
    selector: &str,
    edit: &ComponentEdit,
) -> Result<RegistryComponent, RegistryError> {
    let context = "editing a component";
    if let Some(composition) = &edit.composition {
        check_composition(composition)?;
    }
    let mut tx = db.db.begin(context).await?;
    let info = load_version(&mut tx, key).await?;
    let mut all = load_components(&mut tx, info.key.product_version_id).await?;
    let mut item = resolve(&all, selector)?.clone();
    let old_identity = item.identity.clone();
    let c = &mut item.component;
    if let Some(kind) = &edit.kind {
        c.kind = kind.clone();
    }
    if let Some(supplier) = &edit.supplier {
        c.supplier = non_empty(Some(supplier)).map(Party::organization);
    }
    if let Some(version) = &edit.version {
        c.version = non_empty(Some(version)).map(str::to_owned);
    }
    if let Some(purl) = &edit.purl {
        c.purl = non_empty(Some(purl)).map(str::to_owned);
    }
    if let Some(description) = &edit.description {
        c.extra.description = non_empty(Some(description)).map(str::to_owned);
    }
    for cpe in &edit.add_cpes {
        if !c.cpes.contains(cpe) {
            c.cpes.push(cpe.clone());
        }
    }
    for hash in &edit.add_hashes {
        c.hashes.retain(|h| h.algorithm != hash.algorithm);
        c.hashes.push(hash.clone());
    }
    for license in &edit.add_licenses {
        if !c.licenses.contains(license) {
            c.licenses.push(license.clone());
        }
    }
    if let Some(copyright) = &edit.copyright {
        c.extra.copyright = non_empty(Some(copyright)).map(str::to_owned);
    }
    if let Some(level) = &edit.support_level {
        c.support.set_level_text(level);
        item.support_source = Some("manual".to_owned());
    }
    if let Some(eos) = &edit.eos {
        item.component.support.end_of_support = Some(Milestone::new("endOfSupport", eos.trim()));
        item.support_source = Some("manual".to_owned());
    }
    if let Some(composition) = &edit.composition {
        item.composition.clone_from(composition);
    }
    check_component(&item.component)?;
    for selector in &edit.add_depends_on {
        let dep = resolve(&all, selector)?.identity.clone();
        if dep != old_identity && !item.depends_on.contains(&dep) {
            item.depends_on.push(dep);
        }
    }
    for selector in &edit.remove_depends_on {
        let dep = resolve(&all, selector)?.identity.clone();
        item.depends_on.retain(|d| *d != dep);
    }
    item.identity = identity(&item.component);
    if item.identity != old_identity {
        if all.iter().any(|c| c.identity == item.identity) {
            return Err(RegistryError::Exists(format!(
                "another component already has the identity {}",
                item.identity
            )));
        }
        // Dependents follow the renamed identity.
        for other in &mut all {
            if other.id != item.id && other.depends_on.contains(&old_identity) {
                for dep in &mut other.depends_on {
                    if *dep == old_identity {
                        dep.clone_from(&item.identity);
                    }
                }
                write_component(&mut tx, &info.key, Some(other.id), other).await?;
            }
        }
    }
    write_component(&mut tx, &info.key, Some(item.id), &item).await?;
    bump_revision(&mut tx, info.key.product_version_id).await?;
    tx.commit(context).await?;
    Ok(item)
}

/// Removes a component (and the dependency edges to it).
pub async fn remove_component(
    db: &RegistryDb,
    key: &VersionRef<'_>,
    selector: &str,
) -> Result<RegistryComponent, RegistryError> {
    let context = "removing a component";
    let mut tx = db.db.begin(context).await?;
    let info = load_version(&mut tx, key).await?;
    let all = load_components(&mut tx, info.key.product_version_id).await?;
    let item = resolve(&all, selector)?.clone();
    tx.execute(
        context,
        "DELETE FROM registry_components WHERE id = $1",
        &[Param::int(item.id)],
    )
    .await?;
    prune_dangling(&mut tx, &info.key).await?;
    bump_revision(&mut tx, info.key.product_version_id).await?;
    tx.commit(context).await?;
    Ok(item)
}

/// Drops dependency edges to identities the version no longer has.
async fn prune_dangling(tx: &mut Tx, key: &VersionKey) -> Result<(), RegistryError> {
    let all = load_components(tx, key.product_version_id).await?;
    let identities: BTreeSet<&str> = all.iter().map(|c| c.identity.as_str()).collect();
    for item in &all {
        if item
            .depends_on
            .iter()
            .any(|d| !identities.contains(d.as_str()))
        {
            let mut fixed = item.clone();
            fixed.depends_on.retain(|d| identities.contains(d.as_str()));
            write_component(tx, key, Some(item.id), &fixed).await?;
        }
    }
    Ok(())
}

/// One component as the imported file states it.
struct Incoming {
    identity: String,
    component: Component,
    depends_on: Vec<String>,
    composition: Option<String>,
}

fn incoming_components(sbom: &Sbom) -> Vec<Incoming> {
    let mut by_ref: HashMap<&str, String> = HashMap::new();
    let mut res: Vec<Incoming> = Vec::new();
    let mut idx_of: HashMap<String, usize> = HashMap::new();
    for component in &sbom.components {
        let identity = identity(component);
        by_ref.insert(component.bom_ref.as_str(), identity.clone());
        if idx_of.contains_key(&identity) {
            continue;
        }
        let mut component = to_stored(component);
        component.bom_ref = bom_ref_for(&identity);
        idx_of.insert(identity.clone(), res.len());
        res.push(Incoming {
            identity,
            component,
            depends_on: Vec::new(),
            composition: None,
        });
    }
    let mut edges: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for rel in &sbom.relationships {
        if !matches!(
            rel.kind,
            RelationshipKind::DependsOn | RelationshipKind::Contains
        ) {
            continue;
        }
        let (Some(from), Some(to)) = (by_ref.get(rel.from.as_str()), by_ref.get(rel.to.as_str()))
        else {
            continue;
        };
        if from == to {
            continue;
        }
        if let Some(&idx) = idx_of.get(from) {
            let list = edges.entry(idx).or_default();
            if !list.contains(to) {
                list.push(to.clone());
            }
        }
    }
    for (idx, deps) in edges {
        if let Some(item) = res.get_mut(idx) {
            item.depends_on = deps;
        }
    }
    for composition in &sbom.compositions {
        if !AGGREGATES.contains(&composition.aggregate.as_str()) {
            continue;
        }
        for reference in composition
            .dependencies
            .iter()
            .chain(&composition.assemblies)
        {
            if let Some(idx) = by_ref.get(reference.as_str()).and_then(|i| idx_of.get(i))
                && let Some(item) = res.get_mut(*idx)
            {
                item.composition = Some(composition.aggregate.clone());
            }
        }
    }
    res
}

/// Imports the components of a build-tool SBOM (any format medsbom reads), merged by
/// identity; see [`ImportOptions`] and the crate docs.
pub async fn import_sbom(
    db: &RegistryDb,
    key: &VersionRef<'_>,
    sbom: &Sbom,
    options: &ImportOptions<'_>,
) -> Result<ImportSummary, RegistryError> {
    let context = "importing components";
    let label = options.label.trim();
    if label.is_empty() || label == "manual" {
        return Err(RegistryError::Invalid {
            what: "import label",
            value: label.to_owned(),
            reason: "it must be a non-empty name other than \"manual\"".to_owned(),
        });
    }
    let incoming = incoming_components(sbom);
    let mut tx = db.db.begin(context).await?;
    let info = load_version(&mut tx, key).await?;
    let existing = load_components(&mut tx, info.key.product_version_id).await?;
    let by_identity: HashMap<&str, &RegistryComponent> =
        existing.iter().map(|c| (c.identity.as_str(), c)).collect();
    let mut summary = ImportSummary {
        n_in_file: incoming.len(),
        ..ImportSummary::default()
    };
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for item in &incoming {
        seen.insert(item.identity.as_str());
        let old = by_identity.get(item.identity.as_str()).copied();
        let mut component = item.component.clone();
        let mut support_source = (!component.support.is_empty()).then(|| "supplier".to_owned());
        let mut depends_on = item.depends_on.clone();
        let mut composition = item.composition.clone();
        if let Some(old) = old {
            if old.support_source.as_deref() == Some("manual") {
                if component.support != old.component.support {
                    summary.manual_support_kept += 1;
                }
                component.support = old.component.support.clone();
                support_source = old.support_source.clone();
            } else if component.support.is_empty() && !old.component.support.is_empty() {
                component.support = old.component.support.clone();
                support_source = old.support_source.clone();
            }
            if component.supplier.as_ref().is_none_or(|s| !s.is_asserted()) {
                component.supplier = old.component.supplier.clone();
            }
            for dep in &old.depends_on {
                if !depends_on.contains(dep) {
                    depends_on.push(dep.clone());
                }
            }
            if composition.is_none() {
                composition = Some(old.composition.clone());
            }
        }
        if let Some(supplier) = non_empty(options.default_supplier)
            && component.supplier.as_ref().is_none_or(|s| !s.is_asserted())
        {
            component.supplier = Some(Party::organization(supplier));
        }
        if let Some(level) = non_empty(options.default_support_level)
            && component.support.level_text.is_none()
            && component.support.level.is_none()
        {
            component.support.set_level_text(level);
            support_source = Some("manual".to_owned());
        }
        if let Some(eos) = non_empty(options.default_eos)
            && component.support.end_of_support.is_none()
        {
            component.support.end_of_support = Some(Milestone::new("endOfSupport", eos));
            support_source = Some("manual".to_owned());
        }
        let mut row = RegistryComponent {
            id: old.map_or(0, |o| o.id),
            identity: item.identity.clone(),
            component,
            composition: composition.unwrap_or_else(|| "unknown".to_owned()),
            depends_on,
            source: label.to_owned(),
            support_source,
        };
        match old {
            Some(old) => {
                // Keep the bom_ref the registry already uses.
                row.component.bom_ref.clone_from(&old.component.bom_ref);
                if *old == row {
                    summary.unchanged += 1;
                } else {
                    write_component(&mut tx, &info.key, Some(old.id), &row).await?;
                    summary.updated += 1;
                }
            }
            None => {
                write_component(&mut tx, &info.key, None, &row).await?;
                summary.added += 1;
            }
        }
    }
    for old in &existing {
        if old.source == label && !seen.contains(old.identity.as_str()) {
            tx.execute(
                context,
                "DELETE FROM registry_components WHERE id = $1",
                &[Param::int(old.id)],
            )
            .await?;
            summary.removed += 1;
        }
    }
    if summary.removed > 0 {
        prune_dangling(&mut tx, &info.key).await?;
    }
    summary.revision = if summary.added + summary.updated + summary.removed > 0 {
        bump_revision(&mut tx, info.key.product_version_id).await?
    } else {
        info.revision
    };
    tx.commit(context).await?;
    Ok(summary)
}
