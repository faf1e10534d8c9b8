//! Stage 6: the output JPEG (the codec seam, encode side), and the size search.
//!
//! The encoder reads the decoded pixels *through* the orientation (a row walk per upright
//! row), so no rotated copy of the image is ever made. The size search predicts the quality
//! from a band sample of the image (up to 16 MCU-aligned bands, 8–13 % of the rows; each sample
//! encode costs about that fraction of a full encode), then verifies with one full encode and corrects by
//! the measured full/sample ratio when it misses. Metadata stripping without re-encoding
//! lives here too.

use crate::decode::Layout;
use crate::error::{Error, ErrorKind, Result};
use crate::orient::Orientation;
use crate::policy::EncodeOptions;
use crate::probe::Probe;
use crate::report::EncodeCount;
use fast_image_resize as fir;
use jpeg_encoder::{Encoder, ImageBuffer, JpegColorType, SamplingFactor};
use std::cell::RefCell;
use std::time::Instant;

/// Chroma subsampling of an encode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chroma {
    /// 2×2 chroma subsampling (the default: smaller, what cameras write).
    Cs420,
    /// No chroma subsampling (larger; used only to reach the byte floor).
    Cs444,
}

impl Chroma {
    /// `4:2:0` or `4:4:4`.
    pub fn as_str(self) -> &'static str {
        match self {
            Chroma::Cs420 => "4:2:0",
            Chroma::Cs444 => "4:4:4",
        }
    }
}

/// Decoded pixels in stored orientation, and how to turn them upright.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Interleaved 3-byte pixels, `width * height * 3` bytes.
    pub pixels: &'a [u8],
    /// Stored width.
    pub width: u32,
    /// Stored height.
    pub height: u32,
    /// Byte layout of `pixels`.
    pub layout: Layout,
    /// The orientation to bake in.
    pub orientation: Orientation,
}

impl Source<'_> {
    /// Upright size.
    pub fn upright_size(&self) -> (u32, u32) {
        self.orientation.upright_size(self.width, self.height)
    }
}

/// Something the size search can encode: the upright image at any quality and chroma, or
/// only some of its upright rows (the band sample). The pure-Rust [`Source`] (stored
/// pixels read through the orientation) and the libjpeg-turbo planes (`crate::turbo`,
/// feature `turbo`) both implement it, so [`fit_frame`] is one search for both codecs.
pub trait Frame {
    /// Upright size.
    fn upright_size(&self) -> (u32, u32);
    /// Encode the upright image (or the listed upright rows, which come in 16-row bands
    /// starting on a multiple of 16, or are all rows) as a baseline JPEG into `out`.
    fn encode_rows(
        &self,
        rows: Option<&[u32]>,
        quality: u8,
        chroma: Chroma,
        icc: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Result<()>;
    /// Bytes of an encode that carries no pixels worth counting (headers, tables, ICC):
    /// one 8×8 flat block at quality 90.
    fn header_bytes(&self, chroma: Chroma, icc: Option<&[u8]>, buf: &mut Vec<u8>) -> Result<f64>;
    /// This frame scaled by `s` (< 1), its pixels kept in `buf`.
    fn shrunk<'b>(&'b self, s: f64, buf: &'b mut Vec<u8>) -> Result<Box<dyn Frame + 'b>>;
}

impl Frame for Source<'_> {
    fn upright_size(&self) -> (u32, u32) {
        Source::upright_size(self)
    }

    fn encode_rows(
        &self,
        rows: Option<&[u32]>,
        quality: u8,
        chroma: Chroma,
        icc: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        encode_view(*self, rows, quality, chroma, icc, out)
    }

    fn header_bytes(&self, chroma: Chroma, icc: Option<&[u8]>, buf: &mut Vec<u8>) -> Result<f64> {
        let flat = [128u8; 8 * 8 * 3];
        let tiny = Source {
            pixels: &flat,
            width: 8,
            height: 8,
            layout: Layout::Ycbcr,
            orientation: Orientation::UPRIGHT,
        };
        encode_view(tiny, None, 90, chroma, icc, buf)?;
        Ok(buf.len() as f64)
    }

