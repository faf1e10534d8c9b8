//! The PNG walk: chunks from the signature to IEND (header, colour and metadata chunks).

use super::*;

const PNG_COLOUR_CHUNKS: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"cICP",
];

pub(super) fn probe_png(data: &[u8], limits: &Limits) -> Result<Probe> {
    let mut p = Probe::bare(Format::Png, data.len());
    let mut pos = 8;
    let mut chunks: u32 = 0;
    let mut metadata_bytes: u64 = 0;
    let mut seen_ihdr = false;
    loop {
        let (Some(len), Some(ty)) = (be32(data, pos), data.get(pos + 4..pos + 8)) else {
            p.truncated = true;
            break;
        };
        let len = len as usize;
        let body = pos + 8;
        let Some(next) = body.checked_add(len).and_then(|e| e.checked_add(4)) else {
            p.truncated = true;
            break;
        };
        if next > data.len() {
            p.truncated = true;
            break;
        }
        let payload = &data[body..body + len];
        let ty: [u8; 4] = ty.try_into().expect("4 bytes");
        if !seen_ihdr && &ty != b"IHDR" {
            return Err(Error::new(
                ErrorKind::DecodeFailed,
                "PNG does not start with IHDR",
            ));
        }
        match &ty {
            b"IHDR" => {
                if payload.len() != 13 {
                    return Err(Error::new(
                        ErrorKind::DecodeFailed,
                        "PNG IHDR has the wrong size",
                    ));
                }
                seen_ihdr = true;
                p.width = be32(payload, 0).unwrap_or(0);
                p.height = be32(payload, 4).unwrap_or(0);
                p.components = match payload[9] {
                    0 => 1,
                    2 | 3 => 3,
                    4 => 2,
                    6 => 4,
                    other => {
                        return Err(Error::new(
                            ErrorKind::DecodeFailed,
                            format!("PNG colour type {other} is invalid"),
                        ))
                    }
                };
                check_dimensions(p.width, p.height, limits)?;
            }
            b"IEND" => {
                p.image_end = next;
                p.trailing_bytes = (data.len() - next) as u64;
                break;
            }
            b"acTL" => {
                return Err(Error::new(
                    ErrorKind::UnsupportedFormat,
                    "animated PNG (APNG) is not supported",
                ))
            }
            b"IDAT" => {}
            _ => {
                chunks += 1;
                metadata_bytes += len as u64 + 12;
                if chunks > limits.max_metadata_segments
                    || metadata_bytes > limits.max_metadata_bytes
                {
                    return Err(Error::new(
                        ErrorKind::MetadataTooLarge,
                        format!(
                            "more than {} PNG ancillary chunks or {} bytes of them",
                            limits.max_metadata_segments, limits.max_metadata_bytes
                        ),
                    ));
                }
                if &ty == b"eXIf" {
                    p.note_exif(payload);
                }
                if !PNG_COLOUR_CHUNKS.contains(&&ty) {
                    p.private_metadata = true;
                }
            }
        }
        pos = next;
    }
    if !seen_ihdr {
        return Err(Error::new(ErrorKind::DecodeFailed, "PNG has no IHDR chunk"));
    }
    Ok(p)
}
