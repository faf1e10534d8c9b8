//! The pipeline: probe → decode → orient → analyse → checks → encode.
//!
//! [`check`] evaluates one image; [`fix`] also produces the compliant JPEG. Both always
//! return a [`Report`]: an input that cannot be evaluated gets a report whose verdict is
//! `error`, carrying whatever was learnt before the failure.

use crate::analysis;
use crate::checks;
use crate::codec::{decode_and_analyse, fit_upright, Scratch};
use crate::document;
use crate::encode;
use crate::error::{Error, Result};
use crate::face;
use crate::mrz;
use crate::orient::Orientation;
use crate::planar;
use crate::policy::{DocumentClass, Policy};
use crate::probe::{self, Format, JpegCoding, Probe};
use crate::report::{
    DocumentMetrics, FaceBox, Finding, FindingCode, GlareSpot, ImageInfo, InputInfo, Margins,
    Metrics, MrzChecks, MrzMetrics, OutputInfo, PerceptualHashes, Report, Severity,
};
use std::time::Instant;

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
/// bytes are kept when they already comply, only its metadata is removed when only that is
/// wrong, and it is turned upright in the DCT domain (every coefficient kept) when only its
/// orientation is wrong and the turn is perfect (`EncodeOptions::lossless_turn`).
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

    // 2. decode, 3. orient, 4. analyse. An output that keeps the input's coefficients is
    // known before decoding; the analysis then needs only the DCT-scaled decode of `check`.
    let orientation = Orientation::from_exif(probe.effective_orientation());
    let kept = if make {
        kept_output(data, &probe, orientation, policy)
    } else {
        None
    };
    let full = make && kept.is_none();
    let (decoded, plane) = decode_and_analyse(data, &probe, policy, scratch, full, orientation)?;
    past_deadline(deadline, "decoding")?;
    let Measured {
        mut metrics,
        cut: framing_cut,
        surround,
    } = measure(&plane, (uw, uh), policy);
    faces(&plane, (uw, uh), policy, &mut metrics);
    zone(&plane, (uw, uh), policy, &mut metrics);
    past_deadline(deadline, "the analysis")?;

    // 5. checks
    if policy.class.is_document() {
        let framing = checks::framing::Framing {
            document: metrics.document.as_ref(),
            cut: framing_cut,
            frame: (uw, uh),
            surround_luma: surround.map(|s| s.luma),
            surround_chroma: surround.map(|s| s.chroma),
        };
        report
            .findings
            .extend(checks::framing::check(&framing, policy));
    }
    report
        .findings
        .extend(checks::quality::check(&metrics, policy));
    report
        .findings
        .extend(checks::faces::check(&metrics, (uw, uh), policy));
    report
        .findings
        .extend(checks::mrz::check(&metrics, (uw, uh), policy));
    report.metrics = Some(metrics);

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
    if let Some((bytes, info)) = kept {
        report.output = Some(info);
        return Ok(Some(bytes));
    }
    let fitted = fit_upright(&decoded, orientation, policy, scratch, deadline)?;
    Ok(fitted_output(fitted, &probe, policy, scratch, report))
}

/// `deadline_exceeded` once the per-image deadline has passed (polled between stages; the
/// size search polls before every encode).
fn past_deadline(deadline: Instant, stage: &str) -> Result<()> {
    if Instant::now() >= deadline {
        return Err(Error::new(
            crate::error::ErrorKind::DeadlineExceeded,
            format!("the per-image deadline passed after {stage}"),
        ));
    }
    Ok(())
}

/// The input's DCT coefficients can be kept (its pixels exactly) when it is a complete
/// baseline JPEG: as it is, or with its metadata removed, when it is already upright;
/// turned upright in the DCT domain otherwise.
fn keeps_coefficients(probe: &Probe) -> bool {
    probe.format == Format::Jpeg
        && probe.coding == Some(JpegCoding::Baseline)
        && matches!(probe.components, 1 | 3)
        && !probe.truncated
}

