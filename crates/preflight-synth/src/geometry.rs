//! Points, homographies and the document's placement in the frame.

use crate::*;

pub(crate) type M3 = [f64; 9];

pub(crate) fn m3_mul(a: &M3, b: &M3) -> M3 {
    let mut r = [0.0; 9];
    for i in 0..3 {
        for j in 0..3 {
            r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
        }
    }
    r
}

pub(crate) fn m3_det(m: &M3) -> f64 {
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6])
}

pub(crate) fn m3_inv(m: &M3) -> M3 {
    let d = m3_det(m);
    let id = 1.0 / d;
    [
        (m[4] * m[8] - m[5] * m[7]) * id,
        (m[2] * m[7] - m[1] * m[8]) * id,
        (m[1] * m[5] - m[2] * m[4]) * id,
        (m[5] * m[6] - m[3] * m[8]) * id,
        (m[0] * m[8] - m[2] * m[6]) * id,
        (m[2] * m[3] - m[0] * m[5]) * id,
        (m[3] * m[7] - m[4] * m[6]) * id,
        (m[1] * m[6] - m[0] * m[7]) * id,
        (m[0] * m[4] - m[1] * m[3]) * id,
    ]
}

pub(crate) fn m3_apply(m: &M3, x: f64, y: f64) -> [f64; 2] {
    let w = m[6] * x + m[7] * y + m[8];
    [
        (m[0] * x + m[1] * y + m[2]) / w,
        (m[3] * x + m[4] * y + m[5]) / w,
    ]
}

/// Upright frame size for a spec (differs from width/height only for `tight_crop`).
pub fn frame_size(spec: &SynthSpec) -> (u32, u32) {
    let w = spec.width.max(16);
    let h = spec.height.max(16);
    if spec.tight_crop {
        let l = w.max(h);
        let hh = (l as f64 / spec.doc.aspect() as f64).round().max(16.0) as u32;
        (l, hh)
    } else {
        (w, h)
    }
}

/// Homography mapping document coordinates (u, v) in [0,1]^2 to upright frame px.
pub(crate) fn uv_to_frame(spec: &SynthSpec, w: u32, h: u32) -> M3 {
    if spec.tight_crop {
        return [w as f64, 0.0, 0.0, 0.0, h as f64, 0.0, 0.0, 0.0, 1.0];
    }
    let (wmm, hmm) = spec.doc.size_mm();
    let (wf, hf) = (w as f64, h as f64);
    let dw = spec.doc_fraction.max(0.01) as f64 * wf;
    let dh = dw * hmm as f64 / wmm as f64;
    let f = 0.85 * wf.max(hf);
    let rot = spec.rotation_deg as f64 * PI / 180.0;
    let (cr, sr) = (dcos(rot), dsin(rot));
    let rz: M3 = [cr, -sr, 0.0, sr, cr, 0.0, 0.0, 0.0, 1.0];
    let t = (spec.tilt_deg.clamp(0.0, 60.0) as f64) * PI / 180.0;
    let phi = stream(spec.seed, S_TILT).f64() * 2.0 * PI;
    let (ax, ay) = (dcos(phi), dsin(phi));
    let (ct, st) = (dcos(t), dsin(t));
    // Rodrigues rotation about (ax, ay, 0).
    let rt: M3 = [
        ct + (1.0 - ct) * ax * ax,
        (1.0 - ct) * ax * ay,
        st * ay,
        (1.0 - ct) * ax * ay,
        ct + (1.0 - ct) * ay * ay,
        -st * ax,
        -st * ay,
        st * ax,
        ct,
    ];
    let r = m3_mul(&rt, &rz);
    let r0 = [r[0], r[3], r[6]];
    let r1 = [r[1], r[4], r[7]];
    // 3D point = (u-0.5)*dw*r0 + (v-0.5)*dh*r1 + (0,0,f)
    let cu = [dw * r0[0], dw * r0[1], dw * r0[2]];
    let cv = [dh * r1[0], dh * r1[1], dh * r1[2]];
    let c1 = [
        -0.5 * (cu[0] + cv[0]),
        -0.5 * (cu[1] + cv[1]),
        f - 0.5 * (cu[2] + cv[2]),
    ];
    let a: M3 = [
        cu[0], cv[0], c1[0], //
        cu[1], cv[1], c1[1], //
        cu[2], cv[2], c1[2],
    ];
    let cx = spec.center.0 as f64 * wf;
    let cy = spec.center.1 as f64 * hf;
    let k: M3 = [f, 0.0, cx, 0.0, f, cy, 0.0, 0.0, 1.0];
    m3_mul(&k, &a)
}

pub(crate) fn quad_f64(hm: &M3) -> [[f64; 2]; 4] {
    [
        m3_apply(hm, 0.0, 0.0),
        m3_apply(hm, 1.0, 0.0),
        m3_apply(hm, 1.0, 1.0),
        m3_apply(hm, 0.0, 1.0),
    ]
}

