//! Real stations syncing through a real server: the server runs in this process on its
//! own tokio runtime, against a fresh PostgreSQL database (`KORRIGO_TEST_PG`, as for
//! the server's tests; `make unit` starts one); each station is a `Store` in its own
//! temp data directory, signed in as its own account, driven by blocking calls from
//! the test thread. Scans come from the fixture generator and are imported for real.

#![allow(dead_code)]

use korrigo_core::grading::{Bareme, Points};
use korrigo_core::media::MediaStore;
use korrigo_core::store::{NewExam, NewStudent, Store, Writer};
use korrigo_core::sync::{LoginResponse, ServerRole};
use korrigo_core::{Error, ErrorCode};
use korrigo_fixtures::{BatchSpec, CopySpec, Encoding, Mode};
use korrigo_station::import::{import, ImportRequest};
use korrigo_sync::{Client, InMemoryTokensForTests, Profile, SyncReport, TokenStore};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::OnceLock;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const PASSWORD: &str = "correct horse battery";

pub fn pg_admin_url() -> String {
    std::env::var("KORRIGO_TEST_PG").unwrap_or_else(|_| {
        "host=127.0.0.1 port=5432 user=postgres password=postgres dbname=postgres".into()
    })
}

fn db_url(name: &str) -> String {
    format!(
        "{} dbname={name}",
        pg_admin_url().replace("dbname=postgres", "")
    )
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is needed for the sync tests (KORRIGO_TEST_PG = '{}'): {e}",
                pg_admin_url()
            )
        });
    tokio::spawn(conn);
    client
}

/// A running server: what stops it, and its task.
type Serving = (oneshot::Sender<()>, JoinHandle<Result<(), String>>);

/// The server, in this process, on a fresh database; stopped and its databases dropped
/// with the value.
pub struct Server {
    rt: Runtime,
    /// The database the server runs on now.
    pub db: String,
    /// Every database this test made (dropped at the end).
    dbs: Vec<String>,
    pub data_dir: tempfile::TempDir,
    addr: Option<SocketAddr>,
    running: Option<Serving>,
    /// While stopped, its port stays bound (refusing connections) so that nobody else
    /// takes it before it resumes.
    held: Option<tokio::net::TcpSocket>,
}

