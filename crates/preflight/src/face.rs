//! Faces: the portrait printed on the document, and the face in a selfie.
//!
//! The detector is SeetaFace's frontal cascade (`rustface`, pure Rust). Its model ships
//! inside this crate (`models/seeta_fd_frontal_v1.0.bin`, BSD-2, the file the `rustface`
//! crate carries) and is parsed once per process. The cascade's window is 40 px and its
//! image pyramid starts at the image's own size, so the smallest face it finds is 40 px
//! wide: each search first resamples its image so that the smallest face worth finding is
//! at least that wide, and its cost follows the resampled image's pixels.
//!
//! - The **portrait** is searched on the document itself: the outline's quad resampled to
//!   a landscape rectangle, as it lies and upside down (the document's own "up" is not
//!   known), so a card lying sideways or upside down in the frame still shows the detector
//!   an upright face. The first turn that holds a face wins: that turn is also which way up
//!   the document lies. Then, if need be, the whole frame as it stands ([`portrait`]).
//! - The **selfie** is searched on the whole frame ([`faces`]).

use crate::analysis::Analysis;
use crate::rectify::{bounds, box_to_image, frame_quad, rectify, sides, square_to_quad, Grey};
use rustface::{Detector, ImageData, Model};
use std::cell::RefCell;
use std::sync::OnceLock;

/// The model file, as the `rustface` crate ships it.
const MODEL: &[u8] = include_bytes!("../models/seeta_fd_frontal_v1.0.bin");

/// The cascade's window: the smallest face it finds, in pixels of the searched image.
const WINDOW: f64 = 40.0;

/// The lowest cascade score a detection is returned at; the checks apply their own
/// threshold (`Thresholds::min_face_score`) to the best one, and the report carries it.
const RETURN_SCORE: f64 = 1.0;

/// A face: its box in upright image pixels `[x0, y0, x1, y1]`, and the cascade's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Face {
    /// Box in upright image pixels (axis-aligned around the face as the document shows it).
    pub bbox: [f64; 4],
    /// The cascade's score (higher is surer; SeetaFace's own examples keep ≥ 2).
    pub score: f64,
    /// Quarter turns clockwise that bring the document upright (0 for a selfie).
    pub turns: u8,
}

fn model() -> Option<&'static Model> {
    static PARSED: OnceLock<Option<Model>> = OnceLock::new();
    PARSED
        .get_or_init(|| rustface::read_model(MODEL).ok())
        .as_ref()
}

thread_local! {
    /// One detector per thread: its buffers are reused from image to image.
    static DETECTOR: RefCell<Option<Box<dyn Detector>>> = RefCell::new(model().map(|m| {
        let mut d = rustface::create_detector_with_model(m.clone());
        d.set_score_thresh(RETURN_SCORE);
        d.set_pyramid_scale_factor(0.8);
        d.set_slide_window_step(4, 4);
        d
    }));
}

/// Faces on `g`, as boxes `[x0, y0, x1, y1]` in `g`'s pixels with their scores, best first.
/// Empty when the image is smaller than the window.
fn detect(g: &Grey) -> Vec<([f64; 4], f64)> {
    if f64::from(g.w.min(g.h)) < WINDOW {
        return Vec::new();
    }
    let mut faces: Vec<([f64; 4], f64)> = DETECTOR.with(|d| {
        let mut d = d.borrow_mut();
        let Some(d) = d.as_mut() else {
            return Vec::new();
        };
        let image = ImageData::new(&g.px, g.w, g.h);
        d.detect(&image)
            .iter()
            .map(|f| {
                let b = f.bbox();
                let (x, y) = (f64::from(b.x()), f64::from(b.y()));
                let box_ = [x, y, x + f64::from(b.width()), y + f64::from(b.height())];
                (box_, f.score())
            })
            .collect()
    });
    faces.sort_by(|a, b| b.1.total_cmp(&a.1));
    faces
}

/// Long side, in pixels, the document is resampled to for the portrait search. A portrait's
/// face measures 0.15..0.28 of the document's long side (ICAO's 35 × 45 mm photo on a
/// 125 mm page, a 25 × 32 mm photo on an 85.6 mm card; measured 0.149..0.285 on the real
/// photos), so at 320 px the smallest is 48 px, above the cascade's 40 px window.
pub const DOCUMENT_LONG_SIDE: u32 = 320;

/// Long side the whole frame is resampled to when the outline holds no face (the outline
/// may be a wrong one: the portrait's own frame, a newspaper column, a sheet of paper):
/// faces down to 40 / 512 = 8 % of the frame's long side, a document down to about 40 % of
/// it.
pub const FRAME_LONG_SIDE: u32 = 512;

/// Short side a selfie is resampled to: faces down to 10 % of the frame's short side.
pub const SELFIE_SHORT_SIDE: u32 = 400;

/// The most a selfie's long side is resampled to (a 2:1 frame; phones shoot 4:3 and 16:9):
/// a frame of any other shape is resampled to fit it, so a 3 × 1024 plane does not become a
/// 400 × 136,533 image.
pub const SELFIE_LONG_SIDE: u32 = 800;

