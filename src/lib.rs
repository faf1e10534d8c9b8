//! # kyc-preflight
//!
//! Check, fix and package identity-document photos before they are uploaded to Smile ID
//! Document Verification (job type 6).
//!
//! ```no_run
//! use kyc_preflight::{fix, DocumentClass, Policy, Scratch};
//!
//! let data = std::fs::read("capture.jpg").unwrap();
//! let policy = Policy::for_class(DocumentClass::from_id_type("PASSPORT"));
//! let mut scratch = Scratch::new(); // reuse per thread
//! let fixed = fix(&data, "capture.jpg", &policy, &mut scratch);
//! println!("{}", serde_json::to_string(&fixed.report).unwrap());
//! if let Some(jpeg) = fixed.jpeg {
//!     std::fs::write("upload.jpg", jpeg).unwrap();
//! }
//! ```
//!
//! The pipeline, one module per stage, plain functions over plain data:
//!
//! ```text
//! bytes ─► probe ─► decode ─► orient ─► analysis ─► checks ─► encode
//!          (header   (pixels,  (EXIF     (≤1024 px   (pure     (size search into
//!           only,     stored    1..8,     upright     fns →     614,400..10,000,000
//!           limits)   order)    no copy)  planes)     Findings)  bytes, metadata out)
//! ```
//!
//! An [`Error`] means "could not evaluate"; a [`Finding`] means "evaluated, and here is what
//! is wrong". Both end up in the one [`Report`].

#![warn(missing_docs)]

pub mod analysis;
pub mod annotate;
pub mod batch;
pub mod checks;
pub mod decode;
pub mod document;
pub mod encode;
pub mod error;
pub mod eval;
pub mod orient;
pub mod package;
pub mod pipeline;
pub mod policy;
pub mod probe;
pub mod protocol;
pub mod report;
pub mod sources;
pub mod synth;
#[cfg(feature = "turbo")]
pub mod turbo;
pub mod validate;

#[cfg(test)]
mod testutil;

pub use error::{Error, ErrorKind};
pub use package::{package, Package, PackageInput, PackageRequest};
pub use pipeline::{check, fix, Fixed, Scratch};
pub use policy::{DocumentClass, EncodeOptions, Limits, Policy};
pub use protocol::{sign, verify, Role};
pub use report::{Finding, FindingCode, Report, Severity, Summary, Verdict};
pub use validate::{validate_zip, Validation};
