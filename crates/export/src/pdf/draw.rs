//! Annotations as PDF vector content: paths for strokes and shapes, text in the embedded
//! font, stamps. Drawing happens in the display frame (points, y up, the page as it is
//! shown); one `cm` maps it into the page's user space, whatever its crop and rotation.

use super::font::{Font, RESOURCE_NAME};
use super::geometry::Frame;
use super::gstate::GStates;
use korrigo_core::grading::annotation::{pressure_factor, Pt, StampKind, StrokePt};
use korrigo_core::grading::{Points, Shape, Style};
use std::fmt::Write as _;

/// Size of a stamp as a share of the page width.
const STAMP: f64 = 0.035;
/// Font size of stamp labels and score stamps as a share of the page height.
const LABEL: f64 = 0.016;
/// The thinnest pen line, in points.
const WIDTH_QUANTUM: f64 = 0.1;
/// Pen points closer than this (in points, 0.1 mm) to the last one drawn add nothing
/// visible and are skipped.
const MIN_STEP: f64 = 0.3;
const KAPPA: f64 = 0.552_284_749_8;

/// A page's drawing being written.
pub struct Canvas<'a> {
    pub ops: String,
    frame: Frame,
    width: f64,
    height: f64,
    font: &'a mut Font,
    gstates: &'a mut GStates,
}

impl std::fmt::Debug for Canvas<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canvas")
            .field("frame", &self.frame)
            .finish()
    }
}

fn num(v: f64) -> String {
    let s = format!("{:.2}", v);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" || s.is_empty() {
        "0".into()
    } else {
        s.to_string()
    }
}

