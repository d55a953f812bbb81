//! Reading and writing entity rows. A writing transaction locks the counter row first
//! (`lock_versions`) and each write takes the next version from it, holding the lock
//! until commit, so versions become visible in order and a pull
//! never skips one.

use korrigo_core::sync::{Entity, EntityKind};
use serde_json::Value;
use tokio_postgres::{Row, Transaction};

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
pub async fn lock_versions(tx: &Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    tx.execute("SELECT version FROM version_counter FOR UPDATE", &[])
        .await
        .map(|_| ())
}

/// The entity, locked for the rest of the transaction.
pub async fn get(
    tx: &Transaction<'_>,
    kind: EntityKind,
    key: &str,
) -> Result<Option<Entity>, tokio_postgres::Error> {
    Ok(tx
        .query_opt(
            &format!("SELECT {COLUMNS} FROM entity WHERE kind = $1 AND key = $2 FOR UPDATE"),
            &[&kind.as_str(), &key],
        )
        .await?
        .as_ref()
        .map(row_to_entity))
}

pub async fn put(
    tx: &Transaction<'_>,
    kind: EntityKind,
    key: &str,
    exam_id: &str,
    body: Value,
    deleted: bool,
    station: Option<&str>,
) -> Result<Entity, tokio_postgres::Error> {
    let version: i64 = tx
        .query_one(
            "UPDATE version_counter SET version = version + 1 RETURNING version",
            &[],
        )
        .await?
        .get(0);
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO entity ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (kind, key) DO UPDATE SET exam_id = excluded.exam_id, version = excluded.version, \
                 deleted = excluded.deleted, station_id = excluded.station_id, body = excluded.body \
                 RETURNING {COLUMNS}"
            ),
            &[&kind.as_str(), &key, &exam_id, &version, &deleted, &station, &body],
        )
        .await?;
    Ok(row_to_entity(&row))
}
