//! `medsbom share PRODUCT VERSION --to RECIPIENT_PUBLIC_KEY -o BUNDLE` and
//! `medsbom receive BUNDLE`: confidential distribution of a product version's SBOM, its
//! current VEX and its lifecycle notice to one hospital (IMDRF N73 §5.3).
//!
//! The bundle is signed by the manufacturer's key (DSSE) and encrypted to the recipient's
//! X25519 key (age). `receive` decrypts it with the hospital's key, checks the signature
//! against the trusted keys of the manufacturer, ingests the SBOM and records the bundle
//! with its VEX and notice. A bundle for someone else, a changed byte or an untrusted
//! signer is reported with exit status 1.

use std::path::PathBuf;

use anyhow::Context as _;
use medsbom_check::Profile;
use medsbom_formats::OutputFormat;
use medsbom_model::{Affect, Analysis, IsoDate, Sbom, SbomFormat, Vulnerability};
use medsbom_registry::trust::{ReceivedBundle, SignatureStatus};
use medsbom_registry::{GenerateOptions, Generated, VersionRef};
use medsbom_sign::{BundleFile, PublicKey, ShareBundle};
use medsbom_store::{IngestRequest, Store};
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::cmd::db::{DbArgs, runtime};
use crate::cmd::keys::{KeyDirArgs, PassphraseArgs, load_private, load_public};
use crate::output::{self, Status};

