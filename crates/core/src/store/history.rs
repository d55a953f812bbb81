//! Undo and redo applied to the store, with the semantics of
//! [`crate::grading::history`]: an undo is a new, logged change that restores the
//! previous state of exactly what the edit touched, refused if that moved on since.

use super::score::check_points;
use super::Store;
use crate::error::{Error, ErrorCode, Result};
use crate::grading::annotation;
use crate::grading::history::{Edit, History};
use rusqlite::Connection;

impl Store {
    fn revert_in(&self, conn: &Connection, edit: &Edit, token: Option<i64>) -> Result<Edit> {
        if let Some(copy) = edit.copy_id() {
            self.check_lease_in(conn, copy, token)?;
        }
        match edit {
            Edit::Annotation { before, after } => {
                let current = self.annotation_in(conn, &after.id)?;
                let unchanged = current.as_ref().is_some_and(|c| {
                    (&c.shape, &c.style, c.z, c.deleted, &c.page_id)
                        == (
                            &after.shape,
                            &after.style,
                            after.z,
                            after.deleted,
                            &after.page_id,
                        )
                });
                if !unchanged {
                    return Err(moved_on(&format!("annotation {}", after.id)));
                }
                let version = current.as_ref().map(|c| c.version);
                let target = match before {
                    Some(b) => (**b).clone(),
                    None => crate::grading::Annotation {
                        deleted: true,
                        ..current.clone().unwrap_or_else(|| (**after).clone())
                    },
                };
                if !target.deleted {
                    let bareme = match target.shape {
                        crate::grading::Shape::Score { .. } => {
                            Some(self.bareme_of_copy_in(conn, &target.copy_id)?.1)
                        }
                        _ => None,
                    };
                    annotation::validate(&target.shape, bareme.as_ref())?;
                }
                self.put_annotation_in(conn, current, &target, version, token)
            }
            Edit::Score {
                copy_id,
                node_id,
                before,
                after,
            } => {
                let current = self.score_in(conn, copy_id, node_id)?;
                if (&current.points, &current.remark) != (&after.points, &after.remark) {
                    return Err(moved_on(&format!("the score of {node_id}")));
                }
                if before.points.is_some() {
                    let (_, bareme) = self.bareme_of_copy_in(conn, copy_id)?;
                    check_points(&bareme, node_id, before.points)?;
                }
                self.put_score_in(
                    conn,
                    copy_id,
                    node_id,
                    (before.points, before.remark.clone()),
                    Some(current.version),
                    token,
                )
            }
            Edit::Appreciation {
                copy_id,
                before,
                after,
            } => {
                let current = self.appreciation_in(conn, copy_id)?;
                if current.text != after.text {
                    return Err(moved_on("the appreciation"));
                }
                self.put_appreciation_in(
                    conn,
                    copy_id,
                    before.text.clone(),
                    Some(current.version),
                    token,
                )
            }
            Edit::Group { edits } => {
                let mut out = Vec::with_capacity(edits.len());
                for e in edits.iter().rev() {
                    out.push(self.revert_in(conn, e, token)?);
                }
                Ok(Edit::Group { edits: out })
            }
        }
    }

    /// Puts back what `edit` changed, as one new change; returns the edit that did it.
    pub fn revert(&mut self, edit: &Edit, token: Option<i64>) -> Result<Edit> {
        let tx = self.conn.unchecked_transaction()?;
        let done = self.revert_in(&tx, edit, token)?;
        tx.commit()?;
        Ok(done)
    }

    /// Undoes the last edit of `history`. `Ok(None)` when there is nothing to undo. On a
    /// conflict the entry is dropped (what it touched changed since); on a lost lease it
    /// stays, to be undone once the lease is back.
    pub fn undo(&mut self, history: &mut History, token: Option<i64>) -> Result<Option<Edit>> {
        let Some(edit) = history.pop_undo() else {
            return Ok(None);
        };
        match self.revert(&edit, token) {
            Ok(done) => {
                history.push_undone(done.clone());
                Ok(Some(done))
            }
            Err(e) => {
                if keeps_entry(e.code) {
                    history.push_done(edit);
                }
                Err(e)
            }
        }
    }

    /// Redoes the last undone edit (the undo of the undo).
    pub fn redo(&mut self, history: &mut History, token: Option<i64>) -> Result<Option<Edit>> {
        let Some(edit) = history.pop_redo() else {
            return Ok(None);
        };
        match self.revert(&edit, token) {
            Ok(done) => {
                history.push_done(done.clone());
                Ok(Some(done))
            }
            Err(e) => {
                if keeps_entry(e.code) {
                    history.push_undone(edit);
                }
                Err(e)
            }
        }
    }
}

fn moved_on(what: &str) -> Error {
    Error::conflict(format!(
        "{what} was changed since (elsewhere or by another window): this step cannot be undone"
    ))
}

fn keeps_entry(code: ErrorCode) -> bool {
    !matches!(
        code,
        ErrorCode::Conflict | ErrorCode::Validation | ErrorCode::NotFound
    )
}
