//! The JSON REST API under `/api/v1`: one handler per route, each extracting [`Auth`],
//! checking the action, reading through the tenant's [`Visible`] set and mapping errors to
//! [`ApiError`] (`{code, message}`). The OpenAPI document is generated from the handlers'
//! annotations ([`ApiDoc`]) and served at `/api/openapi.json` with a Swagger UI at
//! `/api/docs` whose assets are embedded in the binary.

use std::collections::BTreeMap;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use medsbom_model::IsoDate;
use medsbom_store::{IngestOutcome, IngestRequest, SearchQuery};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::accounts::{self, OrgKind, Principal, Role};
use crate::audit::{self, AuditEvent, AuditFilter};
use crate::auth::{Action, Auth, session_clear_cookie, session_set_cookie};
use crate::tenancy::{self, Visible};
use crate::{AppState, ServerError};

/// Items per page unless `limit` says otherwise.
pub const DEFAULT_PAGE: usize = 100;
/// The largest page.
pub const MAX_PAGE: usize = 1000;

/// An error response: a status and a `{code, message}` body.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

/// The body of every error response.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code (`not_found`, `forbidden`, …).
    pub code: String,
    /// A message for people.
    pub message: String,
}

impl ApiError {
    /// 400 with `code`.
    #[must_use]
    pub fn bad_request(message: String) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            message,
        }
    }

    /// 401.
    #[must_use]
    pub fn unauthorized() -> ApiError {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: "log in or send an API token (Authorization: Bearer …)".to_owned(),
        }
    }

    /// 403.
    #[must_use]
    pub fn forbidden(message: String) -> ApiError {
        ApiError {
            status: StatusCode::FORBIDDEN,
            code: "forbidden",
            message,
        }
    }

    /// 404.
    #[must_use]
    pub fn not_found(message: String) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found",
            message,
        }
    }

    /// 415.
    #[must_use]
    pub fn unsupported_media_type(message: String) -> ApiError {
        ApiError {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            message,
        }
    }

    /// The message of this error.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The status of this error.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<ServerError> for ApiError {
    fn from(err: ServerError) -> ApiError {
        match err {
            ServerError::NotFound(message) => ApiError::not_found(message),
            ServerError::Invalid { .. } => ApiError::bad_request(err.to_string()),
            ServerError::Conflict(message) => ApiError {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message,
            },
            ServerError::Assets(medsbom_assets::AssetError::NotFound(message)) => {
                ApiError::not_found(message)
            }
            ServerError::Assets(
                err @ (medsbom_assets::AssetError::Invalid { .. }
                | medsbom_assets::AssetError::Input { .. }
                | medsbom_assets::AssetError::Mapping { .. }),
            ) => ApiError::bad_request(err.to_string()),
            ServerError::Store(err @ medsbom_store::StoreError::NoProduct { .. }) => {
                ApiError::bad_request(err.to_string())
            }
            other => {
                tracing::error!(error = %other, "internal error");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal",
                    message: "internal error (see the server log)".to_owned(),
                }
            }
        }
    }
}

macro_rules! from_domain_error {
    ($($ty:ty),*) => {$(
        impl From<$ty> for ApiError {
            fn from(err: $ty) -> ApiError {
                ApiError::from(ServerError::from(err))
            }
        }
    )*};
}
from_domain_error!(
    medsbom_store::StoreError,
    medsbom_assets::AssetError,
    medsbom_vuln::VulnError,
    medsbom_lifecycle::LifecycleError
);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_owned(),
            message: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

/// A JSON request body whose rejections (wrong content type, bad JSON) are [`ApiError`]s.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<ApiJson<T>, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError {
                status: rejection.status(),
                code: "bad_request",
                message: rejection.body_text(),
            }),
        }
    }
}

/// Any JSON object (for responses documented as a free-form object).
pub struct AnyJson;

impl utoipa::PartialSchema for AnyJson {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new().into()
    }
}

impl ToSchema for AnyJson {}

/// `limit` and `offset` of a listing.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
pub struct PageParams {
    /// Items per page (default 100, at most 1000).
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

pub(crate) fn page<T: serde::Serialize>(items: Vec<T>, params: PageParams) -> Value {
    let total = items.len();
    let limit = params.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let offset = params.offset.unwrap_or(0);
    let items: Vec<T> = items.into_iter().skip(offset).take(limit).collect();
    json!({"items": items, "total": total, "limit": limit, "offset": offset})
}

fn parse_as_of(as_of: Option<&str>) -> Result<IsoDate, ApiError> {
    match as_of {
        Some(text) => IsoDate::parse(text).ok_or_else(|| {
            ApiError::bad_request(format!("as_of {text:?} is not a YYYY-MM-DD date"))
        }),
        None => Ok(IsoDate::today()),
    }
}

/// Appends to the audit log on behalf of `principal`.
pub(crate) async fn record(
    state: &AppState,
    principal: &Principal,
    action: &str,
    object: &str,
    details: Value,
) -> Result<(), ApiError> {
    audit::append(
        state.db(),
        &AuditEvent {
            actor: &principal.username,
            organization_id: Some(principal.organization.id),
            action,
            object,
            details: &details,
        },
    )
    .await?;
    Ok(())
}

/// The API's routes (state still to be given).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/login", post(login))
        .route("/api/v1/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/tokens", post(create_token))
        .route(
            "/api/v1/tokens/{token_id}",
            axum::routing::delete(revoke_token),
        )
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/products", get(list_products))
        .route("/api/v1/products/{product_id}/shares", post(share_product))
        .route("/api/v1/shares", get(list_shares))
        .route("/api/v1/sboms", get(list_sboms).post(upload_sbom))
        .route("/api/v1/sboms/{sbom_id}", get(get_sbom))
        .route("/api/v1/sboms/{sbom_id}/raw", get(download_sbom))
        .route("/api/v1/sboms/{sbom_id}/check", get(sbom_check))
        .route("/api/v1/search", get(search))
        .route("/api/v1/diff", get(diff))
        .route("/api/v1/feeds", get(feeds))
        .route("/api/v1/findings", get(findings))
        .route("/api/v1/assets", get(list_assets))
        .route("/api/v1/assets/import", post(import_assets))
        .route("/api/v1/assets/{asset_id}", get(get_asset))
        .route("/api/v1/assets/{asset_id}/retire", post(retire_asset))
        .route("/api/v1/impact", get(impact))
        .route("/api/v1/lifecycle/alerts", get(lifecycle_alerts))
        .route("/api/v1/lifecycle/timeline.svg", get(lifecycle_timeline))
        .route("/api/v1/audit", get(audit_list))
        .route("/api/v1/audit/verify", get(audit_verify))
        .merge(analysis_routes())
}

