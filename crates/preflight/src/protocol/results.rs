//! What the service answers: job results, job-status responses and callbacks.

use super::*;

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