/// The output when it can keep the input's DCT coefficients: the input as it is, or
/// with its metadata removed, when it is already upright; turned upright in the DCT domain
/// when only its orientation is wrong (a perfect transform only: no edge blocks trimmed;
/// metadata but the ICC profile removed). `None` when it must be re-encoded, or when that
/// output would fall outside the byte window.
fn kept_output(
    data: &[u8],
    probe: &Probe,
    orientation: Orientation,
    policy: &Policy,
) -> Option<(Vec<u8>, OutputInfo)> {
    if !keeps_coefficients(probe) {
        return None;
    }
    let (bytes, lossless, stripped) = if orientation == Orientation::UPRIGHT {
        let strip = probe.has_private_metadata() || probe.trailing_bytes > 0;
        let bytes = if strip {
            encode::strip_metadata(data, probe)
        } else {
            data.to_vec()
        };
        (bytes, false, strip)
    } else if policy.encode.lossless_turn && turned_may_fit(probe, policy) {
        (planar::transform_upright(data, orientation)?, true, true)
    } else {
        return None;
    };
    let (width, height) = orientation.upright_size(probe.width, probe.height);
    // Unchanged input bytes were read by `probe` already.
    let bytes = if stripped {
        reads_back(bytes, (width, height), policy)?
    } else {
        bytes
    };
    let (lo, hi) = policy.byte_window();
    if !(lo..=hi).contains(&(bytes.len() as u64)) {
        return None;
    }
    let info = OutputInfo {
        path: None,
        bytes: bytes.len() as u64,
        quality: None,
        reencoded: false,
        lossless,
        metadata_stripped: stripped,
        chroma: None,
        width,
        height,
        downscaled: false,
        encodes: Default::default(),
    };
    Some((bytes, info))
}

/// A kept output as our own probe reads it: a complete JPEG of the upright size, with no
/// trailing bytes and no metadata but the ICC profile (an APP2 segment that is not an ICC
/// profile, which a backend's "ICC only" copy may keep, is stripped here). `None` (the
/// image is then re-encoded) when the probe refuses it: the `turn` fuzz target found inputs
/// whose stripped bytes no longer read as a JPEG (a stray SOI inside the header) or fall
/// under the probe's bytes-per-pixel floor.
fn reads_back(mut bytes: Vec<u8>, size: (u32, u32), policy: &Policy) -> Option<Vec<u8>> {
    let mut p = probe::probe(&bytes, &policy.limits).ok()?;
    if p.has_private_metadata() || p.trailing_bytes > 0 {
        // Read back what stripping left, too.
        bytes = encode::strip_metadata(&bytes, &p);
        p = probe::probe(&bytes, &policy.limits).ok()?;
    }
    let clean = !p.truncated && p.trailing_bytes == 0 && !p.has_private_metadata();
    (clean && (p.width, p.height) == size && p.effective_orientation() == 1).then_some(bytes)
}

/// Whether a lossless turn can land in the byte window: it writes the same coefficients
/// again, so its size is the input's without metadata, give or take the Huffman tables
/// (0.1 % on the 12 MP benchmark capture; 5 % allowed). A 48 MP photo over the ceiling is
/// re-encoded without first spending a turn on it.
fn turned_may_fit(probe: &Probe, policy: &Policy) -> bool {
    let metadata: usize = probe
        .segments
        .iter()
        .filter(|s| s.is_private())
        .map(|s| s.end - s.start)
        .sum();
    let estimate = probe.image_end.saturating_sub(metadata) as f64;
    let (lo, hi) = policy.byte_window();
    (0.95 * lo as f64..=1.05 * hi as f64).contains(&estimate)
}

/// The size search's result as the output (re-encoded), or the finding that says why no
/// faithful JPEG lands in the byte window.
fn fitted_output(
    fitted: std::result::Result<encode::Fitted, encode::Unreachable>,
    probe: &Probe,
    policy: &Policy,
    scratch: &mut Scratch,
    report: &mut Report,
) -> Option<Vec<u8>> {
    let (lo, hi) = policy.byte_window();
    match fitted {
        Ok(f) => {
            let jpeg = std::mem::take(&mut scratch.encode.out);
            report.output = Some(OutputInfo {
                path: None,
                bytes: jpeg.len() as u64,
                quality: Some(f.quality),
                reencoded: true,
                lossless: false,
                metadata_stripped: probe.has_private_metadata(),
                chroma: Some(f.chroma.as_str()),
                width: f.width,
                height: f.height,
                downscaled: f.downscaled,
                encodes: f.encodes,
            });
            Some(jpeg)
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
            None
        }
    }
}

