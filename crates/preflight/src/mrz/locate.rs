//! Finding the MRZ's lines on the document resampled flat.
//!
//! What marks an MRZ, and nothing else printed on a document: two or three lines of
//! fixed-pitch characters that run, without a gap wider than one character, across most of
//! the document's width (fillers `<` pad every field, so there are no word gaps), one under
//! the other with the same left and right ends and the same spacing. Labels and values
//! leave gaps; guilloche and photos are not dense rows of strong vertical strokes.
//!
//! Each row of the image is scanned for strong horizontal-gradient pixels (the vertical
//! strokes of dark print on a light ground); the row's longest run of such pixels, gaps
//! bridged up to about one character pitch, is its text span. Rows whose span covers
//! enough of the width form line candidates; consecutive candidates with matching ends and
//! regular spacing form the band.

use crate::rectify::Grey;

/// One text line of the band, in the resampled image's pixels: the rows whose span passed
/// (the middle of the characters) and the span's ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub x0: f64,
    pub x1: f64,
    pub y0: f64,
    pub y1: f64,
}

impl Line {
    fn yc(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

/// The shortest span a row of the MRZ covers, as a share of the document's width. An MRZ
/// line is 0.87..0.89 of its document's width (44 × 2.54 mm on a 125 mm page, 30 × 2.54 mm
/// on an 85.6 mm card, 36 × 2.54 mm on 105 mm); the quad may hold margins (a scan with its
/// border, the frame when no outline was found).
pub const MIN_SPAN: f64 = 0.45;

/// The widest gap bridged inside a line, as a share of the width: a little over the
/// largest character pitch (2.54 mm on an 85.6 mm card, 0.030), because a row through
/// the middle of `<<<<` meets one stroke per character.
pub const BRIDGE: f64 = 0.036;

/// The bands that may be the MRZ in `g`, likeliest first: each its lines top to bottom
/// (two or three). At most [`MAX_BANDS`].
pub fn locate(g: &Grey) -> Vec<Vec<Line>> {
    let (w, h) = (g.w as usize, g.h as usize);
    if w < 64 || h < 16 || g.px.len() != w * h {
        return Vec::new();
    }
    let t = stroke_threshold(g);
    let bridge = ((BRIDGE * w as f64).ceil() as usize).max(2);
    let min_span = MIN_SPAN * w as f64;
    // Each row's longest bridged run of strong-gradient pixels.
    let spans: Vec<Option<(usize, usize)>> = (0..h)
        .map(|y| {
            let row = &g.px[y * w..(y + 1) * w];
            let mut best: Option<(usize, usize)> = None;
            let mut cur: Option<(usize, usize)> = None;
            for x in 1..w - 1 {
                if row[x + 1].abs_diff(row[x - 1]) < t {
                    continue;
                }
                let (s, e) = match cur {
                    Some((s, e)) if x - e <= bridge => (s, x),
                    _ => (x, x),
                };
                cur = Some((s, e));
                if best.is_none_or(|(bs, be)| e - s > be - bs) {
                    best = Some((s, e));
                }
            }
            best.filter(|&(s, e)| (e - s) as f64 >= min_span)
        })
        .collect();
    // Runs of passing rows (one failing row bridged) are line candidates.
    let mut lines = Vec::new();
    let mut y = 0;
    while y < h {
        if spans[y].is_none() {
            y += 1;
            continue;
        }
        let start = y;
        let mut rows: Vec<(usize, usize)> = Vec::new();
        let mut end = y;
        while y < h && (spans[y].is_some() || (y + 1 < h && spans[y + 1].is_some())) {
            if let Some(s) = spans[y] {
                rows.push(s);
                end = y;
            }
            y += 1;
        }
        if rows.len() >= 2 {
            let mut s: Vec<usize> = rows.iter().map(|r| r.0).collect();
            let mut e: Vec<usize> = rows.iter().map(|r| r.1).collect();
            s.sort_unstable();
            e.sort_unstable();
            lines.push(Line {
                x0: s[s.len() / 2] as f64,
                x1: e[e.len() / 2] as f64 + 1.0,
                y0: start as f64,
                y1: end as f64 + 1.0,
            });
        }
    }
    bands(&lines, w as f64)
}

/// The gradient a stroke must reach: a third of the strongest edges' (99.5th percentile),
/// at least 12 levels, so that print counts and pale patterns, paper grain and JPEG noise
/// do not.
fn stroke_threshold(g: &Grey) -> u8 {
    let w = g.w as usize;
    let mut hist = [0u64; 256];
    for row in g.px.chunks_exact(w) {
        for x in 1..w - 1 {
            hist[usize::from(row[x + 1].abs_diff(row[x - 1]))] += 1;
        }
    }
    let n: u64 = hist.iter().sum();
    let mut above = 0;
    let mut q = 255;
    for v in (0..256).rev() {
        above += hist[v];
        if above * 200 >= n {
            q = v;
            break;
        }
    }
    ((q as f64 / 3.0).round() as u8).max(12)
}

/// The most bands [`locate`] returns (each is read until one reads as OCR-B).
pub const MAX_BANDS: usize = 4;

/// The runs of two or three consecutive candidates that line up as an MRZ (an end in
/// common, within a character or so; similar heights; even spacing), best first: three
/// aligned lines before two of similar span (the two-line parts of a three-line run are
/// candidates too: a text line above a zone can line up with it).
fn bands(lines: &[Line], w: f64) -> Vec<Vec<Line>> {
    let tol = 0.04 * w;
    let fits = |a: &Line, b: &Line| {
        let (ha, hb) = (a.y1 - a.y0, b.y1 - b.y0);
        let gap = b.yc() - a.yc();
        // One end in line (a row's span can stop short where the print is faint), and
        // most of the shorter span shared.
        let overlap = a.x1.min(b.x1) - a.x0.max(b.x0);
        ((a.x0 - b.x0).abs() <= tol || (a.x1 - b.x1).abs() <= tol)
            && overlap >= 0.8 * (a.x1 - a.x0).min(b.x1 - b.x0)
            && ha.max(hb) <= 2.5 * ha.min(hb)
            // Centre spacing: more than the rows that passed, at most a few line heights.
            && gap >= 1.2 * ha.max(hb)
            && gap <= 0.12 * w
    };
    let mut found: Vec<(f64, Vec<Line>)> = Vec::new();
    for i in 0..lines.len() {
        for n in [3usize, 2] {
            if i + n > lines.len() {
                continue;
            }
            let band = &lines[i..i + n];
            if !band.windows(2).all(|p| fits(&p[0], &p[1])) {
                continue;
            }
            if n == 3 {
                let (g1, g2) = (band[1].yc() - band[0].yc(), band[2].yc() - band[1].yc());
                if g1.max(g2) > 1.35 * g1.min(g2) {
                    continue;
                }
            }
            let span = band.iter().map(|l| l.x1 - l.x0).sum::<f64>() / n as f64;
            // Three aligned lines are rarer than two: they win over two of similar span.
            let score = span / w + if n == 3 { 0.1 } else { 0.0 };
            found.push((score, band.to_vec()));
        }
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.truncate(MAX_BANDS);
    found.into_iter().map(|(_, b)| b).collect()
}
