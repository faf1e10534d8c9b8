//! `preflight sign`: the signature and its timestamp as JSON.

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
