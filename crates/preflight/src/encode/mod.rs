//! Stage 6: the output JPEG (the codec seam, encode side), and the size search.
//!
//! The encoder reads the decoded pixels *through* the orientation (a row walk per upright
//! row), so no rotated copy of the image is ever made. The size search predicts the quality
//! from a band sample of the image (up to 16 MCU-aligned bands, 8–13 % of the rows; each sample
//! encode costs about that fraction of a full encode), then verifies with one full encode and corrects by
//! the measured full/sample ratio when it misses. Metadata stripping without re-encoding
//! lives here too.

use crate::decode::Layout;
use crate::error::{Error, ErrorKind, Result};
use crate::orient::Orientation;
use crate::policy::EncodeOptions;
use crate::probe::Probe;
use crate::report::EncodeCount;
use fast_image_resize as fir;
use jpeg_encoder::{Encoder, ImageBuffer, JpegColorType, SamplingFactor};
use std::cell::RefCell;
use std::time::Instant;

mod search;
mod view;

pub use search::*;
use view::*;

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

/// Decoded pixels in stored orientation, and how to turn them upright.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Interleaved 3-byte pixels, `width * height * 3` bytes.
    pub pixels: &'a [u8],
    /// Stored width.
    pub width: u32,
    /// Stored height.
    pub height: u32,
    /// Byte layout of `pixels`.
    pub layout: Layout,
    /// The orientation to bake in.
    pub orientation: Orientation,
}

impl Source<'_> {
    /// Upright size.
    pub fn upright_size(&self) -> (u32, u32) {
        self.orientation.upright_size(self.width, self.height)
    }
}

/// Something the size search can encode: the upright image at any quality and chroma, or
/// only some of its upright rows (the band sample). The pure-Rust [`Source`] (stored
/// pixels read through the orientation) and the libjpeg-turbo planes (`crate::turbo`,
/// feature `turbo`) both implement it, so [`fit_frame`] is one search for both codecs.
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

impl Frame for Source<'_> {
    fn upright_size(&self) -> (u32, u32) {
        Source::upright_size(self)
    }

    fn encode_rows(
        &self,
        rows: Option<&[u32]>,
        quality: u8,
        chroma: Chroma,
        icc: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        encode_view(*self, rows, quality, chroma, icc, out)
    }

    fn header_bytes(&self, chroma: Chroma, icc: Option<&[u8]>, buf: &mut Vec<u8>) -> Result<f64> {
        let flat = [128u8; 8 * 8 * 3];
        let tiny = Source {
            pixels: &flat,
            width: 8,
            height: 8,
            layout: Layout::Ycbcr,
            orientation: Orientation::UPRIGHT,
        };
        encode_view(tiny, None, 90, chroma, icc, buf)?;
        Ok(buf.len() as f64)
    }

    fn shrunk<'b>(&'b self, s: f64, buf: &'b mut Vec<u8>) -> Result<Box<dyn Frame + 'b>> {
        let nw = ((f64::from(self.width) * s).round() as u32).max(1);
        let nh = ((f64::from(self.height) * s).round() as u32).max(1);
        resize_into(self, nw, nh, buf)?;
        Ok(Box::new(Source {
            pixels: buf.as_slice(),
            width: nw,
            height: nh,
            ..*self
        }))
    }
}

/// Encode `src` upright at `quality` into `out` (one full encode).
pub fn encode(
    src: Source<'_>,
    quality: u8,
    chroma: Chroma,
    icc: Option<&[u8]>,
    out: &mut Vec<u8>,
) -> Result<()> {
    encode_view(src, None, quality, chroma, icc, out)
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
/// byte for byte.
pub fn strip_metadata(data: &[u8], probe: &Probe) -> Vec<u8> {
    let mut out = Vec::with_capacity(probe.image_end);
    let mut pos = 0;
    for seg in probe.segments.iter().filter(|s| s.is_private()) {
        out.extend_from_slice(&data[pos..seg.start]);
        pos = seg.end;
    }
    out.extend_from_slice(&data[pos..probe.image_end]);
    out
}
