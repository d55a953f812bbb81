//! Korrigo Station's domain and its SQLite store: exams, roster, copies, pages, barème,
//! scores, annotations, leases, outbox, audit, and the content-addressed media store.
//! No Tauri, no HTTP, no PDF engine.

pub mod error;
pub mod grading;
pub mod media;
pub mod model;
pub mod store;
pub mod sync;

pub use error::{Error, ErrorCode, Result};
