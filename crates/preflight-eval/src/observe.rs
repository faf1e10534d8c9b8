//! What the checks reported for a case, read from the report's JSON form.

use super::*;

/// One finding as read from the report's JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// Finding code.
    pub code: String,
    /// `info`, `warn` or `reject`.
    pub severity: String,
    /// Frame edges (cut-off).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub edges: Vec<String>,
}

/// What a report said, read through its JSON form (independent of the Rust types).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Observed {
    /// `pass`, `warn`, `reject` or `error`.
    pub verdict: String,
    /// `code: message` when the verdict is `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The error code alone, when the verdict is `error`.
    #[serde(skip)]
    pub error_code: Option<String>,
    /// Every finding.
    pub findings: Vec<Found>,
    /// `metrics.document.quad`, if reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quad: Option<[[f64; 2]; 4]>,
    /// Upright image size, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<(u32, u32)>,
    /// `metrics.blur_effect`, if reported (the document's cue behind `blurry`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blur_effect: Option<f64>,
    /// `metrics.blur`, if reported (the frame's fine detail, the other cue behind `blurry`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blur: Option<f64>,
    /// `metrics.document.support`, if reported (how much of the outline's real sides is
    /// edge: what a cut-off claim rests on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub support: Option<f64>,
    /// `metrics.mrz`, if a band was found: `Some(valid)` (`valid` itself `None` when the
    /// band was not read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrz: Option<Option<bool>>,
}

impl Observed {
    /// Read a report.
    pub fn from_report(report: &Report) -> Observed {
        let v = serde_json::to_value(report).unwrap_or(Value::Null);
        Self::from_json(&v)
    }

    /// Read a report's JSON form.
    pub fn from_json(v: &Value) -> Observed {
        let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let findings = v["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|f| Found {
                        code: s(&f["code"]),
                        severity: s(&f["severity"]),
                        edges: f["edges"]
                            .as_array()
                            .map(|e| e.iter().map(s).collect())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let quad = v["metrics"]["document"]["quad"].as_array().and_then(|pts| {
            let mut q = [[0.0; 2]; 4];
            if pts.len() != 4 {
                return None;
            }
            for (dst, p) in q.iter_mut().zip(pts) {
                *dst = [p[0].as_f64()?, p[1].as_f64()?];
            }
            Some(q)
        });
        let size = match (v["image"]["width"].as_u64(), v["image"]["height"].as_u64()) {
            (Some(w), Some(h)) => Some((w as u32, h as u32)),
            _ => None,
        };
        let error_code = v["error"]["code"].as_str().map(String::from);
        Observed {
            verdict: s(&v["verdict"]),
            error: error_code
                .as_ref()
                .map(|c| format!("{c}: {}", s(&v["error"]["message"]))),
            error_code,
            findings,
            quad,
            size,
            blur_effect: v["metrics"]["blur_effect"].as_f64(),
            blur: v["metrics"]["blur"].as_f64(),
            support: v["metrics"]["document"]["support"].as_f64(),
            mrz: v["metrics"]["mrz"]
                .is_object()
                .then(|| v["metrics"]["mrz"]["valid"].as_bool()),
        }
    }

    /// An observation for an input that could not be evaluated at all.
    pub(crate) fn failed(code: &str, message: String) -> Observed {
        Observed {
            verdict: "error".into(),
            error: Some(format!("{code}: {message}")),
            error_code: Some(code.into()),
            ..Observed::default()
        }
    }

    /// True when a finding with `code` was reported at warn or reject severity.
    pub fn has(&self, code: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.code == code && f.severity != "info")
    }

    /// True when a finding with `code` was reported at reject severity.
    pub fn rejects_for(&self, code: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.code == code && f.severity == "reject")
    }

    /// True when any finding has reject severity.
    pub fn rejects(&self) -> bool {
        self.findings.iter().any(|f| f.severity == "reject")
    }

    /// True when the input could not be evaluated.
    pub fn is_error(&self) -> bool {
        self.verdict == "error"
    }

    /// The edges named by the `document_cut_off` finding(s), canonical order.
    pub fn cut_edges(&self) -> Vec<String> {
        canonical_edges(
            self.findings
                .iter()
                .filter(|f| f.code == Check::DocumentCutOff.code())
                .flat_map(|f| f.edges.iter().map(String::as_str)),
        )
    }

    /// The warn and reject findings, e.g. `glare(reject), file_too_small(warn)`, or the error.
    pub fn summary(&self) -> String {
        if let Some(e) = &self.error {
            return format!("error {e}");
        }
        let parts: Vec<String> = self
            .findings
            .iter()
            .filter(|f| f.severity != "info")
            .map(|f| {
                if f.edges.is_empty() {
                    format!("{}({})", f.code, f.severity)
                } else {
                    format!("{}({}; {})", f.code, f.severity, f.edges.join("+"))
                }
            })
            .collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }
}
