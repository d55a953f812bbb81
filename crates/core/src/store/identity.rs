//! Setting who wrote a copy by hand (the review desk), audited: who, how, when, and
//! whether a student already holding a copy was forced.

use super::outbox::Change;
use super::Store;
use crate::error::{Error, Result};
use crate::grading::CopyEvent;
use crate::model::{Flag, IdentifiedBy};
use rusqlite::{params, OptionalExtension};
use serde_json::json;

/// What the operator says about a copy's writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Writer {
    Student(String),
    /// Not on the roster.
    Unknown,
}

impl Store {
    /// Sets a copy's writer by hand. Refused when the student already has another copy
    /// of the exam, unless `force` (which the audit records).
    pub fn identify_copy(&mut self, copy_id: &str, writer: &Writer, force: bool) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let (exam_id, previous, flags): (String, Option<String>, String) = tx
            .query_row(
                "SELECT exam_id, student_id, flags_json FROM copy WHERE id = ?1",
                [copy_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| {
                Error::not_found(format!("no copy with id {copy_id} on this station"))
            })?;
        let flags: Vec<Flag> = serde_json::from_str(&flags)?;
        let open_flags = flags.iter().any(Flag::is_open);
        let (student, unknown) = match writer {
            Writer::Student(id) => {
                let other: Option<String> = tx
                    .query_row(
                        "SELECT id FROM copy WHERE exam_id = ?1 AND student_id = ?2 AND id <> ?3 LIMIT 1",
                        params![exam_id, id, copy_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let (Some(other), false) = (&other, force) {
                    return Err(Error::conflict(format!(
                        "this student already has copy {other} in the exam; use --force to give them this one too"
                    )));
                }
                (Some(id.clone()), false)
            }
            Writer::Unknown => (None, true),
        };
        let event = if open_flags || unknown {
            CopyEvent::Flag
        } else {
            CopyEvent::Resolve
        };
        self.move_copy_in(&tx, copy_id, event)?;
        tx.execute(
            "UPDATE copy SET student_id = ?2, identified_by = ?3, confidence = NULL, unknown_writer = ?4 WHERE id = ?1",
            params![copy_id, student, IdentifiedBy::Manual.as_str(), unknown],
        )?;
        self.log_in(
            &tx,
            Change {
                name: "copy.identify",
                target: copy_id,
                args: json!({ "copy_id": copy_id, "student": student, "unknown_writer": unknown, "how": "manual", "forced": force, "previous": previous }),
                base_version: None,
                lease_token: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The student of an exam with this email.
    pub fn student_by_email(&self, exam_id: &str, email: &str) -> Result<String> {
        self.conn
            .query_row(
                "SELECT id FROM student WHERE exam_id = ?1 AND lower(email) = lower(?2)",
                params![exam_id, email.trim()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                Error::not_found(format!(
                    "no student with email {email} in this exam's roster"
                ))
            })
    }
}
