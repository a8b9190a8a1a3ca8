//! The journal: the deletions and renames that turn the previous site into the new one. The
//! changed files wait in `.renkei-pending/` until the build has succeeded; then the journal is
//! written in one atomic step, and only after that are files renamed into place and deleted.
//! A build killed before the journal exists left the previous site untouched (the next build
//! drops the pending files); a build killed after it left a journal that the next build carries
//! out to the end before anything else (every step can be done again safely). So no moment
//! exists after which the output needs a hand to repair it.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;
use std::time::Duration;

use super::manifest::{self, MANIFEST, escape, unescape};
use crate::diag::Diagnostic;

/// The journal's file name inside the output folder.
pub(crate) const JOURNAL: &str = ".renkei-journal";
/// The folder inside the output that holds the changed files until the journal moves them.
pub(crate) const PENDING: &str = ".renkei-pending";
const HEADER: &str = "renkei-journal 1";

/// Test hook: a pause after each step of the commit, so that a test can kill a build in the
/// middle of it. Never set it otherwise.
const PAUSE_VARIABLE: &str = "RENKEI_TEST_COMMIT_PAUSE_MS";

/// What turns the previous site into the new one.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Journal {
    /// Files of the previous site that the new one does not have.
    pub(crate) deletions: Vec<String>,
    /// A pending file's number, and the path it takes in the site.
    pub(crate) renames: Vec<(u64, String)>,
}

impl Journal {
    pub(crate) fn is_empty(&self) -> bool {
        self.deletions.is_empty() && self.renames.is_empty()
    }

    /// Writes the journal into `dir`: from now on, the next build finishes this commit.
    pub(crate) fn record(&self, dir: &Path) -> io::Result<()> {
        manifest::replace_file(dir, JOURNAL, &self.render())
    }

    /// The journal a killed build left in `dir`, if any.
    pub(crate) fn load(dir: &Path) -> io::Result<Option<Journal>> {
        match fs::read_to_string(dir.join(JOURNAL)) {
            Ok(text) => parse(&text).map(Some).ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidData, "the journal is damaged")
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Carries the journal out in `dir`: deletions first (a file may give its name to a folder,
    /// or a folder to a file), then the folders the new files need, once each, then the renames;
    /// then the new manifest takes the old one's place and the journal goes.
    pub(crate) fn apply(&self, dir: &Path) -> Result<(), Diagnostic> {
        let pause = pause();
        let needed = folders_needed(&self.renames);
        for path in &self.deletions {
            delete(&dir.join(path))
                .map_err(|e| cannot(crate::msg!("output.action_delete"), &dir.join(path), &e))?;
            pause();
        }
        remove_emptied_folders(dir, &self.deletions, &needed);
        for folder in &needed {
            let folder = dir.join(folder);
            fs::create_dir_all(&folder)
                .map_err(|e| cannot(crate::msg!("output.action_create_folder"), &folder, &e))?;
        }
        let pending = dir.join(PENDING);
        for (number, path) in &self.renames {
            let from = pending.join(number.to_string());
            if fs::symlink_metadata(&from).is_err() {
                continue; // moved before a kill
            }
            let to = dir.join(path);
            rename_retrying(&from, &to)
                .map_err(|e| cannot(crate::msg!("output.action_replace"), &to, &e))?;
            pause();
        }
        finish(dir)
    }

    fn render(&self) -> String {
        let mut text = format!("{HEADER}\n");
        for path in &self.deletions {
            text.push_str(&format!("D {}\n", escape(path)));
        }
        for (number, path) in &self.renames {
            text.push_str(&format!("R {number} {}\n", escape(path)));
        }
        text
    }
}

fn parse(text: &str) -> Option<Journal> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let mut journal = Journal::default();
    for line in lines {
        if let Some(path) = line.strip_prefix("D ") {
            journal.deletions.push(unescape(path)?);
        } else {
            let (number, path) = line.strip_prefix("R ")?.split_once(' ')?;
            journal.renames.push((number.parse().ok()?, unescape(path)?));
        }
    }
    Some(journal)
}

/// The end of a commit: the new manifest in place, the journal and the pending folder gone.
fn finish(dir: &Path) -> Result<(), Diagnostic> {
    let new_manifest = dir.join(format!("{MANIFEST}.new"));
    if new_manifest.exists() {
        let manifest = dir.join(MANIFEST);
        rename_retrying(&new_manifest, &manifest)
            .map_err(|e| cannot(crate::msg!("output.action_replace"), &manifest, &e))?;
    }
    let journal = dir.join(JOURNAL);
    delete(&journal).map_err(|e| cannot(crate::msg!("output.action_delete"), &journal, &e))?;
    remove_pending(dir)
        .map_err(|e| cannot(crate::msg!("output.action_delete"), &dir.join(PENDING), &e))
}

/// Removes what a build killed before its commit left: pending files, a half-written manifest
/// or journal.
pub(crate) fn remove_unfinished(dir: &Path) -> io::Result<()> {
    for name in [format!("{MANIFEST}.new"), format!("{JOURNAL}.new")] {
        delete(&dir.join(name))?;
    }
    remove_pending(dir)
}

fn remove_pending(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir.join(PENDING)) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// Deletes a file; one already gone (or become a folder of the new site) is fine.
fn delete(file: &Path) -> io::Result<()> {
    match fs::symlink_metadata(file) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
        Ok(metadata) if metadata.is_dir() => Ok(()),
        Ok(_) => retrying(|| fs::remove_file(file), Duration::from_millis(20)),
    }
}

/// The folders (relative, `/`-separated) that hold the renamed files, each once.
fn folders_needed(renames: &[(u64, String)]) -> BTreeSet<String> {
    renames
        .iter()
        .filter_map(|(_, path)| path.rsplit_once('/').map(|(folder, _)| folder.to_owned()))
        .collect()
}

