//! The presets of the labelled evaluation variants.

use crate::*;

pub(crate) const PRESET_W: u32 = 4000;
pub(crate) const PRESET_H: u32 = 3000;

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
pub(crate) fn nuisance(seed: u64, width: u32, height: u32) -> SynthSpec {
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

pub(crate) fn spec_stats(s: &SynthSpec) -> QuadStats {
    let (w, h) = frame_size(s);
    let q = quad_f64(&uv_to_frame(s, w, h));
    quad_stats(&q, w as f64, h as f64)
}

pub(crate) fn placement_ok(s: &SynthSpec) -> bool {
    let st = spec_stats(s);
    st.min_margin >= 0.035 && st.coverage >= 0.27 && st.coverage <= 0.83
}

pub(crate) fn good_placed(seed: u64, w: u32, h: u32, bg: Option<Background>) -> SynthSpec {
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

pub(crate) fn cut_off_spec(seed: u64, w: u32, h: u32, side: CutOff) -> SynthSpec {
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
