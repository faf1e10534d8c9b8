//! `fix` on small arbitrary images: the fuzzer's bytes become the header (size, layout,
//! class, EXIF orientation) and the pixels of a PNG or JPEG of at most 96x96. The output, when
//! there is one, is inside the class's byte window, decodes, and has no metadata but the ICC
//! profile; when there is none, the report says why (an error or a reject finding).
#![no_main]
use kyc_preflight::{fix, DocumentClass, Policy, Scratch, Severity, Verdict};
use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

fn make_image(data: &[u8]) -> Option<(Vec<u8>, DocumentClass)> {
    let (&[w, h, kind, class, orient, q], rest) = data.split_first_chunk::<6>()?;
    let w = u32::from(w % 96) + 1;
    let h = u32::from(h % 96) + 1;
    let class = match class % 4 {
        0 => DocumentClass::IdCard,
        1 => DocumentClass::Passport,
        2 => DocumentClass::Selfie,
        _ => DocumentClass::Liveness,
    };
    let channels: usize = if kind & 1 == 0 { 1 } else { 3 };
    let n = w as usize * h as usize * channels;
    let mut pixels: Vec<u8> = rest.iter().copied().cycle().take(n).collect();
    pixels.resize(n, 128);
    let mut out = Vec::new();
    if kind & 2 == 0 {
        let ct = if channels == 1 {
            image::ExtendedColorType::L8
        } else {
            image::ExtendedColorType::Rgb8
        };
        use image::ImageEncoder;
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels, w, h, ct)
            .ok()?;
    } else {
        let ct = if channels == 1 {
            jpeg_encoder::ColorType::Luma
        } else {
            jpeg_encoder::ColorType::Rgb
        };
        let mut enc = jpeg_encoder::Encoder::new(&mut out, q % 100 + 1);
        // An EXIF APP1 with the orientation byte from the input (0..=255, often invalid).
        let mut exif = b"MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0".to_vec();
        exif.extend_from_slice(&[orient, 0, 0, 0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&exif);
        enc.add_app_segment(1, app1).ok()?;
        enc.encode(&pixels, w as u16, h as u16, ct).ok()?;
    }
    Some((out, class))
}

fuzz_target!(|data: &[u8]| {
    let Some((img, class)) = make_image(data) else {
        return;
    };
    let policy = Policy::for_class(class);
    let (lo, hi) = policy.byte_window();
    let fixed = SCRATCH.with(|s| fix(&img, "fuzz", &policy, &mut s.borrow_mut()));
    let r = &fixed.report;
    let json = serde_json::to_string(r).expect("report serialises");
    match &fixed.jpeg {
        Some(jpeg) => {
            let n = jpeg.len() as u64;
            assert!(lo <= n && n <= hi, "output {n} outside {lo}..={hi}: {json}");
            let out = r.output.as_ref().expect("output described");
            assert_eq!(out.bytes, n, "{json}");
            let probed = kyc_preflight::probe::probe(jpeg, &policy.limits).expect("output probes");
            assert!(!probed.truncated && probed.trailing_bytes == 0, "{json}");
            assert!(!probed.has_private_metadata(), "{json}");
        }
        None => {
            let explained = r.verdict == Verdict::Error
                || r.findings.iter().any(|f| f.severity == Severity::Reject);
            assert!(explained, "no output and no reason: {json}");
        }
    }
});
