//! `medsbom admin`, `medsbom audit` and `medsbom serve` as a user runs them: accounts from
//! the command line, the audit trail they leave, verification, and a server that answers on
//! an ephemeral port and stops gracefully on SIGTERM.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn medsbom(args: &[&str], db: &Path, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_medsbom"))
        .args(args)
        .env("MEDSBOM_DB", db)
        .env("USER", "root-admin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the medsbom binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn json(args: &[&str], db: &Path, stdin: Option<&str>, status: i32) -> Value {
    let output = medsbom(args, db, stdin);
    assert_eq!(
        output.status.code(),
        Some(status),
        "{args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

#[test]
fn admin_audit_and_serve() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("medsbom.db");

    let org = json(
        &["admin", "create-org", "--kind", "provider", "St. Example"],
        &db,
        None,
        0,
    );
    assert_eq!(org["kind"], "provider");
    let user = json(
        &[
            "admin",
            "create-user",
            "ada",
            "--org",
            "St. Example",
            "--role",
            "analyst",
            "--password-stdin",
        ],
        &db,
        Some("a long password\n"),
        0,
    );
    assert_eq!(user["has_password"], true);
    assert_eq!(user["role"], "analyst");
    let token = json(
        &["admin", "create-token", "ada", "--name", "ci"],
        &db,
        None,
        0,
    );
    let token = token["token"].as_str().expect("token").to_owned();
    assert!(token.starts_with("msb_") && token.len() == 68, "{token}");
    // A publisher is a manufacturer role; a duplicate user is refused; unknown orgs too.
    let output = medsbom(
        &[
            "admin",
            "create-user",
            "pub",
            "--org",
            "St. Example",
            "--role",
            "publisher",
        ],
        &db,
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("publisher is a manufacturer role"));
    assert_eq!(
        medsbom(
            &[
                "admin",
                "create-user",
                "ada",
                "--org",
                "St. Example",
                "--role",
                "viewer"
            ],
            &db,
            None
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        medsbom(
            &[
                "admin",
                "create-user",
                "bob",
                "--org",
                "Nowhere",
                "--role",
                "viewer"
            ],
            &db,
            None
        )
        .status
        .code(),
        Some(2)
    );

    // The audit trail of those changes, newest first, filtered.
    let entries = json(&["audit", "list", "--format", "json"], &db, None, 0);
    let actions: Vec<&str> = entries
        .as_array()
        .expect("array")
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect();
    assert_eq!(actions, ["token.create", "user.create", "org.create"]);
    assert!(
        entries
            .as_array()
            .expect("array")
            .iter()
            .all(|e| e["actor"] == "cli:root-admin")
    );
    assert!(
        !String::from_utf8_lossy(
            &medsbom(&["audit", "list", "--format", "json"], &db, None).stdout
        )
        .contains(&token),
        "the token is never logged"
    );
    assert_eq!(
        json(
            &["audit", "list", "--format", "json", "--object", "user:"],
            &db,
            None,
            0
        )
        .as_array()
        .expect("array")
        .len(),
        1
    );
    assert_eq!(
        json(
            &["audit", "list", "--format", "json", "--actor", "eve"],
            &db,
            None,
            0
        ),
        Value::Array(Vec::new())
    );
    assert_eq!(
        json(
            &["audit", "list", "--format", "json", "--since", "2999-01-01"],
            &db,
            None,
            0
        ),
        Value::Array(Vec::new())
    );
    let verify = json(&["audit", "verify", "--format", "json"], &db, None, 0);
    assert_eq!(verify["intact"], true);
    assert_eq!(verify["n_entries"], 3);
    let head = verify["head_hash"].as_str().expect("head").to_owned();
    json(
        &[
            "audit",
            "verify",
            "--format",
            "json",
            "--expect-head",
            &head,
        ],
        &db,
        None,
        0,
    );
    let wrong = json(
        &[
            "audit",
            "verify",
            "--format",
            "json",
            "--expect-head",
            &"0".repeat(64),
        ],
        &db,
        None,
        1,
    );
    assert_eq!(wrong["intact"], false);

    // The server on an ephemeral port, reached with the token, stopped with SIGTERM.
    let mut server = Command::new(env!("CARGO_BIN_EXE_medsbom"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("MEDSBOM_DB", &db)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stderr = BufReader::new(server.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("startup line");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let request = format!(
        "GET /api/v1/me HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"username\":\"ada\""), "{response}");
    let status = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let exit = server.wait().expect("wait");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).expect("stderr");
    assert_eq!(exit.code(), Some(0), "{rest}");
    assert!(rest.contains("stopped"), "{rest}");
}
