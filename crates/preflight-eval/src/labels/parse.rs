//! One `labels.csv` row of any schema to a [`Truth`].

use super::*;

pub(super) struct Parsed {
    pub(super) file: String,
    pub(super) group: String,
    pub(super) kind: String,
    pub(super) class: DocumentClass,
    pub(super) truth: Truth,
}

/// `yes`/`1` → true, `no`/`0` → false, anything else (empty, `uncertain`) → not labelled.
pub(super) fn flag(v: Option<&&str>) -> Option<bool> {
    match v.map(|s| s.trim()) {
        Some("yes" | "1" | "true") => Some(true),
        Some("no" | "0" | "false") => Some(false),
        _ => None,
    }
}

/// `x,y;x,y;x,y;x,y`.
pub(super) fn parse_quad(s: &str) -> Option<[[f64; 2]; 4]> {
    let mut q = [[0.0; 2]; 4];
    let mut n = 0;
    for (dst, p) in q.iter_mut().zip(s.split(';')) {
        let (x, y) = p.split_once(',')?;
        *dst = [x.trim().parse().ok()?, y.trim().parse().ok()?];
        n += 1;
    }
    (n == 4 && s.split(';').count() == 4).then_some(q)
}

pub(super) fn parse_row(schema: Schema, row: &BTreeMap<&str, &str>) -> Result<Parsed, String> {
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
                // Every document type of the set (DLC-2021's mock IDs and passports)
                // prints its holder's portrait on the side photographed; a document cut
                // by the frame may have lost it, so those are not labelled.
                portrait: in_frame.then_some(true),
                // The mock passports print a TD3 zone at the foot of the data page; the ID
                // cards' fronts and the internal passport's page print none (seen on the
                // first frame of each type).
                mrz: in_frame.then(|| passport(get("doc_type"))),
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
                portrait: flag(row.get("face_on_doc")),
                mrz: flag(row.get("has_mrz"))
                    .filter(|_| flag(row.get("doc_in_frame")) != Some(false)),
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
