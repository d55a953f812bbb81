//! Grading writes: scores, appreciations, annotations and finalizing. Each needs the
//! copy's current lease (see `lookup::check_lease`) and, for a row another station may
//! also have changed, the version it was based on.

use super::db::Db;
use super::entities::{get, put, put_unless_moved};
use super::lookup::{self, check_base, check_lease};
use super::{args, structure, Ctx, Fail, Step};
use korrigo_core::error::ErrorCode;
use korrigo_core::grading::annotation::{self, Annotation};
use korrigo_core::grading::lease::LeaseState;
use korrigo_core::sync::{AppreciationState, Entity, EntityKind, Mutation, ScoreState};
use serde_json::json;

/// Writes a row another station may also change, unless it moved on since the version
/// the change was based on (a conflict then, with the row that won).
#[allow(clippy::too_many_arguments)]
async fn write_based(
    tx: &Db<'_, '_>,
    ctx: &Ctx<'_>,
    m: &Mutation,
    kind: EntityKind,
    key: &str,
    exam_id: &str,
    body: serde_json::Value,
    deleted: bool,
) -> Step<Entity> {
    if let Some(current) = tx.cached(kind, key) {
        check_base(current.as_ref(), ctx, m)?;
        return Ok(put(tx, kind, key, exam_id, body, deleted, Some(ctx.station)).await?);
    }
    if let Some(written) = put_unless_moved(
        tx,
        kind,
        key,
        exam_id,
        body,
        deleted,
        ctx.station,
        m.base_version,
    )
    .await?
    {
        return Ok(written);
    }
    let current = get(tx, kind, key).await?;
    check_base(current.as_ref(), ctx, m)?;
    Err(Fail::rejected(
        ErrorCode::Internal,
        format!(
            "{} #{}: {} {key} could not be written",
            m.name,
            m.seq,
            kind.as_str()
        ),
    ))
}

pub async fn score(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let s: ScoreState = args(m)?;
    let (_, copy) = lookup::copy(tx, &s.copy_id).await?;
    check_lease(tx, ctx, &s.copy_id, m).await?;
    let (_, exam) = lookup::exam(tx, &copy.exam_id).await?;
    let bareme = exam.bareme.as_ref().ok_or_else(|| {
        Fail::rejected(
            ErrorCode::Validation,
            format!("exam {} has no barème yet", copy.exam_id),
        )
    })?;
    let leaf = bareme.leaf(&s.node_id).ok_or_else(|| {
        Fail::rejected(
            ErrorCode::Validation,
            format!(
                "score.set #{}: question {} is not in the barème",
                m.seq, s.node_id
            ),
        )
    })?;
    if let Some(p) = s.points {
        if p > leaf.max {
            return Err(Fail::rejected(
                ErrorCode::Validation,
                format!(
                    "score.set #{}: {p:?} is above the {:?} of question {}",
                    m.seq, leaf.max, s.node_id
                ),
            ));
        }
    }
    let key = ScoreState::key(&s.copy_id, &s.node_id);
    Ok(vec![
        write_based(
            tx,
            ctx,
            m,
            EntityKind::Score,
            &key,
            &copy.exam_id,
            json!(s),
            false,
        )
        .await?,
    ])
}

pub async fn appreciation(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let a: AppreciationState = args(m)?;
    let (_, copy) = lookup::copy(tx, &a.copy_id).await?;
    check_lease(tx, ctx, &a.copy_id, m).await?;
    Ok(vec![
        write_based(
            tx,
            ctx,
            m,
            EntityKind::Appreciation,
            &a.copy_id,
            &copy.exam_id,
            json!(a),
            false,
        )
        .await?,
    ])
}

pub async fn annotation(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let a: Annotation = args(m)?;
    let (_, copy) = lookup::copy(tx, &a.copy_id).await?;
    check_lease(tx, ctx, &a.copy_id, m).await?;
    if !copy.pages.iter().any(|p| p.id == a.page_id) {
        return Err(Fail::rejected(
            ErrorCode::Validation,
            format!(
                "{} #{}: page {} is not a page of copy {}",
                m.name, m.seq, a.page_id, a.copy_id
            ),
        ));
    }
    let (_, exam) = lookup::exam(tx, &copy.exam_id).await?;
    annotation::validate(&a.shape, exam.bareme.as_ref())
        .and_then(|()| annotation::validate_style(&a.style))
        .map_err(|e| Fail::rejected(e.code, format!("{} #{}: {}", m.name, m.seq, e.message)))?;
    Ok(vec![
        write_based(
            tx,
            ctx,
            m,
            EntityKind::Annotation,
            &a.id,
            &copy.exam_id,
            json!(a),
            a.deleted,
        )
        .await?,
    ])
}

/// Finalizing ends the lease it was made under and records the graded copy.
pub async fn finalize(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    #[derive(serde::Deserialize)]
    struct Args {
        copy_id: String,
    }
    let a: Args = args(m)?;
    let (_, copy) = lookup::copy(tx, &a.copy_id).await?;
    let mut lease = check_lease(tx, ctx, &a.copy_id, m).await?;
    lease.state = LeaseState::Finalized;
    let mut out = structure::apply(tx, ctx, m).await?;
    out.push(
        put(
            tx,
            EntityKind::Lease,
            &a.copy_id,
            &copy.exam_id,
            json!(lease),
            false,
            Some(ctx.station),
        )
        .await?,
    );
    Ok(out)
}
