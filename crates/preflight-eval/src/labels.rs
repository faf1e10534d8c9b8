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
    /// Labelled positive, reported (warn or reject).
    pub tp: usize,
    /// Labelled negative, reported.
    pub fp: usize,
    /// Labelled positive, not reported.
    #[serde(rename = "fn")]
    pub fn_: usize,
    /// Labelled negative, not reported.
    pub tn: usize,
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
    /// Every row.
    pub rows: Vec<Row>,
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

struct Parsed {
    file: String,
    group: String,
    kind: String,
    class: DocumentClass,
    truth: Truth,
}

/// `yes`/`1` → true, `no`/`0` → false, anything else (empty, `uncertain`) → not labelled.
fn flag(v: Option<&&str>) -> Option<bool> {
    match v.map(|s| s.trim()) {
        Some("yes" | "1" | "true") => Some(true),
        Some("no" | "0" | "false") => Some(false),
        _ => None,
    }
}

/// `x,y;x,y;x,y;x,y`.
fn parse_quad(s: &str) -> Option<[[f64; 2]; 4]> {
    let mut q = [[0.0; 2]; 4];
    let mut n = 0;
    for (dst, p) in q.iter_mut().zip(s.split(';')) {
        let (x, y) = p.split_once(',')?;
        *dst = [x.trim().parse().ok()?, y.trim().parse().ok()?];
        n += 1;
    }
    (n == 4 && s.split(';').count() == 4).then_some(q)
}

fn parse_row(schema: Schema, row: &BTreeMap<&str, &str>) -> Result<Parsed, String> {
    let get = |k: &str| row.get(k).copied().unwrap_or_default();
    let file = get("file").to_string();
    if file.is_empty() {
        return Err("a row without `file`".into());
    }
    let passport = |s: &str| s.starts_with("passport");
    let (class, group, truth) = match schema {
        Schema::Photos => {
            let in_frame = get("doc_in_frame") == "yes";
            let mut t = Truth {
                quad: parse_quad(get("quad_xy")),
                cut_off: Some(!in_frame),
                blurry: flag(row.get("blur")),
                glare: flag(row.get("glare")),
                occluded: flag(row.get("occluded")),
                ..Truth::default()
            };
            t.good = in_frame && t.blurry == Some(false) && t.occluded == Some(false);
            let class = if passport(get("doc_type")) {
                DocumentClass::Passport
            } else {
                DocumentClass::IdCard
            };
            (class, get("split_group").to_string(), t)
        }
        Schema::Renderer => {
            let mut t = Truth {
                quad: parse_quad(get("quad")),
                cut_off: flag(row.get("cut_off")),
                cut_edges: crate::canonical_edges(
                    get("cut_edges").split('|').filter(|e| !e.is_empty()),
                ),
                tight: flag(row.get("tight")),
                glare: flag(row.get("glare")),
                blurry: flag(row.get("blurry")),
                too_much_background: flag(row.get("too_much_background")),
                white_background: flag(row.get("white_background")),
                ..Truth::default()
            };
            let no = |v: Option<bool>| v == Some(false);
            t.good = no(t.cut_off)
                && no(t.tight)
                && no(t.glare)
                && no(t.blurry)
                && no(t.too_much_background)
                && flag(row.get("resolution_ok")) == Some(true);
            let class = if passport(get("doc_class")) {
                DocumentClass::Passport
            } else {
                DocumentClass::IdCard
            };
            (class, file.clone(), t)
        }
        Schema::Documents => {
            let doc_type = get("doc_type");
            let t = Truth {
                cut_off: flag(row.get("doc_in_frame")).map(|in_frame| !in_frame),
                tight: flag(row.get("tightly_cropped")),
                glare: flag(row.get("glare")),
                occluded: flag(row.get("occluded")),
                // Specimen scans are cropped to the page: the service wants background
                // around the document, so none counts as a good capture.
                ..Truth::default()
            };
            let class = if passport(doc_type) || doc_type == "visa" {
                DocumentClass::Passport
            } else {
                DocumentClass::IdCard
            };
            let group = match get("group") {
                "" => file.clone(),
                g => g.to_string(),
            };
            (class, group, t)
        }
    };
    Ok(Parsed {
        file,
        group,
        kind: get("kind").to_string(),
        class,
        truth,
    })
}

