//! QR labels: what a label's code says (this exam, this student) and reading it back
//! from a header crop, whatever the handwriting. The payload uses QR's alphanumeric
//! alphabet (capitals, digits, `:`, `-`) to keep the code small and robust.

use image::GrayImage;

const PREFIX: &str = "KRG1:";

/// The code printed on a student's label for an exam.
pub fn payload(exam_id: &str, student_id: &str) -> String {
    format!(
        "{PREFIX}{}:{}",
        exam_id.to_uppercase(),
        student_id.to_uppercase()
    )
}

/// The (exam id, student id) a payload names, ids in lowercase as stored.
pub fn parse(payload: &str) -> Option<(String, String)> {
    let rest = payload.trim().strip_prefix(PREFIX)?;
    let (exam, student) = rest.split_once(':')?;
    let ok = |s: &str| s.len() == 36 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    (ok(exam) && ok(student)).then(|| (exam.to_lowercase(), student.to_lowercase()))
}

/// Every Korrigo label code found in a picture (any rotation; skew and bitonal scans
/// are fine).
pub fn read(img: &GrayImage) -> Vec<(String, String)> {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32)[0],
    );
    prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok())
        .filter_map(|(_, text)| parse(&text))
        .collect()
}

/// The code's modules, row by row (true = dark), and its width in modules.
pub fn modules(payload: &str) -> (Vec<bool>, usize) {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .expect("a label payload always fits a QR code");
    let width = code.width();
    (
        code.to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
        width,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Luma;

    const EXAM: &str = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    const STUDENT: &str = "0190a1b2-c3d4-7e5f-8a9b-ffffffffffff";

    fn draw(payload: &str, px: u32, turned: bool) -> GrayImage {
        let (dark, width) = modules(payload);
        let quiet = 4;
        let size = (width as u32 + 2 * quiet) * px;
        let mut img = GrayImage::from_pixel(size, size, Luma([255]));
        for (i, d) in dark.iter().enumerate() {
            if !d {
                continue;
            }
            let (mx, my) = ((i % width) as u32 + quiet, (i / width) as u32 + quiet);
            for y in my * px..(my + 1) * px {
                for x in mx * px..(mx + 1) * px {
                    img.put_pixel(x, y, Luma([0]));
                }
            }
        }
        if turned {
            image::imageops::rotate180(&img)
        } else {
            img
        }
    }

    #[test]
    fn a_label_reads_back_either_way_up() {
        let p = payload(EXAM, STUDENT);
        assert_eq!(parse(&p), Some((EXAM.into(), STUDENT.into())));
        for turned in [false, true] {
            assert_eq!(
                read(&draw(&p, 4, turned)),
                vec![(EXAM.to_string(), STUDENT.to_string())]
            );
        }
        assert!(read(&GrayImage::from_pixel(200, 200, Luma([255]))).is_empty());
        assert_eq!(parse("https://example.org"), None);
    }
}