/// The portrait on the document: the best face on the outline's quad (upright image pixels,
/// TL, TR, BR, BL; the frame when there is no outline, as for a scan cropped to the page),
/// or on the whole frame when the quad holds no face scoring `min_score`. The quad is
/// resampled to [`DOCUMENT_LONG_SIDE`] and searched in its two landscape turns (both
/// classes print their portrait side landscape); the frame is searched as it stands, at
/// [`FRAME_LONG_SIDE`]. `None` when nothing looks like a face.
pub fn portrait(a: &Analysis, quad: Option<[[f64; 2]; 4]>, min_score: f64) -> Option<Face> {
    let frame = frame_quad(a)?;
    let s = f64::from(a.scale);
    let q = quad.map_or(frame, |q| q.map(|p| [p[0] / s, p[1] / s]));
    let (top, left) = sides(q);
    let turns = if top >= left { [0, 2] } else { [1, 3] };
    let on_document = search(a, q, DOCUMENT_LONG_SIDE, &turns, min_score);
    if on_document.is_some_and(|f| f.score >= min_score) {
        return on_document;
    }
    let on_frame = search(a, frame, FRAME_LONG_SIDE, &[0], min_score);
    match (on_document, on_frame) {
        (Some(d), Some(f)) => Some(if f.score > d.score { f } else { d }),
        (d, f) => d.or(f),
    }
}

/// The best face on quad `q` (plane pixels), resampled to `long_side` along its long side,
/// in each of `turns` (quarter turns: turn k starts the rectangle at corner k) until one
/// scores `min_score`.
fn search(
    a: &Analysis,
    q: [[f64; 2]; 4],
    long_side: u32,
    turns: &[usize],
    min_score: f64,
) -> Option<Face> {
    let s = f64::from(a.scale);
    let (top, left) = sides(q);
    if !(top.is_finite() && left.is_finite()) || top.min(left) < 1.0 {
        return None;
    }
    let long = f64::from(long_side);
    let short = (long * top.min(left) / top.max(left)).round().max(1.0);
    let mut best: Option<Face> = None;
    for &k in turns {
        let corners = [0, 1, 2, 3].map(|i| q[(i + k) % 4]);
        // The rectangle's top is the quad's side from corner k: long when k and the quad's
        // own long side agree.
        let (w, h) = if (k % 2 == 0) == (top >= left) {
            (long, short)
        } else {
            (short, long)
        };
        let map = square_to_quad(corners);
        let g = rectify(a, &map, w as u32, h as u32);
        let Some(&(b, score)) = detect(&g).first() else {
            continue;
        };
        // The box's corners back through the map, to upright image pixels.
        let face = Face {
            bbox: bounds(&box_to_image(&map, (w, h), s, b)),
            score,
            turns: ((4 - k) % 4) as u8,
        };
        if best.is_none_or(|f| score > f.score) {
            best = Some(face);
        }
        if score >= min_score {
            break;
        }
    }
    best
}

/// The size a `pw × ph` plane is resampled to for the selfie search.
fn selfie_size(pw: f64, ph: f64) -> (f64, f64) {
    let short = f64::from(SELFIE_SHORT_SIDE) / pw.min(ph);
    let k = short.min(f64::from(SELFIE_LONG_SIDE) / pw.max(ph));
    ((pw * k).round().max(1.0), (ph * k).round().max(1.0))
}

/// The faces in a selfie, best first, as boxes in upright image pixels: the whole plane
/// resampled so that its short side is [`SELFIE_SHORT_SIDE`] (a face narrower than a tenth
/// of the short side is not searched for) and its long side at most [`SELFIE_LONG_SIDE`].
pub fn faces(a: &Analysis) -> Vec<Face> {
    let Some(frame) = frame_quad(a) else {
        return Vec::new();
    };
    let (pw, ph) = (f64::from(a.width), f64::from(a.height));
    let (w, h) = selfie_size(pw, ph);
    let k = w / pw;
    let map = square_to_quad(frame);
    let g = rectify(a, &map, w as u32, h as u32);
    let s = f64::from(a.scale) / k;
    detect(&g)
        .into_iter()
        .map(|(b, score)| Face {
            bbox: b.map(|v| v * s),
            score,
            turns: 0,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rectify::tests::{plane, DEGENERATE_QUADS};

    #[test]
    fn the_shipped_model_parses() {
        assert!(model().is_some());
    }

    #[test]
    fn degenerate_planes_and_quads_find_nothing_without_panicking() {
        for (w, h) in [
            (1, 1),
            (1, 3000),
            (3000, 1),
            (2, 2),
            (39, 39),
            (40, 2),
            (2, 1024),
        ] {
            let a = plane(w, h);
            assert_eq!(portrait(&a, None, 3.85), None, "{w}x{h}");
            assert!(faces(&a).is_empty(), "{w}x{h}");
        }
        // A sliver is resampled within the long-side cap, never to a giant image; a phone
        // frame to the short side.
        assert_eq!(selfie_size(3.0, 1024.0), (2.0, 800.0));
        assert_eq!(selfie_size(1024.0, 768.0), (533.0, 400.0));
        assert_eq!(selfie_size(768.0, 1365.0), (400.0, 711.0));
        let a = plane(200, 100);
        for q in DEGENERATE_QUADS {
            // A quad with no area is not searched; the frame still is (nothing there).
            assert_eq!(portrait(&a, Some(q), 3.85), None);
        }
    }

    #[test]
    fn a_bright_full_frame_is_searched_without_overflow() {
        // The cascade's integral image of squares wraps past 2^32 on a bright 512 px
        // search; it relies on wrapping arithmetic, as the C++ it ports, so the workspace
        // turns rustface's overflow checks off in debug builds too (Cargo.toml).
        let mut a = plane(1024, 768);
        for (i, v) in a.luma.iter_mut().enumerate() {
            *v = 250 - (i % 7) as u8;
        }
        assert!(portrait(&a, None, 3.85).is_none_or(|f| f.score < 100.0));
        assert!(faces(&a).iter().all(|f| f.score < 100.0));
    }
}
