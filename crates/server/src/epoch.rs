//! The server epoch: an id that changes when the database is no longer the one the
//! stations talked to (restored from a backup). Stations that see a new epoch replay
//! what the server lost.
//!
//! Detection: the data directory keeps `high-water.json`, the epoch and the highest
//! version this server ever handed out, rewritten (temp file, then rename) after every
//! write. At start, a database whose epoch differs from the file's, or whose counter is
//! below the mark, was restored: it gets a new epoch. `korrigo-server rotate-epoch`
//! does the same by hand.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tokio_postgres::GenericClient;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighWater {
    pub epoch: String,
    pub version: i64,
}

fn mark_path(data_dir: &Path) -> PathBuf {
    data_dir.join("high-water.json")
}

pub fn read_mark(data_dir: &Path) -> Result<Option<HighWater>, String> {
    let path = mark_path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{} is damaged: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

pub fn write_mark(data_dir: &Path, mark: &HighWater) -> Result<(), String> {
    let path = mark_path(data_dir);
    let tmp = data_dir.join(".high-water.json.tmp");
    let text = serde_json::to_vec(mark).map_err(|e| e.to_string())?;
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub async fn current_epoch(
    client: &impl GenericClient,
) -> Result<Option<String>, tokio_postgres::Error> {
    Ok(client
        .query_opt("SELECT value FROM server_meta WHERE key = 'epoch'", &[])
        .await?
        .map(|r| r.get(0)))
}

/// The highest version stored: it only grows, unless the database went back in time.
pub async fn counter(client: &impl GenericClient) -> Result<i64, tokio_postgres::Error> {
    Ok(client
        .query_one("SELECT COALESCE(MAX(version), 0) FROM entity", &[])
        .await?
        .get(0))
}

pub async fn set_new_epoch(client: &impl GenericClient) -> Result<String, tokio_postgres::Error> {
    let epoch = uuid::Uuid::now_v7().to_string();
    client
        .execute(
            "INSERT INTO server_meta (key, value) VALUES ('epoch', $1) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&epoch],
        )
        .await?;
    Ok(epoch)
}

/// Settles the epoch at start: keeps it, or makes a new one if the database was
/// restored (or is new). Writes the mark; returns the epoch and the highest version.
pub async fn settle(client: &impl GenericClient, data_dir: &Path) -> Result<(String, i64), String> {
    let db = |e: tokio_postgres::Error| format!("reading the epoch failed: {e}");
    let epoch = current_epoch(client).await.map_err(db)?;
    let version = counter(client).await.map_err(db)?;
    let mark = read_mark(data_dir)?;
    let restored = match (&epoch, &mark) {
        (None, _) => true,
        (Some(e), Some(m)) => *e != m.epoch || version < m.version,
        (Some(_), None) => false,
    };
    let epoch = if restored {
        let new = set_new_epoch(client).await.map_err(db)?;
        if let (Some(old), Some(m)) = (&epoch, &mark) {
            tracing::warn!(old_epoch = %old, new_epoch = %new, counter = version, mark = m.version,
                "the database is behind what this server handed out (restored from a backup?): new epoch");
        }
        new
    } else {
        epoch.unwrap_or_default()
    };
    write_mark(
        data_dir,
        &HighWater {
            epoch: epoch.clone(),
            version,
        },
    )?;
    Ok((epoch, version))
}
