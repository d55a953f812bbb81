//! Reading a scanner PDF into `ScanInfo`s: refuses what is not a usable scan batch with
//! an error naming the file and page, and spreads the decoding and analysis of scans
//! over the cores while one thread talks to pdfium.

use crate::engine::Engine;
use crate::raster::{self, RasterSource};
use crate::scan::{Format, ScanInfo};
use korrigo_core::{Error, Result};
use pdfium_render::prelude::*;
use serde::{Deserialize, Serialize};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// How to cut scans into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A3 when the displayed page is landscape (width / height > 1.2), else A4.
    #[default]
    Auto,
    A3,
    A4,
}

/// Quality of the header crops' JPEG encoding.
const HEADER_JPEG_QUALITY: u8 = 85;

/// Pages read per opening of the document (see `analyze_file`).
const PAGES_PER_OPENING: usize = 32;

/// A scanned page's smallest and largest displayed side, in points (4 in and 24 in).
const MIN_SIDE_PT: f32 = 288.0;
const MAX_SIDE_PT: f32 = 1728.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileAnalysis {
    pub page_count: u32,
    pub scans: Vec<ScanInfo>,
}

/// Progress of a long task: `done` of `total` units.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Analyses every page of `path`. `cancel` is polled between pages.
pub fn analyze_file(
    path: &Path,
    mode: Mode,
    progress: Progress<'_>,
    cancel: &AtomicBool,
) -> Result<FileAnalysis> {
    let name = path.display().to_string();
    check_envelope(path)?;
    let engine = Engine::get()?;
    let open = || {
        engine
            .pdfium()
            .load_pdf_from_file(path, None)
            .map_err(|e| open_error(&name, e))
    };
    let count = open()?.pages().len() as usize;
    if count == 0 {
        return Err(Error::corrupt_input(format!(
            "{name}: the PDF has no pages"
        )));
    }
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 8);
    let (job_tx, job_rx) = mpsc::sync_channel::<(u32, Format, RasterSource)>(workers * 2);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (result_tx, result_rx) = mpsc::channel::<Result<ScanInfo>>();
    let failed = AtomicBool::new(false);
    let mut scans: Vec<ScanInfo> = Vec::with_capacity(count);

    std::thread::scope(|s| -> Result<()> {
        for _ in 0..workers {
            let (rx, tx, name, failed) = (Arc::clone(&job_rx), result_tx.clone(), &name, &failed);
            s.spawn(move || loop {
                let job = rx.lock().expect("job queue").recv();
                let Ok((index, format, source)) = job else {
                    break;
                };
                if failed.load(Ordering::Relaxed) {
                    continue;
                }
                let result = read_scan(index, format, &source)
                    .map_err(|e| Error::corrupt_input(format!("{name}: page {}: {e}", index + 1)));
                if result.is_err() {
                    failed.store(true, Ordering::Relaxed);
                }
                if tx.send(result).is_err() {
                    break;
                }
            });
        }
        drop(result_tx);
        let mut outcome = Ok(());
        let mut collect = |r: Result<ScanInfo>, outcome: &mut Result<()>| match r {
            Ok(scan) => {
                scans.push(scan);
                progress(scans.len(), count);
            }
            Err(e) => {
                if outcome.is_ok() {
                    *outcome = Err(e);
                }
            }
        };
        // pdfium keeps every object it has read until the document is closed: reopening
        // it every few pages keeps memory flat whatever the size of the batch.
        'chunks: for start in (0..count).step_by(PAGES_PER_OPENING) {
            let doc = open()?;
            let pages = doc.pages();
            for i in start..(start + PAGES_PER_OPENING).min(count) {
                if cancel.load(Ordering::Relaxed) {
                    outcome = Err(Error::cancelled());
                }
                if outcome.is_err() || failed.load(Ordering::Relaxed) {
                    break 'chunks;
                }
                let job = pages
                    .get(i as i32)
                    .map_err(|e| {
                        Error::corrupt_input(format!("{name}: page {} cannot be read: {e}", i + 1))
                    })
                    .and_then(|page| {
                        let format = check_size(&name, i, &page, mode)?;
                        raster::extract(&page)
                            .map(|source| (i as u32, format, source))
                            .map_err(|e| {
                                Error::corrupt_input(format!("{name}: page {}: {e}", i + 1))
                            })
                    });
                match job {
                    Ok(job) => job_tx
                        .send(job)
                        .map_err(|_| Error::internal("the scan workers stopped"))?,
                    Err(e) => outcome = Err(e),
                }
                while let Ok(r) = result_rx.try_recv() {
                    collect(r, &mut outcome);
                }
            }
        }
        drop(job_tx);
        for r in result_rx.iter() {
            collect(r, &mut outcome);
        }
        outcome
    })?;
    scans.sort_by_key(|s| s.index);
    Ok(FileAnalysis {
        page_count: count as u32,
        scans,
    })
}

