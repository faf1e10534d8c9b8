//! Polygon IoU of two quads (convex hull and clipping).

/// Intersection over union of two polygons given by their vertices (any order of winding).
/// Each polygon is replaced by its convex hull (a detected quad is convex; a crossed or
/// dented one is scored by its hull), then intersected by Sutherland–Hodgman clipping.
/// Degenerate polygons (no area) and non-finite coordinates give 0. The result is in [0, 1].
pub fn polygon_iou(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    if a.iter().chain(b).flatten().any(|c| !c.is_finite()) {
        return 0.0;
    }
    let (ha, hb) = (convex_hull(a), convex_hull(b));
    let (area_a, area_b) = (polygon_area(&ha), polygon_area(&hb));
    let eps = 1e-12 * (area_a + area_b).max(1.0);
    if area_a <= eps || area_b <= eps {
        return 0.0;
    }
    let inter = polygon_area(&clip_convex(&ha, &hb));
    let union = area_a + area_b - inter;
    if union <= 0.0 {
        return 0.0;
    }
    (inter / union).clamp(0.0, 1.0)
}

/// Signed-area-free shoelace area (absolute).
pub(crate) fn polygon_area(p: &[[f64; 2]]) -> f64 {
    if p.len() < 3 {
        return 0.0;
    }
    let mut a = 0.0;
    for i in 0..p.len() {
        let (q, r) = (p[i], p[(i + 1) % p.len()]);
        a += q[0] * r[1] - r[0] * q[1];
    }
    (0.5 * a).abs()
}

pub(crate) fn cross(o: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/// Counter-clockwise convex hull (Andrew's monotone chain), collinear points dropped.
pub(crate) fn convex_hull(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let mut hull: Vec<[f64; 2]> = Vec::with_capacity(2 * p.len());
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &[f64; 2]>> = if pass == 0 {
            Box::new(p.iter())
        } else {
            Box::new(p.iter().rev())
        };
        for &pt in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], pt) <= 0.0
            {
                hull.pop();
            }
            hull.push(pt);
        }
        hull.pop(); // the last point starts the other chain
    }
    hull
}

/// Sutherland–Hodgman: `subject` clipped by the convex counter-clockwise polygon `clip`.
pub(crate) fn clip_convex(subject: &[[f64; 2]], clip: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut out = subject.to_vec();
    for i in 0..clip.len() {
        if out.is_empty() {
            break;
        }
        let (a, b) = (clip[i], clip[(i + 1) % clip.len()]);
        let input = std::mem::take(&mut out);
        let inside = |p: [f64; 2]| cross(a, b, p) >= 0.0;
        let intersect = |p: [f64; 2], q: [f64; 2]| {
            let (cp, cq) = (cross(a, b, p), cross(a, b, q));
            let t = cp / (cp - cq);
            [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]
        };
        for j in 0..input.len() {
            let (p, q) = (input[j], input[(j + 1) % input.len()]);
            match (inside(p), inside(q)) {
                (true, true) => out.push(q),
                (true, false) => out.push(intersect(p, q)),
                (false, true) => {
                    out.push(intersect(p, q));
                    out.push(q);
                }
                (false, false) => {}
            }
        }
    }
    out
}
