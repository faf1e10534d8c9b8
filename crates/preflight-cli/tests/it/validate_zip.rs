//! `preflight validate-zip`: one JSON object, exit 0 valid, 1 invalid, 2 unreadable.

use crate::fixtures::{good_entries, with_json, zip_of};
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn the_cli_prints_one_json_object_and_exits_1_when_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.zip");
    std::fs::write(&good, zip_of(&good_entries())).unwrap();
    let bad = dir.path().join("bad.zip");
    std::fs::write(&bad, with_json(json!({"images": []}))).unwrap();
    let run = |p: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(["validate-zip", "--json", p.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let out = run(&good);
    assert_eq!(out.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "validation");
    assert_eq!(v["valid"], true);
    assert_eq!(v["code"], Value::Null);
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["code"], "2213");
    assert!(v["findings"].as_array().unwrap().len() >= 2);
    let missing = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "validate-zip",
            dir.path().join("nope.zip").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        missing.status.code(),
        Some(2),
        "an unreadable path is a usage error"
    );
}
