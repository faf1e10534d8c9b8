//! The planar backend on C libjpeg-turbo 3.x (cargo feature `turbo`): the `turbojpeg`
//! crate's raw TurboJPEG API.

use super::*;
use turbojpeg::raw;

/// The decoder's TurboJPEG instance, created on first use.
pub(super) type DecoderState = Option<Handle>;
/// The encoder's TurboJPEG instance, created on first use.
pub(super) type EncoderState = Option<Handle>;

/// An owned TurboJPEG instance.
pub(super) struct Handle(raw::tjhandle);

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

/// libjpeg-turbo's planar decode; `Ok(None)` when this stream should take the pure-Rust
/// path (colour space or subsampling the planes do not cover, or a fatal libjpeg error).
pub(super) fn decode_planes(
    data: &[u8],
    scale: u32,
    s: &mut PlanarScratch,
) -> Result<Option<Decoded>> {
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

pub(super) fn compress(
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
    let cap =
        unsafe { raw::tj3JPEGBufSize(w as libc_int, h as libc_int, subsamp) } as usize + icc_len;
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

/// The input turned upright in the DCT domain (every coefficient kept), with every marker
/// but the ICC profile dropped; `Ok(None)` when the turn is not perfect (a side that is not
/// a whole number of MCUs would lose its edge blocks) or the stream is refused.
pub(super) fn transform_upright(data: &[u8], o: Orientation) -> Result<Option<Vec<u8>>> {
    let op = match o.tag() {
        2 => raw::TJXOP_TJXOP_HFLIP,
        3 => raw::TJXOP_TJXOP_ROT180,
        4 => raw::TJXOP_TJXOP_VFLIP,
        5 => raw::TJXOP_TJXOP_TRANSPOSE,
        6 => raw::TJXOP_TJXOP_ROT90,
        7 => raw::TJXOP_TJXOP_TRANSVERSE,
        8 => raw::TJXOP_TJXOP_ROT270,
        _ => return Ok(None),
    };
    let mut h = Handle::new(raw::TJINIT_TJINIT_TRANSFORM)?;
    // 4: copy no marker but the ICC profile's.
    h.set(raw::TJPARAM_TJPARAM_SAVEMARKERS, 4)?;
    h.set(raw::TJPARAM_TJPARAM_SCANLIMIT, 64)?;
    // SAFETY: an all-zero tjtransform is the "no crop, no callback" transform.
    let mut t: raw::tjtransform = unsafe { std::mem::zeroed() };
    t.op = op as libc_int;
    t.options = raw::TJXOPT_PERFECT as libc_int;
    let mut buf: *mut u8 = std::ptr::null_mut();
    let mut size: raw::size_t = 0;
    // SAFETY: valid handle, input buffer and one transform; libjpeg-turbo allocates the
    // destination (freed below with tj3Free).
    let res = unsafe {
        raw::tj3Transform(
            h.0,
            data.as_ptr(),
            data.len() as raw::size_t,
            1,
            &mut buf,
            &mut size,
            &t,
        )
    };
    let out = if res == 0 && !buf.is_null() {
        // SAFETY: `buf` holds `size` bytes.
        Some(unsafe { std::slice::from_raw_parts(buf, size as usize) }.to_vec())
    } else {
        None
    };
    if !buf.is_null() {
        // SAFETY: allocated by libjpeg-turbo.
        unsafe { raw::tj3Free(buf.cast()) };
    }
    Ok(out)
}
