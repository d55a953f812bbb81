//! The window's sync panel without a window: sign in to a real server (PostgreSQL from
//! `KORRIGO_TEST_PG`), sync in the background, see where things stand, sign out.

#[path = "../../server/tests/common/mod.rs"]
mod common;

use common::{add_account, config, start, Endpoint, TestDb};
use korrigo_app::{Events, JobEvent, Station, SyncEvent};
use korrigo_core::store::NewExam;
use korrigo_core::sync::ServerRole;
use korrigo_core::ErrorCode;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Recorder(Mutex<Sender<SyncEvent>>);

impl Events for Recorder {
    fn job(&self, _event: &JobEvent) {}
    fn sync(&self, event: &SyncEvent) {
        let _ = self.0.lock().unwrap().send(event.clone());
    }
}

fn next(rx: &Receiver<SyncEvent>) -> SyncEvent {
    rx.recv_timeout(Duration::from_secs(30))
        .expect("the background sync reports within 30 s")
}

#[test]
fn the_desktop_signs_in_syncs_in_the_background_and_signs_out() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server_dir = tempfile::tempdir().unwrap();
    let (db, server) = rt.block_on(async {
        let db = TestDb::new().await;
        let server = start(config(&db, server_dir.path())).await;
        add_account(&db, "prof", ServerRole::Teacher).await;
        (db, server)
    });
    let config_dir = tempfile::tempdir().unwrap();
    std::env::set_var("KORRIGO_CONFIG_DIR", config_dir.path());
    let data = tempfile::tempdir().unwrap();
    let (tx, rx) = channel();
    let station = Station::open(
        data.path(),
        Some("prof"),
        Arc::new(Recorder(Mutex::new(tx))),
    )
    .unwrap()
    .with_token_store(Arc::new(korrigo_sync::InMemoryTokensForTests::default()));

    let view = station.sync_view().unwrap();
    assert!(!view.signed_in && !view.running && view.profile.is_none());
    let exam = station
        .create_exam(&NewExam {
            name: "Contrôle 4".into(),
            date: Some("2026-11-21".into()),
            subject: None,
            pages_per_copy: 4,
        })
        .unwrap();
    assert_eq!(station.sync_view().unwrap().pending, 1);
    let err = station.sync_now().unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);

    let url = server.url("");
    let err = station.sign_in(&url, "prof", "wrong password").unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(!station.sync_view().unwrap().signed_in);

    let view = station
        .sign_in(&url, "prof", "correct horse battery")
        .unwrap();
    assert!(view.signed_in && view.running);
    assert_eq!(view.profile.as_deref(), Some("default"));
    let event = next(&rx);
    assert!(event.ok, "{event:?}");
    let view = station.sync_view().unwrap();
    assert_eq!(view.pending, 0);
    assert!(view.last_success.is_some());
    assert!(view.issues.is_empty(), "{:?}", view.issues);
    let on_server: i64 = rt.block_on(async {
        db.client()
            .await
            .query_one(
                "SELECT count(*) FROM entity WHERE kind = 'exam' AND key = $1",
                &[&exam.id],
            )
            .await
            .unwrap()
            .get(0)
    });
    assert_eq!(on_server, 1, "the exam reached the server");

    // A change made now goes out when asked, without waiting for the timer.
    station.set_exam_anonymous(&exam.id, true).unwrap();
    station.sync_now().unwrap();
    let event = next(&rx);
    assert!(event.ok, "{event:?}");
    assert_eq!(station.sync_view().unwrap().pending, 0);

    // The server goes away: the loop says so and will retry.
    rt.block_on(server.stop());
    station.set_exam_anonymous(&exam.id, false).unwrap();
    station.sync_now().unwrap();
    let event = next(&rx);
    assert!(!event.ok);
    assert!(event.retry_in.is_some());
    let view = station.sync_view().unwrap();
    assert_eq!(view.pending, 1, "nothing is lost while offline");
    assert!(view.last_error.is_some());

    let view = station.sign_out().unwrap();
    assert!(!view.signed_in && !view.running);
    assert_eq!(
        station.sync_now().unwrap_err().code,
        ErrorCode::Unauthorized
    );
    rt.block_on(db.drop_now());
}
