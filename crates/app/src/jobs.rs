//! Background jobs: long tasks (an import, an exam's PDF export) run on their own
//! thread, report progress as [`JobEvent`]s, and stop at the next step once cancelled.
//! Every job ends with exactly one event whose state is not `running`.

use korrigo_core::{Error, ErrorCode, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobKind {
    Import,
    ExportPdf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum JobState {
    Running,
    Done,
    Failed,
    Cancelled,
}

/// Where a job stands. `result` is the job's summary once done (an import summary, an
/// export summary); `error` says why it failed.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct JobEvent {
    pub job: u64,
    pub kind: JobKind,
    /// What is being worked on (a file name).
    pub label: String,
    pub done: u64,
    pub total: u64,
    pub state: JobState,
    #[ts(type = "unknown")]
    pub result: Option<serde_json::Value>,
    pub error: Option<Error>,
}

/// Receives job events (the desktop forwards them to the window).
pub trait Events: Send + Sync {
    fn job(&self, event: &JobEvent);
    /// A round of the background sync ended (see `crate::sync`).
    fn sync(&self, _event: &crate::sync::SyncEvent) {}
}

/// Progress callback handed to a job: `(label, done, total)`.
pub type Report<'a> = &'a (dyn Fn(&str, u64, u64) + Sync);

struct Slot {
    cancel: Arc<AtomicBool>,
    last: Option<JobEvent>,
}

pub(crate) struct Jobs {
    next: AtomicU64,
    events: Arc<dyn Events>,
    slots: Arc<(Mutex<HashMap<u64, Slot>>, Condvar)>,
}

impl Jobs {
    pub fn events(&self) -> Arc<dyn Events> {
        Arc::clone(&self.events)
    }

    pub fn new(events: Arc<dyn Events>) -> Jobs {
        Jobs {
            next: AtomicU64::new(1),
            events,
            slots: Arc::new((Mutex::new(HashMap::new()), Condvar::new())),
        }
    }

    /// Starts `work` on its own thread and returns the job's number at once.
    pub fn start<F>(&self, kind: JobKind, work: F) -> u64
    where
        F: FnOnce(Report<'_>, &AtomicBool) -> Result<serde_json::Value> + Send + 'static,
    {
        let job = self.next.fetch_add(1, Ordering::Relaxed);
        let cancel = Arc::new(AtomicBool::new(false));
        if let Ok(mut slots) = self.slots.0.lock() {
            slots.insert(
                job,
                Slot {
                    cancel: Arc::clone(&cancel),
                    last: None,
                },
            );
        }
        let events = Arc::clone(&self.events);
        let slots = Arc::clone(&self.slots);
        std::thread::spawn(move || {
            let emit = |e: JobEvent| {
                events.job(&e);
                if e.state != JobState::Running {
                    if let Ok(mut s) = slots.0.lock() {
                        if let Some(slot) = s.get_mut(&job) {
                            slot.last = Some(e);
                        }
                    }
                    slots.1.notify_all();
                }
            };
            let event = |label: &str, done, total, state| JobEvent {
                job,
                kind,
                label: label.to_string(),
                done,
                total,
                state,
                result: None,
                error: None,
            };
            emit(event("", 0, 0, JobState::Running));
            let report = |label: &str, done: u64, total: u64| {
                events.job(&event(label, done, total, JobState::Running));
            };
            let outcome = work(&report, &cancel);
            let end = match outcome {
                Ok(result) => JobEvent {
                    result: Some(result),
                    ..event("", 1, 1, JobState::Done)
                },
                Err(e) if e.code == ErrorCode::Cancelled => event("", 0, 0, JobState::Cancelled),
                Err(e) => JobEvent {
                    error: Some(e),
                    ..event("", 0, 0, JobState::Failed)
                },
            };
            emit(end);
        });
        job
    }

    pub fn cancel(&self, job: u64) -> Result<()> {
        let slots = self
            .slots
            .0
            .lock()
            .map_err(|_| Error::internal("jobs are unusable after a crash"))?;
        let slot = slots
            .get(&job)
            .ok_or_else(|| Error::not_found(format!("no job {job}")))?;
        slot.cancel.store(true, Ordering::Relaxed);
        Ok(())
    }

    pub fn wait(&self, job: u64) -> Result<JobEvent> {
        let (lock, cond) = &*self.slots;
        let mut slots = lock
            .lock()
            .map_err(|_| Error::internal("jobs are unusable after a crash"))?;
        loop {
            match slots.get(&job) {
                None => return Err(Error::not_found(format!("no job {job}"))),
                Some(Slot { last: Some(e), .. }) => return Ok(e.clone()),
                Some(_) => {
                    slots = cond
                        .wait(slots)
                        .map_err(|_| Error::internal("jobs are unusable after a crash"))?
                }
            }
        }
    }
}
