//! Deterministic synthetic ID-document captures with known ground truth.
//!
//! [`render`] draws a fake ID-1 card or passport data page, places it in
//! perspective on a procedural background (wood, fabric, clutter, ...), applies
//! optional defects (cut-off edges, glare, defocus, motion blur, bad exposure,
//! lighting gradient, shadow, sensor noise) and encodes a baseline 4:2:0 JPEG
//! with an Exif APP1 segment carrying the requested orientation tag. It returns
//! the JPEG, the upright RGB frame and a [`Truth`] record describing exactly
//! what was rendered.
//!
//! Everything is deterministic: the same [`SynthSpec`] gives byte-identical
//! output. Randomness comes from an in-module SplitMix64 generator, and the only
//! floating point operations used are IEEE basic arithmetic and `sqrt` (sines
//! and exponentials are evaluated with in-module polynomials, not the platform
//! libm), so results do not depend on the platform's math library.
//!
//! Presets for labelled evaluation variants: [`SynthSpec::good`],
//! [`SynthSpec::cut_off`], [`SynthSpec::tight`], [`SynthSpec::tiny_document`],
//! [`SynthSpec::glare`], [`SynthSpec::defocus`], [`SynthSpec::motion`],
//! [`SynthSpec::dark`], [`SynthSpec::overexposed`],
//! [`SynthSpec::white_surface`], [`SynthSpec::cluttered`],
//! [`SynthSpec::tilted`], or generically [`SynthSpec::variant`] with a
//! [`Variant`].

#![allow(clippy::too_many_arguments, clippy::needless_range_loop)]

use serde::{Deserialize, Serialize};

// ============================================================================
// Public types
// ============================================================================

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

    fn dir(self) -> (f64, f64) {
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

// ============================================================================
// Deterministic PRNG and math
// ============================================================================

/// SplitMix64: tiny, fast, platform independent.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// Generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    #[inline]
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    #[inline]
    pub fn f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform in [a, b).
    pub fn range(&mut self, a: f32, b: f32) -> f32 {
        a + (b - a) * self.f32()
    }

    /// Uniform integer in [0, n).
    pub fn below(&mut self, n: u32) -> u32 {
        (((self.next_u64() >> 32) * n as u64) >> 32) as u32
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f32) -> bool {
        self.f32() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u32) as usize]
    }
}

fn mix(a: u64, b: u64) -> u64 {
    SplitMix64::new(a ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64()
}

fn stream(seed: u64, tag: u64) -> SplitMix64 {
    SplitMix64::new(mix(seed, tag))
}

// stream tags
const S_TILT: u64 = 1;
const S_DOC: u64 = 2;
const S_BG: u64 = 3;
const S_LIGHT: u64 = 4;
const S_MOTION: u64 = 5;
const S_NOISE: u64 = 6;
const S_FINE: u64 = 7;

const PI: f64 = std::f64::consts::PI;

/// Platform-independent sine (range reduction + odd Taylor polynomial, |err| < 1e-9).
pub fn dsin(x: f64) -> f64 {
    if !x.is_finite() {
        return 0.0;
    }
    let tau = 2.0 * PI;
    let k = (x / tau).round();
    let mut r = x - k * tau;
    if r > PI / 2.0 {
        r = PI - r;
    } else if r < -PI / 2.0 {
        r = -PI - r;
    }
    let r2 = r * r;
    r * (1.0
        + r2 * (-1.0 / 6.0
            + r2 * (1.0 / 120.0
                + r2 * (-1.0 / 5040.0
                    + r2 * (1.0 / 362_880.0
                        + r2 * (-1.0 / 39_916_800.0 + r2 * (1.0 / 6_227_020_800.0)))))))
}

/// Platform-independent cosine.
pub fn dcos(x: f64) -> f64 {
    dsin(x + PI / 2.0)
}

/// Platform-independent exp.
pub fn dexp(x: f64) -> f64 {
    if x < -700.0 {
        return 0.0;
    }
    let x = x.min(700.0);
    let ln2 = std::f64::consts::LN_2;
    let n = (x / ln2).round();
    let r = x - n * ln2;
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..14 {
        term *= r / i as f64;
        sum += term;
    }
    let e = (n as i64 + 1023).clamp(1, 2046) as u64;
    sum * f64::from_bits(e << 52)
}

/// Fast floor for |x| < 2^31 (avoids a libm call on baseline x86-64).
#[inline]
fn ffloor(x: f32) -> f32 {
    let i = x as i32 as f32;
    if i > x {
        i - 1.0
    } else {
        i
    }
}

#[inline]
fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[inline]
fn hash32(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^= x >> 16;
    x
}

#[inline]
fn hash2(ix: i32, iy: i32, s: u32) -> u32 {
    hash32((ix as u32).wrapping_mul(0x8da6_b343) ^ (iy as u32).wrapping_mul(0xd816_3841) ^ s)
}

#[inline]
fn lattice(ix: i32, iy: i32, s: u32) -> f32 {
    (hash2(ix, iy, s) >> 8) as f32 * (1.0 / 16_777_216.0)
}

/// Smooth value noise in [0, 1).
#[inline]
fn value_noise(x: f32, y: f32, s: u32) -> f32 {
    let fx = ffloor(x);
    let fy = ffloor(y);
    let ix = fx as i32;
    let iy = fy as i32;
    let tx = x - fx;
    let ty = y - fy;
    let sx = tx * tx * (3.0 - 2.0 * tx);
    let sy = ty * ty * (3.0 - 2.0 * ty);
    let a = lattice(ix, iy, s);
    let b = lattice(ix + 1, iy, s);
    let c = lattice(ix, iy + 1, s);
    let d = lattice(ix + 1, iy + 1, s);
    let top = a + (b - a) * sx;
    let bot = c + (d - c) * sx;
    top + (bot - top) * sy
}

fn fbm(x: f32, y: f32, s: u32, octaves: u32) -> f32 {
    let mut sum = 0.0;
    let mut amp = 0.5;
    let mut norm = 0.0;
    let mut f = 1.0;
    for o in 0..octaves {
        sum += amp * value_noise(x * f, y * f, s.wrapping_add(o * 7919));
        norm += amp;
        amp *= 0.5;
        f *= 2.03;
    }
    sum / norm
}

// ============================================================================
// Geometry
// ============================================================================

type M3 = [f64; 9];

fn m3_mul(a: &M3, b: &M3) -> M3 {
    let mut r = [0.0; 9];
    for i in 0..3 {
        for j in 0..3 {
            r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
        }
    }
    r
}

fn m3_det(m: &M3) -> f64 {
    m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6])
        + m[2] * (m[3] * m[7] - m[4] * m[6])
}

fn m3_inv(m: &M3) -> M3 {
    let d = m3_det(m);
    let id = 1.0 / d;
    [
        (m[4] * m[8] - m[5] * m[7]) * id,
        (m[2] * m[7] - m[1] * m[8]) * id,
        (m[1] * m[5] - m[2] * m[4]) * id,
        (m[5] * m[6] - m[3] * m[8]) * id,
        (m[0] * m[8] - m[2] * m[6]) * id,
        (m[2] * m[3] - m[0] * m[5]) * id,
        (m[3] * m[7] - m[4] * m[6]) * id,
        (m[1] * m[6] - m[0] * m[7]) * id,
        (m[0] * m[4] - m[1] * m[3]) * id,
    ]
}

fn m3_apply(m: &M3, x: f64, y: f64) -> [f64; 2] {
    let w = m[6] * x + m[7] * y + m[8];
    [
        (m[0] * x + m[1] * y + m[2]) / w,
        (m[3] * x + m[4] * y + m[5]) / w,
    ]
}

/// Upright frame size for a spec (differs from width/height only for `tight_crop`).
pub fn frame_size(spec: &SynthSpec) -> (u32, u32) {
    let w = spec.width.max(16);
    let h = spec.height.max(16);
    if spec.tight_crop {
        let l = w.max(h);
        let hh = (l as f64 / spec.doc.aspect() as f64).round().max(16.0) as u32;
        (l, hh)
    } else {
        (w, h)
    }
}

/// Homography mapping document coordinates (u, v) in [0,1]^2 to upright frame px.
fn uv_to_frame(spec: &SynthSpec, w: u32, h: u32) -> M3 {
    if spec.tight_crop {
        return [w as f64, 0.0, 0.0, 0.0, h as f64, 0.0, 0.0, 0.0, 1.0];
    }
    let (wmm, hmm) = spec.doc.size_mm();
    let (wf, hf) = (w as f64, h as f64);
    let dw = spec.doc_fraction.max(0.01) as f64 * wf;
    let dh = dw * hmm as f64 / wmm as f64;
    let f = 0.85 * wf.max(hf);
    let rot = spec.rotation_deg as f64 * PI / 180.0;
    let (cr, sr) = (dcos(rot), dsin(rot));
    let rz: M3 = [cr, -sr, 0.0, sr, cr, 0.0, 0.0, 0.0, 1.0];
    let t = (spec.tilt_deg.clamp(0.0, 60.0) as f64) * PI / 180.0;
    let phi = stream(spec.seed, S_TILT).f64() * 2.0 * PI;
    let (ax, ay) = (dcos(phi), dsin(phi));
    let (ct, st) = (dcos(t), dsin(t));
    // Rodrigues rotation about (ax, ay, 0).
    let rt: M3 = [
        ct + (1.0 - ct) * ax * ax,
        (1.0 - ct) * ax * ay,
        st * ay,
        (1.0 - ct) * ax * ay,
        ct + (1.0 - ct) * ay * ay,
        -st * ax,
        -st * ay,
        st * ax,
        ct,
    ];
    let r = m3_mul(&rt, &rz);
    let r0 = [r[0], r[3], r[6]];
    let r1 = [r[1], r[4], r[7]];
    // 3D point = (u-0.5)*dw*r0 + (v-0.5)*dh*r1 + (0,0,f)
    let cu = [dw * r0[0], dw * r0[1], dw * r0[2]];
    let cv = [dh * r1[0], dh * r1[1], dh * r1[2]];
    let c1 = [
        -0.5 * (cu[0] + cv[0]),
        -0.5 * (cu[1] + cv[1]),
        f - 0.5 * (cu[2] + cv[2]),
    ];
    let a: M3 = [
        cu[0], cv[0], c1[0], //
        cu[1], cv[1], c1[1], //
        cu[2], cv[2], c1[2],
    ];
    let cx = spec.center.0 as f64 * wf;
    let cy = spec.center.1 as f64 * hf;
    let k: M3 = [f, 0.0, cx, 0.0, f, cy, 0.0, 0.0, 1.0];
    m3_mul(&k, &a)
}

fn quad_f64(hm: &M3) -> [[f64; 2]; 4] {
    [
        m3_apply(hm, 0.0, 0.0),
        m3_apply(hm, 1.0, 0.0),
        m3_apply(hm, 1.0, 1.0),
        m3_apply(hm, 0.0, 1.0),
    ]
}

/// Document corners (TL, TR, BR, BL as printed) in upright frame px, without rendering.
pub fn document_quad(spec: &SynthSpec) -> [[f32; 2]; 4] {
    let (w, h) = frame_size(spec);
    let q = quad_f64(&uv_to_frame(spec, w, h));
    q.map(|p| [p[0] as f32, p[1] as f32])
}

fn poly_area(p: &[[f64; 2]]) -> f64 {
    let n = p.len();
    let mut a = 0.0;
    for i in 0..n {
        let j = (i + 1) % n;
        a += p[i][0] * p[j][1] - p[j][0] * p[i][1];
    }
    0.5 * a.abs()
}

fn clip_to_rect(poly: &[[f64; 2]], w: f64, h: f64) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = poly.to_vec();
    // (axis, bound, keep_greater)
    for &(axis, bound, ge) in &[
        (0usize, 0.0, true),
        (0, w, false),
        (1, 0.0, true),
        (1, h, false),
    ] {
        let inp = std::mem::take(&mut out);
        let n = inp.len();
        if n == 0 {
            break;
        }
        let inside = |p: &[f64; 2]| {
            if ge {
                p[axis] >= bound
            } else {
                p[axis] <= bound
            }
        };
        for i in 0..n {
            let cur = inp[i];
            let prev = inp[(i + n - 1) % n];
            let ci = inside(&cur);
            let pi = inside(&prev);
            if ci != pi {
                let t = (bound - prev[axis]) / (cur[axis] - prev[axis]);
                out.push([
                    prev[0] + t * (cur[0] - prev[0]),
                    prev[1] + t * (cur[1] - prev[1]),
                ]);
            }
            if ci {
                out.push(cur);
            }
        }
    }
    out
}

struct QuadStats {
    cut_edges: Vec<String>,
    coverage: f64,
    visible: f64,
    min_margin: f64,
    /// how far (fraction of frame dim) the doc extends beyond each edge: left, top, right, bottom
    overshoot: [f64; 4],
}

fn quad_stats(q: &[[f64; 2]; 4], w: f64, h: f64) -> QuadStats {
    let area = poly_area(q);
    let inter = poly_area(&clip_to_rect(q, w, h));
    let minx = q.iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
    let maxx = q.iter().map(|p| p[0]).fold(f64::NEG_INFINITY, f64::max);
    let miny = q.iter().map(|p| p[1]).fold(f64::INFINITY, f64::min);
    let maxy = q.iter().map(|p| p[1]).fold(f64::NEG_INFINITY, f64::max);
    let overshoot = [-minx / w, -miny / h, (maxx - w) / w, (maxy - h) / h];
    let names = ["left", "top", "right", "bottom"];
    let cut_edges = (0..4)
        .filter(|&i| overshoot[i] > 0.0)
        .map(|i| names[i].to_string())
        .collect();
    let min_margin = -overshoot.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    QuadStats {
        cut_edges,
        coverage: inter / (w * h),
        visible: if area > 0.0 { inter / area } else { 0.0 },
        min_margin,
        overshoot,
    }
}

struct Geometry {
    w: usize,
    h: usize,
    tw: usize,
    th: usize,
    /// frame px (pixel centres at +0.5) -> texel coords
    hinv: M3,
    quad: [[f64; 2]; 4],
    radius_tex: f64,
}

impl Geometry {
    fn new(spec: &SynthSpec) -> Geometry {
        let (w, h) = frame_size(spec);
        let huv = uv_to_frame(spec, w, h);
        let quad = quad_f64(&huv);
        let (wmm, hmm) = spec.doc.size_mm();
        let (tw, th) = if spec.tight_crop {
            (w as usize, h as usize)
        } else {
            let d =
                |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
            let horiz = d(quad[0], quad[1]).max(d(quad[3], quad[2]));
            let vert = d(quad[0], quad[3]).max(d(quad[1], quad[2])) * (wmm / hmm) as f64;
            let cap = (2.0 * w.max(h) as f64).min(16000.0);
            let tw = (horiz.max(vert) * 1.08).clamp(64.0, cap).ceil();
            let th = (tw * hmm as f64 / wmm as f64).round().max(16.0);
            (tw as usize, th as usize)
        };
        let s: M3 = [tw as f64, 0.0, 0.0, 0.0, th as f64, 0.0, 0.0, 0.0, 1.0];
        let hinv = m3_mul(&s, &m3_inv(&huv));
        let radius_tex = spec.doc.corner_radius_mm() as f64 * tw as f64 / wmm as f64;
        Geometry {
            w: w as usize,
            h: h as usize,
            tw,
            th,
            hinv,
            quad,
            radius_tex,
        }
    }
}

