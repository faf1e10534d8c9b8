//! Step 2b: lines from straight edge chains, for document sides the Hough transform ranks
//! too low.
//!
//! The Hough transform counts a line's votes across the whole frame, so on newspaper, a
//! tiled floor or a window blind the long lines of the background outvote a card's short
//! sides, and a side that is not among the lines cannot be an outline's side. A side is
//! also a *continuous* edge: its edge pixels join into one chain of one direction, while
//! print and texture break into chains a letter long. Here the thin edge pixels are grown
//! into such chains (neighbours whose direction stays within `CHAIN_TOLERANCE` of the
//! chain's, as in the LSD line-segment detector), and every long, straight chain becomes a
//! line, ranked by length, whatever the rest of the frame holds.

use super::*;

/// Lines added from edge chains, at most.
pub(super) const SEGMENT_LINES: usize = 12;
/// A neighbour joins a chain when its gradient direction is this close to the chain's.
const CHAIN_TOLERANCE: f32 = 22.5 * std::f32::consts::PI / 180.0;
/// A chain counts when it is at least this share of the plane's short side long: a card
/// seen from afar has sides of ~0.2 of it.
const MIN_CHAIN: f64 = 0.08;
/// The most a straight chain's pixels stray from its fitted line (RMS, work pixels).
const MAX_SPREAD: f64 = 1.2;

/// The long straight edge chains of `work` as lines, longest first, without those already
/// in `lines` (within 2° and 3 px at the chain's middle).
pub(super) fn add_segment_lines(work: &Work, lines: &mut Vec<Line>) {
    let (w, h) = (work.w, work.h);
    let min_len = MIN_CHAIN * w.min(h) as f64;
    // Every edge pixel's gradient direction as a doubled-angle unit vector (directions are
    // only defined modulo π): a chain's direction is the sum of its pixels' vectors, and a
    // pixel is within the tolerance of it when the cosine of their doubled angle is.
    // (cos 2θ, sin 2θ) of the gradient (gx, gy) is ((gx² − gy²), 2 gx gy) / |g|²: no
    // trigonometry per pixel.
    let doubled: Vec<(f32, f32)> = (0..w * h)
        .map(|i| {
            let (gx, gy) = (work.gx[i], work.gy[i]);
            let m2 = gx * gx + gy * gy;
            if work.edge[i] && m2 > 0.0 {
                ((gx * gx - gy * gy) / m2, 2.0 * gx * gy / m2)
            } else {
                (0.0, 0.0)
            }
        })
        .collect();
    let min_cos = (2.0 * CHAIN_TOLERANCE).cos();
    let mut used = vec![false; w * h];
    let mut chain: Vec<usize> = Vec::new();
    let mut found: Vec<(Line, f64, (f64, f64))> = Vec::new();
    // Chains grow from the strongest edge pixels first (as LSD does), so a chain starts on
    // a real side rather than on texture touching it.
    for seed in strongest_first(&work.mag, &work.edge) {
        if used[seed] {
            continue;
        }
        used[seed] = true;
        chain.clear();
        chain.push(seed);
        let (mut sc, mut ss) = doubled[seed];
        let mut head = 0;
        while head < chain.len() {
            let i = chain[head];
            head += 1;
            let (x, y) = (i % w, i / w);
            let norm = sc.hypot(ss).max(1e-6);
            for (dx, dy) in [
                (-1, -1),
                (0, -1),
                (1, -1),
                (-1, 0),
                (1, 0),
                (-1, 1),
                (0, 1),
                (1, 1),
            ] {
                let (nx, ny) = (x as isize + dx, y as isize + dy);
                if nx < 0 || ny < 0 || nx >= w as isize || ny >= h as isize {
                    continue;
                }
                let j = ny as usize * w + nx as usize;
                if used[j] || !work.edge[j] {
                    continue;
                }
                let (c, s) = doubled[j];
                if (c * sc + s * ss) / norm < min_cos {
                    continue;
                }
                used[j] = true;
                chain.push(j);
                sc += c;
                ss += s;
            }
        }
        if (chain.len() as f64) < min_len {
            continue;
        }
        if let Some(fit) = straight(&chain, w, min_len) {
            found.push(fit);
        }
    }
    // Longest first; ties in position order, so the result does not depend on the sort.
    found.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(a.2 .1.total_cmp(&b.2 .1))
            .then(a.2 .0.total_cmp(&b.2 .0))
    });
    let mut added = 0;
    for (line, _, mid) in found {
        if added == SEGMENT_LINES {
            break;
        }
        let known = lines
            .iter()
            .any(|l| l.border.is_none() && same_line(&line, l, mid));
        if !known {
            lines.push(line);
            added += 1;
        }
    }
}

/// The edge pixels, by gradient magnitude descending, ties by index. One integer key per
/// pixel, the magnitude's bits inverted above the index, sorts without a comparison closure
/// (magnitudes are non-negative, so their bit patterns order as the values do).
pub(super) fn strongest_first(mag: &[f32], edge: &[bool]) -> Vec<usize> {
    let mut keys: Vec<u64> = (0..mag.len())
        .filter(|&i| edge[i])
        .map(|i| (u64::from(!mag[i].to_bits()) << 32) | i as u64)
        .collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|k| (k & 0xffff_ffff) as usize)
        .collect()
}

/// The line through a chain of pixels (total least squares), its length and its middle,
/// when the chain is straight and at least `min_len` long.
fn straight(chain: &[usize], w: usize, min_len: f64) -> Option<(Line, f64, (f64, f64))> {
    let pts: Vec<(f64, f64)> = chain
        .iter()
        .map(|&i| ((i % w) as f64, (i / w) as f64))
        .collect();
    let ((mx, my), dir) = principal_axis(&pts);
    let (ux, uy) = (dir.cos(), dir.sin());
    let (nx, ny) = (-uy, ux);
    let (mut lo, mut hi, mut spread) = (f64::INFINITY, f64::NEG_INFINITY, 0.0);
    for &(x, y) in &pts {
        let along = (x - mx) * ux + (y - my) * uy;
        let across = (x - mx) * nx + (y - my) * ny;
        lo = lo.min(along);
        hi = hi.max(along);
        spread += across * across;
    }
    let len = hi - lo + 1.0;
    if len < min_len || (spread / pts.len() as f64).sqrt() > MAX_SPREAD {
        return None;
    }
    let theta = ny.atan2(nx);
    Some((Line::new(theta, mx * nx + my * ny, None), len, (mx, my)))
}
