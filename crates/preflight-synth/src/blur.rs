//! Defocus and motion blur.

use crate::*;

/// Separable gaussian blur (exact kernel for small sigma, 3 box passes above).
pub fn gaussian_blur(img: &mut [u8], w: usize, h: usize, sigma: f32) {
    if sigma < 0.2 || w == 0 || h == 0 {
        return;
    }
    if sigma <= 3.0 {
        let r = (3.0 * sigma).ceil() as usize;
        let mut wts: Vec<i32> = (0..=2 * r)
            .map(|i| {
                let d = i as f64 - r as f64;
                (dexp(-d * d / (2.0 * sigma as f64 * sigma as f64)) * 1e6) as i32
            })
            .collect();
        let sum: i64 = wts.iter().map(|&v| v as i64).sum();
        for v in wts.iter_mut() {
            *v = ((*v as i64 * 4096 + sum / 2) / sum) as i32;
        }
        let s2: i32 = wts.iter().sum();
        wts[r] += 4096 - s2;
        conv_h(img, w, h, &wts);
        conv_v(img, w, h, &wts);
    } else {
        let sizes = boxes_for_gauss(sigma as f64);
        for &b in &sizes {
            box_h(img, w, h, b / 2);
        }
        for &b in &sizes {
            box_v(img, w, h, b / 2);
        }
    }
}

pub(crate) fn boxes_for_gauss(sigma: f64) -> [usize; 3] {
    let n = 3.0;
    let w_ideal = (12.0 * sigma * sigma / n + 1.0).sqrt();
    let mut wl = w_ideal.floor() as i64;
    if wl % 2 == 0 {
        wl -= 1;
    }
    let wu = wl + 2;
    let wlf = wl as f64;
    let m_ideal =
        (12.0 * sigma * sigma - n * wlf * wlf - 4.0 * n * wlf - 3.0 * n) / (-4.0 * wlf - 4.0);
    let m = m_ideal.round() as i64;
    let mut out = [0usize; 3];
    for (i, o) in out.iter_mut().enumerate() {
        *o = if (i as i64) < m { wl } else { wu }.max(1) as usize;
    }
    out
}

pub(crate) fn conv_h(img: &mut [u8], w: usize, h: usize, wts: &[i32]) {
    let r = wts.len() / 2;
    let mut pad = vec![0u8; (w + 2 * r) * 3];
    let mut acc = vec![0i32; w * 3];
    for y in 0..h {
        let row = &mut img[y * w * 3..(y + 1) * w * 3];
        for i in 0..w + 2 * r {
            let sx = (i as isize - r as isize).clamp(0, w as isize - 1) as usize;
            pad[i * 3..i * 3 + 3].copy_from_slice(&row[sx * 3..sx * 3 + 3]);
        }
        acc.iter_mut().for_each(|a| *a = 2048);
        for (k, &wt) in wts.iter().enumerate() {
            let src = &pad[k * 3..k * 3 + w * 3];
            for (a, &s) in acc.iter_mut().zip(src) {
                *a += wt * s as i32;
            }
        }
        for (o, &a) in row.iter_mut().zip(&acc) {
            *o = (a >> 12).clamp(0, 255) as u8;
        }
    }
}

pub(crate) fn conv_v(img: &mut [u8], w: usize, h: usize, wts: &[i32]) {
    let r = wts.len() / 2;
    let src = img.to_vec();
    let stride = w * 3;
    let mut acc = vec![0i32; stride];
    for y in 0..h {
        acc.iter_mut().for_each(|a| *a = 2048);
        for (k, &wt) in wts.iter().enumerate() {
            let sy = (y as isize + k as isize - r as isize).clamp(0, h as isize - 1) as usize;
            let srow = &src[sy * stride..(sy + 1) * stride];
            for (a, &s) in acc.iter_mut().zip(srow) {
                *a += wt * s as i32;
            }
        }
        for (o, &a) in img[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = (a >> 12).clamp(0, 255) as u8;
        }
    }
}

pub(crate) fn box_h(img: &mut [u8], w: usize, h: usize, r: usize) {
    if r == 0 {
        return;
    }
    let n = (2 * r + 1) as u64;
    let inv = (1u64 << 32) / n;
    let mut pad = vec![0u8; (w + 2 * r + 1) * 3];
    for y in 0..h {
        let row = &mut img[y * w * 3..(y + 1) * w * 3];
        for i in 0..w + 2 * r + 1 {
            let sx = (i as isize - r as isize).clamp(0, w as isize - 1) as usize;
            pad[i * 3..i * 3 + 3].copy_from_slice(&row[sx * 3..sx * 3 + 3]);
        }
        let mut sum = [0u32; 3];
        for i in 0..2 * r + 1 {
            for c in 0..3 {
                sum[c] += pad[i * 3 + c] as u32;
            }
        }
        for x in 0..w {
            for c in 0..3 {
                row[x * 3 + c] = ((sum[c] as u64 * inv + (1 << 31)) >> 32) as u8;
                sum[c] = sum[c] + pad[(x + 2 * r + 1) * 3 + c] as u32 - pad[x * 3 + c] as u32;
            }
        }
    }
}

