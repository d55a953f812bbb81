//! The schema snapshot: every schema change shows up as a diff of
//! `tests/snapshots/station_schema.sql` (regenerate with `UPDATE_SNAPSHOTS=1`).

use korrigo_core::store::{db, Store};
use korrigo_core::ErrorCode;

#[test]
fn schema_matches_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let actual = format!(
        "-- schema version {}\n\n{}",
        db::schema_version(),
        db::schema_sql(store.connection()).unwrap()
    );
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/station_schema.sql");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "the schema changed: review it and rerun with UPDATE_SNAPSHOTS=1"
    );
}

#[test]
fn a_database_from_a_newer_binary_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(Store::open(dir.path()).unwrap());
    let path = dir.path().join("station.sqlite3");
    let newer = db::schema_version() + 1;
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
    }
    let err = Store::open(dir.path()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(err.message.contains("newer"), "{}", err.message);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(v, newer);
}

#[test]
fn reopening_keeps_data_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let station = {
        let mut store = Store::open(dir.path()).unwrap();
        store
            .create_exam(&korrigo_core::store::NewExam {
                name: "DS 1".into(),
                date: None,
                subject: None,
                pages_per_copy: 4,
            })
            .unwrap();
        store.station_id().to_string()
    };
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.station_id(), station);
    assert_eq!(store.exams().unwrap().len(), 1);
    let conn = store.connection();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let fk: i64 = conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), fk), ("wal", 1));
}
