//! Stage 8a: the upload package. Every image is fixed with its own class in parallel, the same
//! photo used twice is caught, `info.json` is written (SPEC §2), and the zip is built so the
//! same inputs always give the same bytes, then re-opened and verified before it is returned.
//!
//! The zip layout is fixed: `info.json` first, then `selfie.jpg`, `id_front.jpg`,
//! `id_back.jpg`, `liveness_1.jpg` .. `liveness_8.jpg` (only those given), JPEGs stored (not
//! deflated: they do not compress), every entry dated 1980-01-01 00:00 with mode 0644. With
//! `inline`, the images travel as base64 inside `info.json` and the zip holds `info.json` alone.
//!
//! The README (the crate's front page) shows a whole job packaged.

use super::verify::verify;
use crate::batch;
use crate::error::{Error, ErrorKind, Result};
use crate::pipeline::Fixed;
use crate::policy::Policy;
use crate::protocol::{
    self, hex, IdInfo, ImageEntry, InfoJson, MiscInformation, Partner, Role, INFO_JSON,
};
use crate::report::{Finding, FindingCode, Report, Severity, Verdict};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Write};
use std::time::Instant;

/// Most liveness frames a job takes.
pub const MAX_LIVENESS: usize = 8;

/// One photo going into the package.
#[derive(Debug, Clone)]
pub struct PackageInput {
    /// What it is.
    pub role: Role,
    /// Where it came from (for reports).
    pub path: String,
    /// Its bytes (never modified).
    pub data: Vec<u8>,
}

/// Everything `package` needs.
#[derive(Debug, Clone)]
pub struct PackageRequest {
    /// Country and id_type of the document.
    pub id_info: IdInfo,
    /// The photos, in any order: at most one selfie, exactly one ID front, at most one ID
    /// back, at most 8 liveness frames (kept in the order given).
    pub images: Vec<PackageInput>,
    /// Images as base64 inside `info.json` (type ids 2/3/6/7) instead of files (0/1/4/5).
    pub inline: bool,
    /// The job uses the user's enrolled selfie, so no selfie is required.
    pub use_enrolled_image: bool,
    /// Partner details: when given, `info.json` carries `misc_information` (signature,
    /// timestamp, partner_params, callback_url, retry).
    pub partner: Option<Partner>,
    /// The zip's file name, written into `misc_information.file_name`.
    pub file_name: String,
}

/// One image of the package and what became of it. Serialised without its report (which is
/// printed on its own line): role, entry, input path, verdict and hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct PackagedImage {
    /// What it is.
    pub role: Role,
    /// Its `image_type_id` in `info.json`.
    pub image_type_id: u8,
    /// The entry name in the zip (inline images: the name they would have had).
    pub file_name: String,
    /// The fix report for this image.
    pub report: Report,
    /// SHA-256 of the input bytes (hex).
    pub input_sha256: String,
    /// SHA-256 of the JPEG in the package (hex), when one was made.
    pub output_sha256: Option<String>,
}

impl Serialize for PackagedImage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("role", &self.role)?;
        m.serialize_entry("image_type_id", &self.image_type_id)?;
        m.serialize_entry("file_name", &self.file_name)?;
        m.serialize_entry("path", &self.report.path)?;
        m.serialize_entry("verdict", &self.report.verdict)?;
        if let Some(out) = &self.report.output {
            m.serialize_entry("bytes", &out.bytes)?;
        }
        m.serialize_entry("input_sha256", &self.input_sha256)?;
        if let Some(h) = &self.output_sha256 {
            m.serialize_entry("output_sha256", h)?;
        }
        m.end()
    }
}

/// Where the time went (milliseconds, wall clock).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PackageTimings {
    /// Fixing all images (in parallel).
    pub fix_ms: f64,
    /// Writing `info.json` and the zip.
    pub zip_ms: f64,
    /// Re-opening and verifying the zip.
    pub verify_ms: f64,
}

/// The result of [`package`].
#[derive(Debug, Clone, Serialize)]
pub struct Package {
    /// Always `"package"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Where the zip was written (set by the caller that writes it).
    pub path: Option<String>,
    /// `pass` / `warn` when a zip was made; `reject` when an image was rejected; `error` when
    /// an image could not be evaluated.
    pub verdict: Verdict,
    /// Each image, in package order.
    pub images: Vec<PackagedImage>,
    /// The `info.json` written, when a zip was made.
    #[serde(skip)]
    pub info: Option<InfoJson>,
    /// The zip bytes, when every image could be made compliant.
    #[serde(skip)]
    pub zip: Option<Vec<u8>>,
    /// Size of the zip in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_bytes: Option<u64>,
    /// SHA-256 of the zip (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_sha256: Option<String>,
    /// Where the time went.
    pub timings: PackageTimings,
}

