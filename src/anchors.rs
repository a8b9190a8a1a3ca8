//! The check of the links into the site. Every link and image of the content that leads into
//! the site must find what it points at, or the build fails as it does for a broken `@/` link:
//!
//! - a path (`/wards/arakawa/`, `../chiyoda/`, `/data/wards.csv`), or the site's own address
//!   (`https://renkei.example.jp/wards/`), must be a page or a file that the build publishes
//!   (photos, PDFs, feeds, open data, the search index, static files); an unknown one is
//!   reported at the link with the nearest existing page;
//! - the preview's address (`http://127.0.0.1:1111/wards/arakawa/`, pasted from the browser
//!   during `renkei serve`) is always an error: it works only on the computer running the
//!   preview, so the help gives the site path to write instead (a loopback address on another
//!   port that leads to no page of the site is some other local server: an outside link);
//! - a `#fragment` (`#概要` on the same page, `@/wards/arakawa.md#partners`,
//!   `/municipalities/011002/#h-partners`) must find an element with that id in its page.
//!
//! The Markdown stage records the links (`Rendered::site_links`). Pages are known from the
//! routes before they render; the other files only once written, so `Published` records the
//! build's files as they are written and `check` runs at the end. The ids come from the final
//! HTML of the pages, since templates add ids of their own: only pages that some link points
//! into are scanned, while they are rendered. `renkei serve` runs the whole check again after
//! each rebuild, so a heading or a page removed is reported in the pages that link to it even
//! when those are not rendered again.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use unicode_normalization::UnicodeNormalization;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, nearest};
use crate::load::{Collection, Entry};
use crate::markdown::{Bodies, SiteLink, attribute_values, is_web_url};
use crate::model::{Route, RouteKind, Site, percent_decode};
use crate::msg;
use crate::output::Output;

/// The ids found in the output files that links point into, by file.
pub(crate) type PageIds = HashMap<String, Vec<String>>;

/// Every link of the site's content that leads into the site, sorted by what it needs checked.
#[derive(Debug)]
pub(crate) struct AnchorLinks<'s> {
    site: &'s Site,
    /// Links to a fragment of a page.
    links: Vec<AnchorLink<'s>>,
    /// Links to something that is no page: found once the build's files are written, or broken.
    files: Vec<FileLink<'s>>,
    /// Problems known from the link alone (a preview address).
    problems: Vec<Diagnostic>,
    /// The output files (`wards/arakawa/index.html`) the links to fragments point into.
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

/// A link to a path that no page has.
#[derive(Debug)]
struct FileLink<'s> {
    entry: &'s Entry,
    span: Range<usize>,
    /// The path as written.
    href: String,
    /// Decoded, relative to the output folder: `data/wards.csv`.
    path: String,
    fragment: Option<String>,
}

