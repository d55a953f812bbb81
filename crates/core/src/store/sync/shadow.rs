//! The server's last word on each synced entity: the entity at the highest version this
//! station saw, from pulls (including those a pending change kept from landing) and from
//! outcomes. A change the server did not apply (a conflict, a rejection) is undone from
//! it: the touched rows go back to the server's state, or away when the server never had
//! them, and the change itself stays in the station's issues.
//!
//! Invariants: a shadow entry's version never goes down (an older answer, such as an
//! outcome stored by the server and sent again for a repeated push, does not replace a
//! newer one); a row a still pending change touches is never undone; copies, exams and
//! students are only ever rewritten from the shadow, never deleted (they may have been
//! made here).

use super::apply::{apply_entity, Applied};
use super::keys::{touched, PendingKeys};
use super::pull::{park, unpark};
use crate::error::Result;
use crate::sync::{Entity, EntityKind};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// Records `e` as the server's word on its entity unless a newer version is known;
/// `true` when `e` is at least as new as what the station knew.
pub(super) fn remember(conn: &Connection, e: &Entity) -> Result<bool> {
    let known: Option<i64> = conn
        .query_row(
            "SELECT version FROM sync_shadow WHERE kind = ?1 AND key = ?2",
            params![e.kind.as_str(), e.key],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_some_and(|v| v > e.version) {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO sync_shadow (kind, key, version, entity_json) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(kind, key) DO UPDATE SET version = excluded.version, entity_json = excluded.entity_json",
        params![e.kind.as_str(), e.key, e.version, serde_json::to_string(e)?],
    )?;
    Ok(true)
}

fn known(conn: &Connection, kind: EntityKind, key: &str) -> Result<Option<Entity>> {
    conn.query_row(
        "SELECT entity_json FROM sync_shadow WHERE kind = ?1 AND key = ?2",
        params![kind.as_str(), key],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(|j| Ok(serde_json::from_str(&j)?))
    .transpose()
}

/// Puts back the server's state of every row the change `name` touched (see the module
/// doc); returns how many rows were rewritten or removed.
pub(super) fn undo(
    conn: &Connection,
    station_id: &str,
    pending: &PendingKeys,
    (name, target, args): (&str, &str, &Value),
) -> Result<usize> {
    let mut undone = 0;
    for (kind, key) in touched(name, target, args) {
        if pending.protects_key(kind, &key) {
            continue;
        }
        match known(conn, kind, &key)? {
            Some(e) => {
                match apply_entity(conn, station_id, &e)? {
                    Applied::Written => unpark(conn, &e)?,
                    Applied::Parked(_) => park(conn, &e)?,
                }
                undone += 1;
            }
            None => undone += remove(conn, kind, &key)?,
        }
    }
    Ok(undone)
}

/// Removes a row the server never had; copies, exams and students stay.
fn remove(conn: &Connection, kind: EntityKind, key: &str) -> Result<usize> {
    Ok(match kind {
        EntityKind::Score => {
            let (copy_id, node_id) = key.split_once('/').unwrap_or((key, ""));
            conn.execute(
                "DELETE FROM score WHERE copy_id = ?1 AND node_id = ?2",
                params![copy_id, node_id],
            )?
        }
        EntityKind::Appreciation => {
            conn.execute("DELETE FROM appreciation WHERE copy_id = ?1", [key])?
        }
        EntityKind::Annotation => conn.execute("DELETE FROM annotation WHERE id = ?1", [key])?,
        EntityKind::Lease => conn.execute("DELETE FROM lease WHERE copy_id = ?1", [key])?,
        EntityKind::Exam | EntityKind::Student | EntityKind::Copy | EntityKind::Conflict => 0,
    })
}

/// Forgets everything: the server was restored and is pulled again from the start.
pub(super) fn forget_all(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM sync_shadow", [])?;
    Ok(())
}