impl Server {
    pub fn start() -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let db = format!(
            "korrigo_sync_{:016x}{:08x}",
            rand::random::<u64>(),
            std::process::id()
        );
        rt.block_on(async {
            connect(&pg_admin_url())
                .await
                .batch_execute(&format!("CREATE DATABASE {db}"))
                .await
                .expect("create the test database");
        });
        let mut server = Server {
            rt,
            db: db.clone(),
            dbs: vec![db],
            data_dir: tempfile::tempdir().unwrap(),
            addr: None,
            running: None,
            held: None,
        };
        server.resume();
        server
    }

    /// The server's address (the same across restarts).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr.expect("the server was started"))
    }

    /// Starts serving again on the same address, data directory and database.
    pub fn resume(&mut self) {
        assert!(self.running.is_none(), "the server is running already");
        drop(self.held.take());
        // As a configuration file would give it: every other setting at its default.
        let config: korrigo_server::Config = serde_json::from_value(serde_json::json!({
            "listen": self.addr.map_or("127.0.0.1:0".to_string(), |a| a.to_string()),
            "database_url": db_url(&self.db),
            "data_dir": self.data_dir.path(),
            "pool_size": 8,
        }))
        .expect("a server configuration");
        let (tx, rx) = oneshot::channel::<()>();
        let (addr, task) = self.rt.block_on(async {
            let server = korrigo_server::Server::prepare(config)
                .await
                .expect("the server starts");
            let addr = server.local_addr();
            let task = tokio::spawn(server.run(async move {
                let _ = rx.await;
            }));
            (addr, task)
        });
        self.addr = Some(addr);
        self.running = Some((tx, task));
    }

    /// Stops the server (the stations' next requests find nobody listening).
    pub fn stop(&mut self) {
        if let Some((tx, task)) = self.running.take() {
            let _ = tx.send(());
            let _ = self.rt.block_on(task);
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.set_reuseaddr(true).unwrap();
            if socket.bind(self.addr.expect("it ran")).is_ok() {
                self.held = Some(socket);
            }
        }
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    /// The server's database, as the SQL admin sees it.
    pub fn sql<T>(&self, f: impl AsyncFnOnce(&tokio_postgres::Client) -> T) -> T {
        self.rt.block_on(async {
            let client = connect(&db_url(&self.db)).await;
            f(&client).await
        })
    }

    pub fn count(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        self.sql(async move |c| c.query_one(&sql, &[]).await.unwrap().get::<_, i64>(0))
    }

    pub fn add_account(&self, login: &str, role: ServerRole) {
        let login = login.to_string();
        self.sql(async move |c| {
            korrigo_server::accounts::create(c, &login, PASSWORD, role, None)
                .await
                .expect("account created")
        });
    }

    /// A copy of the stopped server's database, as a backup would be.
    pub fn backup(&mut self) -> String {
        assert!(self.running.is_none(), "stop the server before the backup");
        let name = format!("{}_b{}", self.db, self.dbs.len());
        let source = self.db.clone();
        let target = name.clone();
        self.rt.block_on(async move {
            let admin = connect(&pg_admin_url()).await;
            // Connections of the stopped server's pool may still be closing.
            admin
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    &[&source],
                )
                .await
                .unwrap();
            let mut last = None;
            for _ in 0..50 {
                match admin
                    .batch_execute(&format!("CREATE DATABASE {target} TEMPLATE {source}"))
                    .await
                {
                    Ok(()) => return,
                    Err(e) => last = Some(e),
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            panic!("cannot copy the database: {last:?}");
        });
        self.dbs.push(name.clone());
        name
    }

    /// Points the (stopped) server at another database, kept in the same data directory.
    pub fn use_database(&mut self, name: &str) {
        assert!(self.running.is_none(), "stop the server first");
        self.db = name.to_string();
    }

    /// The score entities of an exam on the server: `(copy, node) -> (points, version,
    /// station)`.
    pub fn scores(&self, exam_id: &str) -> BTreeMap<(String, String), (Option<f64>, i64, String)> {
        let exam = exam_id.to_string();
        self.sql(async move |c| {
            c.query(
                "SELECT body->>'copy_id', body->>'node_id', (body->>'points')::float8, version, \
                 COALESCE(station_id, '') FROM entity WHERE kind = 'score' AND exam_id = $1 AND NOT deleted",
                &[&exam],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| ((r.get(0), r.get(1)), (r.get(2), r.get(3), r.get(4))))
            .collect()
        })
    }

    /// Signs in without a station (a web session), e.g. for the admin's endpoints.
    pub fn web_login(&self, login: &str) -> String {
        korrigo_sync::login(&self.url(), login, PASSWORD, None)
            .unwrap()
            .token
    }

    /// The admin's force-release of a copy's lease, on the server itself.
    pub fn force_release(&self, admin_token: &str, copy_id: &str) {
        let response = reqwest::blocking::Client::new()
            .post(format!(
                "{}/api/v1/leases/{copy_id}/force-release",
                self.url()
            ))
            .bearer_auth(admin_token)
            .json(&serde_json::json!({ "reason": "the teacher is away" }))
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().unwrap());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
        let dbs = std::mem::take(&mut self.dbs);
        self.rt.block_on(async move {
            let admin = connect(&pg_admin_url()).await;
            for db in dbs {
                let _ = admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                    .await;
            }
        });
    }
}

/// A loopback port bound but never listened on: connecting to it is refused, and no
/// other test's server can take it while the socket is held. The station's view of a
/// network that does not reach the server.
fn unreachable() -> (tokio::net::TcpSocket, String) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let url = format!("http://{}", socket.local_addr().unwrap());
    (socket, url)
}