// ============================================================================
// Raster canvas with anti-aliased primitives
// ============================================================================

struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
    /// drawing is restricted to [x0, x1) x [y0, y1)
    clip: [usize; 4],
}

type Rgb = [f32; 3];

#[inline]
fn blend_px(p: &mut [u8], c: Rgb, a: f32) {
    if a <= 0.0 {
        return;
    }
    if a >= 1.0 {
        p[0] = (c[0] + 0.5).clamp(0.0, 255.0) as u8;
        p[1] = (c[1] + 0.5).clamp(0.0, 255.0) as u8;
        p[2] = (c[2] + 0.5).clamp(0.0, 255.0) as u8;
        return;
    }
    for i in 0..3 {
        let v = p[i] as f32;
        p[i] = (v + (c[i] - v) * a + 0.5).clamp(0.0, 255.0) as u8;
    }
}

#[inline]
fn overlap(i: usize, a: f32, b: f32) -> f32 {
    let lo = (i as f32).max(a);
    let hi = (i as f32 + 1.0).min(b);
    (hi - lo).clamp(0.0, 1.0)
}

fn rr_sdf(px: f32, py: f32, cx: f32, cy: f32, hw: f32, hh: f32, r: f32) -> f32 {
    let qx = (px - cx).abs() - (hw - r);
    let qy = (py - cy).abs() - (hh - r);
    let ox = qx.max(0.0);
    let oy = qy.max(0.0);
    (ox * ox + oy * oy).sqrt() + qx.max(qy).min(0.0) - r
}

fn ellipse_sdf(px: f32, py: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> f32 {
    let nx = (px - cx) / rx;
    let ny = (py - cy) / ry;
    let d = (nx * nx + ny * ny).sqrt();
    if d < 1e-6 {
        return -rx.min(ry);
    }
    let gx = nx / rx;
    let gy = ny / ry;
    let g = (gx * gx + gy * gy).sqrt() / d;
    (d - 1.0) / g
}

fn seg_dist(px: f32, py: f32, x0: f32, y0: f32, x1: f32, y1: f32) -> f32 {
    let dx = x1 - x0;
    let dy = y1 - y0;
    let l2 = dx * dx + dy * dy;
    let t = if l2 > 0.0 {
        (((px - x0) * dx + (py - y0) * dy) / l2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let ex = px - (x0 + t * dx);
    let ey = py - (y0 + t * dy);
    (ex * ex + ey * ey).sqrt()
}

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        Canvas {
            w,
            h,
            px: vec![0; w * h * 3],
            clip: [0, 0, w, h],
        }
    }

    /// Calls `f(x, y)` (pixel centres) for every pixel in the bbox; f returns colour and alpha.
    fn paint(
        &mut self,
        x0: f32,
        y0: f32,
        x1: f32,
        y1: f32,
        mut f: impl FnMut(f32, f32) -> (Rgb, f32),
    ) {
        let [cx0, cy0, cx1, cy1] = self.clip;
        let ix0 = (x0.floor().max(0.0) as usize).max(cx0);
        let iy0 = (y0.floor().max(0.0) as usize).max(cy0);
        let ix1 = (x1.ceil().max(0.0) as usize).min(cx1);
        let iy1 = (y1.ceil().max(0.0) as usize).min(cy1);
        for y in iy0..iy1 {
            let row = &mut self.px[y * self.w * 3..(y + 1) * self.w * 3];
            let fy = y as f32 + 0.5;
            for x in ix0..ix1 {
                let (c, a) = f(x as f32 + 0.5, fy);
                if a > 0.0 {
                    blend_px(&mut row[x * 3..x * 3 + 3], c, a);
                }
            }
        }
    }

    /// Fill the region where `sdf < 0` (sdf in px), anti-aliased.
    fn fill_sdf(&mut self, bb: [f32; 4], c: Rgb, alpha: f32, sdf: impl Fn(f32, f32) -> f32) {
        self.paint(
            bb[0] - 1.0,
            bb[1] - 1.0,
            bb[2] + 1.0,
            bb[3] + 1.0,
            |x, y| (c, (0.5 - sdf(x, y)).clamp(0.0, 1.0) * alpha),
        );
    }

    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb, alpha: f32) {
        if x1 <= x0 || y1 <= y0 {
            return;
        }
        let [cx0, cy0, cx1, cy1] = self.clip;
        let ix0 = (x0.floor().max(0.0) as usize).max(cx0);
        let iy0 = (y0.floor().max(0.0) as usize).max(cy0);
        let ix1 = (x1.ceil().max(0.0) as usize).min(cx1);
        let iy1 = (y1.ceil().max(0.0) as usize).min(cy1);
        for y in iy0..iy1 {
            let cy = overlap(y, y0, y1) * alpha;
            let row = &mut self.px[y * self.w * 3..(y + 1) * self.w * 3];
            for x in ix0..ix1 {
                let a = overlap(x, x0, x1) * cy;
                blend_px(&mut row[x * 3..x * 3 + 3], c, a);
            }
        }
    }

    fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgb, alpha: f32) {
        self.fill_sdf([cx - rx, cy - ry, cx + rx, cy + ry], c, alpha, |x, y| {
            ellipse_sdf(x, y, cx, cy, rx, ry)
        });
    }

    fn segment(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, width: f32, c: Rgb, alpha: f32) {
        let hw = width * 0.5;
        self.fill_sdf(
            [
                x0.min(x1) - hw,
                y0.min(y1) - hw,
                x0.max(x1) + hw,
                y0.max(y1) + hw,
            ],
            c,
            alpha,
            |x, y| seg_dist(x, y, x0, y0, x1, y1) - hw,
        );
    }

    /// Rotated rounded rectangle centred at (cx, cy) with half sizes (hw, hh).
    fn rot_rect(
        &mut self,
        cx: f32,
        cy: f32,
        hw: f32,
        hh: f32,
        ang: f64,
        r: f32,
        c: Rgb,
        alpha: f32,
    ) {
        let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
        let ext = (hw * hw + hh * hh).sqrt();
        self.fill_sdf(
            [cx - ext, cy - ext, cx + ext, cy + ext],
            c,
            alpha,
            |x, y| {
                let dx = x - cx;
                let dy = y - cy;
                let lx = dx * ca + dy * sa;
                let ly = -dx * sa + dy * ca;
                rr_sdf(lx, ly, 0.0, 0.0, hw, hh, r.min(hw).min(hh))
            },
        );
    }
}

// ============================================================================
// Document texture
// ============================================================================

/// Drawing in millimetre coordinates on a canvas with `k` px per mm.
struct Doc {
    cv: Canvas,
    k: f32,
}

const TL: u16 = 1;
const TR: u16 = 1 << 1;
const UR: u16 = 1 << 2;
const LR: u16 = 1 << 3;
const BR: u16 = 1 << 4;
const BL: u16 = 1 << 5;
const LL: u16 = 1 << 6;
const UL: u16 = 1 << 7;
const ML: u16 = 1 << 8;
const MR: u16 = 1 << 9;
const DUL: u16 = 1 << 10;
const UC: u16 = 1 << 11;
const DUR: u16 = 1 << 12;
const DLR: u16 = 1 << 13;
const LC: u16 = 1 << 14;
const DLL: u16 = 1 << 15;
const RING: u16 = TL | TR | UR | LR | BR | BL | LL | UL;

fn glyph_bits(c: char) -> u16 {
    match c.to_ascii_uppercase() {
        'A' => TL | TR | UR | LR | LL | UL | ML | MR,
        'B' => TL | UR | LR | BL | UL | LL | ML | MR,
        'C' => TL | TR | UL | LL | BL | BR,
        'D' => TL | UR | LR | BL | UL | LL,
        'E' => TL | TR | UL | LL | BL | BR | ML,
        'F' => TL | TR | UL | LL | ML,
        'G' => TL | TR | UL | LL | BL | BR | LR | MR,
        'H' => UL | LL | UR | LR | ML | MR,
        'I' => TL | TR | BL | BR | UC | LC,
        'J' => UR | LR | BR | BL | LL,
        'K' => UL | LL | ML | DUR | DLR,
        'L' => UL | LL | BL | BR,
        'M' => UL | LL | UR | LR | DUL | DUR,
        'N' => UL | LL | UR | LR | DUL | DLR,
        'O' => RING,
        'P' => TL | TR | UR | UL | LL | ML | MR,
        'Q' => RING | DLR,
        'R' => TL | TR | UR | UL | LL | ML | MR | DLR,
        'S' | '5' => TL | TR | UL | ML | MR | LR | BR | BL,
        'T' => TL | TR | UC | LC,
        'U' => UL | LL | BL | BR | LR | UR,
        'V' => UL | UR | DLL | DLR,
        'W' => UL | LL | UR | LR | DLL | DLR,
        'X' => DUL | DUR | DLL | DLR,
        'Y' => DUL | DUR | LC,
        'Z' => TL | TR | DUR | DLL | BL | BR,
        '0' => RING | DUR | DLL,
        '1' => UR | LR | DUR,
        '2' => TL | TR | UR | ML | MR | LL | BL | BR,
        '3' => TL | TR | UR | LR | BL | BR | MR,
        '4' => UL | ML | MR | UR | LR,
        '6' => TL | TR | UL | LL | BL | BR | LR | ML | MR,
        '7' => TL | TR | UR | LR,
        '8' => RING | ML | MR,
        '9' => TL | TR | UL | UR | LR | ML | MR | BL | BR,
        '-' => ML | MR,
        '/' => DUR | DLL,
        _ => 0,
    }
}

impl Doc {
    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb, a: f32) {
        let k = self.k;
        self.cv.rect(x0 * k, y0 * k, x1 * k, y1 * k, c, a);
    }

    fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgb, a: f32) {
        let k = self.k;
        self.cv.ellipse(cx * k, cy * k, rx * k, ry * k, c, a);
    }

    fn segment(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, wd: f32, c: Rgb, a: f32) {
        let k = self.k;
        self.cv
            .segment(x0 * k, y0 * k, x1 * k, y1 * k, (wd * k).max(0.6), c, a);
    }

    /// Stroke of a rounded rectangle outline (mm).
    fn rr_stroke(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, r: f32, wd: f32, c: Rgb, a: f32) {
        let k = self.k;
        let (cx, cy) = ((x0 + x1) * 0.5 * k, (y0 + y1) * 0.5 * k);
        let (hw, hh) = ((x1 - x0) * 0.5 * k, (y1 - y0) * 0.5 * k);
        let (r, hwd) = (r * k, (wd * k * 0.5).max(0.35));
        let sdf = |x: f32, y: f32| rr_sdf(x, y, cx, cy, hw, hh, r).abs() - hwd;
        let m = r + hwd + 2.0;
        let (px0, py0, px1, py1) = (x0 * k, y0 * k, x1 * k, y1 * k);
        // four edge strips (corners included in the top and bottom strips)
        self.cv.fill_sdf([px0, py0, px1, py0 + m], c, a, sdf);
        self.cv.fill_sdf([px0, py1 - m, px1, py1], c, a, sdf);
        self.cv
            .fill_sdf([px0, py0 + m, px0 + m, py1 - m], c, a, sdf);
        self.cv
            .fill_sdf([px1 - m, py0 + m, px1, py1 - m], c, a, sdf);
    }

    fn glyph(&mut self, ch: char, x: f32, y: f32, gw: f32, gh: f32, t: f32, c: Rgb, a: f32) {
        let (x0, y0, x1, y1) = (x, y, x + gw, y + gh);
        let xm = x + gw * 0.5;
        let ym = y + gh * 0.5;
        let h = t * 0.5;
        match ch {
            '.' => {
                self.rect(xm - h, y1 - t, xm + h, y1, c, a);
                return;
            }
            ',' => {
                self.segment(xm, y1 - h, xm - t * 0.6, y1 + t, t, c, a);
                return;
            }
            '<' => {
                self.segment(x1 - h, y0 + 0.2 * gh, x0 + h, ym, t, c, a);
                self.segment(x0 + h, ym, x1 - h, y1 - 0.2 * gh, t, c, a);
                return;
            }
            _ => {}
        }
        let b = glyph_bits(ch);
        let rects: [(u16, [f32; 4]); 12] = [
            (TL, [x0, y0, xm + h, y0 + t]),
            (TR, [xm - h, y0, x1, y0 + t]),
            (ML, [x0, ym - h, xm + h, ym + h]),
            (MR, [xm - h, ym - h, x1, ym + h]),
            (BL, [x0, y1 - t, xm + h, y1]),
            (BR, [xm - h, y1 - t, x1, y1]),
            (UL, [x0, y0, x0 + t, ym + h]),
            (LL, [x0, ym - h, x0 + t, y1]),
            (UR, [x1 - t, y0, x1, ym + h]),
            (LR, [x1 - t, ym - h, x1, y1]),
            (UC, [xm - h, y0, xm + h, ym + h]),
            (LC, [xm - h, ym - h, xm + h, y1]),
        ];
        for (bit, r) in rects {
            if b & bit != 0 {
                self.rect(r[0], r[1], r[2], r[3], c, a);
            }
        }
        let diags: [(u16, [f32; 4]); 4] = [
            (DUL, [x0 + h, y0 + h, xm, ym]),
            (DUR, [x1 - h, y0 + h, xm, ym]),
            (DLR, [xm, ym, x1 - h, y1 - h]),
            (DLL, [xm, ym, x0 + h, y1 - h]),
        ];
        for (bit, s) in diags {
            if b & bit != 0 {
                self.segment(s[0], s[1], s[2], s[3], t, c, a);
            }
        }
    }

    /// Draws `s` with monospace cells; returns the x after the last glyph.
    fn text(&mut self, x: f32, y: f32, gh: f32, s: &str, c: Rgb, a: f32, weight: f32) -> f32 {
        let gw = gh * 0.62;
        let adv = gh * 0.86;
        let t = gh * weight;
        let mut cx = x;
        for ch in s.chars() {
            if ch != ' ' {
                self.glyph(ch, cx, y, gw, gh, t, c, a);
            }
            cx += adv;
        }
        cx
    }

    fn mono(&mut self, x: f32, y: f32, gh: f32, pitch: f32, s: &str, c: Rgb, weight: f32) {
        let gw = gh * 0.64;
        let t = gh * weight;
        for (i, ch) in s.chars().enumerate() {
            let cx = x + i as f32 * pitch + (pitch - gw) * 0.5;
            if ch != ' ' {
                self.glyph(ch, cx, y, gw, gh, t, c, 1.0);
            }
        }
    }
}

