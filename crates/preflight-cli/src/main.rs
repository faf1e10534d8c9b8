//! The `preflight` command-line tool.

mod cli;

use clap::Parser;
use cli::{
    CheckArgs, Cli, Command, EvalArgs, FixArgs, PackageArgs, SignArgs, SynthArgs, ValidateZipArgs,
};
use kyc_preflight::{fix, Error, ErrorKind, Report, Scratch, Summary, Verdict};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    #[cfg(all(feature = "turbo", target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("PREFLIGHT_NO_HUGEPAGES").is_none() {
        hugepage_heap();
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Fix(args) => run_fix(args),
        Command::Package(args) => run_package(*args),
        Command::ValidateZip(args) => run_validate_zip(args),
        Command::Sign(args) => run_sign(args),
        Command::Synth(args) => run_synth(args),
        Command::Eval(args) => run_eval(args),
    };
    ExitCode::from(code)
}

/// The turbo build's heap: one malloc arena whose memory the kernel backs with transparent
/// huge pages (`MADV_HUGEPAGE`; the machines we measured run THP in `madvise` mode).
///
/// A one-shot `check` touches about 14 MB (the file, the planes, the outline's work
/// buffers), and glibc's default hands every block over 128 KiB out as a fresh `mmap`: about
/// 3,400 page faults, ~10 ms of kernel time against a 40 ms decode. Here blocks up to
/// 64 MiB come from the main heap, which grows 64 MiB at a time and is not trimmed, and the
/// first 96 MiB of it is advised as huge pages: about 210 faults (measured in
/// docs/performance.md). One arena (rather than one per thread) keeps the rayon workers on
/// that heap; with one large allocation per image stage, the lock is not contended (2-core
/// throughput stays ≥ 2×). Untouched heap stays virtual, so the peak RSS does not grow.
/// Best effort: a refused `mallopt` or `madvise` only leaves the default behaviour.
/// `PREFLIGHT_NO_HUGEPAGES=1` turns it off (for comparisons). The library never does this:
/// a process's allocator is its owner's choice.
#[cfg(all(feature = "turbo", target_os = "linux", target_env = "gnu"))]
fn hugepage_heap() {
    const MB: usize = 1 << 20;
    // SAFETY: mallopt only changes glibc's allocation policy; the block is ours from malloc
    // to free, and madvise(MADV_HUGEPAGE) on heap pages changes how they are backed, never
    // their contents.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, (64 * MB) as i32);
        libc::mallopt(libc::M_TOP_PAD, (64 * MB) as i32);
        libc::mallopt(libc::M_TRIM_THRESHOLD, (256 * MB) as i32);
        // Grow the heap once (32 MiB + the 64 MiB pad), advise it, and give it back to
        // malloc: later blocks are carved from the advised range.
        let p = libc::malloc(32 * MB);
        if p.is_null() {
            return;
        }
        let end = libc::sbrk(0) as usize;
        let start = (p as usize).next_multiple_of(2 * MB);
        if end > start {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
        libc::free(p);
    }
}

/// Write one JSON line to stdout; a closed pipe ends the process quietly (not an error).
fn emit_json<T: serde::Serialize>(value: &T) {
    let mut out = std::io::stdout().lock();
    let line = serde_json::to_string(value).expect("reports serialise");
    if let Err(e) = writeln!(out, "{line}").and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("preflight: writing to stdout: {e}");
        std::process::exit(2);
    }
}

/// The human-readable form of a report, for stderr.
fn human(report: &Report) -> String {
    let verdict = match report.verdict {
        Verdict::Pass => "PASS",
        Verdict::Warn => "WARN",
        Verdict::Reject => "REJECT",
        Verdict::Error => "ERROR",
    };
    let mut s = format!("{verdict:<6}  {}  [{}", report.path, report.class.as_str());
    if let Some(img) = report.image {
        s.push_str(&format!(" {}x{}", img.width, img.height));
    }
    if let Some(input) = &report.input {
        s.push_str(&format!(", {} {} bytes", input.format, input.bytes));
        if let Some(o) = input.orientation.filter(|&o| o != 1) {
            s.push_str(&format!(", EXIF orientation {o}"));
        }
    }
    s.push(']');
    if let Some(err) = &report.error {
        s.push_str(&format!("\n        {}: {}", err.code, err.message));
    }
    for f in &report.findings {
        s.push_str(&format!(
            "\n        {:<6} {}: {}",
            format!("{:?}", f.severity).to_lowercase(),
            f.code.as_str(),
            f.message
        ));
    }
    if let Some(out) = &report.output {
        s.push_str(&format!(
            "\n        output: {} bytes, {}x{}, {}",
            out.bytes,
            out.width,
            out.height,
            match out.quality {
                Some(q) => format!(
                    "re-encoded at quality {q} {} ({} full encodes, {} sample encodes)",
                    out.chroma.unwrap_or(""),
                    out.encodes.full,
                    out.encodes.sample
                ),
                None if out.metadata_stripped => "original pixels, metadata removed".into(),
                None => "original file kept as it is".into(),
            }
        ));
        if let Some(p) = &out.path {
            s.push_str(&format!(" -> {p}"));
        }
    }
    s
}

