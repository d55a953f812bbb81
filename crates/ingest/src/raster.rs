//! A scan as a small grey picture of the *displayed* page (after `/Rotate`), at the
//! analysis resolution (`ANALYSIS_DPI` up to twice that): what orientation, header,
//! blank and duplicate checks look at.
//!
//! Copiers write one full-page image per page. For those, the image's own bytes are
//! pulled out of the PDF (cheap, under pdfium's lock) and decoded at reduced size off
//! the lock: JPEG by DCT scaling, CCITT G4 by counting black runs per cell. Anything
//! else (several images, vector content, other codecs) is rendered by pdfium.

use image::GrayImage;
use pdfium_render::prelude::*;

/// Resolution of the analysis pictures, in dots per inch.
pub const ANALYSIS_DPI: f32 = 36.0;
/// Resolution of the name header crops kept for reading and for the review desk.
pub const HEADER_DPI: f32 = 150.0;

/// Where an image sits on the displayed page.
#[derive(Debug, Clone, Copy)]
pub struct Placement {
    /// Displayed page size in points (after /Rotate).
    pub width_pt: f32,
    pub height_pt: f32,
    /// The page's /Rotate, clockwise degrees.
    pub rotate: u16,
    /// Left and top of the page box in user space.
    pub box_left: f32,
    pub box_top: f32,
    /// The image's matrix: the unit square to user space.
    pub matrix: [f32; 6],
}

/// The pixels of one scan, as they come out of the PDF engine.
#[derive(Debug)]
pub enum RasterSource {
    Jpeg {
        data: Vec<u8>,
        width: u32,
        height: u32,
        placement: Placement,
    },
    CcittG4 {
        data: Vec<u8>,
        width: u32,
        height: u32,
        placement: Placement,
    },
    /// A rendering by pdfium at `dpi` (pages that are not one full-page image).
    Rendered { image: GrayImage, dpi: f32 },
}

/// Takes what is needed from a page while holding the engine: the raw image bytes when
/// the page is one full-page JPEG or CCITT image, else a rendering at `HEADER_DPI` (from
/// which both the analysis picture and the header crop are cut).
pub fn extract(page: &PdfPage<'_>) -> Result<RasterSource, String> {
    if let Some(src) = single_image(page) {
        return Ok(src);
    }
    render_gray(page, HEADER_DPI)
}

/// Renders a displayed page in grey at `dpi`.
pub fn render_gray(page: &PdfPage<'_>, dpi: f32) -> Result<RasterSource, String> {
    let w = (page.width().value / 72.0 * dpi).round().max(1.0) as i32;
    let h = (page.height().value / 72.0 * dpi).round().max(1.0) as i32;
    let cfg = PdfRenderConfig::new()
        .set_target_size(w, h)
        .use_grayscale_rendering(true);
    let bitmap = page
        .render_with_config(&cfg)
        .map_err(|e| format!("cannot be rendered: {e}"))?;
    let img = bitmap
        .as_image()
        .map_err(|e| format!("cannot be rendered: {e}"))?;
    Ok(RasterSource::Rendered {
        image: img.to_luma8(),
        dpi,
    })
}

fn single_image(page: &PdfPage<'_>) -> Option<RasterSource> {
    let objects = page.objects();
    if objects.len() != 1 {
        return None;
    }
    let object = objects.get(0).ok()?;
    let image = object.as_image_object()?;
    let filters: Vec<String> = image
        .filters()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    let [filter] = filters.as_slice() else {
        return None;
    };
    let m = image.matrix().ok()?;
    let boundaries = page.boundaries();
    let bbox = boundaries
        .crop()
        .or_else(|_| boundaries.media())
        .ok()?
        .bounds;
    let rotate = match page.rotation().ok()? {
        PdfPageRenderRotation::None => 0,
        PdfPageRenderRotation::Degrees90 => 90,
        PdfPageRenderRotation::Degrees180 => 180,
        PdfPageRenderRotation::Degrees270 => 270,
    };
    let placement = Placement {
        width_pt: page.width().value,
        height_pt: page.height().value,
        rotate,
        box_left: bbox.left().value,
        box_top: bbox.top().value,
        matrix: [m.a(), m.b(), m.c(), m.d(), m.e(), m.f()],
    };
    if !placement.covers_page(bbox.width().value, bbox.height().value) {
        return None;
    }
    let width = image.width().ok()? as u32;
    let height = image.height().ok()? as u32;
    let data = image.get_raw_image_data().ok()?;
    match filter.as_str() {
        "DCTDecode" => Some(RasterSource::Jpeg {
            data,
            width,
            height,
            placement,
        }),
        "CCITTFaxDecode" if width <= u16::MAX as u32 => Some(RasterSource::CcittG4 {
            data,
            width,
            height,
            placement,
        }),
        _ => None,
    }
}

