//! The outline on grained and patterned surfaces, scored by IoU against the generator's truth.

use kyc_preflight::{check, Policy, Scratch, Verdict};
use preflight_eval::polygon_iou;
use preflight_synth::{render, SynthSpec, Variant};

#[test]
fn the_outline_holds_on_grained_and_patterned_surfaces() {
    for seed in [4, 7, 8] {
        let spec = SynthSpec::variant_sized(seed, Variant::Good, 1600, 1200);
        let capture = render(&spec);
        let r = check(
            &capture.jpeg,
            "good",
            &Policy::default(),
            &mut Scratch::new(),
        );
        assert_ne!(
            r.verdict,
            Verdict::Reject,
            "seed {seed}: {:?}",
            r.findings
                .iter()
                .map(|f| f.code.as_str())
                .collect::<Vec<_>>()
        );
        let quad = r.metrics.as_ref().unwrap().document.as_ref().unwrap().quad;
        let truth = capture
            .truth
            .quad
            .map(|p| [f64::from(p[0]), f64::from(p[1])]);
        let iou = polygon_iou(&quad, &truth);
        assert!(iou > 0.9, "seed {seed}: outline IoU {iou:.3}");
    }
}
