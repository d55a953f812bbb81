//! Writing one server entity onto the station's tables, inside the caller's
//! transaction: upsert (or delete, for a tombstone) and set `server_version`.
//!
//! Invariants: nothing here writes the outbox or the audit (the server's state is not a
//! change made on this station); a lease token never goes down (a lease this station
//! holds keeps its station token, another station's lease keeps at least the local
//! token, so local writes under it get `lease_lost`); an entity whose parent row is not
//! here yet (its exam, copy, page or student) is not written but reported `Parked`.

use crate::error::{Error, Result};
use crate::grading::annotation::Annotation;
use crate::grading::Points;
use crate::model::{new_id, IdentifiedBy};
use crate::store::now;
use crate::sync::{
    AppreciationState, ConflictState, CopyState, Entity, EntityKind, ExamState, LeaseRecord,
    ScoreState, StudentState,
};
use rusqlite::{params, Connection, OptionalExtension};

/// What became of an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Applied {
    Written,
    /// Its parent row is missing: kept aside to be tried again after later pulls.
    Parked(String),
}

pub(super) fn apply_entity(conn: &Connection, station_id: &str, e: &Entity) -> Result<Applied> {
    let body = |what: &str| {
        Error::corrupt_input(format!(
            "the server sent {what} {} (version {}) in a shape this station does not read",
            e.key, e.version
        ))
    };
    match e.kind {
        EntityKind::Exam if e.deleted => delete(conn, "DELETE FROM exam WHERE id = ?1", &e.key),
        EntityKind::Exam => exam(
            conn,
            e,
            serde_json::from_value(e.body.clone()).map_err(|_| body("exam"))?,
        ),
        EntityKind::Student if e.deleted => {
            delete(conn, "DELETE FROM student WHERE id = ?1", &e.key)
        }
        EntityKind::Student => student(
            conn,
            e,
            serde_json::from_value(e.body.clone()).map_err(|_| body("student"))?,
        ),
        EntityKind::Copy if e.deleted => delete(conn, "DELETE FROM copy WHERE id = ?1", &e.key),
        EntityKind::Copy => copy(
            conn,
            e,
            serde_json::from_value(e.body.clone()).map_err(|_| body("copy"))?,
        ),
        EntityKind::Score if e.deleted => {
            let (copy_id, node_id) = e.key.split_once('/').unwrap_or((&e.key, ""));
            conn.execute(
                "DELETE FROM score WHERE copy_id = ?1 AND node_id = ?2",
                params![copy_id, node_id],
            )?;
            Ok(Applied::Written)
        }
        EntityKind::Score => score(
            conn,
            e,
            serde_json::from_value(e.body.clone()).map_err(|_| body("score"))?,
        ),
        EntityKind::Appreciation if e.deleted => {
            delete(conn, "DELETE FROM appreciation WHERE copy_id = ?1", &e.key)
        }
        EntityKind::Appreciation => appreciation(
            conn,
            e,
            serde_json::from_value(e.body.clone()).map_err(|_| body("appreciation"))?,
        ),
        EntityKind::Annotation => match serde_json::from_value::<Annotation>(e.body.clone()) {
            Ok(a) => annotation(conn, e, a),
            Err(_) if e.deleted => {
                conn.execute(
                    "UPDATE annotation SET deleted = 1, server_version = ?2 WHERE id = ?1",
                    params![e.key, e.version],
                )?;
                Ok(Applied::Written)
            }
            Err(_) => Err(body("annotation")),
        },
        EntityKind::Lease if e.deleted => {
            delete(conn, "DELETE FROM lease WHERE copy_id = ?1", &e.key)
        }
        EntityKind::Lease => lease(
            conn,
            station_id,
            e,
            serde_json::from_value(e.body.clone()).map_err(|_| body("lease"))?,
        ),
        EntityKind::Conflict if e.deleted => {
            delete(conn, "DELETE FROM sync_conflict WHERE id = ?1", &e.key)
        }
        EntityKind::Conflict => {
            let c: ConflictState =
                serde_json::from_value(e.body.clone()).map_err(|_| body("conflict"))?;
            conn.execute(
                "INSERT INTO sync_conflict (id, exam_id, body_json, server_version) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT(id) DO UPDATE SET exam_id = excluded.exam_id, body_json = excluded.body_json, \
                 server_version = excluded.server_version",
                params![e.key, e.exam_id, serde_json::to_string(&c)?, e.version],
            )?;
            Ok(Applied::Written)
        }
    }
}

