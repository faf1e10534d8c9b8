//! Where the document sits in the frame: `document_not_found`, `document_cut_off`,
//! `tightly_cropped`, `too_much_background`, `white_background`, `wrong_orientation`.

use crate::document::DOCUMENT_ASPECTS;
use crate::policy::{Policy, Thresholds};
use crate::report::{DocumentMetrics, Edge, Finding, FindingCode, Severity};

/// What the framing checks read: the outline (if found), the frame size, and the
/// surroundings' statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Framing<'a> {
    /// The outline's metrics, when one was found.
    pub document: Option<&'a DocumentMetrics>,
    /// Frame edges the document runs across (left, top, right, bottom).
    pub cut: [bool; 4],
    /// Upright frame size.
    pub frame: (u32, u32),
    /// Mean luma of the surface around the document.
    pub surround_luma: Option<f64>,
    /// Mean colourfulness of the surface around the document.
    pub surround_chroma: Option<f64>,
}

/// Run the framing checks.
#[must_use]
pub fn check(f: &Framing<'_>, policy: &Policy) -> Vec<Finding> {
    let t = &policy.thresholds;
    let frame_aspect = {
        let (w, h) = (f64::from(f.frame.0), f64::from(f.frame.1));
        w.max(h) / w.min(h).max(1.0)
    };
    let frame_is_document_shaped = DOCUMENT_ASPECTS
        .iter()
        .any(|a| (frame_aspect / a).ln().abs() < 0.05);
    let Some(doc) = f.document else {
        return vec![not_found(frame_is_document_shaped)];
    };
    let edges: Vec<Edge> = [Edge::Left, Edge::Top, Edge::Right, Edge::Bottom]
        .into_iter()
        .zip(f.cut)
        .filter_map(|(e, c)| c.then_some(e))
        .collect();
    if policy.class.is_document() && is_block_inside(doc, f.frame) {
        return fills_the_frame(doc);
    }
    let mut out: Vec<Finding> = placement(doc, edges, t, frame_is_document_shaped);
    if f.cut.iter().all(|c| !c) && policy.class.is_document() {
        out.extend(on_its_side(doc));
    }
    if let (Some(luma), Some(chroma)) = (f.surround_luma, f.surround_chroma) {
        if luma >= t.white_background_luma && chroma < 14.0 && doc.coverage < 0.9 {
            out.push(
                Finding::new(
                    FindingCode::WhiteBackground,
                    Severity::Warn,
                    format!(
                        "the surface around the document is white (mean luma {luma:.0}): use a darker, non-white surface"
                    ),
                )
                .measured(luma, t.white_background_luma),
            );
        }
    }
    out
}

/// No outline: a tight crop when the picture itself has a document's shape, else
/// `document_not_found`.
fn not_found(frame_is_document_shaped: bool) -> Finding {
    if frame_is_document_shaped {
        tight(
            "no outline, and the picture has a document's shape".into(),
            None,
        )
    } else {
        Finding::new(
            FindingCode::DocumentNotFound,
            Severity::Warn,
            "no document outline was found: make sure the whole document is in the picture, on a contrasting surface",
        )
    }
}

/// An outline standing on its side in a landscape frame, with sides that are not edges along
/// most of their length (`support` below [`BLOCK_SUPPORT`]), is a block printed inside the
/// document (the holder's photo, a data panel), not the document: ID cards and passport
/// pages print landscape, and a document lying on a surface shows its own sides as one
/// continuous step. What is left is a document whose sides are outside the picture.
fn is_block_inside(doc: &DocumentMetrics, frame: (u32, u32)) -> bool {
    frame.0 > frame.1 && doc.support < BLOCK_SUPPORT && stands_on_its_side(doc).is_some()
}

/// Below this mean edge support, an outline standing on its side in a landscape frame is a
/// block inside the document. The second renderer's and the generator's frame-filling
/// crops pick the holder's photo at 0.41..0.57; documents found whole score 0.7 and more
/// (docs/accuracy.md).
const BLOCK_SUPPORT: f64 = 0.6;

