//! A station whose server cannot be reached: one sync fails as `offline` and keeps every
//! pending change, the loop retries on its backoff schedule and stops at once.

use korrigo_core::store::{NewExam, Store};
use korrigo_core::ErrorCode;
use korrigo_sync::{Backoff, Client, LoopEvent, SyncLoop, SyncLoopConfig};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn unreachable_server() -> Client {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    Client::new(&format!("http://127.0.0.1:{port}"), "token").unwrap()
}

fn station(dir: &std::path::Path) -> Store {
    let mut store = Store::open_as(dir, Some("admin")).unwrap();
    store
        .create_exam(&NewExam {
            name: "DS 1".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
        })
        .unwrap();
    store
}

#[test]
fn an_offline_sync_is_recorded_and_keeps_every_pending_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = station(dir.path());
    let err = korrigo_sync::sync_once(&mut store, &unreachable_server()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Offline, "{}", err.message);
    let status = store.sync_status().unwrap();
    assert_eq!(status.pending, 1);
    assert!(status.last_attempt.is_some());
    assert!(status.last_success.is_none());
    assert!(
        status
            .last_error
            .as_deref()
            .unwrap()
            .contains("cannot reach"),
        "{:?}",
        status.last_error
    );
}

#[test]
fn the_loop_backs_off_after_failures_wakes_when_nudged_and_stops_at_once() {
    let dir = tempfile::tempdir().unwrap();
    drop(station(dir.path()));
    let (tx, rx) = mpsc::channel();
    let config = SyncLoopConfig {
        interval: Duration::from_secs(3600),
        backoff: Backoff {
            first: Duration::from_millis(50),
            max: Duration::from_millis(200),
            jitter: 0.0,
        },
    };
    let sync = SyncLoop::start(
        dir.path().to_path_buf(),
        Some("admin".into()),
        unreachable_server(),
        config,
        move |e| {
            let _ = tx.send((Instant::now(), e));
        },
    );
    let mut seen = Vec::new();
    for _ in 0..4 {
        let (at, e) = rx.recv_timeout(Duration::from_secs(20)).unwrap();
        match e {
            LoopEvent::Failed {
                error,
                failures,
                retry_in,
            } => {
                assert_eq!(error.code, ErrorCode::Offline);
                seen.push((at, failures, retry_in));
            }
            LoopEvent::Synced(r) => panic!("synced with no server: {r:?}"),
        }
    }
    let failures: Vec<u32> = seen.iter().map(|s| s.1).collect();
    assert_eq!(failures, [1, 2, 3, 4]);
    let delays: Vec<u64> = seen.iter().map(|s| s.2.as_millis() as u64).collect();
    assert_eq!(delays, [50, 100, 200, 200]);
    for w in seen.windows(2) {
        assert!(w[1].0 - w[0].0 >= w[0].2, "retried before its backoff");
    }

    // Backed off for 200 ms: a nudge makes it try at once.
    let sent = Instant::now();
    sync.nudge();
    let (at, _) = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(at - sent < Duration::from_secs(10));

    let asked = Instant::now();
    sync.stop();
    assert!(asked.elapsed() < Duration::from_secs(10));
    let store = Store::open_as(dir.path(), Some("admin")).unwrap();
    assert!(store.sync_status().unwrap().last_error.is_some());
}
