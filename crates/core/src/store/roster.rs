//! The class roster of an exam. Re-importing a roster updates students in place (matched
//! by email, else by name and birth date), never duplicates them.

use super::outbox::Change;
use super::Store;
use crate::error::{Error, Result};
use crate::model::new_id;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewStudent {
    pub last_name: String,
    pub first_name: String,
    /// ISO `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    pub email: Option<String>,
    pub class: Option<String>,
    pub group: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Student {
    pub id: String,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: Option<String>,
    pub email: Option<String>,
    pub class: Option<String>,
    pub group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct RosterOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Student {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Student> {
        Ok(Student {
            id: r.get(0)?,
            last_name: r.get(1)?,
            first_name: r.get(2)?,
            birth_date: r.get(3)?,
            email: r.get(4)?,
            class: r.get(5)?,
            group: r.get(6)?,
        })
    }
}

impl Store {
    /// Adds or updates the students of an exam's roster, in one transaction.
    pub fn upsert_students(
        &mut self,
        exam_id: &str,
        students: &[NewStudent],
    ) -> Result<RosterOutcome> {
        self.exam(exam_id)?;
        let tx = self.conn.unchecked_transaction()?;
        let mut out = RosterOutcome {
            added: 0,
            updated: 0,
            unchanged: 0,
        };
        for s in students {
            if s.last_name.trim().is_empty() {
                return Err(Error::validation(format!(
                    "a student without a last name ({})",
                    s.first_name
                )));
            }
            let by_email = match &s.email {
                Some(email) => tx
                    .query_row(
                        "SELECT id FROM student WHERE exam_id = ?1 AND lower(email) = lower(?2)",
                        params![exam_id, email],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?,
                None => None,
            };
            let existing = match by_email {
                Some(id) => Some(id),
                None => tx
                    .query_row(
                        "SELECT id FROM student WHERE exam_id = ?1 AND last_name = ?2 AND first_name = ?3 \
                         AND birth_date IS ?4",
                        params![exam_id, s.last_name, s.first_name, s.birth_date],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?,
            };
            match existing {
                Some(id) => {
                    let changed = tx.execute(
                        "UPDATE student SET last_name = ?2, first_name = ?3, birth_date = ?4, email = ?5, class = ?6, \
                         group_name = ?7 WHERE id = ?1 AND (last_name, first_name, birth_date, email, class, group_name) \
                         IS NOT (?2, ?3, ?4, ?5, ?6, ?7)",
                        params![id, s.last_name, s.first_name, s.birth_date, s.email, s.class, s.group],
                    )?;
                    if changed > 0 {
                        out.updated += 1;
                    } else {
                        out.unchanged += 1;
                    }
                }
                None => {
                    tx.execute(
                        "INSERT INTO student (id, exam_id, last_name, first_name, birth_date, email, class, group_name) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![new_id().to_string(), exam_id, s.last_name, s.first_name, s.birth_date, s.email, s.class, s.group],
                    )?;
                    out.added += 1;
                }
            }
        }
        self.log_in(&tx, Change::new("roster.import", exam_id, json!(out)))?;
        tx.commit()?;
        Ok(out)
    }

    pub fn students(&self, exam_id: &str) -> Result<Vec<Student>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, last_name, first_name, birth_date, email, class, group_name FROM student \
             WHERE exam_id = ?1 ORDER BY last_name, first_name, id",
        )?;
        let rows = stmt.query_map([exam_id], Student::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
