//! The machine-readable outputs, each parsed with a real parser: the CSV files with the `csv`
//! crate, the JSON files against their JSON Schema (the `jsonschema` crate), the iCalendar files with the `icalendar`
//! crate's parser, the feeds with quick-xml, the JSON-LD as JSON; and the map's numbers against
//! the relations written in the content.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::{fixture, read_tree, renkei, repo_root, tempdir};

/// Builds the site at `root`; returns its output tree.
pub(crate) fn build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempdir();
    let output = out.path().join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();
    read_tree(&output)
}

pub(crate) fn text<'a>(tree: &'a BTreeMap<String, Vec<u8>>, path: &str) -> &'a str {
    let bytes = tree.get(path).unwrap_or_else(|| panic!("{path} is missing from the output"));
    std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{path} is not UTF-8: {e}"))
}

/// The published (non-draft) content files of a collection of the site at `root`.
pub(crate) fn published(root: &Path, collection: &str) -> Vec<String> {
    let dir = root.join("content").join(collection);
    let mut ids: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && !name.starts_with('_'))
        .filter(|name| name.matches('.').count() == 1)
        .filter(|name| {
            let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            !text.lines().any(|l| l.trim() == "draft: true")
        })
        .map(|name| name.trim_end_matches(".md").to_owned())
        .collect();
    ids.sort();
    ids
}

/// The number of `- ward:` entries in the municipalities' front matter.
pub(crate) fn relations_in_content(root: &Path) -> usize {
    published(root, "municipalities")
        .iter()
        .map(|id| {
            let text =
                std::fs::read_to_string(root.join(format!("content/municipalities/{id}.md")))
                    .unwrap_or_default();
            text.lines().filter(|l| l.trim_start().starts_with("- ward:")).count()
        })
        .sum()
}

/// Reads a CSV file with the `csv` crate: a BOM first, CRLF line ends, the header and the records.
fn read_csv(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = tree.get(path).unwrap_or_else(|| panic!("{path} is missing"));
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "{path} starts with a BOM");
    let body = &bytes[3..];
    assert!(body.ends_with(b"\r\n"), "{path} ends with CRLF");
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .iter()
        .map(str::to_owned)
        .collect();
    let records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{path}: {e}")).iter().map(str::to_owned).collect())
        .collect();
    for record in &records {
        assert_eq!(record.len(), header.len(), "{path}: every record has every column");
    }
    (header, records)
}

fn json(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    serde_json::from_str(text(tree, path)).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

const DATASETS: [&str; 6] =
    ["municipalities", "relations", "events", "exhibits", "facilities", "agreements"];

fn check_open_data(root: &Path) {
    let tree = build(root);
    let expected_rows = |dataset: &str| match dataset {
        "relations" => relations_in_content(root),
        other => published(root, other).len(),
    };
    for dataset in DATASETS {
        let (header, records) = read_csv(&tree, &format!("data/{dataset}.csv"));
        assert_eq!(records.len(), expected_rows(dataset), "rows of {dataset}.csv");
        let data = json(&tree, &format!("data/{dataset}.json"));
        let schema = json(&tree, &format!("data/schema/{dataset}.json"));
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("schema/{dataset}.json is not a valid schema: {e}"));
        let problems: Vec<String> = validator.iter_errors(&data).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{dataset}.json against its schema:\n{}", problems.join("\n"));
        // The schema rejects what it should: a record with a missing field or a wrong type.
        let mut broken = data.clone();
        if let Some(record) = broken["records"].get_mut(0).and_then(Value::as_object_mut) {
            let first = record.keys().next().cloned().unwrap_or_default();
            record.remove(&first);
            record.insert("unexpected".into(), Value::Bool(true));
            assert!(!validator.is_valid(&broken), "{dataset}: the schema rejects a broken record");
        }
        let rows = data["records"].as_array().map_or(0, Vec::len);
        assert_eq!(rows, records.len(), "{dataset}: the JSON has the CSV's records");
        // The CSV and the JSON carry the same values, column by column.
        let fields: Vec<String> = schema["properties"]["records"]["items"]["properties"]
            .as_object()
            .map(|p| p.iter().map(|(field, s)| format!("{field}={}", s["description"])).collect())
            .unwrap_or_default();
        assert_eq!(fields.len(), header.len(), "{dataset}: one JSON field per CSV column");
        for (record, csv_row) in data["records"].as_array().into_iter().flatten().zip(&records) {
            for (column, cell) in header.iter().zip(csv_row) {
                let field = fields
                    .iter()
                    .find(|f| f.ends_with(&format!("=\"{column}\"")))
                    .and_then(|f| f.split('=').next())
                    .unwrap_or_else(|| panic!("{dataset}: no field for the column {column}"));
                let value = match &record[field] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(&value, cell, "{dataset}: {column} in the CSV and {field} in the JSON");
            }
        }
    }
    let page = text(&tree, "data/index.html");
    for dataset in DATASETS {
        for file in [format!("{dataset}.csv"), format!("{dataset}.json")] {
            assert!(page.contains(&file), "the data page lists {file}");
        }
    }
    assert!(page.contains("CC BY 4.0"), "the data page names the licence");
    for other in ["events/calendar.ics", "events/atom.xml", "news/atom.xml"] {
        assert!(page.contains(&format!("href=\"/{other}\"")), "the data page lists {other}");
    }
}