fn rand_letters(rng: &mut SplitMix64, n: usize) -> String {
    (0..n)
        .map(|_| (b'A' + rng.below(26) as u8) as char)
        .collect()
}

fn rand_letters_n(rng: &mut SplitMix64, min: usize, max: usize) -> String {
    let n = min + rng.below((max - min + 1) as u32) as usize;
    rand_letters(rng, n)
}

fn rand_digits(rng: &mut SplitMix64, n: usize) -> String {
    (0..n)
        .map(|_| (b'0' + rng.below(10) as u8) as char)
        .collect()
}

fn rand_words(rng: &mut SplitMix64, words: usize, minl: usize, maxl: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        let l = minl + rng.below((maxl - minl + 1) as u32) as usize;
        s.push_str(&rand_letters(rng, l));
    }
    s
}

fn rand_date(rng: &mut SplitMix64) -> String {
    format!(
        "{:02}.{:02}.{}",
        1 + rng.below(28),
        1 + rng.below(12),
        1950 + rng.below(60)
    )
}

fn jitter(c: Rgb, rng: &mut SplitMix64, amt: f32) -> Rgb {
    [
        c[0] + rng.range(-amt, amt),
        c[1] + rng.range(-amt, amt),
        c[2] + rng.range(-amt, amt),
    ]
}

fn luma(c: Rgb) -> f32 {
    0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
}

