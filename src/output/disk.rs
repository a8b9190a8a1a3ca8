//! `DiskOutput`: writes a build into its output folder in place, only the files whose bytes
//! changed. Why in place: a build that wrote a fresh tree and deleted the previous one created
//! and freed tens of thousands of inodes per build, which ext4 makes slower with every rebuild
//! (it skips inodes freed in the last minute), and gave every file a new modification time, so
//! mirroring tools uploaded the whole site after a one-line edit.
//!
//! While the site renders, a file whose bytes the manifest already records is dropped, and a
//! changed one goes into `.renkei-pending/` inside the output folder (the same file system, so
//! the final rename is atomic). Nothing visible changes until the whole build succeeded; then
//! the journal (journal.rs) renames the pending files into place and deletes the files the site
//! no longer has. A first build into a missing or empty folder has nothing to keep and writes
//! every file at its place directly; a failed one deletes what it wrote.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use super::guard::{self, Found};
use super::journal::{self, JOURNAL, Journal, PENDING};
use super::manifest::{self, MANIFEST, Manifest, Recorded};
use super::{MARKER, MARKER_TEXT, Output};
use crate::diag::Diagnostic;

/// Writes a build into its output folder; `commit` makes it the site, `abandon` drops it.
#[derive(Debug)]
pub struct DiskOutput {
    target: PathBuf,
    /// The folder was missing or held no file: files are written at their place directly.
    first: Option<Found>,
    /// The previous build's files and hashes (empty for a first build or `--clean`).
    manifest: Manifest,
    /// Output file → what this build made of it.
    written: Mutex<HashMap<String, Written>>,
    /// Folders this build made sure exist (a first build creates each once).
    folders: Mutex<HashSet<PathBuf>>,
    pending: OnceLock<Result<(), String>>,
    next_pending: AtomicU64,
}

/// One file of the new site.
#[derive(Debug, Clone, Copy)]
struct Written {
    recorded: Recorded,
    /// Its number in `.renkei-pending/` when its bytes changed; `None`: already in place.
    pending: Option<u64>,
}