/// The label of `check` in `t`, if any.
fn label(check: Check, t: &Truth) -> Option<bool> {
    match check {
        Check::DocumentCutOff => t.cut_off,
        Check::TightlyCropped => t.tight,
        Check::Glare => t.glare,
        Check::Blurry => t.blurry,
        Check::TooMuchBackground => t.too_much_background,
        Check::WhiteBackground => t.white_background,
        _ => None,
    }
}

fn score(labels: &Path, schema: Schema, split: Split, rows: Vec<Row>) -> LabelledSet {
    let capture_codes: Vec<&str> = Check::ALL.iter().map(|c| c.code()).collect();
    let mut checks = Vec::new();
    for check in Check::ALL {
        let mut c = CheckRow {
            check: check.code(),
            ..CheckRow::default()
        };
        let mut labelled = false;
        for row in rows.iter().filter(|r| !r.observed.is_error()) {
            let seen = row.observed.has(check.code());
            if row.truth.good {
                c.good_flagged += usize::from(seen);
                c.good_rejected += usize::from(row.observed.rejects_for(check.code()));
            }
            if let Some(truth) = label(check, &row.truth) {
                labelled = true;
                match (truth, seen) {
                    (true, true) => c.tp += 1,
                    (false, true) => c.fp += 1,
                    (true, false) => c.fn_ += 1,
                    (false, false) => c.tn += 1,
                }
            }
        }
        c.precision = ratio(c.tp, c.tp + c.fp);
        c.recall = ratio(c.tp, c.tp + c.fn_);
        if labelled || c.good_flagged > 0 {
            checks.push(c);
        }
    }
    let good: Vec<&Row> = rows.iter().filter(|r| r.truth.good).collect();
    let mut good_reject_codes = BTreeMap::new();
    let mut good_rejected = 0;
    for row in &good {
        let codes: Vec<&str> = if row.observed.is_error() {
            vec!["error"]
        } else {
            row.observed
                .findings
                .iter()
                .filter(|f| f.severity == "reject" && capture_codes.contains(&f.code.as_str()))
                .map(|f| f.code.as_str())
                .collect()
        };
        good_rejected += usize::from(!codes.is_empty());
        for code in codes {
            *good_reject_codes.entry(code.to_string()).or_default() += 1;
        }
    }
    let cut_edges_exact = (schema == Schema::Renderer).then(|| {
        let cut: Vec<&Row> = rows
            .iter()
            .filter(|r| r.truth.cut_off == Some(true) && r.truth.tight == Some(false))
            .collect();
        let exact = cut
            .iter()
            .filter(|r| r.observed.cut_edges() == r.truth.cut_edges)
            .count();
        (exact, cut.len())
    });
    let ious: Vec<f64> = rows.iter().filter_map(|r| r.iou).collect();
    let iou = IouStats {
        cases: ious.len(),
        missing: rows
            .iter()
            .filter(|r| r.iou.is_some() && r.observed.quad.is_none())
            .count(),
        median: percentile(&ious, 0.5),
        p10: percentile(&ious, 0.1),
        mean: (!ious.is_empty()).then(|| ious.iter().sum::<f64>() / ious.len() as f64),
    };
    LabelledSet {
        labels: labels.display().to_string(),
        schema,
        split,
        images: rows.len(),
        errors: rows.iter().filter(|r| r.observed.is_error()).count(),
        good: good.len(),
        good_rejected,
        good_rejected_rate: ratio(good_rejected, good.len()),
        good_reject_codes,
        checks,
        cut_edges_exact,
        iou,
        rows,
    }
}

