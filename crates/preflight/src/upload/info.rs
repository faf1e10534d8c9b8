//! Checking `info.json` against the entries: keys, types, listed files, the codes the
//! service answers with.

use super::{ReadZip, ZipFinding};
use crate::probe::{self, Format};
use crate::protocol::{self, Role, ServiceCode};
use crate::report::Severity;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

/// An image `info.json` lists, and where its bytes are.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedImage<'a> {
    /// What it is.
    pub role: Role,
    /// Its `image_type_id`.
    pub image_type_id: u64,
    /// The zip entry, or `info.json:images[i]` for inline images.
    pub entry: String,
    /// Its bytes, when present: borrowed from the zip entry, or decoded from base64.
    pub data: Option<Cow<'a, [u8]>>,
    /// SHA-256 of `data`.
    pub sha256: Option<[u8; 32]>,
}

/// What `info.json` says, checked against the zip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InfoCheck<'a> {
    /// Every problem found.
    pub findings: Vec<ZipFinding>,
    /// The images listed, in `info.json` order (those whose entry could be understood).
    pub images: Vec<ListedImage<'a>>,
    /// `id_info.id_type`, when a string.
    pub id_type: Option<String>,
}

/// Check `info.json` (schema, ids, country, id_type) and that every image it lists is in the
/// zip and is a JPEG. Images are not decoded here.
pub fn check_info(read: &ReadZip) -> InfoCheck<'_> {
    let mut out = InfoCheck::default();
    let json = match parse_info(read) {
        Ok(json) => json,
        Err(f) => {
            out.findings.push(f);
            return out;
        }
    };
    out.id_type = check_header(&json, &mut out.findings);
    let images = match json.get("images") {
        None => {
            out.findings.push(missing("images"));
            return out;
        }
        Some(Value::Array(list)) => list,
        Some(_) => {
            out.findings.push(wrong("images", "a list"));
            return out;
        }
    };
    for (i, image) in images.iter().enumerate() {
        if let Some(listed) = listed_image(read, i, image, &mut out.findings) {
            out.images.push(listed);
        }
    }
    check_job(read, &out.images, &mut out.findings);
    out
}

/// `info.json` at the zip's root, parsed: `2203` when it is missing or not a JSON object.
fn parse_info(read: &ReadZip) -> Result<Value, ZipFinding> {
    let Some(info) = super::entries::by_name(read, protocol::INFO_JSON) else {
        return Err(ZipFinding::new(
            ServiceCode::InfoJsonMalformed,
            "info_json_missing",
            "the zip has no info.json at its root",
        ));
    };
    match serde_json::from_slice(&info.data) {
        Ok(Value::Object(map)) => Ok(Value::Object(map)),
        Ok(_) => Err(ZipFinding::new(
            ServiceCode::InfoJsonMalformed,
            "info_json_invalid",
            "info.json is JSON but not an object",
        )),
        Err(e) => Err(ZipFinding::new(
            ServiceCode::InfoJsonMalformed,
            "info_json_invalid",
            format!("info.json is not valid JSON: {e}"),
        )),
    }
}

/// `2213`: a required key is absent.
fn missing(key: &str) -> ZipFinding {
    ZipFinding::new(
        ServiceCode::MissingParameter,
        "missing_key",
        format!("info.json has no {key}"),
    )
    .at(key)
}

/// `2204`: a value of the wrong type.
fn wrong(key: &str, want: &str) -> ZipFinding {
    ZipFinding::new(
        ServiceCode::WrongType,
        "wrong_type",
        format!("info.json {key} must be {want}"),
    )
    .at(key)
}

