//! Stage 8: the upload zip.
//!
//! - `build`: fix every photo of a job, write `info.json` and the byte-reproducible zip
//!   ([`package`]);
//! - `verify`: re-open the zip just built as the service would and compare it with what was
//!   meant to be written;
//! - `read`: read any upload zip in memory through caps;
//! - `entries`: the entries as readers see them (the last copy of a name), duplicates judged;
//! - `info`: check `info.json` against the entries (keys, types, listed files, the service's
//!   codes);
//! - `validate`: predict the service's answer to any upload zip (`validate-zip`).
//!
//! `build` calls `verify`, which reads the zip back with `read` and `info`, as `validate`
//! does; nothing here is used by the stages before it.

mod build;
mod entries;
mod info;
mod read;
mod validate;
mod verify;

pub use build::{
    assemble, package, Package, PackageInput, PackageRequest, PackageTimings, PackagedImage,
};
pub use info::check_info;
pub use read::{read_zip, ReadZip, ZipEntry};
pub use validate::{validate_zip, EntryReport, Validation, ZipFinding, ZipLimits};

use crate::policy::Policy;
use crate::protocol::Role;

/// The policy one image of a job is checked under: its role's class, and no face looked
/// for on the ID's back (a card's back carries no portrait).
fn role_policy(template: &Policy, role: Role, id_type: Option<&str>) -> Policy {
    Policy {
        class: role.class(id_type),
        faces: template.faces && role != Role::IdBack,
        ..template.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::DocumentClass;

    #[test]
    fn faces_are_looked_for_on_the_front_and_the_selfie_not_on_the_back() {
        let template = Policy::default();
        let faces = |role| role_policy(&template, role, Some("PASSPORT")).faces;
        assert!(faces(Role::IdFront) && faces(Role::Selfie));
        assert!(!faces(Role::IdBack));
        assert_eq!(
            role_policy(&template, Role::IdFront, Some("PASSPORT")).class,
            DocumentClass::Passport
        );
        let off = Policy {
            faces: false,
            ..Policy::default()
        };
        assert!(!role_policy(&off, Role::IdFront, None).faces);
    }
}
