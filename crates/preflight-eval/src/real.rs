//! The real specimens (documents and faces under ../shared/data): no crash, and what each
//! was expected to get.

use super::*;
use kyc_preflight::DocumentClass;

/// One real file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealRow {
    /// Path relative to the data folder.
    pub file: String,
    /// A short description from the labels.
    pub label: String,
    /// What was expected of it.
    pub expectation: &'static str,
    /// Whether the expectation was met.
    pub met: bool,
    /// `pass`, `warn`, `reject`, `error`, or `crash` (a panic escaped `check`).
    pub verdict: String,
    /// What the report said.
    pub observed: Observed,
}

/// The results over one labels file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RealSet {
    /// `documents`, `faces` (checked as ID cards: no document to claim) or `selfies` (the
    /// faces checked as selfies: one face, two, none).
    pub name: &'static str,
    /// Rows in the labels file.
    pub files: usize,
    /// Panics caught (must be 0).
    pub crashed: usize,
    /// Error verdicts other than `unsupported_format` (must be 0).
    pub errors: usize,
    /// Files rejected as `unsupported_format` (acceptable: not an image we take).
    pub unsupported: usize,
    /// Files per finding code (warn or reject severity).
    pub codes: BTreeMap<String, usize>,
    /// Files labelled tightly cropped (documents).
    pub tight_labelled: usize,
    /// Of those, how many got `tightly_cropped` or `document_not_found`.
    pub tight_detected: usize,
    /// Files where `document_not_found` was reported.
    pub not_found: usize,
    /// Files where a document was claimed: a quad or a cut-off without `document_not_found`,
    /// or a `pass` verdict.
    pub claims_document: usize,
    /// Files whose expectation was met.
    pub met: usize,
    /// Every file.
    pub rows: Vec<RealRow>,
}

/// Real specimens from `../shared/data`: document scans and photos without documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RealResult {
    /// The data folder.
    pub dir: String,
    /// `documents/labels.csv`, if present.
    pub documents: Option<RealSet>,
    /// `faces/labels.csv`, if present.
    pub faces: Option<RealSet>,
    /// `faces/labels.csv` again, checked as selfies.
    pub selfies: Option<RealSet>,
    /// Why a set was skipped.
    pub skipped: Vec<String>,
}

/// Rows as header → value maps (a row shorter than the header maps its first fields).
pub(crate) fn read_labels(path: &Path) -> Result<Vec<BTreeMap<String, String>>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    labels_from(file).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`read_labels`] on any reader (the `csv` crate: RFC 4180 quoting, CRLF, blank lines).
pub(crate) fn labels_from(
    input: impl std::io::Read,
) -> Result<Vec<BTreeMap<String, String>>, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = reader.headers().map_err(|e| e.to_string())?.clone();
    if header.is_empty() {
        return Err("empty".into());
    }
    reader
        .records()
        .map(|row| {
            let row = row.map_err(|e| e.to_string())?;
            Ok(header
                .iter()
                .map(String::from)
                .zip(row.iter().map(String::from))
                .collect())
        })
        .collect()
}

/// What a real file is expected to do.
#[derive(Clone, Copy)]
pub(crate) enum RealExpect {
    /// Evaluated without error (an unsupported format is acceptable).
    NoCrash,
    /// Flat scan cropped to the document: `tightly_cropped` or `document_not_found`.
    TightOrNotFound,
    /// No document in the picture: no document claimed.
    NoDocument,
    /// A selfie with this many faces: none → `selfie_no_face`; one → neither
    /// `selfie_no_face` nor `selfie_multiple_faces`; two → `selfie_multiple_faces`.
    Selfie(u32),
}

