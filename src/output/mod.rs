//! Output: where rendered files go. `DiskOutput` writes the site into its output folder in place,
//! only the files whose bytes changed, and only once the whole build succeeded, so that a failed
//! or killed build never leaves a broken site; it refuses to write into a folder that Renkei did
//! not create (disk.rs, manifest.rs, journal.rs, guard.rs). `MemoryOutput` keeps files in memory,
//! for tests (`serve` has its own); `NullOutput` drops them, for `check`.

mod disk;
mod guard;
mod journal;
mod manifest;

pub use disk::DiskOutput;

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex};

/// The file that marks a folder as Renkei's own output.
pub const MARKER: &str = ".renkei-output";
const MARKER_TEXT: &str = "This folder is written by `renkei build`: each build updates the files that \
changed and deletes any other file.\n";

/// A sink for the files of a build. `path` is relative to the output root, `/`-separated.
pub trait Output: Sync {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Writes a page that a rebuild may hand over again unchanged; a sink that keeps files in
    /// memory can keep the `Arc` rather than copy the bytes.
    fn write_shared(&self, path: &str, bytes: Arc<[u8]>) -> io::Result<()> {
        self.write(path, &bytes)
    }

    /// Whether pages are worth fingerprinting for this sink: a later build can keep a page
    /// written with `write_page` (`DiskOutput`); a sink that keeps nothing says no, and its
    /// pages are rendered without a fingerprint.
    fn keeps_pages(&self) -> bool {
        false
    }

    /// Writes a page with a fingerprint of everything it was made from (its context, its
    /// templates, the program), which the sink records for `keep_page`.
    fn write_page(&self, path: &str, bytes: &[u8], made_from: u64) -> io::Result<()> {
        let _ = made_from;
        self.write(path, bytes)
    }

