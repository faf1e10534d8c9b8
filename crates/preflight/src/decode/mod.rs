//! Stage 2: decode pixels (the codec seam, decode side).
//!
//! JPEGs whose components are YCbCr decode straight to interleaved YCbCr: the encoder takes
//! YCbCr too, so a re-encode never converts colour twice. Everything else (grey, CMYK, the
//! other formats) decodes to 8-bit RGB: alpha flattened on white, 16 bits rounded
//! (`pixels`). The output buffer is the caller's, reused across images.

mod other;
mod pixels;
mod png;

use crate::error::{Error, ErrorKind, Result};
use crate::policy::Limits;
use crate::probe::{Format, Probe};
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;
use zune_jpeg::JpegDecoder;

/// The byte layout of a decoded, interleaved, 3-bytes-per-pixel buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Y, Cb, Cr (JFIF full-range BT.601), as stored in a JPEG.
    Ycbcr,
    /// R, G, B.
    Rgb,
}

/// A decoded image in stored orientation; its pixels live in the caller's buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Stored width.
    pub width: u32,
    /// Stored height.
    pub height: u32,
    /// Byte layout of the pixels.
    pub layout: Layout,
    /// The embedded ICC profile, kept in the output.
    pub icc: Option<Vec<u8>>,
}

/// Decode `data` (already probed) into `buf` (resized to fit; capacity reused).
pub fn decode(data: &[u8], probe: &Probe, limits: &Limits, buf: &mut Vec<u8>) -> Result<Decoded> {
    match probe.format {
        Format::Jpeg => decode_jpeg(data, limits, buf),
        Format::Png => png::decode_png(data, limits, buf),
        format => other::decode_other(data, format, limits, buf),
    }
}

fn decode_failed(what: &str, err: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::DecodeFailed, format!("{what}: {err}"))
}

/// Refuse a pixel buffer larger than `Limits::max_decode_bytes` before it exists.
pub(crate) fn check_alloc(bytes: u64, limits: &Limits) -> Result<()> {
    if bytes > limits.max_decode_bytes {
        return Err(Error::new(
            ErrorKind::TooManyPixels,
            format!(
                "decoding needs {bytes} bytes; the decoder allocation limit is {}",
                limits.max_decode_bytes
            ),
        ));
    }
    Ok(())
}

fn decode_jpeg(data: &[u8], limits: &Limits, buf: &mut Vec<u8>) -> Result<Decoded> {
    let options = DecoderOptions::default()
        .set_max_width(limits.max_side as usize)
        .set_max_height(limits.max_side as usize)
        .jpeg_set_max_scans(64);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(data), options);
    decoder
        .decode_headers()
        .map_err(|e| decode_failed("JPEG headers", e))?;
    let (layout, out) = match decoder.input_colorspace() {
        Some(ColorSpace::YCbCr) => (Layout::Ycbcr, ColorSpace::YCbCr),
        _ => (Layout::Rgb, ColorSpace::RGB),
    };
    decoder.set_options(options.jpeg_set_out_colorspace(out));
    let info = decoder
        .info()
        .ok_or_else(|| Error::new(ErrorKind::DecodeFailed, "JPEG headers missing"))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    crate::probe::check_dimensions(width, height, limits)?;
    let size = width as usize * height as usize * 3;
    check_alloc(size as u64, limits)?;
    buf.clear();
    buf.resize(size, 0);
    decoder
        .decode_into(buf)
        .map_err(|e| decode_failed("JPEG data", e))?;
    Ok(Decoded {
        width,
        height,
        layout,
        icc: decoder.icc_profile(),
    })
}
