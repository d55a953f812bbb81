//! Importing scanner PDFs into an exam: analyse every file, cut the scans into copies,
//! flag what is wrong, then store the originals and the copies in one go. A bad file or
//! a cancel stores nothing; the same file twice is refused unless forced.

use crate::identify;
use crate::Progress;
use korrigo_core::media::{MediaStore, Stored};
use korrigo_core::model::{CopyStatus, Flag};
use korrigo_core::store::{NewCopy, NewPage, NewSourcePdf, Store};
use korrigo_core::{Error, Result};
use korrigo_ingest::duplicates;
use korrigo_ingest::scan::BLANK_INK;
use korrigo_ingest::{analyze_file, plan, FileAnalysis, Mode, PlannedCopy, ScanInfo};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// File extension of header crops in the media store.
pub const HEADER_CROP_EXT: &str = "jpg";

#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub exam_id: String,
    pub files: Vec<PathBuf>,
    pub mode: Mode,
    /// Import a file even if the same bytes were imported into this exam before.
    pub force: bool,
    /// Read the name headers (OCR) to join sheets and identify copies.
    pub read_headers: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportSummary {
    pub copies: usize,
    pub pages: usize,
    pub ready: usize,
    pub needs_review: usize,
    pub flags: Vec<CopyFlag>,
    pub copy_ids: Vec<String>,
}

/// A flag with the copy it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CopyFlag {
    pub copy: String,
    #[serde(flatten)]
    pub flag: Flag,
}

struct AnalysedFile {
    path: PathBuf,
    sha256: String,
    analysis: FileAnalysis,
}

