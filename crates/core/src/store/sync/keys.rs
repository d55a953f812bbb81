//! The synced entities a pending change touches. A pulled entity whose key a pending
//! change touches is not applied: the local change wins until the server has judged it
//! (its outcome then brings the server's version).
//!
//! Invariant: every mutation name the store logs is mapped here or touches no synced
//! entity (users, comments); a roster import protects every student of its exam.

use crate::error::Result;
use crate::sync::{Entity, EntityKind, ScoreState};
use rusqlite::Connection;
use serde_json::Value;
use std::collections::HashSet;

/// The keys protected by pending changes.
#[derive(Debug, Default)]
pub(super) struct PendingKeys {
    keys: HashSet<(EntityKind, String)>,
    /// Exams whose roster import is pending: every student of them is protected.
    rosters: HashSet<String>,
}

impl PendingKeys {
    pub(super) fn load(conn: &Connection) -> Result<PendingKeys> {
        let mut stmt =
            conn.prepare("SELECT name, target, args_json FROM outbox WHERE state = 'pending'")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut keys = PendingKeys::default();
        for row in rows {
            let (name, target, args) = row?;
            let args: Value = serde_json::from_str(&args)?;
            keys.add(&name, &target, &args);
        }
        Ok(keys)
    }

    fn insert(&mut self, kind: EntityKind, key: &str) {
        self.keys.insert((kind, key.to_string()));
    }

    fn add(&mut self, name: &str, target: &str, args: &Value) {
        let s = |k: &str| args.get(k).and_then(Value::as_str).unwrap_or(target);
        match name {
            "score.set" => {
                let key = ScoreState::key(s("copy_id"), s("node_id"));
                self.insert(EntityKind::Score, &key);
            }
            "appreciation.set" => self.insert(EntityKind::Appreciation, s("copy_id")),
            "annotation.put" | "annotation.delete" => self.insert(EntityKind::Annotation, s("id")),
            n if n.starts_with("lease.") => {
                self.insert(EntityKind::Lease, target);
                self.insert(EntityKind::Copy, target);
            }
            "copy.finalize" => {
                self.insert(EntityKind::Copy, target);
                self.insert(EntityKind::Lease, target);
            }
            "copy.join" => {
                self.insert(EntityKind::Copy, s("into"));
                self.insert(EntityKind::Copy, s("from"));
            }
            // An export changes no entity the station pulls.
            "copy.exported" => {}
            n if n.starts_with("copy.") => self.insert(EntityKind::Copy, target),
            "import" => {
                for id in args
                    .get("copies")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    self.insert(EntityKind::Copy, id);
                }
            }
            "dispatch.run" => {
                for id in assigned_copies(args) {
                    self.insert(EntityKind::Copy, &id);
                }
            }
            "exam.create" | "exam.anonymous" | "bareme.set" => {
                self.insert(EntityKind::Exam, target)
            }
            "roster.import" => {
                self.rosters.insert(target.to_string());
            }
            _ => {}
        }
    }

    /// Whether a pending change touches the entity `(kind, key)` itself (a pending roster
    /// import protects its students by their exam: see `protects`).
    pub(super) fn protects_key(&self, kind: EntityKind, key: &str) -> bool {
        self.keys.contains(&(kind, key.to_string()))
    }

    /// Whether a pending change protects this entity.
    pub(super) fn protects(&self, e: &Entity) -> bool {
        if e.kind == EntityKind::Student {
            let exam = e
                .body
                .get("exam_id")
                .and_then(Value::as_str)
                .unwrap_or(&e.exam_id);
            if self.rosters.contains(exam) || self.rosters.contains(&e.exam_id) {
                return true;
            }
        }
        self.keys.contains(&(e.kind, e.key.clone()))
    }
}

/// The synced entities the change `name` touches (a roster import's students aside).
pub(super) fn touched(name: &str, target: &str, args: &Value) -> Vec<(EntityKind, String)> {
    let mut keys = PendingKeys::default();
    keys.add(name, target, args);
    let mut out: Vec<_> = keys.keys.into_iter().collect();
    out.sort();
    out
}

/// The copies a dispatch run (its args, a `DispatchRun`) gave a corrector.
pub(super) fn assigned_copies(args: &Value) -> Vec<String> {
    args.get("assignments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.get("copy_id").and_then(Value::as_str))
        .map(String::from)
        .collect()
}
