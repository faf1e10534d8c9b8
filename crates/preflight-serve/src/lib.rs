//! The HTTP service: `preflight serve`.
//!
//! ```text
//! GET  /                  the capture page (pick or take a photo, see the verdict and the annotated picture)
//! GET  /healthz           "ok"
//! GET  /metrics           Prometheus text: requests, verdicts, latency
//! POST /v1/check          image (raw body or multipart field "image") → the report (JSON), as `preflight check --json`
//! POST /v1/annotate       image → the annotated analysis plane (PNG); the report in `x-preflight-report`
//! POST /v1/fix            image → the fixed JPEG, the report in `x-preflight-report`; 422 + report when none can be made
//! POST /v1/package        multipart (selfie, id_front, id_back, liveness…, country, id_type, …) → the zip,
//!                         the result in `x-preflight-package`; 422 + result when an image is rejected
//! POST /v1/validate-zip   zip → the validation (JSON), as `preflight validate-zip --json`
//! ```
//!
//! Query parameters of the image routes: `class`, `id_type`, `profile` (as the CLI's flags).
//!
//! Bounded: the body limit is set explicitly (axum's default, 2 MB, is smaller than a phone
//! photo) and answered as JSON 413. The image work runs on a pool of `workers` threads (one
//! per core: each keeps its decode buffers, so memory stays at one set per core); at most
//! `queue` more requests are admitted to wait for it, and a request beyond that is answered
//! 503 at once, before its body is read, so the admitted ones keep a bounded latency. A
//! request whose wait and work outlast the timeout is answered 503 too (its work finishes
//! in the background, still counted against admission; the library's per-image deadline
//! bounds it). Errors are JSON: `{"type":"error","error":{"code","message"}}`.

mod metrics;
mod reply;
mod request;
mod routes;

use reply::*;
use request::*;
use routes::*;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kyc_preflight::{
    check_isolated, fix_isolated, package, validate_zip, DocumentClass, IdInfo, PackageInput,
    PackageRequest, Partner, Policy, Role, Thresholds, Validation, ZipLimits,
};
use metrics::Metrics;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (default `127.0.0.1:8080`: loopback unless told otherwise).
    pub listen: SocketAddr,
    /// Largest request body in bytes (default 128 MiB: a package carries several photos).
    pub max_body_bytes: usize,
    /// Longest a request may wait for a worker plus run (default 60 s); then 503.
    pub timeout: Duration,
    /// Images worked on at once (default: the cores available).
    pub workers: usize,
    /// Requests admitted to wait for a worker beyond those running (default: 4 per worker);
    /// more are answered 503 at once.
    pub queue: usize,
    /// Thresholds for requests that name no `profile`.
    pub thresholds: Thresholds,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 128 << 20,
            timeout: Duration::from_secs(60),
            workers: cores(),
            queue: 4 * cores(),
            thresholds: Thresholds::default_profile(),
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

struct AppState {
    config: Config,
    /// The image workers.
    pool: rayon::ThreadPool,
    /// Requests admitted and not yet done (waiting, reading, running).
    admitted: Arc<AtomicUsize>,
    metrics: Metrics,
}

/// An admitted request's place; given back when dropped (when its work is done).
struct Ticket(Arc<AtomicUsize>);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl AppState {
    /// A place for one more request, or the 503 when the workers and the queue are full.
    fn admit(&self) -> Result<Ticket, Response> {
        let cap = self.config.workers.max(1) + self.config.queue;
        let taken = self
            .admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < cap).then_some(n + 1)
            });
        match taken {
            Ok(_) => Ok(Ticket(self.admitted.clone())),
            Err(_) => Err(error(
                StatusCode::SERVICE_UNAVAILABLE,
                "overloaded",
                "every worker is busy and the queue is full: try again shortly",
            )),
        }
    }
}

type Shared = Arc<AppState>;

/// The service's routes, limits and metrics, ready to serve (or to call in tests).
pub fn router(config: Config) -> std::io::Result<Router> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.workers.max(1))
        .thread_name(|i| format!("preflight-worker-{i}"))
        .build()
        .map_err(std::io::Error::other)?;
    let state = Arc::new(AppState {
        pool,
        admitted: Arc::new(AtomicUsize::new(0)),
        metrics: Metrics::default(),
        config: config.clone(),
    });
    Ok(Router::new()
        .route("/", get(page))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics_text))
        .route("/v1/check", post(check))
        .route("/v1/annotate", post(annotate))
        .route("/v1/fix", post(fix))
        .route("/v1/package", post(package_job))
        .route("/v1/validate-zip", post(validate))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(state))
}

/// Serve until SIGTERM or Ctrl-C, then finish the requests in flight and return.
pub async fn serve(config: Config) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    eprintln!(
        "preflight serve: listening on http://{} ({} workers, {} waiting at most, body limit {} MiB, timeout {} s)",
        listener.local_addr()?,
        config.workers,
        config.queue,
        config.max_body_bytes >> 20,
        config.timeout.as_secs_f64()
    );
    axum::serve(listener, router(config)?)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    eprintln!("preflight serve: stopped");
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn page() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        include_str!("page.html"),
    )
        .into_response()
}

async fn metrics_text(State(state): State<Shared>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4"),
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Count every request by route and status, and time it.
async fn observe(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let route = metrics::route_of(request.uri().path());
    let start = Instant::now();
    let response = next.run(request).await;
    state
        .metrics
        .request(route, response.status().as_u16(), start.elapsed());
    response
}
