//! Recording an import: the source PDFs, the copies and pages cut from them, and the
//! audit row, all in one transaction. A failure leaves the exam as it was.

use super::outbox::Change;
use super::{now, Store};
use crate::error::{Error, Result};
use crate::grading::status::{self, CopyEvent};
use crate::model::{new_id, Candidate, CopyStatus, Flag, Half, IdentifiedBy};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSourcePdf {
    pub sha256: String,
    pub file_name: String,
    pub pages: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCopy {
    pub status: CopyStatus,
    pub flags: Vec<Flag>,
    pub pages: Vec<NewPage>,
    /// The student given automatically, with how and how sure.
    pub student_id: Option<String>,
    pub identified_by: Option<IdentifiedBy>,
    pub confidence: Option<f64>,
    /// The best candidates (for the review desk), best first.
    pub candidates: Vec<Candidate>,
    /// sha256 of the header crop (JPEG) in the media store.
    pub header_crop: Option<String>,
}

impl NewCopy {
    /// A copy cut from scans, with nobody identified yet.
    pub fn unidentified(status: CopyStatus, pages: Vec<NewPage>) -> NewCopy {
        NewCopy {
            status,
            flags: Vec::new(),
            pages,
            student_id: None,
            identified_by: None,
            confidence: None,
            candidates: Vec::new(),
            header_crop: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPage {
    pub number: u32,
    /// Position of the source in `record_import`'s `sources`.
    pub source: usize,
    pub source_index: u32,
    pub half: Half,
    pub rotation: u16,
    /// The scan's fingerprint, for recognising it if it is scanned again.
    pub fingerprint: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedImport {
    pub source_ids: Vec<String>,
    pub copy_ids: Vec<String>,
}

impl Store {
    /// Whether a PDF with this digest was already imported into the exam.
    pub fn source_pdf_imported(&self, exam_id: &str, sha256: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM source_pdf WHERE exam_id = ?1 AND sha256 = ?2)",
            params![exam_id, sha256],
            |r| r.get(0),
        )?)
    }

    /// Fingerprints of the scans already in the exam, one entry per scan:
    /// `(file name, 0-based page index, fingerprint)`.
    pub fn scan_fingerprints(&self, exam_id: &str) -> Result<Vec<(String, u32, Vec<u8>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.file_name, p.source_index, p.scan_fingerprint FROM page p \
             JOIN source_pdf s ON s.id = p.source_pdf_id WHERE s.exam_id = ?1 AND p.scan_fingerprint IS NOT NULL \
             GROUP BY s.id, p.source_index ORDER BY s.imported_at, s.id, p.source_index",
        )?;
        let rows = stmt.query_map([exam_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn record_import(
        &mut self,
        exam_id: &str,
        sources: &[NewSourcePdf],
        copies: &[NewCopy],
    ) -> Result<RecordedImport> {
        self.exam(exam_id)?;
        let at = now();
        let tx = self.conn.unchecked_transaction()?;
        let mut source_ids = Vec::with_capacity(sources.len());
        for s in sources {
            let id = new_id().to_string();
            tx.execute(
                "INSERT INTO source_pdf (id, exam_id, sha256, file_name, pages, imported_at, imported_by) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, exam_id, s.sha256, s.file_name, s.pages, at, self.actor],
            )?;
            source_ids.push(id);
        }
        let first_seq: i64 = tx.query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM copy WHERE exam_id = ?1",
            [exam_id],
            |r| r.get(0),
        )?;
        let mut copy_ids = Vec::with_capacity(copies.len());
        for (i, c) in copies.iter().enumerate() {
            let event = match c.status {
                CopyStatus::Ready => CopyEvent::Resolve,
                _ => CopyEvent::Flag,
            };
            let status = status::next(CopyStatus::Staging, event)?;
            if status != c.status {
                return Err(Error::internal(format!(
                    "a new copy cannot start as {}",
                    c.status.as_str()
                )));
            }
            let id = new_id().to_string();
            tx.execute(
                "INSERT INTO copy (id, exam_id, seq, status, flags_json, created_at, student_id, identified_by, \
                 confidence, candidates_json, header_crop) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    id,
                    exam_id,
                    first_seq + i as i64,
                    c.status.as_str(),
                    serde_json::to_string(&c.flags)?,
                    at,
                    c.student_id,
                    c.identified_by.map(IdentifiedBy::as_str),
                    c.confidence,
                    serde_json::to_string(&c.candidates)?,
                    c.header_crop
                ],
            )?;
            if let (Some(student), Some(how)) = (&c.student_id, c.identified_by) {
                self.log_in(
                    &tx,
                    Change::new(
                        "copy.identify",
                        &id,
                        json!({ "copy_id": id, "student": student, "how": how.as_str(), "confidence": c.confidence }),
                    ),
                )?;
            }
            for p in &c.pages {
                let source_id = source_ids.get(p.source).ok_or_else(|| {
                    Error::internal(format!(
                        "page {} of a new copy names source #{} of {}",
                        p.number,
                        p.source,
                        sources.len()
                    ))
                })?;
                tx.execute(
                    "INSERT INTO page (id, copy_id, number, source_pdf_id, source_index, half, rotation, scan_fingerprint) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![new_id().to_string(), id, p.number, source_id, p.source_index, p.half.as_str(), p.rotation, p.fingerprint],
                )?;
            }
            copy_ids.push(id);
        }
        let files: Vec<_> = sources
            .iter()
            .map(|s| json!({ "file": s.file_name, "sha256": s.sha256, "pages": s.pages }))
            .collect();
        self.log_in(
            &tx,
            Change::new(
                "import",
                exam_id,
                json!({ "exam_id": exam_id, "files": files, "copies": copy_ids }),
            ),
        )?;
        tx.commit()?;
        Ok(RecordedImport {
            source_ids,
            copy_ids,
        })
    }
}
