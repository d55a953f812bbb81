//! Annotations as PDF annotation objects (`--with-annotation-objects`): each drawing
//! becomes an Ink, Line, Square, Circle, FreeText or Stamp annotation that a reader
//! lists and can show, hide or print, with an appearance stream drawn by the same code
//! as the page content so it looks the same everywhere.

use super::builder::PdfBuilder;
use super::draw::signed_points;
use super::font::RESOURCE_NAME;
use super::geometry::{apply, Frame, Rect};
use korrigo_core::grading::annotation::{Pt, StampKind};
use korrigo_core::grading::{Annotation, Shape};
use korrigo_core::Result;
use lopdf::{dictionary, Dictionary, Object, StringFormat};

fn real(v: f64) -> Object {
    Object::Real(v as f32)
}

fn text(s: &str) -> Object {
    Object::String(super::builder::utf16_text(s), StringFormat::Hexadecimal)
}

/// The points that outline a shape, in normalised coordinates.
fn outline(shape: &Shape) -> Vec<Pt> {
    match shape {
        Shape::Pen { points } | Shape::Highlighter { points } => {
            points.iter().map(|p| Pt { x: p.x, y: p.y }).collect()
        }
        Shape::Line { from, to }
        | Shape::Arrow { from, to }
        | Shape::Rect { from, to }
        | Shape::Ellipse { from, to } => vec![*from, *to],
        Shape::Text { at, .. } | Shape::Stamp { at, .. } | Shape::Score { at, .. } => vec![*at],
    }
}

/// The shape's extent in the display frame (points), before padding.
fn display_extent(pdf: &PdfBuilder, frame: Frame, shape: &Shape) -> Rect {
    let (w, h) = frame.display_size();
    let pts: Vec<(f64, f64)> = outline(shape)
        .iter()
        .map(|p| frame.display_point(p.x, p.y))
        .collect();
    let mut r = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for (x, y) in &pts {
        r = [r[0].min(*x), r[1].min(*y), r[2].max(*x), r[3].max(*y)];
    }
    match shape {
        Shape::Text { text, size, .. } => {
            let size = size * h;
            let width = text
                .lines()
                .map(|l| pdf.text_width(l, size))
                .fold(0.0, f64::max);
            let lines = text.lines().count().max(1) as f64;
            [r[0], r[3] - size * (0.25 + 1.2 * lines), r[0] + width, r[3]]
        }
        Shape::Stamp { .. } | Shape::Score { .. } => {
            let label = match shape {
                Shape::Stamp {
                    stamp: StampKind::Custom { label },
                    ..
                } => label.clone(),
                Shape::Score { delta, .. } => signed_points(*delta),
                _ => String::new(),
            };
            let half_w = (pdf.text_width(&label, 0.016 * h) / 2.0 + 0.01 * h).max(0.03 * w);
            let half_h = 0.03 * w;
            [r[0] - half_w, r[1] - half_h, r[0] + half_w, r[1] + half_h]
        }
        _ => r,
    }
}

fn to_user(frame: Frame, r: Rect, pad: f64) -> Rect {
    let m = frame.display_to_user();
    let corners = [
        apply(m, (r[0] - pad, r[1] - pad)),
        apply(m, (r[2] + pad, r[3] + pad)),
    ];
    [
        corners[0].0.min(corners[1].0),
        corners[0].1.min(corners[1].1),
        corners[0].0.max(corners[1].0),
        corners[0].1.max(corners[1].1),
    ]
}

fn user_points(frame: Frame, pts: &[Pt]) -> Vec<Object> {
    let m = frame.display_to_user();
    pts.iter()
        .flat_map(|p| {
            let (x, y) = apply(m, frame.display_point(p.x, p.y));
            [real(x), real(y)]
        })
        .collect()
}

/// The annotation dictionary for `a` on a page shown through `frame`.
pub fn annotation(pdf: &mut PdfBuilder, frame: Frame, a: &Annotation) -> Result<Dictionary> {
    let (w, _) = frame.display_size();
    let line = a.style.width * w;
    let extent = display_extent(pdf, frame, &a.shape);
    let rect = to_user(frame, extent, line * 2.0 + 2.0);
    let appearance = pdf.appearance(frame, rect, |c| c.shape(&a.shape, &a.style))?;
    let [r, g, b] = a.style.rgb();
    let mut d = dictionary! {
        "Type" => "Annot",
        "Rect" => rect.iter().map(|v| real(*v)).collect::<Vec<_>>(),
        "NM" => text(&a.id),
        "F" => 4,
        "C" => vec![real(r), real(g), real(b)],
        "CA" => real(a.style.opacity),
        "BS" => dictionary! { "W" => real(line), "S" => "S" },
        "AP" => dictionary! { "N" => appearance },
        "T" => text(&a.created_by),
    };
    let points = outline(&a.shape);
    match &a.shape {
        Shape::Pen { .. } | Shape::Highlighter { .. } => {
            d.set("Subtype", "Ink");
            d.set("InkList", vec![Object::Array(user_points(frame, &points))]);
        }
        Shape::Line { .. } | Shape::Arrow { .. } => {
            d.set("Subtype", "Line");
            d.set("L", user_points(frame, &points));
            if matches!(a.shape, Shape::Arrow { .. }) {
                d.set(
                    "LE",
                    vec![
                        Object::Name(b"None".to_vec()),
                        Object::Name(b"ClosedArrow".to_vec()),
                    ],
                );
                d.set("IC", vec![real(r), real(g), real(b)]);
            }
        }
        Shape::Rect { .. } => d.set("Subtype", "Square"),
        Shape::Ellipse { .. } => d.set("Subtype", "Circle"),
        Shape::Text { text: t, size, .. } => {
            d.set("Subtype", "FreeText");
            d.set("Contents", text(t));
            let pt = size * frame.display_size().1;
            d.set(
                "DA",
                Object::string_literal(format!(
                    "/{RESOURCE_NAME} {pt:.2} Tf {r:.3} {g:.3} {b:.3} rg"
                )),
            );
        }
        Shape::Stamp { stamp, .. } => {
            d.set("Subtype", "Stamp");
            let label = match stamp {
                StampKind::Tick => "✓".to_string(),
                StampKind::Cross => "✗".to_string(),
                StampKind::Question => "?".to_string(),
                StampKind::Custom { label } => label.clone(),
            };
            d.set("Contents", text(&label));
        }
        Shape::Score { node, delta, .. } => {
            d.set("Subtype", "Stamp");
            d.set(
                "Contents",
                text(&format!("{} ({node})", signed_points(*delta))),
            );
        }
    }
    Ok(d)
}
