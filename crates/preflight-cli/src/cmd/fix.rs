//! `preflight fix`: one upright, metadata-free JPEG inside the upload byte window.

use crate::cli::FixArgs;
use crate::files::{same_file, write_atomically};
use crate::output::{emit_json, human};
use kyc_preflight::{fix, Error, ErrorKind, Report, Scratch, Summary, Verdict};

/// Run `preflight fix`; the return value is the process exit code.
pub fn run(args: FixArgs) -> u8 {
    let mut policy = args.class.policy();
    args.limits.apply(&mut policy);
    policy.encode.lossless_turn = !args.reencode;
    let path = args.input.display().to_string();
    let finish = |report: &Report| {
        eprintln!("{}", human(report));
        if args.json {
            emit_json(report);
            let mut summary = Summary::default();
            summary.add(report.verdict);
            emit_json(&summary);
        }
    };
    if same_file(&args.input, &args.output) {
        let report = Report::new(path, policy.class).fail(&Error::new(
            ErrorKind::Usage,
            "the output path is the input file; fix never overwrites its input",
        ));
        finish(&report);
        return 2;
    }
    let data = match kyc_preflight::read_file(&args.input, policy.limits.max_input_bytes) {
        Ok(d) => d,
        Err(e) => {
            finish(&Report::new(path, policy.class).fail(&e));
            return 2;
        }
    };
    let mut fixed = fix(&data, &path, &policy, &mut Scratch::new());
    let mut code = match fixed.report.verdict {
        Verdict::Error => 2,
        Verdict::Reject => 1,
        _ => 0,
    };
    match &fixed.jpeg {
        Some(jpeg) => {
            if let Err(e) = write_atomically(&args.output, jpeg) {
                let err = Error::new(
                    ErrorKind::Io,
                    format!("writing {}: {e}", args.output.display()),
                );
                fixed.report = fixed.report.fail(&err);
                code = 2;
            } else if let Some(out) = fixed.report.output.as_mut() {
                out.path = Some(args.output.display().to_string());
            }
        }
        None if code == 0 => code = 1,
        None => {}
    }
    finish(&fixed.report);
    code
}
