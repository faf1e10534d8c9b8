//! `validate-zip` against a corpus of broken upload zips, one or more per service code, each
//! generated here (so the corpus is small, reviewable and cannot rot) and each asserting the
//! code the service would answer with.

use crate::fixtures::{good_entries, info, png, small_jpeg, with_info, with_json, zip_of};
use kyc_preflight::{validate_zip, DocumentClass, Policy, ServiceCode, Validation, ZipLimits};
use serde_json::json;

fn validate(bytes: &[u8]) -> Validation {
    validate_zip(
        bytes,
        "case.zip",
        &Policy::for_class(DocumentClass::IdCard),
        &ZipLimits::default(),
    )
}

fn replace_all(hay: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= hay.len() {
        if &hay[i..i + from.len()] == from {
            hay[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

/// Set the "encrypted" flag of every entry, in local and central headers.
fn mark_encrypted(zip: &mut [u8]) {
    for i in 0..zip.len().saturating_sub(10) {
        if zip[i..i + 4] == [0x50, 0x4b, 0x03, 0x04] {
            zip[i + 6] |= 1;
        } else if zip[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            zip[i + 8] |= 1;
        }
    }
}

/// Every broken case: (name, zip bytes, expected code).
fn corpus() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let good = zip_of(&good_entries());
    let front = small_jpeg(2);
    let mut cases: Vec<(&'static str, Vec<u8>, &'static str)> = Vec::new();

    // 0903: the zip itself.
    cases.push((
        "not_a_zip",
        b"this is not a zip archive at all".to_vec(),
        "0903",
    ));
    cases.push(("empty_file", Vec::new(), "0903"));
    cases.push(("truncated", good[..good.len() * 2 / 3].to_vec(), "0903"));
    let mut crc = good.clone();
    let at = crc
        .windows(front.len())
        .position(|w| w == front.as_slice())
        .unwrap()
        + front.len() / 2;
    crc[at] ^= 0x55;
    cases.push(("crc_mismatch", crc, "0903"));
    let mut dup = zip_of(&[
        good_entries()[0].clone(),
        ("selfie.jpg", small_jpeg(1)),
        ("id_front.jpg", small_jpeg(2)),
        ("id_fronX.jpg", small_jpeg(3)),
    ]);
    assert_eq!(replace_all(&mut dup, b"id_fronX.jpg", b"id_front.jpg"), 2);
    cases.push(("duplicate_names", dup, "0903"));
    let mut slip = zip_of(&[
        good_entries()[0].clone(),
        ("selfie.jpg", small_jpeg(1)),
        ("id_front.jpg", small_jpeg(2)),
        ("aa/evil.jpg", small_jpeg(3)),
    ]);
    assert_eq!(replace_all(&mut slip, b"aa/evil.jpg", b"../evil.jpg"), 2);
    cases.push(("path_traversal", slip, "0903"));
    let mut abs = zip_of(&[
        good_entries()[0].clone(),
        ("selfie.jpg", small_jpeg(1)),
        ("id_front.jpg", small_jpeg(2)),
        ("a/etc/x.jpg", small_jpeg(3)),
    ]);
    assert_eq!(replace_all(&mut abs, b"a/etc/x.jpg", b"/aetc/x.jpg"), 2);
    cases.push(("absolute_name", abs, "0903"));
    let mut enc = good.clone();
    mark_encrypted(&mut enc);
    cases.push(("encrypted", enc, "0903"));

    // 2203: info.json.
    cases.push(("no_info_json", zip_of(&good_entries()[1..]), "2203"));
    cases.push((
        "info_json_not_json",
        with_info(b"{\"images\": [".to_vec()),
        "2203",
    ));
    cases.push(("info_json_not_object", with_json(json!([1, 2])), "2203"));

    // 2213: required keys.
    let full = json!({
        "package_information": {"apiVersion": {"buildNumber": 0, "majorVersion": 2, "minorVersion": 0}},
        "id_info": {"country": "NG"},
        "images": [
            {"image_type_id": 0, "image": "", "file_name": "selfie.jpg"},
            {"image_type_id": 1, "image": "", "file_name": "id_front.jpg"},
        ],
    });
    for (name, key) in [
        ("missing_package_information", "package_information"),
        ("missing_id_info", "id_info"),
        ("missing_images", "images"),
    ] {
        let mut v = full.clone();
        v.as_object_mut().unwrap().remove(key);
        cases.push((name, with_json(v), "2213"));
    }
    let mut v = full.clone();
    v["id_info"].as_object_mut().unwrap().remove("country");
    cases.push(("missing_country", with_json(v), "2213"));
    let mut v = full.clone();
    v["images"][1].as_object_mut().unwrap().remove("file_name");
    cases.push(("missing_file_name", with_json(v), "2213"));

    // 2204: wrong types.
    let mut v = full.clone();
    v["images"] = json!({"image_type_id": 1});
    cases.push(("images_not_a_list", with_json(v), "2204"));
    let mut v = full.clone();
    v["images"][1]["image_type_id"] = json!("front");
    cases.push(("image_type_id_a_word", with_json(v), "2204"));
    let mut v = full.clone();
    v["images"][1]["image_type_id"] = json!(9);
    cases.push(("image_type_id_unknown", with_json(v), "2204"));
    let mut v = full.clone();
    v["id_info"]["country"] = json!(566);
    cases.push(("country_a_number", with_json(v), "2204"));

    // 1014: country or id_type known not to exist.
    let mut v = full.clone();
    v["id_info"]["country"] = json!("XX");
    cases.push(("unknown_country", with_json(v), "1014"));
    let mut v = full.clone();
    v["id_info"]["id_type"] = json!("Driver's licence");
    cases.push(("malformed_id_type", with_json(v), "1014"));

    // Two problems: the service answers with the one it meets first (a wrong country
    // before an image listed but absent; a missing key before a wrong type).
    let mut v = full.clone();
    v["id_info"]["country"] = json!("XX");
    v["images"][1]["file_name"] = json!("nowhere.jpg");
    cases.push(("unknown_country_and_image_absent", with_json(v), "1014"));
    let mut v = full.clone();
    v["id_info"]["country"] = json!(566);
    v["images"][1].as_object_mut().unwrap().remove("file_name");
    cases.push((
        "missing_file_name_and_country_a_number",
        with_json(v),
        "2213",
    ));

    // 0001: images.
    let mut e = good_entries();
    e.remove(2);
    cases.push(("listed_but_absent", zip_of(&e), "0001"));
    let mut e = good_entries();
    e[2].1 = b"GIF89a\x01\0\x01\0\0\0\0;".to_vec();
    cases.push(("gif_not_jpeg", zip_of(&e), "0001"));
    let mut e = good_entries();
    let mut broken = e[2].1[..200].to_vec();
    broken.extend(std::iter::repeat_n(0xA5u8, 300));
    broken.extend([0xFF, 0xD9]);
    e[2].1 = broken;
    cases.push(("jpeg_does_not_decode", zip_of(&e), "0001"));
    let mut e = good_entries();
    let cut = e[2].1.len() * 2 / 3;
    e[2].1.truncate(cut);
    cases.push(("jpeg_truncated", zip_of(&e), "0001"));
    let mut v = full.clone();
    v["images"].as_array_mut().unwrap().remove(1);
    cases.push(("no_id_front", with_json(v), "0001"));
    let mut v = full.clone();
    v["images"][1] = json!({"image_type_id": 3, "image": "not base64 !!", "file_name": ""});
    cases.push(("inline_not_base64", with_json(v), "0001"));
    cases
}

#[test]
fn a_well_formed_package_is_valid() {
    let v = validate(&zip_of(&good_entries()));
    assert!(v.valid, "{:#?}", v.findings);
    assert_eq!(v.code, None);
    assert_eq!(v.images.len(), 2);
    // The tiny test images are far below the ID minimum: reported, but not an upload code.
    assert!(v
        .findings
        .iter()
        .any(|f| f.finding == "resolution_too_low" && f.code.is_none()));
}

#[test]
fn every_broken_zip_gets_its_code() {
    let mut wrong = Vec::new();
    for (name, bytes, code) in corpus() {
        let v = validate(&bytes);
        if v.valid || v.code.map(ServiceCode::as_str) != Some(code) {
            wrong.push(format!(
                "{name}: expected {code}, got {:?} ({})",
                v.code, v.message
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn stray_entries_and_missing_selfie_are_noted_without_a_code() {
    let mut e = good_entries();
    e.push(("base64imgString", b"selfie.jpg".to_vec()));
    e[0].1 = info(json!([{"image_type_id": 1, "image": "", "file_name": "id_front.jpg"}]));
    let v = validate(&zip_of(&e));
    assert!(v.valid, "{}", v.message);
    let names: Vec<&str> = v.findings.iter().map(|f| f.finding).collect();
    assert!(names.contains(&"stray_entry"), "{names:?}");
    assert!(names.contains(&"no_selfie"), "{names:?}");
}

/// The finding names of `v`.
fn names(v: &Validation) -> Vec<&'static str> {
    v.findings.iter().map(|f| f.finding).collect()
}

#[test]
fn what_official_sdks_write_is_a_warning_not_a_rejection() {
    use base64::Engine;
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    // The Python SDK's base64 job: inline images, and one `base64imgString` entry per
    // inline image, with different contents, under one name the job does not use.
    let inline = info(json!([
        {"image_type_id": 2, "image": b64(&small_jpeg(1))},
        {"image_type_id": 3, "image": b64(&small_jpeg(2))},
    ]));
    let mut dup = zip_of(&[
        ("info.json", inline),
        ("base64imgString", b"first".to_vec()),
        ("base64imgStrinX", b"other".to_vec()),
    ]);
    assert_eq!(
        replace_all(&mut dup, b"base64imgStrinX", b"base64imgString"),
        2
    );
    let v = validate(&dup);
    assert!(v.valid, "{}", v.message);
    assert!(names(&v).contains(&"duplicate_entry"), "{:?}", names(&v));
    assert_eq!(v.images.len(), 2);

    // The same listed file twice, byte for byte: every reader gets the same image.
    let mut same = zip_of(&[
        good_entries()[0].clone(),
        ("selfie.jpg", small_jpeg(1)),
        ("id_front.jpg", small_jpeg(2)),
        ("id_fronX.jpg", small_jpeg(2)),
    ]);
    assert_eq!(replace_all(&mut same, b"id_fronX.jpg", b"id_front.jpg"), 2);
    let v = validate(&same);
    assert!(v.valid, "{}", v.message);
    assert!(names(&v).contains(&"duplicate_entry"));

    // PNG images, which both SDKs accept: a warning naming the conflict; still checked.
    let mut e = good_entries();
    e[2].1 = png();
    let v = validate(&zip_of(&e));
    assert!(v.valid, "{}", v.message);
    let f = v
        .findings
        .iter()
        .find(|f| f.finding == "image_png")
        .unwrap();
    assert!(
        f.code.is_none() && f.message.contains("JPEG only"),
        "{}",
        f.message
    );
    assert!(v.images.iter().any(|i| i.entry == "id_front.jpg"));

    // A numeric string image_type_id is read as its number, with a warning.
    let mut v = serde_json::from_slice::<serde_json::Value>(&good_entries()[0].1).unwrap();
    v["images"][1]["image_type_id"] = json!("1");
    let r = validate(&with_json(v));
    assert!(r.valid, "{}", r.message);
    assert!(names(&r).contains(&"image_type_id_string"));
}

#[test]
fn keys_are_case_sensitive_and_the_message_says_so() {
    let mut v = serde_json::from_slice::<serde_json::Value>(&good_entries()[0].1).unwrap();
    let id = v["images"][1]["image_type_id"].take();
    v["images"][1]
        .as_object_mut()
        .unwrap()
        .remove("image_type_id");
    v["images"][1]["Image_type_id"] = id;
    let r = validate(&with_json(v));
    assert_eq!(r.code.map(ServiceCode::as_str), Some("2213"));
    assert!(r.message.contains("case-sensitive"), "{}", r.message);
}

#[test]
fn the_upload_and_the_photos_get_separate_verdicts() {
    // The fixture's photos are 96x64: the service would take the zip, the document checks
    // would not take the ID front.
    let v = validate(&zip_of(&good_entries()));
    assert!(v.valid, "{}", v.message);
    assert_eq!(v.photos, Some(kyc_preflight::Verdict::Reject));
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["photos"], "reject");
    assert_eq!(json["valid"], true);
}

#[test]
fn service_codes_are_written_as_the_service_writes_them_in_the_order_it_meets_them() {
    use ServiceCode::*;
    let order = [
        ZipCorrupt,
        InfoJsonMalformed,
        MissingParameter,
        WrongType,
        Unsupported,
        ImageUnusable,
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    let wire: Vec<String> = order.iter().map(|c| c.to_string()).collect();
    assert_eq!(wire, ["0903", "2203", "2213", "2204", "1014", "0001"]);
    for c in order {
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.as_str()));
    }
}
