//! `fix`: the byte window, the size search, and keeping pixels when nothing needs them changed.

use crate::common::{decode_rgb, jpeg, mean_abs_diff, photo_rgb, with_exif};
use kyc_preflight::internal::{probe, JpegCoding};
use kyc_preflight::{fix, DocumentClass, FindingCode, Limits, Policy, Scratch, Verdict};

const MIN: u64 = 614_400;
const MAX: u64 = 10_000_000;

fn in_window(n: usize) -> bool {
    (MIN..=MAX).contains(&(n as u64))
}

#[test]
fn a_rotated_12mp_capture_lands_in_the_window_upright_with_one_full_encode() {
    let (w, h) = (4000, 3000);
    let rgb = photo_rgb(w, h, 24.0, 1);
    let input = with_exif(&jpeg(&rgb, w, h, 92), 6);
    let fixed = fix(&input, "cap.jpg", &Policy::default(), &mut Scratch::new());
    let out = fixed.jpeg.expect("output");
    assert!(in_window(out.len()), "{} bytes", out.len());
    let info = fixed.report.output.as_ref().unwrap();
    assert!(info.reencoded);
    assert_eq!(info.encodes.full, 1, "{:?}", info.encodes);
    assert!(info.encodes.sample_equivalent < 0.5, "{:?}", info.encodes);
    assert_eq!((info.width, info.height), (3000, 4000));
    let p = probe(&out, &Limits::default()).unwrap();
    assert_eq!((p.width, p.height), (3000, 4000));
    assert_eq!(p.coding, Some(JpegCoding::Baseline));
    assert!(p.orientation.is_none() && !p.has_private_metadata());
    assert!(fixed.report.has(FindingCode::OrientationCorrected));
}

#[test]
fn an_oversized_capture_comes_down_into_the_window_without_going_below_the_class_minimum() {
    // Heavy sensor noise: ~15+ MB at q95.
    let (w, h) = (5000, 3750);
    let rgb = photo_rgb(w, h, 90.0, 2);
    let input = jpeg(&rgb, w, h, 95);
    assert!(input.len() as u64 > MAX, "fixture is {} bytes", input.len());
    let fixed = fix(&input, "big.jpg", &Policy::default(), &mut Scratch::new());
    assert!(fixed.report.has(FindingCode::FileTooLarge));
    let out = fixed.jpeg.unwrap_or_else(|| panic!("{:?}", fixed.report));
    assert!(in_window(out.len()), "{} bytes", out.len());
    let info = fixed.report.output.unwrap();
    assert!(info.width.max(info.height) >= 1500);
    assert!(info.encodes.full <= 3, "{:?}", info.encodes);
}

#[test]
fn a_small_flat_image_is_reported_unreachable_and_nothing_is_written() {
    let (w, h) = (1600, 1200);
    let rgb = photo_rgb(w, h, 0.0, 3);
    let input = jpeg(&rgb, w, h, 90);
    let fixed = fix(&input, "small.jpg", &Policy::default(), &mut Scratch::new());
    assert!(fixed.jpeg.is_none());
    assert_eq!(fixed.report.verdict, Verdict::Reject);
    let f = fixed
        .report
        .findings
        .iter()
        .find(|f| f.code == FindingCode::SizeTargetUnreachable)
        .expect("size_target_unreachable");
    assert!(f.measured.unwrap() < MIN as f64);
    assert_eq!(f.threshold, Some(MIN as f64));
}

#[test]
fn a_small_detailed_image_is_raised_into_the_window_by_quality_not_by_padding() {
    // At q75 this is below 600 KB; at high quality it holds enough detail to exceed it.
    let (w, h) = (1600, 1200);
    let rgb = photo_rgb(w, h, 9.0, 4);
    let input = jpeg(&rgb, w, h, 75);
    let at_q90 = jpeg(&rgb, w, h, 90).len() as u64;
    assert!(at_q90 < MIN, "fixture is {at_q90} bytes at q90");
    let fixed = fix(&input, "s.jpg", &Policy::default(), &mut Scratch::new());
    let out = fixed.jpeg.unwrap_or_else(|| panic!("{:?}", fixed.report));
    assert!(in_window(out.len()), "{} bytes", out.len());
    let info = fixed.report.output.unwrap();
    assert!(info.quality.unwrap() > 90);
    assert_eq!((info.width, info.height), (1600, 1200), "never upscaled");
}

