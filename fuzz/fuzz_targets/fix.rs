//! `fix` on small arbitrary images: the fuzzer's bytes become the header (size, layout,
//! class, EXIF orientation) and the pixels of a PNG or JPEG of at most 96x96. The output, when
//! there is one, is inside the class's byte window, decodes, and has no metadata but the ICC
//! profile; when there is none, the report says why (an error or a reject finding). Never
//! an `internal_error`.
#![no_main]
use kyc_preflight::{fix, Policy, Scratch, Severity, Verdict};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

mod fix_input;
mod fix_output;
use fix_input::make_image;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

fuzz_target!(|data: &[u8]| {
    let Some((img, class)) = make_image(data) else {
        return;
    };
    let policy = Policy::for_class(class);
    let fixed = SCRATCH.with(|s| fix(&img, "fuzz", &policy, &mut s.borrow_mut()));
    let r = &fixed.report;
    let json = serde_json::to_string(r).expect("report serialises");
    assert_ne!(
        r.error.as_ref().map(|e| e.code),
        Some("internal_error"),
        "{json}"
    );
    match &fixed.jpeg {
        Some(jpeg) => {
            fix_output::assert_compliant(jpeg, r, &policy, &json);
        }
        None => {
            let explained = r.verdict == Verdict::Error
                || r.findings.iter().any(|f| f.severity == Severity::Reject);
            assert!(explained, "no output and no reason: {json}");
        }
    }
});
