//! How the service answers: JSON bodies and errors, reports in headers, binary bodies.

use super::*;

/// A JSON error answer.
pub(crate) fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = serde_json::json!({
        "type": "error",
        "error": { "code": code, "message": message.into() },
    });
    (status, json_headers(), body.to_string()).into_response()
}

pub(crate) fn json_headers() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    )]
}

pub(crate) fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
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
pub(crate) fn header_json<T: serde::Serialize>(value: &T) -> HeaderValue {
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

/// A body extractor's refusal as JSON: 413 for the size limit, 400 otherwise.
pub(crate) fn refused(status: StatusCode, text: String) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        error(status, "input_too_large", text)
    } else {
        error(status, "bad_request", text)
    }
}

/// A binary answer (`content_type`) with a JSON header beside it.
pub(crate) fn binary(
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
