//! The import pipeline: scanner PDF in, copies of ordered A4 page views out. Opens PDFs
//! with pdfium, cuts A3 scans at 50 %, orders halves into pages, detects upside-down
//! sheets, blank pages, missing versos and sides scanned twice. No database here: the
//! caller stores what this returns.

pub mod analyze;
pub mod duplicates;
pub mod engine;
pub mod fingerprint;
pub mod header;
pub mod raster;
pub mod render;
pub mod scan;
pub mod segment;

pub use analyze::{analyze_file, FileAnalysis, Mode, Progress};
pub use render::{cut_view, render_page, render_scan};
pub use scan::{Format, HeaderAt, ScanInfo};
pub use segment::{plan, segment, PlannedCopy, PlannedPage};
