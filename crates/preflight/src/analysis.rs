//! Stage 4: the analysis plane every check reads.
//!
//! One downscaled copy per image, long side ≤ [`ANALYSIS_LONG_SIDE`], in the upright
//! frame: luma plus the two chroma planes. Built once with `fast_image_resize` from the
//! decoded buffer (no full-size rotated copy is made), then turned upright (cheap at this size).

use crate::decode::{Decoded, Layout};
use crate::error::{Error, ErrorKind, Result};
use crate::orient::Orientation;
use fast_image_resize as fir;

/// Long side of the analysis plane, in pixels.
pub const ANALYSIS_LONG_SIDE: u32 = 1024;

/// The downscaled, upright planes the checks run on.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Plane width.
    pub width: u32,
    /// Plane height.
    pub height: u32,
    /// Upright image pixels per plane pixel (≥ 1).
    pub scale: f32,
    /// Luma (BT.601), row-major.
    pub luma: Vec<u8>,
    /// Cb, centred on 128.
    pub cb: Vec<u8>,
    /// Cr, centred on 128.
    pub cr: Vec<u8>,
}

impl Analysis {
    /// Luma at `(x, y)`.
    pub fn y(&self, x: u32, y: u32) -> u8 {
        self.luma[(y * self.width + x) as usize]
    }
}

/// The plane size for an image of `w × h`: the long side at most `ANALYSIS_LONG_SIDE`,
/// aspect kept, never upscaled.
pub fn plane_size(w: u32, h: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= ANALYSIS_LONG_SIDE {
        return (w, h);
    }
    let s = f64::from(ANALYSIS_LONG_SIDE) / f64::from(long);
    let pw = ((f64::from(w) * s).round() as u32).max(1);
    let ph = ((f64::from(h) * s).round() as u32).max(1);
    (pw, ph)
}

/// Build the analysis plane from decoded pixels (stored orientation) and the orientation.
pub fn build(
    pixels: &[u8],
    decoded: &Decoded,
    orientation: Orientation,
    resizer: &mut fir::Resizer,
) -> Result<Analysis> {
    let (sw, sh) = (decoded.width, decoded.height);
    let (pw, ph) = plane_size(sw, sh);
    let resized: Vec<u8>;
    let small: &[u8] = if (pw, ph) == (sw, sh) {
        &pixels[..sw as usize * sh as usize * 3]
    } else {
        let src = fir::images::ImageRef::new(sw, sh, pixels, fir::PixelType::U8x3)
            .map_err(|e| Error::new(ErrorKind::InternalError, format!("analysis plane: {e}")))?;
        let mut dst = fir::images::Image::new(pw, ph, fir::PixelType::U8x3);
        let options =
            fir::ResizeOptions::new().resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Box));
        resizer
            .resize(&src, &mut dst, &options)
            .map_err(|e| Error::new(ErrorKind::InternalError, format!("analysis plane: {e}")))?;
        resized = dst.into_vec();
        &resized
    };
    // Turn upright and split into planes in one pass.
    let (width, height) = orientation.upright_size(pw, ph);
    let (luma, cb, cr) = match decoded.layout {
        Layout::Ycbcr => split_upright(small, (pw, ph), orientation, |p| (p[0], p[1], p[2])),
        Layout::Rgb => split_upright(small, (pw, ph), orientation, |p| {
            jpeg_encoder::rgb_to_ycbcr(p[0], p[1], p[2])
        }),
    };
    let (uw, _) = orientation.upright_size(sw, sh);
    Ok(Analysis {
        width,
        height,
        scale: uw as f32 / width as f32,
        luma,
        cb,
        cr,
    })
}

/// The upright copy of interleaved 3-byte pixels (`sw × sh`, stored orientation) as three
/// planes, each pixel converted by `convert`.
#[inline(always)]
fn split_upright(
    src: &[u8],
    (sw, sh): (u32, u32),
    o: Orientation,
    convert: impl Fn(&[u8; 3]) -> (u8, u8, u8),
) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (uw, uh) = o.upright_size(sw, sh);
    let (uw, n) = (uw as usize, uw as usize * uh as usize);
    let (mut p0, mut p1, mut p2) = (vec![0u8; n], vec![0u8; n], vec![0u8; n]);
    let src = &src[..sw as usize * sh as usize * 3];
    let rows = p0
        .chunks_exact_mut(uw)
        .zip(p1.chunks_exact_mut(uw))
        .zip(p2.chunks_exact_mut(uw));
    for (uy, ((r0, r1), r2)) in rows.enumerate() {
        let walk = o.row(uy as u32, sw, sh);
        if walk.step == 1 {
            let at = walk.start as usize * 3;
            for (((px, v0), v1), v2) in src[at..at + uw * 3]
                .chunks_exact(3)
                .zip(r0.iter_mut())
                .zip(r1.iter_mut())
                .zip(r2.iter_mut())
            {
                (*v0, *v1, *v2) = convert(&[px[0], px[1], px[2]]);
            }
        } else {
            let mut idx = walk.start;
            for ((v0, v1), v2) in r0.iter_mut().zip(r1.iter_mut()).zip(r2.iter_mut()) {
                let at = idx as usize * 3;
                let px: &[u8; 3] = src[at..at + 3].try_into().expect("3 bytes");
                (*v0, *v1, *v2) = convert(px);
                idx += walk.step;
            }
        }
    }
    (p0, p1, p2)
}

/// Mean luma, 0..255.
pub fn brightness(a: &Analysis) -> f64 {
    if a.luma.is_empty() {
        return 0.0;
    }
    sum_u8(&a.luma) as f64 / a.luma.len() as f64
}

