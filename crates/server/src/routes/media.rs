//! PDFs by content (the scans, and the annotated copies stations export): uploaded once
//! by sha256, in chunks that resume where the last one stopped, verified against their
//! name when complete, then downloaded by stations.
//!
//! Invariant: a file appears under its final name only complete and verified; a partial
//! upload lives in `<sha256>.part` and a mismatching one is dropped whole.

use crate::app::AppState;
use crate::audit;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use korrigo_core::error::ErrorCode;
use korrigo_core::sync::ServerRole;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncWriteExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaStatus {
    pub received: u64,
    pub complete: bool,
}

fn check_sha(sha: &str) -> ApiResult<()> {
    if sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(ApiError::validation(format!(
            "'{sha}' is not a sha256 (64 lowercase hex digits)"
        )))
    }
}

fn paths(state: &AppState, sha: &str) -> (PathBuf, PathBuf) {
    let dir = state.config.media_dir().join(&sha[0..2]);
    (
        dir.join(format!("{sha}.pdf")),
        dir.join(format!("{sha}.part")),
    )
}

async fn read_status(state: &AppState, sha: &str) -> ApiResult<Option<(MediaStatus, u64)>> {
    let client = state.pool.get().await?;
    Ok(client
        .query_opt(
            "SELECT received, complete, total FROM media WHERE sha256 = $1",
            &[&sha],
        )
        .await?
        .map(|r| {
            (
                MediaStatus {
                    received: r.get::<_, i64>(0) as u64,
                    complete: r.get(1),
                },
                r.get::<_, i64>(2) as u64,
            )
        }))
}

pub async fn status(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path(sha): Path<String>,
) -> ApiResult<Json<MediaStatus>> {
    check_sha(&sha)?;
    Ok(Json(read_status(&state, &sha).await?.map_or(
        MediaStatus {
            received: 0,
            complete: false,
        },
        |s| s.0,
    )))
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    offset: u64,
    total: u64,
}

pub async fn upload(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(sha): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    check_sha(&sha)?;
    caller.require(
        &[ServerRole::Admin, ServerRole::Teacher, ServerRole::Operator],
        "upload PDFs",
    )?;
    let (final_path, part_path) = paths(&state, &sha);
    let client = state.pool.get().await?;
    let total = q.total as i64;
    client
        .execute(
            "INSERT INTO media (sha256, total, uploaded_by) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
            &[&sha, &total, &caller.account_id],
        )
        .await?;
    let row = client
        .query_one(
            "SELECT received, complete, total FROM media WHERE sha256 = $1 FOR UPDATE",
            &[&sha],
        )
        .await?;
    let (received, complete, known_total) = (
        row.get::<_, i64>(0) as u64,
        row.get::<_, bool>(1),
        row.get::<_, i64>(2),
    );
    let current = MediaStatus { received, complete };
    if complete {
        return Ok(Json(current).into_response());
    }
    if known_total != total {
        return Err(ApiError::validation(format!(
            "PDF {sha} is {known_total} bytes long, not {total}"
        )));
    }
    if q.offset != received {
        return Ok((StatusCode::CONFLICT, Json(current)).into_response());
    }
    if received + body.len() as u64 > q.total {
        return Err(ApiError::validation(format!(
            "this chunk runs past the {} bytes of PDF {sha}",
            q.total
        )));
    }
    let io = |e: std::io::Error| ApiError::internal(format!("cannot store PDF {sha}: {e}"));
    tokio::fs::create_dir_all(part_path.parent().expect("media paths have a parent"))
        .await
        .map_err(io)?;
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&part_path)
        .await
        .map_err(io)?;
    let on_disk = file.metadata().await.map_err(io)?.len();
    if on_disk != received {
        file.set_len(received).await.map_err(io)?;
    }
    file.write_all(&body).await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    drop(file);
    let received = received + body.len() as u64;
    if received < q.total {
        client
            .execute(
                "UPDATE media SET received = $2 WHERE sha256 = $1",
                &[&sha, &(received as i64)],
            )
            .await?;
        return Ok(Json(MediaStatus {
            received,
            complete: false,
        })
        .into_response());
    }
    let part = part_path.clone();
    let digest = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut f = std::fs::File::open(&part)?;
        let mut h = Sha256::new();
        std::io::copy(&mut f, &mut h)?;
        Ok(hex::encode(h.finalize()))
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(io)?;
    if digest != sha {
        let _ = tokio::fs::remove_file(&part_path).await;
        client
            .execute("DELETE FROM media WHERE sha256 = $1", &[&sha])
            .await?;
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::CorruptInput,
            format!("the uploaded PDF's sha256 is {digest}, not {sha}: upload it again"),
        ));
    }
    tokio::fs::rename(&part_path, &final_path)
        .await
        .map_err(io)?;
    client
        .execute(
            "UPDATE media SET received = $2, complete = TRUE WHERE sha256 = $1",
            &[&sha, &(received as i64)],
        )
        .await?;
    Ok(Json(MediaStatus {
        received,
        complete: true,
    })
    .into_response())
}

pub async fn download(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(sha): Path<String>,
) -> ApiResult<Response> {
    check_sha(&sha)?;
    caller.require(
        &[ServerRole::Admin, ServerRole::Teacher, ServerRole::Operator],
        "download PDFs",
    )?;
    match read_status(&state, &sha).await? {
        Some((s, _)) if s.complete => {}
        _ => {
            return Err(ApiError::not_found(format!(
                "PDF {sha} is not on the server"
            )))
        }
    }
    let (final_path, _) = paths(&state, &sha);
    let bytes = tokio::fs::read(&final_path)
        .await
        .map_err(|e| ApiError::internal(format!("cannot read PDF {sha}: {e}")))?;
    let client = state.pool.get().await?;
    audit::record(
        &**client,
        Some(&caller.login),
        None,
        "media.download",
        Some(&sha),
        serde_json::json!({ "bytes": bytes.len() }),
    )
    .await?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}
