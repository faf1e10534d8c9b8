//! Capture-quality checks on generated captures of every kind: the expected finding is
//! reported, and the good capture of the same seed is not rejected. Seeds come from the
//! tuning range (0..999); the held-out range is only used by `preflight eval`.

use kyc_preflight::{check, Edge, FindingCode, Policy, Report, Scratch, Verdict};
use preflight_synth::{render, CutOff, GlareSize, Strength, SynthSpec, Variant};

fn run(seed: u64, v: Variant) -> Report {
    let spec = SynthSpec::variant_sized(seed, v, 1600, 1200);
    let capture = render(&spec);
    check(
        &capture.jpeg,
        &v.label(),
        &Policy::default(),
        &mut Scratch::new(),
    )
}

fn codes(r: &Report) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

/// The report of a cut-off capture and the edges its `document_cut_off` names (panics when
/// there is no such finding).
fn cut_off(seed: u64, side: CutOff) -> (Report, Vec<Edge>) {
    let r = run(seed, Variant::CutOff(side));
    let edges = r
        .findings
        .iter()
        .find(|f| f.code == FindingCode::DocumentCutOff)
        .unwrap_or_else(|| panic!("{side:?} seed {seed}: {:?}", codes(&r)))
        .edges
        .clone();
    (r, edges)
}

#[test]
fn good_captures_are_not_rejected_and_their_outline_is_found() {
    for seed in [0, 1, 2] {
        let r = run(seed, Variant::Good);
        assert_ne!(r.verdict, Verdict::Reject, "seed {seed}: {:?}", codes(&r));
        let doc = r.metrics.as_ref().unwrap().document.as_ref();
        assert!(doc.is_some(), "seed {seed}: no outline");
    }
}

#[test]
fn cut_off_documents_are_rejected_with_the_right_edge() {
    for (seed, side, edge) in [
        (0, CutOff::Left, Edge::Left),
        (0, CutOff::Top, Edge::Top),
        (1, CutOff::Right, Edge::Right),
        (2, CutOff::Bottom, Edge::Bottom),
    ] {
        let (r, edges) = cut_off(seed, side);
        assert!(edges.contains(&edge), "{side:?}: {edges:?}");
        assert_eq!(r.verdict, Verdict::Reject);
    }
}

#[test]
fn a_capture_cropped_to_the_document_is_tightly_cropped() {
    for seed in [0, 1] {
        let r = run(seed, Variant::Tight);
        assert!(
            r.has(FindingCode::TightlyCropped),
            "seed {seed}: {:?}",
            codes(&r)
        );
    }
}

#[test]
fn glare_of_every_size_is_rejected() {
    for size in [GlareSize::Small, GlareSize::Medium, GlareSize::Large] {
        let r = run(0, Variant::Glare(size));
        assert!(r.has(FindingCode::Glare), "{size:?}: {:?}", codes(&r));
        let g = r.metrics.as_ref().unwrap().glare_fraction.unwrap();
        assert!(g > 0.0);
    }
}

#[test]
fn defocus_and_motion_blur_are_rejected() {
    for v in [
        Variant::Defocus(Strength::Moderate),
        Variant::Defocus(Strength::Severe),
        Variant::Motion(Strength::Moderate),
        Variant::Motion(Strength::Severe),
    ] {
        let r = run(0, v);
        assert!(r.has(FindingCode::Blurry), "{}: {:?}", v.label(), codes(&r));
    }
}

#[test]
fn motion_blur_at_a_slant_is_rejected_and_the_sharp_capture_is_not() {
    // Tuning seeds whose streak runs at 159°, 20° and 2°: with the measure along x and y
    // only, the first two were missed (a slanted streak is split between the axes).
    for seed in [14, 16, 28] {
        let blurred = run(seed, Variant::Motion(Strength::Moderate));
        let sharp = run(seed, Variant::Good);
        let score = |r: &Report| r.metrics.as_ref().unwrap().blur_effect.unwrap();
        assert!(
            blurred.has(FindingCode::Blurry),
            "seed {seed}: blur effect {} {:?}",
            score(&blurred),
            codes(&blurred)
        );
        assert!(
            !sharp.has(FindingCode::Blurry),
            "seed {seed}: {:?}",
            codes(&sharp)
        );
        assert!(score(&blurred) > score(&sharp) + 0.05, "seed {seed}");
    }
}

