//! The PRONOTE import CSV: `NOM;PRENOM;DATE_NAISSANCE;MATIERE;NOTE;COEFF;COMMENTAIRE`,
//! UTF-8 with a BOM, `;`-separated, CRLF line ends, decimal comma. One row per graded
//! copy; the note is the total rescaled to 20, rounded half-up to 2 decimals (exactly,
//! in integers) and clamped to [0, 20]. Refused, naming them, when graded copies have
//! no student.

use crate::cell::{hundredths_fr, safe};
use crate::sheet::ExamSheet;
use korrigo_core::grading::Points;
use korrigo_core::media::write_file_atomically;
use korrigo_core::model::CopyStatus;
use korrigo_core::{Error, Result};
use std::path::Path;

/// The note on 20 in hundredths, rounded half-up: 20·total/max = 2000·q/m hundredths.
pub fn note_hundredths(total: Points, max: Points) -> i64 {
    let (q, m) = (total.quarters().max(0), max.quarters());
    if m <= 0 {
        return 0;
    }
    ((4000 * q + m) / (2 * m)).clamp(0, 2000)
}

/// The coefficient as PRONOTE reads it (`1`, `0,5`).
fn coefficient(c: f64) -> Result<String> {
    if !(c.is_finite() && c > 0.0 && c <= 100.0) {
        return Err(Error::validation(format!(
            "coefficient {c} must be above 0 and at most 100"
        )));
    }
    let s = format!("{c:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    Ok(s.replace('.', ","))
}

fn birth_date_fr(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

pub fn render(sheet: &ExamSheet, coeff: f64) -> Result<Vec<u8>> {
    let coeff = coefficient(coeff)?;
    let graded: Vec<_> = sheet
        .rows
        .iter()
        .filter(|r| r.status == CopyStatus::Graded)
        .collect();
    if graded.is_empty() {
        return Err(Error::validation(format!(
            "exam {} has no graded copy to send to PRONOTE",
            sheet.exam.name
        )));
    }
    let nameless: Vec<String> = graded
        .iter()
        .filter(|r| r.student.is_none())
        .map(|r| format!("#{}", r.seq))
        .collect();
    if !nameless.is_empty() {
        return Err(Error::validation(format!(
            "graded copies without a student: {}; identify them at the review desk first",
            nameless.join(", ")
        )));
    }
    let subject = sheet.exam.subject.clone().unwrap_or_default();
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| Error::internal(format!("PRONOTE CSV: {e}"));
    w.write_record([
        "NOM",
        "PRENOM",
        "DATE_NAISSANCE",
        "MATIERE",
        "NOTE",
        "COEFF",
        "COMMENTAIRE",
    ])
    .map_err(fail)?;
    for r in graded {
        let s = r.student.as_ref().expect("checked above");
        let comment = r
            .appreciation
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        w.write_record([
            safe(&s.last_name),
            safe(&s.first_name),
            s.birth_date
                .as_deref()
                .map(birth_date_fr)
                .unwrap_or_default(),
            safe(&subject),
            hundredths_fr(note_hundredths(r.grade.total, r.grade.max_total)),
            coeff.clone(),
            safe(&comment),
        ])
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::internal(format!("PRONOTE CSV: {e}")))
}

pub fn write(sheet: &ExamSheet, coeff: f64, path: &Path) -> Result<()> {
    write_file_atomically(path, &render(sheet, coeff)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(q: i64) -> Points {
        Points::from_quarters(q)
    }

    #[test]
    fn notes_round_half_up_exactly() {
        // 7/15 -> 9.3333 -> 9,33 ; 1/8 of 20 = 2.5 ; 0.25/24 -> 0.208333 -> 0,21
        assert_eq!(note_hundredths(p(28), p(60)), 933);
        assert_eq!(note_hundredths(p(4), p(32)), 250);
        assert_eq!(note_hundredths(p(1), p(96)), 21);
        // 1/800 of 20 = 0.025 exactly: half-up gives 0,03.
        assert_eq!(note_hundredths(p(1), p(800)), 3);
        assert_eq!(note_hundredths(p(60), p(60)), 2000);
        assert_eq!(note_hundredths(p(70), p(60)), 2000);
        assert_eq!(coefficient(0.5).unwrap(), "0,5");
        assert_eq!(coefficient(2.0).unwrap(), "2");
        assert!(coefficient(0.0).is_err());
    }
}
