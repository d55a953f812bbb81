//! The annotated PDF checked for real: a generated class is imported, graded and
//! exported, then the file is read back with lopdf, pdfium and qpdf. Page count and
//! sizes, image streams byte-identical to the scan's, annotation paths and text present,
//! a stroke visible where it was drawn, the relevé, the anonymous variant with the
//! header gone from the pixels, annotation objects, and the exam export with its names.

use korrigo_core::grading::annotation::{Pt, StampKind, StrokePt};
use korrigo_core::grading::{Bareme, NewAnnotation, Points, Shape};
use korrigo_core::media::MediaStore;
use korrigo_core::model::{anonymous_code, PageSource};
use korrigo_core::store::{ExportedCopy, NewExam, NewStudent, Store, Writer};
use korrigo_core::ErrorCode;
use korrigo_export::pdf::{export_copy, export_exam, ExamPdfRequest, PdfOptions};
use korrigo_fixtures::{BatchSpec, CopySpec, Encoding, Mode};
use korrigo_ingest::engine::Engine;
use korrigo_station::import::{import, ImportRequest};
use pdfium_render::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

const BAREME: &str = r#"{"step": 0.5, "nodes": [
  {"id": "ex1", "label": "Exercice 1 — Cinématique", "children": [
    {"id": "q1", "label": "1.", "max": 2},
    {"id": "q2", "label": "2.", "max": 3}]},
  {"id": "ex2", "label": "Exercice 2", "max": 5}]}"#;

const PUPILS: [(&str, &str); 3] = [("MARTIN", "Élodie"), ("N'DIAYE", "Awa"), ("DUPONT", "Zoé")];

struct Class {
    dir: tempfile::TempDir,
    store: Store,
    exam: String,
    copies: Vec<String>,
    batch: PathBuf,
}

