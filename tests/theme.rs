//! The default theme on a citizen's phone (issue 18), checked in the built project site's HTML:
//! the header's menu and language switch, the prefecture and ward pages' order and groups,
//! phrase breaks in titles and the footer's links. How it looks and that nothing scrolls sideways
//! is checked in a browser (tests/browser.rs).

use std::path::Path;

use crate::support::{links_of, project_site, read};

fn page(path: &str) -> String {
    read(&project_site().join(path).join("index.html"))
}

/// The language switch of a page: (hreflang, href).
fn language_switch(html: &str) -> Option<(String, String)> {
    let nav = &html[html.find("<nav class=\"lang-switch\"")?..];
    let nav = &nav[..nav.find("</nav>")?];
    let link = &nav[nav.find("<a href=\"")? + 9..];
    let href = &link[..link.find('"')?];
    let lang = &link[link.find("hreflang=\"")? + 10..];
    Some((lang[..lang.find('"')?].to_owned(), href.to_owned()))
}

#[test]
fn every_page_kind_has_the_language_switch_leading_to_the_english_page_or_list() {
    let cases = [
        // Translated: the English page itself.
        ("municipalities/012068", "/en/municipalities/012068/"),
        ("wards/chiyoda", "/en/wards/chiyoda/"),
        ("", "/en/"),
        // Not translated, but the section has an English list.
        ("events/kushiro-mikakuichi-2015", "/en/events/"),
        ("prefectures/hokkaido", "/en/prefectures/"),
        ("municipalities", "/en/municipalities/"),
        // Neither: the English home page.
        ("facilities/tokyo-kusei-kaikan", "/en/"),
        ("agreements", "/en/"),
        // And back.
        ("en/wards/chiyoda", "/wards/chiyoda/"),
        ("en/events", "/events/"),
    ];
    for (path, expected) in cases {
        let html = page(path);
        let (lang, href) = language_switch(&html).unwrap_or_else(|| panic!("/{path}: no switch"));
        assert_eq!(href, expected, "/{path}");
        let target = project_site().join(href.trim_start_matches('/')).join("index.html");
        assert!(target.is_file(), "/{path}: {href} does not exist");
        assert!(read(&target).contains(&format!("<html lang=\"{lang}\"")), "/{path}: {href}");
    }
}

#[test]
fn the_menu_is_a_details_element_with_the_whole_navigation() {
    let html = page("prefectures/hokkaido");
    let menu = &html[html.find("<details class=\"menu\">").expect("a menu")..];
    let menu = &menu[..menu.find("</details>").expect("closed")];
    assert!(menu.contains("<summary>") && menu.contains("メニュー"), "{menu}");
    assert!(menu.contains("<nav class=\"menu-panel\" aria-label=\"メインメニュー\">"), "{menu}");
    for section in ["/wards/", "/prefectures/", "/municipalities/", "/events/", "/about/"] {
        assert!(links_of(menu).iter().any(|l| l == section), "the menu lacks {section}");
    }
    // The section of the page is marked in the menu as in the bar.
    assert!(menu.contains("<a href=\"/prefectures/\" aria-current=\"true\">"), "{menu}");
}

/// 北海道: relations first (by ward, with relation and year), then events and news, then the
/// 179 municipalities in lists by kind that fold away; no table.
#[test]
fn the_prefecture_page_puts_relations_first_and_folds_the_municipalities() {
    let html = page("prefectures/hokkaido");
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let relations = at("id=\"h-relations\"");
    let events = at("id=\"h-events\"");
    let municipalities = at("id=\"h-municipalities\"");
    assert!(relations < events && events < municipalities);
    assert!(!html.contains("<table"), "a phone would scroll a table sideways");
    // Grouped by ward: 荒川区's group holds 釧路市 with its relation and year.
    let arakawa = at("<h3 id=\"h-ward-arakawa\">");
    let kushiro = at("<a href=\"/municipalities/012068/\">釧路市</a></p>");
    assert!(arakawa < kushiro && kushiro < events);
    assert!(html[arakawa..events].contains("くしろ地域8市町村との連携"), "the relation is shown");
    assert!(html[arakawa..events].contains("<time datetime=\"2015\">2015年</time>"), "its year");
    // 市, 町, 村 in that order, folded (179 is long).
    let kinds: Vec<&str> = html
        .match_indices("<details class=\"fold\">\n<summary><span class=\"fold-title\">")
        .map(|(i, m)| &html[i + m.len()..i + m.len() + 3])
        .collect();
    assert_eq!(kinds, ["市", "町", "村"]);
    let listed = links_of(&html[municipalities..])
        .into_iter()
        .filter(|l| l.starts_with("/municipalities/01"))
        .count();
    assert_eq!(listed, 179);
}

#[test]
fn the_ward_page_groups_its_partners_by_prefecture_in_code_order() {
    let html = page("wards/arakawa");
    let partners = &html[html.find("id=\"h-partners\"").expect("partners")..];
    let partners = &partners[..partners.find("</section>\n</section>").expect("end")];
    assert!(!partners.contains("<table"));
    // 北海道 (01), 福島県 (07), 埼玉県 (11): a heading each, in that order.
    let order: Vec<usize> =
        ["/prefectures/hokkaido/", "/prefectures/fukushima/", "/prefectures/saitama/"]
            .iter()
            .map(|p| partners.find(&format!("<a href=\"{p}\">")).unwrap_or(usize::MAX))
            .collect();
    assert!(partners.matches("<h3 id=\"h-partners-").count() >= 3);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(partners.contains("友好都市協定"), "relations are shown");
}

#[test]
fn titles_break_between_phrases() {
    let html = page("events/kushiro-mikakuichi-2015");
    let h1 = &html[html.find("<h1>").expect("h1")..];
    let h1 = &h1[..h1.find("</h1>").expect("end")];
    assert!(h1.contains("<wbr>"), "{h1}");
    // Card titles too (the event list), and never inside a Latin word.
    let list = page("events");
    assert!(list.contains("class=\"card-title\"><a href=\"/events/"), "cards");
    let titles: Vec<&str> = list.split("class=\"card-title\">").skip(1).collect();
    assert!(titles.iter().any(|t| t[..t.find("</a>").unwrap_or(0)].contains("<wbr>")));
    assert!(!list.contains("KITT<wbr>"), "a break inside a word");
}

#[test]
fn the_footer_links_the_sites_own_pages() {
    for (path, texts) in [
        (
            "",
            [
                "ウェブアクセシビリティ方針",
                "お問い合わせ",
                "プライバシーポリシー",
                "サイトマップ",
                "オープンデータ",
            ],
        ),
        ("en", ["Accessibility policy", "Contact", "Privacy policy", "Site map", "Open data"]),
    ] {
        let html = page(path);
        let footer = &html[html.find("<footer").expect("footer")..];
        let nav = &footer[footer.find("footer-links").expect("links")..];
        let nav = &nav[..nav.find("</nav>").expect("end")];
        for text in texts {
            assert!(nav.contains(&format!(">{text}</a>")), "/{path}: no {text} in\n{nav}");
        }
        for link in links_of(nav) {
            let file = project_site().join(link.trim_start_matches('/')).join("index.html");
            assert!(file.is_file(), "/{path}: the footer links {link}, which does not exist");
        }
    }
    // The privacy policy says only what is true of this site: the theme loads nothing from elsewhere.
    let privacy = page("privacy");
    assert!(privacy.contains("Cookie を使いません"));
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html");
    let base = read(&theme);
    assert!(
        !base.contains("src=\"http") && !base.contains("href=\"http"),
        "the theme loads from elsewhere"
    );
}