/// Analyses one scan and, when it opens a copy, cuts its header zone out.
pub fn read_scan(
    index: u32,
    format: Format,
    source: &RasterSource,
) -> std::result::Result<ScanInfo, String> {
    let img = source.decode()?;
    let mut scan = ScanInfo::analyse(index, format, &img);
    let (w_pt, h_pt) = source.page_size_pt();
    if let Some((region, turned)) = scan.header_region(w_pt, h_pt) {
        let crop = source.region(Some(region), raster::HEADER_DPI, 4)?;
        let crop = if turned {
            image::imageops::rotate180(&crop)
        } else {
            crop
        };
        // JPEG keeps a class's crops small in memory and on disk (a PNG of a noisy scan
        // is five times larger) and reads as well.
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, HEADER_JPEG_QUALITY)
            .encode_image(&crop)
            .map_err(|e| format!("its header cannot be encoded: {e}"))?;
        scan.header_crop = Some(jpeg);
    }
    Ok(scan)
}

fn check_size(name: &str, i: usize, page: &PdfPage<'_>, mode: Mode) -> Result<Format> {
    let (w, h) = (page.width().value, page.height().value);
    let mm = |pt: f32| (pt / 72.0 * 25.4).round();
    let describe = || format!("{name}: page {} is {} × {} mm", i + 1, mm(w), mm(h));
    if w.min(h) < MIN_SIDE_PT {
        return Err(Error::corrupt_input(format!(
            "{}, too small for a scanned A4 or A3 page",
            describe()
        )));
    }
    if w.max(h) > MAX_SIDE_PT {
        return Err(Error::corrupt_input(format!(
            "{}, too large for a scanned A4 or A3 page",
            describe()
        )));
    }
    Ok(match mode {
        Mode::A3 => Format::A3,
        Mode::A4 => Format::A4,
        Mode::Auto if w / h > 1.2 => Format::A3,
        Mode::Auto => Format::A4,
    })
}

/// Cheap checks before pdfium: the file exists, starts like a PDF and ends like one (a
/// copy cut short by a full disk or a broken transfer has no end-of-file marker).
fn check_envelope(path: &Path) -> Result<()> {
    let name = path.display();
    let mut f = std::fs::File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::not_found(format!("{name}: no such file"))
        } else {
            Error::validation(format!("{name}: cannot be read: {e}"))
        }
    })?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = [0u8; 1024];
    let n = read_up_to(&mut f, &mut head);
    if !head[..n].windows(5).any(|w| w == b"%PDF-") {
        return Err(Error::corrupt_input(format!("{name}: not a PDF file")));
    }
    let tail_len = len.min(4096);
    f.seek(SeekFrom::Start(len - tail_len))
        .map_err(|e| Error::validation(format!("{name}: cannot be read: {e}")))?;
    let mut tail = vec![0u8; tail_len as usize];
    let n = read_up_to(&mut f, &mut tail);
    if !tail[..n].windows(5).any(|w| w == b"%%EOF") {
        return Err(Error::corrupt_input(format!(
            "{name}: the PDF is truncated (it has no end-of-file marker); copy it again from the scanner"
        )));
    }
    Ok(())
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> usize {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    n
}

fn open_error(name: &str, e: PdfiumError) -> Error {
    match e {
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => Error::corrupt_input(format!(
            "{name}: the PDF is encrypted with a password; save it again from the scanner without protection"
        )),
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FileError) => {
            Error::validation(format!("{name}: cannot be read"))
        }
        PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => {
            Error::corrupt_input(format!("{name}: not a valid PDF (damaged or not a PDF)"))
        }
        other => Error::corrupt_input(format!("{name}: cannot be opened as a PDF: {other}")),
    }
}
