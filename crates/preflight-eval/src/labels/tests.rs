use super::*;

#[test]
fn quads_parse_only_with_four_corners() {
    assert_eq!(
        parse_quad("1,2;3,4;5,6;-7,8.5"),
        Some([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [-7.0, 8.5]])
    );
    assert_eq!(parse_quad("1,2;3,4;5,6"), None);
    assert_eq!(parse_quad("1,2;3,4;5,6;7,8;9,9"), None);
    assert_eq!(parse_quad(""), None);
}

#[test]
fn uncertain_labels_are_left_out() {
    assert_eq!(flag(Some(&"yes")), Some(true));
    assert_eq!(flag(Some(&"0")), Some(false));
    assert_eq!(flag(Some(&"uncertain")), None);
    assert_eq!(flag(None), None);
}

#[test]
fn the_split_holds_out_about_one_group_in_three_and_is_stable() {
    let groups: Vec<String> = (0..3000).map(|i| format!("group/{i}")).collect();
    let held = groups.iter().filter(|g| Split::Check.keeps(g)).count();
    assert!((900..1100).contains(&held), "{held}");
    assert!(groups
        .iter()
        .all(|g| Split::Tune.keeps(g) != Split::Check.keeps(g)));
    // The hash is fixed: FNV-1a of "a".
    assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
}
