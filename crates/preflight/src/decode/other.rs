//! BMP, TIFF, WebP and GIF through `image`'s decoders (pure Rust), under the same limits.
//!
//! One buffer of ours: the decoder writes its own layout at the end of a buffer sized for the
//! larger of its layout and RGB, and `pixels` converts it to RGB front to back in place, so
//! our part of the peak is max(source, RGB) bytes per pixel, never both. What the decoders
//! hold themselves is counted against `max_decode_bytes` too (`decoder_copy`).

use super::pixels::{in_place_layout, to_rgb_in_place, Depth, PixelFormat};
use super::*;
use image::{ColorType, ImageDecoder, ImageError, ImageFormat, ImageReader};
use std::io::Cursor;

fn image_format(format: Format) -> Option<ImageFormat> {
    match format {
        Format::Bmp => Some(ImageFormat::Bmp),
        Format::Tiff => Some(ImageFormat::Tiff),
        Format::Webp => Some(ImageFormat::WebP),
        Format::Gif => Some(ImageFormat::Gif),
        _ => None,
    }
}

fn pixel_format(colour: ColorType) -> Option<PixelFormat> {
    let (depth, channels) = match colour {
        ColorType::L8 => (Depth::U8, 1),
        ColorType::La8 => (Depth::U8, 2),
        ColorType::Rgb8 => (Depth::U8, 3),
        ColorType::Rgba8 => (Depth::U8, 4),
        ColorType::L16 => (Depth::U16Ne, 1),
        ColorType::La16 => (Depth::U16Ne, 2),
        ColorType::Rgb16 => (Depth::U16Ne, 3),
        ColorType::Rgba16 => (Depth::U16Ne, 4),
        ColorType::Rgb32F => (Depth::F32Ne, 3),
        ColorType::Rgba32F => (Depth::F32Ne, 4),
        _ => return None,
    };
    Some(PixelFormat { depth, channels })
}

/// What the format's decoder holds besides our buffer, at its peak: the TIFF decoder
/// decodes into its own buffer and copies (one more source-sized image); the WebP decoder
/// works in 4-byte ARGB (lossless) or planes plus a 4-byte frame (lossy); the GIF decoder
/// keeps a 4-byte frame when a frame is smaller than the screen. BMP reads rows straight in.
fn decoder_copy(format: Format, pixels: u64, source_bytes: u64) -> u64 {
    match format {
        Format::Tiff => source_bytes,
        Format::Webp | Format::Gif => 4 * pixels,
        _ => 0,
    }
}

pub(super) fn decode_other(
    data: &[u8],
    format: Format,
    limits: &Limits,
    buf: &mut Vec<u8>,
) -> Result<Decoded> {
    let name = format.as_str().to_ascii_uppercase();
    let failed = |what: &str, e: ImageError| match e {
        ImageError::Limits(l) => Error::new(
            ErrorKind::TooManyPixels,
            format!(
                "{name} {what}: {l} (the decoder allocation limit is {} bytes)",
                limits.max_decode_bytes
            ),
        ),
        ImageError::Unsupported(u) => {
            Error::new(ErrorKind::UnsupportedFormat, format!("{name} {what}: {u}"))
        }
        other => decode_failed(&format!("{name} {what}"), other),
    };
    let image_format = image_format(format).ok_or_else(|| {
        Error::new(
            ErrorKind::UnsupportedFormat,
            format!("no decoder for {name}"),
        )
    })?;
    let mut reader = ImageReader::with_format(Cursor::new(data), image_format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side);
    image_limits.max_image_height = Some(limits.max_side);
    image_limits.max_alloc = Some(limits.max_decode_bytes);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(|e| failed("headers", e))?;
    let (width, height) = decoder.dimensions();
    crate::probe::check_dimensions(width, height, limits)?;
    let colour = decoder.color_type();
    let pixel = pixel_format(colour).ok_or_else(|| {
        Error::new(
            ErrorKind::UnsupportedFormat,
            format!("{name} pixels of type {colour:?} are not supported"),
        )
    })?;
    let icc = decoder.icc_profile().ok().flatten();
    let pixels = width as usize * height as usize;
    let (len, offset) = in_place_layout(pixel, pixels)
        .ok_or_else(|| Error::new(ErrorKind::TooManyPixels, format!("{name} is too large")))?;
    check_alloc(
        len as u64 + decoder_copy(format, pixels as u64, decoder.total_bytes()),
        limits,
    )?;
    // A fresh buffer is zeroed by the allocator, page by page as it is written: a bomb
    // whose data stops early costs what it wrote. A reused one is cleared in place.
    if buf.capacity() < len {
        *buf = vec![0; len];
    } else {
        buf.clear();
        buf.resize(len, 0);
    }
    let native = &mut buf[offset..];
    if native.len() as u64 != decoder.total_bytes() {
        return Err(Error::new(
            ErrorKind::DecodeFailed,
            format!("{name}: the decoder's buffer size disagrees with its pixel type"),
        ));
    }
    decoder.read_image(native).map_err(|e| failed("data", e))?;
    to_rgb_in_place(pixel, buf, offset, pixels);
    Ok(Decoded {
        width,
        height,
        layout: Layout::Rgb,
        icc,
    })
}