pub(crate) fn check_real(
    dir: &Path,
    name: &'static str,
    rows: &[BTreeMap<String, String>],
    policy: &Policy,
    classify: impl Fn(&BTreeMap<String, String>) -> (String, RealExpect),
) -> RealSet {
    let mut set = RealSet {
        name,
        files: rows.len(),
        ..RealSet::default()
    };
    for row in rows {
        let file = row.get("file").cloned().unwrap_or_default();
        let (label, expect) = classify(row);
        let path = dir.join(&file);
        let (observed, crashed) =
            match kyc_preflight::read_file(&path, policy.limits.max_input_bytes) {
                Ok(data) => {
                    let (obs, ms) = check_isolated(&data, &file, policy);
                    (obs, ms.is_none())
                }
                Err(e) => (Observed::failed(e.code(), e.message().to_string()), false),
            };
        let unsupported = observed.error_code.as_deref() == Some("unsupported_format");
        let failed = crashed || (observed.is_error() && !unsupported);
        set.crashed += usize::from(crashed);
        set.errors += usize::from(observed.is_error() && !unsupported && !crashed);
        set.unsupported += usize::from(unsupported);
        let mut codes: Vec<&str> = observed
            .findings
            .iter()
            .filter(|f| f.severity != "info")
            .map(|f| f.code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        for c in codes {
            *set.codes.entry(c.to_string()).or_default() += 1;
        }
        let not_found = observed.has(Check::DocumentNotFound.code());
        let claims = !observed.is_error()
            && !not_found
            && (observed.quad.is_some()
                || observed.has(Check::DocumentCutOff.code())
                || observed.verdict == "pass");
        set.not_found += usize::from(not_found);
        set.claims_document += usize::from(claims);
        let tight_seen = observed.has(Check::TightlyCropped.code()) || not_found;
        let (expectation, met) = match expect {
            RealExpect::NoCrash => ("no crash", !failed),
            RealExpect::TightOrNotFound => {
                set.tight_labelled += 1;
                set.tight_detected += usize::from(tight_seen);
                ("tight crop / edges not visible", !failed && tight_seen)
            }
            RealExpect::NoDocument => ("no document claimed", !failed && !claims),
            RealExpect::Selfie(n) => {
                let none = observed.has(FindingCode::SelfieNoFace.as_str());
                let many = observed.has(FindingCode::SelfieMultipleFaces.as_str());
                match n {
                    0 => ("`selfie_no_face`", !failed && none),
                    1 => ("one face", !failed && !none && !many),
                    _ => ("`selfie_multiple_faces`", !failed && many),
                }
            }
        };
        set.met += usize::from(met);
        set.rows.push(RealRow {
            file,
            label,
            expectation,
            met,
            verdict: if crashed {
                "crash".into()
            } else {
                observed.verdict.clone()
            },
            observed,
        });
    }
    set
}

/// Check the real specimens listed in `dir/documents/labels.csv` and `dir/faces/labels.csv`
/// (paths in the CSVs are relative to `dir`, normally `../shared/data`) with `policy`
/// (use the `id-card` class). Never fails on an image: a crash or an error is counted and
/// listed. Returns `Err(reason)` when `dir` or both labels files are absent; a single
/// missing labels file is recorded in `skipped`.
pub fn real_documents(dir: &Path, policy: &Policy) -> Result<RealResult, String> {
    if !dir.is_dir() {
        return Err(format!("{} is absent", dir.display()));
    }
    let mut result = RealResult {
        dir: dir.display().to_string(),
        ..RealResult::default()
    };
    let field = |row: &BTreeMap<String, String>, k: &str| row.get(k).cloned().unwrap_or_default();
    match read_labels(&dir.join("documents/labels.csv")) {
        Ok(rows) => {
            result.documents = Some(check_real(dir, "documents", &rows, policy, |row| {
                let doc_type = field(row, "doc_type");
                let tight = field(row, "tightly_cropped") == "1";
                let mut label = format!("{} {}", doc_type, field(row, "kind"));
                if tight {
                    label.push_str(", tight");
                }
                let expect = if tight {
                    RealExpect::TightOrNotFound
                } else if doc_type == "none" {
                    RealExpect::NoDocument
                } else {
                    RealExpect::NoCrash
                };
                (label, expect)
            }));
        }
        Err(e) => result.skipped.push(format!("documents: {e}")),
    }
    match read_labels(&dir.join("faces/labels.csv")) {
        Ok(rows) => {
            let label = |row: &BTreeMap<String, String>| {
                let n = field(row, "n_faces");
                format!("{} face{}", n, if n == "1" { "" } else { "s" })
            };
            result.faces = Some(check_real(dir, "faces", &rows, policy, |row| {
                (label(row), RealExpect::NoDocument)
            }));
            // The same pictures as selfies: the numbered images only (not the crops array),
            // and not the group photo (its 29 faces are each a few % of the frame).
            let selfie = Policy {
                class: DocumentClass::Selfie,
                faces: true,
                ..policy.clone()
            };
            let pictures: Vec<BTreeMap<String, String>> = rows
                .iter()
                .filter(|row| {
                    let n: Option<u32> = field(row, "n_faces").parse().ok();
                    !field(row, "file").ends_with(".npy") && n.is_some_and(|n| n <= 2)
                })
                .cloned()
                .collect();
            result.selfies = Some(check_real(dir, "selfies", &pictures, &selfie, |row| {
                let n = field(row, "n_faces").parse().unwrap_or(0);
                (label(row), RealExpect::Selfie(n))
            }));
        }
        Err(e) => result.skipped.push(format!("faces: {e}")),
    }
    if result.documents.is_none() && result.faces.is_none() {
        return Err(result.skipped.join("; "));
    }
    Ok(result)
}

impl RealResult {
    /// The real-specimen results as Markdown: a summary per set and a per-file table.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Real specimens (`{}`)\n", self.dir);
        for reason in &self.skipped {
            let _ = writeln!(s, "- skipped {reason}");
        }
        for set in [&self.documents, &self.faces, &self.selfies]
            .into_iter()
            .flatten()
        {
            let _ = writeln!(s, "## {}\n", set.name);
            let codes: Vec<String> = set
                .codes
                .iter()
                .map(|(c, n)| format!("`{c}` {n}"))
                .collect();
            let _ = writeln!(
                s,
                "- {} files: **{} crashed**, **{} errors**, {} unsupported format; expectation \
                 met for {}/{}.",
                set.files, set.crashed, set.errors, set.unsupported, set.met, set.files
            );
            if set.tight_labelled > 0 {
                let _ = writeln!(
                    s,
                    "- labelled tightly cropped: {}; reported `tightly_cropped` or \
                     `document_not_found`: {} ({}).",
                    set.tight_labelled,
                    set.tight_detected,
                    pct(ratio(set.tight_detected, set.tight_labelled))
                );
            }
            // A selfie is not searched for a document.
            if set.name != "selfies" {
                let _ = writeln!(
                    s,
                    "- `document_not_found` in {} ({}); a document claimed (quad, cut-off or pass \
                 without `document_not_found`) in {} ({}).",
                    set.not_found,
                    pct(ratio(set.not_found, set.files)),
                    set.claims_document,
                    pct(ratio(set.claims_document, set.files))
                );
            }
            let _ = writeln!(
                s,
                "- files per code: {}.\n",
                if codes.is_empty() {
                    "none".into()
                } else {
                    codes.join(", ")
                }
            );
            let _ = writeln!(
                s,
                "| file | label | size | verdict | found | expectation | met |"
            );
            let _ = writeln!(s, "|---|---|---|---|---|---|---|");
            for r in &set.rows {
                let size = r
                    .observed
                    .size
                    .map_or_else(|| "—".into(), |(w, h)| format!("{w}x{h}"));
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    r.file,
                    r.label,
                    size,
                    r.verdict,
                    r.observed.summary().replace('|', "\\|"),
                    r.expectation,
                    if r.met { "yes" } else { "**no**" }
                );
            }
            let _ = writeln!(s);
        }
        s
    }
}