#[test]
fn open_data_of_the_fixture_parses_and_matches_the_content() {
    check_open_data(&fixture("basic"));
}

#[test]
fn open_data_of_the_projects_site_parses_and_matches_the_content() {
    check_open_data(&repo_root());
}

#[test]
fn the_event_list_has_the_columns_of_the_standard() {
    let tree = build(&fixture("basic"));
    let (header, records) = read_csv(&tree, "data/events.csv");
    let standard = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,イベント名,イベント名_カナ,イベント名_英語,開始日,終了日,開始時間,終了時間,開始日時特記事項,説明,料金(基本),料金(詳細),連絡先名称,連絡先電話番号,連絡先内線番号,主催者,場所名称,住所,方書,緯度,経度,アクセス方法,駐車場情報,定員,参加申込終了日,参加申込終了時間,参加申込方法,URL,備考";
    assert_eq!(header.join(","), standard);
    let (facility_header, facilities) = read_csv(&tree, "data/facilities.csv");
    let standard = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,名称_通称,POIコード,住所,方書,緯度,経度,電話番号,内線番号,法人番号,団体名,利用可能曜日,開始時間,終了時間,利用可能日時特記事項,説明,バリアフリー情報,URL,備考";
    assert_eq!(facility_header.join(","), standard);
    let hall = facilities.iter().find(|r| r[4] == "東京区政会館");
    let hall = hall.unwrap_or_else(|| panic!("the hall is listed: {facilities:?}"));
    assert_eq!(&hall[..4], ["131016", "1", "東京都", "千代田区"], "{hall:?}");
    assert_eq!(hall[15], "千代田区", "団体名: {hall:?}");
    // A value with a comma or quotes survives the round trip.
    let titles: Vec<&str> = records.iter().map(|r| r[4].as_str()).collect();
    assert!(titles.contains(&"北海道・釧路！旬！秋の味覚市"), "{titles:?}");
}

#[test]
fn quoted_values_survive_the_csv_round_trip() {
    let tree = build(&fixture("basic"));
    let (_, records) = read_csv(&tree, "data/events.csv");
    let venues: Vec<&str> = records.iter().map(|r| r[19].as_str()).collect();
    assert!(venues.contains(&"港区立みなとパーク芝浦, 1階 \"アトリウム\""), "{venues:?}");
}

/// Parses an iCalendar file with the `icalendar` crate after checking its lines: CRLF only, at
/// most 75 octets each (folding never splits a UTF-8 character, or the text would not be UTF-8).
fn check_calendar_lines(path: &str, ics: &str) {
    assert!(ics.ends_with("\r\n"), "{path} ends with CRLF");
    for (i, line) in ics.split("\r\n").enumerate() {
        assert!(!line.contains('\n') && !line.contains('\r'), "{path}:{i}: a bare line break");
        assert!(line.len() <= 75, "{path}:{i}: {} octets", line.len());
    }
}

/// The published events whose source gives their days: those the calendar holds (an event
/// known only by its month or year, `date: 2016-12`, is left out: tests/dates.rs).
fn events_with_days(root: &Path) -> Vec<String> {
    let mut events = published(root, "events");
    events.retain(|id| {
        let text = std::fs::read_to_string(root.join(format!("content/events/{id}.md")))
            .unwrap_or_default();
        !text.lines().any(|line| {
            let value = line.strip_prefix("date:").or_else(|| line.strip_prefix("end:"));
            value.is_some_and(|v| matches!(v.trim().trim_matches('"').len(), 4 | 7))
        })
    });
    events
}

