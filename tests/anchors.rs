//! The anchor check (issue 9): a link to `#fragment` within the site must find that id in the
//! final HTML of the page it points at, in `build`, `check` and `serve`.

use std::path::Path;

use crate::serve::Server;
use crate::support::{edit, fixture_copy, place_in, read, renkei, run_failing, write};

/// The about page with `links` appended, in a copy of the fixture whose ward template adds an
/// id of its own (`h-partners`), as the default theme's does.
fn site_linking(links: &str) -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let root = site.path();
    edit(
        root,
        "themes/plain/templates/ward.html",
        "<p>partner_count=",
        "<h2 id=\"h-partners\">連携先</h2>\n<p>partner_count=",
    );
    let about = read(&root.join("content/about.md"));
    write(root, "content/about.md", format!("{about}\n{links}\n"));
    site
}

fn place_of(root: &Path, text: &str) -> String {
    place_in(root, "content/about.md", text)
}

fn builds(root: &Path) {
    let output = root.join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();
}

#[test]
fn a_missing_anchor_on_the_same_page_fails_the_build_at_the_link() {
    let site = site_linking("[概要へ](#連携の概略)");
    let root = site.path();
    let output = root.join("public");
    let (code, stderr) = run_failing("build", root, &[Path::new("--output"), &output]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&place_of(root, "#連携の概略")), "{stderr}");
    assert!(stderr.contains("link to `#連携の概略`, which is not an id on this page"), "{stderr}");
    assert!(stderr.contains("did you mean `連携の概要`?"), "{stderr}");
    assert!(!output.exists(), "nothing was written");
}

#[test]
fn a_missing_anchor_on_another_page_names_the_page_and_the_nearest_id() {
    let site = site_linking(
        "荒川区の[連携先](/wards/arakawa/#h-partnerz)と[港区](@/wards/minato.md#h-partner)",
    );
    let root = site.path();
    let (code, stderr) = run_failing("check", root, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&place_of(root, "/wards/arakawa/#h-partnerz")), "{stderr}");
    assert!(
        stderr.contains("link to `#h-partnerz`, which is not an id on the page /wards/arakawa/"),
        "{stderr}"
    );
    assert!(stderr.contains(&place_of(root, "@/wards/minato.md#h-partner")), "{stderr}");
    assert_eq!(stderr.matches("did you mean `h-partners`?").count(), 2, "{stderr}");
    assert!(stderr.contains("error: 2 problems found"), "{stderr}");
}

#[test]
fn percent_encoded_japanese_ids_and_template_ids_are_found() {
    let site = site_linking(
        "[a](#連携の概要) [b](/about/#%E9%80%A3%E6%90%BA%E3%81%AE%E6%A6%82%E8%A6%81) \
         [c](#%E3%82%B3%E3%83%BC%E3%83%89%E3%81%AE%E4%BE%8B) [d](/wards/arakawa/#h-partners) \
         [e](../wards/chiyoda/#h-partners) [f](@/wards/minato.md#h-partners) [g](/wards/arakawa#top) \
         [h](/data/events.csv#x) [i](https://example.jp/#nowhere)",
    );
    builds(site.path());
}

#[test]
fn an_id_in_nfd_does_not_match_a_link_in_nfc_and_the_help_says_why() {
    // Browsers compare ids code point by code point: a decomposed heading is another id.
    let site = site_linking("## \u{30AB}\u{3099}イド\n\n[案内](#\u{30AC}イド)");
    let (code, stderr) = run_failing("check", site.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("the same text in another Unicode form"), "{stderr}");
}

#[test]
fn a_heading_removed_while_serving_breaks_the_link_to_it_and_is_restored() {
    let server = Server::start("basic");
    let root = server.root();
    let open = read(&root.join("content/news/site-open.md"));
    write(root, "content/news/site-open.md", format!("{open}\n## 公開の経緯\n\n経緯です。\n"));
    let about = read(&root.join("content/about.md"));
    write(root, "content/about.md", format!("{about}\n[経緯](@/news/site-open.md#公開の経緯)\n"));
    server.wait_for("/about/", "the link", |r| r.body.contains("#%E5%85%AC%E9%96%8B"));
    let error = || {
        let body = server.get("/__renkei/poll").body;
        let status = serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default();
        status["error"].as_str().map(str::to_owned)
    };
    assert_eq!(error(), None);

    // Only the news page changes; the about page, which holds the link, is not rendered again.
    edit(root, "content/news/site-open.md", "## 公開の経緯", "## 公開の理由");
    server.wait_for("/__renkei/poll", "the error", |r| r.body.contains("公開の経緯"));
    let message = error().unwrap_or_default();
    assert!(message.contains(&place_of(root, "@/news/site-open.md#公開の経緯")), "{message}");
    assert!(message.contains("did you mean `公開の理由`?"), "{message}");

    edit(root, "content/news/site-open.md", "## 公開の理由", "## 公開の経緯");
    server.wait_for("/__renkei/poll", "the recovery", |r| r.body.contains("\"error\":null"));
}

#[test]
fn a_link_written_in_raw_html_is_checked_too() {
    let site = site_linking("<p><a href=\"/wards/arakawa/#h-partnerz\">連携先</a></p>");
    let root = site.path();
    let (code, stderr) = run_failing("check", root, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains(&place_of(root, "/wards/arakawa/#h-partnerz")), "{stderr}");
    assert!(stderr.contains("did you mean `h-partners`?"), "{stderr}");
}
