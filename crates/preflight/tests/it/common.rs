//! Shared helpers for integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/data` beside the repository, when present.
pub fn shared_data() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

/// Decode a JPEG to (width, height, RGB) with zune-jpeg (independent of our decode stage).
pub fn decode_rgb(jpeg: &[u8]) -> (usize, usize, Vec<u8>) {
    use zune_jpeg::zune_core::bytestream::ZCursor;
    use zune_jpeg::zune_core::colorspace::ColorSpace;
    use zune_jpeg::zune_core::options::DecoderOptions;
    let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::RGB);
    let mut d = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
    let px = d.decode().expect("decodes");
    let info = d.info().unwrap();
    (usize::from(info.width), usize::from(info.height), px)
}

/// Mean absolute difference between two equal-size RGB buffers.
pub fn mean_abs_diff(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len(), "sizes differ");
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (i32::from(x) - i32::from(y)).unsigned_abs() as u64)
        .sum::<u64>() as f64
        / a.len() as f64
}

/// A deterministic photo-like RGB image: smooth shading plus fine texture of `detail`
/// amplitude (0 = flat). More detail means more JPEG bytes.
pub fn photo_rgb(w: u32, h: u32, detail: f32, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32
    };
    let mut out = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let base = 60.0 + 120.0 * (x as f32 / w as f32) + 40.0 * ((y as f32 / 97.0).sin());
            let n = (next() - 0.5) * 2.0 * detail;
            out.push((base + n).clamp(0.0, 255.0) as u8);
            out.push((base * 0.8 + n).clamp(0.0, 255.0) as u8);
            out.push((base * 0.6 + 30.0 + n).clamp(0.0, 255.0) as u8);
        }
    }
    out
}

/// Encode RGB to a baseline 4:2:0 JPEG.
pub fn jpeg(rgb: &[u8], w: u32, h: u32, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, quality);
    e.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    e.encode(rgb, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    out
}

/// Insert an APP1 Exif segment holding `orientation` (and a GPS pointer and a Make tag, to
/// prove stripping) right after SOI.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    // TIFF little-endian, IFD0 with 3 entries: Make (ASCII), Orientation (SHORT), GPS IFD ptr.
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    let entries: u16 = 3;
    t.extend_from_slice(&entries.to_le_bytes());
    let ifd_end = 8 + 2 + 12 * 3 + 4; // = 50
    let make_off = ifd_end as u32;
    let gps_off = make_off + 10;
    // Make
    t.extend_from_slice(&0x010Fu16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&9u32.to_le_bytes());
    t.extend_from_slice(&make_off.to_le_bytes());
    // Orientation
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&u32::from(orientation).to_le_bytes());
    // GPS IFD pointer
    t.extend_from_slice(&0x8825u16.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&gps_off.to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    t.extend_from_slice(b"TestCam\0\0\0"); // 9 bytes + pad
                                           // GPS IFD: one entry GPSLatitudeRef = "N"
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x0001u16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&2u32.to_le_bytes());
    t.extend_from_slice(b"N\0\0\0");
    t.extend_from_slice(&0u32.to_le_bytes());
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&t);
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}
