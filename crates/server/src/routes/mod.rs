//! The HTTP endpoints, one file per area. Handlers parse, check the caller, and call the
//! logic; every error leaves as `{code, message}`.

pub mod admin;
pub mod health;
pub mod login;
pub mod media;
pub mod sync;

use crate::app::AppState;
use axum::http::HeaderMap;
use std::net::SocketAddr;

/// The client's address: the socket's, or the first `X-Forwarded-For` hop when the
/// configuration trusts a reverse proxy.
pub fn client_ip(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> String {
    if state.config.trust_forwarded_for {
        if let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            return ip.to_string();
        }
    }
    peer.ip().to_string()
}
