//! Our own reading of a zip archive's end record and central directory.
//!
//! The zip crate keeps one entry per name (a duplicate hides the others), rewrites unsafe
//! names, and trusts declared sizes. To refuse rather than guess, the records are read here
//! as stored: every central-directory record, the local header it points at (its name must
//! match), and where its data ends (for the overlap check). Nothing is decompressed, and no
//! buffer is sized from a declared length before that length is checked against the file.

use crate::error::{Error, ErrorKind, Result};
use crate::policy::Limits;
use std::io::{Read, Seek, SeekFrom};

/// Largest central directory read into memory (10,000 entries take ~1 MB).
pub const MAX_CENTRAL_DIRECTORY: u64 = 64 << 20;

/// One central-directory record, as stored.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The raw name bytes.
    pub name: Vec<u8>,
    /// General-purpose flags (bit 0: encrypted).
    pub flags: u16,
    /// Compression method (0 stored, 8 deflate).
    pub method: u16,
    /// "Version made by" (high byte: host system, 3 = Unix).
    pub made_by: u16,
    /// External attributes (Unix mode in the high 16 bits).
    pub external: u32,
    /// Declared CRC-32 of the uncompressed data.
    pub crc32: u32,
    /// Declared compressed size.
    pub compressed: u64,
    /// Declared uncompressed size.
    pub uncompressed: u64,
    /// Offset of the local header.
    pub local_offset: u64,
    /// Offset just past the entry's compressed data.
    pub data_end: u64,
    /// Why the local header disagrees with this record, if it does.
    pub local_mismatch: Option<String>,
}

impl Entry {
    /// A Unix symbolic link (mode `S_IFLNK`).
    pub fn is_symlink(&self) -> bool {
        self.made_by >> 8 == 3 && (self.external >> 16) & 0o170000 == 0o120000
    }
}

fn refused(why: impl Into<String>) -> Error {
    Error::new(ErrorKind::ArchiveRefused, why.into())
}

