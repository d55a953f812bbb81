//! Annotations as data: what a teacher draws on a page, in coordinates normalised to
//! [0, 1] of the page box (x to the right, y down), so that they do not depend on the
//! scan's resolution, the zoom, or the exported page size.
//!
//! Invariants of a validated annotation: every coordinate and pressure lies in [0, 1];
//! strokes have points; texts are not empty; a score stamp names a leaf of the barème
//! and moves a non-zero multiple of that leaf's step, at most its maximum.

use super::bareme::Bareme;
use super::points::Points;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Pt {
    pub x: f64,
    pub y: f64,
}

/// A point of a pen or highlighter stroke, with the pen's pressure (0 to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct StrokePt {
    pub x: f64,
    pub y: f64,
    #[serde(default = "full_pressure")]
    pub p: f64,
}

fn full_pressure() -> f64 {
    0.5
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "type")]
#[ts(export)]
pub enum StampKind {
    Tick,
    Cross,
    Question,
    Custom { label: String },
}

/// The drawing itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[ts(export)]
pub enum Shape {
    Pen {
        points: Vec<StrokePt>,
    },
    Highlighter {
        points: Vec<StrokePt>,
    },
    Line {
        from: Pt,
        to: Pt,
    },
    Arrow {
        from: Pt,
        to: Pt,
    },
    Rect {
        from: Pt,
        to: Pt,
    },
    Ellipse {
        from: Pt,
        to: Pt,
    },
    /// `size` is the text height as a fraction of the page height.
    Text {
        at: Pt,
        text: String,
        size: f64,
    },
    Stamp {
        at: Pt,
        stamp: StampKind,
    },
    /// ± points on a leaf of the barème, counted as the leaf's `stamps` mode says.
    Score {
        at: Pt,
        node: String,
        delta: Points,
    },
}

impl Shape {
    pub fn kind(&self) -> &'static str {
        match self {
            Shape::Pen { .. } => "pen",
            Shape::Highlighter { .. } => "highlighter",
            Shape::Line { .. } => "line",
            Shape::Arrow { .. } => "arrow",
            Shape::Rect { .. } => "rect",
            Shape::Ellipse { .. } => "ellipse",
            Shape::Text { .. } => "text",
            Shape::Stamp { .. } => "stamp",
            Shape::Score { .. } => "score",
        }
    }

    /// The leaf and points of a score stamp.
    pub fn score(&self) -> Option<(&str, Points)> {
        match self {
            Shape::Score { node, delta, .. } => Some((node, *delta)),
            _ => None,
        }
    }

    pub fn default_style(&self) -> Style {
        match self {
            Shape::Highlighter { .. } => Style {
                color: "#ffd400".into(),
                width: 0.02,
                opacity: 0.35,
            },
            Shape::Stamp {
                stamp: StampKind::Tick,
                ..
            } => Style {
                color: "#1a7f37".into(),
                width: 0.003,
                opacity: 1.0,
            },
            _ => Style::default(),
        }
    }
}

/// Stroke colour, width (a fraction of the page width) and opacity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Style {
    pub color: String,
    pub width: f64,
    pub opacity: f64,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: "#d1242f".into(),
            width: 0.002,
            opacity: 1.0,
        }
    }
}

impl Style {
    /// The colour as red, green and blue in [0, 1]; black if it is not `#rrggbb`.
    pub fn rgb(&self) -> [f64; 3] {
        let channel = |i: usize| {
            self.color
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .map_or(0.0, |v| f64::from(v) / 255.0)
        };
        if self.color.len() == 7 && self.color.starts_with('#') {
            [channel(1), channel(3), channel(5)]
        } else {
            [0.0; 3]
        }
    }
}

/// What a pen stroke's width is multiplied by at pressure `p`: 0.4 with no pressure,
/// 1 at the default 0.5, 1.6 at full pressure. The live drawing and the exported PDF
/// both use it, so that a stroke looks the same in both.
pub fn pressure_factor(p: f64) -> f64 {
    0.4 + 1.2 * p.clamp(0.0, 1.0)
}

pub const MAX_STROKE_POINTS: usize = 20_000;
pub const MAX_TEXT_CHARS: usize = 4_000;

fn unit(v: f64) -> bool {
    v.is_finite() && (0.0..=1.0).contains(&v)
}

fn check_pt(p: &Pt, what: &str) -> Result<()> {
    if unit(p.x) && unit(p.y) {
        Ok(())
    } else {
        Err(Error::validation(format!(
            "{what} ({}, {}) lies outside the page: coordinates go from 0 to 1",
            p.x, p.y
        )))
    }
}

fn check_stroke(points: &[StrokePt]) -> Result<()> {
    if points.is_empty() {
        return Err(Error::validation("a stroke needs at least one point"));
    }
    if points.len() > MAX_STROKE_POINTS {
        return Err(Error::validation(format!(
            "a stroke has at most {MAX_STROKE_POINTS} points, this one has {}",
            points.len()
        )));
    }
    for (i, p) in points.iter().enumerate() {
        check_pt(&Pt { x: p.x, y: p.y }, &format!("stroke point {}", i + 1))?;
        if !unit(p.p) {
            return Err(Error::validation(format!(
                "stroke point {}: pressure {} is not between 0 and 1",
                i + 1,
                p.p
            )));
        }
    }
    Ok(())
}

