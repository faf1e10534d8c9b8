//! Faces on real images (../shared/data, skipped when absent): the portrait on specimen
//! documents, with the document turned any way; one face, two or none in a selfie. The
//! generator draws its portraits, which no face detector takes for a face, so these checks
//! are tested on real pictures; `preflight eval` scores every labelled image.

use crate::common::shared_data;
use kyc_preflight::{check, DocumentClass, FindingCode, Policy, Report, Scratch, Severity};
use std::path::Path;

fn check_file(path: &Path, policy: &Policy) -> Report {
    let data = std::fs::read(path).unwrap();
    check(
        &data,
        &path.display().to_string(),
        policy,
        &mut Scratch::new(),
    )
}

fn has(report: &Report, code: FindingCode) -> bool {
    report.findings.iter().any(|f| f.code == code)
}

#[test]
fn specimen_portraits_are_found_and_pages_without_one_are_flagged() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("documents/passporteye");
    let cases = [
        ("passport-td3.png", DocumentClass::Passport, true),
        ("100_pass-bdr.jpg", DocumentClass::Passport, true),
        ("100_pass-cze.jpg", DocumentClass::Passport, true),
        ("passport-td2.jpg", DocumentClass::IdCard, true),
        // The back of an ID card, a text page.
        ("100_id-si.jpg", DocumentClass::IdCard, false),
        ("tesseract-test1.jpg", DocumentClass::IdCard, false),
    ];
    for (file, class, face) in cases {
        let policy = Policy::for_class(class);
        let report = check_file(&dir.join(file), &policy);
        let portrait = report.metrics.as_ref().and_then(|m| m.portrait);
        assert_eq!(
            !has(&report, FindingCode::PortraitNotFound),
            face,
            "{file}: {portrait:?} {:?}",
            report.findings
        );
        if face {
            let p = portrait.unwrap();
            assert!(p.score >= policy.thresholds.min_face_score, "{file}: {p:?}");
            assert_eq!(p.turns, Some(0), "{file}: printed upright");
        } else {
            let f = report
                .findings
                .iter()
                .find(|f| f.code == FindingCode::PortraitNotFound)
                .unwrap();
            // The default profile warns; the measured score is below the threshold.
            assert_eq!(f.severity, Severity::Warn);
            assert!(f.measured.unwrap() < f.threshold.unwrap());
        }
    }
    // The strict profile rejects; the back of a card checked with `faces` off says nothing.
    let strict = Policy::with_profile(DocumentClass::IdCard, "strict").unwrap();
    let back = dir.join("100_id-si.jpg");
    let report = check_file(&back, &strict);
    assert!(report
        .findings
        .iter()
        .any(|f| f.code == FindingCode::PortraitNotFound && f.severity == Severity::Reject));
    let off = Policy {
        faces: false,
        ..strict
    };
    let report = check_file(&back, &off);
    assert!(!has(&report, FindingCode::PortraitNotFound));
    assert!(report.metrics.unwrap().portrait.is_none(), "not searched");
}

#[test]
fn the_portrait_is_found_with_the_document_turned_any_way_and_says_which_way_is_up() {
    let Some(data) = shared_data() else { return };
    let path = data.join("documents/passporteye/passport-td3.png");
    let upright = image::open(&path).unwrap().to_rgb8();
    let (w, h) = (f64::from(upright.width()), f64::from(upright.height()));
    let policy = Policy::for_class(DocumentClass::Passport);
    let portrait = |img: &image::RgbImage| {
        let mut png = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let report = check(&png, "turned.png", &policy, &mut Scratch::new());
        report.metrics.and_then(|m| m.portrait).unwrap()
    };
    let centre = |b: [u32; 4]| {
        (
            (f64::from(b[0]) + f64::from(b[2])) / 2.0,
            (f64::from(b[1]) + f64::from(b[3])) / 2.0,
        )
    };
    let p0 = portrait(&upright);
    assert_eq!(p0.turns, Some(0));
    let (cx, cy) = centre(p0.bbox);
    // (turned picture, quarter turns clockwise that bring it upright, where the face's
    // centre moves to)
    let turned = [
        (image::imageops::rotate90(&upright), 3, (h - cy, cx)),
        (image::imageops::rotate180(&upright), 2, (w - cx, h - cy)),
        (image::imageops::rotate270(&upright), 1, (cy, w - cx)),
    ];
    for (img, turns, (ex, ey)) in turned {
        let p = portrait(&img);
        assert!(p.score >= policy.thresholds.min_face_score, "{p:?}");
        assert_eq!(p.turns, Some(turns), "{p:?}");
        let (x, y) = centre(p.bbox);
        assert!(
            (x - ex).hypot(y - ey) < 0.03 * w.max(h),
            "turned {turns}: face at ({x:.0}, {y:.0}), expected ({ex:.0}, {ey:.0})"
        );
    }
}

#[test]
fn a_selfie_has_one_face_two_are_flagged_and_none_is_flagged() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("faces");
    let policy = Policy::for_class(DocumentClass::Selfie);
    let selfie = |file: &str| check_file(&dir.join(file), &policy);
    let one = selfie("face_recognition/obama.jpg");
    assert!(
        !one.findings
            .iter()
            .any(|f| f.code.as_str().starts_with("selfie")),
        "{:?}",
        one.findings
    );
    // The labelled box (dlib, top, right, bottom, left = 142, 617, 409, 349) and ours
    // overlap: the detectors frame a face differently, so the centres are compared.
    let faces = one.metrics.unwrap().faces.unwrap();
    let b = faces[0].bbox;
    let (x, y) = (f64::from(b[0] + b[2]) / 2.0, f64::from(b[1] + b[3]) / 2.0);
    assert!((x - 483.0).hypot(y - 275.5) < 60.0, "{b:?}");
    assert!(has(
        &selfie("face_recognition/two_people.jpg"),
        FindingCode::SelfieMultipleFaces
    ));
    for file in ["skimage/coffee.png", "skimage/chelsea.png"] {
        assert!(has(&selfie(file), FindingCode::SelfieNoFace), "{file}");
    }
}
