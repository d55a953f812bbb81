//! The station as the desktop window drives it: every action of every screen is a
//! method of [`Station`], so a test can do whatever the window can, without a window.
//! The desktop shell (`src-tauri`) only forwards each command to one of these methods.
//!
//! Invariants: one store connection serves the window's commands (behind a mutex, as
//! commands arrive on several threads); long tasks (imports, exam exports) run on their
//! own thread with their own connection, report progress through [`jobs::Events`] and
//! stop when cancelled; each copy keeps its own undo history for the session.

mod exams;
mod exports;
mod grading;
mod identity;
pub mod jobs;
pub mod pages;
mod scanning;
mod sync;

pub use exams::ExamOverview;
pub use grading::{GradingView, UndoState};
pub use jobs::{Events, JobEvent, JobKind, JobState};
pub use sync::{SyncEvent, SyncIssueView, SyncView};

use korrigo_core::grading::History;
use korrigo_core::store::{Role, Store};
use korrigo_core::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// Who is at the station, and where its data lives.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Session {
    pub user: String,
    pub role: Role,
    pub data_dir: String,
    pub station_id: String,
}

pub struct Station {
    data_dir: PathBuf,
    user: String,
    store: Mutex<Store>,
    histories: Mutex<HashMap<String, History>>,
    jobs: jobs::Jobs,
    pages: pages::PageCache,
    sync: Mutex<Option<korrigo_sync::SyncLoop>>,
    tokens: Arc<dyn korrigo_sync::TokenStore + Send + Sync>,
}

impl std::fmt::Debug for Station {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Station")
            .field("data_dir", &self.data_dir)
            .field("user", &self.user)
            .finish()
    }
}

/// Where the station keeps its data when no folder is given.
pub fn default_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("org", "Korrigo", "Korrigo Station")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::validation("no home directory to keep the station's data in: choose a folder")
        })
}

impl Station {
    /// Opens the station in `data_dir` as `user` (else the OS user); job progress goes
    /// to `events`.
    pub fn open(data_dir: &Path, user: Option<&str>, events: Arc<dyn Events>) -> Result<Station> {
        let store = Store::open_as(data_dir, user)?;
        let user = store.actor().to_string();
        Ok(Station {
            data_dir: data_dir.to_path_buf(),
            user,
            store: Mutex::new(store),
            histories: Mutex::new(HashMap::new()),
            jobs: jobs::Jobs::new(events),
            pages: pages::PageCache::new(pages::CACHE_PAGES),
            sync: Mutex::new(None),
            tokens: Arc::new(korrigo_sync::KeyringTokens),
        })
    }

    /// Keeps server tokens in `tokens` instead of the OS keyring (tests without a
    /// session bus).
    pub fn with_token_store(
        mut self,
        tokens: Arc<dyn korrigo_sync::TokenStore + Send + Sync>,
    ) -> Station {
        self.tokens = tokens;
        self
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>> {
        self.store
            .lock()
            .map_err(|_| Error::internal("the station's store is unusable after a crash"))
    }

    /// A second connection, for a job that runs beside the window's commands.
    fn own_store(&self) -> Result<Store> {
        Store::open_as(&self.data_dir, Some(&self.user))
    }

    pub fn session(&self) -> Result<Session> {
        let store = self.store()?;
        Ok(Session {
            user: self.user.clone(),
            role: store.role_of(&self.user)?,
            data_dir: self.data_dir.display().to_string(),
            station_id: store.station_id().to_string(),
        })
    }

    /// Stops a running job; it reports `cancelled` when it has stopped.
    pub fn cancel_job(&self, job: u64) -> Result<()> {
        self.jobs.cancel(job)
    }

    /// Waits for a job to end and returns its last event (tests and the CLI).
    pub fn wait_job(&self, job: u64) -> Result<JobEvent> {
        self.jobs.wait(job)
    }
}
