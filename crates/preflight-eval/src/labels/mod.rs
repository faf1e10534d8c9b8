//! Labelled folders: the checks measured on captures the project did not make.
//!
//! A `labels.csv` names one image per row and says what is true of it. Three schemas are
//! read, told apart by their columns (../shared/data/README.md describes them):
//!
//! - **photos** (`quad_xy`, `doc_in_frame`, `blur`, `occluded`, `glare`, `split_group`): real
//!   phone photos of documents; the quad's corners in stored pixels (no EXIF), possibly
//!   outside the frame.
//! - **renderer** (`quad`, `cut_off`, `cut_edges`, `tight`, `glare`, `blurry`,
//!   `too_much_background`, `white_background`, `resolution_ok`): another program's
//!   synthetic captures; the quad in upright pixels.
//! - **documents** (`doc_type`, `doc_in_frame`, `tightly_cropped`): flat scans and renders
//!   of specimen documents, mostly cropped to the page.
//!
//! Every labelled check is scored (precision, recall, share of good captures flagged and
//! rejected), plus the quad IoU where the document lies fully in the frame. A label that is
//! missing or `uncertain` leaves that check out for that image. Rows split into a tuning
//! part and a held-out part by a hash of their group (one physical document, or one file),
//! so a threshold tuned on one part can be checked on the other.

use crate::{percentile, polygon_iou, ratio, Check, IouStats, Observed};
use kyc_preflight::{DocumentClass, Policy};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod markdown;
mod parse;
mod score;

use parse::*;
use score::*;

/// Which `labels.csv` layout a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Schema {
    /// Real photos: `quad_xy`, `doc_in_frame`, `blur`, `occluded`, `glare`.
    Photos,
    /// A second renderer: `quad`, `cut_off`, `tight`, `glare`, `blurry`, ...
    Renderer,
    /// Specimen scans: `doc_type`, `doc_in_frame`, `tightly_cropped`.
    Documents,
}

impl Schema {
    fn detect(header: &csv::StringRecord) -> Option<Schema> {
        let has = |c: &str| header.iter().any(|h| h == c);
        if has("quad") && has("cut_off") {
            Some(Schema::Renderer)
        } else if has("quad_xy") && has("doc_in_frame") && has("blur") {
            Some(Schema::Photos)
        } else if has("doc_type") && has("tightly_cropped") {
            Some(Schema::Documents)
        } else {
            None
        }
    }
}

/// Which rows to score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    /// Every row.
    #[default]
    All,
    /// The rows thresholds may be tuned on (two groups in three).
    Tune,
    /// The held-out rows (one group in three).
    Check,
}

impl Split {
    /// Parse `all`, `tune` or `check`.
    pub fn parse(s: &str) -> Option<Split> {
        match s {
            "all" => Some(Split::All),
            "tune" => Some(Split::Tune),
            "check" => Some(Split::Check),
            _ => None,
        }
    }

    fn keeps(self, group: &str) -> bool {
        let held_out = fnv1a(group.as_bytes()) % 3 == 2;
        match self {
            Split::All => true,
            Split::Tune => !held_out,
            Split::Check => held_out,
        }
    }
}

/// FNV-1a, 64 bit: a fixed, documented hash for the split (not `DefaultHasher`, whose
/// output may change between Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What the labels say of one image. `None`: not labelled (or `uncertain`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Truth {
    /// The document's corners (TL, TR, BR, BL) in upright pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quad: Option<[[f64; 2]; 4]>,
    /// Part of the document lies outside the frame.
    pub cut_off: Option<bool>,
    /// The frame edges that cut it (renderer labels), canonical order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cut_edges: Vec<String>,
    /// The frame is cropped to (or inside) the document's edges.
    pub tight: Option<bool>,
    /// A reflection washes out part of the document.
    pub glare: Option<bool>,
    /// The document is out of focus or moved.
    pub blurry: Option<bool>,
    /// The document is small in the frame.
    pub too_much_background: Option<bool>,
    /// The document lies on a white surface.
    pub white_background: Option<bool>,
    /// Fingers or objects cover part of the document (no check scores this yet).
    pub occluded: Option<bool>,
    /// The document shows its holder's portrait (in the frame).
    pub portrait: Option<bool>,
    /// The document prints a machine-readable zone, in the frame.
    pub mrz: Option<bool>,
    /// The labels describe a capture the service should accept.
    pub good: bool,
}

/// One labelled image and what the report said of it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Path as written in the CSV.
    pub file: String,
    /// The split group.
    pub group: String,
    /// The labels' `kind` column (`scan`, `render`, `photo`, ...), empty when absent.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// The document class it was checked with.
    pub class: &'static str,
    /// What the labels say.
    pub truth: Truth,
    /// What the report said.
    pub observed: Observed,
    /// IoU of the reported quad with the labelled one (document fully in frame only; a
    /// missing quad scores 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iou: Option<f64>,
}

/// One check over one labelled set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckRow {
    /// The finding code.
    pub check: &'static str,
    /// Labelled positive or negative against reported (warn or reject) or not.
    #[serde(flatten)]
    pub counts: crate::score::Confusion,
    /// TP / (TP + FP).
    pub precision: Option<f64>,
    /// TP / (TP + FN).
    pub recall: Option<f64>,
    /// Good captures with this finding at warn or reject.
    pub good_flagged: usize,
    /// Good captures with this finding at reject.
    pub good_rejected: usize,
}

