//! Prints what the import sees in each scan of a PDF and saves the analysis pictures:
//! `cargo run -p korrigo-ingest --example inspect -- FILE.pdf [OUT_DIR]`.

use korrigo_ingest::{engine::Engine, raster, scan::ScanInfo, Format};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(2).cloned();
    let engine = Engine::get().expect("pdfium");
    let doc = engine
        .pdfium()
        .load_pdf_from_file(&args[1], None)
        .expect("open");
    for (i, page) in doc.pages().iter().enumerate() {
        let format = if page.width().value / page.height().value > 1.2 {
            Format::A3
        } else {
            Format::A4
        };
        let img = raster::extract(&page)
            .expect("extract")
            .decode()
            .expect("decode");
        if let Some(dir) = &out {
            img.save(format!("{dir}/scan{i:03}.png")).expect("save");
        }
        let info = ScanInfo::analyse(i as u32, format, &img);
        println!(
            "{i:3} {:?} {}x{} header={:?} ink={:.4?}",
            format,
            img.width(),
            img.height(),
            info.header,
            info.ink
        );
    }
}
