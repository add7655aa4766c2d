//! The manufacturer side through the binary: `product`, `component`, `generate`, `keys`,
//! `sign`/`verify`, `ingest --sig`, `share`/`receive` between a manufacturer's and a
//! hospital's database, and `diff --vulns` as release notes. Runs on SQLite, and on
//! PostgreSQL when `MEDSBOM_TEST_PG` is set.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const PASSPHRASE: &str = "correct horse battery staple";
const CASE_STUDY: &str = "sbom/medical-device/case-study/extended.sbom.json";
const AS_OF: &str = "2026-11-23";

struct Env {
    dir: tempfile::TempDir,
    manufacturer_db: String,
    hospital_db: String,
    label: &'static str,
    /// PostgreSQL: the admin URL and the two schemas to drop at the end.
    pg: Option<(String, Vec<String>)>,
}

impl Drop for Env {
    fn drop(&mut self) {
        let Some((admin_url, schemas)) = self.pg.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async move {
            use sqlx::Connection as _;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                for schema in schemas {
                    let sql = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                }
                let _ = conn.close().await;
            }
        });
    }
}

impl Env {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, db: &str, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_medsbom"))
            .args(args)
            .current_dir(self.dir.path())
            .env("MEDSBOM_DB", db)
            .env("MEDSBOM_KEY_DIR", self.path("keys"))
            .env("MEDSBOM_KEY_PASSPHRASE", PASSPHRASE)
            .env("USER", "tester")
            .env_remove("XDG_DATA_HOME")
            .output()
            .expect("the medsbom binary runs")
    }

    /// Runs against `db`, checks the exit status, returns stdout.
    fn ok(&self, db: &str, args: &[&str], status: i32) -> String {
        let output = self.run(db, args);
        assert_eq!(
            output.status.code(),
            Some(status),
            "{}: {args:?}\nstdout: {}\nstderr: {}",
            self.label,
            text(&output.stdout),
            text(&output.stderr)
        );
        text(&output.stdout)
    }

    fn json(&self, db: &str, args: &[&str], status: i32) -> Value {
        let stdout = self.ok(db, args, status);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|err| panic!("{args:?}: stdout is not JSON ({err}): {stdout}"))
    }

    fn m(&self, args: &[&str], status: i32) -> String {
        self.ok(&self.manufacturer_db, args, status)
    }

    fn h(&self, args: &[&str], status: i32) -> String {
        self.ok(&self.hospital_db, args, status)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn pg_schema_url() -> Option<(String, String, String)> {
    use sqlx::Connection as _;
    let admin_url = medsbom_testkit::postgres_url()?;
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to MEDSBOM_TEST_PG");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&mut conn)
        .await
        .expect("create test schema");
    let _ = conn.close().await;
    let separator = if admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
    Some((admin_url, schema, url))
}

/// SQLite, then PostgreSQL (two fresh schemas) when configured.
fn environments() -> Vec<Env> {
    let mut res = Vec::new();
    let dir = tempfile::tempdir().expect("temporary directory");
    res.push(Env {
        manufacturer_db: dir.path().join("acme.db").display().to_string(),
        hospital_db: dir.path().join("hospital.db").display().to_string(),
        dir,
        label: "sqlite",
        pg: None,
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Some((admin_url, m_schema, manufacturer_db)) = runtime.block_on(pg_schema_url())
        && let Some((_, h_schema, hospital_db)) = runtime.block_on(pg_schema_url())
    {
        res.push(Env {
            dir: tempfile::tempdir().expect("temporary directory"),
            manufacturer_db,
            hospital_db,
            label: "postgres",
            pg: Some((admin_url, vec![m_schema, h_schema])),
        });
    }
    res
}

/// Runs one statement on a test database (as another crate would write its tables).
fn execute(db: &str, sql: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        if db.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(db).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        } else {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}"))
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    });
}

/// The text values of the first column of a query, in order.
fn column(db: &str, sql: &str) -> Vec<String> {
    use sqlx::Row as _;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        if db.starts_with("postgres") {
            let pool = sqlx::PgPool::connect(db).await.unwrap();
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(&pool)
                .await
                .unwrap();
            pool.close().await;
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        } else {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}"))
                .await
                .unwrap();
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
                .fetch_all(&pool)
                .await
                .unwrap();
            pool.close().await;
            rows.iter().map(|r| r.get::<String, _>(0)).collect()
        }
    })
}

