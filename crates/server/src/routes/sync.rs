//! The sync endpoints: where a station stands, push and pull.
//!
//! Push: each mutation in its own savepoint, committed in short runs with the station
//! row and the run's scopes locked, keyed by (station, seq). A seq already known answers
//! its stored outcome; a gap stops the batch; a refusal rolls back to a savepoint and
//! is stored as `conflict` (with a conflict entity every station pulls) or `rejected`.
//! A push made under an older epoch applies nothing: the station must first replay what
//! the restored server lost.
//!
//! Pull: the entities changed after the station's cursor, in version order, below the
//! horizon (see `apply::HORIZON`), so that no version can appear behind a cursor.

use crate::app::AppState;
use crate::apply::{self, put_entity, row_to_entity, Cache, Ctx, Db, Decision};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::prepared;
use crate::routes::client_ip;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use korrigo_core::sync::{
    ConflictState, Entity, EntityKind, Mutation, Outcome, OutcomeStatus, PullResponse, PushRequest,
    PushResponse, ServerRole, StationCursor, PROTOCOL_VERSION,
};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const MAX_BATCH: usize = 1000;

fn station_of(caller: &Caller, asked: &str) -> ApiResult<()> {
    match &caller.station_id {
        Some(s) if s == asked => Ok(()),
        Some(s) => Err(ApiError::forbidden(format!(
            "this token belongs to station {s}, not to station {asked}"
        ))),
        None => Err(ApiError::forbidden(
            "this token was not issued to a station: sign in from the station",
        )),
    }
}

#[derive(Debug, Deserialize)]
pub struct StationQuery {
    station_id: String,
}

pub async fn station(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<StationQuery>,
) -> ApiResult<Json<StationCursor>> {
    station_of(&caller, &q.station_id)?;
    let client = state.pool.get().await?;
    let last_seq = prepared::opt(
        &client,
        "SELECT last_seq FROM station WHERE id = $1",
        &[&q.station_id],
    )
    .await?
    .map_or(0, |r| r.get(0));
    Ok(Json(StationCursor {
        server_epoch: state.epoch(),
        last_seq,
    }))
}

fn outcome_of(seq: i64, d: Decision, conflict: Option<Entity>) -> Outcome {
    match d {
        Decision::Applied(entities) => Outcome {
            seq,
            status: OutcomeStatus::Applied,
            code: None,
            message: None,
            entities,
            duplicate: false,
        },
        Decision::Conflict {
            code,
            message,
            mut winners,
        } => {
            winners.extend(conflict);
            Outcome {
                seq,
                status: OutcomeStatus::Conflict,
                code: Some(code),
                message: Some(message),
                entities: winners,
                duplicate: false,
            }
        }
        Decision::Rejected { code, message } => Outcome {
            seq,
            status: OutcomeStatus::Rejected,
            code: Some(code),
            message: Some(message),
            entities: Vec::new(),
            duplicate: false,
        },
    }
}

async fn stored_outcome(
    client: &impl deadpool_postgres::GenericClient,
    station: &str,
    seq: i64,
) -> ApiResult<Outcome> {
    let row = prepared::opt(
        client,
        "SELECT outcome FROM mutation_log WHERE station_id = $1 AND seq = $2",
        &[&station, &seq],
    )
    .await?
    .ok_or_else(|| {
        ApiError::internal(format!(
            "the outcome of station {station} seq {seq} is missing"
        ))
    })?;
    let mut o: Outcome = serde_json::from_value(row.get(0))
        .map_err(|e| ApiError::internal(format!("stored outcome of seq {seq} is damaged: {e}")))?;
    o.duplicate = true;
    Ok(o)
}

