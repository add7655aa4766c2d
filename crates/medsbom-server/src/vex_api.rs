//! The VEX and analysis routes of the API (`/api/v1/vex…`, `/api/v1/analysis`), mounted by
//! `api::analysis_routes`.
//!
//! VEX sources and analyses belong to the organization that uploaded or recorded them
//! (`0008_vex_tenancy.sql`); every read goes through the tenant's
//! [`VexScope`] (its own records, the command line's, and those of the
//! manufacturers that share products with it), so one hospital's decision never changes
//! what another sees. A manufacturer's upload counts as the manufacturer's word for its own
//! products only, a provider's is always a third party's. Every write appends an audit entry
//! (`vex.import`, `analysis.decision`).

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use medsbom_vex::VexError;
use medsbom_vex::export::{ExportHeader, gather, write};
use medsbom_vex::model::{Authority, VexFormat};
use medsbom_vex::service::{
    AnalysisFilter, AnalysisRecord, AnalysisRole, FindingRef, ImportOptions, NewAnalysis, VexScope,
    import_document, list_analyses, list_sources, organization_scope, record_analysis,
};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::accounts::{OrgKind, Principal};
use crate::api::{AnyJson, ApiError, ApiJson, ErrorBody, PageParams, record};
use crate::auth::{Action, Auth};
use crate::tenancy::{self, Visible};
use crate::{AppState, ServerError};

/// The content types a VEX upload takes besides [`crate::api::COMMON_UPLOAD_TYPES`]:
/// OpenVEX and CSAF.
pub const VEX_UPLOAD_TYPES: &[&str] = &["application/openvex+json", "application/csaf+json"];

/// The routes of this module (state still to be given).
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/vex", get(list_vex).post(upload_vex))
        .route("/api/v1/vex/export", get(export_vex))
        .route("/api/v1/analysis", get(list_analysis).post(create_analysis))
}

/// Maps a VEX error to its response: bad input 400, a missing record 404, the rest 500.
pub(crate) fn vex_error(err: VexError) -> ApiError {
    match err {
        VexError::Invalid { .. } | VexError::Input { .. } => ApiError::bad_request(err.to_string()),
        VexError::NotFound(message) => ApiError::not_found(message),
        other => ApiError::from(ServerError::from(other)),
    }
}

/// The VEX scope of the caller's organization.
pub(crate) async fn tenant_scope(
    state: &AppState,
    principal: &Principal,
) -> Result<VexScope, ApiError> {
    organization_scope(state.vex(), principal.organization.id)
        .await
        .map_err(vex_error)
}

/// Where an upload came from.
#[derive(Debug, Deserialize, IntoParams)]
pub struct VexUploadParams {
    /// The file name, recorded with the source.
    pub file_name: Option<String>,
}