fn flip_byte(path: &Path, idx: usize) -> PathBuf {
    let mut bytes = std::fs::read(path).expect("read");
    let idx = idx.min(bytes.len() - 1);
    bytes[idx] ^= 0x01;
    let out = path.with_extension("tampered");
    std::fs::write(&out, bytes).expect("write");
    out
}

#[test]
fn case_study_import_and_generation_with_gaps() {
    let Some(case_study) = medsbom_testkit::corpus_path(CASE_STUDY) else {
        return;
    };
    let case_study = case_study.display().to_string();
    for env in environments() {
        let created = env.json(
            &env.manufacturer_db,
            &[
                "product",
                "create",
                "Case Study Device",
                "--manufacturer",
                "Anonymised MDM",
            ],
            0,
        );
        assert_eq!(created["created"], true);
        let version = env.json(
            &env.manufacturer_db,
            &[
                "product",
                "version",
                "add",
                "Case Study Device",
                "1.0",
                "--eos",
                "2032-12-31",
                "--support-level",
                "actively-maintained",
            ],
            0,
        );
        assert_eq!(version["revision"], 1);
        let imported = env.json(
            &env.manufacturer_db,
            &[
                "component",
                "import",
                "Case Study Device",
                "1.0",
                &case_study,
            ],
            0,
        );
        assert!(imported["added"].as_u64().unwrap() >= 60, "{imported}");
        let listed = env.json(
            &env.manufacturer_db,
            &[
                "component",
                "list",
                "Case Study Device",
                "1.0",
                "--format",
                "json",
            ],
            0,
        );
        let components = listed["components"].as_array().unwrap();
        assert!(
            components
                .iter()
                .any(|c| c["type"] == "device"
                    && c["end_of_support"] == "Until hardware support ends")
        );

        // Refused with the gaps listed, unless --allow-gaps.
        let out = env.path("case.cdx.json").display().to_string();
        let refused = env.run(
            &env.manufacturer_db,
            &[
                "generate",
                "Case Study Device",
                "1.0",
                "--to",
                "cyclonedx-json",
                "-o",
                &out,
            ],
        );
        assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
        let stderr = text(&refused.stderr);
        assert!(stderr.contains("end_of_support"), "{stderr}");
        assert!(!Path::new(&out).exists());
        for (format, file) in [
            ("cyclonedx-json", "case.cdx.json"),
            ("cyclonedx-xml", "case.cdx.xml"),
            ("spdx-json", "case.spdx.json"),
            ("spdx-tv", "case.spdx"),
        ] {
            let out = env.path(file).display().to_string();
            env.m(
                &[
                    "generate",
                    "Case Study Device",
                    "1.0",
                    "--to",
                    format,
                    "-o",
                    &out,
                    "--allow-gaps",
                ],
                0,
            );
            env.m(&["validate", &out], 0);
            env.m(
                &["check", &out, "--profile", "ntia-2021", "--as-of", AS_OF],
                1,
            );
        }
    }
}

