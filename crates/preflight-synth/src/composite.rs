//! Compositing the document onto the background in perspective.

use crate::*;

pub(crate) struct GlarePre {
    pub(crate) cu: f32,
    pub(crate) cv: f32,
    pub(crate) inv_r: f32,
    pub(crate) ca: f32,
    pub(crate) sa: f32,
    pub(crate) streak: bool,
    pub(crate) strength: f32,
    pub(crate) aspect: f32,
}

pub(crate) fn glare_pre(spec: &SynthSpec) -> Vec<GlarePre> {
    let (wmm, hmm) = spec.doc.size_mm();
    spec.glare
        .iter()
        .filter(|g| g.radius > 0.0 && g.strength > 0.0)
        .map(|g| {
            let a = g.angle_deg as f64 * PI / 180.0;
            GlarePre {
                cu: g.center.0,
                cv: g.center.1,
                inv_r: 1.0 / g.radius,
                ca: dcos(a) as f32,
                sa: dsin(a) as f32,
                streak: g.shape == GlareShape::Streak,
                strength: g.strength.min(1.0),
                aspect: hmm / wmm,
            }
        })
        .collect()
}

/// Glare amount 0..1 at document coords (u, v).
#[inline]
pub(crate) fn glare_at(pre: &[GlarePre], u: f32, v: f32) -> f32 {
    let mut keep = 1.0;
    for g in pre {
        let dx = u - g.cu;
        let dy = (v - g.cv) * g.aspect;
        let (a, b) = if g.streak {
            (dx * g.ca + dy * g.sa, (-dx * g.sa + dy * g.ca) * 4.0)
        } else {
            (dx, dy)
        };
        let r2 = (a * a + b * b) * g.inv_r * g.inv_r;
        if r2 >= 3.24 {
            continue;
        }
        let r = r2.sqrt();
        let core = smoothstep(1.0, 0.5, r);
        let t = 1.0 - r / 1.8;
        let halo = 0.35 * t * t;
        let gv = (g.strength * (core + halo * (1.0 - core)) * 1.03).min(1.0);
        keep *= 1.0 - gv;
    }
    1.0 - keep
}

