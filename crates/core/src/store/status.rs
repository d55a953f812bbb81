//! Reading and moving a copy's status, always through the status machine.

use super::Store;
use crate::error::{Error, Result};
use crate::grading::status::{self, CopyEvent};
use crate::model::CopyStatus;
use rusqlite::{params, Connection, OptionalExtension};

impl Store {
    pub(crate) fn copy_status_in(&self, conn: &Connection, copy_id: &str) -> Result<CopyStatus> {
        let s: String = conn
            .query_row("SELECT status FROM copy WHERE id = ?1", [copy_id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                Error::not_found(format!("no copy with id {copy_id} on this station"))
            })?;
        CopyStatus::parse(&s)
            .ok_or_else(|| Error::internal(format!("copy {copy_id} has unknown status {s}")))
    }

    /// Applies `event` to the copy's status; refused (`conflict`) when the machine says so.
    pub(crate) fn move_copy_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        event: CopyEvent,
    ) -> Result<CopyStatus> {
        let from = self.copy_status_in(conn, copy_id)?;
        let to = status::next(from, event)
            .map_err(|e| Error::new(e.code, format!("copy {copy_id}: {}", e.message)))?;
        if to != from {
            conn.execute(
                "UPDATE copy SET status = ?2 WHERE id = ?1",
                params![copy_id, to.as_str()],
            )?;
        }
        Ok(to)
    }

    /// Refuses any change to a graded copy: it is read-only until an admin reopens it.
    pub(crate) fn check_not_graded_in(&self, conn: &Connection, copy_id: &str) -> Result<()> {
        if self.copy_status_in(conn, copy_id)? == CopyStatus::Graded {
            return Err(Error::conflict(format!(
                "copy {copy_id} is graded and read-only until an admin reopens it"
            )));
        }
        Ok(())
    }
}
