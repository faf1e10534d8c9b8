//! What each synthetic case is expected to show, from its variant and ground truth.

use super::*;

/// A capture-quality check, named by its finding code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// `document_not_found`
    DocumentNotFound,
    /// `document_cut_off`
    DocumentCutOff,
    /// `tightly_cropped`
    TightlyCropped,
    /// `too_much_background`
    TooMuchBackground,
    /// `white_background`
    WhiteBackground,
    /// `wrong_orientation`
    WrongOrientation,
    /// `glare`
    Glare,
    /// `blurry`
    Blurry,
    /// `too_dark`
    TooDark,
    /// `overexposed`
    Overexposed,
    /// `portrait_not_found` (scored on the labelled sets only: the generator draws its
    /// portraits, which no face detector takes for a face, so it is don't-care there and the
    /// synthetic runs switch it off).
    PortraitNotFound,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 11] = [
        Check::DocumentNotFound,
        Check::DocumentCutOff,
        Check::TightlyCropped,
        Check::TooMuchBackground,
        Check::WhiteBackground,
        Check::WrongOrientation,
        Check::Glare,
        Check::Blurry,
        Check::TooDark,
        Check::Overexposed,
        Check::PortraitNotFound,
    ];

    /// The finding this check reports.
    pub fn finding(self) -> FindingCode {
        match self {
            Check::DocumentNotFound => FindingCode::DocumentNotFound,
            Check::DocumentCutOff => FindingCode::DocumentCutOff,
            Check::TightlyCropped => FindingCode::TightlyCropped,
            Check::TooMuchBackground => FindingCode::TooMuchBackground,
            Check::WhiteBackground => FindingCode::WhiteBackground,
            Check::WrongOrientation => FindingCode::WrongOrientation,
            Check::Glare => FindingCode::Glare,
            Check::Blurry => FindingCode::Blurry,
            Check::TooDark => FindingCode::TooDark,
            Check::Overexposed => FindingCode::Overexposed,
            Check::PortraitNotFound => FindingCode::PortraitNotFound,
        }
    }

    /// The finding code this check reports (its JSON spelling).
    pub fn code(self) -> &'static str {
        self.finding().as_str()
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// What a case expects of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The check must report its finding.
    Positive,
    /// The check must stay silent.
    Negative,
    /// Either is acceptable; the case is left out of this check's counts.
    DontCare,
}

impl Expect {
    /// `positive`, `negative` or `don't care`.
    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Positive => "positive",
            Expect::Negative => "negative",
            Expect::DontCare => "don't care",
        }
    }
}

/// What one case expects of every check, plus the frame edges a cut-off must name.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    per_check: [Expect; Check::ALL.len()],
    /// Frame edges (`left`, `top`, `right`, `bottom`) the `document_cut_off` finding must
    /// list: the truth's `cut_edges` (empty unless the cut-off check is positive).
    pub cut_edges: Vec<String>,
}

impl Expected {
    /// The expectations of a labelled variant:
    ///
    /// | variant | positive | don't care |
    /// |---|---|---|
    /// | `good`, `cluttered`, `tilted_*` | — | — |
    /// | `cut_off_*` | `document_cut_off` (edges = `Truth::cut_edges`) | `tightly_cropped`, `too_much_background`, `document_not_found` |
    /// | `tight` | `tightly_cropped` | `document_cut_off` |
    /// | `tiny_document` | `too_much_background` | `document_not_found` |
    /// | `glare_*` | `glare` | — |
    /// | `defocus_`/`motion_` `moderate`, `severe` | `blurry` | — |
    /// | `defocus_mild`, `motion_mild` | — | `blurry` |
    /// | `dark` | `too_dark` | `document_not_found` |
    /// | `overexposed` | `overexposed` | `glare`, `document_not_found` |
    /// | `white_surface` | `white_background` | `document_not_found` |
    ///
    /// `portrait_not_found` is don't-care everywhere (drawn portraits). Every other
    /// (check, variant) pair is negative. [`Expected::refine`] adjusts this with
    /// the rendered truth.
    pub fn for_variant(variant: Variant) -> Expected {
        use Check as C;
        let (positive, dont_care): (&[Check], &[Check]) = match variant {
            Variant::Good | Variant::Cluttered | Variant::Tilted(_) => (&[], &[]),
            Variant::CutOff(_) => (
                &[C::DocumentCutOff],
                &[C::TightlyCropped, C::TooMuchBackground, C::DocumentNotFound],
            ),
            Variant::Tight => (&[C::TightlyCropped], &[C::DocumentCutOff]),
            Variant::TinyDocument => (&[C::TooMuchBackground], &[C::DocumentNotFound]),
            Variant::Glare(_) => (&[C::Glare], &[]),
            Variant::Defocus(Strength::Mild) | Variant::Motion(Strength::Mild) => {
                (&[], &[C::Blurry])
            }
            Variant::Defocus(_) | Variant::Motion(_) => (&[C::Blurry], &[]),
            Variant::Dark => (&[C::TooDark], &[C::DocumentNotFound]),
            Variant::Overexposed => (&[C::Overexposed], &[C::Glare, C::DocumentNotFound]),
            Variant::WhiteSurface => (&[C::WhiteBackground], &[C::DocumentNotFound]),
        };
        let mut per_check = [Expect::Negative; Check::ALL.len()];
        for c in positive {
            per_check[c.index()] = Expect::Positive;
        }
        for c in dont_care.iter().chain(&[C::PortraitNotFound]) {
            per_check[c.index()] = Expect::DontCare;
        }
        let cut_edges = match variant {
            Variant::CutOff(side) => side.edges().iter().map(|e| e.to_string()).collect(),
            _ => Vec::new(),
        };
        Expected {
            per_check,
            cut_edges,
        }
    }

