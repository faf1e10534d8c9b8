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
//!   1/8 so the decoded luma is just above the analysis plane's size;
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
/// 15/16 of the analysis plane's (so the plane keeps about the resolution the checks were
/// tuned on); 1 for small images.
pub fn check_scale(w: u32, h: u32) -> u32 {
    let long = w.max(h);
    let need = analysis::ANALYSIS_LONG_SIDE * 15 / 16;
    [8, 4, 2]
        .into_iter()
        .find(|&d| long.div_ceil(d) >= need)
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

/// The analysis plane, built from the decoded planes: luma and chroma box-downscaled one
/// plane at a time (or, when the DCT-scaled decode is already plane-sized, luma taken as it
/// is and 4:2:0 chroma repeated 2×2), then turned upright at that small size with the
/// tiled transpose. `full` is the image's stored size at full resolution.
pub fn analysis_plane(
    d: &Decoded,
    full: (u32, u32),
    orientation: Orientation,
    s: &TurboScratch,
    resizer: &mut fir::Resizer,
) -> Result<Analysis> {
    let (pw, ph) = analysis::plane_size(d.width, d.height);
    let (cw, ch) = chroma_size(d.width, d.height, d.sub);
    let (tw, th) = orientation.upright_size(pw, ph);
    let mut small = |src: &[u8], w: u32, h: u32| -> Result<Vec<u8>> {
        let mut out = Vec::new();
        if (w, h) == (pw, ph) {
            // The DCT-scaled decode is already plane-sized: only the turn is left.
            rotate_plane(src, w, h, orientation, &mut out);
        } else if (w, h) == chroma_size(pw, ph, Chroma::Cs420) {
            // 4:2:0 chroma of a plane-sized decode: repeat each sample 2×2 (what the
            // decoder's own upsampling would do, at a fraction of a resize's cost) and
            // turn. With an even plane the 2×2 blocks turn onto 2×2 blocks, so the quarter-
            // size chroma is turned first and repeated upright (a quarter of the turning).
            if pw % 2 == 0 && ph % 2 == 0 {
                let mut turned = Vec::new();
                rotate_plane(src, w, h, orientation, &mut turned);
                resample_chroma(&turned, (tw, th), Chroma::Cs420, Chroma::Cs444, &mut out);
            } else {
                let mut repeated = Vec::with_capacity(pw as usize * ph as usize);
                resample_chroma(src, (pw, ph), Chroma::Cs420, Chroma::Cs444, &mut repeated);
                rotate_plane(&repeated, pw, ph, orientation, &mut out);
            }
        } else {
            let small = resize_plane(resizer, src, (w, h), (pw, ph), fir::FilterType::Box)?;
            rotate_plane(&small, pw, ph, orientation, &mut out);
        }
        Ok(out)
    };
    let luma = small(&s.y, d.width, d.height)?;
    let cb = small(&s.cb, cw, ch)?;
    let cr = small(&s.cr, cw, ch)?;
    let (uw, _) = orientation.upright_size(full.0, full.1);
    Ok(Analysis {
        width: tw,
        height: th,
        scale: uw as f32 / tw as f32,
        luma,
        cb,
        cr,
    })
}

fn resize_plane(
    resizer: &mut fir::Resizer,
    src: &[u8],
    (w, h): (u32, u32),
    (nw, nh): (u32, u32),
    filter: fir::FilterType,
) -> Result<Vec<u8>> {
    let err = |e: &dyn std::fmt::Display| internal(format!("plane resize: {e}"));
    let from =
        fir::images::ImageRef::new(w, h, &src[..w as usize * h as usize], fir::PixelType::U8)
            .map_err(|e| err(&e))?;
    let mut to = fir::images::Image::new(nw, nh, fir::PixelType::U8);
    let options = fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(filter));
    resizer
        .resize(&from, &mut to, &options)
        .map_err(|e| err(&e))?;
    Ok(to.into_vec())
}

/// Turn the scratch planes upright, in place: each plane is rotated into the spare buffer
/// and swapped in. Returns the upright size.
pub fn rotate(d: &Decoded, o: Orientation, s: &mut TurboScratch) -> (u32, u32) {
    let (w, h) = (d.width, d.height);
    if o != Orientation::UPRIGHT {
        let (cw, ch) = chroma_size(w, h, d.sub);
        let TurboScratch {
            y, cb, cr, spare, ..
        } = s;
        for (plane, pw, ph) in [(y, w, h), (cb, cw, ch), (cr, cw, ch)] {
            rotate_plane(plane, pw, ph, o, spare);
            std::mem::swap(plane, spare);
        }
    }
    o.upright_size(w, h)
}

