//! Annotations on a copy's pages, written under its lease. Updates and deletes name the
//! version they saw (`conflict` if it moved on); a delete leaves a tombstone so that the
//! deletion syncs and can be undone. Score stamps keep their leaf and points in columns
//! for the totals.

use super::outbox::Change;
use super::{now, Store};
use crate::error::{Error, Result};
use crate::grading::annotation::{self, Annotation, AnnotationPatch, NewAnnotation, Shape, Style};
use crate::grading::history::Edit;
use crate::grading::Points;
use crate::model::new_id;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::json;

const SELECT: &str =
    "SELECT a.id, a.copy_id, a.page_id, p.number, a.shape_json, a.style_json, a.z, a.version, \
     a.deleted, a.created_by, a.updated_at FROM annotation a JOIN page p ON p.id = a.page_id";

struct Raw {
    id: String,
    copy_id: String,
    page_id: String,
    page: u32,
    shape: String,
    style: String,
    z: i64,
    version: i64,
    deleted: bool,
    created_by: String,
    updated_at: String,
}

fn read(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        id: r.get(0)?,
        copy_id: r.get(1)?,
        page_id: r.get(2)?,
        page: r.get(3)?,
        shape: r.get(4)?,
        style: r.get(5)?,
        z: r.get(6)?,
        version: r.get(7)?,
        deleted: r.get(8)?,
        created_by: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

fn decode(r: Raw) -> Result<Annotation> {
    Ok(Annotation {
        id: r.id,
        copy_id: r.copy_id,
        page_id: r.page_id,
        page: r.page,
        shape: serde_json::from_str(&r.shape)?,
        style: serde_json::from_str(&r.style)?,
        z: r.z,
        version: r.version,
        deleted: r.deleted,
        created_by: r.created_by,
        updated_at: r.updated_at,
    })
}

impl Store {
    pub(crate) fn annotation_in(&self, conn: &Connection, id: &str) -> Result<Option<Annotation>> {
        conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], read)
            .optional()?
            .map(decode)
            .transpose()
    }

    /// Every annotation of a copy in drawing order (page, then z), tombstones if asked.
    pub fn annotations(&self, copy_id: &str, include_deleted: bool) -> Result<Vec<Annotation>> {
        self.copy_status_in(&self.conn, copy_id)?;
        let mut stmt = self.conn.prepare(&format!(
            "{SELECT} WHERE a.copy_id = ?1 AND (?2 OR a.deleted = 0) ORDER BY p.number, a.z, a.id"
        ))?;
        let rows = stmt.query_map(params![copy_id, include_deleted], read)?;
        rows.map(|r| decode(r?)).collect()
    }

    fn check_shape_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        shape: &Shape,
        style: &Style,
    ) -> Result<()> {
        let bareme = match shape {
            Shape::Score { .. } => Some(self.bareme_of_copy_in(conn, copy_id)?.1),
            _ => None,
        };
        annotation::validate(shape, bareme.as_ref())?;
        annotation::validate_style(style)
    }

    /// Writes `target` as the annotation's state (a tombstone when `None`), provided it
    /// is still at `expected` version.
    pub(crate) fn put_annotation_in(
        &self,
        conn: &Connection,
        before: Option<Annotation>,
        target: &Annotation,
        expected: Option<i64>,
        token: Option<i64>,
    ) -> Result<Edit> {
        let now = now();
        let version = before.as_ref().map_or(0, |b| b.version);
        if let Some(v) = expected {
            if v != version {
                return Err(Error::conflict(format!(
                    "annotation {} changed meanwhile (version {version}, not {v}): reload it",
                    target.id
                )));
            }
        }
        let after = Annotation {
            version: version + 1,
            updated_at: now.clone(),
            ..target.clone()
        };
        let score = after.shape.score();
        conn.execute(
            "INSERT INTO annotation (id, copy_id, page_id, kind, shape_json, style_json, node_id, delta_quarters, z, \
             version, deleted, created_by, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13) \
             ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, shape_json = excluded.shape_json, \
             style_json = excluded.style_json, node_id = excluded.node_id, delta_quarters = excluded.delta_quarters, \
             z = excluded.z, version = excluded.version, deleted = excluded.deleted, updated_at = excluded.updated_at",
            params![
                after.id,
                after.copy_id,
                after.page_id,
                after.shape.kind(),
                serde_json::to_string(&after.shape)?,
                serde_json::to_string(&after.style)?,
                score.map(|s| s.0),
                score.map(|s| s.1.quarters()),
                after.z,
                after.version,
                after.deleted,
                after.created_by,
                now
            ],
        )?;
        self.log_in(
            conn,
            Change {
                name: if after.deleted {
                    "annotation.delete"
                } else {
                    "annotation.put"
                },
                target: &after.copy_id,
                args: json!(after),
                base_version: Some(version),
                lease_token: token,
            },
        )?;
        Ok(Edit::Annotation {
            before: before.map(Box::new),
            after: Box::new(after),
        })
    }

    /// Draws a new annotation on page `new.page` of the copy.
    pub fn add_annotation(
        &mut self,
        copy_id: &str,
        token: Option<i64>,
        new: NewAnnotation,
    ) -> Result<Edit> {
        let style = new
            .style
            .clone()
            .unwrap_or_else(|| new.shape.default_style());
        let tx = self.conn.unchecked_transaction()?;
        self.check_lease_in(&tx, copy_id, token)?;
        let edit =
            self.add_annotation_in(&tx, copy_id, token, new.page, new.shape, style, new.z)?;
        tx.commit()?;
        Ok(edit)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_annotation_in(
        &self,
        conn: &Connection,
        copy_id: &str,
        token: Option<i64>,
        page: u32,
        shape: Shape,
        style: Style,
        z: Option<i64>,
    ) -> Result<Edit> {
        self.check_shape_in(conn, copy_id, &shape, &style)?;
        let page_id: String = conn
            .query_row(
                "SELECT id FROM page WHERE copy_id = ?1 AND number = ?2",
                params![copy_id, page],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::validation(format!("copy {copy_id} has no page {page}")))?;
        let z = match z {
            Some(z) => z,
            None => conn.query_row(
                "SELECT COALESCE(MAX(z), 0) + 1 FROM annotation WHERE page_id = ?1",
                [&page_id],
                |r| r.get(0),
            )?,
        };
        let a = Annotation {
            id: new_id().to_string(),
            copy_id: copy_id.to_string(),
            page_id,
            page,
            shape,
            style,
            z,
            version: 0,
            deleted: false,
            created_by: self.actor.clone(),
            updated_at: String::new(),
        };
        self.put_annotation_in(conn, None, &a, Some(0), token)
    }

    fn existing_in(&self, conn: &Connection, id: &str) -> Result<Annotation> {
        self.annotation_in(conn, id)?
            .ok_or_else(|| Error::not_found(format!("no annotation with id {id}")))
    }

    /// Changes an annotation that is still at `version`.
    pub fn update_annotation(
        &mut self,
        id: &str,
        token: Option<i64>,
        version: i64,
        patch: AnnotationPatch,
    ) -> Result<Edit> {
        let tx = self.conn.unchecked_transaction()?;
        let before = self.existing_in(&tx, id)?;
        self.check_lease_in(&tx, &before.copy_id, token)?;
        if before.deleted {
            return Err(Error::conflict(format!("annotation {id} was deleted")));
        }
        let target = Annotation {
            shape: patch.shape.unwrap_or_else(|| before.shape.clone()),
            style: patch.style.unwrap_or_else(|| before.style.clone()),
            z: patch.z.unwrap_or(before.z),
            ..before.clone()
        };
        self.check_shape_in(&tx, &before.copy_id, &target.shape, &target.style)?;
        let edit = self.put_annotation_in(&tx, Some(before), &target, Some(version), token)?;
        tx.commit()?;
        Ok(edit)
    }

    /// Deletes (as a tombstone) an annotation that is still at `version`.
    pub fn delete_annotation(
        &mut self,
        id: &str,
        token: Option<i64>,
        version: i64,
    ) -> Result<Edit> {
        let tx = self.conn.unchecked_transaction()?;
        let before = self.existing_in(&tx, id)?;
        self.check_lease_in(&tx, &before.copy_id, token)?;
        if before.deleted {
            return Err(Error::conflict(format!(
                "annotation {id} is already deleted"
            )));
        }
        let target = Annotation {
            deleted: true,
            ..before.clone()
        };
        let edit = self.put_annotation_in(&tx, Some(before), &target, Some(version), token)?;
        tx.commit()?;
        Ok(edit)
    }

    /// The sum of a copy's score stamps on one leaf.
    pub fn stamp_sum(&self, copy_id: &str, node_id: &str) -> Result<Points> {
        let q: i64 = self.conn.query_row(
            "SELECT COALESCE(SUM(delta_quarters), 0) FROM annotation WHERE copy_id = ?1 AND node_id = ?2 AND deleted = 0",
            params![copy_id, node_id],
            |r| r.get(0),
        )?;
        Ok(Points::from_quarters(q))
    }
}
