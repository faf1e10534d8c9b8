//! Stage 5: checks. Each is a pure function of what earlier stages measured and the
//! [`Policy`], returning findings. A newcomer finds a check from its finding code:
//! `checks::input` (truncated, trailing_data, exif_orientation_invalid,
//! orientation_corrected, first_frame_only, not_jpeg), `checks::resolution` (resolution_too_low),
//! `checks::file_size` (file_too_small, file_too_large), `checks::framing`
//! (document_not_found, document_cut_off, tightly_cropped, too_much_background,
//! white_background, wrong_orientation), `checks::quality` (glare, blurry, too_dark,
//! overexposed), `checks::faces` (portrait_not_found, selfie_no_face,
//! selfie_multiple_faces, selfie_face_too_small), `checks::mrz` (mrz_not_found,
//! mrz_cut_off, mrz_unreadable, document_expired).

pub mod faces;
pub mod file_size;
pub mod framing;
pub mod input;
pub mod mrz;
pub mod quality;
pub mod resolution;