/// Horizontal extent [x0, x1) of the document (expanded for AA) on row y.
pub(crate) fn row_span(q: &[[f64; 2]; 4], y: usize, w: usize) -> Option<(usize, usize)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let yc = y as f64 + 0.5;
    for yy in [yc - 1.5, yc, yc + 1.5] {
        for i in 0..4 {
            let a = q[i];
            let b = q[(i + 1) % 4];
            let (ya, yb) = (a[1].min(b[1]), a[1].max(b[1]));
            if yy >= ya && yy <= yb && yb > ya {
                let t = (yy - a[1]) / (b[1] - a[1]);
                let x = a[0] + t * (b[0] - a[0]);
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
    }
    for p in q {
        if (p[1] - yc).abs() <= 1.5 {
            lo = lo.min(p[0]);
            hi = hi.max(p[0]);
        }
    }
    if lo > hi {
        return None;
    }
    let x0 = (lo - 2.0).floor().max(0.0).min(w as f64) as usize;
    let x1 = (hi + 2.0).ceil().max(0.0).min(w as f64) as usize;
    if x0 >= x1 {
        None
    } else {
        Some((x0, x1))
    }
}

pub(crate) struct Composite {
    pub(crate) frame: Vec<u8>,
    pub(crate) mask: Vec<u8>,
    pub(crate) glare: Vec<u8>,
}

pub(crate) fn composite(spec: &SynthSpec, geo: &Geometry, tex: &Canvas, bg: &Bg) -> Composite {
    let (w, h) = (geo.w, geo.h);
    let mut frame = vec![0u8; w * h * 3];
    let mut mask = vec![0u8; w * h];
    let gp = glare_pre(spec);
    let mut glare = if gp.is_empty() {
        Vec::new()
    } else {
        vec![0u8; w * h]
    };
    let s = bg.scale;
    let bw = bg.cv.w;
    let bh = bg.cv.h;
    let bpx = &bg.cv.px;
    // column lookup for bilinear background upsampling
    let cols: Vec<(usize, usize, u32)> = (0..w)
        .map(|x| {
            let f = ((x as f32 + 0.5) / s - 0.5).max(0.0);
            let i0 = (f.floor() as usize).min(bw - 1);
            let i1 = (i0 + 1).min(bw - 1);
            let wx = ((f - f.floor()) * 256.0) as u32;
            (i0 * 3, i1 * 3, wx)
        })
        .collect();
    let fine_seed = mix(spec.seed, S_FINE) as u32;
    let fine_amp = bg.fine;
    let hv = geo.hinv;
    let det = m3_det(&hv).abs();
    let (twf, thf) = (geo.tw as f64, geo.th as f64);
    let (tcx, tcy) = (twf * 0.5, thf * 0.5);
    let rad = geo.radius_tex;
    let tw = geo.tw;
    let tpx = &tex.px;
    let fine_lut: [i16; 256] = {
        let mut l = [0i16; 256];
        for (i, v) in l.iter_mut().enumerate() {
            *v = ((i as f32 / 255.0 - 0.5) * 2.0 * fine_amp).round() as i16;
        }
        l
    };
    let mut vrow = vec![0u32; bw * 3];
    // upper bound of texels per pixel over the document (for the interior fast path)
    let tpp_max = geo
        .quad
        .iter()
        .map(|p| {
            let ww = hv[6] * p[0] + hv[7] * p[1] + hv[8];
            (det / (ww * ww * ww).abs()).sqrt()
        })
        .fold(0.0f64, f64::max)
        * 1.5
        + 0.5;
    for y in 0..h {
        let row = &mut frame[y * w * 3..(y + 1) * w * 3];
        // background
        let fy = ((y as f32 + 0.5) / s - 0.5).max(0.0);
        let j0 = (fy.floor() as usize).min(bh - 1);
        let j1 = (j0 + 1).min(bh - 1);
        let wy = ((fy - fy.floor()) * 256.0) as u32;
        let r0 = &bpx[j0 * bw * 3..(j0 + 1) * bw * 3];
        let r1 = &bpx[j1 * bw * 3..(j1 + 1) * bw * 3];
        for ((v, &a), &b) in vrow.iter_mut().zip(r0).zip(r1) {
            *v = a as u32 * (256 - wy) + b as u32 * wy;
        }
        let hy = hash32((y as u32).wrapping_mul(0x9E37_79B1) ^ fine_seed);
        for x in 0..w {
            let (i0, i1, wx) = cols[x];
            let n =
                fine_lut[(hash32((x as u32).wrapping_mul(0x85EB_CA77) ^ hy) >> 24) as usize] as i32;
            for c in 0..3 {
                let v = (vrow[i0 + c] * (256 - wx) + vrow[i1 + c] * wx + 32768) >> 16;
                row[x * 3 + c] = (v as i32 + n).clamp(0, 255) as u8;
            }
        }
        // document
        let Some((xa, xb)) = row_span(&geo.quad, y, w) else {
            continue;
        };
        let fyc = y as f64 + 0.5;
        let mrow = &mut mask[y * w..(y + 1) * w];
        for x in xa..xb {
            let fx = x as f64 + 0.5;
            let ww = hv[6] * fx + hv[7] * fyc + hv[8];
            if ww <= 0.0 {
                continue;
            }
            let iw = 1.0 / ww;
            let tx = (hv[0] * fx + hv[1] * fyc + hv[2]) * iw;
            let ty = (hv[3] * fx + hv[4] * fyc + hv[5]) * iw;
            // rounded rect SDF in texels
            let qx = (tx - tcx).abs() - (tcx - rad);
            let qy = (ty - tcy).abs() - (tcy - rad);
            let qm = qx.max(qy);
            let cov = if qm < 0.0 && rad - qm > tpp_max {
                1.0
            } else {
                let ox = qx.max(0.0);
                let oy = qy.max(0.0);
                let sdf = (ox * ox + oy * oy).sqrt() + qm.min(0.0) - rad;
                let tpp = (det * iw * iw * iw).sqrt(); // texels per pixel
                let cov = (0.5 - sdf / tpp).clamp(0.0, 1.0) as f32;
                if cov <= 0.0 {
                    continue;
                }
                cov
            };
            // bilinear texture sample
            let sx = (tx - 0.5).clamp(0.0, twf - 1.0);
            let sy = (ty - 0.5).clamp(0.0, thf - 1.0);
            let ix = (sx as usize).min(geo.tw - 1);
            let iy = (sy as usize).min(geo.th - 1);
            let ix1 = (ix + 1).min(geo.tw - 1);
            let iy1 = (iy + 1).min(geo.th - 1);
            let ax = (sx - ix as f64) as f32;
            let ay = (sy - iy as f64) as f32;
            let p00 = (iy * tw + ix) * 3;
            let p01 = (iy * tw + ix1) * 3;
            let p10 = (iy1 * tw + ix) * 3;
            let p11 = (iy1 * tw + ix1) * 3;
            let mut col = [0.0f32; 3];
            for c in 0..3 {
                let t0 = tpx[p00 + c] as f32 + (tpx[p01 + c] as f32 - tpx[p00 + c] as f32) * ax;
                let t1 = tpx[p10 + c] as f32 + (tpx[p11 + c] as f32 - tpx[p10 + c] as f32) * ax;
                col[c] = t0 + (t1 - t0) * ay;
            }
            if !gp.is_empty() {
                let g = glare_at(&gp, (tx / twf) as f32, (ty / thf) as f32);
                if g > 0.0 {
                    for c in col.iter_mut() {
                        *c += (256.0 - *c) * g;
                    }
                    glare[y * w + x] = (g * 255.0 + 0.5) as u8;
                }
            }
            let p = &mut row[x * 3..x * 3 + 3];
            for c in 0..3 {
                let b = p[c] as f32;
                p[c] = (b + (col[c] - b) * cov + 0.5).clamp(0.0, 255.0) as u8;
            }
            mrow[x] = (cov * 255.0 + 0.5) as u8;
        }
    }
    Composite { frame, mask, glare }
}
