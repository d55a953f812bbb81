//! Sticker sheets of QR labels: A4 pages of 3 × 8 labels (70 × 36 mm, 4.5 mm top
//! margin, as the common label sheets), each with a student's QR code for the exam and
//! their name, class and the exam's name. Drawn as PDF vectors: crisp at any printer.

use crate::qr;
use korrigo_core::store::Student;

pub const COLUMNS: usize = 3;
pub const ROWS: usize = 8;
pub const LABEL_W_MM: f32 = 70.0;
pub const LABEL_H_MM: f32 = 36.0;
pub const TOP_MM: f32 = 4.5;
/// Side of the printed QR code.
pub const QR_MM: f32 = 28.0;

const PT_PER_MM: f32 = 72.0 / 25.4;
const A4_W: f32 = 595.28;
const A4_H: f32 = 841.89;

/// The label sheet PDF for `students` (in order) of the exam `exam_id` named `exam_name`.
pub fn sheet_pdf(exam_id: &str, exam_name: &str, students: &[Student]) -> Vec<u8> {
    let per_page = COLUMNS * ROWS;
    let pages: Vec<String> = students
        .chunks(per_page)
        .map(|chunk| page_content(exam_id, exam_name, chunk))
        .collect();
    let mut pdf = Pdf::default();
    let catalog = pdf.reserve();
    let pages_id = pdf.reserve();
    let font = pdf.add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    let bold = pdf.add(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .into(),
    );
    let mut kids = Vec::new();
    for content in pages
        .iter()
        .map(String::as_bytes)
        .chain(students.is_empty().then_some(&b""[..]))
    {
        let stream = pdf.add_stream(content);
        kids.push(pdf.add(format!(
            "<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 {A4_W} {A4_H}] /Contents {stream} 0 R \
             /Resources << /Font << /F1 {font} 0 R /F2 {bold} 0 R >> >> >>"
        )));
    }
    let kids_list: Vec<String> = kids.iter().map(|k| format!("{k} 0 R")).collect();
    pdf.set(
        pages_id,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids_list.join(" "),
            kids.len()
        ),
    );
    pdf.set(
        catalog,
        format!("<< /Type /Catalog /Pages {pages_id} 0 R >>"),
    );
    pdf.finish(catalog)
}

/// Where label `i` of a page lies: its left and top edges in mm from the page's top-left.
pub fn label_origin_mm(i: usize) -> (f32, f32) {
    let (col, row) = (i % COLUMNS, i / COLUMNS);
    (col as f32 * LABEL_W_MM, TOP_MM + row as f32 * LABEL_H_MM)
}

fn page_content(exam_id: &str, exam_name: &str, students: &[Student]) -> String {
    let mut c = String::new();
    for (i, s) in students.iter().enumerate() {
        let (x_mm, y_mm) = label_origin_mm(i);
        let (x0, top) = (x_mm * PT_PER_MM, A4_H - y_mm * PT_PER_MM);
        let (dark, width) = qr::modules(&qr::payload(exam_id, &s.id));
        let module = QR_MM * PT_PER_MM / width as f32;
        let (qx, qy) = (x0 + 4.0 * PT_PER_MM, top - 4.0 * PT_PER_MM);
        c.push_str("0 g\n");
        for (k, d) in dark.iter().enumerate() {
            if *d {
                let (mx, my) = ((k % width) as f32, (k / width) as f32);
                c.push_str(&format!(
                    "{:.2} {:.2} {:.2} {:.2} re\n",
                    qx + mx * module,
                    qy - (my + 1.0) * module,
                    module,
                    module
                ));
            }
        }
        c.push_str("f\n");
        let tx = x0 + (8.0 + QR_MM) * PT_PER_MM;
        let line = |c: &mut String, font: &str, size: f32, dy_mm: f32, text: &str| {
            c.push_str(&format!(
                "BT /{font} {size} Tf {tx:.2} {:.2} Td ({}) Tj ET\n",
                top - dy_mm * PT_PER_MM,
                pdf_text(&fit(text, 20))
            ));
        };
        line(&mut c, "F2", 10.0, 10.0, &s.last_name);
        line(&mut c, "F1", 10.0, 15.0, &s.first_name);
        line(&mut c, "F1", 7.0, 21.0, s.class.as_deref().unwrap_or(""));
        line(&mut c, "F1", 6.0, 27.0, exam_name);
    }
    c
}

fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        text.chars().take(max - 1).chain(['…']).collect()
    }
}

/// A PDF string literal in WinAnsi (the standard fonts' encoding), escaped.
fn pdf_text(text: &str) -> String {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let mut out = String::new();
    for &b in bytes.iter() {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// The few objects a label sheet needs, numbered from 1, with a correct xref table.
#[derive(Default)]
struct Pdf {
    objects: Vec<Option<Vec<u8>>>,
}

impl Pdf {
    fn reserve(&mut self) -> usize {
        self.objects.push(None);
        self.objects.len()
    }
    fn set(&mut self, id: usize, body: String) {
        self.objects[id - 1] = Some(body.into_bytes());
    }
    fn add(&mut self, body: String) -> usize {
        let id = self.reserve();
        self.set(id, body);
        id
    }
    fn add_stream(&mut self, data: &[u8]) -> usize {
        let id = self.reserve();
        let mut body = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        self.objects[id - 1] = Some(body);
        id
    }
    fn finish(self, root: usize) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body.as_deref().unwrap_or(b"null"));
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", self.objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                self.objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_in_winansi() {
        assert_eq!(pdf_text("N'DIAYE (Zoé)"), "N'DIAYE \\(Zo\\351\\)");
        assert_eq!(fit("DE LA FONTAINE-MARTINEZ", 10).chars().count(), 10);
    }

    #[test]
    fn labels_tile_the_page() {
        assert_eq!(label_origin_mm(0), (0.0, 4.5));
        assert_eq!(label_origin_mm(23), (140.0, 4.5 + 7.0 * 36.0));
    }
}
