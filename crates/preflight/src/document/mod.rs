//! Stage 4b: find the document's outline on the analysis plane.
//!
//! Works on a ≤ 512 px copy of the luma plane (lines also come from a ≤ 256 px copy, where
//! texture that breaks a side's edge is averaged away):
//! 1. `plane`: Sobel gradients after a light blur; edge pixels are local maxima of the
//!    gradient magnitude across the edge (thin edges) above an adaptive threshold.
//! 2. `hough`: a Hough transform where each edge pixel votes only near its own gradient
//!    direction, so texture (wood grain, fabric) spreads its votes and straight document
//!    sides stand out. At most a quarter of the lines may come from one 10° direction band,
//!    so the parallel lines of grain, stripes or a checkerboard cannot crowd out the
//!    document's other sides. With them, `segments`: whole-frame votes favour long lines,
//!    so on newspaper or a ruled or tiled surface a card's short sides can be outvoted;
//!    every long straight chain of edge pixels (one direction, connected, as in LSD)
//!    becomes a line too, whatever the rest of the frame holds.
//! 3. `candidates`: the strongest lines, plus the four frame borders (a side cut off by the
//!    frame is the frame border), are paired into near-parallel opposite sides, and every
//!    pair of pairs makes a candidate quadrilateral; a closed one far from any document's
//!    shape (a band) is none.
//! 4. `candidates` with `profile`: each candidate is scored on edges: how much of each side
//!    is backed by edge pixels whose gradient is perpendicular to it, whether its sides run
//!    on past its corners (a T-junction: the corner is not a real corner), the contrast
//!    polarity of its sides, and how close its shape is to a document's aspect ratio.
//! 5. `rank` with `cues`: the candidates within reach of the best are re-ranked by a region
//!    cue on a coarse colour grid: a document is a patch whose colours differ from the rest
//!    of the frame, and the strip just outside each real side looks like the rest of the
//!    outside (it fails for the lower edge of a header band, whose outside strip is the
//!    header). Sides of the winner are then refitted to their edge pixels (least squares,
//!    `profile::refit`) for sub-pixel corners.

mod candidates;
mod cues;
mod geometry;
mod hough;
mod num;
mod plane;
mod profile;
mod rank;
mod segments;

use crate::analysis::Analysis;
use candidates::*;
use cues::*;
use geometry::*;
use hough::*;
use num::*;
use plane::*;
use profile::*;
use rank::*;
use segments::*;

/// A found outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// Corners in upright image pixels: top-left, top-right, bottom-right, bottom-left.
    pub quad: [[f64; 2]; 4],
    /// Which sides lie on the frame border (the document continues outside the frame):
    /// left, top, right, bottom of the frame.
    pub cut: [bool; 4],
    /// Mean edge support of the sides that are not frame borders (0..1).
    pub support: f64,
    /// Number of sides that are real document edges (not frame borders).
    pub real_sides: u32,
    /// The outline's ranking score (edge, region and print cues), and the best other
    /// candidate's: the margin says how clear the choice was.
    pub score: f64,
    /// The runner-up's score, when there was another candidate.
    pub runner_up: Option<f64>,
}

/// The long/short ratios a document outline may have: ID-3 passport pages and ID-1 cards.
/// Both are always allowed, since callers often do not know which document they hold.
pub const DOCUMENT_ASPECTS: [f64; 2] = [125.0 / 88.0, 85.60 / 53.98];

/// Find the document outline. `aspects` are the long/short ratios to prefer (empty: any).
pub fn find(a: &Analysis, aspects: &[f64]) -> Option<Outline> {
    // Checked before the plane is built: its filters index ±1 pixel and a plane one or two
    // pixels wide has no interior (a 1 × 3000 image panicked here).
    let (_, ww, wh) = work_size(a, WORK_LONG_SIDE);
    if ww < MIN_WORK_SIDE || wh < MIN_WORK_SIDE {
        return None;
    }
    let work = work_plane(a, WORK_LONG_SIDE);
    let lines = lines(a, &work);
    let profiles: Vec<Option<Profile>> = lines
        .iter()
        .map(|l| l.border.is_none().then(|| Profile::new(&work, l)))
        .collect();
    let (w, h) = (work.w as f64, work.h as f64);
    let candidates = candidates(&lines, &profiles, (w, h), aspects);
    let Chosen {
        candidate:
            Candidate {
                ids,
                corners: raw,
                supports,
                ..
            },
        score,
        runner_up,
    } = choose(a, &work, &lines, candidates, aspects)?;
    // Refit each real side, then intersect neighbouring sides again.
    let refined: Vec<Line> = (0..4)
        .map(|k| refit(&work, &lines[ids[k]], raw[k], raw[(k + 1) % 4]))
        .collect();
    let mut quad = raw;
    for k in 0..4 {
        // Corner k is where side k-1 meets side k.
        if let Some(p) = refined[(k + 3) % 4].intersect(&refined[k]) {
            if dist(p, raw[k]) < 0.05 * w.max(h) {
                quad[k] = p;
            }
        }
    }

    let ordered = order(quad);
    let scale = work.to_image;
    let mut cut = [false; 4];
    let mut real_sides = 0;
    let mut sum = 0.0;
    for k in 0..4 {
        match lines[ids[k]].border {
            Some(b) => cut[b] = true,
            None => {
                real_sides += 1;
                sum += supports[k];
            }
        }
    }
    let to_img = |p: (f64, f64)| [(p.0 + 0.5) * scale, (p.1 + 0.5) * scale];
    // A corner beyond the frame is a cut side too, though no side lies on the border (the
    // quad leaves the frame across a corner): 0.2 % of the frame is past rounding.
    let (fw, fh) = (
        f64::from(a.width) * f64::from(a.scale),
        f64::from(a.height) * f64::from(a.scale),
    );
    for p in ordered.map(to_img) {
        cut[0] |= p[0] < -0.002 * fw;
        cut[1] |= p[1] < -0.002 * fh;
        cut[2] |= p[0] > fw * 1.002;
        cut[3] |= p[1] > fh * 1.002;
    }
    Some(Outline {
        quad: [
            to_img(ordered[0]),
            to_img(ordered[1]),
            to_img(ordered[2]),
            to_img(ordered[3]),
        ],
        cut,
        support: sum / f64::from(real_sides.max(1)),
        real_sides,
        score,
        runner_up,
    })
}

#[cfg(test)]
mod tests;
