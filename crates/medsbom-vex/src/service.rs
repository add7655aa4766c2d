//! The VEX tables (`0005_vex.sql`, owners in `0008_vex_tenancy.sql`): importing documents,
//! recording analyses, and reading them back for findings ([`annotate`]) and exports
//! ([`crate::export::gather`]).
//!
//! Sources and analyses have an owner: the organization of `medsbom serve` that uploaded or
//! recorded them, none for the command line. Readers pass a [`VexScope`]: the command line
//! reads everything, a server tenant what [`organization_scope`] allows.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use medsbom_store::{OpenOptions, Store};
use sha2::{Digest, Sha256};

use crate::VexError;
use crate::db::{Db, Param, Tx, placeholders};
use crate::model::{
    Authority, BomLink, Scope, Skipped, Statement, Status, VexDocument, canonical_justification,
};
use crate::resolve::{
    Candidate, ComponentIdentity, FindingContext, Resolution, purl_matches, resolve,
};

/// Identifiers per `IN (…)` list.
const CHUNK: usize = 500;

/// The store with the VEX tables: the [`Store`] (which applies the migrations, including
/// `0005_vex.sql`) and a connection pool of this crate's own to the same database.
///
/// Cloning is cheap and shares both pools.
#[derive(Clone)]
pub struct VexDb {
    store: Store,
    pub(crate) db: Db,
}

impl VexDb {
    /// Opens (creating and migrating when needed) the database `db` as [`Store::open`]
    /// does: a `postgres://` URL, a `sqlite:` URL or a file path.
    pub async fn open(db: &str) -> Result<VexDb, VexError> {
        let store = Store::open(db).await?;
        VexDb::attach(store, db).await
    }

    /// Adds this crate's pool to an open store; `db` is what the store was opened with
    /// (for PostgreSQL the URL, which the store does not give back).
    pub async fn attach(store: Store, db: &str) -> Result<VexDb, VexError> {
        let pool = Db::attach(&store, db, &OpenOptions::default())
            .await
            .map_err(|source| VexError::Open {
                db: store.name().to_owned(),
                source,
            })?;
        Ok(VexDb { store, db: pool })
    }

    /// The store (for ingest, listings, …).
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The database as shown in messages.
    #[must_use]
    pub fn name(&self) -> &str {
        self.db.name()
    }

    /// Closes both pools.
    pub async fn close(&self) {
        self.db.close().await;
        self.store.close().await;
    }
}

/// Whose VEX sources and analyses a reader sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum VexScope {
    /// Every record, whoever owns it (the command line, one user's database).
    #[default]
    Everything,
    /// What one organization of `medsbom serve` sees ([`organization_scope`]).
    Organization(OrganizationScope),
}

/// What one organization sees: the records without an owner (command line), its own, and
/// those of the manufacturers that share products with it (analyses: for those products).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationScope {
    organization_id: i64,
    /// Manufacturer organization id → the names (lower case) of its products shared with
    /// this organization.
    shared: BTreeMap<i64, BTreeSet<String>>,
}

impl OrganizationScope {
    /// The organization.
    #[must_use]
    pub fn organization_id(&self) -> i64 {
        self.organization_id
    }
}

impl VexScope {
    /// Whether a source owned by `owner` (`None`: the command line) is visible.
    #[must_use]
    pub fn sees_source(&self, owner: Option<i64>) -> bool {
        match (self, owner) {
            (VexScope::Everything, _) | (VexScope::Organization(_), None) => true,
            (VexScope::Organization(scope), Some(owner)) => {
                owner == scope.organization_id || scope.shared.contains_key(&owner)
            }
        }
    }

    /// Whether an analysis of `product` owned by `owner` is visible: a manufacturer's
    /// analyses only for the products it shares with this organization.
    #[must_use]
    pub fn sees_analysis(&self, owner: Option<i64>, product: &str) -> bool {
        match (self, owner) {
            (VexScope::Everything, _) | (VexScope::Organization(_), None) => true,
            (VexScope::Organization(scope), Some(owner)) => {
                owner == scope.organization_id
                    || scope
                        .shared
                        .get(&owner)
                        .is_some_and(|products| products.contains(&product.to_lowercase()))
            }
        }
    }

    /// The organization whose view this is, `None` for everything.
    #[must_use]
    pub fn organization_id(&self) -> Option<i64> {
        match self {
            VexScope::Everything => None,
            VexScope::Organization(scope) => Some(scope.organization_id),
        }
    }
}

/// The scope of the organization `organization_id` (a row of the store's `organizations`):
/// its own records, the command line's, and those of every manufacturer organization that
/// shares a product with it (`product_shares`).
pub async fn organization_scope(db: &VexDb, organization_id: i64) -> Result<VexScope, VexError> {
    let context = "reading the products shared with an organization";
    let mut tx = db.db.begin_read(context).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT p.organization_id, p.name FROM product_shares sh \
             JOIN products p ON p.id = sh.product_id \
             JOIN organizations o ON o.id = p.organization_id \
             WHERE sh.organization_id = $1 AND o.kind = 'manufacturer' \
             AND p.organization_id <> $1",
            &[Param::int(organization_id)],
        )
        .await?;
    tx.commit(context).await?;
    let mut shared: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        shared
            .entry(row.int(0)?)
            .or_default()
            .insert(row.text(1)?.to_lowercase());
    }
    Ok(VexScope::Organization(OrganizationScope {
        organization_id,
        shared,
    }))
}

/// How to record an imported document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions<'a> {
    /// The file it came from, for people.
    pub file: Option<&'a str>,
    /// Who imported it.
    pub imported_by: &'a str,
    /// The source's authority; `None` takes what the document claims (a CSAF `vendor`
    /// publisher), else [`Authority::ThirdParty`]. At resolution, a statement whose author
    /// is the product's manufacturer counts as the manufacturer's anyway (for a source
    /// without an owner; see [`StoredStatement::ranking`]).
    pub authority: Option<Authority>,
    /// The organization of `medsbom serve` that imports it; `None` for the command line
    /// (a global source, seen by every organization).
    pub organization_id: Option<i64>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The `vex_sources` row.
    pub source_id: i64,
    /// Whether the same bytes were imported before (nothing was added).
    pub already_imported: bool,
    /// Statements stored.
    pub n_statements: usize,
    /// The statements that were skipped, with the reasons.
    pub skipped: Vec<Skipped>,
    /// Things worth knowing that did not stop a statement: products not stored yet (the
    /// statement applies once they are ingested), vulnerabilities not in the feeds.
    pub notes: Vec<String>,
}