impl LabelledSet {
    /// The rows the checks got wrong: a labelled check missed or reported against its
    /// label, a good capture rejected, an image not evaluated, a quad with IoU below 0.85.
    pub fn failures(&self) -> Vec<(&Row, String)> {
        let mut out = Vec::new();
        for row in &self.rows {
            let mut what = Vec::new();
            if row.observed.is_error() {
                what.push("not evaluated".to_string());
            } else {
                for check in Check::ALL {
                    match (label(check, &row.truth), row.observed.has(check.code())) {
                        (Some(true), false) => what.push(format!("missed {}", check.code())),
                        (Some(false), true) => what.push(format!("false {}", check.code())),
                        _ => {}
                    }
                }
                if row.truth.good && row.observed.rejects() {
                    what.push("good capture rejected".into());
                }
            }
            if let Some(iou) = row.iou.filter(|&v| v < 0.85) {
                what.push(format!("quad IoU {iou:.2}"));
            }
            if !what.is_empty() {
                out.push((row, what.join("; ")));
            }
        }
        out
    }

    /// The set as Markdown: a summary line, the per-check table, the failures.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let split = match self.split {
            Split::All => "all rows",
            Split::Tune => "tuning rows",
            Split::Check => "held-out rows",
        };
        let _ = writeln!(s, "### `{}` ({split})\n", self.labels);
        let _ = writeln!(
            s,
            "{} images ({} not evaluated); good captures rejected by a capture check: \
             **{} of {}** ({}){}; quad IoU (document fully in frame, {} images, {} without a \
             quad): median {}, 10th percentile {}.\n",
            self.images,
            self.errors,
            self.good_rejected,
            self.good,
            crate::pct(self.good_rejected_rate),
            if self.good_reject_codes.is_empty() {
                String::new()
            } else {
                format!(
                    " — {}",
                    self.good_reject_codes
                        .iter()
                        .map(|(c, n)| format!("{c} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
            self.iou.cases,
            self.iou.missing,
            crate::fmt3(self.iou.median),
            crate::fmt3(self.iou.p10),
        );
        if let Some((exact, n)) = self.cut_edges_exact {
            let _ = writeln!(s, "Cut-off edges exactly right: {exact} of {n}.\n");
        }
        s.push_str(
            "| check | TP | FP | FN | TN | precision | recall | good flagged | good rejected |\n",
        );
        s.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for c in &self.checks {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |",
                c.check,
                c.tp,
                c.fp,
                c.fn_,
                c.tn,
                crate::fmt3(c.precision),
                crate::fmt3(c.recall),
                c.good_flagged,
                c.good_rejected
            );
        }
        let failures = self.failures();
        if !failures.is_empty() {
            let _ = writeln!(s, "\n{} images with a disagreement:\n", failures.len());
            s.push_str("| image | class | what | report |\n|---|---|---|---|\n");
            for (row, what) in failures {
                let _ = writeln!(
                    s,
                    "| `{}` | {} | {what} | {} |",
                    row.file,
                    row.class,
                    row.observed.summary()
                );
            }
        }
        s
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
mod tests {
    use super::*;

    #[test]
    fn quads_parse_only_with_four_corners() {
        assert_eq!(
            parse_quad("1,2;3,4;5,6;-7,8.5"),
            Some([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [-7.0, 8.5]])
        );
        assert_eq!(parse_quad("1,2;3,4;5,6"), None);
        assert_eq!(parse_quad("1,2;3,4;5,6;7,8;9,9"), None);
        assert_eq!(parse_quad(""), None);
    }

    #[test]
    fn uncertain_labels_are_left_out() {
        assert_eq!(flag(Some(&"yes")), Some(true));
        assert_eq!(flag(Some(&"0")), Some(false));
        assert_eq!(flag(Some(&"uncertain")), None);
        assert_eq!(flag(None), None);
    }

    #[test]
    fn the_split_holds_out_about_one_group_in_three_and_is_stable() {
        let groups: Vec<String> = (0..3000).map(|i| format!("group/{i}")).collect();
        let held = groups.iter().filter(|g| Split::Check.keeps(g)).count();
        assert!((900..1100).contains(&held), "{held}");
        assert!(groups
            .iter()
            .all(|g| Split::Tune.keeps(g) != Split::Check.keeps(g)));
        // The hash is fixed: FNV-1a of "a".
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
