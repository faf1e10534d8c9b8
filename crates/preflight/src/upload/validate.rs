//! `validate-zip`: read any upload zip (ours or another SDK's) the way the service would and
//! predict its answer, without extracting anything to disk and through byte caps.
//!
//! The predicted code is the first that applies, in the order the service meets them (the
//! order of [`ServiceCode`]):
//!
//! | code | when |
//! |---|---|
//! | `0903` | the zip cannot be read: corrupt, a CRC or size that does not match, encrypted, unsafe entry names, over the caps; or one name shared by entries that hold different files, when `info.json` or a listed image uses it |
//! | `2203` | `info.json` is missing or is not a JSON object |
//! | `2213` | a required key is missing: `package_information`, `id_info`, `id_info.country`, `images`, an image's `image_type_id`, its `file_name` (files) or `image` (inline) |
//! | `2204` | a value has the wrong type: `images` not a list, `image_type_id` neither a number nor a numeric string (or not one of 0..7), a name or country not a string |
//! | `1014` | a country that is not an ISO 3166-1 alpha-2 code, or an id_type that is not a keyword |
//! | `0001` | an image listed but absent, neither JPEG nor PNG, not decodable or cut short, or no ID front image |
//!
//! Findings that the service does not reject at upload are listed with `code: null`: stray
//! entries, duplicate names that cannot change what is read, PNG images (the official SDKs
//! send them; the documentation says JPEG), a numeric-string `image_type_id`, a missing selfie
//! that the enrolled image may replace, and the capture-quality findings of each image. Keys
//! are case-sensitive: `Image_type_id` is not `image_type_id` (2213, with a hint).
//!
//! Two verdicts: `valid` (would the service accept the upload) and `photos` (the worst
//! verdict of the images' own checks: would the photos pass the document checks).

use super::{check_info, read_zip};
use crate::batch;
use crate::policy::{ArchiveLimits, Policy};
use crate::probe::{self, Format};
use crate::protocol::{self, Role, ServiceCode};
use crate::report::{Report, Severity, Verdict};
use rayon::prelude::*;
use serde::Serialize;

/// Caps for reading an upload zip in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipLimits {
    /// Largest zip accepted. Default 256 MiB (a job of 11 images at 10 MB each is ~110 MB).
    pub max_zip_bytes: u64,
    /// Largest uncompressed entry. Default 192 MiB (an inline `info.json` holds 11 images
    /// as base64).
    pub max_entry_bytes: u64,
    /// Entries, total size and ratio. Default [`ArchiveLimits::upload`].
    pub archive: ArchiveLimits,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_zip_bytes: 256 << 20,
            max_entry_bytes: 192 << 20,
            archive: ArchiveLimits::upload(),
        }
    }
}

/// One problem found in an upload zip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZipFinding {
    /// The service code this predicts, or `null` when the upload itself would be accepted.
    pub code: Option<ServiceCode>,
    /// Stable snake_case name of the problem (`image_missing`, `blurry`, ...).
    pub finding: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// Human-readable explanation.
    pub message: String,
    /// The zip entry (or `info.json` key path) concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
}

impl ZipFinding {
    pub(super) fn new(
        code: ServiceCode,
        finding: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ZipFinding {
            code: Some(code),
            finding,
            severity: Severity::Reject,
            message: message.into(),
            entry: None,
        }
    }

    pub(super) fn note(
        finding: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        ZipFinding {
            code: None,
            finding,
            severity,
            message: message.into(),
            entry: None,
        }
    }

    pub(super) fn at(mut self, entry: impl Into<String>) -> Self {
        self.entry = Some(entry.into());
        self
    }
}

/// One listed image and its check report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntryReport {
    /// The zip entry, or `info.json:images[i]`.
    pub entry: String,
    /// What it is.
    pub role: Role,
    /// Its `image_type_id`.
    pub image_type_id: u64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// The check report (class from its role and `id_info.id_type`).
    pub report: Report,
}

/// The answer of `validate-zip`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Validation {
    /// Always `"validation"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The zip checked.
    pub path: String,
    /// False when the service would reject the upload.
    pub valid: bool,
    /// The code the service would answer with, or `null`.
    pub code: Option<ServiceCode>,
    /// Why (or that it would be accepted).
    pub message: String,
    /// The worst verdict of the listed images' checks (`pass` .. `error`): whether the
    /// photos would pass the document checks, apart from whether the upload is accepted.
    /// `null` when no image could be read.
    pub photos: Option<Verdict>,
    /// Every problem found, zip and images.
    pub findings: Vec<ZipFinding>,
    /// Each listed image that could be read, with its check report.
    pub images: Vec<EntryReport>,
}

