//! `medsbom serve`: the REST API (with its OpenAPI document), accounts and roles, tenant
//! isolation, the hash-chained audit log and the web UI, over one medsbom database.
//!
//! - [`ServerDb`] opens the store (applying every migration, including
//!   `0007_accounts.sql`) and adds this crate's pool; [`accounts`] creates organizations,
//!   users (argon2id passwords), API tokens (kept as SHA-256 only) and sessions.
//! - [`audit`] appends to and verifies the append-only, hash-chained audit log.
//! - [`tenancy`] decides what an organization sees: a manufacturer its own products, a
//!   provider (hospital) its uploads and the products shared with it; VEX sources and
//!   analyses are owned by the organization that uploaded or recorded them
//!   (`medsbom_vex::service::VexScope`).
//! - [`AppState::open`] and [`router`] build the axum application: `/api/v1/…` (JSON,
//!   paginated, `{code, message}` errors), `/api/openapi.json`, `/api/docs` (an offline
//!   Swagger UI) and the HTML pages. Every route authorizes through one extractor,
//!   [`auth::Auth`]. [`serve`] runs it with graceful shutdown.
//!
//! ```no_run
//! # async fn demo() -> Result<(), medsbom_server::ServerError> {
//! use medsbom_server::{AppState, Config, accounts, router};
//! let state = AppState::open("/tmp/medsbom.db", Config::default()).await?;
//! let org = accounts::create_org(state.db(), accounts::OrgKind::Provider, "St. Example").await?;
//! accounts::create_user(state.db(), &org, "alice", accounts::Role::Analyst, Some("a long secret")).await?;
//! let app = router(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.expect("bind");
//! medsbom_server::serve(listener, app, std::future::pending()).await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod accounts;
pub mod api;
pub mod audit;
pub mod auth;
mod db;
mod error;
pub mod tenancy;
pub mod ui;
mod vex_api;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use medsbom_assets::AssetDb;
use medsbom_lifecycle::LifecycleDb;
use medsbom_store::Store;
use medsbom_vex::service::VexDb;
use medsbom_vuln::VulnDb;

pub use error::ServerError;

use crate::auth::LoginLimiter;

/// The database as the server uses it: the store and this crate's own pool.
#[derive(Clone)]
pub struct ServerDb {
    store: Store,
    db: db::Db,
}

impl ServerDb {
    /// Opens (creating and migrating when needed) the database `url`, as [`Store::open`]
    /// does: a `postgres://` URL, a `sqlite:` URL or a file path.
    pub async fn open(url: &str) -> Result<ServerDb, ServerError> {
        let store = Store::open(url).await?;
        let db = db::attach(&store, url).await?;
        Ok(ServerDb { store, db })
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Closes both pools.
    pub async fn close(&self) {
        self.db.close().await;
        self.store.close().await;
    }
}

/// Server settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The largest request body (an SBOM upload), in bytes.
    pub max_body_bytes: usize,
    /// How long one request may take.
    pub request_timeout: Duration,
    /// Whether session cookies carry `Secure` (set when served behind HTTPS).
    pub secure_cookies: bool,
    /// Failed logins per username before further attempts are refused for
    /// [`Config::login_lockout`].
    pub max_failed_logins: u32,
    /// How long a username stays locked after too many failed logins.
    pub login_lockout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_body_bytes: 64 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            secure_cookies: false,
            max_failed_logins: 5,
            login_lockout: Duration::from_secs(300),
        }
    }
}

/// The application state every handler gets: the databases and the settings. Cloning is
/// cheap.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: ServerDb,
    assets: AssetDb,
    vuln: VulnDb,
    vex: VexDb,
    lifecycle: LifecycleDb,
    config: Config,
    login_limiter: LoginLimiter,
}

impl AppState {
    /// Opens the database `url` for serving.
    pub async fn open(url: &str, config: Config) -> Result<AppState, ServerError> {
        let db = ServerDb::open(url).await?;
        let assets = AssetDb::attach(db.store.clone(), url).await?;
        let vuln = VulnDb::open(url).await?;
        let vex = VexDb::attach(db.store.clone(), url).await?;
        let lifecycle = LifecycleDb::connect(url).await?;
        Ok(AppState {
            inner: Arc::new(Inner {
                db,
                assets,
                vuln,
                vex,
                lifecycle,
                login_limiter: LoginLimiter::new(config.max_failed_logins, config.login_lockout),
                config,
            }),
        })
    }

    /// The server's database.
    #[must_use]
    pub fn db(&self) -> &ServerDb {
        &self.inner.db
    }

    /// The inventory.
    #[must_use]
    pub fn assets(&self) -> &AssetDb {
        &self.inner.assets
    }

    /// The vulnerability database.
    #[must_use]
    pub fn vuln(&self) -> &VulnDb {
        &self.inner.vuln
    }

    /// The VEX sources, statements and analyses.
    #[must_use]
    pub fn vex(&self) -> &VexDb {
        &self.inner.vex
    }

    /// The lifecycle database.
    #[must_use]
    pub fn lifecycle(&self) -> &LifecycleDb {
        &self.inner.lifecycle
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn login_limiter(&self) -> &LoginLimiter {
        &self.inner.login_limiter
    }

    /// Closes every pool.
    pub async fn close(&self) {
        self.inner.lifecycle.close().await;
        self.inner.vuln.close().await;
        self.inner.vex.close().await;
        self.inner.assets.close().await;
        self.inner.db.close().await;
    }
}

/// The whole application: API, OpenAPI document and viewer, web UI, with the tower layers
/// (body limit, timeout, gzip, security headers).
pub fn router(state: AppState) -> Router {
    use axum::http::{HeaderName, HeaderValue, StatusCode};
    use tower_http::compression::CompressionLayer;
    use tower_http::limit::RequestBodyLimitLayer;
    use tower_http::set_header::SetResponseHeaderLayer;
    use tower_http::timeout::TimeoutLayer;

    let config = state.config().clone();
    Router::new()
        .merge(api::routes())
        .merge(ui::routes())
        .with_state(state)
        .merge(api::docs_routes())
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(CompressionLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
}

/// Serves `app` on `listener` until `shutdown` completes, then finishes the requests in
/// flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let address = listener
        .local_addr()
        .map(|addr| addr.to_string())
        .unwrap_or_else(|_| "the listener".to_owned());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| ServerError::Io { address, source })
}
