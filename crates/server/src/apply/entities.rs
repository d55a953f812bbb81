//! Reading and writing entity rows. A writing transaction locks the counter row first
//! (`lock_versions`) and each write takes the next version from it, holding the lock
//! until commit, so versions become visible in order and a pull
//! never skips one.

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

/// Takes the version counter's lock first thing in a writing transaction: every writer
/// then queues in the same order, and no two can deadlock over entity rows.
pub async fn lock_versions(tx: &super::Tx<'_>) -> Result<(), tokio_postgres::Error> {
    crate::prepared::exec(tx, "SELECT version FROM version_counter FOR UPDATE", &[])
        .await
        .map(|_| ())
}

/// The entity as it stands in this run (writers are serialized by the counter's lock).
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
    let row = db
        .query_one(
            "WITH v AS (UPDATE version_counter SET version = version + 1 RETURNING version) \
             INSERT INTO entity (kind, key, exam_id, version, deleted, station_id, body) \
             SELECT $1, $2, $3, v.version, $4, $5, $6 FROM v \
             ON CONFLICT (kind, key) DO UPDATE SET exam_id = excluded.exam_id, version = excluded.version, \
             deleted = excluded.deleted, station_id = excluded.station_id, body = excluded.body \
             RETURNING kind, key, exam_id, version, deleted, station_id, body",
            &[&kind.as_str(), &key, &exam_id, &deleted, &station, &body],
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
    let row = db
        .query_opt(
            "WITH cur AS (SELECT version, station_id FROM entity WHERE kind = $1 AND key = $2), \
             go AS (SELECT NOT EXISTS (SELECT 1 FROM cur) \
                    OR EXISTS (SELECT 1 FROM cur WHERE station_id = $5 OR version = $7) AS ok), \
             v AS (UPDATE version_counter SET version = version + 1 WHERE (SELECT ok FROM go) RETURNING version) \
             INSERT INTO entity (kind, key, exam_id, version, deleted, station_id, body) \
             SELECT $1, $2, $3, v.version, $4, $5, $6 FROM v \
             ON CONFLICT (kind, key) DO UPDATE SET exam_id = excluded.exam_id, version = excluded.version, \
             deleted = excluded.deleted, station_id = excluded.station_id, body = excluded.body \
             RETURNING kind, key, exam_id, version, deleted, station_id, body",
            &[&kind.as_str(), &key, &exam_id, &deleted, &station, &body, &base],
        )
        .await?;
    let e = row.as_ref().map(row_to_entity);
    if let Some(e) = &e {
        db.remember(kind, key, Some(e.clone()));
    }
    Ok(e)
}
