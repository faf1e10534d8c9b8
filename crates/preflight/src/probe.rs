//! Stage 1: read the container without decoding pixels.
//!
//! Sniffs the format by content, walks the JPEG markers (or PNG chunks) to find the
//! dimensions, the EXIF orientation, the metadata segments, whether the image reaches its
//! end marker and whether bytes follow it. Every limit that does not need pixels is applied
//! here, so no pixel buffer is ever allocated for an input that would exceed them.

use crate::error::{Error, ErrorKind, Result};
use crate::policy::Limits;

/// Image container format, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (JFIF / Exif).
    Jpeg,
    /// PNG.
    Png,
}

impl Format {
    /// Lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
        }
    }
}

/// How the JPEG frame is coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JpegCoding {
    /// SOF0.
    Baseline,
    /// SOF1 (extended sequential, Huffman).
    Extended,
    /// SOF2.
    Progressive,
}

/// What a metadata segment holds, as far as stripping is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    /// APP0 JFIF / JFXX: harmless, kept.
    Jfif,
    /// APP1 Exif: private (GPS, device), removed.
    Exif,
    /// APP1 XMP: private, removed.
    Xmp,
    /// APP2 ICC_PROFILE: colour, kept.
    Icc,
    /// APP14 Adobe: changes how the pixels decode, kept.
    Adobe,
    /// Any other APPn or COM: removed.
    Other,
}

/// One metadata segment of a JPEG: `[start, end)` covers the marker and its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The marker byte (0xE0..=0xEF for APPn, 0xFE for COM).
    pub marker: u8,
    /// What it holds.
    pub kind: SegmentKind,
    /// Offset of the 0xFF of the marker.
    pub start: usize,
    /// Offset just past the payload.
    pub end: usize,
}

impl Segment {
    /// True when the segment must go from a privacy-clean output.
    pub fn is_private(&self) -> bool {
        matches!(
            self.kind,
            SegmentKind::Exif | SegmentKind::Xmp | SegmentKind::Other
        )
    }
}

/// The EXIF orientation as found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrientationTag {
    /// The raw tag value (may be outside 1..=8).
    pub raw: u32,
}

impl OrientationTag {
    /// The value to apply: the raw tag when in 1..=8, else 1.
    pub fn effective(self) -> u8 {
        if (1..=8).contains(&self.raw) {
            self.raw as u8
        } else {
            1
        }
    }

    /// True when the tag is within 1..=8.
    pub fn is_valid(self) -> bool {
        (1..=8).contains(&self.raw)
    }
}

/// Everything learnt without decoding pixels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Format by content.
    pub format: Format,
    /// Input size in bytes.
    pub bytes: u64,
    /// Stored width.
    pub width: u32,
    /// Stored height.
    pub height: u32,
    /// Colour components (JPEG) or channels after expansion (PNG).
    pub components: u8,
    /// JPEG frame coding; `None` for PNG.
    pub coding: Option<JpegCoding>,
    /// The EXIF orientation tag, when present and readable.
    pub orientation: Option<OrientationTag>,
    /// True when an EXIF block was present but could not be parsed.
    pub exif_unreadable: bool,
    /// Number of EXIF blocks (more than one is a conflict source).
    pub exif_blocks: u32,
    /// A later EXIF block gives another orientation than the first (the first is used).
    pub exif_conflict: bool,
    /// The image stops before its end marker.
    pub truncated: bool,
    /// Offset just past the end marker (EOI / IEND chunk), or the input length.
    pub image_end: usize,
    /// Bytes after the end marker.
    pub trailing_bytes: u64,
    /// JPEG metadata segments, in file order (empty for PNG).
    pub segments: Vec<Segment>,
    /// PNG: true when ancillary chunks other than colour information are present.
    pub png_private_chunks: bool,
}

impl Probe {
    /// The orientation to apply (1 when absent or invalid).
    pub fn effective_orientation(&self) -> u8 {
        self.orientation.map_or(1, OrientationTag::effective)
    }

    /// Upright size after applying the orientation.
    pub fn upright_size(&self) -> (u32, u32) {
        crate::orient::Orientation::from_exif(self.effective_orientation())
            .upright_size(self.width, self.height)
    }

    /// True when the file carries metadata a privacy-clean output must not.
    pub fn has_private_metadata(&self) -> bool {
        match self.format {
            Format::Jpeg => self.segments.iter().any(Segment::is_private),
            Format::Png => self.png_private_chunks,
        }
    }
}

