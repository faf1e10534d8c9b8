//! The codec seam: decoding into the analysis plane and the size search's encoder, one
//! function per direction. The default build decodes with zune-jpeg / png and encodes with
//! jpeg-encoder; `--features turbo` swaps both for libjpeg-turbo (`turbo.rs`). Everything
//! that differs between the two builds is in this file, so the pipeline has no `#[cfg]`.

use crate::analysis;
use crate::encode::{self, EncodeScratch};
use crate::error::{Error, Result};
use crate::orient::Orientation;
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
    #[cfg(feature = "turbo")]
    pub(crate) turbo: crate::turbo::TurboScratch,
}

/// What the decode stage left in the scratch (the codec seam: interleaved pixels in the
/// default build, libjpeg-turbo planes with `turbo`).
#[cfg(not(feature = "turbo"))]
pub(crate) type Decoded = crate::decode::Decoded;
#[cfg(feature = "turbo")]
pub(crate) type Decoded = crate::turbo::Decoded;

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

/// Decode (pure Rust: zune-jpeg to interleaved YCbCr, or RGB) and build the analysis plane.
#[cfg(not(feature = "turbo"))]
pub(crate) fn decode_and_analyse(
    data: &[u8],
    probe: &Probe,
    policy: &Policy,
    scratch: &mut Scratch,
    _make: bool,
    orientation: Orientation,
) -> Result<(Decoded, analysis::Analysis)> {
    let decoded = crate::decode::decode(data, probe, &policy.limits, &mut scratch.pixels)?;
    if (decoded.width, decoded.height) != (probe.width, probe.height) {
        return Err(size_mismatch(
            (decoded.width, decoded.height),
            (probe.width, probe.height),
        ));
    }
    let plane = analysis::build(&scratch.pixels, &decoded, orientation, &mut scratch.resizer)?;
    Ok((decoded, plane))
}

/// Decode with libjpeg-turbo to planes (DCT-scaled for `check`, when nothing will be
/// re-encoded) and build the analysis plane from them.
#[cfg(feature = "turbo")]
pub(crate) fn decode_and_analyse(
    data: &[u8],
    probe: &Probe,
    policy: &Policy,
    scratch: &mut Scratch,
    make: bool,
    orientation: Orientation,
) -> Result<(Decoded, analysis::Analysis)> {
    use crate::turbo;
    let scale = if make {
        1
    } else {
        turbo::check_scale(probe.width, probe.height)
    };
    let decoded = turbo::decode(
        data,
        probe,
        &policy.limits,
        scale,
        &mut scratch.pixels,
        &mut scratch.turbo,
    )?;
    let want = (
        probe.width.div_ceil(decoded.scale),
        probe.height.div_ceil(decoded.scale),
    );
    if (decoded.width, decoded.height) != want {
        return Err(size_mismatch((decoded.width, decoded.height), want));
    }
    let plane = turbo::analysis_plane(
        &decoded,
        (probe.width, probe.height),
        orientation,
        &scratch.turbo,
        &mut scratch.resizer,
    )?;
    Ok((decoded, plane))
}

/// The size search on the upright image: jpeg-encoder reading through the orientation.
#[cfg(not(feature = "turbo"))]
pub(crate) fn fit_upright(
    decoded: &Decoded,
    orientation: Orientation,
    policy: &Policy,
    scratch: &mut Scratch,
    deadline: Instant,
) -> Result<std::result::Result<encode::Fitted, encode::Unreachable>> {
    let src = encode::Source {
        pixels: &scratch.pixels,
        width: decoded.width,
        height: decoded.height,
        layout: decoded.layout,
        orientation,
    };
    encode::fit(
        src,
        decoded.icc.as_deref(),
        &policy.encode,
        policy.byte_window(),
        policy.class.min_long_side(),
        deadline,
        &mut scratch.encode,
    )
}

/// The size search on the upright image: the planes turned upright, libjpeg-turbo encodes.
#[cfg(feature = "turbo")]
pub(crate) fn fit_upright(
    decoded: &Decoded,
    orientation: Orientation,
    policy: &Policy,
    scratch: &mut Scratch,
    deadline: Instant,
) -> Result<std::result::Result<encode::Fitted, encode::Unreachable>> {
    use crate::turbo;
    let size = turbo::rotate(decoded, orientation, &mut scratch.turbo);
    let frame = turbo::frame(decoded, size, &scratch.turbo);
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