fn check_calendars(root: &Path) {
    let tree = build(root);
    let events = events_with_days(root);
    let host = if root == fixture("basic") { "example.org" } else { "renkei.example.jp" };
    let ics = text(&tree, "events/calendar.ics");
    check_calendar_lines("calendar.ics", ics);
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded)
        .unwrap_or_else(|e| panic!("calendar.ics does not parse: {e}"));
    let prop = |c: &icalendar::parser::Component, name: &str| {
        c.find_prop(name).map(|p| p.val.as_str().to_owned())
    };
    let vevents: Vec<_> = calendar.components.iter().filter(|c| c.name == "VEVENT").collect();
    assert_eq!(vevents.len(), events.len(), "one VEVENT per published event");
    let mut uids: Vec<String> = Vec::new();
    for vevent in &vevents {
        let uid = prop(vevent, "UID").unwrap_or_default();
        let id = uid.strip_suffix(&format!("@{host}")).unwrap_or_else(|| panic!("UID {uid}"));
        assert!(events.contains(&id.to_owned()), "the UID {uid} names an event");
        uids.push(uid.clone());
        assert!(prop(vevent, "DTSTAMP").is_some_and(|s| s.ends_with('Z')), "{uid}: DTSTAMP in UTC");
        assert!(prop(vevent, "SUMMARY").is_some_and(|s| !s.is_empty()), "{uid}: SUMMARY");
        let start = vevent.find_prop("DTSTART").unwrap_or_else(|| panic!("{uid}: DTSTART"));
        let is_date = start
            .params
            .iter()
            .any(|p| p.key == "VALUE" && p.val.as_ref().is_some_and(|v| v.as_str() == "DATE"));
        let tzid = start
            .params
            .iter()
            .find(|p| p.key == "TZID")
            .and_then(|p| p.val.as_ref().map(|v| v.as_str().to_owned()));
        if is_date {
            // DTEND is the day after the last day, exclusive.
            let end = prop(vevent, "DTEND").unwrap_or_else(|| panic!("{uid}: DTEND"));
            let day = |s: &str| {
                chrono::NaiveDate::parse_from_str(s, "%Y%m%d")
                    .unwrap_or_else(|e| panic!("{uid}: {s}: {e}"))
            };
            assert!(day(&end) > day(start.val.as_str()), "{uid}: DTEND after DTSTART");
        } else {
            assert_eq!(tzid.as_deref(), Some("Asia/Tokyo"), "{uid}: timed events are in Tokyo");
            let tz = calendar.components.iter().find(|c| c.name == "VTIMEZONE");
            assert!(
                tz.and_then(|t| prop(t, "TZID")).as_deref() == Some("Asia/Tokyo"),
                "a VTIMEZONE describes Asia/Tokyo"
            );
        }
        // The event's own file has the same event.
        let own = format!("events/{id}/{id}.ics");
        let single = text(&tree, &own);
        check_calendar_lines(&own, single);
        let unfolded_single = icalendar::parser::unfold(single);
        let parsed = icalendar::parser::read_calendar(&unfolded_single)
            .unwrap_or_else(|e| panic!("{own} does not parse: {e}"));
        let single_events: Vec<_> =
            parsed.components.iter().filter(|c| c.name == "VEVENT").collect();
        assert_eq!(single_events.len(), 1, "{own}");
        assert_eq!(prop(single_events[0], "UID"), Some(uid.clone()));
        let page = text(&tree, &format!("events/{id}/index.html"));
        assert!(page.contains(&format!("/events/{id}/{id}.ics")), "{id}: the page links its file");
    }
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), vevents.len(), "UIDs are unique");
}

#[test]
fn calendars_of_the_fixture_parse() {
    check_calendars(&fixture("basic"));
}

#[test]
fn calendars_of_the_projects_site_parse() {
    check_calendars(&repo_root());
}

