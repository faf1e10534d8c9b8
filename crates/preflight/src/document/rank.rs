//! Step 5: the region and print cues re-rank the best candidates, and the rules that give
//! or withhold the closed-outline bonus.

use super::*;

/// A re-ranked outline: its total score, the cues behind it, whether it has a document's
/// shape and print.
pub(super) struct Ranked {
    pub(super) total: f64,
    pub(super) edge: f64,
    pub(super) sep: f64,
    pub(super) shaped: bool,
    pub(super) c: Candidate,
}

/// How many of the best edge-scored outlines the region and content cues re-rank.
pub(super) const RERANK: usize = 1024;
/// Weight of the blank share of a quad (1 − the content cue) against the edge score.
pub(super) const INK_WEIGHT: f64 = 2.0;
/// What a closed outline earns when it has a document's shape (within
/// `DOCUMENT_ASPECT_TOLERANCE`, |ln| of the ratio) and print over `DOCUMENT_INK` of it.
pub(super) const DOCUMENT_BONUS: f64 = 1.0;
pub(super) const DOCUMENT_ASPECT_TOLERANCE: f64 = 0.08;
/// An outline is clearly better than another when its edge score is this much higher and
/// its region separation (0..1) this much higher too.
pub(super) const DOMINANCE_EDGE: f64 = 0.2;
pub(super) const DOMINANCE_SEPARATION: f64 = 0.5;
/// Nor one inside another outline that has clearly stronger edges and a somewhat stronger
/// colour step: the shaped outline is then a block of the document (its portrait, a
/// printed panel), not the document. The containment is the physical reason the
/// separation margin can be smaller than `DOMINANCE_SEPARATION`.
pub(super) const CONTAINER_EDGE: f64 = 0.3;
pub(super) const CONTAINER_SEPARATION: f64 = 0.1;
/// Nor a block of a document the frame cuts off: an outline inside a cut outline, lying
/// along one of its sides, with a side that runs on past one of its own corners (at least
/// `BLOCK_OVERSHOOT` of the stretch past it is edge) and a colour step to its surroundings
/// `BLOCK_SEPARATION` weaker. A panel of the card between its header band, its portrait
/// and the card's own edges is such a block; a card on a sheet of paper lies along no side
/// of the paper, and a passport's data page inside its whole booklet is inside no cut one.
pub(super) const BLOCK_OVERSHOOT: f64 = 0.95;
pub(super) const BLOCK_SEPARATION: f64 = 0.3;
/// A closed outline nearer the frame than this share of the frame's width (height) earns
/// no bonus.
pub(super) const DOCUMENT_MARGIN: f64 = 0.02;
pub(super) const DOCUMENT_INK: f64 = 0.7;
/// Weight of the region separation (0..1) against the edge score.
pub(super) const REGION_WEIGHT: f64 = 1.5;
/// Weight of the outside-strip penalty inside the region cue.
pub(super) const STRIP_WEIGHT: f64 = 0.5;
/// Long side of the colour grid the region cue reads.
pub(super) const GRID_LONG_SIDE: u32 = 96;
/// Colour bins: 8 luma × 5 Cb × 5 Cr.
pub(super) const BINS: usize = 8 * 5 * 5;

/// The `k` items of highest `score`, best first, ties in their order in `items`: what a
/// stable sort and a truncation give, without sorting every candidate (a selection, then a
/// sort of the `k`).
pub(super) fn best_first<T>(items: Vec<T>, k: usize, score: impl Fn(&T) -> f64) -> Vec<T> {
    let mut keyed: Vec<(usize, T)> = items.into_iter().enumerate().collect();
    let order =
        |a: &(usize, T), b: &(usize, T)| score(&b.1).total_cmp(&score(&a.1)).then(a.0.cmp(&b.0));
    if keyed.len() > k && k > 0 {
        keyed.select_nth_unstable_by(k - 1, order);
    }
    keyed.truncate(k);
    keyed.sort_unstable_by(order);
    keyed.into_iter().map(|(_, t)| t).collect()
}

/// The winning candidate, its total score and the runner-up's.
pub(super) struct Chosen {
    pub(super) candidate: Candidate,
    pub(super) score: f64,
    pub(super) runner_up: Option<f64>,
}