/// Fix every image (in parallel, on the current rayon pool), catch duplicates, write
/// `info.json` and the zip, and verify the zip by re-opening it. Returns an [`Error`] only
/// when the request itself is wrong (no ID front, 9 liveness frames, a country that does not
/// exist, ...); rejected images give a [`Package`] without a zip.
///
/// `template` supplies limits, thresholds and encoding; each image uses its role's class.
pub fn package(request: &PackageRequest, template: &Policy) -> Result<Package> {
    let planned = plan(request)?;

    // Fix every image with its class, in parallel, largest first, each worker taking the
    // next image when it is free (`par_bridge` hands items out in order): the two 12 MP ID
    // sides start at once and the small frames fill in around them. A split-in-halves
    // `par_iter` started the second side only after the other worker had done the frames.
    let t0 = Instant::now();
    let mut order: Vec<usize> = (0..request.images.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(request.images[i].data.len()));
    let mut done: Vec<(usize, Fixed)> = order
        .into_iter()
        .par_bridge()
        .map(|i| {
            let input = &request.images[i];
            let policy =
                super::role_policy(template, input.role, request.id_info.id_type.as_deref());
            (i, batch::fix_isolated(&input.data, &input.path, &policy))
        })
        .collect();
    done.sort_by_key(|(i, _)| *i);
    let fixed = done.into_iter().map(|(_, f)| f).collect();
    let fix_ms = ms(t0);
    let mut result = assemble_planned(request, &planned, fixed)?;
    result.timings.fix_ms = fix_ms;
    Ok(result)
}

/// The package from images already fixed, one [`Fixed`] per `request.images` entry in the
/// same order: duplicates, `info.json`, the zip and its verification ([`package`] without
/// the fixing; for callers that fix images as they arrive, and for fuzzing).
pub fn assemble(request: &PackageRequest, fixed: Vec<Fixed>) -> Result<Package> {
    let planned = plan(request)?;
    if fixed.len() != request.images.len() {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "{} fixed images for {} inputs",
                fixed.len(),
                request.images.len()
            ),
        ));
    }
    assemble_planned(request, &planned, fixed)
}

fn assemble_planned(
    request: &PackageRequest,
    planned: &[(usize, String)],
    fixed: Vec<Fixed>,
) -> Result<Package> {
    let mut fixed: Vec<Option<Fixed>> = fixed.into_iter().map(Some).collect();
    let images: Vec<(&PackageInput, &String, Fixed)> = planned
        .iter()
        .map(|(i, name)| {
            let f = fixed[*i].take().expect("each input is planned once");
            (&request.images[*i], name, f)
        })
        .collect();
    let mut out: Vec<PackagedImage> = Vec::with_capacity(images.len());
    let mut jpegs: Vec<Option<Vec<u8>>> = Vec::with_capacity(images.len());
    for (input, file_name, f) in images {
        out.push(PackagedImage {
            role: input.role,
            image_type_id: input.role.image_type_id(request.inline),
            file_name: file_name.clone(),
            report: f.report,
            input_sha256: hex(&Sha256::digest(&input.data)),
            output_sha256: f.jpeg.as_deref().map(|j| hex(&Sha256::digest(j))),
        });
        jpegs.push(f.jpeg);
    }
    mark_duplicates(&mut out);
    for (image, jpeg) in out.iter_mut().zip(&jpegs) {
        if jpeg.is_none() && image.report.verdict != Verdict::Error {
            // `fix` could not make a compliant file; its findings say why, and the image
            // cannot go into the package.
            image.report.verdict = Verdict::Reject;
        }
    }
    let verdict = out
        .iter()
        .map(|i| i.report.verdict)
        .max_by_key(|v| match v {
            Verdict::Pass => 0,
            Verdict::Warn => 1,
            Verdict::Reject => 2,
            Verdict::Error => 3,
        })
        .unwrap_or(Verdict::Pass);
    let mut result = Package {
        kind: "package",
        path: None,
        verdict,
        images: out,
        info: None,
        zip: None,
        zip_bytes: None,
        zip_sha256: None,
        timings: PackageTimings::default(),
    };
    if matches!(verdict, Verdict::Reject | Verdict::Error) {
        return Ok(result);
    }

    // info.json and the zip.
    let t1 = Instant::now();
    let jpegs: Vec<Vec<u8>> = jpegs.into_iter().map(|j| j.expect("checked")).collect();
    let info = info_json(request, &result.images, &jpegs);
    let zip = write_zip(&info, &result.images, &jpegs, request.inline)?;
    result.timings.zip_ms = ms(t1);

    // Re-open and verify before anyone sees it.
    let t2 = Instant::now();
    verify(&zip, &info, &result.images, &jpegs, request.inline)?;
    result.timings.verify_ms = ms(t2);

    result.zip_bytes = Some(zip.len() as u64);
    result.zip_sha256 = Some(hex(&Sha256::digest(&zip)));
    result.info = Some(info);
    result.zip = Some(zip);
    Ok(result)
}

