//! Importing scanner batches made by the fixture generator: every page lands where the
//! truth says, with the flags the batch deserves, and nothing else.

mod common;

use common::*;
use korrigo_core::model::{CopyStatus, FlagKind};
use korrigo_fixtures::{CopySpec, Encoding, Mode};

const JPEG: Encoding = Encoding::Jpeg { quality: 80 };

#[test]
fn a3_jpeg_class_with_an_upside_down_sheet_and_blank_pages() {
    let mut st = Station::new();
    let mut copies = plain(6);
    copies[2].upside_down = true;
    copies[4].blank_pages = vec![3, 4];
    let (pdf, truth) = write(&st, "class.pdf", &spec(Mode::A3, JPEG, 150, copies));
    let summary = st.import(&[&pdf]).unwrap();
    assert_eq!((summary.copies, summary.pages), (6, 24));
    assert_eq!(summary.needs_review, 6, "no copy is identified yet");

    let got = st.copies();
    assert_eq!(
        got.iter().map(positions).collect::<Vec<_>>(),
        expected(&truth)
    );
    assert_eq!(kinds(&got[2]), vec![FlagKind::UpsideDown]);
    assert!(got[2].pages.iter().all(|p| p.source.rotation == 180));
    assert_eq!(
        kinds(&got[4]),
        vec![FlagKind::BlankPage, FlagKind::BlankPage]
    );
    assert_eq!(
        got[4].flags.iter().map(|f| f.page).collect::<Vec<_>>(),
        vec![Some(3), Some(4)]
    );
    for i in [0, 1, 3, 5] {
        assert!(got[i].flags.is_empty(), "copy {i}: {:?}", got[i].flags);
    }
    assert!(got
        .iter()
        .all(|c| c.status == CopyStatus::NeedsReview && c.student.is_none()));
}

#[test]
fn a3_ccitt_stored_portrait_with_rotate_270() {
    let mut st = Station::new();
    let mut copies = plain(4);
    copies[1].upside_down = true;
    let mut spec = spec(Mode::A3, Encoding::CcittG4, 200, copies);
    spec.rotate270 = true;
    let (pdf, truth) = write(&st, "copier.pdf", &spec);
    st.import(&[&pdf]).unwrap();
    let got = st.copies();
    assert_eq!(
        got.iter().map(positions).collect::<Vec<_>>(),
        expected(&truth)
    );
    assert_eq!(kinds(&got[1]), vec![FlagKind::UpsideDown]);
}

#[test]
fn a4_scans_make_one_page_each() {
    let mut st = Station::new();
    let mut copies = plain(3);
    copies[0].upside_down = true;
    let (pdf, truth) = write(&st, "a4.pdf", &spec(Mode::A4, JPEG, 150, copies));
    let summary = st.import(&[&pdf]).unwrap();
    assert_eq!((summary.copies, summary.pages), (3, 12));
    let got = st.copies();
    assert_eq!(
        got.iter().map(positions).collect::<Vec<_>>(),
        expected(&truth)
    );
    assert!(kinds(&got[0]).contains(&FlagKind::UpsideDown));
    assert!(
        got[1].flags.is_empty() && got[2].flags.is_empty(),
        "pages 2-4 of an A4 copy carry no header: {:?}",
        got[1].flags
    );
}

#[test]
fn a_missing_verso_is_flagged_and_the_other_pages_keep_their_numbers() {
    let mut st = Station::new();
    let mut copies = plain(3);
    copies[1].drop_last_verso = true;
    let (pdf, truth) = write(&st, "odd.pdf", &spec(Mode::A3, JPEG, 150, copies));
    st.import(&[&pdf]).unwrap();
    let got = st.copies();
    assert_eq!(
        got.iter().map(positions).collect::<Vec<_>>(),
        expected(&truth)
    );
    assert_eq!(
        got[1].pages.iter().map(|p| p.number).collect::<Vec<_>>(),
        vec![1, 4]
    );
    assert_eq!(
        kinds(&got[1]),
        vec![FlagKind::MissingVerso, FlagKind::PageCount]
    );
    assert!(got[0].flags.is_empty() && got[2].flags.is_empty());
}

#[test]
fn a_sheet_fed_twice_is_set_aside_and_flagged() {
    let mut st = Station::new();
    let mut copies = plain(4);
    copies[1].rescan_first_sheet = true;
    let (pdf, truth) = write(&st, "twice.pdf", &spec(Mode::A3, JPEG, 150, copies));
    assert_eq!(truth.duplicates.len(), 2);
    st.import(&[&pdf]).unwrap();
    let got = st.copies();
    let (aside, kept): (Vec<_>, Vec<_>) = got
        .iter()
        .partition(|c| kinds(c).contains(&FlagKind::DuplicateScan));
    assert_eq!(
        kept.iter().map(|c| positions(c)).collect::<Vec<_>>(),
        expected(&truth)
    );
    assert_eq!(aside.len(), 1);
    let scans: Vec<u32> = aside[0].pages.iter().map(|p| p.source.index).collect();
    let dup_scans: Vec<u32> = truth.duplicates.iter().map(|d| d.pdf_index).collect();
    assert!(
        scans.iter().all(|s| dup_scans.contains(s)),
        "{scans:?} vs {dup_scans:?}"
    );
    assert!(aside[0]
        .flags
        .iter()
        .any(|f| f.message.contains("twice.pdf")));
    assert_eq!(aside[0].status, CopyStatus::NeedsReview);
}

#[test]
fn two_sheets_of_one_copy_each_carry_a_header() {
    let mut st = Station::new();
    let copies = vec![CopySpec::plain(2), CopySpec::plain(1)];
    let (pdf, truth) = write(&st, "two.pdf", &spec(Mode::A3, JPEG, 150, copies));
    st.import(&[&pdf]).unwrap();
    let got = st.copies();
    // The generator's scribbled headers cannot be read, so nothing ties the two sheets:
    // each sheet with a header starts a copy, and the first copy's sheets come out as
    // two copies of four pages, in order (sheets are joined by reading names, tested
    // on the corpus and with QR labels).
    let truth_pages = &expected(&truth)[0];
    assert_eq!(got.len(), 3);
    assert_eq!(positions(&got[0]), truth_pages[..4].to_vec());
    let second: Vec<_> = truth_pages[4..]
        .iter()
        .map(|&(n, i, h, r)| (n - 4, i, h, r))
        .collect();
    assert_eq!(positions(&got[1]), second);
    assert_eq!(positions(&got[2]), expected(&truth)[1]);
}
