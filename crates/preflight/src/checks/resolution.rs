//! `resolution_too_low`: the upright image's longer side against the class minimum.

use crate::policy::Policy;
use crate::report::{Finding, FindingCode, Severity};

/// Check the upright size `(width, height)` against `policy.class`.
#[must_use]
pub fn check(width: u32, height: u32, policy: &Policy) -> Vec<Finding> {
    let long = width.max(height);
    let min = policy.class.min_long_side();
    if long >= min {
        return Vec::new();
    }
    // The service states minimums for documents only; for selfie and liveness the number is
    // what peers use, so it warns.
    let severity = if policy.class.is_document() {
        Severity::Reject
    } else {
        Severity::Warn
    };
    vec![Finding::new(
        FindingCode::ResolutionTooLow,
        severity,
        format!(
            "the longer side is {long} px; the {} class needs at least {min} px (images are never upscaled)",
            policy.class.as_str()
        ),
    )
    .measured(f64::from(long), f64::from(min))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DocumentClass;

    #[test]
    fn id_card_needs_1500_on_the_long_side_in_either_orientation() {
        let p = Policy::for_class(DocumentClass::IdCard);
        assert!(check(1500, 1000, &p).is_empty());
        assert!(check(1000, 1500, &p).is_empty());
        let f = check(1499, 1000, &p);
        assert_eq!(f[0].code, FindingCode::ResolutionTooLow);
        assert_eq!(f[0].severity, Severity::Reject);
        assert_eq!(f[0].measured, Some(1499.0));
    }

    #[test]
    fn passport_needs_2200() {
        let p = Policy::for_class(DocumentClass::Passport);
        assert!(check(2200, 1500, &p).is_empty());
        assert_eq!(check(2199, 1500, &p)[0].threshold, Some(2200.0));
    }

    #[test]
    fn selfie_minimum_only_warns() {
        let p = Policy::for_class(DocumentClass::Selfie);
        assert_eq!(check(600, 400, &p)[0].severity, Severity::Warn);
    }
}
