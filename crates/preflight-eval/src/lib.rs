//! The accuracy harness: how well the capture-quality checks (document quad, cut-off, tight
//! crop, background, glare, blur, exposure) do on labelled synthetic captures, and that real
//! specimens never crash them.
//!
//! ```no_run
//! use kyc_preflight::Policy;
//! use preflight_eval as eval;
//!
//! let cases = eval::synthetic_cases(1000..1004, 800, 600);
//! let result = eval::run(&cases, &Policy::default(), 0);
//! println!("{}", result.to_markdown());
//! ```
//!
//! Seeds [`TUNING_SEEDS`] (0..1000) are for tuning thresholds; seeds from [`HELD_OUT_START`]
//! (1000) on are held out and never tuned on, so numbers measured there are honest.
//!
//! The harness reads each [`Report`] through its JSON form (finding codes as strings,
//! `metrics.document.quad`), so it depends only on the report contract of SPEC §4, not on
//! the Rust types behind it.

mod expect;
mod iou;
pub mod labels;
mod markdown;
mod observe;
mod real;
mod run;
mod score;

pub use expect::*;
pub use iou::*;
use markdown::{fmt3, pct};
pub use observe::*;
pub use real::*;
pub use run::*;
pub use score::*;

use kyc_preflight::{FindingCode, Policy, Report};
use preflight_synth::{self as synth, Background, DocKind, Strength, SynthSpec, Truth, Variant};
use rayon::prelude::*;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Seeds thresholds may be tuned on.
pub const TUNING_SEEDS: Range<u64> = 0..1000;

/// The first held-out seed: seeds from here on are never tuned on.
pub const HELD_OUT_START: u64 = 1000;

/// EXIF orientation tags the synthetic cases cycle through (with the seed and the variant),
/// so every check also runs behind the EXIF orientation stage.
pub const ORIENTATIONS: [u16; 4] = [1, 6, 8, 3];

#[cfg(test)]
mod tests;
