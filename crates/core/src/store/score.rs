//! Scores, remarks and appreciations of a copy, written under its lease. Points are
//! checked against the barème (0 ≤ points ≤ max, a multiple of the leaf's step); a
//! remark may sit on any node. Every write bumps the row's version and returns the
//! [`Edit`] that undo needs.

use super::outbox::Change;
use super::{now, Store};
use crate::error::{Error, Result};
use crate::grading::history::{AppreciationEntry, Edit};
use crate::grading::totals::{self, CopyGrade, Entered};
use crate::grading::{Bareme, Points};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

pub use crate::grading::history::ScoreEntry;

pub const MAX_REMARK_CHARS: usize = 4_000;

fn check_text(text: Option<String>, what: &str) -> Result<Option<String>> {
    let text = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    if let Some(t) = &text {
        if t.chars().count() > MAX_REMARK_CHARS {
            return Err(Error::validation(format!(
                "{what} holds at most {MAX_REMARK_CHARS} characters"
            )));
        }
    }
    Ok(text)
}

pub(crate) fn check_points(bareme: &Bareme, node_id: &str, points: Option<Points>) -> Result<()> {
    let Some(p) = points else { return Ok(()) };
    let leaf = bareme
        .leaf(node_id)
        .ok_or_else(|| match bareme.node(node_id) {
            Some(n) => Error::validation(format!(
                "'{}' has sub-questions: score them one by one",
                n.label
            )),
            None => Error::validation(format!(
                "'{node_id}' is not a question of this exam's barème"
            )),
        })?;
    if p < Points::ZERO || p > leaf.max {
        return Err(Error::validation(format!(
            "'{}': {p} is outside 0 to {}",
            leaf.title(),
            leaf.max
        )));
    }
    if !p.is_multiple_of(leaf.step) {
        return Err(Error::validation(format!(
            "'{}': {p} is not a multiple of {} (the question's step)",
            leaf.title(),
            leaf.step.points()
        )));
    }
    Ok(())
}

