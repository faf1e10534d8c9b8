//! Stage 4: the analysis plane every check reads.
//!
//! One downscaled copy per image, long side ≤ [`ANALYSIS_LONG_SIDE`], in the upright
//! frame: luma plus the two chroma planes. Built once with `fast_image_resize` from the
//! decoded buffer (no full-size rotated copy is made), then turned upright (cheap at this size).

use crate::decode::{Decoded, Layout};
use crate::error::{Error, ErrorKind, Result};
use crate::orient::Orientation;
use fast_image_resize as fir;

mod blur;
mod glare;
mod hash;
mod mask;
mod stats;

pub use blur::blur_effect;
pub use glare::*;
pub use hash::*;
pub use mask::*;
pub use stats::*;

/// Long side of the analysis plane, in pixels.
pub const ANALYSIS_LONG_SIDE: u32 = 1024;

/// The downscaled, upright planes the checks run on.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Plane width.
    pub width: u32,
    /// Plane height.
    pub height: u32,
    /// Upright image pixels per plane pixel (≥ 1).
    pub scale: f32,
    /// Luma (BT.601), row-major.
    pub luma: Vec<u8>,
    /// Cb, centred on 128.
    pub cb: Vec<u8>,
    /// Cr, centred on 128.
    pub cr: Vec<u8>,
}

impl Analysis {
    /// Luma at `(x, y)`.
    pub fn y(&self, x: u32, y: u32) -> u8 {
        self.luma[(y * self.width + x) as usize]
    }
}

/// The plane size for an image of `w × h`: the long side at most `ANALYSIS_LONG_SIDE`,
/// aspect kept, never upscaled.
pub fn plane_size(w: u32, h: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= ANALYSIS_LONG_SIDE {
        return (w, h);
    }
    let s = f64::from(ANALYSIS_LONG_SIDE) / f64::from(long);
    let pw = ((f64::from(w) * s).round() as u32).max(1);
    let ph = ((f64::from(h) * s).round() as u32).max(1);
    (pw, ph)
}

/// Build the analysis plane from decoded pixels (stored orientation) and the orientation.
pub fn build(
    pixels: &[u8],
    decoded: &Decoded,
    orientation: Orientation,
    resizer: &mut fir::Resizer,
) -> Result<Analysis> {
    let (sw, sh) = (decoded.width, decoded.height);
    let (pw, ph) = plane_size(sw, sh);
    let resized: Vec<u8>;
    let small: &[u8] = if (pw, ph) == (sw, sh) {
        &pixels[..sw as usize * sh as usize * 3]
    } else {
        let src = fir::images::ImageRef::new(sw, sh, pixels, fir::PixelType::U8x3)
            .map_err(|e| Error::new(ErrorKind::InternalError, format!("analysis plane: {e}")))?;
        let mut dst = fir::images::Image::new(pw, ph, fir::PixelType::U8x3);
        let options =
            fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Box));
        resizer
            .resize(&src, &mut dst, &options)
            .map_err(|e| Error::new(ErrorKind::InternalError, format!("analysis plane: {e}")))?;
        resized = dst.into_vec();
        &resized
    };
    // Turn upright and split into planes in one pass.
    let (width, height) = orientation.upright_size(pw, ph);
    let (luma, cb, cr) = match decoded.layout {
        Layout::Ycbcr => split_upright(small, (pw, ph), orientation, |p| (p[0], p[1], p[2])),
        Layout::Rgb => split_upright(small, (pw, ph), orientation, |p| {
            rgb_to_ycbcr(p[0], p[1], p[2])
        }),
    };
    let (uw, _) = orientation.upright_size(sw, sh);
    Ok(Analysis {
        width,
        height,
        scale: uw as f32 / width as f32,
        luma,
        cb,
        cr,
    })
}

