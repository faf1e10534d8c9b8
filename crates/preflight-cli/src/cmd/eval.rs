//! `preflight eval`: measure the checks on labelled captures and specimens.

use crate::cli::EvalArgs;
use crate::files::write_atomically;
use crate::output::{emit_json, progress_bar};
use std::path::Path;

/// Run `preflight eval`; the return value is the process exit code.
pub fn run(args: EvalArgs) -> u8 {
    use kyc_preflight::{DocumentClass, Policy};
    use preflight_eval as eval;
    let profile = args.profile.as_deref().unwrap_or("default");
    let Some(policy) = Policy::with_profile(DocumentClass::IdCard, profile) else {
        eprintln!("preflight eval: unknown profile {profile:?} (default, strict, lenient)");
        return 2;
    };
    let jobs = args.jobs.unwrap_or(0);
    let result = (!args.labels_only).then(|| {
        let (width, height) = args.size;
        let cases = eval::synthetic_cases(args.seeds.clone(), width, height);
        eprintln!(
            "preflight eval: {} synthetic cases (seeds {}..{}, {width}x{height}, class {})",
            cases.len(),
            args.seeds.start,
            args.seeds.end,
            policy.class.as_str()
        );
        let bar = progress_bar(cases.len());
        let progress = |done: usize, total: usize| match &bar {
            Some(bar) => bar.set_position(done as u64),
            None if done == total || done * 10 / total != (done - 1) * 10 / total => {
                eprintln!("preflight eval: {done}/{total} cases");
            }
            None => {}
        };
        let result = eval::run_with_progress(&cases, &policy, jobs, &progress);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        result
    });
    let (real, real_skipped) = match &args.real {
        Some(dir) => match eval::real_documents(dir, &policy) {
            Ok(real) => (Some(real), None),
            Err(reason) => {
                eprintln!("preflight eval: skipping real specimens: {reason}");
                (None, Some(reason))
            }
        },
        None => (None, None),
    };
    let mut label_files = args.labels.clone();
    if let Some(dir) = &args.real {
        label_files.extend(eval::labels::sets_under(dir));
    }
    let split = eval::labels::Split::parse(&args.split).unwrap_or_default();
    let mut labelled = Vec::new();
    for path in &label_files {
        eprintln!("preflight eval: checking {}", path.display());
        match eval::labels::run(path, split, profile, jobs) {
            Ok(set) => labelled.push(set),
            Err(reason) => {
                eprintln!("preflight eval: {reason}");
                return 2;
            }
        }
    }
    if let Some(dir) = &args.annotate {
        if let Err(e) = annotate_failures(dir, &labelled, profile) {
            eprintln!("preflight eval: --annotate {}: {e}", dir.display());
            return 2;
        }
    }
    let mut markdown = result.as_ref().map(|r| r.to_markdown()).unwrap_or_default();
    if let Some(real) = &real {
        markdown.push('\n');
        markdown.push_str(&real.to_markdown());
    } else if let Some(reason) = &real_skipped {
        markdown.push_str(&format!("\nReal specimens skipped: {reason}\n"));
    }
    if !labelled.is_empty() {
        markdown.push_str("\n## Labelled sets\n\n");
        for set in &labelled {
            markdown.push_str(&set.to_markdown());
            markdown.push('\n');
        }
    }
    if let Some(path) = &args.markdown {
        if let Err(e) = write_atomically(path, markdown.as_bytes()) {
            eprintln!("preflight eval: writing {}: {e}", path.display());
            return 2;
        }
    }
    if args.json {
        emit_json(&serde_json::json!({
            "type": "eval",
            "synthetic": result,
            "real": real,
            "real_skipped": real_skipped,
            "labelled": labelled,
        }));
    } else {
        print!("{markdown}");
    }
    if let Some(result) = &result {
        eprintln!(
            "preflight eval: {} cases, {} not evaluated, {} disagreements",
            result.cases,
            result.errors,
            result.failures.len()
        );
    }
    for set in &labelled {
        eprintln!(
            "preflight eval: {}: {} images, good rejected {} of {}, {} disagreements",
            set.labels,
            set.images,
            set.good_rejected,
            set.good,
            set.failures().len()
        );
    }
    0
}

/// One annotated PNG per labelled image the checks got wrong, named after its set and path.
fn annotate_failures(
    dir: &Path,
    sets: &[preflight_eval::labels::LabelledSet],
    profile: &str,
) -> std::io::Result<()> {
    use kyc_preflight::{DocumentClass, Policy};
    std::fs::create_dir_all(dir)?;
    for set in sets {
        let folder = Path::new(&set.labels).parent().unwrap_or(Path::new("."));
        let set_name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (row, _) in set.failures() {
            let class = DocumentClass::parse(row.class).unwrap_or(DocumentClass::IdCard);
            let policy = Policy::with_profile(class, profile).unwrap_or_default();
            let path = preflight_eval::labels::resolve(folder, &row.file);
            let Ok(data) = std::fs::read(&path) else {
                continue;
            };
            let report = kyc_preflight::check_isolated(&data, &row.file, &policy);
            let Ok(png) = kyc_preflight::internal::annotate(&data, &report, &policy) else {
                continue;
            };
            let name = format!("{set_name}__{}.png", row.file.replace(['/', '\\'], "_"));
            write_atomically(&dir.join(name), &png)?;
        }
    }
    Ok(())
}
