//! Open data under `/data/`: the site's records as CSV (UTF-8 with a BOM, RFC 4180, CRLF) and as
//! JSON with a JSON Schema each, written in Rust so that they are valid whatever the theme does.
//!
//! Every data set is one module here: a record struct declared with `table::record!` (its
//! fields are the columns, in the CSV's order, each with its Japanese header — the
//! 自治体標準オープンデータセット's where one exists — and its English description beside it), and
//! an `impl DataSet` that names the set and makes its records from the site. `table` writes
//! every set the same way, so the CSV, the JSON and the schema cannot disagree.
//!
//! To add a data set: write `<set>.rs` after the model of `exhibits.rs` (a `record!` struct and
//! its `impl DataSet` with `ABOUT` and `records`), declare it below with `mod <set>;` and add one
//! line to `DATASETS` where it should appear on the data page, e.g. `entry::<members::Member>()`.
//! Nothing else changes: the files, the schema, the data page and its English version follow.
//! A column that another set has too should keep that set's JSON field, header and meaning.

mod agreements;
mod english;
mod events;
mod exhibits;
mod facilities;
mod meetings;
mod members;
mod municipalities;
mod partners;
mod plan;
mod relations;
pub mod table;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::context::entry_summary;
use crate::load::Meta;
use crate::markdown::Bodies;
use crate::model::{Collection, NodeId, Site};
pub use table::{Cell, Column, DATE_PATTERN, Kind, to_csv};
use table::{Record, column_values, json_text, record_schema};

/// Every data set, in the order of the data page.
const DATASETS: &[Entry] = &[
    entry::<municipalities::Municipality>(),
    entry::<relations::Relation>(),
    entry::<events::Event>(),
    entry::<exhibits::Exhibit>(),
    entry::<facilities::Facility>(),
    entry::<agreements::Agreement>(),
    entry::<meetings::Meeting>(),
    entry::<members::Member>(),
    entry::<partners::Partner>(),
    entry::<plan::PlanRow>(),
];

/// What names a data set: its files are `data/<id>.csv`, `data/<id>.json` and
/// `data/schema/<id>.json`; the titles and descriptions are the data page's.
pub(super) struct About {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub title_en: &'static str,
    pub description_en: &'static str,
}

/// A data set: the records of one `record!` struct, made from the site.
trait DataSet: Record {
    const ABOUT: &'static About;
    /// Whether the site has this data set (the plan only when it has `data/plan.toml`).
    fn present(_site: &Site) -> bool {
        true
    }
    /// The records, in the order of the files.
    fn records(site: &Site, bodies: &Bodies) -> Vec<Self>;
}

/// A data set as `DATASETS` lists it: its record type erased.
struct Entry {
    about: &'static About,
    columns: &'static [Column],
    present: fn(&Site) -> bool,
    rows: fn(&Site, &Bodies) -> Vec<Vec<Cell>>,
    /// The cells of a record with every value empty (the tests count them).
    #[cfg(test)]
    blank: fn() -> Vec<Cell>,
}

const fn entry<R: DataSet>() -> Entry {
    Entry {
        about: R::ABOUT,
        columns: R::COLUMNS,
        present: R::present,
        rows: rows_of::<R>,
        #[cfg(test)]
        blank: blank_of::<R>,
    }
}

#[cfg(test)]
fn blank_of<R: Record>() -> Vec<Cell> {
    R::default().into_cells()
}

fn rows_of<R: DataSet>(site: &Site, bodies: &Bodies) -> Vec<Vec<Cell>> {
    R::records(site, bodies).into_iter().map(Record::into_cells).collect()
}

/// One data set, made: its rows in the order of its columns.
pub struct Dataset {
    about: &'static About,
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell>>,
}

impl Dataset {
    pub fn id(&self) -> &'static str {
        self.about.id
    }
}

/// Every data set of the site, in the order of the data page.
pub fn datasets(site: &Site, bodies: &Bodies) -> Vec<Dataset> {
    present(site).map(|entry| make(entry, site, bodies)).collect()
}

/// The data sets this site has, in the order of the data page.
fn present(site: &Site) -> impl Iterator<Item = &'static Entry> + '_ {
    DATASETS.iter().filter(|entry| (entry.present)(site))
}

