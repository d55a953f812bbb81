//! One sync: push every pending change (their source PDFs uploaded first), then pull
//! every page the server has (their source PDFs downloaded first).
//!
//! Invariants: a push is applied only for the epoch the station knows (a new epoch
//! resets the station's outbox to what the server still has, and the push starts over);
//! a gap the server reports sends the changes from the expected seq again; a pulled
//! page lands whole with its cursor or not at all. Whatever fails is recorded as the
//! last error and left for the next try; nothing is dropped.

use crate::client::Client;
use crate::media::{download_missing, upload_missing, uploads_of};
use korrigo_core::error::{Error, Result};
use korrigo_core::store::Store;
use korrigo_core::sync::{PushRequest, PROTOCOL_VERSION};
use serde::Serialize;

/// At most this many changes per push (the server's limit).
pub const PUSH_BATCH: usize = 500;
/// Entities asked for per pull page.
pub const PULL_PAGE: usize = 500;
/// Restarts of a sync (new epoch, gap) before giving up until the next try.
const MAX_RESTARTS: usize = 3;

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Changes the server answered for.
    pub pushed: usize,
    /// ... of which applied,
    pub applied: usize,
    /// ... kept as conflicts,
    pub conflicts: usize,
    /// ... and refused.
    pub rejected: usize,
    /// Entities received by pulling.
    pub pulled: usize,
    /// ... of which written here,
    pub written: usize,
    /// ... left alone because a local change to them was still pending,
    pub skipped_pending: usize,
    /// ... and waiting for their parent row.
    pub parked: usize,
    /// Source PDFs sent and received.
    pub uploaded: usize,
    pub downloaded: usize,
    /// The server was restored from a backup: the station replayed what it lost.
    pub epoch_resets: usize,
    /// Events worth telling (a gap, a reset).
    pub notes: Vec<String>,
}

/// Runs one sync of the station's store with the server (see the module doc), and
/// records its success or its error in the store.
pub fn sync_once(store: &mut Store, client: &Client) -> Result<SyncReport> {
    store.record_sync_attempt()?;
    let mut report = SyncReport::default();
    match run(store, client, &mut report) {
        Ok(()) => {
            store.record_sync_success()?;
            Ok(report)
        }
        Err(e) => {
            let _ = store.record_sync_error(&e.message);
            Err(e)
        }
    }
}

fn run(store: &mut Store, client: &Client, report: &mut SyncReport) -> Result<()> {
    let mut restarts = 0;
    loop {
        if !push(store, client, report)? || !pull(store, client, report)? {
            restarts += 1;
            if restarts > MAX_RESTARTS {
                return Err(Error::conflict(format!(
                    "the sync had to start over {MAX_RESTARTS} times (server restored or out of step); \
                     it will be tried again later"
                )));
            }
            continue;
        }
        return Ok(());
    }
}

/// Pushes until nothing is pending; `false` when the sync must start over.
fn push(store: &mut Store, client: &Client, report: &mut SyncReport) -> Result<bool> {
    let mut gaps = 0;
    loop {
        let batch = store.sync_batch(PUSH_BATCH)?;
        if batch.is_empty() {
            return Ok(true);
        }
        report.uploaded += upload_missing(store, client, &uploads_of(&batch))?;
        let known = store.server_epoch()?;
        let first = batch[0].seq;
        let request = PushRequest {
            protocol: PROTOCOL_VERSION,
            station_id: store.station_id().to_string(),
            server_epoch: known.clone(),
            mutations: batch,
        };
        let response = client.push(&request)?;
        match known {
            Some(k) if k != response.server_epoch => {
                store.reset_for_epoch(&response.server_epoch, response.last_seq)?;
                report.epoch_resets += 1;
                report.notes.push(format!(
                    "the server was restored (epoch {k} -> {}): it has this station's changes up to #{}; \
                     the later ones are pushed again",
                    response.server_epoch, response.last_seq
                ));
                return Ok(false);
            }
            Some(_) => {}
            None => store.adopt_server_epoch(&response.server_epoch)?,
        }
        let recorded = store.record_outcomes(&response.outcomes)?;
        report.pushed += response.outcomes.len();
        report.applied += recorded.applied;
        report.conflicts += recorded.conflicts;
        report.rejected += recorded.rejected;
        if let Some(expected) = response.expected_seq {
            let reset = store.reset_from_seq(expected)?;
            report.notes.push(format!(
                "the server expects change #{expected} next (a gap): {reset} change(s) go again from there"
            ));
            gaps += 1;
            if gaps > MAX_RESTARTS {
                return Err(Error::conflict(format!(
                    "the server keeps expecting change #{expected}: the push is out of step"
                )));
            }
        } else if response.outcomes.is_empty() {
            return Err(Error::internal(format!(
                "the server answered no outcome for the changes from #{first}"
            )));
        }
    }
}

/// Pulls until the server has no more; `false` when the sync must start over.
fn pull(store: &mut Store, client: &Client, report: &mut SyncReport) -> Result<bool> {
    loop {
        let since = store.pull_cursor()?;
        let page = client.pull(since, PULL_PAGE)?;
        if let Some(known) = store.server_epoch()? {
            if known != page.server_epoch {
                let cursor = client.station_cursor(store.station_id())?;
                store.reset_for_epoch(&cursor.server_epoch, cursor.last_seq)?;
                report.epoch_resets += 1;
                report.notes.push(format!(
                    "the server was restored (epoch {known} -> {}): it has this station's changes up to #{}; \
                     the later ones are pushed again",
                    cursor.server_epoch, cursor.last_seq
                ));
                return Ok(false);
            }
        }
        let missing = store.missing_media(&page.entities);
        report.downloaded += download_missing(store, client, &missing)?;
        let applied = store.apply_pull(&page)?;
        report.pulled += page.entities.len();
        report.written += applied.applied;
        report.skipped_pending += applied.skipped_pending;
        report.parked = applied.parked;
        if !page.more {
            return Ok(true);
        }
        if page.next <= since {
            return Err(Error::internal(format!(
                "the server says more waits after version {since} but gives no later cursor"
            )));
        }
    }
}