/// The VEX and analysis-decision routes (`/api/v1/vex…`, `/api/v1/analysis`), implemented
/// in `vex_api`. Their handlers take [`Auth`], require [`Action::Upload`] (VEX documents)
/// or [`Action::WriteAnalysis`] (decisions) for writes, read through the tenant's VEX scope
/// and [`Visible`], and call [`record`] with `vex.import` or `analysis.decision`.
fn analysis_routes() -> Router<AppState> {
    crate::vex_api::routes()
}

/// `/api/openapi.json` and the Swagger UI at `/api/docs` (assets embedded, no network).
pub fn docs_routes() -> Router {
    utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .url("/api/openapi.json", ApiDoc::openapi())
        .into()
}

/// The OpenAPI 3 document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "medsbom",
        description = "SBOM, vulnerability and lifecycle management for medical devices"
    ),
    paths(
        login,
        logout,
        me,
        create_token,
        revoke_token,
        list_users,
        create_user,
        list_products,
        share_product,
        list_shares,
        list_sboms,
        upload_sbom,
        get_sbom,
        download_sbom,
        sbom_check,
        search,
        diff,
        feeds,
        findings,
        list_assets,
        import_assets,
        get_asset,
        retire_asset,
        impact,
        lifecycle_alerts,
        lifecycle_timeline,
        audit_list,
        audit_verify,
        crate::vex_api::upload_vex,
        crate::vex_api::list_vex,
        crate::vex_api::export_vex,
        crate::vex_api::list_analysis,
        crate::vex_api::create_analysis
    ),
    components(schemas(
        ErrorBody,
        AnyJson,
        LoginRequest,
        TokenRequest,
        UserRequest,
        ShareRequest,
        RetireRequest,
        crate::vex_api::AnalysisRequest
    ))
)]
pub struct ApiDoc;

/// Username and password.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The username.
    pub username: String,
    /// The password.
    pub password: String,
}

/// Logs in with a password: sets the session cookie and returns the CSRF token that
/// cookie-authenticated writes send in `X-CSRF-Token`.
#[utoipa::path(post, path = "/api/v1/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = AnyJson), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let (principal, session) = password_login(&state, &request.username, &request.password).await?;
    let body = json!({
        "username": principal.username,
        "role": principal.role.as_str(),
        "organization": principal.organization.name,
        "organization_kind": principal.organization.kind.as_str(),
        "csrf_token": session.csrf_token,
    });
    let cookie = session_set_cookie(&session.cookie, state.config().secure_cookies);
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Checks a password login under the rate limit and records it in the audit log.
pub(crate) async fn password_login(
    state: &AppState,
    username: &str,
    password: &str,
) -> Result<(Principal, accounts::NewSession), ApiError> {
    if !state.login_limiter().permits(username) {
        return Err(ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate_limited",
            message: "too many failed logins; try again later".to_owned(),
        });
    }
    let Some(principal) = accounts::check_password(state.db(), username, password).await? else {
        state.login_limiter().record_failure(username);
        audit::append(
            state.db(),
            &AuditEvent {
                actor: username,
                organization_id: None,
                action: "login.failed",
                object: &format!("user:{username}"),
                details: &json!({}),
            },
        )
        .await?;
        return Err(ApiError {
            status: StatusCode::UNAUTHORIZED,
            code: "unauthorized",
            message: "wrong username or password".to_owned(),
        });
    };
    state.login_limiter().record_success(username);
    let session = accounts::create_session(state.db(), principal.user_id).await?;
    record(
        state,
        &principal,
        "login",
        &format!("user:{}", principal.username),
        json!({}),
    )
    .await?;
    Ok((principal, session))
}

/// Ends the session.
#[utoipa::path(post, path = "/api/v1/logout", tag = "accounts", responses((status = 204)))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth: Auth,
) -> Result<Response, ApiError> {
    let (mut parts, ()) = Request::new(()).into_parts();
    parts.headers = headers;
    if let Some(cookie) = crate::auth::session_cookie(&parts) {
        accounts::delete_session(state.db(), &cookie).await?;
    }
    let _ = auth;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = HeaderValue::from_str(&session_clear_cookie()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Who is logged in.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = AnyJson), (status = 401, body = ErrorBody)))]
async fn me(auth: Auth) -> Json<Value> {
    let p = &auth.principal;
    Json(json!({
        "username": p.username,
        "role": p.role.as_str(),
        "organization": p.organization.name,
        "organization_kind": p.organization.kind.as_str(),
    }))
}

/// A name for a new token.
#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    /// What the token is for.
    pub name: String,
}