/// Variance of the 4-neighbour Laplacian over the plane (the classic focus measure).
pub fn laplacian_variance(a: &Analysis) -> f64 {
    let (w, h) = (a.width as usize, a.height as usize);
    if w < 3 || h < 3 {
        return 0.0;
    }
    let (mut sum, mut sum2, mut n) = (0f64, 0f64, 0u64);
    for y in 1..h - 1 {
        let row = &a.luma[y * w..(y + 1) * w];
        let up = &a.luma[(y - 1) * w + 1..y * w - 1];
        let down = &a.luma[(y + 1) * w + 1..(y + 2) * w - 1];
        let (mut s, mut s2) = (0i64, 0i64);
        // Chunks short enough for 32-bit sums: |l| ≤ 1020, so l² · 1024 < 2³¹.
        let mut x = 0;
        for ((up, down), centre) in up
            .chunks(LAPLACIAN_CHUNK)
            .zip(down.chunks(LAPLACIAN_CHUNK))
            .zip(row[1..w - 1].chunks(LAPLACIAN_CHUNK))
        {
            let k = centre.len();
            let (left, right) = (&row[x..x + k], &row[x + 2..x + 2 + k]);
            let (mut cs, mut cs2) = (0i32, 0i32);
            for i in 0..k {
                // |l| ≤ 1020: 16 bits are enough, and 16-bit lanes vectorise best.
                let l = i16::from(up[i])
                    + i16::from(down[i])
                    + i16::from(left[i])
                    + i16::from(right[i])
                    - 4 * i16::from(centre[i]);
                cs += i32::from(l);
                cs2 += i32::from(l) * i32::from(l);
            }
            s += i64::from(cs);
            s2 += i64::from(cs2);
            x += k;
        }
        sum += s as f64;
        sum2 += s2 as f64;
        n += (w - 2) as u64;
    }
    let mean = sum / n as f64;
    sum2 / n as f64 - mean * mean
}

const LAPLACIAN_CHUNK: usize = 1024;

/// Sum of bytes.
fn sum_u8(v: &[u8]) -> u64 {
    sum_by(v, |v| v)
}

/// Σ f(v) over bytes, with 16-bit partial sums (256 × 255 fits) so the loop vectorises
/// into wide lanes.
#[inline(always)]
fn sum_by(v: &[u8], f: impl Fn(u8) -> u8) -> u64 {
    v.chunks(256)
        .map(|c| u64::from(c.iter().map(|&v| u16::from(f(v))).sum::<u16>()))
        .sum()
}

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
    fn slices<'a>(&'a self, plane: &'a [u8], width: u32) -> impl Iterator<Item = &'a [u8]> + 'a {
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

/// Mean luma over the mask.
pub fn mean_luma(a: &Analysis, m: &Mask) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let sum: u64 = m.slices(&a.luma, a.width).map(sum_u8).sum();
    sum as f64 / m.count as f64
}

/// Mean colourfulness (|Cb−128| + |Cr−128|) over the mask.
pub fn mean_chroma(a: &Analysis, m: &Mask) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let colour = |v: &[u8]| sum_by(v, |v| v.abs_diff(128));
    let sum: u64 = m
        .slices(&a.cb, a.width)
        .zip(m.slices(&a.cr, a.width))
        .map(|(cb, cr)| colour(cb) + colour(cr))
        .sum();
    sum as f64 / m.count as f64
}

/// Fraction of mask pixels at or above `level`.
pub fn fraction_at_least(a: &Analysis, m: &Mask, level: u8) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let n: usize = m
        .slices(&a.luma, a.width)
        .map(|v| sum_by(v, |v| u8::from(v >= level)))
        .sum::<u64>() as usize;
    n as f64 / m.count as f64
}

/// Glare: fraction of mask pixels that are saturated (≥ `level`) together with their four
/// neighbours, so isolated bright specks (print highlights, noise) do not count.
pub fn glare_fraction(a: &Analysis, m: &Mask, level: u8) -> f64 {
    if m.count == 0 {
        return 0.0;
    }
    let (w, h) = (a.width as usize, a.height as usize);
    let mut n = 0usize;
    for r in &m.runs {
        let y = r.y as usize;
        // Border rows and columns have no four neighbours: never glare.
        let (x0, x1) = (
            (r.x0 as usize).max(1),
            (r.x1 as usize).min(w.saturating_sub(1)),
        );
        if y == 0 || y + 1 >= h || x0 >= x1 {
            continue;
        }
        let row = &a.luma[y * w..(y + 1) * w];
        let k = x1 - x0;
        let (up, down) = (
            &a.luma[(y - 1) * w + x0..][..k],
            &a.luma[(y + 1) * w + x0..][..k],
        );
        let (left, centre, right) = (&row[x0 - 1..][..k], &row[x0..][..k], &row[x0 + 1..][..k]);
        let mut i = 0;
        while i < k {
            // 16-bit counts per 256 pixels, so the loop vectorises into wide lanes.
            let end = (i + 256).min(k);
            let mut c = 0u16;
            for j in i..end {
                let v = centre[j].min(left[j]).min(right[j]).min(up[j]).min(down[j]);
                c += u16::from(v >= level);
            }
            n += usize::from(c);
            i = end;
        }
    }
    n as f64 / m.count as f64
}

/// The luma histogram of mask `m`'s pixels (bin `v` counts the pixels of luma `v`).
pub fn luma_histogram(a: &Analysis, m: &Mask) -> [u32; 256] {
    let mut hist = [0u32; 256];
    for v in m.slices(&a.luma, a.width) {
        for &x in v {
            hist[usize::from(x)] += 1;
        }
    }
    hist
}

/// The luma below which fraction `p` (0..=1) of the pixels counted in `hist` lie (its bins
/// are lumas from 0; 0 when it counts none).
pub fn histogram_percentile(hist: &[u32], p: f64) -> u8 {
    let n: u32 = hist.iter().sum();
    let want = (f64::from(n) * p.clamp(0.0, 1.0)).ceil().max(1.0) as u32;
    let mut seen = 0u32;
    for (v, &k) in hist.iter().enumerate() {
        seen += k;
        if seen >= want {
            return v as u8;
        }
    }
    0
}

