use super::*;

mod reference;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }
}

/// Noise on gradients, with saturated blocks (glare) and flat areas.
fn random_plane(r: &mut Rng, w: u32, h: u32, scale: f32) -> Analysis {
    let n = (w * h) as usize;
    let mut luma = vec![0u8; n];
    let noise = r.range(0.0, 80.0);
    for y in 0..h {
        for x in 0..w {
            let base = f64::from(x * 255 / w.max(1)) * 0.5 + f64::from(y * 255 / h.max(1)) * 0.3;
            let v = base + (r.f() - 0.5) * noise + 60.0;
            luma[(y * w + x) as usize] = v.clamp(0.0, 255.0) as u8;
        }
    }
    for _ in 0..6 {
        let (bx, by) = ((r.f() * f64::from(w)) as u32, (r.f() * f64::from(h)) as u32);
        let (bw, bh) = ((r.f() * 40.0) as u32 + 1, (r.f() * 40.0) as u32 + 1);
        let v = if r.f() < 0.7 {
            255
        } else {
            (r.f() * 255.0) as u8
        };
        for y in by..(by + bh).min(h) {
            for x in bx..(bx + bw).min(w) {
                if r.f() < 0.97 {
                    luma[(y * w + x) as usize] = v;
                }
            }
        }
    }
    let cb = (0..n).map(|_| (r.next() % 256) as u8).collect();
    let cr = (0..n)
        .map(|_| (128 + (r.next() % 41) as i32 - 20) as u8)
        .collect();
    Analysis {
        width: w,
        height: h,
        scale,
        luma,
        cb,
        cr,
    }
}

/// A quad in upright image pixels: rotated, perspective-jittered rectangles (either
/// winding), partly outside the frame, tiny, degenerate or self-intersecting ones, and
/// corners on pixel centres.
fn random_quad(r: &mut Rng, a: &Analysis) -> [[f64; 2]; 4] {
    let s = f64::from(a.scale);
    let (fw, fh) = (f64::from(a.width) * s, f64::from(a.height) * s);
    let kind = r.next() % 10;
    let mut q = match kind {
        // On pixel centres (edges through centres: ties on the ≤ / ≥ boundaries).
        0 => {
            let mut c = |lo: f64, hi: f64| ((r.range(lo, hi)).floor() + 0.5) * s;
            let (x0, y0) = (
                c(-5.0, f64::from(a.width) * 0.6),
                c(-5.0, f64::from(a.height) * 0.6),
            );
            let (x1, y1) = (
                c(x0 / s, f64::from(a.width) + 5.0),
                c(y0 / s, f64::from(a.height) + 5.0),
            );
            [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
        }
        // Everything in one point, or on one line.
        1 => {
            let p = [r.range(0.0, fw), r.range(0.0, fh)];
            if r.f() < 0.5 {
                [p; 4]
            } else {
                let d = [r.range(-50.0, 50.0), r.range(-50.0, 50.0)];
                [
                    p,
                    [p[0] + d[0], p[1] + d[1]],
                    [p[0] + 2.0 * d[0], p[1] + 2.0 * d[1]],
                    [p[0] - d[0], p[1] - d[1]],
                ]
            }
        }
        // Self-intersecting.
        2 => {
            let mut p = || [r.range(-0.2 * fw, 1.2 * fw), r.range(-0.2 * fh, 1.2 * fh)];
            [p(), p(), p(), p()]
        }
        _ => {
            let (cx, cy) = (r.range(-0.2 * fw, 1.2 * fw), r.range(-0.2 * fh, 1.2 * fh));
            let size = if kind == 3 {
                r.range(0.0, 4.0 * s)
            } else {
                r.range(0.05, 0.9) * fw
            };
            let (hw, hh) = (size / 2.0, size * r.range(0.3, 1.0) / 2.0);
            let t = if kind == 4 { 0.0 } else { r.range(-3.2, 3.2) };
            let (sn, cs) = t.sin_cos();
            let mut q = [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]]
                .map(|[x, y]| [cx + x * cs - y * sn, cy + x * sn + y * cs]);
            if kind >= 6 {
                for p in &mut q {
                    p[0] += r.range(-0.1, 0.1) * size;
                    p[1] += r.range(-0.1, 0.1) * size;
                }
            }
            q
        }
    };
    if r.f() < 0.5 {
        q.reverse();
    }
    q
}

fn same(what: &str, old: f64, new: f64) {
    assert!(
        old.to_bits() == new.to_bits(),
        "{what}: old {old:?}, new {new:?}"
    );
}