/// Creates an API token for the caller; the token is in this response only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenRequest,
    responses((status = 201, body = AnyJson), (status = 401, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Response, ApiError> {
    let token = accounts::create_token(state.db(), &auth.principal.username, &request.name).await?;
    record(
        &state,
        &auth.principal,
        "token.create",
        &format!("token:{}", token.id),
        json!({"name": request.name}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": token.id, "token": token.token})),
    )
        .into_response())
}

/// Revokes one of the caller's own API tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{token_id}", tag = "accounts",
    params(("token_id" = i64, Path, description = "The token's id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(token_id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if !accounts::revoke_token(state.db(), auth.principal.user_id, token_id).await? {
        return Err(ApiError::not_found(format!(
            "no live token {token_id} of yours"
        )));
    }
    record(
        &state,
        &auth.principal,
        "token.revoke",
        &format!("token:{token_id}"),
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new user of the caller's organization.
#[derive(Deserialize, ToSchema)]
pub struct UserRequest {
    /// The username.
    pub username: String,
    /// `admin`, `analyst`, `viewer`, `publisher` (manufacturers) or `auditor`.
    pub role: String,
    /// The password (at least 8 characters); none for a token-only account.
    pub password: Option<String>,
}

/// The users of the caller's organization (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = AnyJson), (status = 403, body = ErrorBody)))]
async fn list_users(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, ApiError> {
    auth.require(Action::ManageAccounts)?;
    let users = accounts::list_users(state.db(), Some(auth.principal.organization.id)).await?;
    let items: Vec<Value> = users
        .iter()
        .map(|u| json!({"id": u.id, "username": u.username, "role": u.role.as_str(), "has_password": u.has_password}))
        .collect();
    Ok(Json(json!({"items": items})))
}

/// Creates a user in the caller's organization (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserRequest,
    responses((status = 201, body = AnyJson), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(request): ApiJson<UserRequest>,
) -> Result<Response, ApiError> {
    auth.require(Action::ManageAccounts)?;
    let role = Role::parse(&request.role)
        .ok_or_else(|| ApiError::bad_request(format!("unknown role {:?}", request.role)))?;
    let user = accounts::create_user(
        state.db(),
        &auth.principal.organization,
        &request.username,
        role,
        request.password.as_deref(),
    )
    .await?;
    record(
        &state,
        &auth.principal,
        "user.create",
        &format!("user:{}", user.username),
        json!({"role": role.as_str()}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": user.id, "username": user.username, "role": role.as_str()})),
    )
        .into_response())
}

/// The products the caller's organization sees, with their versions and SBOM counts.
#[utoipa::path(get, path = "/api/v1/products", tag = "portfolio", params(PageParams), responses((status = 200, body = AnyJson)))]
async fn list_products(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<PageParams>,
) -> Result<Json<Value>, ApiError> {
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    Ok(Json(page(products_of(&visible), params)))
}

/// The visible products as JSON values, by manufacturer and name.
pub(crate) fn products_of(visible: &Visible) -> Vec<Value> {
    let mut products: BTreeMap<(String, String), (i64, Vec<String>, usize)> = BTreeMap::new();
    for sbom in visible.sboms.values() {
        let entry = products
            .entry((sbom.manufacturer.clone(), sbom.product.clone()))
            .or_insert((sbom.product_id, Vec::new(), 0));
        if !entry.1.contains(&sbom.product_version) {
            entry.1.push(sbom.product_version.clone());
        }
        entry.2 += 1;
    }
    products
        .into_iter()
        .map(|((manufacturer, product), (id, versions, n_sboms))| {
            json!({"id": id, "manufacturer": manufacturer, "product": product, "versions": versions, "n_sboms": n_sboms})
        })
        .collect()
}

/// A provider to share with.
#[derive(Deserialize, ToSchema)]
pub struct ShareRequest {
    /// The provider organization's name.
    pub provider: String,
}

/// Shares one of the manufacturer's products with a provider (publishers and admins).
#[utoipa::path(post, path = "/api/v1/products/{product_id}/shares", tag = "portfolio", request_body = ShareRequest,
    params(("product_id" = i64, Path, description = "The product's id")),
    responses((status = 201, body = AnyJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn share_product(
    State(state): State<AppState>,
    auth: Auth,
    Path(product_id): Path<i64>,
    ApiJson(request): ApiJson<ShareRequest>,
) -> Result<Response, ApiError> {
    auth.require(Action::Share)?;
    let owner = tenancy::product_owner(state.db(), product_id).await?;
    if owner != Some(auth.principal.organization.id) {
        return Err(ApiError::not_found(format!("no product {product_id}")));
    }
    let Some(provider) =
        accounts::find_org(state.db(), OrgKind::Provider, &request.provider).await?
    else {
        return Err(ApiError::not_found(format!(
            "no provider {:?}",
            request.provider
        )));
    };
    let created = tenancy::share_product(
        state.db(),
        product_id,
        provider.id,
        &auth.principal.username,
    )
    .await?;
    record(
        &state,
        &auth.principal,
        "share",
        &format!("product:{product_id}"),
        json!({"provider": provider.name}),
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(json!({"product_id": product_id, "provider": provider.name})),
    )
        .into_response())
}

/// The shares the organization made (manufacturer) or received (provider).
#[utoipa::path(get, path = "/api/v1/shares", tag = "portfolio", responses((status = 200, body = AnyJson)))]
async fn list_shares(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, ApiError> {
    let shares = tenancy::list_shares(state.db(), &auth.principal.organization).await?;
    let items: Vec<Value> = shares
        .iter()
        .map(|s| json!({"product_id": s.product_id, "manufacturer": s.manufacturer, "product": s.product, "provider": s.provider, "shared_by": s.shared_by, "created_at": s.created_at}))
        .collect();
    Ok(Json(json!({"items": items})))
}

/// Filters of the SBOM listing.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SbomFilter {
    /// Product name (case-insensitive, exact).
    pub product: Option<String>,
    /// Items per page.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// The visible SBOM documents, newest first.
#[utoipa::path(get, path = "/api/v1/sboms", tag = "portfolio", params(SbomFilter), responses((status = 200, body = AnyJson)))]
async fn list_sboms(
    State(state): State<AppState>,
    auth: Auth,
    Query(filter): Query<SbomFilter>,
) -> Result<Json<Value>, ApiError> {
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    let mut rows = state.db().store().sboms(filter.product.as_deref()).await?;
    rows.retain(|row| visible.has_sbom(row.sbom_id));
    rows.sort_by_key(|row| std::cmp::Reverse(row.sbom_id));
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "sbom_id": r.sbom_id, "manufacturer": r.manufacturer, "product": r.product,
                "product_version": r.product_version, "revision": r.revision,
                "is_latest": visible.is_latest(r.sbom_id), "format": r.format,
                "spec_version": r.spec_version, "sha256": r.sha256, "raw_size": r.raw_size,
                "n_components": r.n_components, "ingested_at": r.ingested_at,
                "ingested_by": r.ingested_by, "source_name": r.source_name,
            })
        })
        .collect();
    Ok(Json(page(
        items,
        PageParams {
            limit: filter.limit,
            offset: filter.offset,
        },
    )))
}

/// Where an upload is filed; defaults come from the SBOM.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadParams {
    /// Manufacturer (providers only; a manufacturer always files under its own name).
    pub manufacturer: Option<String>,
    /// Product (device model).
    pub product: Option<String>,
    /// Product version.
    pub product_version: Option<String>,
    /// The file name, recorded with the SBOM.
    pub file_name: Option<String>,
}

/// The content types every upload takes (SBOM or VEX): generic JSON, XML, text and gzip,
/// and the CycloneDX, YAML and JSON-LD types; each kind of upload adds its own.
pub(crate) const COMMON_UPLOAD_TYPES: &[&str] = &[
    "application/json",
    "application/xml",
    "text/xml",
    "text/plain",
    "application/octet-stream",
    "application/gzip",
    "application/x-gzip",
    "application/vnd.cyclonedx+json",
    "application/vnd.cyclonedx+xml",
    "application/yaml",
    "application/ld+json",
];

/// The content types an SBOM upload takes besides [`COMMON_UPLOAD_TYPES`].
const SBOM_UPLOAD_TYPES: &[&str] = &["application/spdx+json", "text/spdx"];

/// Uploads (ingests) one SBOM: the request body is the file (CycloneDX, SPDX or SWID; gzip
/// allowed). 201 when stored, 200 when the same bytes were already stored.
#[utoipa::path(post, path = "/api/v1/sboms", tag = "portfolio", params(UploadParams),
    request_body(content = String, description = "The SBOM file", content_type = "application/octet-stream"),
    responses((status = 201, body = AnyJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn upload_sbom(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    auth.require(Action::Upload)?;
    require_content_type(&headers, SBOM_UPLOAD_TYPES, "an SBOM upload")?;
    let (stored, created) = ingest_bytes(&state, &auth.principal, body.to_vec(), &params).await?;
    Ok(created_or_ok(created, stored))
}

/// Refuses (415) a request whose content type, without its parameters and in any case, is not
/// one of [`COMMON_UPLOAD_TYPES`] or `specific`; `what` names the upload in the message.
pub(crate) fn require_content_type(
    headers: &HeaderMap,
    specific: &[&str],
    what: &str,
) -> Result<(), ApiError> {
    let allowed: Vec<&str> = COMMON_UPLOAD_TYPES
        .iter()
        .chain(specific)
        .copied()
        .collect();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if allowed.contains(&content_type.as_str()) {
        return Ok(());
    }
    Err(ApiError::unsupported_media_type(format!(
        "{what} has one of the content types {}",
        allowed.join(", ")
    )))
}

/// 201 with `body` when the upload stored something new, else 200.
pub(crate) fn created_or_ok(created: bool, body: Value) -> Response {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(body)).into_response()
}

/// Parses and ingests one SBOM for `principal`, records the upload and the audit entry, and
/// matches the new packages; returns the stored SBOM as JSON and whether it is new.
pub(crate) async fn ingest_bytes(
    state: &AppState,
    principal: &Principal,
    raw: Vec<u8>,
    params: &UploadParams,
) -> Result<(Value, bool), ApiError> {
    let file_name = params
        .file_name
        .clone()
        .unwrap_or_else(|| "upload".to_owned());
    let parse = tokio::task::spawn_blocking(move || {
        let limits = medsbom_formats::Limits::default();
        let decoded =
            medsbom_formats::decode(raw.clone(), &limits).map_err(|err| err.to_string())?;
        let (detected, parsed) = medsbom_formats::read(&decoded).map_err(|err| err.to_string())?;
        Ok::<_, String>((raw, detected, parsed))
    })
    .await
    .map_err(|err| ApiError::bad_request(format!("cannot parse the upload: {err}")))?;
    let (raw, detected, parsed) =
        parse.map_err(|err| ApiError::bad_request(format!("{file_name}: {err}")))?;
    let spec_version = detected
        .spec_version
        .clone()
        .unwrap_or_else(|| parsed.sbom.spec_version.clone());
    let diagnostics: Vec<Value> = parsed
        .diagnostics
        .iter()
        .map(|d| json!({"severity": d.severity.as_str(), "location": d.location.to_string(), "message": d.message}))
        .collect();
    let check_results = json!({ "reader_diagnostics": diagnostics }).to_string();
    let manufacturer = match principal.organization.kind {
        OrgKind::Manufacturer => Some(principal.organization.name.as_str()),
        OrgKind::Provider => params.manufacturer.as_deref(),
    };
    if principal.organization.kind == OrgKind::Provider {
        let filed_under = medsbom_store::filing_manufacturer(manufacturer, &parsed.sbom);
        if tenancy::manufacturer_is_tenant(state.db(), &filed_under).await? {
            return Err(ApiError {
                status: StatusCode::CONFLICT,
                code: "conflict",
                message: format!(
                    "{filed_under} publishes its SBOMs here; ask it to share the product with you"
                ),
            });
        }
    }
    let request = IngestRequest {
        raw: &raw,
        format: detected.format.as_str(),
        spec_version: &spec_version,
        sbom: &parsed.sbom,
        manufacturer,
        product: params.product.as_deref(),
        product_version: params.product_version.as_deref(),
        ingested_by: &principal.username,
        source_name: Some(&file_name),
        check_results: Some(&check_results),
        progress: None,
    };
    // A provider's uploads are its private copies: another hospital's SBOM of the same
    // device never becomes the newest revision it reads findings and impact from.
    let namespace = match principal.organization.kind {
        OrgKind::Manufacturer => medsbom_store::SHARED_NAMESPACE,
        OrgKind::Provider => principal.organization.id,
    };
    let outcome = state
        .db()
        .store()
        .ingest_in_namespace(&request, namespace)
        .await?;
    let created = matches!(outcome, IngestOutcome::Stored(_));
    let stored = outcome.stored().clone();
    tenancy::record_upload(
        state.db(),
        stored.sbom_id,
        principal.organization.id,
        &principal.username,
    )
    .await?;
    let visible = tenancy::visible(state.db(), &principal.organization).await?;
    if !visible.has_sbom(stored.sbom_id) {
        // The same bytes are filed under another organization's product.
        return Err(ApiError {
            status: StatusCode::CONFLICT,
            code: "conflict",
            message: "these exact bytes are already stored for another manufacturer".to_owned(),
        });
    }
    record(
        state,
        principal,
        "ingest",
        &format!("sbom:{}", stored.sbom_id),
        json!({
            "sha256": medsbom_store_sha256(&raw), "created": created, "manufacturer": stored.manufacturer,
            "product": stored.product, "product_version": stored.product_version, "revision": stored.revision,
        }),
    )
    .await?;
    if created {
        medsbom_vuln::matching::match_unmatched(
            state.vuln(),
            &medsbom_vuln::evaluate::MatchConfig::EXACT,
        )
        .await?;
        medsbom_assets::relink_assets(state.assets()).await?;
    }
    let body = json!({
        "sbom_id": stored.sbom_id, "manufacturer": stored.manufacturer, "product": stored.product,
        "product_version": stored.product_version, "revision": stored.revision,
        "n_components": stored.n_components, "created": created, "format": detected.format.as_str(),
        "spec_version": spec_version,
    });
    Ok((body, created))
}

fn medsbom_store_sha256(raw: &[u8]) -> String {
    accounts::sha256_hex(raw)
}

/// Loads the tenant's visible set and fails with 404 unless the SBOM is in it.
pub(crate) async fn visible_sbom(
    state: &AppState,
    auth: &Auth,
    sbom_id: i64,
) -> Result<Visible, ApiError> {
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    if !visible.has_sbom(sbom_id) {
        return Err(ApiError::not_found(format!("no SBOM {sbom_id}")));
    }
    Ok(visible)
}

/// One SBOM with its components.
#[utoipa::path(get, path = "/api/v1/sboms/{sbom_id}", tag = "portfolio",
    params(("sbom_id" = i64, Path, description = "The SBOM's id")),
    responses((status = 200, body = AnyJson), (status = 404, body = ErrorBody)))]
async fn get_sbom(
    State(state): State<AppState>,
    auth: Auth,
    Path(sbom_id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let visible = visible_sbom(&state, &auth, sbom_id).await?;
    Ok(Json(sbom_json(&state, &visible, sbom_id).await?))
}

/// An SBOM's summary and components as JSON.
pub(crate) async fn sbom_json(
    state: &AppState,
    visible: &Visible,
    sbom_id: i64,
) -> Result<Value, ApiError> {
    let store = state.db().store();
    let stored = store.stored_sbom(sbom_id).await?;
    let components = store.component_summaries(sbom_id).await?;
    let components: Vec<Value> = components
        .iter()
        .map(|c| json!({"name": c.name, "version": c.version, "purl": c.purl, "cpe": c.cpe, "supplier": c.supplier, "support_level": c.support_level, "end_of_support": c.end_of_support}))
        .collect();
    Ok(json!({
        "sbom_id": sbom_id, "manufacturer": stored.manufacturer, "product": stored.product,
        "product_version": stored.product_version, "revision": stored.revision,
        "is_latest": visible.is_latest(sbom_id), "n_components": stored.n_components,
        "components": components,
    }))
}

/// The exact bytes of an SBOM as uploaded.
#[utoipa::path(get, path = "/api/v1/sboms/{sbom_id}/raw", tag = "portfolio",
    params(("sbom_id" = i64, Path, description = "The SBOM's id")),
    responses((status = 200, content_type = "application/octet-stream", body = String), (status = 404, body = ErrorBody)))]
