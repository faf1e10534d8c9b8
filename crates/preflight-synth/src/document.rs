//! The document texture: the card or passport page, its print and portrait.

use crate::*;

/// Drawing in millimetre coordinates on a canvas with `k` px per mm.
pub(crate) struct Doc {
    pub(crate) cv: Canvas,
    pub(crate) k: f32,
}

pub(crate) const TL: u16 = 1;
pub(crate) const TR: u16 = 1 << 1;
pub(crate) const UR: u16 = 1 << 2;
pub(crate) const LR: u16 = 1 << 3;
pub(crate) const BR: u16 = 1 << 4;
pub(crate) const BL: u16 = 1 << 5;
pub(crate) const LL: u16 = 1 << 6;
pub(crate) const UL: u16 = 1 << 7;
pub(crate) const ML: u16 = 1 << 8;
pub(crate) const MR: u16 = 1 << 9;
pub(crate) const DUL: u16 = 1 << 10;
pub(crate) const UC: u16 = 1 << 11;
pub(crate) const DUR: u16 = 1 << 12;
pub(crate) const DLR: u16 = 1 << 13;
pub(crate) const LC: u16 = 1 << 14;
pub(crate) const DLL: u16 = 1 << 15;
pub(crate) const RING: u16 = TL | TR | UR | LR | BR | BL | LL | UL;

pub(crate) fn glyph_bits(c: char) -> u16 {
    match c.to_ascii_uppercase() {
        'A' => TL | TR | UR | LR | LL | UL | ML | MR,
        'B' => TL | UR | LR | BL | UL | LL | ML | MR,
        'C' => TL | TR | UL | LL | BL | BR,
        'D' => TL | UR | LR | BL | UL | LL,
        'E' => TL | TR | UL | LL | BL | BR | ML,
        'F' => TL | TR | UL | LL | ML,
        'G' => TL | TR | UL | LL | BL | BR | LR | MR,
        'H' => UL | LL | UR | LR | ML | MR,
        'I' => TL | TR | BL | BR | UC | LC,
        'J' => UR | LR | BR | BL | LL,
        'K' => UL | LL | ML | DUR | DLR,
        'L' => UL | LL | BL | BR,
        'M' => UL | LL | UR | LR | DUL | DUR,
        'N' => UL | LL | UR | LR | DUL | DLR,
        'O' => RING,
        'P' => TL | TR | UR | UL | LL | ML | MR,
        'Q' => RING | DLR,
        'R' => TL | TR | UR | UL | LL | ML | MR | DLR,
        'S' | '5' => TL | TR | UL | ML | MR | LR | BR | BL,
        'T' => TL | TR | UC | LC,
        'U' => UL | LL | BL | BR | LR | UR,
        'V' => UL | UR | DLL | DLR,
        'W' => UL | LL | UR | LR | DLL | DLR,
        'X' => DUL | DUR | DLL | DLR,
        'Y' => DUL | DUR | LC,
        'Z' => TL | TR | DUR | DLL | BL | BR,
        '0' => RING | DUR | DLL,
        '1' => UR | LR | DUR,
        '2' => TL | TR | UR | ML | MR | LL | BL | BR,
        '3' => TL | TR | UR | LR | BL | BR | MR,
        '4' => UL | ML | MR | UR | LR,
        '6' => TL | TR | UL | LL | BL | BR | LR | ML | MR,
        '7' => TL | TR | UR | LR,
        '8' => RING | ML | MR,
        '9' => TL | TR | UL | UR | LR | ML | MR | BL | BR,
        '-' => ML | MR,
        '/' => DUR | DLL,
        _ => 0,
    }
}

