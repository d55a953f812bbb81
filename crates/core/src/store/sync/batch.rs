//! The batch to push: pending outbox rows in seq order as protocol `Mutation`s.
//!
//! Invariants: `base_version` of a grading change (score, appreciation, annotation) is
//! the server version the station now holds of that entity, else the outbox's own; a
//! change of structure carries the state of what it touched as it stands at push time
//! (state-based: a later state than the change's own is fine, the server keeps the last).

use super::keys::assigned_copies;
use super::state::{copy_state, copy_states, exam_state, student_states};
use crate::error::Result;
use crate::store::Store;
use crate::sync::{Mutation, StructureState};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

impl Store {
    /// Up to `limit` pending changes, oldest first, ready to push.
    pub fn sync_batch(&self, limit: usize) -> Result<Vec<Mutation>> {
        let tx = self.conn.unchecked_transaction()?;
        let mut stmt = tx.prepare(
            "SELECT seq, mutation_id, name, target, args_json, base_version, lease_token \
             FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?1",
        )?;
        let rows = stmt
            .query_map([limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<i64>>(5)?,
                    r.get::<_, Option<i64>>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        let mut out = Vec::with_capacity(rows.len());
        for (seq, id, name, target, args, base_version, lease_token) in rows {
            let args: Value = serde_json::from_str(&args)?;
            let base_version = match known_version(&tx, &name, &args)? {
                Known::Entity(v) => v,
                Known::NotAnEntity => base_version,
            };
            let state = structure_state(&tx, &name, &target, &args)?
                .map(|s| serde_json::to_value(&s))
                .transpose()?;
            out.push(Mutation {
                seq,
                id,
                name,
                target,
                args,
                base_version,
                lease_token,
                state,
            });
        }
        tx.commit()?;
        Ok(out)
    }
}

enum Known {
    /// A grading entity: the server version the station holds (`None`: never synced).
    Entity(Option<i64>),
    NotAnEntity,
}

fn known_version(conn: &Connection, name: &str, args: &Value) -> Result<Known> {
    let s = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or_default();
    let v: Option<Option<i64>> = match name {
        "score.set" => conn
            .query_row(
                "SELECT server_version FROM score WHERE copy_id = ?1 AND node_id = ?2",
                params![s("copy_id"), s("node_id")],
                |r| r.get(0),
            )
            .optional()?,
        "appreciation.set" => conn
            .query_row(
                "SELECT server_version FROM appreciation WHERE copy_id = ?1",
                [s("copy_id")],
                |r| r.get(0),
            )
            .optional()?,
        "annotation.put" | "annotation.delete" => conn
            .query_row(
                "SELECT server_version FROM annotation WHERE id = ?1",
                [s("id")],
                |r| r.get(0),
            )
            .optional()?,
        _ => return Ok(Known::NotAnEntity),
    };
    Ok(Known::Entity(v.flatten()))
}

/// The state a change of structure sends along, `None` for other changes.
fn structure_state(
    conn: &Connection,
    name: &str,
    target: &str,
    args: &Value,
) -> Result<Option<StructureState>> {
    let strs = |k: &str| -> Vec<String> {
        args.get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect()
    };
    let state = match name {
        "exam.create" | "exam.anonymous" | "bareme.set" => StructureState {
            exam: exam_state(conn, target)?,
            ..StructureState::default()
        },
        "roster.import" => StructureState {
            students: student_states(conn, target)?,
            ..StructureState::default()
        },
        "import" => StructureState {
            copies: copy_states(conn, strs("copies").iter().map(String::as_str))?,
            ..StructureState::default()
        },
        "copy.identify" | "copy.resolve_flag" | "copy.finalize" | "copy.reopen" => StructureState {
            copies: copy_state(conn, target)?.into_iter().collect(),
            ..StructureState::default()
        },
        "copy.join" => {
            let from = args
                .get("from")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            StructureState {
                copies: copy_state(conn, target)?.into_iter().collect(),
                deleted_copies: vec![from],
                ..StructureState::default()
            }
        }
        "dispatch.run" => StructureState {
            copies: copy_states(conn, assigned_copies(args).iter().map(String::as_str))?,
            ..StructureState::default()
        },
        _ => return Ok(None),
    };
    Ok(Some(state))
}
