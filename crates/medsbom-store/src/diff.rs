//! Diff of two SBOMs: components added, removed, upgraded, downgraded, and support changes.
//!
//! Components are matched by package identity without version: the purl's
//! `pkg:type/namespace/name`, else the CPE's part, vendor and product, else the lowercase
//! `group/name`. Within one identity, equal versions pair first; the rest pair in version
//! order, and what is left over is added or removed.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use medsbom_model::{Component, Sbom};
use medsbom_versions::compare::{Scheme, compare};
use medsbom_versions::cpe::{Cpe, CpeValue};
use medsbom_versions::purl::Purl;

use crate::db::{Param, Row, ShapeError};
use crate::identity::canonical_cpe;
use crate::{Store, StoreError};

/// What changed for one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Only in the new SBOM.
    Added,
    /// Only in the old SBOM.
    Removed,
    /// In both, with a higher version in the new one.
    Upgraded,
    /// In both, with a lower version in the new one.
    Downgraded,
    /// In both, with versions the ecosystem's ordering cannot compare.
    VersionChanged,
    /// Same version, but another level of support or end of support.
    SupportChanged,
}

impl Change {
    /// `added`, `removed`, `upgraded`, `downgraded`, `version-changed`, `support-changed`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Upgraded => "upgraded",
            Change::Downgraded => "downgraded",
            Change::VersionChanged => "version-changed",
            Change::SupportChanged => "support-changed",
        }
    }
}

/// What a diff needs to know about a component.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComponentSummary {
    /// `group/name`, or the name.
    pub name: String,
    /// Version as written.
    pub version: Option<String>,
    /// Purl as written.
    pub purl: Option<String>,
    /// First CPE (canonical 2.3 form when valid).
    pub cpe: Option<String>,
    /// Supplier name.
    pub supplier: Option<String>,
    /// Normalized level of support.
    pub support_level: Option<String>,
    /// End of support as written.
    pub end_of_support: Option<String>,
}

impl ComponentSummary {
    /// The summary of a model component.
    #[must_use]
    pub fn from_component(component: &Component) -> ComponentSummary {
        let name = match component.extra.group.as_deref().map(str::trim) {
            Some(group) if !group.is_empty() => format!("{group}/{}", component.name.trim()),
            _ => component.name.trim().to_owned(),
        };
        ComponentSummary {
            name,
            version: component.version.clone(),
            purl: component.purl.clone(),
            cpe: canonical_cpe(component).or_else(|| component.cpe().map(str::to_owned)),
            supplier: component.supplier.as_ref().map(|s| s.name.clone()),
            support_level: component.support.level.map(|l| l.as_str().to_owned()),
            end_of_support: component
                .support
                .end_of_support
                .as_ref()
                .map(|m| m.text.clone()),
        }
    }
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffEntry {
    /// What changed.
    pub change: Change,
    /// The identity the two sides were matched on (`pkg:npm/lodash`, `cpe:2.3:a:v:p`,
    /// or the lowercase name).
    pub identity: String,
    /// The component in the old SBOM (`None` when added).
    pub old: Option<ComponentSummary>,
    /// The component in the new SBOM (`None` when removed).
    pub new: Option<ComponentSummary>,
}

/// A stored SBOM to diff: a product version (its newest revision unless one is given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffTarget {
    /// Product name (case-insensitive).
    pub product: String,
    /// Product version.
    pub product_version: String,
    /// Revision; `None` for the newest.
    pub revision: Option<i64>,
    /// Manufacturer, needed only when two manufacturers have a product of that name.
    pub manufacturer: Option<String>,
}

/// Diff of two documents.
#[must_use]
pub fn diff_sboms(old: &Sbom, new: &Sbom) -> Vec<DiffEntry> {
    let old: Vec<ComponentSummary> = old
        .components
        .iter()
        .map(ComponentSummary::from_component)
        .collect();
    let new: Vec<ComponentSummary> = new
        .components
        .iter()
        .map(ComponentSummary::from_component)
        .collect();
    diff_components(&old, &new)
}

