//! `probe` on arbitrary bytes: no panic, and any accepted header is inside the limits.
#![no_main]
use kyc_preflight::internal::probe;
use kyc_preflight::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    if let Ok(p) = probe(data, &limits) {
        assert!(p.width > 0 && p.height > 0);
        assert!(p.width <= limits.max_side && p.height <= limits.max_side);
        assert!(u64::from(p.width) * u64::from(p.height) <= limits.max_pixels);
        assert!(p.image_end <= data.len());
        assert_eq!(p.image_end as u64 + p.trailing_bytes, data.len() as u64);
        for s in &p.segments {
            assert!(s.start < s.end && s.end <= data.len());
        }
        let (uw, uh) = p.upright_size();
        assert_eq!(u64::from(uw) * u64::from(uh), u64::from(p.width) * u64::from(p.height));
    }
});
