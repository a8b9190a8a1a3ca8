//! Hostile content: every case is built correctly or rejected with a clear, located error, in
//! bounded time and memory, never with a panic, and never with the previous output lost. Each
//! build's wall time and peak memory (the kernel's high-water mark of its resident set) are
//! measured and held under the bounds below.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{assert_same_tree, fixture_copy, read, read_tree, write};

/// The longest a hostile build may take: the fixture builds in well under a second, and a debug
/// build on a loaded 2-core CI machine is many times slower than a release build.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The most memory a hostile build may hold: the fixture needs about 30 MiB; a case that made the
/// build hold its input many times over (YAML anchors expanded, a 50 MB file read whole and
/// copied) would pass it.
const MEMORY_LIMIT_KIB: u64 = 256 * 1024;

/// What a build did (its time and memory are checked by `build`).
struct Build {
    ok: bool,
    stderr: String,
}

/// Builds `root` into `root/public`, measuring its time and peak memory, and checks both bounds.
fn build(root: &Path) -> Build {
    // A plain process, not assert_cmd's, to watch it while it runs.
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("renkei"));
    command.env("SOURCE_DATE_EPOCH", "1767193200");
    command
        .args(["--lang", "en", "build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(root.join("public"));
    command.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    let start = Instant::now();
    let child = command.spawn().unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let status_file = format!("/proc/{}/status", child.id());
    let waiter = std::thread::spawn(move || child.wait_with_output());
    let mut peak_kib = None;
    while !waiter.is_finished() {
        // VmHWM only grows, so the last reading before the process ends is its peak (a spike in
        // the last few milliseconds aside).
        if let Some(kib) = high_water_mark(&status_file) {
            peak_kib = Some(kib);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = waiter.join().unwrap_or_else(|_| panic!("the waiting thread panicked"));
    let output = output.unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "renkei panicked:\n{stderr}");
    assert!(took < TIME_LIMIT, "the build took {took:?}, over {TIME_LIMIT:?}");
    if let Some(kib) = peak_kib {
        assert!(kib < MEMORY_LIMIT_KIB, "the build held {kib} KiB, over {MEMORY_LIMIT_KIB} KiB");
    }
    // Shown with `--nocapture`; `None` where /proc does not tell (not Linux).
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{}: {took:?}, peak {peak_kib:?} KiB", root.display());
    }
    Build { ok: output.status.success(), stderr }
}

/// `VmHWM` of /proc/<pid>/status, in KiB.
fn high_water_mark(status_file: &str) -> Option<u64> {
    let status = std::fs::read_to_string(status_file).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Builds once, applies `hostile`, builds again: the second build must fail with every text of
/// `says`, and leave the first build's output as it was.
fn rejected(hostile: impl FnOnce(&Path), says: &[&str]) -> Build {
    let site = fixture_copy("basic");
    let root = site.path();
    assert!(build(root).ok, "the fixture builds");
    let before = read_tree(&root.join("public"));
    hostile(root);
    let hostile = build(root);
    assert!(!hostile.ok, "the hostile input was accepted");
    for text in says {
        assert!(hostile.stderr.contains(text), "stderr lacks `{text}`:\n{}", hostile.stderr);
    }
    assert!(read_tree(&root.join("public")) == before, "the previous output changed");
    hostile
}

/// Applies `hostile` to a fresh copy and builds: it must succeed. Returns the site folder.
fn accepted(hostile: impl FnOnce(&Path)) -> tempfile::TempDir {
    let site = fixture_copy("basic");
    hostile(site.path());
    let built = build(site.path());
    assert!(built.ok, "the build failed:\n{}", built.stderr);
    site
}

#[test]
fn a_50_mb_markdown_file_is_refused_before_it_is_read() {
    rejected(
        |root| {
            let mut text = b"---\ntitle: huge\n---\n".to_vec();
            text.resize(50 * 1024 * 1024, b'a');
            write(root, "content/huge.md", text);
        },
        &["content/huge.md", "larger than 16 MiB"],
    );
}

#[test]
fn a_100000_item_list_reports_the_repetition_once() {
    rejected(
        |root| {
            let list = vec!["chiyoda"; 100_000].join(", ");
            write(
                root,
                "content/news/long.md",
                format!("---\ntitle: long\ndate: 2025-01-01\nwards: [{list}]\n---\n"),
            );
        },
        &["content/news/long.md:4:", "`chiyoda` is listed more than once"],
    );
}

#[test]
fn deeply_nested_quotes_and_lists_build() {
    let site = accepted(|root| {
        let quotes = ">".repeat(50_000);
        let lists: String =
            (0..2_000).map(|depth| format!("{}- item\n", "  ".repeat(depth))).collect();
        write(root, "content/deep.md", format!("---\ntitle: deep\n---\n{quotes} deep\n\n{lists}"));
    });
    assert!(read(&site.path().join("public/deep/index.html")).contains("deep"));
}

#[test]
fn exponential_yaml_anchors_are_rejected_quickly() {
    let mut yaml = String::from(
        "title: laughs\ndate: 2025-01-01\nwards: &a [chiyoda, chiyoda, chiyoda, chiyoda, chiyoda, chiyoda, chiyoda, chiyoda, chiyoda]\n",
    );
    let mut previous = 'a';
    for name in 'b'..='j' {
        let refs = vec![format!("*{previous}"); 9].join(", ");
        yaml.push_str(&format!("municipalities: &{name} [{refs}]\n"));
        previous = name;
    }
    rejected(
        |root| write(root, "content/news/laughs.md", format!("---\n{yaml}---\n")),
        &["content/news/laughs.md"],
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_site_is_not_read() {
    rejected(
        |root| {
            let outside = root.parent().unwrap_or(root).join("renkei-secret.md");
            let _ = std::fs::write(&outside, "---\ntitle: secret\n---\nsecret");
            std::os::unix::fs::symlink(&outside, root.join("content/secret.md"))
                .unwrap_or_else(|e| panic!("{e}"));
        },
        &["content/secret.md", "points outside the site"],
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_is_reported_not_followed() {
    rejected(
        |root| {
            std::os::unix::fs::symlink(root.join("content"), root.join("content/loop"))
                .unwrap_or_else(|e| panic!("{e}"));
            std::os::unix::fs::symlink("self.md", root.join("content/self.md"))
                .unwrap_or_else(|e| panic!("{e}"));
        },
        &["content/loop", "linked folders are not followed", "content/self.md", "leads nowhere"],
    );
}

#[test]
fn windows_line_endings_and_a_byte_order_mark_build_like_the_plain_file() {
    let plain = accepted(|_| {});
    // Every content file and site.toml as Windows Notepad saves them (UTF-8 with a BOM, CRLF),
    // a fenced code block among them: the same bytes out.
    let notepad = accepted(|root| {
        let mut files = vec![root.join("site.toml")];
        files.extend(
            walkdir::WalkDir::new(root.join("content"))
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
                .map(walkdir::DirEntry::into_path),
        );
        assert!(files.len() > 20, "the fixture has content files");
        for file in files {
            let text = read(&file).replace('\n', "\r\n");
            std::fs::write(&file, format!("\u{feff}{text}")).unwrap_or_else(|e| panic!("{e}"));
        }
    });
    assert_same_tree(
        &read_tree(&plain.path().join("public")),
        &read_tree(&notepad.path().join("public")),
        "files saved by Notepad build another site",
    );
}

#[test]
fn an_empty_file_is_a_clear_error() {
    rejected(
        |root| write(root, "content/empty.md", ""),
        &["content/empty.md", "has no front matter"],
    );
}

#[test]
fn a_file_with_only_front_matter_builds() {
    let site = accepted(|root| write(root, "content/bare.md", "---\ntitle: 見出しだけ\n---\n"));
    assert!(read(&site.path().join("public/bare/index.html")).contains("見出しだけ"));
}

/// `が` as macOS writes it in a file name (NFD: `か` and a combining mark) and as typed (NFC).
const GA_NFD: &str = "\u{304b}\u{3099}";
const GA_NFC: &str = "\u{304c}";

#[test]
fn a_static_file_named_in_nfd_is_published_under_its_nfc_name() {
    let site = accepted(|root| write(root, &format!("static/{GA_NFD}.txt"), "nfd"));
    assert_eq!(read(&site.path().join(format!("public/{GA_NFC}.txt"))), "nfd");
    assert!(!site.path().join(format!("public/{GA_NFD}.txt")).exists());
}

#[test]
fn an_at_link_finds_a_file_named_in_nfd_whichever_form_the_link_is_typed_in() {
    let site = accepted(|root| {
        write(
            root,
            &format!("content/news/{GA_NFD}.md"),
            "---\ntitle: 濁点\ndate: 2025-01-01\n---\n",
        );
        let about = read(&root.join("content/about.md"));
        let links = format!("[NFC](@/news/{GA_NFC}.md) [NFD](@/news/{GA_NFD}.md)");
        write(root, "content/about.md", format!("{about}\n{links}\n"));
    });
    let about = read(&site.path().join("public/about/index.html"));
    // `が` in NFC, percent-encoded.
    let href = "href=\"/news/%E3%81%8C/\"";
    assert_eq!(about.matches(href).count(), 2, "both links lead to the page:\n{about}");
}

#[test]
fn the_same_name_in_nfd_and_nfc_is_reported_as_a_duplicate() {
    rejected(
        |root| {
            write(root, &format!("static/{GA_NFD}.txt"), "nfd");
            write(root, &format!("static/{GA_NFC}.txt"), "nfc");
        },
        &["different Unicode forms", &format!("static/{GA_NFC}.txt")],
    );
    // A news item may have a Japanese file name (normalised to NFC): the same name written in
    // both forms is two files claiming one page.
    rejected(
        |root| {
            for name in [GA_NFD, GA_NFC] {
                write(
                    root,
                    &format!("content/news/{name}.md"),
                    "---\ntitle: t\ndate: 2025-01-01\n---\n",
                );
            }
        },
        &[&format!("`{GA_NFC}` is written twice"), "differ only in their Unicode form"],
    );
}
