//! QR labels end to end: the label sheet is printed (rendered), labels are stuck on the
//! name headers of generated copies, the copies are scanned (skew, noise, a sheet fed
//! upside down, JPEG or bitonal CCITT with /Rotate 270) and imported: each copy is
//! identified exactly by its label, and two labelled sheets of one pupil are joined.

mod common;

use common::*;
use image::{imageops, GrayImage};
use korrigo_core::model::{CopyStatus, Half, IdentifiedBy, PageSource};
use korrigo_fixtures::{Encoding, Mode};
use korrigo_identify::labels::{label_origin_mm, LABEL_H_MM, LABEL_W_MM};
use korrigo_station::{labels, roster};

const CSV: &str = "Nom;Prénom;Né(e) le;Adresse E-mail\n\
                   MARTIN;Léa;01/02/2008;lea.martin@x.tn\n\
                   BEN SALAH;Rayan;03/04/2008;rayan.bensalah@x.tn\n\
                   N'DIAYE;Anaïs;05/06/2009;anais.ndiaye@x.tn\n";

fn labelled_class(encoding: Encoding, rotate270: bool) {
    let mut st = Station::new();
    let exam = st.exam.clone();
    let csv = st.path("class.csv");
    std::fs::write(&csv, CSV).unwrap();
    roster::import(&mut st.store, &exam, &csv, false).unwrap();
    let sheet = st.path("labels.pdf");
    assert_eq!(labels::write(&st.store, &exam, &sheet).unwrap(), 3);
    let dpi = 200;
    let page = PageSource {
        pdf: String::new(),
        index: 0,
        half: Half::Full,
        rotation: 0,
    };
    let printed = korrigo_ingest::render_page(&sheet, &page, dpi).unwrap();
    let printed = image::DynamicImage::ImageRgb8(printed).to_luma8();
    let px = |mm: f32| (mm / 25.4 * dpi as f32).round() as u32;
    let label = |i: usize| -> GrayImage {
        let (x, y) = label_origin_mm(i);
        imageops::crop_imm(&printed, px(x), px(y), px(LABEL_W_MM), px(LABEL_H_MM)).to_image()
    };
    // Copy k carries the label of roster student k (in the roster's order).
    let students = st.store.students(&exam).unwrap();
    let mut copies = plain(3);
    copies[1].sheets = 2;
    copies[2].upside_down = true;
    let mut spec = spec(Mode::A3, encoding, dpi, copies);
    spec.rotate270 = rotate270;
    let (_, truth) = korrigo_fixtures::plan(&spec);
    // Every sheet's first page (P1, P5) carries its pupil's label.
    let rectos: Vec<(u32, usize)> = truth
        .copies
        .iter()
        .enumerate()
        .flat_map(|(k, c)| {
            c.pages
                .iter()
                .filter(|p| p.number % 4 == 1)
                .map(move |p| (p.pdf_index, k))
        })
        .collect();
    let pdf = st.path("labelled.pdf");
    korrigo_fixtures::write_decorated_batch(&spec, &pdf, &|index, _, sheet| {
        if let Some(&(_, k)) = rectos.iter().find(|(s, _)| *s as usize == index) {
            // On P1 (the right half of an upright recto), over the name fields.
            let (x, y) = (sheet.width() / 2 + px(122.0), px(13.0));
            imageops::overlay(sheet, &label(k), x as i64, y as i64);
        }
    })
    .unwrap();
    st.import(&[&pdf]).unwrap();
    let got = st.copies();
    assert_eq!(got.len(), 3, "the two labelled sheets of copy 1 are joined");
    assert_eq!(
        got.iter().map(positions).collect::<Vec<_>>(),
        expected(&truth)
    );
    for (k, copy) in got.iter().enumerate() {
        assert_eq!(
            copy.identified_by,
            Some(IdentifiedBy::Qr),
            "copy {k}: {:?}",
            copy.flags
        );
        assert_eq!(
            copy.student.as_ref().unwrap().email,
            students[k].email,
            "copy {k}"
        );
        assert_eq!(copy.confidence, Some(1.0));
    }
    assert!(got
        .iter()
        .all(|c| c.status == CopyStatus::Ready || c.flags.iter().any(|f| f.kind.needs_review())));
    let audit = st.store.audit_of(&got[0].id).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "copy.identify" && a.detail["how"] == "qr"));
}

#[test]
fn labels_identify_jpeg_scans_exactly() {
    labelled_class(Encoding::Jpeg { quality: 80 }, false);
}

#[test]
fn labels_identify_bitonal_scans_stored_turned() {
    labelled_class(Encoding::CcittG4, true);
}