/// The components of one identity: its version scheme, the old ones and the new ones.
type IdentityGroup<'a> = (
    Option<Scheme>,
    Vec<&'a ComponentSummary>,
    Vec<&'a ComponentSummary>,
);

/// Diff of two component lists, ordered by identity, then change.
#[must_use]
pub fn diff_components(old: &[ComponentSummary], new: &[ComponentSummary]) -> Vec<DiffEntry> {
    let mut groups: BTreeMap<String, IdentityGroup<'_>> = BTreeMap::new();
    for component in old {
        let (identity, scheme) = identity_of(component);
        let group = groups
            .entry(identity)
            .or_insert((scheme, Vec::new(), Vec::new()));
        group.1.push(component);
    }
    for component in new {
        let (identity, scheme) = identity_of(component);
        let group = groups
            .entry(identity)
            .or_insert((scheme, Vec::new(), Vec::new()));
        group.2.push(component);
    }
    let mut res = Vec::new();
    for (identity, (scheme, mut olds, mut news)) in groups {
        let entry = |change: Change,
                     old: Option<&ComponentSummary>,
                     new: Option<&ComponentSummary>| DiffEntry {
            change,
            identity: identity.clone(),
            old: old.cloned(),
            new: new.cloned(),
        };
        let mut group_entries = Vec::new();
        // Equal versions pair first; a different support statement is a support change.
        let mut idx = 0;
        while idx < olds.len() {
            let Some(old) = olds.get(idx).copied() else {
                break;
            };
            match news.iter().position(|new| new.version == old.version) {
                Some(pos) => {
                    let new = news.remove(pos);
                    olds.remove(idx);
                    if old.support_level != new.support_level
                        || old.end_of_support != new.end_of_support
                    {
                        group_entries.push(entry(Change::SupportChanged, Some(old), Some(new)));
                    }
                }
                None => idx += 1,
            }
        }
        let order = |a: &&ComponentSummary, b: &&ComponentSummary| version_order(scheme, a, b);
        olds.sort_by(order);
        news.sort_by(order);
        let n_pairs = olds.len().min(news.len());
        for (old, new) in olds.iter().zip(news.iter()) {
            let change = match (old.version.as_deref(), new.version.as_deref()) {
                (Some(a), Some(b)) => match compare(scheme.unwrap_or(Scheme::Generic), a, b) {
                    Ok(Ordering::Less) => Change::Upgraded,
                    Ok(Ordering::Greater) => Change::Downgraded,
                    Ok(Ordering::Equal) | Err(_) => Change::VersionChanged,
                },
                _ => Change::VersionChanged,
            };
            group_entries.push(entry(change, Some(old), Some(new)));
        }
        for old in olds.iter().skip(n_pairs) {
            group_entries.push(entry(Change::Removed, Some(old), None));
        }
        for new in news.iter().skip(n_pairs) {
            group_entries.push(entry(Change::Added, None, Some(new)));
        }
        group_entries.sort_by_key(|entry| entry.change);
        res.extend(group_entries);
    }
    res
}

/// The matching identity of a component and the version ordering of its ecosystem.
fn identity_of(component: &ComponentSummary) -> (String, Option<Scheme>) {
    if let Some(purl) = component
        .purl
        .as_deref()
        .and_then(|p| Purl::parse(p.trim()).ok())
    {
        return (purl.package_key(), Scheme::from_purl_type(purl.ty()));
    }
    if let Some(cpe) = component.cpe.as_deref().and_then(|c| Cpe::parse(c).ok()) {
        let text = |value: &CpeValue| match value {
            CpeValue::Value(text) => text.clone(),
            CpeValue::Any => "*".to_owned(),
            CpeValue::Na => "-".to_owned(),
        };
        return (
            format!(
                "cpe:2.3:{}:{}:{}",
                text(cpe.part()),
                text(cpe.vendor()),
                text(cpe.product())
            ),
            None,
        );
    }
    (component.name.to_lowercase(), None)
}

