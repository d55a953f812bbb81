//! One copy into a PDF being built: its pages in reading order, each the scan as it was
//! scanned with the annotations drawn over it (or attached as annotation objects), then
//! its relevé de notes.

use super::annots;
use super::anonymous::{self, Cover, Redacted, View, COVER_GREY};
use super::builder::PdfBuilder;
use super::draw::Canvas;
use super::geometry::Frame;
use super::releve::{self, Releve};
use super::source::Sources;
use crate::sheet::{ExamSheet, SheetRow};
use korrigo_core::grading::Annotation;
use korrigo_core::model::anonymous_code;
use korrigo_core::store::{CopyView, Store};
use korrigo_core::Result;
use lopdf::{dictionary, Dictionary};
use rayon::prelude::*;
use std::collections::HashMap;

/// How a PDF is made.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(default)]
#[ts(export)]
pub struct PdfOptions {
    /// Cover the identity header of every sheet and name the student by a code.
    pub anonymous: bool,
    /// Attach the annotations as PDF annotation objects a reader can hide, instead of
    /// drawing them into the page content.
    pub annotation_objects: bool,
}

/// Who the relevé names.
pub fn who(copy: &CopyView, row: &SheetRow, anonymous: bool) -> String {
    if anonymous {
        return format!("Copie anonyme : {}", anonymous_code(&copy.id));
    }
    match &row.student {
        Some(s) => {
            let class = s
                .class
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            format!("Élève : {} {}{class}", s.last_name, s.first_name)
        }
        None => format!("Copie n° {} (élève non identifié)", copy.seq),
    }
}

pub(crate) fn add_copy(
    pdf: &mut PdfBuilder,
    sources: &mut Sources<'_>,
    store: &Store,
    sheet: &ExamSheet,
    copy: &CopyView,
    options: PdfOptions,
) -> Result<()> {
    let row = sheet
        .rows
        .iter()
        .find(|r| r.copy_id == copy.id)
        .ok_or_else(|| {
            korrigo_core::Error::not_found(format!("copy {} is not in the exam", copy.id))
        })?;
    let annotations = store.annotations(&copy.id, false)?;
    let mut redacted = if options.anonymous {
        redact(sources, copy)?
    } else {
        HashMap::new()
    };
    for page in &copy.pages {
        let notes: Vec<&Annotation> = annotations
            .iter()
            .filter(|a| a.page == page.number)
            .collect();
        let source = sources.get(&page.source.pdf)?;
        let source_page = source.page(page.source.index)?;
        let frame = Frame::of_view(
            source_page.visible,
            source_page.rotate,
            page.source.half,
            page.source.rotation,
        );
        let draw_notes = |c: &mut Canvas<'_>, cover: &[Cover], code: &str| {
            for k in cover {
                c.cover(k.from, k.to, COVER_GREY);
                let (w, h) = c.size();
                let size = 0.02 * h;
                let (x, y) = (0.04 * w, (1.0 - (k.from.y + k.to.y) / 2.0) * h - size / 3.0);
                c.ops.push_str("0.2 0.2 0.2 rg\n");
                c.text_at(x, y, &format!("Copie anonyme {code}"), size);
            }
            if !options.annotation_objects {
                for a in &notes {
                    c.shape(&a.shape, &a.style);
                }
            }
        };
        let code = anonymous_code(&copy.id);
        let rendered = redacted.remove(&page.number);
        let page_id = if let Some(r) = &rendered {
            let image = pdf.add_object(r.image.clone());
            let (w, h) = frame.display_size();
            let resources = dictionary! { "XObject" => dictionary! { "KgIm0" => image } };
            pdf.add_drawn_page(w, h, resources, |c| {
                c.ops
                    .push_str(&format!("q {w:.3} 0 0 {h:.3} 0 0 cm /KgIm0 Do Q\n"));
                draw_notes(c, &r.covers, &code);
            })?
        } else {
            let source = sources.get(&page.source.pdf)?;
            pdf.add_scan_page(&page.source.pdf, source, &source_page, frame, |c| {
                draw_notes(c, &[], &code)
            })?
        };
        if options.annotation_objects {
            let page_frame = if rendered.is_some() {
                let (w, h) = frame.display_size();
                Frame::upright(w, h)
            } else {
                frame
            };
            let dicts: Vec<Dictionary> = notes
                .iter()
                .map(|a| annots::annotation(pdf, page_frame, a))
                .collect::<Result<_>>()?;
            pdf.set_annotations(page_id, dicts);
        }
    }
    let exam = &sheet.exam;
    releve::add(
        pdf,
        &Releve {
            exam: &exam.name,
            subject: exam.subject.as_deref(),
            date: exam.date.as_deref(),
            who: who(copy, row, options.anonymous),
            grade: &row.grade,
            appreciation: row.appreciation.as_deref(),
        },
    )
}

/// The copy's pages that lie on a scan showing a header, re-rendered without it, by
/// page number.
fn redact(sources: &mut Sources<'_>, copy: &CopyView) -> Result<HashMap<u32, Redacted>> {
    let mut scans: Vec<((String, u32), Vec<View>)> = Vec::new();
    for (i, page) in copy.pages.iter().enumerate() {
        let key = (page.source.pdf.clone(), page.source.index);
        let view = View {
            number: page.number,
            source: page.source.clone(),
            first: i == 0,
        };
        match scans.iter_mut().find(|(k, _)| *k == key) {
            Some((_, views)) => views.push(view),
            None => scans.push((key, vec![view])),
        }
    }
    let mut jobs = Vec::new();
    for ((pdf, index), views) in scans {
        let bitonal = sources.get(&pdf)?.is_bitonal(index);
        jobs.push((sources.path(&pdf), index, views, bitonal));
    }
    // Rendering is one at a time (pdfium), but finding headers and encoding run beside it.
    let done: Vec<Option<Vec<Redacted>>> = jobs
        .par_iter()
        .map(|(path, index, views, bitonal)| anonymous::redact_scan(path, *index, views, *bitonal))
        .collect::<Result<_>>()?;
    Ok(done
        .into_iter()
        .flatten()
        .flatten()
        .map(|r| (r.number, r))
        .collect())
}
