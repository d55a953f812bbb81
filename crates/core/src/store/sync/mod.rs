//! The station's side of sync with the central server, over the store: building the
//! batch of pending changes to push (`batch`), recording what the server said about them
//! (`outcomes`), applying what is pulled (`pull`, `apply`), the keys a pending change
//! protects from being overwritten (`keys`), the server's last word on each entity that
//! undoes a change it did not apply (`shadow`), and where the station stands (`status`).
//!
//! Invariants: the `sync_state` table has exactly one row; the pull cursor and the epoch
//! move only in the transaction that applied what they stand for; applying the server's
//! state writes no outbox or audit row (it is not a change made on this station).

mod apply;
mod batch;
mod keys;
mod outcomes;
mod pull;
mod shadow;
mod state;
mod status;

pub use outcomes::OutcomesRecorded;
pub use pull::PullApplied;
pub use status::{SyncIssue, SyncStatus};

use super::{now, Store};
use crate::error::Result;
use rusqlite::params;

impl Store {
    /// The server epoch this station last synced with (`None` before its first sync).
    pub fn server_epoch(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT server_epoch FROM sync_state", [], |r| r.get(0))?)
    }

    /// The server version to pull from next.
    pub fn pull_cursor(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT pull_cursor FROM sync_state", [], |r| r.get(0))?)
    }

    /// Notes that a sync starts now.
    pub fn record_sync_attempt(&self) -> Result<()> {
        self.conn
            .execute("UPDATE sync_state SET last_attempt = ?1", [now()])?;
        Ok(())
    }

    /// Notes a sync that went through: the last success moves, the last error clears.
    pub fn record_sync_success(&self) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET last_success = ?1, last_error = NULL",
            [now()],
        )?;
        Ok(())
    }

    /// Notes why a sync failed (kept until the next success).
    pub fn record_sync_error(&self, message: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET last_error = ?1",
            params![format!("{}: {message}", now())],
        )?;
        Ok(())
    }

    /// The server was restored from a backup (a new epoch) and has this station's changes
    /// only up to `server_last_seq`: every later change goes back to pending to be pushed
    /// again, its earlier verdict dropped, and the station pulls everything afresh.
    pub fn reset_for_epoch(&mut self, new_epoch: &str, server_last_seq: i64) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM sync_issue WHERE seq > ?1", [server_last_seq])?;
        tx.execute(
            "UPDATE outbox SET state = 'pending', result_json = NULL WHERE seq > ?1",
            [server_last_seq],
        )?;
        tx.execute("DELETE FROM sync_parked", [])?;
        shadow::forget_all(&tx)?;
        tx.execute(
            "UPDATE sync_state SET server_epoch = ?1, pull_cursor = 0",
            [new_epoch],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The server lost track after `expected_seq - 1` (a gap): the changes from
    /// `expected_seq` on go back to pending, to be pushed again in order.
    pub fn reset_from_seq(&mut self, expected_seq: i64) -> Result<usize> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM sync_issue WHERE seq >= ?1", [expected_seq])?;
        let n = tx.execute(
            "UPDATE outbox SET state = 'pending', result_json = NULL WHERE seq >= ?1 AND state <> 'pending'",
            [expected_seq],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// Records the epoch the server answered with, when the station had none yet.
    pub fn adopt_server_epoch(&self, epoch: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE sync_state SET server_epoch = ?1 WHERE server_epoch IS NULL",
            [epoch],
        )?;
        Ok(())
    }
}
