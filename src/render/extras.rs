//! What the open data work adds to every page's context: structured data (JSON-LD), the Open
//! Graph image, the map of Japan, the calendar links and the feeds of wards and prefectures.

use serde_json::{Map, Value, json};

use crate::model::{Collection, Route, RouteKind, Site};

/// Adds the variables of this module to the context of `route`.
pub(super) fn add(site: &Site, route: &Route, context: &mut Map<String, Value>) {
    let base = &site.config.base_path;
    let calendar_url = format!("{base}events/calendar.ics");
    match route.kind {
        RouteKind::Entity(id) if site.nodes[id].collection() == Collection::Events => {
            context.insert(
                "ics_url".into(),
                json!(format!("{base}{}", super::ical::event_path(site, id))),
            );
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
            let value = json!({"title": feed.title, "url": format!("{base}{}", feed.path)});
            if let Some(Value::Array(feeds)) = context.get_mut("feeds") {
                feeds.push(value);
            }
        }
        _ => {}
    }
}