/// Stores the statements of `document` (read from `raw`) in one transaction. The same
/// bytes twice from the same owner is a no-op.
pub async fn import_document(
    db: &VexDb,
    raw: &[u8],
    document: &VexDocument,
    options: &ImportOptions<'_>,
) -> Result<ImportOutcome, VexError> {
    let context = "storing a vex document";
    let sha256 = hex::encode(Sha256::digest(raw));
    let mut tx = db.db.begin(context).await?;
    let existing = tx
        .fetch_all(
            context,
            "SELECT id, n_statements FROM vex_sources \
             WHERE sha256 = $1 AND coalesce(organization_id, 0) = $2",
            &[
                Param::text(&sha256),
                Param::int(options.organization_id.unwrap_or(0)),
            ],
        )
        .await?;
    if let Some(row) = existing.first() {
        let outcome = ImportOutcome {
            source_id: row.int(0)?,
            already_imported: true,
            n_statements: usize::try_from(row.int(1)?).unwrap_or(0),
            skipped: document.skipped.clone(),
            notes: Vec::new(),
        };
        tx.commit(context).await?;
        return Ok(outcome);
    }
    let authority = options
        .authority
        .or(document.authority)
        .unwrap_or(Authority::ThirdParty);
    let report: Vec<serde_json::Value> = document
        .skipped
        .iter()
        .map(|skipped| {
            serde_json::json!({
                "location": skipped.location,
                "vulnerability_id": skipped.vulnerability_id,
                "reason": skipped.reason.kind(),
                "message": skipped.reason.message(),
            })
        })
        .collect();
    let report = serde_json::Value::Array(report).to_string();
    let n_statements = i64::try_from(document.statements.len()).unwrap_or(i64::MAX);
    let n_skipped = i64::try_from(document.skipped.len()).unwrap_or(i64::MAX);
    let issued_at = document.timestamp.as_deref().map(normalize_time);
    let rows = tx
        .fetch_all(
            context,
            "INSERT INTO vex_sources (format, spec_version, document_id, document_version, \
             author, author_role, authority, issued_at, file, sha256, n_statements, n_skipped, \
             report, imported_by, organization_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             RETURNING id",
            &[
                Param::text(document.format.as_str()),
                Param::text(&document.spec_version),
                Param::Text(document.document_id.as_deref()),
                Param::Text(document.document_version.as_deref()),
                Param::Text(document.author.as_deref()),
                Param::Text(document.author_role.as_deref()),
                Param::text(authority.as_str()),
                Param::Text(issued_at.as_deref()),
                Param::Text(options.file),
                Param::text(&sha256),
                Param::int(n_statements),
                Param::int(n_skipped),
                Param::text(&report),
                Param::text(options.imported_by),
                Param::Int(options.organization_id),
            ],
        )
        .await?;
    let source_id = rows
        .first()
        .ok_or_else(|| VexError::Shape("insert returned no id".to_owned()))?
        .int(0)?;
    for (idx, statement) in document.statements.iter().enumerate() {
        insert_statement(&mut tx, source_id, idx, statement).await?;
    }
    let notes = import_notes(&mut tx, document).await?;
    tx.commit(context).await?;
    Ok(ImportOutcome {
        source_id,
        already_imported: false,
        n_statements: document.statements.len(),
        skipped: document.skipped.clone(),
        notes,
    })
}

async fn insert_statement(
    tx: &mut Tx,
    source_id: i64,
    idx: usize,
    statement: &Statement,
) -> Result<(), VexError> {
    let context = "storing a vex statement";
    let responses = serde_json::to_string(&statement.responses)
        .map_err(|err| VexError::Shape(err.to_string()))?;
    let stated_at = statement.timestamp.as_deref().map(normalize_time);
    let rows = tx
        .fetch_all(
            context,
            "INSERT INTO vex_statements (source_id, idx, vulnerability_id, status, \
             status_original, justification, justification_original, impact_statement, \
             action_statement, responses, detail, stated_at, stated_at_original) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &[
                Param::int(source_id),
                Param::int(i64::try_from(idx).unwrap_or(i64::MAX)),
                Param::text(&statement.vulnerability_id),
                Param::text(statement.status.as_str()),
                Param::text(&statement.status_original),
                Param::Text(statement.justification.as_deref()),
                Param::Text(statement.justification_original.as_deref()),
                Param::Text(statement.impact_statement.as_deref()),
                Param::Text(statement.action_statement.as_deref()),
                Param::text(&responses),
                Param::Text(statement.detail.as_deref()),
                Param::Text(stated_at.as_deref()),
                Param::Text(statement.timestamp.as_deref()),
            ],
        )
        .await?;
    let statement_id = rows
        .first()
        .ok_or_else(|| VexError::Shape("insert returned no id".to_owned()))?
        .int(0)?;
    let ids: BTreeSet<String> = statement
        .identifiers()
        .map(|id| id.trim().to_ascii_uppercase())
        .filter(|id| !id.is_empty())
        .collect();
    for id in &ids {
        tx.execute(
            context,
            "INSERT INTO vex_statement_ids (statement_id, vulnerability_id) VALUES ($1, $2)",
            &[Param::int(statement_id), Param::text(id)],
        )
        .await?;
    }
    for (scope_idx, scope) in statement.scopes.iter().enumerate() {
        let hashes =
            serde_json::to_string(&scope.hashes).map_err(|err| VexError::Shape(err.to_string()))?;
        let link = scope.bom_link.as_ref();
        tx.execute(
            context,
            "INSERT INTO vex_scopes (statement_id, idx, label, product, product_purl, \
             product_cpe, product_version, version_range, purl, cpe, hashes, bom_serial, \
             bom_version, bom_ref, manufacturer) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            &[
                Param::int(statement_id),
                Param::int(i64::try_from(scope_idx).unwrap_or(i64::MAX)),
                Param::Text(scope.label.as_deref()),
                Param::Text(scope.product.as_deref()),
                Param::Text(scope.product_purl.as_deref()),
                Param::Text(scope.product_cpe.as_deref()),
                Param::Text(scope.product_version.as_deref()),
                Param::Text(scope.version_range.as_deref()),
                Param::Text(scope.purl.as_deref()),
                Param::Text(scope.cpe.as_deref()),
                Param::text(&hashes),
                Param::Text(link.map(|l| l.serial.as_str())),
                Param::Int(link.and_then(|l| l.version)),
                Param::Text(link.and_then(|l| l.bom_ref.as_deref())),
                Param::Text(scope.manufacturer.as_deref()),
            ],
        )
        .await?;
    }
    Ok(())
}

