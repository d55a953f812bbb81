//! Prints what the import sees in each scan of a PDF and saves the analysis pictures:
//! `cargo run -p korrigo-ingest --example inspect -- FILE.pdf [OUT_DIR]`.

use korrigo_ingest::analyze::read_scan;
use korrigo_ingest::duplicates::{Background, Index};
use korrigo_ingest::scan::BLANK_INK;
use korrigo_ingest::{engine::Engine, raster, Format};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(2).cloned();
    let engine = Engine::get().expect("pdfium");
    let doc = engine
        .pdfium()
        .load_pdf_from_file(&args[1], None)
        .expect("open");
    let mut infos = Vec::new();
    for (i, page) in doc.pages().iter().enumerate() {
        let format = if page.width().value / page.height().value > 1.2 {
            Format::A3
        } else {
            Format::A4
        };
        let source = raster::extract(&page).expect("extract");
        let info = read_scan(i as u32, format, &source).expect("read");
        if let Some(dir) = &out {
            source
                .decode()
                .expect("decode")
                .save(format!("{dir}/scan{i:03}.png"))
                .expect("save");
            if let Some(png) = &info.header_crop {
                std::fs::write(format!("{dir}/header{i:03}.png"), png).expect("save");
            }
        }
        infos.push(info);
    }
    let background = Background::of(
        infos
            .iter()
            .filter(|s| s.ink.iter().any(|&i| i >= BLANK_INK))
            .map(|s| s.fingerprint.as_slice()),
    );
    let mut seen = Index::new(background);
    for info in infos {
        let closest = seen
            .closest(&info.fingerprint)
            .map(|(i, s)| (*i, s))
            .unwrap_or((0, 0.0));
        println!(
            "{:3} {:?} header={:?} band={:?} ink={:.4?} closest earlier scan: {} {:.3}",
            info.index, info.format, info.header, info.header_band, info.ink, closest.0, closest.1
        );
        seen.add(info.index, &info.fingerprint);
    }
}
