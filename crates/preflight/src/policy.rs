//! What the caller asks for: the document class, the limits, and the output targets.
//!
//! One [`Policy`] goes in, one [`Report`](crate::report::Report) comes out. Every field is
//! public and documented with its default; `Policy::for_class` is the usual way to build one.

use crate::report::Severity;
use serde::Serialize;
use std::time::Duration;

/// The kind of image being checked (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentClass {
    /// ID-1 card (national ID, driver's licence, ...): 85.60 × 53.98 mm, long side ≥ 1500 px.
    IdCard,
    /// Passport data page (ID-3): 125 × 88 mm, long side ≥ 2200 px.
    Passport,
    /// The user's face; no resolution minimum from the service (peers use 640 px).
    Selfie,
    /// A liveness frame; no resolution minimum from the service (peers use 320 px).
    Liveness,
}

impl DocumentClass {
    /// The class for a Smile ID `id_type`: `PASSPORT` → passport, anything else → id-card.
    pub fn from_id_type(id_type: &str) -> Self {
        if id_type.trim().eq_ignore_ascii_case("PASSPORT") {
            DocumentClass::Passport
        } else {
            DocumentClass::IdCard
        }
    }

    /// The class a caller means: the one named, else the one of its `id_type`, else id-card
    /// (the rule of the CLI's `--class` / `--id-type`, the Python package and the service).
    pub fn choose(class: Option<DocumentClass>, id_type: Option<&str>) -> Self {
        match (class, id_type) {
            (Some(c), _) => c,
            (None, Some(t)) => DocumentClass::from_id_type(t),
            (None, None) => DocumentClass::IdCard,
        }
    }

    /// Parse the CLI spelling (`id-card`, `passport`, `selfie`, `liveness`).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "id-card" => Some(DocumentClass::IdCard),
            "passport" => Some(DocumentClass::Passport),
            "selfie" => Some(DocumentClass::Selfie),
            "liveness" => Some(DocumentClass::Liveness),
            _ => None,
        }
    }

    /// The CLI / JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentClass::IdCard => "id-card",
            DocumentClass::Passport => "passport",
            DocumentClass::Selfie => "selfie",
            DocumentClass::Liveness => "liveness",
        }
    }

    /// True for the two document classes (the byte window's minimum applies to them only).
    pub fn is_document(self) -> bool {
        matches!(self, DocumentClass::IdCard | DocumentClass::Passport)
    }

    /// Minimum longer side in upright pixels the service requires (documents), or that
    /// peers use (selfie 640, liveness 320).
    pub fn min_long_side(self) -> u32 {
        match self {
            DocumentClass::IdCard => 1500,
            DocumentClass::Passport => 2200,
            DocumentClass::Selfie => 640,
            DocumentClass::Liveness => 320,
        }
    }

    /// Long side / short side of the physical document (ISO/IEC 7810), if a document.
    pub fn aspect(self) -> Option<f32> {
        match self {
            DocumentClass::IdCard => Some(85.60 / 53.98),
            DocumentClass::Passport => Some(125.0 / 88.0),
            _ => None,
        }
    }
}

/// Hard limits, applied before any pixel buffer exists (docs/limits.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    /// Largest input file accepted, in bytes. Default 64 MiB (a 50 MP phone JPEG is ~25 MB;
    /// a 12 MP PNG ~36 MB).
    pub max_input_bytes: u64,
    /// Largest decoded image, in pixels. Default 64 MP (covers 48/50 MP phone modes; 192 MB as RGB).
    pub max_pixels: u64,
    /// Largest width or height, in pixels. Default 16384.
    pub max_side: u32,
    /// Largest total size of metadata segments (APPn, COM; PNG ancillary chunks). Default 4 MiB.
    pub max_metadata_bytes: u64,
    /// Most metadata segments / chunks. Default 256.
    pub max_metadata_segments: u32,
    /// Per-image deadline, polled between stages and inside the size search. Default 30 s.
    pub deadline: Duration,
    /// Largest buffer a decoder may allocate for one image (the pixel buffer, and for PNG
    /// the decoder's own 16-bit/alpha intermediate). Default 768 MiB (a 64 MP 16-bit RGBA
    /// PNG needs 8 B/px + 3 B/px for our RGB copy = 704 MB).
    pub max_decode_bytes: u64,
    /// Caps on each zip archive given as input (each entry is also held to
    /// `max_input_bytes`). Default [`ArchiveLimits::batch`].
    pub archive: ArchiveLimits,
}

