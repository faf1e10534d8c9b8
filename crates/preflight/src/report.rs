//! The one output type: a [`Report`] per input, plus a [`Summary`] per batch (SPEC §4).

use crate::error::Error;
use crate::policy::DocumentClass;
use serde::Serialize;

/// How bad a finding is. `Info` never changes the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Something worth knowing (e.g. the pixels were turned upright).
    Info,
    /// The service may still accept it, or `fix` repairs it.
    Warn,
    /// The service would reject it.
    Reject,
}

/// The verdict of one input: the worst severity among its findings, or `error` when the
/// input could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No warn or reject finding.
    Pass,
    /// At least one warn finding, no reject.
    Warn,
    /// At least one reject finding.
    Reject,
    /// The input could not be evaluated (see `Report::error`).
    Error,
}

/// Stable finding codes (SPEC §4). New codes are added, never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingCode {
    /// The JPEG ends before its end-of-image marker (or the PNG before IEND).
    Truncated,
    /// Bytes follow the end of the image.
    TrailingData,
    /// The EXIF orientation tag is outside 1..=8 (treated as 1).
    ExifOrientationInvalid,
    /// The pixels were turned upright per EXIF.
    OrientationCorrected,
    /// An EXIF block is present but could not be read (a loop, bad offsets): the orientation
    /// is taken as 1.
    ExifUnreadable,
    /// More than one EXIF block, and their orientations disagree: the first one is used.
    ExifConflict,
    /// Longer side below the class minimum.
    ResolutionTooLow,
    /// Input below the byte window (fixable by `fix` when a faithful JPEG can be larger).
    FileTooSmall,
    /// Input above the byte window (fixable by `fix`).
    FileTooLarge,
    /// Not a JPEG: the upload package takes JPEG only (fixable by `fix`).
    NotJpeg,
    /// A multi-page TIFF or an animated GIF / WebP: only the first page or frame is used.
    FirstFrameOnly,
    /// No faithful JPEG of this image lands in the byte window.
    SizeTargetUnreachable,
    /// No document outline was found.
    DocumentNotFound,
    /// Part of the document is outside the frame (`edges` lists which).
    DocumentCutOff,
    /// The document fills the frame edge to edge; its edges are not visible.
    TightlyCropped,
    /// The document covers too little of the frame.
    TooMuchBackground,
    /// The surface around the document is white or low-contrast.
    WhiteBackground,
    /// The document's shape contradicts how it is printed (turned by 90°).
    WrongOrientation,
    /// A bright reflection covers part of the document.
    Glare,
    /// The document is out of focus or shaken.
    Blurry,
    /// The picture is too dark.
    TooDark,
    /// The picture is blown out.
    Overexposed,
    /// The same photo is used twice in one package (front = back, liveness = selfie, ...).
    DuplicateImage,
    /// A photo of the package is another one of it re-encoded or resized (perceptual hash).
    ImageReused,
    /// No face on a document that must show its holder's portrait.
    PortraitNotFound,
    /// No face in the selfie.
    SelfieNoFace,
    /// More than one face in the selfie (bystanders far behind do not count).
    SelfieMultipleFaces,
    /// The selfie's face is a small part of the frame.
    SelfieFaceTooSmall,
    /// No machine-readable zone on a document whose type prints one.
    MrzNotFound,
    /// The machine-readable zone reaches the frame's edge.
    MrzCutOff,
    /// The machine-readable zone was read and fails its check digits.
    MrzUnreadable,
    /// The expiry date of a valid machine-readable zone is past.
    DocumentExpired,
}

impl FindingCode {
    /// The code's JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::Truncated => "truncated",
            FindingCode::TrailingData => "trailing_data",
            FindingCode::ExifOrientationInvalid => "exif_orientation_invalid",
            FindingCode::OrientationCorrected => "orientation_corrected",
            FindingCode::ExifUnreadable => "exif_unreadable",
            FindingCode::ExifConflict => "exif_conflict",
            FindingCode::ResolutionTooLow => "resolution_too_low",
            FindingCode::FileTooSmall => "file_too_small",
            FindingCode::FileTooLarge => "file_too_large",
            FindingCode::NotJpeg => "not_jpeg",
            FindingCode::FirstFrameOnly => "first_frame_only",
            FindingCode::SizeTargetUnreachable => "size_target_unreachable",
            FindingCode::DocumentNotFound => "document_not_found",
            FindingCode::DocumentCutOff => "document_cut_off",
            FindingCode::TightlyCropped => "tightly_cropped",
            FindingCode::TooMuchBackground => "too_much_background",
            FindingCode::WhiteBackground => "white_background",
            FindingCode::WrongOrientation => "wrong_orientation",
            FindingCode::Glare => "glare",
            FindingCode::Blurry => "blurry",
            FindingCode::TooDark => "too_dark",
            FindingCode::Overexposed => "overexposed",
            FindingCode::DuplicateImage => "duplicate_image",
            FindingCode::ImageReused => "image_reused",
            FindingCode::PortraitNotFound => "portrait_not_found",
            FindingCode::SelfieNoFace => "selfie_no_face",
            FindingCode::SelfieMultipleFaces => "selfie_multiple_faces",
            FindingCode::SelfieFaceTooSmall => "selfie_face_too_small",
            FindingCode::MrzNotFound => "mrz_not_found",
            FindingCode::MrzCutOff => "mrz_cut_off",
            FindingCode::MrzUnreadable => "mrz_unreadable",
            FindingCode::DocumentExpired => "document_expired",
        }
    }
}

