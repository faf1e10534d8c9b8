//! Stage 4b: find the document's outline on the analysis plane.
//!
//! Works on a ≤ 512 px copy of the luma plane (lines also come from a ≤ 256 px copy, where
//! texture that breaks a side's edge is averaged away):
//! 1. Sobel gradients after a light blur; edge pixels are local maxima of the gradient
//!    magnitude across the edge (thin edges) above an adaptive threshold.
//! 2. A Hough transform where each edge pixel votes only near its own gradient direction,
//!    so texture (wood grain, fabric) spreads its votes and straight document sides stand out.
//!    At most a quarter of the lines may come from one 10° direction band, so the parallel
//!    lines of grain, stripes or a checkerboard cannot crowd out the document's other sides.
//! 3. The strongest lines, plus the four frame borders (a side cut off by the frame is the
//!    frame border), are paired into near-parallel opposite sides, and every pair of pairs
//!    makes a candidate quadrilateral.
//! 4. Each candidate is scored on edges: how much of each side is backed by edge pixels whose
//!    gradient is perpendicular to it, whether its sides run on past its corners (a
//!    T-junction: the corner is not a real corner), the contrast polarity of its sides, and
//!    how close its shape is to a document's aspect ratio.
//! 5. The candidates within reach of the best are re-ranked by a region cue on a coarse
//!    colour grid: a document is a patch whose colours differ from the rest of the frame, and
//!    the strip just outside each real side looks like the rest of the outside (it fails for
//!    the lower edge of a header band, whose outside strip is the header). Sides of the
//!    winner are then refitted to their edge pixels (least squares) for sub-pixel corners.

use crate::analysis::Analysis;

/// Long side of the working plane.
const WORK_LONG_SIDE: u32 = 512;

/// Edge pixels are those whose gradient reaches this fraction of the 85th-percentile
/// gradient of the plane (and a noise floor). Low: a low-contrast side, such as a navy
/// header band on a dark table, must still vote, or paper and folders nearby outvote the
/// card. Weak texture edges that pass are kept out by non-maximum suppression, the Hough
/// vote minimum and the region score. (0.6 missed such sides: 13 of 240 good tuning
/// captures rejected as cut off; 0.25: none, and cut-off recall went up.)
const EDGE_THRESHOLD_FRACTION: f32 = 0.25;

/// A found outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// Corners in upright image pixels: top-left, top-right, bottom-right, bottom-left.
    pub quad: [[f64; 2]; 4],
    /// Which sides lie on the frame border (the document continues outside the frame):
    /// left, top, right, bottom of the frame.
    pub cut: [bool; 4],
    /// Mean edge support of the sides that are not frame borders (0..1).
    pub support: f64,
    /// Number of sides that are real document edges (not frame borders).
    pub real_sides: u32,
    /// The outline's ranking score (edge, region and print cues), and the best other
    /// candidate's: the margin says how clear the choice was.
    pub score: f64,
    /// The runner-up's score, when there was another candidate.
    pub runner_up: Option<f64>,
}

/// A line `x·cos θ + y·sin θ = r` on the work plane.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Line {
    theta: f64,
    r: f64,
    /// `Some(frame edge index)` for the four frame borders: 0 left, 1 top, 2 right, 3 bottom.
    border: Option<usize>,
    /// `(cos θ, sin θ)`, kept because candidates intersect the same lines thousands of times.
    n: (f64, f64),
}

impl Line {
    fn new(theta: f64, r: f64, border: Option<usize>) -> Self {
        Line {
            theta,
            r,
            border,
            n: (theta.cos(), theta.sin()),
        }
    }

    fn normal(&self) -> (f64, f64) {
        self.n
    }

    /// Signed distance of `p` from the line (positive on the side its normal points to).
    fn offset(&self, p: (f64, f64)) -> f64 {
        p.0 * self.n.0 + p.1 * self.n.1 - self.r
    }

    fn intersect(&self, o: &Line) -> Option<(f64, f64)> {
        let (a1, b1) = self.normal();
        let (a2, b2) = o.normal();
        let det = a1 * b2 - a2 * b1;
        if det.abs() < 1e-6 {
            return None;
        }
        Some((
            (self.r * b2 - o.r * b1) / det,
            (a1 * o.r - a2 * self.r) / det,
        ))
    }
}

/// A scored quadrilateral: the lines of its four sides (side k runs from corner k to k+1),
/// its corners on the work plane, and each side's edge support.
struct Candidate {
    score: f64,
    ids: [usize; 4],
    corners: [(f64, f64); 4],
    supports: [f64; 4],
    /// The strongest run-on of a side past a corner (0..1, see `Profile::overshoot`).
    worst_overshoot: f64,
}

/// The working plane: luma, gradients and thin edges.
struct Work {
    w: usize,
    h: usize,
    luma: Vec<f32>,
    gx: Vec<f32>,
    gy: Vec<f32>,
    mag: Vec<f32>,
    edge: Vec<bool>,
    /// Work-plane pixels per upright image pixel.
    to_image: f64,
}

/// `x.round()` (half away from zero) without the libm call that `round` compiles to on
/// baseline x86-64 (no SSE4.1): the same value for every |x| < 2^52 except that it may
/// return +0.0 for −0.0, and here every rounded value is a pixel coordinate that is only
/// compared and cast to an integer. The calls were ~4 % of `find`.
#[inline(always)]
fn round64(x: f64) -> f64 {
    let t = x as i64 as f64;
    let d = x - t;
    // Branch-free: the fractional parts of sample positions follow no pattern, and two
    // mispredicted branches per rounding were most of the cost of a line profile.
    t + f64::from(i32::from(d >= 0.5) - i32::from(d <= -0.5))
}

/// `x.floor()` without the libm call (baseline x86-64 has no `roundsd`): exact for
/// |x| < 2^52, which every pixel position here is. Candidate scoring calls it ~10⁵ times.
#[inline(always)]
fn floor64(x: f64) -> f64 {
    let t = x as i64 as f64;
    if t > x {
        t - 1.0
    } else {
        t
    }
}

/// `x.ceil()` without the libm call, exact for |x| < 2^52.
#[inline(always)]
fn ceil64(x: f64) -> f64 {
    let t = x as i64 as f64;
    if t < x {
        t + 1.0
    } else {
        t
    }
}

/// [`round64`] for `f32` (|x| < 2^23).
#[inline(always)]
fn round32(x: f32) -> f32 {
    let t = x as i32 as f32;
    let d = x - t;
    t + (i32::from(d >= 0.5) - i32::from(d <= -0.5)) as f32
}

/// The direction of the gradient `(gx, gy)` folded into `[0, π)`: `atan2` folded, from an
/// octant reduction and a degree-11 odd polynomial (error < 1e-5 rad, against half-degree
/// Hough bins) instead of the libm call, which was ~5 % of `find`.
#[inline(always)]
fn gradient_angle(gy: f32, gx: f32) -> f32 {
    use std::f32::consts::{FRAC_PI_2, PI};
    let (ax, ay) = (gx.abs(), gy.abs());
    let (lo, hi) = (ax.min(ay), ax.max(ay));
    if hi == 0.0 {
        return 0.0;
    }
    let z = lo / hi;
    let z2 = z * z;
    let mut t = z
        * (0.999_977_26
            + z2 * (-0.332_623_47
                + z2 * (0.193_543_46
                    + z2 * (-0.116_432_87 + z2 * (0.052_653_32 + z2 * -0.011_721_2)))));
    if ay > ax {
        t = FRAC_PI_2 - t;
    }
    // t is the angle of (|gx|, |gy|); fold the sign quadrants into [0, π).
    if (gx < 0.0) != (gy < 0.0) {
        t = PI - t;
    }
    if t >= PI {
        t -= PI;
    }
    t
}

/// The reduction factor and size of a work plane whose long side is at most `long_side`.
fn work_size(a: &Analysis, long_side: u32) -> (usize, usize, usize) {
    let factor = (a.width.max(a.height)).div_ceil(long_side).max(1) as usize;
    (
        factor,
        a.width as usize / factor,
        a.height as usize / factor,
    )
}

/// The smallest work plane an outline is looked for on (a smaller side cannot hold a
/// document and its surround; the 3 × 3 filters below also need at least 3 pixels).
const MIN_WORK_SIDE: usize = 32;