/// Caps on one zip archive, before any entry is decompressed: the one type behind batch
/// input (`Limits::archive`) and upload zips (`ZipLimits::archive`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArchiveLimits {
    /// Most entries (files and directories).
    pub max_entries: u32,
    /// Largest total declared uncompressed size of the entries.
    pub max_total_bytes: u64,
    /// Largest uncompressed / compressed ratio of an entry bigger than 64 KiB (JPEG and PNG
    /// entries barely compress: real ratios are below 1.1).
    pub max_ratio: u32,
}

impl ArchiveLimits {
    /// For archives of captures given as input: 10,000 entries (a year of daily captures),
    /// 16 GiB in all, ratio 100.
    pub fn batch() -> Self {
        ArchiveLimits {
            max_entries: 10_000,
            max_total_bytes: 16 << 30,
            max_ratio: 100,
        }
    }

    /// For one upload zip: 64 entries (a job has at most 12), 256 MiB in all, ratio 100.
    pub fn upload() -> Self {
        ArchiveLimits {
            max_entries: 64,
            max_total_bytes: 256 << 20,
            max_ratio: 100,
        }
    }
}

impl Default for ArchiveLimits {
    fn default() -> Self {
        ArchiveLimits::batch()
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 << 20,
            max_pixels: 64_000_000,
            max_side: 16_384,
            max_metadata_bytes: 4 << 20,
            max_metadata_segments: 256,
            deadline: Duration::from_secs(30),
            max_decode_bytes: 768 << 20,
            archive: ArchiveLimits::batch(),
        }
    }
}

/// How `fix` encodes its output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EncodeOptions {
    /// Smallest acceptable output in bytes for document classes. Default 614,400 (600 KiB,
    /// the safe reading of the service's "600 KB").
    pub min_bytes: u64,
    /// Largest acceptable output in bytes. Default 10,000,000 (the safe reading of "10 MB").
    pub max_bytes: u64,
    /// The quality tried first. Default 90.
    pub quality: u8,
    /// The lowest quality the size search may use before it downscales instead. Default 80.
    pub min_quality: u8,
    /// The size search aims this fraction inside the window's edges, so one full encode
    /// usually lands. Default 0.04.
    pub target_margin: f32,
    /// Turn a baseline JPEG whose only fault is its orientation (and metadata) upright in
    /// the DCT domain, keeping every coefficient, instead of re-encoding it. Default true.
    /// Slower than a re-encode at quality 90 (the whole entropy-coded stream is decoded and
    /// written again: docs/performance.md), and loses nothing.
    pub lossless_turn: bool,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        EncodeOptions {
            min_bytes: 614_400,
            max_bytes: 10_000_000,
            quality: 90,
            min_quality: 80,
            target_margin: 0.04,
            lossless_turn: true,
        }
    }
}

