//! What only an admin does on the server: create accounts, force-release a lease,
//! release an exam's results, and read the audit log.

use crate::app::AppState;
use crate::apply::{self, Ctx, Fail};
use crate::audit;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::routes::client_ip;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use korrigo_core::sync::{EntityKind, ServerRole};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Debug, Deserialize)]
pub struct NewAccount {
    login: String,
    password: String,
    role: ServerRole,
    email: Option<String>,
}

pub async fn create_account(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Json(a): Json<NewAccount>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    caller.require(&[ServerRole::Admin], "create accounts")?;
    let client = state.pool.get().await?;
    let id = crate::accounts::create(&**client, &a.login, &a.password, a.role, a.email.as_deref())
        .await?;
    audit::record(
        &**client,
        Some(&caller.login),
        None,
        "account.create",
        Some(&a.login),
        json!({ "role": a.role }),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "id": id, "login": a.login.trim(), "role": a.role })),
    ))
}

#[derive(Debug, Deserialize, Default)]
pub struct ForceRelease {
    reason: Option<String>,
}

pub async fn force_release(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    caller: Caller,
    Path(copy_id): Path<String>,
    body: Option<Json<ForceRelease>>,
) -> ApiResult<Json<Value>> {
    caller.require(&[ServerRole::Admin], "force-release a lease")?;
    let ip = client_ip(&state, peer, &headers);
    let reason = body.and_then(|b| b.0.reason);
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    apply::lock_copy(&tx, &copy_id).await?;
    let ctx = Ctx {
        login: &caller.login,
        role: caller.role,
        station: "server",
        ip: Some(&ip),
        now: time::OffsetDateTime::now_utc(),
    };
    let cache = apply::Cache::default();
    let entities = match apply::force_release(
        &apply::Db::new(&tx, &cache),
        &ctx,
        &copy_id,
        reason.as_deref(),
    )
    .await
    {
        Ok(e) => e,
        Err(Fail::Db(e)) => return Err(e.into()),
        Err(Fail::Refused(apply::Decision::Rejected { code, message }))
        | Err(Fail::Refused(apply::Decision::Conflict { code, message, .. })) => {
            return Err(korrigo_core::Error::new(code, message).into())
        }
        Err(Fail::Refused(apply::Decision::Applied(_))) => {
            return Err(ApiError::internal("a refusal that applied"))
        }
    };
    tx.commit().await?;
    if let Some(v) = entities.iter().map(|e| e.version).max() {
        state.mark(v).await;
    }
    Ok(Json(json!({ "copy_id": copy_id, "entities": entities })))
}

pub async fn release_exam(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(exam_id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require(&[ServerRole::Admin], "release results")?;
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    apply::lock_exam(&tx, &exam_id).await?;
    let cache = apply::Cache::default();
    let db = apply::Db::new(&tx, &cache);
    let exam = apply::get_entity(&db, EntityKind::Exam, &exam_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("exam {exam_id} is not on the server")))?;
    let mut body = exam.body.clone();
    body["released_at"] = json!(korrigo_core::store::format_time(
        time::OffsetDateTime::now_utc()
    ));
    let entity =
        apply::put_entity(&db, EntityKind::Exam, &exam_id, &exam_id, body, false, None).await?;
    audit::record(
        &*tx,
        Some(&caller.login),
        None,
        "exam.release",
        Some(&exam_id),
        json!({ "version": entity.version }),
    )
    .await?;
    tx.commit().await?;
    state.mark(entity.version).await;
    Ok(Json(
        json!({ "exam_id": exam_id, "version": entity.version }),
    ))
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    action: Option<String>,
    limit: Option<i64>,
}

pub async fn audit(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    caller.require(&[ServerRole::Admin], "read the audit log")?;
    let client = state.pool.get().await?;
    let rows = client
        .query(
            "SELECT at::text, account, ip, action, target, detail FROM audit \
             WHERE ($1::text IS NULL OR action = $1) ORDER BY id DESC LIMIT $2",
            &[&q.action, &q.limit.unwrap_or(200).clamp(1, 10_000)],
        )
        .await?;
    Ok(Json(
        rows.iter()
            .map(|r| {
                json!({ "at": r.get::<_, String>(0), "account": r.get::<_, Option<String>>(1),
                        "ip": r.get::<_, Option<String>>(2), "action": r.get::<_, String>(3),
                        "target": r.get::<_, Option<String>>(4), "detail": r.get::<_, Value>(5) })
            })
            .collect(),
    ))
}
