//! The upright planes as a [`Frame`] for the size search: libjpeg-turbo encodes them, with
//! the chroma resampled to the subsampling asked for.

use super::*;

/// Upright planes ready to encode (the scratch's, after [`rotate`]).
pub fn frame<'a>(d: &Decoded, size: (u32, u32), s: &'a PlanarScratch) -> Planes<'a> {
    Planes {
        y: &s.y,
        cb: &s.cb,
        cr: &s.cr,
        width: size.0,
        height: size.1,
        sub: d.sub,
        encoder: &s.encoder,
    }
}

/// Upright Y, Cb, Cr planes (chroma at `sub`), encoded by libjpeg-turbo.
pub struct Planes<'a> {
    y: &'a [u8],
    cb: &'a [u8],
    cr: &'a [u8],
    width: u32,
    height: u32,
    sub: Chroma,
    encoder: &'a RefCell<Encoder>,
}

/// Chroma plane `src` (`sw × sh` at `from`) resampled to `to` for an image `w × h`, appended
/// to `out`: a 2×2 mean going down, pixel replication going up.
pub(super) fn resample_chroma(
    src: &[u8],
    (w, h): (u32, u32),
    from: Chroma,
    to: Chroma,
    out: &mut Vec<u8>,
) {
    let (sw, _) = chroma_size(w, h, from);
    let (tw, th) = chroma_size(w, h, to);
    let sw = sw as usize;
    out.reserve((tw * th) as usize);
    match (from, to) {
        (Chroma::Cs444, Chroma::Cs420) => {
            let (w, h) = (w as usize, h as usize);
            for ty in 0..th as usize {
                let r0 = &src[2 * ty * sw..2 * ty * sw + w];
                let r1 = if 2 * ty + 1 < h {
                    &src[(2 * ty + 1) * sw..(2 * ty + 1) * sw + w]
                } else {
                    r0
                };
                for tx in 0..tw as usize {
                    let x1 = (2 * tx + 1).min(w - 1);
                    let sum = u16::from(r0[2 * tx])
                        + u16::from(r0[x1])
                        + u16::from(r1[2 * tx])
                        + u16::from(r1[x1]);
                    out.push(((sum + 2) / 4) as u8);
                }
            }
        }
        (Chroma::Cs420, Chroma::Cs444) => {
            // Each chroma row makes two output rows (one, for an odd last row): built once,
            // then copied.
            debug_assert!(
                src.len() >= sw * th.div_ceil(2) as usize,
                "short chroma plane"
            );
            for (ty, row) in (0..th as usize).step_by(2).zip(src.chunks_exact(sw)) {
                let start = out.len();
                // Sample pairs, the last cut for an odd width (~3× faster than indexing x / 2).
                out.extend(row[..tw.div_ceil(2) as usize].iter().flat_map(|&v| [v, v]));
                out.truncate(start + tw as usize);
                if ty + 1 < th as usize {
                    out.extend_from_within(start..);
                }
            }
        }
        _ => out.extend_from_slice(&src[..(tw * th) as usize]),
    }
}

impl Frame for Planes<'_> {
    fn upright_size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn encode_rows(
        &self,
        rows: Option<&[u32]>,
        quality: u8,
        chroma: Chroma,
        icc: Option<&[u8]>,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let mut enc = self.encoder.borrow_mut();
        let Encoder {
            handle,
            gather,
            convert,
        } = &mut *enc;
        let w = self.width as usize;
        let (cw, _) = chroma_size(self.width, self.height, self.sub);
        let cw = cw as usize;
        // The rows to encode: all, or the band sample gathered into one small image.
        let (planes, h): ([&[u8]; 3], u32) = match rows {
            None => ([self.y, self.cb, self.cr], self.height),
            Some(rows) => {
                gather.clear();
                for &r in rows {
                    let r = r as usize;
                    gather.extend_from_slice(&self.y[r * w..(r + 1) * w]);
                }
                let crow = |r: u32| match self.sub {
                    Chroma::Cs420 => r.is_multiple_of(2).then_some(r as usize / 2),
                    Chroma::Cs444 => Some(r as usize),
                };
                let y_len = gather.len();
                for plane in [self.cb, self.cr] {
                    for &r in rows {
                        if let Some(c) = crow(r) {
                            gather.extend_from_slice(&plane[c * cw..(c + 1) * cw]);
                        }
                    }
                }
                let c_len = (gather.len() - y_len) / 2;
                let (y, c) = gather.split_at(y_len);
                let (cb, cr) = c.split_at(c_len);
                ([y, cb, cr], rows.len() as u32)
            }
        };
        let size = (self.width, h);
        if chroma == self.sub {
            return backend::compress(handle, planes, size, chroma, quality, icc, out);
        }
        convert.clear();
        resample_chroma(planes[1], size, self.sub, chroma, convert);
        let n = convert.len();
        resample_chroma(planes[2], size, self.sub, chroma, convert);
        let (cb, cr) = convert.split_at(n);
        backend::compress(handle, [planes[0], cb, cr], size, chroma, quality, icc, out)
    }

    fn header_bytes(&self, chroma: Chroma, icc: Option<&[u8]>, buf: &mut Vec<u8>) -> Result<f64> {
        let flat = [128u8; 64];
        let mut enc = self.encoder.borrow_mut();
        backend::compress(
            &mut enc.handle,
            [&flat, &flat, &flat],
            (8, 8),
            chroma,
            90,
            icc,
            buf,
        )?;
        Ok(buf.len() as f64)
    }

    fn shrunk<'b>(&'b self, s: f64, buf: &'b mut Vec<u8>) -> Result<Box<dyn Frame + 'b>> {
        let nw = ((f64::from(self.width) * s).round() as u32).max(1);
        let nh = ((f64::from(self.height) * s).round() as u32).max(1);
        let (cw, ch) = chroma_size(self.width, self.height, self.sub);
        let (ncw, nch) = chroma_size(nw, nh, self.sub);
        let mut resizer = fir::Resizer::new();
        let lanczos = fir::FilterType::Lanczos3;
        let y = resize_plane(
            &mut resizer,
            self.y,
            (self.width, self.height),
            (nw, nh),
            lanczos,
        )?;
        let cb = resize_plane(&mut resizer, self.cb, (cw, ch), (ncw, nch), lanczos)?;
        let cr = resize_plane(&mut resizer, self.cr, (cw, ch), (ncw, nch), lanczos)?;
        buf.clear();
        buf.extend_from_slice(&y);
        buf.extend_from_slice(&cb);
        buf.extend_from_slice(&cr);
        let (y, c) = buf.split_at(y.len());
        let (cb, cr) = c.split_at(cb.len());
        Ok(Box::new(Planes {
            y,
            cb,
            cr,
            width: nw,
            height: nh,
            sub: self.sub,
            encoder: self.encoder,
        }))
    }
}
