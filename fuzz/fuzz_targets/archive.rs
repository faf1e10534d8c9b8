//! Archive reading on arbitrary bytes, with small caps so the fuzzer reaches them: no panic;
//! every entry that is read passes the name check, holds at most the byte cap, and is not
//! itself an archive; refusals carry `archive_refused` or `input_too_large`.
#![no_main]
use kyc_preflight::internal::{read_archive, safe_entry_name};
use kyc_preflight::{ArchiveLimits, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_input_bytes: 1 << 20,
        archive: ArchiveLimits {
            max_entries: 64,
            max_total_bytes: 8 << 20,
            ..ArchiveLimits::batch()
        },
        ..Limits::default()
    };
    let Ok(entries) = read_archive(data, &limits) else {
        return;
    };
    assert!(entries.len() <= 64);
    let mut total = 0u64;
    for (name, result) in entries {
        match result {
            Ok(bytes) => {
                assert!(safe_entry_name(&name), "{name:?}");
                assert!(bytes.len() as u64 <= limits.max_input_bytes);
                assert!(!bytes.starts_with(b"PK\x03\x04"));
                total += bytes.len() as u64;
            }
            Err(e) => assert!(
                matches!(e.code(), "archive_refused" | "input_too_large"),
                "{e}"
            ),
        }
    }
    assert!(total <= limits.archive.max_total_bytes);
});
