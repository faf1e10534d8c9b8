//! The public types: the spec of a capture, its variants and the ground truth.

use crate::*;

/// Kind of document drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// ID-1 card, 85.60 x 53.98 mm, rounded corners (r = 3.18 mm).
    #[default]
    IdCard,
    /// Passport data page, 125 x 88 mm, with a two-line MRZ at the bottom.
    Passport,
}

impl DocKind {
    /// Physical size (width, height) in millimetres, landscape as printed.
    pub fn size_mm(self) -> (f32, f32) {
        match self {
            DocKind::IdCard => (85.60, 53.98),
            DocKind::Passport => (125.0, 88.0),
        }
    }

    /// Corner radius in millimetres.
    pub fn corner_radius_mm(self) -> f32 {
        match self {
            DocKind::IdCard => 3.18,
            DocKind::Passport => 2.5,
        }
    }

    /// Width / height.
    pub fn aspect(self) -> f32 {
        let (w, h) = self.size_mm();
        w / h
    }
}

/// Surface the document lies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Background {
    /// Wood planks with grain; colour, plank width and ring frequency vary.
    #[default]
    Wood,
    /// Dark desk / cloth (luma ~20-55).
    Dark,
    /// Light grey / beige surface (luma ~150-200).
    Light,
    /// Near-white surface (luma ~228-245), low contrast with the card.
    White,
    /// Checkerboard, stripes or plaid.
    Pattern,
    /// A desk with other objects: papers, phone, pens, coins, mug, notebook.
    Clutter,
    /// Woven cloth with a fine noise texture.
    Fabric,
}

impl Background {
    /// All kinds, in declaration order.
    pub const ALL: [Background; 7] = [
        Background::Wood,
        Background::Dark,
        Background::Light,
        Background::White,
        Background::Pattern,
        Background::Clutter,
        Background::Fabric,
    ];
}

/// Shape of a specular highlight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GlareShape {
    #[default]
    /// Round spot.
    Round,
    /// Elongated highlight (length = 2 x radius, width ~ radius / 2).
    Streak,
}

/// A bright specular spot on the document surface.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GlareSpot {
    /// Centre in document-relative coordinates (0..1, 0..1), (0,0) = top-left as printed.
    pub center: (f32, f32),
    /// Radius as a fraction of the document width.
    pub radius: f32,
    /// Round or streak.
    pub shape: GlareShape,
    /// 0..1; 1 saturates the core to 255.
    pub strength: f32,
    /// Direction of a streak relative to the document's x axis, in degrees.
    #[serde(default)]
    pub angle_deg: f32,
}

impl GlareSpot {
    /// A round, saturating spot.
    pub fn round(cx: f32, cy: f32, radius: f32) -> Self {
        GlareSpot {
            center: (cx, cy),
            radius,
            shape: GlareShape::Round,
            strength: 1.0,
            angle_deg: 0.0,
        }
    }
}

/// What to render. `Default` is a clean, sharp, in-frame ID card on wood.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SynthSpec {
    /// Seed of every random choice (layout, texts, background, noise, tilt axis).
    pub seed: u64,
    /// Upright frame width in px.
    pub width: u32,
    /// Upright frame height in px.
    pub height: u32,
    /// Document kind.
    pub doc: DocKind,
    /// EXIF orientation tag to write (1..=8; 0 or >8 are written as-is, pixels stored as for 1).
    pub orientation: u16,
    /// Surface under the document.
    pub background: Background,
    /// Document's longer side as a fraction of the frame width, before tilt.
    pub doc_fraction: f32,
    /// Document centre as a fraction of the frame (x, y).
    pub center: (f32, f32),
    /// In-plane rotation in degrees (positive = clockwise on screen).
    pub rotation_deg: f32,
    /// Perspective tilt in degrees (0..=60 accepted); the axis is chosen by the seed.
    pub tilt_deg: f32,
    /// Specular highlights on the document.
    pub glare: Vec<GlareSpot>,
    /// Gaussian defocus sigma in px at a 1000 px wide frame (scaled with the frame width).
    pub defocus_sigma: f32,
    /// Motion blur length in px at a 1000 px wide frame; direction from the seed.
    pub motion_blur_px: f32,
    /// Multiplicative gain (1 = normal).
    pub exposure: f32,
    /// 0..1 strength of a smooth illumination gradient.
    pub lighting_gradient: f32,
    /// 0..1 strength of a soft drop shadow under the document.
    pub shadow: f32,
    /// Sensor noise sigma on luma (chroma gets ~0.45x).
    pub noise_sigma: f32,
    /// JPEG quality 1..=100.
    pub jpeg_quality: u8,
    /// Output the rectified document filling the whole frame (flat scan cropped to the card).
    pub tight_crop: bool,
    /// Write the Exif APP1 segment (orientation, Make, GPS). Default true.
    pub exif: bool,
}

