//! The machine-readable zone on real specimen scans (../shared/data, skipped when absent):
//! located, read and proved by its check digits, upright and upside down; a page without
//! one is not taken for one; a passport with its zone cut away is flagged. `preflight eval`
//! and docs/accuracy.md score every labelled image.

use crate::common::shared_data;
use kyc_preflight::{check, DocumentClass, FindingCode, Policy, Report, Scratch};

fn run(data: &[u8], policy: &Policy) -> Report {
    check(data, "specimen", policy, &mut Scratch::new())
}

fn png(img: &image::DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn policy(class: DocumentClass) -> Policy {
    Policy {
        faces: false,
        today: Some((2026, 12, 7)),
        ..Policy::for_class(class)
    }
}

#[test]
fn specimen_zones_read_valid_with_their_fields() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("documents/passporteye");
    // (file, class, format): clean specimens of each format.
    let cases = [
        ("passport-td3.png", DocumentClass::Passport, "TD3"),
        ("passport-td2.png", DocumentClass::IdCard, "TD2"),
        ("100_pass-cze2.jpg", DocumentClass::Passport, "TD3"),
        ("100_id-mac.jpg", DocumentClass::IdCard, "TD1"),
    ];
    for (file, class, format) in cases {
        let report = run(&std::fs::read(dir.join(file)).unwrap(), &policy(class));
        let z = report.metrics.as_ref().and_then(|m| m.mrz.clone());
        let z = z.unwrap_or_else(|| panic!("{file}: no zone"));
        assert_eq!(z.format, Some(format), "{file}");
        assert_eq!(z.valid, Some(true), "{file}: {z:?}");
        assert!(!z.cut_off, "{file}");
        let checks = z.checks.unwrap();
        assert_eq!(checks.date_of_birth, Some(true), "{file}");
        assert!(z.fields.is_some(), "{file}");
        for code in [
            FindingCode::MrzNotFound,
            FindingCode::MrzUnreadable,
            FindingCode::MrzCutOff,
        ] {
            assert!(report.findings.iter().all(|f| f.code != code), "{file}");
        }
    }
    // ICAO's specimen, ERIKSSON ANNA MARIA, expired in 2012.
    let report = run(
        &std::fs::read(dir.join("passport-td3.png")).unwrap(),
        &policy(DocumentClass::Passport),
    );
    let z = report.metrics.unwrap().mrz.unwrap();
    let f = z.fields.unwrap();
    assert_eq!(f.surname, "ERIKSSON");
    assert_eq!(f.date_of_expiry, "2012-04-15");
    assert!(report
        .findings
        .iter()
        .any(|f| f.code == FindingCode::DocumentExpired));
}

#[test]
fn an_upside_down_page_reads_the_same_and_the_box_follows_it() {
    let Some(data) = shared_data() else { return };
    let img = image::open(data.join("documents/passporteye/passport-td3.png")).unwrap();
    let (w, h) = (img.width(), img.height());
    let up = run(&png(&img), &policy(DocumentClass::Passport));
    let down = run(&png(&img.rotate180()), &policy(DocumentClass::Passport));
    let (zu, zd) = (
        up.metrics.unwrap().mrz.unwrap(),
        down.metrics.unwrap().mrz.unwrap(),
    );
    assert_eq!(zd.valid, Some(true));
    assert_eq!(zu.fields, zd.fields);
    // The band lies at the bottom upright, at the top turned; its box mirrors.
    let [x0, y0, x1, y1] = zu.bbox;
    let [a0, b0, a1, b1] = zd.bbox;
    assert!(y0 > h / 2 && b1 < h / 2, "{:?} {:?}", zu.bbox, zd.bbox);
    for (a, b) in [(x0, w - a1), (x1, w - a0), (y0, h - b1), (y1, h - b0)] {
        assert!(a.abs_diff(b) <= 4, "{:?} vs {:?}", zu.bbox, zd.bbox);
    }
}

#[test]
fn pages_without_a_zone_and_a_cut_zone_are_flagged() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("documents/passporteye");
    // A page of text and a photo: no zone; as a passport, mrz_not_found.
    for file in ["tesseract-test1.jpg", "pacman.jpg"] {
        let report = run(
            &std::fs::read(dir.join(file)).unwrap(),
            &policy(DocumentClass::Passport),
        );
        let z = report.metrics.as_ref().and_then(|m| m.mrz.clone());
        assert!(
            z.as_ref().is_none_or(|z| z.valid.is_none()),
            "{file}: {z:?}"
        );
    }
    let report = run(
        &std::fs::read(dir.join("pacman.jpg")).unwrap(),
        &policy(DocumentClass::Passport),
    );
    assert!(report
        .findings
        .iter()
        .any(|f| f.code == FindingCode::MrzNotFound));
    // The specimen with its bottom rows cut through the zone's second line.
    let img = image::open(dir.join("passport-td3.png")).unwrap();
    let w = img.width();
    let zu = run(&png(&img), &policy(DocumentClass::Passport))
        .metrics
        .unwrap()
        .mrz
        .unwrap();
    let cut_at = (zu.bbox[1] + zu.bbox[3]) / 2 + (zu.bbox[3] - zu.bbox[1]) / 3;
    let cut = img.crop_imm(0, 0, w, cut_at);
    let report = run(&png(&cut), &policy(DocumentClass::Passport));
    let flagged = report.findings.iter().any(|f| {
        matches!(
            f.code,
            FindingCode::MrzCutOff | FindingCode::MrzNotFound | FindingCode::MrzUnreadable
        )
    });
    assert!(flagged, "{:?}", report.findings);
}