fn work_plane(a: &Analysis, long_side: u32) -> Work {
    let aw = a.width as usize;
    let (factor, w, h) = work_size(a, long_side);
    debug_assert!(w >= MIN_WORK_SIDE && h >= MIN_WORK_SIDE);
    let mut luma = vec![0f32; w * h];
    let norm = 1.0 / (factor * factor) as f32;
    let mut sums = vec![0u32; w];
    for (y, out) in luma.chunks_exact_mut(w.max(1)).enumerate().take(h) {
        sums.fill(0);
        for dy in 0..factor {
            let row = &a.luma[(y * factor + dy) * aw..][..w * factor];
            if factor == 2 {
                // The usual case (a 1024 px plane): a fixed-width pair the compiler unrolls.
                for (s, px) in sums.iter_mut().zip(row.chunks_exact(2)) {
                    *s += u32::from(px[0]) + u32::from(px[1]);
                }
            } else {
                for (s, px) in sums.iter_mut().zip(row.chunks_exact(factor)) {
                    *s += px.iter().map(|&v| u32::from(v)).sum::<u32>();
                }
            }
        }
        for (o, s) in out.iter_mut().zip(&sums) {
            *o = *s as f32 * norm;
        }
    }
    // Light blur (3x3 binomial) against sensor noise and JPEG blocking.
    let mut blurred = luma.clone();
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
    let (mut gx, mut gy, mut mag) = (vec![0f32; w * h], vec![0f32; w * h], vec![0f32; w * h]);
    // Magnitudes never exceed 255·4/8·√2 < 184: a histogram in 1/16 steps finds the
    // percentile without sorting.
    const HIST_STEP: f32 = 16.0;
    let mut hist4 = vec![vec![0u32; (184.0 * HIST_STEP) as usize + 2]; 4];
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
        // Four interleaved histograms: runs of equal bins (flat paper) would otherwise
        // wait on their own increments.
        let last = hist4[0].len() - 1;
        for quad in magr.chunks(4) {
            for (hh, &m) in hist4.iter_mut().zip(quad) {
                if m > 0.5 {
                    hh[((m * HIST_STEP) as usize).min(last)] += 1;
                }
            }
        }
    }
    let hist: Vec<u32> = (0..hist4[0].len())
        .map(|b| hist4.iter().map(|hh| hh[b]).sum())
        .collect();
    // Adaptive threshold: document sides are among the strongest few percent of gradients,
    // but never below a floor that sensor noise reaches.
    let n: u32 = hist.iter().sum();
    let thresh = if n == 0 {
        f32::INFINITY
    } else {
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
    };
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

const THETA_STEPS: usize = 360; // 0.5 degree

/// Hough lines, strongest first. Each edge pixel votes within ±6° of its gradient direction.
fn hough(work: &Work, max_lines: usize) -> Vec<(Line, u32)> {
    let (w, h) = (work.w, work.h);
    let diag = ((w * w + h * h) as f64).sqrt().ceil() as usize;
    let rbins = 2 * diag + 1;
    // u16 cells: a cell counts the edge pixels of one 1 px wide strip across the ≤ 512 px
    // plane (< 2 000), and the halved accumulator (0.9 MB) stays in cache far better; the
    // votes' increments were the single hottest instruction of `find`.
    let mut acc = vec![0u16; THETA_STEPS * rbins];
    // ±6° in half-degree steps.
    const SPREAD: usize = 12;
    // Direction table indexed by t + SPREAD for t in −SPREAD..THETA_STEPS + SPREAD, so the
    // vote loop needs no wrap-around arithmetic: (bin row, cos, sin) of the wrapped angle.
    let table: Vec<(usize, f32, f32)> = (0..THETA_STEPS + 2 * SPREAD + 1)
        .map(|k| {
            let t = (k as isize - SPREAD as isize).rem_euclid(THETA_STEPS as isize) as usize;
            let th = t as f64 * std::f64::consts::PI / THETA_STEPS as f64;
            (t * rbins, th.cos() as f32, th.sin() as f32)
        })
        .collect();
    // r + diag + 0.5 is never negative, so truncation rounds.
    let offset = diag as f32 + 0.5;
    let to_step = THETA_STEPS as f32 / std::f32::consts::PI;
    // Edge pixels grouped by their direction bin, then voted group by group: a group's votes
    // land in 25 neighbouring theta rows (≈ 64 KB) that stay in cache, where voting in raster
    // order walked the whole 0.9 MB accumulator. Counts are the same in any order.
    let mut count = vec![0u32; THETA_STEPS + 2];
    let mut order: Vec<(u16, u16, u16)> = Vec::new();
    for y in 0..h {
        let edges = &work.edge[y * w..(y + 1) * w];
        for (x, _) in edges.iter().enumerate().filter(|(_, &e)| e) {
            let i = y * w + x;
            let th = gradient_angle(work.gy[i], work.gx[i]);
            let t0 = (round32(th * to_step) as usize).min(THETA_STEPS);
            count[t0 + 1] += 1;
            order.push((t0 as u16, x as u16, y as u16));
        }
    }
    for t in 1..count.len() {
        count[t] += count[t - 1];
    }
    let mut sorted = vec![(0f32, 0f32); order.len()];
    for &(t0, x, y) in &order {
        let slot = &mut count[usize::from(t0)];
        sorted[*slot as usize] = (f32::from(x), f32::from(y));
        *slot += 1;
    }
    // count[t] is now the end of group t (the start of group t + 1). A pixel's 25 votes go
    // to 25 different rows, so they never wait on each other (voting a row at a time for
    // the whole group was slower: neighbouring pixels hit the same cell back to back).
    let mut start = 0usize;
    for t0 in 0..=THETA_STEPS {
        let end = count[t0] as usize;
        let dirs = &table[t0..=t0 + 2 * SPREAD];
        for &(xf, yf) in &sorted[start..end] {
            for &(row, c, s) in dirs {
                // Through i32: one conversion instead of the saturating f32 → usize one.
                let rb = (xf * c + yf * s + offset) as i32 as usize;
                acc[row + rb] += 1;
            }
        }
        start = end;
    }
    // Peaks: local maxima in a (±4°, ±5 px) window, above a minimum length.
    let min_votes = (0.10 * w.min(h) as f64) as u16;
    let mut peaks = Vec::new();
    // Nearly every cell is below the minimum: a block of them is passed over on one
    // vector maximum (the scalar test per cell was ~8 % of `find`).
    const BLOCK: usize = 16;
    let cells = (0..THETA_STEPS).flat_map(|t| {
        let row = &acc[t * rbins..(t + 1) * rbins];
        row.chunks(BLOCK)
            .enumerate()
            .filter(|(_, block)| block.iter().fold(0, |m, &v| m.max(v)) >= min_votes)
            .flat_map(move |(b, _)| (b * BLOCK).max(1)..((b + 1) * BLOCK).min(rbins - 1))
            .map(move |rb| (t, rb))
    });
    for (t, rb) in cells {
        let v = acc[t * rbins + rb];
        if v < min_votes {
            continue;
        }
        let mut is_max = true;
        'win: for dt in -4isize..=4 {
            let tt = (t as isize + dt).rem_euclid(THETA_STEPS as isize) as usize;
            // Wrapping theta by π flips the sign of r.
            let wrapped = (t as isize + dt) < 0 || (t as isize + dt) >= THETA_STEPS as isize;
            for dr in -3isize..=3 {
                let r = rb as isize - diag as isize + dr;
                let r = if wrapped { -r } else { r };
                let rr = r + diag as isize;
                if rr < 0 || rr >= rbins as isize || (dt == 0 && dr == 0) {
                    continue;
                }
                let o = acc[tt * rbins + rr as usize];
                if o > v || (o == v && (tt, rr as usize) < (t, rb)) {
                    is_max = false;
                    break 'win;
                }
            }
        }
        if is_max {
            let theta = t as f64 * std::f64::consts::PI / THETA_STEPS as f64;
            peaks.push((
                Line::new(theta, rb as f64 - diag as f64, None),
                u32::from(v),
            ));
        }
    }
    peaks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.theta.total_cmp(&b.0.theta)));
    // At most a quarter of the lines from one 10° direction band, so the parallel lines of
    // wood grain, stripes or a checkerboard cannot crowd out the document's other sides.
    let mut per_band = [0usize; 18];
    let cap = max_lines.div_ceil(4);
    peaks.retain(|(l, _)| {
        let band = ((l.theta / std::f64::consts::PI * 18.0) as usize).min(17);
        per_band[band] += 1;
        per_band[band] <= cap
    });
    peaks.truncate(max_lines);
    peaks
}

