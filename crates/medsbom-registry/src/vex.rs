//! The current VEX of a product version, read (never written) from the tables of
//! `0005_vex.sql` (owned by `medsbom-vex`): the manufacturer's own analyses of findings, and
//! imported VEX statements scoped to the product.

use crate::db::Param;
use crate::{RegistryDb, RegistryError};

/// One exploitability statement that applies to a product version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexEntry {
    /// The vulnerability id (upper case) the statement is about.
    pub vulnerability_id: String,
    /// The component (purl, CPE or package key) for an analysis; `None` for a statement
    /// about the product as a whole.
    pub component: Option<String>,
    /// `not_affected`, `affected`, `fixed` or `under_investigation`.
    pub state: String,
    /// The canonical justification, when given.
    pub justification: Option<String>,
    /// The responses, a JSON list as stored.
    pub responses: String,
    /// Free-text detail.
    pub detail: Option<String>,
    /// When it was stated or recorded.
    pub at: Option<String>,
}

/// The newest manufacturer analysis per (component, vulnerability) of `product`
/// `version`, then the newest imported statement per vulnerability scoped to the product
/// (any version, or this one), newest first within each kind.
pub async fn product_vex(
    db: &RegistryDb,
    product: &str,
    version: &str,
) -> Result<Vec<VexEntry>, RegistryError> {
    let context = "reading the VEX of a product version";
    let mut tx = db.db.begin_read(context).await?;
    let analyses = tx
        .fetch_all(
            context,
            "SELECT a.vulnerability_id, a.component, a.state, a.justification, a.responses, \
             a.detail, a.recorded_at FROM vex_analyses a \
             WHERE a.role = 'manufacturer' AND a.product = $1 AND a.product_version = $2 \
             AND NOT EXISTS (SELECT 1 FROM vex_analyses b WHERE b.role = 'manufacturer' \
             AND b.product = a.product AND b.product_version = a.product_version \
             AND b.component = a.component AND b.vulnerability_id = a.vulnerability_id \
             AND (b.recorded_at > a.recorded_at OR (b.recorded_at = a.recorded_at AND b.id > a.id))) \
             ORDER BY a.recorded_at DESC, a.id DESC",
            &[Param::text(product), Param::text(version)],
        )
        .await?;
    let statements = tx
        .fetch_all(
            context,
            "SELECT DISTINCT i.vulnerability_id, s.status, s.justification, s.responses, \
             s.detail, s.stated_at, s.id FROM vex_statements s \
             JOIN vex_statement_ids i ON i.statement_id = s.id \
             JOIN vex_scopes sc ON sc.statement_id = s.id \
             WHERE lower(sc.product) = lower($1) \
             AND (sc.product_version IS NULL OR sc.product_version = $2) \
             ORDER BY s.stated_at DESC, s.id DESC",
            &[Param::text(product), Param::text(version)],
        )
        .await?;
    tx.commit(context).await?;
    let mut res = Vec::with_capacity(analyses.len() + statements.len());
    for row in &analyses {
        res.push(VexEntry {
            vulnerability_id: row.text(0)?.to_uppercase(),
            component: Some(row.text(1)?),
            state: row.text(2)?,
            justification: row.opt_text(3)?,
            responses: row.text(4)?,
            detail: row.opt_text(5)?,
            at: row.opt_text(6)?,
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for row in &statements {
        let id = row.text(0)?.to_uppercase();
        if !seen.insert(id.clone()) {
            continue;
        }
        res.push(VexEntry {
            vulnerability_id: id,
            component: None,
            state: row.text(1)?,
            justification: row.opt_text(2)?,
            responses: row.text(3)?,
            detail: row.opt_text(4)?,
            at: row.opt_text(5)?,
        });
    }
    Ok(res)
}

/// The CycloneDX analysis state of a canonical VEX status.
#[must_use]
pub fn cyclonedx_state(status: &str) -> &'static str {
    match status {
        "not_affected" => "not_affected",
        "affected" => "exploitable",
        "fixed" => "resolved",
        _ => "in_triage",
    }
}

/// The CycloneDX justification of a canonical (OpenVEX/CSAF) justification, or of a
/// CycloneDX value as is.
#[must_use]
pub fn cyclonedx_justification(text: &str) -> Option<&'static str> {
    Some(match text {
        "component_not_present" | "vulnerable_code_not_present" | "code_not_present" => {
            "code_not_present"
        }
        "vulnerable_code_not_in_execute_path" | "code_not_reachable" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" | "requires_environment" => {
            "requires_environment"
        }
        "inline_mitigations_already_exist" | "protected_by_mitigating_control" => {
            "protected_by_mitigating_control"
        }
        "requires_configuration" => "requires_configuration",
        "requires_dependency" => "requires_dependency",
        "protected_by_compiler" => "protected_by_compiler",
        "protected_at_runtime" => "protected_at_runtime",
        "protected_at_perimeter" => "protected_at_perimeter",
        _ => return None,
    })
}