/// A frame edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// x = 0
    Left,
    /// y = 0
    Top,
    /// x = width
    Right,
    /// y = height
    Bottom,
}

/// One thing that is wrong (or worth knowing) about an evaluated input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// How bad it is.
    pub severity: Severity,
    /// Human-readable explanation; never matched on by callers.
    pub message: String,
    /// The measured value the decision was based on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<f64>,
    /// The threshold it was compared with, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The frame edges involved (cut-off).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edges: Vec<Edge>,
}

impl Finding {
    /// A finding without numbers.
    pub fn new(code: FindingCode, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            message: message.into(),
            measured: None,
            threshold: None,
            edges: Vec::new(),
        }
    }

    /// Attach the measured value and the threshold it was compared with.
    pub fn measured(mut self, measured: f64, threshold: f64) -> Self {
        self.measured = Some(measured);
        self.threshold = Some(threshold);
        self
    }
}

/// What the input file is, as stored (before orientation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputInfo {
    /// File size in bytes.
    pub bytes: u64,
    /// `jpeg` or `png`, by content.
    pub format: &'static str,
    /// Stored width.
    pub width: u32,
    /// Stored height.
    pub height: u32,
    /// The raw EXIF orientation tag, if present (may be outside 1..=8).
    pub orientation: Option<u32>,
}

/// The upright image (after EXIF orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// Upright width.
    pub width: u32,
    /// Upright height.
    pub height: u32,
}

/// Margins between the document and the frame, as fractions of the frame's width/height.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Margins {
    /// Left margin / width.
    pub left: f64,
    /// Top margin / height.
    pub top: f64,
    /// Right margin / width.
    pub right: f64,
    /// Bottom margin / height.
    pub bottom: f64,
}

/// The document outline, in upright image pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentMetrics {
    /// Corners: top-left, top-right, bottom-right, bottom-left. Sides cut by the frame lie
    /// on the frame border.
    pub quad: [[f64; 2]; 4],
    /// Area of the visible document / frame area.
    pub coverage: f64,
    /// Margins to the frame.
    pub margins: Margins,
    /// Mean edge support of the detected sides (0..1): how sure the outline is.
    pub support: f64,
    /// The outline's ranking score among the candidate outlines (edge, region and print
    /// cues, plus the bonus for a whole document's shape and print).
    pub score: f64,
    /// The best other candidate's score: `score - runner_up_score` is the margin of the
    /// choice (small: two outlines were nearly as likely).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runner_up_score: Option<f64>,
}

/// Scores measured on the analysis plane. Every score is reported, not only pass/fail.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Fine detail of the whole frame: variance of the Laplacian of the analysis plane (the
    /// peers' focus score). `blurry` needs it below `Thresholds::blur_laplacian` as well as a
    /// high `blur_effect`: camera blur softens the whole frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blur: Option<f64>,
    /// The document's focus score: Crété-Roffet blur effect on the document region, 0
    /// (sharp) .. 1 (flat), independent of contrast and of the photo's resolution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blur_effect: Option<f64>,
    /// Fraction of the document covered by glare spots: compact, clipped highlights brighter
    /// than the document's own paper white (white print and pale patterns are not glare).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glare_fraction: Option<f64>,
    /// The largest glare spot, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glare_spot: Option<GlareSpot>,
    /// The document's paper white (75th luma percentile of the document), the level glare
    /// must outshine.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paper_white: Option<u8>,
    /// Mean luma (0..255) of the document (or the frame when none was found).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brightness: Option<f64>,
    /// Mean luma of the whole frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame_brightness: Option<f64>,
    /// Fraction of the document (or frame) at luma ≥ 250.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overexposed_fraction: Option<f64>,
    /// The darkest print's luma (5th percentile of the document, or the frame): near black
    /// when the exposure holds the ink, lifted toward white when the exposure washes it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ink_luma: Option<u8>,
    /// The document's black level (1st luma percentile, or the frame's): a scan, a render
    /// or a well-exposed photo keeps black print near 0; overexposure lifts it (flare and
    /// gain), so a white page whose black level holds is paper, not `overexposed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub black_luma: Option<u8>,
    /// The document outline, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentMetrics>,
    /// Long side of the analysis plane the scores were measured on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis_long_side: Option<u32>,
    /// Perceptual hashes of the upright picture: the same photo re-encoded, resized or
    /// given other metadata keeps them within a few bits. `package` compares them across a
    /// job's images (`image_reused`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phash: Option<PerceptualHashes>,
    /// The best face on the document (document classes, `Policy::faces`), searched on the
    /// document's outline, then on the whole frame when the outline holds none:
    /// `portrait_not_found` when it scores under `Thresholds::min_face_score`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub portrait: Option<FaceBox>,
    /// The faces in a selfie, best first (`Policy::faces`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub faces: Option<Vec<FaceBox>>,
    /// The machine-readable zone, when a band is found on the document (document classes,
    /// `Policy::mrz`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrz: Option<MrzMetrics>,
}

