//! The background sync: a thread that syncs now, then every `interval`, sooner when
//! nudged (a local change was made), and after a failure again after a capped,
//! jittered backoff instead of the interval.
//!
//! Invariants: the thread opens its own `Store` on the data directory (a SQLite
//! connection is never shared between threads); stopping wakes it at once and waits
//! for the sync under way, if any, to finish; every sync's result is reported.

use crate::backoff::Backoff;
use crate::client::Client;
use crate::engine::{sync_once, SyncReport};
use korrigo_core::error::Error;
use korrigo_core::store::Store;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyncLoopConfig {
    /// Between two syncs that went through.
    pub interval: Duration,
    /// After syncs that failed.
    pub backoff: Backoff,
}

impl Default for SyncLoopConfig {
    fn default() -> Self {
        SyncLoopConfig {
            interval: Duration::from_secs(30),
            backoff: Backoff::default(),
        }
    }
}

/// What one round of the loop gave.
#[derive(Debug, Clone, PartialEq)]
pub enum LoopEvent {
    Synced(SyncReport),
    Failed {
        error: Error,
        /// Failures in a row, this one included.
        failures: u32,
        retry_in: Duration,
    },
}

#[derive(Debug, Default)]
struct Flags {
    nudged: bool,
    stop: bool,
}

#[derive(Debug, Default)]
struct Shared {
    flags: Mutex<Flags>,
    wake: Condvar,
}

/// A running background sync; stopped by `stop` or when dropped.
#[derive(Debug)]
pub struct SyncLoop {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl SyncLoop {
    /// Starts syncing the station in `data_dir` (opened as `actor`) with `client`'s
    /// server; `on_event` hears of every round, on the loop's thread.
    pub fn start(
        data_dir: PathBuf,
        actor: Option<String>,
        client: Client,
        config: SyncLoopConfig,
        mut on_event: impl FnMut(LoopEvent) + Send + 'static,
    ) -> SyncLoop {
        let shared = Arc::new(Shared::default());
        let inner = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("korrigo-sync".into())
            .spawn(move || {
                let mut store: Option<Store> = None;
                let mut failures = 0u32;
                loop {
                    let result = (|| {
                        if store.is_none() {
                            store = Some(Store::open_as(&data_dir, actor.as_deref())?);
                        }
                        sync_once(store.as_mut().expect("opened above"), &client)
                    })();
                    let wait = match result {
                        Ok(report) => {
                            failures = 0;
                            on_event(LoopEvent::Synced(report));
                            config.interval
                        }
                        Err(error) => {
                            failures = failures.saturating_add(1);
                            let retry_in = config.backoff.delay(failures);
                            on_event(LoopEvent::Failed {
                                error,
                                failures,
                                retry_in,
                            });
                            retry_in
                        }
                    };
                    if !inner.sleep(wait) {
                        return;
                    }
                }
            })
            .expect("the sync thread starts");
        SyncLoop {
            shared,
            thread: Some(thread),
        }
    }

    /// Syncs as soon as the current round (if any) is over.
    pub fn nudge(&self) {
        let mut f = self.shared.flags.lock().expect("sync loop flags");
        f.nudged = true;
        self.shared.wake.notify_all();
    }

    /// Stops the loop and waits for its thread.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        {
            let mut f = self.shared.flags.lock().expect("sync loop flags");
            f.stop = true;
            self.shared.wake.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SyncLoop {
    fn drop(&mut self) {
        self.halt();
    }
}

impl Shared {
    /// Sleeps `wait` or until nudged; `false` when asked to stop.
    fn sleep(&self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        let mut f = self.flags.lock().expect("sync loop flags");
        loop {
            if f.stop {
                return false;
            }
            if f.nudged {
                f.nudged = false;
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            f = self
                .wake
                .wait_timeout(f, deadline - now)
                .expect("sync loop flags")
                .0;
        }
    }
}
