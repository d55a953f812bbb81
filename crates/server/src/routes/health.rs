//! Liveness (always 200), readiness (200 when PostgreSQL answers, else 503), and the
//! Prometheus metrics behind their own bearer token.

use crate::app::AppState;
use crate::auth::bearer;
use crate::error::{ApiError, ApiResult};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

pub async fn live() -> impl IntoResponse {
    Json(json!({ "status": "live" }))
}

pub async fn ready(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let check = async {
        let client = state.pool.get().await.map_err(|e| e.to_string())?;
        client
            .query_one("SELECT 1", &[])
            .await
            .map_err(|e| e.to_string())
    };
    match tokio::time::timeout(Duration::from_secs(2), check).await {
        Ok(Ok(_)) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "epoch": state.epoch() })),
        ),
        Ok(Err(e)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({ "code": "offline", "message": format!("the database does not answer: {e}") }),
            ),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "code": "offline", "message": "the database did not answer within 2 s" })),
        ),
    }
}

pub async fn metrics(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return Err(ApiError::forbidden(
            "metrics are closed: no metrics_token is configured",
        ));
    };
    let given = bearer(&headers).unwrap_or_default();
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(ApiError::unauthorized("metrics need the metrics token"));
    }
    let version = match state.pool.get().await {
        Ok(c) => crate::epoch::counter(&**c).await.unwrap_or(-1),
        Err(_) => -1,
    };
    let status = state.pool.status();
    let body = state.metrics.render(version, status.size, status.available);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body))
}
