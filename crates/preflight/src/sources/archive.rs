//! Zip archives: list the entries through our own central-directory parse beside the zip
//! crate (refusing what must not be read), and read them in memory through the caps.

use super::central;
use super::too_large;
use crate::error::{Error, ErrorKind, Result};
use crate::policy::Limits;
use std::io::{Read, Seek};

/// One file entry of an archive, as listed by [`list_archive`].
#[derive(Debug)]
pub struct ArchiveEntry {
    /// The entry's name as stored (lossy UTF-8).
    pub name: String,
    /// Where to read it from, or why the entry is refused without reading it.
    pub status: Result<Where>,
}

/// Where an archive entry's bytes are read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// The zip crate's index.
    Index(usize),
    /// A central-directory record the zip crate hides (a copy of a duplicate name), read
    /// from its own record by `read_record`.
    Record(usize),
}

/// List a zip archive's file entries (directories skipped) in central-directory order,
/// refusing what must not be read. The central directory is parsed here, independently of
/// the zip crate (which hides duplicate names and rewrites unsafe ones), and the whole
/// archive is refused (`archive_refused`) when it has more than `archive.max_entries`
/// entries, a central directory that does not add up, data before it, or a total declared
/// size over `archive.max_total_bytes`. An entry is refused on its own for an unsafe name, a
/// duplicate (also case-only) name, a symbolic link, encryption, a compression method other
/// than stored/deflate, a local header that disagrees with the central one, overlapping
/// another entry, a declared size over `max_input_bytes` (`input_too_large`) or a
/// compression ratio over `archive.max_ratio`. Nothing is decompressed here.
pub fn list_archive<R: Read + Seek>(reader: R, limits: &Limits) -> Result<Vec<ArchiveEntry>> {
    Ok(list_records(reader, limits, Duplicates::Refuse)?.0)
}

/// What [`list_records`] does with entries that share a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Duplicates {
    /// Refuse every copy (batch input: which one is "the" file is a guess).
    Refuse,
    /// List every copy of an exact duplicate, to be read from its own record (upload zips:
    /// the official Python SDK writes one `base64imgString` entry per inline image).
    Keep,
}

/// [`list_archive`], with the central directory it was read from; with
/// `Duplicates::Keep`, a copy the zip crate hides is listed as `Where::Record`.
fn list_records<R: Read + Seek>(
    mut reader: R,
    limits: &Limits,
    duplicates: Duplicates,
) -> Result<(Vec<ArchiveEntry>, Vec<central::Entry>)> {
    let refused = |why: String| Error::new(ErrorKind::ArchiveRefused, why);
    let cd = central::read(&mut reader, limits)?;
    let total: u64 = cd
        .iter()
        .map(|e| e.uncompressed)
        .fold(0, u64::saturating_add);
    if total > limits.archive.max_total_bytes {
        return Err(refused(format!(
            "the entries declare {total} uncompressed bytes; the limit is {}",
            limits.archive.max_total_bytes
        )));
    }
    let mut problems: Vec<Option<Error>> = cd.iter().map(|e| entry_problem(e, limits)).collect();
    // Duplicates, exact or differing only by case: every copy is refused.
    let mut by_name: std::collections::HashMap<String, Vec<usize>> = Default::default();
    for (i, e) in cd.iter().enumerate() {
        by_name
            .entry(String::from_utf8_lossy(&e.name).to_lowercase())
            .or_default()
            .push(i);
    }
    let mut hidden = vec![false; cd.len()];
    for copies in by_name.values().filter(|c| c.len() > 1) {
        let exact = copies.iter().all(|&i| cd[i].name == cd[copies[0]].name);
        if duplicates == Duplicates::Keep && exact {
            for &i in copies {
                hidden[i] = true;
            }
            continue;
        }
        for &i in copies {
            problems[i].get_or_insert_with(|| {
                refused(format!(
                    "{} entries are named {:?} (or differ only by case); none is read",
                    copies.len(),
                    String::from_utf8_lossy(&cd[i].name)
                ))
            });
        }
    }
    // Overlapping entries (a non-recursive zip bomb reuses the same compressed data).
    let mut order: Vec<usize> = (0..cd.len()).collect();
    order.sort_by_key(|&i| cd[i].local_offset);
    for w in order.windows(2) {
        let (a, b) = (&cd[w[0]], &cd[w[1]]);
        if a.data_end > b.local_offset {
            for &i in w {
                problems[i].get_or_insert_with(|| {
                    refused("the entry overlaps another entry's data".into())
                });
            }
        }
    }
    reader
        .rewind()
        .map_err(|e| refused(format!("seek failed: {e}")))?;
    let zip = zip::ZipArchive::new(reader)
        .map_err(|e| refused(format!("not a readable zip archive: {e}")))?;
    let same_order = zip.len() == cd.len();
    let mut out = Vec::new();
    for (i, (e, problem)) in cd.iter().zip(problems).enumerate() {
        let name = String::from_utf8_lossy(&e.name).into_owned();
        if name.ends_with('/') && e.uncompressed == 0 {
            continue; // a directory
        }
        let status = match problem {
            Some(p) => Err(p),
            None if hidden[i] => Ok(Where::Record(i)),
            // Without duplicates the zip crate lists the records in the same order (names
            // without the UTF-8 flag may decode differently there, so go by position).
            None if same_order => Ok(Where::Index(i)),
            None => zip
                .index_for_name(&name)
                .map(Where::Index)
                .ok_or_else(|| refused(format!("{name}: not found by the zip reader"))),
        };
        let status = status.map_err(|e| Error::new(e.kind(), format!("{name}: {}", e.message())));
        out.push(ArchiveEntry { name, status });
    }
    Ok((out, cd))
}

