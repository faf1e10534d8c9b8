//! The codec seam: decoding into the analysis plane and the size search's encoder, one
//! function per direction, both on the planar pipeline (`planar`). The default build runs
//! it on libjpeg-turbo-rs (pure Rust), `--features turbo` on C libjpeg-turbo; the choice is
//! made inside `planar`, so the pipeline has no `#[cfg]`.

use crate::analysis;
use crate::encode::{self, EncodeScratch};
use crate::error::{Error, Result};
use crate::orient::Orientation;
use crate::planar;
use crate::policy::Policy;
use crate::probe::Probe;
use std::time::Instant;

/// Buffers one worker reuses from image to image (a fresh 36 MB buffer costs ~30 ms of page
/// faults on our machines). Create one per thread; it is not shared.
#[derive(Default)]
pub struct Scratch {
    pub(crate) pixels: Vec<u8>,
    pub(crate) encode: EncodeScratch,
    pub(crate) resizer: fast_image_resize::Resizer,
    pub(crate) planar: planar::PlanarScratch,
}

/// What the decode stage left in the scratch: the planes' size and chroma layout.
pub(crate) type Decoded = planar::Decoded;

impl Scratch {
    /// Empty buffers; they grow to the largest image seen.
    pub fn new() -> Self {
        Self::default()
    }
}

fn size_mismatch(got: (u32, u32), want: (u32, u32)) -> Error {
    Error::new(
        crate::error::ErrorKind::DecodeFailed,
        format!(
            "the decoder found {}x{} where the header says {}x{}",
            got.0, got.1, want.0, want.1
        ),
    )
}

/// Decode to planes (DCT-scaled for `check`, when nothing will be re-encoded) and build the
/// analysis plane from them.
pub(crate) fn decode_and_analyse(
    data: &[u8],
    probe: &Probe,
    policy: &Policy,
    scratch: &mut Scratch,
    make: bool,
    orientation: Orientation,
) -> Result<(Decoded, analysis::Analysis)> {
    let scale = if make {
        1
    } else {
        planar::check_scale(probe.width, probe.height)
    };
    let decoded = planar::decode(
        data,
        probe,
        &policy.limits,
        scale,
        &mut scratch.pixels,
        &mut scratch.planar,
    )?;
    let want = (
        probe.width.div_ceil(decoded.scale),
        probe.height.div_ceil(decoded.scale),
    );
    if (decoded.width, decoded.height) != want {
        return Err(size_mismatch((decoded.width, decoded.height), want));
    }
    let plane = planar::analysis_plane(
        &decoded,
        (probe.width, probe.height),
        orientation,
        &scratch.planar,
        &mut scratch.resizer,
    )?;
    Ok((decoded, plane))
}

/// The size search on the upright image: the planes turned upright, then encoded.
pub(crate) fn fit_upright(
    decoded: &Decoded,
    orientation: Orientation,
    policy: &Policy,
    scratch: &mut Scratch,
    deadline: Instant,
) -> Result<std::result::Result<encode::Fitted, encode::Unreachable>> {
    let size = planar::rotate(decoded, orientation, &mut scratch.planar);
    let frame = planar::frame(decoded, size, &scratch.planar);
    encode::fit_frame(
        &frame,
        decoded.icc.as_deref(),
        &policy.encode,
        policy.byte_window(),
        policy.class.min_long_side(),
        deadline,
        &mut scratch.encode,
    )
}
