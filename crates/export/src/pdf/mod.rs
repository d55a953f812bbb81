//! The annotated PDF a student receives: the scanned pages exactly as scanned (the
//! source's image streams reused through page boxes, never re-rasterised), the
//! annotations as vector content over them, and a "Relevé de notes" at the end.
//!
//! Files are written to a temp path and renamed; an exam export stages every file in a
//! hidden folder and moves them in only once all are made, so a failure or a cancel
//! leaves nothing behind. Each copy's file, once in place, is recorded for upload to the
//! central server (`Store::record_export`).

mod annots;
mod anonymous;
mod builder;
mod copy;
mod draw;
mod font;
pub mod geometry;
mod gstate;
mod releve;
mod source;

pub use anonymous::hide_header;
pub use copy::PdfOptions;

use crate::sheet::ExamSheet;
use builder::PdfBuilder;
use korrigo_core::media::write_file_atomically;
use korrigo_core::model::{anonymous_code, CopyStatus};
use korrigo_core::store::{CopyView, Store};
use korrigo_core::{Error, Result};
use serde::Serialize;
use source::Sources;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// A PDF written.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PdfFile {
    pub copy_id: Option<String>,
    pub path: PathBuf,
    pub pages: usize,
    pub bytes: u64,
}

/// Exports one copy to `out`.
pub fn export_copy(
    store: &Store,
    copy_id: &str,
    options: PdfOptions,
    out: &Path,
) -> Result<PdfFile> {
    let copy = store.copy(copy_id)?;
    let sheet = ExamSheet::read(store, &copy.exam_id)?;
    let mut sources = Sources::new(store.media());
    let mut pdf = PdfBuilder::new(&title(&sheet, &copy, options))?;
    copy::add_copy(&mut pdf, &mut sources, store, &sheet, &copy, options)?;
    let pages = pdf.page_count();
    let bytes = pdf.finish()?;
    write_file_atomically(out, &bytes)?;
    store.record_export(&copy.id, out, pages, options.anonymous)?;
    Ok(PdfFile {
        copy_id: Some(copy.id),
        path: out.to_path_buf(),
        pages,
        bytes: bytes.len() as u64,
    })
}

/// What an exam export is asked to do.
#[derive(Debug, Clone)]
pub struct ExamPdfRequest {
    pub exam_id: String,
    /// The folder that receives one file per copy.
    pub dir: PathBuf,
    /// Also one file with every copy, in scan order.
    pub combined: Option<PathBuf>,
    pub options: PdfOptions,
    /// Export copies that are not graded yet too.
    pub include_ungraded: bool,
}

/// What an exam export wrote, and which copies it left out.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExamPdfSummary {
    pub files: Vec<PdfFile>,
    pub combined: Option<PdfFile>,
    /// `#seq (status)` of the copies left out because they are not graded.
    pub skipped: Vec<String>,
}

