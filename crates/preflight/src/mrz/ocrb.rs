//! The MRZ reader's templates: the 37 characters an MRZ prints (ICAO 9303: `0-9`, `A-Z`,
//! `<`), rasterised once per process from the public-domain OCR-B font shipped in this crate
//! (`models/OCRB.otf`, Debian's `fonts-ocr-b`).
//!
//! A template is one character cell: the glyph's advance wide, from [`MARGIN`] cap heights
//! above the cap line to [`MARGIN`] below the baseline, area-sampled onto a
//! [`TW`] × [`TH`] grid of ink coverage, then centred and scaled to unit norm so that a dot
//! product with a patch prepared the same way is their normalised cross-correlation.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use std::sync::OnceLock;

const FONT: &[u8] = include_bytes!("../../models/OCRB.otf");

/// The characters an MRZ prints, in template order.
pub const ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<";

/// Template width (cells of the advance).
pub const TW: usize = 12;
/// Template height.
pub const TH: usize = 18;
/// Space kept above the cap line and below the baseline, in cap heights.
pub const MARGIN: f64 = 0.2;

/// The rasterised alphabet and the font's proportions.
pub struct Templates {
    /// One zero-mean, unit-norm template per character of [`ALPHABET`].
    pub glyphs: Vec<[f32; TW * TH]>,
    /// The advance (character pitch) over the cap height.
    pub pitch_per_cap: f64,
}

/// The templates, rasterised on first use; `None` if the font does not parse (it is
/// embedded, so only a broken build could see that).
pub fn templates() -> Option<&'static Templates> {
    static T: OnceLock<Option<Templates>> = OnceLock::new();
    T.get_or_init(rasterise).as_ref()
}

/// Centre `v` and scale it to unit norm; `false` when it is flat (nothing to compare).
pub fn normalise(v: &mut [f32]) -> bool {
    let n = v.len() as f32;
    let mean = v.iter().sum::<f32>() / n;
    let mut ss = 0.0;
    for x in v.iter_mut() {
        *x -= mean;
        ss += *x * *x;
    }
    if ss < 1e-6 {
        return false;
    }
    let k = 1.0 / ss.sqrt();
    v.iter_mut().for_each(|x| *x *= k);
    true
}

fn rasterise() -> Option<Templates> {
    let font = FontRef::try_from_slice(FONT).ok()?;
    // Render large (cap height about 96 px), then area-sample down to the grid.
    let h = font.outline_glyph(
        font.glyph_id('H')
            .with_scale_and_position(100.0, point(0.0, 0.0)),
    )?;
    let cap100 = f64::from(h.px_bounds().height());
    let scale = (100.0 * 96.0 / cap100) as f32;
    let scaled = font.as_scaled(PxScale::from(scale));
    let cap = 96.0;
    let advance = f64::from(scaled.h_advance(font.glyph_id('0')));
    let cell_h = cap * (1.0 + 2.0 * MARGIN);
    let baseline = cap * (1.0 + MARGIN);
    let (cw, ch) = (advance.ceil() as usize, cell_h.ceil() as usize);
    let mut glyphs = Vec::with_capacity(ALPHABET.len());
    for &c in ALPHABET {
        let mut canvas = vec![0f32; cw * ch];
        let glyph = font
            .glyph_id(char::from(c))
            .with_scale_and_position(scale, point(0.0, baseline as f32));
        if let Some(outline) = font.outline_glyph(glyph) {
            let b = outline.px_bounds();
            outline.draw(|x, y, cov| {
                let px = b.min.x as i64 + i64::from(x);
                let py = b.min.y as i64 + i64::from(y);
                if (0..cw as i64).contains(&px) && (0..ch as i64).contains(&py) {
                    canvas[py as usize * cw + px as usize] += cov;
                }
            });
        }
        let mut t = [0f32; TW * TH];
        for (ty, row) in t.chunks_exact_mut(TW).enumerate() {
            let (y0, y1) = (ty * ch / TH, ((ty + 1) * ch / TH).max(ty * ch / TH + 1));
            for (tx, v) in row.iter_mut().enumerate() {
                let (x0, x1) = (tx * cw / TW, ((tx + 1) * cw / TW).max(tx * cw / TW + 1));
                let mut sum = 0.0;
                for yy in y0..y1.min(ch) {
                    sum += canvas[yy * cw + x0..yy * cw + x1.min(cw)]
                        .iter()
                        .sum::<f32>();
                }
                *v = sum / ((y1 - y0) * (x1 - x0)) as f32;
            }
        }
        if !normalise(&mut t) {
            return None;
        }
        glyphs.push(t);
    }
    Some(Templates {
        glyphs,
        pitch_per_cap: advance / cap,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_font_gives_37_distinct_templates() {
        let t = templates().expect("font parses");
        assert_eq!(t.glyphs.len(), 37);
        // OCR-B's pitch is about its cap height (2.54 mm pitch; the caps are a little
        // shorter).
        assert!((0.6..1.3).contains(&t.pitch_per_cap), "{}", t.pitch_per_cap);
        for (i, a) in t.glyphs.iter().enumerate() {
            let self_dot: f32 = a.iter().map(|v| v * v).sum();
            assert!((self_dot - 1.0).abs() < 1e-3);
            for b in &t.glyphs[i + 1..] {
                let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
                assert!(dot < 0.97, "{} too alike", char::from(ALPHABET[i]));
            }
        }
    }
}
