//! The PDF engine: one pdfium binding per process, found at a known place, reused for
//! every file and page (pdfium is not re-created per page; its calls are serialised).

use korrigo_core::{Error, Result};
use pdfium_render::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The shared pdfium instance.
pub struct Engine {
    pdfium: Pdfium,
    library: PathBuf,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("library", &self.library)
            .finish()
    }
}

static ENGINE: OnceLock<std::result::Result<Engine, Error>> = OnceLock::new();

impl Engine {
    /// The process-wide engine, bound on first use.
    pub fn get() -> Result<&'static Engine> {
        ENGINE
            .get_or_init(Engine::bind)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn bind() -> Result<Engine> {
        let candidates = library_candidates();
        for path in &candidates {
            if path.is_file() {
                let bindings = Pdfium::bind_to_library(path).map_err(|e| {
                    Error::internal(format!(
                        "the PDF engine at {} cannot be loaded: {e}",
                        path.display()
                    ))
                })?;
                return Ok(Engine {
                    pdfium: Pdfium::new(bindings),
                    library: path.clone(),
                });
            }
        }
        let looked: Vec<_> = candidates.iter().map(|p| p.display().to_string()).collect();
        Err(Error::internal(format!(
            "the PDF engine (libpdfium.so) was not found; looked in: {}. Run `make setup` or set KORRIGO_PDFIUM",
            looked.join(", ")
        )))
    }

    pub fn pdfium(&self) -> &Pdfium {
        &self.pdfium
    }

    pub fn library(&self) -> &Path {
        &self.library
    }
}

/// Where libpdfium is looked up, in order: `KORRIGO_PDFIUM` (a file or a directory), next
/// to the executable (and its `resources/`), then the source tree's `vendor/pdfium/`.
fn library_candidates() -> Vec<PathBuf> {
    let name = Pdfium::pdfium_platform_library_name();
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os("KORRIGO_PDFIUM").map(PathBuf::from) {
        out.push(if p.is_dir() { p.join(&name) } else { p });
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        out.push(dir.join(&name));
        out.push(dir.join("resources").join(&name));
        out.push(dir.join("../lib/korrigo-station").join(&name));
    }
    out.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../vendor/pdfium")
            .join(&name),
    );
    out
}