/// A class of three one-sheet copies, imported, identified and graded; the first copy
/// carries one annotation of every kind.
fn class(encoding: Encoding, rotate270: bool) -> Class {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch.pdf");
    korrigo_fixtures::write_batch(
        &BatchSpec {
            seed: 5,
            dpi: 100,
            mode: Mode::A3,
            encoding,
            rotate270,
            copies: (0..3).map(|_| CopySpec::plain(1)).collect(),
        },
        &batch,
    )
    .unwrap();
    let mut store = Store::open_as(&dir.path().join("data"), Some("prof")).unwrap();
    let exam = store
        .create_exam(&NewExam {
            name: "DS 6 — Mécanique".into(),
            date: Some("2026-11-20".into()),
            subject: Some("Physique-Chimie".into()),
            pages_per_copy: 4,
        })
        .unwrap()
        .id;
    store
        .upsert_students(
            &exam,
            &PUPILS
                .iter()
                .map(|(l, f)| NewStudent {
                    last_name: l.to_string(),
                    first_name: f.to_string(),
                    birth_date: Some("2010-05-01".into()),
                    email: None,
                    class: Some("1G2".into()),
                    group: None,
                })
                .collect::<Vec<_>>(),
        )
        .unwrap();
    import(
        &mut store,
        &ImportRequest {
            exam_id: exam.clone(),
            files: vec![batch.clone()],
            mode: Default::default(),
            force: false,
            read_headers: false,
        },
        &|_, _, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let bareme: Bareme = serde_json::from_str(BAREME).unwrap();
    store.set_bareme(&exam, bareme, false).unwrap();
    let students = store.students(&exam).unwrap();
    let copies: Vec<String> = store
        .copies(&exam)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(copies.len(), 3);
    for (i, copy) in copies.iter().enumerate() {
        let student = students
            .iter()
            .find(|s| s.last_name == PUPILS[i].0)
            .unwrap();
        store
            .identify_copy(copy, &Writer::Student(student.id.clone()), false)
            .unwrap();
        let t = Some(
            store
                .take_lease(copy, time::Duration::minutes(10))
                .unwrap()
                .token,
        );
        let p = |v: f64| Some(Points::from_number(v, "points").unwrap());
        store.set_points(copy, t, "q1", p(2.0)).unwrap();
        store.set_points(copy, t, "q2", p(1.5)).unwrap();
        store.set_points(copy, t, "ex2", p(4.0 - i as f64)).unwrap();
        if i == 0 {
            store
                .set_remark(
                    copy,
                    t,
                    "q2",
                    Some("Unités oubliées à la dernière ligne".into()),
                )
                .unwrap();
            store
                .set_appreciation(
                    copy,
                    t,
                    Some("Travail sérieux, rédaction à soigner.".into()),
                )
                .unwrap();
            for shape in every_shape() {
                store
                    .add_annotation(
                        copy,
                        t,
                        NewAnnotation {
                            page: 1,
                            shape,
                            style: None,
                            z: None,
                        },
                    )
                    .unwrap();
            }
            store
                .add_annotation(
                    copy,
                    t,
                    NewAnnotation {
                        page: 2,
                        shape: Shape::Text {
                            at: Pt { x: 0.1, y: 0.5 },
                            text: "Page deux : très clair".into(),
                            size: 0.02,
                        },
                        style: None,
                        z: None,
                    },
                )
                .unwrap();
        }
        store.finalize(copy, t).unwrap();
    }
    Class {
        dir,
        store,
        exam,
        copies,
        batch,
    }
}

/// A thick pen stroke across the middle of the page: the pixel check looks for it.
const STROKE_Y: f64 = 0.62;

fn every_shape() -> Vec<Shape> {
    let stroke = (0..=40)
        .map(|i| StrokePt {
            x: 0.2 + 0.015 * f64::from(i),
            y: STROKE_Y,
            p: 0.3 + 0.0175 * f64::from(i),
        })
        .collect();
    vec![
        Shape::Pen { points: stroke },
        Shape::Highlighter {
            points: vec![
                StrokePt {
                    x: 0.2,
                    y: 0.7,
                    p: 0.5,
                },
                StrokePt {
                    x: 0.7,
                    y: 0.7,
                    p: 0.5,
                },
            ],
        },
        Shape::Line {
            from: Pt { x: 0.1, y: 0.75 },
            to: Pt { x: 0.5, y: 0.75 },
        },
        Shape::Arrow {
            from: Pt { x: 0.1, y: 0.8 },
            to: Pt { x: 0.5, y: 0.85 },
        },
        Shape::Rect {
            from: Pt { x: 0.55, y: 0.75 },
            to: Pt { x: 0.75, y: 0.85 },
        },
        Shape::Ellipse {
            from: Pt { x: 0.78, y: 0.75 },
            to: Pt { x: 0.95, y: 0.85 },
        },
        Shape::Text {
            at: Pt { x: 0.12, y: 0.9 },
            text: "Très bien, justifiez l'étape ②".into(),
            size: 0.02,
        },
        Shape::Stamp {
            at: Pt { x: 0.85, y: 0.5 },
            stamp: StampKind::Tick,
        },
        Shape::Stamp {
            at: Pt { x: 0.85, y: 0.55 },
            stamp: StampKind::Cross,
        },
        Shape::Stamp {
            at: Pt { x: 0.85, y: 0.6 },
            stamp: StampKind::Question,
        },
        Shape::Stamp {
            at: Pt { x: 0.85, y: 0.45 },
            stamp: StampKind::Custom {
                label: "Bien vu".into(),
            },
        },
        Shape::Score {
            at: Pt { x: 0.9, y: 0.65 },
            node: "q2".into(),
            delta: Points::from_quarters(-2),
        },
    ]
}

/// The exports logged for upload, oldest first.
fn exported_changes(store: &Store) -> Vec<ExportedCopy> {
    store
        .outbox_pending()
        .unwrap()
        .into_iter()
        .filter(|e| e.name == ExportedCopy::CHANGE)
        .map(|e| serde_json::from_value(e.args).unwrap())
        .collect()
}

fn pdfium() -> &'static Pdfium {
    Engine::get().unwrap().pdfium()
}

/// Raw bytes of every image XObject in a PDF.
fn image_streams(path: &Path) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load(path).unwrap();
    doc.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| {
            matches!(
                s.dict.get(b"Subtype").and_then(|o| o.as_name()),
                Ok(b"Image")
            )
        })
        .map(|s| s.content.clone())
        .collect()
}

/// The first copy of `c` exported with `options`, checked by qpdf.
fn export_first(c: &Class, options: PdfOptions, name: &str) -> PathBuf {
    let out = c.dir.path().join(name);
    export_copy(&c.store, &c.copies[0], options, &out).unwrap();
    qpdf_check(&out);
    out
}

