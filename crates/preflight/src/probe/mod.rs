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
mod other;
mod png;

pub use exif::{exif_orientation, OrientationTag, UnreadableExif};
use jpeg::probe_jpeg;
use other::{probe_bmp, probe_gif, probe_tiff, probe_webp};
use png::probe_png;

/// Image container format, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// JPEG (JFIF / Exif).
    Jpeg,
    /// PNG.
    Png,
    /// Windows / OS/2 bitmap.
    Bmp,
    /// TIFF or BigTIFF (first page).
    Tiff,
    /// WebP, lossy or lossless (first frame).
    Webp,
    /// GIF (first frame).
    Gif,
}

impl Format {
    /// Lower-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Bmp => "bmp",
            Format::Tiff => "tiff",
            Format::Webp => "webp",
            Format::Gif => "gif",
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
    /// Colour components (JPEG) or channels after expansion (other formats).
    pub components: u8,
    /// JPEG frame coding; `None` for the other formats.
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
    /// Offset just past the end marker (JPEG EOI, PNG IEND chunk), or the input length.
    pub image_end: usize,
    /// Bytes after the end marker.
    pub trailing_bytes: u64,
    /// JPEG metadata segments, in file order (empty for the other formats).
    pub segments: Vec<Segment>,
    /// The other formats: true when metadata other than colour information is present
    /// (PNG text or EXIF chunks, TIFF or WebP EXIF / XMP).
    pub private_metadata: bool,
    /// A multi-page TIFF or an animated GIF / WebP: only the first page or frame is used.
    pub more_frames: bool,
}

impl Probe {
    /// A probe of `format` with nothing read yet.
    pub(crate) fn bare(format: Format, bytes: usize) -> Probe {
        Probe {
            format,
            bytes: bytes as u64,
            width: 0,
            height: 0,
            components: 0,
            coding: None,
            orientation: None,
            exif_unreadable: false,
            exif_blocks: 0,
            exif_conflict: false,
            truncated: false,
            image_end: bytes,
            trailing_bytes: 0,
            segments: Vec::new(),
            private_metadata: false,
            more_frames: false,
        }
    }

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
            _ => self.private_metadata,
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

/// Sniff the format from the first bytes, whatever the file is called. `None` for a format
/// this build does not decode.
pub fn sniff(data: &[u8]) -> Option<Format> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Format::Png)
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some(Format::Gif)
    } else if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
        Some(Format::Webp)
    } else if [b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"]
        .iter()
        .any(|m| data.starts_with(*m))
    {
        Some(Format::Tiff)
    } else if is_bmp(data) {
        Some(Format::Bmp)
    } else {
        None
    }
}

/// `BM`, then a DIB header whose size is one of the known versions (two letters alone
/// would take any text file starting with "BM" for a bitmap).
fn is_bmp(data: &[u8]) -> bool {
    let dib = data
        .get(14..18)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    data.starts_with(b"BM") && matches!(dib, Some(12 | 16 | 40 | 52 | 56 | 64 | 108 | 124))
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
        Some(Format::Bmp) => probe_bmp(data, limits)?,
        Some(Format::Tiff) => probe_tiff(data, limits)?,
        Some(Format::Webp) => probe_webp(data, limits)?,
        Some(Format::Gif) => probe_gif(data, limits)?,
        None => {
            return Err(Error::new(
                ErrorKind::UnsupportedFormat,
                format!(
                    "not an image format this build decodes ({}); it reads JPEG, PNG, \
                     TIFF, WebP, BMP and GIF",
                    describe_magic(data)
                ),
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
        (b"GIF8", "a damaged GIF"),
        (b"RIFF", "RIFF but not WebP"),
        (b"%PDF", "PDF"),
        (b"PK\x03\x04", "ZIP"),
        (b"BM", "a damaged BMP"),
        (b"\0\0\0\x0cjP  ", "JPEG 2000"),
        (b"\xff\x4f\xff\x51", "JPEG 2000 codestream"),
        (b"\xff\x0a", "JPEG XL"),
        (b"\0\0\0\x0cJXL ", "JPEG XL"),
    ];
    if data.is_empty() {
        return "empty file".into();
    }
    if data.len() >= 12 && &data[4..8] == b"ftyp" {
        return describe_bmff(&data[8..12]);
    }
    for (magic, name) in KNOWN {
        if data.starts_with(magic) {
            return format!("looks like {name}");
        }
    }
    let head: Vec<String> = data.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("starts with {}", head.join(" "))
}

/// HEIC, AVIF or another ISO-BMFF file, named by its major brand.
fn describe_bmff(brand: &[u8]) -> String {
    match brand {
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"mif1" | b"msf1" => {
            "HEIC/HEIF, the iPhone camera's default: Settings > Camera > Formats > Most \
             Compatible saves JPEG"
                .into()
        }
        b"avif" | b"avis" => "AVIF".into(),
        other => format!(
            "ISO-BMFF (brand {:?}: video or another HEIF family file)",
            String::from_utf8_lossy(other)
        ),
    }
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
