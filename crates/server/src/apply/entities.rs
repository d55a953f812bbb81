//! Reading and writing entity rows. A write's version comes from its transaction:
//! `((transaction id + xid_offset) << 20) + rank`, the rank counting the transaction's
//! writes. Versions of one transaction are above those of every transaction that got its
//! id before it, so a pull that reads only below the oldest running transaction
//! (`horizon`) never sees a version appear behind it later. Writers of the same copy or
//! exam are serialized by the scope locks their run takes first (`Scopes::lock`).

use super::db::Db;
use korrigo_core::sync::{Entity, EntityKind};
use serde_json::Value;
use tokio_postgres::Row;

pub fn row_to_entity(r: &Row) -> Entity {
    let kind: String = r.get(0);
    Entity {
        kind: EntityKind::parse(&kind).unwrap_or(EntityKind::Conflict),
        key: r.get(1),
        exam_id: r.get(2),
        version: r.get(3),
        deleted: r.get(4),
        station_id: r.get(5),
        body: r.get(6),
    }
}

pub const COLUMNS: &str = "kind, key, exam_id, version, deleted, station_id, body";

/// The version of this transaction's write of rank `$7` (see the module doc).
const NEXT_VERSION: &str =
    "((pg_current_xact_id()::text::bigint + (SELECT xid_offset FROM version_clock)) << 20) + $7";

/// Every version below the horizon is committed, and no write will ever take one below
/// it: the horizon is the first version of the oldest transaction still running.
pub const HORIZON: &str = "SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint + xid_offset) << 20 FROM version_clock";

/// Writes `$1..$6` (kind, key, exam, deleted, station, body) at the version of rank
/// `$7`, over the stored row when `condition` (on `entity`, the stored row) holds.
fn upsert(condition: &str) -> String {
    format!(
        "INSERT INTO entity ({COLUMNS}) VALUES ($1, $2, $3, {NEXT_VERSION}, $4, $5, $6) \
         ON CONFLICT (kind, key) DO UPDATE SET exam_id = excluded.exam_id, \
         version = excluded.version, deleted = excluded.deleted, \
         station_id = excluded.station_id, body = excluded.body {condition} \
         RETURNING {COLUMNS}"
    )
}

/// The entity as it stands in this run (its writers are serialized by the scope locks).
pub async fn get(
    db: &Db<'_, '_>,
    kind: EntityKind,
    key: &str,
) -> Result<Option<Entity>, tokio_postgres::Error> {
    if let Some(e) = db.cached(kind, key) {
        return Ok(e);
    }
    let e = db
        .query_opt(
            "SELECT kind, key, exam_id, version, deleted, station_id, body FROM entity WHERE kind = $1 AND key = $2",
            &[&kind.as_str(), &key],
        )
        .await?
        .as_ref()
        .map(row_to_entity);
    db.remember(kind, key, e.clone());
    Ok(e)
}

/// Reads into the run's cache, in one query, what grading these copies looks up first:
/// each copy, its lease and its exam (remembered as absent when there is none).
pub async fn prefetch_copies(
    db: &Db<'_, '_>,
    copies: &[String],
) -> Result<(), tokio_postgres::Error> {
    if copies.is_empty() {
        return Ok(());
    }
    let rows = crate::prepared::all(
        db.tx,
        &format!(
            "SELECT {COLUMNS} FROM entity WHERE kind IN ('copy', 'lease') AND key = ANY($1) \
             UNION ALL SELECT {COLUMNS} FROM entity WHERE kind = 'exam' AND key IN \
             (SELECT exam_id FROM entity WHERE kind = 'copy' AND key = ANY($1))"
        ),
        &[&copies],
    )
    .await?;
    for kind in [EntityKind::Copy, EntityKind::Lease] {
        for key in copies {
            db.remember(kind, key, None);
        }
    }
    for r in &rows {
        let e = row_to_entity(r);
        db.remember(e.kind, &e.key.clone(), Some(e));
    }
    Ok(())
}

/// Writes the entity at the next version, in one statement.
pub async fn put(
    db: &Db<'_, '_>,
    kind: EntityKind,
    key: &str,
    exam_id: &str,
    body: Value,
    deleted: bool,
    station: Option<&str>,
) -> Result<Entity, tokio_postgres::Error> {
    let rank = db.next_rank();
    let row = db
        .query_one(
            &upsert(""),
            &[
                &kind.as_str(),
                &key,
                &exam_id,
                &deleted,
                &station,
                &body,
                &rank,
            ],
        )
        .await?;
    let e = row_to_entity(&row);
    db.remember(kind, key, Some(e.clone()));
    Ok(e)
}

/// Writes the entity at the next version unless another station changed it since
/// `base` (the version the change was made on); `None` when it did. One statement.
#[allow(clippy::too_many_arguments)]
pub async fn put_unless_moved(
    db: &Db<'_, '_>,
    kind: EntityKind,
    key: &str,
    exam_id: &str,
    body: Value,
    deleted: bool,
    station: &str,
    base: Option<i64>,
) -> Result<Option<Entity>, tokio_postgres::Error> {
    let rank = db.next_rank();
    let row = db
        .query_opt(
            &upsert("WHERE entity.station_id = $5 OR entity.version = $8"),
            &[
                &kind.as_str(),
                &key,
                &exam_id,
                &deleted,
                &station,
                &body,
                &rank,
                &base,
            ],
        )
        .await?;
    let e = row.as_ref().map(row_to_entity);
    if let Some(e) = &e {
        db.remember(kind, key, Some(e.clone()));
    }
    Ok(e)
}
