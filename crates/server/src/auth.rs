//! Passwords (argon2id, PHC strings), bearer tokens (random, kept hashed) and the
//! `Caller` every protected endpoint extracts: who calls, with which role, for which
//! station. Hashing runs on the blocking pool: it is slow on purpose.
//!
//! A token looked up in PostgreSQL is remembered for `CALLER_TTL` at most, and never
//! past its expiry: a syncing station sends requests back to back, and the lookup would
//! otherwise be one more round trip to the database for each. Logging out forgets the
//! token at once; a token revoked or an account disabled in the database by other means
//! stops working within `CALLER_TTL`.

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
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a looked-up token is trusted without asking PostgreSQL again.
pub const CALLER_TTL: Duration = Duration::from_secs(5);

/// Beyond this many remembered tokens, the expired ones are dropped.
const CALLERS_KEPT: usize = 10_000;

/// Callers recently looked up, by token hash, with the instant they stop being trusted.
#[derive(Debug, Default)]
pub struct Callers {
    known: Mutex<HashMap<String, (Caller, Instant)>>,
}

impl Callers {
    fn get(&self, hash: &str) -> Option<Caller> {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known
            .get(hash)
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(caller, _)| caller.clone())
    }

    fn remember(&self, caller: &Caller, token_left: Duration) {
        let now = Instant::now();
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= CALLERS_KEPT {
            known.retain(|_, (_, until)| now < *until);
        }
        known.insert(
            caller.token_hash.clone(),
            (caller.clone(), now + token_left.min(CALLER_TTL)),
        );
    }

    /// Stops trusting a token at once (logout).
    pub fn forget(&self, hash: &str) {
        self.known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(hash);
    }
}

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
        if let Some(caller) = state.callers.get(&hash) {
            return Ok(caller);
        }
        let client = state.pool.get().await?;
        let row = prepared::opt(
            &client,
            "SELECT a.id, a.login, a.role, t.station_id, \
                    EXTRACT(EPOCH FROM t.expires_at - now())::float8 FROM access_token t \
             JOIN account a ON a.id = t.account_id \
             WHERE t.token_hash = $1 AND NOT t.revoked AND t.expires_at > now() AND NOT a.disabled",
            &[&hash],
        )
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized("the token is unknown, expired or revoked: sign in again")
        })?;
        let role: String = row.get(2);
        let caller = Caller {
            account_id: row.get(0),
            login: row.get(1),
            role: ServerRole::parse(&role)
                .ok_or_else(|| ApiError::internal(format!("stored role '{role}' is unknown")))?,
            station_id: row.get(3),
            token_hash: hash,
        };
        let left: f64 = row.get(4);
        state
            .callers
            .remember(&caller, Duration::from_secs_f64(left.max(0.0)));
        Ok(caller)
    }
}