    fn shrunk<'b>(&'b self, s: f64, buf: &'b mut Vec<u8>) -> Result<Box<dyn Frame + 'b>> {
        let nw = ((f64::from(self.width) * s).round() as u32).max(1);
        let nh = ((f64::from(self.height) * s).round() as u32).max(1);
        resize_into(self, nw, nh, buf)?;
        Ok(Box::new(Source {
            pixels: buf.as_slice(),
            width: nw,
            height: nh,
            ..*self
        }))
    }
}

/// Upright rows per band: the encoder asks for rows in MCU bands of 8 or 16.
const BAND_ROWS: u32 = 16;

/// The upright image (or a band sample of its rows) as the encoder sees it.
struct View<'a> {
    src: Source<'a>,
    /// Upright rows to encode; all rows when `None`. Sample rows come in 16-row bands.
    rows: Option<&'a [u32]>,
    /// For orientations that swap the axes, upright rows are stored columns. Reading a column
    /// touches one page per pixel, so a band of 16 upright rows is transposed out of the stored
    /// pixels at once (each stored row read once per band, 48 contiguous bytes at a time).
    band: RefCell<Band>,
}

#[derive(Default)]
struct Band {
    /// Which band of upright rows `data` holds.
    index: Option<u32>,
    /// For each stored row, `width` adjacent stored pixels (the band's upright rows).
    data: Vec<u8>,
    /// Pixels per stored row in `data` (16, fewer in the last band).
    width: usize,
}

impl<'a> View<'a> {
    fn new(src: Source<'a>, rows: Option<&'a [u32]>) -> Self {
        View {
            src,
            rows,
            band: RefCell::new(Band::default()),
        }
    }

    /// Copy band `index` (upright rows `index*16..`) out of the stored pixels: for every
    /// stored row, the 16 adjacent stored columns that are those upright rows (48 contiguous
    /// bytes), so the stored image is read once per band, in order.
    fn load_band(&self, band: &mut Band, index: u32) {
        let s = &self.src;
        let (sw, sh) = (s.width as usize, s.height as usize);
        let (_, uh) = s.upright_size();
        let first = index * BAND_ROWS;
        let n = (uh - first).min(BAND_ROWS) as usize;
        // Upright row `first + k` is stored column `first + k` (tags 5, 6) or
        // `sw - 1 - first - k` (tags 7, 8): either way n adjacent stored columns.
        let col0 = if matches!(s.orientation.tag(), 5 | 6) {
            first as usize
        } else {
            sw - first as usize - n
        };
        band.data.clear();
        band.data.reserve(sh * n * 3);
        for sy in 0..sh {
            let at = (sy * sw + col0) * 3;
            band.data.extend_from_slice(&s.pixels[at..at + n * 3]);
        }
        band.width = n;
        band.index = Some(index);
    }
}

/// Append one row of 3-byte pixels to the encoder's three channel buffers, converting RGB
/// to YCbCr when needed.
fn push_row<'p>(
    pixels: impl Iterator<Item = &'p [u8]>,
    layout: Layout,
    buffers: &mut [Vec<u8>; 4],
) {
    let [b0, b1, b2, _] = buffers;
    match layout {
        Layout::Ycbcr => {
            for p in pixels {
                b0.push(p[0]);
                b1.push(p[1]);
                b2.push(p[2]);
            }
        }
        Layout::Rgb => {
            for p in pixels {
                let (y, cb, cr) = jpeg_encoder::rgb_to_ycbcr(p[0], p[1], p[2]);
                b0.push(y);
                b1.push(cb);
                b2.push(cr);
            }
        }
    }
}