/// Every character of a page. (`PdfPageText::all` only reads inside a box at the origin,
/// which misses the half of a scan whose crop box starts elsewhere.)
fn page_text(doc: &PdfDocument<'_>, index: i32) -> String {
    let page = doc.pages().get(index).unwrap();
    let text = page.text().unwrap();
    let chars: String = text
        .chars()
        .iter()
        .filter_map(|c| c.unicode_char())
        .collect();
    chars
}

fn qpdf_check(path: &Path) {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(path)
        .output()
        .expect("qpdf is installed by `make setup`");
    assert!(
        out.status.success(),
        "qpdf --check {}: {}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The largest share of clearly red pixels in one row of a band of rows.
fn red_share(img: &image::RgbImage, y0: u32, y1: u32) -> f64 {
    (y0..y1)
        .map(|y| {
            let red = (0..img.width())
                .map(|x| img.get_pixel(x, y))
                .filter(|p| p[0] > 150 && p[1] < 100 && p[2] < 100)
                .count();
            red as f64 / f64::from(img.width())
        })
        .fold(0.0, f64::max)
}

fn render(path: &Path, index: i32, width: i32) -> image::RgbImage {
    let doc = pdfium().load_pdf_from_file(path, None).unwrap();
    let page = doc.pages().get(index).unwrap();
    let img = page
        .render_with_config(&PdfRenderConfig::new().set_target_width(width))
        .unwrap()
        .as_image()
        .unwrap()
        .to_rgb8();
    img
}

fn source_view(c: &Class, copy: &str, number: u32) -> (PageSource, PathBuf) {
    let (page, path) = c.store.page(copy, number).unwrap();
    (page.source, path)
}

fn mean_abs_diff(a: &image::RgbImage, b: &image::RgbImage, y0: u32, y1: u32) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in y0..y1 {
        for x in 0..a.width() {
            let (p, q) = (a.get_pixel(x, y), b.get_pixel(x, y));
            for k in 0..3 {
                sum += u64::from(p[k].abs_diff(q[k]));
                n += 1;
            }
        }
    }
    sum as f64 / n as f64
}

fn check_copy_pdf(c: &Class, out: &Path) {
    qpdf_check(out);
    let doc = pdfium().load_pdf_from_file(out, None).unwrap();
    assert_eq!(doc.pages().len(), 5, "four scanned pages and the relevé");
    for page in doc.pages().iter() {
        let (w, h) = (page.width().value, page.height().value);
        assert!(
            (w - 595.3).abs() < 2.0 && (h - 841.9).abs() < 2.0,
            "A4 page: {w}×{h}"
        );
    }

    // The scans' image streams are the source's, byte for byte: one per A3 side.
    let source: HashSet<Vec<u8>> = image_streams(&c.batch).into_iter().collect();
    let exported = image_streams(out);
    assert_eq!(
        exported.len(),
        2,
        "recto and verso, each shared by its two halves"
    );
    for img in &exported {
        assert!(source.contains(img), "an image stream was re-encoded");
    }

    // Vector annotations: paths and text on page 1, text found by extraction.
    let first = doc.pages().get(0).unwrap();
    let paths = first
        .objects()
        .iter()
        .filter(|o| o.object_type() == PdfPageObjectType::Path)
        .count();
    assert!(paths >= 8, "{paths} path objects on page 1");
    let text = page_text(&doc, 0);
    assert!(text.contains("Très bien, justifiez l'étape ②"), "{text}");
    assert!(
        text.contains("Bien vu") && text.contains("\u{2212}0,5"),
        "{text}"
    );
    let second = page_text(&doc, 1);
    assert!(second.contains("Page deux : très clair"), "{second:?}");

    let releve = page_text(&doc, 4);
    for needle in [
        "Relevé de notes",
        "DS 6 — Mécanique",
        "Physique-Chimie",
        "20/11/2026",
        "MARTIN Élodie",
        "Note : 7,5 / 10, soit 15,00 / 20",
        "Cinématique",
        "1,5 / 3",
        "Unités oubliées",
        "Travail sérieux, rédaction à soigner.",
    ] {
        assert!(
            releve.contains(needle),
            "{needle:?} missing from:\n{releve}"
        );
    }
}

#[test]
fn a_graded_copy_exports_lossless_scans_with_vector_annotations_and_its_releve() {
    for (encoding, rotate270) in [
        (Encoding::Jpeg { quality: 80 }, true),
        (Encoding::CcittG4, false),
    ] {
        let c = class(encoding, rotate270);
        let out = c.dir.path().join("martin.pdf");
        let file = export_copy(&c.store, &c.copies[0], PdfOptions::default(), &out).unwrap();
        assert_eq!(file.pages, 5);
        assert_eq!(file.bytes, std::fs::metadata(&out).unwrap().len());
        check_copy_pdf(&c, &out);

        // Rendered, the page is the station's view of the scan, plus a red stroke where
        // it was drawn and nothing elsewhere in its band.
        let (source, pdf) = source_view(&c, &c.copies[0], 1);
        let view = korrigo_ingest::render_page(&pdf, &source, 100).unwrap();
        let exported = render(&out, 0, view.width() as i32);
        assert_eq!(exported.dimensions(), view.dimensions());
        let h = f64::from(view.height());
        let band = ((STROKE_Y * h) as u32 - 2, (STROKE_Y * h) as u32 + 3);
        assert!(red_share(&view, band.0, band.1) < 0.01);
        let drawn = red_share(&exported, band.0, band.1);
        assert!(
            drawn > 0.45,
            "{encoding:?}: the stroke covers {drawn} of its band"
        );
        let top = (0.05 * h) as u32;
        let diff = mean_abs_diff(&view, &exported, top, (0.4 * h) as u32);
        assert!(
            diff < 3.0,
            "{encoding:?}: the scan differs from its view by {diff}"
        );
    }
}

#[test]
fn the_anonymous_variant_removes_the_header_from_the_pixels_and_names_no_one() {
    let c = class(Encoding::Jpeg { quality: 80 }, false);
    let anonymous = PdfOptions {
        anonymous: true,
        ..Default::default()
    };
    let out = export_first(&c, anonymous, "anon.pdf");
    let doc = pdfium().load_pdf_from_file(&out, None).unwrap();
    assert_eq!(doc.pages().len(), 5);
    let code = anonymous_code(&c.copies[0]);
    let all: String = (0..5).map(|i| page_text(&doc, i)).collect();
    assert!(all.contains(&format!("Copie anonyme : {code}")), "{all}");
    assert!(!all.contains("MARTIN") && !all.contains("Élodie"), "{all}");

    // The recto (which holds the header) is no longer in the file; the verso is, as is.
    let source = image_streams(&c.batch);
    let exported = image_streams(&out);
    let shared: Vec<_> = exported.iter().filter(|i| source.contains(i)).collect();
    assert_eq!(shared.len(), 1, "only the verso keeps its original image");

    // The header zone of page 1 is a flat grey in the pixels of the embedded image.
    let redacted = exported.iter().find(|i| !source.contains(i)).unwrap();
    let img = image::load_from_memory(redacted).unwrap().to_luma8();
    let (w, h) = img.dimensions();
    let mut dark = 0;
    for y in (0.02 * f64::from(h)) as u32..(0.12 * f64::from(h)) as u32 {
        for x in 0..w {
            if img.get_pixel(x, y)[0] < 150 {
                dark += 1;
            }
        }
    }
    assert!(dark < 50, "{dark} dark pixels left in the header zone");
}

#[test]
fn annotation_objects_can_be_shown_or_hidden_by_a_reader() {
    let c = class(Encoding::Jpeg { quality: 80 }, true);
    let objects = PdfOptions {
        annotation_objects: true,
        ..Default::default()
    };
    let out = export_first(&c, objects, "objects.pdf");
    let doc = pdfium().load_pdf_from_file(&out, None).unwrap();
    let first = doc.pages().get(0).unwrap();
    let annots = first.annotations();
    assert_eq!(annots.len(), every_shape().len());
    let kinds: HashSet<String> = annots
        .iter()
        .map(|a| format!("{:?}", a.annotation_type()))
        .collect();
    for kind in ["Ink", "Line", "Square", "Circle", "FreeText", "Stamp"] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
    let paths = first
        .objects()
        .iter()
        .filter(|o| o.object_type() == PdfPageObjectType::Path)
        .count();
    assert_eq!(
        paths, 0,
        "the drawings are in the annotations, not the page"
    );
    // Shown, the stroke is where it was drawn.
    let img = render_with_annotations(&out);
    let h = f64::from(img.height());
    let band = ((STROKE_Y * h) as u32 - 2, (STROKE_Y * h) as u32 + 3);
    let share = red_share(&img, band.0, band.1);
    assert!(share > 0.45, "{share}");
}

fn render_with_annotations(path: &Path) -> image::RgbImage {
    let doc = pdfium().load_pdf_from_file(path, None).unwrap();
    let page = doc.pages().get(0).unwrap();
    let img = page
        .render_with_config(
            &PdfRenderConfig::new()
                .set_target_width(600)
                .render_annotations(true),
        )
        .unwrap()
        .as_image()
        .unwrap()
        .to_rgb8();
    img
}

#[test]
fn an_exam_exports_one_file_per_student_and_a_combined_file() {
    let c = class(Encoding::CcittG4, true);
    let dir = c.dir.path().join("out");
    let combined = c.dir.path().join("tout.pdf");
    let summary = export_exam(
        &c.store,
        &ExamPdfRequest {
            exam_id: c.exam.clone(),
            dir: dir.clone(),
            combined: Some(combined.clone()),
            options: PdfOptions::default(),
            include_ungraded: false,
        },
        &|_, _| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["DUPONT_Zoé.pdf", "MARTIN_Élodie.pdf", "N_DIAYE_Awa.pdf"]
    );
    assert_eq!(summary.files.len(), 3);
    // Each copy's file is kept in the media store and logged for upload to the server.
    let recorded = exported_changes(&c.store);
    assert_eq!(recorded.len(), 3);
    for f in &summary.files {
        let sha = MediaStore::digest_file(&f.path).unwrap();
        let copy = f.copy_id.as_deref().unwrap();
        assert!(
            recorded.iter().any(|e| e.copy_id == copy
                && e.sha256 == sha
                && !e.anonymous
                && e.pages as usize == f.pages
                && e.bytes == f.bytes),
            "{copy}: {recorded:?}"
        );
        assert!(c.store.media().path_of(&sha, "pdf").exists());
    }
    let all = summary.combined.unwrap();
    assert_eq!(all.pages, 15);
    qpdf_check(&combined);
    // The combined file holds each scan once, all byte-identical to the batch.
    let source: HashSet<Vec<u8>> = image_streams(&c.batch).into_iter().collect();
    let images = image_streams(&combined);
    assert_eq!(images.len(), 6);
    assert!(images.iter().all(|i| source.contains(i)));
    let doc = pdfium().load_pdf_from_file(&combined, None).unwrap();
    assert!(page_text(&doc, 14).contains("DUPONT Zoé"));

    // Anonymous files are named by code, and bitonal scans stay bitonal (CCITT G4).
    let anon_dir = c.dir.path().join("anon");
    let anonymous = ExamPdfRequest {
        exam_id: c.exam.clone(),
        dir: anon_dir.clone(),
        combined: None,
        options: PdfOptions {
            anonymous: true,
            ..Default::default()
        },
        include_ungraded: false,
    };
    export_exam(&c.store, &anonymous, &|_, _| {}, &AtomicBool::new(false)).unwrap();
    let first = anon_dir.join(format!("{}.pdf", anonymous_code(&c.copies[0])));
    qpdf_check(&first);
    let doc = lopdf::Document::load(&first).unwrap();
    let filters: Vec<Vec<u8>> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter_map(|s| {
            s.dict
                .get(b"Filter")
                .ok()?
                .as_name()
                .ok()
                .map(<[u8]>::to_vec)
        })
        .filter(|f| f != b"FlateDecode")
        .collect();
    assert_eq!(filters, vec![b"CCITTFaxDecode".to_vec(); 3], "{filters:?}");

    // A cancelled export leaves nothing behind.
    let again = c.dir.path().join("again");
    let cancelled = ExamPdfRequest {
        dir: again.clone(),
        ..anonymous
    };
    let err = export_exam(&c.store, &cancelled, &|_, _| {}, &AtomicBool::new(true)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert_eq!(std::fs::read_dir(&again).unwrap().count(), 0);
    let recorded = exported_changes(&c.store);
    assert_eq!(
        recorded.len(),
        6,
        "named and anonymous, none of the cancelled export"
    );
    assert_eq!(recorded.iter().filter(|e| e.anonymous).count(), 3);
}
