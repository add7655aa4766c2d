//! `medsbom keys generate|list|export-public|trust|revoke`: Ed25519 signing keys (with an
//! X25519 key for receiving share bundles), private keys encrypted with a passphrase, and
//! the trusted-keys list per manufacturer in the database.
//!
//! Key files live in the key directory (`--key-dir`, `MEDSBOM_KEY_DIR`, default
//! `$XDG_DATA_HOME/medsbom/keys`) as `NAME.key` (private, encrypted) and `NAME.pub`; a KEY
//! argument is a file path or a NAME there. The passphrase comes from `--passphrase-file`
//! or the `MEDSBOM_KEY_PASSPHRASE` environment variable.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use medsbom_sign::{KeyPair, PublicKey};
use serde_json::{Value, json};

use crate::cmd::db::{DbArgs, runtime};
use crate::output::{self, ListFormat, Status};

/// Where key files are.
#[derive(clap::Args, Debug, Clone)]
pub struct KeyDirArgs {
    /// Directory of key files [default: $XDG_DATA_HOME/medsbom/keys]
    #[arg(long, env = "MEDSBOM_KEY_DIR", value_name = "DIR")]
    pub key_dir: Option<PathBuf>,
}

impl KeyDirArgs {
    /// The key directory.
    #[must_use]
    pub fn dir(&self) -> PathBuf {
        match &self.key_dir {
            Some(dir) => dir.clone(),
            None => medsbom_store::default_db_path()
                .parent()
                .map_or_else(|| PathBuf::from("keys"), |p| p.join("keys")),
        }
    }

    /// A KEY argument: an existing file, else `NAME.<ext>` in the key directory.
    #[must_use]
    pub fn resolve(&self, key: &str, ext: &str) -> PathBuf {
        let path = PathBuf::from(key);
        if path.is_file() {
            return path;
        }
        self.dir().join(format!("{key}.{ext}"))
    }
}

/// How the passphrase of a private key is given.
#[derive(clap::Args, Debug, Clone)]
pub struct PassphraseArgs {
    /// File whose first line is the private key's passphrase [default: the
    /// MEDSBOM_KEY_PASSPHRASE environment variable]
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    /// The passphrase.
    pub fn passphrase(&self) -> anyhow::Result<String> {
        if let Some(file) = &self.passphrase_file {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            return Ok(text.lines().next().unwrap_or_default().to_owned());
        }
        match std::env::var("MEDSBOM_KEY_PASSPHRASE") {
            Ok(text) if !text.is_empty() => Ok(text),
            _ => {
                anyhow::bail!("no passphrase: give --passphrase-file or set MEDSBOM_KEY_PASSPHRASE")
            }
        }
    }
}

/// Opens a private key (KEY: a file or a name in the key directory).
pub fn load_private(
    key: &str,
    dir: &KeyDirArgs,
    passphrase: &PassphraseArgs,
) -> anyhow::Result<KeyPair> {
    let path = dir.resolve(key, "key");
    let bytes = std::fs::read(&path)
        .with_context(|| format!("cannot read the private key {}", path.display()))?;
    KeyPair::from_private_file(&bytes, &passphrase.passphrase()?)
        .with_context(|| format!("{}", path.display()))
}

/// Reads a public key file (KEY: a file or a name in the key directory; a private key
/// file's public part is accepted).
pub fn load_public(key: &str, dir: &KeyDirArgs) -> anyhow::Result<PublicKey> {
    let mut path = dir.resolve(key, "pub");
    if !path.is_file() {
        path = dir.resolve(key, "key");
    }
    let bytes = std::fs::read(&path)
        .with_context(|| format!("cannot read the public key {}", path.display()))?;
    PublicKey::from_file(&bytes).with_context(|| format!("{}", path.display()))
}