/// A specular highlight on the document, measured as the physics has it: brighter than the
/// document's own paper white; clipped (saturated together with its four neighbours, so
/// strokes of white print two pixels wide do not count); compact (a connected spot of at
/// least [`GLARE_MIN_SPOT`] of the document and [`GLARE_MIN_THICKNESS`] thick, so specks,
/// white bands and pale patterns do not count). The largest spot's halo is measured too
/// (reported, not used: the second renderer draws glare with a hard edge).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Glare {
    /// The spots' area as a fraction of the mask.
    pub fraction: f64,
    /// The largest spot's area as a fraction of the mask.
    pub largest: f64,
    /// The largest spot's bounding box on the plane: x0, y0, x1, y1 (exclusive).
    pub largest_box: Option<(u32, u32, u32, u32)>,
    /// The largest spot's halo: the mean luma of the ring 1..3 plane pixels outside it, as
    /// a share of the way from the paper white up to the glare level (0 = a hard edge).
    pub largest_halo: f64,
    /// The document's paper white: the 75th luma percentile of its pixels below `floor`.
    pub paper_white: u8,
    /// The luma a glare pixel reaches: `floor`, or [`GLARE_ABOVE_PAPER`] above the paper
    /// white when that is higher; 256 (nothing counts) when the paper itself is that bright.
    pub level: u16,
}

/// A glare pixel is this much brighter than the paper white: a reflection of the light
/// source outshines the paper that diffusely reflects the same light.
pub const GLARE_ABOVE_PAPER: u16 = 12;
/// The smallest spot that counts, as a fraction of the document (and at least 4 pixels).
pub const GLARE_MIN_SPOT: f64 = 0.0005;
/// The thinnest spot that counts (its area over its long extent), as a fraction of the
/// document's short side, and the most elongated (long extent over thickness): the
/// reflection of a lamp, a window or a flash is a blob or a streak; white print, a white
/// band between printed lines or a pale guilloche stroke is thin or a long band.
pub const GLARE_MIN_THICKNESS: f64 = 0.015;
/// See [`GLARE_MIN_THICKNESS`].
pub const GLARE_MAX_ELONGATION: f64 = 12.0;
/// A document more than half of whose pixels reach the glare floor is a white page (or
/// blown out, which `overexposed` reports): no spot on it can be told from the paper.
const GLARE_WHITE_PAGE: f64 = 0.5;

/// The glare spots inside mask `m` (see [`Glare`]); `hist` is the mask's
/// [`luma_histogram`], `floor` the lowest luma that can be glare (`Thresholds::glare_luma`).
pub fn glare(a: &Analysis, m: &Mask, hist: &[u32; 256], floor: u8) -> Glare {
    let mut out = Glare {
        level: 256,
        ..Glare::default()
    };
    if m.count == 0 {
        return out;
    }
    let below: u32 = hist[..usize::from(floor)].iter().sum();
    if f64::from(below) < (1.0 - GLARE_WHITE_PAGE) * m.count as f64 {
        out.paper_white = floor;
        return out;
    }
    out.paper_white = histogram_percentile(&hist[..usize::from(floor)], 0.75);
    let paper = u16::from(out.paper_white);
    let level = u16::from(floor).max(paper + GLARE_ABOVE_PAPER);
    out.level = level;
    if level > 255 {
        return out;
    }
    let level = level as u8;
    // Eroded bitmap over the mask's bounding box: member, ≥ level, four neighbours ≥ level.
    let (w, h) = (a.width as usize, a.height as usize);
    let (bx0, by0, bx1, by1) = m.bbox;
    let (bx0, by0) = (bx0 as usize, by0 as usize);
    let (bw, bh) = (bx1 as usize - bx0, by1 as usize - by0);
    let mut on = vec![false; bw * bh];
    for r in &m.runs {
        let y = r.y as usize;
        if y == 0 || y + 1 >= h {
            continue;
        }
        for x in (r.x0 as usize).max(1)..(r.x1 as usize).min(w.saturating_sub(1)) {
            let i = y * w + x;
            let v = a.luma[i]
                .min(a.luma[i - 1])
                .min(a.luma[i + 1])
                .min(a.luma[i - w])
                .min(a.luma[i + w]);
            if v >= level {
                on[(y - by0) * bw + (x - bx0)] = true;
            }
        }
    }
    let min_spot = (GLARE_MIN_SPOT * m.count as f64).max(4.0);
    let min_thickness = (GLARE_MIN_THICKNESS * bw.min(bh) as f64).max(2.0);
    // Per spot: its pixels (8-neighbour flood fill), then a breadth-first ring around it.
    let mut depth = vec![0u8; bw * bh];
    let mut spot = Vec::new();
    let mut frontier = Vec::new();
    let mut next = Vec::new();
    let mut touched = Vec::new();
    let mut total = 0usize;
    for start in 0..on.len() {
        if !on[start] {
            continue;
        }
        on[start] = false;
        spot.clear();
        spot.push(start);
        let (mut x0, mut y0, mut x1, mut y1) = (bw, bh, 0, 0);
        let mut k = 0;
        while k < spot.len() {
            let i = spot[k];
            k += 1;
            let (x, y) = (i % bw, i / bw);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1));
            for ny in y.saturating_sub(1)..(y + 2).min(bh) {
                for nx in x.saturating_sub(1)..(x + 2).min(bw) {
                    let j = ny * bw + nx;
                    if on[j] {
                        on[j] = false;
                        spot.push(j);
                    }
                }
            }
        }
        let n = spot.len();
        // Thickness across the spot's long axis: a disk of diameter d has 0.79 d, a stroke
        // or a white band between printed lines its own width.
        let long = (x1 - x0).max(y1 - y0) as f64;
        let thickness = n as f64 / long;
        if (n as f64) < min_spot
            || thickness < min_thickness
            || long > GLARE_MAX_ELONGATION * thickness
        {
            continue;
        }
        // Ring: plane pixels 3..=5 steps (4-neighbour) from the eroded spot, that is 1..3
        // beyond its clipped rim (step 2), inside the document.
        frontier.clear();
        frontier.extend_from_slice(&spot);
        for &i in &spot {
            depth[i] = 1;
            touched.push(i);
        }
        let (mut ring_sum, mut ring_n) = (0u64, 0u64);
        for d in 2..=5u8 {
            next.clear();
            for &i in &frontier {
                let (x, y) = (i % bw, i / bw);
                let mut visit = |nx: usize, ny: usize| {
                    let j = ny * bw + nx;
                    if depth[j] == 0 {
                        depth[j] = d;
                        touched.push(j);
                        next.push(j);
                    }
                };
                if x > 0 {
                    visit(x - 1, y);
                }
                if x + 1 < bw {
                    visit(x + 1, y);
                }
                if y > 0 {
                    visit(x, y - 1);
                }
                if y + 1 < bh {
                    visit(x, y + 1);
                }
            }
            for &j in &next {
                let (x, y) = (j % bw + bx0, j / bw + by0);
                if d >= 3 && m.contains(x as u32, y as u32) {
                    ring_sum += u64::from(a.luma[y * w + x]);
                    ring_n += 1;
                }
            }
            std::mem::swap(&mut frontier, &mut next);
        }
        for &i in &touched {
            depth[i] = 0;
        }
        touched.clear();
        let ring = ring_sum as f64 / ring_n.max(1) as f64;
        let halo = ((ring - f64::from(paper)) / (f64::from(level) - f64::from(paper)).max(1.0))
            .clamp(0.0, 1.0);
        total += n;
        let f = n as f64 / m.count as f64;
        if f > out.largest {
            out.largest = f;
            out.largest_halo = halo;
            out.largest_box = Some((
                (bx0 + x0) as u32,
                (by0 + y0) as u32,
                (bx0 + x1) as u32,
                (by0 + y1) as u32,
            ));
        }
    }
    out.fraction = total as f64 / m.count as f64;
    out
}

