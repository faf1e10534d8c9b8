//! EXIF / orientation: the TIFF reader on arbitrary bytes, then the same bytes wrapped in a
//! JPEG APP1 segment and a PNG eXIf chunk and probed. No panic; the effective orientation is
//! always 1..=8 and the upright size is the stored size, possibly transposed.
#![no_main]
use kyc_preflight::internal::{exif_orientation, probe, Orientation};
use kyc_preflight::Limits;
use libfuzzer_sys::fuzz_target;

fn jpeg_with_app1(tiff: &[u8]) -> Vec<u8> {
    let mut j = vec![0xFF, 0xD8];
    let payload_len = (tiff.len() + 6).min(0xFFFF - 2);
    j.extend_from_slice(&[0xFF, 0xE1]);
    j.extend_from_slice(&((payload_len + 2) as u16).to_be_bytes());
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(tiff);
    payload.truncate(payload_len);
    j.extend_from_slice(&payload);
    // SOF0 3x2, 3 components, then EOI (no scan: probe only).
    j.extend_from_slice(&[
        0xFF, 0xC0, 0, 17, 8, 0, 2, 0, 3, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
    ]);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}

fuzz_target!(|data: &[u8]| {
    if let Ok(Some(tag)) = exif_orientation(data) {
        let e = tag.effective();
        assert!((1..=8).contains(&e));
        assert_eq!(tag.is_valid(), (1..=8).contains(&tag.raw));
        let o = Orientation::from_exif(e);
        let (w, h) = o.upright_size(3, 2);
        assert!((w, h) == (3, 2) || (w, h) == (2, 3));
    }
    let limits = Limits::default();
    if let Ok(p) = probe(&jpeg_with_app1(data), &limits) {
        assert!((1..=8).contains(&p.effective_orientation()));
        let (w, h) = p.upright_size();
        assert!((w, h) == (2, 3) || (w, h) == (3, 2), "{w}x{h}");
    }
});
