//! Tesseract through leptess: one long-lived engine per thread (engines take 60–170 ms
//! to start), `fra+eng`, words with their boxes and confidences.
//!
//! The process must run with `OMP_THREAD_LIMIT=1` (set by `ensure_single_threaded`
//! before the first engine starts): Debian's Tesseract uses OpenMP, which on two cores
//! makes it several times slower; parallelism comes from one engine per worker.

use image::GrayImage;
use korrigo_core::{Error, Result};
use leptess::{LepTess, Variable};
use std::cell::RefCell;

/// One recognised word, in the pixels of the image given.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub confidence: f32,
    /// Block, paragraph and line numbers: words of one line share them.
    pub line: (u32, u32, u32),
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
}

/// How Tesseract should look at the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A block of lines (page segmentation mode 6).
    Block,
    /// One line of text (mode 7).
    Line,
}

thread_local! {
    static ENGINE: RefCell<Option<LepTess>> = const { RefCell::new(None) };
}

/// Limits OpenMP to one thread for this process. Call it first thing in `main`, while
/// the process has a single thread.
pub fn ensure_single_threaded() {
    if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
        std::env::set_var("OMP_THREAD_LIMIT", "1");
    }
}

/// Recognises the words of `img` (`dpi` tells Tesseract the scale); `allowed` limits the
/// characters when given.
pub fn words(
    img: &GrayImage,
    dpi: u32,
    layout: Layout,
    allowed: Option<&str>,
) -> Result<Vec<Word>> {
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(LepTess::new(None, "fra+eng").map_err(|e| {
                Error::internal(format!(
                    "the OCR engine cannot start (Tesseract with the fra and eng languages): {e}; run `make setup`"
                ))
            })?);
        }
        let engine = slot.as_mut().expect("engine started above");
        // Tesseract's own chatter (tiny regions, exit-time cache notes) is not for users.
        let _ = engine.set_variable(Variable::DebugFile, "/dev/null");
        let mode = match layout {
            Layout::Block => "6",
            Layout::Line => "7",
        };
        let set = |engine: &mut LepTess, var, value: &str| {
            engine.set_variable(var, value).map_err(|_| Error::internal("the OCR engine refused a setting"))
        };
        set(engine, Variable::TesseditPagesegMode, mode)?;
        set(engine, Variable::TesseditCharWhitelist, allowed.unwrap_or(""))?;
        engine
            .set_image_from_mem(&pgm(img))
            .map_err(|e| Error::internal(format!("the OCR engine cannot take the image: {e}")))?;
        engine.set_source_resolution(dpi as i32);
        let tsv = engine.get_tsv_text(0).map_err(|e| Error::internal(format!("OCR output is not UTF-8: {e}")))?;
        Ok(parse_tsv(&tsv))
    })
}

/// The image as binary PGM, which leptonica reads from memory without a codec.
fn pgm(img: &GrayImage) -> Vec<u8> {
    let mut out = format!("P5\n{} {}\n255\n", img.width(), img.height()).into_bytes();
    out.extend_from_slice(img.as_raw());
    out
}

fn parse_tsv(tsv: &str) -> Vec<Word> {
    tsv.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 12 || f[0] != "5" {
                return None;
            }
            let n = |i: usize| f[i].parse::<u32>().ok();
            let text = f[11].trim();
            if text.is_empty() {
                return None;
            }
            Some(Word {
                text: text.to_string(),
                confidence: f[10].parse().unwrap_or(0.0),
                line: (n(2)?, n(3)?, n(4)?),
                left: n(6)?,
                top: n(7)?,
                width: n(8)?,
                height: n(9)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_keep_their_line_and_box() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   4\t1\t1\t1\t1\t0\t10\t10\t300\t40\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t12\t80\t30\t91.5\tNOM\n\
                   5\t1\t1\t1\t1\t2\t120\t10\t200\t40\t88\tDUPONT\n";
        let w = parse_tsv(tsv);
        assert_eq!(w.len(), 2);
        assert_eq!(
            (w[1].text.as_str(), w[1].line, w[1].left, w[1].confidence),
            ("DUPONT", (1, 1, 1), 120, 88.0)
        );
    }
}
