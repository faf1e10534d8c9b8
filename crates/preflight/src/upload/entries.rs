//! The zip's entries as readers see them: a name that several entries share resolves to the
//! last copy (Python's `zipfile`, JSZip and `unzip` all keep the last one), and duplicates are
//! judged by whether any reader could get another file than the job means.

use super::{ReadZip, ZipEntry, ZipFinding};
use crate::protocol::{self, ServiceCode};
use crate::report::Severity;
use std::collections::{BTreeMap, HashSet};

/// The entry a reader gets for `name`: the last one so named.
pub(super) fn by_name<'a>(read: &'a ReadZip, name: &str) -> Option<&'a ZipEntry> {
    read.entries.iter().rev().find(|e| e.name == name)
}

/// Entries `info.json` does not list (warn: the service ignores them) and names shared by
/// several entries. Copies with the same bytes, or of a name the job does not use (the
/// Python SDK writes one `base64imgString` entry per inline image), are a warning: every
/// reader ends with the same job. Copies that differ under a name the job uses (`info.json`
/// or a listed image) are `0903`: which file the service reads is a guess.
pub(super) fn check_entries(read: &ReadZip, listed: &HashSet<&str>, f: &mut Vec<ZipFinding>) {
    let mut copies: BTreeMap<&str, Vec<&ZipEntry>> = BTreeMap::new();
    for e in &read.entries {
        copies.entry(e.name.as_str()).or_default().push(e);
    }
    for e in &read.entries {
        let first = copies[e.name.as_str()][0];
        if !std::ptr::eq(first, e) {
            continue; // one finding per name
        }
        let used = e.name == protocol::INFO_JSON || listed.contains(e.name.as_str());
        if !used {
            f.push(
                ZipFinding::note(
                    "stray_entry",
                    Severity::Warn,
                    format!("{}: in the zip but not listed in info.json", e.name),
                )
                .at(e.name.clone()),
            );
        }
        let same = &copies[e.name.as_str()];
        if same.len() < 2 {
            continue;
        }
        let identical = same.iter().all(|c| c.data == first.data);
        let n = same.len();
        let finding = if identical {
            ZipFinding::note(
                "duplicate_entry",
                Severity::Warn,
                format!("{n} entries are named {:?}, all with the same bytes: every reader gets the same file", e.name),
            )
        } else if !used {
            ZipFinding::note(
                "duplicate_entry",
                Severity::Warn,
                format!(
                    "{n} different entries are named {:?}; readers keep the last, and the job does not use the name",
                    e.name
                ),
            )
        } else {
            ZipFinding::new(
                ServiceCode::ZipCorrupt,
                "duplicate_entry_conflict",
                format!(
                    "{n} entries named {:?} hold different files: which one the service reads is a guess (common readers keep the last)",
                    e.name
                ),
            )
        };
        f.push(finding.at(e.name.clone()));
    }
}
