//! Stage 8: the upload zip.
//!
//! - `build`: fix every photo of a job, write `info.json` and the byte-reproducible zip
//!   ([`package`]);
//! - `verify`: re-open the zip just built as the service would and compare it with what was
//!   meant to be written;
//! - `read`: read any upload zip in memory through caps;
//! - `entries`: the entries as readers see them (the last copy of a name), duplicates judged;
//! - `info`: check `info.json` against the entries (keys, types, listed files, the service's
//!   codes);
//! - `validate`: predict the service's answer to any upload zip (`validate-zip`).
//!
//! `build` calls `verify`, which reads the zip back with `read` and `info`, as `validate`
//! does; nothing here is used by the stages before it.

mod build;
mod entries;
mod info;
mod read;
mod validate;
mod verify;

pub use build::{
    assemble, package, Package, PackageInput, PackageRequest, PackageTimings, PackagedImage,
};
pub use info::check_info;
pub use read::{read_zip, ReadZip, ZipEntry};
pub use validate::{validate_zip, EntryReport, Validation, ZipFinding, ZipLimits};