/// Uploads one VEX document (CycloneDX VEX or a BOM with analysed vulnerabilities, OpenVEX
/// 0.0.1/0.2.0, CSAF 2.0 VEX; detected from the content; gzip allowed). The valid
/// statements are stored, each bad one is reported with its reason. A manufacturer's
/// statements count as the manufacturer's for its own products, a provider's as a third
/// party's. 201 when stored, 200 when the caller uploaded the same bytes before.
#[utoipa::path(post, path = "/api/v1/vex", tag = "vex", params(VexUploadParams),
    request_body(content = String, description = "The VEX document", content_type = "application/json"),
    responses((status = 201, body = AnyJson), (status = 200, body = AnyJson), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
pub(crate) async fn upload_vex(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<VexUploadParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    auth.require(Action::Upload)?;
    crate::api::require_content_type(&headers, VEX_UPLOAD_TYPES, "a VEX upload")?;
    let (report, created) = import_bytes(&state, &auth.principal, body.to_vec(), &params).await?;
    Ok(crate::api::created_or_ok(created, report))
}

/// Parses and stores one VEX document for `principal` and records the audit entry; returns
/// the import report and whether the source is new.
pub(crate) async fn import_bytes(
    state: &AppState,
    principal: &Principal,
    raw: Vec<u8>,
    params: &VexUploadParams,
) -> Result<(Value, bool), ApiError> {
    let file_name = params
        .file_name
        .clone()
        .unwrap_or_else(|| "upload".to_owned());
    let name = file_name.clone();
    let parsed = tokio::task::spawn_blocking(move || {
        let limits = medsbom_formats::Limits::default();
        let decoded = medsbom_formats::decode(raw, &limits).map_err(|err| err.to_string())?;
        let document = medsbom_vex::parse::parse(&name, &decoded).map_err(|err| err.to_string())?;
        Ok::<_, String>((decoded, document))
    })
    .await
    .map_err(|err| ApiError::bad_request(format!("cannot read the upload: {err}")))?;
    let (decoded, document) = parsed.map_err(ApiError::bad_request)?;
    if document.statements.is_empty() && document.skipped.is_empty() {
        // A BOM without analysed vulnerabilities reads as an empty CycloneDX VEX: surely
        // the wrong file.
        return Err(ApiError::bad_request(format!(
            "{file_name}: no VEX statement in this {} document",
            document.format
        )));
    }
    let authority = match principal.organization.kind {
        OrgKind::Manufacturer => Authority::Manufacturer,
        OrgKind::Provider => Authority::ThirdParty,
    };
    let options = ImportOptions {
        file: Some(&file_name),
        imported_by: &principal.username,
        authority: Some(authority),
        organization_id: Some(principal.organization.id),
    };
    let outcome = import_document(state.vex(), &decoded, &document, &options)
        .await
        .map_err(vex_error)?;
    let created = !outcome.already_imported;
    let skipped: Vec<Value> = outcome
        .skipped
        .iter()
        .map(|s| {
            json!({
                "location": s.location, "vulnerability_id": s.vulnerability_id,
                "reason": s.reason.kind(), "message": s.reason.message(),
            })
        })
        .collect();
    let statements: Vec<Value> = document
        .statements
        .iter()
        .enumerate()
        .map(|(idx, s)| {
            json!({
                "idx": idx, "vulnerability_id": s.vulnerability_id, "aliases": s.aliases,
                "status": s.status.as_str(), "status_original": s.status_original,
                "justification": s.justification, "applies_to": s.scopes.iter().map(|scope| scope.describe()).collect::<Vec<_>>(),
            })
        })
        .collect();
    record(
        state,
        principal,
        "vex.import",
        &format!("vex:{}", outcome.source_id),
        json!({
            "sha256": crate::accounts::sha256_hex(&decoded), "created": created,
            "format": document.format.as_str(), "document_id": document.document_id,
            "file": file_name, "n_statements": outcome.n_statements, "n_skipped": outcome.skipped.len(),
        }),
    )
    .await?;
    let report = json!({
        "source_id": outcome.source_id,
        "status": if created { "imported" } else { "already-imported" },
        "file": file_name,
        "format": document.format.as_str(),
        "spec_version": document.spec_version,
        "document_id": document.document_id,
        "author": document.author,
        "authority": authority.as_str(),
        "n_statements": outcome.n_statements,
        "statements": statements,
        "skipped": skipped,
        "notes": outcome.notes,
    });
    Ok((report, created))
}

/// The VEX sources the caller's organization sees (its own uploads, the command line's, and
/// those of the manufacturers that share products with it), newest first.
#[utoipa::path(get, path = "/api/v1/vex", tag = "vex", params(PageParams), responses((status = 200, body = AnyJson)))]
pub(crate) async fn list_vex(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<PageParams>,
) -> Result<Json<Value>, ApiError> {
    let items = source_items(&state, &auth).await?;
    Ok(Json(crate::api::page(items, params)))
}

/// The visible sources as JSON values.
pub(crate) async fn source_items(state: &AppState, auth: &Auth) -> Result<Vec<Value>, ApiError> {
    let scope = tenant_scope(state, &auth.principal).await?;
    let own = auth.principal.organization.id;
    let sources = list_sources(state.vex(), &scope).await.map_err(vex_error)?;
    Ok(sources
        .iter()
        .map(|s| {
            json!({
                "id": s.id, "format": s.format, "document_id": s.document_id, "author": s.author,
                "authority": s.authority, "file": s.file, "n_statements": s.n_statements,
                "n_skipped": s.n_skipped, "imported_at": s.imported_at,
                "imported_by": if s.organization_id == Some(own) { Some(s.imported_by.as_str()) } else { None },
                "owner": owner_label(s.organization_id, own),
            })
        })
        .collect())
}

/// `own`, `global` (command line) or `shared` (a manufacturer sharing with the caller).
fn owner_label(owner: Option<i64>, own: i64) -> &'static str {
    match owner {
        None => "global",
        Some(owner) if owner == own => "own",
        Some(_) => "shared",
    }
}

/// What to export.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportParams {
    /// One of the manufacturer's own products (case-insensitive).
    pub product: String,
    /// Only this product version.
    pub version: Option<String>,
    /// `cyclonedx` (1.6 JSON), `openvex` (0.2.0) or `csaf` (2.0 VEX).
    pub format: String,
    /// The CSAF publisher namespace URL.
    pub namespace: Option<String>,
}

