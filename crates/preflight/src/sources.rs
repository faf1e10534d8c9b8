//! Where inputs come from: files, directories (walked recursively, sorted) and `.zip`
//! archives (entries read in memory through a byte cap, never extracted to disk).

mod central;

use crate::error::{Error, ErrorKind, Result};
use crate::policy::Limits;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::{Path, PathBuf};

/// One input to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// An entry of a zip archive, by index.
    ZipEntry {
        /// The archive.
        archive: PathBuf,
        /// The entry's index in the central directory.
        index: usize,
        /// The entry's name.
        name: String,
    },
    /// Something that could not even be listed (a missing path, an unreadable archive).
    Broken {
        /// What the user named.
        path: String,
        /// Why it cannot be read.
        code: ErrorKind,
        /// Human-readable reason.
        message: String,
    },
}

impl Source {
    /// The name used in reports: the path, or `archive.zip!entry` for archive entries.
    pub fn display(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::ZipEntry { archive, name, .. } => format!("{}!{}", archive.display(), name),
            Source::Broken { path, .. } => path.clone(),
        }
    }
}

fn is_zip(path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
    {
        return true;
    }
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map(|_| &magic == b"PK\x03\x04")
        .unwrap_or(false)
}

/// Expand the command-line paths into inputs, in order: each file as given, each directory
/// walked recursively in sorted order (hidden entries skipped), each zip archive's file
/// entries in central-directory order.
pub fn expand(paths: &[PathBuf], limits: &Limits) -> Vec<Source> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => push_file(e.path(), limits, &mut out),
                    Ok(_) => {}
                    Err(err) => out.push(Source::Broken {
                        path: err.path().map_or_else(
                            || path.display().to_string(),
                            |p| p.display().to_string(),
                        ),
                        code: ErrorKind::Io,
                        message: err.to_string(),
                    }),
                }
            }
        } else if path.exists() {
            push_file(path, limits, &mut out);
        } else {
            out.push(Source::Broken {
                path: path.display().to_string(),
                code: ErrorKind::Io,
                message: "no such file or directory".into(),
            });
        }
    }
    out
}

fn push_file(path: &Path, limits: &Limits, out: &mut Vec<Source>) {
    if !is_zip(path) {
        out.push(Source::File(path.to_path_buf()));
        return;
    }
    match list_zip(path, limits) {
        Ok(entries) => out.extend(entries),
        Err(e) => out.push(Source::Broken {
            path: path.display().to_string(),
            code: e.kind(),
            message: e.message().to_string(),
        }),
    }
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<BufReader<File>>> {
    let file = File::open(path).map_err(|e| Error::io(path.display(), e))?;
    zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        Error::new(
            ErrorKind::ArchiveRefused,
            format!("{}: not a readable zip archive: {e}", path.display()),
        )
    })
}

fn list_zip(path: &Path, limits: &Limits) -> Result<Vec<Source>> {
    let file = File::open(path).map_err(|e| Error::io(path.display(), e))?;
    let listing = list_archive(BufReader::new(file), limits)
        .map_err(|e| Error::new(e.kind(), format!("{}: {}", path.display(), e.message())))?;
    Ok(listing
        .into_iter()
        .map(|entry| match entry.status {
            Ok(Where::Index(index)) => Source::ZipEntry {
                archive: path.to_path_buf(),
                index,
                name: entry.name,
            },
            Ok(Where::Record(_)) => Source::Broken {
                path: format!("{}!{}", path.display(), entry.name),
                code: ErrorKind::ArchiveRefused,
                message: "a hidden duplicate entry".into(),
            },
            Err(e) => Source::Broken {
                path: format!("{}!{}", path.display(), entry.name),
                code: e.kind(),
                message: e.message().to_string(),
            },
        })
        .collect())
}

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
/// archive is refused (`archive_refused`) when it has more than `max_archive_entries`
/// entries, a central directory that does not add up, data before it, or a total declared
/// size over `max_archive_bytes`. An entry is refused on its own for an unsafe name, a
/// duplicate (also case-only) name, a symbolic link, encryption, a compression method other
/// than stored/deflate, a local header that disagrees with the central one, overlapping
/// another entry, a declared size over `max_input_bytes` (`input_too_large`) or a
/// compression ratio over `max_compression_ratio`. Nothing is decompressed here.
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
    if total > limits.max_archive_bytes {
        return Err(refused(format!(
            "the entries declare {total} uncompressed bytes; the limit is {}",
            limits.max_archive_bytes
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
    let ratio = u64::from(limits.max_compression_ratio);
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

/// Read one input's bytes, refusing anything over `max_bytes` before reading it.
pub fn read(source: &Source, max_bytes: u64) -> Result<Vec<u8>> {
    match source {
        Source::File(path) => read_file(path, max_bytes),
        Source::ZipEntry {
            archive,
            index,
            name,
        } => read_zip_entry(archive, *index, name, max_bytes),
        Source::Broken { code, message, .. } => Err(Error::new(*code, message.clone())),
    }
}

/// Read a file through a byte cap.
pub fn read_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let file = File::open(path).map_err(|e| Error::io(path.display(), e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io(path.display(), e))?
        .len();
    if len > max_bytes {
        return Err(too_large(len, max_bytes));
    }
    let mut data = Vec::with_capacity(len as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut data)
        .map_err(|e| Error::io(path.display(), e))?;
    if data.len() as u64 > max_bytes {
        return Err(too_large(data.len() as u64, max_bytes));
    }
    Ok(data)
}

fn too_large(len: u64, max: u64) -> Error {
    Error::new(
        ErrorKind::InputTooLarge,
        format!("input is {len} bytes; the limit is {max}"),
    )
}

fn read_zip_entry(archive: &Path, index: usize, name: &str, max_bytes: u64) -> Result<Vec<u8>> {
    if !safe_entry_name(name) {
        return Err(Error::new(
            ErrorKind::ArchiveRefused,
            format!("unsafe entry name {name:?} (absolute, drive, `..` or control characters)"),
        ));
    }
    // Each worker keeps its last archive open: re-parsing the central directory per entry
    // would make a large archive quadratic.
    thread_local! {
        static OPEN: std::cell::RefCell<Option<(PathBuf, zip::ZipArchive<BufReader<File>>)>> =
            const { std::cell::RefCell::new(None) };
    }
    OPEN.with(|open| {
        let mut open = open.borrow_mut();
        if open.as_ref().is_none_or(|(p, _)| p != archive) {
            *open = Some((archive.to_path_buf(), open_zip(archive)?));
        }
        let (_, zip) = open.as_mut().expect("just opened");
        read_entry(zip, index, name, max_bytes)
    })
}

fn read_entry<R: Read + Seek>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_refused_not_rewritten() {
        for bad in [
            "../x.jpg",
            "a/../../x.jpg",
            "/etc/x.jpg",
            "C:\\x.jpg",
            "C:x.jpg",
            "a\\b.jpg",
            "",
            "a/./b",
        ] {
            assert!(!safe_entry_name(bad), "{bad:?}");
        }
        for good in ["x.jpg", "dir/x.jpg", "a..b.jpg"] {
            assert!(safe_entry_name(good), "{good:?}");
        }
    }
}
