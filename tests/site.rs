//! The project's own site, built as a user would build it.

use crate::support::{renkei, repo_root};

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
}
