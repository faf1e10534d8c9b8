//! The command-line contract (SPEC §4): exit codes, JSON Lines, inputs never touched.

use crate::common::{jpeg, photo_rgb};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub fn preflight(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(args)
        .output()
        .expect("runs")
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// A compliant synthetic ID-card capture, 2400x1800 upright (~1.2 MB), stored rotated
/// with the given EXIF orientation (its Exif also carries GPS and a camera make).
/// A good render. Its portrait is drawn, which the face detector may or may not take for a
/// face, so the tests that expect `pass` of it run `check --no-faces`.
fn good_capture(orientation: u16) -> Vec<u8> {
    use preflight_synth::{render, SynthSpec};
    let mut spec = SynthSpec::good(0).with_size(2400, 1800);
    spec.orientation = orientation;
    spec.jpeg_quality = 92;
    render(&spec).jpeg
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn check_walks_a_directory_in_sorted_order_and_carries_on_past_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let good = good_capture(6);
    write(dir.path(), "b/2.jpg", &good);
    write(dir.path(), "a.jpg", &good);
    write(dir.path(), "c.txt", b"not an image");
    write(dir.path(), "d.jpg", &good[..good.len() / 2]);
    let out = preflight(&[
        "check",
        "--json",
        "--no-faces",
        "--jobs",
        "2",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "an unreadable input makes it 2");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 5);
    let names: Vec<String> = lines[..4]
        .iter()
        .map(|r| {
            let p = r["path"].as_str().unwrap();
            Path::new(p)
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["a.jpg", "b/2.jpg", "c.txt", "d.jpg"]);
    for r in &lines[..4] {
        assert_eq!(r["type"], "report");
        assert_eq!(r["class"], "id-card");
        assert!(r["findings"].is_array());
    }
    assert_eq!(lines[0]["verdict"], "pass");
    assert_eq!(lines[0]["input"]["orientation"], 6);
    assert_eq!(lines[0]["image"]["width"], 2400);
    assert_eq!(lines[0]["image"]["height"], 1800);
    assert_eq!(lines[0]["input"]["width"], 1800, "stored sideways");
    assert_eq!(lines[2]["verdict"], "error");
    assert_eq!(lines[2]["error"]["code"], "unsupported_format");
    assert_eq!(lines[3]["verdict"], "reject");
    assert!(lines[3]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "truncated"));
    let summary = &lines[4];
    assert_eq!(summary["type"], "summary");
    assert_eq!(
        (
            summary["total"].as_u64(),
            summary["pass"].as_u64(),
            summary["reject"].as_u64(),
            summary["errors"].as_u64()
        ),
        (Some(4), Some(2), Some(1), Some(1))
    );
}

#[test]
fn exit_status_is_0_when_all_pass_and_1_when_one_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let good = write(dir.path(), "good.jpg", &good_capture(1));
    let small = write(
        dir.path(),
        "small.jpg",
        &jpeg(&photo_rgb(900, 600, 20.0, 1), 900, 600, 90),
    );
    assert_eq!(
        preflight(&["check", "--no-faces", good.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    let out = preflight(&[
        "check",
        "--json",
        "--no-faces",
        good.to_str().unwrap(),
        small.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines[1]["findings"][0]["code"], "resolution_too_low");
    assert_eq!(lines[1]["findings"][0]["severity"], "reject");
    // Human text goes to stderr, never stdout.
    let plain = preflight(&["check", small.to_str().unwrap()]);
    assert!(plain.stdout.is_empty());
    assert!(String::from_utf8_lossy(&plain.stderr).contains("resolution_too_low"));
}

#[test]
fn id_type_passport_selects_the_passport_class() {
    let dir = tempfile::tempdir().unwrap();
    // 2000 px on the long side: enough for an ID card, not for a passport.
    let f = write(
        dir.path(),
        "p.jpg",
        &jpeg(&photo_rgb(2000, 1500, 40.0, 3), 2000, 1500, 92),
    );
    let card = preflight(&[
        "check",
        "--json",
        "--id-type",
        "NATIONAL_ID",
        f.to_str().unwrap(),
    ]);
    assert_eq!(json_lines(&card)[0]["class"], "id-card");
    assert_eq!(card.status.code(), Some(0));
    let out = preflight(&[
        "check",
        "--json",
        "--id-type",
        "PASSPORT",
        f.to_str().unwrap(),
    ]);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["class"], "passport");
    assert_eq!(lines[0]["findings"][0]["threshold"], 2200.0);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn zip_archives_are_checked_in_memory_without_extracting() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("captures.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("front.jpg", opts).unwrap();
        std::io::Write::write_all(&mut z, &good_capture(1)).unwrap();
        z.start_file("../escape.jpg", opts).unwrap();
        std::io::Write::write_all(&mut z, &good_capture(1)).unwrap();
        z.finish().unwrap();
    }
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    let out = preflight(&["check", "--json", "--no-faces", zip_path.to_str().unwrap()]);
    let lines = json_lines(&out);
    assert!(lines[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("captures.zip!front.jpg"));
    assert_eq!(lines[0]["verdict"], "pass");
    assert_eq!(lines[1]["verdict"], "error");
    assert_eq!(lines[1]["error"]["code"], "archive_refused");
    assert_eq!(out.status.code(), Some(2));
    let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(before.len(), after.len(), "nothing extracted");
}

#[test]
fn fix_writes_an_upright_compliant_jpeg_and_leaves_the_input_alone() {
    let dir = tempfile::tempdir().unwrap();
    let original = good_capture(8);
    let input = write(dir.path(), "in.jpg", &original);
    let output = dir.path().join("out.jpg");
    let out = preflight(&[
        "fix",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&input).unwrap(), original, "input untouched");
    let written = std::fs::read(&output).unwrap();
    assert!((614_400..=10_000_000).contains(&(written.len() as u64)));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2);
    let report = &lines[0];
    assert_eq!(report["output"]["path"], output.to_str().unwrap());
    assert_eq!(report["output"]["bytes"], written.len() as u64);
    assert_eq!(report["output"]["reencoded"], true);
    assert_eq!(report["image"]["width"], 2400);
    assert_eq!(lines[1]["type"], "summary");
    // No temporary files left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn fix_refuses_to_overwrite_its_own_input() {
    let dir = tempfile::tempdir().unwrap();
    let original = good_capture(6);
    let input = write(dir.path(), "in.jpg", &original);
    let out = preflight(&[
        "fix",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&input).unwrap(), original);
    let via_dot = dir.path().join(".").join("in.jpg");
    let out = preflight(&[
        "fix",
        input.to_str().unwrap(),
        "-o",
        via_dot.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&input).unwrap(), original);
}

#[test]
fn fix_writes_nothing_when_no_compliant_file_can_be_made() {
    let dir = tempfile::tempdir().unwrap();
    let flat = jpeg(&photo_rgb(1600, 1200, 0.0, 1), 1600, 1200, 90);
    let input = write(dir.path(), "flat.jpg", &flat);
    let output = dir.path().join("out.jpg");
    let out = preflight(&[
        "fix",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!output.exists());
    let lines = json_lines(&out);
    assert!(lines[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "size_target_unreachable"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(preflight(&["check"]).status.code(), Some(2));
    assert_eq!(
        preflight(&["check", "--class", "banana", "x"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(preflight(&["fix", "in.jpg"]).status.code(), Some(2));
}

#[test]
fn a_missing_path_is_an_error_report_not_a_crash() {
    let out = preflight(&["check", "--json", "/nonexistent/x.jpg"]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["verdict"], "error");
    assert_eq!(lines[0]["error"]["code"], "io_error");
}

#[test]
fn an_empty_directory_gives_an_empty_summary_and_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = preflight(&["check", "--json", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["type"], "summary");
    assert_eq!(lines[0]["total"], 0);
}

#[test]
fn limit_flags_reach_the_policy_and_hostile_archive_entries_are_reported() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../preflight/tests/data/hostile");
    let base = corpus.join("base.jpg");
    let out = preflight(&[
        "check",
        "--json",
        "--max-megapixels",
        "0",
        base.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_lines(&out)[0]["error"]["code"], "too_many_pixels");
    let out = preflight(&[
        "check",
        "--json",
        "--max-input-mib",
        "0",
        base.to_str().unwrap(),
    ]);
    assert_eq!(json_lines(&out)[0]["error"]["code"], "input_too_large");
    // One archive with a good entry between refused ones: every entry has a report.
    let zip = corpus.join("zip_traversal.zip");
    let out = preflight(&["check", "--json", zip.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let lines = json_lines(&out);
    let codes: Vec<&str> = lines[..3]
        .iter()
        .map(|r| r["error"]["code"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(codes, ["-", "archive_refused", "archive_refused"]);
    assert_eq!(lines[3]["type"], "summary");
    let out = preflight(&[
        "check",
        "--json",
        "--max-archive-entries",
        "2",
        zip.to_str().unwrap(),
    ]);
    assert_eq!(json_lines(&out)[0]["error"]["code"], "archive_refused");
}
