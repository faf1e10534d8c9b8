//! The `fix` target's input format, shared with `tests/regression.rs` so a crash file
//! replays exactly: 6 header bytes (width and height ≤ 96, PNG/JPEG × grey/RGB, class, EXIF
//! orientation byte, JPEG quality) and the pixel bytes. A kind byte with bit 7 set makes a
//! BMP, TIFF, lossless WebP or GIF instead (bits 2..3), with an alpha channel when bit 6 is set.

use kyc_preflight::DocumentClass;

/// The image and class the fuzzer's bytes describe (`None` when there are too few bytes or
/// the encoder refuses them).
pub fn make_image(data: &[u8]) -> Option<(Vec<u8>, DocumentClass)> {
    let (&[w, h, kind, class, orient, q], rest) = data.split_first_chunk::<6>()?;
    let w = u32::from(w % 96) + 1;
    let h = u32::from(h % 96) + 1;
    let class = match class % 4 {
        0 => DocumentClass::IdCard,
        1 => DocumentClass::Passport,
        2 => DocumentClass::Selfie,
        _ => DocumentClass::Liveness,
    };
    let channels: usize = if kind & 1 == 0 { 1 } else { 3 };
    let n = w as usize * h as usize * channels;
    let mut pixels: Vec<u8> = rest.iter().copied().cycle().take(n).collect();
    pixels.resize(n, 128);
    let mut out = Vec::new();
    if kind & 0x80 != 0 {
        let format = match (kind >> 2) & 3 {
            0 => image::ImageFormat::Bmp,
            1 => image::ImageFormat::Tiff,
            2 => image::ImageFormat::WebP,
            _ => image::ImageFormat::Gif,
        };
        let grey = image::GrayImage::from_raw(w, h, pixels.clone());
        let img = match (channels, kind & 0x40 != 0) {
            (1, false) => image::DynamicImage::ImageLuma8(grey?),
            (1, true) => {
                image::DynamicImage::ImageLumaA8(image::ImageBuffer::from_fn(w, h, |x, y| {
                    let v = pixels[(y * w + x) as usize];
                    image::LumaA([v, v.wrapping_mul(7)])
                }))
            }
            (_, false) => image::DynamicImage::ImageRgb8(image::RgbImage::from_raw(w, h, pixels)?),
            (_, true) => {
                image::DynamicImage::ImageRgba8(image::ImageBuffer::from_fn(w, h, |x, y| {
                    let i = 3 * (y * w + x) as usize;
                    image::Rgba([
                        pixels[i],
                        pixels[i + 1],
                        pixels[i + 2],
                        pixels[i] ^ pixels[i + 2],
                    ])
                }))
            }
        };
        img.write_to(&mut std::io::Cursor::new(&mut out), format)
            .ok()?;
    } else if kind & 2 == 0 {
        let ct = if channels == 1 {
            image::ExtendedColorType::L8
        } else {
            image::ExtendedColorType::Rgb8
        };
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels, w, h, ct)
            .ok()?;
    } else {
        let ct = if channels == 1 {
            jpeg_encoder::ColorType::Luma
        } else {
            jpeg_encoder::ColorType::Rgb
        };
        let mut enc = jpeg_encoder::Encoder::new(&mut out, q % 100 + 1);
        // An EXIF APP1 with the orientation byte from the input (0..=255, often invalid).
        let mut exif = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend_from_slice(&[orient, 0, 0, 0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&exif);
        enc.add_app_segment(1, app1).ok()?;
        enc.encode(&pixels, w as u16, h as u16, ct).ok()?;
    }
    Some((out, class))
}