/// The machine-readable zone found on the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MrzMetrics {
    /// The band (its lines' ink), upright image pixels (`[x0, y0, x1, y1]`).
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
    /// `TD1`, `TD2`, `TD3`, `MRV-A` or `MRV-B`: from the read, else `TD1` for three lines;
    /// absent when unknown.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// Lines found (2 or 3).
    pub lines: u8,
    /// The band reaches the frame's edge (`mrz_cut_off`).
    pub cut_off: bool,
    /// Every check digit of the read holds; `null` when the band was not read (its
    /// characters under `mrz::MIN_CAP` px high on the analysis plane, or the lines fit no
    /// format).
    pub valid: Option<bool>,
    /// The mean OCR-B template match of the read's characters (−1..1; at least
    /// `mrz::MIN_SCORE` 0.55, or the band is not reported), of the first line alone when
    /// the other lines did not read (cut by the frame); absent when nothing was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The characters' height (cap line to baseline) in upright image pixels, when read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub char_height: Option<f64>,
    /// Each check digit the format prints: `true` holds, `false` fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<MrzChecks>,
    /// The fields of a valid read (never logged; present in the report only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<MrzFields>,
}

/// The check digits of an MRZ read: `true` holds, `false` fails, absent (`None`) the format
/// does not print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct MrzChecks {
    /// The document number's check digit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<bool>,
    /// The date of birth's check digit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<bool>,
    /// The expiry date's check digit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_of_expiry: Option<bool>,
    /// TD3's personal number's check digit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_number: Option<bool>,
    /// The composite check digit over the zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub composite: Option<bool>,
}

impl MrzChecks {
    /// Every check digit printed holds (and there is at least one).
    pub fn all_valid(&self) -> bool {
        let d = self.digits();
        d.iter().any(Option::is_some) && d.iter().all(|c| c.is_none_or(|v| v))
    }

    /// The five check digits, in the zone's order.
    pub fn digits(&self) -> [Option<bool>; 5] {
        [
            self.document_number,
            self.date_of_birth,
            self.date_of_expiry,
            self.personal_number,
            self.composite,
        ]
    }
}

/// The fields of a valid MRZ read; dates `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzFields {
    /// The document code (`P`, `ID`, `I<`, `V`, ...).
    pub document_type: String,
    /// The issuing state (ICAO three-letter code).
    pub issuing_country: String,
    /// The document number (reassembled when it overflows its field).
    pub document_number: String,
    /// The primary identifier.
    pub surname: String,
    /// The secondary identifier.
    pub given_names: String,
    /// The holder's nationality (ICAO code).
    pub nationality: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `M`, `F` or unspecified.
    pub sex: String,
    /// `YYYY-MM-DD`.
    pub date_of_expiry: String,
}

/// A face found by the detector.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FaceBox {
    /// Bounding box, upright image pixels (`[x0, y0, x1, y1]`).
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
    /// The detector's score (SeetaFace cascade; higher is surer).
    pub score: f64,
    /// For the portrait: quarter turns clockwise that bring the document upright, as the
    /// face shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turns: Option<u8>,
}

/// 64-bit perceptual hashes (pHash), written as 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PerceptualHashes {
    /// Of the whole upright frame.
    #[serde(serialize_with = "hex64")]
    pub frame: u64,
    /// Of the document outline's bounding box, when an outline was found.
    #[serde(serialize_with = "hex64_opt", skip_serializing_if = "Option::is_none")]
    pub document: Option<u64>,
}

fn hex64<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&format_args!("{v:016x}"))
}

