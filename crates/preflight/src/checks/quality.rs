//! Capture quality on the document: `glare`, `blurry` (document classes), `too_dark`,
//! `overexposed` (every class).

use crate::policy::Policy;
use crate::report::{Finding, FindingCode, Metrics, Severity};

/// Compare the measured scores with the policy's thresholds.
#[must_use]
pub fn check(m: &Metrics, policy: &Policy) -> Vec<Finding> {
    let t = &policy.thresholds;
    let mut out = Vec::new();
    if let Some(b) = m.brightness {
        if b < t.min_brightness {
            out.push(
                Finding::new(
                    FindingCode::TooDark,
                    Severity::Reject,
                    format!("the picture is too dark (mean luma {b:.0}): add light"),
                )
                .measured(b, t.min_brightness),
            );
        }
    }
    if let Some(fraction) = m.overexposed_fraction {
        // A white page whose black print is still black was exposed right: its white is
        // the paper's.
        let black_held = m.black_luma.is_some_and(|b| b <= t.black_print_luma);
        if fraction > t.max_overexposed_fraction && !black_held {
            out.push(
                Finding::new(
                    FindingCode::Overexposed,
                    Severity::Warn,
                    format!(
                        "{:.0} % of the document is blown out to white and its black print is \
                         washed out to luma {}: reduce the light or exposure",
                        fraction * 100.0,
                        m.black_luma.unwrap_or(0)
                    ),
                )
                .measured(fraction, t.max_overexposed_fraction),
            );
        }
    }
    let blown_out = out.iter().any(|f| f.code == FindingCode::Overexposed);
    if let Some(g) = m.glare_fraction {
        if g > t.max_glare_fraction && !blown_out {
            out.push(
                Finding::new(
                    FindingCode::Glare,
                    Severity::Reject,
                    format!(
                        "a reflection covers {:.1} % of the document: tilt it away from the light, no flash",
                        g * 100.0
                    ),
                )
                .measured(g, t.max_glare_fraction),
            );
        }
    }
    // The blur thresholds are calibrated on printed documents (sharp text); a face or a
    // liveness frame is soft by nature, so for those classes the scores are only reported.
    // Both cues must agree: the document's blur effect is high, and the frame as a whole has
    // lost its fine detail (focus and shake blur the surroundings as much as the document).
    if let (Some(b), Some(detail), true) = (m.blur_effect, m.blur, policy.class.is_document()) {
        // The blur-effect threshold that applies to this frame's fine detail.
        let threshold = if detail < t.soft_frame_laplacian {
            t.soft_blur_effect
        } else {
            t.max_blur_effect
        };
        if b > threshold && detail < t.blur_laplacian {
            out.push(
                Finding::new(
                    FindingCode::Blurry,
                    Severity::Reject,
                    format!(
                        "the document is blurry (blur effect {b:.2}, fine detail of the frame {detail:.0}): hold still and let the camera focus"
                    ),
                )
                .measured(b, threshold),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DocumentClass;

    fn blurry(blur_effect: f64, detail: f64, profile: &str) -> bool {
        let m = Metrics {
            blur_effect: Some(blur_effect),
            blur: Some(detail),
            ..Metrics::default()
        };
        let p = Policy::with_profile(DocumentClass::IdCard, profile).unwrap();
        check(&m, &p).iter().any(|f| f.code == FindingCode::Blurry)
    }

    #[test]
    fn blur_needs_both_cues() {
        // A soft document in a frame that lost its fine detail: camera blur.
        assert!(blurry(0.36, 80.0, "default"));
        assert!(blurry(0.44, 250.0, "default"));
        // Some detail left in the frame: the document's evidence must be stronger.
        assert!(!blurry(0.36, 150.0, "default"));
        // A high blur effect in a frame full of fine detail: smooth printing, not blur.
        assert!(!blurry(0.44, 530.0, "default"));
        // A plain, low-detail frame around a sharp document.
        assert!(!blurry(0.26, 60.0, "default"));
    }

    #[test]
    fn profiles_order_the_blur_rule() {
        for (be, detail) in [
            (0.32, 120.0),
            (0.35, 90.0),
            (0.38, 260.0),
            (0.5, 350.0),
            (0.42, 280.0),
        ] {
            let (s, d, l) = (
                blurry(be, detail, "strict"),
                blurry(be, detail, "default"),
                blurry(be, detail, "lenient"),
            );
            assert!(s >= d && d >= l, "{be} {detail}: {s} {d} {l}");
        }
        assert!(blurry(0.32, 120.0, "strict") && !blurry(0.32, 120.0, "default"));
        assert!(blurry(0.35, 90.0, "default") && !blurry(0.35, 90.0, "lenient"));
        assert!(blurry(0.42, 280.0, "default") && !blurry(0.42, 280.0, "lenient"));
    }

    #[test]
    fn a_white_page_with_black_print_is_not_overexposed() {
        let over = |fraction: f64, black: u8| {
            let m = Metrics {
                overexposed_fraction: Some(fraction),
                black_luma: Some(black),
                ..Metrics::default()
            };
            let p = Policy::for_class(DocumentClass::Passport);
            check(&m, &p)
                .iter()
                .any(|f| f.code == FindingCode::Overexposed)
        };
        // A white scan: most of the page at 255, its print at true black.
        assert!(!over(0.8, 1));
        // The same share blown out with the black print lifted to grey: overexposure.
        assert!(over(0.8, 60));
        // Black print lifted but little blown out: not overexposed either.
        assert!(!over(0.1, 60));
    }

    #[test]
    fn selfies_report_the_scores_only() {
        let m = Metrics {
            blur_effect: Some(0.9),
            blur: Some(1.0),
            ..Metrics::default()
        };
        assert!(check(&m, &Policy::for_class(DocumentClass::Selfie)).is_empty());
    }
}
