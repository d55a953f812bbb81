//! The PostgreSQL pool and the schema: numbered migrations embedded from
//! `migrations/server/`, applied at start under an advisory lock. A database whose
//! schema is newer than this binary is refused rather than written to.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

/// The embedded migrations, in order; the number is the schema version they lead to.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "0001_init.sql",
        include_str!("../../../migrations/server/0001_init.sql"),
    ),
    (
        2,
        "0002_versions_by_transaction.sql",
        include_str!("../../../migrations/server/0002_versions_by_transaction.sql"),
    ),
    (
        3,
        "0003_copy_exports.sql",
        include_str!("../../../migrations/server/0003_copy_exports.sql"),
    ),
];

pub fn latest_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Every statement the server runs is a lookup by key or a short range on an index, so
/// it is planned once per connection: a fresh plan at each call (PostgreSQL's choice
/// for statements taking an array) cost as much as running them.
const GENERIC_PLANS: &str = "-c plan_cache_mode=force_generic_plan";

pub fn pool(database_url: &str, size: usize) -> Result<Pool, String> {
    let mut pg: tokio_postgres::Config = database_url
        .parse()
        .map_err(|e| format!("the database address is not valid: {e}"))?;
    let options = match pg.get_options() {
        Some(given) => format!("{given} {GENERIC_PLANS}"),
        None => GENERIC_PLANS.to_string(),
    };
    pg.options(options);
    let manager = Manager::from_config(
        pg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .build()
        .map_err(|e| format!("cannot build the database pool: {e}"))
}

const LOCK_ID: i64 = 0x006b_6f72_7269_676f;

/// Brings the schema up to date; refuses a schema newer than this binary.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<i32, String> {
    let db_err = |e: tokio_postgres::Error| format!("migrating the database failed: {e}");
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK_ID])
        .await
        .map_err(db_err)?;
    let result = migrate_locked(client).await;
    client
        .execute("SELECT pg_advisory_unlock($1)", &[&LOCK_ID])
        .await
        .map_err(db_err)?;
    result
}

async fn migrate_locked(client: &mut tokio_postgres::Client) -> Result<i32, String> {
    let db_err = |e: tokio_postgres::Error| format!("migrating the database failed: {e}");
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version (\
               version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await
        .map_err(db_err)?;
    let current: i32 = client
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])
        .await
        .map_err(db_err)?
        .get(0);
    let latest = latest_version();
    if current > latest {
        return Err(format!(
            "the database's schema is version {current}, newer than this server's {latest}: \
             run a newer korrigo-server"
        ));
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        let tx = client.transaction().await.map_err(db_err)?;
        tx.batch_execute(sql)
            .await
            .map_err(|e| format!("migration {name} failed: {e}"))?;
        tx.execute(
            "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        tracing::info!(version, name, "migration applied");
    }
    align_version_clock(client).await.map_err(db_err)?;
    Ok(latest)
}

/// Keeps new versions above every stored one. Versions follow transaction ids, which
/// start lower again when a dump is restored into another cluster; in a database that
/// was not restored this changes nothing.
async fn align_version_clock(client: &tokio_postgres::Client) -> Result<(), tokio_postgres::Error> {
    let moved = client
        .execute(
            "WITH cur AS (SELECT COALESCE(MAX(version), 0) / 1048576 AS top, \
                 pg_current_xact_id()::text::bigint AS xid FROM entity) \
             UPDATE version_clock SET xid_offset = cur.top + 1 - cur.xid FROM cur \
             WHERE cur.top >= cur.xid + xid_offset",
            &[],
        )
        .await?;
    if moved > 0 {
        tracing::warn!("stored versions were ahead of this cluster's transaction ids (a restored dump?): versions go on above them");
    }
    Ok(())
}
