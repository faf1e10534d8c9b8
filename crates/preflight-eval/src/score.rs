//! Scoring the outcomes: per check, per variant, cut edges, IoU, good captures, time.

use super::*;

/// True and false positives and negatives of one check: the counts both the generator's
/// cases ([`CheckStats`]) and the labelled sets (`labels::CheckRow`) are scored on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Confusion {
    /// Positive, reported.
    pub tp: usize,
    /// Negative, reported.
    pub fp: usize,
    /// Positive, not reported.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Negative, not reported.
    pub tn: usize,
}

impl Confusion {
    /// Count one case that is `positive` (labelled or expected) and was `reported` or not.
    pub fn count(&mut self, positive: bool, reported: bool) {
        match (positive, reported) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }

    /// TP / (TP + FP); `None` when nothing was reported.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    /// TP / (TP + FN); `None` when no case is positive.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }
}

/// Counts and rates of one check over the synthetic cases (error cases left out).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckStats {
    /// The check's finding code.
    pub check: &'static str,
    /// The counts.
    #[serde(flatten)]
    pub counts: Confusion,
    /// Cases left out as don't-care.
    pub dont_care: usize,
    /// TP / (TP + FP); `None` when nothing was reported.
    pub precision: Option<f64>,
    /// TP / (TP + FN); `None` when no case is positive.
    pub recall: Option<f64>,
    /// Share of good captures with this finding at reject severity.
    pub good_reject_rate: Option<f64>,
    /// Share of good captures with this finding at any (warn or reject) severity.
    pub good_flag_rate: Option<f64>,
}

/// How often good captures (`good`, `cluttered`, `tilted_*`) are rejected.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GoodStats {
    /// Good captures evaluated.
    pub cases: usize,
    /// Those with at least one reject finding of any code (an error counts as a reject).
    pub any_reject: usize,
    /// `any_reject / cases`.
    pub any_reject_rate: Option<f64>,
    /// Those with a reject finding from one of the capture-quality checks ([`Check`]).
    pub capture_reject: usize,
    /// `capture_reject / cases`.
    pub capture_reject_rate: Option<f64>,
    /// Good captures per reject finding code (`error` for error verdicts).
    pub reject_codes: BTreeMap<String, usize>,
}

/// Whether `document_cut_off` names the right frame edges.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EdgeStats {
    /// Cases positive for cut-off.
    pub cases: usize,
    /// Those whose reported edges equal the expected edges exactly.
    pub exact: usize,
    /// `exact / cases`.
    pub exact_rate: Option<f64>,
    /// Cases where cut-off was reported at all.
    pub detected: usize,
    /// `exact / detected`.
    pub exact_among_detected: Option<f64>,
    /// Per edge (left, top, right, bottom): share of positive cases where the edge's presence
    /// in the report agrees with the truth.
    pub per_edge_accuracy: BTreeMap<String, Option<f64>>,
}

/// Quad IoU over the cases whose document lies fully inside the frame (not tight).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IouStats {
    /// Cases scored.
    pub cases: usize,
    /// Those without a reported quad (scored 0).
    pub missing: usize,
    /// Median IoU.
    pub median: Option<f64>,
    /// 10th percentile IoU.
    pub p10: Option<f64>,
    /// Mean IoU.
    pub mean: Option<f64>,
}

/// Wall time of `check` per image.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TimeStats {
    /// Images timed.
    pub cases: usize,
    /// Worker threads used (0 = all cores).
    pub jobs: usize,
    /// Median ms.
    pub median_ms: Option<f64>,
    /// 90th percentile ms.
    pub p90_ms: Option<f64>,
    /// Slowest ms.
    pub max_ms: Option<f64>,
}

/// Per-variant summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VariantRow {
    /// Variant label.
    pub variant: String,
    /// Cases.
    pub cases: usize,
    /// Verdict `pass`.
    pub pass: usize,
    /// Verdict `warn`.
    pub warn: usize,
    /// Verdict `reject`.
    pub reject: usize,
    /// Verdict `error`.
    pub error: usize,
    /// Expected positives reported (TP).
    pub hits: usize,
    /// Expected positives (TP + FN).
    pub positives: usize,
    /// Findings of checks expected negative (FP).
    pub false_flags: usize,
    /// Median quad IoU, when scored.
    pub median_iou: Option<f64>,
}

