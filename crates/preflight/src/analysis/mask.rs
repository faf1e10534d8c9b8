//! Masks: the plane pixels of a region (a quad, the whole frame, the outside of a quad) as
//! row runs.

use super::*;

/// A run of mask pixels on one plane row: columns `x0..x1` of row `y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Plane row.
    pub y: u32,
    /// First column.
    pub x0: u32,
    /// One past the last column.
    pub x1: u32,
}

/// Which plane pixels belong to a region (the document, or everything else), as
/// horizontal runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Mask {
    /// The member pixels, row-major: by row, then by column; runs are non-empty and do not
    /// overlap.
    pub runs: Vec<Run>,
    /// Number of member pixels.
    pub count: usize,
    /// Bounding box on the plane: x0, y0, x1, y1 (exclusive).
    pub bbox: (u32, u32, u32, u32),
}

impl Mask {
    /// Whether plane pixel `(x, y)` is a member.
    pub fn contains(&self, x: u32, y: u32) -> bool {
        // A mask of one run per row (a convex quad's, the frame's) keeps row y's run at
        // y − y0: a member found there needs no search; anything else is searched for.
        let guess = y
            .checked_sub(self.bbox.1)
            .and_then(|i| self.runs.get(i as usize));
        if guess.is_some_and(|r| r.y == y && r.x0 <= x && x < r.x1) {
            return true;
        }
        let i = self.runs.partition_point(|r| (r.y, r.x1) <= (y, x));
        self.runs
            .get(i)
            .is_some_and(|r| r.y == y && r.x0 <= x && x < r.x1)
    }

    /// The member pixels' plane indices (`y · width + x`), in order.
    pub fn indices(&self, width: u32) -> impl Iterator<Item = usize> + '_ {
        let w = width as usize;
        self.runs
            .iter()
            .flat_map(move |r| r.y as usize * w + r.x0 as usize..r.y as usize * w + r.x1 as usize)
    }

    /// Append the run `x0..x1` of row `y` (ignored when empty).
    fn push(&mut self, y: u32, x0: u32, x1: u32) {
        if x0 < x1 {
            self.runs.push(Run { y, x0, x1 });
            self.count += (x1 - x0) as usize;
        }
    }

    /// Each run's pixels in `plane` (one of the analysis planes, `width` wide).
    pub(super) fn slices<'a>(
        &'a self,
        plane: &'a [u8],
        width: u32,
    ) -> impl Iterator<Item = &'a [u8]> + 'a {
        let w = width as usize;
        self.runs.iter().map(move |r| {
            let o = r.y as usize * w;
            &plane[o + r.x0 as usize..o + r.x1 as usize]
        })
    }
}

/// The quad's corners on the plane, shrunk toward its centre.
fn plane_quad(a: &Analysis, quad: &[[f64; 2]; 4], shrink: f64) -> [(f64, f64); 4] {
    let s = f64::from(a.scale);
    let cx = quad.iter().map(|p| p[0]).sum::<f64>() / 4.0;
    let cy = quad.iter().map(|p| p[1]).sum::<f64>() / 4.0;
    quad.map(|p| {
        (
            (cx + (p[0] - cx) * (1.0 - shrink)) / s,
            (cy + (p[1] - cy) * (1.0 - shrink)) / s,
        )
    })
}

/// The cross product of edge `a → b` with the point `(px, py)`: its sign says on which side
/// of the edge the point is.
#[inline(always)]
fn side((ax, ay): (f64, f64), (bx, by): (f64, f64), px: f64, py: f64) -> f64 {
    (bx - ax) * (py - ay) - (by - ay) * (px - ax)
}

