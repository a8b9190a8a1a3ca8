//! Structured data for search engines and link previews: schema.org JSON-LD (`BreadcrumbList` on
//! every page, `Event` for events and exhibits, `GovernmentOrganization` for wards and
//! municipalities), built with serde_json and handed to templates as a string that is safe
//! inside `<script type="application/ld+json">`.

use serde_json::{Map, Value, json};

use crate::load::{Date, Meta};
use crate::model::{NodeId, Route, RouteKind, Site};

/// The JSON-LD of a page, escaped for a `<script>` element.
pub(super) fn json_ld(site: &Site, route: &Route, context: &Map<String, Value>) -> String {
    let mut graph = vec![breadcrumbs(site, context)];
    if let RouteKind::Entity(id) = route.kind
        && let Some(item) = entity(site, id, &route.lang)
    {
        graph.push(item);
    }
    script_safe(&json!({"@context": "https://schema.org", "@graph": graph}))
}

/// JSON whose text cannot end the `<script>` element it is embedded in, nor open a comment:
/// `<`, `>` and `&` are written as `\u` escapes, which JSON parsers read back unchanged.
pub(super) fn script_safe(value: &Value) -> String {
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

fn absolute(site: &Site, url: &str) -> String {
    format!("{}{url}", origin(site))
}

fn breadcrumbs(site: &Site, context: &Map<String, Value>) -> Value {
    let items: Vec<Value> = context
        .get("breadcrumbs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, crumb)| {
            json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": crumb["title"],
                "item": absolute(site, crumb["url"].as_str().unwrap_or_default()),
            })
        })
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// A date as schema.org wants it: `2016-10-15`, or `2016-10-15T10:00:00+09:00` with a time.
fn iso(date: Date) -> String {
    match date.time {
        Some(time) => format!("{}T{}+09:00", date.day.format("%Y-%m-%d"), time.format("%H:%M:%S")),
        None => date.day.format("%Y-%m-%d").to_string(),
    }
}

fn page(site: &Site, id: NodeId, lang: &str) -> String {
    site.permalink(&site.path_of(id, lang))
}

fn organization(site: &Site, id: NodeId, lang: &str) -> Value {
    let node = &site.nodes[id];
    let mut value = json!({
        "@type": "GovernmentOrganization",
        "name": node.entry_in(lang).meta.title(),
        "url": page(site, id, lang),
    });
    let (code, website, region) = match &node.entry.meta {
        Meta::Ward(m) => (Some(m.code.clone()), m.website.clone(), Some("東京都".to_owned())),
        Meta::Municipality(m) => (
            Some(node.id().to_owned()),
            m.website.clone(),
            node.links.parent.map(|p| site.nodes[p].title().to_owned()),
        ),
        _ => (None, None, None),
    };
    if let Value::Object(map) = &mut value {
        if let Some(code) = code {
            map.insert("identifier".into(), json!(code));
        }
        if let Some(website) = website {
            map.insert("sameAs".into(), json!(website));
        }
        let mut address = json!({"@type": "PostalAddress", "addressCountry": "JP"});
        if let Some(region) = region {
            address["addressRegion"] = json!(region);
        }
        map.insert("address".into(), address);
    }
    value
}

fn entity(site: &Site, id: NodeId, lang: &str) -> Option<Value> {
    let node = &site.nodes[id];
    let entry = node.entry_in(lang);
    let (title, start, end, place) = match (&node.entry.meta, &entry.meta) {
        (Meta::Ward(_) | Meta::Municipality(_), _) => return Some(organization(site, id, lang)),
        (Meta::Event(m), translated) => {
            let venue = match translated {
                Meta::Event(t) => t.venue.clone().or_else(|| m.venue.clone()),
                _ => m.venue.clone(),
            };
            (entry.meta.title(), m.date, m.end.unwrap_or(m.date), venue)
        }
        (Meta::Exhibit(m), translated) => {
            let location = match translated {
                Meta::Exhibit(t) => t.location.clone(),
                _ => m.location.clone(),
            };
            (entry.meta.title(), m.date, m.end, Some(location))
        }
        _ => return None,
    };
    let wards = &node.links.wards;
    let organizer: Vec<Value> = if wards.is_empty() {
        let name =
            if site.config.author.is_empty() { &site.config.title } else { &site.config.author };
        vec![json!({"@type": "Organization", "name": name, "url": site.config.base_url})]
    } else {
        wards.iter().map(|&w| organization(site, w, lang)).collect()
    };
    // A place needs a name: the venue, else the first ward involved, else the project.
    let place_name = place
        .or_else(|| wards.first().map(|&w| site.nodes[w].title().to_owned()))
        .unwrap_or_else(|| site.config.title.clone());
    Some(json!({
        "@type": "Event",
        "name": title,
        "url": page(site, id, lang),
        "startDate": iso(start),
        "endDate": iso(end),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": place_name,
            "address": {"@type": "PostalAddress", "addressCountry": "JP"},
        },
        "organizer": organizer,
        "inLanguage": lang,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_endings_cannot_break_out() {
        let value = json!({"name": "</script><script>alert(1)</script> & <!--"});
        let text = script_safe(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
    }
}
