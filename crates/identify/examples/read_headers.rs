//! Reads header crops (as stored in the media store, at 150 dpi) with every preparation
//! and prints what each read, one JSON line per file: for looking into why copies wait
//! for review.
//!
//! `cargo run --release -p korrigo-identify --example read_headers -- CROP.jpg...`

use korrigo_identify::header::{read_with, Prep};

fn main() {
    korrigo_identify::ocr::ensure_single_threaded();
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            println!(
                "{}",
                serde_json::json!({ "file": path, "error": "unreadable" })
            );
            continue;
        };
        let reads: Vec<_> = [
            Prep::Binarised,
            Prep::Thickened,
            Prep::Closed,
            Prep::Enlarged,
        ]
        .into_iter()
        .map(|prep| {
            let fields = read_with(&bytes, 150, prep).map_err(|e| e.to_string());
            serde_json::json!({ "prep": format!("{prep:?}"), "read": fields.ok() })
        })
        .collect();
        println!("{}", serde_json::json!({ "file": path, "reads": reads }));
    }
}
