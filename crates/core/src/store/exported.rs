//! The annotated PDFs exported on this station, on their way to the central server: each
//! exported copy is kept in the media store under its sha256 and logged as a
//! `copy.exported` change, which sync uploads (the file first, then the change) like it
//! does scans. The server keeps the last export of each copy, named or anonymous.
//!
//! Invariant: a `copy.exported` change is logged only for a file already complete in the
//! media store, so that sync always finds what it has to upload.

use super::outbox::Change;
use super::Store;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The arguments of a `copy.exported` change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportedCopy {
    pub copy_id: String,
    pub sha256: String,
    pub pages: u32,
    pub bytes: u64,
    /// The identity headers are covered and the student named by a code.
    pub anonymous: bool,
}

impl ExportedCopy {
    /// The mutation name this change goes by.
    pub const CHANGE: &'static str = "copy.exported";
}

impl Store {
    /// Keeps the PDF `file` exported for copy `copy_id` in the media store and logs it
    /// for upload.
    pub fn record_export(
        &self,
        copy_id: &str,
        file: &Path,
        pages: usize,
        anonymous: bool,
    ) -> Result<ExportedCopy> {
        self.copy(copy_id)?;
        let stored = self.media().put_file(file, "pdf")?;
        let bytes = std::fs::metadata(&stored.path)
            .map_err(|e| Error::internal(format!("cannot read {}: {e}", stored.path.display())))?
            .len();
        let exported = ExportedCopy {
            copy_id: copy_id.to_string(),
            sha256: stored.sha256,
            pages: pages as u32,
            bytes,
            anonymous,
        };
        let tx = self.conn.unchecked_transaction()?;
        self.log_in(
            &tx,
            Change::new(
                ExportedCopy::CHANGE,
                copy_id,
                serde_json::to_value(&exported)?,
            ),
        )?;
        tx.commit()?;
        Ok(exported)
    }
}
