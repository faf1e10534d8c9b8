//! `preflight check`: evaluate images, directories and zip archives.

use crate::cli::CheckArgs;
use crate::output::{emit_json, human, progress_bar};
use kyc_preflight::{Summary, Verdict};

/// Run `preflight check`; the return value is the process exit code.
pub fn run(args: CheckArgs) -> u8 {
    let mut policy = args.class.policy();
    args.limits.apply(&mut policy);
    policy.thresholds = args.profile.thresholds();
    if let Some(dir) = &args.annotate {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("preflight: --annotate {}: {e}", dir.display());
            return 2;
        }
    }
    let inputs = kyc_preflight::expand(&args.paths, &policy.limits);
    let jobs = args.jobs.unwrap_or(0);
    let mut summary = Summary::default();
    let bar = (inputs.len() > 1)
        .then(|| progress_bar(inputs.len()))
        .flatten();
    let result = kyc_preflight::check_all(
        &inputs,
        &policy,
        jobs,
        args.annotate.as_deref(),
        |_, report| {
            summary.add(report.verdict);
            if args.json {
                emit_json(&report);
            }
            let show = !args.json || report.verdict != Verdict::Pass;
            match &bar {
                Some(bar) => {
                    if show {
                        bar.println(human(&report));
                    }
                    bar.inc(1);
                }
                None if show => eprintln!("{}", human(&report)),
                None => {}
            }
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if let Err(e) = result {
        eprintln!("preflight: {e}");
        return 2;
    }
    if args.json {
        emit_json(&summary);
    }
    eprintln!(
        "{} inputs: {} pass, {} warn, {} reject, {} errors",
        summary.total, summary.pass, summary.warn, summary.reject, summary.errors
    );
    summary.exit_code() as u8
}