/// Write the upright copy of the 1-byte-per-pixel plane `src` (`sw × sh`, stored) into
/// `dst`: row copies for tags 1–4, a tiled transpose plus mirrors for tags 5–8.
pub fn rotate_plane(src: &[u8], sw: u32, sh: u32, o: Orientation, dst: &mut Vec<u8>) {
    let (uw, uh) = o.upright_size(sw, sh);
    let (uw, uh) = (uw as usize, uh as usize);
    let src = &src[..sw as usize * sh as usize];
    dst.clear();
    dst.resize(uw * uh, 0);
    if !o.swaps_axes() {
        for uy in 0..uh {
            let walk = o.row(uy as u32, sw, sh);
            let row = &mut dst[uy * uw..(uy + 1) * uw];
            if walk.step == 1 {
                let at = walk.start as usize;
                row.copy_from_slice(&src[at..at + uw]);
            } else {
                let end = walk.start as usize + 1;
                for (d, s) in row.iter_mut().zip(src[end - uw..end].iter().rev()) {
                    *d = *s;
                }
            }
        }
        return;
    }
    // Tags 5–8 are a transpose (upright (x, y) = stored (y, x)), then a mirror of the
    // upright rows (tags 6, 7) and/or of their order (tags 7, 8).
    transpose(src, sw as usize, sh as usize, dst);
    let tag = o.tag();
    if matches!(tag, 6 | 7) {
        for row in dst.chunks_exact_mut(uw) {
            row.reverse();
        }
    }
    if matches!(tag, 7 | 8) {
        for uy in 0..uh / 2 {
            let (top, bottom) = dst.split_at_mut((uh - 1 - uy) * uw);
            top[uy * uw..(uy + 1) * uw].swap_with_slice(&mut bottom[..uw]);
        }
    }
}

/// `dst` (`sh` wide, `sw` high) = the transpose of `src` (`sw` wide, `sh` high): 16×128
/// tiles of 8×8 blocks, each block transposed in eight `u64` registers (measured here on a
/// 3000×4000 plane: ~7 ms, against ~10 ms for byte moves and ~35 ms for the naive loop).
fn transpose(src: &[u8], sw: usize, sh: usize, dst: &mut [u8]) {
    const TILE_H: usize = 16;
    const TILE_W: usize = 128;
    for ty in (0..sh).step_by(TILE_H) {
        let ey = (ty + TILE_H).min(sh);
        for tx in (0..sw).step_by(TILE_W) {
            let ex = (tx + TILE_W).min(sw);
            if !((ey - ty).is_multiple_of(8) && (ex - tx).is_multiple_of(8)) {
                for sy in ty..ey {
                    for sx in tx..ex {
                        dst[sx * sh + sy] = src[sy * sw + sx];
                    }
                }
                continue;
            }
            for by in (ty..ey).step_by(8) {
                for bx in (tx..ex).step_by(8) {
                    let mut r = [0u64; 8];
                    for (i, v) in r.iter_mut().enumerate() {
                        let at = (by + i) * sw + bx;
                        *v = u64::from_le_bytes(src[at..at + 8].try_into().expect("8 bytes"));
                    }
                    transpose8x8(&mut r);
                    for (j, v) in r.iter().enumerate() {
                        let at = (bx + j) * sh + by;
                        dst[at..at + 8].copy_from_slice(&v.to_le_bytes());
                    }
                }
            }
        }
    }
}

/// Transpose an 8×8 byte block held as eight little-endian rows: swap 1×1, 2×2 and 4×4
/// sub-blocks across the diagonal.
fn transpose8x8(r: &mut [u64; 8]) {
    for (shift, mask) in [
        (8u32, 0x00FF_00FF_00FF_00FFu64),
        (16, 0x0000_FFFF_0000_FFFF),
        (32, 0x0000_0000_FFFF_FFFF),
    ] {
        let d = (shift / 8) as usize;
        let mut i = 0;
        while i < 8 {
            for k in i..i + d {
                let (a, b) = (r[k], r[k + d]);
                r[k] = (a & mask) | ((b & mask) << shift);
                r[k + d] = ((a >> shift) & mask) | (b & !mask);
            }
            i += 2 * d;
        }
    }
}

