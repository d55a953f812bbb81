//! Settling the import's flags at the review desk: confirm, turn a page, drop a side
//! scanned twice; the copy becomes ready once nothing holds it back and its student is
//! known; every step is audited and a settled flag cannot be settled again.

use korrigo_core::model::{CopyStatus, Flag, FlagAction, FlagKind, Half};
use korrigo_core::store::{NewCopy, NewExam, NewPage, NewSourcePdf, NewStudent, Store, Writer};
use korrigo_core::ErrorCode;

fn flag(kind: FlagKind, page: Option<u32>) -> Flag {
    Flag {
        kind,
        page,
        message: format!("{kind:?}"),
        resolved: None,
    }
}

#[test]
fn a_flagged_copy_is_settled_page_by_page_and_then_ready() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as(dir.path(), Some("op")).unwrap();
    let exam = store
        .create_exam(&NewExam {
            name: "DS".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
        })
        .unwrap()
        .id;
    store
        .upsert_students(
            &exam,
            &[NewStudent {
                last_name: "MARTIN".into(),
                first_name: "Élodie".into(),
                birth_date: None,
                email: None,
                class: None,
                group: None,
            }],
        )
        .unwrap();
    let pages = (1..=5)
        .map(|n| NewPage {
            number: n,
            source: 0,
            source_index: n - 1,
            half: Half::Full,
            rotation: 0,
            fingerprint: None,
        })
        .collect();
    let mut copy = NewCopy::unidentified(CopyStatus::NeedsReview, pages);
    copy.flags = vec![
        flag(FlagKind::UpsideDown, Some(1)),
        flag(FlagKind::DuplicateScan, Some(3)),
        flag(FlagKind::PageCount, None),
        flag(FlagKind::BlankPage, Some(5)),
    ];
    let id = store
        .record_import(
            &exam,
            &[NewSourcePdf {
                sha256: "a".repeat(64),
                file_name: "scan.pdf".into(),
                pages: 5,
            }],
            &[copy],
        )
        .unwrap()
        .copy_ids
        .remove(0);
    let student = store.students(&exam).unwrap()[0].id.clone();
    store
        .identify_copy(&id, &Writer::Student(student), false)
        .unwrap();
    assert_eq!(store.copy(&id).unwrap().status, CopyStatus::NeedsReview);

    let refused = store.resolve_flag(&id, 2, FlagAction::Dropped).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Validation, "{}", refused.message);
    store.resolve_flag(&id, 0, FlagAction::Turned).unwrap();
    store.resolve_flag(&id, 1, FlagAction::Dropped).unwrap();
    let c = store.copy(&id).unwrap();
    assert_eq!(
        c.status,
        CopyStatus::NeedsReview,
        "the page count is still open"
    );
    let numbers: Vec<(u32, u32, u16)> = c
        .pages
        .iter()
        .map(|p| (p.number, p.source.index, p.source.rotation))
        .collect();
    assert_eq!(numbers, [(1, 0, 180), (2, 1, 0), (3, 3, 0), (4, 4, 0)]);
    assert_eq!(c.flags[3].page, Some(4), "later flags follow their page");

    store.resolve_flag(&id, 2, FlagAction::Confirmed).unwrap();
    let c = store.copy(&id).unwrap();
    assert_eq!(c.status, CopyStatus::Ready);
    assert!(c.flags.iter().all(|f| !f.is_open()));
    let settled = c.flags[1].resolved.as_ref().unwrap();
    assert_eq!(
        (settled.action, settled.by.as_str()),
        (FlagAction::Dropped, "op")
    );

    let again = store
        .resolve_flag(&id, 1, FlagAction::Confirmed)
        .unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict);
    let missing = store
        .resolve_flag(&id, 9, FlagAction::Confirmed)
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
    let audited: i64 = store
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM audit WHERE action = 'copy.resolve_flag'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 3);
}
