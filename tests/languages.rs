//! Languages and URLs: Japanese file names, per-language feeds, sitemaps, search indexes and
//! data pages, and a third language added by configuration and a strings file alone.

use std::collections::BTreeMap;

use crate::support::{copy_dir, fixture_copy, links_of, read_tree, renkei, repo_root, write};

/// The fixture site with the project's default theme (whose pages link everything: menus,
/// footers, language switch), plus `extra` files; built into `<root>/public`.
fn build_with_default_theme(
    extra: &[(&str, &str)],
    config_extra: &str,
) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let site = fixture_copy("basic");
    let root = site.path();
    copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    let config = config.replace("theme = \"plain\"", "theme = \"default\"");
    write(root, "site.toml", format!("{config}{config_extra}"));
    for (path, text) in extra {
        write(root, path, text);
    }
    renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(root.join("public"))
        .assert()
        .success();
    let tree = read_tree(&root.join("public"));
    (site, tree)
}

fn text<'a>(tree: &'a BTreeMap<String, Vec<u8>>, path: &str) -> &'a str {
    let bytes = tree.get(path).unwrap_or_else(|| panic!("{path} is missing from the output"));
    std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path} is not UTF-8: {e}"))
}

/// `%E3%81%8A` → the bytes, as a static host does before looking for the file.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            if let Ok(byte) = u8::from_str_radix(&path[i + 1..i + 3], 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| panic!("{path} decodes to bad UTF-8: {e}"))
}

/// The output file a site-relative URL path is served from, if any.
fn served_file(tree: &BTreeMap<String, Vec<u8>>, url: &str) -> Option<String> {
    let path = url.split(['#', '?']).next().unwrap_or_default().trim_start_matches('/');
    let path = percent_decode(path);
    let file =
        if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
    tree.contains_key(&file).then_some(file)
}

/// Every link of every page of `tree` that stays on the site (starts with `/`), unresolved.
fn broken_links(tree: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut broken = Vec::new();
    for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        for link in links_of(&String::from_utf8_lossy(bytes)) {
            if link.starts_with('/')
                && !link.starts_with("//")
                && served_file(tree, &link).is_none()
            {
                broken.push(format!("{path}: {link}"));
            }
        }
    }
    broken
}

const NOTICE: &str = "---\ntitle: お知らせの使い方\n---\n\n[令和6年度の交流](@/news/令和6年度の交流.md)をご覧ください。\n";
const NEWS: &str = "---\ntitle: 令和6年度の交流\ndate: 2024-06-01\nwards: [arakawa]\n---\n\n[お知らせの使い方](@/お知らせ.md)。\n";

#[test]
fn japanese_file_names_are_published_as_utf8_folders_with_percent_encoded_links() {
    // One of the two files is written decomposed (NFD), as macOS writes names: it is the same id.
    let nfd_name: String =
        unicode_normalization::UnicodeNormalization::nfd("content/news/令和6年度の交流.md")
            .collect();
    let (_site, tree) =
        build_with_default_theme(&[("content/お知らせ.md", NOTICE), (&nfd_name, NEWS)], "");
    assert!(tree.contains_key("お知らせ/index.html"), "the folder keeps the Japanese name");
    assert!(
        tree.contains_key("news/令和6年度の交流/index.html"),
        "NFC on disk, whatever the source"
    );
    let encoded = "/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/";
    let news = text(&tree, "news/令和6年度の交流/index.html");
    assert!(links_of(news).iter().any(|l| l == encoded), "the Markdown link is percent-encoded");
    assert!(
        news.contains(
            "<link rel=\"canonical\" href=\"https://example.org/news/%E4%BB%A4%E5%92%8C6"
        )
    );
    let broken = broken_links(&tree);
    assert!(broken.is_empty(), "links that no file answers:\n{}", broken.join("\n"));
    // Feeds and the sitemap carry URLs (sitemaps must be percent-encoded), never raw Japanese.
    for file in ["sitemap.xml", "sitemaps/ja.xml", "news/atom.xml", "wards/arakawa/atom.xml"] {
        let Some(bytes) = tree.get(file) else { continue };
        let xml = String::from_utf8_lossy(bytes);
        assert!(!xml.contains("https://example.org/お知らせ"), "{file} has a raw URL");
    }
    let locs = all_sitemap_locs(&tree);
    assert!(locs.iter().any(|l| l == &format!("https://example.org{encoded}")), "{locs:?}");
    assert!(
        text(&tree, "wards/arakawa/atom.xml")
            .contains("https://example.org/news/%E4%BB%A4%E5%92%8C6")
    );
    let groups = tree.keys().filter(|path| path.starts_with("search/t/"));
    assert!(
        groups.map(|path| text(&tree, path)).any(|group| group.contains(encoded)),
        "the search index links the encoded URL"
    );
}

