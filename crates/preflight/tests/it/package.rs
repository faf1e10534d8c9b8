//! The upload package (SPEC §2, §4): info.json in both modes against golden files, the zip's
//! layout and byte-identical reruns, duplicates, and `validate-zip` accepting what we write.

use crate::common;
use crate::fixtures::inputs;
use kyc_preflight::{
    package, validate_zip, DocumentClass, FindingCode, IdInfo, PackageInput, PackageRequest,
    Partner, PartnerParams, Policy, Role, Verdict, ZipLimits,
};
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;

fn request(inline: bool, partner: bool) -> PackageRequest {
    PackageRequest {
        id_info: IdInfo {
            country: "NG".into(),
            id_type: Some("NATIONAL_ID".into()),
        },
        images: inputs().clone(),
        inline,
        use_enrolled_image: false,
        partner: partner.then(|| Partner {
            partner_id: "125".into(),
            api_key: "test-api-key".into(),
            params: PartnerParams::document_verification("job-1", "user-1"),
            callback_url: "https://example.com/callback".into(),
            timestamp: Some("2026-11-23T00:00:00.000Z".into()),
        }),
        file_name: "attachments.zip".into(),
    }
}

/// The job's renders: their portraits are drawn and the "selfie" is a render of a card, so
/// no face is looked for (`faces`); which roles are asked for one is tested in
/// `upload::tests`.
fn template() -> Policy {
    Policy {
        faces: false,
        ..Policy::for_class(DocumentClass::IdCard)
    }
}

fn entries(zip: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut e = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            assert_eq!(
                e.last_modified().map(|d| (d.year(), d.month(), d.day())),
                Some((1980, 1, 1))
            );
            assert_eq!(e.unix_mode().map(|m| m & 0o777), Some(0o644));
            (e.name().unwrap().to_string(), e.compression(), data)
        })
        .collect()
}

fn info_of(zip: &[u8]) -> Value {
    let e = entries(zip);
    assert_eq!(e[0].0, "info.json", "info.json comes first");
    serde_json::from_slice(&e[0].2).unwrap()
}

fn type_ids(info: &Value) -> Vec<u64> {
    info["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["image_type_id"].as_u64().unwrap())
        .collect()
}

/// Compare with `tests/data/golden/NAME`; `UPDATE_GOLDEN=1` rewrites it.
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert_eq!(actual, expected, "{name} differs from the golden file");
}

#[test]
fn files_mode_info_json_matches_the_golden_file_and_the_zip_holds_every_image() {
    let p = package(&request(false, true), &template()).unwrap();
    assert_eq!(p.verdict, Verdict::Pass, "{:#?}", p.images);
    let zip = p.zip.as_ref().unwrap();
    let e = entries(zip);
    let names: Vec<&str> = e.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "info.json",
            "selfie.jpg",
            "id_front.jpg",
            "id_back.jpg",
            "liveness_1.jpg",
            "liveness_2.jpg",
            "liveness_3.jpg"
        ],
        "every image is in the zip (liveness and back included), no stray entries"
    );
    for (name, method, data) in &e[1..] {
        assert_eq!(*method, zip::CompressionMethod::Stored, "{name} is stored");
        assert_eq!(&data[..2], &[0xFF, 0xD8], "{name} is a JPEG");
    }
    // The ID sides were stored rotated: the zip holds them upright, inside the window.
    for (name, _, data) in &e[2..4] {
        let (w, h, _) = common::decode_rgb(data);
        assert_eq!((w, h), (2400, 1800), "{name} upright");
        assert!(
            (614_400..=10_000_000).contains(&data.len()),
            "{name}: {}",
            data.len()
        );
    }
    let info = String::from_utf8(e[0].2.clone()).unwrap();
    golden("info_files.json", &info);
    let v: Value = serde_json::from_str(&info).unwrap();
    assert_eq!(type_ids(&v), [0, 1, 5, 4, 4, 4]);
    // The signature in misc_information is the one the service recomputes.
    assert!(kyc_preflight::verify(
        "test-api-key",
        "125",
        v["misc_information"]["timestamp"].as_str().unwrap(),
        v["misc_information"]["signature"].as_str().unwrap()
    ));
}

