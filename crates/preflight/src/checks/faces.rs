//! Faces: `portrait_not_found` (document classes), `selfie_no_face`,
//! `selfie_multiple_faces`, `selfie_face_too_small` (selfie).

use crate::policy::{DocumentClass, Policy};
use crate::report::{FaceBox, Finding, FindingCode, Metrics};

/// Compare the faces found (`metrics.portrait`, `metrics.faces`) with the policy. `frame`
/// is the upright image size.
#[must_use]
pub fn check(m: &Metrics, frame: (u32, u32), policy: &Policy) -> Vec<Finding> {
    let t = &policy.thresholds;
    let mut out = Vec::new();
    if policy.faces && policy.class.is_document() {
        let score = m.portrait.map_or(0.0, |f| f.score);
        if score < t.min_face_score {
            out.push(
                Finding::new(
                    FindingCode::PortraitNotFound,
                    t.face_severity,
                    format!(
                        "no face found on the document (best detector score {score:.1}): the \
                         holder's portrait must be visible, not covered, cut off or in glare"
                    ),
                )
                .measured(score, t.min_face_score),
            );
        }
    }
    if policy.faces && policy.class == DocumentClass::Selfie {
        let faces: Vec<&FaceBox> = m
            .faces
            .iter()
            .flatten()
            .filter(|f| f.score >= t.min_face_score)
            .collect();
        let width = |f: &FaceBox| f64::from(f.bbox[2].saturating_sub(f.bbox[0]));
        let Some(main) = faces
            .iter()
            .copied()
            .max_by(|a, b| width(a).total_cmp(&width(b)))
        else {
            out.push(
                Finding::new(
                    FindingCode::SelfieNoFace,
                    t.face_severity,
                    "no face found: look straight at the camera, face in the frame and lit",
                )
                .measured(0.0, 1.0),
            );
            return out;
        };
        let counted = faces
            .iter()
            .filter(|f| width(f) >= t.second_face * width(main))
            .count();
        if counted > 1 {
            out.push(
                Finding::new(
                    FindingCode::SelfieMultipleFaces,
                    t.face_severity,
                    format!("{counted} faces in the picture: only the person being verified"),
                )
                .measured(counted as f64, 1.0),
            );
        }
        let short = f64::from(frame.0.min(frame.1).max(1));
        let share = (width(main) / short * 10_000.0).round() / 10_000.0;
        if share < t.min_selfie_face {
            out.push(
                Finding::new(
                    FindingCode::SelfieFaceTooSmall,
                    t.face_severity,
                    format!(
                        "the face is {:.0} % as wide as the picture's short side: come \
                         closer, the face should fill about half of it",
                        share * 100.0
                    ),
                )
                .measured(share, t.min_selfie_face),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Severity;

    fn face(x0: u32, w: u32, score: f64) -> FaceBox {
        FaceBox {
            bbox: [x0, 100, x0 + w, 100 + w],
            score,
            turns: None,
        }
    }

    fn codes(m: &Metrics, policy: &Policy) -> Vec<(FindingCode, Severity)> {
        check(m, (1000, 1500), policy)
            .iter()
            .map(|f| (f.code, f.severity))
            .collect()
    }

    #[test]
    fn a_document_without_a_face_warns_by_default_and_rejects_when_strict() {
        let weak = Metrics {
            portrait: Some(face(10, 80, 2.5)),
            ..Metrics::default()
        };
        let default = Policy::for_class(DocumentClass::Passport);
        assert_eq!(
            codes(&weak, &default),
            [(FindingCode::PortraitNotFound, Severity::Warn)]
        );
        assert_eq!(
            codes(&Metrics::default(), &default),
            [(FindingCode::PortraitNotFound, Severity::Warn)]
        );
        let strict = Policy::with_profile(DocumentClass::IdCard, "strict").unwrap();
        assert_eq!(
            codes(&weak, &strict),
            [(FindingCode::PortraitNotFound, Severity::Reject)]
        );
        let found = Metrics {
            portrait: Some(face(10, 80, 12.0)),
            ..Metrics::default()
        };
        assert!(codes(&found, &strict).is_empty());
        // A card's back: no portrait asked for.
        let back = Policy {
            faces: false,
            ..default
        };
        assert!(codes(&weak, &back).is_empty());
    }

    #[test]
    fn a_finding_measures_the_score_against_the_threshold() {
        let weak = Metrics {
            portrait: Some(face(10, 80, 2.5)),
            ..Metrics::default()
        };
        let f = &check(&weak, (1000, 700), &Policy::default())[0];
        assert_eq!((f.measured, f.threshold), (Some(2.5), Some(3.85)));
    }

    #[test]
    fn a_selfie_needs_one_large_face_and_the_strict_profile_rejects_without_one() {
        let selfie = Policy::with_profile(DocumentClass::Selfie, "strict").unwrap();
        let with = |faces: Vec<FaceBox>| Metrics {
            faces: Some(faces),
            ..Metrics::default()
        };
        assert!(codes(&with(vec![face(300, 400, 20.0)]), &selfie).is_empty());
        // A bystander far behind (a quarter of the main face's width) does not count; a
        // second face as near does.
        assert!(codes(
            &with(vec![face(300, 400, 20.0), face(0, 100, 9.0)]),
            &selfie
        )
        .is_empty());
        assert_eq!(
            codes(
                &with(vec![face(300, 400, 20.0), face(0, 250, 9.0)]),
                &selfie
            ),
            [(FindingCode::SelfieMultipleFaces, Severity::Reject)]
        );
        // Weak detections are not faces.
        assert_eq!(
            codes(&with(vec![face(300, 400, 2.0)]), &selfie),
            [(FindingCode::SelfieNoFace, Severity::Reject)]
        );
        assert_eq!(
            codes(&with(Vec::new()), &selfie),
            [(FindingCode::SelfieNoFace, Severity::Reject)]
        );
        // The default profile warns.
        assert_eq!(
            codes(&with(Vec::new()), &Policy::for_class(DocumentClass::Selfie)),
            [(FindingCode::SelfieNoFace, Severity::Warn)]
        );
        // 150 of 1000 px.
        let small = check(&with(vec![face(300, 150, 20.0)]), (1000, 1500), &selfie);
        assert_eq!(small.len(), 1);
        assert_eq!(small[0].code, FindingCode::SelfieFaceTooSmall);
        assert_eq!(
            (small[0].measured, small[0].threshold),
            (Some(0.15), Some(0.2))
        );
    }

    #[test]
    fn liveness_frames_have_no_face_findings() {
        let liveness = Policy::for_class(DocumentClass::Liveness);
        assert!(codes(&Metrics::default(), &liveness).is_empty());
    }
}
