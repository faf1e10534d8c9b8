//! Small helpers for unit tests.

/// A 16×16 grey baseline JPEG with no metadata.
pub fn tiny_jpeg() -> Vec<u8> {
    let mut out = Vec::new();
    let pixels = vec![100u8; 16 * 16 * 3];
    jpeg_encoder::Encoder::new(&mut out, 90)
        .encode(&pixels, 16, 16, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    out
}
