//! Orientation and the JPEG / Exif encoding.

pub(crate) fn swaps(orientation: u16) -> bool {
    (5..=8).contains(&orientation)
}

pub(crate) fn stored_dims(uw: u32, uh: u32, orientation: u16) -> (u32, u32) {
    if swaps(orientation) {
        (uh, uw)
    } else {
        (uw, uh)
    }
}

/// Stored pixel coordinate shown at upright (x, y); `sw`, `sh` = stored size.
#[inline]
pub(crate) fn upright_to_stored(
    x: usize,
    y: usize,
    sw: usize,
    sh: usize,
    o: u16,
) -> (usize, usize) {
    match o {
        2 => (sw - 1 - x, y),
        3 => (sw - 1 - x, sh - 1 - y),
        4 => (x, sh - 1 - y),
        5 => (y, x),
        6 => (y, sh - 1 - x),
        7 => (sw - 1 - y, sh - 1 - x),
        8 => (sw - 1 - y, x),
        _ => (x, y),
    }
}

pub(crate) fn remap(src: &[u8], uw: usize, uh: usize, o: u16, to_stored: bool) -> Vec<u8> {
    let (sw, sh) = if swaps(o) { (uh, uw) } else { (uw, uh) };
    let mut out = vec![0u8; uw * uh * 3];
    const B: usize = 32;
    for by in (0..uh).step_by(B) {
        for bx in (0..uw).step_by(B) {
            for y in by..(by + B).min(uh) {
                for x in bx..(bx + B).min(uw) {
                    let (sx, sy) = upright_to_stored(x, y, sw, sh, o);
                    let u = (y * uw + x) * 3;
                    let s = (sy * sw + sx) * 3;
                    if to_stored {
                        out[s..s + 3].copy_from_slice(&src[u..u + 3]);
                    } else {
                        out[u..u + 3].copy_from_slice(&src[s..s + 3]);
                    }
                }
            }
        }
    }
    out
}

/// Inverse of EXIF orientation: the pixels to store so that a viewer applying
/// `orientation` shows `rgb` (upright, `w` x `h`). Returns (stored, stored_w, stored_h).
pub fn stored_from_upright(rgb: &[u8], w: u32, h: u32, orientation: u16) -> (Vec<u8>, u32, u32) {
    assert_eq!(rgb.len(), w as usize * h as usize * 3, "rgb size mismatch");
    let (sw, sh) = stored_dims(w, h, orientation);
    if !(2..=8).contains(&orientation) {
        return (rgb.to_vec(), sw, sh);
    }
    (
        remap(rgb, w as usize, h as usize, orientation, true),
        sw,
        sh,
    )
}

/// Applies EXIF orientation to stored pixels (`w` x `h` = stored size), giving the
/// upright image. Returns (upright, upright_w, upright_h).
pub fn upright_from_stored(rgb: &[u8], w: u32, h: u32, orientation: u16) -> (Vec<u8>, u32, u32) {
    assert_eq!(rgb.len(), w as usize * h as usize * 3, "rgb size mismatch");
    let (uw, uh) = stored_dims(w, h, orientation);
    if !(2..=8).contains(&orientation) {
        return (rgb.to_vec(), uw, uh);
    }
    (
        remap(rgb, uw as usize, uh as usize, orientation, false),
        uw,
        uh,
    )
}

/// APP1 payload: "Exif\0\0" + little-endian TIFF with IFD0 {Make "SynthCam",
/// Orientation, GPSInfo pointer} and a GPS IFD {GPSVersionID, GPSLatitudeRef "N",
/// GPSLatitude 52/1 31/1 1234/100}.
pub fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = Vec::with_capacity(128);
    t.extend_from_slice(b"Exif\0\0");
    let base = t.len();
    let p16 = |t: &mut Vec<u8>, v: u16| t.extend_from_slice(&v.to_le_bytes());
    let p32 = |t: &mut Vec<u8>, v: u32| t.extend_from_slice(&v.to_le_bytes());
    t.extend_from_slice(b"II");
    p16(&mut t, 42);
    p32(&mut t, 8);
    // IFD0 at 8: 3 entries -> 2 + 36 + 4 = 42 bytes, ends at 50
    let make_off = 50u32;
    let gps_off = 60u32; // make string 9 bytes (50..59), pad to 60
    p16(&mut t, 3);
    // Make
    p16(&mut t, 0x010F);
    p16(&mut t, 2);
    p32(&mut t, 9);
    p32(&mut t, make_off);
    // Orientation
    p16(&mut t, 0x0112);
    p16(&mut t, 3);
    p32(&mut t, 1);
    p16(&mut t, orientation);
    p16(&mut t, 0);
    // GPS IFD pointer
    p16(&mut t, 0x8825);
    p16(&mut t, 4);
    p32(&mut t, 1);
    p32(&mut t, gps_off);
    p32(&mut t, 0); // next IFD
    debug_assert_eq!(t.len() - base, 50);
    t.extend_from_slice(b"SynthCam\0\0");
    debug_assert_eq!(t.len() - base, 60);
    // GPS IFD: 3 entries -> 42 bytes, rationals at 102
    p16(&mut t, 3);
    p16(&mut t, 0x0000); // GPSVersionID BYTE[4]
    p16(&mut t, 1);
    p32(&mut t, 4);
    t.extend_from_slice(&[2, 2, 0, 0]);
    p16(&mut t, 0x0001); // GPSLatitudeRef ASCII[2]
    p16(&mut t, 2);
    p32(&mut t, 2);
    t.extend_from_slice(b"N\0\0\0");
    p16(&mut t, 0x0002); // GPSLatitude RATIONAL[3]
    p16(&mut t, 5);
    p32(&mut t, 3);
    p32(&mut t, 102);
    p32(&mut t, 0);
    debug_assert_eq!(t.len() - base, 102);
    for (n, d) in [(52u32, 1u32), (31, 1), (1234, 100)] {
        p32(&mut t, n);
        p32(&mut t, d);
    }
    t
}

/// Encodes an upright RGB frame as a baseline 4:2:0 JPEG whose stored pixels,
/// once `orientation` is applied, give `upright`. Writes the Exif APP1 if `exif`.
pub fn encode_jpeg(
    upright: &[u8],
    w: u32,
    h: u32,
    orientation: u16,
    quality: u8,
    exif: bool,
) -> Vec<u8> {
    assert!(
        w <= 65535 && h <= 65535,
        "JPEG dimensions are limited to 65535"
    );
    let owned;
    let (data, sw, sh): (&[u8], u32, u32) = if (2..=8).contains(&orientation) {
        let (v, sw, sh) = stored_from_upright(upright, w, h, orientation);
        owned = v;
        (&owned, sw, sh)
    } else {
        (upright, w, h)
    };
    let mut out = Vec::with_capacity(data.len() / 6 + 1024);
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    if exif {
        enc.add_app_segment(1, exif_app1(orientation))
            .expect("exif segment fits");
    }
    enc.encode(data, sw as u16, sh as u16, jpeg_encoder::ColorType::Rgb)
        .expect("jpeg encoding to memory");
    out
}