/// A station: its own data directory, store and station id, signed in to the server as
/// `login` (the station's user has the same name).
pub struct Station {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub login: String,
    pub role: ServerRole,
    pub token: String,
    client: Client,
    offline: Option<(tokio::net::TcpSocket, Client)>,
}

impl Station {
    pub fn new(server: &Server, login: &str) -> Station {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_as(&dir.path().join("data"), Some(login)).unwrap();
        let profile = Profile {
            name: "default".into(),
            server_url: server.url(),
            data_dir: dir.path().join("data"),
        };
        let answer: LoginResponse = korrigo_sync::login(
            &profile.server_url,
            login,
            PASSWORD,
            Some(store.station_id()),
        )
        .unwrap_or_else(|e| panic!("login of {login}: {}", e.message));
        let tokens = InMemoryTokensForTests::default();
        tokens.set(&profile, &answer.token).unwrap();
        let token = tokens.get(&profile).unwrap().expect("the token was kept");
        Station {
            dir,
            store,
            login: login.to_string(),
            role: answer.role,
            client: Client::new(&profile.server_url, token.clone()).unwrap(),
            token,
            offline: None,
        }
    }

    pub fn id(&self) -> String {
        self.store.station_id().to_string()
    }

    /// From now on the station's requests reach nobody, until `online`.
    pub fn offline(&mut self) {
        let (socket, url) = unreachable();
        self.offline = Some((socket, Client::new(&url, "unused").unwrap()));
    }

    pub fn online(&mut self) {
        self.offline = None;
    }

    pub fn is_online(&self) -> bool {
        self.offline.is_none()
    }

    pub fn try_sync(&mut self) -> korrigo_core::Result<SyncReport> {
        let client = self.offline.as_ref().map_or(&self.client, |o| &o.1);
        korrigo_sync::sync_once(&mut self.store, client)
    }

    /// One sync that must go through, with nothing left pending.
    pub fn sync(&mut self) -> SyncReport {
        let report = self
            .try_sync()
            .unwrap_or_else(|e| panic!("sync of {}: {:?}: {}", self.login, e.code, e.message));
        assert_eq!(
            self.pending(),
            0,
            "{} still has changes pending",
            self.login
        );
        report
    }

    /// A sync that must fail because the server cannot be reached.
    pub fn sync_offline(&mut self) -> Error {
        let err = self.try_sync().expect_err("a sync without a server");
        assert_eq!(err.code, ErrorCode::Offline, "{}", err.message);
        err
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn pending(&self) -> usize {
        self.store.sync_status().unwrap().pending
    }

    /// A lease on the copy for `minutes`, its token.
    pub fn lease(&mut self, copy_id: &str, minutes: i64) -> Option<i64> {
        Some(
            self.store
                .take_lease(copy_id, time::Duration::minutes(minutes))
                .unwrap_or_else(|e| panic!("{} takes {copy_id}: {}", self.login, e.message))
                .token,
        )
    }

    /// A lease that ran out already (taken with the station's clock an hour back).
    pub fn lapsed_lease(&mut self, copy_id: &str) -> Option<i64> {
        self.store.set_clock(Some(
            time::OffsetDateTime::now_utc() - time::Duration::hours(1),
        ));
        let token = self.lease(copy_id, 1);
        self.store.set_clock(None);
        token
    }

    pub fn set(&mut self, copy_id: &str, token: Option<i64>, node: &str, points: f64) {
        self.store
            .set_points(copy_id, token, node, Some(pts(points)))
            .unwrap_or_else(|e| panic!("{} scores {copy_id}/{node}: {}", self.login, e.message));
    }

    /// The station's own score rows: `(copy, node) -> points`.
    pub fn scores(&self, copies: &[String]) -> BTreeMap<(String, String), Option<f64>> {
        let mut out = BTreeMap::new();
        let conn = self.store.connection();
        let mut stmt = conn
            .prepare("SELECT node_id, quarters FROM score WHERE copy_id = ?1")
            .unwrap();
        for c in copies {
            let rows = stmt
                .query_map([c], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?))
                })
                .unwrap();
            for row in rows {
                let (node, q) = row.unwrap();
                out.insert((c.clone(), node), q.map(|q| q as f64 / 4.0));
            }
        }
        out
    }

    pub fn score(&self, copy_id: &str, node: &str) -> Option<f64> {
        self.scores(&[copy_id.to_string()])
            .get(&(copy_id.to_string(), node.to_string()))
            .copied()
            .flatten()
    }

    pub fn sql_i64(&self, sql: &str) -> i64 {
        self.store
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }
}