/// Notes on products that are not stored yet and vulnerabilities the feeds do not know.
async fn import_notes(tx: &mut Tx, document: &VexDocument) -> Result<Vec<String>, VexError> {
    let context = "checking vex statements against the store";
    let mut notes = Vec::new();
    let mut products: BTreeSet<(String, Option<String>)> = BTreeSet::new();
    for statement in &document.statements {
        for scope in &statement.scopes {
            if let Some(product) = &scope.product {
                products.insert((product.clone(), scope.product_version.clone()));
            }
        }
    }
    for (product, version) in products {
        let rows = match &version {
            Some(version) => {
                tx.fetch_all(
                    context,
                    "SELECT count(*) FROM product_versions pv JOIN products pr \
                     ON pr.id = pv.product_id WHERE lower(pr.name) = lower($1) AND pv.version = $2",
                    &[Param::text(&product), Param::text(version)],
                )
                .await?
            }
            None => {
                tx.fetch_all(
                    context,
                    "SELECT count(*) FROM products WHERE lower(name) = lower($1)",
                    &[Param::text(&product)],
                )
                .await?
            }
        };
        let n = rows.first().map(|row| row.int(0)).transpose()?.unwrap_or(0);
        if n == 0 {
            let what = match &version {
                Some(version) => format!("{product} {version}"),
                None => product.clone(),
            };
            notes.push(format!(
                "product {what} is not stored yet; its statements apply once it is ingested"
            ));
        }
    }
    let rows = tx
        .fetch_all(context, "SELECT count(*) FROM vulnerability_ids", &[])
        .await?;
    let has_feeds = rows.first().map(|row| row.int(0)).transpose()?.unwrap_or(0) > 0;
    if has_feeds {
        let ids: BTreeSet<String> = document
            .statements
            .iter()
            .map(|statement| statement.vulnerability_id.to_ascii_uppercase())
            .collect();
        let ids: Vec<String> = ids.into_iter().collect();
        let mut known: BTreeSet<String> = BTreeSet::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT upper(member) FROM vulnerability_ids WHERE upper(member) IN ({})",
                placeholders(1, chunk.len())
            );
            let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
            for row in tx.fetch_all(context, &sql, &params).await? {
                known.insert(row.text(0)?);
            }
        }
        for id in ids.iter().filter(|id| !known.contains(*id)) {
            notes.push(format!(
                "vulnerability {id} is not in the imported feeds; its statements are kept"
            ));
        }
    }
    Ok(notes)
}

/// A timestamp as a UTC RFC 3339 instant (sortable as text), or the text as written when it
/// is not a date.
#[must_use]
pub fn normalize_time(text: &str) -> String {
    medsbom_feeds::timestamp::UtcInstant::parse(text)
        .map_or_else(|| text.trim().to_owned(), |instant| instant.to_string())
}

/// Who records an analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnalysisRole {
    /// The hospital (healthcare provider): its own analysis, shown on its findings.
    Provider,
    /// The manufacturer: ranked like a manufacturer's VEX statement.
    Manufacturer,
}

impl AnalysisRole {
    /// `provider` or `manufacturer`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisRole::Provider => "provider",
            AnalysisRole::Manufacturer => "manufacturer",
        }
    }

    /// The role for its name (`hospital` is accepted for `provider`).
    #[must_use]
    pub fn parse(text: &str) -> Option<AnalysisRole> {
        match text.trim() {
            "provider" | "hospital" => Some(AnalysisRole::Provider),
            "manufacturer" => Some(AnalysisRole::Manufacturer),
            _ => None,
        }
    }
}

/// A finding as users name it: `PRODUCT@VERSION:COMPONENT:VULN-ID`, where COMPONENT is
/// the component's purl (with version, or without for every version), its CPE, its
/// package key (`name:…`) or `*` for every component of the product version, and VULN-ID
/// any identifier of the vulnerability. Example:
/// `Infusion Pump@2.1:pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1:CVE-2021-44228`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FindingRef {
    /// The product.
    pub product: String,
    /// The product version.
    pub product_version: String,
    /// The component (purl, CPE, package key or `*`).
    pub component: String,
    /// The vulnerability.
    pub vulnerability_id: String,
}

impl FindingRef {
    /// Parses `PRODUCT@VERSION:COMPONENT:VULN-ID`.
    pub fn parse(text: &str) -> Result<FindingRef, VexError> {
        let invalid = |reason: &str| VexError::Invalid {
            what: "finding",
            value: text.to_owned(),
            reason: format!("{reason}; expected PRODUCT@VERSION:COMPONENT:VULN-ID"),
        };
        let text = text.trim();
        let Some((rest, vulnerability_id)) = text.rsplit_once(':') else {
            return Err(invalid("no vulnerability id"));
        };
        if vulnerability_id.trim().is_empty() {
            return Err(invalid("no vulnerability id"));
        }
        let start = [":pkg:", ":cpe:", ":name:", ":*"]
            .iter()
            .filter_map(|marker| rest.find(marker))
            .min();
        let Some(start) = start else {
            return Err(invalid(
                "no component (a purl, a cpe, a name: package key or *)",
            ));
        };
        let (product_part, component) = (&rest[..start], &rest[start + 1..]);
        let Some((product, product_version)) = product_part.rsplit_once('@') else {
            return Err(invalid("no @VERSION after the product"));
        };
        if product.trim().is_empty() || product_version.trim().is_empty() {
            return Err(invalid("empty product or version"));
        }
        Ok(FindingRef {
            product: product.trim().to_owned(),
            product_version: product_version.trim().to_owned(),
            component: component.trim().to_owned(),
            vulnerability_id: vulnerability_id.trim().to_owned(),
        })
    }
}

impl fmt::Display for FindingRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}@{}:{}:{}",
            self.product, self.product_version, self.component, self.vulnerability_id
        )
    }
}

/// An analysis to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnalysis<'a> {
    /// The finding.
    pub finding: &'a FindingRef,
    /// Who decides.
    pub role: AnalysisRole,
    /// The state: a canonical status or a CycloneDX state (`in_triage`, `exploitable`,
    /// `resolved`, `false_positive`, …).
    pub state: &'a str,
    /// The justification: an OpenVEX/CSAF label or a CycloneDX value.
    pub justification: Option<&'a str>,
    /// CycloneDX responses (`update`, `will_not_fix`, …).
    pub responses: &'a [String],
    /// Free text.
    pub detail: Option<&'a str>,
    /// Who.
    pub analyst: &'a str,
    /// When (the caller's clock; RFC 3339).
    pub recorded_at: &'a str,
    /// The organization of `medsbom serve` that records it; `None` for the command line
    /// (a global analysis, seen by every organization).
    pub organization_id: Option<i64>,
}

/// A recorded analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisRecord {
    /// Its row id.
    pub id: i64,
    /// The finding.
    pub finding: FindingRef,
    /// Who decided.
    pub role: AnalysisRole,
    /// The canonical state.
    pub state: Status,
    /// The state as given.
    pub state_original: String,
    /// The canonical justification.
    pub justification: Option<String>,
    /// The justification as given.
    pub justification_original: Option<String>,
    /// Responses.
    pub responses: Vec<String>,
    /// Free text.
    pub detail: Option<String>,
    /// Who.
    pub analyst: String,
    /// When (UTC RFC 3339).
    pub recorded_at: String,
    /// The organization that recorded it (`None`: the command line).
    pub organization_id: Option<i64>,
}

impl AnalysisRecord {
    /// The record as the JSON object that `medsbom analysis list --format json` prints and
    /// the API answers (which adds its `owner`).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "finding": self.finding.to_string(),
            "product": self.finding.product,
            "product_version": self.finding.product_version,
            "component": self.finding.component,
            "vulnerability_id": self.finding.vulnerability_id,
            "role": self.role.as_str(),
            "state": self.state.as_str(),
            "state_original": self.state_original,
            "justification": self.justification,
            "justification_original": self.justification_original,
            "responses": self.responses,
            "detail": self.detail,
            "analyst": self.analyst,
            "recorded_at": self.recorded_at,
        })
    }
}

