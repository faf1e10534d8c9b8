//! Hostile and broken input (issue 6): the committed corpus in tests/data/hostile/ (one file per
//! hazard, expectations in tests/data/hostile/MANIFEST), hazards generated here (truncation at
//! many offsets, oversized metadata, too many archive entries), panic isolation, the
//! truncation sweep and determinism.

use kyc_preflight::internal::read_archive;
use kyc_preflight::{check, DocumentClass, Limits, Policy, Report, Scratch, Source, Verdict};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hostile")
}

/// The expectation key of a report: the path relative to the corpus directory.
fn key(report: &Report) -> String {
    let dir = corpus_dir().display().to_string();
    report
        .path
        .strip_prefix(&dir)
        .unwrap_or(&report.path)
        .trim_start_matches('/')
        .to_string()
}

fn outcome(report: &Report) -> String {
    match &report.error {
        Some(e) => format!("error:{}", e.code),
        None => String::new(),
    }
}

fn satisfies(report: &Report, expected: &str) -> bool {
    match expected.split_once(':') {
        Some(("error", code)) => {
            report.verdict == Verdict::Error
                && report.error.as_ref().is_some_and(|e| e.code == code)
        }
        Some(("finding", code)) => {
            report.verdict != Verdict::Error
                && report.findings.iter().any(|f| f.code.as_str() == code)
        }
        _ => panic!("bad expectation {expected:?}"),
    }
}

fn run_batch(paths: &[PathBuf], policy: &Policy, jobs: usize) -> Vec<Report> {
    let inputs = kyc_preflight::expand(paths, &policy.limits);
    let mut reports = Vec::new();
    kyc_preflight::check_all(&inputs, policy, jobs, None, |_, r| reports.push(r)).unwrap();
    assert_eq!(reports.len(), inputs.len());
    reports
}

