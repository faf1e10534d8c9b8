//! The JPEG walk: markers from SOI to EOI, without decoding the entropy-coded data.

use super::*;

fn segment_kind(marker: u8, payload: &[u8]) -> SegmentKind {
    match marker {
        0xE0 if payload.starts_with(b"JFIF\0") || payload.starts_with(b"JFXX\0") => {
            SegmentKind::Jfif
        }
        0xE1 if payload.starts_with(b"Exif\0") => SegmentKind::Exif,
        0xE1 if payload.starts_with(b"http://ns.adobe.com/") => SegmentKind::Xmp,
        0xE2 if payload.starts_with(b"ICC_PROFILE\0") => SegmentKind::Icc,
        0xEE if payload.starts_with(b"Adobe") => SegmentKind::Adobe,
        _ => SegmentKind::Other,
    }
}

pub(super) fn probe_jpeg(data: &[u8], limits: &Limits) -> Result<Probe> {
    let mut p = Probe::bare(Format::Jpeg, data.len());
    let mut metadata_bytes: u64 = 0;
    let mut pos = 2; // after SOI
    let mut seen_sof = false;
    loop {
        let Some((start, marker, after)) = next_marker(data, pos) else {
            p.truncated = true;
            break;
        };
        pos = after;
        match marker {
            0xD9 => {
                p.image_end = pos;
                p.trailing_bytes = (data.len() - pos) as u64;
                break;
            }
            0xD8 => {
                return Err(Error::new(
                    ErrorKind::DecodeFailed,
                    "JPEG structure broken: a second start-of-image marker in the header",
                ))
            }
            0x01 | 0xD0..=0xD7 => continue, // standalone markers
            _ => {}
        }
        let Some(len) = be16(data, pos) else {
            p.truncated = true;
            break;
        };
        if len < 2 {
            return Err(Error::new(
                ErrorKind::DecodeFailed,
                format!("JPEG segment 0x{marker:02X} at offset {start} has length {len}"),
            ));
        }
        let end = pos + len;
        if end > data.len() {
            p.truncated = true;
            break;
        }
        let payload = &data[pos + 2..end];
        match marker {
            0xC0..=0xC2 => {
                if seen_sof {
                    return Err(Error::new(
                        ErrorKind::DecodeFailed,
                        "JPEG has more than one frame header",
                    ));
                }
                seen_sof = true;
                read_frame_header(&mut p, marker, payload, limits)?;
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return Err(unsupported_sof(marker)),
            0xE0..=0xEF | 0xFE => {
                metadata_bytes += len as u64 + 2;
                note_segment(
                    &mut p,
                    marker,
                    payload,
                    (start, end),
                    metadata_bytes,
                    limits,
                )?;
            }
            0xDA => {
                if !seen_sof {
                    return Err(Error::new(
                        ErrorKind::DecodeFailed,
                        "JPEG scan before its frame header",
                    ));
                }
                pos = scan_end(data, end);
                continue;
            }
            _ => {}
        }
        pos = end;
    }
    if !seen_sof {
        return Err(Error::new(
            ErrorKind::DecodeFailed,
            "JPEG has no frame header (SOF)",
        ));
    }
    check_scan_bytes(&p, data.len())?;
    Ok(p)
}

/// The next marker from `pos`: skips extraneous bytes between segments (as libjpeg does)
/// and fill bytes. Returns the offset of its first 0xFF, its code and the offset after it;
/// `None` when the data ends first.
fn next_marker(data: &[u8], mut pos: usize) -> Option<(usize, u8, usize)> {
    if *data.get(pos)? != 0xFF {
        pos = memchr_ff(data, pos)?;
    }
    let start = pos;
    while pos < data.len() && data[pos] == 0xFF {
        pos += 1;
    }
    let marker = *data.get(pos)?;
    Some((start, marker, pos + 1))
}

/// SOF0..SOF2: precision, size and components, refused when we cannot or must not decode.
fn read_frame_header(p: &mut Probe, marker: u8, payload: &[u8], limits: &Limits) -> Result<()> {
    if payload.len() < 6 {
        return Err(Error::new(
            ErrorKind::DecodeFailed,
            "JPEG frame header too short",
        ));
    }
    if payload[0] != 8 {
        return Err(Error::new(
            ErrorKind::UnsupportedFormat,
            format!("{}-bit JPEG is not supported (8-bit only)", payload[0]),
        ));
    }
    p.height = u32::from(u16::from_be_bytes([payload[1], payload[2]]));
    p.width = u32::from(u16::from_be_bytes([payload[3], payload[4]]));
    p.components = payload[5];
    p.coding = Some(match marker {
        0xC0 => JpegCoding::Baseline,
        0xC1 => JpegCoding::Extended,
        _ => JpegCoding::Progressive,
    });
    if !matches!(p.components, 1 | 3 | 4) {
        return Err(Error::new(
            ErrorKind::UnsupportedFormat,
            format!("JPEG with {} components is not supported", p.components),
        ));
    }
    // Refuse absurd frames before anything decodes them.
    check_dimensions(p.width, p.height, limits)
}

/// The refusal of a frame coding we do not decode.
fn unsupported_sof(marker: u8) -> Error {
    let what = if marker & 0x08 != 0 {
        "arithmetic-coded"
    } else if marker == 0xC3 {
        "lossless"
    } else {
        "hierarchical"
    };
    Error::new(
        ErrorKind::UnsupportedFormat,
        format!("{what} JPEG (SOF 0x{marker:02X}) is not supported"),
    )
}

/// An APPn or COM segment covering `[start, end)`: counted against the metadata caps
/// (`metadata_bytes` includes it), classified, its EXIF read.
fn note_segment(
    p: &mut Probe,
    marker: u8,
    payload: &[u8],
    (start, end): (usize, usize),
    metadata_bytes: u64,
    limits: &Limits,
) -> Result<()> {
    if p.segments.len() as u32 >= limits.max_metadata_segments
        || metadata_bytes > limits.max_metadata_bytes
    {
        return Err(Error::new(
            ErrorKind::MetadataTooLarge,
            format!(
                "more than {} metadata segments or {} metadata bytes",
                limits.max_metadata_segments, limits.max_metadata_bytes
            ),
        ));
    }
    let kind = if marker == 0xFE {
        SegmentKind::Other
    } else {
        segment_kind(marker, payload)
    };
    if kind == SegmentKind::Exif {
        p.note_exif(payload.get(6..).unwrap_or(&[]));
    }
    p.segments.push(Segment {
        marker,
        kind,
        start,
        end,
    });
    Ok(())
}

/// Where the entropy-coded data that starts at `from` ends: at the first marker that is not
/// a stuffed zero or a restart marker (or the end of the data).
fn scan_end(data: &[u8], from: usize) -> usize {
    let mut i = from;
    loop {
        let Some(j) = memchr_ff(data, i) else {
            return data.len();
        };
        match data.get(j + 1) {
            None => return data.len(),
            Some(0x00) | Some(0xD0..=0xD7) | Some(0xFF) => i = j + 1,
            Some(_) => return j,
        }
    }
}

/// Every 8x8 luma block costs at least one bit of scan data (a one-bit DC code), so a
/// file shorter than pixels / 512 bytes cannot hold its frame: refuse it before the
/// decoder allocates (and grey-fills) the whole frame. Real files are 50-500x above this.
fn check_scan_bytes(p: &Probe, bytes: usize) -> Result<()> {
    let pixels = u64::from(p.width) * u64::from(p.height);
    if (bytes as u64).saturating_mul(512) < pixels {
        return Err(Error::new(
            ErrorKind::DecodeFailed,
            format!(
                "{} bytes cannot hold a {}x{} JPEG (at least {} needed)",
                bytes,
                p.width,
                p.height,
                pixels.div_ceil(512)
            ),
        ));
    }
    Ok(())
}

fn memchr_ff(data: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(0xFF, data.get(from..)?).map(|k| from + k)
}