/// Records an analysis (a new row; earlier ones stay as history) and returns its id. The
/// product version must be stored.
pub async fn record_analysis(db: &VexDb, analysis: &NewAnalysis<'_>) -> Result<i64, VexError> {
    let context = "recording an analysis";
    let state = Status::parse(analysis.state)
        .or_else(|| Status::from_cyclonedx(analysis.state))
        .ok_or_else(|| VexError::Invalid {
            what: "state",
            value: analysis.state.to_owned(),
            reason: "expected not_affected, affected, fixed, under_investigation (or a \
                     cyclonedx state: exploitable, in_triage, resolved, false_positive)"
                .to_owned(),
        })?;
    let justification = match analysis.justification {
        Some(text) => Some(
            canonical_justification(text).ok_or_else(|| VexError::Invalid {
                what: "justification",
                value: text.to_owned(),
                reason: format!(
                    "expected one of {} (or a cyclonedx justification)",
                    crate::model::JUSTIFICATIONS.join(", ")
                ),
            })?,
        ),
        None => None,
    };
    let finding = analysis.finding;
    let mut tx = db.db.begin(context).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT count(*) FROM product_versions pv JOIN products pr ON pr.id = pv.product_id \
             WHERE lower(pr.name) = lower($1) AND pv.version = $2",
            &[
                Param::text(&finding.product),
                Param::text(&finding.product_version),
            ],
        )
        .await?;
    if rows.first().map(|row| row.int(0)).transpose()?.unwrap_or(0) == 0 {
        tx.commit(context).await?;
        return Err(VexError::NotFound(format!(
            "product version {}@{} is not stored",
            finding.product, finding.product_version
        )));
    }
    let responses = serde_json::to_string(analysis.responses)
        .map_err(|err| VexError::Shape(err.to_string()))?;
    let recorded_at = normalize_time(analysis.recorded_at);
    let rows = tx
        .fetch_all(
            context,
            "INSERT INTO vex_analyses (product, product_version, component, vulnerability_id, \
             role, state, state_original, justification, justification_original, responses, \
             detail, analyst, recorded_at, organization_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            &[
                Param::text(&finding.product),
                Param::text(&finding.product_version),
                Param::text(&finding.component),
                Param::text(&finding.vulnerability_id.to_ascii_uppercase()),
                Param::text(analysis.role.as_str()),
                Param::text(state.as_str()),
                Param::text(analysis.state.trim()),
                Param::Text(justification),
                Param::Text(analysis.justification),
                Param::text(&responses),
                Param::Text(analysis.detail),
                Param::text(analysis.analyst),
                Param::text(&recorded_at),
                Param::Int(analysis.organization_id),
            ],
        )
        .await?;
    let id = rows
        .first()
        .ok_or_else(|| VexError::Shape("insert returned no id".to_owned()))?
        .int(0)?;
    tx.commit(context).await?;
    Ok(id)
}

/// Which analyses to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisFilter {
    /// Only this product (case-insensitive).
    pub product: Option<String>,
    /// Only this finding (exact product, version, component and vulnerability).
    pub finding: Option<FindingRef>,
    /// Every record (history), not only the newest per finding and role.
    pub history: bool,
    /// Whose analyses (default: everyone's).
    pub scope: VexScope,
}

/// Recorded analyses in `filter.scope`, newest first; without `history` only the newest per
/// finding, role and owner.
pub async fn list_analyses(
    db: &VexDb,
    filter: &AnalysisFilter,
) -> Result<Vec<AnalysisRecord>, VexError> {
    let context = "listing analyses";
    let mut tx = db.db.begin_read(context).await?;
    let res = read_analyses(&mut tx, filter, None).await?;
    // Read transactions are ended here rather than dropped, so that no connection goes
    // back to the pool still inside one.
    tx.commit(context).await?;
    Ok(res)
}

/// [`list_analyses`] inside `tx`; with `vulnerability_ids` (upper case) only the analyses of
/// those vulnerabilities, read through the `vex_analyses_vulnerability` index.
async fn read_analyses(
    tx: &mut Tx,
    filter: &AnalysisFilter,
    vulnerability_ids: Option<&[String]>,
) -> Result<Vec<AnalysisRecord>, VexError> {
    let context = "listing analyses";
    let columns = "SELECT id, product, product_version, component, vulnerability_id, role, \
                   state, state_original, justification, justification_original, responses, \
                   detail, analyst, recorded_at, organization_id FROM vex_analyses";
    let mut records = Vec::new();
    match vulnerability_ids {
        None => {
            for row in tx.fetch_all(context, columns, &[]).await? {
                records.push(analysis_from_row(&row)?);
            }
        }
        Some(ids) => {
            for chunk in ids.chunks(CHUNK) {
                let sql = format!(
                    "{columns} WHERE vulnerability_id IN ({})",
                    placeholders(1, chunk.len())
                );
                let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
                for row in tx.fetch_all(context, &sql, &params).await? {
                    records.push(analysis_from_row(&row)?);
                }
            }
        }
    }
    // Newest first.
    records.sort_by(|a, b| {
        b.recorded_at
            .cmp(&a.recorded_at)
            .then_with(|| b.id.cmp(&a.id))
    });
    let mut res = Vec::new();
    let mut seen: BTreeSet<(FindingRef, &'static str, Option<i64>)> = BTreeSet::new();
    for record in records {
        if !filter
            .scope
            .sees_analysis(record.organization_id, &record.finding.product)
        {
            continue;
        }
        if let Some(product) = &filter.product
            && !record.finding.product.eq_ignore_ascii_case(product)
        {
            continue;
        }
        if let Some(finding) = &filter.finding
            && !same_finding(finding, &record.finding)
        {
            continue;
        }
        if !filter.history
            && !seen.insert((
                record.finding.clone(),
                record.role.as_str(),
                record.organization_id,
            ))
        {
            continue;
        }
        res.push(record);
    }
    Ok(res)
}

fn same_finding(a: &FindingRef, b: &FindingRef) -> bool {
    a.product.eq_ignore_ascii_case(&b.product)
        && a.product_version == b.product_version
        && a.component == b.component
        && a.vulnerability_id.eq_ignore_ascii_case(&b.vulnerability_id)
}

fn analysis_from_row(row: &crate::db::Row) -> Result<AnalysisRecord, VexError> {
    let role_text = row.text(5)?;
    let state_text = row.text(6)?;
    Ok(AnalysisRecord {
        id: row.int(0)?,
        finding: FindingRef {
            product: row.text(1)?,
            product_version: row.text(2)?,
            component: row.text(3)?,
            vulnerability_id: row.text(4)?,
        },
        role: AnalysisRole::parse(&role_text)
            .ok_or_else(|| VexError::Shape(format!("unknown analysis role {role_text:?}")))?,
        state: Status::parse(&state_text)
            .ok_or_else(|| VexError::Shape(format!("unknown analysis state {state_text:?}")))?,
        state_original: row.text(7)?,
        justification: row.opt_text(8)?,
        justification_original: row.opt_text(9)?,
        responses: read_strings(&row.text(10)?)?,
        detail: row.opt_text(11)?,
        analyst: row.text(12)?,
        recorded_at: row.text(13)?,
        organization_id: row.opt_int(14)?,
    })
}

fn read_strings(text: &str) -> Result<Vec<String>, VexError> {
    serde_json::from_str(text).map_err(|err| VexError::Shape(format!("bad json list: {err}")))
}

/// The scope an analysis covers.
pub(crate) fn analysis_scope(finding: &FindingRef) -> Scope {
    let mut scope = Scope {
        product: Some(finding.product.clone()),
        product_version: Some(finding.product_version.clone()),
        ..Scope::default()
    };
    let component = finding.component.as_str();
    if component.starts_with("pkg:") || component.starts_with("name:") {
        scope.purl = Some(component.to_owned());
    } else if component.starts_with("cpe:") {
        scope.cpe = Some(component.to_owned());
    }
    scope
}

/// A stored statement with its source, for listings and exports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredStatement {
    /// The statement's row id.
    pub id: i64,
    /// The source's row id.
    pub source_id: i64,
    /// The statement.
    pub statement: Statement,
    /// The source's format.
    pub format: String,
    /// The source document's id.
    pub document_id: Option<String>,
    /// The source's author.
    pub author: Option<String>,
    /// The source's authority.
    pub authority: Authority,
    /// The file it was imported from.
    pub file: Option<String>,
    /// When it was stated (UTC RFC 3339).
    pub stated_at: Option<String>,
    /// The organization that uploaded the source through `medsbom serve`; `None` for the
    /// command line.
    pub owner: Option<SourceOwner>,
}