impl<'s> AnchorLinks<'s> {
    /// Sorts the links of every body. Links that the Markdown stage already reported (a file
    /// missing beside its entry) are left out.
    pub(crate) fn collect(site: &'s Site, bodies: &Bodies) -> AnchorLinks<'s> {
        let mut anchors = AnchorLinks {
            site,
            links: Vec::new(),
            files: Vec::new(),
            problems: Vec::new(),
            targets: HashSet::new(),
        };
        if bodies.values().all(|body| body.site_links.is_empty()) {
            return anchors;
        }
        let pages: HashSet<String> = site.routes.iter().map(output_file).collect();
        let home = Home::of(&site.config);
        for (entry, page) in site.entry_pages() {
            let Some(body) = bodies.get(&entry.path) else { continue };
            let reported: HashSet<&Range<usize>> =
                body.asset_problems.iter().map(|problem| &problem.span).collect();
            for link in body.site_links.iter().filter(|link| !reported.contains(&link.span)) {
                anchors.add(entry, &page, link, &pages, &home);
            }
        }
        anchors
    }

    fn add(
        &mut self,
        entry: &'s Entry,
        page: &str,
        link: &SiteLink,
        pages: &HashSet<String>,
        home: &Home,
    ) {
        let span = link.span.clone();
        let (path, fragment, preview) = match Href::of(&link.href, page, home) {
            Href::Elsewhere => return,
            Href::OutsideBase(path) => {
                let message = msg!(
                    "link.outside_base",
                    href = link.href.as_str(),
                    base = home.base_path.as_str()
                );
                let written = format!("{}{}", home.base_path, path.trim_start_matches('/'));
                let help = msg!("link.write_instead", path = written);
                self.problems.push(entry.error_in_body(span, message).with_help(help));
                return;
            }
            Href::Site { path, fragment, preview } => (path, fragment, preview),
        };
        let file = file_candidates(&path).into_iter().find(|file| pages.contains(file));
        // A loopback address on another port that leads to no page of this site is some other
        // local server (tests of `--external` run one): an outside link, not the preview.
        if preview && file.is_none() && !is_preview_port(&link.href) {
            return;
        }
        if preview {
            self.problems.push(self.preview_problem(entry, span, &link.href, &path, fragment));
            return;
        }
        match (file, fragment) {
            (Some(file), Some(fragment)) if !is_top(&fragment) => {
                let same_page = link.href.starts_with(['#', '?']);
                self.targets.insert(file.clone());
                self.links.push(AnchorLink { entry, span, file, fragment, same_page });
            }
            (Some(_), _) => {}
            (None, fragment) => {
                self.files.push(FileLink { entry, span, href: link.href.clone(), path, fragment });
            }
        }
    }

    fn preview_problem(
        &self,
        entry: &Entry,
        span: Range<usize>,
        href: &str,
        path: &str,
        fragment: Option<String>,
    ) -> Diagnostic {
        let message = msg!("link.preview_address", href = href);
        let site_path = with_fragment(format!("{}{path}", self.site.config.base_path), fragment);
        let help = msg!("link.write_site_path", path = site_path);
        entry.error_in_body(span, message).with_help(help)
    }

    /// Whether the ids of this output file are needed.
    pub(crate) fn wants(&self, file: &str) -> bool {
        self.targets.contains(file)
    }

    /// A diagnostic for each link to nothing the build published (`published`), to a fragment
    /// that is not an id of its page, or to the preview; except the links `unchecked` names.
    pub(crate) fn check(
        &self,
        ids: &PageIds,
        published: &Published<'_>,
        unchecked: Unchecked<'_>,
    ) -> Diagnostics {
        let mut diagnostics: Diagnostics = self.problems.iter().cloned().collect();
        let files = published.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let languages: Vec<&str> = self.site.config.languages.keys().map(String::as_str).collect();
        let broken = self
            .files
            .iter()
            .filter(|link| !file_candidates(&link.path).iter().any(|file| files.contains(file)))
            .filter(|link| !is_unavailable_page(&link.path, &languages, unchecked.entries));
        let mut pages = None;
        for link in broken {
            let pages = pages.get_or_insert_with(|| PagePaths::of(self.site));
            diagnostics.push(missing_target(link, pages, &self.site.config.base_path));
        }
        diagnostics.extend(self.missing_anchors(ids, unchecked.pages));
        diagnostics
    }

    /// A diagnostic for each link whose fragment is not an id of its page.
    fn missing_anchors(&self, ids: &PageIds, unrendered: &HashSet<String>) -> Vec<Diagnostic> {
        let sets: HashMap<&str, HashSet<&str>> = ids
            .iter()
            .map(|(file, ids)| (file.as_str(), ids.iter().map(String::as_str).collect()))
            .collect();
        self.links
            .iter()
            .filter(|link| !unrendered.contains(&link.file))
            .filter(|link| {
                let found = sets.get(link.file.as_str());
                !found.is_some_and(|set| set.contains(link.fragment.as_str()))
            })
            .map(|link| missing_anchor(link, ids.get(&link.file).map_or(&[][..], Vec::as_slice)))
            .collect()
    }
}

/// The links a failing build does not check, since their own problem is reported already.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unchecked<'a> {
    /// The entries that failed to load, by collection and id: links to their pages.
    pub(crate) entries: &'a BTreeSet<(Collection, String)>,
    /// The output files of pages that could not be rendered: links to their fragments.
    pub(crate) pages: &'a HashSet<String>,
}

