//! Shared helpers of the station's scenario tests: a fresh store with an exam, batches
//! written by the fixture generator, and the copies compared with the generator's truth.

#![allow(dead_code)]

use korrigo_core::model::{FlagKind, Half};
use korrigo_core::store::{CopyView, NewExam, Store};
use korrigo_core::Result;
use korrigo_fixtures::{BatchSpec, CopySpec, Encoding, Mode, Truth};
use korrigo_station::import::{import, ImportRequest, ImportSummary};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

pub struct Station {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub exam: String,
}

impl Station {
    pub fn new() -> Station {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("data")).unwrap();
        let exam = store
            .create_exam(&NewExam {
                name: "DS 3".into(),
                date: None,
                subject: None,
                pages_per_copy: 4,
            })
            .unwrap()
            .id;
        Station { dir, store, exam }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn import(&mut self, files: &[&Path]) -> Result<ImportSummary> {
        self.import_with(files, false, &AtomicBool::new(false))
    }

    pub fn import_with(
        &mut self,
        files: &[&Path],
        force: bool,
        cancel: &AtomicBool,
    ) -> Result<ImportSummary> {
        let request = ImportRequest {
            exam_id: self.exam.clone(),
            files: files.iter().map(|p| p.to_path_buf()).collect(),
            mode: Default::default(),
            force,
            read_headers: true,
        };
        import(&mut self.store, &request, &|_, _, _| {}, cancel)
    }

    pub fn copies(&self) -> Vec<CopyView> {
        self.store.copies(&self.exam).unwrap()
    }

    /// Files in the media store (ending with `ext`, or all).
    pub fn media_files_with(&self, ext: Option<&str>) -> usize {
        fn count(p: &Path, ext: Option<&str>) -> usize {
            std::fs::read_dir(p).map_or(0, |d| {
                d.map(|e| e.unwrap().path())
                    .map(|p| match (p.is_dir(), ext) {
                        (true, _) => count(&p, ext),
                        (false, Some(ext)) => usize::from(p.extension().is_some_and(|e| e == ext)),
                        (false, None) => 1,
                    })
                    .sum()
            })
        }
        count(&self.dir.path().join("data/media"), ext)
    }

    pub fn media_files(&self) -> usize {
        self.media_files_with(None)
    }
}

pub fn spec(mode: Mode, encoding: Encoding, dpi: u32, copies: Vec<CopySpec>) -> BatchSpec {
    BatchSpec {
        seed: 11,
        dpi,
        mode,
        encoding,
        rotate270: false,
        copies,
    }
}

pub fn write(station: &Station, name: &str, spec: &BatchSpec) -> (PathBuf, Truth) {
    let path = station.path(name);
    let truth = korrigo_fixtures::write_batch(spec, &path).unwrap();
    (path, truth)
}

pub type PagePos = (u32, u32, Half, u16);

/// The truth's copies as page positions: (number, pdf index, half, rotation).
pub fn expected(truth: &Truth) -> Vec<Vec<PagePos>> {
    truth
        .copies
        .iter()
        .map(|c| {
            c.pages
                .iter()
                .map(|p| {
                    let half = match p.half {
                        korrigo_fixtures::Half::Left => Half::Left,
                        korrigo_fixtures::Half::Right => Half::Right,
                        korrigo_fixtures::Half::Full => Half::Full,
                    };
                    (p.number, p.pdf_index, half, p.rotation as u16)
                })
                .collect()
        })
        .collect()
}

pub fn positions(copy: &CopyView) -> Vec<PagePos> {
    copy.pages
        .iter()
        .map(|p| (p.number, p.source.index, p.source.half, p.source.rotation))
        .collect()
}

pub fn kinds(copy: &CopyView) -> Vec<FlagKind> {
    copy.flags.iter().map(|f| f.kind).collect()
}

pub fn plain(n: usize) -> Vec<CopySpec> {
    (0..n).map(|_| CopySpec::plain(1)).collect()
}
