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

use serde::{Deserialize, Serialize};

mod background;
mod blur;
mod canvas;
mod composite;
mod document;
mod exposure;
mod geometry;
mod jpeg;
mod math;
mod portrait;
mod presets;
mod render;
mod text;
mod types;

use background::*;
pub use blur::*;
use canvas::*;
use composite::*;
use document::*;
use exposure::*;
pub use geometry::*;
pub use jpeg::*;
pub use math::*;
use portrait::*;
pub use render::*;
use text::*;
pub use types::*;

#[cfg(test)]
mod tests;
