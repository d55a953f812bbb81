//! Reading a copy's name header: the crop of the header box (upright, at the ingest's
//! header resolution) into last name, first name, birth date and class.
//!
//! The box's ruled lines are removed first (they merge with letters), the crop is
//! enlarged to the resolution Tesseract reads best, words are grouped by line and the
//! printed labels (`NOM`, `Prénom`, `Classe`, `Né(e) le`) tell which line is which;
//! the birth date is read again alone, digits only.

use crate::names::letters;
use crate::ocr::{self, Layout, Word};
use image::{imageops, GrayImage, Luma};
use korrigo_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// What a header says, as read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HeaderFields {
    pub last_name: Option<String>,
    pub first_name: Option<String>,
    /// ISO `YYYY-MM-DD`, only when fully and plausibly read.
    pub birth_date: Option<String>,
    pub class: Option<String>,
    /// Mean word confidence of the name fields, 0..100.
    pub confidence: f32,
    /// Everything read, line by line, for the review desk.
    pub text: String,
}

/// Resolution of the crop given to Tesseract.
const OCR_DPI: u32 = 300;

/// Reads a header crop (PNG bytes, at `crop_dpi`).
pub fn read(png: &[u8], crop_dpi: u32) -> Result<HeaderFields> {
    let crop = image::load_from_memory(png)
        .map_err(|e| Error::corrupt_input(format!("a header crop cannot be decoded: {e}")))?
        .to_luma8();
    let scale = (OCR_DPI as f32 / crop_dpi as f32).max(1.0);
    let img = if scale > 1.01 {
        imageops::resize(
            &crop,
            (crop.width() as f32 * scale) as u32,
            (crop.height() as f32 * scale) as u32,
            imageops::FilterType::CatmullRom,
        )
    } else {
        crop
    };
    let img = without_rules(&img);
    let words = ocr::words(&img, OCR_DPI, Layout::Block, None)?;
    let mut fields = fields_from_words(&words);
    if let Some(region) = date_region(&words, &img) {
        let digits = ocr::words(&region, OCR_DPI, Layout::Line, Some("0123456789/.-"))?;
        let text: String = digits
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join("");
        if let Some(date) = parse_date(&text) {
            fields.birth_date = Some(date);
        }
    }
    Ok(fields)
}

/// Label words, as accent-free capitals.
const LAST: &[&str] = &["NOM", "NOMS"];
const FIRST: &[&str] = &["PRENOM", "PRENOMS"];
const CLASS: &[&str] = &["CLASSE", "CLASSES"];
const BORN: &[&str] = &[
    "NE",
    "NEE",
    "NEELE",
    "NEEL",
    "LE",
    "DATE",
    "NAISSANCE",
    "NELE",
];

fn is_label(word: &str, set: &[&str]) -> bool {
    let l = letters(word);
    !l.is_empty() && set.contains(&l.as_str())
}

/// Groups words by line, top to bottom, each line left to right.
fn lines(words: &[Word]) -> Vec<Vec<&Word>> {
    let mut keys: Vec<(u32, u32, u32)> = words.iter().map(|w| w.line).collect();
    keys.dedup();
    keys.sort();
    keys.dedup();
    let mut out: Vec<Vec<&Word>> = keys
        .iter()
        .map(|k| {
            let mut l: Vec<&Word> = words.iter().filter(|w| w.line == *k).collect();
            l.sort_by_key(|w| w.left);
            l
        })
        .collect();
    out.sort_by_key(|l| l.first().map_or(0, |w| w.top));
    out
}

fn value(words: &[&Word]) -> Option<String> {
    let kept: Vec<&str> = words
        .iter()
        .map(|w| {
            w.text
                .trim_matches(|c: char| c == ':' || c == ';' || c == '.' || c == ',')
        })
        .filter(|t| !t.is_empty() && t.chars().any(char::is_alphanumeric))
        .collect();
    (!kept.is_empty()).then(|| kept.join(" "))
}

