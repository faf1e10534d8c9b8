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
    let mut out: Vec<Finding> = placement(doc, edges, t, frame_is_document_shaped)
        .into_iter()
        .collect();
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

/// Where the document sits in the frame: edge to edge (tight), cut by `edges`, or too small;
/// the first that applies.
fn placement(
    doc: &DocumentMetrics,
    edges: Vec<Edge>,
    t: &Thresholds,
    frame_is_document_shaped: bool,
) -> Option<Finding> {
    let m = doc.margins;
    let max_margin = m.left.max(m.top).max(m.right).max(m.bottom);
    // A frame shaped like a document (a scan or a crop to the card) whose outline runs into
    // the border or fills most of it is the document itself, cropped edge to edge.
    let cropped_to_document =
        frame_is_document_shaped && (!edges.is_empty() || doc.coverage > TIGHT_FILL);
    if max_margin < t.tight_margin {
        Some(tight(
            format!(
                "every margin is below {:.0} % of the frame (the widest is {:.1} %)",
                t.tight_margin * 100.0,
                max_margin * 100.0
            ),
            Some((max_margin, t.tight_margin)),
        ))
    } else if edges.len() >= 3 {
        Some(tight(
            format!(
                "the document runs across {} edges of the frame",
                edges.len()
            ),
            None,
        ))
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
    }
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
    let q = &doc.quad;
    let d = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    let horizontal = (d(q[0], q[1]) + d(q[3], q[2])) / 2.0;
    let vertical = (d(q[1], q[2]) + d(q[0], q[3])) / 2.0;
    (vertical > horizontal * 1.1).then(|| {
        Finding::new(
            FindingCode::WrongOrientation,
            Severity::Warn,
            "the document stands on its side: it is printed landscape, so turn the picture to match",
        )
        .measured(vertical / horizontal, 1.0)
    })
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
