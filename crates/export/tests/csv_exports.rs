//! The grades CSV and the PRONOTE CSV read back with a CSV parser: values, order,
//! encoding, separators, rounding, formula neutralising, refusals that name the copies,
//! and no file left behind by a refused export.

use korrigo_core::grading::{Bareme, Points};
use korrigo_core::model::{CopyStatus, Half};
use korrigo_core::store::{NewCopy, NewExam, NewPage, NewSourcePdf, NewStudent, Store, Writer};
use korrigo_core::ErrorCode;
use korrigo_export::{grades_csv, pronote, ExamSheet};

const BAREME: &str = r#"{"step": 0.25, "nodes": [
  {"id": "ex1", "label": "Exercice 1", "children": [
    {"id": "q1", "label": "1.", "max": 4},
    {"id": "q2", "label": "2.", "max": 3}]},
  {"id": "ex2", "label": "Exercice 2", "max": 8}]}"#;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
    exam: String,
    copies: Vec<String>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as(dir.path(), Some("admin")).unwrap();
    let exam = store
        .create_exam(&NewExam {
            name: "DS 5".into(),
            date: Some("2026-11-20".into()),
            subject: Some("Physique-Chimie".into()),
            pages_per_copy: 4,
        })
        .unwrap()
        .id;
    let pupils = [
        ("MARTIN", "Élodie", "2010-03-07"),
        ("=HYPERLINK(\"http://x\")", "Jean", "2010-12-31"),
        ("N'DIAYE", "Awa", "2011-01-15"),
    ];
    store
        .upsert_students(
            &exam,
            &pupils
                .iter()
                .map(|(l, f, d)| NewStudent {
                    last_name: l.to_string(),
                    first_name: f.to_string(),
                    birth_date: Some(d.to_string()),
                    email: None,
                    class: Some("1G2".into()),
                    group: None,
                })
                .collect::<Vec<_>>(),
        )
        .unwrap();
    let new: Vec<NewCopy> = (0..4u32)
        .map(|i| {
            NewCopy::unidentified(
                CopyStatus::NeedsReview,
                (1..=4)
                    .map(|n| NewPage {
                        number: n,
                        source: 0,
                        source_index: 2 * i + (n - 1) / 2,
                        half: Half::Left,
                        rotation: 0,
                        fingerprint: None,
                    })
                    .collect(),
            )
        })
        .collect();
    let copies = store
        .record_import(
            &exam,
            &[NewSourcePdf {
                sha256: "1".repeat(64),
                file_name: "ds5.pdf".into(),
                pages: 8,
            }],
            &new,
        )
        .unwrap()
        .copy_ids;
    let students = store.students(&exam).unwrap();
    for (i, name) in ["MARTIN", "=HYPERLINK(\"http://x\")", "N'DIAYE"]
        .iter()
        .enumerate()
    {
        let s = students.iter().find(|s| &s.last_name == name).unwrap();
        store
            .identify_copy(&copies[i], &Writer::Student(s.id.clone()), false)
            .unwrap();
    }
    store
        .set_bareme(&exam, Bareme::from_json(BAREME, "t").unwrap(), false)
        .unwrap();
    Fixture {
        _dir: dir,
        store,
        exam,
        copies,
    }
}

fn grade(f: &mut Fixture, copy: usize, marks: [f64; 3], appreciation: &str, finalize: bool) {
    let c = f.copies[copy].clone();
    let t = Some(
        f.store
            .take_lease(&c, time::Duration::hours(1))
            .unwrap()
            .token,
    );
    for (node, v) in ["q1", "q2", "ex2"].iter().zip(marks) {
        let p = Points::from_number(v, "t").unwrap();
        f.store.set_points(&c, t, node, Some(p)).unwrap();
    }
    f.store
        .set_appreciation(&c, t, Some(appreciation.into()))
        .unwrap();
    if finalize {
        f.store.finalize(&c, t).unwrap();
    }
}

