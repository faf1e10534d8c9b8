//! The machine-readable zone (ICAO 9303): where the band lies on the document, whether it
//! is whole inside the frame, and what it reads, proved by its check digits.
//!
//! - The document (the outline's quad, or the frame when there is none, as for a scan
//!   cropped to the page) is resampled flat at the analysis plane's own resolution, and
//!   the band is located on it ([`locate`]): two or three gapless, aligned, evenly spaced
//!   lines of print across most of its width. The quad is tried as it lies (the band along
//!   its long side, as on a data page or a card) and turned a quarter (a passport spread
//!   standing upright).
//! - The band is read ([`read`]) the way up its first line matches OCR-B better (the
//!   band's position breaks a tie: an MRZ is printed along the bottom, so a band in the top
//!   half is upside down), with the OCR-B templates ([`ocrb`]) under the character classes
//!   of its format. Bands whose print does not match OCR-B are set aside.
//! - The `mrz` crate parses the read and checks every check digit. A read is valid only
//!   when every check digit its format prints holds; a read that fails one is never
//!   reported as readable.

mod locate;
mod ocrb;
pub mod read;

#[cfg(test)]
mod tests;

use crate::analysis::Analysis;
use crate::rectify::{bounds, box_to_image, frame_quad, rectify, sides, square_to_quad, Grey};
use crate::report::{MrzChecks, MrzFields};
use read::{ink_extent, read_line, Class, Extent, LineRead};

/// The zone's formats (ICAO 9303 parts 4–7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Passports: 2 lines × 44.
    Td3,
    /// Official travel documents and some ID cards: 2 lines × 36.
    Td2,
    /// ID cards: 3 lines × 30.
    Td1,
    /// Visas, passport-book size: 2 lines × 44.
    MrvA,
    /// Visas, smaller: 2 lines × 36.
    MrvB,
}

impl Format {
    /// The name the report uses.
    pub fn name(self) -> &'static str {
        match self {
            Format::Td3 => "TD3",
            Format::Td2 => "TD2",
            Format::Td1 => "TD1",
            Format::MrvA => "MRV-A",
            Format::MrvB => "MRV-B",
        }
    }

    fn chars(self) -> usize {
        match self {
            Format::Td3 | Format::MrvA => 44,
            Format::Td2 | Format::MrvB => 36,
            Format::Td1 => 30,
        }
    }
}

/// A read of the band.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub format: Format,
    pub lines: Vec<String>,
    /// The mean template match over every character (−1..1).
    pub score: f64,
    /// The characters' mean height (cap line to baseline), in pixels of the resampled
    /// document (about the analysis plane's).
    pub cap: f64,
    /// Each check digit the format prints (all `None` when the lines do not parse).
    pub checks: MrzChecks,
    /// Every check digit holds ([`MrzChecks::all_valid`]).
    pub valid: bool,
    /// The fields, when valid.
    pub fields: Option<MrzFields>,
}

/// The band found on the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Mrz {
    /// The band's corners (its lines' ink), upright image pixels, TL, TR, BR, BL as the
    /// zone reads.
    pub corners: [[f64; 2]; 4],
    /// Lines found (2 or 3).
    pub lines: usize,
    /// The read: `None` when the characters are too small to read at the analysis
    /// plane's scale (under [`read::MIN_CAP`] px high) or the lines' length fits no format.
    pub read: Option<Read>,
    /// The format the lines fit (from the read, else from the line count: 3 → TD1).
    pub format: Option<Format>,
    /// The mean OCR-B match of the read, else of the first line alone (the other lines did
    /// not read: cut by the frame, or the wrong length); `None` when nothing was read.
    pub score: Option<f64>,
}

impl Mrz {
    /// The band's axis-aligned box in upright image pixels `[x0, y0, x1, y1]`.
    pub fn bbox(&self) -> [f64; 4] {
        bounds(&self.corners)
    }
}

/// The lowest mean template match of a read that is an MRZ. OCR-B print matches its own
/// font's templates: real zones read at 0.56..0.93 (specimen scans and real photos), the
/// other print the locator takes for lines (newspaper columns, text blocks) at 0.20..0.47
/// (docs/accuracy.md).
pub const MIN_SCORE: f64 = 0.55;

/// The longest side the document is resampled to: the analysis plane's own size (the
/// resample never adds detail the plane lacks, and never throws away what it has).
const MAX_LONG_SIDE: f64 = 1024.0;

