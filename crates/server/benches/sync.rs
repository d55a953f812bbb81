//! Sync throughput on loopback against a real PostgreSQL (`KORRIGO_TEST_PG`), with the
//! `korrigo-server` binary in a process of its own and this one as the load generator:
//! one station pushing 10,000 score changes, then 50 stations at once each pushing and
//! pulling in turns, with the latency of every request. Prints the figures.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/common/process.rs"]
#[allow(dead_code)]
mod process;

use common::*;
use korrigo_core::sync::ServerRole;
use process::spawn_process_with;
use std::time::Instant;

const SCORES: i64 = 10_000;
const STATIONS: usize = 50;
const ROUNDS: usize = 20;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server =
        spawn_process_with(&db, dir.path(), &[("KORRIGO_SERVER_POOL_SIZE", "32")]).await;
    add_account(&db, "root", ServerRole::Admin).await;
    let admin = login(&server, "root", Some("st-admin")).await.token;
    let copies: Vec<String> = (0..=STATIONS).map(|i| format!("c{i}")).collect();
    let refs: Vec<&str> = copies.iter().map(String::as_str).collect();
    set_up_exam(&server, &admin, &refs).await;

    // One station, 10,000 score changes in pushes of 1,000.
    add_account(&db, "prof", ServerRole::Teacher).await;
    let prof = login(&server, "prof", Some("st-prof")).await.token;
    let mut all = vec![class::lease("lease.take", 1, "c0", "prof", "st-prof", 1)];
    for i in 0..SCORES {
        all.push(class::score(
            2 + i,
            "c0",
            if i % 2 == 0 { "q1" } else { "q2" },
            (i % 4) as f64,
            1,
            None,
        ));
    }
    let started = Instant::now();
    for chunk in all.chunks(1000) {
        let (status, r) = push(&server, &prof, "st-prof", None, chunk.to_vec()).await;
        assert_eq!(status, 200, "{r}");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "push: {SCORES} score changes from one station in {secs:.2} s = {:.0} mutations/s (target ≤ 5 s)",
        SCORES as f64 / secs
    );

    // 50 stations at once: each takes its copy, then pushes 5 changes and pulls, 20 times.
    let mut tokens = Vec::new();
    for i in 1..=STATIONS {
        let login_name = format!("t{i}");
        add_account(&db, &login_name, ServerRole::Teacher).await;
        tokens.push(
            login(&server, &login_name, Some(&format!("st-{i}")))
                .await
                .token,
        );
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let server_url = server.url("");
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let station = format!("st-{}", i + 1);
            let copy = format!("c{}", i + 1);
            let mut latencies = Vec::new();
            let mut seq = 1;
            let mut since = 0i64;
            let take = class::lease("lease.take", seq, &copy, &format!("t{}", i + 1), &station, 1);
            seq += 1;
            let mut pending = vec![take];
            for round in 0..ROUNDS {
                for k in 0..5 {
                    pending.push(class::score(seq, &copy, if k % 2 == 0 { "q1" } else { "q2" }, ((round + k) % 4) as f64, 1, None));
                    seq += 1;
                }
                let t = Instant::now();
                let r = http
                    .post(format!("{server_url}/api/v1/sync/push"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "protocol": 1, "station_id": station, "server_epoch": null, "mutations": pending }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                pending = Vec::new();
                let t = Instant::now();
                let page: serde_json::Value = http
                    .get(format!("{server_url}/api/v1/sync/pull?since={since}&limit=500"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                since = page["next"].as_i64().unwrap();
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    latencies.sort_by(f64::total_cmp);
    println!(
        "load: {STATIONS} stations × {ROUNDS} rounds (push 5 + pull) = {} requests in {secs:.2} s; \
         latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (target p99 < 100 ms)",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().unwrap()
    );
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    db.drop_now().await;
}