/// Angle between two line directions, 0..π/2.
fn angle_between(a: &Line, b: &Line) -> f64 {
    let d = (a.theta - b.theta).abs() % std::f64::consts::PI;
    d.min(std::f64::consts::PI - d)
}

/// Edge evidence along one whole line, sampled every pixel, as prefix sums, so the support of
/// any stretch of it is two lookups. Built once per Hough line; every candidate side, corner
/// continuation and border reach is then O(1), which keeps cluttered scenes (thousands of
/// candidate quadrilaterals) cheap.
struct Profile {
    /// Line parameter of sample 0 (position along the line direction).
    s0: f64,
    /// Prefix count of samples backed by a perpendicular edge within ±2 px.
    hit: Vec<u32>,
    /// Prefix count of samples inside the frame.
    inframe: Vec<u32>,
    /// Prefix sum of the luma step across the line (+normal side minus −normal side).
    step: Vec<f64>,
    /// Prefix count of samples where the step could be measured.
    step_n: Vec<u32>,
    /// Unit normal and direction.
    n: (f64, f64),
    u: (f64, f64),
    r: f64,
}

impl Profile {
    fn new(work: &Work, line: &Line) -> Self {
        let n = line.normal();
        let u = (-n.1, n.0);
        let diag = (work.w as f64).hypot(work.h as f64).ceil();
        let s0 = -diag;
        let count = (2.0 * diag) as usize + 1;
        let mut inframe = Vec::with_capacity(count + 1);
        inframe.push(0);
        let (mut hit, mut step, mut step_n) = (
            Vec::with_capacity(count + 1),
            Vec::with_capacity(count + 1),
            Vec::with_capacity(count + 1),
        );
        hit.push(0);
        step.push(0.0);
        step_n.push(0);
        let inside = |x: f64, y: f64| {
            x >= 1.0 && y >= 1.0 && x < (work.w - 1) as f64 && y < (work.h - 1) as f64
        };
        // Only samples within 6 px of the frame can see an edge or a luma step (the step
        // samples lie 4 px off the line); the rest add nothing to the prefix sums, so the
        // loop runs over the line's stretch through the frame only.
        let (mut ka, mut kb) = (0.0f64, (count - 1) as f64);
        for (c, d, hi) in [
            (line.r * n.0, u.0, work.w as f64),
            (line.r * n.1, u.1, work.h as f64),
        ] {
            let (lo, hi) = (-6.0, hi + 6.0);
            if d.abs() < 1e-12 {
                if c < lo || c > hi {
                    kb = -1.0;
                }
                continue;
            }
            let (a, b) = ((lo - c) / d - s0, (hi - c) / d - s0);
            ka = ka.max(a.min(b).floor());
            kb = kb.min(a.max(b).ceil());
        }
        let (ka, kb) = (ka.max(0.0) as usize, kb.max(-1.0));
        let live = if kb < ka as f64 {
            0..0
        } else {
            ka..(kb as usize + 1).min(count)
        };
        for k in 0..count {
            if !live.contains(&k) {
                inframe.push(inframe[k]);
                hit.push(hit[k]);
                step.push(step[k]);
                step_n.push(step_n[k]);
                continue;
            }
            let s = s0 + k as f64;
            let (cx, cy) = (line.r * n.0 + s * u.0, line.r * n.1 + s * u.1);
            let mut found = false;
            inframe.push(inframe[k] + u32::from(inside(cx, cy)));
            if inside(cx, cy) {
                for o in -2i32..=2 {
                    let x = round64(cx + n.0 * f64::from(o));
                    let y = round64(cy + n.1 * f64::from(o));
                    if !inside(x, y) {
                        continue;
                    }
                    let i = y as usize * work.w + x as usize;
                    if work.edge[i] {
                        let along = (f64::from(work.gx[i]) * u.0 + f64::from(work.gy[i]) * u.1)
                            .abs()
                            / f64::from(work.mag[i]);
                        if along < 0.35 {
                            found = true;
                            break;
                        }
                    }
                }
            }
            let (px, py) = (round64(cx + n.0 * 4.0), round64(cy + n.1 * 4.0));
            let (mx, my) = (round64(cx - n.0 * 4.0), round64(cy - n.1 * 4.0));
            let (mut ds, mut dn) = (0.0, 0);
            if inside(px, py) && inside(mx, my) {
                ds = f64::from(work.luma[py as usize * work.w + px as usize])
                    - f64::from(work.luma[my as usize * work.w + mx as usize]);
                dn = 1;
            }
            hit.push(hit[k] + u32::from(found));
            step.push(step[k] + ds);
            step_n.push(step_n[k] + dn);
        }
        Profile {
            s0,
            hit,
            inframe,
            step,
            step_n,
            n,
            u,
            r: line.r,
        }
    }

    /// Position of a point along the line.
    fn pos(&self, p: (f64, f64)) -> f64 {
        p.0 * self.u.0 + p.1 * self.u.1
    }

    /// Sample index range for positions [a, b] (a ≤ b), clamped.
    fn range(&self, a: f64, b: f64) -> (usize, usize) {
        let last = self.hit.len() - 1;
        let i = (ceil64(a - self.s0).max(0.0) as usize).min(last);
        let j = ((floor64(b - self.s0) + 1.0).max(0.0) as usize).min(last);
        (i, j.max(i))
    }

    /// Share of positions [a, b] backed by edges (positions off the line count as unbacked).
    fn support(&self, a: f64, b: f64) -> f64 {
        let (a, b) = (a.min(b), a.max(b));
        let nominal = floor64(b - a) + 1.0;
        if nominal < 1.0 {
            return 0.0;
        }
        let (i, j) = self.range(a, b);
        f64::from(self.hit[j] - self.hit[i]) / nominal
    }

    /// Mean luma step across [a, b] from the side of `centre` to the other side.
    fn step_toward(&self, a: f64, b: f64, centre: (f64, f64)) -> f64 {
        let (i, j) = self.range(a.min(b), a.max(b));
        let n = self.step_n[j] - self.step_n[i];
        if n == 0 {
            return 0.0;
        }
        let mean = (self.step[j] - self.step[i]) / f64::from(n);
        let side = centre.0 * self.n.0 + centre.1 * self.n.1 - self.r;
        if side >= 0.0 {
            mean
        } else {
            -mean
        }
    }

    /// Support of side p→q without its ends (rounded corners, corner shadows), and its step.
    fn side(&self, p: (f64, f64), q: (f64, f64), centre: (f64, f64)) -> (f64, f64) {
        let (sp, sq) = (self.pos(p), self.pos(q));
        let (lo, hi) = (sp.min(sq), sp.max(sq));
        let trim = 0.06 * (hi - lo);
        if hi - lo < 4.0 {
            return (0.0, 0.0);
        }
        (
            self.support(lo + trim, hi - trim),
            self.step_toward(lo + trim, hi - trim, centre),
        )
    }

    /// Support on the continuation of side p→q beyond q, for `frac` of its length.
    /// Only the part inside the frame counts: a side whose line runs on to the frame border
    /// a few pixels past the corner (the corner is a T-junction just inside the frame) scores
    /// as high as one that runs on for the whole stretch.
    fn overshoot(&self, p: (f64, f64), q: (f64, f64), frac: f64) -> f64 {
        let (sp, sq) = (self.pos(p), self.pos(q));
        let ext = ((sq - sp).abs() * frac).max(6.0);
        let (a, b) = if sq >= sp {
            (sq + 2.0, sq + 2.0 + ext)
        } else {
            (sq - 2.0 - ext, sq - 2.0)
        };
        let (i, j) = self.range(a, b);
        let n = self.inframe[j] - self.inframe[i];
        if n < 4 {
            return 0.0;
        }
        f64::from(self.hit[j] - self.hit[i]) / f64::from(n)
    }

    /// Support on the last stretch (85 %..99 %) of side `from`→`to`.
    fn near_end(&self, from: (f64, f64), to: (f64, f64)) -> f64 {
        let (sf, st) = (self.pos(from), self.pos(to));
        self.support(sf + (st - sf) * 0.85, sf + (st - sf) * 0.99)
    }
}

fn polygon_area(q: &[(f64, f64); 4]) -> f64 {
    let mut a = 0.0;
    for i in 0..4 {
        let (x1, y1) = q[i];
        let (x2, y2) = q[(i + 1) % 4];
        a += x1 * y2 - x2 * y1;
    }
    a.abs() / 2.0
}

