//! `validate-zip`: read any upload zip (ours or another SDK's) the way the service would and
//! predict its answer, without extracting anything to disk and through byte caps.
//!
//! The predicted code is the first that applies, in the order the service meets them:
//!
//! | code | when |
//! |---|---|
//! | `0903` | the zip cannot be read: corrupt, a CRC or size that does not match, encrypted, duplicate or unsafe entry names, over the caps |
//! | `2203` | `info.json` is missing or is not a JSON object |
//! | `2213` | a required key is missing: `package_information`, `id_info`, `id_info.country`, `images`, an image's `image_type_id`, its `file_name` (files) or `image` (inline) |
//! | `2204` | a value has the wrong type: `images` not a list, `image_type_id` not a number (or not one of 0..7), a name or country not a string |
//! | `1014` | a country that is not an ISO 3166-1 alpha-2 code, or an id_type that is not a keyword |
//! | `0001` | an image listed but absent, not a JPEG, not decodable or cut short, or no ID front image |
//!
//! Findings that the service does not reject at upload (stray entries, a missing selfie that
//! the enrolled image may replace, the capture-quality findings of each image) are listed
//! with `code: null`.

use crate::batch;
use crate::policy::Policy;
use crate::probe::{self, Format};
use crate::protocol::{self, Role};
use crate::report::{Report, Severity, Verdict};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

/// Caps for reading an upload zip in memory.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipLimits {
    /// Largest zip accepted. Default 256 MiB (a job of 11 images at 10 MB each is ~110 MB).
    pub max_zip_bytes: u64,
    /// Most entries. Default 64 (a job has at most 12).
    pub max_entries: u32,
    /// Largest uncompressed entry. Default 192 MiB (an inline `info.json` holds 11 images
    /// as base64).
    pub max_entry_bytes: u64,
    /// Largest total uncompressed size. Default 256 MiB.
    pub max_total_bytes: u64,
    /// Largest compression ratio of one entry over 64 KiB. Default 100.
    pub max_ratio: u32,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_zip_bytes: 256 << 20,
            max_entries: 64,
            max_entry_bytes: 192 << 20,
            max_total_bytes: 256 << 20,
            max_ratio: 100,
        }
    }
}

/// One problem found in an upload zip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZipFinding {
    /// The service code this predicts, or `null` when the upload itself would be accepted.
    pub code: Option<&'static str>,
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
    fn new(code: &'static str, finding: &'static str, message: impl Into<String>) -> Self {
        ZipFinding {
            code: Some(code),
            finding,
            severity: Severity::Reject,
            message: message.into(),
            entry: None,
        }
    }

    fn note(finding: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        ZipFinding {
            code: None,
            finding,
            severity,
            message: message.into(),
            entry: None,
        }
    }

    fn at(mut self, entry: impl Into<String>) -> Self {
        self.entry = Some(entry.into());
        self
    }
}

/// An entry read out of the zip.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipEntry {
    /// Its name.
    pub name: String,
    /// Its uncompressed bytes (CRC verified).
    pub data: Vec<u8>,
}

/// Every file entry of a zip, in central-directory order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadZip {
    /// The file entries (directories left out).
    pub entries: Vec<ZipEntry>,
}

/// Read every file entry of an in-memory zip through the caps, with the same archive reader
/// as batch input (`sources::read_archive`: our own central-directory parse beside the zip
/// crate, refusing duplicate or unsafe names, symlinks, encryption, overlaps, local/central
/// mismatches, lying sizes, CRC errors and bomb-like ratios). The first reason the service
/// could not read the zip is returned as a `0903` finding.
pub fn read_zip(bytes: &[u8], limits: &ZipLimits) -> Result<ReadZip, ZipFinding> {
    let corrupt = |finding, m: String| ZipFinding::new("0903", finding, m);
    if bytes.len() as u64 > limits.max_zip_bytes {
        return Err(corrupt(
            "zip_too_large",
            format!(
                "the zip is {} bytes; the cap is {}",
                bytes.len(),
                limits.max_zip_bytes
            ),
        ));
    }
    let caps = crate::policy::Limits {
        max_input_bytes: limits.max_entry_bytes,
        max_archive_entries: limits.max_entries,
        max_archive_bytes: limits.max_total_bytes,
        max_compression_ratio: limits.max_ratio,
        ..Default::default()
    };
    let listing = crate::sources::read_archive(bytes, &caps)
        .map_err(|e| corrupt("corrupt_zip", e.message().to_string()))?;
    let mut entries = Vec::with_capacity(listing.len());
    for (name, data) in listing {
        match data {
            Ok(data) => entries.push(ZipEntry { name, data }),
            Err(e) => return Err(corrupt("corrupt_entry", e.message().to_string()).at(name)),
        }
    }
    Ok(ReadZip { entries })
}

/// An image `info.json` lists, and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedImage<'a> {
    /// What it is.
    pub role: Role,
    /// Its `image_type_id`.
    pub image_type_id: u64,
    /// The zip entry, or `info.json:images[i]` for inline images.
    pub entry: String,
    /// Its bytes, when present: borrowed from the zip entry, or decoded from base64.
    pub data: Option<Cow<'a, [u8]>>,
    /// SHA-256 of `data`.
    pub sha256: Option<[u8; 32]>,
}

