//! Bad files get a clear error naming the file (and page), and an import that fails or
//! is cancelled leaves the exam exactly as it was.

mod common;

use common::*;
use korrigo_core::ErrorCode;
use korrigo_fixtures::{Encoding, Mode};
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn refused(write: fn(&Path) -> std::io::Result<()>, name: &str, code: ErrorCode, words: &[&str]) {
    let mut st = Station::new();
    let path = st.path(name);
    write(&path).unwrap();
    let err = st.import(&[&path]).unwrap_err();
    assert_eq!(err.code, code, "{}", err.message);
    assert!(
        err.message.contains(name),
        "the message names the file: {}",
        err.message
    );
    for w in words {
        assert!(err.message.contains(w), "'{w}' in: {}", err.message);
    }
    assert!(st.copies().is_empty());
    assert_eq!(st.media_files(), 0);
}

#[test]
fn not_a_pdf() {
    refused(
        korrigo_fixtures::write_not_a_pdf,
        "photo.pdf",
        ErrorCode::CorruptInput,
        &["not a PDF"],
    );
}

#[test]
fn truncated() {
    refused(
        korrigo_fixtures::write_truncated,
        "cut.pdf",
        ErrorCode::CorruptInput,
        &["truncated"],
    );
}

#[test]
fn encrypted() {
    refused(
        korrigo_fixtures::write_encrypted,
        "locked.pdf",
        ErrorCode::CorruptInput,
        &["password"],
    );
}

#[test]
fn zero_pages() {
    refused(
        korrigo_fixtures::write_zero_pages,
        "empty.pdf",
        ErrorCode::CorruptInput,
        &["no pages"],
    );
}

#[test]
fn a_page_too_small_for_a_scan() {
    refused(
        korrigo_fixtures::write_tiny_page,
        "stamp.pdf",
        ErrorCode::CorruptInput,
        &["page 1", "too small"],
    );
}

#[test]
fn a_page_too_large_for_a_scan() {
    refused(
        korrigo_fixtures::write_huge_page,
        "poster.pdf",
        ErrorCode::CorruptInput,
        &["page 1", "too large"],
    );
}

#[test]
fn a_missing_file() {
    let mut st = Station::new();
    let err = st.import(&[&st.path("nowhere.pdf")]).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("nowhere.pdf"));
}

#[test]
fn one_bad_file_stores_nothing_of_the_good_ones() {
    let mut st = Station::new();
    let (good, _) = write(
        &st,
        "good.pdf",
        &spec(Mode::A3, Encoding::Jpeg { quality: 80 }, 100, plain(2)),
    );
    let bad = st.path("bad.pdf");
    korrigo_fixtures::write_truncated(&bad).unwrap();
    let err = st.import(&[&good, &bad]).unwrap_err();
    assert!(err.message.contains("bad.pdf"));
    assert!(st.copies().is_empty());
    assert_eq!(st.media_files(), 0);
    st.import(&[&good]).unwrap();
    assert_eq!(st.copies().len(), 2);
}

#[test]
fn a_cancelled_import_stores_nothing() {
    let mut st = Station::new();
    let (pdf, _) = write(
        &st,
        "class.pdf",
        &spec(Mode::A3, Encoding::Jpeg { quality: 80 }, 100, plain(2)),
    );
    let err = st
        .import_with(&[&pdf], false, &AtomicBool::new(true))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    assert!(st.copies().is_empty());
    assert_eq!(st.media_files(), 0);
}

#[test]
fn the_same_pdf_twice_is_refused_unless_forced() {
    let mut st = Station::new();
    let (pdf, _) = write(
        &st,
        "class.pdf",
        &spec(Mode::A3, Encoding::Jpeg { quality: 80 }, 120, plain(3)),
    );
    st.import(&[&pdf]).unwrap();
    let err = st.import(&[&pdf]).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(
        err.message.contains("class.pdf") && err.message.contains("--force"),
        "{}",
        err.message
    );
    assert_eq!(st.copies().len(), 3);
    assert_eq!(st.media_files_with(Some("pdf")), 1);

    let again = st
        .import_with(&[&pdf], true, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(again.copies, 3);
    let copies = st.copies();
    assert_eq!(copies.len(), 6);
    for c in &copies[3..] {
        assert!(
            c.flags
                .iter()
                .any(|f| f.kind == korrigo_core::model::FlagKind::DuplicateScan
                    && f.message.contains("imported before")),
            "{:?}",
            c.flags
        );
    }
    assert_eq!(
        st.media_files_with(Some("pdf")),
        1,
        "the original is stored once"
    );
}
