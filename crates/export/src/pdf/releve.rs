//! The "Relevé de notes" that closes a student's PDF: exam, date, student (or anonymous
//! code), total and total on 20, each question of the barème in order with its points
//! and remark, then the appreciation. Long remarks wrap and flow onto more pages.

use super::builder::{PdfBuilder, A4};
use super::draw::{french_points, Canvas};
use crate::cell::hundredths_fr;
use crate::pronote::note_hundredths;
use korrigo_core::grading::CopyGrade;
use korrigo_core::Result;
use lopdf::Dictionary;

const MARGIN: f64 = 56.0;
const BODY: f64 = 10.5;
const LINE: f64 = BODY * 1.35;
const POINTS_COLUMN: f64 = 250.0;
const REMARK_COLUMN: f64 = 330.0;

/// What the page says, already decided by the caller (identity or anonymous code).
#[derive(Debug, Clone)]
pub struct Releve<'a> {
    pub exam: &'a str,
    pub subject: Option<&'a str>,
    pub date: Option<&'a str>,
    /// `Élève : NOM Prénom` or `Copie anonyme : ANON-…`.
    pub who: String,
    pub grade: &'a CopyGrade,
    pub appreciation: Option<&'a str>,
}

/// One line of the page, laid out before drawing so that it can flow over pages.
enum Line {
    Title(String),
    Field(String),
    Total(String),
    Gap(f64),
    Rule,
    Header,
    Row {
        indent: usize,
        question: String,
        points: String,
        remark: String,
        strong: bool,
    },
    Heading(String),
    Paragraph(String),
}

/// `2024-06-14` → `14/06/2024`.
fn french_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
    }
}

fn lines(r: &Releve<'_>) -> Vec<Line> {
    let mut out = vec![Line::Title("Relevé de notes".into()), Line::Gap(8.0)];
    out.push(Line::Field(format!("Épreuve : {}", r.exam)));
    if let Some(s) = r.subject {
        out.push(Line::Field(format!("Matière : {s}")));
    }
    if let Some(d) = r.date {
        out.push(Line::Field(format!("Date : {}", french_date(d))));
    }
    out.push(Line::Field(r.who.clone()));
    out.push(Line::Gap(10.0));
    let g = r.grade;
    out.push(Line::Total(format!(
        "Note : {} / {}, soit {} / 20",
        french_points(g.total),
        french_points(g.max_total),
        hundredths_fr(note_hundredths(g.total, g.max_total))
    )));
    out.push(Line::Gap(12.0));
    out.push(Line::Header);
    out.push(Line::Rule);
    for n in &g.nodes {
        let points = match n.points {
            Some(p) => format!("{} / {}", french_points(p), french_points(n.max)),
            None => format!("— / {}", french_points(n.max)),
        };
        out.push(Line::Row {
            indent: n.depth.saturating_sub(1),
            question: n.label.clone(),
            points,
            remark: n.remark.clone().unwrap_or_default(),
            strong: !n.leaf,
        });
    }
    out.push(Line::Rule);
    if let Some(a) = r.appreciation.filter(|a| !a.trim().is_empty()) {
        out.push(Line::Gap(10.0));
        out.push(Line::Heading("Appréciation".into()));
        out.push(Line::Paragraph(a.to_string()));
    }
    out
}

/// Greedy word wrap of `text` into lines at most `width` points wide at `size`.
pub fn wrap(canvas: &Canvas<'_>, text: &str, size: f64, width: f64) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if canvas.text_width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // A word longer than the line is cut where it overflows.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if canvas.text_width(&piece, size) > width && piece.chars().count() > 1 {
                    let last = piece.pop().unwrap_or(c);
                    out.push(std::mem::take(&mut piece));
                    piece.push(last);
                }
            }
            line = piece;
        }
        out.push(line);
    }
    out
}

