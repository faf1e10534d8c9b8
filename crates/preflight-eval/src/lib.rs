//! The accuracy harness: how well the capture-quality checks (document quad, cut-off, tight
//! crop, background, glare, blur, exposure) do on labelled synthetic captures, and that real
//! specimens never crash them.
//!
//! ```no_run
//! use kyc_preflight::Policy;
//! use preflight_eval as eval;
//!
//! let cases = eval::synthetic_cases(1000..1004, 800, 600);
//! let result = eval::run(&cases, &Policy::default(), 0);
//! println!("{}", result.to_markdown());
//! ```
//!
//! Seeds [`TUNING_SEEDS`] (0..1000) are for tuning thresholds; seeds from [`HELD_OUT_START`]
//! (1000) on are held out and never tuned on, so numbers measured there are honest.
//!
//! The harness reads each [`Report`] through its JSON form (finding codes as strings,
//! `metrics.document.quad`), so it depends only on the report contract of SPEC §4, not on
//! the Rust types behind it.

pub mod labels;

use kyc_preflight::{FindingCode, Policy, Report};
use preflight_synth::{self as synth, Background, DocKind, Strength, SynthSpec, Truth, Variant};
use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Seeds thresholds may be tuned on.
pub const TUNING_SEEDS: Range<u64> = 0..1000;

/// The first held-out seed: seeds from here on are never tuned on.
pub const HELD_OUT_START: u64 = 1000;

/// EXIF orientation tags the synthetic cases cycle through (with the seed and the variant),
/// so every check also runs behind the EXIF orientation stage.
pub const ORIENTATIONS: [u16; 4] = [1, 6, 8, 3];

// ============================================================================
// What is expected
// ============================================================================

/// A capture-quality check, named by its finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// `document_not_found`
    DocumentNotFound,
    /// `document_cut_off`
    DocumentCutOff,
    /// `tightly_cropped`
    TightlyCropped,
    /// `too_much_background`
    TooMuchBackground,
    /// `white_background`
    WhiteBackground,
    /// `wrong_orientation`
    WrongOrientation,
    /// `glare`
    Glare,
    /// `blurry`
    Blurry,
    /// `too_dark`
    TooDark,
    /// `overexposed`
    Overexposed,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 10] = [
        Check::DocumentNotFound,
        Check::DocumentCutOff,
        Check::TightlyCropped,
        Check::TooMuchBackground,
        Check::WhiteBackground,
        Check::WrongOrientation,
        Check::Glare,
        Check::Blurry,
        Check::TooDark,
        Check::Overexposed,
    ];

    /// The finding this check reports.
    pub fn finding(self) -> FindingCode {
        match self {
            Check::DocumentNotFound => FindingCode::DocumentNotFound,
            Check::DocumentCutOff => FindingCode::DocumentCutOff,
            Check::TightlyCropped => FindingCode::TightlyCropped,
            Check::TooMuchBackground => FindingCode::TooMuchBackground,
            Check::WhiteBackground => FindingCode::WhiteBackground,
            Check::WrongOrientation => FindingCode::WrongOrientation,
            Check::Glare => FindingCode::Glare,
            Check::Blurry => FindingCode::Blurry,
            Check::TooDark => FindingCode::TooDark,
            Check::Overexposed => FindingCode::Overexposed,
        }
    }

    /// The finding code this check reports (its JSON spelling).
    pub fn code(self) -> &'static str {
        self.finding().as_str()
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What a case expects of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The check must report its finding.
    Positive,
    /// The check must stay silent.
    Negative,
    /// Either is acceptable; the case is left out of this check's counts.
    DontCare,
}

impl Expect {
    /// `positive`, `negative` or `don't care`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Positive => "positive",
            Expect::Negative => "negative",
            Expect::DontCare => "don't care",
        }
    }
}

/// What one case expects of every check, plus the frame edges a cut-off must name.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    per_check: [Expect; Check::ALL.len()],
    /// Frame edges (`left`, `top`, `right`, `bottom`) the `document_cut_off` finding must
    /// list: the truth's `cut_edges` (empty unless the cut-off check is positive).
    pub cut_edges: Vec<String>,
}