/// Check the request and put its images in package order (indices into `request.images`)
/// with their entry names.
fn plan(request: &PackageRequest) -> Result<Vec<(usize, String)>> {
    let usage = |m: String| Error::new(ErrorKind::Usage, m);
    if !protocol::is_country_code(&request.id_info.country) {
        return Err(usage(format!(
            "country {:?} is not an ISO 3166-1 alpha-2 code (e.g. NG, KE)",
            request.id_info.country
        )));
    }
    if let Some(t) = &request.id_info.id_type {
        if !protocol::is_id_type_keyword(t) {
            return Err(usage(format!(
                "id_type {t:?} is not a Smile ID keyword (upper case, e.g. PASSPORT, NATIONAL_ID)"
            )));
        }
    }
    let count = |role| request.images.iter().filter(|i| i.role == role).count();
    match count(Role::IdFront) {
        1 => {}
        n => {
            return Err(usage(format!(
                "a package needs exactly one ID front; got {n}"
            )))
        }
    }
    if count(Role::IdBack) > 1 {
        return Err(usage("a package takes at most one ID back".into()));
    }
    match (count(Role::Selfie), request.use_enrolled_image) {
        (0, false) => {
            return Err(usage(
                "a selfie is required unless the job uses the enrolled image".into(),
            ))
        }
        (n, _) if n > 1 => return Err(usage("a package takes at most one selfie".into())),
        _ => {}
    }
    if count(Role::Liveness) > MAX_LIVENESS {
        return Err(usage(format!(
            "a package takes at most {MAX_LIVENESS} liveness frames; got {}",
            count(Role::Liveness)
        )));
    }
    let mut planned = Vec::with_capacity(request.images.len());
    for role in Role::ALL {
        let of_role = request
            .images
            .iter()
            .enumerate()
            .filter(|(_, i)| i.role == role);
        for (k, (index, _)) in of_role.enumerate() {
            let name = match role {
                Role::Liveness => format!("liveness_{}.jpg", k + 1),
                _ => format!("{}.jpg", role.as_str()),
            };
            planned.push((index, name));
        }
    }
    Ok(planned)
}

/// The same photo used twice: identical input bytes, or identical pixels after fixing (the
/// same photo saved twice with different metadata). The later image gets the finding.
fn mark_duplicates(images: &mut [PackagedImage]) {
    for later in 1..images.len() {
        let twin = (0..later).find(|&earlier| {
            let (a, b) = (&images[earlier], &images[later]);
            a.input_sha256 == b.input_sha256
                || (a.output_sha256.is_some() && a.output_sha256 == b.output_sha256)
        });
        if let Some(earlier) = twin {
            let message = format!(
                "this photo is the same as the {}; each image of a job must be its own capture",
                described(&images[earlier])
            );
            flag(
                &mut images[later].report,
                FindingCode::DuplicateImage,
                message,
            );
            continue;
        }
        let reused = (0..later).find_map(|earlier| {
            reused(&images[earlier], &images[later]).map(|bits| (earlier, bits))
        });
        if let Some((earlier, bits)) = reused {
            let message = format!(
                "this photo is the {} again, re-encoded or resized ({bits} of 64 bits of their perceptual hashes differ, at most {REUSED_BITS} for the same photo); each image of a job must be its own capture",
                described(&images[earlier])
            );
            flag(&mut images[later].report, FindingCode::ImageReused, message);
        }
    }
}

/// An image as a message names it: its role and path, e.g. `id front (front.jpg)`.
fn described(image: &PackagedImage) -> String {
    format!(
        "{} ({})",
        image.role.as_str().replace('_', " "),
        image.report.path
    )
}