/// The directions `blur_effect` measures along, as (dx, dy): across, down and both
/// diagonals, so motion blur at any angle lines up with one of them.
const BLUR_DIRECTIONS: [(isize, isize); 4] = [(1, 0), (0, 1), (1, 1), (-1, 1)];
/// A pixel counts towards `blur_effect` in a direction when the span of its 9-tap window
/// (|p[+4] − p[−5]|) reaches the window's top-decile span, capped at `BLUR_SPAN_CAP`
/// levels (so a well-lit page counts every real edge) and floored at `BLUR_SPAN_FLOOR`
/// (so flat paper never decides).
const BLUR_SPAN_CAP: u8 = 20;
const BLUR_SPAN_FLOOR: u8 = 4;
const BLUR_TOP_FRACTION: f64 = 0.10;

/// The span threshold of one direction from the histogram of its spans: the top decile's
/// lowest span, capped and floored (see [`BLUR_SPAN_CAP`]).
fn span_threshold(hist: &[u32; 256]) -> u8 {
    let n: u32 = hist.iter().sum();
    let want = (f64::from(n) * BLUR_TOP_FRACTION).ceil() as u32;
    let (mut seen, mut t) = (0u32, 255usize);
    while t > 0 {
        seen += hist[t];
        if seen >= want {
            break;
        }
        t -= 1;
    }
    (t as u8).clamp(BLUR_SPAN_FLOOR, BLUR_SPAN_CAP)
}

