//! The grades CSV: one row per copy, one column per question in barème order, then the
//! total and the total on 20. UTF-8, comma-separated, decimal point, for any
//! spreadsheet or script; unscored questions are empty cells.

use crate::cell::{points, safe};
use crate::sheet::ExamSheet;
use korrigo_core::media::write_file_atomically;
use korrigo_core::{Error, Result};
use std::path::Path;

pub fn render(sheet: &ExamSheet) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header = vec![
        "copie".to_string(),
        "statut".into(),
        "nom".into(),
        "prenom".into(),
        "email".into(),
    ];
    header.extend(sheet.leaves.iter().map(|l| safe(&l.title())));
    let max_total = sheet
        .rows
        .first()
        .map(|r| r.grade.max_total)
        .unwrap_or_default();
    header.push(format!("total /{}", points(max_total)));
    header.push("total /20".into());
    w.write_record(&header).map_err(internal)?;
    for r in &sheet.rows {
        let s = r.student.as_ref();
        let mut rec = vec![
            r.seq.to_string(),
            r.status.as_str().to_string(),
            safe(s.map_or("", |s| &s.last_name)),
            safe(s.map_or("", |s| &s.first_name)),
            safe(s.and_then(|s| s.email.as_deref()).unwrap_or("")),
        ];
        for l in &sheet.leaves {
            rec.push(
                r.grade
                    .node(&l.id)
                    .and_then(|n| n.points)
                    .map(points)
                    .unwrap_or_default(),
            );
        }
        rec.push(points(r.grade.total));
        rec.push(format!("{:.2}", r.grade.on_20));
        w.write_record(&rec).map_err(internal)?;
    }
    w.into_inner()
        .map_err(|e| Error::internal(format!("grades CSV: {e}")))
}

fn internal(e: csv::Error) -> Error {
    Error::internal(format!("grades CSV: {e}"))
}

pub fn write(sheet: &ExamSheet, path: &Path) -> Result<usize> {
    write_file_atomically(path, &render(sheet)?)?;
    Ok(sheet.rows.len())
}
