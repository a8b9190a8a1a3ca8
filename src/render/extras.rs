//! What the open data work adds to every page's context: structured data (JSON-LD), the Open
//! Graph image, the map of Japan, the calendar links and the feeds of wards and prefectures.

use serde_json::{Map, Value, json};

use super::deps::PageReader;
use crate::model::{Collection, Route, RouteKind, Site};

/// Adds the variables of this module to the context of `route`. They are drawn from the page's
/// own node (read through `reader` by the page builders) and the map's prefectures.
pub(super) fn add(reader: &PageReader, route: &Route, context: &mut Map<String, Value>) {
    add_map(reader, route, context);
    let site = reader.unrecorded();
    let json_ld = super::structured::json_ld(site, route, context);
    context.insert("json_ld".into(), json!(json_ld));
    let base = &site.config.base_path;
    let calendar_url = format!("{base}events/calendar.ics");
    match route.kind {
        RouteKind::Entity(id) if site.nodes[id].collection() == Collection::Events => {
            // An event known only by its month has no calendar file (see `ical`).
            if super::ical::in_calendar(site, id) {
                let ics = site.url(&super::ical::event_path(site, id));
                context.insert("ics_url".into(), json!(ics));
            }
            context.insert("calendar_url".into(), json!(calendar_url));
        }
        RouteKind::List { collection: Collection::Events, .. } => {
            context.insert("calendar_url".into(), json!(calendar_url));
        }
        RouteKind::Entity(id)
            if matches!(
                site.nodes[id].collection(),
                Collection::Wards | Collection::Prefectures
            ) =>
        {
            let feed = super::feeds::place_feed(site, id);
            let value = json!({"title": feed.title, "url": site.url(&feed.path)});
            if let Some(Value::Array(feeds)) = context.get_mut("feeds") {
                feeds.push(value);
            }
        }
        _ => {}
    }
}

/// `map_svg` and `map_counts` on the home page, the prefecture overview and every ward page.
fn add_map(reader: &PageReader, route: &Route, context: &mut Map<String, Value>) {
    let site = reader.unrecorded();
    let ward = match route.kind {
        RouteKind::Home | RouteKind::List { collection: Collection::Prefectures, .. } => None,
        RouteKind::Entity(id) if site.nodes[id].collection() == Collection::Wards => Some(id),
        _ => return,
    };
    let counts = super::map::counts(site, ward);
    let subject = ward.map(|id| site.nodes[id].entry_in(&route.lang).meta.title());
    let (svg, rows) = super::map::render(reader, &counts, subject, &route.lang);
    context.insert("map_svg".into(), json!(svg));
    context.insert("map_counts".into(), rows);
}

/// The absolute URL of the page's preview image: `og-image.png` of the site's or the theme's
/// static files, when there is one. The same for every page, so part of `CommonContext`.
pub(super) fn og_image(site: &Site) -> Option<String> {
    let config = &site.config;
    let name = "og-image.png";
    [config.root.join("static"), config.theme_dir().join("static")]
        .iter()
        .any(|dir| dir.join(name).is_file())
        .then(|| format!("{}{name}", config.base_url))
}
