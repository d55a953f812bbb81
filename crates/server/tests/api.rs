//! The server over HTTP against a real PostgreSQL: health, metrics, logins and their
//! limiter, roles, media uploads, and the schema guard.

mod common;

use common::*;
use korrigo_core::sync::ServerRole;
use serde_json::json;

#[tokio::test]
async fn health_says_live_always_and_ready_only_with_the_database() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    let http = reqwest::Client::new();
    assert_eq!(
        http.get(server.url("/api/health/live"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.get(server.url("/api/health/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    db.cut().await;
    assert_eq!(
        http.get(server.url("/api/health/live"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let r = http
        .get(server.url("/api/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["code"], "offline");
    db.reopen().await;
    assert_eq!(
        http.get(server.url("/api/health/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    server.stop().await;
    db.drop_now().await;
}

#[tokio::test]
async fn metrics_need_their_token_and_count_requests() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    let http = reqwest::Client::new();
    http.get(server.url("/api/health/live"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        http.get(server.url("/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let wrong = http
        .get(server.url("/metrics"))
        .bearer_auth("metrics-secreT")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let r = http
        .get(server.url("/metrics"))
        .bearer_auth("metrics-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("korrigo_http_requests_total{route=\"/api/health/live\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("korrigo_sync_version 0"), "{text}");
    server.stop().await;
    db.drop_now().await;
}

async fn try_login(server: &Running, login: &str, password: &str, ip: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(server.url("/api/v1/login"))
        .header("x-forwarded-for", ip)
        .json(&json!({ "login": login, "password": password, "station_id": null }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn five_failed_logins_lock_the_ip_and_the_account_for_fifteen_minutes() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    add_account(&db, "prof", ServerRole::Teacher).await;
    add_account(&db, "other", ServerRole::Teacher).await;

    // Brute force on one account from one address.
    for _ in 0..5 {
        assert_eq!(
            try_login(&server, "prof", "guess", "10.0.0.1")
                .await
                .status(),
            401
        );
    }
    let r = try_login(&server, "prof", "correct horse battery", "10.0.0.1").await;
    assert_eq!(r.status(), 429, "the right password no longer gets through");
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 800 && wait <= 900, "{wait}");
    // The address is locked for every account…
    assert_eq!(
        try_login(&server, "other", "correct horse battery", "10.0.0.1")
            .await
            .status(),
        429
    );
    // …and the account from every address.
    assert_eq!(
        try_login(&server, "prof", "correct horse battery", "10.0.0.2")
            .await
            .status(),
        429
    );
    // Others are not affected.
    assert_eq!(
        try_login(&server, "other", "correct horse battery", "10.0.0.3")
            .await
            .status(),
        200
    );

    // Failures spread over addresses still lock the account.
    for i in 0..5 {
        try_login(&server, "other", "guess", &format!("10.1.0.{i}")).await;
    }
    assert_eq!(
        try_login(&server, "other", "correct horse battery", "10.2.0.1")
            .await
            .status(),
        429
    );

    let admin_token = {
        add_account(&db, "root", ServerRole::Admin).await;
        let r = try_login(&server, "root", "correct horse battery", "10.9.9.9").await;
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (status, audit) = get(&server, &admin_token, "/api/v1/audit?action=login.failed").await;
    assert_eq!(status, 200);
    assert_eq!(audit.as_array().unwrap().len(), 10);
    let (_, limited) = get(&server, &admin_token, "/api/v1/audit?action=login.limited").await;
    assert_eq!(limited.as_array().unwrap().len(), 4);
    server.stop().await;
    db.drop_now().await;
}

#[tokio::test]
async fn tokens_identify_the_caller_until_logout() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    add_account(&db, "prof", ServerRole::Teacher).await;
    let l = login(&server, "prof", Some("station-a")).await;
    assert_eq!(l.role, ServerRole::Teacher);
    let (status, me) = get(&server, &l.token, "/api/v1/me").await;
    assert_eq!((status, me["login"].as_str()), (200, Some("prof")));
    assert_eq!(get(&server, "not-a-token", "/api/v1/me").await.0, 401);
    let r = reqwest::Client::new()
        .get(server.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        post(&server, &l.token, "/api/v1/logout", json!({})).await.0,
        204
    );
    let (status, err) = get(&server, &l.token, "/api/v1/me").await;
    assert_eq!((status, err["code"].as_str()), (401, Some("unauthorized")));
    // The token is stored hashed only.
    let stored: i64 = db
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM access_token WHERE token_hash = $1",
            &[&l.token],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored, 0);
    server.stop().await;
    db.drop_now().await;
}

#[tokio::test]
async fn an_account_disabled_in_the_database_loses_its_token_within_the_trust_period() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    add_account(&db, "prof", ServerRole::Teacher).await;
    let l = login(&server, "prof", Some("station-a")).await;
    assert_eq!(get(&server, &l.token, "/api/v1/me").await.0, 200);
    db.client()
        .await
        .execute(
            "UPDATE account SET disabled = TRUE WHERE login = 'prof'",
            &[],
        )
        .await
        .unwrap();
    tokio::time::sleep(korrigo_server::auth::CALLER_TTL + std::time::Duration::from_millis(200))
        .await;
    let (status, err) = get(&server, &l.token, "/api/v1/me").await;
    assert_eq!((status, err["code"].as_str()), (401, Some("unauthorized")));
    server.stop().await;
    db.drop_now().await;
}

#[tokio::test]
async fn each_role_reaches_only_what_it_may() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    for (login, role) in [
        ("root", ServerRole::Admin),
        ("prof", ServerRole::Teacher),
        ("scan", ServerRole::Operator),
        ("eleve", ServerRole::Student),
    ] {
        add_account(&db, login, role).await;
    }
    let admin = login(&server, "root", Some("st-admin")).await.token;
    let teacher = login(&server, "prof", Some("st-prof")).await.token;
    let operator = login(&server, "scan", Some("st-scan")).await.token;
    let student = login(&server, "eleve", None).await.token;

    let new = json!({ "login": "new", "password": "long enough pw", "role": "teacher" });
    assert_eq!(
        post(&server, &teacher, "/api/v1/accounts", new.clone())
            .await
            .0,
        403
    );
    assert_eq!(
        post(&server, &operator, "/api/v1/accounts", new.clone())
            .await
            .0,
        403
    );
    assert_eq!(
        post(&server, &student, "/api/v1/accounts", new.clone())
            .await
            .0,
        403
    );
    assert_eq!(
        post(&server, &admin, "/api/v1/accounts", new.clone())
            .await
            .0,
        201
    );
    assert_eq!(post(&server, &admin, "/api/v1/accounts", new).await.0, 409);
    assert_eq!(get(&server, &teacher, "/api/v1/audit").await.0, 403);

    // Students neither push nor pull.
    assert_eq!(push(&server, &student, "st-x", None, vec![]).await.0, 403);
    assert_eq!(
        get(&server, &student, "/api/v1/sync/pull?since=0").await.0,
        403
    );
    // A token pushes only for its own station.
    assert_eq!(
        push(&server, &teacher, "st-admin", None, vec![]).await.0,
        403
    );

    // The admin sets up a class; the operator may import but not grade.
    upload_scan(&server, &operator).await;
    let (s, r) = push(
        &server,
        &admin,
        "st-admin",
        None,
        vec![class::exam_create(1, "e1")],
    )
    .await;
    assert_eq!(
        (s, r["outcomes"][0]["status"].as_str()),
        (200, Some("applied")),
        "{r}"
    );
    let (_, r) = push(
        &server,
        &operator,
        "st-scan",
        None,
        vec![class::import(1, "e1", &["c1"])],
    )
    .await;
    assert_eq!(r["outcomes"][0]["status"], "applied", "{r}");
    let (_, r) = push(
        &server,
        &operator,
        "st-scan",
        None,
        vec![
            class::lease("lease.take", 2, "c1", "scan", "st-scan", 1),
            class::score(3, "c1", "q1", 2.0, 1, None),
        ],
    )
    .await;
    assert_eq!(r["outcomes"][0]["status"], "rejected", "{r}");
    assert_eq!(r["outcomes"][0]["code"], "unauthorized");
    assert_eq!(r["outcomes"][1]["status"], "rejected");
    // A teacher may not force-release; an admin may, and it is audited.
    let (_, r) = push(
        &server,
        &teacher,
        "st-prof",
        None,
        vec![class::lease("lease.take", 1, "c1", "prof", "st-prof", 7)],
    )
    .await;
    assert_eq!(r["outcomes"][0]["status"], "applied", "{r}");
    assert_eq!(
        post(
            &server,
            &teacher,
            "/api/v1/leases/c1/force-release",
            json!({})
        )
        .await
        .0,
        403
    );
    assert_eq!(
        post(
            &server,
            &admin,
            "/api/v1/leases/c1/force-release",
            json!({ "reason": "absent" })
        )
        .await
        .0,
        200
    );
    let (_, audit) = get(&server, &admin, "/api/v1/audit?action=lease.force_release").await;
    assert_eq!(audit[0]["detail"]["holder"], "prof");
    assert_eq!(audit[0]["detail"]["reason"], "absent");
    // Releasing results is the admin's, and audited.
    assert_eq!(
        post(&server, &teacher, "/api/v1/exams/e1/release", json!({}))
            .await
            .0,
        403
    );
    assert_eq!(
        post(&server, &admin, "/api/v1/exams/e1/release", json!({}))
            .await
            .0,
        200
    );
    assert_eq!(
        get(&server, &admin, "/api/v1/audit?action=exam.release")
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    server.stop().await;
    db.drop_now().await;
}

#[tokio::test]
async fn scans_upload_in_resumable_chunks_and_are_verified() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    add_account(&db, "scan", ServerRole::Operator).await;
    let token = login(&server, "scan", Some("st")).await.token;
    let sha = class::scan_sha();
    let total = class::SCAN.len();
    let http = reqwest::Client::new();
    let put = |offset: usize, body: &[u8], sha: &str| {
        http.put(server.url(&format!(
            "/api/v1/media/{sha}?offset={offset}&total={total}"
        )))
        .bearer_auth(&token)
        .body(body.to_vec())
        .send()
    };
    let r = put(0, &class::SCAN[..10], &sha).await.unwrap();
    assert_eq!(r.status(), 200);
    // A chunk at the wrong offset is refused with where to resume.
    let r = put(5, &class::SCAN[5..20], &sha).await.unwrap();
    assert_eq!(r.status(), 409);
    let status: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, json!({ "received": 10, "complete": false }));
    assert_eq!(
        get(&server, &token, &format!("/api/v1/media/{sha}"))
            .await
            .0,
        404
    );
    let r = put(10, &class::SCAN[10..], &sha).await.unwrap();
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap(),
        json!({ "received": total, "complete": true })
    );
    let bytes = http
        .get(server.url(&format!("/api/v1/media/{sha}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], class::SCAN);

    // Bytes that do not hash to their name are dropped whole.
    let fake = "0".repeat(64);
    let r = put(0, class::SCAN, &fake).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["code"],
        "corrupt_input"
    );
    let (_, status) = get(&server, &token, &format!("/api/v1/media/{fake}/status")).await;
    assert_eq!(status, json!({ "received": 0, "complete": false }));
    assert_eq!(
        get(&server, &token, "/api/v1/media/nothex/status").await.0,
        400
    );
    server.stop().await;
    db.drop_now().await;
}

#[tokio::test]
async fn a_database_newer_than_the_server_is_refused() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    start(config(&db, dir.path())).await.stop().await;
    db.client()
        .await
        .execute(
            "INSERT INTO schema_version (version, name) VALUES (999, '0999_future.sql')",
            &[],
        )
        .await
        .unwrap();
    let err = korrigo_server::Server::prepare(config(&db, dir.path()))
        .await
        .unwrap_err();
    let expected = format!(
        "version 999, newer than this server's {}",
        korrigo_server::db::latest_version()
    );
    assert!(err.contains(&expected), "{err}");
    db.drop_now().await;
}

/// The schema the migrations build, as text: every schema change shows up as a diff of
/// `tests/snapshots/server_schema.txt` (regenerate with `UPDATE_SNAPSHOTS=1`).
#[tokio::test]
async fn schema_matches_the_snapshot() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    start(config(&db, dir.path())).await.stop().await;
    let client = db.client().await;
    let mut actual = format!(
        "-- schema version {}\n",
        korrigo_server::db::latest_version()
    );
    let parts = [
        "SELECT table_name || '.' || column_name || ' ' || data_type \
           || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END \
           || COALESCE(' DEFAULT ' || column_default, '') \
         FROM information_schema.columns WHERE table_schema = 'public' \
         ORDER BY table_name, ordinal_position",
        "SELECT conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1",
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
        "SELECT pg_get_functiondef(oid) FROM pg_proc \
         WHERE pronamespace = 'public'::regnamespace ORDER BY proname",
    ];
    for sql in parts {
        actual.push('\n');
        for row in client.query(sql, &[]).await.unwrap() {
            actual.push_str(row.get::<_, String>(0).trim_end());
            actual.push('\n');
        }
    }
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/server_schema.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "the schema changed: review it and rerun with UPDATE_SNAPSHOTS=1"
    );
    db.drop_now().await;
}
