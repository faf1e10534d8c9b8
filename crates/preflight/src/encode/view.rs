//! The upright view of the decoded pixels that jpeg-encoder reads, band by band.

use super::*;

/// Upright rows per band: the encoder asks for rows in MCU bands of 8 or 16.
pub(super) const BAND_ROWS: u32 = 16;

/// The upright image (or a band sample of its rows) as the encoder sees it.
pub(super) struct View<'a> {
    pub(super) src: Source<'a>,
    /// Upright rows to encode; all rows when `None`. Sample rows come in 16-row bands.
    pub(super) rows: Option<&'a [u32]>,
    /// For orientations that swap the axes, upright rows are stored columns. Reading a column
    /// touches one page per pixel, so a band of 16 upright rows is transposed out of the stored
    /// pixels at once (each stored row read once per band, 48 contiguous bytes at a time).
    pub(super) band: RefCell<Band>,
}

#[derive(Default)]
pub(super) struct Band {
    /// Which band of upright rows `data` holds.
    pub(super) index: Option<u32>,
    /// For each stored row, `width` adjacent stored pixels (the band's upright rows).
    pub(super) data: Vec<u8>,
    /// Pixels per stored row in `data` (16, fewer in the last band).
    pub(super) width: usize,
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
pub(super) fn push_row<'p>(
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
pub(super) fn encode_view(
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