/// Capture-quality thresholds (SPEC §3 lists peers' starting numbers; these were tuned on
/// the synthetic tuning seeds, see docs/accuracy.md). Every score is reported whatever the
/// verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Thresholds {
    /// Profile name these came from.
    pub profile: &'static str,
    /// `blurry` needs two cues to agree: the document's blur effect (0 sharp .. 1 flat;
    /// Crété-Roffet re-blur measure along four directions on the document region of the
    /// analysis plane) above this, and the whole frame's fine detail (`metrics.blur`, the
    /// variance of the Laplacian of the analysis plane) below `blur_laplacian`. A camera out
    /// of focus or shaken softens the whole frame, the surface around the document too, so a
    /// frame full of fine detail means a high blur effect comes from the document's printing
    /// (pale, smooth security patterns), not from the camera. Default 0.40.
    pub max_blur_effect: f64,
    /// See `max_blur_effect`. Default 300 (real phone frames: blurred 5..275, sharp frames
    /// whose printing scores a high blur effect 500..1900; see docs/accuracy.md).
    pub blur_laplacian: f64,
    /// A frame that has lost nearly all its fine detail (below `soft_frame_laplacian`) is
    /// blurry with weaker document evidence: a blur effect above `soft_blur_effect`.
    /// Defaults 100 and 0.33 (real blurred frames score 0.33..0.40 on the document, sharp
    /// ones mostly below 0.30).
    pub soft_frame_laplacian: f64,
    /// See `soft_frame_laplacian`.
    pub soft_blur_effect: f64,
    /// `glare` when glare spots cover more than this fraction of the document (clipped
    /// spots brighter than the paper white, compact and thick: `analysis::glare`). Default
    /// 0.002: a spot of 3 × 3 mm on an ID-1 card, enough to hide a character.
    pub max_glare_fraction: f64,
    /// Luma at which a document pixel counts as glare. Default 245.
    pub glare_luma: u8,
    /// `too_dark` below this mean luma of the document (or frame). Default 40.
    pub min_brightness: f64,
    /// `overexposed` when more than this fraction of the document is at luma ≥ 250. Default 0.25.
    pub max_overexposed_fraction: f64,
    /// No `overexposed` while the document's black level (`black_luma`, its 1st luma
    /// percentile) is at or below this: black print still black means the exposure held
    /// the darkest tones, and the white is the paper's (a scan, a render, a white page).
    /// Default 24 (white specimen scans and renders measure 0..1; the generator's
    /// overexposed captures, gain 1.9..2.6, 40 and above).
    pub black_print_luma: u8,
    /// `tightly_cropped` when every margin is below this fraction of the frame. Default 0.02.
    pub tight_margin: f64,
    /// `too_much_background` when the document covers less than this fraction. Default 0.20.
    pub min_coverage: f64,
    /// `white_background` when the surface around the document has at least this mean luma
    /// and little colour. Default 200 (light grey or beige tables measure 170-200 on the
    /// synthetic set, white paper and tables 205-245).
    pub white_background_luma: f64,
    /// A face counts when the detector (SeetaFace's frontal cascade) scores it at least
    /// this. Default 3.85, the `rustface` crate's own default: real portraits on the
    /// specimen scans and the real photos score 4.5..32 (median 25), drawn faces and a
    /// seal on a card back up to 3.7 (docs/accuracy.md).
    pub min_face_score: f64,
    /// `selfie_face_too_small` when the selfie's face is narrower than this fraction of the
    /// frame's short side. Default 0.2 (Smile ID's web capture asks for 0.35..0.5).
    pub min_selfie_face: f64,
    /// In a selfie, another face counts (`selfie_multiple_faces`) when it is at least this
    /// fraction of the main face's width: bystanders far behind do not. Default 0.5.
    pub second_face: f64,
    /// How much the face findings weigh: `portrait_not_found` (when `Policy::faces`
    /// asks for one) and the `selfie_*` findings. `Warn` by default and in `lenient`,
    /// `Reject` in `strict`. Not `Reject` by default: the detector finds real faces (21 of
    /// 21 specimen portraits, 171 of 173 on real photos with the document in the frame, 15
    /// of 16 single-face photos) but not drawn ones, so a render with a drawn portrait
    /// would be turned away on the detector's word alone (docs/accuracy.md).
    pub face_severity: Severity,
    /// How much the MRZ findings weigh: `mrz_not_found` (a passport with no band),
    /// `mrz_cut_off` and `mrz_unreadable`. `Warn` by default and in `lenient`, `Reject` in
    /// `strict`. Not `Reject` by default: the band is read on the analysis plane (long side
    /// 1024 px), where 25 of 103 real phone photos of passports read valid and 9 show no
    /// band; the service reads the full photo (docs/accuracy.md).
    pub mrz_severity: Severity,
}

