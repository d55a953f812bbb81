//! Printing an exam's QR label sheets: one label per student of the roster.

use korrigo_core::media::write_file_atomically;
use korrigo_core::store::Store;
use korrigo_core::{Error, Result};
use std::path::Path;

/// Writes the label sheets of the exam's roster to `out` (a PDF); returns the number of
/// labels.
pub fn write(store: &Store, exam_id: &str, out: &Path) -> Result<usize> {
    let exam = store.exam(exam_id)?;
    let students = store.students(exam_id)?;
    if students.is_empty() {
        return Err(Error::validation(format!(
            "exam {} has no roster yet: import the class list first",
            exam.name
        )));
    }
    let pdf = korrigo_identify::labels::sheet_pdf(&exam.id, &exam.name, &students);
    write_file_atomically(out, &pdf)?;
    Ok(students.len())
}
