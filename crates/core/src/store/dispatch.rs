//! Dispatching an exam's ready copies to correctors, recorded as a run, and moving
//! copies from one corrector to another. Copies being graded (leased) or graded keep
//! their corrector.

use super::outbox::Change;
use super::{now, Role, Store};
use crate::error::{Error, Result};
use crate::grading::dispatch::{self, Plan};
use crate::model::new_id;
use rusqlite::params;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Assignment {
    pub copy_id: String,
    pub copy_seq: u32,
    pub corrector: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct DispatchRun {
    pub id: String,
    pub exam_id: String,
    pub at: String,
    pub actor: String,
    pub method: String,
    pub seed: Option<u64>,
    pub assignments: Vec<Assignment>,
}

/// What to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reassign {
    /// One copy to `to`.
    Copy { copy_id: String, to: String },
    /// Every copy of `from` not yet started to `to`.
    Corrector { from: String, to: String },
}

impl Store {
    /// Deals the exam's ready copies (only those without a corrector, unless `redo`).
    pub fn dispatch(&mut self, exam_id: &str, plan: &Plan, redo: bool) -> Result<DispatchRun> {
        self.require(&[Role::Admin], "dispatch copies")?;
        self.exam(exam_id)?;
        let tx = self.conn.unchecked_transaction()?;
        let mut stmt = tx.prepare(
            "SELECT id, seq FROM copy WHERE exam_id = ?1 AND status = 'ready' AND (?2 OR corrector IS NULL) ORDER BY seq",
        )?;
        let copies: Vec<(String, u32)> = stmt
            .query_map(params![exam_id, redo], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        drop(stmt);
        if copies.is_empty() {
            return Err(Error::validation(format!(
                "exam {exam_id} has no ready copy left to dispatch"
            )));
        }
        let ids: Vec<String> = copies.iter().map(|c| c.0.clone()).collect();
        let dealt = dispatch::deal(&ids, plan)?;
        let (method, seed) = match plan {
            Plan::RoundRobin { seed, .. } => ("round_robin", *seed),
            Plan::Counts { seed, .. } => ("counts", *seed),
        };
        let run = DispatchRun {
            id: new_id().to_string(),
            exam_id: exam_id.to_string(),
            at: now(),
            actor: self.actor.clone(),
            method: method.into(),
            seed: Some(seed),
            assignments: dealt
                .into_iter()
                .zip(&copies)
                .map(|((copy_id, corrector), (_, seq))| Assignment {
                    copy_id,
                    copy_seq: *seq,
                    corrector,
                })
                .collect(),
        };
        self.record_run_in(&tx, &run, json!({ "plan": plan, "redo": redo }))?;
        tx.commit()?;
        Ok(run)
    }

    fn record_run_in(
        &self,
        tx: &rusqlite::Connection,
        run: &DispatchRun,
        detail: serde_json::Value,
    ) -> Result<()> {
        tx.execute(
            "INSERT INTO dispatch_run (id, exam_id, at, actor, method, seed, detail_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                run.id,
                run.exam_id,
                run.at,
                run.actor,
                run.method,
                run.seed.map(|s| s as i64),
                detail.to_string()
            ],
        )?;
        for a in &run.assignments {
            tx.execute(
                "UPDATE copy SET corrector = ?2, dispatch_run_id = ?3 WHERE id = ?1",
                params![a.copy_id, a.corrector, run.id],
            )?;
        }
        self.log_in(
            tx,
            Change {
                name: "dispatch.run",
                target: &run.exam_id,
                args: json!(run),
                base_version: None,
                lease_token: None,
            },
        )
    }

    /// Moves copies to another corrector, recorded as a run of its own.
    pub fn reassign(&mut self, exam_id: &str, what: &Reassign) -> Result<DispatchRun> {
        self.require(&[Role::Admin], "reassign copies")?;
        self.exam(exam_id)?;
        let to = match what {
            Reassign::Copy { to, .. } | Reassign::Corrector { to, .. } => to.trim(),
        };
        if to.is_empty() {
            return Err(Error::validation(
                "name the corrector who receives the copies",
            ));
        }
        let tx = self.conn.unchecked_transaction()?;
        let rows: Vec<(String, u32, String)> = match what {
            Reassign::Copy { copy_id, .. } => {
                let row: (String, u32, String, String) = tx
                    .query_row(
                        "SELECT id, seq, status, exam_id FROM copy WHERE id = ?1",
                        [copy_id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                    .map_err(|_| {
                        Error::not_found(format!("no copy with id {copy_id} on this station"))
                    })?;
                if row.3 != exam_id {
                    return Err(Error::validation(format!(
                        "copy {copy_id} is not in exam {exam_id}"
                    )));
                }
                vec![(row.0, row.1, row.2)]
            }
            Reassign::Corrector { from, .. } => {
                let mut stmt = tx.prepare(
                    "SELECT id, seq, status FROM copy WHERE exam_id = ?1 AND corrector = ?2 AND status IN ('ready', 'needs_review') ORDER BY seq",
                )?;
                let v = stmt
                    .query_map(params![exam_id, from], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?
                    .collect::<rusqlite::Result<_>>()?;
                v
            }
        };
        if rows.is_empty() {
            return Err(Error::validation("no copy to reassign"));
        }
        for (id, _, status) in &rows {
            if status == "leased" || status == "graded" {
                return Err(Error::conflict(format!(
                    "copy {id} is {status}: it stays with its corrector (force-release or reopen it first)"
                )));
            }
        }
        let run = DispatchRun {
            id: new_id().to_string(),
            exam_id: exam_id.to_string(),
            at: now(),
            actor: self.actor.clone(),
            method: "reassign".into(),
            seed: None,
            assignments: rows
                .into_iter()
                .map(|(copy_id, copy_seq, _)| Assignment {
                    copy_id,
                    copy_seq,
                    corrector: to.to_string(),
                })
                .collect(),
        };
        let detail = match what {
            Reassign::Copy { copy_id, to } => json!({ "copy_id": copy_id, "to": to }),
            Reassign::Corrector { from, to } => json!({ "from": from, "to": to }),
        };
        self.record_run_in(&tx, &run, detail)?;
        tx.commit()?;
        Ok(run)
    }
}
