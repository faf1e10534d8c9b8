//! The one error type: "this input could not be evaluated".
//!
//! A problem *with* an image that we could evaluate (too small, truncated, blurry) is a
//! [`Finding`](crate::report::Finding), never an `Error`. Third-party errors are kept behind
//! [`std::error::Error::source`] so they never appear in public signatures.

use serde::Serialize;
use std::fmt;

/// Why an input could not be evaluated. Serialised as a stable snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not a JPEG or PNG by content, or a JPEG/PNG variant we do not decode
    /// (arithmetic-coded, lossless, 12-bit, ...).
    UnsupportedFormat,
    /// The image data is corrupt and could not be decoded.
    DecodeFailed,
    /// The input is larger than `Limits::max_input_bytes`.
    InputTooLarge,
    /// The image has more pixels than `Limits::max_pixels`.
    TooManyPixels,
    /// One side is larger than `Limits::max_side`, or zero.
    BadDimensions,
    /// Metadata is larger or more fragmented than `Limits` allow.
    MetadataTooLarge,
    /// The per-image deadline passed.
    DeadlineExceeded,
    /// Reading the input or writing the output failed.
    Io,
    /// An archive entry was refused (unsafe name, lying size, encryption, ...).
    ArchiveRefused,
    /// A bug: a panic was caught while evaluating this input.
    InternalError,
    /// Invalid arguments (e.g. `fix -o` pointing at its own input).
    Usage,
}

impl ErrorKind {
    /// The stable snake_case code used in reports.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::UnsupportedFormat => "unsupported_format",
            ErrorKind::DecodeFailed => "decode_failed",
            ErrorKind::InputTooLarge => "input_too_large",
            ErrorKind::TooManyPixels => "too_many_pixels",
            ErrorKind::BadDimensions => "bad_dimensions",
            ErrorKind::MetadataTooLarge => "metadata_too_large",
            ErrorKind::DeadlineExceeded => "deadline_exceeded",
            ErrorKind::Io => "io_error",
            ErrorKind::ArchiveRefused => "archive_refused",
            ErrorKind::InternalError => "internal_error",
            ErrorKind::Usage => "usage_error",
        }
    }
}

/// An input could not be evaluated.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// A new error of `kind` with a human-readable message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attach the underlying cause (reachable through `source()`).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The stable code of this error (`ErrorKind::code`).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The human-readable message (without the cause).
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn io(context: impl fmt::Display, err: std::io::Error) -> Self {
        Error::new(ErrorKind::Io, format!("{context}: {err}")).with_source(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Shorthand used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;
