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
use crate::apply::{self, put_entity, Cache, Ctx, Db, Decision};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::prepared;
use crate::routes::client_ip;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use korrigo_core::sync::{
    ConflictState, Entity, EntityKind, Mutation, Outcome, OutcomeStatus, PushRequest, PushResponse,
    ServerRole, StationCursor, PROTOCOL_VERSION,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use serde_json::value::RawValue;
use std::net::SocketAddr;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio_postgres::types::ToSql;

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

/// Applies a run of consecutive mutations: each new one in its own savepoint (a refusal
/// rolls back that mutation alone), committed together with their outcomes and the
/// station's `last_seq`. The run first locks its station's row (creating it on the
/// station's first push), then the scopes of the copies
/// and exams it touches (`apply::Scopes`); runs of other copies go on meanwhile.
/// Seqs already applied (a retried push, or another push of the same station meanwhile)
/// answer their stored outcome; a seq past the next one stops the run. Returns the
/// station's last seq with the outcomes.
async fn apply_group(
    state: &AppState,
    client: &mut deadpool_postgres::Object,
    caller: &Caller,
    ip: &str,
    req: &PushRequest,
    group: &[Mutation],
) -> ApiResult<(i64, Vec<Outcome>)> {
    let mut tx = client.transaction().await?;
    let scopes = apply::Scopes::of(group);
    let station_params: [&(dyn ToSql + Sync); 1] = [&req.station_id];
    let (station, exam_of) = tokio::try_join!(
        prepared::opt(
            &tx,
            "SELECT last_seq FROM station WHERE id = $1 FOR UPDATE",
            &station_params,
        ),
        scopes.exams(&tx)
    )?;
    let mut last: i64 = match station {
        Some(row) => row.get(0),
        None => prepared::one(
            &tx,
            "INSERT INTO station (id, last_account) VALUES ($1, $2) \
             ON CONFLICT (id) DO UPDATE SET last_seen = now() RETURNING last_seq",
            &[&req.station_id, &caller.account_id],
        )
        .await?
        .get(0),
    };
    let cache = Cache::default();
    let graded: Vec<String> = scopes.graded.iter().cloned().collect();
    // The prefetch waits for the locks: sent alongside them, it could reach PostgreSQL
    // first (say, while the lock statement is still being prepared) and read what
    // another run is about to change.
    scopes.lock(&tx, &exam_of).await?;
    apply::prefetch_copies(&Db::new(&tx, &cache), &graded).await?;
    let ctx = Ctx {
        login: &caller.login,
        role: caller.role,
        station: &req.station_id,
        ip: Some(ip),
        now: OffsetDateTime::now_utc(),
    };
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
        state.mark(v).await;
    }
    Ok((last, outcomes))
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
    let epoch = state.epoch();
    let mut response = PushResponse {
        server_epoch: epoch.clone(),
        last_seq: 0,
        outcomes: Vec::new(),
        expected_seq: None,
    };
    let stale = req.server_epoch.as_ref().is_some_and(|e| *e != epoch);
    if stale || req.mutations.is_empty() {
        response.last_seq = prepared::opt(
            &client,
            "SELECT last_seq FROM station WHERE id = $1",
            &[&req.station_id],
        )
        .await?
        .map_or(0, |r| r.get(0));
        if stale {
            response.expected_seq = Some(response.last_seq + 1);
        }
        return Ok(Json(response));
    }
    let mut rest: &[Mutation] = &req.mutations;
    while let Some(m) = rest.first() {
        let run = rest
            .iter()
            .take(GROUP)
            .zip(m.seq..)
            .take_while(|(m, seq)| m.seq == *seq)
            .count();
        let (last, outcomes) =
            apply_group(&state, &mut client, &caller, &ip, &req, &rest[..run]).await?;
        response.last_seq = last;
        let whole = outcomes.len() == run;
        response.outcomes.extend(outcomes);
        if !whole {
            response.expected_seq = Some(last + 1);
            break;
        }
        rest = &rest[run..];
    }
    state.metrics.push_latency(started.elapsed().as_secs_f64());
    Ok(Json(response))
}

/// A pulled entity as `Entity` carries it on the wire, with its body passed on as
/// PostgreSQL gives it rather than parsed and written again.
#[derive(Debug, Serialize)]
pub struct PulledEntity {
    kind: EntityKind,
    key: String,
    exam_id: String,
    version: i64,
    deleted: bool,
    station_id: Option<String>,
    body: Box<RawValue>,
}

