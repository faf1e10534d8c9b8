//! Where inputs come from: files, directories (walked recursively, sorted) and `.zip`
//! archives (entries read in memory through a byte cap, never extracted to disk).

mod archive;
mod central;

use archive::read_entry;
pub use archive::{
    list_archive, read_archive, read_archive_with_duplicates, safe_entry_name, Where,
};

use crate::error::{Error, ErrorKind, Result};
use crate::policy::Limits;
use std::fs::File;
use std::io::{BufReader, Read};
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

pub(super) fn too_large(len: u64, max: u64) -> Error {
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
