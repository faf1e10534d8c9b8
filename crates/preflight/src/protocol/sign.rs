//! The request signature (HMAC-SHA256 over timestamp, partner id and "sid_request").

use super::*;

/// A signature and the timestamp it was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    /// `base64(HMAC-SHA256(api_key, timestamp + partner_id + "sid_request"))`.
    pub signature: String,
    /// ISO 8601.
    pub timestamp: String,
}

impl Signed {
    /// Sign with `timestamp`, or with the current time (ISO 8601, UTC, milliseconds).
    pub fn new(api_key: &str, partner_id: &str, timestamp: Option<&str>) -> Self {
        let timestamp = timestamp.map_or_else(now, str::to_string);
        Signed {
            signature: sign(api_key, partner_id, &timestamp),
            timestamp,
        }
    }
}

/// The current time as the service's SDKs write it: `2026-11-23T01:02:03.456Z`.
pub fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

pub(super) fn mac(api_key: &str, partner_id: &str, timestamp: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(api_key.as_bytes()).expect("HMAC takes keys of any size");
    mac.update(timestamp.as_bytes());
    mac.update(partner_id.as_bytes());
    mac.update(b"sid_request");
    mac
}

/// `base64(HMAC-SHA256(key = api_key, message = timestamp + partner_id + "sid_request"))`.
pub fn sign(api_key: &str, partner_id: &str, timestamp: &str) -> String {
    BASE64.encode(mac(api_key, partner_id, timestamp).finalize().into_bytes())
}

/// True when `signature` is [`sign`]`(api_key, partner_id, timestamp)`, compared in constant
/// time.
pub fn verify(api_key: &str, partner_id: &str, timestamp: &str, signature: &str) -> bool {
    match BASE64.decode(signature.trim()) {
        Ok(bytes) => mac(api_key, partner_id, timestamp)
            .verify_slice(&bytes)
            .is_ok(),
        Err(_) => false,
    }
}