fn is_convex(q: &[(f64, f64); 4]) -> bool {
    let mut sign = 0.0;
    for i in 0..4 {
        let (a, b, c) = (q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        let cross = (b.0 - a.0) * (c.1 - b.1) - (b.1 - a.1) * (c.0 - b.0);
        if cross.abs() < 1e-9 {
            return false;
        }
        if sign == 0.0 {
            sign = cross.signum();
        } else if cross.signum() != sign {
            return false;
        }
    }
    true
}

/// Interior angles within `max_dev` radians of 90°.
fn angles_ok(q: &[(f64, f64); 4], max_dev: f64) -> bool {
    // |angle − 90°| ≤ max_dev ⇔ cos² ≤ sin²(max_dev). The squared test decides all but a
    // sliver around the limit without a square root or acos; that sliver takes the exact path.
    let limit = max_dev.sin().powi(2);
    (0..4).all(|i| {
        let (a, b, c) = (q[(i + 3) % 4], q[i], q[(i + 1) % 4]);
        let (v1, v2) = ((a.0 - b.0, a.1 - b.1), (c.0 - b.0, c.1 - b.1));
        let dot = v1.0 * v2.0 + v1.1 * v2.1;
        let norms = (v1.0 * v1.0 + v1.1 * v1.1) * (v2.0 * v2.0 + v2.1 * v2.1);
        let cos2 = dot * dot / norms;
        if norms > 1e-6 {
            if cos2 < limit * (1.0 - 1e-6) {
                return true;
            }
            if cos2 > limit * (1.0 + 1e-6) {
                return false;
            }
        }
        let cos = dot / ((v1.0.hypot(v1.1)) * (v2.0.hypot(v2.1))).max(1e-9);
        (cos.clamp(-1.0, 1.0).acos() - std::f64::consts::FRAC_PI_2).abs() <= max_dev
    })
}

/// Order 4 points as top-left, top-right, bottom-right, bottom-left (by angle around the
/// centroid, starting from the one nearest the top-left).
fn order(pts: [(f64, f64); 4]) -> [(f64, f64); 4] {
    let cx = pts.iter().map(|p| p.0).sum::<f64>() / 4.0;
    let cy = pts.iter().map(|p| p.1).sum::<f64>() / 4.0;
    let mut v = pts.to_vec();
    v.sort_by(|a, b| {
        (a.1 - cy)
            .atan2(a.0 - cx)
            .total_cmp(&(b.1 - cy).atan2(b.0 - cx))
    });
    // atan2 order from -π: starts around the left/top-left going clockwise in image coords.
    let start = (0..4)
        .min_by(|&i, &j| (v[i].0 + v[i].1).total_cmp(&(v[j].0 + v[j].1)))
        .unwrap_or(0);
    [
        v[start],
        v[(start + 1) % 4],
        v[(start + 2) % 4],
        v[(start + 3) % 4],
    ]
}

/// Refit a side's line to the edge pixels within ±3 px of the segment with a gradient
/// perpendicular to it (total least squares). Returns the original line when too few.
fn refit(work: &Work, line: &Line, p: (f64, f64), q: (f64, f64)) -> Line {
    let (dx, dy) = (q.0 - p.0, q.1 - p.1);
    let len = dx.hypot(dy);
    if len < 8.0 || line.border.is_some() {
        return *line;
    }
    let (ux, uy) = (dx / len, dy / len);
    let (nx, ny) = (-uy, ux);
    let mut pts = Vec::new();
    let steps = len.ceil() as usize;
    for s in 0..steps {
        let t = 0.08 + 0.84 * s as f64 / steps as f64;
        let (cx, cy) = (p.0 + dx * t, p.1 + dy * t);
        let mut best: Option<(f64, usize)> = None;
        for o in -3i32..=3 {
            let x = round64(cx + nx * f64::from(o));
            let y = round64(cy + ny * f64::from(o));
            if x < 1.0 || y < 1.0 || x >= (work.w - 1) as f64 || y >= (work.h - 1) as f64 {
                continue;
            }
            let i = y as usize * work.w + x as usize;
            let m = f64::from(work.mag[i]);
            if work.edge[i]
                && (f64::from(work.gx[i]) * ux + f64::from(work.gy[i]) * uy).abs() / m < 0.35
                && best.is_none_or(|(bm, _)| m > bm)
            {
                best = Some((m, i));
            }
        }
        if let Some((_, i)) = best {
            // Sub-pixel position along the gradient (parabolic fit of the magnitude).
            let (x, y) = ((i % work.w) as f64, (i / work.w) as f64);
            let (gxn, gyn) = (f64::from(work.gx[i]), f64::from(work.gy[i]));
            let gm = gxn.hypot(gyn);
            let (sx, sy) = (round64(gxn / gm) as isize, round64(gyn / gm) as isize);
            let at = |k: isize| {
                let xx = (x as isize + sx * k) as usize;
                let yy = (y as isize + sy * k) as usize;
                f64::from(work.mag[yy * work.w + xx])
            };
            let (a, b, c) = (at(-1), at(0), at(1));
            let denom = a - 2.0 * b + c;
            let off = if denom.abs() > 1e-9 {
                (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
            } else {
                0.0
            };
            let norm = ((sx * sx + sy * sy) as f64).sqrt().max(1.0);
            pts.push((x + off * sx as f64 / norm, y + off * sy as f64 / norm));
        }
    }
    if pts.len() < 8 {
        return *line;
    }
    let n = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in &pts {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
        syy += (y - my) * (y - my);
    }
    // Normal = eigenvector of the smaller eigenvalue of the scatter matrix.
    let theta_dir = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let mut theta = theta_dir + std::f64::consts::FRAC_PI_2;
    let mut r = mx * theta.cos() + my * theta.sin();
    if r < 0.0 {
        r = -r;
        theta += std::f64::consts::PI;
    }
    let theta = theta.rem_euclid(2.0 * std::f64::consts::PI);
    // Accept only a small correction.
    let refitted = Line::new(theta, r, None);
    if angle_between(&refitted, line) > 3f64.to_radians() {
        return *line;
    }
    refitted
}

/// Lines taken from the work plane's Hough transform.
const FINE_LINES: usize = 48;
/// Lines taken from the half-size plane's. On the fine plane a side whose edge is broken
/// (a newspaper or printed cloth behind the card crosses it, a shadow softens it) splits
/// its votes among texture lines and can miss the cut; averaging 2 × 2 blocks more smooths
/// the texture away before it votes, while a document side, tens of pixels long, stays.
const COARSE_LINES: usize = 24;

/// Adds the strongest lines of the half-size plane that no fine line already gives (within
/// 2° and 3 fine pixels at the frame centre), mapped onto the fine plane.
fn add_coarse_lines(a: &Analysis, lines: &mut Vec<Line>, (w, h): (f64, f64)) {
    let (fine, _, _) = work_size(a, WORK_LONG_SIDE);
    let (coarse, cw, ch) = work_size(a, WORK_LONG_SIDE / 2);
    if coarse == fine || cw < MIN_WORK_SIDE || ch < MIN_WORK_SIDE {
        return;
    }
    let ratio = coarse as f64 / fine as f64;
    let centre = (w / 2.0, h / 2.0);
    let fine_count = lines.len();
    for (l, _) in hough(&work_plane(a, WORK_LONG_SIDE / 2), COARSE_LINES) {
        // A coarse pixel's centre x maps to ratio·x + (ratio − 1)/2 on the fine plane.
        let mapped = Line::new(
            l.theta,
            ratio * l.r + (ratio - 1.0) / 2.0 * (l.n.0 + l.n.1),
            None,
        );
        let d = mapped.offset(centre);
        let known = lines[..fine_count].iter().any(|f| {
            // Hough gives one line as (θ, r) or, near θ = 0 ≡ π, as (θ ± π, −r): the normals
            // then point opposite ways and the centre offsets have opposite signs. Comparing
            // d with −e only in that case keeps a parallel line mirrored about the frame
            // centre (the far side of a centred card) from counting as known.
            let e = f.offset(centre);
            let same_way = f.n.0 * mapped.n.0 + f.n.1 * mapped.n.1 >= 0.0;
            let gap = if same_way { d - e } else { d + e };
            angle_between(f, &mapped) <= 2f64.to_radians() && gap.abs() <= 3.0
        });
        if !known {
            lines.push(mapped);
        }
    }
}

/// The long/short ratios a document outline may have: ID-3 passport pages and ID-1 cards.
/// Both are always allowed, since callers often do not know which document they hold.
pub const DOCUMENT_ASPECTS: [f64; 2] = [125.0 / 88.0, 85.60 / 53.98];

/// Find the document outline. `aspects` are the long/short ratios to prefer (empty: any).
pub fn find(a: &Analysis, aspects: &[f64]) -> Option<Outline> {
    // Checked before the plane is built: its filters index ±1 pixel and a plane one or two
    // pixels wide has no interior (a 1 × 3000 image panicked here).
    let (_, ww, wh) = work_size(a, WORK_LONG_SIDE);
    if ww < MIN_WORK_SIDE || wh < MIN_WORK_SIDE {
        return None;
    }
    let work = work_plane(a, WORK_LONG_SIDE);
    let (w, h) = (work.w as f64, work.h as f64);
    let mut lines: Vec<Line> = hough(&work, FINE_LINES)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    add_coarse_lines(a, &mut lines, (w, h));
    let borders = [
        Line::new(0.0, 0.0, Some(0)),
        Line::new(std::f64::consts::FRAC_PI_2, 0.0, Some(1)),
        Line::new(0.0, w - 1.0, Some(2)),
        Line::new(std::f64::consts::FRAC_PI_2, h - 1.0, Some(3)),
    ];
    lines.extend(borders);
    let profiles: Vec<Option<Profile>> = lines
        .iter()
        .map(|l| l.border.is_none().then(|| Profile::new(&work, l)))
        .collect();

    // Opposite-side pairs: near-parallel (≤ 25°), apart by ≥ 8 % of the short side.
    let min_gap = 0.08 * w.min(h);
    let mut pairs = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a1, b1) = (&lines[i], &lines[j]);
            if a1.border.is_some() && b1.border.is_some() {
                continue; // two borders never make a pair: the whole frame is not a document
            }
            if angle_between(a1, b1) > 25f64.to_radians() {
                continue;
            }
            // Distance between the lines at the frame centre.
            let c = (w / 2.0, h / 2.0);
            let (d1, d2) = (a1.offset(c), b1.offset(c));
            if (d1 - d2).abs() < min_gap && (d1 + d2).abs() < min_gap {
                continue;
            }
            pairs.push((i, j));
        }
    }

    let frame_area = w * h;
    let mut candidates: Vec<Candidate> = Vec::new();
    // Every pair of lines is met thousands of times below (a cluttered desk gives ~400
    // pairs, ~90 000 combinations): their angle and crossing are computed once here.
    let nl = lines.len();
    let mut angle = vec![0.0; nl * nl];
    let mut cross = vec![None; nl * nl];
    for i in 0..nl {
        for j in 0..nl {
            angle[i * nl + j] = angle_between(&lines[i], &lines[j]);
            cross[i * nl + j] = lines[i].intersect(&lines[j]);
        }
    }
    let min_cross = 55f64.to_radians();
    // (real sides / 4)^¼ for 0..=4 real sides.
    let real_weight: [f64; 5] = std::array::from_fn(|k| (k as f64 / 4.0).powf(0.25));
    let tol = 0.02 * w.max(h);
    for (pi, &(a1, a2)) in pairs.iter().enumerate() {
        for &(b1, b2) in &pairs[pi + 1..] {
            if [b1, b2].contains(&a1) || [b1, b2].contains(&a2) {
                continue;
            }
            if angle[a1 * nl + b1] < min_cross {
                continue;
            }
            let n_border = [a1, a2, b1, b2]
                .iter()
                .filter(|&&k| lines[k].border.is_some())
                .count();
            if n_border > 2 {
                continue;
            }
            let (Some(c0), Some(c1), Some(c2), Some(c3)) = (
                cross[a1 * nl + b1],
                cross[b1 * nl + a2],
                cross[a2 * nl + b2],
                cross[b2 * nl + a1],
            ) else {
                continue;
            };
            let raw = [c0, c1, c2, c3];
            // Corners must be inside the frame (a little tolerance).
            if raw
                .iter()
                .any(|&(x, y)| x < -tol || y < -tol || x > w - 1.0 + tol || y > h - 1.0 + tol)
            {
                continue;
            }
            if !is_convex(&raw) {
                continue;
            }
            let area = polygon_area(&raw);
            if area < 0.01 * frame_area || area > 0.995 * frame_area {
                continue;
            }
            if !angles_ok(&raw, 35f64.to_radians()) {
                continue;
            }
            let centre = (
                raw.iter().map(|p| p.0).sum::<f64>() / 4.0,
                raw.iter().map(|p| p.1).sum::<f64>() / 4.0,
            );
            // Sides in corner order: side k runs corner k → k+1 and lies on line `ids[k]`.
            let ids = [b1, a2, b2, a1];
            let mut supports = [0.0; 4];
            let mut steps = [0.0; 4];
            let mut real = 0;
            let mut sum = 0.0;
            for k in 0..4 {
                if lines[ids[k]].border.is_some() {
                    continue;
                }
                let prof = profiles[ids[k]].as_ref().expect("real lines have profiles");
                let (s, st) = prof.side(raw[k], raw[(k + 1) % 4], centre);
                supports[k] = s;
                steps[k] = st;
                real += 1;
                sum += s;
            }
            if real < 2 {
                continue;
            }
            let mean = sum / real as f64;
            let min_support = (0..4)
                .filter(|&k| lines[ids[k]].border.is_none())
                .map(|k| supports[k])
                .fold(1.0, f64::min);
            if min_support < 0.3 {
                continue;
            }
            // Contrast polarity: a document's sides step the same way against its surround.
            let signs: Vec<f64> = (0..4)
                .filter(|&k| lines[ids[k]].border.is_none())
                .map(|k| steps[k])
                .collect();
            // Weak steps (a dark band against a dark table) are neutral; a strong step the
            // other way means the candidate mixes the document with something else.
            let same = !(signs.iter().any(|&s| s > 25.0) && signs.iter().any(|&s| s < -25.0));
            // Shape prior for fully visible quads.
            let shape_pen = if n_border == 0 && !aspects.is_empty() {
                let s1 = (dist(raw[0], raw[1]) + dist(raw[2], raw[3])) / 2.0;
                let s2 = (dist(raw[1], raw[2]) + dist(raw[3], raw[0])) / 2.0;
                let ratio = s1.max(s2) / s1.min(s2).max(1e-9);
                let off = aspects
                    .iter()
                    .map(|t| (ratio / t).ln().abs())
                    .fold(f64::INFINITY, f64::min);
                (off - 0.10).max(0.0) * 3.0
            } else {
                0.0
            };
            // What the frame shows of a cut document must fit inside a document: with one
            // side on the border, the side facing it is a whole document side and the
            // visible depth is at most the other side; with two opposite sides on the
            // border, the visible length is at most the long side for the depth shown. A
            // band across the frame (a table edge, a stripe) fits no document.
            if n_border > 0 && !plausible_cut(&raw, ids.map(|i| lines[i].border.is_some()), aspects)
            {
                continue;
            }
            // A side on the frame border is only believable when the document's neighbouring
            // sides really run up to that border.
            let mut reaches = true;
            for k in 0..4 {
                if lines[ids[k]].border.is_some() {
                    continue;
                }
                let (p, q) = (raw[k], raw[(k + 1) % 4]);
                let prof = profiles[ids[k]].as_ref().expect("real lines have profiles");
                let near = |from, to| prof.near_end(from, to);
                if lines[ids[(k + 1) % 4]].border.is_some()
                    && near(p, q) < 0.6 * supports[k].min(0.85)
                {
                    reaches = false;
                }
                if lines[ids[(k + 3) % 4]].border.is_some()
                    && near(q, p) < 0.6 * supports[k].min(0.85)
                {
                    reaches = false;
                }
            }
            if !reaches {
                continue;
            }
            // T-junction test at both ends of every real side.
            let (mut over, mut worst) = (0.0, 0.0f64);
            let mut ends = 0;
            for k in 0..4 {
                if lines[ids[k]].border.is_some() {
                    continue;
                }
                let (p, q) = (raw[k], raw[(k + 1) % 4]);
                let prof = profiles[ids[k]].as_ref().expect("real lines have profiles");
                let (o1, o2) = (prof.overshoot(p, q, 0.12), prof.overshoot(q, p, 0.12));
                over += o1 + o2;
                worst = worst.max(o1).max(o2);
                ends += 2;
            }
            let over = over / f64::from(ends.max(1));
            // A side on the frame border is a claim that the document is cut off: it must be
            // earned, so it costs more than a real side that is merely weaker.
            let score =
                mean * real_weight[real] - 0.12 * n_border as f64 - 0.8 * over - 0.3 * worst
                    + 0.4 * (area / frame_area).sqrt()
                    + if same { 0.15 } else { 0.0 }
                    - shape_pen;
            candidates.push(Candidate {
                score,
                ids,
                corners: raw,
                supports,
                worst_overshoot: worst,
            });
        }
    }
    // Re-rank the strongest outlines by the region cue: a document is a patch whose colours
    // differ from what surrounds it. A quad of table (two grain lines and the frame) or half
    // a patterned cloth looks like its surroundings and drops back.
    // Only outlines the region term (at most REGION_WEIGHT) could lift to the top are
    // worth reading it for (dropped before sorting: the same survivors, in the same order).
    let best = candidates.iter().map(|c| c.score).max_by(f64::total_cmp);
    let floor = best.map_or(0.0, |b| b - REGION_WEIGHT - DOCUMENT_BONUS);
    candidates.retain(|c| c.score >= floor);
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    candidates.truncate(RERANK);
    let grid = ColourGrid::new(a, work.to_image / f64::from(a.scale));
    let ink = Ink::new(&work);
    let (score, runner_up);
    let Candidate {
        ids,
        corners: raw,
        supports,
        ..
    } = {
        let mut ranked: Vec<Ranked> = candidates
            .into_iter()
            .map(|c| {
                let real = c.ids.map(|i| lines[i].border.is_none());
                let sep = grid.region(&c.corners, real);
                let content = ink.content(&c.corners);
                let nb = real.iter().filter(|r| !**r).count();
                // A closed outline with an ID's shape and print inside is the strongest
                // evidence there is; a cut outline rests on the frame border and must beat it.
                let shaped = nb == 0
                    && content >= DOCUMENT_INK
                    && aspect_off(&c.corners, aspects) <= DOCUMENT_ASPECT_TOLERANCE;
                Ranked {
                    total: c.score + REGION_WEIGHT * sep - INK_WEIGHT * (1.0 - content),
                    edge: c.score,
                    sep,
                    shaped,
                    c,
                }
            })
            .collect();
        // A side of `r` lies along a real side of `o`: both its ends within `tol` of that
        // side's line.
        let shares_side = |r: &Ranked, o: &Ranked| {
            (0..4).any(|k| {
                let (p, q) = (r.c.corners[k], r.c.corners[(k + 1) % 4]);
                o.c.ids.iter().any(|&i| {
                    let l = &lines[i];
                    l.border.is_none() && [p, q].iter().all(|&p| l.offset(p).abs() <= tol)
                })
            })
        };
        // The bonus goes to a shaped outline unless another outline is clearly better on
        // both physical cues at once, stronger edges and a stronger colour step to its
        // surroundings: a patch of a patterned table or cloth has print-like edges and a
        // card's shape, but the real document beside it (even cut by the frame) stands out.
        // Nor when it is a block of an outline that contains it (`CONTAINER_*`, `BLOCK_*`).
        let contains =
            |o: &Ranked, r: &Ranked| r.c.corners.iter().all(|&p| inside(&o.c.corners, p));
        let dominated = |r: &Ranked, all: &[Ranked]| {
            all.iter().any(|o| {
                (o.edge >= r.edge + DOMINANCE_EDGE && o.sep >= r.sep + DOMINANCE_SEPARATION)
                    || (o.edge >= r.edge + CONTAINER_EDGE
                        && o.sep >= r.sep + CONTAINER_SEPARATION
                        && contains(o, r))
                    || (r.c.worst_overshoot >= BLOCK_OVERSHOOT
                        && o.sep >= r.sep + BLOCK_SEPARATION
                        && o.c.ids.iter().any(|&i| lines[i].border.is_some())
                        && shares_side(r, o)
                        && contains(o, r))
            })
        };
        // Nor when it hugs the frame: a whole document seen with background around it is
        // what the bonus rewards; an outline within `DOCUMENT_MARGIN` of the frame is as
        // likely a block of a document that fills the frame (a tight crop) or the frame's
        // own edge.
        let (mx, my) = (DOCUMENT_MARGIN * w, DOCUMENT_MARGIN * h);
        let hugs_frame = |r: &Ranked| {
            r.c.corners
                .iter()
                .any(|&(x, y)| x < mx || y < my || x > w - 1.0 - mx || y > h - 1.0 - my)
        };
        let bonus: Vec<bool> = ranked
            .iter()
            .map(|r| r.shaped && !hugs_frame(r) && !dominated(r, &ranked))
            .collect();
        for (r, b) in ranked.iter_mut().zip(bonus) {
            if b {
                r.total += DOCUMENT_BONUS;
            }
        }
        ranked.sort_by(|x, y| y.total.total_cmp(&x.total));
        runner_up = ranked.get(1).map(|r| r.total);
        let best = ranked.into_iter().next()?;
        score = best.total;
        best.c
    };
    // Refit each real side, then intersect neighbouring sides again.
    let refined: Vec<Line> = (0..4)
        .map(|k| refit(&work, &lines[ids[k]], raw[k], raw[(k + 1) % 4]))
        .collect();
    let mut quad = raw;
    for k in 0..4 {
        // Corner k is where side k-1 meets side k.
        if let Some(p) = refined[(k + 3) % 4].intersect(&refined[k]) {
            if dist(p, raw[k]) < 0.05 * w.max(h) {
                quad[k] = p;
            }
        }
    }

    let ordered = order(quad);
    let scale = work.to_image;
    let mut cut = [false; 4];
    let mut real_sides = 0;
    let mut sum = 0.0;
    for k in 0..4 {
        match lines[ids[k]].border {
            Some(b) => cut[b] = true,
            None => {
                real_sides += 1;
                sum += supports[k];
            }
        }
    }
    let to_img = |p: (f64, f64)| [(p.0 + 0.5) * scale, (p.1 + 0.5) * scale];
    // A corner beyond the frame is a cut side too, though no side lies on the border (the
    // quad leaves the frame across a corner): 0.2 % of the frame is past rounding.
    let (fw, fh) = (
        f64::from(a.width) * f64::from(a.scale),
        f64::from(a.height) * f64::from(a.scale),
    );
    for p in ordered.map(to_img) {
        cut[0] |= p[0] < -0.002 * fw;
        cut[1] |= p[1] < -0.002 * fh;
        cut[2] |= p[0] > fw * 1.002;
        cut[3] |= p[1] > fh * 1.002;
    }
    Some(Outline {
        quad: [
            to_img(ordered[0]),
            to_img(ordered[1]),
            to_img(ordered[2]),
            to_img(ordered[3]),
        ],
        cut,
        support: sum / f64::from(real_sides.max(1)),
        real_sides,
        score,
        runner_up,
    })
}

