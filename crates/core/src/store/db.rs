//! The station database: one connection-setup function, embedded numbered migrations
//! applied at open, and the refusal of a database written by a newer binary.
//!
//! Invariant: `PRAGMA user_version` is the number of the last applied migration; every
//! migration runs in its own transaction together with its version bump.

use crate::error::{Error, Result};
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this binary writes.
pub fn schema_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Opens (creating if needed) the database at `path`, configured and migrated.
pub fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(|e| {
        Error::internal(format!(
            "cannot open the station database {}: {e}",
            path.display()
        ))
    })?;
    configure(&conn)?;
    migrate(&conn, path)?;
    Ok(conn)
}

/// The one place connection settings live: WAL, foreign keys, busy timeout. `FULL`
/// syncs the WAL at every commit, so an acknowledged grading change survives a power
/// cut too, not only a crash of the app (measured: 2,700 to 3,000 committed changes/s here).
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = schema_version();
    if current > known {
        return Err(Error::validation(format!(
            "the station database {} has schema version {current}, newer than this Korrigo ({known}): \
             install the newer version of Korrigo Station; the database was left untouched",
            path.display()
        )));
    }
    for (num, name, sql) in MIGRATIONS.iter().skip(current as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql).map_err(|e| {
            Error::internal(format!(
                "migration {name} failed on {}: {e}",
                path.display()
            ))
        })?;
        tx.pragma_update(None, "user_version", num)?;
        tx.commit()?;
    }
    Ok(())
}

/// Every table, index and trigger of the schema as SQL, in a stable order: the schema
/// snapshot that tests compare against.
pub fn schema_sql(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare(
        "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
         ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(2))?;
    let mut out = String::new();
    for sql in rows {
        out.push_str(sql?.trim());
        out.push_str(";\n\n");
    }
    Ok(out)
}