#[test]
fn manufacturer_to_hospital_signed_and_encrypted() {
    let osv = medsbom_testkit::corpus_path("vuln/osv/ghsa-npm-sample.osv.jsonl.gz");
    for env in environments() {
        let (mdb, hdb) = (env.manufacturer_db.clone(), env.hospital_db.clone());
        // Keys: the manufacturer signs, the hospital receives.
        let acme = env.json(&mdb, &["keys", "generate", "acme-release"], 0);
        let acme_id = acme["key_id"].as_str().unwrap().to_owned();
        env.json(&mdb, &["keys", "generate", "st-mary"], 0);
        env.json(&mdb, &["keys", "generate", "mallory"], 0);
        let listed = env.json(&mdb, &["keys", "list", "--format", "json"], 0);
        assert_eq!(listed.as_array().unwrap().len(), 3);
        let exported = env.m(&["keys", "export-public", "acme-release"], 0);
        assert!(exported.contains(&acme_id));
        assert!(!exported.contains("encrypted"));
        let private = std::fs::read_to_string(env.path("keys/acme-release.key")).unwrap();
        assert!(private.contains("encrypted"));
        // Wrong passphrase: a usage error, not a signature.
        let wrong = Command::new(env!("CARGO_BIN_EXE_medsbom"))
            .args(["keys", "export-public", "acme-release"])
            .env("MEDSBOM_KEY_DIR", env.path("keys"))
            .output()
            .unwrap();
        assert_eq!(
            wrong.status.code(),
            Some(0),
            "exporting the public key needs no passphrase"
        );

        // A product whose registry passes FDA premarket, built by hand.
        env.m(
            &[
                "product",
                "create",
                "Infusion Pump",
                "--manufacturer",
                "Acme Medical",
            ],
            0,
        );
        env.m(
            &[
                "product",
                "version",
                "add",
                "Infusion Pump",
                "2.1",
                "--eos",
                "2031-12-31",
                "--support-level",
                "actively-maintained",
            ],
            0,
        );
        let add = |args: &[&str]| {
            let mut all = vec!["component", "add", "Infusion Pump", "2.1"];
            all.extend_from_slice(args);
            env.json(&mdb, &all, 0)
        };
        let board = add(&[
            "--name",
            "Pump controller board",
            "--component-version",
            "2",
            "--supplier",
            "Acme Medical",
            "--cpe",
            "cpe:2.3:h:acme:pump_board:2:*:*:*:*:*:*:*",
            "--support-level",
            "actively-maintained",
            "--eos",
            "2031-12-31",
            "--composition",
            "complete",
        ]);
        assert_eq!(board["type"], "device");
        add(&[
            "--name",
            "lodash",
            "--component-version",
            "4.17.20",
            "--supplier",
            "OpenJS Foundation",
            "--purl",
            "pkg:npm/lodash@4.17.20",
            "--license",
            "MIT",
            "--support-level",
            "actively-maintained",
            "--eos",
            "2027-12-31",
            "--hash",
            "SHA-256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ]);
        add(&[
            "--name",
            "pump-fw",
            "--component-version",
            "2.1.0",
            "--type",
            "firmware",
            "--supplier",
            "Acme Medical",
            "--purl",
            "pkg:generic/acme/pump-fw@2.1.0",
            "--support-level",
            "actively-maintained",
            "--eos",
            "2031-12-31",
            "--depends-on",
            "Pump controller board",
            "--depends-on",
            "lodash",
        ]);
        // Edit and remove work on the registry.
        add(&[
            "--name",
            "scratch",
            "--component-version",
            "0",
            "--supplier",
            "X",
            "--purl",
            "pkg:generic/x/scratch@0",
        ]);
        let edited = env.json(
            &mdb,
            &[
                "component",
                "edit",
                "Infusion Pump",
                "2.1",
                "scratch",
                "--eos",
                "2030-01-01",
            ],
            0,
        );
        assert_eq!(edited["support_source"], "manual");
        env.m(
            &["component", "remove", "Infusion Pump", "2.1", "scratch"],
            0,
        );
        env.m(
            &["component", "remove", "Infusion Pump", "2.1", "scratch"],
            2,
        );

        for (format, file) in [
            ("cyclonedx-json", "pump.cdx.json"),
            ("cyclonedx-xml", "pump.cdx.xml"),
            ("spdx-json", "pump.spdx.json"),
            ("spdx-tv", "pump.spdx"),
        ] {
            let out = env.path(file).display().to_string();
            env.m(
                &[
                    "generate",
                    "Infusion Pump",
                    "2.1",
                    "--to",
                    format,
                    "-o",
                    &out,
                ],
                0,
            );
            env.m(&["validate", &out], 0);
            env.m(
                &[
                    "check",
                    &out,
                    "--profile",
                    "fda-premarket",
                    "--as-of",
                    AS_OF,
                ],
                0,
            );
        }
        let sbom = env.path("pump.cdx.json").display().to_string();

        // Sign, verify, tamper one byte, verify again.
        let sig = env.path("pump.sig").display().to_string();
        env.m(&["sign", &sbom, "--key", "acme-release", "-o", &sig], 0);
        let verified = env.json(
            &mdb,
            &["verify", &sbom, "--sig", &sig, "--key", "acme-release"],
            0,
        );
        assert_eq!(verified["valid"], true);
        let tampered = flip_byte(Path::new(&sbom), 100);
        let tampered = tampered.display().to_string();
        let failed = env.json(
            &mdb,
            &["verify", &tampered, "--sig", &sig, "--key", "acme-release"],
            1,
        );
        assert_eq!(failed["valid"], false);
        env.json(
            &mdb,
            &["verify", &sbom, "--sig", &sig, "--key", "mallory"],
            1,
        );
        let dsse = env.path("pump.dsse.json").display().to_string();
        env.m(
            &[
                "sign",
                &sbom,
                "--key",
                "acme-release",
                "-o",
                &dsse,
                "--dsse",
            ],
            0,
        );
        let envelope: Value =
            serde_json::from_str(&std::fs::read_to_string(&dsse).unwrap()).unwrap();
        assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
        env.json(
            &mdb,
            &["verify", &sbom, "--sig", &dsse, "--key", "acme-release"],
            0,
        );
        env.json(
            &mdb,
            &["verify", &tampered, "--sig", &dsse, "--key", "acme-release"],
            1,
        );

        // Ingest with a signature: rejected until the key is trusted for the manufacturer.
        let acme_pub = env.path("keys/acme-release.pub").display().to_string();
        env.h(&["ingest", &sbom, "--sig", &sig], 1);
        env.h(
            &["keys", "trust", &acme_pub, "--manufacturer", "Acme Medical"],
            0,
        );
        let trusted = env.json(&hdb, &["keys", "list", "--trusted", "--format", "json"], 0);
        assert_eq!(trusted[0]["key_id"], acme_id.as_str());
        let stored = env.json(
            &hdb,
            &["ingest", &sbom, "--sig", &sig, "--format", "json"],
            0,
        );
        assert_eq!(stored[0]["status"], "stored");
        assert_eq!(stored[0]["manufacturer"], "Acme Medical");
        // A tampered file is rejected; with --allow-untrusted it is stored as invalid.
        env.h(&["ingest", &tampered, "--sig", &sig], 1);
        env.h(
            &[
                "ingest",
                &tampered,
                "--sig",
                &sig,
                "--allow-untrusted",
                "--product",
                "Infusion Pump",
                "--product-version",
                "tampered",
            ],
            0,
        );

        // The manufacturer's analysis of a lodash finding (as `medsbom-vex` records it).
        if let Some(osv) = &osv {
            env.m(&["feeds", "import", &osv.display().to_string()], 0);
            execute(
                &mdb,
                "INSERT INTO vex_analyses (product, product_version, component, vulnerability_id, \
                 role, state, state_original, justification, responses, detail, analyst, recorded_at) \
                 VALUES ('Infusion Pump', '2.1', 'pkg:npm/lodash@4.17.20', 'CVE-2021-23337', \
                 'manufacturer', 'not_affected', 'not_affected', 'vulnerable_code_not_in_execute_path', \
                 '[]', 'template() is never called', 'alice', '2026-11-01T00:00:00Z')",
            );
        }
        // The verdicts are stored with the SBOMs.
        assert_eq!(
            column(&hdb, "SELECT status FROM sbom_signatures ORDER BY id"),
            ["verified", "invalid"],
            "{}",
            env.label
        );
        // Share with the hospital; the hospital receives into its own database.
        let st_mary_pub = env.path("keys/st-mary.pub").display().to_string();
        let bundle = env.path("pump-2.1.bundle").display().to_string();
        let shared = env.json(
            &mdb,
            &[
                "share",
                "Infusion Pump",
                "2.1",
                "--to",
                &st_mary_pub,
                "--key",
                "acme-release",
                "-o",
                &bundle,
                "--as-of",
                AS_OF,
            ],
            0,
        );
        assert_eq!(shared["signed_by"], acme_id.as_str());
        let received = env.json(
            &hdb,
            &[
                "receive",
                &bundle,
                "--key",
                "st-mary",
                "--out-dir",
                "received",
            ],
            0,
        );
        assert_eq!(received["status"], "verified");
        assert_eq!(received["product"], "Infusion Pump");
        assert_eq!(received["product_version"], "2.1");
        assert_eq!(received["components"], 4);
        let notice = std::fs::read_to_string(env.path("received/notice.html")).unwrap();
        assert!(notice.contains("Infusion Pump"));
        let vex = std::fs::read(env.path("received/vex.cdx.json")).unwrap();
        if osv.is_some() {
            let vex: Value = serde_json::from_slice(&vex).unwrap();
            let vulns = vex["vulnerabilities"].as_array().unwrap();
            let lodash = vulns.iter().find(|v| v["id"] == "CVE-2021-23337").unwrap();
            assert_eq!(lodash["analysis"]["state"], "not_affected", "{vex}");
            assert_eq!(lodash["analysis"]["justification"], "code_not_reachable");
            let other = vulns.iter().find(|v| v["id"] == "CVE-2020-28500").unwrap();
            assert_eq!(other["analysis"]["state"], "in_triage");
        }
        env.m(
            &[
                "validate",
                &env.path("received/vex.cdx.json").display().to_string(),
            ],
            0,
        );
        assert!(!vex.is_empty());
        // The same SBOM as signed and ingested before: the bundle carries the exact bytes.
        let received_sbom = std::fs::read(env.path("received/sbom.cdx.json")).unwrap();
        assert_eq!(received_sbom, std::fs::read(&sbom).unwrap());
        assert_eq!(
            column(&hdb, "SELECT status FROM received_bundles"),
            ["verified"]
        );
        // Wrong recipient, tampered bundle: both exit 1.
        env.h(&["receive", &bundle, "--key", "mallory"], 1);
        let tampered_bundle = flip_byte(Path::new(&bundle), 400).display().to_string();
        env.h(&["receive", &tampered_bundle, "--key", "st-mary"], 1);
        // An untrusted sender is refused.
        let mallory_bundle = env.path("mallory.bundle").display().to_string();
        env.m(
            &[
                "share",
                "Infusion Pump",
                "2.1",
                "--to",
                &st_mary_pub,
                "--key",
                "mallory",
                "-o",
                &mallory_bundle,
                "--as-of",
                AS_OF,
            ],
            0,
        );
        env.h(&["receive", &mallory_bundle, "--key", "st-mary"], 1);
        // Kept on explicit request, marked untrusted (the signature itself is checked).
        let mallory_pub = env.path("keys/mallory.pub").display().to_string();
        env.h(
            &[
                "receive",
                &mallory_bundle,
                "--key",
                "st-mary",
                "--sender-key",
                &mallory_pub,
            ],
            1,
        );
        let kept = env.json(
            &hdb,
            &[
                "receive",
                &mallory_bundle,
                "--key",
                "st-mary",
                "--sender-key",
                &mallory_pub,
                "--allow-untrusted",
            ],
            0,
        );
        assert_eq!(kept["status"], "untrusted");
        env.h(
            &[
                "receive",
                &mallory_bundle,
                "--key",
                "st-mary",
                "--sender-key",
                &acme_pub,
                "--allow-untrusted",
            ],
            1,
        );

        // Release notes: 2.2 upgrades lodash and adds axios; with the GHSA feed, the notes
        // list the lodash vulnerabilities fixed and the axios one introduced.
        env.m(
            &[
                "product",
                "version",
                "add",
                "Infusion Pump",
                "2.2",
                "--from",
                "2.1",
                "--eos",
                "2032-12-31",
            ],
            0,
        );
        env.m(
            &[
                "component",
                "edit",
                "Infusion Pump",
                "2.2",
                "lodash",
                "--component-version",
                "4.17.21",
                "--purl",
                "pkg:npm/lodash@4.17.21",
            ],
            0,
        );
        env.m(
            &[
                "component",
                "add",
                "Infusion Pump",
                "2.2",
                "--name",
                "axios",
                "--component-version",
                "0.21.0",
                "--supplier",
                "axios",
                "--purl",
                "pkg:npm/axios@0.21.0",
                "--support-level",
                "actively-maintained",
                "--eos",
                "2027-12-31",
                "--depends-on",
                "pump-fw",
            ],
            0,
        );
        let v22 = env.path("pump-2.2.cdx.json").display().to_string();
        env.m(
            &[
                "generate",
                "Infusion Pump",
                "2.2",
                "--to",
                "cyclonedx-json",
                "-o",
                &v22,
            ],
            0,
        );
        env.m(
            &[
                "ingest",
                &v22,
                "--manufacturer",
                "Acme Medical",
                "--product",
                "Infusion Pump",
                "--product-version",
                "2.2",
            ],
            0,
        );
        let notes = env.json(
            &mdb,
            &[
                "diff",
                "--product",
                "Infusion Pump",
                "--from",
                "2.1",
                "--to",
                "2.2",
                "--vulns",
                "--format",
                "json",
            ],
            1,
        );
        let notes = notes.as_array().unwrap();
        let change = |kind: &str| notes.iter().filter(|n| n["change"] == kind).count();
        // The device itself and lodash.
        assert_eq!(change("upgraded"), 2, "{notes:?}");
        assert_eq!(change("added"), 1, "{notes:?}");
        if osv.is_some() {
            let fixed: Vec<&str> = notes
                .iter()
                .filter(|n| n["change"] == "vulnerability-fixed")
                .map(|n| n["vulnerability"].as_str().unwrap())
                .collect();
            assert!(
                fixed.contains(&"CVE-2021-23337"),
                "{env_label}: {notes:?}",
                env_label = env.label
            );
            let introduced: Vec<&str> = notes
                .iter()
                .filter(|n| n["change"] == "vulnerability-introduced")
                .map(|n| n["vulnerability"].as_str().unwrap())
                .collect();
            assert!(introduced.contains(&"CVE-2020-28168"), "{notes:?}");
        }
    }
}
