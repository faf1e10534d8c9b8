//! The service's wire formats (SPEC §2): `info.json`, the prep-upload request body, job-status
//! responses and callbacks, and the request signature.
//!
//! Writing is strict (numbers are written as numbers, keys in a fixed order); reading is
//! lenient where the service itself is loose: `job_type` arrives as `6` or `"6"`,
//! `IsFinalResult` as `true` or `"true"`, `ConfidenceValue` as `"99"` or `99.0`, and
//! `image_type_id` as a number or a numeric string. Unknown keys are kept, not dropped.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::time::SystemTime;

use crate::policy::DocumentClass;

mod info;
mod results;
mod sign;

pub use info::*;
pub use results::*;
pub use sign::*;

/// The job type of Document Verification.
pub const DOCUMENT_VERIFICATION: u32 = 6;

/// A code the service answers an upload with (SPEC §2), in the order it meets them: a zip
/// it cannot read stops it before `info.json` is parsed, a badly structured `info.json`
/// before its keys are looked at, and so on down to the images. The order is `Ord`, so
/// the service's answer to a set of problems is the smallest code among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceCode {
    /// `0903`: the zip is corrupt (unreadable, a CRC or size mismatch, encrypted,
    /// duplicate or unsafe entry names, over the caps).
    ZipCorrupt,
    /// `2203`: `info.json` is missing or badly structured.
    InfoJsonMalformed,
    /// `2213`: a required parameter is missing.
    MissingParameter,
    /// `2204`: a parameter has the wrong data type.
    WrongType,
    /// `1014`: an unsupported country or id_type.
    Unsupported,
    /// `0001`: an image is unusable, corrupt, or listed but missing.
    ImageUnusable,
}

impl ServiceCode {
    /// The code as the service writes it (`"0903"`, ...).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceCode::ZipCorrupt => "0903",
            ServiceCode::InfoJsonMalformed => "2203",
            ServiceCode::MissingParameter => "2213",
            ServiceCode::WrongType => "2204",
            ServiceCode::Unsupported => "1014",
            ServiceCode::ImageUnusable => "0001",
        }
    }
}

/// Written as the service writes it, from [`ServiceCode::as_str`].
impl Serialize for ServiceCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an image in a job is. Its `image_type_id` depends on whether the image travels as a
/// file in the zip or as base64 inside `info.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The user's selfie.
    Selfie,
    /// The front of the ID document.
    IdFront,
    /// The back of the ID document.
    IdBack,
    /// A liveness frame (up to 8).
    Liveness,
}

impl Role {
    /// Every role, in package order.
    pub const ALL: [Role; 4] = [Role::Selfie, Role::IdFront, Role::IdBack, Role::Liveness];

    /// The `image_type_id` for a file in the zip (`inline = false`) or base64 inside
    /// `info.json` (`inline = true`).
    pub fn image_type_id(self, inline: bool) -> u8 {
        let file = match self {
            Role::Selfie => 0,
            Role::IdFront => 1,
            Role::Liveness => 4,
            Role::IdBack => 5,
        };
        match (inline, file) {
            (false, id) => id,
            (true, 0) => 2,
            (true, 1) => 3,
            (true, 4) => 6,
            (true, _) => 7,
        }
    }

    /// The role and transport (`true` = inline base64) of an `image_type_id`.
    pub fn from_image_type_id(id: u64) -> Option<(Role, bool)> {
        Some(match id {
            0 => (Role::Selfie, false),
            1 => (Role::IdFront, false),
            2 => (Role::Selfie, true),
            3 => (Role::IdFront, true),
            4 => (Role::Liveness, false),
            5 => (Role::IdBack, false),
            6 => (Role::Liveness, true),
            7 => (Role::IdBack, true),
            _ => return None,
        })
    }

    /// The class its image is checked as: the document class of `id_type` for the ID sides.
    pub fn class(self, id_type: Option<&str>) -> DocumentClass {
        match self {
            Role::Selfie => DocumentClass::Selfie,
            Role::Liveness => DocumentClass::Liveness,
            Role::IdFront | Role::IdBack => {
                id_type.map_or(DocumentClass::IdCard, DocumentClass::from_id_type)
            }
        }
    }