#[test]
fn grades_csv_has_a_column_per_question_and_derived_totals() {
    let mut f = fixture();
    grade(&mut f, 0, [3.5, 2.0, 7.75], "Très bien", true);
    grade(&mut f, 1, [1.0, 0.0, 0.25], "=1+1", false);
    let sheet = ExamSheet::read(&f.store, &f.exam).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.csv");
    assert_eq!(grades_csv::write(&sheet, &path).unwrap(), 4);
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "copie",
            "statut",
            "nom",
            "prenom",
            "email",
            "Exercice 1 > 1.",
            "Exercice 1 > 2.",
            "Exercice 2",
            "total /15",
            "total /20"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(&rows[0][2], "MARTIN");
    assert_eq!(&rows[0][3], "Élodie");
    assert_eq!(&rows[0][1], "graded");
    assert_eq!(
        rows[0].iter().skip(5).collect::<Vec<_>>(),
        ["3.5", "2", "7.75", "13.25", "17.67"]
    );
    assert_eq!(&rows[1][2], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&rows[1][8], "1.25");
    // The fourth copy has no student and no score: empty cells, not zeros.
    assert_eq!(&rows[3][2], "");
    assert_eq!(&rows[3][5], "");
    assert_eq!(&rows[3][8], "0");
}

#[test]
fn pronote_csv_follows_the_import_format() {
    let mut f = fixture();
    grade(&mut f, 0, [3.5, 2.0, 7.75], "Très bien,\nen progrès", true);
    grade(&mut f, 1, [1.0, 0.0, 0.25], "=1+1", true);
    grade(&mut f, 2, [4.0, 3.0, 8.0], "Parfait", false);
    let sheet = ExamSheet::read(&f.store, &f.exam).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pronote.csv");
    pronote::write(&sheet, 0.5, &path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.contains("\r\n"));
    assert_eq!(
        text.matches("\r\n").count(),
        text.matches('\n').count(),
        "CRLF only"
    );
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "NOM",
            "PRENOM",
            "DATE_NAISSANCE",
            "MATIERE",
            "NOTE",
            "COEFF",
            "COMMENTAIRE"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    // Only the two graded copies.
    assert_eq!(rows.len(), 2);
    // 13.25/15 -> 17.666… -> 17,67 ; 1.25/15 -> 1.666… -> 1,67
    assert_eq!(
        rows[0].iter().collect::<Vec<_>>(),
        [
            "MARTIN",
            "Élodie",
            "07/03/2010",
            "Physique-Chimie",
            "17,67",
            "0,5",
            "Très bien, en progrès"
        ]
    );
    assert_eq!(&rows[1][0], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&rows[1][4], "1,67");
    assert_eq!(&rows[1][6], "'=1+1");
    // An unwritable destination is named, and nothing is left behind.
    let err = pronote::write(&sheet, 1.0, &dir.path().join("missing/p.csv")).unwrap_err();
    assert!(err.message.contains("missing/p.csv"), "{}", err.message);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn pronote_refuses_graded_copies_without_a_student_and_writes_nothing() {
    let mut f = fixture();
    // Copy #4 has no student; grade and finalize it.
    let c = f.copies[3].clone();
    f.store.identify_copy(&c, &Writer::Unknown, false).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pronote.csv");
    // It cannot even be leased while its writer is unknown (needs review)...
    assert!(f.store.take_lease(&c, time::Duration::hours(1)).is_err());
    // ...but a graded copy loses its student when the student leaves the roster
    // (`ON DELETE SET NULL`): the copy keeps its grade and has no name any more.
    grade(&mut f, 0, [1.0, 1.0, 1.0], "", true);
    f.store
        .connection()
        .execute("DELETE FROM student WHERE last_name = 'MARTIN'", [])
        .unwrap();
    let sheet = ExamSheet::read(&f.store, &f.exam).unwrap();
    let err = pronote::write(&sheet, 1.0, &path).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation);
    assert!(err.message.contains("#1"), "{}", err.message);
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "no file left"
    );
}
