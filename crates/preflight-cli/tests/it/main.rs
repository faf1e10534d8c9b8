//! The `preflight` command's integration tests, one module per area.

// Helpers shared with the library's tests: synthetic photos, JPEG encode/decode.
#[path = "../../../preflight/tests/it/common.rs"]
mod common;
// Upload fixtures shared with the library's tests: zips, one job's inputs, signature vectors.
#[path = "../../../preflight/tests/it/fixtures.rs"]
mod fixtures;
// The command-line contract: exit codes, JSON Lines, inputs never touched.
mod cli;
// `package`: atomic, reproducible zips and exit codes by verdict.
mod package;
// `sign`: signature and timestamp.
mod sign;
// `validate-zip`: JSON output and exit codes.
mod validate_zip;
