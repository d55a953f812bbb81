//! The station and its server, as the window's sync panel sees it: signing in and out
//! (the token goes to the OS keyring), the background sync loop, a sync on demand, and
//! where things stand — changes waiting, the last success, the last error, and every
//! conflict and rejection.
//!
//! Invariants: the loop runs on its own thread with its own store connection and says
//! what each round gave through [`Events::sync`]; at most one loop runs; signing out
//! stops it before the token is forgotten.

use crate::{Events, Station};
use korrigo_core::store::sync::SyncStatus;
use korrigo_core::{Error, ErrorCode, Result};
use korrigo_sync::account::{self, SignIn};
use korrigo_sync::profile::DEFAULT_PROFILE;
use korrigo_sync::{LoopEvent, Profile, Profiles, SyncLoop, SyncLoopConfig};
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// What one round of the background sync gave, for the window to refresh its panel.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncEvent {
    pub ok: bool,
    pub message: String,
    /// Seconds until the next try after a failure.
    pub retry_in: Option<u64>,
}

/// A change of this station the server did not apply, or a conflict it kept aside.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncIssueView {
    /// `conflict`, `rejected`, or `kept` (a conflict the server kept, from any station).
    pub status: String,
    pub name: String,
    pub target: String,
    pub message: String,
    pub at: String,
    /// The station where the change was made.
    pub station: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncView {
    pub profile: Option<String>,
    pub server_url: Option<String>,
    pub signed_in: bool,
    /// The background sync runs.
    pub running: bool,
    /// Changes made here that the server has not acknowledged yet.
    pub pending: u32,
    pub last_success: Option<String>,
    pub last_error: Option<String>,
    pub issues: Vec<SyncIssueView>,
    /// Why the token could not be read, when the OS keyring is out of reach.
    pub keyring_error: Option<String>,
}

fn issues(status: &SyncStatus) -> Vec<SyncIssueView> {
    let own = status.issues.iter().map(|i| SyncIssueView {
        status: i.status.clone(),
        name: i.name.clone(),
        target: i.target.clone(),
        message: i.message.clone().unwrap_or_default(),
        at: i.at.clone(),
        station: None,
    });
    let kept = status.conflicts.iter().map(|c| SyncIssueView {
        status: "kept".into(),
        name: c.name.clone(),
        target: c.target.clone(),
        message: c.reason.clone(),
        at: c.at.clone(),
        station: Some(c.station_id.clone()),
    });
    own.chain(kept).collect()
}

impl Station {
    fn config_dir(&self) -> Result<PathBuf> {
        korrigo_sync::profile::config_dir()
    }

    fn profile(&self) -> Result<Option<Profile>> {
        account::profile_of(&self.config_dir()?, &self.data_dir)
    }

    /// Where the station stands with its server.
    pub fn sync_view(&self) -> Result<SyncView> {
        let status = self.store()?.sync_status()?;
        let profile = self.profile()?;
        let (signed_in, keyring_error) = match &profile {
            Some(p) => match self.tokens.get(p) {
                Ok(t) => (t.is_some(), None),
                Err(e) => (false, Some(e.message)),
            },
            None => (false, None),
        };
        Ok(SyncView {
            profile: profile.as_ref().map(|p| p.name.clone()),
            server_url: profile.map(|p| p.server_url),
            signed_in,
            running: self.sync.lock().map(|l| l.is_some()).unwrap_or(false),
            pending: status.pending as u32,
            last_success: status.last_success.clone(),
            last_error: status.last_error.clone(),
            issues: issues(&status),
            keyring_error,
        })
    }

    /// Signs this station in to `server` as `login` and starts syncing in the background.
    pub fn sign_in(&self, server: &str, login: &str, password: &str) -> Result<SyncView> {
        let config = self.config_dir()?;
        let name = match self.profile()? {
            Some(p) => p.name,
            None => free_profile_name(&Profiles::load(&config)?),
        };
        let station_id = self.store()?.station_id().to_string();
        let req = SignIn {
            profile: &name,
            server,
            login,
            password,
            data_dir: Some(self.data_dir.clone()),
            data_root: &self.data_dir,
        };
        let signed = account::sign_in(&config, &*self.tokens, &req, &station_id)?;
        self.start_sync(&signed.profile)?;
        self.sync_view()
    }

    /// Stops syncing, ends the session on the server if it answers, forgets the token.
    pub fn sign_out(&self) -> Result<SyncView> {
        self.stop_sync();
        if let Some(p) = self.profile()? {
            if let Some(e) = account::sign_out(&*self.tokens, &p)? {
                log_event(
                    &self.jobs.events(),
                    false,
                    format!("the server did not end the session: {}", e.message),
                    None,
                );
            }
        }
        self.sync_view()
    }

    /// Starts the background sync if this station is signed in; says why not otherwise.
    pub fn resume_sync(&self) -> Result<SyncView> {
        let profile = self.profile()?.ok_or_else(|| {
            Error::new(
                ErrorCode::Unauthorized,
                "this station is not signed in to a server",
            )
        })?;
        self.start_sync(&profile)?;
        self.sync_view()
    }

    /// Syncs now: wakes the background sync.
    pub fn sync_now(&self) -> Result<SyncView> {
        {
            let running = self
                .sync
                .lock()
                .map_err(|_| Error::internal("the sync loop is unusable after a crash"))?;
            match running.as_ref() {
                Some(l) => l.nudge(),
                None => {
                    drop(running);
                    return self.resume_sync();
                }
            }
        }
        self.sync_view()
    }

    fn start_sync(&self, profile: &Profile) -> Result<()> {
        let client = account::client_for(&*self.tokens, profile)?;
        self.stop_sync();
        let events = self.jobs.events();
        let sync_loop = SyncLoop::start(
            self.data_dir.clone(),
            Some(self.user.clone()),
            client,
            SyncLoopConfig::default(),
            move |event| match event {
                LoopEvent::Synced(r) => log_event(
                    &events,
                    true,
                    format!(
                        "{} sent ({} conflicts, {} rejected), {} received",
                        r.pushed, r.conflicts, r.rejected, r.pulled
                    ),
                    None,
                ),
                LoopEvent::Failed {
                    error, retry_in, ..
                } => log_event(&events, false, error.message, Some(retry_in.as_secs())),
            },
        );
        *self
            .sync
            .lock()
            .map_err(|_| Error::internal("the sync loop is unusable after a crash"))? =
            Some(sync_loop);
        Ok(())
    }

    fn stop_sync(&self) {
        let running = self.sync.lock().ok().and_then(|mut l| l.take());
        if let Some(l) = running {
            l.stop();
        }
    }
}

fn log_event(events: &Arc<dyn Events>, ok: bool, message: String, retry_in: Option<u64>) {
    events.sync(&SyncEvent {
        ok,
        message,
        retry_in,
    });
}

/// `default` when free, else the first `station-N` that is.
fn free_profile_name(profiles: &Profiles) -> String {
    if profiles.get(DEFAULT_PROFILE).is_none() {
        return DEFAULT_PROFILE.to_string();
    }
    (2..)
        .map(|n| format!("station-{n}"))
        .find(|n| profiles.get(n).is_none())
        .expect("some name is free")
}
