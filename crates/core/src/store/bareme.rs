//! Setting and reading an exam's barème. Scores are keyed by node id, so editing the
//! barème after grading started keeps every score on its node: a lowered maximum flags
//! the scores above it (they count as the maximum and block finalizing), and removing a
//! node that carries scores is refused unless forced (those scores are then kept aside,
//! not counted, and come back if a node with that id does).

use super::outbox::Change;
use super::{Role, Store};
use crate::error::{Error, Result};
use crate::grading::{Bareme, Points};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;

/// A typed score above its leaf's maximum.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OverMax {
    pub copy_id: String,
    pub copy_seq: u32,
    pub node_id: String,
    pub title: String,
    pub points: Points,
    pub max: Points,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BaremeReport {
    pub exam_id: String,
    pub version: i64,
    pub bareme: Bareme,
    pub max_total: Points,
    pub over_max: Vec<OverMax>,
    /// Node ids that carry scores but are no longer leaves of the barème.
    pub orphaned: Vec<String>,
}

impl Store {
    pub(crate) fn bareme_in(&self, conn: &Connection, exam_id: &str) -> Result<Option<Bareme>> {
        let json: Option<Option<String>> = conn
            .query_row(
                "SELECT bareme_json FROM exam WHERE id = ?1",
                [exam_id],
                |r| r.get(0),
            )
            .optional()?;
        let json = json.ok_or_else(|| Error::not_found(format!("no exam with id {exam_id}")))?;
        json.map(|j| Ok(serde_json::from_str(&j)?)).transpose()
    }

    /// The barème of a copy's exam (`validation` if none is set yet).
    pub(crate) fn bareme_of_copy_in(
        &self,
        conn: &Connection,
        copy_id: &str,
    ) -> Result<(String, Bareme)> {
        let exam_id: String = conn
            .query_row("SELECT exam_id FROM copy WHERE id = ?1", [copy_id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| {
                Error::not_found(format!("no copy with id {copy_id} on this station"))
            })?;
        let b = self.bareme_in(conn, &exam_id)?.ok_or_else(|| {
            Error::validation(format!(
                "exam {exam_id} has no barème yet: set it with `korrigo bareme set`"
            ))
        })?;
        Ok((exam_id, b))
    }

    pub fn bareme(&self, exam_id: &str) -> Result<Option<Bareme>> {
        self.bareme_in(&self.conn, exam_id)
    }

    /// Sets the exam's barème (ids minted for new nodes). `force` allows removing nodes
    /// that carry scores.
    pub fn set_bareme(
        &mut self,
        exam_id: &str,
        bareme: Bareme,
        force: bool,
    ) -> Result<BaremeReport> {
        self.require(&[Role::Admin, Role::Teacher], "set a barème")?;
        let bareme = bareme.with_ids()?;
        let tx = self.conn.unchecked_transaction()?;
        let old = self.bareme_in(&tx, exam_id)?;
        let leaves: Vec<String> = bareme.leaves().into_iter().map(|l| l.id).collect();
        let mut stmt = tx.prepare(
            "SELECT node_id, COUNT(DISTINCT copy_id) FROM ( \
               SELECT s.node_id, s.copy_id FROM score s JOIN copy c ON c.id = s.copy_id \
                 WHERE c.exam_id = ?1 AND s.quarters IS NOT NULL \
               UNION ALL SELECT a.node_id, a.copy_id FROM annotation a JOIN copy c ON c.id = a.copy_id \
                 WHERE c.exam_id = ?1 AND a.kind = 'score' AND a.deleted = 0) GROUP BY node_id",
        )?;
        let scored: Vec<(String, i64)> = stmt
            .query_map([exam_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        let lost: Vec<&(String, i64)> =
            scored.iter().filter(|(n, _)| !leaves.contains(n)).collect();
        if !force {
            if let Some((node, copies)) = lost.first() {
                let name = old
                    .as_ref()
                    .and_then(|b| b.leaf(node))
                    .map(|l| l.title())
                    .unwrap_or_else(|| node.clone());
                return Err(Error::validation(format!(
                    "question '{name}' (id {node}) is scored on {copies} copies and would leave the barème \
                     (or get sub-questions): keep its id, or force the change (those scores are then kept aside, not counted)"
                )));
            }
        }
        let version: i64 = tx.query_row(
            "UPDATE exam SET bareme_json = ?2, bareme_version = bareme_version + 1 WHERE id = ?1 RETURNING bareme_version",
            params![exam_id, serde_json::to_string(&bareme)?],
            |r| r.get(0),
        )?;
        self.log_in(
            &tx,
            Change {
                name: "bareme.set",
                target: exam_id,
                args: json!({ "exam_id": exam_id, "bareme": bareme, "forced": force && !lost.is_empty() }),
                base_version: Some(version - 1),
                lease_token: None,
            },
        )?;
        tx.commit()?;
        self.bareme_report(exam_id)
    }

    /// The barème with its version, and the scores it leaves above a maximum or aside.
    pub fn bareme_report(&self, exam_id: &str) -> Result<BaremeReport> {
        let bareme = self
            .bareme(exam_id)?
            .ok_or_else(|| Error::not_found(format!("exam {exam_id} has no barème yet")))?;
        let version: i64 = self.conn.query_row(
            "SELECT bareme_version FROM exam WHERE id = ?1",
            [exam_id],
            |r| r.get(0),
        )?;
        let leaves = bareme.leaves();
        let mut stmt = self.conn.prepare(
            "SELECT s.copy_id, c.seq, s.node_id, s.quarters FROM score s JOIN copy c ON c.id = s.copy_id \
             WHERE c.exam_id = ?1 AND s.quarters IS NOT NULL ORDER BY c.seq, s.node_id",
        )?;
        let rows: Vec<(String, u32, String, i64)> = stmt
            .query_map([exam_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut over_max = Vec::new();
        let mut orphaned: Vec<String> = Vec::new();
        for (copy_id, copy_seq, node_id, q) in rows {
            let points = Points::from_quarters(q);
            match leaves.iter().find(|l| l.id == node_id) {
                Some(l) if points > l.max => over_max.push(OverMax {
                    copy_id,
                    copy_seq,
                    node_id,
                    title: l.title(),
                    points,
                    max: l.max,
                }),
                Some(_) => {}
                None if !orphaned.contains(&node_id) => orphaned.push(node_id),
                None => {}
            }
        }
        Ok(BaremeReport {
            exam_id: exam_id.to_string(),
            version,
            max_total: bareme.max_total(),
            bareme,
            over_max,
            orphaned,
        })
    }
}
