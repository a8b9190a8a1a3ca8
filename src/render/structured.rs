//! Structured data for search engines and link previews: schema.org JSON-LD (`BreadcrumbList` on
//! every page, `Event` for events and exhibits, `GovernmentOrganization` for wards and
//! municipalities), built with serde_json and handed to templates as a string that is safe
//! inside `<script type="application/ld+json">`.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::load::{Date, Meta};
use crate::model::{NodeId, Route, RouteKind, Site};

// The JSON-LD is serialised straight from these borrowed structures, not built as a tree of
// `serde_json::Value`s first: that tree cost a twentieth of a build. Fields are in the
// alphabetical order that serde_json gave the tree's keys, so the output did not change.

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: Vec<Node<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Breadcrumbs(BreadcrumbList<'a>),
    Organization(Organization<'a>),
    Event(Event<'a>),
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: &'a Value,
    position: usize,
}

/// A `GovernmentOrganization` (a ward or municipality), or the project as an `Organization`.
#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<Address<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identifier: Option<&'a str>,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Option::is_none")]
    same_as: Option<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct Address<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "addressCountry")]
    country: &'static str,
    #[serde(rename = "addressRegion", skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
}

impl Address<'_> {
    fn in_japan(region: Option<&str>) -> Address<'_> {
        Address { kind: "PostalAddress", country: "JP", region }
    }
}

#[derive(Serialize)]
struct Event<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "endDate")]
    end_date: String,
    #[serde(rename = "eventAttendanceMode")]
    attendance_mode: &'static str,
    #[serde(rename = "eventStatus")]
    status: &'static str,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    location: Place<'a>,
    name: &'a str,
    organizer: Vec<Organization<'a>>,
    #[serde(rename = "startDate")]
    start_date: String,
    url: String,
}

#[derive(Serialize)]
struct Place<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    address: Address<'a>,
    name: &'a str,
}

/// The JSON-LD of a page, escaped for a `<script>` element.
pub(super) fn json_ld(site: &Site, route: &Route, context: &Map<String, Value>) -> String {
    let mut graph = vec![Node::Breadcrumbs(breadcrumbs(site, context))];
    if let RouteKind::Entity(id) = route.kind
        && let Some(item) = entity(site, id, &route.lang)
    {
        graph.push(item);
    }
    script_safe(&Document { context: "https://schema.org", graph })
}

/// JSON whose text cannot end the `<script>` element it is embedded in, nor open a comment:
/// `<`, `>` and `&` are written as `\u` escapes, which JSON parsers read back unchanged.
fn script_safe(value: &impl Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for (at, c) in text.match_indices(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        out.push_str(&text[copied..at]);
        out.push_str(match c {
            "<" => "\\u003c",
            ">" => "\\u003e",
            "&" => "\\u0026",
            "\u{2028}" => "\\u2028",
            _ => "\\u2029",
        });
        copied = at + c.len();
    }
    out.push_str(&text[copied..]);
    out
}

/// The scheme and host of the site: `https://example.org` for `https://example.org/renkei/`.
fn origin(site: &Site) -> &str {
    let config = &site.config;
    config.base_url.strip_suffix(config.base_path.as_str()).unwrap_or(&config.base_url)
}

fn breadcrumbs<'a>(site: &Site, context: &'a Map<String, Value>) -> BreadcrumbList<'a> {
    let crumbs = context.get("breadcrumbs").and_then(Value::as_array);
    let items = crumbs
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, crumb)| ListItem {
            kind: "ListItem",
            item: format!("{}{}", origin(site), crumb["url"].as_str().unwrap_or_default()),
            name: &crumb["title"],
            position: i + 1,
        })
        .collect();
    BreadcrumbList { kind: "BreadcrumbList", items }
}

/// A date as schema.org wants it: `2016-10-15`, or `2016-10-15T10:00:00+09:00` with a time;
/// `2016-12` or `2016` when the source gives no day (ISO 8601 dates of reduced precision, which
/// schema.org's `Date` accepts).
fn iso(date: Date) -> String {
    use chrono::{Datelike, Timelike};
    let Some(day) = date.day() else { return date.iso_date() };
    if !(0..=9999).contains(&day.year()) {
        // chrono's own format for years of more or fewer than four digits.
        let day_text = day.format("%Y-%m-%d");
        return match date.time() {
            Some(time) => format!("{day_text}T{}+09:00", time.format("%H:%M:%S")),
            None => day_text.to_string(),
        };
    }
    let day_text = format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day());
    match date.time() {
        Some(t) => {
            format!("{day_text}T{:02}:{:02}:{:02}+09:00", t.hour(), t.minute(), t.second())
        }
        None => day_text,
    }
}