fn compare(a: &Analysis, quad: &[[f64; 2]; 4], shrink: f64) {
    let ctx = format!(
        "{}x{} scale {} quad {quad:?} shrink {shrink}",
        a.width, a.height, a.scale
    );
    let old = reference::quad_mask(a, quad, shrink);
    let new = quad_mask(a, quad, shrink);
    let mut flags = vec![false; a.luma.len()];
    for i in new.indices(a.width) {
        assert!(!flags[i], "{ctx}: overlapping runs");
        flags[i] = true;
    }
    assert!(
        new.runs
            .windows(2)
            .all(|p| (p[0].y, p[0].x1) <= (p[1].y, p[1].x0)),
        "{ctx}: runs out of order"
    );
    assert!(flags == old.inside, "{ctx}: masks differ");
    assert_eq!((old.count, old.bbox), (new.count, new.bbox), "{ctx}");
    for i in (0..a.luma.len()).step_by(97) {
        let (x, y) = (i as u32 % a.width, i as u32 / a.width);
        assert_eq!(
            new.contains(x, y),
            old.inside[i],
            "{ctx}: contains({x}, {y})"
        );
    }
    let old_out = reference::outside(&old, a);
    let new_out = outside(&new, a);
    let mut flags = vec![false; a.luma.len()];
    for i in new_out.indices(a.width) {
        flags[i] = true;
    }
    assert!(flags == old_out.inside, "{ctx}: outside differs");
    assert_eq!(
        (old_out.count, old_out.bbox),
        (new_out.count, new_out.bbox),
        "{ctx}"
    );
    for (o, n, which) in [(&old, &new, "quad"), (&old_out, &new_out, "outside")] {
        let ctx = format!("{ctx} ({which})");
        same(
            &format!("{ctx} mean_luma"),
            reference::mean_luma(a, o),
            mean_luma(a, n),
        );
        same(
            &format!("{ctx} mean_chroma"),
            reference::mean_chroma(a, o),
            mean_chroma(a, n),
        );
        for level in [0, 1, 128, 245, 250, 255] {
            same(
                &format!("{ctx} fraction_at_least {level}"),
                reference::fraction_at_least(a, o, level),
                fraction_at_least(a, n, level),
            );
        }
        same(
            &format!("{ctx} blur_effect"),
            reference::blur_effect(a, o),
            blur_effect(a, n),
        );
    }
}

fn compare_plane(a: &Analysis) {
    let ctx = format!("{}x{}", a.width, a.height);
    let (of, nf) = (reference::full_mask(a), full_mask(a));
    assert_eq!((of.count, of.bbox), (nf.count, nf.bbox), "{ctx}");
    assert_eq!(nf.indices(a.width).count(), a.luma.len(), "{ctx}");
    same(
        &format!("{ctx} brightness"),
        reference::brightness(a),
        brightness(a),
    );
    same(
        &format!("{ctx} frame mean_luma"),
        reference::mean_luma(a, &of),
        mean_luma(a, &nf),
    );
    same(
        &format!("{ctx} laplacian"),
        reference::laplacian_variance(a),
        laplacian_variance(a),
    );
    same(
        &format!("{ctx} frame blur"),
        reference::blur_effect(a, &of),
        blur_effect(a, &nf),
    );
}

#[test]
fn runs_match_the_pixel_by_pixel_masks_and_scores() {
    let mut r = Rng(7);
    let sizes = [
        (1, 1),
        (2, 9),
        (13, 3),
        (37, 23),
        (64, 64),
        (200, 150),
        (150, 200),
        (1024, 768),
        (1300, 40),
    ];
    for (i, &(w, h)) in sizes.iter().enumerate() {
        for scale in [1.0f32, 3.906_25, 0.75] {
            let a = random_plane(&mut r, w, h, scale);
            compare_plane(&a);
            let quads = if w * h > 500_000 { 25 } else { 120 };
            for _ in 0..quads {
                let q = random_quad(&mut r, &a);
                for shrink in [0.0, 0.04, r.range(-0.5, 1.5)] {
                    compare(&a, &q, shrink);
                }
            }
            // Overflowing and NaN corners take the pixel-by-pixel path.
            let odd = [[1e200, 3.0], [5.0, -1e300], [f64::NAN, 4.0], [10.0, 10.0]];
            compare(&a, &odd, 0.0);
            compare(
                &a,
                &[[f64::INFINITY, 0.0], [0.0, 1.0], [2.0, 2.0], [1.0, 5.0]],
                0.04,
            );
            let _ = i;
        }
    }
}

/// Rendered captures (document edges, glare spots, blur) through the real decode and
/// plane, with the outline the detector finds and with the true quad.
#[test]
fn runs_match_on_rendered_captures() {
    use preflight_synth::{render, GlareSize, SynthSpec, Variant};
    let policy = crate::Policy::default();
    let variants = [
        Variant::Good,
        Variant::Glare(GlareSize::Large),
        Variant::Tilted(30.0),
        Variant::TinyDocument,
        Variant::Motion(preflight_synth::Strength::Moderate),
    ];
    for (seed, v) in variants.into_iter().enumerate() {
        let mut spec = SynthSpec::variant_sized(seed as u64, v, 1600, 1200);
        spec.orientation = [1, 6, 3, 8][seed % 4];
        let cap = render(&spec);
        let p = crate::probe::probe(&cap.jpeg, &policy.limits).unwrap();
        let mut pixels = Vec::new();
        let d = crate::decode::decode(&cap.jpeg, &p, &policy.limits, &mut pixels).unwrap();
        let o = crate::orient::Orientation::from_exif(p.effective_orientation());
        let a = build(&pixels, &d, o, &mut fir::Resizer::new()).unwrap();
        compare_plane(&a);
        let truth = cap.truth.quad.map(|p| [f64::from(p[0]), f64::from(p[1])]);
        let found = crate::document::find(&a, &crate::document::DOCUMENT_ASPECTS);
        for q in [Some(truth), found.map(|f| f.quad)].into_iter().flatten() {
            for shrink in [0.0, 0.04] {
                compare(&a, &q, shrink);
            }
        }
    }
}