/// Measure every score on the analysis plane: the outline (document classes), and glare,
/// blur and exposure on the document region (or the whole frame when there is none).
fn measure(plane: &analysis::Analysis, (uw, uh): (u32, u32), policy: &Policy) -> Measured {
    let outline = if policy.class.is_document() {
        document::find(plane, &document::DOCUMENT_ASPECTS)
    } else {
        None
    };
    scores(plane, outline.as_ref(), (uw, uh), policy)
}

/// `v` rounded to whole pixels within `0..=max`.
fn clip(v: f64, max: u32) -> u32 {
    v.round().clamp(0.0, f64::from(max)) as u32
}

/// The portrait on a document that must show one, the faces in a selfie; nothing for
/// the other classes (the search costs 15..55 ms). Boxes are clipped to the `uw × uh` frame.
fn faces(plane: &analysis::Analysis, (uw, uh): (u32, u32), policy: &Policy, metrics: &mut Metrics) {
    let to_box = |f: face::Face| FaceBox {
        bbox: [
            clip(f.bbox[0], uw),
            clip(f.bbox[1], uh),
            clip(f.bbox[2], uw),
            clip(f.bbox[3], uh),
        ],
        score: round2(f.score),
        turns: None,
    };
    if !policy.faces {
        return;
    }
    if policy.class.is_document() {
        let quad = metrics.document.as_ref().map(|d| d.quad);
        let portrait = face::portrait(plane, quad, policy.thresholds.min_face_score);
        metrics.portrait = portrait.map(|f| FaceBox {
            turns: Some(f.turns),
            ..to_box(f)
        });
    } else if policy.class == DocumentClass::Selfie {
        metrics.faces = Some(face::faces(plane).into_iter().map(to_box).collect());
    }
}

/// The machine-readable zone on a document (`Policy::mrz`): its band, whether it reaches
/// the frame's edge, and its read.
fn zone(plane: &analysis::Analysis, (uw, uh): (u32, u32), policy: &Policy, metrics: &mut Metrics) {
    if !policy.mrz || !policy.class.is_document() {
        return;
    }
    let quad = metrics.document.as_ref().map(|d| d.quad);
    let Some(found) = mrz::find(plane, quad) else {
        return;
    };
    let [x0, y0, x1, y1] = found.bbox();
    // The band's ink within about a plane pixel of the frame's edge, or beyond it.
    let margin = f64::from(plane.scale) * 1.5;
    let cut_off =
        x0 < margin || y0 < margin || x1 > f64::from(uw) - margin || y1 > f64::from(uh) - margin;
    let read = found.read.as_ref();
    metrics.mrz = Some(MrzMetrics {
        bbox: [clip(x0, uw), clip(y0, uh), clip(x1, uw), clip(y1, uh)],
        format: found.format.map(mrz::Format::name),
        lines: found.lines as u8,
        cut_off,
        valid: read.map(|r| r.valid),
        score: found.score.map(round4),
        char_height: read.map(|r| round2(r.cap * f64::from(plane.scale))),
        checks: read
            .map(|r| r.checks)
            .filter(|c| *c != MrzChecks::default()),
        fields: read.and_then(|r| r.fields.clone()),
    });
}

/// What [`measure`] finds: the metrics, and what the framing checks need besides them.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Measured {
    pub metrics: Metrics,
    /// The frame edges the document crosses: left, top, right, bottom.
    pub cut: [bool; 4],
    /// The document's surround, when enough of the frame is outside it.
    pub surround: Option<Surround>,
}

/// Mean luma and colourfulness of the frame outside the document.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Surround {
    pub luma: f64,
    pub chroma: f64,
}