impl DiskOutput {
    /// Checks that `target` may be written into, finishes what a killed build left, and reads
    /// what the folder holds. `clean`: trust no file of the previous build and write every file
    /// again (`renkei build --clean`); files the site does not have are deleted either way.
    pub fn prepare(target: &Path, clean: bool) -> Result<DiskOutput, Diagnostic> {
        let parent =
            target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_owned());
        guard::restore_interrupted_swap(target, parent, &name);
        let found = guard::check_replaceable(target)?;
        guard::remove_stale_siblings(parent, &name);
        let holds_files = match found {
            Found::Ours => {
                recover(target)?;
                holds_files(target).map_err(|e| cannot_use(target, &e))?
            }
            Found::Missing | Found::Empty => false,
        };
        let first = (!holds_files).then_some(found);
        if first.is_some() {
            fs::create_dir_all(target).map_err(|e| cannot_use(target, &e))?;
        }
        if found != Found::Ours {
            fs::write(target.join(MARKER), MARKER_TEXT).map_err(|e| cannot_use(target, &e))?;
        }
        let manifest =
            if clean || first.is_some() { Manifest::default() } else { Manifest::load(target) };
        Ok(DiskOutput {
            target: target.to_path_buf(),
            first,
            manifest,
            written: Mutex::default(),
            folders: Mutex::default(),
            pending: OnceLock::new(),
            next_pending: AtomicU64::new(0),
        })
    }

    /// Makes the finished build the site: for a first build, records its manifest; else
    /// renames the changed files into place and deletes the files the site no longer has,
    /// through the journal. A build with no change writes nothing at all.
    pub fn commit(self) -> Result<(), Diagnostic> {
        let target = self.target.clone();
        let written = self.written.into_inner().unwrap_or_else(|p| p.into_inner());
        let manifest_text = manifest::render(written.iter().map(|(p, w)| (p.as_str(), w.recorded)));
        let manifest_error = |e: io::Error| {
            Diagnostic::new(
                target.join(MANIFEST),
                crate::msg!("output.manifest", error = e.to_string()),
            )
        };
        if self.first.is_some() {
            return manifest::replace_file(&target, MANIFEST, &manifest_text)
                .map_err(manifest_error);
        }
        // Listed now rather than before the build, so that the build does not hold the list:
        // until the commit, a rebuild writes nothing but `.renkei-pending/`.
        let existing = list_files(&target).map_err(|e| cannot_use(&target, &e))?;
        let mut deletions: Vec<String> =
            existing.into_iter().filter(|path| !written.contains_key(path)).collect();
        deletions.sort_unstable();
        let mut renames: Vec<(u64, String)> = written
            .iter()
            .filter_map(|(path, w)| w.pending.map(|number| (number, path.clone())))
            .collect();
        renames.sort_unstable_by(|a, b| a.1.cmp(&b.1));
        let journal = Journal { deletions, renames };
        let same_manifest =
            self.manifest.lists_exactly(written.iter().map(|(p, w)| (p.as_str(), w.recorded)));
        if journal.is_empty() && same_manifest {
            return journal::remove_unfinished(&target).map_err(|e| cannot_use(&target, &e));
        }
        fs::write(target.join(format!("{MANIFEST}.new")), &manifest_text)
            .map_err(manifest_error)?;
        journal.record(&target).map_err(|e| {
            Diagnostic::new(
                target.join(JOURNAL),
                crate::msg!("output.journal", error = e.to_string()),
            )
        })?;
        journal.apply(&target)
    }

    /// Throws the unfinished build away: the folder is as it was before `prepare`.
    pub fn abandon(self) {
        let Some(found) = self.first else {
            let _ = journal::remove_unfinished(&self.target);
            return;
        };
        let written = self.written.into_inner().unwrap_or_else(|p| p.into_inner());
        for path in written.keys() {
            let _ = fs::remove_file(self.target.join(path));
        }
        let mut folders: Vec<PathBuf> =
            self.folders.into_inner().unwrap_or_else(|p| p.into_inner()).into_iter().collect();
        folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
        for folder in folders {
            let _ = fs::remove_dir(folder);
        }
        match found {
            Found::Missing => {
                let _ = fs::remove_file(self.target.join(MARKER));
                let _ = fs::remove_dir(&self.target);
            }
            Found::Empty => {
                let _ = fs::remove_file(self.target.join(MARKER));
            }
            Found::Ours => {}
        }
    }

    /// Writes `bytes` at `file` (a first build): its folder is created once, by the first
    /// file that needs it; a file that finds it claimed but not yet made makes it too.
    fn write_in_place(&self, file: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Some(folder) = file.parent().filter(|f| *f != self.target) {
            let claimed = {
                let mut folders = self.folders.lock().unwrap_or_else(|p| p.into_inner());
                !folders.insert(folder.to_path_buf())
            };
            if !claimed {
                fs::create_dir_all(folder)?;
                self.claim_ancestors(folder);
            }
        }
        match fs::write(file, bytes) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                fs::create_dir_all(file.parent().unwrap_or(&self.target))?;
                fs::write(file, bytes)
            }
            done => done,
        }
    }

    /// Records the folders above `folder` as existing, for `abandon` to remove.
    fn claim_ancestors(&self, folder: &Path) {
        let mut folders = self.folders.lock().unwrap_or_else(|p| p.into_inner());
        let mut current = folder.parent();
        while let Some(dir) = current.filter(|d| *d != self.target && d.starts_with(&self.target)) {
            if !folders.insert(dir.to_path_buf()) {
                break;
            }
            current = dir.parent();
        }
    }

    /// Writes `bytes` into `.renkei-pending/` (a rebuild); returns its number there.
    fn write_pending(&self, bytes: &[u8]) -> io::Result<u64> {
        let pending = self.target.join(PENDING);
        let made =
            self.pending.get_or_init(|| fs::create_dir_all(&pending).map_err(|e| e.to_string()));
        if let Err(error) = made {
            return Err(io::Error::other(format!("cannot create {}: {error}", pending.display())));
        }
        let number = self.next_pending.fetch_add(1, Ordering::Relaxed);
        fs::write(pending.join(number.to_string()), bytes)?;
        Ok(number)
    }
}

