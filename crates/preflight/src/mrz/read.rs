//! Reading the MRZ's characters: a fixed-pitch grid laid over each line, each cell matched
//! against the OCR-B templates (normalised cross-correlation), the candidates limited by
//! what ICAO 9303 allows at that position (digits in dates and check digits, letters in
//! names and country codes). The check digits then say whether the read is right: this
//! module only reads, the caller validates.

use super::locate::Line;
use super::ocrb::{normalise, templates, Templates, ALPHABET, MARGIN, TH, TW};
use crate::rectify::Grey;

/// The smallest cap height read, in pixels of the resampled document: below it the strokes
/// of OCR-B's letters (about a seventh of the cap height) are under a pixel, and a read
/// would be a guess. A band that small is located but not read.
pub const MIN_CAP: f64 = 7.0;

/// The smallest cap height, in analysis-plane pixels, at which a read that fails its
/// check digits is reported (`mrz_unreadable`). Below it the reader misses too many sharp
/// zones to blame the photo: of the real phone photos' reads under it, 51 of 76 fail
/// (their characters are 7..13.5 px on the plane; docs/accuracy.md).
pub const MIN_JUDGED_CAP: f64 = 12.0;

/// Letters OCR-B draws nearly as a digit: `O`/`0`, `I`/`1`, `Z`/`2`, `S`/`5`, `G`/`6`,
/// `B`/`8`.
const DIGIT_TWINS: [(u8, u8); 6] = [
    (b'O', b'0'),
    (b'I', b'1'),
    (b'Z', b'2'),
    (b'S', b'5'),
    (b'G', b'6'),
    (b'B', b'8'),
];

/// How close a digit twin must score to the letter read for the digit to be taken
/// (positions that may hold either: document numbers, optional data).
const DIGIT_PRIOR_MARGIN: f32 = 0.12;

/// What a position of the zone may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// `0-9` (dates, check digits).
    Digit,
    /// `0-9` or `<` (a check digit a field may leave empty).
    DigitOrFiller,
    /// `A-Z` or `<` (names, codes).
    Letter,
    /// `M`, `F`, `X` or `<`.
    Sex,
    /// Anything (document numbers, optional data).
    Any,
}

impl Class {
    fn allows(self, c: u8) -> bool {
        match self {
            Class::Digit => c.is_ascii_digit(),
            Class::DigitOrFiller => c.is_ascii_digit() || c == b'<',
            Class::Letter => c.is_ascii_uppercase() || c == b'<',
            Class::Sex => matches!(c, b'M' | b'F' | b'X' | b'<'),
            Class::Any => true,
        }
    }
}

/// One line as read: its text, each character's match score, and where the line's
/// characters lie (resampled-document pixels).
#[derive(Debug, Clone, PartialEq)]
pub struct LineRead {
    pub text: String,
    pub scores: Vec<f32>,
    /// Each character's runner-up and its score (`None` when the class allows only one).
    pub second: Vec<Option<(u8, f32)>>,
    pub x0: f64,
    pub x1: f64,
    pub top: f64,
    pub base: f64,
}

impl LineRead {
    pub fn mean_score(&self) -> f64 {
        self.scores.iter().map(|&s| f64::from(s)).sum::<f64>() / self.scores.len().max(1) as f64
    }
}