/// Whether a quad with sides on the frame border (`border[k]` for side k, which runs from
/// corner k to k + 1) can be the visible part of a document of one of `aspects` (any
/// aspect up to the largest, with 15 % tolerance for perspective). Corner cuts (two
/// adjacent border sides) show two partial sides and are always plausible.
fn plausible_cut(q: &[(f64, f64); 4], border: [bool; 4], aspects: &[f64]) -> bool {
    let max_aspect = aspects.iter().copied().fold(DOCUMENT_ASPECTS[1], f64::max) * 1.15;
    let len = |k: usize| dist(q[k], q[(k + 1) % 4]);
    let on: Vec<usize> = (0..4).filter(|&k| border[k]).collect();
    match on.as_slice() {
        [b] => {
            let whole = len((b + 2) % 4);
            let depth = (len((b + 1) % 4) + len((b + 3) % 4)) / 2.0;
            depth <= max_aspect * whole
        }
        [b1, b2] if b2 - b1 == 2 => {
            let visible = (len((b1 + 1) % 4) + len((b1 + 3) % 4)) / 2.0;
            let depth = (len(*b1) + len(*b2)) / 2.0;
            visible <= max_aspect * depth
        }
        _ => true,
    }
}

/// How far (|ln| of the ratio) a quad's long/short ratio is from the nearest of `aspects`
/// (infinite when there are none).
fn aspect_off(q: &[(f64, f64); 4], aspects: &[f64]) -> f64 {
    let s1 = (dist(q[0], q[1]) + dist(q[2], q[3])) / 2.0;
    let s2 = (dist(q[1], q[2]) + dist(q[3], q[0])) / 2.0;
    let ratio = s1.max(s2) / s1.min(s2).max(1e-9);
    aspects
        .iter()
        .map(|t| (ratio / t).ln().abs())
        .fold(f64::INFINITY, f64::min)
}

