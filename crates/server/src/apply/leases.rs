//! Server-granted leases. A station takes a lease under its own token; the server grants
//! it if nobody else holds the copy (an expired or ended lease holds nothing), and
//! records it with its own fencing `token`, which grows with every new holder. Renewals
//! and releases must name the lease the server knows; an admin force-releases.

use super::db::Db;
use super::entities::put;
use super::lookup;
use super::{args, Ctx, Fail, Step};
use crate::audit;
use korrigo_core::error::ErrorCode;
use korrigo_core::grading::lease::{Lease, LeaseState};
use korrigo_core::model::CopyStatus;
use korrigo_core::store::format_time;
use korrigo_core::sync::{CopyState, Entity, EntityKind, LeaseRecord, Mutation};
use serde_json::json;

fn expired(l: &LeaseRecord, ctx: &Ctx<'_>) -> bool {
    time::OffsetDateTime::parse(
        &l.expires_at,
        &time::format_description::well_known::Rfc3339,
    )
    .map_or(true, |t| t <= ctx.now)
}

/// Moves the copy between ready and leased as its lease comes and goes.
async fn set_copy_status(
    tx: &Db<'_, '_>,
    ctx: &Ctx<'_>,
    copy: &Entity,
    mut state: CopyState,
    from: CopyStatus,
    to: CopyStatus,
) -> Step<Option<Entity>> {
    if state.status != from {
        return Ok(None);
    }
    state.status = to;
    Ok(Some(
        put(
            tx,
            EntityKind::Copy,
            &copy.key,
            &copy.exam_id,
            json!(state),
            false,
            Some(ctx.station),
        )
        .await?,
    ))
}

pub async fn take(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let asked: Lease = args(m)?;
    let (copy_entity, copy) = lookup::copy(tx, &asked.copy_id).await?;
    if copy.status == CopyStatus::Graded {
        return Err(Fail::conflict(
            ErrorCode::Conflict,
            format!("lease.take #{}: copy {} is already graded", m.seq, copy.id),
            vec![copy_entity],
        ));
    }
    let current = lookup::lease(tx, &asked.copy_id).await?;
    let (token, same_lease) = match &current {
        Some((entity, l)) => {
            let same_holder = l.holder_station == ctx.station && l.holder_user == ctx.login;
            let free = l.state != LeaseState::Active || expired(l, ctx) || same_holder;
            if !free {
                return Err(Fail::conflict(
                    ErrorCode::Conflict,
                    format!(
                        "lease.take #{}: copy {} is held by {} at station {} until {}",
                        m.seq, copy.id, l.holder_user, l.holder_station, l.expires_at
                    ),
                    vec![entity.clone()],
                ));
            }
            let same = same_holder && l.station_token == asked.token;
            (if same { l.token } else { l.token + 1 }, same)
        }
        None => (1, false),
    };
    let granted_at = match (&current, same_lease) {
        (Some((_, l)), true) => l.granted_at.clone(),
        _ => format_time(ctx.now),
    };
    let record = LeaseRecord {
        copy_id: copy.id.clone(),
        holder_user: ctx.login.to_string(),
        holder_station: ctx.station.to_string(),
        token,
        station_token: asked.token,
        granted_at,
        expires_at: format_time(asked.expires_at),
        state: LeaseState::Active,
    };
    let mut out = vec![
        put(
            tx,
            EntityKind::Lease,
            &copy.id,
            &copy.exam_id,
            json!(record),
            false,
            Some(ctx.station),
        )
        .await?,
    ];
    out.extend(
        set_copy_status(
            tx,
            ctx,
            &copy_entity,
            copy,
            CopyStatus::Ready,
            CopyStatus::Leased,
        )
        .await?,
    );
    Ok(out)
}

async fn held(
    tx: &Db<'_, '_>,
    ctx: &Ctx<'_>,
    m: &Mutation,
    asked: &Lease,
) -> Step<(Entity, LeaseRecord)> {
    let current = lookup::lease(tx, &asked.copy_id).await?;
    match current {
        Some((e, l))
            if l.holder_station == ctx.station
                && l.station_token == asked.token
                && l.holder_user == ctx.login
                && l.state == LeaseState::Active =>
        {
            Ok((e, l))
        }
        Some((e, l)) => Err(Fail::conflict(
            ErrorCode::LeaseLost,
            format!(
                "{} #{}: the server's lease on copy {} is {} by {} at station {} (token {})",
                m.name,
                m.seq,
                asked.copy_id,
                l.state.as_str(),
                l.holder_user,
                l.holder_station,
                l.token
            ),
            vec![e],
        )),
        None => Err(Fail::conflict(
            ErrorCode::LeaseLost,
            format!(
                "{} #{}: nobody holds copy {} on the server",
                m.name, m.seq, asked.copy_id
            ),
            Vec::new(),
        )),
    }
}

pub async fn renew(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let asked: Lease = args(m)?;
    let (e, mut l) = held(tx, ctx, m, &asked).await?;
    l.expires_at = format_time(asked.expires_at);
    Ok(vec![
        put(
            tx,
            EntityKind::Lease,
            &e.key,
            &e.exam_id,
            json!(l),
            false,
            Some(ctx.station),
        )
        .await?,
    ])
}

pub async fn release(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let asked: Lease = args(m)?;
    let (e, l) = held(tx, ctx, m, &asked).await?;
    let copy = lookup::copy(tx, &asked.copy_id).await?;
    end(tx, ctx, &e, l, LeaseState::Released, copy).await
}

/// Ends a lease in `state` and hands the copy back (leased -> ready).
async fn end(
    tx: &Db<'_, '_>,
    ctx: &Ctx<'_>,
    e: &Entity,
    mut l: LeaseRecord,
    state: LeaseState,
    (copy_entity, copy): (Entity, CopyState),
) -> Step<Vec<Entity>> {
    l.state = state;
    let mut out = vec![
        put(
            tx,
            EntityKind::Lease,
            &e.key,
            &e.exam_id,
            json!(l),
            false,
            Some(ctx.station),
        )
        .await?,
    ];
    out.extend(
        set_copy_status(
            tx,
            ctx,
            &copy_entity,
            copy,
            CopyStatus::Leased,
            CopyStatus::Ready,
        )
        .await?,
    );
    Ok(out)
}

/// An admin's force-release, from a station's push or from the server's own endpoint.
pub async fn force(
    tx: &Db<'_, '_>,
    ctx: &Ctx<'_>,
    copy_id: &str,
    reason: Option<&str>,
) -> Step<Vec<Entity>> {
    let copy = lookup::copy(tx, copy_id).await?;
    let Some((e, l)) = lookup::lease(tx, copy_id).await? else {
        return Err(Fail::rejected(
            ErrorCode::NotFound,
            format!("nobody holds copy {copy_id}"),
        ));
    };
    let previous = l.clone();
    let out = end(tx, ctx, &e, l, LeaseState::Forced, copy).await?;
    audit::record(
        tx.client(),
        Some(ctx.login),
        ctx.ip,
        "lease.force_release",
        Some(copy_id),
        json!({ "holder": previous.holder_user, "station": previous.holder_station, "token": previous.token, "reason": reason }),
    )
    .await?;
    Ok(out)
}

pub async fn force_release(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    #[derive(serde::Deserialize)]
    struct Args {
        lease: Lease,
        reason: Option<String>,
    }
    let a: Args = args(m)?;
    force(tx, ctx, &a.lease.copy_id, a.reason.as_deref()).await
}