/// Sets the server version of the local row an entity names, leaving its content alone.
pub(super) fn set_server_version(conn: &Connection, e: &Entity) -> Result<()> {
    let sql = match e.kind {
        EntityKind::Exam => "UPDATE exam SET server_version = ?2 WHERE id = ?1",
        EntityKind::Student => "UPDATE student SET server_version = ?2 WHERE id = ?1",
        EntityKind::Copy => "UPDATE copy SET server_version = ?2 WHERE id = ?1",
        EntityKind::Appreciation => {
            "UPDATE appreciation SET server_version = ?2 WHERE copy_id = ?1"
        }
        EntityKind::Annotation => "UPDATE annotation SET server_version = ?2 WHERE id = ?1",
        EntityKind::Lease => "UPDATE lease SET server_version = ?2 WHERE copy_id = ?1",
        EntityKind::Conflict => "UPDATE sync_conflict SET server_version = ?2 WHERE id = ?1",
        EntityKind::Score => {
            let (copy_id, node_id) = e.key.split_once('/').unwrap_or((&e.key, ""));
            conn.execute(
                "UPDATE score SET server_version = ?3 WHERE copy_id = ?1 AND node_id = ?2",
                params![copy_id, node_id, e.version],
            )?;
            return Ok(());
        }
    };
    conn.execute(sql, params![e.key, e.version])?;
    Ok(())
}

fn delete(conn: &Connection, sql: &str, key: &str) -> Result<Applied> {
    conn.execute(sql, [key])?;
    Ok(Applied::Written)
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
        [id],
        |r| r.get(0),
    )?)
}

fn parked(what: String) -> Result<Applied> {
    Ok(Applied::Parked(what))
}

fn exam(conn: &Connection, e: &Entity, s: ExamState) -> Result<Applied> {
    let x = &s.exam;
    conn.execute(
        "INSERT INTO exam (id, name, date, subject, pages_per_copy, bareme_json, anonymous, created_at, \
         bareme_version, server_version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) \
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, date = excluded.date, subject = excluded.subject, \
         pages_per_copy = excluded.pages_per_copy, bareme_json = excluded.bareme_json, \
         anonymous = excluded.anonymous, bareme_version = excluded.bareme_version, \
         server_version = excluded.server_version",
        params![
            e.key,
            x.name,
            x.date,
            x.subject,
            x.pages_per_copy,
            s.bareme.as_ref().map(serde_json::to_string).transpose()?,
            x.anonymous,
            x.created_at,
            s.bareme_version,
            e.version
        ],
    )?;
    Ok(Applied::Written)
}

fn student(conn: &Connection, e: &Entity, s: StudentState) -> Result<Applied> {
    if !exists(conn, "exam", &s.exam_id)? {
        return parked(format!("student {} waits for exam {}", e.key, s.exam_id));
    }
    let st = &s.student;
    if let Some(email) = &st.email {
        // The server's roster holds this email: a local student holding it too gives it up.
        conn.execute(
            "UPDATE student SET email = NULL WHERE exam_id = ?1 AND email = ?2 AND id <> ?3",
            params![s.exam_id, email, e.key],
        )?;
    }
    conn.execute(
        "INSERT INTO student (id, exam_id, last_name, first_name, birth_date, email, class, group_name, server_version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
         ON CONFLICT(id) DO UPDATE SET last_name = excluded.last_name, first_name = excluded.first_name, \
         birth_date = excluded.birth_date, email = excluded.email, class = excluded.class, \
         group_name = excluded.group_name, server_version = excluded.server_version",
        params![e.key, s.exam_id, st.last_name, st.first_name, st.birth_date, st.email, st.class, st.group, e.version],
    )?;
    Ok(Applied::Written)
}