fn lerp3(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn scale3(a: Rgb, s: f32) -> Rgb {
    [a[0] * s, a[1] * s, a[2] * s]
}

/// Limits luma of a colour to `max` by scaling.
fn cap_luma(c: Rgb, max: f32) -> Rgb {
    let l = luma(c);
    if l > max {
        scale3(c, max / l)
    } else {
        c
    }
}

const STOCKS: [Rgb; 7] = [
    [208.0, 220.0, 232.0],
    [212.0, 226.0, 208.0],
    [232.0, 212.0, 214.0],
    [230.0, 220.0, 196.0],
    [218.0, 210.0, 232.0],
    [204.0, 226.0, 224.0],
    [234.0, 216.0, 196.0],
];

const BANDS: [Rgb; 6] = [
    [30.0, 55.0, 110.0],
    [25.0, 90.0, 60.0],
    [120.0, 30.0, 45.0],
    [20.0, 90.0, 100.0],
    [70.0, 40.0, 100.0],
    [110.0, 70.0, 35.0],
];

fn render_document(spec: &SynthSpec, tw: usize, th: usize) -> Canvas {
    let mut rng = stream(spec.seed, S_DOC);
    let (wmm, hmm) = spec.doc.size_mm();
    let k = tw as f32 / wmm;
    let stock_a = cap_luma(jitter(rng.pick(&STOCKS), &mut rng, 5.0), 222.0);
    let stock_b = cap_luma(jitter(rng.pick(&STOCKS), &mut rng, 5.0), 222.0);
    let rainbow = rng.range(0.0, 0.7);
    let band = jitter(rng.pick(&BANDS), &mut rng, 10.0);
    let guil = lerp3(band, stock_a, 0.45);
    let guil_alpha = rng.range(0.22, 0.38);

    // --- base pass: stock colour, rainbow print, guilloche
    let mut cv = Canvas::new(tw, th);
    {
        let lw = (0.07 * k).max(0.45); // guilloche half width in px
        let s1 = rng.range(0.7, 1.1) * k;
        let s2 = rng.range(0.9, 1.4) * k;
        let s3 = rng.range(1.0, 1.6) * k;
        let a1 = rng.range(0.8, 1.6) * k;
        let a2 = rng.range(0.8, 1.6) * k;
        let a3 = rng.range(1.0, 2.4) * k;
        let l1 = rng.range(6.0, 12.0) * k;
        let l2 = rng.range(6.0, 12.0) * k;
        let l3 = rng.range(5.0, 10.0) * k;
        let p1 = rng.f64() * 2.0 * PI;
        let p2 = rng.f64() * 2.0 * PI;
        let p3 = rng.f64() * 2.0 * PI;
        let col_sin: Vec<f32> = (0..tw)
            .map(|x| a1 * dsin(2.0 * PI * x as f64 / l1 as f64 + p1) as f32)
            .collect();
        let row_sin: Vec<f32> = (0..th)
            .map(|y| a2 * dsin(2.0 * PI * y as f64 / l2 as f64 + p2) as f32)
            .collect();
        let diag_sin: Vec<f32> = (0..tw + th)
            .map(|i| {
                let d = (i as f64 - th as f64) * std::f64::consts::FRAC_1_SQRT_2;
                a3 * dsin(2.0 * PI * d / l3 as f64 + p3) as f32
            })
            .collect();
        let line = |phase: f32, spacing: f32| -> f32 {
            let f = phase - ffloor(phase);
            let d = f.min(1.0 - f) * spacing;
            (lw + 0.5 - d).clamp(0.0, 1.0)
        };
        let use3 = rng.chance(0.6);
        let stock_cols: Vec<Rgb> = (0..tw)
            .map(|x| lerp3(stock_a, stock_b, rainbow * x as f32 / tw as f32))
            .collect();
        for y in 0..th {
            let row = &mut cv.px[y * tw * 3..(y + 1) * tw * 3];
            let fy = y as f32;
            let rs = row_sin[y];
            for x in 0..tw {
                let fx = x as f32;
                let mut g = line((fy + col_sin[x]) / s1, s1);
                g = g.max(line((fx + rs) / s2, s2) * 0.8);
                if use3 {
                    let dd = (fx + fy) * std::f32::consts::FRAC_1_SQRT_2;
                    g = g.max(line((dd + diag_sin[x + th - y]) / s3, s3) * 0.7);
                }
                let base = stock_cols[x];
                let a = g * guil_alpha;
                let p = &mut row[x * 3..x * 3 + 3];
                p[0] = (base[0] + (guil[0] - base[0]) * a + 0.5) as u8;
                p[1] = (base[1] + (guil[1] - base[1]) * a + 0.5) as u8;
                p[2] = (base[2] + (guil[2] - base[2]) * a + 0.5) as u8;
            }
        }
    }
    let mut d = Doc { cv, k };
    let ink: Rgb = jitter([28.0, 28.0, 38.0], &mut rng, 8.0);
    let label_col = cap_luma(lerp3(band, [90.0, 90.0, 100.0], 0.4), 110.0);
    let light_ink: Rgb = cap_luma(jitter([236.0, 234.0, 226.0], &mut rng, 3.0), 230.0);
    match spec.doc {
        DocKind::IdCard => {
            // header band
            d.rect(0.0, 0.0, wmm, 9.0, band, 0.93);
            d.ellipse(7.5, 4.5, 3.1, 3.1, light_ink, 0.9);
            d.ellipse(7.5, 4.5, 2.4, 2.4, band, 1.0);
            d.ellipse(7.5, 4.5, 1.1, 1.1, light_ink, 0.9);
            let title = format!("REPUBLIC OF {}", rand_letters_n(&mut rng, 5, 8));
            d.text(13.5, 1.6, 2.5, &title, light_ink, 1.0, 0.16);
            d.text(13.5, 5.3, 1.5, "IDENTITY CARD", light_ink, 0.9, 0.14);
            d.text(
                wmm - 12.0,
                5.3,
                1.5,
                &rand_letters(&mut rng, 3),
                light_ink,
                0.9,
                0.14,
            );
            draw_face(&mut d, &mut rng, [3.5, 12.0, 26.5, 43.5]);
            let x0 = 29.5;
            let labels = [
                "SURNAME",
                "GIVEN NAMES",
                "DATE OF BIRTH",
                "NATIONALITY",
                "DATE OF EXPIRY",
            ];
            for (i, lab) in labels.iter().enumerate() {
                let y = 12.0 + i as f32 * 6.3;
                d.text(x0, y, 1.2, lab, label_col, 1.0, 0.13);
                let val = match i {
                    2 | 4 => rand_date(&mut rng),
                    3 => rand_letters(&mut rng, 3),
                    1 => {
                        let n = 1 + rng.below(2) as usize;
                        rand_words(&mut rng, n, 3, 8)
                    }
                    _ => rand_letters_n(&mut rng, 4, 9),
                };
                d.text(x0, y + 1.9, 2.1, &val, ink, 1.0, 0.16);
                if i == 2 {
                    d.text(x0 + 27.0, y, 1.2, "SEX", label_col, 1.0, 0.13);
                    let sx = if rng.chance(0.5) { "F" } else { "M" };
                    d.text(x0 + 27.0, y + 1.9, 2.1, sx, ink, 1.0, 0.16);
                }
            }
            let num = format!("{} {}", rand_letters(&mut rng, 2), rand_digits(&mut rng, 7));
            d.text(3.5, 46.0, 2.7, &num, ink, 1.0, 0.16);
            draw_signature(&mut d, &mut rng, [40.0, 44.0, 66.0, 50.5]);
            // ghost image
            d.ellipse(76.0, 43.5, 3.2, 4.0, band, 0.16);
            d.ellipse(76.0, 50.5, 5.0, 2.6, band, 0.12);
            // microtext line
            let micro = rand_words(&mut rng, 14, 3, 7);
            d.text(3.5, 51.2, 0.7, &micro, label_col, 0.5, 0.14);
            d.rr_stroke(1.0, 1.0, wmm - 1.0, hmm - 1.0, 2.2, 0.22, band, 0.55);
        }
        DocKind::Passport => {
            d.rect(0.0, 0.0, wmm, 11.0, band, 0.30);
            d.text(6.0, 2.5, 3.0, "PASSPORT", ink, 1.0, 0.16);
            let country = format!("REPUBLIC OF {}", rand_letters_n(&mut rng, 5, 8));
            d.text(46.0, 3.0, 2.2, &country, ink, 1.0, 0.15);
            d.text(
                46.0,
                7.0,
                1.3,
                "TYPE  CODE  PASSPORT NO",
                label_col,
                1.0,
                0.13,
            );
            draw_face(&mut d, &mut rng, [6.0, 15.0, 40.0, 60.0]);
            let labels = [
                ("SURNAME", ""),
                ("GIVEN NAMES", ""),
                ("NATIONALITY", ""),
                ("DATE OF BIRTH", "SEX"),
                ("PLACE OF BIRTH", ""),
                ("DATE OF ISSUE", "DATE OF EXPIRY"),
            ];
            for (i, (l1, l2)) in labels.iter().enumerate() {
                let y = 14.0 + i as f32 * 6.6;
                d.text(45.0, y, 1.25, l1, label_col, 1.0, 0.13);
                let val = match i {
                    3 | 5 => rand_date(&mut rng),
                    2 => rand_words(&mut rng, 1, 5, 9),
                    1 => {
                        let n = 1 + rng.below(2) as usize;
                        rand_words(&mut rng, n, 3, 8)
                    }
                    4 => rand_words(&mut rng, 1, 5, 10),
                    _ => rand_letters_n(&mut rng, 4, 9),
                };
                d.text(45.0, y + 2.0, 2.2, &val, ink, 1.0, 0.16);
                if !l2.is_empty() {
                    d.text(88.0, y, 1.25, l2, label_col, 1.0, 0.13);
                    let v2 = if i == 3 {
                        (if rng.chance(0.5) { "F" } else { "M" }).to_string()
                    } else {
                        rand_date(&mut rng)
                    };
                    d.text(88.0, y + 2.0, 2.2, &v2, ink, 1.0, 0.16);
                }
            }
            draw_signature(&mut d, &mut rng, [50.0, 55.0, 88.0, 63.5]);
            d.ellipse(110.0, 54.0, 4.5, 5.5, band, 0.14);
            // MRZ zone
            let mrz_bg = cap_luma(lerp3(stock_a, [236.0, 236.0, 232.0], 0.5), 224.0);
            d.rect(0.0, 66.5, wmm, hmm, mrz_bg, 0.85);
            let (l1, l2) = mrz_lines(&mut rng);
            let pitch = (wmm - 12.0) / 44.0;
            d.mono(6.0, 70.5, 2.6, pitch, &l1, ink, 0.13);
            d.mono(6.0, 78.5, 2.6, pitch, &l2, ink, 0.13);
            d.rr_stroke(1.2, 1.2, wmm - 1.2, hmm - 1.2, 1.8, 0.22, band, 0.5);
        }
    }
    d.cv
}

fn mrz_lines(rng: &mut SplitMix64) -> (String, String) {
    let country = rand_letters(rng, 3);
    let mut l1 = format!(
        "P<{}{}<<{}<{}",
        country,
        rand_letters_n(rng, 4, 9),
        rand_letters_n(rng, 3, 7),
        rand_letters_n(rng, 3, 7)
    );
    while l1.len() < 44 {
        l1.push('<');
    }
    l1.truncate(44);
    let mut l2 = format!(
        "{}{}{}{}{}{}{}{}",
        rand_letters(rng, 2),
        rand_digits(rng, 8),
        country,
        rand_digits(rng, 7),
        if rng.chance(0.5) { "F" } else { "M" },
        rand_digits(rng, 7),
        "<".repeat(14),
        rand_digits(rng, 2)
    );
    while l2.len() < 44 {
        l2.push('<');
    }
    l2.truncate(44);
    (l1, l2)
}

const SKINS: [Rgb; 6] = [
    [226.0, 192.0, 162.0],
    [208.0, 166.0, 130.0],
    [184.0, 134.0, 100.0],
    [150.0, 104.0, 74.0],
    [112.0, 76.0, 54.0],
    [88.0, 60.0, 44.0],
];
const HAIRS: [Rgb; 5] = [
    [25.0, 20.0, 18.0],
    [60.0, 40.0, 28.0],
    [100.0, 70.0, 40.0],
    [150.0, 120.0, 80.0],
    [120.0, 118.0, 115.0],
];
const CLOTHES: [Rgb; 5] = [
    [30.0, 35.0, 60.0],
    [25.0, 25.0, 28.0],
    [90.0, 90.0, 95.0],
    [100.0, 30.0, 40.0],
    [40.0, 70.0, 60.0],
];

fn draw_face(d: &mut Doc, rng: &mut SplitMix64, b: [f32; 4]) {
    let [x0, y0, x1, y1] = b;
    let w = x1 - x0;
    let h = y1 - y0;
    let cx = x0 + w * 0.5 + rng.range(-0.03, 0.03) * w;
    let k = d.k;
    let bg_top = cap_luma(jitter([200.0, 208.0, 218.0], rng, 10.0), 215.0);
    let bg_bot = scale3(bg_top, 0.88);
    d.cv.paint(x0 * k, y0 * k, x1 * k, y1 * k, |_, y| {
        let t = ((y / k - y0) / h).clamp(0.0, 1.0);
        (lerp3(bg_top, bg_bot, t), 1.0)
    });
    let skin = jitter(rng.pick(&SKINS), rng, 6.0);
    let hair = jitter(rng.pick(&HAIRS), rng, 5.0);
    let cloth = jitter(rng.pick(&CLOTHES), rng, 6.0);
    let shade = scale3(skin, 0.8);
    let full = d.cv.clip;
    d.cv.clip = [
        (x0 * k).round() as usize,
        (y0 * k).round() as usize,
        ((x1 * k).round() as usize).min(d.cv.w),
        ((y1 * k).round() as usize).min(d.cv.h),
    ];
    // clip drawing to the photo box by drawing into a sub-area: primitives are kept inside
    let hr = rng.range(0.26, 0.30);
    // shoulders
    d.ellipse(cx, y1 + 0.12 * h, 0.46 * w, 0.30 * h, cloth, 1.0);
    // neck
    d.rect(
        cx - 0.11 * w,
        y0 + 0.58 * h,
        cx + 0.11 * w,
        y0 + 0.86 * h,
        shade,
        1.0,
    );
    // hair back
    d.ellipse(cx, y0 + 0.40 * h, (hr + 0.06) * w, 0.30 * h, hair, 1.0);
    // head
    d.ellipse(cx, y0 + 0.45 * h, hr * w, 0.27 * h, skin, 1.0);
    // ears
    d.ellipse(cx - hr * w, y0 + 0.46 * h, 0.04 * w, 0.05 * h, shade, 1.0);
    d.ellipse(cx + hr * w, y0 + 0.46 * h, 0.04 * w, 0.05 * h, shade, 1.0);
    // fringe
    d.ellipse(
        cx,
        y0 + 0.24 * h,
        (hr + 0.02) * w,
        rng.range(0.08, 0.13) * h,
        hair,
        1.0,
    );
    // eyes & brows
    let ey = y0 + 0.43 * h;
    let dark: Rgb = [35.0, 28.0, 26.0];
    for s in [-1.0f32, 1.0] {
        let ex = cx + s * 0.105 * w;
        d.ellipse(ex, ey, 0.045 * w, 0.016 * h, [235.0, 230.0, 225.0], 1.0);
        d.ellipse(ex, ey, 0.022 * w, 0.015 * h, dark, 1.0);
        d.rect(
            ex - 0.06 * w,
            ey - 0.045 * h,
            ex + 0.06 * w,
            ey - 0.033 * h,
            hair,
            1.0,
        );
    }
    // nose & mouth
    d.segment(
        cx,
        ey + 0.02 * h,
        cx - 0.02 * w,
        y0 + 0.54 * h,
        0.02 * w,
        shade,
        0.8,
    );
    d.ellipse(
        cx,
        y0 + 0.60 * h,
        0.07 * w,
        0.014 * h,
        [150.0, 70.0, 70.0],
        0.9,
    );
    d.cv.clip = full;
}

fn draw_signature(d: &mut Doc, rng: &mut SplitMix64, b: [f32; 4]) {
    let [x0, y0, x1, y1] = b;
    let col: Rgb = jitter([30.0, 40.0, 110.0], rng, 10.0);
    let (bw, bh) = (x1 - x0, y1 - y0);
    // a few pen strokes, each a sum of random harmonics (loops and slants)
    let strokes = 1 + rng.below(3);
    let mut sx = x0;
    for _ in 0..strokes {
        let len = bw * rng.range(0.25, 0.6);
        let n = 80;
        let mut harm = [(0.0f64, 0.0f64, 0.0f32, 0.0f32); 4];
        for hm in harm.iter_mut() {
            *hm = (
                rng.range(1.0, 9.0) as f64,
                rng.f64() * 2.0 * PI,
                rng.range(0.05, 0.3),
                rng.range(0.02, 0.12),
            );
        }
        let slant = rng.range(-0.3, 0.3);
        let mut prev: Option<(f32, f32)> = None;
        for i in 0..=n {
            let t = i as f64 / n as f64;
            let mut x = sx + len * t as f32;
            let mut y = (y0 + y1) * 0.5;
            for &(f, ph, ay, ax) in &harm {
                y += bh * ay * dsin(t * f * 2.0 * PI + ph) as f32;
                x += bw * ax * dcos(t * f * 2.0 * PI + ph) as f32;
            }
            x += slant * (y - (y0 + y1) * 0.5);
            let (x, y) = (x.clamp(x0, x1), y.clamp(y0, y1));
            if let Some((px, py)) = prev {
                d.segment(px, py, x, y, 0.28, col, 1.0);
            }
            prev = Some((x, y));
        }
        sx += len * rng.range(0.7, 1.05);
        if sx > x1 - bw * 0.15 {
            break;
        }
    }
}

// ============================================================================
// Background
// ============================================================================

struct Bg {
    cv: Canvas,
    scale: f32,
    /// full-resolution fine texture amplitude (luma units, +/-)
    fine: f32,
}

fn render_background(spec: &SynthSpec, geo: &Geometry) -> Bg {
    let mut rng = stream(spec.seed, S_BG);
    // the background is rendered at <= 1200 px and upsampled (plus full-res fine texture)
    let scale = (geo.w.max(geo.h) as f32 / 1200.0).max(1.0);
    let bw = (geo.w as f32 / scale).ceil() as usize + 2;
    let bh = (geo.h as f32 / scale).ceil() as usize + 2;
    let unit = geo.w as f32 / scale; // frame width in bg px
    let mut cv = Canvas::new(bw, bh);
    let s1 = rng.next_u64() as u32;
    let s2 = rng.next_u64() as u32;
    let s3 = rng.next_u64() as u32;
    let kind = spec.background;

    let fill = |cv: &mut Canvas, f: &dyn Fn(f32, f32) -> Rgb| {
        for y in 0..bh {
            for x in 0..bw {
                let c = f(x as f32, y as f32);
                let p = &mut cv.px[(y * bw + x) * 3..(y * bw + x) * 3 + 3];
                p[0] = (c[0] + 0.5).clamp(0.0, 255.0) as u8;
                p[1] = (c[1] + 0.5).clamp(0.0, 255.0) as u8;
                p[2] = (c[2] + 0.5).clamp(0.0, 255.0) as u8;
            }
        }
    };
    let mottled = |cv: &mut Canvas, base: Rgb, amp: f32, sc: f32| {
        let f = move |x: f32, y: f32| {
            let m = fbm(x / (sc * unit), y / (sc * unit), s1, 3) - 0.5;
            scale3(base, 1.0 + amp * m)
        };
        fill(cv, &f);
    };

    let fine = match kind {
        Background::Wood => {
            let palette: [Rgb; 7] = [
                [196.0, 158.0, 112.0],
                [182.0, 134.0, 86.0],
                [150.0, 96.0, 62.0],
                [104.0, 72.0, 50.0],
                [160.0, 146.0, 128.0],
                [120.0, 84.0, 56.0],
                [214.0, 186.0, 146.0],
            ];
            let base = jitter(rng.pick(&palette), &mut rng, 8.0);
            let ang = if rng.chance(0.5) { 0.0 } else { PI / 2.0 } + rng.range(-0.12, 0.12) as f64;
            let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
            let plank = rng.range(0.12, 0.32) * unit;
            let ring_f = rng.range(2.0, 7.0) / plank;
            let ring_amp = rng.range(0.12, 0.28);
            let streak_f = rng.range(0.15, 0.45);
            let f = move |x: f32, y: f32| {
                let a = x * ca + y * sa;
                let c = -x * sa + y * ca;
                let pf = c / plank;
                let pi = ffloor(pf);
                let pc = pf - pi;
                let ph = hash2(pi as i32, 11, s2);
                let tone = 0.9 + 0.2 * ((ph >> 8) as f32 / 16_777_216.0);
                let ao = (ph & 0xffff) as f32;
                let warp = fbm((a + ao) / (0.45 * unit), c / (0.06 * unit), s1, 2);
                let r = c * ring_f + warp * 3.0 + (ph & 0xff) as f32 * 0.01;
                let fr = r - ffloor(r);
                let tri = (2.0 * fr - 1.0).abs();
                let ring = tri * tri * tri * tri;
                let streak = value_noise((a + ao) / (0.25 * unit), c * streak_f, s3);
                let seam_d = pc.min(1.0 - pc) * plank;
                let seam = (1.5 - seam_d).clamp(0.0, 1.0);
                let sh = tone * (1.0 - ring_amp * ring - 0.12 * streak) * (1.0 - 0.5 * seam);
                scale3(base, sh)
            };
            fill(&mut cv, &f);
            5.0
        }
        Background::Dark => {
            let pal: [Rgb; 4] = [
                [30.0, 30.0, 34.0],
                [22.0, 28.0, 45.0],
                [45.0, 40.0, 38.0],
                [35.0, 45.0, 38.0],
            ];
            let base = jitter(rng.pick(&pal), &mut rng, 6.0);
            mottled(&mut cv, base, 0.35, 0.25);
            3.0
        }
        Background::Light => {
            let pal: [Rgb; 4] = [
                [180.0, 178.0, 172.0],
                [196.0, 186.0, 166.0],
                [165.0, 170.0, 175.0],
                [200.0, 195.0, 188.0],
            ];
            let base = jitter(rng.pick(&pal), &mut rng, 8.0);
            mottled(&mut cv, base, 0.12, 0.3);
            4.0
        }
        Background::White => {
            let l = rng.range(232.0, 244.0);
            let base = [l + rng.range(-3.0, 3.0), l, l + rng.range(-4.0, 2.0)];
            mottled(&mut cv, base, 0.025, 0.4);
            2.0
        }
        Background::Pattern => {
            let mode = rng.below(3);
            let cell = rng.range(0.025, 0.09) * unit;
            let ang = rng.range(-0.8, 0.8) as f64;
            let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
            let c1 = jitter([rng.range(150.0, 235.0); 3], &mut rng, 25.0);
            let c2 = jitter([rng.range(40.0, 140.0); 3], &mut rng, 40.0);
            let sq = move |t: f32| -> f32 {
                // t in px; period 2*cell; returns -1..1 with 1 px AA ramps
                let p = t / (2.0 * cell);
                let f = p - ffloor(p);
                let s = if f < 0.5 { 1.0 } else { -1.0 };
                let d = f.min((f - 0.5).abs()).min(1.0 - f) * 2.0 * cell;
                s * (d * 2.0).min(1.0)
            };
            let f = move |x: f32, y: f32| {
                let u = x * ca + y * sa;
                let v = -x * sa + y * ca;
                let t = match mode {
                    0 => 0.5 + 0.5 * sq(u) * sq(v),
                    1 => 0.5 + 0.5 * sq(u),
                    _ => 0.25 * (2.0 + sq(u) + sq(v * 1.7)),
                };
                lerp3(c2, c1, t)
            };
            fill(&mut cv, &f);
            3.0
        }
        Background::Clutter => {
            let pal: [Rgb; 5] = [
                [150.0, 140.0, 128.0],
                [110.0, 100.0, 92.0],
                [175.0, 170.0, 160.0],
                [70.0, 72.0, 78.0],
                [140.0, 110.0, 80.0],
            ];
            let base = jitter(rng.pick(&pal), &mut rng, 10.0);
            mottled(&mut cv, base, 0.15, 0.3);
            draw_clutter(&mut cv, &mut rng, unit);
            4.0
        }
        Background::Fabric => {
            let base = [
                rng.range(50.0, 200.0),
                rng.range(50.0, 200.0),
                rng.range(50.0, 200.0),
            ];
            let period = rng.range(2.5, 5.0);
            let ang = rng.range(-0.3, 0.3) as f64;
            let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
            let f = move |x: f32, y: f32| {
                let u = (x * ca + y * sa) / period;
                let v = (-x * sa + y * ca) / period;
                let tu = (2.0 * (u - ffloor(u)) - 1.0).abs();
                let tv = (2.0 * (v - ffloor(v)) - 1.0).abs();
                let weave = 0.9 + 0.1 * (tu + tv);
                let m = fbm(x / (0.2 * unit), y / (0.2 * unit), s1, 3) - 0.5;
                let fold = fbm(x / (0.5 * unit), y / (0.08 * unit), s2, 2) - 0.5;
                scale3(base, weave * (1.0 + 0.2 * m + 0.25 * fold))
            };
            fill(&mut cv, &f);
            11.0
        }
    };

    // Drop shadow under the document.
    if spec.shadow > 0.0 && !spec.tight_crop {
        let mut lr = stream(spec.seed, S_LIGHT);
        let la = lr.f64() * 2.0 * PI;
        let (gx, gy) = (dcos(la), dsin(la));
        let off = (0.006 + 0.012 * spec.shadow as f64) * unit as f64;
        let soft = ((0.008 + 0.012 * spec.shadow as f64) * unit as f64) as f32;
        let q: Vec<[f32; 2]> = geo
            .quad
            .iter()
            .map(|p| {
                [
                    (p[0] / scale as f64 + gx * off) as f32,
                    (p[1] / scale as f64 + gy * off) as f32,
                ]
            })
            .collect();
        let cxm = q.iter().map(|p| p[0]).sum::<f32>() / 4.0;
        let cym = q.iter().map(|p| p[1]).sum::<f32>() / 4.0;
        // outward normals
        let mut edges = [[0.0f32; 3]; 4];
        for i in 0..4 {
            let a = q[i];
            let b = q[(i + 1) % 4];
            let (ex, ey) = (b[0] - a[0], b[1] - a[1]);
            let l = (ex * ex + ey * ey).sqrt().max(1e-6);
            let (mut nx, mut ny) = (ey / l, -ex / l);
            if (cxm - a[0]) * nx + (cym - a[1]) * ny > 0.0 {
                nx = -nx;
                ny = -ny;
            }
            edges[i] = [nx, ny, -(a[0] * nx + a[1] * ny)];
        }
        let minx = q.iter().map(|p| p[0]).fold(f32::INFINITY, f32::min) - 3.0 * soft;
        let maxx = q.iter().map(|p| p[0]).fold(f32::NEG_INFINITY, f32::max) + 3.0 * soft;
        let miny = q.iter().map(|p| p[1]).fold(f32::INFINITY, f32::min) - 3.0 * soft;
        let maxy = q.iter().map(|p| p[1]).fold(f32::NEG_INFINITY, f32::max) + 3.0 * soft;
        let strength = spec.shadow.clamp(0.0, 1.0) * 0.6;
        cv.paint(minx, miny, maxx, maxy, |x, y| {
            let mut d = f32::NEG_INFINITY;
            for e in &edges {
                d = d.max(e[0] * x + e[1] * y + e[2]);
            }
            let s = smoothstep(soft * 1.5, -soft, d);
            ([0.0, 0.0, 0.0], s * strength)
        });
    }
    Bg { cv, scale, fine }
}

fn draw_clutter(cv: &mut Canvas, rng: &mut SplitMix64, unit: f32) {
    let (w, h) = (cv.w as f32, cv.h as f32);
    let n = 7 + rng.below(10);
    for _ in 0..n {
        let cx = rng.range(-0.05, 1.05) * w;
        let cy = rng.range(-0.05, 1.05) * h;
        let ang = rng.f64() * PI;
        match rng.below(7) {
            0 => {
                // paper sheet with text lines
                let hw = rng.range(0.10, 0.20) * unit;
                let hh = hw * 1.41;
                let col = jitter([238.0, 238.0, 232.0], rng, 6.0);
                cv.rot_rect(cx + 3.0, cy + 4.0, hw, hh, ang, 1.0, [0.0; 3], 0.25);
                cv.rot_rect(cx, cy, hw, hh, ang, 1.0, col, 1.0);
                let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
                let lines = 12 + rng.below(16);
                for i in 0..lines {
                    let ly = -hh * 0.8 + i as f32 * (hh * 1.5 / lines as f32);
                    let lx = rng.range(0.4, 0.8) * hw;
                    let (px, py) = (cx - ly * sa, cy + ly * ca);
                    cv.rot_rect(
                        px + ca * (lx - hw * 0.8) * 0.5,
                        py + sa * (lx - hw * 0.8) * 0.5,
                        lx,
                        0.0012 * unit,
                        ang,
                        0.0,
                        [90.0, 90.0, 100.0],
                        0.7,
                    );
                }
            }
            1 => {
                // phone
                let hw = rng.range(0.035, 0.045) * unit;
                let hh = hw * 2.05;
                cv.rot_rect(
                    cx,
                    cy,
                    hw,
                    hh,
                    ang,
                    hw * 0.2,
                    jitter([28.0, 28.0, 32.0], rng, 6.0),
                    1.0,
                );
                cv.rot_rect(
                    cx,
                    cy,
                    hw * 0.9,
                    hh * 0.92,
                    ang,
                    hw * 0.1,
                    jitter([50.0, 55.0, 70.0], rng, 10.0),
                    1.0,
                );
            }
            2 => {
                // pen
                let len = rng.range(0.1, 0.2) * unit;
                let wd = rng.range(0.008, 0.013) * unit;
                let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
                let col = rng.pick(&[
                    [30.0, 50.0, 160.0],
                    [170.0, 30.0, 30.0],
                    [20.0, 20.0, 20.0],
                    [30.0, 120.0, 60.0],
                    [220.0, 200.0, 60.0],
                ]);
                cv.segment(
                    cx - ca * len,
                    cy - sa * len,
                    cx + ca * len,
                    cy + sa * len,
                    wd,
                    col,
                    1.0,
                );
                cv.segment(
                    cx + ca * len * 0.6,
                    cy + sa * len * 0.6,
                    cx + ca * len,
                    cy + sa * len,
                    wd * 1.1,
                    scale3(col, 0.6),
                    1.0,
                );
            }
            3 => {
                // coin
                let r = rng.range(0.012, 0.025) * unit;
                let col = rng.pick(&[
                    [190.0, 160.0, 90.0],
                    [185.0, 185.0, 180.0],
                    [160.0, 110.0, 70.0],
                ]);
                cv.ellipse(cx, cy, r, r, scale3(col, 0.75), 1.0);
                cv.ellipse(cx, cy, r * 0.85, r * 0.85, col, 1.0);
                cv.ellipse(
                    cx - r * 0.2,
                    cy - r * 0.2,
                    r * 0.4,
                    r * 0.4,
                    scale3(col, 1.12),
                    0.5,
                );
            }
            4 => {
                // mug from above
                let r = rng.range(0.045, 0.07) * unit;
                let col = jitter([rng.range(60.0, 230.0); 3], rng, 40.0);
                cv.ellipse(cx + 4.0, cy + 5.0, r * 1.05, r * 1.05, [0.0; 3], 0.3);
                cv.ellipse(cx, cy, r, r, col, 1.0);
                cv.ellipse(cx, cy, r * 0.85, r * 0.85, [70.0, 45.0, 30.0], 1.0);
                let (ca, sa) = (dcos(ang) as f32, dsin(ang) as f32);
                cv.segment(
                    cx + ca * r,
                    cy + sa * r,
                    cx + ca * r * 1.45,
                    cy + sa * r * 1.45,
                    r * 0.25,
                    col,
                    1.0,
                );
            }
            5 => {
                // notebook / book
                let hw = rng.range(0.08, 0.16) * unit;
                let hh = hw * rng.range(1.2, 1.5);
                let col = jitter(
                    [
                        rng.range(40.0, 200.0),
                        rng.range(40.0, 200.0),
                        rng.range(40.0, 200.0),
                    ],
                    rng,
                    10.0,
                );
                cv.rot_rect(cx + 4.0, cy + 5.0, hw, hh, ang, 2.0, [0.0; 3], 0.3);
                cv.rot_rect(cx, cy, hw, hh, ang, 2.0, col, 1.0);
                cv.rot_rect(cx, cy, hw * 0.15, hh * 0.3, ang, 1.0, scale3(col, 1.3), 0.8);
            }
            _ => {
                // keys / blobs
                let col = jitter([150.0, 150.0, 145.0], rng, 20.0);
                let r = rng.range(0.01, 0.02) * unit;
                let m = 2 + rng.below(3);
                for j in 0..m {
                    let dx = rng.range(-3.0, 3.0) * r;
                    let dy = rng.range(-3.0, 3.0) * r;
                    cv.ellipse(
                        cx + dx,
                        cy + dy,
                        r * rng.range(0.8, 1.6),
                        r * rng.range(0.5, 1.0),
                        scale3(col, 0.85 + 0.1 * j as f32),
                        1.0,
                    );
                }
                cv.ellipse(cx, cy, r * 1.3, r * 1.3, scale3(col, 0.6), 1.0);
                cv.ellipse(cx, cy, r * 0.8, r * 0.8, [100.0, 100.0, 100.0], 0.0);
            }
        }
    }
}

// ============================================================================
// Compositing
// ============================================================================

struct GlarePre {
    cu: f32,
    cv: f32,
    inv_r: f32,
    ca: f32,
    sa: f32,
    streak: bool,
    strength: f32,
    aspect: f32,
}

fn glare_pre(spec: &SynthSpec) -> Vec<GlarePre> {
    let (wmm, hmm) = spec.doc.size_mm();
    spec.glare
        .iter()
        .filter(|g| g.radius > 0.0 && g.strength > 0.0)
        .map(|g| {
            let a = g.angle_deg as f64 * PI / 180.0;
            GlarePre {
                cu: g.center.0,
                cv: g.center.1,
                inv_r: 1.0 / g.radius,
                ca: dcos(a) as f32,
                sa: dsin(a) as f32,
                streak: g.shape == GlareShape::Streak,
                strength: g.strength.min(1.0),
                aspect: hmm / wmm,
            }
        })
        .collect()
}

/// Glare amount 0..1 at document coords (u, v).
#[inline]
fn glare_at(pre: &[GlarePre], u: f32, v: f32) -> f32 {
    let mut keep = 1.0;
    for g in pre {
        let dx = u - g.cu;
        let dy = (v - g.cv) * g.aspect;
        let (a, b) = if g.streak {
            (dx * g.ca + dy * g.sa, (-dx * g.sa + dy * g.ca) * 4.0)
        } else {
            (dx, dy)
        };
        let r2 = (a * a + b * b) * g.inv_r * g.inv_r;
        if r2 >= 3.24 {
            continue;
        }
        let r = r2.sqrt();
        let core = smoothstep(1.0, 0.5, r);
        let t = 1.0 - r / 1.8;
        let halo = 0.35 * t * t;
        let gv = (g.strength * (core + halo * (1.0 - core)) * 1.03).min(1.0);
        keep *= 1.0 - gv;
    }
    1.0 - keep
}

/// Horizontal extent [x0, x1) of the document (expanded for AA) on row y.
fn row_span(q: &[[f64; 2]; 4], y: usize, w: usize) -> Option<(usize, usize)> {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let yc = y as f64 + 0.5;
    for yy in [yc - 1.5, yc, yc + 1.5] {
        for i in 0..4 {
            let a = q[i];
            let b = q[(i + 1) % 4];
            let (ya, yb) = (a[1].min(b[1]), a[1].max(b[1]));
            if yy >= ya && yy <= yb && yb > ya {
                let t = (yy - a[1]) / (b[1] - a[1]);
                let x = a[0] + t * (b[0] - a[0]);
                lo = lo.min(x);
                hi = hi.max(x);
            }
        }
    }
    for p in q {
        if (p[1] - yc).abs() <= 1.5 {
            lo = lo.min(p[0]);
            hi = hi.max(p[0]);
        }
    }
    if lo > hi {
        return None;
    }
    let x0 = (lo - 2.0).floor().max(0.0).min(w as f64) as usize;
    let x1 = (hi + 2.0).ceil().max(0.0).min(w as f64) as usize;
    if x0 >= x1 {
        None
    } else {
        Some((x0, x1))
    }
}

struct Composite {
    frame: Vec<u8>,
    mask: Vec<u8>,
    glare: Vec<u8>,
}

fn composite(spec: &SynthSpec, geo: &Geometry, tex: &Canvas, bg: &Bg) -> Composite {
    let (w, h) = (geo.w, geo.h);
    let mut frame = vec![0u8; w * h * 3];
    let mut mask = vec![0u8; w * h];
    let gp = glare_pre(spec);
    let mut glare = if gp.is_empty() {
        Vec::new()
    } else {
        vec![0u8; w * h]
    };
    let s = bg.scale;
    let bw = bg.cv.w;
    let bh = bg.cv.h;
    let bpx = &bg.cv.px;
    // column lookup for bilinear background upsampling
    let cols: Vec<(usize, usize, u32)> = (0..w)
        .map(|x| {
            let f = ((x as f32 + 0.5) / s - 0.5).max(0.0);
            let i0 = (f.floor() as usize).min(bw - 1);
            let i1 = (i0 + 1).min(bw - 1);
            let wx = ((f - f.floor()) * 256.0) as u32;
            (i0 * 3, i1 * 3, wx)
        })
        .collect();
    let fine_seed = mix(spec.seed, S_FINE) as u32;
    let fine_amp = bg.fine;
    let hv = geo.hinv;
    let det = m3_det(&hv).abs();
    let (twf, thf) = (geo.tw as f64, geo.th as f64);
    let (tcx, tcy) = (twf * 0.5, thf * 0.5);
    let rad = geo.radius_tex;
    let tw = geo.tw;
    let tpx = &tex.px;
    let fine_lut: [i16; 256] = {
        let mut l = [0i16; 256];
        for (i, v) in l.iter_mut().enumerate() {
            *v = ((i as f32 / 255.0 - 0.5) * 2.0 * fine_amp).round() as i16;
        }
        l
    };
    let mut vrow = vec![0u32; bw * 3];
    // upper bound of texels per pixel over the document (for the interior fast path)
    let tpp_max = geo
        .quad
        .iter()
        .map(|p| {
            let ww = hv[6] * p[0] + hv[7] * p[1] + hv[8];
            (det / (ww * ww * ww).abs()).sqrt()
        })
        .fold(0.0f64, f64::max)
        * 1.5
        + 0.5;
    for y in 0..h {
        let row = &mut frame[y * w * 3..(y + 1) * w * 3];
        // background
        let fy = ((y as f32 + 0.5) / s - 0.5).max(0.0);
        let j0 = (fy.floor() as usize).min(bh - 1);
        let j1 = (j0 + 1).min(bh - 1);
        let wy = ((fy - fy.floor()) * 256.0) as u32;
        let r0 = &bpx[j0 * bw * 3..(j0 + 1) * bw * 3];
        let r1 = &bpx[j1 * bw * 3..(j1 + 1) * bw * 3];
        for ((v, &a), &b) in vrow.iter_mut().zip(r0).zip(r1) {
            *v = a as u32 * (256 - wy) + b as u32 * wy;
        }
        let hy = hash32((y as u32).wrapping_mul(0x9E37_79B1) ^ fine_seed);
        for x in 0..w {
            let (i0, i1, wx) = cols[x];
            let n =
                fine_lut[(hash32((x as u32).wrapping_mul(0x85EB_CA77) ^ hy) >> 24) as usize] as i32;
            for c in 0..3 {
                let v = (vrow[i0 + c] * (256 - wx) + vrow[i1 + c] * wx + 32768) >> 16;
                row[x * 3 + c] = (v as i32 + n).clamp(0, 255) as u8;
            }
        }
        // document
        let Some((xa, xb)) = row_span(&geo.quad, y, w) else {
            continue;
        };
        let fyc = y as f64 + 0.5;
        let mrow = &mut mask[y * w..(y + 1) * w];
        for x in xa..xb {
            let fx = x as f64 + 0.5;
            let ww = hv[6] * fx + hv[7] * fyc + hv[8];
            if ww <= 0.0 {
                continue;
            }
            let iw = 1.0 / ww;
            let tx = (hv[0] * fx + hv[1] * fyc + hv[2]) * iw;
            let ty = (hv[3] * fx + hv[4] * fyc + hv[5]) * iw;
            // rounded rect SDF in texels
            let qx = (tx - tcx).abs() - (tcx - rad);
            let qy = (ty - tcy).abs() - (tcy - rad);
            let qm = qx.max(qy);
            let cov = if qm < 0.0 && rad - qm > tpp_max {
                1.0
            } else {
                let ox = qx.max(0.0);
                let oy = qy.max(0.0);
                let sdf = (ox * ox + oy * oy).sqrt() + qm.min(0.0) - rad;
                let tpp = (det * iw * iw * iw).sqrt(); // texels per pixel
                let cov = (0.5 - sdf / tpp).clamp(0.0, 1.0) as f32;
                if cov <= 0.0 {
                    continue;
                }
                cov
            };
            // bilinear texture sample
            let sx = (tx - 0.5).clamp(0.0, twf - 1.0);
            let sy = (ty - 0.5).clamp(0.0, thf - 1.0);
            let ix = (sx as usize).min(geo.tw - 1);
            let iy = (sy as usize).min(geo.th - 1);
            let ix1 = (ix + 1).min(geo.tw - 1);
            let iy1 = (iy + 1).min(geo.th - 1);
            let ax = (sx - ix as f64) as f32;
            let ay = (sy - iy as f64) as f32;
            let p00 = (iy * tw + ix) * 3;
            let p01 = (iy * tw + ix1) * 3;
            let p10 = (iy1 * tw + ix) * 3;
            let p11 = (iy1 * tw + ix1) * 3;
            let mut col = [0.0f32; 3];
            for c in 0..3 {
                let t0 = tpx[p00 + c] as f32 + (tpx[p01 + c] as f32 - tpx[p00 + c] as f32) * ax;
                let t1 = tpx[p10 + c] as f32 + (tpx[p11 + c] as f32 - tpx[p10 + c] as f32) * ax;
                col[c] = t0 + (t1 - t0) * ay;
            }
            if !gp.is_empty() {
                let g = glare_at(&gp, (tx / twf) as f32, (ty / thf) as f32);
                if g > 0.0 {
                    for c in col.iter_mut() {
                        *c += (256.0 - *c) * g;
                    }
                    glare[y * w + x] = (g * 255.0 + 0.5) as u8;
                }
            }
            let p = &mut row[x * 3..x * 3 + 3];
            for c in 0..3 {
                let b = p[c] as f32;
                p[c] = (b + (col[c] - b) * cov + 0.5).clamp(0.0, 255.0) as u8;
            }
            mrow[x] = (cov * 255.0 + 0.5) as u8;
        }
    }
    Composite { frame, mask, glare }
}

// ============================================================================
// Blur
// ============================================================================

/// Separable gaussian blur (exact kernel for small sigma, 3 box passes above).
pub fn gaussian_blur(img: &mut [u8], w: usize, h: usize, sigma: f32) {
    if sigma < 0.2 || w == 0 || h == 0 {
        return;
    }
    if sigma <= 3.0 {
        let r = (3.0 * sigma).ceil() as usize;
        let mut wts: Vec<i32> = (0..=2 * r)
            .map(|i| {
                let d = i as f64 - r as f64;
                (dexp(-d * d / (2.0 * sigma as f64 * sigma as f64)) * 1e6) as i32
            })
            .collect();
        let sum: i64 = wts.iter().map(|&v| v as i64).sum();
        for v in wts.iter_mut() {
            *v = ((*v as i64 * 4096 + sum / 2) / sum) as i32;
        }
        let s2: i32 = wts.iter().sum();
        wts[r] += 4096 - s2;
        conv_h(img, w, h, &wts);
        conv_v(img, w, h, &wts);
    } else {
        let sizes = boxes_for_gauss(sigma as f64);
        for &b in &sizes {
            box_h(img, w, h, b / 2);
        }
        for &b in &sizes {
            box_v(img, w, h, b / 2);
        }
    }
}

fn boxes_for_gauss(sigma: f64) -> [usize; 3] {
    let n = 3.0;
    let w_ideal = (12.0 * sigma * sigma / n + 1.0).sqrt();
    let mut wl = w_ideal.floor() as i64;
    if wl % 2 == 0 {
        wl -= 1;
    }
    let wu = wl + 2;
    let wlf = wl as f64;
    let m_ideal =
        (12.0 * sigma * sigma - n * wlf * wlf - 4.0 * n * wlf - 3.0 * n) / (-4.0 * wlf - 4.0);
    let m = m_ideal.round() as i64;
    let mut out = [0usize; 3];
    for (i, o) in out.iter_mut().enumerate() {
        *o = if (i as i64) < m { wl } else { wu }.max(1) as usize;
    }
    out
}

fn conv_h(img: &mut [u8], w: usize, h: usize, wts: &[i32]) {
    let r = wts.len() / 2;
    let mut pad = vec![0u8; (w + 2 * r) * 3];
    let mut acc = vec![0i32; w * 3];
    for y in 0..h {
        let row = &mut img[y * w * 3..(y + 1) * w * 3];
        for i in 0..w + 2 * r {
            let sx = (i as isize - r as isize).clamp(0, w as isize - 1) as usize;
            pad[i * 3..i * 3 + 3].copy_from_slice(&row[sx * 3..sx * 3 + 3]);
        }
        acc.iter_mut().for_each(|a| *a = 2048);
        for (k, &wt) in wts.iter().enumerate() {
            let src = &pad[k * 3..k * 3 + w * 3];
            for (a, &s) in acc.iter_mut().zip(src) {
                *a += wt * s as i32;
            }
        }
        for (o, &a) in row.iter_mut().zip(&acc) {
            *o = (a >> 12).clamp(0, 255) as u8;
        }
    }
}

fn conv_v(img: &mut [u8], w: usize, h: usize, wts: &[i32]) {
    let r = wts.len() / 2;
    let src = img.to_vec();
    let stride = w * 3;
    let mut acc = vec![0i32; stride];
    for y in 0..h {
        acc.iter_mut().for_each(|a| *a = 2048);
        for (k, &wt) in wts.iter().enumerate() {
            let sy = (y as isize + k as isize - r as isize).clamp(0, h as isize - 1) as usize;
            let srow = &src[sy * stride..(sy + 1) * stride];
            for (a, &s) in acc.iter_mut().zip(srow) {
                *a += wt * s as i32;
            }
        }
        for (o, &a) in img[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = (a >> 12).clamp(0, 255) as u8;
        }
    }
}

fn box_h(img: &mut [u8], w: usize, h: usize, r: usize) {
    if r == 0 {
        return;
    }
    let n = (2 * r + 1) as u64;
    let inv = (1u64 << 32) / n;
    let mut pad = vec![0u8; (w + 2 * r + 1) * 3];
    for y in 0..h {
        let row = &mut img[y * w * 3..(y + 1) * w * 3];
        for i in 0..w + 2 * r + 1 {
            let sx = (i as isize - r as isize).clamp(0, w as isize - 1) as usize;
            pad[i * 3..i * 3 + 3].copy_from_slice(&row[sx * 3..sx * 3 + 3]);
        }
        let mut sum = [0u32; 3];
        for i in 0..2 * r + 1 {
            for c in 0..3 {
                sum[c] += pad[i * 3 + c] as u32;
            }
        }
        for x in 0..w {
            for c in 0..3 {
                row[x * 3 + c] = ((sum[c] as u64 * inv + (1 << 31)) >> 32) as u8;
                sum[c] = sum[c] + pad[(x + 2 * r + 1) * 3 + c] as u32 - pad[x * 3 + c] as u32;
            }
        }
    }
}

fn box_v(img: &mut [u8], w: usize, h: usize, r: usize) {
    if r == 0 {
        return;
    }
    let n = (2 * r + 1) as u32;
    let inv = (1u64 << 32) / n as u64;
    let stride = w * 3;
    let src = img.to_vec();
    let row = |i: isize| {
        let y = i.clamp(0, h as isize - 1) as usize;
        &src[y * stride..(y + 1) * stride]
    };
    let mut acc = vec![0u32; stride];
    for i in -(r as isize)..=(r as isize) {
        for (a, &s) in acc.iter_mut().zip(row(i)) {
            *a += s as u32;
        }
    }
    for y in 0..h {
        for (o, &a) in img[y * stride..(y + 1) * stride].iter_mut().zip(&acc) {
            *o = ((a as u64 * inv + (1 << 31)) >> 32) as u8;
        }
        let add = row(y as isize + r as isize + 1);
        let sub = row(y as isize - r as isize);
        for ((a, &p), &m) in acc.iter_mut().zip(add).zip(sub) {
            *a = *a + p as u32 - m as u32;
        }
    }
}

/// Linear motion blur of `len` px along `angle` (radians, 0 = horizontal).
pub fn motion_blur(img: &mut Vec<u8>, w: usize, h: usize, len: f32, angle: f64) {
    let n = len.round() as i64;
    if n < 2 || w == 0 || h == 0 {
        return;
    }
    let (dx, dy) = (dcos(angle), dsin(angle));
    if dx.abs() >= dy.abs() {
        motion_blur_h(img, w, h, n as usize, dy / dx);
    } else {
        let (mut t, tw, th) = transpose(img, w, h);
        motion_blur_h(&mut t, tw, th, n as usize, dx / dy);
        let (back, _, _) = transpose(&t, tw, th);
        *img = back;
    }
}

fn transpose(img: &[u8], w: usize, h: usize) -> (Vec<u8>, usize, usize) {
    let mut out = vec![0u8; w * h * 3];
    const B: usize = 32;
    for by in (0..h).step_by(B) {
        for bx in (0..w).step_by(B) {
            for y in by..(by + B).min(h) {
                for x in bx..(bx + B).min(w) {
                    let s = (y * w + x) * 3;
                    let d = (x * h + y) * 3;
                    out[d..d + 3].copy_from_slice(&img[s..s + 3]);
                }
            }
        }
    }
    (out, h, w)
}

/// Motion blur along lines x -> (x, c + round(x*s)), |s| <= 1, n taps, via prefix sums per line.
fn motion_blur_h(img: &mut [u8], w: usize, h: usize, n: usize, s: f64) {
    let src = img.to_vec();
    let pad = n as i64;
    let lo_t = (n as i64 - 1) / 2;
    let hi_t = n as i64 - 1 - lo_t;
    let span = w as i64 + 2 * pad;
    let offs: Vec<i64> = (0..span)
        .map(|i| ((i - pad) as f64 * s).round() as i64)
        .collect();
    let omin = *offs.iter().min().unwrap();
    let omax = *offs.iter().max().unwrap();
    let mut pre = vec![[0u32; 3]; span as usize + 1];
    let inv = (1u64 << 32) / n as u64;
    let hh = h as i64;
    for c in (-omax)..(hh - omin) {
        // range of x (0..w) where the line is inside the image
        let mut xlo = i64::MAX;
        let mut xhi = i64::MIN;
        for x in 0..w as i64 {
            let yy = c + offs[(x + pad) as usize];
            if yy >= 0 && yy < hh {
                xlo = xlo.min(x);
                xhi = xhi.max(x);
            }
        }
        if xlo > xhi {
            continue;
        }
        let ilo = (xlo - lo_t).max(-pad) + pad; // index into offs
        let ihi = (xhi + hi_t).min(w as i64 - 1 + pad) + pad;
        pre[ilo as usize] = [0; 3];
        for i in ilo..=ihi {
            let x = (i - pad).clamp(0, w as i64 - 1) as usize;
            let yy = (c + offs[i as usize]).clamp(0, hh - 1) as usize;
            let p = (yy * w + x) * 3;
            let prev = pre[i as usize];
            pre[i as usize + 1] = [
                prev[0] + src[p] as u32,
                prev[1] + src[p + 1] as u32,
                prev[2] + src[p + 2] as u32,
            ];
        }
        for x in xlo..=xhi {
            let yy = c + offs[(x + pad) as usize];
            if yy < 0 || yy >= hh {
                continue;
            }
            let a = (x + pad - lo_t) as usize;
            let b = (x + pad + hi_t + 1) as usize;
            let p = (yy as usize * w + x as usize) * 3;
            for k in 0..3 {
                let sum = pre[b][k] - pre[a][k];
                img[p + k] = ((sum as u64 * inv + (1 << 31)) >> 32).min(255) as u8;
            }
        }
    }
}

// ============================================================================
// Exposure, lighting, noise, statistics
// ============================================================================

struct Stats {
    mean_luma: f64,
    doc_mean_luma: f64,
    glare_fraction: f64,
    bright_fraction: f64,
}

fn finish(
    spec: &SynthSpec,
    img: &mut [u8],
    w: usize,
    h: usize,
    mask: &[u8],
    glare: &[u8],
) -> Stats {
    let mut lr = stream(spec.seed, S_LIGHT);
    let la = lr.f64() * 2.0 * PI;
    let (gx, gy) = (dcos(la) as f32, dsin(la) as f32);
    let lg = spec.lighting_gradient.clamp(0.0, 1.0);
    let exposure = spec.exposure.max(0.0);
    let vig = 0.06f32;
    let sigma = spec.noise_sigma.max(0.0);
    let sc = sigma * 0.45;
    // table of N(0,1) samples (sum of 4 uniforms), indexed by per-pixel random bits
    let gauss: Vec<f32> = {
        let mut r = SplitMix64::new(0x6A09_E667_F3BC_C908);
        (0..4096)
            .map(|_| {
                let a = r.next_u64();
                let s4 = (a & 0xffff) + ((a >> 16) & 0xffff) + ((a >> 32) & 0xffff) + (a >> 48);
                (s4 as f32 - 131_070.0) / 37_837.0
            })
            .collect()
    };
    let xn: Vec<f32> = (0..w)
        .map(|x| (x as f32 + 0.5) / w as f32 * 2.0 - 1.0)
        .collect();
    let aspect = w as f32 / h as f32;
    let ax = aspect * aspect / (1.0 + aspect * aspect);
    let ay = 1.0 / (1.0 + aspect * aspect);
    let noise_seed = mix(spec.seed, S_NOISE);
    let mut luma_sum: u64 = 0;
    let mut doc_sum: u64 = 0;
    let mut doc_n: u64 = 0;
    let mut bright_n: u64 = 0;
    let mut glare_n: u64 = 0;
    let has_glare = !glare.is_empty();
    for y in 0..h {
        let yn = (y as f32 + 0.5) / h as f32 * 2.0 - 1.0;
        let mut rng = SplitMix64::new(mix(noise_seed, y as u64));
        let row = &mut img[y * w * 3..(y + 1) * w * 3];
        for x in 0..w {
            let xv = xn[x];
            let ramp = (0.5 + 0.36 * (gx * xv + gy * yn)).clamp(0.0, 1.0);
            let r2 = ax * xv * xv + ay * yn * yn;
            let mut gain = exposure * (1.0 - lg * 0.6 * ramp - vig * r2);
            if has_glare {
                // specular highlights are not dimmed by shading or exposure: they clip
                let g = glare[y * w + x] as f32 * (1.0 / 255.0);
                gain += (exposure.max(1.0) * 1.15 - gain) * g;
            }
            let (ny, ncb, ncr) = if sigma > 0.0 {
                let a = rng.next_u64();
                (
                    gauss[(a & 4095) as usize] * sigma,
                    gauss[((a >> 12) & 4095) as usize] * sc,
                    gauss[((a >> 24) & 4095) as usize] * sc,
                )
            } else {
                (0.0, 0.0, 0.0)
            };
            let p = &mut row[x * 3..x * 3 + 3];
            let r = (p[0] as f32 * gain + ny + 1.402 * ncr + 0.5).clamp(0.0, 255.0) as u8;
            let g =
                (p[1] as f32 * gain + ny - 0.344 * ncb - 0.714 * ncr + 0.5).clamp(0.0, 255.0) as u8;
            let b = (p[2] as f32 * gain + ny + 1.772 * ncb + 0.5).clamp(0.0, 255.0) as u8;
            p[0] = r;
            p[1] = g;
            p[2] = b;
            let l = (77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8;
            luma_sum += l as u64;
            let i = y * w + x;
            if mask[i] >= 128 {
                doc_n += 1;
                doc_sum += l as u64;
                if l > 240 {
                    bright_n += 1;
                    if has_glare && glare[i] >= 13 {
                        glare_n += 1;
                    }
                }
            }
        }
    }
    let npx = (w * h) as f64;
    let dn = doc_n.max(1) as f64;
    Stats {
        mean_luma: luma_sum as f64 / npx,
        doc_mean_luma: doc_sum as f64 / dn,
        glare_fraction: glare_n as f64 / dn,
        bright_fraction: bright_n as f64 / dn,
    }
}

// ============================================================================
// Orientation and JPEG / Exif
// ============================================================================

fn swaps(orientation: u16) -> bool {
    (5..=8).contains(&orientation)
}

fn stored_dims(uw: u32, uh: u32, orientation: u16) -> (u32, u32) {
    if swaps(orientation) {
        (uh, uw)
    } else {
        (uw, uh)
    }
}

/// Stored pixel coordinate shown at upright (x, y); `sw`, `sh` = stored size.
#[inline]
fn upright_to_stored(x: usize, y: usize, sw: usize, sh: usize, o: u16) -> (usize, usize) {
    match o {
        2 => (sw - 1 - x, y),
        3 => (sw - 1 - x, sh - 1 - y),
        4 => (x, sh - 1 - y),
        5 => (y, x),
        6 => (y, sh - 1 - x),
        7 => (sw - 1 - y, sh - 1 - x),
        8 => (sw - 1 - y, x),
        _ => (x, y),
    }
}

fn remap(src: &[u8], uw: usize, uh: usize, o: u16, to_stored: bool) -> Vec<u8> {
    let (sw, sh) = if swaps(o) { (uh, uw) } else { (uw, uh) };
    let mut out = vec![0u8; uw * uh * 3];
    const B: usize = 32;
    for by in (0..uh).step_by(B) {
        for bx in (0..uw).step_by(B) {
            for y in by..(by + B).min(uh) {
                for x in bx..(bx + B).min(uw) {
                    let (sx, sy) = upright_to_stored(x, y, sw, sh, o);
                    let u = (y * uw + x) * 3;
                    let s = (sy * sw + sx) * 3;
                    if to_stored {
                        out[s..s + 3].copy_from_slice(&src[u..u + 3]);
                    } else {
                        out[u..u + 3].copy_from_slice(&src[s..s + 3]);
                    }
                }
            }
        }
    }
    out
}

/// Inverse of EXIF orientation: the pixels to store so that a viewer applying
/// `orientation` shows `rgb` (upright, `w` x `h`). Returns (stored, stored_w, stored_h).
pub fn stored_from_upright(rgb: &[u8], w: u32, h: u32, orientation: u16) -> (Vec<u8>, u32, u32) {
    assert_eq!(rgb.len(), w as usize * h as usize * 3, "rgb size mismatch");
    let (sw, sh) = stored_dims(w, h, orientation);
    if !(2..=8).contains(&orientation) {
        return (rgb.to_vec(), sw, sh);
    }
    (
        remap(rgb, w as usize, h as usize, orientation, true),
        sw,
        sh,
    )
}

/// Applies EXIF orientation to stored pixels (`w` x `h` = stored size), giving the
/// upright image. Returns (upright, upright_w, upright_h).
pub fn upright_from_stored(rgb: &[u8], w: u32, h: u32, orientation: u16) -> (Vec<u8>, u32, u32) {
    assert_eq!(rgb.len(), w as usize * h as usize * 3, "rgb size mismatch");
    let (uw, uh) = stored_dims(w, h, orientation);
    if !(2..=8).contains(&orientation) {
        return (rgb.to_vec(), uw, uh);
    }
    (
        remap(rgb, uw as usize, uh as usize, orientation, false),
        uw,
        uh,
    )
}

/// APP1 payload: "Exif\0\0" + little-endian TIFF with IFD0 {Make "SynthCam",
/// Orientation, GPSInfo pointer} and a GPS IFD {GPSVersionID, GPSLatitudeRef "N",
/// GPSLatitude 52/1 31/1 1234/100}.
pub fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = Vec::with_capacity(128);
    t.extend_from_slice(b"Exif\0\0");
    let base = t.len();
    let p16 = |t: &mut Vec<u8>, v: u16| t.extend_from_slice(&v.to_le_bytes());
    let p32 = |t: &mut Vec<u8>, v: u32| t.extend_from_slice(&v.to_le_bytes());
    t.extend_from_slice(b"II");
    p16(&mut t, 42);
    p32(&mut t, 8);
    // IFD0 at 8: 3 entries -> 2 + 36 + 4 = 42 bytes, ends at 50
    let make_off = 50u32;
    let gps_off = 60u32; // make string 9 bytes (50..59), pad to 60
    p16(&mut t, 3);
    // Make
    p16(&mut t, 0x010F);
    p16(&mut t, 2);
    p32(&mut t, 9);
    p32(&mut t, make_off);
    // Orientation
    p16(&mut t, 0x0112);
    p16(&mut t, 3);
    p32(&mut t, 1);
    p16(&mut t, orientation);
    p16(&mut t, 0);
    // GPS IFD pointer
    p16(&mut t, 0x8825);
    p16(&mut t, 4);
    p32(&mut t, 1);
    p32(&mut t, gps_off);
    p32(&mut t, 0); // next IFD
    debug_assert_eq!(t.len() - base, 50);
    t.extend_from_slice(b"SynthCam\0\0");
    debug_assert_eq!(t.len() - base, 60);
    // GPS IFD: 3 entries -> 42 bytes, rationals at 102
    p16(&mut t, 3);
    p16(&mut t, 0x0000); // GPSVersionID BYTE[4]
    p16(&mut t, 1);
    p32(&mut t, 4);
    t.extend_from_slice(&[2, 2, 0, 0]);
    p16(&mut t, 0x0001); // GPSLatitudeRef ASCII[2]
    p16(&mut t, 2);
    p32(&mut t, 2);
    t.extend_from_slice(b"N\0\0\0");
    p16(&mut t, 0x0002); // GPSLatitude RATIONAL[3]
    p16(&mut t, 5);
    p32(&mut t, 3);
    p32(&mut t, 102);
    p32(&mut t, 0);
    debug_assert_eq!(t.len() - base, 102);
    for (n, d) in [(52u32, 1u32), (31, 1), (1234, 100)] {
        p32(&mut t, n);
        p32(&mut t, d);
    }
    t
}

/// Encodes an upright RGB frame as a baseline 4:2:0 JPEG whose stored pixels,
/// once `orientation` is applied, give `upright`. Writes the Exif APP1 if `exif`.
pub fn encode_jpeg(
    upright: &[u8],
    w: u32,
    h: u32,
    orientation: u16,
    quality: u8,
    exif: bool,
) -> Vec<u8> {
    assert!(
        w <= 65535 && h <= 65535,
        "JPEG dimensions are limited to 65535"
    );
    let owned;
    let (data, sw, sh): (&[u8], u32, u32) = if (2..=8).contains(&orientation) {
        let (v, sw, sh) = stored_from_upright(upright, w, h, orientation);
        owned = v;
        (&owned, sw, sh)
    } else {
        (upright, w, h)
    };
    let mut out = Vec::with_capacity(data.len() / 6 + 1024);
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100));
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    if exif {
        enc.add_app_segment(1, exif_app1(orientation))
            .expect("exif segment fits");
    }
    enc.encode(data, sw as u16, sh as u16, jpeg_encoder::ColorType::Rgb)
        .expect("jpeg encoding to memory");
    out
}

