//! Which folders a build may write into: none, an empty one, or one holding Renkei's marker
//! (`--output ~` must never delete anything). Also clears what earlier versions of Renkei, which
//! built into a staging folder beside the output and swapped it in, may have left beside it.

use std::fs;
use std::io;
use std::path::Path;

use super::MARKER;
use crate::diag::Diagnostic;

/// What the output folder is before a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    Missing,
    /// An empty folder without the marker: Renkei may take it.
    Empty,
    /// A folder with the marker.
    Ours,
}

/// The output may be written into when it is missing, empty, or carries the marker.
pub(crate) fn check_replaceable(target: &Path) -> Result<Found, Diagnostic> {
    let metadata = match fs::symlink_metadata(target) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Found::Missing),
        Err(error) => {
            return Err(Diagnostic::new(
                target,
                crate::msg!("output.cannot_inspect", error = error.to_string()),
            ));
        }
        Ok(metadata) => metadata,
    };
    let refuse = |why: crate::messages::Text| {
        let folder = target.display().to_string();
        Diagnostic::new(target, crate::msg!("output.refuse", folder = folder, why = why))
            .with_help(crate::msg!("output.refuse_help"))
    };
    if !metadata.is_dir() {
        return Err(refuse(crate::msg!("output.not_a_folder")));
    }
    if target.join(MARKER).is_file() {
        return Ok(Found::Ours);
    }
    let empty = fs::read_dir(target).map(|mut entries| entries.next().is_none()).unwrap_or(false);
    if empty { Ok(Found::Empty) } else { Err(refuse(crate::msg!("output.not_ours"))) }
}

/// Earlier versions swapped a staging folder in: one killed between the two renames of that
/// swap left the previous site under its `.renkei-old-` name and no target. Put it back, so
/// that it is neither lost nor deleted as stale.
pub(crate) fn restore_interrupted_swap(target: &Path, parent: &Path, name: &str) {
    if fs::symlink_metadata(target).is_ok() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else { return };
    let old = entries.flatten().map(|e| e.path()).find(|path| {
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        file_name.is_some_and(|n| n.starts_with(&format!("{name}.renkei-old-")))
            && path.join(MARKER).is_file()
    });
    if let Some(old) = old {
        let _ = fs::rename(old, target);
    }
}

/// Staging and old folders that a killed build of an earlier version left (they carry the
/// marker).
pub(crate) fn remove_stale_siblings(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let ours = file_name.starts_with(&format!("{name}.renkei-staging-"))
            || file_name.starts_with(&format!("{name}.renkei-old-"));
        if ours && entry.path().join(MARKER).is_file() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