impl Expected {
    /// The expectations of a labelled variant:
    ///
    /// | variant | positive | don't care |
    /// |---|---|---|
    /// | `good`, `cluttered`, `tilted_*` | — | — |
    /// | `cut_off_*` | `document_cut_off` (edges = `Truth::cut_edges`) | `tightly_cropped`, `too_much_background`, `document_not_found` |
    /// | `tight` | `tightly_cropped` | `document_cut_off` |
    /// | `tiny_document` | `too_much_background` | `document_not_found` |
    /// | `glare_*` | `glare` | — |
    /// | `defocus_`/`motion_` `moderate`, `severe` | `blurry` | — |
    /// | `defocus_mild`, `motion_mild` | — | `blurry` |
    /// | `dark` | `too_dark` | `document_not_found` |
    /// | `overexposed` | `overexposed` | `glare`, `document_not_found` |
    /// | `white_surface` | `white_background` | `document_not_found` |
    ///
    /// Every other (check, variant) pair is negative. [`Expected::refine`] adjusts this with
    /// the rendered truth.
    pub fn for_variant(variant: Variant) -> Expected {
        use Check as C;
        let (positive, dont_care): (&[Check], &[Check]) = match variant {
            Variant::Good | Variant::Cluttered | Variant::Tilted(_) => (&[], &[]),
            Variant::CutOff(_) => (
                &[C::DocumentCutOff],
                &[C::TightlyCropped, C::TooMuchBackground, C::DocumentNotFound],
            ),
            Variant::Tight => (&[C::TightlyCropped], &[C::DocumentCutOff]),
            Variant::TinyDocument => (&[C::TooMuchBackground], &[C::DocumentNotFound]),
            Variant::Glare(_) => (&[C::Glare], &[]),
            Variant::Defocus(Strength::Mild) | Variant::Motion(Strength::Mild) => {
                (&[], &[C::Blurry])
            }
            Variant::Defocus(_) | Variant::Motion(_) => (&[C::Blurry], &[]),
            Variant::Dark => (&[C::TooDark], &[C::DocumentNotFound]),
            Variant::Overexposed => (&[C::Overexposed], &[C::Glare, C::DocumentNotFound]),
            Variant::WhiteSurface => (&[C::WhiteBackground], &[C::DocumentNotFound]),
        };
        let mut per_check = [Expect::Negative; Check::ALL.len()];
        for c in positive {
            per_check[c.index()] = Expect::Positive;
        }
        for c in dont_care {
            per_check[c.index()] = Expect::DontCare;
        }
        let cut_edges = match variant {
            Variant::CutOff(side) => side.edges().iter().map(|e| e.to_string()).collect(),
            _ => Vec::new(),
        };
        Expected {
            per_check,
            cut_edges,
        }
    }

    /// Adjust the expectations with what was actually rendered: the cut-off edges become the
    /// truth's `cut_edges` (the generator's placement is authoritative), and
    /// `white_background` is don't-care for any variant other than `white_surface` that
    /// happened to be rendered on the white surface (the nuisance factors pick it at random).
    pub fn refine(&mut self, truth: &Truth) {
        if self.get(Check::DocumentCutOff) == Expect::Positive {
            self.cut_edges = canonical_edges(truth.cut_edges.iter().map(String::as_str));
        }
        if truth.background == Background::White
            && !truth.tight_crop
            && self.get(Check::WhiteBackground) == Expect::Negative
        {
            self.per_check[Check::WhiteBackground.index()] = Expect::DontCare;
        }
    }

    /// What this case expects of `check`.
    pub fn get(&self, check: Check) -> Expect {
        self.per_check[check.index()]
    }

    /// The checks this case is positive for.
    pub fn positives(&self) -> impl Iterator<Item = Check> + '_ {
        Check::ALL
            .into_iter()
            .filter(|c| self.get(*c) == Expect::Positive)
    }
}

impl Serialize for Expected {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Check::ALL.len() + 1))?;
        for c in Check::ALL {
            map.serialize_entry(c.code(), &self.get(c))?;
        }
        map.serialize_entry("cut_edges", &self.cut_edges)?;
        map.end()
    }
}

/// Edges in the canonical order left, top, right, bottom, without duplicates.
fn canonical_edges<'a>(edges: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let edges: Vec<&str> = edges.into_iter().collect();
    ["left", "top", "right", "bottom"]
        .into_iter()
        .filter(|e| edges.contains(e))
        .map(String::from)
        .collect()
}

/// One labelled synthetic case, before it is rendered.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// The variant's label (`good`, `cut_off_top_left`, `tilted_30`, ...).
    pub label: String,
    /// The seed handed to [`SynthSpec::variant_sized`].
    pub seed: u64,
    /// The variant.
    #[serde(skip)]
    pub variant: Variant,
    /// What every check should report (refined with the truth once rendered).
    pub expected: Expected,
}

/// Every catalogued variant ([`Variant::catalogue`]) for every seed, at `width` x `height`
/// (upright). The EXIF orientation cycles through [`ORIENTATIONS`] with seed + variant index,
/// so four consecutive seeds give every variant every orientation. The captures are rendered
/// later, inside [`run`]'s workers.
pub fn synthetic_cases(seeds: Range<u64>, width: u32, height: u32) -> Vec<(Case, SynthSpec)> {
    let catalogue = Variant::catalogue();
    let mut cases = Vec::with_capacity(catalogue.len() * seeds.clone().count());
    for seed in seeds {
        for (i, &variant) in catalogue.iter().enumerate() {
            let mut spec = SynthSpec::variant_sized(seed, variant, width, height);
            spec.orientation =
                ORIENTATIONS[((seed + i as u64) % ORIENTATIONS.len() as u64) as usize];
            let case = Case {
                label: variant.label(),
                seed,
                variant,
                expected: Expected::for_variant(variant),
            };
            cases.push((case, spec));
        }
    }
    cases
}

// ============================================================================
// What was found
// ============================================================================

