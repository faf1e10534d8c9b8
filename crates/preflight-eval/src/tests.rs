use super::*;

#[test]
fn csv_quotes_and_escapes() {
    let rows = labels_from(&b"a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n\n2,,\n3\n"[..]).unwrap();
    assert_eq!(rows.len(), 3);
    let row = |i: usize| rows[i].values().cloned().collect::<Vec<_>>();
    assert_eq!(row(0), vec!["1", "x,y", "say \"hi\""]);
    assert_eq!(row(1), vec!["2", "", ""]);
    // A short row keeps the fields it has.
    assert_eq!(rows[2].get("a").map(String::as_str), Some("3"));
    assert_eq!(rows[2].get("b"), None);
    assert_eq!(labels_from(&b""[..]), Err("empty".to_string()));
}

#[test]
fn percentiles_interpolate() {
    let v = [4.0, 1.0, 3.0, 2.0];
    assert_eq!(percentile(&v, 0.5), Some(2.5));
    assert_eq!(percentile(&v, 0.0), Some(1.0));
    assert_eq!(percentile(&v, 1.0), Some(4.0));
    assert_eq!(percentile(&[], 0.5), None);
}

#[test]
fn expectations_follow_the_table() {
    use preflight_synth::{CutOff, GlareSize};
    let e = Expected::for_variant(Variant::CutOff(CutOff::TopLeft));
    assert_eq!(e.get(Check::DocumentCutOff), Expect::Positive);
    assert_eq!(e.get(Check::TightlyCropped), Expect::DontCare);
    assert_eq!(e.get(Check::Glare), Expect::Negative);
    assert_eq!(e.cut_edges, vec!["left", "top"]);
    let e = Expected::for_variant(Variant::Overexposed);
    assert_eq!(e.get(Check::Glare), Expect::DontCare);
    assert_eq!(e.positives().collect::<Vec<_>>(), vec![Check::Overexposed]);
    let e = Expected::for_variant(Variant::Motion(Strength::Mild));
    assert_eq!(e.get(Check::Blurry), Expect::DontCare);
    assert_eq!(e.positives().count(), 0);
    let e = Expected::for_variant(Variant::Glare(GlareSize::Small));
    assert_eq!(e.positives().collect::<Vec<_>>(), vec![Check::Glare]);
    for v in [Variant::Good, Variant::Cluttered, Variant::Tilted(30.0)] {
        let e = Expected::for_variant(v);
        // Every check negative but the portrait's, which no drawn face can decide.
        assert!(Check::ALL
            .iter()
            .filter(|c| **c != Check::PortraitNotFound)
            .all(|c| e.get(*c) == Expect::Negative));
        assert_eq!(e.get(Check::PortraitNotFound), Expect::DontCare);
    }
}
