//! Upload fixtures shared with the CLI's tests: small images, hand-made zips, the inputs of
//! one job, and signature vectors.
#![allow(dead_code)]

use crate::common::{jpeg, photo_rgb};
use kyc_preflight::{PackageInput, Role};
use serde_json::{json, Value};
use std::io::{Cursor, Write};
use std::sync::OnceLock;

pub fn small_jpeg(seed: u64) -> Vec<u8> {
    jpeg(&photo_rgb(96, 64, 20.0, seed), 96, 64, 85)
}

pub fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::new(8, 8)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A zip of `(name, bytes)` entries, stored.
pub fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub fn info(images: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "package_information": {"apiVersion": {"buildNumber": 0, "majorVersion": 2, "minorVersion": 0}},
        "id_info": {"country": "NG", "id_type": "NATIONAL_ID"},
        "images": images,
    }))
    .unwrap()
}

/// A well-formed package: selfie and ID front as files.
pub fn good_entries() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "info.json",
            info(json!([
                {"image_type_id": 0, "image": "", "file_name": "selfie.jpg"},
                {"image_type_id": 1, "image": "", "file_name": "id_front.jpg"},
            ])),
        ),
        ("selfie.jpg", small_jpeg(1)),
        ("id_front.jpg", small_jpeg(2)),
    ]
}

pub fn with_info(info_bytes: Vec<u8>) -> Vec<u8> {
    let mut e = good_entries();
    e[0].1 = info_bytes;
    zip_of(&e)
}

pub fn with_json(v: Value) -> Vec<u8> {
    with_info(serde_json::to_vec(&v).unwrap())
}

/// A compliant synthetic ID capture, 2400x1800 upright, stored with EXIF orientation 6 (so
/// `fix` re-encodes it upright).
pub fn id_side(seed: u64) -> Vec<u8> {
    use preflight_synth::{render, SynthSpec};
    let mut spec = SynthSpec::good(seed).with_size(2400, 1800);
    spec.orientation = 6;
    spec.jpeg_quality = 92;
    render(&spec).jpeg
}

/// Inputs of one job: selfie, front, back and three liveness frames (rendered once).
pub fn inputs() -> &'static Vec<PackageInput> {
    static INPUTS: OnceLock<Vec<PackageInput>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let face = |w, h, seed| jpeg(&photo_rgb(w, h, 30.0, seed), w, h, 88);
        let mut v = vec![
            PackageInput {
                role: Role::IdBack,
                path: "back.jpg".into(),
                data: id_side(21),
            },
            PackageInput {
                role: Role::Selfie,
                path: "selfie.jpg".into(),
                data: face(960, 1280, 1),
            },
            PackageInput {
                role: Role::IdFront,
                path: "front.jpg".into(),
                data: id_side(20),
            },
        ];
        for k in 0..3 {
            v.push(PackageInput {
                role: Role::Liveness,
                path: format!("live{k}.jpg"),
                data: face(480, 640, 10 + k),
            });
        }
        v
    })
}

/// (api_key, partner_id, timestamp, signature). The signatures were computed with Python's
/// standard library, independently of this crate:
/// `base64.b64encode(hmac.new(key.encode(), (ts + pid + "sid_request").encode(), hashlib.sha256).digest())`
pub const VECTORS: [(&str, &str, &str, &str); 4] = [
    (
        "secret",
        "125",
        "2026-11-23T00:00:00.000Z",
        "jJYmWM92Li20M/bqcd8Evgz1H1U5KGRrNepx94E4FE8=",
    ),
    (
        "test-api-key",
        "125",
        "2026-11-23T00:00:00.000Z",
        "5MfNdElNf8LhfGGAmJiKGiNH51+ODAr2+QgrAOi4GwI=",
    ),
    (
        "api-key-Ünïcode",
        "2003",
        "2018-03-13T21:04:11.193Z",
        "26qOvbvHNN9QsiBlpWoxqif7vz+o4mj9MpZNnJRNX8E=",
    ),
    ("", "0", "", "4nzyE7Ki85kODYIBAchape5tSw3y49Bo2REA6iRV//0="),
];
