#![deny(missing_docs)]
//! listlint as an HTTP service (`listlint serve`): checks of listings and
//! files, a LanguageTool-compatible `/v2/check`, the rules, health and
//! metrics, and a web page, on the library facade (`listlint-core`'s
//! `Settings` and `Linter`, `listlint-io`'s readers and reports).
//!
//! Rule packs are reloaded when their files or the config change, and on
//! SIGHUP: see [`engine`]. Limits (body size, listings per request,
//! timeout, concurrency) and bearer-token auth are in [`ServeOptions`].

pub mod api;
pub mod engine;
pub mod languagetool;
pub mod metrics;
mod middleware;
pub mod web;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Semaphore;

pub use engine::{Engine, LoadFailure, LoadSpec};

/// Every route: method and path, as `/openapi.json` documents them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/assets/app.js"),
    ("GET", "/assets/style.css"),
    ("GET", "/openapi.json"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("POST", "/v1/check"),
    ("POST", "/v1/check/file"),
    ("GET", "/v1/rules"),
    ("GET", "/v1/rules/{id}"),
    ("POST", "/v2/check"),
    ("GET", "/v2/languages"),
];

/// The router's path of `/v1/rules/{id}`: rule ids hold slashes.
const RULE_ROUTE: &str = "/v1/rules/{*id}";

/// The OpenAPI 3.1 document served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Default of `--max-body`: 10 MiB.
pub const DEFAULT_MAX_BODY: usize = 10 << 20;
/// Default of `--max-listings`: listings in one `/v1/check` request.
pub const DEFAULT_MAX_LISTINGS: usize = 1000;
/// Default of `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of `--max-concurrent`: requests handled at once.
pub const DEFAULT_MAX_CONCURRENT: usize = 256;
/// Default of `--reload-interval`: how often pack files are looked at.
pub const DEFAULT_RELOAD_INTERVAL: Duration = Duration::from_secs(1);

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen.
    pub addr: SocketAddr,
    /// The most bytes a request body may have (413 above).
    pub max_body: usize,
    /// The most listings one `/v1/check` request may hold (413 above).
    pub max_listings: usize,
    /// The longest a request may take (504 after).
    pub timeout: Duration,
    /// Requests handled at once; more get 503 with `Retry-After`.
    pub max_concurrent: usize,
    /// The bearer token every API request must carry, if any.
    pub token: Option<String>,
    /// How often the pack files and the config are looked at for changes
    /// (`None`: only SIGHUP reloads).
    pub reload_interval: Option<Duration>,
    /// One JSON line per request on standard error.
    pub access_log: bool,
}

impl ServeOptions {
    /// The defaults, listening on `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            max_body: DEFAULT_MAX_BODY,
            max_listings: DEFAULT_MAX_LISTINGS,
            timeout: DEFAULT_TIMEOUT,
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            token: None,
            reload_interval: Some(DEFAULT_RELOAD_INTERVAL),
            access_log: true,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    /// The ruleset and its reloads.
    pub engine: Arc<Engine>,
    /// The limits and auth.
    pub options: ServeOptions,
    /// Counters for `/metrics`.
    pub metrics: metrics::Metrics,
    /// Permits for requests in progress.
    pub permits: Arc<Semaphore>,
    /// Threads that check uploaded files.
    pub pool: rayon::ThreadPool,
    /// Requests so far (request ids).
    pub requests: AtomicU64,
}

/// The application: every route with the limits, auth, metrics and access
/// log around them.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(web::index))
        .route("/assets/app.js", get(web::script))
        .route("/assets/style.css", get(web::style))
        .route("/openapi.json", get(api::openapi))
        .route("/healthz", get(api::healthz))
        .route("/metrics", get(api::metrics))
        .route("/v1/check", post(api::check))
        .route("/v1/check/file", post(api::check_file))
        .route("/v1/rules", get(api::rules))
        .route(RULE_ROUTE, get(api::rule))
        .route("/v2/check", post(languagetool::check))
        .route("/v2/languages", get(languagetool::languages))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::around,
        ))
        .with_state(state)
}

