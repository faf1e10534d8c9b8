//! A raster canvas with anti-aliased primitives.

use crate::*;

pub(crate) struct Canvas {
    pub(crate) w: usize,
    pub(crate) h: usize,
    pub(crate) px: Vec<u8>,
    /// drawing is restricted to [x0, x1) x [y0, y1)
    pub(crate) clip: [usize; 4],
}

pub(crate) type Rgb = [f32; 3];

#[inline]
pub(crate) fn blend_px(p: &mut [u8], c: Rgb, a: f32) {
    if a <= 0.0 {
        return;
    }
    if a >= 1.0 {
        p[0] = (c[0] + 0.5).clamp(0.0, 255.0) as u8;
        p[1] = (c[1] + 0.5).clamp(0.0, 255.0) as u8;
        p[2] = (c[2] + 0.5).clamp(0.0, 255.0) as u8;
        return;
    }
    for i in 0..3 {
        let v = p[i] as f32;
        p[i] = (v + (c[i] - v) * a + 0.5).clamp(0.0, 255.0) as u8;
    }
}

#[inline]
pub(crate) fn overlap(i: usize, a: f32, b: f32) -> f32 {
    let lo = (i as f32).max(a);
    let hi = (i as f32 + 1.0).min(b);
    (hi - lo).clamp(0.0, 1.0)
}

pub(crate) fn rr_sdf(px: f32, py: f32, cx: f32, cy: f32, hw: f32, hh: f32, r: f32) -> f32 {
    let qx = (px - cx).abs() - (hw - r);
    let qy = (py - cy).abs() - (hh - r);
    let ox = qx.max(0.0);
    let oy = qy.max(0.0);
    (ox * ox + oy * oy).sqrt() + qx.max(qy).min(0.0) - r
}

pub(crate) fn ellipse_sdf(px: f32, py: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> f32 {
    let nx = (px - cx) / rx;
    let ny = (py - cy) / ry;
    let d = (nx * nx + ny * ny).sqrt();
    if d < 1e-6 {
        return -rx.min(ry);
    }
    let gx = nx / rx;
    let gy = ny / ry;
    let g = (gx * gx + gy * gy).sqrt() / d;
    (d - 1.0) / g
}

pub(crate) fn seg_dist(px: f32, py: f32, x0: f32, y0: f32, x1: f32, y1: f32) -> f32 {
    let dx = x1 - x0;
    let dy = y1 - y0;
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((px - x0) * dx + (py - y0) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let ex = px - (x0 + t * dx);
    let ey = py - (y0 + t * dy);
    (ex * ex + ey * ey).sqrt()
}

impl Canvas {
    pub(crate) fn new(w: usize, h: usize) -> Canvas {
        Canvas {
            w,
            h,
            px: vec![0; w * h * 3],
            clip: [0, 0, w, h],
        }
    }

    /// Calls `f(x, y)` (pixel centres) for every pixel in the bbox; f returns colour and alpha.
    pub(crate) fn paint(
        &mut self,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        mut f: impl FnMut(f32, f32) -> (Rgb, f32),
    ) {
        let [cx0, cy0, cx1, cy1] = self.clip;
        let ix0 = (x0.floor().max(0.0) as usize).max(cx0);
        let iy0 = (y0.floor().max(0.0) as usize).max(cy0);
        let ix1 = (x1.ceil().max(0.0) as usize).min(cx1);
        let iy1 = (y1.ceil().max(0.0) as usize).min(cy1);
        for y in iy0..iy1 {
            let row = &mut self.px[y * self.w * 3..(y + 1) * self.w * 3];
            let fy = y as f32 + 0.5;
            for x in ix0..ix1 {
                let (c, a) = f(x as f32 + 0.5, fy);
                if a > 0.0 {
                    blend_px(&mut row[x * 3..x * 3 + 3], c, a);
                }
            }
        }
    }

    /// Fill the region where `sdf < 0` (sdf in px), anti-aliased.
    pub(crate) fn fill_sdf(
        &mut self,
        bb: [f32; 4],
        c: Rgb,
        alpha: f32,
        sdf: impl Fn(f32, f32) -> f32,
    ) {
        self.paint(
            bb[0] - 1.0,
            bb[1] - 1.0,
            bb[2] + 1.0,
            bb[3] + 1.0,
            |x, y| (c, (0.5 - sdf(x, y)).clamp(0.0, 1.0) * alpha),
        );
    }

    pub(crate) fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb, alpha: f32) {
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let [cx0, cy0, cx1, cy1] = self.clip;
        let ix0 = (x0.floor().max(0.0) as usize).max(cx0);
        let iy0 = (y0.floor().max(0.0) as usize).max(cy0);
        let ix1 = (x1.ceil().max(0.0) as usize).min(cx1);
        let iy1 = (y1.ceil().max(0.0) as usize).min(cy1);
        for y in iy0..iy1 {
            let cy = overlap(y, y0, y1) * alpha;
            let row = &mut self.px[y * self.w * 3..(y + 1) * self.w * 3];
            for x in ix0..ix1 {
                let a = overlap(x, x0, x1) * cy;
                blend_px(&mut row[x * 3..x * 3 + 3], c, a);
            }
        }
    }

    pub(crate) fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgb, alpha: f32) {
        self.fill_sdf([cx - rx, cy - ry, cx + rx, cy + ry], c, alpha, |x, y| {
            ellipse_sdf(x, y, cx, cy, rx, ry)
        });
    }

    #[allow(clippy::too_many_arguments)] // a drawing primitive: coordinates, size, colour, alpha
    pub(crate) fn segment(
        &mut self,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        width: f32,
        c: Rgb,
        alpha: f32,
    ) {
        let hw = width * 0.5;
        self.fill_sdf(
            [
                x0.min(x1) - hw,
                y0.min(y1) - hw,
                x0.max(x1) + hw,
                y0.max(y1) + hw,
            ],
            c,
            alpha,
            |x, y| seg_dist(x, y, x0, y0, x1, y1) - hw,
        );
    }

    /// Rotated rounded rectangle centred at (cx, cy) with half sizes (hw, hh).
    #[allow(clippy::too_many_arguments)] // a drawing primitive: coordinates, size, colour, alpha
    pub(crate) fn rot_rect(
        &mut self,
        cx: f32,
        cy: f32,
        hw: f32,
        hh: f32,
        ang: f64,
        r: f32,
        c: Rgb,
        alpha: f32,
    ) {
        let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
        let ext = (hw * hw + hh * hh).sqrt();
        self.fill_sdf(
            [cx - ext, cy - ext, cx + ext, cy + ext],
            c,
            alpha,
            |x, y| {
                let dx = x - cx;
                let dy = y - cy;
                let lx = dx * ca + dy * sa;
                let ly = -dx * sa + dy * ca;
                rr_sdf(lx, ly, 0.0, 0.0, hw, hh, r.min(hw).min(hh))
            },
        );
    }
}