// ============================================================================
// Render
// ============================================================================

/// Renders a capture. Deterministic: the same spec gives byte-identical output.
///
/// Panics if the frame is larger than 65535 px on a side.
pub fn render(spec: &SynthSpec) -> SynthCapture {
    let geo = Geometry::new(spec);
    let (w, h) = (geo.w, geo.h);
    assert!(w <= 65535 && h <= 65535, "frame larger than 65535 px");
    let tex = render_document(spec, geo.tw, geo.th);
    let bg = render_background(spec, &geo);
    let Composite {
        mut frame,
        mask,
        glare,
    } = composite(spec, &geo, &tex, &bg);
    drop(tex);
    drop(bg);
    let defocus_px = spec.defocus_sigma.max(0.0) * w as f32 / 1000.0;
    if defocus_px > 0.0 {
        gaussian_blur(&mut frame, w, h, defocus_px);
    }
    let motion_px = spec.motion_blur_px.max(0.0) * w as f32 / 1000.0;
    let motion_angle = stream(spec.seed, S_MOTION).f64() * PI;
    let motion_applied = if motion_px.round() >= 2.0 {
        motion_blur(&mut frame, w, h, motion_px, motion_angle);
        motion_px.round()
    } else {
        0.0
    };
    let st = finish(spec, &mut frame, w, h, &mask, &glare);
    let jpeg = encode_jpeg(
        &frame,
        w as u32,
        h as u32,
        spec.orientation,
        spec.jpeg_quality,
        spec.exif,
    );
    let qs = quad_stats(&geo.quad, w as f64, h as f64);
    let tight = spec.tight_crop;
    let truth = Truth {
        quad: geo.quad.map(|p| [p[0] as f32, p[1] as f32]),
        cut_edges: if tight { Vec::new() } else { qs.cut_edges },
        coverage: if tight { 1.0 } else { qs.coverage as f32 },
        visible_fraction: if tight { 1.0 } else { qs.visible as f32 },
        min_margin: if tight { 0.0 } else { qs.min_margin as f32 },
        tight_crop: tight,
        glare_fraction: st.glare_fraction as f32,
        bright_fraction: st.bright_fraction as f32,
        defocus_sigma_px: if defocus_px >= 0.2 { defocus_px } else { 0.0 },
        motion_blur_px: motion_applied,
        motion_angle_deg: if motion_applied > 0.0 {
            (motion_angle * 180.0 / PI) as f32
        } else {
            0.0
        },
        mean_luma: st.mean_luma as f32,
        doc_mean_luma: st.doc_mean_luma as f32,
        exposure: spec.exposure,
        tilt_deg: if tight { 0.0 } else { spec.tilt_deg },
        rotation_deg: if tight { 0.0 } else { spec.rotation_deg },
        background: spec.background,
        orientation: spec.orientation,
        doc: spec.doc,
    };
    SynthCapture {
        jpeg,
        upright_rgb: frame,
        width: w as u32,
        height: h as u32,
        truth,
    }
}

