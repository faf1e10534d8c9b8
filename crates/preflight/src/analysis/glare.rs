//! Glare: physical highlights inside the document.

use super::*;

/// A specular highlight on the document, measured as the physics has it: brighter than the
/// document's own paper white; clipped (saturated together with its four neighbours, so
/// strokes of white print two pixels wide do not count); compact (a connected spot of at
/// least [`GLARE_MIN_SPOT`] of the document and [`GLARE_MIN_THICKNESS`] thick, so specks,
/// white bands and pale patterns do not count); not framed by print: the ring 1..3 plane
/// pixels beyond its clipped rim is, at its median, at least the paper white. A reflection
/// lights its surroundings (or, drawn with a hard edge, meets the paper at its own white)
/// and print may cross part of its ring (a streak between lines of text); a white patch
/// with print darker than the paper all round is the document's own (a form field, a white
/// box). Measured: reflections 10..51 levels above the paper at the median (generator and
/// second renderer), 9 of the 11 white form fields of two rendered data pages 3..35 below
/// (the other two, under 0.1 % of the page each, stay below the threshold). How much that
/// ring is lit on average, the halo, is reported for the largest spot.
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
/// A spot pixel this close (plane pixels) to the region's edge is at the document's edge;
/// when the first pixel past the outline is clipped too for at least half of the spot's
/// pixels there, the spot is not on the document (see [`glare`]).
const GLARE_CROSS_REACH: isize = 3;
/// The widest band of document between the region and the outline that is walked across
/// (the region is the outline shrunk by 4 %: 20 plane pixels on a 1024 px card).
const GLARE_CROSS_BAND: isize = 48;
/// A document more than half of whose pixels reach the glare floor is a white page (or
/// blown out, which `overexposed` reports): no spot on it can be told from the paper.
const GLARE_WHITE_PAGE: f64 = 0.5;

/// Whether plane pixel `i` (not on the plane's border) is clipped at `level`: it and its
/// four neighbours all reach it, so strokes of white print two pixels wide do not count.
#[inline]
pub fn clipped(a: &Analysis, i: usize, level: u8) -> bool {
    let w = a.width as usize;
    a.luma[i]
        .min(a.luma[i - 1])
        .min(a.luma[i + 1])
        .min(a.luma[i - w])
        .min(a.luma[i + w])
        >= level
}

/// The glare spots inside mask `m` (see [`Glare`]), a region inside the document's
/// `outline` (the whole quad's mask); `hist` is `m`'s [`luma_histogram`], `floor` the
/// lowest luma that can be glare (`Thresholds::glare_luma`).
pub fn glare(a: &Analysis, m: &Mask, outline: &Mask, hist: &[u32; 256], floor: u8) -> Glare {
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
    let (mut on, win) = clipped_bitmap(a, m, level);
    let min_spot = (GLARE_MIN_SPOT * m.count as f64).max(4.0);
    let min_thickness = (GLARE_MIN_THICKNESS * win.w.min(win.h) as f64).max(2.0);
    let mut ring = Ring::new(win.w * win.h);
    let mut spot = Vec::new();
    let mut total = 0usize;
    for start in 0..on.len() {
        if !on[start] {
            continue;
        }
        let (x0, y0, x1, y1) = flood(&mut on, start, &win, &mut spot);
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
        if carries_on_past_outline(a, m, outline, &spot, &win, level) {
            continue;
        }
        // Framed by print ([`Glare`]): the ring's median below the paper white.
        let (ring_luma, ring_median) = ring
            .luma(a, m, &spot, &win)
            .map_or((f64::from(paper), paper), |r| (r.mean, u16::from(r.median)));
        if ring_median < paper {
            continue;
        }
        let halo = ((ring_luma - f64::from(paper))
            / (f64::from(level) - f64::from(paper)).max(1.0))
        .clamp(0.0, 1.0);
        total += n;
        let f = n as f64 / m.count as f64;
        if f > out.largest {
            out.largest = f;
            out.largest_halo = halo;
            out.largest_box = Some((
                (win.x0 + x0) as u32,
                (win.y0 + y0) as u32,
                (win.x0 + x1) as u32,
                (win.y0 + y1) as u32,
            ));
        }
    }
    out.fraction = total as f64 / m.count as f64;
    out
}

/// The mask's bounding box on the plane, where the spot bitmaps live.
struct Window {
    x0: usize,
    y0: usize,
    w: usize,
    h: usize,
}

