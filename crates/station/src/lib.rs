//! The station's use cases: what the `korrigo` CLI and the desktop app both call. Each
//! function takes the store and plain arguments, does one user-visible thing, and
//! returns data or an `Error` with a code from the closed set.

pub mod exam;
pub mod identify;
pub mod import;
pub mod labels;
pub mod page;
pub mod review;
pub mod roster;

pub use korrigo_core::store::Store;
pub use korrigo_core::{Error, ErrorCode, Result};

/// Progress of a long task: a label (the file or step), units done, units known in all.
pub type Progress<'a> = &'a (dyn Fn(&str, usize, usize) + Sync);