fn fields_from_words(words: &[Word]) -> HeaderFields {
    let lines = lines(words);
    let mut f = HeaderFields {
        text: lines
            .iter()
            .map(|l| {
                l.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n"),
        ..Default::default()
    };
    let mut confidences = Vec::new();
    let mut unlabelled = Vec::new();
    for line in &lines {
        let after = |set: &[&str]| {
            line.iter()
                .position(|w| is_label(&w.text, set))
                .map(|i| &line[i + 1..])
        };
        if let Some(rest) = after(FIRST) {
            f.first_name = value(rest);
            confidences.extend(rest.iter().map(|w| w.confidence));
        } else if let Some(rest) = after(LAST) {
            f.last_name = value(rest);
            confidences.extend(rest.iter().map(|w| w.confidence));
        } else if let Some(rest) = after(CLASS) {
            let end = rest
                .iter()
                .position(|w| is_label(&w.text, BORN))
                .unwrap_or(rest.len());
            f.class = value(&rest[..end]);
            let tail = &rest[end..];
            let date_text: String = tail
                .iter()
                .filter(|w| !is_label(&w.text, BORN))
                .map(|w| w.text.as_str())
                .collect();
            f.birth_date = parse_date(&date_text);
        } else if !line.is_empty() {
            unlabelled.push(line);
        }
    }
    if f.last_name.is_none() && f.first_name.is_none() {
        let mut it = unlabelled.into_iter();
        f.last_name = it.next().and_then(|l| value(l));
        f.first_name = it.next().and_then(|l| value(l));
    }
    f.confidence = if confidences.is_empty() {
        0.0
    } else {
        confidences.iter().sum::<f32>() / confidences.len() as f32
    };
    f
}

/// The part of the image right of the birth-date label, on its line.
fn date_region(words: &[Word], img: &GrayImage) -> Option<GrayImage> {
    let label = words
        .iter()
        .filter(|w| is_label(&w.text, BORN))
        .max_by_key(|w| w.left + w.width)?;
    let x = label.left + label.width;
    let pad = label.height;
    let y = label.top.saturating_sub(pad);
    let h = (label.height + 2 * pad).min(img.height() - y);
    (x + 3 * label.height < img.width())
        .then(|| imageops::crop_imm(img, x, y, img.width() - x, h).to_image())
}

/// `dd/mm/yyyy` (or `.`/`-`), as ISO, when it is a real date of a plausible pupil.
pub fn parse_date(text: &str) -> Option<String> {
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '/' | '.' | '-'))
        .collect();
    let parts: Vec<&str> = text
        .split(['/', '.', '-'])
        .filter(|p| !p.is_empty())
        .collect();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let (d, m, y): (u32, u32, i32) = match parts.as_slice() {
        [d, m, y] if y.len() == 4 => (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?),
        _ if digits.len() == 8 => (
            digits[0..2].parse().ok()?,
            digits[2..4].parse().ok()?,
            digits[4..8].parse().ok()?,
        ),
        _ => return None,
    };
    let date = korrigo_core::store::parse_date(&format!("{d:02}/{m:02}/{y:04}")).ok()?;
    (1950..=2030).contains(&y).then_some(date)
}

/// Whitens long horizontal and vertical rules (the header box): they touch letters and
/// make Tesseract read them as strokes.
fn without_rules(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let dark = |v: u8| v < 140;
    let mut out = img.clone();
    let min_h = w / 4;
    for y in 0..h {
        let mut x = 0;
        while x < w {
            if !dark(img.get_pixel(x, y)[0]) {
                x += 1;
                continue;
            }
            let start = x;
            while x < w && dark(img.get_pixel(x, y)[0]) {
                x += 1;
            }
            if x - start >= min_h {
                (start..x).for_each(|xx| out.put_pixel(xx, y, Luma([255])));
            }
        }
    }
    let min_v = h * 6 / 10;
    for x in 0..w {
        let run = (0..h).filter(|&y| dark(img.get_pixel(x, y)[0])).count() as u32;
        if run >= min_v {
            (0..h).for_each(|y| out.put_pixel(x, y, Luma([255])));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, line: u32, left: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            line: (1, 1, line),
            left,
            top: line * 50,
            width: 40,
            height: 30,
        }
    }

    #[test]
    fn labelled_lines_give_the_fields() {
        let words = vec![
            word("NOM", 1, 10),
            word(":", 1, 60),
            word("BEN", 1, 120),
            word("AMOR", 1, 170),
            word("Prénom", 2, 10),
            word(":", 2, 60),
            word("Mariem", 2, 120),
            word("Classe", 3, 10),
            word(":", 3, 60),
            word("T.01", 3, 120),
            word("Né(e)", 3, 400),
            word("le", 3, 450),
            word(":", 3, 470),
            word("15/06/2009", 3, 520),
        ];
        let f = fields_from_words(&words);
        assert_eq!(f.last_name.as_deref(), Some("BEN AMOR"));
        assert_eq!(f.first_name.as_deref(), Some("Mariem"));
        assert_eq!(f.class.as_deref(), Some("T.01"));
        assert_eq!(f.birth_date.as_deref(), Some("2009-06-15"));
    }

    #[test]
    fn dates_must_be_whole_and_real() {
        assert_eq!(parse_date("06/09/2009").as_deref(), Some("2009-09-06"));
        assert_eq!(parse_date("06092009").as_deref(), Some("2009-09-06"));
        assert_eq!(parse_date("/09/"), None);
        assert_eq!(parse_date("31/02/2009"), None);
        assert_eq!(parse_date("06/09/1809"), None);
    }
}