impl<'a> Canvas<'a> {
    /// Opens the drawing of a page shown through `frame`.
    pub fn new(frame: Frame, font: &'a mut Font, gstates: &'a mut GStates) -> Canvas<'a> {
        let (width, height) = frame.display_size();
        let m = frame.display_to_user();
        let mut ops = String::from("q\n");
        let _ = writeln!(
            ops,
            "{} {} {} {} {} {} cm",
            num(m[0]),
            num(m[1]),
            num(m[2]),
            num(m[3]),
            num(m[4]),
            num(m[5])
        );
        Canvas {
            ops,
            frame,
            width,
            height,
            font,
            gstates,
        }
    }

    /// Closes the drawing and returns its content stream.
    pub fn finish(mut self) -> Vec<u8> {
        self.ops.push_str("Q\n");
        self.ops.into_bytes()
    }

    pub fn size(&self) -> (f64, f64) {
        (self.width, self.height)
    }

    fn at(&self, x: f64, y: f64) -> (f64, f64) {
        self.frame.display_point(x, y)
    }

    fn colour(&mut self, style: &Style) {
        let [r, g, b] = style.rgb();
        let _ = writeln!(
            self.ops,
            "{} {} {} RG {} {} {} rg",
            num(r),
            num(g),
            num(b),
            num(r),
            num(g),
            num(b)
        );
    }

    fn opacity(&mut self, alpha: f64, multiply: bool) {
        if alpha < 1.0 || multiply {
            let name = self.gstates.name(alpha, multiply);
            let _ = writeln!(self.ops, "/{name} gs");
        }
    }

    /// Draws one annotation.
    pub fn shape(&mut self, shape: &Shape, style: &Style) {
        self.ops.push_str("q\n1 J 1 j\n");
        self.colour(style);
        let line = style.width * self.width;
        match shape {
            Shape::Pen { points } => {
                self.opacity(style.opacity, false);
                self.pen(points, line);
            }
            Shape::Highlighter { points } => {
                self.opacity(style.opacity, true);
                self.ops.push_str("0 J\n");
                let _ = writeln!(self.ops, "{} w", num(line));
                self.polyline(points.iter().map(|p| Pt { x: p.x, y: p.y }));
                self.ops.push_str("S\n");
            }
            Shape::Line { from, to } => {
                self.opacity(style.opacity, false);
                let _ = writeln!(self.ops, "{} w", num(line));
                self.polyline([*from, *to].into_iter());
                self.ops.push_str("S\n");
            }
            Shape::Arrow { from, to } => {
                self.opacity(style.opacity, false);
                self.arrow(*from, *to, line);
            }
            Shape::Rect { from, to } => {
                self.opacity(style.opacity, false);
                let box_ = self.rect_operands(*from, *to);
                let _ = writeln!(self.ops, "{} w {box_} re S", num(line));
            }
            Shape::Ellipse { from, to } => {
                self.opacity(style.opacity, false);
                let (a, b) = (self.at(from.x, from.y), self.at(to.x, to.y));
                let _ = writeln!(self.ops, "{} w", num(line));
                self.ellipse(
                    ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0),
                    (a.0 - b.0).abs() / 2.0,
                    (a.1 - b.1).abs() / 2.0,
                );
                self.ops.push_str("S\n");
            }
            Shape::Text { at, text, size } => {
                self.opacity(style.opacity, false);
                let (x, top) = self.at(at.x, at.y);
                self.text_block(x, top, text, size * self.height);
            }
            Shape::Stamp { at, stamp } => {
                self.opacity(style.opacity, false);
                self.stamp(*at, stamp, line);
            }
            Shape::Score { at, delta, .. } => {
                self.opacity(style.opacity, false);
                let label = signed_points(*delta);
                self.label_box(*at, &label, line);
            }
        }
        self.ops.push_str("Q\n");
    }

    fn polyline(&mut self, points: impl Iterator<Item = Pt>) {
        for (i, p) in points.enumerate() {
            let (x, y) = self.at(p.x, p.y);
            let op = if i == 0 { "m" } else { "l" };
            let _ = writeln!(self.ops, "{} {} {op}", num(x), num(y));
        }
    }

    /// A pen stroke: consecutive segments of the same (rounded) width form one path; the
    /// width of a segment follows the mean pressure of its ends. Written in tenths of a
    /// point as whole numbers (finer than a 600 dpi printer's dot), which keeps long
    /// strokes small.
    fn pen(&mut self, points: &[StrokePt], base: f64) {
        let tenths = |v: f64| (v * 10.0).round() as i64;
        let width_at = |a: &StrokePt, b: &StrokePt| {
            let w = base * pressure_factor((a.p + b.p) / 2.0);
            tenths(w.max(WIDTH_QUANTUM)).max(1)
        };
        self.ops.push_str("q 0.1 0 0 0.1 0 0 cm\n");
        let first = self.at(points[0].x, points[0].y);
        let mut last = (tenths(first.0), tenths(first.1));
        let mut current: Option<i64> = None;
        let mut from = &points[0];
        for (i, p) in points.iter().enumerate() {
            let (x, y) = self.at(p.x, p.y);
            let here = (tenths(x), tenths(y));
            let end = i + 1 == points.len();
            let step = ((here.0 - last.0) as f64).hypot((here.1 - last.1) as f64);
            let lone = points.len() == 1;
            if (i == 0 && !lone) || (i > 0 && step < MIN_STEP * 10.0 && !end) {
                continue;
            }
            let w = width_at(from, p);
            if current != Some(w) {
                if current.is_some() {
                    self.ops.push_str("S\n");
                }
                let _ = writeln!(self.ops, "{w} w {} {} m", last.0, last.1);
                current = Some(w);
            }
            let _ = writeln!(self.ops, "{} {} l", here.0, here.1);
            last = here;
            from = p;
        }
        self.ops.push_str("S Q\n");
    }

    fn arrow(&mut self, from: Pt, to: Pt, line: f64) {
        let (a, b) = (self.at(from.x, from.y), self.at(to.x, to.y));
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = dx.hypot(dy).max(1e-6);
        let (ux, uy) = (dx / len, dy / len);
        let head = (6.0 * line).max(0.015 * self.width).min(len);
        let base = (b.0 - ux * head, b.1 - uy * head);
        let half = head * 0.45;
        let _ = writeln!(
            self.ops,
            "{} w {} {} m {} {} l S",
            num(line),
            num(a.0),
            num(a.1),
            num(base.0),
            num(base.1)
        );
        let _ = writeln!(
            self.ops,
            "{} {} m {} {} l {} {} l h f",
            num(b.0),
            num(b.1),
            num(base.0 - uy * half),
            num(base.1 + ux * half),
            num(base.0 + uy * half),
            num(base.1 - ux * half)
        );
    }

    fn ellipse(&mut self, (cx, cy): (f64, f64), rx: f64, ry: f64) {
        let (kx, ky) = (rx * KAPPA, ry * KAPPA);
        let o = &mut self.ops;
        let _ = writeln!(o, "{} {} m", num(cx + rx), num(cy));
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c",
            num(cx + rx),
            num(cy + ky),
            num(cx + kx),
            num(cy + ry),
            num(cx),
            num(cy + ry)
        );
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c",
            num(cx - kx),
            num(cy + ry),
            num(cx - rx),
            num(cy + ky),
            num(cx - rx),
            num(cy)
        );
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c",
            num(cx - rx),
            num(cy - ky),
            num(cx - kx),
            num(cy - ry),
            num(cx),
            num(cy - ry)
        );
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c",
            num(cx + kx),
            num(cy - ry),
            num(cx + rx),
            num(cy - ky),
            num(cx + rx),
            num(cy)
        );
    }

    /// Text lines from the top-left corner `(x, top)` at `size` points, in the current
    /// fill colour.
    pub fn text_block(&mut self, x: f64, top: f64, text: &str, size: f64) {
        for (i, line) in text.lines().enumerate() {
            let baseline = top - size * (0.93 + 1.2 * i as f64);
            self.text_at(x, baseline, line, size);
        }
    }

    /// One line of text with its baseline starting at `(x, y)`.
    pub fn text_at(&mut self, x: f64, y: f64, text: &str, size: f64) {
        if text.is_empty() {
            return;
        }
        let hex = self.font.encode(text);
        let _ = writeln!(
            self.ops,
            "BT /{RESOURCE_NAME} {} Tf {} {} Td {hex} Tj ET",
            num(size),
            num(x),
            num(y)
        );
    }

    pub fn text_width(&self, text: &str, size: f64) -> f64 {
        self.font.width(text, size)
    }

    fn stamp(&mut self, at: Pt, stamp: &StampKind, line: f64) {
        let s = STAMP * self.width;
        let (cx, cy) = self.at(at.x, at.y);
        let w = line.max(s / 10.0);
        match stamp {
            StampKind::Tick => {
                let _ = writeln!(
                    self.ops,
                    "{} w {} {} m {} {} l {} {} l S",
                    num(w),
                    num(cx - 0.45 * s),
                    num(cy + 0.05 * s),
                    num(cx - 0.12 * s),
                    num(cy - 0.35 * s),
                    num(cx + 0.5 * s),
                    num(cy + 0.45 * s)
                );
            }
            StampKind::Cross => {
                let h = 0.4 * s;
                let _ = writeln!(
                    self.ops,
                    "{} w {} {} m {} {} l {} {} m {} {} l S",
                    num(w),
                    num(cx - h),
                    num(cy - h),
                    num(cx + h),
                    num(cy + h),
                    num(cx - h),
                    num(cy + h),
                    num(cx + h),
                    num(cy - h)
                );
            }
            StampKind::Question => {
                let size = s * 1.1;
                let tw = self.font.width("?", size);
                let cap = self.font.cap_height() * size;
                self.text_at(cx - tw / 2.0, cy - cap / 2.0, "?", size);
            }
            StampKind::Custom { label } => self.label_box(at, label, line),
        }
    }

    /// A label centred on `at` inside a rounded box.
    fn label_box(&mut self, at: Pt, label: &str, line: f64) {
        let size = LABEL * self.height;
        let (cx, cy) = self.at(at.x, at.y);
        let tw = self.font.width(label, size);
        let cap = self.font.cap_height() * size;
        let (pad_x, pad_y) = (0.4 * size, 0.35 * size);
        let (w, h) = (tw + 2.0 * pad_x, cap + 2.0 * pad_y);
        let (x0, y0) = (cx - w / 2.0, cy - h / 2.0);
        let r = (h / 3.0).min(w / 2.0);
        let _ = writeln!(self.ops, "{} w", num(line.max(0.6)));
        self.rounded_rect(x0, y0, w, h, r);
        self.ops.push_str("S\n");
        self.text_at(cx - tw / 2.0, cy - cap / 2.0, label, size);
    }

    fn rounded_rect(&mut self, x: f64, y: f64, w: f64, h: f64, r: f64) {
        let k = r * (1.0 - KAPPA);
        let o = &mut self.ops;
        let _ = writeln!(o, "{} {} m", num(x + r), num(y));
        let _ = writeln!(o, "{} {} l", num(x + w - r), num(y));
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c",
            num(x + w - k),
            num(y),
            num(x + w),
            num(y + k),
            num(x + w),
            num(y + r)
        );
        let _ = writeln!(o, "{} {} l", num(x + w), num(y + h - r));
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c",
            num(x + w),
            num(y + h - k),
            num(x + w - k),
            num(y + h),
            num(x + w - r),
            num(y + h)
        );
        let _ = writeln!(o, "{} {} l", num(x + r), num(y + h));
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c",
            num(x + k),
            num(y + h),
            num(x),
            num(y + h - k),
            num(x),
            num(y + h - r)
        );
        let _ = writeln!(o, "{} {} l", num(x), num(y + r));
        let _ = writeln!(
            o,
            "{} {} {} {} {} {} c h",
            num(x),
            num(y + k),
            num(x + k),
            num(y),
            num(x + r),
            num(y)
        );
    }

    /// A filled rectangle in the display frame, in normalised coordinates.
    pub fn cover(&mut self, from: Pt, to: Pt, grey: f64) {
        let box_ = self.rect_operands(from, to);
        let _ = writeln!(self.ops, "q {} g {box_} re f Q", num(grey));
    }

    /// `x y width height` of the rectangle between two normalised corners.
    fn rect_operands(&self, from: Pt, to: Pt) -> String {
        let (a, b) = (self.at(from.x, from.y), self.at(to.x, to.y));
        format!(
            "{} {} {} {}",
            num(a.0.min(b.0)),
            num(a.1.min(b.1)),
            num((a.0 - b.0).abs()),
            num((a.1 - b.1).abs())
        )
    }
}

