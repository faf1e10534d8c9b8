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

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kyc_preflight::{
    check_isolated, fix_isolated, package, validate_zip, DocumentClass, IdInfo, PackageInput,
    PackageRequest, Partner, PartnerParams, Policy, Role, Thresholds, Validation, ZipLimits,
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

/// A JSON error answer.
fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = serde_json::json!({
        "type": "error",
        "error": { "code": code, "message": message.into() },
    });
    (status, json_headers(), body.to_string()).into_response()
}

fn json_headers() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    )]
}

fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(s) => (status, json_headers(), s).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            e.to_string(),
        ),
    }
}

/// JSON for a header value: every non-ASCII character escaped (`\uXXXX`), so the value is
/// visible ASCII and parses back to the same text.
fn header_json<T: serde::Serialize>(value: &T) -> HeaderValue {
    let s = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    HeaderValue::from_str(&out).unwrap_or_else(|_| HeaderValue::from_static("null"))
}

/// The class, id_type and profile of an image request.
#[derive(Debug, Default, Deserialize)]
struct Params {
    class: Option<String>,
    id_type: Option<String>,
    profile: Option<String>,
}

impl Params {
    fn policy(&self, config: &Config) -> Result<Policy, Response> {
        let class = match (&self.class, &self.id_type) {
            (Some(c), _) => DocumentClass::parse(c).ok_or_else(|| {
                error(
                    StatusCode::BAD_REQUEST,
                    "usage_error",
                    format!("unknown class {c:?}: id-card, passport, selfie or liveness"),
                )
            })?,
            (None, Some(t)) => DocumentClass::from_id_type(t),
            (None, None) => DocumentClass::IdCard,
        };
        let mut policy = Policy::for_class(class);
        policy.thresholds = match &self.profile {
            None => config.thresholds.clone(),
            Some(p) => Thresholds::named(p).ok_or_else(|| {
                error(
                    StatusCode::BAD_REQUEST,
                    "usage_error",
                    format!("unknown profile {p:?}: default, strict or lenient"),
                )
            })?,
        };
        Ok(policy)
    }
}

/// A body extractor's refusal as JSON: 413 for the size limit, 400 otherwise.
fn refused(status: StatusCode, text: String) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        error(status, "input_too_large", text)
    } else {
        error(status, "bad_request", text)
    }
}

/// The image of a request: the raw body, or the multipart field `image` (else the first
/// file field).
async fn image_of(request: Request, state: &Shared) -> Result<Bytes, Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Bytes::from_request(request, state)
            .await
            .map_err(|r| refused(r.status(), r.body_text()));
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|r| refused(r.status(), r.body_text()))?;
    let mut first = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| refused(e.status(), e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let data = field
            .bytes()
            .await
            .map_err(|e| refused(e.status(), e.body_text()))?;
        if name == "image" {
            return Ok(data);
        }
        if is_file && first.is_none() {
            first = Some(data);
        }
    }
    first.ok_or_else(|| {
        error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "no image: send it as the body or as the multipart field \"image\"",
        )
    })
}

/// Run `work` on a worker; 503 when the wait and the work outlast the timeout. The ticket
/// goes with the work, so a request answered 503 still counts until its work is done.
async fn on_worker<T: Send + 'static>(
    state: &Shared,
    ticket: Ticket,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Response> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    state.pool.spawn(move || {
        let out = work();
        drop(ticket);
        let _ = tx.send(out); // the request may have been answered 503 meanwhile
    });
    match tokio::time::timeout(state.config.timeout, rx).await {
        Ok(Ok(out)) => Ok(out),
        Ok(Err(_)) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the worker stopped without an answer",
        )),
        Err(_) => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "deadline_exceeded",
            format!("not done within {} s", state.config.timeout.as_secs_f64()),
        )),
    }
}

/// What every image route does first: the policy of its query, a place among the admitted
/// requests (taken before the body is read), then the image.
async fn image_job(
    state: &Shared,
    params: &Params,
    request: Request,
) -> Result<(Policy, Ticket, Bytes), Response> {
    let policy = params.policy(&state.config)?;
    let ticket = state.admit()?;
    let data = image_of(request, state).await?;
    Ok((policy, ticket, data))
}

/// A binary answer (`content_type`) with a JSON header beside it.
fn binary(
    content_type: &'static str,
    name: &'static str,
    meta: HeaderValue,
    body: Vec<u8>,
) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(name, meta);
    (StatusCode::OK, headers, body).into_response()
}

async fn check(
    State(state): State<Shared>,
    Query(params): Query<Params>,
    request: Request,
) -> Response {
    let (policy, ticket, data) = match image_job(&state, &params, request).await {
        Ok(job) => job,
        Err(r) => return r,
    };
    match on_worker(&state, ticket, move || {
        check_isolated(&data, "<upload>", &policy)
    })
    .await
    {
        Ok(report) => {
            state.metrics.verdict(report.verdict);
            json(StatusCode::OK, &report)
        }
        Err(r) => r,
    }
}

