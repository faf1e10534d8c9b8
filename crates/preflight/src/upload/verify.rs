//! Stage 8b: the package checks itself before it is returned.

use super::build::PackagedImage;
use super::{check_info, read_zip, ZipLimits};
use crate::error::{Error, ErrorKind, Result};
use crate::probe;
use crate::protocol::{InfoJson, INFO_JSON};

/// Re-open the zip as the service would and compare it with what was meant to be written:
/// CRCs and sizes, the exact entry list, `info.json` parsing back to the same value, and
/// every image byte-identical to the fixed JPEG and a complete JPEG of the reported size.
pub(super) fn verify(
    zip: &[u8],
    info: &InfoJson,
    images: &[PackagedImage],
    jpegs: &[Vec<u8>],
    inline: bool,
) -> Result<()> {
    let bug = |m: String| {
        Error::new(
            ErrorKind::InternalError,
            format!("the package failed its own verification: {m}"),
        )
    };
    let read = read_zip(zip, &ZipLimits::default()).map_err(|f| bug(f.message))?;
    let mut expected: Vec<&str> = vec![INFO_JSON];
    if !inline {
        expected.extend(images.iter().map(|i| i.file_name.as_str()));
    }
    let names: Vec<&str> = read.entries.iter().map(|e| e.name.as_str()).collect();
    if names != expected {
        return Err(bug(format!("entries {names:?}, expected {expected:?}")));
    }
    let parsed: InfoJson = serde_json::from_slice(&read.entries[0].data)
        .map_err(|e| bug(format!("info.json does not parse back: {e}")))?;
    if &parsed != info {
        return Err(bug("info.json does not read back as written".into()));
    }
    let structural = check_info(&read);
    if let Some(f) = structural.findings.iter().find(|f| f.code.is_some()) {
        return Err(bug(f.message.clone()));
    }
    // The images as the validator found them (borrowed from the zip, or decoded from the
    // base64 once), in info.json order, which is package order.
    if structural.images.len() != images.len() {
        return Err(bug(format!(
            "info.json lists {} images, the package has {}",
            structural.images.len(),
            images.len()
        )));
    }
    for ((image, jpeg), listed) in images.iter().zip(jpegs).zip(&structural.images) {
        let stored = listed.data.as_deref().unwrap_or_default();
        if stored != jpeg.as_slice() {
            return Err(bug(format!(
                "{} differs from the fixed JPEG",
                image.file_name
            )));
        }
        let size = probe::jpeg_is_complete(stored)
            .map_err(|m| bug(format!("{}: {m}", image.file_name)))?;
        let reported = image.report.output.as_ref().map(|o| (o.width, o.height));
        if reported != Some(size) {
            return Err(bug(format!(
                "{} is {}x{}, the report says {reported:?}",
                image.file_name, size.0, size.1
            )));
        }
    }
    Ok(())
}