/// Upright planes ready to encode (the scratch's, after [`rotate`]).
pub fn frame<'a>(d: &Decoded, size: (u32, u32), s: &'a TurboScratch) -> Planes<'a> {
    Planes {
        y: &s.y,
        cb: &s.cb,
        cr: &s.cr,
        width: size.0,
        height: size.1,
        sub: d.sub,
        encoder: &s.encoder,
    }
}

/// Upright Y, Cb, Cr planes (chroma at `sub`), encoded by libjpeg-turbo.
pub struct Planes<'a> {
    y: &'a [u8],
    cb: &'a [u8],
    cr: &'a [u8],
    width: u32,
    height: u32,
    sub: Chroma,
    encoder: &'a RefCell<Encoder>,
}

/// Chroma plane `src` (`sw × sh` at `from`) resampled to `to` for an image `w × h`, appended
/// to `out`: a 2×2 mean going down, pixel replication going up.
fn resample_chroma(src: &[u8], (w, h): (u32, u32), from: Chroma, to: Chroma, out: &mut Vec<u8>) {
    let (sw, _) = chroma_size(w, h, from);
    let (tw, th) = chroma_size(w, h, to);
    let sw = sw as usize;
    out.reserve((tw * th) as usize);
    match (from, to) {
        (Chroma::Cs444, Chroma::Cs420) => {
            let (w, h) = (w as usize, h as usize);
            for ty in 0..th as usize {
                let r0 = &src[2 * ty * sw..2 * ty * sw + w];
                let r1 = if 2 * ty + 1 < h {
                    &src[(2 * ty + 1) * sw..(2 * ty + 1) * sw + w]
                } else {
                    r0
                };
                for tx in 0..tw as usize {
                    let x1 = (2 * tx + 1).min(w - 1);
                    let sum = u16::from(r0[2 * tx])
                        + u16::from(r0[x1])
                        + u16::from(r1[2 * tx])
                        + u16::from(r1[x1]);
                    out.push(((sum + 2) / 4) as u8);
                }
            }
        }
        (Chroma::Cs420, Chroma::Cs444) => {
            // Each chroma row makes two output rows (one, for an odd last row): built once,
            // then copied.
            debug_assert!(
                src.len() >= sw * th.div_ceil(2) as usize,
                "short chroma plane"
            );
            for (ty, row) in (0..th as usize).step_by(2).zip(src.chunks_exact(sw)) {
                let start = out.len();
                // Sample pairs, the last cut for an odd width (~3× faster than indexing x / 2).
                out.extend(row[..tw.div_ceil(2) as usize].iter().flat_map(|&v| [v, v]));
                out.truncate(start + tw as usize);
                if ty + 1 < th as usize {
                    out.extend_from_within(start..);
                }
            }
        }
        _ => out.extend_from_slice(&src[..(tw * th) as usize]),
    }
}