async fn download_sbom(
    State(state): State<AppState>,
    auth: Auth,
    Path(sbom_id): Path<i64>,
) -> Result<Response, ApiError> {
    visible_sbom(&state, &auth, sbom_id).await?;
    let bytes = state.db().store().sbom_bytes(sbom_id).await?;
    let mut response = Body::from(bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"sbom-{sbom_id}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// Which conformance profile to check against.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CheckParams {
    /// `ntia-2021` (default), `fsct3-min`, `cisa-2025-draft`, `fda-premarket` or `imdrf-n73`.
    pub profile: Option<String>,
    /// The day "already past" is judged on (YYYY-MM-DD; default today).
    pub as_of: Option<String>,
}

/// The conformance check of a stored SBOM against a profile, with the reader diagnostics
/// recorded at ingest.
#[utoipa::path(get, path = "/api/v1/sboms/{sbom_id}/check", tag = "portfolio",
    params(("sbom_id" = i64, Path, description = "The SBOM's id"), CheckParams),
    responses((status = 200, body = AnyJson), (status = 404, body = ErrorBody)))]
async fn sbom_check(
    State(state): State<AppState>,
    auth: Auth,
    Path(sbom_id): Path<i64>,
    Query(params): Query<CheckParams>,
) -> Result<Json<Value>, ApiError> {
    visible_sbom(&state, &auth, sbom_id).await?;
    Ok(Json(
        check_json(
            &state,
            sbom_id,
            params.profile.as_deref(),
            params.as_of.as_deref(),
        )
        .await?,
    ))
}

