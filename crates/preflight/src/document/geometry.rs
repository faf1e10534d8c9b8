//! Lines and quadrilaterals on the work plane.

/// A line `x·cos θ + y·sin θ = r` on the work plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Line {
    pub(super) theta: f64,
    pub(super) r: f64,
    /// `Some(frame edge index)` for the four frame borders: 0 left, 1 top, 2 right, 3 bottom.
    pub(super) border: Option<usize>,
    /// `(cos θ, sin θ)`, kept because candidates intersect the same lines thousands of times.
    pub(super) n: (f64, f64),
}

impl Line {
    pub(super) fn new(theta: f64, r: f64, border: Option<usize>) -> Self {
        Line {
            theta,
            r,
            border,
            n: (theta.cos(), theta.sin()),
        }
    }

    pub(super) fn normal(&self) -> (f64, f64) {
        self.n
    }

    /// Signed distance of `p` from the line (positive on the side its normal points to).
    pub(super) fn offset(&self, p: (f64, f64)) -> f64 {
        p.0 * self.n.0 + p.1 * self.n.1 - self.r
    }

    /// How far apart two near-parallel lines are at `p` (signed). Hough gives one line as
    /// (θ, r) or, near θ = 0 ≡ π, as (θ ± π, −r): the normals then point opposite ways and
    /// the offsets have opposite signs, so they are added rather than subtracted. Without
    /// that, two lines on opposite sides of `p` at the same distance (the far sides of a
    /// centred card) would read as one.
    pub(super) fn gap(&self, o: &Line, p: (f64, f64)) -> f64 {
        let (d, e) = (self.offset(p), o.offset(p));
        if self.n.0 * o.n.0 + self.n.1 * o.n.1 >= 0.0 {
            d - e
        } else {
            d + e
        }
    }

    pub(super) fn intersect(&self, o: &Line) -> Option<(f64, f64)> {
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

/// Angle between two line directions, 0..π/2.
pub(super) fn angle_between(a: &Line, b: &Line) -> f64 {
    let d = (a.theta - b.theta).abs() % std::f64::consts::PI;
    d.min(std::f64::consts::PI - d)
}

pub(super) fn polygon_area(q: &[(f64, f64); 4]) -> f64 {
    let mut a = 0.0;
    for i in 0..4 {
        let (x1, y1) = q[i];
        let (x2, y2) = q[(i + 1) % 4];
        a += x1 * y2 - x2 * y1;
    }
    a.abs() / 2.0
}

pub(super) fn is_convex(q: &[(f64, f64); 4]) -> bool {
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
pub(super) fn angles_ok(q: &[(f64, f64); 4], max_dev: f64) -> bool {
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
pub(super) fn order(pts: [(f64, f64); 4]) -> [(f64, f64); 4] {
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

/// How far (|ln| of the ratio) a quad's long/short ratio is from the nearest of `aspects`
/// (infinite when there are none).
pub(super) fn aspect_off(q: &[(f64, f64); 4], aspects: &[f64]) -> f64 {
    let s1 = (dist(q[0], q[1]) + dist(q[2], q[3])) / 2.0;
    let s2 = (dist(q[1], q[2]) + dist(q[3], q[0])) / 2.0;
    let ratio = s1.max(s2) / s1.min(s2).max(1e-9);
    aspects
        .iter()
        .map(|t| (ratio / t).ln().abs())
        .fold(f64::INFINITY, f64::min)
}

/// Whether `p` lies inside the convex quad `q` (either winding), with a pixel's tolerance.
pub(super) fn inside(q: &[(f64, f64); 4], p: (f64, f64)) -> bool {
    let side = |k: usize| {
        let (a, b) = (q[k], q[(k + 1) % 4]);
        let len = dist(a, b).max(1e-9);
        ((b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0)) / len
    };
    let s: [f64; 4] = std::array::from_fn(side);
    s.iter().all(|&v| v >= -1.0) || s.iter().all(|&v| v <= 1.0)
}

/// The total least-squares line through `pts`: their centroid and the direction (angle)
/// of their scatter's principal axis.
pub(super) fn principal_axis(pts: &[(f64, f64)]) -> ((f64, f64), f64) {
    let n = pts.len() as f64;
    let (mx, my) = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y) in pts {
        sxx += (x - mx) * (x - mx);
        sxy += (x - mx) * (y - my);
        syy += (y - my) * (y - my);
    }
    ((mx, my), 0.5 * (2.0 * sxy).atan2(sxx - syy))
}

/// Whether two lines are one line for the line lists: within 2° and 3 px of each other at
/// `at`.
pub(super) fn same_line(a: &Line, b: &Line, at: (f64, f64)) -> bool {
    angle_between(a, b) <= 2f64.to_radians() && a.gap(b, at).abs() <= 3.0
}

pub(super) fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}
