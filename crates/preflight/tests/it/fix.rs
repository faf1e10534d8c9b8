//! `fix`: the byte window, the size search, and keeping pixels when nothing needs them changed.

use crate::common::{decode_rgb, jpeg, mean_abs_diff, photo_rgb, with_exif};
use kyc_preflight::internal::{probe, JpegCoding, Orientation};
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
    // The render's portrait is drawn: no face is looked for.
    let policy = Policy {
        faces: false,
        ..Policy::default()
    };
    let fixed = fix(&input, "ok.jpg", &policy, &mut Scratch::new());
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

/// The natural (row-major) index of each zigzag position (ITU T.81 figure A.6).
const NATURAL: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// Where upright position (x, y) of a turned `w × h` (stored) grid comes from in the
/// stored grid, for EXIF orientation `tag` (blocks and pixels alike).
fn stored_of(tag: u8, (x, y): (usize, usize), (w, h): (usize, usize)) -> (usize, usize) {
    let to = |v: usize| u32::try_from(v).unwrap();
    let (sx, sy) = Orientation::from_exif(tag).stored_xy(to(x), to(y), to(w), to(h));
    (sx as usize, sy as usize)
}

/// Every quantised DCT coefficient of `output` is the coefficient of `input` that the
/// orientation `tag` puts there: the block moved, transposed for the turns that swap the
/// axes, and the odd frequencies negated along each mirrored axis. Exact: nothing was
/// requantised or rounded.
fn assert_coefficients_turned(input: &[u8], output: &[u8], tag: u8) {
    let i = libjpeg_turbo_rs::read_coefficients(input).unwrap();
    let o = libjpeg_turbo_rs::read_coefficients(output).unwrap();
    let swap = tag >= 5;
    // The quantisation tables travel with the coefficients: transposed with them.
    let tables: Vec<[u16; 64]> = i
        .quant_tables
        .iter()
        .map(|t| std::array::from_fn(|n| if swap { t[(n % 8) * 8 + n / 8] } else { t[n] }))
        .collect();
    assert_eq!(tables, o.quant_tables, "tag {tag}");
    assert_eq!(i.components.len(), o.components.len(), "tag {tag}");
    // Which upright frequency's odd terms a mirror negates.
    let (flip_u, flip_v) = match tag {
        2 | 6 => (true, false),
        4 | 8 => (false, true),
        3 | 7 => (true, true),
        _ => (false, false),
    };
    // Upright block (x, y) comes from stored block (sx, sy).
    for (ci, co) in i.components.iter().zip(&o.components) {
        let (w, h) = (ci.blocks_x, ci.blocks_y);
        let want = if swap { (h, w) } else { (w, h) };
        assert_eq!((co.blocks_x, co.blocks_y), want, "tag {tag}");
        for y in 0..co.blocks_y {
            for x in 0..co.blocks_x {
                let (sx, sy) = stored_of(tag, (x, y), (w, h));
                let (sb, ob) = (&ci.blocks[sy * w + sx], &co.blocks[y * co.blocks_x + x]);
                let mut natural = [0i16; 64];
                for (z, &n) in NATURAL.iter().enumerate() {
                    natural[n] = sb[z];
                }
                for (z, &n) in NATURAL.iter().enumerate() {
                    let (u, v) = (n % 8, n / 8);
                    let (su, sv) = if swap { (v, u) } else { (u, v) };
                    let mut c = natural[sv * 8 + su];
                    if (flip_u && u % 2 == 1) != (flip_v && v % 2 == 1) {
                        c = -c;
                    }
                    assert_eq!(
                        ob[z], c,
                        "tag {tag}: block ({x}, {y}) coefficient ({u}, {v})"
                    );
                }
            }
        }
    }
}

