//! The routes' handlers: each image job is admitted, runs on a worker of the pool, and is
//! answered as the CLI would print it.

use super::*;

/// Run `work` on a worker; 503 when the wait and the work outlast the timeout. The ticket
/// goes with the work, so a request answered 503 still counts until its work is done.
pub(crate) async fn on_worker<T: Send + 'static>(
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
pub(crate) async fn image_job(
    state: &Shared,
    params: &Params,
    request: Request,
) -> Result<(Policy, Ticket, Bytes), Response> {
    let policy = params.policy(&state.config)?;
    let ticket = state.admit()?;
    let data = image_of(request, state).await?;
    Ok((policy, ticket, data))
}

pub(crate) async fn check(
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

pub(crate) async fn annotate(
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

pub(crate) async fn fix(
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

pub(crate) async fn validate(State(state): State<Shared>, request: Request) -> Response {
    let ticket = match state.admit() {
        Ok(t) => t,
        Err(r) => return r,
    };
    let data = match Bytes::from_request(request, &state).await {
        Ok(d) => d,
        Err(r) => return refused(r.status(), r.body_text()),
    };
    let limits = ZipLimits::default();
    if let Some(v) = Validation::over_cap("<upload>", data.len(), &limits) {
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

pub(crate) async fn package_job(
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
