//! In-place output (issue 16): a rebuild writes only the files whose bytes changed, so the others
//! keep their modification time (what `rsync` and other mirroring tools compare); a failed
//! build changes nothing; `--clean` writes everything again.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::support::{assert_same_tree, edit, fixture_copy, read_tree, renkei, tempdir, write};

/// Every file under `dir` (Renkei's own files too) with its modification time.
fn times(dir: &Path) -> BTreeMap<String, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap_or_else(|e| panic!("{e}"));
            let metadata = entry.metadata().unwrap_or_else(|e| panic!("{e}"));
            let modified = metadata.modified().unwrap_or_else(|e| panic!("{e}"));
            (relative.to_string_lossy().replace('\\', "/"), modified)
        })
        .collect()
}

fn build(root: &Path, output: &Path, extra: &[&str]) -> std::process::Output {
    renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"))
}

fn build_ok(root: &Path, output: &Path, extra: &[&str]) {
    let done = build(root, output, extra);
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
}

/// A link to an id that the page does not have: the build fails after rendering every page.
fn break_an_anchor(root: &Path) {
    let about = crate::support::read(&root.join("content/about.md"));
    write(root, "content/about.md", format!("{about}\n[概要へ](#連携の概略)\n"));
}

/// Long enough for a file written again to get a different modification time.
fn tick() {
    std::thread::sleep(Duration::from_millis(50));
}

#[test]
fn a_rebuild_with_no_change_writes_no_file() {
    let site = fixture_copy("basic");
    let out = tempdir();
    let public = out.path().join("public");
    build_ok(site.path(), &public, &[]);
    let before = times(&public);
    assert!(before.contains_key(".renkei-manifest"), "{:?}", before.keys());
    for _ in 0..2 {
        tick();
        build_ok(site.path(), &public, &[]);
        assert_eq!(times(&public), before, "a rebuild with no change wrote or deleted a file");
    }
}

#[test]
fn a_one_line_edit_rewrites_only_the_files_whose_bytes_changed() {
    let site = fixture_copy("basic");
    let out = tempdir();
    let public = out.path().join("public");
    build_ok(site.path(), &public, &[]);
    let (bytes_before, times_before) = (read_tree(&public), times(&public));
    tick();
    edit(
        site.path(),
        "content/about.md",
        "特別区と全国の自治体の連携を紹介します",
        "特別区と全国の市町村の連携を紹介します",
    );
    build_ok(site.path(), &public, &[]);
    let (bytes_after, times_after) = (read_tree(&public), times(&public));
    assert_eq!(
        bytes_before.keys().collect::<Vec<_>>(),
        bytes_after.keys().collect::<Vec<_>>(),
        "the same files"
    );
    let mut rewritten = Vec::new();
    for (path, bytes) in &bytes_after {
        let changed = bytes_before.get(path) != Some(bytes);
        let touched = times_before.get(path) != times_after.get(path);
        assert_eq!(changed, touched, "{path}: bytes changed {changed}, time changed {touched}");
        if changed {
            rewritten.push(path.clone());
        }
    }
    assert!(rewritten.contains(&"about/index.html".to_owned()), "{rewritten:?}");
    // The page, the search index, the manifest: a handful of the site's files.
    assert!(rewritten.len() * 5 < bytes_after.len(), "{rewritten:?}");
}

#[test]
fn a_failed_rebuild_changes_nothing() {
    let site = fixture_copy("basic");
    let out = tempdir();
    let public = out.path().join("public");
    build_ok(site.path(), &public, &[]);
    let (bytes_before, times_before) = (read_tree(&public), times(&public));
    tick();
    // A changed page, and a link to a missing id, which is found once every page is written.
    edit(site.path(), "content/about.md", "特別区と全国の自治体の連携を紹介します", "変更");
    break_an_anchor(site.path());
    let failed = build(site.path(), &public, &[]);
    assert_eq!(failed.status.code(), Some(1), "{}", String::from_utf8_lossy(&failed.stderr));
    assert_same_tree(&bytes_before, &read_tree(&public), "a failed build changed the output");
    assert_eq!(times(&public), times_before);
}

