//! Exported copies: a station records the annotated PDF it exported for a copy, once the
//! file is complete on the server (uploaded by sha256 before the push). The server keeps
//! the last export of each copy, named or anonymous. A teacher records exports only of
//! copies they hold or held the lease on; an admin, of any copy.

use super::db::Db;
use super::{args, lookup, Ctx, Fail, Step};
use korrigo_core::error::ErrorCode;
use korrigo_core::store::ExportedCopy;
use korrigo_core::sync::{Entity, Mutation, ServerRole};

pub async fn record(tx: &Db<'_, '_>, ctx: &Ctx<'_>, m: &Mutation) -> Step<Vec<Entity>> {
    let e: ExportedCopy = args(m)?;
    lookup::copy(tx, &e.copy_id).await?;
    if ctx.role != ServerRole::Admin {
        let holder = lookup::lease(tx, &e.copy_id)
            .await?
            .map(|(_, l)| l.holder_user);
        if holder.as_deref() != Some(ctx.login) {
            return Err(Fail::rejected(
                ErrorCode::Unauthorized,
                format!(
                    "{} #{}: copy {} is graded by {}, not by {}",
                    m.name,
                    m.seq,
                    e.copy_id,
                    holder.as_deref().unwrap_or("nobody yet"),
                    ctx.login
                ),
            ));
        }
    }
    if e.pages == 0 || e.bytes == 0 {
        return Err(Fail::rejected(
            ErrorCode::Validation,
            format!("{} #{}: an exported PDF has pages and bytes", m.name, m.seq),
        ));
    }
    if !lookup::media_complete(tx, &e.sha256).await? {
        return Err(Fail::rejected(
            ErrorCode::Validation,
            format!(
                "{} #{}: the exported PDF {} of copy {} was not uploaded",
                m.name, m.seq, e.sha256, e.copy_id
            ),
        ));
    }
    tx.query_opt(
        "INSERT INTO copy_export (copy_id, anonymous, sha256, pages, bytes, station_id, account) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (copy_id, anonymous) DO UPDATE SET sha256 = excluded.sha256, \
         pages = excluded.pages, bytes = excluded.bytes, station_id = excluded.station_id, \
         account = excluded.account, exported_at = now()",
        &[
            &e.copy_id,
            &e.anonymous,
            &e.sha256,
            &(e.pages as i32),
            &(e.bytes as i64),
            &ctx.station,
            &ctx.login,
        ],
    )
    .await?;
    Ok(Vec::new())
}