/// `package_information` and `id_info` (its country and id_type); returns the id_type when
/// it is a known keyword.
fn check_header(json: &Value, f: &mut Vec<ZipFinding>) -> Option<String> {
    match json.get("package_information") {
        None => f.push(missing("package_information")),
        Some(Value::Object(_)) => {}
        Some(_) => f.push(wrong("package_information", "an object")),
    }
    let id_info = match json.get("id_info") {
        None => {
            f.push(missing("id_info"));
            return None;
        }
        Some(Value::Object(id_info)) => id_info,
        Some(_) => {
            f.push(wrong("id_info", "an object"));
            return None;
        }
    };
    match id_info.get("country") {
        None => f.push(missing("id_info.country")),
        Some(Value::String(c)) if protocol::is_country_code(c) => {}
        Some(Value::String(c)) => f.push(
            ZipFinding::new(
                ServiceCode::Unsupported,
                "unsupported_country",
                format!("{c:?} is not an ISO 3166-1 alpha-2 country code"),
            )
            .at("id_info.country"),
        ),
        Some(_) => f.push(wrong("id_info.country", "a string")),
    }
    match id_info.get("id_type") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) if protocol::is_id_type_keyword(t) => Some(t.clone()),
        Some(Value::String(t)) => {
            f.push(
                ZipFinding::new(
                    ServiceCode::Unsupported,
                    "unsupported_id_type",
                    format!("{t:?} is not a Smile ID id_type keyword (e.g. PASSPORT)"),
                )
                .at("id_info.id_type"),
            );
            None
        }
        Some(_) => {
            f.push(wrong("id_info.id_type", "a string"));
            None
        }
    }
}

/// `images[i]`: its id, its file or inline bytes, and whether they are a JPEG. `None` when
/// the entry cannot be understood (the finding says why).
fn listed_image<'a>(
    read: &'a ReadZip,
    i: usize,
    image: &Value,
    f: &mut Vec<ZipFinding>,
) -> Option<ListedImage<'a>> {
    let key = format!("images[{i}]");
    let Value::Object(image) = image else {
        f.push(wrong(&key, "an object"));
        return None;
    };
    let id = match image.get("image_type_id") {
        None => {
            let mut m = missing(&format!("{key}.image_type_id"));
            if let Some(other) = image
                .keys()
                .find(|k| k.eq_ignore_ascii_case("image_type_id"))
            {
                m.message += &format!(" (it has {other:?}: keys are case-sensitive)");
            }
            f.push(m);
            return None;
        }
        Some(Value::Number(n)) => n.as_u64(),
        // The official SDKs send numbers; a numeric string is read as its number (as
        // `protocol::InfoJson` reads it), with a warning.
        Some(Value::String(s)) if s.parse::<u64>().is_ok() => {
            f.push(
                ZipFinding::note(
                    "image_type_id_string",
                    Severity::Warn,
                    format!(
                        "{key}.image_type_id is the string {s:?}; the official SDKs send a number"
                    ),
                )
                .at(format!("{key}.image_type_id")),
            );
            s.parse::<u64>().ok()
        }
        Some(_) => {
            f.push(wrong(&format!("{key}.image_type_id"), "a number"));
            return None;
        }
    };
    let Some((id, (role, inline))) = id.and_then(|id| Some((id, Role::from_image_type_id(id)?)))
    else {
        f.push(wrong(
            &format!("{key}.image_type_id"),
            "one of 0..7 (0/1/4/5 files, 2/3/6/7 base64)",
        ));
        return None;
    };
    let field = if inline { "image" } else { "file_name" };
    let text = match image.get(field) {
        None => {
            f.push(missing(&format!("{key}.{field}")));
            return None;
        }
        Some(Value::String(s)) => s,
        Some(_) => {
            f.push(wrong(&format!("{key}.{field}"), "a string"));
            return None;
        }
    };
    let (entry, data) = image_bytes(read, &key, text, inline, f);
    if let Some(d) = &data {
        if probe::sniff(d) == Some(Format::Png) {
            f.push(
                ZipFinding::note(
                    "image_png",
                    Severity::Warn,
                    format!(
                        "{entry}: a PNG; the official SDKs send PNG, the service's documentation \
                         says JPEG only (`package` converts to JPEG)"
                    ),
                )
                .at(&entry),
            );
        } else if probe::sniff(d) != Some(Format::Jpeg) {
            f.push(
                ZipFinding::new(
                    ServiceCode::ImageUnusable,
                    "image_not_jpeg",
                    format!("{entry}: neither JPEG nor PNG by content; the service takes JPEG"),
                )
                .at(&entry),
            );
        }
    }
    let sha256 = data.as_deref().map(|d| Sha256::digest(d).into());
    Some(ListedImage {
        role,
        image_type_id: id,
        entry,
        data,
        sha256,
    })
}

