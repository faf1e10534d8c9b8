//! What a request carries: the query parameters of the image routes, the image (raw body
//! or multipart), and a package's multipart form.

use super::*;

/// The class, id_type and profile of an image request, `faces=false` to skip the face
/// search (the back of an ID card, as `--no-faces`) and `mrz=false` to skip the MRZ (as
/// `--no-mrz`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Params {
    class: Option<String>,
    id_type: Option<String>,
    profile: Option<String>,
    faces: Option<bool>,
    mrz: Option<bool>,
}

impl Params {
    pub(crate) fn policy(&self, config: &Config) -> Result<Policy, Response> {
        let named = match &self.class {
            None => None,
            Some(c) => Some(DocumentClass::parse(c).ok_or_else(|| {
                error(
                    StatusCode::BAD_REQUEST,
                    "usage_error",
                    format!("unknown class {c:?}: id-card, passport, selfie or liveness"),
                )
            })?),
        };
        let class = DocumentClass::choose(named, self.id_type.as_deref());
        let mut policy = Policy::for_class(class);
        policy.faces = self.faces.unwrap_or(true);
        policy.mrz = self.mrz.unwrap_or(true);
        policy.thresholds = match &self.profile {
            None => config.thresholds.clone(),
            Some(p) => Thresholds::named(p).ok_or_else(|| {
                error(
                    StatusCode::BAD_REQUEST,
                    "usage_error",
                    format!("unknown profile {p:?}: default, strict or lenient"),
                )
            })?,
        };
        Ok(policy)
    }
}

/// The image of a request: the raw body, or the multipart field `image` (else the first
/// file field).
pub(crate) async fn image_of(request: Request, state: &Shared) -> Result<Bytes, Response> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return Bytes::from_request(request, state)
            .await
            .map_err(|r| refused(r.status(), r.body_text()));
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|r| refused(r.status(), r.body_text()))?;
    let mut first = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| refused(e.status(), e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let is_file = field.file_name().is_some();
        let data = field
            .bytes()
            .await
            .map_err(|e| refused(e.status(), e.body_text()))?;
        if name == "image" {
            return Ok(data);
        }
        if is_file && first.is_none() {
            first = Some(data);
        }
    }
    first.ok_or_else(|| {
        error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "no image: send it as the body or as the multipart field \"image\"",
        )
    })
}

/// The multipart form of `/v1/package`: files by role, the rest as text fields.
pub(crate) async fn package_form(
    request: Request,
    state: &Shared,
) -> Result<PackageRequest, Response> {
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|r| refused(r.status(), r.body_text()))?;
    let mut images = Vec::new();
    let mut text = std::collections::BTreeMap::new();
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| refused(e.status(), e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let data = field
            .bytes()
            .await
            .map_err(|e| refused(e.status(), e.body_text()))?;
        match Role::parse(&name) {
            Some(role) => images.push(PackageInput {
                role,
                path: file_name.unwrap_or_else(|| name.clone()),
                data: data.to_vec(),
            }),
            None => {
                let value = String::from_utf8(data.to_vec()).map_err(|_| {
                    error(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        format!("field {name:?} is not text"),
                    )
                })?;
                text.insert(name, value);
            }
        }
    }
    let get = |k: &str| text.get(k).cloned().filter(|v| !v.is_empty());
    let flag = |k: &str| get(k).is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes" | "on"));
    let country = get("country").ok_or_else(|| {
        error(
            StatusCode::BAD_REQUEST,
            "usage_error",
            "the field \"country\" is required",
        )
    })?;
    let partner = match (get("partner_id"), get("api_key")) {
        (Some(partner_id), Some(api_key)) => Some(Partner::document_verification(
            partner_id,
            api_key,
            get("job_id").unwrap_or_default(),
            get("user_id").unwrap_or_default(),
            get("callback_url").unwrap_or_default(),
            get("timestamp"),
        )),
        (None, None) => None,
        _ => {
            return Err(error(
                StatusCode::BAD_REQUEST,
                "usage_error",
                "partner_id and api_key go together: give both or neither",
            ))
        }
    };
    Ok(PackageRequest {
        id_info: IdInfo {
            country,
            id_type: get("id_type"),
        },
        images,
        inline: flag("inline"),
        use_enrolled_image: flag("use_enrolled_image"),
        partner,
        file_name: get("file_name").unwrap_or_else(|| "attachments.zip".into()),
    })
}
