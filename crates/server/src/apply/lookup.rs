//! What rules look up before they write: the copy and its exam, the lease that guards a
//! copy, whether a PDF is on the server, and whether the entity moved on since the
//! station last saw it.

use super::db::Db;
use super::entities::get;
use super::{Ctx, Fail, Step};
use korrigo_core::error::ErrorCode;
use korrigo_core::grading::lease::LeaseState;
use korrigo_core::sync::{CopyState, Entity, EntityKind, ExamState, LeaseRecord, Mutation};

pub fn body<T: serde::de::DeserializeOwned>(e: &Entity) -> Step<T> {
    serde_json::from_value(e.body.clone()).map_err(|err| {
        Fail::rejected(
            ErrorCode::Internal,
            format!("stored {} {} is damaged: {err}", e.kind.as_str(), e.key),
        )
    })
}

pub async fn copy(tx: &Db<'_, '_>, copy_id: &str) -> Step<(Entity, CopyState)> {
    let e = get(tx, EntityKind::Copy, copy_id)
        .await?
        .filter(|e| !e.deleted)
        .ok_or_else(|| {
            Fail::rejected(
                ErrorCode::NotFound,
                format!("copy {copy_id} is not on the server"),
            )
        })?;
    let state = body(&e)?;
    Ok((e, state))
}

pub async fn exam(tx: &Db<'_, '_>, exam_id: &str) -> Step<(Entity, ExamState)> {
    let e = get(tx, EntityKind::Exam, exam_id).await?.ok_or_else(|| {
        Fail::rejected(
            ErrorCode::NotFound,
            format!("exam {exam_id} is not on the server"),
        )
    })?;
    let state = body(&e)?;
    Ok((e, state))
}

/// Whether the PDF named by `sha256` is complete in the server's media store.
pub async fn media_complete(tx: &Db<'_, '_>, sha256: &str) -> Step<bool> {
    Ok(tx
        .query_opt("SELECT complete FROM media WHERE sha256 = $1", &[&sha256])
        .await?
        .is_some_and(|r| r.get(0)))
}

pub async fn lease(tx: &Db<'_, '_>, copy_id: &str) -> Step<Option<(Entity, LeaseRecord)>> {
    match get(tx, EntityKind::Lease, copy_id).await? {
        Some(e) => {
            let l = body(&e)?;
            Ok(Some((e, l)))
        }
        None => Ok(None),
    }
}

/// A write under a lease applies when the server's lease on the copy is still the one
/// the station wrote under — same station, same station token, same account, not ended
/// — even if its time ran out, as long as nobody took the copy since. Anything else is
/// a conflict: the server keeps the change aside and overwrites nothing.
pub async fn check_lease(
    tx: &Db<'_, '_>,
    ctx: &Ctx<'_>,
    copy_id: &str,
    m: &Mutation,
) -> Step<LeaseRecord> {
    let Some(token) = m.lease_token else {
        return Err(Fail::rejected(
            ErrorCode::LeaseLost,
            format!(
                "{} #{} on copy {copy_id} was made under no lease",
                m.name, m.seq
            ),
        ));
    };
    let current = lease(tx, copy_id).await?;
    let Some((entity, l)) = current else {
        return Err(Fail::conflict(
            ErrorCode::LeaseLost,
            format!(
                "{} #{}: nobody holds copy {copy_id} on the server",
                m.name, m.seq
            ),
            Vec::new(),
        ));
    };
    let ours =
        l.holder_station == ctx.station && l.station_token == token && l.holder_user == ctx.login;
    if !ours {
        return Err(Fail::conflict(
            ErrorCode::LeaseLost,
            format!(
                "{} #{}: copy {copy_id} is now held by {} at station {} (token {})",
                m.name, m.seq, l.holder_user, l.holder_station, l.token
            ),
            vec![entity],
        ));
    }
    if l.state != LeaseState::Active {
        return Err(Fail::conflict(
            ErrorCode::LeaseLost,
            format!(
                "{} #{}: the lease on copy {copy_id} was {}",
                m.name,
                m.seq,
                l.state.as_str()
            ),
            vec![entity],
        ));
    }
    Ok(l)
}

/// The entity moved on since the station's base version, by another station's write.
pub fn check_base(current: Option<&Entity>, ctx: &Ctx<'_>, m: &Mutation) -> Step<()> {
    let Some(cur) = current else {
        return Ok(());
    };
    let own_write = cur.station_id.as_deref() == Some(ctx.station);
    if own_write || m.base_version == Some(cur.version) {
        return Ok(());
    }
    Err(Fail::conflict(
        ErrorCode::Conflict,
        format!(
            "{} #{}: {} {} was changed meanwhile by station {} (version {}, the change was based on {})",
            m.name,
            m.seq,
            cur.kind.as_str(),
            cur.key,
            cur.station_id.as_deref().unwrap_or("the server"),
            cur.version,
            m.base_version.map_or("none".to_string(), |v| v.to_string())
        ),
        vec![cur.clone()],
    ))
}
