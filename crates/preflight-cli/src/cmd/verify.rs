//! `preflight verify`: is a job-status response's or a callback's signature the one the
//! partner's API key makes for its timestamp (the SDKs' `confirm_signature`)?

use crate::cli::VerifyArgs;
use crate::output::emit_json;
use serde_json::{json, Value};
use std::io::Read;

/// Largest body read: job-status responses with image links are a few KB.
const MAX_BODY: u64 = 16 << 20;

/// Run `preflight verify`; 0 when the signature holds, 1 when it does not, 2 when the body
/// cannot be read or has no `timestamp` and `signature` strings.
pub fn run(args: VerifyArgs) -> u8 {
    let mut body = Vec::new();
    let read = if args.body.as_os_str() == "-" {
        std::io::stdin()
            .take(MAX_BODY)
            .read_to_end(&mut body)
            .map(drop)
            .map_err(|e| e.to_string())
    } else {
        kyc_preflight::read_file(&args.body, MAX_BODY)
            .map(|b| body = b)
            .map_err(|e| e.message().to_string())
    };
    if let Err(e) = read {
        eprintln!("preflight verify: {}: {e}", args.body.display());
        return 2;
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("preflight verify: not JSON: {e}");
            return 2;
        }
    };
    let field = |k: &str| value.get(k).and_then(Value::as_str);
    let (Some(timestamp), Some(signature)) = (field("timestamp"), field("signature")) else {
        eprintln!("preflight verify: the body has no \"timestamp\" and \"signature\" strings");
        return 2;
    };
    let valid = kyc_preflight::verify(&args.api_key, &args.partner_id, timestamp, signature);
    eprintln!(
        "{}  signature of {timestamp}",
        if valid { "VALID  " } else { "INVALID" }
    );
    emit_json(&json!({"type": "verification", "valid": valid, "timestamp": timestamp}));
    u8::from(!valid)
}
