//! Accounts: organizations (tenants), users with one role each, API tokens (stored as their
//! SHA-256 only) and browser sessions (argon2id password login, session cookie + CSRF token).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use crate::db::{Param, Row, now_sql};
use crate::{ServerDb, ServerError};

/// How long a browser session lasts, in hours.
pub const SESSION_HOURS: i64 = 12;

/// The kind of an organization (the store's `organizations.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgKind {
    /// Makes devices and publishes their SBOMs.
    Manufacturer,
    /// Deploys devices (a hospital).
    Provider,
}

impl OrgKind {
    /// `manufacturer` or `provider`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Manufacturer => "manufacturer",
            OrgKind::Provider => "provider",
        }
    }

    /// The kind named `text`, if any.
    #[must_use]
    pub fn parse(text: &str) -> Option<OrgKind> {
        match text {
            "manufacturer" => Some(OrgKind::Manufacturer),
            "provider" => Some(OrgKind::Provider),
            _ => None,
        }
    }
}

/// A user's role within its organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything within the organization, including users, tokens and the audit log.
    Admin,
    /// Reads, uploads SBOMs, changes assets and records analysis decisions.
    Analyst,
    /// Reads only.
    Viewer,
    /// A manufacturer's publisher: reads, uploads its SBOMs and shares products.
    Publisher,
    /// Reads, including the audit log; changes nothing.
    Auditor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Analyst,
        Role::Viewer,
        Role::Publisher,
        Role::Auditor,
    ];

    /// The role's name as stored and shown.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Viewer => "viewer",
            Role::Publisher => "publisher",
            Role::Auditor => "auditor",
        }
    }

    /// The role named `text`, if any.
    #[must_use]
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

/// An organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Its id in the store.
    pub id: i64,
    /// Manufacturer or provider.
    pub kind: OrgKind,
    /// Its name.
    pub name: String,
}

/// Who is making a request: an authenticated, enabled user of one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user's id.
    pub user_id: i64,
    /// The user's name.
    pub username: String,
    /// The user's role.
    pub role: Role,
    /// The user's organization (the tenant).
    pub organization: Organization,
}

/// A user as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's id.
    pub id: i64,
    /// The user's name.
    pub username: String,
    /// The user's role.
    pub role: Role,
    /// The user's organization.
    pub organization: Organization,
    /// Whether the user may log in (with a password; tokens work either way).
    pub has_password: bool,
}

/// A new API token: the secret is shown once and only its hash is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// The token's id.
    pub id: i64,
    /// The secret (`msb_` + 64 hex digits).
    pub token: String,
}

/// A new browser session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The cookie value (random; only its hash is stored).
    pub cookie: String,
    /// The CSRF token the pages embed and writes echo.
    pub csrf_token: String,
}

/// Creates the organization, or returns it when it exists.
pub async fn create_org(
    db: &ServerDb,
    kind: OrgKind,
    name: &str,
) -> Result<Organization, ServerError> {
    let name = checked_name("organization name", name)?;
    let context = "creating an organization";
    db.db
        .execute(
            context,
            "INSERT INTO organizations (kind, name) VALUES ($1, $2) ON CONFLICT (kind, name, namespace) DO NOTHING",
            &[Param::Text(Some(kind.as_str())), Param::Text(Some(name))],
        )
        .await?;
    find_org(db, kind, name)
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("organization {name:?} vanished")))
}

/// The organization of this kind and name, if it exists.
pub async fn find_org(
    db: &ServerDb,
    kind: OrgKind,
    name: &str,
) -> Result<Option<Organization>, ServerError> {
    let row = db
        .db
        .fetch_optional(
            "reading an organization",
            "SELECT id FROM organizations WHERE kind = $1 AND name = $2 AND namespace = 0",
            &[Param::Text(Some(kind.as_str())), Param::Text(Some(name))],
        )
        .await?;
    match row {
        Some(row) => Ok(Some(Organization {
            id: row.int(0)?,
            kind,
            name: name.to_owned(),
        })),
        None => Ok(None),
    }
}

