//! A real PostgreSQL database per test (created fresh, dropped at the end) and a real
//! server on a loopback port. `KORRIGO_TEST_PG` names the PostgreSQL to use; `make test`
//! starts one.

#![allow(dead_code)]

use korrigo_core::sync::{LoginResponse, ServerRole};
use korrigo_server::{Config, Server};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::path::PathBuf;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub fn admin_url() -> String {
    std::env::var("KORRIGO_TEST_PG").unwrap_or_else(|_| {
        "host=127.0.0.1 port=5432 user=postgres password=postgres dbname=postgres".into()
    })
}

/// A fresh database, dropped with the value.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

async fn admin() -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(&admin_url(), tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is needed for the server's tests (KORRIGO_TEST_PG = '{}'): {e}",
                admin_url()
            )
        });
    tokio::spawn(conn);
    client
}

impl TestDb {
    pub async fn new() -> TestDb {
        let name = format!("korrigo_t_{}", uuid::Uuid::now_v7().simple());
        admin()
            .await
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        let url = format!(
            "{} dbname={name}",
            admin_url().replace("dbname=postgres", "")
        );
        TestDb { name, url }
    }

    /// Closes the database to new connections and ends the open ones.
    pub async fn cut(&self) {
        let a = admin().await;
        a.batch_execute(&format!(
            "ALTER DATABASE {} ALLOW_CONNECTIONS false",
            self.name
        ))
        .await
        .unwrap();
        a.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            &[&self.name],
        )
        .await
        .unwrap();
    }

    pub async fn reopen(&self) {
        admin()
            .await
            .batch_execute(&format!(
                "ALTER DATABASE {} ALLOW_CONNECTIONS true",
                self.name
            ))
            .await
            .unwrap();
    }

    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
    }

    pub async fn drop_now(self) {
        let a = admin().await;
        let _ = a
            .batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await;
    }
}

pub struct Running {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), String>>>,
}

/// A server the helpers below can talk to: in this process or in its own.
pub trait Endpoint {
    fn url(&self, path: &str) -> String;
}

impl Endpoint for Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A server's base address, for tasks that outlive the borrow of its `Running`.
impl Endpoint for String {
    fn url(&self, path: &str) -> String {
        format!("{self}{path}")
    }
}

impl Running {
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
    /// Ends the server at once, as a crash would (open requests are dropped).
    pub fn kill(mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

pub fn config(db: &TestDb, data_dir: &std::path::Path) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: db.url.clone(),
        data_dir: data_dir.to_path_buf(),
        metrics_token: Some("metrics-secret".into()),
        tls: None,
        token_days: 30,
        pool_size: 8,
        trust_forwarded_for: true,
    }
}

pub async fn start(config: Config) -> Running {
    let data_dir = config.data_dir.clone();
    let server = Server::prepare(config).await.expect("the server starts");
    let addr = server.local_addr();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async move {
        let _ = rx.await;
    }));
    Running {
        addr,
        data_dir,
        stop: Some(tx),
        task: Some(task),
    }
}

pub async fn add_account(db: &TestDb, login: &str, role: ServerRole) {
    let client = db.client().await;
    korrigo_server::accounts::create(&client, login, "correct horse battery", role, None)
        .await
        .expect("account created");
}

