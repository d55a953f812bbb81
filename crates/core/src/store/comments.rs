//! The comment bank: snippets a teacher reuses, personal (theirs, in every exam) or
//! exam-wide (shared by the exam's correctors), optionally carrying points. Placing one
//! on a page writes a text annotation (and a score stamp for its points) in one change
//! and counts the use.

use super::outbox::Change;
use super::{now, Role, Store};
use crate::error::{Error, Result};
use crate::grading::annotation::{Pt, Shape};
use crate::grading::history::Edit;
use crate::grading::Points;
use crate::model::new_id;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "scope", content = "exam_id")]
#[ts(export)]
pub enum CommentScope {
    Personal,
    Exam(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewComment {
    pub scope: CommentScope,
    pub text: String,
    #[serde(default)]
    pub node_id: Option<String>,
    #[serde(default)]
    pub points: Option<Points>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Comment {
    pub id: String,
    pub exam_id: Option<String>,
    pub owner: Option<String>,
    pub text: String,
    pub node_id: Option<String>,
    pub points: Option<Points>,
    pub uses: i64,
}

const SELECT: &str = "SELECT id, exam_id, owner, text, node_id, quarters, uses FROM comment";

fn read(r: &Row<'_>) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: r.get(0)?,
        exam_id: r.get(1)?,
        owner: r.get(2)?,
        text: r.get(3)?,
        node_id: r.get(4)?,
        points: r.get::<_, Option<i64>>(5)?.map(Points::from_quarters),
        uses: r.get(6)?,
    })
}

/// Where on the page a comment goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Placement {
    pub page: u32,
    pub at: Pt,
    /// The leaf its points go to, when the comment does not name one.
    #[serde(default)]
    pub node_id: Option<String>,
}

impl Store {
    pub fn add_comment(&mut self, new: NewComment) -> Result<Comment> {
        self.require(&[Role::Admin, Role::Teacher], "write comments")?;
        let text = new.text.trim();
        if text.is_empty() || text.chars().count() > 1_000 {
            return Err(Error::validation("a comment holds 1 to 1,000 characters"));
        }
        if new.points == Some(Points::ZERO) {
            return Err(Error::validation(
                "a comment's points cannot be 0: leave them out",
            ));
        }
        let (exam_id, owner) = match &new.scope {
            CommentScope::Personal => (None, Some(self.actor.clone())),
            CommentScope::Exam(e) => {
                let b = self.bareme(e)?;
                if let (Some(node), Some(b)) = (&new.node_id, &b) {
                    if b.leaf(node).is_none() {
                        return Err(Error::validation(format!(
                            "'{node}' is not a question of the barème of exam {e}"
                        )));
                    }
                }
                (Some(e.clone()), None)
            }
        };
        let c = Comment {
            id: new_id().to_string(),
            exam_id,
            owner,
            text: text.to_string(),
            node_id: new.node_id.clone(),
            points: new.points,
            uses: 0,
        };
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO comment (id, exam_id, owner, text, node_id, quarters, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![c.id, c.exam_id, c.owner, c.text, c.node_id, c.points.map(Points::quarters), now()],
        )?;
        self.log_in(
            &tx,
            Change {
                name: "comment.add",
                target: &c.id,
                args: json!(c),
                base_version: None,
                lease_token: None,
            },
        )?;
        tx.commit()?;
        Ok(c)
    }

    /// The acting user's personal comments and the exam's shared ones, most used first.
    pub fn comments(&self, exam_id: &str) -> Result<Vec<Comment>> {
        self.exam(exam_id)?;
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT} WHERE deleted = 0 AND (exam_id = ?1 OR owner = ?2) ORDER BY uses DESC, text"
        ))?;
        let rows = stmt.query_map(params![exam_id, self.actor], read)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn comment(&self, id: &str) -> Result<Comment> {
        self.conn
            .query_row(
                &format!("{SELECT} WHERE id = ?1 AND deleted = 0"),
                [id],
                read,
            )
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no comment with id {id}")))
    }

    pub fn delete_comment(&mut self, id: &str) -> Result<()> {
        let c = self.comment(id)?;
        if c.owner.as_deref().is_some_and(|o| o != self.actor) {
            return Err(Error::new(
                crate::error::ErrorCode::Unauthorized,
                format!("comment {id} belongs to {}", c.owner.unwrap_or_default()),
            ));
        }
        self.require(&[Role::Admin, Role::Teacher], "delete comments")?;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("UPDATE comment SET deleted = 1 WHERE id = ?1", [id])?;
        self.log_in(
            &tx,
            Change {
                name: "comment.delete",
                target: id,
                args: json!({ "id": id }),
                base_version: None,
                lease_token: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Places a comment on a page of the copy: its text, and its points as a score stamp
    /// beside it; counts the use. One change, undone as one.
    pub fn apply_comment(
        &mut self,
        copy_id: &str,
        token: Option<i64>,
        comment_id: &str,
        place: &Placement,
    ) -> Result<Edit> {
        let c = self.comment(comment_id)?;
        let tx = self.conn.unchecked_transaction()?;
        self.check_lease_in(&tx, copy_id, token)?;
        let text = Shape::Text {
            at: place.at,
            text: c.text.clone(),
            size: 0.018,
        };
        let style = text.default_style();
        let mut edits =
            vec![self.add_annotation_in(&tx, copy_id, token, place.page, text, style, None)?];
        if let Some(delta) = c.points {
            let node = place.node_id.clone().or(c.node_id.clone()).ok_or_else(|| {
                Error::validation("this comment carries points: say which question they go to")
            })?;
            let stamp = Shape::Score {
                at: Pt {
                    x: (place.at.x - 0.06).max(0.0),
                    y: place.at.y,
                },
                node,
                delta,
            };
            let style = stamp.default_style();
            edits
                .push(self.add_annotation_in(&tx, copy_id, token, place.page, stamp, style, None)?);
        }
        tx.execute(
            "UPDATE comment SET uses = uses + 1 WHERE id = ?1",
            [comment_id],
        )?;
        tx.commit()?;
        Ok(Edit::Group { edits })
    }
}
