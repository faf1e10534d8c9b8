//! Stage 2: decode pixels (the codec seam, decode side).
//!
//! JPEGs whose components are YCbCr decode straight to interleaved YCbCr: the encoder takes
//! YCbCr too, so a re-encode never converts colour twice. Everything else (grey, CMYK,
//! PNG) decodes to RGB. The output buffer is the caller's, reused across images.

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
        Format::Png => decode_png(data, limits, buf),
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

fn decode_png(data: &[u8], limits: &Limits, buf: &mut Vec<u8>) -> Result<Decoded> {
    use png::{ColorType, DecodingError, Transformations};
    let failed = |what: &str, e: DecodingError| match e {
        DecodingError::LimitsExceeded => Error::new(
            ErrorKind::TooManyPixels,
            format!(
                "{what}: over the decoder allocation limit of {} bytes",
                limits.max_decode_bytes
            ),
        ),
        other => decode_failed(what, other),
    };
    // The png crate directly, row by row, straight into our RGB buffer: the peak is that
    // buffer (3 B/px) plus one row, whatever the PNG's layout (16-bit RGBA included).
    let cap = usize::try_from(limits.max_decode_bytes).unwrap_or(usize::MAX);
    let mut decoder =
        png::Decoder::new_with_limits(std::io::Cursor::new(data), png::Limits { bytes: cap });
    decoder.set_ignore_text_chunk(true); // never inflate zTXt/iTXt: we do not need text
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|e| failed("PNG headers", e))?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    crate::probe::check_dimensions(width, height, limits)?;
    let icc = info.icc_profile.as_ref().map(|c| c.to_vec());
    let interlaced = info.interlaced;
    let (colour, _) = reader.output_color_type();
    let channels = colour.samples();
    let row_bytes = width as usize * 3;
    let size = row_bytes * height as usize;
    // Adam7 images are decoded whole first (rare in captures), then converted.
    let whole = if interlaced {
        reader.output_buffer_size().unwrap_or(usize::MAX)
    } else {
        0
    };
    check_alloc(size as u64 + whole as u64, limits)?;
    // Reserve without touching: the pages are written row by row, so a bomb whose IDAT
    // stops after a few rows costs a few rows of memory, not the whole image.
    buf.clear();
    buf.reserve(size);
    let next_row = |buf: &mut Vec<u8>| {
        let start = buf.len();
        buf.resize(start + row_bytes, 0);
        start
    };
    let to_rgb = |src: &[u8], dst: &mut [u8]| match colour {
        ColorType::Rgb => dst.copy_from_slice(&src[..dst.len()]),
        ColorType::Grayscale | ColorType::GrayscaleAlpha => {
            for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(channels)) {
                d.fill(s[0]);
            }
        }
        // RGBA (and palettes expanded to RGB(A)): alpha is dropped, as before.
        _ => {
            for (d, s) in dst.chunks_exact_mut(3).zip(src.chunks_exact(channels)) {
                d.copy_from_slice(&s[..3]);
            }
        }
    };
    if interlaced {
        let mut all = vec![0u8; whole];
        let out = reader
            .next_frame(&mut all)
            .map_err(|e| failed("PNG data", e))?;
        for src in all.chunks_exact(out.line_size).take(height as usize) {
            let at = next_row(buf);
            to_rgb(src, &mut buf[at..]);
        }
    } else {
        for _ in 0..height {
            let row = reader
                .next_row()
                .map_err(|e| failed("PNG data", e))?
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::DecodeFailed,
                        "PNG data: fewer rows than the header says",
                    )
                })?;
            let at = next_row(buf);
            to_rgb(row.data(), &mut buf[at..]);
        }
    }
    if buf.len() != size {
        return Err(Error::new(
            ErrorKind::DecodeFailed,
            "PNG data: fewer rows than the header says",
        ));
    }
    // Read on to IEND: the last IDAT's CRC is only checked there.
    reader.finish().map_err(|e| failed("PNG data", e))?;
    Ok(Decoded {
        width,
        height,
        layout: Layout::Rgb,
        icc,
    })
}