#[test]
fn calendar_text_is_escaped_and_unescapes_to_the_content() {
    let tree = build(&fixture("basic"));
    let ics = text(&tree, "events/kyoto-tourism-2026/kyoto-tourism-2026.ics");
    assert!(ics.contains("LOCATION:港区立みなとパーク芝浦\\, 1階 \"アトリウム\""), "{ics}");
    let unfolded = icalendar::parser::unfold(ics);
    let calendar = icalendar::parser::read_calendar(&unfolded).unwrap_or_else(|e| panic!("{e}"));
    let event = calendar.components.iter().find(|c| c.name == "VEVENT");
    let location = event
        .and_then(|e| e.find_prop("LOCATION"))
        .map(|p| p.val.clone().unescape_text().as_str().to_owned());
    assert_eq!(location.as_deref(), Some("港区立みなとパーク芝浦, 1階 \"アトリウム\""));
    assert!(ics.contains("DTSTART;TZID=Asia/Tokyo:20260210T100000\r\n"), "{ics}");
    assert!(ics.contains("DTEND;TZID=Asia/Tokyo:20260211T160000\r\n"), "{ics}");
}

/// The feed's title, its entries' links, and whether it has Atom's required elements; parsed with
/// quick-xml (a real XML parser: malformed XML or bad entities fail).
fn read_feed(path: &str, xml: &str) -> (String, Vec<String>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack: Vec<String> = Vec::new();
    let mut title = String::new();
    let mut links = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(tag)) => {
                stack.push(String::from_utf8_lossy(tag.local_name().as_ref()).into_owned());
                seen.insert(stack.join("/"));
            }
            Ok(Event::Empty(tag)) => {
                let name = String::from_utf8_lossy(tag.local_name().as_ref()).into_owned();
                seen.insert(format!("{}/{name}", stack.join("/")));
                if name == "link" && stack.join("/") == "feed/entry" {
                    let href = tag
                        .try_get_attribute("href")
                        .ok()
                        .flatten()
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
                    links.extend(href);
                }
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(text)) => {
                let text = text.decode().unwrap_or_else(|e| panic!("{path}: bad text: {e}"));
                if stack.join("/") == "feed/title" {
                    title.push_str(&text);
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("{path} is not well-formed XML: {error}"),
        }
    }
    for required in ["feed/id", "feed/title", "feed/updated", "feed/author/name", "feed/link"] {
        assert!(seen.contains(required), "{path} lacks {required}");
    }
    if !links.is_empty() {
        for required in ["feed/entry/id", "feed/entry/title", "feed/entry/updated"] {
            assert!(seen.contains(required), "{path} lacks {required}");
        }
    }
    (title, links)
}

#[test]
fn every_ward_and_prefecture_has_a_feed_linked_from_its_page() {
    let root = fixture("basic");
    let tree = build(&root);
    for collection in ["wards", "prefectures"] {
        for id in published(&root, collection) {
            let feed = format!("{collection}/{id}/atom.xml");
            let (title, links) = read_feed(&feed, text(&tree, &feed));
            assert!(!title.is_empty(), "{feed} has a title");
            let page = text(&tree, &format!("{collection}/{id}/index.html"));
            assert!(
                page.contains(&format!(
                    "type=\"application/atom+xml\" title=\"{title}\" href=\"/{feed}\""
                )),
                "{collection}/{id}/ links its feed: {page}"
            );
            // The feed carries what the page lists as related.
            for link in links {
                let path = link.trim_start_matches("https://example.org");
                assert!(page.contains(&format!("href=\"{path}\"")), "{id}'s page lists {link}");
            }
        }
    }
    let (_, arakawa) = read_feed("arakawa", text(&tree, "wards/arakawa/atom.xml"));
    for event in ["kushiro-mikakuichi-2015", "kushiro-exchange-2025"] {
        assert!(arakawa.contains(&format!("https://example.org/events/{event}/")), "{arakawa:?}");
    }
    let (_, kyoto) = read_feed("kyoto", text(&tree, "prefectures/kyoto/atom.xml"));
    assert!(kyoto.contains(&"https://example.org/events/kyoto-tourism-2026/".to_owned()));
}

/// Relations per prefecture id written in the content, all of them or one ward's.
fn relations_by_prefecture(root: &Path, ward: Option<&str>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for id in published(root, "municipalities") {
        let text = std::fs::read_to_string(root.join(format!("content/municipalities/{id}.md")))
            .unwrap_or_default();
        let prefecture = text
            .lines()
            .find_map(|l| l.strip_prefix("prefecture:"))
            .map(|p| p.trim().trim_matches('"').to_owned())
            .unwrap_or_default();
        let n = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("- ward:"))
            .filter(|w| ward.is_none_or(|ward| w.trim().trim_matches('"') == ward))
            .count();
        if n > 0 {
            *counts.entry(prefecture).or_insert(0) += n;
        }
    }
    counts
}

