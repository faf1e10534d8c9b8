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

#[test]
fn check_and_fix_png_degenerate_sizes() {
    pipeline_grid(&[Format::PngRgb, Format::PngGrey]);
}

#[test]
fn check_and_fix_jpeg_degenerate_sizes() {
    pipeline_grid(&[Format::Jpeg420, Format::JpegGrey, Format::JpegRotated]);
}

#[test]
fn past_the_side_limit_is_bad_dimensions_everywhere() {
    let mut failures = Vec::new();
    let mut runs = 0;
    let mut scratch = Scratch::new();
    for &format in &FORMATS {
        for &(w, h) in OVER {
            let data = encode(format, w, h, 7);
            let label = format!("{format:?} {w}x{h}");
            runs += 1;
            let p = guarded(&format!("probe {label}"), &mut failures, || {
                probe(&data, &Limits::default()).map(|_| ())
            });
            if let Some(p) = p {
                let kind = p.as_ref().err().map(|e| e.kind());
                expect(
                    &label,
                    &mut failures,
                    kind == Some(ErrorKind::BadDimensions),
                    ("probe", kind),
                );
            }
            for class in CLASSES {
                let policy = Policy::for_class(class);
                let r = guarded(&format!("check {label}"), &mut failures, || {
                    check(&data, "over", &policy, &mut scratch)
                });
                let f = guarded(&format!("fix {label}"), &mut failures, || {
                    fix(&data, "over", &policy, &mut scratch)
                });
                for r in r.iter().chain(f.as_ref().map(|f| &f.report)) {
                    let code = r.error.as_ref().map(|e| e.code);
                    expect(&label, &mut failures, code == Some("bad_dimensions"), code);
                }
                if let Some(f) = f {
                    expect(&label, &mut failures, f.jpeg.is_none(), "an output");
                }
            }
        }
    }
    fail_on(failures, runs);
}

#[test]
fn probe_reads_every_degenerate_size() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for &format in &FORMATS {
        for (i, &(w, h)) in SIZES.iter().enumerate() {
            let data = encode(format, w, h, i as u64);
            let label = format!("probe {format:?} {w}x{h}");
            runs += 1;
            let Some(p) = guarded(&label, &mut failures, || probe(&data, &Limits::default()))
            else {
                continue;
            };
            match p {
                Ok(p) => {
                    let got = (p.upright_size(), p.truncated, p.trailing_bytes);
                    expect(&label, &mut failures, got == ((w, h), false, 0), got);
                }
                Err(e) => failures.push(format!("{label}: {e}")),
            }
        }
    }
    fail_on(failures, runs);
}

/// A package whose every image has one degenerate size (each role its own pixels, so
/// duplicates do not hide anything), for both document classes and every profile: a report
/// per image and no zip, since no ID side of these sizes can be compliant.
#[test]
fn package_of_degenerate_images_is_rejected_with_a_report_per_image() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for format in [Format::PngRgb, Format::Jpeg420] {
        for &(w, h) in SIZES {
            let images: Vec<PackageInput> =
                [Role::Selfie, Role::IdFront, Role::IdBack, Role::Liveness]
                    .into_iter()
                    .enumerate()
                    .map(|(k, role)| PackageInput {
                        role,
                        path: format!("{}.img", role.as_str()),
                        data: encode(format, w, h, 100 + k as u64),
                    })
                    .collect();
            for id_type in ["NATIONAL_ID", "PASSPORT"] {
                for profile in PROFILES {
                    let label = format!("package {format:?} {w}x{h} {id_type} {profile}");
                    runs += 1;
                    let request = PackageRequest {
                        id_info: IdInfo {
                            country: "NG".into(),
                            id_type: Some(id_type.into()),
                        },
                        images: images.clone(),
                        inline: false,
                        use_enrolled_image: false,
                        partner: None,
                        file_name: "job.zip".into(),
                    };
                    let template = Policy::with_profile(DocumentClass::IdCard, profile).unwrap();
                    let Some(result) =
                        guarded(&label, &mut failures, || package(&request, &template))
                    else {
                        continue;
                    };
                    let pkg = match result {
                        Ok(pkg) => pkg,
                        Err(e) => {
                            failures.push(format!("{label}: {e}"));
                            continue;
                        }
                    };
                    expect(
                        &label,
                        &mut failures,
                        pkg.images.len() == 4,
                        pkg.images.len(),
                    );
                    expect(&label, &mut failures, pkg.zip.is_none(), "a zip");
                    expect(
                        &label,
                        &mut failures,
                        pkg.verdict == Verdict::Reject,
                        pkg.verdict,
                    );
                    for image in &pkg.images {
                        let class = image.role.class(Some(id_type));
                        let l = format!("{label} {}", image.role.as_str());
                        failures.extend(check_report(&l, &image.report, (w, h), class));
                    }
                }
            }
        }
    }
    fail_on(failures, runs);
}