/// The organization that uploaded a VEX source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOwner {
    /// Its row id in `organizations`.
    pub organization_id: i64,
    /// Its name (for a manufacturer, the name its products are filed under).
    pub name: String,
    /// Whether it is a manufacturer (else a provider).
    pub is_manufacturer: bool,
}

impl StoredStatement {
    /// The authority and author resolution ranks this statement with. A command-line
    /// source keeps what was imported (an author equal to the product's manufacturer
    /// counts as the manufacturer, see [`crate::resolve::authority_for`]). A tenant's
    /// upload never claims more than the tenant is: a manufacturer's statements count as
    /// the manufacturer's for its own products only (its organization name is the author
    /// that resolution compares), a provider's are always a third party's.
    #[must_use]
    pub fn ranking(&self) -> (Authority, Option<String>) {
        match &self.owner {
            None => (self.authority, self.author.clone()),
            Some(owner) if owner.is_manufacturer => {
                (Authority::ThirdParty, Some(owner.name.clone()))
            }
            Some(_) => (Authority::ThirdParty, None),
        }
    }

    /// Where it comes from, for people: `csaf 2022-EVD-UC-01-NA-001 by Example Company`.
    #[must_use]
    pub fn source_text(&self) -> String {
        let mut res = self.format.clone();
        if let Some(id) = self.document_id.as_ref().or(self.file.as_ref()) {
            res.push(' ');
            res.push_str(id);
        }
        if let Some(author) = &self.author {
            res.push_str(" by ");
            res.push_str(author);
        }
        res
    }

    /// As a resolution candidate.
    #[must_use]
    pub fn candidate(&self) -> Candidate {
        let statement = &self.statement;
        let (authority, author) = self.ranking();
        Candidate {
            id: self.id,
            vulnerability_ids: statement.identifiers().map(str::to_owned).collect(),
            status: statement.status,
            justification: statement.justification.clone(),
            detail: statement
                .impact_statement
                .clone()
                .or_else(|| statement.detail.clone())
                .or_else(|| statement.action_statement.clone()),
            stated_at: self.stated_at.clone(),
            authority,
            author,
            source: self.source_text(),
            scopes: statement.scopes.clone(),
        }
    }
}

/// Every stored statement in `scope` naming one of `vulnerability_ids` (any identifier,
/// any case); `None` loads them all.
pub async fn load_statements(
    db: &VexDb,
    vulnerability_ids: Option<&[String]>,
    scope: &VexScope,
) -> Result<Vec<StoredStatement>, VexError> {
    let context = "reading vex statements";
    let mut tx = db.db.begin_read(context).await?;
    let res = read_statements(&mut tx, vulnerability_ids, scope).await?;
    tx.commit(context).await?;
    Ok(res)
}