impl Placement {
    /// Whether the image's rectangle covers the page box (within 2 %), axis-aligned.
    fn covers_page(&self, box_w: f32, box_h: f32) -> bool {
        let [a, b, c, d, e, f] = self.matrix;
        let axis_aligned = (b.abs() < 1e-3 && c.abs() < 1e-3) || (a.abs() < 1e-3 && d.abs() < 1e-3);
        let xs = [e, e + a, e + c, e + a + c];
        let ys = [f, f + b, f + d, f + b + d];
        let (x0, x1) = (
            xs.iter().cloned().fold(f32::MAX, f32::min),
            xs.iter().cloned().fold(f32::MIN, f32::max),
        );
        let (y0, y1) = (
            ys.iter().cloned().fold(f32::MAX, f32::min),
            ys.iter().cloned().fold(f32::MIN, f32::max),
        );
        let bottom = self.box_top - box_h;
        let tol_x = 0.02 * box_w;
        let tol_y = 0.02 * box_h;
        axis_aligned
            && (x0 - self.box_left).abs() <= tol_x
            && (x1 - (self.box_left + box_w)).abs() <= tol_x
            && (y0 - bottom).abs() <= tol_y
            && (y1 - self.box_top).abs() <= tol_y
    }

    /// Maps a displayed point (points, y down) to the image's unit square (u right,
    /// v up), or None when the matrix is singular.
    fn unit_point(&self, x: f32, y: f32) -> Option<(f32, f32)> {
        let (w, h) = match self.rotate {
            90 | 270 => (self.height_pt, self.width_pt),
            _ => (self.width_pt, self.height_pt),
        };
        let (px, py) = match self.rotate {
            90 => (y, h - x),
            180 => (w - x, h - y),
            270 => (w - y, x),
            _ => (x, y),
        };
        let (ux, uy) = (self.box_left + px, self.box_top - py);
        let [a, b, c, d, e, f] = self.matrix;
        let det = a * d - b * c;
        if det.abs() < 1e-6 {
            return None;
        }
        let (dx, dy) = (ux - e, uy - f);
        Some(((d * dx - c * dy) / det, (a * dy - b * dx) / det))
    }
}

/// A rectangle of the displayed page, in points from its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl RasterSource {
    /// The displayed page's size in points.
    pub fn page_size_pt(&self) -> (f32, f32) {
        match self {
            RasterSource::Rendered { image, dpi } => (
                image.width() as f32 * 72.0 / dpi,
                image.height() as f32 * 72.0 / dpi,
            ),
            RasterSource::Jpeg { placement, .. } | RasterSource::CcittG4 { placement, .. } => {
                (placement.width_pt, placement.height_pt)
            }
        }
    }

    /// The displayed page at `ANALYSIS_DPI` to twice that, in grey (255 = paper).
    pub fn decode(&self) -> Result<GrayImage, String> {
        match self {
            RasterSource::Rendered { image, dpi } => {
                let k = (*dpi / ANALYSIS_DPI).floor().max(1.0) as u32;
                Ok(box_reduce(image, k))
            }
            _ => self.region(None, ANALYSIS_DPI, 8),
        }
    }

    /// A part of the displayed page (all of it when `region` is None) at no less than
    /// `min_dpi` where the scan allows it, reduced by at most `max_k`.
    pub fn region(
        &self,
        region: Option<Region>,
        min_dpi: f32,
        max_k: u32,
    ) -> Result<GrayImage, String> {
        match self {
            RasterSource::Rendered { image, dpi } => {
                let scale = dpi / 72.0;
                let r = region.unwrap_or(Region {
                    x: 0.0,
                    y: 0.0,
                    width: image.width() as f32 / scale,
                    height: image.height() as f32 / scale,
                });
                let x = ((r.x * scale).max(0.0) as u32).min(image.width().saturating_sub(1));
                let y = ((r.y * scale).max(0.0) as u32).min(image.height().saturating_sub(1));
                let w = ((r.width * scale) as u32).clamp(1, image.width() - x);
                let h = ((r.height * scale) as u32).clamp(1, image.height() - y);
                Ok(image::imageops::crop_imm(image, x, y, w, h).to_image())
            }
            RasterSource::Jpeg {
                data,
                width,
                height,
                placement,
            }
            | RasterSource::CcittG4 {
                data,
                width,
                height,
                placement,
            } => {
                let k = reduction(*width, *height, placement, min_dpi, max_k);
                let (grid, gw, gh) = match self {
                    RasterSource::Jpeg { .. } => decode_jpeg(data, k)?,
                    _ => decode_ccitt(data, *width, *height, k)?,
                };
                let dpi = image_dpi(*width, *height, placement) / k as f32;
                Ok(resample(&grid, gw, gh, placement, dpi, region))
            }
        }
    }
}

