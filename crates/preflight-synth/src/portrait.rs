//! The document's portrait and signature.

use crate::*;

pub(crate) const SKINS: [Rgb; 6] = [
    [226.0, 192.0, 162.0],
    [208.0, 166.0, 130.0],
    [184.0, 134.0, 100.0],
    [150.0, 104.0, 74.0],
    [112.0, 76.0, 54.0],
    [88.0, 60.0, 44.0],
];
pub(crate) const HAIRS: [Rgb; 5] = [
    [25.0, 20.0, 18.0],
    [60.0, 40.0, 28.0],
    [100.0, 70.0, 40.0],
    [150.0, 120.0, 80.0],
    [120.0, 118.0, 115.0],
];
pub(crate) const CLOTHES: [Rgb; 5] = [
    [30.0, 35.0, 60.0],
    [25.0, 25.0, 28.0],
    [90.0, 90.0, 95.0],
    [100.0, 30.0, 40.0],
    [40.0, 70.0, 60.0],
];

pub(crate) fn draw_face(d: &mut Doc, rng: &mut SplitMix64, b: [f32; 4]) {
    let [x0, y0, x1, y1] = b;
    let w = x1 - x0;
    let h = y1 - y0;
    let cx = x0 + w * 0.5 + rng.range(-0.03, 0.03) * w;
    let k = d.k;
    let bg_top = cap_luma(jitter([200.0, 208.0, 218.0], rng, 10.0), 215.0);
    let bg_bot = scale3(bg_top, 0.88);
    d.cv.paint(x0 * k, y0 * k, x1 * k, y1 * k, |_, y| {
        let t = ((y / k - y0) / h).clamp(0.0, 1.0);
        (lerp3(bg_top, bg_bot, t), 1.0)
    });
    let skin = jitter(rng.pick(&SKINS), rng, 6.0);
    let hair = jitter(rng.pick(&HAIRS), rng, 5.0);
    let cloth = jitter(rng.pick(&CLOTHES), rng, 6.0);
    let shade = scale3(skin, 0.8);
    let full = d.cv.clip;
    d.cv.clip = [
        (x0 * k).round() as usize,
        (y0 * k).round() as usize,
        ((x1 * k).round() as usize).min(d.cv.w),
        ((y1 * k).round() as usize).min(d.cv.h),
    ];
    // clip drawing to the photo box by drawing into a sub-area: primitives are kept inside
    let hr = rng.range(0.26, 0.30);
    // shoulders
    d.ellipse(cx, y1 + 0.12 * h, 0.46 * w, 0.30 * h, cloth, 1.0);
    // neck
    d.rect(
        cx - 0.11 * w,
        y0 + 0.58 * h,
        cx + 0.11 * w,
        y0 + 0.86 * h,
        shade,
        1.0,
    );
    // hair back
    d.ellipse(cx, y0 + 0.40 * h, (hr + 0.06) * w, 0.30 * h, hair, 1.0);
    // head
    d.ellipse(cx, y0 + 0.45 * h, hr * w, 0.27 * h, skin, 1.0);
    // ears
    d.ellipse(cx - hr * w, y0 + 0.46 * h, 0.04 * w, 0.05 * h, shade, 1.0);
    d.ellipse(cx + hr * w, y0 + 0.46 * h, 0.04 * w, 0.05 * h, shade, 1.0);
    // fringe
    d.ellipse(
        cx,
        y0 + 0.24 * h,
        (hr + 0.02) * w,
        rng.range(0.08, 0.13) * h,
        hair,
        1.0,
    );
    // eyes & brows
    let ey = y0 + 0.43 * h;
    let dark: Rgb = [35.0, 28.0, 26.0];
    for s in [-1.0f32, 1.0] {
        let ex = cx + s * 0.105 * w;
        d.ellipse(ex, ey, 0.045 * w, 0.016 * h, [235.0, 230.0, 225.0], 1.0);
        d.ellipse(ex, ey, 0.022 * w, 0.015 * h, dark, 1.0);
        d.rect(
            ex - 0.06 * w,
            ey - 0.045 * h,
            ex + 0.06 * w,
            ey - 0.033 * h,
            hair,
            1.0,
        );
    }
    // nose & mouth
    d.segment(
        cx,
        ey + 0.02 * h,
        cx - 0.02 * w,
        y0 + 0.54 * h,
        0.02 * w,
        shade,
        0.8,
    );
    d.ellipse(
        cx,
        y0 + 0.60 * h,
        0.07 * w,
        0.014 * h,
        [150.0, 70.0, 70.0],
        0.9,
    );
    d.cv.clip = full;
}

pub(crate) fn draw_signature(d: &mut Doc, rng: &mut SplitMix64, b: [f32; 4]) {
    let [x0, y0, x1, y1] = b;
    let col: Rgb = jitter([30.0, 40.0, 110.0], rng, 10.0);
    let (bw, bh) = (x1 - x0, y1 - y0);
    // a few pen strokes, each a sum of random harmonics (loops and slants)
    let strokes = 1 + rng.below(3);
    let mut sx = x0;
    for _ in 0..strokes {
        let len = bw * rng.range(0.25, 0.6);
        let n = 80;
        let mut harm = [(0.0f64, 0.0f64, 0.0f32, 0.0f32); 4];
        for hm in harm.iter_mut() {
            *hm = (
                rng.range(1.0, 9.0) as f64,
                rng.f64() * 2.0 * PI,
                rng.range(0.05, 0.3),
                rng.range(0.02, 0.12),
            );
        }
        let slant = rng.range(-0.3, 0.3);
        let mut prev: Option<(f32, f32)> = None;
        for i in 0..=n {
            let t = i as f64 / n as f64;
            let mut x = sx + len * t as f32;
            let mut y = (y0 + y1) * 0.5;
            for &(f, ph, ay, ax) in &harm {
                y += bh * ay * dsin(t * f * 2.0 * PI + ph) as f32;
                x += bw * ax * dcos(t * f * 2.0 * PI + ph) as f32;
            }
            x += slant * (y - (y0 + y1) * 0.5);
            let (x, y) = (x.clamp(x0, x1), y.clamp(y0, y1));
            if let Some((px, py)) = prev {
                d.segment(px, py, x, y, 0.28, col, 1.0);
            }
            prev = Some((x, y));
        }
        sx += len * rng.range(0.7, 1.05);
        if sx > x1 - bw * 0.15 {
            break;
        }
    }
}