/// One finding as read from the report's JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// Finding code.
    pub code: String,
    /// `info`, `warn` or `reject`.
    pub severity: String,
    /// Frame edges (cut-off).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edges: Vec<String>,
}

/// What a report said, read through its JSON form (independent of the Rust types).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Observed {
    /// `pass`, `warn`, `reject` or `error`.
    pub verdict: String,
    /// `code: message` when the verdict is `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The error code alone, when the verdict is `error`.
    #[serde(skip)]
    pub error_code: Option<String>,
    /// Every finding.
    pub findings: Vec<Found>,
    /// `metrics.document.quad`, if reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quad: Option<[[f64; 2]; 4]>,
    /// Upright image size, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<(u32, u32)>,
    /// `metrics.blur_effect`, if reported (the score behind `blurry`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blur_effect: Option<f64>,
}

impl Observed {
    /// Read a report.
    pub fn from_report(report: &Report) -> Observed {
        let v = serde_json::to_value(report).unwrap_or(Value::Null);
        Self::from_json(&v)
    }

    /// Read a report's JSON form.
    pub fn from_json(v: &Value) -> Observed {
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let findings = v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| Found {
                        code: s(&f["code"]),
                        severity: s(&f["severity"]),
                        edges: f["edges"]
                            .as_array()
                            .map(|e| e.iter().map(s).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let quad = v["metrics"]["document"]["quad"].as_array().and_then(|pts| {
            let mut q = [[0.0; 2]; 4];
            if pts.len() != 4 {
                return None;
            }
            for (dst, p) in q.iter_mut().zip(pts) {
                *dst = [p[0].as_f64()?, p[1].as_f64()?];
            }
            Some(q)
        });
        let size = match (v["image"]["width"].as_u64(), v["image"]["height"].as_u64()) {
            (Some(w), Some(h)) => Some((w as u32, h as u32)),
            _ => None,
        };
        let error_code = v["error"]["code"].as_str().map(String::from);
        Observed {
            verdict: s(&v["verdict"]),
            error: error_code
                .as_ref()
                .map(|c| format!("{c}: {}", s(&v["error"]["message"]))),
            error_code,
            findings,
            quad,
            size,
            blur_effect: v["metrics"]["blur_effect"].as_f64(),
        }
    }

    /// An observation for an input that could not be evaluated at all.
    fn failed(code: &str, message: String) -> Observed {
        Observed {
            verdict: "error".into(),
            error: Some(format!("{code}: {message}")),
            error_code: Some(code.into()),
            ..Observed::default()
        }
    }

    /// True when a finding with `code` was reported at warn or reject severity.
    pub fn has(&self, code: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.code == code && f.severity != "info")
    }

    /// True when a finding with `code` was reported at reject severity.
    pub fn rejects_for(&self, code: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.code == code && f.severity == "reject")
    }

    /// True when any finding has reject severity.
    pub fn rejects(&self) -> bool {
        self.findings.iter().any(|f| f.severity == "reject")
    }

    /// True when the input could not be evaluated.
    pub fn is_error(&self) -> bool {
        self.verdict == "error"
    }

    /// The edges named by the `document_cut_off` finding(s), canonical order.
    pub fn cut_edges(&self) -> Vec<String> {
        canonical_edges(
            self.findings
                .iter()
                .filter(|f| f.code == Check::DocumentCutOff.code())
                .flat_map(|f| f.edges.iter().map(String::as_str)),
        )
    }

    /// The warn and reject findings, e.g. `glare(reject), file_too_small(warn)`, or the error.
    pub fn summary(&self) -> String {
        if let Some(e) = &self.error {
            return format!("error {e}");
        }
        let parts: Vec<String> = self
            .findings
            .iter()
            .filter(|f| f.severity != "info")
            .map(|f| {
                if f.edges.is_empty() {
                    format!("{}({})", f.code, f.severity)
                } else {
                    format!("{}({}; {})", f.code, f.severity, f.edges.join("+"))
                }
            })
            .collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }
}

// ============================================================================
// Polygon IoU
// ============================================================================

/// Intersection over union of two polygons given by their vertices (any order of winding).
/// Each polygon is replaced by its convex hull (a detected quad is convex; a crossed or
/// dented one is scored by its hull), then intersected by Sutherland–Hodgman clipping.
/// Degenerate polygons (no area) and non-finite coordinates give 0. The result is in [0, 1].
pub fn polygon_iou(a: &[[f64; 2]], b: &[[f64; 2]]) -> f64 {
    if a.iter().chain(b).flatten().any(|c| !c.is_finite()) {
        return 0.0;
    }
    let (ha, hb) = (convex_hull(a), convex_hull(b));
    let (area_a, area_b) = (polygon_area(&ha), polygon_area(&hb));
    let eps = 1e-12 * (area_a + area_b).max(1.0);
    if area_a <= eps || area_b <= eps {
        return 0.0;
    }
    let inter = polygon_area(&clip_convex(&ha, &hb));
    let union = area_a + area_b - inter;
    if union <= 0.0 {
        return 0.0;
    }
    (inter / union).clamp(0.0, 1.0)
}

