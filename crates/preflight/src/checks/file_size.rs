//! `file_too_small` / `file_too_large`: the input's bytes against the upload window.
//! Both are warnings: `fix` re-encodes into the window when it can.

use crate::policy::Policy;
use crate::report::{Finding, FindingCode, Severity};

/// Check an input of `bytes` against the class's byte window.
#[must_use]
pub fn check(bytes: u64, policy: &Policy) -> Vec<Finding> {
    let (min, max) = policy.byte_window();
    if bytes < min {
        vec![Finding::new(
            FindingCode::FileTooSmall,
            Severity::Warn,
            format!(
                "the file is {bytes} bytes; the service takes documents of at least {min} bytes"
            ),
        )
        .measured(bytes as f64, min as f64)]
    } else if bytes > max {
        vec![Finding::new(
            FindingCode::FileTooLarge,
            Severity::Warn,
            format!("the file is {bytes} bytes; the service takes at most {max} bytes"),
        )
        .measured(bytes as f64, max as f64)]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DocumentClass;

    #[test]
    fn window_edges_are_inclusive() {
        let p = Policy::default();
        assert!(check(614_400, &p).is_empty());
        assert!(check(10_000_000, &p).is_empty());
        assert_eq!(check(614_399, &p)[0].code, FindingCode::FileTooSmall);
        assert_eq!(check(10_000_001, &p)[0].code, FindingCode::FileTooLarge);
    }

    #[test]
    fn selfies_have_no_minimum() {
        let p = Policy::for_class(DocumentClass::Selfie);
        assert!(check(20_000, &p).is_empty());
        assert_eq!(check(10_000_001, &p)[0].code, FindingCode::FileTooLarge);
    }
}