/// The tiles of the map on a page, parsed as XML: prefecture id → the number on its tile.
fn map_tiles(page: &str) -> BTreeMap<String, usize> {
    use quick_xml::events::Event;
    let start = page.find("<svg class=\"map-svg\"").unwrap_or_else(|| panic!("no map: {page}"));
    let end = page[start..].find("</svg>").map_or(page.len(), |e| start + e + 6);
    let mut reader = quick_xml::Reader::from_str(&page[start..end]);
    let mut tiles = BTreeMap::new();
    let mut href: Option<String> = None;
    let mut bold = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(tag)) => {
                let name = tag.name();
                if name.as_ref() == b"a" {
                    href = tag
                        .try_get_attribute("xlink:href")
                        .ok()
                        .flatten()
                        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
                }
                bold = name.as_ref() == b"text"
                    && tag.try_get_attribute("font-weight").ok().flatten().is_some();
            }
            Ok(Event::Text(text)) if bold => {
                let number = text.decode().unwrap_or_default().trim().parse::<usize>();
                if let (Some(link), Ok(number)) = (&href, number) {
                    let id = link.trim_matches('/').trim_start_matches("prefectures/").to_owned();
                    tiles.insert(id, number);
                }
                bold = false;
            }
            Ok(Event::End(tag)) if tag.name().as_ref() == b"a" => href = None,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("the map is not well-formed: {error}"),
        }
    }
    tiles
}

fn check_map(root: &Path, ward: &str) {
    let tree = build(root);
    let expected_all = relations_by_prefecture(root, None);
    let prefectures = published(root, "prefectures");
    for page in ["index.html", "prefectures/index.html"] {
        let tiles = map_tiles(text(&tree, page));
        assert_eq!(tiles.len(), prefectures.len(), "{page}: a linked tile per prefecture page");
        for id in tiles.keys() {
            assert!(
                tree.contains_key(&format!("prefectures/{id}/index.html")),
                "{page}: tile {id}"
            );
        }
        let nonzero: BTreeMap<String, usize> = tiles.into_iter().filter(|(_, n)| *n > 0).collect();
        assert_eq!(nonzero, expected_all, "{page}: the map's numbers are the content's");
    }
    let tiles = map_tiles(text(&tree, &format!("wards/{ward}/index.html")));
    let nonzero: BTreeMap<String, usize> = tiles.into_iter().filter(|(_, n)| *n > 0).collect();
    assert_eq!(nonzero, relations_by_prefecture(root, Some(ward)), "{ward}'s map");
    let total: usize = expected_all.values().sum();
    assert_eq!(total, relations_in_content(root));
    let home = text(&tree, "index.html");
    assert!(home.contains(&format!("<td>{total}</td></tr></tfoot>")), "the table's total");
}

#[test]
fn the_maps_numbers_are_the_relations_of_the_fixture() {
    check_map(&fixture("basic"), "arakawa");
}

#[test]
fn the_maps_numbers_are_the_relations_of_the_projects_site() {
    check_map(&repo_root(), "arakawa");
}

/// Every JSON-LD block of a page, parsed.
fn json_ld_of(path: &str, page: &str) -> Vec<Value> {
    let open = "<script type=\"application/ld+json\">";
    page.split(open)
        .skip(1)
        .map(|rest| {
            let end = rest.find("</script>").unwrap_or_else(|| panic!("{path}: unclosed script"));
            serde_json::from_str(&rest[..end])
                .unwrap_or_else(|e| panic!("{path}: the JSON-LD is not JSON: {e}"))
        })
        .collect()
}

fn graph_items<'a>(blocks: &'a [Value], kind: &str) -> Vec<&'a Value> {
    blocks
        .iter()
        .flat_map(|b| b["@graph"].as_array().into_iter().flatten())
        .filter(|item| item["@type"] == kind)
        .collect()
}

