//! The window's main path without a window: create an exam, import its roster and a
//! scanned batch as a job with progress, settle the review desk, set a barème, grade a
//! copy under its lease with annotations, undo and redo, finalize, show pages, export.

use korrigo_app::{Events, JobEvent, JobKind, JobState, Station};
use korrigo_core::grading::annotation::{Pt, StrokePt};
use korrigo_core::grading::{Bareme, NewAnnotation, Points, Shape};
use korrigo_core::model::CopyStatus;
use korrigo_core::store::NewExam;
use korrigo_core::ErrorCode;
use korrigo_export::pdf::PdfOptions;
use korrigo_fixtures::{write_batch, BatchSpec, CopySpec, Encoding, Mode};
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Recorded(Mutex<Vec<JobEvent>>);

impl Events for Recorded {
    fn job(&self, e: &JobEvent) {
        self.0.lock().unwrap().push(e.clone());
    }
}

fn batch(dir: &std::path::Path, copies: usize) -> std::path::PathBuf {
    let pdf = dir.join(format!("batch-{copies}.pdf"));
    write_batch(
        &BatchSpec {
            seed: 9,
            dpi: 100,
            mode: Mode::A3,
            encoding: Encoding::Jpeg { quality: 75 },
            rotate270: true,
            copies: (0..copies).map(|_| CopySpec::plain(1)).collect(),
        },
        &pdf,
    )
    .unwrap();
    pdf
}

#[test]
fn the_main_path_of_the_window_works_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let events = Arc::new(Recorded::default());
    let station = Station::open(&dir.path().join("data"), Some("prof"), events.clone()).unwrap();
    assert_eq!(station.session().unwrap().user, "prof");
    let exam = station
        .create_exam(&NewExam {
            name: "DS 8".into(),
            date: Some("2026-12-03".into()),
            subject: None,
            pages_per_copy: 4,
        })
        .unwrap();
    assert_eq!(station.exams().unwrap().len(), 1);

    let roster = dir.path().join("classe.csv");
    std::fs::write(
        &roster,
        "Nom;Prénom;Né(e) le\nMARTIN;Élodie;07/03/2010\nDURAND;Yanis;12/12/2010\nLEBLANC;Jean;31/02/2010\n",
    )
    .unwrap();
    let refused = station.import_roster(&exam.id, &roster, false).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Validation);
    assert!(refused.message.contains("line 4"), "{}", refused.message);
    let kept = station.import_roster(&exam.id, &roster, true).unwrap();
    assert_eq!((kept.added, kept.rejected.len()), (2, 1));

    let job = station
        .start_import(&exam.id, vec![batch(dir.path(), 2)], false)
        .unwrap();
    let end = station.wait_job(job).unwrap();
    assert_eq!(end.state, JobState::Done, "{end:?}");
    assert_eq!(end.kind, JobKind::Import);
    assert_eq!(end.result.as_ref().unwrap()["copies"], 2);
    let seen = events.0.lock().unwrap().clone();
    assert!(seen
        .iter()
        .any(|e| e.job == job && e.state == JobState::Running && e.total > 0));

    // Generated handwriting names nobody on the roster: both copies wait for review.
    let queue = station.review_queue(&exam.id).unwrap();
    assert_eq!(queue.len(), 2);
    let overview = station.exam_overview(&exam.id).unwrap();
    let (martin, durand) = (&overview.students[1], &overview.students[0]);
    assert_eq!(martin.last_name, "MARTIN");
    let first = station
        .identify(&queue[0].copy.id, Some(&martin.id), false)
        .unwrap();
    assert_eq!(first.status, CopyStatus::Ready);
    let taken = station
        .identify(&queue[1].copy.id, Some(&martin.id), false)
        .unwrap_err();
    assert_eq!(taken.code, ErrorCode::Conflict, "{}", taken.message);
    station
        .identify(&queue[1].copy.id, Some(&durand.id), false)
        .unwrap();

    let bareme: Bareme = serde_json::from_str(
        r#"{"step": 0.5, "nodes": [{"id": "q1", "label": "1.", "max": 4}, {"id": "q2", "label": "2.", "max": 6}]}"#,
    )
    .unwrap();
    station.set_bareme(&exam.id, bareme, false).unwrap();

    let copy = first.id.clone();
    let view = station.take_lease(&copy).unwrap();
    let token = view.lease.unwrap().token;
    let pen = NewAnnotation {
        page: 1,
        shape: Shape::Pen {
            points: vec![
                StrokePt {
                    x: 0.2,
                    y: 0.5,
                    p: 0.4,
                },
                StrokePt {
                    x: 0.4,
                    y: 0.52,
                    p: 0.8,
                },
            ],
        },
        style: None,
        z: None,
    };
    let view = station.add_annotation(&copy, token, pen).unwrap();
    assert_eq!(view.annotations.len(), 1);
    assert!(view.undo.can_undo);
    let view = station
        .set_points(&copy, token, "q1", Some(Points::from_quarters(12)))
        .unwrap();
    assert_eq!(
        view.grade.as_ref().unwrap().total,
        Points::from_quarters(12)
    );
    let view = station.undo(&copy, token).unwrap();
    assert_eq!(view.grade.as_ref().unwrap().total, Points::ZERO);
    assert!(view.undo.can_redo);
    let view = station.redo(&copy, token).unwrap();
    assert_eq!(
        view.grade.as_ref().unwrap().total,
        Points::from_quarters(12)
    );
    let stamp = NewAnnotation {
        page: 2,
        shape: Shape::Score {
            at: Pt { x: 0.8, y: 0.3 },
            node: "q2".into(),
            delta: Points::from_quarters(-4),
        },
        style: None,
        z: None,
    };
    station.add_annotation(&copy, token, stamp).unwrap();
    let stale = station
        .set_points(&copy, token - 1, "q2", Some(Points::from_quarters(8)))
        .unwrap_err();
    assert_eq!(stale.code, ErrorCode::LeaseLost);
    let missing = station.finalize(&copy, token);
    assert!(missing.is_ok(), "q2 counts its stamp from 0: {missing:?}");
    let done = station.grading_view(&copy).unwrap();
    assert_eq!(done.copy.status, CopyStatus::Graded);

    // Pages come back as JPEG, the second time from the cache.
    let page = station.page_image(&copy, 1, 800).unwrap();
    assert_eq!(&page[..2], &[0xFF, 0xD8]);
    let again = station.page_image(&copy, 1, 790).unwrap();
    assert!(Arc::ptr_eq(&page, &again));
    assert_eq!(
        station.page_image(&copy, 9, 800).unwrap_err().code,
        ErrorCode::NotFound
    );

    let csv = dir.path().join("notes.csv");
    assert_eq!(station.export_csv(&exam.id, &csv).unwrap(), 2);
    let out = dir.path().join("pdf");
    let job = station
        .start_export_pdf(&exam.id, out.clone(), None, PdfOptions::default())
        .unwrap();
    let end = station.wait_job(job).unwrap();
    assert_eq!(end.state, JobState::Done, "{end:?}");
    assert!(out.join("MARTIN_Élodie.pdf").exists());
}