fn hex64_opt<S: serde::Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => hex64(v, s),
        None => s.serialize_none(),
    }
}

/// One glare spot: its share of the document and its bounding box in upright image pixels
/// (`[x0, y0, x1, y1]`, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GlareSpot {
    /// Area as a fraction of the document.
    pub fraction: f64,
    /// How much the paper around it is lit by it, 0 (a hard edge, like white print) .. 1
    /// (as bright as the spot): reflections fade out softly.
    pub halo: f64,
    /// Bounding box, upright image pixels.
    #[serde(rename = "box")]
    pub bbox: [u32; 4],
}

/// How many encodes the size search spent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct EncodeCount {
    /// Full-size encodes.
    pub full: u32,
    /// Encodes of the band sample.
    pub sample: u32,
    /// The sample encodes' cost in full-encode equivalents (pixels encoded / image pixels).
    pub sample_equivalent: f64,
}

/// What `fix` wrote (or would write).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputInfo {
    /// Where it was written, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Output size in bytes.
    pub bytes: u64,
    /// JPEG quality, or `None` when the input's own pixel data was kept.
    pub quality: Option<u8>,
    /// True when the pixels were re-encoded; false when the input's entropy-coded data was
    /// kept (possibly with its metadata removed).
    pub reencoded: bool,
    /// True when the input was turned upright in the DCT domain: not re-encoded, every
    /// coefficient kept, so the output decodes to the input's pixels turned upright.
    pub lossless: bool,
    /// True when metadata segments were removed without re-encoding.
    pub metadata_stripped: bool,
    /// Chroma subsampling of a re-encoded output: `4:2:0` or `4:4:4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chroma: Option<&'static str>,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// True when the image had to be scaled down to fit the byte window.
    pub downscaled: bool,
    /// Encodes spent by the size search.
    pub encodes: EncodeCount,
}

/// Why an input could not be evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorInfo {
    /// Stable error code (`ErrorKind::code`).
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
}

/// The result of evaluating one input (SPEC §4).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Always `"report"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The input's path (for archive entries: `archive.zip!entry/name.jpg`).
    pub path: String,
    /// The class it was checked as.
    pub class: DocumentClass,
    /// The worst severity among findings, or `error`.
    pub verdict: Verdict,
    /// The input as stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<InputInfo>,
    /// The upright image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageInfo>,
    /// Everything found, in pipeline order.
    pub findings: Vec<Finding>,
    /// Every score measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// What `fix` produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<OutputInfo>,
    /// Set when `verdict` is `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
}

impl Report {
    /// An empty report for `path`, to be filled in by the pipeline.
    pub fn new(path: impl Into<String>, class: DocumentClass) -> Self {
        Report {
            kind: "report",
            path: path.into(),
            class,
            verdict: Verdict::Pass,
            input: None,
            image: None,
            findings: Vec::new(),
            metrics: None,
            output: None,
            error: None,
        }
    }

    /// Turn this report into an error report (keeps what was learnt before the failure).
    pub fn fail(mut self, error: &Error) -> Self {
        self.verdict = Verdict::Error;
        self.error = Some(ErrorInfo {
            code: error.code(),
            message: error.message().to_string(),
        });
        self
    }

    /// Recompute `verdict` from the findings (unless this is an error report).
    pub fn settle(&mut self) {
        if self.verdict == Verdict::Error {
            return;
        }
        self.verdict = match self.findings.iter().map(|f| f.severity).max() {
            Some(Severity::Reject) => Verdict::Reject,
            Some(Severity::Warn) => Verdict::Warn,
            _ => Verdict::Pass,
        };
    }

    /// True when any finding has this code.
    pub fn has(&self, code: FindingCode) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// Totals of a batch (SPEC §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Always `"summary"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Inputs seen.
    pub total: u64,
    /// Verdict `pass`.
    pub pass: u64,
    /// Verdict `warn`.
    pub warn: u64,
    /// Verdict `reject`.
    pub reject: u64,
    /// Verdict `error`.
    pub errors: u64,
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            kind: "summary",
            total: 0,
            pass: 0,
            warn: 0,
            reject: 0,
            errors: 0,
        }
    }
}

impl Summary {
    /// Count one report.
    pub fn add(&mut self, verdict: Verdict) {
        self.total += 1;
        match verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Warn => self.warn += 1,
            Verdict::Reject => self.reject += 1,
            Verdict::Error => self.errors += 1,
        }
    }

    /// The process exit status: 2 if any input could not be evaluated, else 1 if any was
    /// rejected, else 0.
    pub fn exit_code(&self) -> i32 {
        if self.errors > 0 {
            2
        } else if self.reject > 0 {
            1
        } else {
            0
        }
    }
}
