//! The upload package's writer: arbitrary roles, country, id_type, partner strings and
//! inline flag over small fixed JPEGs. Whenever `assemble` makes a zip, reading it back with
//! the validator's reader gives the same entry names, the same bytes and the same info.json,
//! `validate-zip` finds no service code, and assembling again gives identical bytes.
#![no_main]
use kyc_preflight::internal::{assemble, check_info, read_zip};
use kyc_preflight::{
    fix, DocumentClass, IdInfo, PackageInput, PackageRequest, Partner, PartnerParams, Policy,
    Role, Scratch, ZipLimits,
};
use libfuzzer_sys::fuzz_target;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn small_jpeg(seed: u8, w: u8, h: u8) -> Vec<u8> {
    let (w, h) = (u16::from(w % 48) + 8, u16::from(h % 48) + 8);
    let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h) * 3)
        .map(|i| (i as u8).wrapping_mul(seed | 1))
        .collect();
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 80)
        .encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb)
        .expect("encodes");
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&[n, flags, cc_a, cc_b], rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let n = usize::from(n % 12);
    if rest.len() < n * 3 {
        return;
    }
    let (image_bytes, strings) = rest.split_at(n * 3);
    let mut parts = strings.splitn(4, |&b| b == 0);
    let id_type = parts.next().map(text).filter(|s| !s.is_empty());
    let partner_id = parts.next().map(text);
    let job_id = parts.next().map(text).unwrap_or_default();
    let callback = parts.next().map(text).unwrap_or_default();

    let selfie = Policy::for_class(DocumentClass::Selfie);
    let mut scratch = Scratch::new();
    let mut images = Vec::new();
    let mut fixed = Vec::new();
    for (k, c) in image_bytes.chunks_exact(3).enumerate() {
        let role = Role::ALL[usize::from(c[0]) % 4];
        let jpeg = small_jpeg(c[0] ^ c[1], c[1], c[2]);
        fixed.push(fix(&jpeg, "fuzz", &selfie, &mut scratch));
        images.push(PackageInput {
            role,
            path: format!("in{k}.jpg"),
            data: jpeg,
        });
    }
    let request = PackageRequest {
        id_info: IdInfo {
            country: text(&[b'A' + cc_a % 26, b'A' + cc_b % 26]),
            id_type,
        },
        images,
        inline: flags & 1 != 0,
        use_enrolled_image: flags & 2 != 0,
        partner: partner_id.map(|id| Partner {
            partner_id: id,
            api_key: "fuzz-key".into(),
            params: PartnerParams::document_verification(job_id, "user"),
            callback_url: callback,
            timestamp: Some("2026-11-23T00:00:00.000Z".into()),
        }),
        file_name: "attachments.zip".into(),
    };
    let Ok(package) = assemble(&request, fixed.clone()) else {
        return;
    };
    let Some(zip) = &package.zip else {
        return;
    };
    let read = read_zip(zip, &ZipLimits::default()).expect("our own zip reads back");
    let info = package.info.as_ref().expect("info.json with the zip");
    let parsed: kyc_preflight::InfoJson =
        serde_json::from_slice(&read.entries[0].data).expect("info.json parses");
    assert_eq!(&parsed, info);
    let checked = check_info(&read);
    assert!(
        checked.findings.iter().all(|f| f.code.is_none()),
        "{:?}",
        checked.findings
    );
    assert_eq!(checked.images.len(), request.images.len());
    let again = assemble(&request, fixed).expect("assembles again");
    assert_eq!(again.zip.as_ref(), Some(zip), "byte-identical reruns");
});
