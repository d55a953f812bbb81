//! Exams: a name, a date, how many A4 pages a copy is expected to have.

use super::outbox::Change;
use super::{now, Role, Store};
use crate::error::{Error, Result};
use crate::model::new_id;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewExam {
    pub name: String,
    /// ISO `YYYY-MM-DD`, or French `DD/MM/YYYY`.
    pub date: Option<String>,
    pub subject: Option<String>,
    pub pages_per_copy: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Exam {
    pub id: String,
    pub name: String,
    pub date: Option<String>,
    pub subject: Option<String>,
    pub pages_per_copy: u32,
    pub created_at: String,
    /// Graded anonymously: teachers see a code instead of the student.
    pub anonymous: bool,
}

impl Exam {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Exam> {
        Ok(Exam {
            id: r.get(0)?,
            name: r.get(1)?,
            date: r.get(2)?,
            subject: r.get(3)?,
            pages_per_copy: r.get(4)?,
            created_at: r.get(5)?,
            anonymous: r.get(6)?,
        })
    }
}

const EXAM_COLUMNS: &str = "id, name, date, subject, pages_per_copy, created_at, anonymous";

impl Store {
    pub fn create_exam(&mut self, new: &NewExam) -> Result<Exam> {
        let name = new.name.trim();
        if name.is_empty() {
            return Err(Error::validation("an exam needs a name"));
        }
        if new.pages_per_copy == 0
            || !new.pages_per_copy.is_multiple_of(4)
            || new.pages_per_copy > 400
        {
            return Err(Error::validation(format!(
                "pages per copy must be a multiple of 4 between 4 and 400 (a copie double has 4 pages), not {}",
                new.pages_per_copy
            )));
        }
        let date = new.date.as_deref().map(parse_date).transpose()?;
        let exam = Exam {
            id: new_id().to_string(),
            name: name.to_string(),
            date,
            subject: new
                .subject
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
            pages_per_copy: new.pages_per_copy,
            created_at: now(),
            anonymous: false,
        };
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO exam (id, name, date, subject, pages_per_copy, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![exam.id, exam.name, exam.date, exam.subject, exam.pages_per_copy, exam.created_at],
        )?;
        self.log_in(&tx, Change::new("exam.create", &exam.id, json!(exam)))?;
        tx.commit()?;
        Ok(exam)
    }

    /// Sets whether an exam is graded anonymously (admins only; audited).
    pub fn set_exam_anonymous(&mut self, exam_id: &str, anonymous: bool) -> Result<Exam> {
        self.require(&[Role::Admin], "change how an exam is graded")?;
        self.exam(exam_id)?;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "UPDATE exam SET anonymous = ?2 WHERE id = ?1",
            params![exam_id, anonymous],
        )?;
        self.log_in(
            &tx,
            Change::new("exam.anonymous", exam_id, json!({ "anonymous": anonymous })),
        )?;
        tx.commit()?;
        self.exam(exam_id)
    }

    pub fn exam(&self, id: &str) -> Result<Exam> {
        self.conn
            .query_row(
                &format!("SELECT {EXAM_COLUMNS} FROM exam WHERE id = ?1"),
                [id],
                Exam::from_row,
            )
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no exam with id {id} on this station")))
    }

    pub fn exams(&self) -> Result<Vec<Exam>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT {EXAM_COLUMNS} FROM exam ORDER BY id"))?;
        let rows = stmt.query_map([], Exam::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Accepts `YYYY-MM-DD` or `DD/MM/YYYY` and returns the ISO form.
pub fn parse_date(s: &str) -> Result<String> {
    let s = s.trim();
    let iso = time::macros::format_description!("[year]-[month]-[day]");
    let fr = time::macros::format_description!("[day]/[month]/[year]");
    time::Date::parse(s, &iso)
        .or_else(|_| time::Date::parse(s, &fr))
        .map(|d| d.format(&iso).expect("ISO date formatting"))
        .map_err(|_| {
            Error::validation(format!(
                "'{s}' is not a date (expected YYYY-MM-DD or DD/MM/YYYY)"
            ))
        })
}
