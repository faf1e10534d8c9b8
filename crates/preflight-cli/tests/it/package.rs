//! `preflight package`: the zip written atomically and reproducibly, exit codes by verdict.

use crate::fixtures::inputs;
use kyc_preflight::Role;
use serde_json::Value;

#[test]
fn the_package_command_writes_the_zip_atomically_and_exits_by_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec![
        "package".into(),
        "--json".into(),
        "--country".into(),
        "NG".into(),
        "--id-type".into(),
        "NATIONAL_ID".into(),
    ];
    for input in inputs() {
        let path = dir.path().join(&input.path);
        std::fs::write(&path, &input.data).unwrap();
        let flag = match input.role {
            Role::Selfie => "--selfie",
            Role::IdFront => "--id-front",
            Role::IdBack => "--id-back",
            Role::Liveness => "--liveness",
        };
        args.push(flag.into());
        args.push(path.display().to_string());
    }
    let run = |out: &str| {
        let mut a = args.clone();
        a.push("-o".into());
        a.push(dir.path().join(out).display().to_string());
        std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(&a)
            .output()
            .unwrap()
    };
    let out = run("a.zip");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        6 + 2,
        "a report per image, the package, the summary"
    );
    assert_eq!(lines[6]["type"], "package");
    assert_eq!(lines[6]["images"].as_array().unwrap().len(), 6);
    assert_eq!(lines[7]["type"], "summary");
    run("b.zip");
    let a = std::fs::read(dir.path().join("a.zip")).unwrap();
    assert_eq!(
        a,
        std::fs::read(dir.path().join("b.zip")).unwrap(),
        "reruns are byte-identical"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");
    // What `package` writes, `validate-zip` accepts, photos and all: exit 0.
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["validate-zip", "--json"])
        .arg(dir.path().join("a.zip"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(check.status.code(), Some(0), "{v}");
    assert_eq!(v["valid"], true);
    assert!(v["photos"] == "pass" || v["photos"] == "warn", "{v}");

    let mut bad = args.clone();
    assert_eq!(bad[3], "NG");
    bad[3] = "XX".into();
    bad.extend(["-o".into(), dir.path().join("c.zip").display().to_string()]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(&bad)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "a country that does not exist is a usage error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("ISO 3166"));
    let mut dup = args.clone();
    let front = dup.iter().position(|a| a == "--id-front").unwrap() + 1;
    let back = dup.iter().position(|a| a == "--id-back").unwrap() + 1;
    dup[back] = dup[front].clone();
    dup.extend(["-o".into(), dir.path().join("d.zip").display().to_string()]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(&dup)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a duplicate is a rejection");
    assert!(!dir.path().join("d.zip").exists(), "no zip when rejected");
}
