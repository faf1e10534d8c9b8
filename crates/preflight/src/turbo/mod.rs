//! The codec seam backed by libjpeg-turbo (cargo feature `turbo`).
//!
//! The default build decodes with zune-jpeg and encodes with jpeg-encoder (pure Rust, see
//! `decode.rs` and `encode.rs`). With `--features turbo` the same pipeline runs on
//! libjpeg-turbo 3.x (vendored and linked statically by the `turbojpeg` crate) through its
//! planar-YUV API, which skips both colour conversions and both chroma resamplings:
//!
//! - **decode once, to planes**: a YCbCr 4:2:0 or 4:4:4 (or grey) JPEG decodes straight to
//!   Y, Cb and Cr planes (`tj3DecompressToYUVPlanes8`) into the worker's reused buffers.
//!   Anything else (4:2:2 and friends, CMYK, PNG, or a JPEG libjpeg-turbo refuses) decodes
//!   through the pure-Rust path and is split into 4:4:4 planes, so every image reaches the
//!   rest of the pipeline the same way;
//! - **scaled decode for `check`**: with nothing to re-encode, the DCT scales by 1/2, 1/4 or
//!   1/8 so the decoded luma is at least the analysis plane's size;
//! - **the analysis plane from the planes**: luma and chroma are box-downscaled plane by
//!   plane (no interleaving); when the scaled decode already has the plane's size, luma is
//!   only turned upright and 4:2:0 chroma repeated 2×2, with no resize at all;
//! - **rotation of the planes** (cache-blocked, one plane at a time through one spare buffer,
//!   so the peak is the planes plus one luma plane);
//! - **encode from the planes** (`tj3CompressFromYUVPlanes8`) straight into the output `Vec`,
//!   for the full encode and for the size search's band sample alike ([`Planes`] implements
//!   [`Frame`], so `encode::fit_frame` is the same search as in the default build).

use crate::analysis::{self, Analysis};
use crate::encode::{Chroma, Frame};
use crate::error::{Error, ErrorKind, Result};
use crate::orient::Orientation;
use crate::policy::Limits;
use crate::probe::{Format, Probe};
use fast_image_resize as fir;
use std::cell::RefCell;
use turbojpeg::raw;

mod planes;
mod upright;

pub use planes::*;
pub use upright::*;

/// An owned TurboJPEG instance.
struct Handle(raw::tjhandle);

// A TurboJPEG instance may move between threads; it is never shared.
unsafe impl Send for Handle {}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the handle came from tj3Init and is destroyed once.
        unsafe { raw::tj3Destroy(self.0) }
    }
}

impl Handle {
    fn new(init: raw::TJINIT) -> Result<Self> {
        // SAFETY: plain constructor; NULL means failure.
        let h = unsafe { raw::tj3Init(init as libc_int) };
        if h.is_null() {
            return Err(internal("tj3Init failed"));
        }
        Ok(Handle(h))
    }

    fn set(&mut self, param: raw::TJPARAM, value: i32) -> Result<()> {
        // SAFETY: valid handle.
        if unsafe { raw::tj3Set(self.0, param as libc_int, value) } != 0 {
            return Err(self.error("tj3Set"));
        }
        Ok(())
    }

    fn get(&mut self, param: raw::TJPARAM) -> i32 {
        // SAFETY: valid handle.
        unsafe { raw::tj3Get(self.0, param as libc_int) }
    }

    /// True when the last failure was only a warning (e.g. a truncated stream: the
    /// missing part decodes as grey and the probe reports the truncation).
    fn warned(&mut self) -> bool {
        // SAFETY: valid handle.
        unsafe { raw::tj3GetErrorCode(self.0) == raw::TJERR_TJERR_WARNING as libc_int }
    }

    fn error(&mut self, what: &str) -> Error {
        // SAFETY: valid handle; the string is owned by the instance and copied here.
        let msg = unsafe { std::ffi::CStr::from_ptr(raw::tj3GetErrorStr(self.0)) };
        Error::new(
            ErrorKind::DecodeFailed,
            format!("{what}: {}", msg.to_string_lossy()),
        )
    }
}

#[allow(non_camel_case_types)]
type libc_int = std::os::raw::c_int;

fn internal(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InternalError, msg.into())
}

