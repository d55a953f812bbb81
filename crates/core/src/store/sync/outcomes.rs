//! Recording what the server said about pushed changes, in one transaction.
//!
//! Invariants: every outcome names an outbox row of this station; an applied change only
//! learns the server versions of what it wrote (local content is never touched: it is
//! already what the server holds); a conflict or a rejection is kept in `sync_issue` with
//! the change's own arguments (nothing disappears), the server's winning entities are
//! written locally and every row the change touched goes back to the server's state
//! (`shadow`), except where a still pending change protects them; an answer older than
//! what the station already knows of an entity (a stored outcome sent again) moves
//! nothing back.

use super::apply::{apply_entity, set_server_version, Applied};
use super::keys::PendingKeys;
use super::pull::{in_apply_order, park, unpark};
use super::shadow;
use crate::error::{Error, Result};
use crate::store::{now, Store};
use crate::sync::{EntityKind, Outcome, OutcomeStatus};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// How many outcomes of each kind were recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OutcomesRecorded {
    pub applied: usize,
    pub conflicts: usize,
    pub rejected: usize,
}

impl Store {
    /// Records the server's outcomes of pushed changes (see the module doc).
    pub fn record_outcomes(&mut self, outcomes: &[Outcome]) -> Result<OutcomesRecorded> {
        let tx = self.conn.unchecked_transaction()?;
        let mut counts = OutcomesRecorded::default();
        let at = now();
        let mut undone = Vec::new();
        for o in outcomes {
            let row: Option<(String, String, String, String)> = tx
                .query_row(
                    "SELECT mutation_id, name, target, args_json FROM outbox WHERE seq = ?1",
                    [o.seq],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (mutation_id, name, target, args) = row.ok_or_else(|| {
                Error::internal(format!(
                    "the server answered for change #{} which this station never made",
                    o.seq
                ))
            })?;
            tx.execute(
                "UPDATE outbox SET state = ?2, result_json = ?3 WHERE seq = ?1",
                params![o.seq, o.status.as_str(), serde_json::to_string(o)?],
            )?;
            match o.status {
                OutcomeStatus::Applied => {
                    counts.applied += 1;
                    for e in &o.entities {
                        if !shadow::remember(&tx, e)? {
                            continue;
                        }
                        if e.kind == EntityKind::Conflict {
                            apply_entity(&tx, &self.station_id, e)?;
                        } else {
                            set_server_version(&tx, e)?;
                        }
                    }
                }
                OutcomeStatus::Conflict | OutcomeStatus::Rejected => {
                    let parsed: serde_json::Value = serde_json::from_str(&args)?;
                    undone.push((name.clone(), target.clone(), parsed));
                    if o.status == OutcomeStatus::Conflict {
                        counts.conflicts += 1;
                    } else {
                        counts.rejected += 1;
                    }
                    tx.execute(
                        "INSERT INTO sync_issue (seq, mutation_id, name, target, status, code, message, at, \
                         args_json, winner_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
                         ON CONFLICT(seq) DO UPDATE SET status = excluded.status, code = excluded.code, \
                         message = excluded.message, at = excluded.at, winner_json = excluded.winner_json",
                        params![
                            o.seq,
                            mutation_id,
                            name,
                            target,
                            o.status.as_str(),
                            o.code.map(|c| c.as_str()),
                            o.message,
                            at,
                            args,
                            serde_json::to_string(&o.entities)?
                        ],
                    )?;
                }
            }
        }
        // The server's winners, once every answered row has left the pending state; then
        // whatever the refused changes touched goes back to the server's state.
        let pending = PendingKeys::load(&tx)?;
        for o in outcomes
            .iter()
            .filter(|o| o.status != OutcomeStatus::Applied)
        {
            for e in in_apply_order(&o.entities) {
                if !shadow::remember(&tx, e)? || pending.protects(e) {
                    continue;
                }
                match apply_entity(&tx, &self.station_id, e)? {
                    Applied::Written => unpark(&tx, e)?,
                    Applied::Parked(_) => park(&tx, e)?,
                }
            }
        }
        for (name, target, args) in &undone {
            shadow::undo(&tx, &self.station_id, &pending, (name, target, args))?;
        }
        tx.commit()?;
        Ok(counts)
    }
}