/// The extent of a line's ink: its cap line and baseline, tilt and first and last columns
/// (dark pixels around the located line), or `None` if the line is too faint.
pub fn ink_extent(g: &Grey, line: &Line) -> Option<Extent> {
    let (w, h) = (g.w as i64, g.h as i64);
    let hh = (line.y1 - line.y0).max(3.0);
    let yc = (line.y0 + line.y1) / 2.0;
    let ya = ((yc - 2.0 * hh).floor() as i64).max(0);
    let yb = ((yc + 2.0 * hh).ceil() as i64).min(h - 1);
    let xa = (line.x0.floor() as i64).clamp(0, w - 1);
    let xb = (line.x1.ceil() as i64).clamp(0, w - 1);
    if yb - ya < 3 || xb - xa < 16 {
        return None;
    }
    let px = |x: i64, y: i64| g.px[(y * w + x) as usize];
    let mut lum: Vec<u8> = (ya..=yb)
        .flat_map(|y| (xa..=xb).map(move |x| (x, y)))
        .map(|(x, y)| px(x, y))
        .collect();
    lum.sort_unstable();
    let lo = lum[lum.len() / 20];
    let hi = lum[lum.len() - 1 - lum.len() / 20];
    if hi.saturating_sub(lo) < 30 {
        return None;
    }
    let thr = u8::midpoint(lo, hi);
    let rows: Vec<usize> = (ya..=yb)
        .map(|y| (xa..=xb).filter(|&x| px(x, y) < thr).count())
        .collect();
    let max = *rows.iter().max()?;
    let k = (yc.round() as i64 - ya).clamp(0, rows.len() as i64 - 1) as usize;
    let on = |r: usize| rows[r] * 10 >= max * 3;
    // The ink rows around the line's centre (the run holding it, or the nearest).
    let centre = (0..rows.len())
        .filter(|&r| on(r))
        .min_by_key(|&r| r.abs_diff(k))?;
    let (mut a, mut b) = (centre, centre);
    while a > 0 && on(a - 1) {
        a -= 1;
    }
    while b + 1 < rows.len() && on(b + 1) {
        b += 1;
    }
    let (top, base) = (ya + a as i64, ya + b as i64);
    let cap = (base - top + 1) as f64;
    // The ink columns between them, searched a cap height beyond the located ends.
    let ca = ((line.x0 - cap).floor() as i64).max(0);
    let cb = ((line.x1 + cap).ceil() as i64).min(w - 1);
    let min_ink = ((cap / 8.0).round() as usize).max(1);
    let inked = |x: i64| (top..=base).filter(|&y| px(x, y) < thr).count() >= min_ink;
    // From the located span outwards, gaps up to two cap heights bridged.
    let gap = (2.0 * cap).ceil() as i64;
    let mut x0 = (line.x0.round() as i64).clamp(ca, cb);
    let mut probe = x0;
    while probe > ca && x0 - probe <= gap {
        probe -= 1;
        if inked(probe) {
            x0 = probe;
        }
    }
    let mut x1 = (line.x1.round() as i64 - 1).clamp(ca, cb);
    let mut probe = x1;
    while probe < cb && probe - x1 <= gap {
        probe += 1;
        if inked(probe) {
            x1 = probe;
        }
    }
    // The line's tilt (a document resampled from a slightly rotated outline): the ink's
    // mean row in eight stretches of the line, fitted by least squares, twice (the second
    // time around the first fit).
    let (mut mid, mut slope) = ((top + base) as f64 / 2.0, 0.0);
    let xm = (x0 + x1) as f64 / 2.0;
    for _ in 0..2 {
        let mut pts = Vec::new();
        for k in 0..8 {
            let (sa, sb) = (x0 + (x1 - x0) * k / 8, x0 + (x1 - x0) * (k + 1) / 8);
            let (mut n, mut sy) = (0.0, 0.0);
            for x in sa..sb {
                let yc = mid + slope * (x as f64 - xm);
                let (ra, rb) = ((yc - cap).floor() as i64, (yc + cap).ceil() as i64);
                for y in ra.max(0)..=rb.min(h - 1) {
                    if px(x, y) < thr {
                        n += 1.0;
                        sy += y as f64 + 0.5;
                    }
                }
            }
            if n > 0.0 {
                pts.push(((sa + sb) as f64 / 2.0 - xm, sy / n));
            }
        }
        if pts.len() < 3 {
            break;
        }
        let k = pts.len() as f64;
        let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), p| (a + p.0, b + p.1));
        let (mx, my) = (sx / k, sy / k);
        let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
        let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        if sxx > 0.0 {
            slope = (sxy / sxx).clamp(-0.1, 0.1);
            mid = my - slope * mx;
        }
    }
    let half = (base - top + 1) as f64 / 2.0;
    Some(Extent {
        top: mid - half,
        base: mid + half,
        x0: x0 as f64,
        x1: x1 as f64 + 1.0,
        slope,
    })
}

/// A line's ink: its cap line and baseline at the line's middle (`(x0 + x1) / 2`), their
/// tilt, and its first and last ink columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    pub top: f64,
    pub base: f64,
    pub x0: f64,
    pub x1: f64,
    /// Rows per column.
    pub slope: f64,
}

impl Extent {
    /// `(top, base)` at column `x`.
    pub fn rows_at(&self, x: f64) -> (f64, f64) {
        let d = self.slope * (x - (self.x0 + self.x1) / 2.0);
        (self.top + d, self.base + d)
    }

    /// The same ink in an image turned half a turn (`w × h`).
    pub fn turned(&self, w: f64, h: f64) -> Extent {
        Extent {
            top: h - self.base,
            base: h - self.top,
            x0: w - self.x1,
            x1: w - self.x0,
            slope: self.slope,
        }
    }
}

/// Bilinear luma at `(x, y)` (pixel centres at integer + 0.5), clamped to the image.
fn at(g: &Grey, x: f64, y: f64) -> f32 {
    let (w, h) = (g.w as usize, g.h as usize);
    let fx = (x - 0.5).clamp(0.0, (w - 1) as f64);
    let fy = (y - 0.5).clamp(0.0, (h - 1) as f64);
    let (x0, y0) = (fx as usize, fy as usize);
    let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
    let (tx, ty) = ((fx - x0 as f64) as f32, (fy - y0 as f64) as f32);
    let p = |x: usize, y: usize| f32::from(g.px[y * w + x]);
    let top = p(x0, y0) + (p(x1, y0) - p(x0, y0)) * tx;
    let bottom = p(x0, y1) + (p(x1, y1) - p(x0, y1)) * tx;
    top + (bottom - top) * ty
}

