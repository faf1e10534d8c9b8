use super::*;
use crate::presets::spec_stats;

fn small(mut s: SynthSpec) -> SynthSpec {
    s.width = 640;
    s.height = 480;
    s
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn deterministic_bytes() {
    let s = small(SynthSpec::glare(7, GlareSize::Medium));
    let a = render(&s);
    let b = render(&s);
    assert_eq!(a.jpeg, b.jpeg);
    assert_eq!(a.upright_rgb, b.upright_rgb);
    assert_eq!(a.truth, b.truth);
    let c = render(&SynthSpec { seed: 8, ..s });
    assert_ne!(a.jpeg, c.jpeg);
}

#[test]
fn orientation_round_trip_all() {
    let (w, h) = (7u32, 5u32);
    let img: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 251) as u8).collect();
    for o in 0..=9u16 {
        let (st, sw, sh) = stored_from_upright(&img, w, h, o);
        if (5..=8).contains(&o) {
            assert_eq!((sw, sh), (h, w));
        } else {
            assert_eq!((sw, sh), (w, h));
        }
        let (up, uw, uh) = upright_from_stored(&st, sw, sh, o);
        assert_eq!((uw, uh), (w, h));
        assert_eq!(up, img, "orientation {o}");
        if (2..=8).contains(&o) {
            assert_ne!(st, img, "orientation {o} should move pixels");
        }
    }
}

#[test]
fn orientation_semantics() {
    // 2x1 upright image: red | green
    let img = vec![255, 0, 0, 0, 255, 0];
    // o=6: stored must be rotated 90 CW to display -> stored is upright rotated CCW:
    // a 1x2 image with green on top, red below.
    let (s, sw, sh) = stored_from_upright(&img, 2, 1, 6);
    assert_eq!((sw, sh), (1, 2));
    assert_eq!(s, vec![0, 255, 0, 255, 0, 0]);
    // o=8: stored is upright rotated CW: red on top.
    let (s, _, _) = stored_from_upright(&img, 2, 1, 8);
    assert_eq!(s, vec![255, 0, 0, 0, 255, 0]);
    // o=2: mirrored
    let (s, _, _) = stored_from_upright(&img, 2, 1, 2);
    assert_eq!(s, vec![0, 255, 0, 255, 0, 0]);
}

fn sof_dims(jpeg: &[u8]) -> (u32, u32) {
    let i = find(jpeg, &[0xFF, 0xC0]).expect("SOF0");
    let h = u16::from_be_bytes([jpeg[i + 5], jpeg[i + 6]]) as u32;
    let w = u16::from_be_bytes([jpeg[i + 7], jpeg[i + 8]]) as u32;
    (w, h)
}

#[test]
fn jpeg_structure_and_exif() {
    for o in 1..=8u16 {
        let mut s = small(SynthSpec::good(3));
        s.orientation = o;
        let cap = render(&s);
        let j = &cap.jpeg;
        assert_eq!(&j[..2], &[0xFF, 0xD8]);
        assert_eq!(&j[j.len() - 2..], &[0xFF, 0xD9]);
        let app1 = find(j, b"Exif\0\0").expect("exif");
        assert_eq!(&j[app1 - 4..app1 - 2], &[0xFF, 0xE1]);
        let tiff = app1 + 6;
        assert_eq!(&j[tiff..tiff + 4], b"II*\0");
        // orientation entry value
        let e = find(&j[tiff..], &[0x12, 0x01, 0x03, 0x00, 0x01, 0, 0, 0]).expect("0x0112") + tiff;
        assert_eq!(u16::from_le_bytes([j[e + 8], j[e + 9]]), o);
        assert!(find(j, b"SynthCam").is_some());
        let (sw, sh) = sof_dims(j);
        if o >= 5 {
            assert_eq!((sw, sh), (cap.height, cap.width));
        } else {
            assert_eq!((sw, sh), (cap.width, cap.height));
        }
        assert_eq!(cap.stored_size(), (sw, sh));
    }
    let mut s = small(SynthSpec::good(3));
    s.exif = false;
    assert!(find(&render(&s).jpeg, b"Exif").is_none());
}