fn check_json_ld(root: &Path, host: &str) {
    let tree = build(root);
    let pages: Vec<&String> = tree.keys().filter(|p| p.ends_with("index.html")).collect();
    assert!(!pages.is_empty());
    for path in pages {
        let blocks = json_ld_of(path, text(&tree, path));
        assert_eq!(blocks.len(), 1, "{path}: one JSON-LD block");
        assert_eq!(blocks[0]["@context"], "https://schema.org", "{path}");
        let crumbs = graph_items(&blocks, "BreadcrumbList");
        assert_eq!(crumbs.len(), 1, "{path}: a BreadcrumbList");
        let items = crumbs[0]["itemListElement"].as_array().cloned().unwrap_or_default();
        assert!(!items.is_empty(), "{path}: breadcrumbs");
        for (i, item) in items.iter().enumerate() {
            assert_eq!(item["position"], i + 1, "{path}");
            assert!(item["name"].as_str().is_some_and(|n| !n.is_empty()), "{path}");
            assert!(
                item["item"].as_str().is_some_and(|u| u.starts_with(&format!("https://{host}/"))),
                "{path}: {item}"
            );
        }
        let kind = path.split('/').next().unwrap_or_default();
        let is_entity = path.matches('/').count() == 2 && !path.starts_with("en/");
        match kind {
            "events" | "exhibits" if is_entity && !path.contains("/page/") => {
                let events = graph_items(&blocks, "Event");
                assert_eq!(events.len(), 1, "{path}: an Event");
                let event = events[0];
                for property in ["name", "startDate", "endDate", "url"] {
                    assert!(
                        event[property].as_str().is_some_and(|v| !v.is_empty()),
                        "{path}: {property}"
                    );
                }
                assert!(
                    event["location"]["name"].as_str().is_some_and(|v| !v.is_empty()),
                    "{path}"
                );
                assert!(event["location"]["@type"] == "Place", "{path}");
                let organizers = event["organizer"].as_array().cloned().unwrap_or_default();
                assert!(!organizers.is_empty(), "{path}: an organizer");
                for organizer in organizers {
                    assert!(organizer["name"].as_str().is_some(), "{path}: {organizer}");
                }
                let start = event["startDate"].as_str().unwrap_or_default();
                // A day, a day and time, or a month or year when the source gives no day.
                let precise = start.len() == 10 || start.ends_with("+09:00");
                assert!(precise || [4, 7].contains(&start.len()), "{path}: {start}");
            }
            "wards" | "municipalities" if is_entity => {
                let organizations = graph_items(&blocks, "GovernmentOrganization");
                assert_eq!(organizations.len(), 1, "{path}: a GovernmentOrganization");
                assert!(organizations[0]["name"].as_str().is_some(), "{path}");
                assert!(organizations[0]["identifier"].as_str().is_some(), "{path}");
            }
            _ => {}
        }
    }
}

#[test]
fn json_ld_of_the_fixture_has_the_required_properties() {
    check_json_ld(&fixture("basic"), "example.org");
}

