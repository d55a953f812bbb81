//! A station with an exam of ready copies (4 pages each) and a barème, without scans:
//! grading needs the copies' rows, not their pixels.

#![allow(dead_code)]

use korrigo_core::grading::Bareme;
use korrigo_core::model::{CopyStatus, Half};
use korrigo_core::store::{NewCopy, NewExam, NewPage, NewSourcePdf, Store};
use tempfile::TempDir;

pub const BAREME: &str = r#"{
  "step": 0.5,
  "nodes": [
    {"id": "ex1", "label": "Exercice 1", "children": [
      {"id": "q1", "label": "1.", "max": 2},
      {"id": "q2", "label": "2.", "children": [
        {"id": "q2a", "label": "a)", "max": 1.5},
        {"id": "q2b", "label": "b)", "max": 1, "step": 0.25, "stamps": "from_max"}
      ]}
    ]},
    {"id": "ex2", "label": "Exercice 2", "max": 5.5}
  ]
}"#;

pub struct Station {
    pub dir: TempDir,
    pub store: Store,
    pub exam: String,
    pub copies: Vec<String>,
}

pub fn station(copies: usize) -> Station {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_as(dir.path(), Some("admin")).unwrap();
    let exam = store
        .create_exam(&NewExam {
            name: "Contrôle de maths".into(),
            date: Some("2026-11-20".into()),
            subject: Some("Mathématiques".into()),
            pages_per_copy: 4,
        })
        .unwrap()
        .id;
    let new: Vec<NewCopy> = (0..copies)
        .map(|i| {
            NewCopy::unidentified(
                CopyStatus::Ready,
                (1..=4)
                    .map(|n| NewPage {
                        number: n,
                        source: 0,
                        source_index: (i * 2 + (n as usize - 1) / 2) as u32,
                        half: if n % 2 == 1 { Half::Right } else { Half::Left },
                        rotation: 0,
                        fingerprint: None,
                    })
                    .collect(),
            )
        })
        .collect();
    let recorded = store
        .record_import(
            &exam,
            &[NewSourcePdf {
                sha256: "0".repeat(64),
                file_name: "scan.pdf".into(),
                pages: (copies * 2).max(1) as u32,
            }],
            &new,
        )
        .unwrap();
    store
        .set_bareme(&exam, Bareme::from_json(BAREME, "test").unwrap(), false)
        .unwrap();
    Station {
        dir,
        store,
        exam,
        copies: recorded.copy_ids,
    }
}

impl Station {
    /// Acts as another user of the same station.
    pub fn as_user(&mut self, user: &str) {
        self.store.set_actor(user);
    }

    pub fn reopen_store(&mut self) {
        let actor = self.store.actor().to_string();
        self.store = Store::open_as(self.dir.path(), Some(&actor)).unwrap();
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.store
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    }
}

pub fn pts(v: f64) -> korrigo_core::grading::Points {
    korrigo_core::grading::Points::from_number(v, "test").unwrap()
}
