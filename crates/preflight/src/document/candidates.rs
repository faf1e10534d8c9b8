//! Steps 3 and 4: candidate quadrilaterals from pairs of near-parallel lines, scored on
//! their edges.

use super::*;

/// A scored quadrilateral: the lines of its four sides (side k runs from corner k to k+1),
/// its corners on the work plane, and each side's edge support.
pub(super) struct Candidate {
    pub(super) score: f64,
    pub(super) ids: [usize; 4],
    pub(super) corners: [(f64, f64); 4],
    pub(super) supports: [f64; 4],
    /// The strongest run-on of a side past a corner (0..1, see `Profile::overshoot`).
    pub(super) worst_overshoot: f64,
}

/// Whether a quad with sides on the frame border (`border[k]` for side k, which runs from
/// corner k to k + 1) can be the visible part of a document of one of `aspects` (any
/// aspect up to the largest, with 15 % tolerance for perspective). Corner cuts (two
/// adjacent border sides) show two partial sides and are always plausible.
pub(super) fn plausible_cut(q: &[(f64, f64); 4], border: [bool; 4], aspects: &[f64]) -> bool {
    let max_aspect = aspects.iter().copied().fold(DOCUMENT_ASPECTS[1], f64::max) * 1.15;
    let len = |k: usize| dist(q[k], q[(k + 1) % 4]);
    let on: Vec<usize> = (0..4).filter(|&k| border[k]).collect();
    match on.as_slice() {
        [b] => {
            let whole = len((b + 2) % 4);
            let depth = (len((b + 1) % 4) + len((b + 3) % 4)) / 2.0;
            depth <= max_aspect * whole
        }
        [b1, b2] if b2 - b1 == 2 => {
            let visible = (len((b1 + 1) % 4) + len((b1 + 3) % 4)) / 2.0;
            let depth = (len(*b1) + len(*b2)) / 2.0;
            visible <= max_aspect * depth
        }
        _ => true,
    }
}

/// The least mean edge support (the share of each real side's length backed by edge pixels
/// across it) of an outline with a side on the frame border. Such an outline claims that
/// the document leaves the frame, which rejects the photo, and it rests on fewer real
/// sides than a closed one, so they must be a document's edges along most of their length:
/// one continuous step from the card to what lies around it. Lines put together from a
/// newspaper's columns, a sheet's shadow or the blocks of a card measured 0.51..0.70 on
/// real photos (six good frames rejected), the real cuts of the second renderer 0.97..1.00
/// and of the real photos 0.82. The price: a card on a checked cloth, whose sides vanish
/// where the card meets squares of its own shade (0.53), is not called cut.
pub(super) const MIN_CUT_SUPPORT: f64 = 0.7;

/// The farthest a closed outline's side ratio may be from a document's (|ln| of the ratio):
/// 0.5 is a ratio of 2.6 or 0.96 for an ID-1 card, beyond any perspective a capture shows
/// (a 45° tilt shortens a side by ln √2 = 0.35).
pub(super) const MAX_ASPECT_OFF: f64 = 0.5;

/// Steps 3 and 4: every quadrilateral two pairs of near-parallel lines make, scored on its
/// edges (support, T-junctions, polarity, shape); the hopeless ones are dropped.
pub(super) fn candidates(
    lines: &[Line],
    profiles: &[Option<Profile>],
    (w, h): (f64, f64),
    aspects: &[f64],
) -> Vec<Candidate> {
    let pairs = opposite_pairs(lines, (w, h));
    let table = Pairwise::new(lines);
    let frame = Frame {
        w,
        h,
        area: w * h,
        tol: 0.02 * w.max(h),
    };
    let min_cross = 55f64.to_radians();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (pi, &(a1, a2)) in pairs.iter().enumerate() {
        for &(b1, b2) in &pairs[pi + 1..] {
            if [b1, b2].contains(&a1) || [b1, b2].contains(&a2) {
                continue;
            }
            if table.angle(a1, b1) < min_cross {
                continue;
            }
            let n_border = [a1, a2, b1, b2]
                .iter()
                .filter(|&&k| lines[k].border.is_some())
                .count();
            if n_border > 2 {
                continue;
            }
            // Sides in corner order: side k runs corner k → k+1 and lies on line `ids[k]`.
            let ids = [b1, a2, b2, a1];
            let Some(raw) = corners(&table, ids, &frame) else {
                continue;
            };
            let quad = Quad {
                ids,
                raw,
                n_border,
                border: ids.map(|i| lines[i].border.is_some()),
            };
            if let Some(c) = score(&quad, profiles, &frame, aspects) {
                candidates.push(c);
            }
        }
    }
    candidates
}