impl Planes<'_> {
    fn compress(
        handle: &mut Option<Handle>,
        planes: [&[u8]; 3],
        (w, h): (u32, u32),
        chroma: Chroma,
        quality: u8,
        icc: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        if handle.is_none() {
            *handle = Some(Handle::new(raw::TJINIT_TJINIT_COMPRESS)?);
        }
        let hd = handle.as_mut().expect("encoder");
        // bindgen's enum constants are not the same integer type on every platform.
        #[allow(clippy::unnecessary_cast)]
        let subsamp = match chroma {
            Chroma::Cs420 => raw::TJSAMP_TJSAMP_420,
            Chroma::Cs444 => raw::TJSAMP_TJSAMP_444,
        } as i32;
        let (cw, ch) = chroma_size(w, h, chroma);
        assert!(planes[0].len() >= (w * h) as usize);
        assert!(planes[1].len() >= (cw * ch) as usize && planes[2].len() >= (cw * ch) as usize);
        hd.set(
            raw::TJPARAM_TJPARAM_QUALITY,
            i32::from(quality.clamp(1, 100)),
        )?;
        hd.set(raw::TJPARAM_TJPARAM_SUBSAMP, subsamp)?;
        hd.set(raw::TJPARAM_TJPARAM_NOREALLOC, 1)?;
        let (icc_ptr, icc_len) = match icc {
            Some(b) => (b.as_ptr().cast_mut(), b.len()),
            None => (std::ptr::null_mut(), 0),
        };
        // SAFETY: libjpeg-turbo copies the profile; NULL/0 removes it.
        if unsafe { raw::tj3SetICCProfile(hd.0, icc_ptr, icc_len as raw::size_t) } != 0 {
            return Err(hd.error("ICC profile"));
        }
        // SAFETY: pure function.
        let cap = unsafe { raw::tj3JPEGBufSize(w as libc_int, h as libc_int, subsamp) } as usize
            + icc_len;
        out.clear();
        out.reserve(cap);
        let mut ptr = out.as_mut_ptr();
        let mut size = out.capacity() as raw::size_t;
        let ptrs = [planes[0].as_ptr(), planes[1].as_ptr(), planes[2].as_ptr()];
        let strides = [w as libc_int, cw as libc_int, cw as libc_int];
        // SAFETY: planes hold w×h and cw×ch bytes (asserted); with NOREALLOC the output goes
        // into `out`'s spare capacity of `size` bytes (tj3JPEGBufSize is the worst case).
        let res = unsafe {
            raw::tj3CompressFromYUVPlanes8(
                hd.0,
                ptrs.as_ptr(),
                w as libc_int,
                strides.as_ptr(),
                h as libc_int,
                &mut ptr,
                &mut size,
            )
        };
        if res != 0 {
            return Err(internal(format!(
                "JPEG encode: {}",
                hd.error("libjpeg-turbo")
            )));
        }
        assert!(ptr == out.as_mut_ptr() && size as usize <= out.capacity());
        // SAFETY: libjpeg-turbo wrote `size` bytes into the buffer.
        unsafe { out.set_len(size as usize) };
        Ok(())
    }
}