/// Writes a file only readable by its owner (where the platform allows).
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    std::io::Write::write_all(&mut file, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Arguments of `medsbom keys`.
#[derive(clap::Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// The `keys` subcommands.
#[derive(clap::Subcommand)]
pub enum KeysCommand {
    /// Generate a key pair: NAME.key (encrypted with the passphrase) and NAME.pub.
    Generate(GenerateKeyArgs),
    /// List the key files of the key directory, or with --trusted the trusted keys.
    List(ListKeysArgs),
    /// Print (or write) the public key file of a key.
    ExportPublic(ExportPublicArgs),
    /// Trust a public key for a manufacturer's SBOMs and bundles.
    Trust(TrustArgs),
    /// Revoke a trusted key of a manufacturer.
    Revoke(RevokeArgs),
}

/// Arguments of `medsbom keys generate`.
#[derive(clap::Args)]
pub struct GenerateKeyArgs {
    /// The key's name (e.g. `acme-release-2026`).
    pub name: String,
    /// Private key file [default: NAME.key in the key directory]; the public key is
    /// written beside it with the extension .pub.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub keys: KeyDirArgs,
}

/// Arguments of `medsbom keys list`.
#[derive(clap::Args)]
pub struct ListKeysArgs {
    /// List the trusted keys of the database instead of key files.
    #[arg(long)]
    pub trusted: bool,
    /// Only this manufacturer's trusted keys.
    #[arg(long, requires = "trusted")]
    pub manufacturer: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub keys: KeyDirArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom keys export-public`.
#[derive(clap::Args)]
pub struct ExportPublicArgs {
    /// KEY: a key file or a name in the key directory.
    pub key: String,
    /// Write here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub keys: KeyDirArgs,
}

/// Arguments of `medsbom keys trust`.
#[derive(clap::Args)]
pub struct TrustArgs {
    /// The public key file (or a name in the key directory).
    pub key: String,
    /// The manufacturer whose SBOMs the key signs.
    #[arg(long)]
    pub manufacturer: String,
    /// Who adds it [default: $USER].
    #[arg(long, env = "USER", value_name = "NAME")]
    pub added_by: Option<String>,
    #[command(flatten)]
    pub keys: KeyDirArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom keys revoke`.
#[derive(clap::Args)]
pub struct RevokeArgs {
    /// The key id.
    pub key_id: String,
    /// The manufacturer.
    #[arg(long)]
    pub manufacturer: String,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Runs a `keys` subcommand.
pub fn run(args: &KeysArgs) -> anyhow::Result<Status> {
    match &args.command {
        KeysCommand::Generate(args) => run_generate(args),
        KeysCommand::List(args) => run_list(args),
        KeysCommand::ExportPublic(args) => run_export(args),
        KeysCommand::Trust(args) => run_trust(args),
        KeysCommand::Revoke(args) => run_revoke(args),
    }
}

fn run_generate(args: &GenerateKeyArgs) -> anyhow::Result<Status> {
    let passphrase = args.passphrase.passphrase()?;
    if passphrase.chars().count() < 8 {
        anyhow::bail!("the passphrase must have at least 8 characters");
    }
    let key = KeyPair::generate(&args.name)?;
    let private_path = args
        .output
        .clone()
        .unwrap_or_else(|| args.keys.dir().join(format!("{}.key", args.name)));
    let public_path = private_path.with_extension("pub");
    write_private(&private_path, &key.to_private_file(&passphrase)?)?;
    std::fs::write(&public_path, key.public().to_file()?)
        .with_context(|| format!("cannot write {}", public_path.display()))?;
    output::print_json(&json!({
        "name": key.name(),
        "key_id": key.key_id(),
        "private_key": private_path.display().to_string(),
        "public_key": public_path.display().to_string(),
    }))?;
    Ok(Status::Success)
}

fn run_list(args: &ListKeysArgs) -> anyhow::Result<Status> {
    if args.trusted {
        let keys = runtime()?.block_on(async {
            let db = medsbom_registry::RegistryDb::open(&args.db.location()).await?;
            let res =
                medsbom_registry::trust::list_trusted(&db, args.manufacturer.as_deref()).await;
            db.close().await;
            anyhow::Ok(res?)
        })?;
        const HEADER: [&str; 6] = [
            "MANUFACTURER",
            "KEY ID",
            "NAME",
            "ADDED",
            "ADDED BY",
            "REVOKED",
        ];
        let rows: Vec<Vec<String>> = keys
            .iter()
            .map(|k| {
                vec![
                    k.manufacturer.clone(),
                    k.key_id.clone(),
                    k.name.clone(),
                    k.added_at.clone(),
                    k.added_by.clone(),
                    k.revoked_at.clone().unwrap_or_default(),
                ]
            })
            .collect();
        match args.format {
            ListFormat::Json => output::print_json(&Value::Array(
                keys.iter()
                    .map(|k| {
                        json!({
                            "manufacturer": k.manufacturer,
                            "key_id": k.key_id,
                            "name": k.name,
                            "public_key": k.public_key,
                            "added_at": k.added_at,
                            "added_by": k.added_by,
                            "revoked_at": k.revoked_at,
                        })
                    })
                    .collect(),
            ))?,
            ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
            ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
        }
        return Ok(Status::Success);
    }
    let dir = args.keys.dir();
    let mut found: Vec<(String, String, bool, String)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if ext != "pub" {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(public) = PublicKey::from_file(&bytes) else {
                output::note(&format!(
                    "warning: {} is not a public key file",
                    path.display()
                ));
                continue;
            };
            let private = path.with_extension("key").is_file();
            found.push((
                public.name.clone(),
                public.key_id(),
                private,
                path.display().to_string(),
            ));
        }
    }
    const HEADER: [&str; 4] = ["NAME", "KEY ID", "PRIVATE", "FILE"];
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|(name, id, private, file)| {
            vec![
                name.clone(),
                id.clone(),
                if *private { "yes" } else { "no" }.to_owned(),
                file.clone(),
            ]
        })
        .collect();
    match args.format {
        ListFormat::Json => output::print_json(&Value::Array(
            found
                .iter()
                .map(|(name, id, private, file)| {
                    json!({"name": name, "key_id": id, "private": private, "file": file})
                })
                .collect(),
        ))?,
        ListFormat::Table => output::print_stdout(&output::table(&HEADER, &rows))?,
        ListFormat::Csv => output::print_stdout(&output::csv(&HEADER, &rows)?)?,
    }
    Ok(Status::Success)
}

fn run_export(args: &ExportPublicArgs) -> anyhow::Result<Status> {
    let public = load_public(&args.key, &args.keys)?;
    let bytes = public.to_file()?;
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => output::print_stdout(&String::from_utf8_lossy(&bytes))?,
    }
    Ok(Status::Success)
}

