//! The review desk and the roster: setting writers by hand, audited, one copy per
//! student unless forced; rosters re-imported without duplicates.

mod common;

use common::*;
use korrigo_core::model::{CopyStatus, IdentifiedBy};
use korrigo_core::ErrorCode;
use korrigo_fixtures::{Encoding, Mode};
use korrigo_station::{review, roster};

const CSV: &str = "Élèves;Né(e) le;Adresse E-mail;Classe\n\
                   BEN AMOR Mariem;15/06/2009;mariem.benamor@x.tn;T.01\n\
                   DE LA FONTAINE Jean-Baptiste;02/03/2008;jb.dlf@x.tn;T.01\n";

#[test]
fn copies_are_identified_by_hand_and_audited() {
    let mut st = Station::new();
    let csv = st.path("class.csv");
    std::fs::write(&csv, CSV).unwrap();
    roster::import(&mut st.store, &st.exam.clone(), &csv, false).unwrap();
    let (pdf, _) = write(
        &st,
        "b.pdf",
        &spec(Mode::A3, Encoding::Jpeg { quality: 80 }, 100, plain(3)),
    );
    st.import(&[&pdf]).unwrap();

    let waiting = review::list(&st.store, &st.exam).unwrap();
    assert_eq!(waiting.len(), 3, "scribbled headers match nobody");
    assert!(waiting
        .iter()
        .all(|w| w.header_crop_path.as_ref().is_some_and(|p| p.exists())));

    let (a, b, c) = (
        waiting[0].copy.id.clone(),
        waiting[1].copy.id.clone(),
        waiting[2].copy.id.clone(),
    );
    let done = review::identify(&mut st.store, &a, Some("MARIEM.BENAMOR@x.tn"), false).unwrap();
    assert_eq!(done.status, CopyStatus::Ready);
    assert_eq!(done.identified_by, Some(IdentifiedBy::Manual));
    assert_eq!(done.student.as_ref().unwrap().last_name, "BEN AMOR");

    let err = review::identify(&mut st.store, &b, Some("mariem.benamor@x.tn"), false).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert!(err.message.contains(&a), "{}", err.message);
    review::identify(&mut st.store, &b, Some("mariem.benamor@x.tn"), true).unwrap();
    let audit = st.store.audit_of(&b).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.action, "copy.identify");
    assert_eq!(last.detail["forced"], true);
    assert_eq!(last.detail["how"], "manual");

    let unknown = review::identify(&mut st.store, &c, None, false).unwrap();
    assert!(unknown.unknown_writer && unknown.student.is_none());
    assert_eq!(unknown.status, CopyStatus::NeedsReview);

    let err = review::identify(&mut st.store, &c, Some("nobody@x.tn"), false).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(review::list(&st.store, &st.exam).unwrap().len(), 1);
}

#[test]
fn a_roster_imported_again_updates_students_without_duplicates() {
    let mut st = Station::new();
    let exam = st.exam.clone();
    let csv = st.path("class.csv");
    std::fs::write(&csv, CSV).unwrap();
    let first = roster::import(&mut st.store, &exam, &csv, false).unwrap();
    assert_eq!((first.added, first.updated), (2, 0));
    let students = st.store.students(&exam).unwrap();
    let jb = students
        .iter()
        .find(|s| s.first_name == "Jean-Baptiste")
        .unwrap();
    assert_eq!(jb.last_name, "DE LA FONTAINE");

    std::fs::write(
        &csv,
        CSV.replace("T.01\n", "T.02\n")
            .replace("02/03/2008", "02/03/2007"),
    )
    .unwrap();
    let again = roster::import(&mut st.store, &exam, &csv, false).unwrap();
    assert_eq!((again.added, again.updated), (0, 2));
    assert_eq!(st.store.students(&exam).unwrap().len(), 2);
}

#[test]
fn bad_rows_refuse_the_file_unless_accepted() {
    let mut st = Station::new();
    let exam = st.exam.clone();
    let csv = st.path("class.csv");
    std::fs::write(
        &csv,
        format!("{CSV}MARTIN;01/01/2008;m@x.tn;T.01\nDUPONT Léa;31/02/2008;l@x.tn;T.01\n"),
    )
    .unwrap();
    let err = roster::import(&mut st.store, &exam, &csv, false).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(
        err.message.contains("line 4") && err.message.contains("line 5"),
        "{}",
        err.message
    );
    assert!(st.store.students(&exam).unwrap().is_empty());
    let partial = roster::import(&mut st.store, &exam, &csv, true).unwrap();
    assert_eq!(partial.added, 2);
    assert_eq!(partial.rejected.len(), 2);
}

#[test]
fn sheets_left_apart_are_joined_at_the_review_desk() {
    let mut st = Station::new();
    let (pdf, truth) = write(
        &st,
        "two.pdf",
        &spec(
            Mode::A3,
            Encoding::Jpeg { quality: 80 },
            100,
            vec![korrigo_fixtures::CopySpec::plain(2)],
        ),
    );
    st.import(&[&pdf]).unwrap();
    let got = st.copies();
    assert_eq!(got.len(), 2, "scribbled headers cannot be tied");
    let joined = review::join(&mut st.store, &got[0].id, &got[1].id).unwrap();
    assert_eq!(positions(&joined), expected(&truth)[0]);
    assert_eq!(st.copies().len(), 1);
    let audit = st.store.audit_of(&got[0].id).unwrap();
    assert_eq!(audit.last().unwrap().action, "copy.join");
    assert_eq!(
        review::join(&mut st.store, &got[0].id, &got[1].id)
            .unwrap_err()
            .code,
        ErrorCode::NotFound
    );
    assert_eq!(
        review::join(&mut st.store, &got[0].id, &got[0].id)
            .unwrap_err()
            .code,
        ErrorCode::Validation
    );
}