/// Signed-area-free shoelace area (absolute).
fn polygon_area(p: &[[f64; 2]]) -> f64 {
    if p.len() < 3 {
        return 0.0;
    }
    let mut a = 0.0;
    for i in 0..p.len() {
        let (q, r) = (p[i], p[(i + 1) % p.len()]);
        a += q[0] * r[1] - r[0] * q[1];
    }
    (0.5 * a).abs()
}

fn cross(o: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/// Counter-clockwise convex hull (Andrew's monotone chain), collinear points dropped.
fn convex_hull(points: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut p = points.to_vec();
    p.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    p.dedup();
    if p.len() < 3 {
        return p;
    }
    let mut hull: Vec<[f64; 2]> = Vec::with_capacity(2 * p.len());
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &[f64; 2]>> = if pass == 0 {
            Box::new(p.iter())
        } else {
            Box::new(p.iter().rev())
        };
        for &pt in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], pt) <= 0.0
            {
                hull.pop();
            }
            hull.push(pt);
        }
        hull.pop(); // the last point starts the other chain
    }
    hull
}

/// Sutherland–Hodgman: `subject` clipped by the convex counter-clockwise polygon `clip`.
fn clip_convex(subject: &[[f64; 2]], clip: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut out = subject.to_vec();
    for i in 0..clip.len() {
        if out.is_empty() {
            break;
        }
        let (a, b) = (clip[i], clip[(i + 1) % clip.len()]);
        let input = std::mem::take(&mut out);
        let inside = |p: [f64; 2]| cross(a, b, p) >= 0.0;
        let intersect = |p: [f64; 2], q: [f64; 2]| {
            let (cp, cq) = (cross(a, b, p), cross(a, b, q));
            let t = cp / (cp - cq);
            [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]
        };
        for j in 0..input.len() {
            let (p, q) = (input[j], input[(j + 1) % input.len()]);
            match (inside(p), inside(q)) {
                (true, true) => out.push(q),
                (true, false) => out.push(intersect(p, q)),
                (false, true) => {
                    out.push(intersect(p, q));
                    out.push(q);
                }
                (false, false) => {}
            }
        }
    }
    out
}

// ============================================================================
// Running the synthetic cases
// ============================================================================

/// One evaluated synthetic case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseOutcome {
    /// The case (its expectations refined with the truth).
    #[serde(flatten)]
    pub case: Case,
    /// EXIF orientation tag the capture was stored with.
    pub orientation: u16,
    /// Document kind rendered.
    pub doc: DocKind,
    /// Frame size requested (upright).
    pub frame: (u32, u32),
    /// The rendered ground truth (`None` only when rendering itself failed).
    pub truth: Option<Truth>,
    /// What the report said.
    pub observed: Observed,
    /// IoU of the reported quad with the truth quad, for cases whose document lies fully
    /// inside the frame and is not a tight crop (a missing quad scores 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iou: Option<f64>,
    /// Wall time of [`check`](kyc_preflight::check), in milliseconds (rendering not included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_ms: Option<f64>,
}

/// Check `data` with the worker's scratch buffers (`batch::check_isolated`: a panic becomes
/// an `internal_error` report). Returns the observation and the time `check` took (`None`
/// after a panic).
fn check_isolated(data: &[u8], path: &str, policy: &Policy) -> (Observed, Option<f64>) {
    let started = Instant::now();
    let report = kyc_preflight::check_isolated(data, path, policy);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let panicked = report
        .error
        .as_ref()
        .is_some_and(|e| e.code == kyc_preflight::ErrorKind::InternalError.code());
    (Observed::from_report(&report), (!panicked).then_some(ms))
}

fn evaluate_case(case: &Case, spec: &SynthSpec, policy: &Policy) -> CaseOutcome {
    let mut case = case.clone();
    let mut outcome = CaseOutcome {
        case: case.clone(),
        orientation: spec.orientation,
        doc: spec.doc,
        frame: (spec.width, spec.height),
        truth: None,
        observed: Observed::default(),
        iou: None,
        check_ms: None,
    };
    let rendered = catch_unwind(AssertUnwindSafe(|| {
        let capture = synth::render(spec);
        (capture.jpeg, capture.truth)
    }));
    let (jpeg, truth) = match rendered {
        Ok(r) => r,
        Err(panic) => {
            let msg = format!(
                "the generator panicked: {}",
                kyc_preflight::internal::panic_message(&*panic)
            );
            outcome.observed = Observed::failed("render_failed", msg);
            return outcome;
        }
    };
    let path = format!("synth/{}-{}.jpg", case.label, case.seed);
    let (observed, ms) = check_isolated(&jpeg, &path, policy);
    drop(jpeg);
    case.expected.refine(&truth);
    if truth.cut_edges.is_empty() && !truth.tight_crop {
        let t = truth.quad.map(|p| [f64::from(p[0]), f64::from(p[1])]);
        outcome.iou = Some(observed.quad.map_or(0.0, |q| polygon_iou(&q, &t)));
    }
    outcome.case = case;
    outcome.truth = Some(truth);
    outcome.observed = observed;
    outcome.check_ms = ms;
    outcome
}