impl Default for SynthSpec {
    fn default() -> Self {
        SynthSpec {
            seed: 0,
            width: 4000,
            height: 3000,
            doc: DocKind::IdCard,
            orientation: 1,
            background: Background::Wood,
            doc_fraction: 0.7,
            center: (0.5, 0.5),
            rotation_deg: 0.0,
            tilt_deg: 0.0,
            glare: Vec::new(),
            defocus_sigma: 0.0,
            motion_blur_px: 0.0,
            exposure: 1.0,
            lighting_gradient: 0.15,
            shadow: 0.0,
            noise_sigma: 3.0,
            jpeg_quality: 92,
            tight_crop: false,
            exif: true,
        }
    }
}

/// Rendered capture.
#[derive(Clone)]
pub struct SynthCapture {
    /// Baseline 4:2:0 JPEG of the *stored* image (see [`stored_from_upright`]).
    pub jpeg: Vec<u8>,
    /// Upright frame, RGB8, `width * height * 3` (what a viewer shows after applying orientation).
    pub upright_rgb: Vec<u8>,
    /// Upright width in px.
    pub width: u32,
    /// Upright height in px.
    pub height: u32,
    /// Ground truth.
    pub truth: Truth,
}

impl SynthCapture {
    /// Size of the stored (encoded) image: swapped for orientations 5..=8.
    pub fn stored_size(&self) -> (u32, u32) {
        stored_dims(self.width, self.height, self.truth.orientation)
    }
}

impl std::fmt::Debug for SynthCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SynthCapture")
            .field("jpeg_len", &self.jpeg.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("truth", &self.truth)
            .finish()
    }
}

/// Ground truth of a rendered capture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// Document corners in upright frame px: TL, TR, BR, BL of the document as printed
    /// (sharp-corner rectangle; may lie outside the frame).
    pub quad: [[f32; 2]; 4],
    /// Frame edges ("left", "top", "right", "bottom") beyond which part of the document lies.
    pub cut_edges: Vec<String>,
    /// area(document ∩ frame) / frame area.
    pub coverage: f32,
    /// area(document ∩ frame) / document area.
    pub visible_fraction: f32,
    /// Smallest distance from a corner to a frame edge, as a fraction of that frame
    /// dimension (negative when a corner is outside).
    pub min_margin: f32,
    /// Whether the capture is a tight crop (quad = frame).
    pub tight_crop: bool,
    /// Fraction of in-frame document pixels with final luma > 240 that are lit by glare.
    pub glare_fraction: f32,
    /// Fraction of in-frame document pixels with final luma > 240 (any cause).
    pub bright_fraction: f32,
    /// Gaussian sigma in output px.
    pub defocus_sigma_px: f32,
    /// Motion blur length in output px.
    pub motion_blur_px: f32,
    /// Motion blur direction in degrees (0 = horizontal), upright frame.
    pub motion_angle_deg: f32,
    /// Mean luma (BT.601) of the whole final upright frame.
    pub mean_luma: f32,
    /// Mean luma of the in-frame document pixels.
    pub doc_mean_luma: f32,
    /// Exposure gain used.
    pub exposure: f32,
    /// Perspective tilt used (degrees).
    pub tilt_deg: f32,
    /// In-plane rotation used (degrees).
    pub rotation_deg: f32,
    /// Background kind.
    pub background: Background,
    /// EXIF orientation tag written.
    pub orientation: u16,
    /// Document kind.
    pub doc: DocKind,
}

/// Side or corner used by [`SynthSpec::cut_off`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CutOff {
    /// Left frame edge.
    Left,
    /// Top frame edge.
    Top,
    /// Right frame edge.
    Right,
    /// Bottom frame edge.
    Bottom,
    /// Top-left corner (left and top edges).
    TopLeft,
    /// Top-right corner (top and right edges).
    TopRight,
    /// Bottom-right corner (right and bottom edges).
    BottomRight,
    /// Bottom-left corner (left and bottom edges).
    BottomLeft,
}

impl CutOff {
    /// All sides and corners.
    pub const ALL: [CutOff; 8] = [
        CutOff::Left,
        CutOff::Top,
        CutOff::Right,
        CutOff::Bottom,
        CutOff::TopLeft,
        CutOff::TopRight,
        CutOff::BottomRight,
        CutOff::BottomLeft,
    ];

    /// Frame edges crossed, in the order used by [`Truth::cut_edges`].
    pub fn edges(self) -> &'static [&'static str] {
        match self {
            CutOff::Left => &["left"],
            CutOff::Top => &["top"],
            CutOff::Right => &["right"],
            CutOff::Bottom => &["bottom"],
            CutOff::TopLeft => &["left", "top"],
            CutOff::TopRight => &["top", "right"],
            CutOff::BottomRight => &["right", "bottom"],
            CutOff::BottomLeft => &["left", "bottom"],
        }
    }

    pub(crate) fn dir(self) -> (f64, f64) {
        match self {
            CutOff::Left => (-1.0, 0.0),
            CutOff::Top => (0.0, -1.0),
            CutOff::Right => (1.0, 0.0),
            CutOff::Bottom => (0.0, 1.0),
            CutOff::TopLeft => (-1.0, -1.0),
            CutOff::TopRight => (1.0, -1.0),
            CutOff::BottomRight => (1.0, 1.0),
            CutOff::BottomLeft => (-1.0, 1.0),
        }
    }
}

