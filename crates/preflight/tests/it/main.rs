//! The library's integration tests, one module per area.

// Helpers: synthetic photos, JPEG encode/decode, the shared real-data folder.
mod common;
// Upload fixtures shared with the CLI's tests: zips, one job's inputs, signature vectors.
mod fixtures;
// Degenerate sizes (1x1 .. 1x16384) through every public entry point: no panic, a report.
mod degenerate;
// `fix`: the byte window, the size search, keeping pixels when nothing needs changing.
mod fix;
// Faces on real images: the portrait on documents turned any way, selfies with one, two or no face.
mod faces;
// Every input format (BMP, TIFF, WebP, GIF, PNG alpha/16-bit, CMYK JPEG): read by content, fixed faithfully.
mod formats;
// The MRZ on real specimen scans: read valid, upside down, missing, cut.
mod mrz;
// Hostile and broken input: the committed corpus, generated hazards, panic isolation.
mod hostile;
// EXIF orientation on real files: every tag comes out upright and tag-free.
mod orientation;
// The upload package: info.json against golden files, reproducible zips, duplicates.
mod package;
// The service's wire formats: signatures, job status, callbacks, prep-upload.
mod protocol;
// Capture-quality checks on generated captures of every kind.
mod quality;
// Property tests: random sizes, pixels, formats, classes and orientations through check and fix.
mod properties;
// Fuzz crash replays from tests/data/regression/.
mod regression;
// `validate_zip` against broken upload zips, one or more per service code.
mod validate_zip;
