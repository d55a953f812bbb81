//! The scanner room: importing scanned PDFs as a background job, and the review desk
//! where copies the import could not settle get their student.

use crate::jobs::JobKind;
use crate::Station;
use korrigo_core::model::FlagAction;
use korrigo_core::store::CopyView;
use korrigo_core::Result;
use korrigo_station::import::{ImportRequest, ImportSummary};
use korrigo_station::review::ReviewItem;
use std::path::PathBuf;

impl Station {
    /// Starts importing `files` into an exam and returns the job number. The job's
    /// result is the [`ImportSummary`]; a cancel stores nothing.
    pub fn start_import(&self, exam_id: &str, files: Vec<PathBuf>, force: bool) -> Result<u64> {
        self.store()?.exam(exam_id)?;
        let mut store = self.own_store()?;
        let request = ImportRequest {
            exam_id: exam_id.to_string(),
            files,
            mode: Default::default(),
            force,
            read_headers: true,
        };
        Ok(self.jobs.start(JobKind::Import, move |report, cancel| {
            let summary: ImportSummary = korrigo_station::import::import(
                &mut store,
                &request,
                &|label, done, total| report(label, done as u64, total as u64),
                cancel,
            )?;
            Ok(serde_json::to_value(summary)?)
        }))
    }

    pub fn copies(&self, exam_id: &str) -> Result<Vec<CopyView>> {
        self.store()?.copies(exam_id)
    }

    pub fn copy(&self, copy_id: &str) -> Result<CopyView> {
        self.store()?.copy(copy_id)
    }

    /// The copies waiting for review, in scan order.
    pub fn review_queue(&self, exam_id: &str) -> Result<Vec<ReviewItem>> {
        korrigo_station::review::list(&*self.store()?, exam_id)
    }

    /// Gives a copy to a student (by id), refused if the student already has a copy of
    /// the exam unless `force`; `None` marks a writer who is not on the roster.
    pub fn identify(
        &self,
        copy_id: &str,
        student_id: Option<&str>,
        force: bool,
    ) -> Result<CopyView> {
        let mut store = self.store()?;
        let writer = match student_id {
            Some(id) => korrigo_core::store::Writer::Student(id.to_string()),
            None => korrigo_core::store::Writer::Unknown,
        };
        store.identify_copy(copy_id, &writer, force)?;
        store.copy(copy_id)
    }

    /// Settles flag `index` of a copy (confirm it, turn its page, or drop its page).
    pub fn resolve_flag(
        &self,
        copy_id: &str,
        index: usize,
        action: FlagAction,
    ) -> Result<CopyView> {
        let mut store = self.store()?;
        store.resolve_flag(copy_id, index, action)?;
        self.pages.forget_copy(copy_id);
        store.copy(copy_id)
    }

    /// Appends copy `from`'s sheets to copy `into`.
    pub fn join(&self, into: &str, from: &str) -> Result<CopyView> {
        korrigo_station::review::join(&mut *self.store()?, into, from)
    }
}
