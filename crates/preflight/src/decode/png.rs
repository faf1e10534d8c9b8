//! PNG, with the png crate directly, row by row (no full-size intermediate).

use super::pixels::{Depth, PixelFormat};
use super::*;

pub(super) fn decode_png(data: &[u8], limits: &Limits, buf: &mut Vec<u8>) -> Result<Decoded> {
    use ::png::{BitDepth, DecodingError, Transformations};
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
    // Row by row, straight into our RGB buffer: the peak is that buffer (3 B/px) plus one
    // row, whatever the PNG's layout (16-bit RGBA included).
    let cap = usize::try_from(limits.max_decode_bytes).unwrap_or(usize::MAX);
    let mut decoder =
        ::png::Decoder::new_with_limits(std::io::Cursor::new(data), ::png::Limits { bytes: cap });
    decoder.set_ignore_text_chunk(true); // never inflate zTXt/iTXt: we do not need text
                                         // Palettes and low bit depths expand to 8 bits; 16 bits stay, to be rounded (`pixels`).
    decoder.set_transformations(Transformations::EXPAND);
    let mut reader = decoder.read_info().map_err(|e| failed("PNG headers", e))?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    crate::probe::check_dimensions(width, height, limits)?;
    let icc = info.icc_profile.as_ref().map(|c| c.to_vec());
    let interlaced = info.interlaced;
    let (colour, depth) = reader.output_color_type();
    let format = PixelFormat {
        depth: if depth == BitDepth::Sixteen {
            Depth::U16Be
        } else {
            Depth::U8
        },
        channels: colour.samples(),
    };
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
    let to_rgb = |src: &[u8], dst: &mut [u8]| super::pixels::convert_row(format, src, dst);
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
