//! Issue 21: degenerate sizes through every public entry point. Images from 1×1 up to the
//! side limit (`Limits::max_side`, 16,384 px, the only bound on the aspect ratio: 1×16384 is
//! a legal input), below one JPEG MCU, one and two pixels wide or tall, and at the edges of
//! the outline finder's work plane, as PNG (RGB and grey) and JPEG (4:2:0, grey, EXIF
//! orientation 6), for every document class and threshold profile.
//!
//! Every call runs under `catch_unwind` here, in the test (never in the library), so a panic
//! is a failure naming its input; the isolated entry points (`check_isolated`, `package`,
//! `validate_zip`, `check_all`) turn a panic into `internal_error`, which fails too. Beyond
//! "no panic", each outcome must make sense: a document class rejects every one of these
//! images (too few pixels, or no outline can be found in a strip), a face class warns about
//! the resolution below its minimum, an output is a decodable JPEG inside the byte window
//! and never larger than the input, a size past the limit is a clear `bad_dimensions`.

use crate::common::{decode_rgb, with_exif};
use kyc_preflight::internal::probe;
use kyc_preflight::{
    check, check_all, check_isolated, expand, fix, fix_isolated, package, validate_zip,
    DocumentClass, ErrorKind, Finding, FindingCode, Fixed, IdInfo, Limits, PackageInput,
    PackageRequest, Policy, Report, Role, Scratch, Severity, Verdict, ZipLimits,
};
use std::fmt::Debug;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Sizes from the issue, then the edges of the work plane the outline finder needs (at least
/// 32 px a side after the analysis plane, long side ≤ 1024, is reduced to ≤ 512), then the
/// side limit.
const SIZES: &[(u32, u32)] = &[
    (1, 1),
    (1, 2),
    (2, 1),
    (2, 2),
    (3, 3),
    (7, 7),
    (8, 8),
    (9, 9),
    (15, 17),
    (16, 16),
    (1, 40),
    (40, 1),
    (1, 3000),
    (3000, 1),
    (2, 3000),
    (3000, 2),
    (8, 8000),
    (8000, 8),
    // The work plane: 31 px (skipped), 32 px (the smallest searched), a 16:1 strip whose
    // work plane is 512×32, and one whose work plane is 512×31.
    (31, 31),
    (32, 32),
    (33, 32),
    (2048, 128),
    (128, 2048),
    (2048, 124),
    // The side limit.
    (1, 16384),
    (16384, 1),
    (2, 16384),
    (16384, 2),
    (16, 16384),
    (16384, 16),
];

/// One pixel past the side limit: refused with `bad_dimensions`, never decoded.
const OVER: &[(u32, u32)] = &[(1, 16385), (16385, 1), (16385, 2)];

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    PngRgb,
    PngGrey,
    Jpeg420,
    JpegGrey,
    /// JPEG stored sideways with EXIF orientation 6: the upright size is the transpose.
    JpegRotated,
}

pub const FORMATS: [Format; 5] = [
    Format::PngRgb,
    Format::PngGrey,
    Format::Jpeg420,
    Format::JpegGrey,
    Format::JpegRotated,
];

pub const CLASSES: [DocumentClass; 4] = [
    DocumentClass::IdCard,
    DocumentClass::Passport,
    DocumentClass::Selfie,
    DocumentClass::Liveness,
];

const PROFILES: [&str; 3] = ["default", "strict", "lenient"];

/// A card-like picture: textured dark surround, a bright textured rectangle over the middle
/// 60 % with a darker band of "print", so the edge and line detectors have something to find.
fn pixels(w: u32, h: u32, channels: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 59) as i32 - 16
    };
    let (w, h) = (w as usize, h as usize);
    let mut out = Vec::with_capacity(w * h * channels);
    for y in 0..h {
        for x in 0..w {
            let inside = x * 5 >= w && x * 5 < w * 4 && y * 5 >= h && y * 5 < h * 4;
            let print = inside && y * 2 >= h && y * 3 < h * 2;
            let base = match (inside, print) {
                (_, true) => 90,
                (true, false) => 215,
                _ => 50 + (60 * x / w.max(1)) as i32,
            };
            for c in 0..channels {
                out.push((base + noise() - 8 * c as i32).clamp(0, 255) as u8);
            }
        }
    }
    out
}

impl Format {
    pub fn channels(self) -> usize {
        match self {
            Format::PngGrey | Format::JpegGrey => 1,
            _ => 3,
        }
    }
}

/// The card-like picture of upright size `w × h` in `format`.
fn encode(format: Format, w: u32, h: u32, seed: u64) -> Vec<u8> {
    let (sw, sh) = stored_size(format, w, h);
    encode_pixels(format, w, h, &pixels(sw, sh, format.channels(), seed))
}

