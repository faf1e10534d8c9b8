//! `preflight package`: fix every photo of a job and write the verified upload zip.

use super::on_pool;
use crate::cli::PackageArgs;
use crate::files::{same_file, write_atomically};
use crate::output::{emit_json, human};
use kyc_preflight::{Summary, Verdict};
use std::path::Path;

/// Run `preflight package`; the return value is the process exit code.
pub fn run(args: PackageArgs) -> u8 {
    use kyc_preflight::{
        package, IdInfo, PackageInput, PackageRequest, Partner, PrepUploadRequest, Role,
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
        (Some(id), Some(key)) => Some(Partner::document_verification(
            id,
            key,
            args.partner.job_id.clone().unwrap_or_default(),
            args.partner.user_id.clone().unwrap_or_default(),
            args.partner.callback_url.clone(),
            args.partner.timestamp.clone(),
        )),
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
