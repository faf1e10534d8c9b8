//! The evaluation harness: every catalogued case is rendered, checked and scored, the counts
//! add up, and the polygon IoU it scores quads with is right.

use crate::common;
use kyc_preflight::{DocumentClass, Policy};
use preflight_eval::{self as eval, polygon_iou, Check, Expect};
use preflight_synth::Variant;
use std::collections::BTreeSet;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn iou_of_identical_squares_is_one() {
    let sq = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
    assert!(close(polygon_iou(&sq, &sq), 1.0));
    // Winding and starting corner do not matter.
    let cw = [[0.0, 10.0], [10.0, 10.0], [10.0, 0.0], [0.0, 0.0]];
    assert!(close(polygon_iou(&sq, &cw), 1.0));
}

#[test]
fn iou_of_disjoint_squares_is_zero() {
    let a = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    let b = [[2.0, 0.0], [3.0, 0.0], [3.0, 1.0], [2.0, 1.0]];
    assert_eq!(polygon_iou(&a, &b), 0.0);
    // Touching along an edge: no area in common.
    let c = [[1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0]];
    assert!(polygon_iou(&a, &c).abs() < 1e-12);
}

#[test]
fn iou_of_half_overlapping_squares_is_one_third() {
    let a = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]];
    let b = [[1.0, 0.0], [3.0, 0.0], [3.0, 2.0], [1.0, 2.0]];
    assert!(close(polygon_iou(&a, &b), 1.0 / 3.0));
    assert!(close(polygon_iou(&b, &a), 1.0 / 3.0));
}

#[test]
fn iou_of_a_square_and_itself_rotated_45_degrees() {
    // Unit square and the same square turned 45° about its centre: the overlap is a regular
    // octagon of area 2(√2 − 1), so IoU = 2(√2 − 1) / (2 − 2(√2 − 1)) = 1/√2.
    let a = [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]];
    let r = std::f64::consts::FRAC_1_SQRT_2;
    let b = [[0.0, -r], [r, 0.0], [0.0, r], [-r, 0.0]];
    assert!(close(polygon_iou(&a, &b), std::f64::consts::FRAC_1_SQRT_2));
}

