//! What the import learns from one scan (one PDF page) at the analysis resolution: its
//! format, where a name header is (which tells its orientation), how much ink each half
//! carries, and a fingerprint for recognising the same sheet side scanned twice.
//! Small and owned: nothing of the picture is kept.

use crate::fingerprint;
use crate::header::{self, dark_threshold};
use crate::raster::Region;
use image::{imageops, GrayImage};
use serde::{Deserialize, Serialize};

/// How a scan is cut into A4 pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// A landscape A3 scan holding two A4 pages side by side.
    A3,
    /// One A4 page.
    A4,
}

/// Which way up a scan was fed, judged from the name header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderAt {
    /// A header where an upright first page has it (A3: top of the right half).
    Upright,
    /// A header where a first page turned by 180° has it (A3: bottom of the left half).
    Turned,
    /// Both places look like a header (ruled paper, say): orientation unknown.
    Ambiguous,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanInfo {
    /// 0-based page of the PDF.
    pub index: u32,
    pub format: Format,
    pub header: Option<HeaderAt>,
    /// Share of inked pixels of each displayed half (A4: both entries are the page's).
    pub ink: [f32; 2],
    /// The displayed scan's fingerprint (see `fingerprint`), for recognising a side
    /// scanned twice.
    pub fingerprint: Vec<u8>,
    /// Where the header box lies on its page, turned upright: its top and bottom as
    /// shares of the page height.
    #[serde(skip)]
    pub header_band: Option<(f32, f32)>,
    /// The name header zone, upright, as JPEG at `HEADER_DPI` (for reading it and for
    /// the review desk).
    #[serde(skip)]
    pub header_crop: Option<Vec<u8>>,
}

/// Under this share of inked pixels a page counts as blank.
pub const BLANK_INK: f32 = 0.002;

impl ScanInfo {
    pub fn analyse(index: u32, format: Format, img: &GrayImage) -> ScanInfo {
        let (w, h) = img.dimensions();
        let dark = dark_threshold(img);
        let (upright, turned, ink) = match format {
            Format::A3 => {
                let left = imageops::crop_imm(img, 0, 0, w / 2, h).to_image();
                let right = imageops::crop_imm(img, w / 2, 0, w - w / 2, h).to_image();
                let upright = header::find(&right);
                let turned = header::find(&imageops::rotate180(&left));
                (
                    upright,
                    turned,
                    [ink_share(&left, dark), ink_share(&right, dark)],
                )
            }
            Format::A4 => {
                let upright = header::find(img);
                let turned = header::find(&imageops::rotate180(img));
                let ink = ink_share(img, dark);
                (upright, turned, [ink, ink])
            }
        };
        let header = judge(upright, turned);
        let band = match header {
            Some(HeaderAt::Upright) => upright,
            Some(HeaderAt::Turned) => turned,
            _ => None,
        }
        .map(|b| (b.top as f32 / h as f32, b.bottom as f32 / h as f32));
        let cols = fingerprint::COLS_PER_A4 * if format == Format::A3 { 2 } else { 1 };
        ScanInfo {
            index,
            format,
            header,
            ink,
            fingerprint: fingerprint::fingerprint(img, dark, cols),
            header_band: band,
            header_crop: None,
        }
    }

    /// The displayed region (points) holding the header zone of a page `width_pt` ×
    /// `height_pt`, and whether it must be turned by 180° to read.
    pub fn header_region(&self, width_pt: f32, height_pt: f32) -> Option<(Region, bool)> {
        let (top, bottom) = self.header_band?;
        let margin = 4.0 / 25.4 * 72.0;
        let (y0, y1) = (
            (top * height_pt - margin).max(0.0),
            (bottom * height_pt + margin).min(height_pt),
        );
        let turned = self.header == Some(HeaderAt::Turned);
        let half_w = if self.format == Format::A3 {
            width_pt / 2.0
        } else {
            width_pt
        };
        let x = match (self.format, turned) {
            (Format::A3, false) => width_pt / 2.0,
            _ => 0.0,
        };
        let y = if turned { height_pt - y1 } else { y0 };
        Some((
            Region {
                x,
                y,
                width: half_w,
                height: y1 - y0,
            },
            turned,
        ))
    }

    pub fn halves(&self) -> usize {
        if self.format == Format::A3 {
            2
        } else {
            1
        }
    }
}

fn judge(
    upright: Option<header::HeaderBox>,
    turned: Option<header::HeaderBox>,
) -> Option<HeaderAt> {
    match (upright, turned) {
        (None, None) => None,
        (Some(_), None) => Some(HeaderAt::Upright),
        (None, Some(_)) => Some(HeaderAt::Turned),
        (Some(u), Some(t)) if u.strength > t.strength + 0.15 => Some(HeaderAt::Upright),
        (Some(u), Some(t)) if t.strength > u.strength + 0.15 => Some(HeaderAt::Turned),
        _ => Some(HeaderAt::Ambiguous),
    }
}

/// Share of dark pixels inside the page, away from the edges where scanners leave
/// shadows.
fn ink_share(page: &GrayImage, dark: u8) -> f32 {
    let (w, h) = page.dimensions();
    let (mx, my) = (w * 6 / 100, h * 4 / 100);
    let mut inked = 0u32;
    let mut total = 0u32;
    for y in my..h.saturating_sub(my) {
        for x in mx..w.saturating_sub(mx) {
            total += 1;
            inked += (page.get_pixel(x, y)[0] < dark) as u32;
        }
    }
    if total == 0 {
        0.0
    } else {
        inked as f32 / total as f32
    }
}