/// Opposite-side pairs: near-parallel (≤ `MAX_PAIR_ANGLE`), apart by ≥ 8 % of the short
/// side, never two frame borders (the whole frame is not a document).
fn opposite_pairs(lines: &[Line], (w, h): (f64, f64)) -> Vec<(usize, usize)> {
    let min_gap = 0.08 * w.min(h);
    let mut pairs = Vec::new();
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            let (a1, b1) = (&lines[i], &lines[j]);
            if a1.border.is_some() && b1.border.is_some() {
                continue;
            }
            if angle_between(a1, b1) > MAX_PAIR_ANGLE.to_radians() {
                continue;
            }
            // Distance between the lines at the frame centre.
            if a1.gap(b1, (w / 2.0, h / 2.0)).abs() < min_gap {
                continue;
            }
            pairs.push((i, j));
        }
    }
    pairs
}

/// How far a document's opposite sides may converge, in degrees. A card tilted 30° towards
/// the camera (the generator's `tilted_30`) shows its short sides 28° apart; at 25° such a
/// card had no outline at all (the held-out seeds' `tilted_30` seed 1002).
pub(super) const MAX_PAIR_ANGLE: f64 = 35.0;

/// The angle and the crossing of every two lines, computed once: a cluttered desk gives
/// ~400 pairs, ~90 000 combinations, each meeting the same lines thousands of times.
struct Pairwise {
    n: usize,
    angle: Vec<f64>,
    cross: Vec<Option<(f64, f64)>>,
}

impl Pairwise {
    fn new(lines: &[Line]) -> Self {
        let n = lines.len();
        let mut angle = vec![0.0; n * n];
        let mut cross = vec![None; n * n];
        for i in 0..n {
            for j in 0..n {
                angle[i * n + j] = angle_between(&lines[i], &lines[j]);
                cross[i * n + j] = lines[i].intersect(&lines[j]);
            }
        }
        Pairwise { n, angle, cross }
    }

    fn angle(&self, i: usize, j: usize) -> f64 {
        self.angle[i * self.n + j]
    }

    fn cross(&self, i: usize, j: usize) -> Option<(f64, f64)> {
        self.cross[i * self.n + j]
    }
}

/// The work plane's size, area and the tolerance for corners just outside it.
struct Frame {
    w: f64,
    h: f64,
    area: f64,
    tol: f64,
}

/// A quadrilateral under test: its sides' lines, corners, and which sides are frame borders.
struct Quad {
    ids: [usize; 4],
    raw: [(f64, f64); 4],
    n_border: usize,
    border: [bool; 4],
}

/// The corners of the quad whose sides lie on `ids`, when it is a plausible outline at all:
/// inside the frame (with a little tolerance), convex, 1..99.5 % of the frame, no corner
/// angle sharper than 35°.
fn corners(table: &Pairwise, [b1, a2, b2, a1]: [usize; 4], f: &Frame) -> Option<[(f64, f64); 4]> {
    let raw = [
        table.cross(a1, b1)?,
        table.cross(b1, a2)?,
        table.cross(a2, b2)?,
        table.cross(b2, a1)?,
    ];
    let (w, h, tol) = (f.w, f.h, f.tol);
    if raw
        .iter()
        .any(|&(x, y)| x < -tol || y < -tol || x > w - 1.0 + tol || y > h - 1.0 + tol)
    {
        return None;
    }
    if !is_convex(&raw) {
        return None;
    }
    let area = polygon_area(&raw);
    if area < 0.01 * f.area || area > 0.995 * f.area {
        return None;
    }
    if !angles_ok(&raw, 35f64.to_radians()) {
        return None;
    }
    Some(raw)
}

/// The profile of a real (not border) line.
fn profile_of(profiles: &[Option<Profile>], id: usize) -> &Profile {
    profiles[id].as_ref().expect("real lines have profiles")
}

