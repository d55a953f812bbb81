//! Requests and responses of the sync API (`/api/v1/...`), as JSON.
//!
//! Invariants: a station's mutations carry a dense `seq` starting at 1; the server keeps,
//! per station, the outcome of every seq it accepted, so a repeated push returns the
//! stored outcome instead of applying twice. Versions come from one server counter and
//! only grow, except across a restore from backup, which changes `server_epoch`.

use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};

/// Sent with every push; the server refuses a protocol it does not speak.
pub const PROTOCOL_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerRole {
    Admin,
    Teacher,
    Operator,
    Student,
}

impl ServerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ServerRole::Admin => "admin",
            ServerRole::Teacher => "teacher",
            ServerRole::Operator => "operator",
            ServerRole::Student => "student",
        }
    }
    pub fn parse(s: &str) -> Option<ServerRole> {
        Some(match s {
            "admin" => ServerRole::Admin,
            "teacher" => ServerRole::Teacher,
            "operator" => ServerRole::Operator,
            "student" => ServerRole::Student,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
    /// The station this token is for (its `station_id`); `None` for a web session.
    pub station_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub login: String,
    pub role: ServerRole,
    pub server_epoch: String,
}

/// One change made on a station, as its outbox recorded it, with what the station knew
/// of the server when it made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mutation {
    pub seq: i64,
    /// The outbox row's id (a UUID), kept with the outcome.
    pub id: String,
    pub name: String,
    pub target: String,
    pub args: serde_json::Value,
    /// The server version of the entity the change was made on, `None` if the station
    /// never had it from the server.
    pub base_version: Option<i64>,
    /// The station's token of the lease the change was made under.
    pub lease_token: Option<i64>,
    /// The state of the exam or copy after the change, for changes of structure
    /// (import, identification, flags, joins, finalizing, the barème, the roster).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub protocol: u32,
    pub station_id: String,
    /// The epoch the station last saw; `None` on its first push.
    pub server_epoch: Option<String>,
    pub mutations: Vec<Mutation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeStatus {
    Applied,
    /// Kept on the server as a conflict; the domain was left untouched.
    Conflict,
    /// Refused (role, validation…); `code` says why.
    Rejected,
}

impl OutcomeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeStatus::Applied => "applied",
            OutcomeStatus::Conflict => "conflict",
            OutcomeStatus::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<OutcomeStatus> {
        Some(match s {
            "applied" => OutcomeStatus::Applied,
            "conflict" => OutcomeStatus::Conflict,
            "rejected" => OutcomeStatus::Rejected,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub seq: i64,
    pub status: OutcomeStatus,
    /// Set for conflicts and rejections.
    pub code: Option<ErrorCode>,
    pub message: Option<String>,
    /// The server versions this mutation wrote (applied) or that won (conflict).
    pub entities: Vec<Entity>,
    /// This outcome was stored by an earlier push of the same seq.
    #[serde(default)]
    pub duplicate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub server_epoch: String,
    /// The last seq of this station the server has an outcome for.
    pub last_seq: i64,
    pub outcomes: Vec<Outcome>,
    /// Set when the batch stopped early (a gap in seq): the seq the server expects next.
    pub expected_seq: Option<i64>,
}

/// One entity at one server version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub kind: crate::sync::EntityKind,
    pub key: String,
    pub exam_id: String,
    pub version: i64,
    pub deleted: bool,
    /// The station whose change wrote this version (`None` for the server itself).
    pub station_id: Option<String>,
    pub body: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub server_epoch: String,
    pub entities: Vec<Entity>,
    /// Where to pull from next.
    pub next: i64,
    /// More pages wait beyond `next`.
    pub more: bool,
}

/// What the server knows of a station: its epoch and the last seq it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationCursor {
    pub server_epoch: String,
    pub last_seq: i64,
}