fn version_order(scheme: Option<Scheme>, a: &ComponentSummary, b: &ComponentSummary) -> Ordering {
    match (a.version.as_deref(), b.version.as_deref()) {
        (Some(x), Some(y)) => {
            compare(scheme.unwrap_or(Scheme::Generic), x, y).unwrap_or_else(|_| x.cmp(y))
        }
        (x, y) => x.cmp(&y),
    }
}

impl Store {
    /// Diff of two stored SBOMs, each chosen by product version (and optional revision).
    pub async fn diff_versions(
        &self,
        old: &DiffTarget,
        new: &DiffTarget,
    ) -> Result<Vec<DiffEntry>, StoreError> {
        let old_id = self.resolve_target(old).await?;
        let new_id = self.resolve_target(new).await?;
        let old = self.component_summaries(old_id).await?;
        let new = self.component_summaries(new_id).await?;
        Ok(diff_components(&old, &new))
    }

    /// The component summaries of a stored SBOM, in document order.
    pub async fn component_summaries(
        &self,
        sbom_id: i64,
    ) -> Result<Vec<ComponentSummary>, StoreError> {
        let context = "reading components";
        let rows = self
            .pool
            .fetch_all(
                "SELECT c.group_name, c.name, c.version, COALESCE(c.purl, k.purl), c.cpe, \
                 c.supplier, c.support_level, c.eos_text \
                 FROM sbom_components c JOIN packages k ON k.id = c.package_id \
                 WHERE c.sbom_id = $1 ORDER BY c.idx",
                &[Param::Int(Some(sbom_id))],
            )
            .await
            .map_err(|err| self.db_err(context, err))?;
        rows.iter()
            .map(|row| summary(row).map_err(|err| self.shape_err(context, err)))
            .collect()
    }

    /// The SBOM id of a diff target.
    pub async fn resolve_target(&self, target: &DiffTarget) -> Result<i64, StoreError> {
        let context = "finding the product version";
        let rows = self
            .pool
            .fetch_all(
                "SELECT pv.id, pv.latest_sbom_id, o.name FROM product_versions pv \
                 JOIN products p ON p.id = pv.product_id \
                 JOIN organizations o ON o.id = p.organization_id \
                 WHERE lower(p.name) = lower($1) AND pv.version = $2 \
                 AND ($3 IS NULL OR lower(o.name) = lower($3))",
                &[
                    Param::Text(Some(target.product.trim())),
                    Param::Text(Some(target.product_version.trim())),
                    Param::Text(target.manufacturer.as_deref()),
                ],
            )
            .await
            .map_err(|err| self.db_err(context, err))?;
        let what = format!(
            "product {} version {}",
            target.product, target.product_version
        );
        let row = match rows.as_slice() {
            [] => return Err(StoreError::NotFound(what)),
            [row] => row,
            _ => {
                let mut manufacturers = Vec::new();
                for row in &rows {
                    manufacturers.push(row.text(2).map_err(|err| self.shape_err(context, err))?);
                }
                return Err(StoreError::InvalidQuery {
                    what: "product",
                    value: target.product.clone(),
                    reason: format!(
                        "several manufacturers have it ({}); name one with --manufacturer",
                        manufacturers.join(", ")
                    ),
                });
            }
        };
        let shape = |err| self.shape_err(context, err);
        let Some(revision) = target.revision else {
            return match row.opt_int(1).map_err(shape)? {
                Some(sbom_id) => Ok(sbom_id),
                None => Err(StoreError::NotFound(format!("an sbom of {what}"))),
            };
        };
        let product_version_id = row.int(0).map_err(shape)?;
        let found = self
            .pool
            .fetch_optional(
                "SELECT id FROM sboms WHERE product_version_id = $1 AND revision = $2",
                &[
                    Param::Int(Some(product_version_id)),
                    Param::Int(Some(revision)),
                ],
            )
            .await
            .map_err(|err| self.db_err(context, err))?;
        match found {
            Some(row) => row.int(0).map_err(shape),
            None => Err(StoreError::NotFound(format!(
                "revision {revision} of {what}"
            ))),
        }
    }
}