impl Validation {
    /// The answer for a zip of `bytes` bytes over `limits.max_zip_bytes` (`0903`: the
    /// service would not read it either), or `None` when it is within the cap.
    pub fn over_cap(path: &str, bytes: usize, limits: &ZipLimits) -> Option<Self> {
        (bytes as u64 > limits.max_zip_bytes).then(|| {
            Validation::unreadable(
                path,
                "zip_too_large",
                &format!(
                    "the zip is {bytes} bytes, over the {} the service reads",
                    limits.max_zip_bytes
                ),
            )
        })
    }

    /// A zip the service could not read at all (`0903`), e.g. one over the size cap.
    pub fn unreadable(path: &str, finding: &'static str, message: &str) -> Self {
        Validation {
            kind: "validation",
            path: path.to_string(),
            valid: false,
            code: Some(ServiceCode::ZipCorrupt),
            message: message.to_string(),
            findings: vec![ZipFinding::new(ServiceCode::ZipCorrupt, finding, message)],
            photos: None,
            images: Vec::new(),
        }
    }
}

/// Validate an upload zip held in memory. `template` supplies limits and thresholds; each
/// image is checked (decoded, every capture-quality check) with its role's class, in
/// parallel on the current rayon pool.
pub fn validate_zip(bytes: &[u8], path: &str, template: &Policy, limits: &ZipLimits) -> Validation {
    let mut findings = Vec::new();
    let mut images = Vec::new();
    match read_zip(bytes, limits) {
        Err(f) => findings.push(f),
        Ok(read) => {
            let info = check_info(&read);
            findings.extend(info.findings);
            let checked: Vec<(EntryReport, Option<ZipFinding>)> = info
                .images
                .par_iter()
                .with_max_len(1)
                .filter_map(|image| {
                    let data = image.data.as_deref()?;
                    let policy = super::role_policy(template, image.role, info.id_type.as_deref());
                    let name = format!("{path}!{}", image.entry);
                    let report = batch::check_isolated(data, &name, &policy);
                    // Neither JPEG nor PNG was reported by `check_info`.
                    let jpeg_or_png =
                        matches!(probe::sniff(data), Some(Format::Jpeg | Format::Png));
                    let failed = if jpeg_or_png && report.verdict == Verdict::Error {
                        let why = report.error.as_ref().map_or("", |e| e.message.as_str());
                        Some(ZipFinding::new(
                            ServiceCode::ImageUnusable,
                            "image_undecodable",
                            format!("{}: the image does not decode: {why}", image.entry),
                        ))
                    } else if jpeg_or_png && report.has(crate::report::FindingCode::Truncated) {
                        Some(ZipFinding::new(
                            ServiceCode::ImageUnusable,
                            "image_truncated",
                            format!(
                                "{}: the image is cut short; part of the picture is missing",
                                image.entry
                            ),
                        ))
                    } else {
                        None
                    }
                    .map(|f| f.at(image.entry.clone()));
                    let entry = EntryReport {
                        entry: image.entry.clone(),
                        role: image.role,
                        image_type_id: image.image_type_id,
                        sha256: protocol::hex(&image.sha256.expect("with data")),
                        report,
                    };
                    Some((entry, failed))
                })
                .collect();
            for (entry, failed) in checked {
                findings.extend(failed);
                for f in &entry.report.findings {
                    findings.push(ZipFinding {
                        code: None,
                        finding: f.code.as_str(),
                        severity: f.severity,
                        message: format!("{}: {}", entry.entry, f.message),
                        entry: Some(entry.entry.clone()),
                    });
                }
                images.push(entry);
            }
        }
    }
    // The service's answer is the first code it meets (`ServiceCode`'s order); among
    // findings with that code, the first found.
    let decisive = findings
        .iter()
        .filter(|f| f.code.is_some())
        .min_by_key(|f| f.code);
    Validation {
        kind: "validation",
        path: path.to_string(),
        valid: decisive.is_none(),
        code: decisive.and_then(|f| f.code),
        message: decisive.map_or_else(
            || "the service would accept this upload".to_string(),
            |f| f.message.clone(),
        ),
        photos: images.iter().map(|i| i.report.verdict).max(),
        findings,
        images,
    }
}
