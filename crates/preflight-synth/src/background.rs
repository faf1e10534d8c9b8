//! The procedural backgrounds (wood, fabric, clutter, ...).

use crate::*;

pub(crate) struct Bg {
    pub(crate) cv: Canvas,
    pub(crate) scale: f32,
    /// full-resolution fine texture amplitude (luma units, +/-)
    pub(crate) fine: f32,
}

pub(crate) fn render_background(spec: &SynthSpec, geo: &Geometry) -> Bg {
    let mut rng = stream(spec.seed, S_BG);
    // the background is rendered at <= 1200 px and upsampled (plus full-res fine texture)
    let scale = (geo.w.max(geo.h) as f32 / 1200.0).max(1.0);
    let bw = (geo.w as f32 / scale).ceil() as usize + 2;
    let bh = (geo.h as f32 / scale).ceil() as usize + 2;
    let unit = geo.w as f32 / scale; // frame width in bg px
    let mut cv = Canvas::new(bw, bh);
    let s1 = rng.next_u64() as u32;
    let s2 = rng.next_u64() as u32;
    let s3 = rng.next_u64() as u32;
    let kind = spec.background;

    let fill = |cv: &mut Canvas, f: &dyn Fn(f32, f32) -> Rgb| {
        for y in 0..bh {
            for x in 0..bw {
                let c = f(x as f32, y as f32);
                let p = &mut cv.px[(y * bw + x) * 3..(y * bw + x) * 3 + 3];
                p[0] = (c[0] + 0.5).clamp(0.0, 255.0) as u8;
                p[1] = (c[1] + 0.5).clamp(0.0, 255.0) as u8;
                p[2] = (c[2] + 0.5).clamp(0.0, 255.0) as u8;
            }
        }
    };
    let mottled = |cv: &mut Canvas, base: Rgb, amp: f32, sc: f32| {
        let f = move |x: f32, y: f32| {
            let m = fbm(x / (sc * unit), y / (sc * unit), s1, 3) - 0.5;
            scale3(base, 1.0 + amp * m)
        };
        fill(cv, &f);
    };

    let fine = match kind {
        Background::Wood => {
            let palette: [Rgb; 7] = [
                [196.0, 158.0, 112.0],
                [182.0, 134.0, 86.0],
                [150.0, 96.0, 62.0],
                [104.0, 72.0, 50.0],
                [160.0, 146.0, 128.0],
                [120.0, 84.0, 56.0],
                [214.0, 186.0, 146.0],
            ];
            let base = jitter(rng.pick(&palette), &mut rng, 8.0);
            let ang = if rng.chance(0.5) { 0.0 } else { PI / 2.0 } + rng.range(-0.12, 0.12) as f64;
            let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
            let plank = rng.range(0.12, 0.32) * unit;
            let ring_f = rng.range(2.0, 7.0) / plank;
            let ring_amp = rng.range(0.12, 0.28);
            let streak_f = rng.range(0.15, 0.45);
            let f = move |x: f32, y: f32| {
                let a = x * ca + y * sa;
                let c = -x * sa + y * ca;
                let pf = c / plank;
                let pi = ffloor(pf);
                let pc = pf - pi;
                let ph = hash2(pi as i32, 11, s2);
                let tone = 0.9 + 0.2 * ((ph >> 8) as f32 / 16_777_216.0);
                let ao = (ph & 0xffff) as f32;
                let warp = fbm((a + ao) / (0.45 * unit), c / (0.06 * unit), s1, 2);
                let r = c * ring_f + warp * 3.0 + (ph & 0xff) as f32 * 0.01;
                let fr = r - ffloor(r);
                let tri = (2.0 * fr - 1.0).abs();
                let ring = tri * tri * tri * tri;
                let streak = value_noise((a + ao) / (0.25 * unit), c * streak_f, s3);
                let seam_d = pc.min(1.0 - pc) * plank;
                let seam = (1.5 - seam_d).clamp(0.0, 1.0);
                let sh = tone * (1.0 - ring_amp * ring - 0.12 * streak) * (1.0 - 0.5 * seam);
                scale3(base, sh)
            };
            fill(&mut cv, &f);
            5.0
        }
        Background::Dark => {
            let pal: [Rgb; 4] = [
                [30.0, 30.0, 34.0],
                [22.0, 28.0, 45.0],
                [45.0, 40.0, 38.0],
                [35.0, 45.0, 38.0],
            ];
            let base = jitter(rng.pick(&pal), &mut rng, 6.0);
            mottled(&mut cv, base, 0.35, 0.25);
            3.0
        }
        Background::Light => {
            let pal: [Rgb; 4] = [
                [180.0, 178.0, 172.0],
                [196.0, 186.0, 166.0],
                [165.0, 170.0, 175.0],
                [200.0, 195.0, 188.0],
            ];
            let base = jitter(rng.pick(&pal), &mut rng, 8.0);
            mottled(&mut cv, base, 0.12, 0.3);
            4.0
        }
        Background::White => {
            let l = rng.range(232.0, 244.0);
            let base = [l + rng.range(-3.0, 3.0), l, l + rng.range(-4.0, 2.0)];
            mottled(&mut cv, base, 0.025, 0.4);
            2.0
        }
        Background::Pattern => {
            let mode = rng.below(3);
            let cell = rng.range(0.025, 0.09) * unit;
            let ang = rng.range(-0.8, 0.8) as f64;
            let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
            let c1 = jitter([rng.range(150.0, 235.0); 3], &mut rng, 25.0);
            let c2 = jitter([rng.range(40.0, 140.0); 3], &mut rng, 40.0);
            let sq = move |t: f32| -> f32 {
                // t in px; period 2*cell; returns -1..1 with 1 px AA ramps
                let p = t / (2.0 * cell);
                let f = p - ffloor(p);
                let s = if f < 0.5 { 1.0 } else { -1.0 };
                let d = f.min((f - 0.5).abs()).min(1.0 - f) * 2.0 * cell;
                s * (d * 2.0).min(1.0)
            };
            let f = move |x: f32, y: f32| {
                let u = x * ca + y * sa;
                let v = -x * sa + y * ca;
                let t = match mode {
                    0 => 0.5 + 0.5 * sq(u) * sq(v),
                    1 => 0.5 + 0.5 * sq(u),
                    _ => 0.25 * (2.0 + sq(u) + sq(v * 1.7)),
                };
                lerp3(c2, c1, t)
            };
            fill(&mut cv, &f);
            3.0
        }
        Background::Clutter => {
            let pal: [Rgb; 5] = [
                [150.0, 140.0, 128.0],
                [110.0, 100.0, 92.0],
                [175.0, 170.0, 160.0],
                [70.0, 72.0, 78.0],
                [140.0, 110.0, 80.0],
            ];
            let base = jitter(rng.pick(&pal), &mut rng, 10.0);
            mottled(&mut cv, base, 0.15, 0.3);
            draw_clutter(&mut cv, &mut rng, unit);
            4.0
        }
        Background::Fabric => {
            let base = [
                rng.range(50.0, 200.0),
                rng.range(50.0, 200.0),
                rng.range(50.0, 200.0),
            ];
            let period = rng.range(2.5, 5.0);
            let ang = rng.range(-0.3, 0.3) as f64;
            let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
            let f = move |x: f32, y: f32| {
                let u = (x * ca + y * sa) / period;
                let v = (-x * sa + y * ca) / period;
                let tu = (2.0 * (u - ffloor(u)) - 1.0).abs();
                let tv = (2.0 * (v - ffloor(v)) - 1.0).abs();
                let weave = 0.9 + 0.1 * (tu + tv);
                let m = fbm(x / (0.2 * unit), y / (0.2 * unit), s1, 3) - 0.5;
                let fold = fbm(x / (0.5 * unit), y / (0.08 * unit), s2, 2) - 0.5;
                scale3(base, weave * (1.0 + 0.2 * m + 0.25 * fold))
            };
            fill(&mut cv, &f);
            11.0
        }
    };

    // Drop shadow under the document.
    if spec.shadow > 0.0 && !spec.tight_crop {
        let mut lr = stream(spec.seed, S_LIGHT);
        let la = lr.f64() * 2.0 * PI;
        let (gx, gy) = (dcos(la), dsin(la));
        let off = (0.006 + 0.012 * spec.shadow as f64) * unit as f64;
        let soft = ((0.008 + 0.012 * spec.shadow as f64) * unit as f64) as f32;
        let q: Vec<[f32; 2]> = geo
            .quad
            .iter()
            .map(|p| {
                [
                    (p[0] / scale as f64 + gx * off) as f32,
                    (p[1] / scale as f64 + gy * off) as f32,
                ]
            })
            .collect();
        let cxm = q.iter().map(|p| p[0]).sum::<f32>() / 4.0;
        let cym = q.iter().map(|p| p[1]).sum::<f32>() / 4.0;
        // outward normals
        let mut edges = [[0.0f32; 3]; 4];
        for i in 0..4 {
            let a = q[i];
            let b = q[(i + 1) % 4];
            let (ex, ey) = (b[0] - a[0], b[1] - a[1]);
            let l = (ex * ex + ey * ey).sqrt().max(1e-6);
            let (mut nx, mut ny) = (ey / l, -ex / l);
            if (cxm - a[0]) * nx + (cym - a[1]) * ny > 0.0 {
                nx = -nx;
                ny = -ny;
            }
            edges[i] = [nx, ny, -(a[0] * nx + a[1] * ny)];
        }
        let minx = q.iter().map(|p| p[0]).fold(f32::INFINITY, f32::min) - 3.0 * soft;
        let maxx = q.iter().map(|p| p[0]).fold(f32::NEG_INFINITY, f32::max) + 3.0 * soft;
        let miny = q.iter().map(|p| p[1]).fold(f32::INFINITY, f32::min) - 3.0 * soft;
        let maxy = q.iter().map(|p| p[1]).fold(f32::NEG_INFINITY, f32::max) + 3.0 * soft;
        let strength = spec.shadow.clamp(0.0, 1.0) * 0.6;
        cv.paint(minx, miny, maxx, maxy, |x, y| {
            let mut d = f32::NEG_INFINITY;
            for e in &edges {
                d = d.max(e[0] * x + e[1] * y + e[2]);
            }
            let s = smoothstep(soft * 1.5, -soft, d);
            ([0.0, 0.0, 0.0], s * strength)
        });
    }
    Bg { cv, scale, fine }
}

