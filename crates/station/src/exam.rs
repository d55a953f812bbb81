//! Creating and listing exams.

use korrigo_core::store::{Exam, NewExam, Store};
use korrigo_core::Result;

pub fn create(store: &mut Store, new: &NewExam) -> Result<Exam> {
    store.create_exam(new)
}

pub fn list(store: &Store) -> Result<Vec<Exam>> {
    store.exams()
}
