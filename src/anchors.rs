//! The anchor check: a link to `#fragment` within the site (`#概要` on the same page,
//! `@/wards/arakawa.md#partners`, `/municipalities/011002/#h-partners`, `../chiyoda/#x`) must
//! find an element with that id in the page it points at, or the build fails like it does for
//! a link to a missing page.
//!
//! The Markdown stage records the links (`Rendered::fragment_links`); the ids come from the
//! final HTML of the pages, since templates add ids of their own. Only pages that some link
//! points into are scanned, while they are rendered; `renkei serve` runs the whole check again
//! after each rebuild, so a heading removed from one page is reported in the pages that link
//! to it even when those are not rendered again.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

use crate::diag::{Diagnostic, Diagnostics, nearest};
use crate::load::Entry;
use crate::markdown::attribute_values;
use crate::model::{Route, RouteKind, Site, percent_decode};
use crate::msg;
use crate::render::Bodies;

/// The ids found in the output files that links point into, by file.
pub(crate) type PageIds = HashMap<String, Vec<String>>;

/// Every link of the site's content to a fragment of one of its pages.
#[derive(Debug, Default)]
pub(crate) struct AnchorLinks<'s> {
    links: Vec<AnchorLink<'s>>,
    /// The output files (`wards/arakawa/index.html`) the links point into.
    targets: HashSet<String>,
}

#[derive(Debug)]
struct AnchorLink<'s> {
    entry: &'s Entry,
    span: Range<usize>,
    /// The output file the link points into.
    file: String,
    /// Percent-decoded: what an id must equal, as a browser compares them.
    fragment: String,
    same_page: bool,
}

impl<'s> AnchorLinks<'s> {
    /// The fragment links of every body whose target is a page of the site. Links to other
    /// files (a PDF, a CSV) have no ids to check; links to missing pages are not anchors' business.
    pub(crate) fn collect(site: &'s Site, bodies: &Bodies) -> AnchorLinks<'s> {
        if bodies.values().all(|body| body.fragment_links.is_empty()) {
            return AnchorLinks::default();
        }
        let files: HashSet<String> = site.routes.iter().map(output_file).collect();
        let base_path = &site.config.base_path;
        let mut anchors = AnchorLinks::default();
        for (entry, page) in site.entry_pages() {
            let Some(body) = bodies.get(&entry.path) else { continue };
            for link in &body.fragment_links {
                let Some((file, fragment)) = target(&link.href, &page, base_path, &files) else {
                    continue;
                };
                let same_page = link.href.starts_with('#');
                anchors.targets.insert(file.clone());
                anchors.links.push(AnchorLink {
                    entry,
                    span: link.span.clone(),
                    file,
                    fragment,
                    same_page,
                });
            }
        }
        anchors
    }

    /// Whether the ids of this output file are needed.
    pub(crate) fn wants(&self, file: &str) -> bool {
        self.targets.contains(file)
    }

    /// A diagnostic for each link whose fragment is not an id of its page.
    pub(crate) fn check(&self, ids: &PageIds) -> Diagnostics {
        let sets: HashMap<&str, HashSet<&str>> = ids
            .iter()
            .map(|(file, ids)| (file.as_str(), ids.iter().map(String::as_str).collect()))
            .collect();
        self.links
            .iter()
            .filter(|link| {
                let found = sets.get(link.file.as_str());
                !found.is_some_and(|set| set.contains(link.fragment.as_str()))
                    && !is_top(&link.fragment)
            })
            .map(|link| missing_anchor(link, ids.get(&link.file).map_or(&[][..], Vec::as_slice)))
            .collect()
    }
}

fn missing_anchor(link: &AnchorLink<'_>, ids: &[String]) -> Diagnostic {
    let page = page_of_file(&link.file);
    let message = if link.same_page {
        msg!("anchor.not_on_this_page", fragment = link.fragment.as_str())
    } else {
        msg!("anchor.not_on_page", fragment = link.fragment.as_str(), page = format!("/{page}"))
    };
    let mut candidates: Vec<&str> = ids.iter().map(String::as_str).collect();
    candidates.sort_unstable();
    candidates.dedup();
    if let Some(same_text) = same_text_in_another_form(&link.fragment, &candidates) {
        let help = msg!("anchor.other_form", id = same_text);
        return link.entry.error_in_body(link.span.clone(), message).with_help(help);
    }
    let help = match nearest(&link.fragment, candidates.iter().copied()) {
        Some(best) => msg!("diag.did_you_mean", value = best),
        None if candidates.is_empty() => msg!("anchor.no_ids"),
        None if candidates.len() <= 12 => {
            msg!("anchor.ids_are", ids = crate::diag::quoted_list(&candidates))
        }
        None => msg!("anchor.heading_ids"),
    };
    link.entry.error_in_body(link.span.clone(), message).with_help(help)
}

/// The id that equals `fragment` once both are in NFC.
fn same_text_in_another_form<'i>(fragment: &str, ids: &[&'i str]) -> Option<&'i str> {
    let wanted: String = fragment.nfc().collect();
    ids.iter().copied().find(|id| id.nfc().eq(wanted.chars()))
}

/// HTML scrolls to the top for `#top` even without such an id.
fn is_top(fragment: &str) -> bool {
    fragment.eq_ignore_ascii_case("top")
}

/// The output file of a route, as the build writes it.
pub(crate) fn output_file(route: &Route) -> String {
    if route.kind == RouteKind::NotFound {
        route.path.clone()
    } else {
        format!("{}index.html", route.path)
    }
}

/// `wards/arakawa/index.html` → `wards/arakawa/`, for messages.
fn page_of_file(file: &str) -> &str {
    file.strip_suffix("index.html").unwrap_or(file)
}

