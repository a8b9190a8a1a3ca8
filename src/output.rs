//! Output: where rendered files go. `DiskOutput` builds the site in a staging folder beside the
//! target and swaps it in only when the whole build succeeded, so a failed or killed build never
//! touches the previous site; it refuses to replace a folder that Renkei did not create.
//! `MemoryOutput` keeps files in memory, for tests and `check`.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::diag::Diagnostic;

/// The file that marks a folder as Renkei's own output.
pub const MARKER: &str = ".renkei-output";
const MARKER_TEXT: &str =
    "This folder is written by `renkei build` and replaced as a whole on every build.\n";

/// A sink for the files of a build. `path` is relative to the output root, `/`-separated.
pub trait Output: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Writes a page that a rebuild may hand over again unchanged; a sink that keeps files in
    /// memory can keep the `Arc` rather than copy the bytes.
    fn write_shared(&self, path: &str, bytes: Arc<[u8]>) -> io::Result<()> {
        self.write(path, &bytes)
    }
}

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct MemoryOutput {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Output for MemoryOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let mut files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(path.to_owned(), bytes.to_vec());
        Ok(())
    }
}

/// Discards everything: `renkei check` renders every page but writes nothing.
#[derive(Debug, Default)]
pub struct NullOutput;

impl Output for NullOutput {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }
}

/// Writes into a staging folder; `commit` swaps it in place of the target.
#[derive(Debug)]
pub struct DiskOutput {
    target: PathBuf,
    staging: PathBuf,
}

impl DiskOutput {
    /// Checks that `target` may be replaced and creates the staging folder beside it.
    pub fn prepare(target: &Path) -> Result<DiskOutput, Diagnostic> {
        let parent =
            target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_owned());
        restore_interrupted_swap(target, parent, &name);
        check_replaceable(target)?;
        remove_stale_siblings(parent, &name);
        let staging = parent.join(format!("{name}.renkei-staging-{}", std::process::id()));
        let created = fs::create_dir_all(&staging)
            .and_then(|()| fs::write(staging.join(MARKER), MARKER_TEXT));
        created.map_err(|error| {
            Diagnostic::new(&staging, format!("cannot create the staging folder: {error}"))
                .with_help("the folder that holds the output must be writable")
        })?;
        Ok(DiskOutput { target: target.to_path_buf(), staging })
    }

    /// Replaces the target with the finished build: the old output moves aside, the new one
    /// takes its name, then the old one is deleted. Where the system can, both names change in
    /// one atomic step; elsewhere a build killed between two renames is repaired by the next
    /// `prepare` (`restore_interrupted_swap`).
    pub fn commit(self) -> io::Result<()> {
        let old = self.staging.with_file_name(format!(
            "{}.renkei-old-{}",
            self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            std::process::id()
        ));
        let had_target = self.target.exists();
        if had_target && exchange(&self.staging, &self.target)? {
            // The previous site now has the staging name; give it the old one before deleting.
            fs::rename(&self.staging, &old)?;
            return remove_output(&old);
        }
        if had_target {
            fs::rename(&self.target, &old)?;
        }
        if let Err(error) = fs::rename(&self.staging, &self.target) {
            if had_target {
                // Put the previous site back rather than leave nothing.
                let _ = fs::rename(&old, &self.target);
            }
            return Err(error);
        }
        if had_target {
            remove_output(&old)?;
        }
        Ok(())
    }

    /// Throws the unfinished build away; the target is untouched.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }
}

impl Output for DiskOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let file = self.staging.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(file, bytes)
    }
}

/// Swaps the names of two folders atomically; `Ok(false)` where the system or file system
/// cannot, so that the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Deletes a previous output, its marker last: a build killed while deleting it leaves a
/// folder that still carries the marker, which the next build recognises and deletes.
fn remove_output(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().filter(|entry| entry.file_name() != MARKER).try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    // An empty folder that the first build replaced has no marker.
    match fs::remove_file(dir.join(MARKER)) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
        _ => {}
    }
    fs::remove_dir(dir)
}

