//! Where the station stands with the server, as the CLI and the desktop show it: how many
//! changes wait, when the last sync went through, the last error, and every conflict and
//! rejection this station got back, with the conflicts the server kept aside.
//!
//! Invariant: issues are never dropped here; only a server restore (a new epoch) clears
//! the verdicts it lost, since those changes are judged again.

use crate::error::Result;
use crate::store::Store;
use crate::sync::ConflictState;
use serde::Serialize;

/// A change of this station that the server did not apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncIssue {
    pub seq: i64,
    pub mutation_id: String,
    pub name: String,
    pub target: String,
    /// `conflict` or `rejected`.
    pub status: String,
    pub code: Option<String>,
    pub message: Option<String>,
    pub at: String,
    /// The change as it was made here, to redo it by hand.
    pub args: serde_json::Value,
    /// The server's entities that won (conflicts).
    pub winners: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncStatus {
    pub station_id: String,
    /// Changes not yet acknowledged by the server.
    pub pending: usize,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub last_attempt: Option<String>,
    pub server_epoch: Option<String>,
    pub cursor: i64,
    /// Pulled entities waiting for their parent row.
    pub parked: usize,
    pub issues: Vec<SyncIssue>,
    /// Conflicts the server kept aside (from every station).
    pub conflicts: Vec<ConflictState>,
}

impl Store {
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let pending: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        let parked: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM sync_parked", [], |r| r.get(0))?;
        let (last_success, last_error, last_attempt, server_epoch, cursor) = self.conn.query_row(
            "SELECT last_success, last_error, last_attempt, server_epoch, pull_cursor FROM sync_state",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let mut stmt = self.conn.prepare(
            "SELECT seq, mutation_id, name, target, status, code, message, at, args_json, winner_json \
             FROM sync_issue ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                SyncIssue {
                    seq: r.get(0)?,
                    mutation_id: r.get(1)?,
                    name: r.get(2)?,
                    target: r.get(3)?,
                    status: r.get(4)?,
                    code: r.get(5)?,
                    message: r.get(6)?,
                    at: r.get(7)?,
                    args: serde_json::Value::Null,
                    winners: serde_json::Value::Null,
                },
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut issues = Vec::new();
        for row in rows {
            let (mut issue, args, winners) = row?;
            issue.args = serde_json::from_str(&args)?;
            issue.winners = serde_json::from_str(&winners)?;
            issues.push(issue);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT body_json FROM sync_conflict ORDER BY id")?;
        let conflicts = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .map(|j| Ok(serde_json::from_str(&j?)?))
            .collect::<Result<Vec<ConflictState>>>()?;
        Ok(SyncStatus {
            station_id: self.station_id.clone(),
            pending: pending as usize,
            last_success,
            last_error,
            last_attempt,
            server_epoch,
            cursor,
            parked: parked as usize,
            issues,
            conflicts,
        })
    }
}
