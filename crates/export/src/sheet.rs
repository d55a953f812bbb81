//! The exam as the exports see it: its barème leaves in order and one row per copy with
//! its student, status, grade and appreciation, read from the store in one place.

use korrigo_core::grading::{CopyGrade, Leaf};
use korrigo_core::model::CopyStatus;
use korrigo_core::store::{Exam, Store, Student};
use korrigo_core::{Error, Result};

#[derive(Debug, Clone)]
pub struct SheetRow {
    pub copy_id: String,
    pub seq: u32,
    pub status: CopyStatus,
    pub student: Option<Student>,
    pub grade: CopyGrade,
    pub appreciation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ExamSheet {
    pub exam: Exam,
    pub leaves: Vec<Leaf>,
    pub rows: Vec<SheetRow>,
}

impl ExamSheet {
    pub fn read(store: &Store, exam_id: &str) -> Result<ExamSheet> {
        let exam = store.exam(exam_id)?;
        let bareme = store.bareme(exam_id)?.ok_or_else(|| {
            Error::validation(format!(
                "exam {} has no barème: there are no grades to export",
                exam.name
            ))
        })?;
        let students = store.students(exam_id)?;
        let mut rows = Vec::new();
        for c in store.copies(exam_id)? {
            let student = c
                .student
                .as_ref()
                .and_then(|s| students.iter().find(|x| x.id == s.id).cloned());
            rows.push(SheetRow {
                grade: store.grade(&c.id)?,
                appreciation: store.appreciation(&c.id)?,
                copy_id: c.id,
                seq: c.seq,
                status: c.status,
                student,
            });
        }
        Ok(ExamSheet {
            exam,
            leaves: bareme.leaves(),
            rows,
        })
    }
}