// ============================================================================
// Presets
// ============================================================================

const PRESET_W: u32 = 4000;
const PRESET_H: u32 = 3000;

impl SynthSpec {
    /// Same spec with another frame size (relative geometry is kept; guarantees
    /// of the presets hold as long as the aspect ratio is unchanged).
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.width = width;
        self.height = height;
        self
    }

    /// The document quad this spec will render (upright frame px).
    pub fn quad(&self) -> [[f32; 2]; 4] {
        document_quad(self)
    }

    /// A labelled variant at 4000x3000.
    pub fn variant(seed: u64, v: Variant) -> Self {
        Self::variant_sized(seed, v, PRESET_W, PRESET_H)
    }

    /// A labelled variant at the given frame size (placement is validated for that size).
    pub fn variant_sized(seed: u64, v: Variant, width: u32, height: u32) -> Self {
        let seed = mix(seed, 0xC0FFEE);
        match v {
            Variant::Good => good_placed(seed, width, height, None),
            Variant::CutOff(c) => cut_off_spec(seed, width, height, c),
            Variant::Tight => {
                let mut s = nuisance(seed, width, height);
                s.tight_crop = true;
                s.tilt_deg = 0.0;
                s.rotation_deg = 0.0;
                s.shadow = 0.0;
                s.lighting_gradient *= 0.5;
                let mut r = stream(seed, 101);
                s.background = r.pick(&[Background::White, Background::Light, Background::Dark]);
                s
            }
            Variant::TinyDocument => {
                let mut best = None;
                for k in 0..64u64 {
                    let mut s = nuisance(mix(seed, k), width, height);
                    let mut r = stream(seed, 200 + k);
                    s.doc_fraction = r.range(0.14, 0.26);
                    s.center = (r.range(0.25, 0.75), r.range(0.25, 0.75));
                    let st = spec_stats(&s);
                    if st.min_margin >= 0.05 && st.coverage <= 0.10 {
                        best = Some(s);
                        break;
                    }
                }
                best.unwrap_or_else(|| {
                    let mut s = nuisance(seed, width, height);
                    s.doc_fraction = 0.18;
                    s.center = (0.5, 0.5);
                    s.tilt_deg = 0.0;
                    s
                })
            }
            Variant::Glare(size) => {
                let mut s = good_placed(seed, width, height, None);
                let mut r = stream(seed, 300);
                let (lo, hi) = match size {
                    GlareSize::Small => (0.04, 0.07),
                    GlareSize::Medium => (0.09, 0.14),
                    GlareSize::Large => (0.18, 0.26),
                };
                let n = if size == GlareSize::Large && r.chance(0.3) {
                    2
                } else {
                    1
                };
                for _ in 0..n {
                    let shape = if r.chance(0.35) {
                        GlareShape::Streak
                    } else {
                        GlareShape::Round
                    };
                    s.glare.push(GlareSpot {
                        center: (r.range(0.25, 0.75), r.range(0.3, 0.7)),
                        radius: r.range(lo, hi)
                            * if shape == GlareShape::Streak {
                                1.5
                            } else {
                                1.0
                            },
                        shape,
                        strength: r.range(0.97, 1.0),
                        angle_deg: r.range(-60.0, 60.0),
                    });
                }
                s
            }
            Variant::Defocus(sev) => {
                let mut s = good_placed(seed, width, height, None);
                let mut r = stream(seed, 400);
                s.defocus_sigma = match sev {
                    Strength::Mild => 1.2,
                    Strength::Moderate => 2.0,
                    Strength::Severe => 3.5,
                } * r.range(0.9, 1.1);
                s
            }
            Variant::Motion(sev) => {
                let mut s = good_placed(seed, width, height, None);
                let mut r = stream(seed, 500);
                s.motion_blur_px = match sev {
                    Strength::Mild => 5.0,
                    Strength::Moderate => 10.0,
                    Strength::Severe => 18.0,
                } * r.range(0.9, 1.1);
                s
            }
            Variant::Dark => {
                let mut s = good_placed(seed, width, height, None);
                let mut r = stream(seed, 600);
                s.exposure = r.range(0.12, 0.25);
                s.noise_sigma = r.range(4.0, 7.0);
                s
            }
            Variant::Overexposed => {
                let mut s = good_placed(seed, width, height, None);
                let mut r = stream(seed, 700);
                s.exposure = r.range(1.9, 2.6);
                s
            }
            Variant::WhiteSurface => {
                let mut s = good_placed(seed, width, height, Some(Background::White));
                s.lighting_gradient = s.lighting_gradient.min(0.15);
                s.shadow = s.shadow.min(0.2);
                s
            }
            Variant::Cluttered => good_placed(seed, width, height, Some(Background::Clutter)),
            Variant::Tilted(deg) => {
                let mut out = None;
                for k in 0..96u64 {
                    let mut s = nuisance(mix(seed, k), width, height);
                    s.tilt_deg = deg;
                    s.doc_fraction *= 1.0 - (k as f32 / 96.0) * 0.5;
                    if placement_ok(&s) {
                        out = Some(s);
                        break;
                    }
                }
                out.unwrap_or_else(|| {
                    let mut s = nuisance(seed, width, height);
                    s.tilt_deg = deg;
                    s.rotation_deg = 0.0;
                    s.doc_fraction = 0.45;
                    s.center = (0.5, 0.5);
                    s
                })
            }
        }
    }

    /// Clean capture: all corners inside with >= 3.5 % margin, coverage 0.25..0.85,
    /// no glare, sharp, normal exposure; nuisances vary with the seed.
    pub fn good(seed: u64) -> Self {
        Self::variant(seed, Variant::Good)
    }

    /// Document crossing the given edge(s): >= 10 % of its area outside the frame,
    /// exactly the listed edges in `Truth::cut_edges`.
    pub fn cut_off(seed: u64, side: CutOff) -> Self {
        Self::variant(seed, Variant::CutOff(side))
    }

    /// Rectified document filling the frame edge to edge (flat scan).
    pub fn tight(seed: u64) -> Self {
        Self::variant(seed, Variant::Tight)
    }

    /// Document inside the frame but covering <= 10 % of it.
    pub fn tiny_document(seed: u64) -> Self {
        Self::variant(seed, Variant::TinyDocument)
    }

    /// Good capture plus saturating glare of the given size.
    pub fn glare(seed: u64, size: GlareSize) -> Self {
        Self::variant(seed, Variant::Glare(size))
    }

    /// Good capture plus gaussian defocus.
    pub fn defocus(seed: u64, strength: Strength) -> Self {
        Self::variant(seed, Variant::Defocus(strength))
    }

    /// Good capture plus linear motion blur.
    pub fn motion(seed: u64, strength: Strength) -> Self {
        Self::variant(seed, Variant::Motion(strength))
    }

    /// Good capture with exposure 0.12..0.25 (and more noise).
    pub fn dark(seed: u64) -> Self {
        Self::variant(seed, Variant::Dark)
    }

    /// Good capture with exposure 1.9..2.6.
    pub fn overexposed(seed: u64) -> Self {
        Self::variant(seed, Variant::Overexposed)
    }

    /// Good capture on a near-white surface.
    pub fn white_surface(seed: u64) -> Self {
        Self::variant(seed, Variant::WhiteSurface)
    }

    /// Good capture on a cluttered desk.
    pub fn cluttered(seed: u64) -> Self {
        Self::variant(seed, Variant::Cluttered)
    }

    /// Capture with the given perspective tilt, still fully in frame.
    pub fn tilted(seed: u64, deg: f32) -> Self {
        Self::variant(seed, Variant::Tilted(deg))
    }
}