/// The MRZ on the document: `quad` is the outline (upright image pixels, TL, TR, BR, BL),
/// `None` for the whole frame. The outline is searched first, then the whole frame (the
/// outline may be a wrong one: the portrait's frame, a block of print). `None` when no
/// band is found.
pub fn find(a: &Analysis, quad: Option<[[f64; 2]; 4]>) -> Option<Mrz> {
    let frame = frame_quad(a)?;
    let s = f64::from(a.scale);
    // A band read as OCR-B anywhere wins; else the first band too small to read.
    let mut unread = None;
    for q in quad
        .map(|q| q.map(|p| [p[0] / s, p[1] / s]))
        .into_iter()
        .chain([frame])
    {
        if let Some(z) = find_on(a, q, &mut unread) {
            return Some(z);
        }
    }
    unread
}

/// The MRZ read on quad `q` (plane pixels); the first band too small to read goes to
/// `unread` if that is empty.
fn find_on(a: &Analysis, q: [[f64; 2]; 4], unread: &mut Option<Mrz>) -> Option<Mrz> {
    let s = f64::from(a.scale);
    let (top, left) = sides(q);
    if !(top.is_finite() && left.is_finite()) || top.min(left) < 8.0 {
        return None;
    }
    let long = top.max(left).min(MAX_LONG_SIDE).round();
    let short = (long * top.min(left) / top.max(left)).round().max(1.0);
    // Turn k starts the rectangle at the quad's corner k: the band along the long side
    // first (k = 0 or 1, whichever makes the rectangle landscape), then along the short.
    let landscape = if top >= left { 0 } else { 1 };
    let whole_plane = Some(q) == frame_quad(a);
    for k in [landscape, 1 - landscape] {
        let corners = [0, 1, 2, 3].map(|i| q[(i + k) % 4]);
        let (w, h) = if k == landscape {
            (long, short)
        } else {
            (short, long)
        };
        let map = square_to_quad(corners);
        let g = if whole_plane {
            // The whole plane: copied as it lies or turned a quarter, no resampling.
            plane_turned(a, k == 1)
        } else {
            rectify(a, &map, w as u32, h as u32)
        };
        for lines in locate::locate(&g) {
            // An MRZ runs along the document's bottom: a band in the top half is upside
            // down.
            let centre = lines.iter().map(|l| l.y0 + l.y1).sum::<f64>() / (2 * lines.len()) as f64;
            let upside_down = centre < h / 2.0;
            let (read, box_, first) = read_band(&g, &lines, upside_down);
            // Lines read that do not look like OCR-B are other print (a newspaper's
            // columns, a block of text on the document): not an MRZ. A band whose lines
            // do not all read (one cut by the frame) is judged by its first line.
            let score = read.as_ref().map(|r| r.read.score).or(first);
            if score.is_some_and(|s| s < MIN_SCORE) {
                continue;
            }
            let mut corners = box_to_image(&map, (w, h), s, box_);
            if read.as_ref().is_some_and(|r| r.upside_down) {
                corners.rotate_left(2);
            }
            let format = read
                .as_ref()
                .map(|r| r.read.format)
                .or((lines.len() == 3).then_some(Format::Td1));
            let zone = Mrz {
                corners,
                lines: lines.len(),
                format,
                score,
                read: read.map(|r| r.read),
            };
            if zone.read.is_some() {
                return Some(zone);
            }
            if unread.is_none() {
                *unread = Some(zone);
            }
        }
    }
    None
}

/// The plane's luma as it lies, or turned a quarter so that its right edge is the top
/// (what [`rectify`] makes of the frame's quad started at its top-right corner).
fn plane_turned(a: &Analysis, quarter: bool) -> Grey {
    let (w, h) = (a.width as usize, a.height as usize);
    if !quarter {
        return Grey {
            w: a.width,
            h: a.height,
            px: a.luma.clone(),
        };
    }
    let mut px = Vec::with_capacity(w * h);
    for y in 0..w {
        for x in 0..h {
            px.push(a.luma[x * w + (w - 1 - y)]);
        }
    }
    Grey {
        w: a.height,
        h: a.width,
        px,
    }
}

struct Oriented {
    read: Read,
    upside_down: bool,
}

