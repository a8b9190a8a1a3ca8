//! Nothing lost (issues 9 and 16): a build killed with SIGKILL at any moment leaves the previous
//! site (while it renders and writes changed files aside), the new site, or, killed while it
//! moves the changed files into place, a journal that the next build carries out first; the
//! next build succeeds and clears what the killed ones left behind.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{assert_same_tree, fixture, read_tree, repo_root, tempdir};

fn build_command(root: &Path, output: &Path) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("renkei"));
    command
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .env("SOURCE_DATE_EPOCH", "1767193200")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn build(root: &Path, output: &Path) -> Duration {
    let started = Instant::now();
    let status = build_command(root, output).status().unwrap_or_else(|e| panic!("{e}"));
    assert!(status.success(), "the build of {} failed", root.display());
    started.elapsed()
}

/// Files written so far into `.renkei-pending/` (which the build is writing or renaming
/// meanwhile, so anything may vanish while it is counted).
fn pending_files(output: &Path) -> usize {
    std::fs::read_dir(output.join(".renkei-pending")).map(|d| d.count()).unwrap_or(0)
}

/// The output's files without what a build in progress adds (pending files, a new manifest,
/// the journal).
fn site_of(tree: BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    tree.into_iter()
        .filter(|(path, _)| {
            !path.starts_with(".renkei-pending/")
                && !path.ends_with(".new")
                && path != ".renkei-journal"
        })
        .collect()
}

/// Whether a killed build got as far as its commit (its journal is there).
fn in_commit(output: &Path) -> bool {
    output.join(".renkei-journal").exists()
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_output() {
    let dir = tempdir();
    let output = dir.path().join("public");
    build(&fixture("basic"), &output);
    let before = read_tree(&output);
    // How long the larger site (the project's own, ~1,900 pages) takes, built elsewhere; its
    // output is what a build that got as far as its swap leaves.
    let full = build(&repo_root(), &dir.path().join("timing/public"));
    let finished = read_tree(&dir.path().join("timing/public"));

    let mut killed_while_writing = 0;
    for step in 1..=9 {
        let delay = full * step / 10;
        let mut child =
            build_command(&repo_root(), &output).spawn().unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(delay);
        let pending = pending_files(&output);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
        let after = site_of(read_tree(&output));
        if status.success() {
            // Finished before the kill: the new site replaced the old one, as it should.
            assert_same_tree(&finished, &after, "a finished build");
        } else if !in_commit(&output) && after != before {
            // Killed after its commit, before it exited: the new site must be there whole.
            assert_same_tree(
                &finished,
                &after,
                &format!("killed after {delay:?}, past the commit"),
            );
        } else if !in_commit(&output) {
            // Killed before its commit: the previous site, byte for byte.
            killed_while_writing += usize::from(pending > 1);
        }
        // Whatever the kill left, the next build finishes or clears it.
        build(&fixture("basic"), &output);
        assert_same_tree(
            &before,
            &read_tree(&output),
            &format!("the build after a kill at {delay:?}"),
        );
    }
    assert!(killed_while_writing > 0, "no kill landed while the build was writing files");

    build(&repo_root(), &output);
    assert!(read_tree(&output).contains_key("municipalities/index.html"));
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".renkei-"))
        .collect();
    assert!(left.is_empty(), "stale folders left: {left:?}");
}

/// A build killed while it renames its files into place (a pause after each step, set by a test
/// hook, makes that phase long enough to hit): the next build, of the same site or another,
/// first carries out the journal and then gives exactly the site it builds.
#[test]
fn a_build_killed_during_its_commit_is_finished_by_the_next() {
    let dir = tempdir();
    let output = dir.path().join("public");
    build(&repo_root(), &dir.path().join("reference/public"));
    let finished = read_tree(&dir.path().join("reference/public"));
    build(&fixture("basic"), &output);
    let before = read_tree(&output);
    for attempt in 0..3u32 {
        let mut child = build_command(&repo_root(), &output)
            .env("RENKEI_TEST_COMMIT_PAUSE_MS", "1")
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        while !in_commit(&output) {
            let exited = child.try_wait().unwrap_or_else(|e| panic!("{e}"));
            assert!(exited.is_none(), "the build ended before its commit: {exited:?}");
            assert!(started.elapsed() < Duration::from_secs(300), "no commit began");
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(50 + u64::from(attempt) * 450));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        assert!(in_commit(&output), "attempt {attempt}: the kill came after the commit");
        let mixed = site_of(read_tree(&output));
        assert!(mixed != before && mixed != finished, "attempt {attempt}: not killed mid-commit");
        // The next build: the same site on even attempts, the other one on odd ones.
        let (site, expected) =
            if attempt % 2 == 0 { (repo_root(), &finished) } else { (fixture("basic"), &before) };
        build(&site, &output);
        assert_same_tree(expected, &read_tree(&output), &format!("the build after kill {attempt}"));
        if attempt % 2 == 0 {
            build(&fixture("basic"), &output);
            assert_same_tree(&before, &read_tree(&output), "back to the fixture");
        }
    }
}