/// Per-worker libjpeg-turbo state: the instances and every plane buffer, reused across
/// images (a fresh 36 MB buffer costs ~30 ms of page faults on our machines).
#[derive(Default)]
pub struct TurboScratch {
    decoder: Option<Handle>,
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
    handle: Option<Handle>,
    /// The band sample's rows, gathered (Y, then Cb, then Cr).
    gather: Vec<u8>,
    /// Chroma resampled to the requested subsampling.
    convert: Vec<u8>,
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

/// Decode `data` into the scratch planes, DCT-scaled by `1/scale` when the stream allows
/// it (otherwise at full size: see [`Decoded::scale`]).
pub fn decode(
    data: &[u8],
    probe: &Probe,
    limits: &Limits,
    scale: u32,
    pixels: &mut Vec<u8>,
    s: &mut TurboScratch,
) -> Result<Decoded> {
    if probe.format == Format::Jpeg {
        // The same bound as the pure-Rust decoder (3 bytes per full-size pixel), so both
        // builds refuse the same inputs; the planes themselves need at most that.
        crate::decode::check_alloc(u64::from(probe.width) * u64::from(probe.height) * 3, limits)?;
        if let Some(d) = decode_planes(data, scale, s)? {
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
                let (y, cb, cr) = jpeg_encoder::rgb_to_ycbcr(p[0], p[1], p[2]);
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

/// libjpeg-turbo's planar decode; `Ok(None)` when this stream should take the pure-Rust
/// path (colour space or subsampling the planes do not cover, or a fatal libjpeg error).
fn decode_planes(data: &[u8], scale: u32, s: &mut TurboScratch) -> Result<Option<Decoded>> {
    if s.decoder.is_none() {
        s.decoder = Some(Handle::new(raw::TJINIT_TJINIT_DECOMPRESS)?);
    }
    let h = s.decoder.as_mut().expect("decoder");
    h.set(raw::TJPARAM_TJPARAM_SCANLIMIT, 64)?;
    // SAFETY: valid handle and buffer.
    let ok = unsafe { raw::tj3DecompressHeader(h.0, data.as_ptr(), data.len() as raw::size_t) };
    if ok != 0 && !h.warned() {
        return Ok(None);
    }
    let (w, hgt) = (
        h.get(raw::TJPARAM_TJPARAM_JPEGWIDTH),
        h.get(raw::TJPARAM_TJPARAM_JPEGHEIGHT),
    );
    let subsamp = h.get(raw::TJPARAM_TJPARAM_SUBSAMP);
    let colorspace = h.get(raw::TJPARAM_TJPARAM_COLORSPACE);
    let lossless = h.get(raw::TJPARAM_TJPARAM_LOSSLESS) == 1;
    let (ycc, gray) = (
        colorspace as i64 == raw::TJCS_TJCS_YCbCr as i64,
        colorspace as i64 == raw::TJCS_TJCS_GRAY as i64,
    );
    let sub = match subsamp as i64 {
        x if ycc && x == raw::TJSAMP_TJSAMP_420 as i64 => Chroma::Cs420,
        x if ycc && x == raw::TJSAMP_TJSAMP_444 as i64 => Chroma::Cs444,
        x if gray && x == raw::TJSAMP_TJSAMP_GRAY as i64 => Chroma::Cs420,
        _ => return Ok(None),
    };
    if w <= 0 || hgt <= 0 || lossless {
        return Ok(None);
    }
    let grey = subsamp as i64 == raw::TJSAMP_TJSAMP_GRAY as i64;
    let scale = if matches!(scale, 2 | 4 | 8) { scale } else { 1 };
    let sf = raw::tjscalingfactor {
        num: 1,
        denom: scale as libc_int,
    };
    // SAFETY: valid handle.
    if unsafe { raw::tj3SetScalingFactor(h.0, sf) } != 0 {
        return Err(h.error("scaling factor"));
    }
    let (sw, sh) = ((w as u32).div_ceil(scale), (hgt as u32).div_ceil(scale));
    // Plane sizes as libjpeg-turbo lays them out.
    let plane = |c: libc_int| -> (usize, usize) {
        // SAFETY: pure functions of their arguments.
        unsafe {
            (
                raw::tj3YUVPlaneWidth(c, sw as libc_int, subsamp) as usize,
                raw::tj3YUVPlaneHeight(c, sh as libc_int, subsamp) as usize,
            )
        }
    };
    let (yw, yh) = plane(0);
    s.y.clear();
    s.y.resize(yw * yh, 0);
    let (cw, ch) = if grey {
        let (cw, ch) = chroma_size(sw, sh, Chroma::Cs420);
        (cw as usize, ch as usize)
    } else {
        plane(1)
    };
    for v in [&mut s.cb, &mut s.cr] {
        v.clear();
        v.resize(cw * ch, 128);
    }
    if (yw, yh) != (sw as usize, sh as usize) || (cw as u32, ch as u32) != chroma_size(sw, sh, sub)
    {
        return Ok(None);
    }
    let mut planes = [s.y.as_mut_ptr(), s.cb.as_mut_ptr(), s.cr.as_mut_ptr()];
    let mut strides = [yw as libc_int, cw as libc_int, cw as libc_int];
    if grey {
        planes[1] = std::ptr::null_mut();
        planes[2] = std::ptr::null_mut();
    }
    // SAFETY: each plane buffer holds stride × plane height bytes as computed by
    // libjpeg-turbo for this header and scale.
    let res = unsafe {
        raw::tj3DecompressToYUVPlanes8(
            h.0,
            data.as_ptr(),
            data.len() as raw::size_t,
            planes.as_mut_ptr(),
            strides.as_mut_ptr(),
        )
    };
    if res != 0 && !h.warned() {
        return Ok(None);
    }
    let icc = if scale == 1 { icc_profile(h) } else { None };
    Ok(Some(Decoded {
        width: sw,
        height: sh,
        scale,
        sub,
        icc,
    }))
}

fn icc_profile(h: &mut Handle) -> Option<Vec<u8>> {
    let mut buf: *mut u8 = std::ptr::null_mut();
    let mut len: raw::size_t = 0;
    // SAFETY: on success libjpeg-turbo allocates `buf` (freed below with tj3Free).
    let res = unsafe { raw::tj3GetICCProfile(h.0, &mut buf, &mut len) };
    if res != 0 || buf.is_null() {
        return None;
    }
    // SAFETY: `buf` holds `len` bytes.
    let icc = unsafe { std::slice::from_raw_parts(buf, len as usize) }.to_vec();
    // SAFETY: allocated by libjpeg-turbo.
    unsafe { raw::tj3Free(buf.cast()) };
    (!icc.is_empty()).then_some(icc)
}

#[cfg(test)]
mod tests;
