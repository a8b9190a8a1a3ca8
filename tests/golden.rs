//! The fixture site `tests/fixtures/basic`, built and compared with golden files: the whole output
//! tree (paths and sizes), and every page, feed and sitemap as text. Its theme (`plain`) prints the
//! template context plainly, so that these files change only when the engine does.

use std::collections::BTreeMap;

use crate::support::{assert_same_tree, fixture, links_of, read_tree, renkei, tempdir};

/// Builds the fixture into `<tmp>/public` with extra arguments; returns the output tree.
fn build(args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let out = tempdir();
    let output = out.path().join("public");
    renkei()
        .arg("build")
        .arg("--root")
        .arg(fixture("basic"))
        .arg("--output")
        .arg(&output)
        .args(args)
        .assert()
        .success()
        .stderr("");
    let tree = read_tree(&output);
    // Nothing but the output itself is left beside it (no staging or old folder).
    let beside: Vec<String> = std::fs::read_dir(out.path())
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert_eq!(beside, ["public"], "the build leaves only its output");
    tree
}

fn text<'a>(tree: &'a BTreeMap<String, Vec<u8>>, path: &str) -> &'a str {
    let bytes = tree.get(path).unwrap_or_else(|| panic!("{path} is missing from the output"));
    std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path} is not UTF-8: {e}"))
}

/// Open data and calendars, checked by their parsers in tests/opendata.rs.
fn is_data(path: &str) -> bool {
    [".csv", ".json", ".ics"].iter().any(|ext| path.ends_with(ext))
}

fn is_text(path: &str) -> bool {
    [".html", ".xml", ".txt"].iter().any(|ext| path.ends_with(ext))
}

#[test]
fn output_tree_matches_the_golden_files() {
    let tree = build(&[]);
    let listing: String =
        tree.iter().map(|(path, bytes)| format!("{path} {}\n", bytes.len())).collect();
    insta::assert_snapshot!("files", listing);
    insta::with_settings!({
        snapshot_path => "snapshots/golden",
        prepend_module_to_snapshot => false,
    }, {
        for (path, _) in tree.iter().filter(|(path, _)| is_text(path)) {
            let name = path.replace('/', "__");
            insta::assert_snapshot!(name, text(&tree, path));
        }
    });
}

#[test]
fn two_builds_are_byte_identical() {
    let first = build(&[]);
    let second = build(&[]);
    assert_same_tree(&first, &second, "the second build differs from the first");
}

#[test]
fn every_internal_link_leads_to_a_page_of_the_site() {
    let tree = build(&[]);
    let mut broken = Vec::new();
    for (path, _) in tree.iter().filter(|(path, _)| path.ends_with(".html")) {
        for link in links_of(text(&tree, path)) {
            let Some(target) = link.strip_prefix('/') else { continue };
            let target = target.split('#').next().unwrap_or_default();
            let file = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target.to_owned()
            };
            if !tree.contains_key(&file) {
                broken.push(format!("{path}: {link}"));
            }
        }
    }
    assert!(broken.is_empty(), "links to missing pages:\n{}", broken.join("\n"));
}

#[test]
fn a_sub_path_base_url_prefixes_every_link() {
    let tree = build(&["--base-url", "https://example.org/renkei/"]);
    let mut wrong = Vec::new();
    let mut count = 0;
    for (path, _) in tree.iter().filter(|(path, _)| path.ends_with(".html")) {
        for link in links_of(text(&tree, path)) {
            count += 1;
            // A fragment alone stays on the same page (footnotes, table of contents).
            let fine = link.starts_with("/renkei/")
                || link.starts_with("https://")
                || (link.starts_with('#') && link.len() > 1);
            if !fine {
                wrong.push(format!("{path}: {link}"));
            }
        }
    }
    assert!(count > 100, "the pages have links ({count} found)");
    assert!(wrong.is_empty(), "links outside /renkei/:\n{}", wrong.join("\n"));

    // Two languages: sitemap.xml is an index of one sitemap per language.
    let sitemap = [
        text(&tree, "sitemap.xml"),
        text(&tree, "sitemaps/ja.xml"),
        text(&tree, "sitemaps/en.xml"),
    ]
    .concat();
    let locs: Vec<&str> =
        sitemap.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).collect();
    assert!(locs.len() > 30, "the sitemap lists the pages: {sitemap}");
    assert!(locs.contains(&"https://example.org/renkei/sitemaps/en.xml"), "{sitemap}");
    for loc in &locs {
        assert!(loc.starts_with("https://example.org/renkei/"), "sitemap entry {loc}");
    }
    assert!(locs.contains(&"https://example.org/renkei/wards/chiyoda/"), "{sitemap}");
    assert!(text(&tree, "robots.txt").contains("Sitemap: https://example.org/renkei/sitemap.xml"));
    for feed in ["news/atom.xml", "events/atom.xml"] {
        for link in links_of(text(&tree, feed)) {
            assert!(link.starts_with("https://example.org/renkei/"), "{feed}: {link}");
        }
    }
    // The internal link in a Markdown body follows the base path too.
    assert!(text(&tree, "about/index.html").contains("href=\"/renkei/municipalities/012068/\""));
}