/// Render and check every case on `jobs` threads (0 = all cores) and score the results.
/// Each worker renders its own capture, so only one JPEG per thread is in memory.
pub fn run(cases: &[(Case, SynthSpec)], policy: &Policy, jobs: usize) -> EvalResult {
    run_with_progress(cases, policy, jobs, &|_, _| {})
}

/// [`run`], calling `progress(done, total)` after each case (from worker threads).
pub fn run_with_progress(
    cases: &[(Case, SynthSpec)],
    policy: &Policy,
    jobs: usize,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> EvalResult {
    let done = AtomicUsize::new(0);
    let total = cases.len();
    let work = || -> Vec<CaseOutcome> {
        cases
            .par_iter()
            .with_max_len(1)
            .map(|(case, spec)| {
                let outcome = evaluate_case(case, spec, policy);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                outcome
            })
            .collect()
    };
    let outcomes = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    };
    EvalResult::score(outcomes, policy.class.as_str(), jobs)
}

// ============================================================================
// Scoring
// ============================================================================

/// Counts and rates of one check over the synthetic cases (error cases left out).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckStats {
    /// The check's finding code.
    pub check: &'static str,
    /// Positive, reported.
    pub tp: usize,
    /// Negative, reported.
    pub fp: usize,
    /// Positive, not reported.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Negative, not reported.
    pub tn: usize,
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

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Linear-interpolated percentile `p` (0..=1) of `values`.
fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let pos = p.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

