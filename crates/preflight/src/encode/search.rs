//! The size search: predict the quality and chroma that land inside the byte window from a
//! sample of rows, verify with full encodes, downscale only when the floor is too large.

use super::*;

/// A JPEG that landed in the byte window.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Quality used.
    pub quality: u8,
    /// Chroma subsampling used.
    pub chroma: Chroma,
    /// Output width (upright).
    pub width: u32,
    /// Output height (upright).
    pub height: u32,
    /// True when the image was scaled down to fit.
    pub downscaled: bool,
    /// What the search spent.
    pub encodes: EncodeCount,
}

/// Why no JPEG landed in the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreachable {
    /// The closest size reached (or predicted), in bytes.
    pub best_bytes: u64,
    /// Human-readable reason.
    pub reason: String,
    /// What the search spent.
    pub encodes: EncodeCount,
}

/// Scratch buffers reused across images by one worker.
#[derive(Default)]
pub struct EncodeScratch {
    /// The full encode.
    pub out: Vec<u8>,
    sample: Vec<u8>,
    resized: Vec<u8>,
}

pub(super) struct Search<'a> {
    pub(super) opts: &'a EncodeOptions,
    pub(super) icc: Option<&'a [u8]>,
    pub(super) deadline: Instant,
    pub(super) count: EncodeCount,
}

impl Search<'_> {
    fn check_deadline(&self) -> Result<()> {
        if Instant::now() > self.deadline {
            return Err(Error::new(
                ErrorKind::DeadlineExceeded,
                "the per-image deadline passed during the size search",
            ));
        }
        Ok(())
    }
}

/// Predicts full-encode sizes from band-sample encodes of one source.
pub(super) struct Predictor<'a> {
    pub(super) src: &'a dyn Frame,
    pub(super) rows: Vec<u32>,
    /// Fraction of the rows the sample holds.
    pub(super) fraction: f64,
    /// Bytes of headers (tables, ICC) in any encode, per chroma mode.
    pub(super) header: [f64; 2],
    /// Measured full / predicted ratio, per chroma mode.
    pub(super) correction: [f64; 2],
}

impl<'a> Predictor<'a> {
    fn new(src: &'a dyn Frame, search: &mut Search<'_>, buf: &mut Vec<u8>) -> Result<Self> {
        let (_, uh) = src.upright_size();
        let rows = sample_rows(uh);
        let fraction = rows.len() as f64 / f64::from(uh);
        // Header bytes: encode one 8×8 flat grey block with the same tables.
        let mut header = [0.0; 2];
        for (i, chroma) in [Chroma::Cs420, Chroma::Cs444].into_iter().enumerate() {
            header[i] = src.header_bytes(chroma, search.icc, buf)?;
        }
        Ok(Predictor {
            src,
            rows,
            fraction,
            header,
            correction: [1.0; 2],
        })
    }

    fn chroma_index(chroma: Chroma) -> usize {
        match chroma {
            Chroma::Cs420 => 0,
            Chroma::Cs444 => 1,
        }
    }

    /// Predicted full size at (quality, chroma).
    fn predict(
        &self,
        quality: u8,
        chroma: Chroma,
        search: &mut Search<'_>,
        buf: &mut Vec<u8>,
    ) -> Result<f64> {
        search.check_deadline()?;
        self.src
            .encode_rows(Some(&self.rows), quality, chroma, search.icc, buf)?;
        search.count.sample += 1;
        search.count.sample_equivalent += self.fraction;
        let i = Self::chroma_index(chroma);
        let body = (buf.len() as f64 - self.header[i]).max(0.0);
        Ok((body / self.fraction + self.header[i]) * self.correction[i])
    }
}

/// A quality and the full size predicted for it.
pub(super) type Point = (u8, f64);

/// libjpeg's quality scaling: the quantisation tables are the base tables times this
/// percentage (`jpeg_quality_scaling`), at least 1.
fn quant_scale(q: u8) -> f64 {
    let q = f64::from(q.clamp(1, 100));
    if q < 50.0 {
        5000.0 / q
    } else {
        (200.0 - 2.0 * q).max(1.0)
    }
}

/// How a JPEG's size falls as its quantisation scale grows, when the points measured do not
/// give it: size ∝ scale^(−`SIZE_SLOPE`) (0.34..1.15 measured between q81 and q99 on the
/// generator's re-encoded captures; steeper below the capture's own quality).
const SIZE_SLOPE: f64 = 0.4;

