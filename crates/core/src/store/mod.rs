//! The station store: one SQLite database (`station.sqlite3`) and one media store under
//! the data directory. Every write that belongs together happens in one transaction,
//! with its audit row and its outbox row; an accepted change is committed before the
//! call returns (there is no save step to forget).

mod annotation;
mod audit;
mod bareme;
mod comments;
mod copies;
pub mod db;
mod dispatch;
mod exam;
mod exported;
mod finalize;
mod flags;
mod history;
mod identity;
mod import;
mod join;
mod lease;
mod outbox;
mod roster;
mod score;
mod stats;
mod status;
pub mod sync;
mod users;

pub use audit::AuditEntry;
pub use bareme::{BaremeReport, OverMax};
pub use comments::{Comment, CommentScope, NewComment, Placement};
pub use copies::{CopyView, PageView, StudentRef};
pub use dispatch::Assignment;
pub use dispatch::{DispatchRun, Reassign};
pub use exam::{parse_date, Exam, NewExam};
pub use exported::ExportedCopy;
pub use identity::Writer;
pub use import::{NewCopy, NewPage, NewSourcePdf, RecordedImport};
pub use outbox::OutboxEntry;
pub use roster::{NewStudent, RosterOutcome, Student};
pub use score::ScoreEntry;
pub use stats::{ExamStats, QuestionStats, RankedCopy};
pub use users::{Role, StationUser};

use crate::error::{Error, Result};
use crate::media::MediaStore;
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

#[derive(Debug)]
pub struct Store {
    conn: Connection,
    media: MediaStore,
    data_dir: PathBuf,
    station_id: String,
    actor: String,
    clock: Option<OffsetDateTime>,
}

impl Store {
    /// Opens the station's store in `data_dir`, creating it on first use, acting as the
    /// user named by `KORRIGO_USER` (else the OS user).
    pub fn open(data_dir: &Path) -> Result<Store> {
        Store::open_as(data_dir, None)
    }

    /// Opens the store acting as `actor`. The first user to open a new station becomes
    /// its admin.
    pub fn open_as(data_dir: &Path, actor: Option<&str>) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::internal(format!(
                "cannot create the data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        let conn = db::open(&data_dir.join("station.sqlite3"))?;
        let station_id = station_id(&conn)?;
        let actor = match actor {
            Some(a) if !a.trim().is_empty() => a.trim().to_string(),
            _ => std::env::var("KORRIGO_USER")
                .or_else(|_| std::env::var("USER"))
                .unwrap_or_else(|_| "operator".into()),
        };
        users::register_first_admin(&conn, &actor)?;
        Ok(Store {
            conn,
            media: MediaStore::new(data_dir.join("media")),
            data_dir: data_dir.to_path_buf(),
            station_id,
            actor,
            clock: None,
        })
    }

    /// Fixes the station's clock (leases, timestamps) for tests and replays; `None`
    /// returns to the system clock.
    pub fn set_clock(&mut self, at: Option<OffsetDateTime>) {
        self.clock = at;
    }

    pub(crate) fn now_dt(&self) -> OffsetDateTime {
        self.clock.unwrap_or_else(OffsetDateTime::now_utc)
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
    format_time(OffsetDateTime::now_utc())
}

/// RFC 3339, as every timestamp is stored.
pub fn format_time(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339 formatting of a time")
}

pub(crate) fn parse_time(s: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| Error::internal(format!("stored time '{s}' is not RFC 3339: {e}")))
}
