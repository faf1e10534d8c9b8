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

/// The job type of Document Verification.
pub const DOCUMENT_VERIFICATION: u32 = 6;

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

/// `package_information.apiVersion`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiVersion {
    /// Always 0.
    pub build_number: u32,
    /// Always 2.
    pub major_version: u32,
    /// Always 0.
    pub minor_version: u32,
}

/// `package_information`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackageInformation {
    /// API version 2.0.0.
    #[serde(rename = "apiVersion")]
    pub api_version: ApiVersion,
    /// The language of the SDK that built the package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

impl Default for PackageInformation {
    fn default() -> Self {
        PackageInformation {
            api_version: ApiVersion {
                build_number: 0,
                major_version: 2,
                minor_version: 0,
            },
            language: Some("rust".into()),
        }
    }
}

/// `id_info`: the issuing country and, optionally, the document type keyword.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdInfo {
    /// ISO 3166-1 alpha-2 code, e.g. `NG`.
    pub country: String,
    /// Smile ID id_type keyword, e.g. `PASSPORT`, `NATIONAL_ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_type: Option<String>,
}

/// One entry of `images`: a file in the zip (`file_name` set, `image` empty) or inline base64
/// (`image` set, `file_name` empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageEntry {
    /// 0/1/4/5 for files, 2/3/6/7 for inline base64 (see [`Role::image_type_id`]).
    #[serde(deserialize_with = "loose_u32")]
    pub image_type_id: u32,
    /// Base64 JPEG, or empty.
    #[serde(default)]
    pub image: String,
    /// The entry name in the zip, or empty.
    #[serde(default)]
    pub file_name: String,
}

/// `partner_params`: the partner's own job and user references.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerParams {
    /// The partner's job reference.
    #[serde(default, deserialize_with = "loose_string")]
    pub job_id: String,
    /// The partner's user reference.
    #[serde(default, deserialize_with = "loose_string")]
    pub user_id: String,
    /// The job type (6 for Document Verification); read from `6` or `"6"`, written as a number
    /// (0 when absent).
    #[serde(default, deserialize_with = "loose_u32")]
    pub job_type: u32,
    /// Anything else the partner attached (kept as sent).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl PartnerParams {
    /// Partner params for a Document Verification job.
    pub fn document_verification(job_id: impl Into<String>, user_id: impl Into<String>) -> Self {
        PartnerParams {
            job_id: job_id.into(),
            user_id: user_id.into(),
            job_type: DOCUMENT_VERIFICATION,
            extra: BTreeMap::new(),
        }
    }
}

/// The partner's credentials and job references, for `misc_information` and the prep-upload
/// request.
#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    /// The partner ID (`smile_client_id`).
    pub partner_id: String,
    /// The API key the signature is made with (never written anywhere).
    pub api_key: String,
    /// Job and user references.
    pub params: PartnerParams,
    /// Where the service posts the result.
    pub callback_url: String,
    /// The signature's timestamp (ISO 8601); `None` means now.
    pub timestamp: Option<String>,
}

/// `misc_information`, written when partner details are given (as the server SDKs do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MiscInformation {
    /// The request signature.
    pub signature: String,
    /// The timestamp it was made with.
    pub timestamp: String,
    /// `"false"` for a first submission (as the service's own server SDK writes it).
    #[serde(deserialize_with = "loose_string")]
    pub retry: String,
    /// Job and user references.
    pub partner_params: PartnerParams,
    /// The upload's file name.
    pub file_name: String,
    /// The partner ID.
    pub smile_client_id: String,
    /// Where the service posts the result.
    pub callback_url: String,
}

/// The whole `info.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InfoJson {
    /// API version and SDK language.
    pub package_information: PackageInformation,
    /// Signature and partner references, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misc_information: Option<MiscInformation>,
    /// Country and document type.
    pub id_info: IdInfo,
    /// The images, in package order.
    pub images: Vec<ImageEntry>,
}

/// The body of the prep-upload request (`POST /v1/upload`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrepUploadRequest {
    /// This SDK's name.
    pub source_sdk: String,
    /// This SDK's version.
    pub source_sdk_version: String,
    /// The request signature.
    pub signature: String,
    /// The timestamp it was made with.
    pub timestamp: String,
    /// The partner ID.
    pub smile_client_id: String,
    /// Job and user references (`job_type` 6).
    pub partner_params: PartnerParams,
    /// Always `{}` for Document Verification.
    pub model_parameters: Map<String, Value>,
    /// Where the service posts the result.
    pub callback_url: String,
    /// Use the user's enrolled selfie instead of one in the package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_enrolled_image: Option<bool>,
    /// The name of the zip to be uploaded.
    pub file_name: String,
}

impl PrepUploadRequest {
    /// The prep-upload body for `partner`, signing now unless `partner.timestamp` is set.
    pub fn new(partner: &Partner, file_name: &str, use_enrolled_image: bool) -> Self {
        let signed = Signed::new(
            &partner.api_key,
            &partner.partner_id,
            partner.timestamp.as_deref(),
        );
        PrepUploadRequest {
            source_sdk: "rust".into(),
            source_sdk_version: env!("CARGO_PKG_VERSION").into(),
            signature: signed.signature,
            timestamp: signed.timestamp,
            smile_client_id: partner.partner_id.clone(),
            partner_params: partner.params.clone(),
            model_parameters: Map::new(),
            callback_url: partner.callback_url.clone(),
            use_enrolled_image: use_enrolled_image.then_some(true),
            file_name: file_name.into(),
        }
    }
}