/// Every organization, by kind and name.
pub async fn list_orgs(db: &ServerDb) -> Result<Vec<Organization>, ServerError> {
    let rows = db
        .db
        .fetch_all(
            "listing organizations",
            "SELECT id, kind, name FROM organizations WHERE namespace = 0 ORDER BY kind, name",
            &[],
        )
        .await?;
    rows.iter().map(org_from_row).collect()
}

fn org_from_row(row: &Row) -> Result<Organization, ServerError> {
    let kind = row.text(1)?;
    Ok(Organization {
        id: row.int(0)?,
        kind: OrgKind::parse(&kind).ok_or_else(|| ServerError::Corrupt {
            context: "reading an organization".to_owned(),
            message: format!("unknown organization kind {kind:?}"),
        })?,
        name: row.text(2)?,
    })
}

/// Creates a user of `organization` with `role`; `password` (when given) is hashed with
/// argon2id. The publisher role exists only in manufacturer organizations.
pub async fn create_user(
    db: &ServerDb,
    organization: &Organization,
    username: &str,
    role: Role,
    password: Option<&str>,
) -> Result<User, ServerError> {
    let username = checked_name("username", username)?;
    if role == Role::Publisher && organization.kind != OrgKind::Manufacturer {
        return Err(ServerError::Invalid {
            what: "role",
            value: role.as_str().to_owned(),
            reason: "publisher is a manufacturer role".to_owned(),
        });
    }
    let password_hash = match password {
        Some(password) => Some(hash_password(password)?),
        None => None,
    };
    let context = "creating a user";
    let existing = db
        .db
        .fetch_optional(
            context,
            "SELECT id FROM users WHERE username = $1",
            &[Param::Text(Some(username))],
        )
        .await?;
    if existing.is_some() {
        return Err(ServerError::Conflict(format!(
            "user {username:?} already exists"
        )));
    }
    let row = db
        .db
        .fetch_optional(
            context,
            "INSERT INTO users (organization_id, username, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id",
            &[
                Param::Int(Some(organization.id)),
                Param::Text(Some(username)),
                Param::Text(password_hash.as_deref()),
                Param::Text(Some(role.as_str())),
            ],
        )
        .await?
        .ok_or_else(|| ServerError::Corrupt {
            context: context.to_owned(),
            message: "INSERT returned no id".to_owned(),
        })?;
    Ok(User {
        id: row.int(0)?,
        username: username.to_owned(),
        role,
        organization: organization.clone(),
        has_password: password_hash.is_some(),
    })
}

/// The users of one organization (or of all when `None`), by name.
pub async fn list_users(
    db: &ServerDb,
    organization_id: Option<i64>,
) -> Result<Vec<User>, ServerError> {
    let rows = db
        .db
        .fetch_all(
            "listing users",
            "SELECT u.id, u.username, u.role, u.password_hash IS NOT NULL, o.id, o.kind, o.name \
             FROM users u JOIN organizations o ON o.id = u.organization_id \
             WHERE ($1 IS NULL OR u.organization_id = $1) ORDER BY u.username",
            &[Param::Int(organization_id)],
        )
        .await?;
    let mut res = Vec::with_capacity(rows.len());
    for row in rows {
        let role = row.text(2)?;
        let kind = row.text(5)?;
        res.push(User {
            id: row.int(0)?,
            username: row.text(1)?,
            role: parse_role(&role)?,
            has_password: row.int(3)? != 0,
            organization: Organization {
                id: row.int(4)?,
                kind: parse_kind(&kind)?,
                name: row.text(6)?,
            },
        });
    }
    Ok(res)
}