pub(crate) fn draw_clutter(cv: &mut Canvas, rng: &mut SplitMix64, unit: f32) {
    let (w, h) = (cv.w as f32, cv.h as f32);
    let n = 7 + rng.below(10);
    for _ in 0..n {
        let cx = rng.range(-0.05, 1.05) * w;
        let cy = rng.range(-0.05, 1.05) * h;
        let ang = rng.f64() * PI;
        match rng.below(7) {
            0 => {
                // paper sheet with text lines
                let hw = rng.range(0.10, 0.20) * unit;
                let hh = hw * 1.41;
                let col = jitter([238.0, 238.0, 232.0], rng, 6.0);
                cv.rot_rect(cx + 3.0, cy + 4.0, hw, hh, ang, 1.0, [0.0; 3], 0.25);
                cv.rot_rect(cx, cy, hw, hh, ang, 1.0, col, 1.0);
                let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
                let lines = 12 + rng.below(16);
                for i in 0..lines {
                    let ly = -hh * 0.8 + i as f32 * (hh * 1.5 / lines as f32);
                    let lx = rng.range(0.4, 0.8) * hw;
                    let (px, py) = (cx - ly * sa, cy + ly * ca);
                    cv.rot_rect(
                        px + ca * (lx - hw * 0.8) * 0.5,
                        py + sa * (lx - hw * 0.8) * 0.5,
                        lx,
                        0.0012 * unit,
                        ang,
                        0.0,
                        [90.0, 90.0, 100.0],
                        0.7,
                    );
                }
            }
            1 => {
                // phone
                let hw = rng.range(0.035, 0.045) * unit;
                let hh = hw * 2.05;
                cv.rot_rect(
                    cx,
                    cy,
                    hw,
                    hh,
                    ang,
                    hw * 0.2,
                    jitter([28.0, 28.0, 32.0], rng, 6.0),
                    1.0,
                );
                cv.rot_rect(
                    cx,
                    cy,
                    hw * 0.9,
                    hh * 0.92,
                    ang,
                    hw * 0.1,
                    jitter([50.0, 55.0, 70.0], rng, 10.0),
                    1.0,
                );
            }
            2 => {
                // pen
                let len = rng.range(0.1, 0.2) * unit;
                let wd = rng.range(0.008, 0.013) * unit;
                let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
                let col = rng.pick(&[
                    [30.0, 50.0, 160.0],
                    [170.0, 30.0, 30.0],
                    [20.0, 20.0, 20.0],
                    [30.0, 120.0, 60.0],
                    [220.0, 200.0, 60.0],
                ]);
                cv.segment(
                    cx - ca * len,
                    cy - sa * len,
                    cx + ca * len,
                    cy + sa * len,
                    wd,
                    col,
                    1.0,
                );
                cv.segment(
                    cx + ca * len * 0.6,
                    cy + sa * len * 0.6,
                    cx + ca * len,
                    cy + sa * len,
                    wd * 1.1,
                    scale3(col, 0.6),
                    1.0,
                );
            }
            3 => {
                // coin
                let r = rng.range(0.012, 0.025) * unit;
                let col = rng.pick(&[
                    [190.0, 160.0, 90.0],
                    [185.0, 185.0, 180.0],
                    [160.0, 110.0, 70.0],
                ]);
                cv.ellipse(cx, cy, r, r, scale3(col, 0.75), 1.0);
                cv.ellipse(cx, cy, r * 0.85, r * 0.85, col, 1.0);
                cv.ellipse(
                    cx - r * 0.2,
                    cy - r * 0.2,
                    r * 0.4,
                    r * 0.4,
                    scale3(col, 1.12),
                    0.5,
                );
            }
            4 => {
                // mug from above
                let r = rng.range(0.045, 0.07) * unit;
                let col = jitter([rng.range(60.0, 230.0); 3], rng, 40.0);
                cv.ellipse(cx + 4.0, cy + 5.0, r * 1.05, r * 1.05, [0.0; 3], 0.3);
                cv.ellipse(cx, cy, r, r, col, 1.0);
                cv.ellipse(cx, cy, r * 0.85, r * 0.85, [70.0, 45.0, 30.0], 1.0);
                let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
                cv.segment(
                    cx + ca * r,
                    cy + sa * r,
                    cx + ca * r * 1.45,
                    cy + sa * r * 1.45,
                    r * 0.25,
                    col,
                    1.0,
                );
            }
            5 => {
                // notebook / book
                let hw = rng.range(0.08, 0.16) * unit;
                let hh = hw * rng.range(1.2, 1.5);
                let col = jitter(
                    [
                        rng.range(40.0, 200.0),
                        rng.range(40.0, 200.0),
                        rng.range(40.0, 200.0),
                    ],
                    rng,
                    10.0,
                );
                cv.rot_rect(cx + 4.0, cy + 5.0, hw, hh, ang, 2.0, [0.0; 3], 0.3);
                cv.rot_rect(cx, cy, hw, hh, ang, 2.0, col, 1.0);
                cv.rot_rect(cx, cy, hw * 0.15, hh * 0.3, ang, 1.0, scale3(col, 1.3), 0.8);
            }
            _ => {
                // keys / blobs
                let col = jitter([150.0, 150.0, 145.0], rng, 20.0);
                let r = rng.range(0.01, 0.02) * unit;
                let m = 2 + rng.below(3);
                for j in 0..m {
                    let dx = rng.range(-3.0, 3.0) * r;
                    let dy = rng.range(-3.0, 3.0) * r;
                    cv.ellipse(
                        cx + dx,
                        cy + dy,
                        r * rng.range(0.8, 1.6),
                        r * rng.range(0.5, 1.0),
                        scale3(col, 0.85 + 0.1 * j as f32),
                        1.0,
                    );
                }
                cv.ellipse(cx, cy, r * 1.3, r * 1.3, scale3(col, 0.6), 1.0);
                cv.ellipse(cx, cy, r * 0.8, r * 0.8, [100.0, 100.0, 100.0], 0.0);
            }
        }
    }
}