fn u16le(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32le(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64le(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn read_at<R: Read + Seek>(r: &mut R, at: u64, buf: &mut [u8]) -> Result<()> {
    r.seek(SeekFrom::Start(at))
        .and_then(|_| r.read_exact(buf))
        .map_err(|e| refused(format!("archive read at offset {at} failed: {e}")))
}

/// Where the central directory is and how many records it holds.
struct Directory {
    entries: u64,
    offset: u64,
    size: u64,
}

fn find_directory<R: Read + Seek>(r: &mut R, len: u64) -> Result<Directory> {
    let tail_len = len.min(22 + 0xFFFF);
    let mut tail = vec![0u8; tail_len as usize];
    read_at(r, len - tail_len, &mut tail)?;
    // The last end record whose comment fits in the file.
    let pos = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| {
            tail[i..].starts_with(b"PK\x05\x06")
                && i + 22 + usize::from(u16le(&tail, i + 20)) <= tail.len()
        })
        .ok_or_else(|| refused("not a zip archive: no end of central directory record"))?;
    let eocd_at = len - tail_len + pos as u64;
    let e = &tail[pos..pos + 22];
    if u16le(e, 4) != 0 || u16le(e, 6) != 0 || u16le(e, 8) != u16le(e, 10) {
        return Err(refused("multi-disk (spanned) archives are refused"));
    }
    let mut dir = Directory {
        entries: u64::from(u16le(e, 10)),
        size: u64::from(u32le(e, 12)),
        offset: u64::from(u32le(e, 16)),
    };
    let mut dir_end_expected = eocd_at;
    if dir.entries == 0xFFFF || dir.size == 0xFFFF_FFFF || dir.offset == 0xFFFF_FFFF {
        // ZIP64: the locator sits just before the end record.
        let loc_at = eocd_at
            .checked_sub(20)
            .ok_or_else(|| refused("ZIP64 locator missing"))?;
        let mut loc = [0u8; 20];
        read_at(r, loc_at, &mut loc)?;
        if !loc.starts_with(b"PK\x06\x07") {
            return Err(refused("ZIP64 locator missing"));
        }
        let z64_at = u64le(&loc, 8);
        if z64_at.checked_add(56).is_none_or(|end| end > loc_at) {
            return Err(refused("ZIP64 end record out of place"));
        }
        let mut z = [0u8; 56];
        read_at(r, z64_at, &mut z)?;
        if !z.starts_with(b"PK\x06\x06") {
            return Err(refused("ZIP64 end record missing"));
        }
        dir = Directory {
            entries: u64le(&z, 32),
            size: u64le(&z, 40),
            offset: u64le(&z, 48),
        };
        dir_end_expected = z64_at;
    }
    if dir.offset.checked_add(dir.size) != Some(dir_end_expected) {
        return Err(refused(
            "the central directory is not where the end record says (data before the archive, \
             or concatenated archives)",
        ));
    }
    Ok(dir)
}

/// Read and check the central directory and every local header.
pub fn read<R: Read + Seek>(r: &mut R, limits: &Limits) -> Result<Vec<Entry>> {
    let len = r
        .seek(SeekFrom::End(0))
        .map_err(|e| refused(format!("seek failed: {e}")))?;
    if len < 22 {
        return Err(refused(format!("not a zip archive ({len} bytes)")));
    }
    let dir = find_directory(r, len)?;
    if dir.entries > u64::from(limits.archive.max_entries) {
        return Err(refused(format!(
            "the archive has {} entries; the limit is {}",
            dir.entries, limits.archive.max_entries
        )));
    }
    if dir.size > MAX_CENTRAL_DIRECTORY || dir.size < dir.entries.saturating_mul(46) {
        return Err(refused(format!(
            "a central directory of {} bytes cannot hold {} entries",
            dir.size, dir.entries
        )));
    }
    let mut cd = vec![0u8; dir.size as usize];
    read_at(r, dir.offset, &mut cd)?;
    let mut out = Vec::with_capacity(dir.entries as usize);
    let mut at = 0usize;
    for i in 0..dir.entries {
        let rec = cd
            .get(at..at + 46)
            .filter(|h| h.starts_with(b"PK\x01\x02"))
            .ok_or_else(|| refused(format!("central directory record {i} is broken")))?;
        let (nlen, elen, clen) = (
            usize::from(u16le(rec, 28)),
            usize::from(u16le(rec, 30)),
            usize::from(u16le(rec, 32)),
        );
        let mut e = Entry {
            made_by: u16le(rec, 4),
            flags: u16le(rec, 8),
            method: u16le(rec, 10),
            crc32: u32le(rec, 16),
            compressed: u64::from(u32le(rec, 20)),
            uncompressed: u64::from(u32le(rec, 24)),
            external: u32le(rec, 38),
            local_offset: u64::from(u32le(rec, 42)),
            name: Vec::new(),
            data_end: 0,
            local_mismatch: None,
        };
        let name_at = at + 46;
        let end = name_at + nlen + elen + clen;
        let body = cd
            .get(name_at..end)
            .ok_or_else(|| refused(format!("central directory record {i} overruns")))?;
        e.name = body[..nlen].to_vec();
        zip64_extra(&body[nlen..nlen + elen], &mut e);
        at = end;
        out.push(e);
    }
    if at != cd.len() {
        return Err(refused(format!(
            "{} bytes of the central directory are not in any of its {} records",
            cd.len() - at,
            dir.entries
        )));
    }
    for e in &mut out {
        local_header(r, e, dir.offset)?;
    }
    Ok(out)
}

/// Apply the ZIP64 extended-information extra field (id 1) to the 32-bit placeholders.
fn zip64_extra(mut extra: &[u8], e: &mut Entry) {
    while extra.len() >= 4 {
        let (id, size) = (u16le(extra, 0), usize::from(u16le(extra, 2)));
        let Some(data) = extra.get(4..4 + size) else {
            return;
        };
        if id == 1 {
            let mut d = data;
            let mut take = |field: &mut u64| {
                if *field == 0xFFFF_FFFF && d.len() >= 8 {
                    *field = u64le(d, 0);
                    d = &d[8..];
                }
            };
            take(&mut e.uncompressed);
            take(&mut e.compressed);
            take(&mut e.local_offset);
        }
        extra = &extra[4 + size..];
    }
}

/// Check the local header against the central record and find where the data ends.
fn local_header<R: Read + Seek>(r: &mut R, e: &mut Entry, dir_offset: u64) -> Result<()> {
    let mut h = [0u8; 30];
    if e.local_offset
        .checked_add(30)
        .is_none_or(|end| end > dir_offset)
    {
        e.local_mismatch = Some("the local header is outside the archive's data".into());
        e.data_end = e.local_offset;
        return Ok(());
    }
    read_at(r, e.local_offset, &mut h)?;
    if !h.starts_with(b"PK\x03\x04") {
        e.local_mismatch = Some("no local header where the central directory points".into());
        e.data_end = e.local_offset + 30;
        return Ok(());
    }
    let (nlen, elen) = (u64::from(u16le(&h, 26)), u64::from(u16le(&h, 28)));
    let data_start = e.local_offset + 30 + nlen + elen;
    e.data_end = data_start.saturating_add(e.compressed);
    if e.data_end > dir_offset {
        e.local_mismatch = Some(format!(
            "declares {} compressed bytes, past the end of the archive's data",
            e.compressed
        ));
        return Ok(());
    }
    if u16le(&h, 8) != e.method {
        e.local_mismatch = Some("local and central headers disagree on the method".into());
        return Ok(());
    }
    if nlen as usize != e.name.len() {
        e.local_mismatch = Some("local and central headers disagree on the name".into());
        return Ok(());
    }
    let mut name = vec![0u8; nlen as usize];
    read_at(r, e.local_offset + 30, &mut name)?;
    if name != e.name {
        e.local_mismatch = Some(format!(
            "the local header names it {:?}",
            String::from_utf8_lossy(&name)
        ));
    }
    Ok(())
}