#[test]
fn inline_mode_puts_base64_in_info_json_and_nothing_else_in_the_zip() {
    let p = package(&request(true, false), &template()).unwrap();
    let zip = p.zip.as_ref().unwrap();
    let e = entries(zip);
    assert_eq!(e.len(), 1, "the zip holds info.json alone");
    let mut v: Value = serde_json::from_slice(&e[0].2).unwrap();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    for (image, packaged) in v["images"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip(&p.images)
    {
        let data = b64.decode(image["image"].as_str().unwrap()).unwrap();
        assert_eq!(
            Some(kyc_preflight::internal::hex(&{
                use sha2::Digest;
                sha2::Sha256::digest(&data)
            })),
            packaged.output_sha256,
            "inline bytes are the fixed JPEG"
        );
        assert!(!data.is_empty());
        image["image"] = Value::String("<base64 JPEG>".into());
    }
    golden(
        "info_inline.json",
        &serde_json::to_string_pretty(&v).unwrap(),
    );
    assert_eq!(type_ids(&v), [2, 3, 7, 6, 6, 6]);
}

#[test]
fn the_same_inputs_give_a_byte_identical_zip_and_validate_zip_accepts_it() {
    let a = package(&request(false, true), &template()).unwrap();
    let b = package(&request(false, true), &template()).unwrap();
    assert_eq!(a.zip, b.zip, "byte-identical reruns");
    assert_eq!(a.zip_sha256, b.zip_sha256);
    let zip = a.zip.unwrap();
    let v = validate_zip(&zip, "ours.zip", &template(), &ZipLimits::default());
    assert!(v.valid, "{:#?}", v.findings);
    assert_eq!(v.code, None);
    assert_eq!(v.images.len(), 6, "every listed image decoded and checked");
    assert!(v.images.iter().all(|i| i.report.verdict != Verdict::Error));
    assert!(
        v.findings.iter().all(|f| f.code.is_none()),
        "{:#?}",
        v.findings
    );
    // Reading it back through our own info.json model.
    let info: kyc_preflight::InfoJson = serde_json::from_value(info_of(&zip)).unwrap();
    assert_eq!(info.id_info.id_type.as_deref(), Some("NATIONAL_ID"));
}

/// The bytes of the request's image of `role`.
fn data_of(req: &PackageRequest, role: Role) -> Vec<u8> {
    req.images
        .iter()
        .find(|i| i.role == role)
        .unwrap()
        .data
        .clone()
}

/// The roles whose report in `p` has `code`.
fn flagged(p: &kyc_preflight::Package, code: FindingCode) -> Vec<Role> {
    p.images
        .iter()
        .filter(|i| i.report.has(code))
        .map(|i| i.role)
        .collect()
}

#[test]
fn the_same_photo_twice_is_a_duplicate_and_no_zip_is_made() {
    let mut req = request(false, false);
    let front = data_of(&req, Role::IdFront);
    for i in req.images.iter_mut().filter(|i| i.role == Role::IdBack) {
        i.data = front.clone();
    }
    let selfie = data_of(&req, Role::Selfie);
    req.images.push(PackageInput {
        role: Role::Liveness,
        path: "selfie-again.jpg".into(),
        data: selfie,
    });
    let p = package(&req, &template()).unwrap();
    assert_eq!(p.verdict, Verdict::Reject);
    assert!(p.zip.is_none(), "no zip when an image is rejected");
    assert_eq!(
        flagged(&p, FindingCode::DuplicateImage),
        [Role::IdBack, Role::Liveness]
    );
}

/// `jpeg` decoded, turned upright by its EXIF orientation, resized to `percent` and encoded
/// again at `quality` without metadata (another app saving the same photo).
fn resaved(jpeg: &[u8], percent: u32, quality: u8) -> Vec<u8> {
    use image::ImageDecoder;
    let mut decoder = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg)).unwrap();
    let orientation = decoder.orientation().unwrap();
    let mut img = image::DynamicImage::from_decoder(decoder).unwrap();
    img.apply_orientation(orientation);
    let img = img.to_rgb8();
    let (w, h) = (img.width() * percent / 100, img.height() * percent / 100);
    let small = image::imageops::resize(&img, w, h, image::imageops::FilterType::Triangle);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&small)
        .unwrap();
    out
}

#[test]
fn the_front_saved_again_as_the_back_is_caught_by_its_perceptual_hash() {
    let mut req = request(false, false);
    let front = data_of(&req, Role::IdFront);
    let reused = |p: &kyc_preflight::Package| flagged(p, FindingCode::ImageReused);
    // The fixture's own front and back (two renders) and its selfie and liveness frames
    // (alike by design) are not reuse.
    let p = package(&req, &template()).unwrap();
    assert!(reused(&p).is_empty(), "{:?}", reused(&p));
    for (percent, quality) in [(100, 60), (70, 75), (50, 95)] {
        for i in req.images.iter_mut().filter(|i| i.role == Role::IdBack) {
            i.data = resaved(&front, percent, quality);
        }
        let p = package(&req, &template()).unwrap();
        assert_eq!(reused(&p), [Role::IdBack], "{percent} % at q{quality}");
        assert!(p.zip.is_none());
        let back = p.images.iter().find(|i| i.role == Role::IdBack).unwrap();
        assert!(!back.report.has(FindingCode::DuplicateImage));
    }
}

#[test]
fn a_bad_request_is_an_error_not_a_package() {
    let mut req = request(false, false);
    req.images.retain(|i| i.role != Role::IdFront);
    assert!(package(&req, &template()).is_err(), "no ID front");

    let mut req = request(false, false);
    req.images.retain(|i| i.role != Role::Selfie);
    assert!(package(&req, &template()).is_err(), "no selfie");
    req.use_enrolled_image = true;
    let p = package(&req, &template()).unwrap();
    assert!(p.zip.is_some(), "the enrolled image replaces the selfie");

    let mut req = request(false, false);
    req.id_info.country = "XX".into();
    assert!(package(&req, &template()).is_err(), "no such country");

    let mut req = request(false, false);
    for k in 0..6 {
        let mut extra = req.images[3].clone();
        extra.path = format!("more{k}.jpg");
        req.images.push(extra);
    }
    assert!(package(&req, &template()).is_err(), "nine liveness frames");
}

#[test]
fn an_unusable_image_blocks_the_package() {
    let mut req = request(false, false);
    for i in req.images.iter_mut().filter(|i| i.role == Role::IdFront) {
        i.data.truncate(i.data.len() / 2);
    }
    let p = package(&req, &template()).unwrap();
    assert!(matches!(p.verdict, Verdict::Reject | Verdict::Error));
    assert!(p.zip.is_none());
}