/// The eroded clipped bitmap over the mask's bounding box: member, ≥ `level`, and its four
/// neighbours ≥ `level`.
fn clipped_bitmap(a: &Analysis, m: &Mask, level: u8) -> (Vec<bool>, Window) {
    let (w, h) = (a.width as usize, a.height as usize);
    let (bx0, by0, bx1, by1) = m.bbox;
    let (bx0, by0) = (bx0 as usize, by0 as usize);
    let win = Window {
        x0: bx0,
        y0: by0,
        w: bx1 as usize - bx0,
        h: by1 as usize - by0,
    };
    let mut on = vec![false; win.w * win.h];
    for r in &m.runs {
        let y = r.y as usize;
        if y == 0 || y + 1 >= h {
            continue;
        }
        let (lo, hi) = (
            (r.x0 as usize).max(1),
            (r.x1 as usize).min(w.saturating_sub(1)),
        );
        if lo >= hi {
            continue;
        }
        // `clipped` for the run at once: equal-length shifted slices and an index loop with
        // no bounds checks left, so it vectorises (a pixel-by-pixel call was ~1.4 ms of a
        // 12 MP check).
        let n = hi - lo;
        let (up, row, down) = (
            &a.luma[(y - 1) * w + lo..][..n],
            &a.luma[y * w + lo - 1..][..n + 2],
            &a.luma[(y + 1) * w + lo..][..n],
        );
        let (left, mid, right) = (&row[..n], &row[1..n + 1], &row[2..n + 2]);
        let out = &mut on[(y - by0) * win.w + (lo - bx0)..][..n];
        for k in 0..n {
            out[k] = left[k].min(mid[k]).min(right[k]).min(up[k]).min(down[k]) >= level;
        }
    }
    (on, win)
}

/// The spot that `start` belongs to (8-neighbour flood fill, cleared from `on` as it goes)
/// into `spot`; returns its box in window coordinates.
fn flood(
    on: &mut [bool],
    start: usize,
    win: &Window,
    spot: &mut Vec<usize>,
) -> (usize, usize, usize, usize) {
    let (bw, bh) = (win.w, win.h);
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
    (x0, y0, x1, y1)
}

/// A reflection lies on the document and ends at its edge; a clipped region that carries on
/// across the outline is what lies beyond it (a window, a lamp, a white wall taken in by a
/// wrong outline). From each spot pixel within reach of the region's edge, walk out across
/// the rest of the document (the region is shrunk from the outline) to the first pixel past
/// the outline: true when at least half of those that reach it find it clipped too.
fn carries_on_past_outline(
    a: &Analysis,
    m: &Mask,
    outline: &Mask,
    spot: &[usize],
    win: &Window,
    level: u8,
) -> bool {
    let (w, h) = (a.width as usize, a.height as usize);
    let (mut contact, mut beyond) = (0usize, 0usize);
    for &i in spot {
        let (x, y) = ((i % win.w + win.x0) as isize, (i / win.w + win.y0) as isize);
        let mut touches = false;
        let mut crosses = false;
        for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] {
            let mut left_region = false;
            for step in 1..=GLARE_CROSS_REACH + GLARE_CROSS_BAND {
                let (px, py) = (x + dx * step, y + dy * step);
                if px < 1 || py < 1 || px + 1 >= w as isize || py + 1 >= h as isize {
                    break; // the frame's edge: nothing to see beyond
                }
                let (ux, uy) = (px as u32, py as u32);
                if !left_region {
                    if m.contains(ux, uy) {
                        if step >= GLARE_CROSS_REACH {
                            break; // not at the region's edge in this direction
                        }
                        continue;
                    }
                    left_region = true;
                }
                if outline.contains(ux, uy) {
                    continue;
                }
                touches = true;
                crosses |= clipped(a, py as usize * w + px as usize, level);
                break;
            }
        }
        contact += usize::from(touches);
        beyond += usize::from(crosses);
    }
    contact > 0 && beyond * 2 >= contact
}

/// The luma of the ring around a spot.
struct RingLuma {
    mean: f64,
    median: u8,
}

/// The breadth-first ring around a spot, with its depth map kept (and cleared) across spots.
struct Ring {
    depth: Vec<u8>,
    frontier: Vec<usize>,
    next: Vec<usize>,
    touched: Vec<usize>,
}

impl Ring {
    fn new(len: usize) -> Self {
        Ring {
            depth: vec![0u8; len],
            frontier: Vec::new(),
            next: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// Mean and median luma of the plane pixels 3..=5 steps (4-neighbour) from the eroded
    /// spot, that is 1..3 beyond its clipped rim (step 2), inside the document; `None`
    /// when none of them is inside.
    fn luma(&mut self, a: &Analysis, m: &Mask, spot: &[usize], win: &Window) -> Option<RingLuma> {
        let (w, bw, bh) = (a.width as usize, win.w, win.h);
        let Ring {
            depth,
            frontier,
            next,
            touched,
        } = self;
        frontier.clear();
        frontier.extend_from_slice(spot);
        for &i in spot {
            depth[i] = 1;
            touched.push(i);
        }
        let (mut ring_sum, mut ring_n) = (0u64, 0u64);
        let mut hist = [0u32; 256];
        for d in 2..=5u8 {
            next.clear();
            for &i in frontier.iter() {
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
            for &j in next.iter() {
                let (x, y) = (j % bw + win.x0, j / bw + win.y0);
                if d >= 3 && m.contains(x as u32, y as u32) {
                    let v = a.luma[y * w + x];
                    ring_sum += u64::from(v);
                    ring_n += 1;
                    hist[usize::from(v)] += 1;
                }
            }
            std::mem::swap(frontier, next);
        }
        for &i in touched.iter() {
            depth[i] = 0;
        }
        touched.clear();
        (ring_n > 0).then(|| RingLuma {
            mean: ring_sum as f64 / ring_n as f64,
            median: histogram_percentile(&hist, 0.5),
        })
    }
}
