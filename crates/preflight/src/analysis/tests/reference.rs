//! The pixel-by-pixel implementations this module had before the masks became runs:
//! the new ones must give the same results, bit for bit.
#![allow(clippy::all)]

use super::super::{plane_size, Analysis};
use crate::decode::{Decoded, Layout};
use crate::error::{Error, ErrorKind, Result};
use crate::orient::{upright_copy, Orientation};
use fast_image_resize as fir;

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

/// Which plane pixels belong to a region (the document, or everything else).
#[derive(Debug, Clone, PartialEq)]
pub struct Mask {
    /// One flag per plane pixel.
    pub inside: Vec<bool>,
    /// Number of `true` flags.
    pub count: usize,
    /// Bounding box on the plane: x0, y0, x1, y1 (exclusive).
    pub bbox: (u32, u32, u32, u32),
}

/// The plane pixels inside `quad` (upright image pixels), shrunk toward its centre by
/// `shrink` (a fraction: 0.03 keeps the document's own border out of glare and blur).
pub fn quad_mask(a: &Analysis, quad: &[[f64; 2]; 4], shrink: f64) -> Mask {
    let s = f64::from(a.scale);
    let cx = quad.iter().map(|p| p[0]).sum::<f64>() / 4.0;
    let cy = quad.iter().map(|p| p[1]).sum::<f64>() / 4.0;
    let q: Vec<(f64, f64)> = quad
        .iter()
        .map(|p| {
            (
                (cx + (p[0] - cx) * (1.0 - shrink)) / s,
                (cy + (p[1] - cy) * (1.0 - shrink)) / s,
            )
        })
        .collect();
    let (w, h) = (a.width, a.height);
    let mut inside = vec![false; (w * h) as usize];
    let (mut count, mut x0, mut y0, mut x1, mut y1) = (0, w, h, 0, 0);
    // Sign of the cross product must agree for all four edges.
    for y in 0..h {
        let py = f64::from(y) + 0.5;
        for x in 0..w {
            let px = f64::from(x) + 0.5;
            let mut pos = 0;
            let mut neg = 0;
            for k in 0..4 {
                let (ax, ay) = q[k];
                let (bx, by) = q[(k + 1) % 4];
                let c = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
                if c > 0.0 {
                    pos += 1;
                } else if c < 0.0 {
                    neg += 1;
                }
            }
            if pos == 0 || neg == 0 {
                inside[(y * w + x) as usize] = true;
                count += 1;
                x0 = x0.min(x);
                y0 = y0.min(y);
                x1 = x1.max(x + 1);
                y1 = y1.max(y + 1);
            }
        }
    }
    if count == 0 {
        (x0, y0) = (0, 0);
    }
    Mask {
        inside,
        count,
        bbox: (x0, y0, x1, y1),
    }
}

/// The whole plane as a mask.
pub fn full_mask(a: &Analysis) -> Mask {
    Mask {
        inside: vec![true; a.luma.len()],
        count: a.luma.len(),
        bbox: (0, 0, a.width, a.height),
    }
}

/// The complement of `m`.
pub fn outside(m: &Mask, a: &Analysis) -> Mask {
    let inside: Vec<bool> = m.inside.iter().map(|&v| !v).collect();
    let count = inside.iter().filter(|&&v| v).count();
    Mask {
        inside,
        count,
        bbox: (0, 0, a.width, a.height),
    }
}

/// Mean luma over the mask.
pub fn mean_luma(a: &Analysis, m: &Mask) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let sum: u64 = a
        .luma
        .iter()
        .zip(&m.inside)
        .filter(|(_, &i)| i)
        .map(|(&v, _)| u64::from(v))
        .sum();
    sum as f64 / m.count as f64
}

/// Mean colourfulness (|Cb−128| + |Cr−128|) over the mask.
pub fn mean_chroma(a: &Analysis, m: &Mask) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let mut sum = 0u64;
    for i in 0..a.luma.len() {
        if m.inside[i] {
            sum += u64::from(a.cb[i].abs_diff(128)) + u64::from(a.cr[i].abs_diff(128));
        }
    }
    sum as f64 / m.count as f64
}

/// Fraction of mask pixels at or above `level`.
pub fn fraction_at_least(a: &Analysis, m: &Mask, level: u8) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let n = a
        .luma
        .iter()
        .zip(&m.inside)
        .filter(|(&v, &i)| i && v >= level)
        .count();
    n as f64 / m.count as f64
}

/// `blur_effect` pixel by pixel over the boolean mask (the same definition: four
/// directions, spans counted from every 4th row, integer sums).
pub fn blur_effect(a: &Analysis, m: &Mask) -> f64 {
    let w = a.width as usize;
    let (x0, y0, x1, y1) = (
        m.bbox.0 as usize,
        m.bbox.1 as usize,
        m.bbox.2 as usize,
        m.bbox.3 as usize,
    );
    if x1 < x0 + 12 || y1 < y0 + 12 {
        return 1.0;
    }
    let px = |x: usize, y: usize, dx: isize, dy: isize, n: isize| {
        i32::from(a.luma[(y as isize + n * dy) as usize * w + (x as isize + n * dx) as usize])
    };
    let mut result: f64 = 0.0;
    for (dx, dy) in super::super::blur::BLUR_DIRECTIONS {
        let mut hist = [0u32; 256];
        for y in (y0 + 5..y1 - 5).filter(|y| y.is_multiple_of(4)) {
            for x in x0 + 5..x1 - 5 {
                if m.inside[y * w + x] {
                    hist[(px(x, y, dx, dy, 4) - px(x, y, dx, dy, -5)).unsigned_abs() as usize] += 1;
                }
            }
        }
        let thr = super::super::blur::span_threshold(&hist);
        let (mut f, mut v) = (0u64, 0u64);
        for y in y0 + 5..y1 - 5 {
            for x in x0 + 5..x1 - 5 {
                if !m.inside[y * w + x] {
                    continue;
                }
                let span = (px(x, y, dx, dy, 4) - px(x, y, dx, dy, -5)).unsigned_abs();
                if span < u32::from(thr) {
                    continue;
                }
                let step = (px(x, y, dx, dy, 0) - px(x, y, dx, dy, -1)).unsigned_abs();
                f += u64::from(step);
                v += u64::from((9 * step).saturating_sub(span));
            }
        }
        let b = if f > 0 {
            1.0 - v as f64 / 9.0 / f as f64
        } else {
            1.0
        };
        result = result.max(b);
    }
    result
}
