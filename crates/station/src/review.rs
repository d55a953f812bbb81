//! The review desk: copies waiting for a human look (uncertain identification or a flag)
//! with their best candidates and header crop, and setting a copy's writer by hand.

use korrigo_core::model::CopyStatus;
use korrigo_core::store::{CopyView, Store, Writer};
use korrigo_core::{Error, Result};
use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReviewItem {
    #[serde(flatten)]
    pub copy: CopyView,
    /// The header crop as a file, for showing it.
    pub header_crop_path: Option<PathBuf>,
}

/// The exam's copies that wait for review, in scan order.
pub fn list(store: &Store, exam_id: &str) -> Result<Vec<ReviewItem>> {
    Ok(store
        .copies(exam_id)?
        .into_iter()
        .filter(|c| c.status == CopyStatus::NeedsReview)
        .map(|copy| ReviewItem {
            header_crop_path: copy
                .header_crop
                .as_deref()
                .map(|sha| store.media().path_of(sha, crate::import::HEADER_CROP_EXT)),
            copy,
        })
        .collect())
}

/// Gives a copy to the student with `email`, or marks its writer as not on the roster
/// (`email` None).
pub fn identify(
    store: &mut Store,
    copy_id: &str,
    email: Option<&str>,
    force: bool,
) -> Result<CopyView> {
    let copy = store.copy(copy_id)?;
    let writer = match email {
        Some(email) => Writer::Student(store.student_by_email(&copy.exam_id, email)?),
        None => Writer::Unknown,
    };
    if force && email.is_none() {
        return Err(Error::validation(
            "--force only applies when giving a copy to a student",
        ));
    }
    store.identify_copy(copy_id, &writer, force)?;
    store.copy(copy_id)
}

/// Appends the sheets of copy `from` to copy `into` (one pupil's sheets the import left
/// apart) and returns the joined copy.
pub fn join(store: &mut Store, into: &str, from: &str) -> Result<CopyView> {
    store.join_copies(into, from)?;
    store.copy(into)
}