/// A re-ranked outline: its total score, the cues behind it, whether it has a document's
/// shape and print.
struct Ranked {
    total: f64,
    edge: f64,
    sep: f64,
    shaped: bool,
    c: Candidate,
}

/// How many of the best edge-scored outlines the region and content cues re-rank.
const RERANK: usize = 1024;
/// Weight of the blank share of a quad (1 − the content cue) against the edge score.
const INK_WEIGHT: f64 = 2.0;
/// What a closed outline earns when it has a document's shape (within
/// `DOCUMENT_ASPECT_TOLERANCE`, |ln| of the ratio) and print over `DOCUMENT_INK` of it.
const DOCUMENT_BONUS: f64 = 1.0;
const DOCUMENT_ASPECT_TOLERANCE: f64 = 0.08;
/// An outline is clearly better than another when its edge score is this much higher and
/// its region separation (0..1) this much higher too.
const DOMINANCE_EDGE: f64 = 0.2;
const DOMINANCE_SEPARATION: f64 = 0.5;
/// Nor one inside another outline that has clearly stronger edges and a somewhat stronger
/// colour step: the shaped outline is then a block of the document (its portrait, a
/// printed panel), not the document. The containment is the physical reason the
/// separation margin can be smaller than `DOMINANCE_SEPARATION`.
const CONTAINER_EDGE: f64 = 0.3;
const CONTAINER_SEPARATION: f64 = 0.1;
/// Nor a block of a document the frame cuts off: an outline inside a cut outline, lying
/// along one of its sides, with a side that runs on past one of its own corners (at least
/// `BLOCK_OVERSHOOT` of the stretch past it is edge) and a colour step to its surroundings
/// `BLOCK_SEPARATION` weaker. A panel of the card between its header band, its portrait
/// and the card's own edges is such a block; a card on a sheet of paper lies along no side
/// of the paper, and a passport's data page inside its whole booklet is inside no cut one.
const BLOCK_OVERSHOOT: f64 = 0.95;
const BLOCK_SEPARATION: f64 = 0.3;
/// A closed outline nearer the frame than this share of the frame's width (height) earns
/// no bonus.
const DOCUMENT_MARGIN: f64 = 0.02;
const DOCUMENT_INK: f64 = 0.7;
/// Weight of the region separation (0..1) against the edge score.
const REGION_WEIGHT: f64 = 1.5;
/// Weight of the outside-strip penalty inside the region cue.
const STRIP_WEIGHT: f64 = 0.5;
/// Long side of the colour grid the region cue reads.
const GRID_LONG_SIDE: u32 = 96;
/// Colour bins: 8 luma × 5 Cb × 5 Cr.
const BINS: usize = 8 * 5 * 5;

