//! Page-turn benchmark: how long the window waits for a page of a copy, rendered from a
//! 300 dpi A3 scan (first view) and from the cache (every later turn).
//!
//!     cargo bench -p korrigo-app --bench pages

use korrigo_app::{Events, JobEvent, Station};
use korrigo_core::store::NewExam;
use korrigo_fixtures::{write_batch, BatchSpec, CopySpec, Encoding, Mode};
use std::sync::Arc;
use std::time::Instant;

struct Quiet;
impl Events for Quiet {
    fn job(&self, _: &JobEvent) {}
}

fn percentile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdf = dir.path().join("batch.pdf");
    write_batch(
        &BatchSpec {
            seed: 3,
            dpi: 300,
            mode: Mode::A3,
            encoding: Encoding::Jpeg { quality: 75 },
            rotate270: false,
            copies: (0..4).map(|_| CopySpec::plain(1)).collect(),
        },
        &pdf,
    )
    .expect("batch");
    let station = Arc::new(
        Station::open(&dir.path().join("data"), Some("prof"), Arc::new(Quiet)).expect("station"),
    );
    let exam = station
        .create_exam(&NewExam {
            name: "Bench".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
        })
        .expect("exam");
    let job = station
        .start_import(&exam.id, vec![pdf], false)
        .expect("import");
    station.wait_job(job).expect("import done");
    let copies = station.copies(&exam.id).expect("copies");
    let width = 1200;
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for copy in &copies {
        for n in 1..=4 {
            let t = Instant::now();
            station.page_image(&copy.id, n, width).expect("page");
            cold.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        for _ in 0..5 {
            for n in 1..=4 {
                let t = Instant::now();
                station.page_image(&copy.id, n, width).expect("page");
                warm.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    println!(
        "page {width} px from a 300 dpi A3 scan: first view p50 {:.0} ms, max {:.0} ms; \
         cached turn p50 {:.3} ms, p99 {:.3} ms (target ≤ 50 ms)",
        percentile(&mut cold, 0.5),
        percentile(&mut cold, 1.0),
        percentile(&mut warm, 0.5),
        percentile(&mut warm, 0.99),
    );
}