/// Document corners (TL, TR, BR, BL as printed) in upright frame px, without rendering.
pub fn document_quad(spec: &SynthSpec) -> [[f32; 2]; 4] {
    let (w, h) = frame_size(spec);
    let q = quad_f64(&uv_to_frame(spec, w, h));
    q.map(|p| [p[0] as f32, p[1] as f32])
}

pub(crate) fn poly_area(p: &[[f64; 2]]) -> f64 {
    let n = p.len();
    let mut a = 0.0;
    for i in 0..n {
        let j = (i + 1) % n;
        a += p[i][0] * p[j][1] - p[j][0] * p[i][1];
    }
    0.5 * a.abs()
}

pub(crate) fn clip_to_rect(poly: &[[f64; 2]], w: f64, h: f64) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = poly.to_vec();
    // (axis, bound, keep_greater)
    for &(axis, bound, ge) in &[
        (0usize, 0.0, true),
        (0, w, false),
        (1, 0.0, true),
        (1, h, false),
    ] {
        let inp = std::mem::take(&mut out);
        let n = inp.len();
        if n == 0 {
            break;
        }
        let inside = |p: &[f64; 2]| {
            if ge {
                p[axis] >= bound
            } else {
                p[axis] <= bound
            }
        };
        for i in 0..n {
            let cur = inp[i];
            let prev = inp[(i + n - 1) % n];
            let ci = inside(&cur);
            let pi = inside(&prev);
            if ci != pi {
                let t = (bound - prev[axis]) / (cur[axis] - prev[axis]);
                out.push([
                    prev[0] + t * (cur[0] - prev[0]),
                    prev[1] + t * (cur[1] - prev[1]),
                ]);
            }
            if ci {
                out.push(cur);
            }
        }
    }
    out
}

pub(crate) struct QuadStats {
    pub(crate) cut_edges: Vec<String>,
    pub(crate) coverage: f64,
    pub(crate) visible: f64,
    pub(crate) min_margin: f64,
    /// how far (fraction of frame dim) the doc extends beyond each edge: left, top, right, bottom
    pub(crate) overshoot: [f64; 4],
}

pub(crate) fn quad_stats(q: &[[f64; 2]; 4], w: f64, h: f64) -> QuadStats {
    let area = poly_area(q);
    let inter = poly_area(&clip_to_rect(q, w, h));
    let minx = q.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
    let maxx = q.iter().map(|p| p[0]).fold(f64::NEG_INFINITY, f64::max);
    let miny = q.iter().map(|p| p[1]).fold(f64::INFINITY, f64::min);
    let maxy = q.iter().map(|p| p[1]).fold(f64::NEG_INFINITY, f64::max);
    let overshoot = [-minx / w, -miny / h, (maxx - w) / w, (maxy - h) / h];
    let names = ["left", "top", "right", "bottom"];
    let cut_edges = (0..4)
        .filter(|&i| overshoot[i] > 0.0)
        .map(|i| names[i].to_string())
        .collect();
    let min_margin = -overshoot.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    QuadStats {
        cut_edges,
        coverage: inter / (w * h),
        visible: if area > 0.0 { inter / area } else { 0.0 },
        min_margin,
        overshoot,
    }
}

pub(crate) struct Geometry {
    pub(crate) w: usize,
    pub(crate) h: usize,
    pub(crate) tw: usize,
    pub(crate) th: usize,
    /// frame px (pixel centres at +0.5) -> texel coords
    pub(crate) hinv: M3,
    pub(crate) quad: [[f64; 2]; 4],
    pub(crate) radius_tex: f64,
}

impl Geometry {
    pub(crate) fn new(spec: &SynthSpec) -> Geometry {
        let (w, h) = frame_size(spec);
        let huv = uv_to_frame(spec, w, h);
        let quad = quad_f64(&huv);
        let (wmm, hmm) = spec.doc.size_mm();
        let (tw, th) = if spec.tight_crop {
            (w as usize, h as usize)
        } else {
            let d =
                |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
            let horiz = d(quad[0], quad[1]).max(d(quad[3], quad[2]));
            let vert = d(quad[0], quad[3]).max(d(quad[1], quad[2])) * (wmm / hmm) as f64;
            let cap = (2.0 * w.max(h) as f64).min(16000.0);
            let tw = (horiz.max(vert) * 1.08).clamp(64.0, cap).ceil();
            let th = (tw * hmm as f64 / wmm as f64).round().max(16.0);
            (tw as usize, th as usize)
        };
        let s: M3 = [tw as f64, 0.0, 0.0, 0.0, th as f64, 0.0, 0.0, 0.0, 1.0];
        let hinv = m3_mul(&s, &m3_inv(&huv));
        let radius_tex = spec.doc.corner_radius_mm() as f64 * tw as f64 / wmm as f64;
        Geometry {
            w: w as usize,
            h: h as usize,
            tw,
            th,
            hinv,
            quad,
            radius_tex,
        }
    }
}