#[test]
fn a_cancelled_import_stores_nothing_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let events = Arc::new(Recorded::default());
    let station = Station::open(&dir.path().join("data"), Some("op"), events).unwrap();
    let exam = station
        .create_exam(&NewExam {
            name: "DS 9".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
        })
        .unwrap();
    let job = station
        .start_import(&exam.id, vec![batch(dir.path(), 6)], false)
        .unwrap();
    station.cancel_job(job).unwrap();
    let end = station.wait_job(job).unwrap();
    assert_eq!(end.state, JobState::Cancelled, "{end:?}");
    assert!(station.copies(&exam.id).unwrap().is_empty());
}

#[test]
fn an_anonymous_exam_hides_who_wrote_each_copy_from_teachers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let admin = Station::open(&data, Some("admin"), Arc::new(Recorded::default())).unwrap();
    let exam = admin
        .create_exam(&NewExam {
            name: "DS 10".into(),
            date: None,
            subject: None,
            pages_per_copy: 4,
        })
        .unwrap();
    let roster = dir.path().join("classe.csv");
    std::fs::write(&roster, "Nom;Prénom\nMARTIN;Élodie\nDURAND;Yanis\n").unwrap();
    admin.import_roster(&exam.id, &roster, false).unwrap();
    let job = admin
        .start_import(&exam.id, vec![batch(dir.path(), 1)], false)
        .unwrap();
    assert_eq!(admin.wait_job(job).unwrap().state, JobState::Done);
    let copy = admin.copies(&exam.id).unwrap().remove(0);
    let martin = admin.exam_overview(&exam.id).unwrap().students[1].clone();
    admin.identify(&copy.id, Some(&martin.id), false).unwrap();

    let teacher = Station::open(&data, Some("ens"), Arc::new(Recorded::default())).unwrap();
    let refused = teacher.set_exam_anonymous(&exam.id, true).unwrap_err();
    assert_eq!(refused.code, ErrorCode::Unauthorized);
    let named = teacher.page_image(&copy.id, 1, 800).unwrap();
    admin.set_exam_anonymous(&exam.id, true).unwrap();

    let seen = teacher.copies(&exam.id).unwrap().remove(0);
    assert!(seen.student.is_none() && seen.identity_hidden, "{seen:?}");
    assert!(teacher
        .grading_view(&copy.id)
        .unwrap()
        .copy
        .student
        .is_none());
    assert!(teacher.exam_overview(&exam.id).unwrap().copies[0]
        .student
        .is_none());
    for refused in [
        teacher.review_queue(&exam.id).map(|_| ()),
        teacher.header_crop(&copy.id).map(|_| ()),
        teacher
            .export_csv(&exam.id, &dir.path().join("n.csv"))
            .map(|_| ()),
        teacher.identify(&copy.id, None, false).map(|_| ()),
    ] {
        assert_eq!(refused.unwrap_err().code, ErrorCode::Unauthorized);
    }
    // The name header is painted over in the teacher's page 1, not in the admin's.
    let hidden = teacher.page_image(&copy.id, 1, 800).unwrap();
    assert_ne!(named, hidden);
    let grey_top = |jpeg: &[u8]| {
        let img = image::load_from_memory(jpeg).unwrap().to_luma8();
        let (w, h) = img.dimensions();
        let dark = (h / 20..h / 8)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y)[0] < 120)
            .count();
        dark < 20
    };
    assert!(grey_top(&hidden));
    assert!(!grey_top(&admin.page_image(&copy.id, 1, 800).unwrap()));
    assert_eq!(
        admin.copies(&exam.id).unwrap()[0]
            .student
            .as_ref()
            .unwrap()
            .last_name,
        "MARTIN"
    );
}
