//! Import benchmark: generates A3 class batches at 300 dpi (cached under
//! `target/bench/`), imports each in a fresh process and prints scans per second and the
//! import's peak resident memory. Split, orientation and checks only (no OCR).
//!
//!     cargo bench -p korrigo-station --bench import [-- --sizes 60,1000]

use korrigo_core::store::{NewExam, Store};
use korrigo_fixtures::{write_batch, BatchSpec, CopySpec, Encoding, Mode};
use korrigo_station::import::{import, ImportRequest};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        child(Path::new(&args[i + 1]));
        return;
    }
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--sizes")
        .map(|i| {
            args[i + 1]
                .split(',')
                .map(|s| s.parse().expect("--sizes 60,1000"))
                .collect()
        })
        .unwrap_or_else(|| vec![60, 1000]);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&dir).expect("target/bench");
    println!(
        "cores: {}",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for scans in sizes {
        let pdf = batch(&dir, scans);
        let out = Command::new(std::env::current_exe().expect("own path"))
            .args(["--child", pdf.to_str().expect("utf-8 path")])
            .output()
            .expect("child import");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        print!("{}", String::from_utf8_lossy(&out.stdout));
    }
}

/// A class batch of `scans` A3 JPEG scans at 300 dpi: one-sheet copies (two scans each).
fn batch(dir: &Path, scans: usize) -> PathBuf {
    let path = dir.join(format!("a3-300dpi-{scans}.pdf"));
    if !path.exists() {
        let mut spec =
            BatchSpec::class(42, scans / 2, 300, Mode::A3, Encoding::Jpeg { quality: 75 });
        for c in &mut spec.copies {
            *c = CopySpec {
                sheets: 1,
                blank_pages: c.blank_pages.iter().copied().filter(|&p| p <= 4).collect(),
                ..c.clone()
            };
        }
        let t = Instant::now();
        write_batch(&spec, &path).expect("write the batch");
        eprintln!(
            "generated {} in {:.1} s",
            path.display(),
            t.elapsed().as_secs_f64()
        );
    }
    path
}

fn child(pdf: &Path) {
    let data = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(data.path()).expect("store");
    let exam = store
        .create_exam(&NewExam {
            name: "bench".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
        })
        .expect("exam");
    let request = ImportRequest {
        exam_id: exam.id,
        files: vec![pdf.to_path_buf()],
        mode: Default::default(),
        force: false,
        read_headers: false,
    };
    let t = Instant::now();
    let summary =
        import(&mut store, &request, &|_, _, _| {}, &AtomicBool::new(false)).expect("import");
    let secs = t.elapsed().as_secs_f64();
    let scans = summary.pages / 2;
    println!(
        "{}: {} scans, {} copies in {:.2} s = {:.1} scans/s, peak RSS {} MB",
        pdf.file_name().unwrap().to_string_lossy(),
        scans,
        summary.copies,
        secs,
        scans as f64 / secs,
        peak_rss_kb() / 1024
    );
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(String::from)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}