/// Whether `path` (`events/x/`, `en/events/x/`, `about/`) is the page of an entry that failed
/// to load.
fn is_unavailable_page(
    path: &str,
    languages: &[&str],
    unavailable: &BTreeSet<(Collection, String)>,
) -> bool {
    if unavailable.is_empty() {
        return false;
    }
    let mut parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    if parts.len() > 1 && languages.contains(&parts[0]) {
        parts.remove(0);
    }
    if parts.last().is_some_and(|last| last.ends_with(".html")) {
        parts.pop();
    }
    let place = match parts.as_slice() {
        [folder, id] => Collection::from_folder(folder).map(|c| (c, (*id).to_owned())),
        [id] => Some((Collection::Pages, (*id).to_owned())),
        _ => None,
    };
    place.is_some_and(|place| unavailable.contains(&place))
}

/// Records the files of a build as they are written (and writes them on), so that links to
/// files that are no page can be checked against what the build really published.
pub(crate) struct Published<'o> {
    output: &'o dyn Output,
    files: Mutex<HashSet<String>>,
}

impl<'o> Published<'o> {
    pub(crate) fn new(output: &'o dyn Output) -> Published<'o> {
        Published { output, files: Mutex::default() }
    }

    fn record(&self, path: &str) {
        let mut files = self.files.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        files.insert(path.to_owned());
    }
}

impl Output for Published<'_> {
    fn write(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.record(path);
        self.output.write(path, bytes)
    }

    fn write_shared(&self, path: &str, bytes: Arc<[u8]>) -> std::io::Result<()> {
        self.record(path);
        self.output.write_shared(path, bytes)
    }

    fn keeps_pages(&self) -> bool {
        self.output.keeps_pages()
    }

    fn write_page(&self, path: &str, bytes: &[u8], made_from: u64) -> std::io::Result<()> {
        self.record(path);
        self.output.write_page(path, bytes, made_from)
    }

    fn keep_page(&self, path: &str, made_from: u64) -> bool {
        let kept = self.output.keep_page(path, made_from);
        if kept {
            self.record(path);
        }
        kept
    }
}

/// The site's own address, for telling its links from those to other sites.
struct Home {
    /// `renkei.example.jp` (with its port, if any), lowercase.
    host: String,
    base_path: String,
}

impl Home {
    fn of(config: &Config) -> Home {
        let after_scheme = config.base_url.split_once("://").map_or("", |(_, rest)| rest);
        let host = after_scheme.split('/').next().unwrap_or_default().to_ascii_lowercase();
        Home { host, base_path: config.base_path.clone() }
    }
}

/// Where a link leads.
#[derive(Debug, PartialEq)]
enum Href {
    /// Another site.
    Elsewhere,
    /// A path of the same host that is not under the site's base path (`/wards/` on a site
    /// published under `/renkei/`): the path.
    OutsideBase(String),
    /// A place of this site: the path relative to the output folder, percent-decoded
    /// (`wards/arakawa/`), and the decoded fragment; `preview`: written as a preview address.
    Site { path: String, fragment: Option<String>, preview: bool },
}