#[test]
fn iou_of_degenerate_or_broken_quads_is_zero_or_bounded() {
    let sq = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
    let line = [[0.0, 0.0], [5.0, 5.0], [10.0, 10.0], [0.0, 0.0]];
    assert_eq!(polygon_iou(&sq, &line), 0.0);
    let nan = [[f64::NAN, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
    assert_eq!(polygon_iou(&sq, &nan), 0.0);
    // A crossed ("bow-tie") corner order is scored by its hull: here the square itself.
    let bowtie = [[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 10.0]];
    assert!(close(polygon_iou(&sq, &bowtie), 1.0));
    // A small quad inside a large one.
    let inner = [[2.0, 2.0], [7.0, 2.0], [7.0, 7.0], [2.0, 7.0]];
    assert!(close(polygon_iou(&sq, &inner), 0.25));
}

#[test]
fn harness_evaluates_every_catalogued_case_and_the_counts_add_up() {
    let catalogue = Variant::catalogue();
    let seeds = 1000..1002;
    let cases = eval::synthetic_cases(seeds.clone(), 640, 480);
    assert_eq!(cases.len(), catalogue.len() * 2);
    let policy = Policy::for_class(DocumentClass::IdCard);
    let result = eval::run(&cases, &policy, 2);

    // Every case evaluated, none with an error verdict.
    assert_eq!(result.cases, cases.len());
    assert_eq!(result.outcomes.len(), cases.len());
    assert_eq!(result.errors, 0, "failures: {:#?}", result.failures);
    let seen: BTreeSet<(String, u64)> = result
        .outcomes
        .iter()
        .map(|o| (o.case.label.clone(), o.case.seed))
        .collect();
    for v in &catalogue {
        for seed in seeds.clone() {
            assert!(seen.contains(&(v.label(), seed)), "{} {seed}", v.label());
        }
    }
    for o in &result.outcomes {
        assert_ne!(
            o.observed.verdict, "error",
            "{} {}",
            o.case.label, o.case.seed
        );
        assert!(o.truth.is_some());
        assert!(o.check_ms.is_some());
    }
    // EXIF orientations are exercised.
    let orientations: BTreeSet<u16> = result.outcomes.iter().map(|o| o.orientation).collect();
    assert_eq!(orientations, BTreeSet::from([1, 3, 6, 8]));

    // Per check: every evaluated case lands in exactly one cell.
    assert_eq!(result.checks.len(), Check::ALL.len());
    for (stats, check) in result.checks.iter().zip(Check::ALL) {
        assert_eq!(stats.check, check.code());
        assert_eq!(
            stats.counts.tp
                + stats.counts.fp
                + stats.counts.fn_
                + stats.counts.tn
                + stats.dont_care,
            result.cases - result.errors,
            "{}",
            stats.check
        );
        let positives = result
            .outcomes
            .iter()
            .filter(|o| o.case.expected.get(check) == Expect::Positive)
            .count();
        assert_eq!(
            stats.counts.tp + stats.counts.fn_,
            positives,
            "{}",
            stats.check
        );
        for rate in [stats.precision, stats.recall, stats.good_reject_rate]
            .into_iter()
            .flatten()
        {
            assert!((0.0..=1.0).contains(&rate), "{}: {rate}", stats.check);
        }
        assert_eq!(stats.recall.is_none(), positives == 0);
    }

    // Per variant rows add up.
    assert_eq!(result.per_variant.len(), catalogue.len());
    for row in &result.per_variant {
        assert_eq!(row.cases, 2, "{}", row.variant);
        assert_eq!(row.pass + row.warn + row.reject + row.error, row.cases);
    }
    assert_eq!(result.good.cases, 2 * 4); // good, cluttered, tilted_15, tilted_30
    assert_eq!(result.cut_off_edges.cases, 2 * 8);

    // Quad IoU: only documents fully in frame and not tight; each in [0, 1].
    let scored = result
        .outcomes
        .iter()
        .filter(|o| {
            let t = o.truth.as_ref().unwrap();
            t.cut_edges.is_empty() && !t.tight_crop
        })
        .count();
    assert_eq!(result.quad_iou.cases, scored);
    assert!(scored >= 2 * (catalogue.len() - 9));
    for o in &result.outcomes {
        if let Some(iou) = o.iou {
            assert!((0.0..=1.0).contains(&iou), "{}: {iou}", o.case.label);
        }
    }
    for v in [result.quad_iou.median, result.quad_iou.p10]
        .into_iter()
        .flatten()
    {
        assert!((0.0..=1.0).contains(&v));
    }

    // The reports render.
    let md = result.to_markdown();
    for c in Check::ALL {
        assert!(md.contains(&format!("`{}`", c.code())), "{}", c.code());
    }
    assert!(md.contains("| `good` |"));
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json["outcomes"].as_array().unwrap().len(), cases.len());
}

#[test]
fn real_specimens_never_crash() {
    let Some(dir) = common::shared_data() else {
        return;
    };
    let policy = Policy::for_class(DocumentClass::IdCard);
    let real = eval::real_documents(&dir, &policy).expect("labels present");
    for set in [&real.documents, &real.faces].into_iter().flatten() {
        assert_eq!(set.rows.len(), set.files);
        let bad: Vec<_> = set
            .rows
            .iter()
            .filter(|r| {
                r.verdict == "crash"
                    || (r.verdict == "error"
                        && r.observed.error_code.as_deref() != Some("unsupported_format"))
            })
            .map(|r| format!("{}: {}", r.file, r.observed.summary()))
            .collect();
        assert!(bad.is_empty(), "{}: {bad:#?}", set.name);
    }
    assert!(real.to_markdown().contains("| file |"));
}
