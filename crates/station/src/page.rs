//! Showing one page of a copy: the view rendered from the original scan.

use korrigo_core::media::write_file_atomically;
use korrigo_core::store::Store;
use korrigo_core::{Error, Result};
use std::path::Path;

/// Renders page `number` of a copy at `dpi` into a PNG at `out`.
pub fn render_to_png(
    store: &Store,
    copy_id: &str,
    number: u32,
    dpi: u32,
    out: &Path,
) -> Result<()> {
    let (page, pdf) = store.page(copy_id, number)?;
    let img = korrigo_ingest::render_page(&pdf, &page.source, dpi)?;
    let mut bytes = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut bytes),
        image::ImageFormat::Png,
    )
    .map_err(|e| Error::internal(format!("cannot encode the page as PNG: {e}")))?;
    write_file_atomically(out, &bytes)
}
