//! The anonymous variant: the identity header of every sheet's first page is removed
//! from the page content itself, not hidden under a removable overlay.
//!
//! A scan image that shows a header cannot be reused as it is — the name would still be
//! in its pixels, outside the crop box — so every page view of such a scan is
//! re-rendered from the source at [`DPI`], with the header zone painted over in the
//! pixels, and stored as a new JPEG. Scans without a header keep their original image
//! streams untouched.

use image::{GrayImage, ImageEncoder, RgbImage};
use korrigo_core::grading::annotation::Pt;
use korrigo_core::model::PageSource;
use korrigo_core::{Error, Result};
use lopdf::{dictionary, Stream};
use std::path::Path;

/// Resolution of re-rendered pages.
pub const DPI: u32 = 200;
/// Resolution at which headers are looked for.
const FIND_DPI: u32 = 100;
/// Where the header is taken to be on a copy's first page when no box is found: the top
/// of the page, from edge to edge, as deep as the deepest header the import accepts.
const FALLBACK_BOTTOM: f64 = 0.32;
/// Margin added around a found box, as a share of the page height.
const MARGIN: f64 = 0.012;
pub const COVER_GREY: f64 = 0.85;

/// The zone to cover on a page view, in normalised coordinates (top-left, bottom-right).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cover {
    pub from: Pt,
    pub to: Pt,
}

/// The header zone of page view `source`, if it shows one. `first` marks a copy's first
/// page, which is always covered (by the fallback zone if no box is found).
pub fn find_cover(pdf: &Path, source: &PageSource, first: bool) -> Result<Option<Cover>> {
    let page = korrigo_ingest::render_page(pdf, source, FIND_DPI)?;
    let gray: GrayImage = image::DynamicImage::ImageRgb8(page).to_luma8();
    let h = f64::from(gray.height());
    match korrigo_ingest::header::find(&gray) {
        Some(b) => Ok(Some(Cover {
            from: Pt {
                x: 0.0,
                y: (f64::from(b.top) / h - MARGIN).max(0.0),
            },
            to: Pt {
                x: 1.0,
                y: (f64::from(b.bottom) / h + MARGIN).min(1.0),
            },
        })),
        None if first => Ok(Some(Cover {
            from: Pt { x: 0.0, y: 0.0 },
            to: Pt {
                x: 1.0,
                y: FALLBACK_BOTTOM,
            },
        })),
        None => Ok(None),
    }
}

/// A page view re-rendered with `covers` painted into its pixels, as a JPEG image
/// XObject, and its size in pixels.
pub fn redacted_image(pdf: &Path, source: &PageSource, covers: &[Cover]) -> Result<Stream> {
    let mut page: RgbImage = korrigo_ingest::render_page(pdf, source, DPI)?;
    let (w, h) = page.dimensions();
    let grey = (COVER_GREY * 255.0).round() as u8;
    for c in covers {
        let (x0, x1) = (
            (c.from.x * f64::from(w)) as u32,
            (c.to.x * f64::from(w)).ceil() as u32,
        );
        let (y0, y1) = (
            (c.from.y * f64::from(h)) as u32,
            (c.to.y * f64::from(h)).ceil() as u32,
        );
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                page.put_pixel(x, y, image::Rgb([grey; 3]));
            }
        }
    }
    let is_grey = page.pixels().all(|p| p[0] == p[1] && p[1] == p[2]);
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80);
    let (colour_space, result) = if is_grey {
        let gray = image::DynamicImage::ImageRgb8(page).to_luma8();
        (
            "DeviceGray",
            encoder.write_image(&gray, w, h, image::ExtendedColorType::L8),
        )
    } else {
        (
            "DeviceRGB",
            encoder.write_image(&page, w, h, image::ExtendedColorType::Rgb8),
        )
    };
    result.map_err(|e| Error::internal(format!("cannot encode a redacted page: {e}")))?;
    Ok(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => i64::from(w),
            "Height" => i64::from(h),
            "ColorSpace" => colour_space,
            "BitsPerComponent" => 8,
            "Filter" => "DCTDecode",
        },
        jpeg,
    ))
}