/// The current statements of one of the manufacturer's own products as one VEX document
/// (what `medsbom vex export` writes), from the manufacturer's own and the command line's
/// sources and analyses. The `x-medsbom-vex-warnings` header counts the statements a format
/// could not hold.
#[utoipa::path(get, path = "/api/v1/vex/export", tag = "vex", params(ExportParams),
    responses((status = 200, body = AnyJson), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn export_vex(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let Some(format) = VexFormat::parse(params.format.trim()) else {
        return Err(ApiError::bad_request(format!(
            "unknown format {:?}: cyclonedx, openvex or csaf",
            params.format
        )));
    };
    let organization = &auth.principal.organization;
    if organization.kind != OrgKind::Manufacturer {
        // A provider exports nothing of its own: the products it sees are a manufacturer's.
        return Err(ApiError::not_found(format!(
            "no product {:?} of yours",
            params.product
        )));
    }
    let scope = tenant_scope(&state, &auth.principal).await?;
    let set = gather(
        state.vex(),
        &params.product,
        params.version.as_deref(),
        &scope,
    )
    .await
    .map_err(vex_error)?;
    let header = ExportHeader {
        author: organization.name.clone(),
        authority: Authority::Manufacturer,
        timestamp: medsbom_model::now_rfc3339(),
        namespace: params
            .namespace
            .clone()
            .unwrap_or_else(|| "https://example.invalid/medsbom".to_owned()),
    };
    let exported = write(&set, format, &header);
    let content_type = match format {
        VexFormat::CycloneDx => "application/vnd.cyclonedx+json",
        VexFormat::OpenVex | VexFormat::Csaf => "application/json",
    };
    let mut response = Json(exported.document).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.headers_mut().insert(
        "x-medsbom-vex-warnings",
        HeaderValue::from(exported.warnings.len()),
    );
    Ok(response)
}

/// Filters of the analysis listing.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AnalysisParams {
    /// Only this product (case-insensitive).
    pub product: Option<String>,
    /// Only this vulnerability (any case).
    pub vulnerability: Option<String>,
    /// Only this finding: `PRODUCT@VERSION:COMPONENT:VULN-ID`.
    pub finding: Option<String>,
    /// Every decision recorded, not only the newest per finding.
    pub history: Option<bool>,
    /// Items per page.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// The analysis decisions the caller's organization sees (its own, the command line's, and
/// a sharing manufacturer's for its shared products), for the products it sees, newest
/// first.
#[utoipa::path(get, path = "/api/v1/analysis", tag = "vex", params(AnalysisParams),
    responses((status = 200, body = AnyJson), (status = 400, body = ErrorBody)))]
pub(crate) async fn list_analysis(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<AnalysisParams>,
) -> Result<Json<Value>, ApiError> {
    let items = analysis_items(&state, &auth, &params).await?;
    Ok(Json(crate::api::page(
        items,
        PageParams {
            limit: params.limit,
            offset: params.offset,
        },
    )))
}

/// The visible analyses as JSON values.
pub(crate) async fn analysis_items(
    state: &AppState,
    auth: &Auth,
    params: &AnalysisParams,
) -> Result<Vec<Value>, ApiError> {
    let finding = match params.finding.as_deref() {
        Some(text) => Some(FindingRef::parse(text).map_err(vex_error)?),
        None => None,
    };
    let filter = AnalysisFilter {
        product: params.product.clone(),
        finding,
        history: params.history.unwrap_or(false),
        scope: tenant_scope(state, &auth.principal).await?,
    };
    let records = list_analyses(state.vex(), &filter)
        .await
        .map_err(vex_error)?;
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    let own = auth.principal.organization.id;
    Ok(records
        .iter()
        .filter(|r| sees_product_version(&visible, &r.finding.product, &r.finding.product_version))
        .filter(|r| match &params.vulnerability {
            Some(id) => r.finding.vulnerability_id.eq_ignore_ascii_case(id.trim()),
            None => true,
        })
        .map(|r| analysis_json(r, own))
        .collect())
}

/// Whether some visible SBOM is of `product` (case-insensitive) `version`.
fn sees_product_version(visible: &Visible, product: &str, version: &str) -> bool {
    visible
        .sboms
        .values()
        .any(|sbom| sbom.product.eq_ignore_ascii_case(product) && sbom.product_version == version)
}

fn analysis_json(record: &AnalysisRecord, own: i64) -> Value {
    let mut value = record.to_json();
    value["owner"] = Value::from(owner_label(record.organization_id, own));
    value
}