impl PulledEntity {
    /// The entity whose columns (`PAGE_COLUMNS`) start at column `at` of `r`.
    fn from_row(r: &tokio_postgres::Row, at: usize) -> ApiResult<PulledEntity> {
        let kind: &str = r.get(at);
        let key: String = r.get(at + 1);
        let body = RawValue::from_string(r.get(at + 6))
            .map_err(|e| ApiError::internal(format!("stored {kind} {key} is not JSON: {e}")))?;
        Ok(PulledEntity {
            kind: EntityKind::parse(kind).unwrap_or(EntityKind::Conflict),
            key,
            exam_id: r.get(at + 2),
            version: r.get(at + 3),
            deleted: r.get(at + 4),
            station_id: r.get(at + 5),
            body,
        })
    }
}

/// `PullResponse` as the server writes it.
#[derive(Debug, Serialize)]
pub struct PullPage {
    server_epoch: String,
    entities: Vec<PulledEntity>,
    next: i64,
    more: bool,
}

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    since: i64,
    limit: Option<i64>,
}

/// How long a pull waits for the writes committed before it to fall below the horizon.
const HORIZON_WAIT: Duration = Duration::from_secs(2);

const PAGE_COLUMNS: &str = "kind, key, exam_id, version, deleted, station_id, body::text";

/// The horizon, the newest version and the page below the horizon, in one statement.
static FIRST_PAGE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH h AS (SELECT (SELECT COALESCE(MAX(version), 0) FROM entity) AS newest, \
           ({}) AS horizon) \
         SELECT h.newest, h.horizon, p.* FROM h LEFT JOIN LATERAL \
           (SELECT {PAGE_COLUMNS} FROM entity \
            WHERE version > $1 AND version < h.horizon ORDER BY version LIMIT $2) p ON TRUE",
        apply::HORIZON
    )
});

/// The page below a horizon given as `$3`.
static PAGE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {PAGE_COLUMNS} FROM entity \
         WHERE version > $1 AND version < $3 ORDER BY version LIMIT $2"
    )
});

/// Waits until the horizon (see `apply::HORIZON`) passes `newest`, or `HORIZON_WAIT`
/// passed. It keeps its connection: given back to the pool, it would queue again
/// behind every request waiting for one, for far longer than the writes take.
async fn wait_for_horizon(client: &deadpool_postgres::Object, newest: i64) -> ApiResult<i64> {
    let deadline = Instant::now() + HORIZON_WAIT;
    loop {
        tokio::time::sleep(Duration::from_millis(1)).await;
        let horizon: i64 = prepared::one(client, apply::HORIZON, &[]).await?.get(0);
        if horizon > newest || Instant::now() >= deadline {
            return Ok(horizon);
        }
    }
}

/// A page of changes after `since`, read below the horizon once it has passed every
/// write committed before the pull began, so that a station that pulls right after
/// another one pushed sees that push. The first statement reads the horizon, the newest
/// version and the page at once; only when a write still running keeps the horizon
/// under the newest version does the pull wait (`wait_for_horizon`) and read again. A
/// write that runs past `HORIZON_WAIT` no longer holds pulls back: they answer what is
/// below the horizon.
pub async fn pull(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Query(q): Query<PullQuery>,
) -> ApiResult<Json<PullPage>> {
    if caller.role == ServerRole::Student {
        return Err(ApiError::forbidden(
            "students see their copies on the portal, not through sync",
        ));
    }
    let limit = q.limit.unwrap_or(500).clamp(1, 5000);
    let client = state.pool.get().await?;
    let first = prepared::all(&client, &FIRST_PAGE, &[&q.since, &(limit + 1)]).await?;
    let newest: i64 = first[0].get(0);
    let horizon: i64 = first[0].get(1);
    let (rows, at) = if horizon <= newest && newest > q.since {
        let horizon = wait_for_horizon(&client, newest).await?;
        let rows = prepared::all(&client, &PAGE, &[&q.since, &(limit + 1), &horizon]).await?;
        (rows, 0)
    } else {
        let found = first
            .into_iter()
            .filter(|r| r.get::<_, Option<&str>>(2).is_some())
            .collect();
        (found, 2)
    };
    let more = rows.len() as i64 > limit;
    let entities = rows
        .iter()
        .take(limit as usize)
        .map(|r| PulledEntity::from_row(r, at))
        .collect::<ApiResult<Vec<_>>>()?;
    let next = entities.last().map_or(q.since, |e| e.version);
    Ok(Json(PullPage {
        server_epoch: state.epoch(),
        entities,
        next,
        more,
    }))
}