/// A progress bar on stderr for `len` items, when stderr is a terminal.
fn progress_bar(len: usize) -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(len as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} {elapsed_precise} eta {eta}",
            )
            .expect("valid template"),
        );
        bar
    })
}

fn run_check(args: CheckArgs) -> u8 {
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

/// True when `a` and `b` name the same file (or `b` does not exist yet and cannot be `a`).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Write `bytes` to `path` through a temporary file in the same directory and a rename, so
/// `path` is either untouched or complete.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the output path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.preflight-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn run_fix(args: FixArgs) -> u8 {
    let mut policy = args.class.policy();
    args.limits.apply(&mut policy);
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

/// Run `work` on a pool of `jobs` threads (0 = all cores).
fn on_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> Result<T, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map(|pool| pool.install(work))
        .map_err(|e| format!("thread pool: {e}"))
}

fn run_package(args: PackageArgs) -> u8 {
    use kyc_preflight::{
        package, IdInfo, PackageInput, PackageRequest, Partner, PartnerParams, PrepUploadRequest,
        Role,
    };
    let mut policy = kyc_preflight::Policy::for_class(kyc_preflight::DocumentClass::IdCard);
    policy.thresholds = args.profile.thresholds();
    let mut inputs: Vec<(Role, &Path)> = Vec::new();
    if let Some(s) = &args.selfie {
        inputs.push((Role::Selfie, s));
    }
    inputs.push((Role::IdFront, &args.id_front));
    if let Some(b) = &args.id_back {
        inputs.push((Role::IdBack, b));
    }
    inputs.extend(args.liveness.iter().map(|l| (Role::Liveness, l.as_path())));
    if let Some((_, input)) = inputs.iter().find(|(_, p)| same_file(p, &args.output)) {
        eprintln!(
            "preflight package: the output {} is an input; inputs are never overwritten",
            input.display()
        );
        return 2;
    }
    let mut images = Vec::with_capacity(inputs.len());
    for (role, path) in inputs {
        match kyc_preflight::read_file(path, policy.limits.max_input_bytes) {
            Ok(data) => images.push(PackageInput {
                role,
                path: path.display().to_string(),
                data,
            }),
            Err(e) => {
                eprintln!("preflight package: {}: {e}", path.display());
                return 2;
            }
        }
    }
    let partner = match (&args.partner.partner_id, &args.partner.api_key) {
        (Some(id), Some(key)) => Some(Partner {
            partner_id: id.clone(),
            api_key: key.clone(),
            params: PartnerParams::document_verification(
                args.partner.job_id.clone().unwrap_or_default(),
                args.partner.user_id.clone().unwrap_or_default(),
            ),
            callback_url: args.partner.callback_url.clone(),
            timestamp: Some(
                args.partner
                    .timestamp
                    .clone()
                    .unwrap_or_else(kyc_preflight::now),
            ),
        }),
        _ => None,
    };
    if args.prep_upload.is_some() && partner.is_none() {
        eprintln!("preflight package: --prep-upload needs --partner-id, --api-key, --job-id and --user-id");
        return 2;
    }
    let file_name = args.output.file_name().map_or_else(
        || "attachments.zip".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let request = PackageRequest {
        id_info: IdInfo {
            country: args.country.clone(),
            id_type: args.id_type.clone(),
        },
        images,
        inline: args.inline,
        use_enrolled_image: args.use_enrolled_image,
        partner: partner.clone(),
        file_name: file_name.clone(),
    };
    let result = match on_pool(args.jobs.unwrap_or(0), || package(&request, &policy)) {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            eprintln!("preflight package: {}", e.message());
            return 2;
        }
        Err(e) => {
            eprintln!("preflight package: {e}");
            return 2;
        }
    };
    let mut summary = Summary::default();
    for image in &result.images {
        summary.add(image.report.verdict);
        eprintln!("{:<8} {}", image.role.as_str(), human(&image.report));
        if args.json {
            emit_json(&image.report);
        }
    }
    let mut code = match result.verdict {
        Verdict::Error => 2,
        Verdict::Reject => 1,
        _ => 0,
    };
    let mut result = result;
    if let Some(zip) = &result.zip {
        match write_atomically(&args.output, zip) {
            Ok(()) => {
                result.path = Some(args.output.display().to_string());
                eprintln!(
                    "wrote {} ({} bytes, {} images{}, sha256 {})",
                    args.output.display(),
                    zip.len(),
                    result.images.len(),
                    if args.inline {
                        " inline in info.json"
                    } else {
                        ""
                    },
                    result.zip_sha256.as_deref().unwrap_or("")
                );
            }
            Err(e) => {
                eprintln!("preflight package: writing {}: {e}", args.output.display());
                code = 2;
            }
        }
        if let (Some(path), Some(partner)) = (&args.prep_upload, &partner) {
            let body = PrepUploadRequest::new(partner, &file_name, args.use_enrolled_image);
            let json = serde_json::to_vec_pretty(&body).expect("serialises");
            if let Err(e) = write_atomically(path, &json) {
                eprintln!("preflight package: writing {}: {e}", path.display());
                code = 2;
            }
        }
    } else {
        eprintln!(
            "preflight package: no zip written: {}",
            if result.verdict == Verdict::Error {
                "an image could not be evaluated"
            } else {
                "an image was rejected (see its findings)"
            }
        );
    }
    if args.json {
        emit_json(&result);
        emit_json(&summary);
    }
    code
}