fn corpus_inputs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name != "MANIFEST" && !name.ends_with(".py")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn every_hazard_in_the_corpus_gets_its_code_and_the_batch_carries_on() {
    let manifest = std::fs::read_to_string(corpus_dir().join("MANIFEST")).unwrap();
    let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let (name, e) = line.split_once('\t').expect("name<TAB>expectation");
        expected
            .entry(name.replace("\\x01", "\u{1}"))
            .or_default()
            .push(e.to_string());
    }
    // One batch over everything, on two threads: every input gets a report.
    let reports = run_batch(&corpus_inputs(), &Policy::default(), 2);
    let mut seen: BTreeMap<String, Vec<&Report>> = BTreeMap::new();
    for r in &reports {
        seen.entry(key(r)).or_default().push(r);
    }
    let mut failures = Vec::new();
    for (name, exps) in &expected {
        let Some(rs) = seen.get(name) else {
            failures.push(format!("{name}: no report"));
            continue;
        };
        if rs.len() != exps.len() {
            failures.push(format!(
                "{name}: {} reports for {} expectations",
                rs.len(),
                exps.len()
            ));
        }
        for (r, e) in rs.iter().zip(exps) {
            if !satisfies(r, e) {
                failures.push(format!(
                    "{name}: expected {e}, got verdict {:?} {} findings {:?}",
                    r.verdict,
                    outcome(r),
                    r.findings
                        .iter()
                        .map(|f| f.code.as_str())
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    for name in seen.keys() {
        if !expected.contains_key(name) {
            failures.push(format!("{name}: report without an expectation in MANIFEST"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // No input is an internal error (that would be a caught panic).
    assert!(reports
        .iter()
        .all(|r| r.error.as_ref().is_none_or(|e| e.code != "internal_error")));
}

fn policy() -> Policy {
    Policy::for_class(DocumentClass::IdCard)
}

fn check_bytes(data: &[u8]) -> Report {
    check(data, "mem", &policy(), &mut Scratch::new())
}

#[test]
fn metadata_over_the_byte_cap_is_refused() {
    // A 5 MiB tEXt chunk (over the 4 MiB metadata cap) and a JPEG with 17 x 64 KiB COM
    // segments (1.1 MiB) under a 1 MiB cap.
    let base = std::fs::read(corpus_dir().join("png_text_chunks_1000.png")).unwrap();
    let ihdr_end = 8 + 25;
    let body = vec![b'a'; 5 << 20];
    let mut chunk = (body.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&[0; 4]);
    let mut png = base[..ihdr_end].to_vec();
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&base[ihdr_end..]);
    let r = check_bytes(&png);
    assert_eq!(r.error.unwrap().code, "metadata_too_large");

    let jpeg = std::fs::read(corpus_dir().join("base.jpg")).unwrap();
    let mut big = jpeg[..2].to_vec();
    for _ in 0..17 {
        big.extend_from_slice(&[0xFF, 0xFE, 0xFF, 0xFF]);
        big.extend_from_slice(&[b'c'; 0xFFFD]);
    }
    big.extend_from_slice(&jpeg[2..]);
    let mut p = policy();
    p.limits.max_metadata_bytes = 1 << 20;
    let r = check(&big, "mem", &p, &mut Scratch::new());
    assert_eq!(r.error.unwrap().code, "metadata_too_large");
}

#[test]
fn every_limit_is_enforced_at_its_edge() {
    let jpeg = std::fs::read(corpus_dir().join("base.jpg")).unwrap(); // 160x120
    let run = |f: &dyn Fn(&mut Limits)| {
        let mut p = policy();
        f(&mut p.limits);
        check(&jpeg, "mem", &p, &mut Scratch::new())
            .error
            .map(|e| e.code)
    };
    let n = jpeg.len() as u64;
    assert_eq!(run(&|l| l.max_input_bytes = n), None);
    assert_eq!(run(&|l| l.max_input_bytes = n - 1), Some("input_too_large"));
    assert_eq!(run(&|l| l.max_pixels = 160 * 120), None);
    assert_eq!(
        run(&|l| l.max_pixels = 160 * 120 - 1),
        Some("too_many_pixels")
    );
    assert_eq!(run(&|l| l.max_side = 160), None);
    assert_eq!(run(&|l| l.max_side = 159), Some("bad_dimensions"));
    assert_eq!(run(&|l| l.max_decode_bytes = 160 * 120 * 3), None);
    assert_eq!(
        run(&|l| l.max_decode_bytes = 160 * 120 * 3 - 1),
        Some("too_many_pixels")
    );
    assert_eq!(
        run(&|l| l.deadline = std::time::Duration::ZERO),
        Some("deadline_exceeded")
    );
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
    buf.into_inner()
}

#[test]
fn archive_entry_count_and_total_caps() {
    let entries: Vec<(String, Vec<u8>)> = (0..6)
        .map(|i| (format!("{i}.bin"), vec![i as u8; 100]))
        .collect();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let zip = zip_of(&refs);
    let mut limits = Limits::default();
    limits.archive.max_entries = 6;
    assert_eq!(read_archive(&zip, &limits).unwrap().len(), 6);
    limits.archive.max_entries = 5;
    let e = read_archive(&zip, &limits).unwrap_err();
    assert_eq!(e.code(), "archive_refused", "{e}");
    limits.archive.max_entries = 6;
    limits.archive.max_total_bytes = 599;
    let e = read_archive(&zip, &limits).unwrap_err();
    assert_eq!(e.code(), "archive_refused", "{e}");
    limits.archive.max_total_bytes = 600;
    limits.max_input_bytes = 99;
    let read = read_archive(&zip, &limits).unwrap();
    assert!(read
        .iter()
        .all(|(_, r)| r.as_ref().unwrap_err().code() == "input_too_large"));
}

#[test]
fn a_broken_archive_is_one_report_and_the_batch_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = corpus_dir().join("base.jpg");
    let bad = dir.path().join("broken.zip");
    std::fs::write(&bad, b"PK\x03\x04garbage").unwrap();
    let reports = run_batch(&[bad, good.clone()], &policy(), 1);
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].error.as_ref().unwrap().code, "archive_refused");
    assert_ne!(reports[1].verdict, Verdict::Error);
}

#[test]
fn a_panic_becomes_an_internal_error_report_and_the_rest_completes() {
    let inputs: Vec<Source> = (0..5)
        .map(|i| Source::File(PathBuf::from(format!("input{i}.jpg"))))
        .collect();
    let p = policy();
    let mut reports = Vec::new();
    kyc_preflight::internal::run_all(
        &inputs,
        &p,
        2,
        |i, source| {
            if i == 2 {
                panic!("injected failure in {}", source.display());
            }
            Report::new(source.display(), p.class)
        },
        |_, r| reports.push(r),
    )
    .unwrap();
    assert_eq!(reports.len(), 5);
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(r.path, format!("input{i}.jpg"));
        if i == 2 {
            assert_eq!(r.verdict, Verdict::Error);
            let e = r.error.as_ref().unwrap();
            assert_eq!(e.code, "internal_error");
            assert!(e.message.contains("injected failure"), "{}", e.message);
            let json = serde_json::to_value(r).unwrap();
            assert_eq!(json["verdict"], "error");
            assert_eq!(json["error"]["code"], "internal_error");
        } else {
            assert!(r.error.is_none());
        }
    }
    // The same through the single-input entry point.
    let r = kyc_preflight::internal::isolate("x.jpg", &p, || panic!("boom"));
    assert_eq!(r.error.unwrap().code, "internal_error");
}

/// Every image fixture we have: the committed hostile corpus images and the fuzz seeds.
fn image_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["tests/data/hostile", "../../fuzz/seeds/check"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|e| {
                    ["jpg", "png", "bmp", "tif", "webp", "gif"].contains(&e.to_str().unwrap_or(""))
                })
            })
            .collect();
        files.sort();
        for f in files {
            out.push((f.display().to_string(), std::fs::read(&f).unwrap()));
        }
    }
    out
}

