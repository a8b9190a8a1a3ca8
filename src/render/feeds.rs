//! Files the site needs beside its pages, written without templates so that they are valid
//! whatever the theme does: `sitemap.xml`, `robots.txt` and the Atom feeds.

use std::fmt::Write;

use super::Bodies;
use super::context::entry_summary;
use super::escape_html as escape;
use crate::load::Date;
use crate::model::{Collection, RouteKind, Site};

/// How many entries a feed carries.
const FEED_LENGTH: usize = 30;

pub fn sitemap(site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for route in &site.routes {
        if route.kind == RouteKind::NotFound {
            continue;
        }
        let _ = write!(
            xml,
            "  <url>\n    <loc>{}</loc>\n",
            escape(&format!("{}{}", site.config.base_url, route.path))
        );
        if let RouteKind::Entity(id) = route.kind
            && let Some(day) = modified(site, id)
        {
            let _ = writeln!(xml, "    <lastmod>{}</lastmod>", day.day.format("%Y-%m-%d"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n", site.config.base_url)
}

/// `(path, xml)` of the Atom feed of news and of events.
pub fn atom_feeds(site: &Site, bodies: &Bodies) -> Vec<(String, String)> {
    [Collection::News, Collection::Events]
        .into_iter()
        .map(|collection| {
            (format!("{}/atom.xml", collection.folder()), atom(site, bodies, collection))
        })
        .collect()
}

fn atom(site: &Site, bodies: &Bodies, collection: Collection) -> String {
    let config = &site.config;
    let ids: Vec<usize> = site.list(collection).iter().copied().take(FEED_LENGTH).collect();
    let feed_url = format!("{}{}/atom.xml", config.base_url, collection.folder());
    let list_url = format!("{}{}/", config.base_url, collection.folder());
    let updated = ids
        .iter()
        .filter_map(|&id| modified(site, id))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00+09:00".to_owned(), rfc3339);
    let title = match collection {
        Collection::News => "お知らせ",
        _ => "イベント",
    };
    let mut xml = String::new();
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{} — {}</title>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n",
        escape(&config.title),
        title,
        escape(&feed_url),
        escape(&feed_url),
        escape(&list_url),
        escape(if config.author.is_empty() { &config.title } else { &config.author }),
        lang = config.default_language,
    );
    for id in ids {
        let node = &site.nodes[id];
        let url = format!("{}{}", config.base_url, site.path_of(id, &config.default_language));
        let entry_updated = modified(site, id).map_or_else(|| updated.clone(), rfc3339);
        let summary =
            entry_summary(&node.entry, bodies.get(&node.entry.path).map(|b| b.text.as_str()));
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <updated>{entry_updated}</updated>\n    <summary>{}</summary>\n  </entry>\n",
            escape(node.title()),
            escape(&url),
            escape(&url),
            escape(&summary),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// When an entry last changed, as far as the site knows: its `updated`, else its date, never
/// later than today (an event next year is announced now, not next year).
fn modified(site: &Site, id: usize) -> Option<Date> {
    let node = &site.nodes[id];
    let day = node.entry.meta.common().updated.or_else(|| node.date())?;
    let today = Date { day: site.config.today, time: None };
    Some(day.min(today))
}

/// A date as Atom wants it, in Japan time.
fn rfc3339(date: Date) -> String {
    let time =
        date.time.map_or_else(|| "00:00:00".to_owned(), |t| t.format("%H:%M:%S").to_string());
    format!("{}T{time}+09:00", date.day.format("%Y-%m-%d"))
}
