//! Edge support along a line (sides, corners, border reach) and the refit of a side to its
//! edge pixels.

use super::*;

/// Edge evidence along one whole line, sampled every pixel, as prefix sums, so the support of
/// any stretch of it is two lookups. Built once per Hough line; every candidate side, corner
/// continuation and border reach is then O(1), which keeps cluttered scenes (thousands of
/// candidate quadrilaterals) cheap.
pub(super) struct Profile {
    /// Line parameter of sample 0 (position along the line direction).
    pub(super) s0: f64,
    /// Prefix count of samples backed by a perpendicular edge within ±2 px.
    pub(super) hit: Vec<u32>,
    /// Prefix count of samples inside the frame.
    pub(super) inframe: Vec<u32>,
    /// Prefix sum of the luma step across the line (+normal side minus −normal side).
    pub(super) step: Vec<f64>,
    /// Prefix count of samples where the step could be measured.
    pub(super) step_n: Vec<u32>,
    /// Unit normal and direction.
    pub(super) n: (f64, f64),
    pub(super) u: (f64, f64),
    pub(super) r: f64,
}

impl Profile {
    pub(super) fn new(work: &Work, line: &Line) -> Self {
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
    pub(super) fn pos(&self, p: (f64, f64)) -> f64 {
        p.0 * self.u.0 + p.1 * self.u.1
    }

    /// Sample index range for positions [a, b] (a ≤ b), clamped.
    pub(super) fn range(&self, a: f64, b: f64) -> (usize, usize) {
        let last = self.hit.len() - 1;
        let i = (ceil64(a - self.s0).max(0.0) as usize).min(last);
        let j = ((floor64(b - self.s0) + 1.0).max(0.0) as usize).min(last);
        (i, j.max(i))
    }

    /// Share of positions [a, b] backed by edges (positions off the line count as unbacked).
    pub(super) fn support(&self, a: f64, b: f64) -> f64 {
        let (a, b) = (a.min(b), a.max(b));
        let nominal = floor64(b - a) + 1.0;
        if nominal < 1.0 {
            return 0.0;
        }
        let (i, j) = self.range(a, b);
        f64::from(self.hit[j] - self.hit[i]) / nominal
    }

    /// Mean luma step across [a, b] from the side of `centre` to the other side.
    pub(super) fn step_toward(&self, a: f64, b: f64, centre: (f64, f64)) -> f64 {
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
    pub(super) fn side(&self, p: (f64, f64), q: (f64, f64), centre: (f64, f64)) -> (f64, f64) {
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
    pub(super) fn overshoot(&self, p: (f64, f64), q: (f64, f64), frac: f64) -> f64 {
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
    pub(super) fn near_end(&self, from: (f64, f64), to: (f64, f64)) -> f64 {
        let (sf, st) = (self.pos(from), self.pos(to));
        self.support(sf + (st - sf) * 0.85, sf + (st - sf) * 0.99)
    }
}

/// Refit a side's line to the edge pixels within ±3 px of the segment with a gradient
/// perpendicular to it (total least squares). Returns the original line when too few.
pub(super) fn refit(work: &Work, line: &Line, p: (f64, f64), q: (f64, f64)) -> Line {
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
    // The normal is perpendicular to the principal axis.
    let ((mx, my), theta_dir) = principal_axis(&pts);
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
