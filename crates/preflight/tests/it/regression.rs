//! Replays every input under tests/data/regression/<target>/ through that fuzz target's entry
//! point (no catch_unwind: a panic fails the test). See tests/data/regression/README.md.

use kyc_preflight::internal::{exif_orientation, probe, read_archive};
use kyc_preflight::{check, fix, DocumentClass, Limits, Policy, Scratch, Severity, Verdict};
use std::path::Path;

// The fix target's input format, the same file the fuzz target compiles.
#[path = "../../../../fuzz/fuzz_targets/fix_input.rs"]
mod fix_input;
use fix_input::make_image;

fn replay(target: &str, mut run: impl FnMut(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/regression")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in &files {
        eprintln!("replaying {}", f.display());
        run(&std::fs::read(f).unwrap());
    }
    files.len()
}

#[test]
fn probe_regressions() {
    replay("probe", |d| {
        let _ = probe(d, &Limits::default());
    });
}

#[test]
fn exif_regressions() {
    replay("exif", |d| {
        let _ = exif_orientation(d);
    });
}

#[test]
fn check_regressions() {
    let mut policy = Policy::default();
    policy.limits.max_pixels = 4_000_000;
    policy.limits.max_side = 4096;
    let mut scratch = Scratch::new();
    replay("check", |d| {
        let _ = check(d, "regression", &policy, &mut scratch);
    });
}

/// The fix target's assertions: an output inside the byte window, or a report that says why
/// there is none; never an `internal_error`. Issue 21's four files (one pixel wide, tall or
/// turned upright by EXIF) panicked in the outline finder up to 66fa5dc.
#[test]
fn fix_regressions() {
    let mut scratch = Scratch::new();
    let n = replay("fix", |d| {
        let Some((img, class)) = make_image(d) else {
            return;
        };
        let p = Policy::for_class(class);
        let f = fix(&img, "regression", &p, &mut scratch);
        let r = &f.report;
        assert_ne!(r.error.as_ref().map(|e| e.code), Some("internal_error"));
        match &f.jpeg {
            Some(j) => {
                let (lo, hi) = p.byte_window();
                assert!((lo..=hi).contains(&(j.len() as u64)));
            }
            None => assert!(
                r.verdict == Verdict::Error
                    || r.findings.iter().any(|f| f.severity == Severity::Reject),
                "no output and no reason: {r:?}"
            ),
        }
    });
    assert!(n >= 4, "issue 21's fix regressions are missing");
}

#[test]
fn archive_regressions() {
    replay("archive", |d| {
        let _ = read_archive(d, &Limits::default());
    });
}

/// The `turn` target's assertions: `fix` of arbitrary bytes as a selfie (no byte minimum),
/// and an output, when there is one, that our own probe reads as a complete JPEG with no
/// metadata. Issue 20's file: a stray byte after the Exif segment stayed behind when the
/// segment was stripped, so the kept output began `FF D8 00` and did not probe.
#[test]
fn turn_regressions() {
    let mut policy = Policy::for_class(DocumentClass::Selfie);
    policy.limits.max_pixels = 4_000_000;
    policy.limits.max_side = 4096;
    let mut scratch = Scratch::new();
    let n = replay("turn", |d| {
        let f = fix(d, "regression", &policy, &mut scratch);
        assert_ne!(
            f.report.error.as_ref().map(|e| e.code),
            Some("internal_error")
        );
        if let Some(j) = &f.jpeg {
            let p = probe(j, &policy.limits).expect("the output probes");
            assert!(!p.truncated && p.trailing_bytes == 0 && !p.has_private_metadata());
            let out = f.report.output.as_ref().expect("output described");
            assert_eq!(out.bytes, j.len() as u64);
        }
    });
    assert!(n >= 1, "issue 20's turn regression is missing");
}
