//! `fix` on arbitrary bytes as a selfie (no byte minimum, and too few pixels is only a
//! warning), the pixel cap lowered to 4 MP, so the paths that keep the input's
//! coefficients are reached: the input
//! kept as it is, its metadata stripped, or turned upright in the DCT domain (the lossless
//! turn, `planar::transform_upright`). No panic escapes (no catch_unwind here); an output is
//! inside the window, probes complete with no metadata but the ICC profile, and is as large
//! as the report says; a lossless one has the upright size.
#![no_main]
use kyc_preflight::{fix, DocumentClass, Policy, Scratch, Verdict};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

mod fix_output;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

fuzz_target!(|data: &[u8]| {
    let mut policy = Policy::for_class(DocumentClass::Selfie);
    policy.limits.max_pixels = 4_000_000;
    policy.limits.max_side = 4096;
    let fixed = SCRATCH.with(|s| fix(data, "fuzz", &policy, &mut s.borrow_mut()));
    let r = &fixed.report;
    let json = serde_json::to_string(r).expect("report serialises");
    if r.verdict == Verdict::Error {
        let code = r.error.as_ref().map(|e| e.code);
        assert!(code.is_some() && code != Some("internal_error"), "{json}");
    }
    if let Some(jpeg) = &fixed.jpeg {
        let p = fix_output::assert_compliant(jpeg, r, &policy, &json);
        let out = r.output.as_ref().expect("output described");
        if out.lossless {
            assert_eq!((p.width, p.height), (out.width, out.height), "{json}");
            let image = r.image.as_ref().expect("image described");
            assert_eq!(
                (image.width, image.height),
                (out.width, out.height),
                "{json}"
            );
        }
    }
});