/// Adds the relevé's pages to `pdf`.
pub fn add(pdf: &mut PdfBuilder, r: &Releve<'_>) -> Result<()> {
    let all = lines(r);
    let mut next = 0;
    let mut first = true;
    while next < all.len() {
        let start = next;
        let continued = !first;
        pdf.add_drawn_page(A4.0, A4.1, Dictionary::new(), |c| {
            next = draw_page(c, &all[start..], continued) + start;
        })?;
        first = false;
        if next == start {
            // Nothing fitted on a fresh page: give up rather than loop.
            break;
        }
    }
    Ok(())
}

/// Draws as many lines as fit and returns how many were drawn.
fn draw_page(c: &mut Canvas<'_>, lines: &[Line], continued: bool) -> usize {
    let (w, h) = c.size();
    let right = w - MARGIN;
    let mut y = h - MARGIN;
    c.ops.push_str("0.1 0.1 0.1 rg 0.1 0.1 0.1 RG\n");
    if continued {
        y -= 14.0;
        c.text_at(MARGIN, y, "Relevé de notes (suite)", 14.0);
        y -= 14.0;
    }
    for (i, line) in lines.iter().enumerate() {
        let needed = match line {
            Line::Row { remark, .. } => {
                LINE * wrap(c, remark, BODY, right - REMARK_COLUMN).len().max(1) as f64
            }
            Line::Paragraph(p) => LINE * wrap(c, p, BODY, right - MARGIN).len() as f64,
            Line::Title(_) => 26.0,
            Line::Total(_) => 20.0,
            Line::Gap(g) => *g,
            _ => LINE,
        };
        if y - needed < MARGIN && i > 0 {
            return i;
        }
        match line {
            Line::Title(t) => {
                y -= 22.0;
                c.text_at(MARGIN, y, t, 22.0);
                y -= 4.0;
            }
            Line::Field(t) => {
                y -= LINE;
                c.text_at(MARGIN, y, t, BODY + 1.0);
            }
            Line::Total(t) => {
                y -= 16.0;
                c.text_at(MARGIN, y, t, 15.0);
                y -= 4.0;
            }
            Line::Gap(g) => y -= g,
            Line::Rule => {
                y -= 4.0;
                c.ops
                    .push_str(&format!("0.5 w {MARGIN} {y:.2} m {right:.2} {y:.2} l S\n"));
                y -= 4.0;
            }
            Line::Header => {
                y -= LINE;
                c.text_at(MARGIN, y, "Question", BODY);
                c.text_at(POINTS_COLUMN, y, "Points", BODY);
                c.text_at(REMARK_COLUMN, y, "Remarque", BODY);
            }
            Line::Row {
                indent,
                question,
                points,
                remark,
                strong,
            } => {
                y -= LINE;
                let size = if *strong { BODY + 0.5 } else { BODY };
                let x = MARGIN + 12.0 * *indent as f64;
                let room = POINTS_COLUMN - 8.0 - x;
                let q = wrap(c, question, size, room);
                let q = q.first().cloned().unwrap_or_default();
                c.text_at(x, y, &q, size);
                c.text_at(POINTS_COLUMN, y, points, size);
                let remarks = wrap(c, remark, BODY, right - REMARK_COLUMN);
                for (k, part) in remarks.iter().enumerate() {
                    if k > 0 {
                        y -= LINE;
                    }
                    c.text_at(REMARK_COLUMN, y, part, BODY);
                }
            }
            Line::Heading(t) => {
                y -= LINE + 2.0;
                c.text_at(MARGIN, y, t, BODY + 2.0);
            }
            Line::Paragraph(p) => {
                for part in wrap(c, p, BODY, right - MARGIN) {
                    y -= LINE;
                    c.text_at(MARGIN, y, &part, BODY);
                }
            }
        }
    }
    lines.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_the_french_way() {
        assert_eq!(french_date("2025-06-14"), "14/06/2025");
        assert_eq!(french_date("hier"), "hier");
    }
}