impl Thresholds {
    /// The default profile.
    pub fn default_profile() -> Self {
        Thresholds {
            profile: "default",
            max_blur_effect: 0.40,
            blur_laplacian: 300.0,
            soft_frame_laplacian: 100.0,
            soft_blur_effect: 0.33,
            max_glare_fraction: 0.002,
            glare_luma: 245,
            min_brightness: 40.0,
            max_overexposed_fraction: 0.25,
            black_print_luma: 24,
            tight_margin: 0.02,
            min_coverage: 0.20,
            white_background_luma: 200.0,
            min_face_score: 3.85,
            min_selfie_face: 0.2,
            second_face: 0.5,
            face_severity: Severity::Warn,
            mrz_severity: Severity::Warn,
        }
    }

    /// Stricter: rejects more borderline captures (for a capture UI that can ask again).
    pub fn strict() -> Self {
        Thresholds {
            profile: "strict",
            max_blur_effect: 0.37,
            blur_laplacian: 400.0,
            soft_frame_laplacian: 130.0,
            soft_blur_effect: 0.31,
            max_glare_fraction: 0.001,
            min_brightness: 55.0,
            max_overexposed_fraction: 0.15,
            tight_margin: 0.03,
            min_coverage: 0.35,
            white_background_luma: 190.0,
            face_severity: Severity::Reject,
            mrz_severity: Severity::Reject,
            ..Self::default_profile()
        }
    }

    /// Lenient: only clear failures (for archives where a retake is impossible).
    pub fn lenient() -> Self {
        Thresholds {
            profile: "lenient",
            max_blur_effect: 0.45,
            blur_laplacian: 250.0,
            soft_frame_laplacian: 80.0,
            soft_blur_effect: 0.36,
            max_glare_fraction: 0.01,
            min_brightness: 28.0,
            max_overexposed_fraction: 0.40,
            tight_margin: 0.01,
            min_coverage: 0.10,
            white_background_luma: 215.0,
            ..Self::default_profile()
        }
    }

    /// A profile by name: `default`, `strict` or `lenient`.
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "default" => Some(Self::default_profile()),
            "strict" => Some(Self::strict()),
            "lenient" => Some(Self::lenient()),
            _ => None,
        }
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Self::default_profile()
    }
}

/// Everything that decides a verdict and an output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    /// The document class. Default `IdCard`.
    pub class: DocumentClass,
    /// Input limits. Default `Limits::default()`.
    pub limits: Limits,
    /// Output encoding. Default `EncodeOptions::default()`.
    pub encode: EncodeOptions,
    /// Capture-quality thresholds. Default `Thresholds::default_profile()`.
    pub thresholds: Thresholds,
    /// Whether to look for faces (weighed by `Thresholds::face_severity`): the holder's
    /// portrait on a document (`portrait_not_found`), one clear face in a selfie
    /// (`selfie_*`). `false` skips the search (no cost). Default `true`; the back of an ID
    /// card carries no portrait, so `package` sets `false` for `--id-back`, and so does a
    /// caller checking a back alone.
    pub faces: bool,
    /// Whether to look for the machine-readable zone on a document (`metrics.mrz`,
    /// `mrz_*` and `document_expired`). `false` skips it (no cost). Default `true`.
    pub mrz: bool,
    /// The day `document_expired` compares a valid MRZ's expiry with, `(year, month,
    /// day)`. Default `None`: today's date (UTC) when the image is checked.
    pub today: Option<(i32, u32, u32)>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::for_class(DocumentClass::IdCard)
    }
}

impl Policy {
    /// The default policy for `class`.
    pub fn for_class(class: DocumentClass) -> Self {
        Policy {
            class,
            limits: Limits::default(),
            encode: EncodeOptions::default(),
            thresholds: Thresholds::default(),
            faces: true,
            mrz: true,
            today: None,
        }
    }

    /// The default policy for `class` with a named threshold profile (`default`, `strict`,
    /// `lenient`).
    pub fn with_profile(class: DocumentClass, profile: &str) -> Option<Self> {
        Some(Policy {
            thresholds: Thresholds::named(profile)?,
            ..Policy::for_class(class)
        })
    }

    /// The inclusive byte window an output must land in for this class: documents use
    /// `min_bytes..=max_bytes`; selfie and liveness images have no minimum.
    pub fn byte_window(&self) -> (u64, u64) {
        let min = if self.class.is_document() {
            self.encode.min_bytes
        } else {
            0
        };
        (min, self.encode.max_bytes)
    }
}
