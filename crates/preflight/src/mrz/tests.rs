use super::*;
use crate::rectify::tests::{plane, DEGENERATE_QUADS};

#[test]
fn the_frame_turned_without_resampling_equals_the_resampled_frame() {
    for (w, h) in [(37, 23), (23, 37)] {
        let a = plane(w, h);
        let q = frame_quad(&a).unwrap();
        for k in [0, 1] {
            let corners = [0, 1, 2, 3].map(|i| q[(i + k) % 4]);
            let (rw, rh) = if k == 0 { (w, h) } else { (h, w) };
            let slow = rectify(&a, &square_to_quad(corners), rw, rh);
            let fast = plane_turned(&a, k == 1);
            assert_eq!((fast.w, fast.h), (rw, rh));
            assert_eq!(fast.px, slow.px, "{w}x{h} turn {k}");
        }
    }
}

#[test]
fn degenerate_planes_and_quads_find_nothing_without_panicking() {
    for (w, h) in [
        (1, 1),
        (1, 3000),
        (3000, 1),
        (2, 2),
        (63, 15),
        (64, 16),
        (2, 1024),
    ] {
        let a = plane(w, h);
        assert!(find(&a, None).is_none(), "{w}x{h}");
    }
    let a = plane(200, 100);
    for q in DEGENERATE_QUADS {
        assert!(find(&a, Some(q)).is_none());
    }
}

#[test]
fn check_digits_decide_validity() {
    let none = MrzChecks::default();
    assert!(!none.all_valid(), "no digit, no proof");
    let ok = MrzChecks {
        document_number: Some(true),
        composite: Some(true),
        ..MrzChecks::default()
    };
    assert!(ok.all_valid());
    let bad = MrzChecks {
        date_of_birth: Some(false),
        ..ok
    };
    assert!(!bad.all_valid());
}

#[test]
fn character_classes_follow_icao_9303() {
    // TD3 line 2: document number (any), its check digit, nationality (letters), birth
    // date and its digit (digits), sex, expiry and its digit, personal number, its digit
    // (or filler), the composite digit.
    let c = classes(Format::Td3, 1);
    assert_eq!(c.len(), 44);
    assert_eq!(c[0], Class::Any);
    assert_eq!(c[9], Class::DigitOrFiller);
    assert_eq!(c[10], Class::Letter);
    assert_eq!(c[13], Class::Digit);
    assert_eq!(c[20], Class::Sex);
    assert_eq!(c[42], Class::DigitOrFiller);
    assert_eq!(c[43], Class::Digit);
    assert!(classes(Format::Td1, 2).iter().all(|&k| k == Class::Letter));
    assert_eq!(classes(Format::Td1, 1)[29], Class::Digit);
    assert_eq!(classes(Format::Td2, 1)[35], Class::Digit);
}
