//! Changes of structure — exams, barèmes, rosters, imported copies, identification,
//! flags, joins, dispatch, reopening — arrive with the state they left
//! (`StructureState`) and are written as such: the last one pushed wins. Every copy's
//! scans must have been uploaded first. Identity changes go to the audit log.

use super::db::Db;
use super::entities::{get, put};
use super::lookup;
use super::{Ctx, Fail, Step};
use crate::audit;
use korrigo_core::error::ErrorCode;
use korrigo_core::sync::{Entity, EntityKind, Mutation, StructureState};
use serde_json::json;

pub async fn apply(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let state: StructureState = match &m.state {
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
            Fail::rejected(
                ErrorCode::Validation,
                format!("{} #{}: its state does not fit: {e}", m.name, m.seq),
            )
        })?,
        None => {
            return Err(Fail::rejected(
                ErrorCode::Validation,
                format!("{} #{} carries no state", m.name, m.seq),
            ))
        }
    };
    let mut out = Vec::new();
    if let Some(exam) = &state.exam {
        let id = exam.exam.id.clone();
        out.push(
            put(
                tx,
                EntityKind::Exam,
                &id,
                &id,
                json!(exam),
                false,
                Some(ctx.station),
            )
            .await?,
        );
    }
    for s in &state.students {
        lookup::exam(tx, &s.exam_id).await?;
        out.push(
            put(
                tx,
                EntityKind::Student,
                &s.student.id,
                &s.exam_id,
                json!(s),
                false,
                Some(ctx.station),
            )
            .await?,
        );
    }
    for c in &state.copies {
        lookup::exam(tx, &c.exam_id).await?;
        for p in &c.pages {
            if !lookup::media_complete(tx, &p.source.sha256).await? {
                return Err(Fail::rejected(
                    ErrorCode::Validation,
                    format!(
                        "{} #{}: the scan {} ({}) of copy {} was not uploaded",
                        m.name, m.seq, p.source.file_name, p.source.sha256, c.id
                    ),
                ));
            }
        }
        let before = get(tx, EntityKind::Copy, &c.id).await?;
        let identity_changed = before
            .as_ref()
            .and_then(|b| b.body.get("student_id").cloned())
            .unwrap_or(serde_json::Value::Null)
            != json!(c.student_id);
        if identity_changed && (c.student_id.is_some() || before.is_some()) {
            audit::record(
                tx.client(),
                Some(ctx.login),
                ctx.ip,
                "copy.identify",
                Some(&c.id),
                json!({ "student": c.student_id, "how": c.identified_by, "confidence": c.confidence,
                        "station": ctx.station, "mutation": m.name, "seq": m.seq }),
            )
            .await?;
        }
        out.push(
            put(
                tx,
                EntityKind::Copy,
                &c.id,
                &c.exam_id,
                json!(c),
                false,
                Some(ctx.station),
            )
            .await?,
        );
    }
    for id in &state.deleted_copies {
        if let Some(e) = get(tx, EntityKind::Copy, id).await? {
            out.push(
                put(
                    tx,
                    EntityKind::Copy,
                    id,
                    &e.exam_id,
                    e.body,
                    true,
                    Some(ctx.station),
                )
                .await?,
            );
        }
    }
    Ok(out)
}
