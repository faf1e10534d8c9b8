//! Random text for the document's fields: names, numbers, dates, the MRZ.

use crate::*;

pub(crate) fn rand_letters(rng: &mut SplitMix64, n: usize) -> String {
    (0..n)
        .map(|_| (b'A' + rng.below(26) as u8) as char)
        .collect()
}

pub(crate) fn rand_letters_n(rng: &mut SplitMix64, min: usize, max: usize) -> String {
    let n = min + rng.below((max - min + 1) as u32) as usize;
    rand_letters(rng, n)
}

pub(crate) fn rand_digits(rng: &mut SplitMix64, n: usize) -> String {
    (0..n)
        .map(|_| (b'0' + rng.below(10) as u8) as char)
        .collect()
}

pub(crate) fn rand_words(rng: &mut SplitMix64, words: usize, minl: usize, maxl: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        if i > 0 {
            s.push(' ');
        }
        let l = minl + rng.below((maxl - minl + 1) as u32) as usize;
        s.push_str(&rand_letters(rng, l));
    }
    s
}

pub(crate) fn rand_date(rng: &mut SplitMix64) -> String {
    format!(
        "{:02}.{:02}.{}",
        1 + rng.below(28),
        1 + rng.below(12),
        1950 + rng.below(60)
    )
}

pub(crate) fn mrz_lines(rng: &mut SplitMix64) -> (String, String) {
    let country = rand_letters(rng, 3);
    let mut l1 = format!(
        "P<{}{}<<{}<{}",
        country,
        rand_letters_n(rng, 4, 9),
        rand_letters_n(rng, 3, 7),
        rand_letters_n(rng, 3, 7)
    );
    while l1.len() < 44 {
        l1.push('<');
    }
    l1.truncate(44);
    let mut l2 = format!(
        "{}{}{}{}{}{}{}{}",
        rand_letters(rng, 2),
        rand_digits(rng, 8),
        country,
        rand_digits(rng, 7),
        if rng.chance(0.5) { "F" } else { "M" },
        rand_digits(rng, 7),
        "<".repeat(14),
        rand_digits(rng, 2)
    );
    while l2.len() < 44 {
        l2.push('<');
    }
    l2.truncate(44);
    (l1, l2)
}
