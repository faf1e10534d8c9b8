//! Property tests (issue 21): random sizes, pixels, formats, classes and EXIF orientations
//! through `check` and `fix`. A panic fails the case (proptest catches it and shrinks to the
//! smallest input); every report must be sound (see `degenerate::report_is_sound` and
//! `fix_is_sound`).

use crate::common::with_exif;
use crate::degenerate::{encode_pixels, fix_is_sound, report_is_sound, Format, CLASSES, FORMATS};
use kyc_preflight::{check, fix, Policy, Scratch};
use proptest::prelude::*;

/// Sizes: mostly small (below and around one MCU, up to 64 × 64), some one to three pixels
/// across and up to 2,400 long (past the id-card minimum), some strips 4..=48 across.
fn size() -> impl Strategy<Value = (u32, u32)> {
    prop_oneof![
        6 => (1..=64u32, 1..=64u32),
        2 => (1..=3u32, 65..=2400u32).prop_flat_map(|(s, l)| prop_oneof![Just((s, l)), Just((l, s))]),
        1 => (4..=48u32, 1000..=2400u32).prop_flat_map(|(s, l)| prop_oneof![Just((s, l)), Just((l, s))]),
    ]
}

/// One input: upright size, format, class, EXIF orientation (JPEG only; 1 = none) and the
/// pixel bytes, cycled over the image.
#[derive(Debug, Clone)]
struct Input {
    size: (u32, u32),
    format: Format,
    class: usize,
    orientation: u16,
    pattern: Vec<u8>,
}

fn input() -> impl Strategy<Value = Input> {
    (
        size(),
        0..FORMATS.len(),
        0..CLASSES.len(),
        1..=8u16,
        prop::collection::vec(any::<u8>(), 1..512),
    )
        .prop_map(|(size, f, class, orientation, pattern)| {
            let format = FORMATS[f];
            let is_jpeg = matches!(format, Format::Jpeg420 | Format::JpegGrey);
            Input {
                size,
                format,
                class,
                orientation: if is_jpeg { orientation } else { 1 },
                pattern,
            }
        })
}

impl Input {
    /// The file, and the size it shows upright.
    fn encode(&self) -> (Vec<u8>, (u32, u32)) {
        let (w, h) = self.size;
        let n = w as usize * h as usize * self.format.channels();
        let pixels: Vec<u8> = self.pattern.iter().copied().cycle().take(n).collect();
        let mut data = encode_pixels(self.format, w, h, &pixels);
        // Without a tag the stored size is the upright one; orientations 5..=8 transpose it.
        let mut upright = (w, h);
        if self.orientation != 1 {
            data = with_exif(&data, self.orientation);
            if self.orientation >= 5 {
                upright = (h, w);
            }
        }
        (data, upright)
    }
}

proptest! {
    // Debug build, 2 shared cores: 256 cases of check + fix take about a second.
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn check_and_fix_give_a_sound_report_for_any_image(input in input()) {
        let (data, upright) = input.encode();
        let class = CLASSES[input.class];
        let policy = Policy::for_class(class);
        let mut scratch = Scratch::new();
        let label = format!("{input:?}");
        let r = check(&data, "prop", &policy, &mut scratch);
        let bad = report_is_sound(&label, &r, upright, class);
        prop_assert!(bad.is_empty(), "{}", bad.join("\n"));
        let f = fix(&data, "prop", &policy, &mut scratch);
        let bad = fix_is_sound(&label, &f, upright, class, &policy);
        prop_assert!(bad.is_empty(), "{}", bad.join("\n"));
    }
}
