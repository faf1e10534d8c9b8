//! The analysis plane from the decoded planes, and the planes turned upright (rotations
//! and a blocked transpose).

use super::*;

/// The analysis plane, built from the decoded planes: luma and chroma box-downscaled one
/// plane at a time (or, when the DCT-scaled decode is already plane-sized, luma taken as it
/// is and 4:2:0 chroma repeated 2×2), then turned upright at that small size with the
/// tiled transpose; chroma a little smaller than the plane is turned first and spread by
/// nearest neighbour. `full` is the image's stored size at full resolution.
pub fn analysis_plane(
    d: &Decoded,
    full: (u32, u32),
    orientation: Orientation,
    s: &PlanarScratch,
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
        } else if w <= pw && h <= ph {
            // Chroma a little smaller than the plane (a 12 MP 4:2:0 photo decoded at 1/2:
            // 1000 × 750 for a 1024 × 768 plane): turned at its own size, then spread by
            // nearest neighbour. The box filter's upscale cost 1.5 ms a plane, 3 of the
            // plane's 5 ms, and moved no verdict or outline on any labelled set.
            let mut turned = Vec::new();
            rotate_plane(src, w, h, orientation, &mut turned);
            nearest(&turned, orientation.upright_size(w, h), (tw, th), &mut out);
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

/// `src` (`sw × sh`) resampled to `tw × th` by nearest neighbour: the source pixel under
/// each target pixel's centre.
fn nearest(src: &[u8], (sw, sh): (u32, u32), (tw, th): (u32, u32), out: &mut Vec<u8>) {
    let at = |t: u32, from: u32, to: u32| {
        ((u64::from(2 * t + 1) * u64::from(from)) / u64::from(2 * to)) as usize
    };
    let xs: Vec<usize> = (0..tw).map(|x| at(x, sw, tw)).collect();
    let sw = sw as usize;
    out.clear();
    out.reserve(tw as usize * th as usize);
    for y in 0..th {
        let row = &src[at(y, sh, th) * sw..][..sw];
        out.extend(xs.iter().map(|&x| row[x]));
    }
}

pub(super) fn resize_plane(
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
pub fn rotate(d: &Decoded, o: Orientation, s: &mut PlanarScratch) -> (u32, u32) {
    let (w, h) = (d.width, d.height);
    if o != Orientation::UPRIGHT {
        let (cw, ch) = chroma_size(w, h, d.sub);
        let PlanarScratch {
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
pub(super) fn transpose(src: &[u8], sw: usize, sh: usize, dst: &mut [u8]) {
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
pub(super) fn transpose8x8(r: &mut [u64; 8]) {
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