/// One analysis decision. Name the finding either as `finding`
/// (`PRODUCT@VERSION:COMPONENT:VULN-ID`) or with the four fields.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AnalysisRequest {
    /// The finding as `PRODUCT@VERSION:COMPONENT:VULN-ID`.
    pub finding: Option<String>,
    /// The product.
    pub product: Option<String>,
    /// The product version.
    pub product_version: Option<String>,
    /// The component: its purl (without a version for every version), CPE, package key
    /// (`name:…`) or `*` for every component (default `*`).
    pub component: Option<String>,
    /// The vulnerability (any identifier).
    pub vulnerability_id: Option<String>,
    /// `not_affected`, `affected`, `fixed`, `under_investigation` (or a CycloneDX state).
    pub state: String,
    /// Why not affected: an OpenVEX/CSAF label or a CycloneDX justification.
    pub justification: Option<String>,
    /// CycloneDX responses (`update`, `will_not_fix`, …).
    #[serde(default)]
    pub responses: Vec<String>,
    /// Free text: the reasoning, the mitigation in place.
    pub detail: Option<String>,
}

impl AnalysisRequest {
    /// The finding the request names.
    fn finding_ref(&self) -> Result<FindingRef, ApiError> {
        if let Some(text) = &self.finding {
            return FindingRef::parse(text).map_err(vex_error);
        }
        let field = |value: &Option<String>, name: &str| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| {
                    ApiError::bad_request(format!("{name} is missing (or give finding)"))
                })
        };
        Ok(FindingRef {
            product: field(&self.product, "product")?,
            product_version: field(&self.product_version, "product_version")?,
            component: self
                .component
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .unwrap_or("*")
                .to_owned(),
            vulnerability_id: field(&self.vulnerability_id, "vulnerability_id")?,
        })
    }
}

/// Records an analysis decision about a finding of a product version the caller sees
/// (analysts and admins): role `manufacturer` for a manufacturer, `provider` for a
/// hospital. Earlier decisions stay as history.
#[utoipa::path(post, path = "/api/v1/analysis", tag = "vex", request_body = AnalysisRequest,
    responses((status = 201, body = AnyJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn create_analysis(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(request): ApiJson<AnalysisRequest>,
) -> Result<Response, ApiError> {
    let record = record_decision(&state, &auth, &request).await?;
    Ok((
        StatusCode::CREATED,
        Json(analysis_json(&record, auth.principal.organization.id)),
    )
        .into_response())
}

/// Checks and records one decision with its audit entry (the API and the vulnerability
/// page's form).
pub(crate) async fn record_decision(
    state: &AppState,
    auth: &Auth,
    request: &AnalysisRequest,
) -> Result<AnalysisRecord, ApiError> {
    auth.require(Action::WriteAnalysis)?;
    let finding = request.finding_ref()?;
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    if !sees_product_version(&visible, &finding.product, &finding.product_version) {
        return Err(ApiError::not_found(format!(
            "no product version {}@{}",
            finding.product, finding.product_version
        )));
    }
    let principal = &auth.principal;
    let role = match principal.organization.kind {
        OrgKind::Manufacturer => AnalysisRole::Manufacturer,
        OrgKind::Provider => AnalysisRole::Provider,
    };
    let nonempty = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let justification = nonempty(&request.justification);
    let detail = nonempty(&request.detail);
    let recorded_at = medsbom_model::now_rfc3339();
    let id = record_analysis(
        state.vex(),
        &NewAnalysis {
            finding: &finding,
            role,
            state: request.state.trim(),
            justification: justification.as_deref(),
            responses: &request.responses,
            detail: detail.as_deref(),
            analyst: &principal.username,
            recorded_at: &recorded_at,
            organization_id: Some(principal.organization.id),
        },
    )
    .await
    .map_err(vex_error)?;
    let filter = AnalysisFilter {
        finding: Some(finding.clone()),
        history: true,
        scope: tenant_scope(state, principal).await?,
        ..AnalysisFilter::default()
    };
    let recorded = list_analyses(state.vex(), &filter)
        .await
        .map_err(vex_error)?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| ApiError::not_found(format!("no analysis {id}")))?;
    record(
        state,
        principal,
        "analysis.decision",
        &format!("analysis:{id}"),
        json!({
            "finding": finding.to_string(), "role": role.as_str(), "state": recorded.state.as_str(),
            "justification": recorded.justification, "responses": recorded.responses, "detail": recorded.detail,
        }),
    )
    .await?;
    Ok(recorded)
}