/// Defect strength for [`SynthSpec::defocus`] and [`SynthSpec::motion`].
///
/// Defocus sigma at 1000 px frame width: Mild ~1.2, Moderate ~2.0, Severe ~3.5.
/// Motion length at 1000 px frame width: Mild ~5, Moderate ~10, Severe ~18.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Slight.
    Mild,
    /// Clearly visible.
    Moderate,
    /// Strong.
    Severe,
}

/// Glare spot size for [`SynthSpec::glare`]: radius as a fraction of the document
/// width, Small 0.04-0.07, Medium 0.09-0.14, Large 0.18-0.26.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GlareSize {
    /// Small spot.
    Small,
    /// Medium spot.
    Medium,
    /// Large spot.
    Large,
}

/// A labelled capture variant, for evaluation harnesses.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// Clean capture.
    Good,
    /// Document crossing a frame edge or corner.
    CutOff(CutOff),
    /// Rectified, edge-to-edge document.
    Tight,
    /// Document covering <= 10 % of the frame.
    TinyDocument,
    /// Saturating glare.
    Glare(GlareSize),
    /// Gaussian defocus.
    Defocus(Strength),
    /// Motion blur.
    Motion(Strength),
    /// Underexposed.
    Dark,
    /// Overexposed.
    Overexposed,
    /// Near-white surface.
    WhiteSurface,
    /// Cluttered desk.
    Cluttered,
    /// Perspective tilt in degrees, still in frame.
    Tilted(f32),
}

impl Variant {
    /// Every labelled variant the evaluation uses: good, the eight cut-offs, tight, tiny,
    /// three glare sizes, three defocus and three motion strengths, dark, overexposed,
    /// white surface, cluttered, and tilts of 15 and 30 degrees.
    pub fn catalogue() -> Vec<Variant> {
        let sev = [Strength::Mild, Strength::Moderate, Strength::Severe];
        let mut v = vec![Variant::Good];
        v.extend(CutOff::ALL.map(Variant::CutOff));
        v.extend([Variant::Tight, Variant::TinyDocument]);
        v.extend([GlareSize::Small, GlareSize::Medium, GlareSize::Large].map(Variant::Glare));
        v.extend(sev.map(Variant::Defocus));
        v.extend(sev.map(Variant::Motion));
        v.extend([
            Variant::Dark,
            Variant::Overexposed,
            Variant::WhiteSurface,
            Variant::Cluttered,
            Variant::Tilted(15.0),
            Variant::Tilted(30.0),
        ]);
        v
    }

    /// The variant whose [`label`](Variant::label) is `label` (any `tilted_N` is accepted).
    pub fn from_label(label: &str) -> Option<Variant> {
        if let Some(deg) = label.strip_prefix("tilted_") {
            return deg.parse::<f32>().ok().map(Variant::Tilted);
        }
        Variant::catalogue()
            .into_iter()
            .find(|v| v.label() == label)
    }

    /// Short stable label, e.g. `cut_off_top_left`, `defocus_severe`, `tilted_30`.
    pub fn label(&self) -> String {
        fn sev(s: Strength) -> &'static str {
            match s {
                Strength::Mild => "mild",
                Strength::Moderate => "moderate",
                Strength::Severe => "severe",
            }
        }
        match *self {
            Variant::Good => "good".into(),
            Variant::CutOff(c) => format!(
                "cut_off_{}",
                match c {
                    CutOff::Left => "left",
                    CutOff::Top => "top",
                    CutOff::Right => "right",
                    CutOff::Bottom => "bottom",
                    CutOff::TopLeft => "top_left",
                    CutOff::TopRight => "top_right",
                    CutOff::BottomRight => "bottom_right",
                    CutOff::BottomLeft => "bottom_left",
                }
            ),
            Variant::Tight => "tight".into(),
            Variant::TinyDocument => "tiny_document".into(),
            Variant::Glare(g) => format!(
                "glare_{}",
                match g {
                    GlareSize::Small => "small",
                    GlareSize::Medium => "medium",
                    GlareSize::Large => "large",
                }
            ),
            Variant::Defocus(s) => format!("defocus_{}", sev(s)),
            Variant::Motion(s) => format!("motion_{}", sev(s)),
            Variant::Dark => "dark".into(),
            Variant::Overexposed => "overexposed".into(),
            Variant::WhiteSurface => "white_surface".into(),
            Variant::Cluttered => "cluttered".into(),
            Variant::Tilted(d) => format!("tilted_{}", d.round() as i32),
        }
    }
}
