//! Hostile content: every case is built correctly or rejected with a clear, located error, in
//! bounded time and memory, never with a panic, and never with the previous output lost.

use std::path::Path;

use crate::support::{assert_same_tree, fixture_copy, read, read_tree, renkei, write};

/// Builds `root` into `root/public`; returns (success, stderr).
fn build(root: &Path) -> (bool, String) {
    let output = renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(root.join("public"))
        .output();
    let output = output.unwrap_or_else(|e| panic!("cannot run renkei: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "renkei panicked:\n{stderr}");
    (output.status.success(), stderr)
}

/// Builds once, applies `hostile`, builds again: the second build must fail with every text of
/// `says`, and leave the first build's output as it was.
fn rejected(hostile: impl FnOnce(&Path), says: &[&str]) {
    let site = fixture_copy("basic");
    let root = site.path();
    assert!(build(root).0, "the fixture builds");
    let before = read_tree(&root.join("public"));
    hostile(root);
    let (ok, stderr) = build(root);
    assert!(!ok, "the hostile input was accepted");
    for text in says {
        assert!(stderr.contains(text), "stderr lacks `{text}`:\n{stderr}");
    }
    assert!(read_tree(&root.join("public")) == before, "the previous output changed");
}

/// Applies `hostile` to a fresh copy and builds: it must succeed. Returns the site folder.
fn accepted(hostile: impl FnOnce(&Path)) -> tempfile::TempDir {
    let site = fixture_copy("basic");
    hostile(site.path());
    let (ok, stderr) = build(site.path());
    assert!(ok, "the build failed:\n{stderr}");
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
