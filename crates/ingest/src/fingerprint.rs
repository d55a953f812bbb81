//! A scan's fingerprint: where its ink is, on a grid of about 6 × 9 mm cells, after
//! undoing the feeder's skew and centring on the ink. Two passes of the same sheet side give nearly the same
//! fingerprint; different handwritten pages do not, even with the same printed layout.

use image::GrayImage;

/// Grid rows over the page height, and columns per A4 width.
pub const ROWS: usize = 96;
pub const COLS_PER_A4: usize = 48;

/// Skews tried, in degrees: a feeder rarely turns a sheet by more than 3°.
const MAX_SKEW_DEG: f32 = 3.0;
const SKEW_STEP_DEG: f32 = 0.2;

/// Ink share of each cell, scaled so that 25 % ink or more reads 255; row-major.
pub fn fingerprint(img: &GrayImage, dark: u8, cols: usize) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let mut inked: Vec<(f32, f32)> = img
        .enumerate_pixels()
        .filter(|(_, _, p)| p[0] < dark)
        .map(|(x, y, _)| (x as f32, y as f32))
        .collect();
    // Centred on the ink's centroid: a second pass of the same side, shifted by the
    // feeder, then lands on the same cells.
    let n = inked.len().max(1) as f32;
    let (cx, cy) = inked
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x / n, sy + y / n));
    inked.iter_mut().for_each(|p| *p = (p.0 - cx, p.1 - cy));
    let halves = (cols / COLS_PER_A4).max(1);
    let angle = skew(&inked, w as f32 / 2.0 - cx, h as usize, halves);
    let (sin, cos) = angle.sin_cos();
    let mut counts = vec![0f32; ROWS * cols];
    let (cell_w, cell_h) = (w as f32 / cols as f32, h as f32 / ROWS as f32);
    for &(x, y) in &inked {
        // Spread over the four nearest cells, so that a shift smaller than a cell
        // changes the fingerprint a little, not a lot.
        let gx = (x * cos + y * sin + w as f32 / 2.0) / cell_w - 0.5;
        let gy = (-x * sin + y * cos + h as f32 / 2.0) / cell_h - 0.5;
        let (x0, y0) = (gx.floor(), gy.floor());
        let (fx, fy) = (gx - x0, gy - y0);
        for (dx, dy, weight) in [
            (0, 0, (1.0 - fx) * (1.0 - fy)),
            (1, 0, fx * (1.0 - fy)),
            (0, 1, (1.0 - fx) * fy),
            (1, 1, fx * fy),
        ] {
            let (cx, cy) = (x0 as i32 + dx, y0 as i32 + dy);
            if cx >= 0 && cy >= 0 && (cx as usize) < cols && (cy as usize) < ROWS {
                counts[cy as usize * cols + cx as usize] += weight;
            }
        }
    }
    let cell_area = cell_w * cell_h;
    counts
        .iter()
        .map(|&c| (c / cell_area * 1020.0).min(255.0) as u8)
        .collect()
}

/// The rotation (radians) that makes ink rows sharpest: handwriting and print run in
/// horizontal lines, so the row histogram of ink is most peaked when the page is level.
/// Each A4 half of a scan is histogrammed on its own, since the two pages' lines do
/// not line up with each other. `inked` is centred; `split_x` is where the halves meet.
pub fn skew(inked: &[(f32, f32)], split_x: f32, height: usize, halves: usize) -> f32 {
    let steps = (MAX_SKEW_DEG / SKEW_STEP_DEG) as i32;
    let mut best = (f64::MIN, 0.0f32);
    let len = height * 2 + 1;
    let mut rows = vec![0u32; len * halves];
    for i in -steps..=steps {
        let angle = (i as f32 * SKEW_STEP_DEG).to_radians();
        let (sin, cos) = angle.sin_cos();
        rows.iter_mut().for_each(|r| *r = 0);
        for &(x, y) in inked {
            let half = usize::from(halves > 1 && x >= split_x);
            let yr = -x * sin + y * cos + height as f32;
            if yr >= 0.0 && (yr as usize) < len {
                rows[half * len + yr as usize] += 1;
            }
        }
        let peakedness: f64 = rows.iter().map(|&r| (r as f64) * (r as f64)).sum();
        if peakedness > best.0 {
            best = (peakedness, angle);
        }
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    fn lines(angle_deg: f32) -> GrayImage {
        let mut img = GrayImage::from_pixel(300, 420, Luma([250]));
        let t = angle_deg.to_radians().tan();
        for line in 0..20 {
            let y0 = 30.0 + line as f32 * 18.0;
            for x in 20..280 {
                if (x / 12) % 3 == 2 {
                    continue;
                }
                let y = y0 + (x as f32 - 150.0) * t;
                img.put_pixel(x, y as u32, Luma([20]));
            }
        }
        img
    }

    #[test]
    fn skew_is_undone() {
        let level = fingerprint(&lines(0.0), 128, COLS_PER_A4);
        let skewed = fingerprint(&lines(1.4), 128, COLS_PER_A4);
        let same: usize = level
            .iter()
            .zip(&skewed)
            .filter(|(a, b)| a.abs_diff(**b) < 40)
            .count();
        assert!(
            same as f32 > 0.9 * level.len() as f32,
            "{same} of {}",
            level.len()
        );
    }
}
