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
        let store = self.store()?;
        let copies = store.copies(exam_id)?;
        copies.into_iter().map(|c| self.shown(&store, c)).collect()
    }

    pub fn copy(&self, copy_id: &str) -> Result<CopyView> {
        let store = self.store()?;
        let copy = store.copy(copy_id)?;
        self.shown(&store, copy)
    }

    /// The copies waiting for review, in scan order.
    pub fn review_queue(&self, exam_id: &str) -> Result<Vec<ReviewItem>> {
        let store = self.store()?;
        self.refuse_if_hidden(&store, exam_id, "identifying copies")?;
        korrigo_station::review::list(&store, exam_id)
    }

    /// Refuses identity work on a copy to a user from whom its exam hides identities.
    fn check_identity_work(&self, store: &korrigo_core::store::Store, copy_id: &str) -> Result<()> {
        let exam = store.copy(copy_id)?.exam_id;
        self.refuse_if_hidden(store, &exam, "identifying copies")
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
        self.check_identity_work(&store, copy_id)?;
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
        self.check_identity_work(&store, copy_id)?;
        store.resolve_flag(copy_id, index, action)?;
        self.pages.forget_copy(copy_id);
        store.copy(copy_id)
    }

    /// Appends copy `from`'s sheets to copy `into`.
    pub fn join(&self, into: &str, from: &str) -> Result<CopyView> {
        let mut store = self.store()?;
        self.check_identity_work(&store, into)?;
        korrigo_station::review::join(&mut store, into, from)
    }
}
