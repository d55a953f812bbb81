//! Embeds every `migrations/station/NNNN_name.sql` into the binary, in order.

use std::{env, fs, path::PathBuf};

fn main() {
    let dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../migrations/station");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("migrations/station is missing")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("pub(crate) const MIGRATIONS: &[(u32, &str, &str)] = &[\n");
    for (i, path) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let (num, _) = name
            .split_once('_')
            .expect("migration files are named NNNN_name.sql");
        let num: u32 = num.parse().expect("migration number");
        assert_eq!(
            num as usize,
            i + 1,
            "migrations must be numbered 0001, 0002, ... without gaps: {name}"
        );
        out += &format!(
            "    ({num}, {name:?}, include_str!({:?})),\n",
            path.canonicalize().unwrap()
        );
    }
    out += "];\n";
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("migrations.rs");
    fs::write(dest, out).unwrap();
}