/// Applies a run of consecutive new mutations: each in its own savepoint (a refusal
/// rolls back that mutation alone), committed together with their outcomes and the
/// station's `last_seq`. The run first locks its station's row (creating it on the
/// station's first push), then the scopes of the copies
/// and exams it touches (`apply::lock_scopes`); runs of other copies go on meanwhile.
/// Seqs another push of the same station applied meanwhile answer their stored outcome.
async fn apply_group(
    state: &AppState,
    client: &mut deadpool_postgres::Object,
    caller: &Caller,
    ip: &str,
    req: &PushRequest,
    group: &[Mutation],
) -> ApiResult<Vec<Outcome>> {
    let mut tx = client.transaction().await?;
    let mut last: i64 = prepared::one(
        &tx,
        "INSERT INTO station (id, last_account) VALUES ($1, $2) \
         ON CONFLICT (id) DO UPDATE SET last_seen = now() RETURNING last_seq",
        &[&req.station_id, &caller.account_id],
    )
    .await?
    .get(0);
    let graded = apply::lock_scopes(&tx, group).await?;
    let ctx = Ctx {
        login: &caller.login,
        role: caller.role,
        station: &req.station_id,
        ip: Some(ip),
        now: OffsetDateTime::now_utc(),
    };
    let cache = Cache::default();
    apply::prefetch_copies(&Db::new(&tx, &cache), &graded).await?;
    let mut outcomes = Vec::with_capacity(group.len());
    let mut logged: Vec<(&Mutation, serde_json::Value)> = Vec::with_capacity(group.len());
    for m in group {
        if m.seq <= last {
            outcomes.push(stored_outcome(&tx, &req.station_id, m.seq).await?);
            continue;
        }
        if m.seq != last + 1 {
            break;
        }
        let decision = if apply::needs_savepoint(&m.name) {
            let sp = tx.savepoint("mutation").await?;
            let decision = apply::apply(&Db::new(&sp, &cache), &ctx, m).await?;
            match decision {
                Decision::Applied(_) => sp.commit().await?,
                _ => sp.rollback().await?,
            }
            decision
        } else {
            apply::apply(&Db::new(&tx, &cache), &ctx, m).await?
        };
        let conflict = match &decision {
            Decision::Conflict {
                code,
                message,
                winners,
            } => {
                let body = ConflictState {
                    id: uuid::Uuid::now_v7().to_string(),
                    station_id: req.station_id.clone(),
                    account: caller.login.clone(),
                    seq: m.seq,
                    mutation_id: m.id.clone(),
                    name: m.name.clone(),
                    target: m.target.clone(),
                    args: m.args.clone(),
                    reason: format!("{}: {message}", code.as_str()),
                    at: korrigo_core::store::format_time(ctx.now),
                };
                let exam_id = winners.first().map_or(String::new(), |w| w.exam_id.clone());
                Some(
                    put_entity(
                        &Db::new(&tx, &cache),
                        EntityKind::Conflict,
                        &body.id,
                        &exam_id,
                        json!(body),
                        false,
                        Some(&req.station_id),
                    )
                    .await?,
                )
            }
            _ => None,
        };
        let outcome = outcome_of(m.seq, decision, conflict);
        let stored =
            serde_json::to_value(&outcome).map_err(|e| ApiError::internal(e.to_string()))?;
        logged.push((m, stored));
        last = m.seq;
        outcomes.push(outcome);
    }
    let seqs: Vec<i64> = logged.iter().map(|(m, _)| m.seq).collect();
    let ids: Vec<&str> = logged.iter().map(|(m, _)| m.id.as_str()).collect();
    let names: Vec<&str> = logged.iter().map(|(m, _)| m.name.as_str()).collect();
    let targets: Vec<&str> = logged.iter().map(|(m, _)| m.target.as_str()).collect();
    let stored: Vec<&serde_json::Value> = logged.iter().map(|(_, o)| o).collect();
    let statuses: Vec<&str> = outcomes
        .iter()
        .filter(|o| !o.duplicate)
        .map(|o| o.status.as_str())
        .collect();
    prepared::exec(
        &tx,
        "WITH log AS (INSERT INTO mutation_log \
           (station_id, seq, mutation_id, name, target, account_id, status, outcome) \
           SELECT $1, u.seq, u.id, u.name, u.target, $2, u.status, u.outcome \
           FROM UNNEST($3::int8[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[]) \
           AS u(seq, id, name, target, status, outcome)) \
         UPDATE station SET last_seq = $9, last_seen = now(), last_account = $2 WHERE id = $1",
        &[
            &req.station_id,
            &caller.account_id,
            &seqs,
            &ids,
            &names,
            &targets,
            &statuses,
            &stored,
            &last,
        ],
    )
    .await?;
    tx.commit().await?;
    for o in outcomes.iter().filter(|o| !o.duplicate) {
        state.metrics.mutation(o.status.as_str());
    }
    if let Some(v) = outcomes
        .iter()
        .flat_map(|o| o.entities.iter().map(|e| e.version))
        .max()
    {
        state.mark(v);
    }
    Ok(outcomes)
}

/// Mutations committed together (each still in its own savepoint).
const GROUP: usize = 100;