fn make(entry: &Entry, site: &Site, bodies: &Bodies) -> Dataset {
    Dataset { about: entry.about, columns: entry.columns, rows: (entry.rows)(site, bodies) }
}

/// The data sets as files, each handed to `write` as soon as it is made, and the description
/// the data page shows. A large site's data sets are tens of megabytes: made one at a time,
/// only one of them is held at once.
///
/// `others`: the paths and sizes of files made beside it (feeds, calendars); the site-wide
/// ones are listed too.
pub fn open_data(
    site: &Site,
    bodies: &Bodies,
    others: &[(String, usize)],
    write: &mut dyn FnMut(String, Vec<u8>),
) -> Value {
    let config = &site.config;
    let mut page = Vec::new();
    for entry in present(site) {
        let dataset = make(entry, site, bodies);
        let id = dataset.id();
        let csv = to_csv(dataset.columns, &dataset.rows);
        let schema_path = format!("data/schema/{id}.json");
        let schema_url = format!("{}{schema_path}", config.base_url);
        let json = json_file(site, &dataset, &schema_url);
        let schema = pretty(&schema(site, &dataset, &schema_url));
        let outputs = [
            ("CSV", format!("data/{id}.csv"), csv),
            ("JSON", format!("data/{id}.json"), json.into_bytes()),
            ("JSON Schema", schema_path, schema.into_bytes()),
        ];
        let file_values: Vec<Value> = outputs
            .iter()
            .map(|(format, path, bytes)| {
                json!({
                    "format": format,
                    "name": path.strip_prefix("data/").unwrap_or(path),
                    "url": format!("{}{path}", config.base_path),
                    "size": bytes.len(),
                    "size_label": size_label(bytes.len()),
                })
            })
            .collect();
        page.push(json!({
            "id": id,
            "title": dataset.about.title,
            "description": dataset.about.description,
            "license": config.license,
            "records": dataset.rows.len(),
            "columns": column_values(dataset.columns),
            "files": file_values,
        }));
        for (_, path, bytes) in outputs {
            write(path, bytes);
        }
    }
    let mut others_by_lang = Map::new();
    for lang in site.config.language_codes() {
        others_by_lang.insert(lang.to_owned(), json!(other_files(site, others, lang)));
    }
    let others = others_by_lang.get(config.default_language.as_str()).cloned();
    json!({"datasets": page, "others": others, "others_by_lang": others_by_lang})
}

/// The calendar and the site-wide feeds, as the data page of `lang` lists them: the feeds in
/// `lang` where the site has them.
fn other_files(site: &Site, files: &[(String, usize)], lang: &str) -> Vec<Value> {
    let feed = |collection: Collection| {
        let has_feed = super::feeds::has_feed(site, collection, lang);
        let shown = if has_feed { lang } else { &site.config.default_language };
        super::feeds::list_feed(site, collection, shown).path
    };
    let listed = [
        ("events/calendar.ics".to_owned(), "iCalendar", "イベントのカレンダー"),
        (feed(Collection::Events), "Atom", "イベントのフィード"),
        (feed(Collection::News), "Atom", "お知らせのフィード"),
    ];
    listed
        .iter()
        .filter_map(|(path, format, title)| {
            let (_, size) = files.iter().find(|(p, _)| p == path)?;
            Some(json!({
                "title": title,
                "format": format,
                "name": path,
                "url": site.url(path),
                "size": size,
                "size_label": size_label(*size),
                "license": site.config.license,
            }))
        })
        .collect()
}

/// The title of the data page.
pub(super) fn title(site: &Site, lang: &str) -> String {
    site.config.strings.text(lang, "open_data")
}

/// The context of `data.html`.
pub(super) fn context(site: &Site, datasets: &Value, lang: &str) -> Map<String, Value> {
    let path = format!("{}data/", site.lang_prefix(lang));
    let mut context = Map::new();
    context.insert(
        "page".into(),
        json!({
            "title": title(site, lang),
            "url": format!("{}{path}", site.config.base_path),
            "permalink": format!("{}{path}", site.config.base_url),
            "content": "",
        }),
    );
    let translated;
    let datasets = if lang == site.config.default_language {
        datasets
    } else {
        translated = english::translate(datasets, lang);
        &translated
    };
    context.insert("datasets".into(), datasets["datasets"].clone());
    context.insert("other_files".into(), datasets["others"].clone());
    context.insert("license".into(), json!(site.config.license));
    context
}

