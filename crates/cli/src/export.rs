//! `korrigo export`: the annotated PDF, the grades CSV and the PRONOTE CSV.

use crate::args::{ExportCommand, PdfArgs};
use crate::output::{self, Bar};
use korrigo_core::store::Store;
use korrigo_core::Result;
use korrigo_export::pdf::{self, ExamPdfRequest, PdfOptions};
use korrigo_export::{grades_csv, pronote, ExamSheet};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

pub fn run(store: &Store, command: ExportCommand, as_json: bool) -> Result<()> {
    match command {
        ExportCommand::Pdf(args) => export_pdf(store, args, as_json)?,
        ExportCommand::Csv { exam, output } => {
            let sheet = ExamSheet::read(store, &exam)?;
            let rows = grades_csv::write(&sheet, &output)?;
            if as_json {
                output::json(&json!({ "path": output, "rows": rows }));
            } else {
                println!("{rows} copies in {}", output.display());
            }
        }
        ExportCommand::Pronote {
            exam,
            output,
            coefficient,
        } => {
            let sheet = ExamSheet::read(store, &exam)?;
            pronote::write(&sheet, coefficient, &output)?;
            if as_json {
                output::json(&json!({ "path": output }));
            } else {
                println!("{}", output.display());
            }
        }
    }
    Ok(())
}

fn export_pdf(store: &Store, args: PdfArgs, as_json: bool) -> Result<()> {
    let options = PdfOptions {
        anonymous: args.anonymous,
        annotation_objects: args.with_annotation_objects,
    };
    if let Some(copy) = args.copy {
        let file = pdf::export_copy(store, &copy, options, &args.output)?;
        if as_json {
            output::json(&file);
        } else {
            println!("{} ({} pages)", file.path.display(), file.pages);
        }
        return Ok(());
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = Arc::clone(&cancel);
        let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    }
    let bar = Bar::counting("copies");
    let request = ExamPdfRequest {
        exam_id: args.exam.unwrap_or_default(),
        dir: args.output,
        combined: args.combined,
        options,
        include_ungraded: args.include_ungraded,
    };
    let result = pdf::export_exam(
        store,
        &request,
        &|done, total| bar.update("PDF", done, total),
        &cancel,
    );
    bar.finish();
    let summary = result?;
    if as_json {
        output::json(&summary);
    } else {
        for f in &summary.files {
            println!("{} ({} pages)", f.path.display(), f.pages);
        }
        if let Some(all) = &summary.combined {
            println!("{} ({} pages, every copy)", all.path.display(), all.pages);
        }
        if !summary.skipped.is_empty() {
            println!("not graded, left out: {}", summary.skipped.join(", "));
        }
    }
    Ok(())
}
