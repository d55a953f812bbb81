//! Annotated PDF benchmark: a class of 30 one-sheet copies (4 A4 pages each, A3 scans at
//! 300 dpi, JPEG and CCITT G4, cached under `target/bench/`) is imported, identified,
//! annotated and graded, then exported one file per copy. Prints the export's seconds
//! and the files' total size against the scans' size (targets: ≤ 5 s, ≤ 1.1×).
//!
//!     cargo bench -p korrigo-export --bench pdf

use korrigo_core::grading::annotation::{Pt, StampKind, StrokePt};
use korrigo_core::grading::{Bareme, NewAnnotation, Points, Shape};
use korrigo_core::store::{NewExam, NewStudent, Store, Writer};
use korrigo_export::pdf::{export_exam, ExamPdfRequest, PdfOptions};
use korrigo_fixtures::{write_batch, BatchSpec, CopySpec, Encoding, Mode};
use korrigo_station::import::{import, ImportRequest};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

const COPIES: usize = 30;
const BAREME: &str = r#"{"step": 0.5, "nodes": [
  {"id": "ex1", "label": "Exercice 1", "children": [
    {"id": "q1", "label": "1.", "max": 4}, {"id": "q2", "label": "2.", "max": 6}]},
  {"id": "ex2", "label": "Exercice 2", "max": 10}]}"#;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    println!(
        "cores: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for (name, encoding) in [
        ("jpeg", Encoding::Jpeg { quality: 75 }),
        ("ccitt", Encoding::CcittG4),
    ] {
        let pdf = batch(&dir, name, encoding);
        let work = tempfile::tempdir().expect("temp dir");
        let (store, exam) = graded_class(work.path(), &pdf);
        let scans = std::fs::metadata(&pdf).expect("batch").len();
        for anonymous in [false, true] {
            let out = work.path().join(format!("out-{anonymous}"));
            let started = Instant::now();
            let summary = export_exam(
                &store,
                &ExamPdfRequest {
                    exam_id: exam.clone(),
                    dir: out,
                    combined: None,
                    options: PdfOptions {
                        anonymous,
                        ..Default::default()
                    },
                    include_ungraded: false,
                },
                &|_, _| {},
                &AtomicBool::new(false),
            )
            .expect("export");
            let seconds = started.elapsed().as_secs_f64();
            let bytes: u64 = summary.files.iter().map(|f| f.bytes).sum();
            println!(
                "{name} 300 dpi, {} copies{}: {seconds:.2} s, {:.1} MB of PDF for {:.1} MB of scans ({:.3}×)",
                summary.files.len(),
                if anonymous { ", anonymous" } else { "" },
                bytes as f64 / 1e6,
                scans as f64 / 1e6,
                bytes as f64 / scans as f64
            );
        }
    }
}

fn batch(dir: &Path, name: &str, encoding: Encoding) -> PathBuf {
    let path = dir.join(format!("export-{name}-300dpi-{COPIES}.pdf"));
    if !path.exists() {
        let spec = BatchSpec {
            seed: 7,
            dpi: 300,
            mode: Mode::A3,
            encoding,
            rotate270: matches!(encoding, Encoding::CcittG4),
            copies: (0..COPIES).map(|_| CopySpec::plain(1)).collect(),
        };
        write_batch(&spec, &path).expect("batch written");
    }
    path
}

/// The batch imported, every copy identified, annotated (strokes, text, stamps) and
/// graded.
fn graded_class(root: &Path, pdf: &Path) -> (Store, String) {
    let mut store = Store::open_as(&root.join("data"), Some("prof")).expect("store");
    let exam = store
        .create_exam(&NewExam {
            name: "DS 7".into(),
            date: Some("2026-12-01".into()),
            subject: Some("Mathématiques".into()),
            pages_per_copy: 4,
        })
        .expect("exam")
        .id;
    let students: Vec<NewStudent> = (0..COPIES)
        .map(|i| NewStudent {
            last_name: format!("ÉLÈVE{i}"),
            first_name: format!("Prénom{i}"),
            birth_date: None,
            email: None,
            class: None,
            group: None,
        })
        .collect();
    store.upsert_students(&exam, &students).expect("roster");
    import(
        &mut store,
        &ImportRequest {
            exam_id: exam.clone(),
            files: vec![pdf.to_path_buf()],
            mode: Default::default(),
            force: false,
            read_headers: false,
        },
        &|_, _, _| {},
        &AtomicBool::new(false),
    )
    .expect("import");
    let bareme: Bareme = serde_json::from_str(BAREME).expect("barème");
    store.set_bareme(&exam, bareme, false).expect("barème set");
    let roster = store.students(&exam).expect("students");
    let copies = store.copies(&exam).expect("copies");
    for (copy, student) in copies.iter().zip(&roster) {
        store
            .identify_copy(&copy.id, &Writer::Student(student.id.clone()), false)
            .expect("identified");
        let t = Some(
            store
                .take_lease(&copy.id, time::Duration::minutes(30))
                .expect("lease")
                .token,
        );
        for page in 1..=4 {
            for shape in marks(page) {
                let new = NewAnnotation {
                    page,
                    shape,
                    style: None,
                    z: None,
                };
                store.add_annotation(&copy.id, t, new).expect("annotation");
            }
        }
        for (node, v) in [("q1", 3.0), ("q2", 4.5), ("ex2", 7.0)] {
            let p = Points::from_number(v, "points").expect("points");
            store.set_points(&copy.id, t, node, Some(p)).expect("score");
        }
        store
            .set_appreciation(&copy.id, t, Some("Bon travail, rédaction claire.".into()))
            .expect("appreciation");
        store.finalize(&copy.id, t).expect("finalize");
    }
    (store, exam)
}

/// A page's marks: two pen strokes of 150 points, a text, a tick and a score stamp.
fn marks(page: u32) -> Vec<Shape> {
    let stroke = |y: f64| Shape::Pen {
        points: (0..150)
            .map(|i| {
                let t = f64::from(i) / 150.0;
                StrokePt {
                    x: 0.15 + 0.6 * t,
                    y: y + 0.01 * (t * 25.0).sin(),
                    p: 0.3 + 0.5 * t,
                }
            })
            .collect(),
    };
    vec![
        stroke(0.3),
        stroke(0.55),
        Shape::Text {
            at: Pt { x: 0.6, y: 0.8 },
            text: format!("Page {page} : à revoir, détaillez le calcul"),
            size: 0.018,
        },
        Shape::Stamp {
            at: Pt { x: 0.9, y: 0.4 },
            stamp: StampKind::Tick,
        },
        Shape::Score {
            at: Pt { x: 0.9, y: 0.5 },
            node: "q2".into(),
            delta: Points::from_quarters(-2),
        },
    ]
}
