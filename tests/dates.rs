//! Dates as precise as the source (issue 20): an entry whose source gives only the month or the
//! year is written `date: 2016-12` / `date: 2016`, and no output of the site prints a day for it.
//! The project's own site is built and every file searched for the days such an entry could be
//! given by mistake; fixture sites check the order, upcoming and past, and bad input.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, Months, NaiveDate};
use renkei::japanese::wareki;

use crate::support::{
    edit, fixture_copy, project_site, read, read_tree, renkei, repo_root, run_failing, write,
};

/// `(content file, date as written)` of every event, exhibit, news item and agreement of the
/// project whose `date` or `end` gives no day.
fn partial_entries(root: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for collection in ["events", "exhibits", "news", "agreements"] {
        let dir = root.join("content").join(collection);
        for (name, bytes) in read_tree(&dir) {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let front_matter = text.split("\n---").next().unwrap_or_default();
            for line in front_matter.lines() {
                let Some((key, value)) = line.split_once(':') else { continue };
                let value = value.trim().trim_matches('"');
                let partial = value.len() == 4 || value.len() == 7;
                if ["date", "end"].contains(&key.trim()) && partial {
                    found.push((format!("content/{collection}/{name}"), value.to_owned()));
                }
            }
        }
    }
    found
}

/// The first and last day of `2016-12` or `2016`.
fn bounds(partial: &str) -> (NaiveDate, NaiveDate) {
    let (year, month) = match partial.split_once('-') {
        Some((y, m)) => (y, Some(m)),
        None => (partial, None),
    };
    let year: i32 = year.parse().unwrap_or_else(|e| panic!("{partial}: {e}"));
    let month: u32 = month.map_or(1, |m| m.parse().unwrap_or_else(|e| panic!("{partial}: {e}")));
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_else(|| panic!("{partial}"));
    let months = if partial.len() == 7 { 1 } else { 12 };
    let last = first.checked_add_months(Months::new(months)).and_then(|d| d.pred_opt());
    (first, last.unwrap_or_else(|| panic!("{partial}")))
}

/// Every way the site writes a day: ISO, iCalendar, Japanese and 和暦.
fn written_forms(day: NaiveDate) -> Vec<String> {
    vec![
        day.format("%Y-%m-%d").to_string(),
        day.format("%Y%m%d").to_string(),
        format!("{}年{}月{}日", day.year(), day.month(), day.day()),
        wareki::wareki(day),
    ]
}

/// Whether `text` holds `needle` not followed by another digit (`2016年12月1日` is not in
/// `2016年12月10日`, but `20161201` would be in `20161201T…`).
fn contains_form(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let after = text[at + needle.len()..].chars().next();
        !(needle.ends_with(|c: char| c.is_ascii_digit())
            && after.is_some_and(|c| c.is_ascii_digit()))
    })
}