impl MiscInformation {
    /// `misc_information` for `partner`, signing now unless `partner.timestamp` is set.
    pub fn new(partner: &Partner, file_name: &str) -> Self {
        let signed = Signed::new(
            &partner.api_key,
            &partner.partner_id,
            partner.timestamp.as_deref(),
        );
        MiscInformation {
            signature: signed.signature,
            timestamp: signed.timestamp,
            retry: "false".into(),
            partner_params: partner.params.clone(),
            file_name: file_name.into(),
            smile_client_id: partner.partner_id.clone(),
            callback_url: partner.callback_url.clone(),
        }
    }
}

/// One result record: the `result` of a job status, an entry of its `history`, or the body
/// of a callback. The documented keys are typed; everything else is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    /// The outcome code, e.g. `"0810"` (kept as text: leading zeros matter).
    #[serde(
        rename = "ResultCode",
        default,
        deserialize_with = "loose_opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub result_code: Option<String>,
    /// Human-readable outcome.
    #[serde(
        rename = "ResultText",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub result_text: Option<String>,
    /// Which system decided (e.g. `SAIA`).
    #[serde(
        rename = "ResultType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub result_type: Option<String>,
    /// The service's job reference.
    #[serde(
        rename = "SmileJobID",
        default,
        deserialize_with = "loose_opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub smile_job_id: Option<String>,
    /// The partner's references, echoed back.
    #[serde(
        rename = "PartnerParams",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub partner_params: Option<PartnerParams>,
    /// Confidence, 0..100 (sent as `"99"`, `"97.000000"` or a number).
    #[serde(
        rename = "ConfidenceValue",
        default,
        deserialize_with = "loose_opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub confidence_value: Option<f64>,
    /// Whether this is the final result.
    #[serde(
        rename = "IsFinalResult",
        default,
        deserialize_with = "loose_opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_final_result: Option<bool>,
    /// Whether a machine (not a reviewer) decided.
    #[serde(
        rename = "IsMachineResult",
        default,
        deserialize_with = "loose_opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_machine_result: Option<bool>,
    /// Each action and its outcome (`"Verify_Document": "Passed"`, ...).
    #[serde(rename = "Actions", default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<BTreeMap<String, String>>,
    /// Every other key, as sent.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// `result` of a job status: a result record once there is one, else a text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JobStatusResult {
    /// A result record.
    Record(Box<JobResult>),
    /// A plain message, sent while the job is still running.
    Text(String),
}

/// The response of `POST /v1/job_status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobStatusResponse {
    /// The timestamp the response signature was made with.
    #[serde(default)]
    pub timestamp: String,
    /// The response signature (verify with [`JobStatusResponse::verify`]).
    #[serde(default)]
    pub signature: String,
    /// Whether a final status has been reported.
    #[serde(deserialize_with = "loose_bool")]
    pub job_complete: bool,
    /// Whether the job succeeded.
    #[serde(deserialize_with = "loose_bool")]
    pub job_success: bool,
    /// The status code (`"2302"` = success).
    #[serde(deserialize_with = "loose_string")]
    pub code: String,
    /// The result, once there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<JobStatusResult>,
    /// Every result the job went through (when asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<JobResult>>,
    /// Expiring links to the job's images (when asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_links: Option<BTreeMap<String, Value>>,
    /// Every other key, as sent.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl JobStatusResponse {
    /// True when the response's signature is the one `api_key` makes for `partner_id` and
    /// the response's timestamp.
    pub fn verify(&self, api_key: &str, partner_id: &str) -> bool {
        verify(api_key, partner_id, &self.timestamp, &self.signature)
    }
}

/// A callback the service posts when a job finishes: a result record plus its signature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Callback {
    /// The timestamp the signature was made with.
    pub timestamp: String,
    /// The signature (verify with [`Callback::verify`]).
    pub signature: String,
    /// The result.
    #[serde(flatten)]
    pub result: JobResult,
}

impl Callback {
    /// True when the callback's signature is the one `api_key` makes for `partner_id` and
    /// the callback's timestamp.
    pub fn verify(&self, api_key: &str, partner_id: &str) -> bool {
        verify(api_key, partner_id, &self.timestamp, &self.signature)
    }
}

/// A signature and the timestamp it was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    /// `base64(HMAC-SHA256(api_key, timestamp + partner_id + "sid_request"))`.
    pub signature: String,
    /// ISO 8601.
    pub timestamp: String,
}

impl Signed {
    /// Sign with `timestamp`, or with the current time (ISO 8601, UTC, milliseconds).
    pub fn new(api_key: &str, partner_id: &str, timestamp: Option<&str>) -> Self {
        let timestamp = timestamp.map_or_else(now, str::to_string);
        Signed {
            signature: sign(api_key, partner_id, &timestamp),
            timestamp,
        }
    }
}

/// The current time as the service's SDKs write it: `2026-11-23T01:02:03.456Z`.
pub fn now() -> String {
    humantime::format_rfc3339_millis(SystemTime::now()).to_string()
}

fn mac(api_key: &str, partner_id: &str, timestamp: &str) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(api_key.as_bytes()).expect("HMAC takes keys of any size");
    mac.update(timestamp.as_bytes());
    mac.update(partner_id.as_bytes());
    mac.update(b"sid_request");
    mac
}

/// `base64(HMAC-SHA256(key = api_key, message = timestamp + partner_id + "sid_request"))`.
pub fn sign(api_key: &str, partner_id: &str, timestamp: &str) -> String {
    BASE64.encode(mac(api_key, partner_id, timestamp).finalize().into_bytes())
}

/// True when `signature` is [`sign`]`(api_key, partner_id, timestamp)`, compared in constant
/// time.
pub fn verify(api_key: &str, partner_id: &str, timestamp: &str, signature: &str) -> bool {
    match BASE64.decode(signature.trim()) {
        Ok(bytes) => mac(api_key, partner_id, timestamp)
            .verify_slice(&bytes)
            .is_ok(),
        Err(_) => false,
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
