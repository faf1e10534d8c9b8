//! Rendering and checking the synthetic cases, each isolated against panics.

use super::*;

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
pub(crate) fn check_isolated(data: &[u8], path: &str, policy: &Policy) -> (Observed, Option<f64>) {
    let started = Instant::now();
    let report = kyc_preflight::check_isolated(data, path, policy);
    let ms = started.elapsed().as_secs_f64() * 1e3;
    let panicked = report
        .error
        .as_ref()
        .is_some_and(|e| e.code == kyc_preflight::ErrorKind::InternalError.code());
    (Observed::from_report(&report), (!panicked).then_some(ms))
}

pub(crate) fn evaluate_case(case: &Case, spec: &SynthSpec, policy: &Policy) -> CaseOutcome {
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
    // The generator draws its portraits, which no face detector takes for a face: the
    // search would flag every case and cost ~50 ms each (`Check::PortraitNotFound`). It
    // draws its MRZ in a 5 × 3 bitmap font with random check digits, which the OCR-B reader
    // rightly does not take for a zone: the MRZ is scored on the labelled sets.
    let policy = &Policy {
        faces: false,
        mrz: false,
        ..policy.clone()
    };
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
