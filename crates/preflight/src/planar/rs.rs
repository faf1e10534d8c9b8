//! The planar backend of the default build: `libjpeg-turbo-rs`, a pure-Rust port of
//! libjpeg-turbo, through its TurboJPEG-style handle (`tj3::TjHandle`) and its raw-plane
//! encoder. Its decodes and encodes are byte-identical to the C library's on every stream
//! tried here (docs/performance.md).
//!
//! Two differences from the C backend, both measured: its planar decode returns new plane
//! buffers (moved into the scratch, not copied: the scratch keeps no reuse for them), and
//! it is strict, so a truncated stream is refused here and decodes through `crate::decode`
//! (zune-jpeg fills the missing part with grey, as libjpeg-turbo does; the probe reports the
//! truncation either way).

use super::*;
use libjpeg_turbo_rs::tj3::{TjHandle, TjParam};
use libjpeg_turbo_rs::Subsampling;

/// The decoder's handle, created on first use (each image sets every parameter it reads).
pub(super) type DecoderState = Option<TjHandle>;
/// The encoder keeps no state between images.
pub(super) type EncoderState = ();

/// TurboJPEG's codes for the header values read here (`turbojpeg.h`).
const TJSAMP_444: i32 = 0;
const TJSAMP_420: i32 = 2;
const TJSAMP_GRAY: i32 = 3;
const TJCS_YCBCR: i32 = 1;
const TJCS_GRAY: i32 = 2;

/// The planar decode; `Ok(None)` when this stream should take the `crate::decode` path
/// (colour space or subsampling the planes do not cover, a truncated or corrupt stream).
pub(super) fn decode_planes(
    data: &[u8],
    scale: u32,
    s: &mut PlanarScratch,
) -> Result<Option<Decoded>> {
    let h = s.decoder.get_or_insert_with(TjHandle::new);
    let scale = if matches!(scale, 2 | 4 | 8) { scale } else { 1 };
    // The same scan bound as the C backend (a progressive bomb is refused, then decoded
    // by the fallback under its own limits). The header read reassembles the ICC profile
    // only for a full-size decode, the one whose output keeps it (2: every marker, 0: none).
    let markers = if scale == 1 { 2 } else { 0 };
    if h.set(TjParam::ScanLimit, 64).is_err()
        || h.set(TjParam::SaveMarkers, markers).is_err()
        || h.decompress_header(data).is_err()
    {
        return Ok(None);
    }
    let (w, hgt) = (h.get(TjParam::Width), h.get(TjParam::Height));
    let (subsamp, colorspace) = (h.get(TjParam::Subsampling), h.get(TjParam::ColorSpace));
    let (ycc, gray) = (colorspace == TJCS_YCBCR, colorspace == TJCS_GRAY);
    let sub = match subsamp {
        TJSAMP_420 if ycc => Chroma::Cs420,
        TJSAMP_444 if ycc => Chroma::Cs444,
        TJSAMP_GRAY if gray => Chroma::Cs420,
        _ => return Ok(None),
    };
    if w <= 0 || hgt <= 0 || h.get(TjParam::Lossless) == 1 || h.get(TjParam::Precision) != 8 {
        return Ok(None);
    }
    let grey = subsamp == TJSAMP_GRAY;
    if h.set_scaling_factor(1, scale).is_err() {
        return Err(internal(format!("scaling factor 1/{scale}")));
    }
    let Ok((mut planes, pw, ph, _)) = h.decompress_to_yuv_planes(data) else {
        return Ok(None);
    };
    // Read by the header (reassembled from its APP2 chunks) when the decode is full size.
    let icc = h
        .icc_profile()
        .filter(|p| !p.is_empty())
        .map(<[u8]>::to_vec);
    let (sw, sh) = ((w as u32).div_ceil(scale), (hgt as u32).div_ceil(scale));
    let (cw, ch) = chroma_size(sw, sh, sub);
    let (n, nc) = ((sw * sh) as usize, (cw * ch) as usize);
    // Padded planes (an odd side of a 4:2:0 image) take the fallback, as in the C backend.
    let fits = (pw, ph) == (sw as usize, sh as usize)
        && planes.first().is_some_and(|p| p.len() == n)
        && (grey || (planes.len() == 3 && planes[1..].iter().all(|p| p.len() == nc)));
    if !fits {
        return Ok(None);
    }
    if grey {
        for v in [&mut s.cb, &mut s.cr] {
            v.clear();
            v.resize(nc, 128);
        }
    } else {
        s.cr = planes.pop().expect("three planes");
        s.cb = planes.pop().expect("three planes");
    }
    s.y = planes.pop().expect("a luma plane");
    Ok(Some(Decoded {
        width: sw,
        height: sh,
        scale,
        sub,
        icc,
    }))
}

