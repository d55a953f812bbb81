//! Reading copies and their pages as the CLI and the desktop show them.

use super::Store;
use crate::error::{Error, Result};
use crate::model::{Candidate, CopyStatus, Flag, Half, IdentifiedBy, PageSource};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StudentRef {
    pub id: String,
    pub email: Option<String>,
    pub last_name: String,
    pub first_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct PageView {
    pub number: u32,
    pub source: PageSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CopyView {
    pub id: String,
    pub exam_id: String,
    pub seq: u32,
    pub status: CopyStatus,
    pub student: Option<StudentRef>,
    pub identified_by: Option<IdentifiedBy>,
    pub confidence: Option<f64>,
    pub flags: Vec<Flag>,
    /// Best candidates first, for copies that wait for review.
    pub candidates: Vec<Candidate>,
    /// sha256 of the header crop (JPEG) in the media store.
    pub header_crop: Option<String>,
    /// The writer is known not to be on the roster.
    pub unknown_writer: bool,
    /// Who is to grade it (set by dispatch).
    pub corrector: Option<String>,
    /// What stands for the student where identities are hidden.
    pub anonymous_code: String,
    /// Who wrote it is hidden from the user (an anonymous exam, seen by a teacher).
    #[serde(default)]
    pub identity_hidden: bool,
    pub pages: Vec<PageView>,
}

const COPY_SELECT: &str =
    "SELECT c.id, c.exam_id, c.seq, c.status, c.identified_by, c.confidence, c.flags_json, \
     s.email, s.last_name, s.first_name, c.candidates_json, c.header_crop, c.unknown_writer, c.corrector, s.id FROM copy c \
     LEFT JOIN student s ON s.id = c.student_id";

impl Store {
    /// The copies of an exam in scan order, with their pages in reading order.
    pub fn copies(&self, exam_id: &str) -> Result<Vec<CopyView>> {
        self.exam(exam_id)?;
        let mut stmt = self.conn.prepare(&format!(
            "{COPY_SELECT} WHERE c.exam_id = ?1 ORDER BY c.seq"
        ))?;
        let mut copies = stmt
            .query_map([exam_id], copy_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut pages = self.conn.prepare(
            "SELECT p.copy_id, p.number, s.sha256, p.source_index, p.half, p.rotation FROM page p \
             JOIN copy c ON c.id = p.copy_id JOIN source_pdf s ON s.id = p.source_pdf_id \
             WHERE c.exam_id = ?1 ORDER BY p.copy_id, p.number",
        )?;
        let mut by_copy: HashMap<String, Vec<PageView>> = HashMap::new();
        for row in pages.query_map([exam_id], |r| {
            Ok((r.get::<_, String>(0)?, page_from_row(r, 1)?))
        })? {
            let (copy_id, page) = row?;
            by_copy.entry(copy_id).or_default().push(page);
        }
        for c in &mut copies {
            c.0.pages = by_copy.remove(&c.0.id).unwrap_or_default();
        }
        copies
            .into_iter()
            .map(|(c, flags)| with_flags(c, &flags))
            .collect()
    }

    pub fn copy(&self, copy_id: &str) -> Result<CopyView> {
        let (mut c, flags) = self
            .conn
            .query_row(
                &format!("{COPY_SELECT} WHERE c.id = ?1"),
                [copy_id],
                copy_from_row,
            )
            .optional()?
            .ok_or_else(|| {
                Error::not_found(format!("no copy with id {copy_id} on this station"))
            })?;
        let mut stmt = self.conn.prepare(
            "SELECT p.number, s.sha256, p.source_index, p.half, p.rotation FROM page p \
             JOIN source_pdf s ON s.id = p.source_pdf_id WHERE p.copy_id = ?1 ORDER BY p.number",
        )?;
        c.pages = stmt
            .query_map(params![copy_id], |r| page_from_row(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        with_flags(c, &flags)
    }

    /// One page of a copy, with the path of its original PDF in the media store.
    pub fn page(&self, copy_id: &str, number: u32) -> Result<(PageView, std::path::PathBuf)> {
        let copy = self.copy(copy_id)?;
        self.page_of(&copy, number)
    }

    /// Page `number` of a copy already read, with the path of its original PDF.
    pub fn page_of(&self, copy: &CopyView, number: u32) -> Result<(PageView, std::path::PathBuf)> {
        let page = copy
            .pages
            .iter()
            .find(|p| p.number == number)
            .cloned()
            .ok_or_else(|| {
                Error::not_found(format!(
                    "copy {} has no page {number} (it has {} pages)",
                    copy.id,
                    copy.pages.len()
                ))
            })?;
        let path = self.media().path_of(&page.source.pdf, "pdf");
        Ok((page, path))
    }
}

type CopyRow = (CopyView, String);

fn copy_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CopyRow> {
    let status: String = r.get(3)?;
    let identified_by: Option<String> = r.get(4)?;
    let last_name: Option<String> = r.get(8)?;
    let student = match last_name {
        Some(last_name) => Some(StudentRef {
            id: r.get(14)?,
            email: r.get(7)?,
            last_name,
            first_name: r.get(9)?,
        }),
        None => None,
    };
    Ok((
        CopyView {
            id: r.get(0)?,
            exam_id: r.get(1)?,
            seq: r.get(2)?,
            status: CopyStatus::parse(&status).unwrap_or(CopyStatus::NeedsReview),
            student,
            identified_by: identified_by.as_deref().and_then(IdentifiedBy::parse),
            confidence: r.get(5)?,
            flags: Vec::new(),
            candidates: r
                .get::<_, Option<String>>(10)?
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default(),
            header_crop: r.get(11)?,
            unknown_writer: r.get(12)?,
            corrector: r.get(13)?,
            anonymous_code: crate::model::anonymous_code(&r.get::<_, String>(0)?),
            identity_hidden: false,
            pages: Vec::new(),
        },
        r.get(6)?,
    ))
}

fn page_from_row(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<PageView> {
    let half: String = r.get(at + 3)?;
    Ok(PageView {
        number: r.get(at)?,
        source: PageSource {
            pdf: r.get(at + 1)?,
            index: r.get(at + 2)?,
            half: Half::parse(&half).unwrap_or(Half::Full),
            rotation: r.get(at + 4)?,
        },
    })
}

fn with_flags(mut c: CopyView, flags: &str) -> Result<CopyView> {
    c.flags = serde_json::from_str::<Vec<Flag>>(flags)?;
    Ok(c)
}