#[test]
fn good_quads_inside() {
    for seed in 0..200 {
        let s = SynthSpec::good(seed);
        let (w, h) = frame_size(&s);
        let q = s.quad();
        for p in q {
            assert!(
                p[0] >= 0.03 * w as f32 && p[0] <= 0.97 * w as f32,
                "seed {seed}: {q:?}"
            );
            assert!(
                p[1] >= 0.03 * h as f32 && p[1] <= 0.97 * h as f32,
                "seed {seed}: {q:?}"
            );
        }
        let st = spec_stats(&s);
        assert!(
            st.coverage >= 0.25 && st.coverage <= 0.85,
            "seed {seed}: {}",
            st.coverage
        );
        assert!(st.cut_edges.is_empty());
        assert!(s.glare.is_empty() && s.defocus_sigma == 0.0 && s.motion_blur_px == 0.0);
        assert!(s.tilt_deg <= 30.0);
    }
}

#[test]
fn cut_off_edges_reported() {
    for seed in 0..12 {
        for side in CutOff::ALL {
            let s = SynthSpec::cut_off(seed, side);
            let st = spec_stats(&s);
            let want: Vec<String> = side.edges().iter().map(|e| e.to_string()).collect();
            assert_eq!(st.cut_edges, want, "seed {seed} {side:?}");
            assert!(st.visible <= 0.97, "seed {seed} {side:?}: {}", st.visible);
        }
    }
    let cap = render(&small(SynthSpec::cut_off(1, CutOff::TopLeft)));
    assert_eq!(
        cap.truth.cut_edges,
        vec!["left".to_string(), "top".to_string()]
    );
    assert!(cap.truth.visible_fraction < 0.97);
}

#[test]
fn truth_quad_matches_render_size_and_good_render() {
    let s = small(SynthSpec::good(11));
    let cap = render(&s);
    assert_eq!(cap.upright_rgb.len(), (cap.width * cap.height * 3) as usize);
    assert!(cap.truth.cut_edges.is_empty());
    assert!(cap.truth.glare_fraction == 0.0);
    assert!(
        cap.truth.bright_fraction < 0.01,
        "{}",
        cap.truth.bright_fraction
    );
    assert!(cap.truth.mean_luma > 30.0 && cap.truth.mean_luma < 235.0);
}

#[test]
fn tight_crop_frame() {
    let s = small(SynthSpec::tight(2));
    let cap = render(&s);
    assert!(cap.truth.tight_crop);
    assert_eq!(cap.width, 640);
    let exp_h = (640.0 / s.doc.aspect()).round() as u32;
    assert_eq!(cap.height, exp_h);
    assert_eq!(cap.truth.coverage, 1.0);
    assert!(cap.truth.cut_edges.is_empty());
}

#[test]
fn glare_and_exposure_truth() {
    let cap = render(&small(SynthSpec::glare(4, GlareSize::Large)));
    assert!(
        cap.truth.glare_fraction > 0.02,
        "{}",
        cap.truth.glare_fraction
    );
    let dark = render(&small(SynthSpec::dark(4)));
    assert!(dark.truth.mean_luma < 50.0, "{}", dark.truth.mean_luma);
    let over = render(&small(SynthSpec::overexposed(4)));
    assert!(
        over.truth.bright_fraction > 0.3,
        "{}",
        over.truth.bright_fraction
    );
}

#[test]
fn blur_truth_scales_with_width() {
    let s = small(SynthSpec::defocus(1, Strength::Severe));
    let cap = render(&s);
    assert!((cap.truth.defocus_sigma_px - s.defocus_sigma * 0.64).abs() < 1e-4);
    let m = render(&small(SynthSpec::motion(1, Strength::Severe)));
    assert!(m.truth.motion_blur_px >= 9.0);
}

#[test]
fn spec_json_round_trip_and_defaults() {
    let s = SynthSpec::glare(5, GlareSize::Small);
    let j = serde_json::to_string(&s).unwrap();
    let back: SynthSpec = serde_json::from_str(&j).unwrap();
    assert_eq!(back, s);
    let partial: SynthSpec = serde_json::from_str(r#"{"seed": 9, "background": "white"}"#).unwrap();
    assert_eq!(partial.width, 4000);
    assert_eq!(partial.background, Background::White);
    assert!(partial.exif);
}

#[test]
fn deterministic_math() {
    for i in -50..50 {
        let x = i as f64 * 0.37;
        assert!((dsin(x) - x.sin()).abs() < 1e-8);
        assert!((dcos(x) - x.cos()).abs() < 1e-8);
        let e = i as f64 * 0.2;
        assert!((dexp(e) / e.exp() - 1.0).abs() < 1e-12);
    }
}
