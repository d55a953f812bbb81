//! Rendering one A4 page view (a scan, a half of it, turned upright) as it is shown and
//! exported: the original PDF page rendered by pdfium, cut and turned, nothing stored.

use crate::engine::Engine;
use image::{imageops, RgbImage};
use korrigo_core::model::{Half, PageSource};
use korrigo_core::{Error, Result};
use pdfium_render::prelude::*;
use std::path::Path;

/// Renders the page view `source` of the PDF at `pdf` at `dpi` (of the A4 page).
pub fn render_page(pdf: &Path, source: &PageSource, dpi: u32) -> Result<RgbImage> {
    let full = render_scan(pdf, source.index, dpi)?;
    Ok(cut_view(&full, source.half, source.rotation))
}

/// Renders the whole page `index` (0-based) of the PDF at `pdf` as displayed (after its
/// `/Rotate`), at `dpi`.
pub fn render_scan(pdf: &Path, index: u32, dpi: u32) -> Result<RgbImage> {
    if !(20..=600).contains(&dpi) {
        return Err(Error::validation(format!("{dpi} dpi is outside 20..600")));
    }
    let name = pdf.display();
    let engine = Engine::get()?;
    let doc = engine
        .pdfium()
        .load_pdf_from_file(pdf, None)
        .map_err(|e| Error::corrupt_input(format!("{name}: cannot be opened: {e}")))?;
    let page = doc
        .pages()
        .get(index as i32)
        .map_err(|_| Error::not_found(format!("{name} has no page {}", index + 1)))?;
    let (w_pt, h_pt) = (page.width().value, page.height().value);
    let scale = dpi as f32 / 72.0;
    let cfg = PdfRenderConfig::new()
        .set_target_size((w_pt * scale).round() as i32, (h_pt * scale).round() as i32);
    let full = page
        .render_with_config(&cfg)
        .and_then(|b| b.as_image())
        .map_err(|e| {
            Error::corrupt_input(format!(
                "{name}: page {} cannot be rendered: {e}",
                index + 1
            ))
        })?
        .to_rgb8();
    Ok(full)
}

/// The A4 view `half` of a rendered scan, turned clockwise by `rotation` degrees.
pub fn cut_view(full: &RgbImage, half: Half, rotation: u16) -> RgbImage {
    let (w, h) = full.dimensions();
    let cut = match half {
        Half::Full => full.clone(),
        Half::Left => imageops::crop_imm(full, 0, 0, w / 2, h).to_image(),
        Half::Right => imageops::crop_imm(full, w / 2, 0, w - w / 2, h).to_image(),
    };
    match rotation {
        90 => imageops::rotate90(&cut),
        180 => imageops::rotate180(&cut),
        270 => imageops::rotate270(&cut),
        _ => cut,
    }
}
