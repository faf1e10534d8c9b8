//! Step 1: the work plane (a small copy of the luma plane), its Sobel gradients and its
//! thin edges.

use super::*;

/// Long side of the working plane.
pub(super) const WORK_LONG_SIDE: u32 = 512;

/// Edge pixels are those whose gradient reaches this fraction of the 85th-percentile
/// gradient of the plane (and a noise floor). Low: a low-contrast side, such as a navy
/// header band on a dark table, must still vote, or paper and folders nearby outvote the
/// card. Weak texture edges that pass are kept out by non-maximum suppression, the Hough
/// vote minimum and the region score. (0.6 missed such sides: 13 of 240 good tuning
/// captures rejected as cut off; 0.25: none, and cut-off recall went up.)
pub(super) const EDGE_THRESHOLD_FRACTION: f32 = 0.25;

/// The working plane: luma, gradients and thin edges.
pub(super) struct Work {
    pub(super) w: usize,
    pub(super) h: usize,
    pub(super) luma: Vec<f32>,
    pub(super) gx: Vec<f32>,
    pub(super) gy: Vec<f32>,
    pub(super) mag: Vec<f32>,
    pub(super) edge: Vec<bool>,
    /// Work-plane pixels per upright image pixel.
    pub(super) to_image: f64,
}

/// The reduction factor and size of a work plane whose long side is at most `long_side`.
pub(super) fn work_size(a: &Analysis, long_side: u32) -> (usize, usize, usize) {
    let factor = (a.width.max(a.height)).div_ceil(long_side).max(1) as usize;
    (
        factor,
        a.width as usize / factor,
        a.height as usize / factor,
    )
}

/// The smallest work plane an outline is looked for on (a smaller side cannot hold a
/// document and its surround; the 3 × 3 filters below also need at least 3 pixels).
pub(super) const MIN_WORK_SIDE: usize = 32;

pub(super) fn work_plane(a: &Analysis, long_side: u32) -> Work {
    let (factor, w, h) = work_size(a, long_side);
    debug_assert!(w >= MIN_WORK_SIDE && h >= MIN_WORK_SIDE);
    let luma = downsample(a, factor, w, h);
    let blurred = binomial_blur(&luma, w, h);
    let (Gradients { gx, gy, mag }, hist) = sobel(&blurred, w, h);
    let thresh = edge_threshold(&hist);
    let edge = thin_edges(&mag, &gx, &gy, (w, h), thresh);
    Work {
        w,
        h,
        luma: blurred,
        gx,
        gy,
        mag,
        edge,
        to_image: f64::from(a.scale) * factor as f64,
    }
}

/// The analysis plane's luma averaged over `factor` x `factor` blocks.
fn downsample(a: &Analysis, factor: usize, w: usize, h: usize) -> Vec<f32> {
    let aw = a.width as usize;
    let mut luma = vec![0f32; w * h];
    let norm = 1.0 / (factor * factor) as f32;
    // Column sums of a block row first (a vectorised add of whole rows), then each block's
    // `factor` columns: the same integer sums in any order.
    let mut cols = vec![0u32; w * factor];
    for (y, out) in luma.chunks_exact_mut(w.max(1)).enumerate().take(h) {
        cols.fill(0);
        for dy in 0..factor {
            let row = &a.luma[(y * factor + dy) * aw..][..w * factor];
            for (c, &px) in cols.iter_mut().zip(row) {
                *c += u32::from(px);
            }
        }
        match factor {
            // The usual factors (a 1024 px plane to the 512 and 256 px work planes): fixed
            // widths the compiler unrolls.
            2 => block_sums::<2>(&cols, out, norm),
            4 => block_sums::<4>(&cols, out, norm),
            _ => {
                for (o, block) in out.iter_mut().zip(cols.chunks_exact(factor)) {
                    *o = block.iter().sum::<u32>() as f32 * norm;
                }
            }
        }
    }
    luma
}

/// `out[x]` = the sum of `cols[F·x .. F·x + F]` times `norm`.
fn block_sums<const F: usize>(cols: &[u32], out: &mut [f32], norm: f32) {
    for (o, block) in out.iter_mut().zip(cols.chunks_exact(F)) {
        let block: &[u32; F] = block.try_into().expect("F columns");
        *o = block.iter().sum::<u32>() as f32 * norm;
    }
}

/// Light blur (3x3 binomial) against sensor noise and JPEG blocking; the border is kept.
fn binomial_blur(luma: &[f32], w: usize, h: usize) -> Vec<f32> {
    let mut blurred = luma.to_vec();
    for y in 1..h.saturating_sub(1) {
        let (up, row, down) = (
            &luma[(y - 1) * w..y * w],
            &luma[y * w..(y + 1) * w],
            &luma[(y + 1) * w..(y + 2) * w],
        );
        let out = &mut blurred[y * w..(y + 1) * w];
        for x in 1..w - 1 {
            out[x] = (4.0 * row[x]
                + 2.0 * (row[x - 1] + row[x + 1] + up[x] + down[x])
                + up[x - 1]
                + up[x + 1]
                + down[x - 1]
                + down[x + 1])
                / 16.0;
        }
    }
    blurred
}

/// Magnitudes never exceed 255·4/8·√2 < 184: a histogram in 1/16 steps finds the
/// percentile without sorting.
const HIST_STEP: f32 = 16.0;

/// The Sobel gradient of every work-plane pixel (0 on the border).
struct Gradients {
    gx: Vec<f32>,
    gy: Vec<f32>,
    mag: Vec<f32>,
}