/// Read the band the way up its first line reads better (`upside_down`, the band's
/// position, breaks a tie). Also the band's box (ink of its lines, as the image `g` lies).
fn read_band(
    g: &Grey,
    lines: &[locate::Line],
    upside_down: bool,
) -> (Option<Oriented>, [f64; 4], Option<f64>) {
    let extents: Vec<_> = lines.iter().filter_map(|l| ink_extent(g, l)).collect();
    let box_ = if extents.len() == lines.len() {
        [
            extents.iter().map(|e| e.x0).fold(f64::INFINITY, f64::min),
            extents[0].top,
            extents
                .iter()
                .map(|e| e.x1)
                .fold(f64::NEG_INFINITY, f64::max),
            extents[extents.len() - 1].base,
        ]
    } else {
        [
            lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min),
            lines[0].y0,
            lines.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max),
            lines[lines.len() - 1].y1,
        ]
    };
    if extents.len() != lines.len() {
        return (None, box_, None);
    }
    let (w, h) = (f64::from(g.w), f64::from(g.h));
    let flipped = Grey {
        w: g.w,
        h: g.h,
        px: g.px.iter().rev().copied().collect(),
    };
    let turned: Vec<_> = extents.iter().rev().map(|e| e.turned(w, h)).collect();
    // Which way up: the first line read both ways as the likeliest format's first line
    // (print read upside down matches OCR-B poorly); ties go to the band's position. Only
    // that way is read in full.
    let first =
        |image: &Grey, ext: &[Extent]| read_line(image, ext[0], &classes(formats(ext.len())[0], 0));
    let (as_lies, flipped_first) = (first(g, &extents), first(&flipped, &turned));
    let score = |r: &Option<LineRead>| r.as_ref().map_or(f64::MIN, LineRead::mean_score);
    let (as_lies_score, flipped_score) = (score(&as_lies), score(&flipped_first));
    let first_score = Some(as_lies_score.max(flipped_score)).filter(|&s| s > f64::MIN);
    let flip = if (as_lies_score - flipped_score).abs() < 1e-9 {
        upside_down
    } else {
        flipped_score > as_lies_score
    };
    // The chosen way's first line is the first format's first line: not read again.
    let read = if flip {
        read_lines(&flipped, &turned, flipped_first)
    } else {
        read_lines(g, &extents, as_lies)
    };
    let best = read.map(|read| Oriented {
        read,
        upside_down: flip,
    });
    (best, box_, first_score)
}

/// The formats a band of `n` lines may be, most likely first.
fn formats(n: usize) -> &'static [Format] {
    match n {
        3 => &[Format::Td1],
        _ => &[Format::Td3, Format::Td2],
    }
}

/// Read every line of an upright band as each format its line count allows; the format
/// whose read matches best, valid first. `first_line` is the first line already read as
/// the first format's.
fn read_lines(g: &Grey, ext: &[Extent], first_line: Option<LineRead>) -> Option<Read> {
    let mut best: Option<Read> = None;
    let mut first_line = Some(first_line);
    for &f in formats(ext.len()) {
        let first = match first_line.take() {
            Some(read) => read,
            None => read_line(g, ext[0], &classes(f, 0)),
        };
        let Some(first) = first else {
            continue;
        };
        // Print that is not OCR-B is not read further.
        if first.mean_score() < MIN_SCORE - 0.1 {
            continue;
        }
        // A visa's first line starts with V: its second line has no composite digit.
        let f = match (f, first.text.as_bytes()[0]) {
            (Format::Td3, b'V') => Format::MrvA,
            (Format::Td2, b'V') => Format::MrvB,
            _ => f,
        };
        let mut reads: Vec<LineRead> = vec![first];
        for (i, e) in ext.iter().enumerate().skip(1) {
            let Some(r) = read_line(g, *e, &classes(f, i)) else {
                break;
            };
            reads.push(r);
        }
        if reads.len() != ext.len() {
            continue;
        }
        let read = validate(f, &reads);
        let better = best.as_ref().is_none_or(|b| {
            (read.valid && !b.valid) || (read.valid == b.valid && read.score > b.score)
        });
        if better {
            let valid = read.valid;
            best = Some(read);
            if valid {
                break;
            }
        }
    }
    best
}

/// The character classes of line `i` of format `f` (ICAO 9303).
fn classes(f: Format, i: usize) -> Vec<Class> {
    use Class::{Any as X, Digit as D, DigitOrFiller as N, Letter as A, Sex as S};
    let n = f.chars();
    let mut c = vec![X; n];
    let mut set = |range: std::ops::Range<usize>, class: Class| c[range].fill(class);
    match (f, i) {
        // Document code, issuing state, name.
        (Format::Td3 | Format::Td2 | Format::MrvA | Format::MrvB, 0) => set(0..n, A),
        (Format::Td3 | Format::Td2 | Format::MrvA | Format::MrvB, _) => {
            set(9..10, N);
            set(10..13, A);
            set(13..20, D);
            set(20..21, S);
            set(21..28, D);
            match f {
                Format::Td3 => {
                    set(42..43, N);
                    set(43..44, D);
                }
                Format::Td2 => set(35..36, D),
                _ => {}
            }
        }
        (Format::Td1, 0) => {
            set(0..5, A);
            set(14..15, N);
        }
        (Format::Td1, 1) => {
            set(0..7, D);
            set(7..8, S);
            set(8..15, D);
            set(15..18, A);
            set(29..30, D);
        }
        (Format::Td1, _) => set(0..n, A),
    }
    c
}

