//! The server's shared state and its router, and `serve`: migrate, settle the epoch,
//! then answer over HTTP, or HTTPS with rustls when configured.

use crate::config::Config;
use crate::limiter::Limiter;
use crate::metrics::Metrics;
use crate::{db, epoch, routes};
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use deadpool_postgres::Pool;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub pool: Pool,
    pub epoch: RwLock<String>,
    pub limiter: Limiter,
    pub metrics: Metrics,
    pub callers: crate::auth::Callers,
    /// A password hash checked for logins that name no account, so that they take as
    /// long as the others.
    pub dummy_hash: String,
    /// The highest version written to the high-water mark.
    pub marked: AtomicI64,
    /// The highest version a writer asked the mark to reach.
    pub wanted: AtomicI64,
    pub marking: tokio::sync::Mutex<()>,
}

impl AppState {
    pub fn epoch(&self) -> String {
        self.epoch.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Records `version` in the high-water mark if it is above what the mark says,
    /// before the caller answers. Writers take turns (they share the file's temporary
    /// path), and each writes the highest version asked so far: the writers that were
    /// waiting meanwhile then find theirs written, and the file is written once for all.
    pub async fn mark(&self, version: i64) {
        if self.marked.load(Ordering::SeqCst) >= version {
            return;
        }
        self.wanted.fetch_max(version, Ordering::SeqCst);
        let _turn = self.marking.lock().await;
        if self.marked.load(Ordering::SeqCst) >= version {
            return;
        }
        let mark = epoch::HighWater {
            epoch: self.epoch(),
            version: self.wanted.load(Ordering::SeqCst),
        };
        match epoch::write_mark(&self.config.data_dir, &mark) {
            Ok(()) => self.marked.store(mark.version, Ordering::SeqCst),
            Err(e) => tracing::error!(error = %e, "cannot write the high-water mark"),
        }
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/health/live", get(routes::health::live))
        .route("/api/health/ready", get(routes::health::ready))
        .route("/metrics", get(routes::health::metrics))
        .route("/api/v1/login", post(routes::login::login))
        .route("/api/v1/logout", post(routes::login::logout))
        .route("/api/v1/me", get(routes::login::me))
        .route("/api/v1/accounts", post(routes::admin::create_account))
        .route("/api/v1/audit", get(routes::admin::audit))
        .route(
            "/api/v1/leases/{copy_id}/force-release",
            post(routes::admin::force_release),
        )
        .route(
            "/api/v1/exams/{exam_id}/release",
            post(routes::admin::release_exam),
        )
        .route("/api/v1/sync/station", get(routes::sync::station))
        .route("/api/v1/sync/push", post(routes::sync::push))
        .route("/api/v1/sync/pull", get(routes::sync::pull))
        .route(
            "/api/v1/media/{sha256}",
            put(routes::media::upload).get(routes::media::download),
        )
        .route("/api/v1/media/{sha256}/status", get(routes::media::status))
        .layer(axum::extract::DefaultBodyLimit::max(16 << 20))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Counts every request by route and status and logs it as one JSON line.
async fn observe(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = req.method().clone();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16();
    state.metrics.request(&route, status);
    tracing::info!(%method, route, status, ms = started.elapsed().as_secs_f64() * 1000.0, "request");
    response
}

/// A server ready to run: its state and the address it listens on.
#[derive(Debug)]
pub struct Server {
    pub state: Arc<AppState>,
    pub listener: std::net::TcpListener,
}

impl Server {
    /// Connects, migrates, settles the epoch and binds, without serving yet.
    pub async fn prepare(config: Config) -> Result<Server, String> {
        std::fs::create_dir_all(config.media_dir())
            .map_err(|e| format!("cannot create {}: {e}", config.media_dir().display()))?;
        let pool = db::pool(&config.database_url, config.pool_size)?;
        let mut client = pool
            .get()
            .await
            .map_err(|e| format!("cannot reach the database: {e}"))?;
        db::migrate(&mut client).await?;
        let (epoch, version) = epoch::settle(&**client, &config.data_dir).await?;
        drop(client);
        let dummy_hash = crate::auth::hash_password(crate::auth::new_token())
            .await
            .map_err(|e| e.error.message)?;
        let listener = std::net::TcpListener::bind(config.listen)
            .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        tracing::info!(listen = %listener.local_addr().map_err(|e| e.to_string())?, epoch, "korrigo-server ready");
        Ok(Server {
            state: Arc::new(AppState {
                config,
                pool,
                epoch: RwLock::new(epoch),
                limiter: Limiter::for_logins(),
                metrics: Metrics::default(),
                callers: crate::auth::Callers::default(),
                dummy_hash,
                marked: AtomicI64::new(version),
                wanted: AtomicI64::new(version),
                marking: tokio::sync::Mutex::new(()),
            }),
            listener,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), String> {
        let app = router(self.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let handle = axum_server::Handle::new();
        let h = handle.clone();
        tokio::spawn(async move {
            shutdown.await;
            h.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
        });
        match &self.state.config.tls {
            Some(tls) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let rustls =
                    axum_server::tls_rustls::RustlsConfig::from_pem_file(&tls.cert, &tls.key)
                        .await
                        .map_err(|e| {
                            format!(
                                "cannot load the TLS certificate {}: {e}",
                                tls.cert.display()
                            )
                        })?;
                axum_server::from_tcp_rustls(self.listener, rustls)
                    .handle(handle)
                    .serve(app)
                    .await
            }
            None => {
                axum_server::from_tcp(self.listener)
                    .handle(handle)
                    .serve(app)
                    .await
            }
        }
        .map_err(|e| format!("the server stopped: {e}"))
    }
}

/// Prepares and serves until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> Result<(), String> {
    let server = Server::prepare(config).await?;
    server
        .run(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("SIGTERM handler");
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
        })
        .await
}
