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

/// Glare: fraction of mask pixels that are saturated (≥ `level`) together with their four
/// neighbours, so isolated bright specks (print highlights, noise) do not count.
pub fn glare_fraction(a: &Analysis, m: &Mask, level: u8) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let (w, h) = (a.width as usize, a.height as usize);
    let mut n = 0usize;
    for r in &m.runs {
        let y = r.y as usize;
        // Border rows and columns have no four neighbours: never glare.
        let (x0, x1) = (
            (r.x0 as usize).max(1),
            (r.x1 as usize).min(w.saturating_sub(1)),
        );
        if y == 0 || y + 1 >= h || x0 >= x1 {
            continue;
        }
        let row = &a.luma[y * w..(y + 1) * w];
        let k = x1 - x0;
        let (up, down) = (
            &a.luma[(y - 1) * w + x0..][..k],
            &a.luma[(y + 1) * w + x0..][..k],
        );
        let (left, centre, right) = (&row[x0 - 1..][..k], &row[x0..][..k], &row[x0 + 1..][..k]);
        let mut i = 0;
        while i < k {
            // 16-bit counts per 256 pixels, so the loop vectorises into wide lanes.
            let end = (i + 256).min(k);
            let mut c = 0u16;
            for j in i..end {
                let v = centre[j].min(left[j]).min(right[j]).min(up[j]).min(down[j]);
                c += u16::from(v >= level);
            }
            n += usize::from(c);
            i = end;
        }
    }
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
