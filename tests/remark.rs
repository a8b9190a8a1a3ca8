//! The front matter of `.md` files checked in VS Code: the remark extension
//! (`unifiedjs.vscode-remark`) runs the remark engine with the site's `.remarkrc.mjs` (written by
//! `renkei schema`) and the npm packages of the root's `package.json`. VS Code itself does not run
//! here; its engine does: `remark`, the command line of the same engine with the same
//! configuration, over the project's content (no problem) and over a copy with two slips (each
//! reported at its file and line, as the extension underlines them).
//!
//! Needs Node.js and the packages of the root's `package-lock.json`: `.ci/run` installs both;
//! where it has not run, the first test runs `npm ci` at the root, once for the run (as the
//! browser tests do). Without Node.js, or when the install fails, the tests fail and say so,
//! rather than pass without having checked anything.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::{copy_dir, edit, place_in, read, repo_root, tempdir, write};

/// The command line of remark, from the root's `node_modules`, installed by `npm ci` once for all
/// tests of the run when `.ci/run` has not (two `npm ci` in one folder at once break each other).
fn remark_cli() -> PathBuf {
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    let cli = repo_root().join("node_modules/remark-cli/cli.js");
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "Node.js is needed to check the front matter as VS Code's remark extension does: install it (.ci/run does)"
    );
    INSTALLED.get_or_init(|| {
        if !cli.is_file() {
            let installed = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(repo_root())
                .status();
            assert!(installed.is_ok_and(|s| s.success()), "npm ci at the repository root failed");
        }
    });
    for package in ["remark-cli", "remark-frontmatter", "remark-lint-frontmatter-schema"] {
        assert!(
            repo_root().join("node_modules").join(package).is_dir(),
            "the npm package {package} is missing: run `npm ci` at the repository root (.ci/run does)"
        );
    }
    cli
}

/// Runs remark over `content/` of `root`, as the extension checks each file (no output files).
fn remark(root: &Path) -> Output {
    Command::new("node")
        .arg(remark_cli())
        .args(["content", "--quiet", "--frail", "--no-stdout", "--no-color"])
        .current_dir(root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run remark: {e}"))
}

/// Every message of remark's report as `file:line:col message`.
fn messages(report: &str) -> Vec<String> {
    let mut file = "";
    let mut found = Vec::new();
    for line in report.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("content/") {
            file = trimmed;
        } else if let Some((place, rest)) = trimmed.split_once(' ') {
            let start = place.split('-').next().unwrap_or_default();
            if start.contains(':') && start.starts_with(|c: char| c.is_ascii_digit()) {
                found.push(format!("{file}:{start} {}", rest.trim()));
            }
        }
    }
    found
}

#[test]
fn the_project_content_passes_the_remark_check_of_the_front_matter() {
    let output = remark(&repo_root());
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "remark found problems:\n{report}");
    // Not even a note of the validator (an unknown format of a schema).
    assert_eq!(report.trim(), "", "remark said something over the project's content");
}

#[test]
fn remark_reports_a_wrong_ward_and_a_misspelt_field_at_their_lines() {
    let dir = tempdir();
    let root = dir.path();
    let event = "content/events/captain-tsubasa-cup-2016.md";
    let municipality = "content/municipalities/012068.md";
    write(root, ".remarkrc.mjs", read(&repo_root().join(".remarkrc.mjs")));
    copy_dir(&repo_root().join("schemas"), &root.join("schemas"));
    for file in [event, municipality] {
        write(root, file, read(&repo_root().join(file)));
    }
    // The packages are those of the repository, as `npm ci` installed them.
    std::os::unix::fs::symlink(repo_root().join("node_modules"), root.join("node_modules"))
        .unwrap_or_else(|e| panic!("cannot link node_modules: {e}"));
    assert!(remark(root).status.success(), "the two files as committed pass");

    edit(root, event, "wards: [katsushika]", "wards: [chiyodda]");
    edit(root, municipality, "website:", "webiste:");
    let output = remark(root);
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "remark fails on the slips:\n{report}");
    let found = messages(&report);
    assert_eq!(found.len(), 2, "one problem each:\n{report}");
    let ward = found.iter().find(|m| m.starts_with(&place_in(root, event, "chiyodda")));
    let ward = ward.unwrap_or_else(|| panic!("the wrong ward at its place:\n{report}"));
    assert!(ward.contains("error") && ward.contains("`chiyoda`"), "{ward}");
    let field = found.iter().find(|m| m.starts_with(&place_in(root, municipality, "webiste")));
    let field = field.unwrap_or_else(|| panic!("the misspelt field at its line:\n{report}"));
    assert!(field.contains("error") && field.contains("`webiste`"), "{field}");
}
