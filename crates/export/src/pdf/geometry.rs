//! Where an A4 page view lies in its scan's PDF page, and how the normalised display
//! coordinates of annotations map into that page's user space.
//!
//! A page view is a half (or all) of the scan *as displayed*, i.e. after the source's
//! `/Rotate`, then turned clockwise to stand upright. In the output it is the same page
//! content with a CropBox on that half and `/Rotate` = source rotation + view rotation,
//! so the scan is shown exactly as the station shows it, without touching its pixels.

use korrigo_core::model::Half;

/// A rectangle in PDF user space: `[x0, y0, x1, y1]` with x0 < x1, y0 < y1.
pub type Rect = [f64; 4];

/// How an output page shows a region of user space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// The visible region (the page's CropBox).
    pub crop: Rect,
    /// Clockwise degrees, a multiple of 90 in 0..360.
    pub rotate: u16,
}

impl Frame {
    /// The frame of the view `half`, turned by `turn`, of a page whose visible box is
    /// `visible` and whose own `/Rotate` is `source_rotate`.
    pub fn of_view(visible: Rect, source_rotate: i64, half: Half, turn: u16) -> Frame {
        let r = normalise(source_rotate);
        let [x0, y0, x1, y1] = visible;
        let (mx, my) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        // The displayed left half is, in user space: the left half when upright, the
        // bottom half under 90°, the right half under 180°, the top half under 270°.
        let left = match r {
            0 => [x0, y0, mx, y1],
            90 => [x0, y0, x1, my],
            180 => [mx, y0, x1, y1],
            _ => [x0, my, x1, y1],
        };
        let right = match r {
            0 => [mx, y0, x1, y1],
            90 => [x0, my, x1, y1],
            180 => [x0, y0, mx, y1],
            _ => [x0, y0, x1, my],
        };
        let crop = match half {
            Half::Full => visible,
            Half::Left => left,
            Half::Right => right,
        };
        Frame {
            crop,
            rotate: normalise(i64::from(r) + i64::from(turn)),
        }
    }

    /// A plain upright page of `width` × `height` points.
    pub fn upright(width: f64, height: f64) -> Frame {
        Frame {
            crop: [0.0, 0.0, width, height],
            rotate: 0,
        }
    }

    /// Width and height of the page as displayed, in points.
    pub fn display_size(&self) -> (f64, f64) {
        let (w, h) = (self.crop[2] - self.crop[0], self.crop[3] - self.crop[1]);
        if self.rotate.is_multiple_of(180) {
            (w, h)
        } else {
            (h, w)
        }
    }

    /// The matrix `[a b c d e f]` (a PDF `cm`) from the display frame — points, origin at
    /// the displayed page's bottom-left corner, y up — into user space.
    pub fn display_to_user(&self) -> [f64; 6] {
        let [x0, y0, x1, y1] = self.crop;
        match self.rotate {
            0 => [1.0, 0.0, 0.0, 1.0, x0, y0],
            90 => [0.0, 1.0, -1.0, 0.0, x1, y0],
            180 => [-1.0, 0.0, 0.0, -1.0, x1, y1],
            _ => [0.0, -1.0, 1.0, 0.0, x0, y1],
        }
    }

    /// A point of the display frame for normalised coordinates (x right, y down).
    pub fn display_point(&self, x: f64, y: f64) -> (f64, f64) {
        let (w, h) = self.display_size();
        (x * w, (1.0 - y) * h)
    }
}

fn normalise(degrees: i64) -> u16 {
    let d = degrees.rem_euclid(360);
    // Only right angles are valid; anything else is read as the nearest below.
    (d - d % 90) as u16
}

/// Applies a `cm` matrix to a point.
pub fn apply(m: [f64; 6], (x, y): (f64, f64)) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[cfg(test)]
mod tests {
    use super::*;

    const A3: Rect = [0.0, 0.0, 1190.0, 842.0];

    fn close(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9
    }

    #[test]
    fn an_upright_a3_splits_into_two_a4_halves() {
        let left = Frame::of_view(A3, 0, Half::Left, 0);
        assert_eq!(left.crop, [0.0, 0.0, 595.0, 842.0]);
        assert_eq!(left.display_size(), (595.0, 842.0));
        let right = Frame::of_view(A3, 0, Half::Right, 0);
        assert_eq!(right.crop, [595.0, 0.0, 1190.0, 842.0]);
    }

    #[test]
    fn a_portrait_page_rotated_270_splits_along_its_height() {
        // A copier stores the A3 landscape scan as a portrait page shown turned by 270°.
        let portrait = [0.0, 0.0, 842.0, 1190.0];
        let left = Frame::of_view(portrait, 270, Half::Left, 0);
        assert_eq!(left.crop, [0.0, 595.0, 842.0, 1190.0]);
        assert_eq!(left.rotate, 270);
        assert_eq!(left.display_size(), (595.0, 842.0));
        let right = Frame::of_view(portrait, -90, Half::Right, 180);
        assert_eq!(right.crop, [0.0, 0.0, 842.0, 595.0]);
        assert_eq!(right.rotate, 90);
    }

    #[test]
    fn the_display_corners_land_on_the_right_user_corners_for_every_rotation() {
        let crop = [10.0, 20.0, 110.0, 220.0];
        for rotate in [0u16, 90, 180, 270] {
            let f = Frame { crop, rotate };
            let m = f.display_to_user();
            let (w, h) = f.display_size();
            let top_left = apply(m, (0.0, h));
            let bottom_right = apply(m, (w, 0.0));
            // The viewer turns the crop box clockwise by `rotate`: the user-space corner
            // that ends up top-left is, in turn, top-left, bottom-left, bottom-right and
            // top-right.
            let (tl, br) = match rotate {
                0 => ((10.0, 220.0), (110.0, 20.0)),
                90 => ((10.0, 20.0), (110.0, 220.0)),
                180 => ((110.0, 20.0), (10.0, 220.0)),
                _ => ((110.0, 220.0), (10.0, 20.0)),
            };
            assert!(close(top_left, tl), "{rotate}: {top_left:?}");
            assert!(close(bottom_right, br), "{rotate}: {bottom_right:?}");
        }
    }

    #[test]
    fn normalised_points_have_y_down() {
        let f = Frame::upright(600.0, 800.0);
        assert_eq!(f.display_point(0.0, 0.0), (0.0, 800.0));
        assert_eq!(f.display_point(0.5, 1.0), (300.0, 0.0));
    }
}
