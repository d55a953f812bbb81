//! Stations pushing at the same time against a real PostgreSQL: runs of different copies
//! go on side by side, yet two stations racing for one copy never both get it, and a
//! station pulling while others push ends with every change, none skipped.

mod common;

use common::*;
use korrigo_core::sync::ServerRole;
use std::collections::HashMap;

struct Class {
    db: TestDb,
    _dir: tempfile::TempDir,
    server: Running,
    admin: String,
    teachers: Vec<(String, String, String)>,
}

/// An exam with `copies` copies, and `stations` teachers each on a station of their own.
async fn class(copies: &[String], stations: usize) -> Class {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(&db, dir.path())).await;
    add_account(&db, "root", ServerRole::Admin).await;
    let admin = login(&server, "root", Some("st-admin")).await.token;
    let refs: Vec<&str> = copies.iter().map(String::as_str).collect();
    set_up_exam(&server, &admin, &refs).await;
    let mut teachers = Vec::new();
    for i in 0..stations {
        let user = format!("t{i}");
        let station = format!("st-{i}");
        add_account(&db, &user, ServerRole::Teacher).await;
        let token = login(&server, &user, Some(&station)).await.token;
        teachers.push((user, station, token));
    }
    Class {
        db,
        _dir: dir,
        server,
        admin,
        teachers,
    }
}

fn names(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}{i}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stations_racing_for_the_same_copies_get_each_lease_once() {
    const STATIONS: usize = 6;
    let copies = names("c", 12);
    let c = class(&copies, STATIONS).await;
    let mut winners: HashMap<String, usize> = HashMap::new();
    for (seq, copy) in (1..).zip(&copies) {
        let start = std::sync::Arc::new(tokio::sync::Barrier::new(STATIONS));
        let mut tasks = Vec::new();
        for (user, station, token) in c.teachers.clone() {
            let (url, copy, start) = (c.server.url(""), copy.clone(), start.clone());
            tasks.push(tokio::spawn(async move {
                let m = class::lease("lease.take", seq, &copy, &user, &station, 1);
                start.wait().await;
                let (_, r) = push(&url, &token, &station, None, vec![m]).await;
                r["outcomes"][0]["status"] == "applied"
            }));
        }
        for t in tasks {
            if t.await.unwrap() {
                *winners.entry(copy.clone()).or_default() += 1;
            }
        }
    }
    for copy in &copies {
        assert_eq!(
            winners.get(copy).copied().unwrap_or(0),
            1,
            "copy {copy} was taken by exactly one station"
        );
    }
    c.server.stop().await;
    c.db.drop_now().await;
}

/// Pulls everything after `since` until the server has nothing more, keeping the last
/// version seen of each entity. Versions must come in increasing order.
async fn pull_all(
    server: &Running,
    token: &str,
    since: &mut i64,
    seen: &mut HashMap<(String, String), i64>,
) {
    loop {
        let (_, page) = get(
            server,
            token,
            &format!("/api/v1/sync/pull?since={since}&limit=50"),
        )
        .await;
        for e in page["entities"].as_array().unwrap() {
            let v = e["version"].as_i64().unwrap();
            assert!(v > *since, "version {v} came after the cursor passed it");
            *since = v;
            seen.insert(
                (
                    e["kind"].as_str().unwrap().into(),
                    e["key"].as_str().unwrap().into(),
                ),
                v,
            );
        }
        *since = page["next"].as_i64().unwrap();
        if page["more"] == false {
            break;
        }
    }
}

#[tokio::test]
async fn a_station_pulling_while_others_push_misses_no_change() {
    const EACH: usize = 12;
    let copies = names("c", 4 * EACH);
    let c = class(&copies, 4).await;
    let mut tasks = Vec::new();
    for (i, (user, station, token)) in c.teachers.clone().into_iter().enumerate() {
        let mine = copies[i * EACH..(i + 1) * EACH].to_vec();
        let url = c.server.url("");
        tasks.push(tokio::spawn(async move {
            let mut seq = 1;
            for copy in &mine {
                let take = class::lease("lease.take", seq, copy, &user, &station, 1);
                let score = class::score(seq + 1, copy, "q1", 1.0, 1, None);
                seq += 2;
                let (_, r) = push(&url, &token, &station, None, vec![take, score]).await;
                assert_eq!(r["outcomes"][1]["status"], "applied", "{r}");
            }
        }));
    }
    let mut since = 0;
    let mut seen = HashMap::new();
    while !tasks.iter().all(|t| t.is_finished()) {
        pull_all(&c.server, &c.admin, &mut since, &mut seen).await;
    }
    for t in tasks {
        t.await.unwrap();
    }
    pull_all(&c.server, &c.admin, &mut since, &mut seen).await;
    let rows =
        c.db.client()
            .await
            .query("SELECT kind, key, version FROM entity", &[])
            .await
            .unwrap();
    assert_eq!(rows.len(), seen.len(), "every entity reached the station");
    for r in rows {
        let key: (String, String) = (r.get(0), r.get(1));
        let version: i64 = r.get(2);
        assert_eq!(
            seen.get(&key),
            Some(&version),
            "{key:?}: the station holds its last version"
        );
    }
    let scores =
        c.db.client()
            .await
            .query_one("SELECT count(*) FROM entity WHERE kind = 'score'", &[])
            .await
            .unwrap()
            .get::<_, i64>(0);
    assert_eq!(scores, copies.len() as i64);
    c.server.stop().await;
    c.db.drop_now().await;
}