pub fn pts(v: f64) -> Points {
    Points::from_number(v, "points").unwrap()
}

/// The server's scores without their versions, to compare with a station's.
pub fn points_of(
    server: &BTreeMap<(String, String), (Option<f64>, i64, String)>,
) -> BTreeMap<(String, String), Option<f64>> {
    server.iter().map(|(k, v)| (k.clone(), v.0)).collect()
}

pub const BAREME: &str = r#"{"step": 0.5, "nodes": [
  {"id": "ex1", "label": "Exercice 1", "children": [
    {"id": "q1", "label": "1.", "max": 4},
    {"id": "q2", "label": "2.", "max": 6}]},
  {"id": "ex2", "label": "Exercice 2", "max": 10}]}"#;

pub const LEAVES: [&str; 3] = ["q1", "q2", "ex2"];

const PUPILS: [(&str, &str); 3] = [("MARTIN", "Élodie"), ("N'DIAYE", "Awa"), ("DUPONT", "Zoé")];

/// A generated batch of `copies` one-sheet copies (A3, JPEG, 60 dpi: small and quick),
/// written once per test process and `seed`.
pub fn batch(seed: u64, copies: usize) -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let dir = DIR.get_or_init(|| tempfile::tempdir().unwrap());
    let path = dir.path().join(format!("batch-{seed}-{copies}.pdf"));
    let _guard = LOCK.lock().unwrap();
    if !path.exists() {
        korrigo_fixtures::write_batch(
            &BatchSpec {
                seed,
                dpi: 60,
                mode: Mode::A3,
                encoding: Encoding::Jpeg { quality: 60 },
                rotate270: false,
                copies: (0..copies).map(|_| CopySpec::plain(1)).collect(),
            },
            &path,
        )
        .unwrap();
    }
    path
}

/// An exam on the admin's station, ready to grade: roster, the imported batch, every
/// copy identified, the barème.
#[derive(Debug, Clone)]
pub struct Class {
    pub exam: String,
    pub copies: Vec<String>,
    pub students: Vec<String>,
    pub scan: PathBuf,
    pub scan_sha: String,
}

