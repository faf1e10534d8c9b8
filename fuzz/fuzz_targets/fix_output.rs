//! What every `fix` output must be, shared by the `fix` and `turn` targets: inside the
//! class's byte window, as large as the report says, and a complete JPEG with no trailing
//! bytes and no metadata but the ICC profile (our own probe reads it back).

use kyc_preflight::internal::{probe, Probe};
use kyc_preflight::{Policy, Report};

/// Panics (with the report's JSON) unless `jpeg` is a compliant output of `report`;
/// returns what the probe read.
pub fn assert_compliant(jpeg: &[u8], report: &Report, policy: &Policy, json: &str) -> Probe {
    let (lo, hi) = policy.byte_window();
    let n = jpeg.len() as u64;
    assert!(lo <= n && n <= hi, "output {n} outside {lo}..={hi}: {json}");
    let out = report.output.as_ref().expect("output described");
    assert_eq!(out.bytes, n, "{json}");
    let p = probe(jpeg, &policy.limits).expect("output probes");
    assert!(!p.truncated && p.trailing_bytes == 0, "{json}");
    assert!(!p.has_private_metadata(), "{json}");
    p
}
