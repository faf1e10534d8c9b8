#![doc = include_str!("../../../README.md")]
//!
//! ## The pipeline
//!
//! One module per stage, plain functions over plain data:
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

mod analysis;
mod annotate;
mod batch;
mod checks;
mod codec;
mod decode;
mod document;
mod encode;
mod error;
mod face;
mod mrz;
mod orient;
mod pipeline;
mod planar;
mod policy;
mod probe;
mod protocol;
mod rectify;
mod report;
mod sources;
mod upload;

#[cfg(test)]
mod testutil;

pub use batch::{check_all, check_isolated, fix_isolated};
pub use codec::Scratch;
pub use error::{Error, ErrorKind};
pub use pipeline::{check, fix, Fixed};
pub use policy::{ArchiveLimits, DocumentClass, EncodeOptions, Limits, Policy, Thresholds};
pub use protocol::{
    now, sign, verify, ApiVersion, Callback, IdInfo, ImageEntry, InfoJson, JobResult,
    JobStatusResponse, JobStatusResult, MiscInformation, PackageInformation, Partner,
    PartnerParams, PrepUploadRequest, Role, ServiceCode, Signed,
};
pub use report::{
    DocumentMetrics, Edge, EncodeCount, ErrorInfo, FaceBox, Finding, FindingCode, GlareSpot,
    ImageInfo, InputInfo, Margins, Metrics, MrzChecks, MrzFields, MrzMetrics, OutputInfo,
    PerceptualHashes, Report, Severity, Summary, Verdict,
};
pub use sources::{expand, read_file, Source};
pub use upload::{
    package, validate_zip, EntryReport, Package, PackageInput, PackageRequest, PackageTimings,
    PackagedImage, Validation, ZipFinding, ZipLimits,
};

/// Internals for the benchmarks, the fuzz targets and the workspace's tools: not part of the
/// API, may change in any release.
#[doc(hidden)]
pub mod internal {
    pub use crate::annotate::annotate;
    pub use crate::batch::{isolate, panic_message, run_all};
    pub use crate::document::{find, DOCUMENT_ASPECTS};
    pub use crate::face::{faces, portrait, Face};
    pub use crate::mrz::{find as mrz, Mrz};
    pub use crate::orient::Orientation;
    pub use crate::pipeline::{perceptual_hashes, scores, Measured, Surround};
    pub use crate::probe::{exif_orientation, jpeg_is_complete, probe, JpegCoding, Probe};
    pub use crate::protocol::hex;
    pub use crate::sources::{read_archive, safe_entry_name};
    pub use crate::upload::{assemble, check_info, read_zip};

    /// The analysis plane and its measurements.
    pub mod analysis {
        pub use crate::analysis::{
            blur_effect, brightness, build, fraction_at_least, full_mask, glare,
            histogram_percentile, laplacian_variance, luma_histogram, mean_luma, quad_mask,
            Analysis,
        };
    }
    /// The pure-Rust decoder.
    pub mod decode {
        pub use crate::decode::{decode, Decoded, Layout};
    }
    /// The encoder and its size search.
    pub mod encode {
        pub use crate::encode::{fit_frame, Chroma, EncodeScratch, Frame};
    }
    /// The planar codec (libjpeg-turbo-rs, or C libjpeg-turbo with `turbo`).
    pub mod planar {
        pub use crate::planar::{
            analysis_plane, check_scale, decode, frame, rotate, Decoded, PlanarScratch,
        };
    }
    /// Whether this build links C libjpeg-turbo (`--features turbo`) rather than
    /// libjpeg-turbo-rs. Both decode to the same planes, so reports do not depend on it.
    pub const TURBO: bool = cfg!(feature = "turbo");
}