impl Probe {
    /// Record one EXIF block: the first gives the orientation; a later one whose
    /// orientation differs marks a conflict. Each block is parsed at most once, and the
    /// number of blocks is bounded by `max_metadata_segments`.
    fn note_exif(&mut self, tiff: &[u8]) {
        self.exif_blocks += 1;
        let parsed = exif_orientation(tiff);
        if self.exif_blocks == 1 {
            match parsed {
                Ok(tag) => self.orientation = tag,
                Err(()) => self.exif_unreadable = true,
            }
        } else if let Ok(tag) = parsed {
            if tag.map(|t| t.raw) != self.orientation.map(|t| t.raw) {
                self.exif_conflict = true;
            }
        }
    }
}

/// Sniff the format from the first bytes. `None` for anything but JPEG or PNG.
pub fn sniff(data: &[u8]) -> Option<Format> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else {
        None
    }
}

/// Probe `data` under `limits`.
pub fn probe(data: &[u8], limits: &Limits) -> Result<Probe> {
    if data.len() as u64 > limits.max_input_bytes {
        return Err(Error::new(
            ErrorKind::InputTooLarge,
            format!(
                "input is {} bytes, the limit is {}",
                data.len(),
                limits.max_input_bytes
            ),
        ));
    }
    let probe = match sniff(data) {
        Some(Format::Jpeg) => probe_jpeg(data, limits)?,
        Some(Format::Png) => probe_png(data, limits)?,
        None => {
            return Err(Error::new(
                ErrorKind::UnsupportedFormat,
                format!("not a JPEG or PNG ({})", describe_magic(data)),
            ))
        }
    };
    check_dimensions(probe.width, probe.height, limits)?;
    Ok(probe)
}

/// Refuse zero, oversized or too-many-pixel dimensions.
pub fn check_dimensions(width: u32, height: u32, limits: &Limits) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(Error::new(
            ErrorKind::BadDimensions,
            format!("image is {width}x{height}"),
        ));
    }
    if width > limits.max_side || height > limits.max_side {
        return Err(Error::new(
            ErrorKind::BadDimensions,
            format!(
                "image is {width}x{height}; the limit is {} per side",
                limits.max_side
            ),
        ));
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(Error::new(
            ErrorKind::TooManyPixels,
            format!(
                "image is {width}x{height} = {pixels} pixels; the limit is {}",
                limits.max_pixels
            ),
        ));
    }
    Ok(())
}

fn describe_magic(data: &[u8]) -> String {
    const KNOWN: &[(&[u8], &str)] = &[
        (b"GIF8", "GIF"),
        (b"RIFF", "RIFF/WebP"),
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "ZIP"),
        (b"II*\0", "TIFF"),
        (b"MM\0*", "TIFF"),
        (b"BM", "BMP"),
    ];
    if data.is_empty() {
        return "empty file".into();
    }
    if data.len() >= 12 && &data[4..8] == b"ftyp" {
        return "ISO-BMFF (HEIC/AVIF/MP4)".into();
    }
    for (magic, name) in KNOWN {
        if data.starts_with(magic) {
            return format!("looks like {name}");
        }
    }
    let head: Vec<String> = data.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("starts with {}", head.join(" "))
}

fn be16(data: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
    ])))
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

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

fn probe_jpeg(data: &[u8], limits: &Limits) -> Result<Probe> {
    let mut p = Probe {
        format: Format::Jpeg,
        bytes: data.len() as u64,
        width: 0,
        height: 0,
        components: 0,
        coding: None,
        orientation: None,
        exif_unreadable: false,
        exif_blocks: 0,
        exif_conflict: false,
        truncated: false,
        image_end: data.len(),
        trailing_bytes: 0,
        segments: Vec::new(),
        png_private_chunks: false,
    };
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

/// Read the orientation tag from a TIFF-structured EXIF block (after `Exif\0\0`).
/// `Ok(None)`: no orientation tag. `Err(())`: the block is not readable EXIF.
#[allow(clippy::result_unit_err)]
pub fn exif_orientation(tiff: &[u8]) -> std::result::Result<Option<OrientationTag>, ()> {
    let exif = exif::Reader::new()
        .read_raw(tiff.to_vec())
        .map_err(|_| ())?;
    let Some(field) = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY) else {
        return Ok(None);
    };
    Ok(field.value.get_uint(0).map(|raw| OrientationTag { raw }))
}

const PNG_COLOUR_CHUNKS: &[&[u8; 4]] = &[
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"bKGD", b"pHYs", b"cICP",
];

fn probe_png(data: &[u8], limits: &Limits) -> Result<Probe> {
    let mut p = Probe {
        format: Format::Png,
        bytes: data.len() as u64,
        width: 0,
        height: 0,
        components: 0,
        coding: None,
        orientation: None,
        exif_unreadable: false,
        exif_blocks: 0,
        exif_conflict: false,
        truncated: false,
        image_end: data.len(),
        trailing_bytes: 0,
        segments: Vec::new(),
        png_private_chunks: false,
    };
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
                    p.png_private_chunks = true;
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