pub(crate) fn box_v(img: &mut [u8], w: usize, h: usize, r: usize) {
    if r == 0 {
        return;
    }
    let n = (2 * r + 1) as u32;
    let inv = (1u64 << 32) / n as u64;
    let stride = w * 3;
    let src = img.to_vec();
    let row = |i: isize| {
        let y = i.clamp(0, h as isize - 1) as usize;
        &src[y * stride..(y + 1) * stride]
    };
    let mut acc = vec![0u32; stride];
    for i in -(r as isize)..=(r as isize) {
        for (a, &s) in acc.iter_mut().zip(row(i)) {
            *a += s as u32;
        }
    }
    for y in 0..h {
        for (o, &a) in img[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = ((a as u64 * inv + (1 << 31)) >> 32) as u8;
        }
        let add = row(y as isize + r as isize + 1);
        let sub = row(y as isize - r as isize);
        for ((a, &p), &m) in acc.iter_mut().zip(add).zip(sub) {
            *a = *a + p as u32 - m as u32;
        }
    }
}

/// Linear motion blur of `len` px along `angle` (radians, 0 = horizontal).
pub fn motion_blur(img: &mut Vec<u8>, w: usize, h: usize, len: f32, angle: f64) {
    let n = len.round() as i64;
    if n < 2 || w == 0 || h == 0 {
        return;
    }
    let (dx, dy) = (dcos(angle), dsin(angle));
    if dx.abs() >= dy.abs() {
        motion_blur_h(img, w, h, n as usize, dy / dx);
    } else {
        let (mut t, tw, th) = transpose(img, w, h);
        motion_blur_h(&mut t, tw, th, n as usize, dx / dy);
        let (back, _, _) = transpose(&t, tw, th);
        *img = back;
    }
}

pub(crate) fn transpose(img: &[u8], w: usize, h: usize) -> (Vec<u8>, usize, usize) {
    let mut out = vec![0u8; w * h * 3];
    const B: usize = 32;
    for by in (0..h).step_by(B) {
        for bx in (0..w).step_by(B) {
            for y in by..(by + B).min(h) {
                for x in bx..(bx + B).min(w) {
                    let s = (y * w + x) * 3;
                    let d = (x * h + y) * 3;
                    out[d..d + 3].copy_from_slice(&img[s..s + 3]);
                }
            }
        }
    }
    (out, h, w)
}

/// Motion blur along lines x -> (x, c + round(x*s)), |s| <= 1, n taps, via prefix sums per line.
pub(crate) fn motion_blur_h(img: &mut [u8], w: usize, h: usize, n: usize, s: f64) {
    let src = img.to_vec();
    let pad = n as i64;
    let lo_t = (n as i64 - 1) / 2;
    let hi_t = n as i64 - 1 - lo_t;
    let span = w as i64 + 2 * pad;
    let offs: Vec<i64> = (0..span)
        .map(|i| ((i - pad) as f64 * s).round() as i64)
        .collect();
    let omin = *offs.iter().min().unwrap();
    let omax = *offs.iter().max().unwrap();
    let mut pre = vec![[0u32; 3]; span as usize + 1];
    let inv = (1u64 << 32) / n as u64;
    let hh = h as i64;
    for c in (-omax)..(hh - omin) {
        // range of x (0..w) where the line is inside the image
        let mut xlo = i64::MAX;
        let mut xhi = i64::MIN;
        for x in 0..w as i64 {
            let yy = c + offs[(x + pad) as usize];
            if yy >= 0 && yy < hh {
                xlo = xlo.min(x);
                xhi = xhi.max(x);
            }
        }
        if xlo > xhi {
            continue;
        }
        let ilo = (xlo - lo_t).max(-pad) + pad; // index into offs
        let ihi = (xhi + hi_t).min(w as i64 - 1 + pad) + pad;
        pre[ilo as usize] = [0; 3];
        for i in ilo..=ihi {
            let x = (i - pad).clamp(0, w as i64 - 1) as usize;
            let yy = (c + offs[i as usize]).clamp(0, hh - 1) as usize;
            let p = (yy * w + x) * 3;
            let prev = pre[i as usize];
            pre[i as usize + 1] = [
                prev[0] + src[p] as u32,
                prev[1] + src[p + 1] as u32,
                prev[2] + src[p + 2] as u32,
            ];
        }
        for x in xlo..=xhi {
            let yy = c + offs[(x + pad) as usize];
            if yy < 0 || yy >= hh {
                continue;
            }
            let a = (x + pad - lo_t) as usize;
            let b = (x + pad + hi_t + 1) as usize;
            let p = (yy as usize * w + x as usize) * 3;
            for k in 0..3 {
                let sum = pre[b][k] - pre[a][k];
                img[p + k] = ((sum as u64 * inv + (1 << 31)) >> 32).min(255) as u8;
            }
        }
    }
}