/// Checks a shape against the page box and, for score stamps, the exam's barème.
pub fn validate(shape: &Shape, bareme: Option<&Bareme>) -> Result<()> {
    match shape {
        Shape::Pen { points } | Shape::Highlighter { points } => check_stroke(points),
        Shape::Line { from, to }
        | Shape::Arrow { from, to }
        | Shape::Rect { from, to }
        | Shape::Ellipse { from, to } => {
            check_pt(from, "start point")?;
            check_pt(to, "end point")
        }
        Shape::Text { at, text, size } => {
            check_pt(at, "text position")?;
            if text.trim().is_empty() {
                return Err(Error::validation("a text annotation cannot be empty"));
            }
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(Error::validation(format!(
                    "a text annotation holds at most {MAX_TEXT_CHARS} characters"
                )));
            }
            if !(size.is_finite() && *size > 0.0 && *size <= 0.2) {
                return Err(Error::validation(format!(
                    "text size {size} must be above 0 and at most 0.2 of the page height"
                )));
            }
            Ok(())
        }
        Shape::Stamp { at, stamp } => {
            check_pt(at, "stamp position")?;
            if let StampKind::Custom { label } = stamp {
                if label.trim().is_empty() || label.chars().count() > 40 {
                    return Err(Error::validation(
                        "a custom stamp needs a label of 1 to 40 characters",
                    ));
                }
            }
            Ok(())
        }
        Shape::Score { at, node, delta } => {
            check_pt(at, "score stamp position")?;
            let bareme = bareme.ok_or_else(|| {
                Error::validation("score stamps need the exam's barème: set it first")
            })?;
            let leaf = bareme.leaf(node).ok_or_else(|| {
                Error::validation(format!(
                    "score stamp on '{node}', which is not a question of the barème"
                ))
            })?;
            if *delta == Points::ZERO || !delta.is_multiple_of(leaf.step) {
                return Err(Error::validation(format!(
                    "score stamp on '{}': {delta} must be a non-zero multiple of {}",
                    leaf.title(),
                    leaf.step.points()
                )));
            }
            if delta.quarters().abs() > leaf.max.quarters() {
                return Err(Error::validation(format!(
                    "score stamp on '{}': {delta} is more than the question's {} points",
                    leaf.title(),
                    leaf.max
                )));
            }
            Ok(())
        }
    }
}

pub fn validate_style(style: &Style) -> Result<()> {
    let c = style.color.as_bytes();
    let hex = c.len() == 7 && c[0] == b'#' && c[1..].iter().all(u8::is_ascii_hexdigit);
    if !hex {
        return Err(Error::validation(format!(
            "colour '{}' must be written #rrggbb",
            style.color
        )));
    }
    if !(style.width.is_finite() && style.width > 0.0 && style.width <= 0.1) {
        return Err(Error::validation(format!(
            "line width {} must be above 0 and at most 0.1 of the page width",
            style.width
        )));
    }
    if !(style.opacity.is_finite() && style.opacity > 0.0 && style.opacity <= 1.0) {
        return Err(Error::validation(format!(
            "opacity {} must be above 0 and at most 1",
            style.opacity
        )));
    }
    Ok(())
}

/// An annotation as stored: the shape, its style, its place in the drawing order, and
/// a version that every change bumps (updates and deletes name the version they saw).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Annotation {
    pub id: String,
    pub copy_id: String,
    pub page_id: String,
    /// The page's number in the copy (1-based).
    pub page: u32,
    pub shape: Shape,
    pub style: Style,
    pub z: i64,
    pub version: i64,
    pub deleted: bool,
    pub created_by: String,
    pub updated_at: String,
}

/// What a client sends to draw something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewAnnotation {
    pub page: u32,
    pub shape: Shape,
    #[serde(default)]
    pub style: Option<Style>,
    /// Drawing order; by default above everything on the page.
    #[serde(default)]
    pub z: Option<i64>,
}

/// What a client sends to change an annotation; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AnnotationPatch {
    #[serde(default)]
    pub shape: Option<Shape>,
    #[serde(default)]
    pub style: Option<Style>,
    #[serde(default)]
    pub z: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_read_from_json_and_are_checked() {
        let pen: Shape = serde_json::from_str(
            r#"{"kind": "pen", "points": [{"x": 0.1, "y": 0.2, "p": 0.7}, {"x": 0.2, "y": 0.25}]}"#,
        )
        .unwrap();
        validate(&pen, None).unwrap();
        let stamp: Shape = serde_json::from_str(
            r#"{"kind": "stamp", "at": {"x": 0.5, "y": 0.5}, "stamp": {"type": "custom", "label": "Bien"}}"#,
        )
        .unwrap();
        validate(&stamp, None).unwrap();
        let out: Shape = serde_json::from_str(
            r#"{"kind": "line", "from": {"x": 0.5, "y": 0.5}, "to": {"x": 1.2, "y": 0.5}}"#,
        )
        .unwrap();
        assert!(validate(&out, None)
            .unwrap_err()
            .message
            .contains("outside"));
        let score: Shape = serde_json::from_str(
            r#"{"kind": "score", "at": {"x": 0.5, "y": 0.5}, "node": "q1", "delta": -0.5}"#,
        )
        .unwrap();
        assert!(validate(&score, None).is_err());
        let b = Bareme::from_json(
            r#"{"step": 0.5, "nodes": [{"id": "q1", "label": "Q1", "max": 1}]}"#,
            "t",
        )
        .unwrap();
        validate(&score, Some(&b)).unwrap();
        let too_fine = Shape::Score {
            at: Pt { x: 0.5, y: 0.5 },
            node: "q1".into(),
            delta: Points::from_quarters(1),
        };
        assert!(validate(&too_fine, Some(&b)).is_err());
        assert!(validate_style(&Style {
            color: "red".into(),
            ..Style::default()
        })
        .is_err());
    }
}