/// Random nuisance factors of a clean capture (placement not yet validated).
fn nuisance(seed: u64, width: u32, height: u32) -> SynthSpec {
    let mut r = stream(seed, 77);
    let doc = if r.chance(0.7) {
        DocKind::IdCard
    } else {
        DocKind::Passport
    };
    let background = r.pick(&Background::ALL);
    let o = r.f32();
    let orientation = if o < 0.6 {
        1
    } else if o < 0.85 {
        6
    } else if o < 0.93 {
        3
    } else {
        8
    };
    let tt = r.f32();
    SynthSpec {
        seed,
        width,
        height,
        doc,
        orientation,
        background,
        doc_fraction: r.range(0.6, 0.82),
        center: (r.range(0.45, 0.55), r.range(0.45, 0.55)),
        rotation_deg: r.range(-10.0, 10.0),
        tilt_deg: tt * tt * 28.0,
        glare: Vec::new(),
        defocus_sigma: 0.0,
        motion_blur_px: 0.0,
        exposure: r.range(0.92, 1.05),
        lighting_gradient: r.range(0.0, 0.45),
        shadow: if r.chance(0.5) {
            r.range(0.2, 0.6)
        } else {
            0.0
        },
        noise_sigma: r.range(1.5, 4.0),
        jpeg_quality: 80 + r.below(16) as u8,
        tight_crop: false,
        exif: true,
    }
}

