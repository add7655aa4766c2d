//! Tenant isolation: which stored SBOMs and products an organization may see.
//!
//! - A manufacturer sees the SBOMs of its own products that it uploaded or that were
//!   ingested from the command line (never a provider's upload).
//! - A provider sees the SBOMs it uploaded, and the manufacturer-visible SBOMs of the
//!   products a manufacturer shared with it.
//!
//! Every listing of the API goes through [`Visible`]; a record outside it answers 404, so
//! that its existence is not revealed either.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::accounts::{OrgKind, Organization};
use crate::db::Param;
use crate::{ServerDb, ServerError};

/// One SBOM an organization may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibleSbom {
    /// The SBOM's id.
    pub sbom_id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// The product's id.
    pub product_id: i64,
    /// Product name.
    pub product: String,
    /// Product version.
    pub product_version: String,
    /// Revision within the product version.
    pub revision: i64,
}

/// Everything one organization may see.
#[derive(Debug, Clone, Default)]
pub struct Visible {
    /// The visible SBOMs by id.
    pub sboms: BTreeMap<i64, VisibleSbom>,
    /// The newest visible revision of each (manufacturer, product, version).
    latest: HashMap<(String, String, String), i64>,
    /// Visible (manufacturer, product) pairs.
    products: HashSet<(String, String)>,
    /// Visible product ids.
    product_ids: HashSet<i64>,
    /// The product versions whose newest stored revision is visible.
    product_version_ids: HashSet<i64>,
}

impl Visible {
    /// Whether the SBOM is visible.
    #[must_use]
    pub fn has_sbom(&self, sbom_id: i64) -> bool {
        self.sboms.contains_key(&sbom_id)
    }

    /// Whether the SBOM is the newest visible revision of its product version.
    #[must_use]
    pub fn is_latest(&self, sbom_id: i64) -> bool {
        match self.sboms.get(&sbom_id) {
            Some(sbom) => {
                self.latest.get(&(
                    sbom.manufacturer.clone(),
                    sbom.product.clone(),
                    sbom.product_version.clone(),
                )) == Some(&sbom_id)
            }
            None => false,
        }
    }

    /// Whether some SBOM of this product is visible.
    #[must_use]
    pub fn has_product(&self, manufacturer: &str, product: &str) -> bool {
        self.products
            .contains(&(manufacturer.to_owned(), product.to_owned()))
    }

    /// Whether the newest stored revision of the product version with this id is visible
    /// (what findings, impact and lifecycle of that product version are read from).
    #[must_use]
    pub fn has_product_version(&self, product_version_id: i64) -> bool {
        self.product_version_ids.contains(&product_version_id)
    }

    /// Whether some SBOM of the product with this id is visible.
    #[must_use]
    pub fn has_product_id(&self, product_id: i64) -> bool {
        self.product_ids.contains(&product_id)
    }
}

