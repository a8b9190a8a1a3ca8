//! Issue 17: every link into the site is checked (paths, relative paths, the site's own address,
//! the preview's, `@` without its slash, fragments on all of them) and the front matter's
//! addresses and required texts are validated. Each mistake is a located error with the nearest
//! valid value, in `build` (which leaves the previous output as it was) and in `check`.

use std::path::Path;

use crate::support::{edit, fixture_copy, place_in, read, read_tree, renkei, run_failing, write};

const ABOUT: &str = "content/about.md";
const KUSHIRO: &str = "content/municipalities/012068.md";
const EVENT: &str = "content/events/kyoto-tourism-2026.md";
const ARAKAWA: &str = "content/wards/arakawa.md";

/// A copy of the fixture with `links` appended to the about page.
fn site_linking(links: &str) -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let about = read(&site.path().join(ABOUT));
    write(site.path(), ABOUT, format!("{about}\n{links}\n"));
    site
}

fn build(root: &Path) -> std::process::Output {
    renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(root.join("public"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run renkei: {e}"))
}

/// Builds the fixture, applies `breaks`, builds again: the build must fail with exit code 1
/// and leave the first build's output as it was. Returns stderr.
fn fails_after(breaks: impl FnOnce(&Path)) -> (tempfile::TempDir, String) {
    let site = fixture_copy("basic");
    let root = site.path();
    assert!(build(root).status.success(), "the fixture builds");
    let before = read_tree(&root.join("public"));
    breaks(root);
    let result = build(root);
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert_eq!(result.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(read_tree(&root.join("public")) == before, "the failed build changed the output");
    (site, stderr)
}

/// `stderr` points at `text` in `file` and says each of `says`.
fn reports(stderr: &str, root: &Path, file: &str, text: &str, says: &[&str]) {
    let place = format!("--> {}\n", place_in(root, file, text));
    let Some(at) = stderr.find(&place) else { panic!("no `{place}` in:\n{stderr}") };
    // The message comes before the place; its help after.
    let block_start = stderr[..at].rfind("error").unwrap_or(0);
    let block_end = stderr[at..].find("\nerror").map_or(stderr.len(), |end| at + end);
    let block = &stderr[block_start..block_end];
    for text in says {
        assert!(block.contains(text), "the problem at {place} does not say `{text}`:\n{block}");
    }
}

#[test]
fn unknown_targets_are_errors_at_the_link_with_the_nearest_page() {
    let (site, stderr) = fails_after(|root| {
        let about = read(&root.join(ABOUT));
        let links = "\n[a](/wards/arakwa/) [b](../../wards/nosuch/) [c](/municipalities/999999/)\n\n\
                     [d](/wards/arakwa/#x) [e](/wards/arakawa/#nosuch)\n\n\
                     [g](http://127.0.0.1:1111/wards/arakawa/) [h](https://example.org/wards/chiyda/)\n\n\
                     <a href=\"/prefectures/hokaido/\">i</a> ![j](/images/nothing.png)\n";
        write(root, ABOUT, format!("{about}{links}"));
    });
    let root = site.path();
    let missing = "which is no page or file of this site";
    reports(&stderr, root, ABOUT, "/wards/arakwa/)", &[missing, "did you mean `/wards/arakawa/`?"]);
    reports(
        &stderr,
        root,
        ABOUT,
        "../../wards/nosuch/",
        &[missing, "the nearest existing page is `/wards/`"],
    );
    reports(
        &stderr,
        root,
        ABOUT,
        "/municipalities/999999/",
        &[missing, "the nearest existing page is `/municipalities/`"],
    );
    reports(&stderr, root, ABOUT, "/wards/arakwa/#x", &["did you mean `/wards/arakawa/#x`?"]);
    reports(
        &stderr,
        root,
        ABOUT,
        "/wards/arakawa/#nosuch",
        &["link to `#nosuch`, which is not an id on the page /wards/arakawa/"],
    );
    reports(
        &stderr,
        root,
        ABOUT,
        "http://127.0.0.1:1111/wards/arakawa/",
        &["the preview address", "write the path of the page on this site: `/wards/arakawa/`"],
    );
    reports(
        &stderr,
        root,
        ABOUT,
        "https://example.org/wards/chiyda/",
        &[missing, "did you mean `/wards/chiyoda/`?"],
    );
    reports(
        &stderr,
        root,
        ABOUT,
        "/prefectures/hokaido/",
        &["did you mean `/prefectures/hokkaido/`?"],
    );
    reports(&stderr, root, ABOUT, "/images/nothing.png", &[missing]);
    assert!(stderr.contains("9 problems found"), "{stderr}");

    // `check` finds the same.
    let (code, checked) = run_failing("check", root, &[]);
    assert_eq!(code, Some(1), "{checked}");
    assert!(checked.contains("9 problems found"), "{checked}");
}

#[test]
fn an_internal_link_without_its_slash_gets_the_link_it_meant() {
    // Reported with the other problems of the Markdown, and in the same run the link that only
    // the rendered pages can check.
    let site = site_linking("[釧路市](@municipalities/012068.md) [x](/wards/arakwa/)");
    let (code, stderr) = run_failing("check", site.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    reports(
        &stderr,
        site.path(),
        ABOUT,
        "@municipalities/012068.md",
        &["did you mean `@/municipalities/012068.md`?"],
    );
    reports(&stderr, site.path(), ABOUT, "/wards/arakwa/", &["did you mean `/wards/arakawa/`?"]);
    assert!(stderr.contains("2 problems found"), "{stderr}");
}

#[test]
fn a_preview_address_is_an_error_even_when_its_page_exists() {
    let site = site_linking("[荒川区](http://localhost:1111/wards/arakawa/#h)");
    let (code, stderr) = run_failing("check", site.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    reports(
        &stderr,
        site.path(),
        ABOUT,
        "http://localhost:1111/wards/arakawa/#h",
        &["works only on the computer running `renkei serve`", "`/wards/arakawa/#h`"],
    );
}

#[test]
fn links_to_pages_and_to_published_files_are_valid() {
    let site = site_linking(
        "[a](/wards/arakawa/) [b](../wards/chiyoda/) [c](https://example.org/wards/) \
         [d](/wards/arakawa) [e](/data/events.csv) [f](/sitemap.xml) [g](/robots.txt) \
         [h](/en/wards/chiyoda/) [i](/wards/?page=2#top) [j](https://example.jp/nowhere/) \
         [k](/events/kyoto-tourism-2026/) [l](#連携の概要) [m](mailto:info@example.org) \
         [n](/events/with-photo/leaflet.pdf) [o](/leaflets/2026.pdf) [p](/events/atom.xml) \
         [q](/events/calendar.ics) [r](/events/with-photo/with-photo.ics)",
    );
    let root = site.path();
    // A folder entry with a PDF beside it, linked from itself and (above) from the about page,
    // and a static file of the site.
    write(
        root,
        "content/events/with-photo/index.md",
        "---\ntitle: 資料つきの催し\ndate: 2026-02-01\ncategory: 観光振興\n---\n\n[チラシ](leaflet.pdf)\n",
    );
    write(root, "content/events/with-photo/leaflet.pdf", "%PDF-1.4\n");
    write(root, "static/leaflets/2026.pdf", "%PDF-1.4\n");
    let result = build(root);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    let files = read_tree(&root.join("public"));
    for file in ["data/events.csv", "events/atom.xml", "events/with-photo/leaflet.pdf"] {
        assert!(files.contains_key(file), "the build publishes {file}");
    }
}

#[test]
fn a_file_the_build_does_not_publish_is_a_broken_link() {
    // The stylesheet is published under a fingerprinted name only; the original photo not at all.
    let site = site_linking("[css](/style.css) [data](/data/event.csv)");
    let (code, stderr) = run_failing("check", site.path(), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    reports(&stderr, site.path(), ABOUT, "/style.css", &["which is no page or file of this site"]);
    reports(&stderr, site.path(), ABOUT, "/data/event.csv", &["`/data/`"]);
}

#[test]
fn a_script_address_in_website_is_an_error_at_the_field() {
    let (site, stderr) = fails_after(|root| {
        edit(root, KUSHIRO, "https://www.city.kushiro.lg.jp/", "javascript:alert(1)");
    });
    reports(
        &stderr,
        site.path(),
        KUSHIRO,
        "javascript:alert(1)",
        &["`javascript:` addresses are not allowed in `website`", "starting with https://"],
    );
}

#[test]
fn an_address_without_its_scheme_gets_the_address_to_write() {
    let (site, stderr) = fails_after(|root| {
        edit(root, ARAKAWA, "https://www.city.arakawa.tokyo.jp/", "www.city.arakawa.tokyo.jp");
    });
    reports(
        &stderr,
        site.path(),
        ARAKAWA,
        "www.city.arakawa.tokyo.jp",
        &["has no `https://`", "write `https://www.city.arakawa.tokyo.jp`"],
    );
}

#[test]
fn a_data_address_in_a_relations_source_is_an_error_at_the_source() {
    let (site, stderr) = fails_after(|root| {
        let text = read(&root.join(KUSHIRO));
        let source = text
            .lines()
            .find_map(|line| line.trim().strip_prefix("source: "))
            .unwrap_or_else(|| panic!("the fixture's Kushiro has a source:\n{text}"))
            .to_owned();
        edit(root, KUSHIRO, &source, "data:text/html,<script>alert(1)</script>");
    });
    reports(
        &stderr,
        site.path(),
        KUSHIRO,
        "data:text/html",
        &["`data:` addresses are not allowed in `source`"],
    );
}

#[test]
fn an_empty_title_is_an_error_at_the_field() {
    let (site, stderr) = fails_after(|root| {
        edit(root, EVENT, "title: 京都観光フェア", "title: \"\"");
    });
    reports(&stderr, site.path(), EVENT, "\"\"", &["`title` is empty", "`title` is required"]);
}

#[test]
fn a_blank_kana_and_a_blank_alias_are_errors() {
    let (site, stderr) = fails_after(|root| {
        edit(root, ARAKAWA, "kana: あらかわく", "kana: \"\u{3000}\"");
        edit(root, KUSHIRO, "name: 釧路市", "name: 釧路市\naliases: [阿寒町, \" \"]");
    });
    let root = site.path();
    reports(&stderr, root, ARAKAWA, "\"\u{3000}\"", &["`kana` is empty"]);
    reports(&stderr, root, KUSHIRO, "[阿寒町, \" \"]", &["`aliases` has an empty item"]);
    assert!(stderr.contains("2 problems found"), "{stderr}");
}