impl Href {
    /// Where `href` leads from the page at `page` (a path like `wards/arakawa/`).
    fn of(href: &str, page: &str, home: &Home) -> Href {
        let (before, fragment) = match href.split_once('#') {
            Some((before, fragment)) => (before, Some(fragment)),
            None => (href, None),
        };
        let path = before.split_once('?').map_or(before, |(path, _)| path);
        let (path, preview) = if is_web_url(path) {
            let rest = path.split_once("://").map_or("", |(_, rest)| rest);
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = host.to_ascii_lowercase();
            let preview = is_preview_host(&host);
            if !preview && host != home.host {
                return Href::Elsewhere;
            }
            let path = if path.is_empty() { "/" } else { path };
            // The preview serves the site under its base path; a path outside it is the same page.
            let path = if preview && under_base(path, &home.base_path).is_none() {
                format!("{}{}", home.base_path, path.trim_start_matches('/'))
            } else {
                path.to_owned()
            };
            (path, preview)
        } else {
            (path.to_owned(), false)
        };
        let relative = if path.is_empty() {
            page.to_owned()
        } else if path.starts_with('/') {
            match under_base(&path, &home.base_path) {
                Some(relative) => relative.to_owned(),
                None => return Href::OutsideBase(path),
            }
        } else {
            join_relative(page, &path)
        };
        let path = decoded(&relative).unwrap_or(relative);
        let fragment = fragment
            .filter(|fragment| !fragment.is_empty())
            .map(|fragment| decoded(fragment).unwrap_or_else(|| fragment.to_owned()));
        Href::Site { path, fragment, preview }
    }
}

/// The hosts of a preview on this computer: `localhost`, `127.0.0.1` (any `127.x`), `[::1]`,
/// `0.0.0.0`, with any port.
fn is_preview_host(host: &str) -> bool {
    let name = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    name == "localhost"
        || name.ends_with(".localhost")
        || (name.starts_with("127.") && name.chars().all(|c| c.is_ascii_digit() || c == '.'))
        || name == "0.0.0.0"
        || name == "[::1]"
}

/// Whether `href` names `renkei serve`'s default port (1111), or no port: a loopback address
/// there is the preview even when its page does not exist.
fn is_preview_port(href: &str) -> bool {
    let rest = href.split_once("://").map_or("", |(_, rest)| rest);
    let host = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match host.rsplit_once(':') {
        Some((_, port)) if !port.ends_with(']') => port == "1111",
        _ => true,
    }
}

/// The site's pages by path (`wards/arakawa/`), for suggesting the nearest to a broken link.
struct PagePaths {
    paths: Vec<String>,
}

impl PagePaths {
    fn of(site: &Site) -> PagePaths {
        let mut paths: Vec<String> = site
            .routes
            .iter()
            .filter(|route| route.kind != RouteKind::NotFound)
            .map(|route| route.path.clone())
            .collect();
        paths.sort();
        paths.dedup();
        PagePaths { paths }
    }

    /// The page nearest to `path`: a page of the same folder with a similar name (`wards/arakwa/`
    /// → `wards/arakawa/`), a page of the same name in a similar folder (`ward/arakawa/`), or
    /// else the nearest folder above it that is a page (`municipalities/999999/` →
    /// `municipalities/`, which lists them). Any similar path would be a guess: every
    /// municipality's code is a few edits from every other.
    fn nearest(&self, path: &str) -> Option<Nearest<'_>> {
        let wanted = if path.ends_with('/') || path.is_empty() {
            path.to_owned()
        } else {
            format!("{path}/")
        };
        let (parent, name) = split_last(&wanted);
        let siblings = self.paths.iter().filter(|p| split_last(p).0 == parent);
        let by_name = nearest(name, siblings.map(|p| split_last(p).1));
        if let Some(name) = by_name {
            let found = format!("{parent}{name}/");
            return self.paths.iter().find(|p| **p == found).map(|p| Nearest::Similar(p));
        }
        // A typo in a folder (`ward/arakawa/`): the pages of that name elsewhere.
        let same_name = self.paths.iter().filter(|p| !name.is_empty() && split_last(p).1 == name);
        if let Some(similar) = nearest(&wanted, same_name.map(String::as_str)) {
            return Some(Nearest::Similar(similar));
        }
        let mut folder = parent;
        loop {
            if let Some(page) = self.paths.iter().find(|p| p.as_str() == folder) {
                return Some(Nearest::Above(page));
            }
            if folder.is_empty() {
                return None;
            }
            folder = split_last(folder).0;
        }
    }
}