/// Where `images[i]`'s bytes are: base64 inside `info.json` (`inline`) or the zip entry its
/// `file_name` names. `0001` when they are absent or do not decode.
fn image_bytes<'a>(
    read: &'a ReadZip,
    key: &str,
    text: &str,
    inline: bool,
    f: &mut Vec<ZipFinding>,
) -> (String, Option<Cow<'a, [u8]>>) {
    let absent = |m: String| ZipFinding::new(ServiceCode::ImageUnusable, "image_missing", m);
    if inline {
        let entry = format!("info.json:{key}");
        match BASE64.decode(text.trim()) {
            Ok(d) if !d.is_empty() => (entry, Some(Cow::Owned(d))),
            Ok(_) => {
                f.push(absent(format!("{key} is inline but its image is empty")).at(&entry));
                (entry, None)
            }
            Err(e) => {
                f.push(
                    ZipFinding::new(
                        ServiceCode::ImageUnusable,
                        "image_undecodable",
                        format!("{key}: the base64 image does not decode: {e}"),
                    )
                    .at(&entry),
                );
                (entry, None)
            }
        }
    } else {
        match super::entries::by_name(read, text) {
            Some(e) => (text.to_string(), Some(Cow::Borrowed(e.data.as_slice()))),
            None => {
                f.push(
                    absent(format!("{key} names {text:?}, which is not in the zip"))
                        .at(text.to_string()),
                );
                (text.to_string(), None)
            }
        }
    }
}

/// The job as a whole: an ID front (`0001` without one), a selfie, at most one image per
/// role (eight liveness frames), no stray entries, no image twice.
fn check_job(read: &ReadZip, images: &[ListedImage<'_>], f: &mut Vec<ZipFinding>) {
    let count = |role| images.iter().filter(|i| i.role == role).count();
    if count(Role::IdFront) == 0 {
        f.push(ZipFinding::new(
            ServiceCode::ImageUnusable,
            "no_id_front",
            "no ID front image (image_type_id 1 or 3)",
        ));
    }
    if count(Role::Selfie) == 0 {
        f.push(ZipFinding::note(
            "no_selfie",
            Severity::Warn,
            "no selfie (image_type_id 0 or 2): the job must set use_enrolled_image",
        ));
    }
    for (role, most) in [
        (Role::IdFront, 1),
        (Role::IdBack, 1),
        (Role::Selfie, 1),
        (Role::Liveness, 8),
    ] {
        if count(role) > most {
            f.push(ZipFinding::note(
                "too_many_images",
                Severity::Warn,
                format!(
                    "{} {} images; a job takes at most {most}",
                    count(role),
                    role.as_str()
                ),
            ));
        }
    }
    let listed: HashSet<&str> = images.iter().map(|i| i.entry.as_str()).collect();
    super::entries::check_entries(read, &listed, f);
    let mut hashes: BTreeMap<[u8; 32], &str> = BTreeMap::new();
    for image in images {
        if let Some(h) = image.sha256 {
            if let Some(first) = hashes.insert(h, &image.entry) {
                f.push(
                    ZipFinding::note(
                        "duplicate_image",
                        Severity::Warn,
                        format!("{} is the same image as {first}", image.entry),
                    )
                    .at(image.entry.clone()),
                );
            }
        }
    }
}