/// Runs the conformance check of a stored SBOM.
pub(crate) async fn check_json(
    state: &AppState,
    sbom_id: i64,
    profile: Option<&str>,
    as_of: Option<&str>,
) -> Result<Value, ApiError> {
    let profile_name = profile.unwrap_or("ntia-2021");
    let profile: medsbom_check::Profile = profile_name
        .parse()
        .map_err(|_| ApiError::bad_request(format!("unknown profile {profile_name:?}")))?;
    let as_of = parse_as_of(as_of)?;
    let store = state.db().store();
    let raw = store.sbom_bytes(sbom_id).await?;
    let recorded = store
        .sboms(None)
        .await?
        .into_iter()
        .find(|row| row.sbom_id == sbom_id)
        .and_then(|row| row.check_results)
        .and_then(|text| serde_json::from_str::<Value>(&text).ok());
    let report = tokio::task::spawn_blocking(move || {
        let limits = medsbom_formats::Limits::default();
        let decoded = medsbom_formats::decode(raw, &limits).map_err(|err| err.to_string())?;
        let (_, parsed) = medsbom_formats::read(&decoded).map_err(|err| err.to_string())?;
        Ok::<_, String>(medsbom_check::check(&parsed.sbom, profile, Some(as_of)))
    })
    .await
    .map_err(|err| ApiError::bad_request(err.to_string()))?
    .map_err(ApiError::bad_request)?;
    let elements: Vec<Value> = report
        .elements
        .iter()
        .map(|e| json!({"id": e.id, "title": e.title, "passed": e.passed, "failing_count": e.failing_count, "failing": e.failing.iter().take(20).collect::<Vec<_>>()}))
        .collect();
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| json!({"id": f.id, "severity": f.severity.as_str(), "component": f.component, "message": f.message}))
        .collect();
    Ok(json!({
        "sbom_id": sbom_id, "profile": report.profile.as_str(), "as_of": as_of.to_string(),
        "conformant": report.conformant, "n_components": report.n_components,
        "elements": elements, "findings": findings, "recorded_at_ingest": recorded,
    }))
}

/// Search filters (they combine with AND).
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SearchParams {
    /// Case-insensitive substring of the component name.
    pub name: Option<String>,
    /// A purl, with or without version.
    pub purl: Option<String>,
    /// A `vers:` range.
    pub version_range: Option<String>,
    /// A CPE name or pattern.
    pub cpe: Option<String>,
    /// Substring of the supplier.
    pub supplier: Option<String>,
    /// Level of support.
    pub support_level: Option<String>,
    /// End of support before this date.
    pub eos_before: Option<String>,
    /// Product name.
    pub product: Option<String>,
    /// Every revision, not only the newest visible one of each product version.
    pub all_revisions: Option<bool>,
    /// Items per page.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// Where a component is: search across the visible SBOMs.
#[utoipa::path(get, path = "/api/v1/search", tag = "portfolio", params(SearchParams), responses((status = 200, body = AnyJson), (status = 400, body = ErrorBody)))]
async fn search(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<SearchParams>,
) -> Result<Json<Value>, ApiError> {
    let items = search_items(&state, &auth, &params).await?;
    Ok(Json(page(
        items,
        PageParams {
            limit: params.limit,
            offset: params.offset,
        },
    )))
}

/// The visible search hits as JSON values.
pub(crate) async fn search_items(
    state: &AppState,
    auth: &Auth,
    params: &SearchParams,
) -> Result<Vec<Value>, ApiError> {
    let nonempty = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
    let query = SearchQuery {
        name: nonempty(&params.name),
        purl: nonempty(&params.purl),
        version_range: nonempty(&params.version_range),
        cpe: nonempty(&params.cpe),
        supplier: nonempty(&params.supplier),
        support_level: nonempty(&params.support_level),
        eos_before: nonempty(&params.eos_before),
        product: nonempty(&params.product),
        // Revisions are filtered here, per tenant: the store's newest may be invisible.
        all_revisions: true,
        limit: None,
    };
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    let all_revisions = params.all_revisions.unwrap_or(false);
    let hits = state
        .db()
        .store()
        .search(&query)
        .await
        .map_err(|err| match err {
            medsbom_store::StoreError::InvalidQuery { .. } => {
                ApiError::bad_request(err.to_string())
            }
            other => ApiError::from(other),
        })?;
    Ok(hits
        .into_iter()
        .filter(|hit| visible.has_sbom(hit.sbom_id) && (all_revisions || visible.is_latest(hit.sbom_id)))
        .map(|h| json!({
            "manufacturer": h.manufacturer, "product": h.product, "product_version": h.product_version,
            "sbom_id": h.sbom_id, "revision": h.revision, "bom_ref": h.bom_ref, "name": h.name,
            "version": h.version, "purl": h.purl, "cpe": h.cpe, "supplier": h.supplier,
            "support_level": h.support_level, "end_of_support": h.end_of_support,
            "end_of_support_date": h.end_of_support_date, "package_id": h.package_id,
        }))
        .collect())
}

/// The two SBOMs to compare.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DiffParams {
    /// The old SBOM's id.
    pub old: i64,
    /// The new SBOM's id.
    pub new: i64,
}