#[test]
fn json_ld_of_the_projects_site_has_the_required_properties() {
    check_json_ld(&repo_root(), "renkei.example.jp");
    let tree = build(&repo_root());
    let home = text(&tree, "index.html");
    assert!(home.contains(
        "<meta property=\"og:image\" content=\"https://renkei.example.jp/og-image.png\">"
    ));
    assert!(home.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"));
    assert!(tree.contains_key("og-image.png"));
}

#[test]
fn a_script_end_in_the_content_cannot_break_out_of_the_json_ld() {
    let site = crate::support::fixture_copy("basic");
    crate::support::edit(
        site.path(),
        "content/events/kyoto-tourism-2026.md",
        "title: 京都観光フェア",
        "title: \"京都観光フェア</script><script>alert(1)</script><!--\"",
    );
    let tree = build(site.path());
    let path = "events/kyoto-tourism-2026/index.html";
    let page = text(&tree, path);
    let blocks = json_ld_of(path, page);
    assert_eq!(blocks.len(), 1);
    let events = graph_items(&blocks, "Event");
    assert_eq!(events[0]["name"], "京都観光フェア</script><script>alert(1)</script><!--");
    assert!(!page.contains("<script>alert(1)"), "{page}");
}

mod properties {
    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;
    use renkei::render::ical::{escape, fold};
    use renkei::render::opendata::{Cell, Column, Kind, to_csv};

    /// RFC 5545 3.3.11 unescaping in one pass. (The icalendar crate's parser unescapes one
    /// sequence after the other, so it reads `\\\,` as `,` instead of `\,`.)
    fn unescape(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n' | 'N') => out.push('\n'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// Text with the characters that escaping, folding and quoting care about.
    fn tricky() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => proptest::sample::select(&[",", ";", "\\", "\"", "\n", "\r\n", " ", "釧路", "𠮷", "é", "a"][..])
                .prop_map(str::to_owned),
            1 => "\\PC{0,12}",
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "tests/proptest-regressions/opendata.txt",
            ))),
            ..ProptestConfig::default()
        })]

        /// Folding keeps every line within 75 octets, never splits a character, and unfolds back.
        #[test]
        fn folding_round_trips(text in tricky()) {
            let line = format!("DESCRIPTION:{}", escape(&text));
            let folded = fold(&line);
            for part in folded.split("\r\n") {
                prop_assert!(part.len() <= 75);
            }
            prop_assert_eq!(icalendar::parser::unfold(&folded), line);
        }

        /// Escaped text reads back unchanged through the icalendar parser (line breaks as \n).
        #[test]
        fn escaped_text_round_trips(text in tricky()) {
            let ics = format!(
                "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                fold(&format!("SUMMARY:{}", escape(&text)))
            );
            let unfolded = icalendar::parser::unfold(&ics);
            let calendar = icalendar::parser::read_calendar(&unfolded);
            prop_assert!(calendar.is_ok(), "{ics}");
            let calendar = calendar.unwrap_or_else(|e| panic!("{e}"));
            prop_assert!(calendar.components[0].find_prop("SUMMARY").is_some());
            // The parser unescapes on its own (see `unescape`): read the raw value instead.
            let summary = unfolded
                .split("\r\n")
                .find_map(|l| l.strip_prefix("SUMMARY:"))
                .map(unescape);
            let expected: String = text.replace("\r\n", "\n").replace('\r', "\n")
                .chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect();
            prop_assert_eq!(summary.unwrap_or_default(), expected);
        }

        /// Any values survive the CSV round trip through the csv crate.
        #[test]
        fn csv_round_trips(rows in proptest::collection::vec(proptest::collection::vec(tricky(), 3), 0..6)) {
            let columns = [
                Column { header: "名称", field: "name", kind: Kind::Text, english: "Name" },
                Column { header: "説明, 詳細", field: "description", kind: Kind::Text, english: "" },
                Column { header: "備考", field: "note", kind: Kind::Text, english: "Notes" },
            ];
            let cells: Vec<Vec<Cell>> = rows
                .iter()
                .map(|row| row.iter().map(|v| if v.is_empty() { Cell::Empty } else { Cell::Text(v.clone()) }).collect())
                .collect();
            let bytes = to_csv(&columns, &cells);
            let mut reader = csv::ReaderBuilder::new().from_reader(&bytes[3..]);
            let header: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default();
            prop_assert_eq!(header, vec!["名称", "説明, 詳細", "備考"]);
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()).unwrap_or_default())
                .collect();
            prop_assert_eq!(read, rows);
        }
    }
}

#[test]
fn every_new_output_follows_a_sub_path_base_url() {
    let out = tempdir();
    let output = out.path().join("public");
    renkei()
        .arg("build")
        .arg("--root")
        .arg(fixture("basic"))
        .arg("--output")
        .arg(&output)
        .args(["--base-url", "https://example.org/renkei/"])
        .assert()
        .success();
    let tree = read_tree(&output);
    let data = text(&tree, "data/index.html");
    assert!(data.contains("href=\"/renkei/data/events.csv\""), "{data}");
    assert!(data.contains("href=\"/renkei/events/calendar.ics\""), "{data}");
    let event = text(&tree, "events/kyoto-tourism-2026/index.html");
    assert!(event.contains("href=\"/renkei/events/kyoto-tourism-2026/kyoto-tourism-2026.ics\""));
    let blocks = json_ld_of("event", event);
    let crumbs = graph_items(&blocks, "BreadcrumbList");
    assert_eq!(
        crumbs[0]["itemListElement"][0]["item"], "https://example.org/renkei/",
        "breadcrumbs are absolute URLs under the sub-path"
    );
    let ics = text(&tree, "events/calendar.ics");
    assert!(ics.contains("UID:kyoto-tourism-2026@example.org\r\n"), "{ics}");
    let home = text(&tree, "index.html");
    assert!(home.contains("xlink:href=\"/renkei/prefectures/hokkaido/\""), "the map's tiles");
    let ward = text(&tree, "wards/arakawa/index.html");
    assert!(ward.contains("href=\"/renkei/wards/arakawa/atom.xml\""), "the ward's feed");
    let json = json(&tree, "data/events.json");
    assert_eq!(json["$schema"], "https://example.org/renkei/data/schema/events.json");
}
