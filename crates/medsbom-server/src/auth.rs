//! Authentication and authorization: the one extractor every route goes through
//! ([`Auth`] for the API, [`PageAuth`] for HTML pages), the role × action table
//! ([`allowed`]), CSRF checks for cookie sessions, and the login rate limiter.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::AppState;
use crate::accounts::{self, OrgKind, Principal, Role};
use crate::api::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "medsbom_session";

/// The header a cookie-authenticated write must carry with the session's CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a request wants to do, for [`allowed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read what the tenant may see.
    Read,
    /// Upload (ingest) SBOMs.
    Upload,
    /// Import or change the provider's assets.
    WriteAssets,
    /// Record analysis decisions (VEX, risk acceptance).
    WriteAnalysis,
    /// Share a manufacturer's product with a provider.
    Share,
    /// Read the organization's audit log.
    ReadAudit,
    /// Create users and tokens for others.
    ManageAccounts,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 7] = [
        Action::Read,
        Action::Upload,
        Action::WriteAssets,
        Action::WriteAnalysis,
        Action::Share,
        Action::ReadAudit,
        Action::ManageAccounts,
    ];
}

/// Whether `role` in an organization of `kind` may do `action` (within its own tenant).
#[must_use]
pub fn allowed(role: Role, kind: OrgKind, action: Action) -> bool {
    match action {
        Action::Read => true,
        Action::Upload => match role {
            Role::Admin | Role::Analyst => true,
            Role::Publisher => kind == OrgKind::Manufacturer,
            Role::Viewer | Role::Auditor => false,
        },
        Action::WriteAssets => {
            kind == OrgKind::Provider && matches!(role, Role::Admin | Role::Analyst)
        }
        Action::WriteAnalysis => matches!(role, Role::Admin | Role::Analyst),
        Action::Share => {
            kind == OrgKind::Manufacturer && matches!(role, Role::Admin | Role::Publisher)
        }
        Action::ReadAudit => matches!(role, Role::Admin | Role::Auditor),
        Action::ManageAccounts => role == Role::Admin,
    }
}

/// How a request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `Authorization: Bearer <token>`.
    Token,
    /// The session cookie.
    Session,
}

/// An authenticated API request. Rejects with 401 when there are no valid credentials and
/// with 403 when a cookie-authenticated write lacks the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Auth {
    /// Who.
    pub principal: Principal,
    /// How.
    pub via: Via,
    csrf_token: Option<String>,
}

impl Auth {
    /// Fails with 403 unless the principal may do `action`.
    pub fn require(&self, action: Action) -> Result<(), ApiError> {
        if allowed(
            self.principal.role,
            self.principal.organization.kind,
            action,
        ) {
            return Ok(());
        }
        Err(ApiError::forbidden(format!(
            "the role {} of a {} may not do this",
            self.principal.role.as_str(),
            self.principal.organization.kind.as_str()
        )))
    }

    /// The session's CSRF token (for pages), when authenticated by cookie.
    #[must_use]
    pub fn csrf_token(&self) -> Option<&str> {
        self.csrf_token.as_deref()
    }

    /// Whether `given` is this session's CSRF token (always false for token requests,
    /// which need none).
    #[must_use]
    pub fn csrf_matches(&self, given: &str) -> bool {
        match &self.csrf_token {
            Some(expected) => constant_time_eq(expected.as_bytes(), given.as_bytes()),
            None => false,
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, ApiError> {
        let Some(auth) = authenticate(parts, state).await? else {
            return Err(ApiError::unauthorized());
        };
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if auth.via == Via::Session && !safe {
            let given = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("");
            if !auth.csrf_matches(given) {
                return Err(ApiError::forbidden(
                    "missing or wrong CSRF token (send the X-CSRF-Token header)".to_owned(),
                ));
            }
        }
        Ok(auth)
    }
}

/// An authenticated page request: like [`Auth`], but without credentials it redirects to
/// the login page, and it leaves the CSRF check of form posts to the handler
/// ([`Auth::csrf_matches`]).
#[derive(Debug, Clone)]
pub struct PageAuth(pub Auth);

impl FromRequestParts<AppState> for PageAuth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<PageAuth, Response> {
        match authenticate(parts, state).await {
            Ok(Some(auth)) => Ok(PageAuth(auth)),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(err) => Err(err.into_response()),
        }
    }
}

/// The credentials of a request, checked: a bearer token first, else the session cookie.
async fn authenticate(parts: &Parts, state: &AppState) -> Result<Option<Auth>, ApiError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let Some(token) = value
            .to_str()
            .ok()
            .and_then(|value| value.strip_prefix("Bearer "))
        else {
            return Ok(None);
        };
        let principal = accounts::principal_for_token(state.db(), token.trim()).await?;
        return Ok(principal.map(|principal| Auth {
            principal,
            via: Via::Token,
            csrf_token: None,
        }));
    }
    let Some(cookie) = session_cookie(parts) else {
        return Ok(None);
    };
    let found = accounts::principal_for_session(state.db(), &cookie).await?;
    Ok(found.map(|(principal, csrf_token)| Auth {
        principal,
        via: Via::Session,
        csrf_token: Some(csrf_token),
    }))
}