impl Output for DiskOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_page(path, bytes, 0)
    }

    fn keeps_pages(&self) -> bool {
        true
    }

    fn keep_page(&self, path: &str, made_from: u64) -> bool {
        if self.first.is_some() {
            return false;
        }
        let Some(recorded) = self.manifest.page_made_from(path, &self.target.join(path), made_from)
        else {
            return false;
        };
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        written.insert(path.to_owned(), Written { recorded, pending: None });
        true
    }

    fn write_page(&self, path: &str, bytes: &[u8], made_from: u64) -> io::Result<()> {
        if path.starts_with(".renkei-") {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "`{path}`: names starting with `.renkei-` are Renkei's own in the output folder"
                ),
            ));
        }
        let recorded =
            Recorded { hash: manifest::hash(bytes), size: bytes.len() as u64, made_from };
        let file = self.target.join(path);
        let pending = if self.first.is_some() {
            self.write_in_place(&file, bytes)?;
            None
        } else if self.manifest.unchanged(path, &file, recorded) {
            None
        } else {
            Some(self.write_pending(bytes)?)
        };
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        written.insert(path.to_owned(), Written { recorded, pending });
        Ok(())
    }
}

/// Finishes what a killed build left in the folder: its journal carried out to the end, or its
/// pending files (from before its commit) deleted.
fn recover(target: &Path) -> Result<(), Diagnostic> {
    match Journal::load(target) {
        Ok(Some(journal)) => journal.apply(target)?,
        Ok(None) => {}
        Err(_) => {
            // Damaged (it is written whole, so only a failing disk does that): forget the
            // manifest too, so that every file is written again.
            for name in [JOURNAL, MANIFEST] {
                let _ = fs::remove_file(target.join(name));
            }
        }
    }
    journal::remove_unfinished(target).map_err(|e| cannot_use(target, &e))
}

/// The files in the output folder (relative, `/`-separated), Renkei's own files aside.
fn list_files(target: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in site_files(target) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(target).map_err(io::Error::other)?;
        let parts: Vec<String> =
            relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        files.push(parts.join("/"));
    }
    Ok(files)
}

/// Whether the output folder holds a file of a site (Renkei's own files aside).
fn holds_files(target: &Path) -> io::Result<bool> {
    site_files(target).next().transpose().map(|first| first.is_some())
}

/// The files under `target`, its folders and Renkei's own files (at its top) left out.
fn site_files(target: &Path) -> impl Iterator<Item = io::Result<walkdir::DirEntry>> {
    let own = |name: &str| {
        name == MARKER
            || name == MANIFEST
            || name == JOURNAL
            || name == PENDING
            || name.starts_with(".renkei-")
    };
    walkdir::WalkDir::new(target)
        .min_depth(1)
        .into_iter()
        .filter_entry(move |entry| entry.depth() > 1 || !own(&entry.file_name().to_string_lossy()))
        .filter_map(|entry| match entry {
            Ok(entry) if entry.file_type().is_dir() => None,
            Ok(entry) => Some(Ok(entry)),
            Err(error) => Some(Err(io::Error::other(error))),
        })
}

fn cannot_use(target: &Path, error: &io::Error) -> Diagnostic {
    Diagnostic::new(target, crate::msg!("output.cannot_write", error = error.to_string()))
        .with_help(crate::msg!("output.cannot_write_help"))
}
