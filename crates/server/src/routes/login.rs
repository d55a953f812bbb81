//! Logging in and out. A login is refused outright when its IP or its account used up
//! 5 failed attempts in 15 minutes (429 with Retry-After); otherwise the password is
//! checked (always a full argon2 check, even for an unknown login), and a success hands
//! out a bearer token, bound to the station that asked for it. Every attempt is audited.

use crate::app::AppState;
use crate::audit;
use crate::auth::{new_token, token_hash, verify_password, Caller};
use crate::error::{ApiError, ApiResult};
use crate::routes::client_ip;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use korrigo_core::sync::{LoginRequest, LoginResponse, ServerRole};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

pub async fn login(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    let ip = client_ip(&state, peer, &headers);
    let login = req.login.trim().to_lowercase();
    let keys = [format!("ip:{ip}"), format!("account:{login}")];
    let now = Instant::now();
    for key in &keys {
        if let Err(wait) = state.limiter.check(key, now) {
            state.metrics.login("limited");
            let client = state.pool.get().await?;
            audit::record(
                &**client,
                Some(&login),
                Some(&ip),
                "login.limited",
                None,
                json!({ "key": key }),
            )
            .await?;
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                korrigo_core::error::ErrorCode::Unauthorized,
                format!(
                    "too many failed sign-ins: try again in {} minutes",
                    wait.as_secs().div_ceil(60)
                ),
            );
            e.retry_after = Some(wait.as_secs().max(1));
            return Err(e);
        }
    }
    let client = state.pool.get().await?;
    let row = client
        .query_opt(
            "SELECT id, login, role, password_hash, disabled FROM account WHERE lower(login) = $1",
            &[&login],
        )
        .await?;
    let hash = row
        .as_ref()
        .map_or_else(|| state.dummy_hash.clone(), |r| r.get::<_, String>(3));
    let password_ok = verify_password(req.password.clone(), hash).await;
    let account = row.filter(|r| password_ok && !r.get::<_, bool>(4));
    let Some(account) = account else {
        for key in &keys {
            state.limiter.record_failure(key, now);
        }
        state.metrics.login("failed");
        audit::record(
            &**client,
            Some(&login),
            Some(&ip),
            "login.failed",
            None,
            json!({}),
        )
        .await?;
        return Err(ApiError::unauthorized("wrong login or password"));
    };
    state.limiter.clear(&keys[1]);
    let token = new_token();
    let account_id: i64 = account.get(0);
    let days = state.config.token_days;
    client
        .execute(
            "INSERT INTO access_token (token_hash, account_id, station_id, expires_at) \
             VALUES ($1, $2, $3, now() + make_interval(days => $4))",
            &[
                &token_hash(&token),
                &account_id,
                &req.station_id,
                &(days as i32),
            ],
        )
        .await?;
    let login: String = account.get(1);
    let role: String = account.get(2);
    state.metrics.login("ok");
    audit::record(
        &**client,
        Some(&login),
        Some(&ip),
        "login",
        req.station_id.as_deref(),
        json!({ "station": req.station_id }),
    )
    .await?;
    Ok(Json(LoginResponse {
        token,
        login,
        role: ServerRole::parse(&role)
            .ok_or_else(|| ApiError::internal(format!("stored role '{role}' is unknown")))?,
        server_epoch: state.epoch(),
    }))
}

pub async fn logout(State(state): State<Arc<AppState>>, caller: Caller) -> ApiResult<StatusCode> {
    let client = state.pool.get().await?;
    client
        .execute(
            "UPDATE access_token SET revoked = TRUE WHERE token_hash = $1",
            &[&caller.token_hash],
        )
        .await?;
    state.callers.forget(&caller.token_hash);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(caller: Caller) -> Json<serde_json::Value> {
    Json(json!({ "login": caller.login, "role": caller.role, "station_id": caller.station_id }))
}