/// What changed between two visible SBOMs.
#[utoipa::path(get, path = "/api/v1/diff", tag = "portfolio", params(DiffParams), responses((status = 200, body = AnyJson), (status = 404, body = ErrorBody)))]
async fn diff(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<DiffParams>,
) -> Result<Json<Value>, ApiError> {
    let visible = visible_sbom(&state, &auth, params.old).await?;
    if !visible.has_sbom(params.new) {
        return Err(ApiError::not_found(format!("no SBOM {}", params.new)));
    }
    Ok(Json(
        json!({"old": params.old, "new": params.new, "changes": diff_items(&state, params.old, params.new).await?}),
    ))
}

/// The diff of two SBOMs as JSON values.
pub(crate) async fn diff_items(
    state: &AppState,
    old: i64,
    new: i64,
) -> Result<Vec<Value>, ApiError> {
    let store = state.db().store();
    let old = store.component_summaries(old).await?;
    let new = store.component_summaries(new).await?;
    let summary = |c: &Option<medsbom_store::ComponentSummary>| {
        c.as_ref().map(|c| json!({"name": c.name, "version": c.version, "purl": c.purl, "supplier": c.supplier}))
    };
    Ok(medsbom_store::diff_components(&old, &new)
        .iter()
        .map(|e| json!({"change": e.change.as_str(), "identity": e.identity, "old": summary(&e.old), "new": summary(&e.new)}))
        .collect())
}

/// `as_of` of the date-dependent routes.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AsOfParams {
    /// The day to judge on (YYYY-MM-DD; default today).
    pub as_of: Option<String>,
    /// How many days ahead alerts look (default 365).
    pub horizon_days: Option<i64>,
}

/// The freshness of every imported vulnerability and end-of-life feed.
#[utoipa::path(get, path = "/api/v1/feeds", tag = "vulnerabilities", params(AsOfParams), responses((status = 200, body = AnyJson)))]
async fn feeds(
    State(state): State<AppState>,
    _auth: Auth,
    Query(params): Query<AsOfParams>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"items": feeds_items(&state, params.as_of.as_deref()).await?}),
    ))
}

/// The feed status rows as JSON values.
pub(crate) async fn feeds_items(
    state: &AppState,
    as_of: Option<&str>,
) -> Result<Vec<Value>, ApiError> {
    let as_of = parse_as_of(as_of)?;
    let feeds = medsbom_vuln::status::feed_status(state.vuln(), as_of, 7).await?;
    Ok(feeds
        .iter()
        .map(|f| json!({"source": f.source, "n_records": f.n_records, "newest_record": f.newest_record, "last_import": f.last_import, "feed_version": f.feed_version, "age_days": f.age_days, "stale": f.stale}))
        .collect())
}

/// Filters of the findings.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct FindingParams {
    /// Product name.
    pub product: Option<String>,
    /// Only CISA KEV.
    pub kev: Option<bool>,
    /// Minimum CVSS base score.
    pub min_cvss: Option<f64>,
    /// Vulnerability id (any alias).
    pub vulnerability: Option<String>,
    /// Items per page.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// Open vulnerability findings of the visible products, highest priority first.
#[utoipa::path(get, path = "/api/v1/findings", tag = "vulnerabilities", params(FindingParams), responses((status = 200, body = AnyJson)))]
async fn findings(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<FindingParams>,
) -> Result<Json<Value>, ApiError> {
    let items = finding_items(&state, &auth, &params).await?;
    Ok(Json(page(
        items,
        PageParams {
            limit: params.limit,
            offset: params.offset,
        },
    )))
}

/// The visible findings as JSON values.
pub(crate) async fn finding_items(
    state: &AppState,
    auth: &Auth,
    params: &FindingParams,
) -> Result<Vec<Value>, ApiError> {
    let query = medsbom_vuln::findings::FindingQuery {
        product: params.product.clone(),
        kev_only: params.kev.unwrap_or(false),
        min_cvss: params.min_cvss,
        min_epss: None,
        min_priority: None,
    };
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    let vex_scope = crate::vex_api::tenant_scope(state, &auth.principal).await?;
    let findings =
        medsbom_vuln::findings::list_findings_for(state.vuln(), &query, &vex_scope).await?;
    Ok(findings
        .iter()
        .filter(|f| f.sbom_id.is_some_and(|id| visible.has_sbom(id)))
        .filter(|f| match &params.vulnerability {
            Some(id) => f.vulnerability_id.eq_ignore_ascii_case(id) || f.aliases.iter().any(|a| a.eq_ignore_ascii_case(id)),
            None => true,
        })
        .map(|f| json!({
            "manufacturer": f.manufacturer, "product": f.product, "product_version": f.product_version,
            "component": f.component, "component_version": f.component_version, "purl": f.purl,
            "vulnerability_id": f.vulnerability_id, "aliases": f.aliases, "summary": f.summary,
            "severity": f.severity.as_str(), "cvss": f.cvss.as_ref().map(|c| c.score),
            "kev": f.kev.is_some(), "epss": f.epss.as_ref().map(|e| e.probability), "priority": f.priority,
            "fixed_versions": f.fixed_versions, "package_id": f.package_id, "cpe": f.cpe,
            "vex_status": f.vex_status, "vex_justification": f.vex_justification,
            "vex_source": f.vex_source, "vex_detail": f.vex_detail, "vex_time": f.vex_time,
        }))
        .collect())
}

/// Filters of the asset listing.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AssetParams {
    /// Site.
    pub site: Option<String>,
    /// Ward or department.
    pub department: Option<String>,
    /// Product name.
    pub product: Option<String>,
    /// Items per page.
    pub limit: Option<usize>,
    /// Items to skip.
    pub offset: Option<usize>,
}

/// The provider's deployed assets (empty for a manufacturer).
#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", params(AssetParams), responses((status = 200, body = AnyJson)))]
async fn list_assets(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<AssetParams>,
) -> Result<Json<Value>, ApiError> {
    let items = asset_items(&state, &auth, &params).await?;
    Ok(Json(page(
        items,
        PageParams {
            limit: params.limit,
            offset: params.offset,
        },
    )))
}