#[test]
fn drafts_are_built_only_with_the_flag() {
    let page = "events/draft-event/index.html";
    let default = build(&[]);
    assert!(!default.contains_key(page), "the draft is not built by default");
    for (path, bytes) in &default {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("draft-event") && !text.contains("準備中のイベント"),
            "{path} mentions the draft"
        );
    }
    let drafts = build(&["--drafts"]);
    assert!(text(&drafts, page).contains("<h1>準備中のイベント</h1>"));
    assert!(text(&drafts, "wards/chiyoda/index.html").contains("href=\"/events/draft-event/\""));
    assert!(text(&drafts, "sitemaps/ja.xml").contains("https://example.org/events/draft-event/"));
}

#[test]
fn the_translation_is_published_under_en_and_linked() {
    let tree = build(&[]);
    let english = text(&tree, "en/wards/chiyoda/index.html");
    assert!(english.contains("<html lang=\"en\">"), "{english}");
    assert!(english.contains("<h1>Chiyoda City</h1>"), "{english}");
    // Relations come from the Japanese file.
    assert!(english.contains("href=\"/facilities/kusei-kaikan/\""), "{english}");
    assert!(english.contains("hreflang=\"ja\" href=\"/wards/chiyoda/\""), "{english}");
    let japanese = text(&tree, "wards/chiyoda/index.html");
    assert!(japanese.contains("hreflang=\"en\" href=\"/en/wards/chiyoda/\""), "{japanese}");
    // Only the translated page exists in English.
    assert!(!tree.contains_key("en/wards/minato/index.html"));
}

/// `page` links to `target` (an `href` attribute) and shows `title`.
fn assert_lists(tree: &BTreeMap<String, Vec<u8>>, page: &str, target: &str, title: &str) {
    let html = text(tree, page);
    let link = format!("<a href=\"{target}\"");
    let found = html.match_indices(&link).any(|(i, _)| {
        html[i..].split_once("</a>").is_some_and(|(anchor, _)| anchor.ends_with(title))
    });
    assert!(found, "{page} does not link to {target} as {title}:\n{html}");
}

