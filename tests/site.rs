//! The project's own site, built as a user would build it.

use crate::support::{copy_dir, edit, fixture_copy, read, read_tree, renkei, repo_root, write};

#[test]
fn the_projects_own_site_builds() {
    let out = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let output = out.path().join("public");
    renkei()
        .arg("build")
        .arg("--root")
        .arg(repo_root())
        .arg("--output")
        .arg(&output)
        .assert()
        .success();
    for page in [
        "index.html",
        "wards/chiyoda/index.html",
        "prefectures/hokkaido/index.html",
        "events/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "news/atom.xml",
    ] {
        assert!(output.join(page).is_file(), "{page} is missing");
    }
    // Every page has a search box (README, Search).
    let pages = read_tree(&output);
    let html: Vec<_> = pages.iter().filter(|(name, _)| name.ends_with(".html")).collect();
    assert!(html.len() > 1000, "{} pages", html.len());
    for (name, bytes) in html {
        let text = String::from_utf8_lossy(bytes);
        assert!(text.contains("<input type=\"search\""), "{name} has no search box");
    }
}

/// The site root's `static/` is published beside the theme's and wins where both have a file:
/// a stylesheet, a plain file and the preview image `og-image.png`, which every page's
/// `og:image` then names. Without either `og-image.png` there is no `og:image` at all.
#[test]
fn the_sites_own_static_files_are_published_and_win_over_the_themes() {
    let site = fixture_copy("basic");
    let root = site.path();
    let output = root.join("public");
    let build = || {
        renkei()
            .arg("build")
            .arg("--root")
            .arg(root)
            .arg("--output")
            .arg(&output)
            .assert()
            .success()
    };
    let og_tag = "<meta property=\"og:image\" content=\"https://example.org/og-image.png\">";
    build();
    assert!(!read(&output.join("index.html")).contains("og:image"), "no preview image yet");

    write(root, "themes/plain/static/og-image.png", "the theme's preview image");
    write(root, "themes/plain/static/robots-note.txt", "the theme's note");
    write(root, "themes/plain/static/only-theme.txt", "from the theme");
    write(root, "static/og-image.png", "the site's preview image");
    write(root, "static/robots-note.txt", "the site's note");
    write(root, "static/only-site/file.txt", "from the site");
    write(root, "static/style.css", ".site-own { color : red ; }\n");
    write(root, "static/app.js", "// a comment\nfunction add ( a , b ) {\n  return a + b ;\n}\n");
    build();
    let published = |name: &str| read(&output.join(name));
    assert_eq!(published("og-image.png"), "the site's preview image");
    assert_eq!(published("robots-note.txt"), "the site's note");
    assert_eq!(published("only-theme.txt"), "from the theme");
    assert_eq!(published("only-site/file.txt"), "from the site");
    for page in ["index.html", "wards/arakawa/index.html", "en/index.html"] {
        assert!(published(page).contains(og_tag), "{page} names the site's preview image");
    }
    let home = published("index.html");
    let css = home
        .split("rel=\"stylesheet\" href=\"/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the home page links a stylesheet:\n{home}"));
    assert_eq!(published(css), ".site-own{color:red;}", "the site's stylesheet, minified");
    // A script is minified and published under a name with the hash of its bytes too.
    let scripts: Vec<String> = std::fs::read_dir(&output)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("app.") && name.ends_with(".js"))
        .collect();
    assert!(
        scripts.len() == 1 && scripts[0].len() == "app.12345678.js".len(),
        "one fingerprinted script: {scripts:?}"
    );
    let script = published(&scripts[0]);
    assert!(!script.contains("comment") && script.contains("return a+b"), "minified: {script}");

    // The site's own image alone is enough for the tag.
    std::fs::remove_file(root.join("themes/plain/static/og-image.png"))
        .unwrap_or_else(|e| panic!("{e}"));
    build();
    assert_eq!(published("og-image.png"), "the site's preview image");
    assert!(published("index.html").contains(og_tag));
}

