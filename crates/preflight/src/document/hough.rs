//! Step 2: Hough lines, each edge pixel voting near its own gradient direction, from the
//! work plane and from a half-size one.

use super::*;

pub(super) const THETA_STEPS: usize = 360; // 0.5 degree

/// Hough lines, strongest first. Each edge pixel votes within ±6° of its gradient direction.
pub(super) fn hough(work: &Work, max_lines: usize) -> Vec<(Line, u32)> {
    let (w, h) = (work.w, work.h);
    let diag = ((w * w + h * h) as f64).sqrt().ceil() as usize;
    let acc = accumulate(work, diag);
    // Peaks: local maxima in a (±4°, ±3 px) window, above a minimum length.
    let min_votes = (0.10 * w.min(h) as f64) as u16;
    let mut peaks = local_maxima(&acc, diag, min_votes);
    peaks.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.theta.total_cmp(&b.0.theta)));
    // At most a quarter of the lines from one 10° direction band, so the parallel lines of
    // wood grain, stripes or a checkerboard cannot crowd out the document's other sides.
    let mut per_band = [0usize; 18];
    let cap = max_lines.div_ceil(4);
    peaks.retain(|(l, _)| {
        let band = ((l.theta / std::f64::consts::PI * 18.0) as usize).min(17);
        per_band[band] += 1;
        per_band[band] <= cap
    });
    peaks.truncate(max_lines);
    peaks
}

/// The Hough accumulator of the work plane's edge pixels: each votes for the lines within
/// ±6° of its gradient direction, rows of `2 * diag + 1` distance bins per direction.
fn accumulate(work: &Work, diag: usize) -> Vec<u16> {
    let (w, h) = (work.w, work.h);
    let rbins = 2 * diag + 1;
    // u16 cells: a cell counts the edge pixels of one 1 px wide strip across the ≤ 512 px
    // plane (< 2 000), and the halved accumulator (0.9 MB) stays in cache far better; the
    // votes' increments were the single hottest instruction of `find`.
    let mut acc = vec![0u16; THETA_STEPS * rbins];
    // ±6° in half-degree steps.
    const SPREAD: usize = 12;
    // Direction table indexed by t + SPREAD for t in −SPREAD..THETA_STEPS + SPREAD, so the
    // vote loop needs no wrap-around arithmetic: (bin row, cos, sin) of the wrapped angle.
    let table: Vec<(usize, f32, f32)> = (0..THETA_STEPS + 2 * SPREAD + 1)
        .map(|k| {
            let t = (k as isize - SPREAD as isize).rem_euclid(THETA_STEPS as isize) as usize;
            let th = t as f64 * std::f64::consts::PI / THETA_STEPS as f64;
            (t * rbins, th.cos() as f32, th.sin() as f32)
        })
        .collect();
    // r + diag + 0.5 is never negative, so truncation rounds.
    let offset = diag as f32 + 0.5;
    let to_step = THETA_STEPS as f32 / std::f32::consts::PI;
    // Edge pixels grouped by their direction bin, then voted group by group: a group's votes
    // land in 25 neighbouring theta rows (≈ 64 KB) that stay in cache, where voting in raster
    // order walked the whole 0.9 MB accumulator. Counts are the same in any order.
    let mut count = vec![0u32; THETA_STEPS + 2];
    let mut order: Vec<(u16, u16, u16)> = Vec::new();
    for y in 0..h {
        let edges = &work.edge[y * w..(y + 1) * w];
        for (x, _) in edges.iter().enumerate().filter(|(_, &e)| e) {
            let i = y * w + x;
            let th = gradient_angle(work.gy[i], work.gx[i]);
            let t0 = (round32(th * to_step) as usize).min(THETA_STEPS);
            count[t0 + 1] += 1;
            order.push((t0 as u16, x as u16, y as u16));
        }
    }
    for t in 1..count.len() {
        count[t] += count[t - 1];
    }
    let mut sorted = vec![(0f32, 0f32); order.len()];
    for &(t0, x, y) in &order {
        let slot = &mut count[usize::from(t0)];
        sorted[*slot as usize] = (f32::from(x), f32::from(y));
        *slot += 1;
    }
    // count[t] is now the end of group t (the start of group t + 1). A pixel's 25 votes go
    // to 25 different rows, so they never wait on each other (voting a row at a time for
    // the whole group was slower: neighbouring pixels hit the same cell back to back).
    let mut start = 0usize;
    for t0 in 0..=THETA_STEPS {
        let end = count[t0] as usize;
        let dirs = &table[t0..=t0 + 2 * SPREAD];
        for &(xf, yf) in &sorted[start..end] {
            for &(row, c, s) in dirs {
                // Through i32: one conversion instead of the saturating f32 → usize one.
                let rb = (xf * c + yf * s + offset) as i32 as usize;
                acc[row + rb] += 1;
            }
        }
        start = end;
    }
    acc
}

