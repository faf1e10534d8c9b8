//! Stage 4: the analysis plane every check reads.
//!
//! One downscaled copy per image, long side ≤ [`ANALYSIS_LONG_SIDE`], in the upright
//! frame: luma plus the two chroma planes. Built once with `fast_image_resize` from the
//! decoded buffer (no full-size rotated copy is made), then turned upright (cheap at this size).

use crate::decode::{Decoded, Layout};
use crate::error::{Error, ErrorKind, Result};
use crate::orient::{upright_copy, Orientation};
use fast_image_resize as fir;

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
    let small: Vec<u8> = if (pw, ph) == (sw, sh) {
        pixels[..sw as usize * sh as usize * 3].to_vec()
    } else {
        let src = fir::images::ImageRef::new(sw, sh, pixels, fir::PixelType::U8x3)
            .map_err(|e| Error::new(ErrorKind::InternalError, format!("analysis plane: {e}")))?;
        let mut dst = fir::images::Image::new(pw, ph, fir::PixelType::U8x3);
        let options =
            fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Box));
        resizer
            .resize(&src, &mut dst, &options)
            .map_err(|e| Error::new(ErrorKind::InternalError, format!("analysis plane: {e}")))?;
        dst.into_vec()
    };
    let upright = upright_copy(&small, pw, ph, 3, orientation);
    let (width, height) = orientation.upright_size(pw, ph);
    let n = width as usize * height as usize;
    let (mut luma, mut cb, mut cr) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    match decoded.layout {
        Layout::Ycbcr => {
            for px in upright.chunks_exact(3) {
                luma.push(px[0]);
                cb.push(px[1]);
                cr.push(px[2]);
            }
        }
        Layout::Rgb => {
            for px in upright.chunks_exact(3) {
                let (y, u, v) = jpeg_encoder::rgb_to_ycbcr(px[0], px[1], px[2]);
                luma.push(y);
                cb.push(u);
                cr.push(v);
            }
        }
    }
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

/// Mean luma, 0..255.
pub fn brightness(a: &Analysis) -> f64 {
    if a.luma.is_empty() {
        return 0.0;
    }
    a.luma.iter().map(|&v| u64::from(v)).sum::<u64>() as f64 / a.luma.len() as f64
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
        let up = &a.luma[(y - 1) * w..y * w];
        let down = &a.luma[(y + 1) * w..(y + 2) * w];
        let (mut s, mut s2) = (0i64, 0i64);
        for x in 1..w - 1 {
            let l = i64::from(up[x])
                + i64::from(down[x])
                + i64::from(row[x - 1])
                + i64::from(row[x + 1])
                - 4 * i64::from(row[x]);
            s += l;
            s2 += l * l;
        }
        sum += s as f64;
        sum2 += s2 as f64;
        n += (w - 2) as u64;
    }
    let mean = sum / n as f64;
    sum2 / n as f64 - mean * mean
}