/// How close a runner-up must score to a character's best match to be tried in its place.
const ALTERNATIVE_MARGIN: f32 = 0.1;

/// The most uncertain characters whose runner-up is tried.
const MAX_ALTERNATIVES: usize = 10;

/// The most characters a repair changes at once.
const MAX_CHANGED: u32 = 2;

/// Parse and check a read; when a check digit fails, try the characters whose runner-up
/// scored within [`ALTERNATIVE_MARGIN`] of them (`0`/`O`, `8`/`B`, `5`/`S`: OCR-B draws
/// them alike), one or two at a time, and keep the best-matching read whose every check
/// digit holds.
/// The check digits decide; a read none of whose variants passes stays invalid.
fn validate(f: Format, reads: &[LineRead]) -> Read {
    let score = reads.iter().map(LineRead::mean_score).sum::<f64>() / reads.len() as f64;
    let cap = reads.iter().map(|r| r.base - r.top).sum::<f64>() / reads.len() as f64;
    let texts: Vec<Vec<u8>> = reads.iter().map(|r| r.text.clone().into_bytes()).collect();
    let first = validate_one(f, &texts, score, cap);
    if first.valid {
        return first;
    }
    let mut doubt: Vec<(f32, usize, usize, u8)> = Vec::new();
    for (l, r) in reads.iter().enumerate() {
        for (i, (s, alt)) in r.scores.iter().zip(&r.second).enumerate() {
            if let Some((c, s2)) = alt {
                if s - s2 <= ALTERNATIVE_MARGIN {
                    doubt.push((s - s2, l, i, *c));
                }
            }
        }
    }
    doubt.sort_by(|a, b| a.0.total_cmp(&b.0));
    doubt.truncate(MAX_ALTERNATIVES);
    let mut best: Option<(f32, Read)> = None;
    let mut variant = texts.clone();
    // At most two characters changed: a check digit sees a field's value mod 10 only, so
    // the more characters a repair may change, the likelier a wrong read passes.
    for mask in (1u32..(1 << doubt.len())).filter(|m| m.count_ones() <= MAX_CHANGED) {
        let mut cost = 0.0;
        for (k, &(margin, l, i, c)) in doubt.iter().enumerate() {
            let on = mask & (1 << k) != 0;
            variant[l][i] = if on { c } else { texts[l][i] };
            if on {
                cost += margin;
            }
        }
        let read = validate_one(f, &variant, score, cap);
        if read.valid && best.as_ref().is_none_or(|(c, _)| cost < *c) {
            best = Some((cost, read));
        }
    }
    best.map_or(first, |(_, r)| r)
}

/// Parse and check one read with the `mrz` crate.
fn validate_one(f: Format, texts: &[Vec<u8>], score: f64, cap: f64) -> Read {
    // The reader writes only ASCII (the MRZ alphabet).
    let lines: Vec<String> = texts
        .iter()
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .collect();
    let parsed = match (f, lines.as_slice()) {
        (Format::Td3, [a, b]) => mrz::parse_td3(a, b).ok(),
        (Format::Td2, [a, b]) => mrz::parse_td2(a, b).ok(),
        (Format::MrvA, [a, b]) => mrz::parse_mrv_a(a, b).ok(),
        (Format::MrvB, [a, b]) => mrz::parse_mrv_b(a, b).ok(),
        (Format::Td1, [a, b, c]) => mrz::parse_td1(a, b, c).ok(),
        _ => None,
    };
    let checks = parsed.as_ref().map_or(MrzChecks::default(), |p| MrzChecks {
        document_number: p.checks.document_number,
        date_of_birth: p.checks.date_of_birth,
        date_of_expiry: p.checks.date_of_expiry,
        personal_number: p.checks.personal_number,
        composite: p.checks.composite,
    });
    let valid = checks.all_valid();
    let fields = parsed.filter(|_| valid).map(|p| MrzFields {
        document_type: p.document_type.clone(),
        issuing_country: p.issuing_country.clone(),
        document_number: p.full_document_number().to_string(),
        surname: p.surname.clone(),
        given_names: p.given_names.clone(),
        nationality: p.nationality.clone(),
        date_of_birth: p.date_of_birth.to_string(),
        sex: p.sex.to_string(),
        date_of_expiry: p.date_of_expiry.to_string(),
    });
    Read {
        format: f,
        lines,
        score,
        cap,
        checks,
        valid,
        fields,
    }
}