#[test]
fn exposure_is_checked_both_ways() {
    let dark = run(0, Variant::Dark);
    assert!(dark.has(FindingCode::TooDark), "{:?}", codes(&dark));
    let bright = run(0, Variant::Overexposed);
    assert!(bright.has(FindingCode::Overexposed), "{:?}", codes(&bright));
}

#[test]
fn background_problems_warn() {
    let white = run(0, Variant::WhiteSurface);
    assert!(
        white.has(FindingCode::WhiteBackground),
        "{:?}",
        codes(&white)
    );
    let tiny = run(0, Variant::TinyDocument);
    assert!(
        tiny.has(FindingCode::TooMuchBackground),
        "{:?}",
        codes(&tiny)
    );
}

#[test]
fn every_score_is_reported() {
    let r = run(0, Variant::Good);
    let m = r.metrics.unwrap();
    assert!(m.blur.is_some() && m.blur_effect.is_some() && m.brightness.is_some());
    assert!(m.glare_fraction.is_some());
    let d = m.document.unwrap();
    assert!(d.coverage > 0.1 && d.coverage < 0.95);
    assert!(d.margins.left > 0.0 && d.margins.top > 0.0);
}

#[test]
fn selfies_are_not_judged_by_the_document_blur_threshold() {
    let spec = SynthSpec::variant_sized(0, Variant::Defocus(Strength::Severe), 1600, 1200);
    let capture = render(&spec);
    let policy = Policy::for_class(kyc_preflight::DocumentClass::Selfie);
    let r = check(&capture.jpeg, "selfie", &policy, &mut Scratch::new());
    assert!(!r.has(FindingCode::Blurry), "{:?}", codes(&r));
    assert!(
        r.metrics.unwrap().blur_effect.is_some(),
        "the score is still reported"
    );
}

/// The region cue: on wood grain and on checkerboard / stripe cloth (tuning seeds 4, 7 and
/// 8) the good capture's outline is the document itself, not a patch of table, and a
/// document cut off by one edge names that edge.
/// The cut edge is named on grained and patterned surfaces (the outline's IoU on the same
/// seeds is asserted in preflight-eval's tests, next to `polygon_iou`). Seed 7's card cut on
/// a checked cloth is no longer called cut: its sides vanish where it meets squares of its
/// own shade (edge support 0.53), under the bar a cut-off claim must clear
/// (`MIN_CUT_SUPPORT`, docs/accuracy.md); its uncut capture is still found (preflight-eval).
#[test]
fn the_cut_edge_holds_on_grained_and_patterned_surfaces() {
    for (seed, side, edge) in [(4, CutOff::Top, Edge::Top), (8, CutOff::Left, Edge::Left)] {
        assert_eq!(cut_off(seed, side).1, vec![edge], "{side:?} seed {seed}");
    }
}

/// A corner cut-off names both edges, also when the document's dark header band runs into
/// the frame on a dark table (tuning seed 9) and the band's lower edge looks like a side.
#[test]
fn corner_cut_offs_name_both_edges() {
    for (seed, side, edges) in [
        (9, CutOff::TopLeft, [Edge::Left, Edge::Top]),
        (9, CutOff::TopRight, [Edge::Top, Edge::Right]),
        (3, CutOff::TopLeft, [Edge::Left, Edge::Top]),
        (4, CutOff::BottomLeft, [Edge::Left, Edge::Bottom]),
    ] {
        assert_eq!(
            cut_off(seed, side).1,
            edges.to_vec(),
            "{side:?} seed {seed}"
        );
    }
}