/// The accumulator's cells that are maxima of their (±4°, ±3 bins) window with at least
/// `min_votes`, as lines with their votes.
fn local_maxima(acc: &[u16], diag: usize, min_votes: u16) -> Vec<(Line, u32)> {
    let rbins = 2 * diag + 1;
    let mut peaks = Vec::new();
    // Nearly every cell is below the minimum: a block of them is passed over on one
    // vector maximum (the scalar test per cell was ~8 % of `find`).
    const BLOCK: usize = 16;
    let cells = (0..THETA_STEPS).flat_map(|t| {
        let row = &acc[t * rbins..(t + 1) * rbins];
        row.chunks(BLOCK)
            .enumerate()
            .filter(|(_, block)| block.iter().fold(0, |m, &v| m.max(v)) >= min_votes)
            .flat_map(move |(b, _)| (b * BLOCK).max(1)..((b + 1) * BLOCK).min(rbins - 1))
            .map(move |rb| (t, rb))
    });
    for (t, rb) in cells {
        let v = acc[t * rbins + rb];
        if v < min_votes {
            continue;
        }
        let mut is_max = true;
        'win: for dt in -4isize..=4 {
            let tt = (t as isize + dt).rem_euclid(THETA_STEPS as isize) as usize;
            // Wrapping theta by π flips the sign of r.
            let wrapped = (t as isize + dt) < 0 || (t as isize + dt) >= THETA_STEPS as isize;
            for dr in -3isize..=3 {
                let r = rb as isize - diag as isize + dr;
                let r = if wrapped { -r } else { r };
                let rr = r + diag as isize;
                if rr < 0 || rr >= rbins as isize || (dt == 0 && dr == 0) {
                    continue;
                }
                let o = acc[tt * rbins + rr as usize];
                if o > v || (o == v && (tt, rr as usize) < (t, rb)) {
                    is_max = false;
                    break 'win;
                }
            }
        }
        if is_max {
            let theta = t as f64 * std::f64::consts::PI / THETA_STEPS as f64;
            peaks.push((
                Line::new(theta, rb as f64 - diag as f64, None),
                u32::from(v),
            ));
        }
    }
    peaks
}

/// Lines taken from the work plane's Hough transform.
pub(super) const FINE_LINES: usize = 48;
/// Lines taken from the half-size plane's. On the fine plane a side whose edge is broken
/// (a newspaper or printed cloth behind the card crosses it, a shadow softens it) splits
/// its votes among texture lines and can miss the cut; averaging 2 × 2 blocks more smooths
/// the texture away before it votes, while a document side, tens of pixels long, stays.
pub(super) const COARSE_LINES: usize = 24;

/// Adds the strongest lines of the half-size plane that no fine line already gives (within
/// 2° and 3 fine pixels at the frame centre), mapped onto the fine plane.
pub(super) fn add_coarse_lines(a: &Analysis, lines: &mut Vec<Line>, (w, h): (f64, f64)) {
    let (fine, _, _) = work_size(a, WORK_LONG_SIDE);
    let (coarse, cw, ch) = work_size(a, WORK_LONG_SIDE / 2);
    if coarse == fine || cw < MIN_WORK_SIDE || ch < MIN_WORK_SIDE {
        return;
    }
    let ratio = coarse as f64 / fine as f64;
    let centre = (w / 2.0, h / 2.0);
    let fine_count = lines.len();
    for (l, _) in hough(&work_plane(a, WORK_LONG_SIDE / 2), COARSE_LINES) {
        // A coarse pixel's centre x maps to ratio·x + (ratio − 1)/2 on the fine plane.
        let mapped = Line::new(
            l.theta,
            ratio * l.r + (ratio - 1.0) / 2.0 * (l.n.0 + l.n.1),
            None,
        );
        let known = lines[..fine_count]
            .iter()
            .any(|f| same_line(&mapped, f, centre));
        if !known {
            lines.push(mapped);
        }
    }
}

/// Steps 2 and 3's lines: the strongest of the work plane, the half-size plane's that add
/// to them, and the four frame borders (a side cut off by the frame lies on the border).
pub(super) fn lines(a: &Analysis, work: &Work) -> Vec<Line> {
    let (w, h) = (work.w as f64, work.h as f64);
    let mut lines: Vec<Line> = hough(work, FINE_LINES)
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    add_coarse_lines(a, &mut lines, (w, h));
    add_segment_lines(work, &mut lines);
    let borders = [
        Line::new(0.0, 0.0, Some(0)),
        Line::new(std::f64::consts::FRAC_PI_2, 0.0, Some(1)),
        Line::new(0.0, w - 1.0, Some(2)),
        Line::new(std::f64::consts::FRAC_PI_2, h - 1.0, Some(3)),
    ];
    lines.extend(borders);
    lines
}
