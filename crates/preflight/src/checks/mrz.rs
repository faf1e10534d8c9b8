//! The machine-readable zone: `mrz_not_found` (a passport with no band), `mrz_cut_off`,
//! `mrz_unreadable`, and `document_expired` (the expiry of a valid read is past).

use crate::mrz::read::MIN_JUDGED_CAP;
use crate::policy::{DocumentClass, Policy};
use crate::report::{Finding, FindingCode, Metrics, Severity};

/// Compare the zone found (`metrics.mrz`) with the policy. `frame` is the upright image
/// size.
#[must_use]
pub fn check(m: &Metrics, frame: (u32, u32), policy: &Policy) -> Vec<Finding> {
    let t = &policy.thresholds;
    let mut out = Vec::new();
    if !policy.mrz || !policy.class.is_document() {
        return out;
    }
    let Some(z) = &m.mrz else {
        // Every passport prints a TD3 zone; ID cards vary (many print theirs on the back).
        if policy.class == DocumentClass::Passport {
            out.push(
                Finding::new(
                    FindingCode::MrzNotFound,
                    t.mrz_severity,
                    "no machine-readable zone found: the two lines of <<< print at the bottom \
                     of the page must be in the picture, not covered or in glare",
                )
                .measured(0.0, 1.0),
            );
        }
        return out;
    };
    // A band that was not read (its characters too small for the reader) may be other
    // print: only a band whose print reads as OCR-B is blamed for leaving the frame.
    if z.cut_off && z.score.is_some() {
        out.push(Finding::new(
            FindingCode::MrzCutOff,
            t.mrz_severity,
            "the machine-readable zone reaches the edge of the picture: keep the whole \
             document, with a margin, in the frame",
        ));
    }
    // The read is judged only where the reader is reliable: characters at least
    // MIN_JUDGED_CAP px high on the analysis plane. Smaller, a failed read says more about
    // the plane's resolution than about the photo.
    let plane_scale = m
        .analysis_long_side
        .map_or(1.0, |l| {
            f64::from(frame.0.max(frame.1)) / f64::from(l.max(1))
        })
        .max(1.0);
    let plane_cap = z.char_height.map(|h| h / plane_scale);
    if z.valid == Some(false) && plane_cap.is_some_and(|c| c >= MIN_JUDGED_CAP) && !z.cut_off {
        let failed = z.checks.map_or(0, |c| {
            c.digits().iter().filter(|v| **v == Some(false)).count()
        });
        out.push(
            Finding::new(
                FindingCode::MrzUnreadable,
                t.mrz_severity,
                format!(
                    "the machine-readable zone does not read: {failed} check digit(s) fail \
                     (blur, glare, a finger or a fold over the <<< lines)"
                ),
            )
            .measured(failed as f64, 0.0),
        );
    }
    let expiry = z.fields.as_ref().map(|f| f.date_of_expiry.as_str());
    if let Some(expiry) = expiry.filter(|e| e.len() == 10) {
        let (y, mo, d) = policy.today.unwrap_or_else(today_utc);
        let today = format!("{y:04}-{mo:02}-{d:02}");
        if expiry < today.as_str() {
            out.push(Finding::new(
                FindingCode::DocumentExpired,
                Severity::Warn,
                format!(
                    "the document expired on {expiry} (machine-readable zone): the service \
                     answers 0817, approved with attention"
                ),
            ));
        }
    }
    out
}

/// Today's date (UTC), from the system clock.
fn today_utc() -> (i32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{MrzFields, MrzMetrics};

    fn zone(valid: Option<bool>, char_height: f64, cut_off: bool, expiry: &str) -> Metrics {
        Metrics {
            analysis_long_side: Some(1024),
            mrz: Some(MrzMetrics {
                bbox: [10, 500, 990, 600],
                format: Some("TD3"),
                lines: 2,
                cut_off,
                valid,
                score: valid.map(|_| 0.8),
                char_height: Some(char_height),
                checks: None,
                fields: (valid == Some(true)).then(|| MrzFields {
                    document_type: "P".into(),
                    issuing_country: "UTO".into(),
                    document_number: "L898902C3".into(),
                    surname: "ERIKSSON".into(),
                    given_names: "ANNA MARIA".into(),
                    nationality: "UTO".into(),
                    date_of_birth: "1974-08-12".into(),
                    sex: "F".into(),
                    date_of_expiry: expiry.into(),
                }),
            }),
            ..Metrics::default()
        }
    }

    fn codes(m: &Metrics, policy: &Policy) -> Vec<(FindingCode, Severity)> {
        check(m, (2048, 1536), policy)
            .iter()
            .map(|f| (f.code, f.severity))
            .collect()
    }

    #[test]
    fn each_finding_fires_on_its_own_case() {
        let mut passport = Policy::for_class(DocumentClass::Passport);
        passport.today = Some((2026, 12, 7));
        let card = Policy {
            today: Some((2026, 12, 7)),
            ..Policy::for_class(DocumentClass::IdCard)
        };
        let none = Metrics::default();
        assert_eq!(
            codes(&none, &passport),
            [(FindingCode::MrzNotFound, Severity::Warn)]
        );
        assert!(
            codes(&none, &card).is_empty(),
            "ID cards need not print one"
        );
        // Plane scale 2: 30 image px = 15 plane px, judged; 20 image px = 10, not judged.
        let bad = zone(Some(false), 30.0, false, "");
        assert_eq!(
            codes(&bad, &card),
            [(FindingCode::MrzUnreadable, Severity::Warn)]
        );
        assert!(codes(&zone(Some(false), 20.0, false, ""), &card).is_empty());
        assert!(codes(&zone(None, 30.0, false, ""), &card).is_empty());
        let cut = zone(Some(false), 30.0, true, "");
        assert_eq!(
            codes(&cut, &card),
            [(FindingCode::MrzCutOff, Severity::Warn)]
        );
        assert!(codes(&zone(None, 30.0, true, ""), &card).is_empty());
        let good = zone(Some(true), 30.0, false, "2030-01-01");
        assert!(codes(&good, &passport).is_empty());
        let old = zone(Some(true), 30.0, false, "2026-12-06");
        assert_eq!(
            codes(&old, &passport),
            [(FindingCode::DocumentExpired, Severity::Warn)]
        );
        assert!(codes(&zone(Some(true), 30.0, false, "2026-12-07"), &passport).is_empty());
        let strict = Policy {
            thresholds: crate::policy::Thresholds::strict(),
            ..passport.clone()
        };
        assert_eq!(
            codes(&none, &strict),
            [(FindingCode::MrzNotFound, Severity::Reject)]
        );
        let off = Policy {
            mrz: false,
            ..passport
        };
        assert!(codes(&none, &off).is_empty());
    }

    #[test]
    fn day_counts_map_to_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_794), (2026, 12, 7));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
