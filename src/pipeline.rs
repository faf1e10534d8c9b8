//! The pipeline: probe → decode → orient → analyse → checks → encode.
//!
//! [`check`] evaluates one image; [`fix`] also produces the compliant JPEG. Both always
//! return a [`Report`]: an input that cannot be evaluated gets a report whose verdict is
//! `error`, carrying whatever was learnt before the failure.

use crate::analysis;
use crate::checks;
use crate::decode::{self, Decoded};
use crate::encode::{self, EncodeScratch, Source};
use crate::error::{Error, Result};
use crate::orient::Orientation;
use crate::policy::Policy;
use crate::probe::{self, Format, JpegCoding, Probe};
use crate::report::{
    Finding, FindingCode, ImageInfo, InputInfo, Metrics, OutputInfo, Report, Severity,
};
use std::time::Instant;

/// Buffers one worker reuses from image to image (a fresh 36 MB buffer costs ~30 ms of page
/// faults on our machines). Create one per thread; it is not shared.
#[derive(Default)]
pub struct Scratch {
    pixels: Vec<u8>,
    encode: EncodeScratch,
    resizer: fast_image_resize::Resizer,
}

impl Scratch {
    /// Empty buffers; they grow to the largest image seen.
    pub fn new() -> Self {
        Self::default()
    }
}

/// What `fix` produced: the report, and the JPEG when a compliant one could be made.
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    /// The report (its `output` describes `jpeg`, without a path).
    pub report: Report,
    /// The compliant JPEG, if one could be made.
    pub jpeg: Option<Vec<u8>>,
}

/// Evaluate one image.
pub fn check(data: &[u8], path: &str, policy: &Policy, scratch: &mut Scratch) -> Report {
    run(data, path, policy, scratch, false).report
}

/// Evaluate one image and make the compliant upright JPEG: baseline, metadata stripped (an
/// ICC profile is kept), inside the class's byte window, never upscaled. The input's own
/// bytes are kept when they already comply, and only its metadata is removed when only that
/// is wrong.
pub fn fix(data: &[u8], path: &str, policy: &Policy, scratch: &mut Scratch) -> Fixed {
    run(data, path, policy, scratch, true)
}

fn run(data: &[u8], path: &str, policy: &Policy, scratch: &mut Scratch, make: bool) -> Fixed {
    let mut report = Report::new(path, policy.class);
    let jpeg = match evaluate(data, policy, scratch, make, &mut report) {
        Ok(jpeg) => jpeg,
        Err(e) => {
            report = report.fail(&e);
            None
        }
    };
    report.settle();
    Fixed { report, jpeg }
}

fn evaluate(
    data: &[u8],
    policy: &Policy,
    scratch: &mut Scratch,
    make: bool,
    report: &mut Report,
) -> Result<Option<Vec<u8>>> {
    let deadline = Instant::now() + policy.limits.deadline;

    // 1. probe
    let probe = probe::probe(data, &policy.limits)?;
    report.input = Some(InputInfo {
        bytes: probe.bytes,
        format: probe.format.as_str(),
        width: probe.width,
        height: probe.height,
        orientation: probe.orientation.map(|o| o.raw),
    });
    let (uw, uh) = probe.upright_size();
    report.image = Some(ImageInfo {
        width: uw,
        height: uh,
    });
    report.findings.extend(checks::input::check(&probe));
    report
        .findings
        .extend(checks::resolution::check(uw, uh, policy));
    report
        .findings
        .extend(checks::file_size::check(probe.bytes, policy));

    // 2. decode
    let decoded = decode::decode(data, &probe, &policy.limits, &mut scratch.pixels)?;
    if (decoded.width, decoded.height) != (probe.width, probe.height) {
        return Err(Error::new(
            crate::error::ErrorKind::DecodeFailed,
            format!(
                "the decoder found {}x{} where the header says {}x{}",
                decoded.width, decoded.height, probe.width, probe.height
            ),
        ));
    }

    // 3. orient, 4. analyse
    let orientation = Orientation::from_exif(probe.effective_orientation());
    let plane = analysis::build(&scratch.pixels, &decoded, orientation, &mut scratch.resizer)?;
    report.metrics = Some(Metrics {
        blur: Some(round2(analysis::laplacian_variance(&plane))),
        brightness: Some(round2(analysis::brightness(&plane))),
        analysis_long_side: Some(plane.width.max(plane.height)),
    });

    // 5. (capture-quality checks join here)

    if !make {
        return Ok(None);
    }
    // 6. encode
    let blocks = |f: &Finding| {
        f.code == FindingCode::Truncated
            || (f.code == FindingCode::ResolutionTooLow && f.severity == Severity::Reject)
    };
    if report.findings.iter().any(blocks) {
        // Missing pixels, or too few for the class: no compliant file can be made.
        return Ok(None);
    }
    make_output(
        data,
        &probe,
        &decoded,
        orientation,
        policy,
        scratch,
        deadline,
        report,
    )
}

/// The input can be kept as it is (or with its metadata removed) when it is a baseline JPEG
/// that is already upright and complete.
fn keeps_pixels(probe: &Probe) -> bool {
    probe.format == Format::Jpeg
        && probe.coding == Some(JpegCoding::Baseline)
        && matches!(probe.components, 1 | 3)
        && probe.effective_orientation() == 1
        && !probe.truncated
}

#[allow(clippy::too_many_arguments)]
fn make_output(
    data: &[u8],
    probe: &Probe,
    decoded: &Decoded,
    orientation: Orientation,
    policy: &Policy,
    scratch: &mut Scratch,
    deadline: Instant,
    report: &mut Report,
) -> Result<Option<Vec<u8>>> {
    let (lo, hi) = policy.byte_window();
    let in_window = |n: usize| (lo..=hi).contains(&(n as u64));
    if keeps_pixels(probe) {
        let needs_strip = probe.has_private_metadata() || probe.trailing_bytes > 0;
        let bytes = if needs_strip {
            encode::strip_metadata(data, probe)
        } else {
            data.to_vec()
        };
        if in_window(bytes.len()) {
            report.output = Some(OutputInfo {
                path: None,
                bytes: bytes.len() as u64,
                quality: None,
                reencoded: false,
                metadata_stripped: needs_strip,
                chroma: None,
                width: probe.width,
                height: probe.height,
                downscaled: false,
                encodes: Default::default(),
            });
            return Ok(Some(bytes));
        }
    }
    let src = Source {
        pixels: &scratch.pixels,
        width: decoded.width,
        height: decoded.height,
        layout: decoded.layout,
        orientation,
    };
    let min_long = policy.class.min_long_side();
    let fitted = encode::fit(
        src,
        decoded.icc.as_deref(),
        &policy.encode,
        (lo, hi),
        min_long,
        deadline,
        &mut scratch.encode,
    )?;
    match fitted {
        Ok(f) => {
            let jpeg = std::mem::take(&mut scratch.encode.out);
            report.output = Some(OutputInfo {
                path: None,
                bytes: jpeg.len() as u64,
                quality: Some(f.quality),
                reencoded: true,
                metadata_stripped: probe.has_private_metadata(),
                chroma: Some(f.chroma.as_str()),
                width: f.width,
                height: f.height,
                downscaled: f.downscaled,
                encodes: f.encodes,
            });
            Ok(Some(jpeg))
        }
        Err(u) => {
            report.findings.push(
                Finding::new(
                    FindingCode::SizeTargetUnreachable,
                    Severity::Reject,
                    u.reason,
                )
                .measured(
                    u.best_bytes as f64,
                    if u.best_bytes < lo { lo } else { hi } as f64,
                ),
            );
            Ok(None)
        }
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
