//! Sync throughput on loopback against a real PostgreSQL (`KORRIGO_TEST_PG`), with the
//! `korrigo-server` binary in a process of its own and this one as the load generator:
//! one station pushing 10,000 score changes, then 50 stations at once each pushing and
//! pulling in turns: back to back, then once a second each (spread over the second),
//! then once a second all at the same instant, with the latency of every request.
//! Prints the figures.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/common/process.rs"]
#[allow(dead_code)]
mod process;

use common::*;
use korrigo_core::sync::ServerRole;
use process::spawn_process;
use std::time::{Duration, Instant};

const SCORES: i64 = 10_000;
const STATIONS: usize = 50;
const ROUNDS: usize = 20;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// What the load generator reads of a pulled page: the stations it stands for keep
/// nothing, so it spends no time building the entities.
#[derive(serde::Deserialize)]
struct Page {
    next: i64,
}

/// One load-generating station and where it stands.
struct Station {
    token: String,
    station: String,
    copy: String,
    user: String,
    seq: i64,
    since: i64,
}

#[derive(Default)]
struct Latencies {
    push: Vec<f64>,
    pull: Vec<f64>,
    secs: f64,
}

impl Latencies {
    fn print(mut self, how: &str) {
        let requests = self.push.len() + self.pull.len();
        let mut all: Vec<f64> = self.push.iter().chain(&self.pull).copied().collect();
        for v in [&mut all, &mut self.push, &mut self.pull] {
            v.sort_by(f64::total_cmp);
        }
        let line = |v: &[f64]| {
            format!(
                "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                percentile(v, 0.5),
                percentile(v, 0.99),
                v.last().unwrap()
            )
        };
        println!(
            "load, {STATIONS} stations {how}: {ROUNDS} rounds of push 5 + pull = {requests} requests \
             in {:.2} s; all {} (target p99 < 100 ms); push {}; pull {}",
            self.secs,
            line(&all),
            line(&self.push),
            line(&self.pull)
        );
    }
}

/// When the stations sync.
#[derive(Clone, Copy)]
enum Pace {
    /// Each again as soon as its last sync ended.
    BackToBack,
    /// Each once a second, the stations spread over the second.
    Spread,
    /// All at once, once a second.
    Together,
}

/// Every station syncs `ROUNDS` times, as `pace` says.
async fn load(url: &str, stations: Vec<Station>, pace: Pace) -> (Vec<Station>, Latencies) {
    let second = Duration::from_secs(1);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, mut st) in stations.into_iter().enumerate() {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut out = Latencies::default();
            let mut pending = Vec::new();
            if st.seq == 1 {
                pending.push(class::lease(
                    "lease.take",
                    1,
                    &st.copy,
                    &st.user,
                    &st.station,
                    1,
                ));
                st.seq = 2;
            }
            let mut next = started;
            if let Pace::Spread = pace {
                next += second.mul_f64((i as f64 * 0.618_034) % 1.0);
            }
            for round in 0..ROUNDS {
                if !matches!(pace, Pace::BackToBack) {
                    tokio::time::sleep_until(next.into()).await;
                    next += second;
                }
                for k in 0..5 {
                    let node = if k % 2 == 0 { "q1" } else { "q2" };
                    let points = ((round + k) % 4) as f64;
                    pending.push(class::score(st.seq, &st.copy, node, points, 1, None));
                    st.seq += 1;
                }
                let t = Instant::now();
                let r = http
                    .post(format!("{url}/api/v1/sync/push"))
                    .bearer_auth(&st.token)
                    .json(
                        &serde_json::json!({ "protocol": 1, "station_id": st.station,
                        "server_epoch": null, "mutations": pending }),
                    )
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                r.bytes().await.unwrap();
                out.push.push(t.elapsed().as_secs_f64() * 1000.0);
                pending = Vec::new();
                let t = Instant::now();
                let page: Page = http
                    .get(format!(
                        "{url}/api/v1/sync/pull?since={}&limit=500",
                        st.since
                    ))
                    .bearer_auth(&st.token)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                out.pull.push(t.elapsed().as_secs_f64() * 1000.0);
                st.since = page.next;
            }
            (st, out)
        }));
    }
    let mut stations = Vec::new();
    let mut all = Latencies::default();
    for t in tasks {
        let (st, out) = t.await.unwrap();
        stations.push(st);
        all.push.extend(out.push);
        all.pull.extend(out.pull);
    }
    all.secs = started.elapsed().as_secs_f64();
    (stations, all)
}

#[tokio::main]
async fn main() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut server = spawn_process(&db, dir.path()).await;
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

    // 50 stations at once: each takes its copy, then pushes 5 changes and pulls, 20
    // times: first back to back (the server saturated), then once a second each, which
    // is still thirty times the background loop's pace, spread over the second and then
    // all 50 at the same instant.
    let mut stations = Vec::new();
    for i in 1..=STATIONS {
        let user = format!("t{i}");
        add_account(&db, &user, ServerRole::Teacher).await;
        let token = login(&server, &user, Some(&format!("st-{i}"))).await.token;
        stations.push(Station {
            token,
            station: format!("st-{i}"),
            copy: format!("c{i}"),
            user,
            seq: 1,
            since: 0,
        });
    }
    println!("load: {STATIONS} stations signed in");
    let url = server.url("");
    let (stations, saturated) = load(&url, stations, Pace::BackToBack).await;
    saturated.print("back to back");
    let (stations, spread) = load(&url, stations, Pace::Spread).await;
    spread.print("once a second each, spread over the second");
    let (_, together) = load(&url, stations, Pace::Together).await;
    together.print("once a second, all at the same instant");
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    db.drop_now().await;
}