/// The size stored in the file: `JpegRotated` is stored `h × w` so that it shows `w × h`.
fn stored_size(format: Format, w: u32, h: u32) -> (u32, u32) {
    if format == Format::JpegRotated {
        (h, w)
    } else {
        (w, h)
    }
}

/// Encode `pixels` (stored order, `format.channels()` per pixel) as an image that shows
/// `w × h` upright. Also used by the property tests.
pub fn encode_pixels(format: Format, w: u32, h: u32, pixels: &[u8]) -> Vec<u8> {
    use image::ImageEncoder;
    let (sw, sh) = stored_size(format, w, h);
    let mut out = Vec::new();
    match format {
        Format::PngRgb | Format::PngGrey => {
            let ct = if format == Format::PngRgb {
                image::ExtendedColorType::Rgb8
            } else {
                image::ExtendedColorType::L8
            };
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(pixels, sw, sh, ct)
                .expect("png encodes");
        }
        Format::Jpeg420 | Format::JpegGrey | Format::JpegRotated => {
            let ct = if format == Format::JpegGrey {
                jpeg_encoder::ColorType::Luma
            } else {
                jpeg_encoder::ColorType::Rgb
            };
            let mut e = jpeg_encoder::Encoder::new(&mut out, 85);
            e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
            e.encode(pixels, sw as u16, sh as u16, ct)
                .expect("jpeg encodes");
            if format == Format::JpegRotated {
                out = with_exif(&out, 6);
            }
        }
    }
    out
}

/// Run `f`, turning a panic into a failure line (so one run lists every panicking input).
fn guarded<T>(label: &str, failures: &mut Vec<String>, f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(p) => {
            let what = kyc_preflight::internal::panic_message(&*p);
            failures.push(format!("{label}: PANIC {what}"));
            None
        }
    }
}

fn expect(label: &str, failures: &mut Vec<String>, ok: bool, what: impl Debug) {
    if !ok {
        failures.push(format!("{label}: {what:?}"));
    }
}

fn fail_on(failures: Vec<String>, runs: usize) {
    let shown: Vec<String> = failures
        .iter()
        .take(40)
        .map(|f| f.chars().take(1200).collect())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures in {runs} runs, the first {}:\n{}",
        failures.len(),
        shown.len(),
        shown.join("\n")
    );
    assert!(runs > 0, "nothing ran");
}

fn has_reject(r: &Report, code: FindingCode) -> bool {
    r.findings
        .iter()
        .any(|f: &Finding| f.code == code && f.severity == Severity::Reject)
}

/// What any report for a legal image of upright size `w × h` must say: evaluated (not an
/// error), the upright size, the metrics, `resolution_too_low` exactly when the long side is
/// below the class minimum.
pub fn report_is_sound(
    label: &str,
    r: &Report,
    (w, h): (u32, u32),
    class: DocumentClass,
) -> Vec<String> {
    let mut bad = Vec::new();
    let json = serde_json::to_string(r).expect("report serialises");
    if r.verdict == Verdict::Error {
        bad.push(format!("{label}: error report for a legal image: {json}"));
        return bad;
    }
    let image = r.image.as_ref().map(|i| (i.width, i.height));
    expect(
        label,
        &mut bad,
        image == Some((w, h)),
        ("upright size", image),
    );
    expect(label, &mut bad, r.metrics.is_some(), "no metrics");
    let low = w.max(h) < class.min_long_side();
    expect(
        label,
        &mut bad,
        low == r.has(FindingCode::ResolutionTooLow),
        ("resolution_too_low", low, &json),
    );
    bad
}

/// A document class on one of the grid's images: too few pixels, or a strip no document
/// outline fits in (`document_not_found` is a warning). Where the work plane is big enough
/// for the finder to run (2048×128), an outline it reports is either cut by the frame (its
/// corners may then lie beyond it) or lies inside the frame.
fn document_is_explained(label: &str, r: &Report, (w, h): (u32, u32)) -> Vec<String> {
    let mut bad = Vec::new();
    let document = r.metrics.as_ref().and_then(|m| m.document.as_ref());
    let explained = has_reject(r, FindingCode::ResolutionTooLow)
        || r.has(FindingCode::DocumentNotFound)
        || (document.is_some() && has_reject(r, FindingCode::DocumentCutOff))
        || document.is_some_and(|d| {
            let inside = d.quad.iter().all(|&[x, y]| {
                (-0.5..=f64::from(w) + 0.5).contains(&x) && (-0.5..=f64::from(h) + 0.5).contains(&y)
            });
            inside && d.coverage > 0.0 && d.coverage <= 1.0
        });
    let json = serde_json::to_string(r).expect("report serialises");
    expect(label, &mut bad, explained, &json);
    bad
}