#[test]
fn truncation_sweep_never_panics() {
    // Each fixture cut at every offset in its first 1 KiB and at 97 more offsets spread
    // over the rest; `check` is called directly (no catch_unwind), so a panic fails the test.
    let p = policy();
    let mut scratch = Scratch::new();
    let mut cuts = 0;
    for (name, data) in image_fixtures() {
        let mut offsets: Vec<usize> = (0..data.len().min(1024)).collect();
        offsets.extend((1..98).map(|k| data.len() * k / 98));
        offsets.sort_unstable();
        offsets.dedup();
        for cut in offsets {
            let r = check(&data[..cut], &name, &p, &mut scratch);
            assert!(
                r.verdict != Verdict::Error
                    || r.error.as_ref().is_some_and(|e| e.code != "internal_error"),
                "{name} cut at {cut}"
            );
            cuts += 1;
        }
    }
    assert!(cuts > 5_000, "{cuts}");
}

#[test]
fn same_inputs_give_the_same_reports() {
    let inputs = corpus_inputs();
    let json = |reports: Vec<Report>| -> Vec<String> {
        reports
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect()
    };
    let a = json(run_batch(&inputs, &policy(), 1));
    let b = json(run_batch(&inputs, &policy(), 2));
    assert_eq!(a, b);
    // `fix` makes the same bytes every time.
    let jpeg = std::fs::read(corpus_dir().join("jpeg_trailing_html.jpg")).unwrap();
    let p = Policy::for_class(DocumentClass::Selfie);
    let x = kyc_preflight::fix(&jpeg, "a", &p, &mut Scratch::new());
    let y = kyc_preflight::fix(&jpeg, "a", &p, &mut Scratch::new());
    assert!(x.jpeg.is_some());
    assert_eq!(x, y);
}
