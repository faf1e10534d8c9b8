//! The service's routes, called in process (no socket): answers, limits, errors, metrics,
//! and the same reports as the library.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kyc_preflight::{check_isolated, fix_isolated, DocumentClass, Policy};
use preflight_serve::{router, Config};
use preflight_synth::{render, CutOff, SynthSpec};
use serde_json::Value;
use std::sync::OnceLock;
use std::time::Duration;
use tower::ServiceExt;

fn good() -> &'static Vec<u8> {
    static G: OnceLock<Vec<u8>> = OnceLock::new();
    G.get_or_init(|| {
        let mut spec = SynthSpec::good(5).with_size(2400, 1800);
        spec.orientation = 6;
        render(&spec).jpeg
    })
}

/// A 12 MP capture (over 2 MB, axum's own default body limit), stored on its side so that
/// `fix` re-encodes it (the slowest request there is).
fn big() -> &'static Vec<u8> {
    static B: OnceLock<Vec<u8>> = OnceLock::new();
    B.get_or_init(|| {
        let mut spec = SynthSpec::good(8).with_size(4000, 3000);
        spec.orientation = 6;
        render(&spec).jpeg
    })
}

fn cut() -> &'static Vec<u8> {
    static C: OnceLock<Vec<u8>> = OnceLock::new();
    C.get_or_init(|| render(&SynthSpec::cut_off(6, CutOff::Left).with_size(2400, 1800)).jpeg)
}

fn app() -> Router {
    router(Config::default()).unwrap()
}

