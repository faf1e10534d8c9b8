//! Small helpers for unit tests.

use crate::analysis::Analysis;

/// An analysis plane of `luma` (`width` × `height`, row-major) with neutral chroma, one
/// image pixel per plane pixel.
pub fn grey_plane(width: usize, height: usize, luma: Vec<u8>) -> Analysis {
    assert_eq!(luma.len(), width * height);
    Analysis {
        width: width as u32,
        height: height as u32,
        scale: 1.0,
        luma,
        cb: vec![128; width * height],
        cr: vec![128; width * height],
    }
}

/// A 16×16 grey baseline JPEG with no metadata.
pub fn tiny_jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    let pixels = vec![100u8; 16 * 16 * 3];
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&pixels, 16, 16, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    out
}