/// The session cookie's value, if the request has one.
#[must_use]
pub fn session_cookie(parts: &Parts) -> Option<String> {
    for value in parts.headers.get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else {
            continue;
        };
        for pair in text.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=')
                && name == SESSION_COOKIE
                && !value.is_empty()
            {
                return Some(value.to_owned());
            }
        }
    }
    None
}

/// The `Set-Cookie` value for a new session (HttpOnly, SameSite=Strict, Secure when
/// configured).
#[must_use]
pub fn session_set_cookie(cookie: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        accounts::SESSION_HOURS * 3600
    )
}

/// The `Set-Cookie` value that removes the session cookie.
#[must_use]
pub fn session_clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Refuses further logins for a username after too many failures, for a while.
pub struct LoginLimiter {
    max_failures: u32,
    lockout: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimiter {
    /// A limiter allowing `max_failures` failed attempts per `lockout` period.
    #[must_use]
    pub fn new(max_failures: u32, lockout: Duration) -> LoginLimiter {
        LoginLimiter {
            max_failures: max_failures.max(1),
            lockout,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a login for `username` may be attempted now.
    pub fn permits(&self, username: &str) -> bool {
        let key = username.to_lowercase();
        let Ok(mut failures) = self.failures.lock() else {
            return false;
        };
        match failures.get(&key) {
            Some((count, since)) if self.max_failures <= *count => {
                if since.elapsed() < self.lockout {
                    return false;
                }
                failures.remove(&key);
                true
            }
            _ => true,
        }
    }

    /// Counts a failed attempt.
    pub fn record_failure(&self, username: &str) {
        let key = username.to_lowercase();
        let Ok(mut failures) = self.failures.lock() else {
            return;
        };
        // Bounds the memory an attacker can make us use with made-up usernames.
        if 100_000 < failures.len() {
            let lockout = self.lockout;
            failures.retain(|_, (_, since)| since.elapsed() < lockout);
        }
        let entry = failures.entry(key).or_insert((0, Instant::now()));
        entry.0 += 1;
        entry.1 = Instant::now();
    }

    /// Forgets the failures of a username after a successful login.
    pub fn record_success(&self, username: &str) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.remove(&username.to_lowercase());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_allow_what_they_should() {
        use Action as A;
        let m = OrgKind::Manufacturer;
        let p = OrgKind::Provider;
        assert!(allowed(Role::Viewer, p, A::Read));
        assert!(!allowed(Role::Viewer, p, A::Upload));
        assert!(allowed(Role::Publisher, m, A::Upload));
        assert!(allowed(Role::Publisher, m, A::Share));
        assert!(!allowed(Role::Publisher, p, A::Upload));
        assert!(!allowed(Role::Analyst, m, A::Share));
        assert!(allowed(Role::Analyst, p, A::WriteAssets));
        assert!(!allowed(Role::Analyst, m, A::WriteAssets));
        assert!(allowed(Role::Auditor, p, A::ReadAudit));
        assert!(!allowed(Role::Auditor, p, A::Upload));
        assert!(!allowed(Role::Analyst, p, A::ManageAccounts));
        assert!(allowed(Role::Admin, p, A::ManageAccounts));
    }

    #[test]
    fn limiter_locks_after_failures() {
        let limiter = LoginLimiter::new(3, Duration::from_secs(3600));
        for _ in 0..3 {
            assert!(limiter.permits("Alice"));
            limiter.record_failure("alice");
        }
        assert!(!limiter.permits("ALICE"));
        assert!(limiter.permits("bob"));
        limiter.record_success("alice");
        assert!(limiter.permits("alice"));
    }

    #[test]
    fn cookies_are_strict() {
        let cookie = session_set_cookie("abc", true);
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Strict"));
        assert!(cookie.contains("Secure"));
    }
}
