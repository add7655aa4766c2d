//! The audit log: what the server records, its filters, and that `verify` detects an
//! edited, deleted or inserted entry (after an attacker with database access drops the
//! append-only triggers). On SQLite and PostgreSQL.

mod common;

use axum::http::StatusCode;
use medsbom_server::accounts::{OrgKind, Role};
use medsbom_server::audit::{self, AuditFilter};
use serde_json::json;

use common::{call, get, org, post_json, unique_cyclonedx, user_with_token};

/// Seeds some history through the API; returns the admin's token.
async fn history(t: &common::TestApp, zlib: &[u8]) -> String {
    let hospital = org(&t.state, OrgKind::Provider, "St. Example").await;
    let admin = user_with_token(
        &t.state,
        &hospital,
        "ada",
        Role::Admin,
        Some("a long password"),
    )
    .await;
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/sboms?manufacturer=Initech&product=Monitor&product_version=3",
        Some(&admin),
        Some("application/json"),
        unique_cyclonedx(zlib),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let reply = post_json(&t.app, "/api/v1/tokens", &admin, &json!({"name": "ci"})).await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let csv = "asset_id,manufacturer,product,product_version\nMER-1,Initech,Monitor,3\n";
    let reply = call(
        &t.app,
        "POST",
        "/api/v1/assets/import",
        Some(&admin),
        Some("text/csv"),
        csv.as_bytes().to_vec(),
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let reply = post_json(
        &t.app,
        "/api/v1/login",
        "",
        &json!({"username": "ada", "password": "a long password"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    admin
}

#[tokio::test]
async fn records_changes_and_filters() {
    let Some(zlib) = common::corpus_bytes("sbom/osv-scanner-testdata/alpine-zlib-16.cdx.json")
    else {
        return;
    };
    for t in common::backends().await {
        let admin = history(&t, &zlib).await;
        let entries = audit::list(t.state.db(), &AuditFilter::default())
            .await
            .expect("list");
        let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            ["ingest", "token.create", "asset.import", "login"],
            "{}",
            t.label
        );
        assert!(entries.iter().all(|e| e.actor == "ada"));
        // No secret is ever in the log.
        let token_reply = post_json(&t.app, "/api/v1/tokens", &admin, &json!({"name": "second"}))
            .await
            .json();
        let token = token_reply["token"].as_str().expect("token");
        for entry in audit::list(t.state.db(), &AuditFilter::default())
            .await
            .expect("list")
        {
            assert!(
                !entry.details.contains(token) && !entry.details.contains("a long password"),
                "{}",
                entry.details
            );
        }
        let by_object = audit::list(
            t.state.db(),
            &AuditFilter {
                object: Some("sbom:".to_owned()),
                ..AuditFilter::default()
            },
        )
        .await
        .expect("list");
        assert_eq!(by_object.len(), 1);
        assert_eq!(by_object[0].action, "ingest");
        let nobody = audit::list(
            t.state.db(),
            &AuditFilter {
                actor: Some("eve".to_owned()),
                ..AuditFilter::default()
            },
        )
        .await
        .expect("list");
        assert!(nobody.is_empty());
        let future = audit::list(
            t.state.db(),
            &AuditFilter {
                since: Some("2999-01-01".to_owned()),
                ..AuditFilter::default()
            },
        )
        .await
        .expect("list");
        assert!(future.is_empty());
        let until = audit::list(
            t.state.db(),
            &AuditFilter {
                until: Some("2999-01-01".to_owned()),
                limit: Some(2),
                ..AuditFilter::default()
            },
        )
        .await
        .expect("list");
        assert_eq!(until.len(), 2);
        assert!(until[0].seq > until[1].seq, "newest first");
        // The API view and verification.
        let reply = get(&t.app, "/api/v1/audit?object=token:", &admin).await;
        assert_eq!(reply.json()["items"].as_array().expect("items").len(), 2);
        let reply = get(&t.app, "/api/v1/audit/verify", &admin).await.json();
        assert_eq!(reply["intact"], true, "{reply}");
        assert_eq!(reply["n_entries"], 5);
    }
}

#[tokio::test]
async fn verify_detects_tampering() {
    let Some(zlib) = common::corpus_bytes("sbom/osv-scanner-testdata/alpine-zlib-16.cdx.json")
    else {
        return;
    };
    for t in common::backends().await {
        history(&t, &zlib).await;
        let report = audit::verify(t.state.db()).await.expect("verify");
        assert!(
            report.problems.is_empty(),
            "{}: {:?}",
            t.label,
            report.problems
        );
        assert_eq!(report.n_entries, 4);
        let head = report.head_hash.clone();

        // The table is append-only while the triggers stand.
        assert!(
            common::exec_raw(&t, "UPDATE audit_log SET actor = 'eve' WHERE seq = 2")
                .await
                .is_err(),
            "{}",
            t.label
        );
        assert!(
            common::exec_raw(&t, "DELETE FROM audit_log WHERE seq = 3")
                .await
                .is_err(),
            "{}",
            t.label
        );

        // An attacker with database access drops them and edits an entry.
        let drop = if t.label == "postgres" {
            "DROP TRIGGER audit_log_no_update ON audit_log"
        } else {
            "DROP TRIGGER audit_log_no_update"
        };
        common::exec_raw(&t, drop).await.expect("drop trigger");
        if t.label == "sqlite" {
            common::exec_raw(&t, "DROP TRIGGER audit_log_no_delete")
                .await
                .expect("drop trigger");
        }
        common::exec_raw(
            &t,
            "UPDATE audit_log SET details = '{\"name\":\"harmless\"}' WHERE seq = 2",
        )
        .await
        .expect("edit");
        let report = audit::verify(t.state.db()).await.expect("verify");
        assert_eq!(
            report.problems.len(),
            1,
            "{}: {:?}",
            t.label,
            report.problems
        );
        assert_eq!(report.problems[0].seq, 2);
        assert!(report.problems[0].message.contains("edited"));
        // Recomputing the edited entry's hash does not help: the next entry no longer links.
        let entries = audit::list(t.state.db(), &AuditFilter::default())
            .await
            .expect("list");
        let edited = entries.iter().find(|e| e.seq == 2).expect("entry 2");
        let rehashed = audit::entry_hash(edited);
        common::exec_raw(
            &t,
            &format!("UPDATE audit_log SET hash = '{rehashed}' WHERE seq = 2"),
        )
        .await
        .expect("rehash");
        let report = audit::verify(t.state.db()).await.expect("verify");
        assert_eq!(
            report.problems.len(),
            1,
            "{}: {:?}",
            t.label,
            report.problems
        );
        assert_eq!(report.problems[0].seq, 3);
        assert!(report.problems[0].message.contains("does not link"));

        // Deleting an entry leaves a gap and a broken link.
        common::exec_raw(&t, "DELETE FROM audit_log WHERE seq = 3")
            .await
            .expect("delete");
        let report = audit::verify(t.state.db()).await.expect("verify");
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.seq == 4 && p.message.contains("missing")),
            "{}: {:?}",
            t.label,
            report.problems
        );
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.seq == 4 && p.message.contains("does not link"))
        );
        // Cutting off the newest entry keeps the rest of the chain valid, but moves the head.
        common::exec_raw(&t, "DELETE FROM audit_log WHERE seq = 4")
            .await
            .expect("delete");
        let report = audit::verify(t.state.db()).await.expect("verify");
        assert_ne!(report.head_hash, head);
    }
}
