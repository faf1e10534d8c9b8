//! Scoring a labelled set: per check, IoU, good captures, failures.

use super::*;

/// The label of `check` in `t`, if any.
pub(super) fn label(check: Check, t: &Truth) -> Option<bool> {
    match check {
        Check::DocumentCutOff => t.cut_off,
        Check::TightlyCropped => t.tight,
        Check::Glare => t.glare,
        Check::Blurry => t.blurry,
        Check::TooMuchBackground => t.too_much_background,
        Check::WhiteBackground => t.white_background,
        Check::PortraitNotFound => t.portrait.map(|p| !p),
        _ => None,
    }
}

pub(super) fn score(labels: &Path, schema: Schema, split: Split, rows: Vec<Row>) -> LabelledSet {
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
                c.counts.count(truth, seen);
            }
        }
        c.precision = c.counts.precision();
        c.recall = c.counts.recall();
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
    let mrz_codes = [
        kyc_preflight::FindingCode::MrzNotFound.as_str(),
        kyc_preflight::FindingCode::MrzCutOff.as_str(),
        kyc_preflight::FindingCode::MrzUnreadable.as_str(),
    ];
    let mut mrz = MrzStats::default();
    for row in rows.iter().filter(|r| !r.observed.is_error()) {
        let flagged = mrz_codes.iter().any(|c| row.observed.has(c));
        match row.truth.mrz {
            Some(true) => {
                mrz.with_zone += 1;
                mrz.found += usize::from(row.observed.mrz.is_some());
                mrz.read += usize::from(row.observed.mrz.is_some_and(|v| v.is_some()));
                mrz.valid += usize::from(row.observed.mrz == Some(Some(true)));
                mrz.flagged += usize::from(flagged);
            }
            Some(false) => {
                mrz.without_zone += 1;
                mrz.false_band += usize::from(row.observed.mrz.is_some());
                mrz.false_flagged += usize::from(flagged);
            }
            None => {}
        }
    }
    let mrz = (mrz.with_zone + mrz.without_zone > 0).then_some(mrz);
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
        mrz,
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
}