/// Creates an API token for `username`; the secret is returned once, only its SHA-256 is
/// stored.
pub async fn create_token(
    db: &ServerDb,
    username: &str,
    name: &str,
) -> Result<NewToken, ServerError> {
    let name = checked_name("token name", name)?;
    let context = "creating a token";
    let user = db
        .db
        .fetch_optional(
            context,
            "SELECT id FROM users WHERE username = $1",
            &[Param::Text(Some(username))],
        )
        .await?
        .ok_or_else(|| ServerError::NotFound(format!("no user {username:?}")))?;
    let token = format!("msb_{}", random_hex(32)?);
    let row = db
        .db
        .fetch_optional(
            context,
            "INSERT INTO api_tokens (user_id, name, token_sha256) VALUES ($1, $2, $3) RETURNING id",
            &[
                Param::Int(Some(user.int(0)?)),
                Param::Text(Some(name)),
                Param::Text(Some(&sha256_hex(token.as_bytes()))),
            ],
        )
        .await?
        .ok_or_else(|| ServerError::Corrupt {
            context: context.to_owned(),
            message: "INSERT returned no id".to_owned(),
        })?;
    Ok(NewToken {
        id: row.int(0)?,
        token,
    })
}

/// Revokes one of `user_id`'s tokens; returns whether a live token was revoked (false for a
/// token of another user, so that ids of other users' tokens reveal nothing).
pub async fn revoke_token(db: &ServerDb, user_id: i64, token_id: i64) -> Result<bool, ServerError> {
    let sql = format!(
        "UPDATE api_tokens SET revoked_at = {} WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        now_sql(db.db.is_postgres())
    );
    let n = db
        .db
        .execute(
            "revoking a token",
            &sql,
            &[Param::Int(Some(token_id)), Param::Int(Some(user_id))],
        )
        .await?;
    Ok(0 < n)
}

/// The principal an API token belongs to, when the token is known, not revoked or expired,
/// and its user enabled.
pub async fn principal_for_token(
    db: &ServerDb,
    token: &str,
) -> Result<Option<Principal>, ServerError> {
    let sql = format!(
        "{} JOIN api_tokens t ON t.user_id = u.id WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL \
         AND (t.expires_at IS NULL OR {} < t.expires_at) AND u.disabled = 0",
        principal_select(),
        now_sql(db.db.is_postgres())
    );
    let row = db
        .db
        .fetch_optional(
            "checking a token",
            &sql,
            &[Param::Text(Some(&sha256_hex(token.as_bytes())))],
        )
        .await?;
    row.as_ref().map(principal_from_row).transpose()
}

/// Checks a password login. Unknown users cost one argon2 verification too, so that the
/// response time does not tell which usernames exist.
pub async fn check_password(
    db: &ServerDb,
    username: &str,
    password: &str,
) -> Result<Option<Principal>, ServerError> {
    let select = principal_select().replacen(" FROM users u", ", u.password_hash FROM users u", 1);
    let sql = format!("{select} WHERE u.username = $1 AND u.disabled = 0");
    let row = db
        .db
        .fetch_optional("checking a login", &sql, &[Param::Text(Some(username))])
        .await?;
    let (principal, stored) = match &row {
        Some(row) => (Some(principal_from_row(row)?), row.opt_text(7)?),
        None => (None, None),
    };
    let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&stored, &password))
        .await
        .unwrap_or(false);
    Ok(if ok { principal } else { None })
}

/// Starts a browser session for `user_id`, lasting [`SESSION_HOURS`].
pub async fn create_session(db: &ServerDb, user_id: i64) -> Result<NewSession, ServerError> {
    let cookie = random_hex(32)?;
    let csrf_token = random_hex(32)?;
    let postgres = db.db.is_postgres();
    let expires = if postgres {
        format!(
            "to_char(now() AT TIME ZONE 'UTC' + interval '{SESSION_HOURS} hours', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
        )
    } else {
        format!("strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+{SESSION_HOURS} hours')")
    };
    // Expired sessions are removed as new ones start.
    let sweep = format!(
        "DELETE FROM sessions WHERE expires_at < {}",
        now_sql(postgres)
    );
    db.db
        .execute("removing expired sessions", &sweep, &[])
        .await?;
    let sql = format!(
        "INSERT INTO sessions (session_sha256, user_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, {}, {expires})",
        now_sql(postgres)
    );
    db.db
        .execute(
            "creating a session",
            &sql,
            &[
                Param::Text(Some(&sha256_hex(cookie.as_bytes()))),
                Param::Int(Some(user_id)),
                Param::Text(Some(&csrf_token)),
            ],
        )
        .await?;
    Ok(NewSession { cookie, csrf_token })
}