/// Step 5: re-rank the candidates within reach of the best by the region and print cues and
/// the closed-outline bonus; the best one wins.
pub(super) fn choose(
    a: &Analysis,
    work: &Work,
    lines: &[Line],
    mut candidates: Vec<Candidate>,
    aspects: &[f64],
) -> Option<Chosen> {
    let (w, h) = (work.w as f64, work.h as f64);
    let tol = 0.02 * w.max(h);
    // Re-rank the strongest outlines by the region cue: a document is a patch whose colours
    // differ from what surrounds it. A quad of table (two grain lines and the frame) or half
    // a patterned cloth looks like its surroundings and drops back.
    // Only outlines the region term (at most REGION_WEIGHT) could lift to the top are
    // worth reading it for (dropped before sorting: the same survivors, in the same order).
    let best = candidates.iter().map(|c| c.score).max_by(f64::total_cmp);
    let floor = best.map_or(0.0, |b| b - REGION_WEIGHT - DOCUMENT_BONUS);
    candidates.retain(|c| c.score >= floor);
    let candidates = best_first(candidates, RERANK, |c| c.score);
    let grid = ColourGrid::new(a, work.to_image / f64::from(a.scale));
    let ink = Ink::new(work);
    let mut ranked: Vec<Ranked> = candidates
        .into_iter()
        .map(|c| {
            let real = c.ids.map(|i| lines[i].border.is_none());
            let sep = grid.region(&c.corners, real);
            let content = ink.content(&c.corners);
            let nb = real.iter().filter(|r| !**r).count();
            // A closed outline with an ID's shape and print inside is the strongest
            // evidence there is; a cut outline rests on the frame border and must beat it.
            let shaped = nb == 0
                && content >= DOCUMENT_INK
                && aspect_off(&c.corners, aspects) <= DOCUMENT_ASPECT_TOLERANCE;
            Ranked {
                total: c.score + REGION_WEIGHT * sep - INK_WEIGHT * (1.0 - content),
                edge: c.score,
                sep,
                shaped,
                c,
            }
        })
        .collect();
    // A side of `r` lies along a real side of `o`: both its ends within `tol` of that
    // side's line.
    let shares_side = |r: &Ranked, o: &Ranked| {
        (0..4).any(|k| {
            let (p, q) = (r.c.corners[k], r.c.corners[(k + 1) % 4]);
            o.c.ids.iter().any(|&i| {
                let l = &lines[i];
                l.border.is_none() && [p, q].iter().all(|&p| l.offset(p).abs() <= tol)
            })
        })
    };
    // The bonus goes to a shaped outline unless another outline is clearly better on
    // both physical cues at once, stronger edges and a stronger colour step to its
    // surroundings: a patch of a patterned table or cloth has print-like edges and a
    // card's shape, but the real document beside it (even cut by the frame) stands out.
    // Nor when it is a block of an outline that contains it (`CONTAINER_*`, `BLOCK_*`).
    let contains = |o: &Ranked, r: &Ranked| r.c.corners.iter().all(|&p| inside(&o.c.corners, p));
    let dominated = |r: &Ranked, all: &[Ranked]| {
        all.iter().any(|o| {
            (o.edge >= r.edge + DOMINANCE_EDGE && o.sep >= r.sep + DOMINANCE_SEPARATION)
                || (o.edge >= r.edge + CONTAINER_EDGE
                    && o.sep >= r.sep + CONTAINER_SEPARATION
                    && contains(o, r))
                || (r.c.worst_overshoot >= BLOCK_OVERSHOOT
                    && o.sep >= r.sep + BLOCK_SEPARATION
                    && o.c.ids.iter().any(|&i| lines[i].border.is_some())
                    && shares_side(r, o)
                    && contains(o, r))
        })
    };
    // Nor when it hugs the frame: a whole document seen with background around it is
    // what the bonus rewards; an outline within `DOCUMENT_MARGIN` of the frame is as
    // likely a block of a document that fills the frame (a tight crop) or the frame's
    // own edge.
    let (mx, my) = (DOCUMENT_MARGIN * w, DOCUMENT_MARGIN * h);
    let hugs_frame = |r: &Ranked| {
        r.c.corners
            .iter()
            .any(|&(x, y)| x < mx || y < my || x > w - 1.0 - mx || y > h - 1.0 - my)
    };
    let bonus: Vec<bool> = ranked
        .iter()
        .map(|r| r.shaped && !hugs_frame(r) && !dominated(r, &ranked))
        .collect();
    for (r, b) in ranked.iter_mut().zip(bonus) {
        if b {
            r.total += DOCUMENT_BONUS;
        }
    }
    ranked.sort_by(|x, y| y.total.total_cmp(&x.total));
    let runner_up = ranked.get(1).map(|r| r.total);
    let best = ranked.into_iter().next()?;
    Some(Chosen {
        candidate: best.c,
        score: best.total,
        runner_up,
    })
}
