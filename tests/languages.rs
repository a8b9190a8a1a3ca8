//! Languages and URLs: Japanese file names, per-language feeds, sitemaps, search indexes and
//! data pages, and a third language added by configuration and a strings file alone.

use std::collections::BTreeMap;

use crate::support::{copy_dir, fixture_copy, links_of, read_tree, renkei, repo_root, write};

/// The fixture site with the project's default theme (whose pages link everything: menus,
/// footers, language switch), plus `extra` files; built into `<root>/public`.
fn build_with_default_theme(extra: &[(&str, &str)]) -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let site = fixture_copy("basic");
    let root = site.path();
    copy_dir(&repo_root().join("themes/default"), &root.join("themes/default"));
    let config = std::fs::read_to_string(root.join("site.toml")).unwrap_or_default();
    write(root, "site.toml", config.replace("theme = \"plain\"", "theme = \"default\""));
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
    let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
    tree.contains_key(&file).then_some(file)
}

/// Every link of every page of `tree` that stays on the site (starts with `/`), unresolved.
fn broken_links(tree: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut broken = Vec::new();
    for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        for link in links_of(&String::from_utf8_lossy(bytes)) {
            if link.starts_with('/') && !link.starts_with("//") && served_file(tree, &link).is_none() {
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
    let nfd_name: String = unicode_normalization::UnicodeNormalization::nfd("content/news/令和6年度の交流.md").collect();
    let (_site, tree) = build_with_default_theme(&[("content/お知らせ.md", NOTICE), (&nfd_name, NEWS)]);
    assert!(tree.contains_key("お知らせ/index.html"), "the folder keeps the Japanese name");
    assert!(tree.contains_key("news/令和6年度の交流/index.html"), "NFC on disk, whatever the source");
    let encoded = "/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/";
    let news = text(&tree, "news/令和6年度の交流/index.html");
    assert!(links_of(news).iter().any(|l| l == encoded), "the Markdown link is percent-encoded");
    assert!(news.contains("<link rel=\"canonical\" href=\"https://example.org/news/%E4%BB%A4%E5%92%8C6"));
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
    assert!(text(&tree, "wards/arakawa/atom.xml").contains("https://example.org/news/%E4%BB%A4%E5%92%8C6"));
    let search = text(&tree, "search/meta.json");
    assert!(search.contains(encoded), "the search index links the encoded URL");
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
        xml.split("<loc>").skip(1).filter_map(|s| s.split("</loc>").next()).map(str::to_owned).collect()
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
