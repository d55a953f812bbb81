//! The append-only audit trail: who did what to which target, when, from which station.
//! Rows are written inside the transaction of the change they describe.

use super::{now, Store};
use crate::error::Result;
use crate::model::new_id;
use rusqlite::{params, Connection};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub station: String,
    pub action: String,
    pub target: String,
    pub detail: serde_json::Value,
}

impl Store {
    pub(crate) fn audit_in(
        &self,
        conn: &Connection,
        action: &str,
        target: &str,
        detail: serde_json::Value,
    ) -> Result<()> {
        conn.execute(
            "INSERT INTO audit (id, at, actor, station, action, target, detail_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![new_id().to_string(), now(), self.actor, self.station_id, action, target, detail.to_string()],
        )?;
        Ok(())
    }

    /// The audit entries about one target, oldest first.
    pub fn audit_of(&self, target: &str) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, actor, station, action, target, detail_json FROM audit WHERE target = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([target], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (at, actor, station, action, target, detail) = row?;
            out.push(AuditEntry {
                at,
                actor,
                station,
                action,
                target,
                detail: serde_json::from_str(&detail)?,
            });
        }
        Ok(out)
    }
}
