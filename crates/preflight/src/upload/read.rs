//! Reading an upload zip: its entries within the limits, the way the service unpacks it.

use super::{ZipFinding, ZipLimits};
use crate::protocol::ServiceCode;

/// An entry read out of the zip.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipEntry {
    /// Its name.
    pub name: String,
    /// Its uncompressed bytes (CRC verified).
    pub data: Vec<u8>,
}

/// Every file entry of a zip, in central-directory order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadZip {
    /// The file entries (directories left out).
    pub entries: Vec<ZipEntry>,
}

/// Read every file entry of an in-memory zip through the caps, with the same archive reader
/// as batch input (`sources`: our own central-directory parse beside the zip crate, refusing
/// unsafe names, symlinks, encryption, overlaps, local/central mismatches, lying sizes, CRC
/// errors and bomb-like ratios). Unlike batch input, every copy of a duplicated name is
/// read (official SDKs write them; `check_info` judges them). The first reason the service
/// could not read the zip is returned as a `0903` finding.
pub fn read_zip(bytes: &[u8], limits: &ZipLimits) -> Result<ReadZip, ZipFinding> {
    let corrupt = |finding, m: String| ZipFinding::new(ServiceCode::ZipCorrupt, finding, m);
    if bytes.len() as u64 > limits.max_zip_bytes {
        return Err(corrupt(
            "zip_too_large",
            format!(
                "the zip is {} bytes; the cap is {}",
                bytes.len(),
                limits.max_zip_bytes
            ),
        ));
    }
    let caps = crate::policy::Limits {
        max_input_bytes: limits.max_entry_bytes,
        archive: limits.archive.clone(),
        ..Default::default()
    };
    let listing = crate::sources::read_archive_with_duplicates(bytes, &caps)
        .map_err(|e| corrupt("corrupt_zip", e.message().to_string()))?;
    let mut entries = Vec::with_capacity(listing.len());
    for (name, data) in listing {
        match data {
            Ok(data) => entries.push(ZipEntry { name, data }),
            Err(e) => return Err(corrupt("corrupt_entry", e.message().to_string()).at(name)),
        }
    }
    Ok(ReadZip { entries })
}
