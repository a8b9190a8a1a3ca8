//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `renkei` binary with a fixed "today" (2026-01-01 in Japan), so that upcoming and past
/// events do not move with the calendar, speaking English (`--lang en`: the tests read its
/// English texts; tests/messages.rs tries the Japanese ones and the choice of the language).
pub(crate) fn renkei() -> Command {
    renkei_in("en")
}

/// The `renkei` binary speaking `lang` (`--lang`), with a fixed "today".
pub(crate) fn renkei_in(lang: &str) -> Command {
    let mut command = renkei_unset();
    command.args(["--lang", lang]);
    command
}

/// The `renkei` binary without `--lang` and without a locale: the language comes from
/// `site.toml` or is the default.
pub(crate) fn renkei_unset() -> Command {
    let mut command =
        Command::cargo_bin("renkei").unwrap_or_else(|e| panic!("the binary is built: {e}"));
    command.env("SOURCE_DATE_EPOCH", "1767193200");
    command.env_remove("RUST_BACKTRACE");
    for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        command.env_remove(name);
    }
    command
}

/// Runs `renkei <command> --root <root>` (and `extra` arguments); returns the exit code and
/// stderr, for the tests of failures.
pub(crate) fn run_failing(command: &str, root: &Path, extra: &[&Path]) -> (Option<i32>, String) {
    let output = renkei()
        .arg(command)
        .arg("--root")
        .arg(root)
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// A fixture site under `tests/fixtures/`.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The project's own site, built once for all tests that only read it (into Cargo's temporary
/// folder for integration tests, which Renkei may replace: it created it). Returns `public/`.
pub(crate) fn project_site() -> &'static Path {
    static SITE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    SITE.get_or_init(|| {
        let public = Path::new(env!("CARGO_TARGET_TMPDIR")).join("project-site/public");
        renkei()
            .arg("build")
            .arg("--root")
            .arg(repo_root())
            .arg("--output")
            .arg(&public)
            .assert()
            .success();
        public
    })
}

/// The repository, which is also the project's own site.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh temporary folder.
pub(crate) fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot create a temporary folder: {e}"))
}

/// Copies the folder `from` into `to` (created), recursively.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    let entries =
        fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()));
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap_or_else(|e| panic!("{e}"));
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", entry.path().display()));
        }
    }
}

/// A copy of the fixture site `name` in a new temporary folder (the site root is the folder).
pub(crate) fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempdir();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Every file under `dir`, by its `/`-separated path relative to `dir`, sorted.
pub(crate) fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect_tree(dir, dir, &mut files);
    files
}

fn collect_tree(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let path = entry.path();
        let kind = entry.file_type().unwrap_or_else(|e| panic!("{e}"));
        if kind.is_dir() {
            collect_tree(root, &path, files);
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let name = relative.to_string_lossy().replace('\\', "/");
            let bytes =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            files.insert(name, bytes);
        }
    }
}

/// Asserts that two trees read by `read_tree` are identical, naming the files that differ.
pub(crate) fn assert_same_tree(
    before: &BTreeMap<String, Vec<u8>>,
    after: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let mut differences = Vec::new();
    for (path, bytes) in before {
        match after.get(path) {
            None => differences.push(format!("removed: {path}")),
            Some(other) if other != bytes => differences.push(format!("changed: {path}")),
            Some(_) => {}
        }
    }
    for path in after.keys().filter(|p| !before.contains_key(*p)) {
        differences.push(format!("added: {path}"));
    }
    assert!(differences.is_empty(), "{what}:\n{}", differences.join("\n"));
}

/// The text of a file, which must exist.
pub(crate) fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Writes `text` to `root/relative`, creating folders.
pub(crate) fn write(root: &Path, relative: &str, text: impl AsRef<[u8]>) {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// `file:line:col` of the first occurrence of `text` in `root/relative` (line 1-based, column
/// in characters), as diagnostics write it.
pub(crate) fn place_in(root: &Path, relative: &str, text: &str) -> String {
    let file = read(&root.join(relative));
    let (line, content) = file
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains(text))
        .unwrap_or_else(|| panic!("`{text}` is in {relative}"));
    let at = content.find(text).unwrap_or_default();
    format!("{relative}:{}:{}", line + 1, content[..at].chars().count() + 1)
}

/// Replaces the one occurrence of `from` by `to` in `root/relative`.
pub(crate) fn edit(root: &Path, relative: &str, from: &str, to: &str) {
    let path = root.join(relative);
    let text = read(&path);
    assert_eq!(text.matches(from).count(), 1, "`{from}` occurs once in {relative}");
    write(root, relative, text.replacen(from, to, 1));
}

/// The value of every `href="…"` and `src="…"` attribute of an HTML text, in order.
pub(crate) fn links_of(html: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attribute in [" href=", " src="] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let value = &rest[1..];
            let end = value.find(quote).unwrap_or(value.len());
            links.push(value[..end].to_owned());
            rest = &value[end..];
        }
    }
    links
}

/// `RENKEI_TRACE`'s line of stages (`load 12 ms, link 3 ms, …`) names the main stages, each with
/// its time in milliseconds; `build` and `serve` print the same line.
pub(crate) fn assert_stages_timed(stages: &str) {
    for stage in ["markdown", "feeds", "open data", "search"] {
        let timed = stages.split(", ").any(|part| {
            part.strip_prefix(stage)
                .and_then(|rest| rest.strip_prefix(' ')?.strip_suffix(" ms")?.parse::<u64>().ok())
                .is_some()
        });
        assert!(timed, "`{stage} N ms` in: {stages}");
    }
}