#[test]
fn a_jpeg_only_turned_wrong_is_turned_upright_losslessly_for_every_orientation() {
    // Whole 16 × 16 MCUs both ways, so every turn is perfect; inside the byte window.
    let (w, h) = (2048, 1536);
    let rgb = photo_rgb(w, h, 24.0, 3);
    let plain = jpeg(&rgb, w, h, 95);
    assert!(in_window(plain.len()), "fixture is {} bytes", plain.len());
    for tag in 2..=8u8 {
        let input = with_exif(&plain, u16::from(tag));
        let fixed = fix(&input, "cap.jpg", &Policy::default(), &mut Scratch::new());
        let out = fixed.jpeg.expect("output");
        let info = fixed.report.output.as_ref().unwrap();
        assert!(
            info.lossless && !info.reencoded && info.metadata_stripped,
            "tag {tag}: {info:?}"
        );
        assert_eq!(info.quality, None);
        assert_eq!(info.bytes, out.len() as u64);
        let want = if tag >= 5 { (h, w) } else { (w, h) };
        assert_eq!((info.width, info.height), want, "tag {tag}");
        let p = probe(&out, &Limits::default()).unwrap();
        assert_eq!((p.width, p.height), want, "tag {tag}");
        assert!(
            p.orientation.is_none() && !p.has_private_metadata(),
            "tag {tag}"
        );
        assert_coefficients_turned(&input, &out, tag);
        // Decoded, the output is the input turned upright up to the integer IDCT's
        // rounding, which is not symmetric under a transpose or a mirror: at most one
        // level per Y, Cb, Cr sample (measured: none for a vertical mirror, 196 of 3.1 M
        // luma samples for a horizontal one, ~3 % for the turns by 90°), at most 3 in RGB
        // once chroma is upsampled and converted (measured 0, 1, 1 and 3).
        let (iw, ih, rgb_in) = decode_rgb(&input);
        let (ow, oh, rgb_out) = decode_rgb(&out);
        assert_eq!((ow as u32, oh as u32), want);
        let mut max = 0;
        for y in 0..oh {
            for x in 0..ow {
                let (sx, sy) = stored_of(tag, (x, y), (iw, ih));
                for c in 0..3 {
                    let d = rgb_out[(y * ow + x) * 3 + c].abs_diff(rgb_in[(sy * iw + sx) * 3 + c]);
                    max = max.max(d);
                }
            }
        }
        assert!(max <= 3, "tag {tag}: {max}");
    }
}

#[test]
fn a_turn_that_would_trim_edge_blocks_is_re_encoded_instead() {
    // 1544 rows is not a whole number of 16-row MCUs: turning it by 90° in the DCT domain
    // would drop the partial blocks (or leave them on the wrong edge), so it is re-encoded.
    let (w, h) = (2048, 1544);
    let rgb = photo_rgb(w, h, 24.0, 4);
    let input = with_exif(&jpeg(&rgb, w, h, 95), 6);
    let fixed = fix(&input, "cap.jpg", &Policy::default(), &mut Scratch::new());
    let info = fixed.report.output.as_ref().expect("output");
    assert!(info.reencoded && !info.lossless, "{info:?}");
    assert_eq!((info.width, info.height), (h, w));
}

#[test]
fn the_icc_profile_survives_the_re_encode_and_the_lossless_turn() {
    // A profile over one APP2 segment's 65,519 bytes, so it travels in two chunks.
    let icc: Vec<u8> = (0..70_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (w, h) = (2048, 1536);
    let rgb = photo_rgb(w, h, 24.0, 5);
    let mut plain = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut plain, 95);
    e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    e.add_icc_profile(&icc).unwrap();
    e.encode(&rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let input = with_exif(&plain, 6);
    for lossless_turn in [false, true] {
        let mut policy = Policy::default();
        policy.encode.lossless_turn = lossless_turn;
        let fixed = fix(&input, "cap.jpg", &policy, &mut Scratch::new());
        let out = fixed.jpeg.expect("output");
        let info = fixed.report.output.as_ref().unwrap();
        assert_eq!(info.lossless, lossless_turn, "{info:?}");
        let carried = libjpeg_turbo_rs::Decoder::new(&out)
            .unwrap()
            .icc_profile()
            .unwrap();
        assert_eq!(
            carried.as_deref(),
            Some(&icc[..]),
            "lossless turn {lossless_turn}"
        );
        assert!(!probe(&out, &Limits::default())
            .unwrap()
            .has_private_metadata());
    }
}
