//! A whole build of a small site whose files come from the input: the fixture's configuration
//! and theme, plus up to four content files cut from the input at NUL bytes. The build must
//! succeed or return diagnostics; it must never panic.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use renkei::output::MemoryOutput;
use renkei::{Config, Options, build::build_into};

const FILES: [&str; 4] = ["content/wards/chiyoda.md", "content/municipalities/012068.md", "content/events/e.md", "content/about.md"];

/// One site folder for the whole run: the fixture copied once; content files rewritten per input.
fn site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/basic");
        copy(&fixture, dir.path());
        dir
    })
    .path()
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create");
    for entry in std::fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let root = site();
    for (file, bytes) in FILES.iter().zip(data.split(|&b| b == 0)) {
        std::fs::write(root.join(file), bytes).expect("write");
    }
    let Ok(config) = Config::load(root, &Options::default()) else { return };
    let _ = build_into(&config, &MemoryOutput::default());
});