fn copy(conn: &Connection, e: &Entity, c: CopyState) -> Result<Applied> {
    if !exists(conn, "exam", &c.exam_id)? {
        return parked(format!("copy {} waits for exam {}", e.key, c.exam_id));
    }
    if let Some(s) = &c.student_id {
        if !exists(conn, "student", s)? {
            return parked(format!("copy {} waits for student {s}", e.key));
        }
    }
    // Two stations may number their copies alike: a seq already taken by another copy
    // of the exam is replaced by the next free one here.
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM copy WHERE exam_id = ?1 AND seq = ?2 AND id <> ?3)",
        params![c.exam_id, c.seq, e.key],
        |r| r.get(0),
    )?;
    let seq: i64 = if taken {
        let own: Option<i64> = conn
            .query_row("SELECT seq FROM copy WHERE id = ?1", [&e.key], |r| r.get(0))
            .optional()?;
        match own {
            Some(s) => s,
            None => conn.query_row(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM copy WHERE exam_id = ?1",
                [&c.exam_id],
                |r| r.get(0),
            )?,
        }
    } else {
        c.seq.into()
    };
    conn.execute(
        "INSERT INTO copy (id, exam_id, seq, student_id, status, identified_by, confidence, flags_json, created_at, \
         server_version, unknown_writer, corrector, graded_at, graded_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
         ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, student_id = excluded.student_id, status = excluded.status, \
         identified_by = excluded.identified_by, confidence = excluded.confidence, flags_json = excluded.flags_json, \
         server_version = excluded.server_version, unknown_writer = excluded.unknown_writer, \
         corrector = excluded.corrector, graded_at = excluded.graded_at, graded_by = excluded.graded_by",
        params![
            e.key,
            c.exam_id,
            seq,
            c.student_id,
            c.status.as_str(),
            c.identified_by.map(IdentifiedBy::as_str),
            c.confidence,
            serde_json::to_string(&c.flags)?,
            now(),
            e.version,
            c.unknown_writer,
            c.corrector,
            c.graded_at,
            c.graded_by
        ],
    )?;
    // Pages: moved out of the way, then each put in place (a page joined from another
    // copy moves here by its id); those left out are gone.
    conn.execute(
        "UPDATE page SET number = number + 100000 WHERE copy_id = ?1",
        [&e.key],
    )?;
    for p in &c.pages {
        let source = source_pdf(conn, &c.exam_id, e, &p.source)?;
        conn.execute(
            "INSERT INTO page (id, copy_id, number, source_pdf_id, source_index, half, rotation) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT(id) DO UPDATE SET copy_id = excluded.copy_id, number = excluded.number, \
             source_pdf_id = excluded.source_pdf_id, source_index = excluded.source_index, \
             half = excluded.half, rotation = excluded.rotation",
            params![
                p.id,
                e.key,
                p.number,
                source,
                p.source_index,
                p.half.as_str(),
                p.rotation
            ],
        )?;
    }
    conn.execute(
        "DELETE FROM page WHERE copy_id = ?1 AND number > 99999",
        [&e.key],
    )?;
    Ok(Applied::Written)
}

/// The exam's source PDF row for a content, added when the station has none.
fn source_pdf(
    conn: &Connection,
    exam_id: &str,
    e: &Entity,
    s: &crate::sync::SourceRef,
) -> Result<String> {
    let found: Option<String> = conn
        .query_row(
            "SELECT id FROM source_pdf WHERE exam_id = ?1 AND sha256 = ?2 ORDER BY imported_at LIMIT 1",
            params![exam_id, s.sha256],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = new_id().to_string();
    conn.execute(
        "INSERT INTO source_pdf (id, exam_id, sha256, file_name, pages, imported_at, imported_by) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            exam_id,
            s.sha256,
            s.file_name,
            s.pages,
            now(),
            format!(
                "station {}",
                e.station_id.as_deref().unwrap_or("(the server)")
            )
        ],
    )?;
    Ok(id)
}

fn score(conn: &Connection, e: &Entity, s: ScoreState) -> Result<Applied> {
    if !exists(conn, "copy", &s.copy_id)? {
        return parked(format!("score {} waits for its copy", e.key));
    }
    conn.execute(
        "INSERT INTO score (copy_id, node_id, quarters, remark, version, updated_at, updated_by, server_version) \
         VALUES (?1, ?2, ?3, ?4, 1, ?5, 'server', ?6) \
         ON CONFLICT(copy_id, node_id) DO UPDATE SET \
         version = CASE WHEN (quarters, remark) IS NOT (excluded.quarters, excluded.remark) THEN version + 1 ELSE version END, \
         updated_at = CASE WHEN (quarters, remark) IS NOT (excluded.quarters, excluded.remark) THEN excluded.updated_at ELSE updated_at END, \
         updated_by = CASE WHEN (quarters, remark) IS NOT (excluded.quarters, excluded.remark) THEN excluded.updated_by ELSE updated_by END, \
         quarters = excluded.quarters, remark = excluded.remark, server_version = excluded.server_version",
        params![s.copy_id, s.node_id, s.points.map(Points::quarters), s.remark, now(), e.version],
    )?;
    Ok(Applied::Written)
}