#[test]
fn relations_show_on_both_sides() {
    let tree = build(&[]);
    // Ward ⇔ municipality: written once, in the municipality's file.
    assert_lists(&tree, "wards/arakawa/index.html", "/municipalities/012068/", "釧路市");
    assert_lists(&tree, "wards/arakawa/index.html", "/municipalities/016616/", "釧路町");
    assert_lists(&tree, "municipalities/012068/index.html", "/wards/arakawa/", "荒川区");
    assert_lists(&tree, "municipalities/012068/index.html", "/prefectures/hokkaido/", "北海道");
    // Prefecture ⇔ municipality, and the prefecture's partners through its municipalities.
    assert_lists(&tree, "prefectures/hokkaido/index.html", "/municipalities/012068/", "釧路市");
    assert_lists(&tree, "prefectures/hokkaido/index.html", "/wards/arakawa/", "荒川区");
    // An event of a municipality shows on its prefecture's page.
    assert_lists(
        &tree,
        "prefectures/kyoto/index.html",
        "/events/fukuchiyama-culture-2026/",
        "福知山の文化展",
    );
    assert_lists(
        &tree,
        "prefectures/hokkaido/index.html",
        "/events/kushiro-exchange-2025/",
        "釧路町との住民交流",
    );
    // Event ⇔ ward, municipality, prefecture.
    for (target, title) in [
        ("/wards/arakawa/", "荒川区"),
        ("/municipalities/012068/", "釧路市"),
        ("/prefectures/hokkaido/", "北海道"),
    ] {
        assert_lists(&tree, "events/kushiro-mikakuichi-2015/index.html", target, title);
    }
    assert_lists(
        &tree,
        "wards/arakawa/index.html",
        "/events/kushiro-mikakuichi-2015/",
        "北海道・釧路！旬！秋の味覚市",
    );
    // Facility ⇔ ward; agreement ⇔ prefecture; exhibit ⇔ municipality; news ⇔ municipality.
    assert_lists(&tree, "facilities/kusei-kaikan/index.html", "/wards/chiyoda/", "千代田区");
    assert_lists(&tree, "wards/chiyoda/index.html", "/facilities/kusei-kaikan/", "東京区政会館");
    assert_lists(
        &tree,
        "prefectures/hokkaido/index.html",
        "/agreements/hokkaido-choson/",
        "特別区長会と北海道町村会の連携協力に関する協定",
    );
    assert_lists(
        &tree,
        "municipalities/016616/index.html",
        "/exhibits/kushiro-exhibit/",
        "釧路管内の魅力展",
    );
    assert_lists(
        &tree,
        "municipalities/012068/index.html",
        "/news/kushiro-report/",
        "釧路市との交流の報告",
    );
}

#[test]
fn events_are_split_into_upcoming_and_past_and_paginated() {
    let tree = build(&[]);
    let section = |page: &str, label: &str| -> String {
        let html = text(&tree, page);
        let start = html.find(&format!("<p>{label}:</p>")).unwrap_or_else(|| panic!("{page}"));
        let list = &html[start..];
        list[..list.find("</ul>").unwrap_or(list.len())].to_owned()
    };
    let order = |page: &str, label: &str| -> Vec<String> {
        section(page, label)
            .split("<a href=\"/events/")
            .skip(1)
            .filter_map(|s| s.split('/').next().map(str::to_owned))
            .collect()
    };
    // Upcoming soonest first (one still running, one today), then past latest first.
    assert_eq!(
        order("events/index.html", "upcoming"),
        ["kushiro-exchange-2025", "fukuchiyama-culture-2026"]
    );
    assert_eq!(order("events/index.html", "past"), Vec::<String>::new());
    assert_eq!(order("events/page/2/index.html", "upcoming"), ["kyoto-tourism-2026"]);
    assert_eq!(order("events/page/2/index.html", "past"), ["kyoto-symposium-2024"]);
    assert_eq!(order("events/page/3/index.html", "past"), ["kushiro-mikakuichi-2015"]);
    assert!(!tree.contains_key("events/page/4/index.html"));
    assert!(!tree.contains_key("events/page/1/index.html"), "page 1 is /events/");
    let second = text(&tree, "events/page/2/index.html");
    assert!(second.contains("<a href=\"/events/\" rel=\"prev\">"), "{second}");
    assert!(second.contains("<a href=\"/events/page/3/\" rel=\"next\">"), "{second}");
    assert!(tree.contains_key("news/page/2/index.html"));
    assert!(!tree.contains_key("news/page/3/index.html"));
    // One list per category, even an empty one.
    for slug in ["industry", "tourism", "culture", "tokyo2020", "challenges", "exchange"] {
        assert!(tree.contains_key(&format!("events/category/{slug}/index.html")), "{slug}");
    }
}

#[test]
fn markdown_bodies_render_with_tables_footnotes_code_and_links() {
    let tree = build(&[]);
    let about = text(&tree, "about/index.html");
    assert!(about.contains("<table>"), "{about}");
    assert!(about.contains("footnote"), "{about}");
    assert!(about.contains("data-lang=\"rust\""), "{about}");
    assert!(about.contains("<a href=\"/municipalities/012068/\">釧路市</a>"), "{about}");
    assert!(
        about.contains("<a href=\"#連携の概要\">連携の概要</a>"),
        "the table of contents: {about}"
    );
    assert!(!about.contains("@/"), "no internal link is left unresolved: {about}");
}