/// [`load_statements`] inside `tx`.
async fn read_statements(
    tx: &mut Tx,
    vulnerability_ids: Option<&[String]>,
    scope: &VexScope,
) -> Result<Vec<StoredStatement>, VexError> {
    let context = "reading vex statements";
    let mut ids: BTreeSet<i64> = BTreeSet::new();
    match vulnerability_ids {
        Some(vulnerability_ids) => {
            let upper: BTreeSet<String> = vulnerability_ids
                .iter()
                .map(|id| id.trim().to_ascii_uppercase())
                .collect();
            let upper: Vec<String> = upper.into_iter().collect();
            for chunk in upper.chunks(CHUNK) {
                let sql = format!(
                    "SELECT DISTINCT statement_id FROM vex_statement_ids \
                     WHERE vulnerability_id IN ({})",
                    placeholders(1, chunk.len())
                );
                let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::text(id)).collect();
                for row in tx.fetch_all(context, &sql, &params).await? {
                    ids.insert(row.int(0)?);
                }
            }
        }
        None => {
            for row in tx
                .fetch_all(context, "SELECT id FROM vex_statements", &[])
                .await?
            {
                ids.insert(row.int(0)?);
            }
        }
    }
    let ids: Vec<i64> = ids.into_iter().collect();
    let mut res: BTreeMap<i64, StoredStatement> = BTreeMap::new();
    for chunk in ids.chunks(CHUNK) {
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::int(*id)).collect();
        let sql = format!(
            "SELECT s.id, s.source_id, s.vulnerability_id, s.status, s.status_original, \
             s.justification, s.justification_original, s.impact_statement, s.action_statement, \
             s.responses, s.detail, s.stated_at, s.stated_at_original, \
             src.format, src.document_id, src.author, src.authority, src.file, \
             src.organization_id, o.name, o.kind \
             FROM vex_statements s JOIN vex_sources src ON src.id = s.source_id \
             LEFT JOIN organizations o ON o.id = src.organization_id \
             WHERE s.id IN ({})",
            placeholders(1, chunk.len())
        );
        for row in tx.fetch_all(context, &sql, &params).await? {
            let owner_id = row.opt_int(18)?;
            if !scope.sees_source(owner_id) {
                continue;
            }
            let owner = match owner_id {
                Some(organization_id) => Some(SourceOwner {
                    organization_id,
                    name: row.opt_text(19)?.unwrap_or_default(),
                    is_manufacturer: row.opt_text(20)?.as_deref() == Some("manufacturer"),
                }),
                None => None,
            };
            let status_text = row.text(3)?;
            let status = Status::parse(&status_text)
                .ok_or_else(|| VexError::Shape(format!("unknown status {status_text:?}")))?;
            let mut statement = Statement::new(&row.text(2)?, status, &row.text(4)?);
            statement.justification = row.opt_text(5)?;
            statement.justification_original = row.opt_text(6)?;
            statement.impact_statement = row.opt_text(7)?;
            statement.action_statement = row.opt_text(8)?;
            statement.responses = read_strings(&row.text(9)?)?;
            statement.detail = row.opt_text(10)?;
            statement.timestamp = row.opt_text(12)?;
            let authority_text = row.text(16)?;
            let id = row.int(0)?;
            res.insert(
                id,
                StoredStatement {
                    id,
                    source_id: row.int(1)?,
                    statement,
                    format: row.text(13)?,
                    document_id: row.opt_text(14)?,
                    author: row.opt_text(15)?,
                    authority: Authority::parse(&authority_text).ok_or_else(|| {
                        VexError::Shape(format!("unknown authority {authority_text:?}"))
                    })?,
                    file: row.opt_text(17)?,
                    stated_at: row.opt_text(11)?,
                    owner,
                },
            );
        }
        let sql = format!(
            "SELECT statement_id, vulnerability_id FROM vex_statement_ids \
             WHERE statement_id IN ({})",
            placeholders(1, chunk.len())
        );
        for row in tx.fetch_all(context, &sql, &params).await? {
            let (id, alias) = (row.int(0)?, row.text(1)?);
            if let Some(stored) = res.get_mut(&id)
                && !stored
                    .statement
                    .vulnerability_id
                    .eq_ignore_ascii_case(&alias)
            {
                stored.statement.aliases.push(alias);
            }
        }
        let sql = format!(
            "SELECT statement_id, label, product, product_purl, product_cpe, product_version, \
             version_range, purl, cpe, hashes, bom_serial, bom_version, bom_ref, manufacturer \
             FROM vex_scopes WHERE statement_id IN ({}) ORDER BY statement_id, idx",
            placeholders(1, chunk.len())
        );
        for row in tx.fetch_all(context, &sql, &params).await? {
            let hashes: Vec<(String, String)> = serde_json::from_str(&row.text(9)?)
                .map_err(|err| VexError::Shape(format!("bad hashes: {err}")))?;
            let scope = Scope {
                label: row.opt_text(1)?,
                manufacturer: row.opt_text(13)?,
                product: row.opt_text(2)?,
                product_purl: row.opt_text(3)?,
                product_cpe: row.opt_text(4)?,
                product_version: row.opt_text(5)?,
                version_range: row.opt_text(6)?,
                purl: row.opt_text(7)?,
                cpe: row.opt_text(8)?,
                hashes,
                bom_link: match row.opt_text(10)? {
                    Some(serial) => Some(BomLink {
                        serial,
                        version: row.opt_int(11)?,
                        bom_ref: row.opt_text(12)?,
                    }),
                    None => None,
                },
            };
            if let Some(stored) = res.get_mut(&row.int(0)?) {
                stored.statement.scopes.push(scope);
            }
        }
    }
    Ok(res.into_values().collect())
}

/// One finding to annotate: the product version, the package and the vulnerability's
/// identifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingKey {
    /// The manufacturer, when known.
    pub manufacturer: Option<String>,
    /// The product.
    pub product: String,
    /// The product version.
    pub product_version: String,
    /// The stored SBOM revision the finding comes from; `None` looks up the newest
    /// revision of the product version by name (the first, when several tenants' namespaces
    /// hold a product version of that name: pass the id to be exact).
    pub sbom_id: Option<i64>,
    /// The package's id in the store; `None` for a component of an SBOM not stored.
    pub package_id: Option<i64>,
    /// The component's purl.
    pub purl: Option<String>,
    /// The component's CPE.
    pub cpe: Option<String>,
    /// The component's version.
    pub component_version: Option<String>,
    /// The vulnerability's identifiers (canonical first).
    pub vulnerability_ids: Vec<String>,
}

/// The VEX status of a finding: the hospital's own analysis when one is recorded, else the
/// winning statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexAnnotation {
    /// The status shown.
    pub status: Status,
    /// Its justification.
    pub justification: Option<String>,
    /// Where it comes from (`analysis by alice (provider)`, `csaf … by …`).
    pub source: String,
    /// Its detail, impact or action statement.
    pub detail: Option<String>,
    /// When it was stated or recorded (UTC RFC 3339).
    pub stated_at: Option<String>,
    /// The hospital's own analysis, when recorded.
    pub analysis: Option<AnalysisRecord>,
    /// The winning VEX statement and every one that applies.
    pub statements: Option<Resolution>,
}

/// The VEX annotation of each finding (same order as `keys`), `None` where no statement
/// or analysis applies; every source and analysis counts ([`VexScope::Everything`]).
pub async fn annotate(
    db: &VexDb,
    keys: &[FindingKey],
) -> Result<Vec<Option<VexAnnotation>>, VexError> {
    annotate_for(db, keys, &VexScope::Everything).await
}

/// [`annotate`] with only the sources and analyses that `scope` sees.
pub async fn annotate_for(
    db: &VexDb,
    keys: &[FindingKey],
    scope: &VexScope,
) -> Result<Vec<Option<VexAnnotation>>, VexError> {
    let mut all_ids: BTreeSet<String> = BTreeSet::new();
    for key in keys {
        for id in &key.vulnerability_ids {
            all_ids.insert(id.to_ascii_uppercase());
        }
    }
    let all_ids: Vec<String> = all_ids.into_iter().collect();
    // One read transaction for the statements, the analyses and the SBOMs: one snapshot,
    // and no begin/commit round trips in between.
    let context = "annotating findings with vex";
    let mut tx = db.db.begin_read(context).await?;
    let statements = read_statements(&mut tx, Some(&all_ids), scope).await?;
    let mut candidates: Vec<Candidate> =
        statements.iter().map(StoredStatement::candidate).collect();
    let filter = AnalysisFilter {
        scope: scope.clone(),
        ..AnalysisFilter::default()
    };
    let analyses = read_analyses(&mut tx, &filter, Some(&all_ids)).await?;
    let wanted: BTreeSet<&str> = all_ids.iter().map(String::as_str).collect();
    let mut provider: Vec<&AnalysisRecord> = Vec::new();
    for analysis in &analyses {
        if !wanted.contains(
            analysis
                .finding
                .vulnerability_id
                .to_ascii_uppercase()
                .as_str(),
        ) {
            continue;
        }
        match analysis.role {
            AnalysisRole::Provider => provider.push(analysis),
            AnalysisRole::Manufacturer => candidates.push(analysis_candidate(analysis)),
        }
    }
    if candidates.is_empty() && provider.is_empty() {
        tx.commit(context).await?;
        return Ok(vec![None; keys.len()]);
    }
    let contexts = finding_contexts(&mut tx, keys).await?;
    tx.commit(context).await?;
    let mut res = Vec::with_capacity(keys.len());
    for context in &contexts {
        let resolution = resolve(&candidates, context);
        let own = provider
            .iter()
            .find(|analysis| analysis_applies(analysis, context))
            .map(|analysis| (*analysis).clone());
        let annotation = match (own, resolution) {
            (Some(analysis), statements) => Some(VexAnnotation {
                status: analysis.state,
                justification: analysis.justification.clone(),
                source: format!(
                    "analysis by {} ({})",
                    analysis.analyst,
                    analysis.role.as_str()
                ),
                detail: analysis.detail.clone(),
                stated_at: Some(analysis.recorded_at.clone()),
                analysis: Some(analysis),
                statements,
            }),
            (None, Some(resolution)) => Some(VexAnnotation {
                status: resolution.winner.status,
                justification: resolution.winner.justification.clone(),
                source: resolution.winner.source.clone(),
                detail: resolution.winner.detail.clone(),
                stated_at: resolution.winner.stated_at.clone(),
                analysis: None,
                statements: Some(resolution),
            }),
            (None, None) => None,
        };
        res.push(annotation);
    }
    Ok(res)
}

