//! EXIF orientation on real files: every tag comes out upright and tag-free.

use crate::common::{decode_rgb, mean_abs_diff, shared_data};
use kyc_preflight::internal::probe;
use kyc_preflight::{fix, DocumentClass, FindingCode, Limits, Policy, Scratch, Verdict};

/// Fix `file` as a selfie (so the small test images are not refused for resolution) and
/// return the decoded output.
fn fixed_pixels(path: &std::path::Path) -> (usize, usize, Vec<u8>, Vec<u8>) {
    let data = std::fs::read(path).unwrap();
    let policy = Policy::for_class(DocumentClass::Selfie);
    let fixed = fix(
        &data,
        &path.display().to_string(),
        &policy,
        &mut Scratch::new(),
    );
    let jpeg = fixed
        .jpeg
        .unwrap_or_else(|| panic!("{}: no output: {:?}", path.display(), fixed.report));
    let (w, h, px) = decode_rgb(&jpeg);
    (w, h, px, jpeg)
}

fn assert_tag_free(jpeg: &[u8], what: &str) {
    let p = probe(jpeg, &Limits::default()).unwrap();
    assert!(
        p.orientation.is_none_or(|o| o.raw == 1),
        "{what}: output keeps orientation {:?}",
        p.orientation
    );
    assert!(!p.has_private_metadata(), "{what}: output keeps metadata");
}

#[test]
fn recurser_suite_comes_out_upright() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("exif_orientation/recurser");
    for kind in ["Landscape", "Portrait"] {
        let (rw, rh, reference, _) = fixed_pixels(&dir.join(format!("{kind}_1.jpg")));
        for n in 0..=8 {
            let path = dir.join(format!("{kind}_{n}.jpg"));
            let (w, h, px, jpeg) = fixed_pixels(&path);
            assert_eq!((w, h), (rw, rh), "{kind}_{n}: upright size");
            let diff = mean_abs_diff(&px, &reference);
            // Same picture through two lossy encodes: a wrong transform gives 30+.
            assert!(
                diff < 6.0,
                "{kind}_{n}: mean abs diff {diff:.2} from upright"
            );
            assert_tag_free(&jpeg, &format!("{kind}_{n}"));
        }
    }
}

#[test]
fn pillow_hopper_orientations_match_the_upright_hopper() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("exif_orientation/pillow");
    let (_, _, reference, _) = fixed_pixels(&dir.join("hopper.jpg"));
    for n in 2..=8 {
        let (w, h, px, jpeg) = fixed_pixels(&dir.join(format!("hopper_orientation_{n}.jpg")));
        assert_eq!((w, h), (128, 128));
        let diff = mean_abs_diff(&px, &reference);
        assert!(
            diff < 8.0,
            "hopper_orientation_{n}: mean abs diff {diff:.2}"
        );
        assert_tag_free(&jpeg, &format!("hopper_orientation_{n}"));
    }
    // A 2x1 image tagged 8 becomes 1x2.
    let (w, h, _, _) = fixed_pixels(&dir.join("orientation_rectangle.jpg"));
    assert_eq!((w, h), (1, 2));
}

#[test]
fn broken_exif_never_crashes_and_truncation_is_reported() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("exif_orientation/pillow");
    let policy = Policy::for_class(DocumentClass::Selfie);
    let mut scratch = Scratch::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jpg") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let fixed = fix(&bytes, "x", &policy, &mut scratch);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "truncated_jpeg.jpg" {
            assert!(fixed.report.has(FindingCode::Truncated), "{name}");
            assert_eq!(fixed.report.verdict, Verdict::Reject);
            assert!(fixed.jpeg.is_none(), "no output from a truncated image");
        } else {
            assert_ne!(
                fixed.report.verdict,
                Verdict::Error,
                "{name}: {:?}",
                fixed.report.error
            );
            assert!(fixed.jpeg.is_some(), "{name}: {:?}", fixed.report);
        }
    }
}

#[test]
fn out_of_spec_orientation_zero_is_taken_as_upright() {
    let Some(data) = shared_data() else { return };
    let path = data.join("exif_orientation/recurser/Landscape_0.jpg");
    let bytes = std::fs::read(&path).unwrap();
    let report = kyc_preflight::check(&bytes, "x", &Policy::default(), &mut Scratch::new());
    assert!(report.has(FindingCode::ExifOrientationInvalid));
    assert!(!report.has(FindingCode::OrientationCorrected));
    let img = report.image.unwrap();
    assert_eq!((img.width, img.height), (1800, 1200));
}
