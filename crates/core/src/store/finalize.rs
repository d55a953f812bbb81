//! Finalizing a copy (every leaf scored, none above its maximum, by the lease holder)
//! and reopening a graded copy (admins only). Both are audited.

use super::outbox::Change;
use super::{now, Role, Store};
use crate::error::{Error, Result};
use crate::grading::totals;
use crate::grading::{CopyEvent, CopyGrade};
use rusqlite::params;
use serde_json::json;

impl Store {
    /// Marks the copy graded and ends its lease. Refused, listing what is missing, unless
    /// every leaf has points within its maximum.
    pub fn finalize(&mut self, copy_id: &str, token: Option<i64>) -> Result<CopyGrade> {
        let tx = self.conn.unchecked_transaction()?;
        self.check_lease_in(&tx, copy_id, token)?;
        let (_, bareme) = self.bareme_of_copy_in(&tx, copy_id)?;
        let grade = totals::grade(&bareme, &self.entered_in(&tx, copy_id)?);
        if !grade.missing.is_empty() {
            return Err(Error::validation(format!(
                "copy {copy_id} cannot be finalized: not scored yet: {}",
                grade.missing.join("; ")
            )));
        }
        if !grade.over_max.is_empty() {
            return Err(Error::validation(format!(
                "copy {copy_id} cannot be finalized: above the maximum: {}",
                grade.over_max.join("; ")
            )));
        }
        self.finalize_lease_in(&tx, copy_id, token)?;
        self.move_copy_in(&tx, copy_id, CopyEvent::Finalize)?;
        tx.execute(
            "UPDATE copy SET graded_at = ?2, graded_by = ?3 WHERE id = ?1",
            params![copy_id, now(), self.actor],
        )?;
        self.log_in(
            &tx,
            Change {
                name: "copy.finalize",
                target: copy_id,
                args: json!({ "copy_id": copy_id, "total": grade.total, "max_total": grade.max_total }),
                base_version: None,
                lease_token: token,
            },
        )?;
        tx.commit()?;
        Ok(grade)
    }

    /// Makes a graded copy changeable again (admins only; the reason is audited).
    pub fn reopen(&mut self, copy_id: &str, reason: Option<&str>) -> Result<()> {
        self.require(&[Role::Admin], "reopen a graded copy")?;
        let tx = self.conn.unchecked_transaction()?;
        self.move_copy_in(&tx, copy_id, CopyEvent::Reopen)?;
        tx.execute(
            "UPDATE copy SET graded_at = NULL, graded_by = NULL WHERE id = ?1",
            [copy_id],
        )?;
        self.log_in(
            &tx,
            Change {
                name: "copy.reopen",
                target: copy_id,
                args: json!({ "copy_id": copy_id, "reason": reason }),
                base_version: None,
                lease_token: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