/// One disagreement with the expectations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// Variant label.
    pub variant: String,
    /// Seed.
    pub seed: u64,
    /// EXIF orientation tag of the capture.
    pub orientation: u16,
    /// `missed` (FN), `false_flag` (FP), `wrong_edges` or `error`.
    pub kind: &'static str,
    /// The check concerned (`-` for errors).
    pub check: String,
    /// What was expected.
    pub expected: String,
    /// What the report said (warn and reject findings, or the error).
    pub found: String,
}

/// The scored evaluation of the synthetic cases.
#[derive(Debug, Clone, Serialize)]
pub struct EvalResult {
    /// Document class of the policy used.
    pub class: &'static str,
    /// Cases evaluated.
    pub cases: usize,
    /// Distinct variants.
    pub variants: usize,
    /// Seed range covered (`first..=last`).
    pub seeds: Option<(u64, u64)>,
    /// Distinct requested frame sizes, `WxH`.
    pub frames: Vec<String>,
    /// Cases that could not be evaluated (error verdict or panic); left out of the counts.
    pub errors: usize,
    /// Per check.
    pub checks: Vec<CheckStats>,
    /// Good captures.
    pub good: GoodStats,
    /// Cut-off edges.
    pub cut_off_edges: EdgeStats,
    /// Quad IoU.
    pub quad_iou: IouStats,
    /// Time per `check`.
    pub time: TimeStats,
    /// Per variant, in catalogue order.
    pub per_variant: Vec<VariantRow>,
    /// Every disagreement.
    pub failures: Vec<Failure>,
    /// Every case in full.
    pub outcomes: Vec<CaseOutcome>,
}

pub(crate) fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Linear-interpolated percentile `p` (0..=1) of `values`.
pub(crate) fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let pos = p.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

pub(crate) fn is_good(v: Variant) -> bool {
    matches!(v, Variant::Good | Variant::Cluttered | Variant::Tilted(_))
}

