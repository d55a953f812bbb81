//! Exports from the window: the grades CSV and the PRONOTE CSV at once, an exam's
//! annotated PDFs as a background job.

use crate::jobs::JobKind;
use crate::Station;
use korrigo_core::Result;
use korrigo_export::pdf::{self, ExamPdfRequest, PdfFile, PdfOptions};
use korrigo_export::{grades_csv, pronote, ExamSheet};
use std::path::{Path, PathBuf};

impl Station {
    /// Writes the grades CSV; returns the number of copies written.
    pub fn export_csv(&self, exam_id: &str, out: &Path) -> Result<usize> {
        let store = self.store()?;
        self.refuse_if_hidden(&store, exam_id, "exporting named grades")?;
        let sheet = ExamSheet::read(&store, exam_id)?;
        grades_csv::write(&sheet, out)
    }

    pub fn export_pronote(&self, exam_id: &str, coefficient: f64, out: &Path) -> Result<()> {
        let store = self.store()?;
        self.refuse_if_hidden(&store, exam_id, "exporting named grades")?;
        let sheet = ExamSheet::read(&store, exam_id)?;
        pronote::write(&sheet, coefficient, out)
    }

    pub fn export_copy_pdf(
        &self,
        copy_id: &str,
        options: PdfOptions,
        out: &Path,
    ) -> Result<PdfFile> {
        pdf::export_copy(&*self.store()?, copy_id, options, out)
    }

    /// Starts exporting every graded copy's PDF into `dir`; the job's result is the
    /// export summary.
    pub fn start_export_pdf(
        &self,
        exam_id: &str,
        dir: PathBuf,
        combined: Option<PathBuf>,
        mut options: PdfOptions,
    ) -> Result<u64> {
        options.anonymous |= self.hides_identity(&*self.store()?, exam_id)?;
        let store = self.own_store()?;
        let request = ExamPdfRequest {
            exam_id: exam_id.to_string(),
            dir,
            combined,
            options,
            include_ungraded: false,
        };
        Ok(self.jobs.start(JobKind::ExportPdf, move |report, cancel| {
            let summary = pdf::export_exam(
                &store,
                &request,
                &|done, total| report("PDF", done as u64, total as u64),
                cancel,
            )?;
            Ok(serde_json::to_value(summary)?)
        }))
    }
}