/// The next quality to sample when looking for where the prediction crosses `level` inside
/// `lo..=hi`, from the points measured so far (`under` and `over`: the nearest on each side
/// of the crossing). Log size is nearly linear in the log of the quantisation scale, so the
/// crossing is interpolated between the two sides, extrapolated from the two nearest points
/// on one side, or from one point with a typical slope ([`SIZE_SLOPE`]); rounded towards
/// the side the answer is on (`seek`), so the next sample is usually its neighbour, which
/// settles it. Falls back to bisection when nothing is known, or when the same end of the
/// bracket moved twice in a row (`stalled`).
fn pivot(
    (lo, hi): (u8, u8),
    measured: &[Point],
    (under, over): (Option<Point>, Option<Point>),
    level: f64,
    seek: Seek,
    stalled: bool,
) -> u8 {
    let mid = lo + (hi - lo) / 2;
    let x = |q: u8| quant_scale(q).ln();
    let y = |size: f64| size.max(1.0).ln();
    // The log-scale where the line through `a` and `b` reaches `level` (falling: size
    // grows as the scale shrinks), or through `a` with the typical slope.
    let through = |a: Point, b: Option<Point>| {
        let slope = b
            .filter(|b| b.0 != a.0)
            .map(|b| (y(b.1) - y(a.1)) / (x(b.0) - x(a.0)))
            .filter(|s| *s < -1e-6)
            .unwrap_or(-SIZE_SLOPE);
        x(a.0) + (y(level) - y(a.1)) / slope
    };
    let one_side = |side: Point| {
        // The measured point next to `side` on the same side, for a secant.
        let next = measured
            .iter()
            .copied()
            .filter(|p| p.0 != side.0 && (p.1 >= level) == (side.1 >= level))
            .min_by_key(|p| p.0.abs_diff(side.0));
        through(side, next)
    };
    let guess = match (under, over) {
        _ if stalled => None,
        (Some(u), Some(o)) => Some(through(u, Some(o))),
        (Some(side), None) | (None, Some(side)) => Some(one_side(side)),
        (None, None) => None,
    };
    guess.map_or(mid, |g| {
        let scale = g.exp();
        // Qualities rise as the scale falls.
        let q = if scale > 100.0 {
            5000.0 / scale
        } else {
            (200.0 - scale) / 2.0
        };
        let q = match seek {
            Seek::FirstOver => q.ceil(),
            Seek::LastUnder => q.floor(),
        };
        (q.clamp(1.0, 100.0) as u8).clamp(lo, hi)
    })
}

/// Which side of the crossing [`crossing`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seek {
    /// The highest quality predicted at or under the level (`None`: even the lowest is over).
    LastUnder,
    /// The lowest quality predicted at or over the level (`None`: even the highest is under).
    FirstOver,
}

/// Where the (rising) prediction crosses `level` in `lo..=hi`, the side `seek` names,
/// searched with interpolated pivots ([`pivot`]) from `known`, points already measured.
/// Ends on the same answer as bisection when the prediction rises with quality, in fewer
/// samples.
fn crossing(
    (mut lo, mut hi): (u8, u8),
    level: f64,
    seek: Seek,
    known: &[Point],
    mut predict: impl FnMut(u8) -> Result<f64>,
) -> Result<Option<Point>> {
    let want_over = seek == Seek::FirstOver;
    let over_level = |size: f64| {
        if want_over {
            size >= level
        } else {
            size > level
        }
    };
    let mut measured: Vec<Point> = known.to_vec();
    let nearest = |measured: &[Point]| {
        let side = |over: bool| {
            measured
                .iter()
                .copied()
                .filter(move |&(_, s)| over_level(s) == over)
        };
        (
            side(false).max_by_key(|k| k.0),
            side(true).min_by_key(|k| k.0),
        )
    };
    let mut best = None;
    let mut last_moved = None;
    let mut stalled = false;
    while lo <= hi {
        let q = pivot(
            (lo, hi),
            &measured,
            nearest(&measured),
            level,
            seek,
            stalled,
        );
        let size = predict(q)?;
        measured.push((q, size));
        let moved_hi = over_level(size);
        if moved_hi {
            if want_over {
                best = Some((q, size));
            }
            if q == 0 {
                break;
            }
            hi = q - 1;
        } else {
            if !want_over {
                best = Some((q, size));
            }
            lo = q + 1;
        }
        stalled = last_moved == Some(moved_hi) && !stalled;
        last_moved = Some(moved_hi);
    }
    Ok(best)
}

/// What [`choose`] predicts for one scale.
pub(super) enum Choice {
    /// This quality and chroma should land inside the target window (the predicted size).
    Fits(u8, Chroma, f64),
    /// Over the window even at the quality floor.
    TooLarge,
    /// Under the window even at q100 4:4:4 (the predicted size there).
    TooSmall(f64),
}