impl Doc {
    pub(crate) fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb, a: f32) {
        let k = self.k;
        self.cv.rect(x0 * k, y0 * k, x1 * k, y1 * k, c, a);
    }

    pub(crate) fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgb, a: f32) {
        let k = self.k;
        self.cv.ellipse(cx * k, cy * k, rx * k, ry * k, c, a);
    }

    #[allow(clippy::too_many_arguments)] // a drawing primitive: coordinates, size, colour, alpha
    pub(crate) fn segment(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, wd: f32, c: Rgb, a: f32) {
        let k = self.k;
        self.cv
            .segment(x0 * k, y0 * k, x1 * k, y1 * k, (wd * k).max(0.6), c, a);
    }

    /// Stroke of a rounded rectangle outline (mm).
    #[allow(clippy::too_many_arguments)] // a drawing primitive: coordinates, size, colour, alpha
    fn rr_stroke(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, r: f32, wd: f32, c: Rgb, a: f32) {
        let k = self.k;
        let (cx, cy) = ((x0 + x1) * 0.5 * k, (y0 + y1) * 0.5 * k);
        let (hw, hh) = ((x1 - x0) * 0.5 * k, (y1 - y0) * 0.5 * k);
        let (r, hwd) = (r * k, (wd * k * 0.5).max(0.35));
        let sdf = |x: f32, y: f32| rr_sdf(x, y, cx, cy, hw, hh, r).abs() - hwd;
        let m = r + hwd + 2.0;
        let (px0, py0, px1, py1) = (x0 * k, y0 * k, x1 * k, y1 * k);
        // four edge strips (corners included in the top and bottom strips)
        self.cv.fill_sdf([px0, py0, px1, py0 + m], c, a, sdf);
        self.cv.fill_sdf([px0, py1 - m, px1, py1], c, a, sdf);
        self.cv
            .fill_sdf([px0, py0 + m, px0 + m, py1 - m], c, a, sdf);
        self.cv
            .fill_sdf([px1 - m, py0 + m, px1, py1 - m], c, a, sdf);
    }

    #[allow(clippy::too_many_arguments)] // a drawing primitive: coordinates, size, colour, alpha
    fn glyph(&mut self, ch: char, x: f32, y: f32, gw: f32, gh: f32, t: f32, c: Rgb, a: f32) {
        let (x0, y0, x1, y1) = (x, y, x + gw, y + gh);
        let xm = x + gw * 0.5;
        let ym = y + gh * 0.5;
        let h = t * 0.5;
        match ch {
            '.' => {
                self.rect(xm - h, y1 - t, xm + h, y1, c, a);
                return;
            }
            ',' => {
                self.segment(xm, y1 - h, xm - t * 0.6, y1 + t, t, c, a);
                return;
            }
            '<' => {
                self.segment(x1 - h, y0 + 0.2 * gh, x0 + h, ym, t, c, a);
                self.segment(x0 + h, ym, x1 - h, y1 - 0.2 * gh, t, c, a);
                return;
            }
            _ => {}
        }
        let b = glyph_bits(ch);
        let rects: [(u16, [f32; 4]); 12] = [
            (TL, [x0, y0, xm + h, y0 + t]),
            (TR, [xm - h, y0, x1, y0 + t]),
            (ML, [x0, ym - h, xm + h, ym + h]),
            (MR, [xm - h, ym - h, x1, ym + h]),
            (BL, [x0, y1 - t, xm + h, y1]),
            (BR, [xm - h, y1 - t, x1, y1]),
            (UL, [x0, y0, x0 + t, ym + h]),
            (LL, [x0, ym - h, x0 + t, y1]),
            (UR, [x1 - t, y0, x1, ym + h]),
            (LR, [x1 - t, ym - h, x1, y1]),
            (UC, [xm - h, y0, xm + h, ym + h]),
            (LC, [xm - h, ym - h, xm + h, y1]),
        ];
        for (bit, r) in rects {
            if b & bit != 0 {
                self.rect(r[0], r[1], r[2], r[3], c, a);
            }
        }
        let diags: [(u16, [f32; 4]); 4] = [
            (DUL, [x0 + h, y0 + h, xm, ym]),
            (DUR, [x1 - h, y0 + h, xm, ym]),
            (DLR, [xm, ym, x1 - h, y1 - h]),
            (DLL, [xm, ym, x0 + h, y1 - h]),
        ];
        for (bit, s) in diags {
            if b & bit != 0 {
                self.segment(s[0], s[1], s[2], s[3], t, c, a);
            }
        }
    }

    /// Draws `s` with monospace cells; returns the x after the last glyph.
    #[allow(clippy::too_many_arguments)] // a drawing primitive: coordinates, size, colour, alpha
    fn text(&mut self, x: f32, y: f32, gh: f32, s: &str, c: Rgb, a: f32, weight: f32) -> f32 {
        let gw = gh * 0.62;
        let adv = gh * 0.86;
        let t = gh * weight;
        let mut cx = x;
        for ch in s.chars() {
            if ch != ' ' {
                self.glyph(ch, cx, y, gw, gh, t, c, a);
            }
            cx += adv;
        }
        cx
    }

    #[allow(clippy::too_many_arguments)] // a drawing primitive: coordinates, size, colour, alpha
    fn mono(&mut self, x: f32, y: f32, gh: f32, pitch: f32, s: &str, c: Rgb, weight: f32) {
        let gw = gh * 0.64;
        let t = gh * weight;
        for (i, ch) in s.chars().enumerate() {
            let cx = x + i as f32 * pitch + (pitch - gw) * 0.5;
            if ch != ' ' {
                self.glyph(ch, cx, y, gw, gh, t, c, 1.0);
            }
        }
    }
}