async fn annotate(
    State(state): State<Shared>,
    Query(params): Query<Params>,
    request: Request,
) -> Response {
    let (policy, ticket, data) = match image_job(&state, &params, request).await {
        Ok(job) => job,
        Err(r) => return r,
    };
    let done = on_worker(&state, ticket, move || {
        let report = check_isolated(&data, "<upload>", &policy);
        let png = kyc_preflight::internal::annotate(&data, &report, &policy);
        (report, png)
    })
    .await;
    match done {
        Ok((report, Ok(png))) => {
            state.metrics.verdict(report.verdict);
            binary("image/png", "x-preflight-report", header_json(&report), png)
        }
        Ok((report, Err(_))) => {
            state.metrics.verdict(report.verdict);
            json(StatusCode::UNPROCESSABLE_ENTITY, &report)
        }
        Err(r) => r,
    }
}

async fn fix(
    State(state): State<Shared>,
    Query(params): Query<Params>,
    request: Request,
) -> Response {
    let (policy, ticket, data) = match image_job(&state, &params, request).await {
        Ok(job) => job,
        Err(r) => return r,
    };
    match on_worker(&state, ticket, move || {
        fix_isolated(&data, "<upload>", &policy)
    })
    .await
    {
        Ok(fixed) => {
            state.metrics.verdict(fixed.report.verdict);
            match fixed.jpeg {
                Some(jpeg) => binary(
                    "image/jpeg",
                    "x-preflight-report",
                    header_json(&fixed.report),
                    jpeg,
                ),
                None => json(StatusCode::UNPROCESSABLE_ENTITY, &fixed.report),
            }
        }
        Err(r) => r,
    }
}

async fn validate(State(state): State<Shared>, request: Request) -> Response {
    let ticket = match state.admit() {
        Ok(t) => t,
        Err(r) => return r,
    };
    let data = match Bytes::from_request(request, &state).await {
        Ok(d) => d,
        Err(r) => return refused(r.status(), r.body_text()),
    };
    let limits = ZipLimits::default();
    if data.len() as u64 > limits.max_zip_bytes {
        let v = Validation::unreadable(
            "<upload>",
            "zip_too_large",
            &format!(
                "the zip is {} bytes, over the {} the service reads",
                data.len(),
                limits.max_zip_bytes
            ),
        );
        return json(StatusCode::OK, &v);
    }
    let policy = Policy::for_class(DocumentClass::IdCard);
    match on_worker(&state, ticket, move || {
        validate_zip(&data, "<upload>", &policy, &limits)
    })
    .await
    {
        Ok(v) => json(StatusCode::OK, &v),
        Err(r) => r,
    }
}

/// The multipart form of `/v1/package`: files by role, the rest as text fields.
async fn package_form(request: Request, state: &Shared) -> Result<PackageRequest, Response> {
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|r| refused(r.status(), r.body_text()))?;
    let mut images = Vec::new();
    let mut text = std::collections::BTreeMap::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| refused(e.status(), e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field
            .bytes()
            .await
            .map_err(|e| refused(e.status(), e.body_text()))?;
        match Role::ALL.into_iter().find(|r| r.as_str() == name) {
            Some(role) => images.push(PackageInput {
                role,
                path: file_name.unwrap_or_else(|| name.clone()),
                data: data.to_vec(),
            }),
            None => {
                let value = String::from_utf8(data.to_vec()).map_err(|_| {
                    error(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        format!("field {name:?} is not text"),
                    )
                })?;
                text.insert(name, value);
            }
        }
    }
    let get = |k: &str| text.get(k).cloned().filter(|v| !v.is_empty());
    let flag = |k: &str| get(k).is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes" | "on"));
    let country = get("country").ok_or_else(|| {
        error(
            StatusCode::BAD_REQUEST,
            "usage_error",
            "the field \"country\" is required",
        )
    })?;
    let partner = match (get("partner_id"), get("api_key")) {
        (Some(partner_id), Some(api_key)) => Some(Partner {
            partner_id,
            api_key,
            params: PartnerParams::document_verification(
                get("job_id").unwrap_or_default(),
                get("user_id").unwrap_or_default(),
            ),
            callback_url: get("callback_url").unwrap_or_default(),
            timestamp: Some(get("timestamp").unwrap_or_else(kyc_preflight::now)),
        }),
        (None, None) => None,
        _ => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "usage_error",
                "partner_id and api_key go together: give both or neither",
            ))
        }
    };
    Ok(PackageRequest {
        id_info: IdInfo {
            country,
            id_type: get("id_type"),
        },
        images,
        inline: flag("inline"),
        use_enrolled_image: flag("use_enrolled_image"),
        partner,
        file_name: get("file_name").unwrap_or_else(|| "attachments.zip".into()),
    })
}

async fn package_job(
    State(state): State<Shared>,
    Query(params): Query<Params>,
    request: Request,
) -> Response {
    let template = match params.policy(&state.config) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let ticket = match state.admit() {
        Ok(t) => t,
        Err(r) => return r,
    };
    let job = match package_form(request, &state).await {
        Ok(j) => j,
        Err(r) => return r,
    };
    match on_worker(&state, ticket, move || package(&job, &template)).await {
        Ok(Ok(mut result)) => {
            for image in &result.images {
                state.metrics.verdict(image.report.verdict);
            }
            match result.zip.take() {
                Some(zip) => binary(
                    "application/zip",
                    "x-preflight-package",
                    header_json(&result),
                    zip,
                ),
                None => {
                    // The package serialises its images without their reports: add them.
                    let reports: Vec<_> = result.images.iter().map(|i| &i.report).collect();
                    json(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        &serde_json::json!({ "package": &result, "reports": reports }),
                    )
                }
            }
        }
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, e.code(), e.message()),
        Err(r) => r,
    }
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