fn run_validate_zip(args: ValidateZipArgs) -> u8 {
    use kyc_preflight::{validate_zip, ZipLimits};
    let limits = ZipLimits::default();
    let path = args.zip.display().to_string();
    let policy = kyc_preflight::Policy::for_class(kyc_preflight::DocumentClass::IdCard);
    let v = match kyc_preflight::read_file(&args.zip, limits.max_zip_bytes) {
        Ok(bytes) => match on_pool(args.jobs.unwrap_or(0), || {
            validate_zip(&bytes, &path, &policy, &limits)
        }) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("preflight validate-zip: {e}");
                return 2;
            }
        },
        // Over the cap: the service would not read it either.
        Err(e) if e.kind() == ErrorKind::InputTooLarge => {
            kyc_preflight::Validation::unreadable(&path, "zip_too_large", e.message())
        }
        Err(e) => {
            eprintln!("preflight validate-zip: {}", e.message());
            return 2;
        }
    };
    if v.valid {
        eprintln!("VALID    {path}: {}", v.message);
    } else {
        eprintln!(
            "INVALID  {path}: the service would answer {}: {}",
            v.code.unwrap_or("?"),
            v.message
        );
    }
    for f in &v.findings {
        eprintln!(
            "         {:<6} {}{}: {}",
            format!("{:?}", f.severity).to_lowercase(),
            f.code.map(|c| format!("[{c}] ")).unwrap_or_default(),
            f.finding,
            f.message
        );
    }
    if args.json {
        emit_json(&v);
    }
    if v.valid {
        0
    } else {
        1
    }
}

fn run_sign(args: SignArgs) -> u8 {
    let signed =
        kyc_preflight::Signed::new(&args.api_key, &args.partner_id, args.timestamp.as_deref());
    emit_json(&signed);
    0
}

fn run_synth(args: SynthArgs) -> u8 {
    use preflight_synth::{render, DocKind, SynthSpec, Variant};
    let Some(variant) = Variant::from_label(&args.variant) else {
        let known: Vec<String> = Variant::catalogue().iter().map(Variant::label).collect();
        eprintln!(
            "preflight synth: unknown variant {:?}; known: {}",
            args.variant,
            known.join(", ")
        );
        return 2;
    };
    let mut spec = SynthSpec::variant_sized(args.seed, variant, args.width, args.height);
    spec.orientation = args.orientation;
    if let Some(q) = args.quality {
        spec.jpeg_quality = q;
    }
    if args.passport {
        spec.doc = DocKind::Passport;
    }
    let capture = render(&spec);
    let write = |path: &Path, bytes: &[u8]| {
        write_atomically(path, bytes)
            .map_err(|e| eprintln!("preflight synth: {}: {e}", path.display()))
    };
    if write(&args.output, &capture.jpeg).is_err() {
        return 2;
    }
    if let Some(truth) = &args.truth {
        let json = serde_json::to_vec_pretty(&capture.truth).expect("truth serialises");
        if write(truth, &json).is_err() {
            return 2;
        }
    }
    eprintln!(
        "wrote {} ({} bytes, {}x{} upright, EXIF orientation {}, variant {})",
        args.output.display(),
        capture.jpeg.len(),
        capture.width,
        capture.height,
        args.orientation,
        variant.label()
    );
    0
}

fn run_eval(args: EvalArgs) -> u8 {
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