/// The ink (255 − luma) of the `sx × sy` box at `(x, y)` (its top-left corner): the mean
/// of 2 × 2 samples, as the templates are area-sampled.
fn ink(g: &Grey, x: f64, y: f64, sx: f64, sy: f64) -> f32 {
    let mut sum = 0.0;
    for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
        sum += at(g, x + ox * sx, y + oy * sy);
    }
    255.0 - sum / 4.0
}

/// The cell centred at `cx` between `top` and `base` (the cap line and the baseline),
/// `pitch` wide, sampled as the templates are (ink = dark, centred, unit norm).
fn cell(g: &Grey, cx: f64, (top, base): (f64, f64), pitch: f64) -> Option<[f32; TW * TH]> {
    let cap = base - top;
    let (y0, y1) = (top - MARGIN * cap, base + MARGIN * cap);
    let x0 = cx - pitch / 2.0;
    let (sx, sy) = (pitch / TW as f64, (y1 - y0) / TH as f64);
    let mut v = [0f32; TW * TH];
    for ty in 0..TH {
        for tx in 0..TW {
            let (x, y) = (x0 + tx as f64 * sx, y0 + ty as f64 * sy);
            v[ty * TW + tx] = ink(g, x, y, sx, sy);
        }
    }
    normalise(&mut v).then_some(v)
}

/// The line resampled as the templates are (ink = dark), `TH` rows from [`MARGIN`] cap
/// heights above its cap line to as far below its baseline (following its tilt), and
/// `cols` columns of `step` pixels from `x_start`: row-major, `TH × cols`.
fn line_strip(g: &Grey, e: &Extent, x_start: f64, step: f64, cols: usize) -> Vec<f32> {
    let mut strip = vec![0f32; TH * cols];
    for c in 0..cols {
        let x = x_start + c as f64 * step;
        let (top, base) = e.rows_at(x + step / 2.0);
        let cap = base - top;
        let y0 = top - MARGIN * cap;
        let sy = (base + MARGIN * cap - y0) / TH as f64;
        for ty in 0..TH {
            strip[ty * cols + c] = ink(g, x, y0 + ty as f64 * sy, step, sy);
        }
    }
    strip
}

/// `a · b`, in eight lanes (so that the compiler can keep them in one vector register).
fn dot(a: &[f32; TW * TH], b: &[f32; TW * TH]) -> f32 {
    let mut acc = [0f32; 8];
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let tail: f32 = a
        .chunks_exact(8)
        .remainder()
        .iter()
        .zip(b.chunks_exact(8).remainder())
        .map(|(x, y)| x * y)
        .sum();
    acc.iter().sum::<f32>() + tail
}

/// The best two characters for a cell allowed by `class`, with their scores.
fn classify2(t: &Templates, v: &[f32; TW * TH], class: Class) -> ((u8, f32), (u8, f32)) {
    let mut best = (b'<', f32::MIN);
    let mut second = (b'<', f32::MIN);
    for (c, tpl) in ALPHABET.iter().zip(&t.glyphs) {
        if !class.allows(*c) {
            continue;
        }
        let s = dot(tpl, v);
        if s > best.1 {
            second = best;
            best = (*c, s);
        } else if s > second.1 {
            second = (*c, s);
        }
    }
    (best, second)
}