/// Averages `k`×`k` blocks.
fn box_reduce(img: &GrayImage, k: u32) -> GrayImage {
    if k <= 1 {
        return img.clone();
    }
    let (w, h) = (img.width() / k, img.height() / k);
    GrayImage::from_fn(w.max(1), h.max(1), |x, y| {
        let mut sum = 0u32;
        for dy in 0..k {
            for dx in 0..k {
                sum += img.get_pixel(
                    (x * k + dx).min(img.width() - 1),
                    (y * k + dy).min(img.height() - 1),
                )[0] as u32;
            }
        }
        image::Luma([(sum / (k * k)) as u8])
    })
}

/// Scale factor (a power of two up to `max_k`) keeping at least `min_dpi` for an image
/// of `width`×`height` pixels over the whole page.
fn reduction(width: u32, height: u32, placement: &Placement, min_dpi: f32, max_k: u32) -> u32 {
    let image_dpi = image_dpi(width, height, placement);
    let mut k = 1;
    while k < max_k && image_dpi / (2 * k) as f32 >= min_dpi {
        k *= 2;
    }
    k
}

/// The resolution of a full-page image, from its pixel count over the page's area.
fn image_dpi(width: u32, height: u32, placement: &Placement) -> f32 {
    let page_sq_in = (placement.width_pt / 72.0) * (placement.height_pt / 72.0);
    ((width as f32 * height as f32) / page_sq_in.max(1e-3)).sqrt()
}

fn decode_jpeg(data: &[u8], k: u32) -> Result<(Vec<u8>, u32, u32), String> {
    let mut decoder = jpeg_decoder::Decoder::new(data);
    decoder
        .read_info()
        .map_err(|e| format!("its JPEG image is damaged: {e}"))?;
    let info = decoder.info().ok_or("its JPEG image has no header")?;
    let want = |px: u16| (px as u32).div_ceil(k).clamp(1, u16::MAX as u32) as u16;
    let (w, h) = decoder
        .scale(want(info.width), want(info.height))
        .map_err(|e| format!("its JPEG image cannot be scaled: {e}"))?;
    let pixels = decoder
        .decode()
        .map_err(|e| format!("its JPEG image is damaged: {e}"))?;
    let (w, h) = (w as u32, h as u32);
    let n = (w * h) as usize;
    let grey = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => pixels,
        jpeg_decoder::PixelFormat::L16 => pixels.chunks_exact(2).map(|p| p[0]).collect(),
        jpeg_decoder::PixelFormat::RGB24 => pixels
            .chunks_exact(3)
            .map(|p| ((p[0] as u32 * 77 + p[1] as u32 * 150 + p[2] as u32 * 29) >> 8) as u8)
            .collect(),
        jpeg_decoder::PixelFormat::CMYK32 => {
            return Err("its JPEG image is CMYK, which scanners do not write".into());
        }
    };
    if grey.len() < n {
        return Err("its JPEG image is shorter than its header says".into());
    }
    Ok((grey, w, h))
}

