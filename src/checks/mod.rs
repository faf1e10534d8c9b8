//! Stage 5: checks. Each is a pure function of what earlier stages measured and the
//! [`Policy`], returning findings. A newcomer finds a check from its finding code:
//! `checks::input` (truncated, trailing_data, exif_orientation_invalid,
//! orientation_corrected, not_jpeg), `checks::resolution` (resolution_too_low),
//! `checks::file_size` (file_too_small, file_too_large).

pub mod file_size;
pub mod input;
pub mod resolution;