/// Deletes a folder tree, its subfolders in parallel: deleting the previous site is as large a
/// job as writing the new one (tens of thousands of files), and file systems mounted with
/// `discard` make each deletion slow.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|entry| {
        if entry.file_type()?.is_dir() {
            remove_tree(&entry.path())
        } else {
            fs::remove_file(entry.path())
        }
    })?;
    fs::remove_dir(dir)
}

/// The output may replace: nothing, an empty folder, or a folder with the marker.
fn check_replaceable(target: &Path) -> Result<(), Diagnostic> {
    let metadata = match fs::symlink_metadata(target) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(Diagnostic::new(
                target,
                format!("cannot inspect the output folder: {error}"),
            ));
        }
        Ok(metadata) => metadata,
    };
    let refuse = |why: &str| {
        Diagnostic::new(target, format!("refusing to replace `{}`: {why}", target.display()))
            .with_help("choose another --output; renkei only replaces folders it created (they hold a `.renkei-output` file)")
    };
    if !metadata.is_dir() {
        return Err(refuse("it is not a folder"));
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(target).map(|mut entries| entries.next().is_none()).unwrap_or(false);
    if empty { Ok(()) } else { Err(refuse("it was not created by renkei")) }
}

/// A build killed between the two renames of `commit` leaves the previous site under its
/// `.renkei-old-` name and no target: put it back, so that it is neither lost nor deleted as stale.
fn restore_interrupted_swap(target: &Path, parent: &Path, name: &str) {
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

/// Staging and old folders that a killed build left behind (they carry the marker).
fn remove_stale_siblings(parent: &Path, name: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_folder_it_did_not_create() {
        let dir = tempfile::tempdir().ok();
        let Some(dir) = dir else { return };
        fs::write(dir.path().join("precious.txt"), "keep").ok();
        let error = DiskOutput::prepare(dir.path()).err();
        assert!(error.is_some_and(|d| d.message.contains("refusing")));
        assert!(dir.path().join("precious.txt").exists());
    }

    #[test]
    fn commit_replaces_and_abandon_keeps() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let target = dir.path().join("public");
        let first = DiskOutput::prepare(&target).ok();
        assert!(first.as_ref().is_some_and(|o| o.write("a.html", b"1").is_ok()));
        assert!(first.is_some_and(|o| o.commit().is_ok()));
        let second = DiskOutput::prepare(&target).ok();
        assert!(second.as_ref().is_some_and(|o| o.write("a.html", b"2").is_ok()));
        if let Some(second) = second {
            second.abandon();
        }
        assert_eq!(fs::read(target.join("a.html")).ok(), Some(b"1".to_vec()));
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(1));
    }

    #[test]
    fn the_first_build_replaces_an_empty_folder() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let target = dir.path().join("public");
        assert!(fs::create_dir(&target).is_ok());
        let first = DiskOutput::prepare(&target).ok();
        assert!(first.as_ref().is_some_and(|o| o.write("a.html", b"1").is_ok()));
        assert!(first.is_some_and(|o| o.commit().is_ok()));
        assert_eq!(fs::read(target.join("a.html")).ok(), Some(b"1".to_vec()));
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(1));
    }

    #[test]
    fn a_swap_killed_between_its_renames_gets_the_previous_site_back() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let target = dir.path().join("public");
        let first = DiskOutput::prepare(&target).ok();
        assert!(first.as_ref().is_some_and(|o| o.write("a.html", b"1").is_ok()));
        assert!(first.is_some_and(|o| o.commit().is_ok()));
        // What `commit` leaves when killed right after its first rename.
        let old = dir.path().join("public.renkei-old-99999");
        assert!(fs::rename(&target, &old).is_ok());
        let second = DiskOutput::prepare(&target).ok();
        assert_eq!(fs::read(target.join("a.html")).ok(), Some(b"1".to_vec()));
        assert!(!old.exists());
        if let Some(second) = second {
            second.abandon();
        }
    }
}