/// Sobel gradients and the histogram of the magnitudes above 0.5.
fn sobel(blurred: &[f32], w: usize, h: usize) -> (Gradients, Vec<u32>) {
    let (mut gx, mut gy, mut mag) = (vec![0f32; w * h], vec![0f32; w * h], vec![0f32; w * h]);
    let mut hist4 = vec![vec![0u32; (184.0 * HIST_STEP) as usize + 2]; 4];
    let mut bins = vec![0u16; w];
    for y in 1..h.saturating_sub(1) {
        let (up, row, down) = (
            &blurred[(y - 1) * w..y * w],
            &blurred[y * w..(y + 1) * w],
            &blurred[(y + 1) * w..(y + 2) * w],
        );
        let at = y * w + 1..(y + 1) * w - 1;
        let (gxr, gyr, magr) = (&mut gx[at.clone()], &mut gy[at.clone()], &mut mag[at]);
        // Equal-length shifted slices and an index loop with no bounds checks left, so the
        // loop vectorises (the histogram is a second pass).
        let n = w - 2;
        let (u0, u1, u2) = (&up[..n], &up[1..n + 1], &up[2..n + 2]);
        let (r0, r2) = (&row[..n], &row[2..n + 2]);
        let (d0, d1, d2) = (&down[..n], &down[1..n + 1], &down[2..n + 2]);
        let (gxr, gyr, magr) = (&mut gxr[..n], &mut gyr[..n], &mut magr[..n]);
        for k in 0..n {
            let sx = (u2[k] + 2.0 * r2[k] + d2[k]) - (u0[k] + 2.0 * r0[k] + d0[k]);
            let sy = (d0[k] + 2.0 * d1[k] + d2[k]) - (u0[k] + 2.0 * u1[k] + u2[k]);
            let (ex, ey) = (sx / 8.0, sy / 8.0);
            gxr[k] = ex;
            gyr[k] = ey;
            magr[k] = (ex * ex + ey * ey).sqrt();
        }
        // The bins first, in a loop that vectorises (through i32: the magnitudes are
        // finite and below 184, so the bin is the one the f32 → usize conversion gives,
        // which does not vectorise); bin 0 takes the magnitudes ≤ 0.5 and is cleared
        // below. Then four interleaved histograms: runs of equal bins (flat paper) would
        // otherwise wait on their own increments.
        let last = (hist4[0].len() - 1) as i32;
        for (b, &m) in bins[..n].iter_mut().zip(magr.iter()) {
            let bin = ((m * HIST_STEP) as i32).min(last);
            *b = if m > 0.5 { bin as u16 } else { 0 };
        }
        for quad in bins[..n].chunks(4) {
            for (hh, &b) in hist4.iter_mut().zip(quad) {
                hh[usize::from(b)] += 1;
            }
        }
    }
    let mut hist: Vec<u32> = (0..hist4[0].len())
        .map(|b| hist4.iter().map(|hh| hh[b]).sum())
        .collect();
    hist[0] = 0;
    (Gradients { gx, gy, mag }, hist)
}

/// Adaptive threshold: document sides are among the strongest few percent of gradients,
/// but never below a floor that sensor noise reaches.
fn edge_threshold(hist: &[u32]) -> f32 {
    let n: u32 = hist.iter().sum();
    if n == 0 {
        return f32::INFINITY;
    }
    let k = ((f64::from(n) * 0.85) as u32).min(n - 1);
    let (mut seen, mut bin) = (0u32, 0usize);
    for (b, &c) in hist.iter().enumerate() {
        seen += c;
        if seen > k {
            bin = b;
            break;
        }
    }
    (bin as f32 / HIST_STEP * EDGE_THRESHOLD_FRACTION).max(2.5)
}

/// Edge pixels: above `thresh` and a maximum along the gradient direction.
fn thin_edges(
    mag: &[f32],
    gx: &[f32],
    gy: &[f32],
    (w, h): (usize, usize),
    thresh: f32,
) -> Vec<bool> {
    let mut edge = vec![false; w * h];
    for y in 1..h.saturating_sub(1) {
        let (up, row, down) = (
            &mag[(y - 1) * w..y * w],
            &mag[y * w..(y + 1) * w],
            &mag[(y + 1) * w..(y + 2) * w],
        );
        let (gxr, gyr) = (&gx[y * w..(y + 1) * w], &gy[y * w..(y + 1) * w]);
        let out = &mut edge[y * w..(y + 1) * w];
        let rows = [up, row, down];
        for x in 1..w - 1 {
            let m = row[x];
            if m < thresh {
                continue;
            }
            // Non-maximum suppression along the gradient direction, the neighbour at the
            // unit gradient rounded: ±1 where |g·| ≥ m / 2, else 0 (no division). Branch-free:
            // a third of the pixels pass the threshold, in no pattern a predictor learns.
            // Offsets 0, 1, 2 stand for −1, 0, +1: 0 or 2 by the sign where the component
            // is kept, else 1.
            let offset = |g: f32| {
                let keep = (2.0 * g.abs() >= m) as usize;
                1 - keep + keep * 2 * usize::from(g >= 0.0)
            };
            let (ox, oy) = (offset(gxr[x]), offset(gyr[x]));
            let a = rows[oy][x + ox - 1];
            let b = rows[2 - oy][x + 1 - ox];
            out[x] = (m >= a) & (m >= b);
        }
    }
    edge
}