    /// Keeps the page at `path` as the last build wrote it, when that build recorded it as made
    /// from `made_from` and the file is untouched since; `false`: the page must be rendered and
    /// written.
    fn keep_page(&self, path: &str, made_from: u64) -> bool {
        let _ = (path, made_from);
        false
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;
    use std::path::Path;
    use std::time::SystemTime;

    use super::*;

    fn ok<T, E: std::fmt::Debug>(result: Result<T, E>) -> T {
        result.unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// Builds `files` into `target` the way `renkei build` does.
    fn build(target: &Path, files: &[(&str, &str)], clean: bool) {
        let output = ok(DiskOutput::prepare(target, clean));
        for (path, text) in files {
            ok(output.write(path, text.as_bytes()));
        }
        ok(output.commit());
    }

    /// Every file under `dir` (Renkei's own too) with its modification time.
    fn times(dir: &Path) -> BTreeMap<String, SystemTime> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let path = e.path().strip_prefix(dir).map(|p| p.display().to_string());
                (ok(path), ok(ok(e.metadata()).modified()))
            })
            .collect()
    }

    fn read(file: &Path) -> Option<String> {
        fs::read_to_string(file).ok()
    }

    /// Moves the clock of every file back a second, so that a rewrite shows in its time.
    fn age(dir: &Path) {
        let past = SystemTime::now() - std::time::Duration::from_secs(5);
        for (path, _) in times(dir) {
            let file = ok(fs::File::options().append(true).open(dir.join(path)));
            ok(file.set_modified(past));
        }
    }

    #[test]
    fn refuses_a_folder_it_did_not_create() {
        let dir = ok(tempfile::tempdir());
        ok(fs::write(dir.path().join("precious.txt"), "keep"));
        let error = DiskOutput::prepare(dir.path(), false).err();
        assert!(error.is_some_and(|d| d.message.contains("refusing")));
        assert!(dir.path().join("precious.txt").exists());
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(1));
    }

    #[test]
    fn commit_replaces_and_abandon_keeps() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        build(&target, &[("a.html", "1")], false);
        let before = times(&target);
        let second = ok(DiskOutput::prepare(&target, false));
        ok(second.write("a.html", b"2"));
        ok(second.write("b/new.html", b"2"));
        second.abandon();
        assert_eq!(read(&target.join("a.html")).as_deref(), Some("1"));
        assert_eq!(times(&target), before, "an abandoned build changed the folder");
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(1));
    }

    #[test]
    fn a_failed_first_build_leaves_nothing() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        let first = ok(DiskOutput::prepare(&target, false));
        ok(first.write("a/b/c.html", b"1"));
        ok(first.write("a/d.html", b"1"));
        first.abandon();
        assert!(!target.exists());
        ok(fs::create_dir(&target));
        let first = ok(DiskOutput::prepare(&target, false));
        ok(first.write("a/b/c.html", b"1"));
        first.abandon();
        assert_eq!(fs::read_dir(&target).map(|d| d.count()).ok(), Some(0));
    }

    #[test]
    fn the_first_build_writes_into_an_empty_folder_directly() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        ok(fs::create_dir(&target));
        let first = ok(DiskOutput::prepare(&target, false));
        ok(first.write("a/b/c.html", b"1"));
        // Written at its place at once: no staging copy.
        assert_eq!(read(&target.join("a/b/c.html")).as_deref(), Some("1"));
        ok(first.commit());
        let files: Vec<String> = times(&target).into_keys().collect();
        assert_eq!(files, [".renkei-manifest", ".renkei-output", "a/b/c.html"]);
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(1));
    }

    #[test]
    fn a_rebuild_writes_only_what_changed_and_deletes_what_went() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        let site = [("index.html", "top"), ("news/a/index.html", "a"), ("news/b/index.html", "b")];
        build(&target, &site, false);
        age(&target);
        let before = times(&target);
        build(&target, &site, false);
        assert_eq!(times(&target), before, "a rebuild with no change wrote something");

        build(&target, &[("index.html", "top!"), ("news/a/index.html", "a")], false);
        let after = times(&target);
        assert_eq!(read(&target.join("index.html")).as_deref(), Some("top!"));
        assert_ne!(after.get("index.html"), before.get("index.html"));
        assert_eq!(after.get("news/a/index.html"), before.get("news/a/index.html"));
        assert!(!target.join("news/b").exists(), "an emptied folder stays");
        assert!(
            !target.join(".renkei-pending").exists() && !target.join(".renkei-journal").exists()
        );
    }

    #[test]
    fn a_page_is_kept_only_when_made_from_the_same_and_untouched() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        let first = ok(DiskOutput::prepare(&target, false));
        assert!(!first.keep_page("a.html", 7), "a first build has nothing to keep");
        ok(first.write_page("a.html", b"A", 7));
        ok(first.write_page("b.html", b"B", 8));
        ok(first.write("c.html", b"C"));
        ok(first.commit());
        age(&target);
        let before = times(&target);
        let second = ok(DiskOutput::prepare(&target, false));
        assert!(second.keep_page("a.html", 7));
        assert!(!second.keep_page("b.html", 9), "made from something else");
        assert!(!second.keep_page("c.html", 0), "not a page");
        ok(second.write_page("b.html", b"B", 9));
        ok(second.write("c.html", b"C"));
        ok(second.commit());
        let after = times(&target);
        for file in ["a.html", "b.html", "c.html"] {
            assert_eq!(after.get(file), before.get(file), "{file} was written again");
        }
        ok(fs::write(target.join("a.html"), "by hand"));
        let third = ok(DiskOutput::prepare(&target, false));
        assert!(!third.keep_page("a.html", 7), "a page edited by hand is not kept");
        third.abandon();
        let clean = ok(DiskOutput::prepare(&target, true));
        assert!(!clean.keep_page("b.html", 9), "--clean keeps nothing");
        clean.abandon();
    }

    #[test]
    fn a_file_changed_or_deleted_by_hand_is_written_again() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        let site = [("a.html", "a"), ("b.html", "b"), ("c.html", "c")];
        build(&target, &site, false);
        std::thread::sleep(std::time::Duration::from_millis(20));
        ok(fs::write(target.join("a.html"), "x"));
        ok(fs::remove_file(target.join("b.html")));
        ok(fs::write(target.join("stray.html"), "?"));
        build(&target, &site, false);
        assert_eq!(read(&target.join("a.html")).as_deref(), Some("a"));
        assert_eq!(read(&target.join("b.html")).as_deref(), Some("b"));
        assert!(!target.join("stray.html").exists());
    }

    #[test]
    fn clean_writes_every_file_again() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        let site = [("a.html", "a"), ("b/c.html", "c")];
        build(&target, &site, false);
        age(&target);
        let before = times(&target);
        build(&target, &site, true);
        let after = times(&target);
        assert_ne!(after.get("a.html"), before.get("a.html"));
        assert_ne!(after.get("b/c.html"), before.get("b/c.html"));
        assert_eq!(read(&target.join("b/c.html")).as_deref(), Some("c"));
    }

    #[test]
    fn a_build_killed_before_its_commit_leaves_the_site_and_is_cleared() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        build(&target, &[("a.html", "a")], false);
        let before = times(&target);
        let killed = ok(DiskOutput::prepare(&target, false));
        ok(killed.write("a.html", b"new"));
        std::mem::forget(killed); // what SIGKILL leaves
        assert!(target.join(".renkei-pending").is_dir());
        build(&target, &[("a.html", "a")], false);
        assert_eq!(times(&target), before);
    }

    #[test]
    fn a_build_killed_during_its_commit_is_finished_by_the_next() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        build(&target, &[("a.html", "a"), ("old.html", "o")], false);
        // What a kill right after the journal was written leaves.
        ok(fs::create_dir(target.join(".renkei-pending")));
        ok(fs::write(target.join(".renkei-pending/0"), "A"));
        ok(fs::write(target.join(".renkei-manifest.new"), manifest::render([])));
        let journal = journal::Journal {
            deletions: vec!["old.html".into()],
            renames: vec![(0, "a.html".into())],
        };
        ok(journal.record(&target));
        let next = ok(DiskOutput::prepare(&target, false));
        assert_eq!(read(&target.join("a.html")).as_deref(), Some("A"));
        assert!(!target.join("old.html").exists());
        next.abandon();
        assert_eq!(read(&target.join("a.html")).as_deref(), Some("A"));
    }

    #[test]
    fn a_swap_killed_between_its_renames_gets_the_previous_site_back() {
        let dir = ok(tempfile::tempdir());
        let target = dir.path().join("public");
        build(&target, &[("a.html", "1")], false);
        // What an earlier version's swap left when killed right after its first rename.
        let old = dir.path().join("public.renkei-old-99999");
        ok(fs::rename(&target, &old));
        let second = ok(DiskOutput::prepare(&target, false));
        assert_eq!(read(&target.join("a.html")).as_deref(), Some("1"));
        assert!(!old.exists());
        second.abandon();
    }
}