/// What `organization` may see.
pub async fn visible(db: &ServerDb, organization: &Organization) -> Result<Visible, ServerError> {
    let own_or_cli = "(EXISTS (SELECT 1 FROM sbom_uploads u WHERE u.sbom_id = s.id \
                      AND u.organization_id = p.organization_id) \
                      OR NOT EXISTS (SELECT 1 FROM sbom_uploads u WHERE u.sbom_id = s.id))";
    let condition = match organization.kind {
        OrgKind::Manufacturer => format!("p.organization_id = $1 AND {own_or_cli}"),
        OrgKind::Provider => format!(
            "(EXISTS (SELECT 1 FROM sbom_uploads u WHERE u.sbom_id = s.id AND u.organization_id = $1) \
             OR (EXISTS (SELECT 1 FROM product_shares sh WHERE sh.product_id = p.id \
             AND sh.organization_id = $1) AND {own_or_cli}))"
        ),
    };
    let sql = format!(
        "SELECT s.id, o.name, p.id, p.name, pv.version, s.revision, \
         pv.id, pv.latest_sbom_id FROM sboms s \
         JOIN product_versions pv ON pv.id = s.product_version_id \
         JOIN products p ON p.id = pv.product_id \
         JOIN organizations o ON o.id = p.organization_id WHERE {condition} ORDER BY s.id"
    );
    let rows = db
        .db
        .fetch_all(
            "listing visible sboms",
            &sql,
            &[Param::Int(Some(organization.id))],
        )
        .await?;
    let mut res = Visible::default();
    for row in rows {
        let sbom = VisibleSbom {
            sbom_id: row.int(0)?,
            manufacturer: row.text(1)?,
            product_id: row.int(2)?,
            product: row.text(3)?,
            product_version: row.text(4)?,
            revision: row.int(5)?,
        };
        let key = (
            sbom.manufacturer.clone(),
            sbom.product.clone(),
            sbom.product_version.clone(),
        );
        let newer = match res.latest.get(&key).and_then(|id| res.sboms.get(id)) {
            Some(current) => current.revision < sbom.revision,
            None => true,
        };
        if newer {
            res.latest.insert(key, sbom.sbom_id);
        }
        res.products
            .insert((sbom.manufacturer.clone(), sbom.product.clone()));
        res.product_ids.insert(sbom.product_id);
        if row.opt_int(7)? == Some(sbom.sbom_id) {
            res.product_version_ids.insert(row.int(6)?);
        }
        res.sboms.insert(sbom.sbom_id, sbom);
    }
    Ok(res)
}

/// Records that `organization` uploaded the SBOM.
pub async fn record_upload(
    db: &ServerDb,
    sbom_id: i64,
    organization_id: i64,
    username: &str,
) -> Result<(), ServerError> {
    db.db
        .execute(
            "recording an upload",
            "INSERT INTO sbom_uploads (sbom_id, organization_id, uploaded_by) VALUES ($1, $2, $3) \
             ON CONFLICT (sbom_id, organization_id) DO NOTHING",
            &[
                Param::Int(Some(sbom_id)),
                Param::Int(Some(organization_id)),
                Param::Text(Some(username)),
            ],
        )
        .await?;
    Ok(())
}

/// Shares a manufacturer's product with a provider; returns whether it was new.
pub async fn share_product(
    db: &ServerDb,
    product_id: i64,
    provider_id: i64,
    username: &str,
) -> Result<bool, ServerError> {
    let n = db
        .db
        .execute(
            "sharing a product",
            "INSERT INTO product_shares (product_id, organization_id, shared_by) VALUES ($1, $2, $3) \
             ON CONFLICT (product_id, organization_id) DO NOTHING",
            &[
                Param::Int(Some(product_id)),
                Param::Int(Some(provider_id)),
                Param::Text(Some(username)),
            ],
        )
        .await?;
    Ok(0 < n)
}

/// One share of a product with a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    /// The product's id.
    pub product_id: i64,
    /// Manufacturer name.
    pub manufacturer: String,
    /// Product name.
    pub product: String,
    /// The provider's name.
    pub provider: String,
    /// Who shared it.
    pub shared_by: String,
    /// When.
    pub created_at: String,
}

/// The shares an organization made (manufacturer) or received (provider).
pub async fn list_shares(
    db: &ServerDb,
    organization: &Organization,
) -> Result<Vec<Share>, ServerError> {
    let column = match organization.kind {
        OrgKind::Manufacturer => "p.organization_id",
        OrgKind::Provider => "sh.organization_id",
    };
    let sql = format!(
        "SELECT p.id, m.name, p.name, h.name, sh.shared_by, sh.created_at FROM product_shares sh \
         JOIN products p ON p.id = sh.product_id JOIN organizations m ON m.id = p.organization_id \
         JOIN organizations h ON h.id = sh.organization_id WHERE {column} = $1 ORDER BY m.name, p.name, h.name"
    );
    let rows = db
        .db
        .fetch_all("listing shares", &sql, &[Param::Int(Some(organization.id))])
        .await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in rows {
        res.push(Share {
            product_id: row.int(0)?,
            manufacturer: row.text(1)?,
            product: row.text(2)?,
            provider: row.text(3)?,
            shared_by: row.text(4)?,
            created_at: row.text(5)?,
        });
    }
    Ok(res)
}

