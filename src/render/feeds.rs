//! Files the site needs beside its pages, written without templates so that they are valid
//! whatever the theme does: `sitemap.xml`, `robots.txt` and the Atom feeds.
//!
//! Both need the day an entry last changed. An entry whose date its source gives only as a
//! month or a year (and that has no `updated` day) has none: the sitemap gives it no
//! `<lastmod>` (the sitemap schema takes only full dates), and the feeds leave it out (Atom's
//! `<updated>` is a full timestamp, and any day written there would be invented).

use std::fmt::Write;

use chrono::{NaiveDate, NaiveTime};

use super::context::entry_summary;
use crate::html::escape;
use crate::markdown::Bodies;
use crate::model::{Collection, RouteKind, Site};

/// How many entries a feed carries.
const FEED_LENGTH: usize = 30;

/// `(path, xml)` of the sitemaps. A site in one language has one `sitemap.xml`; a site in
/// several has one sitemap per language (`sitemaps/ja.xml`, `sitemaps/en.xml`) and
/// `sitemap.xml` is their index. Every page that exists in other languages names them all with
/// `xhtml:link rel="alternate" hreflang` (itself included), as search engines ask.
pub fn sitemaps(site: &Site) -> Vec<(String, String)> {
    let languages = site.config.language_codes();
    if languages.len() < 2 {
        return vec![("sitemap.xml".to_owned(), urlset(site, None))];
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut files = Vec::new();
    for lang in languages {
        let path = format!("sitemaps/{lang}.xml");
        let _ =
            writeln!(index, "  <sitemap><loc>{}</loc></sitemap>", escape(&site.permalink(&path)));
        files.push((path, urlset(site, Some(lang))));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".to_owned(), index));
    files
}

/// The pages of one language (all pages when `None`), with their alternates.
fn urlset(site: &Site, lang: Option<&str>) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let routes = site.routes.iter().filter(|r| lang.is_none_or(|lang| r.lang == lang));
    for route in routes {
        if route.kind == RouteKind::NotFound {
            continue;
        }
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape(&site.permalink(&route.path)));
        if let RouteKind::Entity(id) = route.kind
            && let Some((day, _)) = modified(site, id)
        {
            let _ = writeln!(xml, "    <lastmod>{}</lastmod>", day.format("%Y-%m-%d"));
        }
        let alternates = site.alternate_paths(route);
        // `x-default`: the page for readers of none of the languages, the default language's.
        let default = alternates.first().map(|(_, path)| ("x-default".to_owned(), path.clone()));
        for (alternate, path) in alternates.iter().cloned().chain(default) {
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{alternate}\" href=\"{}\"/>",
                escape(&site.permalink(&path))
            );
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n", site.config.base_url)
}

/// `(path, xml)` of the Atom feeds: news and events in every language that has their list
/// (`news/atom.xml`, `en/news/atom.xml`: in another language, the entries translated into it),
/// and one per ward and per prefecture.
pub fn atom_feeds(site: &Site, bodies: &Bodies) -> Vec<(String, String)> {
    let mut feeds = Vec::new();
    for lang in site.config.language_codes() {
        for collection in [Collection::News, Collection::Events] {
            if !has_feed(site, collection, lang) {
                continue;
            }
            let feed = list_feed(site, collection, lang);
            let ids: Vec<usize> = site
                .list(collection)
                .iter()
                .copied()
                .filter(|&id| {
                    lang == site.config.default_language
                        || site.nodes[id].translations.contains_key(lang)
                })
                .filter(|&id| modified(site, id).is_some())
                .take(FEED_LENGTH)
                .collect();
            feeds.push((feed.path.clone(), atom(site, bodies, &feed, &ids)));
        }
    }
    for collection in [Collection::Wards, Collection::Prefectures] {
        for &id in site.list(collection) {
            let feed = place_feed(site, id);
            let ids = place_entries(site, id);
            feeds.push((feed.path.clone(), atom(site, bodies, &feed, &ids)));
        }
    }
    feeds
}

/// Whether the news or the events have a feed in `lang`: the default language always does, and
/// another language when it has the list page or any entry translated into it (a language added
/// with translations but no `_index.<lang>.md` must not lose its readers' feed).
pub(super) fn has_feed(site: &Site, collection: Collection, lang: &str) -> bool {
    lang == site.config.default_language
        || site.has_list(collection, lang)
        || site.list(collection).iter().any(|&id| site.nodes[id].translations.contains_key(lang))
}

/// The feed of the news or the events in `lang`: `en/news/atom.xml`, titled in `lang`. Its page is
/// the list in `lang`, or the default language's list where `lang` has none.
pub(super) fn list_feed(site: &Site, collection: Collection, lang: &str) -> Feed {
    // `list_path` falls back to the default language's list where `lang` has none.
    let page = site.list_path(lang, collection, 1, None);
    let site_title = site.config.languages.get(lang).map_or(&site.config.title, |l| &l.title);
    Feed {
        path: format!("{}{}/atom.xml", site.lang_prefix(lang), collection.folder()),
        title: format!("{site_title} — {}", site.config.strings.text(lang, collection.folder())),
        page: site.permalink(&page),
        lang: lang.to_owned(),
    }
}

/// A feed: where it is written, its title and the page it belongs to.
pub(super) struct Feed {
    /// Relative to the output root: `wards/chiyoda/atom.xml`.
    pub(super) path: String,
    pub(super) title: String,
    /// The absolute URL of the matching page.
    pub(super) page: String,
    /// The language of the feed and of its entries.
    pub(super) lang: String,
}

/// The feed of a ward or a prefecture: its events, exhibits and news.
pub(super) fn place_feed(site: &Site, id: usize) -> Feed {
    let config = &site.config;
    let page = site.path_of(id, &config.default_language);
    Feed {
        path: format!("{page}atom.xml"),
        title: format!("{} — {}", config.title, site.nodes[id].title()),
        page: site.permalink(&page),
        lang: config.default_language.clone(),
    }
}

/// The events, exhibits and news that involve a ward or a prefecture, latest first.
fn place_entries(site: &Site, id: usize) -> Vec<usize> {
    let back = &site.nodes[id].backlinks;
    let mut ids: Vec<usize> = back
        .events
        .iter()
        .chain(&back.exhibits)
        .chain(&back.news)
        .copied()
        .filter(|&id| modified(site, id).is_some())
        .collect();
    ids.sort_by_key(|&i| std::cmp::Reverse((site.nodes[i].date(), site.nodes[i].id().to_owned())));
    ids.dedup();
    ids.truncate(FEED_LENGTH);
    ids
}

fn atom(site: &Site, bodies: &Bodies, feed: &Feed, ids: &[usize]) -> String {
    let config = &site.config;
    let feed_url = site.permalink(&feed.path);
    let updated = ids
        .iter()
        .filter_map(|&id| modified(site, id))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00+09:00".to_owned(), rfc3339);
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n",
        escape(&feed.title),
        escape(&feed_url),
        escape(&feed_url),
        escape(&feed.page),
        escape(if config.author.is_empty() { &config.title } else { &config.author }),
        lang = feed.lang,
    );
    for &id in ids {
        let node = &site.nodes[id];
        let entry = node.entry_in(&feed.lang);
        let url = site.permalink(&site.path_of(id, &entry.lang));
        let entry_updated = modified(site, id).map_or_else(|| updated.clone(), rfc3339);
        let summary = entry_summary(entry, bodies.get(&entry.path).map(|b| b.text.as_str()));
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <updated>{entry_updated}</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(entry.meta.title()),
            escape(&url),
            escape(&url),
            escape(&summary),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// A known day, with its time when there is one.
type Moment = (NaiveDate, Option<NaiveTime>);

/// When an entry last changed, as far as the site knows: its `updated`, else its date, never
/// later than today (an event next year is announced now, not next year). `None` when that
/// date gives no day (see the module documentation).
fn modified(site: &Site, id: usize) -> Option<Moment> {
    let node = &site.nodes[id];
    let date = node.entry.meta.common().updated.or_else(|| node.date())?;
    let moment = (date.day()?, date.time());
    Some(moment.min((site.config.today, None)))
}

/// A day and time as Atom wants them, in Japan time.
fn rfc3339((day, time): Moment) -> String {
    let time = time.map_or_else(|| "00:00:00".to_owned(), |t| t.format("%H:%M:%S").to_string());
    format!("{}T{time}+09:00", day.format("%Y-%m-%d"))
}
