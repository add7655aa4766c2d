//! `medsbom admin create-org|create-user|create-token`: accounts for `medsbom serve`, from
//! the command line (whoever can write the database is its administrator). Each change is
//! recorded in the audit log with the actor `cli:<user>`.

use std::io::BufRead as _;

use anyhow::Context;
use medsbom_server::ServerDb;
use medsbom_server::accounts::{self, OrgKind, Role};
use medsbom_server::audit::{self, AuditEvent};
use serde_json::json;

use crate::cmd::db::{self, DbArgs};
use crate::output::{self, Status};

/// Arguments of `medsbom admin`.
#[derive(clap::Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// The admin subcommands.
#[derive(clap::Subcommand)]
#[expect(
    clippy::enum_variant_names,
    reason = "the subcommand names create-org, create-user, create-token are the contract"
)]
pub enum AdminCommand {
    /// Create an organization (a tenant): a manufacturer or a provider (hospital).
    CreateOrg(CreateOrgArgs),
    /// Create a user of an organization with one role.
    CreateUser(CreateUserArgs),
    /// Create an API token for a user; the token is printed once and stored as a hash.
    CreateToken(CreateTokenArgs),
}

/// `--kind` of an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
    /// Makes devices.
    Manufacturer,
    /// Deploys devices (a hospital).
    Provider,
}

impl KindArg {
    fn kind(self) -> OrgKind {
        match self {
            KindArg::Manufacturer => OrgKind::Manufacturer,
            KindArg::Provider => OrgKind::Provider,
        }
    }
}

/// `--role` of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// Everything within the organization.
    Admin,
    /// Reads, uploads, changes assets, records analysis decisions.
    Analyst,
    /// Reads only.
    Viewer,
    /// A manufacturer's publisher: uploads and shares.
    Publisher,
    /// Reads, including the audit log.
    Auditor,
}

impl RoleArg {
    fn role(self) -> Role {
        match self {
            RoleArg::Admin => Role::Admin,
            RoleArg::Analyst => Role::Analyst,
            RoleArg::Viewer => Role::Viewer,
            RoleArg::Publisher => Role::Publisher,
            RoleArg::Auditor => Role::Auditor,
        }
    }
}

/// Arguments of `medsbom admin create-org`.
#[derive(clap::Args)]
pub struct CreateOrgArgs {
    /// The organization's name.
    pub name: String,
    /// Manufacturer or provider.
    #[arg(long, value_enum)]
    pub kind: KindArg,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom admin create-user`.
#[derive(clap::Args)]
pub struct CreateUserArgs {
    /// The username.
    pub username: String,
    /// The user's organization.
    #[arg(long, value_name = "NAME")]
    pub org: String,
    /// The organization's kind (needed only when a manufacturer and a provider share the name).
    #[arg(long, value_enum)]
    pub org_kind: Option<KindArg>,
    /// The user's role.
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// Read the password from the first line of standard input (passwords are never flags);
    /// without it the user can only use API tokens.
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom admin create-token`.
#[derive(clap::Args)]
pub struct CreateTokenArgs {
    /// The user the token acts as.
    pub username: String,
    /// What the token is for.
    #[arg(long, default_value = "cli")]
    pub name: String,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs one admin subcommand.
pub fn run(args: &AdminArgs) -> anyhow::Result<Status> {
    match &args.command {
        AdminCommand::CreateOrg(args) => with_db(&args.db, async |db| {
            let org = accounts::create_org(db, args.kind.kind(), &args.name).await?;
            record(
                db,
                "org.create",
                &format!("org:{}", org.name),
                json!({"kind": org.kind.as_str()}),
                Some(org.id),
            )
            .await?;
            output::print_json(
                &json!({"id": org.id, "kind": org.kind.as_str(), "name": org.name}),
            )?;
            Ok(())
        }),
        AdminCommand::CreateUser(args) => {
            let password = if args.password_stdin {
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .context("cannot read the password from standard input")?;
                Some(line.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            with_db(&args.db, async |db| {
                let org = find_org(db, &args.org, args.org_kind).await?;
                let role = args.role.role();
                let user =
                    accounts::create_user(db, &org, &args.username, role, password.as_deref())
                        .await?;
                record(
                    db,
                    "user.create",
                    &format!("user:{}", user.username),
                    json!({"role": role.as_str(), "organization": org.name}),
                    Some(org.id),
                )
                .await?;
                output::print_json(
                    &json!({"id": user.id, "username": user.username, "role": role.as_str(), "organization": org.name, "has_password": user.has_password}),
                )?;
                Ok(())
            })
        }
        AdminCommand::CreateToken(args) => with_db(&args.db, async |db| {
            let token = accounts::create_token(db, &args.username, &args.name).await?;
            record(
                db,
                "token.create",
                &format!("token:{}", token.id),
                json!({"user": args.username, "name": args.name}),
                None,
            )
            .await?;
            output::note("the token is shown once; store it now");
            output::print_json(
                &json!({"id": token.id, "username": args.username, "token": token.token}),
            )?;
            Ok(())
        }),
    }
}

async fn find_org(
    db: &ServerDb,
    name: &str,
    kind: Option<KindArg>,
) -> anyhow::Result<accounts::Organization> {
    let kinds: Vec<OrgKind> = match kind {
        Some(kind) => vec![kind.kind()],
        None => vec![OrgKind::Manufacturer, OrgKind::Provider],
    };
    let mut found = Vec::new();
    for kind in kinds {
        if let Some(org) = accounts::find_org(db, kind, name).await? {
            found.push(org);
        }
    }
    match found.len() {
        0 => anyhow::bail!("no organization {name:?} (create it with `medsbom admin create-org`)"),
        1 => Ok(found.remove(0)),
        _ => anyhow::bail!("both a manufacturer and a provider are named {name:?}; add --org-kind"),
    }
}

/// The actor of command-line changes: `cli:$USER`.
pub fn cli_actor() -> String {
    format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned())
    )
}

async fn record(
    db: &ServerDb,
    action: &str,
    object: &str,
    details: serde_json::Value,
    organization_id: Option<i64>,
) -> anyhow::Result<()> {
    let actor = cli_actor();
    audit::append(
        db,
        &AuditEvent {
            actor: &actor,
            organization_id,
            action,
            object,
            details: &details,
        },
    )
    .await?;
    Ok(())
}

fn with_db(
    args: &DbArgs,
    work: impl AsyncFnOnce(&ServerDb) -> anyhow::Result<()>,
) -> anyhow::Result<Status> {
    db::runtime()?.block_on(async {
        let db = ServerDb::open(&args.location()).await?;
        let res = work(&db).await;
        db.close().await;
        res
    })?;
    Ok(Status::Success)
}