/// A manufacturer's analysis as a resolution candidate (negative ids keep them apart from
/// statements).
fn analysis_candidate(analysis: &AnalysisRecord) -> Candidate {
    Candidate {
        id: -analysis.id,
        vulnerability_ids: vec![analysis.finding.vulnerability_id.clone()],
        status: analysis.state,
        justification: analysis.justification.clone(),
        detail: analysis.detail.clone(),
        stated_at: Some(analysis.recorded_at.clone()),
        authority: Authority::Manufacturer,
        author: Some(analysis.analyst.clone()),
        source: format!(
            "analysis by {} ({})",
            analysis.analyst,
            analysis.role.as_str()
        ),
        scopes: vec![analysis_scope(&analysis.finding)],
    }
}

/// Whether a provider analysis is about this finding.
pub(crate) fn analysis_applies(analysis: &AnalysisRecord, finding: &FindingContext) -> bool {
    let names_vulnerability = finding
        .vulnerability_ids
        .iter()
        .any(|id| id.eq_ignore_ascii_case(&analysis.finding.vulnerability_id));
    if !names_vulnerability
        || !analysis
            .finding
            .product
            .eq_ignore_ascii_case(&finding.product)
        || analysis.finding.product_version != finding.product_version
    {
        return false;
    }
    let component = analysis.finding.component.as_str();
    if component == "*" {
        return true;
    }
    if finding.component.key.as_deref() == Some(component) {
        return true;
    }
    if component.starts_with("pkg:") {
        return finding
            .component
            .purl
            .as_deref()
            .is_some_and(|purl| purl_matches(component, purl));
    }
    finding
        .component
        .cpe
        .as_deref()
        .is_some_and(|cpe| cpe.eq_ignore_ascii_case(component))
}

/// An SBOM revision as resolution needs it.
#[derive(Debug, Clone, Default)]
pub(crate) struct VersionInfo {
    /// The revision; `None` for a product version without an SBOM.
    pub(crate) sbom_id: Option<i64>,
    /// The serial numbers of every revision of its product version.
    pub(crate) serials: Vec<String>,
    /// Its root component (the device itself).
    pub(crate) root: Option<ComponentIdentity>,
}

/// Looks up each key's SBOM (serials, root) and each package's `bom-ref`s in a fixed
/// number of queries per [`CHUNK`] of SBOMs and packages, however many keys there are.
async fn finding_contexts(
    tx: &mut Tx,
    keys: &[FindingKey],
) -> Result<Vec<FindingContext>, VexError> {
    let context = "reading sboms for vex";
    // Keys without an SBOM: the newest revision of the product version of that name.
    let mut by_name: HashMap<(&str, &str), Option<i64>> = HashMap::new();
    for key in keys.iter().filter(|key| key.sbom_id.is_none()) {
        let name = (key.product.as_str(), key.product_version.as_str());
        if let std::collections::hash_map::Entry::Vacant(entry) = by_name.entry(name) {
            entry.insert(latest_sbom_by_name(tx, name.0, name.1).await?);
        }
    }
    let sbom_of = |key: &FindingKey| {
        key.sbom_id.or_else(|| {
            by_name
                .get(&(key.product.as_str(), key.product_version.as_str()))
                .copied()
                .flatten()
        })
    };
    let sbom_ids: BTreeSet<i64> = keys.iter().filter_map(sbom_of).collect();
    let sbom_ids: Vec<i64> = sbom_ids.into_iter().collect();
    let infos = sbom_infos(tx, &sbom_ids).await?;
    let package_ids: BTreeSet<i64> = keys.iter().filter_map(|key| key.package_id).collect();
    let package_ids: Vec<i64> = package_ids.into_iter().collect();
    // (sbom, package) → (package key, bom-refs)
    let mut packages: HashMap<(i64, i64), (Option<String>, Vec<String>)> = HashMap::new();
    for sboms in sbom_ids.chunks(CHUNK) {
        for chunk in package_ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT c.sbom_id, c.package_id, c.bom_ref, p.key FROM sbom_components c \
                 JOIN packages p ON p.id = c.package_id \
                 WHERE c.sbom_id IN ({}) AND c.package_id IN ({}) ORDER BY c.sbom_id, c.idx",
                placeholders(1, sboms.len()),
                placeholders(1 + sboms.len(), chunk.len())
            );
            let params: Vec<Param<'_>> = sboms
                .iter()
                .chain(chunk.iter())
                .map(|id| Param::int(*id))
                .collect();
            for row in tx.fetch_all(context, &sql, &params).await? {
                let entry = packages
                    .entry((row.int(0)?, row.int(1)?))
                    .or_insert_with(|| (None, Vec::new()));
                entry.0 = Some(row.text(3)?);
                entry.1.push(row.text(2)?);
            }
        }
    }
    let mut res = Vec::with_capacity(keys.len());
    for key in keys {
        let sbom_id = sbom_of(key);
        let info = sbom_id
            .and_then(|sbom_id| infos.get(&sbom_id))
            .cloned()
            .unwrap_or_default();
        let (package_key, bom_refs) = match (sbom_id, key.package_id) {
            (Some(sbom_id), Some(package_id)) => packages
                .get(&(sbom_id, package_id))
                .cloned()
                .unwrap_or_default(),
            _ => (None, Vec::new()),
        };
        res.push(FindingContext {
            manufacturer: key.manufacturer.clone(),
            product: key.product.clone(),
            product_version: key.product_version.clone(),
            component: ComponentIdentity {
                key: package_key,
                purl: key.purl.clone(),
                cpe: key.cpe.clone(),
                version: key.component_version.clone(),
                bom_refs,
                hashes: Vec::new(),
            },
            root: info.root,
            bom_serials: info.serials,
            vulnerability_ids: key.vulnerability_ids.clone(),
        });
    }
    Ok(res)
}

/// The newest SBOM of `product` `version` (case-insensitive product name; the first such
/// product version when several namespaces hold one).
async fn latest_sbom_by_name(
    tx: &mut Tx,
    product: &str,
    version: &str,
) -> Result<Option<i64>, VexError> {
    let rows = tx
        .fetch_all(
            "reading a product version for vex",
            "SELECT pv.latest_sbom_id FROM product_versions pv \
             JOIN products pr ON pr.id = pv.product_id \
             WHERE lower(pr.name) = lower($1) AND pv.version = $2 ORDER BY pv.id",
            &[Param::text(product), Param::text(version)],
        )
        .await?;
    match rows.first() {
        Some(row) => Ok(row.opt_int(0)?),
        None => Ok(None),
    }
}

