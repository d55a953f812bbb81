//! Passwords (argon2id, PHC strings), bearer tokens (random, kept hashed) and the
//! `Caller` every protected endpoint extracts: who calls, with which role, for which
//! station. Hashing runs on the blocking pool: it is slow on purpose.

use crate::app::AppState;
use crate::error::ApiError;
use crate::prepared;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use korrigo_core::sync::ServerRole;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::internal(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

/// Checks a password against a stored hash; a damaged hash never matches.
pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: i64,
    pub login: String,
    pub role: ServerRole,
    /// The station the token was issued to, if any.
    pub station_id: Option<String>,
    pub token_hash: String,
}

impl Caller {
    pub fn require(&self, roles: &[ServerRole], what: &str) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "{} ({}) may not {what}",
                self.login,
                self.role.as_str()
            )))
        }
    }
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers)
            .ok_or_else(|| ApiError::unauthorized("sign in first: no bearer token was sent"))?;
        let hash = token_hash(token);
        let client = state.pool.get().await?;
        let row = prepared::opt(&client, "SELECT a.id, a.login, a.role, t.station_id FROM access_token t \
                 JOIN account a ON a.id = t.account_id \
                 WHERE t.token_hash = $1 AND NOT t.revoked AND t.expires_at > now() AND NOT a.disabled",
                &[&hash],
            )
            .await?
            .ok_or_else(|| ApiError::unauthorized("the token is unknown, expired or revoked: sign in again"))?;
        let role: String = row.get(2);
        Ok(Caller {
            account_id: row.get(0),
            login: row.get(1),
            role: ServerRole::parse(&role)
                .ok_or_else(|| ApiError::internal(format!("stored role '{role}' is unknown")))?,
            station_id: row.get(3),
            token_hash: hash,
        })
    }
}