pub fn import(
    store: &mut Store,
    req: &ImportRequest,
    progress: Progress<'_>,
    cancel: &AtomicBool,
) -> Result<ImportSummary> {
    store.exam(&req.exam_id)?;
    if req.files.is_empty() {
        return Err(Error::validation("no PDF to import"));
    }
    let mut files: Vec<AnalysedFile> = Vec::new();
    for path in &req.files {
        let name = path.display().to_string();
        let sha256 = MediaStore::digest_file(path)?;
        if files.iter().any(|f| f.sha256 == sha256) {
            return Err(Error::validation(format!(
                "{name} is given twice (same content as another file of this import)"
            )));
        }
        if !req.force && store.source_pdf_imported(&req.exam_id, &sha256)? {
            return Err(Error::conflict(format!(
                "{name} was already imported into this exam (same content); use --force to import it again"
            )));
        }
        let label = path
            .file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().to_string());
        let analysis = analyze_file(
            path,
            req.mode,
            &|done, total| progress(&label, done, total),
            cancel,
        )?;
        files.push(AnalysedFile {
            path: path.clone(),
            sha256,
            analysis,
        });
    }

    let background = duplicates::Background::of(
        files
            .iter()
            .flat_map(|f| &f.analysis.scans)
            .filter(|s| !is_blank(s))
            .map(|s| s.fingerprint.as_slice()),
    );
    let mut seen: duplicates::Index<String> = duplicates::Index::new(background);
    for (file, index, fingerprint) in store.scan_fingerprints(&req.exam_id)? {
        seen.add(
            format!("page {} of {file} (imported before)", index + 1),
            &fingerprint,
        );
    }
    let mut copies: Vec<(usize, PlannedCopy)> = Vec::new();
    for (f, file) in files.iter().enumerate() {
        let name = file_name(&file.path);
        let mut duplicate_of = vec![None; file.analysis.scans.len()];
        for (i, scan) in file.analysis.scans.iter().enumerate() {
            if is_blank(scan) {
                continue;
            }
            match seen.find(&scan.fingerprint) {
                Some((original, _)) => duplicate_of[i] = Some(original.clone()),
                None => seen.add(
                    format!("page {} of {name}", scan.index + 1),
                    &scan.fingerprint,
                ),
            }
        }
        copies.extend(
            plan(&file.analysis.scans, &duplicate_of, &name)
                .into_iter()
                .map(|c| (f, c)),
        );
    }

    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::cancelled());
    }
    let crops: Vec<Option<Vec<u8>>> = copies
        .iter()
        .map(|(f, c)| {
            c.header_scans
                .first()
                .and_then(|&s| files[*f].analysis.scans[s].header_crop.clone())
        })
        .collect();
    let roster = store.students(&req.exam_id)?;
    let reads = if req.read_headers {
        let refs: Vec<Option<&[u8]>> = crops.iter().map(Option::as_deref).collect();
        identify::read_headers(
            &req.exam_id,
            &refs,
            &roster,
            &|done, total| progress("headers", done, total),
            cancel,
        )
    } else {
        vec![identify::HeaderRead::default(); crops.len()]
    };
    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::cancelled());
    }
    let identified = identify::identify(
        copies
            .into_iter()
            .zip(reads)
            .zip(crops)
            .map(|(((file, copy), read), header_crop)| identify::Found {
                file,
                copy,
                read,
                header_crop,
            })
            .collect(),
        &roster,
    );

    let mut new_copies: Vec<NewCopy> = Vec::with_capacity(identified.len());
    for id in &identified {
        let header_crop = id.header_crop.as_deref().map(MediaStore::digest_bytes);
        let review = id.student_id.is_none() || id.copy.flags.iter().any(Flag::is_open);
        new_copies.push(NewCopy {
            status: if review {
                CopyStatus::NeedsReview
            } else {
                CopyStatus::Ready
            },
            flags: id.copy.flags.clone(),
            pages: id
                .copy
                .pages
                .iter()
                .map(|p| NewPage {
                    number: p.number,
                    source: id.file,
                    source_index: files[id.file].analysis.scans[p.scan].index,
                    half: p.half,
                    rotation: p.rotation,
                    fingerprint: Some(&files[id.file].analysis.scans[p.scan])
                        .filter(|scan| !is_blank(scan))
                        .map(|scan| scan.fingerprint.clone()),
                })
                .collect(),
            student_id: id.student_id.clone(),
            identified_by: id.identified_by,
            confidence: id.confidence,
            candidates: id.candidates.clone(),
            header_crop,
        });
    }
    let sources: Vec<NewSourcePdf> = files
        .iter()
        .map(|f| NewSourcePdf {
            sha256: f.sha256.clone(),
            file_name: file_name(&f.path),
            pages: f.analysis.page_count,
        })
        .collect();

    if cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(Error::cancelled());
    }
    // Files first, then every row in one transaction; on any failure the files this
    // import created are removed, so nothing is left half-written.
    let mut stored: Vec<Stored> = Vec::new();
    let result = (|| {
        for crop in identified.iter().filter_map(|id| id.header_crop.as_deref()) {
            stored.push(store.media().put_bytes(crop, HEADER_CROP_EXT)?);
        }
        for f in &files {
            let s = store.media().put_file(&f.path, "pdf")?;
            if s.sha256 != f.sha256 {
                stored.push(s);
                return Err(Error::conflict(format!(
                    "{} changed during the import; nothing was stored",
                    f.path.display()
                )));
            }
            stored.push(s);
        }
        store.record_import(&req.exam_id, &sources, &new_copies)
    })();
    let recorded = match result {
        Ok(r) => r,
        Err(e) => {
            for s in stored.iter().filter(|s| s.created) {
                let _ = std::fs::remove_file(&s.path);
            }
            return Err(e);
        }
    };

    let flags = recorded
        .copy_ids
        .iter()
        .zip(&new_copies)
        .flat_map(|(id, c)| {
            c.flags.iter().map(|f| CopyFlag {
                copy: id.clone(),
                flag: f.clone(),
            })
        })
        .collect();
    Ok(ImportSummary {
        copies: new_copies.len(),
        pages: new_copies.iter().map(|c| c.pages.len()).sum(),
        ready: new_copies
            .iter()
            .filter(|c| c.status == CopyStatus::Ready)
            .count(),
        needs_review: new_copies
            .iter()
            .filter(|c| c.status == CopyStatus::NeedsReview)
            .count(),
        flags,
        copy_ids: recorded.copy_ids,
    })
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    )
}

fn is_blank(scan: &ScanInfo) -> bool {
    scan.ink.iter().take(scan.halves()).all(|&i| i < BLANK_INK)
}
