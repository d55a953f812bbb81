//! Korrigo Station's side of sync with the central server: the HTTP client of the sync
//! API (`client`), moving source PDFs both ways (`media`), one full sync (`engine`:
//! push until nothing is pending, then pull until nothing is left), the background loop
//! with capped backoff (`sync_loop`, `backoff`), the server profiles of this machine
//! (`profile`), where their tokens live: the OS keyring only (`token`), and signing
//! in and out (`account`).

pub mod account;
pub mod backoff;
pub mod client;
pub mod engine;
mod http_error;
pub mod media;
pub mod profile;
pub mod sync_loop;
pub mod token;

pub use backoff::Backoff;
pub use client::{login, Client, MediaStatus};
pub use engine::{sync_once, SyncReport, PUSH_BATCH};
pub use profile::{Profile, Profiles};
pub use sync_loop::{LoopEvent, SyncLoop, SyncLoopConfig};
pub use token::{InMemoryTokensForTests, KeyringTokens, TokenStore, KEYRING_SERVICE};
