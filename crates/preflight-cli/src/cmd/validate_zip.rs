//! `preflight validate-zip`: predict whether the service accepts an upload zip.

use super::on_pool;
use crate::cli::ValidateZipArgs;
use crate::output::emit_json;
use kyc_preflight::{ErrorKind, ServiceCode, Validation, Verdict};

/// Run `preflight validate-zip`; the return value is the process exit code.
pub fn run(args: ValidateZipArgs) -> u8 {
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
    let photos = v.photos.map_or("none read", |p| match p {
        Verdict::Pass => "pass",
        Verdict::Warn => "pass with warnings",
        Verdict::Reject => "rejected by a document check",
        _ => "not all evaluated",
    });
    if v.valid {
        eprintln!("VALID    {path}: {} (photos: {photos})", v.message);
    } else {
        eprintln!(
            "INVALID  {path}: the service would answer {}: {}",
            v.code.map_or("?", ServiceCode::as_str),
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
    exit_code(&v)
}

/// 1: the service would reject the upload; 3: it would accept it, but a photo fails the
/// document checks (or could not be evaluated); 0: both pass.
fn exit_code(v: &Validation) -> u8 {
    match (v.valid, v.photos) {
        (false, _) => 1,
        (true, Some(Verdict::Reject | Verdict::Error)) => 3,
        (true, _) => 0,
    }
}