/// The principal and CSRF token of a live session cookie.
pub async fn principal_for_session(
    db: &ServerDb,
    cookie: &str,
) -> Result<Option<(Principal, String)>, ServerError> {
    let select = principal_select().replacen(" FROM users u", ", s.csrf_token FROM users u", 1);
    let sql = format!(
        "{select} JOIN sessions s ON s.user_id = u.id WHERE s.session_sha256 = $1 \
         AND {} < s.expires_at AND u.disabled = 0",
        now_sql(db.db.is_postgres())
    );
    let row = db
        .db
        .fetch_optional(
            "checking a session",
            &sql,
            &[Param::Text(Some(&sha256_hex(cookie.as_bytes())))],
        )
        .await?;
    match row {
        Some(row) => Ok(Some((principal_from_row(&row)?, row.text(7)?))),
        None => Ok(None),
    }
}

/// Ends a session (logout).
pub async fn delete_session(db: &ServerDb, cookie: &str) -> Result<(), ServerError> {
    db.db
        .execute(
            "ending a session",
            "DELETE FROM sessions WHERE session_sha256 = $1",
            &[Param::Text(Some(&sha256_hex(cookie.as_bytes())))],
        )
        .await?;
    Ok(())
}

/// The hex SHA-256 of `bytes`.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `n_bytes` random bytes from the operating system, as hex.
pub fn random_hex(n_bytes: usize) -> Result<String, ServerError> {
    let mut buf = vec![0_u8; n_bytes];
    getrandom::fill(&mut buf).map_err(|err| ServerError::Random(err.to_string()))?;
    Ok(hex::encode(buf))
}

/// An argon2id PHC string for `password` with a random salt.
pub fn hash_password(password: &str) -> Result<String, ServerError> {
    if password.len() < 8 {
        return Err(ServerError::Invalid {
            what: "password",
            value: "(hidden)".to_owned(),
            reason: "a password has at least 8 characters".to_owned(),
        });
    }
    let mut salt = [0_u8; 16];
    getrandom::fill(&mut salt).map_err(|err| ServerError::Random(err.to_string()))?;
    let salt =
        SaltString::encode_b64(&salt).map_err(|err| ServerError::Password(err.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| ServerError::Password(err.to_string()))
}

/// Whether `password` matches the PHC string `stored` (false for a malformed one).
#[must_use]
pub fn verify_password(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A valid argon2id hash of a random password, verified against for unknown users.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8Cw0Sx+9dTrtmIRHlXdCt9aGIbHcKSCnOyKqHi1Rlzs";

fn principal_select() -> &'static str {
    "SELECT u.id, u.username, u.role, o.id, o.kind, o.name, u.disabled \
     FROM users u JOIN organizations o ON o.id = u.organization_id"
}

fn principal_from_row(row: &Row) -> Result<Principal, ServerError> {
    let role = row.text(2)?;
    let kind = row.text(4)?;
    Ok(Principal {
        user_id: row.int(0)?,
        username: row.text(1)?,
        role: parse_role(&role)?,
        organization: Organization {
            id: row.int(3)?,
            kind: parse_kind(&kind)?,
            name: row.text(5)?,
        },
    })
}

fn parse_role(text: &str) -> Result<Role, ServerError> {
    Role::parse(text).ok_or_else(|| ServerError::Corrupt {
        context: "reading a user".to_owned(),
        message: format!("unknown role {text:?}"),
    })
}

fn parse_kind(text: &str) -> Result<OrgKind, ServerError> {
    OrgKind::parse(text).ok_or_else(|| ServerError::Corrupt {
        context: "reading an organization".to_owned(),
        message: format!("unknown organization kind {text:?}"),
    })
}

fn checked_name<'a>(what: &'static str, name: &'a str) -> Result<&'a str, ServerError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || 200 < trimmed.len() || trimmed.chars().any(char::is_control) {
        return Err(ServerError::Invalid {
            what,
            value: name.to_owned(),
            reason: "expected 1 to 200 printable characters".to_owned(),
        });
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "wrong horse"));
        assert!(!verify_password("not a hash", "correct horse"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn dummy_hash_is_well_formed() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