/// The document fills the frame and runs past it: `tightly_cropped` and `document_cut_off`
/// on every edge, with the block's support as the measure.
fn fills_the_frame(doc: &DocumentMetrics) -> Vec<Finding> {
    let why = format!(
        "the only outline found is a block standing on its side inside it, with sides that are edges along {:.0} % of their length",
        doc.support * 100.0
    );
    let mut all = cut_off(vec![Edge::Left, Edge::Top, Edge::Right, Edge::Bottom]);
    all.message = format!(
        "no side of the document is in the picture ({why}): the document runs past every edge of the frame"
    );
    vec![tight(why, None), all]
}

/// Where the document sits in the frame: edge to edge (tight), cut by `edges`, or too small;
/// the first that applies. A document that runs across three or more edges is both tight
/// and cut off.
fn placement(
    doc: &DocumentMetrics,
    edges: Vec<Edge>,
    t: &Thresholds,
    frame_is_document_shaped: bool,
) -> Vec<Finding> {
    let m = doc.margins;
    let max_margin = m.left.max(m.top).max(m.right).max(m.bottom);
    // A frame shaped like a document (a scan or a crop to the card) whose outline runs into
    // the border or fills most of it is the document itself, cropped edge to edge.
    let cropped_to_document =
        frame_is_document_shaped && (!edges.is_empty() || doc.coverage > TIGHT_FILL);
    let found = if max_margin < t.tight_margin {
        Some(tight(
            format!(
                "every margin is below {:.0} % of the frame (the widest is {:.1} %)",
                t.tight_margin * 100.0,
                max_margin * 100.0
            ),
            Some((max_margin, t.tight_margin)),
        ))
    } else if edges.len() >= 3 {
        let why = format!(
            "the document runs across {} edges of the frame",
            edges.len()
        );
        return vec![tight(why, None), cut_off(edges)];
    } else if cropped_to_document {
        Some(tight(
            format!(
                "the picture has the document's shape and the document fills {:.0} % of it",
                doc.coverage * 100.0
            ),
            Some((doc.coverage, TIGHT_FILL)),
        ))
    } else if !edges.is_empty() {
        Some(cut_off(edges))
    } else if doc.coverage < t.min_coverage {
        Some(
            Finding::new(
                FindingCode::TooMuchBackground,
                Severity::Warn,
                format!(
                    "the document covers {:.0} % of the picture: move closer so it fills more of the frame",
                    doc.coverage * 100.0
                ),
            )
            .measured(doc.coverage, t.min_coverage),
        )
    } else {
        None
    };
    found.into_iter().collect()
}

/// `document_cut_off`, naming the frame edges the document crosses.
fn cut_off(edges: Vec<Edge>) -> Finding {
    let names: Vec<&str> = edges
        .iter()
        .map(|e| match e {
            Edge::Left => "left",
            Edge::Top => "top",
            Edge::Right => "right",
            Edge::Bottom => "bottom",
        })
        .collect();
    let mut finding = Finding::new(
        FindingCode::DocumentCutOff,
        Severity::Reject,
        format!(
            "part of the document is outside the frame ({} edge{}): all four edges must be visible",
            names.join(", "),
            if names.len() > 1 { "s" } else { "" }
        ),
    )
    .measured(0.0, 0.01);
    finding.edges = edges;
    finding
}

/// `wrong_orientation` when a whole document stands on its side (documents print landscape).
fn on_its_side(doc: &DocumentMetrics) -> Option<Finding> {
    stands_on_its_side(doc).map(|ratio| {
        Finding::new(
            FindingCode::WrongOrientation,
            Severity::Warn,
            "the document stands on its side: it is printed landscape, so turn the picture to match",
        )
        .measured(ratio, 1.0)
    })
}

/// The outline's height over its width, when it is more than 1.1 (it stands on its side).
fn stands_on_its_side(doc: &DocumentMetrics) -> Option<f64> {
    let q = &doc.quad;
    let d = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let horizontal = (d(q[0], q[1]) + d(q[3], q[2])) / 2.0;
    let vertical = (d(q[1], q[2]) + d(q[0], q[3])) / 2.0;
    (vertical > horizontal * 1.1).then(|| vertical / horizontal.max(1e-9))
}

/// A document-shaped frame whose outline covers more than this share is a crop to the
/// document.
const TIGHT_FILL: f64 = 0.6;