/// A labelled set, scored.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledSet {
    /// The labels file.
    pub labels: String,
    /// Its layout.
    pub schema: Schema,
    /// Which rows were scored.
    pub split: Split,
    /// Rows scored.
    pub images: usize,
    /// Rows that could not be evaluated (error verdict); listed in `failures`.
    pub errors: usize,
    /// Good captures (see [`Truth::good`]).
    pub good: usize,
    /// Good captures rejected by a capture-quality check ([`Check`]).
    pub good_rejected: usize,
    /// `good_rejected / good`.
    pub good_rejected_rate: Option<f64>,
    /// Good captures per reject code.
    pub good_reject_codes: BTreeMap<String, usize>,
    /// Every check that has labels in this set, plus the unlabelled capture checks
    /// (counted on good captures only).
    pub checks: Vec<CheckRow>,
    /// Cut-off captures whose reported edges equal the labelled ones (renderer only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_edges_exact: Option<(usize, usize)>,
    /// Quad IoU where the document lies fully in the frame.
    pub iou: IouStats,
    /// The machine-readable zone, where the labels say whether the document prints one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrz: Option<MrzStats>,
    /// Every row.
    pub rows: Vec<Row>,
}

/// The machine-readable zone over a labelled set (images evaluated, labelled `mrz`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MrzStats {
    /// Documents that print a zone in the frame.
    pub with_zone: usize,
    /// ... on which a band was found.
    pub found: usize,
    /// ... and read (characters large enough on the analysis plane).
    pub read: usize,
    /// ... and read valid (every check digit holds).
    pub valid: usize,
    /// ... with an `mrz_*` finding (warn or reject).
    pub flagged: usize,
    /// Documents that print none.
    pub without_zone: usize,
    /// ... on which a band was reported anyway.
    pub false_band: usize,
    /// ... with an `mrz_*` finding.
    pub false_flagged: usize,
}

/// Read `labels` (any of the three schemas), check every row of `split` with the class its
/// labels name (thresholds from `profile`), on `jobs` threads (0 = all cores), and score.
/// Image paths are relative to the CSV's folder, or to its parent (the documents schema).
pub fn run(labels: &Path, split: Split, profile: &str, jobs: usize) -> Result<LabelledSet, String> {
    let mut reader =
        csv::Reader::from_path(labels).map_err(|e| format!("{}: {e}", labels.display()))?;
    let header = reader
        .headers()
        .map_err(|e| format!("{}: {e}", labels.display()))?
        .clone();
    let schema = Schema::detect(&header).ok_or_else(|| {
        format!(
            "{}: unknown labels layout (columns: {})",
            labels.display(),
            header.iter().collect::<Vec<_>>().join(",")
        )
    })?;
    let folder = labels.parent().unwrap_or(Path::new("."));
    let mut items = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", labels.display()))?;
        let row: BTreeMap<&str, &str> = header.iter().zip(record.iter()).collect();
        let item = parse_row(schema, &row)?;
        if split.keeps(&item.group) {
            items.push(item);
        }
    }
    let check_one = |item: Parsed| -> Row {
        let policy = Policy::with_profile(item.class, profile).unwrap_or_default();
        let path = resolve(folder, &item.file);
        let observed = match kyc_preflight::read_file(&path, policy.limits.max_input_bytes) {
            Ok(data) => {
                Observed::from_report(&kyc_preflight::check_isolated(&data, &item.file, &policy))
            }
            Err(e) => Observed::failed(e.code(), e.message().to_string()),
        };
        let fully_in = item.truth.cut_off == Some(false) && item.truth.tight != Some(true);
        let iou = match (&item.truth.quad, fully_in) {
            (Some(truth), true) => Some(
                observed
                    .quad
                    .map_or(0.0, |q| polygon_iou(&q, truth).clamp(0.0, 1.0)),
            ),
            _ => None,
        };
        Row {
            file: item.file,
            group: item.group,
            kind: item.kind,
            class: item.class.as_str(),
            truth: item.truth,
            observed,
            iou,
        }
    };
    let work = || {
        items
            .into_par_iter()
            .with_max_len(1)
            .map(check_one)
            .collect()
    };
    let rows: Vec<Row> = match rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    };
    Ok(score(labels, schema, split, rows))
}

/// Where a CSV row's image lies: relative to the CSV's folder, or to its parent.
pub fn resolve(folder: &Path, file: &str) -> PathBuf {
    let here = folder.join(file);
    match folder.parent() {
        Some(up) if !here.exists() && up.join(file).exists() => up.join(file),
        _ => here,
    }
}

/// The labelled sets found under a data folder (`../shared/data`): the real photos, the
/// second renderer's captures and the specimen documents, in that order; absent ones are
/// left out.
pub fn sets_under(dir: &Path) -> Vec<PathBuf> {
    [
        "photos/dlc2021_dev/labels.csv",
        "synth_v2_dev/labels.csv",
        "documents/labels.csv",
    ]
    .iter()
    .map(|p| dir.join(p))
    .filter(|p| p.is_file())
    .collect()
}

#[cfg(test)]
mod tests;
