//! iCalendar (RFC 5545): `/events/calendar.ics` with every event and `/events/<id>/<id>.ics` with
//! one. All-day events are DATE values whose DTEND is the day after the last day; timed events are
//! local times in Asia/Tokyo, described by a VTIMEZONE. UIDs are `<id>@<host>`, stable across
//! builds; text is escaped and lines are folded at 75 octets without splitting a character.
//!
//! An event whose source gives only its month or year (or whose end gives no day) is left out,
//! and has no file of its own: iCalendar has no way to say "some day in December", and an
//! all-day event over the whole month would tell calendars it lasted all month.

use chrono::{Days, NaiveDate, NaiveTime};

use super::context::entry_summary;
use crate::load::{Date, Meta};
use crate::markdown::Bodies;
use crate::model::{Collection, NodeId, Site};

const TIMEZONE: &str = "Asia/Tokyo";

/// `(output path, text)` of the whole calendar and of each event's own file.
pub fn calendars(site: &Site, bodies: &Bodies) -> Vec<(String, String)> {
    let mut ids: Vec<NodeId> =
        site.list(Collection::Events).iter().copied().filter(|&id| in_calendar(site, id)).collect();
    ids.sort_by_key(|&id| (site.nodes[id].date(), site.nodes[id].id().to_owned()));
    let mut files = vec![("events/calendar.ics".to_owned(), calendar(site, bodies, &ids))];
    for &id in &ids {
        files.push((event_path(site, id), calendar(site, bodies, &[id])));
    }
    files
}

/// Whether an event is in the calendar: whether its source gives its days (see above).
pub fn in_calendar(site: &Site, id: NodeId) -> bool {
    match &site.nodes[id].entry.meta {
        Meta::Event(m) => !m.date.is_partial() && m.end.is_none_or(|end| !end.is_partial()),
        _ => false,
    }
}

/// The path of an event's own calendar file: `events/<id>/<id>.ics`.
pub fn event_path(site: &Site, id: NodeId) -> String {
    let node = &site.nodes[id];
    format!("{}{}.ics", site.path_of(id, &site.config.default_language), node.id())
}

/// The host of the site, for UIDs: `renkei.example.jp`.
fn host(site: &Site) -> &str {
    let url = &site.config.base_url;
    let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

fn calendar(site: &Site, bodies: &Bodies, ids: &[NodeId]) -> String {
    let config = &site.config;
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!("PRODID:-//Renkei//{}//JA", escape(&config.title)),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        format!("X-WR-CALNAME:{}", escape(&config.title)),
        format!("X-WR-TIMEZONE:{TIMEZONE}"),
    ];
    let timed = ids.iter().any(|&id| match &site.nodes[id].entry.meta {
        Meta::Event(m) => m.date.time().is_some(),
        _ => false,
    });
    if timed {
        // Japan has kept +09:00 all year since 1952: one STANDARD observance describes it.
        lines.extend(
            [
                "BEGIN:VTIMEZONE",
                "TZID:Asia/Tokyo",
                "BEGIN:STANDARD",
                "DTSTART:19700101T000000",
                "TZOFFSETFROM:+0900",
                "TZOFFSETTO:+0900",
                "TZNAME:JST",
                "END:STANDARD",
                "END:VTIMEZONE",
            ]
            .map(str::to_owned),
        );
    }
    for &id in ids {
        lines.extend(event(site, bodies, id));
    }
    lines.push("END:VCALENDAR".to_owned());
    let mut text = String::new();
    for line in lines {
        text.push_str(&fold(&line));
        text.push_str("\r\n");
    }
    text
}

fn event(site: &Site, bodies: &Bodies, id: NodeId) -> Vec<String> {
    let node = &site.nodes[id];
    let Meta::Event(m) = &node.entry.meta else { return Vec::new() };
    let Some((start, end)) = span(m.date, m.end) else { return Vec::new() };
    let url = site.permalink(&site.path_of(id, &site.config.default_language));
    let mut lines = vec![
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@{}", node.id(), host(site)),
        format!("DTSTAMP:{}", stamp(site, id)),
    ];
    lines.push(format!("DTSTART{start}"));
    if let Some(end) = end {
        lines.push(format!("DTEND{end}"));
    }
    lines.push(format!("SUMMARY:{}", escape(&m.title)));
    let summary = entry_summary(&node.entry, bodies.get(&node.entry.path).map(|b| b.text.as_str()));
    let description = if summary.is_empty() { url.clone() } else { format!("{summary}\n{url}") };
    lines.push(format!("DESCRIPTION:{}", escape(&description)));
    if let Some(venue) = &m.venue {
        lines.push(format!("LOCATION:{}", escape(venue)));
    }
    lines.push(format!("CATEGORIES:{}", escape(&m.category)));
    lines.push(format!("URL:{url}"));
    lines.push("END:VEVENT".to_owned());
    lines
}

