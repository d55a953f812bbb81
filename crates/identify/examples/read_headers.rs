//! Reads header crops (PNG files at 150 dpi) and prints the fields found:
//! `cargo run -p korrigo-identify --example read_headers -- header*.png`.

fn main() {
    korrigo_identify::ocr::ensure_single_threaded();
    for path in std::env::args().skip(1) {
        let png = std::fs::read(&path).expect("read");
        let t = std::time::Instant::now();
        let dpi = std::env::var("DPI")
            .ok()
            .and_then(|d| d.parse().ok())
            .unwrap_or(150);
        let f = korrigo_identify::header::read(&png, dpi).expect("read header");
        println!(
            "{path}: {:?} | {:?} | {:?} | {:?} conf {:.0} ({} ms)",
            f.last_name,
            f.first_name,
            f.birth_date,
            f.class,
            f.confidence,
            t.elapsed().as_millis()
        );
    }
}
