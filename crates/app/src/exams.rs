//! The exams screen: the station's exams, creating one, its roster, and where each of
//! its copies stands.

use crate::Station;
use korrigo_core::model::CopyStatus;
use korrigo_core::store::{CopyView, Exam, NewExam, Student};
use korrigo_core::Result;
use korrigo_station::roster::RosterImport;
use serde::Serialize;
use std::path::Path;

/// An exam with its roster size and every copy, and how many copies are at each status.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExamOverview {
    pub exam: Exam,
    pub students: Vec<Student>,
    pub copies: Vec<CopyView>,
    pub needs_review: usize,
    pub ready: usize,
    pub leased: usize,
    pub graded: usize,
    pub has_bareme: bool,
}

impl Station {
    pub fn exams(&self) -> Result<Vec<Exam>> {
        korrigo_station::exam::list(&*self.store()?)
    }

    pub fn create_exam(&self, new: &NewExam) -> Result<Exam> {
        korrigo_station::exam::create(&mut *self.store()?, new)
    }

    pub fn exam_overview(&self, exam_id: &str) -> Result<ExamOverview> {
        let store = self.store()?;
        let exam = store.exam(exam_id)?;
        let mut copies = store.copies(exam_id)?;
        if self.hides_identity(&store, exam_id)? {
            copies.iter_mut().for_each(crate::identity::mask);
        }
        let count = |s: CopyStatus| copies.iter().filter(|c| c.status == s).count();
        Ok(ExamOverview {
            needs_review: count(CopyStatus::NeedsReview),
            ready: count(CopyStatus::Ready),
            leased: count(CopyStatus::Leased),
            graded: count(CopyStatus::Graded),
            students: store.students(exam_id)?,
            has_bareme: store.bareme(exam_id)?.is_some(),
            copies,
            exam,
        })
    }

    /// Imports the class list `file`; with errors, nothing is kept unless
    /// `accept_partial`, and the message names the rows.
    pub fn import_roster(
        &self,
        exam_id: &str,
        file: &Path,
        accept_partial: bool,
    ) -> Result<RosterImport> {
        korrigo_station::roster::import(&mut *self.store()?, exam_id, file, accept_partial)
    }

    /// Prints the QR label sheets of the exam's roster into `out`.
    pub fn write_labels(&self, exam_id: &str, out: &Path) -> Result<usize> {
        korrigo_station::labels::write(&*self.store()?, exam_id, out)
    }
}