/// The [`VersionInfo`] of each SBOM in `sbom_ids` (three queries per [`CHUNK`]).
pub(crate) async fn sbom_infos(
    tx: &mut Tx,
    sbom_ids: &[i64],
) -> Result<HashMap<i64, VersionInfo>, VexError> {
    let context = "reading sboms for vex";
    let mut res: HashMap<i64, VersionInfo> = HashMap::new();
    for chunk in sbom_ids.chunks(CHUNK) {
        let params: Vec<Param<'_>> = chunk.iter().map(|id| Param::int(*id)).collect();
        let list = placeholders(1, chunk.len());
        // Each SBOM's product version, and every serial number of those product versions.
        let sql = format!(
            "SELECT s.id, o.serial_number FROM sboms s \
             JOIN sboms o ON o.product_version_id = s.product_version_id \
             WHERE s.id IN ({list}) AND o.serial_number IS NOT NULL ORDER BY s.id, o.id"
        );
        for &sbom_id in chunk {
            res.insert(
                sbom_id,
                VersionInfo {
                    sbom_id: Some(sbom_id),
                    ..VersionInfo::default()
                },
            );
        }
        for row in tx.fetch_all(context, &sql, &params).await? {
            if let Some(info) = res.get_mut(&row.int(0)?) {
                info.serials
                    .push(crate::model::normalize_serial(&row.text(1)?));
            }
        }
        let sql = format!(
            "SELECT c.sbom_id, c.bom_ref, coalesce(c.purl, p.purl), coalesce(c.cpe, p.cpe), \
             c.version, p.key FROM sbom_components c JOIN packages p ON p.id = c.package_id \
             WHERE c.sbom_id IN ({list}) AND c.is_root = 1 ORDER BY c.sbom_id, c.idx"
        );
        for row in tx.fetch_all(context, &sql, &params).await? {
            let Some(info) = res.get_mut(&row.int(0)?) else {
                continue;
            };
            match &mut info.root {
                Some(root) => root.bom_refs.push(row.text(1)?),
                None => {
                    info.root = Some(ComponentIdentity {
                        key: Some(row.text(5)?),
                        purl: row.opt_text(2)?,
                        cpe: row.opt_text(3)?,
                        version: row.opt_text(4)?,
                        bom_refs: vec![row.text(1)?],
                        hashes: Vec::new(),
                    });
                }
            }
        }
    }
    Ok(res)
}

/// Every source imported in `scope`, newest first.
pub async fn list_sources(db: &VexDb, scope: &VexScope) -> Result<Vec<SourceRow>, VexError> {
    let context = "listing vex sources";
    let mut tx = db.db.begin_read(context).await?;
    let rows = tx
        .fetch_all(
            context,
            "SELECT id, format, document_id, author, authority, file, n_statements, n_skipped, \
             imported_at, imported_by, organization_id FROM vex_sources ORDER BY id DESC",
            &[],
        )
        .await?;
    tx.commit(context).await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in rows {
        let organization_id = row.opt_int(10)?;
        if !scope.sees_source(organization_id) {
            continue;
        }
        res.push(SourceRow {
            id: row.int(0)?,
            format: row.text(1)?,
            document_id: row.opt_text(2)?,
            author: row.opt_text(3)?,
            authority: row.text(4)?,
            file: row.opt_text(5)?,
            n_statements: row.int(6)?,
            n_skipped: row.int(7)?,
            imported_at: row.text(8)?,
            imported_by: row.text(9)?,
            organization_id,
        });
    }
    Ok(res)
}

/// One imported VEX source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// Its row id.
    pub id: i64,
    /// `cyclonedx`, `openvex` or `csaf`.
    pub format: String,
    /// The document's id.
    pub document_id: Option<String>,
    /// Its author.
    pub author: Option<String>,
    /// `manufacturer` or `third_party`.
    pub authority: String,
    /// The file it came from.
    pub file: Option<String>,
    /// Statements stored.
    pub n_statements: i64,
    /// Statements skipped.
    pub n_skipped: i64,
    /// When it was imported.
    pub imported_at: String,
    /// Who imported it.
    pub imported_by: String,
    /// The organization that uploaded it (`None`: the command line).
    pub organization_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organization_sees_its_own_global_and_shared_records_only() {
        let scope = VexScope::Organization(OrganizationScope {
            organization_id: 3,
            shared: BTreeMap::from([(1, BTreeSet::from(["pump".to_owned()]))]),
        });
        // Sources: global, own, a sharing manufacturer's; not another tenant's.
        assert!(scope.sees_source(None));
        assert!(scope.sees_source(Some(3)));
        assert!(scope.sees_source(Some(1)));
        assert!(!scope.sees_source(Some(2)));
        // Analyses: a sharing manufacturer's for the shared product only.
        assert!(scope.sees_analysis(None, "Scanner"));
        assert!(scope.sees_analysis(Some(3), "Scanner"));
        assert!(scope.sees_analysis(Some(1), "PUMP"));
        assert!(!scope.sees_analysis(Some(1), "Scanner"));
        assert!(!scope.sees_analysis(Some(2), "Pump"));
        assert!(VexScope::Everything.sees_source(Some(2)));
        assert!(VexScope::Everything.sees_analysis(Some(2), "Pump"));
        assert_eq!(scope.organization_id(), Some(3));
        assert_eq!(VexScope::Everything.organization_id(), None);
    }

    fn stored(owner: Option<SourceOwner>) -> StoredStatement {
        StoredStatement {
            id: 1,
            source_id: 1,
            statement: Statement::new("CVE-2024-21907", Status::NotAffected, "not_affected"),
            format: "openvex".to_owned(),
            document_id: None,
            author: Some("Acme Medical".to_owned()),
            authority: Authority::Manufacturer,
            file: None,
            stated_at: None,
            owner,
        }
    }

    #[test]
    fn an_upload_claims_no_more_than_its_owner_is() {
        // The command line: as imported.
        assert_eq!(
            stored(None).ranking(),
            (Authority::Manufacturer, Some("Acme Medical".to_owned()))
        );
        // A manufacturer: its own name, raised to the manufacturer's only on its products.
        let maker = SourceOwner {
            organization_id: 1,
            name: "Globex Devices".to_owned(),
            is_manufacturer: true,
        };
        assert_eq!(
            stored(Some(maker)).ranking(),
            (Authority::ThirdParty, Some("Globex Devices".to_owned()))
        );
        // A provider: a third party, whatever the document says.
        let hospital = SourceOwner {
            organization_id: 2,
            name: "Acme Medical".to_owned(),
            is_manufacturer: false,
        };
        assert_eq!(
            stored(Some(hospital)).ranking(),
            (Authority::ThirdParty, None)
        );
    }
}