fn summary(row: &Row) -> Result<ComponentSummary, ShapeError> {
    let name = row.text(1)?;
    let name = match row.opt_text(0)? {
        Some(group) if !group.trim().is_empty() => format!("{}/{}", group.trim(), name.trim()),
        _ => name.trim().to_owned(),
    };
    Ok(ComponentSummary {
        name,
        version: row.opt_text(2)?,
        purl: row.opt_text(3)?,
        cpe: row.opt_text(4)?,
        supplier: row.opt_text(5)?,
        support_level: row.opt_text(6)?,
        end_of_support: row.opt_text(7)?,
    })
}

#[cfg(test)]
mod tests {
    use medsbom_model::{Component, Sbom, SbomFormat, SupportLevel};

    use super::*;

    fn component(name: &str, version: &str, purl: Option<&str>) -> Component {
        let mut res = Component::new(&format!("{name}@{version}"), name);
        res.version = Some(version.to_owned());
        res.purl = purl.map(str::to_owned);
        res
    }

    fn sbom(components: Vec<Component>) -> Sbom {
        let mut res = Sbom::new(SbomFormat::CycloneDx, "1.6");
        res.components = components;
        res
    }

    fn check(old: Vec<Component>, new: Vec<Component>, expect: &[&str]) {
        let entries = diff_sboms(&sbom(old), &sbom(new));
        let actual: Vec<String> = entries
            .iter()
            .map(|e| {
                let version = |s: &Option<ComponentSummary>| {
                    s.as_ref()
                        .and_then(|s| s.version.clone())
                        .unwrap_or_else(|| "-".to_owned())
                };
                format!(
                    "{} {} {} -> {}",
                    e.change.as_str(),
                    e.identity,
                    version(&e.old),
                    version(&e.new)
                )
            })
            .collect();
        assert_eq!(actual, expect);
    }

    #[test]
    fn upgrades_and_downgrades_use_the_ecosystem_order() {
        check(
            vec![
                component("lodash", "4.17.9", Some("pkg:npm/lodash@4.17.9")),
                component("django", "4.2rc1", Some("pkg:pypi/django@4.2rc1")),
                component(
                    "openssl",
                    "1.1.1w",
                    Some("pkg:deb/debian/openssl@1.1.1w-0+deb11u1"),
                ),
            ],
            vec![
                component("lodash", "4.17.21", Some("pkg:npm/lodash@4.17.21")),
                component("Django", "4.2", Some("pkg:pypi/Django@4.2")),
                component(
                    "openssl",
                    "1.1.1n",
                    Some("pkg:deb/debian/openssl@1.1.1n-0+deb11u1"),
                ),
            ],
            &[
                "downgraded pkg:deb/debian/openssl 1.1.1w -> 1.1.1n",
                "upgraded pkg:npm/lodash 4.17.9 -> 4.17.21",
                "upgraded pkg:pypi/django 4.2rc1 -> 4.2",
            ],
        );
    }

    #[test]
    fn added_removed_and_multiple_versions() {
        check(
            vec![
                component("a", "1.0.0", Some("pkg:npm/a@1.0.0")),
                component("b", "1.0.0", Some("pkg:npm/b@1.0.0")),
                component("b", "2.0.0", Some("pkg:npm/b@2.0.0")),
                component("fw", "7", None),
            ],
            vec![
                component("b", "2.0.0", Some("pkg:npm/b@2.0.0")),
                component("c", "0.1.0", Some("pkg:npm/c@0.1.0")),
                component("FW", "8", None),
            ],
            &[
                "upgraded fw 7 -> 8",
                "removed pkg:npm/a 1.0.0 -> -",
                "removed pkg:npm/b 1.0.0 -> -",
                "added pkg:npm/c - -> 0.1.0",
            ],
        );
    }

    #[test]
    fn support_changes_on_the_same_version() {
        let old = component("zlib", "1.3", Some("pkg:generic/zlib@1.3"));
        let mut new = old.clone();
        new.support.set_level_text("EOL");
        check(
            vec![old],
            vec![new.clone()],
            &["support-changed pkg:generic/zlib 1.3 -> 1.3"],
        );
        assert_eq!(new.support.level, Some(SupportLevel::NoLongerMaintained));
    }
}