/// Decodes a CCITT G4 image into grey cells of `k`×`k` pixels, each cell's value the
/// share of white in it.
fn decode_ccitt(
    data: &[u8],
    width: u32,
    height: u32,
    k: u32,
) -> Result<(Vec<u8>, u32, u32), String> {
    let (gw, gh) = (width.div_ceil(k), height.div_ceil(k));
    let mut black = vec![0u32; (gw * gh) as usize];
    let mut row = 0u32;
    let height16 = u16::try_from(height).map_err(|_| "its CCITT image is too tall".to_string())?;
    let done = fax::decoder::decode_g4(
        data.iter().copied(),
        width as u16,
        Some(height16),
        |transitions| {
            if row >= height {
                return;
            }
            let cells = &mut black[((row / k) * gw) as usize..((row / k + 1) * gw) as usize];
            // Transitions alternate white->black, black->white, starting with white.
            let mut it = transitions.chunks(2);
            for pair in &mut it {
                let start = pair[0] as u32;
                let end = pair.get(1).map_or(width, |&e| e as u32).min(width);
                add_run(cells, start, end, k);
            }
            row += 1;
        },
    );
    if done.is_none() || row < height * 9 / 10 {
        return Err(format!(
            "its CCITT image is damaged (decoded {row} of {height} lines)"
        ));
    }
    let area = k * k;
    // Whether 1 bits are ink depends on /BlackIs1 and /Decode, which pdfium does not
    // expose; paper is most of any scanned page, so the majority colour is paper.
    let inked: u64 = black.iter().map(|&b| b as u64).sum();
    let ink_is_black = inked * 2 <= width as u64 * height as u64;
    let grey = black
        .iter()
        .map(|&b| {
            let share = b.min(area) * 255 / area;
            (if ink_is_black { 255 - share } else { share }) as u8
        })
        .collect();
    Ok((grey, gw, gh))
}

fn add_run(cells: &mut [u32], start: u32, end: u32, k: u32) {
    let mut x = start;
    while x < end {
        let cell = x / k;
        let cell_end = ((cell + 1) * k).min(end);
        cells[cell as usize] += cell_end - x;
        x = cell_end;
    }
}

/// Draws the decoded image onto the displayed page (or a region of it) at `dpi` (the
/// decoded image's own resolution, so that no row or column is skipped).
fn resample(
    grid: &[u8],
    gw: u32,
    gh: u32,
    placement: &Placement,
    dpi: f32,
    region: Option<Region>,
) -> GrayImage {
    let scale = dpi / 72.0;
    let r = region.unwrap_or(Region {
        x: 0.0,
        y: 0.0,
        width: placement.width_pt,
        height: placement.height_pt,
    });
    let w = (r.width * scale).round().max(1.0) as u32;
    let h = (r.height * scale).round().max(1.0) as u32;
    let mut out = GrayImage::from_pixel(w, h, image::Luma([255]));
    for y in 0..h {
        for x in 0..w {
            let (px, py) = (
                r.x + (x as f32 + 0.5) / scale,
                r.y + (y as f32 + 0.5) / scale,
            );
            let Some((u, v)) = placement.unit_point(px, py) else {
                continue;
            };
            let (sx, sy) = (u * gw as f32, (1.0 - v) * gh as f32);
            if sx < 0.0 || sy < 0.0 || sx >= gw as f32 || sy >= gh as f32 {
                continue;
            }
            out.put_pixel(
                x,
                y,
                image::Luma([grid[(sy as u32 * gw + sx as u32) as usize]]),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reduction_keeps_the_analysis_resolution() {
        let a3 = Placement {
            width_pt: 1190.5,
            height_pt: 842.0,
            rotate: 0,
            box_left: 0.0,
            box_top: 842.0,
            matrix: [1190.5, 0.0, 0.0, 842.0, 0.0, 0.0],
        };
        assert_eq!(reduction(4961, 3508, &a3, ANALYSIS_DPI, 8), 8);
        assert_eq!(reduction(3307, 2339, &a3, ANALYSIS_DPI, 8), 4);
        assert_eq!(reduction(2480, 1754, &a3, ANALYSIS_DPI, 8), 4);
        assert_eq!(reduction(1654, 1169, &a3, ANALYSIS_DPI, 8), 2);
        assert_eq!(reduction(4961, 3508, &a3, 150.0, 8), 2);
    }

    #[test]
    fn runs_are_counted_per_cell() {
        let mut cells = vec![0; 3];
        add_run(&mut cells, 6, 19, 8);
        assert_eq!(cells, vec![2, 8, 3]);
    }
}