/// A coarse grid of quantised colours (one bin index per cell), point-sampled from the
/// analysis plane, with the whole-frame histogram.
struct ColourGrid {
    w: usize,
    h: usize,
    bins: Vec<u8>,
    total: [u32; BINS],
    /// Grid cells per work-plane pixel.
    from_work: f64,
}

impl ColourGrid {
    fn new(a: &Analysis, work_to_plane: f64) -> Self {
        let step = a.width.max(a.height).div_ceil(GRID_LONG_SIDE).max(1) as usize;
        let (aw, ah) = (a.width as usize, a.height as usize);
        let (w, h) = (aw / step, ah / step);
        let chroma_bin = |c: u8| ((i32::from(c) - 128 + 30) / 12).clamp(0, 4) as usize;
        let mut bins = Vec::with_capacity(w * h);
        let mut total = [0u32; BINS];
        for y in 0..h {
            let row = (y * step + step / 2) * aw;
            for x in 0..w {
                let i = row + x * step + step / 2;
                let b = (usize::from(a.luma[i]) >> 5) * 25
                    + chroma_bin(a.cb[i]) * 5
                    + chroma_bin(a.cr[i]);
                bins.push(b as u8);
                total[b] += 1;
            }
        }
        ColourGrid {
            w,
            h,
            bins,
            total,
            from_work: work_to_plane / step as f64,
        }
    }