/// The plane pixels inside `quad` (upright image pixels), shrunk toward its centre by
/// `shrink` (a fraction: 0.03 keeps the document's own border out of glare and blur).
///
/// A pixel is inside when its centre is on the same side of (or on) all four edges. The
/// cross product along a row is monotonic in x, even rounded, so each row's members are
/// found by searching for the few columns where an edge's sign changes rather than by
/// testing every pixel.
pub fn quad_mask(a: &Analysis, quad: &[[f64; 2]; 4], shrink: f64) -> Mask {
    let q = plane_quad(a, quad, shrink);
    let (w, h) = (a.width, a.height);
    let mut m = Mask {
        runs: Vec::with_capacity(h as usize),
        count: 0,
        bbox: (0, 0, 0, 0),
    };
    // Monotonic (and free of NaN) only when nothing can overflow.
    let tame = q.iter().all(|&(x, y)| x.abs() < 1e100 && y.abs() < 1e100);
    for y in 0..h {
        let py = f64::from(y) + 0.5;
        if !tame {
            let mut x = 0;
            while x < w {
                let inside = |x: u32| {
                    let px = f64::from(x) + 0.5;
                    let (mut pos, mut neg) = (false, false);
                    for k in 0..4 {
                        let c = side(q[k], q[(k + 1) % 4], px, py);
                        pos |= c > 0.0;
                        neg |= c < 0.0;
                    }
                    !pos || !neg
                };
                let start = x;
                while x < w && inside(x) {
                    x += 1;
                }
                m.push(y, start, x);
                while x < w && !inside(x) {
                    x += 1;
                }
            }
            continue;
        }
        // Columns where no edge is positive ([le0, le1)), and where none is negative.
        let (mut le0, mut le1, mut ge0, mut ge1) = (0, w, 0, w);
        for k in 0..4 {
            let (ax, ay) = q[k];
            let (bx, by) = q[(k + 1) % 4];
            let along = (bx - ax) * (py - ay);
            let slope = by - ay;
            let c = |x: u32| along - slope * ((f64::from(x) + 0.5) - ax);
            // Where the edge's line crosses this row, as a column: where to start looking.
            let guess = ax + along / slope - 0.5;
            if slope > 0.0 {
                // c falls as x grows.
                le0 = le0.max(first_true(w, guess, |x| c(x) <= 0.0));
                ge1 = ge1.min(first_true(w, guess, |x| c(x) < 0.0));
            } else if slope < 0.0 {
                // c rises as x grows.
                le1 = le1.min(first_true(w, guess, |x| c(x) > 0.0));
                ge0 = ge0.max(first_true(w, guess, |x| c(x) >= 0.0));
            } else {
                let c = c(0);
                if c > 0.0 {
                    le1 = 0;
                }
                if c < 0.0 {
                    ge1 = 0;
                }
            }
        }
        let le = le0 < le1;
        let ge = ge0 < ge1;
        match (le, ge) {
            (true, true) if le0 <= ge1 && ge0 <= le1 => m.push(y, le0.min(ge0), le1.max(ge1)),
            (true, true) if le0 < ge0 => {
                m.push(y, le0, le1);
                m.push(y, ge0, ge1);
            }
            (true, true) => {
                m.push(y, ge0, ge1);
                m.push(y, le0, le1);
            }
            (true, false) => m.push(y, le0, le1),
            (false, true) => m.push(y, ge0, ge1),
            (false, false) => {}
        }
    }
    if let (Some(first), Some(last)) = (m.runs.first(), m.runs.last()) {
        let x0 = m.runs.iter().map(|r| r.x0).min().unwrap_or(0);
        let x1 = m.runs.iter().map(|r| r.x1).max().unwrap_or(0);
        m.bbox = (x0, first.y, x1, last.y + 1);
    }
    m
}

/// The first `x` in `0..n` for which `pred` holds, or `n`; `pred` must be monotonic (false,
/// then true). Starts looking at `guess` and gallops from there, so a good guess costs
/// two or three calls.
#[inline(always)]
fn first_true(n: u32, guess: f64, pred: impl Fn(u32) -> bool) -> u32 {
    let p = |x: u32| x >= n || pred(x);
    let g = if guess.is_nan() {
        0
    } else {
        guess.ceil().clamp(0.0, f64::from(n)) as u32
    };
    // Bracket the answer in (lo, hi]: p(lo) false (or lo = "before 0"), p(hi) true.
    let (mut lo, mut hi);
    if p(g) {
        hi = g;
        let mut step = 1;
        loop {
            if hi == 0 {
                return 0;
            }
            let l = hi - step.min(hi);
            if p(l) {
                hi = l;
                step *= 2;
            } else {
                lo = l;
                break;
            }
        }
    } else {
        lo = g;
        let mut step = 1;
        loop {
            let h = lo.saturating_add(step).min(n);
            if p(h) {
                hi = h;
                break;
            }
            lo = h;
            step *= 2;
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if p(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// The whole plane as a mask.
pub fn full_mask(a: &Analysis) -> Mask {
    let mut m = Mask {
        runs: Vec::with_capacity(a.height as usize),
        count: 0,
        bbox: (0, 0, a.width, a.height),
    };
    for y in 0..a.height {
        m.push(y, 0, a.width);
    }
    m
}

/// The complement of `m`.
pub fn outside(m: &Mask, a: &Analysis) -> Mask {
    let (w, h) = (a.width, a.height);
    let mut out = Mask {
        runs: Vec::with_capacity(h as usize * 2),
        count: 0,
        bbox: (0, 0, w, h),
    };
    let mut runs = m.runs.iter().peekable();
    for y in 0..h {
        let mut x = 0;
        while let Some(r) = runs.next_if(|r| r.y == y) {
            out.push(y, x, r.x0);
            x = r.x1;
        }
        out.push(y, x, w);
    }
    out
}
