//! The outbox: every change made on this station, in order, waiting to be pushed to the
//! central server. A change's outbox row and its audit row are written in the
//! transaction of the change itself, so neither can exist without the other.
//!
//! Invariant: `seq` is dense and increasing (AUTOINCREMENT, and a rolled-back change
//! rolls its number back with it).

use super::{now, Store};
use crate::error::Result;
use crate::model::new_id;
use rusqlite::{params, Connection};
use serde::Serialize;

/// One change to log: its name (`score.set`, `lease.take`…), what it is about, its
/// arguments as the server will replay them, and what it was based on.
#[derive(Debug, Clone)]
pub(crate) struct Change<'a> {
    pub name: &'a str,
    pub target: &'a str,
    pub args: serde_json::Value,
    pub base_version: Option<i64>,
    pub lease_token: Option<i64>,
}

impl<'a> Change<'a> {
    /// A change based on no version and made under no lease.
    pub fn new(name: &'a str, target: &'a str, args: serde_json::Value) -> Self {
        Change {
            name,
            target,
            args,
            base_version: None,
            lease_token: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub mutation_id: String,
    pub name: String,
    pub target: String,
    pub args: serde_json::Value,
    pub base_version: Option<i64>,
    pub lease_token: Option<i64>,
    pub state: String,
    pub created_at: String,
}

impl Store {
    /// Writes the audit row and the outbox row of a change, inside its transaction.
    pub(crate) fn log_in(&self, conn: &Connection, change: Change<'_>) -> Result<()> {
        self.audit_in(conn, change.name, change.target, change.args.clone())?;
        conn.execute(
            "INSERT INTO outbox (mutation_id, name, target, args_json, base_version, lease_token, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                new_id().to_string(),
                change.name,
                change.target,
                change.args.to_string(),
                change.base_version,
                change.lease_token,
                now()
            ],
        )?;
        Ok(())
    }

    /// The changes not yet acknowledged by a server, oldest first.
    pub fn outbox_pending(&self) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, mutation_id, name, target, args_json, base_version, lease_token, state, created_at \
             FROM outbox WHERE state = 'pending' ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                OutboxEntry {
                    seq: r.get(0)?,
                    mutation_id: r.get(1)?,
                    name: r.get(2)?,
                    target: r.get(3)?,
                    args: serde_json::Value::Null,
                    base_version: r.get(5)?,
                    lease_token: r.get(6)?,
                    state: r.get(7)?,
                    created_at: r.get(8)?,
                },
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut e, args) = row?;
            e.args = serde_json::from_str(&args)?;
            out.push(e);
        }
        Ok(out)
    }
}