/// With the project's theme: a page with three headings or more gets a table of contents, one
/// with two does not; a municipality's `aliases` find it in the search but are not on its page;
/// a page without a text of its own (the search page) has the site's `description` as its meta
/// description; without a
/// `license` key the footer gives the default, CC BY 4.0.
#[test]
fn the_projects_theme_toc_from_three_headings_aliases_unseen_description_and_licence() {
    let site = fixture_copy("basic");
    let root = site.path();
    copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
    edit(root, "site.toml", "theme = \"plain\"", "theme = \"default\"");
    edit(root, "site.toml", "license = \"CC BY 4.0\"\n", "");
    let news = |headings: usize| {
        let body: String = (1..=headings).map(|n| format!("## 見出し{n}\n\n本文。\n\n")).collect();
        format!("---\ntitle: 見出し{headings}つ\ndate: 2025-12-02\n---\n\n{body}")
    };
    write(root, "content/news/three.md", news(3));
    write(root, "content/news/two.md", news(2));
    let alias = "阿寒町";
    edit(
        root,
        "content/municipalities/012068.md",
        "kind: 市\n",
        &format!("kind: 市\naliases:\n  - {alias}\n"),
    );
    let output = root.join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();

    let toc = "<nav class=\"toc\"";
    assert!(read(&output.join("news/three/index.html")).contains(toc), "three headings");
    assert!(!read(&output.join("news/two/index.html")).contains(toc), "two headings");
    let page = read(&output.join("search/index.html"));
    assert!(page.contains("<meta name=\"description\" content=\"統合テスト用の固定サイト\">"));
    assert!(page.contains(
        "<p class=\"license\">このサイトの内容は次のライセンスで提供しています：CC BY 4.0"
    ));

    assert!(!read(&output.join("municipalities/012068/index.html")).contains(alias));
    let index =
        renkei::search::Index::from_files(|path| std::fs::read_to_string(output.join(path)).ok())
            .unwrap_or_else(|e| panic!("the search index is readable: {e}"));
    let hits =
        renkei::search::query::search(&index, alias, renkei::search::query::Filter::default());
    let first = hits.first().map(|hit| index.docs[hit.doc].url.as_str());
    assert_eq!(first, Some("/municipalities/012068/"), "{alias} finds 釧路市");
}

const STAGES: [&str; 6] = ["config", "load", "model", "markdown", "render", "output"];

/// The Rust files of module `name` (`src/<name>.rs` or the files under `src/<name>/`), as
/// (path, text).
fn module_texts(name: &str) -> Vec<(String, String)> {
    let file = repo_root().join(format!("src/{name}.rs"));
    let folder = repo_root().join(format!("src/{name}"));
    if file.is_file() {
        return vec![(format!("src/{name}.rs"), read(&file))];
    }
    assert!(folder.is_dir(), "src/{name}.rs or src/{name}/ is the module");
    read_tree(&folder)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(path, bytes)| {
            (format!("src/{name}/{path}"), String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

/// Whether `text` names module `other` (`crate::<other>::`, alone or in a `crate::{…}` group).
fn names_module(text: &str, other: &str) -> bool {
    let grouped = text.split("crate::{").skip(1).any(|group| {
        let group = group.split('}').next().unwrap_or_default();
        group.split(',').any(|item| item.trim().split("::").next() == Some(other))
    });
    text.contains(&format!("crate::{other}::")) || grouped
}

/// The README's "one module per pipeline stage" (config → load → model → markdown → render →
/// output): each stage is its own module, and none names a later one (`crate::<stage>`, alone or
/// in a `crate::{…}` group) in its code.
#[test]
fn no_pipeline_stage_imports_a_later_one() {
    let mut wrong = Vec::new();
    for (at, stage) in STAGES.iter().enumerate() {
        for (path, text) in module_texts(stage) {
            for later in &STAGES[at + 1..] {
                if names_module(&text, later) {
                    wrong.push(format!("{path} uses crate::{later}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "a stage imports a later one:\n{}", wrong.join("\n"));
}

/// The README's module map names every module directly under src/ (`load/`, `anchors.rs`), so
/// that a newcomer finds each one there.
#[test]
fn the_readme_module_map_names_every_module() {
    let readme = read(&repo_root().join("README.md"));
    let map = readme.split("## For developers").nth(1).unwrap_or_default();
    let map = map.split("```").nth(1).unwrap_or_default();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("src")).expect("src/") {
        let path = entry.expect("an entry of src/").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let shown = if path.is_dir() { format!("{name}/") } else { name.clone() };
        // The library's root, and insta's snapshots of unit tests, are not modules of their own.
        if name == "lib.rs" || name == "snapshots" || !(path.is_dir() || name.ends_with(".rs")) {
            continue;
        }
        if !map.contains(&shown) {
            missing.push(shown);
        }
    }
    assert!(missing.is_empty(), "the README's module map leaves out {missing:?}:\n{map}");
}

/// The helpers every stage shares (the HTML escape, the hash, kana and 和暦) sit beside the
/// pipeline: they import no stage, so that any stage may import them.
#[test]
fn the_shared_helpers_import_no_stage() {
    let mut wrong = Vec::new();
    for helper in ["html", "hash", "japanese"] {
        for (path, text) in module_texts(helper) {
            for stage in STAGES {
                if names_module(&text, stage) {
                    wrong.push(format!("{path} uses crate::{stage}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "a shared helper imports a stage:\n{}", wrong.join("\n"));
}
