//! Reads header crops (as stored in the media store, at 150 dpi) with every preparation
//! and prints what each read, one JSON line per file: for looking into why copies wait
//! for review.
//!
//! `cargo run --release -p korrigo-identify --example read_headers -- CROP.jpg...`

use korrigo_identify::header::{decode, read, Prep};

fn main() {
    korrigo_identify::ocr::ensure_single_threaded();
    for path in std::env::args().skip(1) {
        let crop = std::fs::read(&path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| decode(&bytes).map_err(|e| e.to_string()));
        let crop = match crop {
            Ok(crop) => crop,
            Err(e) => {
                println!("{}", serde_json::json!({ "file": path, "error": e }));
                continue;
            }
        };
        let reads: Vec<_> = Prep::ALL
            .into_iter()
            .map(|prep| {
                let fields = read(&crop, 150, prep).map_err(|e| e.to_string());
                serde_json::json!({ "prep": format!("{prep:?}"), "read": fields.ok() })
            })
            .collect();
        println!("{}", serde_json::json!({ "file": path, "reads": reads }));
    }
}