async fn call(app: Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

fn post(uri: &str, body: Vec<u8>) -> Request<Body> {
    Request::post(uri).body(Body::from(body)).unwrap()
}

fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "preflight-test-boundary";
    let mut body = Vec::new();
    for (name, file, data) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

/// The library's report for the same bytes, as the service writes it (path `<upload>`).
fn library_report(data: &[u8], class: DocumentClass) -> Value {
    serde_json::to_value(check_isolated(data, "<upload>", &Policy::for_class(class))).unwrap()
}

#[tokio::test]
async fn check_answers_the_library_report_from_a_raw_body_or_a_form() {
    let (status, headers, body) = call(app(), post("/v1/check", good().clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let report = json(&body);
    assert_eq!(report, library_report(good(), DocumentClass::IdCard));
    assert_ne!(report["verdict"], "reject", "{report}");

    let (ct, form) = multipart(&[("note", None, b"hello"), ("image", Some("cut.jpg"), cut())]);
    let req = Request::post("/v1/check?class=passport")
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(form))
        .unwrap();
    let (status, _, body) = call(app(), req).await;
    assert_eq!(status, StatusCode::OK);
    let report = json(&body);
    assert_eq!(report, library_report(cut(), DocumentClass::Passport));
    assert_eq!(report["verdict"], "reject");

    // `faces=false`: no face searched, as `--no-faces` (the back of an ID card).
    let (status, _, body) = call(app(), post("/v1/check?faces=false", good().clone())).await;
    assert_eq!(status, StatusCode::OK);
    let no_faces = Policy {
        faces: false,
        ..Policy::for_class(DocumentClass::IdCard)
    };
    let expected = serde_json::to_value(check_isolated(good(), "<upload>", &no_faces)).unwrap();
    assert_eq!(json(&body), expected);
    assert!(json(&body)["metrics"].get("portrait").is_none());
}

#[tokio::test]
async fn an_unreadable_image_is_a_report_and_bad_requests_are_json_errors() {
    let (status, _, body) = call(app(), post("/v1/check", b"not an image".to_vec())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["error"]["code"], "unsupported_format");

    let (status, _, body) = call(app(), post("/v1/check?class=licence", good().clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["error"]["code"], "usage_error");

    let (status, _, body) = call(app(), post("/v1/check?profile=paranoid", vec![1])).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["type"], "error");

    let (ct, form) = multipart(&[("note", None, b"no file here")]);
    let req = Request::post("/v1/check")
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(form))
        .unwrap();
    let (status, _, body) = call(app(), req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json(&body)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no image"));
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_json_413() {
    let small = router(Config {
        max_body_bytes: 1 << 20,
        ..Config::default()
    })
    .unwrap();
    let (status, headers, body) = call(small.clone(), post("/v1/check", big().clone())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(json(&body)["error"]["code"], "input_too_large");
    // Through a form too.
    let (ct, form) = multipart(&[("image", Some("big.jpg"), big())]);
    let req = Request::post("/v1/fix")
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(form))
        .unwrap();
    let (status, _, body) = call(small, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&body)["error"]["code"], "input_too_large");
    // The default limit takes a phone photo that axum's own default (2 MB) would refuse.
    assert!(big().len() > 2_000_000, "{}", big().len());
    let (status, _, body) = call(app(), post("/v1/check", big().clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["type"], "report");
}

#[tokio::test]
async fn fix_answers_the_jpeg_with_its_report_or_422_with_the_reason() {
    let (status, headers, body) = call(app(), post("/v1/fix", good().clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
    let lib = fix_isolated(
        good(),
        "<upload>",
        &Policy::for_class(DocumentClass::IdCard),
    );
    assert_eq!(Some(body.clone()), lib.jpeg, "the library's bytes");
    let report: Value =
        serde_json::from_str(headers["x-preflight-report"].to_str().unwrap()).unwrap();
    assert_eq!(report, serde_json::to_value(&lib.report).unwrap());
    assert_eq!(report["output"]["bytes"], body.len());

    let small = render(&SynthSpec::good(7).with_size(400, 300)).jpeg;
    let (status, _, body) = call(app(), post("/v1/fix", small)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = json(&body);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "resolution_too_low"));
}

#[tokio::test]
async fn annotate_answers_a_png_with_the_report() {
    let (status, headers, body) = call(app(), post("/v1/annotate", cut().clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(&body[..8], b"\x89PNG\r\n\x1a\n");
    let report: Value =
        serde_json::from_str(headers["x-preflight-report"].to_str().unwrap()).unwrap();
    assert_eq!(report["verdict"], "reject");
}

#[tokio::test]
async fn package_then_validate_zip() {
    let selfie = render(&SynthSpec::good(9).with_size(1200, 900)).jpeg;
    let (ct, form) = multipart(&[
        ("country", None, b"NG"),
        ("id_type", None, b"NATIONAL_ID"),
        ("selfie", Some("selfie.jpg"), &selfie),
        ("id_front", Some("front.jpg"), good()),
        ("partner_id", None, b"001"),
        ("api_key", None, b"key"),
        ("job_id", None, b"job-1"),
        ("user_id", None, b"user-1"),
        ("timestamp", None, b"2026-12-06T12:00:00.000Z"),
    ]);
    let req = Request::post("/v1/package")
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(form))
        .unwrap();
    let (status, headers, zip) = call(app(), req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&zip));
    assert_eq!(headers[header::CONTENT_TYPE], "application/zip");
    let result: Value =
        serde_json::from_str(headers["x-preflight-package"].to_str().unwrap()).unwrap();
    assert_eq!(result["zip_bytes"], zip.len());
    let (status, _, body) = call(app(), post("/v1/validate-zip", zip)).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["valid"], true, "{v}");

    let (status, _, body) = call(app(), post("/v1/validate-zip", b"PK\x03\x04 no".to_vec())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["code"], "0903");

    // A request the library refuses: no ID front.
    let (ct, form) = multipart(&[("country", None, b"NG"), ("selfie", Some("s.jpg"), &selfie)]);
    let req = Request::post("/v1/package")
        .header(header::CONTENT_TYPE, ct)
        .body(Body::from(form))
        .unwrap();
    let (status, _, body) = call(app(), req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["type"], "error");
}

#[tokio::test]
async fn work_that_outlasts_the_timeout_is_a_503_and_still_holds_its_place() {
    // One worker, no queue, 1 ms: no image is fixed that fast.
    let app = router(Config {
        workers: 1,
        queue: 0,
        timeout: Duration::from_millis(1),
        ..Config::default()
    })
    .unwrap();
    let (status, _, body) = call(app.clone(), post("/v1/fix", big().clone())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(&body)["error"]["code"], "deadline_exceeded");
    // The abandoned fix still runs on the only worker: the next request is turned away at
    // once, before its body is read.
    let (status, _, body) = call(app.clone(), post("/v1/check", good().clone())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(json(&body)["error"]["code"], "overloaded");
}

#[tokio::test]
async fn requests_beyond_the_workers_and_the_queue_are_turned_away_and_the_rest_answered() {
    let app = router(Config {
        workers: 1,
        queue: 2,
        ..Config::default()
    })
    .unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| tokio::spawn(call(app.clone(), post("/v1/fix", big().clone()))))
        .collect();
    let mut codes = Vec::new();
    for c in calls {
        codes.push(c.await.unwrap().0);
    }
    let ok = codes.iter().filter(|c| **c == StatusCode::OK).count();
    let busy = codes
        .iter()
        .filter(|c| **c == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert_eq!(ok + busy, 8, "{codes:?}");
    assert!(
        (1..=3).contains(&ok),
        "one running and two waiting at most: {codes:?}"
    );
    // Once they are done, a new request is answered.
    let (status, _, _) = call(app, post("/v1/check", good().clone())).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn health_metrics_and_the_page() {
    let app = app();
    let (status, _, body) = call(
        app.clone(),
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, &b"ok\n"[..]));
    call(app.clone(), post("/v1/check", good().clone())).await;
    call(app.clone(), post("/v1/check", cut().clone())).await;
    call(
        app.clone(),
        Request::get("/nope").body(Body::empty()).unwrap(),
    )
    .await;
    let (status, _, body) = call(
        app.clone(),
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.contains("preflight_requests_total{route=\"/v1/check\",status=\"200\"} 2"),
        "{text}"
    );
    assert!(
        text.contains("preflight_verdicts_total{verdict=\"reject\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("preflight_requests_total{route=\"other\",status=\"404\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("preflight_request_duration_seconds_count{route=\"/v1/check\"} 2"),
        "{text}"
    );
    let (status, headers, body) = call(app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains("accept=\"image/*\"") && page.contains("/v1/check"));
}
