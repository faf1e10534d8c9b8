//! The accuracy harness's integration tests, one module per area.

// Helpers shared with the library's tests: the real-data folder.
#[path = "../../../preflight/tests/it/common.rs"]
mod common;
// The harness: every case rendered, checked and scored; counts add up; polygon IoU.
mod eval;
// The checks on the labelled real and foreign sets of ../shared/data.
mod labelled;
// The outline's IoU on grained and patterned surfaces.
mod outline;
