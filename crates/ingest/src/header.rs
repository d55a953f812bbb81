//! Finding the printed name header of a copy's first page: a ruled box across the top
//! of the page. Its place tells where a copy starts and which way up a sheet was fed.
//!
//! Works on an upright A4 picture at the analysis resolution: it looks, in the top
//! third, for two long horizontal rules (the box's top and bottom edges), tolerant of the
//! skew a feeder gives (±2.5°).

use image::GrayImage;

/// The header box found on a page, in the picture's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeaderBox {
    pub top: u32,
    pub bottom: u32,
    /// Share of the page width covered by the box's rules (0..1).
    pub strength: f32,
}

const A4_HEIGHT_MM: f32 = 297.0;
const MIN_RULE_SHARE: f32 = 0.45;
const MIN_BOX_MM: f32 = 12.0;
const EDGE_MM: f32 = 4.0;
const MAX_BOX_MM: f32 = 90.0;

/// The header box at the top of `page`, if there is one.
pub fn find(page: &GrayImage) -> Option<HeaderBox> {
    let rules = long_rules(page);
    let mm = page.height() as f32 / A4_HEIGHT_MM;
    let (min_gap, max_gap) = ((MIN_BOX_MM * mm) as u32, (MAX_BOX_MM * mm) as u32);
    let top_zone = page.height() / 4;
    let mut best: Option<HeaderBox> = None;
    // Scanners leave dark borders along the sheet's edges; a printed box never starts
    // that close to the edge.
    let edge = (EDGE_MM * mm) as u32;
    for (i, &(top, s_top)) in rules.iter().enumerate() {
        if top < edge {
            continue;
        }
        if top > top_zone {
            break;
        }
        for &(bottom, s_bottom) in &rules[i + 1..] {
            let gap = bottom - top;
            if gap < min_gap {
                continue;
            }
            if gap > max_gap {
                break;
            }
            let strength = s_top.min(s_bottom);
            if best.is_none_or(|b| strength > b.strength) {
                best = Some(HeaderBox {
                    top,
                    bottom,
                    strength,
                });
            }
        }
    }
    best
}

/// Rows (top to bottom) holding a horizontal rule at least `MIN_RULE_SHARE` of the
/// page wide, with the share it covers; neighbouring rows are merged into one rule.
fn long_rules(page: &GrayImage) -> Vec<(u32, f32)> {
    let (w, h) = page.dimensions();
    let search = (h as f32 * 0.45) as u32;
    let dark = (percentile(page, 0.9) as f32 * 0.85) as u8;
    let slopes: Vec<f32> = (-10..=10)
        .map(|i| (i as f32 * 0.25).to_radians().tan())
        .collect();
    let mut shares = vec![0f32; search as usize];
    for y in 0..search {
        for &slope in &slopes {
            let share = longest_run(page, y, slope, dark) as f32 / w as f32;
            if share > shares[y as usize] {
                shares[y as usize] = share;
            }
        }
    }
    let mut rules: Vec<(u32, f32)> = Vec::new();
    for (y, &share) in shares.iter().enumerate() {
        if share < MIN_RULE_SHARE {
            continue;
        }
        match rules.last_mut() {
            Some((last_y, last_share)) if y as u32 - *last_y <= 2 => {
                if share > *last_share {
                    *last_y = y as u32;
                    *last_share = share;
                }
            }
            _ => rules.push((y as u32, share)),
        }
    }
    rules
}

/// Longest run of dark pixels along the line through (w/2, y) of the given slope,
/// bridging one-pixel gaps; a pixel counts as dark when it or the one below is.
fn longest_run(page: &GrayImage, y: u32, slope: f32, dark: u8) -> u32 {
    let (w, h) = page.dimensions();
    let mid = w as f32 / 2.0;
    let (mut best, mut run, mut gap) = (0u32, 0u32, 0u32);
    for x in 0..w {
        let yy = y as f32 + slope * (x as f32 - mid);
        let is_dark = if yy < 0.0 || yy >= (h - 1) as f32 {
            false
        } else {
            let yi = yy as u32;
            page.get_pixel(x, yi)[0].min(page.get_pixel(x, yi + 1)[0]) < dark
        };
        if is_dark {
            run += 1 + gap;
            gap = 0;
            best = best.max(run);
        } else if run > 0 && gap < 1 {
            gap += 1;
        } else {
            run = 0;
            gap = 0;
        }
    }
    best
}

/// Darkness under which a pixel is ink: well below the paper's grey.
pub fn dark_threshold(page: &GrayImage) -> u8 {
    let paper = percentile(page, 0.9);
    (paper as f32 * 0.72) as u8
}

/// The grey level below which `q` of the picture's pixels lie.
pub fn percentile(page: &GrayImage, q: f32) -> u8 {
    let mut hist = [0u32; 256];
    for p in page.pixels() {
        hist[p[0] as usize] += 1;
    }
    let target = (page.len() as f32 * q) as u32;
    let mut seen = 0;
    for (v, &n) in hist.iter().enumerate() {
        seen += n;
        if seen >= target {
            return v as u8;
        }
    }
    255
}
