//! Grading throughput: 10,000 score changes, each its own committed transaction with its
//! audit and outbox rows, as a teacher's clicks produce them; then 1,000 pen strokes of
//! 200 points. Prints changes per second and checks the rows were all written.

use korrigo_core::grading::annotation::StrokePt;
use korrigo_core::grading::{Bareme, NewAnnotation, Points, Shape};
use korrigo_core::model::{CopyStatus, Half};
use korrigo_core::store::{NewCopy, NewExam, NewPage, NewSourcePdf, Store};
use std::time::Instant;

const COPIES: usize = 100;
const CHANGES: usize = 10_000;
const STROKES: usize = 1_000;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(dir.path(), Some("bench")).expect("store");
    let exam = store
        .create_exam(&NewExam {
            name: "Bench".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
        })
        .expect("exam")
        .id;
    let copies: Vec<NewCopy> = (0..COPIES)
        .map(|i| {
            NewCopy::unidentified(
                CopyStatus::Ready,
                (1..=4)
                    .map(|n| NewPage {
                        number: n,
                        source: 0,
                        source_index: (2 * i) as u32 + (n - 1) / 2,
                        half: Half::Left,
                        rotation: 0,
                        fingerprint: None,
                    })
                    .collect(),
            )
        })
        .collect();
    let ids = store
        .record_import(
            &exam,
            &[NewSourcePdf {
                sha256: "0".repeat(64),
                file_name: "bench.pdf".into(),
                pages: (2 * COPIES) as u32,
            }],
            &copies,
        )
        .expect("import")
        .copy_ids;
    let nodes: Vec<String> = (1..=10).map(|i| format!("q{i}")).collect();
    let bareme = format!(
        r#"{{"step": 0.5, "nodes": [{}]}}"#,
        nodes
            .iter()
            .map(|n| format!(r#"{{"id": "{n}", "label": "{n}", "max": 2}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    store
        .set_bareme(&exam, Bareme::from_json(&bareme, "bench").unwrap(), false)
        .expect("barème");
    let tokens: Vec<Option<i64>> = ids
        .iter()
        .map(|c| {
            Some(
                store
                    .take_lease(c, time::Duration::hours(1))
                    .expect("lease")
                    .token,
            )
        })
        .collect();
    let outbox = |s: &Store| -> i64 {
        s.connection()
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .unwrap()
    };
    let before = outbox(&store);

    let start = Instant::now();
    for i in 0..CHANGES {
        let c = (i * 7) % COPIES;
        let node = &nodes[(i * 3) % nodes.len()];
        let points = Points::from_quarters(((i % 5) * 2) as i64);
        store
            .set_points(&ids[c], tokens[c], node, Some(points))
            .expect("score change");
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(outbox(&store) - before, CHANGES as i64);
    println!(
        "score changes: {CHANGES} in {secs:.2} s = {:.0} committed changes/s (with audit and outbox rows)",
        CHANGES as f64 / secs
    );

    let start = Instant::now();
    for i in 0..STROKES {
        let c = i % COPIES;
        let points = (0..200)
            .map(|k| StrokePt {
                x: 0.1 + 0.004 * k as f64,
                y: 0.2 + 0.0005 * ((i + k) % 50) as f64,
                p: 0.3 + 0.002 * k as f64,
            })
            .collect();
        store
            .add_annotation(
                &ids[c],
                tokens[c],
                NewAnnotation {
                    page: 1 + (i % 4) as u32,
                    shape: Shape::Pen { points },
                    style: None,
                    z: None,
                },
            )
            .expect("stroke");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "pen strokes (200 points): {STROKES} in {secs:.2} s = {:.0} strokes/s",
        STROKES as f64 / secs
    );
}