/// The Crété-Roffet "blur effect" (SPIE 6492, 2007) over the mask, inside its bounding box
/// less a 5 px border: how much of the local variation survives a 9-tap re-blur, measured
/// along four directions (across, down, both diagonals) and the largest taken, so motion
/// blur at any angle counts. 0 = sharp, 1 = flat.
///
/// Only pixels with structure at the window's scale count: a pixel enters a direction's
/// sums when its 9-tap span reaches that direction's threshold (see [`span_threshold`],
/// estimated on every 4th plane row). Without that, sensor noise on flat paper (large
/// steps the re-blur removes) reads as sharpness and hides motion blur. The measure
/// compares the image with itself, so it does not depend on contrast or exposure, and the
/// plane's fixed size makes it independent of the photo's resolution.
pub fn blur_effect(a: &Analysis, m: &Mask) -> f64 {
    let w = a.width as usize;
    let (x0, y0, x1, y1) = (
        m.bbox.0 as usize,
        m.bbox.1 as usize,
        m.bbox.2 as usize,
        m.bbox.3 as usize,
    );
    if x1 < x0 + 12 || y1 < y0 + 12 {
        return 1.0;
    }
    // The runs clipped so every tap stays inside the bounding box: (index of the first
    // pixel, length, whether the row is one the span threshold is estimated on).
    let rows: Vec<(usize, usize, bool)> = m
        .runs
        .iter()
        .filter_map(|r| {
            let y = r.y as usize;
            let (xa, xb) = ((r.x0 as usize).max(x0 + 5), (r.x1 as usize).min(x1 - 5));
            // `then`, not `then_some`: the tuple must not be built (xb - xa) for runs
            // that are dropped.
            (y >= y0 + 5 && y < y1 - 5 && xa < xb)
                .then(|| (y * w + xa, xb - xa, y.is_multiple_of(4)))
        })
        .collect();
    let mut result: f64 = 0.0;
    for (dx, dy) in BLUR_DIRECTIONS {
        let d = dy * w as isize + dx;
        let taps = |i: usize, k: usize| {
            let at = |o: isize| &a.luma[(i as isize + o) as usize..][..k];
            (at(0), at(-d), at(4 * d), at(-5 * d))
        };
        let mut hist = [0u32; 256];
        for &(i, k, sampled) in &rows {
            if sampled {
                let (_, _, ahead, behind) = taps(i, k);
                for (p, q) in ahead.iter().zip(behind) {
                    hist[usize::from(p.abs_diff(*q))] += 1;
                }
            }
        }
        let thr = span_threshold(&hist);
        // Σ step and Σ max(9·step − span, 0) (= 9 × Σ max(step − blurred step, 0)) over the
        // counted pixels, in integers.
        let (mut f, mut v) = (0u64, 0u64);
        for &(i, k, _) in &rows {
            let (centre, prev, ahead, behind) = taps(i, k);
            let (mut rf, mut rv) = (0u32, 0u32);
            for j in 0..k {
                let span = u32::from(ahead[j].abs_diff(behind[j]));
                let keep = u32::from(span >= u32::from(thr));
                let step = u32::from(centre[j].abs_diff(prev[j]));
                rf += step * keep;
                rv += (9 * step).saturating_sub(span) * keep;
            }
            f += u64::from(rf);
            v += u64::from(rv);
        }
        let b = if f > 0 {
            1.0 - v as f64 / 9.0 / f as f64
        } else {
            1.0
        };
        result = result.max(b);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pixel-by-pixel implementations this module had before the masks became runs:
    /// the new ones must give the same results, bit for bit.
    #[allow(clippy::all)]
    mod reference {
        use super::super::{plane_size, Analysis};
        use crate::decode::{Decoded, Layout};
        use crate::error::{Error, ErrorKind, Result};
        use crate::orient::{upright_copy, Orientation};
        use fast_image_resize as fir;

        pub fn build(
            pixels: &[u8],
            decoded: &Decoded,
            orientation: Orientation,
            resizer: &mut fir::Resizer,
        ) -> Result<Analysis> {
            let (sw, sh) = (decoded.width, decoded.height);
            let (pw, ph) = plane_size(sw, sh);
            let small: Vec<u8> = if (pw, ph) == (sw, sh) {
                pixels[..sw as usize * sh as usize * 3].to_vec()
            } else {
                let src = fir::images::ImageRef::new(sw, sh, pixels, fir::PixelType::U8x3)
                    .map_err(|e| {
                        Error::new(ErrorKind::InternalError, format!("analysis plane: {e}"))
                    })?;
                let mut dst = fir::images::Image::new(pw, ph, fir::PixelType::U8x3);
                let options = fir::ResizeOptions::new()
                    .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Box));
                resizer.resize(&src, &mut dst, &options).map_err(|e| {
                    Error::new(ErrorKind::InternalError, format!("analysis plane: {e}"))
                })?;
                dst.into_vec()
            };
            let upright = upright_copy(&small, pw, ph, 3, orientation);
            let (width, height) = orientation.upright_size(pw, ph);
            let n = width as usize * height as usize;
            let (mut luma, mut cb, mut cr) = (
                Vec::with_capacity(n),
                Vec::with_capacity(n),
                Vec::with_capacity(n),
            );
            match decoded.layout {
                Layout::Ycbcr => {
                    for px in upright.chunks_exact(3) {
                        luma.push(px[0]);
                        cb.push(px[1]);
                        cr.push(px[2]);
                    }
                }
                Layout::Rgb => {
                    for px in upright.chunks_exact(3) {
                        let (y, u, v) = jpeg_encoder::rgb_to_ycbcr(px[0], px[1], px[2]);
                        luma.push(y);
                        cb.push(u);
                        cr.push(v);
                    }
                }
            }
            let (uw, _) = orientation.upright_size(sw, sh);
            Ok(Analysis {
                width,
                height,
                scale: uw as f32 / width as f32,
                luma,
                cb,
                cr,
            })
        }

        /// Mean luma, 0..255.
        pub fn brightness(a: &Analysis) -> f64 {
            if a.luma.is_empty() {
                return 0.0;
            }
            a.luma.iter().map(|&v| u64::from(v)).sum::<u64>() as f64 / a.luma.len() as f64
        }

        /// Variance of the 4-neighbour Laplacian over the plane (the classic focus measure).
        pub fn laplacian_variance(a: &Analysis) -> f64 {
            let (w, h) = (a.width as usize, a.height as usize);
            if w < 3 || h < 3 {
                return 0.0;
            }
            let (mut sum, mut sum2, mut n) = (0f64, 0f64, 0u64);
            for y in 1..h - 1 {
                let row = &a.luma[y * w..(y + 1) * w];
                let up = &a.luma[(y - 1) * w..y * w];
                let down = &a.luma[(y + 1) * w..(y + 2) * w];
                let (mut s, mut s2) = (0i64, 0i64);
                for x in 1..w - 1 {
                    let l = i64::from(up[x])
                        + i64::from(down[x])
                        + i64::from(row[x - 1])
                        + i64::from(row[x + 1])
                        - 4 * i64::from(row[x]);
                    s += l;
                    s2 += l * l;
                }
                sum += s as f64;
                sum2 += s2 as f64;
                n += (w - 2) as u64;
            }
            let mean = sum / n as f64;
            sum2 / n as f64 - mean * mean
        }

        /// Which plane pixels belong to a region (the document, or everything else).
        #[derive(Debug, Clone, PartialEq)]
        pub struct Mask {
            /// One flag per plane pixel.
            pub inside: Vec<bool>,
            /// Number of `true` flags.
            pub count: usize,
            /// Bounding box on the plane: x0, y0, x1, y1 (exclusive).
            pub bbox: (u32, u32, u32, u32),
        }

        /// The plane pixels inside `quad` (upright image pixels), shrunk toward its centre by
        /// `shrink` (a fraction: 0.03 keeps the document's own border out of glare and blur).
        pub fn quad_mask(a: &Analysis, quad: &[[f64; 2]; 4], shrink: f64) -> Mask {
            let s = f64::from(a.scale);
            let cx = quad.iter().map(|p| p[0]).sum::<f64>() / 4.0;
            let cy = quad.iter().map(|p| p[1]).sum::<f64>() / 4.0;
            let q: Vec<(f64, f64)> = quad
                .iter()
                .map(|p| {
                    (
                        (cx + (p[0] - cx) * (1.0 - shrink)) / s,
                        (cy + (p[1] - cy) * (1.0 - shrink)) / s,
                    )
                })
                .collect();
            let (w, h) = (a.width, a.height);
            let mut inside = vec![false; (w * h) as usize];
            let (mut count, mut x0, mut y0, mut x1, mut y1) = (0, w, h, 0, 0);
            // Sign of the cross product must agree for all four edges.
            for y in 0..h {
                let py = f64::from(y) + 0.5;
                for x in 0..w {
                    let px = f64::from(x) + 0.5;
                    let mut pos = 0;
                    let mut neg = 0;
                    for k in 0..4 {
                        let (ax, ay) = q[k];
                        let (bx, by) = q[(k + 1) % 4];
                        let c = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
                        if c > 0.0 {
                            pos += 1;
                        } else if c < 0.0 {
                            neg += 1;
                        }
                    }
                    if pos == 0 || neg == 0 {
                        inside[(y * w + x) as usize] = true;
                        count += 1;
                        x0 = x0.min(x);
                        y0 = y0.min(y);
                        x1 = x1.max(x + 1);
                        y1 = y1.max(y + 1);
                    }
                }
            }
            if count == 0 {
                (x0, y0) = (0, 0);
            }
            Mask {
                inside,
                count,
                bbox: (x0, y0, x1, y1),
            }
        }

        /// The whole plane as a mask.
        pub fn full_mask(a: &Analysis) -> Mask {
            Mask {
                inside: vec![true; a.luma.len()],
                count: a.luma.len(),
                bbox: (0, 0, a.width, a.height),
            }
        }

        /// The complement of `m`.
        pub fn outside(m: &Mask, a: &Analysis) -> Mask {
            let inside: Vec<bool> = m.inside.iter().map(|&v| !v).collect();
            let count = inside.iter().filter(|&&v| v).count();
            Mask {
                inside,
                count,
                bbox: (0, 0, a.width, a.height),
            }
        }

        /// Mean luma over the mask.
        pub fn mean_luma(a: &Analysis, m: &Mask) -> f64 {
            if m.count == 0 {
                return 0.0;
            }
            let sum: u64 = a
                .luma
                .iter()
                .zip(&m.inside)
                .filter(|(_, &i)| i)
                .map(|(&v, _)| u64::from(v))
                .sum();
            sum as f64 / m.count as f64
        }

        /// Mean colourfulness (|Cb−128| + |Cr−128|) over the mask.
        pub fn mean_chroma(a: &Analysis, m: &Mask) -> f64 {
            if m.count == 0 {
                return 0.0;
            }
            let mut sum = 0u64;
            for i in 0..a.luma.len() {
                if m.inside[i] {
                    sum += u64::from(a.cb[i].abs_diff(128)) + u64::from(a.cr[i].abs_diff(128));
                }
            }
            sum as f64 / m.count as f64
        }

        /// Fraction of mask pixels at or above `level`.
        pub fn fraction_at_least(a: &Analysis, m: &Mask, level: u8) -> f64 {
            if m.count == 0 {
                return 0.0;
            }
            let n = a
                .luma
                .iter()
                .zip(&m.inside)
                .filter(|(&v, &i)| i && v >= level)
                .count();
            n as f64 / m.count as f64
        }

        /// Glare: fraction of mask pixels that are saturated (≥ `level`) together with their four
        /// neighbours, so isolated bright specks (print highlights, noise) do not count.
        pub fn glare_fraction(a: &Analysis, m: &Mask, level: u8) -> f64 {
            if m.count == 0 {
                return 0.0;
            }
            let (w, h) = (a.width as usize, a.height as usize);
            let mut n = 0usize;
            for y in 1..h.saturating_sub(1) {
                for x in 1..w - 1 {
                    let i = y * w + x;
                    if m.inside[i]
                        && a.luma[i] >= level
                        && a.luma[i - 1] >= level
                        && a.luma[i + 1] >= level
                        && a.luma[i - w] >= level
                        && a.luma[i + w] >= level
                    {
                        n += 1;
                    }
                }
            }
            n as f64 / m.count as f64
        }

        /// `blur_effect` pixel by pixel over the boolean mask (the same definition: four
        /// directions, spans counted from every 4th row, integer sums).
        pub fn blur_effect(a: &Analysis, m: &Mask) -> f64 {
            let w = a.width as usize;
            let (x0, y0, x1, y1) = (
                m.bbox.0 as usize,
                m.bbox.1 as usize,
                m.bbox.2 as usize,
                m.bbox.3 as usize,
            );
            if x1 < x0 + 12 || y1 < y0 + 12 {
                return 1.0;
            }
            let px = |x: usize, y: usize, dx: isize, dy: isize, n: isize| {
                i32::from(
                    a.luma[(y as isize + n * dy) as usize * w + (x as isize + n * dx) as usize],
                )
            };
            let mut result: f64 = 0.0;
            for (dx, dy) in super::super::BLUR_DIRECTIONS {
                let mut hist = [0u32; 256];
                for y in (y0 + 5..y1 - 5).filter(|y| y.is_multiple_of(4)) {
                    for x in x0 + 5..x1 - 5 {
                        if m.inside[y * w + x] {
                            hist[(px(x, y, dx, dy, 4) - px(x, y, dx, dy, -5)).unsigned_abs()
                                as usize] += 1;
                        }
                    }
                }
                let thr = super::super::span_threshold(&hist);
                let (mut f, mut v) = (0u64, 0u64);
                for y in y0 + 5..y1 - 5 {
                    for x in x0 + 5..x1 - 5 {
                        if !m.inside[y * w + x] {
                            continue;
                        }
                        let span = (px(x, y, dx, dy, 4) - px(x, y, dx, dy, -5)).unsigned_abs();
                        if span < u32::from(thr) {
                            continue;
                        }
                        let step = (px(x, y, dx, dy, 0) - px(x, y, dx, dy, -1)).unsigned_abs();
                        f += u64::from(step);
                        v += u64::from((9 * step).saturating_sub(span));
                    }
                }
                let b = if f > 0 {
                    1.0 - v as f64 / 9.0 / f as f64
                } else {
                    1.0
                };
                result = result.max(b);
            }
            result
        }
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            // splitmix64
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn f(&mut self) -> f64 {
            (self.next() >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.f()
        }
    }

    /// Noise on gradients, with saturated blocks (glare) and flat areas.
    fn random_plane(r: &mut Rng, w: u32, h: u32, scale: f32) -> Analysis {
        let n = (w * h) as usize;
        let mut luma = vec![0u8; n];
        let noise = r.range(0.0, 80.0);
        for y in 0..h {
            for x in 0..w {
                let base =
                    f64::from(x * 255 / w.max(1)) * 0.5 + f64::from(y * 255 / h.max(1)) * 0.3;
                let v = base + (r.f() - 0.5) * noise + 60.0;
                luma[(y * w + x) as usize] = v.clamp(0.0, 255.0) as u8;
            }
        }
        for _ in 0..6 {
            let (bx, by) = ((r.f() * f64::from(w)) as u32, (r.f() * f64::from(h)) as u32);
            let (bw, bh) = ((r.f() * 40.0) as u32 + 1, (r.f() * 40.0) as u32 + 1);
            let v = if r.f() < 0.7 {
                255
            } else {
                (r.f() * 255.0) as u8
            };
            for y in by..(by + bh).min(h) {
                for x in bx..(bx + bw).min(w) {
                    if r.f() < 0.97 {
                        luma[(y * w + x) as usize] = v;
                    }
                }
            }
        }
        let cb = (0..n).map(|_| (r.next() % 256) as u8).collect();
        let cr = (0..n)
            .map(|_| (128 + (r.next() % 41) as i32 - 20) as u8)
            .collect();
        Analysis {
            width: w,
            height: h,
            scale,
            luma,
            cb,
            cr,
        }
    }

    /// A quad in upright image pixels: rotated, perspective-jittered rectangles (either
    /// winding), partly outside the frame, tiny, degenerate or self-intersecting ones, and
    /// corners on pixel centres.
    fn random_quad(r: &mut Rng, a: &Analysis) -> [[f64; 2]; 4] {
        let s = f64::from(a.scale);
        let (fw, fh) = (f64::from(a.width) * s, f64::from(a.height) * s);
        let kind = r.next() % 10;
        let mut q = match kind {
            // On pixel centres (edges through centres: ties on the ≤ / ≥ boundaries).
            0 => {
                let mut c = |lo: f64, hi: f64| ((r.range(lo, hi)).floor() + 0.5) * s;
                let (x0, y0) = (
                    c(-5.0, f64::from(a.width) * 0.6),
                    c(-5.0, f64::from(a.height) * 0.6),
                );
                let (x1, y1) = (
                    c(x0 / s, f64::from(a.width) + 5.0),
                    c(y0 / s, f64::from(a.height) + 5.0),
                );
                [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
            }
            // Everything in one point, or on one line.
            1 => {
                let p = [r.range(0.0, fw), r.range(0.0, fh)];
                if r.f() < 0.5 {
                    [p; 4]
                } else {
                    let d = [r.range(-50.0, 50.0), r.range(-50.0, 50.0)];
                    [
                        p,
                        [p[0] + d[0], p[1] + d[1]],
                        [p[0] + 2.0 * d[0], p[1] + 2.0 * d[1]],
                        [p[0] - d[0], p[1] - d[1]],
                    ]
                }
            }
            // Self-intersecting.
            2 => {
                let mut p = || [r.range(-0.2 * fw, 1.2 * fw), r.range(-0.2 * fh, 1.2 * fh)];
                [p(), p(), p(), p()]
            }
            _ => {
                let (cx, cy) = (r.range(-0.2 * fw, 1.2 * fw), r.range(-0.2 * fh, 1.2 * fh));
                let size = if kind == 3 {
                    r.range(0.0, 4.0 * s)
                } else {
                    r.range(0.05, 0.9) * fw
                };
                let (hw, hh) = (size / 2.0, size * r.range(0.3, 1.0) / 2.0);
                let t = if kind == 4 { 0.0 } else { r.range(-3.2, 3.2) };
                let (sn, cs) = t.sin_cos();
                let mut q = [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]]
                    .map(|[x, y]| [cx + x * cs - y * sn, cy + x * sn + y * cs]);
                if kind >= 6 {
                    for p in &mut q {
                        p[0] += r.range(-0.1, 0.1) * size;
                        p[1] += r.range(-0.1, 0.1) * size;
                    }
                }
                q
            }
        };
        if r.f() < 0.5 {
            q.reverse();
        }
        q
    }

    fn same(what: &str, old: f64, new: f64) {
        assert!(
            old.to_bits() == new.to_bits(),
            "{what}: old {old:?}, new {new:?}"
        );
    }

    fn compare(a: &Analysis, quad: &[[f64; 2]; 4], shrink: f64) {
        let ctx = format!(
            "{}x{} scale {} quad {quad:?} shrink {shrink}",
            a.width, a.height, a.scale
        );
        let old = reference::quad_mask(a, quad, shrink);
        let new = quad_mask(a, quad, shrink);
        let mut flags = vec![false; a.luma.len()];
        for i in new.indices(a.width) {
            assert!(!flags[i], "{ctx}: overlapping runs");
            flags[i] = true;
        }
        assert!(
            new.runs
                .windows(2)
                .all(|p| (p[0].y, p[0].x1) <= (p[1].y, p[1].x0)),
            "{ctx}: runs out of order"
        );
        assert!(flags == old.inside, "{ctx}: masks differ");
        assert_eq!((old.count, old.bbox), (new.count, new.bbox), "{ctx}");
        for i in (0..a.luma.len()).step_by(97) {
            let (x, y) = (i as u32 % a.width, i as u32 / a.width);
            assert_eq!(
                new.contains(x, y),
                old.inside[i],
                "{ctx}: contains({x}, {y})"
            );
        }
        let old_out = reference::outside(&old, a);
        let new_out = outside(&new, a);
        let mut flags = vec![false; a.luma.len()];
        for i in new_out.indices(a.width) {
            flags[i] = true;
        }
        assert!(flags == old_out.inside, "{ctx}: outside differs");
        assert_eq!(
            (old_out.count, old_out.bbox),
            (new_out.count, new_out.bbox),
            "{ctx}"
        );
        for (o, n, which) in [(&old, &new, "quad"), (&old_out, &new_out, "outside")] {
            let ctx = format!("{ctx} ({which})");
            same(
                &format!("{ctx} mean_luma"),
                reference::mean_luma(a, o),
                mean_luma(a, n),
            );
            same(
                &format!("{ctx} mean_chroma"),
                reference::mean_chroma(a, o),
                mean_chroma(a, n),
            );
            for level in [0, 1, 128, 245, 250, 255] {
                same(
                    &format!("{ctx} fraction_at_least {level}"),
                    reference::fraction_at_least(a, o, level),
                    fraction_at_least(a, n, level),
                );
                same(
                    &format!("{ctx} glare_fraction {level}"),
                    reference::glare_fraction(a, o, level),
                    glare_fraction(a, n, level),
                );
            }
            same(
                &format!("{ctx} blur_effect"),
                reference::blur_effect(a, o),
                blur_effect(a, n),
            );
        }
    }

    fn compare_plane(a: &Analysis) {
        let ctx = format!("{}x{}", a.width, a.height);
        let (of, nf) = (reference::full_mask(a), full_mask(a));
        assert_eq!((of.count, of.bbox), (nf.count, nf.bbox), "{ctx}");
        assert_eq!(nf.indices(a.width).count(), a.luma.len(), "{ctx}");
        same(
            &format!("{ctx} brightness"),
            reference::brightness(a),
            brightness(a),
        );
        same(
            &format!("{ctx} frame mean_luma"),
            reference::mean_luma(a, &of),
            mean_luma(a, &nf),
        );
        same(
            &format!("{ctx} laplacian"),
            reference::laplacian_variance(a),
            laplacian_variance(a),
        );
        for level in [200, 245, 255] {
            same(
                &format!("{ctx} frame glare"),
                reference::glare_fraction(a, &of, level),
                glare_fraction(a, &nf, level),
            );
        }
        same(
            &format!("{ctx} frame blur"),
            reference::blur_effect(a, &of),
            blur_effect(a, &nf),
        );
    }

    #[test]
    fn runs_match_the_pixel_by_pixel_masks_and_scores() {
        let mut r = Rng(7);
        let sizes = [
            (1, 1),
            (2, 9),
            (13, 3),
            (37, 23),
            (64, 64),
            (200, 150),
            (150, 200),
            (1024, 768),
            (1300, 40),
        ];
        for (i, &(w, h)) in sizes.iter().enumerate() {
            for scale in [1.0f32, 3.906_25, 0.75] {
                let a = random_plane(&mut r, w, h, scale);
                compare_plane(&a);
                let quads = if w * h > 500_000 { 25 } else { 120 };
                for _ in 0..quads {
                    let q = random_quad(&mut r, &a);
                    for shrink in [0.0, 0.04, r.range(-0.5, 1.5)] {
                        compare(&a, &q, shrink);
                    }
                }
                // Overflowing and NaN corners take the pixel-by-pixel path.
                let odd = [[1e200, 3.0], [5.0, -1e300], [f64::NAN, 4.0], [10.0, 10.0]];
                compare(&a, &odd, 0.0);
                compare(
                    &a,
                    &[[f64::INFINITY, 0.0], [0.0, 1.0], [2.0, 2.0], [1.0, 5.0]],
                    0.04,
                );
                let _ = i;
            }
        }
    }

    /// Rendered captures (document edges, glare spots, blur) through the real decode and
    /// plane, with the outline the detector finds and with the true quad.
    #[test]
    fn runs_match_on_rendered_captures() {
        use preflight_synth::{render, GlareSize, SynthSpec, Variant};
        let policy = crate::Policy::default();
        let variants = [
            Variant::Good,
            Variant::Glare(GlareSize::Large),
            Variant::Tilted(30.0),
            Variant::TinyDocument,
            Variant::Motion(preflight_synth::Strength::Moderate),
        ];
        for (seed, v) in variants.into_iter().enumerate() {
            let mut spec = SynthSpec::variant_sized(seed as u64, v, 1600, 1200);
            spec.orientation = [1, 6, 3, 8][seed % 4];
            let cap = render(&spec);
            let p = crate::probe::probe(&cap.jpeg, &policy.limits).unwrap();
            let mut pixels = Vec::new();
            let d = crate::decode::decode(&cap.jpeg, &p, &policy.limits, &mut pixels).unwrap();
            let o = crate::orient::Orientation::from_exif(p.effective_orientation());
            let a = build(&pixels, &d, o, &mut fir::Resizer::new()).unwrap();
            compare_plane(&a);
            let truth = cap.truth.quad.map(|p| [f64::from(p[0]), f64::from(p[1])]);
            let found = crate::document::find(&a, &crate::document::DOCUMENT_ASPECTS);
            for q in [Some(truth), found.map(|f| f.quad)].into_iter().flatten() {
                for shrink in [0.0, 0.04] {
                    compare(&a, &q, shrink);
                }
            }
        }
    }

    #[test]
    fn build_matches_the_copy_then_split_build() {
        let mut r = Rng(11);
        let mut resizer = fir::Resizer::new();
        for (w, h) in [(1, 1), (37, 23), (1024, 3), (1300, 700), (999, 1777)] {
            let pixels: Vec<u8> = (0..w * h * 3).map(|_| (r.next() % 256) as u8).collect();
            for layout in [Layout::Ycbcr, Layout::Rgb] {
                let d = Decoded {
                    width: w,
                    height: h,
                    layout,
                    icc: None,
                };
                for tag in 1..=8 {
                    let o = crate::orient::Orientation::from_exif(tag);
                    let old = reference::build(&pixels, &d, o, &mut resizer).unwrap();
                    let new = build(&pixels, &d, o, &mut resizer).unwrap();
                    assert!(old == new, "{w}x{h} {layout:?} orientation {tag}");
                }
            }
        }
    }
}