fn is_good(v: Variant) -> bool {
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
                        stats.tp += 1;
                        row.hits += 1;
                        row.positives += 1;
                    }
                    (Expect::Positive, false) => {
                        stats.fn_ += 1;
                        row.positives += 1;
                        failures.push(fail("missed", c.code(), Expect::Positive.as_str().into()));
                    }
                    (Expect::Negative, true) => {
                        stats.fp += 1;
                        row.false_flags += 1;
                        failures.push(fail(
                            "false_flag",
                            c.code(),
                            Expect::Negative.as_str().into(),
                        ));
                    }
                    (Expect::Negative, false) => stats.tn += 1,
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
            s.precision = ratio(s.tp, s.tp + s.fp);
            s.recall = ratio(s.tp, s.tp + s.fn_);
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

    /// The report as Markdown: per-check table, good-capture rejects, cut-off edges, quad
    /// IoU, timing, per-variant table and the failures grouped by variant and check.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let seeds = match self.seeds {
            Some((a, b)) => format!("seeds {a}..{}", b + 1),
            None => "no seeds".into(),
        };
        let held_out = match self.seeds {
            Some((a, _)) if a >= HELD_OUT_START => "held out",
            Some((_, b)) if b < HELD_OUT_START => "tuning range",
            Some(_) => "tuning and held-out ranges mixed",
            None => "-",
        };
        let _ = writeln!(s, "# Capture-quality evaluation\n");
        let _ = writeln!(
            s,
            "{} synthetic cases ({} variants, {seeds}, {held_out}), frame {}, class `{}`, \
             EXIF orientations {}. Not evaluated (errors): {}.\n",
            self.cases,
            self.variants,
            self.frames.join(", "),
            self.class,
            ORIENTATIONS.map(|o| o.to_string()).join("/"),
            self.errors
        );

        let _ = writeln!(s, "## Per check\n");
        let _ = writeln!(
            s,
            "| check | TP | FP | FN | TN | don't care | precision | recall | \
             rejects good | flags good |"
        );
        let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        for c in &self.checks {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                c.check,
                c.tp,
                c.fp,
                c.fn_,
                c.tn,
                c.dont_care,
                fmt3(c.precision),
                fmt3(c.recall),
                pct(c.good_reject_rate),
                pct(c.good_flag_rate)
            );
        }
        let _ = writeln!(
            s,
            "\nPrecision = TP/(TP+FP), recall = TP/(TP+FN), don't-care cases excluded; \
             — = undefined. A check counts as reported when its finding has warn or reject \
             severity. *rejects good* / *flags good*: share of good captures (`good`, \
             `cluttered`, `tilted_*`) with this finding at reject / at any severity.\n"
        );

        let g = &self.good;
        let _ = writeln!(s, "## False rejects on good captures\n");
        let _ = writeln!(
            s,
            "- {} good captures; **{}** ({}) got at least one reject finding of any code \
             (errors count as rejects); {} ({}) from the capture-quality checks alone.",
            g.cases,
            g.any_reject,
            pct(g.any_reject_rate),
            g.capture_reject,
            pct(g.capture_reject_rate)
        );
        let codes: Vec<String> = g
            .reject_codes
            .iter()
            .map(|(c, n)| format!("`{c}` {n}"))
            .collect();
        let _ = writeln!(
            s,
            "- Good captures per reject code: {}.{}\n",
            if codes.is_empty() {
                "none".into()
            } else {
                codes.join(", ")
            },
            if g.reject_codes.contains_key("resolution_too_low") {
                " (Frames below the class's minimum long side are all rejected by \
                 `resolution_too_low`; evaluate at 1600x1200 or larger.)"
            } else {
                ""
            }
        );

        let e = &self.cut_off_edges;
        let _ = writeln!(s, "## Cut-off edges\n");
        let per_edge: Vec<String> = ["left", "top", "right", "bottom"]
            .iter()
            .map(|k| {
                format!(
                    "{k} {}",
                    pct(e.per_edge_accuracy.get(*k).copied().flatten())
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "- {} cut-off cases; reported edges exactly right in {} ({}); cut-off reported \
             in {}, of which {} exactly right.\n- Per-edge agreement: {}.\n",
            e.cases,
            e.exact,
            pct(e.exact_rate),
            e.detected,
            pct(e.exact_among_detected),
            per_edge.join(", ")
        );

        let q = &self.quad_iou;
        let _ = writeln!(s, "## Document quad\n");
        let _ = writeln!(
            s,
            "- IoU with the true quad over {} cases (document fully in frame, not tight): \
             median **{}**, 10th percentile **{}**, mean {}; no quad reported in {} \
             (scored 0).\n",
            q.cases,
            fmt3(q.median),
            fmt3(q.p10),
            fmt3(q.mean),
            q.missing
        );

        let t = &self.time;
        let _ = writeln!(s, "## Time\n");
        let _ = writeln!(
            s,
            "- `check` per image (rendering not included, {} worker threads{}): median {} ms, \
             p90 {} ms, max {} ms over {} images.\n",
            t.jobs,
            if t.jobs == 0 { " = all cores" } else { "" },
            fmt1(t.median_ms),
            fmt1(t.p90_ms),
            fmt1(t.max_ms),
            t.cases
        );

        let _ = writeln!(s, "## Per variant\n");
        let _ = writeln!(
            s,
            "| variant | cases | pass | warn | reject | error | expected found | false flags | median IoU |"
        );
        let _ = writeln!(s, "|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        for r in &self.per_variant {
            let found = if r.positives == 0 {
                "—".to_string()
            } else {
                format!("{}/{}", r.hits, r.positives)
            };
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.variant,
                r.cases,
                r.pass,
                r.warn,
                r.reject,
                r.error,
                found,
                r.false_flags,
                fmt3(r.median_iou)
            );
        }

        let _ = writeln!(s, "\n## Failures\n");
        if self.failures.is_empty() {
            let _ = writeln!(s, "None.");
            return s;
        }
        // Grouped by (variant, kind, check); the JSON output lists every one.
        let mut groups: Vec<(String, &str, String, Vec<&Failure>)> = Vec::new();
        for f in &self.failures {
            match groups
                .iter_mut()
                .find(|g| g.0 == f.variant && g.1 == f.kind && g.2 == f.check)
            {
                Some(g) => g.3.push(f),
                None => groups.push((f.variant.clone(), f.kind, f.check.clone(), vec![f])),
            }
        }
        let _ = writeln!(
            s,
            "{} disagreements in {} groups (every one is in the JSON output). \
             Examples show seed/orientation and what was found.\n",
            self.failures.len(),
            groups.len()
        );
        let _ = writeln!(s, "| variant | kind | check | count | examples |");
        let _ = writeln!(s, "|---|---|---|--:|---|");
        for (variant, kind, check, list) in &groups {
            let examples: Vec<String> = list
                .iter()
                .take(3)
                .map(|f| {
                    format!(
                        "{}/o{}: {}",
                        f.seed,
                        f.orientation,
                        f.found.replace('|', "\\|")
                    )
                })
                .collect();
            let _ = writeln!(
                s,
                "| `{variant}` | {kind} | `{check}` | {} | {} |",
                list.len(),
                examples.join("; ")
            );
        }
        s
    }
}

fn fmt3(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.3}"))
}

fn fmt1(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.1}"))
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{:.1} %", 100.0 * x))
}

// ============================================================================
// Real specimens
// ============================================================================

/// One real file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealRow {
    /// Path relative to the data folder.
    pub file: String,
    /// A short description from the labels.
    pub label: String,
    /// What was expected of it.
    pub expectation: &'static str,
    /// Whether the expectation was met.
    pub met: bool,
    /// `pass`, `warn`, `reject`, `error`, or `crash` (a panic escaped `check`).
    pub verdict: String,
    /// What the report said.
    pub observed: Observed,
}