#[test]
fn a_bad_japanese_file_name_is_refused_with_a_suggestion() {
    let site = fixture_copy("basic");
    write(site.path(), "content/news/お知らせ（６月）.md", NEWS);
    renkei()
        .arg("check")
        .arg("--root")
        .arg(site.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("content/news/お知らせ（６月）.md"))
        .stderr(predicates::str::contains("`お知らせ-6月.md`"));
}

/// The `<loc>`s of the sitemap, or of every sitemap its index names.
fn all_sitemap_locs(tree: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let locs = |xml: &str| -> Vec<String> {
        xml.split("<loc>")
            .skip(1)
            .filter_map(|s| s.split("</loc>").next())
            .map(str::to_owned)
            .collect()
    };
    let top = text(tree, "sitemap.xml");
    if !top.contains("<sitemapindex") {
        return locs(top);
    }
    locs(top)
        .iter()
        .flat_map(|url| {
            let path = url.trim_start_matches("https://example.org/");
            locs(text(tree, path))
        })
        .collect()
}

#[test]
fn the_english_site_has_its_own_search_index_data_page_and_feeds() {
    use renkei::search::Index;
    use renkei::search::query::{Filter, search};
    let public = crate::support::project_site();
    let read = |path: &str| std::fs::read_to_string(public.join(path)).ok();
    // The English search page queries the English index, beside it.
    let page = read("en/search/index.html").unwrap_or_default();
    assert!(page.contains("<html lang=\"en\">"), "the English search page exists");
    assert!(page.contains("data-index=\"/en/search/\""), "and reads /en/search/");
    let index = Index::from_files(|path| read(&format!("en/{path}")))
        .unwrap_or_else(|e| panic!("no English search index under en/search/: {e}"));
    assert_eq!(index.labels[2], "Municipality", "kinds have English labels");
    assert!(index.prefectures.iter().any(|(id, name)| id == "hokkaido" && name == "Hokkaido"));
    let found = |query: &str| -> Vec<(String, Option<String>)> {
        search(&index, query, Filter::default())
            .into_iter()
            .map(|hit| (index.docs[hit.doc].url.clone(), index.docs[hit.doc].lang.clone()))
            .collect()
    };
    // The translated page is found in English, and by its Japanese name.
    for query in ["Kushiro", "kushiro", "釧路市"] {
        let hits = found(query);
        assert_eq!(
            hits.first().map(|h| h.0.as_str()),
            Some("/en/municipalities/012068/"),
            "{query}: {hits:?}"
        );
    }
    // A page without an English version is still found, marked as Japanese.
    let arakawa_partner = found("しべちゃ");
    assert!(
        arakawa_partner.iter().any(|(url, lang)| url.starts_with("/municipalities/") && lang.as_deref() == Some("ja")),
        "{arakawa_partner:?}"
    );
    assert!(found("存在しない言葉").is_empty());
    // The English index has its own text groups only where a page is translated; the others
    // it reads from the Japanese index's folder (the same bytes, written once).
    let groups = |folder: &str| std::fs::read_dir(public.join(folder)).map_or(0, |d| d.count());
    let (english, japanese) = (groups("en/search/t"), groups("search/t"));
    let translated = index.docs.iter().filter(|d| d.url.starts_with("/en/")).count();
    assert!(english > 0 && english <= translated, "{english} English groups");
    assert!(japanese > 10 * translated, "{japanese} Japanese groups");
    // The Japanese index is unchanged: Japanese labels, Japanese pages.
    let japanese = Index::from_files(|path| read(path)).unwrap_or_else(|e| panic!("no index: {e}"));
    assert_eq!(japanese.labels[2], "自治体");
    assert!(japanese.docs.iter().all(|d| d.lang.is_none() && !d.url.starts_with("/en/")));
    // Both indexes are made together, most pages' bigrams shared: each must hold exactly the
    // bigrams of the texts it shows, and no bigram of a translated page's other language, each
    // with the rank hint of the text it shows (computed the plain way).
    for index in [&index, &japanese] {
        let expected = renkei::search::rank::postings_of(&index.docs);
        assert!(expected == index.postings, "the postings are not the bigrams of the texts");
    }

    // /en/data/ lists the same files with English descriptions, linked from English pages.
    let data = read("en/data/index.html").unwrap_or_else(|| panic!("no /en/data/"));
    let japanese_data = read("data/index.html").unwrap_or_default();
    let files = |html: &str| -> Vec<String> {
        links_of(html).into_iter().filter(|l| l.starts_with("/data/") && l != "/data/").collect()
    };
    assert_eq!(files(&data), files(&japanese_data), "the same files in both languages");
    assert!(files(&data).len() >= 15, "{:?}", files(&data));
    for english in [
        "Municipalities",
        "Local government code (6 digits, with check digit)",
        "Latitude",
        "<th scope=\"col\">Description</th>",
    ] {
        assert!(data.contains(english), "/en/data/ says {english}");
    }
    assert!(
        data.contains("hreflang=\"ja\" href=\"https://renkei.example.jp/data/\""),
        "alternates"
    );
    for page in ["en/index.html", "en/wards/chiyoda/index.html"] {
        let html = read(page).unwrap_or_default();
        assert!(links_of(&html).iter().any(|l| l == "/en/data/"), "{page} links /en/data/");
        assert!(html.contains("action=\"/en/search/\""), "{page} searches in English");
    }
    assert!(links_of(&read("index.html").unwrap_or_default()).iter().any(|l| l == "/data/"));

    // Feeds in English: only translated entries, in English, linked from the English pages.
    let home = read("en/index.html").unwrap_or_default();
    assert!(home.contains("type=\"application/atom+xml\" title=\"Special Wards Nationwide Collaboration Project — News\" href=\"/en/news/atom.xml\""), "{home}");
    let feed = read("en/news/atom.xml").unwrap_or_else(|| panic!("no /en/news/atom.xml"));
    assert!(feed.contains("xml:lang=\"en\""));
    for link in links_of(&feed) {
        assert!(
            link.starts_with("https://renkei.example.jp/en/"),
            "an English feed links English pages: {link}"
        );
    }
    assert!(data.contains("/en/news/atom.xml"), "the English data page lists the English feed");
}

