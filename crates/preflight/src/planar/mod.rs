//! The codec seam: JPEG decoded to planes, and encoded from them.
//!
//! One pipeline for both builds, on a libjpeg-turbo planar-YUV API that skips both colour
//! conversions and both chroma resamplings. The default build runs it on `libjpeg-turbo-rs`
//! (pure Rust, `rs.rs`); `--features turbo` on C libjpeg-turbo 3.x, vendored and linked
//! statically by the `turbojpeg` crate (`c.rs`). The two backends give the same bytes
//! (docs/performance.md); everything else here is shared:
//!
//! - **decode once, to planes**: a YCbCr 4:2:0 or 4:4:4 (or grey) JPEG decodes straight to
//!   Y, Cb and Cr planes. Anything else (4:2:2 and friends, CMYK, PNG, a truncated stream
//!   the pure-Rust backend refuses, or any JPEG the backend refuses) decodes through
//!   `crate::decode` (zune-jpeg, png, image) and is split into 4:4:4 planes, so every
//!   image reaches the rest of the pipeline the same way;
//! - **scaled decode for `check`**: with nothing to re-encode, the DCT scales by 1/2, 1/4 or
//!   1/8 so the decoded luma is at least the analysis plane's size;
//! - **the analysis plane from the planes**: luma and chroma are box-downscaled plane by
//!   plane (no interleaving); when the scaled decode already has the plane's size, luma is
//!   only turned upright and 4:2:0 chroma repeated 2×2, with no resize at all;
//! - **rotation of the planes** (cache-blocked, one plane at a time through one spare buffer,
//!   so the peak is the planes plus one luma plane);
//! - **encode from the planes**, for the full encode and for the size search's band sample
//!   alike ([`Planes`] implements [`Frame`], so `encode::fit_frame` runs the size search).

use crate::analysis::{self, Analysis};
use crate::encode::{Chroma, Frame};
use crate::error::{Error, ErrorKind, Result};
use crate::orient::Orientation;
use crate::policy::Limits;
use crate::probe::{Format, Probe};
use fast_image_resize as fir;
use std::cell::RefCell;

#[cfg(feature = "turbo")]
#[path = "c.rs"]
mod backend;
#[cfg(not(feature = "turbo"))]
#[path = "rs.rs"]
mod backend;
mod planes;
mod upright;

pub use planes::*;
pub use upright::*;

/// Per-worker codec state: the backend's instances and every plane buffer, reused across
/// images (a fresh 36 MB buffer costs ~30 ms of page faults on our machines).
#[derive(Default)]
pub struct PlanarScratch {
    decoder: backend::DecoderState,
    /// Luma plane (stored orientation after decode, upright after [`rotate`]).
    y: Vec<u8>,
    cb: Vec<u8>,
    cr: Vec<u8>,
    /// The spare plane a rotation writes into (then swapped in).
    spare: Vec<u8>,
    encoder: RefCell<Encoder>,
}

#[derive(Default)]
struct Encoder {
    handle: backend::EncoderState,
    /// The band sample's rows, gathered (Y, then Cb, then Cr).
    gather: Vec<u8>,
    /// Chroma resampled to the requested subsampling.
    convert: Vec<u8>,
}

fn internal(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InternalError, msg.into())
}

/// The decoded planes (in the scratch): their size and chroma layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Decoded (possibly DCT-scaled) stored width.
    pub width: u32,
    /// Decoded stored height.
    pub height: u32,
    /// The DCT scale denominator the planes were decoded at (1, 2, 4 or 8).
    pub scale: u32,
    /// Chroma planes at half size in both axes (4:2:0) or full size (4:4:4).
    pub sub: Chroma,
    /// The embedded ICC profile, kept in the output.
    pub icc: Option<Vec<u8>>,
}

/// Chroma plane size for a `w × h` image.
pub fn chroma_size(w: u32, h: u32, sub: Chroma) -> (u32, u32) {
    match sub {
        Chroma::Cs420 => (w.div_ceil(2), h.div_ceil(2)),
        Chroma::Cs444 => (w, h),
    }
}

/// The DCT scale for `check`: the coarsest of 1/8, 1/4, 1/2 whose long side still reaches
/// the analysis plane's, so the plane is box-downscaled from the scaled decode as the
/// default build's is from the full one; 1 for small images. (A decode that stops just
/// short of the plane, e.g. 960 px for a 3840 px frame, gives a smaller, sharper plane on
/// which real blur scored as sharp: 7 of 23 blurred photos found against 20 of 23.)
pub fn check_scale(w: u32, h: u32) -> u32 {
    let long = w.max(h);
    [8, 4, 2]
        .into_iter()
        .find(|&d| long.div_ceil(d) >= analysis::ANALYSIS_LONG_SIDE)
        .unwrap_or(1)
}

/// `data` (a complete baseline JPEG) turned upright for `o` in the DCT domain, with every
/// marker but the ICC profile dropped; `None` when that cannot be done perfectly (a side
/// that is not a whole number of MCUs would lose its edge blocks) or the backend refuses
/// the stream: the caller then re-encodes.
pub fn transform_upright(data: &[u8], o: Orientation) -> Option<Vec<u8>> {
    backend::transform_upright(data, o).ok().flatten()
}

/// Decode `data` into the scratch planes, DCT-scaled by `1/scale` when the stream allows
/// it (otherwise at full size: see [`Decoded::scale`]).
pub fn decode(
    data: &[u8],
    probe: &Probe,
    limits: &Limits,
    scale: u32,
    pixels: &mut Vec<u8>,
    s: &mut PlanarScratch,
) -> Result<Decoded> {
    if probe.format == Format::Jpeg {
        // The same bound as the pure-Rust decoder (3 bytes per full-size pixel), so both
        // builds refuse the same inputs; the planes themselves need at most that.
        crate::decode::check_alloc(u64::from(probe.width) * u64::from(probe.height) * 3, limits)?;
        if let Some(d) = backend::decode_planes(data, scale, s)? {
            return Ok(d);
        }
    }
    // Not for libjpeg-turbo's planar path: the pure-Rust decoder, then 4:4:4 planes.
    let d = crate::decode::decode(data, probe, limits, pixels)?;
    let n = d.width as usize * d.height as usize;
    for v in [&mut s.y, &mut s.cb, &mut s.cr] {
        v.clear();
        v.reserve(n);
    }
    match d.layout {
        crate::decode::Layout::Ycbcr => {
            for p in pixels[..n * 3].chunks_exact(3) {
                s.y.push(p[0]);
                s.cb.push(p[1]);
                s.cr.push(p[2]);
            }
        }
        crate::decode::Layout::Rgb => {
            for p in pixels[..n * 3].chunks_exact(3) {
                let (y, cb, cr) = analysis::rgb_to_ycbcr(p[0], p[1], p[2]);
                s.y.push(y);
                s.cb.push(cb);
                s.cr.push(cr);
            }
        }
    }
    Ok(Decoded {
        width: d.width,
        height: d.height,
        scale: 1,
        sub: Chroma::Cs444,
        icc: d.icc,
    })
}

#[cfg(test)]
mod tests;