/// The upright copy of interleaved 3-byte pixels (`sw × sh`, stored orientation) as three
/// planes, each pixel converted by `convert`.
#[inline(always)]
fn split_upright(
    src: &[u8],
    (sw, sh): (u32, u32),
    o: Orientation,
    convert: impl Fn(&[u8; 3]) -> (u8, u8, u8),
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (uw, uh) = o.upright_size(sw, sh);
    let (uw, n) = (uw as usize, uw as usize * uh as usize);
    let (mut p0, mut p1, mut p2) = (vec![0u8; n], vec![0u8; n], vec![0u8; n]);
    let src = &src[..sw as usize * sh as usize * 3];
    let rows = p0
        .chunks_exact_mut(uw)
        .zip(p1.chunks_exact_mut(uw))
        .zip(p2.chunks_exact_mut(uw));
    for (uy, ((r0, r1), r2)) in rows.enumerate() {
        let walk = o.row(uy as u32, sw, sh);
        if walk.step == 1 {
            let at = walk.start as usize * 3;
            for (((px, v0), v1), v2) in src[at..at + uw * 3]
                .chunks_exact(3)
                .zip(r0.iter_mut())
                .zip(r1.iter_mut())
                .zip(r2.iter_mut())
            {
                (*v0, *v1, *v2) = convert(&[px[0], px[1], px[2]]);
            }
        } else {
            let mut idx = walk.start;
            for ((v0, v1), v2) in r0.iter_mut().zip(r1.iter_mut()).zip(r2.iter_mut()) {
                let at = idx as usize * 3;
                let px: &[u8; 3] = src[at..at + 3].try_into().expect("3 bytes");
                (*v0, *v1, *v2) = convert(px);
                idx += walk.step;
            }
        }
    }
    (p0, p1, p2)
}

/// Mean luma, 0..255.
pub fn brightness(a: &Analysis) -> f64 {
    if a.luma.is_empty() {
        return 0.0;
    }
    sum_u8(&a.luma) as f64 / a.luma.len() as f64
}

/// Variance of the 4-neighbour Laplacian over the plane (the classic focus measure).
pub fn laplacian_variance(a: &Analysis) -> f64 {
    let (w, h) = (a.width as usize, a.height as usize);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let (mut sum, mut sum2, mut n) = (0f64, 0f64, 0u64);
    for y in 1..h - 1 {
        let row = &a.luma[y * w..(y + 1) * w];
        let up = &a.luma[(y - 1) * w + 1..y * w - 1];
        let down = &a.luma[(y + 1) * w + 1..(y + 2) * w - 1];
        let (mut s, mut s2) = (0i64, 0i64);
        // Chunks short enough for 32-bit sums: |l| ≤ 1020, so l² · 1024 < 2³¹.
        let mut x = 0;
        for ((up, down), centre) in up
            .chunks(LAPLACIAN_CHUNK)
            .zip(down.chunks(LAPLACIAN_CHUNK))
            .zip(row[1..w - 1].chunks(LAPLACIAN_CHUNK))
        {
            let k = centre.len();
            let (left, right) = (&row[x..x + k], &row[x + 2..x + 2 + k]);
            let (mut cs, mut cs2) = (0i32, 0i32);
            for i in 0..k {
                // |l| ≤ 1020: 16 bits are enough, and 16-bit lanes vectorise best.
                let l = i16::from(up[i])
                    + i16::from(down[i])
                    + i16::from(left[i])
                    + i16::from(right[i])
                    - 4 * i16::from(centre[i]);
                cs += i32::from(l);
                cs2 += i32::from(l) * i32::from(l);
            }
            s += i64::from(cs);
            s2 += i64::from(cs2);
            x += k;
        }
        sum += s as f64;
        sum2 += s2 as f64;
        n += (w - 2) as u64;
    }
    let mean = sum / n as f64;
    sum2 / n as f64 - mean * mean
}

const LAPLACIAN_CHUNK: usize = 1024;

/// Sum of bytes.
fn sum_u8(v: &[u8]) -> u64 {
    sum_by(v, |v| v)
}

/// Σ f(v) over bytes, with 16-bit partial sums (256 × 255 fits) so the loop vectorises
/// into wide lanes.
#[inline(always)]
fn sum_by(v: &[u8], f: impl Fn(u8) -> u8) -> u64 {
    v.chunks(256)
        .map(|c| u64::from(c.iter().map(|&v| u16::from(f(v))).sum::<u16>()))
        .sum()
}

#[cfg(test)]
mod tests;

/// JFIF's RGB → YCbCr (ITU-R BT.601, full range) in 16-bit fixed point, rounded as
/// libjpeg rounds it.
pub(crate) fn rgb_to_ycbcr(r: u8, g: u8, b: u8) -> (u8, u8, u8) {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    let y = 19595 * r + 38470 * g + 7471 * b;
    let cb = -11059 * r - 21709 * g + 32768 * b + (128 << 16);
    let cr = 32768 * r - 27439 * g - 5329 * b + (128 << 16);
    let px = |v: i32| ((v + 0x7FFF) >> 16).clamp(0, 255) as u8;
    (px(y), px(cb), px(cr))
}