/// `1,234 bytes` below 10 KB, else `12.3 KB`.
fn size_label(bytes: usize) -> String {
    if bytes < 10 * 1024 {
        let digits = bytes.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{grouped} bytes")
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
/// The JSON file of a data set: what it is, then its records.
fn json_file(site: &Site, dataset: &Dataset, schema_url: &str) -> String {
    let about = dataset.about;
    let head: BTreeMap<&str, Value> = BTreeMap::from([
        ("$schema", json!(schema_url)),
        ("dataset", json!(about.id)),
        ("title", json!(about.title)),
        ("description", json!(about.description)),
        ("license", json!(site.config.license)),
        ("publisher", json!(publisher(site))),
        ("source", json!(site.config.base_url)),
    ]);
    json_text(head, dataset.columns, &dataset.rows)
}

fn publisher(site: &Site) -> &str {
    if site.config.author.is_empty() { &site.config.title } else { &site.config.author }
}

/// The JSON Schema (draft 2020-12) of a data set's JSON file.
pub fn schema(site: &Site, dataset: &Dataset, schema_url: &str) -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url,
        "title": format!("{} — {}", site.config.title, dataset.about.title),
        "type": "object",
        "required": ["dataset", "title", "license", "publisher", "source", "records"],
        "properties": {
            "$schema": {"type": "string"},
            "dataset": {"const": dataset.about.id},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "license": {"type": "string"},
            "publisher": {"type": "string"},
            "source": {"type": "string"},
            "records": {
                "type": "array",
                "items": record_schema(dataset.columns),
            },
        },
        "additionalProperties": false,
    })
}

fn page_url(site: &Site, id: NodeId) -> String {
    site.permalink(&site.path_of(id, &site.config.default_language))
}

fn names(site: &Site, ids: &[NodeId]) -> String {
    ids.iter().map(|&id| site.nodes[id].title()).collect::<Vec<_>>().join("、")
}

fn summary(site: &Site, bodies: &Bodies, id: NodeId) -> String {
    let entry = &site.nodes[id].entry;
    entry_summary(entry, bodies.get(&entry.path).map(|b| b.text.as_str()))
}

/// The code and the name of a municipality's prefecture.
fn prefecture_of(site: &Site, municipality: NodeId) -> (String, String) {
    match site.nodes[municipality].links.parent.map(|p| &site.nodes[p].entry.meta) {
        Some(Meta::Prefecture(p)) => (p.code.clone(), p.name.clone()),
        _ => (String::new(), String::new()),
    }
}

/// The ward code (全国地方公共団体コード) of a ward's node.
fn ward_code(site: &Site, ward: NodeId) -> Option<&str> {
    match &site.nodes[ward].entry.meta {
        Meta::Ward(w) => Some(&w.code),
        _ => None,
    }
}

/// Nodes in date order (oldest first).
fn chronological(site: &Site, collection: Collection) -> Vec<NodeId> {
    let mut ids = site.list(collection).to_vec();
    ids.sort_by_key(|&id| (site.nodes[id].date(), site.nodes[id].id().to_owned()));
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_set_has_one_value_per_column_and_its_own_id() {
        let mut ids = Vec::new();
        for entry in DATASETS {
            assert_eq!((entry.blank)().len(), entry.columns.len(), "{}", entry.about.id);
            assert!((entry.blank)().iter().all(|cell| *cell == Cell::Empty));
            let mut fields: Vec<&str> = entry.columns.iter().map(|c| c.field).collect();
            fields.sort_unstable();
            fields.dedup();
            assert_eq!(fields.len(), entry.columns.len(), "{}", entry.about.id);
            ids.push(entry.about.id);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DATASETS.len());
    }

    #[test]
    fn sizes_are_readable() {
        assert_eq!(size_label(999), "999 bytes");
        assert_eq!(size_label(1234), "1,234 bytes");
        assert_eq!(size_label(20480), "20.0 KB");
    }
}