#[test]
fn build_matches_the_copy_then_split_build() {
    let mut r = Rng(11);
    let mut resizer = fir::Resizer::new();
    for (w, h) in [(1, 1), (37, 23), (1024, 3), (1300, 700), (999, 1777)] {
        let pixels: Vec<u8> = (0..w * h * 3).map(|_| (r.next() % 256) as u8).collect();
        for layout in [Layout::Ycbcr, Layout::Rgb] {
            let d = Decoded {
                width: w,
                height: h,
                layout,
                icc: None,
            };
            for tag in 1..=8 {
                let o = crate::orient::Orientation::from_exif(tag);
                let old = reference::build(&pixels, &d, o, &mut resizer).unwrap();
                let new = build(&pixels, &d, o, &mut resizer).unwrap();
                assert!(old == new, "{w}x{h} {layout:?} orientation {tag}");
            }
        }
    }
}

/// A plane of paper (luma 180) with a document quad inside it, dark outside, and white
/// blocks painted in; the document's mask and the region inside it glare is measured on
/// (shrunk 4 %, as the pipeline does).
fn paper_with(blocks: &[(usize, usize, usize, usize)]) -> (Analysis, Mask, Mask) {
    let (w, h) = (240usize, 160usize);
    let mut luma = vec![40u8; w * h];
    for y in 20..140 {
        for x in 20..200 {
            luma[y * w + x] = 180;
        }
    }
    for &(x0, y0, x1, y1) in blocks {
        for y in y0..y1 {
            for x in x0..x1 {
                luma[y * w + x] = 255;
            }
        }
    }
    let a = crate::testutil::grey_plane(w, h, luma);
    let quad = [[20.0, 20.0], [200.0, 20.0], [200.0, 140.0], [20.0, 140.0]];
    let (region, outline) = (quad_mask(&a, &quad, 0.04), quad_mask(&a, &quad, 0.0));
    (a, region, outline)
}

fn glare_on((a, region, outline): &(Analysis, Mask, Mask)) -> f64 {
    glare(a, region, outline, &luma_histogram(a, region), 245).fraction
}

#[test]
fn glare_is_a_spot_on_the_document_not_what_lies_beyond_its_edge() {
    // A spot inside, and one that ends at the document's right edge (dark beyond): both
    // are reflections on the document.
    assert!(glare_on(&paper_with(&[(60, 50, 80, 70)])) > 0.01);
    // It runs across the band between the region and the outline.
    assert!(glare_on(&paper_with(&[(165, 50, 200, 70)])) > 0.01);
    // The same spot carrying on past the outline (a window beside the document, taken in
    // by a wrong outline): not glare on the document.
    assert_eq!(glare_on(&paper_with(&[(165, 50, 230, 70)])), 0.0);
    // ... while the spot inside is still counted next to it.
    let f = glare_on(&paper_with(&[(60, 50, 80, 70), (165, 90, 230, 110)]));
    assert!(f > 0.01 && f < 0.03, "{f}");
}

#[test]
fn a_white_field_framed_by_print_is_not_glare() {
    // A hard-edged white spot on the paper counts (the second renderer draws glare so)...
    let mut page = paper_with(&[(60, 50, 90, 75)]);
    assert!(glare_on(&page) > 0.01);
    // ... but the same white block inside a printed frame (a form field on a rendered
    // data page, black rules and text around it) is white of the document's own.
    for y in 46..79 {
        for x in 56..94 {
            if !(60..90).contains(&x) || !(50..75).contains(&y) {
                page.0.luma[y * 240 + x] = 30;
            }
        }
    }
    assert_eq!(glare_on(&page), 0.0);
}

#[test]
fn rgb_to_ycbcr_is_jfif_as_libjpeg_rounds_it() {
    // The conversion the pure-Rust encoder this crate used before writes (every third
    // level of each channel, and the extremes).
    for r in (0..=255u8).step_by(3).chain([255]) {
        for g in (0..=255u8).step_by(3).chain([255]) {
            for b in (0..=255u8).step_by(3).chain([255]) {
                assert_eq!(
                    super::rgb_to_ycbcr(r, g, b),
                    jpeg_encoder::rgb_to_ycbcr(r, g, b),
                    "{r} {g} {b}"
                );
            }
        }
    }
}
