//! Applying a page of pulled entities: all of it and the new cursor in one transaction,
//! or nothing.
//!
//! Invariants: an entity a pending change protects is skipped (the local change wins
//! until the server judged it); parents are applied before children (exams, students,
//! copies, then the rest; deletions of copies, students and exams last); an entity whose
//! parent is not here yet waits in `sync_parked` and is tried again at every later pull;
//! a page naming a source PDF missing from the media store is refused whole; every
//! pulled entity, skipped or not, is the server's word on it (`shadow`).

use super::apply::{apply_entity, Applied};
use super::keys::PendingKeys;
use super::shadow;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::sync::{CopyState, Entity, EntityKind, PullResponse};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::BTreeSet;

/// What a pulled page did to the station.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PullApplied {
    /// Entities written (including parked ones that could now be).
    pub applied: usize,
    /// Entities left alone because a pending local change touches them.
    pub skipped_pending: usize,
    /// Entities waiting for their parent row.
    pub parked: usize,
}

fn rank(e: &Entity) -> u8 {
    match (e.kind, e.deleted) {
        (EntityKind::Exam, false) => 0,
        (EntityKind::Student, false) => 1,
        (EntityKind::Copy, false) => 2,
        (EntityKind::Copy, true) => 4,
        (EntityKind::Student, true) => 5,
        (EntityKind::Exam, true) => 6,
        _ => 3,
    }
}

/// Entities in the order they can be applied: by dependency, then by version.
pub(super) fn in_apply_order(entities: &[Entity]) -> Vec<&Entity> {
    let mut v: Vec<&Entity> = entities.iter().collect();
    v.sort_by_key(|e| (rank(e), e.version));
    v
}

impl Store {
    /// The sha256 of every source PDF the copies among `entities` need that the media
    /// store does not have: to download before `apply_pull`.
    pub fn missing_media(&self, entities: &[Entity]) -> Vec<String> {
        let mut missing = BTreeSet::new();
        for e in entities
            .iter()
            .filter(|e| e.kind == EntityKind::Copy && !e.deleted)
        {
            let Ok(c) = serde_json::from_value::<CopyState>(e.body.clone()) else {
                continue;
            };
            for p in &c.pages {
                let sha = &p.source.sha256;
                if !is_sha256(sha) || !self.media.path_of(sha, "pdf").exists() {
                    missing.insert(sha.clone());
                }
            }
        }
        missing.into_iter().collect()
    }

    /// Applies a pulled page and moves the cursor to `page.next`, in one transaction.
    pub fn apply_pull(&mut self, page: &PullResponse) -> Result<PullApplied> {
        if let Some(epoch) = self.server_epoch()? {
            if epoch != page.server_epoch {
                return Err(Error::conflict(format!(
                    "the server's epoch is {} but this station synced with {epoch}: the server was \
                     restored from a backup; reset the station's sync before pulling",
                    page.server_epoch
                )));
            }
        }
        let missing = self.missing_media(&page.entities);
        if !missing.is_empty() {
            return Err(Error::not_found(format!(
                "the pulled copies need {} source PDF(s) missing from the media store ({}): \
                 download them before applying; nothing was applied",
                missing.len(),
                missing.join(", ")
            )));
        }
        let tx = self.conn.unchecked_transaction()?;
        let pending = PendingKeys::load(&tx)?;
        let mut out = PullApplied::default();
        for e in in_apply_order(&page.entities) {
            shadow::remember(&tx, e)?;
            if pending.protects(e) {
                out.skipped_pending += 1;
                unpark(&tx, e)?;
                continue;
            }
            match apply_entity(&tx, &self.station_id, e)? {
                Applied::Written => {
                    out.applied += 1;
                    unpark(&tx, e)?;
                }
                Applied::Parked(_) => park(&tx, e)?,
            }
        }
        out.applied += retry_parked(&tx, &self.station_id, &pending)?;
        out.parked = tx.query_row("SELECT COUNT(*) FROM sync_parked", [], |r| {
            r.get::<_, i64>(0)
        })? as usize;
        tx.execute(
            "UPDATE sync_state SET pull_cursor = ?1, server_epoch = ?2",
            params![page.next, page.server_epoch],
        )?;
        tx.commit()?;
        Ok(out)
    }
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub(super) fn park(conn: &Connection, e: &Entity) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_parked (kind, key, version, entity_json) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(kind, key) DO UPDATE SET version = excluded.version, entity_json = excluded.entity_json \
         WHERE excluded.version >= sync_parked.version",
        params![e.kind.as_str(), e.key, e.version, serde_json::to_string(e)?],
    )?;
    Ok(())
}

pub(super) fn unpark(conn: &Connection, e: &Entity) -> Result<()> {
    conn.execute(
        "DELETE FROM sync_parked WHERE kind = ?1 AND key = ?2 AND version <= ?3",
        params![e.kind.as_str(), e.key, e.version],
    )?;
    Ok(())
}

/// Tries the parked entities again until no more can be written; returns how many were.
pub(super) fn retry_parked(
    conn: &Connection,
    station_id: &str,
    pending: &PendingKeys,
) -> Result<usize> {
    let mut written = 0;
    loop {
        let mut stmt = conn.prepare("SELECT entity_json FROM sync_parked")?;
        let parked: Vec<Entity> = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|j| Ok(serde_json::from_str(&j?)?))
            .collect::<Result<_>>()?;
        drop(stmt);
        let mut progress = false;
        for e in in_apply_order(&parked) {
            if pending.protects(e) {
                unpark(conn, e)?;
                continue;
            }
            if apply_entity(conn, station_id, e)? == Applied::Written {
                unpark(conn, e)?;
                written += 1;
                progress = true;
            }
        }
        if !progress {
            return Ok(written);
        }
    }
}
