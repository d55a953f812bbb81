//! The one error shape that crosses every boundary (CLI, desktop IPC, server):
//! `{code, message}` with a closed set of codes that callers switch on.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The closed set of error codes. The UI switches on these; the CLI maps them to exit
/// codes. Adding one is a wire change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    LeaseLost,
    Offline,
    Unauthorized,
    CorruptInput,
    Cancelled,
    Internal,
}

impl ErrorCode {
    /// Process exit code of the CLI for this error (0 is success, 1 is reserved for
    /// argument errors reported by the argument parser itself).
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorCode::Validation => 2,
            ErrorCode::NotFound => 3,
            ErrorCode::Conflict => 4,
            ErrorCode::LeaseLost => 5,
            ErrorCode::Offline => 6,
            ErrorCode::Unauthorized => 7,
            ErrorCode::CorruptInput => 8,
            ErrorCode::Cancelled => 9,
            ErrorCode::Internal => 10,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Validation => "validation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::LeaseLost => "lease_lost",
            ErrorCode::Offline => "offline",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::CorruptInput => "corrupt_input",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Internal => "internal",
        }
    }
}

/// An error as the user sees it: a code and a message that names the file, row or
/// page at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error, ts_rs::TS)]
#[ts(export, rename = "AppError")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    pub fn corrupt_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::CorruptInput, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
    pub fn cancelled() -> Self {
        Self::new(
            ErrorCode::Cancelled,
            "cancelled by the user; nothing was stored",
        )
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::internal(format!("station database: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::internal(format!("stored JSON: {e}"))
    }
}