/// The owner organization id of a product, if the product exists.
pub async fn product_owner(db: &ServerDb, product_id: i64) -> Result<Option<i64>, ServerError> {
    let row = db
        .db
        .fetch_optional(
            "reading a product",
            "SELECT organization_id FROM products WHERE id = $1",
            &[Param::Int(Some(product_id))],
        )
        .await?;
    Ok(row.map(|row| row.int(0)).transpose()?)
}

/// Whether a manufacturer of this name is a tenant here (has users). A provider may not file
/// SBOMs under such a manufacturer's products: the manufacturer publishes and shares them
/// itself, and a provider's document would otherwise become a revision of its product.
pub async fn manufacturer_is_tenant(db: &ServerDb, name: &str) -> Result<bool, ServerError> {
    let row = db
        .db
        .fetch_optional(
            "checking a manufacturer",
            "SELECT 1 FROM users u JOIN organizations o ON o.id = u.organization_id \
             WHERE o.kind = 'manufacturer' AND o.name = $1 LIMIT 1",
            &[Param::Text(Some(name))],
        )
        .await?;
    Ok(row.is_some())
}

/// One node of an SBOM's dependency tree, in depth-first order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// Depth below the root (0 for a root).
    pub depth: usize,
    /// The component's name.
    pub name: String,
    /// The component's version.
    pub version: Option<String>,
    /// Whether the component was already shown higher up (its children are not repeated).
    pub repeated: bool,
}

/// The dependency tree of a stored SBOM (`depends-on` and `contains` edges from its root
/// components), depth-first, at most `max_nodes` nodes; cycles and shared dependencies are
/// shown once and then marked as repeated.
pub async fn dependency_tree(
    db: &ServerDb,
    sbom_id: i64,
    max_nodes: usize,
) -> Result<Vec<TreeNode>, ServerError> {
    let context = "reading the dependency tree";
    let rows = db
        .db
        .fetch_all(
            context,
            "SELECT idx, name, version, is_root FROM sbom_components WHERE sbom_id = $1 ORDER BY idx",
            &[Param::Int(Some(sbom_id))],
        )
        .await?;
    let mut components: BTreeMap<i64, (String, Option<String>, bool)> = BTreeMap::new();
    for row in rows {
        components.insert(
            row.int(0)?,
            (row.text(1)?, row.opt_text(2)?, row.int(3)? != 0),
        );
    }
    let rows = db
        .db
        .fetch_all(
            context,
            "SELECT from_idx, to_idx FROM sbom_relationships WHERE sbom_id = $1 \
             AND kind IN ('depends-on', 'contains') AND from_idx IS NOT NULL AND to_idx IS NOT NULL",
            &[Param::Int(Some(sbom_id))],
        )
        .await?;
    let mut children: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut has_parent: HashSet<i64> = HashSet::new();
    for row in rows {
        let (from, to) = (row.int(0)?, row.int(1)?);
        children.entry(from).or_default().push(to);
        has_parent.insert(to);
    }
    let mut roots: Vec<i64> = components
        .iter()
        .filter(|(_, c)| c.2)
        .map(|(idx, _)| *idx)
        .collect();
    if roots.is_empty() {
        roots = components
            .keys()
            .copied()
            .filter(|idx| !has_parent.contains(idx) && children.contains_key(idx))
            .collect();
    }
    let mut res = Vec::new();
    let mut seen: HashSet<i64> = HashSet::new();
    let mut stack: Vec<(i64, usize)> = roots.into_iter().rev().map(|idx| (idx, 0)).collect();
    while let Some((idx, depth)) = stack.pop() {
        if max_nodes <= res.len() {
            break;
        }
        let Some((name, version, _)) = components.get(&idx) else {
            continue;
        };
        let repeated = !seen.insert(idx);
        res.push(TreeNode {
            depth,
            name: name.clone(),
            version: version.clone(),
            repeated,
        });
        if repeated {
            continue;
        }
        if let Some(kids) = children.get(&idx) {
            stack.extend(kids.iter().rev().map(|kid| (*kid, depth + 1)));
        }
    }
    Ok(res)
}