#[test]
fn a_failed_first_build_leaves_no_folder() {
    let site = fixture_copy("basic");
    break_an_anchor(site.path());
    let out = tempdir();
    let public = out.path().join("public");
    let failed = build(site.path(), &public, &[]);
    assert_eq!(failed.status.code(), Some(1), "{}", String::from_utf8_lossy(&failed.stderr));
    assert!(!public.exists(), "a failed first build left its output folder");
}

#[test]
fn clean_writes_every_file_again_and_removes_the_rest() {
    let site = fixture_copy("basic");
    let out = tempdir();
    let public = out.path().join("public");
    build_ok(site.path(), &public, &[]);
    let fresh = read_tree(&public);
    let before = times(&public);
    write(&public, "stray/index.html", "<p>left here by hand</p>");
    tick();
    build_ok(site.path(), &public, &["--clean"]);
    assert_same_tree(&fresh, &read_tree(&public), "--clean gives the tree of a first build");
    let after = times(&public);
    let kept: Vec<&String> = before
        .keys()
        .filter(|p| !p.starts_with(".renkei-") && after.get(*p) == before.get(*p))
        .collect();
    assert!(kept.is_empty(), "--clean left files as they were: {kept:?}");
}

/// A sink that refuses the files `refused` picks, as a full disk would.
struct Refusing(fn(&str) -> bool);

impl renkei::output::Output for Refusing {
    fn write(&self, path: &str, _: &[u8]) -> std::io::Result<()> {
        if (self.0)(path) { Err(std::io::Error::other("no space left on device")) } else { Ok(()) }
    }
}

