//! Reading the exam, students and copies of this station as the sync protocol states
//! them (`ExamState`, `StudentState`, `CopyState`), the current local state.
//!
//! Invariant: a copy's pages come in reading order, each with the source PDF it is cut
//! from named by content (sha256), never by a local row id.

use crate::error::Result;
use crate::model::{CopyStatus, Flag, Half, IdentifiedBy};
use crate::store::{Exam, Student};
use crate::sync::{CopyState, ExamState, PageState, SourceRef, StudentState};
use rusqlite::{Connection, OptionalExtension};

/// The exam with its barème, `None` if it is gone.
pub(super) fn exam_state(conn: &Connection, exam_id: &str) -> Result<Option<ExamState>> {
    let row = conn
        .query_row(
            "SELECT id, name, date, subject, pages_per_copy, created_at, anonymous, bareme_json, bareme_version \
             FROM exam WHERE id = ?1",
            [exam_id],
            |r| {
                Ok((
                    Exam {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        date: r.get(2)?,
                        subject: r.get(3)?,
                        pages_per_copy: r.get(4)?,
                        created_at: r.get(5)?,
                        anonymous: r.get(6)?,
                    },
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, i64>(8)?,
                ))
            },
        )
        .optional()?;
    row.map(|(exam, bareme, bareme_version)| {
        Ok(ExamState {
            exam,
            bareme: bareme.map(|b| serde_json::from_str(&b)).transpose()?,
            bareme_version,
        })
    })
    .transpose()
}

/// Every student of the exam's roster.
pub(super) fn student_states(conn: &Connection, exam_id: &str) -> Result<Vec<StudentState>> {
    let mut stmt = conn.prepare(
        "SELECT id, last_name, first_name, birth_date, email, class, group_name FROM student \
         WHERE exam_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([exam_id], |r| {
        Ok(StudentState {
            exam_id: exam_id.to_string(),
            student: Student {
                id: r.get(0)?,
                last_name: r.get(1)?,
                first_name: r.get(2)?,
                birth_date: r.get(3)?,
                email: r.get(4)?,
                class: r.get(5)?,
                group: r.get(6)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The copy as it now stands, `None` if it is gone (joined into another).
pub(super) fn copy_state(conn: &Connection, copy_id: &str) -> Result<Option<CopyState>> {
    let row = conn
        .query_row(
            "SELECT id, exam_id, seq, status, flags_json, student_id, identified_by, confidence, \
             unknown_writer, corrector, graded_at, graded_by FROM copy WHERE id = ?1",
            [copy_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<f64>>(7)?,
                    r.get::<_, bool>(8)?,
                    (
                        r.get::<_, Option<String>>(9)?,
                        r.get::<_, Option<String>>(10)?,
                        r.get::<_, Option<String>>(11)?,
                    ),
                ))
            },
        )
        .optional()?;
    let Some((
        id,
        exam_id,
        seq,
        status,
        flags,
        student_id,
        identified_by,
        confidence,
        unknown,
        rest,
    )) = row
    else {
        return Ok(None);
    };
    let (corrector, graded_at, graded_by) = rest;
    let status = CopyStatus::parse(&status).ok_or_else(|| {
        crate::error::Error::internal(format!("copy {id} has an unknown status {status}"))
    })?;
    let flags: Vec<Flag> = serde_json::from_str(&flags)?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.number, s.sha256, s.file_name, s.pages, p.source_index, p.half, p.rotation \
         FROM page p JOIN source_pdf s ON s.id = p.source_pdf_id WHERE p.copy_id = ?1 ORDER BY p.number",
    )?;
    let pages = stmt
        .query_map([&id], |r| {
            Ok(PageState {
                id: r.get(0)?,
                number: r.get(1)?,
                source: SourceRef {
                    sha256: r.get(2)?,
                    file_name: r.get(3)?,
                    pages: r.get(4)?,
                },
                source_index: r.get(5)?,
                half: Half::parse(&r.get::<_, String>(6)?).unwrap_or(Half::Full),
                rotation: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(CopyState {
        id,
        exam_id,
        seq,
        status,
        flags,
        student_id,
        identified_by: identified_by.as_deref().and_then(IdentifiedBy::parse),
        confidence,
        unknown_writer: unknown,
        corrector,
        graded_at,
        graded_by,
        pages,
    }))
}

/// The copies among `ids` that still exist, in the given order.
pub(super) fn copy_states<'a>(
    conn: &Connection,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<CopyState>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(c) = copy_state(conn, id)? {
            out.push(c);
        }
    }
    Ok(out)
}