/// What `info.json` says, checked against the zip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InfoCheck<'a> {
    /// Every problem found.
    pub findings: Vec<ZipFinding>,
    /// The images listed, in `info.json` order (those whose entry could be understood).
    pub images: Vec<ListedImage<'a>>,
    /// `id_info.id_type`, when a string.
    pub id_type: Option<String>,
}

/// Check `info.json` (schema, ids, country, id_type) and that every image it lists is in the
/// zip and is a JPEG. Images are not decoded here.
pub fn check_info(read: &ReadZip) -> InfoCheck<'_> {
    let mut out = InfoCheck::default();
    let Some(info) = read.entries.iter().find(|e| e.name == protocol::INFO_JSON) else {
        out.findings.push(ZipFinding::new(
            "2203",
            "info_json_missing",
            "the zip has no info.json at its root",
        ));
        return out;
    };
    let json: Value = match serde_json::from_slice(&info.data) {
        Ok(Value::Object(map)) => Value::Object(map),
        Ok(_) => {
            out.findings.push(ZipFinding::new(
                "2203",
                "info_json_invalid",
                "info.json is JSON but not an object",
            ));
            return out;
        }
        Err(e) => {
            out.findings.push(ZipFinding::new(
                "2203",
                "info_json_invalid",
                format!("info.json is not valid JSON: {e}"),
            ));
            return out;
        }
    };
    let missing = |key: &str| {
        ZipFinding::new("2213", "missing_key", format!("info.json has no {key}")).at(key)
    };
    let wrong = |key: &str, want: &str| {
        ZipFinding::new(
            "2204",
            "wrong_type",
            format!("info.json {key} must be {want}"),
        )
        .at(key)
    };
    let f = &mut out.findings;

    match json.get("package_information") {
        None => f.push(missing("package_information")),
        Some(Value::Object(_)) => {}
        Some(_) => f.push(wrong("package_information", "an object")),
    }
    match json.get("id_info") {
        None => f.push(missing("id_info")),
        Some(Value::Object(id_info)) => {
            match id_info.get("country") {
                None => f.push(missing("id_info.country")),
                Some(Value::String(c)) if protocol::is_country_code(c) => {}
                Some(Value::String(c)) => f.push(
                    ZipFinding::new(
                        "1014",
                        "unsupported_country",
                        format!("{c:?} is not an ISO 3166-1 alpha-2 country code"),
                    )
                    .at("id_info.country"),
                ),
                Some(_) => f.push(wrong("id_info.country", "a string")),
            }
            match id_info.get("id_type") {
                None | Some(Value::Null) => {}
                Some(Value::String(t)) if protocol::is_id_type_keyword(t) => {
                    out.id_type = Some(t.clone())
                }
                Some(Value::String(t)) => f.push(
                    ZipFinding::new(
                        "1014",
                        "unsupported_id_type",
                        format!("{t:?} is not a Smile ID id_type keyword (e.g. PASSPORT)"),
                    )
                    .at("id_info.id_type"),
                ),
                Some(_) => f.push(wrong("id_info.id_type", "a string")),
            }
        }
        Some(_) => f.push(wrong("id_info", "an object")),
    }
    let images = match json.get("images") {
        None => {
            f.push(missing("images"));
            return out;
        }
        Some(Value::Array(list)) => list,
        Some(_) => {
            f.push(wrong("images", "a list"));
            return out;
        }
    };
    for (i, image) in images.iter().enumerate() {
        let key = format!("images[{i}]");
        let Value::Object(image) = image else {
            f.push(wrong(&key, "an object"));
            continue;
        };
        let id = match image.get("image_type_id") {
            None => {
                f.push(missing(&format!("{key}.image_type_id")));
                continue;
            }
            Some(Value::Number(n)) => n.as_u64(),
            Some(_) => {
                f.push(wrong(&format!("{key}.image_type_id"), "a number"));
                continue;
            }
        };
        let Some((role, inline)) = id.and_then(Role::from_image_type_id) else {
            f.push(wrong(
                &format!("{key}.image_type_id"),
                "one of 0..7 (0/1/4/5 files, 2/3/6/7 base64)",
            ));
            continue;
        };
        let field = if inline { "image" } else { "file_name" };
        let text = match image.get(field) {
            None => {
                f.push(missing(&format!("{key}.{field}")));
                continue;
            }
            Some(Value::String(s)) => s,
            Some(_) => {
                f.push(wrong(&format!("{key}.{field}"), "a string"));
                continue;
            }
        };
        let absent = |m: String| ZipFinding::new("0001", "image_missing", m);
        let (entry, data) = if inline {
            let entry = format!("info.json:{key}");
            match BASE64.decode(text.trim()) {
                Ok(d) if !d.is_empty() => (entry, Some(Cow::Owned(d))),
                Ok(_) => {
                    f.push(absent(format!("{key} is inline but its image is empty")).at(&entry));
                    (entry, None)
                }
                Err(e) => {
                    f.push(
                        ZipFinding::new(
                            "0001",
                            "image_undecodable",
                            format!("{key}: the base64 image does not decode: {e}"),
                        )
                        .at(&entry),
                    );
                    (entry, None)
                }
            }
        } else {
            match read.entries.iter().find(|e| &e.name == text) {
                Some(e) => (text.clone(), Some(Cow::Borrowed(e.data.as_slice()))),
                None => {
                    f.push(
                        absent(format!("{key} names {text:?}, which is not in the zip"))
                            .at(text.clone()),
                    );
                    (text.clone(), None)
                }
            }
        };
        if let Some(d) = &data {
            if probe::sniff(d) != Some(Format::Jpeg) {
                f.push(
                    ZipFinding::new(
                        "0001",
                        "image_not_jpeg",
                        format!("{entry}: not a JPEG by content; only JPEG images are accepted"),
                    )
                    .at(&entry),
                );
            }
        }
        let sha256 = data.as_deref().map(|d| Sha256::digest(d).into());
        out.images.push(ListedImage {
            role,
            image_type_id: id.expect("matched"),
            entry,
            data,
            sha256,
        });
    }
    let count = |role| out.images.iter().filter(|i| i.role == role).count();
    if count(Role::IdFront) == 0 {
        f.push(ZipFinding::new(
            "0001",
            "no_id_front",
            "no ID front image (image_type_id 1 or 3)",
        ));
    }
    if count(Role::Selfie) == 0 {
        f.push(ZipFinding::note(
            "no_selfie",
            Severity::Warn,
            "no selfie (image_type_id 0 or 2): the job must set use_enrolled_image",
        ));
    }
    for (role, most) in [
        (Role::IdFront, 1),
        (Role::IdBack, 1),
        (Role::Selfie, 1),
        (Role::Liveness, 8),
    ] {
        if count(role) > most {
            f.push(ZipFinding::note(
                "too_many_images",
                Severity::Warn,
                format!(
                    "{} {} images; a job takes at most {most}",
                    count(role),
                    role.as_str()
                ),
            ));
        }
    }
    let listed: HashSet<&str> = out.images.iter().map(|i| i.entry.as_str()).collect();
    for e in &read.entries {
        if e.name != protocol::INFO_JSON && !listed.contains(e.name.as_str()) {
            f.push(
                ZipFinding::note(
                    "stray_entry",
                    Severity::Warn,
                    format!("{}: in the zip but not listed in info.json", e.name),
                )
                .at(e.name.clone()),
            );
        }
    }
    let mut hashes: BTreeMap<[u8; 32], &str> = BTreeMap::new();
    for image in &out.images {
        if let Some(h) = image.sha256 {
            if let Some(first) = hashes.insert(h, &image.entry) {
                f.push(
                    ZipFinding::note(
                        "duplicate_image",
                        Severity::Warn,
                        format!("{} is the same image as {first}", image.entry),
                    )
                    .at(image.entry.clone()),
                );
            }
        }
    }
    out
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
    pub code: Option<&'static str>,
    /// Why (or that it would be accepted).
    pub message: String,
    /// Every problem found, zip and images.
    pub findings: Vec<ZipFinding>,
    /// Each listed image that could be read, with its check report.
    pub images: Vec<EntryReport>,
}

