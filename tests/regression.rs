//! Replays every input under tests/regression/<target>/ through that fuzz target's entry
//! point (no catch_unwind: a panic fails the test). See tests/regression/README.md.

use kyc_preflight::probe::{exif_orientation, probe};
use kyc_preflight::sources::read_archive;
use kyc_preflight::{check, fix, DocumentClass, Limits, Policy, Scratch};
use std::path::Path;

fn replay(target: &str, mut run: impl FnMut(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/regression")
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

/// The fix target's input format: 6 header bytes + pixels (copied from
/// fuzz/fuzz_targets/fix.rs so a crash file replays exactly).
fn make_image(data: &[u8]) -> Option<(Vec<u8>, DocumentClass)> {
    let (&[w, h, kind, class, orient, q], rest) = data.split_first_chunk::<6>()?;
    let w = u32::from(w % 96) + 1;
    let h = u32::from(h % 96) + 1;
    let class = match class % 4 {
        0 => DocumentClass::IdCard,
        1 => DocumentClass::Passport,
        2 => DocumentClass::Selfie,
        _ => DocumentClass::Liveness,
    };
    let channels: usize = if kind & 1 == 0 { 1 } else { 3 };
    let n = w as usize * h as usize * channels;
    let mut pixels: Vec<u8> = rest.iter().copied().cycle().take(n).collect();
    pixels.resize(n, 128);
    let mut out = Vec::new();
    if kind & 2 == 0 {
        let ct = if channels == 1 {
            image::ExtendedColorType::L8
        } else {
            image::ExtendedColorType::Rgb8
        };
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels, w, h, ct)
            .ok()?;
    } else {
        let ct = if channels == 1 {
            jpeg_encoder::ColorType::Luma
        } else {
            jpeg_encoder::ColorType::Rgb
        };
        let mut enc = jpeg_encoder::Encoder::new(&mut out, q % 100 + 1);
        // An EXIF APP1 with the orientation byte from the input (0..=255, often invalid).
        let mut exif = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend_from_slice(&[orient, 0, 0, 0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&exif);
        enc.add_app_segment(1, app1).ok()?;
        enc.encode(&pixels, w as u16, h as u16, ct).ok()?;
    }
    Some((out, class))
}

#[test]
fn fix_regressions() {
    let mut scratch = Scratch::new();
    replay("fix", |d| {
        let Some((img, class)) = make_image(d) else {
            return;
        };
        let p = Policy::for_class(class);
        let f = fix(&img, "regression", &p, &mut scratch);
        if let Some(j) = &f.jpeg {
            let (lo, hi) = p.byte_window();
            assert!((lo..=hi).contains(&(j.len() as u64)));
        }
    });
}

#[test]
fn archive_regressions() {
    replay("archive", |d| {
        let _ = read_archive(d, &Limits::default());
    });
}