/// Pick the (quality, chroma) predicted to land inside the target window, or say why none
/// will.
pub(super) fn choose(
    p: &Predictor<'_>,
    (t_lo, t_hi): (f64, f64),
    search: &mut Search<'_>,
    buf: &mut Vec<u8>,
) -> Result<Choice> {
    let q0 = search.opts.quality.clamp(1, 100);
    let qmin = search.opts.min_quality.clamp(1, q0);
    let s0 = p.predict(q0, Chroma::Cs420, search, buf)?;
    if s0 > t_hi {
        return Ok(
            match crossing((qmin, q0 - 1), t_hi, Seek::LastUnder, &[(q0, s0)], |q| {
                p.predict(q, Chroma::Cs420, search, buf)
            })? {
                Some((q, s)) => Choice::Fits(q, Chroma::Cs420, s),
                None => Choice::TooLarge,
            },
        );
    }
    if s0 >= t_lo {
        return Ok(Choice::Fits(q0, Chroma::Cs420, s0));
    }
    // Too small: raise the quality, then try 4:4:4.
    if q0 < 100 {
        if let Some((q, s)) = crossing((q0 + 1, 100), t_lo, Seek::FirstOver, &[(q0, s0)], |q| {
            p.predict(q, Chroma::Cs420, search, buf)
        })? {
            return Ok(Choice::Fits(q, Chroma::Cs420, s));
        }
    }
    match crossing((q0, 100), t_lo, Seek::FirstOver, &[], |q| {
        p.predict(q, Chroma::Cs444, search, buf)
    })? {
        Some((q, s)) => Ok(Choice::Fits(q, Chroma::Cs444, s)),
        None => Ok(Choice::TooSmall(p.predict(
            100,
            Chroma::Cs444,
            search,
            buf,
        )?)),
    }
}

/// What one scale's search ended with.
pub(super) enum Attempt {
    Fitted(Fitted),
    Unreachable(Unreachable),
    /// Predicted over the ceiling even at the quality floor (its predicted size).
    TooLarge(f64),
}

/// Encode `src` upright into a JPEG of `window.0..=window.1` bytes, left in `scratch.out`.
///
/// Never upscales; downscales only when the quality floor is still too large, and never
/// below `min_long_side`. `Ok(Err(..))` when no faithful JPEG lands in the window.
pub fn fit_frame(
    src: &dyn Frame,
    icc: Option<&[u8]>,
    opts: &EncodeOptions,
    window: (u64, u64),
    min_long_side: u32,
    deadline: Instant,
    scratch: &mut EncodeScratch,
) -> Result<std::result::Result<Fitted, Unreachable>> {
    let mut search = Search {
        opts,
        icc,
        deadline,
        count: EncodeCount::default(),
    };
    let EncodeScratch {
        out,
        sample,
        resized,
    } = scratch;
    let floor_size = match search_at_scale(src, window, false, &mut search, out, sample)? {
        Attempt::Fitted(f) => return Ok(Ok(f)),
        Attempt::Unreachable(u) => return Ok(Err(u)),
        Attempt::TooLarge(size) => size,
    };
    // Too large even at the quality floor: bytes scale roughly with area, so shrink by the
    // square root of the excess (and a little more), never below the class minimum.
    let (uw, uh) = src.upright_size();
    let long = uw.max(uh);
    let target_hi = window.1 as f64 * (1.0 - f64::from(opts.target_margin.clamp(0.0, 0.2)));
    let factor = ((target_hi / floor_size).sqrt() * 0.97).min(0.97);
    let new_long = ((f64::from(long) * factor) as u32).max(min_long_side);
    if new_long >= long {
        return Ok(Err(Unreachable {
            best_bytes: floor_size as u64,
            reason: format!(
                "over {} bytes even at quality {}, and the image may not shrink below {} px",
                window.1, opts.min_quality, min_long_side
            ),
            encodes: search.count,
        }));
    }
    let s = f64::from(new_long) / f64::from(long);
    let smaller = src.shrunk(s, resized)?;
    match search_at_scale(&*smaller, window, true, &mut search, out, sample)? {
        Attempt::Fitted(f) => Ok(Ok(f)),
        Attempt::Unreachable(u) => Ok(Err(u)),
        Attempt::TooLarge(size) => Ok(Err(Unreachable {
            best_bytes: size as u64,
            reason: format!(
                "over {} bytes even at quality {} after shrinking to {} px",
                window.1, opts.min_quality, new_long
            ),
            encodes: search.count,
        })),
    }
}

