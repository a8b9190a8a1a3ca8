//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `renkei` binary with a fixed "today" (2026-01-01 in Japan), so that upcoming and past
/// events do not move with the calendar.
pub(crate) fn renkei() -> Command {
    let mut command =
        Command::cargo_bin("renkei").unwrap_or_else(|e| panic!("the binary is built: {e}"));
    command.env("SOURCE_DATE_EPOCH", "1767193200");
    command.env_remove("RUST_BACKTRACE");
    command
}

/// A fixture site under `tests/fixtures/`.
#[allow(dead_code)]
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The repository, which is also the project's own site.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