#[test]
fn a_compliant_jpeg_is_kept_byte_for_byte() {
    // A synthetic ID-card capture with no metadata at all: nothing to change.
    let mut spec = preflight_synth::SynthSpec::good(0).with_size(2400, 1800);
    spec.exif = false;
    spec.jpeg_quality = 92;
    let input = preflight_synth::render(&spec).jpeg;
    assert!(in_window(input.len()), "fixture is {} bytes", input.len());
    let fixed = fix(&input, "ok.jpg", &Policy::default(), &mut Scratch::new());
    assert_eq!(fixed.report.verdict, Verdict::Pass);
    assert_eq!(fixed.jpeg.as_deref(), Some(&input[..]));
    let info = fixed.report.output.unwrap();
    assert!(!info.reencoded && !info.metadata_stripped);
    assert_eq!(info.encodes.full + info.encodes.sample, 0);
}

#[test]
fn metadata_is_removed_without_touching_the_pixels() {
    let (w, h) = (2400, 1800);
    let rgb = photo_rgb(w, h, 40.0, 6);
    let plain = jpeg(&rgb, w, h, 92);
    let mut input = with_exif(&plain, 1);
    input.extend_from_slice(b"PK\x03\x04 trailing polyglot");
    let fixed = fix(&input, "meta.jpg", &Policy::default(), &mut Scratch::new());
    assert!(fixed.report.has(FindingCode::TrailingData));
    let out = fixed.jpeg.unwrap();
    assert_eq!(
        out, plain,
        "exactly the input without its Exif segment and trailer"
    );
    let info = fixed.report.output.unwrap();
    assert!(!info.reencoded && info.metadata_stripped);
}

#[test]
fn png_input_becomes_a_jpeg_and_looks_the_same() {
    let (w, h) = (1800, 1200);
    let rgb = photo_rgb(w, h, 30.0, 7);
    let mut png = Vec::new();
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&rgb, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    let fixed = fix(&png, "p.png", &Policy::default(), &mut Scratch::new());
    assert!(fixed.report.has(FindingCode::NotJpeg));
    let out = fixed.jpeg.unwrap_or_else(|| panic!("{:?}", fixed.report));
    assert!(in_window(out.len()), "{} bytes", out.len());
    let (ow, oh, px) = decode_rgb(&out);
    assert_eq!((ow, oh), (w as usize, h as usize));
    assert!(mean_abs_diff(&px, &rgb) < 6.0);
}

#[test]
fn passport_minimum_blocks_the_output() {
    let (w, h) = (2000, 1400);
    let rgb = photo_rgb(w, h, 30.0, 8);
    let input = jpeg(&rgb, w, h, 92);
    let policy = Policy::for_class(DocumentClass::from_id_type("PASSPORT"));
    let fixed = fix(&input, "pp.jpg", &policy, &mut Scratch::new());
    assert!(fixed.report.has(FindingCode::ResolutionTooLow));
    assert_eq!(fixed.report.verdict, Verdict::Reject);
    assert!(fixed.jpeg.is_none());
}

#[test]
fn the_same_input_gives_the_same_output() {
    let (w, h) = (2000, 1500);
    let input = with_exif(&jpeg(&photo_rgb(w, h, 30.0, 9), w, h, 80), 3);
    let a = fix(&input, "d.jpg", &Policy::default(), &mut Scratch::new());
    let mut scratch = Scratch::new();
    let _ = fix(
        &jpeg(&photo_rgb(900, 700, 5.0, 1), 900, 700, 90),
        "other",
        &Policy::default(),
        &mut scratch,
    );
    let b = fix(&input, "d.jpg", &Policy::default(), &mut scratch);
    assert_eq!(a, b);
}