#[test]
fn the_sitemap_is_an_index_of_one_sitemap_per_language_with_alternates() {
    let public = crate::support::project_site();
    let read = |path: &str| {
        std::fs::read_to_string(public.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let index = read("sitemap.xml");
    assert!(index.contains("<sitemapindex"), "{index}");
    assert!(index.contains("<loc>https://renkei.example.jp/sitemaps/ja.xml</loc>"));
    assert!(index.contains("<loc>https://renkei.example.jp/sitemaps/en.xml</loc>"));
    let english = read("sitemaps/en.xml");
    let japanese = read("sitemaps/ja.xml");
    assert!(english.contains("<loc>https://renkei.example.jp/en/wards/chiyoda/</loc>"));
    assert!(!english.contains("<loc>https://renkei.example.jp/wards/chiyoda/</loc>"));
    let alternates = "<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://renkei.example.jp/en/wards/chiyoda/\"/>";
    assert!(english.contains(alternates) && japanese.contains(alternates), "both name both");
    let fallback = "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://renkei.example.jp/wards/chiyoda/\"/>";
    assert!(english.contains(fallback), "x-default is the Japanese page");
    // Every page is in exactly one language's sitemap.
    let count = |xml: &str| xml.matches("<loc>").count();
    let pages = walkdir::WalkDir::new(public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .count();
    assert_eq!(count(&english) + count(&japanese), pages);
    assert!(read("robots.txt").contains("Sitemap: https://renkei.example.jp/sitemap.xml"));
}

const KOREAN_STRINGS: &str =
    "language_name = \"한국어\"\nlocale = \"ko_KR\"\nhome = \"홈\"\nwards = \"특별구\"\n";

const KOREAN: &str = "\n[languages.ko]\ntitle = \"특별구 전국 연계 프로젝트\"\n";

#[test]
fn a_third_language_is_configuration_and_a_strings_file() {
    let (_site, tree) = build_with_default_theme(
        &[
            ("themes/default/i18n/ko.toml", KOREAN_STRINGS),
            (
                "content/wards/chiyoda.ko.md",
                "---\nname: 지요다구\nkana: ちよだく\ncode: \"131016\"\n---\n\n지요다구는 도쿄의 중심입니다.\n",
            ),
            (
                "content/news/site-open.ko.md",
                "---\ntitle: 사이트를 공개했습니다\ndate: 2025-12-01\n---\n\n사이트를 공개했습니다.\n",
            ),
        ],
        KOREAN,
    );
    let home = text(&tree, "ko/index.html");
    assert!(home.contains("<html lang=\"ko\">"), "the Korean home page exists");
    assert!(
        home.contains("<title>특별구 전국 연계 프로젝트</title>"),
        "with the title of site.toml"
    );
    assert!(home.contains("<meta property=\"og:locale\" content=\"ko_KR\">"));
    assert!(home.contains(">홈</a>"), "strings come from i18n/ko.toml");
    assert!(home.contains("Skip to content"), "a string ko.toml lacks falls back to English");
    let ward = text(&tree, "ko/wards/chiyoda/index.html");
    assert!(
        ward.contains("<h1>지요다구</h1>") || ward.contains("지요다구"),
        "the translation is published"
    );
    for (lang, url) in [
        ("ja", "https://example.org/wards/chiyoda/"),
        ("en", "https://example.org/en/wards/chiyoda/"),
        ("ko", "https://example.org/ko/wards/chiyoda/"),
    ] {
        let alternate = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{url}\">");
        assert!(ward.contains(&alternate), "the Korean page names its {lang} version");
        assert!(
            text(&tree, "wards/chiyoda/index.html").contains(&alternate),
            "so does the Japanese one"
        );
    }
    assert!(ward.contains("<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/wards/chiyoda/\">"));
    assert!(ward.contains(">한국어</span>"), "the language switch names Korean in Korean");
    assert!(text(&tree, "wards/chiyoda/index.html").contains("lang=\"ko\">한국어</a>"));
    for file in
        ["ko/data/index.html", "ko/search/index.html", "ko/search/meta.json", "sitemaps/ko.xml"]
    {
        assert!(tree.contains_key(file), "{file} is built for the third language");
    }
    assert!(text(&tree, "sitemap.xml").contains("sitemaps/ko.xml"));
    // Its news feed holds the translated item, though the language has no news list page.
    let feed = text(&tree, "ko/news/atom.xml");
    assert!(feed.contains("<title>사이트를 공개했습니다</title>"), "{feed}");
    assert!(!feed.contains("釧路市との交流の報告"), "only entries translated into Korean: {feed}");
    assert!(home.contains("href=\"/ko/news/atom.xml\""), "the Korean home page links it");
    assert!(
        text(&tree, "ko/data/index.html").contains("ko/news/atom.xml"),
        "the data page lists it"
    );
    let broken = broken_links(&tree);
    assert!(broken.is_empty(), "links that no file answers:\n{}", broken.join("\n"));
}

#[test]
fn a_language_without_strings_is_a_configuration_error() {
    let site = fixture_copy("basic");
    let config = std::fs::read_to_string(site.path().join("site.toml")).unwrap_or_default();
    write(site.path(), "site.toml", format!("{config}{KOREAN}"));
    renkei()
        .arg("check")
        .arg("--root")
        .arg(site.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the language `ko` of site.toml has no interface strings",
        ))
        .stderr(predicates::str::contains("i18n/ko.toml"));
}

#[test]
fn renkei_new_accepts_a_japanese_id() {
    let site = fixture_copy("basic");
    renkei().args(["new", "news", "令和6年度の交流", "--root"]).arg(site.path()).assert().success();
    assert!(site.path().join("content/news/令和6年度の交流.md").is_file());
    renkei().args(["new", "wards", "千代田", "--root"]).arg(site.path()).assert().code(2);
}

#[test]
fn every_link_of_the_projects_site_resolves_to_a_file_in_both_languages() {
    let tree = read_tree(crate::support::project_site());
    let broken = broken_links(&tree);
    assert!(broken.is_empty(), "links that no file answers:\n{}", broken.join("\n"));
    assert!(tree.keys().filter(|p| p.starts_with("en/") && p.ends_with(".html")).count() >= 10);
}

/// A date known by its month alone is `2016-12` on the English page of a translated entry and on
/// the English list, never a day; the Japanese page shows 2016年12月.
#[test]
fn a_month_is_shown_as_iso_on_english_pages() {
    let event = "---\ntitle: 浅草の魅力発信\ndate: 2016-12\ncategory: 住民交流\n---\n\n本文。\n";
    let english = "---\ntitle: Asakusa showcase\ndate: 2016-12\ncategory: 住民交流\n---\n\nText.\n";
    let (_site, tree) = build_with_default_theme(
        &[
            ("content/events/asakusa-month.md", event),
            ("content/events/asakusa-month.en.md", english),
        ],
        "",
    );
    let page = text(&tree, "en/events/asakusa-month/index.html");
    assert!(page.contains("<time datetime=\"2016-12\">2016-12</time>"), "{page}");
    assert!(!page.contains("2016年12月"), "no Japanese date on the English page");
    assert!(!page.contains("2016-12-01"), "no day stands in for the month");
    let ja = text(&tree, "events/asakusa-month/index.html");
    assert!(ja.contains("<time datetime=\"2016-12\">2016年12月</time>"), "the Japanese page");
}

/// A `site.toml` without `theme`, `default_language`, `events_per_page` or `news_per_page` takes
/// the README's defaults: the `default` theme, Japanese for files without a language suffix, and
/// 20 items per list page.
#[test]
fn a_site_toml_without_theme_language_or_page_sizes_takes_the_defaults() {
    let site = fixture_copy("basic");
    let root = site.path();
    copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    let set = ["theme = ", "default_language = ", "events_per_page = ", "news_per_page = "];
    let kept: Vec<&str> =
        config.lines().filter(|line| !set.iter().any(|key| line.starts_with(key))).collect();
    assert_eq!(config.lines().count(), kept.len() + set.len(), "each key was set:\n{config}");
    write(root, "site.toml", kept.join("\n") + "\n");
    // 3 news items in the fixture + 21 = 24: two pages of 20 (12 pages of the fixture's 2).
    for n in 1..=21 {
        let news = format!("---\ntitle: お知らせ{n}\ndate: 2025-06-{n:02}\n---\n\n本文。\n");
        write(root, &format!("content/news/default-{n:02}.md"), news);
    }
    renkei()
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(root.join("public"))
        .assert()
        .success();
    let tree = read_tree(&root.join("public"));

    let style = tree.keys().find(|p| p.starts_with("style.") && p.ends_with(".css"));
    let style = style.unwrap_or_else(|| panic!("a stylesheet at the root"));
    // `.site-header` is the default theme's; the fixture's `plain` theme has none.
    assert!(text(&tree, style).contains(".site-header{"), "the default theme's stylesheet");
    assert!(text(&tree, "index.html").contains("class=\"site-header\""), "its templates");
    assert!(text(&tree, "index.html").contains("<html lang=\"ja\""), "Japanese at the root");
    assert!(text(&tree, "en/index.html").contains("<html lang=\"en\""), "English under /en/");

    let first = text(&tree, "news/index.html");
    let second = text(&tree, "news/page/2/index.html");
    let items = |html: &str| (1..=21).filter(|n| html.contains(&format!("お知らせ{n}<"))).count();
    // The fixture's 3 items are newer than June 2025: they head the first page.
    assert_eq!((items(first), items(second)), (17, 4), "20 on the first page, 4 on the second");
    assert!(!tree.contains_key("news/page/3/index.html"), "24 items make two pages of 20");
    assert!(!tree.contains_key("events/page/2/index.html"), "the fixture's events fit on one page");
}