/// Why the server cannot start or stopped.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ServeError {
    /// The packs or config do not load.
    #[error("cannot load the rule packs: {}{}", .0.message, .0.locations.iter().map(|l| format!("\n  {l}")).collect::<String>())]
    Load(LoadFailure),
    /// The address cannot be bound, or serving failed.
    #[error("cannot serve on {addr}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs the server until SIGTERM or Ctrl-C: requests in flight complete,
/// then it returns. `listening` is told the bound address (port 0 picks
/// one) once requests are accepted.
pub fn serve(
    spec: LoadSpec,
    options: ServeOptions,
    listening: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let engine = Arc::new(Engine::start(spec).map_err(ServeError::Load)?);
    // The watched files as the packs were just loaded from them (a change
    // made between reading them and this look is the one not seen: a
    // moment, where the look used to come after the server listened).
    let baseline = options
        .reload_interval
        .map(|_| engine::stamp(&engine.watched_files()));
    let io = |source| ServeError::Io {
        addr: options.addr,
        source,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(io)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    let state = Arc::new(AppState {
        engine: engine.clone(),
        permits: Arc::new(Semaphore::new(options.max_concurrent)),
        options: options.clone(),
        metrics: metrics::Metrics::default(),
        pool,
        requests: AtomicU64::new(0),
    });
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(io)?;
        let local = listener.local_addr().map_err(io)?;
        if let (Some(interval), Some(baseline)) = (options.reload_interval, baseline) {
            tokio::spawn(watch(engine.clone(), interval, baseline));
        }
        tokio::spawn(reload_on_sighup(engine.clone()));
        listening(local);
        let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(io)
    });
    // Every connection has been answered; work a timed-out request left
    // running on a blocking thread is not waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    served
}

/// Reloads (off the async threads) and says what happened on stderr.
async fn reload(engine: Arc<Engine>, why: &'static str) {
    let result = tokio::task::spawn_blocking(move || {
        let result = engine.reload();
        (result, engine.current().fingerprint.clone())
    })
    .await;
    let line = match result {
        Ok((Ok(()), fingerprint)) => serde_json::json!({
            "event": "reload", "trigger": why, "ok": true, "fingerprint": fingerprint,
        }),
        Ok((Err(failure), fingerprint)) => serde_json::json!({
            "event": "reload", "trigger": why, "ok": false, "serving": fingerprint,
            "error": failure.message, "locations": failure.locations,
        }),
        Err(_) => return,
    };
    eprintln!("{line}");
}

/// Polls the watched files and reloads when their contents change.
/// Reloads the packs whenever the watched files' [`engine::stamp`] is no
/// longer `last` (taken when the packs were loaded), polling every
/// `interval`.
async fn watch(engine: Arc<Engine>, interval: Duration, mut last: [u8; 32]) {
    let look = {
        let engine = engine.clone();
        move || {
            let files = engine.watched_files();
            engine::stamp(&files)
        }
    };
    loop {
        tokio::time::sleep(interval).await;
        let Ok(now) = tokio::task::spawn_blocking(look.clone()).await else {
            return;
        };
        if now != last {
            last = now;
            reload(engine.clone(), "files changed").await;
        }
    }
}

#[cfg(unix)]
async fn reload_on_sighup(engine: Arc<Engine>) {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        return;
    };
    while hup.recv().await.is_some() {
        reload(engine.clone(), "SIGHUP").await;
    }
}

#[cfg(not(unix))]
async fn reload_on_sighup(_engine: Arc<Engine>) {}

/// Resolves on SIGTERM or Ctrl-C (SIGINT).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!(
        "{}",
        serde_json::json!({"event": "shutdown", "in_flight": "completing"})
    );
}
