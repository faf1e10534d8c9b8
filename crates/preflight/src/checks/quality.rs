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
        if fraction > t.max_overexposed_fraction {
            out.push(
                Finding::new(
                    FindingCode::Overexposed,
                    Severity::Warn,
                    format!(
                        "{:.0} % of the document is blown out to white (its darkest print at luma \
                         {}): reduce the light or exposure",
                        fraction * 100.0,
                        m.ink_luma.unwrap_or(0)
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
    // The blur threshold is calibrated on printed documents (sharp text); a face or a
    // liveness frame is soft by nature, so for those classes the score is only reported.
    if let (Some(b), true) = (m.blur_effect, policy.class.is_document()) {
        if b > t.max_blur_effect {
            out.push(
                Finding::new(
                    FindingCode::Blurry,
                    Severity::Reject,
                    format!(
                        "the document is blurry (blur effect {b:.2}): hold still and let the camera focus"
                    ),
                )
                .measured(b, t.max_blur_effect),
            );
        }
    }
    out
}
