//! `preflight validate-zip`: one JSON object; exit 0 upload and photos pass, 1 the service
//! would reject the upload, 3 it would take it but a photo fails the document checks,
//! 2 unreadable. (Exit 0 on a real package: tests/it/package.rs.)

use crate::fixtures::{good_entries, with_json, zip_of};
use serde_json::{json, Value};
use std::process::Command;

#[test]
fn the_cli_prints_one_json_object_and_exits_by_both_verdicts() {
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
    // The service would take it; its 96x64 photos would not pass the document checks.
    let out = run(&good);
    assert_eq!(out.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "validation");
    assert_eq!(v["valid"], true);
    assert_eq!(v["code"], Value::Null);
    assert_eq!(v["photos"], "reject");
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