    /// Adjust the expectations with what was actually rendered: the cut-off edges become the
    /// truth's `cut_edges` (the generator's placement is authoritative), and
    /// `white_background` is don't-care for any variant other than `white_surface` that
    /// happened to be rendered on the white surface (the nuisance factors pick it at random).
    pub fn refine(&mut self, truth: &Truth) {
        if self.get(Check::DocumentCutOff) == Expect::Positive {
            self.cut_edges = canonical_edges(truth.cut_edges.iter().map(String::as_str));
        }
        if truth.background == Background::White
            && !truth.tight_crop
            && self.get(Check::WhiteBackground) == Expect::Negative
        {
            self.per_check[Check::WhiteBackground.index()] = Expect::DontCare;
        }
    }

    /// What this case expects of `check`.
    pub fn get(&self, check: Check) -> Expect {
        self.per_check[check.index()]
    }

    /// The checks this case is positive for.
    pub fn positives(&self) -> impl Iterator<Item = Check> + '_ {
        Check::ALL
            .into_iter()
            .filter(|c| self.get(*c) == Expect::Positive)
    }
}

impl Serialize for Expected {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(Check::ALL.len() + 1))?;
        for c in Check::ALL {
            map.serialize_entry(c.code(), &self.get(c))?;
        }
        map.serialize_entry("cut_edges", &self.cut_edges)?;
        map.end()
    }
}

/// Edges in the canonical order left, top, right, bottom, without duplicates.
pub(crate) fn canonical_edges<'a>(edges: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let edges: Vec<&str> = edges.into_iter().collect();
    ["left", "top", "right", "bottom"]
        .into_iter()
        .filter(|e| edges.contains(e))
        .map(String::from)
        .collect()
}

/// One labelled synthetic case, before it is rendered.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// The variant's label (`good`, `cut_off_top_left`, `tilted_30`, ...).
    pub label: String,
    /// The seed handed to [`SynthSpec::variant_sized`].
    pub seed: u64,
    /// The variant.
    #[serde(skip)]
    pub variant: Variant,
    /// What every check should report (refined with the truth once rendered).
    pub expected: Expected,
}

/// Every catalogued variant ([`Variant::catalogue`]) for every seed, at `width` x `height`
/// (upright). The EXIF orientation cycles through [`ORIENTATIONS`] with seed + variant index,
/// so four consecutive seeds give every variant every orientation. The captures are rendered
/// later, inside [`run`]'s workers.
pub fn synthetic_cases(seeds: Range<u64>, width: u32, height: u32) -> Vec<(Case, SynthSpec)> {
    let catalogue = Variant::catalogue();
    let mut cases = Vec::with_capacity(catalogue.len() * seeds.clone().count());
    for seed in seeds {
        for (i, &variant) in catalogue.iter().enumerate() {
            let mut spec = SynthSpec::variant_sized(seed, variant, width, height);
            spec.orientation =
                ORIENTATIONS[((seed + i as u64) % ORIENTATIONS.len() as u64) as usize];
            let case = Case {
                label: variant.label(),
                seed,
                variant,
                expected: Expected::for_variant(variant),
            };
            cases.push((case, spec));
        }
    }
    cases
}
