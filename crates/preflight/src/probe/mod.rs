//! Stage 1: read the container without decoding pixels.
//!
//! Sniffs the format by content, walks the JPEG markers (or PNG chunks) to find the
//! dimensions, the EXIF orientation, the metadata segments, whether the image reaches its
//! end marker and whether bytes follow it. Every limit that does not need pixels is applied
//! here, so no pixel buffer is ever allocated for an input that would exceed them.

use crate::error::{Error, ErrorKind, Result};
use crate::policy::Limits;

mod exif;
mod jpeg;
mod png;

pub use exif::{exif_orientation, OrientationTag, UnreadableExif};
use jpeg::probe_jpeg;
use png::probe_png;

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
                Err(UnreadableExif) => self.exif_unreadable = true,
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

pub(super) fn be16(data: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *data.get(at)?,
        *data.get(at + 1)?,
    ])))
}

pub(super) fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// Dimensions of a complete baseline or progressive JPEG (markers walked to EOI), or why not.
pub fn jpeg_is_complete(data: &[u8]) -> std::result::Result<(u32, u32), String> {
    let p = probe(data, &Limits::default()).map_err(|e| e.to_string())?;
    if p.format != Format::Jpeg {
        return Err("not a JPEG".into());
    }
    if p.truncated {
        return Err("the JPEG ends before its end marker".into());
    }
    Ok((p.width, p.height))
}