/// Why one central-directory record must not be read, judged from the record alone.
fn entry_problem(e: &central::Entry, limits: &Limits) -> Option<Error> {
    let refused = |why: String| Some(Error::new(ErrorKind::ArchiveRefused, why));
    let name = String::from_utf8_lossy(&e.name);
    if !safe_entry_name(&name) || std::str::from_utf8(&e.name).is_err() {
        return refused(format!(
            "unsafe entry name {name:?} (absolute, drive, `..`, backslash or control characters)"
        ));
    }
    if e.is_symlink() {
        return refused("symbolic link entries are refused".into());
    }
    if e.flags & 1 != 0 {
        return refused("encrypted entries are refused".into());
    }
    if !matches!(e.method, 0 | 8) {
        return refused(format!(
            "compression method {} is refused (stored and deflate only)",
            e.method
        ));
    }
    if let Some(why) = &e.local_mismatch {
        return refused(why.clone());
    }
    if e.uncompressed > limits.max_input_bytes {
        return Some(too_large(e.uncompressed, limits.max_input_bytes));
    }
    let ratio = u64::from(limits.archive.max_ratio);
    if e.uncompressed > RATIO_FLOOR && e.uncompressed > e.compressed.saturating_mul(ratio) {
        return refused(format!(
            "declares {} bytes from {} compressed (ratio over {ratio}:1)",
            e.uncompressed, e.compressed
        ));
    }
    None
}

/// Entries up to this size are never refused for their compression ratio.
const RATIO_FLOOR: u64 = 64 << 10;

/// Read every file entry of an in-memory zip archive through the same checks as a batch
/// (for tests and fuzzing): each entry's bytes, or why it was refused.
pub fn read_archive(data: &[u8], limits: &Limits) -> Result<Vec<(String, Result<Vec<u8>>)>> {
    read_all(data, limits, Duplicates::Refuse)
}

/// [`read_archive`], except that every copy of an exactly duplicated name is read, in
/// central-directory order (upload zips: `validate-zip` judges the copies, SPEC §4).
pub fn read_archive_with_duplicates(
    data: &[u8],
    limits: &Limits,
) -> Result<Vec<(String, Result<Vec<u8>>)>> {
    read_all(data, limits, Duplicates::Keep)
}

fn read_all(
    data: &[u8],
    limits: &Limits,
    duplicates: Duplicates,
) -> Result<Vec<(String, Result<Vec<u8>>)>> {
    let (listing, cd) = list_records(std::io::Cursor::new(data), limits, duplicates)?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data)).map_err(|e| {
        Error::new(
            ErrorKind::ArchiveRefused,
            format!("not a readable zip archive: {e}"),
        )
    })?;
    Ok(listing
        .into_iter()
        .map(|entry| {
            let bytes = entry.status.and_then(|at| match at {
                Where::Index(i) => read_entry(&mut zip, i, &entry.name, limits.max_input_bytes),
                Where::Record(i) => read_record(data, &cd[i], &entry.name, limits.max_input_bytes),
            });
            (entry.name, bytes)
        })
        .collect())
}

