//! Importing an exam's class roster from a school's CSV export.

use korrigo_core::store::{RosterOutcome, Store};
use korrigo_core::{Error, Result};
use korrigo_identify::roster::{self, RowError};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RosterImport {
    pub students: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: Vec<RowError>,
}

/// Reads `file` and adds or updates the exam's students. Rows with errors refuse the
/// whole file unless `accept_partial`, in which case the good rows are kept.
pub fn import(
    store: &mut Store,
    exam_id: &str,
    file: &Path,
    accept_partial: bool,
) -> Result<RosterImport> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::not_found(format!("{name}: no such file")),
        _ => Error::validation(format!("{name}: cannot be read: {e}")),
    })?;
    store.exam(exam_id)?;
    let parsed = roster::parse(&bytes, &name)?;
    if !parsed.errors.is_empty() && !accept_partial {
        let lines: Vec<String> = parsed
            .errors
            .iter()
            .take(10)
            .map(|e| format!("line {}: {}", e.line, e.message))
            .collect();
        return Err(Error::validation(format!(
            "{name}: {} row(s) cannot be read, nothing was imported (use --accept-partial to keep the {} good rows):\n{}",
            parsed.errors.len(),
            parsed.students.len(),
            lines.join("\n")
        )));
    }
    if parsed.students.is_empty() {
        return Err(Error::validation(format!("{name}: no student in the file")));
    }
    let RosterOutcome {
        added,
        updated,
        unchanged,
    } = store.upsert_students(exam_id, &parsed.students)?;
    Ok(RosterImport {
        students: parsed.students.len(),
        added,
        updated,
        unchanged,
        rejected: parsed.errors,
    })
}
