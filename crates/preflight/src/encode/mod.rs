//! Stage 6: the output JPEG (the codec seam, encode side), and the size search.
//!
//! The codec's planes (`crate::planar`), turned upright, are what is encoded. The size search predicts the quality
//! from a band sample of the image (up to 16 MCU-aligned bands, 8–13 % of the rows; each sample
//! encode costs about that fraction of a full encode), then verifies with one full encode and corrects by
//! the measured full/sample ratio when it misses. Metadata stripping without re-encoding
//! lives here too.

use crate::error::{Error, ErrorKind, Result};
use crate::policy::EncodeOptions;
use crate::probe::Probe;
use crate::report::EncodeCount;
use std::time::Instant;

mod search;

pub use search::*;

/// Chroma subsampling of an encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chroma {
    /// 2×2 chroma subsampling (the default: smaller, what cameras write).
    Cs420,
    /// No chroma subsampling (larger; used only to reach the byte floor).
    Cs444,
}

impl Chroma {
    /// `4:2:0` or `4:4:4`.
    pub fn as_str(self) -> &'static str {
        match self {
            Chroma::Cs420 => "4:2:0",
            Chroma::Cs444 => "4:4:4",
        }
    }
}

/// Something the size search can encode: the upright image at any quality and chroma, or
/// only some of its upright rows (the band sample). The codec's upright planes
/// (`crate::planar::Planes`) implement it, on either backend.
pub trait Frame {
    /// Upright size.
    fn upright_size(&self) -> (u32, u32);
    /// Encode the upright image (or the listed upright rows, which come in 16-row bands
    /// starting on a multiple of 16, or are all rows) as a baseline JPEG into `out`.
    fn encode_rows(
        &self,
        rows: Option<&[u32]>,
        quality: u8,
        chroma: Chroma,
        icc: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Result<()>;
    /// Bytes of an encode that carries no pixels worth counting (headers, tables, ICC):
    /// one 8×8 flat block at quality 90.
    fn header_bytes(&self, chroma: Chroma, icc: Option<&[u8]>, buf: &mut Vec<u8>) -> Result<f64>;
    /// This frame scaled by `s` (< 1), its pixels kept in `buf`.
    fn shrunk<'b>(&'b self, s: f64, buf: &'b mut Vec<u8>) -> Result<Box<dyn Frame + 'b>>;
}

/// The upright rows of the band sample for an image `uh` rows high: up to 16 bands of 16
/// rows (MCU-aligned), evenly spaced, one band per 128 rows at least, so the sample is
/// 8–13 % of the rows. Images under 512 rows use every row.
pub fn sample_rows(uh: u32) -> Vec<u32> {
    const BAND: u32 = 16;
    if uh < 512 {
        return (0..uh).collect();
    }
    let bands = (uh / 128).clamp(4, 16);
    let stride = uh / bands;
    let mut rows = Vec::with_capacity((bands * BAND) as usize);
    for b in 0..bands {
        let start = (b * stride + (stride - BAND) / 2) / 16 * 16;
        rows.extend(start..start + BAND);
    }
    rows
}

/// The input's bytes with every private metadata segment (Exif, XMP, comments, other APPn)
/// and any trailing data removed; JFIF, ICC and Adobe segments and all pixel data kept
/// byte for byte. Stray bytes between a removed segment and the next marker (which decoders
/// skip as extraneous data) go with it: left behind right after SOI they would make the
/// output start `FF D8 00`, which is no JPEG signature (found by the `turn` fuzz target).
pub fn strip_metadata(data: &[u8], probe: &Probe) -> Vec<u8> {
    let mut out = Vec::with_capacity(probe.image_end);
    let mut pos = 0;
    for seg in probe.segments.iter().filter(|s| s.is_private()) {
        out.extend_from_slice(&data[pos..seg.start]);
        pos = seg.end;
        while pos < probe.image_end && data[pos] != 0xFF {
            pos += 1;
        }
    }
    out.extend_from_slice(&data[pos..probe.image_end]);
    out
}