pub fn class(admin: &mut Station, name: &str, seed: u64, copies: usize) -> Class {
    assert!(copies <= PUPILS.len());
    let store = &mut admin.store;
    let exam = store
        .create_exam(&NewExam {
            name: name.into(),
            date: Some("2026-11-20".into()),
            subject: Some("Physique-Chimie".into()),
            pages_per_copy: 4,
        })
        .unwrap()
        .id;
    store
        .upsert_students(
            &exam,
            &PUPILS[..copies]
                .iter()
                .map(|(l, f)| NewStudent {
                    last_name: l.to_string(),
                    first_name: f.to_string(),
                    birth_date: Some("2010-05-01".into()),
                    email: None,
                    class: Some("1G2".into()),
                    group: None,
                })
                .collect::<Vec<_>>(),
        )
        .unwrap();
    let scan = batch(seed, copies);
    let summary = import(
        store,
        &ImportRequest {
            exam_id: exam.clone(),
            files: vec![scan.clone()],
            mode: Default::default(),
            force: false,
            read_headers: false,
        },
        &|_, _, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(summary.copies, copies, "{summary:?}");
    let bareme: Bareme = serde_json::from_str(BAREME).unwrap();
    store.set_bareme(&exam, bareme, false).unwrap();
    let students: Vec<String> = store
        .students(&exam)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let ids: Vec<String> = store
        .copies(&exam)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    for (copy, student) in ids.iter().zip(&students) {
        store
            .identify_copy(copy, &Writer::Student(student.clone()), false)
            .unwrap();
    }
    Class {
        exam,
        copies: ids,
        students,
        scan_sha: MediaStore::digest_file(&scan).unwrap(),
        scan,
    }
}

/// Every file of a station's media store is named by its own sha256.
pub fn check_media(store: &Store, sha: &str) {
    let path = store.media().path_of(sha, "pdf");
    assert!(path.exists(), "{} is missing", path.display());
    assert_eq!(MediaStore::digest_file(&path).unwrap(), sha);
}

/// One judged change on the server: `seq -> (mutation id, name, status)`.
pub type Judged = BTreeMap<i64, (String, String, String)>;

impl Server {
    /// What the server recorded of a station's changes.
    pub fn mutation_log(&self, station_id: &str) -> Judged {
        let station = station_id.to_string();
        self.sql(async move |c| {
            c.query(
                "SELECT seq, mutation_id, name, status FROM mutation_log WHERE station_id = $1",
                &[&station],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
            .collect()
        })
    }

    /// The conflicts the server kept: `(mutation id, station id)`.
    pub fn conflicts(&self) -> Vec<(String, String)> {
        self.sql(async move |c| {
            c.query(
                "SELECT body->>'mutation_id', body->>'station_id' FROM entity WHERE kind = 'conflict' \
                 ORDER BY version",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
        })
    }

    /// The highest version stored: any write raises it.
    pub fn highest_version(&self) -> i64 {
        self.count("SELECT COALESCE(MAX(version), 0) FROM entity")
    }
}

impl Station {
    /// The station's outbox as the server's log would have it.
    pub fn outbox(&self) -> Judged {
        let conn = self.store.connection();
        let mut stmt = conn
            .prepare("SELECT seq, mutation_id, name, state FROM outbox ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

/// Every change the station made was judged exactly once by the server, and the station
/// recorded the same verdict: nothing lost, nothing applied twice.
pub fn check_judged_once(server: &Server, station: &Station) {
    let ours = station.outbox();
    let theirs = server.mutation_log(&station.id());
    assert_eq!(
        ours, theirs,
        "{}: the station's outbox and the server's log differ",
        station.login
    );
}

/// Every conflict the server kept is an issue of the station that pushed it, and every
/// station sees it among the server's conflicts.
pub fn check_conflicts_seen(server: &Server, stations: &[&Station]) {
    let kept = server.conflicts();
    for (mutation, pusher) in &kept {
        for st in stations {
            let status = st.store.sync_status().unwrap();
            assert!(
                status.conflicts.iter().any(|c| &c.mutation_id == mutation),
                "{} does not see the conflict of change {mutation}",
                st.login
            );
            if &st.id() == pusher {
                assert!(
                    status
                        .issues
                        .iter()
                        .any(|i| &i.mutation_id == mutation && i.status == "conflict"),
                    "{} does not list its own conflict {mutation}: {:?}",
                    st.login,
                    status.issues
                );
            }
        }
    }
    for st in stations {
        let status = st.store.sync_status().unwrap();
        let kept_here = kept.iter().filter(|k| k.1 == st.id()).count();
        let issues = status
            .issues
            .iter()
            .filter(|i| i.status == "conflict")
            .count();
        assert_eq!(issues, kept_here, "{}: {:?}", st.login, status.issues);
        assert_eq!(status.conflicts.len(), kept.len(), "{}", st.login);
    }
}
