//! Blur: the Crété-Roffet blur effect over a mask.

use super::*;

/// The directions `blur_effect` measures along, as (dx, dy): across, down and both
/// diagonals, so motion blur at any angle lines up with one of them.
pub(super) const BLUR_DIRECTIONS: [(isize, isize); 4] = [(1, 0), (0, 1), (1, 1), (-1, 1)];
/// A pixel counts towards `blur_effect` in a direction when the span of its 9-tap window
/// (|p[+4] − p[−5]|) reaches the window's top-decile span, capped at `BLUR_SPAN_CAP`
/// levels (so a well-lit page counts every real edge) and floored at `BLUR_SPAN_FLOOR`
/// (so flat paper never decides).
const BLUR_SPAN_CAP: u8 = 20;
const BLUR_SPAN_FLOOR: u8 = 4;
const BLUR_TOP_FRACTION: f64 = 0.10;

/// The span threshold of one direction from the histogram of its spans: the top decile's
/// lowest span, capped and floored (see [`BLUR_SPAN_CAP`]).
pub(super) fn span_threshold(hist: &[u32; 256]) -> u8 {
    let n: u32 = hist.iter().sum();
    let want = (f64::from(n) * BLUR_TOP_FRACTION).ceil() as u32;
    let (mut seen, mut t) = (0u32, 255usize);
    while t > 0 {
        seen += hist[t];
        if seen >= want {
            break;
        }
        t -= 1;
    }
    (t as u8).clamp(BLUR_SPAN_FLOOR, BLUR_SPAN_CAP)
}

/// The Crété-Roffet "blur effect" (SPIE 6492, 2007) over the mask, inside its bounding box
/// less a 5 px border: how much of the local variation survives a 9-tap re-blur, measured
/// along four directions (across, down, both diagonals) and the largest taken, so motion
/// blur at any angle counts. 0 = sharp, 1 = flat.
///
/// Only pixels with structure at the window's scale count: a pixel enters a direction's
/// sums when its 9-tap span reaches that direction's threshold (see [`span_threshold`],
/// estimated on every 4th plane row). Without that, sensor noise on flat paper (large
/// steps the re-blur removes) reads as sharpness and hides motion blur. The measure
/// compares the image with itself, so it does not depend on contrast or exposure, and the
/// plane's fixed size makes it independent of the photo's resolution.
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
    // The runs clipped so every tap stays inside the bounding box: (index of the first
    // pixel, length, whether the row is one the span threshold is estimated on).
    let rows: Vec<(usize, usize, bool)> = m
        .runs
        .iter()
        .filter_map(|r| {
            let y = r.y as usize;
            let (xa, xb) = ((r.x0 as usize).max(x0 + 5), (r.x1 as usize).min(x1 - 5));
            // `then`, not `then_some`: the tuple must not be built (xb - xa) for runs
            // that are dropped.
            (y >= y0 + 5 && y < y1 - 5 && xa < xb)
                .then(|| (y * w + xa, xb - xa, y.is_multiple_of(4)))
        })
        .collect();
    let mut result: f64 = 0.0;
    for (dx, dy) in BLUR_DIRECTIONS {
        let d = dy * w as isize + dx;
        let taps = |i: usize, k: usize| {
            let at = |o: isize| &a.luma[(i as isize + o) as usize..][..k];
            (at(0), at(-d), at(4 * d), at(-5 * d))
        };
        let mut hist = [0u32; 256];
        for &(i, k, sampled) in &rows {
            if sampled {
                let (_, _, ahead, behind) = taps(i, k);
                for (p, q) in ahead.iter().zip(behind) {
                    hist[usize::from(p.abs_diff(*q))] += 1;
                }
            }
        }
        let thr = span_threshold(&hist);
        // Σ step and Σ max(9·step − span, 0) (= 9 × Σ max(step − blurred step, 0)) over the
        // counted pixels, in integers.
        let (mut f, mut v) = (0u64, 0u64);
        for &(i, k, _) in &rows {
            let (centre, prev, ahead, behind) = taps(i, k);
            let (mut rf, mut rv) = (0u32, 0u32);
            for j in 0..k {
                let span = u32::from(ahead[j].abs_diff(behind[j]));
                let keep = u32::from(span >= u32::from(thr));
                let step = u32::from(centre[j].abs_diff(prev[j]));
                rf += step * keep;
                rv += (9 * step).saturating_sub(span) * keep;
            }
            f += u64::from(rf);
            v += u64::from(rv);
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