/// Score a quad on its edges, or `None` when its edges rule it out.
fn score(q: &Quad, profiles: &[Option<Profile>], f: &Frame, aspects: &[f64]) -> Option<Candidate> {
    let (ids, raw, n_border) = (q.ids, q.raw, q.n_border);
    // A closed outline far from every document's shape (a band, a strip) is no document,
    // however good its edges: the lower edge of a header band closes a band with the
    // document's top, and when the document's other sides are lost in a white surface that
    // band would otherwise be all there is. Its shape alone decides, so it is tested before
    // any side is read.
    let off = if n_border == 0 && !aspects.is_empty() {
        aspect_off(&raw, aspects)
    } else {
        0.0
    };
    if off > MAX_ASPECT_OFF {
        return None;
    }
    let centre = (
        raw.iter().map(|p| p.0).sum::<f64>() / 4.0,
        raw.iter().map(|p| p.1).sum::<f64>() / 4.0,
    );
    let mut supports = [0.0; 4];
    let mut steps = [0.0; 4];
    let mut real = 0;
    let mut sum = 0.0;
    for k in (0..4).filter(|&k| !q.border[k]) {
        let (s, st) = profile_of(profiles, ids[k]).side(raw[k], raw[(k + 1) % 4], centre);
        supports[k] = s;
        steps[k] = st;
        real += 1;
        sum += s;
    }
    if real < 2 {
        return None;
    }
    let mean = sum / real as f64;
    let min_support = (0..4)
        .filter(|&k| !q.border[k])
        .map(|k| supports[k])
        .fold(1.0, f64::min);
    if min_support < 0.3 {
        return None;
    }
    // A cut outline claims that the document leaves the frame, which rejects the
    // photo: its fewer real sides must be clearly a document's edges.
    if n_border > 0 && mean < MIN_CUT_SUPPORT {
        return None;
    }
    // Contrast polarity: a document's sides step the same way against its surround.
    // Weak steps (a dark band against a dark table) are neutral; a strong step the other
    // way means the candidate mixes the document with something else.
    let signs: Vec<f64> = (0..4).filter(|&k| !q.border[k]).map(|k| steps[k]).collect();
    let same = !(signs.iter().any(|&s| s > 25.0) && signs.iter().any(|&s| s < -25.0));
    // Shape prior for a fully visible quad: its side ratio's distance from the nearest
    // document's, beyond 10 %.
    let shape_pen = (off - 0.10).max(0.0) * 3.0;
    // What the frame shows of a cut document must fit inside a document: with one side on
    // the border, the side facing it is a whole document side and the visible depth is at
    // most the other side; with two opposite sides on the border, the visible length is at
    // most the long side for the depth shown. A band across the frame (a table edge, a
    // stripe) fits no document.
    if n_border > 0 && !plausible_cut(&raw, q.border, aspects) {
        return None;
    }
    if !sides_reach_borders(q, profiles, &supports) {
        return None;
    }
    let (over, worst) = overshoots(q, profiles);
    // (real sides / 4)^¼ for 0..=4 real sides.
    let real_weight = (real as f64 / 4.0).powf(0.25);
    let area = polygon_area(&raw);
    // A side on the frame border is a claim that the document is cut off: it must be
    // earned, so it costs more than a real side that is merely weaker.
    let score = mean * real_weight - 0.12 * n_border as f64 - 0.8 * over - 0.3 * worst
        + 0.4 * (area / f.area).sqrt()
        + if same { 0.15 } else { 0.0 }
        - shape_pen;
    Some(Candidate {
        score,
        ids,
        corners: raw,
        supports,
        worst_overshoot: worst,
    })
}

/// A side on the frame border is only believable when the document's neighbouring sides
/// really run up to that border.
fn sides_reach_borders(q: &Quad, profiles: &[Option<Profile>], supports: &[f64; 4]) -> bool {
    let raw = q.raw;
    for k in (0..4).filter(|&k| !q.border[k]) {
        let (p, r) = (raw[k], raw[(k + 1) % 4]);
        let prof = profile_of(profiles, q.ids[k]);
        let need = 0.6 * supports[k].min(0.85);
        if q.border[(k + 1) % 4] && prof.near_end(p, r) < need {
            return false;
        }
        if q.border[(k + 3) % 4] && prof.near_end(r, p) < need {
            return false;
        }
    }
    true
}

/// T-junction test at both ends of every real side: the mean and the strongest run-on of a
/// side past its corners.
fn overshoots(q: &Quad, profiles: &[Option<Profile>]) -> (f64, f64) {
    let raw = q.raw;
    let (mut over, mut worst) = (0.0, 0.0f64);
    let mut ends = 0;
    for k in (0..4).filter(|&k| !q.border[k]) {
        let (p, r) = (raw[k], raw[(k + 1) % 4]);
        let prof = profile_of(profiles, q.ids[k]);
        let (o1, o2) = (prof.overshoot(p, r, 0.12), prof.overshoot(r, p, 0.12));
        over += o1 + o2;
        worst = worst.max(o1).max(o2);
        ends += 2;
    }
    (over / f64::from(ends.max(1)), worst)
}
