//! Annotated pictures for people: the analysis plane with the document outline (green),
//! the pixels the glare rule starts from and its largest spot boxed (magenta), and the
//! verdict drawn as a coloured frame (green pass, amber warn, red reject).

use crate::analysis;
use crate::decode;
use crate::error::{Error, ErrorKind, Result};
use crate::orient::Orientation;
use crate::policy::Policy;
use crate::probe;
use crate::report::{Report, Verdict};

/// A PNG of the upright analysis plane with the report's outline, glare and verdict drawn.
pub fn annotate(data: &[u8], report: &Report, policy: &Policy) -> Result<Vec<u8>> {
    let p = probe::probe(data, &policy.limits)?;
    let mut pixels = Vec::new();
    let d = decode::decode(data, &p, &policy.limits, &mut pixels)?;
    let o = Orientation::from_exif(p.effective_orientation());
    let a = analysis::build(&pixels, &d, o, &mut fast_image_resize::Resizer::new())?;
    let (w, h) = (a.width, a.height);
    let mut img = image::RgbImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) as usize;
            let (yy, cb, cr) = (
                f32::from(a.luma[i]),
                f32::from(a.cb[i]) - 128.0,
                f32::from(a.cr[i]) - 128.0,
            );
            let r = (yy + 1.402 * cr).clamp(0.0, 255.0) as u8;
            let g = (yy - 0.344_136 * cb - 0.714_136 * cr).clamp(0.0, 255.0) as u8;
            let b = (yy + 1.772 * cb).clamp(0.0, 255.0) as u8;
            img.put_pixel(x, y, image::Rgb([r, g, b]));
        }
    }
    let metrics = report.metrics.as_ref();
    if let Some(doc) = metrics.and_then(|m| m.document.as_ref()) {
        // The pixels the glare rule starts from (clipped with their four neighbours at its
        // level: the floor, or 12 above the paper white), and the largest spot it kept
        // boxed; a white page has no level and shows none. Painting every pixel at the floor
        // coloured white paper and pale print as if they were glare.
        let mask = analysis::quad_mask(&a, &doc.quad, 0.04);
        let outline = analysis::quad_mask(&a, &doc.quad, 0.0);
        let hist = analysis::luma_histogram(&a, &mask);
        let g = analysis::glare(&a, &mask, &outline, &hist, policy.thresholds.glare_luma);
        if let Ok(level) = u8::try_from(g.level) {
            for i in mask.indices(w) {
                let (x, y) = (i as u32 % w, i as u32 / w);
                if x == 0 || y == 0 || x + 1 >= w || y + 1 >= h {
                    continue;
                }
                if analysis::clipped(&a, i, level) {
                    img.put_pixel(x, y, image::Rgb([255, 0, 255]));
                }
            }
        }
        if let Some((x0, y0, x1, y1)) = g.largest_box {
            frame_box(&mut img, [x0, y0, x1, y1], [255, 0, 255]);
        }
        let s = f64::from(a.scale);
        for k in 0..4 {
            let (p0, p1) = (doc.quad[k], doc.quad[(k + 1) % 4]);
            let steps = ((p1[0] - p0[0]).hypot(p1[1] - p0[1]) / s).ceil() as usize * 2 + 1;
            for t in 0..=steps {
                let f = t as f64 / steps as f64;
                let x = (p0[0] + (p1[0] - p0[0]) * f) / s;
                let y = (p0[1] + (p1[1] - p0[1]) * f) / s;
                for (dx, dy) in [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)] {
                    let (xi, yi) = ((x + dx) as i64, (y + dy) as i64);
                    if xi >= 0 && yi >= 0 && (xi as u32) < w && (yi as u32) < h {
                        img.put_pixel(xi as u32, yi as u32, image::Rgb([0, 230, 0]));
                    }
                }
            }
        }
    }
    // Faces: the portrait on the document, the faces of a selfie (image pixels → plane).
    let faces = metrics
        .into_iter()
        .flat_map(|m| m.portrait.iter().chain(m.faces.iter().flatten()));
    for f in faces {
        let to_plane = |v: u32| (f64::from(v) / f64::from(a.scale)) as u32;
        frame_box(&mut img, f.bbox.map(to_plane), [0, 200, 255]);
    }
    // The MRZ band: magenta when it reads valid, red otherwise.
    if let Some(z) = metrics.and_then(|m| m.mrz.as_ref()) {
        let to_plane = |v: u32| (f64::from(v) / f64::from(a.scale)) as u32;
        let colour = if z.valid == Some(true) {
            [220, 0, 220]
        } else {
            [230, 0, 0]
        };
        frame_box(&mut img, z.bbox.map(to_plane), colour);
    }
    let colour = match report.verdict {
        Verdict::Pass => [0, 200, 0],
        Verdict::Warn => [255, 170, 0],
        Verdict::Reject | Verdict::Error => [230, 0, 0],
    };
    for t in 0..4u32 {
        for x in 0..w {
            img.put_pixel(x, t.min(h - 1), image::Rgb(colour));
            img.put_pixel(x, h - 1 - t.min(h - 1), image::Rgb(colour));
        }
        for y in 0..h {
            img.put_pixel(t.min(w - 1), y, image::Rgb(colour));
            img.put_pixel(w - 1 - t.min(w - 1), y, image::Rgb(colour));
        }
    }
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| Error::new(ErrorKind::InternalError, format!("annotation PNG: {e}")))?;
    Ok(png)
}

use image::ImageEncoder as _;

/// A one-pixel box `[x0, y0, x1, y1]` (plane pixels, end exclusive), clipped to the image.
fn frame_box(img: &mut image::RgbImage, [x0, y0, x1, y1]: [u32; 4], colour: [u8; 3]) {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return;
    }
    let (x1, y1) = (x1.min(w), y1.min(h));
    for x in x0.min(x1)..x1 {
        for y in [y0, y1.saturating_sub(1)] {
            img.put_pixel(x, y.min(h - 1), image::Rgb(colour));
        }
    }
    for y in y0.min(y1)..y1 {
        for x in [x0, x1.saturating_sub(1)] {
            img.put_pixel(x.min(w - 1), y, image::Rgb(colour));
        }
    }
}