fn spec_stats(s: &SynthSpec) -> QuadStats {
    let (w, h) = frame_size(s);
    let q = quad_f64(&uv_to_frame(s, w, h));
    quad_stats(&q, w as f64, h as f64)
}

fn placement_ok(s: &SynthSpec) -> bool {
    let st = spec_stats(s);
    st.min_margin >= 0.035 && st.coverage >= 0.27 && st.coverage <= 0.83
}

fn good_placed(seed: u64, w: u32, h: u32, bg: Option<Background>) -> SynthSpec {
    for k in 0..96u64 {
        let mut s = nuisance(mix(seed, k), w, h);
        if let Some(b) = bg {
            s.background = b;
        }
        if placement_ok(&s) {
            return s;
        }
    }
    let mut s = nuisance(seed, w, h);
    if let Some(b) = bg {
        s.background = b;
    }
    s.tilt_deg = 0.0;
    s.rotation_deg = 0.0;
    s.center = (0.5, 0.5);
    s.doc_fraction = 0.7;
    s
}

fn cut_off_spec(seed: u64, w: u32, h: u32, side: CutOff) -> SynthSpec {
    let want: Vec<String> = side.edges().iter().map(|s| s.to_string()).collect();
    let (dx, dy) = side.dir();
    for k in 0..128u64 {
        let mut s = nuisance(mix(seed, k), w, h);
        let mut r = stream(seed, 900 + k);
        s.doc_fraction = r.range(0.55, 0.8);
        s.center = (0.5, 0.5);
        let target = r.range(0.55, 0.88) as f64;
        // bisection on the shift t: visible fraction decreases with t
        let at = |t: f64, s: &mut SynthSpec| {
            s.center = ((0.5 + dx * t) as f32, (0.5 + dy * t) as f32);
            spec_stats(s)
        };
        if at(0.0, &mut s).visible < 0.999 {
            continue;
        }
        let (mut lo, mut hi) = (0.0, 0.9);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            if at(mid, &mut s).visible > target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let st = at(hi, &mut s);
        let edge_ix = |e: &str| match e {
            "left" => 0,
            "top" => 1,
            "right" => 2,
            _ => 3,
        };
        let strong = want.iter().all(|e| st.overshoot[edge_ix(e)] >= 0.02);
        if st.cut_edges == want && strong && st.visible <= 0.9 && st.visible >= 0.4 {
            return s;
        }
    }
    // deterministic fallback: axis-aligned, centred on the requested side
    let mut s = nuisance(seed, w, h);
    s.tilt_deg = 0.0;
    s.rotation_deg = 0.0;
    s.doc_fraction = 0.6;
    s.center = ((0.5 + dx * 0.4) as f32, (0.5 + dy * 0.45) as f32);
    s
}

// ============================================================================
// Tests
// ============================================================================

#[cfg(test)]
mod tests {
    use super::*;

    fn small(mut s: SynthSpec) -> SynthSpec {
        s.width = 640;
        s.height = 480;
        s
    }

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn deterministic_bytes() {
        let s = small(SynthSpec::glare(7, GlareSize::Medium));
        let a = render(&s);
        let b = render(&s);
        assert_eq!(a.jpeg, b.jpeg);
        assert_eq!(a.upright_rgb, b.upright_rgb);
        assert_eq!(a.truth, b.truth);
        let c = render(&SynthSpec { seed: 8, ..s });
        assert_ne!(a.jpeg, c.jpeg);
    }

    #[test]
    fn orientation_round_trip_all() {
        let (w, h) = (7u32, 5u32);
        let img: Vec<u8> = (0..w * h * 3).map(|i| (i * 37 % 251) as u8).collect();
        for o in 0..=9u16 {
            let (st, sw, sh) = stored_from_upright(&img, w, h, o);
            if (5..=8).contains(&o) {
                assert_eq!((sw, sh), (h, w));
            } else {
                assert_eq!((sw, sh), (w, h));
            }
            let (up, uw, uh) = upright_from_stored(&st, sw, sh, o);
            assert_eq!((uw, uh), (w, h));
            assert_eq!(up, img, "orientation {o}");
            if (2..=8).contains(&o) {
                assert_ne!(st, img, "orientation {o} should move pixels");
            }
        }
    }

    #[test]
    fn orientation_semantics() {
        // 2x1 upright image: red | green
        let img = vec![255, 0, 0, 0, 255, 0];
        // o=6: stored must be rotated 90 CW to display -> stored is upright rotated CCW:
        // a 1x2 image with green on top, red below.
        let (s, sw, sh) = stored_from_upright(&img, 2, 1, 6);
        assert_eq!((sw, sh), (1, 2));
        assert_eq!(s, vec![0, 255, 0, 255, 0, 0]);
        // o=8: stored is upright rotated CW: red on top.
        let (s, _, _) = stored_from_upright(&img, 2, 1, 8);
        assert_eq!(s, vec![255, 0, 0, 0, 255, 0]);
        // o=2: mirrored
        let (s, _, _) = stored_from_upright(&img, 2, 1, 2);
        assert_eq!(s, vec![0, 255, 0, 255, 0, 0]);
    }

    fn sof_dims(jpeg: &[u8]) -> (u32, u32) {
        let i = find(jpeg, &[0xFF, 0xC0]).expect("SOF0");
        let h = u16::from_be_bytes([jpeg[i + 5], jpeg[i + 6]]) as u32;
        let w = u16::from_be_bytes([jpeg[i + 7], jpeg[i + 8]]) as u32;
        (w, h)
    }

    #[test]
    fn jpeg_structure_and_exif() {
        for o in 1..=8u16 {
            let mut s = small(SynthSpec::good(3));
            s.orientation = o;
            let cap = render(&s);
            let j = &cap.jpeg;
            assert_eq!(&j[..2], &[0xFF, 0xD8]);
            assert_eq!(&j[j.len() - 2..], &[0xFF, 0xD9]);
            let app1 = find(j, b"Exif\0\0").expect("exif");
            assert_eq!(&j[app1 - 4..app1 - 2], &[0xFF, 0xE1]);
            let tiff = app1 + 6;
            assert_eq!(&j[tiff..tiff + 4], b"II*\0");
            // orientation entry value
            let e =
                find(&j[tiff..], &[0x12, 0x01, 0x03, 0x00, 0x01, 0, 0, 0]).expect("0x0112") + tiff;
            assert_eq!(u16::from_le_bytes([j[e + 8], j[e + 9]]), o);
            assert!(find(j, b"SynthCam").is_some());
            let (sw, sh) = sof_dims(j);
            if o >= 5 {
                assert_eq!((sw, sh), (cap.height, cap.width));
            } else {
                assert_eq!((sw, sh), (cap.width, cap.height));
            }
            assert_eq!(cap.stored_size(), (sw, sh));
        }
        let mut s = small(SynthSpec::good(3));
        s.exif = false;
        assert!(find(&render(&s).jpeg, b"Exif").is_none());
    }

    #[test]
    fn good_quads_inside() {
        for seed in 0..200 {
            let s = SynthSpec::good(seed);
            let (w, h) = frame_size(&s);
            let q = s.quad();
            for p in q {
                assert!(
                    p[0] >= 0.03 * w as f32 && p[0] <= 0.97 * w as f32,
                    "seed {seed}: {q:?}"
                );
                assert!(
                    p[1] >= 0.03 * h as f32 && p[1] <= 0.97 * h as f32,
                    "seed {seed}: {q:?}"
                );
            }
            let st = spec_stats(&s);
            assert!(
                st.coverage >= 0.25 && st.coverage <= 0.85,
                "seed {seed}: {}",
                st.coverage
            );
            assert!(st.cut_edges.is_empty());
            assert!(s.glare.is_empty() && s.defocus_sigma == 0.0 && s.motion_blur_px == 0.0);
            assert!(s.tilt_deg <= 30.0);
        }
    }

    #[test]
    fn cut_off_edges_reported() {
        for seed in 0..12 {
            for side in CutOff::ALL {
                let s = SynthSpec::cut_off(seed, side);
                let st = spec_stats(&s);
                let want: Vec<String> = side.edges().iter().map(|e| e.to_string()).collect();
                assert_eq!(st.cut_edges, want, "seed {seed} {side:?}");
                assert!(st.visible <= 0.97, "seed {seed} {side:?}: {}", st.visible);
            }
        }
        let cap = render(&small(SynthSpec::cut_off(1, CutOff::TopLeft)));
        assert_eq!(
            cap.truth.cut_edges,
            vec!["left".to_string(), "top".to_string()]
        );
        assert!(cap.truth.visible_fraction < 0.97);
    }

    #[test]
    fn truth_quad_matches_render_size_and_good_render() {
        let s = small(SynthSpec::good(11));
        let cap = render(&s);
        assert_eq!(cap.upright_rgb.len(), (cap.width * cap.height * 3) as usize);
        assert!(cap.truth.cut_edges.is_empty());
        assert!(cap.truth.glare_fraction == 0.0);
        assert!(
            cap.truth.bright_fraction < 0.01,
            "{}",
            cap.truth.bright_fraction
        );
        assert!(cap.truth.mean_luma > 30.0 && cap.truth.mean_luma < 235.0);
    }

    #[test]
    fn tight_crop_frame() {
        let s = small(SynthSpec::tight(2));
        let cap = render(&s);
        assert!(cap.truth.tight_crop);
        assert_eq!(cap.width, 640);
        let exp_h = (640.0 / s.doc.aspect()).round() as u32;
        assert_eq!(cap.height, exp_h);
        assert_eq!(cap.truth.coverage, 1.0);
        assert!(cap.truth.cut_edges.is_empty());
    }

    #[test]
    fn glare_and_exposure_truth() {
        let cap = render(&small(SynthSpec::glare(4, GlareSize::Large)));
        assert!(
            cap.truth.glare_fraction > 0.02,
            "{}",
            cap.truth.glare_fraction
        );
        let dark = render(&small(SynthSpec::dark(4)));
        assert!(dark.truth.mean_luma < 50.0, "{}", dark.truth.mean_luma);
        let over = render(&small(SynthSpec::overexposed(4)));
        assert!(
            over.truth.bright_fraction > 0.3,
            "{}",
            over.truth.bright_fraction
        );
    }

    #[test]
    fn blur_truth_scales_with_width() {
        let s = small(SynthSpec::defocus(1, Strength::Severe));
        let cap = render(&s);
        assert!((cap.truth.defocus_sigma_px - s.defocus_sigma * 0.64).abs() < 1e-4);
        let m = render(&small(SynthSpec::motion(1, Strength::Severe)));
        assert!(m.truth.motion_blur_px >= 9.0);
    }

    #[test]
    fn spec_json_round_trip_and_defaults() {
        let s = SynthSpec::glare(5, GlareSize::Small);
        let j = serde_json::to_string(&s).unwrap();
        let back: SynthSpec = serde_json::from_str(&j).unwrap();
        assert_eq!(back, s);
        let partial: SynthSpec =
            serde_json::from_str(r#"{"seed": 9, "background": "white"}"#).unwrap();
        assert_eq!(partial.width, 4000);
        assert_eq!(partial.background, Background::White);
        assert!(partial.exif);
    }

    #[test]
    fn deterministic_math() {
        for i in -50..50 {
            let x = i as f64 * 0.37;
            assert!((dsin(x) - x.sin()).abs() < 1e-8);
            assert!((dcos(x) - x.cos()).abs() < 1e-8);
            let e = i as f64 * 0.2;
            assert!((dexp(e) / e.exp() - 1.0).abs() < 1e-12);
        }
    }
}