/// Read one entry from its central-directory record, for the copies the zip crate hides:
/// its data ends at `data_end` (the local header was checked by `central::read`), stored or
/// deflated, through the byte cap, and must match its declared size and CRC-32.
fn read_record(data: &[u8], e: &central::Entry, name: &str, max_bytes: u64) -> Result<Vec<u8>> {
    let refused = |why: String| Error::new(ErrorKind::ArchiveRefused, format!("{name}: {why}"));
    if e.uncompressed > max_bytes {
        return Err(too_large(e.uncompressed, max_bytes));
    }
    let raw = usize::try_from(e.data_end - e.compressed.min(e.data_end))
        .ok()
        .zip(usize::try_from(e.data_end).ok())
        .and_then(|(start, end)| data.get(start..end))
        .ok_or_else(|| refused("the entry's data is outside the archive".into()))?;
    let mut out = Vec::new();
    match e.method {
        0 => out.extend_from_slice(raw),
        8 => {
            flate2::read::DeflateDecoder::new(raw)
                .take(max_bytes + 1)
                .read_to_end(&mut out)
                .map_err(|err| refused(format!("read failed: {err}")))?;
        }
        m => return Err(refused(format!("compression method {m} is refused"))),
    }
    if out.len() as u64 > max_bytes {
        return Err(too_large(out.len() as u64, max_bytes));
    }
    if out.len() as u64 != e.uncompressed {
        return Err(refused(format!(
            "declared {} bytes but holds {}",
            e.uncompressed,
            out.len()
        )));
    }
    let mut crc = flate2::Crc::new();
    crc.update(&out);
    if crc.sum() != e.crc32 {
        return Err(refused("CRC-32 mismatch".into()));
    }
    if let Some(kind) = nested_archive(&out) {
        return Err(refused(format!("a nested archive ({kind}) is not opened")));
    }
    Ok(out)
}

/// True when an archive entry name is a plain relative path: no `..`, no absolute or drive
/// paths, no backslashes, no control characters.
pub fn safe_entry_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 1024
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.chars().any(|c| c.is_control())
        && (name.len() < 2 || name.as_bytes()[1] != b':')
        && name.split('/').all(|part| part != ".." && part != ".")
}

pub(super) fn read_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    index: usize,
    name: &str,
    max_bytes: u64,
) -> Result<Vec<u8>> {
    let refused = |why: String| Error::new(ErrorKind::ArchiveRefused, format!("{name}: {why}"));
    let entry = zip.by_index(index).map_err(|e| refused(e.to_string()))?;
    if entry.is_symlink() {
        return Err(refused("symbolic link entries are refused".into()));
    }
    if entry.size() > max_bytes {
        return Err(too_large(entry.size(), max_bytes));
    }
    let declared = entry.size();
    let mut data = Vec::with_capacity(declared as usize);
    entry
        .take(max_bytes + 1)
        .read_to_end(&mut data)
        .map_err(|e| refused(format!("read failed: {e}")))?;
    if data.len() as u64 > max_bytes {
        return Err(too_large(data.len() as u64, max_bytes));
    }
    if data.len() as u64 != declared {
        return Err(refused(format!(
            "declared {declared} bytes but holds {}",
            data.len()
        )));
    }
    if let Some(kind) = nested_archive(&data) {
        return Err(refused(format!("a nested archive ({kind}) is not opened")));
    }
    Ok(data)
}

/// The kind of archive `data` is, by its magic bytes.
fn nested_archive(data: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "zip"),
        (b"PK\x05\x06", "empty zip"),
        (b"PK\x07\x08", "spanned zip"),
        (b"\x1f\x8b", "gzip"),
        (b"7z\xbc\xaf\x27\x1c", "7z"),
        (b"Rar!\x1a\x07", "rar"),
        (b"BZh", "bzip2"),
        (b"\xfd7zXZ\0", "xz"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
    ];
    MAGIC
        .iter()
        .find(|(m, _)| data.starts_with(m))
        .map(|&(_, k)| k)
        .or_else(|| (data.len() > 262 && &data[257..262] == b"ustar").then_some("tar"))
}