#[test]
fn no_output_carries_a_day_for_an_entry_whose_source_gives_none() {
    let root = repo_root();
    let partial = partial_entries(&root);
    let names: Vec<&str> = partial.iter().map(|(file, _)| file.as_str()).collect();
    assert!(
        names.contains(&"content/events/miryoku-asakusa-2016.md")
            && names.contains(&"content/news/ishiba-briefing-2015.md"),
        "the two entries of the issue are written to the month: {partial:?}"
    );
    // A day another entry really has (or a body states) is not a stand-in: it may appear.
    let content: String = read_tree(&root.join("content"))
        .into_values()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .collect();
    let mut forbidden: BTreeSet<(String, String)> = BTreeSet::new();
    for (file, value) in &partial {
        let (first, last) = bounds(value);
        for day in [first, last] {
            if written_forms(day).iter().any(|form| contains_form(&content, form)) {
                continue;
            }
            for form in written_forms(day) {
                forbidden.insert((form, file.clone()));
            }
        }
    }
    for form in
        ["2016-12-01", "20161201", "2016年12月1日", "平成28年12月1日", "2015-09-01", "20150901"]
    {
        assert!(forbidden.iter().any(|(f, _)| f == form), "{form} is searched for");
    }
    let site = project_site();
    let tree = read_tree(site);
    let mut searched = 0;
    let mut found = Vec::new();
    for (path, bytes) in &tree {
        let Ok(text) = std::str::from_utf8(bytes) else { continue };
        searched += 1;
        for (form, file) in &forbidden {
            if contains_form(text, form) {
                found.push(format!(
                    "{path} has `{form}` (a day for {file}, whose source gives none)"
                ));
            }
        }
    }
    for kind in [".html", ".ics", "atom.xml", "sitemaps/ja.xml", ".csv", "data/events.json"] {
        assert!(tree.keys().any(|p| p.ends_with(kind)), "{kind} files are searched");
    }
    assert!(tree.keys().any(|p| p.starts_with("search/")), "the search index is searched");
    assert!(searched > 100, "{searched} files searched");
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn a_month_is_shown_as_a_month_everywhere() {
    let site = project_site();
    let page = read(&site.join("events/miryoku-asakusa-2016/index.html"));
    assert!(page.contains("<time datetime=\"2016-12\">2016年12月</time>"), "the event's page");
    assert!(page.contains("〔平成28年〕"), "with its 和暦 year");
    assert!(!page.contains("カレンダーに追加"), "no calendar file to add");
    assert!(page.contains("\"startDate\":\"2016-12\""), "JSON-LD of reduced precision");
    assert!(!site.join("events/miryoku-asakusa-2016/miryoku-asakusa-2016.ics").exists());
    let calendar = read(&site.join("events/calendar.ics"));
    assert!(!calendar.contains("miryoku-asakusa-2016@"), "left out of the calendar");
    assert!(calendar.contains("miryoku-asakusa-2017@"), "dated events stay in it");

    let news = read(&site.join("news/ishiba-briefing-2015/index.html"));
    assert!(news.contains("<time datetime=\"2015-09\">2015年9月</time>"), "the news page");
    for feed in ["news/atom.xml", "wards/arakawa/atom.xml"] {
        let feed_text = read(&site.join(feed));
        assert!(!feed_text.contains("ishiba-briefing-2015"), "{feed}: left out of the feed");
    }
    assert!(read(&site.join("news/atom.xml")).contains("kyotei-hokkaido-kyoto-2016"));
    let sitemap = read(&site.join("sitemaps/ja.xml"));
    let entry = sitemap
        .split("<url>")
        .find(|url| url.contains("/news/ishiba-briefing-2015/</loc>"))
        .unwrap_or_else(|| panic!("the news item is in the sitemap"));
    assert!(!entry.contains("<lastmod>"), "no lastmod without a day: {entry}");

    let csv = read(&site.join("data/events.csv"));
    let row = csv
        .lines()
        .find(|line| line.contains("/events/miryoku-asakusa-2016/"))
        .unwrap_or_else(|| panic!("the event is in events.csv"));
    assert!(
        row.contains(",2016-12,2016-12,,,開催日は出典に記載がありません（2016年12月）,"),
        "{row}"
    );
    // The schema takes the month, and still rejects what is not a date.
    let schema: serde_json::Value =
        serde_json::from_str(&read(&site.join("data/schema/events.json")))
            .unwrap_or_else(|e| panic!("{e}"));
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{e}"));
    let mut data: serde_json::Value = serde_json::from_str(&read(&site.join("data/events.json")))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(validator.is_valid(&data), "events.json is valid with its months");
    let records = data["records"].as_array_mut().unwrap_or_else(|| panic!("records"));
    let record = records
        .iter_mut()
        .find(|r| r["start_date"] == "2016-12")
        .unwrap_or_else(|| panic!("the month is in events.json"));
    record["start_date"] = "2016年12月".into();
    assert!(!validator.is_valid(&data), "the schema rejects a date in another form");

    // The cards of the lists show the month; English pages as ISO, like full dates.
    let ja = list_pages(&site.join("events"));
    assert!(ja.contains("<time datetime=\"2016-12\">2016年12月</time>"), "the Japanese cards");
    let en = list_pages(&site.join("en/events"));
    assert!(en.contains("<time datetime=\"2016-12\">2016-12</time>"), "the English cards");
}

/// Every page of a list (`index.html`, `page/N/index.html`), one after the other in page order.
fn list_pages(dir: &Path) -> String {
    let mut pages: Vec<(usize, String)> = read_tree(dir)
        .into_iter()
        .filter_map(|(path, bytes)| {
            let number = match path.as_str() {
                "index.html" => 1,
                _ => path.strip_prefix("page/")?.strip_suffix("/index.html")?.parse().ok()?,
            };
            Some((number, String::from_utf8_lossy(&bytes).into_owned()))
        })
        .collect();
    pages.sort();
    pages.into_iter().map(|(_, text)| text).collect()
}

/// In the newest-first list, an entry known by its month comes after the dated entries of that
/// month and before those of the month before.
#[test]
fn a_month_sorts_after_the_dated_entries_of_that_month() {
    let pages = list_pages(&project_site().join("events"));
    let at = |id: &str| {
        pages.find(&format!("/events/{id}/")).unwrap_or_else(|| panic!("{id} is in the lists"))
    };
    // 2016-12-10, then 2016-12, then 2016-11-19.
    let (dated, month, before) = (
        at("toshima-chichibu-workshop-2016"),
        at("miryoku-asakusa-2016"),
        at("shintora-rokkonsai-2016"),
    );
    assert!(dated < month && month < before, "{dated} {month} {before}");
}

/// The fixture with its list pages long enough to hold every event on one page.
fn fixture_with_months() -> tempfile::TempDir {
    let site = fixture_copy("basic");
    let root = site.path();
    edit(root, "site.toml", "events_per_page = 2", "events_per_page = 20");
    let event = |id: &str, date: &str| {
        write(
            root,
            &format!("content/events/{id}.md"),
            format!("---\ntitle: {id}\ndate: {date}\ncategory: 住民交流\n---\n\n本文。\n"),
        );
    };
    // "Today" is 2026-01-01: January 2026 is not over, December 2025 is.
    event("month-this", "2026-01");
    event("month-last", "2025-12");
    event("dated-last", "2025-12-10");
    event("year-last", "2025");
    site
}

fn list_order(html: &str, label: &str) -> Vec<String> {
    let start = html.find(&format!("<p>{label}:</p>")).unwrap_or_else(|| panic!("{label}"));
    let list = &html[start..];
    let list = &list[..list.find("</ul>").unwrap_or(list.len())];
    list.split("<a href=\"/events/")
        .skip(1)
        .filter_map(|s| s.split('/').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_event_known_by_its_month_is_upcoming_until_the_month_is_over() {
    let site = fixture_with_months();
    let root = site.path();
    let output = root.join("public");
    renkei().arg("build").arg("--root").arg(root).arg("--output").arg(&output).assert().success();
    let list = read(&output.join("events/index.html"));
    let upcoming = list_order(&list, "upcoming");
    let past = list_order(&list, "past");
    assert!(upcoming.contains(&"month-this".to_owned()), "{upcoming:?}");
    let position =
        |id: &str| past.iter().position(|p| p == id).unwrap_or_else(|| panic!("{id}: {past:?}"));
    // Newest first: the dated December event, December itself, then the year 2025 after all of it.
    assert!(position("dated-last") < position("month-last"), "{past:?}");
    assert!(position("month-last") < position("year-last"), "{past:?}");
    let calendar = read(&output.join("events/calendar.ics"));
    for id in ["month-this", "month-last", "year-last"] {
        assert!(!calendar.contains(&format!("UID:{id}@")), "{id} is not in the calendar");
    }
    assert!(calendar.contains("UID:dated-last@"));
    let page = read(&output.join("events/year-last/index.html"));
    assert!(page.contains("2025年"), "{page}");
}

#[test]
fn a_month_that_does_not_exist_is_an_error_with_the_nearest_month() {
    let site = fixture_copy("basic");
    let root = site.path();
    let file = "content/events/kushiro-mikakuichi-2015.md";
    let written = read(&root.join(file));
    let date_line = written.lines().find(|l| l.starts_with("date: ")).unwrap_or_default();
    edit(root, file, date_line, "date: 2016-13");
    let (code, stderr) = run_failing("build", root, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("`2016-13` is not a date: there is no month 13"), "{stderr}");
    assert!(stderr.contains(&format!("{file}:3:7")), "located at the value:\n{stderr}");
    assert!(stderr.contains("did you mean `2016-12`?"), "the nearest valid value:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