/// Read `classes.len()` characters from a line whose ink spans `x0..x1` between `top` and
/// `base`. `None` when the span does not fit that many characters at OCR-B's proportions
/// (a pitch off by more than a third from the cap height's), or the templates are missing.
pub fn read_line(g: &Grey, e: Extent, classes: &[Class]) -> Option<LineRead> {
    let Extent {
        top, base, x0, x1, ..
    } = e;
    let t = templates()?;
    let n = classes.len();
    let cap = base - top;
    if n < 2 || cap < MIN_CAP {
        return None;
    }
    // The ink of the first and last characters covers about 0.7 of their pitch.
    const INK: f64 = 0.7;
    let pitch = (x1 - x0) / (n as f64 - 1.0 + INK);
    let ratio = pitch / (t.pitch_per_cap * cap);
    if !(0.7..=1.45).contains(&ratio) {
        return None;
    }
    // Every candidate centre along the line, a twelfth of a pitch apart (one template
    // column), matched once: the line is resampled once into a strip of template rows
    // (following its tilt), and each candidate cell is a window of TW of its columns.
    let step = pitch / TW as f64;
    let (a, b) = (x0 - 0.2 * pitch, x1 + 0.2 * pitch);
    let m = ((b - a) / step).floor() as usize + 1;
    let xs: Vec<f64> = (0..m).map(|k| a + k as f64 * step).collect();
    let strip = line_strip(g, &e, a - pitch / 2.0, step, m + TW);
    let kinds = [
        Class::Digit,
        Class::DigitOrFiller,
        Class::Letter,
        Class::Sex,
        Class::Any,
    ];
    let kind_of = |c: Class| kinds.iter().position(|&k| k == c).unwrap_or(4);
    let cols = m + TW;
    // best[x][kind] = (character, score)
    let best: Vec<[(u8, f32); 5]> = (0..m)
        .map(|j| {
            let mut v = [0f32; TW * TH];
            for (ty, row) in v.chunks_exact_mut(TW).enumerate() {
                row.copy_from_slice(&strip[ty * cols + j..ty * cols + j + TW]);
            }
            if normalise(&mut v) {
                // Every template once; each class's best among them.
                let dots: Vec<f32> = t.glyphs.iter().map(|tpl| dot(tpl, &v)).collect();
                kinds.map(|k| {
                    ALPHABET
                        .iter()
                        .zip(&dots)
                        .filter(|(c, _)| k.allows(**c))
                        .fold(
                            (b'<', f32::MIN),
                            |b, (c, s)| if *s > b.1 { (*c, *s) } else { b },
                        )
                })
            } else {
                [(b'<', -1.0); 5]
            }
        })
        .collect();
    // Viterbi over the centres: the first within a pitch of the ink's start, the last
    // within a pitch of its end, each next one 0.94..1.06 pitches further (print keeps its
    // pitch; the slack absorbs a resampled perspective).
    let (lo, hi) = (
        ((0.94 * pitch) / step).floor() as usize,
        ((1.06 * pitch) / step).ceil() as usize,
    );
    let mut score = vec![f32::MIN; m * n];
    let mut from = vec![usize::MAX; m * n];
    let k0 = kind_of(classes[0]);
    for (j, &x) in xs.iter().enumerate() {
        if x >= x0 - 0.1 * pitch && x <= x0 + pitch {
            score[j] = best[j][k0].1;
        }
    }
    for i in 1..n {
        let k = kind_of(classes[i]);
        for j in 0..m {
            let mut top_prev = (f32::MIN, usize::MAX);
            for d in lo..=hi.min(j) {
                let p = j - d;
                let s = score[(i - 1) * m + p];
                if s > top_prev.0 {
                    top_prev = (s, p);
                }
            }
            if top_prev.1 != usize::MAX && top_prev.0 > f32::MIN {
                score[i * m + j] = top_prev.0 + best[j][k].1;
                from[i * m + j] = top_prev.1;
            }
        }
    }
    let last = (0..m)
        .filter(|&j| xs[j] >= x1 - pitch && xs[j] <= x1 + 0.1 * pitch)
        .max_by(|&a, &b| score[(n - 1) * m + a].total_cmp(&score[(n - 1) * m + b]))?;
    if score[(n - 1) * m + last] <= f32::MIN {
        return None;
    }
    let mut path = vec![0usize; n];
    path[n - 1] = last;
    for i in (1..n).rev() {
        let p = from[i * m + path[i]];
        if p == usize::MAX {
            return None;
        }
        path[i - 1] = p;
    }
    // Each cell refined by a pixel up or down (a slightly tilted line).
    let mut text = String::with_capacity(n);
    let mut scores = Vec::with_capacity(n);
    let mut seconds = Vec::with_capacity(n);
    for (i, &class) in classes.iter().enumerate() {
        let x = xs[path[i]];
        let (t0, b0) = e.rows_at(x);
        let mut b = ((b'<', f32::MIN), (b'<', f32::MIN));
        for dy in [-1.0, 0.0, 1.0] {
            if let Some(v) = cell(g, x, (t0 + dy, b0 + dy), pitch) {
                let r = classify2(t, &v, class);
                if r.0 .1 > b.0 .1 {
                    b = r;
                }
            }
        }
        // Numbers and optional data are mostly digits, and OCR-B draws some letters
        // nearly as their digits: a letter whose digit twin scored within the margin is
        // read as the digit (the letter stays the runner-up for the check digits).
        if class == Class::Any && b.1 .1 >= b.0 .1 - DIGIT_PRIOR_MARGIN {
            if let Some(&(_, d)) = DIGIT_TWINS
                .iter()
                .find(|(l, d)| *l == b.0 .0 && *d == b.1 .0)
            {
                b = ((d, b.1 .1), b.0);
            }
        }
        text.push(char::from(b.0 .0));
        scores.push(b.0 .1);
        seconds.push((b.1 .1 > f32::MIN).then_some(b.1));
    }
    Some(LineRead {
        text,
        scores,
        second: seconds,
        x0,
        x1,
        top,
        base,
    })
}
