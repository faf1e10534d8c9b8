//! What an upload sends: `info.json` and the prep-upload request body.

use super::*;

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

impl Partner {
    /// A Document Verification job's partner details, signed at `timestamp`: now when
    /// `None`, fixed here so the prep-upload request and `info.json` carry the same one.
    pub fn document_verification(
        partner_id: impl Into<String>,
        api_key: impl Into<String>,
        job_id: impl Into<String>,
        user_id: impl Into<String>,
        callback_url: impl Into<String>,
        timestamp: Option<String>,
    ) -> Self {
        Partner {
            partner_id: partner_id.into(),
            api_key: api_key.into(),
            params: PartnerParams::document_verification(job_id, user_id),
            callback_url: callback_url.into(),
            timestamp: Some(timestamp.unwrap_or_else(super::now)),
        }
    }
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
