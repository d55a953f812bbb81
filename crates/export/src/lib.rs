//! Exports of an exam's grading: the annotated PDF a student receives, the grades CSV
//! and the PRONOTE CSV. Every file is written to a temp path and renamed:
//! a failure leaves no partial file.

pub mod cell;
pub mod grades_csv;
pub mod pronote;
mod sheet;

pub use sheet::{ExamSheet, SheetRow};
pub mod pdf;
