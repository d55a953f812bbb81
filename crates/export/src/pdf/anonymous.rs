//! The anonymous variant: the identity header of every sheet's first page is removed
//! from the page content itself, not hidden under a removable overlay.
//!
//! A scan image that shows a header cannot be reused as it is — the name would still be
//! in its pixels, outside the crop box — so every page view of such a scan is cut from
//! one fresh rendering of the source, with the header zone painted over in the pixels,
//! and stored as a new image: CCITT G4 at 300 dpi for bitonal scans, JPEG at 200 dpi
//! otherwise. Scans without a header keep their original image streams untouched.

use fax::encoder::Encoder;
use fax::{Color, VecWriter};
use image::{imageops, GrayImage, ImageEncoder, RgbImage};
use korrigo_core::grading::annotation::Pt;
use korrigo_core::model::PageSource;
use korrigo_core::{Error, Result};
use lopdf::{dictionary, Stream};
use std::path::Path;

/// Resolution of re-rendered grey or colour pages, and of bitonal ones.
const DPI: u32 = 200;
const BITONAL_DPI: u32 = 300;
/// Headers are looked for on views scaled to about this width (100 dpi on A4).
const FIND_WIDTH: u32 = 827;
/// Where the header is taken to be on a copy's first page when no box is found: the top
/// of the page, from edge to edge, as deep as the deepest header the import accepts.
const FALLBACK_BOTTOM: f64 = 0.32;
/// Margin added around a found box, as a share of the page height.
const MARGIN: f64 = 0.012;
pub const COVER_GREY: f64 = 0.85;
const BITONAL_THRESHOLD: u8 = 160;

/// The zone to cover on a page view, in normalised coordinates (top-left, bottom-right).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cover {
    pub from: Pt,
    pub to: Pt,
}

/// A page view of the copy that lies on a scan, and whether it is the copy's first page
/// (always covered, by the fallback zone if no box is found).
#[derive(Debug, Clone)]
pub struct View {
    pub number: u32,
    pub source: PageSource,
    pub first: bool,
}

/// A page view re-rendered without its header: the image XObject and what was covered.
#[derive(Debug)]
pub struct Redacted {
    pub number: u32,
    pub image: Stream,
    pub covers: Vec<Cover>,
}

/// The views of one scan, redacted, if any of them shows a header; `None` when the scan
/// can be reused as it is.
pub fn redact_scan(
    pdf: &Path,
    index: u32,
    views: &[View],
    bitonal: bool,
) -> Result<Option<Vec<Redacted>>> {
    let dpi = if bitonal { BITONAL_DPI } else { DPI };
    let full = korrigo_ingest::render_scan(pdf, index, dpi)?;
    let cut: Vec<(RgbImage, Option<Cover>)> = views
        .iter()
        .map(|v| {
            let img = korrigo_ingest::cut_view(&full, v.source.half, v.source.rotation);
            let cover = find_cover(&img, v.first);
            (img, cover)
        })
        .collect();
    if cut.iter().all(|(_, c)| c.is_none()) {
        return Ok(None);
    }
    cut.into_iter()
        .zip(views)
        .map(|((mut img, cover), v)| {
            let covers: Vec<Cover> = cover.into_iter().collect();
            paint(&mut img, &covers);
            Ok(Redacted {
                number: v.number,
                image: if bitonal { g4(&img)? } else { jpeg(img)? },
                covers,
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Paints over the name header of a rendered page view (the top of a copy's first page
/// when no header is found there); whether anything was covered.
pub fn hide_header(view: &mut RgbImage, first: bool) -> bool {
    match find_cover(view, first) {
        Some(cover) => {
            paint(view, &[cover]);
            true
        }
        None => false,
    }
}

fn find_cover(view: &RgbImage, first: bool) -> Option<Cover> {
    let (w, h) = view.dimensions();
    let scale = f64::from(FIND_WIDTH) / f64::from(w);
    let gray: GrayImage = imageops::thumbnail(
        &image::DynamicImage::ImageRgb8(view.clone()).to_luma8(),
        FIND_WIDTH,
        ((f64::from(h) * scale).round() as u32).max(1),
    );
    let sh = f64::from(gray.height());
    match korrigo_ingest::header::find(&gray) {
        Some(b) => Some(Cover {
            from: Pt {
                x: 0.0,
                y: (f64::from(b.top) / sh - MARGIN).max(0.0),
            },
            to: Pt {
                x: 1.0,
                y: (f64::from(b.bottom) / sh + MARGIN).min(1.0),
            },
        }),
        None if first => Some(Cover {
            from: Pt { x: 0.0, y: 0.0 },
            to: Pt {
                x: 1.0,
                y: FALLBACK_BOTTOM,
            },
        }),
        None => None,
    }
}

fn paint(img: &mut RgbImage, covers: &[Cover]) {
    let (w, h) = img.dimensions();
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
                img.put_pixel(x, y, image::Rgb([grey; 3]));
            }
        }
    }
}

fn image_dict(w: u32, h: u32, colour_space: &str, bits: i64, filter: &str) -> lopdf::Dictionary {
    dictionary! {
        "Type" => "XObject",
        "Subtype" => "Image",
        "Width" => i64::from(w),
        "Height" => i64::from(h),
        "ColorSpace" => colour_space,
        "BitsPerComponent" => bits,
        "Filter" => filter,
    }
}

fn jpeg(page: RgbImage) -> Result<Stream> {
    let (w, h) = page.dimensions();
    let is_grey = page.pixels().all(|p| p[0] == p[1] && p[1] == p[2]);
    let mut data = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, 80);
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
        image_dict(w, h, colour_space, 8, "DCTDecode"),
        data,
    ))
}

/// Bitonal CCITT Group 4: ink is black (0), as `/BlackIs1 false` reads it.
fn g4(page: &RgbImage) -> Result<Stream> {
    let (w, h) = page.dimensions();
    let columns = u16::try_from(w)
        .map_err(|_| Error::internal(format!("a page {w} pixels wide is too wide for CCITT")))?;
    let gray = image::DynamicImage::ImageRgb8(page.clone()).to_luma8();
    let mut encoder = Encoder::new(VecWriter::new());
    for row in gray.as_raw().chunks_exact(w as usize) {
        let pels = row.iter().map(|&v| {
            if v < BITONAL_THRESHOLD {
                Color::Black
            } else {
                Color::White
            }
        });
        let Ok(()) = encoder.encode_line(pels, columns);
    }
    let Ok(writer) = encoder.finish();
    let mut dict = image_dict(w, h, "DeviceGray", 1, "CCITTFaxDecode");
    dict.set(
        "DecodeParms",
        dictionary! { "K" => -1, "Columns" => i64::from(w), "Rows" => i64::from(h), "BlackIs1" => false },
    );
    Ok(Stream::new(dict, writer.finish()))
}