/// What to suggest for a broken link.
enum Nearest<'p> {
    /// A page whose path differs by a typo.
    Similar(&'p str),
    /// The page of a folder above the link's target.
    Above(&'p str),
}

/// `wards/arakawa/` → (`wards/`, `arakawa`); `wards/` → (``, `wards`).
fn split_last(path: &str) -> (&str, &str) {
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    match trimmed.rfind('/') {
        Some(at) => (&trimmed[..=at], &trimmed[at + 1..]),
        None => ("", trimmed),
    }
}

fn missing_target(link: &FileLink<'_>, pages: &PagePaths, base_path: &str) -> Diagnostic {
    let message = msg!("link.no_page", href = link.href.as_str());
    let fragment = link.fragment.clone();
    let help = match pages.nearest(&link.path) {
        Some(Nearest::Similar(page)) => {
            let page = with_fragment(format!("{base_path}{page}"), fragment);
            msg!("diag.did_you_mean", value = page)
        }
        Some(Nearest::Above(page)) => {
            msg!("link.nearest_page", page = format!("{base_path}{page}"))
        }
        None => msg!("link.how_to_write"),
    };
    link.entry.error_in_body(link.span.clone(), message).with_help(help)
}

fn with_fragment(mut url: String, fragment: Option<String>) -> String {
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(&fragment);
    }
    url
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

    #[test]
    fn the_page_of_an_entry_that_failed_to_load_is_known_by_its_path() {
        let unavailable: BTreeSet<(Collection, String)> =
            [(Collection::Events, "kouryu".to_owned()), (Collection::Pages, "about".to_owned())]
                .into();
        let failed = |path: &str| is_unavailable_page(path, &["en"], &unavailable);
        assert!(failed("events/kouryu/"));
        assert!(failed("en/events/kouryu/"));
        assert!(failed("events/kouryu/index.html"));
        assert!(failed("about/"));
        assert!(!failed("events/other/"));
        assert!(!failed("news/kouryu/"), "the same id in another collection");
        assert!(!failed("events/kouryu/photo.jpg/x"));
        assert!(!is_unavailable_page("events/kouryu/", &["en"], &BTreeSet::new()));
    }

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

    /// Where `href` leads from the page `wards/arakawa/` of a site at `base`.
    fn at(href: &str, base: &str) -> Href {
        let home = Home { host: "renkei.example.jp".to_owned(), base_path: base.to_owned() };
        Href::of(href, "wards/arakawa/", &home)
    }

    fn site(path: &str, fragment: Option<&str>) -> Href {
        Href::Site { path: path.to_owned(), fragment: fragment.map(str::to_owned), preview: false }
    }

    #[test]
    fn targets_resolve_like_a_browser() {
        let pages = files(&["wards/arakawa/index.html", "wards/chiyoda/index.html", "index.html"]);
        assert_eq!(at("#x", "/"), site("wards/arakawa/", Some("x")));
        assert_eq!(at("../chiyoda/#x", "/"), site("wards/chiyoda/", Some("x")));
        assert_eq!(at("./#x", "/"), site("wards/arakawa/", Some("x")));
        assert_eq!(at("/wards/chiyoda/#x", "/"), site("wards/chiyoda/", Some("x")));
        assert_eq!(at("/wards/chiyoda/?page=2#x", "/"), site("wards/chiyoda/", Some("x")));
        assert_eq!(at("/renkei/wards/chiyoda/#x", "/renkei/"), site("wards/chiyoda/", Some("x")));
        assert_eq!(at("/renkei#x", "/renkei/"), site("", Some("x")));
        assert_eq!(at("../../wards/nosuch/", "/"), site("wards/nosuch/", None));
        assert_eq!(at("/data/wards.csv", "/"), site("data/wards.csv", None));
        assert_eq!(at("#", "/"), site("wards/arakawa/", None));
        assert_eq!(
            at("/elsewhere/wards/chiyoda/#x", "/renkei/"),
            Href::OutsideBase("/elsewhere/wards/chiyoda/".to_owned())
        );
        let found = |path: &str| file_candidates(path).into_iter().find(|f| pages.contains(f));
        assert_eq!(found("wards/chiyoda").as_deref(), Some("wards/chiyoda/index.html"));
        assert_eq!(found("").as_deref(), Some("index.html"));
        assert_eq!(found("wards/nosuch/"), None);
    }

    #[test]
    fn the_sites_own_address_and_the_previews_lead_into_the_site() {
        assert_eq!(
            at("https://renkei.example.jp/wards/chiyoda/#x", "/"),
            site("wards/chiyoda/", Some("x"))
        );
        assert_eq!(at("HTTP://Renkei.Example.jp", "/"), site("", None));
        assert_eq!(at("https://example.jp/wards/chiyoda/", "/"), Href::Elsewhere);
        let preview =
            |path: &str| Href::Site { path: path.to_owned(), fragment: None, preview: true };
        assert_eq!(at("http://127.0.0.1:1111/wards/arakawa/", "/"), preview("wards/arakawa/"));
        assert_eq!(at("http://localhost:8080/", "/"), preview(""));
        assert_eq!(at("http://[::1]:1111/wards/", "/"), preview("wards/"));
        assert_eq!(at("http://127.0.0.1:1111/wards/", "/renkei/"), preview("wards/"));
        assert_eq!(at("http://127.0.0.1:1111/renkei/wards/", "/renkei/"), preview("wards/"));
        assert!(is_preview_host("127.0.0.2:8080") && !is_preview_host("127.example.jp"));
        assert!(!is_preview_host("localhost.example.jp"));
    }

    #[test]
    fn percent_encoded_paths_and_fragments_are_decoded() {
        let home = Home { host: String::new(), base_path: "/".to_owned() };
        let found =
            Href::of("/news/%E3%81%8A%E7%9F%A5%E3%82%89%E3%81%9B/#%E6%A6%82%E8%A6%81", "", &home);
        assert_eq!(found, site("news/お知らせ/", Some("概要")));
        // A fragment that is not valid percent-encoding is compared as written.
        assert_eq!(
            Href::of("/news/お知らせ/#100%", "", &home),
            site("news/お知らせ/", Some("100%"))
        );
    }

    #[test]
    fn the_nearest_page_is_a_typo_away_or_the_folder_above() {
        let pages = PagePaths {
            paths: [
                "",
                "wards/",
                "wards/arakawa/",
                "wards/chiyoda/",
                "municipalities/",
                "municipalities/012068/",
            ]
            .map(str::to_owned)
            .to_vec(),
        };
        let nearest = |path: &str| match pages.nearest(path) {
            Some(Nearest::Similar(page)) => format!("similar {page}"),
            Some(Nearest::Above(page)) => format!("above {page}"),
            None => "none".to_owned(),
        };
        assert_eq!(nearest("wards/arakwa/"), "similar wards/arakawa/");
        assert_eq!(nearest("wards/arakwa"), "similar wards/arakawa/");
        assert_eq!(nearest("ward/arakawa/"), "similar wards/arakawa/");
        assert_eq!(nearest("municipalities/999999/"), "above municipalities/");
        assert_eq!(nearest("wards/nosuch/"), "above wards/");
        assert_eq!(nearest("nothing/at/all/"), "above ");
    }
}
