//! `kyc_preflight._native`: the library's entry points for Python.
//!
//! Every function takes bytes and plain values and returns the report the CLI prints, as JSON
//! text (the Python package parses it into dicts: one serialiser, so the Python and the CLI
//! reports cannot drift apart). The image work runs with the interpreter released
//! (`Python::detach`), so other Python threads keep running and `check_many` uses every core.
//! A panic inside the library is caught by the library's isolation (`check_isolated`,
//! `fix_isolated`) and becomes an `internal_error` report; bad arguments raise `ValueError`;
//! a request the library refuses raises `PreflightError(code, message)`.

use kyc_preflight::{
    check_isolated, fix_isolated, package, sign, validate_zip, verify, DocumentClass, IdInfo,
    PackageInput, PackageRequest, Partner, Policy, Role, Validation, ZipLimits,
};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

create_exception!(
    _native,
    PreflightError,
    PyException,
    "The library could not do what was asked: args are (code, message)."
);

/// The policy for a class (or an id_type) and a threshold profile, as the CLI builds it;
/// `faces` off skips the face search (the back of an ID card: `--no-faces`), `mrz` off the
/// machine-readable zone (`--no-mrz`).
fn policy(
    class: Option<&str>,
    id_type: Option<&str>,
    profile: &str,
    faces: bool,
    mrz: bool,
) -> PyResult<Policy> {
    let named = class
        .map(|c| {
            DocumentClass::parse(c).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "unknown class {c:?}: use id-card, passport, selfie or liveness"
                ))
            })
        })
        .transpose()?;
    let class = DocumentClass::choose(named, id_type);
    let policy = Policy::with_profile(class, profile).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown profile {profile:?}: use default, strict or lenient"
        ))
    })?;
    Ok(Policy {
        faces,
        mrz,
        ..policy
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> PyResult<String> {
    serde_json::to_string(value)
        .map_err(|e| PreflightError::new_err(("internal_error", e.to_string())))
}

/// Run `work` on a rayon pool of `jobs` threads (0: one per core).
fn on_pool<T: Send>(jobs: usize, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map(|pool| pool.install(work))
        .map_err(|e| PreflightError::new_err(("internal_error", format!("thread pool: {e}"))))
}

/// Check one image; returns the report as JSON.
#[pyfunction]
#[pyo3(signature = (data, class_=None, id_type=None, profile="default", path="<bytes>", faces=true, mrz=true))]
#[allow(clippy::too_many_arguments)]
fn check(
    py: Python<'_>,
    data: &[u8],
    class_: Option<&str>,
    id_type: Option<&str>,
    profile: &str,
    path: &str,
    faces: bool,
    mrz: bool,
) -> PyResult<String> {
    let policy = policy(class_, id_type, profile, faces, mrz)?;
    let report = py.detach(|| check_isolated(data, path, &policy));
    to_json(&report)
}

/// Check many images in parallel on `jobs` threads (0: one per core); returns one report
/// (JSON) per image, in order. One bad image gives its own error report and never stops the
/// others.
#[pyfunction]
#[pyo3(signature = (items, class_=None, id_type=None, profile="default", paths=None, jobs=0, faces=true, mrz=true))]
#[allow(clippy::too_many_arguments)]
fn check_many(
    py: Python<'_>,
    items: Vec<Vec<u8>>,
    class_: Option<&str>,
    id_type: Option<&str>,
    profile: &str,
    paths: Option<Vec<String>>,
    jobs: usize,
    faces: bool,
    mrz: bool,
) -> PyResult<Vec<String>> {
    let policy = policy(class_, id_type, profile, faces, mrz)?;
    if let Some(p) = &paths {
        if p.len() != items.len() {
            return Err(PyValueError::new_err(format!(
                "{} paths for {} images",
                p.len(),
                items.len()
            )));
        }
    }
    let names: Vec<String> =
        paths.unwrap_or_else(|| (0..items.len()).map(|i| format!("<item {i}>")).collect());
    let reports = py.detach(|| {
        on_pool(jobs, || {
            items
                .par_iter()
                .with_max_len(1)
                .zip(names.par_iter())
                .map(|(data, path)| check_isolated(data, path, &policy))
                .collect::<Vec<_>>()
        })
    })?;
    reports.iter().map(to_json).collect()
}

/// Fix one image: returns `(jpeg bytes or None, report JSON)`.
#[pyfunction]
#[pyo3(signature = (data, class_=None, id_type=None, profile="default", path="<bytes>", faces=true, mrz=true))]
#[allow(clippy::too_many_arguments)]
fn fix<'py>(
    py: Python<'py>,
    data: &[u8],
    class_: Option<&str>,
    id_type: Option<&str>,
    profile: &str,
    path: &str,
    faces: bool,
    mrz: bool,
) -> PyResult<(Option<Bound<'py, PyBytes>>, String)> {
    let policy = policy(class_, id_type, profile, faces, mrz)?;
    let fixed = py.detach(|| fix_isolated(data, path, &policy));
    let jpeg = fixed.jpeg.as_deref().map(|j| PyBytes::new(py, j));
    Ok((jpeg, to_json(&fixed.report)?))
}

/// Predict whether the service accepts an upload zip; returns the validation as JSON.
#[pyfunction]
#[pyo3(signature = (data, path="<bytes>", jobs=0))]
fn validate_zip_bytes(py: Python<'_>, data: &[u8], path: &str, jobs: usize) -> PyResult<String> {
    let limits = ZipLimits::default();
    let policy = Policy::for_class(DocumentClass::IdCard);
    let v = if let Some(refused) = Validation::over_cap(path, data.len(), &limits) {
        refused
    } else {
        py.detach(|| on_pool(jobs, || validate_zip(data, path, &policy, &limits)))?
    };
    to_json(&v)
}

fn role(name: &str) -> PyResult<Role> {
    Role::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        PyValueError::new_err(format!(
            "unknown role {name:?}: use one of {}",
            names.join(", ")
        ))
    })
}

