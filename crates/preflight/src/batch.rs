//! Many inputs on all cores: parallel across files (never inside one image), one reused
//! [`Scratch`] per worker thread, a panic in one input isolated to that input's report,
//! and reports delivered in input order as soon as they are ready.

use crate::codec::Scratch;
use crate::error::{Error, ErrorKind};
use crate::pipeline::{self, Fixed};
use crate::policy::Policy;
use crate::report::Report;
use crate::sources::{self, Source};
use rayon::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Evaluate one input with this thread's scratch buffers, turning a panic into an
/// `internal_error` report. With `annotate`, also write `<DIR>/<index>-<name>.png`.
pub fn check_source(source: &Source, policy: &Policy, annotate: Option<(&Path, usize)>) -> Report {
    let path = source.display();
    isolate(&path, policy, || {
        let data = match sources::read(source, policy.limits.max_input_bytes) {
            Ok(d) => d,
            Err(e) => return Report::new(path.clone(), policy.class).fail(&e),
        };
        let report = SCRATCH.with(|s| pipeline::check(&data, &path, policy, &mut s.borrow_mut()));
        if let Some((dir, index)) = annotate {
            if report.verdict != crate::report::Verdict::Error {
                write_annotation(dir, index, &path, &data, &report, policy);
            }
        }
        report
    })
}

/// [`pipeline::check`] with this thread's scratch buffers, a panic isolated to the report.
pub fn check_isolated(data: &[u8], path: &str, policy: &Policy) -> Report {
    isolate(path, policy, || {
        SCRATCH.with(|s| pipeline::check(data, path, policy, &mut s.borrow_mut()))
    })
}

/// [`pipeline::fix`] with this thread's scratch buffers, a panic isolated to the report
/// (and then no JPEG).
pub fn fix_isolated(data: &[u8], path: &str, policy: &Policy) -> Fixed {
    let mut jpeg = None;
    let report = isolate(path, policy, || {
        let fixed = SCRATCH.with(|s| pipeline::fix(data, path, policy, &mut s.borrow_mut()));
        jpeg = fixed.jpeg;
        fixed.report
    });
    Fixed { report, jpeg }
}

/// Run `evaluate` for the input called `path`, turning a panic into a report with verdict
/// `error` and code `internal_error` (and resetting this thread's scratch buffers, which may
/// be mid-update). Works only under `panic = "unwind"` (the default; this crate's profiles
/// set it explicitly): a host built with `panic = "abort"` loses per-input isolation.
pub fn isolate(path: &str, policy: &Policy, evaluate: impl FnOnce() -> Report) -> Report {
    catch_unwind(AssertUnwindSafe(evaluate)).unwrap_or_else(|panic| {
        SCRATCH.with(|s| *s.borrow_mut() = Scratch::new());
        let what = panic_message(&*panic);
        Report::new(path, policy.class).fail(&Error::new(
            ErrorKind::InternalError,
            format!("internal error while evaluating this input: {what}"),
        ))
    })
}

/// The text a panic was raised with.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn write_annotation(
    dir: &Path,
    index: usize,
    path: &str,
    data: &[u8],
    report: &Report,
    policy: &Policy,
) {
    let stem: String = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let target = dir.join(format!("{index:05}-{stem}.png"));
    let result = crate::annotate::annotate(data, report, policy)
        .map_err(|e| e.to_string())
        .and_then(|png| std::fs::write(&target, png).map_err(|e| e.to_string()));
    if let Err(e) = result {
        eprintln!("preflight: annotation {}: {e}", target.display());
    }
}

/// Check every source on `jobs` threads (0 = all cores), calling `emit` with each report in
/// input order, as soon as it and all earlier ones are done. With `annotate`, an annotated
/// PNG per input is written into that directory.
pub fn check_all(
    sources: &[Source],
    policy: &Policy,
    jobs: usize,
    annotate: Option<&Path>,
    emit: impl FnMut(usize, Report),
) -> Result<(), Error> {
    run_all(
        sources,
        policy,
        jobs,
        |i, source| check_source(source, policy, annotate.map(|d| (d, i))),
        emit,
    )
}

/// The batch engine behind [`check_all`]: `evaluate` runs for every source on `jobs` threads
/// (0 = all cores), each call isolated by [`isolate`] so a panic becomes that input's
/// `internal_error` report and the rest of the batch completes; `emit` gets the reports in
/// input order.
pub fn run_all(
    sources: &[Source],
    policy: &Policy,
    jobs: usize,
    evaluate: impl Fn(usize, &Source) -> Report + Sync,
    mut emit: impl FnMut(usize, Report),
) -> Result<(), Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::new(ErrorKind::Usage, format!("thread pool: {e}")))?;
    let (tx, rx) = mpsc::channel::<(usize, Report)>();
    let evaluate = &evaluate;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            pool.install(|| {
                sources
                    .par_iter()
                    .enumerate()
                    .with_max_len(1)
                    .for_each_with(tx, |tx, (i, source)| {
                        let report = isolate(&source.display(), policy, || evaluate(i, source));
                        let _ = tx.send((i, report));
                    });
            });
        });
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (i, report) in rx {
            pending.insert(i, report);
            while let Some(report) = pending.remove(&next) {
                emit(next, report);
                next += 1;
            }
        }
    });
    Ok(())
}
