//! Nothing lost (issue 9): a build killed with SIGKILL at any moment, including while it writes
//! the new site, leaves the previous output byte for byte, and the next build succeeds and
//! clears what the killed ones left behind.

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

/// Files written so far into the staging folders beside `output` (which the build is writing
/// or renaming meanwhile, so anything may vanish while it is counted).
fn staged_files(output: &Path) -> usize {
    let parent = output.parent().unwrap_or_else(|| panic!("no parent"));
    let entries = std::fs::read_dir(parent).unwrap_or_else(|e| panic!("{e}"));
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".renkei-staging-"))
        .map(|e| {
            walkdir::WalkDir::new(e.path())
                .into_iter()
                .filter_map(Result::ok)
                .filter(|f| f.file_type().is_file())
                .count()
        })
        .sum()
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
        let staged = staged_files(&output);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap_or_else(|e| panic!("{e}"));
        if status.success() {
            // Finished before the kill: the new site replaced the old one, as it should.
            assert!(read_tree(&output).contains_key("municipalities/index.html"));
            build(&fixture("basic"), &output);
            continue;
        }
        let after = read_tree(&output);
        if after != before {
            // Killed after the atomic swap, while the previous site was being deleted: the
            // new site must then be there whole.
            assert_same_tree(&finished, &after, &format!("killed after {delay:?}, past the swap"));
            build(&fixture("basic"), &output);
            continue;
        }
        if staged > 1 {
            killed_while_writing += 1;
        }
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