impl EvalResult {
    /// Score evaluated cases. `class` and `jobs` are recorded for the report.
    pub fn score(outcomes: Vec<CaseOutcome>, class: &'static str, jobs: usize) -> EvalResult {
        let mut checks: Vec<CheckStats> = Check::ALL
            .iter()
            .map(|c| CheckStats {
                check: c.code(),
                ..CheckStats::default()
            })
            .collect();
        let mut good = GoodStats::default();
        let mut good_reject = [0usize; Check::ALL.len()];
        let mut good_flag = [0usize; Check::ALL.len()];
        let mut edges = EdgeStats::default();
        let mut edge_agree = [0usize; 4];
        let mut ious = Vec::new();
        let mut missing_quads = 0;
        let mut times = Vec::new();
        let mut failures = Vec::new();
        let mut per_variant: Vec<VariantRow> = Vec::new();
        let mut variant_ious: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        let mut errors = 0;
        let mut frames: Vec<String> = Vec::new();
        let mut seeds: Option<(u64, u64)> = None;

        for o in &outcomes {
            let case = &o.case;
            let obs = &o.observed;
            let frame = format!("{}x{}", o.frame.0, o.frame.1);
            if !frames.contains(&frame) {
                frames.push(frame);
            }
            seeds = Some(match seeds {
                None => (case.seed, case.seed),
                Some((a, b)) => (a.min(case.seed), b.max(case.seed)),
            });
            let row_ix = match per_variant.iter().position(|r| r.variant == case.label) {
                Some(i) => i,
                None => {
                    per_variant.push(VariantRow {
                        variant: case.label.clone(),
                        ..VariantRow::default()
                    });
                    per_variant.len() - 1
                }
            };
            let row = &mut per_variant[row_ix];
            row.cases += 1;
            match obs.verdict.as_str() {
                "pass" => row.pass += 1,
                "warn" => row.warn += 1,
                "reject" => row.reject += 1,
                _ => row.error += 1,
            }
            if let Some(iou) = o.iou {
                ious.push(iou);
                variant_ious
                    .entry(case.label.clone())
                    .or_default()
                    .push(iou);
                if obs.quad.is_none() {
                    missing_quads += 1;
                }
            }
            let fail = |kind, check: &str, expected: String| Failure {
                variant: case.label.clone(),
                seed: case.seed,
                orientation: o.orientation,
                kind,
                check: check.to_string(),
                expected,
                found: obs.summary(),
            };
            if is_good(case.variant) {
                good.cases += 1;
                let capture_reject = Check::ALL.iter().any(|c| obs.rejects_for(c.code()));
                if obs.rejects() || obs.is_error() {
                    good.any_reject += 1;
                }
                let mut codes: Vec<&str> = obs
                    .findings
                    .iter()
                    .filter(|f| f.severity == "reject")
                    .map(|f| f.code.as_str())
                    .collect();
                if obs.is_error() {
                    codes.push("error");
                }
                codes.sort_unstable();
                codes.dedup();
                for c in codes {
                    *good.reject_codes.entry(c.to_string()).or_default() += 1;
                }
                if capture_reject {
                    good.capture_reject += 1;
                }
                for c in Check::ALL {
                    good_reject[c.index()] += usize::from(obs.rejects_for(c.code()));
                    good_flag[c.index()] += usize::from(obs.has(c.code()));
                }
            }
            if obs.is_error() {
                errors += 1;
                failures.push(fail("error", "-", "an evaluated report".into()));
                continue;
            }
            if let Some(ms) = o.check_ms {
                times.push(ms);
            }
            for c in Check::ALL {
                let stats = &mut checks[c.index()];
                let found = obs.has(c.code());
                match (case.expected.get(c), found) {
                    (Expect::Positive, true) => {
                        stats.counts.count(true, true);
                        row.hits += 1;
                        row.positives += 1;
                    }
                    (Expect::Positive, false) => {
                        stats.counts.count(true, false);
                        row.positives += 1;
                        failures.push(fail("missed", c.code(), Expect::Positive.as_str().into()));
                    }
                    (Expect::Negative, true) => {
                        stats.counts.count(false, true);
                        row.false_flags += 1;
                        failures.push(fail(
                            "false_flag",
                            c.code(),
                            Expect::Negative.as_str().into(),
                        ));
                    }
                    (Expect::Negative, false) => stats.counts.count(false, false),
                    (Expect::DontCare, _) => stats.dont_care += 1,
                }
            }
            if case.expected.get(Check::DocumentCutOff) == Expect::Positive {
                let want = &case.expected.cut_edges;
                let got = obs.cut_edges();
                edges.cases += 1;
                let detected = obs.has(Check::DocumentCutOff.code());
                edges.detected += usize::from(detected);
                if &got == want {
                    edges.exact += 1;
                } else if detected {
                    failures.push(fail(
                        "wrong_edges",
                        Check::DocumentCutOff.code(),
                        format!("edges {}", want.join("+")),
                    ));
                }
                for (i, e) in ["left", "top", "right", "bottom"].iter().enumerate() {
                    let w = want.iter().any(|x| x == e);
                    let g = got.iter().any(|x| x == e);
                    edge_agree[i] += usize::from(w == g);
                }
            }
        }

        for s in &mut checks {
            s.precision = s.counts.precision();
            s.recall = s.counts.recall();
        }
        for c in Check::ALL {
            checks[c.index()].good_reject_rate = ratio(good_reject[c.index()], good.cases);
            checks[c.index()].good_flag_rate = ratio(good_flag[c.index()], good.cases);
        }
        good.any_reject_rate = ratio(good.any_reject, good.cases);
        good.capture_reject_rate = ratio(good.capture_reject, good.cases);
        edges.exact_rate = ratio(edges.exact, edges.cases);
        edges.exact_among_detected = ratio(edges.exact, edges.detected);
        edges.per_edge_accuracy = ["left", "top", "right", "bottom"]
            .iter()
            .zip(edge_agree)
            .map(|(e, n)| (e.to_string(), ratio(n, edges.cases)))
            .collect();
        for row in &mut per_variant {
            row.median_iou = variant_ious
                .get(&row.variant)
                .and_then(|v| percentile(v, 0.5));
        }
        let quad_iou = IouStats {
            cases: ious.len(),
            missing: missing_quads,
            median: percentile(&ious, 0.5),
            p10: percentile(&ious, 0.1),
            mean: (!ious.is_empty()).then(|| ious.iter().sum::<f64>() / ious.len() as f64),
        };
        let time = TimeStats {
            cases: times.len(),
            jobs,
            median_ms: percentile(&times, 0.5),
            p90_ms: percentile(&times, 0.9),
            max_ms: percentile(&times, 1.0),
        };
        EvalResult {
            class,
            cases: outcomes.len(),
            variants: per_variant.len(),
            seeds,
            frames,
            errors,
            checks,
            good,
            cut_off_edges: edges,
            quad_iou,
            time,
            per_variant,
            failures,
            outcomes,
        }
    }
}
