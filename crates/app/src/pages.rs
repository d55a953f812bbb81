//! Pages as the window shows them: rendered from the original scan by pdfium at the
//! width they are shown at, encoded as JPEG, kept in a small cache of recent pages, and
//! the next pages rendered ahead on a background thread so that turning a page shows a
//! cached image.

use crate::Station;
use image::codecs::jpeg::JpegEncoder;
use image::ExtendedColorType;
use korrigo_core::model::PageSource;
use korrigo_core::{Error, Result};
use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Pages kept: a copy of 4 pages at two widths for a dozen copies.
pub const CACHE_PAGES: usize = 96;
/// Widths are rounded up to a multiple of this, so that small window resizes reuse the
/// cached image.
const WIDTH_STEP: u32 = 200;
const MAX_WIDTH: u32 = 3000;
const JPEG_QUALITY: u8 = 85;

/// (copy, page, width, name header hidden).
type Key = (String, u32, u32, bool);

#[derive(Debug)]
pub(crate) struct PageCache {
    capacity: usize,
    entries: Mutex<VecDeque<(Key, Arc<Vec<u8>>)>>,
}

impl PageCache {
    pub fn new(capacity: usize) -> PageCache {
        PageCache {
            capacity,
            entries: Mutex::new(VecDeque::new()),
        }
    }

    fn get(&self, key: &Key) -> Option<Arc<Vec<u8>>> {
        let mut entries = self.entries.lock().ok()?;
        let i = entries.iter().position(|(k, _)| k == key)?;
        let hit = entries.remove(i)?;
        let bytes = Arc::clone(&hit.1);
        entries.push_back(hit);
        Some(bytes)
    }

    /// Drops a copy's cached pages (after its pages were turned or renumbered).
    pub fn forget_copy(&self, copy_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|((c, _, _, _), _)| c != copy_id);
        }
    }

    fn put(&self, key: Key, bytes: Arc<Vec<u8>>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(k, _)| *k != key);
            entries.push_back((key, bytes));
            while entries.len() > self.capacity {
                entries.pop_front();
            }
        }
    }
}

/// The width a page is rendered at for a request of `width` pixels.
pub fn rendered_width(width: u32) -> u32 {
    width.clamp(WIDTH_STEP, MAX_WIDTH).div_ceil(WIDTH_STEP) * WIDTH_STEP
}

fn render(pdf: &Path, source: &PageSource, width: u32, hide: Option<bool>) -> Result<Vec<u8>> {
    // An A4 page is 8.27 inches wide.
    let dpi = ((f64::from(width) / 8.27).ceil() as u32).clamp(20, 600);
    let mut img = korrigo_ingest::render_page(pdf, source, dpi)?;
    if let Some(first) = hide {
        korrigo_export::pdf::hide_header(&mut img, first);
    }
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(|e| Error::internal(format!("cannot encode the page: {e}")))?;
    Ok(out)
}

impl Station {
    /// Page `number` of a copy as a JPEG about `width` pixels wide.
    pub fn page_image(&self, copy_id: &str, number: u32, width: u32) -> Result<Arc<Vec<u8>>> {
        let width = rendered_width(width);
        let (page, pdf, hidden) = {
            let store = self.store()?;
            let copy = store.copy(copy_id)?;
            let (page, pdf) = store.page_of(&copy, number)?;
            (page, pdf, self.hides_identity(&store, &copy.exam_id)?)
        };
        let key = (copy_id.to_string(), number, width, hidden);
        if let Some(hit) = self.pages.get(&key) {
            return Ok(hit);
        }
        let hide = hidden.then_some(number == 1);
        let bytes = Arc::new(render(&pdf, &page.source, width, hide)?);
        self.pages.put(key, Arc::clone(&bytes));
        Ok(bytes)
    }

    /// Renders pages `numbers` of a copy in the background, for the next page turns.
    pub fn prefetch(self: &Arc<Self>, copy_id: &str, numbers: &[u32], width: u32) {
        let station = Arc::clone(self);
        let copy_id = copy_id.to_string();
        let numbers = numbers.to_vec();
        std::thread::spawn(move || {
            for n in numbers {
                // A page that cannot be rendered now will say why when it is shown.
                let _ = station.page_image(&copy_id, n, width);
            }
        });
    }

    /// The copy's header crop (JPEG) as the import cut it, for the review desk.
    pub fn header_crop(&self, copy_id: &str) -> Result<Vec<u8>> {
        let store = self.store()?;
        let copy = store.copy(copy_id)?;
        self.refuse_if_hidden(&store, &copy.exam_id, "seeing the name header")?;
        let sha = copy
            .header_crop
            .ok_or_else(|| Error::not_found(format!("copy #{} has no header crop", copy.seq)))?;
        let path = store
            .media()
            .path_of(&sha, korrigo_station::import::HEADER_CROP_EXT);
        std::fs::read(&path).map_err(|e| {
            Error::not_found(format!(
                "header crop {} cannot be read: {e}",
                path.display()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_round_up_to_steps_within_bounds() {
        assert_eq!(rendered_width(1), 200);
        assert_eq!(rendered_width(900), 1000);
        assert_eq!(rendered_width(1000), 1000);
        assert_eq!(rendered_width(10_000), 3000);
    }

    #[test]
    fn the_cache_forgets_the_least_recently_used_page() {
        let cache = PageCache::new(2);
        let key = |n| ("c".to_string(), n, 1000, false);
        cache.put(key(1), Arc::new(vec![1]));
        cache.put(key(2), Arc::new(vec![2]));
        assert!(cache.get(&key(1)).is_some());
        cache.put(key(3), Arc::new(vec![3]));
        assert!(cache.get(&key(2)).is_none());
        assert!(cache.get(&key(1)).is_some() && cache.get(&key(3)).is_some());
    }
}