/// `tightly_cropped`, saying which rule fired; `measured` and `threshold` are that rule's
/// (the margin fires below its threshold, the fill above it).
fn tight(why: String, measured: Option<(f64, f64)>) -> Finding {
    let f = Finding::new(
        FindingCode::TightlyCropped,
        Severity::Reject,
        format!(
            "the document fills the picture edge to edge ({why}): leave a little background so all four edges show"
        ),
    );
    match measured {
        Some((m, t)) => f.measured(m, t),
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DocumentClass;
    use crate::report::Margins;

    /// A 600 × 900 outline (standing on its side) in the middle of `frame`, with `support`.
    fn upright_block(frame: (u32, u32), support: f64) -> DocumentMetrics {
        let (cx, cy) = (f64::from(frame.0) / 2.0, f64::from(frame.1) / 2.0);
        let (x0, x1, y0, y1) = (cx - 300.0, cx + 300.0, cy - 450.0, cy + 450.0);
        let (w, h) = (f64::from(frame.0), f64::from(frame.1));
        DocumentMetrics {
            quad: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
            coverage: 600.0 * 900.0 / (w * h),
            margins: Margins {
                left: x0 / w,
                top: y0 / h,
                right: (w - x1) / w,
                bottom: (h - y1) / h,
            },
            support,
            score: 1.0,
            runner_up_score: None,
        }
    }

    /// The framing findings for `doc` in `frame`, cut on `cut`, without a measured surround.
    fn findings(
        doc: &DocumentMetrics,
        frame: (u32, u32),
        cut: [bool; 4],
        class: DocumentClass,
    ) -> Vec<Finding> {
        let f = Framing {
            document: Some(doc),
            cut,
            frame,
            surround_luma: None,
            surround_chroma: None,
        };
        check(&f, &Policy::for_class(class))
    }

    fn codes(doc: &DocumentMetrics, frame: (u32, u32), class: DocumentClass) -> Vec<FindingCode> {
        findings(doc, frame, [false; 4], class)
            .iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn a_weak_outline_on_its_side_in_a_landscape_frame_is_a_block_of_a_frame_filling_document() {
        let frame = (1600, 1200);
        for class in [DocumentClass::IdCard, DocumentClass::Passport] {
            let weak = upright_block(frame, 0.5);
            assert_eq!(
                codes(&weak, frame, class),
                [FindingCode::TightlyCropped, FindingCode::DocumentCutOff]
            );
            let cut = findings(&weak, frame, [false; 4], class)
                .into_iter()
                .find(|f| f.code == FindingCode::DocumentCutOff)
                .unwrap();
            assert_eq!(
                cut.edges,
                [Edge::Left, Edge::Top, Edge::Right, Edge::Bottom]
            );
        }
        // Sides that are edges: a document standing on its side, a warning.
        let strong = upright_block(frame, 0.9);
        assert_eq!(
            codes(&strong, frame, DocumentClass::IdCard),
            [FindingCode::WrongOrientation]
        );
        // In a portrait frame a document on its side is what the frame's shape invites.
        let portrait = (1200, 1600);
        let weak = upright_block(portrait, 0.5);
        assert!(
            !codes(&weak, portrait, DocumentClass::IdCard).contains(&FindingCode::TightlyCropped)
        );
        // A selfie is not a document.
        let weak = upright_block(frame, 0.5);
        assert!(codes(&weak, frame, DocumentClass::Selfie).is_empty());
    }

    #[test]
    fn a_document_across_three_edges_is_tight_and_cut_off() {
        let frame = (1600, 1200);
        let mut doc = upright_block(frame, 0.9);
        doc.quad = [[0.0, 0.0], [1600.0, 0.0], [1600.0, 1000.0], [0.0, 1000.0]];
        doc.margins = Margins {
            left: 0.0,
            top: 0.0,
            right: 0.0,
            bottom: 200.0 / 1200.0,
        };
        doc.coverage = 1000.0 / 1200.0;
        let found = findings(
            &doc,
            frame,
            [true, true, true, false],
            DocumentClass::IdCard,
        );
        let codes: Vec<FindingCode> = found.iter().map(|f| f.code).collect();
        assert_eq!(
            codes,
            [FindingCode::TightlyCropped, FindingCode::DocumentCutOff]
        );
        assert_eq!(found[1].edges, [Edge::Left, Edge::Top, Edge::Right]);
    }
}