#[test]
fn the_output_is_only_files_of_the_site() {
    let tree = build(&[]);
    let unexpected: Vec<&String> = tree
        .keys()
        .filter(|p| {
            let own = [".renkei-output", ".renkei-manifest"].contains(&p.as_str());
            !(is_text(p) || is_data(p) || p.ends_with(".css") || own)
        })
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    assert!(
        fixture("basic").join("public").symlink_metadata().is_err(),
        "the fixture itself is never written to"
    );
}

/// The element paths of an XML document (`feed/entry/title`), checking on the way that it is
/// well-formed: tags balance and every entity in text and attributes is valid.
fn xml_paths(path: &str, xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut paths = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(tag)) => {
                for attribute in tag.attributes() {
                    let attribute =
                        attribute.unwrap_or_else(|e| panic!("{path}: bad attribute: {e}"));
                    attribute
                        .unescape_value()
                        .unwrap_or_else(|e| panic!("{path}: bad entity: {e}"));
                }
                stack.push(String::from_utf8_lossy(tag.local_name().as_ref()).into_owned());
                paths.push(stack.join("/"));
            }
            Ok(Event::Empty(tag)) => {
                let name = String::from_utf8_lossy(tag.local_name().as_ref()).into_owned();
                paths.push(format!("{}/{name}", stack.join("/")));
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(text)) => {
                text.decode().unwrap_or_else(|e| panic!("{path}: bad text: {e}"));
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("{path} is not well-formed XML: {error}"),
        }
    }
    assert!(stack.is_empty(), "{path}: unclosed elements {stack:?}");
    paths
}

#[test]
fn feeds_and_sitemap_are_well_formed_with_the_required_elements() {
    let tree = build(&[]);
    for feed in ["news/atom.xml", "events/atom.xml"] {
        let paths = xml_paths(feed, text(&tree, feed));
        for required in ["feed/id", "feed/title", "feed/updated", "feed/author/name"] {
            assert!(paths.iter().any(|p| p == required), "{feed} lacks {required}");
        }
        let entries = paths.iter().filter(|p| *p == "feed/entry").count();
        assert!(entries > 0, "{feed} has no entries");
        for required in
            ["feed/entry/id", "feed/entry/title", "feed/entry/updated", "feed/entry/link"]
        {
            let count = paths.iter().filter(|p| *p == required).count();
            assert_eq!(count, entries, "every entry of {feed} needs {required}");
        }
    }
    let index = xml_paths("sitemap.xml", text(&tree, "sitemap.xml"));
    assert_eq!(index.iter().filter(|p| *p == "sitemapindex/sitemap/loc").count(), 2);
    let mut listed = 0;
    for language in ["sitemaps/ja.xml", "sitemaps/en.xml"] {
        let sitemap = xml_paths(language, text(&tree, language));
        listed += sitemap.iter().filter(|p| *p == "urlset/url/loc").count();
    }
    let pages = tree.keys().filter(|p| p.ends_with("index.html")).count();
    assert_eq!(listed, pages, "every page is in its language's sitemap");
}

#[test]
fn a_list_with_a_section_text_in_english_is_published_under_en() {
    use crate::support::{fixture_copy, read, write};
    let site = fixture_copy("basic");
    let root = site.path();
    write(
        root,
        "content/wards/_index.en.md",
        "---\ntitle: The special wards\n---\nTokyo's 23 wards.\n",
    );
    renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(root.join("public"))
        .assert()
        .success();
    let english = read(&root.join("public/en/wards/index.html"));
    assert!(english.contains("The special wards"), "the English section text is the page's text");
    let links = links_of(&english);
    assert!(
        links.iter().any(|l| l == "/en/wards/chiyoda/"),
        "the translated ward is linked in English: {links:?}"
    );
    assert!(
        links.iter().any(|l| l == "/wards/minato/"),
        "an untranslated ward links its Japanese page"
    );
    let japanese = read(&root.join("public/wards/index.html"));
    assert!(
        links_of(&japanese).iter().any(|l| l == "/en/wards/"),
        "the Japanese list names its English version"
    );
    assert!(
        !root.join("public/en/events/index.html").exists(),
        "lists without an English text stay Japanese only"
    );
}