impl Validation {
    /// A zip the service could not read at all (`0903`), e.g. one over the size cap.
    pub fn unreadable(path: &str, finding: &'static str, message: &str) -> Self {
        Validation {
            kind: "validation",
            path: path.to_string(),
            valid: false,
            code: Some("0903"),
            message: message.to_string(),
            findings: vec![ZipFinding::new("0903", finding, message)],
            images: Vec::new(),
        }
    }
}

/// The order in which the service meets the codes.
const PRECEDENCE: [&str; 6] = ["0903", "2203", "2213", "2204", "1014", "0001"];

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
                    let mut policy = template.clone();
                    policy.class = image.role.class(info.id_type.as_deref());
                    let name = format!("{path}!{}", image.entry);
                    let report = batch::check_isolated(data, &name, &policy);
                    // Not a JPEG at all was reported by `check_info`.
                    let jpeg = probe::sniff(data) == Some(Format::Jpeg);
                    let failed = if jpeg && report.verdict == Verdict::Error {
                        let why = report.error.as_ref().map_or("", |e| e.message.as_str());
                        Some(ZipFinding::new(
                            "0001",
                            "image_undecodable",
                            format!("{}: the image does not decode: {why}", image.entry),
                        ))
                    } else if jpeg && report.has(crate::report::FindingCode::Truncated) {
                        Some(ZipFinding::new(
                            "0001",
                            "image_truncated",
                            format!(
                                "{}: the JPEG is cut short; part of the picture is missing",
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
    let decisive = PRECEDENCE
        .iter()
        .find_map(|code| findings.iter().find(|f| f.code == Some(*code)));
    Validation {
        kind: "validation",
        path: path.to_string(),
        valid: decisive.is_none(),
        code: decisive.and_then(|f| f.code),
        message: decisive.map_or_else(
            || "the service would accept this upload".to_string(),
            |f| f.message.clone(),
        ),
        findings,
        images,
    }
}
