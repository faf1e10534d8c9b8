//! The region cue (a coarse colour grid: a document differs from its surround) and the print
//! cue (edge density inside a quad).

use super::*;

/// A coarse grid of quantised colours (one bin index per cell), point-sampled from the
/// analysis plane, with the whole-frame histogram.
pub(super) struct ColourGrid {
    pub(super) w: usize,
    pub(super) h: usize,
    pub(super) bins: Vec<u8>,
    pub(super) total: [u32; BINS],
    /// Grid cells per work-plane pixel.
    pub(super) from_work: f64,
}

impl ColourGrid {
    pub(super) fn new(a: &Analysis, work_to_plane: f64) -> Self {
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
    pub(super) fn region(&self, corners: &[(f64, f64); 4], real: [bool; 4]) -> f64 {
        let q: Vec<(f64, f64)> = corners
            .iter()
            .map(|p| ((p.0 + 0.5) * self.from_work, (p.1 + 0.5) * self.from_work))
            .collect();
        // Four interleaved histograms: a document's uniform areas give runs of one bin,
        // whose increments would otherwise each wait for the one before.
        let mut inside4 = [[0u32; BINS]; 4];
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
            let span = &self.bins[y * self.w + x0.min(x1)..y * self.w + x1];
            n_in += span.len() as u32;
            for quad in span.chunks(4) {
                for (h, &b) in inside4.iter_mut().zip(quad) {
                    h[usize::from(b)] += 1;
                }
            }
        }
        let mut inside = [0u32; BINS];
        for (b, v) in inside.iter_mut().enumerate() {
            *v = inside4[0][b] + inside4[1][b] + inside4[2][b] + inside4[3][b];
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
pub(super) struct Ink {
    pub(super) w: usize,
    pub(super) h: usize,
    /// Summed-area table of edge pixels, `(w + 1) × (h + 1)`.
    pub(super) sums: Vec<u32>,
}

/// Samples per quad side for the content cue (an 8 × 8 grid in the quad's own coordinates,
/// inset by half a cell).
pub(super) const INK_GRID: usize = 8;
/// A cell holds print when at least this fraction of its pixels are edge pixels (one short
/// word of thin edges in a cell of a few hundred pixels; sensor noise on paper stays below).
pub(super) const INK_DENSITY: f64 = 0.02;

impl Ink {
    pub(super) fn new(work: &Work) -> Self {
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
    pub(super) fn count(&self, x0: f64, y0: f64, x1: f64, y1: f64) -> (u32, u32) {
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
    pub(super) fn content(&self, q: &[(f64, f64); 4]) -> f64 {
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
