//! `check` on arbitrary bytes, with the pixel cap lowered to 4 MP for throughput: no panic
//! escapes (no catch_unwind here), the report serialises, an error report carries a code
//! other than `internal_error`.
#![no_main]
use kyc_preflight::{check, Policy, Scratch, Verdict};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

fuzz_target!(|data: &[u8]| {
    let mut policy = Policy::default();
    policy.limits.max_pixels = 4_000_000;
    policy.limits.max_side = 4096;
    let report = SCRATCH.with(|s| check(data, "fuzz", &policy, &mut s.borrow_mut()));
    let json = serde_json::to_string(&report).expect("report serialises");
    if report.verdict == Verdict::Error {
        let code = report.error.as_ref().map(|e| e.code);
        assert!(code.is_some() && code != Some("internal_error"), "{json}");
    } else {
        assert!(report.error.is_none(), "{json}");
        assert!(report.input.is_some() && report.image.is_some(), "{json}");
    }
});