pub async fn login(server: &impl Endpoint, login: &str, station: Option<&str>) -> LoginResponse {
    let r = reqwest::Client::new()
        .post(server.url("/api/v1/login"))
        .json(
            &json!({ "login": login, "password": "correct horse battery", "station_id": station }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "login of {login}: {}",
        r.text().await.unwrap()
    );
    r.json().await.unwrap()
}

pub async fn post(server: &impl Endpoint, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn get(server: &impl Endpoint, token: &str, path: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Mutations as a station's outbox would send them, for a small class.
pub mod class {
    use korrigo_core::grading::bareme::Bareme;
    use korrigo_core::model::{CopyStatus, Half};
    use korrigo_core::store::Exam;
    use korrigo_core::sync::{
        CopyState, ExamState, Mutation, PageState, SourceRef, StructureState,
    };
    use serde_json::json;
    use sha2::{Digest, Sha256};

    pub const SCAN: &[u8] = b"%PDF-1.4 a scanned class, as bytes the server stores and serves back";

    pub fn scan_sha() -> String {
        hex::encode(Sha256::digest(SCAN))
    }

    pub fn mutation(seq: i64, name: &str, target: &str, args: serde_json::Value) -> Mutation {
        Mutation {
            seq,
            id: uuid::Uuid::now_v7().to_string(),
            name: name.into(),
            target: target.into(),
            args,
            base_version: None,
            lease_token: None,
            state: None,
        }
    }

    pub fn exam_state(exam_id: &str) -> ExamState {
        ExamState {
            exam: Exam {
                id: exam_id.into(),
                name: "Contrôle 3".into(),
                date: Some("2026-11-20".into()),
                subject: Some("Maths".into()),
                pages_per_copy: 4,
                created_at: "2026-11-20T08:00:00Z".into(),
                anonymous: false,
            },
            bareme: Some(
                Bareme::from_json(
                    r#"{"nodes": [{"id": "q1", "label": "1.", "max": 4}, {"id": "q2", "label": "2.", "max": 6}]}"#,
                    "test",
                )
                .unwrap(),
            ),
            bareme_version: 1,
        }
    }

    pub fn exam_create(seq: i64, exam_id: &str) -> Mutation {
        let mut m = mutation(seq, "exam.create", exam_id, json!({ "id": exam_id }));
        m.state = Some(json!(StructureState {
            exam: Some(exam_state(exam_id)),
            ..Default::default()
        }));
        m
    }

    pub fn copy_state(exam_id: &str, copy_id: &str, seq: u32) -> CopyState {
        CopyState {
            id: copy_id.into(),
            exam_id: exam_id.into(),
            seq,
            status: CopyStatus::Ready,
            flags: vec![],
            student_id: None,
            identified_by: None,
            confidence: None,
            unknown_writer: false,
            corrector: None,
            graded_at: None,
            graded_by: None,
            pages: (1..=2)
                .map(|n| PageState {
                    id: format!("{copy_id}-p{n}"),
                    number: n,
                    source: SourceRef {
                        sha256: scan_sha(),
                        file_name: "classe.pdf".into(),
                        pages: 4,
                    },
                    source_index: (seq - 1) * 2 + n - 1,
                    half: Half::Full,
                    rotation: 0,
                })
                .collect(),
        }
    }

    pub fn import(seq: i64, exam_id: &str, copies: &[&str]) -> Mutation {
        let mut m = mutation(
            seq,
            "import",
            exam_id,
            json!({ "exam_id": exam_id, "copies": copies }),
        );
        m.state = Some(json!(StructureState {
            copies: copies
                .iter()
                .enumerate()
                .map(|(i, c)| copy_state(exam_id, c, i as u32 + 1))
                .collect(),
            ..Default::default()
        }));
        m
    }

    pub fn lease(
        name: &str,
        seq: i64,
        copy_id: &str,
        user: &str,
        station: &str,
        token: i64,
    ) -> Mutation {
        let now = time::OffsetDateTime::now_utc();
        let mut m = mutation(
            seq,
            name,
            copy_id,
            json!({
                "copy_id": copy_id,
                "holder": { "user": user, "station": station },
                "token": token,
                "granted_at": korrigo_core::store::format_time(now),
                "expires_at": korrigo_core::store::format_time(now + time::Duration::minutes(30)),
                "state": "active",
            }),
        );
        m.lease_token = Some(token);
        m
    }

    pub fn score(
        seq: i64,
        copy_id: &str,
        node: &str,
        points: f64,
        token: i64,
        base: Option<i64>,
    ) -> Mutation {
        let mut m = mutation(
            seq,
            "score.set",
            copy_id,
            json!({ "copy_id": copy_id, "node_id": node, "points": points, "remark": null }),
        );
        m.lease_token = Some(token);
        m.base_version = base;
        m
    }
}

/// Uploads the class's scan in two chunks.
pub async fn upload_scan(server: &impl Endpoint, token: &str) {
    assert_eq!(
        upload_pdf(server, token, class::SCAN).await,
        class::scan_sha()
    );
}

/// Uploads `bytes` as one PDF in two chunks; returns its sha256.
pub async fn upload_pdf(server: &impl Endpoint, token: &str, bytes: &[u8]) -> String {
    let sha = sha_of(bytes);
    let total = bytes.len();
    let half = total / 2;
    for (offset, chunk) in [(0, &bytes[..half]), (half, &bytes[half..])] {
        let r = reqwest::Client::new()
            .put(server.url(&format!(
                "/api/v1/media/{sha}?offset={offset}&total={total}"
            )))
            .bearer_auth(token)
            .body(chunk.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    }
    sha
}

pub fn sha_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Uploads the class's scan and pushes, from the admin's station, exam `e1` with
/// `copies` imported into it.
pub async fn set_up_exam(server: &impl Endpoint, admin: &str, copies: &[&str]) {
    upload_scan(server, admin).await;
    let (_, r) = push(
        server,
        admin,
        "st-admin",
        None,
        vec![class::exam_create(1, "e1"), class::import(2, "e1", copies)],
    )
    .await;
    let outcomes = r["outcomes"].as_array().cloned().unwrap_or_default();
    assert!(
        outcomes.len() == 2 && outcomes.iter().all(|o| o["status"] == "applied"),
        "{r}"
    );
}

pub async fn push(
    server: &impl Endpoint,
    token: &str,
    station: &str,
    epoch: Option<&str>,
    mutations: Vec<korrigo_core::sync::Mutation>,
) -> (u16, Value) {
    post(
        server,
        token,
        "/api/v1/sync/push",
        json!({
            "protocol": korrigo_core::sync::PROTOCOL_VERSION,
            "station_id": station,
            "server_epoch": epoch,
            "mutations": mutations,
        }),
    )
    .await
}
