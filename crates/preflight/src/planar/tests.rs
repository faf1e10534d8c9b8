use super::*;
use crate::orient::upright_copy;

#[test]
fn half_size_chroma_is_repeated_then_turned_for_every_orientation() {
    // A plane-sized luma decode with 4:2:0 chroma: the plane's chroma must be the 2×2
    // repeat of the stored chroma, turned upright, for every orientation (odd sizes
    // repeat then turn, even ones turn the small chroma then repeat).
    for (w, h) in [(67u32, 45u32), (68, 46), (68, 45), (2, 8)] {
        repeated_then_turned(w, h);
    }
}

fn repeated_then_turned(w: u32, h: u32) {
    let (cw, ch) = chroma_size(w, h, Chroma::Cs420);
    let cb: Vec<u8> = (0..cw * ch).map(|i| (i * 13 % 251) as u8).collect();
    let repeated: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (y / 2 * cw + x / 2) as usize))
        .map(|i| cb[i])
        .collect();
    let d = Decoded {
        width: w,
        height: h,
        scale: 4,
        sub: Chroma::Cs420,
        icc: None,
    };
    for tag in 1..=8 {
        let o = Orientation::from_exif(tag);
        let s = PlanarScratch {
            y: vec![7; (w * h) as usize],
            cb: cb.clone(),
            cr: cb.clone(),
            ..PlanarScratch::default()
        };
        let plane = analysis_plane(&d, (w * 4, h * 4), o, &s, &mut fir::Resizer::new()).unwrap();
        assert_eq!(
            plane.cb,
            upright_copy(&repeated, w, h, 1, o),
            "{w}x{h} tag {tag}"
        );
        assert_eq!(plane.cr, plane.cb);
        assert_eq!((plane.width, plane.height), o.upright_size(w, h));
    }
}

#[test]
fn plane_rotation_matches_the_orientation_map() {
    for (sw, sh) in [(67u32, 45u32), (136, 72), (200, 131), (1, 9)] {
        let src: Vec<u8> = (0..sw * sh).map(|i| (i * 7 % 251) as u8).collect();
        for tag in 1..=8 {
            let o = Orientation::from_exif(tag);
            let mut dst = Vec::new();
            rotate_plane(&src, sw, sh, o, &mut dst);
            assert_eq!(dst, upright_copy(&src, sw, sh, 1, o), "{sw}x{sh} tag {tag}");
        }
    }
}

#[test]
fn check_scale_never_decodes_below_the_plane() {
    // The coarsest scale whose long side still reaches the 1024 px plane.
    assert_eq!(check_scale(4000, 3000), 2);
    assert_eq!(check_scale(3840, 2160), 2);
    assert_eq!(check_scale(2160, 3840), 2);
    assert_eq!(check_scale(4096, 3072), 4);
    assert_eq!(check_scale(8000, 6000), 4);
    assert_eq!(check_scale(8192, 6144), 8);
    assert_eq!(check_scale(2000, 1500), 1);
    assert_eq!(check_scale(1600, 1200), 1);
    for long in [
        1024, 1500, 2047, 2048, 3000, 4095, 4096, 6000, 8191, 8192, 12000,
    ] {
        let d = check_scale(long, long / 2);
        assert!(long.div_ceil(d) >= 1024, "{long}: 1/{d}");
        assert!(
            d == 8 || long.div_ceil(2 * d) < 1024,
            "{long}: 1/{d} is not the coarsest"
        );
    }
}

#[test]
fn chroma_resampling_round_trips_flat_planes() {
    let src = vec![77u8; 5 * 3];
    let mut down = Vec::new();
    resample_chroma(&src, (5, 3), Chroma::Cs444, Chroma::Cs420, &mut down);
    assert_eq!(down, vec![77u8; 3 * 2]);
    let mut up = Vec::new();
    resample_chroma(&down, (5, 3), Chroma::Cs420, Chroma::Cs444, &mut up);
    assert_eq!(up, src);
}