impl ImageBuffer for View<'_> {
    fn get_jpeg_color_type(&self) -> JpegColorType {
        JpegColorType::Ycbcr
    }

    fn width(&self) -> u16 {
        self.src.upright_size().0 as u16
    }

    fn height(&self) -> u16 {
        match self.rows {
            Some(rows) => rows.len() as u16,
            None => self.src.upright_size().1 as u16,
        }
    }

    fn fill_buffers(&self, y: u16, buffers: &mut [Vec<u8>; 4]) {
        let uy = self.rows.map_or(u32::from(y), |r| r[usize::from(y)]);
        let s = &self.src;
        let (uw, _) = s.upright_size();
        let uw = uw as usize;
        for b in buffers.iter_mut().take(3) {
            b.reserve(uw);
        }
        if s.orientation.swaps_axes() {
            let mut band = self.band.borrow_mut();
            let index = uy / BAND_ROWS;
            if band.index != Some(index) {
                self.load_band(&mut band, index);
            }
            let k = (uy % BAND_ROWS) as usize;
            let n = band.width;
            // Which of the band's columns holds upright row k.
            let j = if matches!(s.orientation.tag(), 5 | 6) {
                k
            } else {
                n - 1 - k
            };
            let column = band.data.chunks_exact(n * 3).map(|c| &c[j * 3..j * 3 + 3]);
            // Upright x runs down the stored rows (tags 5, 8) or up them (tags 6, 7).
            if matches!(s.orientation.tag(), 5 | 8) {
                push_row(column, s.layout, buffers);
            } else {
                push_row(column.rev(), s.layout, buffers);
            }
            return;
        }
        let walk = s.orientation.row(uy, s.width, s.height);
        if walk.step == 1 {
            let at = walk.start as usize * 3;
            push_row(s.pixels[at..at + uw * 3].chunks_exact(3), s.layout, buffers);
        } else {
            // Mirrored rows (tags 2, 3): the same stored row, read right to left.
            let end = (walk.start as usize + 1) * 3;
            push_row(
                s.pixels[end - uw * 3..end].chunks_exact(3).rev(),
                s.layout,
                buffers,
            );
        }
    }
}

/// Encode the upright image (or the listed upright rows) as a baseline JPEG into `out`.
fn encode_view(
    src: Source<'_>,
    rows: Option<&[u32]>,
    quality: u8,
    chroma: Chroma,
    icc: Option<&[u8]>,
    out: &mut Vec<u8>,
) -> Result<()> {
    out.clear();
    let mut encoder = Encoder::new(&mut *out, quality);
    encoder.set_sampling_factor(match chroma {
        Chroma::Cs420 => SamplingFactor::F_2_2,
        Chroma::Cs444 => SamplingFactor::F_1_1,
    });
    if let Some(icc) = icc {
        encoder
            .add_icc_profile(icc)
            .map_err(|e| Error::new(ErrorKind::InternalError, format!("ICC profile: {e}")))?;
    }
    encoder
        .encode_image(View::new(src, rows))
        .map_err(|e| Error::new(ErrorKind::InternalError, format!("JPEG encode: {e}")))
}

/// Encode `src` upright at `quality` into `out` (one full encode).
pub fn encode(
    src: Source<'_>,
    quality: u8,
    chroma: Chroma,
    icc: Option<&[u8]>,
    out: &mut Vec<u8>,
) -> Result<()> {
    encode_view(src, None, quality, chroma, icc, out)
}

/// The upright rows of the band sample for an image `uh` rows high: up to 16 bands of 16
/// rows (MCU-aligned), evenly spaced, one band per 128 rows at least, so the sample is
/// 8–13 % of the rows. Images under 512 rows use every row.
pub fn sample_rows(uh: u32) -> Vec<u32> {
    const BAND: u32 = 16;
    if uh < 512 {
        return (0..uh).collect();
    }
    let bands = (uh / 128).clamp(4, 16);
    let stride = uh / bands;
    let mut rows = Vec::with_capacity((bands * BAND) as usize);
    for b in 0..bands {
        let start = (b * stride + (stride - BAND) / 2) / 16 * 16;
        rows.extend(start..start + BAND);
    }
    rows
}

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

struct Search<'a> {
    opts: &'a EncodeOptions,
    icc: Option<&'a [u8]>,
    deadline: Instant,
    count: EncodeCount,
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
struct Predictor<'a> {
    src: &'a dyn Frame,
    rows: Vec<u32>,
    /// Fraction of the rows the sample holds.
    fraction: f64,
    /// Bytes of headers (tables, ICC) in any encode, per chroma mode.
    header: [f64; 2],
    /// Measured full / predicted ratio, per chroma mode.
    correction: [f64; 2],
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

/// The highest quality in `lo..=hi` whose prediction is ≤ `limit`, by bisection on the
/// sample. `None` when even `lo` is predicted above `limit`.
fn highest_below(
    p: &Predictor<'_>,
    chroma: Chroma,
    (mut lo, mut hi): (u8, u8),
    limit: f64,
    search: &mut Search<'_>,
    buf: &mut Vec<u8>,
) -> Result<Option<(u8, f64)>> {
    let mut best = None;
    while lo <= hi {
        let mid = lo + (hi - lo).div_ceil(2);
        let size = p.predict(mid, chroma, search, buf)?;
        if size <= limit {
            best = Some((mid, size));
            lo = mid + 1;
        } else if mid == 0 {
            break;
        } else {
            hi = mid - 1;
        }
    }
    Ok(best)
}