/// Points with their sign and a French decimal comma: `+1`, `−0,5`.
pub fn signed_points(p: Points) -> String {
    let sign = if p.quarters() < 0 { '\u{2212}' } else { '+' };
    format!(
        "{sign}{}",
        french_points(Points::from_quarters(p.quarters().abs()))
    )
}

/// Points with a French decimal comma: `2,5`.
pub fn french_points(p: Points) -> String {
    p.to_string().replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(0.12345), "0.12");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(-2.5), "-2.5");
    }

    #[test]
    fn points_read_the_french_way() {
        assert_eq!(signed_points(Points::from_quarters(-2)), "\u{2212}0,5");
        assert_eq!(signed_points(Points::from_quarters(4)), "+1");
        assert_eq!(french_points(Points::from_quarters(7)), "1,75");
    }

    #[test]
    fn a_pen_stroke_is_split_where_its_width_changes() {
        let mut font = Font::new().unwrap();
        let mut gs = GStates::default();
        let mut c = Canvas::new(Frame::upright(600.0, 800.0), &mut font, &mut gs);
        let points = [
            StrokePt {
                x: 0.1,
                y: 0.1,
                p: 0.1,
            },
            StrokePt {
                x: 0.2,
                y: 0.1,
                p: 0.1,
            },
            StrokePt {
                x: 0.3,
                y: 0.1,
                p: 0.9,
            },
            StrokePt {
                x: 0.4,
                y: 0.1,
                p: 0.9,
            },
        ];
        c.shape(
            &Shape::Pen {
                points: points.to_vec(),
            },
            &Style::default(),
        );
        let ops = String::from_utf8(c.finish()).unwrap();
        assert_eq!(ops.matches(" w ").count(), 3, "{ops}");
        assert!(ops.contains("600 7200 m"), "{ops}");
    }
}