/// An upload zip holding degenerate images (JPEG, and PNG under a .jpg name): each listed
/// image gets its check report, none of them an `internal_error`.
#[test]
fn validate_zip_checks_degenerate_images() {
    use crate::fixtures::{info, zip_of};
    use serde_json::json;
    let mut failures = Vec::new();
    let mut runs = 0;
    for format in [Format::Jpeg420, Format::JpegGrey, Format::PngRgb] {
        for &(w, h) in SIZES {
            let entries = vec![
                (
                    "info.json",
                    info(json!([
                        {"image_type_id": 0, "image": "", "file_name": "selfie.jpg"},
                        {"image_type_id": 1, "image": "", "file_name": "id_front.jpg"},
                        {"image_type_id": 5, "image": "", "file_name": "id_back.jpg"},
                        {"image_type_id": 4, "image": "", "file_name": "liveness_1.jpg"},
                    ])),
                ),
                ("selfie.jpg", encode(format, w, h, 1)),
                ("id_front.jpg", encode(format, w, h, 2)),
                ("id_back.jpg", encode(format, w, h, 3)),
                ("liveness_1.jpg", encode(format, w, h, 4)),
            ];
            let zip = zip_of(&entries);
            for profile in PROFILES {
                let label = format!("validate_zip {format:?} {w}x{h} {profile}");
                runs += 1;
                let template = Policy::with_profile(DocumentClass::IdCard, profile).unwrap();
                let Some(v) = guarded(&label, &mut failures, || {
                    validate_zip(&zip, "job.zip", &template, &ZipLimits::default())
                }) else {
                    continue;
                };
                expect(&label, &mut failures, v.images.len() == 4, v.images.len());
                // Valid exactly when the service would answer with no code.
                expect(
                    &label,
                    &mut failures,
                    v.valid == v.code.is_none(),
                    (&v.code, &v.message),
                );
                for image in &v.images {
                    let class = image.role.class(Some("NATIONAL_ID"));
                    let l = format!("{label} {}", image.entry);
                    failures.extend(check_report(&l, &image.report, (w, h), class));
                }
            }
        }
    }
    fail_on(failures, runs);
}

/// The batch path: files on disk, `expand`, `check_all` on two threads with annotated PNGs
/// (which draw on the upright image's edges).
#[test]
fn check_all_with_annotations_over_degenerate_files() {
    let dir = tempfile::tempdir().unwrap();
    let annotated = tempfile::tempdir().unwrap();
    let mut expected = Vec::new();
    for format in [Format::Jpeg420, Format::PngRgb, Format::JpegRotated] {
        for (i, &(w, h)) in SIZES.iter().enumerate() {
            let ext = if matches!(format, Format::PngRgb) {
                "png"
            } else {
                "jpg"
            };
            let name = format!("{format:?}-{i:02}-{w}x{h}.{ext}");
            std::fs::write(dir.path().join(&name), encode(format, w, h, i as u64)).unwrap();
            expected.push((name, (w, h)));
        }
    }
    expected.sort();
    for class in CLASSES {
        let policy = Policy::for_class(class);
        let sources = expand(&[dir.path().to_path_buf()], &policy.limits);
        assert_eq!(sources.len(), expected.len());
        let mut reports = Vec::new();
        let mut failures = Vec::new();
        let ran = guarded(
            &format!("check_all {}", class.as_str()),
            &mut failures,
            || {
                check_all(&sources, &policy, 2, Some(annotated.path()), |i, r| {
                    reports.push((i, r))
                })
            },
        );
        expect(
            "check_all",
            &mut failures,
            matches!(ran, Some(Ok(()))),
            &ran,
        );
        assert_eq!(reports.len(), expected.len());
        for ((i, r), (name, size)) in reports.iter().zip(&expected) {
            let label = format!("check_all {} #{i} {name}", class.as_str());
            failures.extend(check_report(&label, r, *size, class));
        }
        let pngs = std::fs::read_dir(annotated.path()).unwrap().count();
        expect("annotations", &mut failures, pngs == expected.len(), pngs);
        fail_on(failures, reports.len());
    }
}