/// The tenant's assets as JSON values.
pub(crate) async fn asset_items(
    state: &AppState,
    auth: &Auth,
    params: &AssetParams,
) -> Result<Vec<Value>, ApiError> {
    if auth.principal.organization.kind != OrgKind::Provider {
        return Ok(Vec::new());
    }
    let filter = medsbom_assets::AssetFilter {
        organization: auth.principal.organization.name.clone(),
        site: params.site.clone(),
        department: params.department.clone(),
        product: params.product.clone(),
        criticality: None,
        unlinked_only: false,
        include_retired: false,
        limit: None,
    };
    let assets = medsbom_assets::list_assets(state.assets(), &filter).await?;
    Ok(assets.iter().map(asset_json).collect())
}

fn asset_json(asset: &medsbom_assets::Asset) -> Value {
    let fields: BTreeMap<&str, &str> = asset
        .fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    json!({
        "asset_id": asset.asset_id, "fields": fields, "location": asset.location(),
        "criticality": asset.criticality.map(|c| c.as_str()), "exposure": asset.exposure.map(|e| e.as_str()),
        "product_version_id": asset.product_version_id, "updated_at": asset.updated_at,
    })
}

/// One asset with its components, open findings and lifecycle stage.
#[utoipa::path(get, path = "/api/v1/assets/{asset_id}", tag = "assets",
    params(("asset_id" = String, Path, description = "The asset tag"), AsOfParams),
    responses((status = 200, body = AnyJson), (status = 404, body = ErrorBody)))]
async fn get_asset(
    State(state): State<AppState>,
    auth: Auth,
    Path(asset_id): Path<String>,
    Query(params): Query<AsOfParams>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        asset_view_json(&state, &auth, &asset_id, params.as_of.as_deref()).await?,
    ))
}

/// One of the tenant's assets as JSON.
pub(crate) async fn asset_view_json(
    state: &AppState,
    auth: &Auth,
    asset_id: &str,
    as_of: Option<&str>,
) -> Result<Value, ApiError> {
    if auth.principal.organization.kind != OrgKind::Provider {
        return Err(ApiError::not_found(format!("no asset {asset_id:?}")));
    }
    let as_of = parse_as_of(as_of)?;
    let vex_scope = crate::vex_api::tenant_scope(state, &auth.principal).await?;
    let view = medsbom_assets::asset_view(
        state.assets(),
        &auth.principal.organization.name,
        asset_id,
        as_of,
        &vex_scope,
    )
    .await?;
    let components: Vec<Value> = view
        .components
        .iter()
        .map(|c| json!({"name": c.name, "version": c.version, "identifier": c.identifier, "supplier": c.supplier, "support_level": c.support_level, "eos_date": c.eos_date}))
        .collect();
    let findings: Vec<Value> = view.findings.iter().map(impact_row_json).collect();
    Ok(json!({
        "asset": asset_json(&view.asset),
        "linked": view.linked.as_ref().map(|l| json!({"manufacturer": l.manufacturer, "product": l.product, "version": l.version, "sbom_id": l.sbom_id})),
        "stage": view.stage.as_ref().map(|s| s.stage.as_str()),
        "eol_date": view.eol_date, "eos_date": view.eos_date,
        "n_components_out_of_support": view.n_components_out_of_support,
        "components": components, "findings": findings,
    }))
}

fn impact_row_json(r: &medsbom_assets::ImpactRow) -> Value {
    json!({
        "asset_id": r.asset_id, "manufacturer": r.manufacturer, "product": r.product,
        "product_version": r.product_version, "site": r.site, "department": r.department,
        "criticality": r.criticality.map(|c| c.as_str()), "exposure": r.exposure.map(|e| e.as_str()),
        "component": r.component, "component_version": r.component_version, "purl": r.purl,
        "vulnerability_id": r.vulnerability_id, "vex_status": r.vex_status, "priority": r.priority,
    })
}

