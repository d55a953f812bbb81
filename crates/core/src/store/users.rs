//! The people who work at this station and their roles. There is no password here: the
//! OS session is the station's login, and the central server checks accounts for real.
//! The first user to open a new station becomes its admin; anyone not registered works
//! as a teacher.

use super::outbox::Change;
use super::{now, Store};
use crate::error::{Error, ErrorCode, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    Admin,
    Teacher,
    Operator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Operator => "operator",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Admin, Role::Teacher, Role::Operator]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StationUser {
    pub name: String,
    pub role: Role,
    pub added_at: String,
    pub added_by: String,
}

pub(crate) fn register_first_admin(conn: &Connection, actor: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO station_user (name, role, added_at, added_by) \
         SELECT ?1, 'admin', ?2, ?1 WHERE NOT EXISTS (SELECT 1 FROM station_user)",
        params![actor, now()],
    )?;
    Ok(())
}

impl Store {
    pub fn role_of(&self, user: &str) -> Result<Role> {
        let role: Option<String> = self
            .conn
            .query_row(
                "SELECT role FROM station_user WHERE name = ?1",
                [user],
                |r| r.get(0),
            )
            .optional()?;
        Ok(role.and_then(|r| Role::parse(&r)).unwrap_or(Role::Teacher))
    }

    /// Refuses (`unauthorized`) unless the acting user has one of `roles`.
    pub(crate) fn require(&self, roles: &[Role], what: &str) -> Result<()> {
        let role = self.role_of(&self.actor)?;
        if roles.contains(&role) {
            return Ok(());
        }
        Err(Error::new(
            ErrorCode::Unauthorized,
            format!(
                "{} is {} {} at this station and cannot {what}",
                self.actor,
                if role == Role::Admin { "an" } else { "a" },
                role.as_str()
            ),
        ))
    }

    /// Adds a user or changes their role (admins only).
    pub fn set_user(&mut self, name: &str, role: Role) -> Result<()> {
        self.require(&[Role::Admin], "manage the station's users")?;
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::validation("a user needs a name"));
        }
        if name == self.actor && role != Role::Admin {
            return Err(Error::validation(
                "you cannot take away your own admin role: ask another admin",
            ));
        }
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO station_user (name, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(name) DO UPDATE SET role = excluded.role",
            params![name, role.as_str(), now(), self.actor],
        )?;
        self.log_in(
            &tx,
            Change {
                name: "user.set",
                target: name,
                args: json!({ "name": name, "role": role }),
                base_version: None,
                lease_token: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn users(&self) -> Result<Vec<StationUser>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, added_at, added_by FROM station_user ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(StationUser {
                name: r.get(0)?,
                role: Role::parse(&r.get::<_, String>(1)?).unwrap_or(Role::Teacher),
                added_at: r.get(2)?,
                added_by: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
