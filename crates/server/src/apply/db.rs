//! The transaction a run of mutations is applied in, with what the run already read or
//! wrote and the rank of its next write (see `entities`). A run holds the scope locks of
//! everything it touches, so an entity read once in a run stays as read unless the run
//! itself writes it, which updates the cache. A refused mutation rolls back its writes:
//! the cache is then dropped whole.

use korrigo_core::sync::{Entity, EntityKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

pub type Tx<'b> = deadpool_postgres::Transaction<'b>;

/// Ranks stay below this, so that a transaction's versions never reach the next one's.
const MAX_RANK: i64 = 1 << 20;

#[derive(Debug, Default)]
pub struct Cache {
    entities: Mutex<HashMap<(EntityKind, String), Option<Entity>>>,
    writes: AtomicI64,
}

pub struct Db<'a, 'b> {
    pub tx: &'a Tx<'b>,
    cache: &'a Cache,
}

impl std::fmt::Debug for Db<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

impl<'a, 'b> Db<'a, 'b> {
    pub fn new(tx: &'a Tx<'b>, cache: &'a Cache) -> Self {
        Db { tx, cache }
    }

    /// The plain transaction, for what takes a `GenericClient` (the audit log).
    pub fn client(&self) -> &tokio_postgres::Transaction<'b> {
        self.tx
    }

    pub async fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, tokio_postgres::Error> {
        let stmt = self.tx.prepare_cached(sql).await?;
        self.tx.query_opt(&stmt, params).await
    }

    pub async fn query_one(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, tokio_postgres::Error> {
        let stmt = self.tx.prepare_cached(sql).await?;
        self.tx.query_one(&stmt, params).await
    }

    /// The rank of the transaction's next write. A push body is at most 16 MiB and every
    /// entity it writes takes well over 16 bytes of it, so no run reaches `MAX_RANK`.
    pub fn next_rank(&self) -> i64 {
        let rank = self.cache.writes.fetch_add(1, Ordering::Relaxed);
        assert!(rank < MAX_RANK, "a run writes at most {MAX_RANK} entities");
        rank
    }

    pub fn cached(&self, kind: EntityKind, key: &str) -> Option<Option<Entity>> {
        self.cache
            .entities
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(kind, key.to_string()))
            .cloned()
    }

    pub fn remember(&self, kind: EntityKind, key: &str, entity: Option<Entity>) {
        self.cache
            .entities
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((kind, key.to_string()), entity);
    }

    pub fn forget_all(&self) {
        self.cache
            .entities
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}