fn page(site: &Site, id: NodeId, lang: &str) -> String {
    site.permalink(&site.path_of(id, lang))
}

fn organization<'a>(site: &'a Site, id: NodeId, lang: &str) -> Organization<'a> {
    let node = &site.nodes[id];
    let (identifier, same_as, region) = match &node.entry.meta {
        Meta::Ward(m) => (Some(m.code.as_str()), m.website.as_deref(), Some("東京都")),
        Meta::Municipality(m) => (
            Some(node.id()),
            m.website.as_deref(),
            node.links.parent.map(|p| site.nodes[p].title()),
        ),
        _ => (None, None, None),
    };
    Organization {
        kind: "GovernmentOrganization",
        address: Some(Address::in_japan(region)),
        identifier,
        name: node.entry_in(lang).meta.title(),
        same_as,
        url: page(site, id, lang),
    }
}

fn entity<'a>(site: &'a Site, id: NodeId, lang: &'a str) -> Option<Node<'a>> {
    let node = &site.nodes[id];
    let entry = node.entry_in(lang);
    let (title, start, end, place) = match (&node.entry.meta, &entry.meta) {
        (Meta::Ward(_) | Meta::Municipality(_), _) => {
            return Some(Node::Organization(organization(site, id, lang)));
        }
        (Meta::Event(m), translated) => {
            let venue = match translated {
                Meta::Event(t) => t.venue.as_deref().or(m.venue.as_deref()),
                _ => m.venue.as_deref(),
            };
            (entry.meta.title(), m.date, m.end.unwrap_or(m.date), venue)
        }
        (Meta::Exhibit(m), translated) => {
            let location = match translated {
                Meta::Exhibit(t) => t.location.as_str(),
                _ => m.location.as_str(),
            };
            (entry.meta.title(), m.date, m.end, Some(location))
        }
        _ => return None,
    };
    let wards = &node.links.wards;
    let organizer: Vec<Organization<'a>> = if wards.is_empty() {
        let config = &site.config;
        let name = if config.author.is_empty() { &config.title } else { &config.author };
        vec![Organization {
            kind: "Organization",
            address: None,
            identifier: None,
            name,
            same_as: None,
            url: config.base_url.clone(),
        }]
    } else {
        wards.iter().map(|&w| organization(site, w, lang)).collect()
    };
    // A place needs a name: the venue, else the first ward involved, else the project.
    let place_name = place
        .or_else(|| wards.first().map(|&w| site.nodes[w].title()))
        .unwrap_or(&site.config.title);
    Some(Node::Event(Event {
        kind: "Event",
        end_date: iso(end),
        attendance_mode: "https://schema.org/OfflineEventAttendanceMode",
        status: "https://schema.org/EventScheduled",
        language: lang,
        location: Place { kind: "Place", address: Address::in_japan(None), name: place_name },
        name: title,
        organizer,
        start_date: iso(start),
        url: page(site, id, lang),
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn script_endings_cannot_break_out() {
        let value = json!({"name": "</script><script>alert(1)</script> & <!--"});
        let text = script_safe(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
    }

    /// The digits written by hand are what chrono's `%Y-%m-%d` and `%H:%M:%S` write.
    #[test]
    fn iso_dates_match_chrono() {
        use chrono::{NaiveDate, NaiveTime};
        let days =
            [(2016, 10, 15), (1, 1, 1), (999, 12, 31), (9999, 2, 3), (10000, 1, 1), (-5, 6, 7)];
        for (y, m, d) in days {
            let Some(day) = NaiveDate::from_ymd_opt(y, m, d) else { continue };
            for time in [None, NaiveTime::from_hms_opt(9, 5, 7), NaiveTime::from_hms_opt(23, 59, 0)]
            {
                let expected = match time {
                    Some(t) => format!("{}T{}+09:00", day.format("%Y-%m-%d"), t.format("%H:%M:%S")),
                    None => day.format("%Y-%m-%d").to_string(),
                };
                assert_eq!(iso(Date::from_day(day, time)), expected);
            }
        }
    }

    #[test]
    fn partial_dates_stay_partial() {
        let date = |text: &str| Date::parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(iso(date("2016-12")), "2016-12");
        assert_eq!(iso(date("2016")), "2016");
    }
}