    /// The role named `name` (its [`Role::as_str`] spelling), if any.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Selfie => "selfie",
            Role::IdFront => "id_front",
            Role::IdBack => "id_back",
            Role::Liveness => "liveness",
        }
    }
}

/// True for an ISO 3166-1 alpha-2 code that is assigned (plus `XK`, Kosovo, which identity
/// documents use).
pub fn is_country_code(code: &str) -> bool {
    const ASSIGNED: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH \
        BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW \
        CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI \
        GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO \
        JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH \
        MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA \
        PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL \
        SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US \
        UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && ASSIGNED.split_ascii_whitespace().any(|c| c == code)
    // 250 codes: pycountry 2024's 249 alpha-2 codes plus XK.
}

/// True when `id_type` has the shape of a Smile ID id_type keyword: upper-case letters,
/// digits and underscores, starting with a letter (`PASSPORT`, `NATIONAL_ID`, `TIN_V2`).
/// Anything else is known not to exist. Whether a well-formed keyword is supported for a
/// country is the service's table, which is not published in a form we can check.
pub fn is_id_type_keyword(id_type: &str) -> bool {
    (1..=64).contains(&id_type.len())
        && id_type.as_bytes()[0].is_ascii_uppercase()
        && id_type
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

// --- lenient readers -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(untagged)]
enum Loose {
    Bool(bool),
    U64(u64),
    F64(f64),
    Str(String),
}

fn loose_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    match Loose::deserialize(d)? {
        Loose::U64(n) => u32::try_from(n).map_err(de::Error::custom),
        Loose::Str(s) => s.trim().parse().map_err(de::Error::custom),
        _ => Err(de::Error::custom("expected a whole number")),
    }
}

fn loose_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Loose::deserialize(d)? {
        Loose::Str(s) => s,
        Loose::U64(n) => n.to_string(),
        Loose::F64(x) => x.to_string(),
        Loose::Bool(b) => b.to_string(),
    })
}

fn loose_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    loose_string(d).map(Some)
}

fn loose_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Loose::deserialize(d)? {
        Loose::Bool(b) => Ok(b),
        Loose::U64(n) => Ok(n != 0),
        Loose::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" | "" => Ok(false),
            other => Err(de::Error::custom(format!(
                "expected a boolean, got {other:?}"
            ))),
        },
        Loose::F64(_) => Err(de::Error::custom("expected a boolean")),
    }
}

fn loose_opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    loose_bool(d).map(Some)
}

fn loose_opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Loose::deserialize(d)? {
        Loose::U64(n) => Ok(Some(n as f64)),
        Loose::F64(x) => Ok(Some(x)),
        Loose::Str(s) if s.trim().is_empty() => Ok(None),
        Loose::Str(s) => s.trim().parse().map(Some).map_err(de::Error::custom),
        Loose::Bool(_) => Err(de::Error::custom("expected a number")),
    }
}

/// The name of the upload zip's JSON entry.
pub const INFO_JSON: &str = "info.json";

/// Lower-case hex (the `sha256` fields of reports and validations).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_type_ids_round_trip() {
        for role in Role::ALL {
            for inline in [false, true] {
                let id = role.image_type_id(inline);
                assert_eq!(Role::from_image_type_id(id.into()), Some((role, inline)));
            }
        }
        assert_eq!(Role::from_image_type_id(8), None);
    }

    #[test]
    fn country_codes() {
        assert!(is_country_code("NG"));
        assert!(is_country_code("KE"));
        assert!(!is_country_code("ng"));
        assert!(!is_country_code("XX"));
        assert!(!is_country_code("NGA"));
    }

    #[test]
    fn id_type_keywords() {
        assert!(is_id_type_keyword("PASSPORT"));
        assert!(is_id_type_keyword("NATIONAL_ID"));
        assert!(!is_id_type_keyword("passport"));
        assert!(!is_id_type_keyword("DRIVER'S LICENCE"));
        assert!(!is_id_type_keyword(""));
    }
}
