//! Settling what the import flagged, at the review desk: an operator confirms a flag,
//! turns a page the import set the wrong way up, or drops a side scanned twice. Each is
//! one audited transaction; a copy whose last open flag is settled and whose student is
//! known becomes ready for grading.

use super::outbox::Change;
use super::{now, Store};
use crate::error::{Error, Result};
use crate::grading::CopyEvent;
use crate::model::{CopyStatus, Flag, FlagAction, Resolution};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

impl Store {
    /// Settles flag `index` (0-based, in the copy's list) of a copy with `action`.
    pub fn resolve_flag(&mut self, copy_id: &str, index: usize, action: FlagAction) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let (status, flags, student, seq): (String, String, Option<String>, u32) = tx
            .query_row(
                "SELECT status, flags_json, student_id, seq FROM copy WHERE id = ?1",
                [copy_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| {
                Error::not_found(format!("no copy with id {copy_id} on this station"))
            })?;
        let status = CopyStatus::parse(&status).ok_or_else(|| {
            Error::internal(format!("copy #{seq} has an unknown status {status}"))
        })?;
        if !matches!(status, CopyStatus::NeedsReview | CopyStatus::Ready) {
            return Err(Error::conflict(format!(
                "copy #{seq} is {}: its flags can only be settled before grading",
                status.as_str()
            )));
        }
        let mut flags: Vec<Flag> = serde_json::from_str(&flags)?;
        let count = flags.len();
        let flag = flags.get_mut(index).ok_or_else(|| {
            Error::not_found(format!(
                "copy #{seq} has no flag {} (it has {count})",
                index + 1
            ))
        })?;
        if let Some(r) = &flag.resolved {
            return Err(Error::conflict(format!(
                "this flag of copy #{seq} was already settled by {} at {}",
                r.by, r.at
            )));
        }
        let page = flag.page;
        match (action, page) {
            (FlagAction::Confirmed, _) => {}
            (_, None) => {
                return Err(Error::validation(format!(
                    "this flag of copy #{seq} is about no page: it can only be confirmed"
                )))
            }
            (FlagAction::Turned, Some(n)) => {
                tx.execute(
                    "UPDATE page SET rotation = (rotation + 180) % 360 WHERE copy_id = ?1 AND number = ?2",
                    params![copy_id, n],
                )?;
            }
            (FlagAction::Dropped, Some(n)) => {
                let marked: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM annotation a JOIN page p ON p.id = a.page_id \
                     WHERE p.copy_id = ?1 AND p.number = ?2 AND NOT a.deleted)",
                    params![copy_id, n],
                    |r| r.get(0),
                )?;
                if marked {
                    return Err(Error::conflict(format!(
                        "page {n} of copy #{seq} carries annotations: it cannot be dropped"
                    )));
                }
                tx.execute(
                    "DELETE FROM page WHERE copy_id = ?1 AND number = ?2",
                    params![copy_id, n],
                )?;
                // Renumber through a high range so that (copy, number) stays unique.
                tx.execute(
                    "UPDATE page SET number = number + 99999 WHERE copy_id = ?1 AND number > ?2",
                    params![copy_id, n],
                )?;
                tx.execute(
                    "UPDATE page SET number = number - 100000 WHERE copy_id = ?1 AND number > 99999",
                    [copy_id],
                )?;
            }
        }
        flag.resolved = Some(Resolution {
            action,
            by: self.actor.clone(),
            at: now(),
        });
        if action == FlagAction::Dropped {
            if let Some(n) = page {
                for f in &mut flags {
                    f.page = match f.page {
                        Some(p) if p > n => Some(p - 1),
                        other => other,
                    };
                }
            }
        }
        tx.execute(
            "UPDATE copy SET flags_json = ?2 WHERE id = ?1",
            params![copy_id, serde_json::to_string(&flags)?],
        )?;
        if status == CopyStatus::NeedsReview
            && student.is_some()
            && !flags.iter().any(Flag::is_open)
        {
            self.move_copy_in(&tx, copy_id, CopyEvent::Resolve)?;
        }
        self.log_in(
            &tx,
            Change {
                name: "copy.resolve_flag",
                target: copy_id,
                args: json!({ "copy_id": copy_id, "flag": index, "action": action, "page": page }),
                base_version: None,
                lease_token: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
