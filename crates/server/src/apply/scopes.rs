//! The locks a run of mutations takes before it applies anything, so that runs touching
//! different copies go on side by side while those touching the same copy or exam take
//! turns. Grading and leases hold their copy exclusively and its exam shared; changes
//! of structure (import, identification, barème, roster, …) hold their exams
//! exclusively. All of a run's locks are PostgreSQL advisory locks taken in one
//! statement in key order, so two runs never wait on each other in a cycle.
//!
//! Invariant: an entity a rule reads is in a scope its run holds, so what the run reads
//! stays as read until it commits (see `db`).

use super::Tx;
use korrigo_core::sync::Mutation;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Mutations that act on one copy under its lease.
fn copy_of(m: &Mutation) -> Option<&str> {
    match m.name.as_str() {
        "score.set" | "appreciation.set" | "annotation.put" | "annotation.delete"
        | "copy.finalize" | "copy.exported" | "lease.take" | "lease.renew" | "lease.release" => {
            m.args.get("copy_id").and_then(Value::as_str)
        }
        "lease.force_release" => m
            .args
            .get("lease")
            .and_then(|l| l.get("copy_id"))
            .and_then(Value::as_str),
        _ => None,
    }
}

/// What a change of structure names: its exams, and copies whose exam is looked up.
fn structure_of(m: &Mutation, exams: &mut BTreeSet<String>, copies: &mut BTreeSet<String>) {
    let Some(state) = &m.state else { return };
    let text = |v: &Value| v.as_str().map(str::to_owned);
    if let Some(id) = state.pointer("/exam/exam/id").and_then(text) {
        exams.insert(id);
    }
    for list in ["students", "copies"] {
        for item in state
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = item.get("exam_id").and_then(text) {
                exams.insert(id);
            }
        }
    }
    for id in state
        .get("deleted_copies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(text)
    {
        copies.insert(id);
    }
}

fn key(kind: &str, id: &str) -> i64 {
    let digest = Sha256::new()
        .chain_update(kind)
        .chain_update([0])
        .chain_update(id)
        .finalize();
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// What a run locks: the copies it grades or leases, the exams it changes in
/// structure, and the copies whose exam it changes.
#[derive(Debug, Default)]
pub struct Scopes {
    pub graded: BTreeSet<String>,
    exams: BTreeSet<String>,
    unknown: BTreeSet<String>,
}

impl Scopes {
    pub fn of(run: &[Mutation]) -> Scopes {
        let mut scopes = Scopes::default();
        for m in run {
            if let Some(copy) = copy_of(m) {
                scopes.graded.insert(copy.to_owned());
            } else {
                structure_of(m, &mut scopes.exams, &mut scopes.unknown);
            }
        }
        scopes
    }

    /// The exams of the copies named, in one statement. The exam of a copy never
    /// changes, so it can be read before the locks (and alongside other statements).
    pub async fn exams(
        &self,
        tx: &Tx<'_>,
    ) -> Result<BTreeMap<String, String>, tokio_postgres::Error> {
        let asked: Vec<&str> = self
            .graded
            .iter()
            .chain(&self.unknown)
            .map(String::as_str)
            .collect();
        if asked.is_empty() {
            return Ok(BTreeMap::new());
        }
        Ok(crate::prepared::all(
            tx,
            "SELECT key, exam_id FROM entity WHERE kind = 'copy' AND key = ANY($1)",
            &[&asked],
        )
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
    }

    /// Takes every lock, in one statement and in key order: graded copies exclusive
    /// with their exams shared, the exams changed in structure and the exams of the
    /// copies in `unknown` exclusive.
    pub async fn lock(
        &self,
        tx: &Tx<'_>,
        exam_of: &BTreeMap<String, String>,
    ) -> Result<(), tokio_postgres::Error> {
        let mut locks: BTreeMap<i64, bool> = BTreeMap::new();
        let changed = self
            .exams
            .iter()
            .chain(self.unknown.iter().filter_map(|c| exam_of.get(c)));
        for exam in changed {
            locks.insert(key("exam", exam), true);
        }
        for copy in &self.graded {
            locks.insert(key("copy", copy), true);
            if let Some(exam) = exam_of.get(copy) {
                locks.entry(key("exam", exam)).or_insert(false);
            }
        }
        if locks.is_empty() {
            return Ok(());
        }
        let keys: Vec<i64> = locks.keys().copied().collect();
        let exclusive: Vec<bool> = locks.values().copied().collect();
        crate::prepared::exec(tx, "SELECT lock_scopes($1, $2)", &[&keys, &exclusive]).await?;
        Ok(())
    }

    async fn lock_alone(&self, tx: &Tx<'_>) -> Result<(), tokio_postgres::Error> {
        let exam_of = self.exams(tx).await?;
        self.lock(tx, &exam_of).await
    }
}

/// The locks of one copy outside a push (an administrator's force-release).
pub async fn lock_copy(tx: &Tx<'_>, copy_id: &str) -> Result<(), tokio_postgres::Error> {
    let scopes = Scopes {
        graded: BTreeSet::from([copy_id.to_owned()]),
        ..Scopes::default()
    };
    scopes.lock_alone(tx).await
}

/// The exclusive lock of one exam outside a push (releasing its results).
pub async fn lock_exam(tx: &Tx<'_>, exam_id: &str) -> Result<(), tokio_postgres::Error> {
    let scopes = Scopes {
        exams: BTreeSet::from([exam_id.to_owned()]),
        ..Scopes::default()
    };
    scopes.lock_alone(tx).await
}