/// A reject finding on `report`, unless it could not be evaluated at all.
fn flag(report: &mut Report, code: FindingCode, message: String) {
    if report.verdict != Verdict::Error {
        report
            .findings
            .push(Finding::new(code, Severity::Reject, message));
        report.settle();
    }
}

/// Two photos whose frames' perceptual hashes differ in at most this many bits are one
/// photo. Measured (docs/accuracy.md, *Reused photos*): copies of 12 MP generator captures
/// re-encoded at quality 60..95 and resized to 50..100 % differ in 0..2 bits, different
/// captures in 16 or more; of the 29,787 pairs of real photo frames from different video
/// clips, one pair is within 4 bits (one passport shot twice on the same spot), none of two
/// different documents (6 bits and more).
pub const REUSED_BITS: u32 = 4;
/// Unless both outlines lie at the same place (every margin within `SAME_PLACE` of the
/// frame) and their insides differ in more than `DIFFERENT_INSIDE_BITS`: the two sides of
/// one card shot on the same spot of the same table. Copies whose outline was found at the
/// same place measured 0..4, different documents 12 and more.
const SAME_PLACE: f64 = 0.03;
const DIFFERENT_INSIDE_BITS: u32 = 10;

/// Whether `b` is `a` re-encoded or resized: the number of differing bits of their frame
/// hashes when it is. Only where a document side is involved: a selfie and the liveness
/// frames of one session are meant to look alike.
fn reused(a: &PackagedImage, b: &PackagedImage) -> Option<u32> {
    let document = |r: Role| matches!(r, Role::IdFront | Role::IdBack);
    if !document(a.role) && !document(b.role) {
        return None;
    }
    let (ma, mb) = (a.report.metrics.as_ref()?, b.report.metrics.as_ref()?);
    let (ha, hb) = (ma.phash?, mb.phash?);
    let bits = crate::analysis::hash_distance(ha.frame, hb.frame);
    if bits > REUSED_BITS {
        return None;
    }
    if let (Some(oa), Some(ob), Some(da), Some(db)) =
        (&ma.document, &mb.document, ha.document, hb.document)
    {
        let (p, q) = (oa.margins, ob.margins);
        let same_place = [
            (p.left, q.left),
            (p.top, q.top),
            (p.right, q.right),
            (p.bottom, q.bottom),
        ]
        .iter()
        .all(|(x, y)| (x - y).abs() <= SAME_PLACE);
        if same_place && crate::analysis::hash_distance(da, db) > DIFFERENT_INSIDE_BITS {
            return None;
        }
    }
    Some(bits)
}

fn info_json(request: &PackageRequest, images: &[PackagedImage], jpegs: &[Vec<u8>]) -> InfoJson {
    InfoJson {
        package_information: Default::default(),
        misc_information: request
            .partner
            .as_ref()
            .map(|p| MiscInformation::new(p, &request.file_name)),
        id_info: request.id_info.clone(),
        images: images
            .iter()
            .zip(jpegs)
            .map(|(image, jpeg)| ImageEntry {
                image_type_id: image.image_type_id.into(),
                image: if request.inline {
                    BASE64.encode(jpeg)
                } else {
                    String::new()
                },
                file_name: if request.inline {
                    String::new()
                } else {
                    image.file_name.clone()
                },
            })
            .collect(),
    }
}

fn write_zip(
    info: &InfoJson,
    images: &[PackagedImage],
    jpegs: &[Vec<u8>],
    inline: bool,
) -> Result<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, DateTime, System};
    let json = serde_json::to_vec_pretty(info).expect("info.json serialises");
    let capacity = json.len() + jpegs.iter().map(|j| j.len() + 128).sum::<usize>() + 1024;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
    let fixed = SimpleFileOptions::default()
        .system(System::Unix)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644)
        .large_file(false);
    let failed = |e: &dyn std::fmt::Display| {
        Error::new(ErrorKind::Io, format!("writing the zip in memory: {e}"))
    };
    zip.start_file(
        INFO_JSON,
        fixed.compression_method(CompressionMethod::Deflated),
    )
    .map_err(|e| failed(&e))?;
    zip.write_all(&json).map_err(|e| failed(&e))?;
    if !inline {
        for (image, jpeg) in images.iter().zip(jpegs) {
            zip.start_file(
                image.file_name.as_str(),
                fixed.compression_method(CompressionMethod::Stored),
            )
            .map_err(|e| failed(&e))?;
            zip.write_all(jpeg).map_err(|e| failed(&e))?;
        }
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