/// Choose a quality for `src` at its current scale and verify it with full encodes (one
/// when the prediction holds, at most three).
pub(super) fn search_at_scale(
    src: &dyn Frame,
    window: (u64, u64),
    downscaled: bool,
    search: &mut Search<'_>,
    out: &mut Vec<u8>,
    sample: &mut Vec<u8>,
) -> Result<Attempt> {
    let (lo, hi) = (window.0 as f64, window.1 as f64);
    let margin = f64::from(search.opts.target_margin.clamp(0.0, 0.2));
    let target = (lo * (1.0 + margin), hi * (1.0 - margin));
    let icc = search.icc;
    let mut p = Predictor::new(src, search, sample)?;
    let mut best_bytes = 0u64;
    for _try in 0..3 {
        let (q, chroma, predicted) = match choose(&p, target, search, sample)? {
            Choice::Fits(q, chroma, predicted) => (q, chroma, predicted),
            Choice::TooLarge => {
                let floor = p.predict(search.opts.min_quality, Chroma::Cs420, search, sample)?;
                return Ok(Attempt::TooLarge(floor));
            }
            Choice::TooSmall(predicted) => {
                // Below the floor even at q100 4:4:4. Verify with a full encode when the
                // prediction is close; otherwise the image clearly lacks the detail.
                let mut best = predicted as u64;
                if predicted >= lo * 0.85 {
                    search.check_deadline()?;
                    src.encode_rows(None, 100, Chroma::Cs444, icc, out)?;
                    search.count.full += 1;
                    best = out.len() as u64;
                    if best as f64 >= lo && best as f64 <= hi {
                        let (width, height) = src.upright_size();
                        return Ok(Attempt::Fitted(Fitted {
                            quality: 100,
                            chroma: Chroma::Cs444,
                            width,
                            height,
                            downscaled,
                            encodes: search.count,
                        }));
                    }
                }
                return Ok(Attempt::Unreachable(Unreachable {
                    best_bytes: best,
                    reason: format!(
                        "even quality 100 with 4:4:4 chroma gives about {best} bytes, below the \
                         {}-byte minimum: the image does not hold that much detail, and padding \
                         or upscaling would invent it",
                        window.0
                    ),
                    encodes: search.count,
                }));
            }
        };
        search.check_deadline()?;
        src.encode_rows(None, q, chroma, icc, out)?;
        search.count.full += 1;
        let got = out.len() as f64;
        best_bytes = out.len() as u64;
        if got >= lo && got <= hi {
            let (width, height) = src.upright_size();
            return Ok(Attempt::Fitted(Fitted {
                quality: q,
                chroma,
                width,
                height,
                downscaled,
                encodes: search.count,
            }));
        }
        // Missed: correct the predictor by what the full encode measured, and choose again.
        let i = Predictor::chroma_index(chroma);
        p.correction[i] *= got / predicted.max(1.0);
    }
    Ok(Attempt::Unreachable(Unreachable {
        best_bytes,
        reason: format!(
            "three full encodes missed {}..={} bytes (last {best_bytes})",
            window.0, window.1
        ),
        encodes: search.count,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Size curves that rise with quality as JPEGs do (size ∝ scale^−slope, plus noise-free
    /// steps), and the crossing the search must find: the same as a scan of every quality.
    #[test]
    fn the_interpolated_search_finds_what_a_scan_finds_in_fewer_samples() {
        let mut samples = (0usize, 0usize);
        for slope in [0.25, 0.4, 0.7, 1.1] {
            for base in [300_000.0, 600_000.0, 2_000_000.0, 12_000_000.0] {
                let size = |q: u8| base * (20.0 / quant_scale(q)).powf(slope);
                for level in [614_400.0 * 1.04, 9_600_000.0, 1_500_000.0] {
                    for seek in [Seek::FirstOver, Seek::LastUnder] {
                        let want_over = seek == Seek::FirstOver;
                        let (range, q0) = if want_over {
                            ((91, 100), 90)
                        } else {
                            ((40, 89), 90)
                        };
                        let known = [(q0, size(q0))];
                        let mut n = 0;
                        let got = crossing(range, level, seek, &known, |q| {
                            n += 1;
                            Ok(size(q))
                        })
                        .unwrap();
                        let scan = if want_over {
                            (range.0..=range.1)
                                .map(|q| (q, size(q)))
                                .find(|p| p.1 >= level)
                        } else {
                            (range.0..=range.1)
                                .rev()
                                .map(|q| (q, size(q)))
                                .find(|p| p.1 <= level)
                        };
                        assert_eq!(got, scan, "slope {slope} base {base} level {level}");
                        // Bisection over the same range, for the count.
                        let (mut lo, mut hi, mut b) = (range.0, range.1, 0);
                        while lo <= hi {
                            let mid = lo + (hi - lo) / 2;
                            b += 1;
                            let over = if want_over {
                                size(mid) >= level
                            } else {
                                size(mid) > level
                            };
                            if over {
                                if mid == 0 {
                                    break;
                                }
                                hi = mid - 1;
                            } else {
                                lo = mid + 1;
                            }
                        }
                        samples.0 += n;
                        samples.1 += b;
                    }
                }
            }
        }
        assert!(
            samples.0 < samples.1,
            "interpolated {} vs bisection {}",
            samples.0,
            samples.1
        );
    }
}
