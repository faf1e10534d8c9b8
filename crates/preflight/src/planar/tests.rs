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

/// A `w × h` 4:2:0 decode at DCT scale 1/`scale`.
fn decoded_420(width: u32, height: u32, scale: u32) -> Decoded {
    Decoded {
        width,
        height,
        scale,
        sub: Chroma::Cs420,
        icc: None,
    }
}

fn repeated_then_turned(w: u32, h: u32) {
    let (cw, ch) = chroma_size(w, h, Chroma::Cs420);
    let cb: Vec<u8> = (0..cw * ch).map(|i| (i * 13 % 251) as u8).collect();
    let repeated: Vec<u8> = (0..h)
        .flat_map(|y| (0..w).map(move |x| (y / 2 * cw + x / 2) as usize))
        .map(|i| cb[i])
        .collect();
    let d = decoded_420(w, h, 4);
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

#[test]
fn chroma_a_little_smaller_than_the_plane_is_spread_by_nearest_neighbour() {
    // A 1100 × 800 decode (a 1/2-scale decode of a 2200 × 1600 photo) with 4:2:0 chroma of
    // 550 × 400 for a 1024 × 745 plane: every plane pixel takes the chroma sample under its
    // centre, in upright coordinates, for every orientation.
    let (w, h) = (1100u32, 800u32);
    let (cw, ch) = chroma_size(w, h, Chroma::Cs420);
    let d = decoded_420(w, h, 2);
    for tag in 1..=8 {
        let o = Orientation::from_exif(tag);
        // Where each upright chroma sample is stored: the orientation map of the indices.
        let index: Vec<u8> = (0..cw * ch).flat_map(u32::to_le_bytes).collect();
        let stored_at: Vec<usize> = upright_copy(&index, cw, ch, 4, o)
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()) as usize)
            .collect();
        let (uw, uh) = o.upright_size(cw, ch);
        // Chroma that says where it is: Cb the upright column, Cr the upright row (mod 251).
        let (mut cb, mut cr) = (vec![0u8; stored_at.len()], vec![0u8; stored_at.len()]);
        for (k, &i) in stored_at.iter().enumerate() {
            cb[i] = (k % uw as usize % 251) as u8;
            cr[i] = (k / uw as usize % 251) as u8;
        }
        let s = PlanarScratch {
            y: vec![7; (w * h) as usize],
            cb,
            cr,
            ..PlanarScratch::default()
        };
        let plane = analysis_plane(&d, (2 * w, 2 * h), o, &s, &mut fir::Resizer::new()).unwrap();
        let (tw, th) = (plane.width, plane.height);
        assert_eq!((tw, th), o.upright_size(1024, 745), "tag {tag}");
        for y in 0..th {
            for x in 0..tw {
                let sx = ((f64::from(x) + 0.5) * f64::from(uw) / f64::from(tw)) as u32;
                let sy = ((f64::from(y) + 0.5) * f64::from(uh) / f64::from(th)) as u32;
                let i = (y * tw + x) as usize;
                assert_eq!(plane.cb[i], (sx % 251) as u8, "tag {tag} at {x},{y}");
                assert_eq!(plane.cr[i], (sy % 251) as u8, "tag {tag} at {x},{y}");
            }
        }
    }
}
