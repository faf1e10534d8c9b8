//! Findings about the container: `truncated`, `trailing_data`, `exif_orientation_invalid`,
//! `orientation_corrected`, `first_frame_only`, `not_jpeg`.

use crate::probe::{Format, Probe};
use crate::report::{Finding, FindingCode, Severity};

/// Findings that follow from the probe alone.
#[must_use]
pub fn check(probe: &Probe) -> Vec<Finding> {
    let mut findings = Vec::new();
    if probe.truncated {
        findings.push(Finding::new(
            FindingCode::Truncated,
            Severity::Reject,
            match probe.format {
                Format::Jpeg => {
                    "the JPEG ends before its end-of-image marker: part of the picture is missing"
                }
                Format::Png => {
                    "the PNG ends before its IEND chunk: part of the picture may be missing"
                }
                _ => "the image ends early: part of the picture may be missing",
            },
        ));
    }
    if probe.trailing_bytes > 0 {
        findings.push(
            Finding::new(
                FindingCode::TrailingData,
                Severity::Warn,
                format!(
                    "{} bytes follow the end of the image (removed by `fix`)",
                    probe.trailing_bytes
                ),
            )
            .measured(probe.trailing_bytes as f64, 0.0),
        );
    }
    if let Some(tag) = probe.orientation {
        if !tag.is_valid() {
            findings.push(
                Finding::new(
                    FindingCode::ExifOrientationInvalid,
                    Severity::Warn,
                    format!(
                        "EXIF orientation {} is outside 1..8; the image is taken as stored",
                        tag.raw
                    ),
                )
                .measured(f64::from(tag.raw), 8.0),
            );
        }
    }
    if probe.exif_unreadable {
        findings.push(Finding::new(
            FindingCode::ExifUnreadable,
            Severity::Warn,
            "the EXIF block could not be read (broken or looping); the image is taken as stored",
        ));
    }
    if probe.exif_conflict {
        findings.push(
            Finding::new(
                FindingCode::ExifConflict,
                Severity::Warn,
                format!(
                    "{} EXIF blocks disagree on the orientation; the first one is used",
                    probe.exif_blocks
                ),
            )
            .measured(f64::from(probe.exif_blocks), 1.0),
        );
    }
    let o = probe.effective_orientation();
    if o != 1 {
        findings.push(Finding::new(
            FindingCode::OrientationCorrected,
            Severity::Info,
            format!("EXIF orientation {o}: the pixels are turned upright"),
        ));
    }
    if probe.more_frames {
        let (what, part) = match probe.format {
            Format::Tiff => ("has more than one page", "page"),
            _ => ("is animated", "frame"),
        };
        findings.push(Finding::new(
            FindingCode::FirstFrameOnly,
            Severity::Warn,
            format!(
                "the {} {what}: only its first {part} is checked and converted",
                probe.format.as_str().to_ascii_uppercase()
            ),
        ));
    }
    if probe.format != Format::Jpeg {
        findings.push(Finding::new(
            FindingCode::NotJpeg,
            Severity::Warn,
            format!(
                "the upload package takes JPEG only, this is {} (`fix` converts it)",
                probe.format.as_str().to_ascii_uppercase()
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::OrientationTag;

    fn probe() -> Probe {
        let data = crate::testutil::tiny_jpeg();
        crate::probe::probe(&data, &crate::policy::Limits::default()).unwrap()
    }

    #[test]
    fn clean_jpeg_has_no_findings() {
        assert!(check(&probe()).is_empty());
    }

    #[test]
    fn invalid_orientation_warns_and_is_not_applied() {
        let mut p = probe();
        p.orientation = Some(OrientationTag { raw: 9 });
        let f = check(&p);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, FindingCode::ExifOrientationInvalid);
        assert_eq!(f[0].severity, Severity::Warn);
    }

    #[test]
    fn truncation_rejects_and_trailing_data_warns() {
        let mut p = probe();
        p.truncated = true;
        p.trailing_bytes = 10;
        let codes: Vec<_> = check(&p).iter().map(|f| (f.code, f.severity)).collect();
        assert_eq!(
            codes,
            vec![
                (FindingCode::Truncated, Severity::Reject),
                (FindingCode::TrailingData, Severity::Warn)
            ]
        );
    }
}