/// The results over one labels file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RealSet {
    /// `documents` or `faces`.
    pub name: &'static str,
    /// Rows in the labels file.
    pub files: usize,
    /// Panics caught (must be 0).
    pub crashed: usize,
    /// Error verdicts other than `unsupported_format` (must be 0).
    pub errors: usize,
    /// Files rejected as `unsupported_format` (acceptable: not an image we take).
    pub unsupported: usize,
    /// Files per finding code (warn or reject severity).
    pub codes: BTreeMap<String, usize>,
    /// Files labelled tightly cropped (documents).
    pub tight_labelled: usize,
    /// Of those, how many got `tightly_cropped` or `document_not_found`.
    pub tight_detected: usize,
    /// Files where `document_not_found` was reported.
    pub not_found: usize,
    /// Files where a document was claimed: a quad or a cut-off without `document_not_found`,
    /// or a `pass` verdict.
    pub claims_document: usize,
    /// Files whose expectation was met.
    pub met: usize,
    /// Every file.
    pub rows: Vec<RealRow>,
}

/// Real specimens from `../shared/data`: document scans and photos without documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RealResult {
    /// The data folder.
    pub dir: String,
    /// `documents/labels.csv`, if present.
    pub documents: Option<RealSet>,
    /// `faces/labels.csv`, if present.
    pub faces: Option<RealSet>,
    /// Why a set was skipped.
    pub skipped: Vec<String>,
}

/// Split CSV text into rows of fields (RFC 4180 quoting: `"a,b"`, `""` for a quote).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows.retain(|r| !(r.len() == 1 && r[0].is_empty()));
    rows
}

/// Rows as header → value maps.
fn read_labels(path: &Path) -> Result<Vec<BTreeMap<String, String>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut rows = parse_csv(&text).into_iter();
    let header = rows
        .next()
        .ok_or_else(|| format!("{}: empty", path.display()))?;
    Ok(rows
        .map(|r| header.iter().cloned().zip(r).collect())
        .collect())
}

/// What a real file is expected to do.
#[derive(Clone, Copy)]
enum RealExpect {
    /// Evaluated without error (an unsupported format is acceptable).
    NoCrash,
    /// Flat scan cropped to the document: `tightly_cropped` or `document_not_found`.
    TightOrNotFound,
    /// No document in the picture: no document claimed.
    NoDocument,
}

