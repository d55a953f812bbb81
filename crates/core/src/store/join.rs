//! Joining two copies at the review desk: the sheets of one copy appended to another
//! (one pupil's sheets that the import could not tie), in one audited transaction.

use super::outbox::Change;
use super::Store;
use crate::error::{Error, Result};
use crate::model::{CopyStatus, Flag, FlagKind};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

impl Store {
    /// Appends the pages of copy `from` to copy `into`, after its last sheet, and
    /// removes `from`. Both must be of one exam and not yet in grading.
    pub fn join_copies(&mut self, into: &str, from: &str) -> Result<()> {
        if into == from {
            return Err(Error::validation("a copy cannot be joined to itself"));
        }
        let tx = self.conn.unchecked_transaction()?;
        let read = |id: &str| -> Result<(String, String, String)> {
            tx.query_row(
                "SELECT exam_id, status, flags_json FROM copy WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no copy with id {id} on this station")))
        };
        let (exam_a, status_a, flags_a) = read(into)?;
        let (exam_b, status_b, flags_b) = read(from)?;
        if exam_a != exam_b {
            return Err(Error::validation(
                "the two copies belong to different exams",
            ));
        }
        for (id, status) in [(into, &status_a), (from, &status_b)] {
            if matches!(
                CopyStatus::parse(status),
                Some(CopyStatus::Leased | CopyStatus::Graded)
            ) {
                return Err(Error::conflict(format!(
                    "copy {id} is {status}: it can no longer be joined"
                )));
            }
        }
        let graded: i64 = tx.query_row(
            "SELECT (SELECT COUNT(*) FROM score WHERE copy_id = ?1) + \
                    (SELECT COUNT(*) FROM annotation WHERE copy_id = ?1 AND deleted = 0)",
            [from],
            |r| r.get(0),
        )?;
        if graded > 0 {
            return Err(Error::conflict(format!(
                "copy {from} already carries scores or annotations: it can no longer be joined"
            )));
        }
        let last: u32 = tx.query_row(
            "SELECT COALESCE(MAX(number), 0) FROM page WHERE copy_id = ?1",
            [into],
            |r| r.get(0),
        )?;
        let offset = last.div_ceil(4) * 4;
        let moved = tx.execute(
            "UPDATE page SET copy_id = ?1, number = number + ?2 WHERE copy_id = ?3",
            params![into, offset, from],
        )?;
        let keep = |f: &Flag| {
            !matches!(
                f.kind,
                FlagKind::PageCount | FlagKind::SameStudentAsPrevious
            )
        };
        let mut flags: Vec<Flag> = serde_json::from_str::<Vec<Flag>>(&flags_a)?
            .into_iter()
            .filter(keep)
            .collect();
        flags.extend(
            serde_json::from_str::<Vec<Flag>>(&flags_b)?
                .into_iter()
                .filter(keep)
                .map(|f| Flag {
                    page: f.page.map(|p| p + offset),
                    ..f
                }),
        );
        let pages: u32 = tx.query_row(
            "SELECT COUNT(*) FROM page WHERE copy_id = ?1",
            [into],
            |r| r.get(0),
        )?;
        if !pages.is_multiple_of(4) {
            flags.push(Flag {
                kind: FlagKind::PageCount,
                page: None,
                message: format!("the copy has {pages} pages, not a multiple of 4"),
                resolved: None,
            });
        }
        tx.execute(
            "UPDATE copy SET flags_json = ?2 WHERE id = ?1",
            params![into, serde_json::to_string(&flags)?],
        )?;
        tx.execute("DELETE FROM copy WHERE id = ?1", [from])?;
        self.log_in(
            &tx,
            Change::new(
                "copy.join",
                into,
                json!({ "into": into, "from": from, "pages": moved, "first_page": offset + 1 }),
            ),
        )?;
        tx.commit()?;
        Ok(())
    }
}