/// Folders left empty by the deletions, deepest first (a folder of the old site only).
fn remove_emptied_folders(dir: &Path, deletions: &[String], needed: &BTreeSet<String>) {
    let mut folders = BTreeSet::new();
    for path in deletions {
        let mut rest = path.as_str();
        while let Some((folder, _)) = rest.rsplit_once('/') {
            folders.insert(folder);
            rest = folder;
        }
    }
    let mut folders: Vec<&str> = folders
        .into_iter()
        .filter(|f| !needed.iter().any(|n| n == f || n.starts_with(&format!("{f}/"))))
        .collect();
    folders.sort_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
    for folder in folders {
        let _ = fs::remove_dir(dir.join(folder)); // not empty: it stays
    }
}

/// `fs::rename`, tried again a few times when the system refuses it: on Windows a file that a
/// browser, a virus scanner or a file sync tool holds open cannot be replaced for a moment.
pub(crate) fn rename_retrying(from: &Path, to: &Path) -> io::Result<()> {
    retrying(|| fs::rename(from, to), Duration::from_millis(20))
}

/// Runs `step` until it succeeds, trying again after a growing pause (5 times, 20 ms · 2ⁿ:
/// 0.6 s in all) as long as it fails with `PermissionDenied`.
pub(crate) fn retrying(
    mut step: impl FnMut() -> io::Result<()>,
    first: Duration,
) -> io::Result<()> {
    let mut pause = first;
    for _ in 0..5 {
        match step() {
            Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
                std::thread::sleep(pause);
                pause *= 2;
            }
            done => return done,
        }
    }
    step()
}

fn cannot(what: crate::messages::Text, file: &Path, error: &io::Error) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        file,
        crate::msg!(
            "output.cannot_do",
            action = what,
            file = file.display().to_string(),
            error = error.to_string()
        ),
    );
    let help = if error.kind() == io::ErrorKind::PermissionDenied {
        crate::msg!("output.held_open_help")
    } else {
        crate::msg!("output.again_help")
    };
    diagnostic.with_help(help)
}

/// The test hook's pause, or nothing.
fn pause() -> impl Fn() {
    let millis = std::env::var(PAUSE_VARIABLE).ok().and_then(|v| v.parse::<u64>().ok());
    move || {
        if let Some(millis) = millis {
            std::thread::sleep(Duration::from_millis(millis));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    /// Paths of the pending files.
    fn pending_files(dir: &Path) -> Vec<PathBuf> {
        fs::read_dir(dir.join(PENDING))
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default()
    }

    fn journal() -> Journal {
        Journal {
            deletions: vec!["old/index.html".into(), "gone.txt".into()],
            renames: vec![(0, "a/b/index.html".into()), (1, "old".into())],
        }
    }

    #[test]
    fn the_text_round_trips() {
        let journal = journal();
        assert_eq!(parse(&journal.render()), Some(journal));
        assert_eq!(parse("renkei-journal 1\nX what\n"), None);
    }

    #[test]
    fn applying_twice_is_the_same_as_once() {
        let Ok(dir) = tempfile::tempdir() else { return };
        let dir = dir.path();
        for (path, text) in [("old/index.html", "o"), ("gone.txt", "g"), (".renkei-pending/0", "A")]
        {
            let file = dir.join(path);
            assert!(file.parent().is_some_and(|p| fs::create_dir_all(p).is_ok()));
            assert!(fs::write(file, text).is_ok());
        }
        assert!(fs::write(dir.join(".renkei-pending/1"), "file where a folder was").is_ok());
        let journal = journal();
        assert!(journal.record(dir).is_ok());
        // Killed after the first rename: the journal is carried out again from the start.
        assert!(fs::remove_file(dir.join("gone.txt")).is_ok());
        assert!(Journal::load(dir).is_ok_and(|j| j == Some(journal)));
        for _ in 0..2 {
            let again = Journal::load(dir).ok().flatten().unwrap_or_default();
            assert!(again.apply(dir).is_ok());
        }
        assert_eq!(fs::read_to_string(dir.join("a/b/index.html")).ok().as_deref(), Some("A"));
        assert!(fs::read_to_string(dir.join("old")).is_ok_and(|t| t.starts_with("file where")));
        assert!(!dir.join("gone.txt").exists() && !dir.join(JOURNAL).exists());
        assert!(pending_files(dir).is_empty() && !dir.join(PENDING).exists());
    }

    #[test]
    fn a_refused_step_is_tried_again_then_reported() {
        let mut tries = 0;
        let result = retrying(
            || {
                tries += 1;
                if tries < 3 { Err(io::ErrorKind::PermissionDenied.into()) } else { Ok(()) }
            },
            Duration::from_millis(1),
        );
        assert!(result.is_ok());
        assert_eq!(tries, 3);
        let mut tries = 0;
        let result = retrying(
            || {
                tries += 1;
                Err(io::ErrorKind::PermissionDenied.into())
            },
            Duration::from_millis(1),
        );
        assert_eq!(tries, 6);
        let error = result.err().unwrap_or_else(|| io::ErrorKind::Other.into());
        let diagnostic =
            cannot(crate::msg!("output.action_replace"), Path::new("out/index.html"), &error);
        assert!(diagnostic.message.contains("out/index.html"), "{}", diagnostic.message);
        assert!(diagnostic.help.is_some_and(|h| h.contains("virus scanner")));
        let mut tries = 0;
        let other = retrying(
            || {
                tries += 1;
                Err(io::ErrorKind::NotFound.into())
            },
            Duration::from_millis(1),
        );
        assert!(other.is_err());
        assert_eq!(tries, 1, "only PermissionDenied is tried again");
    }
}