fn check_real(
    dir: &Path,
    name: &'static str,
    rows: &[BTreeMap<String, String>],
    policy: &Policy,
    classify: impl Fn(&BTreeMap<String, String>) -> (String, RealExpect),
) -> RealSet {
    let mut set = RealSet {
        name,
        files: rows.len(),
        ..RealSet::default()
    };
    for row in rows {
        let file = row.get("file").cloned().unwrap_or_default();
        let (label, expect) = classify(row);
        let path = dir.join(&file);
        let (observed, crashed) =
            match kyc_preflight::read_file(&path, policy.limits.max_input_bytes) {
                Ok(data) => {
                    let (obs, ms) = check_isolated(&data, &file, policy);
                    (obs, ms.is_none())
                }
                Err(e) => (Observed::failed(e.code(), e.message().to_string()), false),
            };
        let unsupported = observed.error_code.as_deref() == Some("unsupported_format");
        let failed = crashed || (observed.is_error() && !unsupported);
        set.crashed += usize::from(crashed);
        set.errors += usize::from(observed.is_error() && !unsupported && !crashed);
        set.unsupported += usize::from(unsupported);
        let mut codes: Vec<&str> = observed
            .findings
            .iter()
            .filter(|f| f.severity != "info")
            .map(|f| f.code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for c in codes {
            *set.codes.entry(c.to_string()).or_default() += 1;
        }
        let not_found = observed.has(Check::DocumentNotFound.code());
        let claims = !observed.is_error()
            && !not_found
            && (observed.quad.is_some()
                || observed.has(Check::DocumentCutOff.code())
                || observed.verdict == "pass");
        set.not_found += usize::from(not_found);
        set.claims_document += usize::from(claims);
        let tight_seen = observed.has(Check::TightlyCropped.code()) || not_found;
        let (expectation, met) = match expect {
            RealExpect::NoCrash => ("no crash", !failed),
            RealExpect::TightOrNotFound => {
                set.tight_labelled += 1;
                set.tight_detected += usize::from(tight_seen);
                ("tight crop / edges not visible", !failed && tight_seen)
            }
            RealExpect::NoDocument => ("no document claimed", !failed && !claims),
        };
        set.met += usize::from(met);
        set.rows.push(RealRow {
            file,
            label,
            expectation,
            met,
            verdict: if crashed {
                "crash".into()
            } else {
                observed.verdict.clone()
            },
            observed,
        });
    }
    set
}

/// Check the real specimens listed in `dir/documents/labels.csv` and `dir/faces/labels.csv`
/// (paths in the CSVs are relative to `dir`, normally `../shared/data`) with `policy`
/// (use the `id-card` class). Never fails on an image: a crash or an error is counted and
/// listed. Returns `Err(reason)` when `dir` or both labels files are absent; a single
/// missing labels file is recorded in `skipped`.
pub fn real_documents(dir: &Path, policy: &Policy) -> Result<RealResult, String> {
    if !dir.is_dir() {
        return Err(format!("{} is absent", dir.display()));
    }
    let mut result = RealResult {
        dir: dir.display().to_string(),
        ..RealResult::default()
    };
    let field = |row: &BTreeMap<String, String>, k: &str| row.get(k).cloned().unwrap_or_default();
    match read_labels(&dir.join("documents/labels.csv")) {
        Ok(rows) => {
            result.documents = Some(check_real(dir, "documents", &rows, policy, |row| {
                let doc_type = field(row, "doc_type");
                let tight = field(row, "tightly_cropped") == "1";
                let mut label = format!("{} {}", doc_type, field(row, "kind"));
                if tight {
                    label.push_str(", tight");
                }
                let expect = if tight {
                    RealExpect::TightOrNotFound
                } else if doc_type == "none" {
                    RealExpect::NoDocument
                } else {
                    RealExpect::NoCrash
                };
                (label, expect)
            }));
        }
        Err(e) => result.skipped.push(format!("documents: {e}")),
    }
    match read_labels(&dir.join("faces/labels.csv")) {
        Ok(rows) => {
            result.faces = Some(check_real(dir, "faces", &rows, policy, |row| {
                let n = field(row, "n_faces");
                let label = format!("{} face{}", n, if n == "1" { "" } else { "s" });
                (label, RealExpect::NoDocument)
            }));
        }
        Err(e) => result.skipped.push(format!("faces: {e}")),
    }
    if result.documents.is_none() && result.faces.is_none() {
        return Err(result.skipped.join("; "));
    }
    Ok(result)
}

impl RealResult {
    /// The real-specimen results as Markdown: a summary per set and a per-file table.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Real specimens (`{}`)\n", self.dir);
        for reason in &self.skipped {
            let _ = writeln!(s, "- skipped {reason}");
        }
        for set in [&self.documents, &self.faces].into_iter().flatten() {
            let _ = writeln!(s, "## {}\n", set.name);
            let codes: Vec<String> = set
                .codes
                .iter()
                .map(|(c, n)| format!("`{c}` {n}"))
                .collect();
            let _ = writeln!(
                s,
                "- {} files: **{} crashed**, **{} errors**, {} unsupported format; expectation \
                 met for {}/{}.",
                set.files, set.crashed, set.errors, set.unsupported, set.met, set.files
            );
            if set.tight_labelled > 0 {
                let _ = writeln!(
                    s,
                    "- labelled tightly cropped: {}; reported `tightly_cropped` or \
                     `document_not_found`: {} ({}).",
                    set.tight_labelled,
                    set.tight_detected,
                    pct(ratio(set.tight_detected, set.tight_labelled))
                );
            }
            let _ = writeln!(
                s,
                "- `document_not_found` in {} ({}); a document claimed (quad, cut-off or pass \
                 without `document_not_found`) in {} ({}).",
                set.not_found,
                pct(ratio(set.not_found, set.files)),
                set.claims_document,
                pct(ratio(set.claims_document, set.files))
            );
            let _ = writeln!(
                s,
                "- files per code: {}.\n",
                if codes.is_empty() {
                    "none".into()
                } else {
                    codes.join(", ")
                }
            );
            let _ = writeln!(
                s,
                "| file | label | size | verdict | found | expectation | met |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|---|---|");
            for r in &set.rows {
                let size = r
                    .observed
                    .size
                    .map_or_else(|| "—".into(), |(w, h)| format!("{w}x{h}"));
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    r.file,
                    r.label,
                    size,
                    r.verdict,
                    r.observed.summary().replace('|', "\\|"),
                    r.expectation,
                    if r.met { "yes" } else { "**no**" }
                );
            }
            let _ = writeln!(s);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_escapes() {
        let rows = parse_csv("a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n2,,\n");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], vec!["1", "x,y", "say \"hi\""]);
        assert_eq!(rows[2], vec!["2", "", ""]);
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(percentile(&v, 0.5), Some(2.5));
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 1.0), Some(4.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn expectations_follow_the_table() {
        use preflight_synth::{CutOff, GlareSize};
        let e = Expected::for_variant(Variant::CutOff(CutOff::TopLeft));
        assert_eq!(e.get(Check::DocumentCutOff), Expect::Positive);
        assert_eq!(e.get(Check::TightlyCropped), Expect::DontCare);
        assert_eq!(e.get(Check::Glare), Expect::Negative);
        assert_eq!(e.cut_edges, vec!["left", "top"]);
        let e = Expected::for_variant(Variant::Overexposed);
        assert_eq!(e.get(Check::Glare), Expect::DontCare);
        assert_eq!(e.positives().collect::<Vec<_>>(), vec![Check::Overexposed]);
        let e = Expected::for_variant(Variant::Motion(Strength::Mild));
        assert_eq!(e.get(Check::Blurry), Expect::DontCare);
        assert_eq!(e.positives().count(), 0);
        let e = Expected::for_variant(Variant::Glare(GlareSize::Small));
        assert_eq!(e.positives().collect::<Vec<_>>(), vec![Check::Glare]);
        for v in [Variant::Good, Variant::Cluttered, Variant::Tilted(30.0)] {
            let e = Expected::for_variant(v);
            assert!(Check::ALL.iter().all(|c| e.get(*c) == Expect::Negative));
        }
    }
}