/// The lowest quality in `lo..=hi` whose prediction is ≥ `floor`. `None` when even `hi`
/// is predicted below it.
fn lowest_above(
    p: &Predictor<'_>,
    chroma: Chroma,
    (mut lo, mut hi): (u8, u8),
    floor: f64,
    search: &mut Search<'_>,
    buf: &mut Vec<u8>,
) -> Result<Option<(u8, f64)>> {
    let mut best = None;
    while lo <= hi {
        let mid = lo + (hi - lo) / 2;
        let size = p.predict(mid, chroma, search, buf)?;
        if size >= floor {
            best = Some((mid, size));
            if mid == 0 {
                break;
            }
            hi = mid - 1;
        } else {
            lo = mid + 1;
        }
    }
    Ok(best)
}

/// What [`choose`] predicts for one scale.
enum Choice {
    /// This quality and chroma should land inside the target window (the predicted size).
    Fits(u8, Chroma, f64),
    /// Over the window even at the quality floor.
    TooLarge,
    /// Under the window even at q100 4:4:4 (the predicted size there).
    TooSmall(f64),
}

/// Pick the (quality, chroma) predicted to land inside the target window, or say why none
/// will.
fn choose(
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
            match highest_below(p, Chroma::Cs420, (qmin, q0 - 1), t_hi, search, buf)? {
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
        if let Some((q, s)) = lowest_above(p, Chroma::Cs420, (q0 + 1, 100), t_lo, search, buf)? {
            return Ok(Choice::Fits(q, Chroma::Cs420, s));
        }
    }
    match lowest_above(p, Chroma::Cs444, (q0, 100), t_lo, search, buf)? {
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
enum Attempt {
    Fitted(Fitted),
    Unreachable(Unreachable),
    /// Predicted over the ceiling even at the quality floor (its predicted size).
    TooLarge(f64),
}

/// Encode `src` upright into a JPEG of `window.0..=window.1` bytes, left in `scratch.out`.
///
/// Never upscales; downscales only when the quality floor is still too large, and never
/// below `min_long_side`. `Ok(Err(..))` when no faithful JPEG lands in the window.
pub fn fit(
    src: Source<'_>,
    icc: Option<&[u8]>,
    opts: &EncodeOptions,
    window: (u64, u64),
    min_long_side: u32,
    deadline: Instant,
    scratch: &mut EncodeScratch,
) -> Result<std::result::Result<Fitted, Unreachable>> {
    fit_frame(&src, icc, opts, window, min_long_side, deadline, scratch)
}

/// [`fit`] for any [`Frame`] (the codec seam: the pure-Rust view or libjpeg-turbo planes).
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
fn search_at_scale(
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

fn resize_into(src: &Source<'_>, nw: u32, nh: u32, dst: &mut Vec<u8>) -> Result<()> {
    let internal =
        |e: &dyn std::fmt::Display| Error::new(ErrorKind::InternalError, format!("downscale: {e}"));
    let from = fir::images::ImageRef::new(src.width, src.height, src.pixels, fir::PixelType::U8x3)
        .map_err(|e| internal(&e))?;
    dst.clear();
    dst.resize(nw as usize * nh as usize * 3, 0);
    let mut to =
        fir::images::Image::from_slice_u8(nw, nh, dst.as_mut_slice(), fir::PixelType::U8x3)
            .map_err(|e| internal(&e))?;
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    fir::Resizer::new()
        .resize(&from, &mut to, &options)
        .map_err(|e| internal(&e))
}

/// The input's bytes with every private metadata segment (Exif, XMP, comments, other APPn)
/// and any trailing data removed; JFIF, ICC and Adobe segments and all pixel data kept
/// byte for byte.
pub fn strip_metadata(data: &[u8], probe: &Probe) -> Vec<u8> {
    let mut out = Vec::with_capacity(probe.image_end);
    let mut pos = 0;
    for seg in probe.segments.iter().filter(|s| s.is_private()) {
        out.extend_from_slice(&data[pos..seg.start]);
        pos = seg.end;
    }
    out.extend_from_slice(&data[pos..probe.image_end]);
    out
}
