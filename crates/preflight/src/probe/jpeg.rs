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
        // Find the next marker: 0xFF, optional fill bytes, then the code.
        if pos >= data.len() {
            p.truncated = true;
            break;
        }
        if data[pos] != 0xFF {
            // Extraneous bytes between segments: skip to the next marker, as libjpeg does.
            match memchr_ff(data, pos) {
                Some(next) => pos = next,
                None => {
                    p.truncated = true;
                    break;
                }
            }
        }
        let start = pos;
        while pos < data.len() && data[pos] == 0xFF {
            pos += 1;
        }
        let Some(&marker) = data.get(pos) else {
            p.truncated = true;
            break;
        };
        pos += 1;
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
        let payload_start = pos + 2;
        let end = pos + len;
        if end > data.len() {
            p.truncated = true;
            break;
        }
        let payload = &data[payload_start..end];
        match marker {
            0xC0..=0xC2 => {
                if seen_sof {
                    return Err(Error::new(
                        ErrorKind::DecodeFailed,
                        "JPEG has more than one frame header",
                    ));
                }
                seen_sof = true;
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
                check_dimensions(p.width, p.height, limits)?;
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                let what = if marker & 0x08 != 0 {
                    "arithmetic-coded"
                } else if marker == 0xC3 {
                    "lossless"
                } else {
                    "hierarchical"
                };
                return Err(Error::new(
                    ErrorKind::UnsupportedFormat,
                    format!("{what} JPEG (SOF 0x{marker:02X}) is not supported"),
                ));
            }
            0xE0..=0xEF | 0xFE => {
                metadata_bytes += len as u64 + 2;
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
            }
            0xDA => {
                if !seen_sof {
                    return Err(Error::new(
                        ErrorKind::DecodeFailed,
                        "JPEG scan before its frame header",
                    ));
                }
                // Skip the entropy-coded data: it ends at a marker that is not a stuffed
                // zero or a restart marker.
                let mut i = end;
                loop {
                    match memchr_ff(data, i) {
                        None => {
                            i = data.len();
                            break;
                        }
                        Some(j) => match data.get(j + 1) {
                            None => {
                                i = data.len();
                                break;
                            }
                            Some(0x00) | Some(0xD0..=0xD7) | Some(0xFF) => i = j + 1,
                            Some(_) => {
                                i = j;
                                break;
                            }
                        },
                    }
                }
                pos = i;
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
    // Every 8x8 luma block costs at least one bit of scan data (a one-bit DC code), so a
    // file shorter than pixels / 512 bytes cannot hold its frame: refuse it before the
    // decoder allocates (and grey-fills) the whole frame. Real files are 50-500x above this.
    let pixels = u64::from(p.width) * u64::from(p.height);
    if (data.len() as u64).saturating_mul(512) < pixels {
        return Err(Error::new(
            ErrorKind::DecodeFailed,
            format!(
                "{} bytes cannot hold a {}x{} JPEG (at least {} needed)",
                data.len(),
                p.width,
                p.height,
                pixels.div_ceil(512)
            ),
        ));
    }
    Ok(p)
}

fn memchr_ff(data: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(0xFF, data.get(from..)?).map(|k| from + k)
}
