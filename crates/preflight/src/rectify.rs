//! Resampling a quad of the analysis plane onto an upright rectangle: the document as if
//! it were scanned flat, for the searches that look inside it (the portrait, the MRZ).

use crate::analysis::Analysis;

/// A grey image.
pub(crate) struct Grey {
    pub w: u32,
    pub h: u32,
    pub px: Vec<u8>,
}

/// The map from the unit square onto a quad (corners for (0,0), (1,0), (1,1), (0,1)):
/// Heckbert's closed form of the projective map, `[a, b, c, d, e, f, g, h]` with
/// `x = (a u + b v + c) / (g u + h v + 1)`, `y = (d u + e v + f) / (g u + h v + 1)`.
pub(crate) fn square_to_quad(q: [[f64; 2]; 4]) -> [f64; 8] {
    let [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
    let (dx3, dy3) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dy1, dx2, dy2) = (x1 - x2, y1 - y2, x3 - x2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let (g, h) = if (dx3 == 0.0 && dy3 == 0.0) || den.abs() < 1e-12 {
        (0.0, 0.0)
    } else {
        ((dx3 * dy2 - dx2 * dy3) / den, (dx1 * dy3 - dx3 * dy1) / den)
    };
    [
        x1 - x0 + g * x1,
        x3 - x0 + h * x3,
        x0,
        y1 - y0 + g * y1,
        y3 - y0 + h * y3,
        y0,
        g,
        h,
    ]
}

pub(crate) fn apply(m: &[f64; 8], u: f64, v: f64) -> [f64; 2] {
    let w = m[6] * u + m[7] * v + 1.0;
    [
        (m[0] * u + m[1] * v + m[2]) / w,
        (m[3] * u + m[4] * v + m[5]) / w,
    ]
}

/// Bilinear luma at plane coordinates (pixel centres at integer + 0.5), clamped to the plane.
pub(crate) fn sample(a: &Analysis, x: f64, y: f64) -> u8 {
    let (w, h) = (a.width as usize, a.height as usize);
    let fx = (x - 0.5).clamp(0.0, (w - 1) as f64);
    let fy = (y - 0.5).clamp(0.0, (h - 1) as f64);
    let (x0, y0) = (fx as usize, fy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (tx, ty) = (fx - x0 as f64, fy - y0 as f64);
    let p = |x: usize, y: usize| f64::from(a.luma[y * w + x]);
    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * tx;
    let bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * tx;
    // Non-negative: adding a half and truncating rounds as `round` does, without the libm
    // call (the hot loop of every resample).
    (top + (bottom - top) * ty + 0.5) as u8
}

/// The quad (plane pixels) resampled onto a `w × h` rectangle by the projective map.
pub(crate) fn rectify(a: &Analysis, map: &[f64; 8], w: u32, h: u32) -> Grey {
    let mut px = Vec::with_capacity((w * h) as usize);
    for y in 0..h {
        let v = (f64::from(y) + 0.5) / f64::from(h);
        for x in 0..w {
            let u = (f64::from(x) + 0.5) / f64::from(w);
            let [sx, sy] = apply(map, u, v);
            px.push(sample(a, sx, sy));
        }
    }
    Grey { w, h, px }
}

/// The corners of box `[x0, y0, x1, y1]` of a `w × h` rectangle resampled by `map` (see
/// [`rectify`]), back in upright image pixels (`scale` image pixels per plane pixel): TL,
/// TR, BR, BL as the rectangle lies.
pub(crate) fn box_to_image(
    map: &[f64; 8],
    (w, h): (f64, f64),
    scale: f64,
    [x0, y0, x1, y1]: [f64; 4],
) -> [[f64; 2]; 4] {
    [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        .map(|[x, y]| apply(map, x / w, y / h).map(|v| v * scale))
}

/// The axis-aligned bounds `[x0, y0, x1, y1]` of four points.
pub(crate) fn bounds(p: &[[f64; 2]; 4]) -> [f64; 4] {
    let (xs, ys) = (p.map(|p| p[0]), p.map(|p| p[1]));
    [
        xs.iter().copied().fold(f64::INFINITY, f64::min),
        ys.iter().copied().fold(f64::INFINITY, f64::min),
        xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ys.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    ]
}

pub(crate) fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The whole plane as a quad (plane pixels, TL, TR, BR, BL); `None` when the plane is too
/// small to sample (under 2 px on a side) or its luma does not match its size.
pub(crate) fn frame_quad(a: &Analysis) -> Option<[[f64; 2]; 4]> {
    if a.width < 2 || a.height < 2 || a.luma.len() != (a.width * a.height) as usize {
        return None;
    }
    let (w, h) = (f64::from(a.width), f64::from(a.height));
    Some([[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]])
}

/// The mean lengths of a quad's top/bottom and left/right sides.
pub(crate) fn sides(q: [[f64; 2]; 4]) -> (f64, f64) {
    (
        (dist(q[0], q[1]) + dist(q[3], q[2])) / 2.0,
        (dist(q[0], q[3]) + dist(q[1], q[2])) / 2.0,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Quads with no area: a point, a line, one with a NaN corner (plane pixels).
    pub(crate) const DEGENERATE_QUADS: [[[f64; 2]; 4]; 3] = [
        [[50.0, 50.0]; 4],
        [[0.0, 0.0], [100.0, 0.0], [100.0, 0.0], [0.0, 0.0]],
        [[f64::NAN, 0.0], [100.0, 0.0], [100.0, 50.0], [0.0, 50.0]],
    ];

    /// A `w × h` plane of a fixed pseudo-random pattern.
    pub(crate) fn plane(w: u32, h: u32) -> Analysis {
        let n = (w * h) as usize;
        Analysis {
            width: w,
            height: h,
            scale: 1.0,
            luma: (0..n).map(|i| (i * 37 % 251) as u8).collect(),
            cb: vec![128; n],
            cr: vec![128; n],
        }
    }

    #[test]
    fn rectifying_the_frame_at_its_own_size_keeps_every_pixel() {
        let a = plane(37, 23);
        let (w, h) = (f64::from(a.width), f64::from(a.height));
        let map = square_to_quad([[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]]);
        let g = rectify(&a, &map, a.width, a.height);
        assert_eq!(g.px, a.luma);
    }

    #[test]
    fn the_square_maps_onto_the_quad_corners() {
        let q = [[10.0, 20.0], [110.0, 25.0], [105.0, 90.0], [12.0, 80.0]];
        let m = square_to_quad(q);
        for (p, (u, v)) in q
            .iter()
            .zip([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])
        {
            let r = apply(&m, u, v);
            assert!(dist(r, *p) < 1e-9, "{r:?} vs {p:?}");
        }
    }
}