/// The output file and the decoded fragment `href` points at, from the page at `page` (a path
/// like `wards/arakawa/`); `None` when it points outside the site or at a file that is not a page.
fn target(
    href: &str,
    page: &str,
    base_path: &str,
    files: &HashSet<String>,
) -> Option<(String, String)> {
    let (path, fragment) = href.split_once('#')?;
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    let relative = if path.is_empty() {
        page.to_owned()
    } else if path.starts_with('/') {
        under_base(path, base_path)?.to_owned()
    } else {
        join_relative(page, path)
    };
    let relative = decoded(&relative)?;
    let file = file_candidates(&relative).into_iter().find(|file| files.contains(file))?;
    let fragment = decoded(fragment).unwrap_or_else(|| fragment.to_owned());
    Some((file, fragment))
}

/// `/renkei/wards/` under the base path `/renkei/` → `wards/`.
fn under_base<'p>(path: &'p str, base_path: &str) -> Option<&'p str> {
    if path == base_path.trim_end_matches('/') {
        return Some("");
    }
    path.strip_prefix(base_path)
}

/// `../chiyoda/` from the page `wards/arakawa/` → `wards/chiyoda/`.
fn join_relative(page: &str, path: &str) -> String {
    let mut segments: Vec<&str> = page.split('/').collect();
    // What follows the page's last `/` is not part of its folder.
    segments.pop();
    for segment in path.split('/') {
        match segment {
            ".." => {
                segments.pop();
            }
            "." => {}
            segment => segments.push(segment),
        }
    }
    segments.join("/")
}

/// A page path may be written without its last `/` (`/wards/arakawa#x`).
fn file_candidates(path: &str) -> Vec<String> {
    if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.to_owned(), format!("{path}/index.html")]
    }
}

/// Percent-decoded, as a browser does before it looks for the id or the file; `None` when it
/// does not decode to UTF-8. (Output paths are NFC: Renkei writes them so.)
fn decoded(text: &str) -> Option<String> {
    String::from_utf8(percent_decode(text)?).ok()
}

/// The values of the `id` attributes of an HTML page and the `name`s of its `<a>` elements (the
/// old way to make an anchor), unescaped.
pub(crate) fn ids_in(html: &[u8]) -> Vec<String> {
    let Ok(html) = std::str::from_utf8(html) else { return Vec::new() };
    let ids = attribute_values(html, "id").into_iter();
    // `<meta name="description">` is no anchor.
    let names =
        attribute_values(html, "name").into_iter().filter(|(at, _)| in_a_link(&html[..at.start]));
    ids.chain(names).map(|(_, value)| value).collect()
}

/// Whether the tag open at the end of `before` is an `<a>`.
fn in_a_link(before: &str) -> bool {
    let tag = before.rfind('<').map_or("", |at| &before[at + 1..]);
    let mut name = tag.split(|c: char| c.is_ascii_whitespace());
    name.next().is_some_and(|name| name.eq_ignore_ascii_case("a"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> HashSet<String> {
        paths.iter().map(|path| path.to_string()).collect()
    }

    #[test]
    fn ids_and_names_are_found_unescaped() {
        let html = "<meta name=\"viewport\"><h2 id=\"概要\">概要</h2><section id='h-partners'><a name=\"old\"></a>\
                    <p data-id=\"no\">valid=\"no\" id=&quot;no&quot;</p><h3 id=\"q&amp;a\">\
                    <h3 id=\"\u{30AB}\u{3099}\">";
        assert_eq!(
            ids_in(html.as_bytes()),
            ["概要", "h-partners", "q&a", "\u{30AB}\u{3099}", "old"]
        );
    }

    #[test]
    fn targets_resolve_like_a_browser() {
        let pages = files(&["wards/arakawa/index.html", "wards/chiyoda/index.html", "index.html"]);
        let at = |href: &str, base: &str| target(href, "wards/arakawa/", base, &pages);
        let arakawa = || Some(("wards/arakawa/index.html".to_owned(), "x".to_owned()));
        let chiyoda = || Some(("wards/chiyoda/index.html".to_owned(), "x".to_owned()));
        assert_eq!(at("#x", "/"), arakawa());
        assert_eq!(at("../chiyoda/#x", "/"), chiyoda());
        assert_eq!(at("./#x", "/"), arakawa());
        assert_eq!(at("/wards/chiyoda/#x", "/"), chiyoda());
        assert_eq!(at("/wards/chiyoda#x", "/"), chiyoda());
        assert_eq!(at("/wards/chiyoda/?page=2#x", "/"), chiyoda());
        assert_eq!(at("/renkei/wards/chiyoda/#x", "/renkei/"), chiyoda());
        assert_eq!(at("/renkei#x", "/renkei/"), Some(("index.html".to_owned(), "x".to_owned())));
        assert_eq!(at("/elsewhere/wards/chiyoda/#x", "/renkei/"), None);
        assert_eq!(at("/data/wards.csv#x", "/"), None);
    }

    #[test]
    fn percent_encoded_paths_and_fragments_are_decoded() {
        let pages = files(&["news/お知らせ/index.html"]);
        let found = target(
            "/news/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/#%E6%A6%82%E8%A6%81",
            "",
            "/",
            &pages,
        );
        assert_eq!(found, Some(("news/お知らせ/index.html".to_owned(), "概要".to_owned())));
        // A fragment that is not valid percent-encoding is compared as written.
        let raw = target("/news/お知らせ/#100%", "", "/", &pages);
        assert_eq!(raw.map(|(_, fragment)| fragment), Some("100%".to_owned()));
    }
}