    /// The region cue for a quad (work-plane corners; side k runs from corner k to k + 1
    /// and `real[k]` says it is a document edge rather than the frame border):
    /// 1. separation: 1 − Bhattacharyya coefficient between the colours inside the quad
    ///    and those of the rest of the frame (0.5, neutral, when either is too small);
    /// 2. minus a penalty when the strip just outside a real side does not look like the
    ///    rest of the outside: that side is a line inside the document (the lower edge of
    ///    a dark header band), not its edge.
    fn region(&self, corners: &[(f64, f64); 4], real: [bool; 4]) -> f64 {
        let q: Vec<(f64, f64)> = corners
            .iter()
            .map(|p| ((p.0 + 0.5) * self.from_work, (p.1 + 0.5) * self.from_work))
            .collect();
        let mut inside = [0u32; BINS];
        let mut n_in = 0u32;
        for y in 0..self.h {
            let py = y as f64 + 0.5;
            // The convex quad's span on this row.
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for k in 0..4 {
                let (a, b) = (q[k], q[(k + 1) % 4]);
                if (a.1 <= py && b.1 > py) || (b.1 <= py && a.1 > py) {
                    let x = a.0 + (py - a.1) * (b.0 - a.0) / (b.1 - a.1);
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
            if lo > hi {
                continue;
            }
            let x0 = ceil64(lo - 0.5).max(0.0) as usize;
            let x1 = (floor64(hi - 0.5) + 1.0).clamp(0.0, self.w as f64) as usize;
            for &b in &self.bins[y * self.w + x0.min(x1)..y * self.w + x1] {
                inside[usize::from(b)] += 1;
                n_in += 1;
            }
        }
        let n = (self.w * self.h) as u32;
        let n_out = n - n_in;
        if n_in < 32 || n_out < n / 20 {
            return 0.5;
        }
        let mut outside = [0.0; BINS];
        for (o, (&t, &i)) in outside.iter_mut().zip(self.total.iter().zip(&inside)) {
            *o = f64::from(t - i) / f64::from(n_out);
        }
        // Empty bins add exactly zero: skipped, which saves most of the square roots.
        let bc: f64 = (0..BINS)
            .filter(|&b| inside[b] != 0)
            .map(|b| (f64::from(inside[b]) / f64::from(n_in) * outside[b]).sqrt())
            .sum();
        let separation = (1.0 - bc).clamp(0.0, 1.0);
        let centre = (
            q.iter().map(|p| p.0).sum::<f64>() / 4.0,
            q.iter().map(|p| p.1).sum::<f64>() / 4.0,
        );
        let mut worst: f64 = 1.0;
        for k in (0..4).filter(|&k| real[k]) {
            let (a, b) = (q[k], q[(k + 1) % 4]);
            let len = (b.0 - a.0).hypot(b.1 - a.1);
            if len < 4.0 {
                continue;
            }
            let (ux, uy) = ((b.0 - a.0) / len, (b.1 - a.1) / len);
            // Outward normal: away from the quad's centre.
            let (mut nx, mut ny) = (-uy, ux);
            let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
            if (mid.0 - centre.0) * nx + (mid.1 - centre.1) * ny < 0.0 {
                (nx, ny) = (-nx, -ny);
            }
            let mut strip = [0u32; BINS];
            let mut n = 0u32;
            let steps = len.ceil() as usize;
            for t in 0..steps {
                let f = 0.1 + 0.8 * t as f64 / steps as f64;
                for d in [1.5, 2.5, 3.5] {
                    let x = a.0 + (b.0 - a.0) * f + nx * d;
                    let y = a.1 + (b.1 - a.1) * f + ny * d;
                    if x < 0.0 || y < 0.0 || x >= self.w as f64 || y >= self.h as f64 {
                        continue;
                    }
                    strip[usize::from(self.bins[y as usize * self.w + x as usize])] += 1;
                    n += 1;
                }
            }
            if n < 12 {
                continue;
            }
            let like: f64 = (0..BINS)
                .filter(|&b| strip[b] != 0)
                .map(|b| (f64::from(strip[b]) / f64::from(n) * outside[b]).sqrt())
                .sum();
            worst = worst.min(like);
        }
        separation - STRIP_WEIGHT * (1.0 - worst)
    }
}

/// Printed content inside a quad, from the work plane's edge pixels: a document is covered
/// with print (text lines, a portrait, patterns, the MRZ) nearly everywhere, while a sheet
/// of paper, a tray or a book page under the card is mostly blank around it, and a stripe
/// or a dark band has no print inside at all.
struct Ink {
    w: usize,
    h: usize,
    /// Summed-area table of edge pixels, `(w + 1) × (h + 1)`.
    sums: Vec<u32>,
}

/// Samples per quad side for the content cue (an 8 × 8 grid in the quad's own coordinates,
/// inset by half a cell).
const INK_GRID: usize = 8;
/// A cell holds print when at least this fraction of its pixels are edge pixels (one short
/// word of thin edges in a cell of a few hundred pixels; sensor noise on paper stays below).
const INK_DENSITY: f64 = 0.02;

impl Ink {
    fn new(work: &Work) -> Self {
        let (w, h) = (work.w, work.h);
        let mut sums = vec![0u32; (w + 1) * (h + 1)];
        for y in 0..h {
            let mut run = 0u32;
            for x in 0..w {
                run += u32::from(work.edge[y * w + x]);
                sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + run;
            }
        }
        Ink { w, h, sums }
    }

    /// Edge pixels in the box `[x0, x1) × [y0, y1)`, clipped to the plane, and its area.
    fn count(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> (u32, u32) {
        let clip = |v: f64, n: usize| v.clamp(0.0, n as f64) as usize;
        let (x0, x1) = (clip(x0, self.w), clip(x1, self.w));
        let (y0, y1) = (clip(y0, self.h), clip(y1, self.h));
        if x1 <= x0 || y1 <= y0 {
            return (0, 0);
        }
        let s = |x: usize, y: usize| self.sums[y * (self.w + 1) + x];
        let n = s(x1, y1) + s(x0, y0) - s(x0, y1) - s(x1, y0);
        (n, ((x1 - x0) * (y1 - y0)) as u32)
    }

    /// The fraction of the quad's in-frame cells that hold print (0..1; 1 when no cell is
    /// in frame, so the cue is neutral).
    fn content(&self, q: &[(f64, f64); 4]) -> f64 {
        let g = INK_GRID as f64;
        // Half a cell: a quarter of the mean side over the grid size.
        let half_x = (dist(q[0], q[1]) + dist(q[3], q[2])) / (4.0 * g);
        let half_y = (dist(q[1], q[2]) + dist(q[0], q[3])) / (4.0 * g);
        let r = half_x.min(half_y).max(1.0);
        let (mut cells, mut inked) = (0u32, 0u32);
        for i in 0..INK_GRID {
            let v = (i as f64 + 0.5) / g;
            for j in 0..INK_GRID {
                let u = (j as f64 + 0.5) / g;
                // Bilinear point in the quad (corner 0 at u = v = 0, corner 1 at u = 1).
                let top = (
                    q[0].0 + (q[1].0 - q[0].0) * u,
                    q[0].1 + (q[1].1 - q[0].1) * u,
                );
                let bot = (
                    q[3].0 + (q[2].0 - q[3].0) * u,
                    q[3].1 + (q[2].1 - q[3].1) * u,
                );
                let (x, y) = (top.0 + (bot.0 - top.0) * v, top.1 + (bot.1 - top.1) * v);
                if x < 0.0 || y < 0.0 || x >= self.w as f64 || y >= self.h as f64 {
                    continue;
                }
                let (n, area) = self.count(x - r, y - r, x + r, y + r);
                if area == 0 {
                    continue;
                }
                cells += 1;
                inked += u32::from(f64::from(n) >= INK_DENSITY * f64::from(area));
            }
        }
        if cells == 0 {
            1.0
        } else {
            f64::from(inked) / f64::from(cells)
        }
    }
}

/// Whether `p` lies inside the convex quad `q` (either winding), with a pixel's tolerance.
fn inside(q: &[(f64, f64); 4], p: (f64, f64)) -> bool {
    let side = |k: usize| {
        let (a, b) = (q[k], q[(k + 1) % 4]);
        let len = dist(a, b).max(1e-9);
        ((b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0)) / len
    };
    let s: [f64; 4] = std::array::from_fn(side);
    s.iter().all(|&v| v >= -1.0) || s.iter().all(|&v| v <= 1.0)
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_squared_right_angle_test_matches_acos() {
        let exact = |q: &[(f64, f64); 4], max_dev: f64| {
            (0..4).all(|i| {
                let (a, b, c) = (q[(i + 3) % 4], q[i], q[(i + 1) % 4]);
                let (v1, v2) = ((a.0 - b.0, a.1 - b.1), (c.0 - b.0, c.1 - b.1));
                let cos = (v1.0 * v2.0 + v1.1 * v2.1)
                    / ((v1.0.hypot(v1.1)) * (v2.0.hypot(v2.1))).max(1e-9);
                (cos.clamp(-1.0, 1.0).acos() - std::f64::consts::FRAC_PI_2).abs() <= max_dev
            })
        };
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 * 600.0 - 50.0
        };
        let (mut agree, mut ok) = (0, 0);
        for _ in 0..200_000 {
            let q = [
                (next(), next()),
                (next(), next()),
                (next(), next()),
                (next(), next()),
            ];
            let want = exact(&q, 35f64.to_radians());
            assert_eq!(angles_ok(&q, 35f64.to_radians()), want, "{q:?}");
            agree += 1;
            ok += usize::from(want);
        }
        // Both outcomes were exercised.
        assert!(ok > 100 && agree - ok > 100, "{ok} of {agree}");
    }

    #[test]
    fn the_fast_gradient_angle_matches_atan2() {
        let to_step = THETA_STEPS as f32 / std::f32::consts::PI;
        let (mut worst, mut other_bin) = (0f32, 0usize);
        let n = 200_000;
        for k in 0..n {
            let a = k as f32 * 0.618_034 * std::f32::consts::TAU;
            let m = 0.3 + (k % 97) as f32;
            let (gx, gy) = (m * a.cos(), m * a.sin());
            let mut want = gy.atan2(gx);
            if want < 0.0 {
                want += std::f32::consts::PI;
            }
            let got = gradient_angle(gy, gx);
            assert!(
                (0.0..std::f32::consts::PI).contains(&got),
                "{gx} {gy} -> {got}"
            );
            // Folding: π and 0 are the same direction.
            let d = (got - want).abs();
            let d = d.min((std::f32::consts::PI - d).abs());
            worst = worst.max(d);
            let bin = |t: f32| (round32(t * to_step) as usize) % THETA_STEPS;
            other_bin += usize::from(bin(got) != bin(want));
        }
        assert!(worst < 2e-5, "worst error {worst}");
        // Only angles within 1e-5 rad of a bin boundary can land in the next bin.
        assert!(other_bin * 1000 < n, "{other_bin} of {n} in another bin");
        for (gx, gy) in [
            (1.0, 0.0),
            (0.0, 1.0),
            (-1.0, 0.0),
            (0.0, -1.0),
            (-1.0, -1.0),
        ] {
            let mut want = f32::atan2(gy, gx);
            if want < 0.0 {
                want += std::f32::consts::PI;
            }
            let want = if want >= std::f32::consts::PI {
                0.0
            } else {
                want
            };
            assert!((gradient_angle(gy, gx) - want).abs() < 2e-5, "{gx} {gy}");
        }
    }

    #[test]
    fn the_fast_rounding_floor_and_ceil_match_the_std_ones() {
        let mut vals: Vec<f64> = (-4000..4000).map(|k| f64::from(k) * 0.25).collect();
        vals.extend((0..20000).map(|k| (f64::from(k) * 0.618_033_988_7).sin() * 700.0));
        vals.extend([
            0.499_999_999_999_999_9,
            -0.499_999_999_999_999_9,
            0.5,
            -0.5,
            1e-300,
        ]);
        for v in vals {
            // Equal as numbers (the fast one may give +0.0 where round gives −0.0).
            assert!(round64(v) == v.round(), "{v}");
            let f = v as f32;
            assert!(round32(f) == f.round(), "{f}");
            assert!(floor64(v) == v.floor(), "floor {v}");
            assert!(ceil64(v) == v.ceil(), "ceil {v}");
        }
    }
}