#[test]
fn a_file_that_cannot_be_written_is_an_output_error_not_a_content_error() {
    let site = fixture_copy("basic");
    let config = renkei::Config::load(site.path(), &renkei::Options::default()).expect("config");
    // A page, a generated file (a feed), and a file written last (robots.txt), one at a time.
    type Refusal = (&'static str, fn(&str) -> bool);
    let refusals: [Refusal; 3] = [
        ("a page", |path| path.ends_with("index.html")),
        ("a feed", |path| path.ends_with(".xml") && path != "sitemap.xml"),
        ("robots.txt", |path| path == "robots.txt"),
    ];
    for (what, refused) in refusals {
        match renkei::build::build_into(&config, &Refusing(refused)) {
            Err(renkei::build::Error::Output(diagnostics)) => {
                let all: Vec<String> = diagnostics.iter().map(|d| d.render()).collect();
                assert!(
                    all.iter().any(|d| d.contains("no space left on device")),
                    "{what}: the error names the cause:\n{}",
                    all.join("\n")
                );
            }
            other => panic!("{what}: expected an output error, got {other:?}"),
        }
    }
}

/// Builds with the library, which tells how many pages it rendered rather than kept.
fn build_counting(root: &Path, output: &Path) -> renkei::build::BuildReport {
    renkei::build::build(root, output, &renkei::Options::default())
        .unwrap_or_else(|e| panic!("the build failed: {e}"))
}

#[test]
fn a_rebuild_with_no_change_renders_no_page_and_gives_a_fresh_builds_tree() {
    let site = fixture_copy("basic");
    let out = tempdir();
    let public = out.path().join("public");
    let first = build_counting(site.path(), &public);
    assert_eq!(first.rendered, first.pages, "a first build renders every page");
    let again = build_counting(site.path(), &public);
    assert_eq!(again.rendered, 0, "pages rendered again with nothing changed");
    assert_eq!(again.pages, first.pages);
    let fresh = out.path().join("fresh");
    build_counting(site.path(), &fresh);
    assert_same_tree(&read_tree(&fresh), &read_tree(&public), "kept pages differ from fresh ones");

    // One body edited: its page and the pages that show it, not the site.
    edit(site.path(), "content/news/kushiro-report.md", "交流の報告です。", "交流の報告です！");
    let edited = build_counting(site.path(), &public);
    assert!(edited.rendered > 0 && edited.rendered * 4 < edited.pages, "{edited:?}");
}

/// What an editor changes between two builds, one kind at a time: after each, the folder built
/// in place (pages kept where their inputs did not change) holds exactly what a build into a
/// new folder writes.
#[test]
fn after_each_kind_of_edit_a_rebuild_in_place_gives_a_fresh_builds_tree() {
    let site = fixture_copy("basic");
    let root = site.path();
    let out = tempdir();
    let public = out.path().join("public");
    build_ok(root, &public, &[]);
    type Change = (&'static str, fn(&Path, &Path));
    let changes: [Change; 9] = [
        ("a body", |root, _| {
            edit(root, "content/news/kushiro-report.md", "交流の報告です。", "交流の報告です！")
        }),
        ("a name that other pages show", |root, _| {
            edit(root, "content/municipalities/012068.md", "name: 釧路市", "name: 釧路市役所")
        }),
        ("a relation", |root, _| {
            edit(root, "content/municipalities/012068.md", "  - ward: arakawa", "  - ward: chiyoda")
        }),
        ("a new entry", |root, _| {
            let text =
                "---\ntitle: 新しいお知らせ\ndate: 2025-12-01\ncategory: 報告\n---\n\n本文。\n";
            write(root, "content/news/new-entry.md", text)
        }),
        ("an entry removed", |root, _| {
            let _ = std::fs::remove_file(root.join("content/news/support-2025.md"));
        }),
        ("a template", |root, _| {
            edit(root, "themes/plain/templates/base.html", "<head>", "<head><!-- edited -->")
        }),
        ("the stylesheet", |root, _| {
            let css = crate::support::read(&root.join("themes/plain/static/style.css"));
            write(
                root,
                "themes/plain/static/style.css",
                format!("{css}\nmain {{ color: #111; }}\n"),
            )
        }),
        ("the site's title", |root, _| edit(root, "site.toml", "連携テスト", "連携テスト版")),
        ("a page of the output edited by hand", |_, public| {
            write(public, "about/index.html", "<p>edited on the server</p>")
        }),
    ];
    for (round, (what, change)) in changes.into_iter().enumerate() {
        tick();
        change(root, &public);
        build_ok(root, &public, &[]);
        let fresh = out.path().join(format!("fresh-{round}"));
        build_ok(root, &fresh, &[]);
        let message = format!("after an edit of {what}, the rebuilt folder differs");
        assert_same_tree(&read_tree(&fresh), &read_tree(&public), &message);
    }
}

/// A page kept from the last build is not read again: when a new link points into it, it is
/// rendered for its ids, so that a link to one of them passes and a link to a missing one fails.
#[test]
fn links_into_an_unchanged_page_are_checked_against_its_ids() {
    let site = fixture_copy("basic");
    let out = tempdir();
    let public = out.path().join("public");
    let report = "content/news/kushiro-report.md";
    let text = crate::support::read(&site.path().join(report));
    write(site.path(), report, format!("{text}\n## 交流の経緯\n\n経緯です。\n"));
    build_ok(site.path(), &public, &[]);
    let about = crate::support::read(&site.path().join("content/about.md"));
    let link = "[経緯](@/news/kushiro-report.md#交流の経緯)";
    write(site.path(), "content/about.md", format!("{about}\n{link}\n"));
    build_ok(site.path(), &public, &[]);

    let link = "[報告](@/news/kushiro-report.md#存在しない見出し)";
    write(site.path(), "content/about.md", format!("{about}\n{link}\n"));
    let failed = build(site.path(), &public, &[]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("存在しない見出し"), "{stderr}");
}