fn run_trust(args: &TrustArgs) -> anyhow::Result<Status> {
    let public = load_public(&args.key, &args.keys)?;
    let key = runtime()?.block_on(async {
        let db = medsbom_registry::RegistryDb::open(&args.db.location()).await?;
        let res = medsbom_registry::trust::trust_key(
            &db,
            &args.manufacturer,
            &public.key_id(),
            &public.name,
            &public.ed25519_base64(),
            args.added_by.as_deref().unwrap_or("unknown"),
        )
        .await;
        db.close().await;
        anyhow::Ok(res?)
    })?;
    output::print_json(&json!({
        "manufacturer": key.manufacturer,
        "key_id": key.key_id,
        "name": key.name,
        "added_at": key.added_at,
    }))?;
    Ok(Status::Success)
}

fn run_revoke(args: &RevokeArgs) -> anyhow::Result<Status> {
    let revoked = runtime()?.block_on(async {
        let db = medsbom_registry::RegistryDb::open(&args.db.location()).await?;
        let now = format!("{}T00:00:00Z", medsbom_model::IsoDate::today());
        let res =
            medsbom_registry::trust::revoke_key(&db, &args.manufacturer, &args.key_id, &now).await;
        db.close().await;
        anyhow::Ok(res?)
    })?;
    if revoked {
        output::note(&format!(
            "revoked {} for {}",
            args.key_id, args.manufacturer
        ));
        Ok(Status::Success)
    } else {
        output::note(&format!(
            "{} is not a trusted key of {}",
            args.key_id, args.manufacturer
        ));
        Ok(Status::Finding)
    }
}
