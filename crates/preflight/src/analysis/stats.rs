//! Statistics of a masked region: mean luma and colourfulness, the share at a level, the
//! luma histogram and its percentiles.

use super::*;

/// Mean luma over the mask.
pub fn mean_luma(a: &Analysis, m: &Mask) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let sum: u64 = m.slices(&a.luma, a.width).map(sum_u8).sum();
    sum as f64 / m.count as f64
}

/// Mean colourfulness (|Cb−128| + |Cr−128|) over the mask.
pub fn mean_chroma(a: &Analysis, m: &Mask) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let colour = |v: &[u8]| sum_by(v, |v| v.abs_diff(128));
    let sum: u64 = m
        .slices(&a.cb, a.width)
        .zip(m.slices(&a.cr, a.width))
        .map(|(cb, cr)| colour(cb) + colour(cr))
        .sum();
    sum as f64 / m.count as f64
}

/// Fraction of mask pixels at or above `level`.
pub fn fraction_at_least(a: &Analysis, m: &Mask, level: u8) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let n: usize = m
        .slices(&a.luma, a.width)
        .map(|v| sum_by(v, |v| u8::from(v >= level)))
        .sum::<u64>() as usize;
    n as f64 / m.count as f64
}

/// The luma histogram of mask `m`'s pixels (bin `v` counts the pixels of luma `v`).
pub fn luma_histogram(a: &Analysis, m: &Mask) -> [u32; 256] {
    let mut hist = [0u32; 256];
    for v in m.slices(&a.luma, a.width) {
        for &x in v {
            hist[usize::from(x)] += 1;
        }
    }
    hist
}

/// The luma below which fraction `p` (0..=1) of the pixels counted in `hist` lie (its bins
/// are lumas from 0; 0 when it counts none).
pub fn histogram_percentile(hist: &[u32], p: f64) -> u8 {
    let n: u32 = hist.iter().sum();
    let want = (f64::from(n) * p.clamp(0.0, 1.0)).ceil().max(1.0) as u32;
    let mut seen = 0u32;
    for (v, &k) in hist.iter().enumerate() {
        seen += k;
        if seen >= want {
            return v as u8;
        }
    }
    0
}