fn appreciation(conn: &Connection, e: &Entity, a: AppreciationState) -> Result<Applied> {
    if !exists(conn, "copy", &a.copy_id)? {
        return parked(format!("appreciation {} waits for its copy", e.key));
    }
    conn.execute(
        "INSERT INTO appreciation (copy_id, text, version, updated_at, updated_by, server_version) \
         VALUES (?1, ?2, 1, ?3, 'server', ?4) \
         ON CONFLICT(copy_id) DO UPDATE SET \
         version = CASE WHEN text IS NOT excluded.text THEN version + 1 ELSE version END, \
         updated_at = CASE WHEN text IS NOT excluded.text THEN excluded.updated_at ELSE updated_at END, \
         updated_by = CASE WHEN text IS NOT excluded.text THEN excluded.updated_by ELSE updated_by END, \
         text = excluded.text, server_version = excluded.server_version",
        params![a.copy_id, a.text, now(), e.version],
    )?;
    Ok(Applied::Written)
}

fn annotation(conn: &Connection, e: &Entity, a: Annotation) -> Result<Applied> {
    let page_ok: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM page WHERE id = ?1 AND copy_id = ?2)",
        params![a.page_id, a.copy_id],
        |r| r.get(0),
    )?;
    if !page_ok {
        return parked(format!(
            "annotation {} waits for page {} of copy {}",
            e.key, a.page_id, a.copy_id
        ));
    }
    let score = a.shape.score();
    conn.execute(
        "INSERT INTO annotation (id, copy_id, page_id, kind, shape_json, style_json, node_id, delta_quarters, z, \
         version, deleted, created_by, created_at, updated_at, server_version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13, ?14) \
         ON CONFLICT(id) DO UPDATE SET \
         version = CASE WHEN (page_id, shape_json, style_json, z, deleted) IS NOT \
           (excluded.page_id, excluded.shape_json, excluded.style_json, excluded.z, excluded.deleted) \
           THEN version + 1 ELSE version END, \
         page_id = excluded.page_id, kind = excluded.kind, shape_json = excluded.shape_json, \
         style_json = excluded.style_json, node_id = excluded.node_id, delta_quarters = excluded.delta_quarters, \
         z = excluded.z, deleted = excluded.deleted, updated_at = excluded.updated_at, \
         server_version = excluded.server_version",
        params![
            e.key,
            a.copy_id,
            a.page_id,
            a.shape.kind(),
            serde_json::to_string(&a.shape)?,
            serde_json::to_string(&a.style)?,
            score.map(|s| s.0),
            score.map(|s| s.1.quarters()),
            a.z,
            a.version.max(1),
            a.deleted || e.deleted,
            a.created_by,
            if a.updated_at.is_empty() { now() } else { a.updated_at.clone() },
            e.version
        ],
    )?;
    Ok(Applied::Written)
}

fn lease(conn: &Connection, station_id: &str, e: &Entity, l: LeaseRecord) -> Result<Applied> {
    if !exists(conn, "copy", &l.copy_id)? {
        return parked(format!(
            "the lease on copy {} waits for its copy",
            l.copy_id
        ));
    }
    // This station knows its own lease by its station token; another station's lease
    // keeps at least the local token, so that a local write under it is fenced out by
    // the holder.
    let token = if l.holder_station == station_id {
        l.station_token.max(1)
    } else {
        1
    };
    conn.execute(
        "INSERT INTO lease (copy_id, holder_user, holder_station, token, granted_at, expires_at, state, server_version) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT(copy_id) DO UPDATE SET holder_user = excluded.holder_user, \
         holder_station = excluded.holder_station, token = MAX(token, excluded.token), \
         granted_at = excluded.granted_at, expires_at = excluded.expires_at, state = excluded.state, \
         server_version = excluded.server_version",
        params![
            l.copy_id,
            l.holder_user,
            l.holder_station,
            token,
            l.granted_at,
            l.expires_at,
            l.state.as_str(),
            e.version
        ],
    )?;
    Ok(Applied::Written)
}
