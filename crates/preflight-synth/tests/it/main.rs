//! The generator's integration tests, one module per area.

// Helpers shared with the library's tests: JPEG decode, pixel differences.
#[path = "../../../preflight/tests/it/common.rs"]
mod common;
// Decoded and turned upright by its EXIF tag, the JPEG is the frame it claims to be.
mod synth;