pub(crate) fn jitter(c: Rgb, rng: &mut SplitMix64, amt: f32) -> Rgb {
    [
        c[0] + rng.range(-amt, amt),
        c[1] + rng.range(-amt, amt),
        c[2] + rng.range(-amt, amt),
    ]
}

pub(crate) fn luma(c: Rgb) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

pub(crate) fn lerp3(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

pub(crate) fn scale3(a: Rgb, s: f32) -> Rgb {
    [a[0] * s, a[1] * s, a[2] * s]
}

/// Limits luma of a colour to `max` by scaling.
pub(crate) fn cap_luma(c: Rgb, max: f32) -> Rgb {
    let l = luma(c);
    if l > max {
        scale3(c, max / l)
    } else {
        c
    }
}

pub(crate) const STOCKS: [Rgb; 7] = [
    [208.0, 220.0, 232.0],
    [212.0, 226.0, 208.0],
    [232.0, 212.0, 214.0],
    [230.0, 220.0, 196.0],
    [218.0, 210.0, 232.0],
    [204.0, 226.0, 224.0],
    [234.0, 216.0, 196.0],
];

pub(crate) const BANDS: [Rgb; 6] = [
    [30.0, 55.0, 110.0],
    [25.0, 90.0, 60.0],
    [120.0, 30.0, 45.0],
    [20.0, 90.0, 100.0],
    [70.0, 40.0, 100.0],
    [110.0, 70.0, 35.0],
];

pub(crate) fn render_document(spec: &SynthSpec, tw: usize, th: usize) -> Canvas {
    let mut rng = stream(spec.seed, S_DOC);
    let (wmm, hmm) = spec.doc.size_mm();
    let k = tw as f32 / wmm;
    let stock_a = cap_luma(jitter(rng.pick(&STOCKS), &mut rng, 5.0), 222.0);
    let stock_b = cap_luma(jitter(rng.pick(&STOCKS), &mut rng, 5.0), 222.0);
    let rainbow = rng.range(0.0, 0.7);
    let band = jitter(rng.pick(&BANDS), &mut rng, 10.0);
    let guil = lerp3(band, stock_a, 0.45);
    let guil_alpha = rng.range(0.22, 0.38);

    // --- base pass: stock colour, rainbow print, guilloche
    let mut cv = Canvas::new(tw, th);
    {
        let lw = (0.07 * k).max(0.45); // guilloche half width in px
        let s1 = rng.range(0.7, 1.1) * k;
        let s2 = rng.range(0.9, 1.4) * k;
        let s3 = rng.range(1.0, 1.6) * k;
        let a1 = rng.range(0.8, 1.6) * k;
        let a2 = rng.range(0.8, 1.6) * k;
        let a3 = rng.range(1.0, 2.4) * k;
        let l1 = rng.range(6.0, 12.0) * k;
        let l2 = rng.range(6.0, 12.0) * k;
        let l3 = rng.range(5.0, 10.0) * k;
        let p1 = rng.f64() * 2.0 * PI;
        let p2 = rng.f64() * 2.0 * PI;
        let p3 = rng.f64() * 2.0 * PI;
        let col_sin: Vec<f32> = (0..tw)
            .map(|x| a1 * dsin(2.0 * PI * x as f64 / l1 as f64 + p1) as f32)
            .collect();
        let row_sin: Vec<f32> = (0..th)
            .map(|y| a2 * dsin(2.0 * PI * y as f64 / l2 as f64 + p2) as f32)
            .collect();
        let diag_sin: Vec<f32> = (0..tw + th)
            .map(|i| {
                let d = (i as f64 - th as f64) * std::f64::consts::FRAC_1_SQRT_2;
                a3 * dsin(2.0 * PI * d / l3 as f64 + p3) as f32
            })
            .collect();
        let line = |phase: f32, spacing: f32| -> f32 {
            let f = phase - ffloor(phase);
            let d = f.min(1.0 - f) * spacing;
            (lw + 0.5 - d).clamp(0.0, 1.0)
        };
        let use3 = rng.chance(0.6);
        let stock_cols: Vec<Rgb> = (0..tw)
            .map(|x| lerp3(stock_a, stock_b, rainbow * x as f32 / tw as f32))
            .collect();
        for y in 0..th {
            let row = &mut cv.px[y * tw * 3..(y + 1) * tw * 3];
            let fy = y as f32;
            let rs = row_sin[y];
            for x in 0..tw {
                let fx = x as f32;
                let mut g = line((fy + col_sin[x]) / s1, s1);
                g = g.max(line((fx + rs) / s2, s2) * 0.8);
                if use3 {
                    let dd = (fx + fy) * std::f32::consts::FRAC_1_SQRT_2;
                    g = g.max(line((dd + diag_sin[x + th - y]) / s3, s3) * 0.7);
                }
                let base = stock_cols[x];
                let a = g * guil_alpha;
                let p = &mut row[x * 3..x * 3 + 3];
                p[0] = (base[0] + (guil[0] - base[0]) * a + 0.5) as u8;
                p[1] = (base[1] + (guil[1] - base[1]) * a + 0.5) as u8;
                p[2] = (base[2] + (guil[2] - base[2]) * a + 0.5) as u8;
            }
        }
    }
    let mut d = Doc { cv, k };
    let ink: Rgb = jitter([28.0, 28.0, 38.0], &mut rng, 8.0);
    let label_col = cap_luma(lerp3(band, [90.0, 90.0, 100.0], 0.4), 110.0);
    let light_ink: Rgb = cap_luma(jitter([236.0, 234.0, 226.0], &mut rng, 3.0), 230.0);
    match spec.doc {
        DocKind::IdCard => {
            // header band
            d.rect(0.0, 0.0, wmm, 9.0, band, 0.93);
            d.ellipse(7.5, 4.5, 3.1, 3.1, light_ink, 0.9);
            d.ellipse(7.5, 4.5, 2.4, 2.4, band, 1.0);
            d.ellipse(7.5, 4.5, 1.1, 1.1, light_ink, 0.9);
            let title = format!("REPUBLIC OF {}", rand_letters_n(&mut rng, 5, 8));
            d.text(13.5, 1.6, 2.5, &title, light_ink, 1.0, 0.16);
            d.text(13.5, 5.3, 1.5, "IDENTITY CARD", light_ink, 0.9, 0.14);
            d.text(
                wmm - 12.0,
                5.3,
                1.5,
                &rand_letters(&mut rng, 3),
                light_ink,
                0.9,
                0.14,
            );
            draw_face(&mut d, &mut rng, [3.5, 12.0, 26.5, 43.5]);
            let x0 = 29.5;
            let labels = [
                "SURNAME",
                "GIVEN NAMES",
                "DATE OF BIRTH",
                "NATIONALITY",
                "DATE OF EXPIRY",
            ];
            for (i, lab) in labels.iter().enumerate() {
                let y = 12.0 + i as f32 * 6.3;
                d.text(x0, y, 1.2, lab, label_col, 1.0, 0.13);
                let val = match i {
                    2 | 4 => rand_date(&mut rng),
                    3 => rand_letters(&mut rng, 3),
                    1 => {
                        let n = 1 + rng.below(2) as usize;
                        rand_words(&mut rng, n, 3, 8)
                    }
                    _ => rand_letters_n(&mut rng, 4, 9),
                };
                d.text(x0, y + 1.9, 2.1, &val, ink, 1.0, 0.16);
                if i == 2 {
                    d.text(x0 + 27.0, y, 1.2, "SEX", label_col, 1.0, 0.13);
                    let sx = if rng.chance(0.5) { "F" } else { "M" };
                    d.text(x0 + 27.0, y + 1.9, 2.1, sx, ink, 1.0, 0.16);
                }
            }
            let num = format!("{} {}", rand_letters(&mut rng, 2), rand_digits(&mut rng, 7));
            d.text(3.5, 46.0, 2.7, &num, ink, 1.0, 0.16);
            draw_signature(&mut d, &mut rng, [40.0, 44.0, 66.0, 50.5]);
            // ghost image
            d.ellipse(76.0, 43.5, 3.2, 4.0, band, 0.16);
            d.ellipse(76.0, 50.5, 5.0, 2.6, band, 0.12);
            // microtext line
            let micro = rand_words(&mut rng, 14, 3, 7);
            d.text(3.5, 51.2, 0.7, &micro, label_col, 0.5, 0.14);
            d.rr_stroke(1.0, 1.0, wmm - 1.0, hmm - 1.0, 2.2, 0.22, band, 0.55);
        }
        DocKind::Passport => {
            d.rect(0.0, 0.0, wmm, 11.0, band, 0.30);
            d.text(6.0, 2.5, 3.0, "PASSPORT", ink, 1.0, 0.16);
            let country = format!("REPUBLIC OF {}", rand_letters_n(&mut rng, 5, 8));
            d.text(46.0, 3.0, 2.2, &country, ink, 1.0, 0.15);
            d.text(
                46.0,
                7.0,
                1.3,
                "TYPE  CODE  PASSPORT NO",
                label_col,
                1.0,
                0.13,
            );
            draw_face(&mut d, &mut rng, [6.0, 15.0, 40.0, 60.0]);
            let labels = [
                ("SURNAME", ""),
                ("GIVEN NAMES", ""),
                ("NATIONALITY", ""),
                ("DATE OF BIRTH", "SEX"),
                ("PLACE OF BIRTH", ""),
                ("DATE OF ISSUE", "DATE OF EXPIRY"),
            ];
            for (i, (l1, l2)) in labels.iter().enumerate() {
                let y = 14.0 + i as f32 * 6.6;
                d.text(45.0, y, 1.25, l1, label_col, 1.0, 0.13);
                let val = match i {
                    3 | 5 => rand_date(&mut rng),
                    2 => rand_words(&mut rng, 1, 5, 9),
                    1 => {
                        let n = 1 + rng.below(2) as usize;
                        rand_words(&mut rng, n, 3, 8)
                    }
                    4 => rand_words(&mut rng, 1, 5, 10),
                    _ => rand_letters_n(&mut rng, 4, 9),
                };
                d.text(45.0, y + 2.0, 2.2, &val, ink, 1.0, 0.16);
                if !l2.is_empty() {
                    d.text(88.0, y, 1.25, l2, label_col, 1.0, 0.13);
                    let v2 = if i == 3 {
                        (if rng.chance(0.5) { "F" } else { "M" }).to_string()
                    } else {
                        rand_date(&mut rng)
                    };
                    d.text(88.0, y + 2.0, 2.2, &v2, ink, 1.0, 0.16);
                }
            }
            draw_signature(&mut d, &mut rng, [50.0, 55.0, 88.0, 63.5]);
            d.ellipse(110.0, 54.0, 4.5, 5.5, band, 0.14);
            // MRZ zone
            let mrz_bg = cap_luma(lerp3(stock_a, [236.0, 236.0, 232.0], 0.5), 224.0);
            d.rect(0.0, 66.5, wmm, hmm, mrz_bg, 0.85);
            let (l1, l2) = mrz_lines(&mut rng);
            let pitch = (wmm - 12.0) / 44.0;
            d.mono(6.0, 70.5, 2.6, pitch, &l1, ink, 0.13);
            d.mono(6.0, 78.5, 2.6, pitch, &l2, ink, 0.13);
            d.rr_stroke(1.2, 1.2, wmm - 1.2, hmm - 1.2, 1.8, 0.22, band, 0.5);
        }
    }
    d.cv
}