/// Fix every photo of a job and build the upload zip. `images` is a list of
/// `(role, bytes, path)`; partner details are all given or none. Returns
/// `(zip bytes or None, package JSON, [report JSON per image])`.
#[pyfunction]
#[pyo3(signature = (
    images, country, id_type=None, inline=false, use_enrolled_image=false, partner_id=None,
    api_key=None, job_id=None, user_id=None, callback_url=None, timestamp=None,
    file_name="attachments.zip", profile="default", jobs=0
))]
#[allow(clippy::too_many_arguments)] // the keyword arguments of the Python function
fn package_job<'py>(
    py: Python<'py>,
    images: Vec<(String, Vec<u8>, String)>,
    country: String,
    id_type: Option<String>,
    inline: bool,
    use_enrolled_image: bool,
    partner_id: Option<String>,
    api_key: Option<String>,
    job_id: Option<String>,
    user_id: Option<String>,
    callback_url: Option<String>,
    timestamp: Option<String>,
    file_name: &str,
    profile: &str,
    jobs: usize,
) -> PyResult<(Option<Bound<'py, PyBytes>>, String, Vec<String>)> {
    let template = policy(None, None, profile, true, true)?;
    let images = images
        .into_iter()
        .map(|(r, data, path)| {
            Ok(PackageInput {
                role: role(&r)?,
                path,
                data,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let partner = match (partner_id, api_key) {
        (Some(partner_id), Some(api_key)) => Some(Partner::document_verification(
            partner_id,
            api_key,
            job_id.unwrap_or_default(),
            user_id.unwrap_or_default(),
            callback_url.unwrap_or_default(),
            timestamp,
        )),
        (None, None) => None,
        _ => {
            return Err(PyValueError::new_err(
                "partner_id and api_key go together: give both or neither",
            ))
        }
    };
    let request = PackageRequest {
        id_info: IdInfo { country, id_type },
        images,
        inline,
        use_enrolled_image,
        partner,
        file_name: file_name.to_string(),
    };
    let result = py
        .detach(|| on_pool(jobs, || package(&request, &template)))?
        .map_err(|e| PreflightError::new_err((e.code(), e.message().to_string())))?;
    let zip = result.zip.as_deref().map(|z| PyBytes::new(py, z));
    let reports = result
        .images
        .iter()
        .map(|i| to_json(&i.report))
        .collect::<PyResult<Vec<_>>>()?;
    Ok((zip, to_json(&result)?, reports))
}

/// The request signature: `(signature, timestamp)`; the timestamp is now when not given.
#[pyfunction]
#[pyo3(signature = (api_key, partner_id, timestamp=None))]
fn sign_request(api_key: &str, partner_id: &str, timestamp: Option<String>) -> (String, String) {
    let timestamp = timestamp.unwrap_or_else(kyc_preflight::now);
    (sign(api_key, partner_id, &timestamp), timestamp)
}

/// Whether `signature` is the service's signature for this partner and timestamp.
#[pyfunction]
fn verify_signature(api_key: &str, partner_id: &str, timestamp: &str, signature: &str) -> bool {
    verify(api_key, partner_id, timestamp, signature)
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("PreflightError", m.py().get_type::<PreflightError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("TURBO", kyc_preflight::internal::TURBO)?;
    m.add(
        "MAX_INPUT_BYTES",
        kyc_preflight::Limits::default().max_input_bytes,
    )?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(check_many, m)?)?;
    m.add_function(wrap_pyfunction!(fix, m)?)?;
    m.add_function(wrap_pyfunction!(validate_zip_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(package_job, m)?)?;
    m.add_function(wrap_pyfunction!(sign_request, m)?)?;
    m.add_function(wrap_pyfunction!(verify_signature, m)?)?;
    Ok(())
}