/// `report_is_sound`, and for a document class `document_is_explained`.
fn check_report(label: &str, r: &Report, size: (u32, u32), class: DocumentClass) -> Vec<String> {
    let mut bad = report_is_sound(label, r, size, class);
    if bad.is_empty() && class.is_document() {
        bad.extend(document_is_explained(label, r, size));
    }
    bad
}

/// What any `fix` of a legal image must give: a sound report, and either a JPEG inside the
/// byte window that decodes, is described by the report and is no larger than the input, or
/// a reject that says why there is none.
pub fn fix_is_sound(
    label: &str,
    f: &Fixed,
    (w, h): (u32, u32),
    class: DocumentClass,
    policy: &Policy,
) -> Vec<String> {
    let mut bad = report_is_sound(label, &f.report, (w, h), class);
    let json = serde_json::to_string(&f.report).expect("report serialises");
    match &f.jpeg {
        Some(jpeg) => {
            let (lo, hi) = policy.byte_window();
            let n = jpeg.len() as u64;
            expect(
                label,
                &mut bad,
                lo <= n && n <= hi,
                ("output bytes", n, lo, hi),
            );
            let out = f.report.output.as_ref().map(|o| o.bytes);
            expect(label, &mut bad, out == Some(n), ("output described", out));
            let (ow, oh, _) = decode_rgb(jpeg);
            expect(
                label,
                &mut bad,
                ow as u32 <= w && oh as u32 <= h && ow > 0 && oh > 0,
                ("output size", ow, oh),
            );
        }
        None => expect(
            label,
            &mut bad,
            f.report.verdict == Verdict::Reject,
            ("no output and no reject", &json),
        ),
    }
    bad
}

/// `fix_is_sound`, and for a document class: explained as by `check`, and no output, since
/// no ID side of the grid's sizes holds the 600 KiB minimum without upscaling.
fn fix_outcome(
    label: &str,
    f: &Fixed,
    size: (u32, u32),
    class: DocumentClass,
    policy: &Policy,
) -> Vec<String> {
    let mut bad = fix_is_sound(label, f, size, class, policy);
    if bad.is_empty() && class.is_document() {
        bad.extend(document_is_explained(label, &f.report, size));
        let why = has_reject(&f.report, FindingCode::ResolutionTooLow)
            || has_reject(&f.report, FindingCode::SizeTargetUnreachable);
        let json = serde_json::to_string(&f.report).expect("report serialises");
        expect(
            label,
            &mut bad,
            f.jpeg.is_none() && why,
            ("a document output", &json),
        );
    }
    bad
}

/// `check` and `fix` (plain and isolated) for every size, format, class and profile.
fn pipeline_grid(formats: &[Format]) {
    let mut failures = Vec::new();
    let mut runs = 0;
    let mut scratch = Scratch::new();
    for &format in formats {
        for (i, &size) in SIZES.iter().enumerate() {
            // Every format shows `size` upright (JpegRotated is stored transposed).
            let data = encode(format, size.0, size.1, i as u64);
            let up = size;
            for class in CLASSES {
                for profile in PROFILES {
                    let policy = Policy::with_profile(class, profile).unwrap();
                    let label = format!(
                        "{format:?} {}x{} {} {profile}",
                        size.0,
                        size.1,
                        class.as_str()
                    );
                    runs += 1;
                    if let Some(r) = guarded(&format!("check {label}"), &mut failures, || {
                        check(&data, "grid", &policy, &mut scratch)
                    }) {
                        failures.extend(check_report(&format!("check {label}"), &r, up, class));
                    }
                    if let Some(f) = guarded(&format!("fix {label}"), &mut failures, || {
                        fix(&data, "grid", &policy, &mut scratch)
                    }) {
                        failures.extend(fix_outcome(
                            &format!("fix {label}"),
                            &f,
                            up,
                            class,
                            &policy,
                        ));
                    }
                    // The isolated forms must give the same answer (and no internal_error).
                    if profile == "default" {
                        let r = check_isolated(&data, "grid", &policy);
                        failures.extend(check_report(
                            &format!("check_isolated {label}"),
                            &r,
                            up,
                            class,
                        ));
                        let f = fix_isolated(&data, "grid", &policy);
                        failures.extend(fix_outcome(
                            &format!("fix_isolated {label}"),
                            &f,
                            up,
                            class,
                            &policy,
                        ));
                    }
                }
            }
        }
    }
    fail_on(failures, runs);
}

mod entry_points;
