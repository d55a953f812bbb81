//! The central server: accounts and roles, the sync API stations push to and pull from,
//! server-granted leases with fencing tokens, media by sha256, health, metrics and audit.
//!
//! Everything a station sends is checked here against the caller's role and the copy's
//! lease: the server trusts no client's word. Each pushed mutation is applied in its own
//! savepoint and committed with its outcome (in short runs), so an accepted change is
//! never lost nor applied twice.

pub mod accounts;
pub mod app;
pub mod apply;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod epoch;
pub mod error;
pub mod limiter;
pub mod metrics;
pub mod prepared;
pub mod routes;

pub use app::{serve, AppState, Server};
pub use config::Config;