/// Exports every graded copy of an exam, one file each, named by student (or by
/// anonymous code), and optionally one combined file.
pub fn export_exam(
    store: &Store,
    req: &ExamPdfRequest,
    progress: &dyn Fn(usize, usize),
    cancel: &AtomicBool,
) -> Result<ExamPdfSummary> {
    let sheet = ExamSheet::read(store, &req.exam_id)?;
    let (copies, skipped): (Vec<CopyView>, Vec<CopyView>) = store
        .copies(&req.exam_id)?
        .into_iter()
        .partition(|c| req.include_ungraded || c.status == CopyStatus::Graded);
    let skipped = skipped
        .iter()
        .map(|c| format!("#{} ({})", c.seq, c.status.as_str()))
        .collect();
    if copies.is_empty() {
        return Err(Error::validation(format!(
            "exam {} has no graded copy to export (use --include-ungraded for the others)",
            sheet.exam.name
        )));
    }
    std::fs::create_dir_all(&req.dir).map_err(|e| {
        Error::internal(format!(
            "cannot create the folder {}: {e}",
            req.dir.display()
        ))
    })?;
    let staging = Staging::new(&req.dir)?;
    let mut sources = Sources::new(store.media());
    let mut combined = match &req.combined {
        Some(_) => Some(PdfBuilder::new(&sheet.exam.name)?),
        None => None,
    };
    let mut names = HashSet::new();
    let mut files = Vec::new();
    for (i, copy) in copies.iter().enumerate() {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::cancelled());
        }
        progress(i, copies.len());
        let mut pdf = PdfBuilder::new(&title(&sheet, copy, req.options))?;
        copy::add_copy(&mut pdf, &mut sources, store, &sheet, copy, req.options)?;
        if let Some(all) = combined.as_mut() {
            copy::add_copy(all, &mut sources, store, &sheet, copy, req.options)?;
        }
        let name = file_name(&sheet, copy, req.options.anonymous, &mut names);
        let pages = pdf.page_count();
        let bytes = pdf.finish()?;
        write_file_atomically(&staging.path.join(&name), &bytes)?;
        files.push(PdfFile {
            copy_id: Some(copy.id.clone()),
            path: req.dir.join(&name),
            pages,
            bytes: bytes.len() as u64,
        });
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::cancelled());
    }
    let combined = match (combined, &req.combined) {
        (Some(all), Some(path)) => {
            let pages = all.page_count();
            let bytes = all.finish()?;
            write_file_atomically(path, &bytes)?;
            Some(PdfFile {
                copy_id: None,
                path: path.clone(),
                pages,
                bytes: bytes.len() as u64,
            })
        }
        _ => None,
    };
    staging.publish(&files)?;
    for f in &files {
        if let Some(copy_id) = &f.copy_id {
            store.record_export(copy_id, &f.path, f.pages, req.options.anonymous)?;
        }
    }
    progress(copies.len(), copies.len());
    Ok(ExamPdfSummary {
        files,
        combined,
        skipped,
    })
}

fn title(sheet: &ExamSheet, copy: &CopyView, options: PdfOptions) -> String {
    let who = match (&copy.student, options.anonymous) {
        (_, true) => anonymous_code(&copy.id),
        (Some(s), false) => format!("{} {}", s.last_name, s.first_name),
        (None, false) => format!("copie {}", copy.seq),
    };
    format!("{} — {who}", sheet.exam.name)
}

/// A file name that is safe on every system: letters (accents kept), digits and `-`;
/// the rest becomes `_`. Homonyms get their copy number.
fn file_name(
    sheet: &ExamSheet,
    copy: &CopyView,
    anonymous: bool,
    taken: &mut HashSet<String>,
) -> String {
    let stem = if anonymous {
        anonymous_code(&copy.id)
    } else {
        match sheet
            .rows
            .iter()
            .find(|r| r.copy_id == copy.id)
            .and_then(|r| r.student.as_ref())
        {
            Some(s) => format!("{}_{}", s.last_name, s.first_name)
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect(),
            None => format!("copie-{:03}", copy.seq),
        }
    };
    let mut name = format!("{stem}.pdf");
    if !taken.insert(name.to_lowercase()) {
        name = format!("{stem}-{}.pdf", copy.seq);
        taken.insert(name.to_lowercase());
    }
    name
}

/// A hidden folder next to the files being made, removed whatever happens.
struct Staging {
    path: PathBuf,
}

impl Staging {
    fn new(dir: &Path) -> Result<Staging> {
        let path = dir.join(format!(".korrigo-export-{}", std::process::id()));
        if path.exists() {
            let _ = std::fs::remove_dir_all(&path);
        }
        std::fs::create_dir(&path)
            .map_err(|e| Error::internal(format!("cannot create {}: {e}", path.display())))?;
        Ok(Staging { path })
    }

    fn publish(&self, files: &[PdfFile]) -> Result<()> {
        for f in files {
            let name = f.path.file_name().unwrap_or_default();
            std::fs::rename(self.path.join(name), &f.path).map_err(|e| {
                Error::internal(format!("cannot move {} into place: {e}", f.path.display()))
            })?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