/// The value parts (with parameters) of DTSTART and DTEND; `None` when a day is not known.
fn span(start: Date, end: Option<Date>) -> Option<(String, Option<String>)> {
    let start_day = start.day()?;
    let end = match end {
        Some(end) => Some((end.day()?, end.time())),
        None => None,
    };
    let date = |day: NaiveDate| format!(";VALUE=DATE:{}", day.format("%Y%m%d"));
    let local = |day: NaiveDate, time: NaiveTime| {
        format!(";TZID={TIMEZONE}:{}T{}", day.format("%Y%m%d"), time.format("%H%M%S"))
    };
    let next = |day: NaiveDate| day.checked_add_days(Days::new(1)).unwrap_or(day);
    Some(match (start.time(), end) {
        // All day, one day or several: DTEND is exclusive, the day after the last.
        (None, end) => (date(start_day), Some(date(next(end.map_or(start_day, |(day, _)| day))))),
        (Some(time), None) => (local(start_day, time), None),
        (Some(time), Some((day, Some(end_time)))) => {
            (local(start_day, time), Some(local(day, end_time)))
        }
        // A start time and a last day without a time: until the end of that day.
        (Some(time), Some((day, None))) => {
            (local(start_day, time), Some(local(next(day), NaiveTime::MIN)))
        }
    })
}

/// DTSTAMP, in UTC: when the entry last changed (its `updated`, else its date, never after
/// today), so that two builds of the same content are identical.
fn stamp(site: &Site, id: NodeId) -> String {
    let node = &site.nodes[id];
    // A partial `updated` gives no day: the event's own day then (events in the calendar have one).
    let day = node.entry.meta.common().updated.and_then(|d| d.day());
    let day = day.or_else(|| node.date().and_then(|d| d.day()));
    let day = day.map_or(site.config.today, |d| d.min(site.config.today));
    // Midnight in Japan is 15:00 UTC of the day before.
    let utc = day.and_time(NaiveTime::MIN) - chrono::Duration::hours(9);
    utc.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT escaping of RFC 5545 3.3.11: backslash, semicolon, comma and line breaks.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line into lines of at most 75 octets (RFC 5545 3.1): continuation lines start
/// with a space, and a UTF-8 character is never split.
pub fn fold(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > LIMIT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        assert_eq!(escape("line\r\nnext"), "line\\nnext");
        assert_eq!(escape("東京区政会館 1階"), "東京区政会館 1階");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "釧路の秋の味覚市".repeat(10));
        let folded = fold(&line);
        let parts: Vec<&str> = folded.split("\r\n").collect();
        assert!(parts.len() > 1);
        for (i, part) in parts.iter().enumerate() {
            assert!(part.len() <= 75, "line {i} has {} octets", part.len());
            if i > 0 {
                assert!(part.starts_with(' '));
            }
        }
        let unfolded: String =
            parts.iter().enumerate().map(|(i, p)| if i == 0 { *p } else { &p[1..] }).collect();
        assert_eq!(unfolded, line);
        assert_eq!(fold("SHORT:x"), "SHORT:x");
        let ascii = "X".repeat(75);
        assert_eq!(fold(&ascii), ascii);
        assert_eq!(fold(&"X".repeat(76)), format!("{}\r\n X", "X".repeat(75)));
    }

    #[test]
    fn all_day_events_end_the_day_after_and_timed_ones_are_in_tokyo() {
        let d = |s: &str| Date::parse(s).unwrap_or_else(|e| panic!("{e}"));
        let span_of = |start, end| span(start, end).unwrap_or_else(|| panic!("a day is known"));
        assert_eq!(
            span_of(d("2016-10-15"), Some(d("2016-10-16"))),
            (";VALUE=DATE:20161015".to_owned(), Some(";VALUE=DATE:20161017".to_owned()))
        );
        assert_eq!(
            span_of(d("2016-12-31"), None),
            (";VALUE=DATE:20161231".to_owned(), Some(";VALUE=DATE:20170101".to_owned()))
        );
        assert_eq!(
            span_of(d("2026-02-10T10:00"), Some(d("2026-02-11T16:00"))),
            (
                ";TZID=Asia/Tokyo:20260210T100000".to_owned(),
                Some(";TZID=Asia/Tokyo:20260211T160000".to_owned())
            )
        );
        assert_eq!(span_of(d("2024-11-20T13:30"), None).1, None);
        // A month or a year is no day: no calendar entry.
        assert_eq!(span(d("2016-12"), None), None);
        assert_eq!(span(d("2016-12-10"), Some(d("2017-01"))), None);
        assert_eq!(span(d("2016"), Some(d("2016-12-31"))), None);
    }
}