impl Frame for Planes<'_> {
    fn upright_size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn encode_rows(
        &self,
        rows: Option<&[u32]>,
        quality: u8,
        chroma: Chroma,
        icc: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let mut enc = self.encoder.borrow_mut();
        let Encoder {
            handle,
            gather,
            convert,
        } = &mut *enc;
        let w = self.width as usize;
        let (cw, _) = chroma_size(self.width, self.height, self.sub);
        let cw = cw as usize;
        // The rows to encode: all, or the band sample gathered into one small image.
        let (planes, h): ([&[u8]; 3], u32) = match rows {
            None => ([self.y, self.cb, self.cr], self.height),
            Some(rows) => {
                gather.clear();
                for &r in rows {
                    let r = r as usize;
                    gather.extend_from_slice(&self.y[r * w..(r + 1) * w]);
                }
                let crow = |r: u32| match self.sub {
                    Chroma::Cs420 => r.is_multiple_of(2).then_some(r as usize / 2),
                    Chroma::Cs444 => Some(r as usize),
                };
                let y_len = gather.len();
                for plane in [self.cb, self.cr] {
                    for &r in rows {
                        if let Some(c) = crow(r) {
                            gather.extend_from_slice(&plane[c * cw..(c + 1) * cw]);
                        }
                    }
                }
                let c_len = (gather.len() - y_len) / 2;
                let (y, c) = gather.split_at(y_len);
                let (cb, cr) = c.split_at(c_len);
                ([y, cb, cr], rows.len() as u32)
            }
        };
        let size = (self.width, h);
        if chroma == self.sub {
            return Self::compress(handle, planes, size, chroma, quality, icc, out);
        }
        convert.clear();
        resample_chroma(planes[1], size, self.sub, chroma, convert);
        let n = convert.len();
        resample_chroma(planes[2], size, self.sub, chroma, convert);
        let (cb, cr) = convert.split_at(n);
        Self::compress(handle, [planes[0], cb, cr], size, chroma, quality, icc, out)
    }

    fn header_bytes(&self, chroma: Chroma, icc: Option<&[u8]>, buf: &mut Vec<u8>) -> Result<f64> {
        let flat = [128u8; 64];
        let mut enc = self.encoder.borrow_mut();
        Self::compress(
            &mut enc.handle,
            [&flat, &flat, &flat],
            (8, 8),
            chroma,
            90,
            icc,
            buf,
        )?;
        Ok(buf.len() as f64)
    }

    fn shrunk<'b>(&'b self, s: f64, buf: &'b mut Vec<u8>) -> Result<Box<dyn Frame + 'b>> {
        let nw = ((f64::from(self.width) * s).round() as u32).max(1);
        let nh = ((f64::from(self.height) * s).round() as u32).max(1);
        let (cw, ch) = chroma_size(self.width, self.height, self.sub);
        let (ncw, nch) = chroma_size(nw, nh, self.sub);
        let mut resizer = fir::Resizer::new();
        let lanczos = fir::FilterType::Lanczos3;
        let y = resize_plane(
            &mut resizer,
            self.y,
            (self.width, self.height),
            (nw, nh),
            lanczos,
        )?;
        let cb = resize_plane(&mut resizer, self.cb, (cw, ch), (ncw, nch), lanczos)?;
        let cr = resize_plane(&mut resizer, self.cr, (cw, ch), (ncw, nch), lanczos)?;
        buf.clear();
        buf.extend_from_slice(&y);
        buf.extend_from_slice(&cb);
        buf.extend_from_slice(&cr);
        let (y, c) = buf.split_at(y.len());
        let (cb, cr) = c.split_at(cb.len());
        Ok(Box::new(Planes {
            y,
            cb,
            cr,
            width: nw,
            height: nh,
            sub: self.sub,
            encoder: self.encoder,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orient::upright_copy;

    #[test]
    fn half_size_chroma_is_repeated_then_turned_for_every_orientation() {
        // A plane-sized luma decode with 4:2:0 chroma: the plane's chroma must be the 2×2
        // repeat of the stored chroma, turned upright, for every orientation (odd sizes
        // repeat then turn, even ones turn the small chroma then repeat).
        for (w, h) in [(67u32, 45u32), (68, 46), (68, 45), (2, 8)] {
            repeated_then_turned(w, h);
        }
    }

    fn repeated_then_turned(w: u32, h: u32) {
        let (cw, ch) = chroma_size(w, h, Chroma::Cs420);
        let cb: Vec<u8> = (0..cw * ch).map(|i| (i * 13 % 251) as u8).collect();
        let repeated: Vec<u8> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (y / 2 * cw + x / 2) as usize))
            .map(|i| cb[i])
            .collect();
        let d = Decoded {
            width: w,
            height: h,
            scale: 4,
            sub: Chroma::Cs420,
            icc: None,
        };
        for tag in 1..=8 {
            let o = Orientation::from_exif(tag);
            let s = TurboScratch {
                y: vec![7; (w * h) as usize],
                cb: cb.clone(),
                cr: cb.clone(),
                ..TurboScratch::default()
            };
            let plane =
                analysis_plane(&d, (w * 4, h * 4), o, &s, &mut fir::Resizer::new()).unwrap();
            assert_eq!(
                plane.cb,
                upright_copy(&repeated, w, h, 1, o),
                "{w}x{h} tag {tag}"
            );
            assert_eq!(plane.cr, plane.cb);
            assert_eq!((plane.width, plane.height), o.upright_size(w, h));
        }
    }

    #[test]
    fn plane_rotation_matches_the_orientation_map() {
        for (sw, sh) in [(67u32, 45u32), (136, 72), (200, 131), (1, 9)] {
            let src: Vec<u8> = (0..sw * sh).map(|i| (i * 7 % 251) as u8).collect();
            for tag in 1..=8 {
                let o = Orientation::from_exif(tag);
                let mut dst = Vec::new();
                rotate_plane(&src, sw, sh, o, &mut dst);
                assert_eq!(dst, upright_copy(&src, sw, sh, 1, o), "{sw}x{sh} tag {tag}");
            }
        }
    }

    #[test]
    fn check_scale_keeps_the_plane_near_its_tuned_size() {
        assert_eq!(check_scale(4000, 3000), 4);
        assert_eq!(check_scale(8000, 6000), 8);
        assert_eq!(check_scale(1600, 1200), 1);
        assert_eq!(check_scale(2000, 1500), 2);
    }

    #[test]
    fn chroma_resampling_round_trips_flat_planes() {
        let src = vec![77u8; 5 * 3];
        let mut down = Vec::new();
        resample_chroma(&src, (5, 3), Chroma::Cs444, Chroma::Cs420, &mut down);
        assert_eq!(down, vec![77u8; 3 * 2]);
        let mut up = Vec::new();
        resample_chroma(&down, (5, 3), Chroma::Cs420, Chroma::Cs444, &mut up);
        assert_eq!(up, src);
    }
}
