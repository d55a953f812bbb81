//! The station store: one SQLite database (`station.sqlite3`) and one media store under
//! the data directory. Every write that belongs together happens in one transaction,
//! with its audit row.

mod audit;
mod copies;
pub mod db;
mod exam;
mod identity;
mod import;
mod join;
mod roster;

pub use audit::AuditEntry;
pub use copies::{CopyView, PageView, StudentRef};
pub use exam::{parse_date, Exam, NewExam};
pub use identity::Writer;
pub use import::{NewCopy, NewPage, NewSourcePdf, RecordedImport};
pub use roster::{NewStudent, RosterOutcome, Student};

use crate::error::{Error, Result};
use crate::media::MediaStore;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    media: MediaStore,
    data_dir: PathBuf,
    station_id: String,
    actor: String,
}

impl Store {
    /// Opens the station's store in `data_dir`, creating it on first use.
    pub fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::internal(format!(
                "cannot create the data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        let conn = db::open(&data_dir.join("station.sqlite3"))?;
        let station_id = station_id(&conn)?;
        let actor = std::env::var("KORRIGO_USER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_else(|_| "operator".into());
        Ok(Store {
            conn,
            media: MediaStore::new(data_dir.join("media")),
            data_dir: data_dir.to_path_buf(),
            station_id,
            actor,
        })
    }

    pub fn media(&self) -> &MediaStore {
        &self.media
    }
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
    pub fn station_id(&self) -> &str {
        &self.station_id
    }
    pub fn actor(&self) -> &str {
        &self.actor
    }
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn station_id(conn: &Connection) -> Result<String> {
    let existing: Option<String> = conn
        .query_row(
            "SELECT value FROM station_meta WHERE key = 'station_id'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let id = crate::model::new_id().to_string();
    conn.execute(
        "INSERT INTO station_meta (key, value) VALUES ('station_id', ?1)",
        [&id],
    )?;
    Ok(id)
}

pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339 formatting of the current time")
}