impl Store {
    pub(crate) fn score_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        node_id: &str,
    ) -> Result<ScoreEntry> {
        Ok(conn
            .query_row(
                "SELECT quarters, remark, version FROM score WHERE copy_id = ?1 AND node_id = ?2",
                params![copy_id, node_id],
                |r| {
                    Ok(ScoreEntry {
                        points: r.get::<_, Option<i64>>(0)?.map(Points::from_quarters),
                        remark: r.get(1)?,
                        version: r.get(2)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    /// Writes a score row's points and remark if it is still at `expected` (when given).
    pub(crate) fn put_score_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        node_id: &str,
        (points, remark): (Option<Points>, Option<String>),
        expected: Option<i64>,
        token: Option<i64>,
    ) -> Result<Edit> {
        let before = self.score_in(conn, copy_id, node_id)?;
        if let Some(v) = expected {
            if v != before.version {
                return Err(Error::conflict(format!(
                    "the score of {node_id} on copy {copy_id} changed meanwhile (version {} instead of {v})",
                    before.version
                )));
            }
        }
        let after = ScoreEntry {
            points,
            remark,
            version: before.version + 1,
        };
        conn.execute(
            "INSERT INTO score (copy_id, node_id, quarters, remark, version, updated_at, updated_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT(copy_id, node_id) DO UPDATE SET quarters = excluded.quarters, remark = excluded.remark, \
             version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![
                copy_id,
                node_id,
                after.points.map(Points::quarters),
                after.remark,
                after.version,
                now(),
                self.actor
            ],
        )?;
        self.log_in(
            conn,
            Change {
                name: "score.set",
                target: copy_id,
                args: json!({ "copy_id": copy_id, "node_id": node_id, "points": after.points, "remark": after.remark }),
                base_version: Some(before.version),
                lease_token: token,
            },
        )?;
        Ok(Edit::Score {
            copy_id: copy_id.to_string(),
            node_id: node_id.to_string(),
            before,
            after,
        })
    }

    /// Sets (or clears, with `None`) the points of a leaf.
    pub fn set_points(
        &mut self,
        copy_id: &str,
        token: Option<i64>,
        node_id: &str,
        points: Option<Points>,
    ) -> Result<Edit> {
        let tx = self.conn.unchecked_transaction()?;
        self.check_lease_in(&tx, copy_id, token)?;
        let (_, bareme) = self.bareme_of_copy_in(&tx, copy_id)?;
        if bareme.node(node_id).is_none() {
            return Err(Error::validation(format!(
                "'{node_id}' is not a question of this exam's barème"
            )));
        }
        check_points(&bareme, node_id, points)?;
        let remark = self.score_in(&tx, copy_id, node_id)?.remark;
        let edit = self.put_score_in(&tx, copy_id, node_id, (points, remark), None, token)?;
        tx.commit()?;
        Ok(edit)
    }

    /// Sets (or clears) the remark on any node of the barème.
    pub fn set_remark(
        &mut self,
        copy_id: &str,
        token: Option<i64>,
        node_id: &str,
        remark: Option<String>,
    ) -> Result<Edit> {
        let remark = check_text(remark, "a remark")?;
        let tx = self.conn.unchecked_transaction()?;
        self.check_lease_in(&tx, copy_id, token)?;
        let (_, bareme) = self.bareme_of_copy_in(&tx, copy_id)?;
        if bareme.node(node_id).is_none() {
            return Err(Error::validation(format!(
                "'{node_id}' is not a question of this exam's barème"
            )));
        }
        let points = self.score_in(&tx, copy_id, node_id)?.points;
        let edit = self.put_score_in(&tx, copy_id, node_id, (points, remark), None, token)?;
        tx.commit()?;
        Ok(edit)
    }

    pub(crate) fn appreciation_in(
        &self,
        conn: &Connection,
        copy_id: &str,
    ) -> Result<AppreciationEntry> {
        Ok(conn
            .query_row(
                "SELECT text, version FROM appreciation WHERE copy_id = ?1",
                [copy_id],
                |r| {
                    Ok(AppreciationEntry {
                        text: r.get(0)?,
                        version: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }

    pub(crate) fn put_appreciation_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        text: Option<String>,
        expected: Option<i64>,
        token: Option<i64>,
    ) -> Result<Edit> {
        let before = self.appreciation_in(conn, copy_id)?;
        if expected.is_some_and(|v| v != before.version) {
            return Err(Error::conflict(format!(
                "the appreciation of copy {copy_id} changed meanwhile"
            )));
        }
        let after = AppreciationEntry {
            text,
            version: before.version + 1,
        };
        conn.execute(
            "INSERT INTO appreciation (copy_id, text, version, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT(copy_id) DO UPDATE SET text = excluded.text, version = excluded.version, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![copy_id, after.text, after.version, now(), self.actor],
        )?;
        self.log_in(
            conn,
            Change {
                name: "appreciation.set",
                target: copy_id,
                args: json!({ "copy_id": copy_id, "text": after.text }),
                base_version: Some(before.version),
                lease_token: token,
            },
        )?;
        Ok(Edit::Appreciation {
            copy_id: copy_id.to_string(),
            before,
            after,
        })
    }

    /// Sets (or clears) the copy's overall appreciation.
    pub fn set_appreciation(
        &mut self,
        copy_id: &str,
        token: Option<i64>,
        text: Option<String>,
    ) -> Result<Edit> {
        let text = check_text(text, "an appreciation")?;
        let tx = self.conn.unchecked_transaction()?;
        self.check_lease_in(&tx, copy_id, token)?;
        let edit = self.put_appreciation_in(&tx, copy_id, text, None, token)?;
        tx.commit()?;
        Ok(edit)
    }

    pub fn appreciation(&self, copy_id: &str) -> Result<Option<String>> {
        self.copy_status_in(&self.conn, copy_id)?;
        Ok(self.appreciation_in(&self.conn, copy_id)?.text)
    }

    pub(crate) fn entered_in(&self, conn: &Connection, copy_id: &str) -> Result<Entered> {
        let mut e = Entered::default();
        let mut stmt =
            conn.prepare_cached("SELECT node_id, quarters, remark FROM score WHERE copy_id = ?1")?;
        let rows = stmt.query_map([copy_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        for row in rows {
            let (node, q, remark) = row?;
            if let Some(q) = q {
                e.points.insert(node.clone(), Points::from_quarters(q));
            }
            if let Some(r) = remark {
                e.remarks.insert(node, r);
            }
        }
        let mut stmt = conn.prepare_cached(
            "SELECT node_id, SUM(delta_quarters) FROM annotation WHERE copy_id = ?1 AND kind = 'score' AND deleted = 0 GROUP BY node_id",
        )?;
        let rows = stmt.query_map([copy_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (node, q) = row?;
            e.stamps.insert(node, Points::from_quarters(q));
        }
        Ok(e)
    }

    /// The copy's grade: points per node, total, total on 20, what is missing.
    pub fn grade(&self, copy_id: &str) -> Result<CopyGrade> {
        let (_, bareme) = self.bareme_of_copy_in(&self.conn, copy_id)?;
        Ok(totals::grade(
            &bareme,
            &self.entered_in(&self.conn, copy_id)?,
        ))
    }
}
