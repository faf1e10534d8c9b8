//! The service's wire formats: signatures against independently computed vectors, job-status
//! responses and callbacks read with the service's loose typing, and what we write.

use crate::fixtures::VECTORS;
use kyc_preflight::{
    sign, verify, Callback, JobStatusResponse, JobStatusResult, Partner, PartnerParams,
    PrepUploadRequest, Signed,
};
use serde_json::{json, Value};

#[test]
fn signatures_match_independently_computed_vectors() {
    for (key, pid, ts, expected) in VECTORS {
        assert_eq!(sign(key, pid, ts), expected, "{key:?} {pid:?} {ts:?}");
        assert!(verify(key, pid, ts, expected));
        assert!(
            !verify(key, pid, &format!("{ts}1"), expected),
            "timestamp matters"
        );
        assert!(
            !verify(&format!("{key}x"), pid, ts, expected),
            "key matters"
        );
        assert!(
            !verify(key, pid, ts, "not base64!"),
            "garbage never verifies"
        );
    }
}

#[test]
fn a_fresh_timestamp_is_iso_8601_utc() {
    let s = Signed::new("k", "1", None);
    let t = &s.timestamp;
    assert_eq!(t.len(), "2026-11-23T01:02:03.456Z".len(), "{t}");
    assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T', "{t}");
    assert!(humantime::parse_rfc3339(t).is_ok(), "{t}");
    assert!(verify("k", "1", t, &s.signature));
}

/// The documented job-status example: `job_type` as a number and as a string,
/// `IsFinalResult` as a string, `ConfidenceValue` as "100" and "97.000000", extra keys.
fn job_status(signature: &str) -> Value {
    json!({
        "timestamp": "2018-03-13T21:04:11.193Z",
        "signature": signature,
        "job_complete": true,
        "job_success": "true",
        "code": 2302,
        "result": {
            "ResultCode": "0810",
            "ResultText": "Document Verified",
            "ResultType": "DocVerification",
            "SmileJobID": "0000001897",
            "JSONVersion": "1.0.0",
            "IsFinalResult": "true",
            "IsMachineResult": true,
            "PartnerParams": {"job_id": "52d0", "user_id": "e54e", "job_type": 6},
            "ConfidenceValue": "100",
            "Actions": {"Verify_Document": "Passed", "Human_Review_Compare": "Not Applicable"},
            "Country": "NG"
        },
        "image_links": {"selfie_image": "https://example.com/selfie.jpg"},
        "history": [
            {
                "ResultCode": "0814",
                "ResultText": "Provisional - Under Review",
                "SmileJobID": "0000000857",
                "ConfidenceValue": "97.000000",
                "PartnerParams": {"job_id": "52d0", "user_id": "e54e", "job_type": "6",
                                  "optional_info": "kept as sent"}
            }
        ]
    })
}

#[test]
fn job_status_is_read_with_loose_types_and_its_signature_verified() {
    let (key, pid, ts, sig) = VECTORS[2];
    assert_eq!(ts, "2018-03-13T21:04:11.193Z");
    let r: JobStatusResponse = serde_json::from_value(job_status(sig)).unwrap();
    assert!(r.job_complete && r.job_success);
    assert_eq!(r.code, "2302");
    let JobStatusResult::Record(result) = r.result.as_ref().unwrap() else {
        panic!("a record")
    };
    assert_eq!(result.result_code.as_deref(), Some("0810"));
    assert_eq!(result.is_final_result, Some(true));
    assert_eq!(result.is_machine_result, Some(true));
    assert_eq!(result.confidence_value, Some(100.0));
    assert_eq!(result.partner_params.as_ref().unwrap().job_type, 6);
    assert_eq!(result.extra["Country"], "NG", "unknown keys are kept");
    let history = r.history.as_ref().unwrap();
    assert_eq!(history[0].partner_params.as_ref().unwrap().job_type, 6);
    assert_eq!(history[0].confidence_value, Some(97.0));
    assert_eq!(
        history[0].partner_params.as_ref().unwrap().extra["optional_info"],
        "kept as sent"
    );
    assert!(r.verify(key, pid));
    assert!(!r.verify(key, "2004"));
    let forged: JobStatusResponse = serde_json::from_value(job_status(VECTORS[0].3)).unwrap();
    assert!(
        !forged.verify(key, pid),
        "a signature for another timestamp fails"
    );

    // Written back, job_type is a number again.
    let out = serde_json::to_value(&r).unwrap();
    assert_eq!(out["history"][0]["PartnerParams"]["job_type"], 6);
}

#[test]
fn a_running_job_may_carry_a_text_result() {
    let r: JobStatusResponse = serde_json::from_value(json!({
        "timestamp": "t", "signature": "s", "job_complete": "false",
        "job_success": false, "code": "2314", "result": "In progress"
    }))
    .unwrap();
    assert!(!r.job_complete);
    assert_eq!(r.result, Some(JobStatusResult::Text("In progress".into())));
}

#[test]
fn callbacks_are_verified() {
    let (key, pid, ts, sig) = VECTORS[0];
    let body = json!({
        "ResultCode": "0812", "ResultText": "Document unusable",
        "SmileJobID": "1", "PartnerParams": {"job_id": "j", "user_id": "u", "job_type": "6"},
        "timestamp": ts, "signature": sig
    });
    let cb: Callback = serde_json::from_value(body).unwrap();
    assert!(cb.verify(key, pid));
    assert_eq!(cb.result.result_code.as_deref(), Some("0812"));
}

#[test]
fn the_prep_upload_body_has_the_documented_keys() {
    let partner = Partner {
        partner_id: "125".into(),
        api_key: "secret".into(),
        params: PartnerParams::document_verification("job-1", "user-1"),
        callback_url: "https://example.com/cb".into(),
        timestamp: Some("2026-11-23T00:00:00.000Z".into()),
    };
    let body = serde_json::to_value(PrepUploadRequest::new(&partner, "job.zip", true)).unwrap();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    for k in [
        "source_sdk",
        "source_sdk_version",
        "signature",
        "timestamp",
        "smile_client_id",
        "partner_params",
        "model_parameters",
        "callback_url",
        "use_enrolled_image",
        "file_name",
    ] {
        assert!(keys.contains(&k), "{k} in {keys:?}");
    }
    assert_eq!(body["partner_params"]["job_type"], 6);
    assert_eq!(body["model_parameters"], json!({}));
    assert_eq!(body["signature"], VECTORS[0].3);
    assert!(
        !body.to_string().contains("secret"),
        "the API key is never written"
    );
    let without = serde_json::to_value(PrepUploadRequest::new(&partner, "job.zip", false)).unwrap();
    assert!(without.get("use_enrolled_image").is_none());
}
