//! The checks on labelled captures the project did not make (`../shared/data`): real phone
//! photos, a second renderer's captures and flat specimen scans. Each test skips with a
//! printed reason when the data is absent. The bounds are the measured numbers of
//! docs/accuracy.md with little slack, so a regression fails here first.

use crate::common::shared_data;
use preflight_eval::labels::{self, LabelledSet, Split};

fn set(rel: &str) -> Option<LabelledSet> {
    let path = shared_data()?.join(rel);
    if !path.is_file() {
        eprintln!("skipped: {} is absent", path.display());
        return None;
    }
    Some(labels::run(&path, Split::All, "default", 0).expect("labels read"))
}

fn check<'a>(s: &'a LabelledSet, code: &str) -> &'a labels::CheckRow {
    s.checks
        .iter()
        .find(|c| c.check == code)
        .unwrap_or_else(|| panic!("{code} not scored"))
}

fn has(row: &labels::Row, code: &str) -> bool {
    row.observed.has(code)
}

#[test]
fn second_renderer_glare_is_found_and_pale_patterns_and_white_text_are_not_glare() {
    let Some(s) = set("synth_v2_dev/labels.csv") else {
        return;
    };
    let glare = check(&s, "glare");
    assert!(glare.counts.tp >= 6 && glare.counts.fn_ == 0, "{glare:?}");
    assert_eq!(glare.counts.fp, 0, "glare on a capture without: {glare:?}");
    // Cut-off is never claimed on a capture that is whole.
    assert_eq!(check(&s, "document_cut_off").counts.fp, 0);
    // Every blurred render is found, and the sharp ones whose pale patterns score a high
    // blur effect (0.415 and 0.44) are not rejected: the frame around them is sharp.
    let blur = check(&s, "blurry");
    assert!(blur.counts.fn_ == 0 && blur.counts.tp >= 10, "{blur:?}");
    assert_eq!(blur.good_rejected, 0, "{blur:?}");
    // Quads where the document lies in the frame.
    assert!(s.iou.median.unwrap() >= 0.97, "{:?}", s.iou);
    assert!(s.iou.p10.unwrap() >= 0.85, "{:?}", s.iou);
}

#[test]
fn second_renderer_frame_filling_documents_are_tight_and_cut_off() {
    let Some(s) = set("synth_v2_dev/labels.csv") else {
        return;
    };
    // The six renders whose document runs past all four frame edges (coverage 1.04): the
    // outline found is the holder's photo or a panel standing on its side, with weak sides
    // (support 0.41..0.57) in a landscape frame. Measured: 6 of 6 tight and cut off since
    // straight edge chains became lines (5 of 6 before, 0 of 6 before the rule). One false
    // tight: cap_041, a card cut across its top-right corner whose outline is its portrait,
    // so it is called cut on every edge (it is cut; nothing was reported before).
    let tight = check(&s, "tightly_cropped");
    assert!(tight.counts.tp >= 6 && tight.counts.fp <= 1, "{tight:?}");
    let cut = check(&s, "document_cut_off");
    assert!(cut.recall.unwrap() >= 0.95 && cut.counts.fp == 0, "{cut:?}");
    assert_eq!(s.good_rejected, 0, "{:?}", s.good_reject_codes);
}

#[test]
fn flat_specimen_scans_and_renders_are_neither_glare_nor_overexposed() {
    let Some(s) = set("documents/labels.csv") else {
        return;
    };
    // Scans, renders and figures of documents: flat, evenly lit, mostly white paper.
    let flat: Vec<&labels::Row> = s
        .rows
        .iter()
        .filter(|r| matches!(r.kind.as_str(), "scan" | "render" | "figure"))
        .collect();
    assert!(flat.len() >= 15, "{} flat specimens", flat.len());
    // Measured: none since a spot framed by print stopped counting as glare (2 rendered
    // data pages' white form fields before) and a page whose black print stays black
    // stopped counting as overexposed (7 white pages before: black level 0..1, the
    // generator's overexposed captures 41 and above).
    for code in ["glare", "overexposed"] {
        let found: Vec<&str> = flat
            .iter()
            .filter(|r| has(r, code))
            .map(|r| r.file.as_str())
            .collect();
        assert!(found.is_empty(), "{code}: {found:?}");
    }
}

#[test]
fn real_photos_good_frames_are_rarely_rejected_and_glare_follows_the_document() {
    let Some(s) = set("photos/dlc2021_dev/labels.csv") else {
        return;
    };
    assert!(s.good >= 140, "{} good frames", s.good);
    // Measured: 3 of 149 (2.0 %) since `check` decodes DCT-scaled in both builds (2 of 149
    // from the full-size decode the default build used before; 6 before a cut-off claim
    // needed sides that are edges along 70 % of their length, 7 before glare stopped at
    // the outline, 8 before the two-cue blur rule, 14 before the half-size plane's
    // lines); the baseline rejected 61.
    let percent = 3;
    assert!(
        s.good_rejected * 100 <= percent * s.good,
        "{} of {} good frames rejected: {:?}",
        s.good_rejected,
        s.good,
        s.good_reject_codes
    );
    // The paper is matte: where the document was found right, nothing is glare.
    let glare: Vec<&str> = s
        .rows
        .iter()
        .filter(|r| r.iou.is_some_and(|v| v >= 0.9) && has(r, "glare"))
        .map(|r| r.file.as_str())
        .collect();
    assert!(glare.is_empty(), "{glare:?}");
    assert!(s.iou.median.unwrap() >= 0.97, "{:?}", s.iou);
    // The 10th percentile is far from the 0.85 target: measured 0.261 since straight edge
    // chains became lines (0.187 before; 38 of 241 frames below 0.85, 42 before). What is
    // left: cards on dark or blurred newspaper whose short sides no line finds, and outlines
    // that lose to a colourful block nearby (docs/accuracy.md).
    assert!(s.iou.p10.unwrap() >= 0.25, "{:?}", s.iou);
    // A cut-off claim needs a document's edges (measured: 6 false, 13 before the bar). The
    // two good frames still rejected have a wrong outline with strong sides: a newspaper
    // page around the card, the sheet of paper under a white card.
    let cut = check(&s, "document_cut_off");
    assert!(cut.good_rejected <= 2 && cut.counts.fp <= 6, "{cut:?}");
    // Real camera blur (measured: 18 of 23 since a band-shaped outline is no document:
    // the 19th, fin_id/04.cg0003/000061, was found only on a wrong outline, a 2.8:1 band
    // of newspaper, and has no outline now; 19 of 23 found on the plane of the
    // DCT-scaled decode both builds make; 20 of 23 from the full-size decode the default
    // build used before; 9 of 23 with the blur effect alone at 0.40). The 3 false ones
    // are three frames of one clip labelled sharp (rus internal passport, blur effect
    // 0.62, frame detail 272). A decode that stopped below the plane's size found 7 of 23
    // (docs/accuracy.md).
    let blur = check(&s, "blurry");
    assert!(blur.counts.tp >= 18, "{blur:?}");
    assert!(blur.counts.fp <= 3 && blur.good_rejected == 0, "{blur:?}");
}
