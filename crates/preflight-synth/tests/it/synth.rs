//! The synthetic capture generator: its JPEG, once decoded and turned upright by its EXIF
//! tag, is the upright frame it claims to be.

use crate::common::{decode_rgb, mean_abs_diff};
use preflight_synth::{render, upright_from_stored, SynthSpec, Variant};

#[test]
fn decoded_jpeg_matches_the_upright_frame_for_all_orientations() {
    for o in 1..=8u16 {
        let mut s = SynthSpec::good(21);
        s.width = 480;
        s.height = 360;
        s.orientation = o;
        s.jpeg_quality = 95;
        let cap = render(&s);
        let (w, h, px) = decode_rgb(&cap.jpeg);
        assert_eq!((w as u32, h as u32), cap.stored_size());
        let (up, uw, uh) = upright_from_stored(&px, w as u32, h as u32, o);
        assert_eq!((uw, uh), (cap.width, cap.height));
        let mad = mean_abs_diff(&up, &cap.upright_rgb);
        assert!(mad < 4.0, "orientation {o}: mean abs diff {mad}");
    }
}

#[test]
fn every_catalogued_variant_has_a_label_that_parses_back() {
    for v in Variant::catalogue() {
        assert_eq!(Variant::from_label(&v.label()), Some(v), "{}", v.label());
    }
    assert_eq!(Variant::from_label("nonsense"), None);
}