pub async fn push(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    caller: Caller,
    Json(req): Json<PushRequest>,
) -> ApiResult<Json<PushResponse>> {
    let started = Instant::now();
    if req.protocol != PROTOCOL_VERSION {
        return Err(ApiError::validation(format!(
            "the station speaks sync protocol {}, this server {PROTOCOL_VERSION}: update one of them",
            req.protocol
        )));
    }
    if caller.role == ServerRole::Student {
        return Err(ApiError::forbidden("students do not push changes"));
    }
    station_of(&caller, &req.station_id)?;
    if req.mutations.len() > MAX_BATCH {
        return Err(ApiError::validation(format!(
            "a push carries at most {MAX_BATCH} mutations, not {}",
            req.mutations.len()
        )));
    }
    let ip = client_ip(&state, peer, &headers);
    let mut client = state.pool.get().await?;
    let last_seq: i64 = prepared::opt(
        &client,
        "SELECT last_seq FROM station WHERE id = $1",
        &[&req.station_id],
    )
    .await?
    .map_or(0, |r| r.get(0));
    let epoch = state.epoch();
    let mut response = PushResponse {
        server_epoch: epoch.clone(),
        last_seq,
        outcomes: Vec::new(),
        expected_seq: None,
    };
    if req.server_epoch.as_ref().is_some_and(|e| *e != epoch) {
        response.expected_seq = Some(last_seq + 1);
        return Ok(Json(response));
    }
    let mut rest: &[Mutation] = &req.mutations;
    while let Some(m) = rest.first() {
        if m.seq <= response.last_seq {
            response
                .outcomes
                .push(stored_outcome(&client, &req.station_id, m.seq).await?);
            rest = &rest[1..];
            continue;
        }
        if m.seq != response.last_seq + 1 {
            response.expected_seq = Some(response.last_seq + 1);
            break;
        }
        let run = rest
            .iter()
            .take(GROUP)
            .zip(m.seq..)
            .take_while(|(m, seq)| m.seq == *seq)
            .count();
        let outcomes = apply_group(&state, &mut client, &caller, &ip, &req, &rest[..run]).await?;
        if outcomes.len() < run {
            let last = outcomes.last().map_or(response.last_seq, |o| o.seq);
            response.outcomes.extend(outcomes);
            response.last_seq = last;
            response.expected_seq = Some(last + 1);
            break;
        }
        response.last_seq = outcomes.last().map_or(response.last_seq, |o| o.seq);
        response.outcomes.extend(outcomes);
        rest = &rest[run..];
    }
    state.metrics.push_latency(started.elapsed().as_secs_f64());
    Ok(Json(response))
}

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    since: i64,
    limit: Option<i64>,
}

/// How long a pull waits for the writes committed before it to fall below the horizon.
const HORIZON_WAIT: Duration = Duration::from_secs(2);

/// The horizon a pull reads below (see `apply::HORIZON`), once it has passed every write
/// committed before the pull began, so that a station that pulls right after another
/// one pushed sees that push. A write still running keeps the horizon under it only for
/// as long as it runs; past `HORIZON_WAIT` the pull answers what is below the horizon.
async fn horizon_past_newest(client: &deadpool_postgres::Object, since: i64) -> ApiResult<i64> {
    let row = prepared::one(
        client,
        &format!(
            "SELECT (SELECT COALESCE(MAX(version), 0) FROM entity), ({})",
            apply::HORIZON
        ),
        &[],
    )
    .await?;
    let newest: i64 = row.get(0);
    let mut horizon: i64 = row.get(1);
    let deadline = Instant::now() + HORIZON_WAIT;
    while horizon <= newest && newest > since && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
        horizon = prepared::one(client, apply::HORIZON, &[]).await?.get(0);
    }
    Ok(horizon)
}

pub async fn pull(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<PullQuery>,
) -> ApiResult<Json<PullResponse>> {
    if caller.role == ServerRole::Student {
        return Err(ApiError::forbidden(
            "students see their copies on the portal, not through sync",
        ));
    }
    let limit = q.limit.unwrap_or(500).clamp(1, 5000);
    let client = state.pool.get().await?;
    let horizon = horizon_past_newest(&client, q.since).await?;
    let rows = prepared::all(
        &client,
        &format!(
            "SELECT {} FROM entity WHERE version > $1 AND version < $3 ORDER BY version LIMIT $2",
            apply::ENTITY_COLUMNS
        ),
        &[&q.since, &(limit + 1), &horizon],
    )
    .await?;
    let more = rows.len() as i64 > limit;
    let entities: Vec<Entity> = rows
        .iter()
        .take(limit as usize)
        .map(row_to_entity)
        .collect();
    let next = entities.last().map_or(q.since, |e| e.version);
    Ok(Json(PullResponse {
        server_epoch: state.epoch(),
        entities,
        next,
        more,
    }))
}
