//! `preflight sign` and `preflight verify`: the signature and its timestamp as JSON, and the check of a body's signature.

use crate::fixtures::VECTORS;
use kyc_preflight::verify;
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn the_sign_command_prints_signature_and_timestamp() {
    let (key, pid, ts, sig) = VECTORS[0];
    let out = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "sign",
            "--partner-id",
            pid,
            "--api-key",
            key,
            "--timestamp",
            ts,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v, json!({"signature": sig, "timestamp": ts}));
    let now = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["sign", "--partner-id", pid, "--api-key", key])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&now.stdout).unwrap();
    let ts = v["timestamp"].as_str().unwrap();
    assert!(verify(key, pid, ts, v["signature"].as_str().unwrap()));
}

#[test]
fn the_verify_command_checks_a_body_signature() {
    let (key, pid, ts, sig) = VECTORS[0];
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("callback.json");
    std::fs::write(
        &body,
        json!({"timestamp": ts, "signature": sig, "ResultCode": "0810"}).to_string(),
    )
    .unwrap();
    let verify = |k: &str, path: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(["verify", "--partner-id", pid, "--api-key", k])
            .arg(path)
            .output()
            .unwrap()
    };
    let out = verify(key, &body);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(verify("another key", &body).status.code(), Some(1));
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    assert_eq!(verify(key, &empty).status.code(), Some(2));
}