/// Arguments of `medsbom share`.
#[derive(clap::Args)]
#[command(
    after_help = "Example:\n  medsbom share 'Infusion Pump' 2.1 --to st-mary.pub --key acme-release -o pump-2.1.bundle"
)]
pub struct ShareArgs {
    /// Product name.
    pub product: String,
    /// Product version.
    #[arg(value_name = "VERSION")]
    pub product_version: String,
    /// The recipient's public key file.
    #[arg(long, value_name = "RECIPIENT_PUBLIC_KEY")]
    pub to: String,
    /// Where to write the bundle.
    #[arg(short, long, value_name = "BUNDLE")]
    pub output: PathBuf,
    /// The manufacturer's private key (signs the bundle).
    #[arg(long)]
    pub key: String,
    /// SBOM format in the bundle.
    #[arg(long, default_value = "cyclonedx-json", value_parser = clap::builder::PossibleValuesParser::new(OutputFormat::NAMES))]
    pub format: String,
    /// The profile the SBOM must pass.
    #[arg(long, default_value = "fda-premarket")]
    pub profile: String,
    /// Share the SBOM even when it does not pass the profile.
    #[arg(long)]
    pub allow_gaps: bool,
    /// Manufacturer, when several have a product of that name.
    #[arg(long)]
    pub manufacturer: Option<String>,
    /// The notice's date [default: today].
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<IsoDate>,
    /// Who shares, recorded with the stored SBOM [default: $USER].
    #[arg(long, env = "USER", value_name = "NAME")]
    pub user: Option<String>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub keys: KeyDirArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

/// Arguments of `medsbom receive`.
#[derive(clap::Args)]
pub struct ReceiveArgs {
    /// The bundle file.
    pub bundle: PathBuf,
    /// The recipient's private key (opens the bundle).
    #[arg(long)]
    pub key: String,
    /// Store a bundle whose signer is not a trusted key of its manufacturer, marked
    /// untrusted (needs --sender-key to check the signature).
    #[arg(long)]
    pub allow_untrusted: bool,
    /// The sender's public key, when it is not in the trusted keys.
    #[arg(long, value_name = "PUB")]
    pub sender_key: Option<String>,
    /// Also write the SBOM, VEX and notice into this directory.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Who receives, recorded with the bundle [default: $USER].
    #[arg(long, env = "USER", value_name = "NAME")]
    pub user: Option<String>,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub keys: KeyDirArgs,
    #[command(flatten)]
    pub db: DbArgs,
}

fn parse_date(text: &str) -> Result<IsoDate, String> {
    IsoDate::parse(text).ok_or_else(|| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

fn media_type(format: OutputFormat) -> (&'static str, &'static str) {
    match format {
        OutputFormat::CycloneDxJson => ("sbom.cdx.json", "application/vnd.cyclonedx+json"),
        OutputFormat::CycloneDxXml => ("sbom.cdx.xml", "application/vnd.cyclonedx+xml"),
        OutputFormat::SpdxJson => ("sbom.spdx.json", "application/spdx+json"),
        OutputFormat::SpdxTagValue => ("sbom.spdx", "text/spdx"),
    }
}

/// The current VEX of the shared SBOM as a CycloneDX document: the vulnerabilities the
/// imported feeds match against the product version, each with the manufacturer's analysis
/// or VEX statement from the VEX tables (read only; `in_triage` when there is none), plus
/// those embedded in the SBOM, each pointing at the component by BOM-Link.
async fn current_vex(db: &DbArgs, generated: &Generated) -> anyhow::Result<Vec<u8>> {
    let info = &generated.info;
    let vuln_db = medsbom_vuln::VulnDb::open(&db.location()).await?;
    let query = medsbom_vuln::findings::FindingQuery {
        product: Some(info.key.product.clone()),
        ..medsbom_vuln::findings::FindingQuery::default()
    };
    // Packages of the SBOM just stored are matched against the imported feeds first.
    let matched = medsbom_vuln::matching::match_unmatched(
        &vuln_db,
        &medsbom_vuln::evaluate::MatchConfig::EXACT,
    )
    .await;
    if let Err(err) = matched {
        vuln_db.close().await;
        return Err(err.into());
    }
    let findings = medsbom_vuln::findings::list_findings(&vuln_db, &query).await;
    vuln_db.close().await;
    let registry = medsbom_registry::RegistryDb::open(&db.location()).await?;
    let statements =
        medsbom_registry::vex::product_vex(&registry, &info.key.product, &info.key.version).await;
    registry.close().await;
    let statements = statements?;
    let serial = generated.sbom.serial_number.clone().unwrap_or_default();
    let link = |bom_ref: &str| format!("{serial}/{}#{bom_ref}", info.revision);
    let mut vex = Sbom::new(SbomFormat::CycloneDx, "1.6");
    vex.serial_number = Some(format!("urn:uuid:{}", uuid_like(&serial, info.revision)));
    vex.version = Some(1);
    vex.timestamp = generated.sbom.timestamp.clone();
    vex.authors = generated.sbom.authors.clone();
    vex.vulnerabilities = generated.sbom.vulnerabilities.clone();
    for finding in findings?
        .into_iter()
        .filter(|f| f.product_version == info.key.version)
    {
        let Some(component) = generated
            .sbom
            .components
            .iter()
            .find(|c| c.name == finding.component && c.version == finding.component_version)
        else {
            continue;
        };
        let reference = link(&component.bom_ref);
        if let Some(existing) = vex
            .vulnerabilities
            .iter_mut()
            .find(|v| v.id == finding.vulnerability_id)
        {
            if !existing.affects.iter().any(|a| a.reference == reference) {
                existing.affects.push(Affect {
                    reference,
                    versions: Vec::new(),
                });
            }
            continue;
        }
        let ids: Vec<String> = std::iter::once(&finding.vulnerability_id)
            .chain(&finding.aliases)
            .map(|id| id.to_uppercase())
            .collect();
        let about = |e: &&medsbom_registry::vex::VexEntry| ids.contains(&e.vulnerability_id);
        // The manufacturer's analysis of this component first, then a product-wide statement.
        let entry = statements
            .iter()
            .filter(about)
            .find(|e| {
                e.component.as_deref().is_some_and(|c| {
                    Some(c) == finding.purl.as_deref() || Some(c) == finding.cpe.as_deref()
                })
            })
            .or_else(|| {
                statements
                    .iter()
                    .filter(about)
                    .find(|e| e.component.is_none())
            });
        let analysis = match entry {
            Some(entry) => Analysis {
                state: Some(medsbom_registry::vex::cyclonedx_state(&entry.state).to_owned()),
                justification: entry
                    .justification
                    .as_deref()
                    .and_then(medsbom_registry::vex::cyclonedx_justification)
                    .map(str::to_owned),
                responses: serde_json::from_str::<Vec<String>>(&entry.responses)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|r| {
                        matches!(
                            r.as_str(),
                            "can_not_fix"
                                | "will_not_fix"
                                | "update"
                                | "rollback"
                                | "workaround_available"
                        )
                    })
                    .collect(),
                detail: entry.detail.clone(),
                last_updated: entry.at.clone(),
                ..Analysis::default()
            },
            None => Analysis {
                state: Some("in_triage".to_owned()),
                ..Analysis::default()
            },
        };
        vex.vulnerabilities.push(Vulnerability {
            id: finding.vulnerability_id.clone(),
            aliases: finding.aliases.clone(),
            description: finding.summary.clone(),
            analysis: Some(analysis),
            affects: vec![Affect {
                reference,
                versions: Vec::new(),
            }],
            ..Vulnerability::default()
        });
    }
    Ok(medsbom_formats::write(&vex, OutputFormat::CycloneDxJson).bytes)
}

/// A stable UUID-shaped id for the VEX of one SBOM revision.
fn uuid_like(serial: &str, revision: i64) -> String {
    let digest = Sha256::digest(format!("vex:{serial}:{revision}").as_bytes());
    let hex = hex::encode(&digest[..16]);
    format!(
        "{}-{}-4{}-8{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The lifecycle notice (HTML) of the product version, on `as_of`.
async fn notice(db: &DbArgs, product_version_id: i64, as_of: IsoDate) -> anyhow::Result<Vec<u8>> {
    let lifecycle_db = medsbom_lifecycle::LifecycleDb::connect(&db.location()).await?;
    let portfolio = async {
        medsbom_lifecycle::link_new_packages(&lifecycle_db).await?;
        medsbom_lifecycle::load_portfolio(&lifecycle_db).await
    }
    .await;
    lifecycle_db.close().await;
    let portfolio = portfolio?;
    let notice = medsbom_lifecycle::build_notice(&portfolio, product_version_id, as_of)
        .context("the product version has no stored SBOM for its notice")?;
    Ok(medsbom_lifecycle::notice_html(&notice).into_bytes())
}

/// Builds, signs and encrypts the bundle.
pub fn run_share(args: &ShareArgs) -> anyhow::Result<Status> {
    let format: OutputFormat = args
        .format
        .parse()
        .map_err(|e: String| anyhow::anyhow!(e))?;
    let profile: Profile = args.profile.parse()?;
    let as_of = args.as_of.unwrap_or_else(medsbom_model::IsoDate::today);
    let signer = load_private(&args.key, &args.keys, &args.passphrase)?;
    let recipient = load_public(&args.to, &args.keys)?;
    let options = GenerateOptions {
        format,
        profile,
        allow_gaps: args.allow_gaps,
        as_of: Some(as_of),
    };
    let target = VersionRef {
        manufacturer: args.manufacturer.as_deref(),
        product: &args.product,
        version: &args.product_version,
    };
    let runtime = runtime()?;
    let generated = match runtime
        .block_on(crate::cmd::generate::generate(&args.db, &target, &options))?
    {
        Ok(generated) => generated,
        Err(gaps) => {
            crate::cmd::generate::print_gaps(profile.as_str(), &gaps);
            output::note(&format!(
                "error: {} {} does not pass {profile}; nothing shared (give --allow-gaps to share anyway)",
                args.product, args.product_version
            ));
            return Ok(Status::Finding);
        }
    };
    let info = generated.info.clone();
    let (vex, notice) = runtime.block_on(async {
        // The shared SBOM is stored as the version's current revision, so that the notice
        // and the VEX describe exactly what was sent.
        let store = Store::open(&args.db.location()).await?;
        let (_, parsed) = medsbom_formats::read(&generated.bytes)?;
        let spec_version = parsed.sbom.spec_version.clone();
        let request = IngestRequest {
            raw: &generated.bytes,
            format: format.as_str(),
            spec_version: &spec_version,
            sbom: &parsed.sbom,
            manufacturer: Some(&info.key.manufacturer),
            product: Some(&info.key.product),
            product_version: Some(&info.key.version),
            ingested_by: args.user.as_deref().unwrap_or("unknown"),
            source_name: Some("medsbom share"),
            check_results: None,
            progress: None,
        };
        let stored = store.ingest(&request).await;
        store.close().await;
        stored?;
        let vex = current_vex(&args.db, &generated).await?;
        let notice = notice(&args.db, info.key.product_version_id, as_of).await?;
        anyhow::Ok((vex, notice))
    })?;
    let (sbom_name, sbom_type) = media_type(format);
    let bundle = ShareBundle {
        manufacturer: info.key.manufacturer.clone(),
        product: info.key.product.clone(),
        product_version: info.key.version.clone(),
        created: format!("{as_of}T00:00:00Z"),
        files: vec![
            BundleFile {
                role: "sbom".to_owned(),
                name: sbom_name.to_owned(),
                media_type: sbom_type.to_owned(),
                bytes: generated.bytes.clone(),
            },
            BundleFile {
                role: "vex".to_owned(),
                name: "vex.cdx.json".to_owned(),
                media_type: "application/vnd.cyclonedx+json".to_owned(),
                bytes: vex,
            },
            BundleFile {
                role: "notice".to_owned(),
                name: "notice.html".to_owned(),
                media_type: "text/html".to_owned(),
                bytes: notice,
            },
        ],
    };
    let sealed = medsbom_sign::seal_bundle(&bundle, &signer, &recipient)?;
    std::fs::write(&args.output, &sealed)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    output::print_json(&json!({
        "bundle": args.output.display().to_string(),
        "manufacturer": bundle.manufacturer,
        "product": bundle.product,
        "product_version": bundle.product_version,
        "sbom_serial_number": generated.sbom.serial_number,
        "sbom_version": info.revision,
        "signed_by": signer.key_id(),
        "recipient": recipient.key_id(),
        "files": bundle.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
    }))?;
    Ok(Status::Success)
}

/// Decrypts, verifies, ingests and records a bundle.
pub fn run_receive(args: &ReceiveArgs) -> anyhow::Result<Status> {
    let bytes = std::fs::read(&args.bundle)
        .with_context(|| format!("cannot read {}", args.bundle.display()))?;
    let key = load_private(&args.key, &args.keys, &args.passphrase)?;
    let sealed = match medsbom_sign::open_bundle(&bytes, &key) {
        Ok(sealed) => sealed,
        Err(err) => {
            output::note(&format!("error: {}: {err}", args.bundle.display()));
            return Ok(Status::Finding);
        }
    };
    let sender_key = match &args.sender_key {
        Some(sender) => Some(load_public(sender, &args.keys)?),
        None => None,
    };
    let runtime = runtime()?;
    let trusted = runtime.block_on(async {
        let registry = medsbom_registry::RegistryDb::open(&args.db.location()).await?;
        let res = medsbom_registry::trust::trusted_by_key_id(&registry, sealed.key_id()).await;
        registry.close().await;
        anyhow::Ok(res?)
    })?;
    let (public, trusted_for): (PublicKey, Vec<String>) = match (trusted.first(), sender_key) {
        (Some(first), _) => (
            PublicKey::from_ed25519_base64(&first.name, &first.public_key)?,
            trusted.iter().map(|k| k.manufacturer.clone()).collect(),
        ),
        (None, Some(sender)) => (sender, Vec::new()),
        (None, None) => {
            output::note(&format!(
                "error: {}: signed by key {}, which is not a trusted key of any manufacturer \
                 (trust it with `medsbom keys trust`, or give --sender-key with --allow-untrusted)",
                args.bundle.display(),
                sealed.key_id()
            ));
            return Ok(Status::Finding);
        }
    };
    let key_id = sealed.key_id().to_owned();
    let bundle = match sealed.verify(&public) {
        Ok(bundle) => bundle,
        Err(err) => {
            output::note(&format!("error: {}: {err}", args.bundle.display()));
            return Ok(Status::Finding);
        }
    };
    let status = if trusted_for.contains(&bundle.manufacturer) {
        SignatureStatus::Verified
    } else {
        SignatureStatus::Untrusted
    };
    if status == SignatureStatus::Untrusted && !args.allow_untrusted {
        output::note(&format!(
            "error: {}: key {key_id} is not a trusted key of {} (give --allow-untrusted to store it marked untrusted)",
            args.bundle.display(),
            bundle.manufacturer
        ));
        return Ok(Status::Finding);
    }
    let Some(sbom_file) = bundle.file("sbom") else {
        anyhow::bail!("{}: the bundle holds no SBOM", args.bundle.display());
    };
    let (detected, parsed) = medsbom_formats::read(&sbom_file.bytes)
        .map_err(|err| anyhow::anyhow!("{}: {}: {err}", args.bundle.display(), sbom_file.name))?;
    let user = args.user.as_deref().unwrap_or("unknown");
    let bundle_sha256 = hex::encode(Sha256::digest(&bytes));
    let (stored, bundle_id) = runtime.block_on(async {
        let store = Store::open(&args.db.location()).await?;
        let spec_version = detected
            .spec_version
            .clone()
            .unwrap_or_else(|| parsed.sbom.spec_version.clone());
        let request = IngestRequest {
            raw: &sbom_file.bytes,
            format: detected.format.as_str(),
            spec_version: &spec_version,
            sbom: &parsed.sbom,
            manufacturer: Some(&bundle.manufacturer),
            product: Some(&bundle.product),
            product_version: Some(&bundle.product_version),
            ingested_by: user,
            source_name: Some(&sbom_file.name),
            check_results: None,
            progress: None,
        };
        let outcome = store.ingest(&request).await;
        store.close().await;
        let stored = outcome?.stored().clone();
        let registry = medsbom_registry::RegistryDb::open(&args.db.location()).await?;
        let record = ReceivedBundle {
            sbom_id: stored.sbom_id,
            bundle_sha256: &bundle_sha256,
            key_id: &key_id,
            status,
            created: &bundle.created,
            vex: bundle.file("vex").map(|f| f.bytes.as_slice()),
            notice: bundle.file("notice").map(|f| f.bytes.as_slice()),
            received_by: user,
        };
        let res = medsbom_registry::trust::record_bundle(&registry, &record).await;
        registry.close().await;
        anyhow::Ok((stored, res?))
    })?;
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for file in &bundle.files {
            // Names come from the sender: keep only the last path component.
            let name = std::path::Path::new(&file.name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| !n.is_empty() && n != "." && n != "..")
                .unwrap_or_else(|| file.role.clone());
            let path = dir.join(name);
            std::fs::write(&path, &file.bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    output::print_json(&json!({
        "bundle": args.bundle.display().to_string(),
        "bundle_id": bundle_id,
        "status": status.as_str(),
        "signed_by": key_id,
        "manufacturer": stored.manufacturer,
        "product": stored.product,
        "product_version": stored.product_version,
        "sbom_id": stored.sbom_id,
        "revision": stored.revision,
        "components": stored.n_components,
        "files": bundle.files.iter().map(|f| json!({"role": f.role, "name": f.name, "size": f.bytes.len()})).collect::<Vec<_>>(),
    }))?;
    Ok(Status::Success)
}