/// Every score of [`measure`] once the outline is known (public for the benchmarks).
#[doc(hidden)]
pub fn scores(
    plane: &analysis::Analysis,
    outline: Option<&document::Outline>,
    (uw, uh): (u32, u32),
    policy: &Policy,
) -> Measured {
    let frame = analysis::full_mask(plane);
    let mut metrics = Metrics {
        blur: Some(round2(analysis::laplacian_variance(plane))),
        frame_brightness: Some(round2(analysis::mean_luma(plane, &frame))),
        analysis_long_side: Some(plane.width.max(plane.height)),
        ..Metrics::default()
    };
    let (region, document, cut, surround) = match outline {
        Some(o) => {
            let full = analysis::quad_mask(plane, &o.quad, 0.0);
            let around = analysis::outside(&full, plane);
            let surround = (around.count > plane.luma.len() / 20).then(|| Surround {
                luma: analysis::mean_luma(plane, &around),
                chroma: analysis::mean_chroma(plane, &around),
            });
            let (w, h) = (f64::from(uw), f64::from(uh));
            let xs = o.quad.map(|p| p[0]);
            let ys = o.quad.map(|p| p[1]);
            let min = |v: [f64; 4]| v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = |v: [f64; 4]| v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            metrics.document = Some(DocumentMetrics {
                quad: o.quad.map(|p| [round2(p[0]), round2(p[1])]),
                coverage: round4(full.count as f64 / plane.luma.len() as f64),
                margins: Margins {
                    left: round4((min(xs) / w).max(0.0)),
                    top: round4((min(ys) / h).max(0.0)),
                    right: round4(((w - max(xs)) / w).max(0.0)),
                    bottom: round4(((h - max(ys)) / h).max(0.0)),
                },
                support: round4(o.support),
                score: round4(o.score),
                runner_up_score: o.runner_up.map(round4),
            });
            (
                analysis::quad_mask(plane, &o.quad, 0.04),
                Some(full),
                o.cut,
                surround,
            )
        }
        None => (frame, None, [false; 4], None),
    };
    let t = &policy.thresholds;
    metrics.brightness = Some(round2(analysis::mean_luma(plane, &region)));
    metrics.overexposed_fraction = Some(round4(analysis::fraction_at_least(plane, &region, 250)));
    let hist = analysis::luma_histogram(plane, &region);
    metrics.ink_luma = Some(analysis::histogram_percentile(&hist, 0.05));
    metrics.black_luma = Some(analysis::histogram_percentile(&hist, 0.01));
    if let Some(document) = &document {
        let g = analysis::glare(plane, &region, document, &hist, t.glare_luma);
        metrics.glare_fraction = Some(round4(g.fraction));
        metrics.paper_white = Some(g.paper_white);
        metrics.glare_spot = g.largest_box.map(|(x0, y0, x1, y1)| {
            let to_image = |v: u32, max: u32| ((v as f32 * plane.scale).round() as u32).min(max);
            GlareSpot {
                fraction: round4(g.largest),
                halo: round2(g.largest_halo),
                bbox: [
                    to_image(x0, uw),
                    to_image(y0, uh),
                    to_image(x1, uw),
                    to_image(y1, uh),
                ],
            }
        });
    }
    metrics.blur_effect = Some(round4(analysis::blur_effect(plane, &region)));
    metrics.phash = perceptual_hashes(plane, outline);
    Measured {
        metrics,
        cut,
        surround,
    }
}

fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The frame's and the document's perceptual hashes (the document's over its outline's
/// bounding box on the plane).
pub fn perceptual_hashes(
    plane: &analysis::Analysis,
    outline: Option<&document::Outline>,
) -> Option<PerceptualHashes> {
    let frame = analysis::perceptual_hash(plane, None)?;
    let document = outline.and_then(|o| {
        let to_plane = |v: f64| (v / f64::from(plane.scale)).round().max(0.0) as u32;
        let xs = o.quad.map(|p| to_plane(p[0]));
        let ys = o.quad.map(|p| to_plane(p[1]));
        let rect = [
            *xs.iter().min()?,
            *ys.iter().min()?,
            *xs.iter().max()?,
            *ys.iter().max()?,
        ];
        analysis::perceptual_hash(plane, Some(rect))
    });
    Some(PerceptualHashes { frame, document })
}