/// Imports assets (CSV or JSON inventory; the body is the file) into the provider's
/// inventory, by asset id.
#[utoipa::path(post, path = "/api/v1/assets/import", tag = "assets",
    request_body(content = String, description = "CSV or JSON inventory", content_type = "text/csv"),
    responses((status = 200, body = AnyJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn import_assets(
    State(state): State<AppState>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    auth.require(Action::WriteAssets)?;
    let format = medsbom_assets::InputFormat::sniff(&body);
    let input = medsbom_assets::parse_input(&body, format, None, "upload")?;
    let options = medsbom_assets::ImportOptions {
        organization: &auth.principal.organization.name,
        dry_run: false,
    };
    let report = medsbom_assets::import_assets(state.assets(), &input, &options).await?;
    let summary = json!({
        "created": report.n_created(), "updated": report.n_updated(), "unchanged": report.n_unchanged(),
        "rejected": report.rejected.len(),
    });
    record(
        &state,
        &auth.principal,
        "asset.import",
        &format!("assets:{}", auth.principal.organization.name),
        summary.clone(),
    )
    .await?;
    Ok(Json(summary))
}

/// Why an asset is retired.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RetireRequest {
    /// The reason, recorded with the asset and in the audit log.
    pub reason: Option<String>,
}

/// Retires one of the provider's assets (it leaves listings and impact reports).
#[utoipa::path(post, path = "/api/v1/assets/{asset_id}/retire", tag = "assets", request_body = RetireRequest,
    params(("asset_id" = String, Path, description = "The asset tag")),
    responses((status = 200, body = AnyJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn retire_asset(
    State(state): State<AppState>,
    auth: Auth,
    Path(asset_id): Path<String>,
    ApiJson(request): ApiJson<RetireRequest>,
) -> Result<Json<Value>, ApiError> {
    auth.require(Action::WriteAssets)?;
    let organization = &auth.principal.organization.name;
    let asset = medsbom_assets::retire_asset(
        state.assets(),
        organization,
        &asset_id,
        request.reason.as_deref(),
    )
    .await?;
    record(
        &state,
        &auth.principal,
        "asset.retire",
        &format!("asset:{organization}/{asset_id}"),
        json!({"reason": request.reason}),
    )
    .await?;
    Ok(Json(asset_json(&asset)))
}

/// What an impact query looks for (exactly one of these).
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ImpactParams {
    /// A vulnerability id (any alias).
    pub vulnerability: Option<String>,
    /// A purl.
    pub purl: Option<String>,
    /// A CPE.
    pub cpe: Option<String>,
    /// A component name.
    pub component: Option<String>,
}

/// The provider's assets affected by a vulnerability or component, most urgent first.
#[utoipa::path(get, path = "/api/v1/impact", tag = "assets", params(ImpactParams), responses((status = 200, body = AnyJson), (status = 400, body = ErrorBody)))]
async fn impact(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<ImpactParams>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(
        json!({"items": impact_items(&state, &auth, &params).await?}),
    ))
}

/// The impact rows as JSON values.
pub(crate) async fn impact_items(
    state: &AppState,
    auth: &Auth,
    params: &ImpactParams,
) -> Result<Vec<Value>, ApiError> {
    use medsbom_assets::ImpactTarget;
    let target = match (
        &params.vulnerability,
        &params.purl,
        &params.cpe,
        &params.component,
    ) {
        (Some(id), None, None, None) => ImpactTarget::Vulnerability(id.clone()),
        (None, Some(purl), None, None) => ImpactTarget::Purl(purl.clone()),
        (None, None, Some(cpe), None) => ImpactTarget::Cpe(cpe.clone()),
        (None, None, None, Some(name)) => ImpactTarget::Component(name.clone()),
        _ => {
            return Err(ApiError::bad_request(
                "give exactly one of vulnerability, purl, cpe, component".to_owned(),
            ));
        }
    };
    if auth.principal.organization.kind != OrgKind::Provider {
        return Ok(Vec::new());
    }
    let query = medsbom_assets::ImpactQuery {
        organization: auth.principal.organization.name.clone(),
        target,
        version_range: None,
        assumed_threat: None,
        include_suppressed: false,
    };
    let vex_scope = crate::vex_api::tenant_scope(state, &auth.principal).await?;
    let report = medsbom_assets::impact_for(state.assets(), &query, &vex_scope).await?;
    Ok(report.rows.iter().map(impact_row_json).collect())
}

/// The tenant's part of the lifecycle portfolio.
pub(crate) async fn tenant_portfolio(
    state: &AppState,
    auth: &Auth,
) -> Result<medsbom_lifecycle::Portfolio, ApiError> {
    medsbom_lifecycle::link_new_packages(state.lifecycle()).await?;
    let mut portfolio = medsbom_lifecycle::load_portfolio(state.lifecycle()).await?;
    let visible = tenancy::visible(state.db(), &auth.principal.organization).await?;
    portfolio
        .product_versions
        .retain(|pv| visible.has_product_version(pv.id));
    let pv_ids: std::collections::HashSet<i64> =
        portfolio.product_versions.iter().map(|pv| pv.id).collect();
    let organization_id = auth.principal.organization.id;
    portfolio
        .assets
        .retain(|a| a.organization_id == organization_id && pv_ids.contains(&a.product_version_id));
    portfolio.acceptances.clear();
    Ok(portfolio)
}

/// End-of-life and end-of-support alerts of the visible products and the provider's assets.
#[utoipa::path(get, path = "/api/v1/lifecycle/alerts", tag = "lifecycle", params(AsOfParams), responses((status = 200, body = AnyJson)))]
async fn lifecycle_alerts(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<AsOfParams>,
) -> Result<Json<Value>, ApiError> {
    let as_of = parse_as_of(params.as_of.as_deref())?;
    let portfolio = tenant_portfolio(&state, &auth).await?;
    let config = medsbom_lifecycle::AlertConfig {
        as_of,
        horizon_end: as_of.add_days(params.horizon_days.unwrap_or(365).clamp(0, 36_500)),
    };
    let alerts = medsbom_lifecycle::compute_alerts(&portfolio, &config);
    let items: Vec<Value> = alerts
        .iter()
        .map(|a| json!({"kind": a.kind.as_str(), "manufacturer": a.manufacturer, "product": a.product, "product_version": a.product_version, "component": a.component, "asset": a.asset, "date": a.date.map(|d| d.to_string()), "detail": a.detail}))
        .collect();
    Ok(Json(json!({"as_of": as_of.to_string(), "items": items})))
}

/// The lifecycle timeline chart (SVG) of the visible products.
#[utoipa::path(get, path = "/api/v1/lifecycle/timeline.svg", tag = "lifecycle", params(AsOfParams),
    responses((status = 200, content_type = "image/svg+xml", body = String)))]
async fn lifecycle_timeline(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<AsOfParams>,
) -> Result<Response, ApiError> {
    let svg = timeline_svg(&state, &auth, params.as_of.as_deref(), params.horizon_days).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

/// The timeline SVG of the tenant.
pub(crate) async fn timeline_svg(
    state: &AppState,
    auth: &Auth,
    as_of: Option<&str>,
    horizon_days: Option<i64>,
) -> Result<String, ApiError> {
    let as_of = parse_as_of(as_of)?;
    let portfolio = tenant_portfolio(state, auth).await?;
    let report = medsbom_lifecycle::build_report(
        &portfolio,
        as_of,
        as_of.add_days(horizon_days.unwrap_or(5 * 365).clamp(30, 36_500)),
    );
    Ok(medsbom_lifecycle::timeline_svg(&report))
}

/// Filters of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditParams {
    /// Exact actor.
    pub actor: Option<String>,
    /// Object, exact or prefix ending in `:` or `/`.
    pub object: Option<String>,
    /// From this time (ISO 8601).
    pub since: Option<String>,
    /// Before this time (ISO 8601).
    pub until: Option<String>,
    /// Items per page.
    pub limit: Option<i64>,
    /// Items to skip.
    pub offset: Option<i64>,
}

/// The organization's audit log entries, newest first (admins and auditors).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams), responses((status = 200, body = AnyJson), (status = 403, body = ErrorBody)))]
async fn audit_list(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<AuditParams>,
) -> Result<Json<Value>, ApiError> {
    auth.require(Action::ReadAudit)?;
    let filter = AuditFilter {
        actor: params.actor,
        object: params.object,
        since: params.since,
        until: params.until,
        organization_id: Some(auth.principal.organization.id),
        limit: Some(params.limit.unwrap_or(100).clamp(1, 1000)),
        offset: params.offset,
    };
    let entries = audit::list(state.db(), &filter).await?;
    let items: Vec<Value> = entries
        .iter()
        .map(|e| json!({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "object": e.object, "details": serde_json::from_str::<Value>(&e.details).unwrap_or(Value::Null), "hash": e.hash}))
        .collect();
    Ok(Json(json!({"items": items})))
}

/// Verifies the whole hash chain (admins and auditors).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses((status = 200, body = AnyJson), (status = 403, body = ErrorBody)))]
async fn audit_verify(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, ApiError> {
    auth.require(Action::ReadAudit)?;
    let report = audit::verify(state.db()).await?;
    let problems: Vec<Value> = report
        .problems
        .iter()
        .map(|p| json!({"seq": p.seq, "message": p.message}))
        .collect();
    Ok(Json(
        json!({"intact": report.problems.is_empty(), "n_entries": report.n_entries, "head_hash": report.head_hash, "problems": problems}),
    ))
}