/// Encode Y, Cb, Cr planes (`w × h`, chroma at `chroma`) at `quality` into `out`, with the
/// ICC profile when there is one.
pub(super) fn compress(
    _state: &mut EncoderState,
    planes: [&[u8]; 3],
    (w, h): (u32, u32),
    chroma: Chroma,
    quality: u8,
    icc: Option<&[u8]>,
    out: &mut Vec<u8>,
) -> Result<()> {
    let (cw, ch) = chroma_size(w, h, chroma);
    let (w, h, cw, ch) = (w as usize, h as usize, cw as usize, ch as usize);
    assert!(planes[0].len() >= w * h);
    assert!(planes[1].len() >= cw * ch && planes[2].len() >= cw * ch);
    let subsampling = match chroma {
        Chroma::Cs420 => Subsampling::S420,
        Chroma::Cs444 => Subsampling::S444,
    };
    let jpeg = libjpeg_turbo_rs::compress_raw(
        &[
            &planes[0][..w * h],
            &planes[1][..cw * ch],
            &planes[2][..cw * ch],
        ],
        &[w, cw, cw],
        &[h, ch, ch],
        w,
        h,
        quality.clamp(1, 100),
        subsampling,
    )
    .map_err(|e| internal(format!("JPEG encode: {e}")))?;
    out.clear();
    match icc {
        Some(icc) if !icc.is_empty() => with_icc(&jpeg, icc, out),
        _ => out.extend_from_slice(&jpeg),
    }
    Ok(())
}

/// `jpeg` with `icc` inserted as APP2 `ICC_PROFILE` segments (ICC.1 annex B: chunks of at
/// most 65,519 bytes, numbered from 1) after its JFIF segment, or after SOI when it has
/// none, written to `out`. A profile too long for 255 chunks (> 16 MB) is left out.
fn with_icc(jpeg: &[u8], icc: &[u8], out: &mut Vec<u8>) {
    const CHUNK: usize = 65_519;
    let chunks = icc.len().div_ceil(CHUNK);
    // After SOI, and after an APP0 (JFIF) segment directly behind it.
    let mut at = 2;
    if jpeg.len() >= 6 && jpeg[2..4] == [0xFF, 0xE0] {
        at = 4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    }
    if chunks > 255 || at > jpeg.len() {
        out.extend_from_slice(jpeg);
        return;
    }
    out.reserve(jpeg.len() + icc.len() + 18 * chunks);
    out.extend_from_slice(&jpeg[..at]);
    for (i, chunk) in icc.chunks(CHUNK).enumerate() {
        let len = (2 + 14 + chunk.len()) as u16;
        out.extend_from_slice(&[0xFF, 0xE2]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(b"ICC_PROFILE\0");
        out.extend_from_slice(&[(i + 1) as u8, chunks as u8]);
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&jpeg[at..]);
}

/// The input turned upright in the DCT domain (every coefficient kept), with every marker
/// but the ICC profile dropped; `Ok(None)` when the turn is not perfect (a side that is not
/// a whole number of MCUs would lose its edge blocks) or the stream is refused.
pub(super) fn transform_upright(data: &[u8], o: Orientation) -> Result<Option<Vec<u8>>> {
    use libjpeg_turbo_rs::transform::{MarkerCopyMode, TransformOp, TransformOptions};
    let op = match o.tag() {
        2 => TransformOp::HFlip,
        3 => TransformOp::Rot180,
        4 => TransformOp::VFlip,
        5 => TransformOp::Transpose,
        6 => TransformOp::Rot90,
        7 => TransformOp::Transverse,
        8 => TransformOp::Rot270,
        _ => return Ok(None),
    };
    let options = TransformOptions {
        op,
        perfect: true,
        copy_markers: MarkerCopyMode::IccOnly,
        ..Default::default()
    };
    Ok(libjpeg_turbo_rs::transform_jpeg_with_options(data, &options).ok())
}
